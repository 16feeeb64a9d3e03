/*
** api_sheet.c — the JSON API of monthly sheets, their entries, the
** workflow and evidence photos (docs/api.md), over sheet.c:
**
**   GET  /api/v1/villages/CODE/sheets                      staff of the village
**   GET  /api/v1/villages/CODE/sheets/YYYY-MM              with entries
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/entries      {household,item,quantity,date,note,photo}
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/entries/ID/remove
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/submit
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/return       {reason}            admins
**   POST /api/v1/villages/CODE/sheets/YYYY-MM/approve      {meeting_date,attendees,resolution} admins
**   POST /api/v1/villages/CODE/evidence                    a JPEG/PNG body -> {hash}
**
** 409 when the sheet's state does not allow the change.
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
	json_int_or_null(r, "submitted_at", s->submitted_at);
	json_str(r, "returned_by", s->returned_by);
	json_str(r, "return_reason", s->return_reason);
	json_int_or_null(r, "approval_id", s->approval_id);
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

/* Answer the sheet of month with its approval and one page of its entries
** (?after=ENTRY&limit=N, at most SHEET_PAGE_MAX; "next": the next page's
** URL when there is one), with status. */
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
	int64_t after = req_query_int_or_400(r, "after", 0, 0, INT64_MAX, NULL), next;
	int64_t limit = after < 0 ? -1
				  : req_query_int_or_400(r, "limit", SHEET_PAGE_DEFAULT, 1,
							 SHEET_PAGE_MAX, NULL);
	if (limit < 0)
		return;
	if (sheet_entries_page(r->db, r->a, v->id, s->id, after, (int)limit, &rows, &n, &next) ||
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
		json_int_or_null(r, "declaration_id", e->declaration_id);
		json_str(r, "recorded_by", e->recorded_by);
		json_int(r, "created_at", e->created_at);
		json_end_obj(r);
	}
	json_end_arr(r);
	/* only when there is more, so that a sheet of one page answers as before */
	if (next)
		json_str(r, "next", arena_printf(r->a, "/api/v1/villages/%s/sheets/%s?after=%lld&limit=%lld",
						 url_encode(r->a, v->code), month, (long long)next,
						 (long long)limit));
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

/* Answer what the sheet area answered: when it refused for the sheet's
** state (errlist.refusal), 409 with that status and what cannot be done,
** or 404 when the month has no sheet; any other refusal as api_refused().
** Returns rc. */
static int sheet_refused(struct req *r, int rc, int not_found, const errlist *errs,
			 const char *month, const char *what, const char *fail_msg)
{
	if (rc > 0 && errs->refusal == REFUSED_CONFLICT) {
		http_error(r, 409, arena_printf(r->a, "%s 积分表%s，%s", month,
						sheet_status_label(errs->state), what));
		return rc;
	}
	if (rc > 0 && errs->refusal == REFUSED_NOT_FOUND) {
		http_error(r, 404, "这个月还没有积分表。");
		return rc;
	}
	return api_refused(r, rc, not_found, errs, fail_msg);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/entries:
** {household, item, quantity, date, note, photo} -> 201 {id, month, ...} */
static void api_entry_add(struct req *r)
{
	struct village *v;
	const char *month;
	struct api_body b;
	if (api_village_month_body(r, &v, &month, &b))
		return;
	struct entry_input in = {0};
	const char *photo;
	member_str(b.o, "household", &in.household_code, &b.errs);
	member_str(b.o, "item", &in.item_code, &b.errs);
	member_int(b.o, "quantity", 1, &in.quantity, &b.errs);
	if (in.quantity == 0) /* a 0 sent is refused, as the CSV refuses it (0 means 1 inside) */
		in.quantity = -1;
	member_str(b.o, "date", &in.date, &b.errs);
	member_str(b.o, "note", &in.note, &b.errs);
	member_str(b.o, "photo", &photo, &b.errs);
	in.photo = *photo ? photo : NULL;
	int64_t id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = entry_add(r->db, &b.who, v, month, &in, &b.errs, &id);
	if (!sheet_refused(r, rc, 0, &b.errs, month, "不能再记入", "记入时出错，没有保存。")) {
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
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/entries/ID/remove */
static void api_entry_remove(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	int64_t id = req_id_or_404(r, r->arg[2], "没有这条积分记录。");
	if (!id)
		return;
	int rc = entry_remove(r->db, &a.who, a.v, id, &a.errs);
	if (!sheet_refused(r, rc, SHEET_NOT_FOUND, &a.errs, a.month, "不能删除记录",
			   "删除时出错，没有删除。")) {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "removed", id);
		json_end_obj(r);
		json_send(r, 200);
	}
	errlist_free(&a.errs);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/submit -> the sheet */
static void api_submit(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	int rc = sheet_submit(r->db, &a.who, a.v, a.month, &a.errs);
	if (!sheet_refused(r, rc, 0, &a.errs, a.month, "不能再提交", "提交时出错。"))
		send_sheet(r, a.v, a.month, 200);
	errlist_free(&a.errs);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/return: {reason} -> the sheet */
static void api_return(struct req *r)
{
	struct village *v;
	const char *month;
	struct api_body b;
	if (api_village_month_body(r, &v, &month, &b))
		return;
	const char *reason;
	member_str(b.o, "reason", &reason, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = sheet_return(r->db, &b.who, v, month, reason, &b.errs);
	if (!sheet_refused(r, rc, 0, &b.errs, month, "只有已提交的积分表可以退回",
			   "退回时出错。"))
		send_sheet(r, v, month, 200);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/sheets/YYYY-MM/approve:
** {meeting_date, attendees, resolution} -> the approval */
static void api_approve(struct req *r)
{
	struct village *v;
	const char *month;
	struct api_body b;
	if (api_village_month_body(r, &v, &month, &b))
		return;
	struct approval_input in;
	member_str(b.o, "meeting_date", &in.meeting_date, &b.errs);
	member_str(b.o, "attendees", &in.attendees, &b.errs);
	member_str(b.o, "resolution", &in.resolution, &b.errs);
	struct approval *ap = NULL;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = sheet_approve(r->db, r->a, &b.who, v, month, &in, 0, &b.errs, &ap);
	if (!sheet_refused(r, rc, 0, &b.errs, month, "只有已提交的积分表可以审定",
			   "审定时出错，没有记入台账。")) {
		json_begin(r);
		json_obj(r, NULL);
		json_str(r, "village", v->code);
		json_obj(r, "approval");
		approval_fields(r, ap);
		json_end_obj(r);
		json_end_obj(r);
		json_send(r, 200);
	}
	api_body_free(&b);
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
	if (!api_refused(r, rc, 0, &errs, "保存照片时出错。")) {
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

const struct route sheet_api_routes[] = {
	{"GET", "/api/v1/villages/*/sheets", api_sheets, ROLES_VIEW, 0},
	{"GET", "/api/v1/villages/*/sheets/*", api_sheet, ROLES_VIEW, 0},
	{"POST", "/api/v1/villages/*/sheets/*/entries", api_entry_add, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/entries/*/remove", api_entry_remove, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/submit", api_submit, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/sheets/*/return", api_return, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/sheets/*/approve", api_approve, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/evidence", api_evidence, ROLES_ENTRY, ROUTE_UPLOAD},
	{0},
};
