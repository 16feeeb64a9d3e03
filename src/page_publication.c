/*
** page_publication.c — the public side of 一季一公示, readable without
** login, and the household's consent to publish its name:
**
**   GET  /v/CODE/announcements              the announcements still on the public list
**   GET  /v/CODE/announcements/YYYY-Qn      one announcement (always reachable: receipts link it)
**   GET  /v/CODE/announcements/YYYY-Qn/print[?paper=a3]  the bulletin-board layout,
**                                           A4 portrait (default) or A3 landscape
**   GET  /verify                            check a receipt in the browser (static/verify.js)
**   POST /v/CODE/households/ID/name-consent consent=1 records, consent=0 withdraws (admins)
**
** What may be shown: publication.h.  Names masked unless consented; no ID
** number, phone or address anywhere here; deductions by item only.
*/
#include <string.h>

#include "auth.h"
#include "html.h"
#include "page.h"
#include "passbook.h"
#include "publication.h"
#include "req.h"
#include "signing.h"

/* "2024-Q2" as 2024 年第 2 季度 (arena). */
static const char *quarter_words(arena *a, const char *quarter)
{
	int year, q;
	if (quarter_parse(quarter, &year, &q, NULL, NULL, NULL))
		return quarter;
	return arena_printf(a, "%d 年第 %d 季度", year, q);
}

/* The announcement of arg[1] of village v, or answers 404/500 (NULL). */
static struct announcement *announcement_or_404(struct req *r, const struct village *v)
{
	struct announcement *ann;
	int rc = quarter_parse(r->arg[1], NULL, NULL, NULL, NULL, NULL)
			 ? 1
			 : announcement_get(r->db, r->a, v->id, r->arg[1], &ann);
	if (rc)
		page_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取公示时出错。" : "没有这一季度的公示。");
	return rc ? NULL : ann;
}

/* The deployment's verifier key text (arena), or NULL when unreadable. */
static const char *verifier_key(struct req *r)
{
	errlist errs = {0};
	struct note_signer s;
	int rc = signing_key_load(r->a, &s, &errs);
	errlist_free(&errs);
	if (rc)
		return NULL;
	struct note_verifier v;
	note_signer_verifier(&s, &v);
	note_signer_wipe(&s);
	return note_verifier_format(r->a, &v);
}

/* GET /v/CODE/announcements */
static void page_announcements(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct announcement *rows;
	int n;
	if (announcement_list(r->db, r->a, v->id, &rows, &n)) {
		page_error(r, 500, "读取公示时出错。");
		return;
	}
	char today[11];
	date_today(today);
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s · 积分公示", v->name));
	html_raw(r, "<ul class=\"announcements\">");
	int shown = 0;
	for (int i = 0; i < n; i++) {
		char until[11];
		if (publication_listed_until(r->db, v->id, &rows[i], until)) {
			page_error(r, 500, "读取公示时出错。");
			return;
		}
		if (strcmp(today, until) > 0)
			continue;
		shown++;
		html(r, "<li><a href=\"/v/%s/announcements/%s\">%s积分公示</a> · 公示期 %s 至 %s</li>",
		     vc, rows[i].quarter, quarter_words(r->a, rows[i].quarter), rows[i].announced_on,
		     rows[i].objection_until);
	}
	html_raw(r, "</ul>");
	if (!shown)
		html_raw(r, "<p class=\"hint\">现在没有正在公开的积分公示。"
			    "过了公开期的公示，凭回执上的网址仍可查看和核对。</p>");
	html_raw(r, "<p><a href=\"/verify\">核对公示回执</a></p>");
	html_page_end(r);
}

/* The lines of ann as a table, and the deductions by item; large when
** print.  Returns 0, or -1 after answering 500. */
static int announcement_tables(struct req *r, const struct village *v,
			       const struct announcement *ann)
{
	struct announcement_line *lines;
	struct deduction *ded;
	struct late_change *late;
	int n, nd, nl;
	if (publication_lines(r->db, r->a, ann, &lines, &n) ||
	    publication_deductions(r->db, r->a, v->id, ann, &ded, &nd) ||
	    publication_late_changes(r->db, r->a, v->id, ann, &late, &nl)) {
		page_error(r, 500, "读取公示时出错。");
		return -1;
	}
	html_raw(r, "<table class=\"list wide lines\"><thead><tr><th>户编号</th><th>户主</th>"
		    "<th class=\"num\">本季度得分</th><th class=\"num\">本年累计</th>"
		    "<th class=\"num\">积分余额</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td>%s</td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld"
			"</td><td class=\"num\">%lld</td></tr>",
		     lines[i].code, lines[i].name, (long long)lines[i].quarter_points,
		     (long long)lines[i].year_points, (long long)lines[i].balance);
	html_raw(r, "</tbody></table>");
	html_raw(r, "<h2>本季度扣分情况（按项目，不列户名）</h2>");
	if (!nd)
		html_raw(r, "<p>本季度没有扣分。</p>");
	else {
		html_raw(r, "<table class=\"list deductions\"><thead><tr><th>项目</th>"
			    "<th class=\"num\">次数</th><th class=\"num\">扣分合计</th></tr></thead><tbody>");
		for (int i = 0; i < nd; i++)
			html(r, "<tr><td>%s %s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
				"</tr>",
			     ded[i].item_code, ded[i].item_name, (long long)ded[i].count,
			     (long long)ded[i].points);
		html_raw(r, "</tbody></table>");
	}
	if (nl) {
		html_raw(r, "<h2>上次公示以来的更正和补记（含采纳的异议）</h2><table class=\"list late\">"
			    "<thead><tr><th>台账序号</th><th>类别</th><th>项目</th><th>所属月份</th>"
			    "<th class=\"num\">分数</th></tr></thead><tbody>");
		for (int i = 0; i < nl; i++)
			html(r, "<tr><td>%lld</td><td>%s</td><td>%s %s</td><td>%s</td>"
				"<td class=\"num\">%+lld</td></tr>",
			     (long long)late[i].seq, late[i].kind == LEDGER_CORRECTION ? "更正" : "补记",
			     late[i].item_code, late[i].item_name, late[i].month,
			     (long long)late[i].points);
		html_raw(r, "</tbody></table>");
	}
	return 0;
}

