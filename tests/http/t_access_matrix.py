"""t_access_matrix — every route of `jifen routes` (pages and API) asked by
every role, from its own village and from another, against a table of the
expected answer; a route without a row in the table (or a row without a
route) fails the test, so a new route cannot ship without its access rule.

The roles are the accounts of tests' town() plus a household logged in
with its PIN and an anonymous visitor.  "Own" is the account of V1 (whose
data every URL names); "other" is the same role of V2 asking for V1's
URLs.  The town admin and the anonymous visitor have no village: one
column each.

A cell of the table is one of
  200 / 303 / 401 / 403 / 404   exactly that status (303: not to a login page)
  L     303 to a login page (/login?next=… or /passbook/login): anonymous pages
  ok    allowed: the handler ran — any status but 401/403/404/405 and 5xx,
        and no redirect to a login page (an empty POST body may well be 400,
        a closed sheet 409)
  pub   a public form (the logins): any status but 403/404/405 and 5xx — an
        empty login is refused with 401, and throttled with 429
  out   logged out: 303 to /login, and the session cookie deleted
Every denied request (401, 403, 404, L) must leave the database as it was:
the row counts of every table (and a few state columns) are compared before
and after it.  POSTs carry a valid CSRF token and an empty or harmless
body, so that only the access rule can refuse them.

Run: JIFEN_BIN=build/jifen python3 tests/http/t_access_matrix.py [NAME...]
"""
import datetime
import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jifentest as J  # noqa: E402
from jifentest import check, cli_ok, eq  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = os.path.join(HERE, "..", "data", "sample-standard.csv")
MONTH = "2024-06"
TODAY = datetime.date.today().isoformat()

# ---- the table -----------------------------------------------------------------------
# Columns: town admin | village admin own, other | scorer own, other |
#          shopkeeper own, other | household own, other | anonymous
CELLS = ("200", "303", "401", "403", "404", "L", "ok", "pub", "out")
COLUMNS = (("town_admin", "own"),
           ("village_admin", "own"), ("village_admin", "other"),
           ("scorer", "own"), ("scorer", "other"),
           ("shopkeeper", "own"), ("shopkeeper", "other"),
           ("household", "own"), ("household", "other"),
           ("anonymous", "own"))

