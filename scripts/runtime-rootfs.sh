#!/usr/bin/env bash
# runtime-rootfs.sh <dir>: the root file system of a service image's runtime stage (FROM scratch),
# made inside its node base image: node without its 18 MB of debug symbols, the shared libraries
# `ldd` names for it (glibc, libstdc++, libgcc_s), passwd and group entries for the unprivileged
# uid 1000, name lookup through /etc/hosts then DNS, and /tmp (an emptyDir in the chart). No
# shell, no npm, no package manager. Needs `strip` (binutils).
set -euo pipefail
root=$1
node=$(command -v node)
mkdir -p "$root/usr/local/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
strip -o "$root/usr/local/bin/node" "$node"
ldd "$node" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
  xargs cp --parents -L -t "$root"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/app:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
