/*
** audit.h — the audit log: every change, who made it, when, from which
** address, and the object's state before and after (JSON text).  The table
** is append-only in the database itself.
*/
#ifndef JIFEN_AUDIT_H
#define JIFEN_AUDIT_H

#include <stdint.h>
#include "db.h"
#include "util.h"

/* Who acts: a web request's user and address, or the CLI operator. */
struct actor {
	int64_t account_id;  /* 0 for the CLI or a household */
	const char *login;   /* "cli" for the command line */
	const char *ip;      /* "" for the CLI */
};

/* Record one change inside the caller's transaction.  village_id 0 for
** town-level objects; object like "household:42"; before/after JSON text or
** NULL.  Returns 0 or -1 (database error). */
int audit_record(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *object, const char *before, const char *after);

/* One row of the audit log as the audit pages show it; texts NULL when
** the column is (village_code: a town-level row). */
struct audit_row {
	int64_t id, at;
	const char *login, *ip, *action, *object, *before, *after, *village_code;
};

/* Rows of one page of the audit log. */
enum { AUDIT_PAGE = 100 };

/* The newest AUDIT_PAGE rows with id < before (INT64_MAX: from the
** newest) of village_id (0: every village and the town), newest first, in
** arena a.  0 or -1. */
int audit_list(db *d, arena *a, int64_t village_id, int64_t before, struct audit_row **rows,
	       int *n);

#endif
