/*
** page_honour.c — the pages of honours (荣誉, honour.h):
**
**   GET  /v/CODE/honours[?year=YYYY]        the year's ranking: star households, veto
**                                           households not eligible with the reason,
**                                           party-member households' points (党员评星定级),
**                                           and for the village admin the confirmation form
**                                           with the model-household shortlist (评先选优)
**   GET  /v/CODE/honours.csv?year=YYYY      the list as `jifen honours` prints it (the
**                                           confirmed lines once confirmed)
**   POST /v/CODE/honours/YYYY/confirm       meeting_date, attendees, resolution, model=CODE…
**   GET  /v/CODE/honours/YYYY               public: the confirmed honour roll
**   GET  /v/CODE/honours/YYYY/print         public: the same as an A4 sheet in large type
**   GET  /v/CODE/honours/YYYY/certificates  the admins' certificates, one A4 page each
**
** The public pages show the star and model households only — names masked
** unless the household consented (publication.h), no veto households, no
** reasons: an honour roll, not a list of who lost it.
*/
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "csvout.h"
#include "honour.h"
#include "html.h"
#include "page.h"
#include "publication.h"
#include "req.h"
#include "village_setting.h"

/* The year of ?year= (default this year), or answers 400 and returns 0. */
static int query_year(struct req *r)
{
	char today[11];
	date_today(today);
	return (int)req_query_int_or_400(r, "year", atoi(today), 2000, 9999,
					 "year: 年度应为 2000 到 9999 的四位数");
}

/* The year of path segment s, or answers 404 and returns 0. */
static int path_year(struct req *r, const char *s)
{
	int64_t y = 0;
	if (!s || strlen(s) != 4 || parse_int64(s, &y) || y < 2000) {
		page_error(r, 404, "没有这一年度的荣誉。");
		return 0;
	}
	return (int)y;
}

/* n stars as ★ characters; "—" for none (a village has at most 10
** thresholds, village_setting.c). */
static const char *stars_text(int n)
{
	static const char *const stars[] = {
		"—", "★", "★★", "★★★", "★★★★", "★★★★★", "★★★★★★", "★★★★★★★", "★★★★★★★★",
		"★★★★★★★★★", "★★★★★★★★★★",
	};
	int max = (int)(sizeof stars / sizeof *stars) - 1;
	return stars[n <= 0 ? 0 : n > max ? max : n];
}

/* The head's name as the public sees it: masked unless consented. */
static const char *public_name(struct req *r, int64_t village_id, const struct honour_row *h)
{
	return publication_name(r->db, r->a, village_id, h->household_id, h->name);
}

/* The confirmation's meeting in words. */
static void meeting_words(struct req *r, const struct honour_confirmation *c)
{
	html(r, "<p>%d 年度荣誉已于 <b>%s</b> 经村“两委”会议确认（参会：%s）。决议：%s</p>",
	     c->year, c->meeting_date, c->attendees, c->resolution);
}

