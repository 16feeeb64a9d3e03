/*
** ledger.c — the append-only, hash-chained points ledger (see ledger.h for
** the rules and the canonical encoding): posting batches of entries with
** the balances kept in the same transaction, posting an approved sheet,
** corrections, the reads the passbook and `jifen balances` need, and
** `jifen verify`'s recomputation of the chain and every stored figure.
*/
#include "ledger.h"

#include "csvout.h"
#include "ledger_int.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ledger_tree.h"
#include "passbook_store.h"

/* ---- the canonical encoding --------------------------------------------------- */

/* Decimal digits of v into out (no NUL); returns their count.  By hand:
** posting writes 21 fields per entry, and printf dominated the profile. */
static size_t fmt_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* One field: <byte length> ':' bytes '\n'. */
static void enc_bytes(buf *b, const char *s, size_t n)
{
	char len[24];
	size_t k = fmt_u64(len, n);
	len[k++] = ':';
	buf_append(b, len, k);
	buf_append(b, s, n);
	buf_append(b, "\n", 1);
}

static void enc_text(buf *b, const char *s)
{
	if (!s)
		s = "";
	enc_bytes(b, s, strlen(s));
}

static void enc_int(buf *b, int64_t v)
{
	char num[24];
	size_t n = 0;
	uint64_t u = (uint64_t)v;
	if (v < 0) {
		num[n++] = '-';
		u = 0 - u;
	}
	n += fmt_u64(num + n, u);
	enc_bytes(b, num, n);
}

static const struct {
	const char *word, *label;
} ledger_kinds[] = {
	[LEDGER_SCORE] = {"score", "记分"},
	[LEDGER_CORRECTION] = {"correction", "更正"},
	[LEDGER_REDEMPTION] = {"redemption", "兑换"},
	[LEDGER_YEAREND] = {"yearend", "年终结转"},
	[LEDGER_ADJUST] = {"adjust", "调整"},
	[LEDGER_KIND_UNKNOWN] = {"", "未知"},
};

const char *ledger_kind_word(enum ledger_kind k)
{
	return ledger_kinds[k <= LEDGER_KIND_UNKNOWN ? k : LEDGER_KIND_UNKNOWN].word;
}

const char *ledger_kind_label(enum ledger_kind k)
{
	return ledger_kinds[k <= LEDGER_KIND_UNKNOWN ? k : LEDGER_KIND_UNKNOWN].label;
}

enum ledger_kind ledger_kind_of(const char *word)
{
	for (int k = 0; k < LEDGER_KIND_UNKNOWN; k++)
		if (word && !strcmp(word, ledger_kinds[k].word))
			return (enum ledger_kind)k;
	return LEDGER_KIND_UNKNOWN;
}

void ledger_encode(buf *b, const struct ledger_entry *e)
{
	enc_text(b, "jifen-ledger-v1");
	enc_int(b, e->village_id);
	enc_int(b, e->seq);
	enc_int(b, e->household_id);
	enc_text(b, ledger_kind_word(e->kind));
	enc_int(b, e->item_id);
	enc_text(b, e->item_code);
	enc_int(b, e->version_id);
	enc_text(b, e->month);
	enc_text(b, e->date);
	enc_int(b, e->quantity);
	enc_int(b, e->points);
	enc_int(b, e->approval_id);
	enc_int(b, e->entry_id);
	enc_int(b, e->correction_of);
	enc_text(b, e->reason);
	enc_text(b, e->recorded_by);
	enc_text(b, e->note);
	enc_text(b, e->photo);
	enc_int(b, e->posted_at);
	enc_text(b, "end");
}

void hasher_free(struct hasher *h)
{
	buf_free(&h->scratch);
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_CTX_free(h->leaf_ctx);
	h->ctx = h->leaf_ctx = NULL;
}

/* out = SHA-256(0x00 || encoding) of the entry hasher_hash() last encoded:
** its Merkle leaf hash (ledger_tree.h), from the same scratch buffer. */
static void hasher_leaf(struct hasher *h, uint8_t out[32])
{
	static const unsigned char zero = 0;
	int first = !h->leaf_ctx;
	unsigned int n = 0;
	if (first && !(h->leaf_ctx = EVP_MD_CTX_new()))
		abort();
	if (!(first ? EVP_DigestInit_ex2(h->leaf_ctx, EVP_sha256(), NULL)
		    : EVP_DigestInit_ex2(h->leaf_ctx, NULL, NULL)) ||
	    !EVP_DigestUpdate(h->leaf_ctx, &zero, 1) ||
	    !EVP_DigestUpdate(h->leaf_ctx, h->scratch.p + 64, h->scratch.len - 64) ||
	    !EVP_DigestFinal_ex(h->leaf_ctx, out, &n))
		abort();
}

