/*
** test_shop_verify.c — unit tests of shop_verify.c (through ledger_verify,
** which calls it): an intact shop passes; a stored stock, a fund balance,
** a redemption's quantity or its ledger link that does not add up is named.
*/
#include "shopfix.h"

#include "fund.h"
#include "redemption.h"

/* Run literal SQL that must succeed. */
static void exec_ok(struct shopfix *f, const char *sql)
{
	if (db_exec(f->d, sql))
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

/* verify must fail with a first message containing want. */
static void verify_names(struct shopfix *f, const char *want)
{
	errlist errs = {0};
	int rc = ledger_verify(f->d, f->a, f->v->id, &errs, NULL);
	if (rc != 1 || !errs.n || !strstr(errs.msg[0], want))
		fail_msg("verify %d: %s, want %s", rc, errs.n ? errs.msg[0] : "-", want);
	errlist_free(&errs);
}

static void setup_shop(struct shopfix *f)
{
	shopfix_points(f);
	errlist errs = {0};
	struct redemption *x;
	int64_t bal, id;
	assert_int_equal(redemption_redeem(f->d, f->a, &f->who, f->v, shopfix_hid(f, "H1"), "RICE", 2,
					   NULL, NULL, &errs, &x, &bal), 0);
	assert_int_equal(fund_add(f->d, &f->who, f->v, "donation", 500, NULL, "张三", NULL, &errs, &id),
			 0);
	shopfix_verify(f, 0);
}

static void shop_verify_100_stock(void **state)
{
	struct shopfix *f = SF(state);
	setup_shop(f);
	exec_ok(f, "UPDATE shop_item SET stock = stock + 1 WHERE code = 'RICE'");
	verify_names(f, "RICE");
}

static void shop_verify_110_funds(void **state)
{
	struct shopfix *f = SF(state);
	setup_shop(f);
	exec_ok(f, "UPDATE fund_balance SET spent_fen = 1");
	verify_names(f, "donation");
}

static void shop_verify_120_redemption(void **state)
{
	struct shopfix *f = SF(state);
	setup_shop(f);
	exec_ok(f, "UPDATE redemption SET points = 30");
	verify_names(f, "兑换单");
	exec_ok(f, "UPDATE redemption SET points = 60, ledger_entry_id = 1");
	verify_names(f, "兑换单");
	exec_ok(f, "UPDATE redemption SET ledger_entry_id = (SELECT MAX(id) FROM ledger_entry)");
	shopfix_verify(f, 0);
	exec_ok(f, "UPDATE redemption SET status = 'reversed'");
	verify_names(f, "冲回");
}

#define CASES(setup)                                      \
	SHOPFIX_CASE(shop_verify_100_stock, setup),       \
	SHOPFIX_CASE(shop_verify_110_funds, setup),       \
	SHOPFIX_CASE(shop_verify_120_redemption, setup)

int main(void)
{
	const struct CMUnitTest lite[] = {CASES(shopfix_setup_sqlite)};
	const struct CMUnitTest pg[] = {CASES(shopfix_setup_pg)};
	return shopfix_run("shop_verify", lite, sizeof lite / sizeof *lite, pg, sizeof pg / sizeof *pg);
}