/* The ranking table; with form, the shortlist checkboxes (checked: the
** eligible households ranked in the first three). */
static void ranking_table(struct req *r, const struct honour_row *rows, int n, int form,
			  int confirmed)
{
	html_raw(r, "<table class=\"list wide honours\"><thead><tr><th class=\"num\">排名</th>"
		    "<th>户编号</th><th>户主</th><th class=\"num\">年度积分</th><th>星级</th>"
		    "<th>评优资格</th><th>党员户</th>");
	if (form || confirmed)
		html_raw(r, "<th>评先选优</th>");
	html_raw(r, "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct honour_row *h = &rows[i];
		html(r, "<tr%s><td class=\"num\">%d</td><td>%s</td><td>%s</td><td class=\"num\">%lld"
			"</td><td class=\"stars\" aria-label=\"%d 星\">%s</td>",
		     h->eligible ? "" : " class=\"veto\"", h->rank, h->code, h->name,
		     (long long)h->year_points, h->stars, stars_text(h->stars));
		if (h->eligible)
			html_raw(r, "<td><span class=\"tag ok\">有资格</span></td>");
		else
			html(r, "<td><span class=\"tag no\">不具备</span> 一票否决：%s</td>",
			     h->veto_reason);
		html(r, "<td>%s</td>", h->party_member ? "党员户" : "");
		if (form && h->eligible)
			html(r, "<td><label class=\"inline\"><input type=\"checkbox\" name=\"model\" "
				"value=\"%s\"%s> 入选</label></td>",
			     h->code, h->rank <= 3 ? " checked" : "");
		else if (form)
			html_raw(r, "<td>—</td>");
		if (confirmed)
			html(r, "<td>%s</td>", h->model ? "入选" : "");
		html_raw(r, "</tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* Star households per star count, and the party-member households. */
static void summary(struct req *r, const struct village *v, const struct honour_row *rows, int n,
		    const char *stars_setting)
{
	int64_t th[32];
	int nth = stars_parse(stars_setting, th, 32);
	if (nth <= 0)
		html(r, "<p class=\"hint\">本村还没有设置星级户门槛（村设置 stars，现为 %s）。"
			"在 <a href=\"/v/%s/settings\">本村设置</a> 里填写，如 60,80,100。</p>",
		     stars_setting, url_encode(r->a, v->code));
	else {
		html_raw(r, "<ul class=\"stars-summary\">");
		for (int s = nth; s >= 1; s--) {
			int c = 0;
			for (int i = 0; i < n; i++)
				c += rows[i].stars == s;
			html(r, "<li>%s %d 星户（年度积分 ≥ %lld）：<b>%d</b> 户</li>",
			     stars_text(s), s, (long long)th[s - 1], c);
		}
		html_raw(r, "</ul>");
	}
	int vetoes = 0;
	for (int i = 0; i < n; i++)
		vetoes += !rows[i].eligible;
	html(r, "<p>参加积分制 %d 户，一票否决不具备评优资格 %d 户。</p>", n, vetoes);
	html_raw(r, "<h2>党员户积分（党员评星定级的参考之一）</h2>");
	int np = 0;
	for (int i = 0; i < n; i++)
		np += rows[i].party_member;
	if (!np) {
		html_raw(r, "<p class=\"hint\">本村没有登记党员的农户。</p>");
		return;
	}
	html_raw(r, "<table class=\"list party\"><thead><tr><th>户编号</th><th>户主</th>"
		    "<th class=\"num\">年度积分</th><th class=\"num\">排名</th><th>星级</th></tr>"
		    "</thead><tbody>");
	for (int i = 0; i < n; i++)
		if (rows[i].party_member)
			html(r, "<tr><td>%s</td><td>%s</td><td class=\"num\">%lld</td>"
				"<td class=\"num\">%d</td><td>%s</td></tr>",
			     rows[i].code, rows[i].name, (long long)rows[i].year_points,
			     rows[i].rank, rows[i].eligible ? stars_text(rows[i].stars)
							    : "一票否决");
	html_raw(r, "</tbody></table>");
}

/* The ranking of year in v: the confirmed one (0, *c its confirmation), or
** as the ledger gives it now when not confirmed yet (1); -1 after a 500
** page. */
static int ranking_or_500(struct req *r, const struct village *v, int year,
			  struct honour_confirmation **c, struct honour_row **rows, int *n)
{
	int got = honour_confirmed(r->db, r->a, v->id, year, c, rows, n);
	if (got < 0 || (got && honour_list(r->db, r->a, v, year, rows, n))) {
		page_error(r, 500, "读取积分排名时出错。");
		return -1;
	}
	return got;
}

static void honours_page(struct req *r, const struct village *v, int year, const errlist *errs)
{
	struct honour_confirmation *c;
	struct honour_row *rows;
	int n, got = ranking_or_500(r, v, year, &c, &rows, &n);
	if (got < 0)
		return;
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s · %d 年度荣誉", v->name, year));
	if (req_query(r, "saved"))
		html_notice(r, "已确认。");
	html_error_boxes(r, errs);
	html(r, "<form method=\"get\" action=\"/v/%s/honours\" class=\"inline noprint\">"
		"<label>年度<input name=\"year\" inputmode=\"numeric\" size=\"5\" value=\"%d\"></label>"
		"<button type=\"submit\">查看</button></form>",
	     vc, year);
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/honours.xlsx?year=%d\">下载名单 Excel</a> · "
		"<a href=\"/v/%s/honours.csv?year=%d\">CSV</a></p>",
	     vc, year, vc, year);
	if (!got) {
		meeting_words(r, c);
		html(r, "<p class=\"noprint\"><a href=\"/v/%s/honours/%d\">公开的荣誉榜</a> · "
			"<a href=\"/v/%s/honours/%d/print\">打印荣誉榜（A4）</a>",
		     vc, year, vc, year);
		if (req_has_role(r, ROLES_ADMIN))
			html(r, " · <a href=\"/v/%s/honours/%d/certificates\">打印荣誉证书</a>", vc,
			     year);
		html_raw(r, "</p>");
	}
	summary(r, v, rows, n, got ? v->stars : c->stars);
	html_raw(r, "<h2>年度积分排名</h2>");
	int form = got && req_has_role(r, ROLES_ADMIN);
	if (form) {
		html(r, "<p class=\"hint\">这是台账上的积分现状，确认后冻结保存、公开。"
			"勾选“评先选优”的户经两委会议确认后列入先进户名单（建议：排名前三的有资格户）。</p>"
			"<form method=\"post\" action=\"/v/%s/honours/%d/confirm\">",
		     vc, year);
		html_csrf(r);
	}
	ranking_table(r, rows, n, form, !got);
	if (form) {
		char today[11];
		date_today(today);
		html(r, "<h2>两委会议确认</h2><div class=\"narrow\"><label>会议日期<input name=\"meeting_date\" "
			"type=\"date\" value=\"%s\" required></label>"
			"<label>参会人员<input name=\"attendees\" maxlength=\"500\" required></label>"
			"<label>会议决议<textarea name=\"resolution\" rows=\"3\" maxlength=\"2000\" "
			"required></textarea></label>"
			"<button type=\"submit\" class=\"primary\">确认 %d 年度荣誉</button></div></form>",
		     today, year);
	}
	html_page_end(r);
}

/* GET /v/CODE/honours */
static void page_honours(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int year = v ? query_year(r) : 0;
	if (year > 0)
		honours_page(r, v, year, NULL);
}

/* GET /v/CODE/honours.csv?year= */
static void page_honours_csv(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int year = v ? query_year(r) : 0;
	if (year <= 0)
		return;
	struct honour_confirmation *c;
	struct honour_row *rows;
	int n, got = ranking_or_500(r, v, year, &c, &rows, &n);
	if (got < 0)
		return;
	struct csv_out w;
	csv_begin(&w, "\r\n");
	csv_literal(&w, "\xEF\xBB\xBF" HONOUR_CSV_HEADER);
	csv_row_end(&w);
	honour_csv(&w, rows, n);
	http_security_event(r, "security.export", arena_printf(r->a, "honours:%s:%d", v->code, year),
			    v->id, NULL);
	http_header(r, "Content-Disposition",
		    arena_printf(r->a, "attachment; filename=\"honours-%s-%d.csv\"", v->code, year));
	http_send(r, 200, "text/csv; charset=utf-8", w.b.p ? w.b.p : "", w.b.len);
	csv_finish(&w);
}

/* POST /v/CODE/honours/YYYY/confirm */
static void page_confirm_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int year = v ? path_year(r, r->arg[1]) : 0;
	if (!year)
		return;
	const char **models = NULL;
	int cap = 0, nm = 0;
	for (const struct param *p = r->form; p; p = p->next)
		if (!strcmp(p->name, "model")) {
			models = arena_grow(r->a, models, &cap, nm, sizeof *models);
			models[nm++] = p->value;
		}
	struct honour_confirm_input in = {.meeting_date = req_form_trim(r, "meeting_date"),
					  .attendees = req_form_trim(r, "attendees"),
					  .resolution = req_form_trim(r, "resolution"),
					  .models = models, .n_models = nm};
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id;
	int rc = honour_confirm(r->db, r->a, &who, v, year, &in, &errs, &id);
	if (rc < 0)
		page_error(r, 500, "保存时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		honours_page(r, v, year, &errs);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/honours?year=%d&saved=1",
					      url_encode(r->a, v->code), year));
	errlist_free(&errs);
}

