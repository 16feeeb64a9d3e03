/*
** test_ledger_verify.c — unit tests of ledger_verify.c: append-only triggers, `verify` catching tampered values
** and balances, rows of households or villages that do not exist, and a
** database that missed a migration.  Against a real database made with
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

/* ledger-320: the database refuses changes; verify finds a changed value. */
static void ledger_320_tamper(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ03", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H3", "HJ04", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->w, "2024-05");
	verify_expect(f, 0, NULL);
	db_stmt *s = db_prepare(f->d, "UPDATE ledger_entry SET points = 50 WHERE seq = 2");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	s = db_prepare(f->d, "DELETE FROM ledger_entry WHERE seq = 2");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 4);

	drop_ledger_triggers(f);
	int64_t id = query_int(f->d, "SELECT le.id FROM ledger_entry le JOIN village v"
				     " ON v.id = le.village_id WHERE v.code = 'V1' AND le.seq = 2");
	s = db_prepare(f->d, "UPDATE ledger_entry SET note = '改过' WHERE id = $id");
	assert_int_equal(db_bind_int(s, "$id", id), 0);
	assert_int_equal(db_step(s), DB_DONE);
	char want[128];
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 2）哈希不符", (long long)id);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->w->id, &errs, NULL), 0);
}

/* ledger-325: households and villages are never deleted (triggers, both
** backends), ledger_entry has no foreign key to either on PostgreSQL
** (schema 006), and verify names what only direct access to the database
** can do: an entry whose household is in another village, entries of a
** village that does not exist, an entry whose household is gone. */
static void ledger_325_orphans(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ03", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	verify_expect(f, 0, NULL);
	int64_t h1 = hid(f, f->v, "H1"), h2 = hid(f, f->v, "H2"), h6 = hid(f, f->v, "H6");
	char want[256];

	/* ledger-325a: refused by the database itself, whatever refers to the
	** row (H6 has nothing anywhere) */
	step_x(f, "DELETE FROM household WHERE id = $x", h6, DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->d), "household rows are never deleted"));
	step_x(f, "DELETE FROM village WHERE id = $x", f->w->id, DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->d), "village rows are never deleted"));
	if (f->t.pg) {
		assert_int_equal(db_exec(f->d, "TRUNCATE household CASCADE"), -1);
		assert_int_equal(db_exec(f->d, "TRUNCATE village CASCADE"), -1);
		/* only correction_of's key to ledger_entry itself is left */
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid = 'ledger_entry'::regclass"
						 " AND contype = 'f' AND confrelid <> conrelid"),
				 0);
	}
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household"), 16);

	/* ledger-325b: H1 moved to V2 (nothing in jifen does that) */
	step_x(f, "UPDATE household SET code = 'H1x',"
		  " village_id = (SELECT id FROM village WHERE code = 'V2') WHERE id = $x", h1,
	       DB_DONE);
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 1）的农户 H1x（编号 %lld）"
		 "属于村 V2，不是本村的农户", (long long)entry_of(f, h1), (long long)h1);
	verify_expect(f, 1, want);
	step_x(f, "UPDATE household SET code = 'H1',"
		  " village_id = (SELECT id FROM village WHERE code = 'V1') WHERE id = $x", h1,
	       DB_DONE);
	verify_expect(f, 0, NULL);

	/* SQLite keeps ledger_entry's foreign keys: switched off there to tamper */
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = OFF"), 0);

	/* ledger-325c: an entry of a village that does not exist is on no
	** village's chain, but verify of every village finds it */
	db_stmt *s = db_prepare(f->d,
		"INSERT INTO ledger_entry(village_id, seq, household_id, kind, month, date,"
		" quantity, points, recorded_by, posted_at, prev_hash, hash)"
		" VALUES(999, 1, $x, 'adjust', '2024-05', '2024-05-03', 0, 100, 'x', 0, '', '')"
		" RETURNING id");
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, "$x", h1), 0);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t stray = db_column_int(s, 0);
	db_reset(s);
	snprintf(want, sizeof want, "积分台账第 %lld 条起有村编号 999 的记录，但没有这个村",
		 (long long)stray);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->v->id, &errs, NULL), 0);

	/* ledger-325d: H2 deleted, its trigger dropped first, with its rows
	** that still have foreign keys */
	assert_int_equal(db_exec(f->d, f->t.pg ? "DROP TRIGGER household_no_delete ON household"
					     : "DROP TRIGGER household_no_delete"), 0);
	step_x(f, "DELETE FROM household_year WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM household_balance WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM entry WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM household WHERE id = $x", h2, DB_DONE);
	assert_int_equal(db_changes(f->d), 1);
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 2）的农户（编号 %lld）不存在",
		 (long long)entry_of(f, h2), (long long)h2);
	verify_expect(f, 1, want);
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = ON"), 0);
}

