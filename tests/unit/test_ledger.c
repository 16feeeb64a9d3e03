/*
** test_ledger.c — unit tests of ledger.c: the canonical hash encoding (a fixed vector), corrections and
** their limits, veto marks, the passbook reads, and a timed (never asserted)
** approval of a large sheet.  Against a real database made with
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

/* ledger-100: the documented encoding gives the documented hash (the same
** vector is in docs/ledger.md, computed there with Python's hashlib). */
static void ledger_100_hash_vector(void **state)
{
	(void)state;
	struct ledger_entry e = {
		.village_id = 1, .seq = 1, .household_id = 17, .kind = LEDGER_SCORE, .item_id = 3,
		.item_code = "HJ01", .version_id = 2, .month = "2024-04", .date = "2024-04-15",
		.quantity = 1, .points = 5, .approval_id = 1, .entry_id = 9, .correction_of = 0,
		.reason = "", .recorded_by = "scorer", .note = "门前整洁", .photo = "",
		.posted_at = 1717200000,
	};
	char h[65];
	ledger_entry_hash(&e, LEDGER_GENESIS, h);
	assert_string_equal(h, "1125c84d3bb4d0f5456baacdf7dd19d87b396285c173a4c6085e9f6135618485");
	buf b = {0};
	ledger_encode(&b, &e);
	assert_true(b.len > 20);
	assert_memory_equal(b.p, "15:jifen-ledger-v1\n1:1\n1:1\n2:17\n5:score\n", 38);
	buf_free(&b);
	/* any change of a field changes the hash */
	e.points = 4;
	char h2[65];
	ledger_entry_hash(&e, LEDGER_GENESIS, h2);
	assert_string_not_equal(h, h2);
}

/* ledger-300: corrections reverse part or all of an entry, never more. */
static void ledger_300_correction(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ02", "2024-05-03", 1, "经提醒未整治");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->w, "2024-05");
	int64_t e1 = query_int(f->d, "SELECT MIN(id) FROM ledger_entry WHERE item_code = 'HJ01'");
	int64_t e2 = query_int(f->d, "SELECT id FROM ledger_entry WHERE item_code = 'HJ02'");
	int64_t ew = query_int(f->d, "SELECT MAX(id) FROM ledger_entry WHERE item_code = 'HJ01'");
	errlist errs = {0};
	struct ledger_entry *c;
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 3, "部分不实", &errs, &c), 0);
	assert_int_equal(c->points, -3);
	assert_int_equal(c->correction_of, e1);
	assert_string_equal(ledger_kind_word(c->kind), "correction");
	assert_int_equal(c->seq, 3);
	assert_int_equal(balance_of(f, "H1"), 2);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 3, "再减", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "台账第 1 条还剩 2 分可更正，不能更正 3 分");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 2, "全部不实", &errs, NULL), 0);
	assert_int_equal(balance_of(f, "H1"), 0);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 1, "又减", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "台账第 1 条已经全部更正");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, c->id, 1, "更正的更正", &errs,
					NULL), 1);
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, ew, 1, "别村的", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "本村台账没有第 3 条");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 4, "", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "更正原因不能为空");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 0, "零", &errs, NULL), 1);
	errlist_free(&errs);
	/* a deduction is corrected upwards */
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 4, "已部分整改", &errs, &c), 0);
	assert_int_equal(c->points, 4);
	assert_int_equal(balance_of(f, "H2"), -6);
	struct ledger_entry *e;
	assert_int_equal(ledger_entry_get(f->d, f->a, f->v->id, e2, &e), 0);
	assert_int_equal(e->corrected, 4);
	assert_string_equal(e->item_name, "乱堆垃圾经提醒不整治");
	assert_string_equal(e->meeting_date, "2024-12-05");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'ledger.correct'"),
			 3);
	verify_expect(f, 0, NULL);
}

/* ledger-310: a veto item marks the household's year; reversing it in full
** lifts the mark. */
static void ledger_310_veto(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "ZF04", "2024-05-03", 1, "违法搭建");
	add_ok(f, f->v, "H2", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	struct ledger_balance *b;
	int n;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 1);
	assert_int_equal(b[0].balance, -30);
	assert_int_equal(b[1].veto, 0);
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, "H1"), "2024-06-01",
						  &s), 0);
	assert_int_equal(s.veto, 1);
	assert_int_equal(s.quarter_points, -30);
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, "H1"), "2025-06-01",
						  &s), 0);
	assert_int_equal(s.veto, 0);
	int64_t id = query_int(f->d, "SELECT id FROM ledger_entry WHERE item_code = 'ZF04'");
	errlist errs = {0};
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 10, "部分", &errs, NULL), 0);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 1);
	verify_expect(f, 0, NULL);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 20, "误记", &errs, NULL), 0);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 0);
	assert_int_equal(b[0].balance, 0);
	verify_expect(f, 0, NULL);
	/* a stored veto mark that the entries do not give is caught */
	db_stmt *st = db_prepare(f->d, "UPDATE household_year SET veto = 1 WHERE household_id = $h");
	assert_int_equal(db_bind_int(st, "$h", hid(f, f->v, "H2")), 0);
	assert_int_equal(db_step(st), DB_DONE);
	verify_expect(f, 1, "农户 H2（村 V1）2024 年一票否决标记为 1，台账应为 0");
}

