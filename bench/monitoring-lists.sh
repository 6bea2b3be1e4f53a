#!/usr/bin/env bash
# The monitoring work lists on a million households: builds a demo database, adds open
# identification cases for ~1 in 30 unmonitored households (most of them past due), and times the
# "overdue" and "due for visit" lists for the province, a county and a village against a command
# that only opens the database (the difference is the list).
# Usage: bench/monitoring-lists.sh [households] [zhenxing binary]
set -euo pipefail
N=${1:-1000000}
Z=${2:-target/release/zhenxing}
DIR=$(mktemp -d /tmp/zx-monitoring-bench.XXXXXX)
DB="$DIR/demo.db"
"$Z" demo --db "$DB" --households "$N" >/dev/null
sqlite3 "$DB" "
INSERT INTO cases (county_code, household_no, village_code, kind, clue_id, channel, risk_mask, category,
  policy_province, policy_year, policy_version, stage, opened_on, stage_since, last_on, step_due_on,
  next_due_on, created_by, created_at, version)
SELECT county_code, household_no, village_code, 1, NULL, 1 + abs(random()) % 3, 2, 2, 620000000000, 2022, 1,
  1 + abs(random()) % 6, d, d, d, date(d, '+7 days'), date(d, '+7 days'), 'bench', '2022-01-01T00:00:00Z', 1
FROM (SELECT county_code, household_no, village_code,
        date('2022-07-20', '-' || (abs(random()) % 60) || ' days') AS d
      FROM households WHERE monitor_category IS NULL AND abs(random()) % 30 = 0);
ANALYZE;"
echo "open cases: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM cases')"
t() { /usr/bin/time -f "%e s  $*" "$Z" "$@" --db "$DB" >/dev/null; }
for i in 1 2 3; do t policy show --province 62 --year 2022; done
for a in 62 620102 620102010201; do
  t monitor overdue --area "$a" --today 2022-07-27 --limit 100 --format csv
  t monitor visits-due --area "$a" --today 2022-07-27 --limit 100 --format csv
done
rm -rf "$DIR"
