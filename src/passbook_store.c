/*
** passbook_store.c — the stored passbooks (passbook_store.h): the touch
** handler that renders them inside the writing transaction, the one-read
** lookups the card routes serve from, and their check for `jifen verify`.
*/
#include "passbook_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passbook.h"

/* The renderer (page_passbook.c's), set once at start-up. */
static passbook_render_fn renderer;

void passbook_store_etag(const void *bytes, size_t n, char out[24])
{
	char hex[65];
	sha256_hex(bytes, n, hex);
	snprintf(out, 24, "\"d-%.16s\"", hex);
}

/* Render household_id of village_id and upsert (or, when it is no longer
** a household of the village, delete) its row inside the caller's
** transaction.  Returns 0 or -1. */
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
	/* one ETag over both bodies: each representation adds its letter */
	char hex[65];
	buf both = {0};
	buf_append(&both, out.html.p ? out.html.p : "", out.html.len);
	buf_append(&both, out.json.p ? out.json.p : "", out.json.len);
	buf_puts(&both, out.as_of);
	sha256_hex(both.p, both.len, hex);
	buf_free(&both);
	hex[16] = 0;
	s = db_prepare(d,
		"INSERT INTO passbook_store(household_id, village_id, render_id, as_of, valid_until,"
		" etag, html, json) VALUES($h, $v, $r, $as_of, $until, $etag, $html, $json)"
		" ON CONFLICT (household_id) DO UPDATE SET village_id = excluded.village_id,"
		" render_id = excluded.render_id, as_of = excluded.as_of,"
		" valid_until = excluded.valid_until, etag = excluded.etag, html = excluded.html,"
		" json = excluded.json");
	rc = !s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
			     db_bind_text(s, "$r", passbook_render_id) ||
			     db_bind_text(s, "$as_of", out.as_of) ||
			     db_bind_int(s, "$until", out.valid_until) || db_bind_text(s, "$etag", hex) ||
			     db_bind_textn(s, "$html", out.html.p ? out.html.p : "", out.html.len) ||
			     db_bind_textn(s, "$json", out.json.p ? out.json.p : "", out.json.len) ||
			     db_step(s) != DB_DONE
		     ? -1
		     : 0;
done:
	buf_free(&out.html);
	buf_free(&out.json);
	arena_free(a);
	return rc;
}

/* Store every participating household of village_id, inside the caller's
** transaction; *n (may be NULL) counts them.  Returns 0 or -1. */
static int store_village(db *d, int64_t village_id, int64_t *n)
{
	arena *a = arena_new();
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	int rc = -1, st;
	db_stmt *s = db_prepare(d, "SELECT id FROM household WHERE village_id = $v"
				   " AND left_on IS NULL ORDER BY id");
	if (!s || db_bind_int(s, "$v", village_id))
		goto out;
	/* the ids first: rendering runs statements of its own */
	while ((st = db_step(s)) == DB_ROW) {
		if (nids == cap) {
			cap = cap ? 2 * cap : 256;
			int64_t *p = arena_alloc(a, cap * sizeof *p);
			if (nids)
				memcpy(p, ids, nids * sizeof *p);
			ids = p;
		}
		ids[nids++] = db_column_int(s, 0);
	}
	db_reset(s);
	if (st != DB_DONE)
		goto out;
	/* rows of households that left go: they are never served */
	s = db_prepare(d, "DELETE FROM passbook_store WHERE village_id = $v AND household_id IN"
			  " (SELECT id FROM household WHERE village_id = $v AND left_on IS NOT NULL)");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_DONE)
		goto out;
	for (size_t i = 0; i < nids; i++)
		if (store_one(d, village_id, ids[i]))
			goto out;
	if (n)
		*n = (int64_t)nids;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* The touch handler (db_touch): keys > 0 households, < 0 villages. */
