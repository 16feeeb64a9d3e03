/*
** api_honour.c — the JSON API of honours (荣誉, honour.h), docs/api.md:
**
**   GET  /api/v1/villages/CODE/honours?year=YYYY   the ranking (confirmed lines once
**                                                 confirmed) and the confirmation or null
**   POST /api/v1/villages/CODE/honours/YYYY/confirm  {meeting_date, attendees, resolution,
**                                                 models: [household codes]} → 201
**
** Another village's honours are 404, as every object of another village.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "honour.h"
#include "req.h"

/* The honours of v's year as one document: confirmed lines and record when
** confirmed, else the ranking as it stands. */
static void honours_answer(struct req *r, const struct village *v, int year, int status)
{
	struct honour_confirmation *c;
	struct honour_row *rows;
	int n;
	int got = honour_confirmed(r->db, r->a, v->id, year, &c, &rows, &n);
	if (got < 0 || (got && honour_list(r->db, r->a, v, year, &rows, &n))) {
		http_error(r, 500, "读取积分排名时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_int(r, "year", year);
	json_str(r, "stars", got ? v->stars : c->stars);
	if (got)
		json_null(r, "confirmation");
	else {
		json_obj(r, "confirmation");
		json_int(r, "id", c->id);
		json_str(r, "meeting_date", c->meeting_date);
		json_str(r, "attendees", c->attendees);
		json_str(r, "resolution", c->resolution);
		json_str(r, "confirmed_by", c->confirmed_by);
		json_end_obj(r);
	}
	json_arr(r, "households");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_str(r, "household", rows[i].code);
		json_str(r, "name", rows[i].name);
		json_int(r, "year_points", rows[i].year_points);
		json_int(r, "rank", rows[i].rank);
		json_int(r, "stars", rows[i].stars);
		json_bool(r, "eligible", rows[i].eligible);
		json_str(r, "veto_reason", rows[i].veto_reason);
		json_bool(r, "party_member", rows[i].party_member);
		json_bool(r, "model", rows[i].model);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
}

/* GET /api/v1/villages/CODE/honours?year=YYYY (default this year) */
static void api_honours(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int64_t year = req_query_int_or_400(r, "year", atoi(today), 2000, 9999, NULL);
	if (year > 0)
		honours_answer(r, v, (int)year, 200);
}

/* POST /api/v1/villages/CODE/honours/YYYY/confirm */
static void api_honours_confirm(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t year = 0;
	if (strlen(r->arg[1]) != 4 || parse_int64(r->arg[1], &year) || year < 2000) {
		http_error(r, 404, "没有这一年度。");
		return;
	}
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	struct honour_confirm_input in = {0};
	member_str(b.o, "meeting_date", &in.meeting_date, &b.errs);
	member_str(b.o, "attendees", &in.attendees, &b.errs);
	member_str(b.o, "resolution", &in.resolution, &b.errs);
	const char **models;
	member_str_array(b.o, "models", r->a, &models, &in.n_models, &b.errs);
	in.models = models;
	int64_t id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = honour_confirm(r->db, r->a, &b.who, v, (int)year, &in, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "确认荣誉时出错。"))
		honours_answer(r, v, (int)year, 201);
	api_body_free(&b);
}

const struct route honour_api_routes[] = {
	{"GET", "/api/v1/villages/*/honours", api_honours, ROLES_VIEW, 0},
	{"POST", "/api/v1/villages/*/honours/*/confirm", api_honours_confirm, ROLES_ADMIN, 0},
	{0},
};
