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


if __name__ == "__main__":
    J.main(globals())
