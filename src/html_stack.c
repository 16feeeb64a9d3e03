/*
** html_stack.c — labels for tables on a phone.  At phone width the
** stylesheet stacks each row's cells one under the other and hides the
** header row, so a cell must carry its column's name itself or it is a
** bare number ("9 / 9", a lone "4").  Rather than every page writing
** data-label="…" into every cell (and every new page forgetting it), the
** page frame passes its finished HTML through html_table_labels(), which
** copies each column's <thead> text into data-label on the cells below
** it.  The input is the page's own markup from html.c's writer (every
** attribute quoted, text escaped), so a small scanner is enough; a table
** without a <thead> (key/value lists with <th scope="row">) is left alone.
*/
#include "html.h"

#include <string.h>

enum { LABEL_COLS = 32, LABEL_MAX = 96 };

/* The end of the tag starting at p (the '>'), or NULL. */
static const char *tag_end(const char *p, const char *end)
{
	return memchr(p, '>', (size_t)(end - p));
}

/* The first s in [p, end), or NULL: the buffer is not NUL-terminated. */
static const char *find(const char *p, const char *end, const char *s)
{
	return p < end ? memmem(p, (size_t)(end - p), s, strlen(s)) : NULL;
}

/* The value of numeric attribute name in the tag [p, e), or 1. */
static int span_of(const char *p, const char *e, const char *name)
{
	size_t n = strlen(name);
	for (const char *q = p; q + n + 2 < e; q++)
		if (!memcmp(q, name, n) && q[n] == '=' && q[n + 1] == '"') {
			int v = 0;
			for (q += n + 2; q < e && *q >= '0' && *q <= '9'; q++)
				v = v * 10 + (*q - '0');
			return v > 0 && v < LABEL_COLS ? v : 1;
		}
	return 1;
}

/* The text of [p, e) without tags and with runs of space folded, into
** out (at most LABEL_MAX bytes, cut at a character boundary). */
static void text_of(const char *p, const char *e, char *out)
{
	size_t n = 0;
	int intag = 0, cut = 0;
	for (; p < e; p++) {
		if (*p == '<')
			intag = 1;
		else if (*p == '>')
			intag = 0;
		else if (!intag && *p != '\n' && *p != '"') {
			if (n + 1 >= LABEL_MAX) {
				cut = 1;
				break;
			}
			out[n++] = *p;
		}
	}
	if (cut) { /* do not end inside a UTF-8 sequence */
		while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)out[n - 1] & 0x80))
			n--;
	}
	out[n] = 0;
}

/* Is [p, ...) the tag "<name" followed by '>' or a space? */
static int is_tag(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);
	return p + n + 1 < end && !memcmp(p, name, n) && (p[n] == '>' || p[n] == ' ');
}

/* Labels one table [p, e) into out; p at "<table". */
static void label_table(buf *out, const char *p, const char *e)
{
	char labels[LABEL_COLS][LABEL_MAX];
	int ncol = 0;
	const char *thead = NULL, *thead_end = NULL;
	for (const char *q = p; q < e; q++)
		if (*q == '<' && is_tag(q, e, "<thead")) {
			thead = q;
			break;
		}
	if (thead) {
		thead_end = find(thead, e, "</thead>");
	}
	if (!thead || !thead_end) {
		buf_append(out, p, (size_t)(e - p));
		return;
	}
	/* the header's first row gives the columns */
	for (const char *q = thead; q < thead_end && ncol < LABEL_COLS; q++) {
		if (*q != '<' || !is_tag(q, thead_end, "<th"))
			continue;
		const char *ge = tag_end(q, thead_end), *close = ge ? find(ge, thead_end, "</th>") : NULL;
		if (!ge || !close)
			break;
		int span = span_of(q, ge, "colspan");
		text_of(ge + 1, close, labels[ncol]);
		for (int k = 1; k < span && ncol + k < LABEL_COLS; k++)
			memcpy(labels[ncol + k], labels[ncol], LABEL_MAX);
		ncol += span;
		if (find(ge, close, "</tr>"))
			break;
		q = close;
	}
	buf_append(out, p, (size_t)(thead_end - p));
	int col = 0;
	const char *q = thead_end, *copied = thead_end;
	while (q < e) {
		const char *lt = memchr(q, '<', (size_t)(e - q));
		if (!lt)
			break;
		if (is_tag(lt, e, "<tr")) {
			col = 0;
		} else if (is_tag(lt, e, "<td") || is_tag(lt, e, "<th")) {
			const char *ge = tag_end(lt, e);
			if (!ge)
				break;
			if (col < ncol && *labels[col] && lt[1] == 't' && lt[2] == 'd' &&
			    !memmem(lt, (size_t)(ge - lt), "data-label", 10)) {
				buf_append(out, copied, (size_t)(lt + 3 - copied));
				buf_puts(out, " data-label=\"");
				buf_puts(out, labels[col]);
				buf_puts(out, "\"");
				copied = lt + 3;
			}
			col += span_of(lt, ge, "colspan");
			q = ge;
			continue;
		}
		q = lt + 1;
	}
	buf_append(out, copied, (size_t)(e - copied));
}

void html_table_labels(buf *b)
{
	if (!b->p || !memmem(b->p, b->len, "<thead", 6))
		return;
	buf out = {0};
	const char *p = b->p, *end = b->p + b->len;
	for (;;) {
		const char *t = find(p, end, "<table");
		const char *te = t ? find(t, end, "</table>") : NULL;
		if (!t || !te) {
			buf_append(&out, p, (size_t)(end - p));
			break;
		}
		buf_append(&out, p, (size_t)(t - p));
		label_table(&out, t, te);
		p = te;
	}
	buf_free(b);
	*b = out;
}
