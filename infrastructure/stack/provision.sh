#!/usr/bin/env bash
# Installs and builds everything the one-machine stack needs, caching heavy outputs by version in
# ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}. Idempotent: every step whose output exists is skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$CACHE_DIR"
T0=$SECONDS
step_done() { log "$1 ($((SECONDS - $2))s)"; }

for tool in go java mvn node; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (needs Go, Java 17 + Maven, Node 20)"
done

# --- daprd: the heaviest step, so it builds in the background while the rest runs -------------
DAPRD_DIR="$CACHE_DIR/daprd-$DAPR_VERSION"
# shellcheck source=daprd/build-dapr.sh
source "$STACK_SRC/daprd/build-dapr.sh"

daprd_pid=""
if [[ -x "$DAPRD" ]]; then
  log "daprd $DAPR_VERSION: cached at $DAPRD"
else
  mkdir -p "$DAPRD_DIR"
  log "daprd $DAPR_VERSION: building in the background (log: $DAPRD_DIR/build.log)"
  build_dapr "$DAPR_VERSION" "$DAPRD_DIR" daprd >"$DAPRD_DIR/build.log" 2>&1 &
  daprd_pid=$!
fi

# --- Redis -------------------------------------------------------------------------------------
t=$SECONDS
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  log "redis-server: present ($(redis-server --version | awk '{print $3}'))"
else
  ((EUID == 0)) || die "redis-server is missing; run this script as root or: sudo apt-get install -y redis-server"
  log "redis-server: installing with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  # The Debian package starts a system service on :6379; the stack runs its own on loopback.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
  step_done "redis-server: installed" "$t"
fi

# --- PostgreSQL --------------------------------------------------------------------------------
[[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" ]] ||
  die "PostgreSQL $POSTGRES_MAJOR server binaries not found in $PG_BIN (apt-get install postgresql-$POSTGRES_MAJOR)"
log "postgresql: present ($("$PG_BIN/postgres" --version))"
if ((EUID == 0)) && ! id postgres >/dev/null 2>&1; then
  # PostgreSQL refuses to run as root; up.sh runs it as this system user.
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  log "postgresql: created the 'postgres' system user"
fi

# --- Kafka jars from Maven Central --------------------------------------------------------------
t=$SECONDS
if [[ -f "$KAFKA_LIBS/.complete" ]]; then
  log "kafka $KAFKA_VERSION: cached at $KAFKA_LIBS"
else
  rm -rf "$KAFKA_LIBS.partial"
  mvn -q -B -f "$STACK_SRC/kafka/pom.xml" \
    -Dkafka.version="$KAFKA_VERSION" -Dkafka.scala.version="$KAFKA_SCALA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.partial" \
    >"$CACHE_DIR/kafka-$KAFKA_VERSION.mvn.log" 2>&1 ||
    { cat "$CACHE_DIR/kafka-$KAFKA_VERSION.mvn.log" >&2; die "Maven could not fetch Kafka $KAFKA_VERSION"; }
  touch "$KAFKA_LIBS.partial/.complete"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.partial" "$KAFKA_LIBS"
  step_done "kafka $KAFKA_VERSION: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS" "$t"
fi

# --- wait for daprd ------------------------------------------------------------------------------
if [[ -n "$daprd_pid" ]]; then
  log "daprd $DAPR_VERSION: waiting for the build"
  if ! wait "$daprd_pid"; then
    tail -n 30 "$DAPRD_DIR/build.log" >&2
    die "daprd build failed; full log: $DAPRD_DIR/build.log"
  fi
  step_done "daprd $DAPR_VERSION: built $DAPRD" "$T0"
fi
"$DAPRD" --version >/dev/null || die "$DAPRD does not run"

log "provisioned in $((SECONDS - T0))s; cache: $CACHE_DIR"
