#!/usr/bin/env bash
# One daprd sidecar for one app, on the port plan of ports.env, listening on 127.0.0.1 only.
#   sidecar.sh start <app-id> [--no-app] [-- <extra daprd flags>]   background; waits until healthy
#   sidecar.sh stop <app-id>
#   sidecar.sh run <app-id> [--no-app] [-- <extra daprd flags>]     foreground (exec)
# app-id: backend | notification-service | recurring-task-service | audit-service. With --no-app the sidecar
# serves only its API (publish, state) and delivers nothing. In start mode the app should already
# listen on its port: daprd reads the app's subscriptions when it starts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: $0 start|run|stop <backend|notification-service|recurring-task-service|audit-service> [--no-app] [-- daprd flags]"; }
cmd="${1:-}" app_id="${2:-}"
[[ -n "$cmd" && -n "$app_id" ]] || usage
shift 2
case "$app_id" in
backend) prefix=BACKEND ;;
notification-service) prefix=NOTIFICATION ;;
recurring-task-service) prefix=RECURRING ;;
audit-service) prefix=AUDIT ;;
*) usage ;;
esac
app_port_var="${prefix}_APP_PORT" http_var="${prefix}_DAPR_HTTP_PORT"
grpc_var="${prefix}_DAPR_GRPC_PORT" metrics_var="${prefix}_METRICS_PORT"
internal_var="${prefix}_DAPR_INTERNAL_GRPC_PORT"
# SIDECAR_REPLICA=N (default 0): the sidecar of the app's N-th extra replica, every port of the
# plan moved by N * 50 (the app of that replica listens on its app port + N * 50), pid and log
# under daprd-<app-id>-<N>. Same app id, so it joins the same Kafka consumer group.
replica="${SIDECAR_REPLICA:-0}"
[[ "$replica" =~ ^[0-9]$ ]] || die "SIDECAR_REPLICA must be a digit"
for var in app_port_var http_var grpc_var metrics_var internal_var; do
  printf -v "${!var}" '%d' "$((${!var} + replica * 50))"
done
http_port="${!http_var}" name="daprd-$app_id"
((replica == 0)) || name="daprd-$app_id-$replica"

if [[ "$cmd" == stop ]]; then
  stop_bg "$name" 15
  exit 0
fi

app_args=(--app-port "${!app_port_var}" --app-channel-address 127.0.0.1)
if [[ "${1:-}" == --no-app ]]; then
  app_args=()
  shift
fi
[[ "${1:-}" == -- ]] && shift

[[ -x "$DAPRD" ]] || die "daprd $DAPR_VERSION is not provisioned; run infrastructure/stack/provision.sh"
[[ -d "$COMPONENTS_DIR" && -f "$DAPR_CONFIG" ]] || die "no rendered components in $COMPONENTS_DIR; run infrastructure/stack/up.sh"

# The notification service serves its API by service invocation and trusts only calls that carry
# its app API token: the sidecar sends APP_API_TOKEN as dapr-api-token. The app reads the same
# value from the secret store.
if [[ "$app_id" == notification-service ]]; then
  APP_API_TOKEN="$(node -e 'const s = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(s["todo-secrets"]?.APP_API_TOKEN ?? "")' "$STACK_DIR/secrets.json")"
  [[ -n "$APP_API_TOKEN" ]] || die "no APP_API_TOKEN in $STACK_DIR/secrets.json; run infrastructure/stack/up.sh"
  export APP_API_TOKEN
fi

# No --placement-host-address / --scheduler-host-address: standalone, without actors or jobs.
daprd=("$DAPRD" --mode standalone --app-id "$app_id" "${app_args[@]}"
  --dapr-listen-addresses 127.0.0.1 --dapr-http-port "$http_port" --dapr-grpc-port "${!grpc_var}"
  --dapr-internal-grpc-listen-address 127.0.0.1 --dapr-internal-grpc-port "${!internal_var}"
  --metrics-listen-address 127.0.0.1 --metrics-port "${!metrics_var}"
  --resources-path "$COMPONENTS_DIR" --config "$DAPR_CONFIG"
  --dapr-graceful-shutdown-seconds 5 --log-level "${DAPR_LOG_LEVEL:-info}" "$@")

case "$cmd" in
run) exec "${daprd[@]}" ;;
start)
  if ! pid_alive "$name" && port_open "$http_port"; then
    die "port $http_port is taken by a process this stack did not start"
  fi
  start_bg "$name" "${daprd[@]}"
  for ((i = 0; ; i++)); do
    pid_alive "$name" || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name exited; log: $LOG_DIR/$name.log"; }
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 204 ? 0 : 1), () => process.exit(1))' \
      "http://127.0.0.1:$http_port/v1.0/healthz" && break
    ((i < 120)) || die "$name not healthy after 60s; log: $LOG_DIR/$name.log"
    sleep 0.5
  done
  log "$name: ready on http 127.0.0.1:$http_port, grpc ${!grpc_var}, metrics ${!metrics_var} (log: $LOG_DIR/$name.log)"
  ;;
*) usage ;;
esac
