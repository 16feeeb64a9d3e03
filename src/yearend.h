/*
** yearend.h — the year end (年终处理) of a village: its year_end rule
** applied to every household's balance at the end of year Y (the sum of
** its entries of months up to Y-12) as ledger entries of kind "yearend",
** month Y-12, dated Y-12-31:
**   clear          a positive balance goes to 0 (a negative one — points
**                  deducted — is kept: there is nothing unredeemed)
**   carry          balances are kept (nothing is posted)
**   carry_cap:N    a balance above N goes down to N
** Refused before the year has ended and while a sheet of the year holds
** entries not yet approved.  Idempotent: the rule applied to balances it
** has already been applied to posts nothing, so a second run changes
** nothing.  One run is recorded per village and year (yearend_run).
*/
#ifndef JIFEN_YEAREND_H
#define JIFEN_YEAREND_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct yearend_result {
	int households;    /* entries posted by this run */
	int64_t points;    /* their sum (≤ 0) */
	int repeated;      /* the year had been done before */
	const char *rule;  /* "clear", "carry" or "carry_cap:N" */
};

/* Run the year end of v for year, in a write transaction of its own,
** audited ("ledger.yearend").  Returns 0, 1 refused (errs), -1. */
int yearend_run(db *d, arena *a, const struct actor *who, const struct village *v, int year,
		errlist *errs, struct yearend_result *res);

/* The recorded run of v for year: 0 (*res filled, points and households
** of all runs), 1 none, -1. */
int yearend_get(db *d, arena *a, int64_t village_id, int year, struct yearend_result *res,
		int64_t *run_at, const char **run_by);

#endif
