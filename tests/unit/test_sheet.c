/*
** test_sheet.c — unit tests of sheet.c: an entry scored under the version in force on its date,
** eligibility, evidence, month and year caps counting drafts and the
** ledger, and the entries import (all or nothing).  Against a real database made with
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

/* ledger-220: an entry is scored under the version in force on its date. */
static void ledger_220_version_by_date(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	int64_t v1, v2;
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, &v1), 0);
	const char *csv2 = "类别,项目编号,项目名称,分值,每月上限\n"
			   "环境优化,HJ04,参加环境卫生整治,6,12\n"
			   "环境优化,XX01,新项目,7,\n";
	assert_int_equal(adopt(f, f->v, csv2, "2024-05-25", "2024-06-01", &errs, &v2), 0);
	add_ok(f, f->v, "H1", "HJ04", "2024-05-20", 1, NULL);
	add_ok(f, f->v, "H1", "HJ04", "2024-06-20", 2, NULL);
	add_rejected(f, f->v, "H1", "XX01", "2024-05-21", 1, NULL,
		     "项目编号: 项目编号“XX01”不在 2024-05-21 生效的积分标准（第 1 版）中");
	add_rejected(f, f->v, "H1", "HJ01", "2024-06-21", 1, NULL,
		     "项目编号: 项目编号“HJ01”不在 2024-06-21 生效的积分标准（第 2 版）中");
	add_rejected(f, f->v, "H1", "HJ01", "2024-03-21", 1, NULL,
		     "项目编号: 2024-03-21 还没有生效的积分标准（最早的版本 2024-04-01 起生效）");
	struct sheet *sh;
	struct entry *rows;
	int n;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].points, 5);
	assert_int_equal(rows[0].version_id, v1);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-06", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].points, 12);
	assert_int_equal(rows[0].quantity, 2);
	assert_int_equal(rows[0].version_id, v2);
	/* approved, the ledger keeps the version */
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->v, "2024-06");
	assert_int_equal(query_int(f->d, "SELECT COUNT(DISTINCT version_id) FROM ledger_entry"), 2);
	verify_expect(f, 0, NULL);
}

/* ledger-225: a version starting mid-month that caps an item counts the
** month's entries made under the earlier version, also earlier rows of the
** same import. */
static void ledger_225_cap_mid_month(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL), 0);
	const char *csv2 = "类别,项目编号,项目名称,分值,每月上限\n村级事务参与,CW01,参加村民大会,2,4\n";
	assert_int_equal(adopt(f, f->v, csv2, "2024-06-01", "2024-06-15", &errs, NULL), 0);
	struct entry_import_report rep;
	const char *rows = "household,item,date,quantity\nH1,CW01,2024-06-10,2\nH1,CW01,2024-06-20,1\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-06", "e.csv", rows,
					      strlen(rows), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "e.csv:3: item: 「CW01 参加村民大会」每月上限 4 分，本月已记 4 分，"
					 "本条 2 分");
	errlist_free(&errs);
	add_ok(f, f->v, "H1", "CW01", "2024-06-10", 2, NULL);
	add_rejected(f, f->v, "H1", "CW01", "2024-06-20", 1, NULL,
		     "项目编号: 「CW01 参加村民大会」每月上限 4 分，本月已记 4 分");
}

