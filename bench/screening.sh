#!/usr/bin/env bash
# Department screening on a million households, side by side with DuckDB in the same run:
#   zhenxing - `zhenxing-bench screen`: the 500,000-row medical.csv (ledger layout) screened
#              in-process against the registry imported from the same seed, as `zhenxing screen`
#              does it (SQLite, durable): reading and matching, judging, then writing the batch,
#              its results and the clues and cases, each timed
#   DuckDB   - the `screening` phase of ../shared/bench/baseline_duckdb.py on the same data
#              (bench layout, in memory; the medical rows were read in its import phase), and
#              bench/screening_duckdb_file.py: the same SQL with the medical CSV read in the timing
# and checks that both find the same households (zhenxing's hits that were never monitoring
# objects = the baseline's `monitor_type = 'none'` rows).
# usage: bench/screening.sh [REPS]          (default 3)
# Data (generated when absent, as bench/run.sh does): $LEDGER and $BENCHLAYOUT, both from
# gen_registry.py --households 1000000 --seed 42. The registry database $BASE_DB is made once with
# `zhenxing init` + `zhenxing import` and copied for every run (a run writes clues).
set -euo pipefail
REPS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ZX_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${BENCH_DATA:-$PWD/benchdata}
LEDGER=${LEDGER:-$DATA/ledger-1000000}
BENCHLAYOUT=${BENCHLAYOUT:-$DATA/bench-1000000}
WORK=${WORK:-$DATA/screening}
BASE_DB=${BASE_DB:-$WORK/registry.db}
mkdir -p "$WORK/duckdb"
RES="$WORK/screening.jsonl"
: > "$RES"

[ -f "$BENCHLAYOUT/medical.csv" ] || python3 "$SHARED/gen_registry.py" --households 1000000 --seed 42 --out "$BENCHLAYOUT"
[ -f "$LEDGER/medical.csv" ] || python3 "$SHARED/gen_registry.py" --households 1000000 --seed 42 --layout ledger --out "$LEDGER"
python3 -c "import duckdb" 2>/dev/null || pip install -q duckdb
(cd "$ROOT" && cargo build --release -q -p zhenxing -p zhenxing-bench)
ZX="$ROOT/target/release/zhenxing"
ZXB="$ROOT/target/release/zhenxing-bench"

if [ ! -f "$BASE_DB" ]; then
  "$ZX" init --db "$BASE_DB" > /dev/null
  "$ZX" import --db "$BASE_DB" --households "$LEDGER/households.csv" --members "$LEDGER/persons.csv"
fi
"$ZX" migrate --db "$BASE_DB" > /dev/null
# DuckDB writes its results next to its data: give it a folder of its own.
for f in households.csv persons.csv medical.csv; do ln -sf "$BENCHLAYOUT/$f" "$WORK/duckdb/$f"; done

for rep in $(seq "$REPS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  python3 "$SHARED/baseline_duckdb.py" "$WORK/duckdb" | tail -1 \
    | sed 's/^{/{"rep": '"$rep"', "side": "baseline", "load": '"$load"', /' >> "$RES"
  python3 "$ROOT/bench/screening_duckdb_file.py" "$SHARED" "$WORK/duckdb" | tail -1 \
    | sed 's/^{/{"rep": '"$rep"', "side": "baseline_file", /' >> "$RES"
  DB="$WORK/run.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$BASE_DB" "$DB"
  load=$(cut -d' ' -f1 /proc/loadavg)
  "$ZXB" screen --db "$DB" --file "$LEDGER/medical.csv" --date 2025-11-01 --hits "$WORK/zhenxing-hits.txt" \
    | sed 's/^{/{"rep": '"$rep"', "side": "zhenxing", "load": '"$load"', /' >> "$RES"
  tail -2 "$RES"
done

python3 - "$RES" "$WORK/duckdb/out-duckdb/screening.csv" "$WORK/zhenxing-hits.txt" <<'PY'
import csv, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
duck = [r for r in rows if r["side"] == "baseline"]
zx = [r for r in rows if r["side"] == "zhenxing"]
med = lambda xs: statistics.median(xs)
rng = lambda xs: f"{min(xs):.3f}–{max(xs):.3f}"
d = [r["screening_s"] for r in duck]
m = [r["match_and_judge_s"] for r in zx]
w = [r["write_s"] for r in zx]
print(f"\nmedians of {len(zx)} runs (load average at start: {', '.join(str(r['load']) for r in zx)})")
print(f"duckdb screening             {med(d):.3f} s ({rng(d)})")
print(f"zhenxing read+match+judge    {med(m):.3f} s ({rng(m)})  ratio {med(m) / med(d):.2f}")
df = [r["screening_from_file_s"] for r in rows if r["side"] == "baseline_file"]
if df:
    print(f"duckdb reading the file too  {med(df):.3f} s ({rng(df)})  ratio {med(m) / med(df):.2f}")
print(f"  read and match (overlapped) {med([r['read_and_match_s'] for r in zx]):.3f} s, of which reading "
      f"{med([r['read_s'] for r in zx]):.3f} s; judge {med([r['judge_s'] for r in zx]):.3f} s")
print(f"zhenxing write (batch, results, clues, cases) {med(w):.3f} s ({rng(w)})")
z = zx[-1]
print(f"rows {z['rows']}, matched {z['matched']}, unmatched {z['unmatched']}, households {z['households']}, "
      f"hits {z['hits']}: created {z['created']}, attached {z['attached']}")
base = sorted(r["household_id"] for r in csv.DictReader(open(sys.argv[2])))
ours = [l.strip() for l in open(sys.argv[3]) if l.strip()]
same = set(base) == set(ours)
print(f"households never monitored and over the line: zhenxing {len(ours)}, duckdb {len(base)}, "
      f"same set: {same}")
if not same:
    print("  only zhenxing:", sorted(set(ours) - set(base))[:10])
    print("  only duckdb:", sorted(set(base) - set(ours))[:10])
    sys.exit(1)
PY
