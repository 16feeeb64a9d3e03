/*
** passbook_store.c — the stored passbooks (passbook_store.h): the touch
** handler that renders them inside the writing transaction, the one-read
** lookups the card routes serve from, and their check for `jifen verify`.
*/
#include "passbook_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "gzip.h"
#include "passbook.h"

/* The renderer (page_passbook.c's), set once at start-up. */
static passbook_render_fn renderer;

void passbook_store_etag(const void *bytes, size_t n, char out[24])
{
	uint64_t h = hash64(bytes, n);
	out[0] = '"', out[1] = 'd', out[2] = '-';
	for (int i = 0; i < 16; i++)
		out[3 + i] = "0123456789abcdef"[(h >> (60 - 4 * i)) & 15];
	out[19] = '"', out[20] = 0;
}

/* ETag hex of a rendering: SHA-256 over both bodies, 16 hex digits. */
static void rendered_hex(const struct passbook_rendered *out, char hex[65])
{
	buf both = {0};
	buf_append(&both, out->html.p ? out->html.p : "", out->html.len);
	buf_append(&both, out->json.p ? out->json.p : "", out->json.len);
	sha256_hex(both.p ? both.p : "", both.len, hex);
	buf_free(&both);
	hex[16] = 0;
}

/* The placeholder bytes, the holes of a packed body (gzip.h). */
static const char holes[] = {PASSBOOK_STORE_BASE, PASSBOOK_STORE_TODAY, 0};

/* Bind a rendering's columns ($r $as_of $until $etag $json_z $html_z) to
** s, the bodies packed.  Returns 0 or -1. */
static int bind_rendered(db *d, db_stmt *s, const struct passbook_rendered *out)
{
	char hex[65];
	buf html = {0}, json = {0};
	rendered_hex(out, hex);
	int rc = gzip_pack(out->html.p ? out->html.p : "", out->html.len, holes, &html) ||
				 gzip_pack(out->json.p ? out->json.p : "", out->json.len, holes, &json)
			 ? (db_set_error(d, "压缩积分存折失败"), -1)
		 : db_bind_text(s, "$r", passbook_render_id) ||
				 db_bind_text(s, "$as_of", out->as_of) ||
				 db_bind_int(s, "$until", out->valid_until) ||
				 db_bind_text(s, "$etag", hex) ||
				 db_bind_blob(s, "$json_z", json.p, json.len) ||
				 db_bind_blob(s, "$html_z", html.p, html.len)
			 ? -1
			 : 0;
	buf_free(&html);
	buf_free(&json);
	return rc;
}

/* Render household_id of village_id and upsert (or, when it is no longer
** a household of the village, delete) its row inside the caller's
** transaction, which holds the change: the row is the newest state, and
** its generation goes up so that a render read before it (refill_one) is
** not stored over it.  Returns 0 or -1. */
static int store_one(db *d, int64_t village_id, int64_t household_id)
{
	struct passbook_rendered out;
	memset(&out, 0, sizeof out);
	arena *a = arena_new();
	int rc = renderer(d, a, village_id, household_id, &out);
	db_stmt *s;
	if (rc < 0)
		goto done;
	if (rc > 0) {
		s = db_prepare(d, "DELETE FROM passbook_store WHERE household_id = $h");
		rc = !s || db_bind_int(s, "$h", household_id) || db_step(s) != DB_DONE ? -1 : 0;
		goto done;
	}
	s = db_prepare(d,
		"INSERT INTO passbook_store(household_id, village_id, render_id, as_of, valid_until,"
		" etag, json_z, html_z, gen) VALUES($h, $v, $r, $as_of, $until, $etag, $json_z,"
		" $html_z, 0) ON CONFLICT (household_id) DO UPDATE SET village_id = excluded.village_id,"
		" render_id = excluded.render_id, as_of = excluded.as_of,"
		" valid_until = excluded.valid_until, etag = excluded.etag,"
		" json_z = excluded.json_z, html_z = excluded.html_z, gen = passbook_store.gen + 1");
	rc = !s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
			     bind_rendered(d, s, &out) || db_step(s) != DB_DONE
		     ? -1
		     : 0;
done:
	buf_free(&out.html);
	buf_free(&out.json);
	arena_free(a);
	return rc;
}

