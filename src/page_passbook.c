/*
** page_passbook.c — the household passbook (积分存折) pages and the village
** admin's household card:
**
**   GET/POST /passbook/login          household login: village, household code, PIN
**   GET  /passbook                    the logged-in household's own passbook
**   GET/POST /passbook/declare        declare a good deed (申报) with a photo
**   GET  /passbook/evidence/HASH      a photo of the household's own entries
**   GET  /p/TOKEN                     the same passbook read-only, by card token
**   GET  /p/TOKEN/evidence/HASH       its photos
**   GET  /v/CODE/households/ID/card   the printable card (village / town admin)
**   POST /v/CODE/households/ID/pin    new PIN, shown once on the answer
**   POST /v/CODE/households/ID/card-token         new QR token (old ones revoked)
**   POST /v/CODE/households/ID/card-token/revoke  revoke the QR token
**
** A household session never names a household in the URL: every passbook
** page reads r->user (id = household id, village_id).  The passbook is
** meant for an old phone: no script, one small page, large figures.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "announcement.h"
#include "auth.h"
#include "gzip.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "page_group.h"
#include "page_passbook.h"
#include "page_shop.h"
#include "passbook.h"
#include "redemption.h"
#include "req.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* Villages listed in a select on the login page; more: a text field. */
enum { LOGIN_SELECT_MAX = 300 };

/* A points figure with its sign: "+5", "-3", "0". */
static const char *signed_points(arena *a, int64_t p)
{
	char tmp[24];
	size_t n = int_format(tmp, p, 1);
	return arena_strndup(a, tmp, n);
}

/* ---- login ------------------------------------------------------------------- */

/* The villagers' front door (GET /, GET /passbook/login): the village by
** its name, the household by its head's name or the code on its card, and
** the PIN; what a villager may read without logging in; the staff login
** last.  error: the box on top (NULL: none). */
void page_passbook_login_form(struct req *r, const char *village, const char *hcode,
			      const char *error)
{
	int n = 0;
	struct village *vs = village_list(r->db, r->a, &n);
	html_page_begin(r, "农户查积分");
	if (error)
		html_error_box(r, error);
	html_raw(r, "<form method=\"post\" action=\"/passbook/login\" class=\"narrow\">");
	html_csrf(r);
	if (n > 0 && n <= LOGIN_SELECT_MAX) {
		html_raw(r, "<label>村<select name=\"village\" required>");
		if (!village || !*village)
			html_raw(r, "<option value=\"\">请选择本村</option>");
		for (int i = 0; i < n; i++)
			html(r, "<option value=\"%s\"%s>%s</option>", vs[i].code,
			     village && (!strcmp(village, vs[i].code) || !strcmp(village, vs[i].name))
				     ? " selected"
				     : "",
			     vs[i].name);
		html_raw(r, "</select></label>");
	} else
		html(r, "<label>村名<input name=\"village\" value=\"%s\" required "
			"autocapitalize=\"off\"></label>",
		     village ? village : "");
	html(r, "<label>户主姓名（或积分卡上的户编号）<input name=\"household\" value=\"%s\" "
		"required autocapitalize=\"off\" autocomplete=\"username\"></label>",
	     hcode ? hcode : "");
	html_raw(r, "<label>PIN（6 位数字）<input name=\"pin\" type=\"password\" "
		    "inputmode=\"numeric\" autocomplete=\"current-password\" maxlength=\"6\" "
		    "required></label>"
		    "<button type=\"submit\" class=\"primary\">查看积分</button></form>"
		    "<p class=\"hint\">PIN 由村委会发放；忘记了请找村委会重设。"
		    "也可以扫描积分卡上的二维码查看。</p>");
	if (n > 0 && n <= LOGIN_SELECT_MAX) {
		html_raw(r, "<h2>不用登录也能看</h2><ul class=\"plain\">");
		for (int i = 0; i < n; i++) {
			const char *vc = url_encode(r->a, vs[i].code);
			html(r, "<li>%s：<a href=\"/v/%s/standard\">积分标准</a> · "
				"<a href=\"/v/%s/announcements\">季度公示</a> · "
				"<a href=\"/v/%s/catalog\">积分超市</a></li>",
			     vs[i].name, vc, vc, vc);
		}
		html_raw(r, "</ul>");
	}
	html_raw(r, "<p><a href=\"/login\">村、镇工作人员登录</a></p>");
	html_page_end(r);
}

/* GET /passbook/login[?v=VILLAGE&h=HOUSEHOLD] */
static void page_login(struct req *r)
{
	if (r->user && r->user->role == ROLE_HOUSEHOLD) {
		http_redirect(r, "/passbook");
		return;
	}
	page_passbook_login_form(r, req_query(r, "v"), req_query(r, "h"), NULL);
}

