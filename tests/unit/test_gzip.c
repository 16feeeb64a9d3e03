/*
** test_gzip.c — unit tests of gzip.c: packed bodies sent as gzip and read
** back by zlib's own gzip reader (which checks the CRC-32 and length of
** the trailer), inflated with and without fills, packed bodies that are
** damaged refused whole, and Accept-Encoding read as RFC 9110 says.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip.h"

static const char HOLES[] = "\x01\x02";

/* body with each hole byte h replaced by fill[h] (the caller frees). */
static buf filled(const char *body, size_t n, const struct gzip_fill *fill)
{
	buf b = {0};
	for (size_t i = 0; i < n; i++)
		if (body[i] == 1 || body[i] == 2)
			buf_append(&b, fill[(int)body[i]].p, fill[(int)body[i]].n);
		else
			buf_append(&b, body + i, 1);
	return b;
}

/* zlib's gzip reader over g[0..n): the inflated bytes, asserting that the
** stream ends where g ends and that its trailer holds (Z_STREAM_END). */
static buf gunzip(const char *g, size_t n)
{
	buf b = {0};
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (Bytef *)g;
	z.avail_in = (uInt)n;
	int rc;
	do {
		z.next_out = (Bytef *)buf_space(&b, 4096);
		z.avail_out = 4096;
		rc = inflate(&z, Z_NO_FLUSH);
		b.len -= z.avail_out;
	} while (rc == Z_OK);
	assert_int_equal(rc, Z_STREAM_END);
	assert_int_equal(z.avail_in, 0);
	inflateEnd(&z);
	return b;
}

/* Pack body, then check that the gzip stream and the inflated body are the
** body with its holes filled, and the inflated body without fills the body
** itself; returns the packed size. */
static size_t round_trip(const char *body, size_t n)
{
	static const struct gzip_fill fill[GZIP_HOLES] = {
		[1] = {"/p/0123456789abcdef", 19}, [2] = {"2026-12-02", 10}};
	buf packed = {0}, g = {0}, id = {0}, self = {0};
	assert_int_equal(gzip_pack(body, n, HOLES, &packed), 0);
	buf want = filled(body, n, fill);
	assert_int_equal(gzip_send(packed.p, packed.len, fill, &g), 0);
	buf got = gunzip(g.p, g.len);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.p ? got.p : "", want.p ? want.p : "", want.len);
	assert_int_equal(gzip_inflate(packed.p, packed.len, fill, &id), 0);
	assert_int_equal(id.len, want.len);
	assert_memory_equal(id.p, want.p ? want.p : "", want.len);
	assert_int_equal(gzip_inflate(packed.p, packed.len, NULL, &self), 0);
	assert_int_equal(self.len, n);
	assert_memory_equal(self.p, body, n);
	size_t size = packed.len;
	buf_free(&packed), buf_free(&g), buf_free(&id), buf_free(&self);
	buf_free(&want), buf_free(&got);
	return size;
}

/* gzip-100: holes anywhere — none, first, last, side by side, only holes —
** and an empty body; the gzip stream is one zlib reads to its trailer. */
static void gzip_100_round_trip(void **state)
{
	(void)state;
	static const char *bodies[] = {
		"",
		"no holes at all, just a page of text",
		"\x01 at the start",
		"at the end \x02",
		"\x01\x02\x01",
		"two \x01\x01 side by side, then \x02 and text",
		"<a href=\"\x01/evidence/x\">照片</a> 截至 \x02 <a href=\"\x01?page=2\">下一页</a>",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
		round_trip(bodies[i], strlen(bodies[i]));
}

/* gzip-110: a body of 200 kB, compressible and not (runs larger than the
** first guess at the output's room, a stored block's 64 kB limit), with a
** hole every 3 kB, and it compresses. */
static void gzip_110_large(void **state)
{
	(void)state;
	size_t n = 200000;
	char *body = malloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		body[i] = i < n / 2 ? "积分存折 balance 100 "[i % 24] : (char)(' ' + (x >> 16) % 90);
		if (i % 3000 == 2999)
			body[i] = (char)(1 + (i / 3000) % 2);
	}
	size_t packed = round_trip(body, n);
	assert_true(packed < n * 3 / 4);
	free(body);
}

