/*
** test_auth.c — unit tests of auth.c: role names, the password policy and
** hashing, and against a real database (both backends) account_add() with
** its audit record, account_disable() within a scope (ending the account's
** sessions), account_list() and sessions.
*/
#include <sodium.h>

#include "auth.h"
#include "unitfix.h"

#define PW "Passw0rd!"

/* auth-100: role names and bits round-trip; unknown names are 0. */
static void auth_100_roles(void **state)
{
	(void)state;
	static const int roles[] = {ROLE_TOWN_ADMIN, ROLE_VILLAGE_ADMIN, ROLE_SCORER,
				    ROLE_SHOPKEEPER};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(role_from_name(role_name(roles[i])), roles[i]);
		assert_true(strlen(role_label(roles[i])) > 0);
	}
	assert_int_equal(role_from_name("root"), 0);
	assert_true((ROLES_VIEW & ROLE_SHOPKEEPER) == 0);
	/* no list of every balance for the shopkeeper (issue 13) */
	assert_true((ROLES_BALANCE & ROLE_SHOPKEEPER) == 0);
	assert_true((ROLES_ADMIN & ROLE_SCORER) == 0);
}

/* auth-110: the password policy: length, two kinds of characters. */
static void auth_110_password_policy(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct security_policy p = SECURITY_POLICY_DEFAULTS;
	assert_null(password_policy_error(a, &p, PW));
	assert_non_null(password_policy_error(a, &p, "Ab1"));
	assert_non_null(password_policy_error(a, &p, "abcdefghij"));
	p.password_min_length = 12;
	assert_non_null(password_policy_error(a, &p, PW));
	arena_free(a);
}

/* auth-120: a hash verifies its password and no other. */
static void auth_120_hash(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	char h[crypto_pwhash_STRBYTES];
	assert_int_equal(password_hash(PW, h, sizeof h), 0);
	assert_true(password_verify(h, PW));
	assert_false(password_verify(h, "Passw0rd?"));
}

/* auth-200: account_add writes the account and its audit record (with the
** village's id); a weak password or a taken login writes nothing. */
static void auth_200_add_audited(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	assert_int_equal(account_add(f->d, &f->who, "v1-s", ROLE_SCORER, "V1", PW, 0, &errs), 0);
	struct audit_row *rows;
	int n;
	assert_int_equal(audit_list(f->d, f->a, f->v->id, INT64_MAX, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].action, "account.add");
	assert_string_equal(rows[0].object, "account:v1-s");
	assert_string_equal(rows[0].after, "{\"login\":\"v1-s\",\"role\":\"scorer\"}");
	int64_t audits = unitfix_int(f->d, "SELECT COUNT(*) FROM audit");
	assert_int_equal(account_add(f->d, &f->who, "v1-t", ROLE_SCORER, "V1", "weak", 0, &errs), 1);
	assert_int_equal(account_add(f->d, &f->who, "v1-s", ROLE_SCORER, "V1", PW, 0, &errs), 1);
	assert_int_equal(account_add(f->d, &f->who, "town", ROLE_TOWN_ADMIN, "V1", PW, 0, &errs), 1);
	assert_int_equal(account_add(f->d, &f->who, "v9-s", ROLE_SCORER, "V9", PW, 0, &errs), 1);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM account"), 1);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit"), audits);
	errlist_free(&errs);
}

/* auth-210: account_disable only within its scope; it ends the account's
** sessions, and a disabled account's session no longer loads. */
static void auth_210_disable_scoped(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	assert_int_equal(account_add(f->d, &f->who, "v1-s", ROLE_SCORER, "V1", PW, 0, &errs), 0);
	int64_t id = unitfix_int(f->d, "SELECT id FROM account WHERE login = 'v1-s'");
	char token[65];
	assert_int_equal(session_create(f->d, id, 0, "127.0.0.1", token), 0);
	assert_non_null(session_load(f->d, f->a, token));
	assert_int_equal(account_disable(f->d, &f->who, "v1-s", f->w->id), 1);
	assert_int_equal(account_disable(f->d, &f->who, "nobody", 0), 1);
	assert_non_null(session_load(f->d, f->a, token));
	assert_int_equal(account_disable(f->d, &f->who, "v1-s", f->v->id), 0);
	assert_null(session_load(f->d, f->a, token));
	assert_int_equal(unitfix_int(f->d, "SELECT disabled FROM account WHERE login = 'v1-s'"), 1);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'account.disable'"),
			 1);
	errlist_free(&errs);
}

/* auth-220: account_list shows a village's accounts to its scope, all to
** the town's. */
static void auth_220_list_scoped(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	assert_int_equal(account_add(f->d, &f->who, "admin", ROLE_TOWN_ADMIN, NULL, PW, 0, &errs), 0);
	assert_int_equal(account_add(f->d, &f->who, "v1-a", ROLE_VILLAGE_ADMIN, "V1", PW, 0, &errs), 0);
	assert_int_equal(account_add(f->d, &f->who, "v2-a", ROLE_VILLAGE_ADMIN, "V2", PW, 0, &errs), 0);
	struct account_row *rows;
	int n;
	assert_int_equal(account_list(f->d, f->a, 0, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(account_list(f->d, f->a, f->v->id, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].login, "v1-a");
	assert_string_equal(rows[0].village_code, "V1");
	assert_int_equal(rows[0].role, ROLE_VILLAGE_ADMIN);
	assert_int_equal(rows[0].disabled, 0);
	errlist_free(&errs);
}

#define DBCASES(setup)                                                                    \
	cmocka_unit_test_setup_teardown(auth_200_add_audited, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(auth_210_disable_scoped, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(auth_220_list_scoped, setup, unitfix_teardown)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(auth_100_roles),
		cmocka_unit_test(auth_110_password_policy),
		cmocka_unit_test(auth_120_hash),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("auth", rules, 3, on_sqlite, on_pg);
}
