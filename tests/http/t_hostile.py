"""t_hostile — input the product cannot accept, and clients that do not
behave, through the real binary.

Every form and JSON field is sent what it must refuse: 10,000 characters,
bytes that are not UTF-8 (raw, in urlencoded, multipart and JSON bodies),
control characters, negative and huge numbers, impossible and out-of-range
dates, unknown choices and wrong JSON types.  Each refusal must be a 4xx
whose message is Chinese and names the field (its label on the page, its
label or member name on the API), and must leave every table's row count
(and a few state columns) as it was.  Then: unknown ids and malformed path
segments (404), malformed JSON (truncated, wrong types, 10,000 levels deep),
uploads over the limit (413) or of the wrong type, and two clients that do
not behave — 1,000 idle connections, and a slowloris sending its headers
one byte per 100 ms — while another client is answered promptly.

The prepared town is t_access_matrix.prepare()'s, plus two submitted
sheets (July 2024 to approve, August to return), a second declaration and
the account V1-pw whose password is changed; it is made once per run and
copied into each test's database.

Run: JIFEN_BIN=build/jifen python3 tests/http/t_hostile.py [NAME...]
"""
import atexit
import base64
import datetime
import json
import os
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402
from t_access_matrix import (State, diff, household, one as J_one, png_bytes,  # noqa: E402
                             prepare, staff, write)

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = os.path.join(HERE, "..", "data", "sample-standard.csv")
TODAY = datetime.date.today().isoformat()
SUBMITTED = "2024-07"  # to approve
RETURNED = "2024-08"   # to return
CJK = re.compile(r"[\u4e00-\u9fff]")

# ---- hostile values --------------------------------------------------------------------
# Each: (name, value) — value is str or raw bytes; for JSON the value is put
# into the body as a JSON string unless it is a Raw (a JSON token as is).


class Raw(bytes):
    """A JSON token to put into a body as it is (numbers, arrays, bad bytes)."""


TEXT = [("long", "长" * 10000), ("utf8", b"\xff\xfe\xc0\xaf"), ("ctrl", "a\x01b\x1bc\x7f"),
        ("nul", "1\x00x")]
NUMBER = TEXT + [("negative", "-1"), ("huge", "99999999999999999999"), ("word", "十")]
DATE = TEXT + [("feb30", "2024-02-30"), ("year0", "0000-01-01"), ("year9999", "9999-12-31"),
               ("format", "2024/06/01")]
CHOICE = TEXT + [("unknown", "bogus")]
CODE = TEXT + [("unknown", "no such!")]
# in JSON bodies: the same, plus values of the wrong type
JTEXT = TEXT + [("number", Raw(b"12")), ("array", Raw(b"[]")), ("object", Raw(b"{}")),
                ("rawctrl", Raw(b'"a\x01b"')), ("surrogate", Raw(b'"\\ud800"'))]
JNUMBER = [("negative", Raw(b"-1")), ("huge", Raw(b"99999999999999999999")),
           ("string", "1"), ("float", Raw(b"1.5")), ("bool", Raw(b"true"))]
JDATE = [v for v in DATE] + [("number", Raw(b"20240601"))]
# Values that make the whole body invalid JSON: no field can be read to be
# named, the message says the body is not JSON and where.
NOT_JSON = ("utf8", "huge", "rawctrl", "surrogate", "nul")

# ---- the forms ----------------------------------------------------------------------------
# (name, path, who, body kind, valid base values, {field: (labels, values)})
#   who: a login, "household" (V1/001 with its PIN) or "anonymous"
#   kind: "form" (urlencoded), "multipart", "json"
#   labels: the words one of which the refusal must contain (a field's
#   label on the page; on the API its label or the member's name); None:
#   a login form, which says only that the login failed (401)
HOUSEHOLD = {"code": "101", "head_name": "钱七", "address": "一组 5 号", "members": "3",
             "phone": "13800138000", "hukou": "是", "homestead": "是", "resident": "是",
             "tenant": "否", "joined": "2024-03-01"}
HOUSEHOLD_FIELDS = {
    "code": (("户编号",), TEXT), "head_name": (("户主姓名",), TEXT),
    "address": (("地址",), TEXT[:1] + [TEXT[1], ("ctrl", "a\x01b")]),
    "members": (("人口数",), NUMBER), "phone": (("联系电话",), NUMBER),
    "hukou": (("本地户籍",), CHOICE), "homestead": (("宅基地房屋",), CHOICE),
    "resident": (("常住",), CHOICE), "tenant": (("租赁户",), CHOICE),
    "joined": (("参与日期",), DATE),
}
MEMBER = {"name": "王小六", "relation": "子", "party_member": "否", "phone": ""}
MEMBER_FIELDS = {"name": (("姓名",), TEXT), "relation": (("关系",), TEXT),
                 "party_member": (("党员",), CHOICE), "phone": (("电话",), NUMBER)}
ENTRY = {"household": "001", "item": "YF05", "quantity": "1", "date": TODAY, "note": "照顾邻居老人"}
ENTRY_FIELDS = {"household": (("户编号", "农户"), TEXT), "item": (("项目",), TEXT),
                "quantity": (("次数",), NUMBER), "date": (("日期",), DATE),
                "note": (("说明", "备注"), TEXT)}
ADOPT = {"source": "template", "confirm": "1", "adopted_on": "2024-08-01",
         "effective_on": "2024-09-01", "meeting_type": "villagers", "meeting": "2024 年第二次村民会议",
         "entitled": "120", "attendance": "96", "votes_for": "90", "votes_against": "2",
         "votes_abstain": "4", "without_consultation": "村民会议当场讨论修改，未另行征求意见"}
