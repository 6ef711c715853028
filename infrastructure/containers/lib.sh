# shellcheck shell=bash disable=SC2034
# Shared by the container tier's scripts: paths, pinned versions and podman's settings, kept
# apart from any other podman use on the machine (own storage under the cache, own config).
# Source it; it expects `set -euo pipefail` in the caller.

CONTAINERS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CONTAINERS_SRC/../.." && pwd)"
# shellcheck source=versions.env
source "$CONTAINERS_SRC/versions.env"
CACHE_DIR="${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}"
PODMAN_DIR="$CACHE_DIR/podman"
# The Node version of the images: the tag of the services' Dockerfile's default NODE_IMAGE.
NODE_VERSION="$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9.]*\)-.*/\1/p' "$REPO_ROOT/apps/Dockerfile")"
NODE_STANDIN="localhost/todo-standin/node:$NODE_VERSION-$DEBIAN_SUITE-slim"
NGINX_STANDIN="localhost/todo-standin/nginx-unprivileged:$DEBIAN_SUITE"

export CONTAINERS_CONF="$CONTAINERS_SRC/containers.conf"
export CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$PODMAN_DIR/registries.conf"

log() { printf '[containers %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Podman's storage under the cache (images survive between runs: the layer cache makes a warm
# build fast; its run state is per storage, so two cache dirs never share it), and no registry
# to search: every image here is local.
podman_setup() {
  mkdir -p "$PODMAN_DIR"
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$PODMAN_DIR/storage"
runroot = "/run/todo-platform-podman-$(printf %s "$PODMAN_DIR" | sha256sum | cut -c1-12)"
CONF
  printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
}
