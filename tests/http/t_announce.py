"""t_announce — 一季一公示 through the real binary (issue 12), on both backends:

  010  announce a quarter: the signed checkpoint printed; the frozen lines equal an
       independent computation from the ledger here; every household's receipt is
       accepted by `jifen verify-receipt` AND by the verifier written below
       (hashlib + Ed25519 of python3-cryptography); its size is printed
  020  refusals, each exit 1 with nothing written (no row, no signing-log record):
       the quarter has not ended on D, a sheet of its months holds unapproved
       entries, announced already; usage errors exit 2
  030  tampered receipts (the line, a proof hash, a signature, the index), and a
       receipt checked with another key, are refused by both verifiers
  040  a ledger rewritten consistently behind the program's back (triggers
       dropped, points changed, the chain hashes, Merkle rows, head and balances
       recomputed in Python, checkpoint and announcement rows deleted): `jifen
       verify` exits 1 — first because the entry's points no longer are its
       standard item's (issue 11's anchors); the signing log beside the key
       that catches what gets past those is test_checkpoint.c's
  050  inclusion and consistency proofs of `jifen proof` checked by the
       independent verifier against leaves computed here from the entries
  060  the witness: cosigns the first checkpoint, then the next one with a valid
       consistency proof; refuses a split view, a bad proof, a wrong old size and
       another log's key; the cosignature attached shows in the announcement JSON
       and the receipt, which still verifies
  070  schema 011's backfill: a ledger posted without stored hashes gets them
  080  the JSON API: the key, announcements and lines, receipts, checkpoints and
       proofs (checked here), announcing and attaching a cosignature as an admin
  090  the household card page and the passbook show the newest receipt as a QR
       code with its text; the code, read by zbarimg, is the receipt to the byte
  100  the receipt of a 2,000-household village fits one QR code: its size is
       printed and must stay under 1,200 bytes, and the card page's code scans
"""
import base64
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import jifentest  # noqa: E402
from jifentest import check, cli, cli_ok, eq, town  # noqa: E402

from cryptography.exceptions import InvalidSignature  # noqa: E402  (python3-cryptography)
from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: E402
    Ed25519PrivateKey, Ed25519PublicKey)

HOUSEHOLDS = [f"H{i:02d}" for i in range(1, 14)]
DASH = "\u2014 "


# ---- an independent verifier: RFC 6962 / 9162 and C2SP signed notes ----------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 6962 MTH over leaf hashes, the naive way."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, proof, root_m, root_n):
    """RFC 9162 §2.1.4.2."""
    if m == n:
        return not proof and root_m == root_n
    if m == 0:
        return not proof
    if m & (m - 1) == 0:
        proof = [root_m] + list(proof)
    if not proof:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root_m and sr == root_n


def parse_vkey(text):
    name, kid, b = text.strip().split("+", 2)
    raw = base64.b64decode(b)
    check(raw[0] == 1 and len(raw) == 33, "an Ed25519 verifier key")
    want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    eq(want.hex(), kid, "key ID")
    return name, want, Ed25519PublicKey.from_public_bytes(raw[1:])


def open_note(note, vkey):
    """The text of a signed note with a good signature of vkey, else None."""
    name, kid, pub = vkey
    text, sep, sigs = note.rpartition("\n\n")
    if not sep:
        return None
    text += "\n"
    good = False
    for line in sigs.splitlines():
        if not line.startswith(DASH):
            return None
        sname, b = line[len(DASH):].split(" ", 1)
        blob = base64.b64decode(b)
        if sname != name or blob[:4] != kid:
            continue
        try:
            pub.verify(blob[4:], text.encode())
        except InvalidSignature:
            return None
        good = True
    return text if good else None


def parse_checkpoint(text):
    origin, size, root = text.split("\n")[:3]
    return origin, int(size), base64.b64decode(root)


def py_verify_receipt(receipt, vkey_text):
    """Check a jifen-receipt/v1 (docs/transparency.md) without jifen.
    Returns (ok, reason)."""
    vkey = parse_vkey(vkey_text)
    head, _, notes = receipt.partition("\n\n")
    lines = head.split("\n")
    if lines[0] != "jifen-receipt/v1":
        return False, "header"
    fields = {}
    for ln, key in zip(lines[1:6], ("line", "quarter", "date", "objection_until", "index")):
        if not ln.startswith(key + " "):
            return False, key
        fields[key] = ln[len(key) + 1:]
    proof = [base64.b64decode(h) for h in lines[6:]]
    # split the two notes: the first ends after its signature lines
    nl = notes.split("\n")
    i = nl.index("") + 1
    while nl[i].startswith(DASH):
        i += 1
    ann_note, ledger_note = "\n".join(nl[:i]) + "\n", "\n".join(nl[i:])
    ltext, atext = open_note(ledger_note, vkey), open_note(ann_note, vkey)
    if not ltext or not atext:
        return False, "signature"
    lorigin, lsize, lroot = parse_checkpoint(ltext)
    aorigin, asize, aroot = parse_checkpoint(atext)
    if not lorigin.startswith(vkey[0] + "/") or aorigin != lorigin + "/" + fields["quarter"]:
        return False, "origin"
    data = (f"jifen-announcement/v1\norigin {lorigin}\nquarter {fields['quarter']}\n"
            f"date {fields['date']}\nobjection_until {fields['objection_until']}\n"
            f"ledger {lsize} {base64.b64encode(lroot).decode()}\nline {fields['line']}\n")
    if not verify_inclusion(int(fields["index"]), asize, leaf_hash(data.encode()), proof, aroot):
        return False, "inclusion"
    return True, ""


