/*
** json.c — the typed JSON writer of json.h.  It tracks, per nesting level,
** whether a value has been written yet, so that callers never place commas.
*/
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_quote(buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	/* the common case, nothing to escape (the NUL ends the run): one copy
	** with its quotes — the quoting was a quarter of a balances answer */
	size_t n = 0;
	while (p[n] >= 0x20 && p[n] != '"' && p[n] != '\\' && p[n] != 0x7f)
		n++;
	if (!p[n]) {
		char *o = buf_space(b, n + 2);
		o[0] = '"';
		memcpy(o + 1, s, n);
		o[n + 1] = '"';
		return;
	}
	buf_append(b, "\"", 1);
	const unsigned char *start = p;
	for (; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			continue;
		buf_append(b, start, (size_t)(p - start));
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_printf(b, "\\u%04x", *p);
		}
		start = p + 1;
	}
	buf_append(b, start, (size_t)(p - start));
	buf_append(b, "\"", 1);
}

void json_begin(struct req *r)
{
	r->out.len = 0;
	r->jdepth = 0;
	r->jfirst[0] = 1;
}

/* Comma and key before a value at the current level. */
static void prefix(struct req *r, const char *key)
{
	int d = r->jdepth;
	if (!r->jfirst[d])
		buf_append(&r->out, ",", 1);
	r->jfirst[d] = 0;
	if (key) {
		json_quote(&r->out, key);
		buf_append(&r->out, ":", 1);
	}
}

static void open_level(struct req *r, const char *key, const char *c)
{
	prefix(r, key);
	buf_puts(&r->out, c);
	if (r->jdepth + 1 < (int)sizeof r->jfirst)
		r->jdepth++;
	r->jfirst[r->jdepth] = 1;
}

static void close_level(struct req *r, const char *c)
{
	buf_puts(&r->out, c);
	if (r->jdepth > 0)
		r->jdepth--;
}

void json_obj(struct req *r, const char *key) { open_level(r, key, "{"); }
void json_end_obj(struct req *r) { close_level(r, "}"); }
void json_arr(struct req *r, const char *key) { open_level(r, key, "["); }
void json_end_arr(struct req *r) { close_level(r, "]"); }

void json_str(struct req *r, const char *key, const char *v)
{
	prefix(r, key);
	if (v)
		json_quote(&r->out, v);
	else
		buf_puts(&r->out, "null");
}

void json_int(struct req *r, const char *key, int64_t v)
{
	prefix(r, key);
	buf_int(&r->out, v, 0);
}

void json_bool(struct req *r, const char *key, int v)
{
	prefix(r, key);
	buf_puts(&r->out, v ? "true" : "false");
}

void json_null(struct req *r, const char *key)
{
	prefix(r, key);
	buf_puts(&r->out, "null");
}

void json_send(struct req *r, int status)
{
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	r->answered = 1;
}
