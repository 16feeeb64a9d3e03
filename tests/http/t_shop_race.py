"""t_shop_race — the points shop under concurrency and over HTTP (issue 13):

  010  the last unit: 24 `jifen redeem` processes at once, each of another
       household — exactly one succeeds, stock 0, verify intact
  020  the last points: 24 `jifen redeem` processes of one household whose
       balance pays for exactly one — exactly one succeeds, balance 0
  030  two `serve` instances and the CLI at once (8 + 8 + 8) on the last
       unit and, then, on the last points — exactly one of each succeeds
  040  reservations over the API: the hold lowers the available points and
       stock at once; 20 counters reserving the last unit at once get one;
       cancel and expiry give both back; an expired one cannot be handed
       out; a live one is handed out with the balance
  050  an Idempotency-Key retry of a redeem answers the stored answer and
       redeems once
  060  pages: the household reserves from its passbook, which lists it;
       the counter finds the household by code and by its card link and
       shows the balance without the name; the receipt shows the new
       balance and the door delivery; the public catalog; reversal page
"""
import json
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import jifentest as J  # noqa: E402
from jifentest import check, cli, cli_ok, eq  # noqa: E402
from shoptest import balance, shop_village  # noqa: E402

N = 24


def popen_redeem(db, hh, item):
    e = J.sanitizer_env(dict(os.environ))
    return subprocess.Popen([J.BIN, "--db", db.url, "redeem", "--village", "V1", "--household",
                             hh, "--item", item], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=e)


def run_all(procs):
    out = []
    for p in procs:
        o, e = p.communicate(timeout=300)
        report = J.sanitizer_report(e)
        if report:
            raise J.Failure(report)
        out.append((p.returncode, o, e))
    return out


class Api:
    """A logged-in API client with its CSRF token."""

    def __init__(self, server, login):
        self.c = server.client()
        self.c.login(login)
        self.csrf = self.c.get("/api/v1/session").json()["csrf"]

    def post(self, path, body=None, key=None):
        h = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        if key:
            h["Idempotency-Key"] = key
        return self.c.request("POST", path, body=json.dumps(body or {}), headers=h)

    def get(self, path):
        return self.c.get(path)


