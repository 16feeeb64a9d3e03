/*
** page_sheet_review.c — the committee's review of a month before 集体审定,
** and one item for many households at once (the scoring group's 村民大会).
** The entry screen is page_sheet.c.
**
**   GET  /v/CODE/sheets/YYYY-MM/review   per category and per household
**        totals, every deduction with its evidence, what changed after
**        the sheet was first submitted, the declarations of the month
**        still pending, and the approve / return forms
**   GET  /v/CODE/sheets/YYYY-MM/bulk     pick an item, a date and the
**   POST /v/CODE/sheets/YYYY-MM/bulk     households (or all participating)
**
** The rules are sheet.c's and approval.c's; sheet_review.c reads.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "html.h"
#include "page.h"
#include "page_sheet.h"
#include "req.h"
#include "sheet.h"
#include "sheet_review.h"
#include "standard.h"
#include "village.h"

void sheet_approve_forms(struct req *r, const struct village *v, const char *month,
			 const char *date, const char *attendees, const char *resolution,
			 const char *reason)
{
	const char *vc = url_encode(r->a, v->code);
	html(r, "<h2 id=\"approve\">集体审定</h2><form method=\"post\" action=\"/v/%s/sheets/%s/approve\" "
		"class=\"narrow\" data-confirm=\"审定后本表全部记入积分台账，不能撤销。确定？\">",
	     vc, month);
	html_csrf(r);
	html(r, "<label>会议日期<input name=\"meeting_date\" type=\"date\" value=\"%s\" "
		"required></label>",
	     date ? date : "");
	html(r, "<label>参会人员<textarea name=\"attendees\" rows=\"2\" maxlength=\"500\" "
		"required>\n%s</textarea></label>",
	     attendees ? attendees : "");
	html(r, "<label>会议决议<textarea name=\"resolution\" rows=\"3\" maxlength=\"2000\" "
		"required>\n%s</textarea></label>",
	     resolution ? resolution : "");
	html_raw(r, "<button type=\"submit\" class=\"primary\">审定通过，记入台账</button></form>");
	html(r, "<details%s><summary>退回重新录入</summary><form method=\"post\" "
		"action=\"/v/%s/sheets/%s/return\" class=\"narrow\">",
	     reason ? " open" : "", vc, month);
	html_csrf(r);
	html(r, "<label>退回原因<textarea name=\"reason\" rows=\"2\" maxlength=\"500\" required>"
		"\n%s</textarea></label><button type=\"submit\">退回</button></form></details>",
	     reason ? reason : "");
}

/* The declarations of month still pending: a warning with their count and
** the link to decide them first (they are not on the sheet being
** approved; after approval they can still go onto a later sheet). */
static void pending_declarations_warning(struct req *r, const struct village *v,
					 const char *month)
{
	struct declaration *rows;
	int n, of_month = 0;
	if (declaration_list(r->db, r->a, v->id, 0, DECL_PENDING, &rows, &n))
		return;
	for (int i = 0; i < n; i++)
		if (!strncmp(rows[i].date, month, 7))
			of_month++;
	if (of_month)
		html(r, "<p class=\"error\" role=\"alert\">本月还有 %d 条农户的积分申报待审核，"
			"不在本表中。请先到<a href=\"/v/%s/declarations\">积分申报</a>采纳或不予采纳；"
			"审定后再采纳的，记入当时的草稿积分表。</p>",
		     of_month, url_encode(r->a, v->code));
}

