/*
** test_household_import.c — unit tests of src/household_import.c against
** a real database (SQLite always, PostgreSQL when JIFEN_TEST_PG is set):
** BOM, CRLF, quoted commas and newlines, Chinese headers, the 500-row file
** with three bad rows that must change nothing, the corrected file,
** re-importing it unchanged, updates of given columns only, and
** file-level errors.  Cases keep their household-NNN numbers.
*/
#include <time.h>
#include <unistd.h>

#include "householdfix.h"

/* household-200: BOM, CRLF, quoted commas, quotes and newlines, Chinese
** headers in another order; the values arrive intact and the computed
** columns follow the rule. */
static void test_import_formats(void **state)
{
	struct fixture *f = F(state);
	const char *csv = "\xEF\xBB\xBF"
			  "户主姓名,户编号,地址,本地户籍,宅基地房屋,常住,租赁户,参与日期,人口数,联系电话\r\n"
			  "张三,A1,\"东街 1 号,北侧\",是,是,是,否,2024-04-01,3,13800138000\r\n"
			  "\"李\"\"四\",A2,\"两行\r\n地址\",Y,N,1,yes,,1,\r\n"
			  "王五,A3,,no,0,N,是,2024-05-01,,\r\n";
	struct import_report rep = {0};
	errlist errs = {0};
	int rc = import_text(f, f->v, "f.csv", csv, 0, &rep, &errs);
	if (rc)
		fail_msg("rc %d: %s", rc, errs.n ? errs.msg[0] : db_errmsg(f->d));
	assert_int_equal(rep.added, 3);
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.rows[1].row, 3);
	assert_int_equal(rep.rows[2].row, 4); /* a quoted newline does not start a row */

	struct household *h;
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "A1", &h), 0);
	assert_string_equal(h->head_name, "张三");
	assert_string_equal(h->address, "东街 1 号,北侧");
	assert_int_equal(h->member_count, 3);
	assert_string_equal(h->phone, "13800138000");
	assert_int_equal(h->eligible, 1);
	assert_int_equal(h->participating, 1);
	assert_string_equal(h->joined, "2024-04-01");

	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "A2", &h), 0);
	assert_string_equal(h->head_name, "李\"四");
	assert_string_equal(h->address, "两行\n地址");
	assert_int_equal(h->homestead, 0);
	assert_int_equal(h->tenant, 1);
	assert_null(h->joined);
	assert_int_equal(h->eligible, 0); /* tenant, but V1 does not admit tenants */

	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "A3", &h), 0);
	assert_int_equal(h->eligible, 0);
	assert_int_equal(h->participating, 0);
	assert_int_equal(h->member_count, 0);
	/* the households are V1's only */
	assert_int_equal(household_get_by_code(f->d, f->a, f->w->id, "A1", &h), 1);
	import_report_free(&rep);
	errlist_free(&errs);
}

/* The 500-household file: row i (0-based) is household H%03d. */
static void big_csv(buf *b, int bad)
{
	buf_puts(b, "code,head_name,address,members,phone,hukou,homestead,resident,tenant,joined\n");
	for (int i = 0; i < 500; i++) {
		char code[16];
		snprintf(code, sizeof code, "H%03d", i);
		const char *head = "户主";
		const char *hukou = i % 7 ? "是" : "否";
		if (bad && i == 100)
			hukou = "有";                /* bad yes/no value: row 102 */
		if (bad && i == 250)
			snprintf(code, sizeof code, "H%03d", 10); /* duplicate of row 12: row 252 */
		if (bad && i == 400)
			head = "";                   /* missing head name: row 402 */
		buf_printf(b, "%s,%s%s,朱家角镇%d号,%d,1380000%04d,%s,是,是,否,%s\n", code, head,
			   *head ? code : "", i, 1 + i % 5, i, hukou, i % 3 ? "2024-04-01" : "");
	}
}

