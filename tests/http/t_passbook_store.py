"""The stored passbooks (passbook_store.h, issue 16) through the real binary:
every household's card page /p/TOKEN and its JSON are stored as bytes in
the transaction of each change, served from one read with an ETag, and
never stale.

  100  a stored page and JSON equal the ones rendered on the fly; ETag,
       Cache-Control, 304 on If-None-Match, a changed ETag after a write
  110  freshness: a page read, an approval acknowledged (web, on another
       instance), the page read again shows the new entries
  120  after every kind of write (posting, correction, redemption reserve /
       hand-out / cancel, year end, declaration and its decision) the
       stored bytes equal a fresh rendering, and `jifen verify` agrees
  130  an upheld objection (posted by its decision) likewise
  140  `jifen verify` finds a tampered stored passbook
  150  a bulk posting (64+ households) leaves tombstones (never served:
       rendered on the fly) and the CLI renders them after the commit,
       before it exits; `jifen passbook-render` renders them too
  160  an unknown or revoked token is 404 on the stored path too
  170  a row rendered yesterday (the test clock JIFEN_CLOCK_OFFSET) is still
       served, with today's date in it and in its ETag; one rendered last
       quarter (past its valid_until) is not
  180  announcing a quarter stores every household's page after the
       announcement's commit (not inside it): current rows, equal to fresh;
       `jifen verify` finds a tampered or missing stored receipt
  190  a bulk approval through the web: serve's worker renders the
       tombstones after the commit
  200  长辈模式: the 304 varies with the cookie (Vary: Cookie; the normal
       page's ETag does not revalidate the large-type page)
  210  gzip: a client that takes gzip gets the stored bytes as gzip
       (Content-Encoding, Vary: Accept-Encoding, an ETag of its own, its
       304), which inflate to the identity answer byte for byte, the card's
       URL and today's date filled in; q=0 or no gzip: identity; a row not
       servable (rendered on the fly) and the household's own JSON alike"""
import gzip
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
import shoptest  # noqa: E402
import t_passbook as P  # noqa: E402


def token_of(s, village, code, db):
    return P.issue_token(P.admin(s, f"{village}-admin"), village, P.hid(db, village, code))[0]


def stored(r):
    """True when r is the store's answer (its ETag says so): from the row,
    or rendered as the store renders it when no row may be served."""
    etag = r.header("ETag") or ""
    return etag.startswith('"h-') or etag.startswith('"j-')


ROW_MARK = "feedfacefeedface"
marked = {}


def mark_row(db, hid, valid_until=None):
    """Mark the household's stored row (its ETag column, which the answer's
    ETag is made of; the bodies are packed) without touching what makes the
    row servable, so that an answer shows whether it came from the row
    (from_row)."""
    marked[hid] = db.sql(f"SELECT etag FROM passbook_store WHERE household_id = {hid}")[0][0]
    until = "" if valid_until is None else f", valid_until = {valid_until}"
    db.sql(f"UPDATE passbook_store SET etag = '{ROW_MARK}'{until} WHERE household_id = {hid}")


def unmark_row(db, hid):
    db.sql(f"UPDATE passbook_store SET etag = '{marked.pop(hid)}' WHERE household_id = {hid}")


def from_row(r):
    return ROW_MARK in (r.header("ETag") or "")


def same_as_fresh(s, tok, what):
    """The stored page and JSON of tok are served from the store and equal
    what the binary renders on the fly now (?page=1 skips the store)."""
    c = s.client()
    for path in (f"/p/{tok}", f"/api/v1/p/{tok}"):
        a = c.get(path)
        b = c.get(path + "?page=1")
        eq(a.status, 200, f"{what}: {path}")
        check(stored(a), f"{what}: {path} served from the store (ETag {a.header('ETag')})")
        check(not stored(b), f"{what}: {path}?page=1 rendered on the fly")
        eq(a.body, b.body, f"{what}: {path} stored bytes equal a fresh rendering")
    return c.get(f"/api/v1/p/{tok}").json()


def verify_ok(db, what):
    rc, out, err = cli(db, "verify")
    eq(rc, 0, f"{what}: verify {out} {err}")
    check("积分存折完好" in out, out)


