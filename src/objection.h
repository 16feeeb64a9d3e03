/*
** objection.h — objections (异议/申诉) to a quarterly announcement: a
** household raises one online from its passbook, or the village admin
** records one received by phone, letter or visit; the two committees
** answer within the village's reply deadline (objection_reply_days from
** receipt), rejecting it with a reason or upholding it with a ledger entry
** posted in the same transaction as the decision: a correction of the
** entry objected to, or the missed item scored (a score entry, the item's
** caps apply).  The objection row keeps the link (ledger_seq); the ledger's
** encoding is unchanged.  Everything is audited ("objection.add",
** "objection.decide", with the ledger entry's own "ledger.correct" /
** "ledger.score").
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_OBJECTION_H
#define JIFEN_OBJECTION_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

enum objection_status { OBJ_OPEN, OBJ_REJECTED, OBJ_UPHELD };

struct objection {
	int64_t id, village_id, announcement_id, household_id;
	const char *quarter;          /* the announcement's, YYYY-Qn */
	const char *household_code, *household_name;
	const char *channel;          /* "online", "phone", "letter", "visit" */
	int64_t entry_seq;            /* 0: against the household's line */
	const char *reason;
	const char *photo;            /* evidence hash or "" */
	const char *received_on;      /* YYYY-MM-DD */
	const char *reply_by;         /* YYYY-MM-DD */
	int status;                   /* enum objection_status */
	const char *decided_on;       /* "" while open */
	const char *decision;         /* "" while open */
	int64_t ledger_seq;           /* upheld: the entry posted; else 0 */
	int64_t ledger_points;        /* its points (0 when none) */
	const char *recorded_by, *decided_by;
};

/* What is objected to: the announcement of quarter, household_code's line
** or its ledger entry entry_seq (0: the line), on received_on (YYYY-MM-DD)
** through channel, with reason and an optional photo already in the
** evidence store (its hash, or NULL). */
struct objection_input {
	const char *quarter, *household_code, *channel;
	int64_t entry_seq;
	const char *reason, *photo, *received_on;
};

/* How an objection is decided.  reject: only reason.  Uphold by
** correction: entry_seq and points (≥ 1, reversed off that entry); uphold
** by a missed item: item_code and date (YYYY-MM-DD, the day it is scored
** for). */
struct objection_decision {
	int uphold;
	const char *reason;
	int64_t entry_seq, points;
	const char *item_code, *date;
};

/* The words of a status: "open"/"rejected"/"upheld" (CLI and JSON) and
** 待答复/不予支持/已采纳 (pages). */
const char *objection_status_name(int status);
const char *objection_status_label(int status);
/* The words of a channel: 网上/电话/来信/来访; NULL when not a channel. */
const char *objection_channel_label(const char *channel);

/* The village's reply deadline in days (objection_reply_days).  Returns the
** days (≥ 1), or -1. */
int objection_reply_days(db *d, int64_t village_id);

/* Record an objection of village v.  Rejected when the quarter has no
** announcement, the household is not the village's, the entry is not the
** household's (or was posted after the announcement), the reason is empty
** or too long, the photo unknown, the channel not one of the four, or the
** date outside the objection period (the message names the period's end
** or start).  Own write transaction, audited.  *id receives the new id. */
int objection_add(db *d, arena *a, const struct actor *who, const struct village *v,
		  const struct objection_input *in, errlist *errs, int64_t *id);

/* Decide open objection id of village v on today's date (its decided_on).
** Rejected when there is no such objection, it is decided already, the
** reason is empty, or the ledger entry cannot be posted (the entry is not
** the household's score entry or has fewer points left; the item is not in
** the standard in force on the date, the household cannot be scored then,
** or a cap would be passed: the message names it).  The decision and the
** ledger entry in one write transaction, audited. */
int objection_decide(db *d, arena *a, const struct actor *who, const struct village *v,
		     int64_t id, const struct objection_decision *dec, errlist *errs);

/* Objection id of village_id (arena).  Returns 0, 1 none, -1. */
int objection_get(db *d, arena *a, int64_t village_id, int64_t id, struct objection **out);

/* The objections of village_id (quarter NULL: every quarter; household_id
** 0: every household; open_only: the queue), oldest first.  0 or -1. */
int objection_list(db *d, arena *a, int64_t village_id, const char *quarter,
		   int64_t household_id, int open_only, struct objection **rows, int *n);

/* Write o as one CSV row (id,quarter,household,status,received,decided,
** reason,decision) through the one CSV writer (csvout.h). */
struct csv_out;
void objection_csv(struct csv_out *w, const struct objection *o);

/* Whether the objection period of the announcement of quarter of village_id
** is open on date: 0 open, 1 not (errs: the message naming the period),
** -1.  *announcement_id receives the announcement's id when not NULL. */
int objection_period_check(db *d, arena *a, int64_t village_id, const char *quarter,
			   const char *date, errlist *errs, int64_t *announcement_id);

#endif
