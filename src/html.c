/*
** html.c — the HTML writer: an escaping printf, the page frame every page
** shares (head, top bar, navigation by role), forms' CSRF field and notices.
*/
#include "html.h"

#include <stdio.h>
#include <string.h>

#include "pin_budget.h"
#include "auth.h"
#include "household.h"
#include "village.h"

static void escape_into(buf *b, const char *s, size_t n)
{
	const char *start = s;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, start, (size_t)(s + i - start));
		buf_puts(b, rep);
		start = s + i + 1;
	}
	buf_append(b, start, (size_t)(s + n - start));
}

char *html_escape(arena *a, const char *s)
{
	buf b = {0};
	escape_into(&b, s ? s : "", s ? strlen(s) : 0);
	char *out = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return out;
}

/* Walk fmt: %s arguments are escaped, every other conversion is formatted by
** vsnprintf from a one-conversion copy of its spec. */
static void html_vformat(buf *b, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_puts(b, p);
			return;
		}
		buf_append(b, p, (size_t)(pct - p));
		const char *q = pct + 1;
		if (*q == '%') {
			buf_append(b, "%", 1);
			p = q + 1;
			continue;
		}
		/* flags, width, precision, length */
		char spec[32];
		size_t sl = 0;
		spec[sl++] = '%';
		int prec = -1;
		while (*q && strchr("-+ #0", *q) && sl < 8)
			spec[sl++] = *q++;
		while (*q >= '0' && *q <= '9' && sl < 16)
			spec[sl++] = *q++;
		if (*q == '.') {
			spec[sl++] = *q++;
			prec = 0;
			while (*q >= '0' && *q <= '9' && sl < 24) {
				prec = prec * 10 + (*q - '0');
				spec[sl++] = *q++;
			}
		}
		int lmod = 0; /* 0 none, 1 l, 2 ll, 3 z */
		if (*q == 'l') {
			spec[sl++] = *q++;
			lmod = 1;
			if (*q == 'l') {
				spec[sl++] = *q++;
				lmod = 2;
			}
		} else if (*q == 'z') {
			spec[sl++] = *q++;
			lmod = 3;
		}
		char conv = *q;
		/* no flags, width or precision: "%d", "%lld" */
		int plain = sl == 1 + (size_t)(lmod == 3 ? 1 : lmod);
		spec[sl++] = conv;
		spec[sl] = 0;
		p = *q ? q + 1 : q;
		char tmp[64];
		switch (conv) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "";
			size_t n = strlen(s);
			if (prec >= 0 && (size_t)prec < n)
				n = (size_t)prec;
			escape_into(b, s, n);
			break;
		}
		case 'd': case 'i': case 'u': case 'x': case 'X':
			if (plain && (conv == 'd' || conv == 'i')) {
				/* the common case without snprintf (BENCHMARKS.md) */
				buf_int(b, lmod == 2   ? va_arg(ap, long long)
					   : lmod == 1 ? va_arg(ap, long)
					   : lmod == 3 ? (int64_t)va_arg(ap, size_t)
						       : va_arg(ap, int),
					0);
				break;
			}
			if (lmod == 2)
				snprintf(tmp, sizeof tmp, spec, va_arg(ap, long long));
			else if (lmod == 1)
				snprintf(tmp, sizeof tmp, spec, va_arg(ap, long));
			else if (lmod == 3)
				snprintf(tmp, sizeof tmp, spec, va_arg(ap, size_t));
			else
				snprintf(tmp, sizeof tmp, spec, va_arg(ap, int));
			buf_puts(b, tmp);
			break;
		case 'c':
			snprintf(tmp, sizeof tmp, spec, va_arg(ap, int));
			escape_into(b, tmp, strlen(tmp));
			break;
		case 'f':
			snprintf(tmp, sizeof tmp, spec, va_arg(ap, double));
			buf_puts(b, tmp);
			break;
		default:
			return; /* unknown conversion: stop rather than misread args */
		}
	}
}