/* POST /passbook/login: village, household, pin. */
static void page_login_post(struct req *r)
{
	const char *village = req_form_trim(r, "village"), *hcode = req_form_trim(r, "household");
	const char *pin = req_form_trim(r, "pin");
	int64_t id = 0;
	char token[65];
	const char *who = text_is_clean(village, 0) && text_is_clean(hcode, 0)
				  ? arena_printf(r->a, "%s/%s", utf8_prefix(r->a, village, 32),
						 utf8_prefix(r->a, hcode, 32))
				  : "(无效字符)";
	const char *object = arena_printf(r->a, "household:%s", who);
	struct login_from from = {r->ip, r->ip_key};
	struct login_report rep;
	enum login_result res = auth_login_household(r->db, village, hcode, pin, &from, &id, &rep);
	switch (res) {
	case LOGIN_OK:
		http_security_event(r, "security.household_login", object, 0, who);
		if (session_create(r->db, 0, id, r->ip, token)) {
			http_error(r, 500, "无法创建会话，请稍后再试。");
			return;
		}
		http_cookie(r, SESSION_COOKIE, token, 0);
		http_redirect(r, "/passbook");
		return;
	case LOGIN_THROTTLED:
	case LOGIN_LOCKED:
	case LOGIN_DELAYED:
		http_security_event(r, "security.household_login_locked", object, 0, who);
		r->status = 429;
		http_header(r, "Retry-After", arena_printf(r->a, "%d", rep.retry_after));
		page_passbook_login_form(r, village, hcode,
			   arena_printf(r->a, "%s，请 %d 分钟后再试。",
					rep.village_paused
						? "本村近一小时 PIN 登录失败的次数过多，已暂停全村的 PIN "
						  "登录（扫二维码卡仍可查看存折）"
					: res == LOGIN_THROTTLED ? "这个地址登录失败的次数过多，已暂停登录"
								 : "PIN 输错次数过多，已暂时锁定",
					(rep.retry_after + 59) / 60));
		return;
	case LOGIN_BAD:
		http_security_event(r, "security.household_login_failed", object, 0, who);
		r->status = 401;
		page_passbook_login_form(r, village, hcode,
					 "没有找到这一户，或 PIN 不对。请核对村名、户主姓名（或积分卡上的"
					 "户编号，写 001 或 zhangma-001 都可以）和 6 位 PIN。");
		return;
	case LOGIN_ERROR:
		http_error(r, 500, "登录时出错，请稍后再试。");
		return;
	}
}

/* ---- the passbook view -------------------------------------------------------- */

/* One ledger entry as a table row.  base: "/passbook" or "/p/TOKEN". */
static void entry_row(struct req *r, const struct passbook *pb, int i, const char *base)
{
	const struct ledger_entry *e = &pb->entries[i];
	html(r, "<tr id=\"e%lld\"><td>%s", (long long)e->id, e->date);
	if (strncmp(e->date, e->month, 7))
		html(r, "<br><span class=\"hint\">计入 %s</span>", e->month);
	html_raw(r, "</td><td>");
	/* a score entry is the common case: only the others are tagged */
	if (e->kind != LEDGER_SCORE)
		html(r, "<span class=\"tag mute\">%s</span> ", ledger_kind_label(e->kind));
	html(r, "%s", e->item_name && *e->item_name ? e->item_name : e->item_code);
	if (e->quantity > 0)
		html(r, " ×%lld", (long long)e->quantity);
	if (e->kind == LEDGER_CORRECTION) {
		const struct ledger_entry *o = pb->corrects[i];
		int here = 0;
		for (int j = 0; o && j < pb->n; j++)
			here |= &pb->entries[j] == o;
		html_raw(r, "<br><span class=\"hint\">更正");
		if (o && here)
			html(r, " <a href=\"#e%lld\">%s 的记录（原 %s 分）</a>", (long long)o->id,
			     o->date, signed_points(r->a, o->points));
		else if (o)
			html(r, " %s 的记录（原 %s 分）", o->date, signed_points(r->a, o->points));
		html(r, "：%s</span>", e->reason);
	} else if (e->corrected)
		html(r, "<br><span class=\"hint\">已更正 %s 分</span>",
		     signed_points(r->a, e->corrected));
	else if (e->reason && *e->reason) /* year end, a redemption's reversal */
		html(r, "<br><span class=\"hint\">%s</span>", e->reason);
	if (e->note && *e->note)
		html(r, "<br><span class=\"hint\">%s</span>", e->note);
	if (e->photo && *e->photo)
		html(r, " <a href=\"%s/evidence/%s\">照片</a>", base, e->photo);
	html(r, "</td><td class=\"num %s\"><b>%s</b></td><td>", e->points < 0 ? "neg" : "pos",
	     signed_points(r->a, e->points));
	if (pb->approval[i])
		html(r, "<a href=\"#m%lld\">%s 会议</a>", (long long)pb->approval[i]->id,
		     pb->approval[i]->meeting_date);
	html_raw(r, "</td></tr>");
}

