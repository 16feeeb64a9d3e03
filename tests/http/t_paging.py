"""t_paging — no answer grows with the data (issue 11, finding 9).  On a
sheet of 50,000 entries (1,000 households, imported through `jifen import
entries`):

  010  the sheet's page shows one page of 100 entries (bounded bytes) with a
       next link; following the links shows every entry exactly once
  020  the sheet's API answers one page (default 500, ?limit= up to 2000)
       with "next" only when there is more; walking it gives every entry
       exactly once; a sheet of one page has no "next" (t_api_golden.py
       pins those bytes)
  030  eight clients fetching the sheet's page and API at once: the
       server's peak memory grows by a bounded amount
  040  bad cursors and limits are 400
  050  the declarations' list: the API pages by id (?before=, "next"), the
       page shows the newest 500 at most
  060  a household's ledger API by cursor (?after=, "next"): walking it
       while entries are posted between pages (a month approved late, with
       older dates; a correction, newest) gives every entry exactly once,
       newest first; offset/limit still work and end in a "next" cursor;
       bad cursors are 400
"""
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

HOUSEHOLDS = 1000
PER_HOUSEHOLD = 50
TOTAL = HOUSEHOLDS * PER_HOUSEHOLD
MONTH = "2024-06"
PAGE_BYTES = 1024 * 1024      # an HTML page of 100 entries and 1,000 households' datalist
API_BYTES = 1536 * 1024       # 2,000 entries of JSON are ~900 KB


