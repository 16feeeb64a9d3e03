"""Crash safety (issue 6): `jifen serve` is killed with SIGKILL at random
moments while a client records entries, approves sheets and posts
corrections through the API, and restarted.  Every write carries an
Idempotency-Key, and the client retries each one until it is acknowledged,
as a phone on a bad connection would.  After every round `jifen verify`
passes, and in the end every write is there exactly once: nothing lost,
nothing doubled."""
import json
import random
import signal
import socket
import subprocess
import threading
import time

import jifentest as J
from jifentest import cli, cli_ok, eq, check

ITEMS = {"PA03": 10, "YF01": 5, "YF05": 10, "CW01": 2, "CW05": 3}
MONTHS = ["2024-06", "2024-07", "2024-08", "2024-09"]
ROUNDS = 4


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Crashy:
    """A server on a fixed port that a killer thread SIGKILLs and restarts."""

    def __init__(self, db):
        self.db, self.port, self.proc = db, free_port(), None
        self.kills = 0
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [J.BIN, "--db", self.db.url, "serve", "--listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("server did not come back")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def killer(self, stop, rnd):
        while not stop.is_set():
            time.sleep(rnd.uniform(0.02, 0.2))
            if stop.is_set():
                break
            self.kill()
            time.sleep(rnd.uniform(0, 0.1))
            self.start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Retrying:
    """An API client that retries a write with the same key until it gets an
    answer; the session cookie survives restarts (sessions live in the
    database)."""

    def __init__(self, server, login):
        self.server = server
        c = J.Client(server.port)
        c.login(login)
        self.cookies = c.cookies
        self.csrf = self.call("GET", "/api/v1/session")[1]["csrf"]
        self.retries = 0
        self.replayed = 0

    def call(self, method, path, body=None, key=None):
        for attempt in range(400):
            c = J.Client(self.server.port)
            c.cookies = dict(self.cookies)
            headers = {"Content-Type": "application/json"}
            if key:
                headers["Idempotency-Key"] = key
            if method == "POST":
                headers["X-CSRF-Token"] = self.csrf
            try:
                r = c.request(method, path, body=json.dumps(body) if body is not None else None,
                              headers=headers)
                res = r.json() if r.text.startswith("{") else r.text
                if r.status == 200 and r.header("Idempotent-Replayed") == "true" and \
                        isinstance(res, dict) and res.get("replayed"):
                    # done before the server died, answer lost: done is done
                    self.replayed += 1
                    return 201 if "/entries" in path or "/correct" in path else 200, res
                return r.status, res
            except (OSError, ConnectionError, Exception) as e:  # noqa: BLE001 — the server died
                if isinstance(e, J.Failure):
                    raise
                self.retries += 1
                time.sleep(0.05)
        raise J.Failure(f"{method} {path}: no answer after 400 tries")


def test_100_kill_during_writes(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", [f"H{i:02d}" for i in range(1, 31)])

    rnd = random.Random(20241128)
    srv = Crashy(db)
    client = Retrying(srv, "V1-admin")
    writes = {}        # note -> expected points
    corrections = {}   # reason -> (ledger id, amount)
    try:
        for rnd_no, month in enumerate(MONTHS):
            stop = threading.Event()
            killer = threading.Thread(target=srv.killer, args=(stop, rnd))
            killer.start()
            try:
                # a month of entries
                for k in range(300):
                    note = f"r{rnd_no}-w{k}"
                    item = rnd.choice(sorted(ITEMS))
                    body = {"household": f"H{rnd.randint(1, 30):02d}", "item": item,
                            "quantity": 1, "date": f"{month}-{rnd.randint(1, 28):02d}", "note": note}
                    st, res = client.call("POST", f"/api/v1/villages/V1/sheets/{month}/entries",
                                          body, key="e-" + note)
                    eq(st, 201, f"entry {note}: {res}")
                    writes[note] = ITEMS[item]
                # submit and approve it
                st, res = client.call("POST", f"/api/v1/villages/V1/sheets/{month}/submit", {},
                                      key=f"s-{month}")
                check(st in (200, 201), f"submit {month}: {st} {res}")
                st, res = client.call("POST", f"/api/v1/villages/V1/sheets/{month}/approve",
                                      {"meeting_date": "2024-10-08", "attendees": "两委",
                                       "resolution": "同意"}, key=f"a-{month}")
                check(st in (200, 201), f"approve {month}: {st} {res}")
                # correct a few of its entries by one point
                st, res = client.call("GET", f"/api/v1/villages/V1/ledger?household=H01&limit=200")
                eq(st, 200)
                ids = [e["id"] for e in res["entries"] if e.get("kind") == "score"
                       and e["month"] == month]
                for n, lid in enumerate(ids[:3]):
                    reason = f"更正 {month} #{n}"
                    st, res = client.call("POST", f"/api/v1/villages/V1/ledger/{lid}/correct",
                                          {"amount": 1, "reason": reason}, key=f"c-{month}-{n}")
                    eq(st, 201, f"correction {reason}: {res}")
                    corrections[reason] = lid
            finally:
                stop.set()
                killer.join()
            print(f"    round {rnd_no}: {srv.kills} kills so far", flush=True)
            rc, out, err = cli(db, "verify")
            eq(rc, 0, f"verify after round {rnd_no} ({srv.kills} kills): {out} {err}")
    finally:
        srv.stop()
    check(srv.kills >= ROUNDS, f"the server was killed {srv.kills} times")
    print(f"    {srv.kills} kills, {client.retries} retried requests, "
          f"{client.replayed} answered from a recorded key")

    # every acknowledged write is there exactly once
    rows = db.sql("SELECT note, COUNT(*) FROM ledger_entry WHERE kind = 'score'"
                  " AND note LIKE 'r%' GROUP BY note")
    got = {note: int(n) for note, n in rows}
    eq(sorted(got), sorted(writes), "every entry is on the ledger")
    eq({n for n, c in got.items() if c != 1}, set(), "no entry twice")
    drafts = db.sql("SELECT COUNT(*) FROM entry e JOIN sheet s ON s.id = e.sheet_id"
                    " WHERE s.status <> 'approved'")
    eq(drafts, [["0"]], "no stray draft entries")
    rows = db.sql("SELECT reason, COUNT(*) FROM ledger_entry WHERE kind = 'correction'"
                  " GROUP BY reason")
    eq({r: int(n) for r, n in rows}, {r: 1 for r in corrections}, "each correction once")
    total = sum(writes.values()) - len(corrections)
    bal = sum(int(r.split(",")[2]) for r in cli_ok(db, "balances", "--village", "V1").splitlines()[1:])
    eq(bal, total, "balances equal the acknowledged writes")


def test_110_idempotency_key_rules(db):
    J.town(db, villages=("V1",))
    s = J.Server(db)
    try:
        c = s.client()
        c.login("admin")
        c.get("/villages")
        h = {"Idempotency-Key": "add-v3"}
        r = c.post("/villages", {"code": "V3", "name": "三村"}, headers=h)
        eq(r.status, 303)
        r = c.post("/villages", {"code": "V3", "name": "三村"}, headers=h)
        eq(r.status, 303, "replayed")
        eq(r.header("Idempotent-Replayed"), "true")
        eq(db.sql("SELECT COUNT(*) FROM village WHERE code = 'V3'"), [["1"]])
        # a rejected request records nothing: fixing it and retrying works
        h2 = {"Idempotency-Key": "add-v4"}
        eq(c.post("/villages", {"code": "bad code", "name": "四村"}, headers=h2).status, 400)
        eq(c.post("/villages", {"code": "V4", "name": "四村"}, headers=h2).status, 303)
        eq(c.post("/villages", {"code": "V5", "name": "五"}, headers={"Idempotency-Key": "x y"}).status,
           400, "malformed key")
        # keys are per account: another account's same key is its own
        o = s.client()
        o.login("V1-admin")
        o.get("/v/V1/settings")
        r = o.post("/v/V1/settings", {"objection_days": "9", "yearend_rule": "carry"}, headers=h)
        eq(r.status, 303)
        check(r.header("Idempotent-Replayed") is None)
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
