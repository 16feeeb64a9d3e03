"""The villagers' way in and what the village office prints and reads
(issue 15 items 5, 7, 9), through the real binary on both backends:

  010  GET / is the villagers' front door for a visitor: the village by
       name, links to every village's public standard, announcements, catalog
  020  the household logs in by head's name, by 001, by ZHANGMA-style code
       in upper case, with the village given by code or by name; the top bar
       reads "V1村 · 户主1家"; the passbook links the standard,
       announcements and catalog
  030  no enumeration: a wrong PIN, an unknown head's name and an unknown
       code get the same status and the same page; throttled like PIN logins
  040  town.public_url: `jifen town-url` shows, sets, refuses a bad URL,
       removes with none; cards say so when unset or loopback, and carry it
  050  batch printing: every participating household's card in code order,
       a selection, no token minted, the QR card still valid
  060  the audit log in Chinese, field by field, dates not Unix times, and
       its filters by person, household and kind
  070  长辈模式: /mode sets and clears the cookie and goes back only to a
       local page; the page carries class="elder"
  080  the 长辈模式 switch keeps the page's query: a list's search, a year
       and its sort come back as they were, Chinese and '&' included
  090  the demo's login hints name the front door as it is: `init --demo`
       prints /, the village's name, the head's name and the card's short
       code with the PIN, and logging in with exactly those works; the staff
       login page sends villagers to /; scripts/demo.sh and the README say
       the same (no /passbook/login, no 户编号登录)
  100  the town's settings page (/town/settings): the public URL set,
       refused (nothing saved, the value kept, the message of the CLI),
       warned about when loopback, removed; CSRF required; audited as the
       town admin; the town's name; the card pages link it; village
       accounts get 403
  110  the same settings through the API (GET /api/v1/town/settings, a POST
       a setting): refused with 400 and nothing written, CSRF required,
       null removes the address, each write audited, 403/401 for others
"""
import json
import os
import re

import jifentest as J
from jifentest import check, cli_ok, eq

STANDARD = J.SAMPLE_STANDARD


def setup(db):
    """V1 with households V1-001… (heads 户主1…) and PINs for 001 and 002
    (the same head's name for 003 as for 001), V2 with one; the server."""
    J.town(db)
    J.standard_and_households(db, "V1", ["V1-001", "V1-002", "V1-003", "V1-010"])
    J.standard_and_households(db, "V2", ["001"])
    db.sql("UPDATE household SET head_name='户主1' WHERE code='V1-003'")
    s = J.Server(db)
    a = s.client()
    a.login("V1-admin")
    pins = {}
    for code in ("V1-001", "V1-002", "V1-003"):
        hid = hid_of(db, code)
        a.get(f"/v/V1/households/{hid}/card")
        r = a.post(f"/v/V1/households/{hid}/card-token", {"pin": "1"})
        eq(r.status, 200, "card with PIN")
        pins[code] = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
    return s, a, pins


def hid_of(db, code):
    return db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id=h.village_id "
                  f"WHERE v.code='V1' AND h.code='{code}'")[0][0]


def door(s, village, who, pin):
    c = s.client()
    c.get("/")
    return c, c.post("/passbook/login", {"village": village, "household": who, "pin": pin})


def test_010_front_door(db):
    s, _, _ = setup(db)
    try:
        r = s.client().get("/")
        eq(r.status, 200)
        check("农户查积分" in r.text and "<option value=\"V1\">V1村</option>" in r.text, "village by name")
        for link in ("/v/V1/standard", "/v/V1/announcements", "/v/V1/catalog", "/v/V2/catalog", "/login"):
            check(f'href="{link}"' in r.text, link)
        check('name="description"' in r.text and 'property="og:image"' in r.text, "share meta")
    finally:
        s.stop()


def test_020_ways_in(db):
    s, _, pins = setup(db)
    try:
        for village, who in (("V1", "V1-001"), ("V1", "001"), ("v1", "v1-001"), ("V1村", "001")):
            c, r = door(s, village, who, pins["V1-001"])
            eq(r.status, 303, f"{village}/{who}")
            p = c.get("/passbook")
            eq(p.status, 200)
            check('<span class="who">V1村 · 户主1家</span>' in p.text, "names in the top bar")
            for link in ("/v/V1/standard", "/v/V1/announcements", "/v/V1/catalog"):
                check(f'href="{link}"' in p.text, link)
        # two households share a head's name: each PIN opens its own
        for code in ("V1-001", "V1-003"):
            c, r = door(s, "V1", "户主1", pins[code])
            eq(r.status, 303, code)
            eq(c.get("/api/v1/session").json().get("login"), code, "the household of that PIN")
    finally:
        s.stop()


