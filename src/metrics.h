/*
** metrics.h — what the server counts for /metrics (Prometheus text
** format), in memory per instance: requests by route class and status,
** their latency, database errors and reconnects.  Counters only, never a
** name, login, address or token: nothing personal can leak through them.
** The figures that live in the database (ledger sizes, announcements,
** redemptions) are read when /metrics is asked (api_health.c).
*/
#ifndef JIFEN_METRICS_H
#define JIFEN_METRICS_H

#include "util.h"

/* A request's route class, from its path. */
enum metrics_class {
	MC_PAGE,    /* web pages */
	MC_API,     /* /api/ */
	MC_STATIC,  /* /static/ */
	MC_PASSBOOK, /* the households' passbook (/passbook, /p/TOKEN) */
	MC_HEALTH,  /* /healthz, /metrics */
	MC_COUNT
};
enum metrics_class metrics_class_of(const char *path);
const char *metrics_class_name(enum metrics_class c);

/* One answered request: its class, HTTP status and seconds taken. */
void metrics_request(enum metrics_class c, int status, double seconds);
/* A request that ended with a database failure (answered 503). */
void metrics_db_error(void);
/* A database connection re-established after it broke (db_pg.c). */
void metrics_db_reconnect(void);

/* Seconds on the monotonic clock (for request latency). */
double monotonic_seconds(void);

/* Append the counters above to b in Prometheus text format. */
void metrics_write(buf *b);

#endif
