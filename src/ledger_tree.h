/*
** ledger_tree.h — the RFC 6962 Merkle tree over each village's ledger, kept
** in the database (table ledger_tree, schema 011) beside the hash chain.
**
** Leaf i (0-based) of village V's tree is the entry of V with seq i + 1;
** its leaf hash is SHA-256(0x00 || the entry's canonical encoding), the
** bytes of docs/ledger.md's 21 fields ("15:jifen-ledger-v1\n" … "3:end\n"),
** without the chain's prev_hash.  The tree's stored hashes (merkle.h, Go
** sumdb/tlog's index scheme) are written in the posting transaction by a
** ledger_tree_writer that ledger.c's ledger_batch drives: it loads the
** compact range at the chain head (popcount(size) stored hashes), appends
** every posted entry's leaf in memory, and writes the node hashes of every
** fourth level (0 the leaves, 4, 8, …) through the bulk loader after the
** entries' own load, LEDGER_TREE_TILE nodes a row (the tile a posting ends
** in is written again, wider, by the next: rows are never changed); the
** nodes of the levels between are folded from them when read.  So posting never reads the ledger,
** and the root at any size and every proof read O(log n) rows.
**
** Return convention: 0 done; -1 database error (db_errmsg) unless said.
*/
#ifndef JIFEN_LEDGER_TREE_H
#define JIFEN_LEDGER_TREE_H

#include <stdint.h>

#include "db.h"
#include "merkle.h"
#include "util.h"

struct ledger_entry;
struct village;

/* Nodes per row of ledger_tree (schema 011). */
#define LEDGER_TREE_TILE 16

/* out = SHA-256(0x00 || ledger_encode(e)), the entry's leaf hash. */
void ledger_tree_leaf_hash(const struct ledger_entry *e, uint8_t out[32]);

/* ---- writing (inside the posting transaction) ---------------------------- */
struct ledger_tree_writer;
/* Start appending to village_id's tree, whose size is size (the chain
** head's seq: the tree always has one leaf per entry).  Reads the compact
** range; returns the writer (arena a) or NULL on a database error (also
** when the stored hashes are missing). */
struct ledger_tree_writer *ledger_tree_writer_begin(db *d, arena *a, int64_t village_id,
						     int64_t size);
/* Append the next entry's leaf hash (in memory; no statement runs). */
void ledger_tree_writer_add(struct ledger_tree_writer *w, const uint8_t leaf[32]);
/* Write the rows of the leaves added through the bulk loader.  root, when
** not NULL, receives the new root.  Returns 0 or -1. */
int ledger_tree_writer_finish(struct ledger_tree_writer *w, uint8_t root[32]);

/* ---- reading ---------------------------------------------------------------- */
/* What a reader of village_id's stored hashes needs; keep it alive while
** the reader is used. */
struct ledger_tree_source {
	db *d;
	int64_t village_id;
};
/* A merkle_reader over the stored hashes of src's village. */
struct merkle_reader ledger_tree_reader(struct ledger_tree_source *src);
/* *size = the number of leaves stored for village_id (0 when none). */
int ledger_tree_size(db *d, int64_t village_id, int64_t *size);
/* root = the root of village_id's tree at size (≤ its stored size).
** Returns 0, 1 when size is larger than the tree, -1. */
int ledger_tree_root(db *d, int64_t village_id, int64_t size, uint8_t root[32]);
/* The inclusion proof of leaf index in the tree of size, and the
** consistency proof from m to n (proof: room for MERKLE_MAX_PROOF).
** Returns 0, 1 when the sizes are out of range (index ≥ size, m > n, or
** beyond the stored tree), -1. */
int ledger_tree_prove_inclusion(db *d, int64_t village_id, int64_t index, int64_t size,
				uint8_t (*proof)[32], size_t *nproof);
int ledger_tree_prove_consistency(db *d, int64_t village_id, int64_t m, int64_t n,
				  uint8_t (*proof)[32], size_t *nproof);

/* ---- the migration step and the check -------------------------------------- */
/* Schema 011's step (src/db.c, "--@backfill ledger_tree"): for every
** village whose tree has fewer leaves than its ledger has entries, compute
** the missing rows from the entries, inside the caller's transaction.
** Returns 0 or -1. */
int ledger_tree_backfill(db *d);

/* One root to check: the tree of the first size entries must have root;
** what names where it was published ("检查点 jifen.local/x/V1 第 12 条", …). */
struct ledger_tree_expect {
	int64_t size;
	uint8_t root[32];
	const char *what;
};
/* Recompute village v's tree from its entries' canonical encodings (not
** from the stored hashes): every stored row must equal the recomputed
** hashes, and the root at each expect[i].size must equal expect[i].root
** (sizes in any order; a size beyond the ledger is a problem too).  The
** first problem goes into errs as one Chinese line.  Inside the caller's
** read transaction.  Returns 0 intact, 1 not, -1. */
int ledger_tree_verify(db *d, arena *a, const struct village *v,
		       const struct ledger_tree_expect *expect, int nexpect, errlist *errs);

#endif
