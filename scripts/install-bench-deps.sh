#!/bin/sh
# Installs the Debian 12 packages the benchmark suite (bench/run.sh) needs on
# top of scripts/install-deps.sh: the references it measures jifen against
# (nginx, ledger-cli) and the profilers.  Kept apart from install-deps.sh so
# that CI, which does not run the benchmarks, stays light.
# Idempotent: installs only what is missing.  Run as root.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
PKGS="nginx-light ledger valgrind linux-perf wrk procps time curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
