#!/bin/sh
# bench/run.sh [smoke|town|county|all] — jifen's benchmark suite (issue 5).
#
# Generates the data (bench/gen.c), loads it through jifen's own CLI, runs
# every workload against its reference in the same run, checks every
# result, and writes BENCHMARKS.md:
#   1. passbook page and JSON under wrk load vs nginx serving a static file
#      of the same size (+ 4. peak RSS of `jifen serve`, 5. cold start)
#   2. ledger posting (`jifen sheet approve` of a 100,000-entry sheet) vs
#      raw SQLite inserts (bench/raw_insert.c) and vs PostgreSQL COPY
#   3. balances of every household vs ledger-cli on the same entries
#   6. redemptions at one counter and under 64 concurrent clients, SQLite
#      and PostgreSQL, beside workload 2's posting rate
#   7. announcing a quarter (the largest village, then every village) beside
#      `jifen balances` of the same villages; receipts (sizes, each checked
#      offline); verify after; inclusion proofs and receipts per second
#   8. (issue 14) the town's view on the county (and the smoke set):
#      `jifen report` and the town dashboard, time and peak RSS, beside
#      `jifen balances` over the same data (bench/oversight.sh)
# then profiles the passbook page under callgrind (perf has no hardware
# counters on these VMs) and records the top entries.
#
#   smoke   tiny data, seconds: checks that the suite itself works
#   town    30 villages, 15,000 households, 3 years
#   county  300 villages, 150,000 households, 1 year
#   all     town and county (default); ~15 minutes on 2 cores
#   passbook [SET]  workloads 1 and 8 alone (the passbook, the announcement
#           day) on one set (default county), for a re-run on a quiet machine;
#           with JIFEN_BENCH_REUSE=1, on the load the last passbook run kept
#           (its database copied back: minutes instead of the load's quarter
#           hour, which is then not reported again)
#
# Not part of scripts/test.sh (it is heavy).  Needs root on Debian 12 for
# scripts/install-bench-deps.sh (skipped with JIFEN_BENCH_NO_INSTALL=1).
# Work files go to $JIFEN_BENCH_DIR (default /tmp/jifen-bench, ~3 GB for
# all); the report to BENCHMARKS.md (JIFEN_BENCH_OUT overrides; the smoke
# run writes $JIFEN_BENCH_DIR/BENCHMARKS.md unless told otherwise, so that a
# smoke run never replaces the real figures).  Any failed check exits 1.
set -eu
MODE=${1:-all}
case $MODE in
smoke) SETS=smoke SHEET=smallsheet NTOK=all CHECK_MAX=20 WRK_D=2s REPS=1 PROFILE_REQS=20 ;;
town) SETS=town SHEET=bigsheet NTOK=all CHECK_MAX=2000 WRK_D=10s REPS=3 PROFILE_REQS=300 ;;
county) SETS=county SHEET=bigsheet NTOK=all CHECK_MAX=2000 WRK_D=10s REPS=3 PROFILE_REQS=300 ;;
all) SETS="town county" SHEET=bigsheet NTOK=all CHECK_MAX=2000 WRK_D=10s REPS=3 PROFILE_REQS=300 ;;
passbook) SETS=${2:-county} SHEET=bigsheet NTOK=all CHECK_MAX=2000 WRK_D=10s REPS=3 PROFILE_REQS=300 ;;
*)
	echo "usage: bench/run.sh [smoke|town|county|all|passbook [smoke|town|county]]" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${JIFEN_BENCH_DIR:-/tmp/jifen-bench}
if [ "$MODE" = smoke ] || [ "$MODE" = passbook ]; then
	# a partial run never replaces the whole report
	OUT=${JIFEN_BENCH_OUT:-$WORK/BENCHMARKS.md}
else
	OUT=${JIFEN_BENCH_OUT:-$ROOT/BENCHMARKS.md}
fi
BUILD=$ROOT/build-bench
J=$BUILD/jifen
PY="python3 $ROOT/bench/bench.py"
PASS='Bench-pass-1'
T_START=$(date +%s)

# ---- helpers ------------------------------------------------------------------

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() {
	say "FAILED: $*"
	exit 1
}
# put KEY VALUE: one figure for the report
put() {
	echo "$1=$2" >>"$RESULTS"
	say "  $1 = $2"
}
ns() { date +%s%N; }
# secs T0 T1: seconds between two ns() stamps
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# field NAME LINE: value of NAME=VALUE in a line of such pairs
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# run_ok CMD...: run, output kept in $WORK/last.log, fail with it on error
run_ok() {
	"$@" >"$WORK/last.log" 2>&1 || {
		tail -n 20 "$WORK/last.log" >&2
		fail "$*"
	}
}

PIDS=""
PGDIR=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	if [ -n "$PGDIR" ]; then
		"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# stop_pid PID: SIGTERM and wait until it is gone
stop_pid() {
	kill "$1" 2>/dev/null || true
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null || true
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ' || true)
}

# start_jifen DB PORT: `jifen serve` in the background; sets SERVER_PID
# once it answers.
start_jifen() {
	"$J" --db "$1" serve --listen "127.0.0.1:$2" >"$WORK/serve.log" 2>&1 &
	SERVER_PID=$!
	PIDS="$PIDS $SERVER_PID"
	i=0
	until curl -fso /dev/null "http://127.0.0.1:$2/login"; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "jifen serve did not answer: $(cat "$WORK/serve.log")"
		sleep 0.05
	done
}

# cpu_ticks PID...: CPU time (user + system, clock ticks) of the processes
# and their children processes (nginx's workers), all threads included
cpu_ticks() {
	t=0
	for p in "$@"; do
		for q in $p $(pgrep -P "$p" || true); do
			t=$((t + $(awk '{ print $14 + $15 }' "/proc/$q/stat")))
		done
	done
	echo $t
}

# wrk_run NAME URL PREFIX MARKER TOKENS "SERVER_PID…": one wrk run, figures
# under NAME, with the servers' CPU time per request; WRK_SCRIPT and
# WRK_MODE (its last argument) choose another script than passbook.lua
wrk_run() {
	# shellcheck disable=SC2086 # $6: the server PIDs, a list
	c0=$(cpu_ticks $6)
	out=$(/usr/bin/time -f '%U %S' -o "$WORK/wrk-time.txt" wrk -t2 -c64 -d"$WRK_D" --latency \
		-s "${WRK_SCRIPT:-$ROOT/bench/wrk/passbook.lua}" "$2" -- "$5" "$3" "$4" \
		${WRK_MODE:-}) || fail "wrk $2$3"
	# shellcheck disable=SC2086
	c1=$(cpu_ticks $6)
	printf '%s\n' "$out" >"$WORK/wrk-$1.txt"
	line=$(printf '%s\n' "$out" | grep '^RESULT ') || fail "wrk printed no RESULT line"
	for k in non200 badbody sockerr; do
		[ "$(field $k "$line")" = 0 ] || fail "wrk $1: $k=$(field $k "$line") ($2$3…)"
	done
	[ "$(field checked "$line")" -gt 0 ] || fail "wrk $1 checked no answer"
	put "$1.rps" "$(field rps "$line")"
	put "$1.p50_ms" "$(field p50_ms "$line")"
	put "$1.p99_ms" "$(field p99_ms "$line")"
	put "$1.cpu_us" "$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
		-v n="$(field requests "$line")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
	# wrk's own CPU per request (inflating and checking every answer): it
	# shares the 2 cores with the server, so where it grows, every
	# server's req/s falls and their ratios move toward 1
	put "$1.client_cpu_us" "$(awk -v n="$(field requests "$line")" \
		'{ printf "%.1f", ($1 + $2) * 1e6 / n }' "$WORK/wrk-time.txt")"
}

