"""t_oversight — the town's oversight through the real binary (issue 14,
parts 3–5): `jifen report`, the town dashboard, its charts, the
evaluation.

  010  `jifen report` CSV byte for byte on a town built here
  020  `jifen report --format json` byte for byte, --out, usage errors
  030  `jifen report --format xlsx --out`: read back with openpyxl
  035  the dashboard's /town/report.xlsx: linked from /town, read back with
       openpyxl, the same cells as `jifen report --format xlsx`; a bad
       year 400
  040  the demo town: report and /api/v1/town/dashboard against the database
       queried here (sqlite3 / psql), not through the program
  050  the charts: coverage bars and the points-by-category columns carry
       the numbers the database gives, titles, patterns, a table beside
  060  the dashboard: sort links, attention first, the town admin lands there
  070  evaluation through the API: weighted total computed here, a second
       evaluation is a new row, the latest shown; the tables refuse UPDATE
  080  evaluation through the page form and its printable report; a
       missing score is refused naming the criterion
  090  `jifen town show` / `town set`: defaults, changes, bad values exit 1;
       `jifen evaluation criteria --set CODE --weight N`
  100  village accounts get 403 on every dashboard and evaluation route
"""
import datetime
import json
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from shoptest import shop_village, write  # noqa: E402

HEADER = ("village,name,eligible,participating,coverage,standard_version,standard_adopted,"
          "months_approved,announcements,objections_open,redemptions,points_redeemed,"
          "fund_balance\n")


def small_town(db):
    """V1: the sample standard (2024-05-01), H1–H3 joined, H4 eligible but
    not joined, 2024-06 approved, funds 100 in, 20.25 out, one rice (30
    points) handed out on 2024-07-01.  V2: nothing."""
    shop_village(db)
    cli_ok(db, "import", "households", "--village", "V1",
           write(db, "h4.csv", "code,head_name,hukou,homestead,resident\nH4,户主4,是,是,是\n"))
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "incentive", "--amount", "100",
           "--date", "2024-06-01")
    cli_ok(db, "fund", "spend", "--village", "V1", "--source", "incentive", "--amount", "20.25",
           "--note", "购买大米", "--date", "2024-06-02")
    cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "RICE",
           "--date", "2024-07-01")


def test_010_report_csv(db):
    small_town(db)
    out = cli_ok(db, "report", "--year", "2024")
    eq(out, HEADER +
       "V1,V1村,4,3,0.75,1,2024-05-01,1,0,0,1,30,79.75\n"
       "V2,V2村,0,0,,,,0,0,0,0,0,0.00\n")
    # another year: the year's counts are 0, the standing figures stay
    out = cli_ok(db, "report", "--year", "2023")
    eq(out, HEADER + "V1,V1村,4,3,0.75,,,0,0,0,0,0,79.75\nV2,V2村,0,0,,,,0,0,0,0,0,0.00\n")


def test_020_report_json_and_usage(db):
    small_town(db)
    out = cli_ok(db, "report", "--year", "2024", "--format", "json")
    eq(out, '[\n {"village":"V1","name":"V1村","eligible":4,"participating":3,"coverage":0.75,'
       '"standard_version":1,"standard_adopted":"2024-05-01","months_approved":1,'
       '"announcements":0,"objections_open":0,"redemptions":1,"points_redeemed":30,'
       '"fund_balance":79.75},\n {"village":"V2","name":"V2村","eligible":0,"participating":0,'
       '"coverage":null,"standard_version":null,"standard_adopted":null,"months_approved":0,'
       '"announcements":0,"objections_open":0,"redemptions":0,"points_redeemed":0,'
       '"fund_balance":0.00}\n]\n')
    json.loads(out)
    path = os.path.join(db.dir, "r.csv")
    eq(cli_ok(db, "report", "--year", "2024", "--out", path), "")
    with open(path, encoding="utf-8") as f:
        eq(f.read(), cli_ok(db, "report", "--year", "2024"))
    for bad in (["--format", "xml"], ["--year", "24"], ["--format", "xlsx"], ["extra"]):
        rc, out, err = cli(db, "report", *bad)
        eq(rc, 2, f"report {bad}: {err}")


