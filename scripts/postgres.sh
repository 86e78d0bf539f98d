#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests.
#   scripts/postgres.sh start   -> prints the admin URL (postgres://sinergi@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh socket  -> the same through its Unix socket (postgres://sinergi@:PORT/postgres?host=DIR)
#   scripts/postgres.sh stop
# initdb refuses to run as root, so the cluster belongs to a system user (postgres, created if missing).
set -euo pipefail
PORT="${SINERGI_PG_PORT:-55432}"
DIR="${SINERGI_PG_DIR:-/tmp/sinergi-pg-$PORT}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
RUNAS=postgres

install_postgres() {
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "installing PostgreSQL 15 server..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql-15 postgresql-client-15 >&2
    PGBIN=/usr/lib/postgresql/15/bin
  fi
  id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$RUNAS" -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    install_postgres
    if [ -f "$DIR/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      echo "postgres://sinergi@127.0.0.1:$PORT/postgres"; exit 0
    fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown "$RUNAS" "$DIR"
    as_pg "$PGBIN/initdb" -D "$DIR" -U sinergi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # max_connections: the tests run well over a hundred apps at once, each with its pool and the connection that listens
    # for principal changes; at 500 a run peaked at 428 and another ran out ("too many clients already").
    as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1200" start >/dev/null
    echo "postgres://sinergi@127.0.0.1:$PORT/postgres"
    ;;
  socket)
    # The same server through its Unix socket, in libpq's form (no host; the socket's directory as host=).
    echo "postgres://sinergi@:$PORT/postgres?host=$DIR"
    ;;
  stop)
    if [ -d "$DIR" ] && [ -n "$PGBIN" ]; then as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|socket|stop" >&2; exit 64 ;;
esac
