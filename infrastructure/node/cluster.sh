# shellcheck shell=bash
# The one-node cluster of npm run test:node, as functions for run-tests.sh (source after lib.sh):
# node_up starts, in the network namespace $NETNS, etcd, the control plane, containerd, the
# kubelet and kube-proxy, each logging to $NODE_DIR/logs/<name>.log; node_down stops them and
# removes what they left (mounts, cgroups, the namespace). KUBECONFIG is exported for kubectl,
# which runs in the namespace too (k ...).
source "$REPO_ROOT/scripts/tier-checks.sh"
TIER_LOGS=$NODE_DIR/logs

NODE_PIDS=()
# node_start <name> <command...>: in the background, in the namespace, output to logs/<name>.log.
node_start() {
  local name=$1
  shift
  # nsenter enters the namespace and execs the command: $! is the command's own pid.
  nsenter --net="/run/netns/$NETNS" "$@" >"$NODE_DIR/logs/$name.log" 2>&1 &
  NODE_PIDS+=($!)
}

k() { in_netns "$KUBE_DIR/kubectl" "$@"; }

node_netns() {
  ip netns add "$NETNS"
  in_netns ip link set lo up
  # The node's address on one end of a veth pair whose other end stays in the namespace (no
  # dummy interfaces in this kernel); the default route for the kubelet's and kube-proxy's
  # address checks leads nowhere beyond it.
  in_netns ip link add node0 type veth peer name node0-peer
  in_netns ip addr add "$NODE_IP/32" dev node0
  in_netns ip link set node0-peer up
  in_netns ip link set node0 up
  in_netns ip route add default dev node0
  # Pod-to-Service traffic that returns over the bridge passes iptables (kube-proxy's DNAT).
  in_netns sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1
}

