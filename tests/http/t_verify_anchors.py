"""t_verify_anchors — `jifen verify` checks every integrity anchor the
database holds (issue 11, finding 10).  Each test tampers the way someone
with direct access to the database would (dropping the append-only
triggers first where there are some, and covering the tracks the older
checks would see: balances, yearly points, the chain head), and expects
verify to exit 1 naming the first failing row:

  010  an intact database verifies; every audit row is on the audit chain
  020  the last ledger entries deleted and the head moved back: the
       approval's entry count, seq range and head hash give it away
  030  an approval row deleted: the ledger names an approval that is gone
  040  a whole approval removed (its entries, ledger entries, sheet and
       row): its audit row remains; deleting that too breaks the audit chain
  050  a photo's bytes replaced, then the photo deleted
  060  an approved sheet's entry edited, then deleted
  070  an approval's meeting record edited
  080  a standard item's points, then another item's name, edited
  090  audit rows deleted (middle, last) and edited
  100  a database from before the audit chain (schema 013): the first
       command starts the chain over the old rows, which verify then checks
"""
import base64
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402

MEETING = ["--meeting-date", "2024-07-02", "--attendees", "村两委", "--resolution", "同意"]


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def png(width=1, height=1, pixel=b"\x00\xff\x00\x00"):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def ledger(db):
    """V1 with households H01–H03 and two approved months: 2024-05 (3
    entries, approval 1) and 2024-06 (2 entries, approval 2)."""
    cli_ok(db, "init")
    cli_ok(db, "village", "add", "V1", "一村")
    J.standard_and_households(db, "V1", ["H01", "H02", "H03"])
    for month, rows in (("2024-05", ["H01,HJ01,2024-05-03,,", "H02,PA01,2024-05-04,2,巡防两次",
                                     "H03,HJ01,2024-05-05,,"]),
                        ("2024-06", ["H01,CW01,2024-06-03,3,", "H02,HJ01,2024-06-04,,门前整洁"])):
        cli_ok(db, "import", "entries", "--village", "V1", "--month", month,
               write(db, f"{month}.csv", "household,item,date,quantity,note\n" +
                     "\n".join(rows) + "\n"))
        cli_ok(db, "sheet", "approve", "--village", "V1", "--month", month, *MEETING)
    verify_ok(db)


def verify_ok(db):
    rc, out, err = cli(db, "verify")
    eq(rc, 0, f"verify of an intact database: {out} {err}")


def verify_fails(db, want, msg=""):
    rc, out, err = cli(db, "verify")
    eq(rc, 1, f"{msg}: verify exit code ({out} {err})")
    check(want in err, f"{msg}: want {want!r} in {err!r}")
    return err


def drop_triggers(db, *tables):
    """Drop the append-only / no-delete triggers of tables (what someone
    with the database file or the superuser can do)."""
    for t in tables:
        if db.pg_name:
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_update_delete ON {t}")
        else:
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_update")
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_delete")


def one(db, sql):
    return db.sql(sql)[0][0]


def remove_ledger_entry(db, seq):
    """Delete V1's ledger entry seq and take its points out of the
    household's balance and yearly points, as a careful attacker would."""
    eid, hid, pts = db.sql(f"SELECT id, household_id, points FROM ledger_entry WHERE seq = {seq}")[0]
    db.sql(f"DELETE FROM ledger_entry WHERE id = {eid}")
    db.sql(f"UPDATE household_balance SET balance = balance - {pts} WHERE household_id = {hid}")
    db.sql(f"UPDATE household_year SET points = points - {pts} WHERE household_id = {hid}")


def move_head_to(db, seq):
    h = one(db, f"SELECT hash FROM ledger_entry WHERE seq = {seq}")
    db.sql(f"UPDATE ledger_head SET seq = {seq}, hash = '{h}'")


def test_010_intact(db):
    ledger(db)
    eq(one(db, "SELECT COUNT(*) FROM audit WHERE seq IS NULL OR hash IS NULL"), "0",
       "every audit row chained")
    n = int(one(db, "SELECT COUNT(*) FROM audit"))
    eq(db.sql("SELECT seq FROM audit_head"), [[str(n)]], "head at the last row")
    # the anchors the checks compare with are in the audit chain
    check("content_hash" in one(db, "SELECT after_json FROM audit WHERE action = 'standard.adopt'"),
          "standard.adopt records the content hash")
    verify_ok(db)


