/*
** page_auth.c — logging in and out, changing one's password, the home
** page's redirect by role, and the embedded static files.
*/
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "embed.h"
#include "html.h"
#include "page.h"
#include "req.h"

/* GET / : each role's home. */
static void page_home(struct req *r)
{
	if (!r->user) { /* most visitors are villagers: their door first */
		page_passbook_login_form(r, NULL, NULL, NULL);
		return;
	}
	if (r->user->role == ROLE_TOWN_ADMIN)
		http_redirect(r, "/town");
	else if (r->user->role == ROLE_HOUSEHOLD)
		http_redirect(r, "/passbook");
	else
		http_redirect(r, arena_printf(r->a, "/v/%s", url_encode(r->a, r->user->village_code)));
}

/* A local path to go to after login, or "/" (the landing page by role):
** exactly one '/' and then a character that is neither '/' nor a
** backslash (so that no "//host" names another site), and no space, tab,
** line break or other control character anywhere: browsers drop tabs and
** line breaks from URLs, so "/<TAB>/evil.example" is "//evil.example" to
** them.  Text that is not UTF-8 is refused too. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) >= 8192 ||
	    !text_is_clean(next, 0))
		return "/";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "/";
	return next;
}

static void login_form(struct req *r, const char *login, const char *error)
{
	html_page_begin(r, "登录");
	if (error)
		html_error_box(r, error);
	html(r, "<form method=\"post\" action=\"/login\" class=\"narrow\">");
	html_csrf(r);
	html(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">",
	     safe_next(req_query(r, "next") ? req_query(r, "next") : req_form(r, "next")));
	html(r, "<label>账号<input name=\"login\" value=\"%s\" autocomplete=\"username\" "
		"required autofocus></label>",
	     login ? login : "");
	html_raw(r, "<label>密码<input name=\"password\" type=\"password\" "
		    "autocomplete=\"current-password\" required></label>"
		    "<button type=\"submit\" class=\"primary\">登录</button></form>"
		    "<p class=\"hint\">这里是村、镇工作人员登录。农户查积分请到"
		    "<a href=\"/\">首页</a>：选本村，填户主姓名和 PIN（或扫积分卡上的二维码）。</p>");
	html_page_end(r);
}

/* The path (and no query) of the Referer when it is this site's page,
** else NULL. */
static const char *referer_path(struct req *r)
{
	const char *ref = http_request_header(r, "Referer"), *host = http_request_header(r, "Host");
	const char *p = ref ? strstr(ref, "://") : NULL;
	if (!p || !host)
		return NULL;
	p += 3;
	size_t hl = strlen(host);
	if (strncmp(p, host, hl) || p[hl] != '/')
		return NULL;
	p += hl;
	return arena_strndup(r->a, p, strcspn(p, "?#"));
}

void page_login_expired(struct req *r, int had_session)
{
	/* back to the page of the form; without a Referer, the parent of the
	** POST's path (…/sheets/M/entries → …/sheets/M), never the POST-only
	** path itself (its GET is a 405) */
	const char *back = referer_path(r);
	if (!back || !*back) {
		char *b = arena_strdup(r->a, r->path);
		char *slash = strrchr(b, '/');
		if (slash && slash != b)
			*slash = 0;
		back = b;
	}
	buf q = {0};
	int file = 0;
	buf_printf(&q, "%s?restore=1", back);
	for (const struct param *p = r->form; p; p = p->next) {
		if (p->filename) {
			file |= p->len > 0;
			continue;
		}
		if (!strcmp(p->name, "csrf") || !text_is_clean(p->value, 1))
			continue;
		buf_printf(&q, "&%s=%s", url_encode(r->a, p->name), url_encode(r->a, p->value));
	}
	const char *next = q.len < 8000 ? arena_strdup(r->a, buf_cstr(&q)) : back;
	buf_free(&q);
	http_redirect(r, arena_printf(r->a, "/login?why=%s&next=%s",
				      had_session ? (file ? "expired-photo" : "expired")
						  : (file ? "login-photo" : "login"),
				      url_encode(r->a, next)));
}