# ---- the ledger recomputed here (docs/ledger.md) ----------------------------------------

KEYS = ["village_id", "seq", "household_id", "kind", "item_id", "item_code", "version_id",
        "month", "date", "quantity", "points", "approval_id", "entry_id", "correction_of",
        "reason", "recorded_by", "note", "photo", "posted_at"]
INTS = {"village_id", "seq", "household_id", "item_id", "version_id", "quantity", "points",
        "approval_id", "entry_id", "correction_of", "posted_at"}


def encoding(e):
    out = b""
    for v in ["jifen-ledger-v1"] + [e[k] for k in KEYS] + ["end"]:
        b = str(v).encode() if isinstance(v, int) else (v or "").encode()
        out += str(len(b)).encode() + b":" + b + b"\n"
    return out


def entries(db, village="V1"):
    rows = db.sql("SELECT le.id, " + ", ".join(
        f"COALESCE(le.{k}, 0)" if k in INTS else f"le.{k}" for k in KEYS) +
        f" FROM ledger_entry le JOIN village v ON v.id = le.village_id WHERE v.code = '{village}'"
        " ORDER BY le.seq")
    out = []
    for r in rows:
        e = {"id": int(r[0])}
        for k, v in zip(KEYS, r[1:]):
            e[k] = int(v) if k in INTS else v
        out.append(e)
    return out


def mask(name):
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# ---- set-up --------------------------------------------------------------------------

def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def score_month(db, month, rows, approve=True, village="V1"):
    body = "household,item,date,quantity,note\n" + "".join(
        f"{h},{item},{month}-{day:02d},{q},{note}\n" for h, item, day, q, note in rows)
    cli_ok(db, "import", "entries", "--village", village, "--month", month,
           write(db, f"e-{village}-{month}.csv", body))
    if approve:
        cli_ok(db, "sheet", "approve", "--village", village, "--month", month,
               "--meeting-date", f"{month}-28", "--attendees", "两委", "--resolution", "同意")


