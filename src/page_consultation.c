/*
** page_consultation.c — the public consultation (征求意见) on a draft
** standard on the web (consultation.h):
**
**   GET  /v/CODE/consultations                     the village's consultations (public);
**                                                  admins also publish a draft here
**   POST /v/CODE/consultations                     publish a draft CSV for comment (admins)
**   GET  /v/CODE/consultations/ID                  the draft, its changes against the
**                                                  version in force, the period, the
**                                                  comments and answers (public)
**   POST /v/CODE/consultations/ID/comments         a household's comment (passbook
**                                                  login), or a meeting's (admins)
**   POST /v/CODE/consultations/ID/comments/ID/answer   the committee's answer (admins)
**   POST /v/CODE/consultations/ID/adopt            the vote adopting the draft (admins)
**
** Comments are public (公开透明) by household code, never by name.
*/
#include <string.h>

#include "auth.h"
#include "consultation.h"
#include "html.h"
#include "page.h"
#include "page_group.h"
#include "req.h"

enum { DRAFT_MAX = 1024 * 1024 };

/* Whether r's user is staff of v allowed to change it (town or own admins). */
static int is_admin_of(struct req *r, const struct village *v)
{
	return r->user && (r->user->role == ROLE_TOWN_ADMIN ||
			   (r->user->role == ROLE_VILLAGE_ADMIN && r->user->village_id == v->id));
}

void consultation_last_cell(struct req *r, const struct village *v)
{
	struct consultation *c;
	char today[11];
	date_today(today);
	int got = consultation_last(r->db, r->a, v->id, &c);
	if (got)
		html_raw(r, "<td>—</td>");
	else
		html(r, "<td><a href=\"/v/%s/consultations/%lld\">%s 至 %s，%s</a></td>",
		     url_encode(r->a, v->code), (long long)c->id, c->opens_on, c->closes_on,
		     consultation_state_label(consultation_state(c, today)));
}

void consultation_last_line(struct req *r, const struct village *v)
{
	struct consultation *c;
	char today[11];
	date_today(today);
	if (consultation_last(r->db, r->a, v->id, &c))
		return;
	html(r, "<p class=\"hint\">最近一次标准征求意见：<a href=\"/v/%s/consultations/%lld\">%s</a>"
		"（%s 至 %s，%s，意见 %lld 条）。</p>",
	     url_encode(r->a, v->code), (long long)c->id, c->title, c->opens_on, c->closes_on,
	     consultation_state_label(consultation_state(c, today)), (long long)c->comments);
}

void consultation_passbook_notice(struct req *r, int64_t village_id)
{
	struct village *v = village_by_id(r->db, r->a, village_id);
	struct consultation *rows;
	int n;
	char today[11];
	date_today(today);
	if (!v || consultation_list(r->db, r->a, village_id, &rows, &n))
		return;
	for (int i = 0; i < n; i++)
		if (!strcmp(consultation_state(&rows[i], today), "open"))
			html(r, "<p class=\"notice\">本村积分标准修订草案“%s”正在征求意见（到 %s 截止），"
				"<a href=\"/v/%s/consultations/%lld\">查看草案并提意见</a>。</p>",
			     rows[i].title, rows[i].closes_on, url_encode(r->a, v->code),
			     (long long)rows[i].id);
}

/* The publish form (admins). */
static void open_form(struct req *r, const struct village *v)
{
	html(r, "<h2>公开征求意见</h2><form method=\"post\" action=\"/v/%s/consultations\" "
		"enctype=\"multipart/form-data\" class=\"narrow\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html_raw(r, "<label>标题<input name=\"title\" required maxlength=\"100\" "
		    "placeholder=\"如：2025 年积分标准修订草案\"></label>"
		    "<label>草案（标准 CSV 文件）<input type=\"file\" name=\"file\" accept=\".csv,text/csv\" "
		    "required></label>"
		    "<label>开始日期<input type=\"date\" name=\"opens_on\" required></label>"
		    "<label>截止日期<input type=\"date\" name=\"closes_on\" required></label>"
		    "<p class=\"hint\">征求意见期最长 90 天。期满、全部意见答复后，在草案页上录入表决结果。</p>"
		    "<button type=\"submit\" class=\"primary\">发布草案</button></form>");
}

