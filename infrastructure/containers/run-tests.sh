#!/usr/bin/env bash
# npm run test:containers: builds the five images (build-images.sh: podman and runc on stand-in
# base images, layers cached under ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}/podman), then
# runs test/images.test.ts against them and a throwaway PostgreSQL server on 127.0.0.1:25445.
# Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T0=$SECONDS

"$CONTAINERS_SRC/build-images.sh"
cd "$REPO_ROOT"
t_built=$SECONDS

status=0
SERVICE_IMAGE_BUDGET_MB=$SERVICE_IMAGE_BUDGET_MB FRONTEND_IMAGE_BUDGET_MB=$FRONTEND_IMAGE_BUDGET_MB \
  TEST_PG_PORT=25445 scripts/with-postgres.sh \
  node --import tsx --test --test-concurrency=1 infrastructure/containers/test/images.test.ts || status=$?
log "stand-ins and builds $((t_built - T0))s, tests $((SECONDS - t_built))s"
exit $status