/* out = hex SHA-256(prev_hash || encoding of e). */
void hasher_hash(struct hasher *h, const struct ledger_entry *e, const char *prev_hash,
			char out[65])
{
	h->scratch.len = 0;
	buf_append(&h->scratch, prev_hash, 64);
	ledger_encode(&h->scratch, e);
	int first = !h->ctx;
	if (first && !(h->ctx = EVP_MD_CTX_new()))
		abort();
	unsigned char md[32];
	unsigned int n = 0;
	/* after the first, re-initialise with the digest already set */
	if (!(first ? EVP_DigestInit_ex2(h->ctx, EVP_sha256(), NULL)
		    : EVP_DigestInit_ex2(h->ctx, NULL, NULL)) ||
	    !EVP_DigestUpdate(h->ctx, h->scratch.p, h->scratch.len) ||
	    !EVP_DigestFinal_ex(h->ctx, md, &n))
		abort();
	hex_encode(md, 32, out);
}

void ledger_entry_hash(const struct ledger_entry *e, const char *prev_hash, char out[65])
{
	struct hasher h = {0};
	hasher_hash(&h, e, prev_hash, out);
	hasher_free(&h);
}

/* ---- posting ------------------------------------------------------------------- */

struct ledger_batch {
	db *d;
	arena *a;
	int64_t village_id;
	int64_t seq, first_seq;
	char head[65];
	struct imap balance;     /* household → delta */
	struct imap years;       /* year_key → delta, flag veto */
	struct hasher hasher;
	db_copy *copy;           /* the bulk load of the entries, opened by the first add */
	struct ledger_tree_writer *tree; /* the Merkle tree's new stored hashes */
};

/* The columns of a ledger entry as the bulk load writes them. */
static const char *const ledger_cols[] = {
	"village_id", "seq", "household_id", "kind", "item_id", "item_code", "version_id", "month",
	"date", "quantity", "points", "approval_id", "entry_id", "correction_of", "reason",
	"recorded_by", "note", "photo", "posted_at", "prev_hash", "hash",
};
enum { LEDGER_NCOLS = sizeof ledger_cols / sizeof *ledger_cols };

/* Decimal text of v into out (≥ 24 bytes); returns out. */
static char *int_text(char out[24], int64_t v)
{
	size_t n = 0;
	uint64_t u = (uint64_t)v;
	if (v < 0) {
		out[n++] = '-';
		u = 0 - u;
	}
	n += fmt_u64(out + n, u);
	out[n] = 0;
	return out;
}

struct ledger_batch *ledger_batch_begin(db *d, arena *a, int64_t village_id)
{
	db_stmt *s = db_prepare(d, "INSERT INTO ledger_head(village_id, seq, hash)"
				   " VALUES($v, 0, $genesis) ON CONFLICT (village_id) DO NOTHING");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$genesis", LEDGER_GENESIS) ||
	    db_step(s) != DB_DONE)
		return NULL;
	/* the UPDATE takes the row lock on PostgreSQL and returns the head as
	** committed by whoever held the lock before */
	s = db_prepare(d, "UPDATE ledger_head SET seq = seq WHERE village_id = $v"
			  " RETURNING seq, hash");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return NULL;
	struct ledger_batch *b = arena_alloc(a, sizeof *b);
	b->d = d;
	b->a = a;
	b->village_id = village_id;
	b->seq = db_column_int(s, 0);
	snprintf(b->head, sizeof b->head, "%s", db_column_text(s, 1));
	db_reset(s);
	if (!(b->tree = ledger_tree_writer_begin(d, a, village_id, b->seq)))
		return NULL;
	b->balance.a = a;
	b->years.a = a;
	return b;
}

int ledger_batch_add(struct ledger_batch *b, struct ledger_entry *e, int veto)
{
	e->village_id = b->village_id;
	e->seq = ++b->seq;
	if (!b->first_seq)
		b->first_seq = e->seq;
	memcpy(e->prev_hash, b->head, 65);
	hasher_hash(&b->hasher, e, b->head, e->hash);
	memcpy(b->head, e->hash, 65);
	uint8_t leaf[32];
	hasher_leaf(&b->hasher, leaf);
	ledger_tree_writer_add(b->tree, leaf);
	/* the entries go in through the bulk loader (COPY on PostgreSQL, where
	** one round trip per row would dominate an approval) */
	if (!b->copy && !(b->copy = db_copy_begin(b->d, "ledger_entry", ledger_cols, LEDGER_NCOLS)))
		return -1;
	char n[10][24];
	const char *vals[LEDGER_NCOLS] = {
		int_text(n[0], e->village_id),
		int_text(n[1], e->seq),
		int_text(n[2], e->household_id),
		ledger_kind_word(e->kind),
		e->item_id ? int_text(n[3], e->item_id) : NULL,
		e->item_code ? e->item_code : "",
		e->version_id ? int_text(n[4], e->version_id) : NULL,
		e->month,
		e->date,
		int_text(n[5], e->quantity),
		int_text(n[6], e->points),
		e->approval_id ? int_text(n[7], e->approval_id) : NULL,
		e->entry_id ? int_text(n[8], e->entry_id) : NULL,
		e->correction_of ? int_text(n[9], e->correction_of) : NULL,
		e->reason ? e->reason : "",
		e->recorded_by ? e->recorded_by : "",
		e->note ? e->note : "",
		e->photo ? e->photo : "",
		NULL, /* posted_at, below */
		e->prev_hash,
		e->hash,
	};
	char at[24];
	vals[18] = int_text(at, e->posted_at);
	if (db_copy_row(b->copy, vals))
		return -1;
	imap_get(&b->balance, e->household_id)->v += e->points;
	if (ledger_kind_scored(e->kind)) {
		struct imap_slot *y = imap_get(&b->years, year_key(e->household_id,
								  month_year(e->month)));
		y->v += e->points;
		if (veto && e->points)
			y->flag = 1;
	}
	return 0;
}

