/*
** page_town.c — the town dashboard (镇督导总览), the town admin's landing
** page: every village's figures of a year (oversight.h), sortable on the
** server by ?sort=KEY (&desc=1), the villages that need attention first
** by default; the plan's three stages as a timeline with each village's
** progress; charts drawn on the server (svg.h) with their numbers in a
** table beside them; the report as CSV; and the drill-down to one village.
** Town admin only: a village account gets 403 (the route's roles).
*/
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "evaluation.h"
#include "html.h"
#include "oversight.h"
#include "page.h"
#include "page_group.h"
#include "req.h"
#include "svg.h"
#include "village.h"

/* The column labels of the monthly charts. */
static const char *const month_labels[12] = {"1月", "2月", "3月", "4月", "5月", "6月",
					     "7月", "8月", "9月", "10月", "11月", "12月"};

/* The chart of year's redemptions month by month, and its table: of the
** village village_id, 0 the whole town, under the heading; id
** names the chart's elements, title its accessible title.  Nothing when
** the figures cannot be read (the page goes on without them). */
static void redemptions_chart(struct req *r, int64_t village_id, int year, const char *heading,
			      const char *id, const char *title)
{
	int64_t cnt[12], pts[12];
	if (oversight_redemptions_by_month(r->db, village_id, year, cnt, pts))
		return;
	static const char *const series[1] = {"兑换积分"};
	html(r, "<h2>%s</h2><div class=\"chartbox\">", heading);
	struct svg_columns col = {.id = id, .title = title, .unit = "分", .cols = month_labels,
				  .series = series, .values = pts, .ncols = 12, .nseries = 1};
	svg_stacked_columns(r, &col);
	html_raw(r, "<details><summary>数据表</summary><table class=\"list\"><thead><tr>"
		    "<th>月份</th><th class=\"num\">兑换次数</th><th class=\"num\">兑换积分</th>"
		    "</tr></thead><tbody>");
	for (int m = 0; m < 12; m++)
		html(r, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
		     month_labels[m], (long long)cnt[m], (long long)pts[m]);
	html_raw(r, "</tbody></table></details></div>");
}

/* One sortable column header: a link that sorts by key (toggling the
** direction when it is the current key). */
static void sort_th(struct req *r, int year, const char *cur, int desc, const char *key,
		    const char *label, int num)
{
	int on = !strcmp(cur, key);
	/* html() escapes its %s arguments: the attribute's quotes stay in the format */
	html(r, "<th%s aria-sort=\"%s\"><a href=\"/town?year=%d&amp;sort=%s%s\">%s%s</a></th>",
	     num ? " class=\"num\"" : "", on ? (desc ? "descending" : "ascending") : "none", year, key,
	     on && !desc ? "&amp;desc=1" : "", label, on ? (desc ? " ▲" : " ▼") : "");
}

/* The cell of a ratio ("0.83"), "—" when none. */
static void ratio_cell(struct req *r, const char *label, int has, int64_t x100)
{
	char t[32];
	html(r, "<td class=\"num\" data-l=\"%s\">%s</td>", label,
	     has ? oversight_ratio_text(t, 1, x100) : "—");
}

