/*
** test_qr.c — unit tests of qr.c: the receipt's PNG read back by a reader
** written here from the PNG and zlib specifications (its own CRC-32 and
** Adler-32, bit by bit), module for module the same code as the SVG path;
** and a text too long for any QR code gives neither.  That the image scans
** to the receipt's text is tests/http/t_announce.py's (zbarimg).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"
#include "unitfix.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 bit by bit (ISO 3309, reflected 0xEDB88320), no table. */
static uint32_t slow_crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* The PNG's pixels as a side × side matrix, 1 dark (arena), after checking
** every byte of its framing; asserts on any fault. */
static unsigned char *read_png(arena *a, const unsigned char *png, size_t len, int *side)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_true(len > 8 + 25 + 12 + 12);
	assert_memory_equal(png, sig, 8);
	const unsigned char *p = png + 8, *end = png + len, *idat = NULL;
	size_t idat_len = 0;
	int chunks = 0, w = 0;
	while (p < end) {
		assert_true(end - p >= 12);
		uint32_t n = be32(p);
		assert_true((size_t)(end - p) >= 12 + (size_t)n);
		assert_int_equal(be32(p + 8 + n), slow_crc32(p + 4, n + 4));
		const char *type = (const char *)p + 4;
		if (chunks == 0) {
			assert_memory_equal(type, "IHDR", 4);
			assert_int_equal(n, 13);
			w = (int)be32(p + 8);
			assert_int_equal(be32(p + 12), (uint32_t)w);
			assert_int_equal(p[16], 1); /* bit depth */
			assert_int_equal(p[17], 0); /* grayscale */
			assert_int_equal(p[18], 0);
			assert_int_equal(p[19], 0);
			assert_int_equal(p[20], 0);
		} else if (!memcmp(type, "IDAT", 4)) {
			assert_null(idat); /* one IDAT */
			idat = p + 8, idat_len = n;
		} else {
			assert_memory_equal(type, "IEND", 4);
			assert_int_equal(n, 0);
			assert_ptr_equal(p + 12, end); /* nothing after IEND */
		}
		chunks++;
		p += 12 + n;
	}
	assert_int_equal(chunks, 3);
	assert_non_null(idat);

	/* zlib: CMF/FLG checksum, then stored blocks, then Adler-32 */
	assert_int_equal(idat[0] & 0x0f, 8);
	assert_int_equal((idat[0] << 8 | idat[1]) % 31, 0);
	assert_int_equal(idat[1] & 0x20, 0); /* no preset dictionary */
	size_t stride = 1 + ((size_t)w + 7) / 8, want = stride * (size_t)w, got = 0, i = 2;
	unsigned char *raw = arena_alloc(a, want);
	for (int final = 0; !final;) {
		assert_true(i + 5 <= idat_len);
		final = idat[i] & 1;
		assert_int_equal((idat[i] >> 1) & 3, 0); /* stored */
		size_t n = idat[i + 1] | (size_t)idat[i + 2] << 8;
		size_t nn = idat[i + 3] | (size_t)idat[i + 4] << 8;
		assert_int_equal(n ^ nn, 0xffff);
		i += 5;
		assert_true(i + n <= idat_len && got + n <= want);
		memcpy(raw + got, idat + i, n);
		got += n, i += n;
	}
	assert_int_equal(got, want);
	assert_int_equal(i + 4, idat_len);
	uint32_t s1 = 1, s2 = 0;
	for (size_t k = 0; k < want; k++)
		s1 = (s1 + raw[k]) % 65521, s2 = (s2 + s1) % 65521;
	assert_int_equal(be32(idat + i), s2 << 16 | s1);

	unsigned char *m = arena_alloc(a, (size_t)w * (size_t)w);
	for (int y = 0; y < w; y++) {
		const unsigned char *row = raw + (size_t)y * stride;
		assert_int_equal(row[0], 0); /* filter None */
		for (int x = 0; x < w; x++)
			m[(size_t)y * (size_t)w + (size_t)x] =
				!(row[1 + x / 8] & (0x80 >> (x % 8)));
	}
	*side = w;
	return m;
}

/* The SVG path's runs "Mx yhNv1h-Nz" as a side × side matrix, 1 dark. */
static unsigned char *read_path(arena *a, const char *path, int side)
{
	unsigned char *m = arena_alloc(a, (size_t)side * (size_t)side);
	const char *p = path;
	while (*p) {
		int x, y, n, n2, used = 0;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_int_equal(n, n2);
		assert_true(x >= 0 && y >= 0 && n > 0 && x + n <= side && y < side);
		memset(m + (size_t)y * (size_t)side + (size_t)x, 1, (size_t)n);
		p += used;
	}
	return m;
}

/* A receipt-sized text: ~1,150 bytes of lines and base64, as announce's. */
static char *receipt_like(arena *a)
{
	buf b = {0};
	buf_puts(&b, "jifen-receipt/v1\nzhujiajiao.example/V1/2024-Q2\n");
	for (int i = 0; i < 26; i++)
		buf_printf(&b, "%02d/%032x+abcdefghijkl=\n", i, (unsigned)(i * 2654435761u));
	char *s = arena_strndup(a, b.p, b.len);
	buf_free(&b);
	return s;
}

/* qr-100: the PNG is a well-formed 1-bit grayscale image whose pixels
** are the SVG path's modules, quiet zone white, for a short URL and a
** receipt-sized text. */
static void qr_100_png_matches_path(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *texts[] = {"https://jifen.example/p/0123456789abcdef", receipt_like(a)};
	for (size_t t = 0; t < 2; t++) {
		int size_svg = 0, size_png = 0, side = 0;
		size_t len = 0;
		const char *path = qr_svg_path(a, texts[t], &size_svg);
		const unsigned char *png = qr_png(a, texts[t], &size_png, &len);
		assert_non_null(path);
		assert_non_null(png);
		assert_int_equal(size_svg, size_png);
		unsigned char *img = read_png(a, png, len, &side);
		assert_int_equal(side, size_png);
		unsigned char *want = read_path(a, path, side);
		assert_memory_equal(img, want, (size_t)side * (size_t)side);
		int dark = 0;
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				int quiet = x < 4 || y < 4 || x >= side - 4 || y >= side - 4;
				if (quiet)
					assert_int_equal(img[y * side + x], 0);
				dark += img[y * side + x];
			}
		/* the three finder patterns' corners are dark */
		assert_int_equal(img[4 * side + 4], 1);
		assert_int_equal(img[4 * side + side - 5], 1);
		assert_int_equal(img[(side - 5) * side + 4], 1);
		assert_true(dark > side && dark < side * side / 2 + side * 8);
		if (t == 1) {
			/* a receipt is a large code, and the PNG stays small: the
			** point of drawing it so (qr.h) */
			assert_true(side >= 100);
			assert_true(len < 4000);
			assert_true(strlen(path) > 10 * len);
		}
	}
	arena_free(a);
}

/* qr-110: a text beyond version 40's 2,331 bytes at level M gives no code
** either way, and nothing is half drawn. */
static void qr_110_too_long(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *text = arena_alloc(a, 3001);
	memset(text, 'x', 3000);
	int size = -1;
	size_t len = 7;
	assert_null(qr_svg_path(a, text, &size));
	assert_null(qr_png(a, text, &size, &len));
	assert_int_equal(size, -1);
	assert_int_equal(len, 7);
	text[2331] = 0;
	assert_non_null(qr_png(a, text, &size, &len));
	assert_int_equal(size, 177 + 8);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qr_100_png_matches_path),
		cmocka_unit_test(qr_110_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