/* Render household_id again after the write that left its tombstone has
** committed, in the caller's (short) write transaction, and store it only
** if no write changed the household since this transaction read the row:
** a tombstone is replaced only while its generation is the one read (on
** PostgreSQL a concurrent writer's bump makes the UPDATE match nothing;
** on SQLite writers are serialised anyway), a missing row is inserted only
** if none appeared.  A row already current (an eager writer stored it) is
** left unless force.  Returns 0 or -1. */
static int refill_one(db *d, int64_t household_id, int force)
{
	db_stmt *s = db_prepare(d, "SELECT h.village_id, s.gen, s.render_id FROM household h"
				   " LEFT JOIN passbook_store s ON s.household_id = h.id"
				   " WHERE h.id = $h AND h.left_on IS NULL");
	int st;
	if (!s || db_bind_int(s, "$h", household_id) || (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st != DB_ROW) {
		db_reset(s);
		return passbook_store_delete(d, household_id);
	}
	int64_t vid = db_column_int(s, 0);
	int missing = db_column_is_null(s, 1);
	int64_t gen = missing ? 0 : db_column_int(s, 1);
	int current = !missing && !strcmp(db_column_text(s, 2), passbook_render_id);
	db_reset(s);
	if (current && !force)
		return 0;
	struct passbook_rendered out;
	memset(&out, 0, sizeof out);
	arena *a = arena_new();
	int rc = renderer(d, a, vid, household_id, &out);
	if (rc == 0) {
		s = db_prepare(d, missing
			? "INSERT INTO passbook_store(household_id, village_id, render_id, as_of,"
			  " valid_until, etag, json_z, html_z, gen) VALUES($h, $v, $r, $as_of, $until,"
			  " $etag, $json_z, $html_z, 0) ON CONFLICT (household_id) DO NOTHING"
			: "UPDATE passbook_store SET render_id = $r, as_of = $as_of,"
			  " valid_until = $until, etag = $etag, json_z = $json_z, html_z = $html_z,"
			  " gen = gen + 1 WHERE household_id = $h AND gen = $g AND village_id = $v");
		rc = !s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", vid) ||
				     (!missing && db_bind_int(s, "$g", gen)) || bind_rendered(d, s, &out) ||
				     db_step(s) != DB_DONE
			     ? -1
			     : 0;
	} else if (rc > 0)
		rc = 0;
	buf_free(&out.html);
	buf_free(&out.json);
	arena_free(a);
	return rc;
}

#define TOMBSTONE_VALUES PASSBOOK_STORE_TOMBSTONE_VALUES
#define TOMBSTONE_CONFLICT PASSBOOK_STORE_TOMBSTONE_CONFLICT

/* Every participating household of village_id gets a tombstone (those
** that left lose their row), inside the caller's transaction, and the
** village is queued to be rendered after the commit.  Returns 0 or -1. */
static int invalidate_village(db *d, int64_t village_id)
{
	db_stmt *s = db_prepare(d, "DELETE FROM passbook_store WHERE village_id = $v AND household_id IN"
				   " (SELECT id FROM household WHERE village_id = $v AND left_on IS NOT NULL)");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_DONE)
		return -1;
	/* (SQLite wants a WHERE before ON CONFLICT in INSERT … SELECT) */
	s = db_prepare(d, "INSERT INTO " PASSBOOK_STORE_COLUMNS " SELECT id, village_id, " TOMBSTONE_VALUES
			  " FROM household WHERE village_id = $v AND left_on IS NULL" TOMBSTONE_CONFLICT);
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_DONE)
		return -1;
	return passbook_store_defer(d, -village_id);
}

/* The touch handler (db_touch): keys > 0 households, rendered now; < 0
** villages, too many to render inside the transaction: tombstones now,
** rendered after the commit (announcing a village rendered its ~500
** passbooks inside the announcement: 288 s for the town's 30 villages
** against 4.4 s without). */
static int touched(db *d, const int64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (keys[i] < 0) {
			if (invalidate_village(d, -keys[i]))
				return -1;
			continue;
		}
		db_stmt *s = db_prepare(d, "SELECT village_id FROM household WHERE id = $h");
		int st;
		if (!s || db_bind_int(s, "$h", keys[i]) || (st = db_step(s)) == DB_ERROR)
			return -1;
		int64_t vid = st == DB_ROW ? db_column_int(s, 0) : 0;
		db_reset(s);
		if (vid && store_one(d, vid, keys[i]))
			return -1;
	}
	return 0;
}