void sheet_review_page(struct req *r, const struct village *v, const char *month,
		       const errlist *errs, const char *date, const char *attendees,
		       const char *resolution, const char *reason)
{
	struct sheet *s;
	int rc = sheet_get(r->db, r->a, v->id, month, &s);
	if (rc) {
		if (rc < 0)
			http_error(r, 500, "读取积分表时出错。");
		else
			http_error(r, 404, "这个月还没有积分表。");
		return;
	}
	struct sheet_category_total *cat;
	struct sheet_household_total *hh;
	struct sheet_change *ch;
	struct entry *neg;
	int ncat, nhh, nch, nneg;
	int64_t first_submit, next;
	struct entry_filter deductions = {.deductions = 1};
	if (sheet_category_totals(r->db, r->a, v->id, s->id, &cat, &ncat) ||
	    sheet_household_totals(r->db, r->a, v->id, s->id, &hh, &nhh) ||
	    sheet_changes_since_submit(r->db, r->a, s, &first_submit, &ch, &nch) ||
	    sheet_entries_find(r->db, r->a, v->id, s->id, &deductions, 0, SHEET_PAGE_MAX, &neg,
			       &nneg, &next)) {
		http_error(r, 500, "读取积分表时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	if (errs && errs->n)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · %s 积分表审阅", v->name,
					sheet_month_label(r->a, month)));
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets/%s\">返回本月积分表</a></p>", vc, month);
	page_error_list(r, errs, PAGE_NOT_SAVED);
	html_raw(r, "<p class=\"status\">状态：");
	sheet_status_tag(r, s->status);
	html(r, "　%lld 户，%lld 条，加分 %+lld，减分 %+lld，合计 %+lld</p>", (long long)s->households,
	     (long long)s->entry_count, (long long)s->points_plus, (long long)s->points_minus,
	     (long long)(s->points_plus + s->points_minus));
	if (s->status == SHEET_SUBMITTED && req_has_role(r, ROLES_ADMIN)) {
		pending_declarations_warning(r, v, month);
		html_raw(r, "<p><a href=\"#approve\">看完后到页末集体审定</a></p>");
	}

	html_raw(r, "<h2>按类别合计</h2><table class=\"list\"><thead><tr><th>类别</th>"
		    "<th class=\"num\">户数</th><th class=\"num\">条数</th><th class=\"num\">加分</th>"
		    "<th class=\"num\">减分</th></tr></thead><tbody>");
	for (int i = 0; i < ncat; i++) {
		html(r, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
		     cat[i].category, (long long)cat[i].households, (long long)cat[i].entries);
		points_cell(r, cat[i].plus);
		points_cell(r, cat[i].minus);
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");

	html(r, "<h2>减分记录及佐证（%d 条）</h2>", nneg);
	sheet_entries_table(r, v, month, neg, nneg, 0, 1);

	html_raw(r, "<h2>提交后的改动</h2>");
	if (!first_submit)
		html_raw(r, "<p>本表还没有提交过。</p>");
	else if (!nch)
		html(r, "<p>%s 第一次提交以来没有改动。</p>", time_format(r->a, first_submit, ""));
	else {
		html(r, "<p class=\"hint\">%s 第一次提交后，退回期间的改动（积分记录不修改，"
			"只增删）：</p><table class=\"list\"><thead><tr><th>改动</th><th>户编号</th>"
			"<th>积分项目</th><th>日期</th><th class=\"num\">分值</th><th>操作人</th>"
			"<th>时间</th></tr></thead><tbody>",
		     time_format(r->a, first_submit, ""));
		for (int i = 0; i < nch; i++) {
			html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
			     ch[i].added ? "新增" : "删除", ch[i].household_code, ch[i].item_code,
			     ch[i].date);
			points_cell(r, ch[i].points);
			html(r, "<td>%s</td><td>%s</td></tr>", ch[i].by, time_format(r->a, ch[i].at, ""));
		}
		html_raw(r, "</tbody></table>");
	}

	html(r, "<h2>按户合计（%d 户）</h2><table class=\"list wide\"><thead><tr><th>户编号</th>"
		"<th>户主</th><th class=\"num\">条数</th><th class=\"num\">加分</th>"
		"<th class=\"num\">减分</th><th class=\"num\">合计</th></tr></thead><tbody>",
	     nhh);
	for (int i = 0; i < nhh; i++) {
		html(r, "<tr><td><a href=\"/v/%s/sheets/%s?fh=%s#entries\">%s</a></td><td>%s</td>"
			"<td class=\"num\">%lld</td>",
		     vc, month, url_encode(r->a, hh[i].household_code), hh[i].household_code,
		     hh[i].household_name, (long long)hh[i].entries);
		points_cell(r, hh[i].plus);
		points_cell(r, hh[i].minus);
		points_cell(r, hh[i].plus + hh[i].minus);
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");
	if (s->status == SHEET_SUBMITTED && req_has_role(r, ROLES_ADMIN))
		sheet_approve_forms(r, v, month, date, attendees, resolution, reason);
	else if (s->status != SHEET_APPROVED)
		html_raw(r, "<p class=\"hint\">评分小组提交后，村两委在这里集体审定。</p>");
	html_page_end(r);
}

/* GET /v/CODE/sheets/YYYY-MM/review */
static void page_review(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	sheet_review_page(r, v, month, NULL, NULL, NULL, NULL, NULL);
}

/* ---- one item for many households ------------------------------------------ */

