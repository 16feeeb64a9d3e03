"""t_announce_pages — the public announcement pages (issue 12 item 4), on both backends:

  010  /v/CODE/announcements and the announcement's page without login: names masked,
       no phone or address, deductions by item without a household, the checkpoint and
       how to check it; another village's code or quarter 404
  020  the separate consent to publish the name (PIPL art. 25): recorded on the
       household page by the village admin with its date and who, the page then shows
       the name; withdrawn, masked again; both in the audit log; a scorer cannot
  030  off the public list after announcement_public_days, the page still reachable
  040  the bulletin-board layout printed to PDF by headless Chromium: A4 portrait and
       A3 landscape, page size, page count and text (公示期, root, 落款, the names)
  050  an upheld objection's correction on the next announcement's page
"""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import jifentest  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402
import t_objection  # noqa: E402

CHROMIUM = shutil.which("chromium")


@contextlib.contextmanager
def serve(db):
    s = jifentest.Server(db)
    try:
        yield s
    finally:
        s.stop()


def admin(s, login="V1-admin"):
    c = s.client()
    c.login(login)
    return c


def hid(db, code, village="V1"):
    return db.sql(f"SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                  f" WHERE v.code = '{village}' AND h.code = '{code}'")[0][0]


def setup(db):
    t_objection.setup(db, villages=("V1", "V2"))
    db.sql("UPDATE household SET phone = '13900001111', address = '幸福路 8 号'")


def test_010_public_pages(db):
    setup(db)
    # announced in 2024: past the default 90 days on the list by now
    db.sql("UPDATE village SET announcement_public_days = 3650")
    with serve(db) as s:
        c = s.client()
        r = c.get("/v/V1/announcements")
        eq(r.status, 200, "public, no login")
        check("/v/V1/announcements/2024-Q2" in r.text, r.text[:2000])
        r = c.get("/v/V1/announcements/2024-Q2")
        eq(r.status, 200)
        t = jifentest.without_labels(r.text)
        check("张*明" in t and "张小明" not in t, "the name masked")
        check("户主2" not in t and "户*2" in t, "every name masked")
        check("13900001111" not in t and "幸福路" not in t, "no phone, no address")
        check("2024-07-05" in t and "2024-07-11" in t, "the period")
        check("监督电话" not in t, "no supervision phone set: the line left out")
        check(re.search(r"ZF02 参与赌博</td><td class=\"num\">2</td><td class=\"num\">-40", t),
              "the deduction by item, counted, no household")
        check("BEGIN" not in t and "/verify" in t and "jifen verify-receipt" in t,
              "how to check it")
        note = cli_ok(db, "announcement", "--village", "V1", "--quarter", "2024-Q2",
                      "--format", "json")
        check('"root"' in note)
        check(t.count("<pre class=\"note\">") == 2, "both signed checkpoints shown")
        eq(c.get("/v/V2/announcements/2024-Q2").status, 404, "V2 has none")
        eq(c.get("/v/V9/announcements").status, 404)
        eq(c.get("/v/V1/announcements/2024-Q9").status, 404)
        eq(c.get("/v/V1/announcements/2024-Q2/print").status, 200)


def test_020_consent(db):
    setup(db)
    h1 = hid(db, "H01")
    with serve(db) as s:
        a = admin(s)
        page = a.get(f"/v/V1/households/{h1}").text
        check("name-consent" in page and "打码" in page, "the form on the household page")
        r = a.post(f"/v/V1/households/{h1}/name-consent", {"consent": "1"})
        eq(r.status, 303, r.text[:500])
        row = db.sql(f"SELECT name_consent_on, name_consent_by FROM household WHERE id = {h1}")
        eq(row[0][1], "V1-admin", "who recorded it")
        check(re.fullmatch(r"\d{4}-\d\d-\d\d", row[0][0]), "its date")
        page = a.get(f"/v/V1/households/{h1}").text
        check(f"{row[0][0]} 由 V1-admin 登记" in page, "shown with date and who")
        t = s.client().get("/v/V1/announcements/2024-Q2").text
        check("张小明" in t, "consented: the name shown")
        check("户*2" in t, "the others still masked")
        # the receipt (what was signed) keeps the masked name
        check("张*明" in cli_ok(db, "receipt", "--village", "V1", "--quarter", "2024-Q2",
                                "--household", "H01"))
        eq(a.post(f"/v/V1/households/{h1}/name-consent", {"consent": "0"}).status, 303)
        t = s.client().get("/v/V1/announcements/2024-Q2").text
        check("张小明" not in t and "张*明" in t, "withdrawn: masked again")
        eq(db.sql("SELECT COUNT(*) FROM audit WHERE action = 'household.name_consent'")[0][0],
           "2")
        eq(a.post(f"/v/V1/households/{h1}/name-consent", {"consent": "x"}).status, 400)
        sc = admin(s, "V1-scorer")
        eq(sc.post(f"/v/V1/households/{h1}/name-consent", {"consent": "1"}).status, 403)
        other = admin(s, "V2-admin")
        eq(other.post(f"/v/V1/households/{h1}/name-consent", {"consent": "1"}).status, 404)
        eq(db.sql(f"SELECT COUNT(*) FROM household WHERE name_consent_on IS NOT NULL")[0][0],
           "0")


def test_030_public_window(db):
    setup(db)
    db.sql("UPDATE village SET announcement_public_days = 0")
    with serve(db) as s:
        c = s.client()
        t = c.get("/v/V1/announcements").text
        check("/v/V1/announcements/2024-Q2" not in t, "off the public list")
        check("凭回执上的网址仍可查看" in t)
        eq(c.get("/v/V1/announcements/2024-Q2").status, 200, "the page stays reachable")
    db.sql("UPDATE village SET announcement_public_days = 3650")
    with serve(db) as s:
        check("/v/V1/announcements/2024-Q2" in s.client().get("/v/V1/announcements").text)


def print_pdf(port, path, out):
    prof = tempfile.mkdtemp()
    try:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={prof}", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", f"http://127.0.0.1:{port}{path}"],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    # Reading order, not -layout: with -layout a line wrapped beside the
    # floated QR code interleaves with the signature column, so whether the
    # root's first characters stay together depended on the root itself.
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    return pages, (float(size.group(1)), float(size.group(2))), text


