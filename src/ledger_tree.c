/*
** ledger_tree.c — the Merkle tree over each village's ledger in the
** database (ledger_tree.h): the writer the posting transaction appends
** through, the reader proofs and roots use, schema 011's backfill, and
** `jifen verify`'s recomputation of the tree from the entries.
*/
#include "ledger_tree.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "village.h"

void ledger_tree_leaf_hash(const struct ledger_entry *e, uint8_t out[32])
{
	buf b = {0};
	ledger_encode(&b, e);
	merkle_leaf_hash(b.p, b.len, out);
	buf_free(&b);
}

/* ---- reading ---------------------------------------------------------------- */

/* The hash at position pos (0 the leaf) of row text (hex), into out.
** Returns 0, or -1 when the row is too short or not hex. */
static int row_hash(const char *hex, int pos, uint8_t out[32])
{
	size_t n = hex ? strlen(hex) : 0, len = 0;
	if (n < (size_t)(pos + 1) * 64 ||
	    sodium_hex2bin(out, 32, hex + (size_t)pos * 64, 64, NULL, &len, NULL) || len != 32)
		return -1;
	return 0;
}

/* merkle_reader: each stored index (level, n) lives in the row of the last
** leaf of its subtree, n' = (n+1)·2^level − 1 (seq n' + 1), at position
** level.  One indexed lookup per hash: a proof needs about 2·log₂ n. */
static int tree_read(void *ctx, const uint64_t *indexes, size_t n, uint8_t (*out)[32])
{
	struct ledger_tree_source *src = ctx;
	db_stmt *s = db_prepare(src->d, "SELECT hashes FROM ledger_tree"
					" WHERE village_id = $v AND seq = $seq");
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int level;
		uint64_t k;
		merkle_stored_index_split(indexes[i], &level, &k);
		uint64_t last = ((k + 1) << level) - 1;
		if (db_bind_int(s, "$v", src->village_id) || db_bind_int(s, "$seq", (int64_t)last + 1))
			return -1;
		int st = db_step(s);
		int bad = st != DB_ROW || row_hash(db_column_text(s, 0), level, out[i]);
		db_reset(s);
		if (bad)
			return -1;
	}
	return 0;
}

struct merkle_reader ledger_tree_reader(struct ledger_tree_source *src)
{
	return (struct merkle_reader){tree_read, src};
}

