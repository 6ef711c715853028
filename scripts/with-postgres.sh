#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 server on 127.0.0.1, with TEST_DATABASE_URL
# pointing at it; the server and its data are removed afterwards.
#   scripts/with-postgres.sh node scripts/run-tests.mjs packages/db packages/api
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${TEST_PG_PORT:-25433}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL 15 is not installed (no $PG_BIN/initdb): apt-get install postgresql-15" >&2; exit 1; }

dir=$(mktemp -d /tmp/todo-pg.XXXXXX)
chown postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -k $dir -c fsync=off -c max_connections=300" start >/dev/null
echo "PostgreSQL 15 on 127.0.0.1:$PORT (log: $dir/server.log)"
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
"$@"
