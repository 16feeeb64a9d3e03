"""t_deploy — what an operator meets when deploying jifen (issue 17):
--version and the man page from the command table; the configuration file
and its precedence; backup and restore round trips on both backends;
/healthz and /metrics (parsed with Debian's python3-prometheus-client);
the per-address request budget; the village's household PIN budget; that
the error lines on stderr carry no password, PIN, token or phone; and that
SIGTERM lets the answers in flight finish (test_090).

Run: JIFEN_BIN=build/jifen python3 tests/http/t_deploy.py [NAME...]
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

PHONE = "13912345678"


def run(*args, env=None):
    e = J.sanitizer_env(dict(os.environ))
    e.pop("JIFEN_DB", None)
    e.pop("JIFEN_CONFIG", None)
    e.pop("INVOCATION_ID", None)
    e.update(env or {})
    p = subprocess.run([J.BIN, *args], capture_output=True, text=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def households(db, village, rows):
    path = os.path.join(db.dir, f"hh-{village}.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("code,head_name,phone,hukou,homestead,resident,joined\n")
        for code, name in rows:
            f.write(f"{code},{name},{PHONE},是,是,是,2024-01-01\n")
    cli_ok(db, "import", "households", "--village", village, path)


def test_010_version_and_man(db):
    rc, out, _ = run("--version")
    eq(rc, 0)
    check(re.fullmatch(r"jifen \d+\.\d+\.\d+ \(\S+\)\n", out), out)
    rc, man, _ = run("help", "--man")
    eq(rc, 0)
    check(man.startswith(".TH JIFEN 1"), man[:80])
    rc, helptext, _ = run("help")
    # every command `jifen help` lists is in the man page, so they cannot drift
    usages = re.findall(r"^  jifen (\S+(?: [a-z-]+)?)", helptext, re.M)
    check(len(usages) > 30, usages)
    for u in usages:
        check(".B jifen " + u.replace("-", "\\-") in man, f"{u} missing from the man page")
    # man renders it without errors
    p = subprocess.run(["man", "-l", "-"], input=man, capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="80"))
    eq(p.returncode, 0, p.stderr)
    check("restore FILE" in p.stdout, p.stdout[:500])


def test_020_config_file(db):
    conf = os.path.join(db.dir, "jifen.conf")
    other = J.Db()
    try:
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f"# test\ndb = {db.url}\nkey = {db.key}\ntown = 测试镇\n"
                    f"backup_dir = {db.dir}\nbackup_keep_days = 3\n")
        eq(run("--config", conf, "init")[0], 0)
        rc, out, err = run("--config", conf, "town")
        eq((rc, out), (0, "测试镇\n"), err)
        # JIFEN_CONFIG names it too; --db wins over its db
        eq(run("town", env={"JIFEN_CONFIG": conf})[1], "测试镇\n")
        eq(run("--config", conf, "--db", other.url, "--key", other.key, "init")[0], 0)
        eq(run("--config", conf, "--db", other.url, "village", "add", "VX", "X村")[0], 0)
        eq(run("--config", conf, "--db", other.url, "village", "show", "VX")[0], 0)
        eq(run("--config", conf, "village", "show", "VX")[0], 1, "--db wins over the file's db")
        # backup with no FILE: into backup_dir, dated
        rc, out, err = run("--config", conf, "backup")
        eq(rc, 0, err)
        check(re.search(r"jifen-\d{8}-\d{6}\.(db|dump)", out), out)
        # a bad line names the file and line; exit 2
        with open(conf, "a", encoding="utf-8") as f:
            f.write("colour = blue\n")
        rc, _, err = run("--config", conf, "town")
        eq(rc, 2)
        check(f"{conf}:7:" in err and "colour" in err, err)
        rc, _, err = run("--config", os.path.join(db.dir, "none.conf"), "town")
        eq(rc, 2, err)
    finally:
        other.close()


def test_030_backup_restore_round_trip(db):
    """backup, damage, restore: the same ledger and balances back, verified."""
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01", "H02", "H03"])
    tmp = os.path.join(db.dir, "e.csv")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("household,item,quantity,date\nH01,CW01,2,2024-06-03\nH02,CW01,1,2024-06-04\n")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06", tmp)
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", "--meeting-date",
           "2024-07-02", "--attendees", "两委", "--resolution", "同意")
    balances = cli_ok(db, "balances", "--village", "V1")
    ext = "dump" if db.pg_name else "db"
    copy = os.path.join(db.dir, f"copy.{ext}")
    rc, out, err = cli(db, "backup", copy)
    eq(rc, 0, err)
    # a bad file is refused (1) and changes nothing
    bad = os.path.join(db.dir, "bad.bin")
    with open(bad, "wb") as f:
        f.write(b"not a backup")
    target = J.Db()
    try:
        if db.pg_name:
            # PostgreSQL: into an empty database only, then verified
            rc, out, err = cli(target, "restore", copy)
            eq(rc, 0, err)
            check("台账完好" in out, out)
            eq(cli_ok(target, "balances", "--village", "V1"), balances)
            eq(cli(target, "restore", copy)[0], 1, "a database with tables is refused")
            eq(cli(target, "verify")[0], 0)
        else:
            # SQLite: checked, then swapped in for the damaged database
            rc, _, err = cli(db, "restore", bad)
            eq(rc, 1, err)
            db.sql("UPDATE household_balance SET balance = balance + 5")
            eq(cli(db, "verify")[0], 1, "the damage is seen")
            rc, out, err = cli(db, "restore", copy)
            eq(rc, 0, err)
            check(os.path.exists(db.url + ".before-restore"), "the replaced file is kept")
            eq(cli_ok(db, "balances", "--village", "V1"), balances)
            eq(cli(db, "verify")[0], 0)
            # refused while a server holds the database
            s = J.Server(db)
            try:
                s.client().get("/healthz")
                rc, _, err = cli(db, "restore", copy)
                eq(rc, 1, err)
                check("正被进程" in err, err)
            finally:
                s.stop()
    finally:
        target.close()


def test_040_healthz(db):
    J.town(db, villages=("V1",))
    s = J.Server(db)
    try:
        r = s.client().get("/healthz")
        eq(r.status, 200, r.text)
        eq(r.json(), {"status": "ok", "database": True, "schema": r.json()["schema"],
                      "schema_current": True, "key": True})
        # the signing key gone: 503, and the JSON says which
        os.rename(db.key, db.key + ".away")
        r = s.client().get("/healthz")
        eq(r.status, 503)
        eq((r.json()["status"], r.json()["key"], r.json()["database"]),
           ("unavailable", False, True))
        os.rename(db.key + ".away", db.key)
    finally:
        s.stop()


def test_050_metrics(db):
    J.town(db, villages=("V1", "V2"))
    J.standard_and_households(db, "V1", ["H01"])
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        c.get("/v/V1")
        c.get("/api/v1/session")
        c.get("/no-such-page")
        # a request is counted when its answer is done (request_completed),
        # which can come a moment after the client has read it: under ASan
        # /metrics once asked before the 404 was counted
        import time
        for _ in range(50):
            r = s.client().get("/metrics")
            eq(r.status, 200)
            if 'class="page",status="404"' in r.text:
                break
            time.sleep(0.1)
        check(r.header("Content-Type").startswith("text/plain; version=0.0.4"))
        fams = {f.name: f for f in text_string_to_metric_families(r.text)}
        for name in ("jifen_http_requests", "jifen_http_request_duration_seconds",
                     "jifen_db_errors", "jifen_db_reconnects", "jifen_ledger_entries",
                     "jifen_announcements", "jifen_redemptions"):
            check(name in fams, f"{name} missing: {sorted(fams)}")
        reqs = {(x.labels["class"], x.labels["status"]): x.value
                for x in fams["jifen_http_requests"].samples if x.name.endswith("_total")}
        check(reqs.get(("page", "404"), 0) >= 1, reqs)
        check(reqs.get(("api", "200"), 0) >= 1, reqs)
        eq(fams["jifen_http_request_duration_seconds"].type, "histogram")
        villages = {x.labels["village"] for x in fams["jifen_ledger_entries"].samples}
        eq(villages, {"V1", "V2"})
        # nothing personal: no login, household name, address or cookie
        for secret in ("V1-admin", "户主1", "127.0.0.1", c.cookies.get("jifen_sid", "x")):
            check(secret not in r.text, f"{secret} in /metrics")
    finally:
        s.stop()
    # only for the machine itself: a client forwarded by a trusted proxy is not
    cli_ok(db, "config", "set", "trusted_proxies", "127.0.0.1")
    s = J.Server(db)
    try:
        r = s.client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
        eq(r.status, 403)
        eq(s.client().get("/metrics").status, 200)
    finally:
        s.stop()


def test_060_request_budget(db):
    J.town(db, villages=("V1",))
    cli_ok(db, "config", "set", "trusted_proxies", "127.0.0.1")
    cli_ok(db, "config", "set", "requests_per_minute_per_address", "30")
    s = J.Server(db)
    try:
        c = s.client()
        fwd = {"X-Forwarded-For": "203.0.113.7"}
        codes = [c.get("/login", headers=fwd).status for _ in range(25)]
        check(codes[:15] == [200] * 15, codes)  # half a minute's budget at once
        check(429 in codes, codes)
        r = c.get("/login", headers=fwd)
        eq(r.status, 429)
        check(int(r.header("Retry-After")) >= 1)
        check("请求太多" in r.text, r.text[:300])
        # another client is served; loopback is not counted
        eq(c.get("/login", headers={"X-Forwarded-For": "203.0.113.8"}).status, 200)
        eq(s.client().get("/login").status, 200)
    finally:
        s.stop()


def set_pin(c, village, household_id):
    c.get(f"/v/{village}/households/{household_id}/card")
    r = c.post(f"/v/{village}/households/{household_id}/pin", {})
    eq(r.status, 200)
    return re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)


def test_070_pin_budget(db):
    """Guesses spread over the households of a village and over addresses:
    past the village's budget its PIN logins pause, the admin is warned,
    other villages and QR cards still work, and the per-household lock-out
    is still there."""
    J.town(db)
    households(db, "V1", [(f"{i:03d}", f"户主{i}") for i in range(1, 13)])
    households(db, "V2", [("001", "李四")])
    eq(cli_ok(db, "village", "show", "V1").count("pin_failures_per_hour,20"), 1)
    rc, _, err = cli(db, "village", "set", "V1", "pin_failures_per_hour", "0")
    eq(rc, 1)
    check("pin_failures_per_hour" in err, err)
    cli_ok(db, "village", "set", "V1", "pin_failures_per_hour", "8")
    def hid(v, code):
        return db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                      f" WHERE v.code = '{v}' AND h.code = '{code}'")[0][0]

    s = J.Server(db)
    try:
        a = s.client()
        a.login("V1-admin")
        pin1 = set_pin(a, "V1", hid("V1", "001"))
        a2 = s.client()
        a2.login("V2-admin")
        pin_v2 = set_pin(a2, "V2", hid("V2", "001"))
        a.get(f"/v/V1/households/{hid('V1', '001')}/card")
        r = a.post(f"/v/V1/households/{hid('V1', '001')}/card-token", {})
        token = re.search(r"/p/([0-9a-f]{64})", r.text).group(1)
        # 8 wrong PINs, one per household and address: no household is locked
        for i in range(8):
            c = s.client(f"127.0.1.{i + 1}")
            c.get("/passbook/login")
            r = c.post("/passbook/login", {"village": "V1", "household": f"{i + 3:03d}",
                                           "pin": "000000"})
            eq(r.status, 401, f"guess {i + 1}")
        # now the right PIN of an untouched household is refused, village-wide
        c = s.client("127.0.2.1")
        c.get("/passbook/login")
        r = c.post("/passbook/login", {"village": "V1", "household": "001", "pin": pin1})
        eq(r.status, 429, r.text[:300])
        check("暂停全村的 PIN 登录" in r.text, r.text[:500])
        retry = int(r.header("Retry-After"))
        check(3500 <= retry <= 3600, retry)
        # the village admin's pages warn
        page = a.get("/v/V1").text
        check("全村的 PIN 登录已暂停" in page and "8 次 PIN 登录失败" in page, page[:1500])
        # another village is not paused; the QR card still opens the passbook
        c2 = s.client("127.0.2.2")
        c2.get("/passbook/login")
        eq(c2.post("/passbook/login", {"village": "V2", "household": "001",
                                       "pin": pin_v2}).status, 303)
        eq(s.client().get(f"/p/{token}").status, 200)
        check("全村的 PIN 登录已暂停" not in a2.get("/v/V2").text)
        # an hour later (the failures moved back in time) it works again
        db.sql("UPDATE login_attempt SET at = at - 3601")
        c3 = s.client("127.0.2.3")
        c3.get("/passbook/login")
        eq(c3.post("/passbook/login", {"village": "V1", "household": "001",
                                       "pin": pin1}).status, 303)
        check("全村的 PIN 登录已暂停" not in a.get("/v/V1").text)
        # the per-household lock-out is still there (5 failures, any address)
        for i in range(5):
            c = s.client(f"127.0.3.{i + 1}")
            c.get("/passbook/login")
            eq(c.post("/passbook/login", {"village": "V1", "household": "001",
                                          "pin": "999999"}).status, 401)
        c = s.client("127.0.3.9")
        c.get("/passbook/login")
        r = c.post("/passbook/login", {"village": "V1", "household": "001", "pin": pin1})
        eq(r.status, 429)
        check("锁定" in r.text, r.text[:300])
    finally:
        s.stop()


def test_080_error_lines_carry_no_secrets(db):
    """While the database fails, every 5xx is one jifen-error line on
    stderr — with the route's pattern, not the path with a passbook token,
    and never a password, PIN, session token or phone."""
    J.town(db, villages=("V1",))
    households(db, "V1", [("001", "张三")])
    hid = db.sql("SELECT id FROM household WHERE code = '001'")[0][0]
    s = J.Server(db)
    try:
        a = s.client()
        a.login("V1-admin")
        pin = set_pin(a, "V1", hid)
        a.get(f"/v/V1/households/{hid}/card")
        token = re.search(r"/p/([0-9a-f]{64})",
                          a.post(f"/v/V1/households/{hid}/card-token", {}).text).group(1)
        sid = a.cookies["jifen_sid"]
        # make every statement fail: the tables the requests read are gone
        db.sql("ALTER TABLE session RENAME TO session_away;"
               " ALTER TABLE passbook_token RENAME TO passbook_token_away")
        codes = [a.get("/v/V1").status, s.client().get(f"/p/{token}").status]
        c = s.client()
        c.get("/passbook/login")
        codes.append(c.post("/passbook/login", {"village": "V1", "household": "001",
                                                "pin": pin}).status)
        c = s.client()
        c.get("/login")
        codes.append(c.post("/login", {"login": "V1-admin", "password": J.PASSWORD}).status)
        check(all(code >= 500 for code in codes[:2]), codes)
    finally:
        s.stop(check=False)
    lines = [line for line in s.stderr.splitlines() if line.startswith("jifen-error ")]
    check(len(lines) >= 2, s.stderr[-2000:])
    for line in lines:
        check(re.fullmatch(r'jifen-error status=\d{3} method=[A-Z]+ route="[^"]*"'
                           r' class=[a-z]+ db="[^"]*"', line), line)
    for secret in (pin, token, sid, J.PASSWORD, PHONE, "张三"):
        check(secret not in s.stderr, f"{secret} in the server's stderr")
    check(any('route="/p/*"' in line for line in lines), lines)


def test_090_stop_lets_answers_in_flight_finish(db):
    """SIGTERM while a request is in flight (its body not yet all sent):
    serve refuses new connections, waits, answers that request whole with
    Connection: close, and exits 0.  It used MHD_quiesce_daemon(), which
    races a pool thread in libmicrohttpd 0.9.75 and now and then aborted
    the process at its stop (src/http.c, drain)."""
    import socket
    import time
    J.town(db)
    s = J.Server(db)
    body = b"login=admin&password=x"
    c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    c.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:5])
    time.sleep(0.3)  # the headers are read: the request is in flight
    s.proc.terminate()
    time.sleep(0.5)
    check(s.proc.poll() is None, "serve waits for the request in flight")
    late = None
    try:
        late = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        late.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        got = late.recv(4096)
    except OSError:
        got = b""
    finally:
        if late:
            late.close()
    check(not got.startswith(b"HTTP/1.1 2"), f"a new connection is not served while draining: {got[:80]!r}")
    c.sendall(body[5:])
    answer = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        answer += chunk
    c.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    check(head.startswith("HTTP/1.1 "), f"the request in flight is answered: {answer[:200]!r}")
    check("connection: close" in head.lower(), f"and its connection closed after it: {head}")
    s.proc.wait(timeout=20)
    eq(s.proc.returncode, 0, "serve exits 0 after the drain")
    s.stop()


if __name__ == "__main__":
    J.main(globals())