def scan_qr(db, page_text, label):
    """The text of the QR image labelled label on a page, as a phone's
    scanner reads it: the PNG is read here with zlib (not by jifen's code),
    drawn 4 pixels a module and handed to zbarimg (zbar-tools)."""
    import re
    import struct
    import subprocess
    import zlib
    m = re.search(r'<img class="qr-px" width="(\d+)" height="(\d+)" alt="' + re.escape(label)
                  + r'" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page_text)
    check(m, f"an <img> of {label}")
    png = base64.b64decode(m.group(3))
    check(png[:8] == b"\x89PNG\r\n\x1a\n", "a PNG")
    pos, chunks, idat = 8, [], b""
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        eq(struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])[0], zlib.crc32(kind + data),
           f"{kind} CRC")
        chunks.append(kind)
        if kind == b"IHDR":
            side, side2, depth, colour = struct.unpack(">IIBB", data[:10])
            eq((side2, depth, colour), (side, 1, 0), "1-bit grayscale, square")
        idat += data if kind == b"IDAT" else b""
        pos += 12 + n
    eq(chunks, [b"IHDR", b"IDAT", b"IEND"])
    eq(int(m.group(1)) % side, 0, "a whole number of pixels a module")
    raw, stride = zlib.decompress(idat), 1 + (side + 7) // 8
    eq(len(raw), stride * side)
    k, rows = 4, []
    for y in range(side):
        row = raw[y * stride:(y + 1) * stride]
        eq(row[0], 0, "filter None")
        px = bytes(0 if row[1 + x // 8] & (0x80 >> x % 8) else 1 for x in range(side))
        big = b"\x00" + bytes(255 - 255 * p for p in px for _ in range(k))
        rows += [big] * k
    big_side = side * k
    out = b"\x89PNG\r\n\x1a\n"
    for kind, data in ((b"IHDR", struct.pack(">IIBBBBB", big_side, big_side, 8, 0, 0, 0, 0)),
                       (b"IDAT", zlib.compress(b"".join(rows))), (b"IEND", b"")):
        out += struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path = os.path.join(db.dir, "qr-scan.png")
    with open(path, "wb") as f:
        f.write(out)
    r = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", path], capture_output=True)
    eq(r.returncode, 0, f"zbarimg reads the code: {r.stderr!r}")
    return r.stdout.decode()  # -Sbinary: the bytes as they are, no newline added


def setup(db):
    town(db, villages=("V1",))
    jifentest.standard_and_households(db, "V1", HOUSEHOLDS)
    # a head with a longer name, one with two characters
    db.sql("UPDATE household SET head_name = '欧阳小明' WHERE code = 'H03'")
    db.sql("UPDATE household SET head_name = '李四' WHERE code = 'H04'")
    for month in ("2024-05", "2024-06"):
        score_month(db, month, [(h, "ZF05", 3 + i % 5, 1, "") for i, h in enumerate(HOUSEHOLDS)]
                    + [("H01", "PA01", 10, 1, "巡防记录"), ("H02", "ZF02", 11, 1, "当场查获")])


def vkey(db):
    return cli_ok(db, "key", "show").strip()


def announce_q2(db):
    return cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q2", "--date",
                  "2024-07-05")


def receipt(db, hh, quarter="2024-Q2"):
    return cli_ok(db, "receipt", "--village", "V1", "--quarter", quarter, "--household", hh)


def verify_receipt(db, text, key):
    path = write(db, "receipt.txt", text)
    return cli(db, "verify-receipt", path, "--key", key)


def log_records(db):
    path = db.key + ".log"
    return open(path, encoding="utf-8").read().count("\nsigned ") + 1 if os.path.exists(path) \
        and os.path.getsize(path) else 0


# ---- tests ----------------------------------------------------------------------------

def test_010_announce_lines_and_receipts(db):
    setup(db)
    out = announce_q2(db)
    key = vkey(db)
    name = key.split("+")[0]
    text = open_note(out, parse_vkey(key))
    check(text, f"announce prints a checkpoint signed by the key: {out}")
    origin, size, root = parse_checkpoint(text)
    eq(origin, name + "/V1", "the ledger checkpoint's origin")
    ents = entries(db)
    eq(size, len(ents), "the checkpoint covers the whole ledger")
    eq(root, mth([leaf_hash(encoding(e)) for e in ents]), "the root, recomputed here")
    # the lines against an independent computation
    heads = dict(db.sql("SELECT code, head_name FROM household"))
    hid = {code: int(i) for i, code in db.sql("SELECT id, code FROM household")}
    want = []
    for h in sorted(HOUSEHOLDS, key=lambda c: (len(c), c)):
        mine = [e for e in ents if e["household_id"] == hid[h]]
        q = sum(e["points"] for e in mine if "2024-04" <= e["month"] <= "2024-06")
        y = sum(e["points"] for e in mine if "2024-01" <= e["month"] <= "2024-06")
        want.append(f"{h},{mask(heads[h])},{q},{y},{sum(e['points'] for e in mine)}")
    got = cli_ok(db, "announcement", "--village", "V1", "--quarter", "2024-Q2")
    eq(got, "household,name,quarter_points,year_points,balance\n" + "\n".join(want) + "\n")
    check("欧**明" in got and "李*," in got and "户主1" not in got, "names masked")
    js = json.loads(cli_ok(db, "announcement", "--village", "V1", "--quarter", "2024-Q2",
                           "--format", "json"))
    eq(js["quarter"], "2024-Q2")
    eq(js["date"], "2024-07-05")
    eq(js["objection_until"], "2024-07-11", "7 days from the date, inclusive")
    eq(js["ledger"]["checkpoint"], out)
    eq(len(js["lines"]), len(HOUSEHOLDS))
    eq(js["announcement"]["households"], len(HOUSEHOLDS))
    # every receipt, by both verifiers
    sizes = []
    for h in HOUSEHOLDS:
        r = receipt(db, h)
        sizes.append(len(r.encode()))
        ok, why = py_verify_receipt(r, key)
        check(ok, f"{h}: the independent verifier accepts the receipt ({why})\n{r}")
        rc, o, err = verify_receipt(db, r, key)
        eq(rc, 0, f"{h}: jifen verify-receipt: {err}")
        check("回执有效" in o, o)
    # the key as a file works too
    rc, _, err = verify_receipt(db, receipt(db, "H01"), write(db, "town.pub", key + "\n"))
    eq(rc, 0, err)
    print(f"     receipt bytes for {len(HOUSEHOLDS)} households: {min(sizes)}-{max(sizes)}")
    out = cli_ok(db, "verify")
    check("检查点完好" in out, out)


def test_020_refusals(db):
    setup(db)
    before = log_records(db)
    args = ["announce", "--village", "V1", "--quarter", "2024-Q2"]
    rc, _, err = cli(db, *args, "--date", "2024-06-30")
    eq(rc, 1, err)
    check("还没有结束" in err, err)
    # a draft entry on a sheet of one of the quarter's months (Q3: a July draft)
    score_month(db, "2024-07", [("H05", "ZF05", 9, 1, "")], approve=False)
    rc, _, err = cli(db, "announce", "--village", "V1", "--quarter", "2024-Q3", "--date",
                     "2024-10-08")
    eq(rc, 1, err)
    check("2024-07" in err and "未经集体审定" in err, err)
    eq(db.sql("SELECT COUNT(*) FROM announcement"), [["0"]], "nothing written")
    eq(db.sql("SELECT COUNT(*) FROM ledger_checkpoint"), [["0"]], "nothing written")
    eq(log_records(db), before, "nothing signed")
    announce_q2(db)
    after = log_records(db)
    eq(after, before + 2, "one ledger checkpoint and one announcement signed")
    rc, _, err = cli(db, *args, "--date", "2024-07-06")
    eq(rc, 1, err)
    check("已在 2024-07-05 公示过" in err, err)
    eq(log_records(db), after, "nothing signed the second time")
    eq(db.sql("SELECT COUNT(*) FROM announcement"), [["1"]])
    for bad in (["--quarter", "2024-Q5"], ["--quarter", "2024Q2"]):
        rc, _, err = cli(db, "announce", "--village", "V1", *bad)
        eq(rc, 1, err)
    rc, _, err = cli(db, "announce", "--village", "V1")
    eq(rc, 2, err)
    rc, _, err = cli(db, "announce", "--village", "NOPE", "--quarter", "2024-Q2")
    eq(rc, 1, err)
    rc, _, err = cli(db, "receipt", "--village", "V1", "--quarter", "2024-Q2", "--household", "X9")
    eq(rc, 1, err)
    rc, _, err = cli(db, "announcement", "--village", "V1", "--quarter", "2024-Q1")
    eq(rc, 1, err)


def flip(s, at):
    """s with the base64 character at index at changed."""
    c = "A" if s[at] != "A" else "B"
    return s[:at] + c + s[at + 1:]


def test_030_tampered_receipts(db):
    setup(db)
    announce_q2(db)
    key = vkey(db)
    good = receipt(db, "H03")
    lines = good.split("\n")
    line = lines[1]
    fields = line.split(",")
    more = ",".join(fields[:2] + [str(int(fields[2]) + 1)] + fields[3:])
    proof_at = 6
    cases = {
        "points": good.replace(line, more, 1),
        "proof": "\n".join(lines[:proof_at] + [flip(lines[proof_at], 3)] + lines[proof_at + 1:]),
        "index": good.replace("\nindex 2\n", "\nindex 3\n", 1),
        "date": good.replace("\ndate 2024-07-05\n", "\ndate 2024-07-06\n", 1),
        "signature": None,
        "truncated": good[: good.index("\n\n")] + "\n",
    }
    sig_line = next(ln for ln in lines if ln.startswith(DASH))
    cases["signature"] = good.replace(sig_line, flip(sig_line, len(sig_line) - 10), 1)
    for what, bad in cases.items():
        ok, _ = py_verify_receipt(bad, key) if what != "truncated" else (False, "")
        check(not ok, f"{what}: the independent verifier refuses it")
        rc, _, err = verify_receipt(db, bad, key)
        eq(rc, 1, f"{what}: jifen verify-receipt refuses it: {err}")
        check(any(ord(ch) > 0x2e80 for ch in err), f"{what}: a Chinese message: {err}")
    # another key: a second deployment's
    other = jifentest.Db()
    try:
        cli_ok(other, "init")
        okey = vkey(other)
        check(okey != key)
        eq(py_verify_receipt(good, okey)[0], False, "another key: independent verifier")
        rc, _, err = verify_receipt(db, good, okey)
        eq(rc, 1, err)
        check("不是这把密钥" in err, err)
    finally:
        other.close()
    rc, _, err = verify_receipt(db, good, "not-a-key")
    eq(rc, 1, err)


def drop_triggers(db, tables):
    for t in tables:
        if db.pg_name:
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_update_delete ON {t}")
        else:
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_update")
            db.sql(f"DROP TRIGGER IF EXISTS {t}_no_delete")


def tree_row(leaves, level, tile, width):
    """The hashes column of ledger_tree's row (level, tile, width): the node
    hashes of that level (the MTH of 2^level leaves each) [16 tile, 16 tile +
    width), base64, no separator (docs/transparency.md)."""
    span = 1 << level
    return "".join(base64.b64encode(mth(leaves[k * span:(k + 1) * span])).decode()
                   for k in range(16 * tile, 16 * tile + width))


def tree_tiles(n):
    """(level, tile, width) of the widest rows of a tree of n leaves."""
    out = []
    for level in range(0, 64, 4):
        count = n >> level
        out += [(level, t, min(16, count - 16 * t)) for t in range((count + 15) // 16)]
    return out


def test_040_consistent_rewrite_is_caught(db):
    setup(db)
    announce_q2(db)
    eq(cli(db, "verify")[0], 0)
    # someone with the database: raise H02's deduction to a reward, recompute
    # everything the database holds, delete what was signed
    drop_triggers(db, ["ledger_entry", "ledger_tree", "ledger_checkpoint", "announcement",
                       "announcement_line", "checkpoint_cosignature"])
    ents = entries(db)
    victim = next(e for e in ents if e["item_code"] == "ZF02")
    db.sql(f"UPDATE ledger_entry SET points = 20 WHERE id = {victim['id']}")
    ents = entries(db)
    prev = "0" * 64
    for e in ents:
        h = hashlib.sha256(prev.encode() + encoding(e)).hexdigest()
        db.sql(f"UPDATE ledger_entry SET prev_hash = '{prev}', hash = '{h}' WHERE id = {e['id']}")
        prev = h
    vid = ents[0]["village_id"]
    db.sql(f"UPDATE ledger_head SET hash = '{prev}' WHERE village_id = {vid}")
    leaves = [leaf_hash(encoding(e)) for e in ents]
    for level, tile, width in db.sql("SELECT level, tile, width FROM ledger_tree"
                                     f" WHERE village_id = {vid}"):
        row = tree_row(leaves, int(level), int(tile), int(width))
        db.sql(f"UPDATE ledger_tree SET hashes = '{row}' WHERE village_id = {vid}"
               f" AND level = {level} AND tile = {tile} AND width = {width}")
    delta = 20 - victim["points"]
    db.sql(f"UPDATE household_balance SET balance = balance + {delta}"
           f" WHERE household_id = {victim['household_id']}")
    db.sql(f"UPDATE household_year SET points = points + {delta}"
           f" WHERE household_id = {victim['household_id']} AND year = 2024")
    # the chain and the tree are consistent again, but verify's anchors are
    # not: the entry's points are not its standard item's times the quantity
    # (t_verify_anchors.py; the checkpoint and signing-log checks that would
    # come next are test_checkpoint.c's, checkpoint-1xx)
    anchor = f"记 20 分，但标准项目 ZF02 是 {victim['points']} 分"
    rc, _, err = cli(db, "verify")
    eq(rc, 1, err)
    check(anchor in err, err)
    db.sql("DELETE FROM announcement_line")
    db.sql("DELETE FROM announcement_receipt")
    db.sql("DELETE FROM announcement")
    db.sql("DELETE FROM ledger_checkpoint")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, f"verify must refuse the rewritten ledger: {out}{err}")
    check(anchor in err, err)


def test_050_proofs(db):
    setup(db)
    ents = entries(db)
    leaves = [leaf_hash(encoding(e)) for e in ents]
    n = len(leaves)
    for seq, size in [(1, 1), (1, n), (n, n), (7, n - 3), (n // 2, n)]:
        out = cli_ok(db, "proof", "inclusion", "--village", "V1", "--seq", str(seq),
                     "--size", str(size)).split("\n")
        eq(out[0], f"size {size}")
        root = base64.b64decode(out[1].split(" ")[1])
        eq(root, mth(leaves[:size]), f"root at {size}")
        eq(out[2], f"index {seq - 1}")
        proof = [base64.b64decode(h) for h in out[3:] if h]
        check(verify_inclusion(seq - 1, size, leaves[seq - 1], proof, root),
              f"inclusion of {seq} in {size}")
        check(not verify_inclusion(seq - 1, size, leaves[seq % n], proof, root) or n == 1)
    for m, size in [(0, n), (1, n), (3, 7), (6, 7), (8, n), (n, n), (5, n - 1)]:
        out = cli_ok(db, "proof", "consistency", "--village", "V1", "--from", str(m),
                     "--to", str(size)).split("\n")
        old = out[0].split(" ")
        new = out[1].split(" ")
        eq((int(old[1]), int(new[1])), (m, size))
        rm, rn = base64.b64decode(old[2]), base64.b64decode(new[2])
        eq(rm, mth(leaves[:m]))
        eq(rn, mth(leaves[:size]))
        proof = [base64.b64decode(h) for h in out[2:] if h]
        check(verify_consistency(m, size, proof, rm, rn), f"consistency {m} → {size}")
        if proof:
            bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1])] + proof[1:]
            check(not verify_consistency(m, size, bad, rm, rn), "a flipped bit is refused")
    rc, _, err = cli(db, "proof", "inclusion", "--village", "V1", "--seq", str(n + 1))
    eq(rc, 1, err)
    rc, _, err = cli(db, "proof", "consistency", "--village", "V1", "--from", "5", "--to", "4")
    eq(rc, 1, err)
    rc, _, err = cli(db, "proof", "sideways", "--village", "V1")
    eq(rc, 2, err)


def sign_note(keyfile, text):
    """A signed note of text by the deployment key in keyfile (a forger
    holding the key: what the witness must catch)."""
    _, _, name, kid, b = open(keyfile).read().strip().split("+", 4)
    raw = base64.b64decode(b)
    sk = Ed25519PrivateKey.from_private_bytes(raw[1:])
    sig = sk.sign(text.encode())
    return text + "\n" + DASH + name + " " + base64.b64encode(bytes.fromhex(kid) + sig).decode() + "\n"


def test_060_witness(db):
    setup(db)
    announce_q2(db)
    wkey = os.path.join(db.dir, "district.key")
    state = os.path.join(db.dir, "district.state")
    wpub = cli_ok(db, "witness", "init", "--key", wkey, "--name", "district.example/witness").strip()
    eq(cli_ok(db, "witness", "show", "--key", wkey).strip(), wpub)
    check(base64.b64decode(wpub.split("+", 2)[2])[0] == 4, "a cosignature/v1 key")
    key = vkey(db)
    logkey = write(db, "log.pub", key + "\n")
    req = write(db, "req1.txt", cli_ok(db, "witness", "request", "--village", "V1", "--old", "0"))

    def cosign(path):
        return cli(db, "witness", "cosign", "--key", wkey, "--state", state, "--log-key",
                   logkey, path)

    rc, line, err = cosign(req)
    eq(rc, 0, err)
    check(line.startswith(DASH + "district.example/witness "), line)
    size1 = int(db.sql("SELECT ledger_size FROM announcement")[0][0])
    # the cosignature/v1 signature checked here
    blob = base64.b64decode(line.split(" ", 2)[2])
    ts = int.from_bytes(blob[4:12], "big")
    pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(wpub.split("+", 2)[2])[1:])
    cp_text = open_note(open(req, encoding="utf-8").read().split("\n\n", 1)[1], parse_vkey(key))
    pub.verify(blob[12:], f"cosignature/v1\ntime {ts}\n".encode() + cp_text.encode())
    # attach it to the Q2 announcement
    cli_ok(db, "announcement", "cosign", "--village", "V1", "--quarter", "2024-Q2",
           "--witness-key", wpub, write(db, "cosig.txt", line))
    js = json.loads(cli_ok(db, "announcement", "--village", "V1", "--quarter", "2024-Q2",
                           "--format", "json"))
    eq([c["witness"] for c in js["ledger"]["cosignatures"]], ["district.example/witness"])
    check(line in js["ledger"]["checkpoint"], "the checkpoint carries the cosignature")
    r = receipt(db, "H01")
    check(line in r, "the receipt carries the cosignature")
    eq(verify_receipt(db, r, key)[0], 0)
    check(py_verify_receipt(r, key)[0])
    # a cosignature that does not verify is not attached
    rc, _, err = cli(db, "announcement", "cosign", "--village", "V1", "--quarter", "2024-Q2",
                     "--witness-key", wpub, write(db, "bad.txt", flip(line, len(line) - 8)))
    eq(rc, 1, err)
    # the next quarter: July scored, Q3 announced; cosigned from the state
    score_month(db, "2024-07", [("H05", "ZF05", 9, 1, ""), ("H06", "ZF01", 9, 1, "")])
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q3", "--date", "2024-10-08")
    size2 = int(db.sql("SELECT MAX(ledger_size) FROM announcement")[0][0])
    check(size2 > size1)
    body = cli_ok(db, "witness", "request", "--village", "V1", "--old", str(size1))
    # refused: a wrong old size, a bad proof, another log key
    rc, _, err = cosign(write(db, "r-old.txt", body.replace(f"old {size1}", "old 0", 1)))
    eq(rc, 1, err)
    blines = body.split("\n")
    rc, _, err = cosign(write(db, "r-proof.txt", "\n".join(
        blines[:1] + [flip(blines[1], 5)] + blines[2:])))
    eq(rc, 1, err)
    check("不一致" in err, err)
    other = jifentest.Db()
    try:
        cli_ok(other, "init")
        rc, _, err = cli(db, "witness", "cosign", "--key", wkey, "--state", state, "--log-key",
                         vkey(other), write(db, "r2.txt", body))
        eq(rc, 1, err)
    finally:
        other.close()
    # a split view: the log's key signs another tree of the same size as Q3
    _, _, root2 = parse_checkpoint(body.split("\n\n", 1)[1])
    fake_root = hashlib.sha256(b"another history").digest()
    origin = key.split("+")[0] + "/V1"
    fake = sign_note(db.key, f"{origin}\n{size2}\n{base64.b64encode(fake_root).decode()}\n")
    proof_part = body.split("\n\n", 1)[0]
    rc, _, err = cosign(write(db, "r-split.txt", proof_part + "\n\n" + fake))
    eq(rc, 1, f"split view refused: {err}")
    # the honest request is still cosigned
    rc, line2, err = cosign(write(db, "r-good.txt", body))
    eq(rc, 0, err)
    # and the same size again, but a different root: refused
    body2 = f"old {size2}\n\n" + fake
    rc, _, err = cosign(write(db, "r-fork.txt", body2))
    eq(rc, 1, err)
    st = open(state).read()
    check(f"{origin} {size2} " in st, st)


