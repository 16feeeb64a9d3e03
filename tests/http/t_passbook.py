"""The household passbook (积分存折) through the real binary: the village
admin sets a PIN (shown once) and prints a card with a QR token, the
household logs in and sees its balance, this year's and this quarter's
points, its entries with the approving meeting, its declarations; the
read-only /p/TOKEN view; the JSON API; and the access rules: throttling,
CSRF, households kept to their own passbook, villages kept apart, revoked
tokens dead, hostile names escaped.

The ledger is filled through the CLI (import standard / households /
entries, sheet approve), and every expected figure below is computed in
this file from the entries it writes, not read back from jifen."""
import datetime
import json
import os
import re
import struct
import tempfile
import zlib

import jifentest as J
from jifentest import check, cli_ok, eq

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = os.path.join(HERE, "..", "data", "sample-standard.csv")
HOSTILE = "<script>alert(1)</script>\"'&"

TODAY = datetime.date.today()
CUR_MONTH = TODAY.strftime("%Y-%m")
CUR_DAY1 = TODAY.strftime("%Y-%m-01")

# (household, item, quantity, date, note, points) — points from the sample
# standard: HJ01 +5, PA01 +10, YF04 -2, HJ03 +5, PA03 +10, ZF03 -30 (veto)
JUNE = [
    ("001", "HJ01", 1, "2024-06-05", "", 5),
    ("001", "PA01", 1, "2024-06-10", "夜间巡逻", 10),
    ("001", "YF04", 1, "2024-06-12", "", -2),
    ("002", "HJ03", 1, "2024-06-03", "", 5),
] + [("004", "PA03", 1, "2024-06-%02d" % (1 + i % 28), "", 10) for i in range(55)]
NOW = [
    ("001", "HJ01", 1, CUR_DAY1, "", 5),
    ("002", "ZF03", 1, CUR_DAY1, "经查实", -30),
]
MEETING = "2024-07-02"
RESOLUTION = "同意六月份积分结果（两委会议决议第6号）"


def expected(code):
    """balance, this year's points, this quarter's points of a household."""
    rows = [e for e in JUNE + NOW if e[0] == code]
    q = (TODAY.month - 1) // 3
    year = [e for e in rows if e[3][:4] == str(TODAY.year)]
    quarter = [e for e in year if (int(e[3][5:7]) - 1) // 3 == q]
    return (sum(e[5] for e in rows), sum(e[5] for e in year), sum(e[5] for e in quarter))


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def entries_csv(rows):
    out = "household,item,quantity,date,note\n"
    for h, item, q, d, note, _ in rows:
        out += f"{h},{item},{q},{d},{note}\n"
    return out


def setup(db):
    """Town with V1 (households 001–004, 003 with a hostile head name) and
    V2 (household 001); V1 scored for June 2024 and the current month,
    both approved."""
    J.town(db)
    tmp = tempfile.mkdtemp(dir=db.dir)
    hh = ("code,head_name,hukou,homestead,resident,joined\n"
          "001,张三,是,是,是,2024-01-01\n002,李四,是,是,是,2024-01-01\n"
          f"003,\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",是,是,是,2024-01-01\n"
          "004,王五,是,是,是,2024-01-01\n")
    cli_ok(db, "import", "households", "--village", "V1", write(tmp, "hh1.csv", hh))
    cli_ok(db, "import", "households", "--village", "V2",
           write(tmp, "hh2.csv", "code,head_name,hukou,homestead,resident,joined\n"
                 "001,赵六,是,是,是,2024-01-01\n"))
    cli_ok(db, "import", "standard", "--village", "V1", STANDARD, "--adopted", "2024-05-01",
           "--effective", "2024-05-01")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06",
           write(tmp, "june.csv", entries_csv(JUNE)))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", "--meeting-date",
           MEETING, "--attendees", "王书记、李主任、村民代表张某", "--resolution", RESOLUTION)
    cli_ok(db, "import", "entries", "--village", "V1", "--month", CUR_MONTH,
           write(tmp, "now.csv", entries_csv(NOW)))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", CUR_MONTH, "--meeting-date",
           TODAY.isoformat(), "--attendees", "两委全体", "--resolution", "同意本月积分")


