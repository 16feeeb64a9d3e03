#!/bin/sh
# Installs the Debian 12 packages the benchmark suite (bench/run.sh) needs on
# top of scripts/install-deps.sh: the references it measures jifen against
# (nginx, ledger-cli) and the profilers.  Kept apart from install-deps.sh so
# that CI, which does not run the benchmarks, stays light.
# Idempotent: installs only what is missing (scripts/install-deps.sh does
# the work).  Run as root.
set -eu
cd "$(dirname "$0")/.."
exec scripts/install-deps.sh nginx-light ledger valgrind linux-perf wrk procps time curl