def test_070_backfill(db):
    setup(db)
    n = int(db.sql("SELECT COUNT(*) FROM ledger_entry")[0][0])
    eq(int(db.sql("SELECT MAX(tile * 16 + width) FROM ledger_tree WHERE level = 0")[0][0]), n)
    leaves = [leaf_hash(encoding(e)) for e in entries(db)]
    rows = db.sql("SELECT level, tile, width, hashes FROM ledger_tree ORDER BY level, tile, width")
    check(len(rows) >= len(tree_tiles(n)))
    for level, tile, width, hashes in rows:
        eq(hashes, tree_row(leaves, int(level), int(tile), int(width)),
           f"row {level}/{tile}/{width}, recomputed here")
    # a ledger from before schema 011: no rows, migration 011 not recorded
    db.sql("DELETE FROM schema_version WHERE version = 11")
    # objection (schema 015) refers to announcement: PostgreSQL drops that
    # foreign key with CASCADE, SQLite does not check it on DROP TABLE
    cascade = " CASCADE" if jifentest.BACKEND == "postgresql" else ""
    for t in ("announcement_line", "announcement", "checkpoint_cosignature",
              "ledger_checkpoint", "ledger_tree"):
        db.sql(f"DROP TABLE {t}{cascade}")
    cli_ok(db, "balances", "--village", "V1")  # any command migrates
    want = [[str(lv), str(t), str(w), tree_row(leaves, lv, t, w)] for lv, t, w in tree_tiles(n)]
    eq(db.sql("SELECT level, tile, width, hashes FROM ledger_tree ORDER BY level, tile, width"),
       want, "backfilled by the migration, one row a tile")
    announce_q2(db)
    eq(cli(db, "verify")[0], 0)


