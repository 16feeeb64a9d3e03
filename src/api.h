/*
** api.h — the API kit: the JSON response writer (json.h's writer over the
** response body), JSON request bodies read with jansson, and the refusal
** and conflict answers every api_<area>.c gives the same way.
**
**     struct api_body b;
**     struct village *v = api_village_body(r, &b);
**     if (!v) return;
**     member_str(b.o, "reason", &reason, &b.errs);
**     ... api_refused(r, rc, …, &b.errs, …)  or  json_begin(r); ...; json_send(r, 200);
**     api_body_free(&b);
*/
#ifndef JIFEN_API_H
#define JIFEN_API_H
#include <stdint.h>

/* jansson's json_null() would clash with the writer's json_null() below:
** rename jansson's (unused here) while its header is read. */
#define json_null jansson_json_null
#include <jansson.h>
#undef json_null

#include "audit.h"
#include "http.h"
#include "json.h"

/* ---- the response writer -------------------------------------------------- */

/* Start the response body as a JSON document (what was written is dropped). */
static inline void json_begin(struct req *r)
{
	r->out.len = 0;
	jw_begin(&r->jw, &r->out);
}
static inline void json_obj(struct req *r, const char *key) { jw_obj(&r->jw, key); }
static inline void json_end_obj(struct req *r) { jw_end_obj(&r->jw); }
static inline void json_arr(struct req *r, const char *key) { jw_arr(&r->jw, key); }
static inline void json_end_arr(struct req *r) { jw_end_arr(&r->jw); }
static inline void json_str(struct req *r, const char *key, const char *v)
{
	jw_str(&r->jw, key, v);
}
static inline void json_int(struct req *r, const char *key, int64_t v) { jw_int(&r->jw, key, v); }
static inline void json_bool(struct req *r, const char *key, int v) { jw_bool(&r->jw, key, v); }
static inline void json_null(struct req *r, const char *key) { jw_null(&r->jw, key); }
/* An optional id or time: null when 0. */
static inline void json_int_or_null(struct req *r, const char *key, int64_t v)
{
	if (v)
		json_int(r, key, v);
	else
		json_null(r, key);
}
/* An optional count: null when not recorded (< 0). */
void json_opt(struct req *r, const char *key, int64_t v);

/* Answer with the written document and this status. */
void json_send(struct req *r, int status);

/* ---- request bodies ------------------------------------------------------- */

/* The request body as a JSON object (caller json_decref's), or answers 400
** and returns NULL.  An empty body is an empty object.  A body that is not
** JSON is refused with where and what (the byte offset jansson stopped at),
** since no field of it can be read to be named. */
json_t *body_or_400(struct req *r);

/* A POST's JSON body, the messages its members give, and who sends it:
** the actor of the audit rows that the area call writes (zero when no one
** is logged in).  Every API POST reads these three, so the readers below
** fill them together. */
struct api_body {
	json_t *o;
	errlist errs;
	struct actor who;
};

/* The village of the path (arg[0], checked as req_village_or_404 does) and
** the body: what the POSTs under /api/v1/villages/CODE/ read first.  NULL
** when 404 or 400 was answered (b holds nothing then); else the caller
** reads b->o with member_*(b->o, …, &b->errs) and ends with
** api_body_free(b). */
struct village *api_village_body(struct req *r, struct api_body *b);

/* The same after req_village_month_or_404() / req_village_id_or_404():
** the POSTs under /api/v1/villages/CODE/sheets/YYYY-MM/ and …/ID/.  0
** with *v, *month or *id and the body read; -1 when 404 or 400 was
** answered (b holds nothing then). */
int api_village_month_body(struct req *r, struct village **v, const char **month,
			   struct api_body *b);
int api_village_id_body(struct req *r, struct village **v, int64_t *id, const char *msg,
			struct api_body *b);

/* The body alone: 0, or -1 when 400 was answered (b holds nothing then). */
int api_body_read(struct req *r, struct api_body *b);

void api_body_free(struct api_body *b);

/* A string member of o into *out ("" when absent or null).  Another type:
** a message in errs. */
void member_str(json_t *o, const char *name, const char **out, errlist *errs);

/* An integer member of o into *out (def when absent).  Another type: a
** message in errs. */
void member_int(json_t *o, const char *name, int64_t def, int64_t *out, errlist *errs);

/* An array-of-strings member of o into *out, *n (arena a; none when absent
** or null).  Another type, or an item that is not a string: a message in
** errs naming the item. */
void member_str_array(json_t *o, const char *name, arena *a, const char ***out, int *n,
		      errlist *errs);

/* ---- refusals ------------------------------------------------------------- */

/* Answer {"error": all messages joined, "errors": [each]} with status. */
void api_reject(struct req *r, int status, const errlist *errs);

/* Answer the outcome of an area function that wrote nothing unless it
** returned 0: rc < 0 a 500 with fail_msg, rc > 0 api_reject() with 400 (or
** 404 when rc is not_found and not_found is not 0).  Returns rc, so that
** the caller answers the success itself when it is 0.  Inline, so that
** the analyzer sees that 0 is the success its caller's outputs belong to. */
static inline int api_refused(struct req *r, int rc, int not_found, const errlist *errs,
			      const char *fail_msg)
{
	if (rc < 0)
		http_error(r, 500, fail_msg);
	else if (rc > 0)
		api_reject(r, not_found && rc == not_found ? 404 : 400, errs);
	return rc;
}

#endif
