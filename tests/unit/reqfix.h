/*
** reqfix.h — a request built by hand for the unit tests of what handlers
** call (test_req.c, test_idem.c, test_html.c): no connection, no headers
** read; the answer lands in r->out, r->status and r->headers as http.c's
** helpers leave it.
*/
#ifndef JIFEN_REQFIX_H
#define JIFEN_REQFIX_H

#include <string.h>

#include "http.h"

/* A request of method on database d, its memory in a; is_api: errors are
** answered as JSON. */
static inline struct req *reqfix_new(arena *a, db *d, const char *method, int is_api)
{
	struct req *r = arena_alloc(a, sizeof *r);
	memset(r, 0, sizeof *r);
	r->a = a;
	r->db = d;
	r->method = method;
	r->path = is_api ? "/api/test" : "/test";
	r->is_api = is_api;
	return r;
}

/* The response header name that r's answer carries, NULL when none. */
static inline const char *reqfix_header(struct req *r, const char *name)
{
	for (struct param *h = r->headers; h; h = h->next)
		if (!strcmp(h->name, name))
			return h->value;
	return NULL;
}

#endif
