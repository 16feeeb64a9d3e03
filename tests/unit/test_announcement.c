/*
** test_announcement.c — unit tests of announcement.c: quarters, name
** masks and CSV lines (numbered data cases), then against a database: an
** announcement's lines and both signed checkpoints, its refusals, the
** receipt of every household accepted by receipt_verify(), the stored
** lines giving the signed root, and cosignatures attached.  SQLite always,
** PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "announcefix.h"

#include <sodium.h>

#include "json.h"
#include "receipt.h"
#include "witness.h"

/* ann-100: quarter_parse. */
static void ann_100_quarters(void **state)
{
	(void)state;
	static const struct {
		const char *q;
		int ok;
		const char *first, *last, *after;
	} cases[] = {
		{"2024-Q1", 1, "2024-01", "2024-03", "2024-04-01"},
		{"2024-Q2", 1, "2024-04", "2024-06", "2024-07-01"},
		{"2024-Q3", 1, "2024-07", "2024-09", "2024-10-01"},
		{"2024-Q4", 1, "2024-10", "2024-12", "2025-01-01"},
		{"2024-Q0", 0, 0, 0, 0}, {"2024-Q5", 0, 0, 0, 0}, {"2024Q1", 0, 0, 0, 0},
		{"24-Q1", 0, 0, 0, 0},   {"2024-q1", 0, 0, 0, 0}, {"", 0, 0, 0, 0},
		{"2024-Q12", 0, 0, 0, 0}, {"1999-Q1", 0, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char first[8], last[8], after[11];
		int year, q;
		int rc = quarter_parse(cases[i].q, &year, &q, first, last, after);
		assert_int_equal(rc == 0, cases[i].ok);
		if (!cases[i].ok)
			continue;
		assert_string_equal(first, cases[i].first);
		assert_string_equal(last, cases[i].last);
		assert_string_equal(after, cases[i].after);
	}
	assert_int_equal(quarter_parse(NULL, NULL, NULL, NULL, NULL, NULL), -1);
}

/* ann-110: name_mask and the CSV line. */
static void ann_110_masks_and_lines(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char *const names[][2] = {
		{"张三明", "张*明"}, {"李四", "李*"}, {"欧阳小明", "欧**明"}, {"王", "王"},
		{"", ""},           {"Ann", "A*n"}, {"司马相如x", "司***x"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		assert_string_equal(name_mask(a, names[i][0]), names[i][1]);
	struct announcement_line l = {.code = "H01", .name = "张*明", .quarter_points = -5,
				      .year_points = 12, .balance = 30};
	buf b = {0};
	announcement_line_csv(&b, &l);
	assert_string_equal(buf_cstr(&b), "H01,张*明,-5,12,30");
	b.len = 0;
	l.name = "a,\"b\"";
	announcement_line_csv(&b, &l);
	assert_string_equal(buf_cstr(&b), "H01,\"a,\"\"b\"\"\",-5,12,30");
	b.len = 0;
	announcement_leaf_data(&b, "o/V1", "2024-Q2", "2024-07-05", "2024-07-11", 3, "Uk9PVA==",
			       "H01,x,1,2,3");
	assert_string_equal(buf_cstr(&b), "jifen-announcement/v1\norigin o/V1\nquarter 2024-Q2\n"
					  "date 2024-07-05\nobjection_until 2024-07-11\n"
					  "ledger 3 Uk9PVA==\nline H01,x,1,2,3\n");
	buf_free(&b);
	arena_free(a);
}

/* Announce quarter of v on date; returns the area's rc, errs filled. */
static int announce(struct fixture *f, const struct village *v, const char *quarter,
		    const char *date, errlist *errs, struct announcement **out)
{
	struct announcement *dummy;
	int rc = announcement_announce(f->d, f->a, &f->who, v, quarter, date, errs,
				       out ? out : &dummy);
	if (rc < 0)
		fail_msg("announce: %s", db_errmsg(f->d));
	return rc;
}

/* ann-200: the lines, the checkpoints, every receipt, the root. */
static void ann_200_announce(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	/* a July entry on the ledger before the announcement counts in the
	** balance only */
	add_ok(f, f->v, "H1", "HJ01", "2024-07-02", 1, NULL);
	approve_ok(f, f->v, "2024-07");
	errlist errs = {0};
	struct announcement *ann;
	assert_int_equal(announce(f, f->v, "2024-Q2", "2024-07-05", &errs, &ann), 0);
	assert_string_equal(ann->objection_until, "2024-07-11");
	assert_int_equal(ann->ledger_size, 16);
	/* H1–H5 joined 2024-01-01; H7 joined 2024-05-10; H6 and H8 do not take part */
	assert_int_equal(ann->households, 6);
	struct announcement_line *lines;
	int n;
	assert_int_equal(announcement_lines(f->d, f->a, ann->id, &lines, &n), 0);
	assert_int_equal(n, 6);
	static const char *const want[] = {"H1,沈*国,15,15,20", "H2,陆*英,6,6,6", "H3,张*强,15,15,15",
					   "H4,王*兰,6,6,6", "H5,朱*华,15,15,15", "H7,徐*梅,0,0,0"};
	for (int i = 0; i < n; i++) {
		buf b = {0};
		announcement_line_csv(&b, &lines[i]);
		assert_string_equal(buf_cstr(&b), want[i]);
		buf_free(&b);
	}
	uint8_t root[32];
	int64_t nl;
	assert_int_equal(announcement_root(f->d, f->a, ann, root, &nl), 0);
	char root64[45];
	sodium_bin2base64(root64, sizeof root64, root, 32, sodium_base64_VARIANT_ORIGINAL);
	assert_string_equal(root64, ann->lines_root);
	assert_true(strstr(ann->note, "jifen.test/town/V1/2024-Q2\n6\n") == ann->note);
	assert_true(strstr(ann->checkpoint, "jifen.test/town/V1\n16\n") == ann->checkpoint);
	struct note_signer s;
	assert_int_equal(signing_key_load(f->a, &s, &errs), 0);
	struct note_verifier key;
	note_signer_verifier(&s, &key);
	note_signer_wipe(&s);
	for (int i = 0; i < n; i++) {
		char *text;
		assert_int_equal(announcement_receipt(f->d, f->a, f->v, ann, lines[i].code, &errs,
						      &text), 0);
		struct receipt r;
		if (receipt_verify(f->a, text, strlen(text), &key, &r, &errs))
			fail_msg("receipt of %s: %s\n%s", lines[i].code, errs.msg[0], text);
		assert_int_equal(r.index, (uint64_t)i);
	}
	char *text;
	assert_int_equal(announcement_receipt(f->d, f->a, f->v, ann, "H6", &errs, &text), 1);
	assert_string_equal(errs.msg[0], "村 V1 的 2024-Q2 公示里没有农户 H6");
	errlist_free(&errs);
	/* read back */
	struct announcement *got, *list;
	assert_int_equal(announcement_get(f->d, f->a, f->v->id, "2024-Q2", &got), 0);
	assert_string_equal(got->note, ann->note);
	assert_string_equal(got->checkpoint, ann->checkpoint);
	assert_int_equal(announcement_get(f->d, f->a, f->v->id, "2024-Q1", &got), 1);
	assert_int_equal(announcement_list(f->d, f->a, f->v->id, &list, &n), 0);
	assert_int_equal(n, 1);
	/* JSON */
	buf b = {0};
	struct json_writer w;
	jw_begin(&w, &b);
	assert_int_equal(announcement_json(f->d, f->a, &w, "V1", ann, lines, 6), 0);
	assert_non_null(strstr(buf_cstr(&b), "\"lines\":[{\"household\":\"H1\",\"name\":\"沈*国\""));
	buf_free(&b);
	/* the whole is verified */
	int64_t checked;
	assert_int_equal(checkpoint_verify(f->d, f->a, 0, &errs, &checked), 0);
	assert_int_equal(checked, 3);
}

/* ann-210: the refusals, each with its message, nothing written. */
static void ann_210_refusals(void **state)
{
	struct fixture *f = F(state);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-20", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->v, "H2", "HJ01", "2024-06-20", 1, NULL); /* June: a draft */
	static const struct {
		const char *quarter, *date, *msg;
	} cases[] = {
		{"2024-Q2", "2024-06-30", "2024-Q2 在 2024-06-30 还没有结束（2024-07-01 起才能公示）"},
		{"2024-Q5", "2024-07-05", "季度「2024-Q5」格式不对，应为 YYYY-Qn，如 2024-Q2"},
		{"2024-Q2", "2024-7-5", "公示日期「2024-7-5」格式不对，应为 YYYY-MM-DD"},
		{"2024-Q2", "2090-01-01", "公示日期 2090-01-01 晚于今天"},
		{"2024-Q2", "2024-07-05", "村 V1 2024-06 的月度积分表还有 1 条记录未经集体审定，"
					  "审定后才能公示"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		errlist errs = {0};
		assert_int_equal(announce(f, f->v, cases[i].quarter, cases[i].date, &errs, NULL), 1);
		if (strncmp(errs.msg[0], cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: %s, want %s", i, errs.msg[0], cases[i].msg);
		errlist_free(&errs);
	}
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM announcement"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_checkpoint"), 0);
	char log[320];
	snprintf(log, sizeof log, "%s.log", fix_key_path);
	assert_int_equal(access(log, F_OK), -1);
	approve_ok(f, f->v, "2024-06");
	errlist errs = {0};
	assert_int_equal(announce(f, f->v, "2024-Q2", "2024-07-05", &errs, NULL), 0);
	assert_int_equal(announce(f, f->v, "2024-Q2", "2024-07-06", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "村 V1 的 2024-Q2 已在 2024-07-05 公示过，公示不能重做");
	errlist_free(&errs);
	/* an empty village announces too: no lines, the empty tree */
	struct announcement *ann;
	assert_int_equal(announce(f, f->w, "2024-Q2", "2024-07-05", &errs, &ann), 0);
	assert_int_equal(ann->households, 6);
	assert_int_equal(ann->ledger_size, 0);
	/* no key: refused, nothing written */
	fix_key_remove();
	assert_int_equal(announce(f, f->v, "2024-Q3", "2024-10-05", &errs, NULL), 1);
	assert_non_null(strstr(errs.msg[0], "不存在，请先运行 jifen init"));
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM announcement"), 2);
}

/* ann-300: a witness's cosignature attached to the ledger checkpoint shows
** in the announcement and its receipts; a wrong one is refused. */
static void ann_300_cosign(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	errlist errs = {0};
	struct announcement *ann;
	assert_int_equal(announce(f, f->v, "2024-Q2", "2024-07-05", &errs, &ann), 0);
	uint8_t seed[32] = {7};
	struct note_signer w;
	assert_int_equal(note_signer_from_seed(f->a, "district/witness", NOTE_COSIGNATURE_V1, seed,
					       &w), 0);
	struct note_verifier wv;
	note_signer_verifier(&w, &wv);
	const char *wkey = note_verifier_format(f->a, &wv);
	const char *text = ann->checkpoint;
	size_t tl = (size_t)(strstr(text, "\n\n") - text) + 1;
	char *line;
	assert_int_equal(note_signature_line(f->a, arena_strndup(f->a, text, tl), &w, 1720000000,
					     &line), 0);
	int added;
	assert_int_equal(announcement_cosign(f->d, f->a, &f->who, f->v, ann, wkey, line, &errs,
					     &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(announcement_cosign(f->d, f->a, &f->who, f->v, ann, wkey, line, &errs,
					     &added), 0);
	assert_int_equal(added, 0);
	struct announcement *got;
	assert_int_equal(announcement_get(f->d, f->a, f->v->id, "2024-Q2", &got), 0);
	assert_non_null(strstr(got->checkpoint, line));
	char *bad = arena_strdup(f->a, line);
	bad[strlen(bad) - 5] = bad[strlen(bad) - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(announcement_cosign(f->d, f->a, &f->who, f->v, ann, wkey, bad, &errs,
					     &added), 1);
	assert_string_equal(errs.msg[0], "见证方的联署签名不符：签名验证失败");
	errlist_free(&errs);
	/* the deployment key is not a cosignature key */
	struct note_signer s;
	assert_int_equal(signing_key_load(f->a, &s, &errs), 0);
	struct note_verifier sv;
	note_signer_verifier(&s, &sv);
	note_signer_wipe(&s);
	assert_int_equal(announcement_cosign(f->d, f->a, &f->who, f->v, ann,
					     note_verifier_format(f->a, &sv), line, &errs, &added),
			 1);
	errlist_free(&errs);
	char *receipt;
	assert_int_equal(announcement_receipt(f->d, f->a, f->v, got, "H3", &errs, &receipt), 0);
	struct receipt r;
	assert_int_equal(receipt_verify(f->a, receipt, strlen(receipt), &sv, &r, &errs), 0);
	assert_int_equal(r.cosignatures, 1);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ann_200_announce, setup, teardown_ann), \
	cmocka_unit_test_setup_teardown(ann_210_refusals, setup, teardown_ann), \
	cmocka_unit_test_setup_teardown(ann_300_cosign, setup, teardown_ann)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(ann_100_quarters),
		cmocka_unit_test(ann_110_masks_and_lines),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_ann_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_ann_pg)};
	int failed = cmocka_run_group_tests_name("announcement/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("announcement/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("announcement/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] announcement/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
