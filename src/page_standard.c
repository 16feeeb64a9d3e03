/*
** page_standard.c — the points standard on the web (积分标准, 一村一方案):
**
**   GET  /v/CODE/standard                  the version in force, PUBLIC and
**                                          printable (rules only, no personal
**                                          data), with every version's
**                                          adoption record
**   GET  /v/CODE/standard/versions/ID      one version (PUBLIC); …/csv its CSV
**   GET  /v/CODE/standard/compare?a=&b=    what changed between two versions
**   GET  /v/CODE/standard/adopt            adopt a new version (village admin,
**   POST /v/CODE/standard/adopt            town admin): from the town template
**                                          or an uploaded CSV, with the
**                                          democratic record; preview, confirm
**   GET  /standard/template                the town's recommended template
**                                          (PUBLIC), its versions, its CSV
**   GET  /standard/template/publish        the town publishes a new template
**   POST /standard/template/publish        version from CSV (town admin)
**
** Public pages look the village up by code without the access check (the
** rules are public); the adopt pages go through req_village_or_404() so an
** account of another village gets 404.  The rules themselves (validation,
** dates, the democratic record) live in standard.c.
*/
#include <sodium.h>
#include <string.h>

#include "audit.h"
#include "csvout.h"
#include "html.h"
#include "page.h"
#include "req.h"
#include "consultation.h"
#include "standard.h"
#include "village.h"

enum { WEB_STANDARD_MAX = 1024 * 1024 }; /* a standard CSV is a few KB */
static const char STANDARD_TOO_BIG[] = "文件太大：标准 CSV 最多 1 MB。";

/* ---- small helpers ---------------------------------------------------------- */

/* Whether the request's user may adopt standards for village v. */
static int can_adopt(struct req *r, const struct village *v)
{
	return r->user && (r->user->role == ROLE_TOWN_ADMIN ||
			   (r->user->role == ROLE_VILLAGE_ADMIN && r->user->village_id == v->id));
}

/* An optional count for display: "—" when not recorded (arena). */
static const char *count_text(arena *a, int64_t v)
{
	return v < 0 ? "—" : arena_printf(a, "%lld", (long long)v);
}

/* A cap for display: "—" for none. */
static const char *cap_text(arena *a, int64_t v)
{
	return v <= 0 ? "—" : arena_printf(a, "%lld", (long long)v);
}

/* How a version came to be, in words. */
static const char *source_label(const char *source)
{
	if (!source)
		return "";
	if (!strcmp(source, "template"))
		return "采用镇推荐模板";
	if (!strcmp(source, "csv"))
		return "CSV 文件";
	if (!strcmp(source, "form"))
		return "网页录入";
	if (!strcmp(source, "builtin"))
		return "内置推荐模板";
	return source;
}

/* ---- rendering a standard ------------------------------------------------------ */

/* The items grouped by category (categories in the order of their first
** item), one table per category, with points, caps, veto and evidence. */
static void render_items(struct req *r, const struct std_item *items, int n)
{
	if (!n) {
		html_raw(r, "<p>这个版本没有积分项目。</p>");
		return;
	}
	const char **cats = arena_alloc(r->a, (size_t)n * sizeof *cats);
	int ncat = 0;
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int c = 0; c < ncat && !seen; c++)
			seen = !strcmp(cats[c], items[i].category);
		if (!seen)
			cats[ncat++] = items[i].category;
	}
	for (int c = 0; c < ncat; c++) {
		html(r, "<h2 class=\"category\">%s</h2>", cats[c]);
		html_raw(r, "<table class=\"list standard\"><thead><tr><th>编号</th><th>积分项目</th>"
			    "<th class=\"num\">分值</th><th class=\"num\">每月上限</th>"
			    "<th class=\"num\">每年上限</th><th>一票否决</th><th>需佐证</th>"
			    "</tr></thead><tbody>");
		for (int i = 0; i < n; i++) {
			const struct std_item *it = &items[i];
			if (strcmp(it->category, cats[c]))
				continue;
			/* the classes give the phone its own layout (app.css): the
			** item and its points side by side in large type, a cap
			** that is not set and an empty flag left out */
			html(r, "<tr><td class=\"code\">%s</td><td class=\"item\">%s</td>"
				"<td class=\"num pts %s\">%+lld</td>"
				"<td class=\"num cap%s\">%s</td><td class=\"num cap%s\">%s</td>"
				"<td class=\"flag\">%s</td><td class=\"flag\">%s</td></tr>",
			     it->code, it->name, it->points < 0 ? "neg" : "pos", (long long)it->points,
			     it->cap_month > 0 ? "" : " none", cap_text(r->a, it->cap_month),
			     it->cap_year > 0 ? "" : " none", cap_text(r->a, it->cap_year),
			     it->veto ? "是" : "", it->evidence ? "需照片或说明" : "");
		}
		html_raw(r, "</tbody></table>");
	}
	html(r, "<p class=\"hint\">共 %d 个积分项目。正分为加分，负分为减分；上限指一户一个月"
		"（或一年）内该项加减分的绝对值合计最多多少分（扣完为止、满分封顶）。一票否决："
		"当年取消评先评优和积分兑换资格，不影响任何法定权益。</p>",
	     n);
}