/* The confirmed honours of one year of a public village: what its public
** roll and the roll's print sheet show. */
struct confirmed_roll {
	struct village *v;
	int year;
	struct honour_confirmation *c;
	struct honour_row *rows;
	int n;
};

/* The confirmed honours of arg[1]'s year of public village arg[0] into *cr,
** or answers 404/500 and returns -1. */
static int confirmed_or_404(struct req *r, struct confirmed_roll *cr)
{
	cr->v = req_public_village_or_404(r, r->arg[0]);
	cr->year = cr->v ? path_year(r, r->arg[1]) : 0;
	if (!cr->year)
		return -1;
	int got = honour_confirmed(r->db, r->a, cr->v->id, cr->year, &cr->c, &cr->rows, &cr->n);
	if (got)
		page_error(r, got < 0 ? 500 : 404,
			   got < 0 ? "读取荣誉时出错。" : "这一年度的荣誉还没有经两委确认公布。");
	return got ? -1 : 0;
}

/* The honour roll: star households by stars, then the model households. */
static void honour_roll(struct req *r, const struct village *v, const struct honour_row *rows,
			int n)
{
	int max = 0, any = 0;
	for (int i = 0; i < n; i++)
		max = rows[i].stars > max ? rows[i].stars : max;
	for (int s = max; s >= 1; s--) {
		html(r, "<h2>%s %d 星级户</h2><p class=\"roll\">", stars_text(s), s);
		for (int i = 0; i < n; i++)
			if (rows[i].stars == s)
				html(r, "<span>%s %s</span> ", rows[i].code, public_name(r, v->id, &rows[i]));
		html_raw(r, "</p>");
	}
	html_raw(r, "<h2>评先选优 先进户</h2><p class=\"roll\">");
	for (int i = 0; i < n; i++)
		if (rows[i].model) {
			html(r, "<span>%s %s</span> ", rows[i].code, public_name(r, v->id, &rows[i]));
			any = 1;
		}
	html_raw(r, any ? "</p>" : "本年度未评选。</p>");
}

