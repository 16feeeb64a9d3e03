/*
** test_village.c — unit tests of village.c: the village code rule, and
** against a real database (both backends) village_add() with its own
** transaction and audit record, its refusals writing nothing, the settings
** checks and the participation figures.
*/
#include "unitfix.h"

/* village-100: codes are 1–32 letters, digits, _ or -. */
static void village_100_code_valid(void **state)
{
	(void)state;
	assert_true(village_code_valid("zhangma"));
	assert_true(village_code_valid("V1_a-2"));
	assert_false(village_code_valid(""));
	assert_false(village_code_valid(NULL));
	assert_false(village_code_valid("张马"));
	assert_false(village_code_valid("a b"));
	assert_false(village_code_valid("123456789012345678901234567890123"));
}

/* village-200: village_add writes the village and its audit record, the
** name escaped in the record's JSON. */
static void village_200_add_audited(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	int64_t id = 0;
	assert_int_equal(village_add(f->d, &f->who, "V3", "三\"村", &errs, &id), 0);
	struct village *v = village_by_code(f->d, f->a, "V3");
	assert_non_null(v);
	assert_int_equal(v->id, id);
	assert_string_equal(v->name, "三\"村");
	struct audit_row *rows;
	int n;
	assert_int_equal(audit_list(f->d, f->a, id, INT64_MAX, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].action, "village.add");
	assert_string_equal(rows[0].login, "cli");
	assert_string_equal(rows[0].after, "{\"code\":\"V3\",\"name\":\"三\\\"村\"}");
	errlist_free(&errs);
}

/* village-210: a bad code, an empty name or a taken code is refused with a
** message and writes neither a village nor an audit record. */
static void village_210_refusals(void **state)
{
	struct unitfix *f = UF(state);
	int64_t id, audits = unitfix_int(f->d, "SELECT COUNT(*) FROM audit");
	static const char *const bad[][2] = {{"a b", "名"}, {"V4", ""}, {"V1", "重复村"}};
	for (int i = 0; i < 3; i++) {
		errlist errs = {0};
		assert_int_equal(village_add(f->d, &f->who, bad[i][0], bad[i][1], &errs, &id), 1);
		assert_true(errs.n >= 1);
		errlist_free(&errs);
	}
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM village"), 2);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit"), audits);
}

/* village-220: settings are checked; valid ones are stored. */
static void village_220_settings(void **state)
{
	struct unitfix *f = UF(state);
	struct village nv = *f->v;
	errlist errs = {0};
	nv.objection_days = 0;
	enum yearend_rule never;
	assert_int_equal(yearend_rule_of("never", &never), -1);
	nv.yearend_rule = (enum yearend_rule)YEAREND_RULES; /* what no word names */
	nv.yearend_cap = -1;
	assert_int_equal(village_update_settings(f->d, &nv, &errs), 1);
	assert_int_equal(errs.n, 3);
	errlist_free(&errs);
	nv.objection_days = 10;
	assert_int_equal(yearend_rule_of("carry_cap", &nv.yearend_rule), 0);
	nv.yearend_cap = 50;
	nv.admits_tenants = 1;
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(village_update_settings(f->d, &nv, &errs), 0);
	assert_int_equal(db_commit(f->d), 0);
	struct village *v = village_by_code(f->d, f->a, "V1");
	assert_int_equal(v->objection_days, 10);
	assert_string_equal(yearend_rule_word(v->yearend_rule), "carry_cap");
	assert_int_equal(v->yearend_cap, 50);
	assert_int_equal(v->admits_tenants, 1);
}

/* village-230: the figures of a village without households are zero. */
static void village_230_stats_empty(void **state)
{
	struct unitfix *f = UF(state);
	struct village_stats st;
	memset(&st, 0xff, sizeof st);
	assert_int_equal(village_stats(f->d, f->v->id, &st), 0);
	assert_int_equal(st.households, 0);
	assert_int_equal(st.eligible, 0);
	assert_int_equal(st.participating, 0);
}

#define DBCASES(setup)                                                                    \
	cmocka_unit_test_setup_teardown(village_200_add_audited, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(village_210_refusals, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(village_220_settings, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(village_230_stats_empty, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(village_100_code_valid)};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("village", rules, 1, on_sqlite, on_pg);
}
