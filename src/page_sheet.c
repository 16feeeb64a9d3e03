/*
** page_sheet.c — monthly scoring on the web (一月一积分): the village's
** sheets, the entry screen of one month (built for entering a whole village
** in one sitting), the entries CSV import with a preview, the workflow
** submit → return / approve (集体审定), and evidence photos.  The ledger and
** balances are in page_ledger.c, the declarations queue in
** page_declaration.c.
**
**   GET  /v/CODE/sheets                       months with status and totals
**   GET  /v/CODE/sheets/YYYY-MM               the entry screen
**   POST /v/CODE/sheets/YYYY-MM/entries       add an entry (photo: multipart)
**   POST /v/CODE/sheets/YYYY-MM/entries/ID/remove
**   GET  /v/CODE/sheets/YYYY-MM/import        upload, preview (dry run),
**   POST /v/CODE/sheets/YYYY-MM/import        confirm
**   POST /v/CODE/sheets/YYYY-MM/submit        scorers hand it in
**   POST /v/CODE/sheets/YYYY-MM/return        admins return it with a reason
**   POST /v/CODE/sheets/YYYY-MM/approve       admins approve: onto the ledger
**   GET  /v/CODE/evidence/HASH                an evidence photo
**
** Every handler starts with req_village_or_404() on r->arg[0]: an account of
** another village gets 404 on every URL here.  The rules (eligibility, caps,
** evidence, the workflow, posting) are in sheet.c and ledger.c; a handler
** parses, calls one of them and renders.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "page_group.h"
#include "page_sheet.h"
#include "ledger.h"
#include "req.h"
#include "sheet.h"
#include "sheet_review.h"
#include "standard.h"
#include "village.h"

/* ---- small helpers ---------------------------------------------------------- */

/* "2024 年 5 月" of "2024-05" (arena): months are said as "9 月", not "09 月". */
const char *sheet_month_label(arena *a, const char *month)
{
	return arena_printf(a, "%.4s 年 %d 月", month, atoi(month + 5));
}
#define month_label sheet_month_label

/* The current month "YYYY-MM" into out. */
static void this_month(char out[8])
{
	char today[11];
	date_today(today);
	memcpy(out, today, 7);
	out[7] = 0;
}

/* The last day of month "YYYY-MM" as "YYYY-MM-DD" (arena). */
static const char *month_last_day(arena *a, const char *month)
{
	int y = atoi(month), m = atoi(month + 5);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int d = days[(m >= 1 && m <= 12 ? m : 1) - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		d = 29;
	return arena_printf(a, "%.7s-%02d", month, d);
}

/* The status tag of a sheet. */
void sheet_status_tag(struct req *r, int status)
{
	const char *cls = status == SHEET_APPROVED    ? "ok"
			  : status == SHEET_RETURNED  ? "no"
			  : status == SHEET_SUBMITTED ? "mute"
						      : "";
	html(r, "<span class=\"tag %s\">%s</span>", cls, sheet_status_label(status));
}

/* ---- the list of sheets --------------------------------------------------------- */

/* GET /v/CODE/sheets (?month=YYYY-MM opens that month) */
static void page_sheets(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *vc = url_encode(r->a, v->code);
	char now[8];
	this_month(now);
	const char *want = req_query(r, "month");
	const char *bad = NULL;
	if (want && *want) {
		if (strlen(want) == 7 && month_valid(want) && strcmp(want, now) <= 0) {
			http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s", vc,
						      url_encode(r->a, want)));
			return;
		}
		bad = "月份格式应为 YYYY-MM，且不能是将来的月份。";
	}
	struct sheet *rows;
	int n;
	struct declaration *decls;
	int nd;
	if (sheet_list(r->db, r->a, v->id, &rows, &n) ||
	    declaration_list(r->db, r->a, v->id, 0, DECL_PENDING, &decls, &nd)) {
		http_error(r, 500, "读取月度积分表时出错。");
		return;
	}
	if (bad)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · 月度积分", v->name));
	if (bad)
		html_error_box(r, bad);
	html_raw(r, "<ul class=\"actions\">");
	html(r, "<li><a href=\"/v/%s/sheets/%s\">本月积分表（%s）</a></li>", vc, now,
	     month_label(r->a, now));
	html(r, "<li><a href=\"/v/%s/declarations\">待审核的积分申报（%d）</a></li>", vc, nd);
	html(r, "<li><a href=\"/v/%s/balances\">积分余额</a></li>", vc);
	html(r, "<li><a href=\"/v/%s/ledger\">积分台账</a></li>", vc);
	html(r, "<li><a href=\"/v/%s/standard\">积分标准</a></li>", vc);
	html_raw(r, "</ul>");
	html(r, "<form method=\"get\" action=\"/v/%s/sheets\" class=\"inline\">", vc);
	html(r, "<label>打开其他月份<input name=\"month\" type=\"month\" placeholder=\"YYYY-MM\" "
		"max=\"%s\" required></label><button type=\"submit\">打开</button></form>",
	     now);
	if (!n) {
		html_raw(r, "<p>还没有积分表。打开本月积分表，记入第一条积分时自动建立。</p>");
		html_page_end(r);
		return;
	}
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>月份</th><th>状态</th>"
		    "<th class=\"num\">户数</th><th class=\"num\">条数</th><th class=\"num\">加分</th>"
		    "<th class=\"num\">减分</th><th class=\"num\">合计</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct sheet *s = &rows[i];
		html(r, "<tr><td><a href=\"/v/%s/sheets/%s\">%s</a></td><td>", vc,
		     url_encode(r->a, s->month), month_label(r->a, s->month));
		sheet_status_tag(r, s->status);
		html(r, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
		     (long long)s->households, (long long)s->entry_count);
		points_cell(r, s->points_plus);
		points_cell(r, s->points_minus);
		points_cell(r, s->points_plus + s->points_minus);
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");
	html_page_end(r);
}

