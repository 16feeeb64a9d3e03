/*
** http_parse.c — the parsers of requests (http.h): URL encoding and
** decoding, urlencoded and multipart/form-data bodies, and the scrubbing
** that makes every parameter text, and serve's --listen address.  Pure
** functions over bytes (the fuzz targets call them directly); the
** libmicrohttpd glue is in http.c.
*/
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

/* What text_scrub() puts for a NUL or a byte that is not UTF-8: DEL, a
** control character every text check refuses. */
#define NOT_TEXT '\x7f'


size_t url_decode(char *s, int plus_is_space)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '+' && plus_is_space)
			*w++ = ' ';
		else if (*p == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
			*w++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
			p += 2;
		} else
			*w++ = *p;
	}
	*w = 0;
	return (size_t)(w - s);
}

/* Make the n bytes at s (a decoded parameter or URL) safe to read as one
** C string of UTF-8: a NUL, and each byte of a sequence that is not
** well-formed UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short),
** becomes NOT_TEXT.  Handlers read text as C strings, so "1%00x" would
** pass as "1"; and PostgreSQL answers a lookup of bytes that are not UTF-8
** with an error (a 500) where SQLite finds nothing.  With DEL in their
** place, a field's own check refuses the value with its message, and a
** lookup finds nothing, on both backends. */
void text_scrub(char *s, size_t n)
{
	unsigned char *p = (unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
			   : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		int ok = len && (size_t)(end - p) >= len;
		for (size_t i = 1; ok && i < len; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
			   (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			ok = 0;
		if (!ok || !c) {
			*p++ = (unsigned char)NOT_TEXT;
			continue;
		}
		p += len;
	}
}

char *url_encode(arena *a, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(a, 3 * n + 1), *w = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			*w++ = (char)*p;
		else {
			*w++ = '%';
			*w++ = hx[*p >> 4];
			*w++ = hx[*p & 15];
		}
	}
	*w = 0;
	return out;
}

struct param *parse_urlencoded(arena *a, const char *p, size_t n)
{
	struct param *head = NULL, **tail = &head;
	const char *end = p + n;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e > p) {
			const char *eq = memchr(p, '=', (size_t)(e - p));
			struct param *q = arena_alloc(a, sizeof *q);
			char *name = arena_strndup(a, p, (size_t)((eq ? eq : e) - p));
			char *val = eq ? arena_strndup(a, eq + 1, (size_t)(e - eq - 1))
				       : arena_strdup(a, "");
			text_scrub(name, url_decode(name, 1));
			q->len = url_decode(val, 1);
			text_scrub(val, q->len);
			q->name = name;
			q->value = val;
			*tail = q;
			tail = &q->next;
		}
		p = e + 1;
	}
	return head;
}

/* Find needle in hay[0..n) (binary safe). */
static const char *memmem_c(const char *hay, size_t n, const char *needle, size_t m)
{
	return memmem(hay, n, needle, m);
}

/* The value of attribute attr ("name", "filename", "boundary") in a header
** value like `form-data; name="x"; filename="a.csv"`; arena; NULL if none. */
static char *header_attr(arena *a, const char *h, size_t n, const char *attr)
{
	size_t alen = strlen(attr);
	const char *end = h + n;
	const char *p = h;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			break;
		p = semi + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > alen && !strncasecmp(p, attr, alen) && p[alen] == '=') {
			p += alen + 1;
			if (p < end && *p == '"') {
				const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
				if (!q)
					return NULL;
				return arena_strndup(a, p + 1, (size_t)(q - p - 1));
			}
			const char *q = p;
			while (q < end && *q != ';' && *q != ' ' && *q != '\r' && *q != '\n')
				q++;
			return arena_strndup(a, p, (size_t)(q - p));
		}
	}
	return NULL;
}

struct param *parse_multipart(arena *a, const char *ctype, const char *body, size_t n,
			      const char **err)
{
	*err = NULL;
	char *boundary = header_attr(a, ctype, strlen(ctype), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 200) {
		*err = "上传格式错误: 缺少分隔符";
		return NULL;
	}
	char *delim = arena_printf(a, "--%s", boundary);
	size_t dlen = strlen(delim);
	struct param *head = NULL, **tail = &head;
	const char *end = body + n;
	const char *p = memmem_c(body, n, delim, dlen);
	if (!p) {
		*err = "上传格式错误: 找不到分隔符";
		return NULL;
	}
	for (;;) {
		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return head; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			break;
		p += 2;
		/* part headers up to an empty line */
		const char *hend = memmem_c(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			break;
		char *name = NULL, *filename = NULL, *pctype = NULL;
		const char *h = p;
		while (h < hend + 2) {
			const char *eol = memmem_c(h, (size_t)(hend + 2 - h), "\r\n", 2);
			if (!eol)
				break;
			size_t hl = (size_t)(eol - h);
			if (hl > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
				name = header_attr(a, h, hl, "name");
				filename = header_attr(a, h, hl, "filename");
			} else if (hl > 13 && !strncasecmp(h, "Content-Type:", 13)) {
				const char *v = h + 13;
				while (*v == ' ')
					v++;
				pctype = arena_strndup(a, v, (size_t)(eol - v));
			}
			h = eol + 2;
		}
		const char *data = hend + 4;
		char *delim2 = arena_printf(a, "\r\n%s", delim);
		const char *next = memmem_c(data, (size_t)(end - data), delim2, dlen + 2);
		if (!next)
			break;
		if (name) {
			struct param *q = arena_alloc(a, sizeof *q);
			q->name = name;
			q->len = (size_t)(next - data);
			char *value = arena_strndup(a, data, q->len);
			if (!filename) /* files are bytes, read with len */
				text_scrub(value, q->len);
			q->value = value;
			q->filename = filename;
			q->content_type = pctype;
			*tail = q;
			tail = &q->next;
		}
		p = next + 2;
	}
	*err = "上传格式错误: 内容不完整";
	return NULL;
}

/* ---- the listening address --------------------------------------------------- */

int http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	/* digits only: strtol() alone took "HOST:" for port 0, " 80" and "+80" */
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	size_t hl = strlen(host);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = 0;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		*len = sizeof *s6;
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	*len = sizeof *s4;
	return 0;
}