TABLE = """
#                                                 town  v.admin   scorer    shop      househ.   anon
#                                                       own oth   own oth   own oth   own oth
GET  /                                            303  303 303  303 303  303 303  303 303  200
GET  /login                                       303  303 303  303 303  303 303  303 303  200
POST /login                                       pub  pub pub  pub pub  pub pub  pub pub  pub
POST /logout                                      out  out out  out out  out out  out out    L
GET  /account/password                            200  200 200  200 200  200 200  403 403    L
POST /account/password                             ok   ok  ok   ok  ok   ok  ok  403 403    L
GET  /static/*                                    200  200 200  200 200  200 200  200 200  200
GET  /mode                                        303  303 303  303 303  303 303  303 303  303
GET  /villages                                    200  303 303  303 303  303 303  403 403    L
POST /villages                                     ok  403 403  403 403  403 403  403 403    L
GET  /audit                                       200  403 403  403 403  403 403  403 403    L
GET  /v/*                                         200  200 404  200 404  200 404  403 403    L
GET  /v/*/settings                                200  200 404  403 403  403 403  403 403    L
POST /v/*/settings                                 ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/audit                                   200  200 404  403 403  403 403  403 403    L
GET  /accounts                                    200  200 200  403 403  403 403  403 403    L
POST /accounts                                     ok   ok  ok  403 403  403 403  403 403    L
POST /accounts/*/disable                           ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/households                              200  200 404  200 404  403 403  403 403    L
GET  /v/*/households/new                          200  200 404  403 403  403 403  403 403    L
POST /v/*/households/new                           ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/households/*                            200  200 404  200 404  403 403  403 403    L
GET  /v/*/households/*/edit                       200  200 404  403 403  403 403  403 403    L
POST /v/*/households/*/edit                        ok   ok 404  403 403  403 403  403 403    L
POST /v/*/households/*/leave                       ok   ok 404  403 403  403 403  403 403    L
POST /v/*/households/*/members                     ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/households/*/members/*/edit             200  200 404  403 403  403 403  403 403    L
POST /v/*/households/*/members/*/edit              ok   ok 404  403 403  403 403  403 403    L
POST /v/*/households/*/members/*/remove            ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/import                                  200  200 404  403 403  403 403  403 403    L
POST /v/*/import                                   ok   ok 404  403 403  403 403  403 403    L
GET  /api/v1/villages/*/households                200  200 404  200 404  403 403  403 403  401
GET  /api/v1/villages/*/households/*              200  200 404  200 404  403 403  403 403  401
GET  /passbook/login                              200  200 200  200 200  200 200  303 303  200
POST /passbook/login                              pub  pub pub  pub pub  pub pub  pub pub  pub
GET  /passbook                                    403  403 403  403 403  403 403  200 200    L
GET  /passbook/declare                            403  403 403  403 403  403 403  200 200    L
POST /passbook/declare                            403  403 403  403 403  403 403   ok  ok    L
GET  /passbook/evidence/*                         403  403 403  403 403  403 403  200 404    L
GET  /p/*                                         200  200 200  200 200  200 200  200 200  200
GET  /p/*/evidence/*                              200  200 200  200 200  200 200  200 200  200
GET  /v/*/households/*/card                       200  200 404  403 403  403 403  403 403    L
GET  /v/*/cards                                   200  200 404  403 403  403 403  403 403    L
POST /v/*/households/*/pin                         ok   ok 404  403 403  403 403  403 403    L
POST /v/*/households/*/card-token                  ok   ok 404  403 403  403 403  403 403    L
POST /v/*/households/*/card-token/revoke           ok   ok 404  403 403  403 403  403 403    L
GET  /api/v1/passbook                             403  403 403  403 403  403 403  200 200  401
GET  /api/v1/p/*                                  200  200 200  200 200  200 200  200 200  200
GET  /standard/template                           200  200 200  200 200  200 200  200 200  200
GET  /standard/template.csv                       200  200 200  200 200  200 200  200 200  200
GET  /standard/template/versions/*                200  200 200  200 200  200 200  200 200  200
GET  /standard/template/versions/*/csv            200  200 200  200 200  200 200  200 200  200
GET  /standard/template/compare                   200  200 200  200 200  200 200  200 200  200
GET  /standard/template/publish                   200  403 403  403 403  403 403  403 403    L
POST /standard/template/publish                    ok  403 403  403 403  403 403  403 403    L
GET  /v/*/standard                                200  200 200  200 200  200 200  200 200  200
GET  /v/*/standard/versions/*                     200  200 200  200 200  200 200  200 200  200
GET  /v/*/standard/versions/*/csv                 200  200 200  200 200  200 200  200 200  200
GET  /v/*/standard/compare                        200  200 200  200 200  200 200  200 200  200
GET  /v/*/standard/adopt                          200  200 404  403 403  403 403  403 403    L
POST /v/*/standard/adopt                           ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/sheets                                  200  200 404  200 404  403 403  403 403    L
GET  /v/*/sheets/*                                200  200 404  200 404  403 403  403 403    L
POST /v/*/sheets/*/entries                         ok   ok 404   ok 404  403 403  403 403    L
POST /v/*/sheets/*/entries/*/remove                ok   ok 404   ok 404  403 403  403 403    L
GET  /v/*/sheets/*/import                         200  200 404  200 404  403 403  403 403    L
POST /v/*/sheets/*/import                          ok   ok 404   ok 404  403 403  403 403    L
POST /v/*/sheets/*/submit                          ok   ok 404   ok 404  403 403  403 403    L
POST /v/*/sheets/*/return                          ok   ok 404  403 403  403 403  403 403    L
POST /v/*/sheets/*/approve                         ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/sheets/*/review                         200  200 404  200 404  403 403  403 403    L
GET  /v/*/sheets/*/bulk                           200  200 404  200 404  403 403  403 403    L
POST /v/*/sheets/*/bulk                            ok   ok 404   ok 404  403 403  403 403    L
GET  /v/*/checkins                               200  200 404  200 404  403 403  403 403    L
POST /v/*/checkins                                 ok   ok 404   ok 404  403 403  403 403    L
GET  /v/*/checkins/*                              200  200 404  200 404  403 403  403 403    L
POST /v/*/checkins/*/close                         ok   ok 404   ok 404  403 403  403 403    L
GET  /c/*                                         200  200 200  200 200  200 200  200 404  200
POST /c/*                                         403  403 403  403 403  403 403   ok 404    L
GET  /v/*/ledger                                  200  200 404  200 404  403 403  403 403    L
POST /v/*/ledger/*/correct                         ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/evidence/*                              200  200 404  200 404  403 403  403 403    L
GET  /v/*/declarations                            200  200 404  200 404  403 403  403 403    L
POST /v/*/declarations/*/accept                    ok   ok 404   ok 404  403 403  403 403    L
POST /v/*/declarations/*/decline                   ok   ok 404   ok 404  403 403  403 403    L
GET  /v/*/balances                                200  200 404  200 404  403 403  403 403    L
GET  /v/*/balances.csv                            200  200 404  200 404  403 403  403 403    L
GET  /api/v1/session                              200  200 200  200 200  200 200  200 200  401
GET  /api/v1/standard/template                    200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/standard                  200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/standard/versions         200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/standard/versions/*       200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/sheets                    200  200 404  200 404  403 403  403 403  401
GET  /api/v1/villages/*/sheets/*                  200  200 404  200 404  403 403  403 403  401
POST /api/v1/villages/*/sheets/*/entries           ok   ok 404   ok 404  403 403  403 403  401
POST /api/v1/villages/*/sheets/*/entries/*/remove  ok   ok 404   ok 404  403 403  403 403  401
POST /api/v1/villages/*/sheets/*/submit            ok   ok 404   ok 404  403 403  403 403  401
POST /api/v1/villages/*/sheets/*/return            ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/sheets/*/approve           ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/evidence                   ok   ok 404   ok 404  403 403  403 403  401
GET  /api/v1/villages/*/balances                  200  200 404  200 404  403 403  403 403  401
GET  /api/v1/villages/*/ledger                    200  200 404  200 404  403 403  403 403  401
POST /api/v1/villages/*/ledger/*/correct           ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/declarations              200  200 404  200 404  403 403  403 403  401
POST /api/v1/villages/*/declarations/*/accept      ok   ok 404   ok 404  403 403  403 403  401
POST /api/v1/villages/*/declarations/*/decline     ok   ok 404   ok 404  403 403  403 403  401
GET  /api/v1/villages/*/redemptions              200  200 404  403 403  200 404  403 403  401
POST /api/v1/villages/*/redemptions               ok   ok 404  403 403   ok 404  403 403  401
POST /api/v1/villages/*/redemptions/*/handout     ok   ok 404  403 403   ok 404  403 403  401
POST /api/v1/villages/*/redemptions/*/cancel      ok   ok 404  403 403   ok 404  403 403  401
POST /api/v1/villages/*/redemptions/*/reverse     ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/redeem                    ok   ok 404  403 403   ok 404  403 403  401
GET  /api/v1/villages/*/counter/*                200  200 404  403 403  200 404  403 403  401
GET  /api/v1/passbook/redemptions                403  403 403  403 403  403 403  200 200  401
POST /api/v1/passbook/redemptions                403  403 403  403 403  403 403   ok  ok  401
POST /api/v1/passbook/redemptions/*/cancel       403  403 403  403 403  403 403   ok 404  401
GET  /api/v1/villages/*/catalog                  200  200 200  200 200  200 200  200 200  200
POST /api/v1/villages/*/catalog/copy-town         ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/catalog/*/restock         ok   ok 404  403 403   ok 404  403 403  401
POST /api/v1/villages/*/catalog/*/offer           ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/catalog/*/low-stock       ok   ok 404  403 403   ok 404  403 403  401
GET  /api/v1/town/catalog                        200  200 200  200 200  200 200  200 200  200
POST /api/v1/town/catalog                         ok  403 403  403 403  403 403  403 403  401
GET  /api/v1/villages/*/settings                 200  200 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/settings                  ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/funds                    200  200 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/funds                     ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/funds/*/reverse           ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/year-end                  ok   ok 404  403 403  403 403  403 403  401
GET  /v/*/catalog                                200  200 200  200 200  200 200  200 200  200
GET  /v/*/catalog/*/photo                        200  200 200  200 200  200 200  200 200  200
POST /v/*/shop/items/*/photo                      ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/shop                                   200  200 404  403 403  200 404  403 403    L
POST /v/*/shop/import                             ok   ok 404  403 403  403 403  403 403    L
POST /v/*/shop/items/*/restock                    ok   ok 404  403 403   ok 404  403 403    L
POST /v/*/shop/items/*/offer                      ok   ok 404  403 403  403 403  403 403    L
POST /v/*/shop/items/*/low-stock                  ok   ok 404  403 403   ok 404  403 403    L
POST /v/*/shop/copy-town                          ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/counter                                200  200 404  403 403  200 404  403 403    L
POST /v/*/counter/redeem                          ok   ok 404  403 403   ok 404  403 403    L
GET  /v/*/redemptions/*                          200  200 404  403 403  200 404  403 403    L
POST /v/*/redemptions/*/handout                   ok   ok 404  403 403   ok 404  403 403    L
POST /v/*/redemptions/*/cancel                    ok   ok 404  403 403   ok 404  403 403    L
POST /v/*/redemptions/*/reverse                   ok   ok 404  403 403  403 403  403 403    L
GET  /passbook/shop                              403  403 403  403 403  403 403  200 200    L
POST /passbook/reserve                           403  403 403  403 403  403 403   ok  ok    L
POST /passbook/redemptions/*/cancel              403  403 403  403 403  403 403   ok 404    L
GET  /passbook/redemptions/*                     403  403 403  403 403  403 403  200 404    L
GET  /v/*/funds                                  200  200 404  403 403  403 403  403 403    L
POST /v/*/funds                                   ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/funds.xlsx                              200  200 404  403 403  403 403  403 403    L
GET  /v/*/ledger.xlsx                             200  200 404  403 403  403 403  403 403    L
GET  /templates/*                                 200  200 200  200 200  200 200  200 200  200
POST /v/*/funds/*/reverse                         ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/year-end                               200  200 404  403 403  403 403  403 403    L
POST /v/*/year-end                                ok   ok 404  403 403  403 403  403 403    L
GET  /api/v1/key                                  200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/announcements             200  200 200  200 200  200 200  200 200  200
POST /api/v1/villages/*/announcements              ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/announcements/*           200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/announcements/*/receipts/*  200  200 200  200 200  200 200  200 200  200
POST /api/v1/villages/*/announcements/*/cosignatures  ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/checkpoint                200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/checkpoints               200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/proofs/consistency        200  200 200  200 200  200 200  200 200  200
GET  /api/v1/villages/*/proofs/inclusion          200  200 404  200 404  403 403  403 403  401
GET  /v/*/announcements                           200  200 200  200 200  200 200  200 200  200
GET  /v/*/announcements/*                         200  200 200  200 200  200 200  200 200  200
GET  /v/*/announcements/*/print                   200  200 200  200 200  200 200  200 200  200
GET  /verify                                      200  200 200  200 200  200 200  200 200  200
# health and metrics: public; /metrics only for loopback clients, which the
# test's clients are (t_deploy.py asks it through a trusted proxy: 403)
GET  /healthz                                     200  200 200  200 200  200 200  200 200  200
GET  /metrics                                     200  200 200  200 200  200 200  200 200  200
POST /v/*/households/*/name-consent                ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/objections                             200  200 404  403 403  403 403  403 403    L
POST /v/*/objections                              ok   ok 404  403 403  403 403  403 403    L
POST /v/*/objections/*/decide                     ok   ok 404  403 403  403 403  403 403    L
GET  /passbook/objection                          403  403 403  403 403  403 403  200 200    L
POST /passbook/objection                          403  403 403  403 403  403 403   ok  ok    L
GET  /api/v1/villages/*/objections                200  200 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/objections                 ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/objections/*/decide        ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/passbook/objections                  403  403 403  403 403  403 403  200 200  401
POST /api/v1/passbook/objections                  403  403 403  403 403  403 403   ok  ok  401
GET  /v/*/honours                                 200  200 404  200 404  403 403  403 403    L
GET  /v/*/honours.csv                             200  200 404  200 404  403 403  403 403    L
GET  /v/*/honours.xlsx                            200  200 404  200 404  403 403  403 403    L
POST /v/*/honours/*/confirm                        ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/honours/*                               200  200 200  200 200  200 200  200 200  200
GET  /v/*/honours/*/print                         200  200 200  200 200  200 200  200 200  200
GET  /v/*/honours/*/certificates                  200  200 404  403 403  403 403  403 403    L
GET  /api/v1/villages/*/honours                   200  200 404  200 404  403 403  403 403  401
POST /api/v1/villages/*/honours/*/confirm          ok   ok 404  403 403  403 403  403 403  401
GET  /v/*/posts                                   200  200 404  403 403  403 403  403 403    L
POST /v/*/posts                                    ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/posts/*                                 200  200 404  403 403  403 403  403 403    L
POST /v/*/posts/*/applications                     ok   ok 404  403 403  403 403  403 403    L
POST /v/*/posts/*/decide                           ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/openings                                200  200 200  200 200  200 200  200 200  200
GET  /v/*/openings/*                              200  200 200  200 200  200 200  200 200  200
GET  /passbook/posts                              403  403 403  403 403  403 403  200 200    L
POST /passbook/posts/*/apply                      403  403 403  403 403  403 403   ok 404    L
GET  /api/v1/villages/*/posts                     200  200 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/posts                      ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/posts/*                   200  200 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/posts/*/applications       ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/posts/*/decide             ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/passbook/posts                       403  403 403  403 403  403 403  200 200  401
POST /api/v1/passbook/posts/*/apply               403  403 403  403 403  403 403   ok 404  401
GET  /v/*/group                                   200  200 200  200 200  200 200  200 200  200
POST /v/*/group                                    ok   ok 404  403 403  403 403  403 403    L
POST /v/*/group/*/leave                            ok   ok 404  403 403  403 403  403 403    L
GET  /api/v1/villages/*/group                     200  200 404  200 404  200 404  403 403  401
POST /api/v1/villages/*/group                      ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/group/*/leave              ok   ok 404  403 403  403 403  403 403  401
GET  /v/*/consultations                           200  200 200  200 200  200 200  200 200  200
POST /v/*/consultations                            ok   ok 404  403 403  403 403  403 403    L
GET  /v/*/consultations/*                         200  200 200  200 200  200 200  200 200  200
POST /v/*/consultations/*/comments                 ok   ok 404  403 403  403 403   ok 404    L
POST /v/*/consultations/*/comments/*/answer        ok   ok 404  403 403  403 403  403 403    L
POST /v/*/consultations/*/adopt                    ok   ok 404  403 403  403 403  403 403    L
GET  /api/v1/villages/*/consultations             200  200 200  200 200  200 200  200 200  200
POST /api/v1/villages/*/consultations              ok   ok 404  403 403  403 403  403 403  401
GET  /api/v1/villages/*/consultations/*           200  200 200  200 200  200 200  200 200  200
POST /api/v1/villages/*/consultations/*/comments   ok   ok 404  403 403  403 403   ok 404  401
POST /api/v1/villages/*/consultations/*/comments/*/answer  ok   ok 404  403 403  403 403  403 403  401
POST /api/v1/villages/*/consultations/*/adopt      ok   ok 404  403 403  403 403  403 403  401
GET  /town                                        200  403 403  403 403  403 403  403 403    L
GET  /town/report.csv                             200  403 403  403 403  403 403  403 403    L
GET  /town/report.xlsx                            200  403 403  403 403  403 403  403 403    L
GET  /town/v/*                                    200  403 403  403 403  403 403  403 403    L
GET  /town/settings                             200  403 403  403 403  403 403  403 403    L
POST /town/settings/public-url                    ok  403 403  403 403  403 403  403 403    L
POST /town/settings/name                          ok  403 403  403 403  403 403  403 403    L
GET  /api/v1/town/settings                        200  403 403  403 403  403 403  403 403  401
POST /api/v1/town/settings/name                    ok  403 403  403 403  403 403  403 403  401
POST /api/v1/town/settings/public-url              ok  403 403  403 403  403 403  403 403  401
GET  /town/v/*/evaluation                         200  403 403  403 403  403 403  403 403    L
POST /town/v/*/evaluation                          ok  403 403  403 403  403 403  403 403    L
GET  /town/v/*/evaluation/*                       200  403 403  403 403  403 403  403 403    L
GET  /api/v1/town/dashboard                       200  403 403  403 403  403 403  403 403  401
GET  /api/v1/villages/*/oversight                 200  403 403  403 403  403 403  403 403  401
GET  /api/v1/villages/*/evaluations               200  403 403  403 403  403 403  403 403  401
POST /api/v1/villages/*/evaluations                ok  403 403  403 403  403 403  403 403  401
GET  /api/v1/villages/*/evaluations/*             200  403 403  403 403  403 403  403 403  401
"""


