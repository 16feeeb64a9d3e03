/*
** test_declaration.c — unit tests of declaration.c: declarations accepted into the sheet, declined with a
** reason.  Against a real database made with
** db_open + db_migrate: SQLite always, PostgreSQL when JIFEN_TEST_PG is
** set.  The cases keep their ledger-NNN numbers from when one file tested
** standard.c, sheet.c and ledger.c together.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledgerfix.h"

/* ledger-340: declarations: accepted into the sheet, declined with a reason. */
static void ledger_340_declarations(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	int64_t d1, d2, eid;
	int64_t h1 = hid(f, f->v, "H1");
	char today[11];
	date_today(today);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "YF06", today, "帮邻居收稻",
					    NULL, &errs, &d1), 0);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "", today, "打扫村道", NULL,
					    &errs, &d2), 0);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, hid(f, f->v, "H6"), "", today, "x",
					    NULL, &errs, &d2), 1);
	errlist_free(&errs);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "", "2020-01-01", "很早", NULL,
					    &errs, &d2), 1);
	assert_string_equal(errs.msg[0], "只能申报 90 天内的事");
	errlist_free(&errs);
	struct declaration *rows;
	int n;
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, 0, DECL_PENDING, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(declaration_list(f->d, f->a, f->w->id, 0, -1, &rows, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(declaration_accept(f->d, &f->who, f->v, d1, NULL, &errs, &eid), 0);
	assert_int_equal(declaration_accept(f->d, &f->who, f->v, d1, NULL, &errs, &eid), 1);
	assert_string_equal(errs.msg[0], "这条申报已经已采纳");
	errlist_free(&errs);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_ACCEPTED, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].entry_id, eid);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, eid, &errs), 0);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_PENDING, &rows, &n), 0);
	assert_int_equal(n, 2);
	int64_t d2id = rows[0].id == d1 ? rows[1].id : rows[0].id;
	assert_int_equal(declaration_decline(f->d, &f->who, f->v, d2id, "", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(declaration_decline(f->d, &f->who, f->v, d2id, "属于日常义务", &errs), 0);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_DECLINED, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].decline_reason, "属于日常义务");
	assert_string_equal(declaration_status_label(rows[0].status), "未采纳");
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_340_declarations, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = 0;
	failed += cmocka_run_group_tests_name("declaration/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("declaration/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] declaration/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