static int committed(db *d, const int64_t *keys, size_t n);

void passbook_store_init(passbook_render_fn fn)
{
	renderer = fn;
	db_set_touch_handler(fn ? touched : NULL);
	db_set_committed_handler(fn ? committed : NULL);
}

int passbook_store_touch(db *d, int64_t household_id)
{
	return household_id > 0 ? db_touch(d, household_id) : 0;
}

int passbook_store_delete(db *d, int64_t household_id)
{
	db_stmt *s = db_prepare(d, "DELETE FROM passbook_store WHERE household_id = $h");
	return !s || db_bind_int(s, "$h", household_id) || db_step(s) != DB_DONE ? -1 : 0;
}

int passbook_store_forget(db *d, int64_t village_id, int64_t household_id)
{
	if (!renderer)
		return 0;
	db_stmt *s = db_prepare(d, "INSERT INTO " PASSBOOK_STORE_COLUMNS
				   " VALUES($h, $v, " TOMBSTONE_VALUES ")" TOMBSTONE_CONFLICT);
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_step(s) != DB_DONE)
		return -1;
	return passbook_store_defer(d, household_id);
}

int passbook_store_touch_village(db *d, int64_t village_id)
{
	return village_id > 0 ? db_touch(d, -village_id) : 0;
}

/* ---- rendering after the commit ---------------------------------------------------- */

/* The households (> 0) and villages (< 0) whose tombstones wait to be
** rendered, process-wide: bulk writes push (passbook_store_defer), the CLI
** drains before it exits (passbook_store_settle), serve's worker thread
** as they come.  Keys of a transaction that rolled back may be here too:
** rendering them again is harmless (refill_one leaves current rows). */
static pthread_mutex_t queue_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cv = PTHREAD_COND_INITIALIZER;
static int64_t *queue;
static size_t queue_n, queue_cap;
static int worker_on, worker_stop;
static pthread_t worker_thread;
static char *worker_url;

static void queue_push(int64_t key);

/* The committed handler (db_defer): the keys join the queue. */
static int committed(db *d, const int64_t *keys, size_t n)
{
	(void)d;
	pthread_mutex_lock(&queue_mu);
	for (size_t i = 0; i < n; i++)
		queue_push(keys[i]);
	if (worker_on)
		pthread_cond_signal(&queue_cv);
	pthread_mutex_unlock(&queue_mu);
	return 0;
}

int passbook_store_defer(db *d, int64_t key)
{
	return db_defer(d, key);
}

/* Append key to the queue (queue_mu held). */
static void queue_push(int64_t key)
{
	if (queue_n && queue[queue_n - 1] == key)
		return;
	if (queue_n == queue_cap) {
		size_t cap = queue_cap ? 2 * queue_cap : 256;
		int64_t *p = realloc(queue, cap * sizeof *p);
		if (!p) /* the tombstones stay: rendered on the fly */
			return;
		queue = p;
		queue_cap = cap;
	}
	queue[queue_n++] = key;
}

/* Take the whole queue (malloc'd, the caller frees; NULL when empty). */
static int64_t *queue_take(size_t *n)
{
	pthread_mutex_lock(&queue_mu);
	int64_t *keys = queue;
	*n = queue_n;
	queue = NULL;
	queue_n = queue_cap = 0;
	pthread_mutex_unlock(&queue_mu);
	return keys;
}

/* Append id to the malloc'd list *ids of *n (capacity *cap).  0 or -1. */
static int ids_push(int64_t **ids, size_t *n, size_t *cap, int64_t id)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		int64_t *p = realloc(*ids, c * sizeof *p);
		if (!p)
			return -1;
		*ids = p;
		*cap = c;
	}
	(*ids)[(*n)++] = id;
	return 0;
}

