/*
** page_welfare_post.c — the pages of public-welfare posts (公益岗位,
** welfare_post.h):
**
**   GET  /v/CODE/posts                    the village admin's openings and the form of a new one
**   POST /v/CODE/posts                    post it: title, description, places, apply_from,
**                                         apply_until, points_weight
**   GET  /v/CODE/posts/ID                 the candidates list with the points part of the
**                                         assessment; record an application; the decision
**   POST /v/CODE/posts/ID/applications    household, note, date (recorded at the office)
**   POST /v/CODE/posts/ID/decide          selected=CODE…, reason
**   GET  /v/CODE/openings                 public: the village's openings
**   GET  /v/CODE/openings/ID              public: one opening and its result
**   GET  /passbook/posts                  the household's view: openings, apply, its own
**   POST /passbook/posts/ID/apply         apply online today, with a note
*/
#include <string.h>

#include "auth.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "publication.h"
#include "req.h"
#include "welfare_post.h"

/* A tenths figure as "12.5". */
static const char *tenths(arena *a, int64_t t)
{
	return arena_printf(a, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
}

/* The opening's facts (inside the content). */
static void post_facts(struct req *r, const struct welfare_post *p)
{
	html(r, "<p>名额 <b>%lld</b> 个 · 报名期 <b>%s</b> 至 <b>%s</b> · "
		"评定中积分占 <b>%lld%%</b>（其余由村“两委”综合考察）</p>",
	     (long long)p->places, p->apply_from, p->apply_until, (long long)p->points_weight);
	if (*p->description)
		html(r, "<p class=\"description\">%s</p>", p->description);
}

/* The post id of path segment s of village v, or answers 404/500 (NULL). */
static struct welfare_post *post_or_404(struct req *r, const struct village *v, const char *s)
{
	struct welfare_post *p;
	int64_t id = parse_id(s);
	int got = id ? welfare_post_get(r->db, r->a, v->id, id, &p) : 1;
	if (got)
		page_error(r, got < 0 ? 500 : 404, got < 0 ? "读取公益岗位时出错。" : "本村没有这个公益岗位。");
	return got ? NULL : p;
}

/* ---- the village admin's pages ---------------------------------------------------------- */

static void posts_page(struct req *r, const struct village *v, const errlist *errs)
{
	struct welfare_post *rows;
	int n;
	if (welfare_post_list(r->db, r->a, v->id, &rows, &n)) {
		page_error(r, 500, "读取公益岗位时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s · 公益岗位", v->name));
	html_error_boxes(r, errs);
	html_raw(r, "<table class=\"list wide posts\"><thead><tr><th>岗位</th><th class=\"num\">名额</th>"
		    "<th>报名期</th><th class=\"num\">积分权重</th><th class=\"num\">报名</th>"
		    "<th>状态</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td><a href=\"/v/%s/posts/%lld\">%s</a></td><td class=\"num\">%lld</td>"
			"<td>%s 至 %s</td><td class=\"num\">%lld%%</td><td class=\"num\">%lld</td>"
			"<td>%s</td></tr>",
		     vc, (long long)rows[i].id, rows[i].title, (long long)rows[i].places,
		     rows[i].apply_from, rows[i].apply_until, (long long)rows[i].points_weight,
		     (long long)rows[i].applications, rows[i].decided ? "已确定人选" : "报名中");
	html_raw(r, "</tbody></table>");
	if (!n)
		html_raw(r, "<p class=\"hint\">还没有发布公益岗位。</p>");
	char today[11];
	date_today(today);
	html(r, "<h2>发布公益岗位</h2><form method=\"post\" action=\"/v/%s/posts\" class=\"narrow\">",
	     vc);
	html_csrf(r);
	html(r, "<label>岗位名称<input name=\"title\" maxlength=\"100\" required></label>"
		"<label>岗位说明<textarea name=\"description\" rows=\"3\" maxlength=\"2000\"></textarea>"
		"</label><label>名额<input name=\"places\" inputmode=\"numeric\" value=\"1\" required>"
		"</label><label>报名开始<input name=\"apply_from\" type=\"date\" value=\"%s\" required>"
		"</label><label>报名截止<input name=\"apply_until\" type=\"date\" required></label>"
		"<label>积分占评定的权重（%%）<input name=\"points_weight\" inputmode=\"numeric\" "
		"value=\"40\" required></label>"
		"<button type=\"submit\" class=\"primary\">发布</button></form>",
	     today);
	html(r, "<p><a href=\"/v/%s/openings\">公开的岗位公告</a></p>", vc);
	html_page_end(r);
}

/* GET /v/CODE/posts */
static void page_posts(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		posts_page(r, v, NULL);
}

/* A whole-number form field in [lo, hi] or lo - 1 when not one. */
static int64_t form_number(struct req *r, const char *name, int64_t lo)
{
	int64_t v = 0;
	const char *s = req_form_trim(r, name);
	return parse_int64(s, &v) ? lo - 1 : v;
}

/* POST /v/CODE/posts */
static void page_posts_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct welfare_post_input in = {
		.title = req_form_trim(r, "title"), .description = req_form_trim(r, "description"),
		.places = form_number(r, "places", 1), .apply_from = req_form_trim(r, "apply_from"),
		.apply_until = req_form_trim(r, "apply_until"),
		.points_weight = form_number(r, "points_weight", 0)};
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id;
	int rc = welfare_post_add(r->db, r->a, &who, v, &in, &errs, &id);
	if (rc < 0)
		page_error(r, 500, "保存时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		posts_page(r, v, &errs);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/posts/%lld?saved=1",
					      url_encode(r->a, v->code), (long long)id));
	errlist_free(&errs);
}

