/*
** metrics.c — the server's counters (see metrics.h).  Lock-free: each
** counter is a relaxed atomic, so counting costs a request nothing that it
** would notice, and a scrape sees each counter whole (Prometheus wants
** only that, not a consistent snapshot across them).
*/
#include "metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* The latency buckets (seconds): from a page of the passbook (a few ms) to
** a month's sheet approved on PostgreSQL (seconds). */
static const double bucket_le[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof bucket_le / sizeof bucket_le[0])
#define NSTATUS 600

static atomic_ulong requests[MC_COUNT][NSTATUS];
static atomic_ulong latency_bucket[MC_COUNT][NBUCKETS];
static atomic_ulong latency_count[MC_COUNT];
static atomic_ulong latency_micros[MC_COUNT]; /* the sum, in microseconds */
static atomic_ulong db_errors, db_reconnects;

static const char *const class_names[MC_COUNT] = {"page", "api", "static", "passbook", "health"};

enum metrics_class metrics_class_of(const char *path)
{
	if (!strncmp(path, "/api/", 5))
		return MC_API;
	if (!strncmp(path, "/static/", 8))
		return MC_STATIC;
	if (!strcmp(path, "/healthz") || !strcmp(path, "/metrics"))
		return MC_HEALTH;
	if (!strncmp(path, "/p/", 3) || !strncmp(path, "/passbook", 9))
		return MC_PASSBOOK;
	return MC_PAGE;
}

const char *metrics_class_name(enum metrics_class c)
{
	return class_names[c];
}

void metrics_request(enum metrics_class c, int status, double seconds)
{
	if (status < 100 || status >= NSTATUS)
		status = 500;
	atomic_fetch_add_explicit(&requests[c][status], 1, memory_order_relaxed);
	for (size_t i = 0; i < NBUCKETS; i++)
		if (seconds <= bucket_le[i])
			atomic_fetch_add_explicit(&latency_bucket[c][i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_count[c], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_micros[c], (unsigned long)(seconds * 1e6),
				  memory_order_relaxed);
}

double monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void metrics_db_error(void)
{
	atomic_fetch_add_explicit(&db_errors, 1, memory_order_relaxed);
}

void metrics_db_reconnect(void)
{
	atomic_fetch_add_explicit(&db_reconnects, 1, memory_order_relaxed);
}

static unsigned long get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

void metrics_write(buf *b)
{
	buf_puts(b, "# HELP jifen_http_requests_total HTTP requests answered, by route class and status.\n"
		    "# TYPE jifen_http_requests_total counter\n");
	for (int c = 0; c < MC_COUNT; c++)
		for (int s = 100; s < NSTATUS; s++) {
			unsigned long n = get(&requests[c][s]);
			if (n)
				buf_printf(b, "jifen_http_requests_total{class=\"%s\",status=\"%d\"} %lu\n",
					   class_names[c], s, n);
		}
	buf_puts(b, "# HELP jifen_http_request_duration_seconds Time to answer a request.\n"
		    "# TYPE jifen_http_request_duration_seconds histogram\n");
	for (int c = 0; c < MC_COUNT; c++) {
		for (size_t i = 0; i < NBUCKETS; i++)
			buf_printf(b,
				   "jifen_http_request_duration_seconds_bucket{class=\"%s\",le=\"%g\"} %lu\n",
				   class_names[c], bucket_le[i], get(&latency_bucket[c][i]));
		unsigned long n = get(&latency_count[c]);
		buf_printf(b, "jifen_http_request_duration_seconds_bucket{class=\"%s\",le=\"+Inf\"} %lu\n",
			   class_names[c], n);
		buf_printf(b, "jifen_http_request_duration_seconds_sum{class=\"%s\"} %.6f\n",
			   class_names[c], (double)get(&latency_micros[c]) / 1e6);
		buf_printf(b, "jifen_http_request_duration_seconds_count{class=\"%s\"} %lu\n",
			   class_names[c], n);
	}
	buf_printf(b,
		   "# HELP jifen_db_errors_total Requests that ended with the database failing.\n"
		   "# TYPE jifen_db_errors_total counter\njifen_db_errors_total %lu\n"
		   "# HELP jifen_db_reconnects_total Database connections re-established.\n"
		   "# TYPE jifen_db_reconnects_total counter\njifen_db_reconnects_total %lu\n",
		   get(&db_errors), get(&db_reconnects));
}