/* Households of keys (villages expanded to their participating
** households), into *ids (malloc'd, the caller frees).  0 or -1. */
static int keys_households(db *d, const int64_t *keys, size_t n, int64_t **ids, size_t *nids)
{
	size_t cap = 0;
	*ids = NULL;
	*nids = 0;
	for (size_t i = 0; i < n; i++) {
		if (keys[i] > 0) {
			if (ids_push(ids, nids, &cap, keys[i]))
				goto oom;
			continue;
		}
		db_stmt *s = db_prepare(d, "SELECT id FROM household WHERE village_id = $v"
					   " AND left_on IS NULL ORDER BY id");
		int st;
		if (!s || db_bind_int(s, "$v", -keys[i]))
			return -1;
		while ((st = db_step(s)) == DB_ROW)
			if (ids_push(ids, nids, &cap, db_column_int(s, 0))) {
				db_reset(s);
				goto oom;
			}
		db_reset(s);
		if (st != DB_DONE)
			return -1;
	}
	return 0;
oom:
	db_set_error(d, "内存不足");
	return -1;
}

/* Render ids[0..n) in write transactions of PASSBOOK_STORE_BATCH each (the
** writers waiting between them wait for one batch, never for the whole
** village).  force: render current rows too.  Returns 0 or -1. */
static int refill(db *d, const int64_t *ids, size_t n, int force)
{
	for (size_t i = 0; i < n; i += PASSBOOK_STORE_BATCH) {
		if (db_begin_write(d))
			return -1;
		for (size_t k = i; k < n && k < i + PASSBOOK_STORE_BATCH; k++)
			if (refill_one(d, ids[k], force)) {
				db_rollback(d);
				return -1;
			}
		if (db_commit(d)) {
			db_rollback(d);
			return -1;
		}
	}
	return 0;
}

int passbook_store_settle(db *d, int64_t max, int64_t *rendered)
{
	size_t nkeys, nids = 0;
	int64_t *keys = queue_take(&nkeys), *ids = NULL;
	int rc = 0;
	if (rendered)
		*rendered = 0;
	if (!keys || !renderer)
		goto out;
	rc = -1;
	if (keys_households(d, keys, nkeys, &ids, &nids))
		goto out;
	rc = 0;
	/* more than a command may spend (the 10,000 households of one 100,000-
	** entry sheet would double its approval): their tombstones stay, the
	** pages are rendered on the fly until `jifen passbook-render` */
	if (max >= 0 && (int64_t)nids > max)
		goto out;
	rc = refill(d, ids, nids, 0);
	if (!rc && rendered)
		*rendered = (int64_t)nids;
out:
	free(keys);
	free(ids);
	return rc;
}

/* serve's worker: render what bulk writes left, on its own connection. */
static void *worker_main(void *arg)
{
	(void)arg;
	db *d = NULL;
	char err[256];
	if (db_open(worker_url, &d, err, sizeof err)) {
		fprintf(stderr, "积分存折后台渲染无法连接数据库: %s\n", err);
		return NULL;
	}
	pthread_mutex_lock(&queue_mu);
	while (!worker_stop) {
		if (!queue_n) {
			pthread_cond_wait(&queue_cv, &queue_mu);
			continue;
		}
		pthread_mutex_unlock(&queue_mu);
		if (passbook_store_settle(d, -1, NULL))
			fprintf(stderr, "积分存折后台渲染失败（页面临时现算）: %s\n", db_errmsg(d));
		pthread_mutex_lock(&queue_mu);
	}
	pthread_mutex_unlock(&queue_mu);
	db_close(d);
	return NULL;
}

int passbook_store_worker_start(const char *db_url)
{
	if (!renderer || worker_on)
		return 0;
	worker_url = strdup(db_url);
	worker_stop = 0;
	if (!worker_url || pthread_create(&worker_thread, NULL, worker_main, NULL)) {
		free(worker_url);
		worker_url = NULL;
		return -1;
	}
	pthread_mutex_lock(&queue_mu);
	worker_on = 1;
	pthread_cond_signal(&queue_cv);
	pthread_mutex_unlock(&queue_mu);
	return 0;
}

void passbook_store_worker_stop(void)
{
	pthread_mutex_lock(&queue_mu);
	int on = worker_on;
	worker_stop = 1;
	worker_on = 0;
	pthread_cond_signal(&queue_cv);
	pthread_mutex_unlock(&queue_mu);
	if (!on)
		return;
	pthread_join(worker_thread, NULL);
	free(worker_url);
	worker_url = NULL;
}