# same_bytes URL FILE [gzip]: the body at URL (asked for as a phone asks
# with gzip) is FILE byte for byte, or the run fails: nginx's gzip_static
# must send the .gz beside the file try_files chose, not the file itself
# nor a copy it compresses per request, and the floor the same bytes
same_bytes() {
	if [ "${3:-}" = gzip ]; then
		curl -fsS -H 'Accept-Encoding: gzip, deflate, br' -o "$WORK/same.body" "$1"
	else
		curl -fsS -o "$WORK/same.body" "$1"
	fi || fail "GET $1"
	cmp -s "$WORK/same.body" "$2" ||
		fail "$1 ${3:-identity}: $(wc -c <"$WORK/same.body") B, not the $(wc -c <"$2") B of $2"
}

# ref_same PORT DIR TOKEN: the reference on PORT (nginx, the floor) sends
# TOKEN's page and JSON as DIR's files (bench.py check-passbook wrote
# them), the .gz to a phone, the file itself to a client not asking for gzip
ref_same() {
	same_bytes "http://127.0.0.1:$1/p/$3" "$2/passbook.html.gz" gzip
	same_bytes "http://127.0.0.1:$1/p/$3" "$2/passbook.html"
	same_bytes "http://127.0.0.1:$1/api/v1/p/$3" "$2/passbook.json.gz" gzip
	same_bytes "http://127.0.0.1:$1/api/v1/p/$3" "$2/passbook.json"
}

# vmhwm PID: peak resident set in kB
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# anon_peak_start PID FILE / anon_peak_stop: the peak of PID's private
# memory (RssAnon, kB) in between, sampled every 50 ms into FILE.  VmHWM
# also counts the database file's pages that SQLite reads through its
# mapping: the kernel's page cache, shared, given back under pressure
# (as nginx's sendfile uses it without counting it in nginx's RSS).
anon_peak_start() {
	(while [ -r "/proc/$1/status" ]; do
		awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"
		sleep 0.05
	done) >"$2" 2>/dev/null &
	ANON_SAMPLER=$!
	ANON_FILE=$2
}
anon_peak_stop() {
	kill "$ANON_SAMPLER" 2>/dev/null || true
	wait "$ANON_SAMPLER" 2>/dev/null || true
	sort -n "$ANON_FILE" | tail -n 1
}

# ---- set up -------------------------------------------------------------------------

mkdir -p "$WORK"
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: >"$RESULTS"
if [ "${JIFEN_BENCH_NO_INSTALL:-}" != 1 ]; then
	say "installing packages (scripts/install-bench-deps.sh)"
	run_ok scripts/install-bench-deps.sh
fi
say "building jifen (RelWithDebInfo) and the bench programs into $BUILD"
run_ok cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ok cmake --build "$BUILD" -j"$(nproc)" --target jifen
run_ok make -C bench OUT="$BUILD"

put mode "$MODE"
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put nproc "$(nproc)"
put cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
put mem "$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
put os "$(. /etc/os-release && echo "$PRETTY_NAME")"
put commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+uncommitted src changes')"
put loadavg_start "$(cut -d ' ' -f 1-3 /proc/loadavg)"
put wrk_duration "$WRK_D"
put reps "$REPS"

# ---- data and load ---------------------------------------------------------------------

# gen_set NAME: generate data set NAME into $WORK/data/NAME
gen_set() {
	rm -rf "$WORK/data/$1"
	mkdir -p "$WORK/data"
	run_ok "$BUILD/gen" "$1" "$WORK/data/$1" --standard "$ROOT/tests/data/sample-standard.csv"
}

# load_set NAME DB: load data set NAME through the CLI into DB, timed by phase
load_set() {
	d=$WORK/data/$1
	db=$2
	. "$d/meta.sh"
	rm -f "$db" "$db-wal" "$db-shm" "$db.key" "$db.key.log"
	run_ok "$J" --db "$db" init
	echo "$PASS" | run_ok "$J" --db "$db" user add admin --role town_admin --password-stdin
	t0=$(ns)
	while IFS="$(printf '\t')" read -r code name <&3; do
		run_ok "$J" --db "$db" village add "$code" "$name"
		run_ok "$J" --db "$db" import households --village "$code" "$d/households/$code.csv"
		run_ok "$J" --db "$db" import standard --village "$code" "$d/standard.csv" \
			--adopted "$ADOPTED" --effective "$EFFECTIVE" --meeting "村民代表会议"
	done 3<"$d/villages.tsv"
	t1=$(ns)
	ti=0
	ta=0
	# every month's approval would render the village's passbooks after
	# its commit (passbook_store.h); the load renders them once, in
	# passbook_set (jifen passbook-render)
	export JIFEN_PASSBOOK_AFTER=0
	for m in $(cat "$d/months.txt"); do
		a=$(ns)
		while IFS="$(printf '\t')" read -r code name <&3; do
			[ -f "$d/entries/$code/$m.csv" ] || continue
			run_ok "$J" --db "$db" import entries --village "$code" --month "$m" \
				"$d/entries/$code/$m.csv"
		done 3<"$d/villages.tsv"
		b=$(ns)
		while IFS="$(printf '\t')" read -r code name <&3; do
			run_ok "$J" --db "$db" sheet approve --village "$code" --month "$m" \
				--meeting-date "$m-28" --attendees "村两委委员、村务监督委员会成员" \
				--resolution "审定通过本月积分"
		done 3<"$d/villages.tsv"
		c=$(ns)
		ti=$((ti + b - a))
		ta=$((ta + c - b))
		say "  $1 $m loaded"
	done
	unset JIFEN_PASSBOOK_AFTER
	put "$1.villages" "$VILLAGES"
	put "$1.households" "$HOUSEHOLDS"
	put "$1.participating" "$PARTICIPATING"
	put "$1.months" "$MONTHS"
	put "$1.entries" "$ENTRIES"
	put "$1.load_setup_s" "$(secs "$t0" "$t1")"
	put "$1.load_import_s" "$(secs 0 $ti)"
	put "$1.load_approve_s" "$(secs 0 $ta)"
	t0=$(ns)
	run_ok "$J" --db "$db" verify
	put "$1.verify_s" "$(secs "$t0" "$(ns)")"
}