/* The household's declarations with status and decline reasons. */
static void declarations(struct req *r, const struct passbook *pb, const char *base,
			 int readonly)
{
	html_raw(r, "<h2>积分申报</h2>");
	if (!readonly)
		html_raw(r, "<p><a href=\"/passbook/declare\">申报好人好事</a></p>");
	if (!pb->ndecls) {
		html_raw(r, "<p class=\"hint\">还没有申报。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>日期</th><th>说明</th><th>状态</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < pb->ndecls; i++) {
		const struct declaration *dc = &pb->decls[i];
		html(r, "<tr><td>%s</td><td>%s", dc->date, dc->note);
		if (dc->photo && *dc->photo)
			html(r, " <a href=\"%s/evidence/%s\">照片</a>", base, dc->photo);
		html(r, "</td><td><span class=\"tag %s\">%s</span>",
		     dc->status == DECL_ACCEPTED ? "ok" : dc->status == DECL_DECLINED ? "no" : "mute",
		     declaration_status_label(dc->status));
		if (dc->status == DECL_DECLINED && dc->decline_reason)
			html(r, "<br>原因：%s", dc->decline_reason);
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
	if (pb->decls_total > pb->ndecls)
		html(r, "<p class=\"hint\">只列出最近 %d 条申报。</p>", pb->ndecls);
}

/* The body of the passbook (inside an open page): figures, entries with
** paging, the meetings that approved them, declarations.  base is the
** URL the page lives at ("/passbook" or "/p/TOKEN"). */
/* The household's receipt of its newest announcement as a QR code with
** the text under it (docs/transparency.md), or nothing before the first. */
static void receipt_qr(struct req *r, const struct village *v, const struct household *h)
{
	struct announcement *ann;
	char *text;
	if (announcement_latest_receipt(r->db, r->a, v, h->code, &ann, &text))
		return;
	html(r, "<section class=\"receipt\"><h2>%s 公示回执</h2>", ann->quarter);
	page_qr_png(r, text, 280, "公示回执二维码");
	html(r, "<p class=\"hint\">公示期至 %s。扫码或复制下面的回执，用镇里公布的公钥核对："
		"能证明这一行就是村里公示、镇里签名的那一行。</p><details><summary>回执原文</summary>"
		"<pre>%s</pre></details></section>",
	     ann->objection_until, text);
}

static void passbook_body(struct req *r, const struct passbook *pb, const char *base,
			  int readonly)
{
	const struct household *h = pb->household;
	const char *vc = url_encode(r->a, pb->village->code);
	html(r, "<p class=\"lead\"><b>%s · %s家</b> <span class=\"hint\">户编号 %s</span></p>",
	     pb->village->name, h->head_name, h->code);
	html_read_aloud(r, "main");
	html(r, "<section class=\"cards\" id=\"passbook-figures\"><div class=\"card\">"
		"<div class=\"big\">%lld</div>积分余额</div>",
	     (long long)pb->sum.balance);
	html(r, "<div class=\"card\"><div class=\"big\">%s</div>%d 年得分</div>",
	     signed_points(r->a, pb->sum.year_points), pb->year);
	html(r, "<div class=\"card\"><div class=\"big\">%s</div>第 %d 季度得分</div></section>",
	     signed_points(r->a, pb->sum.quarter_points), pb->quarter);
	if (pb->sum.veto)
		html(r, "<p class=\"error\" role=\"alert\">一票否决：%d 年度不参加评优和兑换。</p>",
		     pb->year);
	html(r, "<p class=\"hint\">截至 %s。余额等于下面全部积分记录的合计。</p>", pb->today);
	html(r, "<ul class=\"actions\"><li><a href=\"/v/%s/standard\">本村积分标准</a></li>"
		"<li><a href=\"/v/%s/announcements\">季度公示</a></li>"
		"<li><a href=\"/v/%s/catalog\">积分超市</a></li></ul>",
	     vc, vc, vc);
	receipt_qr(r, pb->village, h);

	html(r, "<h2>积分记录（共 %lld 条）</h2>", (long long)pb->total);
	if (!pb->n)
		html_raw(r, "<p class=\"hint\">还没有审定的积分记录。</p>");
	else {
		html_raw(r, "<table class=\"list wide\"><thead><tr><th>日期</th><th>项目</th>"
			    "<th class=\"num\">分数</th><th>审定</th></tr></thead><tbody>");
		for (int i = 0; i < pb->n; i++)
			entry_row(r, pb, i, base);
		html_raw(r, "</tbody></table>");
	}
	if (pb->pages > 1) {
		html(r, "<p class=\"tabs\">");
		if (pb->page > 1)
			html(r, "<a href=\"%s?page=%d\">上一页</a>", base, pb->page - 1);
		html(r, "<span>第 %d / %d 页</span>", pb->page, pb->pages);
		if (pb->page < pb->pages)
			html(r, "<a href=\"%s?page=%d\">下一页</a>", base, pb->page + 1);
		html_raw(r, "</p>");
	}
	if (pb->nmeetings) {
		html_raw(r, "<h2>审定会议</h2>");
		for (int i = 0; i < pb->nmeetings; i++) {
			const struct approval *ap = pb->meetings[i];
			html(r, "<p id=\"m%lld\"><b>%s</b> 村两委会议集体审定 %s 积分：%s</p>",
			     (long long)ap->id, ap->meeting_date, ap->month, ap->resolution);
		}
	}
	declarations(r, pb, base, readonly);
	shop_passbook_section(r, pb->village, h->id, readonly);
}

/* Load the passbook of household_id of village_id for this request's page,
** answering 404/500 itself when that fails.  Returns 0 or -1. */
static int load_or_reply(struct req *r, int64_t village_id, int64_t household_id,
			 struct passbook *pb)
{
	int rc = passbook_load(r->db, r->a, village_id, household_id, (int)req_query_int(r, "page", 1, 1, 1000000),
			       PASSBOOK_PER_PAGE, pb);
	if (rc > 0)
		http_error(r, 404, "找不到这一户的积分存折。");
	else if (rc < 0)
		http_error(r, 500, "读取积分存折时出错，请稍后再试。");
	return rc ? -1 : 0;
}

/* 1 when the request is a household's; otherwise answers (anonymous: to
** the household login; staff: 403) and returns 0. */
static int household_or_reply(struct req *r)
{
	if (r->user && r->user->role == ROLE_HOUSEHOLD)
		return 1;
	if (!r->user)
		http_redirect(r, "/passbook/login");
	else
		http_error(r, 403, "积分存折只对农户开放；工作人员请在农户名册中查看。");
	return 0;
}

/* GET /passbook[?page=N]: the household's own passbook.  Public route so
** that an anonymous visitor lands on the household login, not the staff
** one. */
static void page_passbook(struct req *r)
{
	struct passbook pb;
	if (!household_or_reply(r) || load_or_reply(r, r->user->village_id, r->user->id, &pb))
		return;
	html_page_begin(r, "我的积分存折");
	if (req_query(r, "declared"))
		html_notice(r, "申报已提交，村评分小组审核后会在这里显示结果。");
	if (req_query(r, "objected"))
		html_notice(r, "异议已提交，村两委会在答复期限内答复，结果显示在下面。");
	consultation_passbook_notice(r, r->user->village_id);
	passbook_body(r, &pb, "/passbook", 0);
	page_objection_passbook(r, r->user->village_id, r->user->id);
	html_page_end(r);
}

/* A read-only page frame for /p/TOKEN: like html_page_begin without the
** user bar and script, and with noindex (the URL is a secret). */
/* back: the page's own path for the 长辈模式 link, as it stands in a query
** (the card's path is hex and '/'; a stored page holds PASSBOOK_STORE_BASE
** there, replaced when sent, so it must not be escaped). */
static void readonly_begin(struct req *r, const char *title, const char *back)
{
	r->ctype = "text/html; charset=utf-8";
	http_header(r, "X-Robots-Tag", "noindex, nofollow");
	int elder = html_elder_mode(r);
	html_raw(r, "<!doctype html>\n<html lang=\"zh-CN\"");
	html_raw(r, elder ? " class=\"elder\">" : ">");
	html(r,
	     "<head><meta charset=\"utf-8\">"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	     "<meta name=\"robots\" content=\"noindex, nofollow\">"
	     "<title>%s · 乡村治理积分</title>"
	     "<link rel=\"stylesheet\" href=\"/static/app.css\">"
	     "<script src=\"/static/app.js\" defer></script></head><body>"
	     "<a class=\"skip\" href=\"#main\">跳到正文</a>"
	     "<header class=\"top\"><span class=\"brand\">乡村治理积分</span>"
	     "<a class=\"mode\" href=\"/mode?elder=%d&amp;back=%s\">%s</a></header>"
	     "<main id=\"main\" tabindex=\"-1\"><h1>%s</h1>",
	     title, !elder, back,
	     elder ? "标准字号" : "长辈模式（大字）", title);
}

/* The household a card token opens, or answers 404 (500) and returns -1. */
static int token_or_404(struct req *r, int64_t *village_id, int64_t *household_id)
{
	int rc = passbook_token_resolve(r->db, r->arg[0], village_id, household_id);
	if (rc > 0)
		http_error(r, 404, "这张积分卡无效或已作废，请找村委会重新领取。");
	else if (rc < 0)
		http_error(r, 500, "读取积分存折时出错，请稍后再试。");
	return rc ? -1 : 0;
}

/* The whole read-only page of pb at base: what /p/TOKEN answers and what
** passbook_store.c stores (base PASSBOOK_STORE_BASE). */
static void token_page(struct req *r, const struct passbook *pb, const char *base)
{
	/* the 长辈模式 switch comes back to this page of the entries; the
	** first page's is the card's bare path, so that ?page=1 is the stored
	** page byte for byte */
	readonly_begin(r, "积分存折",
		       pb->page > 1 ? url_encode(r->a, arena_printf(r->a, "%s?page=%d", base, pb->page))
				    : base);
	passbook_body(r, pb, base, 1);
	html_page_end(r);
}

int passbook_render(db *d, arena *a, int64_t village_id, int64_t household_id,
		    struct passbook_rendered *out)
{
	static const char base[] = {PASSBOOK_STORE_BASE, 0};
	struct req r = {.a = a, .db = d, .method = "GET", .path = "", .ip = "", .ip_key = ""};
	struct passbook pb;
	int rc = passbook_load(d, a, village_id, household_id, 1, PASSBOOK_PER_PAGE, &pb);
	if (rc)
		return rc;
	memcpy(out->as_of, pb.today, sizeof out->as_of);
	/* What of the page depends on the date: the day it is "截至" (and the
	** JSON's as_of), put in when sent (PASSBOOK_STORE_TODAY); the year and
	** quarter whose points it shows (and the veto's year), which hold
	** until the next quarter; a live reservation's 已过期 in the shop
	** section, from its expiry.  Nothing else: entries, meetings,
	** declarations and the receipt change only by writes, which render
	** again. */
	pb.today[0] = PASSBOOK_STORE_TODAY;
	pb.today[1] = 0;
	token_page(&r, &pb, base);
	out->html = r.out;
	memset(&r.out, 0, sizeof r.out);
	passbook_json(&r, &pb);
	out->json = r.out;
	/* the JSON writer escapes the byte: make it the byte again */
	static const char esc[] = "\"as_of\":\"\\u0002\"";
	char *at = out->json.p ? strstr(out->json.p, esc) : NULL;
	if (at) {
		size_t off = (size_t)(at - out->json.p) + 9, tail = out->json.len - off - 6;
		out->json.p[off] = PASSBOOK_STORE_TODAY;
		memmove(out->json.p + off + 1, out->json.p + off + 6, tail);
		out->json.len -= 5;
		out->json.p[out->json.len] = 0;
	}
	struct redemption *list;
	int n;
	if (redemption_list(d, a, village_id, household_id, NULL, 10, &list, &n))
		return -1;
	out->valid_until = date_next_quarter_start(out->as_of);
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i].status, "reserved") && list[i].expires_at < out->valid_until)
			out->valid_until = list[i].expires_at;
	return db_failed(d) ? -1 : 0;
}