def test_020_tail_deleted_head_moved_back(db):
    ledger(db)
    drop_triggers(db, "ledger_entry")
    remove_ledger_entry(db, 5)
    move_head_to(db, 4)
    verify_fails(db, "村 V1 2024-06 月的审定（编号 2）记有 2 条、", "last entry deleted")


def test_030_approval_row_deleted(db):
    ledger(db)
    db.sql("UPDATE sheet SET approval_id = NULL WHERE month = '2024-06'")
    db.sql("DELETE FROM approval WHERE month = '2024-06'")
    verify_fails(db, "积分台账序号 4–5（村 V1）属于审定（编号 2），但没有这条审定", "approval row deleted")


def test_040_whole_approval_removed(db):
    ledger(db)
    drop_triggers(db, "ledger_entry", "audit")
    sheet = one(db, "SELECT id FROM sheet WHERE month = '2024-06'")
    remove_ledger_entry(db, 5)
    remove_ledger_entry(db, 4)
    move_head_to(db, 3)
    db.sql(f"UPDATE sheet SET approval_id = NULL WHERE id = {sheet}")
    db.sql("DELETE FROM approval WHERE month = '2024-06'")
    db.sql(f"DELETE FROM entry WHERE sheet_id = {sheet}")
    db.sql(f"DELETE FROM sheet WHERE id = {sheet}")
    verify_fails(db, f"审计日志记有村 V1 积分表（编号 {sheet}）的审定，但没有这条审定",
                 "approval removed, its audit row kept")
    seq = one(db, "SELECT seq FROM audit WHERE action = 'sheet.approve' ORDER BY id DESC LIMIT 1")
    db.sql(f"DELETE FROM audit WHERE seq = {seq}")
    # it was the chain's last row: the head names it
    verify_fails(db, f"审计日志的链头（序号 {seq}）与最后一条（序号 {int(seq) - 1}）不符",
                 "and its audit row deleted")


