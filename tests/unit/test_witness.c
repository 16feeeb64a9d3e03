/*
** test_witness.c — unit tests of witness.c: the witness key (a
** cosignature/v1 key from an Ed25519 key file), and cosigning a log's
** checkpoints from a state file: the first one with old 0, the next with a
** consistency proof; refused: a wrong old size, a bad proof, a split view
** (same size, another root; or a later tree that does not extend the
** last), a smaller tree, another log's key, a malformed request.  The log
** is a tree in memory signed with a fixed seed.  No database.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merkle.h"
#include "note.h"
#include "witness.h"

struct wfix {
	arena *a;
	struct note_signer log, other, w;
	struct note_verifier logv;
	struct merkle_memtree t;  /* the honest log */
	struct merkle_memtree t2; /* another history */
	char state[256], key[256];
};

static int setup(void **state)
{
	struct wfix *f = calloc(1, sizeof *f);
	*state = f;
	f->a = arena_new();
	uint8_t seed[32] = {1}, seed2[32] = {2};
	if (note_signer_from_seed(f->a, "log.example/V1", NOTE_ED25519, seed, &f->log) ||
	    note_signer_from_seed(f->a, "log.example/V1", NOTE_ED25519, seed2, &f->other))
		return -1;
	note_signer_verifier(&f->log, &f->logv);
	f->t.a = f->t2.a = f->a;
	for (int i = 0; i < 20; i++) {
		uint8_t leaf[32];
		char d[16];
		snprintf(d, sizeof d, "leaf %d", i);
		merkle_leaf_hash(d, strlen(d), leaf);
		merkle_memtree_append(&f->t, leaf);
		snprintf(d, sizeof d, "fork %d", i);
		merkle_leaf_hash(d, strlen(d), leaf);
		merkle_memtree_append(&f->t2, leaf);
	}
	snprintf(f->state, sizeof f->state, "/tmp/jifen-test-witness-%d.state", (int)getpid());
	snprintf(f->key, sizeof f->key, "/tmp/jifen-test-witness-%d.key", (int)getpid());
	unlink(f->state);
	unlink(f->key);
	errlist errs = {0};
	if (witness_key_create(f->a, f->key, "district.example/witness", &errs) ||
	    witness_key_load(f->a, f->key, &f->w, &errs))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct wfix *f = *state;
	unlink(f->state);
	unlink(f->key);
	arena_free(f->a);
	free(f);
	return 0;
}

