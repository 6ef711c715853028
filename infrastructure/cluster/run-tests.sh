#!/usr/bin/env bash
# npm run test:cluster: the Helm chart installed on a real Kubernetes API server.
#
# A control plane on loopback (etcd from Debian; kube-apiserver, kube-controller-manager and
# kube-scheduler built from k8s.io/kubernetes; kwok for two fake nodes whose pods become Ready or,
# for a Job, Succeeded without running a container), the Dapr and Prometheus Operator CRDs from
# their Go modules, namespaces labelled Pod Security "restricted". Then, for values-minikube.yaml
# and values-doks.yaml each: helm install --wait (the migration hook Job completes, every
# Deployment becomes available, every object is accepted by the API server, its admission and the
# CRDs' schemas), helm upgrade (the hook runs again, the pods roll), helm rollback (back to the
# first revision's pod template). What it cannot show: that the images start (test:containers
# does), Dapr's sidecar injection, the Ingress controller, the metrics server behind the HPAs,
# and NetworkPolicy enforcement (no CNI); docs/deploy-*.md.
#
# Prints "cluster: N passed, N failed" and exits non-zero on any failure. Logs: $CLUSTER_DIR/logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T0=$SECONDS
"$CLUSTER_SRC/provision.sh"
source "$REPO_ROOT/scripts/k8s-tools.sh"
ensure_helm >/dev/null
t_provisioned=$SECONDS
PATH="$KUBE_DIR:$PATH"

source "$REPO_ROOT/scripts/tier-checks.sh"
CHECK_OUT=$CLUSTER_DIR/last.out
TIER_LOGS=$CLUSTER_DIR/logs

# --- control plane -------------------------------------------------------------------------------
pids=()
# SIGTERM to the control plane (newest first), 20 s of grace, then SIGKILL.
stop_all() { stop_pids "${pids[@]}"; }
trap stop_all EXIT
trap 'exit 143' TERM INT
for port in $ETCD_PORT $ETCD_PEER_PORT $APISERVER_PORT $CONTROLLER_MANAGER_PORT $SCHEDULER_PORT $KWOK_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (another test:cluster run?)"; fi
done
rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/pki"
start() { # start <name> <command...>: in the background, output to logs/<name>.log
  local name=$1
  shift
  "$@" >"$CLUSTER_DIR/logs/$name.log" 2>&1 &
  pids+=($!)
}

pki=$CLUSTER_DIR/pki
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
token=$(openssl rand -hex 24)
printf '%s,admin,admin,system:masters\n' "$token" >"$pki/tokens.csv"
export KUBECONFIG=$CLUSTER_DIR/kubeconfig
cat >"$KUBECONFIG" <<CONF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster: { server: "https://127.0.0.1:$APISERVER_PORT", insecure-skip-tls-verify: true }
users:
  - name: admin
    user: { token: "$token" }
contexts:
  - name: local
    context: { cluster: local, user: admin }
current-context: local
CONF
chmod 600 "$KUBECONFIG"
# etcd 3.4 (Debian's) lacks the progress notifications that watch-list streams need: client-go
# must not ask for them, and the API server must not turn a watch from resourceVersion "0" into
# one (its WatchList gate does, and kwok watches from "0": it would see no change until it lists
# again after its backoff).
export KUBE_FEATURE_WatchListClient=false

start etcd etcd --name cluster-test --data-dir "$CLUSTER_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "cluster-test=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 1073741824
start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --cert-dir "$pki" --token-auth-file "$pki/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --profiling=false --feature-gates WatchList=false
wait_until kube-apiserver 180 kubectl get --raw /readyz
start kube-controller-manager kube-controller-manager --kubeconfig "$KUBECONFIG" \
  --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/apiserver.crt" --profiling=false
start kube-scheduler kube-scheduler --kubeconfig "$KUBECONFIG" \
  --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
  --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --profiling=false
# kwok's own stages from its module: nodes initialise and keep a heartbeat, pods become Ready,
# a Job's pods Succeeded.
kwok_dir=$(go_module_dir sigs.k8s.io/kwok "$KWOK_VERSION")
for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml \
  pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  cat "$kwok_dir/kustomize/stage/$f"
  echo "---"
done >"$CLUSTER_DIR/kwok-stages.yaml"
start kwok "$KWOK" --kubeconfig "$KUBECONFIG" --config "$CLUSTER_DIR/kwok-stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --server-address "127.0.0.1:$KWOK_PORT"
for node in kwok-node-0 kwok-node-1; do
  kubectl apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $node
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels: { kubernetes.io/hostname: $node, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok }
status:
  allocatable: { cpu: "8", memory: 32Gi, pods: "110" }
  capacity: { cpu: "8", memory: 32Gi, pods: "110" }
NODE
done
wait_until "kwok's nodes" 120 kubectl wait --for=condition=Ready node --all --timeout=5s
wait_until "the default service account" 120 kubectl get serviceaccount default -n default
log "control plane up ($((SECONDS - t_provisioned))s): $(kubectl version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1)"
t_cluster=$SECONDS

# --- CRDs the chart's objects need, at the versions the schemas come from ------------------------
dapr_dir=$(go_module_dir github.com/dapr/dapr "v$DAPR_VERSION")
prom_dir=$(go_module_dir github.com/prometheus-operator/prometheus-operator "v$PROMETHEUS_OPERATOR_VERSION")
crds=("$dapr_dir"/charts/dapr/crds/{components,configuration,resiliency,subscription}.yaml
  "$prom_dir"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml)
check "Dapr $DAPR_VERSION and Prometheus Operator $PROMETHEUS_OPERATOR_VERSION CRDs are accepted" \
  kubectl apply --server-side -f "$(IFS=,; echo "${crds[*]}")"