/* The adoption record of a version as a definition list. */
static void render_adoption(struct req *r, const struct std_version *v)
{
	const struct std_adoption *ad = &v->adoption;
	html_raw(r, "<dl class=\"record\">");
	html(r, "<dt>版本</dt><dd>第 %d 版</dd>", v->version);
	html(r, "<dt>生效日期</dt><dd>%s</dd>", v->effective_on);
	if (ad->adopted_on && *ad->adopted_on)
		html(r, "<dt>通过日期</dt><dd>%s</dd>", ad->adopted_on);
	if (ad->meeting_type && *ad->meeting_type)
		html(r, "<dt>会议</dt><dd>%s</dd>", standard_meeting_type_label(ad->meeting_type));
	if (ad->meeting && *ad->meeting)
		html(r, "<dt>会议说明</dt><dd>%s</dd>", ad->meeting);
	if (ad->entitled >= 0 || ad->attendance >= 0)
		html(r, "<dt>出席</dt><dd>应到 %s 人，实到 %s 人</dd>", count_text(r->a, ad->entitled),
		     count_text(r->a, ad->attendance));
	if (ad->votes_for >= 0 || ad->votes_against >= 0 || ad->votes_abstain >= 0)
		html(r, "<dt>表决</dt><dd>赞成 %s，反对 %s，弃权 %s</dd>",
		     count_text(r->a, ad->votes_for), count_text(r->a, ad->votes_against),
		     count_text(r->a, ad->votes_abstain));
	html(r, "<dt>来源</dt><dd>%s</dd>", source_label(v->source));
	int64_t cid = 0;
	const char *why = "";
	if (v->id && v->village_id && !standard_basis_get(r->db, r->a, v->id, &cid, &why)) {
		if (cid)
			html(r, "<dt>征求意见</dt><dd><a href=\"/v/%s/consultations/%lld\">"
				"草案征求意见及答复</a></dd>",
			     url_encode(r->a, r->arg[0]), (long long)cid);
		else
			html(r, "<dt>未征求意见的原因</dt><dd>%s</dd>", why);
	}
	html_raw(r, "</dl>");
}

/* The table of versions with their adoption record; base is the URL of the
** standard ("/v/CODE/standard" or "/standard/template"); current the id of
** the version in force (0 none) for the compare links. */
static void render_versions(struct req *r, const char *base, const struct std_version *rows,
			    int n, int64_t current, const char *today)
{
	html_raw(r, "<table class=\"list wide versions\"><thead><tr><th>版本</th><th>生效日期</th>"
		    "<th>通过日期</th><th>会议</th><th>出席（实到/应到）</th>"
		    "<th>表决（赞成/反对/弃权）</th><th>状态</th><th class=\"noprint\">操作</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct std_version *v = &rows[i];
		const struct std_adoption *ad = &v->adoption;
		const char *state = v->id == current ? "现行"
				    : strcmp(v->effective_on, today) > 0 ? "待生效" : "已停用";
		html(r, "<tr><td><a href=\"%s/versions/%lld\">第 %d 版</a></td><td>%s</td><td>%s</td>"
			"<td>%s</td><td>%s / %s</td><td>%s / %s / %s</td><td>%s</td>"
			"<td class=\"noprint\">",
		     base, (long long)v->id, v->version, v->effective_on,
		     ad->adopted_on ? ad->adopted_on : "—",
		     *standard_meeting_type_label(ad->meeting_type)
			     ? standard_meeting_type_label(ad->meeting_type)
			     : ad->meeting && *ad->meeting ? ad->meeting : "—",
		     count_text(r->a, ad->attendance), count_text(r->a, ad->entitled),
		     count_text(r->a, ad->votes_for), count_text(r->a, ad->votes_against),
		     count_text(r->a, ad->votes_abstain), state);
		if (current && v->id != current)
			html(r, "<a href=\"%s/compare?a=%lld&amp;b=%lld\">与现行版本比较</a>", base,
			     (long long)v->id, (long long)current);
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
}

/* The compare form: two selects of the versions. */
static void render_compare_form(struct req *r, const char *base, const struct std_version *rows,
				int n, int64_t a, int64_t b)
{
	if (n < 2)
		return;
	html(r, "<form method=\"get\" action=\"%s/compare\" class=\"inline noprint\">", base);
	const char *names[2] = {"a", "b"};
	const char *labels[2] = {"旧版本", "新版本"};
	int64_t sel[2] = {a ? a : rows[n > 1 ? 1 : 0].id, b ? b : rows[0].id};
	for (int k = 0; k < 2; k++) {
		html(r, "<label>%s<select name=\"%s\">", labels[k], names[k]);
		for (int i = 0; i < n; i++)
			html(r, "<option value=\"%lld\"%s>第 %d 版（%s 起）</option>",
			     (long long)rows[i].id, rows[i].id == sel[k] ? " selected" : "",
			     rows[i].version, rows[i].effective_on);
		html_raw(r, "</select></label>");
	}
	html_raw(r, "<button type=\"submit\">比较两个版本</button></form>");
}

/* ---- village standard (public) ----------------------------------------------- */

/* GET /v/CODE/standard: the version in force today, the versions. */
static void page_standard(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	struct std_version *cur = NULL, *rows = NULL;
	int n = 0;
	int rc = standard_in_force(r->db, r->a, v->id, today, 1, &cur);
	if (rc < 0 || standard_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取积分标准时出错。");
		return;
	}
	const char *base = arena_printf(r->a, "/v/%s/standard", url_encode(r->a, v->code));
	html_page_begin(r, arena_printf(r->a, "%s · 积分标准", v->name));
	if (req_query(r, "adopted"))
		html_notice(r, "新版本已通过并保存。");
	if (can_adopt(r, v))
		html(r, "<ul class=\"actions noprint\"><li><a href=\"%s/adopt\">通过新版本</a></li></ul>",
		     base);
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].effective_on, today) > 0)
			html_notice(r, arena_printf(r->a, "第 %d 版已经通过，将于 %s 起施行。",
						    rows[i].version, rows[i].effective_on));
	if (!cur) {
		html_raw(r, "<p>本村目前没有施行中的积分标准。</p>");
		html_raw(r, "<p>镇里的推荐模板见 <a href=\"/standard/template\">推荐积分标准</a>。</p>");
	} else {
		html(r, "<p class=\"lead\">现行标准：第 %d 版，自 %s 起施行。"
			"<a class=\"noprint\" href=\"%s/versions/%lld/csv\">下载 CSV</a></p>",
		     cur->version, cur->effective_on, base, (long long)cur->id);
		render_adoption(r, cur);
		render_items(r, cur->items, cur->nitems);
	}
	if (n) {
		html_raw(r, "<h2>版本与通过记录</h2>");
		render_versions(r, base, rows, n, cur ? cur->id : 0, today);
		render_compare_form(r, base, rows, n, 0, 0);
	}
	html_page_end(r);
}

