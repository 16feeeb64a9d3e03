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

/* ---- rows: tiles of hashes of every fourth level ------------------------------ */

/* The tree keeps the node hashes of levels 0, 4, 8, … only (level 0 the
** leaves), LEDGER_TREE_TILE consecutive nodes of one level a row: row
** (level, tile, width) holds, base64 (44 characters each, no separator),
** the level's nodes [TILE·tile, TILE·tile + width).  Any other stored hash
** — a subtree of level L+1…L+3 — is folded on reading from the ≤ 8 nodes of
** level L under it, which lie in one row.  That is about 1.07 hashes an
** entry (a third of the bytes of every stored hash in hex), written in a
** row per 16 entries: the bookkeeping costs a posting little
** (docs/transparency.md).  The tile a posting ends in is written again,
** wider, by the next posting; the narrower row stays (append-only) and
** readers take the widest. */
enum { TILE = LEDGER_TREE_TILE, STEP = 4, B64 = 44 };

/* Decode the hash at position k of a row's text into out.  0 or -1. */
static int row_hash(const char *text, size_t k, uint8_t out[32])
{
	size_t len = 0;
	if (!text || strlen(text) < (k + 1) * B64 ||
	    sodium_base642bin(out, 32, text + k * B64, B64, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || len != 32)
		return -1;
	return 0;
}

/* ---- reading ---------------------------------------------------------------- */

/* The widest row of (level, tile) of src's village, decoded into nodes
** (room for TILE); *width its width (0: none).  0 or -1. */
static int read_row(struct ledger_tree_source *src, int level, uint64_t tile,
		    uint8_t (*nodes)[32], uint64_t *width)
{
	db_stmt *s = db_prepare(src->d, "SELECT width, hashes FROM ledger_tree"
					" WHERE village_id = $v AND level = $l AND tile = $t"
					" ORDER BY width DESC LIMIT 1");
	if (!s || db_bind_int(s, "$v", src->village_id) || db_bind_int(s, "$l", level) ||
	    db_bind_int(s, "$t", (int64_t)tile))
		return -1;
	int st = db_step(s), rc = 0;
	*width = 0;
	if (st == DB_ROW) {
		*width = (uint64_t)db_column_int(s, 0);
		const char *text = db_column_text(s, 1);
		for (uint64_t k = 0; k < *width && k < TILE && !rc; k++)
			rc = row_hash(text, (size_t)k, nodes[k]);
	} else if (st != DB_DONE)
		rc = -1;
	db_reset(s);
	return rc;
}

/* merkle_reader: stored index (level, n) is node n of level L = level
** rounded down to a multiple of STEP folded up from its 2^(level − L)
** nodes of level L, which are in one row.  A row read is kept for the next
** index (a proof asks about 2·log₂ n, often neighbours). */
static int tree_read(void *ctx, const uint64_t *indexes, size_t n, uint8_t (*out)[32])
{
	struct ledger_tree_source *src = ctx;
	uint8_t nodes[TILE][32];
	int have_level = -1;
	uint64_t have_tile = 0, width = 0;
	for (size_t i = 0; i < n; i++) {
		int level;
		uint64_t k;
		merkle_stored_index_split(indexes[i], &level, &k);
		int base = level / STEP * STEP, up = level - base;
		uint64_t first = k << up, count = (uint64_t)1 << up, tile = first / TILE;
		if (have_level != base || have_tile != tile) {
			if (read_row(src, base, tile, nodes, &width))
				return -1;
			have_level = base;
			have_tile = tile;
		}
		uint64_t at = first % TILE;
		if (at + count > width)
			return -1;
		uint8_t fold[8][32];
		memcpy(fold, nodes[at], count * 32);
		for (; count > 1; count /= 2)
			for (uint64_t j = 0; j < count / 2; j++)
				merkle_node_hash(fold[2 * j], fold[2 * j + 1], fold[j]);
		memcpy(out[i], fold[0], 32);
	}
	return 0;
}

struct merkle_reader ledger_tree_reader(struct ledger_tree_source *src)
{
	return (struct merkle_reader){tree_read, src};
}

int ledger_tree_size(db *d, int64_t village_id, int64_t *size)
{
	db_stmt *s = db_prepare(d, "SELECT tile, width FROM ledger_tree WHERE village_id = $v"
				   " AND level = 0 ORDER BY tile DESC, width DESC LIMIT 1");
	int st;
	if (!s || db_bind_int(s, "$v", village_id) || (st = db_step(s)) == DB_ERROR)
		return -1;
	*size = st == DB_ROW ? db_column_int(s, 0) * TILE + db_column_int(s, 1) : 0;
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

/* The nodes of one kept level, from the start of the tile a posting begins
** in: node index base + i at hash[i]. */
struct level_nodes {
	uint64_t base;
	uint8_t (*hash)[32];
	size_t n, cap;
};

enum { LEVELS = 64 / STEP };

struct ledger_tree_writer {
	db *d;
	arena *a;
	int64_t village_id;
	struct merkle_range range;
	struct level_nodes lv[LEVELS]; /* level STEP·k */
	uint64_t added;
};

/* Append h to l (arena a). */
static void level_push(arena *a, struct level_nodes *l, const uint8_t h[32])
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint8_t (*p)[32] = arena_alloc(a, cap * 32);
		if (l->n)
			memcpy(p, l->hash, l->n * 32);
		l->hash = p;
		l->cap = cap;
	}
	memcpy(l->hash[l->n++], h, 32);
}

