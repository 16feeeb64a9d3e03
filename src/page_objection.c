/*
** page_objection.c — the pages of objections (异议, objection.h):
**
**   GET  /v/CODE/objections              the village admin's queue, reply deadlines first,
**                                        and the form recording a phone/letter/visit one
**   POST /v/CODE/objections              record it
**   POST /v/CODE/objections/ID/decide    decision=reject|uphold, reason, and for uphold
**                                        entry+points or item+date
**   GET  /passbook/objection             a household raises one online (its line or entry)
**   POST /passbook/objection             … with text and optionally a photo
**
** and the passbook's section of the household's objections with their
** decisions (page_objection_passbook, called by page_passbook.c).
*/
#include <string.h>

#include "announcement.h"
#include "auth.h"
#include "evidence.h"
#include "household.h"
#include "html.h"
#include "ledger.h"
#include "objection.h"
#include "page.h"
#include "req.h"

/* One objection's decision in words (inside an open element). */
static void decision_words(struct req *r, const struct objection *o)
{
	html(r, "<span class=\"tag %s\">%s</span>",
	     o->status == OBJ_UPHELD ? "ok" : o->status == OBJ_REJECTED ? "no" : "mute",
	     objection_status_label(o->status));
	if (o->status != OBJ_OPEN)
		html(r, " %s：%s", o->decided_on, o->decision);
	if (o->ledger_seq)
		html(r, "（台账第 %lld 条 %+lld 分）", (long long)o->ledger_seq,
		     (long long)o->ledger_points);
}

