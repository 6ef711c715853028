#!/usr/bin/env bash
# Builds the five images, unchanged: the four services' from apps/Dockerfile (--build-arg
# APP=<service>) and the frontend's from apps/frontend/Dockerfile, with podman and runc, on the
# stand-in base images (standins.sh; no container registry is reachable here), as
# localhost/todo/<app>:test. Installs podman, runc and mmdebstrap from Debian when missing.
# Images and build layers stay in podman's storage under
# ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}/podman, so a warm run rebuilds only what changed.
# Used by run-tests.sh (npm run test:containers) and infrastructure/node (npm run test:node).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T0=$SECONDS

missing=()
for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]} > 0)); then
  ((EUID == 0)) || die "missing ${missing[*]}; run as root or: sudo apt-get install -y podman runc mmdebstrap"
  log "installing ${missing[*]} with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Not crun (podman's default runtime in Debian): crun 1.8 fails on hybrid cgroup hierarchies.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc mmdebstrap \
    uidmap >/dev/null
fi
podman_setup
# A build killed midway leaves its working container behind (`podman ps --external` shows it in
# state "storage"), holding its image against the prune below. Those over an hour old go; a build
# running beside this one keeps its own.
stale=$(podman ps -a --external --format '{{.ID}} {{.Status}} {{.Created.Unix}}' |
  awk -v cutoff="$(($(date +%s) - 3600))" '$2 == "Storage" && $3 < cutoff { print $1 }')
if [[ -n $stale ]]; then
  log "removing $(wc -w <<<"$stale") build container(s) left by interrupted builds"
  # shellcheck disable=SC2086 # one ID per word
  podman rm -f $stale >/dev/null || log "warning: could not remove $stale"
fi
# Every source change leaves the previous build's images untagged (dangling), so the cache grows
# by about a gigabyte a build. When the disk holding it has under 20 GiB free they go (the next
# build redoes its npm ci stage once); images a tag still uses stay.
free_kib=$(df -Pk "$PODMAN_DIR" | awk 'NR == 2 { print $4 }')
if ((free_kib < 20 * 1024 * 1024)); then
  log "$((free_kib / 1024 / 1024)) GiB free: removing untagged images from earlier builds"
  # A failed prune (an image still in use) costs disk, not the build.
  podman image prune -f >/dev/null || log "warning: podman image prune failed; going on"
fi
"$CONTAINERS_SRC/standins.sh"
t_standins=$SECONDS

cd "$REPO_ROOT"
for app in backend notification-service recurring-task-service audit-service frontend; do
  t=$SECONDS
  args=(--build-arg "NODE_IMAGE=$NODE_STANDIN")
  dockerfile=apps/Dockerfile
  if [[ $app == frontend ]]; then
    args+=(--build-arg "NGINX_IMAGE=$NGINX_STANDIN")
    dockerfile=apps/frontend/Dockerfile
  else
    args+=(--build-arg "APP=$app")
  fi
  # --network=host: the build stages' npm ci reaches the npm registry as this machine does.
  # --layers: unchanged stages come from the cache.
  if ! podman build --quiet --pull=never --layers --network=host -f "$dockerfile" "${args[@]}" \
    -t "localhost/todo/$app:test" . >"$PODMAN_DIR/build-$app.log" 2>&1; then
    tail -n 40 "$PODMAN_DIR/build-$app.log" >&2
    die "podman build of $dockerfile for $app failed; log: $PODMAN_DIR/build-$app.log"
  fi
  log "$app: built in $((SECONDS - t))s, $(podman image inspect --format '{{.Size}}' "localhost/todo/$app:test" |
    awk '{printf "%.1f MB", $1/1e6}')"
done
log "stand-ins $((t_standins - T0))s, builds $((SECONDS - t_standins))s"
