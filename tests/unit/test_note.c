/*
** test_note.c — unit tests of src/note.c: signed notes against the vectors
** of Go's sumdb/note (PeterNeumann: Ed25519 is deterministic, so signing
** must give the same line) and of c2sp.org/signed-note, key texts, notes
** that must be refused, checkpoints, the checkpoint + cosignature example
** of ../shared/reference/transparency.md, the key file and the signing log.
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
#include <sys/stat.h>
#include <unistd.h>

#include "merkle.h"
#include "note.h"

static const char pn_skey[] =
	"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char pn_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char pn_text[] = "If you think cryptography is the answer to your problem,\n"
			      "then you don't know what your problem is.\n";
static const char pn_line[] =
	"— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static const char ex_vkey[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char ex_note[] =
	"This is an example message.\n\n"
	"— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/* The PeterNeumann note, signed (arena a). */
static char *pn_note(arena *a)
{
	return arena_printf(a, "%s\n%s", pn_text, pn_line);
}

static int open_str(arena *a, const char *msg, const struct note_verifier *k, int n,
		    struct note_opened *o)
{
	return note_open(a, msg, strlen(msg), k, n, o);
}

/* note-1: key IDs and verifier key texts, among them base64 holding "+",
** and the texts that must be refused. */
static void test_verifier_keys(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_verifier v;
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v), NOTE_OK);
	assert_string_equal(v.name, "PeterNeumann");
	assert_int_equal(v.key_id, 0xc74f20a3);
	assert_int_equal(v.type, NOTE_ED25519);
	assert_int_equal(note_key_id("PeterNeumann", NOTE_ED25519, v.pub), 0xc74f20a3);
	assert_string_equal(note_verifier_format(a, &v), pn_vkey);
	/* a key file's trailing newline is no part of the key */
	assert_int_equal(note_verifier_parse(a, arena_printf(a, "%s\n", pn_vkey), &v), NOTE_OK);

	static const char log_vkey[] =
		"jifen.example/log+01ef0012+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
	static const char wit_vkey[] =
		"town.example/witness+d1876b6b+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";
	assert_int_equal(note_verifier_parse(a, log_vkey, &v), NOTE_OK);
	assert_string_equal(v.name, "jifen.example/log");
	assert_string_equal(note_verifier_format(a, &v), log_vkey);
	assert_int_equal(note_verifier_parse(a, wit_vkey, &v), NOTE_OK);
	assert_int_equal(v.type, NOTE_COSIGNATURE_V1);
	assert_int_equal(v.key_id, 0xd1876b6b);
	assert_int_equal(note_verifier_parse(a, ex_vkey, &v), NOTE_OK);

	static const char *const bad[] = {
		"",
		"PeterNeumann",
		"PeterNeumann+c74f20a3",
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* id */
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  /* 7 hex */
		"PeterNeumann+c74f20g3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* not hex */
		"PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* name */
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", /* base64 */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy1",    /* short */
		"PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* type 2 */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(note_verifier_parse(a, bad[i], &v), NOTE_ERR_MALFORMED);
	assert_int_equal(note_name_valid("jifen.example/村"), 1);
	assert_int_equal(note_name_valid("a\xe3\x80\x80"), 0); /* U+3000 */
	assert_int_equal(note_name_valid("a+b"), 0);
	assert_int_equal(note_name_valid("\xff"), 0);
	arena_free(a);
}