/* 1 when If-None-Match names etag (or is "*"). */
static int etag_matches(struct req *r, const char *etag)
{
	const char *inm = http_request_header(r, "If-None-Match");
	return inm && (strstr(inm, etag) || !strcmp(inm, "*"));
}

/* The headers of a passbook answer: revalidated each time (no-cache), in
** the browser only (private); the page's type size follows the 长辈模式
** cookie, so a cache must not answer one mode with the other's copy (the
** ETags differ too: the bytes do); a stored answer's coding follows
** Accept-Encoding (vary_coding). */
static void passbook_headers(struct req *r, const char *etag, int vary_coding)
{
	http_header(r, "ETag", etag);
	http_header(r, "Cache-Control", "private, no-cache");
	http_header(r, "Vary", vary_coding ? "Cookie, Accept-Encoding" : "Cookie");
}

/* Answer 304 for a stored answer's etag (the request's If-None-Match
** named it). */
static void not_modified(struct req *r, const char *etag, int token)
{
	r->out.len = 0;
	passbook_headers(r, etag, 1);
	if (token)
		http_header(r, "X-Robots-Tag", "noindex, nofollow");
	r->status = 304;
	r->answered = 1;
}

void passbook_answer_stored(struct req *r, const char *token, int json)
{
	struct passbook_stored st;
	/* a phone takes gzip: the stored bytes go as they are (gzip.h) */
	struct passbook_want w = {json, gzip_accepted(http_request_header(r, "Accept-Encoding")),
				  token ? arena_printf(r->a, "/p/%s", token) : NULL};
	int cond = http_request_header(r, "If-None-Match") != NULL;
	/* a revalidation reads the ETag only; the body when it changed */
	buf *into = cond ? NULL : &r->out;
	int rc = token ? passbook_store_by_token(r->db, token, &w, into, &st)
		       : passbook_store_by_household(r->db, r->user->village_id, r->user->id, &w,
						     into, &st);
	if (rc == 0 && cond) {
		if (etag_matches(r, st.etag)) {
			not_modified(r, st.etag, token != NULL);
			return;
		}
		rc = token ? passbook_store_by_token(r->db, token, &w, &r->out, &st)
			   : passbook_store_by_household(r->db, r->user->village_id, r->user->id,
							 &w, &r->out, &st);
	}
	if (rc == 2) {
		/* no row to serve yet (a write's pages render after its commit):
		** rendered now as the store renders it, so that its ETag is the
		** one the row will carry */
		r->out.len = 0;
		rc = passbook_store_render_answer(r->db, st.village_id, st.household_id, &w,
						  &r->out, &st);
		if (rc == 0 && cond && etag_matches(r, st.etag)) {
			not_modified(r, st.etag, token != NULL);
			return;
		}
	}
	if (rc == 1) {
		http_error(r, 404, json ? "这张积分卡无效或已作废。"
					: "这张积分卡无效或已作废，请找村委会重新领取。");
		return;
	}
	if (rc < 0) {
		http_error(r, 500, "读取积分存折时出错，请稍后再试。");
		return;
	}
	passbook_headers(r, st.etag, 1);
	if (w.gz)
		http_header(r, "Content-Encoding", "gzip");
	if (token)
		http_header(r, "X-Robots-Tag", "noindex, nofollow");
	r->ctype = json ? "application/json; charset=utf-8" : "text/html; charset=utf-8";
	r->status = 200;
	r->answered = 1;
}