def test_030_no_enumeration(db):
    s, _, pins = setup(db)
    try:
        wrong = "000000" if pins["V1-001"] != "000000" else "111111"
        answers = []
        for who, pin in (("001", wrong), ("没有这人", pins["V1-001"]), ("999", pins["V1-001"]),
                         ("V1-010", "123456")):  # 010 has no PIN at all
            _, r = door(s, "V1", who, pin)
            body = re.sub(r'value="[^"]*"', "", r.text)  # the form keeps what was typed
            answers.append((r.status, body))
        eq(len({a for a in answers}), 1, "one answer for every failure")
        eq(answers[0][0], 401)
        check("户主姓名" in answers[0][1] and "001" in answers[0][1], "says what to check")
        # throttled as PIN logins are: the household's lock counts "001" and "V1-001" apart
        # from other households but the same however it is cased
        statuses = [door(s, "V1", "V1-002" if i % 2 else "v1-002", wrong)[1].status for i in range(12)]
        check(429 in statuses, f"locked after failures: {statuses}")
    finally:
        s.stop()


def test_040_public_url(db):
    s, a, _ = setup(db)
    try:
        eq(cli_ok(db, "town-url").strip(), "（未设置）")
        rc, _, err = J.cli(db, "town-url", "ftp://x")
        eq(rc, 1, "a bad URL")
        check("公开网址无效" in err)
        hid = db.sql("SELECT id FROM household WHERE code='V1-002'")[0][0]
        page = a.get(f"/v/V1/households/{hid}/card").text
        check("还没有设置公开网址" in page, "warning when unset")
        cli_ok(db, "town-url", "http://127.0.0.1:8080")
        check("服务器本机地址" in a.get("/v/V1/cards").text, "warning when loopback")
        cli_ok(db, "town-url", "https://jifen.example.cn")
        eq(cli_ok(db, "town-url").strip(), "https://jifen.example.cn")
        r = a.post(f"/v/V1/households/{hid}/card-token", {})
        eq(r.status, 200)
        check("https://jifen.example.cn/p/" in r.text and "公开网址" not in r.text, "the card carries it")
        check("https://jifen.example.cn" in a.get("/v/V1/cards").text)
        eq(db.sql("SELECT COUNT(*) FROM audit WHERE action='town.public_url'"), [["2"]], "audited")
        cli_ok(db, "town-url", "none")
        eq(cli_ok(db, "town-url").strip(), "（未设置）")
    finally:
        s.stop()


def test_050_batch_cards(db):
    s, a, _ = setup(db)
    try:
        before = db.sql("SELECT household_id, token_hash, revoked_at FROM passbook_token ORDER BY 1, 2")
        r = a.get("/v/V1/cards")
        eq(r.status, 200)
        codes = re.findall(r"户编号 (V1-\d+)</p>", r.text)
        eq(codes, ["V1-001", "V1-002", "V1-003", "V1-010"], "every card, in code order")
        check("共 4 张卡" in r.text)
        r = a.get("/v/V1/cards?h=002%20v1-010")
        eq(re.findall(r"户编号 (V1-\d+)</p>", r.text), ["V1-002", "V1-010"], "a selection")
        check("没有户编号" in a.get("/v/V1/cards?h=777").text, "an unknown selection named")
        eq(db.sql("SELECT household_id, token_hash, revoked_at FROM passbook_token ORDER BY 1, 2"),
           before, "printing mints and revokes nothing")
        eq(a.get("/v/V2/cards").status, 404, "another village's cards")
    finally:
        s.stop()


def test_060_audit_in_chinese(db):
    s, a, pins = setup(db)
    try:
        r = a.get("/v/V1/audit")
        eq(r.status, 200)
        check("发放二维码积分卡" in r.text and "passbook.token<" not in r.text, "actions in words")
        check(re.search(r"PIN 设置时间：（空） → \d{4}-\d\d-\d\d \d\d:\d\d", r.text), "dates, field names")
        check(not re.search(r"\b1[6-9]\d{8}\b", r.text), "no Unix times")
        r = a.get("/v/V1/audit?household=002")
        check(f"农户 V1-002（户主2）" in r.text and "V1-001" not in r.text, "one household")
        r = a.get("/v/V1/audit?kind=passbook")
        check("发放二维码积分卡" in r.text and "导入新增农户" not in r.text, "one kind")
        r = a.get("/v/V1/audit?who=nobody")
        check("没有符合条件的记录" in r.text, "a person with no acts")
        r = a.get("/v/V1/audit?who=V1-admin&kind=passbook&household=v1-001")
        check("V1-001" in r.text and "V1-002" not in r.text, "filters together: " + r.text[-3000:])
        check("本村没有户编号" in a.get("/v/V1/audit?household=nope").text)
    finally:
        s.stop()