/* note-2: the PeterNeumann signer key parses, formats back to itself, is
** the verifier key's, and signs the note to Go's exact line. */
static void test_peter_neumann(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_signer s;
	struct note_verifier v, mine;
	assert_int_equal(note_signer_parse(a, pn_skey, &s), NOTE_OK);
	assert_int_equal(s.key_id, 0xc74f20a3);
	char text[256];
	assert_int_equal(note_signer_format(&s, text, sizeof text), (int)strlen(pn_skey));
	assert_string_equal(text, pn_skey);
	assert_int_equal(note_signer_format(&s, text, 20), -1);
	note_signer_verifier(&s, &mine);
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v), NOTE_OK);
	assert_memory_equal(mine.pub, v.pub, 32);

	char *line, *note;
	assert_int_equal(note_signature_line(a, pn_text, &s, 0, &line), NOTE_OK);
	assert_string_equal(line, pn_line);
	assert_int_equal(note_sign(a, pn_text, &s, 1, 0, &note), NOTE_OK);
	assert_string_equal(note, pn_note(a));

	struct note_opened o;
	assert_int_equal(open_str(a, note, &v, 1, &o), NOTE_OK);
	assert_string_equal(o.text, pn_text);
	assert_int_equal(o.text_len, strlen(pn_text));
	assert_int_equal(o.nsigs, 1);
	assert_int_equal(o.nverified, 1);
	assert_int_equal(o.sigs[0].key, 0);
	assert_string_equal(o.sigs[0].name, "PeterNeumann");
	assert_string_equal(o.sigs[0].line, pn_line);

	/* texts that cannot be signed */
	assert_int_equal(note_sign(a, "no newline", &s, 1, 0, &note), NOTE_ERR_MALFORMED);
	assert_int_equal(note_sign(a, "tab\there\n", &s, 1, 0, &note), NOTE_ERR_MALFORMED);
	assert_int_equal(note_sign(a, "", &s, 1, 0, &note), NOTE_ERR_MALFORMED);
	assert_int_equal(note_sign(a, "bad \xc0\xaf utf-8\n", &s, 1, 0, &note), NOTE_ERR_MALFORMED);

	static const char *const bad[] = {
		"PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
		"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
		"PRIVATE+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PRIVATE+KEY+",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(note_signer_parse(a, bad[i], &s), NOTE_ERR_MALFORMED);
	note_signer_wipe(&s);
	arena_free(a);
}

/* note-3: the example of c2sp.org/signed-note verifies. */
static void test_c2sp_example(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_verifier v[2];
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v[0]), NOTE_OK);
	assert_int_equal(note_verifier_parse(a, ex_vkey, &v[1]), NOTE_OK);
	struct note_opened o;
	assert_int_equal(open_str(a, ex_note, v, 2, &o), NOTE_OK);
	assert_string_equal(o.text, "This is an example message.\n");
	assert_int_equal(o.sigs[0].key, 1);
	assert_int_equal(o.sigs[0].key_id, 0x530d903a);
	/* with only the other key: well-formed, unverified */
	assert_int_equal(open_str(a, ex_note, v, 1, &o), NOTE_ERR_UNVERIFIED);
	assert_int_equal(o.nsigs, 1);
	assert_int_equal(o.sigs[0].key, -1);
	assert_int_equal(open_str(a, ex_note, v, 0, &o), NOTE_ERR_UNVERIFIED);
	arena_free(a);
}

/* note-4: notes that are not well-formed. */
static void test_malformed_notes(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_verifier v;
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v), NOTE_OK);
	struct note_opened o;
	const char *sig = pn_line;
	const char *cases[] = {
		/* no blank line */
		arena_printf(a, "%s%s", pn_text, sig),
		/* missing final newline */
		arena_strndup(a, pn_note(a), strlen(pn_note(a)) - 1),
		/* control characters, in the text and in a line */
		arena_printf(a, "If you\tthink\n\n%s", sig),
		arena_printf(a, "If you\rthink\n\n%s", sig),
		arena_printf(a, "If you think\x7f\n\n%s", sig),
		arena_printf(a, "%s\n%.*s\x01%s", pn_text, 16, sig, sig + 16),
		/* bad UTF-8 */
		arena_printf(a, "caf\xc3\n\n%s", sig),
		arena_printf(a, "\xed\xa0\x80 surrogate\n\n%s", sig),
		arena_printf(a, "\xe0\x80\xaf overlong\n\n%s", sig),
		/* not a signature line */
		arena_printf(
			a,
			"%s\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
			pn_text),
		arena_printf(a, "%s\n— PeterNeumann\n", pn_text),
		arena_printf(a, "%s\n— PeterNeumann \n", pn_text),
		arena_printf(
			a,
			"%s\n—  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
			pn_text),
		arena_printf(
			a,
			"%s\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
			pn_text),
		arena_printf(a, "%s\n— PeterNeumann x08g\n", pn_text), /* < 5 bytes */
		/* nothing after the blank line, or a blank line too many */
		arena_printf(a, "%s\n", pn_text),
		arena_printf(a, "%s\n%s\n", pn_text, sig),
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rc = open_str(a, cases[i], &v, 1, &o);
		if (rc != NOTE_ERR_MALFORMED)
			fail_msg("note-4.%zu: rc %d", i, rc);
	}
	/* a NUL inside the message */
	char nul[] = "If you\0think\n\n";
	assert_int_equal(note_open(a, nul, sizeof nul - 1, &v, 1, &o), NOTE_ERR_MALFORMED);
	arena_free(a);
}