def test_050_photo_replaced(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01"])
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        r = c.post_multipart("/v/V1/sheets/2024-06/entries",
                             {"household": "H01", "item": "PA01", "quantity": 1,
                              "date": "2024-06-05", "note": ""},
                             {"photo": ("p.png", png(), "image/png")})
        check(r.status in (200, 303), f"entry with photo: {r.status} {r.text[:300]}")
    finally:
        s.stop()
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", *MEETING)
    h = one(db, "SELECT photo FROM ledger_entry")
    check(len(h) == 64, "the entry names its photo")
    verify_ok(db)
    other = base64.b64encode(png(pixel=b"\x00\x00\x00\xff")).decode()
    db.sql(f"UPDATE evidence SET data_b64 = '{other}', size = {len(base64.b64decode(other))}")
    verify_fails(db, f"村 V1 的佐证照片 {h[:16]}…", "photo bytes replaced")
    db.sql("DELETE FROM evidence")
    verify_fails(db, f"的佐证照片 {h[:16]}… 不在本村的照片里", "photo deleted")


def test_060_approved_entry_edited(db):
    ledger(db)
    eid = one(db, "SELECT id FROM entry WHERE note = '巡防两次'")
    lid = one(db, f"SELECT id FROM ledger_entry WHERE entry_id = {eid}")
    db.sql(f"UPDATE entry SET note = '巡防三次' WHERE id = {eid}")
    verify_fails(db, f"积分表记录第 {eid} 条（村 V1，已审定）与积分台账第 {lid} 条不符", "note edited")
    db.sql(f"UPDATE entry SET note = '巡防两次', quantity = 3 WHERE id = {eid}")
    verify_fails(db, f"积分表记录第 {eid} 条（村 V1，已审定）与积分台账第 {lid} 条不符",
                 "quantity edited")
    db.sql(f"UPDATE entry SET quantity = 2 WHERE id = {eid}")
    verify_ok(db)
    db.sql(f"DELETE FROM entry WHERE id = {eid}")
    verify_fails(db, f"积分台账第 {lid} 条（村 V1）记的积分表记录（编号 {eid}）不在已审定的积分表里",
                 "entry deleted")


def test_070_meeting_record_edited(db):
    ledger(db)
    db.sql("UPDATE approval SET resolution = '不同意' WHERE month = '2024-05'")
    verify_fails(db, "村 V1 2024-05 月的审定（编号 1）的会议决议与审计日志中的记录不符", "resolution")
    db.sql("UPDATE approval SET resolution = '同意', attendees = '全体村民' WHERE month = '2024-05'")
    verify_fails(db, "村 V1 2024-05 月的审定（编号 1）的参会人员与审计日志中的记录不符", "attendees")
    db.sql("UPDATE approval SET attendees = '村两委', meeting_date = '2024-07-01'"
           " WHERE month = '2024-05'")
    verify_fails(db, "的会议日期与审计日志中的记录不符", "meeting date")


def test_080_standard_item_edited(db):
    ledger(db)
    drop_triggers(db, "standard_item")
    pts = int(one(db, "SELECT points FROM standard_item WHERE code = 'HJ01'"))
    db.sql("UPDATE standard_item SET points = points + 1 WHERE code = 'HJ01'")
    lid = one(db, "SELECT MIN(id) FROM ledger_entry WHERE item_code = 'HJ01'")
    verify_fails(db, f"积分台账第 {lid} 条（村 V1，序号 1）记 {pts} 分，但标准项目 HJ01 是 {pts + 1} 分",
                 "points of a used item")
    db.sql("UPDATE standard_item SET points = points - 1 WHERE code = 'HJ01'")
    verify_ok(db)
    vid = one(db, "SELECT id FROM standard_version")
    db.sql("UPDATE standard_item SET name = '改过的名称' WHERE code = 'YF05'")
    verify_fails(db, f"村 V1 标准第 1 版（编号 {vid}）的内容与审计日志中的存证不符", "name of an item")


def test_090_audit_rows(db):
    ledger(db)
    cli_ok(db, "village", "add", "V2", "二村")
    drop_triggers(db, "audit")
    n = int(one(db, "SELECT MAX(seq) FROM audit"))
    aid = one(db, "SELECT id FROM audit WHERE seq = 3")
    db.sql("UPDATE audit SET login = 'someone' WHERE seq = 3")
    verify_fails(db, f"审计日志第 {aid} 条（序号 3）哈希不符", "edited")
    db.sql("UPDATE audit SET login = 'cli' WHERE seq = 3")
    verify_ok(db)
    db.sql(f"DELETE FROM audit WHERE seq = {n}")
    verify_fails(db, f"审计日志的链头（序号 {n}）与最后一条（序号 {n - 1}）不符", "last deleted")
    mid = one(db, "SELECT MIN(seq) FROM audit WHERE action = 'household.import_add'")
    db.sql(f"DELETE FROM audit WHERE seq = {mid}")
    verify_fails(db, f"之前缺少序号 {mid}：有记录被删除", "middle deleted")


def test_100_chain_started_over_older_rows(db):
    ledger(db)
    drop_triggers(db, "audit")
    # what a database of schema 013 holds: audit rows without seq and hash
    db.sql("UPDATE audit SET seq = NULL, hash = NULL")
    db.sql("DELETE FROM audit_head")
    n = int(one(db, "SELECT COUNT(*) FROM audit"))
    verify_ok(db)  # its first command starts the chain, then verifies it
    eq(db.sql("SELECT seq, action FROM audit WHERE seq IS NOT NULL ORDER BY seq"),
       [["1", "audit.chain_start"], ["2", "standard.seal"]], "chain start and the version's seal")
    check(f'"legacy_rows":{n},' in one(db, "SELECT after_json FROM audit WHERE seq = 1"), "count")
    cli_ok(db, "village", "add", "V9", "九村")
    verify_ok(db)
    old = one(db, "SELECT MIN(id) FROM audit WHERE seq IS NULL AND action = 'village.add'")
    db.sql(f"DELETE FROM audit WHERE id = {old}")
    verify_fails(db, f"哈希链之前的审计日志（现有 {n - 1} 条", "an old row deleted")


if __name__ == "__main__":
    J.main(globals())
