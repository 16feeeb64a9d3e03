#!/bin/sh
# Sets up, builds and runs the whole test suite: unit tests and HTTP/CLI
# tests against the real binary, on SQLite and on a throwaway PostgreSQL
# cluster (started here on a loopback port, stopped at the end, also when
# tests fail).  Usage: scripts/test.sh  (as root on Debian 12)
#
# Then the gates of issue 6, each a stage that runs even when an earlier one
# failed (the exit status is 1 when any failed):
#   asan   the same suite again, built with AddressSanitizer + UBSan and leak
#          checking into build-asan/; any sanitizer report fails (the HTTP
#          tests check the server's exit status and stderr at stop).  The
#          unit tests run on both backends there (db_pg.c included); the
#          HTTP tests on SQLite only — the C they exercise is the same, and
#          running them twice under ASan would double CI's longest stage
#   fuzz   scripts/fuzz.sh 20: every fuzz target's seeds and kept crash
#          inputs, then 20 s of fuzzing each (JIFEN_FUZZ_SECONDS overrides)
#   lint   scripts/lint.sh: cppcheck and clang-tidy over src/
# Each stage prints its time; JIFEN_TEST_STAGES="tests asan" runs only some.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# playwright-core for tests/e2e, exactly as locked, once (it drives the Debian
# chromium: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD, and the tests pass executablePath)
# (again when one of the packages package.json names is missing)
if [ ! -f tests/e2e/node_modules/playwright-core/package.json ] ||
	[ ! -f tests/e2e/node_modules/axe-core/package.json ]; then
	(cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
STAGES=${JIFEN_TEST_STAGES:-tests asan fuzz lint}

PGDIR=$(mktemp -d /tmp/jifen-pg-XXXXXX)
rmdir "$PGDIR"
PGPORT=${JIFEN_TEST_PGPORT:-55432}
trap 'scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true' EXIT INT TERM
JIFEN_TEST_PG=$(scripts/pg-test-cluster.sh start "$PGDIR" "$PGPORT")
export JIFEN_TEST_PG

# The suite: configured after JIFEN_TEST_PG is set, so that ctest registers
# the PostgreSQL variants too.
stage_tests() {
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
		cmake --build build -j"$(nproc)" &&
		(cd build && ctest --output-on-failure -j2 --timeout 900)
}

# The suite under ASan + UBSan (gcc), leaks included.  abort_on_error makes
# every report a non-zero exit; jifentest.py fails a test whose server or
# CLI run printed a report.
stage_asan() {
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DJIFEN_SANITIZE=ON >/dev/null &&
		cmake --build build-asan -j"$(nproc)" &&
		(cd build-asan &&
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			ctest --output-on-failure -j2 --timeout 900 -E '^http_.*_pg$')
}

stage_fuzz() {
	scripts/fuzz.sh "${JIFEN_FUZZ_SECONDS:-20}"
}

stage_lint() {
	scripts/lint.sh
}

failed=""
summary=""
for s in $STAGES; do
	t0=$(date +%s)
	echo "==== $s"
	if "stage_$s"; then
		verdict=ok
	else
		verdict=FAILED
		failed="$failed $s"
	fi
	line="==== $s: $verdict in $(($(date +%s) - t0)) s"
	echo "$line"
	summary="$summary$line
"
done
printf '%s' "$summary"
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
