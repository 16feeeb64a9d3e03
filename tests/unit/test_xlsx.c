/*
** test_xlsx.c — unit tests of the Excel writer src/xlsx.c, read back
** through the reader (a round trip).  The reader's own rules are tested in
** test_xlsx_read.c, the text encodings in test_textenc.c.
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

#include "xlsx.h"
#include "xlsx_read.h"

/* ---- the writer, read back ------------------------------------------------------ */

static void test_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/jifen-test-xlsx-XXXXXX.xlsx";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	static const struct xlsx_col cols[] = {
		{"户编号", XLSX_TEXT, 0}, {"积分", XLSX_INT, 0}, {"日期", XLSX_DATE, 0},
		{"金额", XLSX_YUAN, 0},   {"比例", XLSX_DEC2, 0},
	};
	struct xlsx_book *b = xlsx_open(path);
	assert_non_null(b);
	struct xlsx_sheet *s = xlsx_sheet(b, "表一", NULL, cols, 5);
	assert_non_null(s);
	xlsx_text(s, "=HYPERLINK(\"x\")");
	xlsx_int(s, -5);
	xlsx_date(s, "2024-06-03");
	xlsx_cents(s, 123456);
	xlsx_cents(s, 125);
	xlsx_row_end(s);
	xlsx_text(s, "张三");
	xlsx_blank(s);
	xlsx_date(s, "");
	xlsx_row_end(s);
	xlsx_sheet(b, "表二", "标题", cols, 5);
	assert_int_equal(xlsx_close(b), 0);
	size_t len;
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	char *data = malloc(len);
	assert_int_equal(fread(data, 1, len, f), len);
	fclose(f);
	unlink(path);
	buf out = {0};
	char err[256];
	assert_int_equal(xlsx_first_sheet_csv(data, len, &out, err), 0);
	assert_string_equal(buf_cstr(&out), "\"户编号\",\"积分\",\"日期\",\"金额\",\"比例\"\n"
					    "\"=HYPERLINK(\"\"x\"\")\",\"-5\",\"2024-06-03\",\"1234.56\",\"1.25\"\n"
					    "\"张三\"\n");
	buf_free(&out);
	free(data);
	assert_int_equal(xlsx_text_width("ab张三"), 6);
	/* libxlsxwriter opens the file at close: that is where it fails */
	assert_int_equal(xlsx_close(xlsx_open("/no/such/dir/x.xlsx")), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
