/*
** fuzz_json_body.c — libFuzzer target for JSON request bodies: jansson's
** json_loadb() on the body exactly as the API receives it (length-bounded,
** not NUL-terminated), with the flags an API handler would pass, and the
** typed reads handlers do on the result.  jansson is a library, not our
** code, but it is the path every JSON body takes, so it is fuzzed here.
**
** Also json.c's writer: json_quote() of the input as a string, parsed
** back by jansson, must give the same string (for valid UTF-8, which is
** all jansson accepts), so no text can break out of a JSON string.
**
** Checked: a document that loads dumps and loads again to an equal value.
*/
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

/* From json.h, which cannot be included next to jansson.h: both declare a
** json_null(). */
void json_quote(buf *b, const char *s);

/* Walk v the way handlers read bodies: objects by key, typed values. */
static void walk(json_t *v, int depth)
{
	if (depth > 64)
		return;
	if (json_is_object(v)) {
		const char *key;
		json_t *val;
		json_object_foreach (v, key, val) {
			CHECK(key != NULL);
			CHECK(json_object_get(v, key) == val);
			walk(val, depth + 1);
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			walk(json_array_get(v, i), depth + 1);
	} else if (json_is_string(v)) {
		CHECK(strlen(json_string_value(v)) <= json_string_length(v));
	} else if (json_is_integer(v)) {
		(void)json_integer_value(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t flags[] = {0, JSON_REJECT_DUPLICATES, JSON_DECODE_ANY};
	for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
		json_error_t err;
		json_t *root = json_loadb((const char *)data, size, flags[f], &err);
		if (!root)
			continue;
		walk(root, 0);
		char *dump = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
		CHECK(dump != NULL);
		json_t *again = json_loads(dump, JSON_DECODE_ANY, &err);
		CHECK(again != NULL);
		CHECK(json_equal(root, again));
		json_decref(again);
		free(dump);
		json_decref(root);
	}

	/* json_quote round trip on the input as a string (cut at a NUL) */
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	buf b = {0};
	json_quote(&b, s);
	json_error_t err;
	json_t *str = json_loadb(b.p, b.len, JSON_DECODE_ANY, &err);
	if (json_is_string(str))
		CHECK(!strcmp(json_string_value(str), s));
	else
		CHECK(!text_is_clean(s, 1) || str == NULL); /* only invalid UTF-8 fails */
	json_decref(str);
	buf_free(&b);
	free(s);
	return 0;
}