static void post_page(struct req *r, const struct village *v, const struct welfare_post *p,
		      const errlist *errs)
{
	struct welfare_applicant *rows;
	int n;
	if (welfare_candidates(r->db, r->a, v, p, &rows, &n)) {
		page_error(r, 500, "读取报名时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	const char *base = arena_printf(r->a, "/v/%s/posts/%lld", vc, (long long)p->id);
	html_page_begin(r, arena_printf(r->a, "%s · 公益岗位 · %s", v->name, p->title));
	if (req_query(r, "saved"))
		html_notice(r, "已保存。");
	html_error_boxes(r, errs);
	post_facts(r, p);
	html(r, "<p><a href=\"/v/%s/openings/%lld\">公开的岗位公告</a> · <a href=\"/v/%s/posts\">"
		"全部岗位</a></p>",
	     vc, (long long)p->id, vc);
	html(r, "<h2>报名户（%d 户）</h2><p class=\"hint\">积分部分 = 权重 %lld × 本户 %.4s 年度积分 ÷ "
		"报名户中最高的年度积分；只是评定的一部分。</p>",
	     n, (long long)p->points_weight, p->apply_until);
	if (!p->decided) {
		html(r, "<form method=\"post\" action=\"%s/decide\">", base);
		html_csrf(r);
	}
	html_raw(r, "<table class=\"list wide candidates\"><thead><tr><th>户编号</th><th>户主</th>"
		    "<th class=\"num\">年度积分</th><th class=\"num\">积分部分</th><th>报名</th>"
		    "<th>说明</th><th>人选</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct welfare_applicant *a = &rows[i];
		html(r, "<tr><td>%s</td><td>%s</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%s / %lld</td><td>%s %s</td><td>%s%s</td><td>",
		     a->code, a->name, (long long)a->year_points, tenths(r->a, a->points_part_tenths),
		     (long long)p->points_weight, a->applied_on,
		     strcmp(a->channel, "online") ? "村委会登记" : "积分存折", a->note,
		     a->veto ? "（本年有一票否决记录）" : "");
		if (p->decided)
			html(r, "%s", a->selected ? "入选" : "");
		else
			html(r, "<label class=\"inline\"><input type=\"checkbox\" name=\"selected\" "
				"value=\"%s\"> 入选</label>",
			     a->code);
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
	if (p->decided) {
		html(r, "<p>%s 确定人选。理由：%s</p>", p->decided_on, p->decision);
		html_page_end(r);
		return;
	}
	html(r, "<div class=\"narrow\"><label>决定理由（公开）<textarea name=\"reason\" rows=\"3\" "
		"maxlength=\"1000\" required></textarea></label><button type=\"submit\" "
		"class=\"primary\">确定人选（最多 %lld 户）</button></div></form>",
	     (long long)p->places);
	char today[11];
	date_today(today);
	html(r, "<h2>登记报名（村委会受理）</h2><form method=\"post\" action=\"%s/applications\" "
		"class=\"narrow\">",
	     base);
	html_csrf(r);
	html(r, "<label>户编号<input name=\"household\" required></label>"
		"<label>报名日期<input name=\"date\" type=\"date\" value=\"%s\" required></label>"
		"<label>说明<input name=\"note\" maxlength=\"500\"></label>"
		"<button type=\"submit\">登记</button></form>",
	     today);
	html_page_end(r);
}

/* GET /v/CODE/posts/ID */
static void page_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	struct welfare_post *p = v ? post_or_404(r, v, r->arg[1]) : NULL;
	if (p)
		post_page(r, v, p, NULL);
}

/* Answer an area function's rc on the post page: 500, 400 with the page,
** or back to it. */
static void post_answer(struct req *r, const struct village *v, const struct welfare_post *p,
			int rc, const errlist *errs)
{
	if (rc < 0)
		page_error(r, 500, "保存时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		post_page(r, v, p, errs);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/posts/%lld?saved=1",
					      url_encode(r->a, v->code), (long long)p->id));
}

/* POST /v/CODE/posts/ID/applications */
static void page_application_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	struct welfare_post *p = v ? post_or_404(r, v, r->arg[1]) : NULL;
	if (!p)
		return;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id;
	int rc = welfare_apply(r->db, r->a, &who, v, p->id, req_form_trim(r, "household"), "office",
			       req_form_trim(r, "note"), req_form_trim(r, "date"), &errs, &id);
	post_answer(r, v, p, rc, &errs);
	errlist_free(&errs);
}

