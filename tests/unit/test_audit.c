/*
** test_audit.c — unit tests of audit.c against a real database (both
** backends): audit_record() inside the caller's transaction, and
** audit_list() newest first, per village or for the whole town, paged.
*/
#include "unitfix.h"

/* audit-200: records list newest first; a village's own, or all. */
static void audit_200_list(void **state)
{
	struct unitfix *f = UF(state);
	struct actor who = {0, "tester", "10.0.0.1"};
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(audit_record(f->d, &who, f->v->id, "x.one", "obj:1", NULL, "{}"), 0);
	assert_int_equal(audit_record(f->d, &who, 0, "x.town", "obj:2", "{\"a\":1}", NULL), 0);
	assert_int_equal(audit_record(f->d, &who, f->w->id, "x.two", "obj:3", NULL, NULL), 0);
	assert_int_equal(db_commit(f->d), 0);
	struct audit_row *rows;
	int n;
	assert_int_equal(audit_list(f->d, f->a, 0, INT64_MAX, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].action, "x.two");
	assert_string_equal(rows[0].village_code, "V2");
	assert_string_equal(rows[1].action, "x.town");
	assert_null(rows[1].village_code);
	assert_string_equal(rows[1].before, "{\"a\":1}");
	assert_null(rows[1].after);
	assert_string_equal(rows[2].login, "tester");
	assert_string_equal(rows[2].ip, "10.0.0.1");
	assert_true(rows[0].id > rows[1].id && rows[1].id > rows[2].id);
	assert_int_equal(audit_list(f->d, f->a, f->v->id, INT64_MAX, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].object, "obj:1");
}

/* audit-210: a page holds AUDIT_PAGE rows; before= goes back from there. */
static void audit_210_paging(void **state)
{
	struct unitfix *f = UF(state);
	assert_int_equal(db_begin_write(f->d), 0);
	for (int i = 0; i < AUDIT_PAGE + 5; i++)
		assert_int_equal(audit_record(f->d, &f->who, f->v->id, "x.n", "o", NULL, NULL), 0);
	assert_int_equal(db_commit(f->d), 0);
	struct audit_row *rows;
	int n;
	assert_int_equal(audit_list(f->d, f->a, f->v->id, INT64_MAX, &rows, &n), 0);
	assert_int_equal(n, AUDIT_PAGE);
	int64_t last = rows[n - 1].id;
	assert_int_equal(audit_list(f->d, f->a, f->v->id, last, &rows, &n), 0);
	assert_int_equal(n, 5);
	assert_true(rows[0].id < last);
}

#define DBCASES(setup)                                                           \
	cmocka_unit_test_setup_teardown(audit_200_list, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(audit_210_paging, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("audit", on_sqlite, 0, on_sqlite, on_pg);
}
