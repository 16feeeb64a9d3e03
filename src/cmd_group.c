/*
** cmd_group.c — the CLI of the village's scoring group (村民积分管理自治小组):
** add a member with the meeting that appointed them, a member leaves, and
** the roster with its history.  The rules: scoring_group.h.
*/
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "csvout.h"
#include "scoring_group.h"

/* jifen group add --village CODE --name NAME --role ROLE [--account LOGIN]
**                 --joined YYYY-MM-DD --meeting-date YYYY-MM-DD --attendees TEXT
**                 [--appointed-by TEXT]
** Add a member to the village's scoring group in ROLE (committee 村两委成员,
** veteran 优秀老党员, representative 村民代表, mediator 人民调解员, legal
** 法律明白人, respected 德高望重群众代表, other; the Chinese word works too),
** appointed at the meeting of that date; LOGIN the village account they
** score with.  Prints the member's id.  Exit 1 on bad input. */
int cmd_group_add(struct cli *c)
{
	static const char *const known[] = {"--village=", "--name=", "--role=", "--account=",
					    "--joined=", "--meeting-date=", "--attendees=",
					    "--appointed-by=", NULL};
	struct village *v;
	int rc = cli_village_words(c, known, &v);
	if (rc)
		return rc;
	struct group_member_input in = {
		.name = cli_opt(c, "--name"), .role = cli_opt(c, "--role"),
		.account_login = cli_opt(c, "--account"), .joined_on = cli_opt(c, "--joined"),
		.meeting_date = cli_opt(c, "--meeting-date"), .attendees = cli_opt(c, "--attendees"),
		.appointed_by = cli_opt(c, "--appointed-by")};
	errlist errs = {0};
	int64_t id = 0;
	rc = group_member_add(c->db, &c->actor, v, &in, &errs, &id);
	return cli_added(c, rc, &errs, id);
}

/* jifen group leave --village CODE --id N --date YYYY-MM-DD [--reason TEXT]
** Member N leaves the scoring group on that date (the row stays, dated). */
int cmd_group_leave(struct cli *c)
{
	static const char *const known[] = {"--village=", "--id=", "--date=", "--reason=", NULL};
	int64_t id = 0;
	const char *ids = cli_opt(c, "--id");
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  cli_npos(c) || !ids || parse_int64(ids, &id) || id < 1 ||
						  !cli_opt(c, "--date"),
					  &v);
	if (rc)
		return rc;
	errlist errs = {0};
	rc = group_member_leave(c->db, &c->actor, v, id, cli_opt(c, "--date"),
				cli_opt(c, "--reason"), &errs);
	if (rc)
		rc = cli_area_failure(c, rc, &errs);
	errlist_free(&errs);
	return rc;
}

/* jifen group --village CODE
** The roster with its history as CSV: id,name,role,account,joined_on,
** left_on,meeting_date,appointed_by (current members first); then exit 0
** when the group meets the rule (a two-committee member and a villager
** representative), 1 with the message naming what is missing. */
int cmd_group(struct cli *c)
{
	static const char *const known[] = {"--village=", NULL};
	struct village *v;
	int rc = cli_village_words(c, known, &v);
	if (rc)
		return rc;
	struct group_member *rows;
	int n;
	struct group_status st;
	if (group_members(c->db, c->a, v->id, 0, &rows, &n) || group_status_get(c->db, v->id, &st))
		return cli_db_failure(c);
	struct csv_out w;
	csv_begin(&w, "\n");
	csv_literal(&w, "id,name,role,account,joined_on,left_on,meeting_date,appointed_by\n");
	for (int i = 0; i < n; i++) {
		csv_int(&w, rows[i].id);
		csv_text(&w, rows[i].name);
		csv_text(&w, rows[i].role);
		csv_text(&w, rows[i].account_login);
		csv_text(&w, rows[i].joined_on);
		csv_text(&w, rows[i].left_on);
		csv_text(&w, rows[i].meeting_date);
		csv_text(&w, rows[i].appointed_by);
		csv_row_end(&w);
	}
	fwrite(w.b.p ? w.b.p : "", 1, w.b.len, stdout);
	buf_free(&w.b);
	csv_finish(&w);
	if (!st.ok) {
		fprintf(stderr, "积分管理小组还缺少%s\n", st.missing);
		return EXIT_REJECTED;
	}
	return EXIT_OK;
}
