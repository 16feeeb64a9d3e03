/*
** test_xlsx_read.c — unit tests of src/xlsx_read.c, the first sheet of an
** .xlsx as the CSV text the import path reads: shared and inline strings,
** numbers as Excel shows them, dates by their style, gaps kept so that row
** numbers stay the sheet's, the first sheet found through workbook.xml and
** its relationships, and every refusal (DTD, bombs, too many rows or
** cells, malformed positions, not a workbook) with its Chinese sentence.
** Archives are built here with libzip.  (test_read_cells and
** test_read_refused were in test_xlsx.c before.)
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

#include "xlsx_read.h"

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

/* xlsx_read-100: the first sheet is the workbook's first <sheet>, found
** through its relationship (relative to xl/ or absolute), not sheet1.xml. */
static void xlsx_read_100_first_sheet(void **state)
{
	(void)state;
	const char *wb = "<workbook xmlns:r=\"rel\"><sheets>"
			 "<sheet name=\"户\" sheetId=\"2\" r:id=\"rId7\"/>"
			 "<sheet name=\"旧\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	const char *rels_rel = "<Relationships>"
			       "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
			       "<Relationship Id=\"rId7\" Target=\"worksheets/sheet2.xml\"/>"
			       "</Relationships>";
	const char *rels_abs = "<Relationships>"
			       "<Relationship Id=\"rId7\" Target=\"/xl/worksheets/data.xml\"/>"
			       "</Relationships>";
	const char *one = SHEET("<row><c t=\"inlineStr\"><is><t>旧表</t></is></c></row>");
	const char *two = SHEET("<row><c t=\"inlineStr\"><is><t>户表</t></is></c></row>");
	const char *parts[] = {"xl/workbook.xml", wb, "xl/_rels/workbook.xml.rels", rels_rel,
			       "xl/worksheets/sheet1.xml", one, "xl/worksheets/sheet2.xml", two};
	size_t len;
	char *zip = make_zip(parts, 4, &len);
	buf out = {0};
	char err[256];
	assert_int_equal(xlsx_first_sheet_csv(zip, len, &out, err), 0);
	assert_string_equal(buf_cstr(&out), "\"户表\"\n");
	buf_free(&out);
	free(zip);

	const char *parts2[] = {"xl/workbook.xml", wb, "xl/_rels/workbook.xml.rels", rels_abs,
				"xl/worksheets/sheet1.xml", one, "xl/worksheets/data.xml", two};
	zip = make_zip(parts2, 4, &len);
	assert_int_equal(xlsx_first_sheet_csv(zip, len, &out, err), 0);
	assert_string_equal(buf_cstr(&out), "\"户表\"\n");
	buf_free(&out);
	free(zip);

	/* the relationship names a part that is not there: no sheet */
	const char *parts3[] = {"xl/workbook.xml", wb, "xl/_rels/workbook.xml.rels", rels_abs,
				"xl/worksheets/sheet1.xml", one};
	zip = make_zip(parts3, 3, &len);
	assert_int_equal(xlsx_first_sheet_csv(zip, len, &out, err), -1);
	assert_string_equal(err, "压缩包里没有工作表，不是 Excel 工作簿（.xlsx）");
	assert_int_equal(out.len, 0);
	free(zip);
}

