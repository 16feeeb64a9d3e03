#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) into
# build-fuzz/, replays every seed (tests/fuzz/corpus/<target>/) and every kept
# crash input (tests/fuzz/crashes/<target>/) through its target, then fuzzes
# each target for SECONDS (default 30), NPROC targets at a time.
#
#   scripts/fuzz.sh            # CI: 30 s per target
#   scripts/fuzz.sh 3600       # the long run, on demand
#   FUZZ_TARGETS="csv multipart" scripts/fuzz.sh 600   # some targets only
#
# Fuzzing starts from a copy of the seed corpus in a temporary folder, so the
# repository is not written to — except that an input that crashes a target
# (crash, leak, timeout, out of memory) is copied to tests/fuzz/crashes/<target>/
# to be fixed and committed as a regression test.  Exit status 1 when any
# target crashed, on a seed or a kept input or while fuzzing; 0 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${1:-30}
JOBS=${FUZZ_JOBS:-$(nproc)}
BUILD=$ROOT/build-fuzz

cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DJIFEN_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target fuzz_targets >/dev/null

if [ -n "${FUZZ_TARGETS:-}" ]; then
	targets=$FUZZ_TARGETS
else
	# every target CMake built (fuzz_sniff only where sheet.c provides it)
	targets=$(cd "$BUILD" && for f in fuzz_*; do [ -f "$f" ] && [ -x "$f" ] && echo "${f#fuzz_}"; done)
fi

WORK=$(mktemp -d /tmp/jifen-fuzz-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# run_target NAME: replay, then fuzz; writes $WORK/NAME.result ("ok N" with
# the number of executions, or "FAIL reason").  Logs in $WORK/NAME.*.log.
run_target() {
	local t=$1 bin=$BUILD/fuzz_$1 corpus=$WORK/$1.corpus art=$WORK/$1.artifacts
	local -a opts=()
	mkdir -p "$corpus" "$art"
	if [ ! -x "$bin" ]; then
		echo "FAIL no binary $bin" >"$WORK/$t.result"
		return
	fi
	[ -f "tests/fuzz/$t.dict" ] && opts+=("-dict=$ROOT/tests/fuzz/$t.dict")

	# 1. regression: every seed and every kept crash input, once each
	local -a inputs=()
	local f
	for f in tests/fuzz/corpus/"$t"/* tests/fuzz/crashes/"$t"/*; do
		[ -f "$f" ] && inputs+=("$f")
	done
	if [ ${#inputs[@]} -gt 0 ] &&
		! "$bin" "${opts[@]}" "${inputs[@]}" >"$WORK/$t.replay.log" 2>&1; then
		echo "FAIL a seed or kept crash input fails (see below)" >"$WORK/$t.result"
		return
	fi

	# 2. fuzzing from a copy of the seeds
	[ -d "tests/fuzz/corpus/$t" ] && cp -r "tests/fuzz/corpus/$t/." "$corpus/"
	if "$bin" "${opts[@]}" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" "$corpus" \
		>"$WORK/$t.fuzz.log" 2>&1; then
		local n
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t.fuzz.log" | tail -1)
		echo "ok ${n:-?}" >"$WORK/$t.result"
	else
		mkdir -p "tests/fuzz/crashes/$t"
		cp "$art"/* "tests/fuzz/crashes/$t/" 2>/dev/null || true
		echo "FAIL crashed while fuzzing; input kept in tests/fuzz/crashes/$t/" \
			>"$WORK/$t.result"
	fi
}

# NPROC targets at a time
running=0
for t in $targets; do
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

status=0
for t in $targets; do
	read -r verdict rest <"$WORK/$t.result" || verdict=FAIL
	if [ "$verdict" = ok ]; then
		printf 'fuzz_%-12s ok: %s executions in %ss\n' "$t" "$rest" "$SECONDS_EACH"
	else
		status=1
		printf 'fuzz_%-12s FAILED: %s\n' "$t" "$rest"
		for log in "$WORK/$t.replay.log" "$WORK/$t.fuzz.log"; do
			[ -f "$log" ] && grep -q -E 'ERROR|runtime error|check failed|Test unit written' "$log" &&
				sed -n '/==[0-9]*==ERROR\|runtime error\|check failed\|deadly signal/,$p' "$log" | head -60
		done
	fi
done
exit $status
