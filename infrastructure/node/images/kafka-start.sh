#!/bin/sh
# The Kafka stand-in image's entry point: one KRaft node (broker and controller), PLAINTEXT on
# :9092 advertised as $KAFKA_ADVERTISED (host:port), the controller on :9093; storage formatted
# in /var/lib/kafka on first start; then the topics of /opt/kafka/topics.txt ("name partitions
# retention-ms" lines) are created by $0 topics once the broker answers.
set -eu
cp="/opt/kafka/libs/*"
if [ "${1:-}" = topics ]; then
  until java -cp "$cp" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list >/dev/null 2>&1; do sleep 1; done
  while read -r name partitions retention; do
    java -cp "$cp" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor 1 --config "retention.ms=$retention"
  done </opt/kafka/topics.txt
  exit 0
fi
props=/tmp/server.properties
sed -e "s#@ADVERTISED@#${KAFKA_ADVERTISED:?KAFKA_ADVERTISED is required}#" /opt/kafka/server.properties >"$props"
if [ ! -f /var/lib/kafka/meta.properties ]; then
  java -cp "$cp" kafka.tools.StorageTool format --ignore-formatted -c "$props" \
    -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)"
fi
"$0" topics &
exec java -Xms128m -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dlog4j.configuration=file:/opt/kafka/log4j.properties -cp "$cp" kafka.Kafka "$props"