# ---- workloads 1, 4, 5: the passbook ----------------------------------------------------------

# passbook_set NAME DB
passbook_set() {
	d=$WORK/data/$1
	db=$2
	tokens=$WORK/$1.tokens
	port=$($PY port)
	url=http://127.0.0.1:$port
	# the database in the page cache, as on a server that has been up a
	# while: the figures are of jifen, not of the virtual disk
	cat "$db" >/dev/null
	say "$1: issuing passbook cards ($NTOK participating households) through the product"
	start_jifen "$db" "$port"
	run_ok $PY tokens "$url" admin "$PASS" "$db" "$NTOK" 1 "$tokens"
	put "$1.tokens" "$(field tokens "$(cat "$WORK/last.log")")"
	put "$1.tokens_issue_s" "$(field seconds "$(cat "$WORK/last.log")")"
	stop_pid "$SERVER_PID"
	# the load (JIFEN_PASSBOOK_AFTER=0) left the stored passbooks as
	# tombstones, rendered on the fly (passbook_store.h); store them, as
	# each approval and the quarter's announcement do after their commits
	say "$1: storing every passbook (jifen passbook-render)"
	t0=$(ns)
	run_ok "$J" --db "$db" passbook-render
	put "$1.pb_render_s" "$(secs "$t0" "$(ns)")"
	put "$1.pb_stored" "$(sqlite3 "$db" "SELECT COUNT(*) FROM passbook_store WHERE render_id <> ''")"
	tok1=$(head -n 1 "$tokens" | cut -f 1)

	say "$1: cold start"
	cs=$($PY coldstart "$J" --db "$db" serve --listen "127.0.0.1:$port" -- \
		"$url/api/v1/p/$tok1") || fail "cold start"
	SERVER_PID=$(field pid "$cs")
	PIDS="$PIDS $SERVER_PID"
	put "$1.coldstart_ms" "$(field coldstart_ms "$cs")"

	say "$1: checking $CHECK_MAX cards' pages and JSON against the generator's figures"
	ng=$WORK/nginx
	rm -rf "$ng"
	mkdir -p "$ng/html" "$ng/tmp"
	chmod -R 755 "$ng"
	run_ok $PY check-passbook "$url" "$tokens" "$d/expected.tsv" "$ng/html" "$CHECK_MAX"
	put check_max "$CHECK_MAX"
	sizes=$(cat "$WORK/last.log")
	# the gzip answers' mean sizes (what a phone is sent), and inflated
	put "$1.pb_page.bytes" "$(field page_bytes "$sizes")"
	put "$1.pb_json.bytes" "$(field json_bytes "$sizes")"
	put "$1.pb_page.bytes_identity" "$(field page_bytes_identity "$sizes")"
	put "$1.pb_json.bytes_identity" "$(field json_bytes_identity "$sizes")"

	nport=$($PY port)
	sed -e "s|@PREFIX@|$ng|g" -e "s|@PORT@|$nport|g" "$ROOT/bench/nginx.conf.in" >"$ng/nginx.conf"
	nginx -t -c "$ng/nginx.conf" -p "$ng" >"$WORK/last.log" 2>&1 ||
		fail "nginx config: $(cat "$WORK/last.log")"
	cs=$($PY coldstart nginx -c "$ng/nginx.conf" -p "$ng" -- "http://127.0.0.1:$nport/ready") ||
		fail "nginx did not start"
	NGINX_PID=$(field pid "$cs")
	PIDS="$PIDS $NGINX_PID"
	put "$1.nginx_coldstart_ms" "$(field coldstart_ms "$cs")"
	ref_same "$nport" "$ng/html" "$tok1"

	# the floor of jifen's HTTP stack (bench/mhd_floor.c): libmicrohttpd
	# started as serve starts it, answering the same two files from
	# memory, so that the distance to nginx splits into the stack's and
	# jifen's own
	fport=$($PY port)
	cs=$($PY coldstart "$BUILD/mhd_floor" "$ng/html" "$fport" -- \
		"http://127.0.0.1:$fport/api/v1/p/ready") || fail "mhd_floor did not start"
	FLOOR_PID=$(field pid "$cs")
	PIDS="$PIDS $FLOOR_PID"
	ref_same "$fport" "$ng/html" "$tok1"

	# interleaved, so that drift on the shared machine hits all alike
	say "$1: wrk on the passbook page, jifen, nginx, the libmicrohttpd floor"
	anon_peak_start "$SERVER_PID" "$WORK/$1.anon"
	wrk_run "$1.pb_page" "$url" /p/ "积分余额" "$tokens" "$SERVER_PID"
	wrk_run "$1.pb_page.nginx" "http://127.0.0.1:$nport" /p/ "积分余额" "$tokens" "$NGINX_PID"
	wrk_run "$1.pb_page.floor" "http://127.0.0.1:$fport" /p/ "积分余额" "$tokens" "$FLOOR_PID"
	say "$1: wrk on the passbook JSON, jifen, nginx, the libmicrohttpd floor"
	wrk_run "$1.pb_json" "$url" /api/v1/p/ '"balance":' "$tokens" "$SERVER_PID"
	wrk_run "$1.pb_json.nginx" "http://127.0.0.1:$nport" /api/v1/p/ '"balance":' "$tokens" \
		"$NGINX_PID"
	wrk_run "$1.pb_json.floor" "http://127.0.0.1:$fport" /api/v1/p/ '"balance":' "$tokens" \
		"$FLOOR_PID"
	stop_pid "$FLOOR_PID"
	for w in page json; do
		for ref in nginx floor; do
			for k in rps p50_ms p99_ms cpu_us client_cpu_us; do
				v=$(sed -n "s/^$1\.pb_$w\.$ref\.$k=//p" "$RESULTS")
				put "$1.pb_$w.${ref}_$k" "$v"
			done
		done
	done
	put "$1.rss_peak_kb" "$(vmhwm "$SERVER_PID")"
	put "$1.anon_peak_kb" "$(anon_peak_stop)"
	put "$1.rss_now_kb" "$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")"
	nrss=$(vmhwm "$NGINX_PID")
	for c in $(pgrep -P "$NGINX_PID"); do
		nrss=$((nrss + $(vmhwm "$c")))
	done
	put "$1.nginx_rss_kb" "$nrss"
	kill -QUIT "$NGINX_PID" 2>/dev/null || true
	stop_pid "$NGINX_PID"

	# the web side of workload 3, while the server is up
	say "$1: balances of every village over HTTP"
	rm -rf "$WORK/$1.bal.http"
	mkdir -p "$WORK/$1.bal.http"
	run_ok $PY http-balances "$url" admin "$PASS" "$d/villages.tsv" "$WORK/$1.bal.http"
	put "$1.bal_http_s" "$(field seconds "$(cat "$WORK/last.log")")"
	stop_pid "$SERVER_PID"
}

# ---- workload 3: balances vs ledger-cli ----------------------------------------------------------

