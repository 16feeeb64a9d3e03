/*
** api_ledger.c — the JSON API of the ledger and balances (docs/api.md),
** over ledger.c, with the same access rules as the pages:
**
**   GET  /api/v1/villages/CODE/balances                    also shopkeepers
**   GET  /api/v1/villages/CODE/ledger?household=CODE
**   POST /api/v1/villages/CODE/ledger/ID/correct           {amount,reason}     admins
**
** The API's conventions (JSON bodies, X-CSRF-Token, {"error", "errors"}
** with 400/403/404/409) are api.h's; the other endpoints are in
** api_auth.c, api_standard.c, api_sheet.c and api_declaration.c.
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
	json_str(r, "kind", ledger_kind_word(e->kind));
	json_str(r, "household", e->household_code);
	json_str(r, "item", e->item_code);
	json_str(r, "item_name", e->item_name);
	json_int_or_null(r, "version_id", e->version_id);
	json_str(r, "month", e->month);
	json_str(r, "date", e->date);
	json_int(r, "quantity", e->quantity);
	json_int(r, "points", e->points);
	json_int_or_null(r, "approval_id", e->approval_id);
	json_str(r, "meeting_date", e->meeting_date);
	json_int_or_null(r, "correction_of", e->correction_of);
	json_int(r, "corrected", e->corrected);
	json_str(r, "reason", e->reason);
	json_str(r, "recorded_by", e->recorded_by);
	json_str(r, "note", e->note);
	json_str(r, "photo", e->photo && *e->photo ? e->photo : NULL);
	json_int(r, "posted_at", e->posted_at);
	json_str(r, "prev_hash", e->prev_hash);
	json_str(r, "hash", e->hash);
}

/* GET /api/v1/villages/CODE/ledger?household=CODE&after=&limit= (or
** &offset=): a page of the household's entries; "next", the URL of the
** page after it, when more follow (by cursor: after=its last entry). */
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
	int64_t after = req_query_int_or_400(r, "after", 0, 1, INT64_MAX, NULL);
	if (after < 0)
		return;
	if (after && offset) {
		http_error(r, 400, "after 和 offset 只能用一个：after 接着上一页的最后一条。");
		return;
	}
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
	int more = 0;
	if (ledger_household_summary(r->db, v->id, h->id, today, &sum) ||
	    ledger_household_entries(r->db, r->a, v->id, h->id, (int)offset,
				     after ? 0 : (int)limit, &rows, &n, &total)) {
		http_error(r, 500, "读取积分台账时出错。");
		return;
	}
	if (!after)
		more = offset + n < total;
	else if ((rc = ledger_household_entries_after(r->db, r->a, v->id, h->id, after, (int)limit,
						      &rows, &n, &more))) {
		http_error(r, rc < 0 ? 500 : 400,
			   rc < 0 ? "读取积分台账时出错。" : "after: 不是这一户的台账记录。");
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
	if (more && n)
		json_str(r, "next",
			 arena_printf(r->a, "/api/v1/villages/%s/ledger?household=%s&after=%lld&limit=%lld",
				      url_encode(r->a, v->code), url_encode(r->a, h->code),
				      (long long)rows[n - 1].id, (long long)limit));
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/ledger/ID/correct: {amount, reason} -> 201
** the correction entry */
static void api_correct(struct req *r)
{
	struct village *v;
	struct ledger_entry *e = req_village_ledger_entry_or_404(r, &v);
	if (!e)
		return;
	int64_t id = e->id;
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	int64_t amount;
	const char *reason;
	member_int(b.o, "amount", 0, &amount, &b.errs);
	member_str(b.o, "reason", &reason, &b.errs);
	struct ledger_entry *out = NULL;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = ledger_correct(r->db, r->a, &b.who, v, id, amount, reason, &b.errs, &out);
	if (!api_refused(r, rc, 0, &b.errs, "更正时出错，没有记入台账。")) {
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
	api_body_free(&b);
}

const struct route ledger_api_routes[] = {
	{"GET", "/api/v1/villages/*/balances", api_balances, ROLES_BALANCE, 0},
	{"GET", "/api/v1/villages/*/ledger", api_ledger, ROLES_VIEW, 0},
	{"POST", "/api/v1/villages/*/ledger/*/correct", api_correct, ROLES_ADMIN, 0},
	{0},
};
