#!/usr/bin/env bash
# Stops what up.sh and sidecar.sh started (by the pids recorded in $STACK_DIR), sidecars first.
# --clean also deletes $STACK_DIR: databases, Kafka data, logs. With names (postgres, redis, kafka),
# stops only those and keeps their data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka.sh"

PG_DATA="$STACK_DIR/postgres/data"
stop_postgres() {
  if [[ -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "stopped postgres"
  fi
}

# down.sh postgres|redis|kafka...: stop only those (up.sh <name> starts them again).
if (($# > 0)) && [[ "$1" != "--clean" ]]; then
  for part in "$@"; do
    case "$part" in
    postgres) stop_postgres ;;
    redis) stop_bg redis 15 ;;
    kafka) kafka_stop ;;
    *) die "usage: $0 [--clean] | $0 postgres|redis|kafka..." ;;
    esac
  done
  exit 0
fi

for pidfile in "$PID_DIR"/daprd-*.pid; do
  [[ -e "$pidfile" ]] && stop_bg "$(basename "$pidfile" .pid)" 15
done
kafka_stop
stop_bg redis 15
stop_postgres
if [[ "${1:-}" == "--clean" ]]; then
  rm -rf "$STACK_DIR"
  log "removed $STACK_DIR"
fi
