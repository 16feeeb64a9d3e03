/*
** test_village_setting.c — unit tests of village_setting.c: every key's
** accepted and refused values (numbered cases, one expectation each), the
** redemption window across the new year, star thresholds, and — on a real
** database — set/show round trips with the audit record.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "testdb.h"
#include "village_setting.h"

/* setting-100: each (key, value) is accepted or refused, and shows back. */
static void setting_100_parse(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
		int ok;
		const char *shown; /* NULL: as given */
	} cases[] = {
		{"admits_tenants", "yes", 1, NULL},  {"admits_tenants", "是", 1, "yes"},
		{"admits_tenants", "0", 1, "no"},     {"admits_tenants", "maybe", 0, NULL},
		{"objection_days", "1", 1, NULL},     {"objection_days", "60", 1, NULL},
		{"objection_days", "0", 0, NULL},     {"objection_days", "61", 0, NULL},
		{"objection_days", "7.5", 0, NULL},   {"objection_days", "+7", 0, NULL},
		{"redemption_window", "always", 1, NULL},
		{"redemption_window", "12-01..01-31", 1, NULL},
		{"redemption_window", "02-29..03-01", 1, NULL},
		{"redemption_window", "02-30..03-01", 0, NULL},
		{"redemption_window", "13-01..01-31", 0, NULL},
		{"redemption_window", "12-01-01-31", 0, NULL},
		{"redemption_window", "1-1..2-2", 0, NULL},
		{"year_end", "clear", 1, NULL},       {"year_end", "carry", 1, NULL},
		{"year_end", "carry_cap:0", 1, NULL}, {"year_end", "carry_cap:100", 1, NULL},
		{"year_end", "carry_cap:", 0, NULL},  {"year_end", "carry_cap:-1", 0, NULL},
		{"year_end", "carry_cap", 0, NULL},   {"year_end", "keep", 0, NULL},
		{"point_value", "0.10", 1, NULL},     {"point_value", "1", 1, "1.00"},
		{"point_value", "0.5", 1, "0.50"},    {"point_value", "0.123", 0, NULL},
		{"point_value", "-1", 0, NULL},       {"point_value", "1e1", 0, NULL},
		{"stars", "none", 1, NULL},           {"stars", "60,80,100,120,150", 1, NULL},
		{"stars", "80,60", 0, NULL},          {"stars", "60,60", 0, NULL},
		{"stars", "60,", 0, NULL},            {"stars", "0", 0, NULL},
		{"reservation_hours", "1", 1, NULL},  {"reservation_hours", "720", 1, NULL},
		{"reservation_hours", "0", 0, NULL},  {"reservation_hours", "721", 0, NULL},
		{"supervision_phone", "", 1, NULL},   {"supervision_phone", "021-59240000", 1, NULL},
		{"supervision_phone", "12", 0, NULL}, {"supervision_phone", "abcdefg", 0, NULL},
		{"colour", "red", 0, NULL},
	};
	arena *a = arena_new();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct village v = {.yearend_rule = YEAREND_CARRY, .redemption_window = "always",
				    .stars = "none", .supervision_phone = "", .objection_days = 7,
				    .point_value_fen = 10, .reservation_hours = 48};
		errlist errs = {0};
		int rc = village_setting_parse(a, &v, cases[i].key, cases[i].value, &errs);
		if (rc != !cases[i].ok)
			fail_msg("setting-100.%zu %s=%s: rc %d", i, cases[i].key, cases[i].value, rc);
		if (!cases[i].ok) {
			/* the message names the key */
			if (errs.n != 1 || !strstr(errs.msg[0], cases[i].key))
				fail_msg("setting-100.%zu: %s", i, errs.n ? errs.msg[0] : "-");
		} else {
			int k = 0;
			while (strcmp(village_setting_keys[k], cases[i].key))
				k++;
			assert_string_equal(village_setting_value(a, &v, k),
					    cases[i].shown ? cases[i].shown : cases[i].value);
		}
		errlist_free(&errs);
	}
	arena_free(a);
}

/* setting-110: the window, also across the new year. */
static void setting_110_window(void **state)
{
	(void)state;
	assert_true(redemption_window_contains("always", "2024-06-01"));
	assert_true(redemption_window_contains("03-01..03-31", "2024-03-01"));
	assert_true(redemption_window_contains("03-01..03-31", "2024-03-31"));
	assert_false(redemption_window_contains("03-01..03-31", "2024-04-01"));
	assert_true(redemption_window_contains("12-01..01-31", "2024-12-31"));
	assert_true(redemption_window_contains("12-01..01-31", "2025-01-01"));
	assert_false(redemption_window_contains("12-01..01-31", "2025-02-01"));
	assert_false(redemption_window_contains("12-01..01-31", "2024-11-30"));
	int64_t th[10];
	assert_int_equal(stars_parse("60,80,100", th, 10), 3);
	assert_int_equal(th[2], 100);
	assert_int_equal(stars_parse("none", th, 10), 0);
	assert_int_equal(stars_parse("1,2,3,4,5,6,7,8,9,10,11", th, 10), -1);
}

/* setting-120: set and show on a real database, audited, on each backend. */
static void set_show(int pg)
{
	struct testdb t = {.pg = pg};
	if (testdb_open_migrated(&t, "setting"))
		fail_msg("database");
	arena *a = arena_new();
	errlist errs = {0};
	int64_t id;
	assert_int_equal(village_insert(t.d, "V1", "一村", &errs, &id), 0);
	struct village *v = village_by_code(t.d, a, "V1");
	assert_string_equal(village_setting_value(a, v, 2), "always");
	assert_string_equal(village_setting_value(a, v, 3), "carry");
	assert_string_equal(village_setting_value(a, v, 4), "0.10");
	assert_string_equal(village_setting_value(a, v, 6), "48");
	struct actor who = {0, "tester", ""};
	assert_int_equal(village_setting_set(t.d, a, &who, v, "year_end", "carry_cap:80", &errs), 0);
	v = village_by_code(t.d, a, "V1");
	assert_int_equal(village_setting_set(t.d, a, &who, v, "point_value", "0.25", &errs), 0);
	assert_int_equal(village_setting_set(t.d, a, &who, v, "objection_days", "99", &errs), 1);
	errlist_free(&errs);
	v = village_by_code(t.d, a, "V1");
	assert_string_equal(village_setting_value(a, v, 3), "carry_cap:80");
	assert_int_equal(v->point_value_fen, 25);
	db_stmt *s = db_prepare(t.d, "SELECT COUNT(*) FROM audit WHERE action = 'village.settings'");
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 2);
	db_reset(s);
	arena_free(a);
	assert_int_equal(testdb_close(&t), 0);
}

static void setting_120_set_show(void **state)
{
	(void)state;
	set_show(0);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		set_show(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setting_100_parse),
		cmocka_unit_test(setting_110_window),
		cmocka_unit_test(setting_120_set_show),
	};
	return cmocka_run_group_tests_name("village_setting", tests, NULL, NULL);
}
