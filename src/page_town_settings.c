/*
** page_town_settings.c — the town's settings on the web (镇设置), for the
** town admin, who until now had only the CLI for them:
**
**   GET  /town/settings              the page: the public URL, the town's
**                                    name, the oversight settings (read-only)
**   POST /town/settings/public-url   public_url ("" removes it)
**   POST /town/settings/name         name
**
** The public URL is the address printed on household cards and in their
** QR codes (issue 15 item 5): the card pages warn while it is unset or a
** loopback address, and now link here.  Each form saves one setting in
** its own transaction with an audit record, through the same functions as
** `jifen town-url` and `jifen town` (village.h), so both ways refuse the
** same values with the same message.  The oversight settings are shown so
** that the town sees them in one place; they keep their CLI
** (`jifen town set`, docs/oversight.md): a change of a stage date is
** checked against the other stages, which one field per form cannot show.
*/
#include <string.h>

#include "auth.h"
#include "html.h"
#include "oversight.h"
#include "page.h"
#include "req.h"
#include "village.h"

/* The page, with errs above the form they belong to (form: "url", "name"
** or NULL) and the values as typed when a post was refused. */
static void settings_page(struct req *r, const char *form, const errlist *errs,
			  const char *url_typed, const char *name_typed)
{
	const char *url = town_public_url(r->db, r->a);
	html_page_begin(r, "镇设置");
	const char *saved = req_query(r, "saved");
	if (saved && !strcmp(saved, "url"))
		html_notice(r, url ? arena_printf(r->a, "公开网址已改为 %s。新打印的积分卡和二维码使用这个网址。",
						  url)
				   : "已取消公开网址。");
	if (saved && !strcmp(saved, "name"))
		html_notice(r, "镇名已保存。");

	html_raw(r, "<h2 id=\"public-url\">公开网址</h2>");
	if (form && !strcmp(form, "url"))
		page_error_list(r, errs, "没有保存：");
	page_card_url_warning(r); /* the card pages' warning, word for word */
	html_raw(r, "<form method=\"post\" action=\"/town/settings/public-url\" class=\"narrow\">");
	html_csrf(r);
	html(r, "<label>村民访问本系统的网址<input name=\"public_url\" value=\"%s\" type=\"url\" "
		"inputmode=\"url\" maxlength=\"200\" autocapitalize=\"off\" "
		"placeholder=\"https://jifen.zhujiajiao.gov.cn\" aria-describedby=\"public-url-hint\">"
		"</label>",
	     url_typed ? url_typed : url ? url : "");
	html_raw(r, "<p class=\"hint\" id=\"public-url-hint\">以 http:// 或 https:// 开头，末尾不带 /。"
		    "印在积分卡和二维码上，村民用手机扫码打开；留空保存即取消。"
		    "已发放的积分卡不受影响（卡上的链接不会作废）。</p>"
		    "<button type=\"submit\" class=\"primary\">保存公开网址</button></form>");

	html_raw(r, "<h2 id=\"name\">镇名</h2>");
	if (form && !strcmp(form, "name"))
		page_error_list(r, errs, "没有保存：");
	html_raw(r, "<form method=\"post\" action=\"/town/settings/name\" class=\"narrow\">");
	html_csrf(r);
	html(r, "<label>镇名（显示在每一页的页脚和报表上）<input name=\"name\" value=\"%s\" "
		"maxlength=\"50\" required></label>"
		"<button type=\"submit\">保存镇名</button></form>",
	     name_typed ? name_typed : town_name(r->db, r->a));

	struct oversight_settings set;
	if (oversight_settings_load(r->db, &set) == 0) {
		html_raw(r, "<h2>督导设置</h2><table class=\"list\"><thead><tr><th>设置</th>"
			    "<th>含义</th><th>值</th></tr></thead><tbody>");
		char value[16];
		const char *key, *label;
		for (int i = 0; (key = oversight_setting_field(&set, i, value, &label)); i++)
			html(r, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td></tr>", key, label,
			     value);
		html_raw(r, "</tbody></table><p class=\"hint\">阶段日期和按时标准用命令修改："
			    "<code>jifen town set 设置 值</code>（见 docs/oversight.md）。</p>");
	}
	html_page_end(r);
}

/* GET /town/settings */
static void page_town_settings(struct req *r)
{
	settings_page(r, NULL, NULL, NULL, NULL);
}

/* Answer a save of one setting: rc 0 → 303 back with saved=what; 1 → the
** page 400 with errs at form; -1 → 500. */
static void settings_saved(struct req *r, int rc, const char *what, const errlist *errs,
			   const char *url_typed, const char *name_typed)
{
	if (rc < 0)
		http_error(r, 500, "保存设置时出错，没有保存任何内容。");
	else if (rc > 0) {
		r->status = 400;
		settings_page(r, what, errs, url_typed, name_typed);
	} else
		http_redirect(r, arena_printf(r->a, "/town/settings?saved=%s", what));
}

/* POST /town/settings/public-url: public_url; empty removes it. */
static void page_town_public_url_post(struct req *r)
{
	const char *url = req_form_trim(r, "public_url");
	struct actor who = req_actor(r);
	errlist errs = {0};
	/* the form's empty field is the CLI's "none" */
	int rc = town_public_url_set(r->db, &who, *url ? url : "none", &errs);
	settings_saved(r, rc, "url", &errs, url, NULL);
	errlist_free(&errs);
}

/* POST /town/settings/name: name. */
static void page_town_name_post(struct req *r)
{
	const char *name = req_form_trim(r, "name");
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = town_name_set(r->db, &who, name, &errs);
	settings_saved(r, rc, "name", &errs, NULL, name);
	errlist_free(&errs);
}

const struct route town_settings_routes[] = {
	{"GET", "/town/settings", page_town_settings, ROLE_TOWN_ADMIN, 0},
	{"POST", "/town/settings/public-url", page_town_public_url_post, ROLE_TOWN_ADMIN, 0},
	{"POST", "/town/settings/name", page_town_name_post, ROLE_TOWN_ADMIN, 0},
	{0},
};

const struct nav_link town_settings_nav[] = {
	{45, ROLE_TOWN_ADMIN, "镇设置", "/town/settings", 0},
	{0},
};
