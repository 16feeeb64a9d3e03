/*
** test_publication.c — unit tests of publication.c against a database:
** the name consent recorded and withdrawn (audited), the public lines
** masked unless consented, deductions by item, late changes since the
** previous announcement, the public list's last day.  SQLite always,
** PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "announcefix.h"

#include "objection.h"
#include "publication.h"

static struct announcement *announce(struct fixture *f, const char *quarter, const char *date)
{
	errlist errs = {0};
	struct announcement *ann;
	if (announcement_announce(f->d, f->a, &f->who, f->v, quarter, date, &errs, &ann))
		fail_msg("announce: %s", errs.n ? errs.msg[0] : db_errmsg(f->d));
	return ann;
}

/* pub-200: consent and the public lines. */
static void pub_200_consent(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	struct announcement *ann = announce(f, "2024-Q2", "2024-07-05");
	int64_t h1 = hid(f, f->v, "H1");
	struct name_consent nc;
	assert_int_equal(publication_consent_get(f->d, f->a, f->v->id, h1, &nc), 0);
	assert_string_equal(nc.on, "");
	assert_int_equal(publication_consent_get(f->d, f->a, f->w->id, h1, &nc), 1);
	errlist errs = {0};
	assert_int_equal(publication_consent_set(f->d, &f->who, f->w, h1, 1, &errs), 1);
	errlist_free(&errs);
	struct announcement_line *l;
	int n;
	assert_int_equal(publication_lines(f->d, f->a, ann, &l, &n), 0);
	assert_int_equal(n, 6);
	const char *masked = l[0].name;
	assert_non_null(strchr(masked, '*'));
	assert_int_equal(publication_consent_set(f->d, &f->who, f->v, h1, 1, &errs), 0);
	assert_int_equal(publication_consent_get(f->d, f->a, f->v->id, h1, &nc), 0);
	char today[11];
	date_today(today);
	assert_string_equal(nc.on, today);
	assert_string_equal(nc.by, f->who.login);
	assert_int_equal(publication_lines(f->d, f->a, ann, &l, &n), 0);
	assert_null(strchr(l[0].name, '*'));
	assert_non_null(strchr(l[1].name, '*'));
	assert_int_equal(publication_consent_set(f->d, &f->who, f->v, h1, 0, &errs), 0);
	assert_int_equal(publication_lines(f->d, f->a, ann, &l, &n), 0);
	assert_string_equal(l[0].name, masked);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit"
					 " WHERE action = 'household.name_consent'"),
			 2);
	char until[11];
	assert_int_equal(publication_listed_until(f->d, f->v->id, ann, until), 0);
	assert_string_equal(until, "2024-10-09");
}

/* pub-210: deductions by item; the late changes of the next quarter. */
static void pub_210_deductions_and_late_changes(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	struct announcement *q2 = announce(f, "2024-Q2", "2024-07-05");
	struct deduction *dd;
	int nd;
	assert_int_equal(publication_deductions(f->d, f->a, f->v->id, q2, &dd, &nd), 0);
	assert_int_equal(nd, 0);
	/* an upheld objection corrects H2's first entry by 1 */
	errlist errs = {0};
	int64_t id;
	struct objection_input in = {.quarter = "2024-Q2", .household_code = "H2",
				     .channel = "visit", .reason = "少记", .received_on = "2024-07-06"};
	assert_int_equal(objection_add(f->d, f->a, &f->who, f->v, &in, &errs, &id), 0);
	int64_t seq = query_int(f->d, "SELECT MIN(le.seq) FROM ledger_entry le JOIN household h"
				      " ON h.id = le.household_id WHERE h.code = 'H2'");
	struct objection_decision dec = {.uphold = 1, .reason = "核实", .entry_seq = seq, .points = 1};
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, id, &dec, &errs), 0);
	struct announcement *q3 = announce(f, "2024-Q3", "2024-10-08");
	struct late_change *lc;
	int nl;
	assert_int_equal(publication_late_changes(f->d, f->a, f->v->id, q3, &lc, &nl), 0);
	assert_int_equal(nl, 1);
	assert_string_equal(ledger_kind_word(lc[0].kind), "correction");
	assert_string_equal(lc[0].month, "2024-04");
	assert_int_equal(lc[0].points, -1);
	assert_int_equal(publication_late_changes(f->d, f->a, f->v->id, q2, &lc, &nl), 0);
	assert_int_equal(nl, 0);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(pub_200_consent, setup, teardown_ann), \
	cmocka_unit_test_setup_teardown(pub_210_deductions_and_late_changes, setup, teardown_ann)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_ann_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_ann_pg)};
	int failed = cmocka_run_group_tests_name("publication/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("publication/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] publication/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
