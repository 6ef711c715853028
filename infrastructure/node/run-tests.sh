#!/usr/bin/env bash
# npm run test:node: the seed's acceptance on a real one-node Kubernetes cluster on this machine.
#
# In its own network namespace ($NETNS; nothing listens in the machine's): etcd and the control
# plane of the cluster tier, containerd (Debian) with runc and the bridge CNI plugin, the kubelet
# and kube-proxy built from the same k8s.io/kubernetes module, CoreDNS. Images are streamed into
# containerd from podman's storage (images.sh; no registry). Then, as docs/deploy-minikube.md does:
# Dapr's control plane from Dapr's own Helm chart (images overridden), PostgreSQL, Redis and
# Kafka in pods (manifests/backing.yaml), the Secrets, `helm install` of our chart with
# values-minikube.yaml; checks every app pod runs its daprd (2/2), runs test/seed.test.ts inside
# the namespace (a task created and completed through the backend's Service reaches the
# notification service through Kafka: in-app notification, signed webhooks at a receiver pod; a
# recurring instance from the cron binding; the notification pod killed mid-burst), then
# `helm upgrade` and `helm rollback`.
#
# Prints "node: N passed, N failed" and the time of each step; exits non-zero on any failure.
# State and logs: $NODE_DIR (/tmp/node-tier); pods' logs in $NODE_DIR/pod-logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$NODE_SRC/cluster.sh"
((EUID == 0)) || die "the node tier runs containerd, the kubelet and network namespaces: run as root"
T0=$SECONDS
"$NODE_SRC/provision.sh"
HELM=$CACHE_DIR/bin/helm-$(sed -n 's/^HELM_VERSION=//p' "$REPO_ROOT/scripts/k8s-tools.sh")/helm
steps=()
step() { steps+=("$1 $((SECONDS - $2))s"); log "$1: $((SECONDS - $2))s"; }
step provision "$T0"

CHECK_OUT=$NODE_DIR/last.out
expect_eq() { [[ $1 == "$2" ]] || { echo "expected '$2', got '$1'"; return 1; }; }
helm_() { in_netns "$HELM" "$@"; }

ip netns list | grep -qw "$NETNS" && die "network namespace $NETNS exists (another test:node run?)"
trap node_down EXIT
trap 'exit 143' TERM INT

# --- the node ----------------------------------------------------------------------------------
t=$SECONDS
node_up
wait_until "the node" 120 k wait --for=condition=Ready node --all --timeout=5s
wait_until "the default service account" 60 k get serviceaccount default -n default
step "control plane and node" "$t"
t=$SECONDS
# Not `mapfile < <(...)`: a failing images.sh must stop the run.
images=$("$NODE_SRC/images.sh" pause coredns dapr postgresql redis kafka backend \
  notification-service recurring-task-service audit-service frontend)
mapfile -t images <<<"$images"
node_import "${images[@]}"
step "images imported" "$t"
check "the kubelet registered its node, Ready, on containerd" \
  expect_eq "$(k get node "$(node_name)" -o jsonpath='{.status.nodeInfo.containerRuntimeVersion}')" \
  "containerd://$(containerd --version | awk '{sub(/[~+].*/, "", $3); print $3}')"

t=$SECONDS
sed -e "s/@COREDNS_VERSION@/$COREDNS_VERSION/" -e "s/@CLUSTER_DNS@/$CLUSTER_DNS/" "$NODE_SRC/manifests/coredns.yaml" |
  k apply -f - >/dev/null
check "CoreDNS is available" k -n kube-system rollout status deploy/coredns --timeout=180s
step "CoreDNS" "$t"

# --- docs/deploy-minikube.md step 2: Dapr's control plane, from its chart ------------------------
t=$SECONDS
dapr_chart=$NODE_DIR/dapr-chart
cp -r "$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" |
  sed -n 's/^\s*"Dir": "\(.*\)",\{0,1\}$/\1/p')/charts/dapr" "$dapr_chart"
chmod -R u+w "$dapr_chart"
# The images images.sh made; no scheduler (the apps use no jobs, actors or reminders of Dapr's).
check "Dapr $DAPR_VERSION: helm install of Dapr's chart --wait (operator, injector, sentry, placement)" \
  helm_ install dapr "$dapr_chart" -n dapr-system --create-namespace --wait --timeout 8m \
  --set global.registry=docker.io/todo-dapr --set "global.tag=$DAPR_VERSION" \
  --set global.imagePullPolicy=Never --set dapr_sidecar_injector.sidecarImagePullPolicy=Never \
  --set global.scheduler.enabled=false
step "Dapr control plane" "$t"

# --- step 3: PostgreSQL, Redis, Kafka; step 4: the Secrets ---------------------------------------
t=$SECONDS
k create secret generic postgresql --from-literal=password="$(openssl rand -hex 24)" >/dev/null
k create secret generic redis --from-literal=redis-password="$(openssl rand -hex 24)" >/dev/null
sed -e "s/@KAFKA_VERSION@/$KAFKA_VERSION/" "$NODE_SRC/manifests/backing.yaml" | k apply -f - >/dev/null
for d in postgresql redis-master kafka webhook-receiver; do
  check "$d is available" k rollout status "deploy/$d" --timeout=300s