/* ---- the entry screen --------------------------------------------------------- */

/* Entries per page of the sheet's web page: a phone reloads it after every
** entry, so one page stays small (the API pages by SHEET_PAGE_DEFAULT). */
enum { SHEET_PAGE_WEB = 100 };

/* The entry form's texts (kept when the form comes back with errors). */
struct entry_form {
	const char *household, *item, *quantity, *date, *note;
};

/* What a re-rendered sheet page shows besides the sheet. */
struct sheet_state {
	const struct entry_form *form; /* NULL: defaults */
	const errlist *errs;           /* messages of the rejected action */
	int autofocus;                 /* put the focus on the entry form */
};

/* The confirmation of the entry just added (?added=ID), where the eye is:
** at the top of the entry block the page scrolls to, naming the
** household, the item and the points, with an undo while the sheet is
** open. */
static void added_notice(struct req *r, const struct village *v, const char *month, int open)
{
	int64_t id = req_query_int(r, "added", 0, 0, INT64_MAX);
	struct entry *e = NULL;
	if (id <= 0 || entry_get(r->db, r->a, v->id, id, &e) || strncmp(e->date, month, 7))
		return;
	html(r, "<div class=\"notice added\" role=\"status\"><p>已记入：%s家 · %s %+lld 分"
		"<span class=\"hint\">（%s，%s）</span></p>",
	     e->household_name, e->item_name ? e->item_name : e->item_code, (long long)e->points,
	     e->household_code, e->date);
	if (open && req_has_role(r, ROLES_ENTRY)) {
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/entries/%lld/remove\" "
			"class=\"inline\">",
		     url_encode(r->a, v->code), month, (long long)e->id);
		html_csrf(r);
		html_raw(r, "<input type=\"hidden\" name=\"undo\" value=\"1\">"
			    "<button type=\"submit\">撤销这一条</button></form>");
	}
	html_raw(r, "</div>");
}

/* The entry form at the top of the sheet page, after the confirmation of
** the last entry. */
static void entry_form_html(struct req *r, const struct village *v, const char *month,
			    const struct entry_form *f, const struct std_version *sv,
			    int autofocus)
{
	const char *vc = url_encode(r->a, v->code);
	struct household *hh;
	int nh;
	if (pick_households(r, v, &hh, &nh)) {
		html_error_box(r, "读取农户名册时出错。");
		return;
	}
	households_datalist(r, hh, nh);
	html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/entries\" "
		"enctype=\"multipart/form-data\" class=\"inline entry-form\">",
	     vc, month);
	html_csrf(r);
	html(r, "<label>农户（户编号或户主姓名）<input name=\"household\" id=\"household\" "
		"list=\"households\" value=\"%s\" required autocomplete=\"off\" maxlength=\"50\"%s>"
		"<span class=\"hint\" id=\"household-name\"></span></label>",
	     f->household, autofocus ? " autofocus" : "");
	html_raw(r, "<label>积分项目");
	item_select(r, "item", sv, f->item, 1);
	html_raw(r, "</label>");
	html(r, "<label>次数<input name=\"quantity\" type=\"number\" min=\"1\" max=\"1000\" "
		"value=\"%s\" required></label>",
	     f->quantity);
	html(r, "<label>日期<input name=\"date\" type=\"date\" value=\"%s\" min=\"%s-01\" "
		"max=\"%s\" required></label>",
	     f->date, month, month_last_day(r->a, month));
	html(r, "<label>说明<input name=\"note\" value=\"%s\" maxlength=\"500\"></label>", f->note);
	html_raw(r, "<label>照片（JPEG/PNG，最多 5 MB）<input type=\"file\" name=\"photo\" "
		    "accept=\"image/jpeg,image/png\"></label>"
		    "<button type=\"submit\" class=\"primary\">记入</button></form>");
	html_raw(r, "<p class=\"hint\">需佐证的项目要附照片或填写说明。记入后回到这里，"
		    "上一户保留，可以连续录入。</p>");
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets/%s/bulk\">一个项目记给多户"
		"（如参加村民大会）</a> · <a href=\"/v/%s/checkins\">现场扫码签到</a> · "
		"<a href=\"/v/%s/sheets/%s/import\">用 CSV 文件批量导入</a></p>",
	     vc, month, vc, vc, month);
}

