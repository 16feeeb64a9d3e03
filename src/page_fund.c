/*
** page_fund.c — the funds (资金来源) and the year end pages, over fund.c
** and yearend.c:
**
**   GET  /v/CODE/funds?year=YYYY   by-source totals, the coverage of the
**                                  points outstanding (red below 1), a
**                                  month-by-month SVG chart drawn here with
**                                  the same figures as a table beside it,
**                                  the movements with their reversals, and
**                                  the income and spending forms
**   POST /v/CODE/funds             flow income|spent, source, amount, …
**   POST /v/CODE/funds/ID/reverse  reason
**   GET  /v/CODE/year-end, POST /v/CODE/year-end   the year end
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fund.h"
#include "page.h"
#include "page_shop.h"
#include "req.h"
#include "yearend.h"

/* yuan text of fen (arena). */
static const char *yuan(arena *a, int64_t fen)
{
	char out[32];
	return arena_strdup(a, fen_format(out, fen));
}

void fund_overview_cards(struct req *r, const struct village *v)
{
	if (!req_has_role(r, ROLES_ADMIN))
		return;
	struct fund_summary s;
	if (fund_summary(r->db, v, &s))
		return;
	char cov[32];
	int low = s.below_one;
	html(r, "<section class=\"cards\"><div class=\"card\"><div class=\"big\">%s</div>资金余额（元）</div>"
		"<div class=\"card%s\"><div class=\"big\">%s</div>兑付保障率%s</div></section>",
	     yuan(r->a, s.total.balance), low ? " alarm" : "",
	     s.has_coverage ? fund_coverage_text(cov, &s) : "—", low ? "（低于 1，资金不足以兑付积分）" : "");
}

void fund_coverage_cell(struct req *r, const struct village *v)
{
	struct fund_summary s;
	char cov[32];
	if (fund_summary(r->db, v, &s) || !s.has_coverage) {
		html_raw(r, "<td class=\"num\">—</td>");
		return;
	}
	html(r, "<td class=\"num%s\">%s</td>", s.below_one ? " neg" : "", fund_coverage_text(cov, &s));
}

/* The month-by-month chart of one year: income and spending bars per
** month (heights in whole pixels by integer arithmetic), then the same
** figures as a table for screen readers and print. */
static void monthly_chart(struct req *r, const int64_t income[12], const int64_t spent[12], int year)
{
	int64_t max = 1;
	for (int m = 0; m < 12; m++) {
		if (income[m] > max)
			max = income[m];
		if (spent[m] > max)
			max = spent[m];
	}
	html(r, "<h2>%d 年逐月收支</h2><div class=\"chart-row\"><svg class=\"chart\" viewBox=\"0 0 620 200\" "
		"width=\"620\" height=\"200\" role=\"img\" aria-label=\"%d 年逐月收入和支出\">",
	     year, year);
	for (int m = 0; m < 12; m++) {
		int x = 20 + m * 50;
		int hi = (int)(income[m] * 160 / max), hs = (int)(spent[m] * 160 / max);
		html(r, "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"%d\" fill=\"#2e7d32\"><title>%d 月收入 %s 元"
			"</title></rect>",
		     x, 170 - hi, hi, m + 1, yuan(r->a, income[m]));
		html(r, "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"%d\" fill=\"#c62828\"><title>%d 月支出 %s 元"
			"</title></rect>",
		     x + 20, 170 - hs, hs, m + 1, yuan(r->a, spent[m]));
		html(r, "<text x=\"%d\" y=\"190\" font-size=\"12\">%d月</text>", x + 6, m + 1);
	}
	html_raw(r, "<line x1=\"10\" y1=\"170\" x2=\"610\" y2=\"170\" stroke=\"#888\"/></svg>");
	html_raw(r, "<table class=\"list\"><thead><tr><th>月</th><th class=\"num\">收入（元）</th>"
		    "<th class=\"num\">支出（元）</th></tr></thead><tbody>");
	for (int m = 0; m < 12; m++)
		html(r, "<tr><td>%d 月</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>", m + 1,
		     yuan(r->a, income[m]), yuan(r->a, spent[m]));
	html_raw(r, "</tbody></table></div>");
}