/* GET /v/CODE/honours/YYYY */
static void page_public(struct req *r)
{
	struct confirmed_roll cr;
	if (confirmed_or_404(r, &cr))
		return;
	html_page_begin(r, arena_printf(r->a, "%s · %d 年度荣誉榜", cr.v->name, cr.year));
	html(r, "<p class=\"lead\">按本村积分标准，根据 %d 年度积分评定，经村“两委”%s 会议确认。</p>", cr.year,
	     cr.c->meeting_date);
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/honours/%d/print\">打印荣誉榜（A4）</a></p>",
	     url_encode(r->a, cr.v->code), cr.year);
	honour_roll(r, cr.v, cr.rows, cr.n);
	html_page_end(r);
}

/* The head of a print sheet (no navigation): title, bulletin.css. */
static void print_head(struct req *r, const char *title)
{
	r->ctype = "text/html; charset=utf-8";
	html(r, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>%s</title>",
	     title);
	html_raw(r, "<link rel=\"stylesheet\" href=\"/static/bulletin.css\">"
		    "<link rel=\"stylesheet\" href=\"/static/honour.css\"></head>");
}

/* GET /v/CODE/honours/YYYY/print */
static void page_print(struct req *r)
{
	struct confirmed_roll cr;
	if (confirmed_or_404(r, &cr))
		return;
	const char *title = arena_printf(r->a, "%s%d年度荣誉榜", cr.v->name, cr.year);
	print_head(r, title);
	html(r, "<body class=\"bulletin a4\"><main><h1>%s</h1>", title);
	html(r, "<p class=\"period\">经村“两委”%s 会议确认</p>", cr.c->meeting_date);
	honour_roll(r, cr.v, cr.rows, cr.n);
	html_raw(r, "<div class=\"sign\">");
	page_village_signer(r, cr.v->name, cr.c->meeting_date);
	html_raw(r, "</div></main></body></html>\n");
	r->answered = 1;
}

/* GET /v/CODE/honours/YYYY/certificates: one A4 page per star or model
** household, the head's name in full (the certificate is handed over). */
static void page_certificates(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int year = v ? path_year(r, r->arg[1]) : 0;
	if (!year)
		return;
	struct honour_confirmation *c;
	struct honour_row *rows;
	int n;
	int got = honour_confirmed(r->db, r->a, v->id, year, &c, &rows, &n);
	if (got) {
		page_error(r, got < 0 ? 500 : 404,
			   got < 0 ? "读取荣誉时出错。" : "这一年度的荣誉还没有经两委确认。");
		return;
	}
	print_head(r, arena_printf(r->a, "%s%d年度荣誉证书", v->name, year));
	html_raw(r, "<body class=\"bulletin certificates\">");
	for (int i = 0; i < n; i++) {
		const struct honour_row *h = &rows[i];
		if (!h->stars && !h->model)
			continue;
		html(r, "<section class=\"certificate\"><h1>荣誉证书</h1><p class=\"to\">%s 户（%s）：</p>",
		     h->name, h->code);
		if (h->stars)
			html(r, "<p class=\"body\">在 %d 年度乡村治理积分制中积分 %lld 分，被评为</p>"
				"<p class=\"title\">%s %d 星级户</p>",
			     year, (long long)h->year_points, stars_text(h->stars), h->stars);
		if (h->model)
			html(r, "<p class=\"title\">%d 年度先进户</p>", year);
		html_raw(r, "<p class=\"body\">特发此证，以资鼓励。</p><div class=\"sign\">");
		page_village_signer(r, v->name, c->meeting_date);
		html_raw(r, "</div></section>");
	}
	html_raw(r, "</body></html>\n");
	r->answered = 1;
}

const struct route honour_routes[] = {
	{"GET", "/v/*/honours", page_honours, ROLES_VIEW, 0},
	{"GET", "/v/*/honours.csv", page_honours_csv, ROLES_VIEW, 0},
	{"POST", "/v/*/honours/*/confirm", page_confirm_post, ROLES_ADMIN, 0},
	{"GET", "/v/*/honours/*", page_public, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/honours/*/print", page_print, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/honours/*/certificates", page_certificates, ROLES_ADMIN, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link honour_nav[] = {
	{147, ROLE_VILLAGE_ADMIN | ROLE_SCORER, "荣誉评定", "/honours", 1},
	{0},
};