/* ledger-350: the passbook reads: newest first, paged, with display fields. */
static void ledger_350_passbook_reads(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-04-03", 1, NULL);
	add_ok(f, f->v, "H1", "HJ03", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H1", "CW01", "2024-06-03", 2, NULL);
	approve_ok(f, f->v, "2024-04");
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->v, "2024-06");
	struct ledger_entry *rows;
	int n;
	int64_t total;
	int64_t h1 = hid(f, f->v, "H1");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->v->id, h1, 0, 2, &rows, &n, &total),
			 0);
	assert_int_equal(total, 3);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].date, "2024-06-03");
	assert_string_equal(rows[0].item_name, "参加村民大会或村民代表会议");
	assert_string_equal(rows[0].household_code, "H1");
	assert_int_equal(rows[0].points, 4);
	assert_string_equal(rows[1].month, "2024-05");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->v->id, h1, 2, 2, &rows, &n, &total),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].item_code, "HJ01");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->w->id, h1, 0, 10, &rows, &n, &total),
			 0);
	assert_int_equal(total, 0);
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, h1, "2024-06-30", &s), 0);
	assert_int_equal(s.balance, 14);
	assert_int_equal(s.year_points, 14);
	assert_int_equal(s.quarter_points, 14);
	assert_int_equal(s.entries, 3);
	assert_int_equal(ledger_household_summary(f->d, f->v->id, h1, "2024-07-01", &s), 0);
	assert_int_equal(s.quarter_points, 0);
	assert_int_equal(s.year_points, 14);
	struct sheet *sheets;
	assert_int_equal(sheet_list(f->d, f->a, f->v->id, &sheets, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(sheets[0].month, "2024-06");
	assert_int_equal(sheets[0].status, SHEET_APPROVED);
	struct sheet_total *t;
	assert_int_equal(sheet_totals(f->d, f->a, f->v->id, sheets[0].id, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].points, 4);
}

/* ledger-900: approve one big sheet and print how long it took (not
** asserted: the benchmark issue measures properly).  N households × M
** entries of items without caps. */
static void ledger_900_bench(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int households = 1000, per = f->t.pg ? 20 : 100;
	buf csv = {0};
	buf_puts(&csv, "户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n");
	for (int i = 0; i < households; i++)
		buf_printf(&csv, "B%04d,户主%d,是,是,是,2024-01-01\n", i, i);
	struct import_report rep = {0};
	errlist errs = {0};
	assert_int_equal(household_import(f->d, &f->who, f->v, "b.csv", csv.p, csv.len, 0, &rep,
					  &errs), 0);
	import_report_free(&rep);
	static const char *const items[] = {"CW01", "PA03", "YF01", "YF02", "YF03", "YF05", "YF06",
					    "HJ05", "CW05"};
	csv.len = 0;
	buf_puts(&csv, "household,item,date\n");
	for (int i = 0; i < households; i++)
		for (int k = 0; k < per; k++)
			buf_printf(&csv, "B%04d,%s,2024-05-%02d\n", i, items[k % 9], 1 + k % 28);
	struct entry_import_report er;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sheet_import_entries(f->d, &f->who, f->v, "2024-05", "big.csv", csv.p, csv.len, 0, &er,
				 &errs))
		fail_msg("import: %s %s", errs.n ? errs.msg[0] : "", db_errmsg(f->d));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	approve_ok(f, f->v, "2024-05");
	clock_gettime(CLOCK_MONOTONIC, &t2);
	double ti = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double ta = (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9;
	int total = households * per;
	fprintf(stderr, "[ BENCH    ] %s: import %d entries %.3f s; approve %.3f s (%.0f entries/s)\n",
		f->t.pg ? "postgresql" : "sqlite", total, ti, ta, total / ta);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), total);
	struct timespec v0, v1;
	clock_gettime(CLOCK_MONOTONIC, &v0);
	verify_expect(f, 0, NULL);
	clock_gettime(CLOCK_MONOTONIC, &v1);
	fprintf(stderr, "[ BENCH    ] verify %d entries %.3f s\n", total,
		(double)(v1.tv_sec - v0.tv_sec) + (double)(v1.tv_nsec - v0.tv_nsec) / 1e9);
	buf_free(&csv);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_300_correction, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_310_veto, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_350_passbook_reads, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_900_bench, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(ledger_100_hash_vector),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("ledger/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("ledger/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("ledger/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] ledger/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
