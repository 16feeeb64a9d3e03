/*
** fuzz_html.c — libFuzzer target for html.c's escaping writer: html() with
** hostile %s and %c arguments into a struct req with its own arena, and
** html_escape().
**
** Checked: what an argument contributes to the page is exactly its
** escaping by the rules of html.h (& < > " ' as entities, nothing else
** changed), so a '<' or a quote from the argument never appears raw; the
** precision of %.Ns cuts the argument before escaping; the conversions
** around a %s still take their own arguments in order.
*/
#include <string.h>

#include "fuzz.h"
#include "html.h"

/* The escaping html.h promises, written out independently. */
static void ref_escape(buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_append(b, &s[i], 1);
		}
	}
}

/* r's output so far equals want; both are then emptied. */
static void expect(struct req *r, buf *want)
{
	CHECK(r->out.len == want->len);
	CHECK(!want->len || !memcmp(r->out.p, want->p, want->len));
	r->out.len = 0;
	want->len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r = {0};
	r.a = arena_new();
	buf want = {0};
	const char *s = arena_strndup(r.a, (const char *)data, size); /* cut at a NUL */
	size_t n = strlen(s);

	/* the argument alone: no markup character survives */
	html(&r, "%s", s);
	ref_escape(&want, s, n);
	for (size_t i = 0; i < r.out.len; i++)
		CHECK(!strchr("<>\"'", r.out.p[i]));
	expect(&r, &want);

	/* in an attribute and in text, between other conversions */
	html(&r, "<a title=\"%s\" data-n=\"%d\">%s</a>%zu|%lld|%c", s, -42, s, n,
	     (long long)size * -1000000007LL, size ? data[0] : 'x');
	buf_puts(&want, "<a title=\"");
	ref_escape(&want, s, n);
	buf_puts(&want, "\" data-n=\"-42\">");
	ref_escape(&want, s, n);
	buf_printf(&want, "</a>%zu|%lld|", n, (long long)size * -1000000007LL);
	char c = (char)(size ? data[0] : 'x');
	if (c)
		ref_escape(&want, &c, 1);
	/* %c of a NUL writes nothing: snprintf's string ends at it */
	expect(&r, &want);

	/* a precision cuts the argument before it is escaped */
	html(&r, "[%.3s][%.0s]", s, s);
	buf_puts(&want, "[");
	ref_escape(&want, s, n < 3 ? n : 3);
	buf_puts(&want, "][]");
	expect(&r, &want);

	/* html_escape() agrees with html("%s") */
	char *e = html_escape(r.a, s);
	ref_escape(&want, s, n);
	CHECK(strlen(e) == want.len && !memcmp(e, want.p, want.len));
	want.len = 0;

	buf_free(&want);
	buf_free(&r.out);
	arena_free(r.a);
	return 0;
}