/* gzip-120: a damaged packed body is refused whole, out as it was: a
** wrong mark, cut short, a run's length, a hole byte out of range, a
** flipped compressed byte or CRC-32 (inflate); gzip_send checks framing. */
static void gzip_120_damaged(void **state)
{
	(void)state;
	static const struct gzip_fill fill[GZIP_HOLES] = {[1] = {"/p/x", 4}, [2] = {"2026-12-02", 10}};
	const char *body = "<p>积分余额 \x01 截至 \x02，本季度得分 12 分。</p><p>积分余额 \x01</p>";
	buf packed = {0};
	assert_int_equal(gzip_pack(body, strlen(body), HOLES, &packed), 0);
	unsigned char *p = (unsigned char *)packed.p;
	size_t runs = 4, data = 3 + runs * 17;
	assert_int_equal(p[1], runs);
	struct {
		size_t at;
		unsigned char x;
		int send_too; /* gzip_send sees it too (framing) */
	} harm[] = {
		{0, 'Y', 1},             /* the mark */
		{3, 0x01, 1},            /* run 0's compressed length */
		{3 + 16, 0x10, 1},       /* run 0's hole: out of range */
		{3 + 3 * 17 + 16, 1, 1}, /* a hole after the last run */
		{3 + 8, 0x5a, 0},        /* run 0's CRC-32 */
		{3 + 12, 0x5a, 0},       /* run 0's length operator */
		{3 + 4, 0x01, 0},        /* run 0's inflated length */
		{data + 1, 0xff, 0},     /* compressed bytes */
	};
	for (size_t i = 0; i < sizeof harm / sizeof *harm; i++) {
		buf out = {0};
		buf_append(&out, "kept", 4);
		p[harm[i].at] ^= harm[i].x;
		if (gzip_inflate(packed.p, packed.len, fill, &out) != -1)
			fail_msg("harm %zu inflated", i);
		assert_int_equal(out.len, 4);
		assert_int_equal(gzip_send(packed.p, packed.len, fill, &out), harm[i].send_too ? -1 : 0);
		p[harm[i].at] ^= harm[i].x;
		buf_free(&out);
	}
	buf out = {0};
	assert_int_equal(gzip_inflate(packed.p, packed.len - 1, fill, &out), -1);
	assert_int_equal(gzip_send(packed.p, packed.len - 1, fill, &out), -1);
	assert_int_equal(gzip_inflate(packed.p, 2, fill, &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(gzip_inflate(packed.p, packed.len, fill, &out), 0);
	buf_free(&out);
	buf_free(&packed);
}

/* gzip-130: Accept-Encoding: gzip (or x-gzip, or *) unless its q is 0;
** a named gzip wins over *; case does not matter; other codings do not. */
static void gzip_130_accepted(void **state)
{
	(void)state;
	static const struct {
		const char *ae;
		int want;
	} cases[] = {
		{NULL, 0},
		{"", 0},
		{"gzip", 1},
		{"gzip, deflate, br", 1},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", 1},
		{"GZip", 1},
		{"x-gzip", 1},
		{"*", 1},
		{"identity", 0},
		{"deflate, br", 0},
		{"gzip;q=0", 0},
		{"gzip; q=0.000", 0},
		{"gzip;q=0.001", 1},
		{"*;q=0", 0},
		{"gzip;q=0, *", 0},
		{"*, gzip;q=0", 0},
		{"*;q=0, gzip", 1},
		{"gzipped", 0},
		{"identity;q=1, gzip ;q=0.5", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (gzip_accepted(cases[i].ae) != cases[i].want)
			fail_msg("Accept-Encoding \"%s\": want %d", cases[i].ae ? cases[i].ae : "(none)",
				 cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gzip_100_round_trip),
		cmocka_unit_test(gzip_110_large),
		cmocka_unit_test(gzip_120_damaged),
		cmocka_unit_test(gzip_130_accepted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
