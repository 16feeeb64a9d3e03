/*
** page_sheet.c — monthly scoring on the web (一月一积分) and what hangs off
** it: the village's sheets, the entry screen of one month (built for
** entering a whole village in one sitting), the entries CSV import with a
** preview, the workflow submit → return / approve (集体审定), the household
** ledger with corrections (更正), evidence photos, the scorers' queue of
** households' declarations (积分申报), and the balances table with its CSV.
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
**   GET  /v/CODE/ledger?household=CODE        a household's ledger entries
**   POST /v/CODE/ledger/ID/correct            a correction (admins)
**   GET  /v/CODE/evidence/HASH                an evidence photo
**   GET  /v/CODE/declarations                 the declarations queue
**   POST /v/CODE/declarations/ID/accept|decline
**   GET  /v/CODE/balances, /v/CODE/balances.csv
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
#include "ledger.h"
#include "req.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"


enum {
	WEB_IMPORT_MAX = 8 * 1024 * 1024, /* the file travels back base64 in the confirm form */
	PICK_MAX = 20000,                 /* households in the pick list */
	LEDGER_PER_PAGE = 50,
};

/* ---- small helpers ---------------------------------------------------------- */

/* "2024 年 05 月" of "2024-05" (arena). */
static const char *month_label(arena *a, const char *month)
{
	return arena_printf(a, "%.4s 年 %.2s 月", month, month + 5);
}

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

/* Points with a sign and a class for colour. */
static void points_cell(struct req *r, int64_t p)
{
	html(r, "<td class=\"num %s\">%+lld</td>", p < 0 ? "neg" : p > 0 ? "pos" : "",
	     (long long)p);
}

/* The status tag of a sheet. */
static void status_tag(struct req *r, int status)
{
	const char *cls = status == SHEET_APPROVED    ? "ok"
			  : status == SHEET_RETURNED  ? "no"
			  : status == SHEET_SUBMITTED ? "mute"
						      : "";
	html(r, "<span class=\"tag %s\">%s</span>", cls, sheet_status_label(status));
}

/* The participating households of v for pick lists (arena). */
static int pick_households(struct req *r, const struct village *v, struct household **rows,
			   int *n)
{
	int64_t total;
	return household_list(r->db, r->a, v->id, NULL, HH_PARTICIPATING, 1, PICK_MAX, rows, n,
			      &total);
}

/* The <datalist id="households"> of participating households: value the
** code, label the head's name, so a browser suggests both without JS. */
static void households_datalist(struct req *r, const struct household *rows, int n)
{
	html_raw(r, "<datalist id=\"households\">");
	for (int i = 0; i < n; i++)
		html(r, "<option value=\"%s\">%s</option>", rows[i].code, rows[i].head_name);
	html_raw(r, "</datalist>");
}

/* The item <select> of a version, grouped by category with <optgroup>;
** each option starts with the code so typing the code picks it. */
static void item_select(struct req *r, const char *name, const struct std_version *sv,
			const char *selected, int required)
{
	html(r, "<select name=\"%s\" id=\"%s\"%s>", name, name, required ? " required" : "");
	html_raw(r, "<option value=\"\">请选择积分项目</option>");
	if (sv) {
		const char **cats = arena_alloc(r->a, (size_t)(sv->nitems + 1) * sizeof *cats);
		int ncat = 0;
		for (int i = 0; i < sv->nitems; i++) {
			int seen = 0;
			for (int c = 0; c < ncat && !seen; c++)
				seen = !strcmp(cats[c], sv->items[i].category);
			if (!seen)
				cats[ncat++] = sv->items[i].category;
		}
		for (int c = 0; c < ncat; c++) {
			html(r, "<optgroup label=\"%s\">", cats[c]);
			for (int i = 0; i < sv->nitems; i++) {
				const struct std_item *it = &sv->items[i];
				if (strcmp(it->category, cats[c]))
					continue;
				html(r, "<option value=\"%s\"%s>%s %s（%+lld", it->code,
				     selected && !strcmp(selected, it->code) ? " selected" : "",
				     it->code, it->name, (long long)it->points);
				if (it->cap_month)
					html(r, "，每月上限 %lld", (long long)it->cap_month);
				if (it->cap_year)
					html(r, "，每年上限 %lld", (long long)it->cap_year);
				if (it->evidence)
					html_raw(r, "，需佐证");
				if (it->veto)
					html_raw(r, "，一票否决");
				html_raw(r, "）</option>");
			}
			html_raw(r, "</optgroup>");
		}
	}
	html_raw(r, "</select>");
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
		status_tag(r, s->status);
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

/* The entry form's texts (kept when the form comes back with errors). */
struct entry_form {
	const char *household, *item, *quantity, *date, *note;
};

/* What a re-rendered sheet page shows besides the sheet. */
struct sheet_state {
	const struct entry_form *form; /* NULL: defaults */
	const errlist *errs;           /* messages of the rejected action */
	const char *approve_date, *approve_attendees, *approve_resolution;
	const char *return_reason;
	int autofocus;                 /* put the focus on the entry form */
};

/* The entry form at the top of the sheet page. */
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
		"enctype=\"multipart/form-data\" class=\"inline entry-form\" id=\"add\">",
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
	html_raw(r, "<p class=\"hint\">需佐证的项目要附照片或填写说明。记入后回到本表，"
		    "光标回到农户一栏，上一户保留，可以连续录入。</p>");
}