def test_100_stored_etag_304(db):
    P.setup(db)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "001", db)
        j = same_as_fresh(s, tok, "after setup")
        eq((j["balance"], j["year_points"], j["quarter_points"]), P.expected("001"))
        c = s.client()
        r = c.get(f"/p/{tok}")
        etag = r.header("ETag")
        eq(r.header("Cache-Control"), "private, no-cache")
        eq(r.header("X-Robots-Tag"), "noindex, nofollow")
        check("\x01" not in r.text, "the URL placeholder is replaced")
        r2 = c.get(f"/p/{tok}", headers={"If-None-Match": etag})
        eq(r2.status, 304, "revalidation")
        eq(r2.body, b"", "304 without a body")
        eq(r2.header("ETag"), etag)
        eq(c.get(f"/p/{tok}", headers={"If-None-Match": '"h-0000"'}).status, 200)
        rj = c.get(f"/api/v1/p/{tok}")
        check(rj.header("ETag") != etag, "page and JSON have their own ETags")
        eq(c.get(f"/api/v1/p/{tok}", headers={"If-None-Match": rj.header("ETag")}).status, 304)
        # on the fly: an ETag too, and a 304
        r3 = c.get(f"/p/{tok}?page=1")
        eq(c.get(f"/p/{tok}?page=1", headers={"If-None-Match": r3.header("ETag")}).status, 304)
        # a write changes the ETag
        cli_ok(db, "ledger", "correct", "--village", "V1", "--entry",
               db.sql("SELECT MIN(id) FROM ledger_entry")[0][0], "--points", "1",
               "--reason", "多记了")
        r4 = c.get(f"/p/{tok}", headers={"If-None-Match": etag})
        eq(r4.status, 200, "changed after the correction")
        check(r4.header("ETag") != etag, "new ETag")
        # the household's own JSON (session) is served from the store too
        pin = P.set_pin(P.admin(s), "V1", P.hid(db, "V1", "001"))
        hc, _ = P.household_login(s, "V1", "001", pin)
        own = hc.get("/api/v1/passbook")
        eq(own.status, 200)
        check(stored(own), "own JSON stored")
        eq(own.body, c.get(f"/api/v1/p/{tok}").body, "own JSON = card JSON")
    finally:
        s.stop()


def approve_web(server, village, month):
    c = server.client()
    c.login(f"{village}-admin")
    c.get(f"/v/{village}/sheets/{month}")
    eq(c.post(f"/v/{village}/sheets/{month}/submit", {}).status, 303, "submit")
    r = c.post(f"/v/{village}/sheets/{month}/approve",
               {"meeting_date": "2024-10-08", "attendees": "村两委全体", "resolution": "同意"})
    eq(r.status, 303, f"approve: {r.text[:300]}")


def test_110_fresh_across_instances(db):
    shoptest.shop_village(db)
    a, b = J.Server(db), J.Server(db)
    try:
        tok = token_of(a, "V1", "H1", db)
        c = b.client()
        before = c.get(f"/api/v1/p/{tok}").json()
        page = c.get(f"/p/{tok}")
        eq((before["balance"], before["total"]), (100, 1))
        path = shoptest.write(db, "sep.csv", "household,item,quantity,date,note\n"
                              "H1,HJ05,2,2024-09-10,新的一条\n")
        cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-09", path)
        approve_web(a, "V1", "2024-09")
        # acknowledged on a: b's next read has it, and the old ETag is not current
        after = c.get(f"/api/v1/p/{tok}").json()
        eq((after["balance"], after["total"]), (120, 2), "new entry visible on the other instance")
        eq(after["entries"][0]["note"], "新的一条")
        r = c.get(f"/p/{tok}", headers={"If-None-Match": page.header("ETag")})
        eq(r.status, 200, "old ETag no longer matches")
        check("新的一条" in r.text and '<div class="big">120</div>' in r.text, "page fresh")
        same_as_fresh(b, tok, "after the web approval")
    finally:
        a.stop()
        b.stop()


