"""t_households — households against the real binary: the list with search,
filters and paging; add/edit with field errors; hostile text escaped on
every page that shows it; CSRF; village isolation (pages and API); scorer
masking; members and leaving; the CSV upload preview and confirmation; the
JSON API; and `jifen import households` with its exit codes, including the
500-household file with three bad rows that must change nothing.

Run: JIFEN_BIN=build/jifen python3 tests/http/t_households.py [NAME...]
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as jt  # noqa: E402
from jifentest import check, eq  # noqa: E402

HOSTILE = "<script>alert(1)</script>\"'&"
HEADER = "code,head_name,address,members,phone,hukou,homestead,resident,tenant,joined\n"


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def big_csv(bad):
    """500 households H000..H499; with bad, three bad rows: 102 (yes/no),
    252 (duplicate of row 12), 402 (no head name)."""
    lines = [HEADER]
    for i in range(500):
        code, head, hukou = f"H{i:03d}", f"户主H{i:03d}", "否" if i % 7 == 0 else "是"
        if bad and i == 100:
            hukou = "有"
        if bad and i == 250:
            code = "H010"
        if bad and i == 400:
            head = ""
        joined = "2024-04-01" if i % 3 else ""
        lines.append(f"{code},{head},朱家角镇{i}号,{1 + i % 5},1380000{i:04d},{hukou},是,是,否,{joined}\n")
    return "".join(lines)


def state(db):
    """Everything an import could change, as comparable text."""
    return (db.sql("SELECT * FROM household ORDER BY id"),
            db.sql("SELECT COUNT(*) FROM audit WHERE action NOT LIKE 'security.%'"), db.sql("SELECT COUNT(*) FROM member"))


class Run:
    """A town with V1/V2 and a server; use as `with Run(db) as s:`."""

    def __init__(self, db, csv_v1=None, csv_v2=None):
        jt.town(db)
        if csv_v1:
            jt.cli_ok(db, "import", "households", "--village", "V1", write(db, "v1.csv", csv_v1))
        if csv_v2:
            jt.cli_ok(db, "import", "households", "--village", "V2", write(db, "v2.csv", csv_v2))
        self.db = db
        self.server = jt.Server(db)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.stop()

    def login(self, who):
        """A client logged in as who, holding its session's CSRF token (read
        from a page of its own village: "/" only redirects)."""
        c = self.server.client()
        c.login(who)
        page = "/v/V2" if who.startswith("V2-") else "/v/V1"
        c.get(page)
        return c

    def hid(self, village, code):
        rows = self.db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id = h.village_id "
                           f"WHERE v.code = '{village}' AND h.code = '{code}'")
        return int(rows[0][0])


SAMPLE = (HEADER +
          "A1,张三,东街1号,3,13812345678,是,是,是,否,2024-04-01\n"
          "A2,张四,东街2号,2,,是,是,是,否,\n"
          "A10,李五,西街3号,1,,否,是,是,否,2024-04-01\n"
          "T1,租户赵,南街4号,2,,否,否,是,是,2024-04-01\n")


# ---- list, search, filters ----------------------------------------------------

def test_100_list_search_filter(db):
    with Run(db, SAMPLE, HEADER + "B1,外村人,北街,1,,是,是,是,否,2024-04-01\n") as s:
        c = s.login("V1-admin")
        r = c.get("/v/V1/households")
        eq(r.status, 200, "list")
        for code in ("A1", "A2", "A10", "T1"):
            check(f">{code}</a>" in r.text, f"{code} listed")
        check("B1" not in r.text and "外村人" not in r.text, "other village not listed")
        check("全部（4）" in r.text and "参与（1）" in r.text and "符合条件未参与（1）" in r.text
              and "不符合条件（2）" in r.text and "已退出（0）" in r.text, "tab counts")
        # shorter codes first: A1, A2, A10
        check(r.text.index(">A2</a>") < r.text.index(">A10</a>"), "code order")

        r = c.get("/v/V1/households?q=%E5%BC%A0")  # 张
        check(">A1</a>" in r.text and ">A2</a>" in r.text and ">A10</a>" not in r.text, "search name")
        r = c.get("/v/V1/households?q=a1")
        check(">A1</a>" in r.text and ">A10</a>" in r.text and ">A2</a>" not in r.text, "search code")
        r = c.get("/v/V1/households?q=%25")
        check(">A1</a>" not in r.text and "没有符合条件的农户" in r.text, "% is literal")

        for flt, want, not_want in (("participating", ["A1"], ["A2", "A10", "T1"]),
                                    ("eligible_not_joined", ["A2"], ["A1", "A10", "T1"]),
                                    ("not_eligible", ["A10", "T1"], ["A1", "A2"])):
            r = c.get(f"/v/V1/households?filter={flt}")
            eq(r.status, 200, flt)
            for code in want:
                check(f">{code}</a>" in r.text, f"{flt}: {code}")
            for code in not_want:
                check(f">{code}</a>" not in r.text, f"{flt}: not {code}")

        # the village admits tenants: T1 participates
        r = c.get("/v/V1/settings")
        r = c.post("/v/V1/settings", {"admits_tenants": "1", "objection_days": "7",
                                       "yearend_rule": "carry", "yearend_cap": "0"})
        eq(r.status, 303, "settings")
        r = c.get("/v/V1/households?filter=participating")
        check(">T1</a>" in r.text, "tenant participates after the setting")


def test_110_paging(db):
    rows = "".join(f"P{i:03d},户{i},,1,,是,是,是,否,2024-04-01\n" for i in range(120))
    with Run(db, HEADER + rows) as s:
        c = s.login("V1-admin")
        r = c.get("/v/V1/households")
        check("第 1 / 3 页" in r.text and ">P049</a>" in r.text and ">P050</a>" not in r.text, "page 1")
        r = c.get("/v/V1/households?page=3")
        check(">P100</a>" in r.text and ">P119</a>" in r.text and ">P099</a>" not in r.text, "page 3")
        eq(c.get("/v/V1/households?page=abc").status, 200, "bad page falls back")


# ---- add / edit -----------------------------------------------------------------

def form(**kw):
    f = {"code": "N1", "head_name": "新户主", "address": "新街1号", "members": "3",
         "phone": "13900001111", "hukou": "是", "homestead": "是", "resident": "是",
         "tenant": "否", "joined": "2024-04-01"}
    f.update(kw)
    return f


def test_120_add_edit_field_errors(db):
    with Run(db, SAMPLE) as s:
        c = s.login("V1-admin")
        eq(c.get("/v/V1/households/new").status, 200, "new form")
        r = c.post("/v/V1/households/new", form(head_name="", phone="12-34", members="0",
                                                 hukou="", joined="2099-01-01", code="A1"))
        eq(r.status, 400, "rejected")
        for msg in ("户主姓名不能为空", "联系电话应为 7–15 位数字", "人口数应为不小于 1 的整数",
                    "本地户籍不能为空", "参与日期不能晚于今天"):
            check(msg in r.text, f"message {msg}")
        check('value="12-34"' in r.text and 'value="2099-01-01"' in r.text, "values kept")
        eq(len(db.sql("SELECT id FROM household WHERE code = 'N1'")), 0, "nothing saved")

        r = c.post("/v/V1/households/new", form(code="A1"))
        eq(r.status, 400, "code taken")
        check("户编号已被本村另一户使用" in r.text, "taken message")

        r = c.post("/v/V1/households/new", form())
        eq(r.status, 303, "saved")
        loc = r.header("Location")
        hid = s.hid("V1", "N1")
        check(loc.startswith(f"/v/V1/households/{hid}"), loc)
        r = c.get(loc)
        check("已保存" in r.text and "新户主" in r.text and "参与中" in r.text, "detail")

        r = c.get(f"/v/V1/households/{hid}/edit")
        check('value="新户主"' in r.text, "edit form filled")
        r = c.post(f"/v/V1/households/{hid}/edit", form(head_name="改名户主", resident="否"))
        eq(r.status, 303, "edited")
        r = c.get(f"/v/V1/households/{hid}")
        check("改名户主" in r.text and "不符合条件" in r.text and "缺少人在" in r.text, "edited detail")
        check("户主姓名：新户主 → 改名户主" in r.text, "history shows the change")
        check("修改信息" in r.text and "新增农户" in r.text, "history actions")
        eq(db.sql(f"SELECT participating, eligible FROM household WHERE id = {hid}"), [["0", "0"]],
           "stored flags")
        r = c.post(f"/v/V1/households/{hid}/edit", form(code="A2"))
        eq(r.status, 400, "edit to a taken code")


# ---- hostile text ------------------------------------------------------------------

def test_130_hostile_text_escaped(db):
    with Run(db) as s:
        c = s.login("V1-admin")
        r = c.post("/v/V1/households/new", form(code=HOSTILE, head_name=HOSTILE, address=HOSTILE))
        eq(r.status, 303, "hostile household saved")
        hid = s.hid("V1", HOSTILE.replace("'", "''"))
        r = c.post(f"/v/V1/households/{hid}/members",
                   {"name": HOSTILE, "relation": HOSTILE[:20], "party_member": "否", "phone": ""})
        eq(r.status, 303, "hostile member")
        esc = jt.escaped_form(HOSTILE)
        pages = ["/v/V1/households", f"/v/V1/households/{hid}", f"/v/V1/households/{hid}/edit",
                 "/v/V1/households?q=" + jt.urllib.parse.quote(HOSTILE)]
        for p in pages:
            r = c.get(p)
            eq(r.status, 200, p)
            check("<script>alert(1)</script>" not in r.text, f"raw script on {p}")
            check(esc in r.text, f"escaped text on {p}")
        mid = db.sql(f"SELECT id FROM member WHERE household_id = {hid}")[0][0]
        r = c.get(f"/v/V1/households/{hid}/members/{mid}/edit")
        check("<script>alert(1)</script>" not in r.text and esc in r.text, "member edit page")
        r = c.post(f"/v/V1/households/{hid}/leave", {"date": "2024-10-01", "reason": HOSTILE})
        eq(r.status, 303, "leave")
        r = c.get(f"/v/V1/households/{hid}")
        check("<script>alert(1)</script>" not in r.text and esc in r.text, "leave reason")
        # the upload preview shows file content escaped too
        c.get("/v/V1/import")
        csv = HEADER + "x<b>y</b>,x<b>y</b>,,,,是,是,是,否,\n"
        r = c.post_multipart("/v/V1/import", {}, {"file": ("<i>.csv", csv.encode(), "text/csv")})
        eq(r.status, 200, "preview")
        check("<b>y</b>" not in r.text and "x&lt;b&gt;y&lt;/b&gt;" in r.text, "preview escaped")
        check("<i>.csv" not in r.text, "file name escaped")
        # JSON carries the text as data
        r = c.get(f"/api/v1/villages/V1/households/{hid}")
        eq(r.json()["head_name"], HOSTILE, "API text")


# ---- CSRF ---------------------------------------------------------------------------------

def test_140_csrf(db):
    with Run(db, SAMPLE) as s:
        c = s.login("V1-admin")
        hid = s.hid("V1", "A1")
        before = state(db)
        for path, fields in (("/v/V1/households/new", form()),
                             (f"/v/V1/households/{hid}/edit", form(code="A1", head_name="X")),
                             (f"/v/V1/households/{hid}/leave", {"date": "2024-10-01", "reason": "x"}),
                             (f"/v/V1/households/{hid}/members", {"name": "x"})):
            r = c.post(path, fields, csrf=False)
            eq(r.status, 403, f"no token: {path}")
            r = c.post(path, dict(fields, csrf="0" * 64))
            eq(r.status, 403, f"wrong token: {path}")
        r = c.post_multipart("/v/V1/import", {}, {"file": ("a.csv", SAMPLE.encode(), "text/csv")},
                             csrf=False)
        eq(r.status, 403, "upload without token")
        eq(state(db), before, "nothing changed")


# ---- isolation --------------------------------------------------------------------------------

def test_150_village_isolation(db):
    with Run(db, SAMPLE, HEADER + "B1,外村人,北街,1,13800001234,是,是,是,否,2024-04-01\n") as s:
        b1 = s.hid("V2", "B1")
        admin2 = s.login("V2-admin")
        r = admin2.post(f"/v/V2/households/{b1}/members", {"name": "乙", "party_member": "否"})
        eq(r.status, 303, "V2 member")
        mid = db.sql(f"SELECT id FROM member WHERE household_id = {b1}")[0][0]
        before = state(db)

        gets = ["/v/V2/households", "/v/V2/households?filter=participating", "/v/V2/households/new",
                f"/v/V2/households/{b1}", f"/v/V2/households/{b1}/edit",
                f"/v/V2/households/{b1}/members/{mid}/edit", "/v/V2/import",
                f"/v/V1/households/{b1}", f"/v/V1/households/{b1}/edit",
                f"/v/V1/households/{b1}/members/{mid}/edit",
                "/api/v1/villages/V2/households", f"/api/v1/villages/V2/households/{b1}",
                f"/api/v1/villages/V1/households/{b1}"]
        posts = [("/v/V2/households/new", form(code="X1")),
                 (f"/v/V2/households/{b1}/edit", form(code="B1", head_name="改")),
                 (f"/v/V2/households/{b1}/leave", {"date": "2024-10-01", "reason": "x"}),
                 (f"/v/V2/households/{b1}/members", {"name": "x", "party_member": "否"}),
                 (f"/v/V2/households/{b1}/members/{mid}/edit", {"name": "x", "party_member": "否"}),
                 (f"/v/V2/households/{b1}/members/{mid}/remove", {}),
                 (f"/v/V1/households/{b1}/edit", form(code="B1", head_name="改")),
                 (f"/v/V1/households/{b1}/leave", {"date": "2024-10-01", "reason": "x"}),
                 (f"/v/V1/households/{b1}/members", {"name": "x", "party_member": "否"}),
                 (f"/v/V1/households/{b1}/members/{mid}/edit", {"name": "x", "party_member": "否"}),
                 (f"/v/V1/households/{b1}/members/{mid}/remove", {}),
                 ("/v/V2/import", {"confirm": "1", "fname": "a.csv", "data": "Y29kZQ"})]
        admin1 = s.login("V1-admin")
        for p in gets:
            r = admin1.get(p)
            eq(r.status, 404, f"V1-admin GET {p}")
            check("外村人" not in r.text and "13800001234" not in r.text, f"no V2 data in {p}")
        for p, fields in posts:
            eq(admin1.post(p, fields).status, 404, f"V1-admin POST {p}")
        r = admin1.post_multipart("/v/V2/import", {}, {"file": ("a.csv", SAMPLE.encode(), "text/csv")})
        eq(r.status, 404, "V1-admin upload to V2")

        scorer1 = s.login("V1-scorer")
        for p in gets:
            st = scorer1.get(p).status
            check(st in (403, 404), f"V1-scorer GET {p}: {st}")
        for p, fields in posts:
            st = scorer1.post(p, fields).status
            check(st in (403, 404), f"V1-scorer POST {p}: {st}")
        eq(state(db), before, "V2 unchanged")

        # the town admin sees both
        town = s.login("admin")
        eq(town.get(f"/v/V2/households/{b1}").status, 200, "town admin V2")
        eq(town.get(f"/v/V1/households/{s.hid('V1', 'A1')}").status, 200, "town admin V1")


# ---- scorer ----------------------------------------------------------------------------------

def test_160_scorer_view_only_masked(db):
    with Run(db, SAMPLE) as s:
        a1 = s.hid("V1", "A1")
        admin = s.login("V1-admin")
        admin.post(f"/v/V1/households/{a1}/members",
                   {"name": "张小三", "party_member": "是", "phone": "13700001111"})
        r = admin.get(f"/v/V1/households/{a1}")
        check("13812345678" in r.text and "13700001111" in r.text, "admin sees phones")
        sc = s.login("V1-scorer")
        r = sc.get("/v/V1/households?q=A1")
        eq(r.status, 200, "scorer list")
        check("登记新农户" not in r.text, "no add link for scorer")
        r = sc.get(f"/v/V1/households/{a1}")
        eq(r.status, 200, "scorer detail")
        check("138****5678" in r.text and "13812345678" not in r.text, "household phone masked")
        check("137****1111" in r.text and "13700001111" not in r.text, "member phone masked")
        check("修改信息" not in r.text and "登记退出" not in r.text, "no change forms for scorer")
        eq(sc.get("/v/V1/households/new").status, 403, "scorer add form")
        eq(sc.post(f"/v/V1/households/{a1}/edit", form(code="A1")).status, 403, "scorer edit")
        eq(sc.get("/v/V1/import").status, 403, "scorer import")
        j = sc.get(f"/api/v1/villages/V1/households/{a1}").json()
        eq(j["phone"], "138****5678", "API masks for scorer")
        eq(j["family_members"][0]["phone"], "137****1111", "API member phone masked")
        shop = s.login("V1-shop")
        eq(shop.get("/v/V1/households").status, 403, "shopkeeper")


# ---- members and leaving -----------------------------------------------------------------------

def test_170_members_and_leave(db):
    with Run(db, SAMPLE) as s:
        a1 = s.hid("V1", "A1")
        c = s.login("V1-admin")
        r = c.post(f"/v/V1/households/{a1}/members", {"name": "", "phone": "12"})
        eq(r.status, 400, "bad member")
        check("姓名不能为空" in r.text and "联系电话应为 7–15 位数字" in r.text and 'value="12"' in r.text,
              "member errors")
        r = c.post(f"/v/V1/households/{a1}/members",
                   {"name": "李花", "relation": "配偶", "party_member": "是", "phone": ""})
        eq(r.status, 303, "member added")
        mid = db.sql(f"SELECT id FROM member WHERE household_id = {a1}")[0][0]
        r = c.post(f"/v/V1/households/{a1}/members/{mid}/edit",
                   {"name": "李花", "relation": "妻", "party_member": "否", "phone": ""})
        eq(r.status, 303, "member edited")
        r = c.post(f"/v/V1/households/{a1}/members/{mid}/remove", {})
        eq(r.status, 303, "member removed")
        eq(db.sql(f"SELECT relation, party_member, CASE WHEN removed_on IS NULL THEN 0 ELSE 1 END FROM member WHERE id = {mid}"),
           [["妻", "0", "1"]], "member kept, marked removed")
        r = c.get(f"/v/V1/households/{a1}")
        check("移除成员" in r.text and "与户主关系：配偶 → 妻" in r.text, "member history")
        eq(c.post(f"/v/V1/households/{a1}/members/{mid}/remove", {}).status, 404, "removed twice")

        r = c.post(f"/v/V1/households/{a1}/leave", {"date": "2099-01-01", "reason": ""})
        eq(r.status, 400, "bad leave")
        check("退出日期不能晚于今天" in r.text and "退出原因不能为空" in r.text, "leave errors")
        r = c.post(f"/v/V1/households/{a1}/leave", {"date": "2024-10-01", "reason": "迁出本村"})
        eq(r.status, 303, "left")
        r = c.get(f"/v/V1/households/{a1}")
        check("已退出" in r.text and "迁出本村" in r.text and "登记退出</button>" not in r.text, "left detail")
        r = c.get("/v/V1/households?filter=left")
        check(">A1</a>" in r.text, "left filter")
        r = c.get("/v/V1/households?filter=participating")
        check(">A1</a>" not in r.text, "no longer participating")
        eq(db.sql(f"SELECT participating, left_on FROM household WHERE id = {a1}"),
           [["0", "2024-10-01"]], "stored")


# ---- upload ------------------------------------------------------------------------------------------

def test_180_upload_preview_confirm(db):
    with Run(db, SAMPLE) as s:
        c = s.login("V1-admin")
        eq(c.get("/v/V1/import").status, 200, "upload page")
        before = state(db)
        csv = ("\ufeff户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\r\n"
               "A1,张三改,是,是,是,2024-04-01\r\n"
               "A2,张四,是,是,是,\r\n"
               "N1,\"新,户\",是,是,是,2024-06-01\r\n")
        r = c.post_multipart("/v/V1/import", {}, {"file": ("农户.csv", csv.encode(), "text/csv")})
        eq(r.status, 200, "preview")
        check("将新增 <strong>1</strong> 户，更新 <strong>1</strong> 户，<strong>1</strong> 户没有变化" in r.text,
              "preview summary")
        check("新,户" in r.text and "更新：户主姓名" in r.text, "preview rows")
        eq(state(db), before, "preview writes nothing")
        m = re.search(r'name="data" value="([^"]*)"', r.text)
        check(m, "confirm form carries the file")
        fname = re.search(r'name="fname" value="([^"]*)"', r.text).group(1)
        eq(fname, "农户.csv", "file name")
        r = c.post("/v/V1/import", {"confirm": "1", "fname": fname, "data": m.group(1)})
        eq(r.status, 303, "confirmed")
        r = c.get(r.header("Location"))
        check("新增 1 户，更新 1 户，未变 1 户" in r.text, "done notice")
        eq(db.sql("SELECT head_name FROM household WHERE code = 'A1'"), [["张三改"]], "updated")
        eq(db.sql("SELECT head_name, participating FROM household WHERE code = 'N1'"), [["新,户", "1"]],
           "added")
        # the same file again: nothing to do
        r = c.post_multipart("/v/V1/import", {}, {"file": ("农户.csv", csv.encode(), "text/csv")})
        check("没有需要导入的变更" in r.text and 'name="confirm"' not in r.text, "unchanged")
        # errors: every one listed, nothing to confirm, nothing written
        after = state(db)
        bad = "code,head_name,hukou,homestead,resident\nA1,,是,是,是\nA9,某,也许,是,是\nA9,某,是,是,是\n"
        r = c.post_multipart("/v/V1/import", {}, {"file": ("bad.csv", bad.encode(), "text/csv")})
        eq(r.status, 400, "bad file")
        check("bad.csv:2: head_name: 户主姓名不能为空" in r.text, "error 1")
        check("bad.csv:3: hukou: 本地户籍应填" in r.text, "error 2")
        check("bad.csv:4: code: 户编号“A9”与第 3 行重复" in r.text, "error 3")
        check('name="confirm"' not in r.text, "no confirm")
        # a confirm carrying a bad file is validated again
        import base64
        data = base64.urlsafe_b64encode(bad.encode()).decode().rstrip("=")
        r = c.post("/v/V1/import", {"confirm": "1", "fname": "bad.csv", "data": data})
        eq(r.status, 400, "confirm re-validates")
        eq(state(db), after, "nothing written")
        r = c.post_multipart("/v/V1/import", {}, {})
        eq(r.status, 400, "no file")


# ---- API ---------------------------------------------------------------------------------------------

def test_190_api(db):
    with Run(db, SAMPLE) as s:
        c = s.login("V1-admin")
        j = c.get("/api/v1/villages/V1/households").json()
        eq(j["total"], 4, "total")
        eq([h["code"] for h in j["households"]], ["A1", "A2", "T1", "A10"], "order")
        eq(j["counts"], {"all": 4, "participating": 1, "eligible_not_joined": 1, "not_eligible": 2,
                         "left": 0}, "counts")
        j = c.get("/api/v1/villages/V1/households?filter=participating&q=a").json()
        eq([h["code"] for h in j["households"]], ["A1"], "filtered")
        check(j["households"][0]["participating"] is True and j["households"][0]["phone"] == "13812345678",
              "fields")
        eq(c.get("/api/v1/villages/V1/households?filter=nope").status, 400, "bad filter")
        eq(c.get("/api/v1/villages/V1/households?page=0").status, 400, "bad page")
        a1 = s.hid("V1", "A1")
        j = c.get(f"/api/v1/villages/V1/households/{a1}").json()
        eq((j["code"], j["members"], j["joined"], j["eligible"]), ("A1", 3, "2024-04-01", True), "one")
        eq(j["family_members"], [], "no members")
        r = c.get("/api/v1/villages/V1/households/999999")
        eq(r.status, 404, "unknown id")
        check("error" in r.json(), "JSON error")
        eq(c.get("/api/v1/villages/V1/households/abc").status, 404, "bad id")
        anon = s.server.client()
        eq(anon.get("/api/v1/villages/V1/households").status, 401, "not logged in")


# ---- CLI ------------------------------------------------------------------------------------------------

def test_200_cli_import_exit_codes(db):
    jt.town(db)
    good = write(db, "big.csv", big_csv(False))
    bad = write(db, "bad.csv", big_csv(True))
    # usage errors: 2
    for args in (["import", "households", good], ["import", "households", "--village", "V1"],
                 ["import", "households", "--village", "V1", good, "extra"],
                 ["import", "households", "--village", "V1", "--colour", "red", good]):
        rc, out, err = jt.cli(db, *args)
        eq(rc, 2, f"usage {args}")
    rc, out, err = jt.cli(db, "import", "households", "--village", "NOPE", good)
    eq(rc, 1, "unknown village")
    check("NOPE" in err, "names the village")
    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", os.path.join(db.dir, "none.csv"))
    eq(rc, 1, "missing file")

    before = state(db)
    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", bad)
    eq(rc, 1, "bad file rejected")
    lines = err.splitlines()
    eq(len(lines), 3, "exactly three errors:\n" + err)
    check(lines[0].startswith(f"{bad}:102: hukou: ") and "是/否" in lines[0], lines[0])
    check(lines[1].startswith(f"{bad}:252: code: ") and "第 12 行" in lines[1], lines[1])
    check(lines[2].startswith(f"{bad}:402: head_name: ") and "户主姓名不能为空" in lines[2], lines[2])
    eq(state(db), before, "tables unchanged")

    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", good, "--dry-run")
    eq(rc, 0, "dry run")
    check("新增" in out and "第 2 行" in out and "将新增 500 户" in out, out[-200:])
    eq(state(db), before, "dry run writes nothing")

    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", good)
    eq(rc, 0, "corrected file: " + err)
    check("新增 500 户，更新 0 户，未变 0 户" in out, out)
    eq(db.sql("SELECT COUNT(*) FROM household"), [["500"]], "500 households")
    once = state(db)
    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", good)
    eq(rc, 0, "again")
    check("新增 0 户，更新 0 户，未变 500 户" in out, out)
    eq(state(db), once, "re-import changes nothing")

    # one changed row: an update, listed by the dry run with its field
    changed = big_csv(False).replace("户主H007,", "户主H007改,")
    path = write(db, "changed.csv", changed)
    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", path, "--dry-run")
    eq(rc, 0, "dry run of a change")
    check("第 9 行  H007  户主H007改  更新: 户主姓名" in out, out)
    rc, out, err = jt.cli(db, "import", "households", "--village", "V1", path)
    check(rc == 0 and "新增 0 户，更新 1 户，未变 499 户" in out, out)


if __name__ == "__main__":
    jt.main(globals())
