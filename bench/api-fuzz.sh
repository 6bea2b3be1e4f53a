#!/usr/bin/env bash
# Fuzzes the running server through its own OpenAPI document with schemathesis (from PyPI):
# every operation, generated and mutated inputs, as a county administrator with an API token.
# Passes when no answer is a 5xx. Not part of CI (it takes minutes); run after changing the API.
# usage: bench/api-fuzz.sh [EXAMPLES_PER_OPERATION]     (default 200)
set -euo pipefail
EXAMPLES=${1:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/zhenxing-api-fuzz.XXXXXX)
command -v st >/dev/null 2>&1 || pip install -q schemathesis
(cd "$ROOT" && cargo build -q --release)
ZX="$ROOT/target/release/zhenxing"
"$ZX" demo --db "$WORK/fuzz.db" --households 2000 --no-serve > "$WORK/demo.txt"
TOKEN=$("$ZX" user token --db "$WORK/fuzz.db" --name xian --label api-fuzz | tail -1)
"$ZX" serve --db "$WORK/fuzz.db" --listen 127.0.0.1:8099 > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:8099/api/v1/openapi.json >/dev/null && break; sleep 0.2; done
st run http://127.0.0.1:8099/api/v1/openapi.json -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error --max-examples "$EXAMPLES" --workers 2