/* The list page with errs (NULL: none). */
static void list_page(struct req *r, const struct village *v, const errlist *errs)
{
	struct consultation *rows;
	int n;
	if (req_consultations_or_500(r, v->id, &rows, &n))
		return;
	char today[11];
	date_today(today);
	html_page_begin(r, arena_printf(r->a, "%s · 积分标准征求意见", v->name));
	if (errs)
		page_error_list(r, errs, "没有发布：");
	html_raw(r, "<p class=\"hint\">积分标准修订前，草案向全村公开征求意见；村民可在积分存折里提意见，"
		    "各议事会的意见由村里登记。村两委逐条答复后再提交会议表决。</p>");
	html_raw(r, "<table class=\"list\"><thead><tr><th>草案</th><th>征求意见期</th><th>状态</th>"
		    "<th>意见</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td><a href=\"/v/%s/consultations/%lld\">%s</a></td><td>%s 至 %s</td>"
			"<td>%s</td><td class=\"num\">%lld</td></tr>",
		     url_encode(r->a, v->code), (long long)rows[i].id, rows[i].title, rows[i].opens_on,
		     rows[i].closes_on, consultation_state_label(consultation_state(&rows[i], today)),
		     (long long)rows[i].comments);
	if (!n)
		html_raw(r, "<tr><td colspan=\"4\">还没有征求意见。</td></tr>");
	html_raw(r, "</tbody></table>");
	if (is_admin_of(r, v))
		open_form(r, v);
	html_page_end(r);
}

/* GET /v/CODE/consultations (public) */
static void page_consultations(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (v)
		list_page(r, v, NULL);
}

/* POST /v/CODE/consultations: title, opens_on, closes_on, file. */
static void page_consultation_open(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const struct param *file = req_file(r, "file");
	if (file && file->len > DRAFT_MAX) {
		http_error(r, 413, "文件太大：标准 CSV 最多 1 MB。");
		return;
	}
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id = 0;
	int rc;
	if (!file) {
		errlist_add(&errs, "请选择草案的标准 CSV 文件");
		rc = 1;
	} else {
		rc = consultation_open(r->db, &who, v, req_form_trim(r, "title"),
				       upload_name(r->a, file->filename), file->value, file->len,
				       req_form_trim(r, "opens_on"), req_form_trim(r, "closes_on"),
				       &errs, &id);
	}
	if (rc < 0) {
		http_error(r, 500, "发布草案时出错，没有保存任何内容。");
	} else if (rc > 0) {
		r->status = 400;
		list_page(r, v, &errs);
	} else {
		http_redirect(r, arena_printf(r->a, "/v/%s/consultations/%lld?opened=1",
					      url_encode(r->a, v->code), (long long)id));
	}
	errlist_free(&errs);
}

/* The comment forms: a household of v logged in, or the admins' record of
** a meeting's comment. */
static void comment_forms(struct req *r, const struct village *v, const struct consultation *c)
{
	const char *url = arena_printf(r->a, "/v/%s/consultations/%lld/comments",
				       url_encode(r->a, v->code), (long long)c->id);
	if (r->user && r->user->role == ROLE_HOUSEHOLD && r->user->village_id == v->id) {
		html(r, "<h2>我要提意见</h2><form method=\"post\" action=\"%s\" class=\"narrow\">", url);
		html_csrf(r);
		html_raw(r, "<label>意见内容<textarea name=\"text\" rows=\"4\" maxlength=\"500\" required>"
			    "</textarea></label><button type=\"submit\" class=\"primary\">提交意见</button>"
			    "</form>");
	} else if (!r->user) {
		html_raw(r, "<p class=\"hint\">本村农户<a href=\"/passbook/login\">登录积分存折</a>后可在此提意见。</p>");
	}
	if (!is_admin_of(r, v))
		return;
	html(r, "<h2>登记会议意见</h2><form method=\"post\" action=\"%s\" class=\"narrow\">", url);
	html_csrf(r);
	html_raw(r, "<label>会议<select name=\"body\">");
	for (int i = 0; i < 4; i++)
		html(r, "<option value=\"%s\">%s</option>", consultation_bodies[i],
		     consultation_body_label(consultation_bodies[i]));
	html_raw(r, "</select></label><label>会议日期<input type=\"date\" name=\"date\" required></label>"
		    "<label>意见内容<textarea name=\"text\" rows=\"4\" maxlength=\"500\" required></textarea>"
		    "</label><button type=\"submit\">登记</button></form>");
}

/* The adoption form of a closed consultation (admins). */
static void adopt_form(struct req *r, const struct village *v, const struct consultation *c)
{
	html(r, "<h2>表决通过</h2><form method=\"post\" action=\"/v/%s/consultations/%lld/adopt\" "
		"class=\"narrow\">",
	     url_encode(r->a, v->code), (long long)c->id);
	html_csrf(r);
	html_raw(r, "<label>会议通过日期<input type=\"date\" name=\"adopted_on\" required></label>"
		    "<label>生效日期<input type=\"date\" name=\"effective_on\" required></label>"
		    "<label>会议类型<select name=\"meeting_type\"><option value=\"villagers\">村民会议"
		    "</option><option value=\"representatives\">村民代表会议</option></select></label>"
		    "<label>会议说明<input name=\"meeting\" maxlength=\"500\"></label>");
	static const char *const counts[][2] = {{"entitled", "应到人数"}, {"attendance", "实到人数"},
						{"votes_for", "赞成票"}, {"votes_against", "反对票"},
						{"votes_abstain", "弃权票"}};
	for (int i = 0; i < 5; i++)
		html(r, "<label>%s<input type=\"number\" min=\"0\" name=\"%s\"></label>", counts[i][1],
		     counts[i][0]);
	html_raw(r, "<button type=\"submit\" class=\"primary\">保存表决结果，通过新版标准</button></form>");
}

