/*
** util.c — the arena, byte buffer, error list, date/text checks and the
** random and hashing helpers declared in util.h.
*/
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <pthread.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

/* ---- arena ------------------------------------------------------------ */

/* Blocks are chained; an allocation larger than a block gets its own. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};
struct arena {
	struct arena_block *head;
};

enum { ARENA_BLOCK = 16384 };

arena *arena_new(void)
{
	arena *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

/* n bytes not cleared: for copies that fill them at once */
static void *arena_alloc_raw(arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK / 2 ? n : ARENA_BLOCK;
		b = malloc(sizeof *b + size);
		if (!b)
			abort();
		b->used = 0;
		b->size = size;
		if (size == n && a->head) {
			/* a big one-off: keep the current block in front */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = arena_alloc_raw(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	/* formatted once into a stack buffer; only a longer text twice */
	char tmp[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc_raw(a, (size_t)n + 1);
	if ((size_t)n < sizeof tmp)
		memcpy(p, tmp, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void *arena_grow(arena *a, void *p, int *cap, int n, size_t size)
{
	if (n < *cap)
		return p;
	int want = *cap ? *cap * 2 : 16;
	void *bigger = arena_alloc(a, (size_t)want * size);
	if (n)
		memcpy(bigger, p, (size_t)n * size);
	*cap = want;
	return bigger;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- buf -------------------------------------------------------------- */

static void buf_grow(buf *b, size_t need)
{
	if (b->cap - b->len > need)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		abort();
	b->p = p;
	b->cap = cap;
}

void buf_append(buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

char *buf_space(buf *b, size_t n)
{
	buf_grow(b, n);
	char *p = b->p + b->len;
	b->len += n;
	return p;
}

void buf_puts(buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

size_t int_format(char out[24], int64_t v, int plus)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;
	/* through uint64_t: -INT64_MIN does not fit an int64_t */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	else if (plus && v > 0)
		*--p = '+';
	memcpy(out, p, (size_t)(e - p));
	return (size_t)(e - p);
}

void buf_int(buf *b, int64_t v, int plus)
{
	char tmp[24];
	size_t n = int_format(tmp, v, plus);
	buf_append(b, tmp, n);
}

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n + 1);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_field(buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char len[24];
	size_t k = int_format(len, (int64_t)n, 0);
	len[k++] = ':';
	buf_append(b, len, k);
	buf_append(b, s ? s : "", n);
	buf_append(b, "\n", 1);
}

void buf_field_int(buf *b, int64_t v)
{
	char num[24];
	size_t n = int_format(num, v, 0);
	num[n] = 0;
	buf_field(b, num);
}

char *buf_cstr(buf *b)
{
	buf_grow(b, 1);
	b->p[b->len] = 0;
	return b->p;
}

void buf_free(buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- errlist ---------------------------------------------------------- */

void errlist_add(errlist *e, const char *fmt, ...)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->msg = realloc(e->msg, (size_t)e->cap * sizeof *e->msg);
		if (!e->msg)
			abort();
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&e->msg[e->n], fmt, ap) < 0)
		abort();
	va_end(ap);
	e->n++;
}

void errlist_refuse(errlist *e, int refusal, int state)
{
	e->refusal = refusal;
	e->state = state;
}

void errlist_free(errlist *e)
{
	for (int i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = e->cap = 0;
	e->refusal = e->state = 0;
}

/* ---- dates and text ----------------------------------------------------- */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int month_valid(const char *s)
{
	if (!s || strlen(s) != 7 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2))
		return 0;
	int y = atoi(s), m = atoi(s + 5);
	return y >= 1900 && y <= 2199 && m >= 1 && m <= 12;
}

int date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void date_add_days(const char *date, int days, char out[11])
{
	/* noon UTC: no day boundary can move under timegm's normalising */
	struct tm tm = {.tm_year = atoi(date) - 1900, .tm_mon = atoi(date + 5) - 1,
			.tm_mday = atoi(date + 8) + days, .tm_hour = 12};
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int64_t date_day_number(const char *date)
{
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The test clock: JIFEN_CLOCK_OFFSET (seconds, may be negative) moves
** date_today() and now_unix() so that a test can write as of yesterday or
** last quarter without waiting (t_passbook_store 170).  Read once. */
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;
static int64_t clock_offset;

static void clock_offset_read(void)
{
	const char *s = getenv("JIFEN_CLOCK_OFFSET");
	clock_offset = s && *s ? strtoll(s, NULL, 10) : 0;
}

void date_today(char out[11])
{
	/* each thread keeps the date of the second it last asked: every
	** passbook answer asks (its ETag and "截至" name the day), and
	** localtime_r() takes glibc's time zone lock each call, which the
	** pool's threads then queued on (futex in strace under wrk) */
	static __thread time_t last = -1;
	static __thread char date[11];
	time_t t = (time_t)now_unix();
	if (t != last) {
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		last = t;
	}
	memcpy(out, date, sizeof date);
}

int64_t now_unix(void)
{
	pthread_once(&clock_once, clock_offset_read);
	return (int64_t)time(NULL) + clock_offset;
}

uint64_t hash64(const void *p, size_t n)
{
	/* four independent lanes of multiply-rotate over 32-byte blocks (the
	** shape of xxHash64's loop): ~0.5 instructions a byte, against ~25
	** for SHA-256, which was a third of a passbook page rendered on the
	** fly (callgrind, BENCHMARKS.md) */
	static const uint64_t k1 = 0x9E3779B185EBCA87ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
	const unsigned char *b = p;
	uint64_t l[4] = {k1 + k2, k2, 0, (uint64_t)0 - k1}, h;
	size_t i = 0;
	for (; i + 32 <= n; i += 32)
		for (int j = 0; j < 4; j++) {
			uint64_t w;
			memcpy(&w, b + i + 8 * j, 8);
			l[j] += w * k2;
			l[j] = (l[j] << 31 | l[j] >> 33) * k1;
		}
	h = (l[0] << 1 | l[0] >> 63) + (l[1] << 7 | l[1] >> 57) + (l[2] << 12 | l[2] >> 52) +
	    (l[3] << 18 | l[3] >> 46) + (uint64_t)n;
	for (; i < n; i++) {
		h ^= b[i] * k1;
		h = (h << 11 | h >> 53) * k2;
	}
	h ^= h >> 33;
	h *= k2;
	h ^= h >> 29;
	h *= k1;
	return h ^ (h >> 32);
}

int64_t date_next_quarter_start(const char *today)
{
	int y = atoi(today), m = atoi(today + 5);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = (m - 1) / 3 * 3 + 3, .tm_mday = 1,
			.tm_isdst = -1};
	return (int64_t)mktime(&tm); /* tm_mon 12: January of the next year */
}

int parse_yesno(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "是") || !strcasecmp(s, "y") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		return 1;
	if (!strcmp(s, "否") || !strcasecmp(s, "n") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		return 0;
	return -1;
}

int parse_int64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p || strlen(p) > 18)
		return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;
	*out = strtoll(s, NULL, 10);
	return 0;
}

int64_t parse_id(const char *s)
{
	int64_t id;
	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || parse_int64(s, &id) || id <= 0)
		return 0;
	return id;
}

const char *time_format(arena *a, int64_t at, const char *if_zero)
{
	if (!at && if_zero)
		return if_zero;
	char out[32];
	time_t t = (time_t)at;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, sizeof out, "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(a, out);
}

int parse_fen(const char *s, int64_t *fen)
{
	if (!s || !*s)
		return -1;
	size_t whole = strspn(s, "0123456789");
	if (whole == 0 || whole > 13)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < whole; i++)
		v = v * 10 + (s[i] - '0');
	const char *p = s + whole;
	int64_t cents = 0;
	if (*p == '.') {
		size_t dec = strspn(p + 1, "0123456789");
		if (dec < 1 || dec > 2 || p[1 + dec])
			return -1;
		cents = (p[1] - '0') * 10 + (dec == 2 ? p[2] - '0' : 0);
	} else if (*p)
		return -1;
	*fen = v * 100 + cents;
	return 0;
}

char *fen_format(char out[32], int64_t fen)
{
	uint64_t u = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
	snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(u / 100),
		 (unsigned long long)(u % 100));
	return out;
}

