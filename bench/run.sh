#!/usr/bin/env bash
# Benchmarks zhenxing against the baselines a user would otherwise use, side by side in one run,
# on the same generated data (../shared/bench, or $ZX_SHARED_BENCH):
#   import  - `zhenxing import` of the ledger layout (durable, into SQLite) vs DuckDB's in-memory
#             import of the same data (bench layout); peak memory of both
#   re-import - `zhenxing import` of the same ledger again into that database: every row
#             compared, nothing changes (a county's monthly re-import; no baseline does this);
#             then of an updated ledger (bench/update_ledger.py: one household in ten a new income,
#             one member in twenty a new health state; 100,000 and 175,175 of 1 M), each change kept with its history
#   stats   - the full all-level recomputation, dashboards, an as-of report (in-process timings
#             by zhenxing-bench) vs DuckDB's rollup of all 19,224 areas
# usage: bench/run.sh [HOUSEHOLDS] [REPS]        (defaults: 1000000 3)
# Writes bench-results/zhenxing.jsonl and prints a summary table. Data is kept in $BENCH_DATA
# (default ./benchdata) and reused when present.
set -euo pipefail
N=${1:-1000000}
REPS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ZX_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${BENCH_DATA:-$PWD/benchdata}
OUT=${RESULTS_DIR:-$PWD/bench-results}
BENCH="$DATA/bench-$N"
LEDGER="$DATA/ledger-$N"
mkdir -p "$DATA" "$OUT"
RES="$OUT/zhenxing.jsonl"
: > "$RES"

[ -f "$BENCH/persons.csv" ] || python3 "$SHARED/gen_registry.py" --households "$N" --seed 42 --out "$BENCH"
[ -f "$LEDGER/persons.csv" ] || python3 "$SHARED/gen_registry.py" --households "$N" --seed 42 --layout ledger --out "$LEDGER"
UPDATED="$DATA/ledger-$N-updated"
[ -f "$UPDATED/persons.csv" ] || python3 "$ROOT/bench/update_ledger.py" "$LEDGER" "$UPDATED"
python3 -c "import duckdb" 2>/dev/null || pip install -q duckdb
(cd "$ROOT" && cargo build --release -q -p zhenxing -p zhenxing-bench)
ZX="$ROOT/target/release/zhenxing"
ZXB="$ROOT/target/release/zhenxing-bench"

# peak RSS (MiB) and wall seconds of a command, as JSON fields
timed() {
  /usr/bin/time -f '%e %M' -o "$DATA/time.txt" "$@" > "$DATA/out.txt" 2> "$DATA/err.txt" || { cat "$DATA/err.txt"; return 1; }
  read -r wall kb < "$DATA/time.txt"
  echo "\"wall_s\": $wall, \"peak_rss_mb\": $(( kb / 1024 ))"
}

for rep in $(seq "$REPS"); do
  # DuckDB: its own script from ../shared/bench (import, rollup, screening), in memory.
  python3 "$SHARED/baseline_duckdb.py" "$BENCH" | tail -1 | sed 's/^{/{"rep": '"$rep"', "side": "baseline", /' >> "$RES"
  # zhenxing: durable import of the ledger layout into a fresh SQLite database.
  DB="$DATA/zhenxing-$N.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$ZX" init --db "$DB" > /dev/null
  t=$(timed "$ZX" import --db "$DB" --households "$LEDGER/households.csv" --members "$LEDGER/persons.csv")
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"import\", $t, \"db_mb\": $(( $(stat -c %s "$DB") / 1048576 ))}" >> "$RES"
  s=$("$ZXB" stats --db "$DB" --samples 500)
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"stats\", ${s#\{}" >> "$RES"
  t=$(timed "$ZX" import --db "$DB" --households "$LEDGER/households.csv" --members "$LEDGER/persons.csv")
  grep -q "新增0 更新0.*新增0 更新0" "$DATA/out.txt" || { echo "re-import changed rows:"; cat "$DATA/out.txt"; exit 1; }
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"reimport\", $t}" >> "$RES"
  t=$(timed "$ZX" import --db "$DB" --households "$UPDATED/households.csv" --members "$UPDATED/persons.csv")
  grep -q "户 新增0 更新[1-9][0-9]* .*成员 新增0 更新[1-9]" "$DATA/out.txt" || { echo "the update did not change what it should:"; cat "$DATA/out.txt"; exit 1; }
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"update\", $t}" >> "$RES"
  tail -5 "$RES"
done

python3 - "$RES" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")
duck = [r for r in rows if r.get("side") == "baseline"]
imp = [r for r in rows if r.get("op") == "import"]
st = [r for r in rows if r.get("op") == "stats"]
re = [r for r in rows if r.get("op") == "reimport"]
up = [r for r in rows if r.get("op") == "update"]
d_import = med([r["import_s"] for r in duck]); d_rollup = med([r["rollup_s"] for r in duck])
z_import = med([r["wall_s"] for r in imp]); z_rec = med([r["recompute_all_levels_s"] for r in st])
print(f"\nmedians of {len(imp)} runs")
print(f"import   zhenxing {z_import:.2f} s (peak {med([r['peak_rss_mb'] for r in imp]):.0f} MiB, db {med([r['db_mb'] for r in imp]):.0f} MiB)"
      f"  duckdb {d_import:.2f} s (peak {med([r['maxrss_mb_after_import'] for r in duck]):.0f} MiB)  ratio {z_import/d_import:.2f}")
if re:
    print(f"re-import of the same ledger (nothing changes) zhenxing {med([r['wall_s'] for r in re]):.2f} s "
          f"(peak {med([r['peak_rss_mb'] for r in re]):.0f} MiB)")
if up:
    print(f"an updated ledger (1 household in 10, 1 member in 20 changed) zhenxing {med([r['wall_s'] for r in up]):.2f} s "
          f"(peak {med([r['peak_rss_mb'] for r in up]):.0f} MiB)")
print(f"rollup   zhenxing recompute {z_rec:.3f} s  duckdb {d_rollup:.3f} s  ratio {z_rec/d_rollup:.2f}")
print(f"dashboard p50 {med([r['dashboard_p50_ms'] for r in st]):.2f} ms  p99 {med([r['dashboard_p99_ms'] for r in st]):.2f} ms  "
      f"max {med([r['dashboard_max_ms'] for r in st]):.2f} ms")
print(f"as-of province (all levels) {med([r['as_of_province_all_levels_s'] for r in st]):.3f} s; "
      f"as-of report {med([r['as_of_report_s'] for r in st]):.3f} s; check {med([r['check_s'] for r in st]):.3f} s")
for r in st[:1]:
    print(f"same figures: monitoring persons {r['mon_persons_total']} (duckdb {duck[0]['mon_persons_total']}), "
          f"eliminated {r['eliminated_total']} (duckdb {duck[0]['eliminated_total']})")
PY
