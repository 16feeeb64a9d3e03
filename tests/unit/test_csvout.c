/*
** test_csvout.c — unit tests of src/csvout.c, the one CSV writer of every
** export: RFC 4180 quoting, the formula guard (a cell a spreadsheet would
** run is written "'=…"), numbers never guarded, the flush that keeps an
** export's memory bounded, and a failed flush that stops the writer.
** (csvout-100…130 were in test_csvfile.c before.)
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "csvout.h"

/* csvout-100…: one text cell as written, data-driven. */
static void test_csvout_cells(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} c[] = {
		{"H01", "H01"},					 /* 100 plain */
		{"张三", "张三"},				 /* 101 plain UTF-8 */
		{"a,b", "\"a,b\""},				 /* 102 comma */
		{"a\"b", "\"a\"\"b\""},			 /* 103 quote */
		{"a\nb", "\"a\nb\""},			 /* 104 line break */
		{"-a\",5000,\"b", "\"'-a\"\",5000,\"\"b\""}, /* 105 guard inside the quotes */
		{"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""}, /* 106 */
		{"@SUM(1)", "\"'@SUM(1)\""},		 /* 107 */
		{"+1", "\"'+1\""},			 /* 108 */
		{"\t=1", "\"'\t=1\""},			 /* 109 tab */
		{"\r=1", "\"'\r=1\""},			 /* 110 carriage return */
		{"a=b", "a=b"},				 /* 111 not at the start */
		{"", ""},				 /* 112 empty */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct csv_out w;
		csv_begin(&w, "\n");
		csv_text(&w, c[i].in);
		assert_string_equal(buf_cstr(&w.b), c[i].out);
		csv_finish(&w);
	}
}

/* csvout-120: numbers are never guarded; cells are separated, rows ended. */
static void test_csvout_row(void **state)
{
	(void)state;
	struct csv_out w;
	csv_begin(&w, "\r\n");
	csv_text(&w, "H02");
	csv_text(&w, "-x");
	csv_int(&w, -5);
	csv_int(&w, 0);
	csv_row_end(&w);
	assert_string_equal(buf_cstr(&w.b), "H02,\"'-x\",-5,0\r\n");
	csv_finish(&w);
}

static int csv_collect(void *arg, const char *p, size_t n)
{
	buf *b = arg;
	assert_true(n <= CSV_CHUNK + 1024);
	buf_append(b, p, n);
	return 0;
}

/* csvout-130: with a flush function the writer holds at most a chunk and
** a row; what it hands on is the whole text. */
static void test_csvout_flush(void **state)
{
	(void)state;
	buf all = {0};
	struct csv_out w;
	csv_begin(&w, "\n");
	w.flush = csv_collect;
	w.arg = &all;
	for (int i = 0; i < 20000; i++) {
		csv_text(&w, "户主");
		csv_int(&w, i);
		csv_row_end(&w);
		assert_true(w.b.len <= CSV_CHUNK + 64);
	}
	assert_int_equal(csv_finish(&w), 0);
	size_t want = 0;
	char line[32];
	for (int i = 0; i < 20000; i++)
		want += (size_t)snprintf(line, sizeof line, "户主,%d\n", i);
	assert_int_equal(all.len, want);
	buf_free(&all);
}
/* csvout-140: the guard's first bytes, and only the first byte counts. */
static void test_csvout_needs_guard(void **state)
{
	(void)state;
	static const char *const guarded[] = {"=", "+1", "-", "@x", "\t", "\r", "=A1"};
	static const char *const plain[] = {"", "1", "a-b", " =1", "'=1", "\n=1", "张=1", "%"};
	for (size_t i = 0; i < sizeof guarded / sizeof guarded[0]; i++)
		assert_true(csv_needs_guard(guarded[i]));
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(csv_needs_guard(plain[i]));
	assert_false(csv_needs_guard(NULL));
}

/* csvout-150: a NULL cell is empty but still a cell; a literal is written
** as it is (a BOM before the header is not quoted or guarded). */
static void test_csvout_null_and_literal(void **state)
{
	(void)state;
	struct csv_out w;
	csv_begin(&w, "\n");
	csv_literal(&w, "\xef\xbb\xbf" "户编号,分\n");
	csv_text(&w, NULL);
	csv_text(&w, NULL);
	csv_int(&w, INT64_MIN);
	csv_row_end(&w);
	csv_int(&w, 7);
	csv_text(&w, "-");
	csv_row_end(&w);
	assert_string_equal(buf_cstr(&w.b), "\xef\xbb\xbf" "户编号,分\n,,-9223372036854775808\n7,\"'-\"\n");
	/* a row after csv_row_end starts with no comma */
	assert_int_equal(w.col, 0);
	csv_finish(&w);
}

struct failing {
	int calls;
	size_t bytes;
};

static int fail_second(void *arg, const char *p, size_t n)
{
	(void)p;
	struct failing *f = arg;
	f->bytes += n;
	return ++f->calls >= 2;
}

/* csvout-160: once a flush fails the writer hands on nothing more, and
** csv_finish() says so; rows go on being accepted (the caller checks once
** at the end) without holding more than a chunk. */
static void test_csvout_flush_fails(void **state)
{
	(void)state;
	struct failing f = {0};
	struct csv_out w;
	csv_begin(&w, "\r\n");
	w.flush = fail_second;
	w.arg = &f;
	char cell[1024];
	memset(cell, 'x', sizeof cell - 1);
	cell[sizeof cell - 1] = 0;
	for (int i = 0; i < 400; i++) {
		csv_text(&w, cell);
		csv_row_end(&w);
		assert_true(w.b.len <= CSV_CHUNK + sizeof cell + 2);
	}
	assert_int_equal(f.calls, 2);
	size_t seen = f.bytes;
	assert_int_equal(csv_finish(&w), -1);
	assert_int_equal(f.calls, 2);  /* not called again by csv_finish */
	assert_int_equal(f.bytes, seen);
}

/* csvout-170: below a chunk nothing is handed on until csv_finish(), which
** hands on the whole text once; an empty writer hands on nothing. */
static void test_csvout_flush_at_finish(void **state)
{
	(void)state;
	struct failing f = {0};
	struct csv_out w;
	csv_begin(&w, "\n");
	w.flush = fail_second;
	w.arg = &f;
	csv_text(&w, "a");
	csv_row_end(&w);
	assert_int_equal(f.calls, 0);
	assert_int_equal(csv_finish(&w), 0);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.bytes, 2);

	f = (struct failing){0};
	csv_begin(&w, "\n");
	w.flush = fail_second;
	w.arg = &f;
	assert_int_equal(csv_finish(&w), 0);
	assert_int_equal(f.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csvout_cells),
		cmocka_unit_test(test_csvout_row),
		cmocka_unit_test(test_csvout_flush),
		cmocka_unit_test(test_csvout_needs_guard),
		cmocka_unit_test(test_csvout_null_and_literal),
		cmocka_unit_test(test_csvout_flush_fails),
		cmocka_unit_test(test_csvout_flush_at_finish),
	};
	return cmocka_run_group_tests_name("csvout", tests, NULL, NULL);
}
