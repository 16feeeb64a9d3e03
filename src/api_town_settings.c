/*
** api_town_settings.c — the town's settings in the JSON API (docs/api.md),
** the town admin's: the same village.c functions as `jifen town`,
** `jifen town-url` and the /town/settings page, so that the rules and their
** audit rows are written once.
**
**   GET  /api/v1/town/settings              {"name", "public_url" (null: unset)}
**   POST /api/v1/town/settings/name         {"name"}
**   POST /api/v1/town/settings/public-url   {"public_url"} ("" or null removes it)
**
** One setting a POST, as on the page: each is its own transaction, so a
** request that is refused has written nothing.  A POST answers the
** settings as GET does.
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "req.h"
#include "village.h"

/* Answer the settings as they stand. */
static void settings_json(struct req *r, int status)
{
	const char *url = town_public_url(r->db, r->a);
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "name", town_name(r->db, r->a));
	if (url)
		json_str(r, "public_url", url);
	else
		json_null(r, "public_url");
	json_end_obj(r);
	json_send(r, status);
}

/* GET /api/v1/town/settings */
static void api_settings(struct req *r)
{
	settings_json(r, 200);
}

/* Set one string member of the body with set(), then answer the settings;
** empty: the value given to set() for "none" (NULL: the member must be
** given). */
static void settings_post(struct req *r, const char *member, const char *empty,
			  int (*set)(db *, const struct actor *, const char *, errlist *))
{
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	const char *value;
	member_str(b.o, member, &value, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = set(r->db, &b.who, *value || !empty ? value : empty, &b.errs);
	if (!api_refused(r, rc, 0, &b.errs, "保存设置时出错，没有保存任何内容。"))
		settings_json(r, 200);
	api_body_free(&b);
}

/* POST /api/v1/town/settings/name {"name"} */
static void api_name_post(struct req *r)
{
	settings_post(r, "name", NULL, town_name_set);
}

/* POST /api/v1/town/settings/public-url {"public_url"}: "" or null removes
** it (the CLI's "none") */
static void api_public_url_post(struct req *r)
{
	settings_post(r, "public_url", "none", town_public_url_set);
}

const struct route town_settings_api_routes[] = {
	{"GET", "/api/v1/town/settings", api_settings, ROLE_TOWN_ADMIN, 0},
	{"POST", "/api/v1/town/settings/name", api_name_post, ROLE_TOWN_ADMIN, 0},
	{"POST", "/api/v1/town/settings/public-url", api_public_url_post, ROLE_TOWN_ADMIN, 0},
	{0},
};
