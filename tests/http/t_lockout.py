"""t_lockout — the login's limits as an attacker would use them (issue 11,
finding 4): one address spraying bad passwords at every account, clients
behind a trusted proxy, the 等保 lock-out of lockout_scope=account, and
what the account's owner and the admins are told.

The clients come from different loopback addresses (127.0.0.0/8 is all
loopback): the socket's source address is bound, so the server sees them as
different clients without a proxy.

Run: JIFEN_BIN=build/jifen python3 tests/http/t_lockout.py [NAME...]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

ATTACKER, CLEAN = "127.0.0.2", "127.0.0.3"
DELAY_CAP = 30  # login_delay_max_seconds' default
ADDRESS_MAX = 20  # login_address_max_failures' default


def thirteen_accounts(db):
    """The town admin and 3 accounts in each of 4 villages: 13 logins."""
    J.town(db, villages=("V1", "V2", "V3", "V4"))
    logins = ["admin"] + [f"V{v}-{s}" for v in range(1, 5) for s in ("admin", "scorer", "shop")]
    eq(len(logins), 13)
    return logins


def client(s, source, headers=None):
    """A client from source with the login form's token."""
    c = s.client(source)
    c.extra = headers or {}
    c.get("/login", headers=c.extra)
    return c


def attempt(c, login, password):
    return c.post("/login", {"login": login, "password": password}, headers=c.extra)


def login_within(c, login, bound, password=J.PASSWORD):
    """Log in, waiting out each 429's Retry-After; fails unless it got in
    within bound seconds.  Returns (seconds taken, the Retry-After values
    waited)."""
    t0, waited = time.time(), []
    while True:
        r = attempt(c, login, password)
        if r.status == 303:
            took = time.time() - t0
            check(took <= bound + 1, f"{login} got in after {took:.1f} s, bound {bound} s")
            return took, waited
        eq(r.status, 429, f"{login}: {r.text[:200]}")
        retry = int(r.header("Retry-After"))
        check(1 <= retry <= bound, f"{login}: Retry-After {retry}, bound {bound}")
        check("秒后再试" in r.text, r.text[:300])
        waited.append(retry)
        check(time.time() - t0 + retry <= bound + 1, f"{login}: waits {waited} pass {bound} s")
        time.sleep(retry)


def counts(db):
    """What the limits count: (attempts recorded, failure records, their
    failures and not-before times)."""
    return (db.sql("SELECT COUNT(*) FROM login_attempt"),
            db.sql("SELECT login, failures, not_before FROM login_failure ORDER BY login"))


def test_100_spray_from_one_address(db):
    """65 bad logins from one address across all 13 accounts, as fast as it
    can send them: only the first 20 reach the password check, the rest are
    throttled (429, unrecorded); the right password from another address
    then gets into every account within the delay (at most 2 s here); the
    attacker's address stays throttled, even with the right password, and
    its throttled attempts change nothing."""
    logins = thirteen_accounts(db)
    s = J.Server(db)
    try:
        a = client(s, ATTACKER)
        t0 = time.time()
        statuses = [attempt(a, logins[i % 13], "wrong-guess%d" % i) for i in range(65)]
        took = time.time() - t0
        codes = [r.status for r in statuses]
        eq(codes, [401] * ADDRESS_MAX + [429] * (65 - ADDRESS_MAX), "401 until the address is throttled")
        last = statuses[-1]
        check("这个地址登录失败的次数过多" in last.text, last.text[:300])
        check(1 <= int(last.header("Retry-After")) <= 15 * 60, last.header("Retry-After"))
        print(f"     65 attempts in {took:.2f} s", flush=True)
        eq(db.sql("SELECT COUNT(*), SUM(1 - ok) FROM login_attempt"), [[str(ADDRESS_MAX)] * 2],
           "only the attempts that reached the password check are recorded")
        before = counts(db)
        # the attacker knowing a password gets nothing: not checked, not recorded
        r = attempt(a, "V3-shop", J.PASSWORD)
        eq(r.status, 429, "the throttled address, with the right password")
        for i in range(20):
            eq(attempt(a, logins[i % 13], "again%d" % i).status, 429)
        eq(counts(db), before, "throttled attempts extend nothing")
        # every account, from a clean address, with its password
        worst = 0.0
        for login in logins:
            c = client(s, CLEAN)
            took, waited = login_within(c, login, 2)
            worst = max(worst, took)
        print(f"     13 logins from {CLEAN}: the slowest took {worst:.2f} s", flush=True)
        eq(attempt(a, "admin", J.PASSWORD).status, 429, "the attacker is still throttled")
    finally:
        s.stop()


