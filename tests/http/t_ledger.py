"""t_ledger — the ledger through the real binary (CLI and HTTP), per issue 3:

  010  the scenario: import the sample standard and households, record three
       months of entries by CSV (one file over a cap is rejected with the cap
       named and nothing added), approve each month, correct an entry, and
       check every household's balance and this year's points against an
       independent computation here (CLI csv and json, and the HTTP API)
  020  usage and rejection exit codes of the ledger commands
  030  tampering: changing any ledger value in the database file makes
       `jifen verify` exit 1 naming that entry; restored, it exits 0
  040  a stored balance that is not the sum of the entries is named
  050  SIGKILL: `jifen sheet approve` of a 20,000-entry sheet killed at random
       moments, 15 rounds: each time verify passes and the sheet is on the
       ledger whole or not at all
  060  four approvals of one village at the same moment, and corrections
       racing them: each posts whole, the chain stays one unbroken sequence
"""
import csv
import datetime
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import jifentest  # noqa: E402
from jifentest import BIN, Server, check, cli, cli_ok, eq, town  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "data", "sample-standard.csv")


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def load_standard():
    """The sample standard as {code: (name, points, cap_month, cap_year, veto, evidence)}."""
    items = {}
    with open(SAMPLE, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            items[row["项目编号"]] = (
                row["项目名称"], int(row["分值"]),
                int(row["每月上限"]) if row["每月上限"] else None,
                int(row["每年上限"]) if row["每年上限"] else None,
                row["一票否决"] == "是", row["需佐证"] == "是")
    return items


def months_back(n):
    """The last n months ending with this one, oldest first, as (YYYY-MM, last day to use)."""
    today = datetime.date.today()
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        last = today.day if (y, m) == (today.year, today.month) else 28
        out.append((f"{y:04d}-{m:02d}", last))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


HOUSEHOLDS = ["户编号,户主姓名,本地户籍,宅基地房屋,常住,租赁户,参与日期"] + [
    f"H{i:02d},户主{i},是,是,是,否,2024-01-01" for i in range(1, 11)] + [
    "H11,未参与,是,是,是,否,",
    "H12,租户,否,否,是,是,2024-01-01"]


def setup_village(db, accounts=False):
    """init, villages V1/V2 (with accounts when asked), V1's households and
    standard (adopted 2024-03-20, effective 2024-04-01)."""
    if accounts:
        town(db)
    else:
        cli_ok(db, "init")
        cli_ok(db, "village", "add", "V1", "一村")
        cli_ok(db, "village", "add", "V2", "二村")
    cli_ok(db, "import", "households", "--village", "V1",
           write(db, "h.csv", "\n".join(HOUSEHOLDS) + "\n"))
    out = cli_ok(db, "import", "standard", "--village", "V1", SAMPLE, "--adopted", "2024-03-20",
                 "--effective", "2024-04-01", "--meeting", "2024年3月20日村民代表会议表决通过")
    check("第 1 版" in out and "40 个项目" in out, out)


class Model:
    """An independent model of the rules: caps per household, item and month
    / year, and the resulting balances and yearly points."""

    def __init__(self, items):
        self.items = items
        self.month_sum = {}
        self.year_sum = {}
        self.balance = {}
        self.year_points = {}

    def fits(self, hh, code, date, qty):
        name, pts, cap_m, cap_y, veto, ev = self.items[code]
        p = pts * qty
        km, ky = (hh, code, date[:7]), (hh, code, date[:4])
        if cap_m is not None and abs(self.month_sum.get(km, 0) + p) > cap_m:
            return False
        if cap_y is not None and abs(self.year_sum.get(ky, 0) + p) > cap_y:
            return False
        return True

    def add(self, hh, code, date, qty):
        p = self.items[code][1] * qty
        km, ky = (hh, code, date[:7]), (hh, code, date[:4])
        self.month_sum[km] = self.month_sum.get(km, 0) + p
        self.year_sum[ky] = self.year_sum.get(ky, 0) + p
        self.post(hh, date, p)
        return p

    def post(self, hh, date, p):
        self.balance[hh] = self.balance.get(hh, 0) + p
        self.year_points[(hh, date[:4])] = self.year_points.get((hh, date[:4]), 0) + p


def entries_csv(rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["household", "item", "date", "quantity", "note"])
    for r in rows:
        w.writerow(r)
    return out.getvalue()


def count(db, sql):
    return int(db.sql(sql)[0][0])


def test_010_scenario(db):
    setup_village(db, accounts=True)
    items = load_standard()
    model = Model(items)
    rnd = random.Random(20240501)
    codes = sorted(items)
    today = datetime.date.today()
    this_year = str(today.year)
    for mi, (month, last_day) in enumerate(months_back(3)):
        rows = []
        for hh in [f"H{i:02d}" for i in range(1, 11)]:
            for _ in range(rnd.randint(2, 6)):
                code = rnd.choice(codes)
                date = f"{month}-{rnd.randint(1, last_day):02d}"
                qty = rnd.choice([1, 1, 1, 2])
                if not model.fits(hh, code, date, qty):
                    continue
                model.add(hh, code, date, qty)
                note = "有现场照片和记录" if items[code][5] else ""
                rows.append([hh, code, date, "" if qty == 1 else str(qty), note])
        path = write(db, f"e{mi}.csv", entries_csv(rows))
        before = count(db, "SELECT COUNT(*) FROM entry")
        out = cli_ok(db, "import", "entries", "--village", "V1", "--month", month, "--dry-run", path)
        check("试运行" in out, out)
        eq(count(db, "SELECT COUNT(*) FROM entry"), before, "a dry run adds nothing")
        cli_ok(db, "import", "entries", "--village", "V1", "--month", month, path)
        eq(count(db, "SELECT COUNT(*) FROM entry"), before + len(rows), "entries added")
        if mi == 1:
            # a second file of the month: valid rows and one that passes HJ01's
            # monthly cap of 5 (H01 gets HJ01 twice) — rejected whole
            over = [["H02", "CW01", f"{month}-01", "", ""],
                    ["H01", "HJ01", f"{month}-01", "", ""],
                    ["H01", "HJ01", f"{month}-02", "", ""]]
            already = model.month_sum.get(("H01", "HJ01", month), 0)
            bad_row = 4 if already == 0 else 3  # the file row that passes the cap
            path = write(db, "over.csv", entries_csv(over))
            before = count(db, "SELECT COUNT(*) FROM entry")
            rc, out, err = cli(db, "import", "entries", "--village", "V1", "--month", month, path)
            eq(rc, 1, f"over-cap import: {err}")
            check("「HJ01 宅前屋后无乱堆乱放」每月上限 5 分" in err, err)
            check(f"{path}:{bad_row}: item: 「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，本月已记 5 分"
                  in err, err)
            eq(count(db, "SELECT COUNT(*) FROM entry"), before, "nothing added")
        rc, out, err = cli(db, "sheet", "approve", "--village", "V1", "--month", month,
                           "--meeting-date", today.isoformat(), "--attendees", "书记、主任、委员",
                           "--resolution", f"同意{month}积分")
        eq(rc, 0, err)
        check("已审定" in out, out)
    # approving twice is refused, nothing changes
    n_ledger = count(db, "SELECT COUNT(*) FROM ledger_entry")
    rc, out, err = cli(db, "sheet", "approve", "--village", "V1", "--month", months_back(3)[0][0],
                       "--meeting-date", today.isoformat(), "--attendees", "x", "--resolution", "y")
    eq(rc, 1, err)
    check("已经审定" in err, err)
    eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), n_ledger)
    eq(n_ledger, count(db, "SELECT COUNT(*) FROM entry"), "every entry is on the ledger")

    # a correction through the CLI: reverse 1 point of a positive entry with ≥ 2 points
    row = db.sql("SELECT le.id, h.code, le.points, le.date FROM ledger_entry le"
                 " JOIN household h ON h.id = le.household_id"
                 " WHERE le.points >= 2 ORDER BY le.id LIMIT 1")[0]
    eid, hh, pts, date = int(row[0]), row[1], int(row[2]), row[3]
    rc, out, err = cli(db, "ledger", "correct", "--village", "V1", "--entry", str(eid),
                       "--points", str(pts + 1), "--reason", "多记了")
    eq(rc, 1, err)
    check(f"还剩 {pts} 分可更正" in err, err)
    out = cli_ok(db, "ledger", "correct", "--village", "V1", "--entry", str(eid), "--points", "1",
                 "--reason", "核实后少一分")
    check("-1 分" in out, out)
    model.post(hh, date, -1)

    # balances: csv and json, against the model
    out = cli_ok(db, "balances", "--village", "V1")
    lines = out.splitlines()
    eq(lines[0], "household,name,balance,year_points")
    got = {r["household"]: r for r in csv.DictReader(io.StringIO(out))}
    eq(sorted(got), [f"H{i:02d}" for i in range(1, 11)], "participating households")
    for hh, r in got.items():
        eq(int(r["balance"]), model.balance.get(hh, 0), f"balance of {hh}")
        eq(int(r["year_points"]), model.year_points.get((hh, this_year), 0), f"year of {hh}")
    js = json.loads(cli_ok(db, "balances", "--village", "V1", "--format", "json"))
    eq([(x["household"], x["balance"], x["year_points"]) for x in js],
       [(h, int(got[h]["balance"]), int(got[h]["year_points"])) for h in sorted(got)])
    out = cli_ok(db, "verify")
    check("台账完好" in out, out)
    cli_ok(db, "verify", "--village", "V1")

    # the same figures over HTTP; another village's admin sees none of them
    srv = Server(db)
    try:
        c = srv.client()
        c.login("V1-admin")
        r = c.get("/api/v1/villages/V1/balances")
        eq(r.status, 200, r.text[:300])
        api = {x["household"]: x for x in r.json()["balances"]}
        for hh in got:
            eq(api[hh]["balance"], model.balance.get(hh, 0), f"API balance of {hh}")
            eq(api[hh]["year_points"], model.year_points.get((hh, this_year), 0))
        c2 = srv.client()
        c2.login("V2-admin")
        r = c2.get("/api/v1/villages/V1/balances")
        check(r.status in (403, 404), f"V2-admin reads V1 balances: {r.status}")
    finally:
        srv.stop()


