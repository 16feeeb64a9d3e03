"""t_honours — honours (荣誉) and public-welfare posts (公益岗位), issue 14 parts 1
and 2, through the real binary, on both backends:

  010  `jifen honours` byte-exact against an independent computation from the
       ledger's rows in the test (sum of score and correction entries of the year,
       veto items not reversed in full): competition rank with ties by code, a veto
       household 否 with 0 stars, stars from the thresholds, `none`; a household
       that does not participate is absent; a year without points ranks all 1;
       the JSON has the same rows
  020  usage errors exit 2, an unknown village 1; a veto reversed in full by a
       correction makes the household eligible again
  030  `honours confirm`: a veto household on the shortlist is refused (exit 1,
       nothing written); the record keeps the meeting and the shortlist, a second
       confirmation is refused; later ledger entries change `jifen honours` but not
       the confirmed list (the page's CSV); the audit log holds it
  040  pages: the ranking shows the veto reason and the party-member household;
       confirming on the page with the shortlist; the public roll (names masked)
       and its print sheet without login; the certificates for the admin; the CSV
       download is the CLI's bytes with a BOM and CRLF; another village's admin
       gets 404
  050  posts: the admin posts an opening; a household applies from its passbook;
       another village's household cannot (404); the admin records one at the
       office; duplicates, a household not participating, a date outside the
       period refused; the candidates list shows the points part with the weight;
       the decision with its reason; the public page shows it; deciding twice
       refused; audited
  060  the JSON API: honours, confirm with models, a post created, an application,
       the decision; another village's admin gets 404
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import jifentest  # noqa: E402
from jifentest import check, cli, cli_ok, eq, score_month, town  # noqa: E402

HOUSEHOLDS = ["H01", "H02", "H03", "H04", "H05", "H06", "H07", "H08", "H10", "H9"]
HEADER = "household,name,year_points,rank,stars,eligible\n"


def setup(db):
    """V1: households H01..H10 and H9 (shorter: before H04 in code order),
    2024-05 and 2024-06 scored: ties at 30 (H02, H03) and 20 (H04, H05, H9),
    H05 with a veto item (ZF03), H08 negative, H07 nothing; H10 not participating.
    V2: H01, H02."""
    town(db)
    jifentest.standard_and_households(db, "V1", HOUSEHOLDS)
    jifentest.standard_and_households(db, "V2", ["H01", "H02"])
    db.sql("UPDATE household SET joined = NULL, participating = 0 WHERE code = 'H10'")
    db.sql("UPDATE household SET head_name = '张小明' WHERE code = 'H01'")
    score_month(db, "2024-05", [("H01", "PA04", 3, 1, "救起落水儿童"), ("H02", "YF05", 4, 2, ""),
                                ("H03", "YF05", 5, 3, ""), ("H04", "YF05", 6, 2, ""),
                                ("H05", "PA04", 7, 1, "扑救火灾"), ("H9", "YF05", 8, 2, "")])
    score_month(db, "2024-06", [("H02", "YF05", 4, 1, ""), ("H05", "ZF03", 9, 1, "参与赌博窝点"),
                                ("H05", "YF05", 10, 3, ""), ("H06", "YF05", 11, 1, ""),
                                ("H08", "YF04", 12, 1, "")])
    score_month(db, "2024-05", [("H01", "YF05", 3, 5, "")], village="V2")


def expected(db, village, year):
    """The honours CSV computed here from the ledger's rows and the settings."""
    rows = db.sql(
        "SELECT h.code, h.head_name, h.id FROM household h JOIN village v ON v.id = h.village_id"
        f" WHERE v.code = '{village}' AND h.participating = 1")
    pts = {int(r[2]): 0 for r in rows}
    for hid, p in db.sql(
            "SELECT le.household_id, le.points FROM ledger_entry le JOIN village v"
            f" ON v.id = le.village_id WHERE v.code = '{village}'"
            f" AND le.kind IN ('score', 'correction') AND le.month LIKE '{year}-%'"):
        pts[int(hid)] = pts.get(int(hid), 0) + int(p)
    veto = set()
    for eid, hid, p in db.sql(
            "SELECT le.id, le.household_id, le.points FROM ledger_entry le"
            " JOIN standard_item i ON i.id = le.item_id JOIN village v ON v.id = le.village_id"
            f" WHERE v.code = '{village}' AND le.kind = 'score' AND i.veto = 1"
            f" AND le.month LIKE '{year}-%'"):
        back = sum(int(x[0]) for x in db.sql(
            f"SELECT points FROM ledger_entry WHERE correction_of = {eid}"))
        if int(p) + back != 0:
            veto.add(int(hid))
    setting = db.sql(f"SELECT stars FROM village WHERE code = '{village}'")[0][0]
    th = [] if setting in ("none", "", None) else [int(x) for x in setting.split(",")]
    lines = [(code, name, pts[int(hid)], int(hid) not in veto) for code, name, hid in rows]
    lines.sort(key=lambda x: (-x[2], len(x[0]), x[0]))
    out, rank = HEADER, 0
    for i, (code, name, p, ok) in enumerate(lines):
        if i == 0 or p != lines[i - 1][2]:
            rank = i + 1
        stars = sum(1 for t in th if p >= t) if ok else 0
        out += f"{code},{name},{p},{rank},{stars},{'是' if ok else '否'}\n"
    return out


