/*
** evaluation.h — the town's evaluation (评估) of a village's
** implementation for a year (第三阶段 总结提升): the town's criteria with
** weights, each pre-filled with the figure measured from the village's
** records (oversight.h) and a suggested score, the evaluator's score
** (0–100) and remark per criterion, and the weighted total
**     total = Σ weight × score / Σ weight   (two decimals, rounded half up).
** Evaluations are kept: a new judgement is a new evaluation, never an
** update (the tables are append-only); the latest of a year is the one
** shown, the earlier ones are listed.
** Return convention: 0 done; 1 rejected (errs); -1 database error.
*/
#ifndef JIFEN_EVALUATION_H
#define JIFEN_EVALUATION_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "oversight.h"
#include "util.h"
#include "village.h"

struct eval_criterion {
	const char *code, *name;
	int weight, seq;
};
/* The active criteria in order (arena).  0 or -1. */
int evaluation_criteria(db *d, arena *a, struct eval_criterion **out, int *n);
/* Change a criterion's weight (0–100), own transaction, audited
** (evaluation.criterion).  0, 1 (unknown code, bad weight), -1. */
int evaluation_criterion_set(db *d, const struct actor *who, const char *code, int64_t weight,
			     errlist *errs);

/* One criterion of an evaluation: as stored, or as pre-filled. */
struct eval_score {
	const char *code, *name;
	int weight;
	const char *measured; /* the measured figure, "" none */
	int score;            /* 0–100; -1 none (pre-filled without a suggestion) */
	const char *remark;
};
/* The pre-filled form of village row r (oversight_dashboard()'s row) for
** the criteria crit: each its measured figure and a suggested score
** (docs/oversight.md says how each is suggested; 台账 has none). */
void evaluation_prefill(arena *a, const struct oversight_row *r,
			const struct oversight_settings *set, const struct eval_criterion *crit,
			int ncrit, struct eval_score *out);

/* The pre-filled form of village v for year as of today: the active
** criteria, each with its measured figure and suggested score (arena).
** 0 or -1. */
int evaluation_prefilled(db *d, arena *a, const struct village *v, int year,
			 struct eval_score **out, int *n);

struct evaluation {
	int64_t id, village_id;
	int year;
	const char *evaluator, *evaluated_on, *conclusion, *created_by;
	int64_t weight_sum, total_x100, created_at;
	struct eval_score *scores;
	int nscores;
};
/* The weighted total × 100 of n scores, rounded half up; 0 when the
** weights sum to 0. */
int64_t evaluation_total_x100(const struct eval_score *s, int n);
/* Record a new evaluation of v for year: scores (one per active
** criterion, in their order, score 0–100 each), the evaluator's name,
** the date (NULL today) and a conclusion; own transaction, audited
** (evaluation.add).  Rejected, naming the criterion, when a score is
** missing or out of range.  *id the new evaluation.  0, 1, -1. */
int evaluation_add(db *d, const struct actor *who, const struct village *v, int year,
		   const char *evaluator, const char *date, const char *conclusion,
		   const struct eval_score *scores, int n, errlist *errs, int64_t *id);
/* The village's evaluations of year, newest first, without their scores
** (arena).  0 or -1. */
int evaluation_list(db *d, arena *a, int64_t village_id, int year, struct evaluation **out,
		    int *n);
/* One evaluation with its scores; 0, 1 not found (or not v's), -1. */
int evaluation_get(db *d, arena *a, int64_t village_id, int64_t id, struct evaluation *out);

/* The demo town's finished evaluation (demo.c). */
int evaluation_demo(db *d, arena *a, const struct actor *who, int year);

#endif
