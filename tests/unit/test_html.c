/*
** test_html.c — unit tests of src/html.c, the only way pages write HTML:
** html()'s %s escapes the five characters whatever the width or prefix,
** other conversions format as printf, html_raw() does not; the page frame
** (title escaped, the town's name from its setting, the logout form with
** the session's CSRF token, the navigation of the user's role only, with
** village links under /v/CODE, and the PIN-budget warning of a paused
** village); and the navigation tables' rule that ranks are unique (a
** shared rank would drop a link).  The table labels are test_html_stack.c's.
*/
#include "unitfix.h"

#include "html.h"
#include "reqfix.h"

/* html-100: escaping and formats. */
static void html_100_format(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct req r = {.a = a};
	html(&r, "<p title=\"%s\">%s</p>", "a\"b'c", "<script>&amp;");
	assert_string_equal(buf_cstr(&r.out),
			    "<p title=\"a&quot;b&#39;c\">&lt;script&gt;&amp;amp;</p>");
	r.out.len = 0;
	html(&r, "%d|%5d|%-3d|%lld|%zu|%x|%c|%%|%u|%i|%ld", -7, 42, 1, (long long)-9000000000LL,
	     (size_t)12, 255, 'Z', 3u, 4, 5L);
	assert_string_equal(buf_cstr(&r.out), "-7|   42|1  |-9000000000|12|ff|Z|%|3|4|5");
	r.out.len = 0;
	html(&r, "[%.3s][%8s][%s]", "<<<<<", "<", "张三");
	/* the prefix is taken of the text, then escaped; widths pad */
	assert_non_null(strstr(buf_cstr(&r.out), "[&lt;&lt;&lt;]"));
	assert_null(strstr(buf_cstr(&r.out), "<"));
	assert_non_null(strstr(buf_cstr(&r.out), "[张三]"));
	r.out.len = 0;
	html_raw(&r, "<b>raw</b>");
	assert_string_equal(buf_cstr(&r.out), "<b>raw</b>");
	assert_string_equal(html_escape(a, "x<y>&\"'"), "x&lt;y&gt;&amp;&quot;&#39;");
	assert_string_equal(html_escape(a, NULL), "");
	r.out.len = 0;
	html_notice(&r, "<已保存>");
	html_error_box(&r, "a&b");
	errlist errs = {0};
	errlist_add(&errs, "第 2 行: <x>");
	errlist_add(&errs, "第 3 行");
	html_error_boxes(&r, &errs);
	html_error_boxes(&r, NULL);
	errlist_free(&errs);
	assert_string_equal(buf_cstr(&r.out),
			    "<p class=\"notice\" role=\"status\">&lt;已保存&gt;</p>"
			    "<p class=\"error\" role=\"alert\">a&amp;b</p>"
			    "<p class=\"error\" role=\"alert\">第 2 行: &lt;x&gt;</p>"
			    "<p class=\"error\" role=\"alert\">第 3 行</p>");
	buf_free(&r.out);
	arena_free(a);
}

/* html-110: nav ranks are unique across every table, and every link has
** a label, a URL and roles. */
static void html_110_nav_tables(void **state)
{
	(void)state;
	int ranks[512], n = 0;
	for (const struct nav_link *const *t = nav_tables; *t; t++)
		for (const struct nav_link *l = *t; l->label; l++) {
			assert_non_null(l->url);
			/* in a village: the path after /v/CODE ("" its home) */
			assert_true(l->in_village ? (!*l->url || l->url[0] == '/') : l->url[0] == '/');
			assert_true(l->roles != 0);
			for (int i = 0; i < n; i++)
				if (ranks[i] == l->rank)
					fail_msg("rank %d used twice (%s)", l->rank, l->label);
			assert_true(n < 512);
			ranks[n++] = l->rank;
		}
	assert_true(n > 5);
}

/* The link of l as the frame writes it for u, NULL when it has none. */
static const char *href_of(const struct user *u, const struct nav_link *l, arena *a)
{
	if (!l->in_village)
		return arena_printf(a, "<a href=\"%s\">%s</a>", l->url, l->label);
	return u->village_code ? arena_printf(a, "<a href=\"/v/%s%s\">%s</a>", u->village_code,
					      l->url, l->label)
			       : NULL;
}

/* The links the frame must show user u, checked against page: each of
** the role's is there, no other (two tables may offer the same link to
** different roles: it is not "other" then). */
static void nav_matches(const struct user *u, const char *page, arena *a)
{
	int shown = 0;
	for (const struct nav_link *const *t = nav_tables; *t; t++)
		for (const struct nav_link *l = *t; l->label; l++) {
			const char *href = href_of(u, l, a);
			if (!href)
				continue;
			if (l->roles & u->role) {
				if (!strstr(page, href))
					fail_msg("role %d: %s missing", u->role, href);
				shown++;
				continue;
			}
			int offered = 0;
			for (const struct nav_link *const *t2 = nav_tables; *t2; t2++)
				for (const struct nav_link *m = *t2; m->label; m++) {
					const char *h2 = href_of(u, m, a);
					if ((m->roles & u->role) && h2 && !strcmp(h2, href))
						offered = 1;
				}
			if (!offered && strstr(page, href))
				fail_msg("role %d: %s shown", u->role, href);
		}
	assert_true(shown > 0);
}

