# shellcheck shell=bash disable=SC2034
# Shared by the stack scripts: paths, pinned versions, ports, and process helpers.
# Source it; it expects `set -euo pipefail` in the caller.

STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$STACK_SRC/../.." && pwd)"
# shellcheck source=versions.env
source "$STACK_SRC/versions.env"
# shellcheck source=ports.env
source "$STACK_SRC/ports.env"
# STACK_PORT_OFFSET (default 0) moves every port of the plan, so a second stack (another clone,
# another CI run) can run on the same machine; test/ports.ts applies the same offset.
STACK_PORT_OFFSET="${STACK_PORT_OFFSET:-0}"
[[ "$STACK_PORT_OFFSET" =~ ^[0-9]+$ ]] || { echo "STACK_PORT_OFFSET must be a whole number" >&2; exit 1; }
for _port_var in $(sed -n 's/^\([A-Z_]*_PORT\)=.*/\1/p' "$STACK_SRC/ports.env"); do
  printf -v "$_port_var" '%d' "$((${!_port_var} + STACK_PORT_OFFSET))"
done
unset _port_var

CACHE_DIR="${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"
PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
DAPRD="$CACHE_DIR/daprd-$DAPR_VERSION/daprd"
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION"
LOG_DIR="$STACK_DIR/logs"
PID_DIR="$STACK_DIR/pids"
COMPONENTS_DIR="$STACK_DIR/components"
DAPR_CONFIG="$STACK_DIR/dapr-config.yaml"

log() { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# True if the process recorded under $PID_DIR/<name>.pid is alive and is ours: its command line
# must mention $STACK_DIR, so a recycled pid never makes us kill a stranger.
pid_alive() {
  local pidfile="$PID_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$STACK_DIR"
}

# start_bg <name> <command...>: run detached (own session), output to $LOG_DIR/<name>.log.
start_bg() {
  local name="$1"
  shift
  mkdir -p "$LOG_DIR" "$PID_DIR"
  if pid_alive "$name"; then
    log "$name already running (pid $(<"$PID_DIR/$name.pid"))"
    return 0
  fi
  # Own session: a Ctrl-C in the calling terminal or test runner does not reach it.
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/$name.pid"
  sleep 0.3
  pid_alive "$name" || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name exited at once; log: $LOG_DIR/$name.log"; }
}

# stop_bg <name> [grace seconds]: SIGTERM, wait, then SIGKILL.
stop_bg() {
  local name="$1" grace="${2:-30}" pid i
  if ! pid_alive "$name"; then
    rm -f "$PID_DIR/$name.pid"
    return 0
  fi
  pid="$(<"$PID_DIR/$name.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in ${grace}s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_DIR/$name.pid"
  log "stopped $name"
}

# wait_for <what> <timeout seconds> <command...>: poll until the command succeeds.
wait_for() {
  local what="$1" timeout="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || die "$what not ready after ${timeout}s"
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Run a command as the OS user that owns the PostgreSQL files (postgres refuses to run as root).
as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

kafka_java() {
  timeout 120 java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$STACK_SRC/kafka/tools-log4j.properties" "$@"
}