/* The notice of the login page when a form sent without a live session
** brought the user here (?why=, page_login_expired()). */
static const char *login_why(struct req *r)
{
	const char *why = req_query(r, "why");
	if (!why)
		return NULL;
	int photo = strstr(why, "photo") != NULL;
	const char *kept = photo ? "登录后回到原来的页面，填写的内容已保留，照片需要重新选择。"
				 : "登录后回到原来的页面，填写的内容已保留。";
	return arena_printf(r->a, "%s%s",
			    !strncmp(why, "expired", 7) ? "登录已过期，请重新登录。" : "请先登录。",
			    kept);
}

/* GET /login */
static void page_login(struct req *r)
{
	if (r->user) {
		http_redirect(r, "/");
		return;
	}
	login_form(r, NULL, login_why(r));
}

/* A wait as Chinese words: "N 秒" under two minutes, else minutes. */
static const char *wait_words(struct req *r, int seconds)
{
	return seconds < 120 ? arena_printf(r->a, "%d 秒", seconds)
			     : arena_printf(r->a, "%d 分钟", (seconds + 59) / 60);
}

/* A login refused before its password was checked: 429 with Retry-After
** (the form follows). */
static void login_refused_429(struct req *r, int retry_after)
{
	r->status = 429;
	http_header(r, "Retry-After", arena_printf(r->a, "%d", retry_after > 0 ? retry_after : 1));
}

/* POST /login: login, password, next. */
static void page_login_post(struct req *r)
{
	const char *login = req_form_trim(r, "login"), *pw = req_form(r, "password");
	int64_t id = 0;
	struct login_from from = {r->ip, r->ip_key};
	struct login_report rep;
	enum login_result res = auth_login_account(r->db, login, pw, &from, &id, &rep);
	char token[65];
	const char *object = arena_printf(
		r->a, "account:%s", text_is_clean(login, 0) ? utf8_prefix(r->a, login, 64) : "");
	const char *notice;
	switch (res) {
	case LOGIN_OK:
		http_security_event(r, "security.login", object, 0, login);
		notice = login_report_notice(r->a, &rep);
		if (session_create(r->db, id, 0, r->ip, token) ||
		    (notice && session_set_notice(r->db, token, notice))) {
			http_error(r, 500, "无法创建会话，请稍后再试。");
			return;
		}
		http_cookie(r, SESSION_COOKIE, token, 0);
		http_redirect(r, safe_next(req_form(r, "next")));
		return;
	case LOGIN_THROTTLED: /* refused before the password check */
	case LOGIN_LOCKED:
	case LOGIN_DELAYED:
		if (res != LOGIN_DELAYED)
			http_security_event(r, res == LOGIN_LOCKED ? "security.login_locked"
								   : "security.login_throttled",
					    object, 0, login);
		login_refused_429(r, rep.retry_after);
		login_form(r, login,
			   arena_printf(r->a, "%s，请 %s后再试。",
					res == LOGIN_THROTTLED ? "这个地址登录失败的次数过多，已暂停登录"
					: res == LOGIN_LOCKED  ? "登录失败次数过多，账号已暂时锁定"
							       : "这个账号刚有失败的登录尝试，为了安全请稍候",
					wait_words(r, rep.retry_after)));
		return;
	case LOGIN_BAD:
		http_security_event(r, "security.login_failed", object, 0, login);
		if (rep.alert)
			http_security_event(r, "security.login_failures", object, rep.village_id,
					    login);
		r->status = 401;
		login_form(r, login, "账号或密码不正确。");
		return;
	case LOGIN_ERROR:
		http_error(r, 500, "登录时出错，请稍后再试。");
		return;
	}
}

/* POST /logout */
static void page_logout(struct req *r)
{
	const char *sid = http_cookie_value(r, SESSION_COOKIE);
	if (sid)
		session_delete(r->db, sid);
	http_security_event(r, "security.logout", NULL, 0, NULL);
	http_cookie(r, SESSION_COOKIE, "", -1);
	http_redirect(r, "/login");
}

static void password_form(struct req *r, const errlist *errs, int done)
{
	html_page_begin(r, "修改密码");
	if (done)
		html_notice(r, "密码已修改。");
	html_error_boxes(r, errs);
	html_raw(r, "<form method=\"post\" action=\"/account/password\" class=\"narrow\">");
	html_csrf(r);
	struct security_policy pol = SECURITY_POLICY_DEFAULTS;
	policy_load(r->db, &pol);
	if (r->user && r->user->must_change_password && !done)
		html_notice(r, "请先修改密码：初始密码或已过期的密码不能继续使用。");
	html(r, "<label>原密码<input name=\"old\" type=\"password\" "
		"autocomplete=\"current-password\" required></label>"
		"<label>新密码<input name=\"new\" type=\"password\" autocomplete=\"new-password\" "
		"required minlength=\"%d\"></label>"
		"<p class=\"hint\">至少 %d 个字符，包含字母、数字、符号中的至少两类。</p>",
	     pol.password_min_length, pol.password_min_length);
	html_raw(r, "<label>再输一次新密码<input name=\"new2\" type=\"password\" "
		    "autocomplete=\"new-password\" required></label>"
		    "<button type=\"submit\" class=\"primary\">修改密码</button></form>");
	html_page_end(r);
}