void sheet_entries_table(struct req *r, const struct village *v, const char *month,
			 const struct entry *rows, int n, int can_remove, int paged)
{
	const char *vc = url_encode(r->a, v->code);
	if (!n) {
		html_raw(r, "<p>没有符合的积分记录。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide entries\"><thead><tr><th>日期</th><th>积分项目</th>"
		    "<th class=\"num\">次数</th><th class=\"num\">分值</th><th class=\"num\">本户累计</th>"
		    "<th>说明</th><th>佐证</th><th>记录人</th>");
	if (can_remove)
		html_raw(r, "<th>操作</th>");
	html_raw(r, "</tr></thead><tbody>");
	int64_t total = 0, run = 0;
	int households = 0;
	struct group_roster *roster = group_roster_load(r, v); /* 记录人: the group member */
	for (int i = 0; i < n; i++) {
		const struct entry *e = &rows[i];
		if (i == 0 || e->household_id != rows[i - 1].household_id) {
			run = 0;
			households++;
			html(r, "<tr class=\"group\"><th colspan=\"%d\" scope=\"rowgroup\">%s %s</th></tr>",
			     can_remove ? 9 : 8, e->household_code, e->household_name);
		}
		run += e->points;
		total += e->points;
		html(r, "<tr><td>%s</td><td>%s %s</td><td class=\"num\">%lld</td>", e->date,
		     e->item_code, e->item_name ? e->item_name : "", (long long)e->quantity);
		points_cell(r, e->points);
		points_cell(r, run);
		html(r, "<td>%s%s</td><td>", e->note, e->declaration_id ? "（农户申报）" : "");
		if (e->photo && *e->photo)
			html(r, "<a href=\"/v/%s/evidence/%s\">照片</a>", vc, e->photo);
		html_raw(r, "</td>");
		group_recorder_cell(r, roster, e->recorded_by, e->created_at);
		if (can_remove) {
			html(r, "<td><form method=\"post\" action=\"/v/%s/sheets/%s/entries/%lld/remove\" "
				"data-confirm=\"删除这条积分记录？\">",
			     vc, month, (long long)e->id);
			html_csrf(r);
			html_raw(r, "<button type=\"submit\">删除</button></form></td>");
		}
		html_raw(r, "</tr>");
		if (i + 1 == n || rows[i + 1].household_id != e->household_id)
			html(r, "<tr class=\"subtotal\"><td colspan=\"4\">%s 本户合计</td>"
				"<td class=\"num\"><strong>%+lld</strong></td><td colspan=\"%d\"></td></tr>",
			     e->household_name, (long long)run, can_remove ? 4 : 3);
	}
	html(r, "</tbody><tfoot><tr><th colspan=\"4\">%s（%d 户，%d 条）</th>"
		"<th class=\"num\">%+lld</th><td colspan=\"%d\"></td></tr></tfoot></table>",
	     paged ? "本页合计" : "全表合计", households, n, (long long)total, can_remove ? 4 : 3);
}

/* The approval record of an approved sheet. */
static void approval_record(struct req *r, const struct village *v, const struct sheet *s)
{
	struct approval *ap = NULL;
	int rc = s->approval_id ? approval_get(r->db, r->a, v->id, s->approval_id, &ap) : 1;
	if (rc) {
		html_error_box(r, "读取审定记录时出错。");
		return;
	}
	html_raw(r, "<h2 id=\"approval\">集体审定记录</h2><dl class=\"record\">");
	html(r, "<dt>会议日期</dt><dd>%s</dd>", ap->meeting_date);
	html(r, "<dt>参会人员</dt><dd>%s</dd>", ap->attendees);
	html(r, "<dt>会议决议</dt><dd class=\"pre\">%s</dd>", ap->resolution);
	html(r, "<dt>记入台账</dt><dd>%lld 条，合计 %+lld 分", (long long)ap->entry_count,
	     (long long)ap->points_total);
	if (ap->seq_first)
		html(r, "（台账序号 %lld–%lld）", (long long)ap->seq_first, (long long)ap->seq_last);
	html_raw(r, "</dd>");
	html(r, "<dt>操作</dt><dd>%s，%s</dd>", ap->approved_by, time_format(r->a, ap->approved_at, ""));
	if (ap->head_hash && *ap->head_hash)
		html(r, "<dt>台账链头</dt><dd class=\"hash\">%s</dd>", ap->head_hash);
	html_raw(r, "</dl>");
}

/* The month's status and what can be done with it now, at the top of the
** page (a phone user never scrolls past hundreds of entries to find it):
** the counts, who submitted or returned it, 提交村两委审定 for the
** scorers, and the link to the committee's review (集体审定) for admins. */
static void status_box(struct req *r, const struct village *v, const char *month,
		       const struct sheet *s)
{
	const char *vc = url_encode(r->a, v->code);
	html_raw(r, "<section class=\"status-box\"><p class=\"status\">状态：");
	sheet_status_tag(r, s ? s->status : SHEET_DRAFT);
	if (s)
		html(r, "　%lld 户，%lld 条，加分 %+lld，减分 %+lld，合计 %+lld", (long long)s->households,
		     (long long)s->entry_count, (long long)s->points_plus, (long long)s->points_minus,
		     (long long)(s->points_plus + s->points_minus));
	else
		html_raw(r, "　尚无记录");
	html_raw(r, "</p>");
	if (s && s->submitted_by && s->status == SHEET_SUBMITTED)
		html(r, "<p class=\"hint\">%s 于 %s 提交，等待村两委集体审定。</p>", s->submitted_by,
		     time_format(r->a, s->submitted_at, ""));
	if (s && s->status == SHEET_RETURNED && s->return_reason)
		html(r, "<p class=\"error\">已被 %s 退回（%s）：%s</p>",
		     s->returned_by ? s->returned_by : "", time_format(r->a, s->returned_at, ""),
		     s->return_reason);
	html_raw(r, "<div class=\"actions-row\">");
	if (s && sheet_is_open(s) && s->entry_count > 0 && req_has_role(r, ROLES_ENTRY)) {
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/submit\" class=\"inline\" "
			"data-confirm=\"提交后不能再修改，确定提交村两委审定？\">",
		     vc, month);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\" class=\"primary\">提交村两委审定</button></form>");
	}
	if (s && s->entry_count > 0 && req_has_role(r, ROLES_ADMIN))
		html(r, "<a class=\"button%s\" href=\"/v/%s/sheets/%s/review\">%s</a>",
		     s->status == SHEET_SUBMITTED ? " primary" : "", vc, month,
		     s->status == SHEET_SUBMITTED ? "审阅并集体审定" : "审阅本表");
	if (s && s->status == SHEET_APPROVED)
		html_raw(r, "<a href=\"#approval\">集体审定记录</a>");
	html_raw(r, "</div></section>");
}

