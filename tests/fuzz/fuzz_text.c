/*
** fuzz_text.c — libFuzzer target for util.c's checks of form and CSV text:
** text_is_clean(), utf8_len(), parse_int64(), date_valid(), month_valid()
** and parse_yesno().  Each is compared with a reference written here
** independently (UTF-8 by Unicode's table of well-formed byte sequences,
** dates through timegm()), so a wrong answer is found, not only a crash.
** The input, cut at its first NUL, is the string under test.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "util.h"

/* text_is_clean by the reference decoder: well-formed UTF-8 and no C0
** control but tab (CR and LF when allow_newline), no DEL, no C1 control.
** *count receives the number of code points. */
static int ref_text_is_clean(const char *s, int allow_newline, size_t *count)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		unsigned cp;
		int len = ref_utf8_next(p, &cp);
		if (!len)
			return 0;
		if ((cp < 0x20 && cp != '\t' && !(allow_newline && (cp == '\n' || cp == '\r'))) ||
		    (cp >= 0x7f && cp <= 0x9f))
			return 0;
		p += len;
		n++;
	}
	*count = n;
	return 1;
}

/* parse_int64 by hand: optional sign, 1 to 18 digits, nothing else. */
static int ref_parse_int64(const char *s, int64_t *out)
{
	int neg = 0;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	size_t n = strlen(s);
	if (n < 1 || n > 18)
		return -1;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* Exactly n ASCII digits at s, as a number; -1 otherwise. */
static int ref_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A real calendar day between 1900-01-01 and 2199-12-31: timegm() carries
** an impossible day into the next month, so the round trip shows it. */
static int ref_date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	int y = ref_digits(s, 4), m = ref_digits(s + 5, 2), d = ref_digits(s + 8, 2);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

static int ref_month_valid(const char *s)
{
	if (strlen(s) != 7 || s[4] != '-')
		return 0;
	int y = ref_digits(s, 4), m = ref_digits(s + 5, 2);
	return y >= 1900 && y <= 2199 && m >= 1 && m <= 12;
}

/* ASCII-only case-insensitive equality. */
static int ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int ref_parse_yesno(const char *s)
{
	if (!strcmp(s, "是") || ascii_ieq(s, "y") || !strcmp(s, "1") || ascii_ieq(s, "yes"))
		return 1;
	if (!strcmp(s, "否") || ascii_ieq(s, "n") || !strcmp(s, "0") || ascii_ieq(s, "no"))
		return 0;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;

	for (int nl = 0; nl <= 1; nl++) {
		size_t count = 0;
		int want = ref_text_is_clean(s, nl, &count);
		CHECK(text_is_clean(s, nl) == want);
		if (want)
			CHECK(utf8_len(s) == count);
	}
	CHECK(!text_is_clean(s, 0) || text_is_clean(s, 1));
	CHECK(utf8_len(s) <= strlen(s));

	int64_t got = 12345, want = 67890;
	int rc = parse_int64(s, &got);
	CHECK(rc == ref_parse_int64(s, &want));
	if (rc == 0)
		CHECK(got == want);

	CHECK(date_valid(s) == ref_date_valid(s));
	CHECK(month_valid(s) == ref_month_valid(s));
	CHECK(parse_yesno(s) == ref_parse_yesno(s));

	/* str_trim leaves no space or tab at either end and keeps the middle */
	char *t = strdup(s);
	if (!t)
		abort();
	size_t before = strlen(t);
	str_trim(t);
	size_t after = strlen(t);
	CHECK(after <= before);
	if (after) {
		CHECK(t[0] != ' ' && t[0] != '\t');
		CHECK(t[after - 1] != ' ' && t[after - 1] != '\t');
		CHECK(strstr(s, t) != NULL);
	}
	free(t);
	free(s);
	return 0;
}
