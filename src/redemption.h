/*
** redemption.h — exchanging points for the catalog's goods and services
** (兑换), in two phases: a reservation holds the points and the stock at
** once (the household's available points and the item's available stock
** both drop in the one transaction), and the handout posts a ledger entry
** of kind "redemption" (negative points) on the village's hash chain in
** the same transaction as the stock movement.  A reservation that is
** cancelled, or not handed out within the village's reservation_hours
** (default 48), gives both back.  A handout is undone only by a linked
** reversal entry with a reason (points and stock come back), never
** deleted.  `jifen redeem` reserves and hands out in one step.
**
** Serialisation (PostgreSQL; SQLite's write transaction serialises all):
** every write locks, in this order, the household's row, the item's row,
** then — when it posts — the village's chain head (ledger_batch_begin), and
** reads the balance, the holds and the stock only after its locks, so two
** counters can never hand out the same last item or spend the same points.
**
** Refusals (1, one Chinese line each in errs, nothing written): the
** household does not participate; the item is not on offer; the date is
** outside the redemption window; the household has a veto mark (一票否决)
** for the date's year; the stock is short; the points are short.
*/
#ifndef JIFEN_REDEMPTION_H
#define JIFEN_REDEMPTION_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct redemption {
	int64_t id, village_id, household_id, item_id;
	int64_t quantity, points;   /* points: item points x quantity */
	const char *status;         /* reserved handed_out cancelled expired reversed */
	const char *reserved_by;
	int64_t reserved_at, expires_at;
	const char *date;           /* of the handout, NULL before */
	const char *handed_by, *delivered_by;
	int64_t handed_at;
	int64_t ledger_entry_id, reversal_entry_id;
	const char *closed_by, *reason;
	int64_t closed_at;
	/* joined */
	const char *item_code, *item_name, *household_code;
};

/* The status in words (已预约 已兑换 已取消 已过期 已冲回); a reservation
** past its expiry reads 已过期 before the sweep marks it. */
const char *redemption_status_label(const struct redemption *x, int64_t now);

/* A household's points as the shop sees them. */
struct shop_account {
	int64_t balance;    /* household_balance */
	int64_t held;       /* points held by its live reservations */
	int64_t available;  /* balance - held */
	int veto;           /* a veto mark stands for today's year */
	int participating;
};
int redemption_account(db *d, int64_t village_id, int64_t household_id, struct shop_account *out);

/* Reserve quantity of item item_code for household household_id of v,
** today.  Own write transaction, audited.  *out (arena) the reservation.
** Returns 0, 1 refused (errs), -1. */
int redemption_reserve(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t household_id, const char *item_code, int64_t quantity,
		       errlist *errs, struct redemption **out);

/* Hand reservation id out on date (YYYY-MM-DD, NULL today); delivered_by
** names who took it to the door ("" or NULL: at the counter).  *balance
** the household's new balance.  Own write transaction.  0, 1, -1. */
int redemption_handout(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t id, const char *date, const char *delivered_by, errlist *errs,
		       struct redemption **out, int64_t *balance);

/* `jifen redeem`: reserve and hand out in one transaction.  0, 1, -1. */
int redemption_redeem(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t household_id, const char *item_code, int64_t quantity,
		      const char *date, const char *delivered_by, errlist *errs,
		      struct redemption **out, int64_t *balance);

/* Cancel a live reservation (household_only ≠ 0: only one of that
** household).  0, 1 (not found / not reserved), -1. */
int redemption_cancel(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t id, int64_t household_only, errlist *errs);

/* Reverse a handout with a reason: a "redemption" entry of +points linked
** by correction_of to the handout's entry, stock back.  0, 1, -1. */
int redemption_reverse(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t id, const char *reason, errlist *errs, struct redemption **out);

/* Mark the village's reservations past their expiry as expired (what they
** held is free already: holds count only live ones).  0 or -1. */
int redemption_expire_due(db *d, int64_t village_id);

/* One redemption of village_id (0, 1 none, -1), and a list, newest first:
** household_id 0 for all, status NULL for every status; at most limit. */
int redemption_get(db *d, arena *a, int64_t village_id, int64_t id, struct redemption **out);
int redemption_list(db *d, arena *a, int64_t village_id, int64_t household_id,
		    const char *status, int limit, struct redemption **out, int *n);

#endif
