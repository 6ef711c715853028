#!/usr/bin/env bash
# Makes the images the node runs, in the container tier's podman storage under the cache (no
# registry; node_import streams them into containerd with `podman save | ctr images import -`),
# each rebuilt only when its key (the label todo.key: versions and the hash of its inputs) changed:
#   - registry.k8s.io/pause:$PAUSE_VERSION: the pause program of the k8s.io/kubernetes module
#     (build/pause/linux/pause.c), compiled statically with gcc, alone in the image
#   - docker.io/todo/<app>:dev: the five images of the container tier
#     (infrastructure/containers/build-images.sh), tagged as values-minikube.yaml names them
#   - docker.io/todo-dapr/<operator|injector|sentry|placement|daprd>:$DAPR_VERSION and
#     docker.io/todo-node/coredns:$COREDNS_VERSION: the static binaries built from their Go modules
#     on a distroless-like static base (Debian's CA certificates, time zones, netbase; the user
#     nonroot, 65532), named as Dapr's Helm chart names its images under a registry
#   - docker.io/todo-node/<postgresql|redis|kafka>:<version>: Debian bookworm minbase root file
#     systems (mmdebstrap) with Debian's postgresql-15, redis-server, or openjdk-17-jre-headless
#     and the stack's Kafka jars from Maven Central; entry points in images/
# Usage: images.sh <name>... (pause, backend, ..., dapr, coredns, postgresql, redis, kafka);
# prints the images' names.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$REPO_ROOT/infrastructure/containers/lib.sh"
podman_setup

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# current <image> <key>: the image exists with this key.
current() { [[ $(podman image inspect --format '{{index .Labels "todo.key"}}' "$1" 2>/dev/null) == "$2" ]]; }
# import_root <dir> <image> <key> [--change ...]: the directory as the image's only layer.
import_root() {
  local dir=$1 image=$2 key=$3
  shift 3
  tar -C "$dir" -c . | podman import --quiet --change "LABEL todo.key=$key" "$@" - "$image" >/dev/null
}

pause_image() {
  local image="registry.k8s.io/pause:$PAUSE_VERSION" key="pause-$PAUSE_VERSION" src
  if ! current "$image" "$key"; then
    src="$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    mkdir -p "$WORK/pause"
    # The flags of the module's build/pause/Makefile.
    gcc -Os -Wall -Werror -static "-DVERSION=v$PAUSE_VERSION" -o "$WORK/pause/pause" "$src/build/pause/linux/pause.c"
    import_root "$WORK/pause" "$image" "$key" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535'
  fi
  echo "$image"
}

# app_image <app>: the container tier's localhost/todo/<app>:test as docker.io/todo/<app>:dev.
app_image() {
  podman image exists "localhost/todo/$1:test" ||
    die "no image localhost/todo/$1:test: run infrastructure/containers/build-images.sh"
  podman tag "localhost/todo/$1:test" "docker.io/todo/$1:dev"
  echo "docker.io/todo/$1:dev"
}

# Like Debian's slim images: no manuals, docs or locales.
SLIM=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*')

