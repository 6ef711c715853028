# shellcheck shell=bash disable=SC2034
# Shared by the cluster tier's scripts: pinned versions, cache paths, ports. Source it; it expects
# `set -euo pipefail` in the caller.

CLUSTER_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CLUSTER_SRC/../.." && pwd)"
# shellcheck source=versions.env
source "$CLUSTER_SRC/versions.env"
# The Kubernetes, Dapr and Prometheus Operator versions the chart's schemas come from.
# shellcheck source=../helm/schemas/versions.env
source "$REPO_ROOT/infrastructure/helm/schemas/versions.env"
CACHE_DIR="${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}"
CACHE_BIN="$CACHE_DIR/bin"
KUBE_DIR="$CACHE_DIR/kube-$KUBERNETES_VERSION"
KWOK="$CACHE_DIR/kwok-$KWOK_VERSION/kwok"
CLUSTER_DIR="${CLUSTER_DIR:-$REPO_ROOT/.cluster}"

# Loopback only, beside the stack's 254xx-290xx ports and the container tier's 25445-25449.
ETCD_PORT=25461
ETCD_PEER_PORT=25462
APISERVER_PORT=25463
CONTROLLER_MANAGER_PORT=25464
SCHEDULER_PORT=25465
KWOK_PORT=25466

log() { printf '[cluster %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# go_module_dir <module> <version>: the module's folder in Go's module cache (downloaded once).
go_module_dir() {
  go mod download -json "$1@$2" | sed -n 's/^\s*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}