/* The income and spending forms. */
static void fund_forms(struct req *r, const struct village *v)
{
	const char *vc = url_encode(r->a, v->code);
	for (int spend = 0; spend < 2; spend++) {
		html(r, "<h2>%s</h2><form method=\"post\" action=\"/v/%s/funds\" class=\"inline\">",
		     spend ? "记支出" : "记收入", vc);
		html_csrf(r);
		html(r, "<input type=\"hidden\" name=\"flow\" value=\"%s\"><label>来源<select name=\"source\">",
		     spend ? "spent" : "income");
		for (int i = 0; i < FUND_SOURCES; i++)
			html(r, "<option value=\"%s\">%s</option>", fund_sources[i], fund_source_label(i));
		html_raw(r, "</select></label><label>金额（元）<input name=\"amount\" required "
			    "inputmode=\"decimal\" pattern=\"[0-9]+(\\.[0-9]{1,2})?\"></label>"
			    "<label>日期<input name=\"date\" type=\"date\"></label>");
		if (!spend)
			html_raw(r, "<label>捐赠方<input name=\"from\"></label>");
		html(r, "<label>说明<input name=\"note\"%s></label><button type=\"submit\">保存</button></form>",
		     spend ? " required" : "");
	}
}

/* GET /v/CODE/funds?year= */
static void page_funds(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int year = (int)req_query_int(r, "year", atoi(today), 1900, 2199);
	struct fund_summary s;
	struct fund_move *moves;
	int n;
	int64_t income[12], spent[12];
	if (fund_summary(r->db, v, &s) || fund_moves(r->db, r->a, v->id, 100, &moves, &n) ||
	    fund_monthly(r->db, v->id, year, income, spent)) {
		http_error(r, 500, "读取资金时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 资金来源", v->name));
	if (req_query(r, "done"))
		html_notice(r, "已保存。");
	fund_overview_cards(r, v);
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/funds.xlsx?year=%d\" download>下载 %d 年资金台账"
		"（Excel）</a></p>", url_encode(r->a, v->code), year, year);
	html(r, "<p class=\"hint\">待兑付积分 %lld 分 × 每分 %s 元 = %s 元；库存价值 %s 元。"
		"兑付保障率 = (资金余额 + 库存价值) ÷ 待兑付金额，按分计算，四舍五入到两位小数。</p>",
	     (long long)s.outstanding_points, yuan(r->a, s.point_value_fen),
	     yuan(r->a, s.liability_fen), yuan(r->a, s.stock_value_fen));
	html_raw(r, "<table class=\"list\"><thead><tr><th>来源</th><th class=\"num\">收入（元）</th>"
		    "<th class=\"num\">支出（元）</th><th class=\"num\">余额（元）</th></tr></thead><tbody>");
	for (int i = 0; i <= FUND_SOURCES; i++) {
		const struct fund_row *x = i < FUND_SOURCES ? &s.src[i] : &s.total;
		html(r, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			"<td class=\"num\">%s</td></tr>",
		     i < FUND_SOURCES ? fund_source_label(i) : "合计", yuan(r->a, x->income),
		     yuan(r->a, x->spent), yuan(r->a, x->balance));
	}
	html_raw(r, "</tbody></table>");
	monthly_chart(r, income, spent, year);
	fund_forms(r, v);
	html_raw(r, "<h2>资金记录</h2><table class=\"list wide\"><thead><tr><th>编号</th><th>日期</th>"
		    "<th>来源</th><th>收支</th><th class=\"num\">金额（元）</th><th>说明</th><th>操作</th>"
		    "</tr></thead><tbody>");
	const char *vc = url_encode(r->a, v->code);
	for (int i = 0; i < n; i++) {
		const struct fund_move *m = &moves[i];
		html(r, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%s</td>"
			"<td>%s%s%s</td><td>",
		     (long long)m->id, m->date, fund_source_label(fund_source_index(m->source)),
		     m->reversal_of ? "冲回" : !strcmp(m->flow, "income") ? "收入" : "支出",
		     yuan(r->a, m->amount_fen), m->note, *m->donor ? " · 捐赠方 " : "", m->donor);
		if (!m->reversal_of && !m->reversed) {
			html(r, "<form method=\"post\" action=\"/v/%s/funds/%lld/reverse\" class=\"inline\">",
			     vc, (long long)m->id);
			html_csrf(r);
			html_raw(r, "<input name=\"reason\" placeholder=\"冲回原因\" required size=\"8\">"
				    "<button type=\"submit\">冲回</button></form>");
		} else if (m->reversed)
			html_raw(r, "<span class=\"tag mute\">已冲回</span>");
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
	html_page_end(r);
}

