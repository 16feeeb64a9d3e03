/*
** commands.h — the CLI commands that live outside main.c (cmd_*.c and the
** areas), each `int fn(struct cli *c)` returning an INTERFACES.md exit code.
*/
#ifndef JIFEN_COMMANDS_H
#define JIFEN_COMMANDS_H

#include "cli.h"

/* cmd_export.c: the Excel 台账 */
int cmd_export_ledger(struct cli *c);
int cmd_export_funds(struct cli *c);

/* cmd_import.c */
int cmd_import_households(struct cli *c);

/* cmd_migrate.c: move a SQLite database to PostgreSQL. */
int cmd_migrate_db(struct cli *c);

/* cmd_deploy.c: backup (one file, or dated with retention) and restore */
int cmd_backup(struct cli *c);
int cmd_restore(struct cli *c);

/* demo.c: load the demo town into an empty database, print its logins. */
int demo_load(struct cli *c);

/* cmd_group.c: the village's scoring group */
int cmd_group_add(struct cli *c);
int cmd_group_leave(struct cli *c);
int cmd_group(struct cli *c);

/* cmd_ledger.c: standards, sheets and the ledger */
int cmd_import_standard(struct cli *c);
int cmd_import_entries(struct cli *c);
int cmd_sheet_approve(struct cli *c);
int cmd_balances(struct cli *c);
int cmd_verify(struct cli *c);
int cmd_passbook_render(struct cli *c);
int cmd_ledger_correct(struct cli *c);

/* cmd_shop.c: village settings, the points shop, funds, the year end */
int cmd_village_show(struct cli *c);
int cmd_village_set(struct cli *c);
int cmd_import_catalog(struct cli *c);
int cmd_redeem(struct cli *c);
int cmd_redemption_reverse(struct cli *c);
int cmd_fund_add(struct cli *c);
int cmd_fund_spend(struct cli *c);
int cmd_fund_reverse(struct cli *c);
int cmd_funds(struct cli *c);
int cmd_year_end(struct cli *c);
/* cmd_announce.c: 一季一公示 — key, announcements, receipts, proofs, witness */
int cmd_key_show(struct cli *c);
int cmd_announce(struct cli *c);
int cmd_announcement(struct cli *c);
int cmd_announcements(struct cli *c);
int cmd_announcement_cosign(struct cli *c);
int cmd_receipt(struct cli *c);
int cmd_verify_receipt(struct cli *c);
int cmd_proof(struct cli *c);
int cmd_witness(struct cli *c);
int cmd_witness_request(struct cli *c);

/* cmd_objection.c: objections to an announcement */
int cmd_objection_add(struct cli *c);
int cmd_objection_decide(struct cli *c);
int cmd_objections(struct cli *c);

/* cmd_honour.c: honours (荣誉) */
int cmd_honours(struct cli *c);
int cmd_honours_confirm(struct cli *c);

/* demo_ledger.c: the demo villages adopt the town template and score three
** months, approved (called at the end of demo_load).  Returns an exit code. */
int ledger_demo(struct cli *c);
/* What failed while loading the demo (what), with errs (rc 1) or the
** database error (rc -1); frees errs and returns 3. */
int demo_failed(struct cli *c, const char *what, int rc, errlist *errs);
/* demo.c: a small deterministic generator (xorshift32) that the demo's
** files draw from, each with its own seed *s: the demo is reproducible. */
unsigned demo_rand(unsigned *s);
/* demo_honour.c: the first demo village's confirmed honours of the year (stars,
** a veto household, party members, models) and a decided public-welfare
** post (called after ledger_demo).  Returns an exit code. */
int honour_demo(struct cli *c);
/* demo_group.c: the scoring groups (before ledger_demo: months are
** submitted there) and, after it, one village's gap and a consultation */
int group_demo(struct cli *c);
int group_demo_finish(struct cli *c);

/* cmd_oversight.c: the town's report and oversight settings */
int cmd_report(struct cli *c);
int cmd_town_show(struct cli *c);
int cmd_town_set(struct cli *c);
int cmd_evaluation_criteria(struct cli *c);
/* oversight_demo.c: announcements, shops and an evaluation that make the
** demo villages differ on the town dashboard (called by demo_load). */
int oversight_demo(struct cli *c);

#endif