/* ledger-230: who and when may be scored. */
static void ledger_230_eligibility(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_rejected(f, f->v, "H6", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户“H6 顾志刚”尚未参与积分制，不能记分");
	add_rejected(f, f->v, "H8", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户“H8 金海林”不符合参与条件，不能记分");
	add_rejected(f, f->v, "H99", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户编号“H99”不是本村的农户");
	add_rejected(f, f->v, "H7", "HJ01", "2024-05-05", 1, NULL,
		     "日期: 户“H7”2024-05-10 才参与积分制，2024-05-05 的事不能记分");
	add_ok(f, f->v, "H7", "HJ01", "2024-05-12", 1, NULL);
	errlist errs = {0};
	struct entry_input in = {.household_code = "H1", .item_code = "HJ03", .date = "2024-06-01"};
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "日期: 日期 2024-06-01 不在 2024-05 月内");
	errlist_free(&errs);
	in.date = "2024-05-32";
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	errlist_free(&errs);
	in.date = "2099-01-02";
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2099-01", &in, &errs, NULL), 1);
	assert_true(strstr(errs.msg[0], "还没到") != NULL);
	errlist_free(&errs);
	in.date = "2024-05-03";
	in.quantity = 1001;
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "次数: 次数应为 1–1000 的整数");
	errlist_free(&errs);
	/* a household of another village, by id */
	in.quantity = 1;
	in.household_code = NULL;
	in.household_id = hid(f, f->w, "H1");
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "户编号: 本村没有这一户");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 1);
}

/* ledger-240: items that need evidence take a photo or a note. */
static void ledger_240_evidence(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_rejected(f, f->v, "H1", "PA01", "2024-05-05", 1, NULL,
		     "说明: 「PA01 参与治安巡防」需要佐证: 请附照片或填写说明");
	add_ok(f, f->v, "H1", "PA01", "2024-05-05", 1, "5月5日夜间巡防，有签到表");
	errlist errs = {0};
	char hash[65];
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", "GIF89a....", 10, hash, &errs), 1);
	assert_string_equal(errs.msg[0], "照片应为 JPEG 或 PNG 格式");
	errlist_free(&errs);
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
					    'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 2, 8, 2};
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", png, sizeof png, hash, &errs), 0);
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", png, sizeof png, hash, &errs), 0);
	const char *mime;
	const unsigned char *data;
	size_t len;
	assert_int_equal(evidence_get(f->d, f->a, f->v->id, hash, &mime, &data, &len), 0);
	assert_string_equal(mime, "image/png");
	assert_int_equal(len, sizeof png);
	assert_memory_equal(data, png, sizeof png);
	assert_int_equal(evidence_get(f->d, f->a, f->w->id, hash, &mime, &data, &len), 1);
	struct entry_input in = {.household_code = "H2", .item_code = "PA01", .date = "2024-05-06",
				 .photo = hash};
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 0);
	/* the photo is V1's: V2 cannot attach it */
	assert_int_equal(entry_add(f->d, &f->who, f->w, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "说明: 佐证照片不存在，请重新上传");
	errlist_free(&errs);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry WHERE photo <> ''"), 1);
	verify_expect(f, 0, NULL);
}

/* ledger-250: monthly caps count the month's drafts, per item and household. */
static void ledger_250_cap_month(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-05", 1, NULL);
	add_rejected(f, f->v, "H1", "HJ01", "2024-05-20", 1, NULL,
		     "项目编号: 「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，本月已记 5 分");
	add_ok(f, f->v, "H2", "HJ01", "2024-05-20", 1, NULL);  /* another household */
	add_ok(f, f->v, "H1", "HJ03", "2024-05-20", 1, NULL);  /* another item */
	add_rejected(f, f->v, "H3", "HJ04", "2024-05-20", 3, NULL,
		     "项目编号: 「HJ04 参加环境卫生整治」每月上限 10 分，本月已记 0 分，本条 15 分");
	add_ok(f, f->v, "H3", "HJ04", "2024-05-20", 2, NULL);
	/* deductions count in absolute value */
	add_ok(f, f->v, "H4", "HJ02", "2024-05-03", 1, "提醒后仍未整治");
	add_rejected(f, f->v, "H4", "HJ02", "2024-05-13", 1, "再次",
		     "项目编号: 「HJ02 乱堆垃圾经提醒不整治」每月上限 10 分，本月已记 10 分");
	/* removing the draft frees the cap */
	struct sheet *sh;
	struct entry *rows;
	int n;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, hid(f, f->v, "H4"), &rows, &n), 0);
	assert_int_equal(n, 1);
	errlist errs = {0};
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 0);
	add_ok(f, f->v, "H4", "HJ02", "2024-05-13", 1, "再次");
	/* next month starts again */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-01", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_rejected(f, f->v, "H1", "HJ01", "2024-05-30", 1, NULL,
		     "2024-05 的积分表已审定，不能再改动；发现错误请做更正");
	verify_expect(f, 0, NULL);
}