/* The version of r->arg[1] of village_id (0: template) with items, or
** answers 404/500 and returns NULL. */
static struct std_version *version_or_404(struct req *r, int64_t village_id, const char *ids)
{
	struct std_version *sv = NULL;
	int64_t id = parse_id(ids);
	int rc = id ? standard_get(r->db, r->a, village_id, id, 1, &sv) : 1;
	if (rc < 0)
		http_error(r, 500, "读取积分标准时出错。");
	else if (rc > 0)
		http_error(r, 404, "没有这个版本。");
	return rc ? NULL : sv;
}

/* The public village of the path (into *v) and its version r->arg[1], or
** NULL when r is answered (404, 500). */
static struct std_version *village_version_or_404(struct req *r, struct village **v)
{
	*v = req_public_village_or_404(r, r->arg[0]);
	return *v ? version_or_404(r, (*v)->id, r->arg[1]) : NULL;
}

/* One version page (village or template), with a notice line or NULL. */
static void render_version_page(struct req *r, const char *title, const char *base,
				const struct std_version *sv, const char *notice)
{
	html_page_begin(r, title);
	if (notice)
		html_notice(r, notice);
	html(r, "<p class=\"noprint\"><a href=\"%s\">返回积分标准</a> · "
		"<a href=\"%s/versions/%lld/csv\">下载 CSV</a></p>",
	     base, base, (long long)sv->id);
	render_adoption(r, sv);
	render_items(r, sv->items, sv->nitems);
	html_page_end(r);
}

/* GET /v/CODE/standard/versions/ID */
static void page_version(struct req *r)
{
	struct village *v;
	struct std_version *sv = village_version_or_404(r, &v);
	if (!sv)
		return;
	render_version_page(r, arena_printf(r->a, "%s · 积分标准第 %d 版", v->name, sv->version),
			    arena_printf(r->a, "/v/%s/standard", url_encode(r->a, v->code)), sv,
			    req_query(r, "adopted") ? "新版本已通过并保存。" : NULL);
}

/* Send items as a CSV download named fname. */
static void send_items_csv(struct req *r, const struct std_version *sv, const char *fname)
{
	struct csv_out w;
	csv_begin(&w, "\n");
	csv_literal(&w, "\xEF\xBB\xBF"); /* BOM: Excel opens UTF-8 */
	standard_items_csv(&w, sv->items, sv->nitems);
	http_header(r, "Content-Disposition",
		    arena_printf(r->a, "attachment; filename=\"%s\"", fname));
	http_send(r, 200, "text/csv; charset=utf-8", w.b.p ? w.b.p : "", w.b.len);
	csv_finish(&w);
}

/* GET /v/CODE/standard/versions/ID/csv */
static void page_version_csv(struct req *r)
{
	struct village *v;
	struct std_version *sv = village_version_or_404(r, &v);
	if (sv)
		send_items_csv(r, sv, arena_printf(r->a, "standard-%s-v%d.csv", v->code, sv->version));
}