def parse_table(text):
    """{(METHOD, PATTERN): [cell, ...]} from TABLE; fails on a malformed or
    repeated row."""
    rows = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        f = line.split()
        check(len(f) == 2 + len(COLUMNS), f"table row needs {2 + len(COLUMNS)} fields: {line}")
        for cell in f[2:]:
            check(cell in CELLS, f"bad cell {cell}: {line}")
        key = (f[0], f[1])
        check(key not in rows, f"two rows for {key}")
        rows[key] = f[2:]
    return rows


def routes():
    """[(METHOD, PATTERN, roles, upload)] as `jifen routes` prints them."""
    out = subprocess.run([J.BIN, "routes"], capture_output=True, text=True, check=True).stdout
    got = []
    for line in out.splitlines():
        f = line.split()
        got.append((f[0], f[1], f[2], len(f) > 3 and f[3] == "upload"))
    return got


# ---- the prepared town -----------------------------------------------------------------

def png_bytes(seed=0):
    """A valid 1x1 PNG (seed varies its pixel, hence its hash)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes([0, seed & 255, 0, 0]))) + chunk(b"IEND", b""))


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def one(db, sql):
    return db.sql(sql)[0][0]


def api_csrf(c):
    """Take the session's CSRF token from /api/v1/session into c.csrf."""
    r = c.get("/api/v1/session")
    eq(r.status, 200, "session")
    c.csrf = r.json()["csrf"]
    return c