def test_020_usage_and_rejections(db):
    setup_village(db)
    rc, _, err = cli(db, "import", "entries", "--village", "V1", "x.csv")
    eq(rc, 2, err)
    rc, _, err = cli(db, "import", "standard", "--village", "V1", SAMPLE)
    eq(rc, 2, err)
    rc, _, err = cli(db, "balances")
    eq(rc, 2, err)
    rc, _, err = cli(db, "balances", "--village", "V1", "--format", "xml")
    eq(rc, 2, err)
    rc, _, err = cli(db, "verify", "--bogus")
    eq(rc, 2, err)
    rc, _, err = cli(db, "balances", "--village", "NOPE")
    eq(rc, 1, err)
    rc, _, err = cli(db, "sheet", "approve", "--village", "V1", "--month", "2024-05",
                     "--meeting-date", "2024-06-01", "--attendees", "a", "--resolution", "b")
    eq(rc, 1, err)
    check("还没有积分表" in err, err)
    # a bad standard file: every problem as FILE:ROW: COLUMN: message, nothing adopted
    path = write(db, "bad.csv", "类别,项目编号,项目名称,分值\n环境,A1,甲,0\n环境,A1,乙,x\n")
    rc, _, err = cli(db, "import", "standard", "--village", "V2", path, "--adopted", "2024-03-01",
                     "--effective", "2024-04-01")
    eq(rc, 1, err)
    lines = err.strip().splitlines()
    eq(len(lines), 2, err)
    check(lines[0].startswith(f"{path}:2: 分值: "), err)
    check(lines[1].startswith(f"{path}:3: 分值: "), err)
    eq(count(db, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NOT NULL"), 1)
    # a household that does not participate, named with its row
    path = write(db, "e.csv", "户编号,项目编号,日期\nH01,HJ01,2024-05-02\nH11,HJ01,2024-05-02\n")
    rc, _, err = cli(db, "import", "entries", "--village", "V1", "--month", "2024-05", path)
    eq(rc, 1, err)
    eq(err.strip(), f"{path}:3: 户编号: 户“H11 未参与”尚未参与积分制，不能记分")
    eq(count(db, "SELECT COUNT(*) FROM entry"), 0)
    rc, _, err = cli(db, "import", "entries", "--village", "V1", "--month", "2024-13", path)
    eq(rc, 1, err)


def small_ledger(db):
    """V1 with two approved months; returns nothing."""
    setup_village(db)
    for month, rows in (("2024-05", [["H01", "HJ01", "2024-05-03", "", ""],
                                     ["H02", "PA01", "2024-05-04", "2", "巡防两次"],
                                     ["H03", "HJ02", "2024-05-05", "", "经提醒未整治"]]),
                        ("2024-06", [["H01", "CW01", "2024-06-03", "3", ""],
                                     ["H04", "YF05", "2024-06-04", "", "照顾邻居老人"]])):
        cli_ok(db, "import", "entries", "--village", "V1", "--month", month,
               write(db, f"{month}.csv", entries_csv(rows)))
        cli_ok(db, "sheet", "approve", "--village", "V1", "--month", month, "--meeting-date",
               "2024-07-02", "--attendees", "村两委", "--resolution", "同意")


def drop_append_only(db):
    if db.pg_name:
        db.sql("DROP TRIGGER ledger_entry_no_update_delete ON ledger_entry")
    else:
        db.sql("DROP TRIGGER ledger_entry_no_update")


def sql_literal(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


def test_030_tamper(db):
    small_ledger(db)
    rc, out, err = cli(db, "verify")
    eq(rc, 0, err)
    # the database itself refuses changes while the triggers are there
    try:
        db.sql("UPDATE ledger_entry SET points = 99 WHERE seq = 2")
        raise jifentest.Failure("UPDATE of the ledger was allowed")
    except subprocess.CalledProcessError:
        pass
    drop_append_only(db)
    target = db.sql("SELECT id, seq FROM ledger_entry WHERE seq = 3")[0]
    eid, seq = target
    changes = {"points": "77", "household_id": "(SELECT MIN(id) FROM household)",
               "item_code": "'HJ99'", "month": "'2024-01'", "date": "'2024-05-01'",
               "quantity": "9", "approval_id": "NULL", "note": "'改过的说明'",
               "recorded_by": "'someone'", "posted_at": "posted_at + 1", "kind": "'correction'",
               "reason": "'x'", "photo": "'abc'", "item_id": "item_id + 1"}
    for col, expr in changes.items():
        orig = db.sql(f"SELECT {col} FROM ledger_entry WHERE id = {eid}")
        orig = orig[0][0] if orig else ""  # an empty text prints as no line at all
        db.sql(f"UPDATE ledger_entry SET {col} = {expr} WHERE id = {eid}")
        rc, out, err = cli(db, "verify")
        eq(rc, 1, f"verify after changing {col}: {out} {err}")
        eq(err.strip(), f"积分台账第 {eid} 条（村 V1，序号 {seq}）哈希不符", f"changed {col}")
        db.sql(f"UPDATE ledger_entry SET {col} = {sql_literal(orig)} WHERE id = {eid}")
        rc, out, err = cli(db, "verify")
        eq(rc, 0, f"verify after restoring {col}: {err}")
    # the chain itself: a rewritten entry with a recomputed-looking hash breaks the next link
    db.sql(f"UPDATE ledger_entry SET hash = prev_hash WHERE id = {eid}")
    rc, out, err = cli(db, "verify", "--village", "V1")
    eq(rc, 1, err)
    check(f"积分台账第 {eid} 条" in err, err)


def test_040_tamper_balance(db):
    small_ledger(db)
    db.sql("UPDATE household_balance SET balance = balance + 10 WHERE household_id ="
           " (SELECT id FROM household WHERE code = 'H01' AND village_id ="
           " (SELECT id FROM village WHERE code = 'V1'))")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, err)
    check(err.startswith("农户 H01（村 V1）积分余额 21 与台账合计 11 不符"), err)


def test_050_sigkill(db):
    cli_ok(db, "init")
    cli_ok(db, "village", "add", "V1", "一村")
    n_households, per = 400, 50
    hh = ["户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期"] + [
        f"K{i:04d},户主{i},是,是,是,2024-01-01" for i in range(n_households)]
    cli_ok(db, "import", "households", "--village", "V1", write(db, "k.csv", "\n".join(hh) + "\n"))
    cli_ok(db, "import", "standard", "--village", "V1", SAMPLE, "--adopted", "2024-03-20",
           "--effective", "2024-04-01")
    nocap = ["CW01", "PA03", "YF01", "YF02", "YF03", "YF05", "YF06", "HJ05", "CW05"]
    # a month for every kill that lands after the commit: with the passbooks
    # rendered after it, most of an approval's time is past the commit
    months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)][3:]
    total = n_households * per

    def prepare(month):
        rows = [[f"K{i:04d}", nocap[k % len(nocap)], f"{month}-{1 + k % 28:02d}", "", "照顾老人"]
                for i in range(n_households) for k in range(per)]
        cli_ok(db, "import", "entries", "--village", "V1", "--month", month,
               write(db, f"{month}.csv", entries_csv(rows)))

    def approve_cmd(month):
        return [BIN, "--db", db.url, "sheet", "approve", "--village", "V1", "--month", month,
                "--meeting-date", "2025-12-30", "--attendees", "村两委", "--resolution", "同意"]

    # how long one approval takes end to end, to spread the kills over it
    prepare(months[0])
    t0 = time.time()
    subprocess.run(approve_cmd(months[0]), check=True, capture_output=True)
    duration = time.time() - t0
    print(f"     approve {total} entries (whole process): {duration:.2f} s", flush=True)
    posted = total
    mi = 1
    prepare(months[mi])
    rnd = random.Random(7)
    outcomes = {"none": 0, "whole": 0}
    for rnd_i in range(15):
        p = subprocess.Popen(approve_cmd(months[mi]), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.0, duration * 1.05))
        p.send_signal(signal.SIGKILL)
        p.wait()
        rc, out, err = cli(db, "verify")
        eq(rc, 0, f"round {rnd_i}: verify after kill: {out} {err}")
        n = count(db, "SELECT COUNT(*) FROM ledger_entry")
        status = db.sql(f"SELECT status FROM sheet WHERE month = '{months[mi]}'")[0][0]
        approvals = count(db, f"SELECT COUNT(*) FROM approval WHERE month = '{months[mi]}'")
        if n == posted:
            outcomes["none"] += 1
            check(status == "draft" and approvals == 0, f"round {rnd_i}: {status} {approvals}")
        else:
            eq(n, posted + total, f"round {rnd_i}: partial ledger")
            check(status == "approved" and approvals == 1, f"round {rnd_i}: {status} {approvals}")
            outcomes["whole"] += 1
            posted = n
            mi += 1
            prepare(months[mi])
    print(f"     15 kills: {outcomes['none']} left nothing, {outcomes['whole']} completed",
          flush=True)
    check(outcomes["none"] > 0, "no kill landed before the commit")


