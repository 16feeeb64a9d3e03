"""t_quotas — nothing one client sends fills the disk (issue 11, finding 3):

  010  a household's declarations per 24 hours are capped (security
       policy declarations_per_day), with a Chinese refusal; another
       household is not affected
  020  an account's photos per 24 hours, by count and by bytes
       (photos_per_day, photo_mb_per_day); another account is not affected
  030  photos are dimension-checked from their headers: a 20000×10000 PNG
       of a few hundred bytes (200 MB of pixels) and a 48-megapixel one are
       refused, a JPEG whose frame header says 12000 wide too; ordinary
       sizes pass
  040  anonymous security events are aggregated: 300 CSRF-less anonymous
       POSTs write one audit row per address and minute, their number in
       audit_tally; a logged-in user's long denied path is cut to 256 bytes
  050  a full disk (SQLite on a 2 MB tmpfs): the web answers 503 with a
       Chinese page and Retry-After, the CLI prints 磁盘已满 (exit 3), and
       both work again once there is room
  060  a backup onto a full disk fails with 磁盘已满 and leaves no file
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from t_access_matrix import api_csrf, household, set_pin  # noqa: E402


def png(width=1, height=1, seed=0, pad=0):
    """A PNG whose IHDR says width×height (the pixels are not all there:
    nothing here decodes them), seed varying its bytes, pad bytes more."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes([0, seed & 255, seed >> 8 & 255, 0])) +
                  os.urandom(pad)) + chunk(b"IEND", b""))


