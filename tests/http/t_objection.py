"""t_objection — objections (异议) to a quarterly announcement (issue 12 item 8),
through the real binary, on both backends:

  010  `objection add` prints the id alone; `objections` prints exactly
       id,quarter,household,status,received,decided,reason,decision (CSV quoting);
       the reply deadline is 10 days from receipt by default
  020  refusals, exit 1 and nothing written: after the period (the message names its
       end), before it, no announcement, another village's household, an entry not
       the household's; usage errors exit 2
  030  reject with a reason: status, decided date, the reason; deciding twice refused;
       the audit log holds both
  040  uphold by a correction of entry SEQ by P: the correction on the ledger (linked
       to the objection row, not in the entry), in one transaction with the decision
       (a refused correction leaves the objection open); `verify` still passes
  050  uphold by the missed item scored on D2: a score entry; the item's caps apply
       (refused, objection still open); the next announcement counts it and the
       correction of 040
  060  the passbook: a household raises one online against an entry with a photo,
       after the period the form is refused with the message; it sees the decision
  070  the village admin's queue with the reply deadline (overdue marked); recording a
       phone objection on the page; the JSON API: the queue, a decision refused by a
       cap, the missed item, a letter recorded; another village's admin gets 404
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import jifentest  # noqa: E402
from jifentest import check, cli, cli_ok, eq, town  # noqa: E402

HOUSEHOLDS = ["H01", "H02", "H03", "H04"]
HEADER = "id,quarter,household,status,received,decided,reason,decision\n"


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def score_month(db, month, rows, village="V1"):
    body = "household,item,date,quantity,note\n" + "".join(
        f"{h},{item},{month}-{day:02d},{q},{note}\n" for h, item, day, q, note in rows)
    cli_ok(db, "import", "entries", "--village", village, "--month", month,
           write(db, f"e-{village}-{month}.csv", body))
    cli_ok(db, "sheet", "approve", "--village", village, "--month", month,
           "--meeting-date", f"{month}-28", "--attendees", "两委", "--resolution", "同意")


def setup(db, villages=("V1",)):
    """V1 (and others): four households, May and June scored and approved, Q2
    announced on 2024-07-05 (objection period 2024-07-05 .. 2024-07-11)."""
    town(db, villages=villages)
    for v in villages:
        jifentest.standard_and_households(db, v, HOUSEHOLDS)
    db.sql("UPDATE household SET head_name = '张小明' WHERE code = 'H01'")
    for month in ("2024-05", "2024-06"):
        score_month(db, month, [(h, "ZF05", 3 + i, 1, "") for i, h in enumerate(HOUSEHOLDS)]
                    + [("H02", "ZF02", 11, 1, "当场查获"), ("H01", "PA02", 12, 1, "")])
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q2", "--date", "2024-07-05")


def seq_of(db, hh, item, month, village="V1"):
    return int(db.sql(
        "SELECT le.seq FROM ledger_entry le JOIN household h ON h.id = le.household_id"
        f" JOIN village v ON v.id = le.village_id WHERE v.code = '{village}'"
        f" AND h.code = '{hh}' AND le.item_code = '{item}' AND le.month = '{month}'"
        " AND le.kind = 'score'")[0][0])


def add(db, *extra, hh="H02", reason="扣分有误", date="2024-07-08"):
    rc, out, err = cli(db, "objection", "add", "--village", "V1", "--quarter", "2024-Q2",
                       "--household", hh, "--reason", reason, "--date", date, *extra)
    eq(rc, 0, err)
    check(re.fullmatch(r"\d+\n", out), f"the id alone on one line: {out!r}")
    return int(out)


def objections(db, *extra):
    return cli_ok(db, "objections", "--village", "V1", *extra)


def count(db, table):
    return int(db.sql(f"SELECT COUNT(*) FROM {table}")[0][0])


def rows(db, query):
    """The rows of query as tuples of text."""
    return [tuple(r) for r in db.sql(query)]


def today():
    return time.strftime("%Y-%m-%d")


def test_010_add_and_list(db):
    setup(db)
    eq(objections(db), HEADER, "no objection yet: the header alone")
    i1 = add(db)
    i2 = add(db, "--entry", str(seq_of(db, "H01", "PA02", "2024-06")), hh="H01",
             reason='说"巡防"那次, 没算', date="2024-07-11")
    eq(i2, i1 + 1)
    eq(objections(db),
       HEADER + f"{i1},2024-Q2,H02,open,2024-07-08,,扣分有误,\n"
       f'{i2},2024-Q2,H01,open,2024-07-11,,"说""巡防""那次, 没算",\n')
    eq(objections(db, "--quarter", "2024-Q3"), HEADER, "another quarter: none")
    eq(rows(db, f"SELECT reply_by, channel FROM objection WHERE id = {i1}"),
       [("2024-07-18", "letter")], "10 days from receipt; a paper one")
    db.sql("UPDATE village SET objection_reply_days = 15")
    i3 = add(db, date="2024-07-05")
    eq(db.sql(f"SELECT reply_by FROM objection WHERE id = {i3}")[0][0], "2024-07-20",
       "the village's objection_reply_days")
    eq(db.sql("SELECT COUNT(*) FROM audit WHERE action = 'objection.add'")[0][0], "3")


def test_020_refusals(db):
    setup(db, villages=("V1", "V2"))
    before = count(db, "objection")
    for case, args, want in (
        ("020-1 after the period", ["--household", "H01", "--quarter", "2024-Q2",
                                    "--date", "2024-07-12"],
         "公示期已于 2024-07-11 结束，不能再提出异议"),
        ("020-2 before it", ["--household", "H01", "--quarter", "2024-Q2",
                             "--date", "2024-07-04"], "还没有开始"),
        ("020-3 no announcement", ["--household", "H01", "--quarter", "2024-Q3",
                                   "--date", "2024-10-08"], "2024-Q3 还没有公示"),
        ("020-4 not the village's household", ["--household", "H99", "--quarter", "2024-Q2",
                                               "--date", "2024-07-08"], "H99"),
        ("020-5 another household's entry", ["--household", "H01", "--quarter", "2024-Q2",
                                             "--date", "2024-07-08", "--entry",
                                             str(seq_of(db, "H02", "ZF02", "2024-05"))],
         "不是户 H01"),
        ("020-6 a date in the future", ["--household", "H01", "--quarter", "2024-Q2",
                                        "--date", "2199-01-01"], "晚于今天"),
        ("020-7 a bad quarter", ["--household", "H01", "--quarter", "2024-Q5",
                                 "--date", "2024-07-08"], "YYYY-Qn"),
    ):
        rc, out, err = cli(db, "objection", "add", "--village", "V1", "--reason", "不对", *args)
        eq(rc, 1, f"{case}: {err}")
        check(want in err, f"{case}: the message names it: {err}")
        eq(out, "", case)
    rc, _, err = cli(db, "objection", "add", "--village", "V1", "--quarter", "2024-Q2",
                     "--household", "H01", "--reason", "", "--date", "2024-07-08")
    eq(rc, 1, "020-8 an empty reason")
    check("异议内容不能为空" in err, err)
    eq(cli(db, "objection", "add", "--village", "V2", "--quarter", "2024-Q2", "--household",
           "H01", "--reason", "x", "--date", "2024-07-08")[0], 1,
       "020-9 V2 has no announcement of 2024-Q2")
    eq(count(db, "objection"), before, "nothing written")
    for case, args in (
        ("020-20 no reason", ["objection", "add", "--village", "V1", "--quarter", "2024-Q2",
                              "--household", "H01"]),
        ("020-21 a bad entry", ["objection", "add", "--village", "V1", "--quarter", "2024-Q2",
                                "--household", "H01", "--reason", "x", "--entry", "abc"]),
        ("020-22 an unknown option", ["objections", "--village", "V1", "--channel", "phone"]),
        ("020-23 reject and uphold", ["objection", "decide", "--village", "V1", "--id", "1",
                                      "--reject", "--uphold", "--reason", "x"]),
        ("020-24 uphold, neither way", ["objection", "decide", "--village", "V1", "--id", "1",
                                        "--uphold", "--reason", "x"]),
        ("020-25 uphold, both ways", ["objection", "decide", "--village", "V1", "--id", "1",
                                      "--uphold", "--reason", "x", "--entry", "1", "--points",
                                      "1", "--item", "PA02", "--date", "2024-06-01"]),
        ("020-26 reject with points", ["objection", "decide", "--village", "V1", "--id", "1",
                                       "--reject", "--reason", "x", "--points", "1"]),
        ("020-27 --entry without --points", ["objection", "decide", "--village", "V1", "--id",
                                             "1", "--uphold", "--reason", "x", "--entry", "1"]),
    ):
        eq(cli(db, *args)[0], 2, case)
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", "99", "--reject",
                     "--reason", "x")
    eq(rc, 1, "020-30 no such objection")
    check("第 99 号异议" in err, err)
    i = add(db, hh="H01")
    rc, _, err = cli(db, "objection", "decide", "--village", "V2", "--id", str(i), "--reject",
                     "--reason", "x")
    eq(rc, 1, "020-31 another village's objection is not found")


def test_030_reject(db):
    setup(db)
    i = add(db)
    rc, out, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--reject",
                       "--reason", "经核实，当场查获属实")
    eq(rc, 0, err)
    eq(out, f"第 {i} 号异议不予支持\n")
    eq(objections(db), HEADER + f"{i},2024-Q2,H02,rejected,2024-07-08,{today()},扣分有误,"
       "经核实，当场查获属实\n")
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                     "--reason", "改判", "--entry", "1", "--points", "1")
    eq(rc, 1, "decided already")
    check("已经答复" in err, err)
    eq(rows(db, "SELECT action FROM audit WHERE object = 'objection:%d' ORDER BY id" % i),
       [("objection.add",), ("objection.decide",)])


def test_040_uphold_by_correction(db):
    setup(db)
    seq = seq_of(db, "H02", "ZF02", "2024-05")
    i = add(db, "--entry", str(seq))
    entries = count(db, "ledger_entry")
    # more points than the entry has: refused, nothing posted, still open
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                     "--reason", "多扣了", "--entry", str(seq), "--points", "21")
    eq(rc, 1, err)
    check("还剩 20 分可更正" in err, err)
    eq(count(db, "ledger_entry"), entries, "nothing posted")
    check(",open," in objections(db), "still open")
    # another household's entry: refused
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                     "--reason", "x", "--entry", str(seq_of(db, "H01", "ZF05", "2024-05")),
                     "--points", "1")
    eq(rc, 1, err)
    rc, out, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                       "--reason", "只参与围观，不算参与赌博", "--entry", str(seq), "--points", "20")
    eq(rc, 0, err)
    new = entries + 1
    eq(out, f"第 {i} 号异议已采纳: 台账第 {new} 条 +20 分\n")
    row = rows(db, "SELECT le.kind, le.points, le.reason, o.seq FROM ledger_entry le, ledger_entry o"
                 f" WHERE le.seq = {new} AND o.id = le.correction_of")
    eq(row, [("correction", "20", "只参与围观，不算参与赌博", str(seq))])
    eq(rows(db, f"SELECT status, ledger_seq FROM objection WHERE id = {i}"),
       [("upheld", str(new))])
    eq(objections(db).splitlines()[1],
       f"{i},2024-Q2,H02,upheld,2024-07-08,{today()},扣分有误,只参与围观，不算参与赌博")
    eq(db.sql("SELECT COUNT(*) FROM audit WHERE action = 'ledger.correct'")[0][0], "1")
    out = cli_ok(db, "verify")
    check("完好" in out, out)


def test_050_uphold_by_missed_item_and_next_announcement(db):
    setup(db)
    q2 = dict((l.split(",")[0], l) for l in cli_ok(
        db, "announcement", "--village", "V1", "--quarter", "2024-Q2").splitlines()[1:])
    i = add(db, hh="H03", reason="6 月 20 日参加了巡防，没有记分")
    entries = count(db, "ledger_entry")
    # ZF05 has a monthly cap of 2, already reached in June: refused, still open
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                     "--reason", "补记", "--item", "ZF05", "--date", "2024-06-20")
    eq(rc, 1, err)
    check("每月上限 2 分" in err, f"the cap named: {err}")
    eq(count(db, "ledger_entry"), entries)
    check(",open," in objections(db))
    rc, _, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                     "--reason", "补记", "--item", "NOPE", "--date", "2024-06-20")
    eq(rc, 1, err)
    check("NOPE" in err, err)
    rc, out, err = cli(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
                       "--reason", "核实属实，补记巡防", "--item", "PA01", "--date", "2024-06-20")
    eq(rc, 0, err)
    eq(out, f"第 {i} 号异议已采纳: 台账第 {entries + 1} 条 +10 分\n")
    eq(rows(db, f"SELECT kind, item_code, month, date, points, COALESCE(approval_id, 0), note"
              f" FROM ledger_entry WHERE seq = {entries + 1}"),
       [("score", "PA01", "2024-06", "2024-06-20", "10", "0", "核实属实，补记巡防")])
    # a second one, by correction, then the next quarter's announcement
    j = add(db, "--entry", str(seq_of(db, "H02", "ZF02", "2024-05")))
    cli_ok(db, "objection", "decide", "--village", "V1", "--id", str(j), "--uphold",
           "--reason", "误扣", "--entry", str(seq_of(db, "H02", "ZF02", "2024-05")),
           "--points", "20")
    check("完好" in cli_ok(db, "verify"))
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q3", "--date", "2024-10-08")
    q3 = dict((l.split(",")[0], l) for l in cli_ok(
        db, "announcement", "--village", "V1", "--quarter", "2024-Q3").splitlines()[1:])

    def nums(line):
        return [int(x) for x in line.split(",")[2:]]
    eq(nums(q3["H03"])[1:], [nums(q2["H03"])[1] + 10, nums(q2["H03"])[2] + 10],
       "the missed item in the next announcement's year points and balance")
    eq(nums(q3["H02"])[1:], [nums(q2["H02"])[1] + 20, nums(q2["H02"])[2] + 20],
       "the correction in the next announcement's year points and balance")
    eq(nums(q3["H01"])[1:], nums(q2["H01"])[1:], "the others unchanged")


# ---- the pages and the API ------------------------------------------------------------

def serve(db):
    return jifentest.Server(db)


def staff(s, login):
    c = s.client()
    c.login(login)
    return c


def household_client(s, db, code):
    """A client logged in as household code of V1 (its PIN set by V1-admin)."""
    a = staff(s, "V1-admin")
    h = db.sql(f"SELECT id FROM household WHERE code = '{code}' AND village_id ="
               " (SELECT id FROM village WHERE code = 'V1')")[0][0]
    a.get(f"/v/V1/households/{h}/card")
    r = a.post(f"/v/V1/households/{h}/pin", {})
    pin = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
    c = s.client()
    c.get("/passbook/login")
    eq(c.post("/passbook/login", {"village": "V1", "household": code, "pin": pin}).status, 303)
    c.get("/passbook")
    return c


def announce_today(db):
    """2026-style: a quarter that has ended, announced today, so that its
    objection period is open now (online objections are dated today)."""
    y, m = int(today()[:4]), int(today()[5:7])
    q = (m - 1) // 3  # the quarter before this one
    if q == 0:
        y, q = y - 1, 4
    month = f"{y}-{3 * q - 1:02d}"
    score_month(db, month, [(h, "ZF05", 3 + i, 1, "") for i, h in enumerate(HOUSEHOLDS)]
                + [("H02", "ZF02", 11, 1, "当场查获")])
    quarter = f"{y}-Q{q}"
    cli_ok(db, "announce", "--village", "V1", "--quarter", quarter, "--date", today())
    return quarter, month


def png_bytes():
    import struct
    import zlib

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_060_passbook_online(db):
    setup(db, villages=("V1", "V2"))
    quarter, month = announce_today(db)
    seq = seq_of(db, "H02", "ZF02", month)
    s = serve(db)
    try:
        c = household_client(s, db, "H02")
        form = c.get("/passbook/objection").text
        check(f'value="{quarter}"' in form and f'value="{seq}"' in form,
              "the open announcement and the household's entries offered: " + form[-2000:])
        check("2024-Q2" not in form, "a closed period is not offered")
        r = c.post_multipart("/passbook/objection", {"quarter": quarter, "entry": str(seq),
                                                     "reason": "那天我不在家"},
                             {"photo": ("p.png", png_bytes(), "image/png")})
        eq(r.status, 303, r.text[:1500])
        row = rows(db, "SELECT channel, entry_seq, received_on, recorded_by, LENGTH(photo)"
                       " FROM objection")
        eq(row, [("online", str(seq), today(), "household:H02", "64")])
        page = c.get("/passbook?objected=1").text
        check("我的异议" in page and "那天我不在家" in page and "待答复" in page, page[-2500:])
        # after the period: refused with the message naming its end
        r = c.post_multipart("/passbook/objection", {"quarter": "2024-Q2", "reason": "晚了"}, {})
        eq(r.status, 400)
        check("公示期已于 2024-07-11 结束，不能再提出异议" in r.text, r.text[-2000:])
        # decided on the admin's page; the household sees the decision
        a = staff(s, "V1-admin")
        q = a.get("/v/V1/objections").text
        check("待答复（1 件）" in q and "网上" in q and "那天我不在家" in q, q[-3000:])
        oid = rows(db, "SELECT id FROM objection")[0][0]
        r = a.post(f"/v/V1/objections/{oid}/decide", {"decision": "uphold", "reason": "查实误扣",
                                                      "entry": str(seq), "points": "20"})
        eq(r.status, 303, r.text[-1500:])
        page = c.get("/passbook").text
        check("已采纳" in page and "查实误扣" in page and "+20 分" in page, page[-2500:])
        check("更正" in page, "the correction on the passbook's entries")
        other = staff(s, "V2-admin")
        eq(other.get("/v/V1/objections").status, 404, "another village's admin")
        eq(other.post(f"/v/V1/objections/{oid}/decide", {"decision": "reject",
                                                          "reason": "x"}).status, 404)
    finally:
        s.stop()


def test_070_queue_and_api(db):
    setup(db, villages=("V1", "V2"))
    s = serve(db)
    try:
        a = staff(s, "V1-admin")
        r = a.post("/v/V1/objections", {"quarter": "2024-Q2", "household": "H01",
                                        "channel": "phone", "date": "2024-07-09",
                                        "reason": "电话反映巡防未记分", "entry": ""})
        eq(r.status, 303, r.text[-1500:])
        r = a.post("/v/V1/objections", {"quarter": "2024-Q2", "household": "H01",
                                        "channel": "visit", "date": "2024-07-12",
                                        "reason": "晚了", "entry": ""})
        eq(r.status, 400)
        check("公示期已于 2024-07-11 结束" in r.text)
        q = a.get("/v/V1/objections").text
        check("电话" in q and "2024-07-19" in q and "已超期" in q, "the deadline, overdue")
        oid = rows(db, "SELECT id FROM objection")[0][0]
        # the API: the queue, deciding with a cap refused, then the missed item
        tok = a.get("/api/v1/session").json()["csrf"]
        hdr = {"Content-Type": "application/json", "X-CSRF-Token": tok}
        r = a.get("/api/v1/villages/V1/objections?open=1")
        eq(r.status, 200, r.text)
        js = r.json()["objections"]
        eq([(o["id"], o["status"], o["channel"], o["reply_by"]) for o in js],
           [(int(oid), "open", "phone", "2024-07-19")])
        body = '{"decision":"uphold","reason":"补记","item":"ZF05","date":"2024-06-20"}'
        r = a.request("POST", f"/api/v1/villages/V1/objections/{oid}/decide", body.encode(), hdr)
        eq(r.status, 400, r.text)
        check("每月上限" in r.json()["error"], r.text)
        body = '{"decision":"uphold","reason":"补记巡防","item":"PA01","date":"2024-06-20"}'
        r = a.request("POST", f"/api/v1/villages/V1/objections/{oid}/decide", body.encode(), hdr)
        eq(r.status, 200, r.text)
        eq((r.json()["status"], r.json()["ledger_points"]), ("upheld", 10))
        r = a.request("POST", "/api/v1/villages/V1/objections",
                      '{"quarter":"2024-Q2","household":"H03","channel":"letter",'
                      '"date":"2024-07-10","reason":"来信"}'.encode(), hdr)
        eq(r.status, 201, r.text)
        eq(r.json()["reply_by"], "2024-07-20")
        eq(objections(db).count("\n"), 3)
        other = staff(s, "V2-admin")
        eq(other.get("/api/v1/villages/V1/objections").status, 404)
    finally:
        s.stop()


if __name__ == "__main__":
    jifentest.main(globals())