/* The entries of the sheet grouped by household, with a running total per
** household and the sheet total; remove buttons when can_remove. */
static void entries_table(struct req *r, const struct village *v, const char *month,
			  const struct entry *rows, int n, int can_remove)
{
	const char *vc = url_encode(r->a, v->code);
	if (!n) {
		html_raw(r, "<p>本表还没有积分记录。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide entries\"><thead><tr><th>日期</th><th>积分项目</th>"
		    "<th class=\"num\">次数</th><th class=\"num\">分值</th><th class=\"num\">本户累计</th>"
		    "<th>说明</th><th>佐证</th><th>记录人</th>");
	if (can_remove)
		html_raw(r, "<th></th>");
	html_raw(r, "</tr></thead><tbody>");
	int64_t total = 0, run = 0;
	int households = 0;
	for (int i = 0; i < n; i++) {
		const struct entry *e = &rows[i];
		if (i == 0 || e->household_id != rows[i - 1].household_id) {
			run = 0;
			households++;
			html(r, "<tr class=\"group\"><th colspan=\"%d\">%s %s</th></tr>",
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
		html(r, "</td><td>%s</td>", e->recorded_by);
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
	html(r, "</tbody><tfoot><tr><th colspan=\"4\">全表合计（%d 户，%d 条）</th>"
		"<th class=\"num\">%+lld</th><td colspan=\"%d\"></td></tr></tfoot></table>",
	     households, n, (long long)total, can_remove ? 4 : 3);
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
	html_raw(r, "<h2>集体审定记录</h2><dl class=\"record\">");
	html(r, "<dt>会议日期</dt><dd>%s</dd>", ap->meeting_date);
	html(r, "<dt>出席人员</dt><dd>%s</dd>", ap->attendees);
	html(r, "<dt>决议</dt><dd class=\"pre\">%s</dd>", ap->resolution);
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

/* The workflow section: submit, return and approve forms as the sheet's
** status and the user's role allow. */
static void workflow_forms(struct req *r, const struct village *v, const char *month,
			   const struct sheet *s, const struct sheet_state *st)
{
	const char *vc = url_encode(r->a, v->code);
	int admin = req_has_role(r, ROLES_ADMIN);
	if (!s)
		return;
	if (sheet_is_open(s) && s->entry_count > 0) {
		html_raw(r, "<h2>提交审定</h2>");
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/submit\" "
			"data-confirm=\"提交后不能再修改，确定提交村两委审定？\">",
		     vc, month);
		html_csrf(r);
		html_raw(r, "<p class=\"hint\">本月录入完成后提交，由村两委会议集体审定。</p>"
			    "<button type=\"submit\" class=\"primary\">提交村两委审定</button></form>");
	}
	if (s->status == SHEET_SUBMITTED && admin) {
		html_raw(r, "<h2>集体审定</h2>");
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/approve\" class=\"narrow\" "
			"data-confirm=\"审定后本表全部记入积分台账，不能撤销。确定？\">",
		     vc, month);
		html_csrf(r);
		html(r, "<label>会议日期<input name=\"meeting_date\" type=\"date\" value=\"%s\" "
			"required></label>",
		     st->approve_date ? st->approve_date : "");
		html(r, "<label>出席人员<textarea name=\"attendees\" rows=\"2\" maxlength=\"500\" "
			"required>\n%s</textarea></label>",
		     st->approve_attendees ? st->approve_attendees : "");
		html(r, "<label>决议<textarea name=\"resolution\" rows=\"3\" maxlength=\"2000\" "
			"required>\n%s</textarea></label>",
		     st->approve_resolution ? st->approve_resolution : "");
		html_raw(r, "<button type=\"submit\" class=\"primary\">审定通过，记入台账</button></form>");
		html(r, "<h2>退回重新录入</h2><form method=\"post\" action=\"/v/%s/sheets/%s/return\" "
			"class=\"narrow\">",
		     vc, month);
		html_csrf(r);
		html(r, "<label>退回原因<textarea name=\"reason\" rows=\"2\" maxlength=\"500\" required>"
			"\n%s</textarea></label><button type=\"submit\">退回</button></form>",
		     st->return_reason ? st->return_reason : "");
	} else if (s->status == SHEET_SUBMITTED) {
		html_raw(r, "<p class=\"hint\">本表已提交，等待村两委集体审定。</p>");
	}
	if (s->status == SHEET_APPROVED)
		approval_record(r, v, s);
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
	if (s && sheet_entries(r->db, r->a, v->id, s->id, 0, &rows, &n)) {
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
	const struct entry_form *f = st->form ? st->form : &def;
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
	const char *added = req_query(r, "added");
	if (added && !st->errs)
		html_notice(r, arena_printf(r->a, "已记入%s%s。", hh ? "：" : "", hh ? hh : ""));
	static const struct {
		const char *q, *msg;
	} notes[] = {
		{"removed", "已删除这条积分记录。"},
		{"submitted", "已提交村两委审定。"},
		{"returned", "已退回积分小组重新录入。"},
		{"approved", "已审定：本表全部积分已记入积分台账。"},
		{"accepted", "已采纳申报，记入本表。"},
	};
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++)
		if (req_query(r, notes[i].q) && !st->errs)
			html_notice(r, notes[i].msg);
	const char *imp = req_query(r, "imported");
	if (imp && text_is_clean(imp, 0) && !st->errs)
		html_notice(r, arena_printf(r->a, "已导入 %s 条积分记录。", imp));
	page_error_list(r, st->errs, st->errs && st->errs->n == 1
					? "没有记入，原因如下："
					: "有以下问题，没有保存任何内容：");

	html_raw(r, "<p class=\"status\">状态：");
	status_tag(r, s ? s->status : SHEET_DRAFT);
	if (s)
		html(r, "　%lld 户，%lld 条，加分 %+lld，减分 %+lld，合计 %+lld", (long long)s->households,
		     (long long)s->entry_count, (long long)s->points_plus, (long long)s->points_minus,
		     (long long)(s->points_plus + s->points_minus));
	else
		html_raw(r, "　尚无记录");
	html_raw(r, "</p>");
	if (s && s->submitted_by && s->status == SHEET_SUBMITTED)
		html(r, "<p class=\"hint\">%s 于 %s 提交。</p>", s->submitted_by,
		     time_format(r->a, s->submitted_at, ""));
	if (s && s->status == SHEET_RETURNED && s->return_reason)
		html(r, "<p class=\"error\">已被 %s 退回（%s）：%s</p>",
		     s->returned_by ? s->returned_by : "", time_format(r->a, s->returned_at, ""),
		     s->return_reason);

	int can_enter = open && req_has_role(r, ROLES_ENTRY);
	if (can_enter) {
		if (!sv)
			html(r, "<p class=\"error\">%s 没有施行中的积分标准，不能记分。请先"
				"<a href=\"/v/%s/standard\">通过本村积分标准</a>。</p>",
			     vdate, vc);
		entry_form_html(r, v, month, f, sv, st->autofocus || st->form != NULL || hh != NULL);
		html(r, "<p class=\"noprint\"><a href=\"/v/%s/sheets/%s/import\">用 CSV 文件批量导入"
			"</a></p>",
		     vc, month);
	}
	html_raw(r, "<h2>本月积分记录</h2>");
	entries_table(r, v, month, rows, n, can_enter);
	workflow_forms(r, v, month, s, st);
	html_raw(r, "<script src=\"/static/sheet.js\" defer></script>");
	html_page_end(r);
}

/* GET /v/CODE/sheets/YYYY-MM */
static void page_sheet(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	struct sheet_state st = {0};
	sheet_page(r, v, month, &st);
}

/* The household text of the form resolved to a household code: the text
** when it is a household's code, else the code of the one participating
** household whose head has exactly that name.  Several of the same name:
** a message in errs and NULL.  Unknown: the text itself (entry_add names
** it as unknown). */
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
		errlist_add(errs, "户主姓名为“%s”的参与户有 %d 户，请输入户编号", text, same);
		return NULL;
	}
	return found ? found : text;
}

/* POST /v/CODE/sheets/YYYY-MM/entries: household, item, quantity, date,
** note, photo (file).  Success: back to the sheet with the household and
** date kept; rejection: the sheet with the messages and the form as sent. */
static void page_entry_add(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	struct entry_form f = {req_form_trim(r, "household"), req_form_trim(r, "item"),
			       req_form_trim(r, "quantity"), req_form_trim(r, "date"),
			       req_form_trim(r, "note")};
	errlist errs = {0};
	struct actor who = req_actor(r);
	struct entry_input in = {0};
	int64_t q = 1;
	if (*f.quantity && parse_int64(f.quantity, &q))
		q = -1;
	in.quantity = q;
	in.item_code = f.item;
	in.date = f.date;
	in.note = f.note;
	int rc = 0;
	if (!*f.household)
		errlist_add(&errs, "请填写农户（户编号或户主姓名）");
	else if (!(in.household_code = resolve_household(r, v, f.household, &errs)) && !errs.n)
		rc = -1;
	char hash[65];
	const struct param *photo = req_file(r, "photo");
	if (!rc && !errs.n && photo) {
		rc = evidence_store(r->db, v->id, who.login, photo->value, photo->len, hash, &errs);
		if (rc == 0)
			in.photo = hash;
	}
	if (!rc && !errs.n) {
		int64_t id = 0;
		rc = entry_add(r->db, &who, v, month, &in, &errs, &id);
	}
	if (rc < 0)
		http_error(r, 500, "记入时出错，没有保存。");
	else if (rc > 0 || errs.n) {
		struct sheet_state st = {.form = &f, .errs = &errs, .autofocus = 1};
		sheet_page(r, v, month, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?added=1&hh=%s&date=%s#add",
					      url_encode(r->a, v->code), month,
					      url_encode(r->a, in.household_code),
					      url_encode(r->a, f.date)));
	errlist_free(&errs);
}

/* POST /v/CODE/sheets/YYYY-MM/entries/ID/remove */
static void page_entry_remove(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	int64_t id = parse_id(r->arg[2]);
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = SHEET_NOT_FOUND;
	if (!id)
		errlist_add(&errs, "本村没有这条积分记录");
	else
		rc = entry_remove(r->db, &who, v, id, &errs);
	if (rc < 0)
		http_error(r, 500, "删除时出错，没有删除。");
	else if (rc == SHEET_NOT_FOUND)
		http_error(r, 404, errs.msg[0]);
	else if (rc > 0) {
		struct sheet_state st = {.errs = &errs};
		sheet_page(r, v, month, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?removed=1",
					      url_encode(r->a, v->code), month));
	errlist_free(&errs);
}

/* POST /v/CODE/sheets/YYYY-MM/submit */
static void page_submit(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = sheet_submit(r->db, &who, v, month, &errs);
	if (rc < 0)
		http_error(r, 500, "提交时出错。");
	else if (rc > 0) {
		struct sheet_state st = {.errs = &errs};
		sheet_page(r, v, month, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?submitted=1",
					      url_encode(r->a, v->code), month));
	errlist_free(&errs);
}

/* POST /v/CODE/sheets/YYYY-MM/return: reason */
static void page_return(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	const char *reason = req_form_trim(r, "reason");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = sheet_return(r->db, &who, v, month, reason, &errs);
	if (rc < 0)
		http_error(r, 500, "退回时出错。");
	else if (rc > 0) {
		struct sheet_state st = {.errs = &errs, .return_reason = reason};
		sheet_page(r, v, month, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?returned=1",
					      url_encode(r->a, v->code), month));
	errlist_free(&errs);
}

/* POST /v/CODE/sheets/YYYY-MM/approve: meeting_date, attendees, resolution.
** sheet_approve() posts the whole sheet to the ledger in one transaction. */
static void page_approve(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
		return;
	struct approval_input in = {req_form_trim(r, "meeting_date"), req_form_trim(r, "attendees"),
				    req_form_trim(r, "resolution")};
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = sheet_approve(r->db, r->a, &who, v, month, &in, 0, &errs, NULL);
	if (rc < 0)
		http_error(r, 500, "审定时出错，没有记入台账。");
	else if (rc > 0) {
		struct sheet_state st = {.errs = &errs,
					 .approve_date = in.meeting_date,
					 .approve_attendees = in.attendees,
					 .approve_resolution = in.resolution};
		sheet_page(r, v, month, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?approved=1",
					      url_encode(r->a, v->code), month));
	errlist_free(&errs);
}

/* ---- entries CSV import ----------------------------------------------------------- */

/* The upload form and the columns. */
static void import_form(struct req *r, const struct village *v, const char *month)
{
	html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/import\" "
		"enctype=\"multipart/form-data\" class=\"narrow\">",
	     url_encode(r->a, v->code), month);
	html_csrf(r);
	html_raw(r, "<label>CSV 文件（UTF-8，逗号分隔）<input type=\"file\" name=\"file\" "
		    "accept=\".csv,text/csv\" required></label>"
		    "<button type=\"submit\" class=\"primary\">上传并预览</button></form>"
		    "<p class=\"hint\">先预览：检查每一行（参与户、积分项目、日期、上限等）；"
		    "文件中只要有一处错误，就不会导入任何记录。</p>");
	html_raw(r, "<h2>文件格式</h2><table class=\"list\"><thead><tr><th>列名</th><th>中文列名</th>"
		    "<th>必填</th></tr></thead><tbody>");
	for (int f = 0; f < EF_COUNT; f++)
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", entry_csv_spec[f].name,
		     entry_csv_spec[f].alias, entry_csv_spec[f].required ? "是" : "否");
	html_raw(r, "</tbody></table>");
}

