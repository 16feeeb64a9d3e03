#!/bin/sh
# scripts/install-deps.sh [PACKAGE...]
# Installs every Debian 12 package jifen needs to build and test (clang, its
# sanitizer/libFuzzer runtime, llvm-symbolizer, clang-tidy, clang-format and
# cppcheck for the gates of scripts/test.sh), and the PACKAGEs named
# (scripts/install-bench-deps.sh names the benchmarks').
# Idempotent: installs only what is missing. Run as root.
set -eu
PKGS="build-essential cmake pkg-config git ca-certificates curl
libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-client
libssl-dev libsodium-dev libcsv-dev libjansson-dev libxlsxwriter-dev libqrencode-dev libzip-dev libexpat1-dev zlib1g-dev
libcmocka-dev wrk python3 python3-cryptography python3-openpyxl python3-prometheus-client chromium fonts-wqy-microhei poppler-utils zbar-tools nodejs
clang libclang-rt-14-dev llvm clang-tidy clang-format cppcheck
debhelper fakeroot lintian systemd man-db $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
# npm for tests/e2e's playwright-core: Debian's nodejs comes without it (a
# nodejs from elsewhere may bring its own, which Debian's npm would conflict
# with), so the package is asked for only when the command is missing.
if ! command -v npm >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends npm
fi
