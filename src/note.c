/*
** note.c — C2SP signed notes, checkpoints and cosignatures (see note.h for
** the formats), as Go's golang.org/x/mod/sumdb/note reads and writes them,
** with libsodium's Ed25519, SHA-256 and base64; and the key file and the
** signing log, the signer's records outside the database.
*/
#include "note.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The U+2014 em dash and space that start a signature line. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN 4

const char *note_strerror(int rc)
{
	switch (rc) {
	case NOTE_OK: return "ok";
	case NOTE_ERR_MALFORMED: return "malformed note, key or checkpoint";
	case NOTE_ERR_BAD_SIGNATURE: return "invalid signature";
	case NOTE_ERR_UNVERIFIED: return "no signature by a known key";
	case NOTE_ERR_IO: return "key or log file not readable or writable";
	case NOTE_ERR_EXISTS: return "key file exists already";
	case NOTE_ERR_KEY_MODE: return "key file readable by group or others (chmod 600)";
	default: return "unknown error";
	}
}

/* ---- text ---------------------------------------------------------------- */

/* Decode the UTF-8 character at p (p < end) into *cp; returns its length,
** or 0 when it is not well-formed (overlong, surrogate, beyond U+10FFFF,
** cut short) — what Go's utf8.DecodeRune calls RuneError of size 1. */
static size_t utf8_next(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	unsigned c = p[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* 1 when cp is white space to Go's unicode.IsSpace. */
static int is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* 1 when p[0..n) is valid UTF-8 without control characters, "\n" allowed
** when newline.  DEL (0x7f) counts as one, as C2SP says "ASCII control
** characters" (Go's Open lets it through; we never sign it). */
static int text_clean(const char *s, size_t n, int newline)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		uint32_t cp;
		size_t k = utf8_next(p, end, &cp);
		if (!k || cp == 0x7f || (cp < 0x20 && !(newline && cp == '\n')))
			return 0;
		p += k;
	}
	return 1;
}

int note_name_valid(const char *name)
{
	const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
	if (p == end)
		return 0;
	while (p < end) {
		uint32_t cp;
		size_t k = utf8_next(p, end, &cp);
		if (!k || cp < 0x20 || cp == 0x7f || cp == '+' || is_space(cp))
			return 0;
		p += k;
	}
	return 1;
}

int note_text_valid(const char *text, size_t len)
{
	return len && text[len - 1] == '\n' && text_clean(text, len, 1);
}

/* ---- keys ------------------------------------------------------------------ */

/* sodium_init() before any other call of libsodium's; cheap after the first. */
static void sodium_ready(void)
{
	if (sodium_init() < 0)
		abort(); /* no randomness source: nothing can be signed */
}

uint32_t note_key_id(const char *name, int type, const uint8_t pub[32])
{
	crypto_hash_sha256_state st;
	unsigned char md[32], t = (unsigned char)type;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &t, 1);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, md);
	return (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
}

/* Standard base64 (with padding) of p[0..n), in arena a. */
static char *b64_encode(arena *a, const uint8_t *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = arena_alloc(a, len);
	sodium_bin2base64(out, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* Decode all of the standard base64 s[0..n) into out (room for max bytes);
** returns the number of bytes, or -1 when s is not base64 of at most max
** bytes (libsodium also refuses non-zero padding bits, which Go allows). */
static long b64_decode(const char *s, size_t n, uint8_t *out, size_t max)
{
	size_t len = 0;
	if (!n ||
	    sodium_base642bin(out, max, s, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL))
		return -1;
	return (long)len;
}

/* Length of text without its trailing spaces, tabs and newlines. */
static size_t trimmed_len(const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ' ||
		     text[n - 1] == '\t'))
		n--;
	return n;
}

/* Split the "+"-separated key text t[0..n) after the name (already taken):
** "hex8" "+" base64 of type || 32 key bytes.  Sets *id, *type and key;
** returns 0 or NOTE_ERR_MALFORMED. */
static int parse_id_and_key(const char *t, size_t n, uint32_t *id, int *type, uint8_t key[32])
{
	const char *plus = memchr(t, '+', n);
	if (!plus || plus - t != 8)
		return NOTE_ERR_MALFORMED;
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = t[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0) /* Go's ParseUint takes capitals too; we write lower case */
			d = c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return NOTE_ERR_MALFORMED;
		v = v << 4 | (uint32_t)d;
	}
	uint8_t raw[40];
	const char *b64 = plus + 1;
	if (b64_decode(b64, n - 9, raw, sizeof raw) != 33)
		return NOTE_ERR_MALFORMED;
	*id = v;
	*type = raw[0];
	memcpy(key, raw + 1, 32);
	sodium_memzero(raw, sizeof raw);
	return (*type == NOTE_ED25519 || *type == NOTE_COSIGNATURE_V1) ? NOTE_OK
								       : NOTE_ERR_MALFORMED;
}

