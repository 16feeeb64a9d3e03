/*
** test_honour.c — unit tests of the rules of honour.c and welfare_post.c
** without a database: the competition rank with ties by code, stars from
** the thresholds (none, reached exactly, above the top), a veto household's
** 0 stars at its rank, and the points part of a post's assessment.
** Numbered cases, one expectation each.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "honour.h"
#include "welfare_post.h"

/* honour-100: stars counts the thresholds reached (≥). */
static void honour_100_stars(void **state)
{
	(void)state;
	static const int64_t th[] = {60, 80, 100};
	static const struct {
		int64_t points;
		int n_th, want;
	} cases[] = {
		{59, 3, 0}, {60, 3, 1}, {79, 3, 1}, {80, 3, 2}, {100, 3, 3},
		{1000, 3, 3}, {-5, 3, 0}, {500, 0, 0}, /* none: no thresholds */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(honour_stars(cases[i].points, th, cases[i].n_th), cases[i].want);
}

/* honour-110: highest first, ties by code (shorter first), rank 1,2,2,4,
** a veto household keeps its rank and gets no stars. */
static void honour_110_rank(void **state)
{
	(void)state;
	struct honour_row rows[] = {
		{.code = "H10", .year_points = 80, .eligible = 1},
		{.code = "H02", .year_points = 80, .eligible = 1},
		{.code = "H9", .year_points = 80, .eligible = 0},
		{.code = "H01", .year_points = 100, .eligible = 1},
		{.code = "H03", .year_points = 59, .eligible = 1},
		{.code = "H04", .year_points = -3, .eligible = 1},
		{.code = "H05", .year_points = 59, .eligible = 1},
	};
	static const int64_t th[] = {60, 80, 100};
	honour_rank(rows, 7, th, 3);
	static const struct {
		const char *code;
		int rank, stars;
	} want[] = {
		{"H01", 1, 3}, {"H9", 2, 0}, {"H02", 2, 2}, {"H10", 2, 2},
		{"H03", 5, 0}, {"H05", 5, 0}, {"H04", 7, 0},
	};
	for (int i = 0; i < 7; i++) {
		assert_string_equal(rows[i].code, want[i].code);
		assert_int_equal(rows[i].rank, want[i].rank);
		assert_int_equal(rows[i].stars, want[i].stars);
	}
}

/* honour-120: all tied (a year without points): every rank 1; one row;
** none. */
static void honour_120_edges(void **state)
{
	(void)state;
	struct honour_row rows[] = {
		{.code = "B", .eligible = 1}, {.code = "A", .eligible = 1}, {.code = "C", .eligible = 0},
	};
	honour_rank(rows, 3, NULL, 0);
	assert_string_equal(rows[0].code, "A");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rows[i].rank, 1);
		assert_int_equal(rows[i].stars, 0);
	}
	honour_rank(rows, 0, NULL, 0);
	struct honour_row one = {.code = "X", .year_points = 7, .eligible = 1};
	static const int64_t th[] = {7};
	honour_rank(&one, 1, th, 1);
	assert_int_equal(one.rank, 1);
	assert_int_equal(one.stars, 1);
}

/* post-100: weight × points / best in tenths, rounded; 0 for no points. */
static void post_100_points_part(void **state)
{
	(void)state;
	static const struct {
		int64_t weight, points, best, want;
	} cases[] = {
		{40, 80, 80, 400}, {40, 40, 80, 200}, {40, 1, 3, 133}, {40, 2, 3, 267},
		{0, 80, 80, 0},    {100, 0, 80, 0},   {50, -5, 80, 0}, {50, 5, 0, 0},
		{30, 90, 80, 300}, {100, 1, 1, 1000},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(welfare_points_part(cases[i].weight, cases[i].points, cases[i].best),
				 cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(honour_100_stars),
		cmocka_unit_test(honour_110_rank),
		cmocka_unit_test(honour_120_edges),
		cmocka_unit_test(post_100_points_part),
	};
	return cmocka_run_group_tests_name("honour", tests, NULL, NULL);
}
