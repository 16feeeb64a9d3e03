/*
** test_html_stack.c — unit tests of src/html_stack.c: each cell of a table
** with a <thead> gets its column's name as data-label (colspan counted,
** tags and quotes left out of the label, a cell's own data-label kept),
** tables without a <thead> and text outside tables untouched.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "html.h"

/* s through html_table_labels(), compared with want. */
static void labels_are(const char *s, const char *want)
{
	buf b = {0};
	buf_puts(&b, s);
	html_table_labels(&b);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

/* 010: one label per column, in order, rows restart the count. */
static void test_010_columns(void **state)
{
	(void)state;
	labels_are("<p>x</p><table class=\"list\"><thead><tr><th>日期</th><th class=\"num\">分数</th>"
		   "</tr></thead><tbody><tr><td>6-01</td><td class=\"num\">+5</td></tr>"
		   "<tr><td>6-02</td><td>-2</td></tr></tbody></table><td>out</td>",
		   "<p>x</p><table class=\"list\"><thead><tr><th>日期</th><th class=\"num\">分数</th>"
		   "</tr></thead><tbody><tr><td data-label=\"日期\">6-01</td><td data-label=\"分数\" "
		   "class=\"num\">+5</td></tr><tr><td data-label=\"日期\">6-02</td><td "
		   "data-label=\"分数\">-2</td></tr></tbody></table><td>out</td>");
}

/* 020: colspan in the head and the body; tags and quotes out of labels;
** a row header cell counts as a column but gets no label. */
static void test_020_spans_and_markup(void **state)
{
	(void)state;
	labels_are("<table><thead><tr><th colspan=\"2\"><a href=\"?s=1\">户\"主</a></th><th>分</th>"
		   "</tr></thead><tbody><tr><th scope=\"row\">a</th><td>b</td><td>c</td></tr>"
		   "<tr><td colspan=\"2\">ab</td><td data-label=\"own\">c</td></tr></tbody></table>",
		   "<table><thead><tr><th colspan=\"2\"><a href=\"?s=1\">户\"主</a></th><th>分</th>"
		   "</tr></thead><tbody><tr><th scope=\"row\">a</th><td data-label=\"户主\">b</td>"
		   "<td data-label=\"分\">c</td></tr><tr><td data-label=\"户主\" colspan=\"2\">ab</td>"
		   "<td data-label=\"own\">c</td></tr></tbody></table>");
}

/* 030: a table without a head, and a page without tables, as they were. */
static void test_030_untouched(void **state)
{
	(void)state;
	const char *kv = "<table><tbody><tr><th>户在</th><td>是</td></tr></tbody></table>"
			 "<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>1</td></tr></tbody>"
			 "</table>";
	labels_are(kv, "<table><tbody><tr><th>户在</th><td>是</td></tr></tbody></table>"
		       "<table><thead><tr><th>x</th></tr></thead><tbody><tr><td data-label=\"x\">1"
		       "</td></tr></tbody></table>");
	labels_are("<p>没有表格</p>", "<p>没有表格</p>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_010_columns),
		cmocka_unit_test(test_020_spans_and_markup),
		cmocka_unit_test(test_030_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
