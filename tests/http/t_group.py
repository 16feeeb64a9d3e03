"""t_group — the scoring group (村民积分管理自治小组, plan 四(三)) and the
public consultation on a draft standard (征求意见, plan 四(二)):

- a group without a villager representative blocks a month's submission,
  on the page and in the API, with the message naming what is missing;
  adding one unblocks it; the CLI approval is not blocked (INTERFACES.md);
- leaving keeps the member's row, dated, in the roster's history; the
  public roster shows names and roles of current members only;
- the sheet shows which group member recorded each entry;
- a consultation's period, comments and answers appear on its public
  page; comments outside the period are refused; households of another
  village cannot comment; the adoption links to the consultation; a web
  adoption without one asks for the reason;
- the town's village list shows each village's group status and its last
  consultation;
- the town dashboard (/town, its JSON, the drill-down /town/v/CODE) and
  the village overview show whether each demo village's group meets the
  rule, as computed here from group_member; a group that does not is a
  reason of "needs attention" (test_090).

Run: JIFEN_BIN=build/jifen python3 tests/http/t_group.py [NAME...]
"""
import contextlib
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
import t_access_matrix as M  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402

TODAY = datetime.date.today()
MONTH = (TODAY.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
STANDARD = os.path.join(os.path.dirname(__file__), "..", "data", "sample-standard.csv")


def setup(db):
    """V1 and V2 (town(): a valid group each), the sample standard in V1
    with households 001 and 002, V2 with household 001; last month's sheet
    of V1 with one entry recorded on the page by V1-scorer."""
    J.town(db)
    J.standard_and_households(db, "V1", ["001", "002"])
    J.standard_and_households(db, "V2", ["001"])


@contextlib.contextmanager
def serve(db):
    s = J.Server(db)
    try:
        yield s
    finally:
        s.stop()


def api(c, method, path, body=None):
    return c.request(method, path, body=json.dumps(body or {}).encode(),
                     headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})


def member_id(db, name):
    return db.sql(f"SELECT id FROM group_member WHERE name = '{name}'")[0][0]


def add_entry(c, code="001", item="HJ01"):
    day = f"{MONTH}-05"
    r = c.post_multipart(f"/v/V1/sheets/{MONTH}/entries",
                         {"household": code, "item": item, "quantity": "1", "date": day,
                          "note": ""}, {})
    check(r.status in (200, 303), f"entry: {r.status} {r.text[:300]}")


def test_010_representative_required_to_submit(db):
    setup(db)
    rep = member_id(db, "V1代表")
    with serve(db) as s:
        sc = s.client()
        sc.login("V1-scorer")
        add_entry(sc)
        a = M.staff(s, "V1-admin")
        r = a.post(f"/v/V1/group/{rep}/leave", {"left_on": TODAY.isoformat(), "reason": "外出务工"})
        eq(r.status, 303, "leave: " + r.text[:300])
        # the overview warns, the page refuses with the message, the API too
        check("积分管理自治小组还缺少村民代表" in a.get("/v/V1").text, "overview warning")
        sc = M.staff(s, "V1-scorer")
        r = sc.post(f"/v/V1/sheets/{MONTH}/submit", {})
        eq(r.status, 400, "submit refused")
        check("积分管理小组还缺少村民代表，不能提交审定" in r.text, r.text[:2000])
        r = api(sc, "POST", f"/api/v1/villages/V1/sheets/{MONTH}/submit")
        eq(r.status, 400)
        check("积分管理小组还缺少村民代表，不能提交审定" in r.json()["error"], r.text)
        eq(db.sql("SELECT status FROM sheet"), [["draft"]])
        # a new representative (through the API) unblocks it
        r = api(a, "POST", "/api/v1/villages/V1/group",
                {"name": "王代表", "role": "村民代表", "joined_on": TODAY.isoformat(),
                 "meeting_date": TODAY.isoformat(), "attendees": "支部委员 5 人"})
        eq(r.status, 201, r.text)
        eq(r.json()["status"]["ok"], True)
        r = sc.post(f"/v/V1/sheets/{MONTH}/submit", {})
        eq(r.status, 303, r.text[:500])
        eq(db.sql("SELECT status FROM sheet"), [["submitted"]])


