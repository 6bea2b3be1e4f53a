#!/usr/bin/env bash
# The employment report (务工就业) of a whole province, side by side with its floor: the same
# GROUP BY run straight from Python's sqlite3 (bench/employment_baseline.py).
# The bench's registry has no 劳动技能, 务工 or 公益岗位: a copy of it is given them first, the
# same every run (from the digits of each ID number), then timed.
# usage: BENCH_DB=/path/to/zhenxing-1000000.db bash bench/employment.sh [RUNS]   (default 3)
set -euo pipefail
RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=${BENCH_DB:?set BENCH_DB to a database made by bench/run.sh}
WORK=$(mktemp -d /tmp/zhenxing-employment.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && cargo build -q --release)
ZX="$ROOT/target/release/zhenxing"
cp "$DB" "$WORK/e.db"
python3 - "$WORK/e.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("""UPDATE members SET
  labour = CAST(substr(id_number, 15, 2) AS INTEGER) % 5 + 1,
  migrant_place = CASE WHEN CAST(substr(id_number, 13, 2) AS INTEGER) % 3 = 0 THEN '省外' END,
  welfare_job = CASE WHEN CAST(substr(id_number, 16, 2) AS INTEGER) % 7 = 0 THEN 1 ELSE 0 END""")
c.commit()
PY
"$ZX" employment --db "$WORK/e.db" --area 620000 | head -1   # migrations applied, the figures said
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "zhenxing employment, province: %e s, peak %M KB" \
    "$ZX" employment --db "$WORK/e.db" --area 620000 --format json > /dev/null
done
python3 "$ROOT/bench/employment_baseline.py" "$WORK/e.db" | sed 's/^/sqlite3 baseline: /'