def honours(db, year="2024", village="V1", *extra):
    return cli_ok(db, "honours", "--village", village, "--year", year, *extra)


def test_010_cli_exact(db):
    setup(db)
    out = honours(db)
    eq(out, expected(db, "V1", 2024), "stars none")
    check(",0,是\n" in out and "H10" not in out, out)
    cli_ok(db, "village", "set", "V1", "stars", "20,30,50")
    out = honours(db)
    eq(out, expected(db, "V1", 2024), "stars 20,30,50")
    lines = out.splitlines()
    eq(lines[1], "H01,张小明,50,1,3,是")
    # H05: 50 - 30 + 30 = 50 points, veto: 否 and no stars, still ranked by points
    eq(lines[2], "H05,户主5,50,1,0,否")
    eq(lines[3], "H02,户主2,30,3,2,是")
    eq(lines[4], "H03,户主3,30,3,2,是")
    eq(lines[5:8], ["H9,户主10,20,5,1,是", "H04,户主4,20,5,1,是", "H06,户主6,10,7,0,是"])
    eq(lines[-1], "H08,户主8,-2,9,0,是")
    eq(honours(db, "2025"), expected(db, "V1", 2025), "a year without points")
    check(all(ln.split(",")[3] == "1" for ln in honours(db, "2025").splitlines()[1:]))
    js = json.loads(honours(db, "2024", "V1", "--format", "json"))
    eq([(o["household"], o["year_points"], o["rank"], o["stars"], o["eligible"]) for o in js],
       [(ln.split(",")[0], int(ln.split(",")[2]), int(ln.split(",")[3]), int(ln.split(",")[4]),
         ln.split(",")[5] == "是") for ln in lines[1:]])
    eq(honours(db, "2024", "V2"), expected(db, "V2", 2024), "V2")


def test_020_usage_and_reversed_veto(db):
    setup(db)
    for args in ((), ("--year", "2024"), ("--village", "V1"), ("--village", "V1", "--year", "24"),
                 ("--village", "V1", "--year", "2024", "--format", "xml"),
                 ("--village", "V1", "--year", "2024", "extra")):
        rc, _, err = cli(db, "honours", *args)
        eq(rc, 2, f"{args}: {err}")
        check("用法" in err, err)
    rc, out, err = cli(db, "honours", "--village", "NOPE", "--year", "2024")
    eq((rc, out), (1, ""))
    check("NOPE" in err, err)
    seq = db.sql("SELECT le.id FROM ledger_entry le JOIN household h ON h.id = le.household_id"
                 " WHERE h.code = 'H05' AND le.item_code = 'ZF03'")[0][0]
    check("H05,户主5,50,1,0,否\n" in honours(db), "veto")
    cli_ok(db, "ledger", "correct", "--village", "V1", "--entry", str(seq), "--points", "30",
           "--reason", "误记，经核实不是本户")
    out = honours(db)
    eq(out, expected(db, "V1", 2024))
    check("H05,户主5,80,1,0,是\n" in out, out)
    rc, out, err = cli(db, "help")
    check("honours --village CODE --year YYYY" in out + err)