/* The filter of the entries list from the query: fh household (code or
** head's name), fi item code, fb scorer login, fneg deductions only; the
** same as a query string for the pager's links into *qs. */
static int entries_filter(struct req *r, const struct village *v, struct entry_filter *f,
			  const char **fh, const char **qs)
{
	memset(f, 0, sizeof *f);
	*fh = req_query_trim(r, "fh");
	const char *fi = req_query_trim(r, "fi"), *fb = req_query_trim(r, "fb");
	f->deductions = req_query(r, "fneg") != NULL;
	*qs = "";
	if (**fh) {
		struct household *h;
		int rc = household_get_by_code(r->db, r->a, v->id, *fh, &h);
		if (rc > 0) {
			struct household *rows;
			int n;
			int64_t total;
			if (household_list(r->db, r->a, v->id, *fh, HH_ALL, 1, 2, &rows, &n, &total))
				return -1;
			h = n == 1 ? &rows[0] : NULL;
		} else if (rc < 0)
			return -1;
		f->household_id = h ? h->id : -1; /* none: no entry matches */
		*qs = arena_printf(r->a, "&fh=%s", url_encode(r->a, *fh));
	}
	if (*fi) {
		f->item_code = fi;
		*qs = arena_printf(r->a, "%s&fi=%s", *qs, url_encode(r->a, fi));
	}
	if (*fb) {
		f->recorded_by = fb;
		*qs = arena_printf(r->a, "%s&fb=%s", *qs, url_encode(r->a, fb));
	}
	if (f->deductions)
		*qs = arena_printf(r->a, "%s&fneg=1", *qs);
	return 0;
}

/* The filter form above the entries list, and the scorer's own entries
** one click away ("我记的"). */
static void filter_form(struct req *r, const struct village *v, const char *month,
			const struct entry_filter *f, const char *fh, const struct std_version *sv)
{
	const char *vc = url_encode(r->a, v->code);
	const char *me = r->user ? r->user->login : "";
	int on = f->household_id || f->item_code || f->recorded_by || f->deductions;
	/* folded unless in use: on a phone the entries come first */
	html(r, "<details class=\"noprint\"%s><summary>筛选记录（农户、项目、记录人、减分）</summary>"
		"<form method=\"get\" action=\"/v/%s/sheets/%s\" class=\"inline filter\" "
		"role=\"search\">",
	     on ? " open" : "", vc, month);
	html(r, "<label>农户<input name=\"fh\" list=\"households\" value=\"%s\" maxlength=\"50\">"
		"</label>",
	     fh);
	html_raw(r, "<label>积分项目");
	item_select(r, "fi", sv, f->item_code ? f->item_code : "", 0);
	html_raw(r, "</label>");
	html(r, "<label>记录人<input name=\"fb\" value=\"%s\" maxlength=\"64\"></label>",
	     f->recorded_by ? f->recorded_by : "");
	html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"fneg\" value=\"1\"%s>只看减分"
		"</label><button type=\"submit\">筛选</button></form></details>",
	     f->deductions ? " checked" : "");
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets/%s?fb=%s\">我本月记的</a>", vc, month,
	     url_encode(r->a, me));
	if (on)
		html(r, " · <a href=\"/v/%s/sheets/%s\">显示全部</a>", vc, month);
	html_raw(r, "</p>");
}

