/*
** checkin.h — QR check-in at an activity (现场签到): a scorer opens a
** check-in for an item of the standard and a date; its QR code names
** /c/TOKEN; every household that scans it with its passbook session gets
** one draft entry of the item on the sheet of the date's month (recorded
** by the scorer who opened it, with every check of an entry), once per
** household; the scorer watches the list and closes it.  Return
** convention as in sheet.h: 0 done, 1 refused (errs), -1 database error.
*/
#ifndef JIFEN_CHECKIN_H
#define JIFEN_CHECKIN_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct checkin {
	int64_t id, village_id;
	const char *token;      /* 32 hex characters */
	const char *item_code, *item_name, *date;
	const char *opened_by;
	int64_t opened_at, closed_at; /* closed_at 0 while open */
	int64_t scans;
};

struct checkin_scan {
	int64_t household_id, entry_id, at;
	const char *household_code, *household_name;
};

/* checkin_open(): open a check-in of v for item_code on date (valid, not
** in the future, an item of the standard in force on it, the month's
** sheet still open).  Own transaction, audited ("checkin.open").
** Returns 0 (*id), 1, -1. */
int checkin_open(db *d, const struct actor *who, const struct village *v, const char *item_code,
		 const char *date, errlist *errs, int64_t *id);

/* checkin_get(): check-in id of village_id.  0, 1 none, -1. */
int checkin_get(db *d, arena *a, int64_t village_id, int64_t id, struct checkin **out);
/* checkin_by_token(): the check-in of a token (any village).  0, 1, -1. */
int checkin_by_token(db *d, arena *a, const char *token, struct checkin **out);
/* checkin_list(): the village's latest 20 check-ins, newest first.  0, -1. */
int checkin_list(db *d, arena *a, int64_t village_id, struct checkin **rows, int *n);
/* checkin_scans(): who has checked in, in scan order.  0, -1. */
int checkin_scans(db *d, arena *a, const struct checkin *c, struct checkin_scan **rows, int *n);

/* checkin_scan(): household_id of c's village checks in: one draft entry
** (note "现场签到") in one transaction with its scan row; *already 1 (and
** nothing written) when it had checked in.  Refused when closed or when
** the entry's checks refuse.  Returns 0, 1, -1. */
int checkin_scan(db *d, const struct village *v, const struct checkin *c, int64_t household_id,
		 errlist *errs, int *already);

/* checkin_close(): close check-in id of v (later scans are refused).
** Audited.  Returns 0, 1 (unknown or closed already), -1. */
int checkin_close(db *d, const struct actor *who, const struct village *v, int64_t id,
		  errlist *errs);

#endif
