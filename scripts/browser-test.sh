#!/usr/bin/env bash
# Browser tests: the frontend against `npm start` in headless Chromium (Debian's, driven by
# playwright-core). Builds the frontend when its export is missing or older than its sources,
# starts the product on a fresh data folder and a free port, runs apps/frontend/browser-test/*.test.ts
# with Node's test runner, and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-chromium.sh

# Builds apps/frontend/out when it is missing or older than its sources.
node apps/frontend/scripts/build-if-stale.mjs

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
port_is_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(Number(process.argv[1]),"127.0.0.1",()=>s.close())' "$1"
}

PORT=${BROWSER_TEST_PORT:-3100}
port_is_free "$PORT" || PORT=$(free_port)
WORK=$(mktemp -d)
# The database gets a folder of its own: npm start refuses a folder holding other files.
DATA_DIR="$WORK/data"
SERVER_PID=""
cleanup() {
  # Each was started with setsid, so its id is its process group: npm and the node under it stop together.
  if [ -n "$SERVER_PID" ]; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_DATA:-}" = "" ]; then rm -rf "$WORK"; else echo "data and server log kept in $WORK" >&2; fi
}
trap cleanup EXIT

echo "starting npm start on 127.0.0.1:$PORT (data in $DATA_DIR)" >&2
PORT=$PORT HOST=127.0.0.1 DATA_DIR="$DATA_DIR" PUBLIC_URL="http://127.0.0.1:$PORT" LOG_LEVEL=${LOG_LEVEL:-warn} \
  AUTH_SIGN_IN_LIMIT_PER_MINUTE=1000 WEBHOOK_ALLOW_PRIVATE_NETWORKS=true setsid npm start >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

API_URL="http://127.0.0.1:$PORT"
for i in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$API_URL/healthz"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "npm start exited:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  if [ "$i" = 120 ]; then
    echo "npm start did not answer /healthz within 60 s" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

BASE_URL=$API_URL
if ! node -e 'fetch(process.argv[1]).then(async r=>process.exit(r.ok&&(await r.text()).includes("<html")?0:1),()=>process.exit(1))' "$API_URL/login/"; then
  echo "npm start does not serve the frontend at /login/" >&2
  exit 1
fi

# Arguments: node test runner flags (--test-name-pattern=…) and/or test files; default every journey.
files=()
flags=()
for arg in "$@"; do
  case "$arg" in
    -*) flags+=("$arg") ;;
    *) files+=("$arg") ;;
  esac
done
[ "${#files[@]}" = 0 ] && files=(apps/frontend/browser-test/*.test.ts)

status=0
BASE_URL=$BASE_URL API_URL=$API_URL node --import tsx --test --test-concurrency=1 ${flags[@]+"${flags[@]}"} "${files[@]}" || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 80 lines) ---" >&2
  tail -n 80 "$WORK/server.log" >&2 || true
fi
exit "$status"