void passbook_conditional(struct req *r)
{
	if (r->status != 200)
		return;
	char etag[40];
	passbook_store_etag(r->out.p ? r->out.p : "", r->out.len, etag);
	passbook_headers(r, etag, 0);
	if (etag_matches(r, etag)) {
		r->status = 304;
		r->out.len = 0;
	}
}

/* GET /p/TOKEN[?page=N]: the passbook read-only, without login; the first
** page as the passbook store holds it (normal type size: 长辈模式 renders
** its own). */
static void page_token(struct req *r)
{
	int64_t vid, hid;
	struct passbook pb;
	if (!req_query(r, "page") && !html_elder_mode(r)) {
		passbook_answer_stored(r, r->arg[0], 0);
		return;
	}
	if (token_or_404(r, &vid, &hid) || load_or_reply(r, vid, hid, &pb))
		return;
	token_page(r, &pb, arena_printf(r->a, "/p/%s", r->arg[0]));
	passbook_conditional(r);
}

/* Send photo hash of village_id if the household may see it, else 404. */
static void send_evidence(struct req *r, int64_t village_id, int64_t household_id,
			  const char *hash)
{
	const char *mime;
	const unsigned char *data;
	size_t len;
	int allowed = passbook_evidence_allowed(r->db, village_id, household_id, hash);
	int rc = allowed < 0 ? -1 : !allowed ? 1
			  : evidence_get(r->db, r->a, village_id, hash, &mime, &data, &len);
	if (rc > 0) {
		http_error(r, 404, "找不到这张照片。");
		return;
	}
	if (rc < 0) {
		http_error(r, 500, "读取照片时出错。");
		return;
	}
	http_header(r, "Cache-Control", "private, max-age=86400");
	http_send(r, 200, mime, data, len);
}

