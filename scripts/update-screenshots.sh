#!/usr/bin/env bash
# Copies the browser tier's screenshots (test-output/screenshots/, written by npm run test:browser)
# into docs/screenshots/, the ones the README shows. Run it when the pages changed on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
from=${SCREENSHOT_DIR:-test-output/screenshots}
shopt -s nullglob
shots=("$from"/*.png)
if [ "${#shots[@]}" = 0 ]; then
  echo "no screenshots in $from: run npm run test:browser first" >&2
  exit 1
fi
mkdir -p docs/screenshots
cp "${shots[@]}" docs/screenshots/
echo "copied ${#shots[@]} screenshots from $from to docs/screenshots/"