def test_060_concurrent_approvals(db):
    cli_ok(db, "init")
    cli_ok(db, "village", "add", "V1", "一村")
    hh = ["户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期"] + [
        f"K{i:03d},户主{i},是,是,是,2024-01-01" for i in range(200)]
    cli_ok(db, "import", "households", "--village", "V1", write(db, "k.csv", "\n".join(hh) + "\n"))
    cli_ok(db, "import", "standard", "--village", "V1", SAMPLE, "--adopted", "2024-03-20",
           "--effective", "2024-04-01")
    months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]
    for month in months:
        rows = [[f"K{i:03d}", code, f"{month}-{1 + k:02d}", "", ""]
                for i in range(200) for k, code in enumerate(["CW01", "YF01", "PA03", "CW05"])]
        cli_ok(db, "import", "entries", "--village", "V1", "--month", month,
               write(db, f"{month}.csv", entries_csv(rows)))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", months[0], "--meeting-date",
           "2024-12-30", "--attendees", "村两委", "--resolution", "同意")
    ids = [r[0] for r in db.sql("SELECT id FROM ledger_entry ORDER BY seq LIMIT 20")]
    procs = [subprocess.Popen([BIN, "--db", db.url, "sheet", "approve", "--village", "V1",
                               "--month", m, "--meeting-date", "2024-12-30", "--attendees", "村两委",
                               "--resolution", "同意"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for m in months[1:]]
    procs += [subprocess.Popen([BIN, "--db", db.url, "ledger", "correct", "--village", "V1",
                                "--entry", i, "--points", "1", "--reason", "复核"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for i in ids]
    for p in procs:
        out, err = p.communicate(timeout=300)
        eq(p.returncode, 0, f"{p.args[3:6]}: {err}")
    eq(count(db, "SELECT COUNT(*) FROM ledger_entry"), 5 * 800 + 20)
    eq(count(db, "SELECT MAX(seq) FROM ledger_entry"), 5 * 800 + 20)
    eq(count(db, "SELECT COUNT(*) FROM sheet WHERE status = 'approved'"), 5)
    rc, out, err = cli(db, "verify")
    eq(rc, 0, err)


if __name__ == "__main__":
    jifentest.main(globals())
