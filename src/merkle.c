/*
** merkle.c — the RFC 6962 Merkle tree of merkle.h: hashes, the stored hash
** index scheme of Go's sumdb/tlog, proofs built from stored hashes, their
** checks (as transparency-dev/merkle proof/verify.go: exact lengths first),
** the compact range a writer appends through, and a tree in memory.
**
** A proof is a list of subtree hashes, each of a range [lo, hi) of leaves;
** a range splits into perfect subtrees largest first, each one stored hash.
** So every function first lists its ranges, then reads all the stored
** hashes they need in one reader call, then folds each range.
*/
#include "merkle.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- hashes ------------------------------------------------------------ */

/* SHA-256 fetched once: EVP_sha256() makes every EVP_Digest look the
** algorithm up again, which doubled the cost of a 65-byte node hash
** (measured: 450 ns against 210 ns).  Lives as long as the process. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* out = SHA-256(prefix || p[0..n)); a failure of libcrypto aborts, as
** nothing safe can be returned instead. */
static void sha256_prefixed(unsigned char prefix, const void *p, size_t n, uint8_t out[32])
{
	pthread_once(&sha256_once, sha256_fetch);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	if (!sha256_md || !ctx || !EVP_DigestInit_ex2(ctx, sha256_md, NULL) ||
	    !EVP_DigestUpdate(ctx, &prefix, 1) || (n && !EVP_DigestUpdate(ctx, p, n)) ||
	    !EVP_DigestFinal_ex(ctx, out, &len))
		abort();
	EVP_MD_CTX_free(ctx);
}

void merkle_leaf_hash(const void *data, size_t len, uint8_t out[32])
{
	sha256_prefixed(0x00, data, len, out);
}

void merkle_node_hash(const uint8_t left[32], const uint8_t right[32], uint8_t out[32])
{
	unsigned char msg[65];
	unsigned int len = 0;
	msg[0] = 0x01;
	memcpy(msg + 1, left, 32);
	memcpy(msg + 33, right, 32);
	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md || !EVP_Digest(msg, sizeof msg, out, &len, sha256_md, NULL))
		abort();
}

void merkle_empty_root(uint8_t out[32])
{
	static const uint8_t empty[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
					  0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
					  0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
					  0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
	memcpy(out, empty, 32);
}

const char *merkle_strerror(int rc)
{
	switch (rc) {
	case MERKLE_OK: return "ok";
	case MERKLE_ERR_ARGS: return "index or tree size out of range";
	case MERKLE_ERR_PROOF_LEN: return "wrong number of hashes in the proof";
	case MERKLE_ERR_MISMATCH: return "the proof does not match the root";
	case MERKLE_ERR_READ: return "a stored hash could not be read";
	default: return "unknown error";
	}
}

/* ---- stored hash indexes ------------------------------------------------ */

static int popcount64(uint64_t x)
{
	return __builtin_popcountll(x);
}

/* Number of trailing zero bits of x > 0. */
static int ctz64(uint64_t x)
{
	return __builtin_ctzll(x);
}

/* floor(log2(x)) of x > 0. */
static int log2_floor(uint64_t x)
{
	return 63 - __builtin_clzll(x);
}

/* Number of bits needed to write x (0 for 0). */
static int bitlen64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

uint64_t merkle_stored_index(int level, uint64_t n)
{
	/* the subtree's hash is stored right after its last leaf's hashes
	** of the lower levels: with last leaf n', leaves 0..n'−1 stored
	** 2n' − popcount(n') hashes before leaf n' */
	uint64_t last = ((n + 1) << level) - 1;
	return 2 * last - (uint64_t)popcount64(last) + (uint64_t)level;
}

void merkle_stored_index_split(uint64_t index, int *level, uint64_t *n)
{
	/* the leaf whose hashes include index: stored_index(0, x) ≤ index <
	** 2x + 1 − popcount, so x lies in [index/2, index/2 + 64] */
	uint64_t x = index / 2;
	while (merkle_stored_index(0, x + 1) <= index)
		x++;
	int l = (int)(index - merkle_stored_index(0, x));
	*level = l;
	*n = x >> l;
}

uint64_t merkle_stored_count(uint64_t size)
{
	return 2 * size - (uint64_t)popcount64(size);
}

/* ---- ranges of leaves and their stored hashes ----------------------------- */

/* The largest power of two < n, for n ≥ 2 (RFC 6962's k). */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << log2_floor(n - 1);
}

/* A list of ranges, each the hash of leaves [lo, hi) one proof element (or
** a root), and the stored indexes all of them need, in order. */
struct plan {
	uint64_t lo[MERKLE_MAX_PROOF], hi[MERKLE_MAX_PROOF];
	size_t nrange;
	uint64_t index[2 * MERKLE_MAX_PROOF];
	size_t nindex;
	uint8_t hash[2 * MERKLE_MAX_PROOF][32];
};