def confirm(db, *extra, year="2024"):
    return cli(db, "honours", "confirm", "--village", "V1", "--year", year, "--meeting-date",
               "2024-12-28", "--attendees", "王书记、李主任等 5 人", "--resolution",
               "确认 2024 年度星级户和先进户", *extra)


def test_030_confirm(db):
    setup(db)
    cli_ok(db, "village", "set", "V1", "stars", "20,30,50")
    before = db.sql("SELECT COUNT(*) FROM honour_confirmation")[0][0]
    rc, out, err = confirm(db, "--models", "H01,H05")
    eq(rc, 1, err)
    check("H05" in err and "一票否决" in err, err)
    rc, out, err = confirm(db, "--models", "H01,NOPE")
    eq(rc, 1, err)
    check("NOPE" in err, err)
    rc, out, err = confirm(db, year="2099")
    eq(rc, 1, err)
    eq(db.sql("SELECT COUNT(*) FROM honour_confirmation")[0][0], before, "nothing written")
    rc, out, err = cli(db, "honours", "confirm", "--village", "V1", "--year", "2024")
    eq(rc, 2, err)
    rc, out, err = confirm(db, "--models", "H01,H02")
    eq(rc, 0, err)
    check(re.fullmatch(r"\d+\n", out), out)
    cid = int(out)
    row = db.sql(f"SELECT year, meeting_date, attendees, stars FROM honour_confirmation"
                 f" WHERE id = {cid}")[0]
    eq(list(row), ["2024", "2024-12-28", "王书记、李主任等 5 人", "20,30,50"])
    eq([r[0] for r in db.sql(f"SELECT code FROM honour_line WHERE confirmation_id = {cid}"
                             " AND model = 1 ORDER BY line_no")], ["H01", "H02"])
    frozen = honours(db)
    rc, out, err = confirm(db)
    eq(rc, 1, err)
    check("已经确认" in err, err)
    check(db.sql("SELECT COUNT(*) FROM audit WHERE action = 'honour.confirm'")[0][0] == "1")
    # a later approval in the year changes the live ranking, not the confirmed list
    score_month(db, "2024-07", [("H08", "PA04", 3, 1, "见义勇为")])
    check("H08,户主8,48," in honours(db), honours(db))
    s = jifentest.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        r = c.get("/v/V1/honours.csv?year=2024")
        eq(r.status, 200)
        eq(r.body, b"\xef\xbb\xbf" + frozen.replace("\n", "\r\n").encode())
        # the same frozen list as an Excel workbook, read back (python3-openpyxl)
        import io
        import openpyxl
        r = c.get("/v/V1/honours.xlsx?year=2024")
        eq(r.status, 200)
        ws = openpyxl.load_workbook(io.BytesIO(r.body))["星级户"]
        check("2024 年度星级户评定" in ws["A1"].value, ws["A1"].value)
        eq(ws.freeze_panes, "A3")
        cells = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
        table = [row[:6] for row in cells if row[0] and row[1]]
        want = [ln.split(",") for ln in frozen.splitlines()[1:]]
        eq([[str(x) for x in row] for row in table], want)
        check(all(isinstance(row[2], int) for row in table), "year points are numbers")
        check(any(row[0] and "确认" in str(row[0]) for row in cells), "the meeting as a note")
    finally:
        s.stop()


