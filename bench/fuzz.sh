#!/usr/bin/env bash
# Fuzzes every parser at the edge for a bounded time each (not part of CI):
#   values       ID numbers, area codes, amounts, dates, household numbers, years, risk lists
#   ledger_csv   any bytes as a CSV ledger of either layout (encoding detection, header search, rows)
#   ledger_xlsx  any bytes named as an xlsx ledger: read as the workbook (xlsx or xls), text or
#                web page they are (seeded with workbooks of the tests', one written by xlwt,
#                and a page)
#   department   any bytes as a department file (csv or xlsx) of every screening kind of the
#                policy: header search, rows, the kind's cells parsed, the rows judged
#   projects     any bytes as a project ledger (csv or xlsx): header search, rows parsed and
#                checked, the year's figures summed
#   loans        any bytes as a loans ledger (csv or xlsx): header search, rows parsed (amounts
#                under a header with a unit and without) and checked, the figures of a day
#   construction any bytes as a construction ledger (csv or xlsx): items' and targets' headers,
#                rows parsed and checked, the figures summed
#   cooperation  any bytes as a cooperation ledger (csv or xlsx): header search, rows parsed,
#                values read in the indicator's unit, the figures summed
#   roster       any bytes as a roster of village-resident cadres (csv or xlsx): header search,
#                rows parsed and checked, the teams counted, the roster written back masked
#   targets      any bytes as a table of employment targets (csv or xlsx): header search, rows
#                parsed and checked, the progress summed
#   trainings    any bytes as a training ledger of the work teams (csv or xlsx): header search,
#                rows parsed and checked, the coverage counted
# usage: bench/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
# cargo-fuzz needs nightly-only compiler flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows
# them. Crashes are kept in fuzz/artifacts/<target>/.
set -euo pipefail
SECONDS_EACH=${1:-60}
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# xlsx seeds: any workbook the product writes
mkdir -p seeds/ledger_xlsx
if [ -z "$(ls seeds/ledger_xlsx)" ]; then
  (cd .. && cargo run -q --release -- generate --out fuzz/seeds/ledger_xlsx --households 3 --format xlsx >/dev/null)
fi
status=0
for target in values ledger_csv ledger_xlsx department projects loans construction roster cooperation targets trainings; do
  mkdir -p "corpus/$target"
  echo "== $target for ${SECONDS_EACH}s"
  cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
    || status=1
done
exit $status
