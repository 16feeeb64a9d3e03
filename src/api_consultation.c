/*
** api_consultation.c — the JSON API of the public consultation (征求意见)
** on a draft standard (consultation.h), docs/api.md:
**
**   GET  /api/v1/villages/CODE/consultations        the village's, newest first (public)
**   POST /api/v1/villages/CODE/consultations        {title, opens_on, closes_on, draft_csv}
**                                                   → 201 the consultation (admins)
**   GET  /api/v1/villages/CODE/consultations/ID     with its comments and answers (public)
**   POST /api/v1/villages/CODE/consultations/ID/comments  {text} from a household's
**                                                   passbook session; {body, date, text}
**                                                   a meeting's, by admins → 201
**   POST /api/v1/villages/CODE/consultations/ID/comments/ID/answer  {answer} (admins)
**   POST /api/v1/villages/CODE/consultations/ID/adopt  {adopted_on, effective_on,
**                                                   meeting_type, meeting, entitled,
**                                                   attendance, votes_for, votes_against,
**                                                   votes_abstain} → 201 (admins)
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "consultation.h"
#include "req.h"

/* c's fields into the open JSON object. */
static void consultation_fields(struct req *r, const struct consultation *c, const char *today)
{
	json_int(r, "id", c->id);
	json_str(r, "title", c->title);
	json_str(r, "opens_on", c->opens_on);
	json_str(r, "closes_on", c->closes_on);
	json_str(r, "state", consultation_state(c, today));
	json_int_or_null(r, "version", c->version);
	json_int(r, "comments", c->comments);
	json_int(r, "answered", c->answered);
}

/* GET /api/v1/villages/CODE/consultations */
static void api_consultations(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct consultation *rows;
	int n;
	if (req_consultations_or_500(r, v->id, &rows, &n))
		return;
	char today[11];
	date_today(today);
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "consultations");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		consultation_fields(r, &rows[i], today);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* Answer consultation id of v with its comments and the draft, or 404. */
static void one_answer(struct req *r, const struct village *v, int64_t id, int status)
{
	struct consultation *c;
	struct consultation_comment *k = NULL;
	int n = 0;
	int got = id ? consultation_get(r->db, r->a, v->id, id, &c) : 1;
	if (!got && consultation_comments(r->db, r->a, v->id, id, &k, &n))
		got = -1;
	if (got) {
		http_error(r, got < 0 ? 500 : 404, got < 0 ? "读取征求意见时出错。" : "找不到这份征求意见。");
		return;
	}
	char today[11];
	date_today(today);
	json_begin(r);
	json_obj(r, NULL);
	consultation_fields(r, c, today);
	json_str(r, "draft_csv", c->draft_csv);
	json_arr(r, "comment_list");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_int(r, "id", k[i].id);
		json_str(r, "household", k[i].household_code);
		json_str(r, "body", k[i].body);
		json_str(r, "text", k[i].text);
		json_str(r, "date", k[i].commented_on);
		json_str(r, "answer", k[i].answer);
		json_str(r, "answered_on", k[i].answered_on);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
}

/* GET /api/v1/villages/CODE/consultations/ID */
static void api_consultation(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (v)
		one_answer(r, v, parse_id(r->arg[1]), 200);
}

/* POST /api/v1/villages/CODE/consultations */
static void api_consultation_open(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *title, *opens, *closes, *csv;
	member_str(b.o, "title", &title, &b.errs);
	member_str(b.o, "opens_on", &opens, &b.errs);
	member_str(b.o, "closes_on", &closes, &b.errs);
	member_str(b.o, "draft_csv", &csv, &b.errs);
	int64_t id = 0;
	int rc = 1;
	if (!b.errs.n)
		rc = consultation_open(r->db, &b.who, v, title, "draft_csv", csv, strlen(csv),
				       opens, closes, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "发布草案时出错。"))
		one_answer(r, v, id, 201);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/consultations/ID/comments */
static void api_comment_add(struct req *r)
{
	int64_t id = parse_id(r->arg[1]);
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *text, *body = "", *date = "";
	int household = r->user->role == ROLE_HOUSEHOLD;
	member_str(b.o, "text", &text, &b.errs);
	if (!household) {
		member_str(b.o, "body", &body, &b.errs);
		member_str(b.o, "date", &date, &b.errs);
	}
	struct actor who = req_actor(r);
	if (household)
		who = (struct actor){0, arena_printf(r->a, "household:%s", r->user->login), r->ip};
	int64_t cid = 0;
	int rc = b.errs.n ? 1
			: consultation_comment_add(r->db, &who, v, id, household ? r->user->id : 0,
						   body, text, date, &b.errs, &cid);
	if (!api_refused(r, rc, 0, &b.errs, "保存意见时出错。"))
		one_answer(r, v, id, 201);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/consultations/ID/comments/ID/answer */
static void api_answer(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *answer;
	member_str(b.o, "answer", &answer, &b.errs);
	int rc = b.errs.n ? 1
			  : consultation_answer(r->db, &b.who, v, parse_id(r->arg[2]), answer,
						&b.errs);
	if (!api_refused(r, rc, 0, &b.errs, "保存答复时出错。"))
		one_answer(r, v, parse_id(r->arg[1]), 200);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/consultations/ID/adopt */
static void api_adopt(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	struct std_adoption ad = STD_ADOPTION_INIT;
	member_str(b.o, "adopted_on", &ad.adopted_on, &b.errs);
	member_str(b.o, "effective_on", &ad.effective_on, &b.errs);
	member_str(b.o, "meeting_type", &ad.meeting_type, &b.errs);
	member_str(b.o, "meeting", &ad.meeting, &b.errs);
	member_int(b.o, "entitled", -1, &ad.entitled, &b.errs);
	member_int(b.o, "attendance", -1, &ad.attendance, &b.errs);
	member_int(b.o, "votes_for", -1, &ad.votes_for, &b.errs);
	member_int(b.o, "votes_against", -1, &ad.votes_against, &b.errs);
	member_int(b.o, "votes_abstain", -1, &ad.votes_abstain, &b.errs);
	int64_t id = parse_id(r->arg[1]), ver = 0;
	int rc = b.errs.n ? 1 : consultation_adopt(r->db, &b.who, v, id, &ad, &b.errs, &ver);
	if (!api_refused(r, rc, 0, &b.errs, "保存表决结果时出错。"))
		one_answer(r, v, id, 201);
	api_body_free(&b);
}

const struct route consultation_api_routes[] = {
	{"GET", "/api/v1/villages/*/consultations", api_consultations, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/villages/*/consultations", api_consultation_open, ROLES_ADMIN, 0},
	{"GET", "/api/v1/villages/*/consultations/*", api_consultation, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/villages/*/consultations/*/comments", api_comment_add,
	 ROLES_ADMIN | ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/villages/*/consultations/*/comments/*/answer", api_answer, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/consultations/*/adopt", api_adopt, ROLES_ADMIN, 0},
	{0},
};