def test_110_delay_doubles_up_to_its_cap(db):
    """Failures from ever new addresses: each new address waits 1, 2, 4 …
    seconds after the last failure, never more than login_delay_max_seconds
    (3 here); an address that failed itself is not delayed but locked after
    login_max_failures; the right password gets in after the delay."""
    J.town(db)
    cli_ok(db, "config", "set", "login_delay_max_seconds", "3")
    s = J.Server(db)
    try:
        waits = []
        for n in range(5):
            c = client(s, f"127.0.0.{10 + n}")
            t0 = time.time()
            while True:
                r = attempt(c, "V1-admin", "wrong-%d-x" % n)
                if r.status != 429:
                    break
                retry = int(r.header("Retry-After"))
                waits.append(retry)
                time.sleep(retry)
            eq(r.status, 401, f"address {n}")
            check(time.time() - t0 <= 3 + 1.5, f"address {n} waited {time.time() - t0:.1f} s")
        print(f"     Retry-After of new addresses: {waits}", flush=True)
        check(waits and max(waits) <= 3, f"capped at 3: {waits}")
        check(max(waits) >= 2, f"the delay grows: {waits}")
        # an address that has failed is not delayed: 4 more failures, then locked
        c = client(s, "127.0.0.10")
        for i in range(4):
            eq(attempt(c, "V1-admin", "more-%d-x" % i).status, 401, f"own failure {i + 2}")
        r = attempt(c, "V1-admin", J.PASSWORD)
        eq(r.status, 429, "locked for the address that failed 5 times")
        check("锁定" in r.text, r.text[:300])
        check(int(r.header("Retry-After")) > 60, r.header("Retry-After"))
        login_within(client(s, CLEAN), "V1-admin", 3)
    finally:
        s.stop()


def test_120_behind_a_trusted_proxy(db):
    """Behind a trusted proxy every request comes from the proxy's address:
    failures of one forwarded client throttle and lock that client only."""
    logins = thirteen_accounts(db)
    cli_ok(db, "config", "set", "trusted_proxies", "127.0.0.1")
    # a short cap: the admin account collects 7 failures below, whose delay
    # (64 s) the cap cuts to 3; the bound is what is tested
    cli_ok(db, "config", "set", "login_delay_max_seconds", "3")
    s = J.Server(db)
    try:
        a = client(s, None, {"X-Forwarded-For": "203.0.113.7"})
        codes = [attempt(a, logins[i % 13], "wrong-%d-x" % i).status for i in range(25)]
        eq(codes, [401] * ADDRESS_MAX + [429] * 5, "the forwarded client is throttled")
        eq(db.sql("SELECT DISTINCT ip FROM login_attempt"), [["203.0.113.7"]],
           "counted by the forwarded address")
        b = client(s, None, {"X-Forwarded-For": "203.0.113.8"})
        login_within(b, "admin", 3)
        # another forwarded client locks the admin account for itself only
        x = client(s, None, {"X-Forwarded-For": "198.51.100.9"})
        for i in range(5):
            eq(attempt(x, "admin", "bad-%d-x" % i).status, 401, f"failure {i + 1}")
        r = attempt(x, "admin", J.PASSWORD)
        eq(r.status, 429, "locked for the client that failed")
        check("锁定" in r.text, r.text[:300])
        login_within(client(s, None, {"X-Forwarded-For": "203.0.113.8"}), "admin", 3)
        # a client naming itself something else in X-Forwarded-For is still
        # the address the proxy saw it come from (the right-most item)
        y = client(s, None, {"X-Forwarded-For": "203.0.113.8, 198.51.100.9"})
        eq(attempt(y, "admin", J.PASSWORD).status, 429, "the right-most address counts")
    finally:
        s.stop()


