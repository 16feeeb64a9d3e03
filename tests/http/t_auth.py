"""Accounts and access through the real binary: login, logout, CSRF,
throttling, session expiry, village scoping, security headers, the CLI's
exit codes for accounts and villages, and keep-alive."""
import hashlib
import os
import socket

import jifentest as J
from jifentest import cli, cli_ok, eq, check


def test_100_cli_exit_codes(db):
    cli_ok(db, "init")
    eq(cli(db, "village", "add", "V1", "一村")[0], 0)
    rc, _, err = cli(db, "village", "add", "V1", "重复")
    eq(rc, 1, "duplicate village")
    check("已经存在" in err, err)
    eq(cli(db, "village", "add", "bad code!", "村")[0], 1, "bad code")
    eq(cli(db, "village", "add", "V9")[0], 2, "missing NAME is usage")
    eq(cli(db, "frobnicate")[0], 2, "unknown command")
    eq(cli(db, "user", "add", "u1", "--role", "wizard", "--password-stdin", stdin="Passw0rd!\n")[0], 2)
    eq(cli(db, "user", "add", "u1", "--role", "scorer", "--password-stdin", stdin="Passw0rd!\n")[0], 1,
       "scorer without village")
    eq(cli(db, "user", "add", "u1", "--role", "scorer", "--village", "NOPE", "--password-stdin",
           stdin="Passw0rd!\n")[0], 1, "unknown village")
    rc, _, err = cli(db, "user", "add", "u1", "--role", "scorer", "--village", "V1",
                     "--password-stdin", stdin="short\n")
    eq(rc, 1, "weak password")
    check("8" in err, err)
    eq(cli(db, "user", "add", "u1", "--role", "scorer", "--village", "V1", "--password-stdin",
           stdin="Passw0rd!\n")[0], 0)
    eq(cli(db, "user", "add", "u1", "--role", "scorer", "--village", "V1", "--password-stdin",
           stdin="Passw0rd!\n")[0], 1, "duplicate login")
    eq(cli(db, "user", "add", "boss", "--role", "town_admin", "--village", "V1", "--password-stdin",
           stdin="Passw0rd!\n")[0], 1, "town admin with village")
    eq(cli(db, "init", "--bogus")[0], 2)
    for bad in ("-1", "0", "abc", "100000"):
        eq(cli(db, "serve", "--threads", bad)[0], 2, f"--threads {bad}")


