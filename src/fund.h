/*
** fund.h — the money behind the points shop (资金来源): income by the four
** sources of the plan — self_raised 村民委员会自筹, higher_level 上级统筹,
** incentive 激励奖励资金, donation 社会捐赠 (with the donor's name) — and
** spending out of one source (buying stock, paying a service provider).
** Movements are append-only; a mistake is undone by a linked reversal
** (the negative amount in the same flow).  fund_balance keeps each
** source's income and spending in the same transaction, locked per village
** and source, so a source is never overdrawn.  All money is integer fen.
**
** Coverage: (funds' total balance + stock value) / liability, where
** liability = outstanding points (participating households' positive
** balances) × point value.  Computed in integer fen and rounded half up
** to two decimals with integer arithmetic only: coverage_x100 =
** (200 × (balance + stock) + liability) / (2 × liability).
**
** Return convention: 0 done; 1 rejected (errs); -1 database error.
*/
#ifndef JIFEN_FUND_H
#define JIFEN_FUND_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

enum { FUND_SOURCES = 4 };
/* The source names in the order of `jifen funds`. */
extern const char *const fund_sources[FUND_SOURCES];
/* The Chinese name of source i / the index of a name (-1 none). */
const char *fund_source_label(int i);
int fund_source_index(const char *name);

struct fund_move {
	int64_t id;
	const char *source, *flow; /* flow "income" or "spent" */
	int64_t amount_fen;        /* negative for a reversal */
	const char *date, *donor, *note, *recorded_by;
	int64_t reversal_of;       /* the reversed movement, 0 none */
	int64_t reversed;          /* sum of the reversals of this movement */
};

/* Money received into source on date (NULL today), donor may be NULL.
** Own write transaction, audited; *id the movement.  0, 1, -1. */
int fund_add(db *d, const struct actor *who, const struct village *v, const char *source,
	     int64_t amount_fen, const char *date, const char *donor, const char *note,
	     errlist *errs, int64_t *id);
/* Money paid out of source; refused when the source's balance is short.
** note is required. */
int fund_spend(db *d, const struct actor *who, const struct village *v, const char *source,
	       int64_t amount_fen, const char *date, const char *note, errlist *errs,
	       int64_t *id);
/* Reverse movement move_id (not itself a reversal, not reversed yet) with
** a reason; reversing income is refused when it would overdraw.  0, 1, -1. */
int fund_reverse(db *d, const struct actor *who, const struct village *v, int64_t move_id,
		 const char *reason, errlist *errs, int64_t *id);

struct fund_row {
	int64_t income, spent, balance;
};
struct fund_summary {
	struct fund_row src[FUND_SOURCES], total;
	int64_t outstanding_points, point_value_fen, liability_fen, stock_value_fen;
	int has_coverage;      /* 0 when the liability is 0 */
	int64_t coverage_x100; /* coverage × 100, rounded half up */
	int below_one;         /* money + stock < liability, exactly (0.999 shows 1.00) */
};
/* The village's figures, read in one snapshot of its own.  0 or -1. */
int fund_summary(db *d, const struct village *v, struct fund_summary *out);
/* coverage as "1.25" (or "" without a liability) into out. */
char *fund_coverage_text(char out[32], const struct fund_summary *s);

/* The village's movements, newest first, at most limit.  0 or -1. */
int fund_moves(db *d, arena *a, int64_t village_id, int limit, struct fund_move **out, int *n);

/* Income and spending of each month YYYY-MM of year (12 each, fen). */
int fund_monthly(db *d, int64_t village_id, int year, int64_t income[12], int64_t spent[12]);

#endif