node_pki() {
  local pki=$NODE_DIR/pki admin kubelet proxy
  mkdir -p "$pki"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  admin=$(openssl rand -hex 24)
  kubelet=$(openssl rand -hex 24)
  proxy=$(openssl rand -hex 24)
  {
    printf '%s,admin,admin,system:masters\n' "$admin"
    # The node authorizer's names: the kubelet may touch its node and the pods bound to it.
    printf '%s,system:node:%s,kubelet,system:nodes\n' "$kubelet" "$(node_name)"
    # Bound by the bootstrap ClusterRoleBinding system:node-proxier.
    printf '%s,system:kube-proxy,kube-proxy\n' "$proxy"
  } >"$pki/tokens.csv"
  chmod 600 "$pki/tokens.csv"
  kubeconfig "$admin" >"$NODE_DIR/kubeconfig"
  kubeconfig "$kubelet" >"$NODE_DIR/kubelet.kubeconfig"
  kubeconfig "$proxy" >"$NODE_DIR/kube-proxy.kubeconfig"
  chmod 600 "$NODE_DIR"/*.kubeconfig "$NODE_DIR/kubeconfig"
}

node_name() { echo todo-node; }

kubeconfig() {
  cat <<CONF
apiVersion: v1
kind: Config
clusters:
  - name: node
    cluster: { server: "https://$NODE_IP:$APISERVER_PORT", insecure-skip-tls-verify: true }
users:
  - name: user
    user: { token: "$1" }
contexts:
  - name: node
    context: { cluster: node, user: user }
current-context: node
CONF
}

node_control_plane() {
  local pki=$NODE_DIR/pki
  node_start etcd etcd --name node-tier --data-dir "$NODE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "node-tier=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 1073741824
  # Etcd 3.4 cannot serve watch-list streams (see infrastructure/cluster/README.md).
  node_start kube-apiserver "$KUBE_DIR/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
    --cert-dir "$pki" --token-auth-file "$pki/tokens.csv" --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false --feature-gates WatchList=false \
    --allow-privileged=true --kubelet-preferred-address-types InternalIP
  wait_until kube-apiserver 180 k get --raw /readyz
  node_start kube-controller-manager "$KUBE_DIR/kube-controller-manager" --kubeconfig "$KUBECONFIG" \
    --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/apiserver.crt" --profiling=false \
    --use-service-account-credentials --controllers '*,-nodeipam'
  node_start kube-scheduler "$KUBE_DIR/kube-scheduler" --kubeconfig "$KUBECONFIG" \
    --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --profiling=false
}

node_containerd() {
  local dir=$NODE_DIR/containerd
  mkdir -p "$dir" "$NODE_DIR/cni"
  # The pods' network: one bridge in the namespace, addresses from the node's pod CIDR, ports
  # by portmap; hairpin so a pod reaches itself through its Service.
  cat >"$NODE_DIR/cni/10-bridge.conflist" <<CONF
{
  "cniVersion": "1.0.0",
  "name": "todo-node",
  "plugins": [
    { "type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }],
                "dataDir": "$NODE_DIR/cni/ipam" } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CONF
  cat >"$dir/config.toml" <<CONF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:$PAUSE_VERSION"
  disable_apparmor = true
  # This machine's root has no CAP_SYS_RESOURCE: runc cannot lower a container's oom_score_adj
  # below containerd's own (the pause container's -998 fails with "failed to update
  # /proc/self/oom_score_adj: Permission denied"). Capped at containerd's, as rootless nodes do.
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = "$dir/runc"
        SystemdCgroup = false
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
CONF
  node_start containerd containerd --config "$dir/config.toml"
  wait_until containerd 60 ctr --address "$dir/containerd.sock" version
}

# node_import <image>...: from the container tier's podman storage (images.sh) into containerd's
# k8s.io namespace (what the kubelet sees), streamed: no archive on disk. Not --compress-blobs: it
# kept the content store at 0.6 GB instead of 2 GB but took the import from 98 s to 301 s here.
node_import() {
  (
    source "$REPO_ROOT/infrastructure/containers/lib.sh"
    podman save --quiet --multi-image-archive --format docker-archive "$@" |
      ctr --address "$NODE_DIR/containerd/containerd.sock" -n k8s.io images import - >/dev/null
  )
}

node_kubelet() {
  local dir=$NODE_DIR/kubelet h
  mkdir -p "$dir" "$NODE_DIR/pod-logs"
  # The kubelet's cgroup parent, in every v1 hierarchy (and the v2 one when mounted).
  for h in /sys/fs/cgroup/*/; do
    [[ -d $h && -w $h ]] && mkdir -p "$h${CGROUP_ROOT#/}"
  done
  cat >"$NODE_DIR/kubelet.yaml" <<CONF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
readOnlyPort: 0
# The API server's calls (logs, exec) come from inside the namespace only.
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization: { mode: AlwaysAllow }
containerRuntimeEndpoint: unix://$NODE_DIR/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
# This machine mounts cgroup v1 (a hybrid hierarchy); Kubernetes 1.35 refuses it unless told.
failCgroupV1: false
clusterDNS: [$CLUSTER_DNS]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: $NODE_DIR/pod-logs
podCIDR: $POD_CIDR
failSwapOn: false
# The disk is shared and often nearly full (seen: 98% used, 2.7 GB free): evict only below
# absolute floors, and no image GC (the images are imported, no registry could give them back).
evictionHard: { memory.available: 100Mi, nodefs.available: 256Mi, imagefs.available: 256Mi, nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 60
CONF
  node_start kubelet "$KUBE_NODE_DIR/kubelet" --config "$NODE_DIR/kubelet.yaml" \
    --kubeconfig "$NODE_DIR/kubelet.kubeconfig" --root-dir "$dir" --hostname-override "$(node_name)" \
    --node-ip "$NODE_IP" --cert-dir "$dir/pki" --v 1
}

node_proxy() {
  node_start kube-proxy "$KUBE_NODE_DIR/kube-proxy" --kubeconfig "$NODE_DIR/kube-proxy.kubeconfig" \
    --hostname-override "$(node_name)" --cluster-cidr "$POD_CIDR" --proxy-mode iptables \
    --bind-address "$NODE_IP" --healthz-bind-address "127.0.0.1:$PROXY_HEALTHZ_PORT" \
    --metrics-bind-address "127.0.0.1:$PROXY_METRICS_PORT" --conntrack-max-per-core 0
}

node_up() {
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR/logs"
  export KUBECONFIG=$NODE_DIR/kubeconfig
  node_netns
  node_pki
  node_control_plane
  node_containerd
  node_kubelet
  node_proxy
}

# node_down: SIGTERM to everything (newest first), 20 s of grace, SIGKILL (stop_pids of
# scripts/tier-checks.sh); then the pods' containers, mounts, cgroups, the namespace, and the
# images' and volumes' data (the logs stay).
node_down() {
  local pid m h
  stop_pids "${NODE_PIDS[@]}"
  # The containers' shims outlive containerd: end those of this node's state directory only.
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $NODE_DIR/containerd/" || true); do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  # Mounts under the node's directory, deepest first.
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v d="$NODE_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r)
  for h in /sys/fs/cgroup/*/; do
    if [[ -d $h${CGROUP_ROOT#/} ]]; then find "$h${CGROUP_ROOT#/}" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  # The pods' network namespaces (containerd pins them as /run/netns/cni-*): ours have an
  # address in the pod CIDR.
  for m in /run/netns/cni-*; do
    if ip -n "$(basename "$m")" -4 addr 2>/dev/null | grep -q "inet ${POD_CIDR%.*}\."; then
      ip netns del "$(basename "$m")" || true
    fi
  done
  ip netns del "$NETNS" 2>/dev/null || true
  # The images' layers and the pods' volumes (GBs on a shared disk); the logs stay.
  rm -rf "$NODE_DIR/containerd" "$NODE_DIR/kubelet" "$NODE_DIR/etcd"
}
