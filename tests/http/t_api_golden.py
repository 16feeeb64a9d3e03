"""t_api_golden — the JSON API's answers, byte for byte, against a recorded file.

A deterministic town is built through the CLI with fixed past dates (2024),
then a fixed list of API requests is sent — GETs of every API area and POSTs
that change sheets, the ledger and declarations, with their refusals — and
each answer (status, Content-Type, body) is compared with
tests/http/golden/api.BACKEND.txt.  Only bytes that differ between runs are
normalised: session and CSRF tokens, card tokens and hashes (64 hex), unix
times (members named *_at), and the figures of today's date (as_of, year,
quarter); declarations, which must be of the last 90 days, are made today
and then moved to 2024-08-10 in the database.  Kept so that a refactor can show it changed no answer.

  010  the recorded requests answer exactly the golden file
  020  `jifen routes` prints exactly tests/http/golden/routes.txt

JIFEN_GOLDEN_RECORD=1 writes the file instead of comparing (on the tree whose
answers are to be kept).
"""
import datetime
import difflib
import json
import os
import re
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# One file per backend: PostgreSQL's sequences also advance on a rolled-back
# insert (a refused entry), so its ids differ from SQLite's.
GOLDEN = os.path.join(HERE, "golden", f"api.{J.BACKEND}.txt")
TODAY = datetime.date.today().isoformat()
STANDARD = os.path.join(HERE, "..", "data", "sample-standard.csv")


