/*
** cmd_shop.c — the command-line side of the rest of the year's cycle
** (INTERFACES.md "Village settings" and "一年一兑换"): `jifen village
** set/show`, `jifen import catalog`, `jifen redeem`, `jifen redemption
** reverse`, `jifen fund add/spend/reverse`, `jifen funds` and `jifen
** year-end`.  The rules and transactions live in village_setting.c,
** catalog.c, redemption.c, fund.c and yearend.c; this file parses options,
** prints, and maps outcomes to the exit codes of cli.h.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "commands.h"
#include "fund.h"
#include "household.h"
#include "redemption.h"
#include "village_setting.h"
#include "yearend.h"

/* Check options and the number of positional words; print the usage
** (main.c's table) and return 2 on a problem, else 0. */
static int usage_check(struct cli *c, const char *const *known, int npos)
{
	int rc = cli_check_options(c, known);
	if (!rc && cli_npos(c) != npos)
		rc = EXIT_USAGE;
	return rc ? cli_usage(c) : 0;
}

/* The words of `village show CODE` and `village set CODE KEY VALUE`: no
** options, npos words, the first a village's code.  0 with *v set, else
** the exit code (the usage, or the unknown village, printed). */
static int village_words(struct cli *c, int npos, struct village **v)
{
	static const char *const known[] = {NULL};
	int rc = usage_check(c, known, npos);
	if (rc)
		return rc;
	*v = cli_village_or_reject(c, cli_pos(c, 0));
	return *v ? 0 : EXIT_REJECTED;
}

/* Print errs and return 1, or the database failure (3), for rc. */
static int failed(struct cli *c, int rc, errlist *errs)
{
	rc = cli_area_failure(c, rc, errs);
	errlist_free(errs);
	return rc;
}

/* jifen village show CODE
** Every setting of the village as CSV: a header key,value, then one
** key,value row per setting (INTERFACES.md "Village settings"). */
int cmd_village_show(struct cli *c)
{
	struct village *v;
	int rc = village_words(c, 1, &v);
	if (rc)
		return rc;
	printf("key,value\n");
	for (int i = 0; i < VILLAGE_SETTING_COUNT; i++) {
		const char *val = village_setting_value(c->a, v, i);
		/* stars holds commas: one CSV field, quoted */
		printf(strchr(val, ',') ? "%s,\"%s\"\n" : "%s,%s\n", village_setting_keys[i], val);
	}
	return EXIT_OK;
}

/* jifen village set CODE KEY VALUE
** Change one setting of the village (keys of `village show`); a value it
** may not have is refused with what it may be (exit 1).  Audited. */
int cmd_village_set(struct cli *c)
{
	struct village *v;
	int rc = village_words(c, 3, &v);
	if (rc)
		return rc;
	errlist errs = {0};
	const char *key = cli_pos(c, 1), *value = cli_pos(c, 2);
	rc = village_setting_set(c->db, c->a, &c->actor, v, key, value, &errs);
	if (rc)
		return failed(c, rc, &errs);
	printf("已设置 %s（%s）: %s = %s\n", v->name, v->code, key, value);
	return EXIT_OK;
}

/* jifen import catalog --village CODE FILE [--dry-run]
** Add or update the village's catalog (积分超市) by item code from a CSV
** file (INTERFACES.md); nothing is written unless every row is valid, each
** error printed as FILE:ROW: COLUMN: message.  --dry-run lists what would
** change.  Exit 0, 1, 2, 3. */
int cmd_import_catalog(struct cli *c)
{
	static const char *const known[] = {"--village=", "--dry-run", NULL};
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c, cli_npos(c) != 1, &v);
	if (rc)
		return rc;
	const char *path = cli_pos(c, 0);
	size_t len;
	char *data = file_read_all(path, 16 * 1024 * 1024, &len);
	if (!data) {
		fprintf(stderr, "%s: 无法读取文件: %s\n", path,
			errno == EFBIG ? "文件太大（最多 16 MB）" : strerror(errno));
		return EXIT_REJECTED;
	}
	int dry = cli_flag(c, "--dry-run");
	struct catalog_report rep = {.a = c->a};
	errlist errs = {0};
	rc = catalog_import(c->db, &c->actor, v, path, data, len, dry, &rep, &errs);
	free(data);
	if (rc)
		return failed(c, rc, &errs);
	static const char *const actions[] = {"新增", "更新", "未变"};
	if (dry) {
		for (int i = 0; i < rep.n; i++)
			if (rep.rows[i].action != CATALOG_UNCHANGED)
				printf("第 %d 行  %s  %s  %s\n", rep.rows[i].row, rep.rows[i].code,
				       rep.rows[i].name, actions[rep.rows[i].action]);
		printf("试运行（没有写入）: 将新增 %d 项，更新 %d 项，未变 %d 项\n", rep.added,
		       rep.updated, rep.unchanged);
	} else
		printf("%s（%s）积分超市: 新增 %d 项，更新 %d 项，未变 %d 项\n", v->name, v->code,
		       rep.added, rep.updated, rep.unchanged);
	return EXIT_OK;
}

