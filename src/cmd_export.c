/*
** cmd_export.c — `jifen export ledger|funds`: a village's Excel 台账 of a
** year written to a file (export.c builds the workbooks).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "export.h"

typedef int (*export_fn)(db *d, arena *a, const struct village *v, int year, const char *path,
			 errlist *errs);

/* The options of both commands, the village, the year; then fn. */
static int export_cmd(struct cli *c, export_fn fn, const char *what)
{
	static const char *const known[] = {"--village=", "--year=", "--out=", NULL};
	if (cli_check_options(c, known))
		return cli_usage(c);
	const char *vcode = cli_opt(c, "--village"), *ys = cli_opt(c, "--year");
	const char *out = cli_opt(c, "--out");
	if (!vcode || !*vcode || !ys || !out || !*out || cli_npos(c))
		return cli_usage(c);
	int64_t year;
	if (parse_int64(ys, &year) || !export_year_valid((int)year)) {
		fprintf(stderr, "--year: 年份应为 YYYY，不是“%s”\n", ys);
		return EXIT_REJECTED;
	}
	struct village *v = village_by_code(c->db, c->a, vcode);
	if (!v) {
		fprintf(stderr, "没有编号为“%s”的村\n", vcode);
		return EXIT_REJECTED;
	}
	errlist errs = {0};
	int rc = fn(c->db, c->a, v, (int)year, out, &errs);
	if (rc) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return EXIT_FAILURE_3;
	}
	printf("%s（%s）%lld 年%s已导出到 %s\n", v->name, v->code, (long long)year, what, out);
	return EXIT_OK;
}

/* jifen export ledger --village CODE --year YYYY --out FILE.xlsx
** The village's 台账 of the year as an Excel workbook: the year's ledger
** entries, the balances and the standard in force.  Exit 0, 1 (no such
** village, bad year), 2 usage, 3 the file or the database failed. */
int cmd_export_ledger(struct cli *c)
{
	return export_cmd(c, export_ledger_xlsx, "积分台账");
}

/* jifen export funds --village CODE --year YYYY --out FILE.xlsx
** The funds of the year as an Excel workbook: per source the year's
** income and spending and the balance, and every movement.  Exit codes as
** export ledger. */
int cmd_export_funds(struct cli *c)
{
	return export_cmd(c, export_funds_xlsx, "资金台账");
}
