/*
** fuzz.h — what every libFuzzer target of tests/fuzz shares: the entry point
** libFuzzer (or replay.c, in builds without libFuzzer) calls, and CHECK(),
** which turns a broken invariant into a crash the fuzzer keeps as an input.
**
** A target takes arbitrary bytes, feeds them to one parser of outside
** input, and checks properties of the result that must hold for every
** input; memory errors, leaks and undefined behaviour are found by the
** sanitizers the targets are built with.
*/
#ifndef JIFEN_FUZZ_H
#define JIFEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Decode one well-formed UTF-8 sequence at p (Unicode 15, table 3-7);
** returns its length and sets *cp, or 0 when ill-formed. */
static inline int ref_utf8_next(const unsigned char *p, unsigned *cp)
{
	unsigned c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	unsigned lo = 0x80, hi = 0xbf;
	int n;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	unsigned v = c & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		unsigned b = p[i];
		unsigned min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xbf;
		if (b < min || b > max)
			return 0;
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	return n;
}

/* 1 when s[0..n) is well-formed UTF-8 with no NUL, else 0; s[n] must be
** NUL (a sequence cut short at the end then fails on it). */
static inline int ref_utf8_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned cp;
		int len = *p ? ref_utf8_next(p, &cp) : 0;
		if (!len || len > end - p)
			return 0;
		p += len;
	}
	return 1;
}

#endif
