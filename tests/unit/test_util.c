/*
** test_util.c — unit tests of the containers and formatters in src/util.c
** that the rest of the code leans on: the arena maps (smap, imap) across
** their growth, int_format() and buf_int() at the edges of int64_t, and
** arena_printf() on both sides of its stack buffer, date_day_number().
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Many keys, so that the map doubles several times (it starts at 256
** slots and grows at half full): every key keeps its value, a missing key
** stays missing, and get on an existing key returns the same slot. */
static void test_smap_growth(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct smap m = {.a = a};
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "户%d", i);
		struct smap_slot *s = smap_get(&m, key);
		assert_int_equal(s->v, 0);
		s->v = i * 3;
	}
	assert_int_equal(m.n, 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "户%d", i);
		const struct smap_slot *s = smap_find(&m, key);
		assert_non_null(s);
		assert_int_equal(s->v, i * 3);
		assert_ptr_equal(smap_get(&m, key), s);
	}
	assert_int_equal(m.n, 5000);
	assert_null(smap_find(&m, "户5000"));
	assert_null(smap_find(&m, ""));
	/* keys are copied: the caller's buffer may change */
	snprintf(key, sizeof key, "x");
	smap_get(&m, key)->v = 7;
	key[0] = 'y';
	assert_int_equal(smap_find(&m, "x")->v, 7);
	assert_null(smap_find(&m, "y"));
	arena_free(a);
}

static void test_smap_empty(void **state)
{
	(void)state;
	struct smap m = {0};
	assert_null(smap_find(&m, "a"));
}

static void test_imap_growth(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct imap m = {.a = a};
	/* ids and id*4096+year keys, as the ledger makes them */
	for (int64_t i = 1; i <= 3000; i++) {
		imap_get(&m, i)->v += i;
		struct imap_slot *y = imap_get(&m, i * 4096 + 2026);
		y->v = -i;
		y->flag = 1;
	}
	assert_int_equal(m.n, 6000);
	for (int64_t i = 1; i <= 3000; i++) {
		assert_int_equal(imap_find(&m, i)->v, i);
		const struct imap_slot *y = imap_find(&m, i * 4096 + 2026);
		assert_int_equal(y->v, -i);
		assert_int_equal(y->flag, 1);
		assert_int_equal(imap_find(&m, i)->flag, 0);
	}
	assert_null(imap_find(&m, 3001));
	struct imap empty = {0};
	assert_null(imap_find(&empty, 1));
	arena_free(a);
}

/* int_format() against printf for the edges and a spread of values. */
static void test_int_format(void **state)
{
	(void)state;
	const int64_t vals[] = {0, 1, -1, 9, 10, -10, 99, 100, 12345, -98765,
				INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		char got[25], want[32];
		for (int plus = 0; plus <= 1; plus++) {
			size_t n = int_format(got, vals[i], plus);
			got[n] = 0;
			if (plus && vals[i] > 0)
				snprintf(want, sizeof want, "+%lld", (long long)vals[i]);
			else
				snprintf(want, sizeof want, "%lld", (long long)vals[i]);
			assert_string_equal(got, want);
		}
	}
	buf b = {0};
	buf_int(&b, -5, 1);
	buf_int(&b, 0, 1);
	buf_int(&b, 5, 1);
	buf_int(&b, 5, 0);
	assert_string_equal(buf_cstr(&b), "-50+55");
	buf_free(&b);
}

/* arena_printf() formats into a stack buffer first: texts shorter and
** longer than it come out whole. */
static void test_arena_printf(void **state)
{
	(void)state;
	arena *a = arena_new();
	char big[1001];
	memset(big, 'x', 1000);
	big[1000] = 0;
	assert_string_equal(arena_printf(a, "%s-%d", "ab", 7), "ab-7");
	const char *s = arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(s), 1002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[1001], '>');
	assert_string_equal(arena_printf(a, "%s", ""), "");
	arena_free(a);
}