def test_120_every_write(db):
    shoptest.shop_village(db)
    cli_ok(db, "village", "set", "V1", "year_end", "carry_cap:50")
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H1", db)
        same_as_fresh(s, tok, "start")
        shoptest.score(db, "V1", "2024-07", {"H1": 20, "H2": 10})
        eq(same_as_fresh(s, tok, "posting")["balance"], 120)
        entry = db.sql("SELECT MAX(id) FROM ledger_entry WHERE household_id = %s"
                       % P.hid(db, "V1", "H1"))[0][0]
        cli_ok(db, "ledger", "correct", "--village", "V1", "--entry", entry, "--points", "10",
               "--reason", "多记了")
        eq(same_as_fresh(s, tok, "correction")["balance"], 110)
        verify_ok(db, "after correction")
        cli_ok(db, "redeem", "--village", "V1", "--household", "H1", "--item", "HAIR",
               "--date", "2024-08-01")
        eq(same_as_fresh(s, tok, "redemption")["balance"], 100)
        # a reservation at the counter, its hand-out; another, cancelled
        from t_shop_race import Api
        shop = Api(s, "V1-shop")
        hid = P.hid(db, "V1", "H1")
        r = shop.post("/api/v1/villages/V1/redemptions", {"household": "H1", "item": "RICE"})
        eq(r.status, 201, r.text)
        eq(same_as_fresh(s, tok, "reservation")["balance"], 100)
        eq(shop.post(f"/api/v1/villages/V1/redemptions/{r.json()['id']}/handout").status, 200)
        eq(same_as_fresh(s, tok, "hand-out")["balance"], 70)
        r = shop.post("/api/v1/villages/V1/redemptions", {"household": "H1", "item": "HAIR"})
        eq(r.status, 201, r.text)
        eq(shop.post(f"/api/v1/villages/V1/redemptions/{r.json()['id']}/cancel").status, 200)
        check("已取消" in s.client().get(f"/p/{tok}").text, "the cancel shows")
        same_as_fresh(s, tok, "cancel")
        verify_ok(db, "after redemptions")
        # a declaration by the household, then its decline
        pin = P.set_pin(P.admin(s), "V1", hid)
        hc, _ = P.household_login(s, "V1", "H1", pin)
        hc.get("/passbook/declare")
        r = hc.post_multipart("/passbook/declare",
                              {"date": P.TODAY.isoformat(), "note": "帮邻居收稻谷", "item": ""},
                              {})
        eq(r.status, 303, f"declare: {r.text[:300]}")
        j = same_as_fresh(s, tok, "declaration")
        eq(j["declarations"][0]["status"], "pending")
        did = db.sql("SELECT MAX(id) FROM declaration")[0][0]
        adm = P.admin(s)
        adm.get("/v/V1/declarations")
        r = adm.post(f"/v/V1/declarations/{did}/decline", {"reason": "证据不足"})
        check(r.status in (200, 303), f"decline: {r.status} {r.text[:200]}")
        j = same_as_fresh(s, tok, "declaration decided")
        eq(j["declarations"][0]["status"], "declined")
        verify_ok(db, "after every write")
    finally:
        s.stop()


def test_130_objection_upheld(db):
    import t_objection as O
    O.setup(db)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H02", db)
        before = same_as_fresh(s, tok, "after the announcement")
        # the receipt stored with the announcement is the one computed from
        # its lines (`jifen receipt` rebuilds the tree)
        import html
        receipt = cli_ok(db, "receipt", "--village", "V1", "--quarter", "2024-Q2",
                         "--household", "H02")
        page = s.client().get(f"/p/{tok}").text
        check(html.escape(receipt.strip(), quote=True).replace("&#x27;", "&#39;") in page,
              "the stored receipt on the page equals the computed one")
        eq(db.sql("SELECT COUNT(*) FROM announcement_receipt")[0][0],
           db.sql("SELECT COUNT(*) FROM announcement_line")[0][0], "one receipt a line")
        seq = O.seq_of(db, "H02", "ZF02", "2024-05")
        i = O.add(db, "--entry", str(seq))
        cli_ok(db, "objection", "decide", "--village", "V1", "--id", str(i), "--uphold",
               "--reason", "多扣了", "--entry", str(seq), "--points", "5")
        after = same_as_fresh(s, tok, "objection upheld")
        eq(after["balance"], before["balance"] + 5, "the correction is on the passbook")
        verify_ok(db, "after the objection")
    finally:
        s.stop()


