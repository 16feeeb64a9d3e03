"""jifentest — drives the real build/jifen binary for the HTTP and CLI tests.

Every test file (tests/http/t_*.py) imports this module, defines functions
named test_NNN_what, and ends with `jifentest.main(globals())`.  Each test
gets a fresh database: a SQLite file in a temporary folder, or — when
JIFEN_BACKEND=postgresql — a new database on the server of JIFEN_TEST_PG.

Environment (set by ctest, see CMakeLists.txt):
  JIFEN_BIN      path of the jifen binary
  JIFEN_BACKEND  "sqlite" (default) or "postgresql"
  JIFEN_TEST_PG  postgresql://USER@HOST:PORT/DB of a throwaway server
"""
import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import uuid

BIN = os.environ.get("JIFEN_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "jifen")
BACKEND = os.environ.get("JIFEN_BACKEND", "sqlite")
PG = os.environ.get("JIFEN_TEST_PG", "")
PASSWORD = "Passw0rd!"


class Failure(AssertionError):
    pass


def check(cond, msg="check failed"):
    if not cond:
        raise Failure(msg)


def eq(got, want, msg=""):
    if got != want:
        raise Failure(f"{msg} got {got!r}, want {want!r}")


class Db:
    """A fresh database for one test; .url is what --db takes."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jifen-test-")
        self.pg_name = None
        if BACKEND == "postgresql":
            if not PG:
                raise RuntimeError("JIFEN_BACKEND=postgresql needs JIFEN_TEST_PG")
            self.pg_name = "t_" + uuid.uuid4().hex[:16]
            subprocess.run(["psql", PG, "-qc", f"CREATE DATABASE {self.pg_name}"],
                           check=True, capture_output=True)
            u = urllib.parse.urlsplit(PG)
            self.url = urllib.parse.urlunsplit(u._replace(path="/" + self.pg_name))
        else:
            self.url = os.path.join(self.dir, "jifen.db")
        self.key = os.path.join(self.dir, "jifen.key")

    def sql(self, query):
        """Run SQL directly (tests that tamper or inspect); returns rows as
        lists of text."""
        if self.pg_name:
            out = subprocess.run(["psql", self.url, "-AtF", "\t", "-c", query],
                                 check=True, capture_output=True, text=True).stdout
        else:
            out = subprocess.run(["sqlite3", "-separator", "\t", self.url, query],
                                 check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line != ""]

    def close(self):
        if self.pg_name:
            subprocess.run(["psql", PG, "-qc", f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)"],
                           capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


# The sanitizer build (scripts/test.sh) runs these tests too.  A process this
# module starts reports leaks without changing its exit status (exit codes
# are asserted), and sanitizer_report() judges its stderr instead.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def sanitized():
    """True when BIN is the sanitizer build: its memory figures are not the
    program's (ASan keeps freed blocks in a quarantine of up to 256 MB), so
    a test bounding RSS asserts it only on the normal build."""
    try:
        with open(BIN, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False

# Known leaks that are not to fail the tests, each a (function, file) of the
# frame that called the allocator, e.g. ("main", "src/main.c"), with a
# comment saying why.  Empty is the aim: add one only while its fix is on
# the way, and remove it with the fix.
KNOWN_LEAKS = ()


def sanitizer_env(env):
    """env for a jifen process: leaks are reported, exit status unchanged."""
    env["LSAN_OPTIONS"] = (env.get("LSAN_OPTIONS", "") + ":exitcode=0").lstrip(":")
    return env


def sanitizer_report(stderr):
    """The AddressSanitizer/LeakSanitizer/UBSan report in a process's
    stderr, or None when there is none or it lists only KNOWN_LEAKS."""
    stderr = stderr or ""
    for mark in SANITIZER_MARKS:
        at = stderr.find(mark)
        if at < 0:
            continue
        report = stderr[max(0, stderr.rfind("\n", 0, at)):][:6000]
        if mark == "ERROR: LeakSanitizer" and all(
                known_leak(b) for b in re.split(r"\n(?=(?:Direct|Indirect) leak)", report)[1:]):
            continue
        return report
    return None


def known_leak(block):
    """True when one leak of a LeakSanitizer report was allocated by a
    function of KNOWN_LEAKS (frame #1, the allocator's caller)."""
    m = re.search(r"^\s*#1 0x[0-9a-f]+ in (\S+) (\S+?):\d+", block, re.M)
    return bool(m) and any(m.group(1) == fn and m.group(2).endswith("/" + f)
                           for fn, f in KNOWN_LEAKS)


def cli(db, *args, stdin=None, env=None):
    """Run `jifen --db URL ARGS...`; returns (exit code, stdout, stderr)."""
    e = sanitizer_env(dict(os.environ))
    e.pop("JIFEN_DB", None)
    # the signing key beside the test's database on either backend (for a
    # postgresql:// URL the default would be in the current folder)
    if getattr(db, "key", None):
        e.setdefault("JIFEN_KEY", db.key)
    if env:
        e.update(env)
    p = subprocess.run([BIN, "--db", db.url, *args], input=stdin, capture_output=True,
                       text=True, env=e, timeout=300)
    report = sanitizer_report(p.stderr)
    if report:
        raise Failure(f"jifen {' '.join(args)}: sanitizer report:\n{report}")
    return p.returncode, p.stdout, p.stderr


def cli_ok(db, *args, stdin=None):
    rc, out, err = cli(db, *args, stdin=stdin)
    if rc != 0:
        raise Failure(f"jifen {' '.join(args)} exited {rc}: {err}")
    return out


class Server:
    """`jifen serve` on an ephemeral loopback port."""

    def __init__(self, db, extra_env=None):
        e = sanitizer_env(dict(os.environ))
        if getattr(db, "key", None):
            e.setdefault("JIFEN_KEY", db.key)
        if extra_env:
            e.update(extra_env)
        self.proc = subprocess.Popen([BIN, "--db", db.url, "serve", "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=e)
        self.port = None
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"port (\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if not self.port:
            self.proc.kill()
            raise RuntimeError("server did not start: " + self.proc.stderr.read())

    def client(self, source=None):
        """A client; source: the loopback address its connections come
        from (127.0.0.0/8 is all loopback), 127.0.0.1 when None."""
        return Client(self.port, source)

    def stop(self, check=True):
        """SIGTERM, then wait.  Unless check is false (a test that kills the
        server on purpose), fail when it did not exit with status 0 or its
        stderr holds a sanitizer report (leaks are reported at exit)."""
        if getattr(self, "stopped", False):
            return
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            if check:
                raise Failure("server did not stop within 30 s of SIGTERM")
        self.stderr = err
        if not check:
            return
        report = sanitizer_report(err)
        if report or self.proc.returncode != 0:
            raise Failure(f"server exited with status {self.proc.returncode}:\n"
                          f"{report or err[-3000:]}")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        import json
        return json.loads(self.text)


class Client:
    """A browser-like client: keeps cookies, remembers the last CSRF token
    a page carried, does not follow redirects (tests assert them)."""

    def __init__(self, port, source=None):
        self.port = port
        self.source = (source, 0) if source else None
        self.cookies = {}
        self.csrf = None
        self.conn = self.connect()

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                          source_address=self.source)

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = self.connect()
                if attempt:
                    raise
        resp = Response(r.status, r.getheaders(), data)
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                val = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = val
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', resp.text)
        if m:
            self.csrf = m.group(1)
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields=None, csrf=True, headers=None):
        fields = list((fields or {}).items()) if isinstance(fields, dict) else list(fields or [])
        if csrf and self.csrf and not any(k == "csrf" for k, _ in fields):
            fields.append(("csrf", self.csrf))
        body = urllib.parse.urlencode(fields)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h)

    def post_multipart(self, path, fields, files, csrf=True):
        """files: {name: (filename, bytes, content_type)}"""
        boundary = "----jifen" + uuid.uuid4().hex
        parts = []
        fields = dict(fields or {})
        if csrf and self.csrf and "csrf" not in fields:
            fields["csrf"] = self.csrf
        for k, v in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                         .encode() + str(v).encode() + b"\r\n")
        for k, (fn, data, ct) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                         f'filename="{fn}"\r\nContent-Type: {ct}\r\n\r\n'.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body=body,
                            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, login, password=PASSWORD):
        self.get("/login")
        r = self.post("/login", {"login": login, "password": password})
        if r.status != 303:
            raise Failure(f"login {login} failed: {r.status} {r.text[:300]}")
        # follow the redirects to a page, which carries the session's CSRF
        # token (in its logout form at least)
        loc = r.header("Location") or "/"
        for _ in range(5):
            p = self.get(loc)
            if p.status not in (301, 302, 303):
                break
            loc = p.header("Location")
        return r


