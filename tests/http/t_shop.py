"""t_shop — the points shop through the real binary (issue 13):

  010  catalog import: English and Chinese headers, dry run, add/update by
       code, stock as movements; every kind of bad row named FILE:ROW:
       COLUMN, nothing written
  020  `jifen redeem`: the id and the new balance each alone on a line, the
       ledger entry on the chain, stock down; verify intact
  030  every refusal reason of `jifen redeem`, exit 1, nothing written
  040  the veto household is refused only in its veto year
  050  the redemption window, wrapping the new year
  060  reversal: points and stock come back by a linked entry, never twice
  070  verify finds stock that is not the sum of its movements, and a
       redemption whose ledger entry does not match
  080  the usage errors of the commands (exit 2)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from shoptest import CATALOG, balance, score, shop_village, write  # noqa: E402


def stock(db, code, village="V1"):
    return int(db.sql(f"SELECT i.stock FROM shop_item i JOIN village v ON v.id = i.village_id"
                      f" WHERE v.code = '{village}' AND i.code = '{code}'")[0][0])


def test_010_catalog_import(db):
    cli_ok(db, "init")
    cli_ok(db, "village", "add", "V1", "一村")
    path = write(db, "c.csv", CATALOG)
    out = cli_ok(db, "import", "catalog", "--village", "V1", path, "--dry-run")
    check("将新增 4 项" in out, out)
    eq(db.sql("SELECT COUNT(*) FROM shop_item"), [["0"]], "dry run writes nothing")
    out = cli_ok(db, "import", "catalog", "--village", "V1", path)
    check("新增 4 项" in out, out)
    eq(stock(db, "RICE"), 10)
    eq(db.sql("SELECT unlimited, unit_cost_fen FROM shop_item WHERE code = 'HAIR'"), [["1", "0"]])
    eq(db.sql("SELECT unit_cost_fen, kind FROM shop_item WHERE code = 'RICE'"), [["1250", "goods"]])
    eq(db.sql("SELECT kind, active FROM shop_item WHERE code = 'OIL'"), [["goods", "1"]])
    eq(db.sql("SELECT active FROM shop_item WHERE code = 'OFF'"), [["0"]])
    # Chinese headers in another order; update RICE's stock, unchanged others
    zh = "名称,商品编号,类型,所需积分,库存,单价,上架\n大米 5 斤,RICE,物品,30,4,12.5,Y\n理发,HAIR,服务,10,,0,1\n"
    out = cli_ok(db, "import", "catalog", "--village", "V1", write(db, "zh.csv", zh))
    check("更新 1 项" in out and "未变 1 项" in out, out)
    eq(stock(db, "RICE"), 4)
    eq(db.sql("SELECT m.quantity, m.kind FROM shop_stock_move m JOIN shop_item i ON i.id = m.item_id"
              " WHERE i.code = 'RICE' ORDER BY m.id"), [["10", "import"], ["-6", "import"]])
    # errors: every column named, nothing written
    bad = ("code,name,kind,points,stock,unit_cost,active\n"
           "NEW,新商品,goods,5,2,1,yes\n"
           ",无编号,goods,5,1,1,yes\n"
           "X2,,goods,5,1,1,yes\n"
           "X3,类型错,food,5,1,1,yes\n"
           "X4,零积分,goods,0,1,1,yes\n"
           "X5,负库存,goods,5,-1,1,yes\n"
           "X6,单价,goods,5,1,1.234,yes\n"
           "X7,上架,goods,5,1,1,maybe\n"
           "NEW,重复,goods,5,1,1,yes\n")
    rc, out, err = cli(db, "import", "catalog", "--village", "V1", write(db, "bad.csv", bad))
    eq(rc, 1, err)
    lines = err.strip().splitlines()
    for row, col in ((3, "code"), (4, "name"), (5, "kind"), (6, "points"), (7, "stock"),
                     (8, "unit_cost"), (9, "active"), (10, "code")):
        check(any(line.startswith(f"{db.dir}/bad.csv:{row}: {col}:") for line in lines),
              f"row {row} {col}: {err}")
    eq(db.sql("SELECT COUNT(*) FROM shop_item WHERE code = 'NEW'"), [["0"]])
    rc, out, err = cli(db, "import", "catalog", "--village", "V1",
                       write(db, "u.csv", "code,name,kind,points,colour\nA,b,goods,1,red\n"))
    eq(rc, 1)
    check("colour" in err, err)
    rc, out, err = cli(db, "import", "catalog", "--village", "V1",
                       write(db, "m.csv", "code,name,points\nA,b,1\n"))
    eq(rc, 1)
    check("kind" in err, err)
    cli_ok(db, "verify")


def test_020_redeem(db):
    shop_village(db, accounts=False)
    eq(balance(db, "V1", "H1"), 100)
    rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item", "RICE",
                       "--quantity", "2")
    eq(rc, 0, err)
    lines = out.splitlines()
    eq(len(lines), 2, out)
    rid = int(lines[0])
    eq(lines[1], "40")
    eq(balance(db, "V1", "H1"), 40)
    eq(stock(db, "RICE"), 8)
    row = db.sql(f"SELECT r.status, e.kind, e.points, e.quantity FROM redemption r"
                 f" JOIN ledger_entry e ON e.id = r.ledger_entry_id WHERE r.id = {rid}")
    eq(row, [["handed_out", "redemption", "-60", "2"]])
    # a service keeps no stock
    out = cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
                 "--date", "2024-07-01")
    eq(out.splitlines()[1], "30")
    eq(db.sql("SELECT month, date FROM ledger_entry WHERE kind = 'redemption' ORDER BY id DESC"
              " LIMIT 1"), [["2024-07", "2024-07-01"]])
    # year points are scored points only
    eq(cli_ok(db, "balances", "--village", "V1").splitlines()[1], "H1,户主1,30,0")
    out = cli_ok(db, "verify")
    check("台账完好" in out, out)


def test_030_refusals(db):
    shop_village(db, accounts=False, households=("H1", "H2", "H3", "H4"),
                 points={"H1": 100, "H2": 20, "H3": 100, "H4": 100})
    hh = write(db, "left.csv", "code,head_name,hukou,homestead,resident,joined\n"
                               "H5,不参与户,是,是,是,\n")
    cli_ok(db, "import", "households", "--village", "V1", hh)
    before = db.sql("SELECT COUNT(*) FROM ledger_entry")

    def refused(args, *words):
        rc, out, err = cli(db, "redeem", "--village", "V1", *args)
        eq(rc, 1, f"{args}: {out} {err}")
        eq(out, "")
        for w in words:
            check(w in err, f"{args}: want {w!r} in {err!r}")
        return err
    refused(["--household", "H5", "--item", "RICE"], "没有参与")
    refused(["--household", "NOPE", "--item", "RICE"], "NOPE")
    refused(["--household", "H2", "--item", "RICE"], "积分不足", "还差 10 分")
    refused(["--household", "H1", "--item", "OIL", "--quantity", "2"], "库存不足", "只剩 1 件")
    refused(["--household", "H1", "--item", "OFF"], "已下架")
    refused(["--household", "H1", "--item", "NOTHING"], "NOTHING")
    cli_ok(db, "village", "set", "V1", "redemption_window", "12-01..01-31")
    refused(["--household", "H1", "--item", "RICE", "--date", "2024-06-30"],
            "不在兑换期", "12-01..01-31", "2024-06-30")
    cli_ok(db, "village", "set", "V1", "redemption_window", "always")
    eq(db.sql("SELECT COUNT(*) FROM ledger_entry"), before, "nothing written")
    eq(db.sql("SELECT COUNT(*) FROM redemption"), [["0"]])
    eq(stock(db, "OIL"), 1)
    # the last unit goes to one household, then the next is refused
    cli_ok(db, "redeem", "--village", "V1", "--household", "H3", "--item", "OIL")
    refused(["--household", "H4", "--item", "OIL"], "库存不足", "只剩 0 件")


def test_040_veto_year_only(db):
    shop_village(db, accounts=False)
    score(db, "V1", "2024-07", {"H2": 10}, veto=["H1"])
    rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
                       "--date", "2024-08-01")
    eq(rc, 1)
    check("一票否决" in err and "2024-07" in err and "ZF03" in err and "2024" in err, err)
    # another year: allowed (the veto marks one year only)
    out = cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
                 "--date", "2025-01-05")
    eq(out.splitlines()[1], str(100 - 30 - 10))
    cli_ok(db, "redeem", "--village", "V1", "--household", "H2", "--item", "HAIR",
           "--date", "2024-08-01")


def test_050_window_wraps(db):
    shop_village(db, accounts=False)
    cli_ok(db, "village", "set", "V1", "redemption_window", "12-01..01-31")
    for day, ok in (("2024-11-30", False), ("2024-12-01", True), ("2025-01-31", True),
                    ("2025-02-01", False), ("2024-12-31", True), ("2025-01-01", True)):
        rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item",
                           "HAIR", "--date", day)
        eq(rc, 0 if ok else 1, f"{day}: {err}")
    cli_ok(db, "village", "set", "V1", "redemption_window", "03-01..03-31")
    rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
                       "--date", "2025-04-01")
    eq(rc, 1)


def test_060_reverse(db):
    shop_village(db, accounts=False)
    out = cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "RICE",
                 "--quantity", "3")
    rid = out.splitlines()[0]
    eq(balance(db, "V1", "H1"), 10)
    eq(stock(db, "RICE"), 7)
    rc, out, err = cli(db, "redemption", "reverse", "--village", "V1", "--id", rid,
                       "--reason", "")
    eq(rc, 1, err)
    out = cli_ok(db, "redemption", "reverse", "--village", "V1", "--id", rid, "--reason",
                 "发错商品，退回")
    eq(balance(db, "V1", "H1"), 100)
    eq(stock(db, "RICE"), 10)
    rows = db.sql("SELECT kind, points, reason, correction_of FROM ledger_entry"
                  " WHERE kind = 'redemption' ORDER BY id")
    eq(len(rows), 2)
    eq(rows[1][:3], ["redemption", "90", "发错商品，退回"])
    check(rows[1][3] != "", "the reversal is linked")
    eq(db.sql(f"SELECT status FROM redemption WHERE id = {rid}"), [["reversed"]])
    rc, out, err = cli(db, "redemption", "reverse", "--village", "V1", "--id", rid,
                       "--reason", "再来一次")
    eq(rc, 1)
    check("已冲回" in err, err)
    rc, out, err = cli(db, "redemption", "reverse", "--village", "V1", "--id", "999",
                       "--reason", "x")
    eq(rc, 1)
    cli_ok(db, "verify")
    # never deleted
    rc = subprocess_delete(db, rid)
    check(rc, "deleting a redemption is refused")


def subprocess_delete(db, rid):
    try:
        db.sql(f"DELETE FROM redemption WHERE id = {rid}")
    except Exception:
        return True
    return db.sql(f"SELECT COUNT(*) FROM redemption WHERE id = {rid}") == [["1"]]


def test_070_verify_finds(db):
    shop_village(db, accounts=False)
    out = cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "RICE")
    cli_ok(db, "verify")
    db.sql("UPDATE shop_item SET stock = stock + 1 WHERE code = 'RICE'")
    rc, out, err = cli(db, "verify")
    eq(rc, 1)
    check("RICE" in err and "库存" in err, err)
    db.sql("UPDATE shop_item SET stock = stock - 1 WHERE code = 'RICE'")
    cli_ok(db, "verify")
    db.sql("UPDATE redemption SET quantity = 2")
    rc, out, err = cli(db, "verify")
    eq(rc, 1)
    check("兑换单" in err, err)


def test_080_usage(db):
    shop_village(db, accounts=False)
    for args in (["redeem", "--village", "V1", "--household", "H1"],
                 ["redeem", "--village", "V1", "--item", "RICE"],
                 ["redeem", "--village", "V1", "--household", "H1", "--item", "RICE",
                  "--quantity", "0"],
                 ["redeem", "--bogus"],
                 ["import", "catalog", "--village", "V1"],
                 ["village", "set", "V1", "stars"],
                 ["village", "show"],
                 ["year-end", "--village", "V1"],
                 ["funds"],
                 ["fund", "add", "--village", "V1", "--source", "donation"],
                 ["fund", "spend", "--village", "V1", "--source", "donation", "--amount", "1"]):
        rc, out, err = cli(db, *args)
        eq(rc, 2, f"{args}: {err}")
    rc, out, err = cli(db, "redeem", "--village", "NOPE", "--household", "H1", "--item", "RICE")
    eq(rc, 1)
    rc, out, err = cli(db, "redeem", "--village", "V1", "--household", "H1", "--item", "RICE",
                       "--date", "2024-02-30")
    eq(rc, 1)
    check("日期" in err, err)


J.main(globals())
