"""t_scoring_month — the scoring group's and the committee's month (issue 15),
through the real binary on both backends:

  010  after 记入 the confirmation names the household's name, the item and
       the points beside the form, with an undo while the sheet is a draft
  020  quantity 0 is refused on the web form and the API as the CSV refuses it
  030  the entries CSV check reports every error of a row
  040  the month's status and actions at the top; entries filtered by
       household, item, scorer ("我本月记的") and deductions; 100 a page
  050  the committee's review: totals per category and household,
       deductions with evidence, changes after the first submission,
       pending declarations of the month warned; a refused approval comes
       back to it with one heading and the field named as labelled
  060  an expired session keeps the typed entry: 303 to the login saying
       登录已过期, the login returns to the sheet with the fields filled
  070  a declaration of an approved month goes onto the next draft sheet
       with the deed's date; declining still needs a reason
  080  one item for many households: all or nothing, each household named
  090  the ledger page lists the latest entries by date without a code and
       takes a head's name; the correction form only on request
  100  a second serve on the same address refuses with a Chinese error;
       another port works; no "port" line for a fixed port
  110  QR check-in: a scorer opens one, households scan it with their
       passbook session (one draft entry each, once), another village's
       household gets 404, the scorer sees the list and closes it

Run: JIFEN_BIN=build/jifen python3 tests/http/t_scoring_month.py [NAME...]
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
import t_scoring_pages as SP  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402

MONTH = SP.MONTH
MEETING = SP.MEETING


def add(c, household, item, date, quantity=1, note=""):
    return SP.add_entry(c, household, item, date, note=note, quantity=quantity, month=date[:7])


def entries(db):
    return int(db.sql("SELECT COUNT(*) FROM entry")[0][0])


def test_010_confirmation_and_undo(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        r = add(c, "张三", "CW01", "2024-06-05")
        eq(r.status, 303, r.text[:500])
        loc = r.header("Location")
        check(loc.endswith("#add") and "added=" in loc, loc)
        page = c.get(loc.split("#")[0]).text
        m = re.search(r'<section id="add">(.*?)</form>', page, re.S)
        check(m and "已记入：张三家 · 参加村民大会或村民代表会议 +2 分" in m.group(1),
              "the confirmation names the household, item and points, in the entry block")
        check("撤销这一条" in page, "undo offered")
        eid = db.sql("SELECT id FROM entry")[0][0]
        r = c.post(f"/v/V1/sheets/{MONTH}/entries/{eid}/remove", {"undo": "1"})
        eq(r.status, 303)
        check("undone=1" in r.header("Location") and "hh=001" in r.header("Location"))
        eq(entries(db), 0, "undone")
        check("已撤销" in c.get(r.header("Location").split("#")[0]).text)
        # another village's entry id is not confirmed on this page
        eq(add(c, "001", "CW01", "2024-06-06").status, 303)
        eid = db.sql("SELECT id FROM entry")[0][0]
        eq(s.login("V2-scorer").get(f"/v/V1/sheets/{MONTH}?added={eid}").status, 404)
        # submitted: no undo
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        page = c.get(f"/v/V1/sheets/{MONTH}?added={eid}").text
        check("撤销这一条" not in page, "no undo once submitted")


def test_020_quantity_zero_refused(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        r = add(c, "001", "CW01", "2024-06-05", quantity=0)
        eq(r.status, 400)
        check("次数应为 1–1000 的整数" in r.text, "the CSV's message")
        check("没有保存，原因如下：" in r.text, "the one heading")
        eq(entries(db), 0)
        a = SP.api_login(s, "V1-scorer")
        r = SP.api(a, "POST", f"/api/v1/villages/V1/sheets/{MONTH}/entries",
                   {"household": "001", "item": "CW01", "quantity": 0, "date": "2024-06-05"})
        eq(r.status, 400, r.text)
        eq(entries(db), 0)
        r = SP.api(a, "POST", f"/api/v1/villages/V1/sheets/{MONTH}/entries",
                   {"household": "001", "item": "CW01", "date": "2024-06-05"})
        eq(r.status, 201, "no quantity: 1")


def test_030_csv_row_every_error(db):
    SP.setup(db)
    path = SP.write(db, "e.csv", "household,item,quantity,date,note\n"
                                 "001,NOPE,0,2024-13-40,\n999,PA01,1,2024-07-01,\n")
    rc, out, err = cli(db, "import", "entries", "--village", "V1", "--month", MONTH, path,
                       "--dry-run")
    eq(rc, 1, err)
    for want in (":2: item: 项目编号“NOPE”不在本村的积分标准中", ":2: quantity:", ":2: date:",
                 ":3: household:", ":3: date:", ":3: note:"):
        check(want in err, f"{want!r} in {err!r}")


def test_040_top_actions_filters_pages(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        for hh, item, d in (("001", "CW01", "2024-06-02"), ("002", "CW01", "2024-06-02"),
                            ("002", "YF04", "2024-06-03"), ("003", "PA02", "2024-06-04")):
            eq(add(c, hh, item, d).status, 303)
        a = s.login("V1-admin")
        eq(add(a, "003", "CW01", "2024-06-05").status, 303)
        page = c.get(f"/v/V1/sheets/{MONTH}").text
        check(page.index("提交村两委审定") < page.index('action="/v/V1/sheets/2024-06/entries"'),
              "submit above the entry form")
        check("2024 年 6 月" in page, "months as 6 月")
        by_item = c.get(f"/v/V1/sheets/{MONTH}?fi=CW01").text
        eq(len(re.findall(r"/entries/\d+/remove", by_item)), 3, "item filter")
        mine = c.get(f"/v/V1/sheets/{MONTH}?fb=V1-scorer").text
        eq(len(re.findall(r"/entries/\d+/remove", mine)), 4, "my entries")
        check("我本月记的" in page)
        by_hh = c.get(f"/v/V1/sheets/{MONTH}?fh=" + urllib.parse.quote("李四")).text
        eq(len(re.findall(r"/entries/\d+/remove", by_hh)), 2, "household by name")
        neg = c.get(f"/v/V1/sheets/{MONTH}?fneg=1").text
        eq(len(re.findall(r"/entries/\d+/remove", neg)), 1, "deductions")
        none = c.get(f"/v/V1/sheets/{MONTH}?fh=nobody").text
        check("没有符合的积分记录" in none)


def test_050_review(db):
    SP.setup(db)
    hid = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                 " WHERE v.code = 'V1' AND h.code = '002'")[0][0]
    vid = db.sql("SELECT id FROM village WHERE code = 'V1'")[0][0]
    db.sql(f"INSERT INTO declaration(village_id, household_id, item_code, date, note, created_at)"
           f" VALUES({vid}, {hid}, 'YF06', '2024-06-10', '帮邻居修屋顶', 0)")
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        eq(add(c, "001", "CW01", "2024-06-02").status, 303)
        eq(add(c, "002", "YF04", "2024-06-03", note="村口骂人").status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        a = s.login("V1-admin")
        r = a.get(f"/v/V1/sheets/{MONTH}/review")
        eq(r.status, 200)
        t = r.text
        check("村级事务参与" in t and "移风易俗" in t, "per category")
        check("村口骂人" in t, "deductions with their note")
        check("本月还有 1 条农户的积分申报待审核" in t and "/v/V1/declarations" in t,
              "pending declarations warned")
        check("没有改动" in t, "no change since submission")
        # returned, changed, submitted again: the changes are listed
        eq(a.post(f"/v/V1/sheets/{MONTH}/return", {"reason": "003 漏记"}).status, 303)
        time.sleep(1.1)  # the audit's seconds: changes are those after the submission's second
        eq(add(c, "003", "CW01", "2024-06-04").status, 303)
        eid = db.sql("SELECT e.id FROM entry e JOIN household h ON h.id = e.household_id"
                     " WHERE h.code = '001'")[0][0]
        eq(c.post(f"/v/V1/sheets/{MONTH}/entries/{eid}/remove", {}).status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        t = J.without_labels(a.get(f"/v/V1/sheets/{MONTH}/review").text)
        check(re.search(r"<td>新增</td><td>003</td><td>CW01</td>", t), "added listed")
        check(re.search(r"<td>删除</td><td>001</td><td>CW01</td>", t), "removed listed")
        # a refused approval: back on the review, one heading, the label's word
        r = a.post(f"/v/V1/sheets/{MONTH}/approve", dict(MEETING, attendees=""))
        eq(r.status, 400)
        check("没有保存，原因如下：" in r.text and "参会人员不能为空" in r.text)
        check("<label>参会人员<textarea" in r.text, "label and error say the same")
        check("按类别合计" in r.text, "the review page")
        eq(a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 303)
        eq(s.login("V2-admin").get(f"/v/V1/sheets/{MONTH}/review").status, 404)


def test_060_expired_session_keeps_the_entry(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        c.get(f"/v/V1/sheets/{MONTH}")
        db.sql("DELETE FROM session")  # the idle timeout passed
        fields = {"household": "李四", "item": "PA02", "quantity": "2",
                  "date": "2024-06-07", "note": "调解成功"}
        boundary = "----x"
        body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                       for k, v in dict(fields, csrf=c.csrf).items()) + f"--{boundary}--\r\n"
        r = c.request("POST", f"/v/V1/sheets/{MONTH}/entries", body=body.encode(),
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                               "Referer": f"http://127.0.0.1:{s.server.port}/v/V1/sheets/{MONTH}"
                                          "?added=1"})
        eq(r.status, 303)
        loc = r.header("Location")
        check(loc.startswith("/login?why=expired"), loc)
        r = c.get(loc)
        eq(r.status, 200)
        check("登录已过期，请重新登录" in r.text)
        nxt = re.search(r'name="next" value="([^"]*)"', r.text).group(1).replace("&amp;", "&")
        check(nxt.startswith(f"/v/V1/sheets/{MONTH}?restore=1"), nxt)
        r = c.post("/login", {"login": "V1-scorer", "password": J.PASSWORD, "next": nxt})
        eq(r.status, 303)
        back = r.header("Location")
        eq(back, nxt, "back to the form's page, not the POST-only URL")
        r = c.get(back)
        eq(r.status, 200)
        check('value="李四"' in r.text and 'value="2024-06-07"' in r.text and
              'value="调解成功"' in r.text and 'value="2"' in r.text, "what was typed is back")
        check('<option value="PA02" selected' in r.text, "the item is back")
        eq(entries(db), 0, "nothing saved without a session")
        # a POST to a route with no GET never lands on a 405 after login
        db.sql("DELETE FROM session")
        r = c.post(f"/v/V1/sheets/{MONTH}/submit", {})
        nxt = urllib.parse.parse_qs(urllib.parse.urlparse(r.header("Location")).query)["next"][0]
        eq(c.get(nxt.split("?")[0]).status, 303, "a page (to the login while logged out)")
        check(not nxt.startswith(f"/v/V1/sheets/{MONTH}/submit"), nxt)


def test_070_declaration_of_an_approved_month(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        eq(add(c, "001", "CW01", "2024-06-02").status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        hid = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                     " WHERE v.code = 'V1' AND h.code = '002'")[0][0]
        vid = db.sql("SELECT id FROM village WHERE code = 'V1'")[0][0]
        for note in ("帮邻居修屋顶", "扶老人过马路"):
            db.sql(f"INSERT INTO declaration(village_id, household_id, item_code, date, note,"
                   f" created_at) VALUES({vid}, {hid}, 'YF06', '2024-06-10', '{note}', 0)")
        ids = [x[0] for x in db.sql("SELECT id FROM declaration ORDER BY id")]
        a = s.login("V1-admin")
        eq(a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 303)
        # July's sheet is a draft: the June deed goes there, dated in June
        eq(add(c, "003", "CW01", "2024-07-03").status, 303)
        r = c.post(f"/v/V1/declarations/{ids[0]}/accept", {"item": "YF06"})
        eq(r.status, 303, r.text[:1000])
        eq(db.sql("SELECT s.month, e.date FROM entry e JOIN sheet s ON s.id = e.sheet_id"
                  " WHERE e.declaration_id IS NOT NULL"), [["2024-07", "2024-06-10"]])
        r = c.post(f"/v/V1/declarations/{ids[1]}/decline", {"reason": ""})
        eq(r.status, 400)
        check("没有保存，原因如下：" in r.text)
        eq(c.post(f"/v/V1/declarations/{ids[1]}/decline", {"reason": "已在六月记过"}).status, 303)
        # July approved: the late entry is on the ledger with the deed's date
        eq(c.post("/v/V1/sheets/2024-07/submit", {}).status, 303)
        eq(a.post("/v/V1/sheets/2024-07/approve", dict(MEETING, meeting_date="2024-08-02"))
           .status, 303)
        eq(db.sql("SELECT date FROM ledger_entry WHERE item_code = 'YF06'"), [["2024-06-10"]])
        cli_ok(db, "verify")


def test_080_many_households_at_once(db):
    SP.setup(db)
    hids = {r[1]: r[0] for r in db.sql("SELECT h.id, h.code FROM household h JOIN village v"
                                        " ON v.id = h.village_id WHERE v.code = 'V1'")}
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        r = c.get(f"/v/V1/sheets/{MONTH}/bulk")
        eq(r.status, 200)
        check("全部参与户（3 户）" in r.text)
        r = c.post(f"/v/V1/sheets/{MONTH}/bulk", [("item", "CW01"), ("date", "2024-06-12"),
                                                   ("note", "村民大会"), ("hh", hids["001"]),
                                                   ("hh", hids["003"])])
        eq(r.status, 303, r.text[:1000])
        check("many=2" in r.header("Location"))
        eq(db.sql("SELECT h.code FROM entry e JOIN household h ON h.id = e.household_id"
                  " ORDER BY h.code"), [["001"], ["003"]])
        # HJ01's monthly cap is 5: 001 already has 5 → nothing for anyone
        eq(add(c, "001", "HJ01", "2024-06-01").status, 303)
        r = c.post(f"/v/V1/sheets/{MONTH}/bulk", [("item", "HJ01"), ("date", "2024-06-12"),
                                                   ("all", "1")])
        eq(r.status, 400)
        check("001 张三：" in r.text and "每月上限 5" in r.text, "the household named")
        eq(entries(db), 3, "all or nothing")
        r = c.post(f"/v/V1/sheets/{MONTH}/bulk", [("item", "CW01"), ("date", "2024-06-12")])
        eq(r.status, 400)
        check("请至少选择一户" in r.text)
        # another village's household id is refused, and V2's scorer gets 404
        v2 = db.sql("SELECT h.id FROM household h JOIN village v ON v.id = h.village_id"
                    " WHERE v.code = 'V2'")[0][0]
        r = c.post(f"/v/V1/sheets/{MONTH}/bulk", [("item", "CW01"), ("date", "2024-06-12"),
                                                   ("hh", v2)])
        eq(r.status, 400)
        eq(entries(db), 3)
        eq(s.login("V2-scorer").post(f"/v/V1/sheets/{MONTH}/bulk",
                                     [("item", "CW01"), ("all", "1")]).status, 404)


def test_090_ledger_latest_and_correction_on_request(db):
    SP.setup(db)
    with SP.Run(db) as s:
        c = s.login("V1-scorer")
        eq(add(c, "001", "CW01", "2024-06-02").status, 303)
        eq(add(c, "002", "PA02", "2024-06-20").status, 303)
        eq(c.post(f"/v/V1/sheets/{MONTH}/submit", {}).status, 303)
        a = s.login("V1-admin")
        eq(a.post(f"/v/V1/sheets/{MONTH}/approve", MEETING).status, 303)
        t = a.get("/v/V1/ledger").text
        check("最近记入台账的积分" in t)
        check(t.index("2024-06-20") < t.index("2024-06-02"), "latest first")
        t = a.get("/v/V1/ledger?household=" + urllib.parse.quote("李四")).text
        check("PA02" in t and "<details><summary>更正</summary>" in t,
              "by the head's name; the correction behind a button")
        t = a.get("/v/V1/ledger?household=nobody").text
        check("本村没有户编号或户主姓名为“nobody”的农户" in t)


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def test_100_second_serve_refused(db):
    SP.setup(db, standard=False)
    port = free_port()
    env = J.sanitizer_env(dict(os.environ))
    if getattr(db, "key", None):
        env.setdefault("JIFEN_KEY", db.key)
    first = subprocess.Popen([J.BIN, "--db", db.url, "serve", "--listen", f"127.0.0.1:{port}"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = first.stdout.readline()
        check("已启动" in line, line)
        second = subprocess.run([J.BIN, "--db", db.url, "serve", "--listen", f"127.0.0.1:{port}"],
                                capture_output=True, text=True, env=env, timeout=20)
        check(second.returncode != 0, "the second refuses")
        check("已被占用" in second.stderr, second.stderr)
        other = subprocess.Popen([J.BIN, "--db", db.url, "serve", "--listen",
                                  f"127.0.0.1:{free_port()}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env)
        try:
            check("已启动" in other.stdout.readline(), "another port works")
        finally:
            other.terminate()
            other.communicate(timeout=20)
    finally:
        first.terminate()
        out, _ = first.communicate(timeout=20)
    check(not re.search(r"^port \d+", out, re.M), f"no port line for a fixed port: {out!r}")


def household_client(s, village, code, pin):
    c = s.client()
    c.get("/passbook/login")
    r = c.post("/passbook/login", {"village": village, "household": code, "pin": pin})
    eq(r.status, 303, r.text[:300])
    c.get("/passbook")
    return c


def pin_of(a, village, hid):
    a.get(f"/v/{village}/households/{hid}/card")
    r = a.post(f"/v/{village}/households/{hid}/pin", {})
    return re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)


def test_110_qr_checkin(db):
    SP.setup(db)
    ids = {(r[0], r[1]): r[2] for r in db.sql("SELECT v.code, h.code, h.id FROM household h"
                                               " JOIN village v ON v.id = h.village_id")}
    with SP.Run(db) as s:
        a = s.login("V1-admin")
        pins = {k: pin_of(a, "V1", ids[("V1", k)]) for k in ("001", "002")}
        pin_v2 = pin_of(s.login("V2-admin"), "V2", ids[("V2", "001")])
        c = s.login("V1-scorer")
        r = c.post("/v/V1/checkins", {"item": "NOPE", "date": "2024-06-12"})
        eq(r.status, 400)
        check("没有保存，原因如下：" in r.text and "NOPE" in r.text)
        r = c.post("/v/V1/checkins", {"item": "CW01", "date": "2024-06-12"})
        eq(r.status, 303, r.text[:300])
        page = c.get(r.header("Location")).text
        m = re.search(r"/c/([0-9a-f]{32})", page)
        check(m and "<svg" in page, "the QR code of /c/TOKEN")
        url = "/c/" + m.group(1)
        anon = s.client()
        check("登录本户的积分存折" in anon.get(url).text, "anonymous: log in first")
        h1 = household_client(s, "V1", "001", pins["001"])
        check("签到</button>" in h1.get(url).text)
        r = h1.post(url, {})
        eq(r.status, 200, r.text[:300])
        check("签到成功" in r.text)
        check("已经签到过了" in h1.post(url, {}).text, "once per household")
        h2 = household_client(s, "V1", "002", pins["002"])
        eq(h2.post(url, {}).status, 200)
        other = household_client(s, "V2", "001", pin_v2)
        eq(other.get(url).status, 404, "another village's household")
        eq(other.post(url, {}).status, 404)
        eq(db.sql("SELECT h.code, e.item_code, e.date, e.recorded_by FROM entry e JOIN household h"
                  " ON h.id = e.household_id ORDER BY h.code"),
           [["001", "CW01", "2024-06-12", "V1-scorer"], ["002", "CW01", "2024-06-12", "V1-scorer"]])
        cid = db.sql("SELECT id FROM checkin")[0][0]
        page = c.get(f"/v/V1/checkins/{cid}").text
        check("已签到 2 户" in page and "张三" in page and "李四" in page, "the list")
        eq(s.login("V2-scorer").get(f"/v/V1/checkins/{cid}").status, 404)
        eq(c.post(f"/v/V1/checkins/{cid}/close", {}).status, 303)
        h3 = household_client(s, "V1", "003", pin_of(a, "V1", ids[("V1", "003")]))
        r = h3.post(url, {})
        eq(r.status, 400)
        check("签到已经结束" in r.text)
        eq(entries(db), 2)


if __name__ == "__main__":
    J.main(globals())
