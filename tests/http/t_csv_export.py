"""t_csv_export — every CSV export goes through the one writer (issue 11,
finding 6): RFC 4180 quoting and the formula guard inside the quotes.
Each export is read back with Python's csv module:

  010  the web's balances.csv: a head name -a",5000,"b stays one cell
       (guarded), the row keeps its four columns and its real balance; a
       negative balance is a number, not guarded
  020  `jifen balances --format csv`: the same cells; normal data byte for
       byte as INTERFACES.md fixes it
  030  the public standard CSV of a version whose item names are formulas
       (=HYPERLINK, @SUM, +, -, tab): one cell each, guarded; negative
       points stay numbers; the town template's CSV too
"""
import csv
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

HOSTILE = ['-a",5000,"b', '=HYPERLINK("http://evil.example","点我")', '@SUM(1+1)', '+86 138',
           'a,b"c']
GUARDED = ("=", "+", "-", "@", "\t", "\r")
MEETING = ["--meeting-date", "2024-07-02", "--attendees", "村两委", "--resolution", "同意"]


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def csv_text(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def village(db):
    """V1 with households H01… whose heads are HOSTILE, then H09 normal;
    the sample standard; H01 scored +5 (HJ01), H02 -20 (ZF02)."""
    J.town(db, villages=("V1",))
    cli_ok(db, "import", "standard", "--village", "V1", J.SAMPLE_STANDARD,
           "--adopted", "2024-05-01", "--effective", "2024-05-01")
    rows = [["code", "head_name", "hukou", "homestead", "resident", "joined"]]
    rows += [[f"H0{i}", name, "是", "是", "是", "2024-05-01"] for i, name in enumerate(HOSTILE, 1)]
    rows += [["H09", "张三", "是", "是", "是", "2024-05-01"]]
    cli_ok(db, "import", "households", "--village", "V1", write(db, "h.csv", csv_text(rows)))
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06",
           write(db, "e.csv", "household,item,date,quantity,note\n"
                 "H01,HJ01,2024-06-03,,\nH02,ZF02,2024-06-04,,经查属实\nH09,HJ01,2024-06-05,,\n"))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", *MEETING)


def guarded(s):
    return "'" + s if s[:1] in GUARDED else s


def check_balances(text, where):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    eq(rows[0], ["household", "name", "balance", "year_points"], f"{where}: header")
    by_code = {}
    for r in rows[1:]:
        eq(len(r), 4, f"{where}: four cells in {r!r}")
        by_code[r[0]] = r
    for i, name in enumerate(HOSTILE, 1):
        eq(by_code[f"H0{i}"][1], guarded(name), f"{where}: head name {name!r}")
    eq(by_code["H01"][2], "5", f"{where}: H01's balance")
    eq(by_code["H02"][2], "-20", f"{where}: a negative balance is a number")
    eq(by_code["H09"][1:3], ["张三", "5"], f"{where}: normal row")
    check(all(int(r[2]) in (0, 5, -20) for r in rows[1:]), f"{where}: balances are numbers")


def test_010_web_balances_csv(db):
    village(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        r = c.get("/v/V1/balances.csv")
        eq(r.status, 200)
        check(r.body.startswith(b"\xef\xbb\xbf"), "BOM")
        check_balances(r.body.decode("utf-8"), "balances.csv")
        check("5000" not in r.text.replace('-a"",5000,""b', ""), "no column of 5000")
    finally:
        s.stop()


def test_020_cli_balances(db):
    village(db)
    out = cli_ok(db, "balances", "--village", "V1", "--format", "csv")
    check_balances(out, "jifen balances")
    check(out.startswith("household,name,balance,year_points\n"), "header line as before")
    check("\nH09,张三,5,0\n" in out, "a normal row byte for byte: " + out)
    check('\nH02,"\'a,b""c",' not in out and '\nH05,"a,b""c",0,0\n' in out,
          "RFC 4180 quoting without a guard where none is needed")


def test_030_standard_csv(db):
    J.town(db, villages=("V1",))
    items = [["类别", "项目编号", "项目名称", "分值", "每月上限", "每年上限", "一票否决", "需佐证"],
             ["环境", "A01", HOSTILE[1], "5", "", "", "否", "否"],
             ["环境", "A02", "@SUM(A1:A9)", "-5", "10", "", "否", "否"],
             ["环境", "A03", "+1+1", "3", "", "", "否", "否"],
             ["=cmd|' /C calc'!A0", "A04", "-2+3", "2", "", "", "否", "否"],
             ["环境", "A05", "门前\"三包\",整洁", "1", "", "", "否", "否"]]
    cli_ok(db, "import", "standard", "--village", "V1", write(db, "s.csv", csv_text(items)),
           "--adopted", "2024-05-01", "--effective", "2024-05-01")
    vid = db.sql("SELECT id FROM standard_version WHERE village_id IS NOT NULL")[0][0]
    s = J.Server(db)
    try:
        c = s.client()
        r = c.get(f"/v/V1/standard/versions/{vid}/csv")  # public: no login
        eq(r.status, 200, r.text[:200])
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8").lstrip("\ufeff"))))
        eq(rows[0], items[0], "header")
        for got, want in zip(rows[1:], items[1:]):
            eq(len(got), 8, f"eight cells in {got!r}")
            eq(got[:3], [guarded(x) for x in want[:3]], "texts guarded")
            eq(got[3:], want[3:], "numbers and marks as adopted")
        r = c.get("/standard/template.csv")
        eq(r.status, 200)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8").lstrip("\ufeff"))))
        check(all(len(x) == 8 for x in rows), "template CSV: eight cells a row")
        check(any(x[3].startswith("-") for x in rows[1:]), "template: negative points unguarded")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