def hid(db, village, code):
    return db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                  f" WHERE v.code='{village}' AND h.code='{code}'")[0][0]


def admin(s, login="V1-admin"):
    c = s.client()
    c.login(login)
    return c


def set_pin(c, village, household_id):
    """POST the PIN reset as c; returns the PIN parsed from the answer."""
    c.get(f"/v/{village}/households/{household_id}/card")
    r = c.post(f"/v/{village}/households/{household_id}/pin", {})
    eq(r.status, 200, "PIN reset answers with the card itself")
    m = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text)
    check(m, "PIN on the card: " + r.text[:2000])
    return m.group(1)


def household_login(s, village, code, pin):
    c = s.client()
    c.get("/passbook/login")
    r = c.post("/passbook/login", {"village": village, "household": code, "pin": pin})
    return c, r


def issue_token(c, village, household_id, with_pin=False):
    c.get(f"/v/{village}/households/{household_id}/card")
    r = c.post(f"/v/{village}/households/{household_id}/card-token",
               {"pin": "1"} if with_pin else {})
    eq(r.status, 200, "token issue answers with the card")
    m = re.search(r"/p/([0-9a-f]{64})", r.text)
    check(m, "token URL on the card")
    return m.group(1), r


def png_bytes():
    """A real 1x1 PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_100_pin_login_balance(db):
    setup(db)
    s = J.Server(db)
    try:
        h1 = hid(db, "V1", "001")
        a = admin(s)
        r = a.get(f"/v/V1/households/{h1}/card")
        eq(r.status, 200)
        check("张三" in r.text and "尚未设置 PIN" in r.text, "card before any PIN")
        check(f'href="/v/V1/households/{h1}"' in r.text, "card links back to the household")
        pin = set_pin(a, "V1", h1)
        # the PIN is stored only as an argon2id hash, and never audited in clear
        stored = db.sql(f"SELECT pin_hash FROM household WHERE id={h1}")[0][0]
        check(stored.startswith("$argon2id$") and pin not in stored, stored)
        audit = db.sql("SELECT COALESCE(before_json,'') || COALESCE(after_json,'') FROM audit"
                       " WHERE action='passbook.pin'")
        eq(len(audit), 1, "one audit row")
        check(pin not in audit[0][0], "no PIN in the audit JSON")
        # the PIN never appears in a URL: the answer was not a redirect
        eq(a.get(f"/v/V1/households/{h1}/card").text.count(pin), 0, "PIN shown once only")

        c, r = household_login(s, "V1", "001", pin)
        eq(r.status, 303, "household login")
        eq(r.header("Location"), "/passbook")
        r = c.get("/passbook")
        eq(r.status, 200)
        bal, year, quarter = expected("001")
        check(f'<div class="big">{bal}</div>积分余额' in r.text, f"balance {bal}")
        check(f'<div class="big">+{year}</div>{TODAY.year} 年得分' in r.text, "year points")
        check(f'<div class="big">+{quarter}</div>第 {(TODAY.month - 1) // 3 + 1} 季度得分'
              in r.text, "quarter points")
        check("一票否决" not in r.text, "no veto for 001")
        for item in ("宅前屋后无乱堆乱放", "参与治安巡防", "公共场合说脏话、不文明行为"):
            check(item in r.text, item)
        check('class="num neg"><b>-2</b>' in r.text and 'class="num pos"><b>+10</b>' in r.text,
              "signed, coloured points")
        check(MEETING in r.text and RESOLUTION in r.text, "approving meeting and resolution")
        check("共 4 条" in r.text, "four entries")
        # newest first
        check(r.text.index(CUR_DAY1) < r.text.index("2024-06-12") < r.text.index("2024-06-05"),
              "newest first")
        check("<script" not in r.text.split("</head>")[1], "no script in the body")
        # the stored figure and the sum of the ledger agree with ours
        eq(int(db.sql(f"SELECT balance FROM household_balance WHERE household_id={h1}")[0][0]),
           bal)
        eq(int(db.sql(f"SELECT SUM(points) FROM ledger_entry WHERE household_id={h1}")[0][0]),
           bal)
        # the API
        r = c.get("/api/v1/passbook")
        eq(r.status, 200)
        j = r.json()
        eq((j["balance"], j["year_points"], j["quarter_points"]), expected("001"), "API figures")
        eq(j["household"]["code"], "001")
        eq(j["total"], 4)
        eq([e["points"] for e in j["entries"]], [5, -2, 10, 5])
        eq(j["entries"][1]["approval"]["meeting_date"], MEETING)
        eq(j["entries"][1]["approval"]["resolution"], RESOLUTION)
        eq(j["veto"], False)
        # logout through the common route
        r = c.post("/logout", {})
        eq(r.status, 303)
        r = c.get("/passbook")
        eq(r.status, 303)
        eq(r.header("Location"), "/passbook/login")
    finally:
        s.stop()


def test_110_wrong_pin_throttled(db):
    setup(db)
    s = J.Server(db)
    try:
        pin = set_pin(admin(s), "V1", hid(db, "V1", "001"))
        wrong = "%06d" % ((int(pin) + 1) % 1000000)
        c = s.client()
        c.get("/passbook/login")
        for i in range(5):
            r = c.post("/passbook/login", {"village": "V1", "household": "001", "pin": wrong})
            eq(r.status, 401, f"wrong PIN {i + 1}")
            check("PIN 不对" in r.text)
        r = c.post("/passbook/login", {"village": "V1", "household": "001", "pin": pin})
        eq(r.status, 429, "locked after 5 failures, even with the right PIN")
        check("锁定" in r.text)
        # another household is not locked by it
        pin2 = set_pin(admin(s), "V1", hid(db, "V1", "002"))
        eq(household_login(s, "V1", "002", pin2)[1].status, 303)
        # unknown household / no PIN set: the same 401
        eq(household_login(s, "V1", "004", "123456")[1].status, 401)
        eq(household_login(s, "V9", "001", "123456")[1].status, 401)
        # the login form needs its CSRF token even before login
        c2 = s.client()
        c2.get("/passbook/login")
        r = c2.post("/passbook/login", {"village": "V1", "household": "002", "pin": pin2},
                    csrf=False)
        eq(r.status, 403, "login without CSRF token")
    finally:
        s.stop()


def test_120_household_sees_only_its_own(db):
    setup(db)
    s = J.Server(db)
    try:
        a = admin(s)
        h1, h2 = hid(db, "V1", "001"), hid(db, "V1", "002")
        pin1, pin2 = set_pin(a, "V1", h1), set_pin(a, "V1", h2)
        c1 = household_login(s, "V1", "001", pin1)[0]
        for path in ("/v/V1", "/v/V1/households", f"/v/V1/households/{h2}",
                     f"/v/V1/households/{h2}/card", "/villages", "/accounts",
                     "/api/v1/villages/V1/households"):
            eq(c1.get(path).status, 403, path)
        c1.get("/passbook")
        for path in (f"/v/V1/households/{h2}/pin", f"/v/V1/households/{h2}/card-token"):
            eq(c1.post(path, {}).status, 403, path)
        # no URL takes a household from the client: parameters are ignored
        r = c1.get(f"/passbook?household={h2}&household_id={h2}")
        check("户编号 001<" in r.text and "李四" not in r.text, "own passbook only")
        eq(c1.get(f"/api/v1/passbook?household={h2}").json()["household"]["code"], "001")
        # household 002 declares with a photo; 001 cannot fetch it
        c2 = household_login(s, "V1", "002", pin2)[0]
        c2.get("/passbook/declare")
        r = c2.post_multipart("/passbook/declare",
                              {"date": CUR_DAY1, "note": "帮邻居抢收稻谷", "item": ""},
                              {"photo": ("deed.png", png_bytes(), "image/png")})
        eq(r.status, 303, r.text[:500])
        r = c2.get("/passbook")
        m = re.search(r'href="/passbook/evidence/([0-9a-f]{64})"', r.text)
        check(m, "photo link on the declaration")
        r2 = c2.get(f"/passbook/evidence/{m.group(1)}")
        eq(r2.status, 200)
        eq(r2.header("Content-Type"), "image/png")
        eq(r2.body, png_bytes())
        eq(c1.get(f"/passbook/evidence/{m.group(1)}").status, 404, "another household's photo")
        eq(c1.get("/passbook/evidence/" + "0" * 64).status, 404)
        eq(c1.get("/passbook/evidence/../../etc").status, 404)
        # the veto of 002 shows on its passbook
        r = c2.get("/passbook")
        check("一票否决" in r.text and "不参加评优和兑换" in r.text, "veto shown")
        bal, year, _ = expected("002")
        check(f'<div class="big">{bal}</div>积分余额' in r.text, "002 balance")
        eq(c2.get("/api/v1/passbook").json()["veto"], True)
        # staff on the household's own routes: 403; anonymous API: 401
        eq(a.get("/api/v1/passbook").status, 403)
        eq(a.get("/passbook").status, 403)
        eq(s.client().get("/api/v1/passbook").status, 401)
        # a PIN reset ends the household's session
        set_pin(a, "V1", h1)
        eq(c1.get("/passbook").status, 303, "logged out by the PIN reset")
    finally:
        s.stop()


def test_130_qr_token(db):
    setup(db)
    s = J.Server(db)
    try:
        a = admin(s)
        h1 = hid(db, "V1", "001")
        token, r = issue_token(a, "V1", h1)
        check("<svg" in r.text and "<path d=\"M" in r.text, "QR as inline SVG")
        check(f"http://127.0.0.1:{s.port}/p/{token}" in r.text, "absolute URL from Host")
        check("data:" not in r.text)
        stored = db.sql("SELECT token_hash, revoked_at FROM passbook_token")
        eq(len(stored), 1)
        check(stored[0][0] != token and len(stored[0][0]) == 64, "only the hash is stored")
        audit = db.sql("SELECT after_json FROM audit WHERE action='passbook.token'")
        check(token not in audit[0][0], "no token in the audit")
        # the read-only view, anonymous
        v = s.client()
        r = v.get(f"/p/{token}")
        eq(r.status, 200)
        bal, _, _ = expected("001")
        check(f'<div class="big">{bal}</div>积分余额' in r.text, "balance on /p/")
        check('<meta name="robots" content="noindex, nofollow">' in r.text, "noindex")
        eq(r.header("X-Robots-Tag"), "noindex, nofollow")
        eq(r.header("Referrer-Policy"), "same-origin")
        check("<form" not in r.text, "read-only: no forms")
        check(RESOLUTION in r.text)
        j = v.get(f"/api/v1/p/{token}").json()
        eq(j["balance"], bal)
        eq(j["household"]["code"], "001")
        # unknown, malformed: 404
        eq(v.get("/p/" + "a" * 64).status, 404)
        eq(v.get("/p/notatoken").status, 404)
        eq(v.get("/api/v1/p/" + "b" * 64).status, 404)
        # a new card revokes the old one; the new one carries a PIN too
        token2, r = issue_token(a, "V1", h1, with_pin=True)
        m = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text)
        check(m, "card with PIN and QR")
        eq(v.get(f"/p/{token}").status, 404, "old token revoked")
        eq(v.get(f"/p/{token2}").status, 200)
        eq(household_login(s, "V1", "001", m.group(1))[1].status, 303, "the card's PIN works")
        # revoke
        a.get(f"/v/V1/households/{h1}/card")
        r = a.post(f"/v/V1/households/{h1}/card-token/revoke", {})
        eq(r.status, 303)
        eq(v.get(f"/p/{token2}").status, 404, "revoked")
        eq(v.get(f"/api/v1/p/{token2}").status, 404, "revoked (API)")
        r = a.get(r.header("Location"))
        check("已作废" in r.text and "没有有效的二维码积分卡" in r.text)
        eq(len(db.sql("SELECT 1 FROM audit WHERE action='passbook.token_revoke'")), 1)
        # a hostile Host header is refused, not printed
        a.get(f"/v/V1/households/{h1}/card")
        r = a.post(f"/v/V1/households/{h1}/card-token", {},
                   headers={"Host": 'evil"><script>x</script>'})
        eq(r.status, 400, "bad Host")
        check("<script>x" not in r.text)
    finally:
        s.stop()


def test_140_paging(db):
    setup(db)
    s = J.Server(db)
    try:
        pin = set_pin(admin(s), "V1", hid(db, "V1", "004"))
        c = household_login(s, "V1", "004", pin)[0]
        r = c.get("/passbook")
        check("第 1 / 2 页" in r.text and 'href="/passbook?page=2"' in r.text, "paging")
        eq(r.text.count('<tr id="e'), 50)
        check(len(r.body) < 40000, f"page size {len(r.body)}")
        r = c.get("/passbook?page=2")
        eq(r.text.count('<tr id="e'), 5)
        eq(c.get("/passbook?page=99").text.count('<tr id="e'), 5, "clamped to the last page")
        j = c.get("/api/v1/passbook?page=2&per_page=20").json()
        eq((j["page"], j["pages"], j["total"], len(j["entries"])), (2, 3, 55, 20))
        eq(j["balance"], expected("004")[0])
        # the card's page 2: its 长辈模式 switch comes back to page 2 (page 1's
        # is the bare card path, as on the stored page)
        tok = issue_token(admin(s), "V1", hid(db, "V1", "004"))[0]
        for path, back in ((f"/p/{tok}?page=1", f"/p/{tok}"),
                           (f"/p/{tok}?page=2", f"/p/{tok}?page=2")):
            v = s.client()
            m = re.search(r'<a class="mode" href="(/mode\?elder=1&amp;back=[^"]*)"', v.get(path).text)
            check(m, f"the switch on {path}")
            eq(v.get(m.group(1).replace("&amp;", "&")).header("Location"), back, f"back from {path}")
        p2 = v.get(f"/p/{tok}?page=2")
        check('class="elder"' in p2.text and p2.text.count('<tr id="e') == 5, "page 2, large type")
        m = re.search(r'<a class="mode" href="(/mode\?elder=0&amp;back=[^"]*)"', p2.text)
        eq(v.get(m.group(1).replace("&amp;", "&")).header("Location"), f"/p/{tok}?page=2", "and back")
    finally:
        s.stop()


def test_150_villages_kept_apart(db):
    setup(db)
    s = J.Server(db)
    try:
        h1 = hid(db, "V1", "001")
        h2v = hid(db, "V2", "001")
        b = admin(s, "V2-admin")
        eq(b.get(f"/v/V1/households/{h1}/card").status, 404)
        b.get(f"/v/V2/households/{h2v}/card")
        for path in ("pin", "card-token", "card-token/revoke"):
            eq(b.post(f"/v/V1/households/{h1}/{path}", {}).status, 404, path)
            eq(b.post(f"/v/V2/households/{h1}/{path}", {}).status, 404, "V1 id under V2 " + path)
        eq(db.sql(f"SELECT COUNT(*) FROM household WHERE pin_hash IS NOT NULL")[0][0], "0")
        eq(db.sql("SELECT COUNT(*) FROM passbook_token")[0][0], "0")
        # scorers and shopkeepers do not hand out PINs
        sc = admin(s, "V1-scorer")
        eq(sc.get(f"/v/V1/households/{h1}/card").status, 403)
        # the town admin may
        t = admin(s, "admin")
        eq(t.get(f"/v/V1/households/{h1}/card").status, 200)
        set_pin(t, "V1", h1)
        # a V2 household's PIN does not open V1's household of the same code
        pin = set_pin(b, "V2", h2v)
        eq(household_login(s, "V1", "001", pin)[1].status, 401)
        c = household_login(s, "V2", "001", pin)[0]
        r = c.get("/passbook")
        check("赵六" in r.text and "<div class=\"big\">0</div>积分余额" in r.text)
    finally:
        s.stop()


def test_160_hostile_name_escaped(db):
    setup(db)
    s = J.Server(db)
    try:
        h3 = hid(db, "V1", "003")
        a = admin(s)
        r = a.get(f"/v/V1/households/{h3}/card")
        check(not J.unescaped(r.text, HOSTILE) and J.escaped_form(HOSTILE) in r.text, "card")
        token, r = issue_token(a, "V1", h3, with_pin=True)
        check(not J.unescaped(r.text, HOSTILE), "card with QR")
        pin = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
        c = household_login(s, "V1", "003", pin)[0]
        r = c.get("/passbook")
        check(not J.unescaped(r.text, HOSTILE) and J.escaped_form(HOSTILE) in r.text, "passbook")
        r = s.client().get(f"/p/{token}")
        check(not J.unescaped(r.text, HOSTILE) and J.escaped_form(HOSTILE) in r.text, "/p/")
        eq(c.get("/api/v1/passbook").json()["household"]["head_name"], HOSTILE)
        # a hostile declaration note is escaped too
        c.get("/passbook/declare")
        r = c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": HOSTILE}, {})
        eq(r.status, 303, r.text[:400])
        r = c.get("/passbook")
        check(not J.unescaped(r.text, HOSTILE) and "待审核" in r.text)
    finally:
        s.stop()


def test_170_csrf_on_pin_reset(db):
    setup(db)
    s = J.Server(db)
    try:
        h1 = hid(db, "V1", "001")
        a = admin(s)
        a.get(f"/v/V1/households/{h1}/card")
        eq(a.post(f"/v/V1/households/{h1}/pin", {}, csrf=False).status, 403, "no token")
        eq(a.post(f"/v/V1/households/{h1}/pin", {"csrf": "0" * 64}).status, 403, "wrong token")
        eq(a.post(f"/v/V1/households/{h1}/card-token", {}, csrf=False).status, 403)
        eq(a.post(f"/v/V1/households/{h1}/card-token/revoke", {}, csrf=False).status, 403)
        eq(db.sql(f"SELECT COUNT(*) FROM household WHERE pin_hash IS NOT NULL")[0][0], "0")
        eq(db.sql("SELECT COUNT(*) FROM passbook_token")[0][0], "0")
        # GET never changes anything
        eq(a.get(f"/v/V1/households/{h1}/pin").status, 405)
    finally:
        s.stop()


def test_180_declarations(db):
    setup(db)
    s = J.Server(db)
    try:
        pin = set_pin(admin(s), "V1", hid(db, "V1", "001"))
        c = household_login(s, "V1", "001", pin)[0]
        r = c.get("/passbook/declare")
        eq(r.status, 200)
        check('enctype="multipart/form-data"' in r.text and "见义勇为" in r.text,
              "form with the items in force")
        # not an image, whatever its name and type say
        r = c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": "捡到钱包归还"},
                             {"photo": ("x.jpg", b"<?php echo 1; ?>" * 10, "image/jpeg")})
        eq(r.status, 400)
        check("JPEG 或 PNG" in r.text, "type checked by content")
        check("捡到钱包归还" in r.text, "the form keeps what was typed")
        # too large
        big = png_bytes() + b"\0" * (5 * 1024 * 1024 + 1)
        r = c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": "大照片"},
                             {"photo": ("big.png", big, "image/png")})
        eq(r.status, 400)
        eq(db.sql("SELECT COUNT(*) FROM evidence")[0][0], "0", "no photo kept from refusals")
        # no note
        r = c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": ""}, {})
        eq(r.status, 400)
        # no CSRF token
        r = c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": "x"}, {}, csrf=False)
        eq(r.status, 403)
        # a good one, with an item
        r = c.post_multipart("/passbook/declare",
                             {"date": CUR_DAY1, "note": "捡到钱包归还失主", "item": "PA04"},
                             {"photo": ("p.png", png_bytes(), "image/png")})
        eq(r.status, 303)
        eq(r.header("Location"), "/passbook?declared=1")
        r = c.get("/passbook?declared=1")
        check("申报已提交" in r.text and "捡到钱包归还失主" in r.text and "待审核" in r.text)
        rows = db.sql("SELECT household_id, item_code, status FROM declaration")
        eq(rows, [[hid(db, "V1", "001"), "PA04", "pending"]])
        j = c.get("/api/v1/passbook").json()
        eq(j["declarations"][0]["status"], "pending")
        eq(j["declarations"][0]["note"], "捡到钱包归还失主")
    finally:
        s.stop()


def test_190_corrections_and_declines(db):
    setup(db)
    h1 = hid(db, "V1", "001")
    orig = db.sql(f"SELECT id FROM ledger_entry WHERE household_id={h1} AND item_code='PA01'")[0][0]
    reason = "巡逻记录有误，核减 4 分"
    cli_ok(db, "ledger", "correct", "--village", "V1", "--entry", orig, "--points", "4",
           "--reason", reason)
    s = J.Server(db)
    try:
        pin = set_pin(admin(s), "V1", h1)
        c = household_login(s, "V1", "001", pin)[0]
        r = c.get("/passbook")
        bal = expected("001")[0] - 4
        check(f'<div class="big">{bal}</div>积分余额' in r.text, "balance after the correction")
        check("共 5 条" in r.text)
        check(f'<a href="#e{orig}">2024-06-10 的记录（原 +10 分）</a>：{reason}' in r.text,
              "correction linked to what it corrects, with the reason")
        check(f'<tr id="e{orig}">' in r.text and "已更正 -4 分" in r.text, "original marked")
        j = c.get("/api/v1/passbook").json()
        eq(j["balance"], bal)
        corr = [e for e in j["entries"] if e["kind"] == "correction"]
        eq(len(corr), 1)
        eq((corr[0]["correction_of"], corr[0]["points"], corr[0]["reason"]), (int(orig), -4, reason))
        # a declaration the scorer declines: the household sees the reason
        c.get("/passbook/declare")
        eq(c.post_multipart("/passbook/declare", {"date": CUR_DAY1, "note": "打扫村道"}, {}).status,
           303)
        did = db.sql("SELECT id FROM declaration")[0][0]
        sc = admin(s, "V1-scorer")
        sc.get("/v/V1/declarations")
        r = sc.post(f"/v/V1/declarations/{did}/decline", {"reason": "当天村道保洁由保洁员完成"})
        eq(r.status, 303, r.text[:500])
        r = c.get("/passbook")
        check("未采纳" in r.text and "原因：当天村道保洁由保洁员完成" in r.text, "decline reason")
        eq(c.get("/api/v1/passbook").json()["declarations"][0]["decline_reason"],
           "当天村道保洁由保洁员完成")
    finally:
        s.stop()


if __name__ == "__main__":  # t_passbook_store imports its helpers
    J.main(globals())