/* The bulk load's outcome no longer matters: the caller rolls back. */
void ledger_batch_abort(struct ledger_batch *b)
{
	if (b->copy)
		db_copy_end(b->copy);
	b->copy = NULL;
	hasher_free(&b->hasher);
}

/* From this many households on, a batch writes its balance and year totals
** set-wise (totals_bulk) instead of one upsert per household and year: on
** PostgreSQL each upsert is a round trip, and the 20,000 of a 100,000-entry
** sheet of 10,000 households were 40 % of its approval (BENCHMARKS.md).  A
** correction (one household) keeps the two plain upserts. */
enum { LEDGER_BULK_TOTALS = 64 };

/* Write b's totals through the bulk loader into the connection's temporary
** table ledger_delta (year 0: the balance), then apply them with one upsert
** per table.  Inside the caller's transaction.  Returns 0 or -1. */
static int totals_bulk(struct ledger_batch *b)
{
	db *d = b->d;
	static const char *const cols[] = {"household_id", "year", "points", "veto"};
	if (db_exec(d, "CREATE TEMP TABLE IF NOT EXISTS ledger_delta(household_id BIGINT NOT NULL,"
		       " year INTEGER NOT NULL, points BIGINT NOT NULL, veto INTEGER NOT NULL)") ||
	    db_exec(d, "DELETE FROM ledger_delta"))
		return -1;
	db_copy *c = db_copy_begin(d, "ledger_delta", cols, 4);
	if (!c)
		return -1;
	char h[24], y[24], p[24];
	for (size_t i = 0; i < b->balance.cap; i++) {
		const struct imap_slot *x = &b->balance.s[i];
		const char *vals[4] = {int_text(h, x->key), "0", int_text(p, x->v), "0"};
		if (x->key && db_copy_row(c, vals))
			break;
	}
	for (size_t i = 0; i < b->years.cap; i++) {
		const struct imap_slot *x = &b->years.s[i];
		const char *vals[4] = {int_text(h, x->key / 4096), int_text(y, x->key % 4096),
				       int_text(p, x->v), x->flag ? "1" : "0"};
		if (x->key && db_copy_row(c, vals))
			break;
	}
	if (db_copy_end(c))
		return -1;
	/* (SQLite wants a WHERE before ON CONFLICT in INSERT … SELECT) */
	db_stmt *s = db_prepare(d,
		"INSERT INTO household_balance(household_id, village_id, balance)"
		" SELECT household_id, CAST($v AS BIGINT), points FROM ledger_delta WHERE year = 0"
		" ON CONFLICT (household_id)"
		" DO UPDATE SET balance = household_balance.balance + excluded.balance");
	if (!s || db_bind_int(s, "$v", b->village_id) || db_step(s) != DB_DONE)
		return -1;
	s = db_prepare(d,
		"INSERT INTO household_year(household_id, year, village_id, points, veto)"
		" SELECT household_id, year, CAST($v AS BIGINT), points, veto FROM ledger_delta"
		" WHERE year > 0 ON CONFLICT (household_id, year)"
		" DO UPDATE SET points = household_year.points + excluded.points,"
		" veto = CASE WHEN excluded.veto = 1 THEN 1 ELSE household_year.veto END");
	if (!s || db_bind_int(s, "$v", b->village_id) || db_step(s) != DB_DONE)
		return -1;
	/* too many passbooks to render inside the posting (it must stay within
	** half of raw inserts, BENCHMARKS.md): their rows become tombstones,
	** set-wise, and they are rendered after the commit (passbook_store.h) */
	s = db_prepare(d, "INSERT INTO " PASSBOOK_STORE_COLUMNS " SELECT household_id,"
			  " CAST($v AS BIGINT), " PASSBOOK_STORE_TOMBSTONE_VALUES " FROM ledger_delta"
			  " WHERE year = 0" PASSBOOK_STORE_TOMBSTONE_CONFLICT);
	if (!s || db_bind_int(s, "$v", b->village_id) || db_step(s) != DB_DONE)
		return -1;
	for (size_t i = 0; i < b->balance.cap; i++)
		if (b->balance.s[i].key && passbook_store_defer(d, b->balance.s[i].key))
			return -1;
	return db_exec(d, "DELETE FROM ledger_delta");
}