/* The bulk form: item, date, note, and a checkbox per participating
** household (checked: the ids in checked, or all when all is set). */
static void bulk_page(struct req *r, const struct village *v, const char *month,
		      const errlist *errs, const char *item, const char *date, const char *note,
		      const int64_t *checked, int nchecked, int all)
{
	struct household *hh;
	int nh;
	char today[11];
	date_today(today);
	const char *d = date && *date ? date : !strncmp(today, month, 7) ? today : "";
	struct std_version *sv = NULL;
	if (pick_households(r, v, &hh, &nh) ||
	    standard_in_force(r->db, r->a, v->id, *d ? d : arena_printf(r->a, "%s-01", month), 1,
			      &sv) < 0) {
		http_error(r, 500, "读取农户名册时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	if (errs && errs->n)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · %s 一个项目记给多户", v->name,
					sheet_month_label(r->a, month)));
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets/%s\">返回本月积分表</a></p>", vc, month);
	page_error_list(r, errs, PAGE_NOT_SAVED);
	html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/bulk\" class=\"bulk\">", vc, month);
	html_csrf(r);
	html_raw(r, "<label>积分项目");
	item_select(r, "item", sv, item ? item : "", 1);
	html_raw(r, "</label>");
	html(r, "<label>日期<input name=\"date\" type=\"date\" value=\"%s\" min=\"%s-01\" required>"
		"</label>",
	     d, month);
	html(r, "<label>说明<input name=\"note\" value=\"%s\" maxlength=\"500\" "
		"placeholder=\"如：村民大会签到\"></label>",
	     note ? note : "");
	html(r, "<fieldset><legend>农户（每户记 1 次）</legend><label class=\"check\"><input "
		"type=\"checkbox\" name=\"all\" value=\"1\" id=\"bulk-all\"%s>全部参与户（%d 户）"
		"</label><ul class=\"checks\">",
	     all ? " checked" : "", nh);
	for (int i = 0; i < nh; i++) {
		int on = 0;
		for (int k = 0; k < nchecked && !on; k++)
			on = checked[k] == hh[i].id;
		html(r, "<li><label class=\"check\"><input type=\"checkbox\" name=\"hh\" "
			"value=\"%lld\"%s>%s %s</label></li>",
		     (long long)hh[i].id, on ? " checked" : "", hh[i].code, hh[i].head_name);
	}
	html_raw(r, "</ul></fieldset><button type=\"submit\" class=\"primary\">给所选农户各记入一条"
		    "</button></form><p class=\"hint\">全部通过才记入；有一户不符合（如超过上限），"
		    "一条都不记，并列出是哪一户。</p>");
	html_page_end(r);
}

/* GET /v/CODE/sheets/YYYY-MM/bulk */
static void page_bulk(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	bulk_page(r, v, month, NULL, NULL, NULL, NULL, NULL, 0, 0);
}

/* POST /v/CODE/sheets/YYYY-MM/bulk: item, date, note, all=1 or hh=ID... */
static void page_bulk_post(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	const char *item = req_form_trim(r, "item"), *date = req_form_trim(r, "date"),
		   *note = req_form_trim(r, "note");
	int all = req_form(r, "all") != NULL;
	int64_t *ids = NULL;
	int n = 0, cap = 0;
	errlist errs = {0};
	if (all) {
		struct household *hh;
		int nh;
		if (pick_households(r, v, &hh, &nh)) {
			http_error(r, 500, "读取农户名册时出错。");
			return;
		}
		for (int i = 0; i < nh; i++) {
			ids = arena_grow(r->a, ids, &cap, n, sizeof *ids);
			ids[n++] = hh[i].id;
		}
	} else
		for (const struct param *p = r->form; p; p = p->next) {
			if (strcmp(p->name, "hh"))
				continue;
			int64_t id = parse_id(p->value);
			if (!id) {
				errlist_add(&errs, "农户: “%s”不是农户", p->value);
				continue;
			}
			ids = arena_grow(r->a, ids, &cap, n, sizeof *ids);
			ids[n++] = id;
		}
	int added = 0, rc = 0;
	if (!errs.n) {
		struct actor who = req_actor(r);
		rc = entry_add_many(r->db, &who, v, month, item, date, note, ids, n, &errs, &added);
	}
	if (rc < 0)
		http_error(r, 500, "记入时出错，没有保存。");
	else if (rc > 0 || errs.n)
		bulk_page(r, v, month, &errs, item, date, note, ids, n, all);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?many=%d",
					      url_encode(r->a, v->code), month, added));
	errlist_free(&errs);
}

const struct route sheet_review_routes[] = {
	{"GET", "/v/*/sheets/*/review", page_review, ROLES_VIEW, 0},
	{"GET", "/v/*/sheets/*/bulk", page_bulk, ROLES_ENTRY, 0},
	{"POST", "/v/*/sheets/*/bulk", page_bulk_post, ROLES_ENTRY, 0},
	{0},
};