/* GET /v/CODE/sheets/YYYY-MM/import */
static void page_import(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
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
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *month = req_month_or_404(r, r->arg[1]);
	if (!month)
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
		http_redirect(r, arena_printf(r->a, "/v/%s/sheets/%s?imported=%d", vc, month, rep.rows));
	} else {
		html_page_begin(r, arena_printf(r->a, "%s · 导入预览：%s", v->name, fname));
		html(r, "<p class=\"lead\">检查通过：共 <strong>%d</strong> 条记录，涉及 <strong>%d"
			"</strong> 户，合计 <strong>%+lld</strong> 分，将记入 %s 积分表（草稿）。</p>",
		     rep.rows, rep.households, (long long)rep.points, month_label(r->a, month));
		html(r, "<form method=\"post\" action=\"/v/%s/sheets/%s/import\">", vc, month);
		html_csrf(r);
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

/* ---- the ledger and corrections --------------------------------------------------------- */

/* What a re-rendered ledger page shows besides the entries. */
struct ledger_state {
	const errlist *errs;
	int64_t entry_id; /* the entry whose correction was refused */
	const char *amount, *reason;
};

/* The ledger page of the household code hcode (NULL: only the picker). */
static void ledger_page(struct req *r, const struct village *v, const char *hcode,
			const struct ledger_state *st)
{
	const char *vc = url_encode(r->a, v->code);
	struct household *h = NULL;
	int rc = hcode && *hcode ? household_get_by_code(r->db, r->a, v->id, hcode, &h) : 1;
	if (rc < 0) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	int64_t page = 1;
	const char *ps = req_query(r, "page");
	if (ps && (parse_int64(ps, &page) || page < 1 || page > 1000000))
		page = 1;
	struct ledger_entry *rows = NULL;
	int n = 0;
	int64_t total = 0;
	struct ledger_summary sum = {0};
	char today[11];
	date_today(today);
	if (h && (ledger_household_summary(r->db, v->id, h->id, today, &sum) ||
		  ledger_household_entries(r->db, r->a, v->id, h->id,
					   (int)((page - 1) * LEDGER_PER_PAGE), LEDGER_PER_PAGE,
					   &rows, &n, &total))) {
		http_error(r, 500, "读取积分台账时出错。");
		return;
	}
	struct household *hh;
	int nh;
	if (pick_households(r, v, &hh, &nh)) {
		http_error(r, 500, "读取农户名册时出错。");
		return;
	}
	if ((st->errs && st->errs->n) || (hcode && *hcode && !h))
		r->status = st->errs && st->errs->n ? 400 : 404;
	html_page_begin(r, h ? arena_printf(r->a, "%s · 积分台账：%s %s", v->name, h->code,
					    h->head_name)
			     : arena_printf(r->a, "%s · 积分台账", v->name));
	if (req_query(r, "corrected") && !st->errs)
		html_notice(r, "更正已记入台账。");
	page_error_list(r, st->errs, "没有更正，原因如下：");
	households_datalist(r, hh, nh);
	html(r, "<form method=\"get\" action=\"/v/%s/ledger\" class=\"inline noprint\">", vc);
	html(r, "<label>户编号<input name=\"household\" list=\"households\" value=\"%s\" required "
		"maxlength=\"32\"></label><button type=\"submit\">查看</button></form>",
	     hcode ? hcode : "");
	if (hcode && *hcode && !h) {
		html_error_box(r, arena_printf(r->a, "本村没有户编号为“%s”的农户。", hcode));
		html_page_end(r);
		return;
	}
	if (!h) {
		html_page_end(r);
		return;
	}
	html_raw(r, "<section class=\"cards\">");
	html(r, "<div class=\"card\"><div class=\"big\">%lld</div>积分余额</div>",
	     (long long)sum.balance);
	html(r, "<div class=\"card\"><div class=\"big\">%lld</div>本年积分</div>",
	     (long long)sum.year_points);
	html(r, "<div class=\"card\"><div class=\"big\">%lld</div>本季度积分</div>",
	     (long long)sum.quarter_points);
	html_raw(r, "</section>");
	if (sum.veto)
		html_raw(r, "<p class=\"error\">本年有一票否决项目：取消本年度评先评优和积分兑换资格。</p>");
	if (!n) {
		html_raw(r, "<p>这一户还没有记入台账的积分。</p>");
		html_page_end(r);
		return;
	}
	int admin = req_has_role(r, ROLES_ADMIN);
	html_raw(r, "<table class=\"list wide ledger\"><thead><tr><th>序号</th><th>日期</th>"
		    "<th>月份</th><th>积分项目</th><th class=\"num\">分值</th><th>类型</th>"
		    "<th>审定会议</th><th>说明</th>");
	if (admin)
		html_raw(r, "<th class=\"noprint\">更正</th>");
	html_raw(r, "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct ledger_entry *e = &rows[i];
		int score = !strcmp(e->kind, "score");
		int64_t left = llabs(e->points + e->corrected);
		html(r, "<tr id=\"e%lld\"><td class=\"num\">%lld</td><td>%s</td><td>%s</td>"
			"<td>%s %s</td>",
		     (long long)e->id, (long long)e->seq, e->date, e->month, e->item_code,
		     e->item_name ? e->item_name : "");
		points_cell(r, e->points);
		html(r, "<td>%s</td><td>%s</td><td>",
		     score ? "记分" : !strcmp(e->kind, "correction") ? "更正" : e->kind,
		     e->meeting_date ? e->meeting_date : "");
		if (e->correction_of)
			html(r, "更正第 %lld 条：%s", (long long)e->correction_of, e->reason);
		else
			html(r, "%s", e->note);
		if (score && e->corrected)
			html(r, "（已更正 %+lld）", (long long)e->corrected);
		if (e->photo && *e->photo)
			html(r, " <a href=\"/v/%s/evidence/%s\">照片</a>", vc, e->photo);
		html_raw(r, "</td>");
		if (admin) {
			html_raw(r, "<td class=\"noprint\">");
			if (score && left > 0) {
				int refused = st->entry_id == e->id;
				html(r, "<form method=\"post\" action=\"/v/%s/ledger/%lld/correct\" "
					"class=\"inline correct\" data-confirm=\"更正将记入台账，不能撤销。确定？\">",
				     vc, (long long)e->id);
				html_csrf(r);
				html(r, "<label>冲减分数<input name=\"amount\" type=\"number\" min=\"1\" "
					"max=\"%lld\" value=\"%s\" required></label>"
					"<label>原因<input name=\"reason\" maxlength=\"500\" value=\"%s\" "
					"required></label><button type=\"submit\">更正</button></form>",
				     (long long)left, refused && st->amount ? st->amount : "",
				     refused && st->reason ? st->reason : "");
			}
			html_raw(r, "</td>");
		}
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");
	int64_t pages = (total + LEDGER_PER_PAGE - 1) / LEDGER_PER_PAGE;
	if (pages > 1) {
		const char *hc = url_encode(r->a, h->code);
		html_raw(r, "<p class=\"pager\">");
		if (page > 1)
			html(r, "<a href=\"/v/%s/ledger?household=%s&amp;page=%lld\">较新</a> ", vc, hc,
			     (long long)page - 1);
		html(r, "第 %lld / %lld 页（共 %lld 条）", (long long)page, (long long)pages,
		     (long long)total);
		if (page < pages)
			html(r, " <a href=\"/v/%s/ledger?household=%s&amp;page=%lld\">较早</a>", vc, hc,
			     (long long)page + 1);
		html_raw(r, "</p>");
	}
	html_page_end(r);
}

/* GET /v/CODE/ledger?household=CODE */
static void page_ledger(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *hc = req_query(r, "household");
	struct ledger_state st = {0};
	ledger_page(r, v, hc ? str_trim(arena_strdup(r->a, hc)) : NULL, &st);
}

/* POST /v/CODE/ledger/ID/correct: amount, reason (village admins). */
static void page_correct(struct req *r)
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
	struct household *h = NULL;
	if (household_get(r->db, r->a, v->id, e->household_id, &h)) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	const char *amount = req_form_trim(r, "amount"), *reason = req_form_trim(r, "reason");
	int64_t n;
	if (parse_int64(amount, &n))
		n = 0;
	errlist errs = {0};
	struct actor who = req_actor(r);
	rc = ledger_correct(r->db, r->a, &who, v, id, n, reason, &errs, NULL);
	if (rc < 0)
		http_error(r, 500, "更正时出错，没有记入台账。");
	else if (rc > 0) {
		struct ledger_state st = {&errs, id, amount, reason};
		ledger_page(r, v, h->code, &st);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/ledger?household=%s&corrected=1",
					      url_encode(r->a, v->code), url_encode(r->a, h->code)));
	errlist_free(&errs);
}

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
		html_notice(r, "已采纳，记入当月积分表。");
	if (req_query(r, "declined") && !errs)
		html_notice(r, "已不予采纳，农户可以看到原因。");
	page_error_list(r, errs, "没有处理，原因如下：");
	html_raw(r, "<p class=\"hint\">农户自己申报的好人好事。采纳后按所选积分项目记入申报日期"
		    "所在月份的积分表（仍需村两委审定）；不予采纳须写明原因。</p>");
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

