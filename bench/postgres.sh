#!/usr/bin/env bash
# zhenxing on PostgreSQL against ../shared/bench/baseline_pg.sh, side by side in one run, on the
# same 1 M-household data (gen_registry.py --households N --seed 42):
#   baseline - baseline_pg.sh on the bench layout: CREATE TABLE + COPY, indexes, rollup SQL
#   zhenxing - a private cluster with the baseline's server settings; `zhenxing init` then
#              `zhenxing import` of the ledger layout (parsed, validated, COPY into the product's
#              schema with its keys, history and kept figures, one transaction), then
#              `zhenxing-bench stats` (the full all-level recomputation, dashboards, as-of); then
#              the same ledger imported again (nothing changes) and an updated one
#              (bench/update_ledger.py), as bench/run.sh does on SQLite. Before the second
#              import, the 500,000-row medical file is screened (`zhenxing-bench screen`, as
#              bench/screening.sh on SQLite) against the baseline's screening query, the same
#              households checked
# usage: bench/postgres.sh [HOUSEHOLDS] [REPS]     (defaults: 1000000 1; run as root, the
#        clusters belong to the postgres OS user). Data in $BENCH_DATA as bench/run.sh keeps it.
#        ZX=… ZXB=… measure other builds' `zhenxing` and `zhenxing-bench` (builds taking turns).
set -euo pipefail
N=${1:-1000000}
REPS=${2:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ZX_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=$(readlink -f "${BENCH_DATA:-$PWD/benchdata}")
OUT=${RESULTS_DIR:-$PWD/bench-results}
BENCH="$DATA/bench-$N"
LEDGER="$DATA/ledger-$N"
mkdir -p "$OUT"
RES="$OUT/postgres.jsonl"
: > "$RES"
[ -f "$BENCH/persons.csv" ] || python3 "$SHARED/gen_registry.py" --households "$N" --seed 42 --out "$BENCH"
[ -f "$LEDGER/persons.csv" ] || python3 "$SHARED/gen_registry.py" --households "$N" --seed 42 --layout ledger --out "$LEDGER"
UPDATED="$DATA/ledger-$N-updated"
[ -f "$UPDATED/persons.csv" ] || python3 "$ROOT/bench/update_ledger.py" "$LEDGER" "$UPDATED"
(cd "$ROOT" && cargo build --release -q -p zhenxing -p zhenxing-bench)
ZX=${ZX:-$ROOT/target/release/zhenxing}
ZXB=${ZXB:-$ROOT/target/release/zhenxing-bench}
PGBIN=$(dirname "$(readlink -f "$(command -v postgres || ls /usr/lib/postgresql/*/bin/postgres | tail -1)")")
as_pg() { runuser -u postgres -- "$@"; }
now() { date +%s.%N; }
since() { python3 -c "print(round($(now)-$1,3))"; }

ZPG=$(readlink -f "${ZPG_DIR:-$DATA/zpg}")
SOCK="$ZPG/sock"
PORT=54330
mkdir -p "$ZPG" "$SOCK"; chown postgres "$ZPG" "$SOCK"
[ -f "$ZPG/data/PG_VERSION" ] || as_pg "$PGBIN/initdb" -D "$ZPG/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
URL="postgres://postgres@localhost:$PORT/zx?host=$SOCK"

for rep in $(seq "$REPS"); do
  # The baseline (starts and stops its own cluster).
  bash "$SHARED/baseline_pg.sh" "$BENCH" 1 | tail -1 | sed 's/^{/{"rep": '"$rep"', "side": "baseline", /' >> "$RES"
  # zhenxing, on a cluster with the same settings.
  as_pg "$PGBIN/pg_ctl" -D "$ZPG/data" -l "$ZPG/server.log" -w start -o \
    "-c listen_addresses='' -k $SOCK -p $PORT -c shared_buffers=4GB -c work_mem=256MB \
     -c maintenance_work_mem=1GB -c wal_level=minimal -c max_wal_senders=0 \
     -c max_parallel_workers_per_gather=2 -c synchronous_commit=off" >/dev/null
  trap 'as_pg "$PGBIN/pg_ctl" -D "$ZPG/data" -m fast stop >/dev/null 2>&1 || true' EXIT
  psql -X -q -h "$SOCK" -p $PORT -U postgres -d postgres -c "DROP DATABASE IF EXISTS zx" -c "CREATE DATABASE zx"
  "$ZX" init --db "$URL" > /dev/null
  T0=$(now)
  /usr/bin/time -f '%M' -o "$ZPG/rss.txt" "$ZX" import --db "$URL" --households "$LEDGER/households.csv" --members "$LEDGER/persons.csv" > "$ZPG/import.txt"
  T_IMPORT=$(since "$T0")
  DBMB=$(psql -X -h "$SOCK" -p $PORT -U postgres -d zx -At -c "SELECT round(pg_database_size('zx')/1048576.0)")
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"import\", \"wall_s\": $T_IMPORT, \"client_peak_rss_mb\": $(( $(cat "$ZPG/rss.txt") / 1024 )), \"db_mb\": $DBMB}" >> "$RES"
  s=$("$ZXB" stats --db "$URL" --samples 200)
  echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"stats\", ${s#\{}" >> "$RES"
  # Department screening of the registry as imported (the data the baseline screens).
  "$ZXB" screen --db "$URL" --file "$LEDGER/medical.csv" --date 2025-11-01 --hits "$ZPG/hits.txt" \
    | sed 's/^{/{"rep": '"$rep"', "side": "zhenxing", "op": "screen", /' >> "$RES"
  for step in reimport:"$LEDGER" update:"$UPDATED"; do
    T0=$(now)
    "$ZX" import --db "$URL" --households "${step#*:}/households.csv" --members "${step#*:}/persons.csv" > "$ZPG/import.txt"
    echo "{\"rep\": $rep, \"side\": \"zhenxing\", \"op\": \"${step%%:*}\", \"wall_s\": $(since "$T0")}" >> "$RES"
    cat "$ZPG/import.txt"
  done
  as_pg "$PGBIN/pg_ctl" -D "$ZPG/data" -m fast stop >/dev/null
  trap - EXIT
  tail -5 "$RES"
done

python3 - "$RES" "$BENCH/out-pg/screening.csv" "$ZPG/hits.txt" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda xs: statistics.median(xs) if xs else float("nan")
b = [r for r in rows if r.get("side") == "baseline"]
imp = [r for r in rows if r.get("op") == "import"]
st = [r for r in rows if r.get("op") == "stats"]
bi, br = med([r["import_s"] for r in b]), med([r["rollup_s"] for r in b])
bix = med([r["index_s"] for r in b])
zi, zr = med([r["wall_s"] for r in imp]), med([r["recompute_all_levels_s"] for r in st])
print(f"\nmedians of {len(imp)} runs (PostgreSQL)")
print(f"import  zhenxing {zi:.1f} s (db {med([r['db_mb'] for r in imp]):.0f} MiB)  baseline COPY {bi:.1f} s (+ indexes {bix:.1f} s)  ratio {zi/bi:.2f} (vs COPY+indexes {zi/(bi+bix):.2f})")
print(f"rollup  zhenxing recompute {zr:.2f} s  baseline {br:.2f} s  ratio {zr/br:.2f}")
print(f"dashboard p50 {med([r['dashboard_p50_ms'] for r in st]):.2f} ms  p99 {med([r['dashboard_p99_ms'] for r in st]):.2f} ms; "
      f"as-of province {med([r['as_of_province_all_levels_s'] for r in st]):.2f} s")
for op, what in [("reimport", "the same ledger again (nothing changes)"), ("update", "an updated ledger (1 household in 10, 1 member in 20)")]:
    xs = [r["wall_s"] for r in rows if r.get("op") == op]
    if xs:
        print(f"import of {what}: zhenxing {med(xs):.1f} s")
sc = [r for r in rows if r.get("op") == "screen"]
if sc:
    bs = med([r["screening_s"] for r in b])
    mj = med([r["match_and_judge_s"] for r in sc])
    print(f"screening  zhenxing read+match+judge {mj:.2f} s, writing the batch {med([r['write_s'] for r in sc]):.2f} s "
          f"({sc[-1]['hits']} hits: {sc[-1]['created']} new clues, {sc[-1]['attached']} attached); baseline {bs:.2f} s  ratio {mj/bs:.2f}")
for r in st[:1]:
    print(f"same figures: monitoring persons {r['mon_persons_total']} (baseline {b[0].get('mon_persons_total')}), eliminated {r['eliminated_total']} (baseline {b[0].get('eliminated_total')})")
if sc:
    import csv
    base = {r["household_id"] for r in csv.DictReader(open(sys.argv[2]))}
    ours = {l.strip() for l in open(sys.argv[3]) if l.strip()}
    print(f"households never monitored and over the line: zhenxing {len(ours)}, baseline {len(base)}, same set: {base == ours}")
    if base != ours:
        sys.exit(1)
PY