def api_client(s, login):
    c = s.client()
    c.login(login)
    c.csrf = c.get("/api/v1/session").json()["csrf"]
    return c


def post_json(c, path, obj):
    return c.request("POST", path, body=json.dumps(obj),
                     headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})


def test_080_api(db):
    setup(db)
    announce_q2(db)
    key = vkey(db)
    s = jifentest.Server(db)
    try:
        anon = s.client()
        r = anon.get("/api/v1/key")
        eq((r.status, r.text), (200, key + "\n"))
        r = anon.get("/api/v1/villages/V1/announcements")
        eq(r.status, 200, r.text)
        eq([a["quarter"] for a in r.json()["announcements"]], ["2024-Q2"])
        check("lines" not in r.json()["announcements"][0])
        r = anon.get("/api/v1/villages/V1/announcements/2024-Q2")
        eq(r.status, 200, r.text)
        eq(r.json(), json.loads(cli_ok(db, "announcement", "--village", "V1", "--quarter",
                                       "2024-Q2", "--format", "json")))
        for bad in ("2024-Q1", "2024-Q9", "x"):
            eq(anon.get(f"/api/v1/villages/V1/announcements/{bad}").status, 404, bad)
        r = anon.get("/api/v1/villages/V1/announcements/2024-Q2/receipts/H05")
        eq(r.status, 200, r.text)
        eq(r.text, receipt(db, "H05"))
        check(py_verify_receipt(r.text, key)[0])
        eq(anon.get("/api/v1/villages/V1/announcements/2024-Q2/receipts/X1").status, 404)
        r = anon.get("/api/v1/villages/V1/checkpoint")
        eq(r.status, 200)
        check(open_note(r.text, parse_vkey(key)), r.text)
        cps = anon.get("/api/v1/villages/V1/checkpoints").json()["checkpoints"]
        eq(len(cps), 1)
        size = cps[0]["size"]
        leaves = [leaf_hash(encoding(e)) for e in entries(db)]
        r = anon.get(f"/api/v1/villages/V1/proofs/consistency?from=0&to={size}")
        eq(r.status, 200, r.text)
        eq(base64.b64decode(r.json()["to_root"]), mth(leaves))
        eq(anon.get("/api/v1/villages/V1/proofs/consistency?from=3").status, 404,
           "only between signed checkpoints")
        eq(anon.get("/api/v1/villages/V1/proofs/inclusion?seq=1").status, 401)
        admin = api_client(s, "V1-admin")
        r = admin.get("/api/v1/villages/V1/proofs/inclusion?seq=5")
        eq(r.status, 200, r.text)
        js = r.json()
        check(verify_inclusion(4, js["size"], leaves[4], [base64.b64decode(h) for h in js["proof"]],
                               base64.b64decode(js["root"])))
        eq(admin.get("/api/v1/villages/V1/proofs/inclusion").status, 400)
        eq(admin.get(f"/api/v1/villages/V1/proofs/inclusion?seq={size + 1}").status, 400)
        # announcing through the API: refused, then done
        r = post_json(admin, "/api/v1/villages/V1/announcements", {"quarter": "2024-Q2"})
        eq(r.status, 400, r.text)
        check("公示过" in r.json()["error"], r.text)
        score_month(db, "2024-07", [("H05", "ZF05", 9, 1, "")])
        r = post_json(admin, "/api/v1/villages/V1/announcements",
                      {"quarter": "2024-Q3", "date": "2024-10-08"})
        eq(r.status, 201, r.text)
        eq(r.json()["quarter"], "2024-Q3")
        r2 = anon.get("/api/v1/villages/V1/proofs/consistency?from=%d" % size)
        eq(r2.status, 200, r2.text)
        js = r2.json()
        check(verify_consistency(size, js["to"], [base64.b64decode(h) for h in js["proof"]],
                                 base64.b64decode(js["from_root"]), base64.b64decode(js["to_root"])))
        # a witness's cosignature through the API
        wkey = os.path.join(db.dir, "w.key")
        wpub = cli_ok(db, "witness", "init", "--key", wkey, "--name", "w.example").strip()
        req = write(db, "req.txt", cli_ok(db, "witness", "request", "--village", "V1", "--old", "0"))
        line = cli_ok(db, "witness", "cosign", "--key", wkey, "--state",
                      os.path.join(db.dir, "w.state"), "--log-key", key, req)
        r = post_json(admin, "/api/v1/villages/V1/announcements/2024-Q3/cosignatures",
                      {"witness_key": wpub, "cosignature": line})
        eq((r.status, r.json()), (200, {"added": 1}), r.text)
        js = anon.get("/api/v1/villages/V1/announcements/2024-Q3").json()
        eq([c["witness"] for c in js["ledger"]["cosignatures"]], ["w.example"])
        r = post_json(admin, "/api/v1/villages/V1/announcements/2024-Q3/cosignatures",
                      {"witness_key": wpub, "cosignature": flip(line, len(line) - 9)})
        eq(r.status, 400, r.text)
        other = api_client(s, "V1-scorer")
        eq(post_json(other, "/api/v1/villages/V1/announcements", {"quarter": "2024-Q4"}).status,
           403)
    finally:
        s.stop()


