#!/usr/bin/env bash
# Installs and builds what npm run test:node needs, each cached by version in
# ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform} (idempotent: a step whose output exists is skipped):
#   - from Debian: containerd, runc, the CNI plugins (containernetworking-plugins), iptables,
#     podman and mmdebstrap (for the images), etcd (the cluster tier's provision.sh)
#   - the cluster tier's control plane (kube-apiserver, -controller-manager, -scheduler, kubectl
#     from k8s.io/kubernetes), helm, and the stack's daprd and Kafka jars (their provision.sh)
#   - kubelet and kube-proxy from the same k8s.io/kubernetes module (build-kube.sh)
#   - Dapr's operator, sidecar injector, sentry and placement from github.com/dapr/dapr at the
#     chart's Dapr version (stack/daprd/build-dapr.sh), CoreDNS from its module
#   - the container tier's five images (containers/build-images.sh; NODE_TIER_BUILD_IMAGES=0 takes
#     them as they are, e.g. right after npm run test:containers)
# The builds run in the background, side by side; a cold run takes tens of minutes on two cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$REPO_ROOT/infrastructure/cluster/build-kube.sh"
source "$REPO_ROOT/infrastructure/stack/daprd/build-dapr.sh"
CACHE_BIN="$CACHE_DIR/bin"
source "$REPO_ROOT/scripts/k8s-tools.sh"
T0=$SECONDS

missing=()
for tool in containerd runc podman mmdebstrap iptables nsenter; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
if ((${#missing[@]} > 0)); then
  ((EUID == 0)) || die "missing ${missing[*]}; run as root"
  log "installing containerd, runc, CNI plugins, podman, mmdebstrap with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd runc \
    containernetworking-plugins iptables podman mmdebstrap uidmap util-linux >/dev/null
  # The package enables a system containerd on /run/containerd; this tier runs its own.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now containerd >/dev/null 2>&1 || true
  fi
fi
log "containerd: $(containerd --version | awk '{print $3}'), runc: $(runc --version | awk 'NR==1{print $3}')"

pids=()
background() { # background <name> <log> <command...>
  local name=$1 logfile=$2
  shift 2
  log "$name: building in the background (log: $logfile)"
  "$@" >"$logfile" 2>&1 &
  pids+=("$!:$name:$logfile")
}
if [[ ! -x $KUBE_NODE_DIR/kubelet || ! -x $KUBE_NODE_DIR/kube-proxy ]]; then
  mkdir -p "$KUBE_NODE_DIR"
  background "kubelet and kube-proxy $KUBERNETES_VERSION" "$KUBE_NODE_DIR/build.log" \
    build_kube "$KUBERNETES_VERSION" "$KUBE_NODE_DIR" kubelet kube-proxy
fi
if [[ ! -x $DAPR_CP_DIR/placement ]]; then
  mkdir -p "$DAPR_CP_DIR"
  background "Dapr $DAPR_VERSION control plane" "$DAPR_CP_DIR/build.log" \
    build_dapr "$DAPR_VERSION" "$DAPR_CP_DIR" operator injector sentry placement
fi
if [[ ! -x $COREDNS_DIR/coredns ]]; then
  mkdir -p "$COREDNS_DIR"
  background "CoreDNS $COREDNS_VERSION" "$COREDNS_DIR/build.log" env CGO_ENABLED=0 \
    bash -c 'source "$1"; go_install github.com/coredns/coredns "$2" github.com/coredns/coredns "$3" "-s -w"' _ \
    "$REPO_ROOT/scripts/k8s-tools.sh" "$COREDNS_VERSION" "$COREDNS_DIR/coredns"
fi
"$REPO_ROOT/infrastructure/cluster/provision.sh"
"$REPO_ROOT/infrastructure/stack/provision.sh"
if [[ ${NODE_TIER_BUILD_IMAGES:-1} == 0 ]]; then
  # Right after npm run test:containers (as in CI) the images are this checkout's already; a
  # rebuild of a checkout the layer cache has not seen takes minutes per image and over a GB of disk.
  (
    source "$REPO_ROOT/infrastructure/containers/lib.sh"
    for app in backend notification-service recurring-task-service audit-service frontend; do
      podman image inspect --format "$app: {{.Id}} built {{.Created}}" "localhost/todo/$app:test" ||
        die "NODE_TIER_BUILD_IMAGES=0 but localhost/todo/$app:test is missing"
    done
  ) | while read -r line; do log "reusing $line"; done
else
  "$REPO_ROOT/infrastructure/containers/build-images.sh"
fi
for entry in "${pids[@]}"; do
  IFS=: read -r pid name logfile <<<"$entry"
  wait "$pid" || { tail -n 30 "$logfile" >&2; die "$name: the build failed; log: $logfile"; }
  log "$name: built"
done
"$KUBE_NODE_DIR/kubelet" --version >/dev/null || die "$KUBE_NODE_DIR/kubelet does not run"
log "provisioned in $((SECONDS - T0))s"