/* The level-k·STEP nodes of a tree of size leaves, and the subtree hashes
** leaf index (0-based) completes (out[j] of level j, from
** merkle_range_append), into lv: the kept ones. */
static void keep_levels(arena *a, struct level_nodes *lv, uint64_t index,
			const uint8_t (*out)[32], size_t nout)
{
	for (size_t j = 0; j < nout; j += STEP)
		level_push(a, &lv[j / STEP], out[j]);
	(void)index;
}

struct ledger_tree_writer *ledger_tree_writer_begin(db *d, arena *a, int64_t village_id,
						     int64_t size)
{
	struct ledger_tree_writer *w = arena_alloc(a, sizeof *w);
	w->d = d;
	w->a = a;
	w->village_id = village_id;
	struct ledger_tree_source src = {d, village_id};
	struct merkle_reader r = ledger_tree_reader(&src);
	int bad = merkle_range_load(&w->range, (uint64_t)size, &r) != 0;
	/* each kept level's nodes already stored in the tile it ends in: the
	** tile's next row repeats them */
	for (int k = 0; k < LEVELS && !bad; k++) {
		uint64_t count = (uint64_t)size >> (k * STEP);
		struct level_nodes *l = &w->lv[k];
		l->base = count / TILE * TILE;
		if (count == l->base)
			continue;
		uint8_t nodes[TILE][32];
		uint64_t width;
		bad = read_row(&src, k * STEP, count / TILE, nodes, &width) || width < count - l->base;
		for (uint64_t i = 0; !bad && i < count - l->base; i++)
			level_push(a, l, nodes[i]);
	}
	if (bad) {
		db_set_error(d, "村编号 %lld 的默克尔树缺少存储的哈希（台账 %lld 条）",
			     (long long)village_id, (long long)size);
		return NULL;
	}
	return w;
}

void ledger_tree_writer_add(struct ledger_tree_writer *w, const uint8_t leaf[32])
{
	uint8_t out[MERKLE_MAX_NEW_HASHES][32];
	uint64_t index = w->range.size;
	size_t n = merkle_range_append(&w->range, leaf, out);
	keep_levels(w->a, w->lv, index, (const uint8_t(*)[32])out, n);
	w->added++;
}

/* Write the rows of l (level level) from its first tile: one per tile, in
** the open bulk load c.  0 or -1. */
static int write_level(db_copy *c, const char *vid, int level, const struct level_nodes *l)
{
	char lvl[8], tile[24], width[24], text[TILE * B64 + 1];
	snprintf(lvl, sizeof lvl, "%d", level);
	for (size_t at = 0; at < l->n; at += TILE) {
		size_t wd = l->n - at < TILE ? l->n - at : TILE;
		for (size_t k = 0; k < wd; k++)
			sodium_bin2base64(text + k * B64, B64 + 1, l->hash[at + k], 32,
					  sodium_base64_VARIANT_ORIGINAL);
		snprintf(tile, sizeof tile, "%llu", (unsigned long long)((l->base + at) / TILE));
		snprintf(width, sizeof width, "%zu", wd);
		const char *vals[5] = {vid, lvl, tile, width, text};
		if (db_copy_row(c, vals))
			return -1;
	}
	return 0;
}