int ledger_batch_finish(struct ledger_batch *b, int64_t *first_seq, int64_t *last_seq,
			char head[65])
{
	int rc = -1;
	db *d = b->d;
	db_stmt *s;
	if (b->copy) {
		int crc = db_copy_end(b->copy);
		b->copy = NULL;
		if (crc)
			goto out;
	}
	if (ledger_tree_writer_finish(b->tree, NULL))
		goto out;
	if (b->balance.n >= LEDGER_BULK_TOTALS) {
		if (totals_bulk(b))
			goto out;
		goto head;
	}
	s = db_prepare(d,
		"INSERT INTO household_balance(household_id, village_id, balance)"
		" VALUES($h, $v, $delta) ON CONFLICT (household_id)"
		" DO UPDATE SET balance = household_balance.balance + excluded.balance");
	if (!s)
		goto out;
	for (size_t i = 0; i < b->balance.cap; i++) {
		const struct imap_slot *x = &b->balance.s[i];
		if (!x->key)
			continue;
		/* its passbook is rendered again before the commit; past a few
		** households (a village's sheet) they are rendered after it:
		** rendering 30 passbooks inside an approval made it 5-10 times as
		** long on PostgreSQL (t_crash) (passbook_store.h) */
		if (b->balance.n <= PASSBOOK_STORE_EAGER_MAX
			    ? passbook_store_touch(d, x->key)
			    : passbook_store_forget(d, b->village_id, x->key))
			goto out;
		db_bind_int(s, "$h", x->key);
		db_bind_int(s, "$v", b->village_id);
		db_bind_int(s, "$delta", x->v);
		if (db_step(s) != DB_DONE)
			goto out;
		db_reset(s);
	}
	s = db_prepare(d,
		"INSERT INTO household_year(household_id, year, village_id, points, veto)"
		" VALUES($h, $y, $v, $delta, $veto) ON CONFLICT (household_id, year)"
		" DO UPDATE SET points = household_year.points + excluded.points,"
		" veto = CASE WHEN excluded.veto = 1 THEN 1 ELSE household_year.veto END");
	if (!s)
		goto out;
	for (size_t i = 0; i < b->years.cap; i++) {
		const struct imap_slot *x = &b->years.s[i];
		if (!x->key)
			continue;
		db_bind_int(s, "$h", x->key / 4096);
		db_bind_int(s, "$y", x->key % 4096);
		db_bind_int(s, "$v", b->village_id);
		db_bind_int(s, "$delta", x->v);
		db_bind_int(s, "$veto", x->flag);
		if (db_step(s) != DB_DONE)
			goto out;
		db_reset(s);
	}
head:
	s = db_prepare(d, "UPDATE ledger_head SET seq = $seq, hash = $hash WHERE village_id = $v");
	if (!s || db_bind_int(s, "$seq", b->seq) || db_bind_text(s, "$hash", b->head) ||
	    db_bind_int(s, "$v", b->village_id) || db_step(s) != DB_DONE)
		goto out;
	if (first_seq)
		*first_seq = b->first_seq;
	if (last_seq)
		*last_seq = b->first_seq ? b->seq : 0;
	if (head)
		memcpy(head, b->head, 65);
	rc = 0;
out:
	hasher_free(&b->hasher);
	return rc;
}

int ledger_post_sheet(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		      int64_t approval_id, int64_t posted_at, int64_t *count, int64_t *points,
		      int64_t *first_seq, int64_t *last_seq, char head[65])
{
	*count = *points = 0;
	struct ledger_batch *b = ledger_batch_begin(d, a, village_id);
	if (!b)
		return -1;
	db_stmt *s = db_prepare(d,
		"SELECT e.id, e.household_id, e.item_id, e.item_code, e.version_id, e.date,"
		" e.quantity, e.points, e.note, COALESCE(e.photo, ''), e.recorded_by, i.veto"
		" FROM entry e JOIN standard_item i ON i.id = e.item_id"
		" WHERE e.sheet_id = $s AND e.village_id = $v ORDER BY e.id");
	if (!s || db_bind_int(s, "$s", sheet_id) || db_bind_int(s, "$v", village_id))
		goto fail;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		char month[8];
		const char *date = db_column_text(s, 5);
		snprintf(month, sizeof month, "%.7s", date);
		struct ledger_entry e = {
			.household_id = db_column_int(s, 1),
			.kind = LEDGER_SCORE,
			.item_id = db_column_int(s, 2),
			.item_code = db_column_text(s, 3),
			.version_id = db_column_int(s, 4),
			.month = month,
			.date = date,
			.quantity = db_column_int(s, 6),
			.points = db_column_int(s, 7),
			.approval_id = approval_id,
			.entry_id = db_column_int(s, 0),
			.reason = "",
			.note = db_column_text(s, 8),
			.photo = db_column_text(s, 9),
			.recorded_by = db_column_text(s, 10),
			.posted_at = posted_at,
		};
		if (ledger_batch_add(b, &e, (int)db_column_int(s, 11)))
			goto fail;
		(*count)++;
		*points += e.points;
	}
	if (st != DB_DONE)
		goto fail;
	return ledger_batch_finish(b, first_seq, last_seq, head);
fail:
	ledger_batch_abort(b);
	return -1;
}

/* ---- reading ------------------------------------------------------------------- */

