/*
** req.h — the request kit every page and API handler shares: who is
** asking (for audit rows), and the path and query values with the 400/404
** answer that goes with each.  Helpers named ..._or_4xx() either return the
** value or answer the request themselves (Redis' ...OrReply):
**     const char *month = req_month_or_404(r, r->arg[1]);
**     if (!month) return;
*/
#ifndef JIFEN_REQ_H
#define JIFEN_REQ_H
#include <stdint.h>

#include "audit.h"
#include "http.h"

/* The logged-in user of r as the actor of audit rows (login, address). */
struct actor req_actor(struct req *r);

/* The month m (r->arg[1] of the sheet URLs) if it is a valid "YYYY-MM" not
** after this month, else answers 404 and returns NULL. */
const char *req_month_or_404(struct req *r, const char *m);

/* The positive decimal id s (a path segment), or answers 404 with msg and
** returns 0. */
int64_t req_id_or_404(struct req *r, const char *s, const char *msg);

/* The openers of the village URLs /v/CODE/... : the village r->arg[0]
** (req_village_or_404()) and then the month or the id r->arg[1]; 0 with
** both set, or -1 when r is answered (404, another village's too). */
int req_village_month_or_404(struct req *r, struct village **v, const char **month);
int req_village_id_or_404(struct req *r, struct village **v, int64_t *id, const char *msg);

/* What every POST on a village's month (/v/CODE/sheets/YYYY-MM/… and its
** JSON twin /api/v1/villages/CODE/sheets/YYYY-MM/…) opens with: the village
** and month of the path, who acts, and the list that the sheet area fills
** with its refusals. */
struct month_action {
	struct village *v;
	const char *month;
	struct actor who;
	errlist errs;
};
/* The opener of those POSTs: 0 with *a filled (the caller ends with
** errlist_free(&a->errs)), or -1 when r is answered (404 as
** req_village_month_or_404() answers it). */
int req_month_action_or_404(struct req *r, struct month_action *a);

/* The ledger entry of v whose id is the path segment s, or answers 404
** (unknown, not a number, or another village's) or 500 and returns NULL. */
struct ledger_entry;
struct ledger_entry *req_ledger_entry_or_404(struct req *r, const struct village *v,
					     const char *s);
/* The opener of /v/CODE/ledger/ID/...: the village r->arg[0] as
** req_village_or_404() gives it into *v, then its entry r->arg[1] as
** above; NULL when r is answered. */
struct ledger_entry *req_village_ledger_entry_or_404(struct req *r, struct village **v);

/* The openers that the town's pages and their JSON twins share. */
struct oversight_settings;
struct oversight_row;
struct evaluation;
/* The ?year= of a town page or endpoint, this year when absent; 0 and a
** 400 answer when it is not a year 1900–2199. */
int req_town_year_or_400(struct req *r);
/* The town dashboard of ?year=: every village's figures as of today
** (oversight.h), sorted by ?sort (descending with ?desc=1), with the
** settings they were judged by; arena memory, or NULL when r is answered
** (400, 500). */
struct town_dashboard {
	int year;
	struct oversight_settings *set;
	struct oversight_row *rows;
	int n;
	const char *sort; /* the sort key in force */
	int desc;
};
struct town_dashboard *req_town_dashboard_or_reply(struct req *r);
/* The village of the path (r->arg[0]) and its dashboard row of ?year=, or
** NULL when r is answered (404, 400, 500). */
struct oversight_row *req_town_village_row_or_404(struct req *r, struct village **v, int *year,
						  struct oversight_settings *set);
/* The consultations of a village (consultation.h), newest first, or a 500
** answer and -1. */
struct consultation;
int req_consultations_or_500(struct req *r, int64_t village_id, struct consultation **rows,
			     int *n);
/* The evaluation /town/v/CODE/evaluation/ID into *v and *e: 0, or -1 when r
** is answered (404, another village's too; 500). */
int req_village_evaluation_or_404(struct req *r, struct village **v, struct evaluation *e);

/* A query parameter trimmed of surrounding spaces ("" when absent). */
const char *req_query_trim(struct req *r, const char *name);

/* The village of a public endpoint or page by code (the standard is
** public: no access check), or answers 404 and returns NULL. */
struct village *req_public_village_or_404(struct req *r, const char *code);

/* An integer query parameter in [lo, hi], def when absent or empty; -1 and
** a 400 answer when present but not such a number.  msg is the answer's
** message, NULL for one naming the parameter and its range. */
int64_t req_query_int_or_400(struct req *r, const char *name, int64_t def, int64_t lo,
			     int64_t hi, const char *msg);

/* An integer query parameter in [lo, hi]; def when absent, not a number or
** out of range (for paging, where a bad value is not worth a refusal). */
int64_t req_query_int(struct req *r, const char *name, int64_t def, int64_t lo, int64_t hi);

/* The name of an uploaded file as it appears in "FILE:ROW:" error lines:
** its last path part, or "upload.csv" when it is empty, unprintable or
** longer than 100 characters (arena a). */
const char *upload_name(arena *a, const char *filename);

#endif
