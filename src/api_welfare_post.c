/*
** api_welfare_post.c — the JSON API of public-welfare posts (公益岗位,
** welfare_post.h), docs/api.md:
**
**   GET  /api/v1/villages/CODE/posts              the openings (village admins)
**   POST /api/v1/villages/CODE/posts              {title, description, places, apply_from,
**                                                 apply_until, points_weight} → 201 the post
**   GET  /api/v1/villages/CODE/posts/ID           the post with its candidates
**   POST /api/v1/villages/CODE/posts/ID/applications  {household, note, date} → 201
**   POST /api/v1/villages/CODE/posts/ID/decide    {selected: [codes], reason} → 200
**   GET  /api/v1/passbook/posts                   the household's village's openings
**   POST /api/v1/passbook/posts/ID/apply          {note}: applied online today → 201
**
** Another village's post is 404, as every object of another village.
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "household.h"
#include "req.h"
#include "welfare_post.h"

/* p's own fields (inside an open object). */
static void post_fields(struct req *r, const struct welfare_post *p)
{
	json_int(r, "id", p->id);
	json_str(r, "title", p->title);
	json_str(r, "description", p->description);
	json_int(r, "places", p->places);
	json_str(r, "apply_from", p->apply_from);
	json_str(r, "apply_until", p->apply_until);
	json_int(r, "points_weight", p->points_weight);
	json_str(r, "status", p->decided ? "decided" : "open");
	json_str(r, "decided", p->decided_on);
	json_str(r, "decision", p->decision);
	json_int(r, "applications", p->applications);
}