def test_030_report_xlsx(db):
    import openpyxl
    small_town(db)
    path = os.path.join(db.dir, "r.xlsx")
    cli_ok(db, "report", "--year", "2024", "--format", "xlsx", "--out", path)
    ws = openpyxl.load_workbook(path).active
    check("2024" in ws["A1"].value and "朱家角镇" in ws["A1"].value, ws["A1"].value)
    eq(ws.freeze_panes, "A3")
    eq([c.value for c in ws[2]][:5], ["村编号", "村名", "符合条件户", "参与户", "覆盖率"])
    row = [c.value for c in ws[3]]
    eq(row[:6], ["V1", "V1村", 4, 3, 0.75, 1])
    eq(row[6].date(), datetime.date(2024, 5, 1))
    eq(row[7:], [1, 0, 0, 1, 30, 79.75])
    eq([c.value for c in ws[4]][4:7], [None, None, None])
    eq(ws.max_row, 4)


def test_035_dashboard_report_xlsx(db):
    import io
    import openpyxl
    small_town(db)
    path = os.path.join(db.dir, "r.xlsx")
    cli_ok(db, "report", "--year", "2024", "--format", "xlsx", "--out", path)
    want = [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    s = J.Server(db)
    try:
        c = s.client()
        c.login("admin")
        check('href="/town/report.xlsx?year=2024"' in c.get("/town?year=2024").text,
              "the dashboard links the workbook")
        r = c.get("/town/report.xlsx?year=2024")
        eq(r.status, 200, r.text[:200])
        eq(r.header("Content-Type"),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        check('filename="report-2024.xlsx"' in r.header("Content-Disposition"),
              r.header("Content-Disposition"))
        ws = openpyxl.load_workbook(io.BytesIO(r.body)).active
        eq(ws.freeze_panes, "A3")
        got = [[c.value for c in row] for row in ws.iter_rows()]
        eq(got, want, "the CLI's cells")
        eq(got[2][:6], ["V1", "V1村", 4, 3, 0.75, 1])
        eq(c.get("/town/report.xlsx?year=24").status, 400)
    finally:
        s.stop()


# ---- the demo town against the database ----------------------------------

def half_up(part, whole):
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def expected_rows(db, year):
    """The report's rows computed from the tables here, by code."""
    y = str(year)
    rows = {}
    for vid, code, name in db.sql("SELECT id, code, name FROM village ORDER BY code"):
        q = lambda sql: db.sql(sql.replace("$v", vid).replace("$y", y))[0][0]  # noqa: E731
        elig = int(q("SELECT COUNT(*) FROM household WHERE village_id=$v AND eligible=1"
                     " AND left_on IS NULL"))
        part = int(q("SELECT COUNT(*) FROM household WHERE village_id=$v AND participating=1"))
        std = db.sql(f"SELECT version, adopted_on FROM standard_version WHERE village_id={vid}"
                     f" AND effective_on <= '{y}-12-31' ORDER BY effective_on DESC, version DESC"
                     " LIMIT 1")
        fund = int(q("SELECT COALESCE(SUM(income_fen - spent_fen), 0) FROM fund_balance"
                     " WHERE village_id=$v"))
        rows[code] = {
            "village": code, "name": name, "eligible": elig, "participating": part,
            "coverage": half_up(part, elig) if elig else "",
            "standard_version": std[0][0] if std else "",
            "standard_adopted": std[0][1] if std else "",
            "months_approved": int(q("SELECT COUNT(*) FROM approval WHERE village_id=$v"
                                     " AND month LIKE '$y-%'")),
            "announcements": int(q("SELECT COUNT(*) FROM announcement WHERE village_id=$v"
                                   " AND quarter LIKE '$y-Q%'")),
            "objections_open": int(q("SELECT COUNT(*) FROM objection WHERE village_id=$v"
                                     " AND status='open'")),
            "redemptions": int(q("SELECT COUNT(*) FROM redemption WHERE village_id=$v"
                                 " AND status='handed_out' AND date LIKE '$y-%'")),
            "points_redeemed": int(q("SELECT COALESCE(SUM(points), 0) FROM redemption"
                                     " WHERE village_id=$v AND status='handed_out'"
                                     " AND date LIKE '$y-%'")),
            "fund_balance": f"{fund // 100}.{fund % 100:02d}",
        }
    return rows


def demo(db):
    cli_ok(db, "init", "--demo")
    s = J.Server(db)
    c = s.client()
    c.login("admin", "jifen2024!")
    return s, c


def test_040_demo_figures_match_database(db):
    s, c = demo(db)
    try:
        year = datetime.date.today().year
        want = expected_rows(db, year)
        check(any(w["redemptions"] for w in want.values()), "the demo redeems something")
        check(any(w["announcements"] for w in want.values()), "the demo announces something")
        lines = cli_ok(db, "report").splitlines()
        eq(lines[0] + "\n", HEADER)
        eq(len(lines) - 1, len(want))
        for line in lines[1:]:
            f = line.split(",")
            w = want[f[0]]
            eq(f, [str(w[k]) for k in HEADER.strip().split(",")], f"report row {f[0]}")
        d = c.get(f"/api/v1/town/dashboard?year={year}&sort=code").json()
        eq([v["village"] for v in d["villages"]], sorted(want))
        for v in d["villages"]:
            w = want[v["village"]]
            for k in ("eligible", "participating", "months_approved", "announcements",
                      "objections_open", "redemptions", "points_redeemed"):
                eq(v[k], w[k], f"{v['village']} {k}")
            eq(v["coverage"] or "", w["coverage"])
            eq(v["fund_balance"], w["fund_balance"])
            eq(v["standard"]["version"], int(w["standard_version"]))
            eq(v["months_scored"], int(db.sql(
                f"SELECT COUNT(*) FROM sheet s JOIN village v ON v.id = s.village_id"
                f" WHERE v.code = '{v['village']}' AND s.month LIKE '{year}-%'")[0][0]))
            check(v["months_scored"] > v["months_approved"], "the demo's draft month")
            # announcements on time: within town.announce_days (15) of the quarter's end
            on_time = 0
            for q, on in db.sql(f"SELECT a.quarter, a.announced_on FROM announcement a JOIN"
                                f" village v ON v.id = a.village_id WHERE v.code = '{v['village']}'"
                                f" AND a.quarter LIKE '{year}-Q%'"):
                qn = int(q[-1])
                end = (datetime.date(year + (qn == 4), 1 if qn == 4 else qn * 3 + 1, 1)
                       - datetime.timedelta(days=1))
                on_time += (datetime.date.fromisoformat(on) - end).days <= 15
            eq(v["announcements_on_time"], on_time, v["village"])
        # at least one village needs attention and comes first by default
        d = c.get("/api/v1/town/dashboard").json()
        check(d["villages"][0]["attention"] > 0, d["villages"][0])
        check(any(v["attention"] == 0 for v in d["villages"]), "varied villages")
        eq([v["attention"] for v in d["villages"]],
           sorted((v["attention"] for v in d["villages"]), reverse=True))
    finally:
        s.stop()


def svg_of(html, chart_id):
    m = re.search(r'<svg class="chart" id="%s".*?</svg>' % chart_id, html, re.S)
    check(m, f"chart {chart_id} missing")
    return m.group(0)


def test_050_charts(db):
    s, c = demo(db)
    try:
        year = datetime.date.today().year
        want = expected_rows(db, year)
        page = c.get("/town").text
        cov = svg_of(page, "cov")
        check('role="img"' in cov and 'aria-labelledby="cov-t"' in cov, cov[:300])
        check(re.search(r'<title id="cov-t">各村参与覆盖率', cov), cov[:300])
        vals = re.findall(r'class="val">([^<]*)</text>', cov)
        eq(vals, [want[k]["coverage"] for k in sorted(want)])
        labels = re.findall(r'text-anchor="end">([^<]*)</text>', cov)
        eq(labels[:len(want)], [want[k]["name"] for k in sorted(want)])
        check('fill="url(#cov-p1)"' in cov and "<pattern" in cov, "patterns for grey print")
        check("<details open><summary>数据表</summary>" in page, "table beside the chart")
        # points by category per month of one village
        vid = db.sql("SELECT id FROM village WHERE code = 'anzhuang'")[0][0]
        per_month = dict(db.sql(
            f"SELECT month, SUM(points) FROM ledger_entry WHERE village_id = {vid}"
            f" AND kind IN ('score', 'correction') AND month LIKE '{year}-%' GROUP BY month"))
        page = c.get("/town/v/anzhuang").text
        cat = svg_of(page, "cat")
        totals = re.findall(r'class="val">([^<]*)</text>', cat)
        eq(totals, [per_month.get(f"{year}-{m:02d}", "0") for m in range(1, 13)])
        cats = [r[0] for r in db.sql(
            f"SELECT i.category FROM ledger_entry l JOIN standard_item i ON i.id = l.item_id"
            f" WHERE l.village_id = {vid} AND l.kind IN ('score','correction')"
            f" AND l.month LIKE '{year}-%' GROUP BY i.category")]
        for name in cats:
            check(f">{name}</text>" in cat, f"legend {name}")
        api = c.get("/api/v1/villages/anzhuang/oversight").json()
        eq(sorted(x["category"] for x in api["points_by_category"]), sorted(cats))
        eq([sum(x["months"][m] for x in api["points_by_category"]) for m in range(12)],
           [int(per_month.get(f"{year}-{m:02d}", "0")) for m in range(1, 13)])
        red = dict(db.sql(f"SELECT substr(date, 6, 2), SUM(points) FROM redemption"
                          f" WHERE village_id = {vid} AND status = 'handed_out'"
                          f" AND date LIKE '{year}-%' GROUP BY substr(date, 6, 2)"))
        eq(api["redemptions_by_month"]["points"],
           [int(red.get(f"{m:02d}", "0")) for m in range(1, 13)])
    finally:
        s.stop()


def test_060_dashboard_sort_and_landing(db):
    s, c = demo(db)
    try:
        r = c.get("/")
        eq(r.status, 303)
        eq(r.header("Location"), "/town")
        page = c.get("/town").text
        check('href="/town?year=' in page and "sort=coverage" in page, "sort links")
        page = c.get("/town?sort=coverage").text
        order = re.findall(r'<td data-l="村"><a href="/town/v/([^?"]+)', J.without_labels(page))
        want = expected_rows(db, datetime.date.today().year)
        eq(order, sorted(want, key=lambda k: (Decimal(want[k]["coverage"] or "-1"), k)))
        page = c.get("/town?sort=coverage&desc=1").text
        order = re.findall(r'<td data-l="村"><a href="/town/v/([^?"]+)', J.without_labels(page))
        eq(order, sorted(want, key=lambda k: (-Decimal(want[k]["coverage"] or "-1"), k)))
        eq(c.get("/town?year=abc").status, 400)
        for stage in ("动员部署", "全面推行", "总结提升"):
            check(stage in page, stage)
        r = c.get("/town/report.csv")
        eq(r.status, 200)
        eq(r.body.decode("utf-8-sig").replace("\r\n", "\n"), cli_ok(db, "report"))
        eq(c.get("/town/v/nosuch").status, 404)
    finally:
        s.stop()


def test_070_evaluation_api(db):
    J.town(db)
    J.standard_and_households(db, "V1", ["H1", "H2"])
    s = J.Server(db)
    c = s.client()
    c.login("admin")
    try:
        hdr = {"Content-Type": "application/json",
               "X-CSRF-Token": c.get("/api/v1/session").json()["csrf"]}
        d = c.get("/api/v1/villages/V1/evaluations?year=2024").json()
        eq(d["evaluations"], [])
        eq(d["latest"], None)
        form = d["form"]
        # the plan's default set (the table is empty until the town changes a weight)
        eq(db.sql("SELECT COUNT(*) FROM evaluation_criterion"), [["0"]])
        cli_ok(db, "evaluation", "criteria", "--set", "ledger", "--weight", "12")
        weights = dict(db.sql("SELECT code, weight FROM evaluation_criterion WHERE active = 1"))
        eq(weights["ledger"], "12")
        form = c.get("/api/v1/villages/V1/evaluations?year=2024").json()["form"]
        eq({f["code"]: f["weight"] for f in form}, {k: int(v) for k, v in weights.items()})
        cov = next(f for f in form if f["code"] == "coverage")
        check("1.00" in cov["measured"], cov)
        scores = {f["code"]: {"score": 70 + i * 3, "remark": f"说明{i}"} for i, f in enumerate(form)}
        r = c.request("POST", "/api/v1/villages/V1/evaluations",
                      body=json.dumps({"year": 2024, "evaluator": "评估组", "date": "2024-12-10",
                                       "conclusion": "良好", "scores": scores}),
                      headers=hdr)
        eq(r.status, 201, r.text)
        e1 = r.json()
        num = sum(int(weights[k]) * v["score"] for k, v in scores.items())
        den = sum(int(w) for w in weights.values())
        eq(e1["total"], half_up(num, den))
        eq(len(e1["scores"]), len(form))
        # a second evaluation is a new row; the first stays as it was
        scores["ledger"]["score"] = 0
        r = c.request("POST", "/api/v1/villages/V1/evaluations",
                      body=json.dumps({"year": 2024, "evaluator": "复评组", "scores": scores}),
                      headers=hdr)
        eq(r.status, 201, r.text)
        e2 = r.json()
        d = c.get("/api/v1/villages/V1/evaluations?year=2024").json()
        eq([e["id"] for e in d["evaluations"]], [e2["id"], e1["id"]])
        eq(d["latest"]["id"], e2["id"])
        eq(c.get(f"/api/v1/villages/V1/evaluations/{e1['id']}").json()["total"], e1["total"])
        eq(c.get(f"/api/v1/villages/V2/evaluations/{e1['id']}").status, 404)
        # refused: a missing score, naming the criterion; nothing written
        del scores["announce"]
        r = c.request("POST", "/api/v1/villages/V1/evaluations",
                      body=json.dumps({"year": 2024, "evaluator": "评估组", "scores": scores}),
                      headers=hdr)
        eq(r.status, 400)
        check("一季一公示" in r.json()["error"], r.text)
        eq(db.sql("SELECT COUNT(*) FROM evaluation")[0][0], "2")
        for sql in ("UPDATE evaluation SET total_x100 = 0",
                    "DELETE FROM evaluation_score"):
            try:
                db.sql(sql)
                raise J.Failure(f"{sql} was not refused")
            except subprocess.CalledProcessError:
                pass
    finally:
        s.stop()


def test_080_evaluation_page(db):
    J.town(db)
    J.standard_and_households(db, "V1", ["H1"])
    s = J.Server(db)
    c = s.client()
    c.login("admin")
    try:
        page = c.get("/town/v/V1/evaluation?year=2024").text
        codes = re.findall(r'name="score_([a-z]+)"', page)
        check(len(codes) == 7, codes)
        fields = {"year": "2024", "evaluator": "评估组<b>", "date": "2024-12-01", "conclusion": "好"}
        fields.update({f"score_{k}": "80" for k in codes})
        fields["score_ledger"] = ""
        r = c.post("/town/v/V1/evaluation", fields)
        eq(r.status, 400)
        check("台账资料完整" in r.text and "得分应为" in r.text, r.text[:2000])
        fields["score_ledger"] = "80"
        r = c.post("/town/v/V1/evaluation", fields)
        eq(r.status, 303, r.text[:500])
        rep = c.get(r.header("Location")).text
        check('<strong>80.00</strong>' in rep, rep[-2000:])
        check("评估组&lt;b&gt;" in rep and "评估组<b>" not in rep, "escaped")
        page = c.get("/town/v/V1/evaluation?year=2024").text
        check("（最新）" in page and "80.00" in page, page[-3000:])
    finally:
        s.stop()


def test_090_town_settings(db):
    cli_ok(db, "init")
    out = cli_ok(db, "town", "show")
    check("town.announce_days,15\n" in out and "town.stage2_start,2024-04-01\n" in out, out)
    cli_ok(db, "town", "set", "town.announce_days", "10")
    cli_ok(db, "town", "set", "town.stage3_end", "2025-01-15")
    out = cli_ok(db, "town", "show")
    check("town.announce_days,10\n" in out and "town.stage3_end,2025-01-15\n" in out, out)
    for key, value, word in (("town.announce_days", "x", "0–365"),
                             ("town.stage1_end", "2024-05-01", "第2阶段"),
                             ("town.nosuch", "1", "未知"),
                             ("town.goal_pct", "0", "1–100")):
        rc, out, err = cli(db, "town", "set", key, value)
        eq(rc, 1, err)
        check(word in err, err)
    eq(db.sql("SELECT value FROM setting WHERE name = 'town.stage1_end'"), [])
    eq(cli(db, "town", "set", "town.goal_pct")[0], 2)
    eq(cli_ok(db, "town"), "朱家角镇\n")
    # the evaluation's criteria and weights are the town's
    out = cli_ok(db, "evaluation", "criteria")
    check("\nledger,15,台账资料完整\n" in out, out)
    out = cli_ok(db, "evaluation", "criteria", "--set", "ledger", "--weight", "5")
    check(out.startswith("code,weight,name\ncoverage,20,") and "\nledger,5,台账资料完整\n" in out, out)
    for bad in (("--set", "nosuch", "--weight", "5"), ("--set", "ledger", "--weight", "101")):
        eq(cli(db, "evaluation", "criteria", *bad)[0], 1, bad)
    eq(cli(db, "evaluation", "criteria", "--set", "ledger")[0], 2)


def test_100_village_accounts_refused(db):
    J.town(db)
    s = J.Server(db)
    try:
        for login in ("V1-admin", "V1-scorer", "V1-shop"):
            c = s.client()
            c.login(login)
            for path in ("/town", "/town/report.csv", "/town/report.xlsx", "/town/v/V1", "/town/v/V1/evaluation",
                         "/api/v1/town/dashboard", "/api/v1/villages/V1/oversight",
                         "/api/v1/villages/V1/evaluations"):
                eq(c.get(path).status, 403, f"{login} {path}")
            eq(c.post("/town/v/V1/evaluation", {"year": "2024"}).status, 403)
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
