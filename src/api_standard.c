/*
** api_standard.c — the JSON API of scoring standards (docs/api.md), public
** like the standard pages:
**
**   GET  /api/v1/standard/template                         the town's template
**   GET  /api/v1/villages/CODE/standard                    in force today
**   GET  /api/v1/villages/CODE/standard/versions[/ID]
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

/* ---- standards --------------------------------------------------------------------- */

/* The fields of a version (and its items when loaded) into the open object. */
static void version_fields(struct req *r, const struct std_version *sv)
{
	const struct std_adoption *ad = &sv->adoption;
	json_int_or_null(r, "id", sv->id);
	json_int(r, "version", sv->version);
	json_str(r, "effective_on", sv->effective_on);
	json_str(r, "adopted_on", ad->adopted_on && *ad->adopted_on ? ad->adopted_on : NULL);
	json_str(r, "meeting_type", ad->meeting_type ? ad->meeting_type : "");
	json_str(r, "meeting_type_label", standard_meeting_type_label(ad->meeting_type));
	json_str(r, "meeting", ad->meeting ? ad->meeting : "");
	json_opt(r, "entitled", ad->entitled);
	json_opt(r, "attendance", ad->attendance);
	json_opt(r, "votes_for", ad->votes_for);
	json_opt(r, "votes_against", ad->votes_against);
	json_opt(r, "votes_abstain", ad->votes_abstain);
	json_str(r, "source", sv->source);
	json_int_or_null(r, "based_on", sv->based_on);
	if (!sv->items)
		return;
	json_arr(r, "items");
	for (int i = 0; i < sv->nitems; i++) {
		const struct std_item *it = &sv->items[i];
		json_obj(r, NULL);
		json_str(r, "category", it->category);
		json_str(r, "code", it->code);
		json_str(r, "name", it->name);
		json_int(r, "points", it->points);
		json_int_or_null(r, "cap_month", it->cap_month);
		json_int_or_null(r, "cap_year", it->cap_year);
		json_bool(r, "veto", it->veto);
		json_bool(r, "evidence", it->evidence);
		json_end_obj(r);
	}
	json_end_arr(r);
}

/* Answer one version as {"village": code or null, ...version fields}. */
static void send_version(struct req *r, const char *village_code, const struct std_version *sv)
{
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", village_code);
	version_fields(r, sv);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/standard: the version in force today. */
static void api_standard(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	struct std_version *sv;
	int rc = standard_in_force(r->db, r->a, v->id, today, 1, &sv);
	if (rc)
		http_error(r, rc < 0 ? 500 : 404,
			   rc < 0 ? "读取积分标准时出错。" : "本村目前没有施行中的积分标准。");
	else
		send_version(r, v->code, sv);
}

/* GET /api/v1/villages/CODE/standard/versions: newest first, no items. */
static void api_versions(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct std_version *rows;
	int n;
	char today[11];
	date_today(today);
	struct std_version *cur = NULL;
	if (standard_list(r->db, r->a, v->id, &rows, &n) ||
	    standard_in_force(r->db, r->a, v->id, today, 0, &cur) < 0) {
		http_error(r, 500, "读取积分标准时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	if (cur)
		json_int(r, "in_force", cur->id);
	else
		json_null(r, "in_force");
	json_arr(r, "versions");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		version_fields(r, &rows[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/standard/versions/ID: one version with items. */
static void api_version(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	struct std_version *sv;
	int rc = id ? standard_get(r->db, r->a, v->id, id, 1, &sv) : 1;
	if (rc)
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取积分标准时出错。" : "没有这个版本。");
	else
		send_version(r, v->code, sv);
}

/* GET /api/v1/standard/template: the town template's newest version; the
** built-in one (id null) while the town has stored none. */
static void api_template(struct req *r)
{
	struct std_version *sv;
	int rc = standard_template_current(r->db, r->a, &sv);
	if (rc > 0) {
		size_t len;
		const char *csv = standard_builtin_template(&len);
		errlist errs = {0};
		struct std_adoption ad = STD_ADOPTION_INIT;
		sv = arena_alloc(r->a, sizeof *sv);
		sv->adoption = ad;
		sv->version = 1;
		sv->effective_on = sv->adoption.effective_on = "2024-01-01";
		sv->source = "builtin";
		rc = csv ? standard_parse_csv(r->a, "template-standard.csv", csv, len, &sv->items,
					      &sv->nitems, &errs)
			 : -1;
		errlist_free(&errs);
	}
	if (rc)
		http_error(r, 500, "读取推荐模板时出错。");
	else
		send_version(r, NULL, sv);
}

const struct route standard_api_routes[] = {
	{"GET", "/api/v1/standard/template", api_template, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard", api_standard, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard/versions", api_versions, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard/versions/*", api_version, 0, ROUTE_PUBLIC},
	{0},
};
