"""t_yearend — `jifen year-end` through the real binary (issue 13):

  010  carry_cap:N: balances above N go down to N as yearend entries of
       month YYYY-12 dated YYYY-12-31; a second run changes nothing, exit 0
  020  clear: positive balances go to 0 (a deduction is kept); redemption
       afterwards sees the new balance; run twice
  030  carry: nothing posted
  040  refused before the year has ended and while a sheet of the year
       holds unapproved entries
  050  the page and the API run it; the passbook shows the year-end line
"""
import re
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from shoptest import balance, score, shop_village, write  # noqa: E402


def setup(db, rule):
    shop_village(db, accounts=False, points={"H1": 100, "H2": 30, "H3": 10})
    # H3 also loses 20 (ZF02, evidence as a note): -10 in all
    path = write(db, "d.csv", "household,item,quantity,date,note\nH3,ZF02,1,2024-07-05,参与赌博\n")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-07", path)
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-07", "--meeting-date",
           "2024-07-28", "--attendees", "村两委", "--resolution", "同意")
    cli_ok(db, "village", "set", "V1", "year_end", rule)


def yearend_rows(db):
    return db.sql("SELECT h.code, e.points, e.month, e.date FROM ledger_entry e"
                  " JOIN household h ON h.id = e.household_id WHERE e.kind = 'yearend'"
                  " ORDER BY h.code")


def test_010_carry_cap(db):
    setup(db, "carry_cap:50")
    rc, out, err = cli(db, "year-end", "--village", "V1", "--year", "2024")
    eq(rc, 0, err)
    eq(yearend_rows(db), [["H1", "-50", "2024-12", "2024-12-31"]])
    eq([balance(db, "V1", h) for h in ("H1", "H2", "H3")], [50, 30, -10])
    ledger = db.sql("SELECT COUNT(*), MAX(seq) FROM ledger_entry")
    rc, out2, err = cli(db, "year-end", "--village", "V1", "--year", "2024")
    eq(rc, 0, err)
    eq(db.sql("SELECT COUNT(*), MAX(seq) FROM ledger_entry"), ledger, "second run changes nothing")
    check("没有变化" in out2, out2)
    cli_ok(db, "verify")


def test_020_clear(db):
    setup(db, "clear")
    cli_ok(db, "year-end", "--village", "V1", "--year", "2024")
    eq(yearend_rows(db), [["H1", "-100", "2024-12", "2024-12-31"],
                          ["H2", "-30", "2024-12", "2024-12-31"]])
    eq([balance(db, "V1", h) for h in ("H1", "H2", "H3")], [0, 0, -10])
    rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
                       "--date", "2025-01-10")
    eq(rc, 1)
    check("积分不足" in err and "还差 10 分" in err, err)
    n = db.sql("SELECT COUNT(*) FROM ledger_entry")
    cli_ok(db, "year-end", "--village", "V1", "--year", "2024")
    eq(db.sql("SELECT COUNT(*) FROM ledger_entry"), n)
    # year points are not touched by the year end
    eq(cli_ok(db, "balances", "--village", "V1").splitlines()[1], "H1,户主1,0,0")
    eq(db.sql("SELECT points FROM household_year y JOIN household h ON h.id = y.household_id"
              " WHERE h.code = 'H1' AND y.year = 2024"), [["100"]])
    cli_ok(db, "verify")


def test_030_carry(db):
    setup(db, "carry")
    out = cli_ok(db, "year-end", "--village", "V1", "--year", "2024")
    eq(yearend_rows(db), [])
    eq(balance(db, "V1", "H1"), 100)
    cli_ok(db, "year-end", "--village", "V1", "--year", "2024")


def test_040_refusals(db):
    setup(db, "clear")
    this_year = datetime.date.today().year
    rc, out, err = cli(db, "year-end", "--village", "V1", "--year", str(this_year))
    eq(rc, 1)
    check("还没有结束" in err, err)
    rc, out, err = cli(db, "year-end", "--village", "V1", "--year", str(this_year + 1))
    eq(rc, 1)
    path = write(db, "e.csv", "household,item,quantity,date\nH1,HJ05,1,2024-09-03\n")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-09", path)
    rc, out, err = cli(db, "year-end", "--village", "V1", "--year", "2024")
    eq(rc, 1)
    check("2024-09" in err and "审定" in err, err)
    eq(yearend_rows(db), [])
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-09", "--meeting-date",
           "2024-09-28", "--attendees", "村两委", "--resolution", "同意")
    cli_ok(db, "year-end", "--village", "V1", "--year", "2024")
    eq(balance(db, "V1", "H1"), 0)
    rc, out, err = cli(db, "year-end", "--village", "NOPE", "--year", "2024")
    eq(rc, 1)


def test_050_page_api_passbook(db):
    shop_village(db, points={"H1": 100, "H2": 30, "H3": 10})
    cli_ok(db, "village", "set", "V1", "year_end", "carry_cap:40")
    s = J.Server(db)
    try:
        adm = s.client()
        adm.login("V1-admin")
        r = adm.get("/v/V1/year-end")
        eq(r.status, 200)
        check("carry_cap:40" in r.text, r.text[-1000:])
        r = adm.post("/v/V1/year-end", {"year": "2024"})
        eq(r.status, 303, r.text[-1000:])
        check("已于" in adm.get("/v/V1/year-end?year=2024").text)
        csrf = adm.get("/api/v1/session").json()["csrf"]
        r = adm.request("POST", "/api/v1/villages/V1/year-end", body='{"year": 2024}',
                        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
        eq(r.status, 200, r.text)
        eq((r.json()["households"], r.json()["repeated"]), (0, True))
        hid = db.sql("SELECT id FROM household WHERE code = 'H1'")[0][0]
        adm.get(f"/v/V1/households/{hid}/card")
        r = adm.post(f"/v/V1/households/{hid}/card-token", {})
        token = re.search(r"/p/([0-9a-f]{64})", r.text).group(1)
        r = s.client().get(f"/p/{token}")
        eq(r.status, 200)
        check("年终结转" in r.text and "2024 年终处理（carry_cap:40）" in r.text and "-60" in r.text,
              r.text[-3000:])
        eq(balance(db, "V1", "H1"), 40)
    finally:
        s.stop()


J.main(globals())
