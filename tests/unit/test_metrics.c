/*
** test_metrics.c — unit tests of src/metrics.c, the counters of /metrics:
** a request's class from its path, counts by class and status (a status
** out of range counted as 500), the latency histogram (cumulative
** buckets, +Inf, sum and count), the database counters, and the
** Prometheus text they are written as.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "metrics.h"

/* The line of b starting with prefix ("name{labels} "), its value; -1 none. */
static double value(buf *b, const char *prefix)
{
	const char *s = buf_cstr(b), *p = s;
	size_t n = strlen(prefix);
	while ((p = strstr(p, prefix))) {
		if (p == s || p[-1] == '\n') {
			double v;
			if (sscanf(p + n, "%lf", &v) == 1)
				return v;
		}
		p += n;
	}
	return -1;
}

/* metrics-100: classes by path. */
static void metrics_100_class(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		enum metrics_class c;
	} c[] = {
		{"/", MC_PAGE},
		{"/villages/V1", MC_PAGE},
		{"/api/v1/villages", MC_API},
		{"/api", MC_PAGE}, /* not under /api/ */
		{"/static/app.css", MC_STATIC},
		{"/healthz", MC_HEALTH},
		{"/metrics", MC_HEALTH},
		{"/metricsx", MC_PAGE},
		{"/p/0123abcd", MC_PASSBOOK},
		{"/passbook", MC_PASSBOOK},
		{"/passbook/2024", MC_PASSBOOK},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (metrics_class_of(c[i].path) != c[i].c)
			fail_msg("%s: %d", c[i].path, metrics_class_of(c[i].path));
	assert_string_equal(metrics_class_name(MC_PAGE), "page");
	assert_string_equal(metrics_class_name(MC_API), "api");
	assert_string_equal(metrics_class_name(MC_STATIC), "static");
	assert_string_equal(metrics_class_name(MC_PASSBOOK), "passbook");
	assert_string_equal(metrics_class_name(MC_HEALTH), "health");
}

/* metrics-110: counts, the histogram and the database counters, as
** Prometheus text (this process starts from zero). */
static void metrics_110_write(void **state)
{
	(void)state;
	buf b = {0};
	metrics_write(&b);
	assert_null(strstr(buf_cstr(&b), "jifen_http_requests_total{"));
	assert_int_equal(value(&b, "jifen_db_errors_total "), 0);
	buf_free(&b);

	metrics_request(MC_API, 200, 0.004);  /* ≤ 0.005 */
	metrics_request(MC_API, 200, 0.3);    /* ≤ 0.5 */
	metrics_request(MC_API, 404, 20);     /* past every bucket */
	metrics_request(MC_PAGE, 99, 0.01);   /* out of range: 500 */
	metrics_request(MC_PAGE, 600, 0.01);
	metrics_db_error();
	metrics_db_reconnect();
	metrics_db_reconnect();
	metrics_write(&b);
	assert_non_null(strstr(buf_cstr(&b), "# TYPE jifen_http_requests_total counter\n"));
	assert_non_null(strstr(buf_cstr(&b), "# TYPE jifen_http_request_duration_seconds histogram\n"));
	assert_int_equal(value(&b, "jifen_http_requests_total{class=\"api\",status=\"200\"} "), 2);
	assert_int_equal(value(&b, "jifen_http_requests_total{class=\"api\",status=\"404\"} "), 1);
	assert_int_equal(value(&b, "jifen_http_requests_total{class=\"page\",status=\"500\"} "), 2);
	assert_int_equal(value(&b, "jifen_http_requests_total{class=\"page\",status=\"99\"} "), -1);
	const char *bk = "jifen_http_request_duration_seconds_bucket{class=\"api\",le=";
	char name[128];
	snprintf(name, sizeof name, "%s\"0.005\"} ", bk);
	assert_int_equal(value(&b, name), 1);
	snprintf(name, sizeof name, "%s\"0.25\"} ", bk);
	assert_int_equal(value(&b, name), 1);
	snprintf(name, sizeof name, "%s\"0.5\"} ", bk);
	assert_int_equal(value(&b, name), 2);
	snprintf(name, sizeof name, "%s\"10\"} ", bk);
	assert_int_equal(value(&b, name), 2);
	snprintf(name, sizeof name, "%s\"+Inf\"} ", bk);
	assert_int_equal(value(&b, name), 3);
	assert_int_equal(value(&b, "jifen_http_request_duration_seconds_count{class=\"api\"} "), 3);
	double sum = value(&b, "jifen_http_request_duration_seconds_sum{class=\"api\"} ");
	assert_true(sum > 20.303 && sum < 20.305);
	assert_int_equal(value(&b, "jifen_http_request_duration_seconds_count{class=\"static\"} "), 0);
	assert_int_equal(value(&b, "jifen_db_errors_total "), 1);
	assert_int_equal(value(&b, "jifen_db_reconnects_total "), 2);
	/* every line is a comment or "name{...} value" / "name value" */
	for (const char *p = buf_cstr(&b); *p;) {
		const char *e = strchr(p, '\n');
		assert_non_null(e);
		assert_true(*p == '#' || !strncmp(p, "jifen_", 6));
		p = e + 1;
	}
	buf_free(&b);
}

/* metrics-120: the monotonic clock goes forward. */
static void metrics_120_clock(void **state)
{
	(void)state;
	double a = monotonic_seconds(), b = monotonic_seconds();
	assert_true(a > 0);
	assert_true(b >= a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics_100_class),
		cmocka_unit_test(metrics_110_write),
		cmocka_unit_test(metrics_120_clock),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