def staff(s, login):
    c = s.client()
    c.login(login)
    return api_csrf(c)


def household(s, village, code, pin):
    c = s.client()
    c.get("/passbook/login")
    r = c.post("/passbook/login", {"village": village, "household": code, "pin": pin})
    eq(r.status, 303, f"household login {village}/{code}")
    return api_csrf(c)


def set_pin(c, village, hid):
    """Reset the PIN of household hid as c; the PIN parsed from the card."""
    c.get(f"/v/{village}/households/{hid}/card")
    r = c.post(f"/v/{village}/households/{hid}/pin", {})
    eq(r.status, 200, "PIN reset")
    m = re.search(r'登录 PIN</p><div class="big">(\d{6})</div>', r.text)
    check(m, "PIN on the card")
    api_csrf(c)
    return m.group(1)


def prepare(db):
    """A town to ask every route about, returning a dict of the values the
    '*' segments take, the running Server (caller stops it) and the PINs.

    V1: households 001 张三 (PIN, card token, a member, a declaration with a
    photo), 002 李四 (the target of PIN/card changes), 003 王五 (the target
    of household changes, with a member); the sample standard (effective
    2024-05-01); June 2024 scored and approved, 2024-Q2 announced; an evidence photo; account
    V1-victim (target of disabling).  V2: household 001 赵六 with a PIN.
    The town: a published template."""
    J.town(db)
    cli_ok(db, "user", "add", "V1-victim", "--role", "scorer", "--village", "V1",
           "--password-stdin", stdin=J.PASSWORD + "\n")
    hh = "code,head_name,hukou,homestead,resident,joined\n"
    cli_ok(db, "import", "households", "--village", "V1", write(db, "h1.csv", hh +
           "001,张三,是,是,是,2024-01-01\n002,李四,是,是,是,2024-01-01\n"
           "003,王五,是,是,是,2024-01-01\n"))
    cli_ok(db, "import", "households", "--village", "V2",
           write(db, "h2.csv", hh + "001,赵六,是,是,是,2024-01-01\n"))
    cli_ok(db, "import", "standard", "--village", "V1", STANDARD, "--adopted", "2024-05-01",
           "--effective", "2024-05-01")
    cli_ok(db, "import", "entries", "--village", "V1", "--month", MONTH,
           write(db, "e.csv", "household,item,quantity,date,note\n"
                 "001,HJ01,1,2024-06-05,\n001,PA01,1,2024-06-10,夜间巡逻\n"
                 "002,HJ03,1,2024-06-03,\n"))
    cli_ok(db, "sheet", "approve", "--village", "V1", "--month", MONTH, "--meeting-date",
           "2024-07-02", "--attendees", "王书记、李主任", "--resolution", "同意六月份积分结果")
    # the points shop: a catalog, a handed-out redemption of 001, a fund movement
    cli_ok(db, "import", "catalog", "--village", "V1", write(db, "cat.csv",
           "code,name,kind,points,stock,unit_cost\nRICE,大米,goods,30,5,12.5\n"
           "HAIR,理发,service,10,,0\n"))
    cli_ok(db, "redeem", "--village", "V1", "--household", "001", "--item", "HAIR",
           "--date", "2024-07-05")
    cli_ok(db, "fund", "add", "--village", "V1", "--source", "donation", "--amount", "100")
    cli_ok(db, "announce", "--village", "V1", "--quarter", "2024-Q2", "--date", "2024-07-05")
    objection = int(cli_ok(db, "objection", "add", "--village", "V1", "--quarter", "2024-Q2",
                           "--household", "001", "--reason", "不对", "--date", "2024-07-08"))
    # honours of 2024 confirmed (their public pages exist)
    cli_ok(db, "honours", "confirm", "--village", "V1", "--year", "2024", "--meeting-date",
           "2024-12-30", "--attendees", "王书记、李主任", "--resolution", "确认年度星级户")
    # a consultation open today with one meeting comment (征求意见)
    draft = open(STANDARD, encoding="utf-8").read()
    # an evaluation of V1 (the town's; INSERT is all its tables allow)
    db.sql("INSERT INTO evaluation(village_id, year, evaluator, evaluated_on, weight_sum,"
           " total_x100, created_by, created_at) SELECT id, 2024, '评估组', '2024-12-01', 100,"
           " 8000, 'admin', 0 FROM village WHERE code = 'V1'")
    v = {
        "evaluation": one(db, "SELECT MAX(id) FROM evaluation"),
        "objection": objection,
        "red": one(db, "SELECT MAX(id) FROM redemption"),
        "fund": one(db, "SELECT MAX(id) FROM fund_move"),
        "h1": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                      " WHERE v.code='V1' AND h.code='001'"),
        "h2": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                      " WHERE v.code='V1' AND h.code='002'"),
        "h3": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                      " WHERE v.code='V1' AND h.code='003'"),
        "v2h1": one(db, "SELECT h.id FROM household h JOIN village v ON v.id=h.village_id"
                        " WHERE v.code='V2' AND h.code='001'"),
        "version": one(db, "SELECT MAX(id) FROM standard_version WHERE village_id IS NOT NULL"),
        "entry": one(db, "SELECT MIN(id) FROM entry"),
        "ledger": one(db, "SELECT MIN(id) FROM ledger_entry"),
        "month": MONTH,
    }
    s = J.Server(db)
    try:
        a = staff(s, "V1-admin")
        for h, name in (("h1", "张小三"), ("h3", "王小五")):
            r = a.post(f"/v/V1/households/{v[h]}/members",
                       {"name": name, "relation": "子", "party_member": "否", "phone": ""})
            eq(r.status, 303, "member added: " + r.text[:300])
        r = a.post("/v/V1/posts", {"title": "保洁员", "places": "1", "apply_from": "2024-01-01",
                                   "apply_until": "2099-12-31", "points_weight": "40"})
        eq(r.status, 303, "post: " + r.text[:300])
        v["post"] = one(db, "SELECT MAX(id) FROM welfare_post")
        v["m1"] = one(db, f"SELECT id FROM member WHERE household_id={v['h1']}")
        v["m3"] = one(db, f"SELECT id FROM member WHERE household_id={v['h3']}")
        pin1 = set_pin(a, "V1", v["h1"])
        a.get(f"/v/V1/households/{v['h1']}/card")
        r = a.post(f"/v/V1/households/{v['h1']}/card-token", {})
        eq(r.status, 200, "card token")
        v["token"] = re.search(r"/p/([0-9a-f]{64})", r.text).group(1)
        api_csrf(a)
        r = a.request("POST", "/api/v1/villages/V1/evidence", body=png_bytes(1),
                      headers={"Content-Type": "image/png", "X-CSRF-Token": a.csrf})
        eq(r.status, 201, "evidence")
        v["evidence"] = r.json()["hash"]
        r = a.post("/v/V1/checkins", {"item": "CW01", "date": TODAY})
        eq(r.status, 303, "check-in opened: " + r.text[:300])
        v["checkin"] = one(db, "SELECT MAX(id) FROM checkin")
        v["checkin_token"] = db.sql("SELECT token FROM checkin")[0][0]
        r = a.post_multipart("/v/V1/shop/items/RICE/photo", {},
                             {"photo": ("rice.png", png_bytes(3), "image/png")})
        eq(r.status, 303, "catalog photo: " + r.text[:300])
        api_csrf(a)
        b = staff(s, "V2-admin")
        pin2 = set_pin(b, "V2", v["v2h1"])
        h = household(s, "V1", "001", pin1)
        h.get("/passbook/declare")
        r = h.post_multipart("/passbook/declare",
                             {"date": TODAY, "note": "帮邻居抢收稻谷", "item": ""},
                             {"photo": ("deed.png", png_bytes(2), "image/png")})
        eq(r.status, 303, "declaration: " + r.text[:300])
        v["decl"] = one(db, "SELECT MAX(id) FROM declaration")
        v["photo"] = one(db, "SELECT photo FROM declaration")
        t = staff(s, "admin")
        t.get("/standard/template/publish")
        csv = open(STANDARD, "rb").read()
        r = t.post_multipart("/standard/template/publish", {"effective_on": "2024-01-01"},
                             {"file": ("template.csv", csv, "text/csv")})
        eq(r.status, 200, "template preview: " + r.text[:300])
        fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"',
                                 r.text))
        r = t.post("/standard/template/publish", fields)
        eq(r.status, 303, "template published: " + r.text[:300])
        v["template"] = one(db, "SELECT MAX(id) FROM standard_version WHERE village_id IS NULL")
        r = a.request("POST", "/api/v1/villages/V1/consultations",
                      body=json.dumps({"title": "修订草案", "opens_on": TODAY,
                                       "closes_on": TODAY, "draft_csv": draft}).encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": a.csrf})
        eq(r.status, 201, "consultation: " + r.text[:300])
        v["cons"] = one(db, "SELECT MAX(id) FROM consultation")
        r = a.request("POST", f"/api/v1/villages/V1/consultations/{v['cons']}/comments",
                      body=json.dumps({"body": "yishi", "text": "同意"}).encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": a.csrf})
        eq(r.status, 201, "comment: " + r.text[:300])
        v["comment"] = one(db, "SELECT MAX(id) FROM consultation_comment")
        v["gm"] = one(db, "SELECT MIN(g.id) FROM group_member g JOIN village v ON v.id = g.village_id"
                          " WHERE v.code = 'V1'")
    except BaseException:
        s.stop()
        raise
    return v, s, {"own": pin1, "other": pin2}


# ---- filling the patterns ---------------------------------------------------------------

# The value of a '*' after each literal segment.
SEGMENT = {
    "v": "V1", "villages": "V1", "static": "app.css", "accounts": "V1-victim",
    "households": "{h1}", "members": "{m1}", "sheets": "{month}", "entries": "{entry}",
    "ledger": "{ledger}", "evidence": "{evidence}", "declarations": "{decl}",
    "versions": "{version}", "p": "{token}", "announcements": "2024-Q2", "receipts": "001",
    "catalog": "RICE", "items": "RICE", "redemptions": "{red}", "counter": "001",
    "funds": "{fund}", "objections": "{objection}", "honours": "2024", "posts": "{post}",
    "openings": "{post}", "group": "{gm}", "consultations": "{cons}", "comments": "{comment}",
    "templates": "households.xlsx", "evaluation": "{evaluation}",
    "evaluations": "{evaluation}", "town": "V1",
    "funds": "{fund}", "objections": "{objection}", "checkins": "{checkin}", "c": "{checkin_token}",
}
# Where a route needs another value than SEGMENT gives.
OVERRIDE = {
    "GET /passbook/evidence/*": "/passbook/evidence/{photo}",
    "GET /p/*/evidence/*": "/p/{token}/evidence/{photo}",
    "GET /standard/template/versions/*": "/standard/template/versions/{template}",
    "GET /standard/template/versions/*/csv": "/standard/template/versions/{template}/csv",
    "GET /standard/template/compare": "/standard/template/compare?a={template}&b={template}",
    "GET /v/*/standard/compare": "/v/V1/standard/compare?a={version}&b={version}",
    "GET /v/*/ledger": "/v/V1/ledger?household=001",
    "GET /api/v1/villages/*/ledger": "/api/v1/villages/V1/ledger?household=001",
    "GET /api/v1/villages/*/proofs/inclusion": "/api/v1/villages/V1/proofs/inclusion?seq=1",
    # changes go to households 002/003 so that 001's session and data stay
    "POST /v/*/households/*/edit": "/v/V1/households/{h3}/edit",
    "POST /v/*/households/*/leave": "/v/V1/households/{h3}/leave",
    "POST /v/*/households/*/members": "/v/V1/households/{h3}/members",
    "POST /v/*/households/*/members/*/edit": "/v/V1/households/{h3}/members/{m3}/edit",
    "POST /v/*/households/*/members/*/remove": "/v/V1/households/{h3}/members/{m3}/remove",
    "POST /v/*/households/*/pin": "/v/V1/households/{h2}/pin",
    "POST /v/*/households/*/card-token": "/v/V1/households/{h2}/card-token",
    "POST /v/*/households/*/card-token/revoke": "/v/V1/households/{h2}/card-token/revoke",
}


# After an allowed request that used its target up, the SQL that gives it
# back, so that the next allowed role finds it as the first one did.
RESTORE = {
    "POST /v/*/households/*/members/*/remove":
        "UPDATE member SET removed_on = NULL WHERE id = {m3}",
}


def fill(method, pattern, values):
    """The URL asked for a route: OVERRIDE's, else each '*' replaced by
    SEGMENT's value for the segment before it."""
    url = OVERRIDE.get(f"{method} {pattern}")
    if url is None:
        segs = pattern.split("/")
        url = "/".join(SEGMENT[segs[i - 1]] if seg == "*" else seg for i, seg in enumerate(segs))
    return url.format(**values)


# ---- the database's state ----------------------------------------------------------------

# Tables whose rows any request may add: sessions, login throttling, the
# idempotency keys.  Audit rows of security events (security.denied, …) are
# the point of a denial, not a write of it, and are left out too, with the
# counts of the anonymous ones (audit_tally).
BOOKKEEPING = ("session", "login_attempt", "login_failure", "idempotency", "audit_tally")
STATE_COLUMNS = (
    "SELECT 'account.state', COALESCE(SUM(disabled),0) || '/' || COALESCE(SUM(must_change),0)"
    " || '/' || COALESCE(SUM(pw_changed_at),0) FROM account",
    "SELECT 'household.state', COUNT(left_on) || '/' || COUNT(pin_hash) || '/' ||"
    " COALESCE(SUM(pin_set_at),0) || '/' || COALESCE(SUM(updated_at),0) FROM household",
    "SELECT 'member.state', COUNT(removed_on) FROM member",
    "SELECT 'village.state', COALESCE(SUM(objection_days),0) || '/' ||"
    " COALESCE(SUM(admits_tenants),0) || '/' || COALESCE(SUM(yearend_cap),0) FROM village",
    "SELECT 'sheet.' || status, COUNT(*) FROM sheet GROUP BY status",
    "SELECT 'declaration.' || status, COUNT(*) FROM declaration GROUP BY status",
    "SELECT 'passbook_token.revoked', COUNT(revoked_at) FROM passbook_token",
    "SELECT 'audit.data', COUNT(*) FROM audit WHERE action NOT LIKE 'security.%'",
    "SELECT 'group_member.left', COUNT(left_on) FROM group_member",
    "SELECT 'consultation.adopted', COUNT(version_id) FROM consultation",
    "SELECT 'consultation_comment.answered', COUNT(answer) FROM consultation_comment",
)


class State:
    """One long-lived sqlite3/psql process answering the state query: the
    row count of every table and the STATE_COLUMNS, as one sorted text."""

    def __init__(self, db):
        if J.BACKEND == "postgresql":
            cmd = ["psql", db.url, "-AtqX", "-F", "\t"]
            tables_sql = ("SELECT table_name FROM information_schema.tables"
                          " WHERE table_schema = 'public' ORDER BY 1")
            self.end = "\\echo __END__\n"
        else:
            cmd = ["sqlite3", "-batch", "-separator", "\t", db.url]
            tables_sql = ("SELECT name FROM sqlite_master WHERE type = 'table'"
                          " AND name NOT LIKE 'sqlite_%' ORDER BY 1")
            self.end = ".print __END__\n"
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        tables = [t for t in self.ask(tables_sql) if t not in BOOKKEEPING and t != "audit"]
        check(len(tables) >= 15, f"tables: {tables}")
        self.sql = " UNION ALL ".join(
            [f"SELECT '{t}', COUNT(*) FROM {t}" for t in tables] + list(STATE_COLUMNS)) + ";\n"

    def ask(self, sql):
        self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n" + self.end)
        self.p.stdin.flush()
        lines = []
        for line in self.p.stdout:
            line = line.rstrip("\n")
            if line == "__END__":
                return lines
            lines.append(line)
        raise J.Failure("state query: the database shell ended: " + "\n".join(lines))

    def now(self):
        return "\n".join(sorted(self.ask(self.sql)))

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)


def started(server, fn, *args):
    """fn(*args), stopping server first when it fails (the caller's
    try/finally that stops it is not entered yet)."""
    try:
        return fn(*args)
    except BaseException:
        server.stop()
        raise


def diff(before, after):
    b, a = set(before.splitlines()), set(after.splitlines())
    return f"before {sorted(b - a)} after {sorted(a - b)}"


# ---- asking ------------------------------------------------------------------------------

LOGINS = {"town_admin": "admin", "village_admin": "admin", "scorer": "scorer",
          "shopkeeper": "shop"}


class Principals:
    """One logged-in client per column (created on first use, logged in
    again after a route ends its session)."""

    def __init__(self, s, pins):
        self.s, self.pins, self.c = s, pins, {}

    def client(self, role, rel):
        key = (role, rel)
        if key not in self.c:
            if role == "anonymous":
                c = self.s.client()
                c.get("/login")
            elif role == "household":
                c = household(self.s, "V1" if rel == "own" else "V2", "001", self.pins[rel])
            elif role == "town_admin":
                c = staff(self.s, "admin")
            else:
                c = staff(self.s, ("V1-" if rel == "own" else "V2-") + LOGINS[role])
            self.c[key] = c
        return self.c[key]

    def forget(self, role, rel):
        self.c.pop((role, rel), None)


def ask(c, method, url, upload):
    """The request a cell makes: GET, or a POST with the CSRF token and an
    empty body (JSON {} on the API, multipart on upload pages)."""
    if method == "GET":
        return c.get(url)
    if url.startswith("/api/"):
        h = {"Content-Type": "application/json"}
        if c.csrf:
            h["X-CSRF-Token"] = c.csrf
        return c.request("POST", url, body=b"{}", headers=h)
    if upload:
        return c.post_multipart(url, {}, {})
    return c.post(url, {})


def is_login_page(r):
    loc = r.header("Location") or ""
    return r.status == 303 and (loc.startswith("/login") or loc.startswith("/passbook/login"))


def judge(cell, r):
    """None when response r is what cell expects, else what is wrong."""
    if cell == "L":
        return None if is_login_page(r) else "expected a redirect to a login page"
    if cell == "out":
        dropped = any(k.lower() == "set-cookie" and v.startswith("jifen_sid=;") and "Max-Age=0" in v
                      for k, v in r.headers)
        return None if r.status == 303 and r.header("Location") == "/login" and dropped \
            else "expected to be logged out"
    if cell == "pub":
        return None if r.status not in (403, 404, 405) and r.status < 500 else \
            "expected the public form to answer"
    if cell == "ok":
        if r.status in (401, 403, 404, 405) or r.status >= 500 or is_login_page(r):
            return "expected the handler to run"
        return None
    if r.status != int(cell):
        return f"expected {cell}"
    if cell == "303" and is_login_page(r):
        return "expected a redirect, not to a login page"
    if r.status in (401, 403, 404) and url_is_api(r):
        try:
            if "error" not in r.json():
                return "API error without an error member"
        except ValueError:
            return "API error is not JSON"
    return None


def url_is_api(r):
    return (r.header("Content-Type") or "").startswith("application/json")


def run_matrix(db, only=None):
    """Ask every route of the table as every column; returns (cells asked,
    [failure lines])."""
    rows = parse_table(TABLE)
    rts = {(m, p): up for m, p, _, up in routes()}
    values, s, pins = prepare(db)
    state = started(s, State, db)
    who = Principals(s, pins)
    failures, asked = [], 0
    try:
        for (method, pattern), cells in rows.items():
            if only and not only(method, pattern):
                continue
            url = fill(method, pattern, values)
            # denied cells first, while nothing has been changed by an allowed one
            order = sorted(range(len(COLUMNS)), key=lambda i: cells[i] == "ok")
            for i in order:
                role, rel = COLUMNS[i]
                cell = cells[i]
                c = who.client(role, rel)
                before = state.now() if cell != "ok" else None
                r = ask(c, method, url, rts.get((method, pattern)))
                asked += 1
                wrong = judge(cell, r)
                if wrong:
                    failures.append(f"{method} {url} as {role}/{rel}: {wrong}, got {r.status}"
                                    f" {r.header('Location') or ''} {r.text[:160]!r}")
                if before is not None:
                    after = state.now()
                    if after != before:
                        failures.append(f"{method} {url} as {role}/{rel}: denied ({r.status}) but"
                                        f" the database changed: {diff(before, after)}")
                if pattern == "/logout" and r.status == 303:
                    who.forget(role, rel)
                if cell == "ok" and f"{method} {pattern}" in RESTORE:
                    db.sql(RESTORE[f"{method} {pattern}"].format(**values))
    finally:
        state.close()
        s.stop()
    return asked, failures


def discover(db):
    """Print the table as the binary answers today (for writing rows)."""
    rts = routes()
    values, s, pins = prepare(db)
    who = Principals(s, pins)
    try:
        for method, pattern, roles, up in rts:
            url = fill(method, pattern, values)
            out = []
            for role, rel in COLUMNS:
                r = ask(who.client(role, rel), method, url, up)
                out.append("L" if is_login_page(r) else str(r.status))
                if pattern == "/logout" and r.status == 303:
                    who.forget(role, rel)
            print(f"{method:5} {pattern:45} " + " ".join(f"{x:>3}" for x in out) + f"   # {roles}")
    finally:
        s.stop()


# ---- the tests ------------------------------------------------------------------------------

def test_100_every_route_has_a_row(db):
    """The table and `jifen routes` list the same routes, and the table
    agrees with each route's declared roles: a role the route admits is not
    refused with 403, one it does not admit is, and an anonymous visitor of
    a route that is not public is sent to log in (401 on the API)."""
    rows = parse_table(TABLE)
    rts = routes()
    eq(len(rts), len(set((m, p) for m, p, _, _ in rts)), "routes listed once")
    missing = [f"{m} {p}" for m, p, _, _ in rts if (m, p) not in rows]
    gone = [f"{m} {p}" for m, p in rows if (m, p) not in {(m, p) for m, p, _, _ in rts}]
    check(not missing, "routes without a row in TABLE (add one): " + ", ".join(missing))
    check(not gone, "rows in TABLE for routes that no longer exist: " + ", ".join(gone))
    wrong = []
    for m, p, roles, _ in rts:
        if roles == "public":
            continue
        cells = rows[(m, p)]
        for i, (role, rel) in enumerate(COLUMNS):
            cell = cells[i]
            if role == "anonymous":
                if cell != ("401" if p.startswith("/api/") else "L"):
                    wrong.append(f"{m} {p} anonymous: {cell}")
            elif (role in roles.split(",")) == (cell == "403"):
                wrong.append(f"{m} {p} {role}/{rel}: {cell} but routes says {roles}")
    check(not wrong, "TABLE disagrees with the route table: " + "; ".join(wrong))


def test_110_matrix(db):
    """Every row, every column: the expected answer, and nothing written by
    a refused request."""
    t0 = time.time()
    asked, failures = run_matrix(db)
    print(f"     {asked} requests ({len(parse_table(TABLE))} routes x {len(COLUMNS)} columns)"
          f" in {time.time() - t0:.1f}s", flush=True)
    check(not failures, f"{len(failures)} of {asked} cells wrong:\n" + "\n".join(failures))


# The '*' segments that name a village's object (not a month, not the village).
OBJECT_SEGMENTS = ("households", "members", "entries", "ledger", "evidence", "declarations",
                   "versions")


def test_120_foreign_ids_under_own_village(db):
    """An object of V1 named under V2's URL — /v/V2/households/<V1 id> and
    the like — is 404 for V2's admin and for the town admin alike, on
    every route that takes an object id, and nothing changes."""
    values, s, pins = prepare(db)
    state = started(s, State, db)
    who = Principals(s, pins)
    rts = {(m, p): up for m, p, _, up in routes()}
    failures, asked = [], 0
    try:
        for method, pattern in parse_table(TABLE):
            segs = pattern.split("/")
            if not (pattern.startswith("/v/*/") or pattern.startswith("/api/v1/villages/*/")):
                continue
            if not any(seg == "*" and segs[i - 1] in OBJECT_SEGMENTS
                       for i, seg in enumerate(segs)):
                continue
            url = fill(method, pattern, values).replace("/v/V1/", "/v/V2/").replace(
                "/villages/V1/", "/villages/V2/")
            for role, rel in (("town_admin", "own"), ("village_admin", "other")):
                before = state.now()
                r = ask(who.client(role, rel), method, url, rts[(method, pattern)])
                asked += 1
                if r.status != 404:
                    failures.append(f"{method} {url} as {role}/{rel}: got {r.status},"
                                    f" want 404: {r.text[:160]!r}")
                after = state.now()
                if after != before:
                    failures.append(f"{method} {url} as {role}/{rel}: the database changed:"
                                    f" {diff(before, after)}")
    finally:
        state.close()
        s.stop()
    check(asked >= 30, f"only {asked} requests")
    check(not failures, f"{len(failures)} of {asked} wrong:\n" + "\n".join(failures))


if __name__ == "__main__" and os.environ.get("MATRIX_DISCOVER"):
    d = J.Db()
    try:
        discover(d)
    finally:
        d.close()
    sys.exit(0)


if __name__ == "__main__":
    J.main(globals())