/* household-210..230: three bad rows give exactly three row-specific errors
** and change nothing; the corrected file imports; again changes nothing. */
static void test_import_500(void **state)
{
	struct fixture *f = F(state);
	/* something already there, to see that it stays as it was */
	struct import_report rep = {0};
	errlist errs = {0};
	assert_int_equal(import_text(f, f->v, "pre.csv",
				     "code,head_name,hukou,homestead,resident\nH000,旧户主,是,是,是\n"
				     "Z9,别的户,否,否,否\n",
				     0, &rep, &errs),
			 0);
	import_report_free(&rep);
	char *before = snapshot(f->d);

	buf b = {0};
	big_csv(&b, 1);
	int rc = household_import(f->d, &f->who, f->v, "big.csv", b.p, b.len, 0, &rep, &errs);
	assert_int_equal(rc, 1);
	static const char *const want[] = {
		"big.csv:102: hukou: 本地户籍应填 是/否",
		"big.csv:252: code: 户编号“H010”与第 12 行重复",
		"big.csv:402: head_name: 户主姓名不能为空",
	};
	expect_errors(&errs, want, 3);
	char *after = snapshot(f->d);
	assert_string_equal(before, after);
	free(after);
	import_report_free(&rep);
	errlist_free(&errs);

	/* the dry run of the corrected file: 499 to add, H000 to update */
	buf c = {0};
	big_csv(&c, 0);
	rc = household_import(f->d, &f->who, f->v, "big.csv", c.p, c.len, 1, &rep, &errs);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.added, 499);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.rows[0].action, IMPORT_UPDATE);
	assert_true(rep.rows[0].changed & (1u << HF_HEAD_NAME));
	assert_false(rep.rows[0].changed & (1u << HF_CODE));
	after = snapshot(f->d);
	assert_string_equal(before, after);
	free(after);
	import_report_free(&rep);

	/* the real thing */
	rc = household_import(f->d, &f->who, f->v, "big.csv", c.p, c.len, 0, &rep, &errs);
	if (rc)
		fail_msg("rc %d: %s", rc, errs.n ? errs.msg[0] : db_errmsg(f->d));
	assert_int_equal(rep.added, 499);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.unchanged, 0);
	import_report_free(&rep);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household"), 501);
	int64_t audits = query_int(f->d, "SELECT COUNT(*) FROM audit");

	/* again: nothing changes, not even the audit log */
	char *once = snapshot(f->d);
	rc = household_import(f->d, &f->who, f->v, "big.csv", c.p, c.len, 0, &rep, &errs);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(rep.unchanged, 500);
	after = snapshot(f->d);
	assert_string_equal(once, after);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit"), audits);
	free(after);
	free(once);
	import_report_free(&rep);
	assert_int_equal(errs.n, 0);

	/* participation as the rule says: hukou no every 7th, joined 2 of 3 */
	int64_t counts[HH_FILTER_COUNT];
	assert_int_equal(household_counts(f->d, f->v->id, NULL, counts), 0);
	int part = 0;
	for (int i = 0; i < 500; i++)
		part += (i % 7) && (i % 3);
	assert_int_equal(counts[HH_PARTICIPATING], part);
	assert_int_equal(counts[HH_ALL], 501);
	free(before);
	buf_free(&b);
	buf_free(&c);
}

/* household-240: an update through the import: only given columns count;
** an empty cell of a present column clears; absent columns stay. */
static void test_import_update(void **state)
{
	struct fixture *f = F(state);
	struct import_report rep = {0};
	errlist errs = {0};
	assert_int_equal(import_text(f, f->v, "a.csv",
				     "code,head_name,phone,hukou,homestead,resident,joined\n"
				     "A1,张三,13800138000,是,是,是,2024-04-01\n",
				     0, &rep, &errs),
			 0);
	import_report_free(&rep);
	/* no phone column: the phone stays; joined empty: no longer joined */
	assert_int_equal(import_text(f, f->v, "b.csv",
				     "code,head_name,hukou,homestead,resident,joined\n"
				     "A1,张三,是,是,是,\n",
				     0, &rep, &errs),
			 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.rows[0].changed, 1u << HF_JOINED);
	import_report_free(&rep);
	struct household *h;
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "A1", &h), 0);
	assert_string_equal(h->phone, "13800138000");
	assert_null(h->joined);
	assert_int_equal(h->participating, 0);
	assert_int_equal(h->eligible, 1);
	/* the history has the add and the update */
	struct household_change *hist;
	int n;
	assert_int_equal(household_history(f->d, f->a, f->v->id, h->id, 10, &hist, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hist[0].action, "household.import_update");
	assert_string_equal(hist[1].action, "household.import_add");
	assert_non_null(strstr(hist[0].before, "\"joined\":\"2024-04-01\""));
	assert_non_null(strstr(hist[0].after, "\"joined\":null"));
	errlist_free(&errs);
}

/* household-250: file-level errors: unknown column, missing required
** column, nothing usable → rejected, nothing written. */
static void test_import_bad_files(void **state)
{
	struct fixture *f = F(state);
	static const struct {
		const char *name, *csv, *want;
	} cases[] = {
		{"import-250", "code,head_name,hukou,homestead,resident,color\nA1,张三,是,是,是,红\n",
		 "x.csv:1: color: "},
		{"import-251", "code,head_name,hukou,homestead\nA1,张三,是,是\n", "x.csv:1: resident: "},
		{"import-252", "", "x.csv:"},
		{"import-253", "code,head_name,hukou,homestead,resident\nA1,张三,是,是,是,多\n",
		 "x.csv:2: "},
	};
	char *before = snapshot(f->d);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct import_report rep = {0};
		errlist errs = {0};
		int rc = import_text(f, f->v, "x.csv", cases[i].csv, 0, &rep, &errs);
		if (rc != 1 || errs.n < 1 || strncmp(errs.msg[0], cases[i].want, strlen(cases[i].want)))
			fail_msg("%s: rc %d, %s", cases[i].name, rc, errs.n ? errs.msg[0] : "no error");
		import_report_free(&rep);
		errlist_free(&errs);
	}
	char *after = snapshot(f->d);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(test_import_formats, setup, teardown),\
	cmocka_unit_test_setup_teardown(test_import_500, setup, teardown),\
	cmocka_unit_test_setup_teardown(test_import_update, setup, teardown),\
	cmocka_unit_test_setup_teardown(test_import_bad_files, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("household_import/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("household_import/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] household_import/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
