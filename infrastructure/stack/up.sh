#!/usr/bin/env bash
# Starts PostgreSQL, Redis and Kafka on 127.0.0.1 under $STACK_DIR (default <repo>/.stack) and
# renders the Dapr components for this machine. Idempotent: what already runs is left alone.
#   up.sh                          everything
#   up.sh postgres|redis|kafka...  only those (components not rendered again), e.g. after down.sh <name>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka.sh"

T0=$SECONDS
[[ -x "$DAPRD" ]] || die "daprd $DAPR_VERSION is not provisioned; run infrastructure/stack/provision.sh"
mkdir -p "$LOG_DIR" "$PID_DIR"

# --- PostgreSQL: initdb once, then pg_ctl (it keeps its pid in $PG_DATA/postmaster.pid) --------
PG_HOME="$STACK_DIR/postgres"
PG_DATA="$PG_HOME/data"
start_postgres() {
  mkdir -p "$PG_HOME/run"
  touch "$LOG_DIR/postgres.log"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (PostgreSQL refuses root); run provision.sh"
    chown -R postgres: "$PG_HOME" "$LOG_DIR/postgres.log"
    as_pg test -x "$PG_HOME" || die "user postgres cannot reach $PG_HOME; set STACK_DIR to a world-traversable path"
  fi
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C >/dev/null
    # Loopback only, trust: a throwaway test database that nothing outside this machine can reach.
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$PG_DATA/pg_hba.conf"
    cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_HOME/run'
max_connections = 200
EOF
    chown postgres: "$PG_DATA/pg_hba.conf" 2>/dev/null || true
    log "postgres: initialised $PG_DATA"
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null; then
    port_open "$POSTGRES_PORT" && die "port $POSTGRES_PORT is taken by a process this stack did not start"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 60 start >/dev/null
  fi
  wait_for "postgres" 60 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$POSTGRES_PORT"
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  [[ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = 'todo'")" == 1 ]] ||
    "${psql[@]}" -c "create role todo login createdb"
  [[ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'todo'")" == 1 ]] ||
    "${psql[@]}" -c "create database todo owner todo"
  log "postgres: ready on 127.0.0.1:$POSTGRES_PORT (log: $LOG_DIR/postgres.log)"
}

# --- Redis: transient state only, so no persistence ---------------------------------------------
start_redis() {
  mkdir -p "$STACK_DIR/redis"
  if ! pid_alive redis && port_open "$REDIS_PORT"; then
    die "port $REDIS_PORT is taken by a process this stack did not start"
  fi
  # --set-proc-title no keeps $STACK_DIR in the command line, which pid_alive checks.
  start_bg redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK_DIR/redis" \
    --save "" --appendonly no --set-proc-title no --daemonize no
  wait_for "redis" 30 bash -c "[[ \$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping) == PONG ]]"
  log "redis: ready on 127.0.0.1:$REDIS_PORT (log: $LOG_DIR/redis.log)"
}

# --- Dapr components: the Minikube files with loopback addresses and a local secret store -------
render_components() {
  local src="$REPO_ROOT/infrastructure/dapr/components/local" tmp="$COMPONENTS_DIR.partial" f out
  local schedule="${RECURRING_CRON_SCHEDULE:-@every 1s}"
  rm -rf "$tmp" && mkdir -p "$tmp"
  for f in "$src"/*.yaml; do
    out="$tmp/$(basename "$f")"
    sed -e "s#redpanda.default.svc.cluster.local:9092#127.0.0.1:$KAFKA_PORT#g" \
      -e "s#redis-master.default.svc.cluster.local:6379#127.0.0.1:$REDIS_PORT#g" \
      -e "/name: schedule/{n;s#value: .*#value: \"$schedule\"#}" "$f" >"$out"
    if grep -q secretKeyRef "$out"; then printf 'auth:\n  secretStore: local-secret-store\n' >>"$out"; fi
  done
  sed "s#@SECRETS_FILE@#$STACK_DIR/secrets.json#" "$STACK_SRC/dapr/secretstore-local-file.yaml" \
    >"$tmp/secretstore-local-file.yaml"
  write_secrets
  sed -e "s#@BACKEND_INTERNAL@#$BACKEND_DAPR_INTERNAL_GRPC_PORT#" \
    -e "s#@NOTIFICATION_INTERNAL@#$NOTIFICATION_DAPR_INTERNAL_GRPC_PORT#" \
    -e "s#@RECURRING_INTERNAL@#$RECURRING_DAPR_INTERNAL_GRPC_PORT#" \
    -e "s#@AUDIT_INTERNAL@#$AUDIT_DAPR_INTERNAL_GRPC_PORT#" "$STACK_SRC/dapr/config.yaml" >"$DAPR_CONFIG"
  rm -rf "$COMPONENTS_DIR" && mv "$tmp" "$COMPONENTS_DIR"
  log "dapr: components rendered in $COMPONENTS_DIR (cron schedule: $schedule)"
}

# --- Secrets: the file the local secret store serves, kept out of the repository ---------------
# $STACK_DIR/secrets.json (mode 600). "redis": the components' secretKeyRef (local Redis has no
# password: the secret exists and is empty). "todo-secrets": the services' credentials, read at
# start-up through GET /v1.0/secrets/local-secret-store/todo-secrets; values already there are
# kept, missing ones made (random secrets from the kernel's CSPRNG).
write_secrets() {
  local file="$STACK_DIR/secrets.json"
  (umask 077 && node - "$file" "postgres://todo@127.0.0.1:$POSTGRES_PORT/todo" <<'NODE'
const fs = require("node:fs");
const crypto = require("node:crypto");
const [file, databaseUrl] = process.argv.slice(2);
const current = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
const random = () => crypto.randomBytes(32).toString("base64url");
const todo = current["todo-secrets"] ?? {};
current.redis ??= { "redis-password": "" };
current["todo-secrets"] = {
  DATABASE_URL: databaseUrl,
  BETTER_AUTH_SECRET: random(),
  APP_API_TOKEN: random(),
  ...todo,
};
fs.writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
NODE
  )
  chmod 600 "$file"
}

if (($# > 0)); then
  for part in "$@"; do
    case "$part" in
    postgres) start_postgres ;;
    redis) start_redis ;;
    kafka) kafka_start ;;
    *) die "usage: $0 [postgres|redis|kafka]..." ;;
    esac
  done
  exit 0
fi

kafka_start &
kafka_job=$!
start_redis
start_postgres
render_components
wait "$kafka_job" || die "kafka did not start; see $LOG_DIR/kafka.log"

log "stack up in $((SECONDS - T0))s: postgres 127.0.0.1:$POSTGRES_PORT (db/user todo), redis 127.0.0.1:$REDIS_PORT, kafka 127.0.0.1:$KAFKA_PORT"
log "logs: $LOG_DIR; sidecars: infrastructure/stack/sidecar.sh start <app-id>"