/* GET /account/password */
static void page_password(struct req *r)
{
	password_form(r, NULL, !!req_query(r, "done"));
}

/* POST /account/password: old, new, new2.  Other sessions of the account
** end; this one stays. */
static void page_password_post(struct req *r)
{
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = -1;
	if (db_begin_write(r->db) == 0) {
		rc = account_change_password(r->db, r->user->id, req_form(r, "old"),
					     req_form(r, "new"), req_form(r, "new2"), &errs);
		if (rc == 0 &&
		    (session_delete_account(r->db, r->user->id, http_cookie_value(r, SESSION_COOKIE)) ||
		     audit_record(r->db, &who, r->user->village_id, "account.password",
				  arena_printf(r->a, "account:%s", r->user->login), NULL, NULL) ||
		     db_commit(r->db)))
			rc = -1;
		if (rc)
			db_rollback(r->db);
	}
	if (rc < 0)
		http_error(r, 500, "修改密码时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		password_form(r, &errs, 0);
	} else
		http_redirect(r, "/account/password?done=1");
	errlist_free(&errs);
}

/* GET /mode?elder=1|0&back=PATH: turn 长辈模式 (large type, MIIT's
** 适老化 rules) on or off for this browser — a cookie for a year, not a
** setting of the account, so that it works before login and on a shared
** PC each person sets it once — and go back to the page it was chosen
** on.  A plain link so that it works without script. */
static void page_mode(struct req *r)
{
	const char *elder = req_query(r, "elder");
	if (elder && !strcmp(elder, "1"))
		http_cookie(r, ELDER_COOKIE, "1", 365 * 86400);
	else
		http_cookie(r, ELDER_COOKIE, "", -1);
	http_redirect(r, safe_next(req_query(r, "back")));
}

/* GET /static/NAME: the embedded assets, cached by the browser for a day
** and revalidated by ETag. */
static void page_static(struct req *r)
{
	for (const struct embedded_file *f = embedded_static; f->name; f++) {
		if (strcmp(f->name, r->arg[0]))
			continue;
		const char *inm = http_request_header(r, "If-None-Match");
		http_header(r, "ETag", f->etag);
		http_header(r, "Cache-Control", "public, max-age=86400");
		const char *dot = strrchr(f->name, '.');
		const char *ct = !dot ? "application/octet-stream"
				 : !strcmp(dot, ".css") ? "text/css; charset=utf-8"
				 : !strcmp(dot, ".js")  ? "text/javascript; charset=utf-8"
				 : !strcmp(dot, ".svg") ? "image/svg+xml"
				 : !strcmp(dot, ".png") ? "image/png"
				 : !strcmp(dot, ".jpg") ? "image/jpeg"
							: "application/octet-stream";
		if (inm && !strcmp(inm, f->etag))
			http_send(r, 304, ct, "", 0);
		else
			http_send(r, 200, ct, f->data, f->len);
		return;
	}
	http_error(r, 404, "找不到这个文件。");
}

const struct route auth_routes[] = {
	{"GET", "/", page_home, 0, ROUTE_PUBLIC},
	{"GET", "/login", page_login, 0, ROUTE_PUBLIC},
	{"POST", "/login", page_login_post, 0, ROUTE_PUBLIC},
	{"POST", "/logout", page_logout, ROLE_ANY, 0},
	{"GET", "/account/password", page_password, ROLE_STAFF, 0},
	{"POST", "/account/password", page_password_post, ROLE_STAFF, 0},
	{"GET", "/static/*", page_static, 0, ROUTE_PUBLIC},
	{"GET", "/mode", page_mode, 0, ROUTE_PUBLIC},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link auth_nav[] = {
	{900, ROLE_STAFF, "修改密码", "/account/password", 0},
	{0},
};