def png_bytes(seed=0):
    """A valid 1x1 PNG (seed varies its pixel, hence its hash)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes([0, seed & 255, 0, 0]))) + chunk(b"IEND", b""))


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def one(db, sql):
    return db.sql(sql)[0][0]


NORMALISE = [
    (re.compile(rb"[0-9a-f]{64}"), b"<hex64>"),
    (re.compile(rb'("[a-z_]*_at"\s*:\s*)\d+'), rb"\1<time>"),
    (re.compile(rb'("as_of"\s*:\s*)"\d{4}-\d\d-\d\d"'), rb"\1<today>"),
    (re.compile(rb'("year"\s*:\s*)\d+'), rb"\1<year>"),
    (re.compile(rb'("quarter"\s*:\s*)\d+'), rb"\1<quarter>"),
]


def normalise(body):
    for rx, rep in NORMALISE:
        body = rx.sub(rep, body)
    return body


class Recorder:
    def __init__(self):
        self.lines = []

    def call(self, c, method, path, body=None, ctype="application/json", label=""):
        """One request as c; its answer appended to the record."""
        headers = {}
        if method == "POST":
            headers["X-CSRF-Token"] = c.csrf or ""
            headers["Content-Type"] = ctype
            if isinstance(body, (dict, list)):
                body = json.dumps(body, ensure_ascii=False).encode()
            elif isinstance(body, str):
                body = body.encode()
        r = c.request(method, path, body=body, headers=headers)
        self.lines.append(normalise(f"=== {label} {method} {path}".encode()))
        self.lines.append(f"{r.status} {r.header('Content-Type')}".encode())
        self.lines.append(normalise(r.body))
        return r


def session(c):
    r = c.get("/api/v1/session")
    eq(r.status, 200, "session")
    c.csrf = r.json()["csrf"]
    return c


def staff(s, login):
    c = s.client()
    c.login(login)
    return session(c)


def set_pin(c, village, hid):
    c.get(f"/v/{village}/households/{hid}/card")
    r = c.post(f"/v/{village}/households/{hid}/pin", {})
    eq(r.status, 200, "PIN reset")
    m = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text)
    check(m, "PIN on the card")
    return m.group(1)


def build_town(db):
    """V1 with four households (one with address, members and phone, one
    not participating), the sample standard of 2024-05-01, June 2024 scored
    by CSV and approved; V2 with one household and no standard."""
    J.town(db)
    hh = ("code,head_name,address,members,phone,hukou,homestead,resident,tenant,joined\n"
          "001,张三,一组 1 号,4,13812345678,是,是,是,否,2024-01-01\n"
          "002,李四,一组 2 号,3,,是,是,是,否,2024-01-01\n"
          "003,王五,,,,是,是,是,否,2024-01-01\n"
          "004,赵七,,,,否,否,是,是,\n")
    cli_ok(db, "import", "households", "--village", "V1", write(db, "h1.csv", hh))
    cli_ok(db, "import", "households", "--village", "V2",
           write(db, "h2.csv", "code,head_name,hukou,homestead,resident,joined\n"
                               "001,赵六,是,是,是,2024-01-01\n"))
    cli_ok(db, "import", "standard", "--village", "V1", STANDARD, "--adopted", "2024-04-20",
           "--effective", "2024-05-01", "--meeting", "2024 年第一次村民会议")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-06",
           write(db, "e.csv", "household,item,quantity,date,note\n"
                 "001,HJ01,1,2024-06-05,\n001,PA01,1,2024-06-10,夜间巡逻\n"
                 "002,HJ03,1,2024-06-03,\n003,HJ01,1,2024-06-20,\n"))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", "--meeting-date",
           "2024-07-02", "--attendees", "王书记、李主任", "--resolution", "同意六月份积分结果")


def ids(db):
    return {
        "h1": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                      " WHERE v.code='V1' AND h.code='001'"),
        "h2": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                      " WHERE v.code='V1' AND h.code='002'"),
        "version": one(db, "SELECT MAX(id) FROM standard_version WHERE village_id IS NOT NULL"),
        "ledger": one(db, "SELECT MIN(id) FROM ledger_entry"),
    }


def run(db, s, v):
    rec = Recorder()
    call = rec.call
    anon = s.client()
    call(anon, "GET", "/api/v1/session", label="anonymous")
    call(anon, "GET", "/api/v1/villages/V1/households", label="anonymous")
    call(anon, "GET", "/api/v1/standard/template", label="anonymous")
    call(anon, "GET", "/api/v1/villages/V1/standard", label="anonymous")

    a = staff(s, "V1-admin")
    # session and households
    call(a, "GET", "/api/v1/session")
    for q in ("", "?q=%E5%BC%A0", "?filter=participating", "?filter=not_eligible", "?filter=left",
              "?filter=bogus", "?page=2&per_page=2", "?page=0", "?per_page=501",
              "?per_page=x"):
        call(a, "GET", "/api/v1/villages/V1/households" + q)
    call(a, "GET", f"/api/v1/villages/V1/households/{v['h1']}")
    call(a, "GET", "/api/v1/villages/V1/households/999999")
    call(a, "GET", "/api/v1/villages/V1/households/abc")
    call(a, "GET", "/api/v1/villages/V2/households")
    call(a, "GET", "/api/v1/villages/NOPE/households")
    # standards
    call(a, "GET", "/api/v1/standard/template")
    call(a, "GET", "/api/v1/villages/V1/standard")
    call(a, "GET", "/api/v1/villages/V1/standard/versions")
    call(a, "GET", f"/api/v1/villages/V1/standard/versions/{v['version']}")
    call(a, "GET", "/api/v1/villages/V1/standard/versions/999999")
    call(a, "GET", "/api/v1/villages/V1/standard/versions/x")
    call(a, "GET", "/api/v1/villages/V2/standard")
    call(a, "GET", "/api/v1/villages/V2/standard/versions")
    call(a, "GET", "/api/v1/villages/NOPE/standard")
    # sheets
    call(a, "GET", "/api/v1/villages/V1/sheets")
    call(a, "GET", "/api/v1/villages/V1/sheets/2024-06")
    call(a, "GET", "/api/v1/villages/V1/sheets/2024-07")
    call(a, "GET", "/api/v1/villages/V1/sheets/2024-13")
    call(a, "GET", "/api/v1/villages/V1/sheets/2099-01")
    call(a, "GET", "/api/v1/villages/V1/sheets/junk")
    base = "/api/v1/villages/V1/sheets/2024-07"
    r = call(a, "POST", base + "/entries",
             {"household": "001", "item": "HJ01", "quantity": 1, "date": "2024-07-05"})
    first = r.json().get("id")
    call(a, "POST", base + "/entries",
         {"household": "001", "item": "HJ01", "quantity": 9, "date": "2024-07-06"})
    call(a, "POST", base + "/entries",
         {"household": "002", "item": "HJ03", "date": "2024-07-08", "note": "清理沟渠"})
    call(a, "POST", base + "/entries",
         {"household": "004", "item": "HJ01", "date": "2024-07-08"})
    call(a, "POST", base + "/entries",
         {"household": "999", "item": "ZZ99", "date": "2024-08-01", "quantity": 0})
    call(a, "POST", base + "/entries", {"household": 1, "item": "HJ01"})
    call(a, "POST", base + "/entries", "{not json")
    call(a, "POST", base + "/entries", "[1,2]")
    call(a, "POST", base + "/entries", {"household": "001", "item": "HJ01",
                                        "date": "2024-07-09", "photo": "0" * 10})
    r = call(a, "POST", base + "/entries",
             {"household": "003", "item": "HJ01", "date": "2024-07-10"})
    third = r.json().get("id")
    call(a, "POST", f"{base}/entries/{third}/remove", {})
    call(a, "POST", f"{base}/entries/{third}/remove", {})
    call(a, "POST", f"{base}/entries/abc/remove", {})
    call(a, "GET", base)
    call(a, "POST", "/api/v1/villages/V1/sheets/2024-08/submit", {})
    call(a, "POST", base + "/submit", {})
    call(a, "POST", base + "/submit", {})
    call(a, "POST", base + "/entries",
         {"household": "001", "item": "HJ01", "date": "2024-07-11"})
    call(a, "POST", base + "/return", {})
    call(a, "POST", base + "/return", {"reason": "002 户的环境分漏记了"})
    call(a, "POST", base + "/return", {"reason": "again"})
    call(a, "GET", base)
    call(a, "POST", base + "/approve",
         {"meeting_date": "2024-08-02", "attendees": "张书记", "resolution": "同意"})
    call(a, "POST", base + "/submit", {})
    call(a, "POST", base + "/approve", {"meeting_date": "2024-06-01"})
    call(a, "POST", base + "/approve", {"meeting_date": 5, "attendees": [], "resolution": "x"})
    call(a, "POST", base + "/approve",
         {"meeting_date": "2024-08-02", "attendees": "张书记、李主任", "resolution": "同意七月份积分结果"})
    call(a, "POST", base + "/approve",
         {"meeting_date": "2024-08-02", "attendees": "张书记", "resolution": "同意"})
    call(a, "POST", f"{base}/entries/{first}/remove", {})
    call(a, "GET", "/api/v1/villages/V1/sheets")
    call(a, "GET", base)
    # evidence
    call(a, "POST", "/api/v1/villages/V1/evidence", png_bytes(7), ctype="image/png")
    call(a, "POST", "/api/v1/villages/V1/evidence", b"not a photo", ctype="image/png")
    call(a, "POST", "/api/v1/villages/V1/sheets/2024-08/entries",
         {"household": "002", "item": "HJ01", "date": "2024-08-03",
          "photo": "d" * 64})
    # ledger and balances
    call(a, "GET", "/api/v1/villages/V1/balances")
    call(a, "GET", "/api/v1/villages/V2/balances")
    call(a, "GET", "/api/v1/villages/V1/ledger?household=001")
    call(a, "GET", "/api/v1/villages/V1/ledger?household=001&offset=1&limit=2")
    call(a, "GET", "/api/v1/villages/V1/ledger?household=001&limit=0")
    call(a, "GET", "/api/v1/villages/V1/ledger?household=001&offset=-1")
    call(a, "GET", "/api/v1/villages/V1/ledger")
    call(a, "GET", "/api/v1/villages/V1/ledger?household=zzz")
    call(a, "POST", f"/api/v1/villages/V1/ledger/{v['ledger']}/correct",
         {"amount": 2, "reason": "重复记录一次"})
    call(a, "POST", f"/api/v1/villages/V1/ledger/{v['ledger']}/correct",
         {"amount": 99, "reason": "太多"})
    call(a, "POST", f"/api/v1/villages/V1/ledger/{v['ledger']}/correct", {"amount": 1})
    call(a, "POST", "/api/v1/villages/V1/ledger/999999/correct", {"amount": 1, "reason": "x"})
    call(a, "POST", "/api/v1/villages/V1/ledger/x/correct", {"amount": 1, "reason": "x"})
    call(a, "GET", "/api/v1/villages/V1/ledger?household=001")
    call(a, "GET", "/api/v1/villages/V1/balances")

    # declarations, made on the passbook pages
    pin1 = set_pin(a, "V1", v["h1"])
    pin2 = set_pin(a, "V1", v["h2"])
    a.get(f"/v/V1/households/{v['h1']}/card")
    r = a.post(f"/v/V1/households/{v['h1']}/card-token", {})
    eq(r.status, 200, "card token")
    token = re.search(r"/p/([0-9a-f]{64})", r.text).group(1)
    session(a)
    for code, pin, note, item in (("001", pin1, "帮邻居抢收稻谷", ""),
                                  ("002", pin2, "清扫村道", "HJ01"),
                                  ("001", pin1, "照顾孤寡老人", "")):
        h = s.client()
        h.get("/passbook/login")
        r = h.post("/passbook/login", {"village": "V1", "household": code, "pin": pin})
        eq(r.status, 303, "household login")
        h.get("/passbook/declare")
        r = h.post_multipart("/passbook/declare", {"date": TODAY, "note": note,
                                                   "item": item}, {})
        eq(r.status, 303, "declaration: " + r.text[:300])
    # a declaration is of the last 90 days; moved to a fixed past date so
    # that the answers do not depend on today
    db.sql("UPDATE declaration SET date = '2024-08-10'")
    decls = [row[0] for row in db.sql("SELECT id FROM declaration ORDER BY id")]
    call(a, "GET", "/api/v1/villages/V1/declarations")
    call(a, "GET", "/api/v1/villages/V1/declarations?status=pending")
    call(a, "GET", "/api/v1/villages/V1/declarations?status=bogus")
    call(a, "POST", f"/api/v1/villages/V1/declarations/{decls[0]}/accept", {"item": "YF06"})
    call(a, "POST", f"/api/v1/villages/V1/declarations/{decls[0]}/accept", {"item": "YF06"})
    call(a, "POST", f"/api/v1/villages/V1/declarations/{decls[1]}/accept", {"item": "NOPE"})
    call(a, "POST", f"/api/v1/villages/V1/declarations/{decls[1]}/decline", {})
    call(a, "POST", f"/api/v1/villages/V1/declarations/{decls[1]}/decline", {"reason": "查无此事"})
    call(a, "POST", "/api/v1/villages/V1/declarations/999999/decline", {"reason": "x"})
    call(a, "POST", "/api/v1/villages/V1/declarations/x/accept", {"item": "YF06"})
    call(a, "GET", "/api/v1/villages/V1/declarations?status=accepted")
    call(a, "GET", "/api/v1/villages/V1/declarations")
    call(a, "GET", "/api/v1/villages/V1/sheets/2024-08")

    # another role, another village
    sc = staff(s, "V1-scorer")
    call(sc, "GET", "/api/v1/session", label="scorer")
    call(sc, "GET", "/api/v1/villages/V1/households", label="scorer")
    call(sc, "GET", f"/api/v1/villages/V1/households/{v['h1']}", label="scorer")
    call(sc, "POST", "/api/v1/villages/V1/sheets/2024-08/approve",
         {"meeting_date": "2024-09-02", "attendees": "x", "resolution": "y"}, label="scorer")
    sh = staff(s, "V1-shop")
    call(sh, "GET", "/api/v1/villages/V1/balances", label="shopkeeper")
    call(sh, "GET", "/api/v1/villages/V1/sheets", label="shopkeeper")
    b = staff(s, "V2-admin")
    call(b, "GET", "/api/v1/villages/V1/sheets", label="V2-admin")
    call(b, "GET", "/api/v1/villages/V2/sheets", label="V2-admin")
    call(b, "GET", "/api/v1/villages/V2/balances", label="V2-admin")
    call(b, "GET", "/api/v1/villages/V2/declarations", label="V2-admin")
    t = staff(s, "admin")
    call(t, "GET", "/api/v1/session", label="town")
    call(t, "GET", "/api/v1/villages/V2/households", label="town")

    # the passbook
    h = s.client()
    h.get("/passbook/login")
    h.post("/passbook/login", {"village": "V1", "household": "001", "pin": pin1})
    session(h)
    call(h, "GET", "/api/v1/session", label="household")
    call(h, "GET", "/api/v1/passbook", label="household")
    call(h, "GET", "/api/v1/passbook?page=2&per_page=2", label="household")
    call(h, "GET", "/api/v1/passbook?page=x", label="household")
    call(h, "GET", "/api/v1/villages/V1/balances", label="household")
    call(anon, "GET", f"/api/v1/p/{token}", label="anonymous")
    call(anon, "GET", f"/api/v1/p/{token}?per_page=1", label="anonymous")
    call(anon, "GET", "/api/v1/p/" + "0" * 64, label="anonymous")
    call(anon, "GET", "/api/v1/p/short", label="anonymous")
    call(anon, "GET", "/api/v1/passbook", label="anonymous")
    return b"\n".join(rec.lines) + b"\n"


def test_010_answers_match_golden(db):
    build_town(db)
    v = ids(db)
    s = J.Server(db)
    try:
        got = run(db, s, v)
    finally:
        s.stop()
    if os.environ.get("JIFEN_GOLDEN_RECORD"):
        os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
        with open(GOLDEN, "wb") as f:
            f.write(got)
        return
    with open(GOLDEN, "rb") as f:
        want = f.read()
    if got != want:
        diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                    got.decode("utf-8", "replace").splitlines(),
                                    os.path.basename(GOLDEN), "this run", lineterm="", n=1)
        raise J.Failure("API answers differ from the golden file:\n" +
                        "\n".join(list(diff)[:80]))


def test_020_routes_match_golden(db):
    out = subprocess.run([J.BIN, "routes"], capture_output=True, check=True).stdout
    path = os.path.join(HERE, "golden", "routes.txt")
    if os.environ.get("JIFEN_GOLDEN_RECORD"):
        with open(path, "wb") as f:
            f.write(out)
        return
    with open(path, "rb") as f:
        eq(out.decode(), f.read().decode(), "jifen routes")


J.main(globals())
