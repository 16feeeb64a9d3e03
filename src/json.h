/*
** json.h — a typed JSON writer into the response (jansson parses request
** bodies; nothing writes JSON by hand).  Commas are placed by the writer:
** callers open objects/arrays, write keys and values, and close them.
**     json_begin(r); json_obj(r, NULL);
**       json_str(r, "code", h->code); json_int(r, "balance", b);
**     json_end_obj(r); json_send(r, 200);
*/
#ifndef JIFEN_JSON_H
#define JIFEN_JSON_H

#include <stdint.h>
#include "http.h"

void json_begin(struct req *r);
/* key is NULL inside arrays and for the outermost value. */
void json_obj(struct req *r, const char *key);
void json_end_obj(struct req *r);
void json_arr(struct req *r, const char *key);
void json_end_arr(struct req *r);
void json_str(struct req *r, const char *key, const char *v); /* NULL writes null */
void json_int(struct req *r, const char *key, int64_t v);
void json_bool(struct req *r, const char *key, int v);
void json_null(struct req *r, const char *key);
/* Answer with the written document and this status. */
void json_send(struct req *r, int status);
/* Append s as a JSON string literal (quoted, escaped) to b. */
void json_quote(buf *b, const char *s);

#endif