/* POST /v/CODE/posts/ID/decide */
static void page_decide_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	struct welfare_post *p = v ? post_or_404(r, v, r->arg[1]) : NULL;
	if (!p)
		return;
	const char **codes = NULL;
	int cap = 0, nc = 0;
	for (const struct param *f = r->form; f; f = f->next)
		if (!strcmp(f->name, "selected")) {
			codes = arena_grow(r->a, codes, &cap, nc, sizeof *codes);
			codes[nc++] = f->value;
		}
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = welfare_decide(r->db, r->a, &who, v, p->id, codes, nc,
				req_form_trim(r, "reason"), &errs);
	post_answer(r, v, p, rc, &errs);
	errlist_free(&errs);
}

/* ---- public ------------------------------------------------------------------------------ */

/* GET /v/CODE/openings */
static void page_openings(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct welfare_post *rows;
	int n;
	if (!v)
		return;
	if (welfare_post_list(r->db, r->a, v->id, &rows, &n)) {
		page_error(r, 500, "读取公益岗位时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 公益岗位公告", v->name));
	html_raw(r, "<ul class=\"openings\">");
	for (int i = 0; i < n; i++)
		html(r, "<li><a href=\"/v/%s/openings/%lld\">%s</a> · 名额 %lld · 报名期 %s 至 %s · %s</li>",
		     url_encode(r->a, v->code), (long long)rows[i].id, rows[i].title,
		     (long long)rows[i].places, rows[i].apply_from, rows[i].apply_until,
		     rows[i].decided ? "已确定人选" : "报名中");
	html_raw(r, "</ul>");
	if (!n)
		html_raw(r, "<p class=\"hint\">现在没有公益岗位公告。</p>");
	html_page_end(r);
}

/* GET /v/CODE/openings/ID: the opening, how many applied, and once decided
** who got it (names masked unless consented) and why. */
static void page_opening(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct welfare_post *p = v ? post_or_404(r, v, r->arg[1]) : NULL;
	struct welfare_applicant *rows;
	int n;
	if (!p)
		return;
	if (welfare_candidates(r->db, r->a, v, p, &rows, &n)) {
		page_error(r, 500, "读取报名时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 公益岗位 · %s", v->name, p->title));
	post_facts(r, p);
	html(r, "<p>已报名 %d 户。符合条件的参加积分制农户可在积分存折里报名，或到村委会登记。</p>", n);
	if (p->decided) {
		html(r, "<h2>确定人选（%s）</h2><ul class=\"selected\">", p->decided_on);
		for (int i = 0; i < n; i++)
			if (rows[i].selected)
				html(r, "<li>%s %s</li>", rows[i].code,
				     publication_name(r->db, r->a, v->id, rows[i].household_id,
						      rows[i].name));
		html(r, "</ul><p>理由：%s</p>", p->decision);
	}
	if (v->supervision_phone && *v->supervision_phone)
		html(r, "<p>监督电话：%s</p>", v->supervision_phone);
	html_page_end(r);
}

