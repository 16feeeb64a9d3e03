/*
** test_ledger_anchors.c — unit tests of src/ledger_anchors.c, the checks
** of `jifen verify` that tie a village's ledger to what it was posted from
** and what recorded it.  Each case tampers one anchor the way someone with
** the database would (append-only triggers dropped) and expects
** ledger_verify() of that village to name it: an approval's chain head, an
** approval or a standard version whose audit row is gone, an approved
** sheet entry that never reached the ledger, an entry's item or points
** that differ from the standard.  t_verify_anchors.py covers the other
** anchors end to end through `jifen verify`.  On both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

/* V1 with two approved entries in 2024-05; V2 with one. */
static void posted(struct fixture *f)
{
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ01", "2024-05-04", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->w, "2024-05");
}

/* ledger_verify() of village v: want, and the first message starting
** with msg (NULL: any). */
static void expect_village(struct fixture *f, const struct village *v, int want, const char *msg)
{
	errlist errs = {0};
	int64_t n = 0;
	int rc = ledger_verify(f->d, f->a, v->id, &errs, &n);
	if (rc != want)
		fail_msg("verify %s = %d, want %d: %s %s", v->code, rc, want,
			 errs.n ? errs.msg[0] : "", db_errmsg(f->d));
	if (msg && (!errs.n || strncmp(errs.msg[0], msg, strlen(msg))))
		fail_msg("verify message %s, want %s", errs.n ? errs.msg[0] : "", msg);
	errlist_free(&errs);
}

static void exec_ok(struct fixture *f, const char *sql)
{
	if (db_exec(f->d, sql))
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

static void drop_audit_triggers(struct fixture *f)
{
	if (f->t.pg)
		exec_ok(f, "DROP TRIGGER audit_no_update_delete ON audit");
	else
		exec_ok(f, "DROP TRIGGER audit_no_delete");
}

static int64_t v1_approval(struct fixture *f)
{
	return query_int_x(f, "SELECT id FROM approval WHERE village_id = $x", f->v->id);
}

/* ledger_anchors-100: intact villages verify. */
static void ledger_anchors_100_intact(void **state)
{
	struct fixture *f = F(state);
	posted(f);
	expect_village(f, f->v, 0, NULL);
	expect_village(f, f->w, 0, NULL);
}

/* ledger_anchors-110: an approval's recorded chain head moved. */
static void ledger_anchors_110_head(void **state)
{
	struct fixture *f = F(state);
	posted(f);
	int64_t ap = v1_approval(f);
	step_x(f, "UPDATE approval SET head_hash = '0000000000000000000000000000000000000000000000000000000000000000'"
		  " WHERE id = $x", ap, DB_DONE);
	char want[160];
	snprintf(want, sizeof want, "村 V1 2024-05 月的审定（编号 %lld）记下的链头哈希与台账序号 2 的哈希不符",
		 (long long)ap);
	expect_village(f, f->v, 1, want);
	expect_village(f, f->w, 0, NULL);
}

/* ledger_anchors-120: the audit row of an approval, then of a standard
** version, deleted. */
static void ledger_anchors_120_audit_rows(void **state)
{
	struct fixture *f = F(state);
	posted(f);
	drop_audit_triggers(f);
	int64_t ap = v1_approval(f);
	step_x(f, "DELETE FROM audit WHERE action = 'sheet.approve' AND village_id = $x", f->v->id,
	       DB_DONE);
	char want[160];
	snprintf(want, sizeof want, "村 V1 2024-05 月的审定（编号 %lld）在审计日志中没有记录", (long long)ap);
	expect_village(f, f->v, 1, want);
	expect_village(f, f->w, 0, NULL);

	step_x(f, "DELETE FROM audit WHERE action = 'standard.adopt' AND village_id = $x", f->w->id,
	       DB_DONE);
	int64_t ver = query_int_x(f, "SELECT id FROM standard_version WHERE village_id = $x", f->w->id);
	snprintf(want, sizeof want, "村 V2 标准第 1 版（编号 %lld）在审计日志中没有存证", (long long)ver);
	expect_village(f, f->w, 1, want);
}

/* ledger_anchors-130: an entry slipped into an approved sheet after its
** approval has no ledger entry. */
static void ledger_anchors_130_unposted(void **state)
{
	struct fixture *f = F(state);
	posted(f);
	step_x(f, "INSERT INTO entry(sheet_id, village_id, household_id, item_id, item_code, version_id,"
		  " date, quantity, points, note, recorded_by, created_at)"
		  " SELECT sheet_id, village_id, household_id, item_id, item_code, version_id, date,"
		  " quantity, points, '后加', recorded_by, created_at FROM entry WHERE village_id = $x"
		  " AND date = '2024-05-03'", f->v->id, DB_DONE);
	int64_t id = query_int(f->d, "SELECT MAX(id) FROM entry");
	char want[160];
	snprintf(want, sizeof want, "积分表记录第 %lld 条（村 V1，已审定）在积分台账中没有对应的记录",
		 (long long)id);
	expect_village(f, f->v, 1, want);
	expect_village(f, f->w, 0, NULL);
}

/* ledger_anchors-140: the standard item an entry was scored under edited
** (points): the entry's points no longer follow from it. */
static void ledger_anchors_140_item_points(void **state)
{
	struct fixture *f = F(state);
	posted(f);
	if (f->t.pg)
		exec_ok(f, "DROP TRIGGER standard_item_no_update_delete ON standard_item");
	else
		exec_ok(f, "DROP TRIGGER standard_item_no_update");
	step_x(f, "UPDATE standard_item SET points = points + 1 WHERE code = 'HJ01' AND version_id IN"
		  " (SELECT id FROM standard_version WHERE village_id = $x)", f->v->id, DB_DONE);
	errlist errs = {0};
	int64_t n;
	assert_int_equal(ledger_verify(f->d, f->a, f->v->id, &errs, &n), 1);
	assert_non_null(strstr(errs.msg[0], "但标准项目 HJ01 是"));
	errlist_free(&errs);
	expect_village(f, f->w, 0, NULL);
}

#define DBCASES(setup)                                                                  \
	cmocka_unit_test_setup_teardown(ledger_anchors_100_intact, setup, teardown),     \
	cmocka_unit_test_setup_teardown(ledger_anchors_110_head, setup, teardown),       \
	cmocka_unit_test_setup_teardown(ledger_anchors_120_audit_rows, setup, teardown), \
	cmocka_unit_test_setup_teardown(ledger_anchors_130_unposted, setup, teardown),   \
	cmocka_unit_test_setup_teardown(ledger_anchors_140_item_points, setup, teardown)

int main(void)
{
	LEDGERFIX_MAIN("ledger_anchors", (const struct CMUnitTest *)NULL, 0, DBCASES, setup_sqlite, setup_pg);
}