def test_070_elder_mode(db):
    s, _, _ = setup(db)
    try:
        c = s.client()
        r = c.get("/mode?elder=1&back=/v/V1/catalog")
        eq(r.status, 303)
        eq(r.header("Location"), "/v/V1/catalog")
        check("jifen_elder=1" in r.header("Set-Cookie"))
        r = c.get("/mode?elder=1&back=//evil.example")
        eq(r.header("Location"), "/", "only a local page")
        p = c.get("/v/V1/catalog")
        check('<html lang="zh-CN" class="elder">' in p.text, "large type")
        check("标准字号" in p.text and 'data-speak="main"' in p.text, "switch back, read aloud")
        eq(c.get("/mode?elder=0&back=/v/V1/catalog").status, 303)
        p = c.get("/v/V1/catalog")
        check('<html lang="zh-CN">' in p.text and "长辈模式" in p.text)
    finally:
        s.stop()


def test_080_elder_switch_keeps_query(db):
    s, a, _ = setup(db)
    try:
        t = s.client()
        t.login("admin")
        for c, path in ((a, "/v/V1/households?q=%E6%88%B7%E4%B8%BB1&page=1"),
                        (t, "/town?year=2024&sort=code&desc=1"),
                        (s.client(), "/v/V1/standard?x=a%26b%3Dc")):
            page = c.get(path).text
            m = re.search(r'<a class="mode" href="(/mode\?elder=1&amp;back=[^"]*)"', page)
            check(m, f"the switch on {path}")
            r = c.get(m.group(1).replace("&amp;", "&"))
            eq(r.status, 303)
            want = path
            eq(r.header("Location"), want, f"back to {path}")
            p = c.get(r.header("Location"))
            check('class="elder"' in p.text, "large type on the same page")
            m = re.search(r'<a class="mode" href="(/mode\?elder=0&amp;back=[^"]*)"', p.text)
            eq(c.get(m.group(1).replace("&amp;", "&")).header("Location"), want, "and back")
        # a page without a query keeps its bare path
        page = s.client().get("/v/V1/catalog").text
        check('href="/mode?elder=1&amp;back=%2Fv%2FV1%2Fcatalog"' in page, "bare path")
    finally:
        s.stop()


def test_090_demo_login_hints(db):
    out = cli_ok(db, "init", "--demo")
    m = re.search(r"打开首页 /，村选 (\S+?)，户主姓名填 (\S+?)（或积分卡上的户编号 (\d+)），PIN (\d{6})",
                  out)
    check(m, out)
    village, head, short, pin = m.groups()
    check("/passbook/login" not in out and "工作人员登录: /login" in out, out)
    eq(db.sql(f"SELECT h.head_name FROM household h JOIN village v ON v.id = h.village_id"
              f" WHERE v.name = '{village}' AND h.code = v.code || '-{short}'"
              f" AND h.pin_hash IS NOT NULL"), [[head]], "the printed household has the PIN")
    s = J.Server(db)
    try:
        for who in (head, short):
            c = s.client()
            front = c.get("/")
            check(f">{village}</option>" in front.text and "户主姓名" in front.text, "the door")
            r = c.post("/passbook/login", {"village": village, "household": who, "pin": pin})
            eq(r.status, 303, f"login as printed ({who}): {r.text[:300]}")
            eq(r.header("Location"), "/passbook")
        staff = s.client().get("/login").text
        check('农户查积分请到<a href="/">首页</a>' in staff and "户编号登录" not in staff, "staff page")
    finally:
        s.stop()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    for name in ("scripts/demo.sh", "README.md"):
        with open(os.path.join(root, name), encoding="utf-8") as f:
            text = f.read()
        check("passbook/login" not in text and "户编号登录" not in text, name)
        check("$LISTEN/ " in text or "home page `/`" in text, f"{name} names the front door")


