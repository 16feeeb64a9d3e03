/*
** api_ledger.c — the JSON API of standards, monthly sheets, entries,
** approvals, the ledger, balances and declarations (docs/api.md), over the
** same area functions as the pages (standard.c, sheet.c, ledger.c) and with
** the same access rules:
**
**   GET  /api/v1/session                                   who am I, CSRF token
**   GET  /api/v1/standard/template                         public
**   GET  /api/v1/villages/CODE/standard                    public: in force today
**   GET  /api/v1/villages/CODE/standard/versions[/ID]      public
**   GET  /api/v1/villages/CODE/sheets                      staff of the village
**   GET  /api/v1/villages/CODE/sheets/YYYY-MM              with entries
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/entries      {household,item,quantity,date,note,photo}
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/entries/ID/remove
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/submit
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/return       {reason}            admins
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/approve      {meeting_date,attendees,resolution} admins
**   POST /api/v1/villages/CODE/evidence                    a JPEG/PNG body -> {hash}
**   GET  /api/v1/villages/CODE/balances                    also shopkeepers
**   GET  /api/v1/villages/CODE/ledger?household=CODE
**   POST /api/v1/villages/CODE/ledger/ID/correct           {amount,reason}     admins
**   GET  /api/v1/villages/CODE/declarations?status=
**   POST /api/v1/villages/CODE/declarations/ID/accept      {item}
**   POST /api/v1/villages/CODE/declarations/ID/decline     {reason}
**
** POST bodies are JSON objects parsed with jansson; POSTs carry the
** session's CSRF token in the X-CSRF-Token header (checked by the
** dispatcher).  Errors are {"error": "中文", "errors": [...]} with 400 (bad
** input), 403 (role), 404 (unknown, or another village's), 409 (the sheet's
** state does not allow it).
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


enum { LEDGER_LIMIT = 100, LEDGER_LIMIT_MAX = 1000 };

/* ---- helpers ------------------------------------------------------------------ */

/* ---- standards --------------------------------------------------------------------- */

