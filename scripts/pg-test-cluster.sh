#!/bin/sh
# pg-test-cluster.sh — a throwaway PostgreSQL 15 cluster for the tests.
#
#   scripts/pg-test-cluster.sh start DIR PORT   initdb into DIR (if needed), start it
#                                               listening on 127.0.0.1:PORT only (unix
#                                               socket in DIR), trust auth, fsync off,
#                                               create database jifen_test, and print
#                                               its URL on stdout:
#                                               postgresql://postgres@127.0.0.1:PORT/jifen_test
#   scripts/pg-test-cluster.sh stop DIR         stop it and remove DIR (PORT may be given,
#                                               it is ignored)
#
# Typical use:  export JIFEN_TEST_PG=$(scripts/pg-test-cluster.sh start /tmp/jifen-pg 54329)
#
# Starting an already running cluster only prints the URL again; stopping one that is
# not running just removes DIR.  DIR is removed only when it holds this script's marker
# file, so a mistyped DIR cannot wipe something else.  initdb refuses to run as root:
# as root the cluster is owned by and run as the "postgres" user (runuser), so DIR must
# be reachable by that user (anything under /tmp is).  Progress and errors go to stderr.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARKER=.jifen-pg-test-cluster
DBNAME=jifen_test
SUPERUSER=postgres

die() {
	echo "pg-test-cluster: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start DIR PORT | stop DIR [PORT]" >&2
	exit 2
}

# as_owner CMD ARGS...: run a command as the cluster owner (postgres when we are root).
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# running: true when a postmaster serves DIR/data.
running() {
	[ -f "$DATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# psql_admin SQL: one query on the maintenance database, unaligned tuples only.
psql_admin() {
	as_owner "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres \
		-v ON_ERROR_STOP=1 -tAc "$1"
}

cmd_start() {
	[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb not found (Debian package postgresql-15)"
	case $PORT in
	'' | *[!0-9]*) die "PORT must be a number: $PORT" ;;
	esac

	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	DATA=$DIR/data
	if [ ! -f "$DIR/$MARKER" ]; then
		[ -z "$(ls -A "$DIR")" ] || die "$DIR exists, is not empty and is not a test cluster"
		: >"$DIR/$MARKER"
	fi
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "user postgres missing (install the postgresql package)"
		chown -R postgres: "$DIR"
		runuser -u postgres -- test -w "$DIR" ||
			die "user postgres cannot reach $DIR: use a directory under /tmp"
	fi

	if [ ! -f "$DATA/PG_VERSION" ]; then
		rm -rf "$DATA"
		as_owner "$PGBIN/initdb" -D "$DATA" -U "$SUPERUSER" -A trust -E UTF8 \
			--locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 ||
			{
				cat "$DIR/initdb.log" >&2
				die "initdb failed"
			}
		# Only loopback TCP and a socket inside DIR: nothing else on the machine
		# can reach it, and it cannot collide with a system cluster's socket.
		cat >>"$DATA/postgresql.conf" <<EOF

# --- jifen test cluster ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
log_min_messages = warning
EOF
		# trust for the socket and loopback only (initdb -A trust already wrote
		# these; state them so the intent is visible).
		cat >"$DATA/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
		chmod 600 "$DATA/pg_hba.conf"
		[ "$(id -u)" != 0 ] || chown postgres: "$DATA/pg_hba.conf"
	fi

	if ! running; then
		# a stale pid file from a killed postmaster would stop pg_ctl
		rm -f "$DATA/postmaster.pid"
		as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
			-o "-p $PORT" start >/dev/null ||
			{
				tail -n 20 "$DIR/server.log" >&2 || true
				die "could not start the cluster (port $PORT in use?)"
			}
	fi

	exists=$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'") ||
		die "cluster does not answer on 127.0.0.1:$PORT"
	if [ "$exists" != 1 ]; then
		as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -E UTF8 \
			-T template0 "$DBNAME" || die "createdb $DBNAME failed"
	fi
	echo "postgresql://$SUPERUSER@127.0.0.1:$PORT/$DBNAME"
}

cmd_stop() {
	[ -d "$DIR" ] || return 0
	DIR=$(cd "$DIR" && pwd)
	DATA=$DIR/data
	[ -f "$DIR/$MARKER" ] || die "$DIR is not a test cluster made by this script; not removing it"
	if running; then
		as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null ||
			as_owner "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null ||
			die "could not stop the cluster in $DIR"
	fi
	rm -rf "$DIR"
}

[ $# -ge 2 ] || usage
ACTION=$1
DIR=$2
PORT=${3:-}
case $ACTION in
start)
	[ -n "$PORT" ] || usage
	cmd_start
	;;
stop) cmd_stop ;;
*) usage ;;
esac
