#!/usr/bin/env python3
"""bench.py — the Python side of bench/run.sh: the parts that talk HTTP,
compare numbers and write the report.  Timing-critical loads are driven by
wrk, the shell and C programs; this file only prepares and checks.

  bench.py port
      print a free loopback TCP port
  bench.py tokens URL LOGIN PASSWORD DB N SEED OUT
      log in as LOGIN (a town admin), pick N random participating households
      ("all": every one, shuffled) of the SQLite database DB and issue each a
      passbook card through the
      product's own page (POST /v/CODE/households/ID/card-token); write
      "token TAB village TAB household" lines to OUT
  bench.py check-passbook URL TOKENS EXPECTED OUTDIR [MAX]
      fetch /p/TOKEN and /api/v1/p/TOKEN of every token (the first MAX when
      given: the file is in random order) twice, as a phone asks (gzip) and
      without Accept-Encoding; check status 200, that the gzip answer says
      so and inflates to exactly the other's bytes, and the balance, year
      points and entry count against EXPECTED (the generator's own
      figures); write OUTDIR/passbook.html and OUTDIR/passbook.json, a real
      answer padded to the mean size of the answers, and its gzip answer
      beside each (.gz, padded to the mean gzip size), for nginx and the
      floor to serve; print "page_bytes=N json_bytes=N" (the gzip means:
      what is sent) and "page_bytes_identity=N json_bytes_identity=N"
  bench.py coldstart CMD... -- URL
      start CMD, poll URL every millisecond until it answers 200; print
      "coldstart_ms=T pid=PID" and leave the process running
  bench.py http-balances URL LOGIN PASSWORD VILLAGES OUTDIR
      fetch /api/v1/villages/CODE/balances of every village over one
      keep-alive connection; print "seconds=T"; bodies to OUTDIR/CODE.json
  bench.py compare-balances EXPECTED JIFEN_DIR FORMAT LEDGER_ALL LEDGER_YEAR
      check jifen's per-village balances (FORMAT csv or json) against the
      generator's figures and against ledger-cli's balance reports
  bench.py shop-files OUTDIR N
      the points-shop village of workload 6: N households (households.csv,
      and their codes one a line in households.txt), one approved entry
      each of 50 x PA04 (2,500 points; entries.csv), and a catalog of one
      item of 1 point with a stock of 100,000,000 (catalog.csv)
  bench.py shop-session URL LOGIN PASSWORD
      log in; print "cookie=jifen_sid=… csrf=…" for wrk's redeem.lua
  bench.py redeem-serial URL LOGIN PASSWORD VILLAGE HOUSEHOLDS SECONDS
      one counter: redeem item ITEM1 for random households one after the
      other over one keep-alive connection for SECONDS; every answer must
      be 201; print "requests=N seconds=T rps=R p50_ms=… p99_ms=…"
  bench.py quarter YYYY-MM
      print the newest quarter (YYYY-Qn) that has ended with that month
  bench.py proofs URL LOGIN PASSWORD VILLAGE QUARTER DB SECONDS
      as LOGIN, ask for inclusion proofs of random ledger entries of VILLAGE
      (GET /api/v1/villages/V/proofs/inclusion) for SECONDS over one keep-alive
      connection, then for receipts of random households of its QUARTER
      announcement; the first 20 proofs are checked against leaves recomputed
      from the SQLite database DB; print "proofs_per_s=N receipts_per_s=N
      proof_hashes=N"
  bench.py report RESULTS OUT
      write BENCHMARKS.md from the key=value lines of RESULTS
"""
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib


def die(msg):
    print("bench.py: " + msg, file=sys.stderr)
    sys.exit(1)


def free_port():
    """A free loopback port: from JIFEN_BENCH_PORTS ("FIRST-LAST", for a
    machine shared by several runs that each own a range) when set, else
    any the kernel gives."""
    span = os.environ.get("JIFEN_BENCH_PORTS")
    if span:
        first, last = (int(x) for x in span.split("-"))
        for port in random.sample(range(first, last + 1), last - first + 1):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
            finally:
                s.close()
        die(f"no free port in {span}")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    """Keep-alive client with cookies and the last CSRF token seen."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.cookies = {}
        self.csrf = None
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        text = data.decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
        if m:
            self.csrf = m.group(1)
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def post(self, path, fields):
        fields = dict(fields)
        fields["csrf"] = self.csrf
        return self.request("POST", path, urllib.parse.urlencode(fields),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, login, password):
        self.request("GET", "/login")
        st, h, _ = self.post("/login", {"login": login, "password": password})
        if st != 303:
            die(f"login {login}: HTTP {st}")
        loc = h.get("location", "/")
        for _ in range(5):
            st, h, _ = self.request("GET", loc)
            if st not in (301, 302, 303):
                break
            loc = h.get("location")


def proc_ticks(pid):
    """utime + stime of process pid, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cmd_dashboard(url, login, password, reps, pid=None):
    """Workload 8: the town dashboard page and its JSON, reps times each on
    one keep-alive connection; checks that every village is on it; prints
    page_ms, json_ms (medians), page_bytes, json_bytes, villages.  With the
    server's pid, also its CPU per request (serve_cpu_ms) and its peak RSS
    (serve_rss_peak_kb) over the requests alone: both are taken after the
    login, whose password hash would otherwise be most of them."""
    c = Client(url)
    c.login(login, password)
    out = {}
    if pid:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")  # VmHWM := VmRSS now
        ticks0 = proc_ticks(pid)
    for name, path in (("page", "/town"), ("json", "/api/v1/town/dashboard")):
        times, size = [], 0
        for _ in range(int(reps)):
            t0 = time.perf_counter()
            st, _, data = c.request("GET", path)
            times.append((time.perf_counter() - t0) * 1000)
            if st != 200:
                die(f"{path}: HTTP {st}")
            size = len(data)
        times.sort()
        out[name + "_ms"] = f"{times[len(times) // 2]:.1f}"
        out[name + "_bytes"] = str(size)
        if name == "json":
            out["villages"] = str(len(json.loads(data)["villages"]))
    if pid:
        ticks = proc_ticks(pid) - ticks0
        out["serve_cpu_ms"] = f"{ticks * 1000 / os.sysconf('SC_CLK_TCK') / (2 * int(reps)):.1f}"
        with open(f"/proc/{pid}/status") as f:
            out["serve_rss_peak_kb"] = next(l.split()[1] for l in f if l.startswith("VmHWM:"))
    print(" ".join(f"{k}={v}" for k, v in out.items()))


def cmd_tokens(url, login, password, dbpath, n, seed, out):
    db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True)
    rows = db.execute("SELECT v.code, h.id, h.code FROM household h JOIN village v"
                      " ON v.id = h.village_id WHERE h.participating = 1"
                      " ORDER BY h.id").fetchall()
    db.close()
    rng = random.Random(int(seed))
    pick = rng.sample(rows, len(rows) if n == "all" else min(int(n), len(rows)))
    c = Client(url)
    c.login(login, password)
    t0 = time.time()
    with open(out, "w") as f:
        for vcode, hid, hcode in pick:
            st, _, body = c.post(f"/v/{vcode}/households/{hid}/card-token", {})
            m = re.search(rb"/p/([0-9a-f]{64})", body)
            if st != 200 or not m:
                die(f"card token for {vcode}/{hcode}: HTTP {st}")
            f.write(f"{m.group(1).decode()}\t{vcode}\t{hcode}\n")
    print(f"tokens={len(pick)} seconds={time.time() - t0:.3f}")