def test_140_verify_finds_tampering(db):
    shoptest.shop_village(db)
    verify_ok(db, "untouched")
    hid = P.hid(db, "V1", "H2")
    # bytes that unpack, to another page: the household's JSON
    db.sql(f"UPDATE passbook_store SET html_z = json_z WHERE household_id = {hid}")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, "a tampered stored passbook is a finding")
    check("H2" in err and "积分存折" in err, err)
    # a stale one (the ledger changed behind the store's back) too
    cli_ok(db, "passbook-render", "--village", "V1")
    verify_ok(db, "re-rendered")
    db.sql(f"UPDATE household_balance SET balance = balance WHERE household_id = {hid}")
    db.sql("UPDATE passbook_store SET json_z = (SELECT json_z FROM passbook_store"
           f" WHERE household_id <> {hid} ORDER BY household_id LIMIT 1)"
           f" WHERE household_id = {hid}")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, "stale JSON is a finding")


def live_rows(db):
    """Stored rows that may be served (not tombstones)."""
    return int(db.sql("SELECT COUNT(*) FROM passbook_store WHERE render_id <> ''")[0][0])


def test_150_bulk_posting(db):
    codes = [f"B{i:03d}" for i in range(1, 71)]
    J.town(db)
    J.standard_and_households(db, "V1", codes)
    tokens = {}
    s = J.Server(db)
    try:
        for code in ("B001", "B070"):
            tokens[code] = token_of(s, "V1", code, db)
        shoptest.score(db, "V1", "2024-06", {c: 10 for c in codes})
        eq(live_rows(db), 70, "the CLI rendered the 70 tombstones before it exited")
        same_as_fresh(s, tokens["B070"], "after the bulk posting")
        eq(s.client().get(f"/api/v1/p/{tokens['B070']}").json()["balance"], 10)
        # a tombstone is never served: the page is rendered on the fly
        hid = P.hid(db, "V1", "B070")
        db.sql("UPDATE passbook_store SET render_id = '', json_z = '', html_z = '', gen = gen + 1"
               f" WHERE household_id = {hid}")
        c = s.client()
        r = c.get(f"/api/v1/p/{tokens['B070']}")
        eq(r.json()["balance"], 10, "a tombstone (empty bodies) is not served")
        page = c.get(f"/p/{tokens['B070']}")
        check("积分余额" in page.text, "the page on the fly")
        check(stored(r) and stored(page), "rendered as the store renders it")
        out = cli_ok(db, "passbook-render")
        check("70" in out, out)
        # what was rendered on the fly carried the ETag the row has now
        for path, etag in ((f"/api/v1/p/{tokens['B070']}", r.header("ETag")),
                           (f"/p/{tokens['B070']}", page.header("ETag"))):
            eq(c.get(path, headers={"If-None-Match": etag}).status, 304,
               f"{path}: the ETag of the miss revalidates against the stored row")
        same_as_fresh(s, tokens["B070"], "after passbook-render")
        same_as_fresh(s, tokens["B001"], "after passbook-render")
        verify_ok(db, "bulk")
    finally:
        s.stop()


def test_160_unknown_token(db):
    shoptest.shop_village(db)
    s = J.Server(db)
    try:
        c = s.client()
        eq(c.get("/p/" + "0" * 64).status, 404)
        eq(c.get("/api/v1/p/" + "0" * 64).status, 404)
        tok = token_of(s, "V1", "H1", db)
        a = P.admin(s)
        a.get(f"/v/V1/households/{P.hid(db, 'V1', 'H1')}/card")
        eq(a.post(f"/v/V1/households/{P.hid(db, 'V1', 'H1')}/card-token/revoke", {}).status, 303)
        eq(c.get(f"/p/{tok}").status, 404, "revoked: 404 though the row is stored")
        eq(c.get(f"/api/v1/p/{tok}").status, 404)
    finally:
        s.stop()