# The preview pages post the checked file back base64 (URL-safe, no
# padding) in the hidden field "data"; garbage there is refused whole.
def b64(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


DATA = TEXT + [("garbage", "!!!not base64"), ("padded", "QUJD=")]
# libsodium's base64 decoder takes bytes over 0x7f for digits, so some of
# these decode — to bytes the CSV checks then refuse, naming the file's
# line rather than the hidden field: either refusal will do.
DATA_REFUSED = ("重新上传", "没有导入", "没有保存", "没有发布")
APPROVE = {"meeting_date": "2024-08-02", "attendees": "王书记、李主任", "resolution": "同意七月份积分结果"}
APPROVE_FIELDS = {"meeting_date": (("会议日期",), DATE), "attendees": (("参会",), TEXT),
                  "resolution": (("决议",), TEXT)}

FORMS = [
    ("villages", "/villages", "admin", "form", {"code": "V9", "name": "九村"},
     {"code": (("村编号",), CODE), "name": (("村名",), TEXT)}),
    ("settings", "/v/V1/settings", "V1-admin", "form",
     {"objection_days": "10", "yearend_rule": "carry_cap", "yearend_cap": "100"},
     {"objection_days": (("异议期",), NUMBER), "yearend_rule": (("年终",), CHOICE),
      "yearend_cap": (("上限",), NUMBER)}),
    ("accounts", "/accounts", "admin", "form",
     {"login": "V1-new", "role": "scorer", "village": "V1", "password": "Fresh-pass1"},
     {"login": (("账号",), CODE), "role": (("角色",), CHOICE), "village": (("村",), CODE),
      "password": (("密码",), TEXT)}),
    ("password", "/account/password", "V1-pw", "form",
     {"old": J.PASSWORD, "new": "Fresh-pass1", "new2": "Fresh-pass1"},
     {"new+new2": (("密码",), TEXT), "old": (("原密码",), TEXT)}),
    ("household-new", "/v/V1/households/new", "V1-admin", "form", HOUSEHOLD, HOUSEHOLD_FIELDS),
    ("household-edit", "/v/V1/households/{h3}/edit", "V1-admin", "form",
     dict(HOUSEHOLD, code="003"), HOUSEHOLD_FIELDS),
    ("leave", "/v/V1/households/{h3}/leave", "V1-admin", "form",
     {"date": "2024-08-01", "reason": "迁出本村"},
     {"date": (("日期",), DATE), "reason": (("原因",), TEXT)}),
    ("member-add", "/v/V1/households/{h3}/members", "V1-admin", "form", MEMBER, MEMBER_FIELDS),
    ("member-edit", "/v/V1/households/{h3}/members/{m3}/edit", "V1-admin", "form", MEMBER,
     MEMBER_FIELDS),
    ("adopt", "/v/V1/standard/adopt", "V1-admin", "form", ADOPT,
     {"adopted_on": (("通过日期",), DATE), "effective_on": (("生效日期",), DATE),
      "meeting_type": (("会议",), CHOICE), "meeting": (("会议",), TEXT),
      "entitled": (("应到",), NUMBER), "attendance": (("实到",), NUMBER),
      "votes_for": (("赞成",), NUMBER), "votes_against": (("反对",), NUMBER),
      "votes_abstain": (("弃权",), NUMBER),
      "without_consultation": (("原因",), TEXT)}),
    ("household-import", "/v/V1/import", "V1-admin", "form",
     {"confirm": "1", "fname": "h.csv",
      "data": b64("code,head_name,hukou,homestead,resident\n201,孙八,是,是,是\n")},
     {"data": (DATA_REFUSED, DATA)}),
    ("entry-import", "/v/V1/sheets/{month}/import", "V1-scorer", "form",
     {"confirm": "1", "fname": "e.csv",
      "data": b64(f"household,item,quantity,date,note\n003,YF05,1,{TODAY},\n")},
     {"data": (DATA_REFUSED, DATA)}),
    ("adopt-csv", "/v/V1/standard/adopt", "V1-admin", "form",
     dict(ADOPT, source="csv", fname="s.csv", effective_on="2024-10-01",
          data=b64(open(STANDARD, encoding="utf-8").read())),
     {"data": (DATA_REFUSED, DATA)}),
    ("publish", "/standard/template/publish", "admin", "form",
     {"confirm": "1", "effective_on": "2025-01-01", "fname": "t.csv",
      "data": base64.urlsafe_b64encode(open(STANDARD, "rb").read()).decode().rstrip("=")},
     {"effective_on": (("生效日期",), DATE), "data": (DATA_REFUSED, DATA)}),
    ("entry", "/v/V1/sheets/{month}/entries", "V1-scorer", "multipart", ENTRY, ENTRY_FIELDS),
    ("return", f"/v/V1/sheets/{RETURNED}/return", "V1-admin", "form", {"reason": "漏记了"},
     {"reason": (("原因",), TEXT)}),
    ("approve", f"/v/V1/sheets/{SUBMITTED}/approve", "V1-admin", "form", APPROVE, APPROVE_FIELDS),
    ("correct", "/v/V1/ledger/{ledger}/correct", "V1-admin", "form",
     {"amount": "1", "reason": "重复记录"},
     {"amount": (("分",), NUMBER), "reason": (("原因",), TEXT)}),
    ("accept", "/v/V1/declarations/{decl}/accept", "V1-scorer", "form", {"item": "YF05"},
     {"item": (("项目",), TEXT)}),
    ("decline", "/v/V1/declarations/{decl2}/decline", "V1-scorer", "form", {"reason": "查无此事"},
     {"reason": (("原因",), TEXT)}),
    ("declare", "/passbook/declare", "household", "multipart",
     {"date": TODAY, "item": "", "note": "打扫村道"},
     {"date": (("日期",), DATE), "item": (("项目",), TEXT), "note": (("说明",), TEXT)}),
    ("login", "/login", "anonymous", "form", {"login": "nobody", "password": J.PASSWORD},
     {"login": (None, TEXT), "password": (None, TEXT)}),
    ("passbook-login", "/passbook/login", "anonymous", "form",
     {"village": "V1", "household": "002", "pin": "123456"},
     {"village": (None, TEXT), "household": (None, TEXT), "pin": (None, NUMBER)}),
    # the JSON API
    ("api-entry", "/api/v1/villages/V1/sheets/{month}/entries", "V1-scorer", "json",
     dict(ENTRY, quantity=Raw(b"1")),
     {"household": (("household", "户编号", "农户"), JTEXT), "item": (("item", "项目"), JTEXT),
      "quantity": (("quantity", "次数"), JNUMBER), "date": (("date", "日期"), JDATE),
      "note": (("note", "说明", "备注"), JTEXT), "photo": (("photo", "照片"), JTEXT)}),
    ("api-return", f"/api/v1/villages/V1/sheets/{RETURNED}/return", "V1-admin", "json",
     {"reason": "漏记了"}, {"reason": (("reason", "原因"), JTEXT)}),
    ("api-approve", f"/api/v1/villages/V1/sheets/{SUBMITTED}/approve", "V1-admin", "json",
     APPROVE, {"meeting_date": (("meeting_date", "会议日期"), JDATE),
               "attendees": (("attendees", "参会"), JTEXT),
               "resolution": (("resolution", "决议"), JTEXT)}),
    ("api-correct", "/api/v1/villages/V1/ledger/{ledger}/correct", "V1-admin", "json",
     {"amount": Raw(b"1"), "reason": "重复记录"},
     {"amount": (("amount", "分"), JNUMBER), "reason": (("reason", "原因"), JTEXT)}),
    ("api-accept", "/api/v1/villages/V1/declarations/{decl}/accept", "V1-scorer", "json",
     {"item": "YF05"}, {"item": (("item", "项目"), JTEXT)}),
    ("api-decline", "/api/v1/villages/V1/declarations/{decl2}/decline", "V1-scorer", "json",
     {"reason": "查无此事"}, {"reason": (("reason", "原因"), JTEXT)}),
]


# ---- requests ------------------------------------------------------------------------------

def as_bytes(v):
    return v if isinstance(v, bytes) else str(v).encode()


def urlencoded(fields):
    q = urllib.parse.quote_plus
    return "&".join(q(as_bytes(k)) + "=" + q(as_bytes(v)) for k, v in fields.items())


def multipart(fields, files=None):
    """(body, content type) of a multipart form whose values are raw bytes."""
    boundary = "----jifen" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode()
                     + as_bytes(v) + b"\r\n")
    for k, (fn, data, ct) in (files or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                     f'filename="{fn}"\r\nContent-Type: {ct}\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def json_body(fields):
    """A JSON object whose members are JSON strings, or Raw tokens as they
    are; bytes that are not UTF-8 go into the string as they are."""
    out = []
    for k, v in fields.items():
        if isinstance(v, Raw):
            tok = bytes(v)
        elif isinstance(v, bytes):
            tok = b'"' + v + b'"'
        else:
            tok = json.dumps(v, ensure_ascii=False).encode()
        out.append(json.dumps(k).encode() + b":" + tok)
    return b"{" + b",".join(out) + b"}"


def send(c, kind, path, fields, files=None):
    if kind == "json":
        return c.request("POST", path, body=json_body(fields),
                         headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
    fields = dict(fields, csrf=c.csrf)
    if kind == "multipart":
        body, ctype = multipart(fields, files)
        return c.request("POST", path, body=body, headers={"Content-Type": ctype})
    return c.request("POST", path, body=urlencoded(fields),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})


def messages(r):
    """The error messages of a refusal: the API's error/errors, or the
    page's error boxes, field errors and error lists."""
    if (r.header("Content-Type") or "").startswith("application/json"):
        try:
            j = r.json()
        except ValueError:
            return []
        return [j.get("error") or ""] + list(j.get("errors") or [])
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', r.text, re.S)
    found += [m[1] for m in re.findall(r'<(span|p) class="field-error">(.*?)</\1>', r.text, re.S)]
    for ul in re.findall(r'<ul class="errors">(.*?)</ul>', r.text, re.S):
        found += re.findall(r"<li>(.*?)</li>", ul, re.S)
    return [J.html.unescape(m) for m in found]


# ---- the prepared town ----------------------------------------------------------------------

class Town:
    """The prepared town (town_template()'s, cloned into this test's
    database) with its server running; clients by login, created on first
    use; .state for the before/after comparisons."""

    def __init__(self, db, template=True):
        self.db, self.clients = db, {}
        if not template:
            return
        tmpl = town_template()
        clone_database(tmpl["db"], db)
        self.v, self.pins = dict(tmpl["values"]), tmpl["pins"]
        self.s = J.Server(db)
        try:
            self.state = State(db)
        except BaseException:
            self.s.stop()
            raise

    def client(self, who):
        if who not in self.clients:
            if who == "anonymous":
                c = self.s.client()
                c.get("/login")
            elif who == "household":
                c = household(self.s, "V1", "001", self.pins["own"])
            else:
                c = staff(self.s, who)
            self.clients[who] = c
        return self.clients[who]

    def close(self):
        self.state.close()
        self.s.stop()


_template = {}


def town_template():
    """Made once per run, in a database of its own: prepare()'s town, plus
    account V1-pw, July and August 2024 submitted, and a second pending
    declaration of household V1/001.  {db, values, pins}."""
    if _template:
        return _template
    d = J.Db()
    atexit.register(d.close)
    t = Town(d, template=False)
    t.v, t.s, t.pins = prepare(d)
    t.v["month"] = TODAY[:7]
    try:
        cli_ok(d, "user", "add", "V1-pw", "--role", "scorer", "--village", "V1",
               "--password-stdin", stdin=J.PASSWORD + "\n")
        sc = t.client("V1-scorer")
        for month in (SUBMITTED, RETURNED):
            cli_ok(d, "import", "entries", "--village", "V1", "--month", month,
                   write(d, month + ".csv", "household,item,quantity,date,note\n"
                         f"002,YF05,1,{month}-03,\n"))
            r = sc.request("POST", f"/api/v1/villages/V1/sheets/{month}/submit", body=b"{}",
                           headers={"Content-Type": "application/json", "X-CSRF-Token": sc.csrf})
            eq(r.status, 200, f"{month} submitted: " + r.text[:200])
        h = t.client("household")
        h.get("/passbook/declare")
        r = send(h, "multipart", "/passbook/declare",
                 {"date": TODAY, "item": "", "note": "帮五保户挑水"})
        eq(r.status, 303, "second declaration: " + r.text[:200])
        t.v["decl2"] = J_one(d, "SELECT MAX(id) FROM declaration")
    finally:
        t.s.stop()
    _template.update(db=d, values=t.v, pins=t.pins)
    return _template


def clone_database(src, dst):
    """Make dst's (empty) database a copy of src's: PostgreSQL's CREATE
    DATABASE … TEMPLATE, SQLite's online backup."""
    if J.BACKEND == "postgresql":
        for sql in (f"DROP DATABASE {dst.pg_name}",
                    f"CREATE DATABASE {dst.pg_name} TEMPLATE {src.pg_name}"):
            subprocess.run(["psql", J.PG, "-qc", sql], check=True, capture_output=True)
        return
    a, b = sqlite3.connect(src.url), sqlite3.connect(dst.url)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def refused(t, c, kind, path, fields, labels, status=400, files=None, what=""):
    """Send one hostile request; [] when it was refused as it must be (the
    status, a Chinese message naming one of labels, nothing written), else
    the problems."""
    before = t.state.now()
    r = send(c, kind, path, fields, files)
    after = t.state.now()
    bad = []
    want = (status,) if isinstance(status, int) else status
    if r.status not in want:
        bad.append(f"status {r.status}, want {status}")
    msgs = [m for m in messages(r) if m]
    if not any(CJK.search(m) for m in msgs):
        bad.append(f"no Chinese message: {msgs!r} {r.text[:200]!r}")
    elif labels and not any(lb in m for m in msgs for lb in labels):
        bad.append(f"no message names {labels}: {msgs!r}")
    if after != before:
        bad.append("the database changed: " + diff(before, after))
    return [f"{what}: {b}" for b in bad]


def field_cases(name):
    """(form, field, value name, fields) for every hostile value of every
    field of FORMS[name]."""
    for fname, path, who, kind, base, fields in FORMS:
        if fname != name:
            continue
        for field, (labels, values) in fields.items():
            for vname, value in values:
                f = dict(base)
                for k in field.split("+"):
                    f[k] = value
                yield path, who, kind, base, labels, field, vname, f


def run_forms(db, names):
    """Every hostile value into every field of the forms named; fails with
    the list of what was not refused properly, then checks that each
    form's base values are accepted (so that the field was the reason)."""
    t = Town(db)
    problems, asked = [], 0
    try:
        for name in names:
            form = next(f for f in FORMS if f[0] == name)
            for path, who, kind, base, labels, field, vname, f in field_cases(name):
                c = t.client(who)
                url = path.format(**t.v)
                status = (401, 429) if labels is None else 400
                if kind == "json" and vname in NOT_JSON:
                    labels = ("不是有效的 JSON",)
                problems += refused(t, c, kind, url, f, labels, status,
                                    what=f"{name} {field}={vname}")
                asked += 1
            # the base values alone are accepted
            _, path, who, kind, base, _ = form
            if who != "anonymous":
                r = send(t.client(who), kind, path.format(**t.v), base)
                if r.status not in (200, 201, 303):
                    problems.append(f"{name}: the valid base was refused: {r.status}"
                                    f" {messages(r)!r}")
    finally:
        t.close()
    print(f"     {asked} hostile fields refused", flush=True)
    check(not problems, f"{len(problems)} of {asked} not refused properly:\n" + "\n".join(problems))


def test_100_village_account_forms(db):
    run_forms(db, ["villages", "settings", "accounts", "password"])


def test_110_household_forms(db):
    run_forms(db, ["household-new", "household-edit", "leave", "member-add", "member-edit",
                   "household-import"])


def test_120_standard_forms(db):
    run_forms(db, ["adopt", "adopt-csv", "publish"])


def test_130_sheet_forms(db):
    run_forms(db, ["entry", "entry-import", "return", "correct", "accept", "decline", "approve"])


def test_140_passbook_and_login_forms(db):
    run_forms(db, ["declare", "login", "passbook-login"])


def test_150_api_fields(db):
    run_forms(db, ["api-entry", "api-return", "api-correct", "api-accept", "api-decline",
                   "api-approve"])



# ---- unknown ids, malformed path segments --------------------------------------------------

NO_SHEET = "2023-01"  # a month without a sheet
UNKNOWN = [
    # (who, method, path): 404 and nothing written
    ("V1-admin", "GET", "/v/V1/households/999999"),
    ("V1-admin", "GET", "/v/V1/households/abc"),
    ("V1-admin", "GET", "/v/V1/households/-1"),
    ("V1-admin", "GET", "/v/V1/households/0"),
    ("V1-admin", "GET", "/v/V1/households/99999999999999999999"),
    ("V1-admin", "GET", "/v/V1/households/1%00"),
    ("V1-admin", "GET", "/v/V1/households/{h1}%20"),
    ("V1-admin", "GET", "/v/V1/households/0x1"),
    ("V1-admin", "GET", "/v/V1/households/{h1}/members/999999/edit"),
    ("V1-admin", "GET", "/v/V1/households/{h1}/members/abc/edit"),
    ("V1-admin", "GET", "/v/V1/households/{h1}/card/../../../etc/passwd"),
    ("V1-admin", "GET", "/v/V1/sheets/2024-13"),
    ("V1-admin", "GET", "/v/V1/sheets/abc"),
    ("V1-admin", "GET", "/v/V1/sheets/9999-12"),
    ("V1-admin", "GET", "/v/V1/sheets/0000-01"),
    ("V1-admin", "GET", "/v/V1/standard/versions/abc"),
    ("V1-admin", "GET", "/v/V1/standard/versions/999999/csv"),
    ("V1-admin", "GET", "/v/V1/evidence/abc"),
    ("V1-admin", "GET", "/v/V1/evidence/" + "0" * 64),
    ("V1-admin", "GET", "/v/NOPE"),
    ("V1-admin", "GET", "/v/%FF%FE"),
    ("admin", "GET", "/v/" + "x" * 5000),
    ("admin", "GET", "/standard/template/versions/abc"),
    ("anonymous", "GET", "/p/abc"),
    ("anonymous", "GET", "/p/" + "g" * 64),
    ("anonymous", "GET", "/api/v1/p/abc"),
    ("anonymous", "GET", "/p/{token}/evidence/abc"),
    ("household", "GET", "/passbook/evidence/abc"),
    ("V1-admin", "GET", "/api/v1/villages/V1/households/999999"),
    ("V1-admin", "GET", "/api/v1/villages/V1/households/abc"),
    ("V1-admin", "GET", "/api/v1/villages/V1/sheets/2024-13"),
    ("V1-admin", "GET", "/api/v1/villages/V1/standard/versions/abc"),
    ("V1-admin", "GET", "/api/v1/villages/V1/ledger?household=999"),
    ("V1-admin", "POST", "/v/V1/households/999999/edit"),
    ("V1-admin", "POST", "/v/V1/households/abc/leave"),
    ("V1-admin", "POST", "/v/V1/households/999999/members"),
    ("V1-admin", "POST", "/v/V1/households/{h3}/members/999999/remove"),
    ("V1-admin", "POST", "/v/V1/households/abc/pin"),
    ("V1-admin", "POST", "/v/V1/households/999999/card-token"),
    ("V1-admin", "POST", "/accounts/nobody/disable"),
    ("V1-admin", "POST", f"/v/V1/sheets/{NO_SHEET}/entries/abc/remove"),
    ("V1-admin", "POST", f"/v/V1/sheets/{NO_SHEET}/entries/999999/remove"),
    ("V1-admin", "POST", "/v/V1/sheets/2024-13/submit"),
    ("V1-admin", "POST", "/v/V1/ledger/abc/correct"),
    ("V1-admin", "POST", "/v/V1/ledger/999999/correct"),
    ("V1-admin", "POST", "/v/V1/declarations/abc/accept"),
    ("V1-admin", "POST", "/v/V1/declarations/999999/decline"),
    ("V1-admin", "POST", f"/api/v1/villages/V1/sheets/{NO_SHEET}/entries/abc/remove"),
    ("V1-admin", "POST", f"/api/v1/villages/V1/sheets/{NO_SHEET}/entries/999999/remove"),
    ("V1-admin", "POST", "/api/v1/villages/V1/sheets/9999-01/entries"),
    ("V1-admin", "POST", "/api/v1/villages/V1/ledger/abc/correct"),
    ("V1-admin", "POST", "/api/v1/villages/V1/ledger/999999/correct"),
    ("V1-admin", "POST", "/api/v1/villages/V1/declarations/abc/accept"),
    ("V1-admin", "POST", "/api/v1/villages/V1/declarations/999999/accept"),
    ("V1-admin", "POST", "/api/v1/villages/V1/declarations/999999/decline"),
]


def test_160_unknown_ids(db):
    """Ids that name nothing, or are not ids at all: 404 with a Chinese
    message, nothing written."""
    t = Town(db)
    problems = []
    try:
        for who, method, path in UNKNOWN:
            c = t.client(who)
            url = path.format(**t.v)
            before = t.state.now()
            if method == "GET":
                r = c.get(url)
            elif url.startswith("/api/"):
                r = send(c, "json", url, {"reason": "x", "amount": Raw(b"1"), "item": "YF05"})
            else:
                r = send(c, "form", url, {"reason": "x", "amount": "1", "date": TODAY,
                                          "name": "某某"})
            after = t.state.now()
            if r.status != 404:
                problems.append(f"{method} {url}: {r.status}, want 404 {r.text[:160]!r}")
            elif url.startswith("/v/") or url.startswith("/api/"):
                if not any(CJK.search(m) for m in messages(r)):
                    problems.append(f"{method} {url}: no Chinese message {r.text[:160]!r}")
            if after != before:
                problems.append(f"{method} {url}: the database changed: {diff(before, after)}")
    finally:
        t.close()
    check(not problems, f"{len(problems)} of {len(UNKNOWN)}:\n" + "\n".join(problems))


# ---- bodies that are not what they say -------------------------------------------------------

BAD_JSON = [
    ("truncated", b'{"household": "001", "item": "YF05"'),
    ("array", b'["001", "YF05"]'),
    ("string", b'"001"'),
    ("null", b"null"),
    ("number", b"1"),
    ("trailing", b'{"household": "001"} {}'),
    ("deep arrays", b"[" * 10000 + b"]" * 10000),
    ("deep objects", b'{"a":' * 10000 + b"1" + b"}" * 10000),
    ("deep in a member", b'{"household": ' + b"[" * 10000 + b"]" * 10000 + b"}"),
    ("unclosed deep", b"[" * 100000),
    ("bom", b'\xef\xbb\xbf{"household": "001", "item": "YF05"}'),
    ("urlencoded", b"household=001&item=YF05"),
    ("float overflow", b'{"household": "001", "item": "YF05", "quantity": 1e400}'),
    ("wrong types", b'{"household": 1, "item": ["YF05"], "quantity": "1", "date": 20240601}'),
    ("nul byte", b'{"household": "001"}\x00{}'),
]


def test_170_bad_json(db):
    """Bodies that are not a JSON object, or not JSON: 400, a Chinese
    message, nothing written; the server lives through 10,000 levels."""
    t = Town(db)
    problems = []
    try:
        c = t.client("V1-scorer")
        url = f"/api/v1/villages/V1/sheets/{t.v['month']}/entries"
        for name, body in BAD_JSON:
            before = t.state.now()
            r = c.request("POST", url, body=body,
                          headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
            after = t.state.now()
            if r.status != 400:
                problems.append(f"{name}: {r.status}, want 400 {r.text[:200]!r}")
            if not any(CJK.search(m) for m in messages(r)):
                problems.append(f"{name}: no Chinese message {r.text[:200]!r}")
            if after != before:
                problems.append(f"{name}: the database changed: {diff(before, after)}")
        eq(c.get("/api/v1/session").status, 200, "still answering")
    finally:
        t.close()
    check(not problems, "\n".join(problems))


def test_180_body_limits(db):
    """Bodies over the limit: 413 (256 KB for forms and JSON, 16 MB for
    uploads), nothing written, the connection still usable after."""
    t = Town(db)
    problems = []
    try:
        sc, hh = t.client("V1-scorer"), t.client("household")
        big = png_bytes(3) + b"\0" * (16 * 1024 * 1024 + 1)
        cases = [
            ("form 300 KB", t.client("V1-admin"), "form", "/v/V1/households/new",
             dict(HOUSEHOLD, address="长" * 100000), None),
            ("JSON 300 KB", sc, "json", "/api/v1/villages/V1/sheets/{month}/entries",
             dict(ENTRY, quantity=Raw(b"1"), note="长" * 100000), None),
            ("entry photo 16 MB", sc, "multipart", "/v/V1/sheets/{month}/entries", ENTRY,
             {"photo": ("big.png", big, "image/png")}),
            ("declaration photo 16 MB", hh, "multipart", "/passbook/declare",
             {"date": TODAY, "note": "大照片"}, {"photo": ("big.png", big, "image/png")}),
            ("households CSV 16 MB", t.client("V1-admin"), "multipart", "/v/V1/import", {},
             {"file": ("h.csv", b"code,head_name\n" + b"001,x\n" * 3000000, "text/csv")}),
        ]
        for name, c, kind, path, fields, files in cases:
            before = t.state.now()
            r = send(c, kind, path.format(**t.v), fields, files)
            after = t.state.now()
            if r.status != 413:
                problems.append(f"{name}: {r.status}, want 413")
            elif not any(CJK.search(m) for m in messages(r)):
                problems.append(f"{name}: no Chinese message {r.text[:200]!r}")
            if after != before:
                problems.append(f"{name}: the database changed: {diff(before, after)}")
        before = t.state.now()
        r = sc.request("POST", "/api/v1/villages/V1/evidence", body=big,
                       headers={"Content-Type": "image/png", "X-CSRF-Token": sc.csrf})
        if r.status != 413:
            problems.append(f"evidence 16 MB: {r.status}, want 413")
        if t.state.now() != before:
            problems.append("evidence 16 MB: the database changed")
        eq(sc.get("/api/v1/session").status, 200, "the client can go on")
    finally:
        t.close()
    check(not problems, "\n".join(problems))


def test_190_photos_by_content(db):
    """A photo is what its bytes are, whatever its name and type say: text
    named .jpg is refused (400, names JPEG/PNG, nothing stored); a photo
    over 5 MB is refused; a PNG signature followed by garbage is refused
    (its dimensions cannot be read); a PNG sent as text/html is served back
    as image/png with nosniff, never as anything a browser would run."""
    t = Town(db)
    problems = []
    try:
        sc, hh = t.client("V1-scorer"), t.client("household")
        text = b"<html><script>alert(1)</script></html>" * 10
        over = png_bytes(4) + b"\0" * (5 * 1024 * 1024)
        cases = [
            ("entry .jpg text", sc, "multipart", "/v/V1/sheets/{month}/entries", ENTRY,
             {"photo": ("x.jpg", text, "image/jpeg")}, ("JPEG", "PNG")),
            ("declaration .jpg text", hh, "multipart", "/passbook/declare",
             {"date": TODAY, "note": "捡到钱包"}, {"photo": ("x.jpg", text, "image/jpeg")},
             ("JPEG", "PNG")),
            ("entry over 5 MB", sc, "multipart", "/v/V1/sheets/{month}/entries", ENTRY,
             {"photo": ("big.png", over, "image/png")}, ("MB",)),
        ]
        for name, c, kind, path, fields, files, words in cases:
            problems += refused(t, c, kind, path.format(**t.v), fields, words, files=files,
                                what=name)
        for name, body, words in (("evidence text", text, ("JPEG", "PNG")),
                                  ("evidence JPEG magic only", b"\xff\xd8", ("JPEG", "PNG")),
                                  ("evidence empty", b"", ("照片",)),
                                  ("evidence over 5 MB", over, ("MB",))):
            before = t.state.now()
            r = sc.request("POST", "/api/v1/villages/V1/evidence", body=body,
                           headers={"Content-Type": "image/jpeg", "X-CSRF-Token": sc.csrf})
            if r.status != 400 or not any(w in m for m in messages(r) for w in words):
                problems.append(f"{name}: {r.status} {messages(r)!r}, want 400 naming {words}")
            if t.state.now() != before:
                problems.append(f"{name}: the database changed")
        garbage = b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" + os.urandom(200)
        r = sc.request("POST", "/api/v1/villages/V1/evidence", body=garbage,
                       headers={"Content-Type": "text/html", "X-CSRF-Token": sc.csrf})
        eq(r.status, 400, "PNG signature + garbage: no IHDR, no dimensions (t_quotas.py)")
        photo = png_bytes(9)
        r = sc.request("POST", "/api/v1/villages/V1/evidence", body=photo,
                       headers={"Content-Type": "text/html", "X-CSRF-Token": sc.csrf})
        eq(r.status, 201, "a PNG whatever the Content-Type says")
        r = sc.get(r.json()["url"])
        eq(r.status, 200)
        eq(r.header("Content-Type"), "image/png", "served as what it was sniffed as")
        eq(r.header("X-Content-Type-Options"), "nosniff")
        eq(r.body, photo)
    finally:
        t.close()
    check(not problems, "\n".join(problems))


CSV_BAD = [
    # GBK reads (t_excel_import); bytes neither UTF-8 nor GB18030 do not
    ("not UTF-8 nor GB18030", b"code,head_name,hukou,homestead,resident\n001,\xd5\xff\x80,1,1,1\n"),
    ("not UTF-8 in the first column", b"code,head_name,hukou,homestead,resident\n"
     b"\xd5\xc5,YF05,1,2024-06-01,x\n"),
    ("control characters", b"code,head_name,hukou,homestead,resident\n001,a\x01b,1,1,1\n"),
    ("10,000 characters", b"code,head_name,hukou,homestead,resident\n001," +
     "长".encode() * 10000 + b",1,1,1\n"),
    ("a PNG", None),
    ("empty", b""),
    ("NUL byte", b"code,head_name,hukou,homestead,resident\n001,a\x00b,1,1,1\n"),
    ("unclosed quote", b'code,head_name,hukou,homestead,resident\n001,"abc,1,1,1\n'),
    ("10,000 columns", b"code,head_name,hukou,homestead,resident" + b",x" * 10000 + b"\n"),
]


def test_200_csv_uploads(db):
    """CSV files that cannot be read — not UTF-8 (a GBK export), control
    characters, a 10,000-character cell, an image, nothing, an unclosed
    quote, 10,000 columns — are refused with a Chinese message and nothing
    imported, for households, a month's entries and a standard."""
    t = Town(db)
    problems = []
    try:
        admin = t.client("V1-admin")
        admin.get("/v/V1/import")
        for name, data in CSV_BAD:
            data = png_bytes(5) if data is None else data
            entries = data.replace(b"code,head_name,hukou,homestead,resident",
                                   b"household,item,quantity,date,note")
            standard = data.replace(b"code,head_name,hukou,homestead,resident",
                                    "类别,项目编号,项目名称,分值,每月上限".encode())
            for what, path, fields, body in (
                    ("households", "/v/V1/import", {}, data),
                    ("entries", "/v/V1/sheets/{month}/import", {}, entries),
                    ("standard", "/v/V1/standard/adopt", dict(ADOPT, source="csv", confirm=""),
                     standard)):
                fields = {k: v for k, v in fields.items() if v != ""}
                problems += refused(t, admin, "multipart", path.format(**t.v), fields, None,
                                    files={"file": ("f.csv", body, "text/csv")},
                                    what=f"{what} CSV {name}")
    finally:
        t.close()
    check(not problems, "\n".join(problems))


QUERIES = [
    # (who, path, statuses allowed): never a 5xx, the page or a 400
    ("V1-admin", "/v/V1/households?page=-1", (200,)),
    ("V1-admin", "/v/V1/households?page=99999999999999999999", (200, 400)),
    ("V1-admin", "/v/V1/households?page=abc", (200, 400)),
    ("V1-admin", "/v/V1/households?filter=bogus", (200, 400)),
    ("V1-admin", "/v/V1/households?q=%FF%FE%00", (200, 400)),
    ("V1-admin", "/v/V1/households?q=" + "%E9%95%BF" * 3000, (200, 400)),
    ("V1-admin", "/v/V1/ledger?household=%FF&page=-5", (200, 400, 404)),
    ("V1-admin", "/v/V1/sheets?month=9999-99", (200, 400, 404)),
    ("V1-admin", "/v/V1/sheets/{month}?hh=%01&date=2024-02-30", (200, 400)),
    ("V1-admin", "/v/V1/standard/compare?a=abc&b=-1", (400, 404)),
    ("V1-admin", "/v/V1/audit?before=-99999999999999999999", (200, 400)),
    ("admin", "/audit?before=abc", (200, 400)),
    ("V1-admin", "/api/v1/villages/V1/households?per_page=0", (400,)),
    ("V1-admin", "/api/v1/villages/V1/households?per_page=100000", (400,)),
    ("V1-admin", "/api/v1/villages/V1/households?page=99999999999999999999", (400,)),
    ("V1-admin", "/api/v1/villages/V1/households?filter=bogus", (400,)),
    ("V1-admin", "/api/v1/villages/V1/ledger?household=001&limit=-1", (400,)),
    ("V1-admin", "/api/v1/villages/V1/ledger?household=001&offset=-5", (400,)),
    ("V1-admin", "/api/v1/villages/V1/ledger?household=001&limit=99999999999999999999", (400,)),
    ("V1-admin", "/api/v1/villages/V1/declarations?status=bogus", (400,)),
    ("household", "/passbook?page=-1", (200,)),
    ("household", "/api/v1/passbook?per_page=100000", (200, 400)),
    ("anonymous", "/login?next=%FF%00//evil.example", (200,)),
    ("anonymous", "/p/{token}?page=99999999999999999999", (200, 400)),
]


def test_210_query_strings(db):
    """Hostile query strings: never a server error; a 400 says why in
    Chinese."""
    t = Town(db)
    problems = []
    try:
        for who, path, allowed in QUERIES:
            r = t.client(who).get(path.format(**t.v))
            if r.status not in allowed:
                problems.append(f"{path[:80]}: {r.status}, want {allowed} {r.text[:160]!r}")
            elif r.status == 400 and not any(CJK.search(m) for m in messages(r)):
                problems.append(f"{path[:80]}: 400 without a Chinese message")
    finally:
        t.close()
    check(not problems, "\n".join(problems))


# ---- the wire ---------------------------------------------------------------------------------

def raw_request(port, data, timeout=10):
    """Send raw bytes, return the status line's code (0: closed without
    an answer)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        got = b""
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        got = b""
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
    return int(m.group(1)) if m else 0


RAW = [
    # (what, bytes, the statuses allowed; 0 is the connection closed)
    ("headers over 64 KB",
     b"GET /login HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", (431, 413, 400)),
    ("URL over 64 KB", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (414, 431, 400)),
    ("2,000 headers", b"GET /login HTTP/1.1\r\nHost: x\r\n" +
     b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n", (431, 400)),
    ("cookie of 6,000 pairs", b"GET /login HTTP/1.1\r\nHost: x\r\nCookie: " +
     b"; ".join(b"c%d=v" % i for i in range(6000))[:60000] + b"\r\n\r\n", (431, 400)),
    ("no HTTP version", b"GET /login\r\n\r\n", (400, 505, 0)),
    ("a TLS hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) +
     b"\r\n\r\n", (400, 0)),
    ("negative Content-Length", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
     (400,)),
    ("huge Content-Length", b"POST /login HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 99999999999999999999\r\n\r\n", (400, 413)),
    ("huge chunk", b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"FFFFFFFFFFFFFFFFFF\r\nabc\r\n", (400, 413)),
    # ambiguous lengths, the stuff of request smuggling behind a proxy
    ("two Content-Lengths", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Content-Length: 5\r\n\r\nabc", (400,)),
    ("Content-Length and chunked", b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", (400,)),
    ("%00 in the path", b"GET /v/V1/households/1%00 HTTP/1.1\r\nHost: x\r\n\r\n", (303, 404)),
]


def test_220_malformed_requests(db):
    """Requests that break HTTP: the 4xx each deserves (or the connection
    closed), never a crash; the server answers a normal request after each."""
    J.town(db)
    s = J.Server(db)
    problems = []
    try:
        for name, data, allowed in RAW:
            code = raw_request(s.port, data)
            if code not in allowed:
                problems.append(f"{name}: {code}, want one of {allowed}")
            if s.proc.poll() is not None:
                problems.append(f"{name}: the server exited with {s.proc.returncode}")
                break
            if s.client().get("/login").status != 200:
                problems.append(f"{name}: no answer to a normal request after it")
    finally:
        s.stop()
    check(not problems, "\n".join(problems))


def timed_get(port, path="/login"):
    """(status, seconds) of one GET on a new connection."""
    c = J.Client(port)
    t0 = time.time()
    r = c.get(path)
    c.conn.close()
    return r.status, time.time() - t0


def test_230_thousand_idle_connections(db):
    """1,000 idle TCP connections (opened, nothing sent) do not stop the
    server answering another client promptly; then they are closed.  They
    come from 40 addresses (127.0.1.1-40), as 1,000 real clients would: one
    address may hold only connections_per_address (t_hostile_limits.py)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    check(resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= 1100,
          f"RLIMIT_NOFILE hard limit {hard} is below 1,100")
    J.town(db)
    s = J.Server(db)
    idle = []
    try:
        for i in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", s.port), timeout=10,
                                                 source_address=(f"127.0.1.{i % 40 + 1}", 0)))
        time.sleep(0.5)  # let the server accept them all
        status, took = timed_get(s.port)
        eq(status, 200, "a normal request among 1,000 idle connections")
        check(took < 2.0, f"answered in {took:.2f}s")
        # a logged-in client too, through the database
        c = s.client()
        c.login("V1-admin")
        t0 = time.time()
        eq(c.get("/v/V1").status, 200)
        check(time.time() - t0 < 2.0, "a page from the database in under 2 s")
        # the idle ones are still open (none was dropped to make room)
        idle[0].sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
        check(idle[0].recv(12).startswith(b"HTTP/1.1 200"), "the first idle connection still works")
    finally:
        for sock in idle:
            sock.close()
    try:
        eq(timed_get(s.port)[0], 200, "after they closed")
    finally:
        s.stop()


