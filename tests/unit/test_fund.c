/*
** test_fund.c — unit tests of fund.c against a real database (shopfix.h):
** income and spending by source, overdraw refused, reversals once and
** never overdrawing, the summary's outstanding points, liability, stock
** value and coverage — integer fen rounded half up — and the month sums.
*/
#include "shopfix.h"

#include "fund.h"
#include "village_setting.h"

static int64_t add(struct shopfix *f, const char *src, int64_t fen, const char *date)
{
	errlist errs = {0};
	int64_t id = 0;
	if (fund_add(f->d, &f->who, f->v, src, fen, date, NULL, NULL, &errs, &id))
		fail_msg("fund_add: %s %s", errs.n ? errs.msg[0] : "", db_errmsg(f->d));
	return id;
}

/* fund-100: sums by source, overdraw refused. */
static void fund_100_sources(void **state)
{
	struct shopfix *f = SF(state);
	add(f, "self_raised", 10000, "2024-03-01");
	add(f, "donation", 5050, "2024-04-02");
	errlist errs = {0};
	int64_t id;
	assert_int_equal(fund_spend(f->d, &f->who, f->v, "self_raised", 2025, "2024-05-03", "买米",
				    &errs, &id), 0);
	assert_int_equal(fund_spend(f->d, &f->who, f->v, "self_raised", 7976, NULL, "买油", &errs, &id),
			 1);
	assert_non_null(strstr(errs.msg[0], "资金不足"));
	assert_non_null(strstr(errs.msg[0], "79.75"));
	errlist_free(&errs);
	assert_int_equal(fund_spend(f->d, &f->who, f->v, "incentive", 1, NULL, "x", &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(fund_spend(f->d, &f->who, f->v, "self_raised", 1, NULL, "", &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(fund_add(f->d, &f->who, f->v, "bank", 1, NULL, NULL, NULL, &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(fund_add(f->d, &f->who, f->v, "donation", 0, NULL, NULL, NULL, &errs, &id), 1);
	errlist_free(&errs);
	struct fund_summary s;
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.src[0].income, 10000);
	assert_int_equal(s.src[0].spent, 2025);
	assert_int_equal(s.src[0].balance, 7975);
	assert_int_equal(s.src[3].balance, 5050);
	assert_int_equal(s.total.balance, 13025);
	int64_t in[12], out[12];
	assert_int_equal(fund_monthly(f->d, f->v->id, 2024, in, out), 0);
	assert_int_equal(in[2], 10000);
	assert_int_equal(in[3], 5050);
	assert_int_equal(out[4], 2025);
	shopfix_verify(f, 0);
}

/* fund-110: reversals: linked, once, refused when they would overdraw. */
static void fund_110_reverse(void **state)
{
	struct shopfix *f = SF(state);
	int64_t in = add(f, "incentive", 1000, NULL), sp, rv;
	errlist errs = {0};
	assert_int_equal(fund_spend(f->d, &f->who, f->v, "incentive", 600, NULL, "买", &errs, &sp), 0);
	assert_int_equal(fund_reverse(f->d, &f->who, f->v, in, "错", &errs, &rv), 1);
	errlist_free(&errs);
	assert_int_equal(fund_reverse(f->d, &f->who, f->v, sp, "退货", &errs, &rv), 0);
	assert_int_equal(fund_reverse(f->d, &f->who, f->v, sp, "又", &errs, &rv), 1);
	errlist_free(&errs);
	assert_int_equal(fund_reverse(f->d, &f->who, f->v, rv, "冲回冲回", &errs, &rv), 1);
	errlist_free(&errs);
	assert_int_equal(fund_reverse(f->d, &f->who, f->w, in, "别村", &errs, &rv), 1);
	errlist_free(&errs);
	assert_int_equal(fund_reverse(f->d, &f->who, f->v, in, "错", &errs, &rv), 0);
	struct fund_summary s;
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.src[2].income, 0);
	assert_int_equal(s.src[2].spent, 0);
	struct fund_move *m;
	int n;
	assert_int_equal(fund_moves(f->d, f->a, f->v->id, 10, &m, &n), 0);
	assert_int_equal(n, 4);
	shopfix_verify(f, 0);
}

/* fund-120: coverage in fen, rounded half up, none without a liability. */
static void fund_120_coverage(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);       /* 230 points outstanding */
	struct fund_summary s;
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.outstanding_points, 230);
	assert_int_equal(s.point_value_fen, 10);
	assert_int_equal(s.liability_fen, 2300);
	assert_int_equal(s.stock_value_fen, 10 * 1250 + 4500 + 300);
	/* (0 + 17300) / 2300 = 7.5217 → 7.52 */
	assert_int_equal(s.coverage_x100, 752);
	char out[32];
	assert_string_equal(fund_coverage_text(out, &s), "7.52");
	errlist errs = {0};
	/* no stock left, one point worth 0.80: liability 184.00 */
	const char *none = "code,name,kind,points,stock\nRICE,大米,goods,30,0\nOIL,食用油,goods,50,0\n"
			   "OFF,下架,goods,5,0\n";
	struct catalog_report rep = {.a = f->a};
	assert_int_equal(catalog_import(f->d, &f->who, f->v, "c.csv", none, strlen(none), 0, &rep,
					&errs), 0);
	assert_int_equal(village_setting_set(f->d, f->a, &f->who, f->v, "point_value", "0.8", &errs),
			 0);
	f->v = village_by_code(f->d, f->a, "V1");
	add(f, "donation", 2299, NULL);        /* 2299 / 18400 = 0.12494… → 0.12 */
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.liability_fen, 18400);
	assert_int_equal(s.stock_value_fen, 0);
	assert_int_equal(s.coverage_x100, 12);
	add(f, "donation", 1, NULL);           /* 2300 / 18400 = 0.125 exactly → 0.13 */
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.coverage_x100, 13);
	add(f, "self_raised", 18400 - 2300 - 1, NULL); /* 18399 / 18400 → 1.00, yet below 1 */
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_int_equal(s.coverage_x100, 100);
	assert_true(s.below_one);
	add(f, "self_raised", 1, NULL);
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_false(s.below_one);
	assert_int_equal(village_setting_set(f->d, f->a, &f->who, f->v, "point_value", "0", &errs), 0);
	f->v = village_by_code(f->d, f->a, "V1");
	assert_int_equal(fund_summary(f->d, f->v, &s), 0);
	assert_false(s.has_coverage);
	assert_string_equal(fund_coverage_text(out, &s), "");
}

#define CASES(setup)                                    \
	SHOPFIX_CASE(fund_100_sources, setup),          \
	SHOPFIX_CASE(fund_110_reverse, setup),          \
	SHOPFIX_CASE(fund_120_coverage, setup)

int main(void)
{
	const struct CMUnitTest lite[] = {CASES(shopfix_setup_sqlite)};
	const struct CMUnitTest pg[] = {CASES(shopfix_setup_pg)};
	return shopfix_run("fund", lite, sizeof lite / sizeof *lite, pg, sizeof pg / sizeof *pg);
}