/* xlsx_read-110: numbers and dates at their edges: a date style shows the
** day (a time of day dropped), but not for serials outside Excel's dates;
** large integers are not written in exponent form; a shared string index
** out of range is an empty cell, never another string; a cell with no
** value is empty; text that is not a number is kept. */
static void xlsx_read_110_values(void **state)
{
	(void)state;
	char err[256];
	const char *styles = "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
	const char *sst = "<sst><si><t>甲</t></si></sst>";
	char *csv = sheet_csv(
		SHEET("<row r=\"1\">"
		      "<c r=\"A1\" s=\"1\"><v>45383.75</v></c>"
		      "<c r=\"B1\" s=\"1\"><v>0.5</v></c>"
		      "<c r=\"C1\" s=\"1\"><v>2958466</v></c>"
		      "<c r=\"D1\" s=\"1\"><v>-3</v></c>"
		      "<c r=\"E1\"><v>123456789012345</v></c>"
		      "<c r=\"F1\" t=\"s\"><v>5</v></c>"
		      "<c r=\"G1\" t=\"s\"><v>0</v></c>"
		      "<c r=\"H1\" t=\"s\"><v>-1</v></c>"
		      "<c r=\"I1\"><v>12abc</v></c>"
		      "<c r=\"J1\" t=\"b\"><v>0</v></c>"
		      "<c r=\"K1\" s=\"9\"><v>45383</v></c>"
		      "</row>"),
		sst, styles, err);
	assert_non_null(csv);
	/* F1 (index 5 of one string) and H1 are empty, and empty cells before a
	** filled one are written as "" */
	assert_string_equal(csv, "\"2024-04-01\",\"0.5\",\"2958466\",\"-3\",\"123456789012345\","
				 "\"\",\"甲\",\"\",\"12abc\",\"0\",\"45383\"\n");
	free(csv);
	/* trailing empty cells and empty rows are not written as cells */
	csv = sheet_csv(SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"/></row>"
			      "<row r=\"2\"/><row r=\"3\"><c r=\"B3\"><v>2</v></c></row>"),
			NULL, NULL, err);
	assert_non_null(csv);
	assert_string_equal(csv, "\"1\"\n\n\"\",\"2\"\n");
	free(csv);
}

/* xlsx_read-120: more than 2 million cells (the gaps before filled cells
** count) is refused; a reference past column XFD is a bad position. */
static void xlsx_read_120_cells(void **state)
{
	(void)state;
	char err[256];
	buf rows = {0};
	buf_puts(&rows, "<worksheet><sheetData>");
	for (int i = 1; i <= 130; i++)
		buf_printf(&rows, "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>", i, i);
	buf_puts(&rows, "</sheetData></worksheet>");
	assert_null(sheet_csv(buf_cstr(&rows), NULL, NULL, err));
	assert_string_equal(err, "工作表的单元格超过 200 万个，拒绝读取；请拆成几个文件");
	buf_free(&rows);
	/* 120 such rows are under the limit */
	buf_puts(&rows, "<worksheet><sheetData>");
	for (int i = 1; i <= 120; i++)
		buf_printf(&rows, "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>", i, i);
	buf_puts(&rows, "</sheetData></worksheet>");
	char *csv = sheet_csv(buf_cstr(&rows), NULL, NULL, err);
	assert_non_null(csv);
	assert_int_equal(strlen(csv), 120 * (16383 * 3 + 3 + 1));
	free(csv);
	buf_free(&rows);
	assert_null(sheet_csv(SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL, NULL, err));
	assert_string_equal(err, "工作表的单元格位置不对，无法读取");
	/* cells out of order within a row */
	assert_null(sheet_csv(SHEET("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"),
			      NULL, NULL, err));
	assert_string_equal(err, "工作表的单元格位置不对，无法读取");
	assert_null(sheet_csv(SHEET("<row r=\"0\"/>"), NULL, NULL, err));
	assert_string_equal(err, "工作表的行号不对，无法读取");
	assert_null(sheet_csv(SHEET("<row r=\"1048577\"/>"), NULL, NULL, err));
	assert_string_equal(err, "工作表的行号不对，无法读取");
}

/* xlsx_read-130: bytes that start like a ZIP but are not one; the
** messages name no file (the caller adds its name). */
static void xlsx_read_130_not_a_zip(void **state)
{
	(void)state;
	char err[256];
	buf out = {0};
	buf_puts(&out, "left over");
	assert_int_equal(xlsx_first_sheet_csv("PK\3\4garbage", 11, &out, err), -1);
	assert_string_equal(err, "文件像压缩包，但无法打开，可能已损坏或不完整");
	assert_int_equal(out.len, 0);
	assert_false(xlsx_is_zip("PK\5\6", 4));
	assert_false(xlsx_is_zip("", 0));
	assert_true(xlsx_is_zip("PK\3\4rest", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_cells),
		cmocka_unit_test(test_read_refused),
		cmocka_unit_test(xlsx_read_100_first_sheet),
		cmocka_unit_test(xlsx_read_110_values),
		cmocka_unit_test(xlsx_read_120_cells),
		cmocka_unit_test(xlsx_read_130_not_a_zip),
	};
	return cmocka_run_group_tests_name("xlsx_read", tests, NULL, NULL);
}
