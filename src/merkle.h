/*
** merkle.h — the RFC 6962 / RFC 9162 §2.1 Merkle tree over a village's
** ledger (and over an announcement's lines): leaf and node hashes, the
** root at any size, inclusion and consistency proofs and their checks.
**
** Hashes: leaf SHA-256(0x00 || d), node SHA-256(0x01 || left || right),
** the tree of n > 1 leaves split at k, the largest power of two < n; the
** empty tree's root is SHA-256("").
**
** Storage (the scheme of Go's golang.org/x/mod/sumdb/tlog): the tree is
** never rebuilt from the leaves.  Every perfect subtree — 2^level leaves
** starting at leaf n·2^level — has one hash, kept at a *stored index*
**
**     merkle_stored_index(level, n): take n' = (n+1)·2^level − 1, the last
**     leaf of the subtree; the index is 2n' − popcount(n') + level.
**
** Appending leaf i (0-based) completes the subtrees that end at it, one per
** trailing 1 bit of i: the leaf hash and those tz(i+1) hashes are stored at
** the consecutive indexes from 2i − popcount(i).  A tree of n leaves has
** merkle_stored_count(n) = 2n − popcount(n) stored hashes, indexes 0 .. that
** − 1, and they never change: appends only add.  Index 0 leaf 0, 1 leaf 1,
** 2 the subtree (level 1) of leaves 0–1, 3 leaf 2, 4 leaf 3, 5 leaves 2–3,
** 6 leaves 0–3, 7 leaf 4 ...
**
** The root at any size n ≤ stored leaves, and every proof, needs at most
** about 2·log₂ n stored hashes, which the functions ask for in one call of
** a merkle_reader (a prepared SELECT by village and index, or memory).  The
** posting transaction appends with a merkle_range (the ≤ 62 subtree roots
** of the tree's right edge, loaded once) and inserts the hashes each
** append returns, without reading the ledger.
**
** Limits: sizes below MERKLE_MAX_SIZE (2^62), so that stored indexes fit
** in 64 bits; proofs then hold at most MERKLE_MAX_PROOF hashes.
**
** Return codes: 0 (MERKLE_OK), or one of the negative MERKLE_ERR_* below;
** merkle_strerror() names them.  No function allocates.
*/
#ifndef JIFEN_MERKLE_H
#define JIFEN_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define MERKLE_HASH_SIZE 32
#define MERKLE_MAX_SIZE  ((uint64_t)1 << 62)
/* Room for any inclusion or consistency proof of sizes < MERKLE_MAX_SIZE. */
#define MERKLE_MAX_PROOF 64
/* Room for the stored hashes one append returns: the leaf + completed subtrees. */
#define MERKLE_MAX_NEW_HASHES 63

enum {
	MERKLE_OK = 0,
	MERKLE_ERR_ARGS = -1,      /* index ≥ size, size too large, m > n, ... */
	MERKLE_ERR_PROOF_LEN = -2, /* the proof has the wrong number of hashes */
	MERKLE_ERR_MISMATCH = -3,  /* the proof does not lead to the root */
	MERKLE_ERR_READ = -4,      /* the reader failed (missing hash, I/O) */
};

/* Reads stored hashes: fills out[i] with the hash at stored index
** indexes[i] for i < n (1 ≤ n ≤ 2·62, no index twice, in no set order:
** a proof lists them as it needs them); returns 0, or nonzero when one is
** missing or cannot be read.  One call per function of this file. */
struct merkle_reader {
	int (*read)(void *ctx, const uint64_t *indexes, size_t n, uint8_t (*out)[32]);
	void *ctx;
};

/* ---- hashes ------------------------------------------------------------ */
/* out = SHA-256(0x00 || data[0..len)). */
void merkle_leaf_hash(const void *data, size_t len, uint8_t out[32]);
/* out = SHA-256(0x01 || left || right); out may be left or right. */
void merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32]);
/* out = SHA-256(""), the root of the empty tree. */
void merkle_empty_root(uint8_t out[32]);
/* A text name of rc (a MERKLE_* code), static. */
const char *merkle_strerror(int rc);

/* ---- stored hash indexes (see above) ------------------------------------ */
/* Stored index of the subtree of 2^level leaves from leaf n·2^level. */
uint64_t merkle_stored_index(int level, uint64_t n);
/* The inverse: the level and n of stored index index. */
void merkle_stored_index_split(uint64_t index, int *level, uint64_t *n);
/* Number of stored hashes of a tree of size leaves: 2·size − popcount(size). */
uint64_t merkle_stored_count(uint64_t size);

/* ---- the tree through stored hashes ------------------------------------ */
/* The hashes to store when leaf index (= the tree's size before it) is
** appended with hash leaf_hash: out[0] the leaf hash, then the hash of each
** subtree it completes, lowest level first, to be stored at the indexes
** merkle_stored_index(0, index) + 0, 1, ... .  Reads the tz(index+1) left
** siblings through r (not called when there are none).  out has room for
** MERKLE_MAX_NEW_HASHES; *nout is set to the count.  Returns 0 or an error. */
int merkle_stored_hashes_for_leaf(uint64_t index, const uint8_t leaf_hash[32],
				  const struct merkle_reader *r, uint8_t (*out)[32], size_t *nout);
