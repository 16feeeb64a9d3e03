/*
** qr.c — QR codes as SVG path data and as a PNG.  See qr.h.
*/
#include "qr.h"

#include <dlfcn.h>
#include <qrencode.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

enum { QUIET = 4 }; /* modules of white around the code (ISO/IEC 18004) */

/* libqrencode's QRcode_encodeMask(), when the library exports it (Debian's
** 4.1 does; it is not in qrencode.h): one fixed mask instead of trying all
** eight and scoring each, which was ~80 % of the encoding (callgrind: the
** Mask_calc* functions).  Any of the eight masks gives a valid code; the
** scoring only avoids patterns that could slow a poor scanner, which a
** code of random-looking base64 seldom has.  NULL: not exported. */
typedef QRcode *(*encode_mask_fn)(QRinput *input, int mask);
static encode_mask_fn encode_mask(void)
{
	static encode_mask_fn fn;
	static int looked;
	if (!__atomic_load_n(&looked, __ATOMIC_ACQUIRE)) {
		void *p = dlsym(RTLD_DEFAULT, "QRcode_encodeMask");
		encode_mask_fn f;
		memcpy(&f, &p, sizeof f);
		__atomic_store_n(&fn, f, __ATOMIC_RELAXED);
		__atomic_store_n(&looked, 1, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&fn, __ATOMIC_RELAXED);
}

/* text as a QR code of level M, 8-bit mode, or NULL. */
static QRcode *qr_encode(const char *text)
{
	encode_mask_fn fn = encode_mask();
	if (!fn)
		return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	if (!in)
		return NULL;
	QRcode *q = QRinput_append(in, QR_MODE_8, (int)strlen(text), (const unsigned char *)text)
			    ? NULL
			    : fn(in, 2);
	QRinput_free(in);
	return q;
}

const char *qr_svg_path(arena *a, const char *text, int *size)
{
	QRcode *q = qr_encode(text);
	if (!q)
		return NULL;
	int w = q->width;
	buf b = {0};
	for (int y = 0; y < w; y++) {
		const unsigned char *row = q->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < w && (row[x] & 1))
				x++;
			/* "M%d %dh%dv1h-%dz", without printf: the path is ~2,000
			** numbers, and printf was half of a page's instructions */
			buf_append(&b, "M", 1);
			buf_int(&b, start + QUIET, 0);
			buf_append(&b, " ", 1);
			buf_int(&b, y + QUIET, 0);
			buf_append(&b, "h", 1);
			buf_int(&b, x - start, 0);
			buf_append(&b, "v1h-", 4);
			buf_int(&b, x - start, 0);
			buf_append(&b, "z", 1);
		}
	}
	QRcode_free(q);
	*size = w + 2 * QUIET;
	const char *path = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return path;
}

/* ---- PNG (ISO/IEC 15948) ------------------------------------------------------ */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Frame the chunk whose n bytes of data are already at out + 8: its
** length, type and CRC-32 (zlib's, over type and data).  Returns its end. */
static unsigned char *put_chunk(unsigned char *out, const char type[4], size_t n)
{
	put_be32(out, (uint32_t)n);
	memcpy(out + 4, type, 4);
	put_be32(out + 8 + n, (uint32_t)crc32(0, out + 4, (uInt)(n + 4)));
	return out + 12 + n;
}

const unsigned char *qr_png(arena *a, const char *text, int *size, size_t *len)
{
	QRcode *q = qr_encode(text);
	if (!q)
		return NULL;
	int w = q->width, side = w + 2 * QUIET;
	size_t stride = 1 + ((size_t)side + 7) / 8; /* filter byte "None", then the bits */
	size_t raw_len = stride * (size_t)side;     /* ≤ 25 × 185 = 4,625 for version 40 */

	/* the file: signature, IHDR (13 bytes), IDAT, IEND; each chunk's data
	** is written in place, then put_chunk() frames it */
	static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t z_len = 2 + 5 + raw_len + 4;
	size_t n = sizeof signature + (12 + 13) + (12 + z_len) + 12;
	unsigned char *png = arena_alloc(a, n), *p = png;
	memcpy(p, signature, sizeof signature);
	p += sizeof signature;

	unsigned char *ihdr = p + 8;
	put_be32(ihdr, (uint32_t)side);
	put_be32(ihdr + 4, (uint32_t)side);
	ihdr[8] = 1;  /* bit depth */
	ihdr[9] = 0;  /* grayscale */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering, every row "None" */
	ihdr[12] = 0; /* not interlaced */
	p = put_chunk(p, "IHDR", 13);

	/* IDAT, the zlib stream (RFC 1950): header, one stored deflate block
	** (RFC 1951; a block holds 65,535 bytes, more than version 40's
	** 4,625), Adler-32 of the raw rows */
	unsigned char *z = p + 8;
	z[0] = 0x78, z[1] = 0x01;
	z[2] = 1; /* BFINAL, BTYPE 00 */
	z[3] = (unsigned char)raw_len, z[4] = (unsigned char)(raw_len >> 8);
	z[5] = (unsigned char)~raw_len, z[6] = (unsigned char)(~raw_len >> 8);
	unsigned char *raw = z + 7;
	memset(raw, 0xff, raw_len); /* white: in 1-bit grayscale 1 is white */
	for (int y = 0; y < side; y++)
		raw[(size_t)y * stride] = 0;
	for (int y = 0; y < w; y++) {
		unsigned char *row = raw + (size_t)(y + QUIET) * stride + 1;
		const unsigned char *m = q->data + (size_t)y * (size_t)w;
		for (int x = 0; x < w; x++)
			if (m[x] & 1)
				row[(x + QUIET) / 8] &=
					(unsigned char)~(0x80u >> ((x + QUIET) % 8));
	}
	QRcode_free(q);
	put_be32(raw + raw_len, (uint32_t)adler32(1, raw, (uInt)raw_len));
	p = put_chunk(p, "IDAT", z_len);

	put_chunk(p, "IEND", 0);
	*size = side;
	*len = n;
	return png;
}
