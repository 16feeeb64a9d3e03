"""t_outage — the database gone or refusing work while serve runs (issue
11, finding 7): every answer is then 503 "系统暂时不可用" with Retry-After,
never a false "请先登录", "找不到这个村" or 500; writes fail whole; the
server reconnects when the database is back, and warns at start when the
database cannot be written.

On the PostgreSQL run the test starts its own throwaway cluster
(scripts/pg-test-cluster.sh) and stops it under the running server; on the
SQLite run another connection holds the database's lock, and a copy on a
read-only bind mount is served (skipped, saying so, when mount fails).

Run: JIFEN_BIN=build/jifen python3 tests/http/t_outage.py [NAME...]
"""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CLUSTER = os.path.join(ROOT, "scripts", "pg-test-cluster.sh")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
UNAVAILABLE = "系统暂时不可用"


def is_503(r, what, api=False):
    """r is the outage answer: 503, Retry-After, the Chinese words (in the
    JSON error member for the API)."""
    eq(r.status, 503, f"{what}: {r.text[:300]!r}")
    check(r.header("Retry-After"), f"{what}: no Retry-After")
    if api:
        check(r.header("Content-Type").startswith("application/json"), r.header("Content-Type"))
        check(UNAVAILABLE in r.json()["error"], r.text)
    else:
        check(UNAVAILABLE in r.text, f"{what}: {r.text[:300]!r}")


def skip(why):
    print(f"     skipped: {why}", flush=True)


class Url:
    """What J.cli and J.Server take: a database URL."""

    def __init__(self, url):
        self.url = url


def free_port(start):
    for port in range(start, start + 50):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise J.Failure("no free port")


def pg_ctl(data, *args):
    cmd = [os.path.join(PGBIN, "pg_ctl"), "-D", data, *args]
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def outage_answers(s, c, pre, village="V1"):
    """What a logged-in client c and an anonymous one (pre: a client that
    holds the login form's token) get while the database is away."""
    is_503(c.get(f"/v/{village}"), "a valid session's page")
    is_503(c.get("/api/v1/session"), "the API with a valid session", api=True)
    is_503(c.get(f"/api/v1/villages/{village}/households"), "an API list", api=True)
    is_503(s.client().get(f"/v/{village}/standard"), "a public page")
    is_503(s.client().get(f"/api/v1/villages/{village}/standard"), "the public API", api=True)
    is_503(s.client().get("/standard/template"), "the town's public template")
    is_503(s.client().get("/api/v1/standard/template"), "the public template API", api=True)
    is_503(s.client().get("/p/" + "ab" * 32), "a QR passbook")
    is_503(pre.post("/login", {"login": "V1-admin", "password": J.PASSWORD}), "login")
    is_503(pre.post("/passbook/login", {"village": "V1", "household": "001", "pin": "123456"}),
           "a household's login")
    is_503(c.post("/villages", {"code": "V9", "name": "九村"}), "a write")


def test_100_postgresql_stops_and_returns(db):
    """Its own cluster, stopped (immediate) under the server and started
    again: 503 for everything meanwhile; afterwards the same session works
    without restarting serve."""
    if J.BACKEND != "postgresql":
        return skip("the PostgreSQL run starts its own cluster")
    port = free_port(55499)
    tmp = tempfile.mkdtemp(prefix="jifen-outage-pg-")
    os.chmod(tmp, 0o755)
    dir_ = os.path.join(tmp, "cluster")
    url = subprocess.run(["sh", CLUSTER, "start", dir_, str(port)], check=True,
                         capture_output=True, text=True, timeout=300).stdout.strip()
    own = Url(url)
    s = None
    try:
        J.town(own)
        cli_ok(own, "import", "standard", "--village", "V1", J.SAMPLE_STANDARD,
               "--adopted", "2024-05-01", "--effective", "2024-05-01")
        s = J.Server(own, extra_env={"JIFEN_TEST_PG": url})
        c = s.client()
        c.login("admin")
        eq(c.get("/v/V1").status, 200)
        pre = s.client()
        pre.get("/login")
        time.sleep(1)  # the cluster commits asynchronously (synchronous_commit=off)
        pg_ctl(os.path.join(dir_, "data"), "-m", "immediate", "-w", "stop")
        t0 = time.time()
        for _ in range(3):  # every server thread's connection, not one
            outage_answers(s, c, pre)
        print(f"     33 answers while the database was down in {time.time() - t0:.2f} s",
              flush=True)
        subprocess.run(["sh", CLUSTER, "start", dir_, str(port)], check=True,
                       capture_output=True, timeout=300)
        for _ in range(3):
            eq(c.get("/v/V1").status, 200, "the same session after the database is back")
        eq(c.get("/api/v1/session").json()["login"], "admin")
        eq(s.client().get("/v/V1/standard").status, 200)
        pre.login("V1-admin")
        eq(own_count(own, "village WHERE code = 'V9'"), "0", "the write during the outage")
        r = c.post("/villages", {"code": "V9", "name": "九村"})
        eq(r.status, 303, "writes work again")
    finally:
        if s:
            s.stop()
        subprocess.run(["sh", CLUSTER, "stop", dir_], capture_output=True, timeout=300)
        shutil.rmtree(tmp, ignore_errors=True)


