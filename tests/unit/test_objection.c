/*
** test_objection.c — unit tests of objection.c: names, CSV lines and the
** date arithmetic of deadlines (numbered data cases), then against a
** database: the objection period, reply deadlines, rejecting, upholding by
** a correction and by a missed item (caps), the queue.  SQLite always,
** PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "announcefix.h"

#include "csvout.h"
#include "objection.h"

/* obj-100: status and channel words, the CSV line, date_add_days. */
static void obj_100_words_and_lines(void **state)
{
	(void)state;
	assert_string_equal(objection_status_name(OBJ_OPEN), "open");
	assert_string_equal(objection_status_name(OBJ_REJECTED), "rejected");
	assert_string_equal(objection_status_name(OBJ_UPHELD), "upheld");
	assert_string_equal(objection_status_label(OBJ_UPHELD), "已采纳");
	assert_string_equal(objection_channel_label("phone"), "电话");
	assert_string_equal(objection_channel_label("visit"), "来访");
	assert_null(objection_channel_label("fax"));
	assert_null(objection_channel_label(NULL));
	struct objection o = {.id = 7, .quarter = "2024-Q2", .household_code = "H01",
			      .status = OBJ_OPEN, .received_on = "2024-07-08", .decided_on = "",
			      .reason = "a,\"b\"", .decision = ""};
	struct csv_out w;
	csv_begin(&w, "\n");
	objection_csv(&w, &o);
	assert_string_equal(buf_cstr(&w.b), "7,2024-Q2,H01,open,2024-07-08,,\"a,\"\"b\"\"\",\n");
	o.reason = "=1+1";
	w.b.len = 0;
	objection_csv(&w, &o);
	assert_string_equal(buf_cstr(&w.b), "7,2024-Q2,H01,open,2024-07-08,,\"'=1+1\",\n");
	static const struct {
		const char *date;
		int days;
		const char *want;
	} cases[] = {
		{"2024-07-08", 10, "2024-07-18"}, {"2024-07-25", 10, "2024-08-04"},
		{"2024-02-25", 5, "2024-03-01"},  {"2023-02-25", 5, "2023-03-02"},
		{"2024-12-28", 10, "2025-01-07"}, {"2024-03-01", -1, "2024-02-29"},
		{"2024-07-08", 0, "2024-07-08"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[11];
		date_add_days(cases[i].date, cases[i].days, out);
		assert_string_equal(out, cases[i].want);
	}
	buf_free(&w.b);
}

/* The fixture's Q2 scored and announced on 2024-07-05 (period to 07-11). */
static void announce_q2(struct fixture *f)
{
	fix_score_q2(f);
	errlist errs = {0};
	struct announcement *ann;
	if (announcement_announce(f->d, f->a, &f->who, f->v, "2024-Q2", "2024-07-05", &errs, &ann))
		fail_msg("announce: %s", errs.n ? errs.msg[0] : db_errmsg(f->d));
}

static int add_obj(struct fixture *f, const char *hh, int64_t seq, const char *date,
		   errlist *errs, int64_t *id)
{
	struct objection_input in = {.quarter = "2024-Q2", .household_code = hh,
				     .channel = "phone", .entry_seq = seq, .reason = "不对",
				     .received_on = date};
	int rc = objection_add(f->d, f->a, &f->who, f->v, &in, errs, id);
	if (rc < 0)
		fail_msg("add: %s", db_errmsg(f->d));
	return rc;
}

/* obj-200: the period, deadlines, refusals by field. */
static void obj_200_period(void **state)
{
	struct fixture *f = F(state);
	announce_q2(f);
	errlist errs = {0};
	int64_t id = 0;
	assert_int_equal(add_obj(f, "H1", 0, "2024-07-11", &errs, &id), 0);
	struct objection *o;
	assert_int_equal(objection_get(f->d, f->a, f->v->id, id, &o), 0);
	assert_string_equal(o->reply_by, "2024-07-21");
	assert_string_equal(o->channel, "phone");
	assert_int_equal(o->status, OBJ_OPEN);
	assert_int_equal(add_obj(f, "H1", 0, "2024-07-12", &errs, &id), 1);
	assert_string_equal(errs.msg[0], "公示期已于 2024-07-11 结束，不能再提出异议");
	errlist_free(&errs);
	assert_int_equal(add_obj(f, "H1", 0, "2024-07-04", &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(add_obj(f, "H1", 99999, "2024-07-08", &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(add_obj(f, "NOPE", 0, "2024-07-08", &errs, &id), 1);
	errlist_free(&errs);
	/* another village's objection is not found */
	assert_int_equal(objection_get(f->d, f->a, f->w->id, 1, &o), 1);
	int n;
	struct objection *rows;
	assert_int_equal(objection_list(f->d, f->a, f->v->id, NULL, 0, 1, &rows, &n), 0);
	assert_int_equal(n, 1);
}

/* The seq of household hh's first score entry. */
static int64_t first_seq(struct fixture *f, const char *hh)
{
	db_stmt *s = db_prepare(f->d, "SELECT MIN(seq) FROM ledger_entry WHERE household_id = $h");
	assert_non_null(s);
	db_bind_int(s, "$h", hid(f, f->v, hh));
	assert_int_equal(db_step(s), DB_ROW);
	int64_t seq = db_column_int(s, 0);
	db_reset(s);
	return seq;
}

/* obj-210: reject, uphold by correction and by a missed item, caps. */
static void obj_210_decide(void **state)
{
	struct fixture *f = F(state);
	announce_q2(f);
	errlist errs = {0};
	int64_t a1, a2, a3;
	assert_int_equal(add_obj(f, "H1", 0, "2024-07-06", &errs, &a1), 0);
	assert_int_equal(add_obj(f, "H2", first_seq(f, "H2"), "2024-07-06", &errs, &a2), 0);
	assert_int_equal(add_obj(f, "H3", 0, "2024-07-06", &errs, &a3), 0);
	struct objection_decision rej = {.reason = "属实"};
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a1, &rej, &errs), 0);
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a1, &rej, &errs), 1);
	errlist_free(&errs);
	struct objection_decision empty = {.reason = ""};
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a2, &empty, &errs), 1);
	errlist_free(&errs);
	/* correction: CW01 is 2 points; 3 is too many */
	struct objection_decision cor = {.uphold = 1, .reason = "少记", .entry_seq = first_seq(f, "H2"),
					 .points = 3};
	int64_t before = query_int(f->d, "SELECT COUNT(*) FROM ledger_entry");
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a2, &cor, &errs), 1);
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), before);
	cor.points = 2;
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a2, &cor, &errs), 0);
	struct objection *o;
	assert_int_equal(objection_get(f->d, f->a, f->v->id, a2, &o), 0);
	assert_int_equal(o->status, OBJ_UPHELD);
	assert_int_equal(o->ledger_seq, before + 1);
	assert_int_equal(o->ledger_points, -2);
	/* missed item: HJ01 has a monthly cap of 5, reached in June by H3 */
	struct objection_decision miss = {.uphold = 1, .reason = "补记", .item_code = "HJ01",
					  .date = "2024-06-20"};
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a3, &miss, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "每月上限 5 分"));
	errlist_free(&errs);
	miss.item_code = "CW01";
	assert_int_equal(objection_decide(f->d, f->a, &f->who, f->v, a3, &miss, &errs), 0);
	assert_int_equal(objection_get(f->d, f->a, f->v->id, a3, &o), 0);
	assert_int_equal(o->ledger_seq, before + 2);
	assert_int_equal(o->ledger_points, 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry WHERE kind = 'score'"
					 " AND approval_id IS NULL"),
			 1);
	int n;
	struct objection *rows;
	assert_int_equal(objection_list(f->d, f->a, f->v->id, "2024-Q2", 0, 1, &rows, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(objection_list(f->d, f->a, f->v->id, NULL, hid(f, f->v, "H3"), 0, &rows, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action LIKE 'objection.%'"),
			 6);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(obj_200_period, setup, teardown_ann), \
	cmocka_unit_test_setup_teardown(obj_210_decide, setup, teardown_ann)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(obj_100_words_and_lines),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_ann_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_ann_pg)};
	int failed = cmocka_run_group_tests_name("objection/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("objection/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("objection/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] objection/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
