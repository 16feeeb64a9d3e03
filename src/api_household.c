/*
** api_household.c — the JSON API of households, over the same area
** functions as the pages (household.c) and with the same access rules:
**
**   GET /api/v1/villages/CODE/households?q=&filter=&page=&per_page=
**       {"village","q","filter","page","per_page","total",
**        "counts":{"all":N,"participating":N,...},"households":[...]}
**   GET /api/v1/villages/CODE/households/ID
**       one household with "family_members" (current and removed;
**       "members" is the head count, as in the CSV)
**
** The village's admins and scorers may read; an account of another village
** gets 404 for every URL of this village.  Phones are masked for scorers.
** Errors are {"error": "中文说明"} with the HTTP status.
*/
#include <string.h>

#include "api.h"
#include "household.h"
#include "req.h"
#include "village.h"

enum { API_PER_PAGE = 50, API_PER_PAGE_MAX = 500 };

/* The phone as this user may see it. */
static const char *api_phone(struct req *r, const char *phone)
{
	return req_has_role(r, ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN) ? phone
								      : phone_mask(r->a, phone);
}

/* The fields of h as members of the currently open JSON object. */
static void household_fields(struct req *r, const struct household *h)
{
	json_int(r, "id", h->id);
	json_str(r, "code", h->code);
	json_str(r, "head_name", h->head_name);
	json_str(r, "address", h->address);
	if (h->member_count > 0)
		json_int(r, "members", h->member_count);
	else
		json_null(r, "members");
	json_str(r, "phone", api_phone(r, h->phone));
	json_bool(r, "hukou", h->hukou);
	json_bool(r, "homestead", h->homestead);
	json_bool(r, "resident", h->resident);
	json_bool(r, "tenant", h->tenant);
	json_str(r, "joined", h->joined);
	json_str(r, "left_on", h->left_on);
	json_str(r, "left_reason", h->left_reason);
	json_bool(r, "eligible", h->eligible);
	json_bool(r, "participating", h->participating);
	json_str(r, "status", household_status_label(h));
}

/* GET /api/v1/villages/CODE/households */
static void api_list(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *q = req_query_trim(r, "q");
	int filter = household_filter_from_name(req_query(r, "filter"));
	if (filter < 0) {
		http_error(r, 400, "filter 应为 all、participating、eligible_not_joined、"
				   "not_eligible 或 left。");
		return;
	}
	int64_t page = req_query_int_or_400(r, "page", 1, 1, 1000000, "参数格式不对。");
	if (page < 0)
		return;
	int64_t per_page = req_query_int_or_400(r, "per_page", API_PER_PAGE, 1, API_PER_PAGE_MAX, "参数格式不对。");
	if (per_page < 0)
		return;

	int64_t counts[HH_FILTER_COUNT];
	struct household *rows;
	int n;
	int64_t total;
	if (household_counts(r->db, v->id, q, counts) ||
	    household_list(r->db, r->a, v->id, q, filter, (int)page, (int)per_page, &rows, &n,
			   &total)) {
		http_error(r, 500, "读取农户名册时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_str(r, "q", q);
	json_str(r, "filter", household_filter_name(filter));
	json_int(r, "page", page);
	json_int(r, "per_page", per_page);
	json_int(r, "total", total);
	json_obj(r, "counts");
	for (int f = 0; f < HH_FILTER_COUNT; f++)
		json_int(r, household_filter_name(f), counts[f]);
	json_end_obj(r);
	json_arr(r, "households");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		household_fields(r, &rows[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/households/ID */
static void api_one(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *ids = r->arg[1];
	int64_t id = 0;
	struct household *h = NULL;
	int rc = 1;
	if (ids && strspn(ids, "0123456789") == strlen(ids) && !parse_int64(ids, &id) && id > 0)
		rc = household_get(r->db, r->a, v->id, id, &h);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取农户信息时出错。" : "本村没有这一户。");
		return;
	}
	struct member *ms;
	int nm;
	if (member_list(r->db, r->a, v->id, h->id, 1, &ms, &nm)) {
		http_error(r, 500, "读取家庭成员时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	household_fields(r, h);
	json_arr(r, "family_members");
	for (int i = 0; i < nm; i++) {
		json_obj(r, NULL);
		json_int(r, "id", ms[i].id);
		json_str(r, "name", ms[i].name);
		json_str(r, "relation", ms[i].relation);
		json_bool(r, "party_member", ms[i].party_member);
		json_str(r, "phone", api_phone(r, ms[i].phone));
		json_str(r, "removed_on", ms[i].removed_on);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

const struct route household_api_routes[] = {
	{"GET", "/api/v1/villages/*/households", api_list, ROLES_VIEW, 0},
	{"GET", "/api/v1/villages/*/households/*", api_one, ROLES_VIEW, 0},
	{0},
};