/* The labels of the changed fields of a diff row. */
static const char *changed_text(struct req *r, const struct std_diff *d)
{
	static const struct {
		unsigned bit;
		const char *label;
	} fields[] = {
		{STD_CH_CATEGORY, "类别"},   {STD_CH_NAME, "名称"},       {STD_CH_POINTS, "分值"},
		{STD_CH_CAP_MONTH, "每月上限"}, {STD_CH_CAP_YEAR, "每年上限"}, {STD_CH_VETO, "一票否决"},
		{STD_CH_EVIDENCE, "需佐证"},
	};
	buf b = {0};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (d->changed & fields[i].bit) {
			if (b.len)
				buf_puts(&b, "、");
			buf_puts(&b, fields[i].label);
		}
	const char *s = arena_strdup(r->a, b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	return s;
}

/* One item's values in a compact line: "+5，每月上限 5，一票否决" (arena). */
static const char *item_brief(struct req *r, const struct std_item *it)
{
	if (!it)
		return "";
	return arena_printf(r->a, "%s〔%s〕%+lld 分%s%s%s%s%s%s", it->name, it->category,
			    (long long)it->points, it->cap_month ? "，每月上限 " : "",
			    it->cap_month ? arena_printf(r->a, "%lld", (long long)it->cap_month) : "",
			    it->cap_year ? "，每年上限 " : "",
			    it->cap_year ? arena_printf(r->a, "%lld", (long long)it->cap_year) : "",
			    it->veto ? "，一票否决" : "", it->evidence ? "，需佐证" : "");
}

/* The diff table of two loaded versions; returns the count of differences.
** Also the consultation page's (page_consultation.c): declared in page.h. */
int render_diff(struct req *r, const struct std_version *a, const struct std_version *b)
{
	struct std_diff *rows;
	int n = standard_diff(r->a, a, b, &rows), added = 0, removed = 0, changed = 0;
	for (int i = 0; i < n; i++) {
		added += rows[i].kind == STD_ADDED;
		removed += rows[i].kind == STD_REMOVED;
		changed += rows[i].kind == STD_CHANGED;
	}
	html(r, "<p class=\"lead\">新增 <strong>%d</strong> 项，删除 <strong>%d</strong> 项，"
		"修改 <strong>%d</strong> 项，未变 %d 项。</p>",
	     added, removed, changed, n - added - removed - changed);
	if (!(added + removed + changed))
		return 0;
	html_raw(r, "<table class=\"list wide diff\"><thead><tr><th>变化</th><th>编号</th>"
		    "<th>原来</th><th>现在</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct std_diff *d = &rows[i];
		if (d->kind == STD_SAME)
			continue;
		const char *what = d->kind == STD_ADDED     ? "新增"
				   : d->kind == STD_REMOVED ? "删除"
							    : arena_printf(r->a, "修改：%s",
									   changed_text(r, d));
		const char *cls = d->kind == STD_ADDED ? "ok" : d->kind == STD_REMOVED ? "no" : "mute";
		html(r, "<tr class=\"%s\"><td><span class=\"tag %s\">%s</span></td><td>%s</td>"
			"<td>%s</td><td>%s</td></tr>",
		     cls, cls, what, d->old ? d->old->code : d->new->code, item_brief(r, d->old),
		     item_brief(r, d->new));
	}
	html_raw(r, "</tbody></table>");
	return added + removed + changed;
}

/* GET /v/CODE/standard/compare?a=ID&b=ID */
static void page_compare(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct std_version *a = version_or_404(r, v->id, req_query(r, "a"));
	if (!a)
		return;
	struct std_version *b = version_or_404(r, v->id, req_query(r, "b"));
	if (!b)
		return;
	struct std_version *rows;
	int n;
	if (standard_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取积分标准时出错。");
		return;
	}
	const char *base = arena_printf(r->a, "/v/%s/standard", url_encode(r->a, v->code));
	html_page_begin(r, arena_printf(r->a, "%s · 比较第 %d 版与第 %d 版", v->name, a->version,
					b->version));
	html(r, "<p class=\"noprint\"><a href=\"%s\">返回积分标准</a></p>", base);
	html(r, "<p>原来：<a href=\"%s/versions/%lld\">第 %d 版</a>（%s 起）；现在："
		"<a href=\"%s/versions/%lld\">第 %d 版</a>（%s 起）。</p>",
	     base, (long long)a->id, a->version, a->effective_on, base, (long long)b->id, b->version,
	     b->effective_on);
	render_diff(r, a, b);
	render_compare_form(r, base, rows, n, a->id, b->id);
	html_page_end(r);
}

/* ---- adopting a village version ------------------------------------------------- */

/* The adoption form's texts as submitted ("" when absent). */
struct adopt_form {
	const char *source; /* "template" or "csv" */
	const char *adopted_on, *effective_on, *meeting_type, *meeting;
	const char *entitled, *attendance, *votes_for, *votes_against, *votes_abstain;
	const char *without_consultation; /* why no consultation (征求意见) came first */
};

static void adopt_form_read(struct req *r, struct adopt_form *f)
{
	f->source = req_form_trim(r, "source");
	f->adopted_on = req_form_trim(r, "adopted_on");
	f->effective_on = req_form_trim(r, "effective_on");
	f->meeting_type = req_form_trim(r, "meeting_type");
	f->meeting = req_form_trim(r, "meeting");
	f->entitled = req_form_trim(r, "entitled");
	f->attendance = req_form_trim(r, "attendance");
	f->votes_for = req_form_trim(r, "votes_for");
	f->votes_against = req_form_trim(r, "votes_against");
	f->votes_abstain = req_form_trim(r, "votes_abstain");
	f->without_consultation = req_form_trim(r, "without_consultation");
}

/* A count field: "" is not recorded (-1); not a number is -2, which
** standard_check_adoption() reports with the field's name. */
static int64_t count_value(const char *s)
{
	int64_t v;
	if (!s || !*s)
		return -1;
	return parse_int64(s, &v) || v < 0 ? -2 : v;
}

/* The adoption record of the form's texts. */
static struct std_adoption adopt_form_record(const struct adopt_form *f)
{
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = f->adopted_on;
	ad.effective_on = f->effective_on;
	ad.meeting_type = f->meeting_type;
	ad.meeting = f->meeting;
	ad.entitled = count_value(f->entitled);
	ad.attendance = count_value(f->attendance);
	ad.votes_for = count_value(f->votes_for);
	ad.votes_against = count_value(f->votes_against);
	ad.votes_abstain = count_value(f->votes_abstain);
	ad.without_consultation = f->without_consultation;
	return ad;
}

/* The record fields of the form, as hidden inputs (confirm form). */
static void adopt_form_hidden(struct req *r, const struct adopt_form *f)
{
	const struct {
		const char *name, *val;
	} fields[] = {
		{"source", f->source},         {"adopted_on", f->adopted_on},
		{"effective_on", f->effective_on}, {"meeting_type", f->meeting_type},
		{"meeting", f->meeting},       {"entitled", f->entitled},
		{"attendance", f->attendance}, {"votes_for", f->votes_for},
		{"votes_against", f->votes_against}, {"votes_abstain", f->votes_abstain},
		{"without_consultation", f->without_consultation},
	};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		html(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", fields[i].name,
		     fields[i].val);
}

/* A number input of the record. */
static void count_input(struct req *r, const char *name, const char *label, const char *val)
{
	html(r, "<label>%s<input name=\"%s\" type=\"number\" min=\"0\" max=\"1000000\" "
		"value=\"%s\"></label>",
	     label, name, val);
}

/* The adopt page: the form with values f (NULL: defaults) and the problems
** errs (NULL: none; then status 400 and each line listed). */
static void adopt_page(struct req *r, const struct village *v, const struct adopt_form *f,
		       const errlist *errs)
{
	struct adopt_form def = {"template", "", "", "villagers", "", "", "", "", "", "", ""};
	if (!f)
		f = &def;
	if (errs && errs->n)
		r->status = 400;
	const char *vc = url_encode(r->a, v->code);
	html_page_begin(r, arena_printf(r->a, "%s · 通过新版积分标准", v->name));
	if (errs && errs->n)
		page_error_list(r, errs,
				arena_printf(r->a,
					     "有 %d 处问题，没有保存任何内容。请改正后重新提交。",
					     errs->n));
	html_raw(r, "<p class=\"hint\">一村一方案：积分标准须经村民会议或村民代表会议讨论通过。"
		    "请如实填写会议记录。新版本从生效日期起施行，此前已记的积分仍按原版本计。</p>");
	html(r, "<form method=\"post\" action=\"/v/%s/standard/adopt\" enctype=\"multipart/form-data\" "
		"class=\"narrow\">",
	     vc);
	html_csrf(r);
	int csv = !strcmp(f->source, "csv");
	html_raw(r, "<fieldset><legend>标准内容</legend>");
	html(r, "<label class=\"check\"><input type=\"radio\" name=\"source\" value=\"template\"%s> "
		"采用镇推荐模板（<a href=\"/standard/template\">查看</a>）</label>",
	     csv ? "" : " checked");
	html(r, "<label class=\"check\"><input type=\"radio\" name=\"source\" value=\"csv\"%s> "
		"上传本村的标准 CSV 文件</label>",
	     csv ? " checked" : "");
	html_raw(r, "<label>CSV 或 Excel 文件<input type=\"file\" name=\"file\" accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\">"
		    "</label><p class=\"hint\">列：类别、项目编号、项目名称、分值、每月上限、每年上限、"
		    "一票否决、需佐证（首行为列名）。可先下载推荐模板或现行版本的 CSV 修改。"
		    "</p>");
	page_template_links(r, "standard");
	html_raw(r, "</fieldset>");
	html_raw(r, "<fieldset><legend>民主程序记录</legend>");
	html(r, "<label>会议通过日期<input name=\"adopted_on\" type=\"date\" value=\"%s\" required>"
		"</label>",
	     f->adopted_on);
	html(r, "<label>生效日期<input name=\"effective_on\" type=\"date\" value=\"%s\" required>"
		"</label>",
	     f->effective_on);
	const char *mt = standard_meeting_type_parse(f->meeting_type);
	mt = mt ? mt : "";
	html_raw(r, "<label>会议类型<select name=\"meeting_type\">");
	html(r, "<option value=\"villagers\"%s>村民会议</option>",
	     !strcmp(mt, STD_MEETING_VILLAGERS) ? " selected" : "");
	html(r, "<option value=\"representatives\"%s>村民代表会议</option>",
	     !strcmp(mt, STD_MEETING_REPRESENTATIVES) ? " selected" : "");
	html_raw(r, "</select></label>");
	html(r, "<label>会议说明（会议名称、纪要编号等）<textarea name=\"meeting\" rows=\"2\" "
		"maxlength=\"500\">\n%s</textarea></label>",
	     f->meeting);
	count_input(r, "entitled", "应到人数", f->entitled);
	count_input(r, "attendance", "实到人数", f->attendance);
	count_input(r, "votes_for", "赞成票", f->votes_for);
	count_input(r, "votes_against", "反对票", f->votes_against);
	count_input(r, "votes_abstain", "弃权票", f->votes_abstain);
	html(r, "</fieldset><fieldset><legend>征求意见</legend><p class=\"hint\">草案应先"
		"<a href=\"/v/%s/consultations\">公开征求村民意见</a>，在征求意见页上表决通过。"
		"不经征求意见直接通过的，请写明原因（记录在案）。</p>"
		"<label>未征求意见的原因<textarea name=\"without_consultation\" rows=\"2\" "
		"maxlength=\"500\" required>\n%s</textarea></label></fieldset>",
	     vc, f->without_consultation);
	html_raw(r, "<button type=\"submit\" class=\"primary\">检查并预览</button></form>");
	html(r, "<p><a href=\"/v/%s/standard\">返回积分标准</a></p>", vc);
	html_page_end(r);
}

/* GET /v/CODE/standard/adopt */
static void page_adopt(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		adopt_page(r, v, NULL, NULL);
}

/* The town template's newest version with items: the stored one, or the
** built-in one parsed (not stored) when the town has none yet.  Returns 0,
** or -1 after answering 500. */
static int template_current(struct req *r, struct std_version **out)
{
	int rc = standard_template_current(r->db, r->a, out);
	if (rc == 0)
		return 0;
	if (rc > 0) {
		size_t len;
		const char *csv = standard_builtin_template(&len);
		errlist errs = {0};
		struct std_version *t = arena_alloc(r->a, sizeof *t);
		struct std_adoption ad = STD_ADOPTION_INIT;
		t->adoption = ad;
		t->version = 1;
		t->effective_on = "2024-01-01";
		t->adoption.effective_on = t->effective_on;
		t->adoption.meeting = "青朱府〔2024〕17号 推荐积分内容和标准";
		t->source = "builtin";
		rc = csv ? standard_parse_csv(r->a, "template-standard.csv", csv, len, &t->items,
					      &t->nitems, &errs)
			 : 1;
		errlist_free(&errs);
		if (rc == 0) {
			*out = t;
			return 0;
		}
	}
	http_error(r, 500, "读取推荐模板时出错。");
	return -1;
}

/* The preview of an adoption that passed the dry run: the record, what
** changes against the version in force, the items, and a confirm form
** carrying the record (and the CSV, base64) back. */
static void adopt_preview(struct req *r, const struct village *v, const struct adopt_form *f,
			  const char *fname, const char *data, size_t len)
{
	arena *a = r->a;
	struct std_version *nv = arena_alloc(a, sizeof *nv);
	errlist errs = {0};
	if (standard_parse_csv(a, fname, data, len, &nv->items, &nv->nitems, &errs)) {
		errlist_free(&errs);
		http_error(r, 500, "预览时出错。");
		return;
	}
	errlist_free(&errs);
	nv->adoption = adopt_form_record(f);
	nv->adoption.meeting_type = standard_meeting_type_parse(f->meeting_type);
	nv->effective_on = f->effective_on;
	nv->source = f->source;
	struct std_version *cur = NULL;
	struct std_version *rows;
	int n;
	if (standard_list(r->db, a, v->id, &rows, &n) ||
	    (n && standard_get(r->db, a, v->id, rows[0].id, 1, &cur) < 0)) {
		http_error(r, 500, "读取积分标准时出错。");
		return;
	}
	nv->version = n ? rows[0].version + 1 : 1;
	html_page_begin(r, arena_printf(a, "%s · 预览新版积分标准", v->name));
	html_notice(r, "检查通过。请核对下面的内容，确认后保存；保存后不能修改，只能再通过新版本。");
	render_adoption(r, nv);
	if (cur) {
		html(r, "<h2>与第 %d 版相比</h2>", cur->version);
		render_diff(r, cur, nv);
	}
	html(r, "<form method=\"post\" action=\"/v/%s/standard/adopt\">", url_encode(a, v->code));
	html_csrf(r);
	adopt_form_hidden(r, f);
	if (!strcmp(f->source, "csv"))
		html(r, "<input type=\"hidden\" name=\"fname\" value=\"%s\">"
			"<input type=\"hidden\" name=\"data\" value=\"%s\">",
		     fname, page_base64(r->a, data, len));
	html_raw(r, "<input type=\"hidden\" name=\"confirm\" value=\"1\">"
		    "<button type=\"submit\" class=\"primary\">确认通过并保存</button></form>");
	html(r, "<p><a href=\"/v/%s/standard/adopt\">放弃，重新填写</a></p>", url_encode(a, v->code));
	html_raw(r, "<h2>新版本的积分项目</h2>");
	render_items(r, nv->items, nv->nitems);
	html_page_end(r);
}

/* POST /v/CODE/standard/adopt: without confirm, check everything (dry run)
** and show the preview or the problems; with confirm=1, adopt. */
static void page_adopt_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct adopt_form f;
	adopt_form_read(r, &f);
	if (strcmp(f.source, "csv"))
		f.source = "template";
	struct std_adoption ad = adopt_form_record(&f);
	int confirm = req_form(r, "confirm") != NULL;
	struct actor who = req_actor(r);
	errlist errs = {0};
	int64_t id = 0;
	int rc;
	const char *fname = "template.csv", *data = NULL;
	size_t len = 0;
	/* a web adoption that did not follow a consultation says why (the
	** consultation page adopts its draft itself); the area reports it
	** with every other problem, and writes nothing while it stands */
	if (!*f.without_consultation)
		errlist_add(&errs, "未征求意见的原因: 不经征求意见直接通过的，请写明原因");
	if (!strcmp(f.source, "csv")) {
		struct upload up;
		int got = page_upload_read(r, WEB_STANDARD_MAX, STANDARD_TOO_BIG, &up);
		if (got) {
			if (got > 0) {
				errlist_add(&errs, "请选择要上传的标准 CSV 文件，或选择采用镇推荐模板。");
				adopt_page(r, v, &f, &errs);
			}
			errlist_free(&errs);
			return;
		}
		fname = up.fname;
		data = up.data;
		len = up.len;
		rc = standard_adopt_csv(r->db, &who, v, &ad, fname, data, len, !confirm, &errs, &id);
	} else if (confirm) {
		rc = standard_adopt_template(r->db, &who, v, &ad, &errs, &id);
	} else {
		/* the dry run of the template: its items as CSV through the same checks */
		struct std_version *t;
		if (template_current(r, &t))
			return;
		struct csv_out w;
		csv_begin(&w, "\n");
		standard_items_csv(&w, t->items, t->nitems);
		len = w.b.len;
		data = arena_strndup(r->a, w.b.p ? w.b.p : "", w.b.len);
		csv_finish(&w);
		rc = standard_adopt_csv(r->db, &who, v, &ad, fname, data, len, 1, &errs, &id);
	}
	if (rc < 0)
		http_error(r, 500, "保存积分标准时出错，没有保存任何内容。");
	else if (rc > 0)
		adopt_page(r, v, &f, &errs);
	else if (!confirm)
		adopt_preview(r, v, &f, fname, data, len);
	else
		http_redirect(r, arena_printf(r->a, "/v/%s/standard/versions/%lld?adopted=1",
					      url_encode(r->a, v->code), (long long)id));
	errlist_free(&errs);
}