/* POST /v/CODE/declarations/ID/accept: item */
static void page_declaration_accept(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]), entry_id = 0;
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = SHEET_NOT_FOUND;
	if (!id)
		errlist_add(&errs, "本村没有这条申报");
	else
		rc = declaration_accept(r->db, &who, v, id, req_form_trim(r, "item"), &errs, &entry_id);
	if (rc < 0)
		http_error(r, 500, "采纳时出错，没有保存。");
	else if (rc == SHEET_NOT_FOUND)
		http_error(r, 404, errs.msg[0]);
	else if (rc > 0)
		declarations_page(r, v, &errs, id, NULL);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/declarations?accepted=1",
					      url_encode(r->a, v->code)));
	errlist_free(&errs);
}

/* POST /v/CODE/declarations/ID/decline: reason */
static void page_declaration_decline(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t id = parse_id(r->arg[1]);
	const char *reason = req_form_trim(r, "reason");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = SHEET_NOT_FOUND;
	if (!id)
		errlist_add(&errs, "本村没有这条申报");
	else
		rc = declaration_decline(r->db, &who, v, id, reason, &errs);
	if (rc < 0)
		http_error(r, 500, "保存时出错。");
	else if (rc == SHEET_NOT_FOUND)
		http_error(r, 404, errs.msg[0]);
	else if (rc > 0)
		declarations_page(r, v, &errs, id, reason);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/declarations?declined=1",
					      url_encode(r->a, v->code)));
	errlist_free(&errs);
}

