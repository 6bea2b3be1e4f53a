#!/usr/bin/env bash
# A whole province read a page at a time: the registry check (户籍信息核查) and the export of the
# province, and the household list's first and last page through the API, on a copy of a
# registry database (made by bench/run.sh or bench/screening.sh). Given a second binary (e.g.
# an earlier build), runs the same with it right after, on the same copy.
# usage: bench/pages.sh DB [OTHER_ZHENXING_BINARY]
set -euo pipefail
SRC=$1
OTHER=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
(cd "$ROOT" && cargo build --release -q -p zhenxing)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SRC" "$WORK/db"
DB="$WORK/db"
ZX="$ROOT/target/release/zhenxing"
q() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(','.join(str(r[0]) for r in c.execute(sys.argv[2])))" "$DB" "$1"; }
PROVINCE=$(q "SELECT code FROM divisions WHERE level = 1 ORDER BY code LIMIT 1")
# The cursor of the province's last page of 50 (the page after it is the last).
LAST=$(q "SELECT village_code || '.' || household_no FROM households ORDER BY village_code DESC, household_no DESC LIMIT 1 OFFSET 50")
NAME="pages$$"
echo 'a-long-password-for-bench' | "$ZX" user add --db "$DB" --name "$NAME" --role province_admin --area "$PROVINCE" > /dev/null
TOKEN=$("$ZX" user token --db "$DB" --name "$NAME" --label pages | grep -o 'zx_[A-Za-z0-9_]*' | head -1)
run() {
  local bin=$1
  echo "== $bin"
  if "$bin" registry-check --help > /dev/null 2>&1; then
    /usr/bin/time -f "registry-check of the province: %e s, peak %M KB" \
      "$bin" registry-check --db "$DB" --area "$PROVINCE" --format csv > "$WORK/check.csv" || true
    echo "  findings: $(($(wc -l < "$WORK/check.csv") - 1))"
  fi
  /usr/bin/time -f "export of the province (CSV): %e s, peak %M KB" \
    "$bin" export --db "$DB" --area "$PROVINCE" --out "$WORK/export.csv" > /dev/null
  rm -f "$WORK"/export_*.csv
  "$bin" serve --db "$DB" --listen 127.0.0.1:8099 > "$WORK/serve.log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:8099/healthz > /dev/null && break; sleep 0.2; done
  for page in "" "$LAST"; do
    local times=""
    for _ in 1 2 3; do
      times="$times $(curl -s -o "$WORK/page.json" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:8099/api/v1/households?area=$PROVINCE&page=$page")"
    done
    local which="first page"
    if [ -n "$page" ]; then which="last page (after $page)"; fi
    echo "household list, $which (s):$times  md5 $(md5sum < "$WORK/page.json" | cut -c1-8)"
  done
  kill $server; wait $server 2>/dev/null || true
}
run "$ZX"
if [ -n "$OTHER" ]; then run "$OTHER"; fi
