"""t_excel_import — imports read what Excel on Chinese Windows writes
(issue 15 item 8), on both backends:

  010  households from a GBK CSV, a GB18030 CSV (a character GBK lacks), a
       UTF-8 CSV with a BOM and an .xlsx written by openpyxl (numbers as
       numbers, a real date, a phone as a number, a shared-string quote):
       each village ends up with the same households as the UTF-8 CSV gives
  020  entries, catalog and standard from .xlsx and GBK CSV: the same rows
       and the same messages as from CSV (an error names the sheet's row)
  030  the web: an .xlsx and a GBK CSV uploaded to the households import
       preview "读取为：…", confirm, and give the same households; the
       import pages link the templates
  040  refused with a Chinese message and nothing written: a zip bomb (a
       sheet that inflates past 64 MB), a sheet past 200,000 rows, a ZIP
       that is not a workbook, a file neither UTF-8 nor GB18030 (with the
       hint naming what to save it as)
  050  the blank templates: every import's .xlsx and CSV at a stable URL,
       public, with the Chinese header; filled in (the example row kept)
       they import as they are
"""
import datetime
import io
import os
import re
import sys
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402

HEAD = ["户编号", "户主姓名", "地址", "人口数", "联系电话", "本地户籍", "宅基地房屋", "常住", "参与日期"]
ROWS = [["A1", "张三", "一组 8 号", "3", "13812345678", "是", "是", "是", "2024-04-01"],
        ["A2", '李"四', "二组, 3 号", "", "", "是", "是", "否", ""],
        ["A3", "王䶮", "", "1", "", "是", "是", "是", "2024-05-02"]]


def csv_text(head, rows):
    def cell(v):
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n') else v
    return "".join(",".join(cell(v) for v in r) + "\r\n" for r in [head] + rows)