/* note-5: 16 signatures and up to 100 are read; 101 are refused. */
static void test_signature_count(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_verifier v;
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v), NOTE_OK);
	struct note_opened o;
	static const char other[] =
		"— other.example/w AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	int counts[] = {16, 100, 101};
	for (int c = 0; c < 3; c++) {
		buf b = {0};
		buf_puts(&b, pn_text);
		buf_puts(&b, "\n");
		for (int i = 0; i < counts[c] - 1; i++)
			buf_puts(&b, other);
		buf_puts(&b, pn_line);
		int rc = note_open(a, b.p, b.len, &v, 1, &o);
		if (counts[c] <= NOTE_MAX_SIGNATURES) {
			assert_int_equal(rc, NOTE_OK);
			assert_int_equal(o.nsigs, counts[c]);
			assert_int_equal(o.nverified, 1);
			assert_int_equal(o.sigs[counts[c] - 1].key, 0);
		} else
			assert_int_equal(rc, NOTE_ERR_MALFORMED);
		buf_free(&b);
	}
	arena_free(a);
}

/* note-6: a known name with another key ID is someone else's key
** (ignored); a tampered text or signature under a known key is refused,
** even beside a good signature. */
static void test_wrong_keys_and_tampering(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct note_verifier v[2];
	struct note_signer s;
	struct note_opened o;
	assert_int_equal(note_verifier_parse(a, pn_vkey, &v[0]), NOTE_OK);
	assert_int_equal(note_signer_generate(a, "PeterNeumann", NOTE_ED25519, &s), NOTE_OK);
	note_signer_verifier(&s, &v[1]);
	assert_int_not_equal(v[1].key_id, v[0].key_id);
	/* signed with another key of the same name: unknown to v[0] alone */
	char *note;
	assert_int_equal(note_sign(a, pn_text, &s, 1, 0, &note), NOTE_OK);
	assert_int_equal(open_str(a, note, v, 1, &o), NOTE_ERR_UNVERIFIED);
	assert_int_equal(open_str(a, note, v + 1, 1, &o), NOTE_OK);
	/* a known key's line under the other key's ID: not its signature */
	char *wrong_id = pn_note(a);
	char *b64 = strstr(wrong_id, "x08go");
	b64[0] = 'y';
	assert_int_equal(open_str(a, wrong_id, v, 1, &o), NOTE_ERR_UNVERIFIED);
	/* tampered text */
	char *t = pn_note(a);
	t[3] = 'Y';
	assert_int_equal(open_str(a, t, v, 1, &o), NOTE_ERR_BAD_SIGNATURE);
	/* tampered signature (a base64 digit in the signature bytes) */
	char *sig = pn_note(a);
	char *p = strstr(sig, "ZInNIu");
	p[0] = 'Y';
	assert_int_equal(open_str(a, sig, v, 1, &o), NOTE_ERR_BAD_SIGNATURE);
	/* a failing known signature spoils the note beside a good one */
	char *two = arena_printf(a, "%s%s", note, strstr(sig, "—"));
	assert_int_equal(open_str(a, two, v, 2, &o), NOTE_ERR_BAD_SIGNATURE);
	/* both good: both verified, each by its key */
	char *both = arena_printf(a, "%s%s", note, pn_line);
	assert_int_equal(open_str(a, both, v, 2, &o), NOTE_OK);
	assert_int_equal(o.nverified, 2);
	assert_int_equal(o.sigs[0].key, 1);
	assert_int_equal(o.sigs[1].key, 0);
	note_signer_wipe(&s);
	arena_free(a);
}