/* The fields of a version (and its items when loaded) into the open object. */
static void version_fields(struct req *r, const struct std_version *sv)
{
	const struct std_adoption *ad = &sv->adoption;
	if (sv->id)
		json_int(r, "id", sv->id);
	else
		json_null(r, "id");
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
	if (sv->based_on)
		json_int(r, "based_on", sv->based_on);
	else
		json_null(r, "based_on");
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
		if (it->cap_month)
			json_int(r, "cap_month", it->cap_month);
		else
			json_null(r, "cap_month");
		if (it->cap_year)
			json_int(r, "cap_year", it->cap_year);
		else
			json_null(r, "cap_year");
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

/* ---- sheets ------------------------------------------------------------------------- */

static void sheet_fields(struct req *r, const struct sheet *s)
{
	json_str(r, "month", s->month);
	json_str(r, "status", sheet_status_name(s->status));
	json_str(r, "status_label", sheet_status_label(s->status));
	json_int(r, "entries", s->entry_count);
	json_int(r, "households", s->households);
	json_int(r, "points_plus", s->points_plus);
	json_int(r, "points_minus", s->points_minus);
	json_int(r, "points_total", s->points_plus + s->points_minus);
	json_str(r, "submitted_by", s->submitted_by);
	if (s->submitted_at)
		json_int(r, "submitted_at", s->submitted_at);
	else
		json_null(r, "submitted_at");
	json_str(r, "returned_by", s->returned_by);
	json_str(r, "return_reason", s->return_reason);
	if (s->approval_id)
		json_int(r, "approval_id", s->approval_id);
	else
		json_null(r, "approval_id");
}

static void approval_fields(struct req *r, const struct approval *ap)
{
	json_int(r, "id", ap->id);
	json_str(r, "month", ap->month);
	json_str(r, "meeting_date", ap->meeting_date);
	json_str(r, "attendees", ap->attendees);
	json_str(r, "resolution", ap->resolution);
	json_str(r, "approved_by", ap->approved_by);
	json_int(r, "approved_at", ap->approved_at);
	json_int(r, "entry_count", ap->entry_count);
	json_int(r, "points_total", ap->points_total);
	if (ap->seq_first) {
		json_int(r, "seq_first", ap->seq_first);
		json_int(r, "seq_last", ap->seq_last);
	} else {
		json_null(r, "seq_first");
		json_null(r, "seq_last");
	}
	json_str(r, "head_hash", ap->head_hash);
}

/* GET /api/v1/villages/CODE/sheets */
static void api_sheets(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct sheet *rows;
	int n;
	if (sheet_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取月度积分表时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "sheets");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		sheet_fields(r, &rows[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* Answer the sheet of month with its entries and approval (status). */
static void send_sheet(struct req *r, const struct village *v, const char *month, int status)
{
	struct sheet *s;
	int rc = sheet_get(r->db, r->a, v->id, month, &s);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404,
			   rc < 0 ? "读取积分表时出错。" : "这个月还没有积分表（记入第一条时建立）。");
		return;
	}
	struct entry *rows;
	int n;
	struct approval *ap = NULL;
	if (sheet_entries(r->db, r->a, v->id, s->id, 0, &rows, &n) ||
	    (s->approval_id && approval_get(r->db, r->a, v->id, s->approval_id, &ap) < 0)) {
		http_error(r, 500, "读取积分记录时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	sheet_fields(r, s);
	if (ap) {
		json_obj(r, "approval");
		approval_fields(r, ap);
		json_end_obj(r);
	} else
		json_null(r, "approval");
	json_arr(r, "entries");
	for (int i = 0; i < n; i++) {
		const struct entry *e = &rows[i];
		json_obj(r, NULL);
		json_int(r, "id", e->id);
		json_str(r, "household", e->household_code);
		json_str(r, "household_name", e->household_name);
		json_str(r, "item", e->item_code);
		json_str(r, "item_name", e->item_name);
		json_str(r, "category", e->category);
		json_int(r, "version_id", e->version_id);
		json_str(r, "date", e->date);
		json_int(r, "quantity", e->quantity);
		json_int(r, "points", e->points);
		json_str(r, "note", e->note);
		json_str(r, "photo", e->photo && *e->photo ? e->photo : NULL);
		if (e->declaration_id)
			json_int(r, "declaration_id", e->declaration_id);
		else
			json_null(r, "declaration_id");
		json_str(r, "recorded_by", e->recorded_by);
		json_int(r, "created_at", e->created_at);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, status);
}

/* GET /api/v1/villages/CODE/sheets/YYYY-MM */
static void api_sheet(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (month)
		send_sheet(r, v, month, 200);
}

/* The sheet's status when it exists (-1: none), or answers 500 (-2). */
static int sheet_status_or_500(struct req *r, const struct village *v, const char *month)
{
	struct sheet *s;
	int rc = sheet_get(r->db, r->a, v->id, month, &s);
	if (rc < 0) {
		http_error(r, 500, "读取积分表时出错。");
		return -2;
	}
	return rc ? -1 : s->status;
}

/* Answer 409 with the sheet's status in the message. */
static void conflict(struct req *r, const char *month, int status, const char *what)
{
	http_error(r, 409, arena_printf(r->a, "%s 积分表%s，%s", month, sheet_status_label(status),
					what));
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/entries:
** {household, item, quantity, date, note, photo} -> 201 {id, month, ...} */
static void api_entry_add(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	int st = sheet_status_or_500(r, v, month);
	if (st == -2)
		return;
	if (st == SHEET_SUBMITTED || st == SHEET_APPROVED) {
		conflict(r, month, st, "不能再记入");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	struct entry_input in = {0};
	const char *photo;
	member_str(o, "household", &in.household_code, &errs);
	member_str(o, "item", &in.item_code, &errs);
	member_int(o, "quantity", 1, &in.quantity, &errs);
	member_str(o, "date", &in.date, &errs);
	member_str(o, "note", &in.note, &errs);
	member_str(o, "photo", &photo, &errs);
	in.photo = *photo ? photo : NULL;
	int64_t id = 0;
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = entry_add(r->db, &who, v, month, &in, &errs, &id);
	}
	if (rc < 0)
		http_error(r, 500, "记入时出错，没有保存。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "id", id);
		json_str(r, "village", v->code);
		json_str(r, "month", month);
		json_str(r, "household", in.household_code);
		json_str(r, "item", in.item_code);
		json_int(r, "quantity", in.quantity);
		json_str(r, "date", in.date);
		json_end_obj(r);
		json_send(r, 201);
	}
	json_decref(o);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/entries/ID/remove */
static void api_entry_remove(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	int64_t id = parse_id(r->arg[2]);
	if (!id) {
		http_error(r, 404, "没有这条积分记录。");
		return;
	}
	int st = sheet_status_or_500(r, v, month);
	if (st == -2)
		return;
	if (st == SHEET_SUBMITTED || st == SHEET_APPROVED) {
		conflict(r, month, st, "不能删除记录");
		return;
	}
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = entry_remove(r->db, &who, v, id, &errs);
	if (rc < 0)
		http_error(r, 500, "删除时出错，没有删除。");
	else if (rc > 0)
		api_reject(r, rc == SHEET_NOT_FOUND ? 404 : 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "removed", id);
		json_end_obj(r);
		json_send(r, 200);
	}
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/submit -> the sheet */
static void api_submit(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	int st = sheet_status_or_500(r, v, month);
	if (st == -2)
		return;
	if (st == -1) {
		http_error(r, 404, "这个月还没有积分表。");
		return;
	}
	if (st == SHEET_SUBMITTED || st == SHEET_APPROVED) {
		conflict(r, month, st, "不能再提交");
		return;
	}
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = sheet_submit(r->db, &who, v, month, &errs);
	if (rc < 0)
		http_error(r, 500, "提交时出错。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else
		send_sheet(r, v, month, 200);
	errlist_free(&errs);
}

/* The sheet must be submitted for return/approve: answers 404/409 and
** returns -1 otherwise. */
static int require_submitted(struct req *r, const struct village *v, const char *month,
			     const char *what)
{
	int st = sheet_status_or_500(r, v, month);
	if (st == -2)
		return -1;
	if (st == -1) {
		http_error(r, 404, "这个月还没有积分表。");
		return -1;
	}
	if (st != SHEET_SUBMITTED) {
		conflict(r, month, st, what);
		return -1;
	}
	return 0;
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/return: {reason} -> the sheet */
static void api_return(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month || require_submitted(r, v, month, "只有已提交的积分表可以退回"))
		return;
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	const char *reason;
	member_str(o, "reason", &reason, &errs);
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = sheet_return(r->db, &who, v, month, reason, &errs);
	}
	if (rc < 0)
		http_error(r, 500, "退回时出错。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else
		send_sheet(r, v, month, 200);
	json_decref(o);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/approve:
** {meeting_date, attendees, resolution} -> the approval */
static void api_approve(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month || require_submitted(r, v, month, "只有已提交的积分表可以审定"))
		return;
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	struct approval_input in;
	member_str(o, "meeting_date", &in.meeting_date, &errs);
	member_str(o, "attendees", &in.attendees, &errs);
	member_str(o, "resolution", &in.resolution, &errs);
	struct approval *ap = NULL;
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = sheet_approve(r->db, r->a, &who, v, month, &in, 0, &errs, &ap);
	}
	if (rc < 0)
		http_error(r, 500, "审定时出错，没有记入台账。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_str(r, "village", v->code);
		json_obj(r, "approval");
		approval_fields(r, ap);
		json_end_obj(r);
		json_end_obj(r);
		json_send(r, 200);
	}
	json_decref(o);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/evidence: the photo as the body (or as the
** multipart file "photo") -> 201 {"hash"} for entries' "photo". */
static void api_evidence(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const struct param *f = req_file(r, "photo");
	const void *data = f ? (const void *)f->value : (const void *)r->body;
	size_t len = f ? f->len : r->body_len;
	char hash[65];
	errlist errs = {0};
	int rc = evidence_store(r->db, v->id, r->user->login, data, len, hash, &errs);
	if (rc < 0)
		http_error(r, 500, "保存照片时出错。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_str(r, "hash", hash);
		json_str(r, "url", arena_printf(r->a, "/v/%s/evidence/%s", url_encode(r->a, v->code),
						hash));
		json_end_obj(r);
		json_send(r, 201);
	}
	errlist_free(&errs);
}

/* ---- balances and the ledger --------------------------------------------------------- */

/* GET /api/v1/villages/CODE/balances */
static void api_balances(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int year = atoi(today);
	struct ledger_balance *rows;
	int n;
	if (ledger_balances(r->db, r->a, v->id, year, &rows, &n)) {
		http_error(r, 500, "读取积分余额时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_int(r, "year", year);
	json_arr(r, "balances");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_str(r, "household", rows[i].code);
		json_str(r, "name", rows[i].name);
		json_int(r, "balance", rows[i].balance);
		json_int(r, "year_points", rows[i].year_points);
		json_bool(r, "veto", rows[i].veto);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* The fields of a ledger entry into the open object. */
static void ledger_fields(struct req *r, const struct ledger_entry *e)
{
	json_int(r, "id", e->id);
	json_int(r, "seq", e->seq);
	json_str(r, "kind", e->kind);
	json_str(r, "household", e->household_code);
	json_str(r, "item", e->item_code);
	json_str(r, "item_name", e->item_name);
	if (e->version_id)
		json_int(r, "version_id", e->version_id);
	else
		json_null(r, "version_id");
	json_str(r, "month", e->month);
	json_str(r, "date", e->date);
	json_int(r, "quantity", e->quantity);
	json_int(r, "points", e->points);
	if (e->approval_id)
		json_int(r, "approval_id", e->approval_id);
	else
		json_null(r, "approval_id");
	json_str(r, "meeting_date", e->meeting_date);
	if (e->correction_of)
		json_int(r, "correction_of", e->correction_of);
	else
		json_null(r, "correction_of");
	json_int(r, "corrected", e->corrected);
	json_str(r, "reason", e->reason);
	json_str(r, "recorded_by", e->recorded_by);
	json_str(r, "note", e->note);
	json_str(r, "photo", e->photo && *e->photo ? e->photo : NULL);
	json_int(r, "posted_at", e->posted_at);
	json_str(r, "prev_hash", e->prev_hash);
	json_str(r, "hash", e->hash);
}

/* GET /api/v1/villages/CODE/ledger?household=CODE&offset=&limit= */
static void api_ledger(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *hc = req_query(r, "household");
	if (!hc || !*hc) {
		http_error(r, 400, "请用 household 参数指定户编号。");
		return;
	}
	int64_t offset = req_query_int_or_400(r, "offset", 0, 0, 100000000, NULL);
	if (offset < 0)
		return;
	int64_t limit = req_query_int_or_400(r, "limit", LEDGER_LIMIT, 1, LEDGER_LIMIT_MAX, NULL);
	if (limit < 0)
		return;
	struct household *h;
	int rc = household_get_by_code(r->db, r->a, v->id, hc, &h);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取农户信息时出错。" : "本村没有这一户。");
		return;
	}
	char today[11];
	date_today(today);
	struct ledger_summary sum;
	struct ledger_entry *rows;
	int n;
	int64_t total;
	if (ledger_household_summary(r->db, v->id, h->id, today, &sum) ||
	    ledger_household_entries(r->db, r->a, v->id, h->id, (int)offset, (int)limit, &rows, &n,
				     &total)) {
		http_error(r, 500, "读取积分台账时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_str(r, "household", h->code);
	json_str(r, "name", h->head_name);
	json_int(r, "balance", sum.balance);
	json_int(r, "year_points", sum.year_points);
	json_int(r, "quarter_points", sum.quarter_points);
	json_bool(r, "veto", sum.veto);
	json_int(r, "total", total);
	json_int(r, "offset", offset);
	json_int(r, "limit", limit);
	json_arr(r, "entries");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		if (!rows[i].household_code)
			rows[i].household_code = h->code;
		ledger_fields(r, &rows[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/ledger/ID/correct: {amount, reason} -> 201
** the correction entry */
static void api_correct(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	struct ledger_entry *e = NULL;
	int rc = id ? ledger_entry_get(r->db, r->a, v->id, id, &e) : 1;
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取积分台账时出错。" : "本村台账没有这一条。");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	int64_t amount;
	const char *reason;
	member_int(o, "amount", 0, &amount, &errs);
	member_str(o, "reason", &reason, &errs);
	struct ledger_entry *out = NULL;
	rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = ledger_correct(r->db, r->a, &who, v, id, amount, reason, &errs, &out);
	}
	if (rc < 0)
		http_error(r, 500, "更正时出错，没有记入台账。");
	else if (rc > 0)
		api_reject(r, 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_str(r, "village", v->code);
		json_obj(r, "correction");
		if (!out->household_code)
			out->household_code = e->household_code;
		ledger_fields(r, out);
		json_end_obj(r);
		json_end_obj(r);
		json_send(r, 201);
	}
	json_decref(o);
	errlist_free(&errs);
}

/* ---- declarations ------------------------------------------------------------------------ */

/* GET /api/v1/villages/CODE/declarations?status=pending|accepted|declined */
static void api_declarations(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *sq = req_query(r, "status");
	int status = -1;
	if (sq && *sq) {
		static const char *const names[] = {"pending", "accepted", "declined"};
		for (int i = 0; i < 3; i++)
			if (!strcmp(sq, names[i]))
				status = i;
		if (status < 0) {
			http_error(r, 400, "status 应为 pending、accepted 或 declined。");
			return;
		}
	}
	struct declaration *rows;
	int n;
	if (declaration_list(r->db, r->a, v->id, 0, status, &rows, &n)) {
		http_error(r, 500, "读取积分申报时出错。");
		return;
	}
	static const char *const status_names[] = {"pending", "accepted", "declined"};
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "declarations");
	for (int i = 0; i < n; i++) {
		const struct declaration *d = &rows[i];
		json_obj(r, NULL);
		json_int(r, "id", d->id);
		json_str(r, "household", d->household_code);
		json_str(r, "household_name", d->household_name);
		json_str(r, "item", d->item_code);
		json_str(r, "date", d->date);
		json_str(r, "note", d->note);
		json_str(r, "photo", d->photo && *d->photo ? d->photo : NULL);
		json_str(r, "status", d->status >= 0 && d->status < 3 ? status_names[d->status] : "");
		json_str(r, "status_label", declaration_status_label(d->status));
		json_str(r, "decline_reason", d->decline_reason);
		if (d->entry_id)
			json_int(r, "entry_id", d->entry_id);
		else
			json_null(r, "entry_id");
		json_str(r, "decided_by", d->decided_by);
		json_int(r, "created_at", d->created_at);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/declarations/ID/accept: {item} -> {entry_id} */
static void api_declaration_accept(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	if (!id) {
		http_error(r, 404, "没有这条申报。");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	const char *item;
	member_str(o, "item", &item, &errs);
	int64_t entry_id = 0;
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = declaration_accept(r->db, &who, v, id, item, &errs, &entry_id);
	}
	if (rc < 0)
		http_error(r, 500, "采纳时出错，没有保存。");
	else if (rc > 0)
		api_reject(r, rc == SHEET_NOT_FOUND ? 404 : 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "id", id);
		json_str(r, "status", "accepted");
		json_int(r, "entry_id", entry_id);
		json_end_obj(r);
		json_send(r, 200);
	}
	json_decref(o);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/declarations/ID/decline: {reason} */
static void api_declaration_decline(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	if (!id) {
		http_error(r, 404, "没有这条申报。");
		return;
	}
	json_t *o = body_or_400(r);
	if (!o)
		return;
	errlist errs = {0};
	const char *reason;
	member_str(o, "reason", &reason, &errs);
	int rc = errs.n ? 1 : 0;
	if (!rc) {
		struct actor who = req_actor(r);
		rc = declaration_decline(r->db, &who, v, id, reason, &errs);
	}
	if (rc < 0)
		http_error(r, 500, "保存时出错。");
	else if (rc > 0)
		api_reject(r, rc == SHEET_NOT_FOUND ? 404 : 400, &errs);
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "id", id);
		json_str(r, "status", "declined");
		json_end_obj(r);
		json_send(r, 200);
	}
	json_decref(o);
	errlist_free(&errs);
}

const struct route ledger_api_routes[] = {
	{"GET", "/api/v1/session", api_session, ROLE_ANY, 0},
	{"GET", "/api/v1/standard/template", api_template, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard", api_standard, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard/versions", api_versions, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/standard/versions/*", api_version, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/sheets", api_sheets, ROLES_VIEW, 0},
	{"GET", "/api/v1/villages/*/sheets/*", api_sheet, ROLES_VIEW, 0},
	{"POST", "/api/v1/villages/*/sheets/*/entries", api_entry_add, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/entries/*/remove", api_entry_remove, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/submit", api_submit, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/return", api_return, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/sheets/*/approve", api_approve, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/evidence", api_evidence, ROLES_ENTRY, ROUTE_UPLOAD},
	{"GET", "/api/v1/villages/*/balances", api_balances, ROLES_BALANCE, 0},
	{"GET", "/api/v1/villages/*/ledger", api_ledger, ROLES_VIEW, 0},
	{"POST", "/api/v1/villages/*/ledger/*/correct", api_correct, ROLES_ADMIN, 0},
	{"GET", "/api/v1/villages/*/declarations", api_declarations, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/declarations/*/accept", api_declaration_accept, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/declarations/*/decline", api_declaration_decline, ROLES_ENTRY,
	 0},
	{0},
};
