/*
** fuzz_multipart.c — libFuzzer target for http.c's multipart/form-data
** parser (CSV and photo uploads), parse_multipart(), which also exercises
** header_attr() on the Content-Type and on every part's headers.
**
** Each input is parsed twice: whole, as the body of a request whose
** Content-Type is fixed (boundary "----jifenfuzz"); and, when it has a
** line feed in its first 512 bytes, split there into a Content-Type of the
** fuzzer's choosing and the body after it.  The seed corpus starts every
** file with the fixed Content-Type line, so both ways find real parts.
**
** Checked: an error comes with no parameters and a parse without error
** sets no message; every part has a name and a NUL-terminated value no
** longer than the body, and a field that is not a file is well-formed
** UTF-8 without NUL (text_scrub()); with the known boundary, no part's value contains
** the delimiter that should have ended it.
*/
#include <string.h>

#include "fuzz.h"
#include "http.h"

static const char FIXED_CTYPE[] = "multipart/form-data; boundary=----jifenfuzz";
static const char FIXED_DELIM[] = "\r\n------jifenfuzz";

/* Parse body under ctype and check the result; delim is the part delimiter
** when known, else NULL. */
static void parse_and_check(const char *ctype, const char *body, size_t n, const char *delim)
{
	arena *a = arena_new();
	const char *err = "unset";
	struct param *params = parse_multipart(a, ctype, body, n, &err);
	if (err)
		CHECK(params == NULL && *err);
	for (struct param *p = params; p; p = p->next) {
		CHECK(p->name && p->value);
		CHECK(p->len <= n);
		CHECK(p->value[p->len] == 0);
		if (delim)
			CHECK(!memmem(p->value, p->len, delim, strlen(delim)));
		if (p->filename)
			CHECK(strlen(p->filename) <= n);
		else /* a form field is text: no NUL, well-formed UTF-8 */
			CHECK(strlen(p->value) == p->len && ref_utf8_text(p->value, p->len));
		if (p->content_type)
			CHECK(strlen(p->content_type) <= n);
	}
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	parse_and_check(FIXED_CTYPE, in, size, FIXED_DELIM);

	const char *nl = memchr(in, '\n', size < 512 ? size : 512);
	if (nl) {
		arena *a = arena_new();
		/* the header value as libmicrohttpd gives it: a C string */
		char *ctype = arena_strndup(a, in, (size_t)(nl - in));
		parse_and_check(ctype, nl + 1, size - (size_t)(nl + 1 - in), NULL);
		arena_free(a);
	}
	return 0;
}