def xlsx_bytes(head, rows, numeric=(), dates=()):
    """A workbook as Excel users make it: numbers typed as numbers and dates
    as dates in the named columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        out = []
        for h, v in zip(head, r):
            if v == "":
                out.append(None)
            elif h in numeric:
                out.append(int(v))
            elif h in dates:
                out.append(datetime.date.fromisoformat(v))
            else:
                out.append(v)
        ws.append(out)
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def put(db, name, data):
    path = os.path.join(db.dir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def households(db, village):
    return db.sql("SELECT h.code, h.head_name, h.address, COALESCE(h.member_count, 0), h.phone,"
                  " h.hukou, h.homestead, h.resident, COALESCE(h.joined, '') FROM household h"
                  f" JOIN village v ON v.id = h.village_id WHERE v.code = '{village}' ORDER BY h.code")


def town(db, villages):
    J.town(db, villages)


def test_010_households_every_encoding(db):
    vs = ("U", "G", "G2", "B", "X")
    town(db, vs)
    text = csv_text(HEAD, [r for r in ROWS if r[0] != "A3"]) + csv_text(HEAD, [ROWS[2]]).split("\r\n", 1)[1]
    gbk_rows = [r if r[0] != "A3" else [*r[:1], "王五", *r[2:]] for r in ROWS]
    files = {
        "U": put(db, "u.csv", text.encode("utf-8")),
        "G2": put(db, "g18030.csv", text.encode("gb18030")),
        "B": put(db, "bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")),
        "X": put(db, "h.xlsx", xlsx_bytes(HEAD, ROWS, numeric=("人口数", "联系电话"), dates=("参与日期",))),
    }
    for v, path in files.items():
        cli_ok(db, "import", "households", "--village", v, path)
    want = households(db, "U")
    eq(len(want), 3)
    eq(want[2][1], "王䶮", "a character outside GBK")
    for v in ("G2", "B", "X"):
        eq(households(db, v), want, v)
    # GBK proper (Excel's "CSV (逗号分隔)" on Chinese Windows): 王䶮 is not
    # in GBK, so that row uses 王五
    cli_ok(db, "import", "households", "--village", "G",
           put(db, "gbk.csv", csv_text(HEAD, gbk_rows).encode("gbk")))
    got = households(db, "G")
    eq(got[2][1], "王五")
    eq(got[:2], want[:2])


ENTRY_HEAD = ["户编号", "项目编号", "次数", "日期", "说明"]


def test_020_entries_catalog_standard(db):
    town(db, ("V1", "V2"))
    for v in ("V1", "V2"):
        J.standard_and_households(db, v, ["H1", "H2"])
    rows = [["H1", "HJ01", "1", "2024-06-03", "门前整洁"], ["H2", "YF06", "2", "2024-06-10", ""]]
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06",
           put(db, "e.csv", csv_text(ENTRY_HEAD, rows).encode("gbk")))
    cli_ok(db, "import", "entries", "--village", "V2", "--month", "2024-06",
           put(db, "e.xlsx", xlsx_bytes(ENTRY_HEAD, rows, numeric=("次数",), dates=("日期",))))
    q = ("SELECT h.code, e.item_code, e.quantity, e.points, e.date, e.note FROM entry e"
         " JOIN household h ON h.id = e.household_id JOIN village v ON v.id = h.village_id"
         " WHERE v.code = '{}' ORDER BY h.code")
    eq(db.sql(q.format("V2")), db.sql(q.format("V1")))
    eq(len(db.sql(q.format("V1"))), 2)
    # a bad row: the same message, naming the sheet's row, from CSV and xlsx
    bad = rows + [["H9", "HJ01", "1", "2024-06-04", ""]]
    rc1, _, err1 = cli(db, "import", "entries", "--village", "V1", "--month", "2024-06", "--dry-run",
                       put(db, "bad.csv", csv_text(ENTRY_HEAD, bad).encode("utf-8")))
    rc2, _, err2 = cli(db, "import", "entries", "--village", "V1", "--month", "2024-06", "--dry-run",
                       put(db, "bad.xlsx", xlsx_bytes(ENTRY_HEAD, bad, numeric=("次数",))))
    eq((rc1, rc2), (1, 1))
    eq(err2.replace("bad.xlsx", "bad.csv"), err1)
    check(":4:" in err1, err1)
    # catalog: numbers and a money cell as numbers in xlsx
    chead = ["商品编号", "名称", "类型", "所需积分", "库存", "单价", "上架"]
    crow = [["SP01", "食用油 5 升", "物品", "50", "20", "45.5", "是"], ["FW01", "理发", "服务", "10", "", "0", "是"]]
    cli_ok(db, "import", "catalog", "--village", "V1", put(db, "c.csv", csv_text(chead, crow).encode("gbk")))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(chead)
    ws.append(["SP01", "食用油 5 升", "物品", 50, 20, 45.5, "是"])
    ws.append(["FW01", "理发", "服务", 10, None, 0, "是"])
    b = io.BytesIO()
    wb.save(b)
    cli_ok(db, "import", "catalog", "--village", "V2", put(db, "c.xlsx", b.getvalue()))
    q = ("SELECT c.code, c.name, c.kind, c.points, c.unlimited, c.stock, c.unit_cost_fen, c.active"
         " FROM shop_item c JOIN village v ON v.id = c.village_id WHERE v.code = '{}' ORDER BY c.code")
    eq(db.sql(q.format("V2")), db.sql(q.format("V1")))
    # standard from xlsx: the sample standard, numbers typed as numbers
    with open(J.SAMPLE_STANDARD, encoding="utf-8") as f:
        lines = [ln.rstrip("\n").split(",") for ln in f if ln.strip()]
    x = put(db, "s.xlsx", xlsx_bytes(lines[0], lines[1:], numeric=("分值", "每月上限", "每年上限")))
    g = put(db, "s.csv", "\n".join(",".join(r) for r in lines).encode("gbk"))
    for v, path in (("V1", x), ("V2", g)):
        cli_ok(db, "import", "standard", "--village", v, path, "--adopted", "2024-06-01",
               "--effective", "2024-07-01")
    q = ("SELECT i.category, i.code, i.name, i.points, i.cap_month, i.cap_year, i.veto, i.evidence"
         " FROM standard_item i JOIN standard_version s ON s.id = i.version_id"
         " JOIN village v ON v.id = s.village_id WHERE v.code = '{}' AND s.version = 2 ORDER BY i.seq")
    eq(db.sql(q.format("V1")), db.sql(q.format("V2")))
    eq(len(db.sql(q.format("V1"))), len(lines) - 1)


def test_030_web_upload(db):
    town(db, ("V1", "V2"))
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        page = c.get("/v/V1/import")
        check("/templates/households.xlsx" in page.text and "/templates/households.csv" in page.text,
              "the import page links its templates")
        check(".xlsx" in re.search(r'accept="([^"]*)"', page.text).group(1), "the file input takes xlsx")
        for fname, data, want in (
                ("农户.xlsx", xlsx_bytes(HEAD, ROWS, numeric=("人口数",), dates=("参与日期",)), "Excel 工作簿"),
                ("农户.csv", csv_text(HEAD, ROWS).encode("gb18030"), "GB18030")):
            r = c.post_multipart("/v/V1/import", {}, {"file": (fname, data, "application/octet-stream")})
            eq(r.status, 200, r.text[:400])
            check("读取为：" in r.text and want in r.text, "the preview names the format")
            m = re.search(r'name="data" value="([^"]*)"', r.text)
            if fname.endswith(".csv"):  # the same rows again: nothing to confirm
                check(not m and "<strong>3</strong> 户没有变化" in r.text, r.text[-1500:])
                continue
            r = c.post("/v/V1/import", {"confirm": "1", "fname": fname, "data": m.group(1)})
            eq(r.status, 303, r.text[:400])
        eq(len(households(db, "V1")), 3)
        cli_ok(db, "import", "households", "--village", "V2",
               put(db, "u.csv", csv_text(HEAD, ROWS).encode("utf-8")))
        eq(households(db, "V1"), households(db, "V2"))
        for path, name in (("/v/V1/sheets/2024-06/import", "entries"), ("/v/V1/shop", "catalog"),
                           ("/v/V1/standard/adopt", "standard")):
            t = c.get(path).text
            check(f"/templates/{name}.xlsx" in t, path)
    finally:
        s.stop()


def bomb(size):
    """An .xlsx whose sheet inflates to size bytes (spaces in sheetData)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        chunk = " " * (1 << 20)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>code</t></is></c></row>')
            for _ in range(size >> 20):
                f.write(chunk.encode())
            f.write(b"</sheetData></worksheet>")
    return b.getvalue()