def test_130_lockout_scope_account(db):
    """lockout_scope=account locks the account for every address, as 等保
    reads it, after login_max_failures attempts that reached the password
    check — never after CSRF-less, malformed or throttled ones; the lock is
    not extended by refused attempts and lifts when the window passes."""
    J.town(db)
    cli_ok(db, "config", "set", "lockout_scope", "account")
    cli_ok(db, "config", "set", "login_max_failures", "3")
    eq(J.cli(db, "config", "set", "lockout_scope", "everything")[0], 1, "an unknown scope")
    check("lockout_scope" in cli_ok(db, "config"), "listed")
    s = J.Server(db)
    try:
        a = client(s, ATTACKER)
        for i in range(10):
            r = a.post("/login", {"login": "V1-admin", "password": "no-csrf%d" % i}, csrf=False)
            eq(r.status, 403, "without the CSRF token")
            r = a.post("/login", {"login": "V1-admin", "csrf": a.csrf})
            eq(r.status, 401, "no password")
            eq(attempt(a, "V1-admin", "").status, 401, "an empty password")
            eq(attempt(a, "V1-admin\x01", "wrong-pass1").status, 401, "not a login")
        eq(db.sql("SELECT COUNT(*) FROM login_attempt"), [["0"]], "none reached the check")
        # an address throttled by failures elsewhere cannot lock V1-admin
        t = client(s, "127.0.0.4")
        for i in range(ADDRESS_MAX):
            eq(attempt(t, "nobody%d" % i, "wrong-pass1").status, 401)
        for i in range(10):
            eq(attempt(t, "V1-admin", "wrong-pass%d" % i).status, 429, "throttled")
        eq(db.sql("SELECT COUNT(*) FROM login_attempt WHERE login = 'V1-admin'"), [["0"]])
        c = client(s, CLEAN)
        login_within(c, "V1-admin", 0)
        c.post("/logout", {})
        # three that reached the check lock it everywhere
        for i in range(3):
            eq(attempt(a, "V1-admin", "wrong-%d-x" % i).status, 401)
        before = counts(db)
        c = client(s, CLEAN)
        r = attempt(c, "V1-admin", J.PASSWORD)
        eq(r.status, 429, "locked for every address")
        check("锁定" in r.text and "分钟后再试" in r.text, r.text[:300])
        retry = int(r.header("Retry-After"))
        check(14 * 60 <= retry <= 15 * 60, f"until the window passes: {retry}")
        for i in range(10):
            eq(attempt(a, "V1-admin", "wrong-%d-y" % i).status, 429)
            eq(attempt(c, "V1-admin", J.PASSWORD).status, 429)
        eq(counts(db), before, "refused attempts do not extend the lock")
        # the window passes
        db.sql("UPDATE login_attempt SET at = at - 3600")
        db.sql("UPDATE login_failure SET not_before = not_before - 3600")
        login_within(client(s, CLEAN), "V1-admin", 0)
    finally:
        s.stop()


def test_140_owner_and_admins_told(db):
    """Failures reaching login_max_failures write security.login_failures
    into the account's village's audit log; the admins' accounts page names
    the account until its owner logs in; the owner's first page after
    login says how many failed and from where, once."""
    J.town(db)
    cli_ok(db, "config", "set", "login_delay_max_seconds", "2")
    s = J.Server(db)
    try:
        a = client(s, ATTACKER)
        for i in range(6):
            eq(attempt(a, "V1-scorer", "wrong-%d-x" % i).status, 401 if i < 5 else 429)
        rows = db.sql("SELECT a.login, a.ip, v.code, a.object FROM audit a"
                      " LEFT JOIN village v ON v.id = a.village_id"
                      " WHERE a.action = 'security.login_failures'")
        eq(rows, [["V1-scorer", ATTACKER, "V1", "account:V1-scorer"]], "one row, at the 5th")
        want = f"账号 V1-scorer 自上次登录以来有 5 次失败的登录尝试，最近一次来自 {ATTACKER}"
        for admin in ("admin", "V1-admin"):
            t = s.client()
            t.login(admin)
            check(want in t.get("/accounts").text, f"{admin}'s accounts page")
        v2 = s.client()
        v2.login("V2-admin")
        check("V1-scorer" not in v2.get("/accounts").text, "not another village's")
        # the owner, from another address
        o = client(s, CLEAN)
        login_within(o, "V1-scorer", 2)
        page = o.get("/v/V1")
        eq(page.status, 200)
        check(f"自上次登录以来有 5 次失败的登录尝试，最近一次来自 {ATTACKER}" in page.text,
              page.text[:2000])
        check("自上次登录以来" not in o.get("/v/V1").text, "told once")
        t = s.client()
        t.login("admin")
        check("V1-scorer 自上次登录以来" not in t.get("/accounts").text, "cleared by the login")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