/* ---- the town template ------------------------------------------------------------- */

/* GET /standard/template: the newest template version and the versions. */
static void page_template(struct req *r)
{
	struct std_version *t, *rows = NULL;
	int n = 0;
	if (template_current(r, &t))
		return;
	if (standard_list(r->db, r->a, 0, &rows, &n)) {
		http_error(r, 500, "读取推荐模板时出错。");
		return;
	}
	html_page_begin(r, "镇推荐积分标准（模板）");
	if (req_query(r, "published"))
		html_notice(r, "新版推荐模板已发布。");
	html_raw(r, "<p class=\"hint\">各村以此为基础，结合本村实际，经村民会议或村民代表会议通过"
		    "本村的积分标准（一村一方案）。</p>");
	html_raw(r, "<ul class=\"actions noprint\"><li><a href=\"/standard/template.csv\">下载 CSV</a>"
		    "</li>");
	if (req_has_role(r, ROLE_TOWN_ADMIN))
		html_raw(r, "<li><a href=\"/standard/template/publish\">发布新版模板</a></li>");
	html_raw(r, "</ul>");
	html(r, "<p class=\"lead\">第 %d 版，自 %s 起推荐使用。</p>", t->version, t->effective_on);
	if (t->adoption.meeting && *t->adoption.meeting)
		html(r, "<p>依据：%s</p>", t->adoption.meeting);
	render_items(r, t->items, t->nitems);
	if (n > 1) {
		char today[11];
		date_today(today);
		html_raw(r, "<h2>历次版本</h2>");
		render_versions(r, "/standard/template", rows, n, rows[0].id, today);
		render_compare_form(r, "/standard/template", rows, n, 0, 0);
	}
	html_page_end(r);
}

