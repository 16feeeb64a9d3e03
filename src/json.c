/*
** json.c — the typed JSON writer of json.h, over a plain buffer.  It tracks,
** per nesting level, whether a value has been written yet, so that callers
** never place commas.
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

void jw_begin(struct json_writer *w, buf *b)
{
	w->b = b;
	w->depth = 0;
	w->first[0] = 1;
}

/* Comma and key before a value at the current level. */
static void prefix(struct json_writer *w, const char *key)
{
	int d = w->depth;
	if (!w->first[d])
		buf_append(w->b, ",", 1);
	w->first[d] = 0;
	if (key) {
		json_quote(w->b, key);
		buf_append(w->b, ":", 1);
	}
}

static void open_level(struct json_writer *w, const char *key, const char *c)
{
	prefix(w, key);
	buf_puts(w->b, c);
	if (w->depth + 1 < (int)sizeof w->first)
		w->depth++;
	w->first[w->depth] = 1;
}

static void close_level(struct json_writer *w, const char *c)
{
	buf_puts(w->b, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct json_writer *w, const char *key) { open_level(w, key, "{"); }
void jw_end_obj(struct json_writer *w) { close_level(w, "}"); }
void jw_arr(struct json_writer *w, const char *key) { open_level(w, key, "["); }
void jw_end_arr(struct json_writer *w) { close_level(w, "]"); }

void jw_str(struct json_writer *w, const char *key, const char *v)
{
	prefix(w, key);
	if (v)
		json_quote(w->b, v);
	else
		buf_puts(w->b, "null");
}

void jw_int(struct json_writer *w, const char *key, int64_t v)
{
	prefix(w, key);
	buf_int(w->b, v, 0);
}

void jw_bool(struct json_writer *w, const char *key, int v)
{
	prefix(w, key);
	buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct json_writer *w, const char *key)
{
	prefix(w, key);
	buf_puts(w->b, "null");
}