def read_expected(path):
    exp = {}
    with open(path) as f:
        for line in f:
            v, h, bal, year, n = line.rstrip("\n").split("\t")
            exp[(v, h)] = (int(bal), int(year), int(n))
    return exp


def pad_to(body, size, kind):
    """body grown to size bytes with a comment/whitespace nginx serves as is
    (or cut when longer; the file only has to weigh the same)."""
    if len(body) >= size:
        return body[:size]
    if kind == "html":
        filler = b"<!--" + b"x" * max(0, size - len(body) - 7) + b"-->"
        return (body + b"\n" + filler)[:size]
    return body + b" " * (size - len(body))


# A phone's browser always asks for gzip; http.client sends
# "Accept-Encoding: identity" unless told otherwise.
PHONE = {"Accept-Encoding": "gzip, deflate, br"}


def gunzip_member(data):
    """The inflated bytes of data when it is exactly one complete gzip
    member (nothing after it), else None."""
    d = zlib.decompressobj(31)
    try:
        out = d.decompress(data) + d.flush()
    except zlib.error:
        return None
    return out if d.eof and not d.unused_data else None


def gzip_body(gz):
    """The deflate data and trailer of gzip member gz: what follows its
    header (RFC 1952 2.3: 10 bytes, then the optional fields FLG names)."""
    flg, pos = gz[3], 10
    if flg & 4:  # FEXTRA
        pos += 2 + (gz[pos] | gz[pos + 1] << 8)
    for bit in (8, 16):  # FNAME, FCOMMENT: zero-terminated
        if flg & bit:
            pos = gz.index(b"\0", pos) + 1
    if flg & 2:  # FHCRC
        pos += 2
    return gz[pos:]


def gzip_padded(gz, size):
    """gzip member gz made size bytes long by the comment field of its
    header (FCOMMENT), which every inflater skips: the same deflate bytes,
    inflating to the same text.  size must be at least 10 + the length of
    gzip_body(gz)."""
    body = gzip_body(gz)
    pad = size - 10 - len(body)
    if pad < 0:
        raise ValueError("gzip member longer than the size wanted")
    flg = 0x10 if pad else 0
    comment = b"x" * (pad - 1) + b"\0" if pad else b""
    return gz[:3] + bytes([flg]) + gz[4:10] + comment + body


def fetch_both(c, path, what):
    """GET path as a phone asks (gzip) and without Accept-Encoding; dies
    unless both are 200, the first carries Content-Encoding: gzip, Vary
    naming Accept-Encoding and an ETag other than the second's, and inflates
    to exactly the second's bytes.  Returns (identity bytes, gzip bytes)."""
    st, hz, gz = c.request("GET", path, headers=PHONE)
    if st != 200:
        die(f"{what}: HTTP {st} (gzip)")
    st, hi, body = c.request("GET", path)
    if st != 200:
        die(f"{what}: HTTP {st}")
    if hz.get("content-encoding") != "gzip":
        die(f"{what}: asked for gzip, Content-Encoding {hz.get('content-encoding')!r}")
    if "content-encoding" in hi:
        die(f"{what}: not asked for gzip, Content-Encoding {hi['content-encoding']!r}")
    if "accept-encoding" not in hz.get("vary", "").lower():
        die(f"{what}: gzip answer with Vary {hz.get('vary')!r}")
    if hz.get("etag") and hz.get("etag") == hi.get("etag"):
        die(f"{what}: the gzip and identity answers share the ETag {hz['etag']}")
    if gunzip_member(gz) != body:
        die(f"{what}: the gzip answer ({len(gz)} B) does not inflate to the identity "
            f"answer ({len(body)} B)")
    return body, gz


def write_reference(outdir, name, answers, kind):
    """OUTDIR/NAME and NAME.gz for nginx (gzip_static) and the floor: one
    real answer of answers ((identity, gzip) pairs), the one nearest to both
    mean sizes whose gzip fits in its mean; the identity bytes padded to
    the mean identity size (pad_to), jifen's own gzip bytes to the mean
    gzip size (gzip_padded).  Returns the two means (gzip, identity)."""
    mean_id = round(sum(len(i) for i, _ in answers) / len(answers))
    mean_gz = round(sum(len(g) for _, g in answers) / len(answers))
    fits = [a for a in answers if 10 + len(gzip_body(a[1])) <= mean_gz]
    # one that need not be cut to the mean identity size, when there is one
    fits = [a for a in fits if len(a[0]) <= mean_id] or fits
    ident, gz = min(fits, key=lambda a: abs(len(a[0]) - mean_id) / mean_id +
                    (mean_gz - len(a[1])) / mean_gz)
    padded = gzip_padded(gz, mean_gz)
    if gunzip_member(padded) != ident:
        die(f"{name}.gz: the padded gzip does not inflate to its answer")
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(pad_to(ident, mean_id, kind))
    with open(os.path.join(outdir, name + ".gz"), "wb") as f:
        f.write(padded)
    return mean_gz, mean_id


def cmd_check_passbook(url, tokens_path, expected_path, outdir, most=None):
    exp = read_expected(expected_path)
    c = Client(url)
    pages, jsons = [], []
    bad = 0
    with open(tokens_path) as f:
        toks = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    if most is not None:
        toks = toks[:int(most)]
    for tok, v, h in toks:
        want_bal, want_year, want_n = exp[(v, h)]
        body, gz = fetch_both(c, f"/api/v1/p/{tok}", f"/api/v1/p/ of {v}/{h}")
        j = json.loads(body)
        got = (j["village"]["code"], j["household"]["code"], j["balance"], j["year_points"],
               j["total"])
        if got != (v, h, want_bal, want_year, want_n):
            print(f"passbook JSON of {v}/{h}: got {got}, want "
                  f"{(v, h, want_bal, want_year, want_n)}", file=sys.stderr)
            bad += 1
        jsons.append((body, gz))
        page, gz = fetch_both(c, f"/p/{tok}", f"/p/ of {v}/{h}")
        if f'<div class="big">{want_bal}</div>'.encode() not in page:
            print(f"passbook page of {v}/{h} does not show the balance {want_bal}",
                  file=sys.stderr)
            bad += 1
        pages.append((page, gz))
    if bad:
        die(f"{bad} passbook answers differ from the generator's figures")
    page_gz, page_id = write_reference(outdir, "passbook.html", pages, "html")
    json_gz, json_id = write_reference(outdir, "passbook.json", jsons, "json")
    print(f"checked={len(toks)} page_bytes={page_gz} json_bytes={json_gz} "
          f"page_bytes_identity={page_id} json_bytes_identity={json_id}")