/* GET /passbook/evidence/HASH */
static void page_evidence(struct req *r)
{
	send_evidence(r, r->user->village_id, r->user->id, r->arg[0]);
}

/* GET /p/TOKEN/evidence/HASH */
static void page_token_evidence(struct req *r)
{
	int64_t vid, hid;
	if (token_or_404(r, &vid, &hid) == 0)
		send_evidence(r, vid, hid, r->arg[1]);
}

/* ---- declaring a good deed ------------------------------------------------------ */

static void declare_form(struct req *r, const errlist *errs)
{
	char today[11];
	date_today(today);
	html_page_begin(r, "申报好人好事");
	html_error_boxes(r, errs);
	html_raw(r, "<form method=\"post\" action=\"/passbook/declare\" "
		    "enctype=\"multipart/form-data\" class=\"narrow\">");
	html_csrf(r);
	const char *date = req_form(r, "date");
	html(r, "<label>日期<input name=\"date\" type=\"date\" value=\"%s\" max=\"%s\" "
		"required></label>",
	     date ? date : today, today);
	struct std_version *ver = NULL;
	if (standard_in_force(r->db, r->a, r->user->village_id, today, 1, &ver) == 0 && ver) {
		const char *sel = req_form(r, "item");
		html_raw(r, "<label>对应的积分项目（可不选）<select name=\"item\">"
			    "<option value=\"\">不清楚</option>");
		for (int i = 0; i < ver->nitems; i++)
			if (ver->items[i].points > 0)
				html(r, "<option value=\"%s\"%s>%s（+%lld）</option>",
				     ver->items[i].code,
				     sel && !strcmp(sel, ver->items[i].code) ? " selected" : "",
				     ver->items[i].name, (long long)ver->items[i].points);
		html_raw(r, "</select></label>");
	}
	const char *note = req_form(r, "note");
	html(r, "<label>做了什么<textarea name=\"note\" rows=\"4\" maxlength=\"500\" "
		"required>%s</textarea></label>",
	     note ? note : "");
	html_raw(r, "<label>照片（可选，JPEG 或 PNG，不超过 5 MB）"
		    "<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png\"></label>"
		    "<button type=\"submit\" class=\"primary\">提交申报</button></form>"
		    "<p><a href=\"/passbook\">返回我的积分</a></p>");
	html_page_end(r);
}

/* GET /passbook/declare */
static void page_declare(struct req *r)
{
	declare_form(r, NULL);
}

