/*
** commands.h — the CLI commands that live outside main.c (cmd_*.c and the
** areas), each `int fn(struct cli *c)` returning an INTERFACES.md exit code.
*/
#ifndef JIFEN_COMMANDS_H
#define JIFEN_COMMANDS_H

#include "cli.h"

/* cmd_import.c */
int cmd_import_households(struct cli *c);

/* cmd_migrate.c: move a SQLite database to PostgreSQL. */
int cmd_migrate_db(struct cli *c);

/* demo.c: load the demo town into an empty database, print its logins. */
int demo_load(struct cli *c);

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

/* demo_ledger.c: the demo villages adopt the town template and score three
** months, approved (called at the end of demo_load).  Returns an exit code. */
int ledger_demo(struct cli *c);

#endif
