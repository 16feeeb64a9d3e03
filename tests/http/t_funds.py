"""t_funds — the funds (资金来源) through the real binary (issue 13):

  010  fund add/spend by source and `jifen funds` CSV byte for byte
  020  overdrawing a source is refused (exit 1), nothing written
  030  the money format: 12, 12.5, 12.50 are 1250 fen; anything else exit 1
  040  `jifen funds --format json`: outstanding points, point value,
       liability, stock value and coverage, in fen arithmetic
  050  coverage rounded half up with integers (0.125 → 0.13, 2/3 → 0.67),
       null without a liability
  060  reversals: linked, once, never overdrawing; verify finds a stored
       balance that is not the sum of its movements
"""
import json
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from shoptest import shop_village  # noqa: E402


def village(db):
    cli_ok(db, "init")
    cli_ok(db, "village", "add", "V1", "一村")


def test_010_add_spend_csv(db):
    village(db)
    out = cli_ok(db, "fund", "add", "--village", "V1", "--source", "self_raised", "--amount", "100",
                 "--date", "2024-03-01", "--note", "村集体自筹")
    check("100.00" in out, out)
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "donation", "--amount", "50.5",
           "--from", "张三企业", "--date", "2024-04-02")
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "higher_level", "--amount", "0.05")
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "self_raised", "--amount", "20.25",
           "--note", "购买大米 2 袋", "--date", "2024-05-03")
    out = cli_ok(db, "funds", "--village", "V1")
    eq(out, "source,income,spent,balance\n"
            "self_raised,100.00,20.25,79.75\n"
            "higher_level,0.05,0.00,0.05\n"
            "incentive,0.00,0.00,0.00\n"
            "donation,50.50,0.00,50.50\n"
            "total,150.55,20.25,130.30\n")
    eq(out, cli_ok(db, "funds", "--village", "V1", "--format", "csv"))
    eq(db.sql("SELECT donor FROM fund_move WHERE source = 'donation'"), [["张三企业"]])
    eq(db.sql("SELECT COUNT(*) FROM audit WHERE action LIKE 'fund.%'"), [["4"]])
    cli_ok(db, "verify")


def test_020_overdraw(db):
    village(db)
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "incentive", "--amount", "10")
    for src, amount in (("incentive", "10.01"), ("donation", "0.01"), ("self_raised", "1")):
        rc, out, err = cli(db, "fund", "spend", "--village", "V1", "--source", src, "--amount",
                           amount, "--note", "买东西")
        eq(rc, 1, f"{src} {amount}: {err}")
        check("资金不足" in err, err)
    eq(db.sql("SELECT COUNT(*) FROM fund_move"), [["1"]])
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "incentive", "--amount", "10",
           "--note", "买东西")
    eq(cli_ok(db, "funds", "--village", "V1").splitlines()[3], "incentive,10.00,10.00,0.00")
    rc, out, err = cli(db, "fund", "add", "--village", "V1", "--source", "bank", "--amount", "1")
    eq(rc, 1)
    check("self_raised" in err, err)


def test_030_money_format(db):
    village(db)
    for text in ("12", "12.5", "12.50"):
        cli_ok(db, "fund", "add", "--village", "V1", "--source", "self_raised", "--amount", text)
    eq(db.sql("SELECT amount_fen FROM fund_move ORDER BY id"), [["1200"], ["1250"], ["1250"]])
    for bad in ("12.505", "-1", "1e2", "abc", "0", "0.00", "12.", ".5", " 1", "1,000"):
        rc, out, err = cli(db, "fund", "add", "--village", "V1", "--source", "self_raised",
                           "--amount", bad)
        eq(rc, 1, f"{bad!r}: {err}")
    eq(db.sql("SELECT COUNT(*) FROM fund_move"), [["3"]])


def test_040_json(db):
    shop_village(db, accounts=False)   # 3 households x 100 points, catalog stock
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "self_raised", "--amount", "100")
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "self_raised", "--amount", "20",
           "--note", "购买大米")
    out = cli_ok(db, "funds", "--village", "V1", "--format", "json")
    j = json.loads(out, parse_float=Decimal)
    eq(j["outstanding_points"], 300)
    eq(j["point_value"], Decimal("0.10"))
    eq(j["liability"], Decimal("30.00"))
    # RICE 10 x 12.50 + OIL 1 x 45 + OFF 3 x 1 (off offer still counts; HAIR unlimited 0)
    eq(j["stock_value"], Decimal("173.00"))
    # (80 + 173) / 30 = 8.4333 → 8.43
    eq(j["coverage"], Decimal("8.43"))
    eq([s["source"] for s in j["sources"]], ["self_raised", "higher_level", "incentive", "donation"])
    eq(j["sources"][0]["balance"], Decimal("80.00"))
    eq(j["total"]["spent"], Decimal("20.00"))
    check('"liability":30.00' in out, out)


def test_050_coverage_rounding(db):
    shop_village(db, accounts=False, households=("H1",), points={"H1": 100})
    cli_ok(db, "village", "set", "V1", "point_value", "0.08")   # liability 8.00
    stock = json.loads(cli_ok(db, "funds", "--village", "V1", "--format", "json"),
                       parse_float=Decimal)["stock_value"]
    eq(stock, Decimal("173.00"))
    # want (balance + 173) / 8 = 21.625 → 21.63: balance 0
    eq(json.loads(cli_ok(db, "funds", "--village", "V1", "--format", "json"),
                  parse_float=Decimal)["coverage"], Decimal("21.63"))
    cli_ok(db, "village", "set", "V1", "point_value", "3")      # liability 300.00
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "donation", "--amount", "27")
    # (27 + 173) / 300 = 0.6666… → 0.67
    out = cli_ok(db, "funds", "--village", "V1", "--format", "json")
    eq(json.loads(out, parse_float=Decimal)["coverage"], Decimal("0.67"))
    cli_ok(db, "village", "set", "V1", "point_value", "0")
    j = json.loads(cli_ok(db, "funds", "--village", "V1", "--format", "json"), parse_float=Decimal)
    eq(j["liability"], Decimal("0.00"))
    eq(j["coverage"], None)


def test_060_reverse_and_verify(db):
    village(db)
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "self_raised", "--amount", "10")
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "self_raised", "--amount", "6",
           "--note", "买油")
    ids = [r[0] for r in db.sql("SELECT id FROM fund_move ORDER BY id")]
    # reversing the income would overdraw (balance 4)
    rc, out, err = cli(db, "fund", "reverse", "--village", "V1", "--id", ids[0], "--reason", "记错")
    eq(rc, 1)
    check("资金不足" in err, err)
    cli_ok(db, "fund", "reverse", "--village", "V1", "--id", ids[1], "--reason", "退货")
    eq(cli_ok(db, "funds", "--village", "V1").splitlines()[1], "self_raised,10.00,0.00,10.00")
    rc, out, err = cli(db, "fund", "reverse", "--village", "V1", "--id", ids[1], "--reason", "又")
    eq(rc, 1)
    check("已经冲回" in err, err)
    cli_ok(db, "fund", "reverse", "--village", "V1", "--id", ids[0], "--reason", "记错")
    eq(cli_ok(db, "funds", "--village", "V1").splitlines()[-1], "total,0.00,0.00,0.00")
    cli_ok(db, "verify")
    db.sql("UPDATE fund_balance SET income_fen = income_fen + 1")
    rc, out, err = cli(db, "verify")
    eq(rc, 1)
    check("资金" in err and "self_raised" in err, err)


J.main(globals())