# static_root <dir>: what distroless/static holds: CA certificates, time zones, passwd and group
# with root and nonroot (65532), a writable /tmp.
static_root() {
  mmdebstrap --quiet --variant=extract "${SLIM[@]}" --include=ca-certificates,tzdata,netbase "$DEBIAN_SUITE" "$1"
  # extract runs no maintainer scripts: the bundle update-ca-certificates would write.
  mkdir -p "$1/etc/ssl/certs" "$1/tmp"
  cat "$1"/usr/share/ca-certificates/*/*.crt >"$1/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$1"/var/lib/apt "$1"/var/cache/apt "$1"/var/lib/dpkg "$1"/etc/apt "$1"/usr/share/ca-certificates
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$1/etc/group"
}

# static_image <binary> <image>: the binary at /<name> on the static base, its entry point.
static_image() {
  local bin=$1 image=$2 name key
  name=$(basename "$bin")
  [[ -x $bin ]] || die "$bin is missing: run infrastructure/node/provision.sh"
  key=$(sha256sum "$bin" | cut -c1-16)
  if ! current "$image" "$key"; then
    [[ -d $WORK/static ]] || static_root "$WORK/static"
    install -m 755 "$bin" "$WORK/static/$name"
    import_root "$WORK/static" "$image" "$key" --change 'USER 65532:65532' --change "ENTRYPOINT [\"/$name\"]"
    rm "$WORK/static/$name"
  fi
  echo "$image"
}

dapr_images() {
  local cmd
  for cmd in operator injector sentry placement; do
    static_image "$DAPR_CP_DIR/$cmd" "docker.io/todo-dapr/$cmd:$DAPR_VERSION"
  done
  static_image "$CACHE_DIR/daprd-$DAPR_VERSION/daprd" "docker.io/todo-dapr/daprd:$DAPR_VERSION"
}

# debian_image <name> <version> <packages> <setup function>: a minbase root file system with the
# packages, changed by the setup function (which sets its podman import --change options in
# CHANGES), keyed by version and the hash of the setup function and the image's files in images/.
debian_image() {
  local name=$1 version=$2 packages=$3 setup=$4 key image="docker.io/todo-node/$1:$2" root
  key=$( (declare -f "$setup" && cat "$NODE_SRC/images/$name"* 2>/dev/null || true) | sha256sum | cut -c1-16)
  if ! current "$image" "$key"; then
    root=$WORK/$name
    # The JRE's postinst links its manual page into man1, which the slim options leave out.
    # shellcheck disable=SC2016 # "$1" is the root file system, expanded by mmdebstrap
    mmdebstrap --quiet --variant=minbase "${SLIM[@]}" --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
      --include="$packages" "$DEBIAN_SUITE" "$root"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
    CHANGES=()
    "$setup" "$root"
    import_root "$root" "$image" "$key" "${CHANGES[@]}"
    rm -rf "$root"
  fi
  echo "$image"
}

setup_postgresql() {
  install -m 755 "$NODE_SRC/images/postgresql-start.sh" "$1/usr/local/bin/postgresql-start"
  mkdir -p "$1/var/lib/postgresql/data"
  chroot "$1" chown -R postgres:postgres /var/lib/postgresql
  CHANGES=(--change "USER $(chroot "$1" id -u postgres):$(chroot "$1" id -g postgres)"
    --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'ENTRYPOINT ["/usr/local/bin/postgresql-start"]')
}

setup_redis() {
  CHANGES=(--change "USER $(chroot "$1" id -u redis):$(chroot "$1" id -g redis)" --change 'WORKDIR /tmp'
    --change 'ENTRYPOINT ["redis-server"]')
}

setup_kafka() {
  local stack=$REPO_ROOT/infrastructure/stack
  [[ -f $CACHE_DIR/kafka-$KAFKA_VERSION/.complete ]] || die "no Kafka jars: run infrastructure/stack/provision.sh"
  mkdir -p "$1/opt/kafka/libs" "$1/var/lib/kafka"
  cp "$CACHE_DIR/kafka-$KAFKA_VERSION/"*.jar "$1/opt/kafka/libs/"
  install -m 755 "$NODE_SRC/images/kafka-start.sh" "$1/usr/local/bin/kafka-start"
  install -m 644 "$NODE_SRC/images/kafka-server.properties" "$1/opt/kafka/server.properties"
  install -m 644 "$stack/kafka/log4j.properties" "$1/opt/kafka/log4j.properties"
  node -e 'for (const t of require(process.argv[1]).topics) console.log(t.name, t.partitions, t.retentionMs)' \
    "$stack/topics.json" >"$1/opt/kafka/topics.txt"
  chroot "$1" useradd --uid 1001 --no-create-home --home-dir /var/lib/kafka kafka
  chroot "$1" chown kafka /var/lib/kafka
  CHANGES=(--change 'USER 1001:1001' --change 'ENTRYPOINT ["/usr/local/bin/kafka-start"]')
}

for name in "$@"; do
  case $name in
  pause) pause_image ;;
  backend | notification-service | recurring-task-service | audit-service | frontend) app_image "$name" ;;
  dapr) dapr_images ;;
  coredns) static_image "$COREDNS_DIR/coredns" "docker.io/todo-node/coredns:$COREDNS_VERSION" ;;
  postgresql) debian_image postgresql 15 postgresql-15 setup_postgresql ;;
  redis) debian_image redis 7 redis-server setup_redis ;;
  kafka) debian_image kafka "$KAFKA_VERSION" openjdk-17-jre-headless setup_kafka ;;
  *) die "unknown image $name" ;;
  esac
done