/* A whole number option in [lo, hi] (def when absent) or -1 after a
** message. */
static int64_t int_opt(struct cli *c, const char *name, int64_t def, int64_t lo, int64_t hi)
{
	const char *s = cli_opt(c, name);
	int64_t n;
	if (!s)
		return def;
	if (parse_int64(s, &n) || n < lo || n > hi) {
		fprintf(stderr, "%s: 应为 %lld–%lld 的整数\n", name, (long long)lo, (long long)hi);
		return -1;
	}
	return n;
}

/* jifen redeem --village CODE --household HCODE --item ICODE [--quantity N]
**              [--date D] [--delivered-by NAME]
** Hand the item out against points: reserve and hand out in one step.
** Prints the redemption id and the household's new balance, each alone on
** a line.  Exit 1, nothing written, when the household does not
** participate, its points or the stock are short, the item is not on
** offer, D is outside the redemption window, or the household has a veto
** mark for D's year — the reason in one Chinese line each. */
int cmd_redeem(struct cli *c)
{
	static const char *const known[] = {"--village=", "--household=", "--item=", "--quantity=",
					    "--date=", "--delivered-by=", NULL};
	int rc = usage_check(c, known, 0);
	if (rc)
		return rc;
	const char *hcode = cli_opt(c, "--household"), *icode = cli_opt(c, "--item");
	if (!cli_opt(c, "--village") || !hcode || !icode)
		return cli_usage(c);
	int64_t qty = int_opt(c, "--quantity", 1, 1, 10000);
	if (qty < 0)
		return EXIT_USAGE;
	struct village *v = cli_village_or_reject(c, cli_opt(c, "--village"));
	if (!v)
		return EXIT_REJECTED;
	struct household *h = NULL;
	int got = household_get_by_code(c->db, c->a, v->id, hcode, &h);
	if (got < 0)
		return cli_db_failure(c);
	if (got) {
		fprintf(stderr, "不能兑换：本村没有户编号为“%s”的农户\n", hcode);
		return EXIT_REJECTED;
	}
	errlist errs = {0};
	struct redemption *x = NULL;
	int64_t balance = 0;
	rc = redemption_redeem(c->db, c->a, &c->actor, v, h->id, icode, qty, cli_opt(c, "--date"),
			       cli_opt(c, "--delivered-by"), &errs, &x, &balance);
	if (rc)
		return failed(c, rc, &errs);
	printf("%lld\n%lld\n", (long long)x->id, (long long)balance);
	return EXIT_OK;
}

/* The options of the reverse commands (--village, --id, --reason): -1 to
** go on with *v and *id set, else the exit code (usage printed). */
static int reverse_args(struct cli *c, struct village **v, int64_t *id)
{
	static const char *const known[] = {"--village=", "--id=", "--reason=", NULL};
	int rc = usage_check(c, known, 0);
	if (rc)
		return rc;
	*id = int_opt(c, "--id", 0, 1, INT64_MAX / 2);
	if (*id <= 0 || !cli_opt(c, "--village") || !cli_opt(c, "--reason"))
		return cli_usage(c);
	*v = cli_village_or_reject(c, cli_opt(c, "--village"));
	return *v ? -1 : EXIT_REJECTED;
}