/* Fill e from the current row: ENTRY_COLS, then DISPLAY_COLS when display. */
void entry_from_row(db_stmt *s, arena *a, struct ledger_entry *e, int display)
{
	memset(e, 0, sizeof *e);
	e->id = db_column_int(s, 0);
	e->village_id = db_column_int(s, 1);
	e->seq = db_column_int(s, 2);
	e->household_id = db_column_int(s, 3);
	e->kind = ledger_kind_of(db_column_text(s, 4));
	e->item_id = db_column_int(s, 5);
	e->item_code = arena_strdup(a, db_column_text(s, 6));
	e->version_id = db_column_int(s, 7);
	e->month = arena_strdup(a, db_column_text(s, 8));
	e->date = arena_strdup(a, db_column_text(s, 9));
	e->quantity = db_column_int(s, 10);
	e->points = db_column_int(s, 11);
	e->approval_id = db_column_int(s, 12);
	e->entry_id = db_column_int(s, 13);
	e->correction_of = db_column_int(s, 14);
	e->reason = arena_strdup(a, db_column_text(s, 15));
	e->recorded_by = arena_strdup(a, db_column_text(s, 16));
	e->note = arena_strdup(a, db_column_text(s, 17));
	e->photo = arena_strdup(a, db_column_text(s, 18));
	e->posted_at = db_column_int(s, 19);
	snprintf(e->prev_hash, sizeof e->prev_hash, "%s", db_column_text(s, 20));
	snprintf(e->hash, sizeof e->hash, "%s", db_column_text(s, 21));
	if (!display)
		return;
	int c = ENTRY_NCOLS;
	e->item_name = arena_strdup(a, db_column_text(s, c));
	e->category = arena_strdup(a, db_column_text(s, c + 1));
	e->household_code = arena_strdup(a, db_column_text(s, c + 2));
	e->household_name = arena_strdup(a, db_column_text(s, c + 3));
	e->meeting_date = arena_strdup(a, db_column_text(s, c + 4));
	e->veto = (int)db_column_int(s, c + 5);
	e->corrected = db_column_int(s, c + 6);
}

/* Up to limit (≥ 1) rows of s, a query of ENTRY_COLS DISPLAY_COLS bound and
** limited, into *rows (arena, room for limit) and *n; s is reset.  0 or
** -1. */
static int read_display_entries(db_stmt *s, arena *a, int limit, struct ledger_entry **rows,
				int *n)
{
	struct ledger_entry *list = arena_alloc(a, (size_t)limit * sizeof *list);
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < limit)
		entry_from_row(s, a, &list[(*n)++], 1);
	db_reset(s);
	*rows = list;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

int ledger_entry_get(db *d, arena *a, int64_t village_id, int64_t id, struct ledger_entry **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " ENTRY_COLS DISPLAY_COLS " FROM ledger_entry le"
				   DISPLAY_JOINS " WHERE le.id = $id AND le.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step_one(s);
	if (st)
		return st;
	struct ledger_entry *e = arena_alloc(a, sizeof *e);
	entry_from_row(s, a, e, 1);
	db_reset(s);
	*out = e;
	return 0;
}

int ledger_household_entries(db *d, arena *a, int64_t village_id, int64_t household_id,
			     int offset, int limit, struct ledger_entry **rows, int *n,
			     int64_t *total)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	/* counted from the index ledger_passbook alone: the village scope is
	** checked once on the household (its entries all carry its village),
	** not on every entry's row, which cost a table lookup per entry —
	** most of a passbook page's time (BENCHMARKS.md) */
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM ledger_entry WHERE household_id = $h"
				   " AND EXISTS (SELECT 1 FROM household WHERE id = $h AND village_id = $v)");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_step(s) != DB_ROW)
		return -1;
	*total = db_column_int(s, 0);
	db_reset(s);
	if (limit <= 0)
		return 0;
	s = db_prepare(d, "SELECT " ENTRY_COLS DISPLAY_COLS " FROM ledger_entry le" DISPLAY_JOINS
			  " WHERE le.household_id = $h AND le.village_id = $v"
			  " ORDER BY le.date DESC, le.seq DESC LIMIT $lim OFFSET $off");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$lim", limit) || db_bind_int(s, "$off", offset < 0 ? 0 : offset))
		return -1;
	return read_display_entries(s, a, limit, rows, n);
}

int ledger_village_recent(db *d, arena *a, int64_t village_id, int offset, int limit,
			  struct ledger_entry **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	db_stmt *s = db_prepare(d, "SELECT " ENTRY_COLS DISPLAY_COLS " FROM ledger_entry le" DISPLAY_JOINS
				   " WHERE le.village_id = $v"
				   " ORDER BY le.date DESC, le.seq DESC LIMIT $lim OFFSET $off");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$lim", limit) ||
	    db_bind_int(s, "$off", offset < 0 ? 0 : offset))
		return -1;
	return read_display_entries(s, a, limit, rows, n);
}