def big_sheet(db):
    J.town(db, villages=("V1",))
    codes = [f"H{i:04d}" for i in range(1, HOUSEHOLDS + 1)]
    J.standard_and_households(db, "V1", codes)
    path = os.path.join(db.dir, "entries.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("household,item,date,quantity,note\n")
        for code in codes:
            for k in range(PER_HOUSEHOLD):
                f.write(f"{code},PA03,{MONTH}-{k % 28 + 1:02d},1,\n")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", MONTH, path)
    eq(db.sql("SELECT COUNT(*) FROM entry")[0][0], str(TOTAL))


def all_ids(db):
    return {int(r[0]) for r in db.sql("SELECT id FROM entry")}


def test_010_sheet_page(db):
    big_sheet(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        url, seen, pages = f"/v/V1/sheets/{MONTH}", [], 0
        while url:
            r = c.get(url)
            eq(r.status, 200, url)
            check(len(r.body) < PAGE_BYTES, f"{url}: {len(r.body)} bytes")
            seen += [int(x) for x in re.findall(r'/entries/(\d+)/remove"', r.text)]
            m = re.search(r'rel="next" href="([^"]+)"', r.text)
            url = m and m.group(1).replace("&amp;", "&")
            pages += 1
            check(pages <= TOTAL // 100 + 1, "the walk ends")
        eq(len(seen), TOTAL, "every entry shown")
        eq(set(seen), all_ids(db), "each exactly once")
    finally:
        s.stop()


def test_020_sheet_api(db):
    big_sheet(db)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        r = c.get(f"/api/v1/villages/V1/sheets/{MONTH}")
        eq(r.status, 200)
        j = r.json()
        eq(len(j["entries"]), 500, "default page")
        check("next" in j, "a next page")
        url, seen = f"/api/v1/villages/V1/sheets/{MONTH}?limit=2000", []
        while url:
            r = c.get(url)
            eq(r.status, 200, url)
            check(len(r.body) < API_BYTES, f"{url}: {len(r.body)} bytes")
            j = r.json()
            check(len(j["entries"]) <= 2000, "limit kept")
            seen += [e["id"] for e in j["entries"]]
            url = j.get("next")
        eq(len(seen), TOTAL, "every entry")
        eq(set(seen), all_ids(db), "each exactly once")
        # the order of the page is the sheet's: household code, then date
        keys = [(e["household"], e["date"], e["id"]) for e in j["entries"]]
        eq(keys, sorted(keys), "ordered")
    finally:
        s.stop()


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))


def test_030_parallel_memory(db):
    big_sheet(db)
    s = J.Server(db)
    try:
        clients = []
        for _ in range(8):
            c = s.client()
            c.login("V1-admin")
            clients.append(c)
        before = peak_rss_kb(s.proc.pid)
        sizes = []

        def fetch(c):
            for path in (f"/v/V1/sheets/{MONTH}", f"/api/v1/villages/V1/sheets/{MONTH}?limit=2000"):
                sizes.append(len(c.get(path).body))
        threads = [threading.Thread(target=fetch, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        grew = peak_rss_kb(s.proc.pid) - before
        check(max(sizes) < API_BYTES, f"answers {max(sizes)} bytes")
        check(grew < 64 * 1024, f"peak memory grew by {grew} KB")
    finally:
        s.stop()


def test_040_bad_cursor(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01"])
    cli_ok(db, "import", "entries", "--village", "V1", "--month", MONTH,
           os.path.join(db.dir, "e.csv") if open(os.path.join(db.dir, "e.csv"), "w").write(
               "household,item,date,quantity,note\nH01,PA03,2024-06-02,1,\n") else "")
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        j = c.get(f"/api/v1/villages/V1/sheets/{MONTH}").json()
        check("next" not in j, "one page: no next " + json.dumps(j)[:200])
        for q in ("after=-1", "after=x", "limit=0", "limit=2001", "limit=abc"):
            eq(c.get(f"/api/v1/villages/V1/sheets/{MONTH}?{q}").status, 400, q)
        eq(c.get(f"/v/V1/sheets/{MONTH}?after=x").status, 400, "page: bad cursor")
        eq(c.get(f"/api/v1/villages/V1/sheets/{MONTH}?after=999999").json()["entries"], [],
           "a cursor of no entry: nothing after it")
    finally:
        s.stop()


def test_050_declarations(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01"])
    vid, hid = db.sql("SELECT village_id, id FROM household")[0]
    db.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)"
           f" INSERT INTO declaration(village_id, household_id, date, note, created_at)"
           f" SELECT {vid}, {hid}, '2024-06-01', '好事' || i, 0 FROM n")
    want = {int(r[0]) for r in db.sql("SELECT id FROM declaration")}
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-scorer")
        url, seen = "/api/v1/villages/V1/declarations?status=pending", []
        while url:
            j = c.get(url).json()
            check(len(j["declarations"]) <= 500, "a page")
            seen += [d["id"] for d in j["declarations"]]
            url = j.get("next")
        eq(len(seen), 1200, "every declaration")
        eq(set(seen), want, "each once")
        eq(seen, sorted(seen, reverse=True), "newest first")
        r = c.get("/v/V1/declarations")
        eq(r.status, 200)
        check(len(r.body) < 3 * 1024 * 1024, f"page {len(r.body)} bytes: two lists of 500 at most")
    finally:
        s.stop()


def test_060_ledger_cursor(db):
    J.town(db, villages=("V1",))
    J.standard_and_households(db, "V1", ["H01", "H02"])
    for m in range(6, 13):
        J.score_month(db, f"2024-{m:02d}", [("H01", "PA03", d, 1, "") for d in (3, 9, 17)]
                      + [("H02", "PA03", 5, 1, "")])
    before = {int(r[0]) for r in db.sql(
        "SELECT le.id FROM ledger_entry le JOIN household h ON h.id = le.household_id"
        " WHERE h.code = 'H01'")}
    eq(len(before), 21)
    s = J.Server(db)
    try:
        c = s.client()
        c.login("V1-admin")
        base = "/api/v1/villages/V1/ledger?household=H01"
        url, seen, keys, pages = base + "&limit=4", [], [], 0
        while url:
            j = c.get(url).json()
            check(len(j["entries"]) <= 4, "a page of 4 at most")
            seen += [e["id"] for e in j["entries"]]
            keys += [(e["date"], e["seq"]) for e in j["entries"]]
            eq(j["total"] >= 21, True)
            url = j.get("next")
            pages += 1
            if pages == 1:
                # between pages: a late month (dates older than the cursor:
                # they come in the later pages) and a correction (today:
                # before the cursor, so not in this walk)
                J.score_month(db, "2024-05", [("H01", "PA03", 8, 1, "")])
                r = c.request("POST", f"/api/v1/villages/V1/ledger/{seen[0]}/correct",
                              body=json.dumps({"amount": 1, "reason": "复核"}).encode(),
                              headers={"Content-Type": "application/json",
                                       "X-CSRF-Token": c.csrf})
                eq(r.status, 201, r.text[:300])
        eq(len(seen), len(set(seen)), "no entry twice")
        check(before <= set(seen), "every entry of the start")
        late = {int(r[0]) for r in db.sql("SELECT id FROM ledger_entry WHERE month = '2024-05'")}
        check(late <= set(seen), "the late month's entry, after the cursor")
        eq(keys, sorted(keys, reverse=True), "newest first")
        check(pages >= 6, f"{pages} pages")
        # offset/limit as before, with a cursor to go on
        j = c.get(base + "&offset=2&limit=3").json()
        eq(j["offset"], 2)
        ids = [e["id"] for e in j["entries"]]
        eq(len(ids), 3)
        eq(j["next"], f"{base}&after={ids[-1]}&limit=3")
        j2 = c.get(j["next"]).json()
        full = [e["id"] for e in c.get(base + "&limit=1000").json()["entries"]]
        eq(ids + [e["id"] for e in j2["entries"]], full[2:8], "offset page, then the cursor's")
        check("next" not in c.get(base + "&limit=1000").json(), "one page: no next")
        other = db.sql("SELECT le.id FROM ledger_entry le JOIN household h"
                       " ON h.id = le.household_id WHERE h.code = 'H02'")[0][0]
        for q in ("after=x", "after=0", "after=-3", f"after={other}", "after=99999999",
                  f"after={full[0]}&offset=1"):
            eq(c.get(f"{base}&{q}").status, 400, q)
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
