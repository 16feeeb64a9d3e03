#!/bin/sh
# scripts/build-deb.sh [OUTDIR] — build jifen_<version>_amd64.deb from the
# committed tree (git archive HEAD: what is built is what the commit holds)
# in a temporary folder, check it with lintian, and put it in OUTDIR
# (default dist/).  The commit is passed in as JIFEN_COMMIT, since the
# archive has no .git.  Needs debhelper, fakeroot, lintian and the build
# dependencies (scripts/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-dist}")
mkdir -p "$OUT"
COMMIT=$(git describe --always --dirty --abbrev=12)
VERSION=$(dpkg-parsechangelog -S Version)
CMAKE_VERSION=$(sed -n 's/^project(jifen VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
if [ "$VERSION" != "$CMAKE_VERSION" ]; then
	echo "build-deb: debian/changelog says $VERSION, CMakeLists.txt $CMAKE_VERSION" >&2
	exit 1
fi
TMP=$(mktemp -d /tmp/jifen-deb-XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir "$TMP/jifen-$VERSION"
git archive HEAD | tar -x -C "$TMP/jifen-$VERSION"
(cd "$TMP/jifen-$VERSION" &&
	JIFEN_COMMIT="$COMMIT" DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -b -us -uc --no-sign >"$TMP/build.log" 2>&1) || {
	tail -50 "$TMP/build.log" >&2
	exit 1
}
DEB="jifen_${VERSION}_amd64.deb"
cp "$TMP/$DEB" "$OUT/"
# errors fail the build; warnings are printed (docs/deploy.md says which
# remain and why)
lintian --fail-on error "$OUT/$DEB" >&2 ||
	{ echo "build-deb: lintian found errors" >&2; exit 1; }
echo "$OUT/$DEB"