def town(db, villages=("V1", "V2")):
    """A town with villages and one account of each role per village:
    admin (town), V1-admin, V1-scorer, V1-shop, V2-admin, ..."""
    cli_ok(db, "init")
    for v in villages:
        cli_ok(db, "village", "add", v, f"{v}村")
    cli_ok(db, "user", "add", "admin", "--role", "town_admin", "--password-stdin", stdin=PASSWORD + "\n")
    for v in villages:
        for role, suffix in (("village_admin", "admin"), ("scorer", "scorer"), ("shopkeeper", "shop")):
            cli_ok(db, "user", "add", f"{v}-{suffix}", "--role", role, "--village", v,
                   "--password-stdin", stdin=PASSWORD + "\n")
        scoring_group(db, v)


def scoring_group(db, v):
    """The scoring group the plan requires (a two-committee member and a
    villager representative, 四(三)) in village v, so that its months can be
    submitted: V-admin as 村两委成员, V-scorer as 村民代表."""
    for name, role, login in ((f"{v}书记", "committee", f"{v}-admin"),
                              (f"{v}代表", "representative", f"{v}-scorer")):
        cli_ok(db, "group", "add", "--village", v, "--name", name, "--role", role,
               "--account", login, "--joined", "2024-01-01", "--meeting-date", "2024-01-01",
               "--attendees", "村党组织全体委员")