/* The columns a lookup reads, the body last.  A revalidation (no body
** wanted) selects no body at all: SQLite reads every column a statement
** selects when it steps, overflow pages and all, and PostgreSQL sends
** it — a 304 read the 55 kB page of an announced household. */
#define STORE_COLS "s.render_id, s.as_of, s.valid_until, s.etag"
#define TOKEN_FROM                                                                      \
	" FROM passbook_token t"                                                        \
	" JOIN household h ON h.id = t.household_id AND h.village_id = t.village_id"    \
	" LEFT JOIN passbook_store s ON s.household_id = t.household_id"                \
	" WHERE t.token_hash = $hash AND t.revoked_at IS NULL AND h.left_on IS NULL"
#define HOUSEHOLD_FROM " FROM passbook_store s WHERE s.household_id = $h AND s.village_id = $v"

/* Where the next of each placeholder byte is, between calls of
** next_hole(): searched again only once passed (a page holds a few). */
struct holes {
	const char *base, *today;
	int base_left, today_left;
};

/* The next placeholder byte (PASSBOOK_STORE_BASE, when want_base, or
** PASSBOOK_STORE_TODAY) in p[0..n), or NULL. */
static const char *next_hole(const char *p, size_t n, int want_base, struct holes *h)
{
	if (want_base && h->base_left && (!h->base || h->base < p)) {
		h->base = memchr(p, PASSBOOK_STORE_BASE, n);
		h->base_left = h->base != NULL;
	}
	if (h->today_left && (!h->today || h->today < p)) {
		h->today = memchr(p, PASSBOOK_STORE_TODAY, n);
		h->today_left = h->today != NULL;
	}
	const char *q1 = want_base && h->base_left ? h->base : NULL;
	const char *q2 = h->today_left ? h->today : NULL;
	return !q1 ? q2 : !q2 ? q1 : q1 < q2 ? q1 : q2;
}

/* Append body p[0..n) to into with its placeholder bytes filled: base
** (when not NULL) for each PASSBOOK_STORE_BASE, today for each
** PASSBOOK_STORE_TODAY.  Straight into the answer, room made once: one
** copy (growing the buffer as it filled copied a 40 kB page thrice). */
static void fill_holes(const char *p, size_t n, const char *base, const char today[11], buf *into)
{
	const char *bs = base ? base : "", *q;
	size_t nbase = strlen(bs), size = n;
	struct holes h = {NULL, NULL, 1, 1};
	for (q = p; (q = next_hole(q, n - (size_t)(q - p), base != NULL, &h)); q++)
		size += (*q == PASSBOOK_STORE_BASE ? nbase : 10) - 1;
	char *dst = buf_space(into, size);
	h = (struct holes){NULL, NULL, 1, 1};
	while ((q = next_hole(p, n, base != NULL, &h))) {
		size_t k = (size_t)(q - p);
		memcpy(dst, p, k);
		if (*q == PASSBOOK_STORE_BASE) {
			memcpy(dst + k, bs, nbase); /* NOLINT(bugprone-not-null-terminated-result): a splice inside the body; the answer's length is carried */
			dst += k + nbase;
		} else {
			memcpy(dst + k, today, 10); /* NOLINT(bugprone-not-null-terminated-result): likewise */
			dst += k + 10;
		}
		n -= k + 1;
		p = q + 1;
	}
	memcpy(dst, p, n);
}

/* The ETag of a rendering whose etag column is hex, sent today: it names
** the day, as the page says "截至" it, and the coding (a strong validator
** differs between codings, RFC 9110 8.8.3.3). */
static void etag_of(const struct passbook_want *w, const char *hex, const char today[11],
		    char out[40])
{
	int json = w->json;
	/* "\"h-HEX16-YYYYMMDD\"" by hand: snprintf was a tenth of a 304's
	** instructions (callgrind) */
	char *o = out;
	*o++ = '"';
	*o++ = json ? 'j' : 'h';
	*o++ = '-';
	size_t n = strnlen(hex, 16);
	memcpy(o, hex, n);
	o += n;
	*o++ = '-';
	memcpy(o, today, 4);
	memcpy(o + 4, today + 5, 2);
	memcpy(o + 6, today + 8, 2);
	o += 8;
	if (w->gz)
		memcpy(o, "-gz", 3), o += 3;
	*o++ = '"';
	*o = 0;
}