def test_040_pages(db):
    setup(db)
    cli_ok(db, "village", "set", "V1", "stars", "20,30,50")
    h3 = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                " WHERE v.code = 'V1' AND h.code = 'H03'")[0][0]
    db.sql("INSERT INTO member(household_id, name, relation, party_member, phone, created_at)"
           f" VALUES({h3}, '户主3', '户主', 1, '', 0)")
    live = honours(db)
    s = jifentest.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        r = c.get("/v/V1/honours?year=2024")
        eq(r.status, 200)
        check("一票否决：ZF03 传播邪教或参与黄赌毒（2024-06-09）" in r.text, r.text)
        check("党员户" in r.text and "党员评星定级" in r.text)
        check('name="model" value="H01" checked' in r.text, "the top three suggested")
        check('name="model" value="H05"' not in r.text, "no checkbox for the veto household")
        r = c.get("/v/V1/honours.csv?year=2024")
        eq(r.body, b"\xef\xbb\xbf" + live.replace("\n", "\r\n").encode())
        eq(c.get("/v/V1/honours/2024").status, 404, "not confirmed yet")
        r = c.post("/v/V1/honours/2024/confirm", [("meeting_date", "2024-12-28"),
                                                  ("attendees", "两委"), ("resolution", ""),
                                                  ("model", "H01")])
        eq(r.status, 400)
        check("会议决议不能为空" in r.text, r.text)
        r = c.post("/v/V1/honours/2024/confirm", [("meeting_date", "2024-12-28"),
                                                  ("attendees", "两委"), ("resolution", "同意"),
                                                  ("model", "H01"), ("model", "H03")])
        eq(r.status, 303, r.text[:300])
        r = c.get("/v/V1/honours?year=2024")
        check("2024-12-28" in r.text and "入选" in r.text and 'name="model"' not in r.text)
        cert = c.get("/v/V1/honours/2024/certificates")
        eq(cert.status, 200)
        check("张小明" in cert.text and "荣誉证书" in cert.text and "先进户" in cert.text)
        stars = [ln.split(",") for ln in live.splitlines()[1:]]
        eq(cert.text.count('<section class="certificate">'),
           sum(1 for x in stars if int(x[4]) > 0 or x[0] in ("H01", "H03")))
        b = s.client()
        b.login("V2-admin")
        eq(b.get("/v/V1/honours?year=2024").status, 404)
        eq(b.get("/v/V1/honours.csv?year=2024").status, 404)
        eq(b.get("/v/V1/honours/2024/certificates").status, 404)
        eq(b.post("/v/V1/honours/2024/confirm", {"resolution": "x"}).status, 404)
        anon = s.client()
        pub = anon.get("/v/V1/honours/2024")
        eq(pub.status, 200)
        check("张*明" in pub.text and "张小明" not in pub.text, "masked")
        check("户主5" not in pub.text and "户*5" not in pub.text, "no veto household shown")
        check("一票否决" not in pub.text.replace("一票否决户", ""))
        pr = anon.get("/v/V1/honours/2024/print")
        eq(pr.status, 200)
        check("/static/honour.css" in pr.text and "张*明" in pr.text and "V1村民委员会" in pr.text)
        eq(anon.get("/static/honour.css").status, 200)
        eq(anon.get("/v/V1/honours/2023").status, 404)
        eq(anon.get("/v/V1/honours/abcd").status, 404)
    finally:
        s.stop()


def household_client(s, db, village, code):
    """A client logged in as household code of village (its PIN set by the admin)."""
    a = s.client()
    a.login(f"{village}-admin")
    h = db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
               f" WHERE v.code = '{village}' AND h.code = '{code}'")[0][0]
    a.get(f"/v/{village}/households/{h}/card")
    r = a.post(f"/v/{village}/households/{h}/pin", {})
    pin = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
    c = s.client()
    c.get("/passbook/login")
    eq(c.post("/passbook/login", {"village": village, "household": code, "pin": pin}).status, 303)
    c.get("/passbook")
    return c