def test_020_both_missing_and_cli_approve(db):
    setup(db)
    for name in ("V1书记", "V1代表"):
        cli_ok(db, "group", "leave", "--village", "V1", "--id", str(member_id(db, name)),
               "--date", TODAY.isoformat())
    rc, out, err = cli(db, "group", "--village", "V1")
    eq(rc, 1)
    check("缺少村两委成员和村民代表" in err, err)
    with serve(db) as s:
        sc = s.client()
        sc.login("V1-scorer")
        add_entry(sc)
        r = sc.post(f"/v/V1/sheets/{MONTH}/submit", {})
        eq(r.status, 400)
        check("积分管理小组还缺少村两委成员和村民代表，不能提交审定" in r.text, r.text[:2000])
    # the CLI is the committee's own tool (INTERFACES.md): not blocked
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", MONTH, "--meeting-date",
           TODAY.isoformat(), "--attendees", "两委", "--resolution", "同意")
    eq(db.sql("SELECT status FROM sheet"), [["approved"]])


def test_030_history_and_public_roster(db):
    setup(db)
    rep = member_id(db, "V1代表")
    cli_ok(db, "group", "add", "--village", "V1", "--name", "李调解", "--role", "mediator",
           "--joined", "2024-02-01", "--meeting-date", "2024-01-20", "--attendees", "支委")
    cli_ok(db, "group", "leave", "--village", "V1", "--id", str(rep), "--date",
           TODAY.isoformat(), "--reason", "换届")
    # the row stays, dated: nothing deleted
    eq(db.sql(f"SELECT name, left_on, left_reason FROM group_member WHERE id = {rep}"),
       [["V1代表", TODAY.isoformat(), "换届"]])
    out = cli(db, "group", "--village", "V1")[1]
    check(f"{rep},V1代表,representative,V1-scorer,2024-01-01,{TODAY.isoformat()}" in out, out)
    # leaving twice, before joining, or in the future is refused
    rc, _, err = cli(db, "group", "leave", "--village", "V1", "--id", str(rep), "--date",
                     TODAY.isoformat())
    eq(rc, 1)
    check("没有编号" in err, err)
    mid = member_id(db, "李调解")
    rc, _, err = cli(db, "group", "leave", "--village", "V1", "--id", str(mid), "--date",
                     "2024-01-15")
    eq(rc, 1)
    check("早于加入日期" in err, err)
    with serve(db) as s:
        p = s.client().get("/v/V1/group")
        eq(p.status, 200)
        check("V1书记" in p.text and "村两委成员" in p.text and "李调解" in p.text, p.text)
        check("V1代表" not in p.text, "a member who left is not on the public roster")
        check("V1-admin" not in p.text and "支委" not in p.text, "public: names and roles only")
        a = M.staff(s, "V1-admin")
        p = a.get("/v/V1/group")
        check("V1代表" in p.text and "换届" in p.text, "the admin sees the history")
        r = api(a, "GET", "/api/v1/villages/V1/group")
        rows = {m["name"]: m for m in r.json()["members"]}
        eq(rows["V1代表"]["left_on"], TODAY.isoformat())
        eq(r.json()["status"]["missing"], "村民代表")
        # another village's account sees V1's public roster, not its details
        b = M.staff(s, "V2-admin")
        eq(b.get("/api/v1/villages/V1/group").status, 404)
        check("换届" not in b.get("/v/V1/group").text)
        # bad input names the field
        r = a.post("/v/V1/group", {"name": "", "role": "boss", "joined_on": "2024-13-01",
                                    "meeting_date": "", "attendees": ""})
        eq(r.status, 400)
        for word in ("姓名不能为空", "小组职务", "加入日期", "会议日期", "参会人员不能为空"):
            check(word in r.text, word)
        r = a.post("/v/V1/group", {"name": "赵", "role": "committee", "account": "V2-admin",
                                    "joined_on": "2024-02-01", "meeting_date": "2024-02-01",
                                    "attendees": "支委"})
        eq(r.status, 400)
        check("本村没有账号“V2-admin”" in r.text, r.text[:1500])


def test_040_sheet_shows_the_recording_member(db):
    setup(db)
    cli_ok(db, "user", "add", "V1-temp", "--role", "scorer", "--village", "V1",
           "--password-stdin", stdin=J.PASSWORD + "\n")
    with serve(db) as s:
        sc = s.client()
        sc.login("V1-scorer")
        add_entry(sc, "001")
        t = s.client()
        t.login("V1-temp")
        add_entry(t, "002")
        p = M.staff(s, "V1-admin").get(f"/v/V1/sheets/{MONTH}")
        check("V1代表（村民代表）" in p.text, "the member who recorded the entry")
        check("V1-temp <span class=\"tag no\">非小组成员</span>" in p.text, "a non-member marked")