def test_110_login_logout(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        r = c.get("/")  # the villagers' front door, with the way to the staff login
        eq(r.status, 200)
        check("农户查积分" in r.text and 'href="/login"' in r.text)
        r = c.get("/villages")
        eq(r.status, 303, "anonymous to a page goes to login")
        check(r.header("Location").startswith("/login?next="))
        c.get("/login")
        r = c.post("/login", {"login": "admin", "password": "wrong-pass1"})
        eq(r.status, 401)
        check("账号或密码不正确" in r.text)
        r = c.post("/login", {"login": "admin", "password": J.PASSWORD, "next": "/villages"})
        eq(r.status, 303)
        eq(r.header("Location"), "/villages")
        sc = r.header("Set-Cookie")
        check("HttpOnly" in sc and "SameSite=Lax" in sc, sc)
        r = c.get("/villages")
        eq(r.status, 200)
        check("V1村" in r.text)
        r = c.post("/logout", {})
        eq(r.status, 303)
        eq(c.get("/villages").status, 303, "logged out")
    finally:
        s.stop()


def test_120_open_redirect_refused(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        r = c.post("/login", {"login": "admin", "password": J.PASSWORD, "next": "//evil.example/"})
        eq(r.header("Location"), "/")
    finally:
        s.stop()


def test_130_csrf(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        # login itself needs the double-submit token
        r = c.post("/login", {"login": "admin", "password": J.PASSWORD}, csrf=False)
        eq(r.status, 403, "login without token")
        c.login("admin")
        r = c.post("/villages", {"code": "V3", "name": "三村"}, csrf=False)
        eq(r.status, 403, "state change without token")
        r = c.post("/villages", {"code": "V3", "name": "三村", "csrf": "0" * 64}, csrf=False)
        eq(r.status, 403, "wrong token")
        r = c.post("/villages", {"code": "V3", "name": "三村"})
        eq(r.status, 303, "with token")
        eq(db.sql("SELECT COUNT(*) FROM village WHERE code='V3'"), [["1"]])
    finally:
        s.stop()


def test_140_throttling(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        for i in range(5):
            eq(c.post("/login", {"login": "V1-admin", "password": "bad-guess%d" % i}).status, 401)
        r = c.post("/login", {"login": "V1-admin", "password": J.PASSWORD})
        eq(r.status, 429, "locked even with the right password")
        check("锁定" in r.text)
        # another account is not affected
        c2 = s.client()
        c2.login("V2-admin")
        # the lock lifts once the failures are older than the window
        db.sql("UPDATE login_attempt SET at = at - 3600")
        c.login("V1-admin")
    finally:
        s.stop()


def test_150_session_expiry(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("admin")
        eq(c.get("/villages").status, 200)
        db.sql("UPDATE session SET last_seen = last_seen - 31*60")
        eq(c.get("/villages").status, 303, "idle session expired")
        c.login("admin")
        db.sql("UPDATE session SET created_at = created_at - 13*3600")
        eq(c.get("/villages").status, 303, "absolute expiry")
        eq(db.sql("SELECT COUNT(*) FROM session"), [["0"]], "expired sessions are deleted")
    finally:
        s.stop()


def test_160_village_scoping(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        eq(c.get("/v/V1").status, 200)
        for path in ("/v/V2", "/v/V2/settings", "/v/V2/audit", "/v/NOPE"):
            eq(c.get(path).status, 404, path)
        eq(c.post("/v/V2/settings", {"objection_days": "9", "yearend_rule": "carry"}).status, 404)
        eq(c.get("/audit").status, 403, "town log is the town's")
        eq(c.get("/villages").status, 303, "village account goes to its village")
        sc = s.client()
        sc.login("V1-scorer")
        eq(sc.get("/v/V1/settings").status, 403, "scorer cannot change settings")
        t = s.client()
        t.login("admin")
        eq(t.get("/v/V2").status, 200)
        eq(t.get("/audit").status, 200)
    finally:
        s.stop()


def test_170_settings_and_audit(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        c.get("/v/V1/settings")
        r = c.post("/v/V1/settings", {"objection_days": "0", "yearend_rule": "carry"})
        eq(r.status, 400)
        check("异议期" in r.text)
        r = c.post("/v/V1/settings", {"admits_tenants": "1", "objection_days": "10",
                                      "yearend_rule": "carry_cap", "yearend_cap": "100"})
        eq(r.status, 303)
        eq(db.sql("SELECT admits_tenants, objection_days, yearend_rule FROM village WHERE code='V1'"),
           [["1", "10", "carry_cap"]])
        r = c.get("/v/V1/audit")
        check("修改本村设置" in r.text and "V1-admin" in r.text and "127.0.0.1" in r.text)
        # the audit log refuses changes in the database itself
        rc = None
        try:
            db.sql("UPDATE audit SET login='x'")
            rc = "updated"
        except Exception:
            rc = "refused"
        eq(rc, "refused", "audit is append-only")
    finally:
        s.stop()


def test_180_security_headers_and_static(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        r = c.get("/login")
        csp = r.header("Content-Security-Policy")
        check(csp and "frame-ancestors 'none'" in csp, csp)
        eq(r.header("X-Content-Type-Options"), "nosniff")
        check(r.header("Referrer-Policy"))
        r = c.get("/static/app.css")
        eq(r.status, 200)
        check("max-age" in r.header("Cache-Control"))
        etag = r.header("ETag")
        eq(etag, '"' + hashlib.sha256(r.body).hexdigest()[:16] + '"', "the ETag names these bytes")
        eq(c.get("/static/app.css", headers={"If-None-Match": etag}).status, 304)
        eq(c.get("/static/nope.css").status, 404)
        eq(c.get("/no/such/page").status, 404)
        eq(c.request("DELETE", "/login").status, 405)
    finally:
        s.stop()


def test_190_limits(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        big = "x" * (300 * 1024)
        r = c.post("/login", {"login": "admin", "password": big})
        eq(r.status, 413, "body over the limit")
        # keep-alive: several requests on one connection
        k = s.client()
        for _ in range(5):
            eq(k.get("/login").status, 200)
        check(k.conn.sock is not None, "connection kept open")
    finally:
        s.stop()


def test_200_password_change(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        other = s.client()
        other.login("V1-scorer")
        c.get("/account/password")
        r = c.post("/account/password", {"old": "nope", "new": "abc", "new2": "abc"})
        eq(r.status, 400)
        check("原密码不正确" in r.text and "8" in r.text)
        r = c.post("/account/password", {"old": J.PASSWORD, "new": "NewPassw0rd", "new2": "NewPassw0rd"})
        eq(r.status, 303)
        eq(c.get("/v/V1").status, 200, "this session stays")
        eq(other.get("/v/V1").status, 303, "other sessions end")
        x = s.client()
        x.get("/login")
        eq(x.post("/login", {"login": "V1-scorer", "password": J.PASSWORD}).status, 401)
        x.login("V1-scorer", "NewPassw0rd")
    finally:
        s.stop()


def test_210_backup(db):
    J.town(db)
    out = os.path.join(db.dir, "copy.db")
    rc, o, err = cli(db, "backup", out)
    eq(rc, 0, err)
    if J.BACKEND == "postgresql":
        # jifen runs pg_dump itself (custom format; t_deploy.py restores it)
        eq(cli(db, "backup", out)[0], 1, "never overwrites")
        with open(out, "rb") as f:
            eq(f.read(5), b"PGDMP")
        return
    eq(cli(db, "backup", out)[0], 1, "never overwrites")
    copy = J.Db.__new__(J.Db)
    copy.pg_name = None
    copy.url = out
    eq(copy.sql("SELECT COUNT(*) FROM village"), [["2"]])


def test_220_accounts_pages(db):
    J.town(db)
    s = J.Server(db)
    try:
        a = s.client()
        a.login("V1-admin")
        r = a.get("/accounts")
        eq(r.status, 200)
        check("V1-scorer" in r.text and "V2-scorer" not in r.text, "own village only")
        r = a.post("/accounts", {"login": "V1-new", "role": "town_admin", "password": J.PASSWORD})
        eq(r.status, 400, "a village admin cannot create town admins")
        r = a.post("/accounts", {"login": "V1-new", "role": "scorer", "password": J.PASSWORD})
        eq(r.status, 303)
        eq(db.sql("SELECT v.code, a.must_change FROM account a JOIN village v ON v.id=a.village_id"
                  " WHERE login='V1-new'"), [["V1", "1"]])
        eq(a.post("/accounts/V2-scorer/disable", {}).status, 404, "other village's account")
        # the new account must change its password first
        n = s.client()
        n.login("V1-new")
        r = n.get("/v/V1")
        eq(r.status, 303)
        eq(r.header("Location"), "/account/password")
        n.get("/account/password")
        eq(n.post("/account/password", {"old": J.PASSWORD, "new": "Fresh-pass1",
                                        "new2": "Fresh-pass1"}).status, 303)
        eq(n.get("/v/V1").status, 200)
        # disabling ends its sessions
        eq(a.post("/accounts/V1-new/disable", {}).status, 303)
        eq(n.get("/v/V1").status, 303)
        sc = s.client()
        sc.login("V1-scorer")
        eq(sc.get("/accounts").status, 403)
    finally:
        s.stop()


def test_230_security_policy(db):
    J.town(db)
    eq(cli(db, "config", "set", "password_min_length", "12")[0], 0)
    eq(cli(db, "config", "set", "password_min_length", "4")[0], 1, "below the floor")
    eq(cli(db, "config", "set", "no_such", "4")[0], 1)
    rc, _, err = cli(db, "user", "add", "u12", "--role", "scorer", "--village", "V1",
                     "--password-stdin", stdin="Passw0rd!\n")
    eq(rc, 1, "shorter than the configured 12")
    check("12" in err, err)
    eq(cli(db, "config", "set", "login_max_failures", "3")[0], 0)
    eq(cli(db, "config", "set", "password_max_age_days", "30")[0], 0)
    check("password_max_age_days" in cli_ok(db, "config"))
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        for i in range(3):
            eq(c.post("/login", {"login": "V1-shop", "password": "wrong-%d-x" % i}).status, 401)
        eq(c.post("/login", {"login": "V1-shop", "password": J.PASSWORD}).status, 429,
           "locked after the configured 3")
        # an expired password must be changed first
        db.sql("UPDATE account SET pw_changed_at = pw_changed_at - 31*86400 WHERE login='V1-scorer'")
        x = s.client()
        x.get("/login")
        eq(x.post("/login", {"login": "V1-scorer", "password": J.PASSWORD}).status, 303)
        r = x.get("/v/V1")
        eq(r.status, 303)
        eq(r.header("Location"), "/account/password")
        # idle timeout from the policy
        eq(cli(db, "config", "set", "session_idle_minutes", "5")[0], 0)
        y = s.client()
        y.login("V1-admin")
        eq(y.get("/v/V1").status, 200)
        db.sql("UPDATE session SET last_seen = last_seen - 6*60")
        eq(y.get("/v/V1").status, 303, "idle for longer than the configured 5 minutes")
    finally:
        s.stop()


def test_240_security_events_audited(db):
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        c.post("/login", {"login": "V1-admin", "password": "nope-nope1"})
        c.login("V1-admin")
        c.get("/v/V2")                      # another village: denied
        c.get("/audit")                     # the town's log: denied
        c.post("/v/V1/settings", {"objection_days": "7"}, csrf=False)   # CSRF
        c.get("/v/V1/balances.csv")
        c.post("/logout", {})
        rows = db.sql("SELECT action, login, ip FROM audit WHERE action LIKE 'security.%' ORDER BY id")
        actions = [r[0] for r in rows]
        for a in ("security.login_failed", "security.login", "security.denied", "security.csrf",
                  "security.export", "security.logout"):
            check(a in actions, f"{a} in {actions}")
        check(all(r[2] == "127.0.0.1" for r in rows), rows)
        check(all(r[1] == "V1-admin" for r in rows), rows)
        # the events are in the append-only audit table
        try:
            db.sql("DELETE FROM audit WHERE action LIKE 'security.%'")
            deleted = True
        except Exception:
            deleted = False
        eq(deleted, False, "security events cannot be deleted")
        # the town admin sees them; a village admin only their village's
        t = s.client()
        t.login("admin")
        check("登录失败" in t.get("/audit").text)
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