/* The passbook's columns: what the page and its JSON show, all held by the
** index ledger_passbook (schema 005) but the item's name and the
** corrections' sum, which come from small tables that stay cached.  Read
** by their own loop below, not entry_from_row(): laying them out as
** ENTRY_COLS with constants for the rest made a page 10 % dearer
** (callgrind, 587 k -> 648 k instructions). */
#define PASSBOOK_COLS "le.id, le.seq, le.kind, COALESCE(le.item_id, 0), le.item_code, le.month," \
		      " le.date, le.quantity, le.points, COALESCE(le.approval_id, 0)," \
		      " COALESCE(le.correction_of, 0), le.reason, le.note, le.photo," \
		      " COALESCE(i.name, ''), COALESCE(i.category, ''), COALESCE(i.veto, 0)," \
		      " (SELECT COALESCE(SUM(c.points), 0) FROM ledger_entry c" \
		      "  WHERE c.correction_of = le.id)"

int ledger_passbook_entries(db *d, arena *a, int64_t village_id, int64_t household_id,
			    int offset, int limit, struct ledger_entry **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	db_stmt *s = db_prepare(d, "SELECT " PASSBOOK_COLS " FROM ledger_entry le"
				   " LEFT JOIN standard_item i ON i.id = le.item_id"
				   " WHERE le.household_id = $h AND le.village_id = $v"
				   " ORDER BY le.date DESC, le.seq DESC LIMIT $lim OFFSET $off");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$lim", limit) || db_bind_int(s, "$off", offset < 0 ? 0 : offset))
		return -1;
	struct ledger_entry *list = arena_alloc(a, (size_t)limit * sizeof *list);
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < limit) {
		struct ledger_entry *e = &list[(*n)++]; /* zeroed by arena_alloc */
		e->id = db_column_int(s, 0);
		e->village_id = village_id;
		e->seq = db_column_int(s, 1);
		e->household_id = household_id;
		e->kind = ledger_kind_of(db_column_text(s, 2));
		e->item_id = db_column_int(s, 3);
		e->item_code = arena_strdup(a, db_column_text(s, 4));
		e->month = arena_strdup(a, db_column_text(s, 5));
		e->date = arena_strdup(a, db_column_text(s, 6));
		e->quantity = db_column_int(s, 7);
		e->points = db_column_int(s, 8);
		e->approval_id = db_column_int(s, 9);
		e->correction_of = db_column_int(s, 10);
		e->reason = arena_strdup(a, db_column_text(s, 11));
		e->note = arena_strdup(a, db_column_text(s, 12));
		e->photo = arena_strdup(a, db_column_text(s, 13));
		e->item_name = arena_strdup(a, db_column_text(s, 14));
		e->category = arena_strdup(a, db_column_text(s, 15));
		e->veto = (int)db_column_int(s, 16);
		e->corrected = db_column_int(s, 17);
	}
	db_reset(s);
	*rows = list;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

int ledger_household_summary(db *d, int64_t village_id, int64_t household_id, const char *today,
			     struct ledger_summary *out)
{
	memset(out, 0, sizeof *out);
	int year = atoi(today) % 10000;
	int month = atoi(today + 5);
	int q1 = month >= 1 && month <= 12 ? (month - 1) / 3 * 3 + 1 : 1;
	char from[32], to[32], dfrom[32], dto[32];
	snprintf(from, sizeof from, "%04d-%02d", year, q1);
	snprintf(to, sizeof to, "%04d-%02d", year, q1 + 2);
	snprintf(dfrom, sizeof dfrom, "%04d-%02d-01", year, q1);
	snprintf(dto, sizeof dto, "%04d-%02d-31", year, q1 + 2);
	/* The ledger_entry parts are shaped for the index ledger_passbook
	** (household_id, date, seq, ...), so that a passbook does not read every
	** entry's row (BENCHMARKS.md): the village scope is checked once on the
	** household, whose entries all carry its village; the quarter is also
	** narrowed by date — a score or correction entry's date lies in its
	** month (a correction keeps the original's month and date) — and only
	** that quarter's rows are read for month, kind and points. */
	db_stmt *s = db_prepare(d,
		"SELECT (SELECT COALESCE(SUM(balance), 0) FROM household_balance"
		"         WHERE household_id = $h AND village_id = $v),"
		" (SELECT COALESCE(SUM(points), 0) FROM household_year"
		"   WHERE household_id = $h AND village_id = $v AND year = $y),"
		" (SELECT COALESCE(MAX(veto), 0) FROM household_year"
		"   WHERE household_id = $h AND village_id = $v AND year = $y),"
		" (SELECT COALESCE(SUM(points), 0) FROM ledger_entry"
		"   WHERE household_id = $h AND village_id = $v AND date >= $dfrom AND date <= $dto"
		"   AND month >= $from AND month <= $to AND kind IN ('score', 'correction')),"
		" (SELECT COUNT(*) FROM ledger_entry WHERE household_id = $h"
		"   AND EXISTS (SELECT 1 FROM household WHERE id = $h AND village_id = $v))");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$y", year) || db_bind_text(s, "$from", from) ||
	    db_bind_text(s, "$to", to) || db_bind_text(s, "$dfrom", dfrom) ||
	    db_bind_text(s, "$dto", dto) || db_step(s) != DB_ROW)
		return -1;
	out->balance = db_column_int(s, 0);
	out->year_points = db_column_int(s, 1);
	out->veto = (int)db_column_int(s, 2);
	out->quarter_points = db_column_int(s, 3);
	out->entries = db_column_int(s, 4);
	db_reset(s);
	return 0;
}

