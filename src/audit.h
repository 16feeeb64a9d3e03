/*
** audit.h — the audit log: every change, who made it, when, from which
** address, and the object's state before and after (JSON text).  The table
** is append-only in the database itself.
*/
#ifndef JIFEN_AUDIT_H
#define JIFEN_AUDIT_H

#include <stdint.h>
#include "db.h"

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

#endif
