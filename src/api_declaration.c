/*
** api_declaration.c — the JSON API of households' declarations
** (docs/api.md), over declaration.c:
**
**   GET  /api/v1/villages/CODE/declarations?status=
**   POST /api/v1/villages/CODE/declarations/ID/accept      {item}
**   POST /api/v1/villages/CODE/declarations/ID/decline     {reason}
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

/* ---- declarations ------------------------------------------------------------------------ */

/* GET /api/v1/villages/CODE/declarations?status=pending|accepted|declined&before=ID&limit=N:
** newest first, one page (at most DECL_LIST_MAX), "next" when there is more */
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
	int64_t before = req_query_int_or_400(r, "before", 0, 0, INT64_MAX, NULL), next;
	int64_t limit = before < 0 ? -1
				   : req_query_int_or_400(r, "limit", DECL_LIST_MAX, 1, DECL_LIST_MAX,
							  NULL);
	if (limit < 0)
		return;
	if (declaration_list_page(r->db, r->a, v->id, 0, status, before, (int)limit, &rows, &n,
				  &next)) {
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
		json_int_or_null(r, "entry_id", d->entry_id);
		json_str(r, "decided_by", d->decided_by);
		json_int(r, "created_at", d->created_at);
		json_end_obj(r);
	}
	json_end_arr(r);
	/* only when there is more: a short list answers as before */
	if (next)
		json_str(r, "next",
			 arena_printf(r->a, "/api/v1/villages/%s/declarations?%s%sbefore=%lld&limit=%lld",
				      url_encode(r->a, v->code), sq && *sq ? "status=" : "",
				      sq && *sq ? arena_printf(r->a, "%s&", sq) : "", (long long)next,
				      (long long)limit));
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/declarations/ID/accept: {item} -> {entry_id} */
static void api_declaration_accept(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (api_village_id_body(r, &v, &id, "没有这条申报。", &b))
		return;
	const char *item;
	member_str(b.o, "item", &item, &b.errs);
	int64_t entry_id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = declaration_accept(r->db, &b.who, v, id, item, &b.errs, &entry_id);
	if (!api_refused(r, rc, SHEET_NOT_FOUND, &b.errs, "采纳时出错，没有保存。")) {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "id", id);
		json_str(r, "status", "accepted");
		json_int(r, "entry_id", entry_id);
		json_end_obj(r);
		json_send(r, 200);
	}
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/declarations/ID/decline: {reason} */
static void api_declaration_decline(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (api_village_id_body(r, &v, &id, "没有这条申报。", &b))
		return;
	const char *reason;
	member_str(b.o, "reason", &reason, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = declaration_decline(r->db, &b.who, v, id, reason, &b.errs);
	if (!api_refused(r, rc, SHEET_NOT_FOUND, &b.errs, "保存时出错。")) {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "id", id);
		json_str(r, "status", "declined");
		json_end_obj(r);
		json_send(r, 200);
	}
	api_body_free(&b);
}

const struct route declaration_api_routes[] = {
	{"GET", "/api/v1/villages/*/declarations", api_declarations, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/declarations/*/accept", api_declaration_accept, ROLES_ENTRY, 0},
	{"POST", "/api/v1/villages/*/declarations/*/decline", api_declaration_decline, ROLES_ENTRY,
	 0},
	{0},
};
