"""t_hostile_auth — what an attacker sends to the login and its tokens:
redirects after login (issue 11, finding 5), pre-login CSRF tokens jifen
did not issue, the Secure flag behind a TLS proxy, and JSON bodies that
name a member twice (finding 8).

Run: JIFEN_BIN=build/jifen python3 tests/http/t_hostile_auth.py [NAME...]
"""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

TODAY = datetime.date.today().isoformat()

# (name, next) that must not leave the site: each sends the browser to "/"
HOSTILE_NEXT = [
    ("100-tab", "/\t/evil.example"),
    ("101-newline", "/\n/evil.example"),
    ("102-cr", "/\r/evil.example"),
    ("103-space", "/ /evil.example"),
    ("104-backslash", "/\\evil.example"),
    ("105-double-slash", "//evil.example/"),
    ("106-leading-tab", "\t//evil.example"),
    ("107-leading-space", " /evil.example"),
    ("108-scheme", "https://evil.example/"),
    ("109-nul", "/\x00/evil.example"),
    ("110-del", "/\x7f/evil.example"),
    ("111-tab-later", "/v/V1\t/x"),
    ("112-empty", ""),
]


def test_100_next_after_login(db):
    """Each hostile next= lands on "/", asked for in the form and in the
    query string of the login page (its hidden field); a local path is
    kept."""
    J.town(db)
    s = J.Server(db)
    try:
        problems = []
        for name, nxt in HOSTILE_NEXT:
            c = s.client()
            page = c.get("/login?next=" + J.urllib.parse.quote(nxt, safe=""))
            if 'name="next" value="/"' not in page.text:
                problems.append(f"{name}: the login page carries {nxt!r} on")
            r = c.post("/login", {"login": "admin", "password": J.PASSWORD, "next": nxt})
            if r.status != 303 or r.header("Location") != "/":
                problems.append(f"{name}: {r.status} Location {r.header('Location')!r}")
        c = s.client()
        c.get("/login")
        r = c.post("/login", {"login": "admin", "password": J.PASSWORD, "next": "/v/V1/households"})
        eq(r.header("Location"), "/v/V1/households", "a local path is kept")
        check(not problems, "\n".join(problems))
    finally:
        s.stop()


def test_110_pre_login_token_must_be_issued(db):
    """Before login, a token the client made up is refused even when cookie
    and field match (one character, the old 32-hex form, 128 hex with a
    wrong MAC); jifen's own token works; nothing logs in with a forged one."""
    J.town(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.get("/login")
        issued = c.cookies.get("jifen_pre", "")
        eq(len(issued), 128, "32 random bytes and their MAC, as hex")
        forged = ["x", "0" * 32, "ab" * 64, issued[:64] + ("0" if issued[64] != "0" else "1") + issued[65:]]
        for i, tok in enumerate(forged):
            f = s.client()
            f.cookies["jifen_pre"] = tok
            r = f.post("/login", {"login": "admin", "password": J.PASSWORD, "csrf": tok}, csrf=False)
            eq(r.status, 403, f"forged token {i} ({tok[:10]}…)")
            check("jifen_sid" not in f.cookies, "no session from a forged token")
            # the login page replaces it with one jifen issued
            f.get("/login")
            check(f.cookies.get("jifen_pre") != tok and len(f.cookies["jifen_pre"]) == 128,
                  "a forged cookie is replaced")
        r = c.post("/login", {"login": "admin", "password": J.PASSWORD})
        eq(r.status, 303, "the issued token logs in")
        # another instance of the town (same database) takes the same token
        s2 = J.Server(db)
        try:
            d = J.Client(s2.port)
            d.cookies["jifen_pre"] = issued
            r = d.post("/login", {"login": "admin", "password": J.PASSWORD, "csrf": issued},
                       csrf=False)
            eq(r.status, 303, "a second instance knows the secret")
        finally:
            s2.stop()
    finally:
        s.stop()


def session_cookie_after_login(s, headers):
    """The Set-Cookie of jifen_sid that logging in as admin answers, the
    login page and POST sent with headers."""
    c = s.client()
    c.get("/login", headers=headers)
    r = c.post("/login", {"login": "admin", "password": J.PASSWORD}, headers=headers)
    sid = [v for k, v in r.headers if k.lower() == "set-cookie" and v.startswith("jifen_sid=")]
    check(sid, f"no session cookie: {r.status}")
    return sid[0]


def test_120_secure_cookie_behind_tls_proxy(db):
    """The session cookie is Secure when a trusted proxy says the request
    came over https; X-Forwarded-Proto from anyone else is ignored."""
    J.town(db)
    s = J.Server(db)
    try:
        sid = session_cookie_after_login(s, {"X-Forwarded-Proto": "https"})
        check("Secure" not in sid, f"untrusted peer: {sid}")
    finally:
        s.stop()
    cli_ok(db, "config", "set", "trusted_proxies", "127.0.0.1, 10.0.0.0/8")
    s = J.Server(db)
    try:
        sid = session_cookie_after_login(s, {"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.9"})
        check("; Secure" in sid, f"trusted proxy, https: {sid}")
        # the audit row names the client, not the proxy
        rows = db.sql("SELECT ip FROM audit WHERE action = 'security.login' ORDER BY id DESC LIMIT 1")
        eq(rows, [["203.0.113.9"]], "the client's address")
        sid = session_cookie_after_login(s, {"X-Forwarded-Proto": "http"})
        check("Secure" not in sid, f"trusted proxy, http: {sid}")
    finally:
        s.stop()
    eq(J.cli(db, "config", "set", "trusted_proxies", "10.0.0.0/33")[0], 1, "a bad block")
    check("trusted_proxies" in cli_ok(db, "config"), "listed")


def test_130_duplicate_json_keys(db):
    """A JSON body naming a member twice is refused with 400 (a checker in
    front may read the first, jansson keeps the last); nothing written."""
    J.town(db)
    J.standard_and_households(db, "V1", ["001", "002"])
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        month = TODAY[:7]
        path = f"/api/v1/villages/V1/sheets/{month}/entries"
        body = ('{"household": "001", "item": "YF05", "quantity": 1, "date": "%s",'
                ' "note": "x", "household": "002"}' % TODAY)
        before = db.sql("SELECT COUNT(*) FROM entry")
        r = c.request("POST", path, body=body.encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
        eq(r.status, 400, f"duplicate member: {r.text[:200]}")
        check("重复" in r.json()["error"], r.text)
        eq(db.sql("SELECT COUNT(*) FROM entry"), before, "nothing written")
        one = json.dumps({"household": "001", "item": "YF05", "quantity": 1, "date": TODAY,
                          "note": "x"})
        r = c.request("POST", path, body=one.encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
        check(r.status in (200, 201), f"the same without the duplicate: {r.status} {r.text[:200]}")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