/* ---- balances --------------------------------------------------------------------------- */

/* The balances of v for this year; 0, or -1 after answering 500. */
static int load_balances(struct req *r, const struct village *v, struct ledger_balance **rows,
			 int *n, int *year)
{
	char today[11];
	date_today(today);
	*year = atoi(today);
	if (ledger_balances(r->db, r->a, v->id, *year, rows, n)) {
		http_error(r, 500, "读取积分余额时出错。");
		return -1;
	}
	return 0;
}

/* GET /v/CODE/balances */
static void page_balances(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct ledger_balance *rows;
	int n, year;
	if (load_balances(r, v, &rows, &n, &year))
		return;
	const char *vc = url_encode(r->a, v->code);
	int links = req_has_role(r, ROLES_VIEW);
	html_page_begin(r, arena_printf(r->a, "%s · 积分余额", v->name));
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/balances.csv\">下载 CSV（Excel 可直接打开）</a>"
		"</p>",
	     vc);
	html(r, "<table class=\"list wide balances\"><thead><tr><th>户编号</th><th>户主</th>"
		"<th class=\"num\">积分余额</th><th class=\"num\">%d 年积分</th><th>备注</th></tr>"
		"</thead><tbody>",
	     year);
	int64_t tb = 0, ty = 0;
	for (int i = 0; i < n; i++) {
		const struct ledger_balance *b = &rows[i];
		tb += b->balance;
		ty += b->year_points;
		if (links)
			html(r, "<tr><td><a href=\"/v/%s/ledger?household=%s\">%s</a></td>", vc,
			     url_encode(r->a, b->code), b->code);
		else
			html(r, "<tr><td>%s</td>", b->code);
		html(r, "<td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>%s</td>"
			"</tr>",
		     b->name, (long long)b->balance, (long long)b->year_points,
		     b->veto ? "一票否决：本年不能兑换" : "");
	}
	html(r, "</tbody><tfoot><tr><th colspan=\"2\">参与户 %d 户</th><td class=\"num\">%lld</td>"
		"<td class=\"num\">%lld</td><td></td></tr></tfoot></table>",
	     n, (long long)tb, (long long)ty);
	html_page_end(r);
}

