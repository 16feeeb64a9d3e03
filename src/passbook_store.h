/*
** passbook_store.h — every household's passbook kept ready to send
** (table passbook_store, 021-passbook-store.sql): the card page /p/TOKEN
** and the first page of its JSON, as bytes, with their ETag.
**
** Why bytes and not a compact row of figures: a stored row still has to be
** rendered on every read, and rendering was most of what is left once the
** ~25 scattered ledger reads are gone (measured, BENCHMARKS.md workload 8);
** bytes make a cold read one indexed read and a copy.  What keeps them
** correct:
**   - written in the same transaction as every change that alters them:
**     writers call passbook_store_touch() (or _touch_village()) and the
**     touch handler (db_touch) renders the touched passbooks just before
**     COMMIT, so a reader sees old bytes with old data or new with new;
**   - a posting that touches more than PASSBOOK_STORE_EAGER_MAX households
**     (a village's monthly sheet, a bulk load, the 10,000 households of
**     one 100,000-entry sheet; set-wise from 64 on, ledger.c)
**     deletes their rows set-wise instead (ledger.c), so that posting stays
**     within half of raw inserts; those passbooks are rendered on the fly
**     until the next announcement or `jifen passbook-render` stores them;
**   - a row is served only when its renderer id is this build's (markup
**     changed: rendered again), it was computed today (the figures and
**     "截至" are of a day) and no live reservation of it has expired since
**     (valid_until);
**   - `jifen verify` renders every row that would be served and compares.
**
** The page's bytes hold U+0001 where the card's own URL (/p/TOKEN) goes:
** the token is a secret whose hash only is stored, so it is put in at
** sending time.  No HTTP in here: the renderer is page_passbook.c's,
** registered once at start-up (passbook_store_init).
*/
#ifndef JIFEN_PASSBOOK_STORE_H
#define JIFEN_PASSBOOK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "util.h"

/* The renderer's build id (render_id.c, written by cmake/render_id.cmake). */
extern const char passbook_render_id[];

enum {
	/* households a posting renders inside its transaction; more: their
	** rows are deleted (ledger.c) */
	PASSBOOK_STORE_EAGER_MAX = 8,
	/* the byte standing for the card's URL in a stored page */
	PASSBOOK_STORE_BASE = 0x01,
};

/* What a renderer gives back: both bodies (malloc'd bufs the store frees),
** the day the figures are of and until when they hold. */
struct passbook_rendered {
	buf html, json;
	char as_of[11];
	int64_t valid_until;
};
/* Render household_id of village_id as of today inside the caller's
** transaction.  Returns 0, 1 when it is not a household of that village,
** -1 on a database error. */
typedef int (*passbook_render_fn)(db *d, arena *a, int64_t village_id, int64_t household_id,
				  struct passbook_rendered *out);

/* passbook_store_init(): register the renderer and the touch handler
** (db_set_touch_handler).  Once, at start-up, before threads. */
void passbook_store_init(passbook_render_fn fn);

/* The household's (village's) stored passbooks are to be rendered again
** before this transaction commits.  Returns 0 or -1. */
int passbook_store_touch(db *d, int64_t household_id);
int passbook_store_touch_village(db *d, int64_t village_id);
/* Delete the household's stored passbook (rendered on the fly until it is
** stored again), inside the caller's transaction.  Returns 0 or -1. */
int passbook_store_forget(db *d, int64_t household_id);

/* A stored passbook found. */
struct passbook_stored {
	int64_t village_id, household_id;
	char etag[24];           /* quoted: "h-…" or "j-…" */
};
/* passbook_store_by_token(): the passbook card token (64 hex) opens, in one
** read: 0 a servable row (out filled; when into is not NULL the body is
** appended to it, with base in place of each PASSBOOK_STORE_BASE byte), 2
** the token is good but no row may be served (out's ids filled: render
** it), 1 no such live token, -1 database error.  json: the JSON body,
** else the page. */
int passbook_store_by_token(db *d, const char *token, int json, buf *into, const char *base,
			    struct passbook_stored *out);
/* The same for a household known already (a household's session):
** 0 or 2 or -1. */
int passbook_store_by_household(db *d, int64_t village_id, int64_t household_id, int json,
				buf *into, const char *base, struct passbook_stored *out);

/* passbook_store_render_village(): render and store every participating
** household of village_id (own write transaction); *n receives how many.
** For `jifen passbook-render` (after an upgrade, a bulk load).  0 or -1. */
int passbook_store_render_village(db *d, int64_t village_id, int64_t *n);

/* passbook_store_verify(): render every stored row that would be served
** now and compare it with the stored bytes; each row that differs (stale
** or tampered) is a finding in errs; village_id 0: every village's.
** *checked: rows compared.  Returns 0 (findings or not) or -1. */
int passbook_store_verify(db *d, int64_t village_id, errlist *errs, int64_t *checked);

/* The quoted ETag of bytes[0..n) for a passbook rendered on the fly
** ("d-" and 16 hex of its SHA-256) into out[24]. */
void passbook_store_etag(const void *bytes, size_t n, char out[24]);

#endif
