"""Several `jifen serve` instances on one database (issue 4): logins on one,
approvals on the other — of the same village at the same moment — and
reads on both, concurrently; then the hash chain verifies and every
household's balance equals an independent sum of the scored entries.

Runs on both backends: on PostgreSQL this is the district set-up behind a
load balancer; on SQLite two processes share one WAL file."""
import os
import random
import threading

import jifentest as J
from jifentest import cli, cli_ok, eq, check

# items without caps or evidence, with their points
ITEMS = {"PA03": 10, "YF01": 5, "YF05": 10, "CW01": 2, "CW05": 3, "RK01": None}
ITEMS = {k: v for k, v in ITEMS.items() if v}
MONTHS = ["2024-06", "2024-07", "2024-08", "2024-09"]


def setup_town(db, tmp):
    J.town(db, villages=("V1", "V2"))
    expected = {}
    for v in ("V1", "V2"):
        J.standard_and_households(db, v, [f"{v}-{i:03d}" for i in range(1, 41)],
                                  meeting="村民代表会议")
        rnd = random.Random(v)
        for m in MONTHS:
            path = os.path.join(tmp, f"e-{v}-{m}.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("household,item,quantity,date\n")
                for i in range(1, 41):
                    for _ in range(rnd.randint(0, 3)):
                        item = rnd.choice(sorted(ITEMS))
                        q = rnd.randint(1, 2)
                        code = f"{v}-{i:03d}"
                        f.write(f"{code},{item},{q},{m}-{rnd.randint(1, 28):02d}\n")
                        expected[code] = expected.get(code, 0) + ITEMS[item] * q
            cli_ok(db, "import", "entries", "--village", v, "--month", m, path)
    return expected


def test_100_two_instances(db):
    expected = setup_town(db, db.dir)
    a, b = J.Server(db), J.Server(db)
    errors = []
    try:
        def approve(server, village, month):
            try:
                c = server.client()
                c.login(f"{village}-admin")
                c.get(f"/v/{village}/sheets/{month}")
                r = c.post(f"/v/{village}/sheets/{month}/submit", {})
                if r.status != 303:
                    errors.append(f"submit {village} {month}: {r.status}")
                r = c.post(f"/v/{village}/sheets/{month}/approve",
                           {"meeting_date": "2024-10-08", "attendees": "村两委全体",
                            "resolution": "同意"})
                if r.status != 303:
                    errors.append(f"approve {village} {month} on {server.port}: {r.status} {r.text[:300]}")
            except Exception as e:  # noqa: BLE001 — reported below
                errors.append(f"approve {village} {month}: {e!r}")

        def logins(server, n):
            try:
                for _ in range(n):
                    c = server.client()
                    c.login("V2-scorer")
                    if c.get("/v/V2").status != 200:
                        errors.append("page after login failed")
            except Exception as e:  # noqa: BLE001
                errors.append(f"logins: {e!r}")

        def reads(server, n):
            try:
                c = server.client()
                c.login("admin")
                for _ in range(n):
                    for v in ("V1", "V2"):
                        if c.get(f"/v/{v}/balances").status != 200:
                            errors.append("balances read failed")
            except Exception as e:  # noqa: BLE001
                errors.append(f"reads: {e!r}")

        threads = []
        # both instances approve months of the same villages at once
        for i, m in enumerate(MONTHS):
            for v in ("V1", "V2"):
                threads.append(threading.Thread(target=approve, args=(a if i % 2 else b, v, m)))
        threads += [threading.Thread(target=logins, args=(a, 4)),
                    threading.Thread(target=reads, args=(a, 10)),
                    threading.Thread(target=reads, args=(b, 10))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        eq(errors, [], "concurrent requests")
        # a session made on one instance is good on the other
        c = a.client()
        c.login("V1-admin")
        c2 = b.client()
        c2.cookies = dict(c.cookies)
        eq(c2.get("/v/V1").status, 200, "session shared between instances")
    finally:
        a.stop()
        b.stop()
    rc, out, err = cli(db, "verify")
    eq(rc, 0, f"verify after concurrent approvals: {out} {err}")
    for v in ("V1", "V2"):
        rows = cli_ok(db, "balances", "--village", v).splitlines()[1:]
        got = {r.split(",")[0]: int(r.split(",")[2]) for r in rows}
        want = {k: expected.get(k, 0) for k in got}
        eq(got, want, f"balances of {v}")
    # one unbroken chain per village: sequence numbers 1..N without gaps
    for v in ("V1", "V2"):
        seqs = [int(r[0]) for r in db.sql(
            "SELECT e.seq FROM ledger_entry e JOIN village v ON v.id = e.village_id"
            f" WHERE v.code = '{v}' ORDER BY e.seq")]
        eq(seqs, list(range(1, len(seqs) + 1)), f"chain of {v}")


if __name__ == "__main__":
    J.main(globals())
