#!/bin/sh
# bench/callgrind_passbook.sh BASE_BIN NEW_BIN [N] — instructions per
# passbook request, counted by callgrind (load-independent: the machine's
# other work does not change them, unlike wall or CPU time).
#
# One demo town (`jifen init --demo` of BASE_BIN, so that both binaries
# read the same data; NEW_BIN migrates its copy and stores the passbooks
# with `jifen passbook-render`), a card token per household put in by SQL,
# then for each binary `serve --threads 1` under callgrind: counters zeroed
# after start-up and a warm-up, N requests of one kind over one keep-alive
# connection, counters dumped; Ir / N is the figure.  Kinds: the stored
# page /p/TOKEN, the page rendered on the fly (?page=1: a store miss), the
# JSON /api/v1/p/TOKEN, a 304 revalidation of the page.
#   JIFEN_BENCH_DIR  work files (default /tmp/jifen-callgrind)
set -eu
BASE=$1 NEW=$2 N=${3:-200}
W=${JIFEN_BENCH_DIR:-/tmp/jifen-callgrind}
rm -rf "$W" && mkdir -p "$W"
"$BASE" --db "$W/base.db" init --demo >/dev/null
cp "$W/base.db" "$W/new.db"
[ ! -f "$W/base.db.key" ] || cp "$W/base.db.key" "$W/new.db.key"
python3 - "$W" <<'PY'
import hashlib, sqlite3, sys
w = sys.argv[1]
toks = []
for name in ("base", "new"):
    db = sqlite3.connect(f"{w}/{name}.db")
    rows = db.execute("SELECT id, village_id FROM household WHERE left_on IS NULL"
                      " ORDER BY id").fetchall()
    db.execute("DELETE FROM passbook_token")
    for hid, vid in rows:
        t = hashlib.sha256(f"cg-{hid}".encode()).hexdigest()
        db.execute("INSERT INTO passbook_token(token_hash, household_id, village_id,"
                   " created_by, created_at) VALUES(?,?,?,?,1)",
                   (hashlib.sha256(t.encode()).hexdigest(), hid, vid, "bench"))
        if name == "base":
            toks.append(t)
    db.commit()
open(f"{w}/tokens", "w").write("\n".join(toks) + "\n")
PY
"$NEW" --db "$W/new.db" passbook-render >/dev/null
# run WHICH KIND: prints Ir per request
run() {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	out=$W/cg.$1.$2
	valgrind --tool=callgrind --callgrind-out-file="$out.%p" "$W/$1.bin" \
		--db "$W/$1.db" serve --threads 1 --listen "127.0.0.1:$port" >"$W/serve.log" 2>&1 &
	pid=$!
	python3 - "$port" "$W/tokens" "$2" "$N" "$pid" "$out" <<'PY'
import http.client, subprocess, sys, time
port, tokfile, kind, n, pid, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
toks = open(tokfile).read().split()
for _ in range(600):
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60); c.connect(); break
    except OSError:
        time.sleep(0.1)
def path(t):
    return {"page": f"/p/{t}", "miss": f"/p/{t}?page=1", "json": f"/api/v1/p/{t}",
            "304": f"/p/{t}"}[kind]
etags = {}
def get(t, cond=False):
    h = {"If-None-Match": etags[t]} if cond else {}
    c.request("GET", path(t), headers=h)
    r = c.getresponse(); body = r.read()
    assert r.status in (200, 304), (r.status, body[:200])
    if not cond:
        etags[t] = r.getheader("ETag") or '""'
    return r.status, len(body)
sample = [toks[i % len(toks)] for i in range(n)]
for t in set(sample):  # warm-up: every page once (caches, prepared statements)
    get(t)
subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
size = 0
for t in sample:
    st, l = get(t, kind == "304")
    size += l
subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)
print(size // n)
PY
	kill "$pid"; wait "$pid" 2>/dev/null || true
	ir=$(grep -h '^summary:\|^totals:' "$out".* | awk '{print $2}' | sort -n | tail -1)
	echo "$ir"
}
ln -sf "$BASE" "$W/base.bin"; ln -sf "$NEW" "$W/new.bin"
printf '| request | base Ir/request | new Ir/request | new/base |\n|---|---:|---:|---:|\n'
for kind in page miss json 304; do
	b=$(run base $kind | tail -1); n=$(run new $kind | tail -1)
	awk -v k=$kind -v b="$b" -v n="$n" -v N="$N" \
		'BEGIN { printf "| %s | %d | %d | %.2f |\n", k, b / N, n / N, n / b }'
done