int ledger_tree_size(db *d, int64_t village_id, int64_t *size)
{
	db_stmt *s = db_prepare(d, "SELECT COALESCE(MAX(seq), 0) FROM ledger_tree"
				   " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	*size = db_column_int(s, 0);
	db_reset(s);
	return 0;
}

int ledger_tree_root(db *d, int64_t village_id, int64_t size, uint8_t root[32])
{
	int64_t have;
	if (ledger_tree_size(d, village_id, &have))
		return -1;
	if (size < 0 || size > have)
		return 1;
	struct ledger_tree_source src = {d, village_id};
	struct merkle_reader r = ledger_tree_reader(&src);
	if (merkle_tree_hash((uint64_t)size, &r, root)) {
		db_set_error(d, "村编号 %lld 的默克尔树缺少存储的哈希", (long long)village_id);
		return -1;
	}
	return 0;
}

/* The proof of kind (inclusion of leaf a in size b, or consistency of
** size a with size b) through the stored hashes.  0, 1 out of range, -1. */
static int prove(db *d, int64_t village_id, int inclusion, int64_t a, int64_t b,
		 uint8_t (*proof)[32], size_t *nproof)
{
	int64_t have;
	if (ledger_tree_size(d, village_id, &have))
		return -1;
	if (inclusion ? (a < 0 || b < 1 || a >= b || b > have) : (a < 0 || a > b || b > have))
		return 1;
	struct ledger_tree_source src = {d, village_id};
	struct merkle_reader r = ledger_tree_reader(&src);
	if (inclusion ? merkle_prove_inclusion((uint64_t)a, (uint64_t)b, &r, proof, nproof)
		      : merkle_prove_consistency((uint64_t)a, (uint64_t)b, &r, proof, nproof)) {
		db_set_error(d, "村编号 %lld 的默克尔树缺少存储的哈希", (long long)village_id);
		return -1;
	}
	return 0;
}

int ledger_tree_prove_inclusion(db *d, int64_t village_id, int64_t index, int64_t size,
				uint8_t (*proof)[32], size_t *nproof)
{
	return prove(d, village_id, 1, index, size, proof, nproof);
}

int ledger_tree_prove_consistency(db *d, int64_t village_id, int64_t m, int64_t n,
				  uint8_t (*proof)[32], size_t *nproof)
{
	return prove(d, village_id, 0, m, n, proof, nproof);
}

/* ---- writing ---------------------------------------------------------------- */

struct ledger_tree_writer {
	db *d;
	arena *a;
	int64_t village_id;
	int64_t first_seq;        /* the seq of the first leaf added */
	struct merkle_range range;
	uint8_t (*hash)[32];      /* every added leaf's new stored hashes, in order */
	uint8_t *count;           /* how many of them each leaf has */
	size_t nhash, caphash;
	int nleaves, capleaves;
};

struct ledger_tree_writer *ledger_tree_writer_begin(db *d, arena *a, int64_t village_id,
						     int64_t size)
{
	struct ledger_tree_writer *w = arena_alloc(a, sizeof *w);
	w->d = d;
	w->a = a;
	w->village_id = village_id;
	w->first_seq = size + 1;
	struct ledger_tree_source src = {d, village_id};
	struct merkle_reader r = ledger_tree_reader(&src);
	if (merkle_range_load(&w->range, (uint64_t)size, &r)) {
		db_set_error(d, "村编号 %lld 的默克尔树缺少存储的哈希（台账 %lld 条）",
			     (long long)village_id, (long long)size);
		return NULL;
	}
	return w;
}

void ledger_tree_writer_add(struct ledger_tree_writer *w, const uint8_t leaf[32])
{
	uint8_t out[MERKLE_MAX_NEW_HASHES][32];
	size_t n = merkle_range_append(&w->range, leaf, out);
	if (w->nhash + n > w->caphash) {
		size_t cap = w->caphash ? w->caphash * 2 : 1024;
		while (cap < w->nhash + n)
			cap *= 2;
		uint8_t (*h)[32] = arena_alloc(w->a, cap * 32);
		if (w->nhash)
			memcpy(h, w->hash, w->nhash * 32);
		w->hash = h;
		w->caphash = cap;
	}
	memcpy(w->hash + w->nhash, out, n * 32);
	w->nhash += n;
	w->count = arena_grow(w->a, w->count, &w->capleaves, w->nleaves, 1);
	w->count[w->nleaves++] = (uint8_t)n;
}

int ledger_tree_writer_finish(struct ledger_tree_writer *w, uint8_t root[32])
{
	if (root)
		merkle_range_root(&w->range, root);
	if (!w->nleaves)
		return 0;
	static const char *const cols[] = {"village_id", "seq", "hashes"};
	db_copy *c = db_copy_begin(w->d, "ledger_tree", cols, 3);
	if (!c)
		return -1;
	char vid[24], seq[24], hex[MERKLE_MAX_NEW_HASHES * 64 + 1];
	snprintf(vid, sizeof vid, "%lld", (long long)w->village_id);
	size_t at = 0;
	int rc = 0;
	for (int i = 0; i < w->nleaves && !rc; i++) {
		snprintf(seq, sizeof seq, "%lld", (long long)(w->first_seq + i));
		hex_encode(w->hash[at], (size_t)w->count[i] * 32, hex);
		at += w->count[i];
		const char *vals[3] = {vid, seq, hex};
		rc = db_copy_row(c, vals);
	}
	int erc = db_copy_end(c);
	return rc || erc ? -1 : 0;
}

/* ---- the entries, read for recomputation ------------------------------------ */

/* Call each(ctx, e, leaf) for every entry of village_id with seq > after,
** in seq order, with its leaf hash recomputed from its canonical encoding.
** A nonzero return of each stops the walk and is returned; else 0, or -1
** on a database error. */
static int walk_entries(db *d, int64_t village_id, int64_t after,
			int (*each)(void *ctx, const struct ledger_entry *e, const uint8_t leaf[32]),
			void *ctx)
{
	db_stmt *s = db_prepare(d,
		"SELECT village_id, seq, household_id, kind, COALESCE(item_id, 0), item_code,"
		" COALESCE(version_id, 0), month, date, quantity, points, COALESCE(approval_id, 0),"
		" COALESCE(entry_id, 0), COALESCE(correction_of, 0), reason, recorded_by, note, photo,"
		" posted_at, id FROM ledger_entry WHERE village_id = $v AND seq > $after ORDER BY seq");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$after", after))
		return -1;
	buf b = {0};
	int st, rc = 0;
	while ((st = db_step(s)) == DB_ROW) {
		struct ledger_entry e = {
			.village_id = db_column_int(s, 0),
			.seq = db_column_int(s, 1),
			.household_id = db_column_int(s, 2),
			.kind = db_column_text(s, 3),
			.item_id = db_column_int(s, 4),
			.item_code = db_column_text(s, 5),
			.version_id = db_column_int(s, 6),
			.month = db_column_text(s, 7),
			.date = db_column_text(s, 8),
			.quantity = db_column_int(s, 9),
			.points = db_column_int(s, 10),
			.approval_id = db_column_int(s, 11),
			.entry_id = db_column_int(s, 12),
			.correction_of = db_column_int(s, 13),
			.reason = db_column_text(s, 14),
			.recorded_by = db_column_text(s, 15),
			.note = db_column_text(s, 16),
			.photo = db_column_text(s, 17),
			.posted_at = db_column_int(s, 18),
			.id = db_column_int(s, 19),
		};
		uint8_t leaf[32];
		b.len = 0;
		ledger_encode(&b, &e);
		merkle_leaf_hash(b.p, b.len, leaf);
		if ((rc = each(ctx, &e, leaf)))
			break;
	}
	db_reset(s);
	buf_free(&b);
	if (!rc && st != DB_DONE)
		rc = -1;
	return rc;
}

/* ---- backfill ----------------------------------------------------------------- */

struct backfill {
	struct ledger_tree_writer *w;
	int64_t next_seq;
};

static int backfill_one(void *ctx, const struct ledger_entry *e, const uint8_t leaf[32])
{
	struct backfill *bf = ctx;
	if (e->seq != bf->next_seq) /* verify names the gap; the tree stops before it */
		return 1;
	ledger_tree_writer_add(bf->w, leaf);
	bf->next_seq++;
	return 0;
}

int ledger_tree_backfill(db *d)
{
	arena *a = arena_new();
	int rc = -1, st;
	/* every village with entries (the ids first: the walk below reuses the
	** connection's statements) */
	struct imap ids = {.a = a};
	db_stmt *s = db_prepare(d, "SELECT DISTINCT village_id FROM ledger_entry");
	if (!s)
		goto out;
	while ((st = db_step(s)) == DB_ROW)
		imap_get(&ids, db_column_int(s, 0));
	if (st != DB_DONE)
		goto out;
	for (size_t i = 0; i < ids.cap; i++) {
		int64_t vid = ids.s[i].key, size;
		if (!vid)
			continue;
		if (ledger_tree_size(d, vid, &size))
			goto out;
		struct backfill bf = {ledger_tree_writer_begin(d, a, vid, size), size + 1};
		if (!bf.w || walk_entries(d, vid, size, backfill_one, &bf) < 0 ||
		    ledger_tree_writer_finish(bf.w, NULL))
			goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* ---- verify ----------------------------------------------------------------- */

struct tree_check {
	db_stmt *rows;            /* ledger_tree rows of the village in seq order */
	struct merkle_range range;
	const struct village *v;
	const struct ledger_tree_expect *expect;
	int nexpect;
	errlist *errs;
	int64_t next_seq;
};

/* Compare the roots expected at the current size. */
static int check_roots(struct tree_check *tc)
{
	for (int i = 0; i < tc->nexpect; i++) {
		if (tc->expect[i].size != (int64_t)tc->range.size)
			continue;
		uint8_t root[32];
		merkle_range_root(&tc->range, root);
		if (memcmp(root, tc->expect[i].root, 32)) {
			errlist_add(tc->errs, "%s：台账前 %lld 条重新计算的默克尔根与签名的不符"
					      "（台账被改写过）",
				    tc->expect[i].what, (long long)tc->expect[i].size);
			return 1;
		}
	}
	return 0;
}

static int check_one(void *ctx, const struct ledger_entry *e, const uint8_t leaf[32])
{
	struct tree_check *tc = ctx;
	if (e->seq != tc->next_seq)
		return 2; /* ledger_verify() names the gap */
	uint8_t out[MERKLE_MAX_NEW_HASHES][32];
	size_t n = merkle_range_append(&tc->range, leaf, out);
	int st = db_step(tc->rows);
	if (st == DB_ERROR)
		return -1;
	char hex[MERKLE_MAX_NEW_HASHES * 64 + 1];
	hex_encode(out[0], n * 32, hex);
	if (st != DB_ROW || db_column_int(tc->rows, 0) != e->seq) {
		errlist_add(tc->errs, "村 %s 的默克尔树缺少台账序号 %lld 的哈希", tc->v->code,
			    (long long)e->seq);
		return 1;
	}
	if (strcmp(db_column_text(tc->rows, 1), hex)) {
		errlist_add(tc->errs, "村 %s 的默克尔树在台账序号 %lld 处与台账记录不符",
			    tc->v->code, (long long)e->seq);
		return 1;
	}
	tc->next_seq++;
	return check_roots(tc);
}

int ledger_tree_verify(db *d, arena *a, const struct village *v,
		       const struct ledger_tree_expect *expect, int nexpect, errlist *errs)
{
	(void)a;
	struct tree_check tc = {.v = v, .expect = expect, .nexpect = nexpect, .errs = errs,
				.next_seq = 1};
	merkle_range_init(&tc.range);
	tc.rows = db_prepare(d, "SELECT seq, hashes FROM ledger_tree WHERE village_id = $v"
				" ORDER BY seq");
	if (!tc.rows || db_bind_int(tc.rows, "$v", v->id))
		return -1;
	int rc = check_roots(&tc);
	if (!rc)
		rc = walk_entries(d, v->id, 0, check_one, &tc);
	if (rc == 2) /* a gap in seq: the chain check reports it */
		rc = 0;
	if (rc == 0) {
		int st = db_step(tc.rows);
		if (st == DB_ROW) {
			errlist_add(errs, "村 %s 的默克尔树有台账之外的序号 %lld", v->code,
				    (long long)db_column_int(tc.rows, 0));
			rc = 1;
		} else if (st != DB_DONE)
			rc = -1;
	}
	db_reset(tc.rows);
	for (int i = 0; rc == 0 && i < nexpect; i++)
		if (expect[i].size > (int64_t)tc.range.size) {
			errlist_add(errs, "%s：签名时台账有 %lld 条，现在只有 %lld 条（台账被删改过）",
				    expect[i].what, (long long)expect[i].size,
				    (long long)tc.range.size);
			rc = 1;
		}
	return rc;
}
