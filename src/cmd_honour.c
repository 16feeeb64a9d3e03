/*
** cmd_honour.c — the CLI of honours (荣誉, INTERFACES.md "结果运用"):
** `jifen honours` prints the year's ranking, stars and eligibility;
** `jifen honours confirm` records the two committees' confirmation with
** its meeting and the model-household shortlist.  The rules: honour.h.
*/
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "csvout.h"
#include "honour.h"

/* csv_out's flush to stdout. */
static int to_stdout(void *arg, const char *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

/* The opener of both honours commands: the options known, no words,
** --year (2000–9999) into *year and the village of --village into *v; 0,
** else the usage printed (also when wrong, the command's own test of its
** other options) or the unknown village said, and the exit code. */
static int village_year_or_usage(struct cli *c, const char *const *known, int wrong,
				 struct village **v, int *year)
{
	*year = 0;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(
			c, wrong || cli_opt_year(c, "--year", year) || cli_npos(c), v);
	return rc;
}

/* jifen honours --village CODE --year YYYY [--format csv|json]
** household,name,year_points,rank,stars,eligible for every participating
** household, highest year_points first (ties by code); rank is the
** competition rank (1, 2, 2, 4); eligible 是, or 否 for a household with a
** veto mark that year (stars 0); stars counts the village's stars
** thresholds year_points reaches.  name is the head's name as `jifen
** balances` prints it (the CLI is the village's own tool; the public page
** masks it).  The ranking as it stands on the ledger, confirmed or not.
** Exit 0, 1 (unknown village), 2, 3. */
int cmd_honours(struct cli *c)
{
	static const char *const known[] = {"--village=", "--year=", "--format=", NULL};
	const char *format = cli_opt(c, "--format") ? cli_opt(c, "--format") : "csv";
	int year;
	struct village *v;
	int rc = village_year_or_usage(c, known, strcmp(format, "csv") && strcmp(format, "json"),
				       &v, &year);
	if (rc)
		return rc;
	struct honour_row *rows;
	int n;
	if (honour_list(c->db, c->a, v, year, &rows, &n))
		return cli_db_failure(c);
	if (!strcmp(format, "csv")) {
		struct csv_out w;
		csv_begin(&w, "\n");
		w.flush = to_stdout;
		csv_literal(&w, HONOUR_CSV_HEADER);
		csv_row_end(&w);
		honour_csv(&w, rows, n);
		return csv_finish(&w) ? EXIT_FAILURE_3 : EXIT_OK;
	}
	buf b = {0};
	honour_json(&b, rows, n);
	size_t wrote = fwrite(b.p, 1, b.len, stdout);
	rc = wrote == b.len ? EXIT_OK : EXIT_FAILURE_3;
	buf_free(&b);
	return rc;
}

/* jifen honours confirm --village CODE --year YYYY --meeting-date YYYY-MM-DD
**                       --attendees TEXT --resolution TEXT [--models H1,H2,...]
** The two committees confirm the year's honours at a meeting, recorded by
** the operator: the ranking as it stands is frozen with the meeting and
** the model-household shortlist (评先选优, household codes, eligible
** ones).  Prints the confirmation's id.  Exit 1 when confirmed already or
** a field is wrong (named). */
int cmd_honours_confirm(struct cli *c)
{
	static const char *const known[] = {"--village=", "--year=", "--meeting-date=",
					    "--attendees=", "--resolution=", "--models=", NULL};
	int year;
	struct village *v;
	int rc =
		village_year_or_usage(c, known,
				      !cli_opt(c, "--meeting-date") || !cli_opt(c, "--attendees") ||
					      !cli_opt(c, "--resolution"),
				      &v, &year);
	if (rc)
		return rc;
	struct honour_confirm_input in = {.meeting_date = cli_opt(c, "--meeting-date"),
					  .attendees = cli_opt(c, "--attendees"),
					  .resolution = cli_opt(c, "--resolution")};
	const char *models = cli_opt(c, "--models");
	const char **list = NULL;
	int cap = 0;
	for (const char *p = models; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			list = arena_grow(c->a, list, &cap, in.n_models, sizeof *list);
			list[in.n_models++] = arena_strndup(c->a, p, len);
		}
		p = e ? e + 1 : p + len;
	}
	in.models = list;
	errlist errs = {0};
	int64_t id;
	rc = honour_confirm(c->db, c->a, &c->actor, v, year, &in, &errs, &id);
	return cli_added(c, rc, &errs, id);
}