def test_040_print_layout(db):
    if not CHROMIUM or not shutil.which("pdfinfo"):
        raise jifentest.Failure("chromium and poppler-utils are needed (scripts/install-deps.sh)")
    setup(db)
    cli_ok(db, "village", "set", "V1", "supervision_phone", "057188886666")
    root = db.sql("SELECT ledger_root FROM announcement")[0][0]
    with serve(db) as s:
        for case, query, want_size in (("040-1 A4 portrait", "", (595, 842)),
                                       ("040-2 A3 landscape", "?paper=a3", (1191, 842))):
            out = os.path.join(db.dir, "a.pdf")
            pages, size, text = print_pdf(s.port, f"/v/V1/announcements/2024-Q2/print{query}",
                                          out)
            eq((round(size[0]), round(size[1])), want_size, f"{case}: the paper")
            eq(pages, 1, f"{case}: four households fit one sheet")
            flat = re.sub(r"\s+", "", text)
            for want in ("V1村2024年第2季度积分公示", "公示期：2024-07-05至2024-07-11",
                         "张*明", "V1村民委员会", "监督电话：057188886666", re.sub(r"\s+", "", root), "扫码查看"):
                check(want in flat, f"{case}: {want} in the PDF text:\n{text}")
            check("13900001111" not in flat, case)
        # a village of 60 households runs onto more A4 pages than A3 ones
        hh = os.path.join(db.dir, "more.csv")
        with open(hh, "w", encoding="utf-8") as f:
            f.write("code,head_name,hukou,homestead,resident,joined\n")
            for i in range(60):
                f.write(f"M{i:02d},村民{i},是,是,是,2024-05-01\n")
        cli_ok(db, "import", "households", "--village", "V2", hh)
        t_objection.score_month(db, "2024-06", [(f"M{i:02d}", "ZF05", 3, 1, "")
                                                for i in range(60)], village="V2")
        cli_ok(db, "announce", "--village", "V2", "--quarter", "2024-Q2", "--date", "2024-07-05")
        a4, _, _ = print_pdf(s.port, "/v/V2/announcements/2024-Q2/print", out)
        a3, _, _ = print_pdf(s.port, "/v/V2/announcements/2024-Q2/print?paper=a3", out)
        check(a4 >= 2 and a3 >= 1 and a3 <= a4, f"64 households: A4 {a4} pages, A3 {a3}")


def test_050_correction_on_next_announcement(db):
    setup(db)
    seq = t_objection.seq_of(db, "H02", "ZF02", "2024-05")
    i = t_objection.add(db, "--entry", str(seq))
    cli_ok(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
           "--reason", "误扣", "--entry", str(seq), "--points", "20")
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q3", "--date", "2024-10-08")
    with serve(db) as s:
        c = s.client()
        t = jifentest.without_labels(c.get("/v/V1/announcements/2024-Q3").text)
        check(re.search(r"上次公示以来的更正和补记.*<td>更正</td><td>ZF02 参与赌博</td>"
                        r"<td>2024-05</td><td class=\"num\">\+20</td>", t, re.S),
              "the correction on the next announcement: " + t[-3000:])
        check("户主2" not in t, "no household named")
        t2 = c.get("/v/V1/announcements/2024-Q2").text
        check("上次公示以来" not in t2, "the frozen quarter unchanged")


if __name__ == "__main__":
    jifentest.main(globals())