/* One CSV cell: quoted when it holds a comma, quote or line break; a text
** that a spreadsheet would take for a formula (= + - @) gets a leading
** apostrophe. */
static void csv_cell(buf *b, const char *s, int text)
{
	if (text && strchr("=+-@", *s) && *s)
		buf_puts(b, "'");
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_puts(b, "\"");
		buf_append(b, p, 1);
	}
	buf_puts(b, "\"");
}

/* GET /v/CODE/balances.csv: the `jifen balances` columns with a BOM. */
static void page_balances_csv(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct ledger_balance *rows;
	int n, year;
	if (load_balances(r, v, &rows, &n, &year))
		return;
	buf b = {0};
	buf_puts(&b, "\xEF\xBB\xBFhousehold,name,balance,year_points\r\n");
	for (int i = 0; i < n; i++) {
		csv_cell(&b, rows[i].code, 1);
		buf_puts(&b, ",");
		csv_cell(&b, rows[i].name, 1);
		buf_printf(&b, ",%lld,%lld\r\n", (long long)rows[i].balance,
			   (long long)rows[i].year_points);
	}
	http_security_event(r, "security.export", arena_printf(r->a, "balances:%s", v->code), v->id,
			    NULL);
	http_header(r, "Content-Disposition",
		    arena_printf(r->a, "attachment; filename=\"balances-%s-%d.csv\"", v->code, year));
	http_send(r, 200, "text/csv; charset=utf-8", b.p ? b.p : "", b.len);
	buf_free(&b);
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
	{"GET", "/v/*/ledger", page_ledger, ROLES_VIEW, 0},
	{"POST", "/v/*/ledger/*/correct", page_correct, ROLES_ADMIN, 0},
	{"GET", "/v/*/evidence/*", page_evidence, ROLES_VIEW, 0},
	{"GET", "/v/*/declarations", page_declarations, ROLES_ENTRY, 0},
	{"POST", "/v/*/declarations/*/accept", page_declaration_accept, ROLES_ENTRY, 0},
	{"POST", "/v/*/declarations/*/decline", page_declaration_decline, ROLES_ENTRY, 0},
	{"GET", "/v/*/balances", page_balances, ROLES_BALANCE, 0},
	{"GET", "/v/*/balances.csv", page_balances_csv, ROLES_BALANCE, 0},
	{0},
};
