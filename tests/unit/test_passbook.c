/*
** test_passbook.c — unit tests of passbook.c: the shape of card tokens and
** of the Host a card's URL is built from, and against a real database
** (both backends) a household's PIN and card token: issued, resolved,
** revoked, and the way in gone once revoked.
*/
#include "household.h"
#include "passbook.h"
#include "unitfix.h"

/* passbook-100: a card token is exactly 64 lower-case hex. */
static void passbook_100_token_shape(void **state)
{
	(void)state;
	char ok[65];
	memset(ok, 'a', 64);
	ok[64] = 0;
	assert_true(passbook_token_valid(ok));
	ok[10] = 'A';
	assert_false(passbook_token_valid(ok));
	ok[10] = 'a';
	ok[63] = 0;
	assert_false(passbook_token_valid(ok));
	assert_false(passbook_token_valid(""));
	assert_false(passbook_token_valid(NULL));
}

/* passbook-110: a card's Host is a name or address with an optional port,
** nothing that could end the URL early. */
static void passbook_110_host(void **state)
{
	(void)state;
	assert_true(passbook_host_valid("jifen.example"));
	assert_true(passbook_host_valid("127.0.0.1:8080"));
	assert_false(passbook_host_valid("evil.example/x"));
	assert_false(passbook_host_valid("a b"));
	assert_false(passbook_host_valid("\"><script>"));
}

/* Household 001 of V1, through the import; its id. */
static int64_t one_household(struct unitfix *f)
{
	static const char csv[] = "code,head_name,hukou,homestead,resident,joined\n"
				  "001,张三,是,是,是,2024-01-01\n";
	struct import_report rep = {0};
	errlist errs = {0};
	int rc = household_import(f->d, &f->who, f->v, "h.csv", csv, strlen(csv), 0, &rep, &errs);
	import_report_free(&rep);
	errlist_free(&errs);
	return rc ? -1 : unitfix_int(f->d, "SELECT id FROM household WHERE code = '001'");
}

/* passbook-200: a token opens its household until revoked; a new token
** revokes the old one; another village's household is refused. */
static void passbook_200_token_lifecycle(void **state)
{
	struct unitfix *f = UF(state);
	int64_t hid = one_household(f);
	assert_true(hid > 0);
	char t1[65], t2[65], pin[PASSBOOK_PIN_DIGITS + 1];
	errlist errs = {0};
	assert_int_equal(passbook_token_issue(f->d, &f->who, f->v, hid, t1, pin, &errs), 0);
	assert_true(passbook_token_valid(t1));
	assert_int_equal(strlen(pin), PASSBOOK_PIN_DIGITS);
	int64_t vid, h;
	assert_int_equal(passbook_token_resolve(f->d, t1, &vid, &h), 0);
	assert_int_equal(vid, f->v->id);
	assert_int_equal(h, hid);
	assert_int_equal(passbook_token_issue(f->d, &f->who, f->v, hid, t2, NULL, &errs), 0);
	assert_int_equal(passbook_token_resolve(f->d, t1, &vid, &h), 1);
	assert_int_equal(passbook_token_resolve(f->d, t2, &vid, &h), 0);
	int64_t revoked = 0;
	assert_int_equal(passbook_token_revoke(f->d, &f->who, f->v, hid, &revoked, &errs), 0);
	assert_int_equal(revoked, 1);
	assert_int_equal(passbook_token_resolve(f->d, t2, &vid, &h), 1);
	assert_int_equal(passbook_token_issue(f->d, &f->who, f->w, hid, t1, NULL, &errs), 1);
	errlist_free(&errs);
}

/* passbook-210: the card page's facts follow the PIN and the tokens. */
static void passbook_210_access(void **state)
{
	struct unitfix *f = UF(state);
	int64_t hid = one_household(f);
	struct passbook_access acc;
	assert_int_equal(passbook_access_get(f->d, f->v->id, hid, &acc), 0);
	assert_int_equal(acc.pin_set_at, 0);
	assert_int_equal(acc.live_tokens, 0);
	char pin[PASSBOOK_PIN_DIGITS + 1];
	errlist errs = {0};
	assert_int_equal(passbook_pin_reset(f->d, &f->who, f->v, hid, pin, &errs), 0);
	assert_int_equal(passbook_access_get(f->d, f->v->id, hid, &acc), 0);
	assert_true(acc.pin_set_at > 0);
	assert_int_equal(passbook_access_get(f->d, f->w->id, hid, &acc), 1);
	errlist_free(&errs);
}

#define DBCASES(setup)                                                                        \
	cmocka_unit_test_setup_teardown(passbook_200_token_lifecycle, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(passbook_210_access, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(passbook_100_token_shape),
		cmocka_unit_test(passbook_110_host),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("passbook", rules, 2, on_sqlite, on_pg);
}