/* Render the sheet page of month (the sheet may not exist yet). */
static void sheet_page(struct req *r, const struct village *v, const char *month,
		       const struct sheet_state *st)
{
	struct sheet *s = NULL;
	int rc = sheet_get(r->db, r->a, v->id, month, &s);
	if (rc < 0) {
		http_error(r, 500, "读取积分表时出错。");
		return;
	}
	if (rc > 0)
		s = NULL;
	struct entry *rows = NULL;
	int n = 0;
	int64_t after = req_query_int_or_400(r, "after", 0, 0, INT64_MAX, NULL), next = 0;
	if (after < 0)
		return;
	struct entry_filter flt;
	const char *fh, *fqs;
	if (entries_filter(r, v, &flt, &fh, &fqs) ||
	    (s && sheet_entries_find(r->db, r->a, v->id, s->id, &flt, after, SHEET_PAGE_WEB, &rows,
				     &n, &next))) {
		http_error(r, 500, "读取积分记录时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	int open = !s || sheet_is_open(s);

	/* the form's values: as posted, or defaults (last household and date kept) */
	char today[11];
	date_today(today);
	struct entry_form def = {"", "", "1", "", ""};
	const char *hh = req_query(r, "hh"), *qd = req_query(r, "date");
	if (hh && text_is_clean(hh, 0))
		def.household = hh;
	if (qd && date_valid(qd) && !strncmp(qd, month, 7))
		def.date = qd;
	else if (!strncmp(today, month, 7))
		def.date = arena_strdup(r->a, today);
	else
		def.date = month_last_day(r->a, month);
	/* restore=1: the entry form sent after the session expired, back
	** from the login (page_login_expired) */
	struct entry_form kept = {req_query_trim(r, "household"), req_query_trim(r, "item"),
				  req_query_trim(r, "quantity"), req_query_trim(r, "date"),
				  req_query_trim(r, "note")};
	int restore = req_query(r, "restore") && text_is_clean(kept.note, 1);
	const struct entry_form *f = st->form ? st->form : restore ? &kept : &def;
	struct std_version *sv = NULL;
	const char *vdate = date_valid(f->date) ? f->date : def.date;
	if (standard_in_force(r->db, r->a, v->id, vdate, 1, &sv) < 0) {
		http_error(r, 500, "读取积分标准时出错。");
		return;
	}

	if (st->errs && st->errs->n)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · %s 积分表", v->name, month_label(r->a, month)));
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets\">全部月份</a> · "
		"<a href=\"/v/%s/declarations\">积分申报</a> · <a href=\"/v/%s/balances\">积分余额</a>"
		"</p>",
	     vc, vc, vc);
	static const struct {
		const char *q, *msg;
	} notes[] = {
		{"removed", "已删除这条积分记录。"},
		{"undone", "已撤销刚才记入的那一条。"},
		{"submitted", "已提交村两委审定。"},
		{"returned", "已退回积分小组重新录入。"},
		{"approved", "已审定：本表全部积分已记入积分台账。"},
		{"accepted", "已采纳申报，记入本表。"},
	};
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++)
		if (req_query(r, notes[i].q) && !st->errs)
			html_notice(r, notes[i].msg);
	if (restore && !st->errs && *kept.household)
		html_notice(r, "已重新登录。刚才填写的内容还在下面，还没有记入，请核对后点“记入”。");
	const char *imp = req_query(r, "imported");
	if (imp && text_is_clean(imp, 0) && !st->errs)
		html_notice(r, arena_printf(r->a, "已导入 %s 条积分记录。", imp));
	const char *many = req_query(r, "many");
	if (many && text_is_clean(many, 0) && !st->errs)
		html_notice(r, arena_printf(r->a, "已给 %s 户各记入一条。", many));
	status_box(r, v, month, s);

	int can_enter = open && req_has_role(r, ROLES_ENTRY);
	html_raw(r, "<section id=\"add\">");
	if (!st->errs)
		added_notice(r, v, month, open);
	page_error_list(r, st->errs, PAGE_NOT_SAVED);
	if (can_enter) {
		if (!sv)
			html(r, "<p class=\"error\">%s 没有施行中的积分标准，不能记分。请先"
				"<a href=\"/v/%s/standard\">通过本村积分标准</a>。</p>",
			     vdate, vc);
		entry_form_html(r, v, month, f, sv,
				st->autofocus || st->form != NULL || hh != NULL || restore);
	}
	html_raw(r, "</section>");
	html_raw(r, "<h2 id=\"entries\">本月积分记录</h2>");
	if (s && s->entry_count)
		filter_form(r, v, month, &flt, fh, sv);
	sheet_entries_table(r, v, month, rows, n, can_enter, after || next || *fqs);
	if (after || next) {
		/* one page at a time: a sheet may hold hundreds of thousands */
		html_raw(r, "<p class=\"noprint pager\">");
		if (after)
			html(r, "<a href=\"/v/%s/sheets/%s?after=0%s\">第一页</a> ", vc, month,
			     fqs);
		if (next)
			html(r, "<a rel=\"next\" href=\"/v/%s/sheets/%s?after=%lld%s\">下一页</a>",
			     vc, month, (long long)next, fqs);
		html_raw(r, "</p>");
	}
	if (s && s->status == SHEET_APPROVED)
		approval_record(r, v, s);
	html_raw(r, "<script src=\"/static/sheet.js\" defer></script>");
	html_page_end(r);
}