/* ledger-260: yearly caps count the ledger, drafts of other open sheets,
** and corrections. */
static void ledger_260_cap_year(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	/* ZF01: 5 points, at most 20 a year */
	add_ok(f, f->v, "H1", "ZF01", "2024-04-30", 1, NULL);
	add_ok(f, f->v, "H1", "ZF01", "2024-05-30", 1, NULL);
	approve_ok(f, f->v, "2024-04");
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->v, "H1", "ZF01", "2024-06-30", 1, NULL);  /* draft on June's sheet */
	add_ok(f, f->v, "H1", "ZF01", "2024-07-30", 1, NULL);  /* draft on July's sheet */
	add_rejected(f, f->v, "H1", "ZF01", "2024-08-30", 1, NULL,
		     "项目编号: 「ZF01 家庭成员无违法犯罪记录（季度评定）」每年上限 20 分，本年已记 20 分");
	add_ok(f, f->v, "H1", "ZF01", "2025-01-30", 1, NULL);  /* a new year */
	/* a correction on the ledger frees part of the cap */
	int64_t id = query_int(f->d, "SELECT MIN(id) FROM ledger_entry WHERE item_code = 'ZF01'");
	errlist errs = {0};
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 5, "评定有误", &errs, NULL), 0);
	add_ok(f, f->v, "H1", "ZF01", "2024-08-30", 1, NULL);
	verify_expect(f, 0, NULL);
}

/* ledger-270: the entries import applies whole or not at all. */
static void ledger_270_import(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	struct entry_import_report rep;
	const char *bad = "household,item,date,quantity,note\n"
			  "H1,HJ01,2024-05-03,,\n"
			  "H2,HJ03,2024-05-03,1,\n"
			  "H1,HJ01,2024-05-20,1,\n"
			  "H6,HJ01,2024-05-20,1,\n"
			  "H3,PA01,2024-05-21,,\n"
			  "H3,CW01,2024-05-21,x,\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", bad, strlen(bad),
					      0, &rep, &errs), 1);
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.msg[0], "e.csv:4: item: 「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，"
					 "本月已记 5 分，本条 5 分");
	assert_string_equal(errs.msg[1], "e.csv:5: household: 户“H6 顾志刚”尚未参与积分制，不能记分");
	assert_string_equal(errs.msg[2], "e.csv:6: note: 「PA01 参与治安巡防」需要佐证: 请附照片或填写说明");
	assert_string_equal(errs.msg[3], "e.csv:7: quantity: 次数应为 1–1000 的整数，不是“x”");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM sheet"), 0);

	const char *good = "\xEF\xBB\xBF户编号,项目编号,日期,次数,说明\r\n"
			   "H1,HJ01,2024-05-03,,\r\n"
			   "H2,HJ04,2024-05-03,2,\"多次参加, 表现好\"\r\n"
			   "H3,PA01,2024-05-21,,巡防\r\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 1, &rep, &errs), 0);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.points, 5 + 10 + 10);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 0);
	assert_int_equal(rep.households, 3);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 3);
	/* the same file again passes the caps now */
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 1);
	assert_int_equal(errs.n, 2);
	errlist_free(&errs);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表已审定，不能再改动；发现错误请做更正");
	errlist_free(&errs);
	const char *unknown = "household,item,date,extra\nH1,HJ01,2024-06-03,1\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-06", "e.csv", unknown,
					      strlen(unknown), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "e.csv:1: extra: 未知的列");
	errlist_free(&errs);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_220_version_by_date, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_225_cap_mid_month, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_230_eligibility, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_240_evidence, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_250_cap_month, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_260_cap_year, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_270_import, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = 0;
	failed += cmocka_run_group_tests_name("sheet/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("sheet/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] sheet/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
