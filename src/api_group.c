/*
** api_group.c — the JSON API of the village's scoring group
** (村民积分管理自治小组, scoring_group.h), docs/api.md:
**
**   GET  /api/v1/villages/CODE/group    the status against the rule and every
**                                       membership with its history (staff)
**   POST /api/v1/villages/CODE/group    {name, role, account, joined_on, meeting_date,
**                                       attendees, appointed_by} → 201 the roster
**   POST /api/v1/villages/CODE/group/ID/leave  {left_on, reason} → 200 the roster
*/
#include "api.h"
#include "auth.h"
#include "req.h"
#include "scoring_group.h"

/* Answer the roster of v with status. */
static void roster_answer(struct req *r, const struct village *v, int status)
{
	struct group_member *rows;
	int n;
	struct group_status st;
	if (group_members(r->db, r->a, v->id, 0, &rows, &n) || group_status_get(r->db, v->id, &st)) {
		http_error(r, 500, "读取积分管理自治小组时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_obj(r, "status");
	json_bool(r, "ok", st.ok);
	json_str(r, "missing", st.missing);
	json_int(r, "members", st.members);
	json_int(r, "committee", st.committee);
	json_int(r, "representatives", st.representatives);
	json_end_obj(r);
	json_arr(r, "members");
	for (int i = 0; i < n; i++) {
		const struct group_member *m = &rows[i];
		json_obj(r, NULL);
		json_int(r, "id", m->id);
		json_str(r, "name", m->name);
		json_str(r, "role", m->role);
		json_str(r, "role_label", group_role_label(m->role));
		json_str(r, "account", m->account_login);
		json_str(r, "joined_on", m->joined_on);
		json_str(r, "left_on", m->left_on);
		json_str(r, "left_reason", m->left_reason);
		json_str(r, "meeting_date", m->meeting_date);
		json_str(r, "attendees", m->attendees);
		json_str(r, "appointed_by", m->appointed_by);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
}

/* GET /api/v1/villages/CODE/group */
static void api_group(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		roster_answer(r, v, 200);
}

/* POST /api/v1/villages/CODE/group */
static void api_group_add(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	struct group_member_input in = {0};
	member_str(b.o, "name", &in.name, &b.errs);
	member_str(b.o, "role", &in.role, &b.errs);
	member_str(b.o, "account", &in.account_login, &b.errs);
	member_str(b.o, "joined_on", &in.joined_on, &b.errs);
	member_str(b.o, "meeting_date", &in.meeting_date, &b.errs);
	member_str(b.o, "attendees", &in.attendees, &b.errs);
	member_str(b.o, "appointed_by", &in.appointed_by, &b.errs);
	int64_t id = 0;
	int rc = 1;
	if (!b.errs.n)
		rc = group_member_add(r->db, &b.who, v, &in, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "保存小组成员时出错。"))
		roster_answer(r, v, 201);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/group/ID/leave */
static void api_group_leave(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (api_village_id_body(r, &v, &id, "小组里没有这名成员。", &b))
		return;
	const char *left_on, *reason;
	member_str(b.o, "left_on", &left_on, &b.errs);
	member_str(b.o, "reason", &reason, &b.errs);
	int rc = 1;
	if (!b.errs.n)
		rc = group_member_leave(r->db, &b.who, v, id, left_on, reason, &b.errs);
	if (!api_refused(r, rc, 0, &b.errs, "保存时出错。"))
		roster_answer(r, v, 200);
	api_body_free(&b);
}

const struct route group_api_routes[] = {
	{"GET", "/api/v1/villages/*/group", api_group, ROLE_STAFF, 0},
	{"POST", "/api/v1/villages/*/group", api_group_add, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/group/*/leave", api_group_leave, ROLES_ADMIN, 0},
	{0},
};
