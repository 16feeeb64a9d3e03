/*
** test_deploy.c — unit tests of the deployment's small pieces: the
** configuration file (conffile.c), the scrubbing of database messages for
** the error log (errlog.c), the per-address request budget (ratelimit.c)
** and the Prometheus text of the counters (metrics.c).
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

#include "conffile.h"
#include "errlog.h"
#include "metrics.h"
#include "ratelimit.h"
#include "util.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/jifen-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_conf(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct jifen_conf c;
	char err[256];
	char *p = write_tmp("# comment\n\n db = /var/lib/jifen/jifen.db \r\nlisten=127.0.0.1:8080\n"
			    "town = 朱家角镇\nbackup_keep_days = 14\nkey =\n");
	assert_int_equal(conf_load(a, p, 1, &c, err, sizeof err), 0);
	assert_string_equal(c.db, "/var/lib/jifen/jifen.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.town, "朱家角镇");
	assert_int_equal(c.backup_keep_days, 14);
	assert_null(c.key); /* empty: not set */
	unlink(p);
	p = write_tmp("db = x\nbackup_keep_days = -1\n");
	assert_int_equal(conf_load(a, p, 1, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2:"));
	unlink(p);
	p = write_tmp("no equals sign\n");
	assert_int_equal(conf_load(a, p, 1, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1:"));
	unlink(p);
	/* missing: an error only when required */
	assert_int_equal(conf_load(a, "/nonexistent/jifen.conf", 0, &c, err, sizeof err), 0);
	assert_null(c.path);
	assert_int_equal(conf_load(a, "/nonexistent/jifen.conf", 1, &c, err, sizeof err), -1);
	arena_free(a);
}

static void test_conf_path(void **state)
{
	(void)state;
	int required;
	unsetenv("JIFEN_CONFIG");
	unsetenv("INVOCATION_ID");
	assert_null(conf_path(NULL, &required));
	assert_string_equal(conf_path("/x.conf", &required), "/x.conf");
	assert_int_equal(required, 1);
	setenv("INVOCATION_ID", "abc", 1);
	assert_string_equal(conf_path(NULL, &required), CONF_DEFAULT_PATH);
	assert_int_equal(required, 0);
	setenv("JIFEN_CONFIG", "/y.conf", 1);
	assert_string_equal(conf_path(NULL, &required), "/y.conf");
	assert_int_equal(required, 1);
	unsetenv("JIFEN_CONFIG");
	unsetenv("INVOCATION_ID");
}

static void test_scrub(void **state)
{
	(void)state;
	char out[128];
	errlog_scrub("duplicate key 13912345678 and id 42", out, sizeof out);
	assert_string_equal(out, "duplicate key *** and id 42");
	errlog_scrub("violates \"household_phone\" DETAIL: Key (phone)=(139)", out, sizeof out);
	assert_string_equal(out, "violates 'household_phone' ");
	errlog_scrub("line one\nline two", out, sizeof out);
	assert_string_equal(out, "line one line two");
	errlog_scrub("0123456789012345678901234567890123456789", out, 8);
	assert_string_equal(out, "***");
	char tiny[6];
	errlog_scrub("abcdefghij", tiny, sizeof tiny);
	assert_true(strlen(tiny) < sizeof tiny);
}

static void test_ratelimit(void **state)
{
	(void)state;
	struct guard_addr a = {{0}}, b = {{0}}, lo = {{0}};
	a.b[10] = a.b[11] = 0xff;
	a.b[12] = 203;
	a.b[15] = 7;
	b = a;
	b.b[15] = 8;
	lo.b[10] = lo.b[11] = 0xff;
	lo.b[12] = 127;
	lo.b[15] = 1;
	ratelimit_start(60); /* 1 a second, 30 at once */
	int ok = 0;
	for (int i = 0; i < 40; i++)
		ok += ratelimit_take(&a) == 0;
	assert_int_equal(ok, 30);
	unsigned wait = ratelimit_take(&a);
	assert_true(wait >= 1 && wait <= 2);
	assert_int_equal(ratelimit_take(&b), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(ratelimit_take(&lo), 0);
	ratelimit_start(0); /* off */
	for (int i = 0; i < 100; i++)
		assert_int_equal(ratelimit_take(&a), 0);
}

static void test_metrics_text(void **state)
{
	(void)state;
	assert_int_equal(metrics_class_of("/api/v1/session"), MC_API);
	assert_int_equal(metrics_class_of("/static/app.css"), MC_STATIC);
	assert_int_equal(metrics_class_of("/p/abc"), MC_PASSBOOK);
	assert_int_equal(metrics_class_of("/healthz"), MC_HEALTH);
	assert_int_equal(metrics_class_of("/v/V1"), MC_PAGE);
	metrics_request(MC_API, 201, 0.003);
	metrics_request(MC_API, 201, 0.2);
	metrics_request(MC_PAGE, 999, 20); /* out of range: counted as 500 */
	metrics_db_reconnect();
	buf b = {0};
	metrics_write(&b);
	const char *t = buf_cstr(&b);
	assert_non_null(strstr(t, "jifen_http_requests_total{class=\"api\",status=\"201\"} 2\n"));
	assert_non_null(strstr(t, "jifen_http_requests_total{class=\"page\",status=\"500\"} 1\n"));
	assert_non_null(
		strstr(t, "jifen_http_request_duration_seconds_bucket{class=\"api\",le=\"0.005\"} 1\n"));
	assert_non_null(
		strstr(t, "jifen_http_request_duration_seconds_bucket{class=\"api\",le=\"0.25\"} 2\n"));
	assert_non_null(
		strstr(t, "jifen_http_request_duration_seconds_bucket{class=\"page\",le=\"10\"} 0\n"));
	assert_non_null(
		strstr(t, "jifen_http_request_duration_seconds_bucket{class=\"page\",le=\"+Inf\"} 1\n"));
	assert_non_null(strstr(t, "jifen_db_reconnects_total 1\n"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf),         cmocka_unit_test(test_conf_path),
		cmocka_unit_test(test_scrub),        cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_metrics_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