/* Append the packed body p[0..n) to into as w wants it: as gzip, or
** inflated, the holes filled with w->base and today.  Returns 0, or -1
** when the bytes are not a packed body (into as it was). */
static int send_packed(const void *p, size_t n, const struct passbook_want *w,
		       const char today[11], buf *into)
{
	struct gzip_fill fill[GZIP_HOLES] = {{0}};
	fill[PASSBOOK_STORE_BASE] = (struct gzip_fill){w->base ? w->base : "",
						       w->base ? strlen(w->base) : 0};
	fill[PASSBOOK_STORE_TODAY] = (struct gzip_fill){today, 10};
	return w->gz ? gzip_send(p, n, fill, into) : gzip_inflate(p, n, fill, into);
}

/* Fill out from the current row of a lookup whose first two columns are
** village and household id, then STORE_COLS, then the body.  Returns 0
** servable, 2 not (a row whose bytes do not unpack is rendered afresh). */
static int stored_from_row(db_stmt *s, const struct passbook_want *w, buf *into,
			   struct passbook_stored *out)
{
	char today[11];
	out->village_id = db_column_int(s, 0);
	out->household_id = db_column_int(s, 1);
	if (db_column_is_null(s, 2))
		return 2;
	/* what the page shows of the date is put in below; what it shows of
	** the time holds until valid_until (passbook_render) */
	if (strcmp(db_column_text(s, 2), passbook_render_id) || db_column_int(s, 4) <= now_unix())
		return 2;
	date_today(today);
	etag_of(w, db_column_text(s, 5), today, out->etag);
	if (into) {
		size_t n;
		const void *p = db_column_blob(s, 6, &n);
		if (!p || send_packed(p, n, w, today, into))
			return 2;
	}
	return 0;
}

int passbook_store_render_answer(db *d, int64_t village_id, int64_t household_id,
				 const struct passbook_want *w, buf *into,
				 struct passbook_stored *out)
{
	struct passbook_rendered r;
	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	out->village_id = village_id;
	out->household_id = household_id;
	arena *a = arena_new();
	/* one snapshot for the page and the JSON, as the stored row has */
	int own = !db_in_transaction(d), rc = -1;
	if (!own || !db_begin_snapshot(d)) {
		rc = renderer(d, a, village_id, household_id, &r);
		if (own && rc < 0)
			db_rollback(d);
		else if (own && db_commit(d))
			rc = -1;
	}
	if (rc == 0) {
		char hex[65], today[11];
		rendered_hex(&r, hex);
		date_today(today);
		etag_of(w, hex, today, out->etag);
		const buf *body = w->json ? &r.json : &r.html;
		buf packed = {0};
		/* gzip as the row will send it: packed and sent as stored */
		if (into && !w->gz)
			fill_holes(body->p ? body->p : "", body->len, w->base, today, into);
		else if (into && (gzip_pack(body->p ? body->p : "", body->len, holes, &packed) ||
				  send_packed(packed.p, packed.len, w, today, into))) {
			db_set_error(d, "压缩积分存折失败");
			rc = -1;
		}
		buf_free(&packed);
	}
	buf_free(&r.html);
	buf_free(&r.json);
	arena_free(a);
	return rc;
}

int passbook_store_by_token(db *d, const char *token, const struct passbook_want *w, buf *into,
			    struct passbook_stored *out)
{
	memset(out, 0, sizeof *out);
	if (!passbook_token_valid(token))
		return 1;
	char hash[65];
	sha256_hex(token, 2 * PASSBOOK_TOKEN_BYTES, hash);
	/* the token's checks are passbook_token_resolve()'s */
	db_stmt *s = db_prepare(d, !into ? "SELECT t.village_id, t.household_id, " STORE_COLS TOKEN_FROM
				   : w->json ? "SELECT t.village_id, t.household_id, " STORE_COLS ", s.json_z" TOKEN_FROM
					     : "SELECT t.village_id, t.household_id, " STORE_COLS ", s.html_z" TOKEN_FROM);
	int st;
	if (!s || db_bind_text(s, "$hash", hash) || (st = db_step(s)) == DB_ERROR)
		return -1;
	int rc = st == DB_ROW ? stored_from_row(s, w, into, out) : 1;
	db_reset(s);
	return rc;
}

