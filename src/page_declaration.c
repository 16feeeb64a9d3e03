/*
** page_declaration.c — the scorers' queue of households' declarations
** (积分申报): accept one into an entry of its month's sheet, or decline it
** with a reason the household sees.  Households declare on the passbook
** pages (page_passbook.c).
**
**   GET  /v/CODE/declarations                 the declarations queue
**   POST /v/CODE/declarations/ID/accept|decline
**
** The rules are in declaration.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "html.h"
#include "ledger.h"
#include "page.h"
#include "req.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* ---- declarations (积分申报) ------------------------------------------------------------ */

/* The declarations page: the pending queue with accept/decline forms, then
** the latest decided ones.  errs/decl_id: a refused decision to show. */
static void declarations_page(struct req *r, const struct village *v, const errlist *errs,
			      int64_t decl_id, const char *reason)
{
	const char *vc = url_encode(r->a, v->code);
	struct declaration *pend, *all;
	int np, na;
	struct std_book book;
	if (declaration_list(r->db, r->a, v->id, 0, DECL_PENDING, &pend, &np) ||
	    declaration_list(r->db, r->a, v->id, 0, -1, &all, &na) ||
	    standard_book_load(r->db, r->a, v->id, &book)) {
		http_error(r, 500, "读取积分申报时出错。");
		return;
	}
	if (errs && errs->n)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · 积分申报", v->name));
	if (req_query(r, "accepted") && !errs)
		html_notice(r, "已采纳，记入积分表（日期仍为申报的日期）。");
	if (req_query(r, "declined") && !errs)
		html_notice(r, "已不予采纳，农户可以看到原因。");
	page_error_list(r, errs, PAGE_NOT_SAVED);
	html_raw(r, "<p class=\"hint\">农户自己申报的好人好事。采纳后按所选积分项目记入申报日期"
		    "所在月份的积分表（仍需村两委审定）；那个月已经审定的，记入之后最近的草稿积分表"
		    "（没有就记入本月），日期不变。不予采纳须写明原因。</p>");
	html(r, "<h2>待审核（%d）</h2>", np);
	if (!np)
		html_raw(r, "<p>没有待审核的申报。</p>");
	for (int i = 0; i < np; i++) {
		const struct declaration *d = &pend[i];
		const struct std_version *sv = standard_book_in_force(&book, d->date);
		html(r, "<article class=\"declaration\" id=\"d%lld\"><h3>%s %s · %s</h3><p>%s</p>",
		     (long long)d->id, d->household_code, d->household_name, d->date, d->note);
		if (d->photo && *d->photo)
			html(r, "<p><a href=\"/v/%s/evidence/%s\"><img src=\"/v/%s/evidence/%s\" "
				"alt=\"申报照片\" class=\"thumb\"></a></p>",
			     vc, d->photo, vc, d->photo);
		if (*d->item_code)
			html(r, "<p class=\"hint\">农户认为适用的项目：%s</p>", d->item_code);
		html(r, "<form method=\"post\" action=\"/v/%s/declarations/%lld/accept\" class=\"inline\">",
		     vc, (long long)d->id);
		html_csrf(r);
		html_raw(r, "<label>记为积分项目");
		item_select(r, "item", sv, d->item_code, 1);
		html_raw(r, "</label><button type=\"submit\" class=\"primary\">采纳</button></form>");
		html(r, "<form method=\"post\" action=\"/v/%s/declarations/%lld/decline\" class=\"inline\">",
		     vc, (long long)d->id);
		html_csrf(r);
		html(r, "<label>不予采纳的原因<input name=\"reason\" maxlength=\"500\" required "
			"value=\"%s\"></label><button type=\"submit\">不予采纳</button></form></article>",
		     decl_id == d->id && reason ? reason : "");
	}
	int shown = 0;
	for (int i = 0; i < na && shown < 50; i++) {
		const struct declaration *d = &all[i];
		if (d->status == DECL_PENDING)
			continue;
		if (!shown++)
			html_raw(r, "<h2>最近处理的申报</h2><table class=\"list wide\"><thead><tr>"
				    "<th>农户</th><th>日期</th><th>内容</th><th>结果</th><th>处理人</th>"
				    "</tr></thead><tbody>");
		html(r, "<tr><td>%s %s</td><td>%s</td><td>%s</td><td>%s%s%s</td><td>%s</td></tr>",
		     d->household_code, d->household_name, d->date, d->note,
		     declaration_status_label(d->status), d->decline_reason ? "：" : "",
		     d->decline_reason ? d->decline_reason : "", d->decided_by ? d->decided_by : "");
	}
	if (shown)
		html_raw(r, "</tbody></table>");
	html_page_end(r);
}

/* GET /v/CODE/declarations */
static void page_declarations(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		declarations_page(r, v, NULL, 0, NULL);
}

/* POST /v/CODE/declarations/ID/accept (item) and …/decline (reason): the
** office's decision on declaration ID of the village.  The answer: 500,
** 404, the list again with the messages (and the reason as sent), or back
** to the list with ?accepted=1 / ?declined=1. */
static void declaration_decide(struct req *r, int accept)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]), entry_id = 0;
	const char *reason = accept ? NULL : req_form_trim(r, "reason");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = SHEET_NOT_FOUND;
	if (!id)
		errlist_add(&errs, "本村没有这条申报");
	else if (accept)
		rc = declaration_accept(r->db, &who, v, id, req_form_trim(r, "item"), &errs, &entry_id);
	else
		rc = declaration_decline(r->db, &who, v, id, reason, &errs);
	if (rc < 0)
		http_error(r, 500, accept ? "采纳时出错，没有保存。" : "保存时出错。");
	else if (rc == SHEET_NOT_FOUND)
		http_error(r, 404, errs.msg[0]);
	else if (rc > 0)
		declarations_page(r, v, &errs, id, reason);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/declarations?%s=1",
					      url_encode(r->a, v->code),
					      accept ? "accepted" : "declined"));
	errlist_free(&errs);
}

/* POST /v/CODE/declarations/ID/accept: item */
static void page_declaration_accept(struct req *r)
{
	declaration_decide(r, 1);
}

/* POST /v/CODE/declarations/ID/decline: reason */
static void page_declaration_decline(struct req *r)
{
	declaration_decide(r, 0);
}

const struct route declaration_routes[] = {
	{"GET", "/v/*/declarations", page_declarations, ROLES_ENTRY, 0},
	{"POST", "/v/*/declarations/*/accept", page_declaration_accept, ROLES_ENTRY, 0},
	{"POST", "/v/*/declarations/*/decline", page_declaration_decline, ROLES_ENTRY, 0},
	{0},
};