/* util-fen: yuan text to integer fen and back, no floating point. */
static void test_fen(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t fen; /* -1: refused */
	} cases[] = {
		{"12", 1200}, {"12.5", 1250}, {"12.50", 1250}, {"0.05", 5}, {"0", 0},
		{"9999999999999.99", 999999999999999}, {"12.505", -1}, {"-1", -1}, {"1e2", -1},
		{"12.", -1}, {".5", -1}, {" 1", -1}, {"1,000", -1}, {"", -1}, {"abc", -1},
		{"99999999999999", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t fen = -1;
		int rc = parse_fen(cases[i].in, &fen);
		if (cases[i].fen < 0)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_int_equal(fen, cases[i].fen);
		}
	}
	char out[32];
	assert_string_equal(fen_format(out, 1250), "12.50");
	assert_string_equal(fen_format(out, 5), "0.05");
	assert_string_equal(fen_format(out, 0), "0.00");
	assert_string_equal(fen_format(out, -5), "-0.05");
	assert_string_equal(fen_format(out, INT64_MIN), "-92233720368547758.08");
}

/* date_day_number(): the epoch is day 0, a leap day counts, and walking
** day by day with date_add_days() across leap years and centuries moves it
** by exactly one each step. */
static void test_date_day_number(void **state)
{
	(void)state;
	assert_int_equal(date_day_number("1970-01-01"), 0);
	assert_int_equal(date_day_number("1969-12-31"), -1);
	assert_int_equal(date_day_number("2000-03-01") - date_day_number("2000-02-28"), 2);
	assert_int_equal(date_day_number("2100-03-01") - date_day_number("2100-02-28"), 1);
	assert_int_equal(date_day_number("2024-01-01"), 19723);
	char d[11] = "1899-12-25", next[11];
	int64_t n = date_day_number(d);
	for (int i = 0; i < 800 * 366 / 7; i++) {
		date_add_days(d, 7, next);
		assert_int_equal(date_day_number(next), n + 7);
		memcpy(d, next, sizeof d);
		n += 7;
	}
}

/* hex_decode: hex_encode's text back, either case; a byte that is not two
** hex digits refused.  hex_value: every byte value. */
static void test_hex_decode(void **state)
{
	(void)state;
	unsigned char all[256], back[256];
	char text[513];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	hex_encode(all, 256, text);
	assert_int_equal(hex_decode(text, 256, back), 0);
	assert_memory_equal(back, all, 256);
	assert_int_equal(hex_decode("DeadBEEF", 4, back), 0);
	assert_memory_equal(back, "\xde\xad\xbe\xef", 4);
	assert_int_equal(hex_decode("0g", 1, back), -1);
	assert_int_equal(hex_decode("a ", 1, back), -1);
	int digits = 0;
	for (int c = 0; c < 256; c++)
		digits += hex_value(c) >= 0;
	assert_int_equal(digits, 22);
	assert_int_equal(hex_value('f'), 15);
	assert_int_equal(hex_value('F'), 15);
	assert_int_equal(hex_value('9'), 9);
}

/* sha256_hex: FIPS 180-2's vectors, and libsodium's digest for every length
** 0..300 (block and padding edges), from two threads at once (each keeps
** its own OpenSSL context). */
static void *sha256_lengths(void *arg)
{
	unsigned char in[300], md[32];
	char got[65], want[65];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof in; n++) {
		sha256_hex(in, n, got);
		crypto_hash_sha256(md, in, n);
		hex_encode(md, 32, want);
		if (strcmp(got, want))
			return arg;
	}
	return NULL;
}

static void test_sha256_hex(void **state)
{
	(void)state;
	char out[65];
	sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), out);
	assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, sha256_lengths, (void *)1), 0);
	assert_null(sha256_lengths((void *)2));
	void *rc = (void *)3;
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_null(rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fen),
		cmocka_unit_test(test_smap_growth),
		cmocka_unit_test(test_smap_empty),
		cmocka_unit_test(test_imap_growth),
		cmocka_unit_test(test_int_format),
		cmocka_unit_test(test_arena_printf),
		cmocka_unit_test(test_date_day_number),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_hex_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