int passbook_store_by_household(db *d, int64_t village_id, int64_t household_id,
				const struct passbook_want *w, buf *into,
				struct passbook_stored *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *s = db_prepare(d, !into ? "SELECT s.village_id, s.household_id, " STORE_COLS HOUSEHOLD_FROM
				   : w->json ? "SELECT s.village_id, s.household_id, " STORE_COLS ", s.json_z" HOUSEHOLD_FROM
					     : "SELECT s.village_id, s.household_id, " STORE_COLS ", s.html_z" HOUSEHOLD_FROM);
	int st;
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	int rc = st == DB_ROW ? stored_from_row(s, w, into, out) : 2;
	db_reset(s);
	out->village_id = village_id;
	out->household_id = household_id;
	return rc;
}

int passbook_store_render_village(db *d, int64_t village_id, int64_t *n)
{
	if (!renderer) {
		db_set_error(d, "积分存折的渲染器没有登记");
		return -1;
	}
	int64_t key = -village_id, *ids = NULL;
	size_t nids = 0;
	db_stmt *s;
	int rc = -1;
	if (db_begin_write(d))
		return -1;
	/* rows of households that left go: they are never served */
	s = db_prepare(d, "DELETE FROM passbook_store WHERE village_id = $v AND household_id IN"
			  " (SELECT id FROM household WHERE village_id = $v AND left_on IS NOT NULL)");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_DONE ||
	    keys_households(d, &key, 1, &ids, &nids) || db_commit(d)) {
		db_rollback(d);
		goto out;
	}
	rc = refill(d, ids, nids, 1);
	if (!rc && n)
		*n = (int64_t)nids;
out:
	free(ids);
	return rc;
}

int passbook_store_verify(db *d, int64_t village_id, errlist *errs, int64_t *checked)
{
	*checked = 0;
	if (!renderer)
		return 0;
	if (db_begin_snapshot(d))
		return -1;
	int rc = -1, st;
	arena *a = arena_new();
	db_stmt *s = db_prepare(d, "SELECT s.village_id, s.household_id, s.html_z, s.json_z, h.code"
				   " FROM passbook_store s JOIN household h ON h.id = s.household_id"
				   " WHERE s.render_id = $r AND s.valid_until > $now"
				   " AND ($v = 0 OR s.village_id = $v) ORDER BY s.household_id");
	if (!s || db_bind_text(s, "$r", passbook_render_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$now", now_unix()))
		goto out;
	/* rows first, rendering after: the renderer runs statements of its own */
	struct row {
		int64_t vid, hid;
		void *z[2]; /* the packed page and JSON (a quarter of their size) */
		size_t zn[2];
		char *code;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	while ((st = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			struct row *p = arena_alloc(a, cap * sizeof *p);
			if (n)
				memcpy(p, rows, n * sizeof *p);
			rows = p;
		}
		struct row *w = &rows[n++];
		w->vid = db_column_int(s, 0);
		w->hid = db_column_int(s, 1);
		w->code = db_column_dup(s, 4, a);
		/* one column's bytes copied before the next is read: a
		** PostgreSQL statement keeps the last BYTEA column's only */
		for (int k = 0; k < 2; k++) {
			const void *z = db_column_blob(s, 2 + k, &w->zn[k]);
			w->z[k] = arena_alloc(a, w->zn[k] + 1);
			memcpy(w->z[k], z ? z : "", w->zn[k]);
		}
	}
	db_reset(s);
	if (st != DB_DONE)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct passbook_rendered now;
		memset(&now, 0, sizeof now);
		arena *ra = arena_new();
		int r = renderer(d, ra, rows[i].vid, rows[i].hid, &now);
		/* inflated with the holes as their own bytes: the rendering */
		buf html = {0}, json = {0};
		int same = r == 0 && !gzip_inflate(rows[i].z[0], rows[i].zn[0], NULL, &html) &&
			   !gzip_inflate(rows[i].z[1], rows[i].zn[1], NULL, &json) &&
			   now.html.len == html.len && !memcmp(now.html.p, html.p, html.len) &&
			   now.json.len == json.len && !memcmp(now.json.p, json.p, json.len);
		buf_free(&html);
		buf_free(&json);
		buf_free(&now.html);
		buf_free(&now.json);
		arena_free(ra);
		if (r < 0)
			goto out;
		if (!same)
			errlist_add(errs, "农户 %s 存放的积分存折与账本重新计算的不一致（过期或被改动）",
				    rows[i].code);
		(*checked)++;
	}
	rc = 0;
out:
	arena_free(a);
	if (rc)
		db_rollback(d);
	else if (db_commit(d))
		rc = -1;
	return rc;
}