def open_consultation(a, opens, closes, csv=None):
    r = api(a, "POST", "/api/v1/villages/V1/consultations",
            {"title": "2025 年修订草案", "opens_on": opens, "closes_on": closes,
             "draft_csv": csv or open(STANDARD, encoding="utf-8").read().replace(
                 "HJ01,", "HJ01,", 1)})
    eq(r.status, 201, r.text[:500])
    return r.json()["id"]


def test_050_consultation_public_page(db):
    setup(db)
    draft = open(STANDARD, encoding="utf-8").read() + "环境优化,ZJ01,垃圾分类志愿督导,2,4,,否,否\n"
    with serve(db) as s:
        a = M.staff(s, "V1-admin")
        cid = open_consultation(a, TODAY.isoformat(), (TODAY + datetime.timedelta(days=9)).isoformat(),
                                draft)
        # a household of V1 comments from its passbook session
        hid = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                     " WHERE v.code = 'V1' AND h.code = '001'")[0][0]
        pin = M.set_pin(a, "V1", hid)
        h = M.household(s, "V1", "001", pin)
        check(f'/v/V1/consultations/{cid}">查看草案并提意见' in h.get("/passbook").text,
              "the passbook links the open consultation")
        h.get(f"/v/V1/consultations/{cid}")
        r = h.post(f"/v/V1/consultations/{cid}/comments", {"text": "督导分值太低<script>"})
        eq(r.status, 303, r.text[:500])
        # a meeting's comment, recorded by the admin
        a.get(f"/v/V1/consultations/{cid}")
        r = a.post(f"/v/V1/consultations/{cid}/comments",
                   {"body": "funv", "date": TODAY.isoformat(), "text": "妇女议事会建议轮流督导"})
        eq(r.status, 303, r.text[:500])
        k = db.sql("SELECT id FROM consultation_comment ORDER BY id")
        r = a.post(f"/v/V1/consultations/{cid}/comments/{k[0][0]}/answer",
                   {"answer": "先按 2 分试行，年底评估"})
        eq(r.status, 303, r.text[:500])
        p = s.client().get(f"/v/V1/consultations/{cid}")
        eq(p.status, 200)
        end = (TODAY + datetime.timedelta(days=9)).isoformat()
        for want in (f"{TODAY.isoformat()} 至 {end}", "征求意见中", "新增 <strong>1</strong> 项",
                     "垃圾分类志愿督导", "农户 001", "督导分值太低&lt;script&gt;", "妇女议事会",
                     "妇女议事会建议轮流督导", "答复：</strong>先按 2 分试行，年底评估", "待答复"):
            check(want in p.text, f"public page shows {want}")
        check("<script>" not in p.text.split("</head>")[1], "escaped")
        check("户主1" not in p.text, "comments by household code, not name")
        # the list and the town's village list show it
        check("2025 年修订草案" in s.client().get("/v/V1/consultations").text)
        t = M.staff(s, "admin")
        vl = t.get("/villages").text
        check("征求意见中" in vl and "符合要求" in vl, "village list: group and consultation")
        # the API answers the same
        j = s.client().get(f"/api/v1/villages/V1/consultations/{cid}").json()
        eq([c["answer"] for c in j["comment_list"]], ["先按 2 分试行，年底评估", ""])


def test_060_refusals(db):
    setup(db)
    with serve(db) as s:
        a = M.staff(s, "V1-admin")
        later = (TODAY + datetime.timedelta(days=3)).isoformat()
        cid = open_consultation(a, later, (TODAY + datetime.timedelta(days=10)).isoformat())
        # before the period
        r = api(a, "POST", f"/api/v1/villages/V1/consultations/{cid}/comments",
                {"body": "yishi", "text": "意见"})
        eq(r.status, 400)
        check("不在期内" in r.json()["error"], r.text)
        # a household of V2 cannot comment on V1's draft
        cid2 = open_consultation(a, TODAY.isoformat(), later)
        b = M.staff(s, "V2-admin")
        hid = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                     " WHERE v.code = 'V2' AND h.code = '001'")[0][0]
        pin = M.set_pin(b, "V2", hid)
        h = M.household(s, "V2", "001", pin)
        eq(h.post(f"/v/V1/consultations/{cid2}/comments", {"text": "外村意见"}).status, 404)
        eq(api(h, "POST", f"/api/v1/villages/V1/consultations/{cid2}/comments",
               {"text": "外村意见"}).status, 404)
        eq(db.sql(f"SELECT COUNT(*) FROM consultation_comment WHERE consultation_id = {cid2}"),
           [["0"]])
        # after the period
        yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
        db.sql(f"UPDATE consultation SET opens_on = '2024-01-01', closes_on = '{yesterday}'"
               f" WHERE id = {cid2}")
        r = api(a, "POST", f"/api/v1/villages/V1/consultations/{cid2}/comments",
                {"body": "daode", "text": "迟到的意见"})
        eq(r.status, 400)
        check("不在期内" in r.json()["error"], r.text)
        # a period longer than 90 days, or a broken draft
        r = api(a, "POST", "/api/v1/villages/V1/consultations",
                {"title": "x", "opens_on": TODAY.isoformat(),
                 "closes_on": (TODAY + datetime.timedelta(days=200)).isoformat(),
                 "draft_csv": "类别,项目编号\n"})
        eq(r.status, 400)
        check("最长 90 天" in r.text, r.text)