/* Add the range [lo, hi) (lo < hi, lo a multiple of the largest power of
** two ≤ hi − lo, as every subtree of an RFC 6962 tree is) and the stored
** indexes of the perfect subtrees it splits into, largest first. */
static void plan_add(struct plan *p, uint64_t lo, uint64_t hi)
{
	p->lo[p->nrange] = lo;
	p->hi[p->nrange] = hi;
	p->nrange++;
	while (lo < hi) {
		int level = log2_floor(hi - lo);
		p->index[p->nindex++] = merkle_stored_index(level, lo >> level);
		lo += (uint64_t)1 << level;
	}
}

/* Read every stored hash the plan needs. */
static int plan_read(struct plan *p, const struct merkle_reader *r)
{
	if (!p->nindex)
		return MERKLE_OK;
	return r->read(r->ctx, p->index, p->nindex, p->hash) ? MERKLE_ERR_READ : MERKLE_OK;
}

/* Read the plan's stored hashes and fold each range's perfect subtrees
** (right to left) into its hash: the ranges were listed from the root
** down, the proof holds them from the leaf up, so range i goes to
** proof[nrange − 1 − i]; *nproof = nrange.  Returns 0 or a read error. */
static int plan_prove(struct plan *p, const struct merkle_reader *r, uint8_t (*proof)[32],
		      size_t *nproof)
{
	int rc = plan_read(p, r);
	if (rc)
		return rc;
	size_t at = 0;
	for (size_t i = 0; i < p->nrange; i++) {
		size_t pieces = (size_t)popcount64(p->hi[i] - p->lo[i]);
		uint8_t h[32];
		memcpy(h, p->hash[at + pieces - 1], 32);
		for (size_t j = pieces - 1; j-- > 0;)
			merkle_node_hash(p->hash[at + j], h, h);
		memcpy(proof[p->nrange - 1 - i], h, 32);
		at += pieces;
	}
	*nproof = p->nrange;
	return MERKLE_OK;
}

/* ---- the tree through stored hashes ---------------------------------------- */

int merkle_stored_hashes_for_leaf(uint64_t index, const uint8_t leaf_hash[32],
				  const struct merkle_reader *r, uint8_t (*out)[32], size_t *nout)
{
	int rc = MERKLE_OK;
	*nout = 0;
	if (index >= MERKLE_MAX_SIZE - 1) {
		rc = MERKLE_ERR_ARGS;
		goto out;
	}
	/* leaf index completes one subtree per trailing 1 bit; the left
	** sibling at level l is the subtree (l, (index >> l) − 1) */
	int m = ctz64(index + 1);
	uint64_t need[64];
	uint8_t sibling[64][32];
	for (int l = 0; l < m; l++)
		need[m - 1 - l] = merkle_stored_index(l, (index >> l) - 1);
	if (m && r->read(r->ctx, need, (size_t)m, sibling)) {
		rc = MERKLE_ERR_READ;
		goto out;
	}
	memcpy(out[0], leaf_hash, 32);
	for (int l = 0; l < m; l++)
		merkle_node_hash(sibling[m - 1 - l], out[l], out[l + 1]);
	*nout = (size_t)m + 1;
out:
	return rc;
}

int merkle_tree_hash(uint64_t size, const struct merkle_reader *r, uint8_t root[32])
{
	struct merkle_range cr;
	int rc = merkle_range_load(&cr, size, r);
	if (rc == MERKLE_OK)
		merkle_range_root(&cr, root);
	return rc;
}

int merkle_prove_inclusion(uint64_t index, uint64_t size, const struct merkle_reader *r,
			   uint8_t (*proof)[32], size_t *nproof)
{
	int rc = MERKLE_OK;
	struct plan p;
	p.nrange = p.nindex = 0;
	*nproof = 0;
	if (index >= size || size >= MERKLE_MAX_SIZE) {
		rc = MERKLE_ERR_ARGS;
		goto out;
	}
	/* PATH(m, D[lo:hi]) from the top: the sibling of the half that holds
	** the leaf, then on into that half; the proof lists them bottom up */
	uint64_t lo = 0, hi = size;
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		if (index < lo + k) {
			plan_add(&p, lo + k, hi);
			hi = lo + k;
		} else {
			plan_add(&p, lo, lo + k);
			lo += k;
		}
	}
	rc = plan_prove(&p, r, proof, nproof);
out:
	return rc;
}