def many_rows():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml",
                   '<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>户编号</t></is></c></row>'
                   '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    return b.getvalue()


def test_040_refused(db):
    town(db, ("V1",))
    data = bomb(80 << 20)
    check(len(data) < 1 << 20, len(data))
    cases = [("bomb.xlsx", data, "64 MB"), ("rows.xlsx", many_rows(), "20 万行"),
             ("zip.xlsx", zipfile_plain(), "没有工作表"),
             ("junk.csv", b"\xff\xfe\x80\x81code\n", "另存为")]
    before = households(db, "V1")
    for name, blob, want in cases:
        rc, _, err = cli(db, "import", "households", "--village", "V1", put(db, name, blob))
        eq(rc, 1, name + err)
        check(want in err and name in err, err)
    eq(households(db, "V1"), before)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        r = c.post_multipart("/v/V1/import", {}, {"file": ("bomb.xlsx", data, "application/zip")})
        eq(r.status, 400, r.text[:300])
        check("64 MB" in r.text and "另存为" in r.text, r.text[-2000:])
    finally:
        s.stop()


def zipfile_plain():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return b.getvalue()


def test_050_templates(db):
    town(db, ("V1",))
    J.standard_and_households(db, "V1", ["001"])
    s = J.Server(db)
    try:
        c = s.client()  # not logged in: the templates are public
        got = {}
        for name, first in (("households", "户编号"), ("entries", "户编号"), ("catalog", "商品编号"),
                            ("standard", "类别")):
            r = c.get(f"/templates/{name}.csv")
            eq(r.status, 200, name)
            check(r.header("Content-Type").startswith("text/csv"), r.header("Content-Type"))
            check("filename*=UTF-8''" in r.header("Content-Disposition"), r.header("Content-Disposition"))
            check(r.body.startswith(b"\xef\xbb\xbf" + first.encode()), r.body[:40])
            r = c.get(f"/templates/{name}.xlsx")
            eq(r.status, 200, name)
            wb = openpyxl.load_workbook(io.BytesIO(r.body))
            eq(wb.worksheets[0]["A1"].value, first)
            eq(wb.worksheets[0].freeze_panes, "A2")
            got[name] = r.body
        eq(c.get("/templates/nope.xlsx").status, 404)
        eq(c.get("/templates/households.exe").status, 404)
    finally:
        s.stop()
    # the templates import as they are (their example row)
    cli_ok(db, "import", "households", "--village", "V1", put(db, "h.xlsx", got["households"]))
    eq(db.sql("SELECT head_name, joined FROM household WHERE code = '001'"), [["张三", "2024-04-01"]])
    cli_ok(db, "import", "catalog", "--village", "V1", put(db, "c.xlsx", got["catalog"]))
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-05", "--dry-run",
           put(db, "e.csv", open_template_csv(got, "entries")))


def open_template_csv(got, name):
    """The entries template with the example's date moved into May 2024 (the
    sample standard is in force from 2024-05-01)."""
    wb = openpyxl.load_workbook(io.BytesIO(got[name]))
    ws = wb.worksheets[0]
    rows = [[("" if v is None else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)))
             for v in r] for r in ws.iter_rows(values_only=True)]
    rows[1][3] = "2024-05-15"
    return csv_text(rows[0], rows[1:]).encode("gbk")


if __name__ == "__main__":
    J.main(globals())
