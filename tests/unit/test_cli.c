/*
** test_cli.c — unit tests of cli.c: options with a value ("--x V" and
** "--x=V"), flags, positional words around them, unknown options and
** missing values as usage errors (exit 2), and the usage half of the
** opener of a command on one village.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const known[] = {"--village=", "--dry-run", NULL};

static struct cli words(char **argv, int argc)
{
	struct cli c = {0};
	c.argv = argv;
	c.argc = argc;
	c.usage = "test --village CODE FILE [--dry-run]";
	return c;
}

/* cli-100: values, flags and positional words. */
static void cli_100_options(void **state)
{
	(void)state;
	char *argv[] = {"--village", "V1", "a.csv", "--dry-run", "b.csv"};
	struct cli c = words(argv, 5);
	assert_int_equal(cli_check_options(&c, known), 0);
	assert_string_equal(cli_opt(&c, "--village"), "V1");
	assert_true(cli_flag(&c, "--dry-run"));
	assert_int_equal(cli_npos(&c), 2);
	assert_string_equal(cli_pos(&c, 0), "a.csv");
	assert_string_equal(cli_pos(&c, 1), "b.csv");
	assert_null(cli_pos(&c, 2));
	char *argv2[] = {"--village=V2", "x"};
	c = words(argv2, 2);
	assert_int_equal(cli_check_options(&c, known), 0);
	assert_string_equal(cli_opt(&c, "--village"), "V2");
	assert_false(cli_flag(&c, "--dry-run"));
	assert_int_equal(cli_npos(&c), 1);
}

/* cli-110: unknown options, a value missing, a value given to a flag: 2. */
static void cli_110_usage_errors(void **state)
{
	(void)state;
	char *a1[] = {"--vilage", "V1"};
	char *a2[] = {"--village"};
	char *a3[] = {"--dry-run=yes"};
	struct cli c = words(a1, 2);
	assert_int_equal(cli_check_options(&c, known), EXIT_USAGE);
	c = words(a2, 1);
	assert_int_equal(cli_check_options(&c, known), EXIT_USAGE);
	c = words(a3, 1);
	assert_int_equal(cli_check_options(&c, known), EXIT_USAGE);
	assert_int_equal(cli_usage(&c), EXIT_USAGE);
}

/* cli-120: "--" ends the options: a flag after it is not set. */
static void cli_120_double_dash(void **state)
{
	(void)state;
	char *argv[] = {"--", "--dry-run"};
	struct cli c = words(argv, 2);
	assert_int_equal(cli_check_options(&c, known), 0);
	assert_false(cli_flag(&c, "--dry-run"));
}

/* cli-130: an area function's failure: 1 rejected, 3 otherwise. */
static void cli_130_area_failure(void **state)
{
	(void)state;
	errlist errs = {0};
	errlist_add(&errs, "x");
	struct cli c = words(NULL, 0);
	assert_int_equal(cli_area_failure(&c, 1, &errs), EXIT_REJECTED);
	errlist_free(&errs);
}

/* cli-140: a command on one village: the usage (2) when its own test of
** its words fails or --village is missing, before any village is looked up
** (c has no database here), and *v NULL then. */
static void cli_140_village_or_usage(void **state)
{
	(void)state;
	char *argv[] = {"--village", "V1", "a.csv"};
	struct cli c = words(argv, 3);
	assert_int_equal(cli_options_or_usage(&c, known), 0);
	struct village *v = (struct village *)&c;
	assert_int_equal(cli_village_or_usage(&c, cli_npos(&c) != 2, &v), EXIT_USAGE);
	assert_null(v);
	char *argv2[] = {"a.csv"};
	c = words(argv2, 1);
	assert_int_equal(cli_options_or_usage(&c, known), 0);
	v = (struct village *)&c;
	assert_int_equal(cli_village_or_usage(&c, cli_npos(&c) != 1, &v), EXIT_USAGE);
	assert_null(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_100_options),
		cmocka_unit_test(cli_110_usage_errors),
		cmocka_unit_test(cli_120_double_dash),
		cmocka_unit_test(cli_130_area_failure),
		cmocka_unit_test(cli_140_village_or_usage),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
