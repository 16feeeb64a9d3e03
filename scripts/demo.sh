#!/bin/sh
# Sets up, builds and starts jifen on a demo database (demo.db, created with
# `jifen init --demo` on first run), and prints where to log in.
# Usage: scripts/demo.sh [HOST:PORT]   (as root on Debian 12; default 127.0.0.1:8080)
set -eu
cd "$(dirname "$0")/.."
LISTEN=${1:-127.0.0.1:8080}
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
# The logins (and the demo household's PIN, which is stored only hashed)
# are printed once by init --demo: keep them in demo.logins.txt so that
# every later run prints them again.
if [ ! -f demo.db ]; then
	build/jifen --db demo.db init --demo | tee demo.logins.txt
else
	build/jifen --db demo.db init
	echo "（demo.db 已存在，沿用；删除它可重新生成演示数据）"
	if [ -f demo.logins.txt ]; then
		cat demo.logins.txt
	else
		echo "（演示账号的密码见 README；农户 PIN 只在第一次生成时显示）"
	fi
fi
echo
echo "村民查积分：用浏览器打开 http://$LISTEN/ （选村，填户主姓名和 PIN）"
echo "村、镇工作人员：http://$LISTEN/login 登录（按 Ctrl-C 停止）"
exec build/jifen --db demo.db serve --listen "$LISTEN"
