"""t_excel_export — the Excel 台账 (issue 14 part 5), read back with
Debian's python3-openpyxl:

  010  `jifen export ledger`: three sheets; title rows naming the village
       and year; header frozen (A3) with an autofilter; points, quantities
       and sequence numbers are numbers, dates are dates; the entries' sum
       equals the ledger's year points; a correction names the entry it
       corrects and that entry shows what was corrected; balances equal
       `jifen balances`; the standard in force with its items
  020  usage and rejections: unknown village and bad year exit 1, a
       missing --out exit 2, an unwritable path exit 3
  030  `jifen export funds`: per source the year's income and spending and
       the balance of `jifen funds`, money as numbers in yuan; every
       movement of the year (and none of another year)
  040  the downloads: ledger.xlsx and funds.xlsx for the village admin and
       the town (Content-Type, RFC 5987 filename*), 404 for another
       village's admin, 403 for the scorer and the shopkeeper, a bad year 400
  050  formula injection: a household named =HYPERLINK(…) is a text cell in
       the workbook, and a guarded text cell in `jifen balances` and in
       `jifen announcement`; negative numbers stay numbers
"""
import csv
import datetime
import io
import os
import sys
import urllib.parse

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402

MEETING = ["--meeting-date", "2024-07-02", "--attendees", "村两委全体", "--resolution", "同意六月积分"]
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def ledger_village(db, names=None):
    """V1 with the sample standard, households H1..H3 (names optional), a
    June 2024 sheet approved and one correction; V2 empty."""
    J.town(db)
    J.standard_and_households(db, "V1", ["H1", "H2", "H3"])
    if names:
        for code, name in names.items():
            db.sql(f"UPDATE household SET head_name = '{name}' WHERE code = '{code}'")
    path = write(db, "e.csv", "household,item,quantity,date,note\n"
                 "H1,HJ01,1,2024-06-03,\nH1,YF06,2,2024-06-10,\nH2,ZF02,1,2024-06-12,赌博记录\n"
                 "H3,HJ01,1,2024-06-20,\n")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06", path)
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", *MEETING)
    eid = db.sql("SELECT id FROM ledger_entry WHERE item_code = 'YF06'")[0][0]
    cli_ok(db, "ledger", "correct", "--village", "V1", "--entry", eid, "--points", "5",
           "--reason", "重复记分")


def header_and_rows(ws):
    """The column titles (row 2) and the data rows below them as dicts,
    stopping at the first blank row (the notes follow it)."""
    head = [c.value for c in ws[2]]
    rows = []
    for r in ws.iter_rows(min_row=3, values_only=True):
        if all(v is None for v in r):
            break
        rows.append(dict(zip(head, r)))
    return head, rows


