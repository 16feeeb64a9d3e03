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
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	struct objection_input in = {0};
	member_str(b.o, "quarter", &in.quarter, &b.errs);
	member_str(b.o, "household", &in.household_code, &b.errs);
	member_str(b.o, "channel", &in.channel, &b.errs);
	member_int(b.o, "entry", 0, &in.entry_seq, &b.errs);
	member_str(b.o, "reason", &in.reason, &b.errs);
	member_str(b.o, "date", &in.received_on, &b.errs);
	char today[11];
	date_today(today);
	if (!*in.received_on)
		in.received_on = today;
	if (!strcmp(in.channel, "online"))
		errlist_add(&b.errs, "channel: 网上异议由农户在积分存折中提出");
	int64_t id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = objection_add(r->db, r->a, &b.who, v, &in, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "登记异议时出错。"))
		one_answer(r, v, id, 201);
	api_body_free(&b);
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
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	const char *decision;
	struct objection_decision dec = {0};
	member_str(b.o, "decision", &decision, &b.errs);
	member_str(b.o, "reason", &dec.reason, &b.errs);
	member_int(b.o, "entry", 0, &dec.entry_seq, &b.errs);
	member_int(b.o, "points", 0, &dec.points, &b.errs);
	member_str(b.o, "item", &dec.item_code, &b.errs);
	member_str(b.o, "date", &dec.date, &b.errs);
	dec.uphold = !strcmp(decision, "uphold");
	if (!b.errs.n && !dec.uphold && strcmp(decision, "reject"))
		errlist_add(&b.errs, "decision: 应为 reject（不予支持）或 uphold（采纳）");
	else if (!b.errs.n && !dec.uphold && (dec.entry_seq || dec.points || *dec.item_code))
		errlist_add(&b.errs, "decision: 不予支持时不能给出更正或补记");
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = objection_decide(r->db, r->a, &b.who, v, id, &dec, &b.errs);
	if (!api_refused(r, rc, 0, &b.errs, "答复异议时出错，没有记入台账。"))
		one_answer(r, v, id, 200);
	api_body_free(&b);
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
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	char today[11];
	date_today(today);
	struct objection_input in = {.household_code = h->code, .channel = "online",
				     .received_on = today};
	member_str(b.o, "quarter", &in.quarter, &b.errs);
	member_int(b.o, "entry", 0, &in.entry_seq, &b.errs);
	member_str(b.o, "reason", &in.reason, &b.errs);
	struct actor who = {0, arena_printf(r->a, "household:%s", h->code), r->ip};
	int64_t id = 0;
	int rc = b.errs.n ? 1 : objection_add(r->db, r->a, &who, v, &in, &b.errs, &id);
	if (!api_refused(r, rc, 0, &b.errs, "提交异议时出错。"))
		one_answer(r, v, id, 201);
	api_body_free(&b);
}

const struct route objection_api_routes[] = {
	{"GET", "/api/v1/villages/*/objections", api_objections, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/objections", api_objection_add, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/objections/*/decide", api_objection_decide, ROLES_ADMIN, 0},
	{"GET", "/api/v1/passbook/objections", api_passbook_objections, ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/passbook/objections", api_passbook_objection_add, ROLE_HOUSEHOLD, 0},
	{0},
};
