#!/usr/bin/env bash
# One line per process of the stack; exit status 0 only if PostgreSQL, Redis and Kafka all run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka.sh"

ok=0
PG_DATA="$STACK_DIR/postgres/data"
if [[ -f "$PG_DATA/postmaster.pid" ]] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; then
  echo "postgres   running  pid $(head -1 "$PG_DATA/postmaster.pid")  127.0.0.1:$POSTGRES_PORT"
else
  echo "postgres   stopped" && ok=1
fi
if pid_alive redis; then echo "redis      running  pid $(<"$PID_DIR/redis.pid")  127.0.0.1:$REDIS_PORT"; else echo "redis      stopped" && ok=1; fi
kafka_status
pid_alive kafka || ok=1
for pidfile in "$PID_DIR"/daprd-*.pid; do
  [[ -e "$pidfile" ]] || continue
  name="$(basename "$pidfile" .pid)"
  if pid_alive "$name"; then echo "$name running  pid $(<"$pidfile")"; else echo "$name stopped"; fi
done
echo "logs in $LOG_DIR"
exit "$ok"