int text_is_clean(const char *s, int allow_newline)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			if (c == 0x7f || (c < 0x20 && c != '\t' &&
					  !(allow_newline && (c == '\n' || c == '\r'))))
				return 0;
			p++;
			continue;
		}
		int n;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return 0;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		/* C1 controls */
		if (cp >= 0x80 && cp <= 0x9f)
			return 0;
		p += n + 1;
	}
	return 1;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

char *utf8_prefix(arena *a, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_strndup(a, s, n);
}

/* FNV-1a of a NUL-terminated string, for smap. */
static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* ---- maps in an arena ------------------------------------------------ */

/* The growth of both maps: before a map of n keys in *cap slots takes one
** more, a new zeroed array of slot_size slots in a, twice as many (256 at
** first) once the map would be over half full, its size in *cap; NULL
** while it has room.  The caller moves the old slots' keys over. */
static void *map_grow(arena *a, size_t n, size_t *cap, size_t slot_size)
{
	if ((n + 1) * 2 <= *cap)
		return NULL;
	*cap = *cap ? *cap * 2 : 256;
	return arena_alloc(a, *cap * slot_size);
}

struct smap_slot *smap_get(struct smap *m, const char *key)
{
	size_t oldcap = m->cap;
	struct smap_slot *old = m->s, *grown = map_grow(m->a, m->n, &m->cap, sizeof *m->s);
	if (grown) {
		m->s = grown;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].key) {
				size_t j = str_hash(old[i].key) & (m->cap - 1);
				while (m->s[j].key)
					j = (j + 1) & (m->cap - 1);
				m->s[j] = old[i];
			}
	}
	size_t i = str_hash(key) & (m->cap - 1);
	while (m->s[i].key && strcmp(m->s[i].key, key))
		i = (i + 1) & (m->cap - 1);
	if (!m->s[i].key) {
		m->s[i].key = arena_strdup(m->a, key);
		m->n++;
	}
	return &m->s[i];
}