/* A household's figure read from an index range: (household_id, a, b). */
struct hfig {
	int64_t household_id, a, b;
};

/* The rows of s (household_id, a[, b]), in household_id order, into *out. */
static int hfig_load(db_stmt *s, arena *a, struct hfig **out, int *n)
{
	int cap = 0, st, three = db_column_count(s) > 2;
	*out = NULL;
	*n = 0;
	while ((st = db_step(s)) == DB_ROW) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		struct hfig *f = &(*out)[(*n)++];
		f->household_id = db_column_int(s, 0);
		f->a = db_column_int(s, 1);
		f->b = three ? db_column_int(s, 2) : 0;
	}
	return st == DB_DONE ? 0 : -1;
}

/* The figure of household_id in f[0..n) (sorted), or NULL. */
static const struct hfig *hfig_find(const struct hfig *f, int n, int64_t household_id)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (f[mid].household_id < household_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && f[lo].household_id == household_id ? &f[lo] : NULL;
}

/* Households by code, shorter codes first ("2" before "10"), then bytewise. */
static int balance_order(const void *x, const void *y)
{
	const struct ledger_balance *p = x, *q = y;
	size_t lp = utf8_len(p->code), lq = utf8_len(q->code);
	return lp != lq ? (lp < lq ? -1 : 1) : strcmp(p->code, q->code);
}

int ledger_balances(db *d, arena *a, int64_t village_id, int year, struct ledger_balance **rows,
		    int *n)
{
	*rows = NULL;
	*n = 0;
	/* Three range reads merged here rather than one join: the balances and
	** year points are each one range of a covering index (schema 007), in
	** household order, where the join sought two indexes and read two
	** table rows per household (BENCHMARKS.md).  The three read one
	** snapshot. */
	struct hfig *bal = NULL, *yr = NULL;
	int nbal = 0, nyr = 0, rc = -1;
	if (db_begin_snapshot(d))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT household_id, balance FROM household_balance"
				   " WHERE village_id = $v ORDER BY household_id");
	if (!s || db_bind_int(s, "$v", village_id) || hfig_load(s, a, &bal, &nbal))
		goto out;
	s = db_prepare(d, "SELECT household_id, points, veto FROM household_year"
			  " WHERE village_id = $v AND year = $y ORDER BY household_id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$y", year) ||
	    hfig_load(s, a, &yr, &nyr))
		goto out;
	s = db_prepare(d, "SELECT id, code, head_name FROM household"
			  " WHERE village_id = $v AND participating = 1");
	if (!s || db_bind_int(s, "$v", village_id))
		goto out;
	int cap = 256, st;
	struct ledger_balance *list = arena_alloc(a, (size_t)cap * sizeof *list);
	while ((st = db_step(s)) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		struct ledger_balance *r = &list[(*n)++];
		r->household_id = db_column_int(s, 0);
		r->code = arena_strdup(a, db_column_text(s, 1));
		r->name = arena_strdup(a, db_column_text(s, 2));
		const struct hfig *f = hfig_find(bal, nbal, r->household_id);
		r->balance = f ? f->a : 0;
		f = hfig_find(yr, nyr, r->household_id);
		r->year_points = f ? f->a : 0;
		r->veto = f ? (int)f->b : 0;
	}
	/* ordered here, not by SQL: the same order on both backends whatever
	** the database's collation, and no sorter over the index range */
	qsort(list, (size_t)*n, sizeof *list, balance_order);
	*rows = list;
	rc = st == DB_DONE ? 0 : -1;
out:
	if (rc)
		db_rollback(d);
	else if (db_commit(d))
		rc = -1;
	return rc;
}

int ledger_head(db *d, int64_t village_id, int64_t *seq, char hash[65])
{
	*seq = 0;
	memcpy(hash, LEDGER_GENESIS, 65);
	db_stmt *s = db_prepare(d, "SELECT seq, hash FROM ledger_head WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		*seq = db_column_int(s, 0);
		snprintf(hash, 65, "%s", db_column_text(s, 1));
		db_reset(s);
		return 0;
	}
	return st == DB_DONE ? 0 : -1;
}

/* ---- corrections ---------------------------------------------------------------- */

/* Whether a veto entry of household_id still stands in year (its points
** not reversed in full): *standing 0/1.  Returns 0 or -1. */
static int veto_standing(db *d, int64_t household_id, int year, int *standing)
{
	db_stmt *s = db_prepare(d,
		"SELECT COUNT(*) FROM ledger_entry le JOIN standard_item i ON i.id = le.item_id"
		" WHERE le.household_id = $h AND" LEDGER_VETO_STANDING);
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_year_months(s, year) ||
	    db_step(s) != DB_ROW)
		return -1;
	*standing = db_column_int(s, 0) > 0;
	db_reset(s);
	return 0;
}