def test_010_export_ledger(db):
    ledger_village(db)
    out = os.path.join(db.dir, "台账.xlsx")
    msg = cli_ok(db, "export", "ledger", "--village", "V1", "--year", "2024", "--out", out)
    check("2024" in msg and out in msg, msg)
    wb = openpyxl.load_workbook(out)
    eq(wb.sheetnames, ["积分记录", "积分余额", "积分标准"])
    for ws in wb:
        check(ws["A1"].value.startswith("V1村"), ws["A1"].value)
        eq(ws.freeze_panes, "A3", ws.title)
        check(ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:"), ws.auto_filter.ref)
    ws = wb["积分记录"]
    check("2024 年积分台账" in ws["A1"].value, ws["A1"].value)
    head, rows = header_and_rows(ws)
    eq(head[:11], ["序号", "日期", "月份", "户编号", "户主", "类型", "类别", "项目编号", "项目名称",
                   "次数", "积分"])
    eq(len(rows), 5, "4 score entries and 1 correction")
    for r in rows:
        check(isinstance(r["序号"], int) and isinstance(r["积分"], int), r)
        check(isinstance(r["日期"], datetime.datetime), r)
        eq(ws.cell(row=3, column=2).number_format, "yyyy-mm-dd")
    score = [r for r in rows if r["类型"] == "评分"]
    eq(len(score), 4)
    for r in score:
        eq(r["审定会议日期"], datetime.datetime(2024, 7, 2))
        eq(r["审定决议"], "同意六月积分")
    hj03 = [r for r in score if r["项目编号"] == "YF06"][0]
    eq(hj03["次数"], 2)
    eq(hj03["被更正"], -5)
    corr = [r for r in rows if r["类型"] == "更正"][0]
    eq(corr["更正的序号"], hj03["序号"])
    eq(corr["积分"], -5)
    eq(corr["更正原因"], "重复记分")
    year_points = sum(int(v) for (v,) in db.sql(
        "SELECT points FROM household_year WHERE year = 2024"))
    eq(sum(r["积分"] for r in rows), year_points, "the sheet's sum is the ledger's")
    # balances: the rows of `jifen balances` (its year is today's: compare
    # the balance column, which is all-time)
    bal = list(csv.DictReader(io.StringIO(cli_ok(db, "balances", "--village", "V1"))))
    _, brows = header_and_rows(wb["积分余额"])
    eq([(r["户编号"], r["户主"], r["积分余额"]) for r in brows],
       [(b["household"], b["name"], int(b["balance"])) for b in bal])
    for r in brows:
        check(isinstance(r["本年积分"], int), r)
    ws = wb["积分标准"]
    check("第 1 版" in ws["A1"].value, ws["A1"].value)
    _, srows = header_and_rows(ws)
    with open(J.SAMPLE_STANDARD, encoding="utf-8") as f:
        std = list(csv.DictReader(f))
    eq(len(srows), len(std))
    eq((srows[1]["项目编号"], srows[1]["分值"]), (std[1]["项目编号"], int(std[1]["分值"])))
    # a year without entries: the sheets are there, empty
    out2 = os.path.join(db.dir, "2023.xlsx")
    cli_ok(db, "export", "ledger", "--village", "V1", "--year", "2023", "--out", out2)
    _, rows = header_and_rows(openpyxl.load_workbook(out2)["积分记录"])
    eq(rows, [])


def test_020_usage_and_rejections(db):
    J.town(db)
    out = os.path.join(db.dir, "x.xlsx")
    rc, _, err = cli(db, "export", "ledger", "--village", "NOPE", "--year", "2024", "--out", out)
    eq(rc, 1, err)
    check("NOPE" in err, err)
    rc, _, err = cli(db, "export", "ledger", "--village", "V1", "--year", "24", "--out", out)
    eq(rc, 1, err)
    check("--year" in err, err)
    rc, _, err = cli(db, "export", "ledger", "--village", "V1", "--year", "2024")
    eq(rc, 2, err)
    rc, _, err = cli(db, "export", "funds", "--village", "V1", "--year", "2024", "--bogus", "1",
                     "--out", out)
    eq(rc, 2, err)
    rc, _, err = cli(db, "export", "ledger", "--village", "V1", "--year", "2024",
                     "--out", os.path.join(db.dir, "no-such-dir", "x.xlsx"))
    eq(rc, 3, err)
    check("Excel" in err, err)
    check("export ledger" in cli_ok(db, "help"))


def test_030_export_funds(db):
    J.town(db)
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "self_raised", "--amount", "1000",
           "--date", "2023-12-30")
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "donation", "--amount", "50.5",
           "--from", "张三企业", "--date", "2024-04-02")
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "self_raised", "--amount", "20.25",
           "--note", "购买大米 2 袋", "--date", "2024-05-03")
    out = os.path.join(db.dir, "f.xlsx")
    cli_ok(db, "export", "funds", "--village", "V1", "--year", "2024", "--out", out)
    wb = openpyxl.load_workbook(out)
    eq(wb.sheetnames, ["资金汇总", "资金流水"])
    _, rows = header_and_rows(wb["资金汇总"])
    eq([r["资金来源"] for r in rows], ["村民委员会自筹", "上级统筹", "激励奖励资金", "社会捐赠", "合计"])
    funds = {r["source"]: r for r in csv.DictReader(io.StringIO(cli_ok(db, "funds", "--village", "V1")))}
    for r, src in zip(rows, ["self_raised", "higher_level", "incentive", "donation", "total"]):
        eq(round(r["余额（元）"], 2), float(funds[src]["balance"]), src)
        check(isinstance(r["本年收入（元）"], (int, float)), r)
    eq((rows[0]["本年收入（元）"], rows[0]["本年支出（元）"], rows[0]["累计收入（元）"]), (0, 20.25, 1000))
    eq(rows[3]["本年收入（元）"], 50.5)
    eq(wb["资金汇总"].cell(row=3, column=2).number_format, "#,##0.00")
    _, moves = header_and_rows(wb["资金流水"])
    eq([(m["日期"], m["收支"], m["金额（元）"]) for m in moves],
       [(datetime.datetime(2024, 4, 2), "收入", 50.5), (datetime.datetime(2024, 5, 3), "支出", 20.25)])
    eq(moves[0]["捐赠方"], "张三企业")


