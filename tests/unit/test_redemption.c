/*
** test_redemption.c — unit tests of redemption.c against a real database
** (shopfix.h): reserve holds points and stock at once, handout posts the
** "redemption" entry and the stock movement, cancel and expiry give both
** back, one-step redeem, every refusal reason, reversal by a linked entry,
** the veto year only, and the window.
*/
#include "shopfix.h"

#include "redemption.h"
#include "village_setting.h"

/* redeem as tester; returns the area's result. */
static int redeem(struct shopfix *f, const char *hh, const char *item, int64_t qty,
		  const char *date, errlist *errs, struct redemption **x, int64_t *bal)
{
	int rc = redemption_redeem(f->d, f->a, &f->who, f->v, shopfix_hid(f, hh), item, qty, date,
				   NULL, errs, x, bal);
	if (rc < 0)
		fail_msg("redeem: %s", db_errmsg(f->d));
	return rc;
}

/* redeem that must be refused with a message containing want. */
static void refused(struct shopfix *f, const char *hh, const char *item, int64_t qty,
		    const char *date, const char *want)
{
	errlist errs = {0};
	struct redemption *x;
	int64_t bal;
	int rc = redeem(f, hh, item, qty, date, &errs, &x, &bal);
	int found = 0;
	for (int i = 0; i < errs.n; i++)
		found |= strstr(errs.msg[i], want) != NULL;
	if (rc != 1 || !found)
		fail_msg("%s %s: rc %d, %s; want %s", hh, item, rc, errs.n ? errs.msg[0] : "-", want);
	errlist_free(&errs);
}

/* redemption-100: reserve holds, handout posts, the balance and stock. */
static void redemption_100_two_phase(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	errlist errs = {0};
	struct redemption *x;
	assert_int_equal(redemption_reserve(f->d, f->a, &f->who, f->v, shopfix_hid(f, "H1"), "RICE",
					    3, &errs, &x), 0);
	struct shop_account acc;
	assert_int_equal(redemption_account(f->d, f->v->id, shopfix_hid(f, "H1"), &acc), 0);
	assert_int_equal(acc.balance, 100);
	assert_int_equal(acc.held, 90);
	assert_int_equal(acc.available, 10);
	assert_int_equal(catalog_available(shopfix_item(f, "RICE")), 7);
	assert_int_equal(shopfix_item(f, "RICE")->stock, 10);
	/* the points are held: another reservation is short by 20 */
	struct redemption *y;
	assert_int_equal(redemption_reserve(f->d, f->a, &f->who, f->v, shopfix_hid(f, "H1"), "RICE",
					    1, &errs, &y), 1);
	assert_non_null(strstr(errs.msg[0], "还差 20 分"));
	errlist_free(&errs);
	int64_t bal;
	struct redemption *done;
	assert_int_equal(redemption_handout(f->d, f->a, &f->who, f->v, x->id, "2024-07-01", "王五",
					    &errs, &done, &bal), 0);
	assert_int_equal(bal, 10);
	assert_int_equal(shopfix_balance(f, "H1"), 10);
	assert_int_equal(shopfix_item(f, "RICE")->stock, 7);
	assert_int_equal(shopfix_item(f, "RICE")->held, 0);
	struct ledger_entry *e;
	assert_int_equal(ledger_entry_get(f->d, f->a, f->v->id, done->ledger_entry_id, &e), 0);
	assert_string_equal(ledger_kind_word(e->kind), "redemption");
	assert_int_equal(e->points, -90);
	assert_int_equal(e->quantity, 3);
	assert_string_equal(e->month, "2024-07");
	assert_string_equal(done->delivered_by, "王五");
	/* handed out once only */
	assert_int_equal(redemption_handout(f->d, f->a, &f->who, f->v, x->id, NULL, NULL, &errs,
					    &done, &bal), 1);
	errlist_free(&errs);
	shopfix_verify(f, 0);
}

/* redemption-110: cancel and expiry give the hold back. */
static void redemption_110_cancel_expire(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	errlist errs = {0};
	struct redemption *x, *y;
	int64_t h1 = shopfix_hid(f, "H1");
	assert_int_equal(redemption_reserve(f->d, f->a, &f->who, f->v, h1, "OIL", 1, &errs, &x), 0);
	assert_int_equal(catalog_available(shopfix_item(f, "OIL")), 0);
	assert_int_equal(redemption_reserve(f->d, f->a, &f->who, f->v, shopfix_hid(f, "H3"), "OIL", 1,
					    &errs, &y), 1);
	assert_non_null(strstr(errs.msg[0], "库存不足"));
	errlist_free(&errs);
	/* another household cannot cancel it as its own */
	assert_int_equal(redemption_cancel(f->d, f->a, &f->who, f->v, x->id, shopfix_hid(f, "H3"),
					   &errs), 1);
	errlist_free(&errs);
	assert_int_equal(redemption_cancel(f->d, f->a, &f->who, f->v, x->id, h1, &errs), 0);
	assert_int_equal(catalog_available(shopfix_item(f, "OIL")), 1);
	/* expiry */
	assert_int_equal(redemption_reserve(f->d, f->a, &f->who, f->v, h1, "OIL", 1, &errs, &y), 0);
	db_stmt *s = db_prepare(f->d, "UPDATE redemption SET expires_at = 1 WHERE id = $id");
	assert_non_null(s);
	db_bind_int(s, "$id", y->id);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(catalog_available(shopfix_item(f, "OIL")), 1);
	struct shop_account acc;
	assert_int_equal(redemption_account(f->d, f->v->id, h1, &acc), 0);
	assert_int_equal(acc.held, 0);
	int64_t bal;
	struct redemption *done;
	assert_int_equal(redemption_handout(f->d, f->a, &f->who, f->v, y->id, NULL, NULL, &errs,
					    &done, &bal), 1);
	assert_non_null(strstr(errs.msg[0], "过期"));
	errlist_free(&errs);
	assert_int_equal(redemption_expire_due(f->d, f->v->id), 0);
	assert_int_equal(redemption_get(f->d, f->a, f->v->id, y->id, &done), 0);
	assert_string_equal(done->status, "expired");
	shopfix_verify(f, 0);
}

