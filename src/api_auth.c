/*
** api_auth.c — the JSON API's session endpoint (docs/api.md): who is
** logged in, and the CSRF token API POSTs send in X-CSRF-Token.
**
**   GET  /api/v1/session
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "household.h"
#include "ledger.h"
#include "req.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* ---- session ----------------------------------------------------------------------- */

/* GET /api/v1/session: the logged-in account and the CSRF token its POSTs
** send in X-CSRF-Token. */
static void api_session(struct req *r)
{
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "login", r->user->login);
	json_str(r, "role", r->user->role == ROLE_HOUSEHOLD ? "household" : role_name(r->user->role));
	json_str(r, "village", r->user->village_code);
	json_str(r, "csrf", r->user->csrf);
	json_end_obj(r);
	json_send(r, 200);
}

const struct route session_api_routes[] = {
	{"GET", "/api/v1/session", api_session, ROLE_ANY, 0},
	{0},
};