def test_070_adoption_links_to_consultation(db):
    setup(db)
    nxt = (TODAY.replace(day=28) + datetime.timedelta(days=5)).replace(day=1).isoformat()
    with serve(db) as s:
        a = M.staff(s, "V1-admin")
        cid = open_consultation(a, TODAY.isoformat(), TODAY.isoformat())
        r = api(a, "POST", f"/api/v1/villages/V1/consultations/{cid}/comments",
                {"body": "hongbai", "text": "同意草案"})
        eq(r.status, 201)
        adopt = {"adopted_on": TODAY.isoformat(), "effective_on": nxt,
                 "meeting_type": "representatives", "meeting": "村民代表会议",
                 "entitled": "30", "attendance": "28", "votes_for": "27", "votes_against": "0",
                 "votes_abstain": "1"}
        # still open: refused
        a.get(f"/v/V1/consultations/{cid}")
        r = a.post(f"/v/V1/consultations/{cid}/adopt", adopt)
        eq(r.status, 400)
        check("结束后才能表决" in r.text, r.text[:1500])
        db.sql(f"UPDATE consultation SET opens_on = '2024-06-01', closes_on = '2024-06-30'"
               f" WHERE id = {cid}")
        # a comment unanswered: refused
        r = a.post(f"/v/V1/consultations/{cid}/adopt", adopt)
        eq(r.status, 400)
        check("还有 1 条意见没有答复" in r.text, r.text[:1500])
        k = db.sql("SELECT id FROM consultation_comment")[0][0]
        eq(api(a, "POST", f"/api/v1/villages/V1/consultations/{cid}/comments/{k}/answer",
               {"answer": "感谢支持"}).status, 200)
        a.get(f"/v/V1/consultations/{cid}")
        r = a.post(f"/v/V1/consultations/{cid}/adopt", adopt)
        eq(r.status, 303, r.text[:1500])
        ver = db.sql(f"SELECT version_id FROM consultation WHERE id = {cid}")[0][0]
        check(ver, "the consultation names the version")
        eq(db.sql(f"SELECT consultation_id FROM standard_basis WHERE version_id = {ver}"), [[str(cid)]])
        p = s.client().get(f"/v/V1/standard/versions/{ver}")
        check(f'href="/v/V1/consultations/{cid}"' in p.text, "the version links its consultation")
        p = s.client().get(f"/v/V1/consultations/{cid}")
        check(f"/v/V1/standard/versions/{ver}" in p.text and "已表决通过" in p.text)
        # adopted: no more comments, no second adoption
        r = api(a, "POST", f"/api/v1/villages/V1/consultations/{cid}/adopt", {})
        eq(r.status, 400)
        # the town's list shows the last consultation adopted
        check("已表决通过" in M.staff(s, "admin").get("/villages").text)


