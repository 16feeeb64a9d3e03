/*
** test_xlsx.c — unit tests of the Excel kit: src/textenc.c (UTF-8 check,
** GB18030 conversion), src/xlsx_read.c (the first sheet as CSV: shared and
** inline strings, numbers, dates, gaps, limits, hostile archives) and the
** writer src/xlsx.c read back through the reader (a round trip).
** Archives for the reader are built here with libzip.
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
#include <zip.h>

#include "textenc.h"
#include "xlsx.h"
#include "xlsx_read.h"

/* ---- textenc ------------------------------------------------------------------- */

static void test_utf8_valid(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"", 1},           {"abc", 1},          {"张三", 1},       {"\xf0\x9f\x98\x80", 1},
		{"\xc0\xaf", 0},   {"\xe0\x80\xaf", 0}, {"\xed\xa0\x80", 0}, {"\xf4\x90\x80\x80", 0},
		{"\xe5\xbc", 0},   {"\xff", 0},         {"\xd5\xc5", 0},   {"a\x01" "b", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
}

static void test_gb18030(void **state)
{
	(void)state;
	buf out = {0};
	/* 张三 in GBK */
	assert_int_equal(textenc_to_utf8("\xd5\xc5\xc8\xfd,1\n", 7, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, strlen("张三,1\n"));
	assert_memory_equal(out.p, "张三,1\n", out.len);
	buf_free(&out);
	/* 𠀀 (U+20000) is a four-byte GB18030 sequence, outside GBK */
	assert_int_equal(textenc_to_utf8("\x95\x32\x82\x36", 4, &out), TEXTENC_GB18030);
	assert_memory_equal(out.p, "𠀀", out.len);
	buf_free(&out);
	/* UTF-8 is left alone */
	assert_int_equal(textenc_to_utf8("张三", strlen("张三"), &out), TEXTENC_UTF8);
	assert_int_equal(out.len, 0);
	/* neither: 0xFF is no GB18030 lead byte; a cut two-byte sequence */
	assert_int_equal(textenc_to_utf8("a\xff" "b", 3, &out), TEXTENC_UNKNOWN);
	assert_int_equal(textenc_to_utf8("ab\xd5", 3, &out), TEXTENC_UNKNOWN);
	assert_int_equal(out.len, 0);
	/* a large file converts whole (several iconv passes) */
	buf big = {0};
	for (int i = 0; i < 100000; i++)
		buf_append(&big, "\xd5\xc5", 2);
	assert_int_equal(textenc_to_utf8(big.p, big.len, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, 300000);
	buf_free(&out);
	buf_free(&big);
}

/* ---- building archives ------------------------------------------------------- */

/* A ZIP in memory (malloc'd, *len) of n (name, content) pairs. */
static char *make_zip(const char *const *parts, int n, size_t *len)
{
	char path[] = "/tmp/jifen-test-zip-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int err;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, parts[2 * i + 1], strlen(parts[2 * i + 1]), 0);
		assert_true(zip_file_add(z, parts[2 * i], s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *data = malloc(*len);
	assert_int_equal(fread(data, 1, *len, f), *len);
	fclose(f);
	unlink(path);
	return data;
}

/* The CSV of a sheet whose XML is sheet (with shared strings sst and
** styles, either NULL), or NULL with err set. */
static char *sheet_csv(const char *sheet, const char *sst, const char *styles, char err[256])
{
	const char *parts[8];
	int n = 0;
	parts[2 * n] = "xl/worksheets/sheet1.xml";
	parts[2 * n++ + 1] = sheet;
	if (sst) {
		parts[2 * n] = "xl/sharedStrings.xml";
		parts[2 * n++ + 1] = sst;
	}
	if (styles) {
		parts[2 * n] = "xl/styles.xml";
		parts[2 * n++ + 1] = styles;
	}
	size_t len;
	char *zip = make_zip(parts, n, &len);
	buf out = {0};
	int rc = xlsx_first_sheet_csv(zip, len, &out, err);
	free(zip);
	if (rc)
		return NULL;
	char *s = strdup(buf_cstr(&out));
	buf_free(&out);
	return s;
}

#define SHEET(rows) "<worksheet xmlns=\"x\"><sheetData>" rows "</sheetData></worksheet>"

static void test_read_cells(void **state)
{
	(void)state;
	char err[256];
	const char *sst = "<sst><si><t>户编号</t></si><si><r><t>张</t></r><r><t>\"三\"</t></r>"
			  "<rPh><t>ZHANG</t></rPh></si></sst>";
	const char *styles = "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
			     "<numFmt numFmtId=\"165\" formatCode=\"&quot;第&quot;0&quot;号&quot;\"/></numFmts>"
			     "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
			     "<xf numFmtId=\"165\"/></cellXfs></styleSheet>";
	char *csv = sheet_csv(
		SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>日期</t></is></c></row>"
		      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\"><v>3</v></c>"
		      "<c r=\"C2\" s=\"1\"><v>45383</v></c><c r=\"D2\" s=\"2\"><v>45384</v></c>"
		      "<c r=\"E2\" s=\"3\"><v>7</v></c><c r=\"F2\"><v>12.5</v></c>"
		      "<c r=\"G2\"><v>0.30000000000000004</v></c><c r=\"H2\" t=\"b\"><v>1</v></c>"
		      "<c r=\"I2\" t=\"str\"><f>A1</f><v>=x</v></c><c r=\"J2\"><v>13812345678</v></c>"
		      "<c r=\"K2\" s=\"1\"/></row>"
		      "<row r=\"4\"><c r=\"B4\"><v>-5</v></c></row>"),
		sst, styles, err);
	assert_non_null(csv);
	assert_string_equal(csv, "\"户编号\",\"\",\"日期\"\n"
				 "\"张\"\"三\"\"\",\"3\",\"2024-04-01\",\"2024-04-02\",\"7\",\"12.5\",\"0.3\","
				 "\"1\",\"=x\",\"13812345678\"\n"
				 "\n"
				 "\"\",\"-5\"\n");
	free(csv);
	/* cells without references follow each other; the 1900 leap-day bug */
	csv = sheet_csv(SHEET("<row><c t=\"inlineStr\"><is><t>a</t></is></c><c s=\"1\"><v>61</v></c>"
			      "<c s=\"1\"><v>59</v></c></row>"),
			NULL, "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>", err);
	assert_non_null(csv);
	assert_string_equal(csv, "\"a\",\"1900-03-01\",\"1900-02-28\"\n");
	free(csv);
}

static void test_read_refused(void **state)
{
	(void)state;
	char err[256];
	/* a DTD: no entity expansion */
	assert_null(sheet_csv("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet><sheetData/></worksheet>",
			      NULL, NULL, err));
	assert_non_null(strstr(err, "DTD"));
	/* too many rows (a row number far down counts the gap) */
	assert_null(sheet_csv(SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"300000\"><c><v>1</v></c></row>"),
			      NULL, NULL, err));
	assert_non_null(strstr(err, "20 万行"));
	/* rows out of order, a cell of another row */
	assert_null(sheet_csv(SHEET("<row r=\"2\"/><row r=\"1\"/>"), NULL, NULL, err));
	assert_null(sheet_csv(SHEET("<row r=\"1\"><c r=\"A2\"><v>1</v></c></row>"), NULL, NULL, err));
	/* not XML */
	assert_null(sheet_csv("<worksheet><sheetData>", NULL, NULL, err));
	assert_non_null(strstr(err, "XML"));
	/* a ZIP without a sheet; not a ZIP at all */
	const char *parts[] = {"readme.txt", "hello"};
	size_t len;
	char *zip = make_zip(parts, 1, &len);
	buf out = {0};
	assert_int_equal(xlsx_first_sheet_csv(zip, len, &out, err), -1);
	assert_non_null(strstr(err, "没有工作表"));
	free(zip);
	assert_int_equal(xlsx_first_sheet_csv("PK\3\4garbage", 11, &out, err), -1);
	assert_int_equal(out.len, 0);
	assert_true(xlsx_is_zip("PK\3\4", 4));
	assert_false(xlsx_is_zip("PK", 2));
	/* a bomb: 70 MB of spaces inflate past the limit */
	size_t big = 70u << 20;
	char *spaces = malloc(big + 64);
	strcpy(spaces, "<worksheet><sheetData>");
	memset(spaces + strlen(spaces), ' ', big);
	strcpy(spaces + big, "</sheetData></worksheet>");
	assert_null(sheet_csv(spaces, NULL, NULL, err));
	assert_non_null(strstr(err, "64 MB"));
	free(spaces);
}

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
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(test_read_cells),
		cmocka_unit_test(test_read_refused),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