/* redemption-120: every refusal reason of a redeem, nothing written. */
static void redemption_120_refusals(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	refused(f, "H4", "HAIR", 1, NULL, "没有参与");
	refused(f, "H2", "RICE", 2, NULL, "还差 30 分");
	refused(f, "H1", "OIL", 2, NULL, "只剩 1 件");
	refused(f, "H1", "OFF", 1, NULL, "已下架");
	refused(f, "H1", "NONE", 1, NULL, "NONE");
	refused(f, "H1", "HAIR", 0, NULL, "数量");
	refused(f, "H1", "HAIR", 1, "2024-13-01", "日期");
	errlist errs = {0};
	assert_int_equal(village_setting_set(f->d, f->a, &f->who, f->v, "redemption_window",
					     "12-01..01-31", &errs), 0);
	f->v = village_by_code(f->d, f->a, "V1");
	refused(f, "H1", "HAIR", 1, "2024-11-30", "12-01..01-31");
	struct redemption *x;
	int64_t bal;
	assert_int_equal(redeem(f, "H1", "HAIR", 1, "2025-01-31", &errs, &x, &bal), 0);
	assert_int_equal(bal, 90);
	/* another village's household is not one of V1's */
	int64_t before = shopfix_balance(f, "H1");
	assert_int_equal(before, 90);
	shopfix_verify(f, 0);
}

/* redemption-130: a veto mark refuses its year only, naming item and month. */
static void redemption_130_veto(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	shopfix_score(f, f->v, "2024-07",
		      "household,item,quantity,date,note\nH1,ZF03,1,2024-07-03,参与赌博\n");
	refused(f, "H1", "HAIR", 1, "2024-08-01", "2024-07");
	refused(f, "H1", "HAIR", 1, "2024-08-01", "ZF03");
	errlist errs = {0};
	struct redemption *x;
	int64_t bal;
	assert_int_equal(redeem(f, "H1", "HAIR", 1, "2025-02-01", &errs, &x, &bal), 0);
	assert_int_equal(bal, 100 - 30 - 10);
	assert_int_equal(redeem(f, "H3", "HAIR", 1, "2024-08-01", &errs, &x, &bal), 0);
}

/* redemption-140: reversal by a linked entry, points and stock back, once. */
static void redemption_140_reverse(void **state)
{
	struct shopfix *f = SF(state);
	shopfix_points(f);
	errlist errs = {0};
	struct redemption *x, *r;
	int64_t bal;
	assert_int_equal(redeem(f, "H1", "RICE", 2, "2024-07-02", &errs, &x, &bal), 0);
	assert_int_equal(redemption_reverse(f->d, f->a, &f->who, f->v, x->id, "", &errs, &r), 1);
	errlist_free(&errs);
	assert_int_equal(redemption_reverse(f->d, f->a, &f->who, f->v, x->id, "发错了", &errs, &r), 0);
	assert_int_equal(shopfix_balance(f, "H1"), 100);
	assert_int_equal(shopfix_item(f, "RICE")->stock, 10);
	struct ledger_entry *e;
	assert_int_equal(ledger_entry_get(f->d, f->a, f->v->id, r->reversal_entry_id, &e), 0);
	assert_int_equal(e->points, 60);
	assert_int_equal(e->correction_of, x->ledger_entry_id);
	assert_string_equal(e->reason, "发错了");
	assert_int_equal(redemption_reverse(f->d, f->a, &f->who, f->v, x->id, "再来", &errs, &r), 1);
	errlist_free(&errs);
	/* another village cannot see it */
	assert_int_equal(redemption_reverse(f->d, f->a, &f->who, f->w, x->id, "x", &errs, &r), 1);
	errlist_free(&errs);
	shopfix_verify(f, 0);
}

/* redemption-150: the status words, expired before the sweep. */
static void redemption_150_labels(void **state)
{
	(void)state;
	struct redemption x = {.status = "reserved", .expires_at = 100};
	assert_string_equal(redemption_status_label(&x, 50), "已预约");
	assert_string_equal(redemption_status_label(&x, 100), "已过期");
	x.status = "handed_out";
	assert_string_equal(redemption_status_label(&x, 50), "已兑换");
	x.status = "reversed";
	assert_string_equal(redemption_status_label(&x, 50), "已冲回");
}

#define CASES(setup)                                                \
	SHOPFIX_CASE(redemption_100_two_phase, setup),              \
	SHOPFIX_CASE(redemption_110_cancel_expire, setup),          \
	SHOPFIX_CASE(redemption_120_refusals, setup),               \
	SHOPFIX_CASE(redemption_130_veto, setup),                   \
	SHOPFIX_CASE(redemption_140_reverse, setup),                \
	cmocka_unit_test(redemption_150_labels)

int main(void)
{
	const struct CMUnitTest lite[] = {CASES(shopfix_setup_sqlite)};
	const struct CMUnitTest pg[] = {CASES(shopfix_setup_pg)};
	return shopfix_run("redemption", lite, sizeof lite / sizeof *lite, pg, sizeof pg / sizeof *pg);
}