/* note-7: checkpoints: format and parse back, and the texts refused. */
static void test_checkpoints(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct checkpoint c = {.origin = "jifen.example/log", .size = 8}, d;
	for (int i = 0; i < 32; i++)
		c.root[i] = (uint8_t)(i * 7);
	char *text = checkpoint_format(a, &c);
	assert_non_null(text);
	assert_int_equal(checkpoint_parse(a, text, strlen(text), &d), NOTE_OK);
	assert_string_equal(d.origin, c.origin);
	assert_int_equal(d.size, 8);
	assert_memory_equal(d.root, c.root, 32);
	assert_string_equal(d.extensions, "");
	c.extensions = "ext one\next two\n";
	text = checkpoint_format(a, &c);
	assert_int_equal(checkpoint_parse(a, text, strlen(text), &d), NOTE_OK);
	assert_string_equal(d.extensions, "ext one\next two\n");
	assert_string_equal(checkpoint_format(a, &d), text);
	c.size = UINT64_MAX;
	c.extensions = NULL;
	text = checkpoint_format(a, &c);
	assert_int_equal(checkpoint_parse(a, text, strlen(text), &d), NOTE_OK);
	assert_true(d.size == UINT64_MAX);
	/* size 0: the root of the empty tree */
	static const char empty[] = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	assert_int_equal(checkpoint_parse(a, empty, strlen(empty), &d), NOTE_OK);
	uint8_t empty_root[32];
	merkle_empty_root(empty_root);
	assert_memory_equal(d.root, empty_root, 32);
	assert_int_equal(d.size, 0);

	static const char root[] = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
	const char *bad[] = {
		arena_printf(a, "o\n08\n%s\n", root), /* leading zero */
		arena_printf(a, "o\n00\n%s\n", root),
		arena_printf(a, "o\n+8\n%s\n", root),
		arena_printf(a, "o\n-8\n%s\n", root),
		arena_printf(a, "o\n 8\n%s\n", root),
		arena_printf(a, "o\n\n%s\n", root),
		arena_printf(a, "o\n18446744073709551616\n%s\n", root), /* 2^64 */
		arena_printf(a, "\n8\n%s\n", root),                     /* empty origin */
		arena_printf(a, "o\n8\n%.43s\n", root),                 /* base64 length */
		arena_printf(a, "o\n8\n%sAAAA\n", root),
		"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy==\n", /* 31 bytes */
		"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy*=\n",
		arena_printf(a, "o\n8\n%s", root), /* no final newline */
		"o\n8\n",
		arena_printf(a, "o\n8\n%s\n\next\n", root), /* empty extension line */
		arena_printf(a, "o\t1\n8\n%s\n", root),
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (checkpoint_parse(a, bad[i], strlen(bad[i]), &d) != NOTE_ERR_MALFORMED)
			fail_msg("note-7.%zu: accepted %s", i, bad[i]);
	}
	struct checkpoint e = c;
	e.origin = "";
	assert_null(checkpoint_format(a, &e));
	e.origin = "a\nb";
	assert_null(checkpoint_format(a, &e));
	e.origin = "o";
	e.extensions = "no newline";
	assert_null(checkpoint_format(a, &e));
	arena_free(a);
}

