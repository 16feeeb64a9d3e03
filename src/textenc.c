/*
** textenc.c — recognising and converting the encoding of a CSV file (see
** textenc.h).  UTF-8 is checked by hand (the rules of RFC 3629); GB18030
** goes through iconv(3), which refuses a byte sequence GB18030 does not
** define, so a file of random bytes is not "converted" into nonsense.
*/
#include "textenc.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t k;
		unsigned lo = 0x80, hi = 0xbf; /* the range of the second byte */
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f; /* past U+10FFFF */
		} else
			return 0;
		if ((size_t)(end - p) <= k)
			return 0;
		if (p[1] < lo || p[1] > hi)
			return 0;
		for (size_t i = 2; i <= k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += k + 1;
	}
	return 1;
}

/* Convert data[0..len) from GB18030 into out.  0 done, -1 the bytes are
** not GB18030 (or iconv cannot open it); out is then emptied. */
static int gb18030_to_utf8(const char *data, size_t len, buf *out)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) /* NOLINT(performance-no-int-to-ptr): iconv_open's error value */
		return -1;
	int rc = 0;
	char *in = (char *)data; /* iconv's prototype; it does not write here */
	size_t inleft = len;
	while (inleft) {
		/* a GB18030 character is at most 4 bytes and becomes at most 4
		** of UTF-8: twice the input is always room enough for a pass */
		size_t room = inleft * 2 + 16;
		char *o = buf_space(out, room); /* len grows by room ... */
		size_t oleft = room;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len -= oleft; /* ... of which oleft was not used */
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = -1; /* EILSEQ or EINVAL: an invalid or cut sequence */
			break;
		}
	}
	iconv_close(cd);
	if (rc)
		buf_free(out);
	return rc;
}

enum textenc textenc_to_utf8(const char *data, size_t len, buf *out)
{
	if (utf8_valid(data, len))
		return TEXTENC_UTF8;
	if (gb18030_to_utf8(data, len, out) == 0)
		return TEXTENC_GB18030;
	return TEXTENC_UNKNOWN;
}

const char *textenc_name(enum textenc e)
{
	switch (e) {
	case TEXTENC_UTF8:
		return "UTF-8";
	case TEXTENC_GB18030:
		return "GB18030（GBK）";
	default:
		return "未知编码";
	}
}
