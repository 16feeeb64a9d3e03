/*
** page_village.c — the town's list of villages with their participation,
** adding a village, a village's overview (settings: page_settings.c; the
** audit log: page_audit.c).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "page_group.h"
#include "page_shop.h"
#include "req.h"
#include "village.h"

/* "参与率" as a percentage with one decimal, or "—" without eligible ones. */
static const char *rate(arena *a, int64_t part, int64_t eligible)
{
	if (eligible <= 0)
		return "—";
	return arena_printf(a, "%.1f%%", 100.0 * (double)part / (double)eligible);
}

/* GET /villages: the town's villages (town admin); village accounts go to
** their own village. */
static void page_villages(struct req *r)
{
	if (r->user->role != ROLE_TOWN_ADMIN) {
		http_redirect(r, arena_printf(r->a, "/v/%s", url_encode(r->a, r->user->village_code)));
		return;
	}
	int n = 0;
	struct village *vs = village_list(r->db, r->a, &n);
	html_page_begin(r, "各村参与情况");
	if (req_query(r, "added"))
		html_notice(r, "已添加村。");
	int64_t tot_part = 0, tot_elig = 0, tot_hh = 0;
	html_raw(r, "<table class=\"list\"><thead><tr><th>编号</th><th>村名</th><th>户数</th>"
		    "<th>符合条件</th><th>已参与</th><th>参与率</th><th>兑付保障率</th><th>积分管理小组</th><th>最近征求意见</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		struct village_stats st = {0};
		village_stats(r->db, vs[i].id, &st);
		tot_part += st.participating;
		tot_elig += st.eligible;
		tot_hh += st.households;
		html(r, "<tr><td>%s</td><td><a href=\"/v/%s\">%s</a></td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%s</td>",
		     vs[i].code, url_encode(r->a, vs[i].code), vs[i].name, (long long)st.households,
		     (long long)st.eligible, (long long)st.participating,
		     rate(r->a, st.participating, st.eligible));
		fund_coverage_cell(r, &vs[i]);
		group_status_cell(r, &vs[i]);
		consultation_last_cell(r, &vs[i]);
		html_raw(r, "</tr>");
	}
	html(r, "</tbody><tfoot><tr><th colspan=\"2\">全镇 %d 个村</th><td class=\"num\">%lld</td>"
		"<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td></td>"
		"<td></td><td></td></tr></tfoot></table>",
	     n, (long long)tot_hh, (long long)tot_elig, (long long)tot_part,
	     rate(r->a, tot_part, tot_elig));
	html_raw(r, "<h2>添加村</h2><form method=\"post\" action=\"/villages\" class=\"inline\">");
	html_csrf(r);
	html_raw(r, "<label>村编号<input name=\"code\" required maxlength=\"32\" "
		    "pattern=\"[A-Za-z0-9_-]+\"></label>"
		    "<label>村名<input name=\"name\" required maxlength=\"50\"></label>"
		    "<button type=\"submit\">添加</button></form>");
	html_page_end(r);
}

/* POST /villages: code, name. */
static void page_villages_post(struct req *r)
{
	const char *code = req_form_trim(r, "code"), *name = req_form_trim(r, "name");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int64_t id = 0;
	int rc = village_add(r->db, &who, code, name, &errs, &id);
	if (rc < 0)
		http_error(r, 500, "添加村时出错。");
	else if (rc > 0)
		http_error(r, 400, errs.msg[0]);
	else
		http_redirect(r, "/villages?added=1");
	errlist_free(&errs);
}

/* GET /v/CODE: the village's overview. */
static void page_village(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct village_stats st = {0};
	village_stats(r->db, v->id, &st);
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s（%s）", v->name, v->code));
	html_raw(r, "<section class=\"cards\">");
	page_stat_card_int(r, st.participating, "参与户数");
	page_stat_card_int(r, st.eligible, "符合条件户数");
	page_stat_card(r, rate(r->a, st.participating, st.eligible), "参与率");
	page_stat_card_int(r, st.households, "登记户数");
	html_raw(r, "</section>");
	html(r, "<p class=\"meter\"><meter min=\"0\" max=\"%lld\" value=\"%lld\"></meter></p>",
	     (long long)(st.eligible ? st.eligible : 1), (long long)st.participating);
	html_raw(r, "<ul class=\"actions\">");
	int scoring = req_has_role(r, ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN | ROLE_SCORER);
	if (scoring)
		html(r, "<li><a href=\"/v/%s/sheets\">月度积分</a></li>", vc);
	html(r, "<li><a href=\"/v/%s/balances\">积分余额</a></li>", vc);
	html(r, "<li><a href=\"/v/%s/standard\">积分标准</a></li>", vc);
	if (scoring)
		html(r, "<li><a href=\"/v/%s/households\">农户名册</a></li>", vc);
	if (req_has_role(r, ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN)) {
		html(r, "<li><a href=\"/v/%s/households/new\">登记新农户</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/import\">批量导入农户（CSV）</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/settings\">本村设置</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/audit\">操作日志</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/cards\">批量打印积分卡</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/funds\">资金来源</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/year-end\">年终处理</a></li>", vc);
	}
	html(r, "<li><a href=\"/v/%s/group\">积分管理小组</a></li>", vc);
	html(r, "<li><a href=\"/v/%s/consultations\">标准征求意见</a></li>", vc);
	if (req_has_role(r, ROLES_ADMIN | ROLE_SHOPKEEPER)) {
		html(r, "<li><a href=\"/v/%s/shop\">积分超市</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/counter\">兑换柜台</a></li>", vc);
	}
	html_raw(r, "</ul>");
	fund_overview_cards(r, v);
	group_status_line(r, v);
	consultation_last_line(r, v);
	html(r, "<p class=\"hint\">租赁户%s参与积分制；公示异议期 %d 天。</p>",
	     v->admits_tenants ? "可以" : "不", v->objection_days);
	html_page_end(r);
}

const struct route village_routes[] = {
	{"GET", "/villages", page_villages, ROLE_STAFF, 0},
	{"POST", "/villages", page_villages_post, ROLE_TOWN_ADMIN, 0},
	{"GET", "/v/*", page_village, ROLE_STAFF, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link village_nav[] = {
	{10, ROLE_TOWN_ADMIN, "各村", "/villages", 0},
	{100, ROLE_VILLAGE_ADMIN | ROLE_SCORER | ROLE_SHOPKEEPER, "本村概况", "", 1},
	{0},
};