/* note-8: the checkpoint + cosignature example of transparency.md: the log
** (seed 00..1f) and the witness (seed 20..3f, cosignature/v1 at
** 1700000000) sign the 8-leaf root to the exact lines, which verify. */
static void test_checkpoint_cosignature(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char want[] =
		"jifen.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
		"— jifen.example/log Ae8AEvSGKQcx+MT7RKDg03ziZBYKosdhMHiLrhgriVflMncPkcMcvGfChJtE7GdgbVyFBc6TDb7iA6VMBa3zbnu8rwI=\n"
		"— town.example/witness 0YdrawAAAABlU/EAL+//bFUkGK91LWU3kHfnSRXLnYbce6Mit8GZ3+7+64T0nyIaGWMFqVY0QRWHuThDLJNDNb256hYriKCHMJUwAQ==\n";
	uint8_t seed[32];
	struct note_signer log, wit;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	assert_int_equal(note_signer_from_seed(a, "jifen.example/log", NOTE_ED25519, seed, &log),
			 NOTE_OK);
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0x20 + i);
	assert_int_equal(
		note_signer_from_seed(a, "town.example/witness", NOTE_COSIGNATURE_V1, seed, &wit),
		NOTE_OK);
	struct note_verifier v[2];
	note_signer_verifier(&log, &v[0]);
	note_signer_verifier(&wit, &v[1]);
	assert_string_equal(
		note_verifier_format(a, &v[0]),
		"jifen.example/log+01ef0012+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4");
	assert_string_equal(
		note_verifier_format(a, &v[1]),
		"town.example/witness+d1876b6b+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X");

	/* the root of the 8 standard leaves */
	static const char *const leaves[8] = {
		"",
		"\x00",
		"\x10",
		"\x20\x21",
		"\x30\x31",
		"\x40\x41\x42\x43",
		"\x50\x51\x52\x53\x54\x55\x56\x57",
		"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
	static const size_t lens[8] = {0, 1, 1, 2, 2, 4, 8, 16};
	uint8_t lh[8][32];
	for (int i = 0; i < 8; i++)
		merkle_leaf_hash(leaves[i], lens[i], lh[i]);
	struct checkpoint c = {.origin = "jifen.example/log", .size = 8};
	merkle_root_of_leaves((const uint8_t(*)[32])lh, 8, c.root);
	char *text = checkpoint_format(a, &c);

	char *signed_note, *cosig;
	assert_int_equal(note_sign(a, text, &log, 1, 0, &signed_note), NOTE_OK);
	assert_int_equal(note_signature_line(a, text, &wit, 1700000000, &cosig), NOTE_OK);
	char *both = arena_printf(a, "%s%s", signed_note, cosig);
	assert_string_equal(both, want);

	struct note_opened o;
	assert_int_equal(open_str(a, want, v, 2, &o), NOTE_OK);
	assert_int_equal(o.nverified, 2);
	assert_int_equal(o.sigs[0].timestamp, 0);
	assert_int_equal(o.sigs[1].key, 1);
	assert_int_equal(o.sigs[1].timestamp, 1700000000);
	struct checkpoint d;
	assert_int_equal(checkpoint_parse(a, o.text, o.text_len, &d), NOTE_OK);
	assert_memory_equal(d.root, c.root, 32);
	/* the witness alone, and a cosignature that claims another time */
	assert_int_equal(open_str(a, want, v + 1, 1, &o), NOTE_OK);
	assert_int_equal(o.nverified, 1);
	char *other_time;
	assert_int_equal(note_signature_line(a, text, &wit, 1700000001, &other_time), NOTE_OK);
	/* keep the signature of 1700000001, put back the time 1700000000 */
	char *forged = arena_printf(a, "%s\n%s", text, other_time);
	char *p = strstr(forged, "0YdrawAAAABlU/EB");
	assert_non_null(p);
	memcpy(p, "0YdrawAAAABlU/EA", 16);
	assert_int_equal(open_str(a, forged, v, 2, &o), NOTE_ERR_BAD_SIGNATURE);
	/* a cosignature key's line checked as a plain Ed25519 one fails */
	struct note_verifier as_plain = v[1];
	as_plain.type = NOTE_ED25519;
	assert_int_equal(open_str(a, want, &as_plain, 1, &o), NOTE_ERR_BAD_SIGNATURE);
	note_signer_wipe(&log);
	note_signer_wipe(&wit);
	arena_free(a);
}