/* GET /v/CODE/sheets/YYYY-MM */
static void page_sheet(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	struct sheet_state st = {0};
	sheet_page(r, v, month, &st);
}

/* The household text of the form resolved to a household code: the text
** when it is a household's code, else the code of the one participating
** household whose head has exactly that name.  Several of the same name,
** or none: a message in errs naming what was typed, and NULL. */
static const char *resolve_household(struct req *r, const struct village *v, const char *text,
				     errlist *errs)
{
	struct household *h;
	int rc = household_get_by_code(r->db, r->a, v->id, text, &h);
	if (rc <= 0)
		return rc == 0 ? h->code : NULL;
	struct household *rows;
	int n;
	int64_t total;
	if (household_list(r->db, r->a, v->id, text, HH_PARTICIPATING, 1, 50, &rows, &n, &total))
		return NULL;
	const char *found = NULL;
	int same = 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].head_name, text)) {
			found = rows[i].code;
			same++;
		}
	if (same > 1) {
		errlist_add(errs, "农户: 户主姓名为“%s”的参与户有 %d 户，请输入户编号", text, same);
		return NULL;
	}
	if (!found)
		/* what was typed may be a name: do not call it a 户编号 */
		errlist_add(errs, "农户: 本村参与户中没有户编号或户主姓名为“%s”的", text);
	return found;
}

/* Back to the sheet of v's month after a POST, with the notice the query
** names ("submitted=1", …). */
static void sheet_redirect(struct req *r, const struct village *v, const char *month,
			   const char *notice)
{
	http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?%s", url_encode(r->a, v->code), month,
				      notice));
}

/* POST /v/CODE/sheets/YYYY-MM/entries: household, item, quantity, date,
** note, photo (file).  Success: back to the entry block of the sheet with
** the confirmation, the household and date kept; rejection: the sheet
** with the messages and the form as sent. */
static void page_entry_add(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	struct entry_form f = {req_form_trim(r, "household"), req_form_trim(r, "item"),
			       req_form_trim(r, "quantity"), req_form_trim(r, "date"),
			       req_form_trim(r, "note")};
	struct entry_input in = {0};
	int64_t q = 1;
	/* a typed 0 is refused as the CSV refuses it (entry_input's 0 means 1) */
	if (*f.quantity && (parse_int64(f.quantity, &q) || q == 0))
		q = -1;
	in.quantity = q;
	in.item_code = f.item;
	in.date = f.date;
	in.note = f.note;
	int rc = 0;
	int64_t id = 0;
	if (!*f.household)
		errlist_add(&a.errs, "农户: 请填写户编号或户主姓名");
	else if (!(in.household_code = resolve_household(r, a.v, f.household, &a.errs)) &&
		 !a.errs.n)
		rc = -1;
	char hash[65];
	const struct param *photo = req_file(r, "photo");
	if (!rc && !a.errs.n && photo) {
		rc = evidence_store(r->db, a.v->id, a.who.login, photo->value, photo->len, hash,
				    &a.errs);
		if (rc == 0)
			in.photo = hash;
	}
	if (!rc && !a.errs.n)
		rc = entry_add(r->db, &a.who, a.v, a.month, &in, &a.errs, &id);
	if (rc < 0)
		http_error(r, 500, "记入时出错，没有保存。");
	else if (rc > 0 || a.errs.n) {
		struct sheet_state st = {.form = &f, .errs = &a.errs, .autofocus = 1};
		sheet_page(r, a.v, a.month, &st);
	} else
		sheet_redirect(r, a.v, a.month,
			       arena_printf(r->a, "added=%lld&hh=%s&date=%s#add", (long long)id,
					    url_encode(r->a, in.household_code),
					    url_encode(r->a, f.date)));
	errlist_free(&a.errs);
}

