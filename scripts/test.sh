#!/bin/sh
# Sets up, builds and runs the whole test suite: unit tests and HTTP/CLI
# tests against the real binary, on SQLite and on a throwaway PostgreSQL
# cluster (started here on a loopback port, stopped at the end, also when
# tests fail).  Usage: scripts/test.sh  (as root on Debian 12)
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

PGDIR=$(mktemp -d /tmp/jifen-pg-XXXXXX)
rmdir "$PGDIR"
PGPORT=${JIFEN_TEST_PGPORT:-55432}
trap 'scripts/pg-test-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true' EXIT INT TERM
JIFEN_TEST_PG=$(scripts/pg-test-cluster.sh start "$PGDIR" "$PGPORT")
export JIFEN_TEST_PG
# reconfigure so that ctest registers the PostgreSQL variants too
cmake -S . -B build >/dev/null
cd build
ctest --output-on-failure -j2 --timeout 900
