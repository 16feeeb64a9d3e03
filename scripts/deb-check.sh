#!/bin/sh
# scripts/deb-check.sh DEB — what CI checks of the package on the machine
# itself (.ci/run, as root): it installs with dpkg -i, `jifen --version`
# runs, systemd-analyze verifies the units and rates the service's
# exposure, and dpkg --purge leaves nothing behind — no file, no user.
set -eu
DEB=$1
retry_dpkg() { # another apt/dpkg may hold the lock for a while
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 30 ] || return 1
		echo "deb-check: dpkg busy, retrying" >&2
		sleep 5
	done
}
retry_dpkg dpkg -i "$DEB"
jifen --version
test -f /usr/share/man/man1/jifen.1.gz
test "$(stat -c %U:%G:%a /var/lib/jifen)" = jifen:jifen:750
test "$(stat -c %U:%G:%a /etc/jifen/jifen.conf)" = root:jifen:640
getent passwd jifen >/dev/null
# the service's own user can initialise its database with the packaged
# configuration (what ExecStartPre does)
runuser -u jifen -- env JIFEN_CONFIG=/etc/jifen/jifen.conf jifen init >/dev/null
runuser -u jifen -- env JIFEN_CONFIG=/etc/jifen/jifen.conf jifen backup >/dev/null
ls /var/lib/jifen/backups/jifen-*.db >/dev/null
systemd-analyze verify /lib/systemd/system/jifen.service /lib/systemd/system/jifen-backup.service \
	/lib/systemd/system/jifen-backup.timer
# the exposure score needs no running systemd with --offline (systemd 252)
systemd-analyze security --offline=yes /lib/systemd/system/jifen.service 2>&1 | tail -1 || true
retry_dpkg dpkg --purge jifen
left=""
for p in /usr/bin/jifen /etc/jifen /var/lib/jifen /lib/systemd/system/jifen.service \
	/lib/systemd/system/jifen-backup.service /lib/systemd/system/jifen-backup.timer \
	/usr/share/man/man1/jifen.1.gz /usr/share/doc/jifen; do
	[ ! -e "$p" ] || left="$left $p"
done
getent passwd jifen >/dev/null && left="$left user:jifen"
getent group jifen >/dev/null && left="$left group:jifen"
if [ -n "$left" ]; then
	echo "deb-check: left after purge:$left" >&2
	exit 1
fi
echo "deb-check: installed, verified and purged cleanly"
