/*
** test_pin_budget.c — unit tests of src/pin_budget.c: the village-wide
** budget of failed household PIN logins.  Failures are the login_attempt
** rows of "VILLAGE/HOUSEHOLD" logins; once the village's
** pin_failures_per_hour fall within an hour, PIN logins pause for an hour
** from the last one.  Only that village's household logins count: not its
** staff's, not successes, not another village whose code starts the same,
** not failures older than an hour.  On both backends (the prefix range
** must hold under PostgreSQL's text ordering too).
*/
#include "unitfix.h"

#include "pin_budget.h"

/* A login_attempt row at `ago` seconds before now. */
static void attempt(db *d, const char *login, int ok, int64_t ago)
{
	db_stmt *s = db_prepare(d, "INSERT INTO login_attempt(login, ip, at, ok)"
				   " VALUES($l, '192.0.2.1', $at, $ok)");
	assert_non_null(s);
	assert_int_equal(db_bind_text(s, "$l", login), 0);
	assert_int_equal(db_bind_int(s, "$at", now_unix() - ago), 0);
	assert_int_equal(db_bind_int(s, "$ok", ok), 0);
	assert_int_equal(db_step(s), DB_DONE);
}

static void set_budget(db *d, const char *code, int n)
{
	db_stmt *s = db_prepare(d, "UPDATE village SET pin_failures_per_hour = $n WHERE code = $c");
	assert_non_null(s);
	db_bind_int(s, "$n", n);
	db_bind_text(s, "$c", code);
	assert_int_equal(db_step(s), DB_DONE);
}

/* pin_budget-100: the default budget of 20; 19 failures do not pause,
** the 20th does, for an hour from the last failure. */
static void pin_budget_100_default(void **state)
{
	struct unitfix *f = UF(state);
	int64_t n = -1;
	assert_int_equal(pin_budget_wait(f->d, "V1", &n), 0);
	assert_int_equal(n, 0);
	for (int i = 0; i < 19; i++)
		attempt(f->d, "V1/H01", 0, 600 + i); /* the newest 10 minutes ago */
	assert_int_equal(pin_budget_wait(f->d, "V1", &n), 0);
	assert_int_equal(n, 19);
	attempt(f->d, "V1/H02", 0, 300);
	int w = pin_budget_wait(f->d, "V1", &n);
	assert_int_equal(n, 20);
	assert_in_range(w, 3300 - 2, 3300); /* an hour from 5 minutes ago */
	assert_int_equal(pin_budget_wait(f->d, "V1", NULL), w);
}

/* pin_budget-110: what does not count: successes, staff logins of the
** village, other villages (V10 and V2), failures older than an hour. */
static void pin_budget_110_what_counts(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	int64_t id;
	assert_int_equal(village_insert(f->d, "V10", "十村", &errs, &id), 0);
	set_budget(f->d, "V1", 3);
	attempt(f->d, "V1/H01", 1, 10);  /* a success */
	attempt(f->d, "V1", 0, 10);      /* the village admin's own login */
	attempt(f->d, "V1admin", 0, 10);
	attempt(f->d, "V10/H01", 0, 10); /* another village, same first letters */
	attempt(f->d, "V10/H02", 0, 10);
	attempt(f->d, "V10/H03", 0, 10);
	attempt(f->d, "V2/H01", 0, 10);
	attempt(f->d, "V1/H01", 0, 3601); /* older than the hour */
	attempt(f->d, "V1/H01", 0, 7200);
	int64_t n = -1;
	assert_int_equal(pin_budget_wait(f->d, "V1", &n), 0);
	assert_int_equal(n, 0);
	attempt(f->d, "V1/H01", 0, 100);
	attempt(f->d, "V1/H05", 0, 50);
	assert_int_equal(pin_budget_wait(f->d, "V1", &n), 0);
	assert_int_equal(n, 2);
	/* V10 is paused by its own three (budget 20 by default: not yet) */
	assert_int_equal(pin_budget_wait(f->d, "V10", &n), 0);
	assert_int_equal(n, 3);
	set_budget(f->d, "V10", 3);
	assert_true(pin_budget_wait(f->d, "V10", &n) > 3500);
	/* and V1 only by its own */
	attempt(f->d, "V1/H06", 0, 20);
	assert_in_range(pin_budget_wait(f->d, "V1", &n), 3580 - 2, 3580);
	assert_int_equal(n, 3);
}

/* pin_budget-120: the pause ends an hour after the last failure: when the
** last is almost an hour old, at least a second is still answered (never
** 0 while the count is over the budget). */
static void pin_budget_120_end_of_pause(void **state)
{
	struct unitfix *f = UF(state);
	set_budget(f->d, "V2", 1);
	attempt(f->d, "V2/H01", 0, 3599);
	int64_t n;
	int w = pin_budget_wait(f->d, "V2", &n);
	assert_int_equal(n, 1);
	assert_in_range(w, 1, 2);
}

/* pin_budget-130: a village that does not exist pauses nothing. */
static void pin_budget_130_unknown_village(void **state)
{
	struct unitfix *f = UF(state);
	attempt(f->d, "V9/H01", 0, 10);
	int64_t n = -1;
	assert_int_equal(pin_budget_wait(f->d, "V9", &n), 0);
	assert_int_equal(n, 0);
}

#define DBCASES(setup)                                                                   \
	cmocka_unit_test_setup_teardown(pin_budget_100_default, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(pin_budget_110_what_counts, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(pin_budget_120_end_of_pause, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(pin_budget_130_unknown_village, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("pin_budget", (const struct CMUnitTest *)NULL, 0, on_sqlite, on_pg);
}