/* GET /standard/template/versions/ID */
static void page_template_version(struct req *r)
{
	struct std_version *sv = version_or_404(r, 0, r->arg[0]);
	if (sv)
		render_version_page(r, arena_printf(r->a, "推荐模板第 %d 版", sv->version),
				    "/standard/template", sv, NULL);
}

/* GET /standard/template/versions/ID/csv */
static void page_template_version_csv(struct req *r)
{
	struct std_version *sv = version_or_404(r, 0, r->arg[0]);
	if (sv)
		send_items_csv(r, sv, arena_printf(r->a, "template-v%d.csv", sv->version));
}

/* GET /standard/template.csv: the newest template as CSV. */
static void page_template_csv(struct req *r)
{
	struct std_version *t;
	if (!template_current(r, &t))
		send_items_csv(r, t, "template-standard.csv");
}

/* GET /standard/template/compare?a=&b= */
static void page_template_compare(struct req *r)
{
	struct std_version *a = version_or_404(r, 0, req_query(r, "a"));
	if (!a)
		return;
	struct std_version *b = version_or_404(r, 0, req_query(r, "b"));
	if (!b)
		return;
	html_page_begin(r, arena_printf(r->a, "推荐模板：比较第 %d 版与第 %d 版", a->version,
					b->version));
	html_raw(r, "<p class=\"noprint\"><a href=\"/standard/template\">返回推荐模板</a></p>");
	render_diff(r, a, b);
	html_page_end(r);
}

