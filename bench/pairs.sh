#!/usr/bin/env bash
# Two builds of `zhenxing-bench` taking turns at screening the medical file, each run on a fresh
# copy of the same registry: what a change did to reading, matching, judging and writing, and to
# the file, on a machine too noisy for one run of each. The hits of both must be the same.
# usage: bench/pairs.sh BUILD_A BUILD_B [PAIRS]     (default 3 pairs; A first in odd pairs)
#   BUILD_A, BUILD_B: zhenxing-bench binaries (e.g. copies of target/release/zhenxing-bench)
# Data as bench/screening.sh makes it: $BENCH_DATA/ledger-1000000/medical.csv and the registry
# $BASE_DB (default $BENCH_DATA/screening/registry.db).
# PostgreSQL: PG_SOCK=DIR PG_PORT=N PG_TEMPLATE=DB (a database with the registry imported, e.g.
# by bench/postgres.sh; its server running): each run screens a fresh `CREATE DATABASE … TEMPLATE`.
set -euo pipefail
A=$1 B=$2 PAIRS=${3:-3}
DATA=${BENCH_DATA:-$PWD/benchdata}
MEDICAL=${MEDICAL:-$DATA/ledger-1000000/medical.csv}
BASE_DB=${BASE_DB:-$DATA/screening/registry.db}
WORK=${WORK:-$(mktemp -d)}
run() { # LABEL BINARY
  local db="$WORK/run.db"
  if [ -n "${PG_TEMPLATE:-}" ]; then
    psql -X -q -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS zx_pairs" -c "CREATE DATABASE zx_pairs TEMPLATE $PG_TEMPLATE" 2>&1 | grep -v NOTICE || true
    db="postgres://postgres@localhost:$PG_PORT/zx_pairs?host=$PG_SOCK"
  else
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$BASE_DB" "$db"
  fi
  sync; sleep 1
  "$2" screen --db "$db" --file "$MEDICAL" --date 2025-11-01 --hits "$WORK/hits-$1.txt" \
    | python3 -c "import json,sys; d=json.load(sys.stdin); print('$1 read+match %.3f judge %.3f write %.3f' % (d['read_and_match_s'], d['judge_s'], d['write_s']), end=' ')"
  if [ -n "${PG_TEMPLATE:-}" ]; then echo; else echo "file $(stat -c %s "$db")"; fi
}
for i in $(seq "$PAIRS"); do
  if [ $((i % 2)) -eq 1 ]; then run A "$A"; run B "$B"; else run B "$B"; run A "$A"; fi
done
cmp -s "$WORK/hits-A.txt" "$WORK/hits-B.txt" && echo "same hits" || { echo "the hits differ"; exit 1; }