/* POST /passbook/declare (multipart): date, item, note, photo. */
static void page_declare_post(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	struct household *h = NULL;
	if (!v || household_get(r->db, r->a, v->id, r->user->id, &h)) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	const struct param *photo = req_file(r, "photo");
	struct actor who = {0, arena_printf(r->a, "household:%s", h->code), r->ip};
	errlist errs = {0};
	int64_t id = 0;
	int rc = passbook_declare(r->db, &who, v, h, req_form_trim(r, "item"),
				  req_form_trim(r, "date"), req_form_trim(r, "note"),
				  photo ? photo->value : NULL, photo ? photo->len : 0, &errs, &id);
	if (rc < 0)
		http_error(r, 500, "提交申报时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		declare_form(r, &errs);
	} else
		http_redirect(r, "/passbook?declared=1");
	errlist_free(&errs);
}

/* ---- the household card (village admin) ------------------------------------------ */

/* The village of arg[0] and household of arg[1] (its id), or answers 404
** and returns -1. */
static int card_target(struct req *r, struct village **v, struct household **h)
{
	int64_t id;
	*v = req_village_or_404(r, r->arg[0]);
	if (!*v)
		return -1;
	int rc = parse_int64(r->arg[1], &id) || id <= 0 ? 1 : household_get(r->db, r->a, (*v)->id, id, h);
	if (rc > 0)
		http_error(r, 404, "本村没有这一户。");
	else if (rc < 0)
		http_error(r, 500, "读取农户信息时出错。");
	return rc ? -1 : 0;
}