/* Answer post id of v with its candidates (names of the household's own
** village; the passbook gets only its own line: mine_only). */
static void post_answer(struct req *r, const struct village *v, int64_t id, int status,
			int64_t mine_only)
{
	struct welfare_post *p;
	struct welfare_applicant *rows;
	int n;
	int got = welfare_post_get(r->db, r->a, v->id, id, &p);
	if (got || welfare_candidates(r->db, r->a, v, p, &rows, &n)) {
		http_error(r, got > 0 ? 404 : 500, got > 0 ? "本村没有这个公益岗位。" : "读取公益岗位时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	post_fields(r, p);
	json_arr(r, "candidates");
	for (int i = 0; i < n; i++) {
		const struct welfare_applicant *a = &rows[i];
		if (mine_only && a->household_id != mine_only)
			continue;
		json_obj(r, NULL);
		json_int(r, "id", a->id);
		json_str(r, "household", a->code);
		json_str(r, "name", a->name);
		json_str(r, "channel", a->channel);
		json_str(r, "note", a->note);
		json_str(r, "applied", a->applied_on);
		json_int(r, "year_points", a->year_points);
		json_bool(r, "veto", a->veto);
		json_int(r, "points_part_tenths", a->points_part_tenths);
		json_bool(r, "selected", a->selected);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
}

/* The id of path segment s if it is a post of v, else 0 after answering
** 404 (unknown, or another village's) or 500. */
static int64_t post_id_or_404(struct req *r, const struct village *v, const char *s)
{
	int64_t id = req_id_or_404(r, s, "本村没有这个公益岗位。");
	struct welfare_post *p;
	int got = id ? welfare_post_get(r->db, r->a, v->id, id, &p) : 1;
	if (id && got)
		http_error(r, got < 0 ? 500 : 404, got < 0 ? "读取公益岗位时出错。" : "本村没有这个公益岗位。");
	return got ? 0 : id;
}

/* The POSTs on one post, /api/v1/villages/CODE/posts/ID/…: the village
** and its post of the path (404 unless the village has it) and the body.
** 0, or -1 when r is answered (404, 500, 400; b holds nothing then). */
static int village_post_body(struct req *r, struct village **v, int64_t *id, struct api_body *b)
{
	*v = req_village_or_404(r, r->arg[0]);
	*id = *v ? post_id_or_404(r, *v, r->arg[1]) : 0;
	return *id && !api_body_read(r, b) ? 0 : -1;
}

/* The openings of v. */
static void list_answer(struct req *r, const struct village *v)
{
	struct welfare_post *rows;
	int n;
	if (welfare_post_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取公益岗位时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "posts");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		post_fields(r, &rows[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/posts */
static void api_posts(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		list_answer(r, v);
}

/* POST /api/v1/villages/CODE/posts */
static void api_post_add(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	struct api_body b;
	if (!v || api_body_read(r, &b))
		return;
	struct welfare_post_input in = {0};
	member_str(b.o, "title", &in.title, &b.errs);
	member_str(b.o, "description", &in.description, &b.errs);
	member_int(b.o, "places", 0, &in.places, &b.errs);
	member_str(b.o, "apply_from", &in.apply_from, &b.errs);
	member_str(b.o, "apply_until", &in.apply_until, &b.errs);
	member_int(b.o, "points_weight", -1, &in.points_weight, &b.errs);
	int64_t id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = welfare_post_add(r->db, r->a, &b.who, v, &in, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "发布公益岗位时出错。"))
		post_answer(r, v, id, 201, 0);
	api_body_free(&b);
}

/* GET /api/v1/villages/CODE/posts/ID */
static void api_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int64_t id = v ? post_id_or_404(r, v, r->arg[1]) : 0;
	if (id)
		post_answer(r, v, id, 200, 0);
}

/* POST /api/v1/villages/CODE/posts/ID/applications */
static void api_application_add(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (village_post_body(r, &v, &id, &b))
		return;
	const char *household, *note, *date;
	member_str(b.o, "household", &household, &b.errs);
	member_str(b.o, "note", &note, &b.errs);
	member_str(b.o, "date", &date, &b.errs);
	char today[11];
	date_today(today);
	int64_t app = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = welfare_apply(r->db, r->a, &b.who, v, id, household, "office", note,
				   *date ? date : today, &b.errs, &app);
	if (!api_refused(r, rc, 0, &b.errs, "登记报名时出错。"))
		post_answer(r, v, id, 201, 0);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/posts/ID/decide */
static void api_post_decide(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (village_post_body(r, &v, &id, &b))
		return;
	const char *reason;
	const char **codes;
	int nc;
	member_str(b.o, "reason", &reason, &b.errs);
	member_str_array(b.o, "selected", r->a, &codes, &nc, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = welfare_decide(r->db, r->a, &b.who, v, id, codes, nc, reason, &b.errs);
	if (!api_refused(r, rc, 0, &b.errs, "确定人选时出错。"))
		post_answer(r, v, id, 200, 0);
	api_body_free(&b);
}

/* GET /api/v1/passbook/posts */
static void api_passbook_posts(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	if (!v) {
		http_error(r, 500, "读取公益岗位时出错。");
		return;
	}
	list_answer(r, v);
}

/* POST /api/v1/passbook/posts/ID/apply */
static void api_passbook_apply(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	struct household *h = NULL;
	if (!v || household_get(r->db, r->a, v->id, r->user->id, &h)) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	int64_t id = post_id_or_404(r, v, r->arg[0]);
	struct api_body b;
	if (!id || api_body_read(r, &b))
		return;
	const char *note;
	member_str(b.o, "note", &note, &b.errs);
	char today[11];
	date_today(today);
	struct actor who = {0, arena_printf(r->a, "household:%s", h->code), r->ip};
	int64_t app = 0;
	int rc = b.errs.n ? 1
			: welfare_apply(r->db, r->a, &who, v, id, h->code, "online", note, today,
					&b.errs, &app);
	if (!api_refused(r, rc, 0, &b.errs, "提交报名时出错。"))
		post_answer(r, v, id, 201, h->id);
	api_body_free(&b);
}

const struct route welfare_post_api_routes[] = {
	{"GET", "/api/v1/villages/*/posts", api_posts, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/posts", api_post_add, ROLES_ADMIN, 0},
	{"GET", "/api/v1/villages/*/posts/*", api_post, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/posts/*/applications", api_application_add, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/posts/*/decide", api_post_decide, ROLES_ADMIN, 0},
	{"GET", "/api/v1/passbook/posts", api_passbook_posts, ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/passbook/posts/*/apply", api_passbook_apply, ROLE_HOUSEHOLD, 0},
	{0},
};