def test_050_posts(db):
    setup(db)
    import datetime
    today = datetime.date.today()
    past = (today - datetime.timedelta(days=400)).isoformat()
    s = jifentest.Server(db)
    try:
        a = s.client()
        a.login("V1-admin")
        a.get("/v/V1/posts")
        r = a.post("/v/V1/posts", {"title": "", "places": "0", "apply_from": "2024-13-01",
                                   "apply_until": "", "points_weight": "120"})
        eq(r.status, 400)
        for msg in ("岗位名称不能为空", "名额应为 1 到 100", "报名开始日期", "权重"):
            check(msg in r.text, msg)
        r = a.post("/v/V1/posts", {"title": "村道保洁员", "description": "每天上午两小时",
                                   "places": "1", "apply_from": "2024-01-01",
                                   "apply_until": today.isoformat(), "points_weight": "40"})
        eq(r.status, 303, r.text[:300])
        pid = int(db.sql("SELECT MAX(id) FROM welfare_post")[0][0])
        h = household_client(s, db, "V1", "H02")
        r = h.get("/passbook/posts")
        check("村道保洁员" in r.text and f"/passbook/posts/{pid}/apply" in r.text, r.text)
        r = h.post(f"/passbook/posts/{pid}/apply", {"note": "家里有人"})
        eq(r.status, 303, r.text[:300])
        r = h.post(f"/passbook/posts/{pid}/apply", {"note": "再报一次"})
        eq(r.status, 400)
        check("已经报名过" in r.text, r.text)
        o = household_client(s, db, "V2", "H01")
        eq(o.post(f"/passbook/posts/{pid}/apply", {"note": "别村的"}).status, 404)
        check("村道保洁员" not in o.get("/passbook/posts").text)
        a.get(f"/v/V1/posts/{pid}")
        for code, date, msg in (("H10", today.isoformat(), "没有参加积分制"),
                                ("NOPE", today.isoformat(), "不是本村的农户"),
                                ("H03", "2023-12-31", "不在报名期")):
            r = a.post(f"/v/V1/posts/{pid}/applications", {"household": code, "date": date})
            eq(r.status, 400, code)
            check(msg in r.text, msg)
        for code in ("H01", "H05"):
            r = a.post(f"/v/V1/posts/{pid}/applications", {"household": code,
                                                             "date": today.isoformat(),
                                                             "note": "村委会登记"})
            eq(r.status, 303, r.text[:300])
        eq(db.sql(f"SELECT COUNT(*) FROM welfare_application WHERE post_id = {pid}")[0][0], "3")
        r = a.get(f"/v/V1/posts/{pid}")
        # this year's points of the applicants: none in the test's 2024 ledger
        # unless the period ends in 2024; the points part is weight × p / best
        yr = today.year
        pts = {c: int(x) for c, x in (ln.split(",")[0:3:2] for ln in honours(
            db, str(yr)).splitlines()[1:])}
        best = max(pts[c] for c in ("H01", "H02", "H05"))
        for c in ("H01", "H02", "H05"):
            part = 0 if best <= 0 or pts[c] <= 0 else (40 * 10 * pts[c] * 2 + best) // (best * 2)
            check(f"{part // 10}.{part % 10} / 40" in r.text, f"{c} part {part}")
        r = a.post(f"/v/V1/posts/{pid}/decide", [("selected", "H01"), ("selected", "H02"),
                                                 ("reason", "积分高")])
        eq(r.status, 400)
        check("超过岗位名额" in r.text)
        r = a.post(f"/v/V1/posts/{pid}/decide", [("selected", "H03"), ("reason", "积分高")])
        eq(r.status, 400)
        check("没有报名" in r.text)
        r = a.post(f"/v/V1/posts/{pid}/decide", [("selected", "H01"), ("reason", "")])
        eq(r.status, 400)
        r = a.post(f"/v/V1/posts/{pid}/decide", [("selected", "H01"),
                                                 ("reason", "两委综合考察，积分部分最高")])
        eq(r.status, 303, r.text[:300])
        eq(db.sql(f"SELECT status, decision FROM welfare_post WHERE id = {pid}")[0],
           ["decided", "两委综合考察，积分部分最高"])
        r = a.post(f"/v/V1/posts/{pid}/decide", [("selected", "H02"), ("reason", "改")])
        eq(r.status, 400)
        check("不能更改" in r.text)
        r = h.post(f"/passbook/posts/{pid}/apply", {})
        eq(r.status, 400)
        check("未入选" in h.get("/passbook/posts").text)
        pub = s.client().get(f"/v/V1/openings/{pid}")
        eq(pub.status, 200)
        check("张*明" in pub.text and "张小明" not in pub.text and "积分部分最高" in pub.text)
        check(f"/v/V1/openings/{pid}" in s.client().get("/v/V1/openings").text)
        eq(s.client().get(f"/v/V2/openings/{pid}").status, 404)
        b = s.client()
        b.login("V2-admin")
        eq(b.get(f"/v/V1/posts/{pid}").status, 404)
        eq(b.get(f"/v/V2/posts/{pid}").status, 404)
        acts = [r[0] for r in db.sql("SELECT action FROM audit WHERE action LIKE 'welfare_post.%'"
                                     " ORDER BY id")]
        eq(acts, ["welfare_post.add"] + ["welfare_post.apply"] * 3 + ["welfare_post.decide"])
        check(db.sql("SELECT login FROM audit WHERE action = 'welfare_post.apply' ORDER BY id")
              [0][0] == "household:H02")
        # a closed period: the passbook shows no form
        r = a.post("/v/V1/posts", {"title": "护林员", "places": "2", "apply_from": past,
                                   "apply_until": past, "points_weight": "0"})
        eq(r.status, 303)
        old = int(db.sql("SELECT MAX(id) FROM welfare_post")[0][0])
        check(f"/passbook/posts/{old}/apply" not in h.get("/passbook/posts").text)
        eq(h.post(f"/passbook/posts/{old}/apply", {}).status, 400)
    finally:
        s.stop()