SAMPLE_STANDARD = os.path.join(os.path.dirname(__file__), "..", "data", "sample-standard.csv")


def standard_and_households(db, village, codes, meeting=None):
    """In village: the sample standard adopted and in force from 2024-05-01
    (at meeting when given), and households with these codes (head 户主N,
    eligible, joined 2024-05-01), both through the CLI."""
    args = ["import", "standard", "--village", village, SAMPLE_STANDARD,
            "--adopted", "2024-05-01", "--effective", "2024-05-01"]
    cli_ok(db, *(args + (["--meeting", meeting] if meeting else [])))
    hh = os.path.join(db.dir, f"hh-{village}.csv")
    with open(hh, "w", encoding="utf-8") as f:
        f.write("code,head_name,hukou,homestead,resident,joined\n")
        for i, code in enumerate(codes, 1):
            f.write(f"{code},户主{i},是,是,是,2024-05-01\n")
    cli_ok(db, "import", "households", "--village", village, hh)


def write_file(db, name, text):
    """text as the UTF-8 file name in the test's folder; returns its path."""
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def score_month(db, month, rows, village="V1"):
    """Import rows (household, item, day, quantity, note) as month's entries of
    village and approve the sheet at a meeting on the 28th, through the CLI."""
    body = "household,item,date,quantity,note\n" + "".join(
        f"{h},{item},{month}-{day:02d},{q},{note}\n" for h, item, day, q, note in rows)
    cli_ok(db, "import", "entries", "--village", village, "--month", month,
           write_file(db, f"e-{village}-{month}.csv", body))
    cli_ok(db, "sheet", "approve", "--village", village, "--month", month,
           "--meeting-date", f"{month}-28", "--attendees", "两委", "--resolution", "同意")
def without_labels(text):
    """A page without the data-label attributes html_stack.c gives table
    cells (their column names, for phones), for tests that match markup."""
    return re.sub(r' data-label="[^"]*"', "", text)


def unescaped(text, hostile):
    """True when the hostile string appears raw (unescaped) in text."""
    return hostile in text


def escaped_form(s):
    return html.escape(s, quote=True).replace("&#x27;", "&#39;")


def main(namespace):
    """Run every test_* function of the calling module, each with its own
    database; print 'N passed, N failed' and exit non-zero on failure."""
    tests = sorted((k, v) for k, v in namespace.items() if k.startswith("test_") and callable(v))
    only = sys.argv[1:] if len(sys.argv) > 1 else None
    passed = failed = 0
    for name, fn in tests:
        if only and not any(o in name for o in only):
            continue
        db = Db()
        servers = []
        t0 = time.time()
        try:
            fn(db)
            passed += 1
            print(f"ok   {name} ({time.time() - t0:.2f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
        finally:
            for s in servers:
                s.stop()
            db.close()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
