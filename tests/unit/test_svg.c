/*
** test_svg.c — unit tests of svg.c's charts: the numbers written on the
** chart (direct labels), "no value" bars, the goal line, stacked totals,
** the title and accessible name, patterns for grey print, and that every
** text is escaped.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "svg.h"

/* The chart's bytes, drawn into a request of its own. */
static char *drawn(struct req *r)
{
	return buf_cstr(&r->out);
}

/* svg-100: bars: labels, values with two decimals, "—", goal, escaping. */
static void svg_100_hbars(void **state)
{
	(void)state;
	struct req r = {.a = arena_new()};
	static const char *const labels[] = {"安庄村", "<b>村", "林家村"};
	static const int64_t values[] = {83, -1, 100};
	struct svg_bars c = {.id = "cov", .title = "覆盖率 & 目标", .labels = labels,
			     .values = values, .n = 3, .decimals = 2, .max = 100, .goal = 80};
	svg_hbars(&r, &c);
	const char *s = drawn(&r);
	assert_non_null(strstr(s, "role=\"img\" aria-labelledby=\"cov-t\""));
	assert_non_null(strstr(s, "<title id=\"cov-t\">覆盖率 &amp; 目标</title>"));
	assert_non_null(strstr(s, "class=\"val\">0.83</text>"));
	assert_non_null(strstr(s, "class=\"val\">1.00</text>"));
	assert_non_null(strstr(s, ">—</text>"));
	assert_non_null(strstr(s, "&lt;b&gt;村"));
	assert_null(strstr(s, "<b>"));
	assert_non_null(strstr(s, "目标 0.80"));
	assert_non_null(strstr(s, "stroke-dasharray"));
	assert_non_null(strstr(s, "<pattern id=\"cov-p1\""));
	/* 83 of 100 on a 410-unit bar: 340 */
	assert_non_null(strstr(s, "width=\"340\""));
	buf_free(&r.out);
	arena_free(r.a);
}

/* svg-110: stacked columns: each column's total written above it, the
** legend with one pattern per series, negative parts counted in the total
** but not drawn. */
static void svg_110_columns(void **state)
{
	(void)state;
	struct req r = {.a = arena_new()};
	static const char *const cols[] = {"1月", "2月", "3月"};
	static const char *const series[] = {"环境优化", "遵纪守法"};
	static const int64_t values[] = {10, 0, 30, /* 环境优化 */ 5, -20, 0};
	struct svg_columns c = {.id = "cat", .title = "每月积分", .unit = "分", .cols = cols,
				.series = series, .values = values, .ncols = 3, .nseries = 2};
	svg_stacked_columns(&r, &c);
	const char *s = drawn(&r);
	assert_non_null(strstr(s, "class=\"val\">15</text>"));
	assert_non_null(strstr(s, "class=\"val\">-20</text>"));
	assert_non_null(strstr(s, "class=\"val\">30</text>"));
	assert_non_null(strstr(s, ">环境优化</text>"));
	assert_non_null(strstr(s, "fill=\"url(#cat-p1)\""));
	assert_non_null(strstr(s, "<title>1月 遵纪守法: 5</title>"));
	assert_null(strstr(s, "遵纪守法: -20"));
	assert_non_null(strstr(s, "单位：分"));
	buf_free(&r.out);
	arena_free(r.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(svg_100_hbars),
		cmocka_unit_test(svg_110_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
