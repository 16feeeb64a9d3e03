/*
** test_approval.c — unit tests of approval.c: the sheet workflow submit / return / approve, the ledger
** equal to the sheet, and an approval whole or nothing with a failure
** injected half-way.  Against a real database made with
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

/* ledger-280: submit, return, approve; the ledger equals the sheet. */
static void ledger_280_workflow(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 1);
	assert_string_equal(errs.msg[0], "2024-05 还没有积分表");
	errlist_free(&errs);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H1", "YF04", "2024-05-04", 2, NULL);
	add_ok(f, f->v, "H2", "PA04", "2024-05-05", 1, "救起落水儿童");
	add_ok(f, f->v, "H3", "CW01", "2024-05-06", 3, NULL);
	struct approval_input in = {.meeting_date = "2024-06-03", .attendees = "书记、主任、委员",
				    .resolution = "同意5月积分"};
	struct approval *ap;
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表草稿，须先由评分小组提交");
	errlist_free(&errs);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "再核一遍", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	add_rejected(f, f->v, "H4", "HJ01", "2024-05-03", 1, NULL,
		     "2024-05 的积分表已提交待审定，不能再改动；需要修改请村两委先退回");
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "H3 次数需核实", &errs), 0);
	struct sheet *sh;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sh->status, SHEET_RETURNED);
	assert_string_equal(sh->return_reason, "H3 次数需核实");
	assert_int_equal(sh->entry_count, 4);
	assert_int_equal(sh->points_plus, 5 + 50 + 6);
	assert_int_equal(sh->points_minus, -4);
	assert_int_equal(sh->households, 3);
	add_ok(f, f->v, "H4", "HJ01", "2024-05-03", 1, NULL);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	in.meeting_date = "2024-04-30";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "会议日期 2024-04-30 早于 2024-05 月");
	errlist_free(&errs);
	in.meeting_date = "2024-06-03";
	in.attendees = "";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "参会人员不能为空");
	errlist_free(&errs);
	in.attendees = "书记、主任、委员";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 0);
	assert_int_equal(ap->entry_count, 5);
	assert_int_equal(ap->points_total, 5 + 50 - 4 + 6 + 5);
	assert_int_equal(ap->seq_first, 1);
	assert_int_equal(ap->seq_last, 5);
	assert_string_equal(ap->attendees, "书记、主任、委员");
	int64_t seq;
	char head[65];
	assert_int_equal(ledger_head(f->d, f->v->id, &seq, head), 0);
	assert_int_equal(seq, 5);
	assert_string_equal(head, ap->head_hash);
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表已经审定过了");
	errlist_free(&errs);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sh->status, SHEET_APPROVED);
	struct entry *rows;
	int n;
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 1);
	errlist_free(&errs);

	assert_int_equal(balance_of(f, "H1"), 1);
	assert_int_equal(balance_of(f, "H2"), 50);
	assert_int_equal(balance_of(f, "H3"), 6);
	assert_int_equal(balance_of(f, "H4"), 5);
	assert_int_equal(balance_of(f, "H5"), 0);
	struct ledger_balance *b;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(n, 6); /* H1–H5 and H7 participate */
	assert_string_equal(b[0].code, "H1");
	assert_int_equal(b[0].balance, 1);
	assert_int_equal(b[0].year_points, 1);
	assert_int_equal(b[1].balance, 50);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2025, &b, &n), 0);
	assert_int_equal(b[1].year_points, 0);
	/* V2 sees nothing of it */
	assert_int_equal(sheet_get(f->d, f->a, f->w->id, "2024-05", &sh), 1);
	assert_int_equal(approval_get(f->d, f->a, f->w->id, 1, &ap), 1);
	verify_expect(f, 0, NULL);
	/* an empty sheet cannot be approved */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-03", 1, NULL);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-06", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 0);
	assert_int_equal(approve(f, f->v, "2024-06", &errs), 1);
	assert_string_equal(errs.msg[0], "2024-06 的积分表没有积分记录");
	errlist_free(&errs);
}

/* ledger-285: a refusal for the sheet's state says so (errlist.refusal),
** which the API answers 404 / 409, while the return code stays 1. */
static void ledger_285_refusal_kinds(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 1);
	assert_int_equal(errs.refusal, REFUSED_NOT_FOUND);
	errlist_free(&errs);
	assert_int_equal(errs.refusal, REFUSED_INPUT);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "再核一遍", &errs), 1);
	assert_int_equal(errs.refusal, REFUSED_CONFLICT);
	assert_int_equal(errs.state, SHEET_DRAFT);
	errlist_free(&errs);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	assert_int_equal(add(f, f->v, "H2", "HJ01", "2024-05-04", 1, NULL, &errs), 1);
	assert_int_equal(errs.refusal, REFUSED_CONFLICT);
	assert_int_equal(errs.state, SHEET_SUBMITTED);
	errlist_free(&errs);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 1);
	assert_int_equal(errs.refusal, REFUSED_CONFLICT);
	assert_int_equal(errs.state, SHEET_SUBMITTED);
	errlist_free(&errs);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "", &errs), 1);
	assert_int_equal(errs.refusal, REFUSED_INPUT); /* the reason, not the state */
	errlist_free(&errs);
}

/* ledger-290: a failure half-way through posting leaves nothing behind. */
static void ledger_290_approve_atomic(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	for (int i = 1; i <= 5; i++) {
		char hh[4];
		snprintf(hh, sizeof hh, "H%d", i);
		add_ok(f, f->v, hh, "CW01", "2024-05-03", 1, NULL);
	}
	if (f->t.pg) {
		assert_int_equal(db_exec(f->d, "CREATE FUNCTION fail_third() RETURNS trigger"
					       " LANGUAGE plpgsql AS $$BEGIN IF NEW.seq = 3 THEN"
					       " RAISE EXCEPTION 'injected failure'; END IF;"
					       " RETURN NEW; END$$"), 0);
		assert_int_equal(db_exec(f->d, "CREATE TRIGGER fail_third BEFORE INSERT ON ledger_entry"
					       " FOR EACH ROW EXECUTE FUNCTION fail_third()"), 0);
	} else
		assert_int_equal(db_exec(f->d, "CREATE TRIGGER fail_third BEFORE INSERT ON ledger_entry"
					       " WHEN NEW.seq = 3 BEGIN"
					       " SELECT RAISE(ABORT, 'injected failure'); END"), 0);
	errlist errs = {0};
	struct approval_input in = {.meeting_date = "2024-06-03", .attendees = "全体",
				    .resolution = "同意"};
	struct approval *ap;
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), -1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM approval"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household_balance"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household_year"), 0);
	assert_int_equal(query_int(f->d, "SELECT COALESCE(MAX(seq), 0) FROM ledger_head"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM sheet WHERE status = 'draft'"), 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'sheet.approve'"),
			 0);
	verify_expect(f, 0, NULL);
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER fail_third ON ledger_entry"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER fail_third"), 0);
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 5);
	assert_int_equal(query_int(f->d, "SELECT SUM(balance) FROM household_balance"), 10);
	verify_expect(f, 0, NULL);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_280_workflow, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_285_refusal_kinds, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_290_approve_atomic, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = 0;
	failed += cmocka_run_group_tests_name("approval/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("approval/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] approval/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
