# shellcheck shell=bash
# Shared by the cluster and node tiers' run-tests.sh: numbered checks, waiting, and stopping the
# processes a tier started. Source it, then set CHECK_OUT (a file for the last check's output)
# and TIER_LOGS (where wait_until's message points); `die` comes from the tier's lib.sh.

passed=0
failed=0
# check <description> <command...>: runs the command, prints "ok" or "FAIL" and, on failure, the
# last 40 lines of its output; counts both in $passed and $failed.
check() {
  local what=$1
  shift
  if "$@" >"$CHECK_OUT" 2>&1; then
    passed=$((passed + 1))
    printf 'ok   %s\n' "$what"
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$what"
    sed 's/^/     /' "$CHECK_OUT" | tail -n 40
  fi
}

# stop_pids <pid>...: SIGTERM to each (last first), up to 20 s of grace, then SIGKILL.
stop_pids() {
  local pids=("$@") pid i
  ((${#pids[@]} > 0)) || return 0
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for ((i = 0; i < 200; i++)); do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && break; done
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# wait_until <what> <seconds> <command...>: until the command succeeds; dies after the timeout.
wait_until() {
  local what=$1 timeout=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || die "$what not ready after ${timeout}s (logs: $TIER_LOGS)"
    sleep 1
  done
}