def cmd_etags(url, tokens_path, prefix, out):
    """The ETag of every card's answer at PREFIX (what a phone keeps after
    its first look: of the gzip answer, as a phone asks), as
    "TOKEN<TAB>ETAG" lines for announce_day.lua."""
    c = Client(url)
    t0 = time.time()
    n = 0
    with open(tokens_path) as f, open(out, "w") as o:
        for line in f:
            tok = line.split("\t")[0].strip()
            if not tok:
                continue
            st, headers, _ = c.request("GET", f"{prefix}{tok}", headers=PHONE)
            etag = headers.get("etag")
            if st != 200 or not etag or headers.get("content-encoding") != "gzip":
                die(f"{prefix}{tok[:8]}…: HTTP {st}, ETag {etag!r}, Content-Encoding "
                    f"{headers.get('content-encoding')!r}")
            o.write(f"{tok}\t{etag}\n")
            n += 1
    print(f"etags={n} seconds={time.time() - t0:.3f}")


def cmd_coldstart(argv):
    i = argv.index("--")
    cmd, url = argv[:i], argv[i + 1]
    u = urllib.parse.urlsplit(url)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    req = f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode()
    deadline = t0 + 120
    while time.perf_counter() < deadline:
        if p.poll() is not None:
            die(f"{cmd[0]} exited with {p.returncode} before answering")
        try:
            s = socket.create_connection((u.hostname, u.port), timeout=10)
        except OSError:
            time.sleep(0.001)
            continue
        s.sendall(req)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        if data.startswith(b"HTTP/1.1 200"):
            ms = (time.perf_counter() - t0) * 1000
            print(f"coldstart_ms={ms:.1f} pid={p.pid}")
            return
        time.sleep(0.001)
    die("no answer within 120 s")


def cmd_http_balances(url, login, password, villages_path, outdir):
    with open(villages_path) as f:
        codes = [line.split("\t")[0] for line in f if line.strip()]
    c = Client(url)
    c.login(login, password)
    bodies = {}
    t0 = time.perf_counter()
    for v in codes:
        st, _, body = c.request("GET", f"/api/v1/villages/{v}/balances")
        if st != 200:
            die(f"balances of {v}: HTTP {st}")
        bodies[v] = body
    t = time.perf_counter() - t0
    for v, body in bodies.items():
        with open(os.path.join(outdir, v + ".json"), "wb") as f:
            f.write(body)
    print(f"seconds={t:.3f}")


def read_ledger(path):
    """ledger-cli `balance --flat` lines: amount, then account
    Households:VILLAGE:HOUSEHOLD."""
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2 or not parts[1].startswith("Households:"):
                continue
            _, v, h = parts[1].split(":")
            out[(v, h)] = int(parts[0].replace(",", ""))
    return out


def cmd_compare_balances(expected_path, jdir, fmt, ledger_all, ledger_year):
    exp = read_expected(expected_path)
    led_all, led_year = read_ledger(ledger_all), read_ledger(ledger_year)
    got = {}
    for name in sorted(os.listdir(jdir)):
        v, ext = os.path.splitext(name)
        if ext != "." + fmt:
            continue
        with open(os.path.join(jdir, name), encoding="utf-8") as f:
            if fmt == "csv":
                lines = f.read().splitlines()
                if lines[0] != "household,name,balance,year_points":
                    die(f"{name}: unexpected header {lines[0]!r}")
                for line in lines[1:]:
                    cols = line.split(",")
                    got[(v, cols[0])] = (int(cols[-2]), int(cols[-1]))
            else:
                for row in json.load(f)["balances"]:
                    got[(v, row["household"])] = (row["balance"], row["year_points"])
    problems = []
    if set(got) != set(exp):
        problems.append(f"households listed: {len(got)}, participating: {len(exp)}")
    mism_exp = mism_led = 0
    for k, (bal, year) in got.items():
        e = exp.get(k)
        if e and (bal, year) != e[:2]:
            mism_exp += 1
        if (bal, year) != (led_all.get(k, 0), led_year.get(k, 0)):
            mism_led += 1
    if mism_exp:
        problems.append(f"{mism_exp} households differ from the generator's figures")
    if mism_led:
        problems.append(f"{mism_led} households differ from ledger-cli")
    extra = set(led_all) - set(got)
    if any(led_all[k] for k in extra):
        problems.append(f"ledger-cli has balances for {len(extra)} households jifen does not list")
    if problems:
        die("; ".join(problems))
    print(f"households={len(got)} equal=yes total={sum(b for b, _ in got.values())}")


# ---- the report -------------------------------------------------------------

def cmd_shop_files(outdir, n):
    n = int(n)
    os.makedirs(outdir, exist_ok=True)
    codes = [f"S{i:05d}" for i in range(1, n + 1)]
    with open(os.path.join(outdir, "households.csv"), "w", encoding="utf-8") as f:
        f.write("code,head_name,hukou,homestead,resident,joined\n")
        for i, c in enumerate(codes):
            f.write(f"{c},户主{i},是,是,是,2024-01-01\n")
    with open(os.path.join(outdir, "households.txt"), "w") as f:
        f.write("\n".join(codes) + "\n")
    with open(os.path.join(outdir, "entries.csv"), "w", encoding="utf-8") as f:
        f.write("household,item,quantity,date,note\n")
        for c in codes:
            f.write(f"{c},PA04,50,2024-06-10,见义勇为\n")
    with open(os.path.join(outdir, "catalog.csv"), "w", encoding="utf-8") as f:
        f.write("code,name,kind,points,stock,unit_cost\nITEM1,毛巾,goods,1,100000000,2.50\n")


def cmd_shop_session(url, login, password):
    c = Client(url)
    c.login(login, password)
    st, _, body = c.request("GET", "/api/v1/session")
    if st != 200:
        die(f"session: HTTP {st}")
    print(f"cookie=jifen_sid={c.cookies['jifen_sid']} csrf={json.loads(body)['csrf']}")


def cmd_redeem_serial(url, login, password, village, households, seconds):
    c = Client(url)
    c.login(login, password)
    st, _, body = c.request("GET", "/api/v1/session")
    csrf = json.loads(body)["csrf"]
    codes = [line.strip() for line in open(households) if line.strip()]
    rnd = random.Random(1)
    lat = []
    t_end = time.time() + float(seconds)
    t0 = time.time()
    while time.time() < t_end:
        body = json.dumps({"household": rnd.choice(codes), "item": "ITEM1"})
        a = time.time()
        st, _, data = c.request("POST", f"/api/v1/villages/{village}/redeem", body,
                                {"Content-Type": "application/json", "X-CSRF-Token": csrf})
        lat.append(time.time() - a)
        if st != 201 or b'"balance"' not in data:
            die(f"redeem: HTTP {st} {data[:200]!r}")
    t = time.time() - t0
    lat.sort()
    print(f"requests={len(lat)} seconds={t:.3f} rps={len(lat) / t:.1f} "
          f"p50_ms={lat[len(lat) // 2] * 1000:.2f} p99_ms={lat[int(len(lat) * 0.99)] * 1000:.2f}")
def cmd_quarter(month):
    y, m = int(month[:4]), int(month[5:7])
    q = (m - 1) // 3 + 1
    if m % 3:
        q -= 1
    if q == 0:
        y, q = y - 1, 4
    print(f"{y}-Q{q}")