void page_objection_passbook(struct req *r, int64_t village_id, int64_t household_id)
{
	struct objection *rows;
	int n;
	if (objection_list(r->db, r->a, village_id, NULL, household_id, 0, &rows, &n))
		return;
	html_raw(r, "<h2>我的异议</h2><p><a href=\"/passbook/objection\">对公示提出异议</a></p>");
	if (!n) {
		html_raw(r, "<p class=\"hint\">还没有提出过异议。</p>");
		return;
	}
	html_raw(r, "<table class=\"list wide objections\"><thead><tr><th>公示</th><th>异议</th>"
		    "<th>答复</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct objection *o = &rows[i];
		html(r, "<tr><td>%s<br><span class=\"hint\">%s 提出，%s 前答复</span></td><td>%s",
		     o->quarter, o->received_on, o->reply_by, o->reason);
		if (o->entry_seq)
			html(r, "<br><span class=\"hint\">针对台账第 %lld 条</span>", (long long)o->entry_seq);
		html_raw(r, "</td><td>");
		decision_words(r, o);
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* ---- the household's online objection ------------------------------------------------- */

/* The announcements of village_id whose objection period holds today,
** newest first (arena).  0 or -1. */
static int open_announcements(struct req *r, int64_t village_id, struct announcement **out,
			      int *n)
{
	struct announcement *rows;
	int all;
	if (announcement_list(r->db, r->a, village_id, &rows, &all))
		return -1;
	char today[11];
	date_today(today);
	*n = 0;
	*out = rows;
	for (int i = 0; i < all; i++)
		if (strcmp(today, rows[i].announced_on) >= 0 &&
		    strcmp(today, rows[i].objection_until) <= 0)
			rows[(*n)++] = rows[i];
	return 0;
}

static void objection_form(struct req *r, const errlist *errs)
{
	struct announcement *anns;
	int na;
	struct ledger_entry *es;
	int ne;
	int64_t total;
	if (open_announcements(r, r->user->village_id, &anns, &na) ||
	    ledger_household_entries(r->db, r->a, r->user->village_id, r->user->id, 0, 200, &es,
				     &ne, &total)) {
		page_error(r, 500, "读取公示时出错。");
		return;
	}
	html_page_begin(r, "对公示提出异议");
	for (int i = 0; errs && i < errs->n; i++)
		html_error_box(r, errs->msg[i]);
	if (!na) {
		html_raw(r, "<p>现在没有在公示期内的积分公示。公示期过后不能再网上提出异议，"
			    "有问题请直接找村委会。</p><p><a href=\"/passbook\">返回我的积分</a></p>");
		html_page_end(r);
		return;
	}
	html_raw(r, "<form method=\"post\" action=\"/passbook/objection\" "
		    "enctype=\"multipart/form-data\" class=\"narrow\">");
	html_csrf(r);
	html_raw(r, "<label>公示<select name=\"quarter\">");
	for (int i = 0; i < na; i++)
		html(r, "<option value=\"%s\">%s（公示期至 %s）</option>", anns[i].quarter,
		     anns[i].quarter, anns[i].objection_until);
	html_raw(r, "</select></label><label>针对<select name=\"entry\">"
		    "<option value=\"\">本户公示的积分（整行）</option>");
	for (int i = 0; i < ne; i++)
		if (es[i].seq <= anns[0].ledger_size)
			html(r, "<option value=\"%lld\">%s %s %+lld 分</option>", (long long)es[i].seq,
			     es[i].date, es[i].item_name && *es[i].item_name
						 ? es[i].item_name
						 : ledger_kind_label(es[i].kind),
			     (long long)es[i].points);
	const char *reason = req_form(r, "reason");
	html(r, "</select></label><label>异议内容<textarea name=\"reason\" rows=\"4\" maxlength=\"500\" "
		"required>%s</textarea></label>",
	     reason ? reason : "");
	html_raw(r, "<label>照片（可选，JPEG 或 PNG，不超过 5 MB）"
		    "<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png\"></label>"
		    "<button type=\"submit\" class=\"primary\">提交异议</button></form>"
		    "<p><a href=\"/passbook\">返回我的积分</a></p>");
	html_page_end(r);
}

/* GET /passbook/objection */
static void page_passbook_objection(struct req *r)
{
	objection_form(r, NULL);
}

/* POST /passbook/objection (multipart): quarter, entry, reason, photo. */
static void page_passbook_objection_post(struct req *r)
{
	struct village *v;
	struct actor who;
	struct household *h = page_own_household_or_500(r, &v, &who);
	if (!h)
		return;
	errlist errs = {0};
	char today[11], hash[65] = "";
	date_today(today);
	int64_t seq = 0, id = 0;
	const char *entry = req_form_trim(r, "entry");
	if (entry && *entry && (parse_int64(entry, &seq) || seq < 1))
		errlist_add(&errs, "台账记录: 请从列表中选择");
	const struct param *photo = req_file(r, "photo");
	int rc = errs.n ? 1 : 0;
	if (!rc && photo && photo->len)
		rc = evidence_store(r->db, v->id, who.login, photo->value, photo->len, hash, &errs);
	if (!rc) {
		struct objection_input in = {.quarter = req_form_trim(r, "quarter"),
					     .household_code = h->code, .channel = "online",
					     .entry_seq = seq, .reason = req_form_trim(r, "reason"),
					     .photo = *hash ? hash : NULL, .received_on = today};
		rc = objection_add(r->db, r->a, &who, v, &in, &errs, &id);
	}
	if (rc < 0)
		page_error(r, 500, "提交异议时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		objection_form(r, &errs);
	} else
		http_redirect(r, "/passbook?objected=1");
	errlist_free(&errs);
}

/* ---- the village admin's queue ----------------------------------------------------------- */

/* The decide form of open objection o. */
static void decide_form(struct req *r, const char *base, const struct objection *o)
{
	html(r, "<form method=\"post\" action=\"%s/%lld/decide\" class=\"decide\">", base,
	     (long long)o->id);
	html_csrf(r);
	html_raw(r, "<label>答复<select name=\"decision\"><option value=\"reject\">不予支持</option>"
		    "<option value=\"uphold\">采纳</option></select></label>"
		    "<label>理由（农户可见）<input name=\"reason\" maxlength=\"500\" required></label>");
	html(r, "<label>采纳：更正台账第几条<input name=\"entry\" inputmode=\"numeric\" value=\"%s\">"
		"</label>",
	     o->entry_seq ? arena_printf(r->a, "%lld", (long long)o->entry_seq) : "");
	html_raw(r, "<label>更正分数<input name=\"points\" inputmode=\"numeric\"></label>"
		    "<label>或补记项目编号<input name=\"item\"></label>"
		    "<label>补记日期<input name=\"date\" type=\"date\"></label>"
		    "<button type=\"submit\">提交答复</button></form>");
}

static void queue_page(struct req *r, const struct village *v, const errlist *errs)
{
	struct objection *rows;
	int n;
	if (objection_list(r->db, r->a, v->id, NULL, 0, 0, &rows, &n)) {
		page_error(r, 500, "读取异议时出错。");
		return;
	}
	char today[11];
	date_today(today);
	const char *base = arena_printf(r->a, "/v/%s/objections", url_encode(r->a, v->code));
	html_page_begin(r, arena_printf(r->a, "%s · 公示异议", v->name));
	if (req_query(r, "saved"))
		html_notice(r, "已保存。");
	for (int i = 0; errs && i < errs->n; i++)
		html_error_box(r, errs->msg[i]);
	int open = 0;
	for (int i = 0; i < n; i++)
		open += rows[i].status == OBJ_OPEN;
	html(r, "<h2>待答复（%d 件）</h2>", open);
	html_raw(r, "<table class=\"list wide queue\"><thead><tr><th>编号</th><th>公示</th>"
		    "<th>户</th><th>渠道</th><th>收到</th><th>答复期限</th><th>异议</th><th>答复</th>"
		    "</tr></thead><tbody>");
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			const struct objection *o = &rows[i];
			if ((o->status == OBJ_OPEN) != (pass == 0))
				continue;
			int late = o->status == OBJ_OPEN && strcmp(today, o->reply_by) > 0;
			html(r, "<tr id=\"o%lld\"><td>%lld</td><td>%s</td><td>%s %s</td><td>%s</td>"
				"<td>%s</td><td class=\"%s\">%s%s</td><td>%s",
			     (long long)o->id, (long long)o->id, o->quarter, o->household_code,
			     o->household_name, objection_channel_label(o->channel), o->received_on,
			     late ? "neg" : "", o->reply_by, late ? "（已超期）" : "", o->reason);
			if (o->entry_seq)
				html(r, "<br><span class=\"hint\">针对台账第 %lld 条</span>",
				     (long long)o->entry_seq);
			if (*o->photo)
				html(r, " <a href=\"/v/%s/evidence/%s\">照片</a>", url_encode(r->a, v->code),
				     o->photo);
			html_raw(r, "</td><td>");
			if (o->status == OBJ_OPEN)
				decide_form(r, base, o);
			else
				decision_words(r, o);
			html_raw(r, "</td></tr>");
		}
	html_raw(r, "</tbody></table>");
	html(r, "<h2>登记电话、来信、来访的异议</h2><form method=\"post\" action=\"%s\" "
		"class=\"narrow\">",
	     base);
	html_csrf(r);
	html(r, "<label>公示季度<input name=\"quarter\" placeholder=\"2024-Q2\" required></label>"
		"<label>户编号<input name=\"household\" required></label>"
		"<label>渠道<select name=\"channel\"><option value=\"phone\">电话</option>"
		"<option value=\"letter\">来信</option><option value=\"visit\">来访</option>"
		"</select></label><label>针对台账第几条（可不填）<input name=\"entry\" "
		"inputmode=\"numeric\"></label><label>收到日期<input name=\"date\" type=\"date\" "
		"value=\"%s\" required></label><label>异议内容<textarea name=\"reason\" rows=\"3\" "
		"maxlength=\"500\" required></textarea></label>"
		"<button type=\"submit\" class=\"primary\">登记</button></form>",
	     today);
	html_page_end(r);
}

/* GET /v/CODE/objections */
static void page_queue(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		queue_page(r, v, NULL);
}

/* A positive integer form field: 0 when empty; -1 when not a number. */
static int64_t form_int(struct req *r, const char *name)
{
	const char *s = req_form_trim(r, name);
	int64_t v = 0;
	if (!s || !*s)
		return 0;
	return parse_int64(s, &v) || v < 1 ? -1 : v;
}

/* Answer an area function's rc: 500, 400 with the queue, or back to it. */
static void queue_answer(struct req *r, const struct village *v, int rc, const errlist *errs)
{
	if (rc < 0)
		page_error(r, 500, "保存时出错，请稍后再试。");
	else if (rc > 0) {
		r->status = 400;
		queue_page(r, v, errs);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/objections?saved=1",
					      url_encode(r->a, v->code)));
}