def test_240_slowloris(db):
    """Fifty clients sending their headers one byte per 100 ms do not keep
    other clients waiting: while they crawl, normal requests are answered
    promptly, and the slow requests are answered too when they end."""
    J.town(db)
    s = J.Server(db)
    request = b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"  # 3.9 s at 10 bytes/s
    try:
        slow = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(50)]
    except BaseException:
        s.stop()
        raise
    done = threading.Event()
    answers = []

    def crawl():
        try:
            for i in range(len(request)):
                for sock in slow:
                    sock.sendall(request[i:i + 1])
                time.sleep(0.1)
            for sock in slow:
                answers.append(sock.recv(12))
        except OSError as e:
            answers.append(repr(e).encode())
        finally:
            done.set()

    th = threading.Thread(target=crawl, daemon=True)
    th.start()
    try:
        worst = 0.0
        n = 0
        while not done.is_set() and n < 40:
            status, took = timed_get(s.port)
            eq(status, 200, "a normal request while the slow ones crawl")
            worst = max(worst, took)
            n += 1
            time.sleep(0.1)
        check(n >= 10, f"only {n} requests while the slow clients crawled")
        check(worst < 1.0, f"slowest normal answer {worst:.2f}s")
        th.join(30)
        eq(len(answers), 50, "every slow client got an answer")
        check(all(a.startswith(b"HTTP/1.1 200") for a in answers), f"{answers[:3]}")
    finally:
        for sock in slow:
            sock.close()
        s.stop()


if __name__ == "__main__":
    J.main(globals())