int ledger_correct_tx(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t entry_id, int64_t amount, const char *reason, errlist *errs,
		      struct ledger_entry **out)
{
	int rc = -1;
	buf js = {0};
	struct ledger_batch *b = NULL;
	if (out)
		*out = NULL;
	if (!reason || !*reason)
		errlist_add(errs, "更正原因不能为空");
	else if (!text_is_clean(reason, 1) || utf8_len(reason) > 500)
		errlist_add(errs, "更正原因最长 500 个字，不能含控制字符");
	if (amount < 1)
		errlist_add(errs, "更正分值应为正整数（要冲减的分数）");
	if (errs->n)
		return 1;
	/* the head lock first: corrections of one village are serialised, so
	** "what is left" below cannot change under us */
	b = ledger_batch_begin(d, a, v->id);
	if (!b)
		goto out;
	struct ledger_entry *orig = NULL;
	int got = ledger_entry_get(d, a, v->id, entry_id, &orig);
	if (got < 0)
		goto out;
	if (got) {
		errlist_add(errs, "本村台账没有第 %lld 条", (long long)entry_id);
		rc = 1;
		goto out;
	}
	if (orig->kind != LEDGER_SCORE) {
		errlist_add(errs, "台账第 %lld 条是%s，只能更正积分记录", (long long)entry_id,
			    orig->kind == LEDGER_CORRECTION ? "更正记录" : "非积分记录");
		rc = 1;
		goto out;
	}
	int64_t left = orig->points + orig->corrected;
	int64_t left_abs = left < 0 ? -left : left;
	if (left_abs == 0) {
		errlist_add(errs, "台账第 %lld 条已经全部更正", (long long)entry_id);
		rc = 1;
		goto out;
	}
	if (amount > left_abs) {
		errlist_add(errs, "台账第 %lld 条还剩 %lld 分可更正，不能更正 %lld 分",
			    (long long)entry_id, (long long)left_abs, (long long)amount);
		rc = 1;
		goto out;
	}
	struct ledger_entry *e = arena_alloc(a, sizeof *e);
	e->household_id = orig->household_id;
	e->kind = LEDGER_CORRECTION;
	e->item_id = orig->item_id;
	e->item_code = orig->item_code;
	e->version_id = orig->version_id;
	e->month = orig->month;
	e->date = orig->date;
	e->quantity = 0;
	e->points = orig->points > 0 ? -amount : amount;
	e->correction_of = orig->id;
	e->reason = arena_strdup(a, reason);
	e->recorded_by = who->login;
	e->note = "";
	e->photo = "";
	e->posted_at = now_unix();
	if (ledger_batch_add(b, e, 0) || ledger_batch_finish(b, NULL, NULL, NULL))
		goto out;
	if (orig->veto && amount == left_abs) {
		int standing, year = month_year(orig->month);
		if (veto_standing(d, orig->household_id, year, &standing))
			goto out;
		db_stmt *s = db_prepare(d, "UPDATE household_year SET veto = $veto"
					   " WHERE household_id = $h AND year = $y");
		if (!s || db_bind_int(s, "$veto", standing) ||
		    db_bind_int(s, "$h", orig->household_id) || db_bind_int(s, "$y", year) ||
		    db_step(s) != DB_DONE)
			goto out;
	}
	/* the id of the new entry, for the caller and the audit */
	db_stmt *s = db_prepare(d, "SELECT id FROM ledger_entry WHERE village_id = $v AND seq = $seq");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$seq", e->seq) ||
	    db_step(s) != DB_ROW)
		goto out;
	e->id = db_column_int(s, 0);
	db_reset(s);
	buf_printf(&js, "{\"correction_of\":%lld,\"points\":%lld,\"seq\":%lld,\"reason\":",
		   (long long)orig->id, (long long)e->points, (long long)e->seq);
	json_quote(&js, reason);
	buf_puts(&js, "}");
	char obj[48];
	snprintf(obj, sizeof obj, "ledger:%lld", (long long)e->id);
	if (audit_record(d, who, v->id, "ledger.correct", obj, NULL, buf_cstr(&js)))
		goto out;
	if (out)
		*out = e;
	rc = 0;
out:
	if (b)
		ledger_batch_abort(b);
	buf_free(&js);
	return rc;
}

int ledger_correct(db *d, arena *a, const struct actor *who, const struct village *v,
		   int64_t entry_id, int64_t amount, const char *reason, errlist *errs,
		   struct ledger_entry **out)
{
	if (db_begin_write(d))
		return -1;
	int rc = ledger_correct_tx(d, a, who, v, entry_id, amount, reason, errs, out);
	if (rc == 0 && db_commit(d))
		rc = -1;
	if (rc) {
		db_rollback(d);
		if (out)
			*out = NULL;
	}
	return rc;
}

void ledger_balances_csv(struct csv_out *w, const struct ledger_balance *rows, int n)
{
	for (int i = 0; i < n; i++) {
		csv_text(w, rows[i].code);
		csv_text(w, rows[i].name);
		csv_int(w, rows[i].balance);
		csv_int(w, rows[i].year_points);
		csv_row_end(w);
	}
}