/* The table of every village's figures. */
static void dashboard_table(struct req *r, int year, const char *sort, int desc,
			    const struct oversight_row *rows, int n)
{
	char fen[32];
	html_raw(r, "<table class=\"list wide dash\"><thead><tr>");
	sort_th(r, year, sort, desc, "code", "村", 0);
	sort_th(r, year, sort, desc, "participating", "参与/符合条件户", 1);
	sort_th(r, year, sort, desc, "coverage", "覆盖率", 1);
	html_raw(r, "<th>积分标准</th>");
	sort_th(r, year, sort, desc, "months", "已审定月（应审/逾期）", 1);
	sort_th(r, year, sort, desc, "announcements", "公示（按时/应公示）", 1);
	sort_th(r, year, sort, desc, "objections", "未答复异议", 1);
	sort_th(r, year, sort, desc, "points", "兑换（次/分）", 1);
	sort_th(r, year, sort, desc, "funds", "资金余额（元）", 1);
	html_raw(r, "<th class=\"num\">保障率</th><th>积分管理小组</th>");
	sort_th(r, year, sort, desc, "attention", "需关注", 0);
	html_raw(r, "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct oversight_row *v = &rows[i];
		html(r, "<tr%s><td data-l=\"村\"><a href=\"/town/v/%s?year=%d\">%s</a> %s</td>",
		     v->attention ? " class=\"attn\"" : "", url_encode(r->a, v->code), year, v->name,
		     v->code);
		html(r, "<td class=\"num\" data-l=\"参与/符合条件户\">%lld / %lld</td>",
		     (long long)v->participating, (long long)v->eligible);
		ratio_cell(r, "覆盖率", v->has_coverage, v->coverage_x100);
		if (v->standard_version && v->standard_adopted)
			html(r, "<td data-l=\"积分标准\">第 %lld 版 %s 通过</td>",
			     (long long)v->standard_version, v->standard_adopted);
		else
			html_raw(r, "<td data-l=\"积分标准\"><span class=\"tag no\">未通过</span></td>");
		html(r, "<td class=\"num\" data-l=\"已审定月\">%lld（%lld/%lld）</td>",
		     (long long)v->months_approved, (long long)v->months_due,
		     (long long)v->months_late);
		html(r, "<td class=\"num\" data-l=\"公示\">%lld（%lld/%lld）</td>",
		     (long long)v->announcements, (long long)v->announcements_on_time,
		     (long long)v->quarters_due);
		if (v->objections_open)
			html(r, "<td class=\"num\" data-l=\"未答复异议\">%lld（最久 %lld 天）</td>",
			     (long long)v->objections_open, (long long)v->objection_oldest_days);
		else
			html_raw(r, "<td class=\"num\" data-l=\"未答复异议\">0</td>");
		html(r, "<td class=\"num\" data-l=\"兑换\">%lld / %lld</td>", (long long)v->redemptions,
		     (long long)v->points_redeemed);
		html(r, "<td class=\"num\" data-l=\"资金余额\">%s</td>",
		     fen_format(fen, v->fund_balance_fen));
		ratio_cell(r, "保障率", v->has_fund_coverage, v->fund_coverage_x100);
		group_status_td(r, v->code, &v->group);
		if (v->attention)
			html(r, "<td data-l=\"需关注\"><strong>需关注</strong>：%s</td></tr>",
			     v->attention_why);
		else
			html_raw(r, "<td data-l=\"需关注\"><span class=\"tag ok\">正常</span></td></tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* The three stages with the town's dates and each village's progress on
** them, as a table (reads without colour: words and ✓). */
static void stage_timeline(struct req *r, const struct oversight_settings *set,
			   const struct oversight_row *rows, int n)
{
	char today[11];
	date_today(today);
	html_raw(r, "<h2>实施阶段</h2><ol class=\"stages\">");
	for (int s = 0; s < OVERSIGHT_STAGES; s++) {
		int now = strcmp(today, set->stage_start[s]) >= 0 && strcmp(today, set->stage_end[s]) <= 0;
		int past = strcmp(today, set->stage_end[s]) > 0;
		html(r, "<li class=\"%s\"><strong>第%d阶段 %s</strong> %s 至 %s %s</li>",
		     now ? "now" : past ? "past" : "future", s + 1, oversight_stage_names[s],
		     set->stage_start[s], set->stage_end[s], now ? "（进行中）" : past ? "（已结束）" : "（未开始）");
	}
	html_raw(r, "</ol><table class=\"list\"><thead><tr><th>村</th>");
	for (int s = 0; s < OVERSIGHT_STAGES; s++)
		html(r, "<th>%s</th>", oversight_stage_names[s]);
	html_raw(r, "</tr></thead><tbody>");
	static const char *const done_what[OVERSIGHT_STAGES] = {
		"农户已参与", "标准已通过、按月审定", "达到覆盖目标并已公示"};
	for (int i = 0; i < n; i++) {
		html(r, "<tr><td>%s</td>", rows[i].name);
		for (int s = 0; s < OVERSIGHT_STAGES; s++)
			if (rows[i].stage > s)
				html(r, "<td>✓ %s</td>", done_what[s]);
			else
				html_raw(r, "<td class=\"hint\">未达到</td>");
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* GET /town?year=&sort=&desc=: the dashboard. */
static void page_town(struct req *r)
{
	struct town_dashboard *d = req_town_dashboard_or_reply(r);
	if (!d)
		return;
	html_page_begin(r, arena_printf(r->a, "%d 年各村积分制实施总览", d->year));
	int attn = 0;
	int64_t elig = 0, part = 0;
	for (int i = 0; i < d->n; i++) {
		attn += d->rows[i].attention > 0;
		elig += d->rows[i].eligible;
		part += d->rows[i].participating;
	}
	html(r, "<form method=\"get\" action=\"/town\" class=\"inline noprint\"><label>年份"
		"<input name=\"year\" value=\"%d\" inputmode=\"numeric\" size=\"6\"></label>"
		"<button type=\"submit\">查看</button> 下载报表："
		"<a href=\"/town/report.xlsx?year=%d\">Excel（.xlsx）</a> · "
		"<a href=\"/town/report.csv?year=%d\">CSV</a></form>",
	     d->year, d->year, d->year);
	html_raw(r, "<section class=\"cards\">");
	page_stat_card_int(r, d->n, "个村");
	page_stat_card_int(r, attn, "个村需关注");
	page_stat_card(r, arena_printf(r->a, "%lld / %lld", (long long)part, (long long)elig),
		       "参与 / 符合条件户");
	html_raw(r, "</section>");
	html(r, "<p class=\"hint\">需关注：未经民主程序通过积分标准、覆盖率低于目标 %d%%、"
		"开始积分后有月份未在月末 %d 天内集体审定、季度结束 %d 天内未公示、"
		"异议超过 30 天未答复、资金保障率低于 1、积分管理自治小组缺少村两委成员或村民代表 —— 每一条算一项，项数多的排在前面。</p>",
	     d->set->goal_pct, d->set->approve_days, d->set->announce_days);
	dashboard_table(r, d->year, d->sort, d->desc, d->rows, d->n);
	stage_timeline(r, d->set, d->rows, d->n);

	/* coverage by village, in code order */
	const char **labels = arena_alloc(r->a, (size_t)(d->n ? d->n : 1) * sizeof *labels);
	int64_t *vals = arena_alloc(r->a, (size_t)(d->n ? d->n : 1) * sizeof *vals);
	struct oversight_row *by_code =
		arena_alloc(r->a, (size_t)(d->n ? d->n : 1) * sizeof *by_code);
	memcpy(by_code, d->rows, (size_t)d->n * sizeof *d->rows);
	oversight_sort(by_code, d->n, "code", 0);
	for (int i = 0; i < d->n; i++) {
		labels[i] = by_code[i].name;
		vals[i] = by_code[i].has_coverage ? by_code[i].coverage_x100 : -1;
	}
	html_raw(r, "<h2>各村覆盖率</h2><div class=\"chartbox\">");
	struct svg_bars bars = {.id = "cov", .title = "各村参与覆盖率（参与户 / 符合条件户）",
				.labels = labels, .values = vals, .n = d->n, .decimals = 2,
				.max = 100, .goal = d->set->goal_pct};
	svg_hbars(r, &bars);
	html_raw(r, "<details open><summary>数据表</summary><table class=\"list\"><thead><tr>"
		    "<th>村</th><th class=\"num\">参与户</th><th class=\"num\">符合条件户</th>"
		    "<th class=\"num\">覆盖率</th></tr></thead><tbody>");
	for (int i = 0; i < d->n; i++) {
		html(r, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
		     by_code[i].name, (long long)by_code[i].participating,
		     (long long)by_code[i].eligible);
		ratio_cell(r, "覆盖率", by_code[i].has_coverage, by_code[i].coverage_x100);
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table></details></div>");

	redemptions_chart(r, 0, d->year, "全镇每月积分兑换", "red", "全镇每月兑换的积分");
	html_raw(r, "<p class=\"hint\">阶段日期和按时标准由镇设置（<code>jifen town show</code> / "
		    "<code>jifen town set</code>）。</p>");
	html_page_end(r);
}

/* GET /town/report.csv?year=: `jifen report`'s CSV as a download. */
static void page_town_report_csv(struct req *r)
{
	int year = req_town_year_or_400(r);
	if (!year)
		return;
	struct oversight_row *rows;
	int n;
	if (oversight_report(r->db, r->a, year, &rows, &n)) {
		http_error(r, 500, "读取各村数据时出错。");
		return;
	}
	struct csv_out w;
	csv_begin(&w, "\r\n");
	csv_literal(&w, "\xEF\xBB\xBF"); /* a BOM: Excel reads the Chinese as UTF-8 */
	oversight_report_csv(&w, rows, n);
	http_header(r, "Content-Disposition",
		    arena_printf(r->a, "attachment; filename=\"report-%d.csv\"", year));
	http_send(r, 200, "text/csv; charset=utf-8", w.b.p ? w.b.p : "", w.b.len);
	csv_finish(&w);
	http_security_event(r, "security.export", arena_printf(r->a, "report:%d", year), 0, NULL);
}

/* GET /town/v/CODE?year=: one village's figures, its points by category
** per month and its redemptions per month, its evaluations. */
static void page_town_village(struct req *r)
{
	struct village *v;
	int year;
	struct oversight_settings set;
	struct oversight_row *o = req_town_village_row_or_404(r, &v, &year, &set);
	if (!o)
		return;
	const char *vc = url_encode(r->a, v->code);
	char t[32], fen[32];
	html_page_begin(r, arena_printf(r->a, "%s %d 年实施情况", v->name, year));
	html(r, "<p class=\"noprint\"><a href=\"/town?year=%d\">← 返回全镇总览</a> · "
		"<a href=\"/v/%s\">本村页面</a> · <a href=\"/town/v/%s/evaluation?year=%d\">评估</a></p>",
	     year, vc, vc, year);
	if (o->attention)
		html(r, "<p class=\"error\">需关注：%s</p>", o->attention_why);
	html_raw(r, "<table class=\"list\"><tbody>");
	html(r, "<tr><th>参与 / 符合条件户</th><td>%lld / %lld（覆盖率 %s，目标 %d%%）</td></tr>",
	     (long long)o->participating, (long long)o->eligible,
	     o->has_coverage ? oversight_ratio_text(t, 1, o->coverage_x100) : "—", set.goal_pct);
	if (o->standard_version && o->standard_adopted) {
		html(r, "<tr><th>积分标准</th><td>第 %lld 版，%s 通过，%s 起施行；%s",
		     (long long)o->standard_version, o->standard_adopted,
		     o->standard_effective ? o->standard_effective : "", o->meeting ? o->meeting : "");
		if (o->votes_for >= 0)
			html(r, "（应到 %lld，实到 %lld，赞成 %lld，反对 %lld，弃权 %lld）",
			     (long long)o->entitled, (long long)o->attendance, (long long)o->votes_for,
			     (long long)(o->votes_against < 0 ? 0 : o->votes_against),
			     (long long)(o->votes_abstain < 0 ? 0 : o->votes_abstain));
		html_raw(r, "</td></tr>");
	} else
		html_raw(r, "<tr><th>积分标准</th><td>未经民主程序通过</td></tr>");
	html(r, "<tr><th>一月一积分</th><td>已评分 %lld 个月，已审定 %lld 个月，应审定 %lld 个月，"
		"迟于月末 %d 天的 %lld 个月，最迟一次在月末后 %lld 天</td></tr>",
	     (long long)o->months_scored, (long long)o->months_approved, (long long)o->months_due,
	     set.approve_days,
	     (long long)o->months_late, (long long)o->late_days_max);
	html(r, "<tr><th>一季一公示</th><td>公示 %lld 次，按时 %lld 次，应公示 %lld 个季度</td></tr>",
	     (long long)o->announcements, (long long)o->announcements_on_time,
	     (long long)o->quarters_due);
	html(r, "<tr><th>异议</th><td>未答复 %lld 件，最久 %lld 天</td></tr>",
	     (long long)o->objections_open, (long long)o->objection_oldest_days);
	html(r, "<tr><th>一年一兑换</th><td>兑换 %lld 次，%lld 分</td></tr>",
	     (long long)o->redemptions, (long long)o->points_redeemed);
	html(r, "<tr><th>资金</th><td>余额 %s 元，保障率 %s</td></tr>",
	     fen_format(fen, o->fund_balance_fen),
	     o->has_fund_coverage ? oversight_ratio_text(t, 1, o->fund_coverage_x100) : "—");
	if (o->group.ok)
		html(r, "<tr><th>积分管理自治小组</th><td><a href=\"/v/%s/group\">%d 人</a>（村两委成员 %d、"
			"村民代表 %d），符合要求</td></tr>",
		     vc, o->group.members, o->group.committee, o->group.representatives);
	else
		html(r, "<tr><th>积分管理自治小组</th><td><a href=\"/v/%s/group\">%d 人</a>，"
			"<strong>缺少%s</strong>：补齐之前月度积分不能提交审定</td></tr>",
		     vc, o->group.members, o->group.missing);
	html(r, "<tr><th>实施阶段</th><td>%s</td></tr>",
	     o->stage ? oversight_stage_names[o->stage - 1] : "尚未开始");
	html_raw(r, "</tbody></table>");

	const char *const *months = month_labels;
	const char **cats;
	int64_t *pts;
	int nc;
	if (oversight_points_by_category(r->db, r->a, v->id, year, &cats, &pts, &nc) == 0) {
		html_raw(r, "<h2>每月积分（按类别）</h2><div class=\"chartbox\">");
		struct svg_columns col = {.id = "cat", .title = "每月记入台账的积分（按类别）",
					  .unit = "分", .cols = months, .series = cats, .values = pts,
					  .ncols = 12, .nseries = nc};
		svg_stacked_columns(r, &col);
		html_raw(r, "<details><summary>数据表</summary><table class=\"list\"><thead><tr>"
			    "<th>类别</th>");
		for (int m = 0; m < 12; m++)
			html(r, "<th class=\"num\">%s</th>", months[m]);
		html_raw(r, "</tr></thead><tbody>");
		for (int c = 0; c < nc; c++) {
			html(r, "<tr><td>%s</td>", cats[c]);
			for (int m = 0; m < 12; m++)
				html(r, "<td class=\"num\">%lld</td>", (long long)pts[c * 12 + m]);
			html_raw(r, "</tr>");
		}
		html_raw(r, "</tbody></table></details></div>");
	}
	redemptions_chart(r, v->id, year, "每月积分兑换", "vred", "每月兑换的积分");
	html_page_end(r);
}

const struct route town_routes[] = {
	{"GET", "/town", page_town, ROLE_TOWN_ADMIN, 0},
	{"GET", "/town/report.csv", page_town_report_csv, ROLE_TOWN_ADMIN, 0},
	{"GET", "/town/v/*", page_town_village, ROLE_TOWN_ADMIN, 0},
	{0},
};

const struct nav_link town_nav[] = {
	{5, ROLE_TOWN_ADMIN, "总览", "/town", 0},
	{0},
};