/* jifen redemption reverse --village CODE --id N --reason TEXT
** Reverse handed-out redemption N: a linked ledger entry gives the points
** back and the stock returns; the redemption stays, marked reversed. */
int cmd_redemption_reverse(struct cli *c)
{
	struct village *v = NULL;
	int64_t id = 0;
	int rc = reverse_args(c, &v, &id);
	if (rc >= 0)
		return rc;
	errlist errs = {0};
	struct redemption *x = NULL;
	rc = redemption_reverse(c->db, c->a, &c->actor, v, id, cli_opt(c, "--reason"), &errs, &x);
	if (rc)
		return failed(c, rc, &errs);
	printf("已冲回第 %lld 号兑换单: 台账第 %lld 条退回 %lld 分\n", (long long)id,
	       (long long)x->reversal_entry_id, (long long)x->points);
	return EXIT_OK;
}

/* The --amount in fen, or -1 after a message. */
static int64_t amount_opt(struct cli *c)
{
	int64_t fen;
	const char *s = cli_opt(c, "--amount");
	if (!s || parse_fen(s, &fen) || fen <= 0) {
		fprintf(stderr, "--amount: 金额应为大于 0 的元数，最多两位小数（如 12、12.5、12.50）\n");
		return -1;
	}
	return fen;
}

/* jifen fund add --village CODE --source SOURCE --amount YUAN [--date D]
**                [--from NAME] [--note TEXT]
** Money received into one source: self_raised 村民委员会自筹, higher_level
** 上级统筹, incentive 激励奖励资金, donation 社会捐赠 (--from names the
** donor).  Prints the movement's id. */
static int fund_cmd(struct cli *c, int spend)
{
	static const char *const add_known[] = {"--village=", "--source=", "--amount=", "--date=",
						"--from=", "--note=", NULL};
	static const char *const spend_known[] = {"--village=", "--source=", "--amount=",
						  "--date=", "--note=", NULL};
	struct village *v;
	int rc = cli_options_or_usage(c, spend ? spend_known : add_known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  cli_npos(c) || !cli_opt(c, "--source") ||
						  !cli_opt(c, "--amount") ||
						  (spend && !cli_opt(c, "--note")),
					  &v);
	if (rc)
		return rc;
	int64_t fen = amount_opt(c);
	if (fen < 0)
		return EXIT_REJECTED;
	errlist errs = {0};
	int64_t id = 0;
	const char *source = cli_opt(c, "--source");
	rc = spend ? fund_spend(c->db, &c->actor, v, source, fen, cli_opt(c, "--date"),
				cli_opt(c, "--note"), &errs, &id)
		   : fund_add(c->db, &c->actor, v, source, fen, cli_opt(c, "--date"),
			      cli_opt(c, "--from"), cli_opt(c, "--note"), &errs, &id);
	if (rc)
		return failed(c, rc, &errs);
	char yuan[32];
	printf("已记%s %s %s 元（第 %lld 笔）\n", spend ? "支出" : "收入",
	       fund_source_label(fund_source_index(source)), fen_format(yuan, fen), (long long)id);
	return EXIT_OK;
}

int cmd_fund_add(struct cli *c)
{
	return fund_cmd(c, 0);
}

/* jifen fund spend --village CODE --source SOURCE --amount YUAN --note TEXT
**                  [--date D]
** Money paid out of one source (buying stock, paying a service); exit 1
** when the source's balance is short. */
int cmd_fund_spend(struct cli *c)
{
	return fund_cmd(c, 1);
}

/* jifen fund reverse --village CODE --id N --reason TEXT
** Reverse fund movement N by a linked movement of the opposite amount. */
int cmd_fund_reverse(struct cli *c)
{
	struct village *v = NULL;
	int64_t id = 0;
	int rc = reverse_args(c, &v, &id);
	if (rc >= 0)
		return rc;
	errlist errs = {0};
	int64_t nid = 0;
	rc = fund_reverse(c->db, &c->actor, v, id, cli_opt(c, "--reason"), &errs, &nid);
	if (rc)
		return failed(c, rc, &errs);
	printf("已冲回第 %lld 笔资金记录（冲回记录第 %lld 笔）\n", (long long)id, (long long)nid);
	return EXIT_OK;
}

