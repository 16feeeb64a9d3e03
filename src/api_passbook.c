/*
** api_passbook.c — the passbook as JSON, over the same passbook_load() as
** the pages and with the same access rules:
**
**   GET /api/v1/passbook?page=&per_page=      the logged-in household's own
**   GET /api/v1/p/TOKEN?page=&per_page=       read-only by card token, no
**                                             login; 404 unknown/revoked
**
** {"village":{"code","name"},"household":{"code","head_name"},
**  "as_of":"YYYY-MM-DD","year":2024,"quarter":3,"balance":N,
**  "year_points":N,"quarter_points":N,"veto":false,
**  "page":1,"per_page":50,"pages":1,"total":N,
**  "entries":[{"id","seq","kind","date","month","item_code","item_name",
**              "category","quantity","points","note","photo",
**              "approval":{"id","meeting_date","month","resolution"}|null,
**              "correction_of":ID|null,"reason","corrected"}],
**  "declarations":[{"id","date","item_code","note","photo","status",
**                   "status_label","decline_reason"}]}
**
** A household session never names a household: the id comes from the
** session.  Errors are {"error": "中文说明"} with the HTTP status.
*/
#include <string.h>

#include "api.h"
#include "page_passbook.h"
#include "passbook.h"
#include "req.h"

void passbook_json(struct req *r, const struct passbook *pb)
{
	json_begin(r);
	json_obj(r, NULL);
	json_obj(r, "village");
	json_str(r, "code", pb->village->code);
	json_str(r, "name", pb->village->name);
	json_end_obj(r);
	json_obj(r, "household");
	json_str(r, "code", pb->household->code);
	json_str(r, "head_name", pb->household->head_name);
	json_end_obj(r);
	json_str(r, "as_of", pb->today);
	json_int(r, "year", pb->year);
	json_int(r, "quarter", pb->quarter);
	json_int(r, "balance", pb->sum.balance);
	json_int(r, "year_points", pb->sum.year_points);
	json_int(r, "quarter_points", pb->sum.quarter_points);
	json_bool(r, "veto", pb->sum.veto);
	json_int(r, "page", pb->page);
	json_int(r, "per_page", pb->per_page);
	json_int(r, "pages", pb->pages);
	json_int(r, "total", pb->total);
	json_arr(r, "entries");
	for (int i = 0; i < pb->n; i++) {
		const struct ledger_entry *e = &pb->entries[i];
		json_obj(r, NULL);
		json_int(r, "id", e->id);
		json_int(r, "seq", e->seq);
		json_str(r, "kind", ledger_kind_word(e->kind));
		json_str(r, "date", e->date);
		json_str(r, "month", e->month);
		json_str(r, "item_code", e->item_code);
		json_str(r, "item_name", e->item_name);
		json_str(r, "category", e->category);
		json_int(r, "quantity", e->quantity);
		json_int(r, "points", e->points);
		json_str(r, "note", e->note);
		json_str(r, "photo", e->photo && *e->photo ? e->photo : NULL);
		if (pb->approval[i]) {
			json_obj(r, "approval");
			json_int(r, "id", pb->approval[i]->id);
			json_str(r, "meeting_date", pb->approval[i]->meeting_date);
			json_str(r, "month", pb->approval[i]->month);
			json_str(r, "resolution", pb->approval[i]->resolution);
			json_end_obj(r);
		} else
			json_null(r, "approval");
		json_int_or_null(r, "correction_of", e->correction_of);
		json_str(r, "reason", e->reason);
		json_int(r, "corrected", e->corrected);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_arr(r, "declarations");
	for (int i = 0; i < pb->ndecls; i++) {
		const struct declaration *dc = &pb->decls[i];
		json_obj(r, NULL);
		json_int(r, "id", dc->id);
		json_str(r, "date", dc->date);
		json_str(r, "item_code", dc->item_code);
		json_str(r, "note", dc->note);
		json_str(r, "photo", dc->photo);
		json_str(r, "status", dc->status == DECL_ACCEPTED   ? "accepted"
				      : dc->status == DECL_DECLINED ? "declined"
								    : "pending");
		json_str(r, "status_label", declaration_status_label(dc->status));
		json_str(r, "decline_reason", dc->decline_reason);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
}

/* 1 when the request asks for the first page at the default size: what
** the stored passbook holds. */
static int first_page(struct req *r)
{
	return !req_query(r, "page") && !req_query(r, "per_page");
}

/* Load and answer the passbook of household_id of village_id. */
static void passbook_reply(struct req *r, int64_t village_id, int64_t household_id)
{
	struct passbook pb;
	int rc = passbook_load(r->db, r->a, village_id, household_id,
			       (int)req_query_int(r, "page", 1, 1, 1000000),
			       (int)req_query_int(r, "per_page", PASSBOOK_PER_PAGE, 1, PASSBOOK_PER_PAGE_MAX),
			       &pb);
	if (rc > 0) {
		http_error(r, 404, "找不到这一户的积分存折。");
		return;
	}
	if (rc < 0) {
		http_error(r, 500, "读取积分存折时出错，请稍后再试。");
		return;
	}
	passbook_json(r, &pb);
	json_send(r, 200);
	passbook_conditional(r);
}

/* GET /api/v1/passbook: the logged-in household's own passbook. */
static void api_passbook(struct req *r)
{
	if (first_page(r))
		passbook_answer_stored(r, NULL, 1);
	else
		passbook_reply(r, r->user->village_id, r->user->id);
}

/* GET /api/v1/p/TOKEN: the passbook a card token opens. */
static void api_token(struct req *r)
{
	int64_t vid, hid;
	if (first_page(r)) {
		passbook_answer_stored(r, r->arg[0], 1);
		return;
	}
	int rc = passbook_token_resolve(r->db, r->arg[0], &vid, &hid);
	if (rc > 0)
		http_error(r, 404, "这张积分卡无效或已作废。");
	else if (rc < 0)
		http_error(r, 500, "读取积分存折时出错，请稍后再试。");
	else {
		http_header(r, "X-Robots-Tag", "noindex, nofollow");
		passbook_reply(r, vid, hid);
	}
}

const struct route passbook_api_routes[] = {
	{"GET", "/api/v1/passbook", api_passbook, ROLE_HOUSEHOLD, 0},
	{"GET", "/api/v1/p/*", api_token, 0, ROUTE_PUBLIC},
	{0},
};
