/*
** ledgerfix.h — the database fixture of the scoring tests (test_standard.c,
** test_sheet.c, test_approval.c, test_ledger.c, test_ledger_verify.c,
** test_declaration.c): two villages with households, the sample standard,
** and helpers that add entries and approve sheets.  One definition each
** (static inline: a test file may not use all of them).
*/
#ifndef JIFEN_LEDGERFIX_H
#define JIFEN_LEDGERFIX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "ledger.h"
#include "sheet.h"
#include "standard.h"
#include "testdb.h"
#include "village.h"

struct fixture {
	struct testdb t; /* the database */
	db *d;           /* t.d */
	arena *a;
	struct village *v, *w; /* villages V1 and V2 */
	struct actor who;
};

static inline struct fixture *F(void **state)
{
	return *state;
}

/* Households of V1: H1–H5 participating since 2024-01-01, H6 eligible but
** not joined, H7 joined 2024-05-10, H8 not eligible (no homestead). */
static const char households_csv[] =
	"户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n"
	"H1,沈建国,是,是,是,2024-01-01\n"
	"H2,陆秀英,是,是,是,2024-01-01\n"
	"H3,张国强,是,是,是,2024-01-01\n"
	"H4,王玉兰,是,是,是,2024-01-01\n"
	"H5,朱明华,是,是,是,2024-01-01\n"
	"H6,顾志刚,是,是,是,\n"
	"H7,徐雪梅,是,是,是,2024-05-10\n"
	"H8,金海林,是,否,是,2024-01-01\n";

/* The scoring group the plan requires of v (a two-committee member and a
** villager representative, scoring_group.h), so that its months can be
** submitted: rows only, no audit record (as village_insert). */
static inline int fix_scoring_group(struct fixture *f, const struct village *v)
{
	static const char *const roles[] = {"committee", "representative"};
	for (int i = 0; v && i < 2; i++) {
		db_stmt *s = db_prepare(f->d,
			"INSERT INTO group_member(village_id, name, role, joined_on, meeting_date,"
			" attendees, appointed_by, recorded_by, created_at)"
			" VALUES($v, $n, $r, '2024-01-01', '2024-01-01', '支委', '村党组织', 'tester', 0)");
		if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$n", roles[i]) ||
		    db_bind_text(s, "$r", roles[i]) || db_step(s) != DB_DONE)
			return fprintf(stderr, "group_member: %s\n", db_errmsg(f->d)), -1;
		db_reset(s);
	}
	return 0;
}

static inline int open_fixture(struct fixture *f)
{
	if (testdb_open_migrated(&f->t, "ledger"))
		return -1;
	f->d = f->t.d;
	errlist errs = {0};
	int64_t id;
	if (village_insert(f->d, "V1", "一村", &errs, &id) || village_insert(f->d, "V2", "二村", &errs, &id))
		return fprintf(stderr, "village_insert: %s\n", db_errmsg(f->d)), -1;
	f->a = arena_new();
	f->v = village_by_code(f->d, f->a, "V1");
	f->w = village_by_code(f->d, f->a, "V2");
	f->who = (struct actor){0, "tester", ""};
	struct import_report rep = {0};
	for (int k = 0; k < 2; k++) {
		if (household_import(f->d, &f->who, k ? f->w : f->v, "h.csv", households_csv,
				     strlen(households_csv), 0, &rep, &errs)) {
			fprintf(stderr, "household_import: %s %s\n", errs.n ? errs.msg[0] : "",
				db_errmsg(f->d));
			return -1;
		}
		import_report_free(&rep);
		memset(&rep, 0, sizeof rep);
	}
	return f->v && f->w && fix_scoring_group(f, f->v) == 0 && fix_scoring_group(f, f->w) == 0
		       ? 0
		       : -1;
}

static inline int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	*state = f;
	return open_fixture(f);
}

static inline int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t.pg = 1;
	*state = f;
	return open_fixture(f);
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = testdb_close(&f->t);
	arena_free(f->a);
	free(f);
	return rc;
}

/* The single integer of a parameterless query (a literal). */
static inline int64_t query_int(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	if (!s || db_step(s) != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(d));
	int64_t v = db_column_int(s, 0);
	db_reset(s);
	return v;
}

