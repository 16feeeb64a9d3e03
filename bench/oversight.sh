#!/bin/sh
# bench/oversight.sh COUNTY_DB — workload 8 (issue 14): the town's view of
# the county (300 villages, 150,000 households, 3.2 M ledger entries):
# `jifen report` (csv, json, xlsx) and the town dashboard (/town and
# /api/v1/town/dashboard), time and peak RSS, beside `jifen balances` of
# every village over the same data.
#
# COUNTY_DB: a county database loaded by bench/run.sh (county|all), e.g.
# /tmp/jifen-bench/county.db; it is copied first (the binary migrates the
# copy, never the original).
# (The county's generation and loading through the CLI, ~15 minutes on 2
# idle cores, is run.sh's; this script only reads it.)
# Prints key=value lines; bench/run.sh runs it on the county (and the smoke
# set) and writes BENCHMARKS.md's section 8 from them (bench.py report).  Work files go to $JIFEN_BENCH_DIR (default /tmp/jifen-bench-oversight).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${JIFEN_BENCH_DIR:-/tmp/jifen-bench-oversight}
BUILD=$ROOT/build-bench
J=$BUILD/jifen
PASS='Bench-pass-1'
REPS=${REPS:-5}
mkdir -p "$WORK"
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
put() { printf '%s=%s\n' "$1" "$2"; }
ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

say "building jifen into $BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target jifen >/dev/null
DB=$WORK/county.db
if [ $# -ge 1 ]; then
	say "copying $1 to $DB"
	rm -f "$DB" "$DB-wal" "$DB-shm"
	sqlite3 "$1" ".backup '$DB'"
	cp "$1.key" "$DB.key" 2>/dev/null || true
else
	echo "usage: bench/oversight.sh COUNTY_DB (load one with bench/run.sh county:" \
		"\$JIFEN_BENCH_DIR/county.db)" >&2
	exit 2
fi
"$J" --db "$DB" town >/dev/null # migrate the copy once, outside the timings
echo "$PASS" | "$J" --db "$DB" user add townbench --role town_admin --password-stdin >/dev/null 2>&1 || true
cat "$DB" >/dev/null
put villages "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM village')"
put households "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM household')"
put entries "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM ledger_entry')"
YEAR=$(sqlite3 "$DB" 'SELECT substr(MAX(month), 1, 4) FROM approval')
put year "$YEAR"

# one timed command, REPS times: the medians of its wall time (s), its CPU
# time (user + system, s: less disturbed than wall time by the other work
# on the machine) and its peak RSS (kB)
timed() {
	name=$1
	shift
	: >"$WORK/t.$name"
	: >"$WORK/c.$name"
	: >"$WORK/m.$name"
	i=0
	while [ $i -lt "$REPS" ]; do
		t0=$(ns)
		/usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" >"$WORK/out.$name"
		secs "$t0" "$(ns)" >>"$WORK/t.$name"
		awk '{ print $1 }' "$WORK/rss" >>"$WORK/m.$name"
		awk '{ printf "%.2f\n", $2 + $3 }' "$WORK/rss" >>"$WORK/c.$name"
		i=$((i + 1))
	done
	put "$name.s" "$(median <"$WORK/t.$name")"
	put "$name.cpu_s" "$(median <"$WORK/c.$name")"
	put "$name.rss_kb" "$(median <"$WORK/m.$name")"
}

say "jifen report (csv, json, xlsx)"
timed report_csv "$J" --db "$DB" report --year "$YEAR"
put report_csv.rows "$(($(wc -l <"$WORK/out.report_csv") - 1))"
timed report_json "$J" --db "$DB" report --year "$YEAR" --format json
timed report_xlsx "$J" --db "$DB" report --year "$YEAR" --format xlsx --out "$WORK/report.xlsx"
put report_xlsx.bytes "$(wc -c <"$WORK/report.xlsx")"

say "jifen balances of the largest village, and of every village (one process each)"
big=$(sqlite3 "$DB" "SELECT v.code FROM household h JOIN village v ON v.id = h.village_id
	WHERE h.participating = 1 GROUP BY v.code ORDER BY COUNT(*) DESC, v.code LIMIT 1")
timed balances_big "$J" --db "$DB" balances --village "$big"
sqlite3 "$DB" "SELECT code FROM village ORDER BY code" >"$WORK/villages"
# one shell running the 300 processes: time's CPU figures are its
# children's sums, its peak RSS the largest child's
t0=$(ns)
/usr/bin/time -f '%M %U %S' -o "$WORK/rss" sh -c '
	while read -r code; do
		"$1" --db "$2" balances --village "$code" >/dev/null || exit 1
	done <"$3"' sh "$J" "$DB" "$WORK/villages"
put balances_all.s "$(secs "$t0" "$(ns)")"
put balances_all.cpu_s "$(awk '{ printf "%.2f", $2 + $3 }' "$WORK/rss")"
put balances_all.rss_max_kb "$(awk '{ print $1 }' "$WORK/rss")"

say "the dashboard over HTTP ($REPS requests each)"
port=$(python3 "$ROOT/bench/bench.py" port)
"$J" --db "$DB" serve --listen "127.0.0.1:$port" >"$WORK/serve.log" 2>&1 &
sp=$!
trap 'kill "$sp" 2>/dev/null || true' EXIT # a failed step leaves no server behind
i=0
until curl -fso /dev/null "http://127.0.0.1:$port/login"; do
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "jifen serve did not answer" >&2; exit 1; }
	sleep 0.05
done
c0=$(awk '{ print $14 + $15 }' "/proc/$sp/stat")
put dashboard "$(python3 "$ROOT/bench/bench.py" dashboard "http://127.0.0.1:$port" townbench "$PASS" "$REPS" "$sp")"
put serve.cpu_ticks "$(($(awk '{ print $14 + $15 }' "/proc/$sp/stat") - c0)) (of $(getconf CLK_TCK)/s, for 2 × REPS requests)"
put serve.rss_peak_kb "$(awk '/^VmHWM:/ { print $2 }' "/proc/$sp/status")"
kill -TERM "$sp"
wait "$sp" 2>/dev/null || true
put loadavg "$(cut -d ' ' -f 1-3 /proc/loadavg)"
