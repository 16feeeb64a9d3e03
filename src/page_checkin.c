/*
** page_checkin.c — QR check-in at an activity on the web (checkin.h).
**
**   GET  /v/CODE/checkins              open one (item, date); the latest
**   POST /v/CODE/checkins              open → its page
**   GET  /v/CODE/checkins/ID           the QR code, who has checked in
**   POST /v/CODE/checkins/ID/close
**   GET  /c/TOKEN                      a household's phone after the scan
**   POST /c/TOKEN                      the household checks in
**
** Staff pages start with req_village_or_404(); /c/TOKEN needs the
** household's passbook session and refuses a household of another village
** with 404, as every object of another village.
*/
#include <stdio.h>
#include <string.h>

#include "checkin.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "page_sheet.h"
#include "passbook.h"
#include "req.h"
#include "standard.h"
#include "village.h"

/* "http(s)://HOST" of the request, for the QR code's address (the scan
** comes back to the server the scorer reached), or "" when the Host is
** not fit for a URL. */
static const char *checkin_origin(struct req *r)
{
	const char *host = http_request_header(r, "Host");
	if (!passbook_host_valid(host))
		return "";
	const char *xfp = http_request_header(r, "X-Forwarded-Proto");
	int tls = xfp && !strcmp(xfp, "https");
	return arena_printf(r->a, "%s://%s", tls ? "https" : "http", host);
}

/* GET /v/CODE/checkins (and a refused opening: errs, item, date) */
static void checkins_page(struct req *r, const struct village *v, const errlist *errs,
			  const char *item, const char *date)
{
	char today[11];
	date_today(today);
	const char *d = date && *date ? date : today;
	struct std_version *sv = NULL;
	struct checkin *rows;
	int n;
	if (standard_in_force(r->db, r->a, v->id, date_valid(d) ? d : today, 1, &sv) < 0 ||
	    checkin_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取签到时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	if (errs && errs->n)
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · 现场签到", v->name));
	page_error_list(r, errs, PAGE_NOT_SAVED);
	html_raw(r, "<p class=\"hint\">活动现场（如村民大会）打开签到，农户用手机扫码，"
		    "每户自动记入一条草稿积分（每户一次），仍由村两委随月度积分表审定。</p>");
	html(r, "<form method=\"post\" action=\"/v/%s/checkins\" class=\"narrow\">", vc);
	html_csrf(r);
	html_raw(r, "<label>积分项目");
	item_select(r, "item", sv, item ? item : "", 1);
	html_raw(r, "</label>");
	html(r, "<label>日期<input name=\"date\" type=\"date\" value=\"%s\" max=\"%s\" required>"
		"</label><button type=\"submit\" class=\"primary\">开始签到</button></form>",
	     d, today);
	if (n) {
		html_raw(r, "<h2>最近的签到</h2><table class=\"list\"><thead><tr><th>日期</th>"
			    "<th>积分项目</th><th class=\"num\">已签到</th><th>状态</th></tr></thead><tbody>");
		for (int i = 0; i < n; i++)
			html(r, "<tr><td>%s</td><td><a href=\"/v/%s/checkins/%lld\">%s %s</a></td>"
				"<td class=\"num\">%lld 户</td><td>%s</td></tr>",
			     rows[i].date, vc, (long long)rows[i].id, rows[i].item_code,
			     rows[i].item_name, (long long)rows[i].scans,
			     rows[i].closed_at ? "已结束" : "进行中");
		html_raw(r, "</tbody></table>");
	}
	html_page_end(r);
}

static void page_checkins(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		checkins_page(r, v, NULL, NULL, NULL);
}

/* POST /v/CODE/checkins: item, date */
static void page_checkin_open(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *item = req_form_trim(r, "item"), *date = req_form_trim(r, "date");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int64_t id = 0;
	int rc = checkin_open(r->db, &who, v, item, date, &errs, &id);
	if (rc < 0)
		http_error(r, 500, "开始签到时出错，没有保存。");
	else if (rc > 0)
		checkins_page(r, v, &errs, item, date);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/checkins/%lld", url_encode(r->a, v->code),
					      (long long)id));
	errlist_free(&errs);
}

/* The village of the path (into *v) and its check-in r->arg[1], or NULL
** with 404 (another village's too) or 500 sent. */
static struct checkin *village_checkin_or_404(struct req *r, struct village **v)
{
	if (!(*v = req_village_or_404(r, r->arg[0])))
		return NULL;
	int64_t id = parse_id(r->arg[1]);
	struct checkin *c = NULL;
	int rc = id ? checkin_get(r->db, r->a, (*v)->id, id, &c) : 1;
	if (rc < 0)
		http_error(r, 500, "读取签到时出错。");
	else if (rc > 0)
		http_error(r, 404, "本村没有这个签到。");
	return rc ? NULL : c;
}

