/*
** declaration.h — households' declarations of good deeds (积分申报): a
** household declares on its passbook pages, a scorer accepts it into an
** entry (sheet.h's checks apply) or declines it.  Return convention as in
** sheet.h: 0 done, 1 rejected (errs), -1 database error; SHEET_NOT_FOUND
** (sheet.h) for an unknown declaration.
*/
#ifndef JIFEN_DECLARATION_H
#define JIFEN_DECLARATION_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

enum declaration_status { DECL_PENDING, DECL_ACCEPTED, DECL_DECLINED };
struct declaration {
	int64_t id, village_id, household_id;
	const char *household_code, *household_name;
	const char *item_code;   /* "" when the household named none */
	const char *date, *note;
	const char *photo;       /* hash or NULL */
	int status;              /* enum declaration_status */
	const char *decline_reason;
	int64_t entry_id;
	const char *decided_by;
	int64_t decided_at, created_at;
};
/* 待审核, 已采纳, 未采纳. */
const char *declaration_status_label(int status);

/* declaration_create(): household household_id of v declares a good deed
** (date not in the future nor more than 90 days ago, note required ≤ 500
** characters, photo optional, item code optional but, when given, an item
** of the version in force on date).  Own transaction.  Returns 0 (*id), 1,
** -1. */
int declaration_create(db *d, const struct actor *who, const struct village *v,
		       int64_t household_id, const char *item_code, const char *date,
		       const char *note, const char *photo, errlist *errs, int64_t *id);

/* declaration_list(): the village's declarations with status (or -1 for
** all), newest first, at most DECL_LIST_MAX of them; only household_id's
** when it is not 0.  0 or -1. */
enum { DECL_LIST_MAX = 500 };
/* declaration_list_page(): the same, at most limit (≥ 1), those with an
** id below before (0: from the newest); *next the before of the next
** page, 0 when this is the last.  0 or -1. */
int declaration_list_page(db *d, arena *a, int64_t village_id, int64_t household_id, int status,
			  int64_t before, int limit, struct declaration **rows, int *n,
			  int64_t *next);
int declaration_list(db *d, arena *a, int64_t village_id, int64_t household_id, int status,
		     struct declaration **rows, int *n);

/* declaration_accept(): a scorer accepts pending declaration id into the
** sheet of its date's month as an entry of item_code (quantity 1, the
** declaration's note and photo): entry_add's checks apply.  When that
** month's sheet is approved already, the entry goes onto the newest open
** sheet after it, else the current month's, and keeps the deed's date
** (entry_input.late_deed).  Returns 0
** (*entry_id), SHEET_NOT_FOUND (errs), 1, -1. */
int declaration_accept(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const char *item_code, errlist *errs, int64_t *entry_id);

/* declaration_decline(): decline pending declaration id with a reason
** (required, ≤ 500 characters) the household sees.  An unknown id is
** SHEET_NOT_FOUND whatever the reason.  Returns 0, SHEET_NOT_FOUND (errs),
** 1, -1. */
int declaration_decline(db *d, const struct actor *who, const struct village *v, int64_t id,
			const char *reason, errlist *errs);

#endif
