/*
** page_cards.c — printing the household cards (积分卡) of a village in one
** go, and the address the cards carry:
**
**   GET /v/CODE/cards[?h=CODES]   every participating household's card, or
**                                 those of CODES (001 002, zhangma-003, …),
**                                 eight to an A4 sheet with cut lines, in
**                                 household-code order
**
** A batch card's QR code opens the villagers' front door with the village
** and household filled in (/passbook/login?v=…&h=…): it holds no secret,
** so printing mints no token and voids no card already handed out; the
** household still needs its PIN (or its own QR card from the card page).
** The address is the town's public URL (`jifen town-url`); unset or a
** loopback address, the pages say so above the cards.
*/
#include <string.h>

#include "auth.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "passbook.h"
#include "req.h"
#include "village.h"

enum { CARDS_PER_SHEET = 8 };

const char *page_request_origin(struct req *r)
{
	const char *host = http_request_header(r, "Host");
	if (!passbook_host_valid(host))
		return NULL;
	const char *proto = http_request_header(r, "X-Forwarded-Proto");
	return arena_printf(r->a, "%s://%s", proto && !strcmp(proto, "https") ? "https" : "http",
			    host);
}

const char *page_card_base_url(struct req *r)
{
	const char *url = town_public_url(r->db, r->a);
	const char *origin = url ? NULL : page_request_origin(r);
	return url ? url : origin ? origin : "";
}

void page_card_url_warning(struct req *r)
{
	const char *url = town_public_url(r->db, r->a);
	if (!url)
		html_raw(r, "<p class=\"error noprint\" role=\"alert\">还没有设置公开网址：卡上印的是"
			    "您这台电脑访问系统用的地址，村民的手机可能打不开。");
	else if (town_public_url_is_loopback(url))
		html(r, "<p class=\"error noprint\" role=\"alert\">公开网址 %s 是服务器本机地址，"
			"村民的手机打不开。",
		     url);
	else
		return;
	/* who can set it: the town admin, on the town's settings page */
	if (r->user && r->user->role == ROLE_TOWN_ADMIN)
		html_raw(r, "请在<a href=\"/town/settings#public-url\">镇设置</a>中填写村民能访问的网址后再打印。</p>");
	else
		html_raw(r, "请镇管理员在“镇设置”页面（或在服务器上用 <code>jifen town-url</code>）"
			    "填写村民能访问的网址后再打印。</p>");
}

/* Is household code c (of village vcode) named in the list sel ("001
** 002,zhangma-003"): any case, with or without the village's prefix? */
static int selected(const char *sel, const char *vcode, const char *c)
{
	size_t vl = strlen(vcode);
	const char *bare = !strncasecmp(c, vcode, vl) && c[vl] == '-' ? c + vl + 1 : c;
	for (const char *p = sel; *p;) {
		p += strspn(p, " ,，;\t");
		size_t n = strcspn(p, " ,，;\t");
		if (!n)
			break;
		if ((strlen(c) == n && !strncasecmp(p, c, n)) ||
		    (strlen(bare) == n && !strncasecmp(p, bare, n)))
			return 1;
		p += n;
	}
	return 0;
}

/* One card: the village, the household by name and code, the QR code of
** its front door and what to type there. */
static void batch_card(struct req *r, const struct village *v, const struct household *h,
		       const char *base)
{
	const char *url = arena_printf(r->a, "%s/passbook/login?v=%s&h=%s", base,
				       url_encode(r->a, v->code), url_encode(r->a, h->code));
	html(r, "<div class=\"pcard\"><div class=\"pcard-text\"><p><b>%s</b> 乡村治理积分卡</p>"
		"<p class=\"pcard-name\">%s家</p><p>户编号 %s</p>"
		"<p class=\"hint\">扫码，输入村委会发的 PIN，查看本户积分。<br>%s</p></div>",
	     v->name, h->head_name, h->code, base);
	page_qr_svg(r, url, 130, arena_printf(r->a, "%s家查积分二维码", h->head_name));
	html_raw(r, "</div>");
}

/* GET /v/CODE/cards[?h=CODES] */
static void page_cards(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct household *rows;
	int n;
	if (pick_households(r, v, &rows, &n)) {
		http_error(r, 500, "读取农户名册时出错。");
		return;
	}
	const char *sel = req_query(r, "h");
	if (sel && !*sel)
		sel = NULL;
	const char *base = page_card_base_url(r);
	int shown = 0;
	for (int i = 0; i < n; i++)
		shown += !sel || selected(sel, v->code, rows[i].code);
	html_page_begin(r, arena_printf(r->a, "%s · 批量打印积分卡", v->name));
	page_card_url_warning(r);
	html(r, "<form method=\"get\" class=\"inline noprint\"><label>只打印这些户（户编号，空格分开；"
		"不填打印全部）<input name=\"h\" value=\"%s\"></label>"
		"<button type=\"submit\">选定</button></form>",
	     sel ? sel : "");
	if (sel && !shown)
		html(r, "<p class=\"error\" role=\"alert\">本村参与积分制的农户中没有户编号 %s。</p>", sel);
	html(r, "<p class=\"hint noprint\">共 %d 张卡，每张 A4 纸 %d 张，沿虚线剪开；用浏览器菜单"
		"“打印”。打印不会作废已经发放的积分卡，也不会改动 PIN。</p>",
	     shown, CARDS_PER_SHEET);
	html_raw(r, "<div class=\"cardsheet\">");
	for (int i = 0; i < n; i++)
		if (!sel || selected(sel, v->code, rows[i].code))
			batch_card(r, v, &rows[i], base);
	html_raw(r, "</div>");
	html_page_end(r);
}

const struct route cards_routes[] = {
	{"GET", "/v/*/cards", page_cards, ROLES_ADMIN, 0},
	{0},
};
