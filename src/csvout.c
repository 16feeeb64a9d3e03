/*
** csvout.c — the CSV writer of every export (see csvout.h).
*/
#include "csvout.h"

#include <string.h>

void csv_begin(struct csv_out *w, const char *eol)
{
	memset(w, 0, sizeof *w);
	w->eol = eol;
}

void csv_literal(struct csv_out *w, const char *s)
{
	buf_puts(&w->b, s);
}

int csv_needs_guard(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) != NULL;
}

void csv_text(struct csv_out *w, const char *s)
{
	if (w->col++)
		buf_append(&w->b, ",", 1);
	if (!s)
		return;
	int guard = csv_needs_guard(s);
	if (!guard && !strpbrk(s, ",\"\r\n")) {
		buf_puts(&w->b, s);
		return;
	}
	buf_puts(&w->b, guard ? "\"'" : "\"");
	for (const char *p = s; *p;) {
		const char *q = strchr(p, '"');
		size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
		buf_append(&w->b, p, n);
		if (q)
			buf_append(&w->b, "\"", 1);
		p += n;
	}
	buf_append(&w->b, "\"", 1);
}

void csv_int(struct csv_out *w, int64_t v)
{
	if (w->col++)
		buf_append(&w->b, ",", 1);
	buf_int(&w->b, v, 0);
}

/* Hand b's bytes to the flush function and empty b. */
static void hand_on(struct csv_out *w)
{
	if (!w->flush || !w->b.len)
		return;
	if (!w->failed && w->flush(w->arg, w->b.p, w->b.len))
		w->failed = 1;
	w->b.len = 0;
}

void csv_row_end(struct csv_out *w)
{
	buf_puts(&w->b, w->eol);
	w->col = 0;
	if (w->b.len > CSV_CHUNK)
		hand_on(w);
}

int csv_finish(struct csv_out *w)
{
	hand_on(w);
	buf_free(&w->b);
	return w->failed ? -1 : 0;
}
