/*
** fuzz_urlencoded.c — libFuzzer target for http.c's decoding of query
** strings and application/x-www-form-urlencoded bodies: parse_urlencoded()
** on the input as a body (not NUL-terminated, as libmicrohttpd hands it
** over), and url_decode() / url_encode() on the input as a string.
**
** Checked: every parameter has a name and a NUL-terminated value no longer
** than the body, both well-formed UTF-8 without NUL (text_scrub()); there are no more parameters than '&'-separated pieces;
** decoding never lengthens a string, is the identity on text without '%'
** and '+', and undoes url_encode() exactly.
*/
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *body = (const char *)data;

	size_t pieces = 1;
	for (size_t i = 0; i < size; i++)
		pieces += body[i] == '&';
	size_t nparams = 0;
	for (struct param *p = parse_urlencoded(a, body, size); p; p = p->next) {
		CHECK(p->name && p->value);
		CHECK(strlen(p->name) <= size);
		CHECK(p->len <= size);
		CHECK(p->value[p->len] == 0);
		CHECK(!p->filename && !p->content_type);
		/* names and values are text: no NUL, only well-formed UTF-8 */
		CHECK(strlen(p->value) == p->len && ref_utf8_text(p->value, p->len));
		CHECK(ref_utf8_text(p->name, strlen(p->name)));
		nparams++;
	}
	CHECK(nparams <= pieces);

	/* the input as a C string (cut at the first NUL) */
	char *s = arena_strndup(a, body, size);
	size_t n = strlen(s);
	for (int plus = 0; plus <= 1; plus++) {
		char *d = arena_strdup(a, s);
		size_t dl = url_decode(d, plus);
		CHECK(dl <= n);
		CHECK(memchr(d, 0, dl + 1) != NULL);
		if (!strpbrk(s, "%+"))
			CHECK(dl == n && !memcmp(d, s, n));
	}
	/* encoding then decoding gives the string back, whatever its bytes */
	char *enc = url_encode(a, s);
	CHECK(strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789-_.~%") == strlen(enc));
	size_t back = url_decode(enc, 1);
	CHECK(back == n && !memcmp(enc, s, n));

	arena_free(a);
	return 0;
}