/* html-120: the frame of a village admin's page: title escaped, the
** town's name, who is logged in, the logout form's CSRF token, the
** navigation of the role, and 200 at the end. */
static void html_120_page(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	assert_int_equal(town_name_set(f->d, &f->who, "朱家角镇", &errs), 0);
	struct user u = {.id = 1, .login = "v1admin", .role = ROLE_VILLAGE_ADMIN,
			 .village_id = f->v->id, .village_code = "V1", .csrf = "tok123"};
	struct req *r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &u;
	html_page_begin(r, "积分表 <2024>");
	html(r, "<p>%s</p>", "正文");
	html_page_end(r);
	const char *p = buf_cstr(&r->out);
	assert_int_equal(r->status, 200);
	assert_true(r->answered);
	assert_string_equal(r->ctype, "text/html; charset=utf-8");
	assert_int_equal(strncmp(p, "<!doctype html>\n<html lang=\"zh-CN\">", 35), 0);
	assert_non_null(strstr(p, "<title>积分表 &lt;2024&gt; · 乡村治理积分</title>"));
	assert_non_null(strstr(p, "<h1>积分表 &lt;2024&gt;</h1>"));
	assert_non_null(strstr(p, "content=\"朱家角镇乡村治理积分制"));
	assert_non_null(strstr(p, "<footer>朱家角镇乡村治理积分制 · jifen</footer>"));
	assert_non_null(strstr(p, "<span class=\"who\">v1admin · 一村</span>"));
	assert_non_null(strstr(p, "<input type=\"hidden\" name=\"csrf\" value=\"tok123\">"));
	assert_non_null(strstr(p, "<body data-idle=\""));
	assert_null(strstr(p, "PIN 登录失败"));
	nav_matches(&u, p, f->a);
	buf_free(&r->out);

	/* a town admin: no village links; a scorer: the scorer's */
	struct user t = {.id = 2, .login = "town", .role = ROLE_TOWN_ADMIN, .csrf = "t"};
	r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &t;
	html_page_begin(r, "全镇");
	html_page_end(r);
	nav_matches(&t, buf_cstr(&r->out), f->a);
	assert_null(strstr(buf_cstr(&r->out), "href=\"/v/"));
	buf_free(&r->out);
	struct user s = {.id = 3, .login = "s1", .role = ROLE_SCORER, .village_id = f->v->id,
			 .village_code = "V1", .csrf = "s"};
	r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &s;
	html_page_begin(r, "记分");
	html_page_end(r);
	nav_matches(&s, buf_cstr(&r->out), f->a);
	buf_free(&r->out);
	/* a status set before the end is kept */
	r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &s;
	r->status = 422;
	html_page_begin(r, "错误");
	html_page_end(r);
	assert_int_equal(r->status, 422);
	buf_free(&r->out);
}

/* html-130: a village admin sees the warning of a paused PIN budget. */
static void html_130_pin_warning(void **state)
{
	struct unitfix *f = UF(state);
	assert_int_equal(db_exec(f->d, "UPDATE village SET pin_failures_per_hour = 2"), 0);
	for (int i = 0; i < 2; i++) {
		db_stmt *s = db_prepare(f->d, "INSERT INTO login_attempt(login, ip, at, ok)"
					     " VALUES('V1/H01', '192.0.2.9', $at, 0)");
		db_bind_int(s, "$at", now_unix() - 60);
		assert_int_equal(db_step(s), DB_DONE);
	}
	struct user u = {.id = 1, .login = "v1admin", .role = ROLE_VILLAGE_ADMIN,
			 .village_id = f->v->id, .village_code = "V1", .csrf = "x"};
	struct req *r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &u;
	html_page_begin(r, "首页");
	html_page_end(r);
	const char *p = buf_cstr(&r->out);
	assert_non_null(strstr(p, "本村近一小时有 2 次 PIN 登录失败"));
	assert_non_null(strstr(p, "约 59 分钟后恢复"));
	buf_free(&r->out);
	/* not the other village's admin */
	struct user w = {.id = 2, .login = "v2admin", .role = ROLE_VILLAGE_ADMIN,
			 .village_id = f->w->id, .village_code = "V2", .csrf = "x"};
	r = reqfix_new(f->a, f->d, "GET", 0);
	r->user = &w;
	html_page_begin(r, "首页");
	html_page_end(r);
	assert_null(strstr(buf_cstr(&r->out), "PIN 登录失败"));
	buf_free(&r->out);
}

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(html_100_format),
		cmocka_unit_test(html_110_nav_tables),
	};
	const struct CMUnitTest on_sqlite[] = {
		cmocka_unit_test_setup_teardown(html_120_page, unitfix_setup_sqlite, unitfix_teardown),
		cmocka_unit_test_setup_teardown(html_130_pin_warning, unitfix_setup_sqlite, unitfix_teardown),
	};
	const struct CMUnitTest on_pg[] = {
		cmocka_unit_test_setup_teardown(html_120_page, unitfix_setup_pg, unitfix_teardown),
		cmocka_unit_test_setup_teardown(html_130_pin_warning, unitfix_setup_pg, unitfix_teardown),
	};
	UNITFIX_MAIN("html", rules, 2, on_sqlite, on_pg);
}
