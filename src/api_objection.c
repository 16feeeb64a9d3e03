/*
** api_objection.c — the JSON API of objections (异议, objection.h),
** docs/api.md:
**
**   GET  /api/v1/villages/CODE/objections[?quarter=YYYY-Qn&open=1]  the queue (admins)
**   POST /api/v1/villages/CODE/objections   {quarter, household, channel (phone|letter|
**                                           visit), entry, reason, date} → 201 the objection
**   POST /api/v1/villages/CODE/objections/ID/decide  {decision: reject|uphold, reason,
**                                           entry + points | item + date} → 200 the objection
**   GET  /api/v1/passbook/objections        the household's own, with the decisions
**   POST /api/v1/passbook/objections        {quarter, entry, reason}: raised online today
**
** Another village's objection is 404, as every object of another village.
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "household.h"
#include "objection.h"
#include "req.h"

/* o as one JSON object (inside an open array or with key). */
static void objection_fields(struct req *r, const char *key, const struct objection *o)
{
	json_obj(r, key);
	json_int(r, "id", o->id);
	json_str(r, "quarter", o->quarter);
	json_str(r, "household", o->household_code);
	json_str(r, "channel", o->channel);
	if (o->entry_seq)
		json_int(r, "entry", o->entry_seq);
	else
		json_null(r, "entry");
	json_str(r, "reason", o->reason);
	json_str(r, "received", o->received_on);
	json_str(r, "reply_by", o->reply_by);
	json_str(r, "status", objection_status_name(o->status));
	json_str(r, "decided", o->decided_on);
	json_str(r, "decision", o->decision);
	if (o->ledger_seq) {
		json_int(r, "ledger_seq", o->ledger_seq);
		json_int(r, "ledger_points", o->ledger_points);
	} else {
		json_null(r, "ledger_seq");
		json_null(r, "ledger_points");
	}
	json_end_obj(r);
}

/* Answer the objections of village_id (of household_id when not 0). */
static void list_answer(struct req *r, int64_t village_id, const char *village_code,
			int64_t household_id)
{
	struct objection *rows;
	int n;
	const char *open = req_query(r, "open");
	if (objection_list(r->db, r->a, village_id, req_query(r, "quarter"), household_id,
			   open && !strcmp(open, "1"), &rows, &n)) {
		http_error(r, 500, "读取异议时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", village_code);
	json_arr(r, "objections");
	for (int i = 0; i < n; i++)
		objection_fields(r, NULL, &rows[i]);
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* Answer objection id of v with status, after a change. */
static void one_answer(struct req *r, const struct village *v, int64_t id, int status)
{
	struct objection *o;
	if (objection_get(r->db, r->a, v->id, id, &o)) {
		http_error(r, 500, "读取异议时出错。");
		return;
	}
	json_begin(r);
	objection_fields(r, NULL, o);
	json_send(r, status);
}

/* GET /api/v1/villages/CODE/objections */
static void api_objections(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		list_answer(r, v->id, v->code, 0);
}

/* POST /api/v1/villages/CODE/objections */
static void api_objection_add(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	json_t *o = v ? body_or_400(r) : NULL;
	if (!o)
		return;
	errlist errs = {0};
	struct objection_input in = {0};
	member_str(o, "quarter", &in.quarter, &errs);
	member_str(o, "household", &in.household_code, &errs);
	member_str(o, "channel", &in.channel, &errs);
	member_int(o, "entry", 0, &in.entry_seq, &errs);
	member_str(o, "reason", &in.reason, &errs);
	member_str(o, "date", &in.received_on, &errs);
	char today[11];
	date_today(today);
	if (!*in.received_on)
		in.received_on = today;
	if (!strcmp(in.channel, "online"))
		errlist_add(&errs, "channel: 网上异议由农户在积分存折中提出");
	int64_t id = 0;
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = objection_add(r->db, r->a, &who, v, &in, &errs, &id);
	}
	if (!api_refused(r, rc, 0, &errs, "登记异议时出错。"))
		one_answer(r, v, id, 201);
	errlist_free(&errs);
	json_decref(o);
}

/* POST /api/v1/villages/CODE/objections/ID/decide */
static void api_objection_decide(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	struct objection *ob;
	int got = id ? objection_get(r->db, r->a, v->id, id, &ob) : 1;
	if (got) {
		http_error(r, got < 0 ? 500 : 404, got < 0 ? "读取异议时出错。" : "本村没有这件异议。");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	const char *decision;
	struct objection_decision dec = {0};
	member_str(o, "decision", &decision, &errs);
	member_str(o, "reason", &dec.reason, &errs);
	member_int(o, "entry", 0, &dec.entry_seq, &errs);
	member_int(o, "points", 0, &dec.points, &errs);
	member_str(o, "item", &dec.item_code, &errs);
	member_str(o, "date", &dec.date, &errs);
	dec.uphold = !strcmp(decision, "uphold");
	if (!errs.n && !dec.uphold && strcmp(decision, "reject"))
		errlist_add(&errs, "decision: 应为 reject（不予支持）或 uphold（采纳）");
	else if (!errs.n && !dec.uphold && (dec.entry_seq || dec.points || *dec.item_code))
		errlist_add(&errs, "decision: 不予支持时不能给出更正或补记");
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = objection_decide(r->db, r->a, &who, v, id, &dec, &errs);
	}
	if (!api_refused(r, rc, 0, &errs, "答复异议时出错，没有记入台账。"))
		one_answer(r, v, id, 200);
	errlist_free(&errs);
	json_decref(o);
}

/* GET /api/v1/passbook/objections */
static void api_passbook_objections(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	if (!v) {
		http_error(r, 500, "读取异议时出错。");
		return;
	}
	list_answer(r, v->id, v->code, r->user->id);
}

/* POST /api/v1/passbook/objections */
static void api_passbook_objection_add(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	struct household *h = NULL;
	if (!v || household_get(r->db, r->a, v->id, r->user->id, &h)) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	char today[11];
	date_today(today);
	struct objection_input in = {.household_code = h->code, .channel = "online",
				     .received_on = today};
	member_str(o, "quarter", &in.quarter, &errs);
	member_int(o, "entry", 0, &in.entry_seq, &errs);
	member_str(o, "reason", &in.reason, &errs);
	struct actor who = {0, arena_printf(r->a, "household:%s", h->code), r->ip};
	int64_t id = 0;
	int rc = errs.n ? 1 : objection_add(r->db, r->a, &who, v, &in, &errs, &id);
	if (!api_refused(r, rc, 0, &errs, "提交异议时出错。"))
		one_answer(r, v, id, 201);
	errlist_free(&errs);
	json_decref(o);
}

const struct route objection_api_routes[] = {
	{"GET", "/api/v1/villages/*/objections", api_objections, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/objections", api_objection_add, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/objections/*/decide", api_objection_decide, ROLES_ADMIN, 0},
	{"GET", "/api/v1/passbook/objections", api_passbook_objections, ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/passbook/objections", api_passbook_objection_add, ROLE_HOUSEHOLD, 0},
	{0},
};