struct smap_slot *smap_find(const struct smap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = str_hash(key) & (m->cap - 1);
	while (m->s[i].key) {
		if (!strcmp(m->s[i].key, key))
			return &m->s[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static size_t imap_hash(int64_t k)
{
	uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ULL;
	return (size_t)(x ^ (x >> 29));
}

struct imap_slot *imap_get(struct imap *m, int64_t key)
{
	size_t oldcap = m->cap;
	struct imap_slot *old = m->s, *grown = map_grow(m->a, m->n, &m->cap, sizeof *m->s);
	if (grown) {
		m->s = grown;
		m->n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].key) {
				struct imap_slot *x = imap_get(m, old[i].key);
				x->v = old[i].v;
				x->flag = old[i].flag;
			}
	}
	size_t i = imap_hash(key) & (m->cap - 1);
	while (m->s[i].key && m->s[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->s[i].key) {
		m->s[i].key = key;
		m->n++;
	}
	return &m->s[i];
}

struct imap_slot *imap_find(const struct imap *m, int64_t key)
{
	if (!m->cap)
		return NULL;
	size_t i = imap_hash(key) & (m->cap - 1);
	while (m->s[i].key) {
		if (m->s[i].key == key)
			return &m->s[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

char *str_trim(char *s)
{
	char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	memmove(s, p, n);
	s[n] = 0;
	return s;
}

/* ---- bytes ------------------------------------------------------------ */

void hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = 0;
}

int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int random_bytes(unsigned char *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

void random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof b || random_bytes(b, nbytes))
		abort(); /* no randomness: nothing safe can be done */
	hex_encode(b, nbytes, out);
}

/* SHA-256 through OpenSSL, whose code uses the CPU's SHA extensions where
** it has them: libsodium's portable C was 7,000 instructions of a stored
** passbook's ~110,000 (callgrind; a card request hashes its token).  The
** algorithm is fetched once, and each thread keeps one context, freed when
** the thread ends: a one-shot EVP_Digest() allocates and looks both up on
** every call.  libsodium's stays as the fallback if either fails. */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;
static pthread_key_t sha256_key;

static void sha256_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void sha256_init(void)
{
	if (pthread_key_create(&sha256_key, sha256_ctx_free))
		return;
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	pthread_once(&sha256_once, sha256_init);
	EVP_MD_CTX *ctx = sha256_md ? pthread_getspecific(sha256_key) : NULL;
	if (sha256_md && !ctx && (ctx = EVP_MD_CTX_new()) && pthread_setspecific(sha256_key, ctx)) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	unsigned len = 0;
	if (!ctx || !EVP_DigestInit_ex2(ctx, sha256_md, NULL) || !EVP_DigestUpdate(ctx, p, n) ||
	    !EVP_DigestFinal_ex(ctx, md, &len) || len != sizeof md)
		crypto_hash_sha256(md, p, n);
	hex_encode(md, 32, out);
}
