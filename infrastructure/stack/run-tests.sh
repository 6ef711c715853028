#!/usr/bin/env bash
# npm run test:stack: provision (cached), start a clean stack, run the end-to-end tests, stop it;
# then the --quick fault soak (npm run soak).
# Exits non-zero on any failure; on failure the logs stay in $STACK_DIR/logs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
"$here/provision.sh"
# A clean Kafka and database for every run: consumer groups must not meet old runs' events.
"$here/down.sh" --clean >/dev/null 2>&1 || true
"$here/up.sh"
status=0
node scripts/run-tests.mjs infrastructure/stack/test --test-concurrency=1 || status=$?
"$here/down.sh" >/dev/null 2>&1 || true
# The fault soak, short (~2 minutes of load; bench/soak): its checks' own tests, then a clean stack
# of its own (in $STACK_DIR when set, else $TMPDIR/todo-soak-stack) that it stops at the end.
node scripts/run-tests.mjs bench/soak || status=$?
node --import tsx bench/soak/main.ts --quick || status=$?
if [[ $status -ne 0 ]]; then
  echo "stack tests failed; logs: ${STACK_DIR:-.stack}/logs" >&2
fi
exit $status