/* ---- the household's passbook --------------------------------------------------------- */

/* GET /passbook/posts */
static void page_passbook_posts(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	struct welfare_post *rows;
	int n;
	if (!v || welfare_post_list(r->db, r->a, v->id, &rows, &n)) {
		page_error(r, 500, "读取公益岗位时出错。");
		return;
	}
	char today[11];
	date_today(today);
	html_page_begin(r, "公益岗位");
	if (req_query(r, "applied"))
		html_notice(r, "报名已提交。");
	for (int i = 0; i < n; i++) {
		const struct welfare_post *p = &rows[i];
		struct welfare_applicant *as;
		int na, mine = -1;
		if (welfare_candidates(r->db, r->a, v, p, &as, &na)) {
			page_error(r, 500, "读取报名时出错。");
			return;
		}
		for (int k = 0; k < na; k++)
			if (as[k].household_id == r->user->id)
				mine = k;
		html(r, "<section class=\"post\"><h2>%s</h2>", p->title);
		post_facts(r, p);
		if (mine >= 0)
			html(r, "<p>本户已于 %s 报名。%s</p>", as[mine].applied_on,
			     p->decided ? (as[mine].selected ? "<b>已入选。</b>" : "未入选。") : "");
		else if (!p->decided && strcmp(today, p->apply_from) >= 0 &&
			 strcmp(today, p->apply_until) <= 0) {
			html(r, "<form method=\"post\" action=\"/passbook/posts/%lld/apply\" class=\"narrow\">",
			     (long long)p->id);
			html_csrf(r);
			html_raw(r, "<label>说明（可不填）<input name=\"note\" maxlength=\"500\"></label>"
				    "<button type=\"submit\" class=\"primary\">报名</button></form>");
		}
		if (p->decided)
			html(r, "<p>%s 确定人选。理由：%s</p>", p->decided_on, p->decision);
		html_raw(r, "</section>");
	}
	if (!n)
		html_raw(r, "<p class=\"hint\">本村现在没有公益岗位。</p>");
	html_raw(r, "<p><a href=\"/passbook\">返回我的积分</a></p>");
	html_page_end(r);
}

/* POST /passbook/posts/ID/apply */
static void page_passbook_apply(struct req *r)
{
	struct village *v;
	struct actor who;
	struct household *h = page_own_household_or_500(r, &v, &who);
	if (!h)
		return;
	errlist errs = {0};
	char today[11];
	date_today(today);
	struct welfare_post *p = post_or_404(r, v, r->arg[0]);
	if (!p)
		return;
	int64_t id, post = p->id;
	int rc = welfare_apply(r->db, r->a, &who, v, post, h->code, "online",
			       req_form_trim(r, "note"), today, &errs, &id);
	if (rc < 0)
		page_error(r, 500, "提交报名时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		html_page_begin(r, "公益岗位");
		page_error_list(r, &errs, "没有报上名：");
		html_raw(r, "<p><a href=\"/passbook/posts\">返回公益岗位</a></p>");
		html_page_end(r);
	} else
		http_redirect(r, "/passbook/posts?applied=1");
	errlist_free(&errs);
}

const struct route welfare_post_routes[] = {
	{"GET", "/v/*/posts", page_posts, ROLES_ADMIN, 0},
	{"POST", "/v/*/posts", page_posts_post, ROLES_ADMIN, 0},
	{"GET", "/v/*/posts/*", page_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/posts/*/applications", page_application_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/posts/*/decide", page_decide_post, ROLES_ADMIN, 0},
	{"GET", "/v/*/openings", page_openings, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/openings/*", page_opening, 0, ROUTE_PUBLIC},
	{"GET", "/passbook/posts", page_passbook_posts, ROLE_HOUSEHOLD, 0},
	{"POST", "/passbook/posts/*/apply", page_passbook_apply, ROLE_HOUSEHOLD, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link welfare_post_nav[] = {
	{53, ROLE_HOUSEHOLD, "公益岗位", "/passbook/posts", 0},
	{148, ROLE_VILLAGE_ADMIN, "公益岗位", "/posts", 1},
	{0},
};
