#!/usr/bin/env bash
# Load on loopback: N clients for S seconds against `zhenxing serve` on a registry database
# (made by bench/run.sh, or any database with households), reads (area pages, household lists,
# statistics, a household) and writes (an import of one new household) mixed. Afterwards every
# acknowledged write is read back. Prints the load figures and the server's peak memory.
# usage: bench/load.sh DB [CLIENTS] [SECONDS] [WRITE_PERCENT] [COUNTY]
#        (defaults: 50 clients, 60 s, 5% writes, the county with the most households)
set -euo pipefail
DB=$1
CLIENTS=${2:-50}
SECONDS_=${3:-60}
WRITES=${4:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
(cd "$ROOT" && cargo build --release -q -p zhenxing -p zhenxing-bench)
ZX="$ROOT/target/release/zhenxing"
ZXB="$ROOT/target/release/zhenxing-bench"
q() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(','.join(str(r[0]) for r in c.execute(sys.argv[2])))" "$DB" "$1"; }
COUNTY=${5:-$(q "SELECT county_code FROM households GROUP BY county_code ORDER BY COUNT(*) DESC LIMIT 1")}
lo=$COUNTY; hi=$((COUNTY + 999999))
AREAS="$COUNTY,$(q "SELECT DISTINCT village_code / 1000 * 1000 FROM households WHERE village_code BETWEEN $lo AND $hi LIMIT 20"),$(q "SELECT DISTINCT village_code FROM households WHERE village_code BETWEEN $lo AND $hi LIMIT 100")"
HOUSEHOLDS=$(q "SELECT household_no FROM households WHERE village_code BETWEEN $lo AND $hi ORDER BY household_no LIMIT 2000")
VILLAGE=$(q "SELECT village_code FROM households WHERE village_code BETWEEN $lo AND $hi LIMIT 1")
NAME="load$$"
"$ZX" user add --db "$DB" --name "$NAME" --role county_admin --area "$COUNTY" > /dev/null
TOKEN=$("$ZX" user token --db "$DB" --name "$NAME" --label load | tail -1)
"$ZX" serve --db "$DB" --listen 127.0.0.1:8098 > /tmp/zhenxing-load-serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8098/healthz >/dev/null && break; sleep 0.2; done
"$ZXB" load --addr 127.0.0.1:8098 --token "$TOKEN" --areas "$AREAS" --households "$HOUSEHOLDS" \
  --village "$VILLAGE" --clients "$CLIENTS" --seconds "$SECONDS_" --write-percent "$WRITES"
echo "server peak memory: $(grep VmHWM /proc/$SERVER/status | awk '{print int($2/1024)}') MiB"
"$ZX" user disable --db "$DB" --name "$NAME" > /dev/null
