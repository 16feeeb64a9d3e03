/*
** util.h — small pieces every area uses: the arena allocator (one per
** request or per command), a growable byte buffer, an error list, and the
** date and text checks the CSV formats and forms share.
*/
#ifndef JIFEN_UTIL_H
#define JIFEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena: many small allocations, freed at once -------------------- */
typedef struct arena arena;
arena *arena_new(void);            /* malloc'd; arena_free() releases all */
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n); /* zeroed, 16-byte aligned, never NULL */
char *arena_strdup(arena *a, const char *s);          /* NULL stays NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* For arrays that grow in an arena: when n has reached *cap, a copy of the
** n elements (of size bytes each) of p in room for twice as many (*cap
** doubled); else p itself.  The old room is freed with the arena. */
void *arena_grow(arena *a, void *p, int *cap, int n, size_t size);

/* ---- buf: a growable byte buffer (heap; buf_free releases) ------------ */
typedef struct buf {
	char *p;
	size_t len, cap;
} buf;
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
/* Room for n more bytes at the end, counted in b->len: the caller fills
** them at once (for writers that know the length, without a copy each). */
char *buf_space(buf *b, size_t n);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append v in decimal ("-12"); plus: "+12" for v > 0.  No printf: a
** passbook page writes a hundred numbers, and vsnprintf was a tenth of
** its time (BENCHMARKS.md). */
void buf_int(buf *b, int64_t v, int plus);
/* The same into out (not NUL-terminated); returns the length. */
size_t int_format(char out[24], int64_t v, int plus);
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_free(buf *b);
/* Make b->p NUL-terminated (not counted in len) and return it. */
char *buf_cstr(buf *b);
/* One field of a hashed record (docs/ledger.md): "<byte length>:<bytes>\n";
** NULL text as "", integers in decimal.  The audit chain and the
** standards' content hashes use these; the ledger has its own copy, tuned
** for posting. */
void buf_field(buf *b, const char *s);
void buf_field_int(buf *b, int64_t v);

/* ---- errlist: the messages a validation collects ---------------------- */
typedef struct errlist {
	char **msg;
	int n, cap;
	/* why an area refused, when not for the input (REFUSED_INPUT, 0): the
	** object is missing or its state forbids the act — state, in the
	** area's enum, says which; the API answers those 404 and 409, the
	** pages and the CLI show msg as for any refusal */
	int refusal, state;
} errlist;
enum errlist_refusal { REFUSED_INPUT, REFUSED_NOT_FOUND, REFUSED_CONFLICT };
void errlist_add(errlist *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Say why the refusal is not the input's fault (errlist.refusal). */
void errlist_refuse(errlist *e, int refusal, int state);
void errlist_free(errlist *e);

/* ---- dates and text ----------------------------------------------------- */
/* "YYYY-MM-DD" with a real calendar day between 1900 and 2199: 1, else 0. */
int date_valid(const char *s);
/* "YYYY-MM" between 1900-01 and 2199-12: 1, else 0. */
int month_valid(const char *s);
/* out = the valid date (YYYY-MM-DD) days after date (negative: before). */
void date_add_days(const char *date, int days, char out[11]);
/* The day number of the valid date "YYYY-MM-DD": days since 1970-01-01,
** proleptic Gregorian (H. Hinnant's days_from_civil), so that the days
** between two dates are a subtraction. */
int64_t date_day_number(const char *date);
/* Today's local date / this month / this year into out (>= 11 bytes). */
void date_today(char out[11]);
int64_t now_unix(void);
/* A fast 64-bit hash of p[0..n), not cryptographic: for ETags of bytes
** made on the fly, where a collision costs at most one stale
** revalidation of a browser's own copy. */
uint64_t hash64(const void *p, size_t n);
/* The unix time of local midnight on the first day of the quarter after
** the one today (YYYY-MM-DD) is in. */
int64_t date_next_quarter_start(const char *today);
/* Parse a yes/no value: 是/否, Y/N, 1/0, yes/no (any case). 1 yes, 0 no,
** -1 not a yes/no value. */
int parse_yesno(const char *s);
/* Parse a decimal integer, optional sign, nothing else; 0 ok, -1 not. */
int parse_int64(const char *s, int64_t *out);
/* A positive decimal id (a path segment), digits only; 0 when not one. */
int64_t parse_id(const char *s);
/* A unix time as local "YYYY-MM-DD HH:MM" (arena a); if_zero instead when
** at is 0 and if_zero is not NULL. */
const char *time_format(arena *a, int64_t at, const char *if_zero);
/* Money in yuan with at most two decimals ("12", "12.5", "12.50", "0.05")
** into integer fen (1250, 1250, 1250, 5): money is never floating point.
** No sign, no spaces, at most 13 digits before the point.  0 ok, -1 not. */
int parse_fen(const char *s, int64_t *fen);
/* fen as yuan with two decimals ("12.50", "-0.05") into out; returns out. */
char *fen_format(char out[32], int64_t fen);
/* 1 when s is valid UTF-8 without control characters (tab and, when
** allow_newline, CR/LF allowed), else 0. */
int text_is_clean(const char *s, int allow_newline);
/* Number of UTF-8 characters (code points) in s. */
size_t utf8_len(const char *s);
/* At most max bytes of s, cut at a character boundary (arena memory). */
char *utf8_prefix(arena *a, const char *s, size_t max);
/* Trim ASCII spaces and tabs in place, return s. */
char *str_trim(char *s);

/* ---- maps in an arena: open addressing, grown by doubling ------------- */
/* A string-keyed map (households by code, cap tallies): a slot holds a
** number and a pointer for the caller.  Zero-initialise with .a set. */
struct smap_slot {
	const char *key;
	int64_t v;
	void *p;
};
struct smap {
	arena *a;
	struct smap_slot *s;
	size_t cap, n;
};
/* The slot of key (copied into the arena when new), created with v 0. */
struct smap_slot *smap_get(struct smap *m, const char *key);
/* The slot of key, or NULL. */
struct smap_slot *smap_find(const struct smap *m, const char *key);

/* An int64-keyed map (aggregates per household or year); key 0 is not a
** key (it marks an empty slot: keys are ids ≥ 1 or made from them). */
struct imap_slot {
	int64_t key;
	int64_t v;
	int flag;
};
struct imap {
	arena *a;
	struct imap_slot *s;
	size_t cap, n;
};
/* The slot of key, created (v 0, flag 0) when missing. */
struct imap_slot *imap_get(struct imap *m, int64_t key);
/* The slot of key, or NULL. */
struct imap_slot *imap_find(const struct imap *m, int64_t key);

/* ---- bytes ----------------------------------------------------------- */
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *p, size_t n, char *out);
/* The value of hex digit c (either case), or -1. */
int hex_value(int c);
/* Bytes of the hex text s[0..2n) into out[0..n); 0, or -1 at a byte that
** is not two hex digits. */
int hex_decode(const char *s, size_t n, unsigned char *out);
/* n random bytes from the OS CSPRNG (OpenSSL RAND_bytes); 0 ok. */
int random_bytes(unsigned char *p, size_t n);
/* A random token of nbytes bytes as hex in a (2*nbytes+1) buffer. */
void random_hex(char *out, size_t nbytes);
/* SHA-256 of p[0..n) as 64 hex characters + NUL. */
void sha256_hex(const void *p, size_t n, char out[65]);

#endif