/* POST /v/CODE/sheets/YYYY-MM/entries/ID/remove (undo=1: the undo of the
** confirmation, back to the entry form with that household kept) */
static void page_entry_remove(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	int64_t id = parse_id(r->arg[2]);
	int rc = SHEET_NOT_FOUND;
	struct entry *e = NULL;
	if (!id || entry_get(r->db, r->a, a.v->id, id, &e) > 0)
		errlist_add(&a.errs, "本村没有这条积分记录");
	else
		rc = entry_remove(r->db, &a.who, a.v, id, &a.errs);
	if (rc < 0)
		http_error(r, 500, "删除时出错，没有删除。");
	else if (rc == SHEET_NOT_FOUND)
		http_error(r, 404, a.errs.msg[0]);
	else if (rc > 0) {
		struct sheet_state st = {.errs = &a.errs};
		sheet_page(r, a.v, a.month, &st);
	} else if (req_form(r, "undo") && e)
		sheet_redirect(r, a.v, a.month,
			       arena_printf(r->a, "undone=1&hh=%s&date=%s#add",
					    url_encode(r->a, e->household_code),
					    url_encode(r->a, e->date)));
	else
		sheet_redirect(r, a.v, a.month, "removed=1");
	errlist_free(&a.errs);
}

/* POST /v/CODE/sheets/YYYY-MM/submit */
static void page_submit(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	int rc = sheet_submit(r->db, &a.who, a.v, a.month, &a.errs);
	if (rc < 0)
		http_error(r, 500, "提交时出错。");
	else if (rc > 0) {
		struct sheet_state st = {.errs = &a.errs};
		sheet_page(r, a.v, a.month, &st);
	} else
		sheet_redirect(r, a.v, a.month, "submitted=1");
	errlist_free(&a.errs);
}

/* POST /v/CODE/sheets/YYYY-MM/return: reason; refused: the review page */
static void page_return(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	const char *reason = req_form_trim(r, "reason");
	int rc = sheet_return(r->db, &a.who, a.v, a.month, reason, &a.errs);
	if (rc < 0)
		http_error(r, 500, "退回时出错。");
	else if (rc > 0)
		sheet_review_page(r, a.v, a.month, &a.errs, NULL, NULL, NULL, reason);
	else
		sheet_redirect(r, a.v, a.month, "returned=1");
	errlist_free(&a.errs);
}

/* POST /v/CODE/sheets/YYYY-MM/approve: meeting_date, attendees, resolution.
** sheet_approve() posts the whole sheet to the ledger in one transaction;
** refused: the review page with the messages and the fields as sent. */
static void page_approve(struct req *r)
{
	struct month_action a;
	if (req_month_action_or_404(r, &a))
		return;
	struct approval_input in = {req_form_trim(r, "meeting_date"), req_form_trim(r, "attendees"),
				    req_form_trim(r, "resolution")};
	int rc = sheet_approve(r->db, r->a, &a.who, a.v, a.month, &in, 0, &a.errs, NULL);
	if (rc < 0)
		http_error(r, 500, "审定时出错，没有记入台账。");
	else if (rc > 0)
		sheet_review_page(r, a.v, a.month, &a.errs, in.meeting_date, in.attendees,
				  in.resolution, NULL);
	else
		sheet_redirect(r, a.v, a.month, "approved=1");
	errlist_free(&a.errs);
}

/* ---- entries CSV import ----------------------------------------------------------- */

/* The upload form and the columns. */
static void import_form(struct req *r, const struct village *v, const char *month)
{
	html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/import\" "
		"enctype=\"multipart/form-data\" class=\"narrow\">",
	     url_encode(r->a, v->code), month);
	html_csrf(r);
	html_raw(r, "<label>CSV 或 Excel 文件<input type=\"file\" name=\"file\" "
		    "accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\" required></label>"
		    "<button type=\"submit\" class=\"primary\">上传并预览</button></form>"
		    "<p class=\"hint\">先预览：检查每一行（参与户、积分项目、日期、上限等）；"
		    "文件中只要有一处错误，就不会导入任何记录。</p>");
	page_template_links(r, "entries");
	page_csv_columns(r, entry_csv_spec, EF_COUNT);
}

/* GET /v/CODE/sheets/YYYY-MM/import */
static void page_import(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	html_page_begin(r, arena_printf(r->a, "%s · %s 批量导入积分记录", v->name,
					month_label(r->a, month)));
	html(r, "<p><a href=\"/v/%s/sheets/%s\">返回本月积分表</a></p>", url_encode(r->a, v->code),
	     month);
	import_form(r, v, month);
	html_page_end(r);
}

