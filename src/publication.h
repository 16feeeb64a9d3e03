/*
** publication.h — what the public announcement pages may show (公示公开):
** a frozen announcement's lines with each head's name masked (张*明) unless
** the household gave its separate consent to publish it (PIPL art. 25:
** recorded on the household with its date and who recorded it,
** withdrawable, audited), never an ID number, phone or address; the
** quarter's deductions by item without naming a household (红黑榜); the
** corrections posted since the previous announcement (upheld objections
** among them); and whether an announcement is still on the public list
** (village setting announcement_public_days after its objection period).
** The frozen lines and their Merkle tree hold the masked name: consent
** changes what the page shows, never what was signed.
*/
#ifndef JIFEN_PUBLICATION_H
#define JIFEN_PUBLICATION_H

#include <stdint.h>

#include "announcement.h"
#include "audit.h"
#include "db.h"
#include "ledger.h"
#include "util.h"
#include "village.h"

/* A household's consent to publish its head's name: on "" when none. */
struct name_consent {
	const char *on; /* YYYY-MM-DD given, "" none */
	const char *by; /* login of who recorded it, "" none */
};

/* The consent of household_id of village_id.  Returns 0, 1 none, -1. */
int publication_consent_get(db *d, arena *a, int64_t village_id, int64_t household_id,
			    struct name_consent *out);

/* The head's name of household_id as a public page other than the frozen
** announcement shows it (the honour roll, a post's result): name itself
** when the household consents now, else masked (张*明).  Arena a. */
const char *publication_name(db *d, arena *a, int64_t village_id, int64_t household_id,
			     const char *name);

/* Record (given 1: dated today, by who) or withdraw (given 0) household_id's
** consent, in its own write transaction with an audit record
** ("household.name_consent").  Returns 0, 1 (errs: not the village's
** household), -1. */
int publication_consent_set(db *d, const struct actor *who, const struct village *v,
			    int64_t household_id, int given, errlist *errs);

/* The lines of ann as the public sees them today: n lines in leaf order,
** each name the head's own when the household consents now, else the
** frozen masked name.  Returns 0 or -1. */
int publication_lines(db *d, arena *a, const struct announcement *ann,
		      struct announcement_line **rows, int *n);

/* One row of the deductions (扣分) of a quarter: by item, no household. */
struct deduction {
	const char *item_code, *item_name;
	int64_t count, points; /* entries and their (negative) sum */
};
/* The score entries with negative points of ann's quarter on the ledger
** it announced (seq ≤ ledger_size), by item code.  0 or -1. */
int publication_deductions(db *d, arena *a, int64_t village_id, const struct announcement *ann,
			   struct deduction **rows, int *n);

/* One ledger entry posted since the previous announcement that changes an
** earlier month (a correction, or an item scored for a past month through
** an upheld objection): the item, month and points, no household. */
struct late_change {
	int64_t seq;
	enum ledger_kind kind;
	const char *item_code, *item_name, *month;
	int64_t points;
};
/* The corrections and late scores with seq in (previous announcement's
** ledger_size, ann's] — what this announcement carries forward.  0 or -1. */
int publication_late_changes(db *d, arena *a, int64_t village_id,
			     const struct announcement *ann, struct late_change **rows, int *n);

/* The last day ann stays on the public list: objection_until plus the
** village's announcement_public_days, into out.  Returns 0 or -1. */
int publication_listed_until(db *d, int64_t village_id, const struct announcement *ann,
			     char out[11]);

#endif