/* The request body: "old m", the consistency proof m → n of tree t (or
** the given bad one), the checkpoint of t at n signed by s. */
static char *request(struct wfix *f, struct merkle_memtree *t, uint64_t m, uint64_t n,
		     const struct note_signer *s, int flip_proof)
{
	struct merkle_reader r = merkle_memtree_reader(t);
	uint8_t proof[MERKLE_MAX_PROOF][32], root[32];
	size_t np = 0;
	if (m && merkle_prove_consistency(m, n, &r, proof, &np))
		fail_msg("prove");
	if (flip_proof && np)
		proof[0][3] ^= 1;
	merkle_tree_hash(n, &r, root);
	struct checkpoint c = {"log.example/V1", n, {0}, ""};
	memcpy(c.root, root, 32);
	char *note;
	if (note_sign(f->a, checkpoint_format(f->a, &c), s, 1, 0, &note))
		fail_msg("sign");
	buf b = {0};
	buf_printf(&b, "old %llu\n", (unsigned long long)m);
	for (size_t i = 0; i < np; i++) {
		char h[45];
		sodium_bin2base64(h, sizeof h, proof[i], 32, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&b, "%s\n", h);
	}
	buf_printf(&b, "\n%s", note);
	char *out = arena_strdup(f->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Cosign req; returns witness_cosign's rc, the first message into msg. */
static int cosign(struct wfix *f, const char *req, char **line, const char **msg)
{
	errlist errs = {0};
	int rc = witness_cosign(f->a, &f->w, f->state, &f->logv, req, strlen(req), 1700000000, line,
				&errs);
	*msg = errs.n ? arena_strdup(f->a, errs.msg[0]) : "";
	errlist_free(&errs);
	return rc;
}

/* witness-100: the key, the first and the next cosignature, verified as
** cosignature/v1 over the checkpoint. */
static void witness_100_cosigns(void **state)
{
	struct wfix *f = *state;
	assert_int_equal(f->w.type, NOTE_COSIGNATURE_V1);
	struct note_verifier wv;
	note_signer_verifier(&f->w, &wv);
	char *line;
	const char *msg;
	assert_int_equal(cosign(f, request(f, &f->t, 0, 5, &f->log, 0), &line, &msg), 0);
	assert_true(!strncmp(line, "\xe2\x80\x94 district.example/witness ", 29));
	assert_int_equal(cosign(f, request(f, &f->t, 5, 13, &f->log, 0), &line, &msg), 0);
	/* the line verifies with the witness key over the checkpoint of 13 */
	char *req = request(f, &f->t, 5, 13, &f->log, 0);
	char *note = strstr(req, "\n\n") + 2;
	buf b = {0};
	buf_puts(&b, note);
	buf_puts(&b, line);
	struct note_verifier keys[2] = {f->logv, wv};
	struct note_opened o;
	assert_int_equal(note_open(f->a, buf_cstr(&b), b.len, keys, 2, &o), 0);
	assert_int_equal(o.nverified, 2);
	buf_free(&b);
	/* the same size again (a retry) is fine */
	assert_int_equal(cosign(f, request(f, &f->t, 13, 13, &f->log, 0), &line, &msg), 0);
	FILE *s = fopen(f->state, "r");
	char st[256] = {0};
	assert_non_null(fgets(st, sizeof st, s));
	fclose(s);
	assert_true(!strncmp(st, "log.example/V1 13 ", 18));
}

/* witness-200: every refusal, with its message; the state stays. */
static void witness_200_refusals(void **state)
{
	struct wfix *f = *state;
	char *line;
	const char *msg;
	assert_int_equal(cosign(f, request(f, &f->t, 3, 7, &f->log, 0), &line, &msg), 1);
	assert_string_equal(msg, "见证上次联署的 log.example/V1 大小是 0，请求的 old 却是 3");
	assert_int_equal(cosign(f, request(f, &f->t, 0, 8, &f->log, 0), &line, &msg), 0);
	static const struct {
		int m, n, fork, flip, other;
		const char *msg;
	} cases[] = {
		{0, 9, 0, 0, 0, "见证上次联署的 log.example/V1 大小是 8，请求的 old 却是 0"},
		{8, 12, 0, 1, 0, "log.example/V1 的检查点（12 条）与上次联署的（8 条）不一致"},
		{8, 12, 1, 0, 0, "log.example/V1 的检查点（12 条）与上次联署的（8 条）不一致"},
		{8, 8, 1, 0, 0, "log.example/V1 的检查点（8 条）与上次联署的（8 条）不一致"},
		{8, 12, 0, 0, 1, "见证请求里的检查点不是台账公钥 log.example/V1 签的"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *req = request(f, cases[i].fork ? &f->t2 : &f->t, (uint64_t)cases[i].m,
				    (uint64_t)cases[i].n, cases[i].other ? &f->other : &f->log,
				    cases[i].flip);
		if (cases[i].fork && cases[i].m == cases[i].n) {
			/* a fork's checkpoint of size 8 with an empty proof */
			char *nl = strchr(req, '\n');
			req = arena_printf(f->a, "old 8\n\n%s", strstr(nl, "\n\n") + 2);
		}
		if (cases[i].fork && cases[i].m != cases[i].n) {
			/* the honest proof, the fork's checkpoint */
			char *good = request(f, &f->t, 8, 12, &f->log, 0);
			req = arena_printf(f->a, "%.*s%s", (int)(strstr(good, "\n\n") - good + 2), good,
					   strstr(req, "\n\n") + 2);
		}
		assert_int_equal(cosign(f, req, &line, &msg), 1);
		if (strncmp(msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: %s, want %s", i, msg, cases[i].msg);
	}
	static const char *const malformed[] = {"", "old x\n\n", "old 8\nnot base64\n\nx\n",
						"old 8\n"};
	for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++)
		assert_int_equal(cosign(f, malformed[i], &line, &msg), 1);
	/* a smaller tree after 8: old must be 8, and the tree cannot shrink */
	assert_int_equal(cosign(f, arena_printf(f->a, "old 8\n%s",
						strchr(request(f, &f->t, 0, 5, &f->log, 0), '\n') + 1),
			 &line, &msg), 1);
	assert_string_equal(msg, "检查点的大小 5 小于上次联署的 8");
	/* the honest next one still works */
	assert_int_equal(cosign(f, request(f, &f->t, 8, 20, &f->log, 0), &line, &msg), 0);
	errlist errs = {0};
	assert_int_equal(witness_key_create(f->a, f->key, "x", &errs), 1);
	assert_non_null(strstr(errs.msg[0], "已经存在，不会覆盖"));
	errlist_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(witness_100_cosigns, setup, teardown),
		cmocka_unit_test_setup_teardown(witness_200_refusals, setup, teardown),
	};
	return cmocka_run_group_tests_name("witness", tests, NULL, NULL);
}