def test_170_rendered_yesterday(db):
    import datetime
    shoptest.shop_village(db)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H1", db)
        today = datetime.date.today()
        yesterday = today - datetime.timedelta(days=1)
        same_quarter = (yesterday.year, (yesterday.month - 1) // 3) == \
            (today.year, (today.month - 1) // 3)
        rc, out, err = cli(db, "passbook-render", env={"JIFEN_CLOCK_OFFSET": "-86400"})
        eq(rc, 0, err)
        eq(db.sql("SELECT MIN(as_of) FROM passbook_store")[0][0], yesterday.isoformat(),
           "rendered as of yesterday")
        c = s.client()
        hid = P.hid(db, "V1", "H1")
        for path in (f"/p/{tok}", f"/api/v1/p/{tok}"):
            r = c.get(path)
            eq(r.status, 200)
            check(r.header("ETag").endswith(today.strftime('-%Y%m%d"')),
                  f"the ETag names today: {r.header('ETag')}")
            eq(r.body, c.get(path + "?page=1").body, f"{path}: equal to a fresh rendering")
            check(today.isoformat() in r.text and yesterday.isoformat() not in r.text,
                  "today's date in the page")
            mark_row(db, hid)
            eq(from_row(c.get(path)), same_quarter,
               f"{path}: a row of yesterday is served (same quarter)")
            unmark_row(db, hid)
        verify_ok(db, "a row of yesterday")
        # rendered in the last quarter: past its validity (the quarter's points)
        q_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        back = (today - q_start).days + 1
        rc, out, err = cli(db, "passbook-render", env={"JIFEN_CLOCK_OFFSET": str(-back * 86400)})
        eq(rc, 0, err)
        mark_row(db, hid)
        for path in (f"/p/{tok}", f"/api/v1/p/{tok}"):
            r = c.get(path)
            eq(r.status, 200)
            check(not from_row(r), f"{path}: a row of last quarter is not served")
            eq(r.body, c.get(path + "?page=1").body, f"{path}: rendered on the fly")
        # and a live reservation's expiry ends a row's validity too
        cli_ok(db, "passbook-render")
        mark_row(db, hid, valid_until=1)
        r = c.get(f"/p/{tok}")
        check(not from_row(r) and "积分余额" in r.text, "past valid_until: not served")
    finally:
        s.stop()


def test_180_announce_renders_after_commit(db):
    import t_objection as O
    O.setup(db)  # announces 2024-Q2 of V1
    n = int(db.sql("SELECT COUNT(*) FROM household WHERE village_id ="
                   " (SELECT id FROM village WHERE code = 'V1') AND left_on IS NULL")[0][0])
    eq(live_rows(db), n, "every household's page stored after announcing")
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H02", db)
        j = same_as_fresh(s, tok, "after the announcement")
        check(j["balance"] is not None, "JSON")
        check("公示回执" in s.client().get(f"/p/{tok}").text, "the receipt on the stored page")
        verify_ok(db, "announced")
    finally:
        s.stop()
    # `jifen verify` checks the stored receipts against the announcement's lines
    db.sql("UPDATE announcement_receipt SET receipt = replace(receipt, 'index ', 'index 1')"
           " WHERE code = 'H02'")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, "a tampered receipt is a finding")
    check("H02" in err and "回执" in err, err)
    db.sql("DELETE FROM announcement_receipt WHERE code = 'H02'")
    rc, out, err = cli(db, "verify")
    eq(rc, 1, "a missing receipt is a finding")
    check("回执" in err, err)


def test_190_web_bulk_background(db):
    import time
    codes = [f"B{i:03d}" for i in range(1, 71)]
    J.town(db)
    J.standard_and_households(db, "V1", codes)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "B070", db)
        cli_ok(db, "passbook-render")
        path = shoptest.write(db, "bulk.csv", "household,item,quantity,date,note\n" +
                              "".join(f"{c},HJ05,1,2024-09-10,\n" for c in codes))
        cli_ok(db, "import", "entries", "--village", "V1", "--month", "2024-09", path)
        approve_web(s, "V1", "2024-09")
        # never stale: right at once (stored or on the fly) …
        eq(s.client().get(f"/api/v1/p/{tok}").json()["balance"], 10, "fresh after the approval")
        # … and stored again by the worker soon after
        deadline = time.time() + 20
        while time.time() < deadline and live_rows(db) < 70:
            time.sleep(0.2)
        eq(live_rows(db), 70, "serve's worker rendered the tombstones")
        j = same_as_fresh(s, tok, "after the worker")
        eq(j["balance"], 10)
        verify_ok(db, "web bulk")
    finally:
        s.stop()


