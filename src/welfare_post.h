/*
** welfare_post.h — public-welfare posts (公益岗位, 结果运用): the village
** admin posts an opening (title, description, places, the application
** period, and the weight in percent the household's points carry in the
** assessment); participating households of the village apply, online
** from the passbook or recorded by the village admin; the candidates list
** shows each applicant's year points and the points part of the
** assessment (weight × points / the best applicant's points); the two
** committees' decision names who got the post and why.  Everything is
** audited ("welfare_post.add", "welfare_post.apply", "welfare_post.decide").
**
** The year points are ledger_balances()' of the year the application
** period ends in — the same figure as `jifen balances` and the honours.
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_WELFARE_POST_H
#define JIFEN_WELFARE_POST_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct welfare_post {
	int64_t id, village_id;
	const char *title, *description;
	int64_t places;
	const char *apply_from, *apply_until; /* YYYY-MM-DD, inclusive */
	int64_t points_weight;                /* percent, 0–100 */
	int decided;
	const char *decided_on, *decision;    /* "" while open */
	const char *decided_by, *created_by;
	int64_t applications;                 /* how many applied */
};

struct welfare_post_input {
	const char *title;       /* required, ≤ 100 characters */
	const char *description; /* ≤ 2000 characters, may be empty */
	int64_t places;          /* 1–100 */
	const char *apply_from, *apply_until;
	int64_t points_weight;   /* 0–100 */
};

/* One applicant on the candidates list. */
struct welfare_applicant {
	int64_t id, household_id;
	const char *code, *name;     /* the head's name, unmasked */
	const char *channel;         /* "online" or "office" */
	const char *note, *applied_on;
	int selected;
	int64_t year_points;
	int veto;                    /* a veto mark that year (shown, not a bar) */
	int64_t points_part_tenths;  /* the points part of the assessment ×10 */
};

/* The points part of the assessment in tenths of a point: weight ×
** points / best, rounded, 0 when points or best is not positive; out of
** weight (the best applicant gets all of it). */
int64_t welfare_points_part(int64_t weight, int64_t points, int64_t best);

/* Post an opening of village v.  Rejected when a field is wrong (named).
** Own write transaction, audited.  *id receives its id. */
int welfare_post_add(db *d, arena *a, const struct actor *who, const struct village *v,
		     const struct welfare_post_input *in, errlist *errs, int64_t *id);

/* Post id of village_id.  Returns 0, 1 none (or another village's), -1. */
int welfare_post_get(db *d, arena *a, int64_t village_id, int64_t id, struct welfare_post **out);

/* The openings of village_id, newest first.  0 or -1. */
int welfare_post_list(db *d, arena *a, int64_t village_id, struct welfare_post **rows, int *n);

/* household_code applies to post_id of village v on date (YYYY-MM-DD)
** through channel ("online" from the passbook, "office" recorded by the
** village admin) with a note (≤ 500 characters, may be empty).  Rejected
** when the post is unknown or decided, date is outside the application
** period, the household is not a participating household of v, or it
** applied already.  Own write transaction, audited.  *id: the application. */
int welfare_apply(db *d, arena *a, const struct actor *who, const struct village *v,
		  int64_t post_id, const char *household_code, const char *channel,
		  const char *note, const char *date, errlist *errs, int64_t *id);

/* The applicants of post p of village v with their points, highest points
** part first (then by code).  0 or -1. */
int welfare_candidates(db *d, arena *a, const struct village *v, const struct welfare_post *p,
		       struct welfare_applicant **rows, int *n);

/* The decision on post_id of village v, today: the households (codes of
** applicants, at most places of them, none when no one is suitable) who
** get the post, and the reason (required, ≤ 1000 characters, public).
** Rejected when decided already or a code is not an applicant.  Own
** write transaction, audited. */
int welfare_decide(db *d, arena *a, const struct actor *who, const struct village *v,
		   int64_t post_id, const char *const *codes, int n_codes, const char *reason,
		   errlist *errs);

#endif
