/*
** test_yearend.c — unit tests of yearend.c against a real database
** (shopfix.h): clear, carry and carry_cap:N as "yearend" entries of month
** YYYY-12 dated YYYY-12-31, a second run posting nothing, the refusals
** (the year not over, a sheet of the year with unapproved entries), and
** entries of the next year left out of the year-end balance.
*/
#include "shopfix.h"

#include "redemption.h"
#include "village_setting.h"
#include "yearend.h"

static void set_rule(struct shopfix *f, const char *rule)
{
	errlist errs = {0};
	if (village_setting_set(f->d, f->a, &f->who, f->v, "year_end", rule, &errs))
		fail_msg("year_end %s: %s", rule, errs.n ? errs.msg[0] : db_errmsg(f->d));
	f->v = village_by_code(f->d, f->a, "V1");
}

static int run(struct shopfix *f, int year, struct yearend_result *res, errlist *errs)
{
	int rc = yearend_run(f->d, f->a, &f->who, f->v, year, errs, res);
	if (rc < 0)
		fail_msg("yearend: %s", db_errmsg(f->d));
	return rc;
}

/* The number of yearend entries of V1. */
static int64_t yearend_entries(struct shopfix *f)
{
	db_stmt *s = db_prepare(f->d, "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'yearend'"
				      " AND month = '2024-12' AND date = '2024-12-31'");
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_column_int(s, 0);
	db_reset(s);
	return n;
}

/* yearend-100: carry_cap:50 — only H1 (100) and H3 (100) go down to 50. */
static void yearend_100_cap(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	set_rule(f, "carry_cap:50");
	struct yearend_result res;
	errlist errs = {0};
	assert_int_equal(run(f, 2024, &res, &errs), 0);
	assert_int_equal(res.households, 2);
	assert_int_equal(res.points, -100);
	assert_string_equal(res.rule, "carry_cap:50");
	assert_int_equal(shopfix_balance(f, "H1"), 50);
	assert_int_equal(shopfix_balance(f, "H2"), 30);
	assert_int_equal(yearend_entries(f), 2);
	assert_int_equal(run(f, 2024, &res, &errs), 0);
	assert_int_equal(res.households, 0);
	assert_true(res.repeated);
	assert_int_equal(yearend_entries(f), 2);
	int64_t at;
	const char *by;
	assert_int_equal(yearend_get(f->d, f->a, f->v->id, 2024, &res, &at, &by), 0);
	assert_int_equal(res.points, -100);
	shopfix_verify(f, 0);
}

/* yearend-110: clear keeps a deduction; next year's entries stay out. */
static void yearend_110_clear(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	shopfix_score(f, f->v, "2024-07",
		      "household,item,quantity,date,note\nH2,ZF02,2,2024-07-03,赌博\n"); /* H2: -10 */
	errlist errs = {0};
	struct redemption *x;
	int64_t bal;
	assert_int_equal(redemption_redeem(f->d, f->a, &f->who, f->v, shopfix_hid(f, "H1"), "HAIR", 1,
					   "2025-01-05", NULL, &errs, &x, &bal), 0);
	set_rule(f, "clear");
	struct yearend_result res;
	assert_int_equal(run(f, 2024, &res, &errs), 0);
	assert_int_equal(res.households, 2);       /* H1 -100, H3 -100 */
	assert_int_equal(shopfix_balance(f, "H1"), -10);
	assert_int_equal(shopfix_balance(f, "H2"), -10);
	assert_int_equal(shopfix_balance(f, "H3"), 0);
	assert_int_equal(run(f, 2024, &res, &errs), 0);
	assert_int_equal(res.households, 0);
	shopfix_verify(f, 0);
}

/* yearend-120: carry posts nothing; the refusals. */
static void yearend_120_carry_and_refusals(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	struct yearend_result res;
	errlist errs = {0};
	char today[11];
	date_today(today);
	assert_int_equal(run(f, atoi(today), &res, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "还没有结束"));
	errlist_free(&errs);
	struct entry_import_report rep;
	const char *csv = "household,item,quantity,date\nH1,HJ05,1,2024-09-03\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-09", "e.csv", csv, strlen(csv),
					      0, &rep, &errs), 0);
	set_rule(f, "clear");
	assert_int_equal(run(f, 2024, &res, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "2024-09"));
	errlist_free(&errs);
	assert_int_equal(yearend_entries(f), 0);
	set_rule(f, "carry");
	/* 2023: the open sheet of 2024 does not hold it back; carry posts nothing */
	assert_int_equal(run(f, 2023, &res, &errs), 0);
	assert_int_equal(res.households, 0);
	assert_int_equal(yearend_entries(f), 0);
}

#define CASES(setup)                                          \
	SHOPFIX_CASE(yearend_100_cap, setup),                 \
	SHOPFIX_CASE(yearend_110_clear, setup),               \
	SHOPFIX_CASE(yearend_120_carry_and_refusals, setup)

int main(void)
{
	const struct CMUnitTest lite[] = {CASES(shopfix_setup_sqlite)};
	const struct CMUnitTest pg[] = {CASES(shopfix_setup_pg)};
	return shopfix_run("yearend", lite, sizeof lite / sizeof *lite, pg, sizeof pg / sizeof *pg);
}