/* The card page: the printable card (with the PIN and/or the QR code when
** they were just made: pin, token not NULL), the household's access state
** and the admin's forms.  notice, errs: lines on top (NULL: none). */
static void card_page(struct req *r, const struct village *v, const struct household *h,
		      const char *pin, const char *token, const char *notice,
		      const errlist *errs)
{
	const char *vc = url_encode(r->a, v->code);
	const char *hurl = arena_printf(r->a, "/v/%s/households/%lld", vc, (long long)h->id);
	const char *origin = page_card_base_url(r);
	struct passbook_access acc;
	if (passbook_access_get(r->db, v->id, h->id, &acc)) {
		http_error(r, 500, "读取积分卡信息时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "农户积分卡 · %s", h->code));
	html(r, "<p class=\"noprint\"><a href=\"%s\">返回农户信息</a> · "
		"<a href=\"/v/%s/cards\">批量打印本村积分卡</a></p>",
	     hurl, vc);
	page_card_url_warning(r);
	if (notice)
		html_notice(r, notice);
	html_error_boxes(r, errs);

	html_raw(r, "<section class=\"card\">");
	html(r, "<p><b>%s</b> 乡村治理积分卡</p>", v->name);
	html(r, "<div class=\"big\">%s</div><p>户主：%s</p>", h->code, h->head_name);
	if (token) {
		const char *url = arena_printf(r->a, "%s/p/%s", origin, token);
		page_qr_svg(r, url, 240, "积分存折二维码");
		html(r, "<p>微信或手机相机扫码，查看本户积分</p><p class=\"hint\">%s</p>", url);
	}
	receipt_qr(r, v, h);
	if (pin) {
		html(r, "<p>登录 PIN</p><div class=\"big\">%s</div>", pin);
		html(r, "<p class=\"hint\">登录网址 %s · %s · 户主 %s（或户编号 %s）</p>",
		     origin, v->name, h->head_name, h->code);
	}
	html_raw(r, "</section>");
	if (pin || token)
		html_raw(r, "<p class=\"hint noprint\">请现在打印或抄下本卡（浏览器菜单“打印”）："
			    "PIN 和二维码只显示这一次，系统不保存原文。</p>");

	html_raw(r, "<h2 class=\"noprint\">状态</h2><ul class=\"noprint\">");
	if (acc.pin_set_at)
		html(r, "<li>PIN 设置于 %s</li>", time_format(r->a, acc.pin_set_at, NULL));
	else
		html_raw(r, "<li>尚未设置 PIN，农户不能登录。</li>");
	if (acc.live_tokens)
		html(r, "<li>二维码积分卡有效，发放于 %s</li>", time_format(r->a, acc.token_created_at, NULL));
	else
		html_raw(r, "<li>没有有效的二维码积分卡。</li>");
	html_raw(r, "</ul>");
	if (h->left_on) {
		html_raw(r, "<p class=\"hint\">这一户已退出积分制，不能再发放 PIN 或积分卡。</p>");
	} else {
		html(r, "<form method=\"post\" action=\"%s/pin\" data-confirm=\"重设后旧 PIN 立即失效，"
			"确定吗？\">",
		     hurl);
		html_csrf(r);
		html(r, "<button type=\"submit\">%s</button></form>",
		     acc.pin_set_at ? "重设 PIN" : "设置 PIN");
		html(r, "<form method=\"post\" action=\"%s/card-token\" class=\"inline\">", hurl);
		html_csrf(r);
		html_raw(r, "<label class=\"check\"><input type=\"checkbox\" name=\"pin\" value=\"1\">"
			    "同时重设 PIN</label><button type=\"submit\">生成新二维码卡</button></form>");
		html_raw(r, "<p class=\"hint\">生成新卡后，旧卡的二维码立即作废。二维码只在生成时显示，"
			    "补打请生成新卡。</p>");
	}
	if (acc.live_tokens) {
		html(r, "<form method=\"post\" action=\"%s/card-token/revoke\" "
			"data-confirm=\"作废后这张卡的二维码不能再查看积分，确定吗？\">",
		     hurl);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\">作废二维码卡</button></form>");
	}
	html_page_end(r);
}

/* GET /v/CODE/households/ID/card */
static void page_card(struct req *r)
{
	struct village *v;
	struct household *h;
	if (card_target(r, &v, &h))
		return;
	card_page(r, v, h, NULL, NULL, req_query(r, "revoked") ? "二维码积分卡已作废。" : NULL,
		  NULL);
}

/* Answer a rejected or failed card action: 400 with the card page and the
** messages, or 500. */
static void card_failed(struct req *r, const struct village *v, const struct household *h,
			int rc, const errlist *errs)
{
	if (rc < 0) {
		http_error(r, 500, "操作时出错，请稍后再试。");
		return;
	}
	r->status = 400;
	card_page(r, v, h, NULL, NULL, NULL, errs);
}

/* POST /v/CODE/households/ID/pin: a new PIN, shown once in this answer
** (never through a redirect: it must not appear in a URL). */
static void page_pin_post(struct req *r)
{
	struct village *v;
	struct household *h;
	if (card_target(r, &v, &h))
		return;
	struct actor who = req_actor(r);
	char pin[PASSBOOK_PIN_DIGITS + 1];
	errlist errs = {0};
	int rc = passbook_pin_reset(r->db, &who, v, h->id, pin, &errs);
	if (rc)
		card_failed(r, v, h, rc, &errs);
	else
		card_page(r, v, h, pin, NULL, "已设置新 PIN，旧 PIN 已失效。", NULL);
	errlist_free(&errs);
}

/* POST /v/CODE/households/ID/card-token[, pin=1]: a new card token (older
** ones revoked), and a new PIN too when asked; the card with the QR code
** is this answer. */
static void page_token_post(struct req *r)
{
	struct village *v;
	struct household *h;
	if (card_target(r, &v, &h))
		return;
	struct actor who = req_actor(r);
	char token[2 * PASSBOOK_TOKEN_BYTES + 1], pin[PASSBOOK_PIN_DIGITS + 1];
	errlist errs = {0};
	int with_pin = req_form(r, "pin") != NULL;
	if (!*page_card_base_url(r)) {
		errlist_add(&errs, "请求的主机名（Host）无效，无法生成二维码网址。");
		card_failed(r, v, h, 1, &errs);
		errlist_free(&errs);
		return;
	}
	int rc = passbook_token_issue(r->db, &who, v, h->id, token, with_pin ? pin : NULL, &errs);
	if (rc)
		card_failed(r, v, h, rc, &errs);
	else
		card_page(r, v, h, with_pin ? pin : NULL, token,
			  with_pin ? "已生成新二维码卡并重设 PIN，旧卡和旧 PIN 已失效。"
				   : "已生成新二维码卡，旧卡已作废。",
			  NULL);
	errlist_free(&errs);
}

/* POST /v/CODE/households/ID/card-token/revoke */
static void page_token_revoke_post(struct req *r)
{
	struct village *v;
	struct household *h;
	if (card_target(r, &v, &h))
		return;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = passbook_token_revoke(r->db, &who, v, h->id, NULL, &errs);
	if (rc)
		card_failed(r, v, h, rc, &errs);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/households/%lld/card?revoked=1",
					      url_encode(r->a, v->code), (long long)h->id));
	errlist_free(&errs);
}

const struct route passbook_routes[] = {
	{"GET", "/passbook/login", page_login, 0, ROUTE_PUBLIC},
	{"POST", "/passbook/login", page_login_post, 0, ROUTE_PUBLIC},
	{"GET", "/passbook", page_passbook, 0, ROUTE_PUBLIC},
	{"GET", "/passbook/declare", page_declare, ROLE_HOUSEHOLD, 0},
	{"POST", "/passbook/declare", page_declare_post, ROLE_HOUSEHOLD, ROUTE_UPLOAD},
	{"GET", "/passbook/evidence/*", page_evidence, ROLE_HOUSEHOLD, 0},
	{"GET", "/p/*", page_token, 0, ROUTE_PUBLIC},
	{"GET", "/p/*/evidence/*", page_token_evidence, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/households/*/card", page_card, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/pin", page_pin_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/card-token", page_token_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/card-token/revoke", page_token_revoke_post, ROLES_ADMIN, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link passbook_nav[] = {
	{50, ROLE_HOUSEHOLD, "我的积分", "/passbook", 0},
	{0},
};