static int touched(db *d, const int64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (keys[i] < 0) {
			if (store_village(d, -keys[i], NULL))
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

void passbook_store_init(passbook_render_fn fn)
{
	renderer = fn;
	db_set_touch_handler(fn ? touched : NULL);
}

int passbook_store_touch(db *d, int64_t household_id)
{
	return household_id > 0 ? db_touch(d, household_id) : 0;
}

int passbook_store_forget(db *d, int64_t household_id)
{
	db_stmt *s = db_prepare(d, "DELETE FROM passbook_store WHERE household_id = $h");
	return !s || db_bind_int(s, "$h", household_id) || db_step(s) != DB_DONE ? -1 : 0;
}

int passbook_store_touch_village(db *d, int64_t village_id)
{
	return village_id > 0 ? db_touch(d, -village_id) : 0;
}

/* The columns a lookup reads, the body last (SQLite reads a long row's
** overflow pages only when a column on them is asked for). */
#define STORE_COLS "s.render_id, s.as_of, s.valid_until, s.etag"

/* Fill out from the current row of a lookup whose first two columns are
** village and household id, then STORE_COLS, then the body.  Returns 0
** servable, 2 not. */
static int stored_from_row(db_stmt *s, int json, buf *into, const char *base,
			   struct passbook_stored *out)
{
	char today[11];
	out->village_id = db_column_int(s, 0);
	out->household_id = db_column_int(s, 1);
	if (db_column_is_null(s, 2))
		return 2;
	date_today(today);
	if (strcmp(db_column_text(s, 2), passbook_render_id) || strcmp(db_column_text(s, 3), today) ||
	    db_column_int(s, 4) <= now_unix())
		return 2;
	snprintf(out->etag, sizeof out->etag, "\"%c-%s\"", json ? 'j' : 'h', db_column_text(s, 5));
	if (into) {
		/* straight from the row into the answer, room made once: one copy
		** (growing the buffer as it filled copied a 40 kB page thrice) */
		const char *p = db_column_text(s, 6), *q;
		size_t n = strlen(p), nbase = base ? strlen(base) : 0, holes = 0;
		for (q = p; base && (q = memchr(q, PASSBOOK_STORE_BASE, n - (size_t)(q - p))); q++)
			holes++;
		char *dst = buf_space(into, n + holes * nbase - holes);
		while (holes && (q = memchr(p, PASSBOOK_STORE_BASE, n))) {
			size_t k = (size_t)(q - p);
			memcpy(dst, p, k);
			memcpy(dst + k, base, nbase); /* NOLINT(bugprone-not-null-terminated-result): a splice inside the body; the answer's length is carried */
			dst += k + nbase;
			n -= k + 1;
			p = q + 1;
		}
		memcpy(dst, p, n);
	}
	return 0;
}

int passbook_store_by_token(db *d, const char *token, int json, buf *into, const char *base,
			    struct passbook_stored *out)
{
	memset(out, 0, sizeof *out);
	if (!passbook_token_valid(token))
		return 1;
	char hash[65];
	sha256_hex(token, 2 * PASSBOOK_TOKEN_BYTES, hash);
	/* the token's checks are passbook_token_resolve()'s */
	db_stmt *s = db_prepare(d, json ? "SELECT t.village_id, t.household_id, " STORE_COLS ", s.json"
					  " FROM passbook_token t"
					  " JOIN household h ON h.id = t.household_id AND h.village_id = t.village_id"
					  " LEFT JOIN passbook_store s ON s.household_id = t.household_id"
					  " WHERE t.token_hash = $hash AND t.revoked_at IS NULL AND h.left_on IS NULL"
					: "SELECT t.village_id, t.household_id, " STORE_COLS ", s.html"
					  " FROM passbook_token t"
					  " JOIN household h ON h.id = t.household_id AND h.village_id = t.village_id"
					  " LEFT JOIN passbook_store s ON s.household_id = t.household_id"
					  " WHERE t.token_hash = $hash AND t.revoked_at IS NULL AND h.left_on IS NULL");
	int st;
	if (!s || db_bind_text(s, "$hash", hash) || (st = db_step(s)) == DB_ERROR)
		return -1;
	int rc = st == DB_ROW ? stored_from_row(s, json, into, base, out) : 1;
	db_reset(s);
	return rc;
}

int passbook_store_by_household(db *d, int64_t village_id, int64_t household_id, int json,
				buf *into, const char *base, struct passbook_stored *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *s = db_prepare(d, json ? "SELECT s.village_id, s.household_id, " STORE_COLS ", s.json"
					  " FROM passbook_store s WHERE s.household_id = $h AND s.village_id = $v"
					: "SELECT s.village_id, s.household_id, " STORE_COLS ", s.html"
					  " FROM passbook_store s WHERE s.household_id = $h AND s.village_id = $v");
	int st;
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	int rc = st == DB_ROW ? stored_from_row(s, json, into, base, out) : 2;
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
	if (db_begin_write(d))
		return -1;
	if (store_village(d, village_id, n) || db_commit(d)) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

int passbook_store_verify(db *d, int64_t village_id, errlist *errs, int64_t *checked)
{
	char today[11];
	date_today(today);
	*checked = 0;
	if (!renderer)
		return 0;
	if (db_begin_snapshot(d))
		return -1;
	int rc = -1, st;
	arena *a = arena_new();
	db_stmt *s = db_prepare(d, "SELECT s.village_id, s.household_id, s.html, s.json, h.code"
				   " FROM passbook_store s JOIN household h ON h.id = s.household_id"
				   " WHERE s.render_id = $r AND s.as_of = $today AND s.valid_until > $now"
				   " AND ($v = 0 OR s.village_id = $v) ORDER BY s.household_id");
	if (!s || db_bind_text(s, "$r", passbook_render_id) || db_bind_text(s, "$today", today) ||
	    db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$now", now_unix()))
		goto out;
	/* rows first, rendering after: the renderer runs statements of its own */
	struct row {
		int64_t vid, hid;
		char *html, *json, *code;
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
		rows[n].vid = db_column_int(s, 0);
		rows[n].hid = db_column_int(s, 1);
		rows[n].html = db_column_dup(s, 2, a);
		rows[n].json = db_column_dup(s, 3, a);
		rows[n].code = db_column_dup(s, 4, a);
		n++;
	}
	db_reset(s);
	if (st != DB_DONE)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct passbook_rendered now;
		memset(&now, 0, sizeof now);
		arena *ra = arena_new();
		int r = renderer(d, ra, rows[i].vid, rows[i].hid, &now);
		int same = r == 0 && now.html.len == strlen(rows[i].html) &&
			   !memcmp(now.html.p, rows[i].html, now.html.len) &&
			   now.json.len == strlen(rows[i].json) &&
			   !memcmp(now.json.p, rows[i].json, now.json.len);
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
