#!/usr/bin/env bash
# Kafka alone: kafka.sh start | stop | restart | status | topics.
# A single KRaft node (broker + controller) on 127.0.0.1, data and log under $STACK_DIR.
# Tests use stop/start to take the broker away and bring it back with its data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_HOME="$STACK_DIR/kafka"
PROPS="$KAFKA_HOME/server.properties"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

topic_cmd() { kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"; }

kafka_start() {
  [[ -f "$KAFKA_LIBS/.complete" ]] || die "Kafka $KAFKA_VERSION is not provisioned; run infrastructure/stack/provision.sh"
  mkdir -p "$KAFKA_HOME/data"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    -e "s#@KAFKA_DATA_DIR@#$KAFKA_HOME/data#g" "$STACK_SRC/kafka/server.properties" >"$PROPS"
  if [[ ! -f "$KAFKA_HOME/data/meta.properties" ]]; then
    kafka_java kafka.tools.StorageTool format --ignore-formatted -c "$PROPS" \
      -t "$(kafka_java kafka.tools.StorageTool random-uuid)" >/dev/null
    log "kafka: storage formatted in $KAFKA_HOME/data"
  fi
  if ! pid_alive kafka && port_open "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is taken by a process this stack did not start"
  fi
  start_bg kafka java -Xms128m -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STACK_SRC/kafka/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$PROPS"
  wait_for "kafka port $KAFKA_PORT" 60 port_open "$KAFKA_PORT"
  pid_alive kafka || die "kafka exited; see $LOG_DIR/kafka.log"
  kafka_topics
  log "kafka: ready on $BOOTSTRAP (log: $LOG_DIR/kafka.log)"
}

# Creates the topics of topics.json that do not exist yet. Listing them doubles as the
# readiness check: it succeeds only once the broker answers metadata requests.
kafka_topics() {
  local existing name partitions retention
  wait_for "kafka topic listing" 60 topic_cmd --list
  existing="$(topic_cmd --list)"
  while read -r name partitions retention; do
    grep -qx "$name" <<<"$existing" && continue
    topic_cmd --create --if-not-exists --topic "$name" --partitions "$partitions" \
      --replication-factor 1 --config "retention.ms=$retention" >/dev/null
    log "kafka: created topic $name ($partitions partitions, retention ${retention}ms)"
  done < <(node -e 'for (const t of require(process.argv[1]).topics) console.log(t.name, t.partitions, t.retentionMs)' \
    "$STACK_SRC/topics.json")
}

kafka_stop() { stop_bg kafka 60; }

kafka_status() {
  if pid_alive kafka; then echo "kafka      running  pid $(<"$PID_DIR/kafka.pid")  $BOOTSTRAP"; else echo "kafka      stopped"; fi
}

# Sourced by up.sh/down.sh for the functions; executed for the subcommand.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
  start) kafka_start ;;
  stop) kafka_stop ;;
  restart) kafka_stop && kafka_start ;;
  status) kafka_status ;;
  topics) kafka_topics ;;
  *) die "usage: $0 start|stop|restart|status|topics" ;;
  esac
fi