# balances_set NAME DB
balances_set() {
	d=$WORK/data/$1
	db=$2
	. "$d/meta.sh"
	say "$1: jifen balances for every village"
	bdir=$WORK/$1.bal.cli
	rm -rf "$bdir"
	mkdir -p "$bdir"
	# wall time, and the CPU time (user + system) of the processes, which
	# the other work on a shared machine disturbs less
	cat "$db" >/dev/null
	/usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" sh -c '
		while IFS="$(printf "\t")" read -r code name; do
			"$1" --db "$2" balances --village "$code" >"$3/$code.csv" </dev/null || exit 1
		done <"$4"' sh "$J" "$db" "$bdir" "$d/villages.tsv" || fail "jifen balances"
	put "$1.bal_cli_s" "$(awk '{ print $1 }' "$WORK/time.txt")"
	put "$1.bal_cli_cpu_s" "$(awk '{ printf "%.2f", $2 + $3 }' "$WORK/time.txt")"
	say "$1: ledger-cli on the same entries"
	/usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" \
		ledger -f "$d/journal.dat" --flat --no-total balance '^Households' \
		>"$WORK/$1.ledger-all.txt" || fail "ledger balance"
	put "$1.ledger_s" "$(awk '{ print $1 }' "$WORK/time.txt")"
	put "$1.ledger_cpu_s" "$(awk '{ printf "%.2f", $2 + $3 }' "$WORK/time.txt")"
	t0=$(ns)
	ledger -f "$d/journal.dat" -p "$YEAR" --flat --no-total balance '^Households' \
		>"$WORK/$1.ledger-year.txt" || fail "ledger -p $YEAR balance"
	put "$1.ledger_year_s" "$(secs "$t0" "$(ns)")"
	run_ok $PY compare-balances "$d/expected.tsv" "$bdir" csv "$WORK/$1.ledger-all.txt" \
		"$WORK/$1.ledger-year.txt"
	put "$1.bal_households" "$(field households "$(cat "$WORK/last.log")")"
	if [ -d "$WORK/$1.bal.http" ]; then
		run_ok $PY compare-balances "$d/expected.tsv" "$WORK/$1.bal.http" json \
			"$WORK/$1.ledger-all.txt" "$WORK/$1.ledger-year.txt"
	fi
}

# ---- workload 7: announcements (一季一公示) -----------------------------------------------------