/* The id of household code of village v. */
static inline int64_t hid(struct fixture *f, const struct village *v, const char *code)
{
	struct household *h;
	if (household_get_by_code(f->d, f->a, v->id, code, &h))
		fail_msg("no household %s", code);
	return h->id;
}

/* The vote of a representatives' meeting adopting a standard on adopted,
** in effect from effective. */
static inline struct std_adoption fix_adoption(const char *adopted, const char *effective)
{
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = adopted;
	ad.effective_on = effective;
	ad.meeting_type = STD_MEETING_REPRESENTATIVES;
	ad.meeting = "测试会议";
	ad.entitled = 40;
	ad.attendance = 35;
	ad.votes_for = 33;
	ad.votes_against = 1;
	ad.votes_abstain = 1;
	return ad;
}

/* Adopt csv for v (adopted/effective dates); returns the area's result,
** failing the test on a database error. */
static inline int adopt(struct fixture *f, const struct village *v, const char *csv,
		 const char *adopted, const char *effective, errlist *errs, int64_t *id)
{
	struct std_adoption ad = fix_adoption(adopted, effective);
	ad.meeting_type = "村民代表会议";
	int64_t dummy;
	int rc = standard_adopt_csv(f->d, &f->who, v, &ad, "s.csv", csv, strlen(csv), 0, errs,
				    id ? id : &dummy);
	if (rc < 0)
		fail_msg("adopt: %s", db_errmsg(f->d));
	return rc;
}

/* The town template as CSV text. */
static const char *template_csv(void)
{
	size_t len;
	return standard_builtin_template(&len);
}

/* V1 (and V2) adopt the template, effective 2024-04-01. */
static inline void adopt_template(struct fixture *f)
{
	errlist errs = {0};
	if (adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL) ||
	    adopt(f, f->w, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL))
		fail_msg("adopt: %s", errs.n ? errs.msg[0] : "");
}

/* Add one entry to v's sheet of the date's month; returns the area's
** result (errs filled), failing on a database error. */
static inline int add(struct fixture *f, const struct village *v, const char *hh, const char *item,
	       const char *date, int64_t qty, const char *note, errlist *errs)
{
	char month[8];
	snprintf(month, sizeof month, "%.7s", date);
	struct entry_input in = {.household_code = hh, .item_code = item, .date = date,
				 .quantity = qty, .note = note};
	int64_t id;
	int rc = entry_add(f->d, &f->who, v, month, &in, errs, &id);
	if (rc < 0)
		fail_msg("entry_add: %s", db_errmsg(f->d));
	return rc;
}

/* add() that must succeed. */
static inline void add_ok(struct fixture *f, const struct village *v, const char *hh, const char *item,
		   const char *date, int64_t qty, const char *note)
{
	errlist errs = {0};
	if (add(f, v, hh, item, date, qty, note, &errs))
		fail_msg("add %s %s %s: %s", hh, item, date, errs.n ? errs.msg[0] : "");
}

/* add() that must be rejected with a first message starting with want. */
static inline void add_rejected(struct fixture *f, const struct village *v, const char *hh,
			 const char *item, const char *date, int64_t qty, const char *note,
			 const char *want)
{
	errlist errs = {0};
	int rc = add(f, v, hh, item, date, qty, note, &errs);
	if (rc != 1 || !errs.n || strncmp(errs.msg[0], want, strlen(want)))
		fail_msg("add %s %s %s: rc %d, %s; want %s", hh, item, date, rc,
			 errs.n ? errs.msg[0] : "(no message)", want);
	errlist_free(&errs);
}

/* Approve v's sheet of month (CLI style: drafts allowed). */
static inline int approve(struct fixture *f, const struct village *v, const char *month, errlist *errs)
{
	struct approval_input in = {.meeting_date = "2024-12-05", .attendees = "村两委全体",
				    .resolution = "同意"};
	struct approval *ap;
	int rc = sheet_approve(f->d, f->a, &f->who, v, month, &in, 1, errs, &ap);
	if (rc < 0)
		fail_msg("approve: %s", db_errmsg(f->d));
	return rc;
}

static inline void approve_ok(struct fixture *f, const struct village *v, const char *month)
{
	errlist errs = {0};
	if (approve(f, v, month, &errs))
		fail_msg("approve %s: %s", month, errs.n ? errs.msg[0] : "");
}

