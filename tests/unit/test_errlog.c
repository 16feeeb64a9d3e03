/*
** test_errlog.c — unit tests of src/errlog.c, the one line per failed
** request: never a secret or a person — runs of 7 or more digits (a phone,
** a PIN, an id card) become ***, everything from PostgreSQL's DETAIL on is
** cut, quotes and line breaks cannot break the line's fields — bounded to
** its buffer, and the line's shape as journald receives it.
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

#include "errlog.h"

static const char *scrub(const char *msg, size_t n)
{
	static char out[512];
	memset(out, '#', sizeof out);
	errlog_scrub(msg, out, n);
	return out;
}

/* errlog-100: digits, DETAIL, quotes and line breaks. */
static void errlog_100_scrub(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} c[] = {
		{"duplicate key value violates unique constraint \"household_code\"\nDETAIL:  Key (phone)=(13812345678) already exists.",
		 "duplicate key value violates unique constraint 'household_code' "},
		{"电话 13812345678 已存在", "电话 *** 已存在"},
		{"身份证 31011519800101123X", "身份证 ***X"},
		{"PIN 1234567", "PIN ***"},
		{"id 123456 at 2024", "id 123456 at 2024"}, /* six digits stay */
		{"a1234567b7654321c", "a***b***c"},
		{"line\r\nbreak", "line  break"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		assert_string_equal(scrub(c[i].in, 512), c[i].out);
}

/* errlog-110: the output never passes its buffer, and is terminated. */
static void errlog_110_bounded(void **state)
{
	(void)state;
	const char *s = scrub("abcdefghijklmnopqrstuvwxyz", 10);
	assert_true(strlen(s) < 10);
	assert_int_equal(strncmp(s, "abcdef", 5), 0);
	assert_int_equal(s[10], '#'); /* nothing written past n */
	s = scrub("12345 12345 12345", 8);
	assert_true(strlen(s) < 8);
	s = scrub("x", 1);
	assert_string_equal(s, "");
	char untouched[4] = "zzz";
	errlog_scrub("abc", untouched, 0); /* n 0 writes nothing */
	assert_string_equal(untouched, "zzz");
}

/* The stderr output of errlog_request(...). */
static char *captured(int status, const char *method, const char *route, const char *klass,
		      const char *db_message)
{
	char path[] = "/tmp/jifen-test-errlog-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	errlog_request(status, method, route, klass, db_message);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	static char line[1024];
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, line, sizeof line - 1);
	line[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return line;
}

/* errlog-120: the line, with the route's pattern and a scrubbed message;
** no route, no message. */
static void errlog_120_line(void **state)
{
	(void)state;
	assert_string_equal(captured(503, "POST", "/api/v1/villages/*/sheets/*/entries", "api",
				     "无法重新连接数据库: 13912345678"),
			    "jifen-error status=503 method=POST route=\"/api/v1/villages/*/sheets/*/entries\""
			    " class=api db=\"无法重新连接数据库: ***\"\n");
	assert_string_equal(captured(500, "GET", NULL, "page", NULL),
			    "jifen-error status=500 method=GET route=\"(none)\" class=page db=\"\"\n");
	/* a very long message is cut to the line's buffer */
	char big[2000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	const char *l = captured(500, "GET", "/", "page", big);
	assert_true(strlen(l) < 500);
	assert_int_equal(l[strlen(l) - 1], '\n');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errlog_100_scrub),
		cmocka_unit_test(errlog_110_bounded),
		cmocka_unit_test(errlog_120_line),
	};
	return cmocka_run_group_tests_name("errlog", tests, NULL, NULL);
}