def test_080_web_adoption_without_consultation_asks_why(db):
    J.town(db, villages=("V1",))
    with serve(db) as s:
        a = M.staff(s, "V1-admin")
        a.get("/v/V1/standard/adopt")
        rec = {"source": "template", "confirm": "1", "adopted_on": "2024-01-05",
               "effective_on": "2024-02-01", "meeting_type": "villagers", "meeting": "村民会议"}
        r = a.post("/v/V1/standard/adopt", rec)
        eq(r.status, 400)
        check("未征求意见的原因" in r.text, r.text[:1500])
        eq(db.sql("SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), [["0"]])
        r = a.post("/v/V1/standard/adopt", dict(rec, without_consultation="首次建立，会上逐条讨论"))
        eq(r.status, 303, r.text[:1500])
        ver = db.sql("SELECT id FROM standard_version WHERE village_id IS NOT NULL")[0][0]
        eq(db.sql(f"SELECT consultation_id, reason FROM standard_basis WHERE version_id = {ver}"),
           [["", "首次建立，会上逐条讨论"]])
        check("首次建立，会上逐条讨论" in s.client().get(f"/v/V1/standard/versions/{ver}").text)
    # the CLI import keeps working as before, recording nothing
    cli_ok(db, "import", "standard", "--village", "V1", STANDARD, "--adopted", "2024-02-10",
           "--effective", "2024-03-01")
    eq(db.sql("SELECT COUNT(*) FROM standard_basis"), [["1"]])


def expected_groups(db):
    """Each village's group as the rule judges it, from the table here:
    current members (not left), two-committee members, representatives."""
    want = {}
    for code, in db.sql("SELECT code FROM village ORDER BY code"):
        want[code] = {"members": 0, "committee": 0, "representatives": 0}
    for code, role, n in db.sql("SELECT v.code, g.role, COUNT(*) FROM group_member g"
                                " JOIN village v ON v.id = g.village_id WHERE g.left_on IS NULL"
                                " GROUP BY v.code, g.role"):
        w = want[code]
        w["members"] += int(n)
        if role in ("committee", "representative"):
            w[role if role == "committee" else "representatives"] += int(n)
    for w in want.values():
        lacks = [word for word, k in (("村两委成员", "committee"), ("村民代表", "representatives"))
                 if not w[k]]
        w["ok"] = not lacks
        w["missing"] = "和".join(lacks)
    return want


def test_090_town_dashboard_group_status(db):
    cli_ok(db, "init", "--demo")
    want = expected_groups(db)
    check(any(w["ok"] for w in want.values()) and any(not w["ok"] for w in want.values()),
          f"the demo shows both states: {want}")
    with serve(db) as s:
        t = s.client()
        t.login("admin", "jifen2024!")
        d = t.get("/api/v1/town/dashboard?sort=code").json()
        eq(sorted(v["village"] for v in d["villages"]), sorted(want))
        page = t.get("/town").text
        for v in d["villages"]:
            code, w = v["village"], want[v["village"]]
            eq(v["group"], w, code)
            reason = f"积分管理自治小组缺少{w['missing']}"
            eq(reason in v["attention_why"], not w["ok"], f"{code}: {v['attention_why']}")
            cell = (f'<a href="/v/{code}/group">{w["members"]} 人，符合要求</a>' if w["ok"] else
                    f'<a href="/v/{code}/group">{w["members"]} 人，缺少{w["missing"]}</a>')
            check(cell in page, f"/town cell of {code}: {cell}")
            drill = t.get(f"/town/v/{code}").text
            check(("符合要求" if w["ok"] else f"<strong>缺少{w['missing']}</strong>") in drill,
                  f"/town/v/{code}")
            check(w["ok"] or "需关注：" in drill and reason in drill, f"drill-down reason {code}")
            staff = s.client()
            staff.login(f"{code}-admin", "jifen2024!")
            overview = staff.get(f"/v/{code}").text
            line = (f"积分管理自治小组 {w['members']} 人（村两委成员 {w['committee']}、村民代表 "
                    f"{w['representatives']}），符合" if w["ok"] else
                    f"积分管理自治小组还缺少{w['missing']}：补齐之前月度积分不能提交审定")
            check(line in overview, f"overview of {code}: {line}")
        check("<th>积分管理小组</th>" in page and "积分管理自治小组缺少村两委成员或村民代表" in page,
              "the column and the rule in the hint")
        # the lacking village appoints a representative: the reason goes
        bad = next(c for c, w in want.items() if not w["ok"])
        before = next(v for v in d["villages"] if v["village"] == bad)["attention"]
        a = s.client()
        a.login(f"{bad}-admin", "jifen2024!")
        r = a.post(f"/v/{bad}/group", {"name": "新代表", "role": "representative", "account": "",
                                       "joined_on": TODAY.isoformat(),
                                       "meeting_date": TODAY.isoformat(),
                                       "attendees": "村党总支委员 5 人", "appointed_by": "村党组织"})
        eq(r.status, 303, r.text[:500])
        d = t.get("/api/v1/town/dashboard").json()
        v = next(v for v in d["villages"] if v["village"] == bad)
        eq(v["group"], expected_groups(db)[bad])
        check(v["group"]["ok"] or "村两委成员" in v["group"]["missing"], v["group"])
        if v["group"]["ok"]:
            eq(v["attention"], before - 1, v["attention_why"])
            check("积分管理自治小组" not in v["attention_why"], v["attention_why"])


if __name__ == "__main__":
    J.main(globals())