def test_090_card_and_passbook_show_the_receipt(db):
    import html as htmlmod
    import re
    setup(db)
    s = jifentest.Server(db)
    try:
        admin = s.client()
        admin.login("V1-admin")
        hid = db.sql("SELECT id FROM household WHERE code = 'H02'")[0][0]
        page = admin.get(f"/v/V1/households/{hid}/card")
        eq(page.status, 200)
        check("公示回执" not in page.text, "no receipt before the first announcement")
        announce_q2(db)
        want = receipt(db, "H02")
        for path in (f"/v/V1/households/{hid}/card",):
            page = admin.get(path)
            eq(page.status, 200)
            eq(scan_qr(db, page.text, "公示回执二维码"), want, "the QR code scans to the receipt")
            m = re.search(r"<pre>(.*?)</pre>", page.text, re.S)
            check(m, "the receipt's text")
            eq(htmlmod.unescape(m.group(1)), want)
        # the household's own passbook, logged in with its PIN
        r = admin.post(f"/v/V1/households/{hid}/pin", {})
        pin = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
        h = s.client()
        h.get("/passbook/login")
        r = h.post("/passbook/login", {"village": "V1", "household": "H02", "pin": pin})
        eq(r.status, 303)
        page = h.get("/passbook")
        eq(page.status, 200)
        m = re.search(r"<pre>(.*?)</pre>", page.text, re.S)
        check(m and htmlmod.unescape(m.group(1)) == want, "the passbook shows the receipt")
        eq(scan_qr(db, page.text, "公示回执二维码"), want, "the passbook's QR code scans to it")
    finally:
        s.stop()