def jpeg(width, height):
    """A JPEG's header up to its frame header (SOF0) saying width×height."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def village(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01", "H02"])


def upload(c, data):
    return c.request("POST", "/api/v1/villages/V1/evidence", body=data,
                     headers={"Content-Type": "image/png", "X-CSRF-Token": c.csrf})


def error_text(r):
    try:
        return str(r.json())
    except ValueError:
        return r.text


def test_010_declarations_per_household(db):
    village(db)
    cli_ok(db, "config", "set", "declarations_per_day", "3")
    s = J.Server(db)
    try:
        admin = s.client()
        admin.login("V1-admin")
        ids = dict(db.sql("SELECT code, id FROM household"))
        pins = {code: set_pin(admin, "V1", ids[code]) for code in ("H01", "H02")}
        h1 = household(s, "V1", "H01", pins["H01"])
        for i in range(3):
            h1.get("/passbook/declare")
            r = h1.post("/passbook/declare", {"date": J.time.strftime("%Y-%m-%d"),
                                              "note": f"好事{i}", "item": ""})
            eq(r.status, 303, f"declaration {i + 1}: {r.text[:300]}")
        h1.get("/passbook/declare")
        r = h1.post("/passbook/declare", {"date": J.time.strftime("%Y-%m-%d"), "note": "第四次",
                                          "item": ""})
        check(r.status in (200, 400) and "每天最多 3 次" in r.text, f"fourth refused: {r.status}")
        eq(db.sql("SELECT COUNT(*) FROM declaration")[0][0], "3", "three stored")
        h2 = household(s, "V1", "H02", pins["H02"])
        h2.get("/passbook/declare")
        eq(h2.post("/passbook/declare", {"date": J.time.strftime("%Y-%m-%d"), "note": "另一户",
                                         "item": ""}).status, 303, "another household")
    finally:
        s.stop()


def test_020_photos_per_account(db):
    village(db)
    cli_ok(db, "config", "set", "photos_per_day", "2")
    cli_ok(db, "config", "set", "photo_mb_per_day", "1")
    s = J.Server(db)
    try:
        sc = s.client()
        sc.login("V1-scorer")
        api_csrf(sc)
        eq(upload(sc, png(seed=1)).status, 201, "first photo")
        eq(upload(sc, png(seed=2)).status, 201, "second photo")
        r = upload(sc, png(seed=3))
        eq(r.status, 400, "third photo of the day")
        check("每天最多 2 张" in error_text(r), error_text(r))
        cli_ok(db, "config", "set", "photos_per_day", "100")
        eq(upload(sc, png(seed=4, pad=600 * 1024)).status, 201, "600 KB")
        r = upload(sc, png(seed=5, pad=600 * 1024))
        eq(r.status, 400, "1.2 MB in a day")
        check("每天最多 1 MB" in error_text(r), error_text(r))
        ad = s.client()
        ad.login("V1-admin")
        api_csrf(ad)
        eq(upload(ad, png(seed=6, pad=600 * 1024)).status, 201, "another account")
    finally:
        s.stop()


def test_030_dimensions(db):
    village(db)
    s = J.Server(db)
    try:
        sc = s.client()
        sc.login("V1-scorer")
        api_csrf(sc)
        for name, data, ok in (("20000×10000 PNG", png(20000, 10000), False),
                               ("8000×6000 PNG (48 MP)", png(8000, 6000, seed=1), False),
                               ("10001×10 PNG", png(10001, 10, seed=2), False),
                               ("6000×6000 PNG (36 MP)", png(6000, 6000, seed=3), True),
                               ("12000×100 JPEG", jpeg(12000, 100), False),
                               ("4000×3000 JPEG", jpeg(4000, 3000), True),
                               ("JPEG without a frame header", b"\xff\xd8\xff\xd9", False)):
            r = upload(sc, data)
            eq(r.status, 201 if ok else 400, f"{name}: {error_text(r)}")
            if not ok:
                check("尺寸" in error_text(r), f"{name}: names the size: {error_text(r)}")
        eq(db.sql("SELECT COUNT(*) FROM evidence")[0][0], "2", "only the two stored")
    finally:
        s.stop()


def test_040_anonymous_events_aggregated(db):
    village(db)
    s = J.Server(db)
    try:
        c = s.client()
        before = int(db.sql("SELECT COUNT(*) FROM audit")[0][0])
        for _ in range(300):
            r = c.request("POST", "/login", body="login=V1-admin&password=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            check(r.status in (400, 403), f"CSRF-less POST: {r.status}")
        rows = db.sql("SELECT action, COUNT(*) FROM audit WHERE id > 0 GROUP BY action")
        added = int(db.sql("SELECT COUNT(*) FROM audit")[0][0]) - before
        check(added <= 4, f"300 anonymous events wrote {added} audit rows: {rows}")
        tally = db.sql("SELECT SUM(count) FROM audit_tally")[0][0]
        eq(tally, "300", "counted")
        sc = s.client()
        sc.login("V1-scorer")
        # 27 KB, the size of the path that was logged whole (issue 11); a longer
        # one outgrows libmicrohttpd's connection pool, which answers before
        # the client has sent it all (a broken pipe, by timing)
        long = "/v/V1/" + urllib.parse.quote("长") * 3000
        r = sc.request("POST", long, body="a=1",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(r.status >= 400, f"long path: {r.status}")
        sizes = db.sql("SELECT MAX(LENGTH(after_json) + LENGTH(object)) FROM audit")
        check(int(sizes[0][0]) < 1000, f"every logged text bounded: {sizes}")
    finally:
        s.stop()


class Tmpfs:
    """A tmpfs of size at a new folder (root only; the test is skipped
    visibly without it)."""

    def __init__(self, size):
        self.dir = tempfile.mkdtemp(prefix="jifen-full-")
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", self.dir],
                           capture_output=True, text=True)
        self.ok = p.returncode == 0
        self.why = p.stderr.strip()

    def fill(self):
        subprocess.run(["dd", "if=/dev/zero", f"of={self.dir}/fill", "bs=4k"],
                       capture_output=True)

    def unfill(self):
        os.unlink(f"{self.dir}/fill")

    def close(self):
        if self.ok:
            subprocess.run(["umount", "-l", self.dir], capture_output=True)
        os.rmdir(self.dir)


def skip(why):
    print(f"SKIP ({why})", flush=True)


def test_050_full_disk(db):
    if db.pg_name:
        return skip("a full disk is tested on SQLite, where the file is the test's")
    fs = Tmpfs("2m")
    if not fs.ok:
        fs.close()
        return skip("mount -t tmpfs failed: " + fs.why)
    try:
        db.url = os.path.join(fs.dir, "jifen.db")
        village(db)
        s = J.Server(db)
        try:
            c = s.client()
            c.login("V1-admin")
            subprocess.run(["sqlite3", db.url, "PRAGMA wal_checkpoint(TRUNCATE)"],
                           check=True, capture_output=True)
            fs.fill()
            r = s.client()
            r.get("/login")
            resp = r.post("/login", {"login": "V1-admin", "password": J.PASSWORD})
            eq(resp.status, 503, f"login on a full disk: {resp.text[:300]}")
            check("磁盘已满" in resp.text, resp.text[:300])
            eq(resp.header("Retry-After"), "60")
            rc, out, err = cli(db, "village", "add", "V9", "九村")
            eq(rc, 3, f"CLI on a full disk: {err}")
            check("磁盘已满" in err and "database or disk is full" not in err.split("（")[0], err)
            fs.unfill()
            eq(s.client().login("V1-admin").status, 303, "room again: login works")
            cli_ok(db, "village", "add", "V9", "九村")
        finally:
            s.stop()
    finally:
        fs.close()


def test_060_backup_onto_full_disk(db):
    if db.pg_name:
        return skip("PostgreSQL is backed up with pg_dump")
    village(db)
    fs = Tmpfs("64k")
    if not fs.ok:
        fs.close()
        return skip("mount -t tmpfs failed: " + fs.why)
    try:
        target = os.path.join(fs.dir, "copy.db")
        rc, out, err = cli(db, "backup", target)
        eq(rc, 3, f"backup onto a 64 KB disk: {out} {err}")
        check("磁盘已满" in err, err)
        eq(os.listdir(fs.dir), [], "no partial file left")
        ok = os.path.join(db.dir, "copy.db")
        cli_ok(db, "backup", ok)
        check(re.search(r"台账完好", subprocess.run([J.BIN, "--db", ok, "verify"],
                                                  capture_output=True, text=True).stdout),
              "the copy verifies")
    finally:
        fs.close()


if __name__ == "__main__":
    J.main(globals())
