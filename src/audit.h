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

/* Record one change inside the caller's transaction (or, when none is
** open, in a write transaction of its own).  village_id 0 for town-level
** objects; object like "household:42"; before/after JSON text or NULL.
** The row is chained: it takes the next seq of the audit chain, its hash
** covers the previous row's (docs/ledger.md, "The audit chain"), and the
** chain head moves in the same transaction; on PostgreSQL the head's row
** lock serialises concurrent writers until their commit, so record last
** in a transaction that also posts to the ledger.  Returns 0 or -1
** (database error). */
int audit_record(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *object, const char *before, const char *after);

/* Record action on object "kind:id" with js as its after-image (the JSON
** text the caller built; freed here whatever happens), then commit the
** caller's write transaction: the last step of an area's write.  Returns 0,
** or -1 (the caller rolls back). */
int audit_commit_json(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *kind, int64_t id, buf *js);
/* The same with before and after images as JSON text (either NULL), the
** caller's to free.  0, or -1 (the caller rolls back). */
int audit_commit_change(db *d, const struct actor *who, int64_t village_id, const char *action,
			const char *kind, int64_t id, const char *before, const char *after);

/* A security event (login, denial, CSRF failure, export…): as
** audit_record() — login, address and object bounded to 256 bytes as
** every row's are — except that an anonymous one (no session) is
** aggregated: only the first event of an address, action and minute
** writes an audit row, the others of that minute add to its count in
** audit_tally.  Own transaction when none is open.  0 or -1. */
int audit_security_event(db *d, const struct actor *who, int64_t village_id,
			 const char *action, const char *object, const char *after, int anonymous);

/* Many rows of one actor with one bulk load (imports), chained like
** audit_record()'s, inside the caller's write transaction: begin (NULL on
** a database error; the batch lives in arena a), add each row (0 or -1),
** end (writes the rest and moves the head; 0 or -1; always call it). */
struct audit_batch;
struct audit_batch *audit_batch_begin(db *d, arena *a, const struct actor *who);
int audit_batch_add(struct audit_batch *b, int64_t village_id, const char *action,
		    const char *object, const char *before, const char *after);
int audit_batch_end(struct audit_batch *b);

/* After the upgrade to schema 014: when the chain has no row yet and the
** table holds rows written before it, write the chain's first row,
** 'audit.chain_start', recording their number, the last one's id and a
** SHA-256 over all of them, inside the caller's write transaction.
** *started 1 when it wrote it.  0 or -1. */
int audit_chain_start(db *d, int *started);
/* 1 when audit_chain_start() has something to do, 0 not, -1; reads only,
** so a read-only database costs nothing. */
int audit_chain_pending(db *d);

/* `jifen verify`'s check of the audit log, inside the caller's snapshot:
** seq continuous from 1, each hash recomputed from the previous one and
** the row, the head equal to the last row, and the rows before the chain
** equal to what its first row recorded.  The first problem into errs;
** *checked (may be NULL) counts the chained rows.  0 intact, 1, -1. */
int audit_verify(db *d, errlist *errs, int64_t *checked);

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

/* What the audit pages filter by; NULL or "" fields do not filter. */
struct audit_filter {
	const char *login;       /* the person who acted (account login) */
	const char *object;      /* the object acted on ("household:42") */
	const char *actor;       /* ... or the same household acting ("household:zhangma-001") */
	const char *action_like; /* LIKE pattern of action codes ("household.%") */
};
/* audit_list() with filter f (NULL: none).  0 or -1. */
int audit_search(db *d, arena *a, int64_t village_id, int64_t before,
		 const struct audit_filter *f, struct audit_row **rows, int *n);

#endif
