#!/usr/bin/env bash
# A ledger of one row a person (一表式台账) against the two ledgers it holds, side by side:
#   import   - `zhenxing import --households ONE.csv` (households folded from their rows, the
#              members read again from the same file) against `--households H --members M` of
#              the same 1 M households, taking turns, each into a fresh database; the two
#              registries must export byte-identical
#   export   - `zhenxing export --layout persons` of the province, and that file imported back
#              into a fresh database
# usage: bench/one_table.sh [PAIRS]        (default 2; data in $BENCH_DATA as bench/run.sh keeps it)
set -euo pipefail
PAIRS=${1:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ZX_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${BENCH_DATA:-$PWD/benchdata}
LEDGER="$DATA/ledger-1000000"
ONE="$DATA/one-table-1000000.csv"
WORK="$DATA/one-table"
mkdir -p "$WORK"
[ -f "$LEDGER/persons.csv" ] || python3 "$SHARED/gen_registry.py" --households 1000000 --seed 42 --layout ledger --out "$LEDGER"
[ -f "$ONE" ] || python3 "$ROOT/bench/one_table.py" "$LEDGER" "$ONE"
(cd "$ROOT" && cargo build --release -q -p zhenxing)
ZX="$ROOT/target/release/zhenxing"

run() { # name, then the import's arguments after --db
  local name=$1; shift
  local db="$WORK/$name.db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$ZX" init --db "$db" > /dev/null
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$ZX" import --db "$db" "$@" > "$WORK/out.txt"
  read -r wall kb < "$WORK/time.txt"
  printf '%-10s %6.2f s  peak %4d MiB  %s\n' "$name" "$wall" $(( kb / 1024 )) "$(head -1 "$WORK/out.txt")"
}

for pair in $(seq "$PAIRS"); do
  run two --households "$LEDGER/households.csv" --members "$LEDGER/persons.csv"
  run one --households "$ONE"
done
for name in two one; do
  "$ZX" export --db "$WORK/$name.db" --area 620000 --out "$WORK/$name.csv" --unmasked > /dev/null
done
for ledger in 户信息 成员信息; do
  cmp "$WORK/two_$ledger.csv" "$WORK/one_$ledger.csv"
done
echo "the two registries export byte-identical"

/usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
  "$ZX" export --db "$WORK/two.db" --area 620000 --out "$WORK/persons.csv" --unmasked --layout persons > /dev/null
read -r wall kb < "$WORK/time.txt"
printf 'export --layout persons of the province  %6.2f s  peak %4d MiB  %d MB\n' "$wall" $(( kb / 1024 )) $(( $(stat -c %s "$WORK/persons.csv") / 1000000 ))
run back --households "$WORK/persons.csv"
"$ZX" export --db "$WORK/back.db" --area 620000 --out "$WORK/back.csv" --unmasked > /dev/null
for ledger in 户信息 成员信息; do
  cmp "$WORK/two_$ledger.csv" "$WORK/back_$ledger.csv"
done
echo "imported back: byte-identical"
rm -f "$WORK"/*.db "$WORK"/*.db-wal "$WORK"/*.db-shm "$WORK"/*.csv
