#!/usr/bin/env bash
# Installs and builds what npm run test:cluster needs, each cached by version in
# ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform} (idempotent: a step whose output exists is skipped):
#   - etcd from Debian (etcd-server)
#   - kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from the k8s.io/kubernetes
#     Go module at the version of the chart's schemas (build-kube.sh; ~12 minutes once)
#   - kwok (fake nodes and pods) from its Go module, helm from scripts/k8s-tools.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CLUSTER_SRC/build-kube.sh"
source "$REPO_ROOT/scripts/k8s-tools.sh"
T0=$SECONDS
command -v go >/dev/null || die "go is required"

if ! command -v etcd >/dev/null; then
  ((EUID == 0)) || die "etcd is missing; run as root or: sudo apt-get install -y etcd-server"
  log "etcd: installing etcd-server with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
  # The package starts a system service on :2379; the tier runs its own on loopback.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
fi
log "etcd: $(etcd --version | head -1)"

kube_pid=""
if [[ -x $KUBE_DIR/kube-apiserver && -x $KUBE_DIR/kubectl ]]; then
  log "kubernetes $KUBERNETES_VERSION: cached in $KUBE_DIR"
else
  mkdir -p "$KUBE_DIR"
  log "kubernetes $KUBERNETES_VERSION: building in the background (log: $KUBE_DIR/build.log)"
  build_kube "$KUBERNETES_VERSION" "$KUBE_DIR" >"$KUBE_DIR/build.log" 2>&1 &
  kube_pid=$!
fi

if [[ -x $KWOK ]]; then
  log "kwok $KWOK_VERSION: cached"
else
  t=$SECONDS
  go_install sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok "$KWOK" "-s -w"
  log "kwok $KWOK_VERSION: built ($((SECONDS - t))s)"
fi
ensure_helm
log "helm: $HELM"

if [[ -n $kube_pid ]]; then
  log "kubernetes $KUBERNETES_VERSION: waiting for the build"
  wait "$kube_pid" || { tail -n 30 "$KUBE_DIR/build.log" >&2; die "the Kubernetes build failed; log: $KUBE_DIR/build.log"; }
fi
"$KUBE_DIR/kube-apiserver" --version >/dev/null || die "$KUBE_DIR/kube-apiserver does not run"
log "provisioned in $((SECONDS - T0))s"
