/*
** page_passbook.h — what the passbook's page (page_passbook.c) and JSON
** (api_passbook.c) share: the renderer passbook_store.c stores with, and
** the answers from a stored passbook with their ETag.
*/
#ifndef JIFEN_PAGE_PASSBOOK_H
#define JIFEN_PAGE_PASSBOOK_H

#include "http.h"
#include "passbook.h"
#include "passbook_store.h"

/* The passbook's JSON (api_passbook.c's format) into r->out. */
void passbook_json(struct req *r, const struct passbook *pb);

/* The renderer of passbook_store.h: the /p/TOKEN page (the card's URL as
** PASSBOOK_STORE_BASE) and the first page of the JSON.  main.c registers
** it (passbook_store_init). */
int passbook_render(db *d, arena *a, int64_t village_id, int64_t household_id,
		    struct passbook_rendered *out);

/* Answer what the passbook store holds: the card token's first page
** (token not NULL; base "/p/TOKEN") or the logged-in household's, the
** page or the JSON — from its stored row, or, when none may be served
** yet, rendered as the store renders it, with the same ETag; a 304 when
** the request's If-None-Match names it, a 404 for an unknown token. */
void passbook_answer_stored(struct req *r, const char *token, int json);

/* After a passbook rendered on the fly into r->out: its ETag and
** Cache-Control, and a 304 without the body when If-None-Match names it. */
void passbook_conditional(struct req *r);

#endif