/* jifen funds --village CODE [--format csv|json]
** source,income,spent,balance: one row per source (self_raised,
** higher_level, incentive, donation), then total; yuan with two decimals.
** The JSON holds the same rows ("sources", "total") and outstanding_points,
** point_value, liability, stock_value and coverage (null without a
** liability), money as numbers with two decimals. */
int cmd_funds(struct cli *c)
{
	static const char *const known[] = {"--village=", "--format=", NULL};
	const char *fmt = cli_opt(c, "--format") ? cli_opt(c, "--format") : "csv";
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(
			c, cli_npos(c) || (strcmp(fmt, "csv") && strcmp(fmt, "json")), &v);
	if (rc)
		return rc;
	struct fund_summary s;
	if (fund_summary(c->db, v, &s))
		return cli_db_failure(c);
	char a[32], b[32], d[32], cov[32];
	if (!strcmp(fmt, "csv")) {
		printf("source,income,spent,balance\n");
		for (int i = 0; i <= FUND_SOURCES; i++) {
			const struct fund_row *r = i < FUND_SOURCES ? &s.src[i] : &s.total;
			printf("%s,%s,%s,%s\n", i < FUND_SOURCES ? fund_sources[i] : "total",
			       fen_format(a, r->income), fen_format(b, r->spent),
			       fen_format(d, r->balance));
		}
		return EXIT_OK;
	}
	printf("{\"village\":\"%s\",\n \"sources\":[", v->code);
	for (int i = 0; i < FUND_SOURCES; i++)
		printf("%s\n  {\"source\":\"%s\",\"income\":%s,\"spent\":%s,\"balance\":%s}",
		       i ? "," : "", fund_sources[i], fen_format(a, s.src[i].income),
		       fen_format(b, s.src[i].spent), fen_format(d, s.src[i].balance));
	printf("],\n \"total\":{\"income\":%s,\"spent\":%s,\"balance\":%s},\n",
	       fen_format(a, s.total.income), fen_format(b, s.total.spent),
	       fen_format(d, s.total.balance));
	printf(" \"outstanding_points\":%lld,\"point_value\":%s,\"liability\":%s,"
	       "\"stock_value\":%s,\"coverage\":%s}\n",
	       (long long)s.outstanding_points, fen_format(a, s.point_value_fen),
	       fen_format(b, s.liability_fen), fen_format(d, s.stock_value_fen),
	       s.has_coverage ? fund_coverage_text(cov, &s) : "null");
	return EXIT_OK;
}

/* jifen year-end --village CODE --year YYYY
** Apply the village's year_end rule (clear, carry, carry_cap:N) to every
** household's balance at the year's end as "yearend" ledger entries
** (month YYYY-12, dated YYYY-12-31).  Exit 1 before the year has ended or
** while a sheet of the year holds unapproved entries; a second run changes
** nothing and exits 0. */
int cmd_year_end(struct cli *c)
{
	static const char *const known[] = {"--village=", "--year=", NULL};
	int rc = usage_check(c, known, 0);
	if (rc)
		return rc;
	int64_t year = int_opt(c, "--year", 0, 1900, 2199);
	if (year <= 0 || !cli_opt(c, "--village"))
		return cli_usage(c);
	struct village *v = cli_village_or_reject(c, cli_opt(c, "--village"));
	if (!v)
		return EXIT_REJECTED;
	errlist errs = {0};
	struct yearend_result res;
	rc = yearend_run(c->db, c->a, &c->actor, v, (int)year, &errs, &res);
	if (rc)
		return failed(c, rc, &errs);
	if (res.households)
		printf("%s（%s）%lld 年终处理（%s）: %d 户，合计 %lld 分\n", v->name, v->code,
		       (long long)year, res.rule, res.households, (long long)res.points);
	else
		printf("%s（%s）%lld 年终处理（%s）: %s\n", v->name, v->code, (long long)year,
		       res.rule, res.repeated ? "已经做过，没有变化" : "没有需要调整的余额");
	return EXIT_OK;
}