# announce_set NAME DB: announce the newest ended quarter, the largest
# village first, then every other; receipts; verify; proofs over HTTP
announce_set() {
	d=$WORK/data/$1
	db=$2
	. "$d/meta.sh"
	q=$($PY quarter "$LAST_MONTH")
	big=$(sqlite3 "$db" "SELECT v.code FROM household h JOIN village v ON v.id = h.village_id
		WHERE h.participating = 1 GROUP BY v.code ORDER BY COUNT(*) DESC, v.code LIMIT 1")
	put "$1.ann_quarter" "$q"
	put "$1.ann_big_village" "$big"
	put "$1.ann_big_households" "$(sqlite3 "$db" "SELECT COUNT(*) FROM household h JOIN village v
		ON v.id = h.village_id WHERE v.code = '$big' AND h.participating = 1")"
	put "$1.ann_big_entries" "$(sqlite3 "$db" "SELECT COUNT(*) FROM ledger_entry le JOIN village v
		ON v.id = le.village_id WHERE v.code = '$big'")"
	cat "$db" >/dev/null
	say "$1: jifen balances and jifen announce of the largest village ($big, $q)"
	t0=$(ns)
	run_ok "$J" --db "$db" balances --village "$big"
	put "$1.ann_big_bal_s" "$(secs "$t0" "$(ns)")"
	t0=$(ns)
	run_ok "$J" --db "$db" announce --village "$big" --quarter "$q"
	tb=$(secs "$t0" "$(ns)")
	put "$1.ann_big_s" "$tb"
	say "$1: jifen announce of every other village"
	t0=$(ns)
	while IFS="$(printf '\t')" read -r code name <&3; do
		[ "$code" = "$big" ] && continue
		run_ok "$J" --db "$db" announce --village "$code" --quarter "$q"
	done 3<"$d/villages.tsv"
	put "$1.ann_all_s" "$(awk -v a="$(secs "$t0" "$(ns)")" -v b="$tb" 'BEGIN { printf "%.3f", a + b }')"
	say "$1: receipts of the largest village, each checked offline"
	"$J" --db "$db" key show >"$WORK/$1.pub" || fail "key show"
	sqlite3 "$db" "SELECT h.code FROM household h JOIN village v ON v.id = h.village_id
		WHERE v.code = '$big' AND h.participating = 1 ORDER BY h.id LIMIT 40" >"$WORK/$1.rcodes"
	: >"$WORK/$1.rsizes"
	while read -r hc; do
		"$J" --db "$db" receipt --village "$big" --quarter "$q" --household "$hc" \
			>"$WORK/receipt.txt" || fail "receipt $hc"
		run_ok "$J" verify-receipt "$WORK/receipt.txt" --key "$WORK/$1.pub"
		wc -c <"$WORK/receipt.txt" >>"$WORK/$1.rsizes"
	done <"$WORK/$1.rcodes"
	put "$1.ann_receipts" "$(wc -l <"$WORK/$1.rsizes")"
	put "$1.ann_receipt_min" "$(sort -n "$WORK/$1.rsizes" | head -n 1)"
	put "$1.ann_receipt_max" "$(sort -n "$WORK/$1.rsizes" | tail -n 1)"
	t0=$(ns)
	run_ok "$J" --db "$db" verify
	put "$1.ann_verify_s" "$(secs "$t0" "$(ns)")"
	say "$1: proofs and receipts over HTTP"
	port=$($PY port)
	start_jifen "$db" "$port"
	run_ok $PY proofs "http://127.0.0.1:$port" admin "$PASS" "$big" "$q" "$db" \
		"$(echo "$WRK_D" | tr -d s)"
	pr=$(cat "$WORK/last.log")
	put "$1.ann_proofs_per_s" "$(field proofs_per_s "$pr")"
	put "$1.ann_receipts_per_s" "$(field receipts_per_s "$pr")"
	put "$1.ann_proof_hashes" "$(field proof_hashes "$pr")"
	stop_pid "$SERVER_PID"
}

# ---- workload 8: the announcement day -------------------------------------------------------

# nginx_static NAME DIR: nginx serving DIR/html (bench/nginx.conf.in) in the
# background; sets NGINX_PID and NGINX_PORT
nginx_static() {
	NGINX_PORT=$($PY port)
	sed -e "s|@PREFIX@|$2|g" -e "s|@PORT@|$NGINX_PORT|g" "$ROOT/bench/nginx.conf.in" >"$2/nginx.conf"
	cs=$($PY coldstart nginx -c "$2/nginx.conf" -p "$2" -- "http://127.0.0.1:$NGINX_PORT/ready") ||
		fail "nginx did not start"
	NGINX_PID=$(field pid "$cs")
	PIDS="$PIDS $NGINX_PID"
}

# ad_passes NAME URL "PIDS": the cold pass (every card uniformly, plain
# GETs) and the warm pass (the same with the ETag each phone kept: 304s)
ad_passes() {
	run_ok $PY etags "$2" "$WORK/$AD_SET.tokens" /p/ "$WORK/$AD_SET.etags"
	WRK_SCRIPT=$ROOT/bench/wrk/announce_day.lua WRK_MODE=cold \
		wrk_run "$1.cold" "$2" /p/ "积分余额" "$WORK/$AD_SET.etags" "$3"
	WRK_SCRIPT=$ROOT/bench/wrk/announce_day.lua WRK_MODE=warm \
		wrk_run "$1.warm" "$2" /p/ "积分余额" "$WORK/$AD_SET.etags" "$3"
}

# announceday_set NAME DB: the quarter announced in every village (unless
# workload 7 did), then every household opens its card: on SQLite, beside
# nginx serving a file of the page's new size (the receipt's QR code), and
# on PostgreSQL with two `jifen serve` behind nginx as load balancer
announceday_set() {
	d=$WORK/data/$1
	db=$2
	AD_SET=$1
	. "$d/meta.sh"
	q=$($PY quarter "$LAST_MONTH")
	if [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM announcement WHERE quarter = '$q'")" = 0 ]; then
		say "$1: announcing $q in every village (each stores its village's passbooks)"
		t0=$(ns)
		while IFS="$(printf '\t')" read -r code name <&3; do
			run_ok "$J" --db "$db" announce --village "$code" --quarter "$q"
		done 3<"$d/villages.tsv"
		put "$1.ad_announce_s" "$(secs "$t0" "$(ns)")"
	fi
	put "$1.ad_stored" "$(sqlite3 "$db" "SELECT COUNT(*) FROM passbook_store WHERE render_id <> ''")"
	cat "$db" >/dev/null
	port=$($PY port)
	url=http://127.0.0.1:$port
	start_jifen "$db" "$port"
	say "$1: announcement day on SQLite: checking $CHECK_MAX cards, then cold and warm passes"
	ng=$WORK/nginx-ad
	rm -rf "$ng"
	mkdir -p "$ng/html" "$ng/tmp"
	chmod -R 755 "$ng"
	run_ok $PY check-passbook "$url" "$WORK/$1.tokens" "$d/expected.tsv" "$ng/html" "$CHECK_MAX"
	put "$1.ad.bytes" "$(field page_bytes "$(cat "$WORK/last.log")")"
	put "$1.ad.bytes_identity" "$(field page_bytes_identity "$(cat "$WORK/last.log")")"
	ad_passes "$1.ad" "$url" "$SERVER_PID"
	# instructions per stored page, where perf has the counter (not on
	# every VM: then "–")
	if command -v perf >/dev/null; then
		perf stat -e instructions -x, -p "$SERVER_PID" -o "$WORK/perf-stat.txt" \
			wrk -t1 -c8 -d3s -s "$ROOT/bench/wrk/announce_day.lua" "$url" \
			-- "$WORK/$1.etags" /p/ "积分余额" cold >"$WORK/wrk-perfstat.txt" 2>&1 || true
		ins=$(awk -F, '/instructions/ { print $1 }' "$WORK/perf-stat.txt" | grep -E '^[0-9]+$' || true)
		reqs=$(field requests "$(grep '^RESULT ' "$WORK/wrk-perfstat.txt" || true)")
		if [ -n "$ins" ] && [ -n "$reqs" ] && [ "$reqs" -gt 0 ]; then
			put "$1.ad.instructions" "$((ins / reqs))"
		fi
	fi
	stop_pid "$SERVER_PID"
	nginx_static "$1" "$ng"
	ref_same "$NGINX_PORT" "$ng/html" "$(head -n 1 "$WORK/$1.tokens" | cut -f 1)"
	WRK_SCRIPT=$ROOT/bench/wrk/announce_day.lua WRK_MODE=cold \
		wrk_run "$1.ad.nginx" "http://127.0.0.1:$NGINX_PORT" /p/ "积分余额" \
		"$WORK/$1.etags" "$NGINX_PID"
	kill -QUIT "$NGINX_PID" 2>/dev/null || true
	stop_pid "$NGINX_PID"

	say "$1: announcement day on PostgreSQL, two jifen serve behind nginx"
	pg_key_in_work
	PGDIR=$WORK/pg-ad
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || rm -rf "$PGDIR"
	pgurl=$("$ROOT/scripts/pg-test-cluster.sh" start "$PGDIR" "$($PY port)") ||
		fail "PostgreSQL cluster"
	pgdb=${pgurl%/*}/bench_ad
	run_ok psql -X "$pgurl" -qc "CREATE DATABASE bench_ad"
	t0=$(ns)
	run_ok "$J" migrate-db --from "$db" --to "$pgdb"
	put "$1.ad_pg_migrate_s" "$(secs "$t0" "$(ns)")"
	run_ok psql -X "$pgdb" -qc "VACUUM ANALYZE"
	# every phone of the county is 127.0.0.1 here, and the load balancer
	# opens up to 64 kept-alive connections a worker to each instance: the
	# hostile-client cap of 64 connections an address (issue 11) reset
	# nginx's connections past it, which then marked both instances down
	# and answered 502 (a smoke run: 11,752 of 34,927)
	run_ok "$J" --db "$pgdb" config set connections_per_address 1000
	p1=$($PY port)
	start_jifen "$pgdb" "$p1"
	s1=$SERVER_PID
	p2=$($PY port)
	start_jifen "$pgdb" "$p2"
	s2=$SERVER_PID
	lb=$WORK/nginx-lb
	rm -rf "$lb"
	mkdir -p "$lb/tmp"
	lport=$($PY port)
	sed -e "s|@PREFIX@|$lb|g" -e "s|@PORT@|$lport|g" -e "s|@UP1@|$p1|g" -e "s|@UP2@|$p2|g" \
		"$ROOT/bench/nginx-lb.conf.in" >"$lb/nginx.conf"
	cs=$($PY coldstart nginx -c "$lb/nginx.conf" -p "$lb" -- "http://127.0.0.1:$lport/login") ||
		fail "nginx load balancer did not start"
	lbpid=$(field pid "$cs")
	PIDS="$PIDS $lbpid"
	run_ok $PY check-passbook "http://127.0.0.1:$lport" "$WORK/$1.tokens" "$d/expected.tsv" \
		"$lb/tmp" 200
	ad_passes "$1.ad_pg" "http://127.0.0.1:$lport" "$s1 $s2"
	kill -QUIT "$lbpid" 2>/dev/null || true
	stop_pid "$lbpid"
	stop_pid "$s1"
	stop_pid "$s2"
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	PGDIR=""
	unset JIFEN_KEY
}

# ---- workload 2: posting ---------------------------------------------------------------------------

# pg_key_in_work: the signing key of the postgresql:// databases that follow
# in the work folder, fresh (its default is DBNAME.key in the current
# folder, the repository)
pg_key_in_work() {
	rm -f "$WORK/bench-pg.key" "$WORK/bench-pg.key.log"
	export JIFEN_KEY="$WORK/bench-pg.key"
}

# copy_db FROM TO: a SQLite database with its WAL
copy_db() {
	rm -f "$2" "$2-wal" "$2-shm" "$2.key" "$2.key.log"
	cp "$1" "$2"
	[ ! -f "$1-wal" ] || cp "$1-wal" "$2-wal"
}

# load_sheet DB: households, standard and the one big sheet (not approved)
load_sheet() {
	d=$WORK/data/$SHEET
	. "$d/meta.sh"
	run_ok "$J" --db "$1" init
	run_ok "$J" --db "$1" village add big 大村
	run_ok "$J" --db "$1" import households --village big "$d/households/big.csv"
	run_ok "$J" --db "$1" import standard --village big "$d/standard.csv" --adopted "$ADOPTED" \
		--effective "$EFFECTIVE"
	t0=$(ns)
	run_ok "$J" --db "$1" import entries --village big --month "$LAST_MONTH" \
		"$d/entries/big/$LAST_MONTH.csv"
	LOAD_S=$(secs "$t0" "$(ns)")
}

# approve_timed DB: seconds of one `jifen sheet approve` of the big sheet
approve_timed() {
	t0=$(ns)
	run_ok "$J" --db "$1" sheet approve --village big --month "$LAST_MONTH" \
		--meeting-date "$LAST_MONTH-28" --attendees "村两委委员" --resolution "审定通过"
	secs "$t0" "$(ns)"
}

# check_sheet DB NAME: verify passes and balances equal the generator's
check_sheet() {
	d=$WORK/data/$SHEET
	run_ok "$J" --db "$1" verify
	rm -rf "$WORK/post.$2"
	mkdir -p "$WORK/post.$2"
	"$J" --db "$1" balances --village big >"$WORK/post.$2/big.csv" || fail "balances"
	run_ok $PY compare-balances "$d/expected.tsv" "$WORK/post.$2" csv "$WORK/post.ledger-all.txt" \
		"$WORK/post.ledger-year.txt"
}

posting() {
	gen_set "$SHEET"
	d=$WORK/data/$SHEET
	. "$d/meta.sh"
	put post.entries "$ENTRIES"
	ledger -f "$d/journal.dat" --flat --no-total balance '^Households' >"$WORK/post.ledger-all.txt"
	ledger -f "$d/journal.dat" -p "$YEAR" --flat --no-total balance '^Households' \
		>"$WORK/post.ledger-year.txt"

	say "posting on SQLite: loading the sheet"
	base=$WORK/post-base.db
	rm -f "$base" "$base-wal" "$base-shm" "$base.key" "$base.key.log"
	load_sheet "$base"
	put post.import_s "$LOAD_S"
	: >"$WORK/post.sqlite.times"
	r=0
	while [ $r -lt "$REPS" ]; do
		copy_db "$base" "$WORK/post.db"
		approve_timed "$WORK/post.db" >>"$WORK/post.sqlite.times"
		r=$((r + 1))
	done
	say "  jifen sheet approve: $(tr '\n' ' ' <"$WORK/post.sqlite.times")s"
	check_sheet "$WORK/post.db" sqlite
	"$BUILD/raw_insert" "$WORK/post.db" big "$WORK/raw.db" "$REPS" >"$WORK/raw.txt" ||
		fail "raw_insert"
	sed -n 's/.*seconds=//p' "$WORK/raw.txt" >"$WORK/post.sqlite.ref"
	say "  raw_insert: $(tr '\n' ' ' <"$WORK/post.sqlite.ref")s"
	put post.sqlite.jifen_s "$(median <"$WORK/post.sqlite.times")"
	put post.sqlite.ref_s "$(median <"$WORK/post.sqlite.ref")"

	say "posting on PostgreSQL: throwaway cluster"
	pg_key_in_work
	PGDIR=$WORK/pg
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || rm -rf "$PGDIR"
	pgurl=$("$ROOT/scripts/pg-test-cluster.sh" start "$PGDIR" "$($PY port)") ||
		fail "PostgreSQL cluster"
	pgbase=${pgurl%/*}
	run_ok psql -X "$pgurl" -qc "CREATE DATABASE bench_base"
	load_sheet "$pgbase/bench_base"
	put post.pg_import_s "$LOAD_S"
	# the template vacuumed and analysed before it is copied, not whenever
	# autovacuum gets to it: an unvacuumed entry table made an approval
	# 0.1-0.2 s slower
	run_ok psql -X "$pgbase/bench_base" -qc "VACUUM ANALYZE"
	: >"$WORK/post.pg.times"
	r=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		run_ok psql -X "$pgurl" -qc "DROP DATABASE IF EXISTS bench_r$r"
		run_ok psql -X "$pgurl" -qc "CREATE DATABASE bench_r$r TEMPLATE bench_base"
		approve_timed "$pgbase/bench_r$r" >>"$WORK/post.pg.times"
	done
	say "  jifen sheet approve: $(tr '\n' ' ' <"$WORK/post.pg.times")s"
	pdb=$pgbase/bench_r$r
	check_sheet "$pdb" pg
	rows=$WORK/post.rows.csv
	run_ok psql -X "$pdb" -qc "\\copy (SELECT * FROM ledger_entry ORDER BY id) TO '$rows' WITH (FORMAT csv)"
	want=$(psql -X "$pdb" -tAc "SELECT count(*) || ' ' || (SELECT hash FROM ledger_entry ORDER BY id DESC LIMIT 1) FROM ledger_entry")
	: >"$WORK/post.pg.ref"
	r=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		run_ok psql -X "$pdb" -qc "CREATE TABLE copy_ref$r (LIKE ledger_entry INCLUDING ALL)"
		t0=$(ns)
		run_ok psql -X "$pdb" -qc "\\copy copy_ref$r FROM '$rows' WITH (FORMAT csv)"
		secs "$t0" "$(ns)" >>"$WORK/post.pg.ref"
		got=$(psql -X "$pdb" -tAc "SELECT count(*) || ' ' || (SELECT hash FROM copy_ref$r ORDER BY id DESC LIMIT 1) FROM copy_ref$r")
		[ "$got" = "$want" ] || fail "COPY reference holds '$got', want '$want'"
	done
	say "  COPY: $(tr '\n' ' ' <"$WORK/post.pg.ref")s"
	# context, not the reference: the same COPY into a table that also has
	# the ledger's two foreign keys (household, village), which PostgreSQL
	# checks row by row
	run_ok psql -X "$pdb" -qc "CREATE TABLE copy_fk (LIKE ledger_entry INCLUDING ALL)"
	run_ok psql -X "$pdb" -qc "ALTER TABLE copy_fk ADD FOREIGN KEY (household_id) REFERENCES household(id), ADD FOREIGN KEY (village_id) REFERENCES village(id)"
	t0=$(ns)
	run_ok psql -X "$pdb" -qc "\\copy copy_fk FROM '$rows' WITH (FORMAT csv)"
	put post.pg.ref_fk_s "$(secs "$t0" "$(ns)")"
	put post.pg.jifen_s "$(median <"$WORK/post.pg.times")"
	put post.pg.ref_s "$(median <"$WORK/post.pg.ref")"
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	PGDIR=""
	unset JIFEN_KEY
}

# ---- workload 6: redemptions ---------------------------------------------------------------------

# shop_db DB: a village "shop" of REDEEM_HH households with points, a
# shopkeeper account and a catalog, through the CLI
shop_db() {
	run_ok "$J" --db "$1" init
	run_ok "$J" --db "$1" village add shop 积分超市村
	printf '%s\n' "$PASS" | "$J" --db "$1" user add shop-keeper --role shopkeeper --village shop \
		--password-stdin >"$WORK/last.log" 2>&1 || fail "user add shop-keeper"
	run_ok "$J" --db "$1" import households --village shop "$WORK/shop/households.csv"
	run_ok "$J" --db "$1" import standard --village shop "$ROOT/static/template-standard.csv" \
		--adopted 2024-01-01 --effective 2024-01-01
	run_ok "$J" --db "$1" import entries --village shop --month 2024-06 "$WORK/shop/entries.csv"
	run_ok "$J" --db "$1" sheet approve --village shop --month 2024-06 --meeting-date 2024-06-28 \
		--attendees 村两委 --resolution 同意
	run_ok "$J" --db "$1" import catalog --village shop "$WORK/shop/catalog.csv"
}

# redeem_run NAME DB: one counter, then 64 clients, against `jifen serve`;
# checks every answer, then verify and the redemption count
redeem_run() {
	port=$($PY port)
	start_jifen "$2" "$port"
	url=http://127.0.0.1:$port
	run_ok $PY redeem-serial "$url" shop-keeper "$PASS" shop "$WORK/shop/households.txt" \
		"${WRK_D%s}"
	line=$(cat "$WORK/last.log")
	put "redeem.$1.serial_rps" "$(field rps "$line")"
	put "redeem.$1.serial_p50_ms" "$(field p50_ms "$line")"
	put "redeem.$1.serial_p99_ms" "$(field p99_ms "$line")"
	serial=$(field requests "$line")
	run_ok $PY shop-session "$url" shop-keeper "$PASS"
	sess=$(cat "$WORK/last.log")
	out=$(wrk -t2 -c64 -d"$WRK_D" --latency -s "$ROOT/bench/wrk/redeem.lua" "$url" \
		-- "$WORK/shop/households.txt" shop ITEM1 "$(field cookie "$sess")" \
		"$(field csrf "$sess")") || fail "wrk redeem"
	printf '%s\n' "$out" >"$WORK/wrk-redeem-$1.txt"
	line=$(printf '%s\n' "$out" | grep '^RESULT ') || fail "wrk redeem printed no RESULT line"
	for k in non200 badbody sockerr; do
		[ "$(field $k "$line")" = 0 ] || fail "wrk redeem $1: $k=$(field $k "$line")"
	done
	put "redeem.$1.rps" "$(field rps "$line")"
	put "redeem.$1.p50_ms" "$(field p50_ms "$line")"
	put "redeem.$1.p99_ms" "$(field p99_ms "$line")"
	ok=$(field checked "$line")
	stop_pid "$SERVER_PID"
	run_ok "$J" --db "$2" verify
	got=$("$J" --db "$2" funds --village shop --format json | sed -n 's/.*"stock_value":\([0-9.]*\).*/\1/p')
	# every answered redemption took one unit (2.50 each) off the stock;
	# requests still in flight when wrk stopped may have taken more
	awk -v s="$got" -v a="$((serial + ok))" 'BEGIN { left = (250000000 - s) / 2.5;
		exit !(left >= a && left <= a + 64) }' ||
		fail "redeem $1: stock value $got after $serial + $ok answered redemptions"
}

redemptions() {
	REDEEM_HH=$([ "$MODE" = smoke ] && echo 50 || echo 2000)
	put redeem.households "$REDEEM_HH"
	run_ok $PY shop-files "$WORK/shop" "$REDEEM_HH"
	say "redemptions on SQLite"
	db=$WORK/shop.db
	rm -f "$db" "$db-wal" "$db-shm" "$db.key" "$db.key.log"
	shop_db "$db"
	redeem_run sqlite "$db"
	say "redemptions on PostgreSQL: throwaway cluster"
	pg_key_in_work
	PGDIR=$WORK/pg-shop
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || rm -rf "$PGDIR"
	pgurl=$("$ROOT/scripts/pg-test-cluster.sh" start "$PGDIR" "$($PY port)") ||
		fail "PostgreSQL cluster"
	run_ok psql -X "$pgurl" -qc "CREATE DATABASE bench_shop"
	shop_db "${pgurl%/*}/bench_shop"
	redeem_run pg "${pgurl%/*}/bench_shop"
	"$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	PGDIR=""
	unset JIFEN_KEY
}

# ---- workload 8 (issue 14): the town's view ------------------------------------------------------

# oversight_set NAME DB: bench/oversight.sh on a copy of DB, its key=value
# lines put as NAME.ov.KEY (BENCHMARKS.md's section 8 is written from them)
oversight_set() {
	out=$WORK/oversight-$1.txt
	JIFEN_BENCH_DIR=$WORK/oversight-$1 REPS=$REPS sh "$ROOT/bench/oversight.sh" "$2" \
		>"$out" 2>"$WORK/oversight-$1.log" || {
		tail -n 20 "$WORK/oversight-$1.log" >&2
		fail "bench/oversight.sh $1"
	}
	while IFS='=' read -r k v; do
		put "$1.ov.$k" "$v"
	done <"$out"
	[ "$(sed -n 's/^report_csv.rows=//p' "$out")" = "$(sed -n 's/^villages=//p' "$out")" ] ||
		fail "oversight $1: jifen report has not one row per village"
	[ "$(field villages "$(sed -n 's/^dashboard=//p' "$out")")" = \
		"$(sed -n 's/^villages=//p' "$out")" ] ||
		fail "oversight $1: the dashboard does not list every village"
}

# ---- profile ------------------------------------------------------------------------------------

# profile_set NAME DB: callgrind of `jifen serve` answering PROFILE_REQS
# passbook pages of random cards; the top functions by own cost.
profile_set() {
	command -v valgrind >/dev/null || {
		say "valgrind missing: no profile"
		return 0
	}
	say "$1: profiling the passbook page under callgrind ($PROFILE_REQS requests)"
	port=$($PY port)
	cg=$WORK/callgrind.out
	rm -f "$cg"
	# collection starts after the first answer: start-up (the dynamic
	# linker, the schema check) is workload 5's business, not this one's
	tok1=$(head -n 1 "$WORK/$1.tokens" | cut -f 1)
	valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$cg" "$J" --db "$2" \
		serve --listen "127.0.0.1:$port" --threads 1 >"$WORK/callgrind.log" 2>&1 &
	vg=$!
	PIDS="$PIDS $vg"
	i=0
	until curl -fso /dev/null "http://127.0.0.1:$port/p/$tok1"; do
		i=$((i + 1))
		[ $i -lt 1200 ] || fail "jifen under valgrind did not answer"
		sleep 0.1
	done
	run_ok callgrind_control -i on "$vg"
	head -n "$PROFILE_REQS" "$WORK/$1.tokens" | cut -f 1 | while read -r tok; do
		curl -fso /dev/null "http://127.0.0.1:$port/p/$tok" || exit 1
	done || fail "profile requests"
	stop_pid "$vg"

	# the same under perf's cpu-clock sampling, while wrk loads the server as
	# in workload 1: real time, the kernel's share (syscalls) included
	pd=$WORK/perf.data
	rm -f "$pd"
	if command -v perf >/dev/null; then
		"$J" --db "$2" serve --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
		sp=$!
		PIDS="$PIDS $sp"
		until curl -fso /dev/null "http://127.0.0.1:$port/login"; do sleep 0.05; done
		perf record -e cpu-clock -F 1999 -g -p "$sp" -o "$pd" >"$WORK/perf.log" 2>&1 &
		pp=$!
		wrk -t2 -c64 -d"$WRK_D" -s "$ROOT/bench/wrk/passbook.lua" "http://127.0.0.1:$port" \
			-- "$WORK/$1.tokens" /p/ "积分余额" >/dev/null || fail "wrk under perf"
		kill -INT "$pp" 2>/dev/null || true
		wait "$pp" 2>/dev/null || true
		stop_pid "$sp"
	fi
	pf=$WORK/profile.md
	{
		echo "callgrind (\`valgrind --tool=callgrind\`; \`perf stat -e instructions\` is not"
		echo "supported on this VM) of \`jifen serve --threads 1\` on the $1 data answering"
		echo "$PROFILE_REQS passbook pages \`/p/TOKEN\` of random cards (collected from the"
		echo "first request on: start-up excluded)."
		echo "Top functions by their own instructions (Ir), then by inclusive cost:"
		echo
		echo '```'
		callgrind_annotate "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ ' | head -n 25
		echo '```'
		echo
		echo '```'
		callgrind_annotate --inclusive=yes "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ ' |
			grep -v '???:0x' | head -n 25
		echo '```'
		echo
		echo "callgrind counts every byte a \`rep stosb\` memset clears as one instruction,"
		echo "so memset (libmicrohttpd zeroing its 32 KB connection pool per request, the"
		echo "arena) weighs far more here than in time.  Time is what perf's cpu-clock"
		echo "sampling shows: \`perf record -e cpu-clock -g\` of \`jifen serve\` (2 threads)"
		echo "during $WRK_D of wrk on the same pages, by library, then by function:"
		echo
		echo '```'
		if [ -s "$pd" ]; then
			perf report -i "$pd" --stdio --no-children --sort dso 2>/dev/null |
				grep -E '^ +[0-9]' | head -n 8
			echo
			perf report -i "$pd" --stdio --no-children --sort dso,symbol -g none 2>/dev/null |
				grep -E '^ +[0-9]' | sed 's/ *- *- *$//' | head -n 30
		else
			echo "(perf not available)"
		fi
		echo '```'
	} >"$pf"
	put profile_file "$pf"
}

# ---- run ----------------------------------------------------------------------------------------

for s in $SETS; do
	keep=$WORK/$s.loaded
	if [ "$MODE" = passbook ] && [ "${JIFEN_BENCH_REUSE:-0}" = 1 ] && [ -f "$keep/db" ] &&
		[ -d "$WORK/data/$s" ]; then
		# the load of an earlier passbook run (the same generator's data),
		# not timed here: its pages rendered again by this build where
		# the renderer changed since (render id), so that they are served
		say "== $s: the load of an earlier run again ($keep)"
		for f in db db-wal db.key; do
			rm -f "$WORK/$s.$f"
			[ ! -f "$keep/$f" ] || cp "$keep/$f" "$WORK/$s.$f"
		done
		rm -f "$WORK/$s.db-shm"
		cat "$keep/results" >>"$RESULTS" # the data and that load's times
		run_ok "$J" --db "$WORK/$s.db" passbook-render
		continue
	fi
	say "== $s: generating and loading through the CLI"
	gen_set "$s"
	load_set "$s" "$WORK/$s.db"
	if [ "$MODE" = passbook ]; then
		# kept for JIFEN_BENCH_REUSE=1: a re-run on a quieter moment
		rm -rf "$keep"
		mkdir -p "$keep"
		for f in db db-wal db.key; do
			[ ! -f "$WORK/$s.$f" ] || cp "$WORK/$s.$f" "$keep/$f"
		done
		grep "^$s\." "$RESULTS" >"$keep/results"
	fi
done
if [ "$MODE" = passbook ]; then
	for s in $SETS; do
		say "== $s: workload 1 (passbook), then 8 (announcement day)"
		passbook_set "$s" "$WORK/$s.db"
		announceday_set "$s" "$WORK/$s.db"
	done
	put loadavg_end "$(cut -d ' ' -f 1-3 /proc/loadavg)"
	put total_s "$(($(date +%s) - T_START))"
	cp "$RESULTS" "$WORK/results-$MODE.txt"
	$PY report "$RESULTS" "$OUT" || fail "report"
	say "done in $(($(date +%s) - T_START)) s: $OUT"
	exit 0
fi
for s in $SETS; do
	say "== $s: workloads 1, 4, 5 (passbook, memory, cold start)"
	passbook_set "$s" "$WORK/$s.db"
	say "== $s: workload 3 (balances vs ledger-cli)"
	balances_set "$s" "$WORK/$s.db"
	say "== $s: workload 7 (announcements, receipts, proofs)"
	announce_set "$s" "$WORK/$s.db"
	say "== $s: workload 8 (announcement day)"
	announceday_set "$s" "$WORK/$s.db"
	case $s in
	town) ;; # the town's view is measured on the county (300 villages)
	*)
		say "== $s: workload 8 (the town's view: jifen report, the dashboard)"
		oversight_set "$s" "$WORK/$s.db"
		;;
	esac
done
say "== workload 2 (posting)"
posting
say "== workload 6 (redemptions)"
redemptions
last=$(echo "$SETS" | awk '{ print $NF }')
profile_set "$last" "$WORK/$last.db"
[ ! -f "$ROOT/bench/NOTES.md" ] || put notes_file "$ROOT/bench/NOTES.md"

put loadavg_end "$(cut -d ' ' -f 1-3 /proc/loadavg)"
put total_s "$(($(date +%s) - T_START))"
put results_copy "$WORK/results-$MODE.txt"
cp "$RESULTS" "$WORK/results-$MODE.txt"
$PY report "$RESULTS" "$OUT" || fail "report"
say "done in $(($(date +%s) - T_START)) s: $OUT"