LEDGER_KEYS = ["village_id", "seq", "household_id", "kind", "item_id", "item_code", "version_id",
               "month", "date", "quantity", "points", "approval_id", "entry_id", "correction_of",
               "reason", "recorded_by", "note", "photo", "posted_at"]


def leaf_of(row):
    """The Merkle leaf hash of a ledger row (docs/ledger.md, docs/transparency.md)."""
    import hashlib
    out = b""
    for v in ["jifen-ledger-v1"] + [row[k] if row[k] is not None else
                                    (0 if k.endswith("_id") or k == "correction_of" else "")
                                    for k in LEDGER_KEYS] + ["end"]:
        b = str(v).encode() if isinstance(v, int) else (v or "").encode()
        out += str(len(b)).encode() + b":" + b + b"\n"
    return hashlib.sha256(b"\x00" + out).digest()


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 §2.1.3.2; None when the proof does not fit."""
    import hashlib

    def node(a, b):
        return hashlib.sha256(b"\x01" + a + b).digest()
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def cmd_proofs(url, login, password, village, quarter, dbpath, seconds):
    import base64
    seconds = float(seconds)
    db = sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    vid = db.execute("SELECT id FROM village WHERE code = ?", (village,)).fetchone()[0]
    codes = [r[0] for r in db.execute(
        "SELECT l.code FROM announcement_line l JOIN announcement a ON a.id = l.announcement_id"
        " WHERE a.village_id = ? AND a.quarter = ?", (vid, quarter))]
    c = Client(url)
    c.login(login, password)
    st, _, body = c.request("GET", f"/api/v1/villages/{village}/checkpoints")
    if st != 200:
        die(f"checkpoints: HTTP {st}")
    size = json.loads(body)["checkpoints"][-1]["size"]
    rng = random.Random(5)
    n = hashes = 0
    t0 = time.time()
    while time.time() - t0 < seconds or n < 20:
        seq = rng.randint(1, size)
        st, _, body = c.request("GET", f"/api/v1/villages/{village}/proofs/inclusion"
                                       f"?seq={seq}&size={size}")
        if st != 200:
            die(f"inclusion proof of {seq}: HTTP {st}")
        n += 1
        if n <= 20:
            js = json.loads(body)
            row = db.execute("SELECT * FROM ledger_entry WHERE village_id = ? AND seq = ?",
                             (vid, seq)).fetchone()
            proof = [base64.b64decode(h) for h in js["proof"]]
            hashes = max(hashes, len(proof))
            if root_from_inclusion(seq - 1, size, leaf_of(row), proof) != \
                    base64.b64decode(js["root"]):
                die(f"inclusion proof of {seq} does not verify")
    per_s = n / (time.time() - t0)
    m = 0
    t0 = time.time()
    while time.time() - t0 < seconds or m < 5:
        code = rng.choice(codes)
        st, _, body = c.request("GET", f"/api/v1/villages/{village}/announcements/{quarter}"
                                       f"/receipts/{urllib.parse.quote(code)}")
        if st != 200 or not body.startswith(b"jifen-receipt/v1"):
            die(f"receipt of {code}: HTTP {st}")
        m += 1
    print(f"proofs_per_s={per_s:.0f} receipts_per_s={m / (time.time() - t0):.0f} "
          f"proof_hashes={hashes}")


def cmd_logins(url, login, password, threads, seconds):
    """Staff logins through the login form, as a browser makes them: GET
    /login (the pre-login CSRF token and its cookie), POST the password,
    expect 303 and a session cookie.  THREADS clients for SECONDS; prints
    logins, logins per second and latency percentiles (ms).  Each login
    costs one argon2id verification, which is most of its time."""
    stop = time.time() + float(seconds)
    lat, errors = [], []

    def worker():
        while time.time() < stop:
            c = Client(url)
            t0 = time.perf_counter()
            c.request("GET", "/login")
            st, h, _ = c.post("/login", {"login": login, "password": password})
            t1 = time.perf_counter()
            c.conn.close()
            if st != 303 or "jifen_sid=" not in h.get("set-cookie", ""):
                errors.append(st)
                return
            lat.append(t1 - t0)

    t_start = time.time()
    ts = [threading.Thread(target=worker) for _ in range(int(threads))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.time() - t_start
    if errors or not lat:
        die(f"logins: {len(errors)} failed (HTTP {errors[:3]})")
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print(f"logins={len(lat)} rps={len(lat) / wall:.2f} p50_ms={pct(0.5):.1f}"
          f" p99_ms={pct(0.99):.1f}")


def fmt_ratio(x):
    """A ratio: whole numbers from 10 up, two decimals below."""
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 10 else f"{x:.2f}"


def fmt_num(x, digits=0):
    if x is None:
        return "–"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def cmd_report(results_path, out):
    R = {}
    order = []
    with open(results_path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if k not in R:
                order.append(k)
            R[k] = v

    def num(k):
        try:
            return float(R[k])
        except (KeyError, ValueError):
            return None

    def ratio(a, b):
        return a / b if a is not None and b else None

    def coding(k):
        """The size of the answers at key k (K.bytes): what is sent, and
        inflated when they were gzip-coded (K.bytes_identity; results of
        runs before gzip-coded passbooks have only the one size)."""
        if num(k + ".bytes_identity") is None:
            return f"{fmt_num(num(k + '.bytes'))} B"
        return (f"gzip, {fmt_num(num(k + '.bytes'))} B; "
                f"{fmt_num(num(k + '.bytes_identity'))} B inflated")

    L = []
    w = L.append
    w("# jifen benchmarks")
    w("")
    w(f"Written by `bench/run.sh {R.get('mode', '')}` on {R.get('date', '')}; "
      f"machine: {R.get('nproc', '?')} cores ({R.get('cpu', '?')}), "
      f"{R.get('mem', '?')} memory, {R.get('os', '?')}; jifen {R.get('commit', '?')}.")
    w("Every figure stands beside its reference measured in the same run on the same machine; "
      "absolute figures on these shared 2-core machines drift by 15–30 % between runs, "
      "the ratios much less.  Targets are reported, not enforced.")
    w("")
    w(f"Load average of the machine (1, 5, 15 min) at the start: {R.get('loadavg_start', '?')}, "
      f"at the end: {R.get('loadavg_end', '?')} — other sessions' builds, tests and servers "
      "share the 2 cores, so req/s and wall times are lower than on an idle machine; the "
      "CPU-time figures and the ratios are the steadier ones.")
    w("")
    datasets = [d for d in ("smoke", "town", "county") if f"{d}.entries" in R]

    w("## Data")
    w("")
    w("| data set | villages | households (participating) | months | entries | "
      "load: households + standard | load: import entries | load: sheet approve |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for d in datasets:
        w(f"| {d} | {R.get(d + '.villages')} | {fmt_num(num(d + '.households'))} "
          f"({fmt_num(num(d + '.participating'))}) | {R.get(d + '.months')} | "
          f"{fmt_num(num(d + '.entries'))} | {fmt_num(num(d + '.load_setup_s'), 1)} s | "
          f"{fmt_num(num(d + '.load_import_s'), 1)} s "
          f"({fmt_num(ratio(num(d + '.entries'), num(d + '.load_import_s')))}/s) | "
          f"{fmt_num(num(d + '.load_approve_s'), 1)} s "
          f"({fmt_num(ratio(num(d + '.entries'), num(d + '.load_approve_s')))}/s) |")
    w("")
    w("Loaded through jifen's own CLI only: `village add`, `import households`, `import "
      "standard`, then per village and month `import entries` and `sheet approve` (one "
      "process each; the per-process cost is part of the figures).  `jifen verify` checks "
      "every chain and balance after the load.")
    w("")

    ad = [d for d in datasets if f"{d}.ad.cold.rps" in R]
    if ad:
        w(f"## 8. Announcement day: every household opens its card (wrk -t2 -c64 "
          f"-d{R.get('wrk_duration', '10s')}, cards drawn uniformly from all)")
        w("")
        w("| data set | backend | pass | jifen req/s | p50 | p99 | server CPU per request | "
          "nginx static (same size and coding, same script) req/s | CPU per request | ratio req/s | "
          "ratio CPU | target |")
        w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for d in ad:
            n = f"{d}.ad.nginx"
            for k, backend, label in ((f"{d}.ad.cold", "SQLite", "cold (200)"),
                                      (f"{d}.ad.warm", "SQLite", "warm (If-None-Match: 304)"),
                                      (f"{d}.ad_pg.cold", "PostgreSQL, 2 × serve behind nginx",
                                       "cold (200)"),
                                      (f"{d}.ad_pg.warm", "PostgreSQL, 2 × serve behind nginx",
                                       "warm (304)")):
                if k + ".rps" not in R:
                    continue
                r = ratio(num(k + ".rps"), num(n + ".rps"))
                rc = ratio(num(k + ".cpu_us"), num(n + ".cpu_us"))
                p99 = num(k + ".p99_ms")
                ok = ("met" if r and r >= 1.0 and rc is not None and rc <= 2 and p99 is not None
                      and p99 <= 10 else "not met")
                w(f"| {d} | {backend} | {label} | {fmt_num(num(k + '.rps'))} | "
                  f"{R.get(k + '.p50_ms')} ms | {R.get(k + '.p99_ms')} ms | "
                  f"{R.get(k + '.cpu_us', '–')} µs | {fmt_num(num(n + '.rps'))} | "
                  f"{R.get(n + '.cpu_us', '–')} µs | {fmt_num(r, 2)}× | {fmt_num(rc, 2)}× | "
                  f"≥ 1.0× req/s, CPU ≤ 2×, p99 ≤ 10 ms: {ok} |")
        w("")
        for d in ad:
            w(f"{d}: page ({coding(d + '.ad')}) with the receipt's QR code; "
              f"{fmt_num(num(d + '.ad_stored'))} passbooks stored"
              + (f" by announcing every village ({R[d + '.ad_announce_s']} s)"
                 if d + '.ad_announce_s' in R else "")
              + (f"; stored after the load by `jifen passbook-render` in {R[d + '.pb_render_s']} s"
                 if d + '.pb_render_s' in R else "")
              + (f"; {fmt_num(num(d + '.ad.instructions'))} instructions per page "
                 "(`perf stat -e instructions`)" if d + '.ad.instructions' in R else
                 "; instructions per page: `perf stat` has no counter on this VM")
              + (f"; SQLite → PostgreSQL `migrate-db` {R[d + '.ad_pg_migrate_s']} s"
                 if d + '.ad_pg_migrate_s' in R else "") + ".")
        w("")
        w("The cold pass is the announcement day: each request a card nobody opened a moment "
          "before, answered from its stored bytes (one indexed read: token → household → "
          "stored page; passbook_store.h).  The warm pass sends the ETag the phone kept "
          "(bench.py etags fetched them) and counts only 304s without a body.  The first "
          "cards' pages and JSON are checked against the generator before the load; every "
          "answer during it is checked by the wrk script (Content-Encoding: gzip, and the "
          "marker in the body inflated).  On PostgreSQL the server CPU is "
          "the two jifen instances' (nginx's own is not counted); the nginx column is the "
          "static file on SQLite's row.  Behind the load balancer the gzip answers are "
          "jifen's, passed through (nginx-lb.conf.in: `gzip off`), checked the same way.")
        w("")
        client = [f"{d} cold: jifen {R[d + '.ad.cold.client_cpu_us']} µs, nginx "
                  f"{R.get(d + '.ad.nginx.client_cpu_us', '–')} µs"
                  + (f", behind the load balancer {R[d + '.ad_pg.cold.client_cpu_us']} µs"
                     if d + '.ad_pg.cold.client_cpu_us' in R else "")
                  for d in ad if d + ".ad.cold.client_cpu_us" in R]
        if client:
            w("wrk's own CPU per request (inflating every answer; see table 1): "
              + "; ".join(client) + ".")
            w("")

    w(f"## 1. Passbook under load (wrk -t2 -c64 -d{R.get('wrk_duration', '10s')}, keep-alive, "
      "random households)")
    w("")
    w("| data set | what | jifen req/s | p50 | p99 | server CPU per request | "
      "nginx req/s (static file, same size and coding) | p50 | p99 | nginx CPU per request | "
      "ratio req/s | ratio CPU | target |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for d in datasets:
        for what, label in (("page", "page /p/TOKEN"), ("json", "JSON /api/v1/p/TOKEN")):
            k = f"{d}.pb_{what}"
            if k + ".rps" not in R:
                continue
            r = ratio(num(k + ".rps"), num(k + ".nginx_rps"))
            p99 = num(k + ".p99_ms")
            ok = "met" if r and r >= 1.0 and p99 is not None and p99 <= 10 else "not met"
            w(f"| {d} | {label} ({coding(k)}) | "
              f"{fmt_num(num(k + '.rps'))} | {R.get(k + '.p50_ms')} ms | {R.get(k + '.p99_ms')} ms"
              f" | {R.get(k + '.cpu_us', '–')} µs"
              f" | {fmt_num(num(k + '.nginx_rps'))} | {R.get(k + '.nginx_p50_ms')} ms | "
              f"{R.get(k + '.nginx_p99_ms')} ms | {R.get(k + '.nginx_cpu_us', '–')} µs | "
              f"{fmt_num(r, 2)}× | "
              f"{fmt_ratio(ratio(num(k + '.nginx_cpu_us'), num(k + '.cpu_us')))}× | "
              f"≥ 1.0×, p99 ≤ 10 ms: {ok} |")
    w("")
    w("Tokens are issued through the product (`POST /v/CODE/households/ID/card-token` as the "
      "town admin) for every participating household ("
      + ", ".join(f"{k}: {fmt_num(num(k + '.tokens'))} cards issued in {R.get(k + '.tokens_issue_s')} s"
                  for k in ("town", "county", "smoke") if (k + ".tokens") in R)
      + "); the wrk script "
      "(bench/wrk/passbook.lua) picks a random one per request, so most pages are read cold "
      "as on an announcement day, asks as a phone's browser asks (`Accept-Encoding: gzip, "
      "deflate, br`), and counts every answer that is not 200, not gzip-coded, does not "
      "inflate (zlib through LuaJIT's FFI, in the script) or lacks the page's marker once "
      "inflated; any such answer fails the run.  Before the "
      "load, the page and JSON of the first " + R.get("check_max", "?") + " tokens (a random sample) are checked "
      "against the generator's balance, year points and entry count, each fetched twice, "
      "with and without gzip: the gzip answer must inflate to exactly the other's bytes.  "
      "nginx: 2 workers, access log off, sendfile, one static file "
      "of the mean size of jifen's answers behind the same URLs and the same wrk script, "
      "and beside it that answer's gzip bytes as jifen sent them, padded to the mean gzip "
      "size in the gzip header's comment field, served by `gzip_static` (checked: the very "
      ".gz bytes, no compression per request).  "
      "CPU per request is the server's user + system time over the run divided by the "
      "requests answered (all threads; nginx: master and workers): less disturbed by "
      "the other work on the machine than req/s.  wrk runs on the same 2 cores as the "
      "server.  The database file is read into the page cache first.")
    w("")
    client = []
    for d in datasets:
        for what, label in (("page", "page"), ("json", "JSON")):
            k = f"{d}.pb_{what}"
            if k + ".client_cpu_us" in R:
                client.append(f"{d} {label}: jifen {R[k + '.client_cpu_us']} µs, nginx "
                              f"{R.get(k + '.nginx_client_cpu_us', '–')} µs, floor "
                              f"{R.get(k + '.floor_client_cpu_us', '–')} µs")
    if client:
        w("wrk's own CPU per request (user + system of the wrk process over the run: it "
          "inflates and checks every answer, on the same 2 cores as the server, so a heavier "
          "client lowers every server's req/s and moves the req/s ratios toward 1; the "
          "servers' CPU per request much less so): " + "; ".join(client) + ".")
        w("")

    if any(f"{d}.pb_page.floor_rps" in R for d in datasets):
        w("### Where the distance to nginx lies: the libmicrohttpd floor")
        w("")
        w("| data set | what | bare libmicrohttpd req/s | its CPU per request | ratio req/s "
          "(floor ÷ nginx) | ratio CPU (nginx ÷ floor) | jifen's own CPU per request "
          "(jifen − floor) |")
        w("|---|---|---:|---:|---:|---:|---:|")
        for d in datasets:
            for what, label in (("page", "page"), ("json", "JSON")):
                k = f"{d}.pb_{what}"
                if k + ".floor_rps" not in R:
                    continue
                own = None
                if num(k + ".cpu_us") is not None and num(k + ".floor_cpu_us") is not None:
                    own = num(k + ".cpu_us") - num(k + ".floor_cpu_us")
                w(f"| {d} | {label} | {fmt_num(num(k + '.floor_rps'))} | "
                  f"{R.get(k + '.floor_cpu_us', '–')} µs | "
                  f"{fmt_num(ratio(num(k + '.floor_rps'), num(k + '.nginx_rps')), 2)}× | "
                  f"{fmt_ratio(ratio(num(k + '.nginx_cpu_us'), num(k + '.floor_cpu_us')))}× | "
                  f"{fmt_num(own, 1) if own is not None else '–'} µs |")
        w("")
        w("bench/mhd_floor.c starts libmicrohttpd as `jifen serve` does (epoll, one thread a "
          "core, the same connection limits and pool size) and answers every request of the "
          "same wrk script with the same file nginx serves (its .gz, with Content-Encoding: "
          "gzip, to a request whose Accept-Encoding names gzip), from memory, with the headers of "
          "jifen's stored answer: no database, no lookup, no rendering.  What it costs is the "
          "HTTP stack's and the kernel's; what jifen costs beyond it is jifen's own.")
        w("")

    w("## 2. Ledger posting: `jifen sheet approve` of one sheet of "
      f"{fmt_num(num('post.entries'))} entries")
    w("")
    w("| backend | jifen (median of runs) | entries/s | reference | reference entries/s | "
      "ratio | target |")
    w("|---|---:|---:|---|---:|---:|---|")
    for be, ref in (("sqlite", "raw SQLite: one prepared INSERT, one transaction "
                     "(bench/raw_insert.c)"),
                    ("pg", "PostgreSQL `COPY` of the same rows (psql \\copy)")):
        if f"post.{be}.jifen_s" not in R:
            continue
        js, rs = num(f"post.{be}.jifen_s"), num(f"post.{be}.ref_s")
        n = num("post.entries")
        r = ratio(rs, js)
        w(f"| {'SQLite' if be == 'sqlite' else 'PostgreSQL 15'} | {fmt_num(js, 3)} s | "
          f"{fmt_num(ratio(n, js))} | {ref}: {fmt_num(rs, 3)} s | {fmt_num(ratio(n, rs))} | "
          f"{fmt_num(r, 2)}× | ≥ 0.5×: {'met' if r and r >= 0.5 else 'not met'} |")
    w("")
    w("jifen's figure is the wall time of the whole `jifen sheet approve` process (reading the "
      "sheet, hashing the chain, inserting the ledger rows, the balance and year upserts, the "
      "approval and audit rows, commit; on SQLite also the WAL checkpoint at exit).  The "
      "reference inserts the very rows jifen wrote (read back from its database) into a table "
      "of the same shape and indexes; raw_insert times BEGIN to close (checkpoint included), "
      "the COPY figure is the psql process.  Checked: `jifen verify` passes, balances equal "
      "the generator's, the reference holds every row with the same last hash.")
    if R.get("post.pg.ref_fk_s"):
        w(f"For context: the same COPY into a table that also carries ledger_entry's two "
          f"foreign keys (household, village), which PostgreSQL checks row by row: "
          f"{fmt_num(num('post.pg.ref_fk_s'), 3)} s.")
    if R.get("post.import_s"):
        w(f"Loading the sheet (`jifen import entries`, every row checked, caps included): "
          f"SQLite {fmt_num(num('post.import_s'), 2)} s, PostgreSQL "
          f"{fmt_num(num('post.pg_import_s'), 2)} s.")
    w("")

    w("## 3. Reports: balances of every household")
    w("")
    w("| data set | households | jifen | reference: ledger-cli `balance` | ratio | "
      "CPU time: jifen / ledger-cli | CPU ratio | target |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for d in datasets:
        if f"{d}.bal_cli_s" not in R:
            continue
        led = num(f"{d}.ledger_s")
        for k, label in (("bal_cli_s", "`jifen balances` for every village (one process each)"),
                         ("bal_http_s", "`GET /api/v1/villages/CODE/balances` for every village, "
                                        "one keep-alive connection")):
            t = num(f"{d}.{k}")
            if t is None:
                continue
            r = ratio(led, t)
            cpu = num(f"{d}.{k.replace('_s', '_cpu_s')}")
            lcpu = num(f"{d}.ledger_cpu_s")
            cr = ratio(lcpu, cpu)
            w(f"| {d}: {label} | {fmt_num(num(d + '.bal_households'))} | {fmt_num(t, 3)} s | "
              f"{fmt_num(led, 2)} s | {fmt_ratio(r)}× faster | "
              f"{fmt_num(cpu, 2) + ' s / ' + fmt_num(lcpu, 2) + ' s' if cpu else '–'} | "
              f"{fmt_ratio(cr) + '×' if cr else '–'} | ≥ 100×: "
              f"{'met' if r and r >= 100 else 'not met'} |")
    w("")
    w("ledger-cli 3.3 reads the journal the generator wrote with the same entries "
      "(`ledger -f journal.dat --flat --no-total balance ^Households`); the figure is that one "
      "report.  Checked: every household's balance and this year's points from jifen equal "
      "ledger-cli's (`balance` and `-p YEAR balance`) and the generator's own sums.")
    w("")

    w("## 7. 一季一公示: announcing a quarter, receipts, proofs")
    w("")
    w("| data set | what | jifen | beside it: `jifen balances` of the same villages | ratio |")
    w("|---|---|---:|---:|---:|")
    for d in datasets:
        if f"{d}.ann_big_s" not in R:
            continue
        big = R.get(d + ".ann_big_village")
        w(f"| {d} | `jifen announce` of the largest village ({big}, "
          f"{fmt_num(num(d + '.ann_big_households'))} households, {R.get(d + '.ann_quarter')}, "
          f"{fmt_num(num(d + '.ann_big_entries'))} entries) | {fmt_num(num(d + '.ann_big_s'), 3)} s | "
          f"{fmt_num(num(d + '.ann_big_bal_s'), 3)} s | "
          f"{fmt_num(ratio(num(d + '.ann_big_s'), num(d + '.ann_big_bal_s')), 2)}× |")
        w(f"| {d} | `jifen announce` of every village, the whole quarter "
          f"({R.get(d + '.villages')} processes) | {fmt_num(num(d + '.ann_all_s'), 2)} s | "
          f"{fmt_num(num(d + '.bal_cli_s'), 2)} s | "
          f"{fmt_num(ratio(num(d + '.ann_all_s'), num(d + '.bal_cli_s')), 2)}× |")
        w(f"| {d} | `jifen verify` after the announcements (chain, balances, every checkpoint and "
          f"announcement recomputed from the entries, the signing log) | "
          f"{fmt_num(num(d + '.ann_verify_s'), 2)} s | before them: "
          f"{fmt_num(num(d + '.verify_s'), 2)} s | "
          f"{fmt_num(ratio(num(d + '.ann_verify_s'), num(d + '.verify_s')), 2)}× |")
    w("")
    w("| data set | receipt size (largest village, sample) | inclusion proofs/s (HTTP) | "
      "receipts/s (HTTP) | proof hashes | target |")
    w("|---|---:|---:|---:|---:|---|")
    for d in datasets:
        if f"{d}.ann_receipt_max" not in R:
            continue
        mx = num(d + ".ann_receipt_max")
        w(f"| {d} | {fmt_num(num(d + '.ann_receipt_min'))}–{fmt_num(mx)} B "
          f"({R.get(d + '.ann_receipts')} receipts, each checked by `jifen verify-receipt`) | "
          f"{fmt_num(num(d + '.ann_proofs_per_s'))} | {fmt_num(num(d + '.ann_receipts_per_s'))} | "
          f"{R.get(d + '.ann_proof_hashes')} | receipt ≤ 1,200 B: "
          f"{'met' if mx and mx <= 1200 else 'not met'} |")
    w("")
    w("`jifen announce` takes the village's chain head with its lock, signs the ledger "
      "checkpoint (root from the stored hashes: popcount(size) rows), computes every "
      "participating household's quarter, year and balance figures from the ledger, builds "
      "the announcement's Merkle tree, signs it (both through the signing log beside the key, "
      "fsync'ed) and stores the lines — one process, so the figure includes start-up.  "
      "Proofs: `GET /api/v1/villages/V/proofs/inclusion?seq=S` of random entries as the town "
      "admin over one keep-alive connection (the first 20 checked against leaves recomputed "
      "from the database), then `GET …/announcements/Q/receipts/H` of random households (a "
      "receipt rebuilds the announcement's tree from its stored lines).  The posting cost of "
      "the Merkle bookkeeping is in table 2: the approval there also writes the tree's "
      "`ledger_tree` rows (every fourth level's node hashes, 16 a row) in the same "
      "transaction, against a reference that inserts the entries alone.")
    w("")

    w("## 4. Memory and 5. cold start")
    w("")
    w("| data set | jifen | reference | target |")
    w("|---|---|---|---|")
    for d in datasets:
        if f"{d}.anon_peak_kb" in R:
            # the target is on private memory: VmHWM also counts the
            # database pages read through SQLite's mapping (page cache)
            v = num(f"{d}.anon_peak_kb") / 1024
            w(f"| {d} | peak private memory (RssAnon) of `jifen serve` during workload 1: "
              f"{fmt_num(v, 1)} MB; VmHWM {fmt_num(num(d + '.rss_peak_kb') / 1024, 1)} MB, "
              f"the mapped database pages included | nginx, master + 2 workers "
              f"(VmHWM summed): {fmt_num(num(d + '.nginx_rss_kb') / 1024, 1)} MB | ≤ 64 MB: "
              f"{'met' if v <= 64 else 'not met'} |")
        elif f"{d}.rss_peak_kb" in R:
            v = num(f"{d}.rss_peak_kb") / 1024
            w(f"| {d} | peak RSS of `jifen serve` during workload 1 (VmHWM): "
              f"{fmt_num(v, 1)} MB | nginx, master + 2 workers (VmHWM summed): "
              f"{fmt_num(num(d + '.nginx_rss_kb') / 1024, 1)} MB | ≤ 64 MB: "
              f"{'met' if v <= 64 else 'not met'} |")
        if f"{d}.coldstart_ms" in R:
            w(f"| {d} | cold start, `jifen serve` to the first answered passbook request: "
              f"{R[d + '.coldstart_ms']} ms | nginx start to first answer: "
              f"{R.get(d + '.nginx_coldstart_ms')} ms | – |")
    w("")
    w("Cold start is measured with the database file in the page cache (the load just wrote "
      "it); the figure is process start to the first 200 answer of `/api/v1/p/TOKEN`.")
    w("")

    if "redeem.sqlite.serial_rps" in R:
        w("## 6. Redemptions: `POST /api/v1/villages/CODE/redeem` at the counter")
        w("")
        w(f"| backend | one counter (one client, one after the other) | p50 / p99 | "
          f"64 concurrent clients (wrk -t2 -c64 -d{R.get('wrk_duration', '10s')}) | p50 / p99 | "
          f"reference: ledger posting of workload 2, entries/s |")
        w("|---|---:|---:|---:|---:|---:|")
        for be, label in (("sqlite", "SQLite"), ("pg", "PostgreSQL 15")):
            k = f"redeem.{be}"
            if k + ".serial_rps" not in R:
                continue
            js = num(f"post.{be}.jifen_s")
            w(f"| {label} | {fmt_num(num(k + '.serial_rps'))}/s | {R.get(k + '.serial_p50_ms')} / "
              f"{R.get(k + '.serial_p99_ms')} ms | {fmt_num(num(k + '.rps'))}/s | "
              f"{R.get(k + '.p50_ms')} / {R.get(k + '.p99_ms')} ms | "
              f"{fmt_num(ratio(num('post.entries'), js))}/s |")
        w("")
        w(f"{R.get('redeem.households', '?')} households with 2,500 points each, one goods item "
          "of 1 point with a stock of 100,000,000, random households.  Each redemption is a "
          "write transaction of its own: the household's and the item's row locks, the chain "
          "head's lock, one `redemption` ledger entry on the hash chain, the redemption row, "
          "the stock movement, the audit row, commit — where an approval posts thousands of "
          "entries in one transaction (the reference column), so the two rates differ by the "
          "cost of a transaction, not of an entry.  On one village every redemption takes the "
          "village's chain head, so concurrent counters of one village are serialised (other "
          "villages are not).  Checked: every answer 201 with the new balance, then `jifen "
          "verify` (chain, balances, stock = sum of movements, every redemption against its "
          "entry) and the redemption count against the answers.")
        w("")

    ov = [d for d in datasets if f"{d}.ov.report_csv.s" in R]
    for d in ov:
        k = d + ".ov."
        dash = dict(x.split("=", 1) for x in R.get(k + "dashboard", "").split() if "=" in x)

        def mb(key):
            v = num(k + key)
            return f"{v / 1024:.1f} MB" if v is not None else "–"

        def kb(v):
            return f"{float(v) / 1024:.0f} KB" if v else "?"
        reps = num("reps") or 1
        cpu_req = (f"{dash['serve_cpu_ms']} ms a request (the server's CPU over the "
                   f"{reps:g} + {reps:g} requests, the login excluded)"
                   if "serve_cpu_ms" in dash else "–")
        peak = (f"{float(dash['serve_rss_peak_kb']) / 1024:.1f} MB over both, after the login"
                if "serve_rss_peak_kb" in dash else mb("serve.rss_peak_kb") + " after both")
        w("## 8. The town's view: `jifen report` and the town dashboard (issue 14)")
        w("")
        w(f"`bench/oversight.sh` on a copy of the {d} set ({R.get(k + 'villages')} villages, "
          f"{fmt_num(num(k + 'households'))} households, {fmt_num(num(k + 'entries'))} ledger "
          f"entries, year {R.get(k + 'year')}); medians of {R.get('reps', '?')} runs; CPU is "
          "user + system (from getrusage), steadier than wall time on the shared cores; peak "
          "RSS is `time`'s maximum resident set, for the server VmHWM (reset after the login, "
          "whose memory-hard password hash is most of the server's peak otherwise).")
        w("")
        w("| what | wall | CPU | peak RSS |")
        w("|---|---|---|---|")
        w(f"| `jifen report --format csv` ({R.get(k + 'report_csv.rows')} rows) | "
          f"{R.get(k + 'report_csv.s')} s | {R.get(k + 'report_csv.cpu_s')} s | "
          f"{mb('report_csv.rss_kb')} |")
        w(f"| `jifen report --format json` | {R.get(k + 'report_json.s')} s | "
          f"{R.get(k + 'report_json.cpu_s')} s | {mb('report_json.rss_kb')} |")
        w(f"| `jifen report --format xlsx --out` ({kb(R.get(k + 'report_xlsx.bytes'))} "
          f"workbook) | {R.get(k + 'report_xlsx.s')} s | {R.get(k + 'report_xlsx.cpu_s')} s | "
          f"{mb('report_xlsx.rss_kb')} |")
        w(f"| `GET /town`, the dashboard page ({kb(dash.get('page_bytes'))}) | "
          f"{dash.get('page_ms', '?')} ms | {cpu_req} | `jifen serve` "
          f"{peak} |")
        w(f"| `GET /api/v1/town/dashboard` ({kb(dash.get('json_bytes'))}) | "
          f"{dash.get('json_ms', '?')} ms | (the same) | – |")
        w(f"| beside: `jifen balances` of the largest village | {R.get(k + 'balances_big.s')} s "
          f"| {R.get(k + 'balances_big.cpu_s')} s | {mb('balances_big.rss_kb')} |")
        w(f"| beside: `jifen balances` of every village, {R.get(k + 'villages')} processes | "
          f"{R.get(k + 'balances_all.s')} s | {R.get(k + 'balances_all.cpu_s')} s | "
          f"{mb('balances_all.rss_max_kb')} (largest process) |")
        w("")
        w("The report reads the whole town in one snapshot with nine grouped statements (not a "
          "round per village); the household counts are an index-only scan of "
          "`household_oversight` (schema 017).  The dashboard also reads each village's funds' "
          "coverage through `fund_summary()` (a small snapshot per village, so that it shows "
          "exactly what the village's funds page shows) and draws the page and its SVG "
          "charts: that is most of its CPU.  The server's peak over the requests is mostly "
          "SQLite's page cache of its connections scanning the county, not the dashboard's "
          "own memory (its rows are one struct per village in the request's arena).  "
          "Checked: the "
          "report has one row per village, the dashboard's JSON lists every village.")
        w("")

    if os.path.exists(R.get("profile_file", "")):
        w("## Profile")
        w("")
        with open(R["profile_file"]) as f:
            w(f.read().rstrip())
        w("")
    if os.path.exists(R.get("notes_file", "")):
        with open(R["notes_file"]) as f:
            w(f.read().rstrip())
        w("")
    w("## Reproduce")
    w("")
    w("    scripts/install-bench-deps.sh   # nginx-light, ledger, valgrind, linux-perf, wrk")
    w(f"    bench/run.sh {R.get('mode', 'all')}")
    w("")
    tot = num("total_s")
    w(f"This run took {R.get('total_s', '?')} s ({fmt_num(tot / 60 if tot else None, 1)} min) "
      "at the load average above; loading the data through the CLI is most of it (table "
      f"Data).  Raw figures: `{R.get('results_copy', '')}`.")
    with open(out, "w") as f:
        f.write("\n".join(L) + "\n")


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "port":
        print(free_port())
    elif cmd == "tokens":
        cmd_tokens(*a)
    elif cmd == "dashboard":
        cmd_dashboard(*a)
    elif cmd == "check-passbook":
        cmd_check_passbook(*a)
    elif cmd == "etags":
        cmd_etags(*a)
    elif cmd == "coldstart":
        cmd_coldstart(a)
    elif cmd == "http-balances":
        cmd_http_balances(*a)
    elif cmd == "compare-balances":
        cmd_compare_balances(*a)
    elif cmd == "shop-files":
        cmd_shop_files(*a)
    elif cmd == "shop-session":
        cmd_shop_session(*a)
    elif cmd == "redeem-serial":
        cmd_redeem_serial(*a)
    elif cmd == "quarter":
        cmd_quarter(*a)
    elif cmd == "proofs":
        cmd_proofs(*a)
    elif cmd == "logins":
        cmd_logins(*a)
    elif cmd == "report":
        cmd_report(*a)
    else:
        die("unknown command " + cmd)


if __name__ == "__main__":
    main()