int note_verifier_parse(arena *a, const char *text, struct note_verifier *v)
{
	size_t n = trimmed_len(text);
	/* the name ends at the first "+", the key ID at the second: the
	** base64 after it may hold more */
	const char *plus = memchr(text, '+', n);
	if (!plus)
		return NOTE_ERR_MALFORMED;
	char *name = arena_strndup(a, text, (size_t)(plus - text));
	if (!note_name_valid(name))
		return NOTE_ERR_MALFORMED;
	struct note_verifier k = {.name = name};
	size_t rest = n - (size_t)(plus + 1 - text);
	if (parse_id_and_key(plus + 1, rest, &k.key_id, &k.type, k.pub) ||
	    note_key_id(name, k.type, k.pub) != k.key_id)
		return NOTE_ERR_MALFORMED;
	*v = k;
	return NOTE_OK;
}

char *note_verifier_format(arena *a, const struct note_verifier *v)
{
	uint8_t raw[33];
	raw[0] = (uint8_t)v->type;
	memcpy(raw + 1, v->pub, 32);
	return arena_printf(a, "%s+%08" PRIx32 "+%s", v->name, v->key_id, b64_encode(a, raw, 33));
}

/* *s = the key of type type for name (already in the arena) from seed. */
static int signer_make(const char *name, int type, const uint8_t seed[32], struct note_signer *s)
{
	if (!note_name_valid(name) || (type != NOTE_ED25519 && type != NOTE_COSIGNATURE_V1))
		return NOTE_ERR_MALFORMED;
	sodium_ready();
	s->name = name;
	s->type = type;
	crypto_sign_seed_keypair(s->pub, s->sk, seed);
	s->key_id = note_key_id(name, type, s->pub);
	return NOTE_OK;
}

int note_signer_parse(arena *a, const char *text, struct note_signer *s)
{
	static const char head[] = "PRIVATE+KEY+";
	size_t n = trimmed_len(text);
	if (n < sizeof head - 1 || memcmp(text, head, sizeof head - 1))
		return NOTE_ERR_MALFORMED;
	text += sizeof head - 1;
	n -= sizeof head - 1;
	const char *plus = memchr(text, '+', n);
	if (!plus)
		return NOTE_ERR_MALFORMED;
	char *name = arena_strndup(a, text, (size_t)(plus - text));
	uint32_t id;
	int type;
	uint8_t seed[32];
	size_t rest = n - (size_t)(plus + 1 - text);
	int rc = parse_id_and_key(plus + 1, rest, &id, &type, seed);
	if (rc == NOTE_OK)
		rc = signer_make(name, type, seed, s);
	/* the key ID is the public key's: a wrong one is a damaged key text */
	if (rc == NOTE_OK && s->key_id != id) {
		note_signer_wipe(s);
		rc = NOTE_ERR_MALFORMED;
	}
	sodium_memzero(seed, sizeof seed);
	return rc;
}

