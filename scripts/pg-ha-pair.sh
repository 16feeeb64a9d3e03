#!/bin/sh
# pg-ha-pair.sh — a PostgreSQL 15 primary with a synchronous streaming
# standby on loopback, with PostgreSQL's own machinery only, for the
# failover test (tests/http/t_failover.py) and to try jifen's failover by
# hand.
#
#   scripts/pg-ha-pair.sh start DIR P1 P2   initdb the primary into DIR/primary (port P1),
#                                           pg_basebackup -R it into DIR/standby (port P2),
#                                           start both, wait until the standby is the
#                                           synchronous one, create database jifen, and
#                                           print the multi-host URL jifen takes:
#     postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2/jifen?target_session_attrs=read-write
#   scripts/pg-ha-pair.sh kill-primary DIR  pg_ctl stop -m immediate on the primary (a crash)
#   scripts/pg-ha-pair.sh promote DIR       pg_ctl promote the standby; waits until it
#                                           accepts writes
#   scripts/pg-ha-pair.sh stop DIR          stop both, remove DIR
#
# The primary commits only once the standby has the commit's WAL
# (synchronous_commit = on, synchronous_standby_names = 'standby'), so a
# commit jifen acknowledged survives the primary's loss.  The standby's own
# synchronous_standby_names is empty: promoted, it has no standby of its
# own and must not wait for one.  Trust auth on loopback; as root the
# clusters run as user postgres (runuser), so DIR must be under /tmp.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARKER=.jifen-pg-ha-pair

die() {
	echo "pg-ha-pair: $*" >&2
	exit 1
}

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

psql_at() { # PORT SQL
	as_owner "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -tAc "$2"
}

cmd_start() {
	P1=$1 P2=$2
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	[ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty"
	: >"$DIR/$MARKER"
	[ "$(id -u)" != 0 ] || chown -R postgres: "$DIR"
	as_owner "$PGBIN/initdb" -D "$DIR/primary" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 ||
		{ cat "$DIR/initdb.log" >&2; die "initdb failed"; }
	as_owner sh -c "cat >>'$DIR/primary/postgresql.conf'" <<EOF

# --- jifen HA test pair: primary ---
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 4
wal_keep_size = 64MB
hot_standby = on
synchronous_commit = on
synchronous_standby_names = 'standby'
fsync = off
full_page_writes = off
max_connections = 60
shared_buffers = 32MB
log_min_messages = warning
EOF
	as_owner sh -c "cat >'$DIR/primary/pg_hba.conf'" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
	as_owner "$PGBIN/pg_ctl" -D "$DIR/primary" -l "$DIR/primary.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$DIR/primary.log" >&2; die "primary did not start (port $P1 in use?)"; }
	as_owner "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U postgres -D "$DIR/standby" -R \
		-X stream --no-sync >"$DIR/basebackup.log" 2>&1 ||
		{ cat "$DIR/basebackup.log" >&2; die "pg_basebackup failed"; }
	as_owner sh -c "cat >>'$DIR/standby/postgresql.auto.conf'" <<EOF
primary_conninfo = 'host=127.0.0.1 port=$P1 user=postgres application_name=standby'
port = $P2
synchronous_standby_names = ''
EOF
	as_owner "$PGBIN/pg_ctl" -D "$DIR/standby" -l "$DIR/standby.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$DIR/standby.log" >&2; die "standby did not start (port $P2 in use?)"; }
	i=0
	until [ "$(psql_at "$P1" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "the standby did not become synchronous"
		sleep 0.1
	done
	as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$P1" -U postgres -E UTF8 -T template0 jifen
	echo "$P1 $P2" >"$DIR/ports"
	echo "postgresql://postgres@127.0.0.1:$P1,127.0.0.1:$P2/jifen?target_session_attrs=read-write"
}

ports() {
	DIR=$(cd "$DIR" && pwd)
	[ -f "$DIR/$MARKER" ] || die "$DIR is not a pair made by this script"
	read -r P1 P2 <"$DIR/ports"
}

cmd_kill_primary() {
	ports
	as_owner "$PGBIN/pg_ctl" -D "$DIR/primary" -m immediate -w stop >/dev/null
}

cmd_promote() {
	ports
	as_owner "$PGBIN/pg_ctl" -D "$DIR/standby" -w -t 60 promote >/dev/null
	i=0
	until [ "$(psql_at "$P2" "SELECT pg_is_in_recovery()")" = f ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || die "the standby did not leave recovery"
		sleep 0.1
	done
}

cmd_stop() {
	[ -d "$DIR" ] || return 0
	ports
	for d in primary standby; do
		if [ -f "$DIR/$d/postmaster.pid" ]; then
			as_owner "$PGBIN/pg_ctl" -D "$DIR/$d" -m immediate -w stop >/dev/null 2>&1 || true
		fi
	done
	rm -rf "$DIR"
}

[ $# -ge 2 ] || { echo "usage: $0 start DIR P1 P2 | kill-primary DIR | promote DIR | stop DIR" >&2; exit 2; }
CMD=$1 DIR=$2
shift 2
case $CMD in
start) [ $# -eq 2 ] || die "start needs DIR P1 P2"; cmd_start "$1" "$2" ;;
kill-primary) cmd_kill_primary ;;
promote) cmd_promote ;;
stop) cmd_stop ;;
*) die "unknown command $CMD" ;;
esac
