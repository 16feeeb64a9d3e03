#!/bin/sh
# bench/guards.sh [BASE] — what the guards against hostile clients (issue 11:
# header-time authorisation, body memory cap, per-address connection caps
# and deadlines, login throttles, quotas) cost the requests everybody makes.
#
# The same data (gen preset `guards`: 10 villages × 200 households, 12
# months) is loaded by each binary into its own database, then served in
# turn by jifen at BASE (default ad81ab0: the tree before issue 11) and by
# the working tree, interleaved base, new, base, new … so that drift on a
# shared machine hits both alike:
#   - the passbook page and its JSON of random cards under wrk (-t2 -c64,
#     the script and checks of workload 1), req/s and server CPU/request
#   - staff logins through the form (GET /login, POST the password; each
#     one argon2id verification), 4 clients, logins/s, server CPU per
#     login and latency
# Prints a Markdown table of the medians and new/base ratios; the
# condition of issue 11 is ≥ 0.95 for the rates and ≤ 1.05 for CPU.  On a
# machine shared with other work, CPU per request is the figure to trust.
#
#   JIFEN_BENCH_DIR  work files (default /tmp/jifen-guards)
#   GUARDS_ROUNDS    rounds of each pair (default 3); GUARDS_WRK_D (10s)
set -eu
BASE=${1:-ad81ab0}
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${JIFEN_BENCH_DIR:-/tmp/jifen-guards}
ROUNDS=${GUARDS_ROUNDS:-3}
WRK_D=${GUARDS_WRK_D:-10s}
PY="python3 $ROOT/bench/bench.py"
PASS='Bench-pass-1'

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() {
	say "FAILED: $*"
	exit 1
}
run_ok() {
	"$@" >"$WORK/last.log" 2>&1 || {
		tail -n 20 "$WORK/last.log" >&2
		fail "$*"
	}
}
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM

mkdir -p "$WORK"
say "building the working tree and the bench programs into $WORK/new"
run_ok cmake -S . -B "$WORK/new" -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ok cmake --build "$WORK/new" -j"$(nproc)" --target jifen
run_ok make -C bench OUT="$WORK/new"
say "building $BASE into $WORK/base"
rm -rf "$WORK/base-src"
mkdir -p "$WORK/base-src"
git archive "$BASE" | tar -x -C "$WORK/base-src"
run_ok cmake -S "$WORK/base-src" -B "$WORK/base" -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ok cmake --build "$WORK/base" -j"$(nproc)" --target jifen

D=$WORK/data
rm -rf "$D"
run_ok "$WORK/new/gen" guards "$D" --standard "$ROOT/tests/data/sample-standard.csv"
. "$D/meta.sh"

# load WHICH: the data through WHICH's own CLI into $WORK/WHICH.db, then
# one passbook card per participating household
load() {
	j=$WORK/$1/jifen
	db=$WORK/$1.db
	rm -f "$db" "$db-wal" "$db-shm" "$db.key" "$db.key.log"
	run_ok "$j" --db "$db" init
	echo "$PASS" | run_ok "$j" --db "$db" user add admin --role town_admin --password-stdin
	while IFS="$(printf '\t')" read -r code name <&3; do
		run_ok "$j" --db "$db" village add "$code" "$name"
		run_ok "$j" --db "$db" import households --village "$code" "$D/households/$code.csv"
		run_ok "$j" --db "$db" import standard --village "$code" "$D/standard.csv" \
			--adopted "$ADOPTED" --effective "$EFFECTIVE" --meeting "村民代表会议"
		for m in $(cat "$D/months.txt"); do
			[ ! -f "$D/entries/$code/$m.csv" ] || run_ok "$j" --db "$db" import entries \
				--village "$code" --month "$m" "$D/entries/$code/$m.csv"
			run_ok "$j" --db "$db" sheet approve --village "$code" --month "$m" \
				--meeting-date "$m-28" --attendees "村两委委员、村务监督委员会成员" \
				--resolution "审定通过本月积分"
		done
	done 3<"$D/villages.tsv"
	serve "$1"
	run_ok $PY tokens "$URL" admin "$PASS" "$db" all 1 "$WORK/$1.tokens"
	stop
	say "  $1: $(wc -l <"$WORK/$1.tokens") cards"
}

serve() {
	PORT=$($PY port)
	URL=http://127.0.0.1:$PORT
	"$WORK/$1/jifen" --db "$WORK/$1.db" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
	SERVER_PID=$!
	i=0
	until curl -fso /dev/null "$URL/login"; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "jifen serve did not answer: $(cat "$WORK/serve.log")"
		sleep 0.05
	done
}
stop() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}
ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# wrk_pb WHICH PREFIX: rps and CPU µs per request of one wrk run
wrk_pb() {
	c0=$(ticks)
	# identity: the base is older than gzip-coded passbooks, and both
	# binaries must be asked alike
	line=$(wrk -t2 -c64 -d"$WRK_D" --latency -s "$ROOT/bench/wrk/passbook.lua" "$URL" \
		-- "$WORK/$1.tokens" "$2" "$3" identity | grep '^RESULT ') || fail "wrk $1 $2"
	c1=$(ticks)
	for k in non200 badbody sockerr; do
		[ "$(field $k "$line")" = 0 ] || fail "wrk $1 $2: $k=$(field $k "$line")"
	done
	echo "$(field rps "$line") $(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
		-v n="$(field requests "$line")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
}

say "loading the data with each binary"
load base
load new
: >"$WORK/rounds.txt"
r=1
while [ $r -le "$ROUNDS" ]; do
	for w in base new; do
		serve $w
		curl -fso /dev/null "$URL/p/$(head -n 1 "$WORK/$w.tokens" | cut -f 1)"
		set -- $(wrk_pb $w /p/ "积分余额")
		echo "$w page_rps $1" >>"$WORK/rounds.txt"
		echo "$w page_cpu_us $2" >>"$WORK/rounds.txt"
		set -- $(wrk_pb $w /api/v1/p/ '"balance":')
		echo "$w json_rps $1" >>"$WORK/rounds.txt"
		echo "$w json_cpu_us $2" >>"$WORK/rounds.txt"
		c0=$(ticks)
		out=$($PY logins "$URL" admin "$PASS" 4 "${WRK_D%s}") || fail "logins $w"
		c1=$(ticks)
		for k in rps p50_ms p99_ms; do
			echo "$w login_$k $(field $k "$out")" >>"$WORK/rounds.txt"
		done
		echo "$w login_cpu_ms $(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
			-v n="$(field logins "$out")" 'BEGIN { printf "%.1f", t / hz * 1e3 / n }')" \
			>>"$WORK/rounds.txt"
		stop
		say "  round $r $w done"
	done
	r=$((r + 1))
done

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "guards.sh: base $BASE ($(git rev-parse --short "$BASE")), new $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), $ROUNDS rounds of $WRK_D, load $(cut -d ' ' -f 1-3 /proc/loadavg), $(wc -l <"$WORK/new.tokens") cards"
echo
echo "| figure | base | new | new/base |"
echo "|---|---:|---:|---:|"
for k in page_rps page_cpu_us json_rps json_cpu_us login_rps login_cpu_ms login_p50_ms login_p99_ms; do
	b=$(awk -v k=$k '$1 == "base" && $2 == k { print $3 }' "$WORK/rounds.txt" | median)
	n=$(awk -v k=$k '$1 == "new" && $2 == k { print $3 }' "$WORK/rounds.txt" | median)
	echo "| $k | $b | $n | $(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.3f", n / b }') |"
done