int note_signer_format(const struct note_signer *s, char *out, size_t size)
{
	uint8_t raw[33];
	char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
	raw[0] = (uint8_t)s->type;
	memcpy(raw + 1, s->sk, 32); /* libsodium's secret key starts with the seed */
	sodium_bin2base64(b64, sizeof b64, raw, 33, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(out, size, "PRIVATE+KEY+%s+%08" PRIx32 "+%s", s->name, s->key_id, b64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int note_signer_from_seed(arena *a, const char *name, int type, const uint8_t seed[32],
			  struct note_signer *s)
{
	return signer_make(arena_strdup(a, name), type, seed, s);
}

int note_signer_generate(arena *a, const char *name, int type, struct note_signer *s)
{
	uint8_t seed[32];
	sodium_ready();
	randombytes_buf(seed, sizeof seed);
	int rc = note_signer_from_seed(a, name, type, seed, s);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

void note_signer_verifier(const struct note_signer *s, struct note_verifier *v)
{
	v->name = s->name;
	v->key_id = s->key_id;
	v->type = s->type;
	memcpy(v->pub, s->pub, 32);
}

void note_signer_wipe(struct note_signer *s)
{
	sodium_memzero(s->sk, sizeof s->sk);
}

/* ---- signing and opening ------------------------------------------------------ */

/* The message a cosignature/v1 signs: its header, then text[0..len). */
static char *cosigned_message(arena *a, const char *text, size_t len, uint64_t timestamp, size_t *n)
{
	char head[64];
	int h = snprintf(head, sizeof head, "cosignature/v1\ntime %" PRIu64 "\n", timestamp);
	char *m = arena_alloc(a, (size_t)h + len + 1);
	memcpy(m, head, (size_t)h);
	memcpy(m + h, text, len);
	*n = (size_t)h + len;
	return m;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int note_signature_line(arena *a, const char *text, const struct note_signer *s, uint64_t timestamp,
			char **line)
{
	size_t len = strlen(text);
	if (!note_text_valid(text, len) || !note_name_valid(s->name))
		return NOTE_ERR_MALFORMED;
	sodium_ready();
	uint8_t blob[4 + 8 + 64];
	size_t nblob = 4;
	put_be32(blob, s->key_id);
	const char *msg = text;
	size_t nmsg = len;
	if (s->type == NOTE_COSIGNATURE_V1) {
		put_be64(blob + 4, timestamp);
		nblob += 8;
		msg = cosigned_message(a, text, len, timestamp, &nmsg);
	}
	crypto_sign_detached(blob + nblob, NULL, (const unsigned char *)msg, nmsg, s->sk);
	nblob += 64;
	*line = arena_printf(a, "%s%s %s\n", sig_prefix, s->name, b64_encode(a, blob, nblob));
	return NOTE_OK;
}

int note_sign(arena *a, const char *text, const struct note_signer *signers, int n,
	      uint64_t timestamp, char **out)
{
	int rc = NOTE_OK;
	buf b = {0};
	if (n < 1) {
		rc = NOTE_ERR_MALFORMED;
		goto out;
	}
	buf_puts(&b, text);
	buf_puts(&b, "\n");
	for (int i = 0; i < n; i++) {
		char *line;
		if ((rc = note_signature_line(a, text, &signers[i], timestamp, &line)))
			goto out;
		buf_puts(&b, line);
	}
	*out = arena_strndup(a, b.p, b.len);
out:
	buf_free(&b);
	return rc;
}

/* Check one signature line's blob (key ID already matched) for key k over
** text[0..len); sets *timestamp for a cosignature.  1 verified, else 0. */
static int verify_blob(arena *a, const struct note_verifier *k, const uint8_t *blob, size_t n,
		       const char *text, size_t len, uint64_t *timestamp)
{
	if (k->type == NOTE_ED25519)
		return n == 4 + 64 && !crypto_sign_verify_detached(
					      blob + 4, (const unsigned char *)text, len, k->pub);
	if (n != 4 + 8 + 64)
		return 0;
	*timestamp = get_be64(blob + 4);
	size_t nmsg;
	const char *msg = cosigned_message(a, text, len, *timestamp, &nmsg);
	return !crypto_sign_verify_detached(blob + 12, (const unsigned char *)msg, nmsg, k->pub);
}

int note_open(arena *a, const char *msg, size_t len, const struct note_verifier *keys, int n,
	      struct note_opened *out)
{
	if (!text_clean(msg, len, 1))
		return NOTE_ERR_MALFORMED;
	/* the signatures follow the last blank line */
	size_t split = len;
	for (size_t i = len; i-- > 1;)
		if (msg[i] == '\n' && msg[i - 1] == '\n') {
			split = i - 1;
			break;
		}
	if (split == len)
		return NOTE_ERR_MALFORMED;
	const char *sigs = msg + split + 2, *end = msg + len;
	if (sigs == end || end[-1] != '\n')
		return NOTE_ERR_MALFORMED;
	sodium_ready();

	struct note_opened o = {.text = arena_strndup(a, msg, split + 1), .text_len = split + 1};
	o.sigs = arena_alloc(a, NOTE_MAX_SIGNATURES * sizeof *o.sigs);
	int bad = 0;
	while (sigs < end) {
		const char *nl = memchr(sigs, '\n', (size_t)(end - sigs));
		size_t linelen = (size_t)(nl - sigs);
		if (o.nsigs == NOTE_MAX_SIGNATURES || linelen < SIG_PREFIX_LEN ||
		    memcmp(sigs, sig_prefix, SIG_PREFIX_LEN))
			return NOTE_ERR_MALFORMED;
		const char *name = sigs + SIG_PREFIX_LEN;
		const char *space = memchr(name, ' ', (size_t)(nl - name));
		if (!space)
			return NOTE_ERR_MALFORMED;
		struct note_sig *s = &o.sigs[o.nsigs++];
		s->name = arena_strndup(a, name, (size_t)(space - name));
		s->line = arena_strndup(a, sigs, linelen + 1);
		s->key = -1;
		size_t nb64 = (size_t)(nl - space - 1), max = nb64 / 4 * 3 + 3;
		uint8_t *blob = arena_alloc(a, max);
		long nblob = b64_decode(space + 1, nb64, blob, max);
		if (!note_name_valid(s->name) || nblob < 5)
			return NOTE_ERR_MALFORMED;
		s->key_id = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
			    (uint32_t)blob[2] << 8 | blob[3];
		for (int k = 0; k < n && s->key < 0; k++) {
			if (keys[k].key_id != s->key_id || strcmp(keys[k].name, s->name))
				continue;
			if (!verify_blob(a, &keys[k], blob, (size_t)nblob, o.text, o.text_len,
					 &s->timestamp))
				bad = 1; /* the lines after are still checked for form */
			s->key = k;
		}
		if (s->key >= 0 && !bad)
			o.nverified++;
		sigs = nl + 1;
	}
	*out = o;
	if (bad)
		return NOTE_ERR_BAD_SIGNATURE;
	return o.nverified ? NOTE_OK : NOTE_ERR_UNVERIFIED;
}

/* ---- checkpoints ------------------------------------------------------------------ */

/* A decimal without sign or leading zeros ("0" itself allowed), in
** s[0..n), into *v.  Returns 0, or -1 when it is not one or overflows. */
static int parse_decimal(const char *s, size_t n, uint64_t *v)
{
	if (!n || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* 1 when s is "" or lines that are each non-empty and end in "\n" (and no
** control character), else 0. */
static int extensions_valid(const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return 1;
	if (!note_text_valid(s, n) || s[0] == '\n' || strstr(s, "\n\n"))
		return 0;
	return 1;
}

int checkpoint_parse(arena *a, const char *text, size_t len, struct checkpoint *c)
{
	if (!note_text_valid(text, len))
		return NOTE_ERR_MALFORMED;
	const char *end = text + len, *line[3];
	size_t linelen[3];
	const char *p = text;
	for (int i = 0; i < 3; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NOTE_ERR_MALFORMED;
		line[i] = p;
		linelen[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	struct checkpoint k = {0};
	uint8_t root[33];
	if (!linelen[0] || parse_decimal(line[1], linelen[1], &k.size) || linelen[2] != 44 ||
	    b64_decode(line[2], 44, root, sizeof root) != 32)
		return NOTE_ERR_MALFORMED;
	k.origin = arena_strndup(a, line[0], linelen[0]);
	k.extensions = arena_strndup(a, p, (size_t)(end - p));
	if (!extensions_valid(k.extensions))
		return NOTE_ERR_MALFORMED;
	memcpy(k.root, root, 32);
	*c = k;
	return NOTE_OK;
}

char *checkpoint_format(arena *a, const struct checkpoint *c)
{
	const char *ext = c->extensions ? c->extensions : "";
	if (!c->origin || !*c->origin || !text_clean(c->origin, strlen(c->origin), 0) ||
	    !extensions_valid(ext))
		return NULL;
	return arena_printf(a, "%s\n%" PRIu64 "\n%s\n%s", c->origin, c->size,
			    b64_encode(a, c->root, 32), ext);
}

/* ---- the key file and the signing log ---------------------------------------------- */

/* Write all of p[0..n) to fd; 0, or -1 with errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read from fd into p until end of file or max bytes, *n the count; 0,
** or -1 with errno. */
static int read_up_to(int fd, char *p, size_t max, size_t *n)
{
	*n = 0;
	while (*n < max) {
		ssize_t k = read(fd, p + *n, max - *n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		*n += (size_t)k;
	}
	return 0;
}

/* fsync the directory that holds path, so that a new name in it lasts. */
static int fsync_dir_of(arena *a, const char *path)
{
	char *dir = arena_strdup(a, path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		dir = ".";
	else if (slash == dir)
		dir = "/";
	else
		*slash = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

int note_key_create(arena *a, const char *path, const char *name, struct note_signer *s)
{
	int rc = NOTE_OK, fd = -1;
	size_t size = strlen(name) + 128;
	char *text = malloc(size); /* not the arena: wiped and freed here */
	char *tmp = arena_printf(a, "%s.tmp.XXXXXX", path);
	int linked = 0;
	if (!text)
		abort();
	if ((rc = note_signer_generate(a, name, NOTE_ED25519, s)))
		goto out;
	int n = note_signer_format(s, text, size - 1);
	if (n < 0) {
		rc = NOTE_ERR_MALFORMED;
		goto out;
	}
	text[n++] = '\n';
	/* mkstemp: O_EXCL and mode 0600 */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		tmp = NULL;
		rc = NOTE_ERR_IO;
		goto out;
	}
	if (fchmod(fd, 0600) || write_all(fd, text, (size_t)n) || fsync(fd)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	/* link, not rename: rename would replace a key that exists */
	if (link(tmp, path)) {
		rc = errno == EEXIST ? NOTE_ERR_EXISTS : NOTE_ERR_IO;
		goto out;
	}
	linked = 1;
	if (fsync_dir_of(a, path))
		rc = NOTE_ERR_IO;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
	}
	if (rc && !linked)
		note_signer_wipe(s);
	sodium_memzero(text, size);
	free(text);
	return rc;
}

int note_key_read(arena *a, const char *path, struct note_signer *s)
{
	int rc = NOTE_OK;
	char text[4096];
	size_t n = 0;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	if (st.st_mode & 077) {
		rc = NOTE_ERR_KEY_MODE;
		goto out;
	}
	if (read_up_to(fd, text, sizeof text - 1, &n)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	if (n == sizeof text - 1) { /* no key text is that long */
		rc = NOTE_ERR_MALFORMED;
		goto out;
	}
	text[n] = 0;
	rc = note_signer_parse(a, text, s);
out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(text, sizeof text);
	return rc;
}

char *note_log_path(arena *a, const char *keypath)
{
	return arena_printf(a, "%s.log", keypath);
}

int note_sign_logged(arena *a, const char *keypath, const char *text, const struct note_signer *s,
		     char **out)
{
	int rc, fd = -1;
	char *note;
	struct stat st;
	if ((rc = note_sign(a, text, s, 1, 0, &note)))
		goto out;
	const char *path = note_log_path(a, keypath);
	size_t len = strlen(note);
	char *record = arena_printf(a, "signed %" PRId64 " %zu\n%s", now_unix(), len, note);
	/* one write under an exclusive lock: two signers never interleave */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(fd, LOCK_EX) || fstat(fd, &st)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	if (write_all(fd, record, strlen(record))) {
		int saved = errno;
		if (ftruncate(fd, st.st_size)) /* take back what went in */
			saved = errno;
		errno = saved;
		rc = NOTE_ERR_IO;
		goto out;
	}
	if (fsync(fd) || (st.st_size == 0 && fsync_dir_of(a, path))) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	*out = note;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int note_log_read(arena *a, const char *keypath,
		  int (*each)(void *ctx, int64_t signed_at, const char *note, size_t len),
		  void *ctx)
{
	int rc = NOTE_OK;
	struct stat st;
	char *data = NULL;
	size_t n = 0;
	int fd = open(note_log_path(a, keypath), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? NOTE_OK : NOTE_ERR_IO;
		goto out;
	}
	if (fstat(fd, &st)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	data = arena_alloc(a, (size_t)st.st_size + 1);
	if (read_up_to(fd, data, (size_t)st.st_size, &n)) {
		rc = NOTE_ERR_IO;
		goto out;
	}
	/* records: "signed <time> <length>\n" then length bytes of note */
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		long long when;
		size_t len;
		int used = 0;
		if (!nl || sscanf(p, "signed %lld %zu%n", &when, &len, &used) != 2 ||
		    p + used != nl || len > (size_t)(end - nl - 1) || !len || nl[len] != '\n') {
			rc = NOTE_ERR_MALFORMED;
			goto out;
		}
		const char *note = arena_strndup(a, nl + 1, len);
		if ((rc = each(ctx, (int64_t)when, note, len)))
			goto out;
		p = nl + 1 + len;
	}
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