/* root = the root of the tree of the first size leaves (empty: SHA-256("")),
** reading popcount(size) stored hashes.  Returns 0 or an error. */
int merkle_tree_hash(uint64_t size, const struct merkle_reader *r, uint8_t root[32]);
/* The inclusion proof (RFC 9162 §2.1.3.1, the leaf's sibling first) of leaf
** index in the tree of size leaves into proof (room for MERKLE_MAX_PROOF),
** *nproof its count.  Returns 0, MERKLE_ERR_ARGS when index ≥ size, or a
** read error. */
int merkle_prove_inclusion(uint64_t index, uint64_t size, const struct merkle_reader *r,
			   uint8_t (*proof)[32], size_t *nproof);
/* The consistency proof (RFC 9162 §2.1.4.1) from size m to size n ≥ m into
** proof (room for MERKLE_MAX_PROOF), *nproof its count; empty for m == 0 or
** m == n.  Returns 0, MERKLE_ERR_ARGS when m > n, or a read error. */
int merkle_prove_consistency(uint64_t m, uint64_t n, const struct merkle_reader *r,
			     uint8_t (*proof)[32], size_t *nproof);

/* ---- checks (no stored hashes needed) ------------------------------------ */
/* Check that leaf_hash is leaf index of the tree of size leaves whose root
** is root, by proof[0..nproof) (RFC 9162 §2.1.3.2, the exact proof length
** checked first).  Returns 0 when it is, else MERKLE_ERR_ARGS (index ≥
** size), MERKLE_ERR_PROOF_LEN or MERKLE_ERR_MISMATCH. */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
			    const uint8_t (*proof)[32], size_t nproof, const uint8_t root[32]);
/* The root an inclusion proof leads to, into root; the same checks and
** returns as merkle_verify_inclusion() but MERKLE_ERR_MISMATCH. */
int merkle_root_from_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
			       const uint8_t (*proof)[32], size_t nproof, uint8_t root[32]);
/* Check that the tree of size m with root root_m is a prefix of the tree of
** size n with root root_n, by proof[0..nproof) (RFC 9162 §2.1.4.2): m == n
** needs an empty proof and equal roots; m == 0 an empty proof.  Returns 0,
** MERKLE_ERR_ARGS (m > n), MERKLE_ERR_PROOF_LEN or MERKLE_ERR_MISMATCH. */
int merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t (*proof)[32], size_t nproof,
			      const uint8_t root_m[32], const uint8_t root_n[32]);

/* ---- the compact range: the right edge of the tree ---------------------- */
/* The roots of the perfect subtrees the first size leaves split into,
** largest (leftmost) first: hash[0 .. popcount(size)).  All a writer needs
** to append leaves and to know the root; plain data, copy freely. */
struct merkle_range {
	uint64_t size;
	int n;
	uint8_t hash[64][32];
};
/* The empty range (size 0). */
void merkle_range_init(struct merkle_range *cr);
/* cr = the range of the first size leaves, read through r (popcount(size)
** hashes, one call).  Returns 0 or an error. */
int merkle_range_load(struct merkle_range *cr, uint64_t size, const struct merkle_reader *r);
/* Append the leaf with hash leaf_hash.  When out is not NULL it receives the
** hashes to store (as merkle_stored_hashes_for_leaf(): at the indexes from
** merkle_stored_index(0, size before)), room for MERKLE_MAX_NEW_HASHES.
** Returns their count, or 0 when the range is full (MERKLE_MAX_SIZE). */
size_t merkle_range_append(struct merkle_range *cr, const uint8_t leaf_hash[32],
			   uint8_t (*out)[32]);
/* root = the root of the tree the range ends (empty: SHA-256("")). */
void merkle_range_root(const struct merkle_range *cr, uint8_t root[32]);
/* root = the root of the tree of the n leaf hashes leaves (no storage). */
void merkle_root_of_leaves(const uint8_t (*leaves)[32], uint64_t n, uint8_t root[32]);

/* ---- a tree held in memory (an announcement's lines, tests) ------------- */
/* Stored hashes in an array in arena a: zero-initialise with .a set,
** merkle_memtree_append() the leaves, then merkle_memtree_reader() reads it.
** Freed with the arena. */
struct merkle_memtree {
	arena *a;
	uint8_t (*hash)[32];
	uint64_t count, cap;
	struct merkle_range range;
};
/* Append the leaf with hash leaf_hash; returns 0, or MERKLE_ERR_ARGS when full. */
int merkle_memtree_append(struct merkle_memtree *t, const uint8_t leaf_hash[32]);
/* A reader of t's stored hashes (valid while t is). */
struct merkle_reader merkle_memtree_reader(struct merkle_memtree *t);

#endif