/* The publish form with problems errs (NULL none). */
static void publish_page(struct req *r, const char *effective_on, const errlist *errs)
{
	if (errs && errs->n)
		r->status = 400;
	html_page_begin(r, "发布新版推荐模板");
	if (errs && errs->n)
		page_error_list(r, errs, arena_printf(r->a, "有 %d 处问题，没有发布。", errs->n));
	html_raw(r, "<form method=\"post\" action=\"/standard/template/publish\" "
		    "enctype=\"multipart/form-data\" class=\"narrow\">");
	html_csrf(r);
	html(r, "<label>生效日期<input name=\"effective_on\" type=\"date\" value=\"%s\" required>"
		"</label>",
	     effective_on ? effective_on : "");
	html_raw(r, "<label>模板 CSV 或 Excel 文件<input type=\"file\" name=\"file\" accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\" "
		    "required></label><button type=\"submit\" class=\"primary\">检查并预览</button>"
		    "</form><p class=\"hint\">发布后各村可以采用新版模板；已通过的村级标准不受影响。</p>"
		    "<p><a href=\"/standard/template\">返回推荐模板</a></p>");
	html_page_end(r);
}

/* GET /standard/template/publish */
static void page_publish(struct req *r)
{
	publish_page(r, NULL, NULL);
}

