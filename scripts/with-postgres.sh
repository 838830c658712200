#!/bin/sh
# Runs a command against a throwaway PostgreSQL 15 cluster:
#   scripts/with-postgres.sh <command> [args...]
# Starts a cluster in a temporary directory on a free loopback port (fsync off: test data
# only), creates role and database "orrery", exports
#   ORRERY_TEST_PG_URL=postgresql://orrery:orrery@127.0.0.1:<port>/orrery
# runs the command, and stops and removes the cluster on exit (also on failure or signal).
# As root the server runs as the "postgres" user through runuser (PostgreSQL refuses root).
# Needs /usr/lib/postgresql/15/bin (override with PGBIN). Exit status = the command's.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command> [args...]" >&2
    exit 2
fi
if [ ! -x "$PGBIN/initdb" ]; then
    echo "with-postgres.sh: no PostgreSQL server in $PGBIN" >&2
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/orrery-pg.XXXXXX")
D="$TMP/data"
S="$TMP/sock"

if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$TMP"
    install -d -o postgres -g postgres "$D" "$S"
    as_pg() { runuser -u postgres -- "$@"; }
else
    mkdir -p "$D" "$S"
    as_pg() { "$@"; }
fi

cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$D" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port: ask the kernel for one (a race with another process is possible but harmless:
# pg_ctl then fails and we try the next candidate).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_pg "$PGBIN/initdb" -D "$D" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --no-sync -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 \
    || { cat "$TMP/initdb.log" >&2; exit 1; }

started=0
for _ in 1 2 3 4 5; do
    PORT=$(free_port)
    if as_pg "$PGBIN/pg_ctl" -D "$D" -l "$D/server.log" -w -t 30 \
        -o "-p $PORT -k $S -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
        started=1
        break
    fi
done
if [ "$started" -ne 1 ]; then
    echo "with-postgres.sh: the server did not start" >&2
    cat "$D/server.log" >&2 || true
    exit 1
fi

as_pg "$PGBIN/psql" -h "$S" -p "$PORT" -U postgres -qAt \
    -c "create role orrery login password 'orrery'" \
    -c "create database orrery owner orrery" >/dev/null

export ORRERY_TEST_PG_URL="postgresql://orrery:orrery@127.0.0.1:$PORT/orrery"
status=0
"$@" || status=$?
exit "$status"
