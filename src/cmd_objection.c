/*
** cmd_objection.c — the CLI of objections (异议) to an announcement
** (INTERFACES.md "一季一公示"): the village admin records a paper one,
** the two committees decide it, and the list.  The rules: objection.h.
*/
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "csvout.h"
#include "objection.h"

/* The positive integer of option name into *out: 0, or -1 (usage). */
static int opt_positive(struct cli *c, const char *name, int64_t *out)
{
	const char *s = cli_opt(c, name);
	*out = 0;
	return s && (parse_int64(s, out) || *out < 1) ? -1 : 0;
}

/* jifen objection add --village CODE --quarter YYYY-Qn --household HCODE --reason TEXT
**                    [--entry SEQ] [--date D]
** Record an objection (异议) to the quarter's announcement, received on D
** (default today) on paper (channel letter: what the village admin
** enters; the pages also take phone and visit), against the household's
** line or its ledger entry SEQ; print its id alone on one line.  Exit 1
** when D is outside the announcement's objection period. */
int cmd_objection_add(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", "--household=", "--reason=",
					    "--entry=", "--date=", NULL};
	int64_t seq;
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  !cli_opt(c, "--quarter") || !cli_opt(c, "--household") ||
						  !cli_opt(c, "--reason") || cli_npos(c) ||
						  opt_positive(c, "--entry", &seq),
					  &v);
	if (rc)
		return rc;
	char today[11];
	date_today(today);
	struct objection_input in = {
		.quarter = cli_opt(c, "--quarter"), .household_code = cli_opt(c, "--household"),
		.channel = "letter", .entry_seq = seq, .reason = cli_opt(c, "--reason"),
		.received_on = cli_opt(c, "--date") ? cli_opt(c, "--date") : today};
	errlist errs = {0};
	int64_t id = 0;
	rc = objection_add(c->db, c->a, &c->actor, v, &in, &errs, &id);
	return cli_added(c, rc, &errs, id);
}

/* jifen objection decide --village CODE --id N --reject --reason TEXT
** jifen objection decide --village CODE --id N --uphold --reason TEXT
**                        (--entry SEQ --points P | --item ICODE --date D2)
** The two committees' answer, dated today: reject with the reason the
** household sees, or uphold with a correction of ledger entry SEQ by P
** points or the missed item scored on D2 (a score entry; the item's caps
** apply), posted to the ledger with the decision.  Prints the decision
** and the entry posted. */
int cmd_objection_decide(struct cli *c)
{
	static const char *const known[] = {"--village=", "--id=", "--reject", "--uphold",
					    "--reason=", "--entry=", "--points=", "--item=",
					    "--date=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	int64_t id = 0, seq = 0, points = 0;
	int reject = cli_flag(c, "--reject"), uphold = cli_flag(c, "--uphold");
	int by_entry = cli_opt(c, "--entry") || cli_opt(c, "--points");
	int by_item = cli_opt(c, "--item") || cli_opt(c, "--date");
	int wrong = !cli_opt(c, "--reason") || cli_npos(c) || reject == uphold ||
		    opt_positive(c, "--id", &id) || !id || opt_positive(c, "--entry", &seq) ||
		    opt_positive(c, "--points", &points) || (reject && (by_entry || by_item)) ||
		    (uphold && (by_entry == by_item || (by_entry && (!seq || !points)) ||
				(by_item && (!cli_opt(c, "--item") || !cli_opt(c, "--date")))));
	struct village *v;
	rc = cli_village_or_usage(c, wrong, &v);
	if (rc)
		return rc;
	struct objection_decision dec = {.uphold = uphold, .reason = cli_opt(c, "--reason"),
					 .entry_seq = seq, .points = points,
					 .item_code = cli_opt(c, "--item"),
					 .date = cli_opt(c, "--date")};
	errlist errs = {0};
	rc = objection_decide(c->db, c->a, &c->actor, v, id, &dec, &errs);
	struct objection *o = NULL;
	if (!rc && objection_get(c->db, c->a, v->id, id, &o))
		rc = -1;
	if (rc)
		rc = cli_area_failure(c, rc, &errs);
	else if (o->ledger_seq)
		printf("第 %lld 号异议%s: 台账第 %lld 条 %+lld 分\n", (long long)id,
		       objection_status_label(o->status), (long long)o->ledger_seq,
		       (long long)o->ledger_points);
	else
		printf("第 %lld 号异议%s\n", (long long)id, objection_status_label(o->status));
	errlist_free(&errs);
	return rc;
}

/* jifen objections --village CODE [--quarter YYYY-Qn]
** The village's objections, oldest first:
** id,quarter,household,status,received,decided,reason,decision; status is
** open, rejected or upheld, decided empty while open. */
int cmd_objections(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", NULL};
	struct village *v;
	int rc = cli_village_words(c, known, &v);
	if (rc)
		return rc;
	struct objection *rows;
	int n;
	if (objection_list(c->db, c->a, v->id, cli_opt(c, "--quarter"), 0, 0, &rows, &n))
		return cli_db_failure(c);
	struct csv_out w;
	csv_begin(&w, "\n");
	csv_literal(&w, "id,quarter,household,status,received,decided,reason,decision\n");
	for (int i = 0; i < n; i++)
		objection_csv(&w, &rows[i]);
	fwrite(w.b.p, 1, w.b.len, stdout);
	buf_free(&w.b);
	csv_finish(&w);
	return EXIT_OK;
}
