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
  040  a large balances.csv (20,000 households, codes of mixed lengths,
       names of 1,000 characters: 60 MB): streamed in keyset batches (chunked, no
       Content-Length), byte for byte the rows of `jifen balances` (the
       whole-village read, ordered in C) with the web's BOM and CRLF, and
       serve's peak RSS grows by far less than the export's size; clients
       that go away mid-stream (three of them) leave the server answering,
       and it stops cleanly (no leak under the sanitizers)
"""
import csv
import http.client
import io
import os
import sys
import threading
import time

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


def vm(pid, key):
    """A /proc/PID/status figure in KiB (RssAnon, VmRSS, VmHWM …)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise J.Failure(f"no {key} in /proc/{pid}/status")


class PrivatePeak:
    """The peak of pid's private memory (RssAnon) while the with-block
    runs, sampled every 2 ms, over its value at the start.  Not VmHWM: that
    counts the pages of the database file SQLite reads through its mapping
    (the kernel's page cache, shared and given back under pressure), and
    an export reads the whole village."""

    def __init__(self, pid):
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def _run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, vm(self.pid, "RssAnon"))
            time.sleep(0.002)

    def __enter__(self):
        self.start = self.peak = vm(self.pid, "RssAnon")
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.grew = self.peak - self.start


def test_040_large_balances_streamed(db):
    J.town(db, villages=("V1",))
    vid = db.sql("SELECT id FROM village WHERE code = 'V1'")[0][0]
    n = 20000
    # households written straight into the tables (an import of 60,000
    # would take the test's minutes): codes 1..n without padding, so that
    # the order by length then bytes crosses every batch boundary; a few
    # names need quoting or the formula guard; names are long, so that the
    # export (60 MB) dwarfs what a batch and SQLite's page cache (16 MB) hold
    name = "'张" + "村民" * 500 + "' || CASE WHEN k % 3000 = 0 THEN '-x,\"y' ELSE '' END"
    db.sql(f"""WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {n})
        INSERT INTO household(village_id, code, head_name, hukou, homestead, resident,
                              eligible, participating, created_at, updated_at)
        SELECT {vid}, CAST(k AS TEXT), {name}, 1, 1, 1, 1, CASE WHEN k % 50 = 0 THEN 0 ELSE 1 END,
               0, 0 FROM n""")
    # and codes whose order by characters then bytes differs from their
    # order by bytes alone, or by a locale (non-ASCII, case, punctuation)
    for code in ("张", "é", "Z9", "z", "张三十", "ab", "a-b", "Ab", "10张"):
        db.sql(f"INSERT INTO household(village_id, code, head_name, hukou, homestead, resident,"
               f" eligible, participating, created_at, updated_at)"
               f" VALUES ({vid}, '{code}', '户主{code}', 1, 1, 1, 1, 1, 0, 0)")
    n += 9
    db.sql(f"INSERT INTO household_balance(household_id, village_id, balance)"
           f" SELECT id, village_id, id % 97 - 40 FROM household WHERE id % 3 > 0")
    year = time.gmtime().tm_year
    db.sql(f"INSERT INTO household_year(household_id, year, village_id, points, veto)"
           f" SELECT id, {year}, village_id, id % 13, 0 FROM household WHERE id % 2 = 0")
    want = cli_ok(db, "balances", "--village", "V1", "--format", "csv")
    eq(want.count("\n"), n - n // 50 + 1, "the CLI's rows")
    want = b"\xef\xbb\xbf" + want.replace("\n", "\r\n").encode("utf-8")
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        eq(c.get("/v/V1/standard").status, 200)
        t0 = time.time()
        with PrivatePeak(s.proc.pid) as mem:
            r = c.get("/v/V1/balances.csv")
        secs = time.time() - t0
        eq(r.status, 200)
        eq(r.header("Content-Length"), None, "streamed: no length known in advance")
        eq(r.header("Transfer-Encoding"), "chunked")
        check(r.body == want, f"bytes as `jifen balances` ({len(r.body)} vs {len(want)})")
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8").lstrip("\ufeff"))))
        check(all(len(x) == 4 for x in rows), "four cells a row")
        grew = mem.grew
        print(f"balances.csv of {n} households: {len(r.body)} bytes in {secs:.2f} s,"
              f" peak private memory +{grew} KiB")
        check(J.sanitized() or grew * 1024 < len(r.body) // 2,
              f"peak private memory grew {grew} KiB for a {len(r.body) // 1024} KiB export")
        cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
        for _ in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            conn.request("GET", "/v/V1/balances.csv", headers={"Cookie": cookie})
            resp = conn.getresponse()
            eq(resp.status, 200)
            check(len(resp.read(200000)) == 200000, "the stream's start")
            conn.sock.close()  # gone mid-stream
            conn.close()
        eq(c.get("/v/V1/balances").status, 200, "still answering")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