/* GET /v/CODE/announcements/YYYY-Qn */
static void page_announcement(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct announcement *ann = v ? announcement_or_404(r, v) : NULL;
	if (!ann)
		return;
	const char *base = arena_printf(r->a, "/v/%s/announcements/%s", url_encode(r->a, v->code),
					ann->quarter);
	html_page_begin(r, arena_printf(r->a, "%s · %s积分公示", v->name,
					quarter_words(r->a, ann->quarter)));
	html_read_aloud(r, "main");
	html(r, "<p class=\"lead\">公示期 <b>%s</b> 至 <b>%s</b>。对本户积分有异议的，"
		"请在公示期内登录积分存折提出，或向村委会电话、来信、来访反映。</p>",
	     ann->announced_on, ann->objection_until);
	if (v->supervision_phone && *v->supervision_phone)
		html(r, "<p>监督电话：%s</p>", v->supervision_phone);
	html(r, "<p class=\"noprint\"><a href=\"%s/print\">打印公示（A4 竖版）</a> · "
		"<a href=\"%s/print?paper=a3\">打印公示（A3 横版）</a> · "
		"<a href=\"/v/%s/announcements\">历次公示</a></p>",
	     base, base, url_encode(r->a, v->code));
	if (announcement_tables(r, v, ann))
		return;
	html_raw(r, "<h2>检查点：怎样核对这份公示没有被改过</h2>");
	html(r, "<p>本公示冻结时台账共 %lld 条记录，默克尔树根 <code>%s</code>；"
		"公示各行的树根 <code>%s</code>。两者都由镇里的密钥签名：</p>",
	     (long long)ann->ledger_size, ann->ledger_root, ann->lines_root);
	html(r, "<pre class=\"note\">%s</pre><pre class=\"note\">%s</pre>", ann->note,
	     ann->checkpoint);
	html_raw(r, "<p>每户的公示回执（积分存折上的二维码）证明本户这一行在签名的公示中。"
		    "在 <a href=\"/verify\">/verify</a> 页面粘贴回执即可在手机浏览器里核对，"
		    "不需要联网查询；也可以用 <code>jifen verify-receipt 回执文件 --key 公钥</code>"
		    " 离线核对。</p>");
	html_page_end(r);
}

/* "http(s)://HOST" of this request (arena), or "" when the Host header is
** missing or not safe in a URL. */
static const char *request_origin(struct req *r)
{
	const char *host = http_request_header(r, "Host");
	const char *proto = http_request_header(r, "X-Forwarded-Proto");
	if (!passbook_host_valid(host))
		return "";
	return arena_printf(r->a, "%s://%s", proto && !strcmp(proto, "https") ? "https" : "http",
			    host);
}

/* GET /v/CODE/announcements/YYYY-Qn/print[?paper=a3]: the bulletin-board
** sheet — its own page head (no navigation), print stylesheets for the
** paper, large type, 公示期, the lines and deductions, the checkpoint's
** root, a QR code to the online page, 落款 and date. */
static void page_print(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct announcement *ann = v ? announcement_or_404(r, v) : NULL;
	if (!ann)
		return;
	const char *paper = req_query(r, "paper");
	int a3 = paper && !strcmp(paper, "a3");
	const char *url = arena_printf(r->a, "%s/v/%s/announcements/%s", request_origin(r),
				       url_encode(r->a, v->code), ann->quarter);
	const char *title = arena_printf(r->a, "%s%s积分公示", v->name,
					 quarter_words(r->a, ann->quarter));
	r->ctype = "text/html; charset=utf-8";
	html(r, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>%s</title>",
	     title);
	html_raw(r, "<link rel=\"stylesheet\" href=\"/static/bulletin.css\">");
	if (a3)
		html_raw(r, "<link rel=\"stylesheet\" href=\"/static/bulletin-a3.css\">");
	html(r, "</head><body class=\"bulletin %s\"><main><h1>%s</h1>", a3 ? "a3" : "a4", title);
	html(r, "<p class=\"period\">公示期：%s 至 %s</p>", ann->announced_on, ann->objection_until);
	if (announcement_tables(r, v, ann))
		return;
	html_raw(r, "<div class=\"foot\"><div class=\"check\">");
	page_qr_svg(r, url, 0, "网上公示二维码");
	html(r, "<p>扫码查看网上公示并核对回执：%s</p>", url);
	html(r, "<p class=\"root\">台账检查点：%lld 条，根 %s</p>", (long long)ann->ledger_size,
	     ann->ledger_root);
	html_raw(r, "</div><div class=\"sign\">");
	html_raw(r, "<p>对公示有异议的，请在公示期内向村委会反映（电话、来信、来访或积分存折网上提出）。</p>");
	if (v->supervision_phone && *v->supervision_phone)
		html(r, "<p class=\"phone\">监督电话：%s</p>", v->supervision_phone);
	page_village_signer(r, v->name, ann->announced_on);
	html_raw(r, "</div></div></main></body></html>\n");
	r->answered = 1;
}