def png():
    """A valid 1x1 PNG."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes([0, 9, 0, 0]))) + chunk(b"IEND", b""))


def households(n):
    return [f"H{i:02d}" for i in range(1, n + 1)]


def test_010_last_unit_cli(db):
    hh = households(N)
    shop_village(db, accounts=False, households=hh)
    res = run_all([popen_redeem(db, h, "OIL") for h in hh])
    ok = [r for r in res if r[0] == 0]
    eq(len(ok), 1, f"exactly one: {[(r[0], r[2].strip()) for r in res]}")
    for rc, out, err in res:
        check(rc in (0, 1), err)
        if rc == 1:
            check("库存不足" in err, err)
    eq(db.sql("SELECT stock FROM shop_item WHERE code = 'OIL'"), [["0"]])
    eq(db.sql("SELECT COUNT(*) FROM redemption"), [["1"]])
    cli_ok(db, "verify")


def test_020_last_points_cli(db):
    shop_village(db, accounts=False, households=("H1",), points={"H1": 30})
    res = run_all([popen_redeem(db, "H1", "RICE") for _ in range(N)])
    eq(sum(1 for r in res if r[0] == 0), 1, str([(r[0], r[2].strip()) for r in res]))
    for rc, out, err in res:
        if rc:
            check("积分不足" in err, err)
    eq(balance(db, "V1", "H1"), 0)
    eq(db.sql("SELECT stock FROM shop_item WHERE code = 'RICE'"), [["9"]])
    cli_ok(db, "verify")


def race_mixed(db, servers, pairs):
    """pairs: [(household, item)] one per attempt; a third by each server's
    API, a third by the CLI, all at once.  Returns the number that won."""
    # one client (connection) per attempt, logged in before the race
    apis = [Api(servers[i % 3], "V1-shop") if i % 3 != 2 else None for i in range(len(pairs))]
    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(pairs))

    def api_try(api, hh, item):
        barrier.wait()
        r = api.post("/api/v1/villages/V1/redeem", {"household": hh, "item": item})
        with lock:
            results.append((r.status, r.text))

    def cli_try(hh, item):
        barrier.wait()
        rc, out, err = cli(db, "redeem", "--village", "V1", "--household", hh, "--item", item)
        with lock:
            results.append((201 if rc == 0 else 400 if rc == 1 else rc, err))
    threads = []
    for i, (hh, item) in enumerate(pairs):
        if i % 3 == 2:
            threads.append(threading.Thread(target=cli_try, args=(hh, item)))
        else:
            threads.append(threading.Thread(target=api_try, args=(apis[i], hh, item)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(len(results), len(pairs), "every attempt answered")
    for status, text in results:
        check(status in (201, 400), f"{status}: {text[:300]}")
    return sum(1 for s, _ in results if s == 201), results


def test_030_two_servers_and_cli(db):
    hh = households(N)
    shop_village(db, households=hh)
    a, b = J.Server(db), J.Server(db)
    try:
        won, res = race_mixed(db, [a, b], [(h, "OIL") for h in hh])
        eq(won, 1, f"last unit: {res}")
        eq(db.sql("SELECT stock FROM shop_item WHERE code = 'OIL'"), [["0"]])
        # the last points: a household that did not win the oil keeps 30
        winner = db.sql("SELECT h.code FROM redemption r JOIN household h"
                        " ON h.id = r.household_id")[0][0]
        hh = "H02" if winner == "H01" else "H01"
        cli_ok(db, "redeem", "--village", "V1", "--household", hh, "--item", "RICE",
               "--quantity", "2")
        cli_ok(db, "redeem", "--village", "V1", "--household", hh, "--item", "HAIR")
        eq(balance(db, "V1", hh), 30)
        won, res = race_mixed(db, [a, b], [(hh, "RICE")] * N)
        eq(won, 1, f"last points: {res}")
        eq(balance(db, "V1", hh), 0)
    finally:
        a.stop()
        b.stop()
    cli_ok(db, "verify")


def test_040_reservations(db):
    shop_village(db, households=households(N))
    s = J.Server(db)
    try:
        shop = Api(s, "V1-shop")
        r = shop.post("/api/v1/villages/V1/redemptions", {"household": "H01", "item": "RICE",
                                                          "quantity": 3})
        eq(r.status, 201, r.text)
        rid = r.json()["id"]
        acc = shop.get("/api/v1/villages/V1/counter/H01").json()
        eq((acc["balance"], acc["held"], acc["available"]), (100, 90, 10))
        check("head_name" not in acc and "name" not in acc, acc)
        cat = shop.get("/api/v1/villages/V1/catalog").json()
        eq([i["available"] for i in cat["items"] if i["code"] == "RICE"], [7])
        # the points are held: a second reservation is short
        r = shop.post("/api/v1/villages/V1/redemptions", {"household": "H01", "item": "HAIR",
                                                          "quantity": 2})
        eq(r.status, 400)
        check("积分不足" in r.json()["error"] and "还差 10 分" in r.json()["error"], r.text)
        # cancel gives both back
        eq(shop.post(f"/api/v1/villages/V1/redemptions/{rid}/cancel").status, 200)
        acc = shop.get("/api/v1/villages/V1/counter/H01").json()
        eq((acc["held"], acc["available"]), (0, 100))
        r = shop.post(f"/api/v1/villages/V1/redemptions/{rid}/handout")
        eq(r.status, 400, "a cancelled reservation is not handed out")
        # 20 counters reserve the last OIL at once: one gets it
        apis = [Api(s, "V1-shop") for _ in range(20)]
        got = []
        barrier = threading.Barrier(20)

        def reserve(i):
            barrier.wait()
            r = apis[i].post("/api/v1/villages/V1/redemptions",
                                 {"household": f"H{i + 1:02d}", "item": "OIL"})
            got.append(r.status)
        ts = [threading.Thread(target=reserve, args=(i,)) for i in range(20)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        eq(sorted(got), [201] + [400] * 19)
        oil = db.sql("SELECT id, household_id FROM redemption WHERE status = 'reserved'")
        eq(len(oil), 1)
        # expiry: past its time the hold is gone, and it cannot be handed out
        db.sql(f"UPDATE redemption SET expires_at = expires_at - 1000000 WHERE id = {oil[0][0]}")
        cat = shop.get("/api/v1/villages/V1/catalog").json()
        eq([i["available"] for i in cat["items"] if i["code"] == "OIL"], [1])
        r = shop.post(f"/api/v1/villages/V1/redemptions/{oil[0][0]}/handout")
        eq(r.status, 400)
        check("过期" in r.json()["error"], r.text)
        eq(shop.get("/api/v1/villages/V1/redemptions?status=expired").json()["redemptions"][0]
           ["id"], int(oil[0][0]), "the sweep marks it")
        eq(db.sql(f"SELECT status FROM redemption WHERE id = {oil[0][0]}"), [["expired"]])
        # a live reservation handed out, delivered to the door
        r = shop.post("/api/v1/villages/V1/redemptions", {"household": "H02", "item": "OIL"})
        eq(r.status, 201, r.text)
        r = shop.post(f"/api/v1/villages/V1/redemptions/{r.json()['id']}/handout",
                      {"delivered_by": "村干部王五"})
        eq(r.status, 200, r.text)
        eq((r.json()["balance"], r.json()["status"], r.json()["delivered_by"]),
           (50, "handed_out", "村干部王五"))
        # another village's shop is 404
        other = Api(s, "V2-shop")
        eq(other.get("/api/v1/villages/V1/redemptions").status, 404)
        eq(other.post("/api/v1/villages/V1/redeem", {"household": "H01", "item": "RICE"}).status,
           404)
    finally:
        s.stop()
    cli_ok(db, "verify")


def test_050_idempotent_redeem(db):
    shop_village(db)
    s = J.Server(db)
    try:
        shop = Api(s, "V1-shop")
        body = {"household": "H1", "item": "RICE"}
        r1 = shop.post("/api/v1/villages/V1/redeem", body, key="counter-1-0001")
        eq(r1.status, 201, r1.text)
        r2 = shop.post("/api/v1/villages/V1/redeem", body, key="counter-1-0001")
        eq(r2.header("Idempotent-Replayed"), "true")
        eq(db.sql("SELECT COUNT(*) FROM redemption"), [["1"]])
        eq(balance(db, "V1", "H1"), 70)
        a = Api(s, "V1-admin")
        r = a.post("/api/v1/villages/V1/funds", {"flow": "income", "source": "donation",
                                                 "amount": "12.5", "from": "爱心企业"}, key="f-1")
        eq(r.status, 201, r.text)
        a.post("/api/v1/villages/V1/funds", {"flow": "income", "source": "donation",
                                             "amount": "12.5"}, key="f-1")
        j = a.get("/api/v1/villages/V1/funds").json()
        eq(j["sources"][3]["income_fen"], 1250)
        eq(j["sources"][3]["income"], "12.50")
        r = a.post("/api/v1/villages/V1/funds", {"flow": "spent", "source": "donation",
                                                 "amount": "13", "note": "买米"})
        eq(r.status, 400)
        check("资金不足" in r.text, r.text)
        r = a.post("/api/v1/villages/V1/funds", {"flow": "income", "source": "donation",
                                                 "amount": 12.5})
        eq(r.status, 400, "no floating point")
    finally:
        s.stop()


def test_060_pages(db):
    shop_village(db)
    s = J.Server(db)
    try:
        adm = s.client()
        adm.login("V1-admin")
        # PIN and card for H1
        hid = db.sql("SELECT id FROM household WHERE code = 'H1'")[0][0]
        adm.get(f"/v/V1/households/{hid}/card")
        r = adm.post(f"/v/V1/households/{hid}/pin", {})
        pin = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text).group(1)
        r = adm.post(f"/v/V1/households/{hid}/card-token", {})
        token = re.search(r"/p/([0-9a-f]{64})", r.text).group(1)
        hh = s.client()
        hh.get("/passbook/login")
        eq(hh.post("/passbook/login", {"village": "V1", "household": "H1", "pin": pin}).status, 303)
        r = hh.get("/passbook/shop")
        eq(r.status, 200)
        check("大米" in r.text, r.text[:500])
        r = hh.post("/passbook/reserve", {"item": "RICE", "quantity": "2"})
        eq(r.status, 303, r.text[:500])
        r = hh.get("/passbook")
        check("积分超市" in r.text and "已预约" in r.text, r.text[-2000:])
        # the counter: by code and by the card's link; balance, no name
        shop = s.client()
        shop.login("V1-shop")
        for q in ("H1", f"http://example/p/{token}"):
            r = shop.get(f"/v/V1/counter?q={J.urllib.parse.quote(q)}")
            eq(r.status, 200)
            check("可用积分" in r.text and ">40<" in r.text and "户主1" not in r.text, r.text[-3000:])
        rid = db.sql("SELECT id FROM redemption WHERE status = 'reserved'")[0][0]
        r = shop.post(f"/v/V1/redemptions/{rid}/handout", {"delivered_by": "李会计"})
        eq(r.status, 303, r.text[:500])
        r = shop.get(r.header("Location"))
        check("兑换凭证" in r.text and "兑换后积分余额" in r.text and "<b>40</b>" in r.text and
              "李会计" in r.text, r.text[-2000:])
        r = shop.post("/v/V1/counter/redeem", {"household": "H2", "item": "OIL", "quantity": "2"})
        eq(r.status, 400)
        check("库存不足" in r.text, r.text[-1000:])
        r = shop.get("/v/V1/shop")
        eq(r.status, 200)
        # a photo for the catalog, through the evidence store; public like the catalog
        adm.get("/v/V1/shop")
        r = adm.post_multipart("/v/V1/shop/items/RICE/photo", {},
                               {"photo": ("x.txt", b"not an image", "image/png")})
        eq(r.status, 400)
        r = adm.post_multipart("/v/V1/shop/items/RICE/photo", {},
                               {"photo": ("rice.png", png(), "image/png")})
        eq(r.status, 303, r.text[:500])
        pub = s.client()
        r = pub.get("/v/V1/catalog")
        eq(r.status, 200)
        check("大米" in r.text and "下架商品" not in r.text and "/v/V1/catalog/RICE/photo" in r.text,
              r.text[-1500:])
        r = pub.get("/v/V1/catalog/RICE/photo")
        eq((r.status, r.header("Content-Type")), (200, "image/png"))
        eq(r.body, png())
        eq(pub.get("/v/V1/catalog/OIL/photo").status, 404)
        # the low-stock warning level
        r = shop.post("/v/V1/shop/items/OIL/low-stock", {"level": "1"})
        eq(r.status, 303, r.text[:500])
        check("库存不足" in shop.get("/v/V1/shop").text)
        # the household sees its receipt; the admin reverses on the page
        r = hh.get(f"/passbook/redemptions/{rid}")
        eq(r.status, 200)
        r = adm.post(f"/v/V1/redemptions/{rid}/reverse", {"reason": "商品有质量问题"})
        eq(r.status, 303, r.text[:500])
        eq(balance(db, "V1", "H1"), 100)
        r = adm.get("/v/V1/funds")
        eq(r.status, 200)
        check("<svg" in r.text and "兑付保障率" in r.text, r.text[:300])
        check("alarm" not in adm.get("/v/V1").text, "stock covers 300 points at 0.10")
        cli_ok(db, "village", "set", "V1", "point_value", "1")
        r = adm.get("/v/V1")
        check("alarm" in r.text and "0.58" in r.text, "173 / 300: coverage below 1 is red")
        r = adm.post("/v/V1/settings", {"objection_days": "7", "yearend_rule": "carry_cap",
                                        "yearend_cap": "20", "redemption_window": "12-01..01-31",
                                        "point_value": "0.2", "stars": "60,80",
                                        "reservation_hours": "24", "supervision_phone": "02112345678"})
        eq(r.status, 303, r.text[-1000:])
        out = cli_ok(db, "village", "show", "V1")
        check("year_end,carry_cap:20" in out and "point_value,0.20" in out and
              "redemption_window,12-01..01-31" in out and "reservation_hours,24" in out, out)
        r = adm.post("/v/V1/settings", {"point_value": "0.123"})
        eq(r.status, 400)
        check("point_value" in r.text, r.text[-1000:])
    finally:
        s.stop()


if __name__ == "__main__":  # t_passbook_store imports its helpers
    J.main(globals())