/* GET /v/CODE/checkins/ID: the QR code while open, the list (reload to
** see the latest), the close button */
static void page_checkin(struct req *r)
{
	struct village *v;
	struct checkin *c = village_checkin_or_404(r, &v);
	if (!c)
		return;
	struct checkin_scan *rows;
	int n;
	if (checkin_scans(r->db, r->a, c, &rows, &n)) {
		http_error(r, 500, "读取签到时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s · 签到：%s %s", v->name, c->item_name, c->date));
	html(r, "<p class=\"noprint\"><a href=\"/v/%s/checkins\">全部签到</a> · "
		"<a href=\"/v/%s/sheets/%.7s\">%s 积分表</a></p>",
	     vc, vc, c->date, sheet_month_label(r->a, arena_strndup(r->a, c->date, 7)));
	if (!c->closed_at) {
		const char *url = arena_printf(r->a, "%s/c/%s", checkin_origin(r), c->token);
		html_raw(r, "<section class=\"card checkin\">");
		html(r, "<p><b>%s</b> · %s · %s</p>", v->name, c->item_name, c->date);
		page_qr_svg(r, url, 280, "签到二维码");
		html(r, "<p>已登录积分存折的农户用手机扫码签到</p><p class=\"hint\">%s</p></section>", url);
	} else
		html(r, "<p class=\"status\">签到已于 %s 结束。</p>", time_format(r->a, c->closed_at, ""));
	html(r, "<h2>已签到 %d 户</h2><p class=\"noprint\"><a href=\"/v/%s/checkins/%lld\">刷新名单</a></p>",
	     n, vc, (long long)c->id);
	if (n) {
		html_raw(r, "<ol class=\"checks\">");
		for (int i = 0; i < n; i++)
			html(r, "<li>%s %s <span class=\"hint\">%s</span></li>", rows[i].household_code,
			     rows[i].household_name, time_format(r->a, rows[i].at, ""));
		html_raw(r, "</ol>");
	}
	if (!c->closed_at) {
		html(r, "<form method=\"post\" action=\"/v/%s/checkins/%lld/close\" "
			"data-confirm=\"结束后不能再扫码签到，确定？\">",
		     vc, (long long)c->id);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\">结束签到</button></form>");
	}
	html_page_end(r);
}

/* POST /v/CODE/checkins/ID/close */
static void page_checkin_close(struct req *r)
{
	struct village *v;
	struct checkin *c = village_checkin_or_404(r, &v);
	if (!c)
		return;
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = checkin_close(r->db, &who, v, c->id, &errs);
	if (rc < 0)
		http_error(r, 500, "结束签到时出错。");
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/checkins/%lld", url_encode(r->a, v->code),
					      (long long)c->id));
	errlist_free(&errs);
}

/* The check-in of /c/TOKEN and its village for a household of that
** village; NULL with the answer sent otherwise (404 for an unknown token
** or another village's household). */
static struct checkin *scan_target(struct req *r, struct village **v)
{
	const char *token = r->arg[0];
	struct checkin *c = NULL;
	int rc = token && strlen(token) == 32 && strspn(token, "0123456789abcdef") == 32
			 ? checkin_by_token(r->db, r->a, token, &c)
			 : 1;
	if (rc < 0) {
		http_error(r, 500, "读取签到时出错。");
		return NULL;
	}
	if (rc > 0 || (r->user && r->user->role == ROLE_HOUSEHOLD &&
		       r->user->village_id != c->village_id)) {
		http_error(r, 404, "没有这个签到。");
		return NULL;
	}
	*v = village_by_id(r->db, r->a, c->village_id);
	if (!*v) {
		http_error(r, 500, "读取签到时出错。");
		return NULL;
	}
	return c;
}

/* GET /c/TOKEN: what the scan opens on the household's phone */
static void page_scan(struct req *r)
{
	struct village *v;
	struct checkin *c = scan_target(r, &v);
	if (!c)
		return;
	html_page_begin(r, "现场签到");
	html(r, "<p class=\"lead\"><b>%s</b> · %s · %s</p>", v->name, c->item_name, c->date);
	if (c->closed_at)
		html_raw(r, "<p class=\"error\">签到已经结束。</p>");
	else if (!r->user || r->user->role != ROLE_HOUSEHOLD)
		html(r, "<p>请先<a href=\"/passbook/login?v=%s\">登录本户的积分存折</a>，"
			"再扫一次二维码签到。</p>",
		     url_encode(r->a, v->code));
	else {
		html(r, "<form method=\"post\" action=\"/c/%s\">", c->token);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\" class=\"primary\">签到</button></form>");
	}
	html_page_end(r);
}

/* POST /c/TOKEN: the household of the session checks in */
static void page_scan_post(struct req *r)
{
	struct village *v;
	struct checkin *c = scan_target(r, &v);
	if (!c)
		return;
	errlist errs = {0};
	int already = 0;
	int rc = checkin_scan(r->db, v, c, r->user->id, &errs, &already);
	if (rc < 0) {
		http_error(r, 500, "签到时出错，没有保存。");
		errlist_free(&errs);
		return;
	}
	if (rc > 0)
		r->status = 400;
	html_page_begin(r, "现场签到");
	html(r, "<p class=\"lead\"><b>%s</b> · %s · %s</p>", v->name, c->item_name, c->date);
	if (rc > 0)
		page_error_list(r, &errs, PAGE_NOT_SAVED);
	else
		html_notice(r, already ? "本户已经签到过了。" : "签到成功，积分待村两委审定后记入台账。");
	html_raw(r, "<p><a href=\"/passbook\">查看本户积分</a></p>");
	html_page_end(r);
	errlist_free(&errs);
}

const struct route checkin_routes[] = {
	{"GET", "/v/*/checkins", page_checkins, ROLES_ENTRY, 0},
	{"POST", "/v/*/checkins", page_checkin_open, ROLES_ENTRY, 0},
	{"GET", "/v/*/checkins/*", page_checkin, ROLES_ENTRY, 0},
	{"POST", "/v/*/checkins/*/close", page_checkin_close, ROLES_ENTRY, 0},
	{"GET", "/c/*", page_scan, 0, ROUTE_PUBLIC},
	{"POST", "/c/*", page_scan_post, ROLE_HOUSEHOLD, 0},
	{0},
};