def own_count(own, what):
    out = subprocess.run(["psql", own.url, "-Atc", f"SELECT COUNT(*) FROM {what}"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def test_110_sqlite_locked_by_another_writer(db):
    """Another process holds SQLite's write lock: writes wait out the busy
    timeout and fail whole with 503 (not 500, not a half write), while
    reads go on (WAL).  (A read that fails is the PostgreSQL test's.)"""
    if J.BACKEND != "sqlite":
        return skip("SQLite's locks")
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("admin")
        eq(c.get("/v/V1").status, 200)
        pre = s.client()
        pre.get("/login")
        before = db.sql("SELECT (SELECT COUNT(*) FROM village), (SELECT COUNT(*) FROM audit),"
                        " (SELECT COUNT(*) FROM login_attempt)")
        # a writer in WAL mode: readers still read, writers wait, then fail
        w = sqlite3.connect(db.url, isolation_level=None)
        w.execute("BEGIN EXCLUSIVE")
        t0 = time.time()
        try:
            is_503(c.post("/villages", {"code": "V9", "name": "九村"}), "a write while locked")
            is_503(pre.post("/login", {"login": "V1-admin", "password": J.PASSWORD}),
                   "login while locked")
            eq(c.get("/v/V1").status, 200, "reads go on in WAL mode")
        finally:
            w.execute("ROLLBACK")
            w.close()
        print(f"     two writes refused in {time.time() - t0:.1f} s (busy timeout)", flush=True)
        eq(db.sql("SELECT (SELECT COUNT(*) FROM village), (SELECT COUNT(*) FROM audit),"
                  " (SELECT COUNT(*) FROM login_attempt)"), before, "nothing half-written")
        eq(c.get("/v/V1").status, 200, "the same session afterwards")
        eq(c.post("/villages", {"code": "V9", "name": "九村"}).status, 303, "writes work again")
    finally:
        s.stop()


def test_120_sqlite_read_only_at_start(db):
    """serve on a database on a read-only mount warns at start; it reads,
    and every write (a login, a change) fails whole with 503 and the
    Chinese words."""
    if J.BACKEND != "sqlite":
        return skip("a read-only SQLite file")
    J.town(db)
    J.standard_and_households(db, "V1", ["001"])
    ro = os.path.join(db.dir, "ro")
    os.mkdir(ro)
    src = os.path.join(db.dir, "rw")
    os.mkdir(src)
    shutil.move(db.url, os.path.join(src, "jifen.db"))
    for f in os.listdir(db.dir):
        if f.startswith("jifen.db-"):
            os.remove(os.path.join(db.dir, f))
    m = subprocess.run(["mount", "--bind", src, ro], capture_output=True, text=True)
    if m.returncode:
        return skip(f"mount --bind failed: {m.stderr.strip()}")
    try:
        m = subprocess.run(["mount", "-o", "remount,bind,ro", ro], capture_output=True, text=True)
        if m.returncode:
            return skip(f"remount read-only failed: {m.stderr.strip()}")
        served = Url(os.path.join(ro, "jifen.db"))
        s = J.Server(served)
        try:
            eq(s.client().get("/v/V1/standard").status, 200, "reads")
            c = s.client()
            c.get("/login")
            r = c.post("/login", {"login": "admin", "password": J.PASSWORD})
            is_503(r, "login")
            check("只读" in r.text, r.text[:300])
            t = s.client()
            eq(t.get("/api/v1/villages/V1/standard").status, 200, "the API reads")
        finally:
            s.stop()
        check("不可写" in s.stderr, f"the start-up warning: {s.stderr!r}")
    finally:
        subprocess.run(["umount", ro], capture_output=True)
    eq(sqlite3.connect(os.path.join(src, "jifen.db")).execute(
        "SELECT COUNT(*) FROM login_attempt").fetchone()[0], 0, "nothing written")


if __name__ == "__main__":
    J.main(globals())
