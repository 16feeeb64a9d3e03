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
**   - a write that touches more households than it can render inside its
**     transaction — a posting of more than PASSBOOK_STORE_EAGER_MAX (a
**     village's monthly sheet, a bulk load), an announcement, a renamed
**     shop item (a whole village) — leaves tombstones instead (never
**     served: the page is rendered on the fly, never stale), and queues the
**     households (passbook_store_defer); after the commit they are
**     rendered again in short transactions of PASSBOOK_STORE_BATCH, each
**     stored only if the household's row generation is still the one it
**     read (no newer write): by the CLI before it exits
**     (passbook_store_settle, up to PASSBOOK_STORE_SETTLE_MAX households),
**     by serve's worker thread as they come (passbook_store_worker_start);
**   - a row is served only when its renderer id is this build's (markup
**     changed: rendered again) and now is before its valid_until: the
**     first moment its rendering would differ — the next quarter (the
**     year's and quarter's points, the veto's year) or a live
**     reservation's expiry (已过期), whichever comes first.  The day it
**     shows ("截至", the JSON's as_of) is not in the bytes: the byte
**     PASSBOOK_STORE_TODAY stands there and today's date is put in when
**     sent, and the ETag names the day;
**   - `jifen verify` renders every row that would be served and compares.
**
** The page's bytes hold U+0001 where the card's own URL (/p/TOKEN) goes:
** the token is a secret whose hash only is stored, so it is put in at
** sending time.  Both bodies are stored deflated with those bytes as holes
** (gzip.h): sent to a phone as they are, as gzip, with the holes filled;
** inflated for a client without gzip.  No HTTP in here: the renderer is page_passbook.c's,
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
	** rows become tombstones, rendered after the commit (ledger.c) */
	PASSBOOK_STORE_EAGER_MAX = 8,
	/* households rendered again per transaction after a bulk write */
	PASSBOOK_STORE_BATCH = 32,
	/* households a CLI command renders before it exits (one village's
	** announcement: ~500); more are left to `jifen passbook-render` */
	PASSBOOK_STORE_SETTLE_MAX = 2000,
	/* the byte standing for the card's URL in a stored page */
	PASSBOOK_STORE_BASE = 0x01,
	/* the byte standing for today's date (YYYY-MM-DD) in both bodies */
	PASSBOOK_STORE_TODAY = 0x02,
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
/* passbook_store_forget(): leave a tombstone for the household (its page
** rendered on the fly) inside the caller's transaction and queue it to be
** rendered after the commit (for writes of too many households to render
** inside them).  Returns 0 or -1. */
int passbook_store_forget(db *d, int64_t village_id, int64_t household_id);
/* Delete the household's row inside the caller's transaction.  0 or -1. */
int passbook_store_delete(db *d, int64_t household_id);
/* The tombstone row's columns after household_id and village_id, and its
** upsert, for a set-wise INSERT … SELECT of a bulk writer (ledger.c); the
** writer queues the households with passbook_store_defer(). */
#define PASSBOOK_STORE_TOMBSTONE_VALUES "'', '', 0, '', '', '', 0"
#define PASSBOOK_STORE_TOMBSTONE_CONFLICT                                                       \
	" ON CONFLICT (household_id) DO UPDATE SET render_id = '', etag = '', json_z = '',"    \
	" html_z = '', gen = passbook_store.gen + 1"
#define PASSBOOK_STORE_COLUMNS                                                                  \
	"passbook_store(household_id, village_id, render_id, as_of, valid_until, etag,"        \
	" json_z, html_z, gen)"

/* passbook_store_defer(): a household (> 0) or village (< 0, negated) to
** be rendered once d's transaction has committed (db_defer).  0 or -1. */
int passbook_store_defer(db *d, int64_t key);
/* passbook_store_settle(): render what is queued, in transactions of
** PASSBOOK_STORE_BATCH on d (no transaction open), each household stored
** only when no newer write changed it; max >= 0: when more households
** than max are queued, render none (their tombstones stay).  *rendered
** (may be NULL): how many.  Returns 0 or -1 (the rest stays tombstones). */
int passbook_store_settle(db *d, int64_t max, int64_t *rendered);
/* serve's worker thread that settles the queue on its own connection to
** db_url as writes fill it; start once after the signal mask is set,
** stop at shutdown (what is still queued stays tombstones).  0 or -1. */
int passbook_store_worker_start(const char *db_url);
void passbook_store_worker_stop(void);

/* Which answer is wanted: the JSON body (else the page), gzip-coded (the
** client takes gzip: the stored bytes are sent as they are, gzip.h) or
** not (inflated), and the card's URL for each PASSBOOK_STORE_BASE byte. */
struct passbook_want {
	int json, gz;
	const char *base;
};
/* A stored passbook found. */
struct passbook_stored {
	int64_t village_id, household_id;
	char etag[40];           /* quoted: "h-HEX-YYYYMMDD", "j-…"; gzip: "…-gz" */
};
/* passbook_store_by_token(): the passbook card token (64 hex) opens, in one
** read: 0 a servable row (out filled; when into is not NULL the body is
** appended to it, coded and filled in as w says), 2 the token is good but
** no row may be served (out's ids filled: render it), 1 no such live
** token, -1 database error. */
int passbook_store_by_token(db *d, const char *token, const struct passbook_want *w, buf *into,
			    struct passbook_stored *out);
/* The same for a household known already (a household's session):
** 0 or 2 or -1. */
int passbook_store_by_household(db *d, int64_t village_id, int64_t household_id,
				const struct passbook_want *w, buf *into,
				struct passbook_stored *out);

/* passbook_store_render_answer(): the answer a stored row of the household
** would give, rendered now, with the ETag that row will carry (a miss, a
** row not yet rendered after a write: the phone that revalidates once the
** row is stored gets its 304, not a second download).  Inside the
** caller's read.  0 (out and into filled as by passbook_store_by_token), 1
** not a household of the village, -1 database error. */
int passbook_store_render_answer(db *d, int64_t village_id, int64_t household_id,
				 const struct passbook_want *w, buf *into,
				 struct passbook_stored *out);

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
** ("d-" and 16 hex of hash64(): a SHA-256 of the page was a third of a
** page rendered on the fly) into out[24]. */
void passbook_store_etag(const void *bytes, size_t n, char out[24]);

#endif