void html(struct req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vformat(&r->out, fmt, ap);
	va_end(ap);
}

void html_raw(struct req *r, const char *literal)
{
	buf_puts(&r->out, literal);
}

void html_csrf(struct req *r)
{
	html(r, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	     r->user ? r->user->csrf : http_pre_csrf(r));
}

void html_notice(struct req *r, const char *msg)
{
	html(r, "<p class=\"notice\" role=\"status\">%s</p>", msg);
}

void html_error_box(struct req *r, const char *msg)
{
	html(r, "<p class=\"error\" role=\"alert\">%s</p>", msg);
}

void html_error_boxes(struct req *r, const errlist *errs)
{
	for (int i = 0; errs && i < errs->n; i++)
		html_error_box(r, errs->msg[i]);
}

/* Navigation links by role: one short row, the first one the role's home.
** Each area contributes its links (nav_tables, routes.c); they are shown
** in the order of their rank, those of the user's role only, and links
** into the user's village only to accounts of a village. */
static void nav(struct req *r)
{
	struct user *u = r->user;
	if (!u)
		return;
	html_raw(r, "<nav>");
	const char *vc = u->village_code ? url_encode(r->a, u->village_code) : NULL;
	int next = 0;
	for (;;) {
		/* the link of the lowest rank at or above next: tables are short */
		const struct nav_link *best = NULL;
		for (const struct nav_link *const *t = nav_tables; *t; t++)
			for (const struct nav_link *l = *t; l->label; l++)
				if (l->rank >= next && (!best || l->rank < best->rank))
					best = l;
		if (!best)
			break;
		next = best->rank + 1;
		if (!(best->roles & u->role))
			continue;
		if (!best->in_village)
			html(r, "<a href=\"%s\">%s</a>", best->url, best->label);
		else if (vc)
			html(r, "<a href=\"/v/%s%s\">%s</a>", vc, best->url, best->label);
	}
	html_raw(r, "</nav>");
}

/* 1 when the request asks for 长辈模式 (the large-type mode): its cookie,
** set by GET /mode (page_elder.c). */
int html_elder_mode(struct req *r)
{
	const char *m = http_cookie_value(r, ELDER_COOKIE);
	return m && !strcmp(m, "1");
}

/* "张马村 · 张三家" for a household, "login · 张马村" for village staff,
** the login alone for the town: names, never codes, in the top bar. */
static void who_line(struct req *r)
{
	struct user *u = r->user;
	struct village *v = u->village_id ? village_by_id(r->db, r->a, u->village_id) : NULL;
	const char *vname = v ? v->name : u->village_code;
	if (u->role == ROLE_HOUSEHOLD) {
		struct household *h = NULL;
		if (v && household_get(r->db, r->a, v->id, u->id, &h) == 0 && h)
			html(r, "<span class=\"who\">%s · %s家</span>", vname, h->head_name);
		else
			html(r, "<span class=\"who\">%s</span>", vname ? vname : u->login);
		return;
	}
	html(r, "<span class=\"who\">%s", u->login);
	if (vname)
		html(r, " · %s", vname);
	html_raw(r, "</span>");
}