def api_csrf(c):
    r = c.get("/api/v1/session")
    c.csrf = r.json().get("csrf", c.csrf)


def api(c, method, path, body=None):
    h = {"Content-Type": "application/json", "X-CSRF-Token": c.csrf or ""}
    return c.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=h)


def test_060_api(db):
    setup(db)
    cli_ok(db, "village", "set", "V1", "stars", "20,30,50")
    import datetime
    today = datetime.date.today().isoformat()
    s = jifentest.Server(db)
    try:
        a = s.client()
        a.login("V1-admin")
        api_csrf(a)
        r = api(a, "GET", "/api/v1/villages/V1/honours?year=2024")
        eq(r.status, 200)
        j = r.json()
        eq(j["confirmation"], None)
        lines = honours(db).splitlines()[1:]
        eq([(o["household"], o["rank"], o["stars"]) for o in j["households"]],
           [(x.split(",")[0], int(x.split(",")[3]), int(x.split(",")[4])) for x in lines])
        h5 = [o for o in j["households"] if o["household"] == "H05"][0]
        check(not h5["eligible"] and "ZF03" in h5["veto_reason"], h5)
        eq(api(a, "GET", "/api/v1/villages/V1/honours?year=20x4").status, 400)
        r = api(a, "POST", "/api/v1/villages/V1/honours/2024/confirm",
                {"meeting_date": "2024-12-28", "attendees": "两委", "resolution": "同意",
                 "models": ["H05"]})
        eq(r.status, 400)
        check("H05" in r.json()["error"])
        r = api(a, "POST", "/api/v1/villages/V1/honours/2024/confirm",
                {"meeting_date": "2024-12-28", "attendees": "两委", "resolution": "同意",
                 "models": "H01"})
        eq(r.status, 400)
        r = api(a, "POST", "/api/v1/villages/V1/honours/2024/confirm",
                {"meeting_date": "2024-12-28", "attendees": "两委", "resolution": "同意",
                 "models": ["H01"]})
        eq(r.status, 201, r.text)
        j = r.json()
        eq(j["confirmation"]["meeting_date"], "2024-12-28")
        eq([o["household"] for o in j["households"] if o["model"]], ["H01"])
        r = api(a, "POST", "/api/v1/villages/V1/posts",
                {"title": "公益保洁", "places": 2, "apply_from": "2024-01-01",
                 "apply_until": today, "points_weight": 50})
        eq(r.status, 201, r.text)
        pid = r.json()["id"]
        eq(r.json()["status"], "open")
        r = api(a, "POST", f"/api/v1/villages/V1/posts/{pid}/applications",
                {"household": "H03", "note": "电话报名"})
        eq(r.status, 201, r.text)
        eq([x["household"] for x in r.json()["candidates"]], ["H03"])
        eq(r.json()["candidates"][0]["channel"], "office")
        r = api(a, "POST", f"/api/v1/villages/V1/posts/{pid}/decide",
                {"selected": ["H03"], "reason": "唯一报名户"})
        eq(r.status, 200, r.text)
        eq(r.json()["status"], "decided")
        check(r.json()["candidates"][0]["selected"])
        eq(api(a, "GET", "/api/v1/villages/V1/posts").json()["posts"][0]["id"], pid)
        b = s.client()
        b.login("V2-admin")
        api_csrf(b)
        eq(api(b, "GET", "/api/v1/villages/V1/honours?year=2024").status, 404)
        eq(api(b, "GET", f"/api/v1/villages/V1/posts/{pid}").status, 404)
        eq(api(b, "GET", f"/api/v1/villages/V2/posts/{pid}").status, 404)
        eq(api(b, "POST", f"/api/v1/villages/V2/posts/{pid}/decide",
               {"selected": [], "reason": "x"}).status, 404)
    finally:
        s.stop()


if __name__ == "__main__":
    jifentest.main(globals())
