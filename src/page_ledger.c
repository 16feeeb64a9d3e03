/*
** page_ledger.c — the ledger on the web: a household's ledger entries with
** corrections (更正), and the village's balances table with its CSV.
**
**   GET  /v/CODE/ledger?household=CODE        a household's ledger entries
**   POST /v/CODE/ledger/ID/correct            a correction (admins)
**   GET  /v/CODE/balances, /v/CODE/balances.csv
**
** Every handler starts with req_village_or_404() on r->arg[0].  The rules
** (what may be corrected, balances) are in ledger.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "household.h"
#include "html.h"
#include "ledger.h"
#include "page.h"
#include "req.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

enum { LEDGER_PER_PAGE = 50 };

/* ---- the ledger and corrections --------------------------------------------------------- */

/* What a re-rendered ledger page shows besides the entries. */
struct ledger_state {
	const errlist *errs;
	int64_t entry_id; /* the entry whose correction was refused */
	const char *amount, *reason;
};

/* The village's latest ledger entries, by date: the ledger page before a
** household is picked. */
static void recent_entries(struct req *r, const struct village *v)
{
	const char *vc = url_encode(r->a, v->code);
	struct ledger_entry *rows;
	int n;
	if (ledger_village_recent(r->db, r->a, v->id, 0, LEDGER_PER_PAGE, &rows, &n)) {
		html_error_box(r, "读取积分台账时出错。");
		return;
	}
	html_raw(r, "<h2>最近记入台账的积分</h2>");
	if (!n) {
		html_raw(r, "<p>台账里还没有积分。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide ledger\"><thead><tr><th>日期</th><th>农户</th>"
		    "<th>积分项目</th><th class=\"num\">分值</th><th>类型</th><th>审定会议</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct ledger_entry *e = &rows[i];
		html(r, "<tr><td>%s</td><td><a href=\"/v/%s/ledger?household=%s#e%lld\">%s %s</a></td>"
			"<td>%s %s</td>",
		     e->date, vc, url_encode(r->a, e->household_code), (long long)e->id,
		     e->household_code, e->household_name, e->item_code,
		     e->item_name ? e->item_name : "");
		points_cell(r, e->points);
		html(r, "<td>%s</td><td>%s</td></tr>",
		     ledger_kind_label(e->kind),
		     e->meeting_date ? e->meeting_date : "");
	}
	html_raw(r, "</tbody></table>");
}

/* The ledger page of the household hcode (its code, or its head's name
** when that names one household; NULL: the picker and the latest). */
static void ledger_page(struct req *r, const struct village *v, const char *hcode,
			const struct ledger_state *st)
{
	const char *vc = url_encode(r->a, v->code);
	struct household *h = NULL;
	int rc = hcode && *hcode ? household_get_by_code(r->db, r->a, v->id, hcode, &h) : 1;
	if (rc > 0 && hcode && *hcode) {
		/* a head's name typed instead of the code: the one household of it */
		struct household *byname;
		int nb;
		int64_t tb;
		rc = household_list(r->db, r->a, v->id, hcode, HH_ALL, 1, 2, &byname, &nb, &tb);
		if (!rc && nb == 1 && !strcmp(byname[0].head_name, hcode))
			h = &byname[0];
		else if (!rc)
			rc = 1;
	}
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
	page_error_list(r, st->errs, PAGE_NOT_SAVED);
	households_datalist(r, hh, nh);
	if (req_has_role(r, ROLES_ADMIN))
		html(r, "<p class=\"noprint\"><a href=\"/v/%s/ledger.xlsx\" download>下载本年积分台账"
			"（Excel：积分记录、余额、标准）</a></p>", vc);
	html(r, "<form method=\"get\" action=\"/v/%s/ledger\" class=\"inline noprint\">", vc);
	html(r, "<label>农户（户编号或户主姓名）<input name=\"household\" list=\"households\" "
		"value=\"%s\" required maxlength=\"50\"></label><button type=\"submit\">查看</button>"
		"</form>",
	     hcode ? hcode : "");
	if (hcode && *hcode && !h) {
		html_error_box(r, arena_printf(r->a, "本村没有户编号或户主姓名为“%s”的农户。", hcode));
		html_page_end(r);
		return;
	}
	if (!h) {
		recent_entries(r, v);
		html_page_end(r);
		return;
	}
	html_raw(r, "<section class=\"cards\">");
	page_stat_card_int(r, sum.balance, "积分余额");
	page_stat_card_int(r, sum.year_points, "本年积分");
	page_stat_card_int(r, sum.quarter_points, "本季度积分");
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
		int score = e->kind == LEDGER_SCORE;
		int64_t left = llabs(e->points + e->corrected);
		html(r, "<tr id=\"e%lld\"><td class=\"num\">%lld</td><td>%s</td><td>%s</td>"
			"<td>%s %s</td>",
		     (long long)e->id, (long long)e->seq, e->date, e->month, e->item_code,
		     e->item_name ? e->item_name : "");
		points_cell(r, e->points);
		html(r, "<td>%s</td><td>%s</td><td>",
		     ledger_kind_label(e->kind),
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
				/* the form only on request: a table of fifty open
				** correction forms invites a slip */
				int refused = st->entry_id == e->id;
				html(r, "<details%s><summary>更正</summary>"
					"<form method=\"post\" action=\"/v/%s/ledger/%lld/correct\" "
					"class=\"inline correct\" data-confirm=\"更正将记入台账，不能撤销。确定？\">",
				     refused ? " open" : "", vc, (long long)e->id);
				html_csrf(r);
				html(r, "<label>冲减分数<input name=\"amount\" type=\"number\" min=\"1\" "
					"max=\"%lld\" value=\"%s\" required></label>"
					"<label>原因<input name=\"reason\" maxlength=\"500\" value=\"%s\" "
					"required></label><button type=\"submit\">记入更正</button></form>"
					"</details>",
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
	struct village *v;
	struct ledger_entry *e = req_village_ledger_entry_or_404(r, &v);
	if (!e)
		return;
	int64_t id = e->id;
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
	int rc = ledger_correct(r->db, r->a, &who, v, id, n, reason, &errs, NULL);
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

/* A balances.csv being sent: the village, the year, and the keyset
** position (the last household code written). */
struct balances_stream {
	struct http_stream s;
	int64_t village_id;
	int year;
	char *after; /* malloc'd; NULL before the first page */
};

enum { BALANCES_PAGE = 1000 }; /* households a batch: ~60 KB of CSV */

/* http_stream next(): the next page of households as CSV rows. */
static int balances_next(struct http_stream *hs, db *d)
{
	struct balances_stream *bs = (struct balances_stream *)hs;
	arena *a = arena_new();
	struct ledger_balance *rows;
	int n, rc = -1;
	if (ledger_balances_after(d, a, bs->village_id, bs->year, bs->after, BALANCES_PAGE, &rows,
				  &n) == 0) {
		ledger_balances_csv(&hs->w, rows, n);
		if (n) {
			free(bs->after);
			bs->after = strdup(rows[n - 1].code);
		}
		rc = n == BALANCES_PAGE && bs->after ? 1 : 0;
	}
	arena_free(a);
	return rc;
}

static void balances_done(struct http_stream *hs)
{
	free(((struct balances_stream *)hs)->after);
}

/* GET /v/CODE/balances.csv: the `jifen balances` columns with a BOM,
** streamed a page of households at a time (bounded memory whatever the
** village's size); the rows and bytes are those of ledger_balances(). */
static void page_balances_csv(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	struct balances_stream *bs = calloc(1, sizeof *bs);
	if (!bs) {
		http_error(r, 500, "内存不足。");
		return;
	}
	bs->s.next = balances_next;
	bs->s.done = balances_done;
	bs->village_id = v->id;
	bs->year = atoi(today);
	csv_begin(&bs->s.w, "\r\n");
	csv_literal(&bs->s.w, "\xEF\xBB\xBFhousehold,name,balance,year_points");
	csv_row_end(&bs->s.w);
	http_security_event(r, "security.export", arena_printf(r->a, "balances:%s", v->code), v->id,
			    NULL);
	http_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"balances-%s-%d.csv\"", v->code, bs->year));
	http_send_stream(r, 200, "text/csv; charset=utf-8", &bs->s);
}

const struct route ledger_routes[] = {
	{"GET", "/v/*/ledger", page_ledger, ROLES_VIEW, 0},
	{"POST", "/v/*/ledger/*/correct", page_correct, ROLES_ADMIN, 0},
	{0},
};

/* Last in routes.c, as the rows were in page_sheet.c's table. */
const struct route balance_routes[] = {
	{"GET", "/v/*/balances", page_balances, ROLES_BALANCE, 0},
	{"GET", "/v/*/balances.csv", page_balances_csv, ROLES_BALANCE, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link ledger_nav[] = {
	{0},
};