/* ledger-327: household_balance and household_year have no foreign keys
** to household and village on PostgreSQL (schema 008), and verify names
** what only direct access to the database can do: a balance or yearly row
** of a household of another village, of a household that does not exist,
** of a village that does not exist — each with zero points, which no sum
** of entries would give away. */
static void ledger_327_orphan_totals(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	verify_expect(f, 0, NULL);
	int64_t h6 = hid(f, f->v, "H6");
	char want[256];
	if (f->t.pg)
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid IN ('household_balance'::regclass,"
						 " 'household_year'::regclass) AND contype = 'f'"),
				 0);
	else /* SQLite keeps them: switched off there to tamper */
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = OFF"), 0);

	/* ledger-327a: V2 holds a balance of V1's H6 */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", h6, f->w->id);
	snprintf(want, sizeof want, "村 V2 的积分余额的农户 H6（编号 %lld）属于村 V1，不是本村的农户",
		 (long long)h6);
	verify_expect(f, 1, want);
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v", h6,
		f->w->id);
	verify_expect(f, 0, NULL);

	/* ledger-327b: a balance of a household that does not exist */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", 99999, f->v->id);
	verify_expect(f, 1, "村 V1 的积分余额的农户（编号 99999）不存在");
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v",
		99999, f->v->id);

	/* ledger-327c: a yearly row of one */
	step_hv(f, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
		   " VALUES($h, 2024, $v, 0, 0)", 99999, f->v->id);
	verify_expect(f, 1, "村 V1 的 2024 年积分的农户（编号 99999）不存在");
	step_hv(f, "DELETE FROM household_year WHERE household_id = $h AND village_id = $v", 99999,
		f->v->id);
	verify_expect(f, 0, NULL);

	/* ledger-327d: rows of a village that does not exist are read by no
	** village's check, but verify of every village finds them */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", h6, 999);
	snprintf(want, sizeof want, "农户（编号 %lld）有村编号 999 的积分余额，但没有这个村",
		 (long long)h6);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->v->id, &errs, NULL), 0);
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v", h6,
		999);
	step_hv(f, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
		   " VALUES($h, 2024, $v, 0, 0)", h6, 999);
	snprintf(want, sizeof want, "农户（编号 %lld）有村编号 999 的年度积分，但没有这个村",
		 (long long)h6);
	verify_expect(f, 1, want);
	step_hv(f, "DELETE FROM household_year WHERE household_id = $h AND village_id = $v", h6,
		999);
	verify_expect(f, 0, NULL);
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = ON"), 0);
}

/* ledger-326: a database that recorded a later migration but not 006
** (migrations written in parallel can land out of order) gets 006 at its
** next migrate: the no-delete triggers, and on PostgreSQL no foreign keys
** from ledger_entry to household and village. */
static void ledger_326_missed_migration(void **state)
{
	struct fixture *f = F(state);
	static const char *const undo_pg[] = {
		"DROP TRIGGER household_no_delete ON household",
		"DROP TRIGGER household_no_truncate ON household",
		"DROP TRIGGER village_no_delete ON village",
		"DROP TRIGGER village_no_truncate ON village",
		"ALTER TABLE ledger_entry ADD FOREIGN KEY (household_id) REFERENCES household(id),"
		" ADD FOREIGN KEY (village_id) REFERENCES village(id)",
	};
	static const char *const undo_sqlite[] = {"DROP TRIGGER household_no_delete",
						  "DROP TRIGGER village_no_delete"};
	const char *const *undo = f->t.pg ? undo_pg : undo_sqlite;
	size_t n = f->t.pg ? sizeof undo_pg / sizeof *undo_pg
			 : sizeof undo_sqlite / sizeof *undo_sqlite;
	for (size_t i = 0; i < n; i++)
		if (db_exec(f->d, undo[i]))
			fail_msg("%s: %s", undo[i], db_errmsg(f->d));
	assert_int_equal(db_exec(f->d, "DELETE FROM schema_version WHERE version = 6"), 0);
	assert_true(query_int(f->d, "SELECT MAX(version) FROM schema_version") > 6);

	int version;
	char err[512];
	if (db_migrate(f->d, &version, err, sizeof err))
		fail_msg("migrate: %s", err);
	assert_true(version > 6);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM schema_version"
					 " WHERE version = 6"),
			 1);
	step_x(f, "DELETE FROM household WHERE id = $x", hid(f, f->v, "H6"), DB_CONSTRAINT);
	step_x(f, "DELETE FROM village WHERE id = $x", f->w->id, DB_CONSTRAINT);
	if (f->t.pg)
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid = 'ledger_entry'::regclass"
						 " AND contype = 'f' AND confrelid <> conrelid"),
				 0);
}

/* ledger-330: a stored balance that is not the sum of the entries. */
static void ledger_330_tamper_balance(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(db_exec(f->d, "UPDATE household_balance SET balance = balance + 100"), 0);
	verify_expect(f, 1, "农户 H1（村 V1）积分余额 105 与台账合计 5 不符");
	assert_int_equal(db_exec(f->d, "UPDATE household_balance SET balance = balance - 100"), 0);
	verify_expect(f, 0, NULL);
	assert_int_equal(db_exec(f->d, "UPDATE household_year SET points = 7"), 0);
	verify_expect(f, 1, "农户 H1（村 V1）2024 年积分 7 与台账合计 5 不符");
	assert_int_equal(db_exec(f->d, "UPDATE household_year SET points = 5"), 0);
	/* rewriting an entry and its hash breaks the link to the next one */
	add_ok(f, f->v, "H2", "HJ01", "2024-06-03", 1, NULL);
	approve_ok(f, f->v, "2024-06");
	drop_ledger_triggers(f);
	assert_int_equal(db_exec(f->d, "UPDATE ledger_entry SET hash = prev_hash WHERE seq = 1"), 0);
	verify_expect(f, 1, "积分台账第 1 条（村 V1，序号 1）哈希不符");
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_320_tamper, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_325_orphans, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_327_orphan_totals, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_326_missed_migration, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_330_tamper_balance, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = 0;
	failed += cmocka_run_group_tests_name("ledger_verify/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("ledger_verify/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] ledger_verify/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