int merkle_prove_consistency(uint64_t m, uint64_t n, const struct merkle_reader *r,
			     uint8_t (*proof)[32], size_t *nproof)
{
	int rc = MERKLE_OK;
	struct plan p;
	p.nrange = p.nindex = 0;
	*nproof = 0;
	if (m > n || n >= MERKLE_MAX_SIZE) {
		rc = MERKLE_ERR_ARGS;
		goto out;
	}
	if (m == 0 || m == n)
		goto out;
	/* SUBPROOF(m, D[lo:hi], whole) from the top (m counted from leaf 0):
	** at m == hi the old tree's subtree itself, unless it is the whole
	** old tree (whole), which the verifier already has */
	uint64_t lo = 0, hi = n;
	int whole = 1;
	for (;;) {
		if (m == hi) {
			if (!whole)
				plan_add(&p, lo, hi);
			break;
		}
		uint64_t k = split_point(hi - lo);
		if (m <= lo + k) {
			plan_add(&p, lo + k, hi);
			hi = lo + k;
		} else {
			plan_add(&p, lo, lo + k);
			lo += k;
			whole = 0;
		}
	}
	rc = plan_prove(&p, r, proof, nproof);
out:
	return rc;
}

/* ---- checks ----------------------------------------------------------------- */

/* Fold proof[0..n) into seed as the inner part of an inclusion proof of
** leaf index: at bit i of index 0 the proof hash is the right sibling. */
static void chain_inner(uint8_t seed[32], const uint8_t (*proof)[32], size_t n, uint64_t index)
{
	for (size_t i = 0; i < n; i++) {
		if ((index >> i) & 1)
			merkle_node_hash(proof[i], seed, seed);
		else
			merkle_node_hash(seed, proof[i], seed);
	}
}

/* The same, taking only the left siblings (what the old tree had). */
static void chain_inner_right(uint8_t seed[32], const uint8_t (*proof)[32], size_t n,
			      uint64_t index)
{
	for (size_t i = 0; i < n; i++)
		if ((index >> i) & 1)
			merkle_node_hash(proof[i], seed, seed);
}

/* Fold the border part: every hash a left sibling. */
static void chain_border_right(uint8_t seed[32], const uint8_t (*proof)[32], size_t n)
{
	for (size_t i = 0; i < n; i++)
		merkle_node_hash(proof[i], seed, seed);
}

/* An inclusion proof of leaf index in a tree of size leaves has *inner
** hashes below the level where the leaf's path and the tree's right edge
** meet, then *border hashes along the edge. */
static void inclusion_shape(uint64_t index, uint64_t size, size_t *inner, size_t *border)
{
	*inner = (size_t)bitlen64(index ^ (size - 1));
	*border = (size_t)popcount64(*inner >= 64 ? 0 : index >> *inner);
}

int merkle_root_from_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
			       const uint8_t (*proof)[32], size_t nproof, uint8_t root[32])
{
	if (index >= size)
		return MERKLE_ERR_ARGS;
	size_t inner, border;
	inclusion_shape(index, size, &inner, &border);
	if (nproof != inner + border)
		return MERKLE_ERR_PROOF_LEN;
	uint8_t h[32];
	memcpy(h, leaf_hash, 32);
	chain_inner(h, proof, inner, index);
	chain_border_right(h, proof + inner, border);
	memcpy(root, h, 32);
	return MERKLE_OK;
}

int merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[32],
			    const uint8_t (*proof)[32], size_t nproof, const uint8_t root[32])
{
	uint8_t got[32];
	int rc = merkle_root_from_inclusion(index, size, leaf_hash, proof, nproof, got);
	if (rc == MERKLE_OK && memcmp(got, root, 32))
		rc = MERKLE_ERR_MISMATCH;
	return rc;
}

int merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t (*proof)[32], size_t nproof,
			      const uint8_t root_m[32], const uint8_t root_n[32])
{
	if (m > n)
		return MERKLE_ERR_ARGS;
	if (m == n) {
		if (nproof)
			return MERKLE_ERR_PROOF_LEN;
		return memcmp(root_m, root_n, 32) ? MERKLE_ERR_MISMATCH : MERKLE_OK;
	}
	if (m == 0)
		return nproof ? MERKLE_ERR_PROOF_LEN : MERKLE_OK;
	if (!nproof)
		return MERKLE_ERR_PROOF_LEN;

	/* the proof is, but for its first hash, the upper part of the
	** inclusion proof of leaf m − 1 in the new tree, from the level of
	** the old tree's rightmost perfect subtree (2^shift leaves) up */
	size_t inner, border;
	inclusion_shape(m - 1, n, &inner, &border);
	int shift = ctz64(m);
	inner -= (size_t)shift;
	/* that subtree's hash comes first, unless it is the old root itself */
	const uint8_t *seed = proof[0];
	size_t start = 1;
	if (m == (uint64_t)1 << shift) {
		seed = root_m;
		start = 0;
	}
	if (nproof != start + inner + border)
		return MERKLE_ERR_PROOF_LEN;
	proof += start;
	uint64_t mask = (m - 1) >> shift;

	uint8_t h1[32], h2[32];
	memcpy(h1, seed, 32);
	chain_inner_right(h1, proof, inner, mask);
	chain_border_right(h1, proof + inner, border);
	if (memcmp(h1, root_m, 32))
		return MERKLE_ERR_MISMATCH;
	memcpy(h2, seed, 32);
	chain_inner(h2, proof, inner, mask);
	chain_border_right(h2, proof + inner, border);
	return memcmp(h2, root_n, 32) ? MERKLE_ERR_MISMATCH : MERKLE_OK;
}