def test_040_downloads(db):
    ledger_village(db)
    s = J.Server(db)
    try:
        c = s.client()
        eq(c.get("/v/V1/ledger.xlsx?year=2024").status, 303, "not logged in: the login page")
        for login in ("V1-admin", "admin"):
            c = s.client()
            c.login(login)
            page = c.get("/v/V1/ledger")
            check("/v/V1/ledger.xlsx" in page.text, "the ledger page links its workbook")
            r = c.get("/v/V1/ledger.xlsx?year=2024")
            eq(r.status, 200, r.body[:200])
            eq(r.header("Content-Type"),
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            cd = r.header("Content-Disposition")
            check(cd.startswith("attachment;") and 'filename="ledger-V1-2024.xlsx"' in cd, cd)
            check("filename*=UTF-8''" + urllib.parse.quote("V1村-2024年积分台账.xlsx") in cd, cd)
            wb = openpyxl.load_workbook(io.BytesIO(r.body))
            eq(len(header_and_rows(wb["积分记录"])[1]), 5)
            check("/funds.xlsx" in c.get("/v/V1/funds").text, "the funds page links its workbook")
            r = c.get("/v/V1/funds.xlsx?year=2024")
            eq(r.status, 200)
            eq(openpyxl.load_workbook(io.BytesIO(r.body)).sheetnames, ["资金汇总", "资金流水"])
            eq(c.get("/v/V1/ledger.xlsx?year=abc").status, 400)
        c = s.client()
        c.login("V2-admin")
        eq(c.get("/v/V1/ledger.xlsx?year=2024").status, 404)
        eq(c.get("/v/V1/funds.xlsx").status, 404)
        for login in ("V1-scorer", "V1-shop"):
            c = s.client()
            c.login(login)
            eq(c.get("/v/V1/ledger.xlsx").status, 403, login)
            eq(c.get("/v/V1/funds.xlsx").status, 403, login)
    finally:
        s.stop()
    exports = db.sql("SELECT COUNT(*) FROM audit WHERE action = 'security.export'")[0][0]
    check(int(exports) >= 4, exports)


def test_050_formula_injection(db):
    ledger_village(db, names={"H2": HOSTILE.replace("'", "''")})
    out = os.path.join(db.dir, "l.xlsx")
    cli_ok(db, "export", "ledger", "--village", "V1", "--year", "2024", "--out", out)
    wb = openpyxl.load_workbook(out)
    for ws in (wb["积分记录"], wb["积分余额"]):
        cells = [c for row in ws.iter_rows() for c in row if c.value == HOSTILE]
        check(cells, ws.title)
        for c in cells:
            eq(c.data_type, "s", "a string cell, not a formula")
    # CSV: guarded text, negative numbers as numbers
    rows = list(csv.reader(io.StringIO(cli_ok(db, "balances", "--village", "V1"))))
    h2 = [r for r in rows if r[0] == "H2"][0]
    eq(h2[1], "'" + HOSTILE)
    eq(h2[2], "-20")
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q2", "--date", "2024-07-10")
    text = cli_ok(db, "announcement", "--village", "V1", "--quarter", "2024-Q2")
    for r in list(csv.reader(io.StringIO(text)))[1:]:
        check(not r[1] or r[1][0] not in "=+-@\t\r", r)
    h2 = [r for r in csv.reader(io.StringIO(text)) if r[0] == "H2"][0]
    eq(h2[2], "-20")


if __name__ == "__main__":
    J.main(globals())