/* Answer a funds or year-end write: back to page, or the refusal. */
static void outcome(struct req *r, const struct village *v, int rc, errlist *errs, const char *page)
{
	const char *vc = url_encode(r->a, v->code);
	shop_page_outcome(r, rc, errs, "没有保存", arena_printf(r->a, "/v/%s/%s", vc, page), "返回",
			  arena_printf(r->a, "/v/%s/%s?done=1", vc, page));
}

/* POST /v/CODE/funds: flow, source, amount, date, from, note */
static void page_funds_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	errlist errs = {0};
	int64_t fen = 0;
	if (parse_fen(req_form_trim(r, "amount"), &fen))
		fen = 0;
	const char *date = req_form_trim(r, "date"), *from = req_form_trim(r, "from");
	struct actor who = req_actor(r);
	int rc = !strcmp(req_form_trim(r, "flow"), "spent")
			 ? fund_spend(r->db, &who, v, req_form_trim(r, "source"), fen, date,
				      req_form_trim(r, "note"), &errs, &fen)
			 : fund_add(r->db, &who, v, req_form_trim(r, "source"), fen, date,
				    *from ? from : NULL, req_form_trim(r, "note"), &errs, &fen);
	outcome(r, v, rc, &errs, "funds");
}

/* POST /v/CODE/funds/ID/reverse: reason */
static void page_fund_reverse(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	errlist errs = {0};
	int64_t id = 0;
	struct actor who = req_actor(r);
	int rc = fund_reverse(r->db, &who, v, parse_id(r->arg[1]), req_form_trim(r, "reason"), &errs,
			      &id);
	outcome(r, v, rc, &errs, "funds");
}

/* GET /v/CODE/year-end: last year's state and the button. */
static void page_year_end(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int year = (int)req_query_int(r, "year", atoi(today) - 1, 1900, 2199);
	struct yearend_result res;
	int64_t at = 0;
	const char *by = NULL;
	int got = yearend_get(r->db, r->a, v->id, year, &res, &at, &by);
	if (got < 0) {
		http_error(r, 500, "读取年终处理时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 年终处理", v->name));
	if (req_query(r, "done"))
		html_notice(r, "年终处理已完成。");
	html(r, "<p>本村规则：%s（clear 清零，carry 结转，carry_cap:N 最多结转 N 分）。</p>",
	     village_yearend_text(r->a, v));
	if (got == 0)
		html(r, "<p>%d 年已于 %s 由 %s 做过年终处理（%s）：%d 户，合计 %lld 分。再做一次不会有变化。</p>",
		     year, time_format(r->a, at, NULL), by, res.rule, res.households,
		     (long long)res.points);
	else
		html(r, "<p>%d 年还没有做年终处理。</p>", year);
	html(r, "<form method=\"post\" action=\"/v/%s/year-end\" class=\"inline\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html(r, "<label>年份<input name=\"year\" type=\"number\" value=\"%d\" required></label>"
		"<button type=\"submit\" class=\"primary\">做年终处理</button></form>",
	     year);
	html_page_end(r);
}

/* POST /v/CODE/year-end: year */
static void page_year_end_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	errlist errs = {0};
	int64_t year = 0;
	if (parse_int64(req_form_trim(r, "year"), &year))
		year = 0;
	struct yearend_result res;
	struct actor who = req_actor(r);
	int rc = yearend_run(r->db, r->a, &who, v, (int)year, &errs, &res);
	outcome(r, v, rc, &errs, "year-end");
}

const struct route fund_routes[] = {
	{"GET", "/v/*/funds", page_funds, ROLES_ADMIN, 0},
	{"POST", "/v/*/funds", page_funds_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/funds/*/reverse", page_fund_reverse, ROLES_ADMIN, 0},
	{"GET", "/v/*/year-end", page_year_end, ROLES_ADMIN, 0},
	{"POST", "/v/*/year-end", page_year_end_post, ROLES_ADMIN, 0},
	{0},
};

const struct nav_link fund_nav[] = {
	{134, ROLE_VILLAGE_ADMIN, "资金", "/funds", 1},
	{0},
};