/* GET /verify: the receipt checker; the deployment's key embedded. */
static void page_verify(struct req *r)
{
	const char *key = verifier_key(r);
	html_page_begin(r, "核对公示回执");
	html_raw(r, "<p>把积分存折或公示回执上的回执文字粘贴到下面（或选择回执文件、二维码照片），"
		    "点“核对”。核对在您的手机或电脑上完成，不向任何服务器发送内容。</p>"
		    "<form id=\"verify-form\" class=\"narrow\">"
		    "<label>回执<textarea id=\"verify-receipt\" rows=\"12\" spellcheck=\"false\" "
		    "required></textarea></label>"
		    "<label>回执文件或二维码照片<input id=\"verify-file\" type=\"file\" "
		    "accept=\"text/plain,image/*\"></label>");
	html(r, "<label>镇里公布的验证公钥（可换成别处公布的公钥）<textarea id=\"verify-key\" rows=\"2\" "
		"spellcheck=\"false\" required>%s</textarea></label>",
	     key ? key : "");
	html_raw(r, "<button type=\"submit\" class=\"primary\">核对</button></form>"
		    "<p id=\"verify-result\" role=\"status\"></p>"
		    "<script src=\"/static/verify.js\"></script>");
	html_page_end(r);
}

/* POST /v/CODE/households/ID/name-consent: consent=1 records the separate
** consent to publish the head's name (dated today, by this admin),
** consent=0 withdraws it; back to the household's page. */
static void page_consent_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int64_t id = parse_id(r->arg[1]);
	if (!v)
		return;
	struct name_consent nc;
	int got = id ? publication_consent_get(r->db, r->a, v->id, id, &nc) : 1;
	if (got) {
		page_error(r, got < 0 ? 500 : 404, got < 0 ? "读取农户信息时出错。" : "本村没有这一户。");
		return;
	}
	const char *c = req_form(r, "consent");
	if (!c || (strcmp(c, "0") && strcmp(c, "1"))) {
		page_error(r, 400, "同意公开姓名: consent 应为 1（同意）或 0（撤回）");
		return;
	}
	struct actor who = req_actor(r);
	errlist errs = {0};
	int rc = publication_consent_set(r->db, &who, v, id, c[0] == '1', &errs);
	if (rc)
		page_error(r, rc < 0 ? 500 : 404, rc < 0 ? "保存时出错，请稍后再试。" : "本村没有这一户。");
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/households/%lld?saved=1",
					      url_encode(r->a, v->code), (long long)id));
	errlist_free(&errs);
}

void page_name_consent_form(struct req *r, const char *url, int64_t village_id,
			    int64_t household_id)
{
	struct name_consent nc;
	if (publication_consent_get(r->db, r->a, village_id, household_id, &nc))
		return;
	html_raw(r, "<h2>公示时公开户主姓名</h2>");
	if (*nc.on)
		html(r, "<p>本户已单独同意在积分公示中公开户主姓名（%s 由 %s 登记）。</p>", nc.on, nc.by);
	else
		html_raw(r, "<p>未经本户单独同意，公示中的户主姓名打码显示（如 张*明）。</p>");
	html(r, "<form method=\"post\" action=\"%s/name-consent\" class=\"inline\">", url);
	html_csrf(r);
	html(r, "<input type=\"hidden\" name=\"consent\" value=\"%s\"><button type=\"submit\">%s"
		"</button></form>",
	     *nc.on ? "0" : "1", *nc.on ? "撤回同意（恢复打码）" : "登记本户书面同意公开姓名");
}

const struct route publication_routes[] = {
	{"GET", "/v/*/announcements", page_announcements, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/announcements/*", page_announcement, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/announcements/*/print", page_print, 0, ROUTE_PUBLIC},
	{"GET", "/verify", page_verify, 0, ROUTE_PUBLIC},
	{"POST", "/v/*/households/*/name-consent", page_consent_post, ROLES_ADMIN, 0},
	{0},
};