/* verify must give want (0 intact / 1); with 1, the message starts with
** msg when msg is not NULL. */
static inline void verify_expect(struct fixture *f, int want, const char *msg)
{
	errlist errs = {0};
	int64_t n;
	int rc = ledger_verify(f->d, f->a, 0, &errs, &n);
	if (rc != want)
		fail_msg("verify = %d, want %d: %s %s", rc, want, errs.n ? errs.msg[0] : "",
			 db_errmsg(f->d));
	if (msg && (!errs.n || strncmp(errs.msg[0], msg, strlen(msg))))
		fail_msg("verify message %s, want %s", errs.n ? errs.msg[0] : "", msg);
	errlist_free(&errs);
}

/* The balance of household code of V1 (0 when none). */
static inline int64_t balance_of(struct fixture *f, const char *code)
{
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, code), "2024-06-15",
						  &s), 0);
	return s.balance;
}

/* ---- helpers of several cases ---------------------------------------------------- */

/* Drop the append-only triggers of ledger_entry (a tamperer's first step). */
static inline void drop_ledger_triggers(struct fixture *f)
{
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_entry_no_update_delete"
					       " ON ledger_entry"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_entry_no_update"), 0);
}

/* Step sql (a literal) with $x bound to x; the step must give want. */
static inline void step_x(struct fixture *f, const char *sql, int64_t x, int want)
{
	db_stmt *s = db_prepare(f->d, sql);
	if (!s || db_bind_int(s, "$x", x))
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	int got = db_step(s);
	if (got != want)
		fail_msg("%s: step %d, want %d: %s", sql, got, want, db_errmsg(f->d));
	db_reset(s);
}

/* The id of the one ledger entry of household h. */
static inline int64_t entry_of(struct fixture *f, int64_t h)
{
	db_stmt *s = db_prepare(f->d, "SELECT id FROM ledger_entry WHERE household_id = $h");
	if (!s || db_bind_int(s, "$h", h) || db_step(s) != DB_ROW)
		fail_msg("no ledger entry of household %lld: %s", (long long)h, db_errmsg(f->d));
	int64_t id = db_column_int(s, 0);
	db_reset(s);
	return id;
}

/* Step sql (a literal) with $h and $v bound; it must be done. */
static inline void step_hv(struct fixture *f, const char *sql, int64_t h, int64_t v)
{
	db_stmt *s = db_prepare(f->d, sql);
	if (!s || db_bind_int(s, "$h", h) || db_bind_int(s, "$v", v) || db_step(s) != DB_DONE)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

/* The single integer of sql (a literal) with $x bound to x. */
static inline int64_t query_int_x(struct fixture *f, const char *sql, int64_t x)
{
	db_stmt *s = db_prepare(f->d, sql);
	if (!s || db_bind_int(s, "$x", x) || db_step(s) != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	int64_t v = db_column_int(s, 0);
	db_reset(s);
	return v;
}

/* main() of an area test: the rules group (nrules 0: none), then
** CASES(sqlite_setup) and, when JIFEN_TEST_PG is set, CASES(pg_setup);
** CASES is a macro of the test file listing its database cases for a
** setup function.  Returns main's exit status. */
#define LEDGERFIX_MAIN(area, rules, nrules, CASES, sqlite_setup, pg_setup)                     \
	do {                                                                                   \
		int failed_ = nrules ? _cmocka_run_group_tests(area "/rules", rules, nrules, NULL, \
							       NULL)                               \
				     : 0;                                                          \
		const struct CMUnitTest on_sqlite_[] = {CASES(sqlite_setup)};                      \
		failed_ += cmocka_run_group_tests_name(area "/sqlite", on_sqlite_, NULL, NULL);    \
		const char *pg_ = getenv("JIFEN_TEST_PG");                                         \
		if (pg_ && *pg_) {                                                                 \
			const struct CMUnitTest on_pg_[] = {CASES(pg_setup)};                      \
			failed_ += cmocka_run_group_tests_name(area "/postgresql", on_pg_, NULL,   \
							       NULL);                              \
		} else                                                                             \
			fprintf(stderr, "[  SKIP    ] " area "/postgresql: JIFEN_TEST_PG is not set\n"); \
		return failed_ ? 1 : 0;                                                            \
	} while (0)

#endif
