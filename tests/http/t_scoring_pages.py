"""t_scoring_pages — the standard, monthly sheet, ledger, balances and
declaration pages and their JSON API, through the real binary: the public
standard page (escaped, no personal data), adopting a standard on the web
(template and CSV, preview, confirm, compare), fast entry with the cap
named on rejection and nothing added, photo uploads checked by content,
the CSV import preview, submit / return / approve with the scorer refused,
approval putting the sheet on the ledger (checked on the balances page, its
CSV and in the database), corrections, declarations, hostile text escaped,
village B's accounts getting 404 on every village A URL, and an API round
trip with X-CSRF-Token.

Run: JIFEN_BIN=build/jifen python3 tests/http/t_scoring_pages.py [NAME...]
"""
import json
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = os.path.join(HERE, "..", "data", "sample-standard.csv")
HOSTILE = "<script>alert(1)</script>\"'&"
MONTH = "2024-06"
MEETING = {"meeting_date": "2024-07-02", "attendees": "张书记、李主任、王委员",
           "resolution": "同意六月份积分结果"}


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def png_bytes():
    """A valid 1x1 PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def setup(db, standard=True):
    """Town with V1 (households 001 张三, 002 李四, 003 王五) and V2 (001
    赵六); V1's standard from the sample CSV (effective 2024-01-01) unless
    standard is False."""
    J.town(db)
    hh = "code,head_name,hukou,homestead,resident,joined\n"
    cli_ok(db, "import", "households", "--village", "V1", write(db, "h1.csv", hh +
           "001,张三,是,是,是,2024-01-01\n002,李四,是,是,是,2024-01-01\n"
           "003,王五,是,是,是,2024-01-01\n"))
    cli_ok(db, "import", "households", "--village", "V2",
           write(db, "h2.csv", hh + "001,赵六,是,是,是,2024-01-01\n"))
    if standard:
        cli_ok(db, "import", "standard", "--village", "V1", STANDARD, "--adopted", "2024-01-01",
               "--effective", "2024-01-01", "--meeting", "村民代表会议")


class Run:
    """A server over db; `with Run(db) as s:` then s.login("V1-scorer")."""

    def __init__(self, db):
        self.server = J.Server(db)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.stop()

    def client(self):
        return self.server.client()

    def login(self, login):
        c = self.server.client()
        c.login(login)
        return c


def add_entry(c, household, item, date, note="", quantity=1, photo=None, month=MONTH):
    files = {"photo": photo} if photo else {"photo": ("", b"", "application/octet-stream")}
    return c.post_multipart(f"/v/V1/sheets/{month}/entries",
                            {"household": household, "item": item, "quantity": quantity,
                             "date": date, "note": note}, files)


def count(db, sql):
    return int(db.sql(sql)[0][0])


def hidden(text, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), text)
    check(m, f"hidden field {name} missing")
    return m.group(1)


def api(c, method, path, body=None, token=True):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-CSRF-Token"] = c.api_csrf
    data = json.dumps(body).encode() if body is not None else None
    return c.request(method, path, body=data, headers=headers)


def api_login(s, login):
    c = s.login(login)
    r = c.get("/api/v1/session")
    eq(r.status, 200, "session")
    c.api_csrf = r.json()["csrf"]
    return c


# ---- the standard ------------------------------------------------------------------

def test_100_standard_public_and_escaped(db):
    setup(db, standard=False)
    csv = ("类别,项目编号,项目名称,分值,每月上限,每年上限,一票否决,需佐证\n"
           f"环境优化,HJ01,宅前屋后无乱堆乱放,5,5,,否,否\n"
           f"\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",X1,\"{HOSTILE.replace(chr(34), chr(34) * 2)}\","
           "-10,,20,是,是\n")
    cli_ok(db, "import", "standard", "--village", "V1", write(db, "s.csv", csv), "--adopted",
           "2024-01-01", "--effective", "2024-01-01", "--meeting", HOSTILE)
    with Run(db) as s:
        c = s.client()
        r = c.get("/v/V1/standard")
        eq(r.status, 200, "public without login")
        check("宅前屋后无乱堆乱放" in r.text and "每月上限" in r.text, "items shown")
        check("+5" in r.text and "-10" in r.text, "points with sign")
        check(HOSTILE not in r.text, "hostile text escaped")
        check(J.escaped_form(HOSTILE) in r.text, "escaped form present")
        check("张三" not in r.text, "no personal data")
        check("通过新版本" not in r.text, "no admin link for the public")
        vid = db.sql("SELECT id FROM standard_version WHERE village_id IS NOT NULL")[0][0]
        r = c.get(f"/v/V1/standard/versions/{vid}")
        eq(r.status, 200)
        check(HOSTILE not in r.text)
        r = c.get(f"/v/V1/standard/versions/{vid}/csv")
        eq(r.status, 200)
        check(r.header("Content-Type").startswith("text/csv"))
        check(r.body.startswith(b"\xef\xbb\xbf") and "HJ01" in r.text)
        eq(c.get("/v/NOPE/standard").status, 404, "unknown village")
        eq(c.get(f"/v/V2/standard/versions/{vid}").status, 404, "another village's version")
        r = c.get("/standard/template")
        eq(r.status, 200, "template public")
        check("HJ01" in r.text)
        r = c.get("/api/v1/villages/V1/standard")
        eq(r.status, 200)
        eq(r.json()["items"][1]["name"], HOSTILE, "API returns the text as is")
        eq(c.get("/v/V1/standard/adopt").status, 303, "adopt needs login")


def test_110_adopt_via_web(db):
    setup(db, standard=False)
    record = {"adopted_on": "2024-01-05", "effective_on": "2024-02-01",
              "meeting_type": "villagers", "meeting": "2024 年第一次村民会议",
              "entitled": "120", "attendance": "96", "votes_for": "90", "votes_against": "2",
              "votes_abstain": "4", "without_consultation": "首次建立标准，村民会议上逐条讨论"}
    with Run(db) as s:
        c = s.login("V1-admin")
        r = c.get("/v/V1/standard")
        check("通过新版本" in r.text, "admin sees the adopt link")
        eq(c.get("/v/V1/standard/adopt").status, 200)
        # from the template: preview, then confirm
        r = c.post_multipart("/v/V1/standard/adopt", dict(record, source="template"),
                             {"file": ("", b"", "application/octet-stream")})
        eq(r.status, 200, r.text[:2000])
        check("确认通过并保存" in r.text and "HJ01" in r.text, "preview")
        eq(count(db, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), 0,
           "preview writes nothing")
        r = c.post("/v/V1/standard/adopt", dict(record, source="template", confirm="1"))
        eq(r.status, 303, r.text[:2000])
        check("/v/V1/standard/versions/" in r.header("Location"))
        eq(db.sql("SELECT attendance, votes_for, meeting_type, source FROM standard_version"
                  " WHERE village_id IS NOT NULL"), [["96", "90", "villagers", "template"]])
        r = c.get(r.header("Location"))
        check("已通过" in r.text and "实到 96 人" in r.text, "version page with record")
        # a CSV with a bad row: the row named, nothing written
        bad = open(STANDARD, encoding="utf-8").read().replace("HJ02,", "HJ01,", 1)
        rec2 = dict(record, adopted_on="2024-02-20", effective_on="2024-03-01", source="csv")
        r = c.post_multipart("/v/V1/standard/adopt", rec2,
                             {"file": ("bad.csv", bad.encode(), "text/csv")})
        eq(r.status, 400)
        check("bad.csv:" in r.text and "重复" in r.text, "row error shown")
        eq(count(db, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), 1)
        # bad record fields
        r = c.post_multipart("/v/V1/standard/adopt", dict(rec2, attendance="200"),
                             {"file": ("s.csv", open(STANDARD, "rb").read(), "text/csv")})
        eq(r.status, 400)
        check("实到人数" in r.text)
        # a good CSV changing one item: preview, confirm with the file carried back
        good = open(STANDARD, encoding="utf-8").read().replace(
            "HJ01,宅前屋后无乱堆乱放,5,5", "HJ01,宅前屋后无乱堆乱放,6,6")
        good += "环境优化,HJ99,新增项目,3,,,否,否\n"
        r = c.post_multipart("/v/V1/standard/adopt", rec2,
                             {"file": ("new.csv", good.encode(), "text/csv")})
        eq(r.status, 200, r.text[:2000])
        check("新增 <strong>1</strong> 项" in r.text and "修改 <strong>1</strong> 项" in r.text,
              "diff against the version in force")
        r = c.post("/v/V1/standard/adopt", dict(rec2, confirm="1", fname=hidden(r.text, "fname"),
                                                data=hidden(r.text, "data")))
        eq(r.status, 303, r.text[:2000])
        ids = [x[0] for x in db.sql("SELECT id FROM standard_version WHERE village_id IS NOT NULL"
                                    " ORDER BY id")]
        eq(len(ids), 2)
        r = c.get(f"/v/V1/standard/compare?a={ids[0]}&b={ids[1]}")
        eq(r.status, 200)
        check("HJ99" in r.text and "新增" in r.text and "分值" in r.text)
        # the effective date must move forward
        r = c.post("/v/V1/standard/adopt", dict(record, source="template", confirm="1"))
        eq(r.status, 400)
        check("生效日期" in r.text)
        eq(count(db, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), 2)
        # who may adopt
        sc = s.login("V1-scorer")
        eq(sc.get("/v/V1/standard/adopt").status, 403)
        eq(sc.post("/v/V1/standard/adopt", dict(record, source="template", confirm="1")).status, 403)
        b = s.login("V2-admin")
        eq(b.get("/v/V1/standard/adopt").status, 404)
        eq(b.post("/v/V1/standard/adopt", dict(record, source="template", confirm="1")).status, 404)
        t = s.login("admin")
        eq(t.get("/v/V1/standard/adopt").status, 200, "town admin may adopt")
        eq(count(db, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), 2)


def test_120_template_publish(db):
    setup(db, standard=False)
    with Run(db) as s:
        t = s.login("admin")
        eq(t.get("/standard/template/publish").status, 200)
        csv = open(STANDARD, encoding="utf-8").read() + "环境优化,HJ98,模板新增,2,,,否,否\n"
        r = t.post_multipart("/standard/template/publish", {"effective_on": "2025-01-01"},
                             {"file": ("t.csv", csv.encode(), "text/csv")})
        eq(r.status, 200, r.text[:1500])
        check("确认发布" in r.text)
        r = t.post("/standard/template/publish",
                   {"effective_on": "2025-01-01", "confirm": "1",
                    "fname": hidden(r.text, "fname"), "data": hidden(r.text, "data")})
        eq(r.status, 303, r.text[:1500])
        check("HJ98" in t.get("/standard/template").text)
        a = s.login("V1-admin")
        eq(a.get("/standard/template/publish").status, 403, "village admin cannot publish")


# ---- entering a month -------------------------------------------------------------------

def test_130_entry_screen_and_cap(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        r = c.get(f"/v/V1/sheets/{MONTH}")
        eq(r.status, 200)
        check('<datalist id="households">' in r.text and 'value="002">李四' in r.text)
        check('<optgroup label="环境优化">' in r.text and 'value="HJ01"' in r.text)
        check("autofocus" not in r.text)
        r = add_entry(c, "001", "HJ01", "2024-06-05")
        eq(r.status, 303, r.text[:2000])
        loc = r.header("Location")
        check("hh=001" in loc and "date=2024-06-05" in loc, loc)
        r = c.get(loc.split("#")[0])
        check("已记入" in r.text and "autofocus" in r.text and 'value="001"' in r.text,
              "back with the household kept and the form focused")
        check('value="2024-06-05"' in r.text, "date kept")
        # over the monthly cap of HJ01 (5): rejected naming the cap, nothing added
        r = add_entry(c, "001", "HJ01", "2024-06-20")
        eq(r.status, 400)
        check("HJ01" in r.text and "每月上限 5" in r.text, "cap named")
        eq(count(db, "SELECT COUNT(*) FROM entry"), 1, "nothing added")
        check('value="2024-06-20"' in r.text, "form kept on rejection")
        # by head name; quantity; running totals and the sheet total
        eq(add_entry(c, "李四", "PA02", "2024-06-07", quantity=3).status, 303)
        eq(db.sql("SELECT h.code, e.points FROM entry e JOIN household h ON h.id = e.household_id"
                  " WHERE e.item_code = 'PA02'"), [["002", "6"]])
        eq(add_entry(c, "001", "YF04", "2024-06-08").status, 303)
        r = c.get(f"/v/V1/sheets/{MONTH}")
        check("全表合计（2 户，3 条）" in r.text, "sheet total")
        check("<strong>+3</strong>" in r.text and "<strong>+6</strong>" in r.text,
              "household subtotals")
        # unknown household, evidence needed, date outside the month
        r = add_entry(c, "999", "HJ01", "2024-06-05")
        eq(r.status, 400)
        check("999" in r.text)
        r = add_entry(c, "002", "PA01", "2024-06-05")
        eq(r.status, 400)
        check("佐证" in r.text, "evidence required")
        r = add_entry(c, "002", "HJ01", "2024-07-05")
        eq(r.status, 400)
        eq(count(db, "SELECT COUNT(*) FROM entry"), 3)
        # remove a draft entry
        eid = db.sql("SELECT id FROM entry WHERE item_code = 'YF04'")[0][0]
        r = c.post(f"/v/V1/sheets/{MONTH}/entries/{eid}/remove", {})
        eq(r.status, 303)
        eq(count(db, "SELECT COUNT(*) FROM entry"), 2)
        # the list of months
        r = c.get("/v/V1/sheets")
        eq(r.status, 200)
        check(f'href="/v/V1/sheets/{MONTH}"' in r.text and "草稿" in r.text)
        eq(c.get("/v/V1/sheets?month=2024-05").status, 303)
        eq(c.get("/v/V1/sheets/2999-01").status, 404, "future month")
        eq(c.get("/v/V1/sheets/bogus").status, 404)


def test_140_photo_checked_by_content(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        r = add_entry(c, "001", "PA01", "2024-06-05",
                      photo=("photo.jpg", b"this is only text, not a JPEG", "image/jpeg"))
        eq(r.status, 400)
        check("JPEG 或 PNG" in r.text)
        eq(count(db, "SELECT COUNT(*) FROM entry"), 0, "nothing added")
        eq(count(db, "SELECT COUNT(*) FROM evidence"), 0, "nothing stored")
        png = png_bytes()
        r = add_entry(c, "001", "PA01", "2024-06-05", photo=("p.png", png, "image/png"))
        eq(r.status, 303, r.text[:2000])
        h = db.sql("SELECT photo FROM entry")[0][0]
        eq(len(h), 64)
        r = c.get(f"/v/V1/evidence/{h}")
        eq(r.status, 200)
        eq(r.header("Content-Type"), "image/png")
        check("private" in r.header("Cache-Control"))
        eq(r.body, png)
        check(f"/v/V1/evidence/{h}" in c.get(f"/v/V1/sheets/{MONTH}").text, "linked")
        eq(c.get("/v/V1/evidence/" + "0" * 64).status, 404)
        eq(s.login("V2-admin").get(f"/v/V1/evidence/{h}").status, 404, "other village")
        eq(s.login("V2-scorer").get(f"/v/V2/evidence/{h}").status, 404, "not V2's photo")


def test_150_hostile_note_escaped(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(add_entry(c, "001", "HJ01", "2024-06-05", note=HOSTILE).status, 303)
        r = c.get(f"/v/V1/sheets/{MONTH}")
        check(HOSTILE not in r.text, "note escaped on the sheet")
        check(J.escaped_form(HOSTILE) in r.text)
        r = add_entry(c, HOSTILE, "HJ01", "2024-06-05", note=HOSTILE)
        eq(r.status, 400)
        check(HOSTILE not in r.text, "escaped in the rejected form and messages")


# ---- workflow and ledger -------------------------------------------------------------------

def test_160_submit_approve_ledger(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(add_entry(c, "001", "HJ01", "2024-06-05").status, 303)
        eq(add_entry(c, "001", "PA02", "2024-06-06", quantity=2).status, 303)
        eq(add_entry(c, "002", "YF04", "2024-06-07").status, 303)
        r = c.post(f"/v/V1/sheets/{MONTH}/approve", MEETING)
        eq(r.status, 403, "a scorer cannot approve")
        r = c.post(f"/v/V1/sheets/{MONTH}/submit", {})
        eq(r.status, 303)
        eq(db.sql("SELECT status FROM sheet"), [["submitted"]])
        r = add_entry(c, "003", "HJ01", "2024-06-05")
        eq(r.status, 400, "submitted sheet is closed")
        eq(c.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 403)
        eq(c.post(f"/v/V1/sheets/{MONTH}/return", {"reason": "x"}).status, 403)
        eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), 0)
        a = s.login("V1-admin")
        r = a.get(f"/v/V1/sheets/{MONTH}")
        check(f'href="/v/V1/sheets/{MONTH}/review"' in r.text, "the review linked at the top")
        r = a.get(f"/v/V1/sheets/{MONTH}/review")
        check("审定通过，记入台账" in r.text and "退回" in r.text)
        r = a.post(f"/v/V1/sheets/{MONTH}/approve", dict(MEETING, attendees=""))
        eq(r.status, 400)
        check("参会人员" in r.text)
        eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), 0)
        r = a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING)
        eq(r.status, 303, r.text[:2000])
        eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), 3, "whole sheet on the ledger")
        eq(db.sql("SELECT status FROM sheet"), [["approved"]])
        eq(db.sql("SELECT h.code, b.balance FROM household_balance b JOIN household h"
                  " ON h.id = b.household_id ORDER BY h.code"), [["001", "9"], ["002", "-2"]])
        r = a.get(f"/v/V1/sheets/{MONTH}")
        check("集体审定记录" in r.text and "张书记" in r.text, "approval record shown")
        check('action="/v/V1/sheets/2024-06/entries"' not in r.text, "read-only")
        eq(add_entry(a, "003", "HJ01", "2024-06-05").status, 400)
        eq(count(db, "SELECT COUNT(*) FROM entry"), 3)
        eq(a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 400, "twice")
        # balances page and CSV
        r = a.get("/v/V1/balances")
        eq(r.status, 200)
        t = J.without_labels(r.text)
        check(re.search(r"001</a></td><td>张三</td><td class=\"num\">9<", t), "balance 9")
        check(re.search(r"002</a></td><td>李四</td><td class=\"num\">-2<", t))
        r = a.get("/v/V1/balances.csv")
        eq(r.status, 200)
        check(r.header("Content-Type").startswith("text/csv"))
        check(r.body.startswith(b"\xef\xbb\xbf"), "BOM")
        lines = r.body[3:].decode().splitlines()
        eq(lines[0], "household,name,balance,year_points")
        check("001,张三,9," in lines[1] and "002,李四,-2," in lines[2], lines)
        sh = s.login("V1-shop")
        # the shopkeeper sees one household's balance at the counter, never
        # the list of every household's names and balances (issue 13)
        eq(sh.get("/v/V1/balances").status, 403, "shopkeeper sees no balance list")
        eq(sh.get("/v/V1/balances.csv").status, 403)
        eq(sh.get(f"/v/V1/sheets/{MONTH}").status, 403, "but not sheets")
        eq(sh.get("/v/V1/ledger?household=001").status, 403)
        # verify agrees
        cli_ok(db, "verify")


def test_170_return_with_reason(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(add_entry(c, "001", "HJ01", "2024-06-05").status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        a = s.login("V1-admin")
        r = a.post(f"/v/V1/sheets/{MONTH}/return", {"reason": ""})
        eq(r.status, 400)
        r = a.post(f"/v/V1/sheets/{MONTH}/return", {"reason": "002 户的环境分漏记了"})
        eq(r.status, 303)
        eq(db.sql("SELECT status, return_reason FROM sheet"), [["returned", "002 户的环境分漏记了"]])
        r = c.get(f"/v/V1/sheets/{MONTH}")
        check("002 户的环境分漏记了" in r.text and "已退回" in r.text)
        eq(add_entry(c, "002", "HJ01", "2024-06-05").status, 303, "open again")


def test_180_correction(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(add_entry(c, "001", "PA02", "2024-06-05", quantity=3).status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        a = s.login("V1-admin")
        eq(a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 303)
        lid = db.sql("SELECT id FROM ledger_entry")[0][0]
        r = a.get("/v/V1/ledger?household=001")
        eq(r.status, 200)
        check("积分余额" in r.text and f'/v/V1/ledger/{lid}/correct' in r.text)
        r = c.get("/v/V1/ledger?household=001")
        eq(r.status, 200, "scorer reads the ledger")
        check("/correct" not in r.text, "no correction form for scorers")
        eq(c.post(f"/v/V1/ledger/{lid}/correct", {"amount": "2", "reason": "多记"}).status, 403)
        r = a.post(f"/v/V1/ledger/{lid}/correct", {"amount": "7", "reason": "多记"})
        eq(r.status, 400, "more than the entry")
        r = a.post(f"/v/V1/ledger/{lid}/correct", {"amount": "2", "reason": ""})
        eq(r.status, 400, "reason required")
        eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), 1)
        r = a.post(f"/v/V1/ledger/{lid}/correct", {"amount": "2", "reason": "重复记录一次"})
        eq(r.status, 303, r.text[:2000])
        check("household=001" in r.header("Location"))
        eq(db.sql("SELECT kind, points, correction_of FROM ledger_entry ORDER BY seq")[1],
           ["correction", "-2", lid])
        eq(db.sql("SELECT balance FROM household_balance"), [["4"]])
        r = a.get("/v/V1/ledger?household=001")
        check("重复记录一次" in r.text and "已更正 -2" in r.text)
        eq(a.get("/v/V1/ledger?household=999").status, 404)
        eq(s.login("V2-admin").post(f"/v/V1/ledger/{lid}/correct",
                                    {"amount": "1", "reason": "x"}).status, 404)
        cli_ok(db, "verify")


def test_190_import_preview_confirm(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(c.get(f"/v/V1/sheets/{MONTH}/import").status, 200)
        bad = ("household,item,quantity,date,note\n001,HJ01,1,2024-06-02,\n"
               "001,HJ01,1,2024-06-03,\n002,PA02,2,2024-06-04,\n")
        r = c.post_multipart(f"/v/V1/sheets/{MONTH}/import", {},
                             {"file": ("e.csv", bad.encode(), "text/csv")})
        eq(r.status, 400)
        check("e.csv:3:" in r.text and "每月上限 5" in r.text, "row and cap named")
        eq(count(db, "SELECT COUNT(*) FROM entry"), 0)
        good = "household,item,quantity,date,note\n001,HJ01,1,2024-06-02,\n002,PA02,2,2024-06-04,\n"
        r = c.post_multipart(f"/v/V1/sheets/{MONTH}/import", {},
                             {"file": ("e.csv", good.encode(), "text/csv")})
        eq(r.status, 200, r.text[:2000])
        check("确认导入" in r.text and "<strong>2</strong> 条" in r.text)
        eq(count(db, "SELECT COUNT(*) FROM entry"), 0, "preview writes nothing")
        r = c.post(f"/v/V1/sheets/{MONTH}/import",
                   {"confirm": "1", "fname": hidden(r.text, "fname"), "data": hidden(r.text, "data")})
        eq(r.status, 303)
        check("imported=2" in r.header("Location"))
        eq(count(db, "SELECT COUNT(*) FROM entry"), 2)


def test_200_declarations(db):
    setup(db)
    hid = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                 " WHERE v.code = 'V1' AND h.code = '002'")[0][0]
    vid = db.sql("SELECT id FROM village WHERE code = 'V1'")[0][0]
    for note in ("帮邻居修屋顶", HOSTILE):
        db.sql(f"INSERT INTO declaration(village_id, household_id, item_code, date, note, created_at)"
               f" VALUES({vid}, {hid}, 'YF06', '2024-06-10', '{note.replace(chr(39), chr(39) * 2)}', 0)")
    ids = [x[0] for x in db.sql("SELECT id FROM declaration ORDER BY id")]
    with Run(db) as s:
        c = s.login("V1-scorer")
        r = c.get("/v/V1/declarations")
        eq(r.status, 200)
        check("帮邻居修屋顶" in r.text and HOSTILE not in r.text)
        check("待审核（2）" in r.text)
        r = c.post(f"/v/V1/declarations/{ids[1]}/decline", {"reason": ""})
        eq(r.status, 400)
        eq(c.post(f"/v/V1/declarations/{ids[1]}/decline", {"reason": "查无此事"}).status, 303)
        r = c.post(f"/v/V1/declarations/{ids[0]}/accept", {"item": "YF06"})
        eq(r.status, 303, r.text[:2000])
        eq(db.sql("SELECT status FROM declaration ORDER BY id"), [["accepted"], ["declined"]])
        eq(db.sql("SELECT item_code, points FROM entry"), [["YF06", "10"]])
        check("农户申报" in c.get(f"/v/V1/sheets/{MONTH}").text)
        eq(s.login("V2-scorer").get("/v/V1/declarations").status, 404)
        eq(s.login("V2-scorer").post(f"/v/V1/declarations/{ids[0]}/accept",
                                     {"item": "YF06"}).status, 404)


# ---- villages kept apart -------------------------------------------------------------------

def test_210_other_village_gets_404(db):
    setup(db)
    with Run(db) as s:
        c = s.login("V1-scorer")
        eq(add_entry(c, "001", "PA01", "2024-06-05", photo=("p.png", png_bytes(), "image/png")).status,
           303)
        h = db.sql("SELECT photo FROM entry")[0][0]
        eid = db.sql("SELECT id FROM entry")[0][0]
        gets = ["/v/V1/sheets", f"/v/V1/sheets/{MONTH}", f"/v/V1/sheets/{MONTH}/import",
                "/v/V1/standard/adopt", f"/v/V1/evidence/{h}", "/v/V1/ledger?household=001",
                "/v/V1/ledger", "/v/V1/balances", "/v/V1/balances.csv", "/v/V1/declarations",
                "/api/v1/villages/V1/sheets", f"/api/v1/villages/V1/sheets/{MONTH}",
                "/api/v1/villages/V1/balances", "/api/v1/villages/V1/ledger?household=001",
                "/api/v1/villages/V1/declarations"]
        posts = [f"/v/V1/sheets/{MONTH}/entries", f"/v/V1/sheets/{MONTH}/entries/{eid}/remove",
                 f"/v/V1/sheets/{MONTH}/submit", f"/v/V1/sheets/{MONTH}/import",
                 "/v/V1/standard/adopt"]
        admin_posts = [f"/v/V1/sheets/{MONTH}/approve", f"/v/V1/sheets/{MONTH}/return"]
        for login in ("V2-admin", "V2-scorer"):
            b = s.login(login)
            for u in gets:
                if login == "V2-scorer" and u == "/v/V1/standard/adopt":
                    continue
                eq(b.get(u).status, 404, f"{login} GET {u}")
            for u in posts + (admin_posts if login == "V2-admin" else []):
                if login == "V2-scorer" and u == "/v/V1/standard/adopt":
                    continue
                eq(b.post(u, {"household": "001", "item": "HJ01", "date": "2024-06-05"}).status,
                   404, f"{login} POST {u}")
            b.api_csrf = b.get("/api/v1/session").json()["csrf"]
            for u in (f"/api/v1/villages/V1/sheets/{MONTH}/entries",
                      f"/api/v1/villages/V1/sheets/{MONTH}/submit", "/api/v1/villages/V1/evidence"):
                eq(api(b, "POST", u, {"household": "001", "item": "HJ01", "date": "2024-06-05"}).status,
                   404, f"{login} API POST {u}")
        # a shopkeeper has no balance list in any village (403, issue 13); the
        # counter, which it has in its own, is 404 in another village
        sh = s.login("V2-shop")
        for u in ("/v/V1/balances", "/v/V1/balances.csv", "/api/v1/villages/V1/balances"):
            eq(sh.get(u).status, 403, f"V2-shop GET {u}")
        for u in ("/v/V1/counter", "/api/v1/villages/V1/counter/001"):
            eq(sh.get(u).status, 404, f"V2-shop GET {u}")
        eq(count(db, "SELECT COUNT(*) FROM entry"), 1, "nothing changed")
        eq(db.sql("SELECT status FROM sheet"), [["draft"]])


# ---- the API -----------------------------------------------------------------------------------

def test_220_api_round_trip(db):
    setup(db)
    with Run(db) as s:
        c = api_login(s, "V1-scorer")
        u = f"/api/v1/villages/V1/sheets/{MONTH}"
        eq(c.get(u).status, 404, "no sheet yet")
        body = {"household": "001", "item": "HJ01", "quantity": 1, "date": "2024-06-05",
                "note": HOSTILE}
        eq(api(c, "POST", u + "/entries", body, token=False).status, 403, "CSRF header required")
        r = api(c, "POST", u + "/entries", body)
        eq(r.status, 201, r.text)
        eid = r.json()["id"]
        r = api(c, "POST", u + "/entries", dict(body, date="2024-06-06"))
        eq(r.status, 400)
        check("每月上限 5" in r.json()["error"], r.text)
        r = api(c, "POST", u + "/entries", {"household": "002", "item": "PA02", "quantity": 2,
                                            "date": "2024-06-07"})
        eq(r.status, 201, r.text)
        r = api(c, "POST", u + "/entries", {"household": "002", "item": "PA02", "quantity": "x",
                                            "date": "2024-06-07"})
        eq(r.status, 400)
        eq(api(c, "POST", u + "/entries", None).status, 400, "not an object")
        r = c.get(u)
        eq(r.status, 200)
        d = r.json()
        eq(d["status"], "draft")
        eq([(e["household"], e["item"], e["points"]) for e in d["entries"]],
           [("001", "HJ01", 5), ("002", "PA02", 4)])
        eq(d["entries"][0]["note"], HOSTILE)
        eq(d["entries"][0]["id"], eid)
        r = c.get("/api/v1/villages/V1/sheets")
        eq(r.json()["sheets"][0]["points_total"], 9)
        r = api(c, "POST", u + "/submit", {})
        eq(r.status, 200, r.text)
        eq(r.json()["status"], "submitted")
        eq(api(c, "POST", u + "/entries", dict(body, date="2024-06-09")).status, 409)
        eq(api(c, "POST", u + "/approve", MEETING).status, 403, "scorer cannot approve")
        a = api_login(s, "V1-admin")
        r = api(a, "POST", u + "/approve", dict(MEETING, resolution=""))
        eq(r.status, 400)
        r = api(a, "POST", u + "/approve", MEETING)
        eq(r.status, 200, r.text)
        eq(r.json()["approval"]["entry_count"], 2)
        eq(r.json()["approval"]["points_total"], 9)
        eq(api(a, "POST", u + "/approve", MEETING).status, 409, "already approved")
        eq(api(a, "POST", u + "/submit", {}).status, 409)
        r = c.get("/api/v1/villages/V1/balances")
        eq(r.status, 200)
        eq({b["household"]: b["balance"] for b in r.json()["balances"]},
           {"001": 5, "002": 4, "003": 0})
        r = c.get("/api/v1/villages/V1/ledger?household=002")
        eq(r.status, 200)
        led = r.json()
        eq(led["balance"], 4)
        eq(led["entries"][0]["points"], 4)
        eq(led["entries"][0]["meeting_date"], "2024-07-02")
        eq(len(led["entries"][0]["hash"]), 64)
        eq(c.get("/api/v1/villages/V1/ledger").status, 400)
        eq(c.get("/api/v1/villages/V1/ledger?household=999").status, 404)
        r = api(a, "POST", f"/api/v1/villages/V1/ledger/{led['entries'][0]['id']}/correct",
                {"amount": 2, "reason": "多记一次"})
        eq(r.status, 201, r.text)
        eq(r.json()["correction"]["points"], -2)
        eq(c.get("/api/v1/villages/V1/ledger?household=002").json()["balance"], 2)
        r = c.get("/api/v1/villages/V1/standard/versions")
        eq(r.status, 200)
        eq(len(r.json()["versions"]), 1)
        r = api(c, "POST", "/api/v1/villages/V1/evidence", None, token=True)
        eq(r.status, 400, "empty photo")
        r = c.request("POST", "/api/v1/villages/V1/evidence", body=png_bytes(),
                      headers={"Content-Type": "image/png", "X-CSRF-Token": c.api_csrf})
        eq(r.status, 201, r.text)
        eq(len(r.json()["hash"]), 64)
        b = api_login(s, "V2-admin")
        eq(b.get(u).status, 404)
        eq(api(b, "POST", u + "/approve", MEETING).status, 404)
        eq(s.client().get(u).status, 401, "API without login")
        cli_ok(db, "verify")


if __name__ == "__main__":
    J.main(globals())
