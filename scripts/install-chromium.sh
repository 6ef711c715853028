#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. No tool downloads a browser
# build of its own (there is no network but the package registries); playwright-core drives this one.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Debian's chromium (apt-get)" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version
