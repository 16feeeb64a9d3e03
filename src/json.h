/*
** json.h — a typed JSON writer over a plain buffer (jansson parses request
** bodies; nothing writes JSON by hand).  Commas are placed by the writer:
** callers open objects/arrays, write keys and values, and close them.
**     struct json_writer w;
**     jw_begin(&w, &b); jw_obj(&w, NULL);
**       jw_str(&w, "code", h->code); jw_int(&w, "balance", b);
**     jw_end_obj(&w);
** The response writer of api.h (json_begin(r) ... json_send(r, 200)) is
** this writer over the response body; audit rows and the CLI use it on
** their own buffers.  No HTTP here.
*/
#ifndef JIFEN_JSON_H
#define JIFEN_JSON_H
#include <stdint.h>

#include "util.h"

/* Where a document is being written, and per nesting level whether a value
** has been written there yet (the writer's only state). */
struct json_writer {
	buf *b;
	int depth;
	unsigned char first[32];
};

/* Start a document appended to b (which is not emptied). */
void jw_begin(struct json_writer *w, buf *b);
/* key is NULL inside arrays and for the outermost value. */
void jw_obj(struct json_writer *w, const char *key);
void jw_end_obj(struct json_writer *w);
void jw_arr(struct json_writer *w, const char *key);
void jw_end_arr(struct json_writer *w);
void jw_str(struct json_writer *w, const char *key, const char *v); /* NULL writes null */
void jw_int(struct json_writer *w, const char *key, int64_t v);
void jw_bool(struct json_writer *w, const char *key, int v);
void jw_null(struct json_writer *w, const char *key);

/* Append s as a JSON string literal (quoted, escaped) to b. */
void json_quote(buf *b, const char *s);

#endif