int ledger_tree_writer_finish(struct ledger_tree_writer *w, uint8_t root[32])
{
	if (root)
		merkle_range_root(&w->range, root);
	if (!w->added)
		return 0;
	static const char *const cols[] = {"village_id", "level", "tile", "width", "hashes"};
	db_copy *c = db_copy_begin(w->d, "ledger_tree", cols, 5);
	if (!c)
		return -1;
	char vid[24];
	snprintf(vid, sizeof vid, "%lld", (long long)w->village_id);
	uint64_t before = w->range.size - w->added;
	int rc = 0;
	for (int k = 0; k < LEVELS && !rc; k++) {
		/* only the levels the posting added nodes to */
		if ((w->range.size >> (k * STEP)) > (before >> (k * STEP)))
			rc = write_level(c, vid, k * STEP, &w->lv[k]);
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
			.kind = ledger_kind_of(db_column_text(s, 3)),
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
	arena *a;
	struct merkle_range range;
	struct level_nodes lv[LEVELS]; /* every kept node, recomputed */
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
	uint64_t index = tc->range.size;
	size_t n = merkle_range_append(&tc->range, leaf, out);
	keep_levels(tc->a, tc->lv, index, (const uint8_t(*)[32])out, n);
	tc->next_seq++;
	return check_roots(tc);
}

/* The leaves (entry seqs) under node k of level: "A–B". */
static char *leaves_of(arena *a, int level, uint64_t first, uint64_t last)
{
	return arena_printf(a, "%llu–%llu", (unsigned long long)(first << level) + 1,
			    (unsigned long long)((last + 1) << level));
}

/* Every stored row of v against the recomputed nodes: each row must be
** them, and each tile of each kept level must have a row of its full
** width.  0, 1 (errs), -1. */
static int check_rows(db *d, struct tree_check *tc)
{
	const char *code = tc->v->code;
	db_stmt *s = db_prepare(d, "SELECT level, tile, width, hashes FROM ledger_tree"
				   " WHERE village_id = $v ORDER BY level, tile, width");
	if (!s || db_bind_int(s, "$v", tc->v->id))
		return -1;
	int st, rc = 0, cur_level = -1;
	uint64_t cur_tile = 0, cur_width = 0;
	char text[TILE * B64 + 1];
	/* the full width a tile must reach, and the next tile each level needs */
	uint64_t next_tile[LEVELS] = {0};
	while (!rc && (st = db_step(s)) == DB_ROW) {
		int level = (int)db_column_int(s, 0);
		uint64_t tile = (uint64_t)db_column_int(s, 1), wd = (uint64_t)db_column_int(s, 2);
		const struct level_nodes *l = level % STEP == 0 && level >= 0 && level / STEP < LEVELS
						      ? &tc->lv[level / STEP]
						      : NULL;
		uint64_t have = l ? l->n : 0;
		if (!l || wd < 1 || wd > TILE || tile * TILE + wd > have) {
			errlist_add(tc->errs, "村 %s 的默克尔树有台账之外的哈希（第 %d 层，第 %llu 块）", code,
				    level, (unsigned long long)tile);
			rc = 1;
			break;
		}
		for (uint64_t k = 0; k < wd; k++)
			sodium_bin2base64(text + k * B64, B64 + 1, l->hash[tile * TILE + k], 32,
					  sodium_base64_VARIANT_ORIGINAL);
		if (strcmp(db_column_text(s, 3), text)) {
			errlist_add(tc->errs, "村 %s 的默克尔树在台账序号 %s 处与台账记录不符", code,
				    leaves_of(tc->a, level, tile * TILE, tile * TILE + wd - 1));
			rc = 1;
			break;
		}
		if (level != cur_level || tile != cur_tile)
			cur_width = 0;
		cur_level = level;
		cur_tile = tile;
		if (wd > cur_width)
			cur_width = wd;
		uint64_t full = have - tile * TILE < TILE ? have - tile * TILE : TILE;
		if (cur_width == full && next_tile[level / STEP] == tile)
			next_tile[level / STEP] = tile + 1;
	}
	db_reset(s);
	if (rc)
		return rc;
	if (st == DB_ERROR)
		return -1;
	for (int k = 0; k < LEVELS; k++) {
		uint64_t want = (tc->lv[k].n + TILE - 1) / TILE;
		if (next_tile[k] < want) {
			uint64_t t = next_tile[k] * TILE;
			uint64_t last = t + TILE <= tc->lv[k].n ? t + TILE - 1 : tc->lv[k].n - 1;
			errlist_add(tc->errs, "村 %s 的默克尔树缺少台账序号 %s 的哈希", code,
				    leaves_of(tc->a, k * STEP, t, last));
			return 1;
		}
	}
	return 0;
}

int ledger_tree_verify(db *d, arena *a, const struct village *v,
		       const struct ledger_tree_expect *expect, int nexpect, errlist *errs)
{
	struct tree_check tc = {.a = a, .v = v, .expect = expect, .nexpect = nexpect,
				.errs = errs, .next_seq = 1};
	merkle_range_init(&tc.range);
	int rc = check_roots(&tc);
	if (!rc)
		rc = walk_entries(d, v->id, 0, check_one, &tc);
	if (rc == 2) /* a gap in seq: the chain check reports it */
		return 0;
	if (!rc)
		rc = check_rows(d, &tc);
	for (int i = 0; rc == 0 && i < nexpect; i++)
		if (expect[i].size > (int64_t)tc.range.size) {
			errlist_add(errs, "%s：签名时台账有 %lld 条，现在只有 %lld 条（台账被删改过）",
				    expect[i].what, (long long)expect[i].size,
				    (long long)tc.range.size);
			rc = 1;
		}
	return rc;
}