/* POST /standard/template/publish: an upload gives the preview; confirm=1
** (with the file back in base64) publishes. */
static void page_publish_post(struct req *r)
{
	const char *eff = req_form_trim(r, "effective_on");
	errlist errs = {0};
	struct upload up;
	int got = page_upload_read(r, WEB_STANDARD_MAX, STANDARD_TOO_BIG, &up);
	if (got) {
		if (got > 0) {
			errlist_add(&errs, "请选择模板 CSV 文件。");
			publish_page(r, eff, &errs);
		}
		errlist_free(&errs);
		return;
	}
	int confirm = up.confirm;
	const char *fname = up.fname, *data = up.data;
	size_t len = up.len;
	if (confirm) {
		struct actor who = req_actor(r);
		int64_t id = 0;
		int rc = standard_template_publish(r->db, &who, eff, fname, data, len, &errs, &id);
		if (rc < 0)
			http_error(r, 500, "发布推荐模板时出错，没有发布。");
		else if (rc > 0)
			publish_page(r, eff, &errs);
		else
			http_redirect(r, "/standard/template?published=1");
		errlist_free(&errs);
		return;
	}
	/* preview: the same checks as publishing, nothing written */
	struct std_version *nv = arena_alloc(r->a, sizeof *nv);
	standard_parse_csv(r->a, fname, data, len, &nv->items, &nv->nitems, &errs);
	if (!date_valid(eff))
		errlist_add(&errs, "生效日期应为有效日期，格式 YYYY-MM-DD");
	if (errs.n) {
		publish_page(r, eff, &errs);
		errlist_free(&errs);
		return;
	}
	struct std_version *cur;
	if (template_current(r, &cur))
		return;
	html_page_begin(r, "预览新版推荐模板");
	html(r, "<p class=\"lead\">生效日期 %s，共 %d 个积分项目。</p>", eff, nv->nitems);
	html(r, "<h2>与现行模板第 %d 版相比</h2>", cur->version);
	render_diff(r, cur, nv);
	html_raw(r, "<form method=\"post\" action=\"/standard/template/publish\">");
	html_csrf(r);
	html(r, "<input type=\"hidden\" name=\"effective_on\" value=\"%s\">"
		"<input type=\"hidden\" name=\"fname\" value=\"%s\">"
		"<input type=\"hidden\" name=\"data\" value=\"%s\">"
		"<input type=\"hidden\" name=\"confirm\" value=\"1\">",
	     eff, fname, page_base64(r->a, data, len));
	html_raw(r, "<button type=\"submit\" class=\"primary\">确认发布</button></form>");
	render_items(r, nv->items, nv->nitems);
	html_page_end(r);
	errlist_free(&errs);
}

const struct route standard_routes[] = {
	{"GET", "/standard/template", page_template, 0, ROUTE_PUBLIC},
	{"GET", "/standard/template.csv", page_template_csv, 0, ROUTE_PUBLIC},
	{"GET", "/standard/template/versions/*", page_template_version, 0, ROUTE_PUBLIC},
	{"GET", "/standard/template/versions/*/csv", page_template_version_csv, 0, ROUTE_PUBLIC},
	{"GET", "/standard/template/compare", page_template_compare, 0, ROUTE_PUBLIC},
	{"GET", "/standard/template/publish", page_publish, ROLE_TOWN_ADMIN, 0},
	{"POST", "/standard/template/publish", page_publish_post, ROLE_TOWN_ADMIN, ROUTE_UPLOAD},
	{"GET", "/v/*/standard", page_standard, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/standard/versions/*", page_version, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/standard/versions/*/csv", page_version_csv, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/standard/compare", page_compare, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/standard/adopt", page_adopt, ROLES_ADMIN, 0},
	{"POST", "/v/*/standard/adopt", page_adopt_post, ROLES_ADMIN, ROUTE_UPLOAD},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link standard_nav[] = {
	{40, ROLE_TOWN_ADMIN, "推荐积分标准", "/standard/template", 0},
	{120, ROLE_VILLAGE_ADMIN | ROLE_SCORER | ROLE_SHOPKEEPER, "积分标准", "/standard", 1},
	{0},
};
