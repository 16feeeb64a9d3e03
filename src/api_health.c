/*
** api_health.c — what a load balancer and a monitoring system ask of an
** instance, over metrics.c and the database:
**
**   GET /healthz   200 {"status":"ok","database":true,"schema":22,
**                  "schema_current":true,"key":true}, or 503 with the same
**                  fields and "status":"unavailable" when the database does
**                  not answer, its schema is older than this binary's, or
**                  the signing key file is missing.  Public: a balancer
**                  has no session; it says nothing but these booleans.
**   GET /metrics   Prometheus text format (0.0.4): metrics.c's counters,
**                  and from the database the ledger entries, announcements
**                  and redemptions per village (by village code — no
**                  household, name or address).  Only for clients on
**                  loopback (the machine's own Prometheus or node agent;
**                  behind a trusted proxy the forwarded client counts, so
**                  the internet never reads it through nginx): 403 to
**                  others.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "embed.h"
#include "metrics.h"
#include "signing.h"

/* The newest schema version embedded in this binary ("NNN-name.sql"). */
static int schema_newest(void)
{
	int v = 0;
	for (const struct embedded_file *f = embedded_schema; f->name; f++)
		if (atoi(f->name) > v)
			v = atoi(f->name);
	return v;
}

/* GET /healthz */
static void api_healthz(struct req *r)
{
	int64_t version = -1;
	db_stmt *s = db_prepare(r->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (s && db_step(s) == DB_ROW)
		version = db_column_int(s, 0);
	if (s)
		db_reset(s);
	int database = version >= 0, current = version >= schema_newest();
	int key = access(signing_key_path(), R_OK) == 0;
	int ok = database && current && key;
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "status", ok ? "ok" : "unavailable");
	json_bool(r, "database", database);
	json_int(r, "schema", version < 0 ? 0 : version);
	json_bool(r, "schema_current", database && current);
	json_bool(r, "key", key);
	json_end_obj(r);
	http_header(r, "Cache-Control", "no-store");
	json_send(r, ok ? 200 : 503);
}

/* 1 when r's client is on this machine (127.0.0.0/8, ::1). */
static int client_is_loopback(const struct req *r)
{
	return r->ip && (!strncmp(r->ip, "127.", 4) || !strcmp(r->ip, "::1") ||
			 !strncmp(r->ip, "::ffff:127.", 11));
}

/* One gauge per village from sql (village code, count), into b. */
static int village_gauge(struct req *r, buf *b, const char *name, const char *help,
			 const char *sql)
{
	db_stmt *s = db_prepare(r->db, sql);
	if (!s)
		return -1;
	buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		/* codes are [A-Za-z0-9_-] (village.c): nothing to escape */
		buf_printf(b, "%s{village=\"%s\"} %lld\n", name, db_column_text(s, 0),
			   (long long)db_column_int(s, 1));
	}
	db_reset(s);
	return st == DB_DONE ? 0 : -1;
}

/* GET /metrics */
static void api_metrics(struct req *r)
{
	if (!client_is_loopback(r)) {
		http_error(r, 403, "监控指标只对本机开放。");
		return;
	}
	buf b = {0};
	metrics_write(&b);
	int rc = village_gauge(r, &b, "jifen_ledger_entries", "Entries on each village's ledger.",
			       "SELECT v.code, COUNT(l.id) FROM village v"
			       " LEFT JOIN ledger_entry l ON l.village_id = v.id"
			       " GROUP BY v.code ORDER BY v.code");
	if (!rc)
		rc = village_gauge(r, &b, "jifen_announcements", "Quarterly announcements frozen.",
				   "SELECT v.code, COUNT(a.id) FROM village v"
				   " LEFT JOIN announcement a ON a.village_id = v.id"
				   " GROUP BY v.code ORDER BY v.code");
	if (!rc)
		rc = village_gauge(r, &b, "jifen_redemptions", "Redemptions at the points shop.",
				   "SELECT v.code, COUNT(x.id) FROM village v"
				   " LEFT JOIN redemption x ON x.village_id = v.id"
				   " GROUP BY v.code ORDER BY v.code");
	if (rc) {
		buf_free(&b);
		http_error(r, 503, "系统暂时不可用（数据库无法访问），请稍后再试。");
		return;
	}
	http_header(r, "Cache-Control", "no-store");
	http_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len);
	buf_free(&b);
}

const struct route health_routes[] = {
	{"GET", "/healthz", api_healthz, 0, ROUTE_PUBLIC},
	{"GET", "/metrics", api_metrics, 0, ROUTE_PUBLIC},
	{0},
};
