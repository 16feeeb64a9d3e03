/*
** cmd_oversight.c — the town's CLI view: `jifen report` (INTERFACES.md,
** one row per village) and the town's oversight settings (`jifen town
** show`, `jifen town set KEY VALUE`: the stages of the plan and the
** on-time windows, docs/oversight.md), and the evaluation's criteria
** (`jifen evaluation criteria`).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "csvout.h"
#include "evaluation.h"
#include "oversight.h"
#include "village.h"

/* Write n bytes to out (stdout or the --out file); 0 or -1. */
static int write_all(FILE *out, const char *p, size_t n)
{
	return fwrite(p, 1, n, out) == n ? 0 : -1;
}

static int csv_flush_file(void *arg, const char *p, size_t n)
{
	return write_all(arg, p, n);
}

/* jifen report [--year YYYY] [--format csv|json|xlsx] [--out FILE]
** The town's view, one row per village in code order:
** village,name,eligible,participating,coverage,standard_version,
** standard_adopted,months_approved,announcements,objections_open,
** redemptions,points_redeemed,fund_balance (oversight.h says what each
** counts).  --year defaults to this year; csv and json go to stdout or
** --out; xlsx needs --out. */
int cmd_report(struct cli *c)
{
	static const char *const known[] = {"--year=", "--format=", "--out=", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	const char *fmt = cli_opt(c, "--format") ? cli_opt(c, "--format") : "csv";
	const char *path = cli_opt(c, "--out");
	if (cli_npos(c) || (strcmp(fmt, "csv") && strcmp(fmt, "json") && strcmp(fmt, "xlsx")))
		return cli_usage(c);
	if (!strcmp(fmt, "xlsx") && (!path || !*path)) {
		fprintf(stderr, "--format xlsx 需要 --out FILE\n");
		return cli_usage(c);
	}
	char today[11];
	date_today(today);
	int64_t year = 0;
	const char *ys = cli_opt(c, "--year");
	if (!ys)
		year = atoi(today);
	else if (parse_int64(ys, &year) || year < 1900 || year > 2199) {
		fprintf(stderr, "--year: 应为 1900–2199 的年份\n");
		return cli_usage(c);
	}
	struct oversight_row *rows;
	int n;
	if (oversight_report(c->db, c->a, (int)year, &rows, &n))
		return cli_db_failure(c);
	if (!strcmp(fmt, "xlsx")) {
		char err[512];
		if (oversight_report_xlsx(path, town_name(c->db, c->a), (int)year, rows, n, err,
					  sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return EXIT_FAILURE_3;
		}
		return EXIT_OK;
	}
	FILE *out = stdout;
	if (path && *path && !(out = fopen(path, "wb"))) {
		fprintf(stderr, "无法写入文件 %s\n", path);
		return EXIT_FAILURE_3;
	}
	int fail;
	if (!strcmp(fmt, "csv")) {
		struct csv_out w;
		csv_begin(&w, "\n");
		w.flush = csv_flush_file;
		w.arg = out;
		oversight_report_csv(&w, rows, n);
		fail = csv_finish(&w);
	} else {
		buf b = {0};
		oversight_report_json(&b, rows, n);
		fail = write_all(out, b.p, b.len);
		buf_free(&b);
	}
	if (out != stdout && fclose(out))
		fail = -1;
	if (fail) {
		fprintf(stderr, "写入报表失败\n");
		return EXIT_FAILURE_3;
	}
	return EXIT_OK;
}

/* jifen town show
** The town's oversight settings as key,value lines (town.announce_days,
** town.approve_days, town.goal_pct, town.stage1_start … town.stage3_end),
** defaults from the plan where none is set. */
int cmd_town_show(struct cli *c)
{
	int rc = cli_check_options(c, (const char *const[]){NULL});
	if (rc)
		return rc;
	if (cli_npos(c))
		return cli_usage(c);
	struct oversight_settings s;
	if (oversight_settings_load(c->db, &s))
		return cli_db_failure(c);
	printf("key,value\n");
	char value[16];
	const char *key, *label;
	for (int i = 0; (key = oversight_setting_field(&s, i, value, &label)); i++)
		printf("%s,%s\n", key, value);
	return EXIT_OK;
}

/* jifen town set KEY VALUE
** Change one of the town's oversight settings (docs/oversight.md); the
** stages must stay in order.  Exit 1 naming what is wrong. */
int cmd_town_set(struct cli *c)
{
	int rc = cli_check_options(c, (const char *const[]){NULL});
	if (rc)
		return rc;
	if (cli_npos(c) != 2)
		return cli_usage(c);
	errlist errs = {0};
	rc = oversight_setting_set(c->db, &c->actor, cli_pos(c, 0), cli_pos(c, 1), &errs);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	printf("已设置 %s = %s\n", cli_pos(c, 0), cli_pos(c, 1));
	return EXIT_OK;
}

/* jifen evaluation criteria [--set CODE --weight N]
** The town's evaluation criteria as code,weight,name lines in order; with
** --set, change one criterion's weight (0–100; 0 leaves it out of the
** total).  Exit 1 for an unknown code or a bad weight. */
int cmd_evaluation_criteria(struct cli *c)
{
	static const char *const known[] = {"--set=", "--weight=", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	const char *code = cli_opt(c, "--set"), *ws = cli_opt(c, "--weight");
	if (cli_npos(c) || !code != !ws)
		return cli_usage(c);
	if (code) {
		int64_t w;
		errlist errs = {0};
		if (parse_int64(ws, &w))
			w = -1;
		rc = evaluation_criterion_set(c->db, &c->actor, code, w, &errs);
		if (rc) {
			rc = cli_area_failure(c, rc, &errs);
			errlist_free(&errs);
			return rc;
		}
	}
	struct eval_criterion *cr;
	int n;
	if (evaluation_criteria(c->db, c->a, &cr, &n))
		return cli_db_failure(c);
	printf("code,weight,name\n");
	for (int i = 0; i < n; i++)
		printf("%s,%d,%s\n", cr[i].code, cr[i].weight, cr[i].name);
	return EXIT_OK;
}