/* The comments table, with an answer form per comment for admins while
** not adopted. */
static void comments_table(struct req *r, const struct village *v, const struct consultation *c,
			   const struct consultation_comment *k, int n)
{
	int admin = is_admin_of(r, v) && !c->version_id;
	html(r, "<h2>意见及答复（%d 条）</h2>", n);
	if (!n) {
		html_raw(r, "<p>还没有意见。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>日期</th><th>提出</th><th>意见</th>"
		    "<th>村两委答复</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const char *from = *k[i].body ? consultation_body_label(k[i].body)
					      : arena_printf(r->a, "农户 %s", k[i].household_code);
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", k[i].commented_on, from,
		     k[i].text);
		if (*k[i].answer)
			html(r, "<strong>答复：</strong>%s<br><small>%s 答复</small>", k[i].answer,
			     k[i].answered_on);
		else
			html_raw(r, "<em>待答复</em>");
		if (admin) {
			html(r, "<form method=\"post\" action=\"/v/%s/consultations/%lld/comments/%lld/answer\">",
			     url_encode(r->a, v->code), (long long)c->id, (long long)k[i].id);
			html_csrf(r);
			html_raw(r, "<textarea name=\"answer\" rows=\"2\" maxlength=\"500\" required "
				    "aria-label=\"答复\"></textarea><button type=\"submit\">答复</button></form>");
		}
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* The page of consultation c of v with errs (NULL: none). */
static void detail_page(struct req *r, const struct village *v, const struct consultation *c,
			const errlist *errs)
{
	struct consultation_comment *k;
	int nk;
	char today[11];
	date_today(today);
	struct std_version *draft = arena_alloc(r->a, sizeof *draft), *cur = NULL;
	errlist perr = {0};
	int bad = standard_parse_csv(r->a, "草案", c->draft_csv, strlen(c->draft_csv), &draft->items,
				     &draft->nitems, &perr);
	errlist_free(&perr);
	if (bad || consultation_comments(r->db, r->a, v->id, c->id, &k, &nk) ||
	    standard_in_force(r->db, r->a, v->id, today, 1, &cur) < 0) {
		http_error(r, 500, "读取征求意见时出错。");
		return;
	}
	const char *state = consultation_state(c, today);
	html_page_begin(r, arena_printf(r->a, "%s · %s", v->name, c->title));
	if (req_query(r, "opened"))
		html_notice(r, "草案已发布，征求意见期内村民可以提意见。");
	if (req_query(r, "commented"))
		html_notice(r, "意见已收到，村两委会逐条答复。");
	if (errs)
		page_error_list(r, errs, "没有保存：");
	const char *vc = url_encode(r->a, v->code);
	html(r, "<dl class=\"record\"><dt>征求意见期</dt><dd>%s 至 %s</dd><dt>状态</dt><dd>%s</dd>",
	     c->opens_on, c->closes_on, consultation_state_label(state));
	if (c->version_id)
		html(r, "<dt>表决结果</dt><dd><a href=\"/v/%s/standard/versions/%lld\">已通过为第 %d 版"
			"</a></dd>",
		     vc, (long long)c->version_id, c->version);
	html_raw(r, "</dl>");
	struct std_version empty = {0};
	html(r, "<h2>草案与%s相比</h2>",
	     cur ? arena_printf(r->a, "现行第 %d 版", cur->version) : "（本村还没有施行中的标准）");
	render_diff(r, cur ? cur : &empty, draft);
	comments_table(r, v, c, k, nk);
	if (!strcmp(state, "open"))
		comment_forms(r, v, c);
	if (!strcmp(state, "closed") && is_admin_of(r, v)) {
		if (c->answered < c->comments)
			html(r, "<p class=\"error\">还有 %lld 条意见没有答复，全部答复后才能表决。</p>",
			     (long long)(c->comments - c->answered));
		else
			adopt_form(r, v, c);
	}
	html(r, "<p><a href=\"/v/%s/consultations\">全部征求意见</a> · <a href=\"/v/%s/standard\">"
		"积分标准</a></p>",
	     vc, vc);
	html_page_end(r);
}

/* The consultation of arg[1] of v, or answers 404/500 (NULL). */
static struct consultation *consultation_or_404(struct req *r, const struct village *v)
{
	int64_t id = req_id_or_404(r, r->arg[1], "找不到这份征求意见。");
	if (!id)
		return NULL;
	struct consultation *c;
	int got = consultation_get(r->db, r->a, v->id, id, &c);
	if (got < 0)
		http_error(r, 500, "读取征求意见时出错。");
	else if (got)
		http_error(r, 404, "找不到这份征求意见。");
	return got ? NULL : c;
}

/* GET /v/CODE/consultations/ID (public) */
static void page_consultation(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct consultation *c = v ? consultation_or_404(r, v) : NULL;
	if (c)
		detail_page(r, v, c, NULL);
}

/* Answer a write on consultation c of v: 500, the page with errs (400),
** or a redirect to it with ?notice=1. */
static void after_write(struct req *r, const struct village *v, int rc, errlist *errs,
			const char *notice)
{
	struct consultation *c = consultation_or_404(r, v);
	if (rc < 0) {
		http_error(r, 500, "保存时出错，没有保存任何内容。");
	} else if (c && rc > 0) {
		r->status = 400;
		detail_page(r, v, c, errs);
	} else if (c) {
		http_redirect(r, arena_printf(r->a, "/v/%s/consultations/%lld%s%s",
					      url_encode(r->a, v->code), (long long)c->id,
					      notice ? "?" : "", notice ? notice : ""));
	}
	errlist_free(errs);
}

/* POST /v/CODE/consultations/ID/comments: text (a household); body, date,
** text (admins: a meeting's). */
static void page_comment_post(struct req *r)
{
	struct village *v;
	int64_t id;
	if (req_village_id_or_404(r, &v, &id, "找不到这份征求意见。"))
		return;
	int household = r->user->role == ROLE_HOUSEHOLD;
	struct actor who = req_actor(r);
	if (household) /* the audit names a household as the passbook's pages do */
		who = (struct actor){0, arena_printf(r->a, "household:%s", r->user->login), r->ip};
	errlist errs = {0};
	int64_t cid = 0;
	int rc = consultation_comment_add(r->db, &who, v, id, household ? r->user->id : 0,
					  household ? "" : req_form_trim(r, "body"),
					  req_form_trim(r, "text"),
					  household ? NULL : req_form_trim(r, "date"), &errs, &cid);
	after_write(r, v, rc, &errs, "commented=1");
}

/* POST /v/CODE/consultations/ID/comments/ID/answer: answer. */
static void page_answer_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t kid = req_id_or_404(r, r->arg[2], "找不到这条意见。");
	if (!kid)
		return;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = consultation_answer(r->db, &who, v, kid, req_form_trim(r, "answer"), &errs);
	after_write(r, v, rc, &errs, NULL);
}

/* A count field of the adoption form: "" not recorded (-1), not a number -2
** (standard_check_adoption names the field). */
static int64_t form_count(struct req *r, const char *name)
{
	const char *s = req_form_trim(r, name);
	int64_t n;
	if (!*s)
		return -1;
	return parse_int64(s, &n) || n < 0 ? -2 : n;
}

/* POST /v/CODE/consultations/ID/adopt: the adoption record's fields. */
static void page_adopt_post(struct req *r)
{
	struct village *v;
	int64_t id;
	if (req_village_id_or_404(r, &v, &id, "找不到这份征求意见。"))
		return;
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = req_form_trim(r, "adopted_on");
	ad.effective_on = req_form_trim(r, "effective_on");
	ad.meeting_type = req_form_trim(r, "meeting_type");
	ad.meeting = req_form_trim(r, "meeting");
	ad.entitled = form_count(r, "entitled");
	ad.attendance = form_count(r, "attendance");
	ad.votes_for = form_count(r, "votes_for");
	ad.votes_against = form_count(r, "votes_against");
	ad.votes_abstain = form_count(r, "votes_abstain");
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t ver = 0;
	int rc = consultation_adopt(r->db, &who, v, id, &ad, &errs, &ver);
	after_write(r, v, rc, &errs, "adopted=1");
}

const struct route consultation_routes[] = {
	{"GET", "/v/*/consultations", page_consultations, 0, ROUTE_PUBLIC},
	{"POST", "/v/*/consultations", page_consultation_open, ROLES_ADMIN, ROUTE_UPLOAD},
	{"GET", "/v/*/consultations/*", page_consultation, 0, ROUTE_PUBLIC},
	{"POST", "/v/*/consultations/*/comments", page_comment_post, ROLES_ADMIN | ROLE_HOUSEHOLD, 0},
	{"POST", "/v/*/consultations/*/comments/*/answer", page_answer_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/consultations/*/adopt", page_adopt_post, ROLES_ADMIN, 0},
	{0},
};