done
# The entry point creates them once the broker answers; the last one of topics.json last.
topics_made() {
  local i
  for ((i = 0; i < 90; i++)); do
    k exec deploy/kafka -- java -cp '/opt/kafka/libs/*' org.apache.kafka.tools.TopicCommand \
      --bootstrap-server 127.0.0.1:9092 --list 2>/dev/null | grep -qx notification-events-dlq && return 0
    sleep 2
  done
  return 1
}
check "Kafka has the topics of topics.json" topics_made
pgpass=$(k get secret postgresql -o jsonpath='{.data.password}' | base64 -d)
vapid=$("$REPO_ROOT/node_modules/.bin/web-push" generate-vapid-keys --json)
k create secret generic todo-secrets \
  --from-literal=DATABASE_URL="postgres://todo:$pgpass@postgresql.default.svc.cluster.local:5432/todo" \
  --from-literal=BETTER_AUTH_SECRET="$(openssl rand -base64 48)" \
  --from-literal=SMTP_URL="smtp://mailpit.default.svc.cluster.local:1025" \
  --from-literal=VAPID_PRIVATE_KEY="$(node -e 'console.log(JSON.parse(process.argv[1]).privateKey)' "$vapid")" >/dev/null
k create secret generic todo-app-api-token --from-literal=token="$(openssl rand -base64 36)" >/dev/null
step "backing services" "$t"

# --- step 6: the chart ---------------------------------------------------------------------------
t=$SECONDS
chart=$REPO_ROOT/infrastructure/helm/todo-chart
# Kafka stands in for Redpanda; the receiver pod has a cluster address, which webhooks refuse
# unless told.
helm_args=(todo "$chart" -f "$chart/values-minikube.yaml"
  --set notificationService.vapidPublicKey="$(node -e 'console.log(JSON.parse(process.argv[1]).publicKey)' "$vapid")"
  --set dapr.pubsub.brokers=kafka.default.svc.cluster.local:9092
  --set-string notificationService.extraEnv.WEBHOOK_ALLOW_PRIVATE_NETWORKS=true
  --wait --timeout 10m)
check "helm install of the chart with values-minikube.yaml --wait" \
  helm_ install "${helm_args[@]}" --set-string "backend.podAnnotations.rollout=first"
step "chart installed" "$t"
app_pods() { k get pods -l app.kubernetes.io/instance=todo -o json; }
# name ready/total containers, daprd among them
pod_table() {
  app_pods | node -e '
    const pods = JSON.parse(require("fs").readFileSync(0, "utf8")).items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === "Running");
    for (const p of pods) {
      const s = p.status.containerStatuses ?? [];
      console.log(p.metadata.labels["app.kubernetes.io/name"], `${s.filter((c) => c.ready).length}/${s.length}`, s.map((c) => c.name).sort().join(","));
    }'
}
for app in backend notification-service recurring-task-service audit-service; do
  check "$app: 2/2 ready, daprd injected" bash -c "grep -qx '$app 2/2 .*daprd.*' <<<'$(pod_table)' || { echo '$(pod_table)'; exit 1; }"
done
check "frontend: 1/1 ready (no sidecar)" bash -c "grep -qx 'frontend 1/1 frontend' <<<'$(pod_table)' || { echo '$(pod_table)'; exit 1; }"
k get pods -A -o wide >"$NODE_DIR/pods.txt"
cat "$NODE_DIR/pods.txt"
components_loaded() {
  local logs
  logs=$(k logs deploy/todo-backend -c daprd)
  grep -q 'Component loaded: task-pubsub' <<<"$logs" && grep -q 'Component loaded: todo-statestore' <<<"$logs"
}
check "the backend's sidecar loaded the chart's components (task-pubsub, todo-statestore)" components_loaded

# --- step 7: the event flow ------------------------------------------------------------------------
t=$SECONDS
backend_url="http://$(k get svc todo-backend -o jsonpath='{.spec.clusterIP}:{.spec.ports[0].port}')"
receiver_url="http://$(k get svc webhook-receiver -o jsonpath='{.spec.clusterIP}')"
status=0
(cd "$REPO_ROOT" && NODE_BACKEND_URL=$backend_url NODE_RECEIVER_URL=$receiver_url \
  NODE_KUBECTL=$KUBE_DIR/kubectl KUBECONFIG=$KUBECONFIG in_netns node --import tsx --test \
  --test-concurrency=1 --test-reporter=spec infrastructure/node/test/seed.test.ts) | tee "$NODE_DIR/seed.out" || status=$?
if ((status == 0)); then passed=$((passed + 1)); else failed=$((failed + 1)); fi
printf '%s seed.test.ts: the event flow\n' "$([[ $status == 0 ]] && echo 'ok  ' || echo FAIL)"
step "event flow" "$t"

# --- upgrade and rollback ----------------------------------------------------------------------
t=$SECONDS
template_of() { k get deploy todo-backend -o jsonpath='{.spec.template.metadata.annotations.rollout}'; }
check "helm upgrade --wait (the migration hook again, the pods roll)" \
  helm_ upgrade "${helm_args[@]}" --set-string "backend.podAnnotations.rollout=second"
check "the upgrade rolled the backend's pods" expect_eq "$(template_of)" second
check "helm rollback --wait to revision 1" helm_ rollback todo 1 --wait --timeout 10m
check "the rollback returned to the first pod template" expect_eq "$(template_of)" first
for app in backend notification-service recurring-task-service audit-service; do
  check "$app: 2/2 ready after the rollback" bash -c "grep -qx '$app 2/2 .*daprd.*' <<<'$(pod_table)' || { echo '$(pod_table)'; exit 1; }"
done
step "upgrade and rollback" "$t"

printf '\nnode: %s\n' "$(IFS=,; echo "${steps[*]}" | sed 's/,/, /g'), total $((SECONDS - T0))s"
printf 'node: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0)) || { echo "logs: $NODE_DIR/logs, $NODE_DIR/pod-logs" >&2; exit 1; }
