#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL for the tests: a non-root user, data in a temporary folder, loopback only.
# Usage: .ci/postgres.sh start|stop|restart   — `start` prints the DATABASE_URL to use.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGDATA=${PGDATA:-/tmp/erp-settings-pg}
PGPORT=${PGPORT:-55432}
PGUSER_OS=${PGUSER_OS:-postgres}

if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home "$PGUSER_OS"

as_pg() {
  if [ "$(id -un)" = "$PGUSER_OS" ]; then "$@"; else su "$PGUSER_OS" -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

case "${1:-start}" in
  start)
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      rm -rf "$PGDATA" && mkdir -p "$PGDATA" && chown "$PGUSER_OS" "$PGDATA"
      as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    for db in erp_test erp_bench; do
      as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" \
        | grep -q 1 || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$db"
    done
    echo "postgresql://postgres@127.0.0.1:$PGPORT/erp_test"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  restart)
    # What a restart does to clients: every connection cut, new ones refused until the server is back.
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w restart >/dev/null
    ;;
esac