/* The village and month of an import page, for page_upload_or_reply(). */
struct month_form {
	const struct village *v;
	const char *month;
};

static void upload_form(struct req *r, const void *ctx)
{
	const struct month_form *mf = ctx;
	import_form(r, mf->v, mf->month);
}

/* POST /v/CODE/sheets/YYYY-MM/import: an upload ("file") gives the preview
** (dry run); the preview's form (confirm=1, the file back in base64) adds. */
static void page_import_post(struct req *r)
{
	struct village *v;
	const char *month;
	if (req_village_month_or_404(r, &v, &month))
		return;
	const char *vc = url_encode(r->a, v->code);
	struct month_form mf = {v, month};
	struct upload up;
	if (page_upload_or_reply(r, WEB_IMPORT_MAX, &up,
				 arena_printf(r->a, "%s · 批量导入积分记录", v->name), upload_form, &mf))
		return;
	int confirm = up.confirm;
	const char *fname = up.fname, *data = up.data;
	size_t len = up.len;
	struct entry_import_report rep = {0};
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = sheet_import_entries(r->db, &who, v, month, fname, data, len, !confirm, &rep, &errs);
	if (rc < 0) {
		http_error(r, 500, "导入时出错，没有导入任何记录。");
	} else if (rc > 0) {
		r->status = 400;
		html_page_begin(r, arena_printf(r->a, "%s · 导入%s：%s", v->name,
						confirm ? "失败" : "预览", fname));
		page_error_list(r, &errs, arena_printf(r->a, "文件中有 %d 处问题，没有导入任何记录。"
							"请改正后重新上传。", errs.n));
		import_form(r, v, month);
		html_page_end(r);
	} else if (confirm) {
		sheet_redirect(r, v, month, arena_printf(r->a, "imported=%d", rep.rows));
	} else {
		html_page_begin(r, arena_printf(r->a, "%s · 导入预览：%s", v->name, fname));
		html(r, "<p class=\"lead\">检查通过：共 <strong>%d</strong> 条记录，涉及 <strong>%d"
			"</strong> 户，合计 <strong>%+lld</strong> 分，将记入 %s 积分表（草稿）。</p>",
		     rep.rows, rep.households, (long long)rep.points, month_label(r->a, month));
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/import\">", vc, month);
		html_csrf(r);
		page_upload_format(r, data, len);
		page_confirm_fields(r, fname, data, len);
		html_raw(r, "<button type=\"submit\" class=\"primary\">确认导入</button></form>");
		html(r, "<p><a href=\"/v/%s/sheets/%s/import\">放弃，重新选择文件</a></p>", vc, month);
		html_page_end(r);
	}
	errlist_free(&errs);
}

/* ---- evidence photos ---------------------------------------------------------------- */

/* GET /v/CODE/evidence/HASH: the photo, for accounts of the same village. */
static void page_evidence(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *hash = r->arg[1];
	const char *mime;
	const unsigned char *data;
	size_t len;
	int rc = 1;
	if (hash && strlen(hash) == 64 && strspn(hash, "0123456789abcdef") == 64)
		rc = evidence_get(r->db, r->a, v->id, hash, &mime, &data, &len);
	if (rc < 0) {
		http_error(r, 500, "读取照片时出错。");
		return;
	}
	if (rc > 0) {
		http_error(r, 404, "没有这张照片。");
		return;
	}
	/* content-addressed: the bytes of a hash never change */
	http_header(r, "Cache-Control", "private, max-age=86400");
	http_send(r, 200, mime, data, len);
}

const struct route sheet_routes[] = {
	{"GET", "/v/*/sheets", page_sheets, ROLES_VIEW, 0},
	{"GET", "/v/*/sheets/*", page_sheet, ROLES_VIEW, 0},
	{"POST", "/v/*/sheets/*/entries", page_entry_add, ROLES_ENTRY, ROUTE_UPLOAD},
	{"POST", "/v/*/sheets/*/entries/*/remove", page_entry_remove, ROLES_ENTRY, 0},
	{"GET", "/v/*/sheets/*/import", page_import, ROLES_ENTRY, 0},
	{"POST", "/v/*/sheets/*/import", page_import_post, ROLES_ENTRY, ROUTE_UPLOAD},
	{"POST", "/v/*/sheets/*/submit", page_submit, ROLES_ENTRY, 0},
	{"POST", "/v/*/sheets/*/return", page_return, ROLES_ADMIN, 0},
	{"POST", "/v/*/sheets/*/approve", page_approve, ROLES_ADMIN, 0},
	{0},
};

/* After ledger_routes in routes.c, as the rows were in one table. */
const struct route evidence_routes[] = {
	{"GET", "/v/*/evidence/*", page_evidence, ROLES_VIEW, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link sheet_nav[] = {
	{131, ROLE_VILLAGE_ADMIN | ROLE_SCORER, "月度积分", "/sheets", 1},
	{0},
};
