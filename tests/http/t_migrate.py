"""`jifen migrate-db`: a town's SQLite database (the demo town, with three
approved months on its ledger) moves to PostgreSQL; the copy verifies, has
the same balances, and serves logins.

PostgreSQL only, by nature: the command moves SQLite to PostgreSQL, so the
source is always a SQLite file and the target needs the PostgreSQL server of
the _pg variant; the _sqlite variant says so and passes nothing else."""
import os
import sys

import jifentest as J
from jifentest import cli, cli_ok, eq, check


def sqlite_source(db):
    path = os.path.join(db.dir, "town.db")
    src = J.Db.__new__(J.Db)
    src.pg_name, src.url, src.dir = None, path, db.dir
    return src


def test_100_demo_town_moves(db):
    src = sqlite_source(db)
    out = cli_ok(src, "init", "--demo")
    check("演示账号" in out)
    rc, out, err = cli(src, "migrate-db", "--from", src.url, "--to", db.url)
    eq(rc, 0, f"migrate-db: {out} {err}")
    check("校验通过" in out, out)
    # the checkpoints the demo's announcements signed are checked with the
    # key that signed them: the SQLite source's (town.db.key), not the
    # test database's default
    eq(cli(db, "verify", env={"JIFEN_KEY": src.url + ".key"})[0], 0, "verify on PostgreSQL")
    villages = [r[0] for r in src.sql("SELECT code FROM village ORDER BY code")]
    eq(len(villages), 4)
    for v in villages:
        eq(cli_ok(db, "balances", "--village", v), cli_ok(src, "balances", "--village", v),
           f"balances of {v}")
    eq(db.sql("SELECT COUNT(*) FROM ledger_entry"), src.sql("SELECT COUNT(*) FROM ledger_entry"))
    eq(db.sql("SELECT COUNT(*) FROM audit"), src.sql("SELECT COUNT(*) FROM audit"))
    # ids continue after the moved ones
    cli_ok(db, "village", "add", "newv", "新村")
    eq(db.sql("SELECT id > 4 FROM village WHERE code='newv'"), [["t"]])
    # the accounts work there
    s = J.Server(db)
    try:
        c = s.client()
        c.login("zhangma-admin", "jifen2024!")
        eq(c.get("/v/zhangma").status, 200)
    finally:
        s.stop()
    # a second move into the now full database is refused, nothing changes
    rc, out, err = cli(src, "migrate-db", "--from", src.url, "--to", db.url)
    eq(rc, 1, err)
    check("空数据库" in err, err)


def test_110_usage(db):
    src = sqlite_source(db)
    cli_ok(src, "init")
    eq(cli(src, "migrate-db", "--from", src.url)[0], 2, "--to missing")
    eq(cli(src, "migrate-db", "--from", db.url, "--to", db.url)[0], 2, "source not SQLite")
    eq(cli(src, "migrate-db", "--from", src.url, "--to", src.url)[0], 2, "target not PostgreSQL")
    rc, _, err = cli(src, "migrate-db", "--from", src.url,
                     "--to", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    eq(rc, 3, "unreachable database")
    check("无法连接数据库" in err, err)


if __name__ == "__main__":
    if J.BACKEND != "postgresql":
        print("migrate-db moves SQLite to PostgreSQL: runs in the PostgreSQL variant only")
        print("0 passed, 0 failed, 2 skipped")
        sys.exit(0)
    J.main(globals())