check "the CRDs are established" kubectl wait --for=condition=Established crd --all --timeout=60s

# --- the chart, once per environment --------------------------------------------------------------
chart=$REPO_ROOT/infrastructure/helm/todo-chart
deployments() { kubectl -n "$1" get deploy -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'; }
# Every Deployment has its desired replicas updated and available (what `helm --wait` waits for).
all_available() {
  local ns=$1 d
  for d in $(deployments "$ns"); do
    kubectl -n "$ns" rollout status "deploy/$d" --timeout=120s || return 1
  done
  [[ -n $(deployments "$ns") ]]
}
# The migration hook Job ran to completion once per revision: job-controller's Completed events.
hook_runs() {
  kubectl -n "$1" get events --field-selector reason=Completed,involvedObject.kind=Job \
    -o jsonpath='{range .items[*]}{.involvedObject.uid}{"\n"}{end}' | sort -u | wc -l
}
expect_eq() { [[ $1 == "$2" ]] || { echo "expected '$2', got '$1'"; return 1; }; }
template_of() { kubectl -n "$1" get deploy todo-backend -o jsonpath='{.spec.template.metadata.annotations.rollout}'; }
has() { kubectl -n "$1" get "$2" "$3"; }

for values in values-minikube.yaml values-doks.yaml; do
  env=${values#values-}
  ns=todo-${env%.yaml}
  log "--- $values in namespace $ns"
  kubectl create namespace "$ns" >/dev/null
  kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted \
    pod-security.kubernetes.io/enforce-version=latest >/dev/null
  # The Secrets docs/deploy-*.md create (dummy values: no pod here reads them).
  kubectl -n "$ns" create secret generic todo-secrets --from-literal=DATABASE_URL=postgres://todo@db/todo \
    --from-literal=BETTER_AUTH_SECRET="$(openssl rand -base64 48)" --from-literal=SMTP_URL=smtp://mail:1025 \
    --from-literal=VAPID_PRIVATE_KEY=unused >/dev/null
  kubectl -n "$ns" create secret generic todo-app-api-token --from-literal=token="$(openssl rand -base64 36)" >/dev/null
  kubectl -n "$ns" create secret generic kafka-credentials --from-literal=username=todo --from-literal=password=unused >/dev/null
  kubectl -n "$ns" create secret generic redis-credentials --from-literal=password=unused >/dev/null
  helm_args=(todo "$chart" -n "$ns" -f "$chart/$values" --set notificationService.vapidPublicKey=unused
    --wait --timeout 5m)

  check "$values: helm install --wait (hook Job, Deployments available, every object accepted)" \
    "$HELM" install "${helm_args[@]}" --set-string "backend.podAnnotations.rollout=first"
  check "$values: the migration hook Job completed" expect_eq "$(hook_runs "$ns")" 1
  check "$values: every Deployment is available" all_available "$ns"
  for kind_name in "hpa todo-backend" "hpa todo-notification-service" "pdb todo-backend" \
    "pdb todo-notification-service" "networkpolicy todo-default-deny" "components.dapr.io task-pubsub" \
    "components.dapr.io todo-statestore" "components.dapr.io recurring-task-cron" \
    "subscriptions.dapr.io notification-task-events" "resiliencies.dapr.io todo-resiliency" \
    "configurations.dapr.io todo-config" "role todo-secret-reader" "rolebinding todo-secret-reader" \
    "networkpolicy todo-backend-invoke" "networkpolicy todo-notification-service-invoked" \
    "deploy todo-audit-service" "pdb todo-audit-service" "subscriptions.dapr.io audit-task-events"; do
    # shellcheck disable=SC2086 # "kind name" splits into two arguments on purpose
    check "$values: $kind_name is in the cluster" has "$ns" $kind_name
  done
  if [[ $values == values-doks.yaml ]]; then
    check "$values: the frontend's PodDisruptionBudget is in the cluster" has "$ns" pdb todo-frontend
    for kind_name in "prometheusrules.monitoring.coreos.com todo" "servicemonitors.monitoring.coreos.com todo" \
      "podmonitors.monitoring.coreos.com todo-dapr-sidecars" "configmap todo-dashboard"; do
      # shellcheck disable=SC2086
      check "$values: $kind_name is in the cluster" has "$ns" $kind_name
    done
  fi

  check "$values: helm upgrade --wait" "$HELM" upgrade "${helm_args[@]}" --set-string "backend.podAnnotations.rollout=second"
  check "$values: the upgrade ran the migration hook again" expect_eq "$(hook_runs "$ns")" 2
  check "$values: the upgrade rolled the backend's pods" expect_eq "$(template_of "$ns")" second
  check "$values: every Deployment is available after the upgrade" all_available "$ns"

  check "$values: helm rollback --wait to revision 1" "$HELM" rollback todo 1 -n "$ns" --wait --timeout 5m
  check "$values: the rollback returned to the first pod template" expect_eq "$(template_of "$ns")" first
  check "$values: the release is at revision 3, deployed" expect_eq \
    "$("$HELM" status todo -n "$ns" -o json | sed -n 's/.*"version":\([0-9]*\).*/\1/p')" 3
  check "$values: every Deployment is available after the rollback" all_available "$ns"
done

printf '\ncluster: provision %ss, control plane %ss, chart %ss\n' "$((t_provisioned - T0))" \
  "$((t_cluster - t_provisioned))" "$((SECONDS - t_cluster))"
printf 'cluster: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0)) || { echo "logs: $CLUSTER_DIR/logs" >&2; exit 1; }
