# shellcheck shell=bash disable=SC2034
# Shared by the node tier's scripts (npm run test:node): paths, pinned versions, the network
# namespace and its ports. Source it; it expects `set -euo pipefail` in the caller.

NODE_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$NODE_SRC/../.." && pwd)"
# The Kubernetes and Dapr versions of the chart's schemas; Kafka's of the stack.
# shellcheck source=../helm/schemas/versions.env
source "$REPO_ROOT/infrastructure/helm/schemas/versions.env"
# shellcheck source=../stack/versions.env
source "$REPO_ROOT/infrastructure/stack/versions.env"
# shellcheck source=versions.env
source "$NODE_SRC/versions.env"
CACHE_DIR="${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}"
# The control plane's binaries (the cluster tier's build) and the node's, from the same module.
KUBE_DIR="$CACHE_DIR/kube-$KUBERNETES_VERSION"
KUBE_NODE_DIR="$CACHE_DIR/kube-node-$KUBERNETES_VERSION"
DAPR_CP_DIR="$CACHE_DIR/dapr-control-plane-$DAPR_VERSION"
COREDNS_DIR="$CACHE_DIR/coredns-$COREDNS_VERSION"
PAUSE_DIR="$CACHE_DIR/pause-$KUBERNETES_VERSION"
# Run state: the cluster's data, sockets, logs, the kubelet's and containerd's roots.
NODE_DIR="${NODE_TIER_DIR:-/tmp/node-tier}"

# Everything runs inside this network namespace: nothing the tier starts listens in the machine's
# own namespace. Inside it: lo, a veth pair with the node's address, and the pods' bridge.
NETNS=todo-node-tier
NODE_IP=10.250.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
CLUSTER_DNS=10.96.0.10
CNI_BRIDGE=todo-cni0
# Ports inside the namespace (apart from the cluster tier's 25461-25466 all the same).
ETCD_PORT=25471
ETCD_PEER_PORT=25472
APISERVER_PORT=25473
KUBELET_PORT=25474
KUBELET_HEALTHZ_PORT=25475
CONTROLLER_MANAGER_PORT=25476
SCHEDULER_PORT=25477
PROXY_HEALTHZ_PORT=25478
PROXY_METRICS_PORT=25479
# Own cgroup parent in every hierarchy: the kubelet's pods stay apart from anything else here.
CGROUP_ROOT=/todo-node-tier

log() { printf '[node %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# in_netns <command...>: runs a command in the tier's network namespace (the machine's mounts:
# the kubelet and containerd must see each other's mounts).
in_netns() { nsenter --net="/run/netns/$NETNS" "$@"; }