/* ---- the compact range ------------------------------------------------------ */

void merkle_range_init(struct merkle_range *cr)
{
	cr->size = 0;
	cr->n = 0;
}

int merkle_range_load(struct merkle_range *cr, uint64_t size, const struct merkle_reader *r)
{
	int rc = MERKLE_OK;
	struct plan p;
	p.nrange = p.nindex = 0;
	merkle_range_init(cr);
	if (size >= MERKLE_MAX_SIZE) {
		rc = MERKLE_ERR_ARGS;
		goto out;
	}
	if (!size)
		goto out;
	plan_add(&p, 0, size);
	if ((rc = plan_read(&p, r)))
		goto out;
	memcpy(cr->hash, p.hash, p.nindex * 32);
	cr->n = (int)p.nindex;
	cr->size = size;
out:
	return rc;
}

size_t merkle_range_append(struct merkle_range *cr, const uint8_t leaf_hash[32], uint8_t (*out)[32])
{
	if (cr->size >= MERKLE_MAX_SIZE - 1)
		return 0;
	/* each trailing 1 bit of the size is a rightmost subtree as large
	** as the one being built: merge them */
	uint8_t h[32];
	size_t nout = 0;
	memcpy(h, leaf_hash, 32);
	if (out)
		memcpy(out[nout], h, 32);
	nout++;
	for (uint64_t s = cr->size; s & 1; s >>= 1) {
		merkle_node_hash(cr->hash[--cr->n], h, h);
		if (out)
			memcpy(out[nout], h, 32);
		nout++;
	}
	memcpy(cr->hash[cr->n++], h, 32);
	cr->size++;
	return nout;
}

void merkle_range_root(const struct merkle_range *cr, uint8_t root[32])
{
	if (!cr->n) {
		merkle_empty_root(root);
		return;
	}
	uint8_t h[32];
	memcpy(h, cr->hash[cr->n - 1], 32);
	for (int i = cr->n - 1; i-- > 0;)
		merkle_node_hash(cr->hash[i], h, h);
	memcpy(root, h, 32);
}

void merkle_root_of_leaves(const uint8_t (*leaves)[32], uint64_t n, uint8_t root[32])
{
	struct merkle_range cr;
	merkle_range_init(&cr);
	for (uint64_t i = 0; i < n; i++)
		merkle_range_append(&cr, leaves[i], NULL);
	merkle_range_root(&cr, root);
}

/* ---- a tree in memory ---------------------------------------------------------- */

int merkle_memtree_append(struct merkle_memtree *t, const uint8_t leaf_hash[32])
{
	if (t->count + MERKLE_MAX_NEW_HASHES > t->cap) {
		uint64_t cap = t->cap ? 2 * t->cap : 256;
		while (cap < t->count + MERKLE_MAX_NEW_HASHES)
			cap *= 2;
		uint8_t(*h)[32] = arena_alloc(t->a, cap * 32);
		if (t->count)
			memcpy(h, t->hash, t->count * 32);
		t->hash = h;
		t->cap = cap;
	}
	size_t n = merkle_range_append(&t->range, leaf_hash, t->hash + t->count);
	if (!n)
		return MERKLE_ERR_ARGS;
	t->count += n;
	return MERKLE_OK;
}

/* merkle_reader over a merkle_memtree. */
static int memtree_read(void *ctx, const uint64_t *indexes, size_t n, uint8_t (*out)[32])
{
	const struct merkle_memtree *t = ctx;
	for (size_t i = 0; i < n; i++) {
		if (indexes[i] >= t->count)
			return -1;
		memcpy(out[i], t->hash[indexes[i]], 32);
	}
	return 0;
}

struct merkle_reader merkle_memtree_reader(struct merkle_memtree *t)
{
	struct merkle_reader r = {memtree_read, t};
	return r;
}