def test_100_receipt_size_of_a_large_village(db):
    town(db, villages=("zhangma",))
    cli_ok(db, "import", "standard", "--village", "zhangma", jifentest.SAMPLE_STANDARD,
           "--adopted", "2024-04-01", "--effective", "2024-04-01")
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "建国秀英志强玉兰明华海林雪梅国庆春生"
    rows = ["code,head_name,hukou,homestead,resident,joined"]
    for i in range(2000):
        name = surnames[i % 20] + given[i % 17] + given[(i * 7 + 3) % 18]
        rows.append(f"zhangma-{i + 1:04d},{name},是,是,是,2024-04-01")
    cli_ok(db, "import", "households", "--village", "zhangma",
           write(db, "hh2000.csv", "\n".join(rows) + "\n"))
    for month in ("2024-04", "2024-05", "2024-06"):
        score_month(db, month, [(f"zhangma-{i:04d}", "ZF05", 5, 1, "") for i in range(1, 2001, 3)],
                    village="zhangma")
    cli_ok(db, "announce", "--village", "zhangma", "--quarter", "2024-Q2", "--date", "2024-07-05")
    key = vkey(db)
    sizes = []
    for i in (1, 2, 1000, 1999, 2000):
        r = cli_ok(db, "receipt", "--village", "zhangma", "--quarter", "2024-Q2", "--household",
                   f"zhangma-{i:04d}")
        sizes.append(len(r.encode()))
        check(py_verify_receipt(r, key)[0], r)
        eq(verify_receipt(db, r, key)[0], 0)
    print(f"     receipt bytes, 2,000 households (origin {key.split('+')[0]}): "
          f"{min(sizes)}-{max(sizes)}")
    check(max(sizes) < 1200, f"receipts of {sizes} bytes")
    s = jifentest.Server(db)
    try:
        admin = s.client()
        admin.login("zhangma-admin")
        hid = db.sql("SELECT id FROM household WHERE code = 'zhangma-2000'")[0][0]
        page = admin.get(f"/v/zhangma/households/{hid}/card")
        want = cli_ok(db, "receipt", "--village", "zhangma", "--quarter", "2024-Q2",
                      "--household", "zhangma-2000")
        eq(scan_qr(db, page.text, "公示回执二维码"), want, "the receipt fits a QR code that scans")
    finally:
        s.stop()


if __name__ == "__main__":
    jifentest.main(globals())
