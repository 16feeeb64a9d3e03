"""`jifen backup` while the server is under write load (issue 6): the copy
opens, verifies, and — restored in place of the database — serves, with
every write it holds intact.

SQLite only: on PostgreSQL backups are pg_dump's job (`jifen backup` prints
the exact command; t_auth.py checks that), so the _pg variant skips."""
import json
import os
import shutil
import sys
import threading
import time

import jifentest as J
from jifentest import cli, cli_ok, eq, check



def test_100_backup_under_load_and_restore(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", [f"H{i:02d}" for i in range(1, 21)])
    s = J.Server(db)
    stop = threading.Event()
    written = []
    try:
        c = s.client()
        c.login("V1-admin")
        csrf = c.get("/api/v1/session").json()["csrf"]

        def writer():
            n = 0
            while not stop.is_set():
                n += 1
                body = {"household": f"H{n % 20 + 1:02d}", "item": "CW01", "quantity": 1,
                        "date": "2024-06-15", "note": f"load-{n}"}
                r = c.request("POST", "/api/v1/villages/V1/sheets/2024-06/entries",
                              body=json.dumps(body),
                              headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
                if r.status == 201:
                    written.append(n)

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(0.5)
        copies = []
        for k in range(3):
            path = os.path.join(db.dir, f"copy{k}.db")
            rc, out, err = cli(db, "backup", path)
            eq(rc, 0, f"backup under load: {err}")
            copies.append(path)
            time.sleep(0.2)
        stop.set()
        t.join()
        check(len(written) > 20, f"writes went on during the backups ({len(written)})")
    finally:
        stop.set()
        s.stop()
    for path in copies:
        copy = J.Db.__new__(J.Db)
        copy.pg_name, copy.url, copy.dir = None, path, db.dir
        eq(copy.sql("PRAGMA integrity_check"), [["ok"]])
        eq(cli(copy, "verify")[0], 0, f"{path} verifies")
        n = int(copy.sql("SELECT COUNT(*) FROM entry WHERE note LIKE 'load-%'")[0][0])
        check(0 < n <= len(written), f"{path} holds {n} of {len(written)} writes")
    # restore: the server stopped, the copy put in the database's place
    # (with the old WAL files removed), and it serves and approves
    last = copies[-1]
    held = copy.sql("SELECT COUNT(*) FROM entry")
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db.url + ext):
            os.remove(db.url + ext)
    shutil.copy(last, db.url)
    eq(db.sql("SELECT COUNT(*) FROM entry"), held)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        eq(c.get("/v/V1/sheets/2024-06").status, 200)
    finally:
        s.stop()
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", "2024-06", "--meeting-date",
           "2024-07-02", "--attendees", "两委", "--resolution", "同意")
    eq(cli(db, "verify")[0], 0)


if __name__ == "__main__":
    if J.BACKEND != "sqlite":
        print("jifen backup copies SQLite files; PostgreSQL is backed up with pg_dump")
        print("0 passed, 0 failed, 1 skipped")
        sys.exit(0)
    J.main(globals())