/* A fresh directory for files; its path in arena a. */
static char *temp_dir(arena *a)
{
	char *dir = arena_strdup(a, "/tmp/jifen-test-note-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* note-9: a key file is made with mode 0600, reads back as the same key,
** is never replaced, and is refused when others may read it. */
static void test_key_file(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *dir = temp_dir(a);
	char *path = arena_printf(a, "%s/jifen.db.key", dir);
	struct note_signer s, r, again;
	assert_int_equal(note_key_create(a, path, "jifen.example/村", &s), NOTE_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(note_key_read(a, path, &r), NOTE_OK);
	assert_string_equal(r.name, "jifen.example/村");
	assert_int_equal(r.key_id, s.key_id);
	assert_memory_equal(r.sk, s.sk, 64);
	/* the file holds the signer key text and a newline */
	char text[256];
	int n = note_signer_format(&s, text, sizeof text);
	FILE *f = fopen(path, "r");
	char got[256] = {0};
	assert_int_equal(fread(got, 1, sizeof got - 1, f), (size_t)n + 1);
	fclose(f);
	assert_memory_equal(got, text, (size_t)n);
	/* never replaced; no temporary file left behind */
	assert_int_equal(note_key_create(a, path, "other", &again), NOTE_ERR_EXISTS);
	assert_int_equal(note_key_read(a, path, &r), NOTE_OK);
	assert_int_equal(r.key_id, s.key_id);
	char *cmd = arena_printf(a, "test $(ls %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	/* readable by the group: refused */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(note_key_read(a, path, &r), NOTE_ERR_KEY_MODE);
	assert_int_equal(note_key_read(a, arena_printf(a, "%s/none", dir), &r), NOTE_ERR_IO);
	assert_int_equal(note_key_create(a, arena_printf(a, "%s/k2", dir), "bad name", &again),
			 NOTE_ERR_MALFORMED);
	assert_int_equal(note_key_create(a, arena_printf(a, "%s/no/such/k", dir), "n", &again),
			 NOTE_ERR_IO);
	note_signer_wipe(&s);
	note_signer_wipe(&r);
	system(arena_printf(a, "rm -rf %s", dir));
	arena_free(a);
}

struct log_seen {
	int n;
	char *notes[4];
	int64_t when[4];
	arena *a;
};

static int collect(void *ctx, int64_t signed_at, const char *note, size_t len)
{
	struct log_seen *s = ctx;
	assert_int_equal(strlen(note), len);
	if (s->n == 4)
		return 7;
	s->notes[s->n] = arena_strdup(s->a, note);
	s->when[s->n++] = signed_at;
	return 0;
}

/* note-10: every note signed through note_sign_logged() is in the signing
** log beside the key, in order; a record cut short is reported after the
** good ones. */
static void test_signing_log(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *dir = temp_dir(a);
	char *key = arena_printf(a, "%s/k", dir);
	struct note_signer s;
	assert_int_equal(note_key_create(a, key, "jifen.example/log", &s), NOTE_OK);
	struct log_seen seen = {.a = a};
	assert_int_equal(note_log_read(a, key, collect, &seen), NOTE_OK); /* no log yet */
	assert_int_equal(seen.n, 0);
	char *out[3];
	for (int i = 0; i < 3; i++) {
		struct checkpoint c = {.origin = "jifen.example/log", .size = (uint64_t)i * 10};
		c.root[0] = (uint8_t)i;
		assert_int_equal(note_sign_logged(a, key, checkpoint_format(a, &c), &s, &out[i]),
				 NOTE_OK);
	}
	assert_string_equal(note_log_path(a, key), arena_printf(a, "%s.log", key));
	struct stat st;
	assert_int_equal(stat(note_log_path(a, key), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(note_log_read(a, key, collect, &seen), NOTE_OK);
	assert_int_equal(seen.n, 3);
	struct note_verifier v;
	note_signer_verifier(&s, &v);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(seen.notes[i], out[i]);
		assert_true(seen.when[i] > 1700000000);
		struct note_opened o;
		assert_int_equal(open_str(a, seen.notes[i], &v, 1, &o), NOTE_OK);
		struct checkpoint c;
		assert_int_equal(checkpoint_parse(a, o.text, o.text_len, &c), NOTE_OK);
		assert_int_equal(c.size, (uint64_t)i * 10);
	}
	/* a callback's nonzero return stops the reading and comes back */
	seen.n = 4;
	assert_int_equal(note_log_read(a, key, collect, &seen), 7);
	/* what cannot be signed is not logged */
	char *none = NULL;
	assert_int_equal(note_sign_logged(a, key, "no newline", &s, &none), NOTE_ERR_MALFORMED);
	assert_null(none);
	/* a torn last record: the good ones, then NOTE_ERR_MALFORMED */
	FILE *f = fopen(note_log_path(a, key), "a");
	fputs("signed 1700000000 400\njifen.example/log\n", f);
	fclose(f);
	seen.n = 0;
	assert_int_equal(note_log_read(a, key, collect, &seen), NOTE_ERR_MALFORMED);
	assert_int_equal(seen.n, 3);
	note_signer_wipe(&s);
	system(arena_printf(a, "rm -rf %s", dir));
	arena_free(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifier_keys),
		cmocka_unit_test(test_peter_neumann),
		cmocka_unit_test(test_c2sp_example),
		cmocka_unit_test(test_malformed_notes),
		cmocka_unit_test(test_signature_count),
		cmocka_unit_test(test_wrong_keys_and_tampering),
		cmocka_unit_test(test_checkpoints),
		cmocka_unit_test(test_checkpoint_cosignature),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_signing_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
