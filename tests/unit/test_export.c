/*
** test_export.c — unit tests of src/export.c, the Excel 台账 of a
** village: the ledger workbook's first sheet (积分记录) read back through
** the xlsx reader — a title naming the village and year, the columns,
** only this village's entries of this year in ledger order, kinds in
** Chinese, the approving meeting, a correction linked both ways, and the
** closing line with the count and the sum — the funds' and honours'
** workbooks written, the year's bounds, and a file that cannot be
** written named in the message.  On both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "ledgerfix.h"

#include "csvfile.h"
#include "export.h"
#include "xlsx_read.h"

/* The first sheet of the workbook at path as CSV (arena), the file removed. */
static const char *first_sheet(struct fixture *f, const char *path)
{
	size_t len;
	char *data = file_read_all(path, 64 << 20, &len);
	assert_non_null(data);
	unlink(path);
	buf csv = {0};
	char err[256];
	if (xlsx_first_sheet_csv(data, len, &csv, err))
		fail_msg("%s", err);
	free(data);
	const char *s = arena_strdup(f->a, buf_cstr(&csv));
	buf_free(&csv);
	return s;
}

static void temp_path(char path[64])
{
	strcpy(path, "/tmp/jifen-test-export-XXXXXX.xlsx");
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
}

/* export-100: the year's bounds. */
static void export_100_year(void **state)
{
	(void)state;
	assert_true(export_year_valid(2000));
	assert_true(export_year_valid(2024));
	assert_true(export_year_valid(2999));
	assert_false(export_year_valid(1999));
	assert_false(export_year_valid(3000));
	assert_false(export_year_valid(0));
	assert_false(export_year_valid(-2024));
}

/* export-110: the ledger's 积分记录 sheet. */
static void export_110_ledger(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "PA01", "2024-05-04", 2, "巡防两次");
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, "别村");
	approve_ok(f, f->w, "2024-05");
	int64_t e1 = query_int(f->d, "SELECT MIN(id) FROM ledger_entry");
	errlist errs = {0};
	struct ledger_entry *c;
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 3, "部分不实", &errs, &c), 0);
	char path[64];
	temp_path(path);
	assert_int_equal(export_ledger_xlsx(f->d, f->a, f->v, 2024, path, &errs), 0);
	const char *s = first_sheet(f, path);
	assert_int_equal(strncmp(s, "\"一村 2024 年积分台账：积分记录\"\n", strlen("\"一村 2024 年积分台账：积分记录\"\n")), 0);
	assert_non_null(strstr(s, "\"序号\",\"日期\",\"月份\",\"户编号\",\"户主\",\"类型\",\"类别\",\"项目编号\","
				  "\"项目名称\",\"次数\",\"积分\",\"审定会议日期\",\"审定决议\",\"被更正\","
				  "\"更正的序号\",\"更正原因\",\"说明\",\"记录人\"\n"));
	/* entry 1: corrected by -3 */
	assert_non_null(strstr(s, "\"1\",\"2024-05-03\",\"2024-05\",\"H1\",\"沈建国\",\"评分\",\"环境优化\","
				  "\"HJ01\",\"宅前屋后无乱堆乱放\",\"1\",\"5\",\"2024-12-05\",\"同意\",\"-3\""));
	assert_non_null(strstr(s, "\"2\",\"2024-05-04\",\"2024-05\",\"H2\",\"陆秀英\",\"评分\",\"平安创建\","
				  "\"PA01\",\"参与治安巡防\",\"2\",\"20\",\"2024-12-05\",\"同意\",\"\",\"\",\"\",\"巡防两次\""));
	/* the correction names the entry it corrects and why */
	assert_non_null(strstr(s, "\"更正\""));
	assert_non_null(strstr(s, "\"-3\",\"\",\"\",\"\",\"1\",\"部分不实\""));
	assert_null(strstr(s, "别村"));
	assert_non_null(strstr(s, "共 3 条，积分合计 22。"));

	/* another year: no entries, still a workbook */
	temp_path(path);
	assert_int_equal(export_ledger_xlsx(f->d, f->a, f->v, 2023, path, &errs), 0);
	s = first_sheet(f, path);
	assert_non_null(strstr(s, "\"一村 2023 年积分台账：积分记录\""));
	assert_non_null(strstr(s, "共 0 条，积分合计 0。"));
}

/* export-120: the funds' and honours' workbooks; a path that cannot be
** written. */
static void export_120_funds_honours_and_errors(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	char path[64];
	temp_path(path);
	assert_int_equal(export_funds_xlsx(f->d, f->a, f->v, 2024, path, &errs), 0);
	const char *s = first_sheet(f, path);
	assert_non_null(strstr(s, "一村"));
	assert_non_null(strstr(s, "2024"));
	temp_path(path);
	assert_int_equal(export_honours_xlsx(f->d, f->a, f->v, 2024, path, &errs), 0);
	s = first_sheet(f, path);
	assert_non_null(strstr(s, "一村"));
	assert_int_equal(errs.n, 0);
	assert_int_equal(export_ledger_xlsx(f->d, f->a, f->v, 2024, "/no/such/dir/l.xlsx", &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "无法写入 Excel 文件 /no/such/dir/l.xlsx");
	errlist_free(&errs);
}

#define DBCASES(setup)                                                            \
	cmocka_unit_test_setup_teardown(export_110_ledger, setup, teardown),      \
	cmocka_unit_test_setup_teardown(export_120_funds_honours_and_errors, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(export_100_year)};
	LEDGERFIX_MAIN("export", rules, 1, DBCASES, setup_sqlite, setup_pg);
}