/* POST /v/CODE/objections: quarter, household, channel, entry, date, reason. */
static void page_queue_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t seq = form_int(r, "entry"), id;
	const char *channel = req_form_trim(r, "channel");
	int rc = 1;
	if (seq < 0)
		errlist_add(&errs, "台账记录: 序号应为正整数");
	else if (channel && !strcmp(channel, "online"))
		errlist_add(&errs, "渠道: 网上异议由农户在积分存折中提出");
	else {
		struct objection_input in = {.quarter = req_form_trim(r, "quarter"),
					     .household_code = req_form_trim(r, "household"),
					     .channel = channel, .entry_seq = seq,
					     .reason = req_form_trim(r, "reason"),
					     .received_on = req_form_trim(r, "date")};
		rc = objection_add(r->db, r->a, &who, v, &in, &errs, &id);
	}
	queue_answer(r, v, rc, &errs);
	errlist_free(&errs);
}

/* POST /v/CODE/objections/ID/decide */
static void page_decide_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct objection *o;
	int64_t id = parse_id(r->arg[1]);
	int got = id ? objection_get(r->db, r->a, v->id, id, &o) : 1;
	if (got) {
		page_error(r, got < 0 ? 500 : 404, got < 0 ? "读取异议时出错。" : "本村没有这件异议。");
		return;
	}
	const char *what = req_form_trim(r, "decision");
	struct objection_decision dec = {
		.uphold = what && !strcmp(what, "uphold"), .reason = req_form_trim(r, "reason"),
		.entry_seq = form_int(r, "entry"), .points = form_int(r, "points"),
		.item_code = req_form_trim(r, "item"), .date = req_form_trim(r, "date")};
	errlist errs = {0};
	int rc = 1;
	if (!what || (strcmp(what, "uphold") && strcmp(what, "reject")))
		errlist_add(&errs, "答复: 应为 reject（不予支持）或 uphold（采纳）");
	else if (dec.entry_seq < 0 || dec.points < 0)
		errlist_add(&errs, "更正: 台账序号和分数应为正整数");
	else {
		if (!dec.uphold)
			dec.entry_seq = dec.points = 0, dec.item_code = NULL;
		else if (dec.item_code && *dec.item_code)
			dec.entry_seq = 0;
		struct actor who = req_actor(r);
		rc = objection_decide(r->db, r->a, &who, v, id, &dec, &errs);
	}
	queue_answer(r, v, rc, &errs);
	errlist_free(&errs);
}

const struct route objection_routes[] = {
	{"GET", "/v/*/objections", page_queue, ROLES_ADMIN, 0},
	{"POST", "/v/*/objections", page_queue_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/objections/*/decide", page_decide_post, ROLES_ADMIN, 0},
	{"GET", "/passbook/objection", page_passbook_objection, ROLE_HOUSEHOLD, 0},
	{"POST", "/passbook/objection", page_passbook_objection_post, ROLE_HOUSEHOLD, ROUTE_UPLOAD},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link objection_nav[] = {
	{140, ROLE_VILLAGE_ADMIN, "公示异议", "/objections", 1},
	{0},
};