def test_100_town_settings_page(db):
    s, a, _ = setup(db)
    try:
        t = s.client()
        t.login("admin")
        p = t.get("/town/settings")
        eq(p.status, 200)
        check("还没有设置公开网址" in p.text and 'name="csrf"' in p.text, "warns, carries CSRF")
        check('href="/town/settings"' in p.text and "镇设置" in p.text, "in the town's menu")
        check("town.approve_days" in p.text, "the oversight settings shown")
        r = t.post("/town/settings/public-url", {"public_url": "ftp://x<y"})
        eq(r.status, 400)
        check("公开网址无效" in r.text and 'value="ftp://x&lt;y"' in r.text, "refused, kept, escaped")
        eq(cli_ok(db, "town-url").strip(), "（未设置）", "nothing saved")
        eq(t.post("/town/settings/public-url", {"public_url": "https://a.example"},
                  csrf=False).status, 403, "no CSRF token")
        eq(cli_ok(db, "town-url").strip(), "（未设置）")
        hid = db.sql("SELECT id FROM household WHERE code='V1-002'")[0][0]
        check('href="/town/settings#public-url"' in t.get(f"/v/V1/households/{hid}/card").text,
              "the card page links the town's settings")
        check("镇设置" in a.get("/v/V1/cards").text, "and tells a village admin who sets it")
        r = t.post("/town/settings/public-url", {"public_url": "http://127.0.0.1:8080"})
        eq(r.status, 303)
        eq(r.header("Location"), "/town/settings?saved=url")
        check("服务器本机地址" in t.get(r.header("Location")).text, "loopback warned")
        r = t.post("/town/settings/public-url", {"public_url": " https://jifen.example.cn "})
        eq(r.status, 303)
        eq(cli_ok(db, "town-url").strip(), "https://jifen.example.cn")
        p = t.get("/town/settings?saved=url").text
        check("公开网址已改为 https://jifen.example.cn" in p and "服务器本机地址" not in p, "saved")
        check("https://jifen.example.cn" in a.get("/v/V1/cards").text, "the cards carry it")
        eq(db.sql("SELECT login, after_json FROM audit WHERE action='town.public_url'"
                  " ORDER BY id"),
           [["admin", '{"public_url":"http://127.0.0.1:8080"}'],
            ["admin", '{"public_url":"https://jifen.example.cn"}']], "audited, by the town admin")
        eq(t.post("/town/settings/public-url", {"public_url": ""}).status, 303)
        eq(cli_ok(db, "town-url").strip(), "（未设置）", "empty removes it")
        eq(t.post("/town/settings/name", {"name": ""}).status, 400)
        eq(t.post("/town/settings/name", {"name": "朱家角镇试点"}).status, 303)
        eq(cli_ok(db, "town").strip(), "朱家角镇试点")
        check("朱家角镇试点" in t.get("/town/settings").text)
        for c in (a, s.client()):
            eq(c.get("/town/settings").status, 403 if c is a else 303)
            eq(c.post("/town/settings/public-url", {"public_url": "https://x.example"}).status,
               403 if c is a else 303)
        eq(cli_ok(db, "town-url").strip(), "（未设置）", "a village admin cannot set it")
    finally:
        s.stop()


def test_110_town_settings_api(db):
    s, a, _ = setup(db)
    try:
        t = s.client()
        t.login("admin")

        def post(c, path, obj, csrf=True):
            h = {"Content-Type": "application/json"}
            if csrf:
                h["X-CSRF-Token"] = c.csrf
            return c.request("POST", path, body=json.dumps(obj), headers=h)

        r = t.get("/api/v1/town/settings")
        eq(r.status, 200)
        eq(r.json(), {"name": cli_ok(db, "town").strip(), "public_url": None})
        r = post(t, "/api/v1/town/settings/public-url", {"public_url": "ftp://x"})
        eq(r.status, 400)
        check(any("公开网址无效" in e for e in r.json()["errors"]), r.text)
        eq(cli_ok(db, "town-url").strip(), "（未设置）", "nothing saved")
        eq(post(t, "/api/v1/town/settings/public-url", {"public_url": "https://a.example"},
                csrf=False).status, 403, "no CSRF token")
        r = post(t, "/api/v1/town/settings/public-url", {"public_url": "https://jifen.example.cn"})
        eq(r.status, 200, r.text)
        eq(r.json()["public_url"], "https://jifen.example.cn")
        eq(cli_ok(db, "town-url").strip(), "https://jifen.example.cn", "the CLI sees it")
        eq(t.get("/api/v1/town/settings").json()["public_url"], "https://jifen.example.cn")
        r = post(t, "/api/v1/town/settings/name", {"name": ""})
        eq(r.status, 400, "a name is required")
        eq(post(t, "/api/v1/town/settings/name", {"name": 5}).status, 400, "a string")
        r = post(t, "/api/v1/town/settings/name", {"name": "朱家角镇试点"})
        eq(r.status, 200, r.text)
        eq(r.json(), {"name": "朱家角镇试点", "public_url": "https://jifen.example.cn"})
        eq(cli_ok(db, "town").strip(), "朱家角镇试点")
        eq(post(t, "/api/v1/town/settings/public-url", {"public_url": None}).status, 200)
        eq(cli_ok(db, "town-url").strip(), "（未设置）", "null removes it")
        eq(db.sql("SELECT login, action FROM audit WHERE action IN ('town.public_url', 'town.name')"
                  " ORDER BY id"),
           [["admin", "town.public_url"], ["admin", "town.name"], ["admin", "town.public_url"]],
           "each write audited, the refused ones not")
        for c in (a, s.client()):
            eq(c.get("/api/v1/town/settings").status, 403 if c is a else 401)
            eq(post(c, "/api/v1/town/settings/name", {"name": "x"}, csrf=c is a).status,
               403 if c is a else 401)
        eq(cli_ok(db, "town").strip(), "朱家角镇试点", "a village admin cannot set it")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