def test_200_elder_vary(db):
    shoptest.shop_village(db)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H1", db)
        c = s.client()
        r = c.get(f"/p/{tok}")
        check(stored(r), "normal page stored")
        eq(r.header("Vary"), "Cookie, Accept-Encoding")
        etag = r.header("ETag")
        eq(c.get(f"/p/{tok}", headers={"If-None-Match": etag}).status, 304)
        big = c.get(f"/p/{tok}", headers={"If-None-Match": etag, "Cookie": "jifen_elder=1"})
        eq(big.status, 200, "the normal page's ETag does not revalidate 长辈模式")
        check('class="elder"' in big.text, "large type")
        eq(big.header("Vary"), "Cookie")
        check(big.header("ETag") != etag, "its own ETag")
        eq(c.get(f"/p/{tok}", headers={"If-None-Match": big.header("ETag"),
                                       "Cookie": "jifen_elder=1"}).status, 304)
        eq(c.get(f"/p/{tok}", headers={"If-None-Match": big.header("ETag")}).status, 200,
           "and the other way round")
    finally:
        s.stop()


def test_210_gzip(db):
    shoptest.shop_village(db)
    s = J.Server(db)
    try:
        tok = token_of(s, "V1", "H1", db)
        hid = P.hid(db, "V1", "H1")
        c = s.client()
        gz = {"Accept-Encoding": "gzip, deflate, br"}

        def both(path, what, **extra):
            plain = c.get(path, headers=dict(extra))
            z = c.get(path, headers=dict(gz, **extra))
            eq((plain.status, z.status), (200, 200), what)
            eq(plain.header("Content-Encoding"), None, f"{what}: identity without gzip")
            eq(z.header("Content-Encoding"), "gzip", f"{what}: gzip")
            eq(z.header("Vary"), "Cookie, Accept-Encoding", what)
            eq(z.body[:2], b"\x1f\x8b", f"{what}: a gzip stream")
            eq(gzip.decompress(z.body), plain.body, f"{what}: inflates to the identity bytes")
            eq(z.header("ETag"), plain.header("ETag")[:-1] + '-gz"', f"{what}: its own ETag")
            check(len(z.body) < len(plain.body), f"{what}: {len(z.body)} of {len(plain.body)}")
            return plain, z

        for path in (f"/p/{tok}", f"/api/v1/p/{tok}"):
            plain, z = both(path, path)
            check(stored(z) and not from_row(z), path)
            if path.startswith("/p/"):
                text = gzip.decompress(z.body).decode()
                check(f"/p/{tok}" in text and "\x01" not in text and "\x02" not in text,
                      "the card's URL and the date filled in")
            eq(c.get(path, headers=dict(gz, **{"If-None-Match": z.header("ETag")})).status, 304,
               f"{path}: the gzip ETag revalidates")
            eq(c.get(path, headers={"If-None-Match": z.header("ETag")}).status, 200,
               f"{path}: but not the identity answer")
            r = c.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
            eq((r.header("Content-Encoding"), r.body), (None, plain.body), "q=0: identity")
            # from the row itself
            mark_row(db, hid)
            check(from_row(c.get(path, headers=gz)), f"{path}: the row's bytes")
            unmark_row(db, hid)
            # a row that may not be served: rendered now, gzip-coded the same
            mark_row(db, hid, valid_until=1)
            plain2, z2 = both(path, f"{path} on the fly")
            check(not from_row(z2), "rendered on the fly")
            eq((plain2.body, z2.header("ETag")), (plain.body, z.header("ETag")),
               "the same answer and ETag as the row's")
            unmark_row(db, hid)
            cli_ok(db, "passbook-render")
        pin = P.set_pin(P.admin(s), "V1", hid)
        hc, _ = P.household_login(s, "V1", "H1", pin)
        own = hc.get("/api/v1/passbook", headers=gz)
        eq(own.header("Content-Encoding"), "gzip")
        eq(gzip.decompress(own.body), c.get(f"/api/v1/p/{tok}").body, "own JSON = card JSON")
    finally:
        s.stop()


if __name__ == "__main__":
    J.main(globals())
