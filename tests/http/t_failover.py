"""t_failover — PostgreSQL's own failover under write load (issue 17): a
primary with a synchronous streaming standby (scripts/pg-ha-pair.sh),
two `jifen serve` instances on the multi-host URL
(target_session_attrs=read-write, libpq's failover), writers posting
scoring entries with Idempotency-Key through both.  The primary is stopped
with `pg_ctl -m immediate` (a crash) and the standby promoted.

What must hold: every write either instance acknowledged (201, or the
replay of one) before or after is on the new primary exactly once — a
write whose answer was lost (503 or a broken connection, the commit
perhaps done) is retried with the same key until it is acknowledged, and
the key makes the retry a replay, never a second row; during the outage
the answers are 503 with the Chinese message, never a false success;
`jifen verify` passes on the new primary; both instances recover without
a restart.  The unavailability window (seconds from the crash to each
instance's first acknowledged write) is printed for BENCHMARKS.md.

PostgreSQL only (the pair needs PGBIN's initdb); skipped on SQLite.
Run: JIFEN_BIN=build/jifen JIFEN_BACKEND=postgresql JIFEN_TEST_PG=… python3 tests/http/t_failover.py
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli, eq  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PAIR = os.path.join(ROOT, "scripts", "pg-ha-pair.sh")
UNAVAILABLE = "系统暂时不可用"


def free_ports(n):
    """n loopback ports free now (bound and released: another test could
    take one in between, which start then reports)."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Pair:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jifen-ha-")
        p1, p2 = free_ports(2)
        self.ports = (p1, p2)
        out = subprocess.run([PAIR, "start", self.dir, str(p1), str(p2)], check=True,
                             capture_output=True, text=True, timeout=120)
        self.url = out.stdout.strip().splitlines()[-1]

    def run(self, what):
        subprocess.run([PAIR, what, self.dir], check=True, capture_output=True, timeout=120)

    def sql_new_primary(self, query):
        out = subprocess.run(["psql", f"postgresql://postgres@127.0.0.1:{self.ports[1]}/jifen",
                              "-AtF", "\t", "-c", query], check=True, capture_output=True,
                             text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def stop(self):
        subprocess.run([PAIR, "stop", self.dir], capture_output=True, timeout=120)


class Writer(threading.Thread):
    """Posts entries through one instance, each with its own key, retrying
    an unanswered one with the same key until it is acknowledged."""

    def __init__(self, server, name, stop):
        super().__init__()
        self.server, self.name_, self.stop_ = server, name, stop
        self.acked = {}          # note -> status of its acknowledgement
        self.ack_times = []      # when each was acknowledged
        self.outage = []         # (status, text) of the answers that were not
        self.false = []          # any answer that is neither 2xx nor an honest 503
        self.error = None

    def run(self):
        try:
            self.loop()
        except Exception as e:  # noqa: BLE001 — reported by the test
            self.error = e

    def loop(self):
        c = self.server.client()
        c.login("V1-admin")
        csrf = c.get("/api/v1/session").json()["csrf"]
        n = 0
        while not self.stop_.is_set():
            n += 1
            note = f"{self.name_}-{n}"
            key = uuid.uuid4().hex
            body = json.dumps({"household": f"H{n % 20 + 1:02d}", "item": "CW01", "quantity": 1,
                               "date": "2024-06-15", "note": note})
            while True:
                try:
                    r = c.request("POST", "/api/v1/villages/V1/sheets/2024-06/entries", body=body,
                                  headers={"Content-Type": "application/json",
                                           "X-CSRF-Token": csrf, "Idempotency-Key": key})
                except (OSError, Exception) as e:  # the answer lost: retry the same key
                    self.outage.append((0, repr(e)))
                    c.conn.close()
                    c.conn = c.connect()
                    time.sleep(0.05)
                    continue
                if r.status in (200, 201):
                    self.acked[note] = r.status
                    self.ack_times.append(time.time())
                    break
                if r.status == 503 and UNAVAILABLE in r.text:
                    self.outage.append((503, ""))
                    time.sleep(0.05)
                    continue
                self.false.append((r.status, r.text[:300]))
                break


def test_100_failover_under_load(db):
    pair = Pair()
    servers = []
    stop = threading.Event()
    try:
        ha = J.Db.__new__(J.Db)
        ha.pg_name, ha.url, ha.dir, ha.key = None, pair.url, db.dir, db.key
        J.town(ha, villages=("V1",))
        J.standard_and_households(ha, "V1", [f"H{i:02d}" for i in range(1, 21)])
        servers = [J.Server(ha), J.Server(ha)]
        pids = [s.proc.pid for s in servers]
        writers = [Writer(s, f"w{i}", stop) for i, s in enumerate(servers) for _ in range(2)]
        for i, w in enumerate(writers):
            w.name_ = f"w{i}"
            w.start()
        time.sleep(2)
        before = sum(len(w.acked) for w in writers)
        check(before > 10, f"writes before the crash: {before}")
        pair.run("kill-primary")
        t_crash = time.time()  # the primary is gone once pg_ctl returns
        time.sleep(1)  # what a failure detector would take at least
        t_promote = time.time()
        pair.run("promote")
        t_promoted = time.time()
        time.sleep(3)
        stop.set()
        for w in writers:
            w.join(120)
        for w in writers:
            check(w.error is None, f"{w.name_}: {w.error!r}")
            eq(w.false, [], f"{w.name_}: answers that were neither success nor 503")
        # each instance: its first acknowledgement after the crash
        windows = []
        for i in range(2):
            after = [t for w in writers[2 * i:2 * i + 2] for t in w.ack_times if t > t_crash]
            check(after, f"instance {i} acknowledged nothing after the failover")
            windows.append(min(after) - t_crash)
            check(min(after) > t_promote, f"instance {i} acknowledged a write with no primary")
        outage_answers = sum(len(w.outage) for w in writers)
        check(outage_answers > 0, "the crash was noticed (503s or lost answers)")
        # every acknowledged write exactly once on the new primary, and
        # nothing that was never asked for
        acked = {note for w in writers for note in w.acked}
        rows = pair.sql_new_primary("SELECT note, COUNT(*) FROM entry WHERE note LIKE 'w%'"
                                    " GROUP BY note")
        counts = {note: int(n) for note, n in rows}
        dup = {k: v for k, v in counts.items() if v != 1}
        eq(dup, {}, "writes stored more than once")
        missing = sorted(acked - set(counts))
        eq(missing, [], "acknowledged writes lost in the failover")
        extra = sorted(set(counts) - acked)
        eq(extra, [], "rows for writes that were never acknowledged")
        # the instances recovered by themselves: same processes, healthy
        for s, pid in zip(servers, pids):
            check(s.proc.poll() is None, "instance still running")
            eq(s.proc.pid, pid)
            r = s.client().get("/healthz")
            eq(r.status, 200, r.text)
        rc, out, err = cli(ha, "verify")
        eq(rc, 0, f"verify on the new primary: {out}{err}")
        print(f"failover: {len(acked)} writes acknowledged ({before} before the crash), "
              f"{outage_answers} answers during the outage; promote took "
              f"{t_promoted - t_promote:.2f} s; unavailability window (crash to first "
              f"acknowledged write) {windows[0]:.2f} s and {windows[1]:.2f} s "
              f"(of which 1.00 s waiting before promote)", flush=True)
    finally:
        stop.set()
        for s in servers:
            s.stop(check=False)
        pair.stop()


if __name__ == "__main__":
    if J.BACKEND != "postgresql":
        print("t_failover needs PostgreSQL (a primary with a streaming standby); skipped on SQLite")
        print("0 passed, 0 failed, 1 skipped")
        sys.exit(0)
    J.main(globals())
