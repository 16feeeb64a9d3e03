/*
** test_oversight_report.c — unit tests of src/oversight_report.c, the
** bytes of the town's report: the CSV and JSON of INTERFACES.md (`jifen
** report`) to the byte — columns in order, coverage and the fund balance
** as decimal numbers (not formula-guarded text), empty (CSV) or null
** (JSON) when there is no figure, names escaped and guarded — and the
** workbook, read back through the xlsx reader.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvfile.h"
#include "csvout.h"
#include "oversight.h"
#include "xlsx_read.h"

static const struct oversight_row rows[2] = {
	{.code = "AZ", .name = "安庄村", .eligible = 120, .participating = 102, .has_coverage = 1,
	 .coverage_x100 = 85, .standard_version = 2, .standard_adopted = "2024-03-25",
	 .months_approved = 6, .announcements = 2, .objections_open = 1, .redemptions = 14,
	 .points_redeemed = 700, .fund_balance_fen = 123456},
	{.code = "SW", .name = "=山湾村\"", .eligible = 0, .participating = 0, .has_coverage = 0,
	 .standard_version = 0, .standard_adopted = "2024-01-01", .fund_balance_fen = -300},
};

#define HEADER "village,name,eligible,participating,coverage,standard_version,standard_adopted," \
	       "months_approved,announcements,objections_open,redemptions,points_redeemed,fund_balance"

/* oversight_report-100: the CSV, byte for byte. */
static void oversight_report_100_csv(void **state)
{
	(void)state;
	struct csv_out w;
	csv_begin(&w, "\n");
	oversight_report_csv(&w, rows, 2);
	assert_string_equal(buf_cstr(&w.b),
			    HEADER "\n"
			    "AZ,安庄村,120,102,0.85,2,2024-03-25,6,2,1,14,700,1234.56\n"
			    "SW,\"'=山湾村\"\"\",0,0,,,,0,0,0,0,0,-3.00\n");
	csv_finish(&w);
	csv_begin(&w, "\r\n");
	oversight_report_csv(&w, rows, 0);
	assert_string_equal(buf_cstr(&w.b), HEADER "\r\n");
	csv_finish(&w);
}

/* oversight_report-110: the JSON, byte for byte. */
static void oversight_report_110_json(void **state)
{
	(void)state;
	buf b = {0};
	oversight_report_json(&b, rows, 2);
	assert_string_equal(buf_cstr(&b),
			    "[\n {\"village\":\"AZ\",\"name\":\"安庄村\",\"eligible\":120,\"participating\":102,"
			    "\"coverage\":0.85,\"standard_version\":2,\"standard_adopted\":\"2024-03-25\","
			    "\"months_approved\":6,\"announcements\":2,\"objections_open\":1,"
			    "\"redemptions\":14,\"points_redeemed\":700,\"fund_balance\":1234.56},\n"
			    " {\"village\":\"SW\",\"name\":\"=山湾村\\\"\",\"eligible\":0,\"participating\":0,"
			    "\"coverage\":null,\"standard_version\":null,\"standard_adopted\":null,"
			    "\"months_approved\":0,\"announcements\":0,\"objections_open\":0,"
			    "\"redemptions\":0,\"points_redeemed\":0,\"fund_balance\":-3.00}\n]\n");
	buf_free(&b);
	oversight_report_json(&b, rows, 0);
	assert_string_equal(buf_cstr(&b), "[]\n");
	buf_free(&b);
}

/* oversight_report-120: the workbook: a title with the town and year, the
** Chinese headers, then the rows as numbers and dates. */
static void oversight_report_120_xlsx(void **state)
{
	(void)state;
	char path[] = "/tmp/jifen-test-report-XXXXXX.xlsx";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	char err[256] = "";
	assert_int_equal(oversight_report_xlsx(path, "朱家角镇", 2024, rows, 2, err, sizeof err), 0);
	size_t len;
	char *data = file_read_all(path, 64 << 20, &len);
	assert_non_null(data);
	unlink(path);
	buf csv = {0};
	char rerr[256];
	assert_int_equal(xlsx_first_sheet_csv(data, len, &csv, rerr), 0);
	free(data);
	assert_string_equal(buf_cstr(&csv),
			    "\"朱家角镇 2024 年乡村治理积分制各村实施情况\"\n"
			    "\"村编号\",\"村名\",\"符合条件户\",\"参与户\",\"覆盖率\",\"标准版本\",\"标准通过日期\","
			    "\"已审定月数\",\"季度公示次数\",\"未答复异议\",\"兑换次数\",\"兑换积分\",\"资金余额（元）\"\n"
			    "\"AZ\",\"安庄村\",\"120\",\"102\",\"0.85\",\"2\",\"2024-03-25\",\"6\",\"2\",\"1\",\"14\","
			    "\"700\",\"1234.56\"\n"
			    "\"SW\",\"=山湾村\"\"\",\"0\",\"0\",\"\",\"\",\"\",\"0\",\"0\",\"0\",\"0\",\"0\",\"-3\"\n");
	buf_free(&csv);
	assert_int_equal(oversight_report_xlsx("/no/such/dir/r.xlsx", "镇", 2024, rows, 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "/no/such/dir/r.xlsx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oversight_report_100_csv),
		cmocka_unit_test(oversight_report_110_json),
		cmocka_unit_test(oversight_report_120_xlsx),
	};
	return cmocka_run_group_tests_name("oversight_report", tests, NULL, NULL);
}