/* This page's path with its query as the browser sent it (the parameters
** in their order, each re-encoded), so that the 长辈模式 switch comes
** back to the same year, filter or page of a list (arena). */
static const char *page_with_query(struct req *r)
{
	int n = 0;
	for (const struct param *q = r->query; q; q = q->next)
		n++;
	if (!n)
		return r->path;
	/* r->query holds the parameters last first */
	const struct param **qs = arena_alloc(r->a, (size_t)n * sizeof *qs);
	int i = n;
	for (const struct param *q = r->query; q; q = q->next)
		qs[--i] = q;
	buf b = {0};
	buf_puts(&b, r->path);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%c%s=%s", i ? '&' : '?', url_encode(r->a, qs[i]->name),
			   url_encode(r->a, qs[i]->value));
	const char *out = arena_strdup(r->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* The link that turns 长辈模式 on or off and comes back to this page
** (its query kept): a plain link, so it works without script. */
static void elder_switch(struct req *r, int elder)
{
	html(r, "<a class=\"mode\" href=\"/mode?elder=%d&amp;back=%s\">%s</a>", !elder,
	     url_encode(r->a, page_with_query(r)), elder ? "标准字号" : "长辈模式（大字）");
}

void html_page_begin(struct req *r, const char *title)
{
	int elder = html_elder_mode(r);
	r->ctype = "text/html; charset=utf-8";
	/* the share card WeChat shows for a link: title, description, image */
	html_raw(r, "<!doctype html>\n<html lang=\"zh-CN\"");
	html_raw(r, elder ? " class=\"elder\">" : ">");
	html(r,
	     "<head><meta charset=\"utf-8\">"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	     "<title>%s · 乡村治理积分</title>"
	     "<meta name=\"description\" content=\"%s乡村治理积分制：农户积分实时可查，"
	     "季度公示，积分超市兑换。\">"
	     "<meta property=\"og:title\" content=\"%s · 乡村治理积分\">"
	     "<meta property=\"og:image\" content=\"/static/share.png\">"
	     "<link rel=\"stylesheet\" href=\"/static/app.css\">"
	     "<script src=\"/static/app.js\" defer></script></head>",
	     title, town_name(r->db, r->a), title);
	/* the idle timeout, for the script's warning before it ends a session */
	struct security_policy pol = SECURITY_POLICY_DEFAULTS;
	if (r->user)
		policy_load(r->db, &pol);
	if (r->user)
		html(r, "<body data-idle=\"%d\">", pol.session_idle_minutes * 60);
	else
		html_raw(r, "<body>");
	html_raw(r, "<a class=\"skip\" href=\"#main\">跳到正文</a>"
		    "<header class=\"top\"><a class=\"brand\" href=\"/\">乡村治理积分</a>");
	if (r->user)
		who_line(r);
	elder_switch(r, elder);
	if (r->user) {
		html_raw(r, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
		html_csrf(r);
		html_raw(r, "<button type=\"submit\">退出</button></form>");
	}
	html_raw(r, "</header>");
	nav(r);
	html(r, "<main id=\"main\" tabindex=\"-1\"><h1>%s</h1>", title);
	/* the failures since the last login, on the first page after it */
	if (r->user && r->user->notice) {
		html_notice(r, r->user->notice);
		session_clear_notice(r->db, r->user);
		r->user->notice = NULL;
	}
	/* the village's PIN logins paused by its budget (pin_budget.h) */
	int64_t failures;
	int wait;
	if (r->user && r->user->role == ROLE_VILLAGE_ADMIN && r->user->village_code &&
	    (wait = pin_budget_wait(r->db, r->user->village_code, &failures)) > 0)
		html(r, "<p class=\"error\" role=\"alert\">警告：本村近一小时有 %lld 次 PIN 登录失败，可能有人在猜测"
			"农户 PIN。全村的 PIN 登录已暂停，约 %d 分钟后恢复；二维码卡不受影响。"
			"上限可在本村设置中修改（pin_failures_per_hour）。</p>",
		     (long long)failures, (wait + 59) / 60);
}

void html_read_aloud(struct req *r, const char *target_id)
{
	html(r, "<p class=\"speak-row\"><button type=\"button\" class=\"speak\" "
		"data-speak=\"%s\" hidden>朗读</button></p>",
	     target_id);
}

void html_page_end(struct req *r)
{
	html(r, "</main><footer>%s乡村治理积分制 · jifen</footer></body></html>\n",
	     town_name(r->db, r->a));
	html_table_labels(&r->out);
	r->answered = 1;
	if (!r->status)
		r->status = 200;
}
