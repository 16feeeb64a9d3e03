/*
** page_household.c — the household pages of a village: the list with
** search, filter tabs and paging; adding and editing a household with
** field-level errors; the detail page with status, the eligibility rule
** explained (户在、房在、人在), members and change history; leaving; adding,
** editing and removing members; and the CSV upload with a preview (dry run)
** and a confirmation that re-posts the same file and applies it.
**
** Every handler starts with req_village_or_404() on r->arg[0], and every
** household lookup is by (village, id): an account of another village gets
** 404 on every URL here.  Viewing is open to the village's admins and
** scorers; changes to admins only (the route table says who).  Scorers see
** phone numbers masked.
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"
#include "household.h"
#include "html.h"
#include "page.h"
#include "ledger.h"
#include "req.h"
#include "village.h"

enum {
	PER_PAGE = 50,
};

/* ---- small helpers ----------------------------------------------------------- */

/* Whether the user may change households (admins) or only view them. */
static int can_change(struct req *r)
{
	return req_has_role(r, ROLES_ADMIN);
}

/* The phone as this user may see it: in full for admins, masked else. */
static const char *shown_phone(struct req *r, const char *phone)
{
	return can_change(r) ? phone : phone_mask(r->a, phone);
}

/* "/v/CODE/households" of v (arena). */
static const char *list_url(struct req *r, const struct village *v)
{
	return arena_printf(r->a, "/v/%s/households", url_encode(r->a, v->code));
}

/* "/v/CODE/households/ID" (arena). */
static const char *detail_url(struct req *r, const struct village *v, int64_t id)
{
	return arena_printf(r->a, "/v/%s/households/%lld", url_encode(r->a, v->code),
			    (long long)id);
}

/* The household of r->arg[1] in v, or answers 404 (500 on a database error)
** and returns NULL. */
static struct household *household_or_404(struct req *r, const struct village *v)
{
	struct household *h = NULL;
	int64_t id = parse_id(r->arg[1]);
	int rc = id ? household_get(r->db, r->a, v->id, id, &h) : 1;
	if (rc < 0)
		http_error(r, 500, "读取农户信息时出错。");
	else if (rc > 0)
		http_error(r, 404, "本村没有这一户。");
	return rc ? NULL : h;
}

/* The opener of the pages of one household: the village r->arg[0] into
** *v (req_village_or_404()) and its household r->arg[1], or NULL when r
** is answered. */
static struct household *village_household_or_404(struct req *r, struct village **v)
{
	*v = req_village_or_404(r, r->arg[0]);
	return *v ? household_or_404(r, *v) : NULL;
}

static const char *yesno(int b)
{
	return b ? "是" : "否";
}

/* The status tag of a household. */
static void status_tag(struct req *r, const struct household *h)
{
	const char *cls = h->left_on ? "mute" : h->participating ? "ok" : "no";
	html(r, "<span class=\"tag %s\">%s</span>", cls, household_status_label(h));
}

/* ---- the list ------------------------------------------------------------------ */

/* GET /v/CODE/households?q=&filter=&page= */
static void page_list(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *q = req_query_trim(r, "q");
	int filter = household_filter_from_name(req_query(r, "filter"));
	if (filter < 0)
		filter = HH_ALL;
	int64_t page = 1;
	const char *ps = req_query(r, "page");
	if (ps && (parse_int64(ps, &page) || page < 1 || page > 1000000))
		page = 1;

	int64_t counts[HH_FILTER_COUNT];
	struct household *rows;
	int n;
	int64_t total;
	if (household_counts(r->db, v->id, q, counts) ||
	    household_list(r->db, r->a, v->id, q, filter, (int)page, PER_PAGE, &rows, &n, &total)) {
		http_error(r, 500, "读取农户名册时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	const char *qe = url_encode(r->a, q);

	html_page_begin(r, arena_printf(r->a, "%s · 农户名册", v->name));
	if (can_change(r)) {
		html_raw(r, "<ul class=\"actions\">");
		html(r, "<li><a href=\"/v/%s/households/new\">登记新农户</a></li>", vc);
		html(r, "<li><a href=\"/v/%s/import\">批量导入（CSV）</a></li>", vc);
		html_raw(r, "</ul>");
	}
	html(r, "<form method=\"get\" action=\"/v/%s/households\" class=\"inline\" role=\"search\">",
	     vc);
	html(r, "<label>查找（户编号或户主姓名）<input name=\"q\" value=\"%s\" maxlength=\"50\">"
		"</label>",
	     q);
	if (filter != HH_ALL)
		html(r, "<input type=\"hidden\" name=\"filter\" value=\"%s\">",
		     household_filter_name(filter));
	html_raw(r, "<button type=\"submit\">查找</button></form>");

	html_raw(r, "<nav class=\"tabs\" aria-label=\"筛选\">");
	for (int f = 0; f < HH_FILTER_COUNT; f++)
		html(r, "<a href=\"/v/%s/households?filter=%s&amp;q=%s\" class=\"%s\">%s（%lld）</a>",
		     vc, household_filter_name(f), qe, f == filter ? "on" : "",
		     household_filter_label(f), (long long)counts[f]);
	html_raw(r, "</nav>");

	if (!n) {
		html_raw(r, "<p>没有符合条件的农户。</p>");
	} else {
		html_raw(r, "<table class=\"list wide\"><thead><tr><th>户编号</th><th>户主</th>"
			    "<th>地址</th><th class=\"num\">人口</th><th>状态</th></tr></thead><tbody>");
		for (int i = 0; i < n; i++) {
			const struct household *h = &rows[i];
			html(r, "<tr><td><a href=\"/v/%s/households/%lld\">%s</a></td>"
				"<td><a href=\"/v/%s/households/%lld\">%s</a></td><td>%s</td>",
			     vc, (long long)h->id, h->code, vc, (long long)h->id, h->head_name,
			     h->address);
			if (h->member_count > 0)
				html(r, "<td class=\"num\">%lld</td><td>", (long long)h->member_count);
			else
				html_raw(r, "<td class=\"num\">—</td><td>");
			status_tag(r, h);
			html_raw(r, "</td></tr>");
		}
		html_raw(r, "</tbody></table>");
	}
	int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
	if (pages > 1) {
		html_raw(r, "<p class=\"pager\">");
		if (page > 1)
			html(r, "<a href=\"/v/%s/households?filter=%s&amp;q=%s&amp;page=%lld\">上一页</a> ",
			     vc, household_filter_name(filter), qe, (long long)page - 1);
		html(r, "第 %lld / %lld 页（共 %lld 户）", (long long)page, (long long)pages,
		     (long long)total);
		if (page < pages)
			html(r, " <a href=\"/v/%s/households?filter=%s&amp;q=%s&amp;page=%lld\">下一页</a>",
			     vc, household_filter_name(filter), qe, (long long)page + 1);
		html_raw(r, "</p>");
	} else {
		html(r, "<p class=\"hint\">共 %lld 户。</p>", (long long)total);
	}
	html_page_end(r);
}

/* ---- add / edit form ------------------------------------------------------------------- */

/* The form's texts of a stored household (arena). */
static void form_values(struct req *r, const struct household *h, const char *vals[HF_COUNT])
{
	vals[HF_CODE] = h->code;
	vals[HF_HEAD_NAME] = h->head_name;
	vals[HF_ADDRESS] = h->address;
	vals[HF_MEMBERS] = h->member_count > 0
				   ? arena_printf(r->a, "%lld", (long long)h->member_count)
				   : "";
	vals[HF_PHONE] = h->phone;
	vals[HF_HUKOU] = yesno(h->hukou);
	vals[HF_HOMESTEAD] = yesno(h->homestead);
	vals[HF_RESIDENT] = yesno(h->resident);
	vals[HF_TENANT] = yesno(h->tenant);
	vals[HF_JOINED] = h->joined ? h->joined : "";
}

/* The submitted texts of the form (trimmed, "" when absent). */
static void form_read(struct req *r, const char *vals[HF_COUNT])
{
	for (int f = 0; f < HF_COUNT; f++)
		vals[f] = req_form_trim(r, household_csv_spec[f].name);
}

/* A field's error line, if any. */
static void field_error(struct req *r, const char *msg)
{
	if (msg)
		html(r, "<span class=\"field-error\">%s</span>", msg);
}

/* A yes/no select; required ones start with "请选择". */
static void yesno_select(struct req *r, int f, const char *label, const char *val,
			 int required, const char *msg)
{
	int yn = parse_yesno(val);
	html(r, "<label>%s<select name=\"%s\"%s>", label, household_csv_spec[f].name,
	     required ? " required" : "");
	if (required)
		html(r, "<option value=\"\"%s>请选择</option>", yn < 0 ? " selected" : "");
	html(r, "<option value=\"是\"%s>是</option>", yn == 1 ? " selected" : "");
	html(r, "<option value=\"否\"%s>否</option>", yn == 0 || (!required && yn < 0) ? " selected" : "");
	html_raw(r, "</select>");
	field_error(r, msg);
	html_raw(r, "</label>");
}

/* The add/edit page: title, form action, the values and per-field messages
** (msgs may be NULL).  Status 400 when there are messages. */
static void household_form(struct req *r, const struct village *v, const char *title,
			   const char *action, const char *vals[HF_COUNT],
			   const char *msgs[HF_COUNT], const char *cancel)
{
	const char *none[HF_COUNT] = {0};
	if (!msgs)
		msgs = none;
	int bad = 0;
	for (int f = 0; f < HF_COUNT; f++)
		bad += msgs[f] != NULL;
	if (bad)
		r->status = 400;
	html_page_begin(r, title);
	if (bad)
		html_error_box(r, arena_printf(r->a, "有 %d 处需要改正，见下方红字。", bad));
	html(r, "<form method=\"post\" action=\"%s\" class=\"narrow\">", action);
	html_csrf(r);
	html(r, "<label>户编号<input name=\"code\" value=\"%s\" maxlength=\"32\" required>",
	     vals[HF_CODE]);
	field_error(r, msgs[HF_CODE]);
	html_raw(r, "</label>");
	html(r, "<label>户主姓名<input name=\"head_name\" value=\"%s\" maxlength=\"50\" required>",
	     vals[HF_HEAD_NAME]);
	field_error(r, msgs[HF_HEAD_NAME]);
	html_raw(r, "</label>");
	html(r, "<label>地址<textarea name=\"address\" rows=\"2\" maxlength=\"200\">\n%s</textarea>",
	     vals[HF_ADDRESS]);
	field_error(r, msgs[HF_ADDRESS]);
	html_raw(r, "</label>");
	html(r, "<label>人口数<input name=\"members\" value=\"%s\" inputmode=\"numeric\" "
		"maxlength=\"4\">",
	     vals[HF_MEMBERS]);
	field_error(r, msgs[HF_MEMBERS]);
	html_raw(r, "</label>");
	html(r, "<label>联系电话<input name=\"phone\" value=\"%s\" inputmode=\"tel\" "
		"maxlength=\"15\">",
	     vals[HF_PHONE]);
	field_error(r, msgs[HF_PHONE]);
	html_raw(r, "</label>");
	yesno_select(r, HF_HUKOU, "本地户籍（户在）", vals[HF_HUKOU], 1, msgs[HF_HUKOU]);
	yesno_select(r, HF_HOMESTEAD, "宅基地房屋（房在）", vals[HF_HOMESTEAD], 1,
		     msgs[HF_HOMESTEAD]);
	yesno_select(r, HF_RESIDENT, "常住（人在：至少一人常住）", vals[HF_RESIDENT], 1,
		     msgs[HF_RESIDENT]);
	yesno_select(r, HF_TENANT, "租赁户", vals[HF_TENANT], 0, msgs[HF_TENANT]);
	html(r, "<label>参与日期<input name=\"joined\" type=\"date\" value=\"%s\">",
	     vals[HF_JOINED]);
	field_error(r, msgs[HF_JOINED]);
	html_raw(r, "<span class=\"hint\">本户自愿参与积分制的日期；留空表示尚未参与。</span></label>");
	html(r, "<p class=\"hint\">租赁户%s参与（本村设置）。</p>", v->admits_tenants ? "可以" : "不能");
	html(r, "<button type=\"submit\" class=\"primary\">保存</button> <a href=\"%s\">取消</a>"
		"</form>",
	     cancel);
	html_page_end(r);
}

/* GET /v/CODE/households/new */
static void page_new(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *vals[HF_COUNT] = {"", "", "", "", "", "", "", "", "否", ""};
	household_form(r, v, arena_printf(r->a, "%s · 登记新农户", v->name),
		       arena_printf(r->a, "%s/new", list_url(r, v)), vals, NULL, list_url(r, v));
}

/* Validate and save the posted form as household id (0: new); answers
** with the form again or a redirect to the detail page. */
static void save_posted(struct req *r, const struct village *v, int64_t id, const char *title,
			const char *action, const char *cancel)
{
	const char *vals[HF_COUNT], *msgs[HF_COUNT];
	char today[11];
	date_today(today);
	form_read(r, vals);
	struct household h = {0};
	if (household_check(r->a, vals, today, &h, NULL, msgs)) {
		household_form(r, v, title, action, vals, msgs, cancel);
		return;
	}
	h.id = id;
	struct actor who = req_actor(r);
	int rc = household_save(r->db, &who, v, &h, msgs);
	if (rc < 0)
		http_error(r, 500, "保存时出错，没有保存任何内容。");
	else if (rc > 0)
		household_form(r, v, title, action, vals, msgs, cancel);
	else
		http_redirect(r, arena_printf(r->a, "%s?saved=1", detail_url(r, v, h.id)));
}

/* POST /v/CODE/households/new */
static void page_new_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	save_posted(r, v, 0, arena_printf(r->a, "%s · 登记新农户", v->name),
		    arena_printf(r->a, "%s/new", list_url(r, v)), list_url(r, v));
}

/* GET /v/CODE/households/ID/edit */
static void page_edit(struct req *r)
{
	struct village *v;
	struct household *h = village_household_or_404(r, &v);
	if (!h)
		return;
	const char *vals[HF_COUNT];
	form_values(r, h, vals);
	const char *url = detail_url(r, v, h->id);
	household_form(r, v, arena_printf(r->a, "修改农户 %s", h->code),
		       arena_printf(r->a, "%s/edit", url), vals, NULL, url);
}

/* POST /v/CODE/households/ID/edit */
static void page_edit_post(struct req *r)
{
	struct village *v;
	struct household *h = village_household_or_404(r, &v);
	if (!h)
		return;
	const char *url = detail_url(r, v, h->id);
	save_posted(r, v, h->id, arena_printf(r->a, "修改农户 %s", h->code),
		    arena_printf(r->a, "%s/edit", url), url);
}

/* ---- detail ------------------------------------------------------------------------------ */

/* What a re-rendered detail page shows besides the household: errors of the
** leave or member form, and the member form's values. */
struct detail_state {
	const errlist *leave_errs;
	const char *leave_date, *leave_reason;
	const char *const *member_vals; /* MF_COUNT or NULL */
	const char *const *member_msgs;
	const errlist *errs; /* other messages */
};

/* The label of an audit JSON key, or NULL for keys not shown. */
static const char *change_key_label(const char *key)
{
	static const char *const map[][2] = {
		{"code", "户编号"}, {"head_name", "户主姓名"}, {"address", "地址"},
		{"members", "人口数"}, {"phone", "联系电话"}, {"hukou", "本地户籍"},
		{"homestead", "宅基地房屋"}, {"resident", "常住"}, {"tenant", "租赁户"},
		{"joined", "参与日期"}, {"left_on", "退出日期"}, {"left_reason", "退出原因"},
		{"eligible", "符合条件"}, {"participating", "参与"}, {"name", "成员姓名"},
		{"relation", "与户主关系"}, {"party_member", "党员"}, {"removed_on", "移除日期"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(key, map[i][0]))
			return map[i][1];
	return NULL;
}

/* A JSON value of the audit as text for people: yes/no keys as 是/否, null
** as （空）, phones masked for those who may not see them. */
static const char *change_value(struct req *r, const char *key, json_t *val)
{
	static const char *const yn_keys[] = {"hukou", "homestead", "resident", "tenant",
					      "eligible", "participating", "party_member"};
	if (!val || json_is_null(val))
		return "（空）";
	if (json_is_integer(val)) {
		for (size_t i = 0; i < sizeof yn_keys / sizeof yn_keys[0]; i++)
			if (!strcmp(key, yn_keys[i]))
				return yesno(json_integer_value(val) != 0);
		return arena_printf(r->a, "%lld", (long long)json_integer_value(val));
	}
	if (json_is_string(val)) {
		const char *s = json_string_value(val);
		if (!strcmp(key, "phone"))
			return *s ? shown_phone(r, s) : "（空）";
		return *s ? arena_strdup(r->a, s) : "（空）";
	}
	return "";
}

/* The changes of one audit row: "label: old → new" per changed key, or the
** values of an addition. */
static void render_change(struct req *r, const struct household_change *c)
{
	json_error_t err;
	json_t *before = c->before ? json_loads(c->before, 0, &err) : NULL;
	json_t *after = c->after ? json_loads(c->after, 0, &err) : NULL;
	json_t *keys = after ? after : before;
	int shown = 0;
	if (json_is_object(keys)) {
		const char *key;
		json_t *val;
		json_object_foreach(keys, key, val) {
			const char *label = change_key_label(key);
			if (!label)
				continue;
			json_t *old = before ? json_object_get(before, key) : NULL;
			json_t *new = after ? json_object_get(after, key) : NULL;
			if (before && after) {
				if (json_equal(old, new))
					continue;
				html(r, "<div>%s：%s → %s</div>", label, change_value(r, key, old),
				     change_value(r, key, new));
			} else {
				if (json_is_null(val) || (json_is_string(val) && !*json_string_value(val)))
					continue;
				html(r, "<div>%s：%s</div>", label, change_value(r, key, val));
			}
			shown++;
		}
	}
	if (!shown)
		html_raw(r, "<div class=\"hint\">—</div>");
	json_decref(before);
	json_decref(after);
}

/* Why the household is (not) eligible, in words. */
static void render_eligibility(struct req *r, const struct village *v, const struct household *h)
{
	html_raw(r, "<h2>参与条件</h2><table class=\"list\"><tbody>");
	html(r, "<tr><th>户在（本地户籍）</th><td>%s</td></tr>", yesno(h->hukou));
	html(r, "<tr><th>房在（宅基地房屋）</th><td>%s</td></tr>", yesno(h->homestead));
	html(r, "<tr><th>人在（至少一人常住）</th><td>%s</td></tr>", yesno(h->resident));
	html(r, "<tr><th>租赁户</th><td>%s（本村%s租赁户参与）</td></tr>", yesno(h->tenant),
	     v->admits_tenants ? "允许" : "不允许");
	html_raw(r, "</tbody></table>");
	if (h->hukou && h->homestead && h->resident) {
		html_raw(r, "<p>符合条件：户在、房在、人在。</p>");
	} else if (h->tenant && v->admits_tenants) {
		html_raw(r, "<p>符合条件：租赁户，本村允许租赁户参与。</p>");
	} else {
		buf b = {0};
		if (!h->hukou)
			buf_puts(&b, "户在、");
		if (!h->homestead)
			buf_puts(&b, "房在、");
		if (!h->resident)
			buf_puts(&b, "人在、");
		if (b.len >= strlen("、"))
			b.len -= strlen("、");
		html(r, "<p>不符合条件：缺少%s%s。</p>", buf_cstr(&b),
		     h->tenant ? "（租赁户，但本村不允许租赁户参与）" : "");
		buf_free(&b);
	}
	if (h->left_on)
		html(r, "<p>已于 %s 退出，原因：%s。</p>", h->left_on,
		     h->left_reason ? h->left_reason : "");
	else if (h->participating)
		html(r, "<p>自 %s 起参与积分制。</p>", h->joined);
	else if (h->joined)
		html(r, "<p>已登记参与日期 %s，但不符合条件，所以不参与。</p>", h->joined);
	else if (h->eligible)
		html_raw(r, "<p>尚未登记参与（填写参与日期即可参与）。</p>");
}

/* The member form's fields (add or edit). */
static void member_fields(struct req *r, const char *const *vals, const char *const *msgs)
{
	static const char *const empty[MF_COUNT] = {"", "", "", ""};
	static const char *const none[MF_COUNT] = {0};
	if (!vals)
		vals = empty;
	if (!msgs)
		msgs = none;
	html(r, "<label>姓名<input name=\"name\" value=\"%s\" maxlength=\"50\" required>",
	     vals[MF_NAME]);
	field_error(r, msgs[MF_NAME]);
	html(r, "</label><label>与户主关系<input name=\"relation\" value=\"%s\" maxlength=\"20\" "
		"placeholder=\"户主、配偶、子、女……\">",
	     vals[MF_RELATION]);
	field_error(r, msgs[MF_RELATION]);
	int yn = parse_yesno(vals[MF_PARTY]);
	html(r, "</label><label>党员<select name=\"party_member\"><option value=\"否\"%s>否</option>"
		"<option value=\"是\"%s>是</option></select>",
	     yn != 1 ? " selected" : "", yn == 1 ? " selected" : "");
	field_error(r, msgs[MF_PARTY]);
	html(r, "</label><label>联系电话<input name=\"phone\" value=\"%s\" inputmode=\"tel\" "
		"maxlength=\"15\">",
	     vals[MF_PHONE]);
	field_error(r, msgs[MF_PHONE]);
	html_raw(r, "</label>");
}

/* The detail page of h in v, with the state of a failed form if any. */
static void render_detail(struct req *r, const struct village *v, const struct household *h,
			  const struct detail_state *st)
{
	struct detail_state none = {0};
	if (!st)
		st = &none;
	struct member *ms;
	int nm;
	struct household_change *hist;
	int nh;
	if (member_list(r->db, r->a, v->id, h->id, 1, &ms, &nm) ||
	    household_history(r->db, r->a, v->id, h->id, 200, &hist, &nh)) {
		http_error(r, 500, "读取农户信息时出错。");
		return;
	}
	const char *url = detail_url(r, v, h->id);
	int admin = can_change(r);

	html_page_begin(r, arena_printf(r->a, "%s · %s", h->code, h->head_name));
	static const char *const notes[][2] = {
		{"saved", "已保存。"}, {"left", "已登记退出。"}, {"member", "成员已保存。"},
		{"removed", "成员已移除。"},
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (req_query(r, notes[i][0]))
			html_notice(r, notes[i][1]);
	html_error_boxes(r, st->errs);

	html(r, "<p><a href=\"%s\">← 返回农户名册</a></p>", list_url(r, v));
	html_raw(r, "<p>状态：");
	status_tag(r, h);
	html_raw(r, "</p><table class=\"list\"><tbody>");
	html(r, "<tr><th>户编号</th><td>%s</td></tr>", h->code);
	html(r, "<tr><th>户主姓名</th><td>%s</td></tr>", h->head_name);
	html(r, "<tr><th>地址</th><td>%s</td></tr>", h->address);
	if (h->member_count > 0)
		html(r, "<tr><th>人口数</th><td>%lld</td></tr>", (long long)h->member_count);
	else
		html_raw(r, "<tr><th>人口数</th><td>—</td></tr>");
	html(r, "<tr><th>联系电话</th><td>%s</td></tr>", shown_phone(r, h->phone));
	html(r, "<tr><th>参与日期</th><td>%s</td></tr>", h->joined ? h->joined : "—");
	if (h->left_on)
		html(r, "<tr><th>退出</th><td>%s：%s</td></tr>", h->left_on,
		     h->left_reason ? h->left_reason : "");
	html_raw(r, "</tbody></table>");
	if (admin)
		html(r, "<ul class=\"actions\"><li><a href=\"%s/edit\">修改信息</a></li>"
			"<li><a href=\"%s/card\">积分卡与 PIN</a></li></ul>",
		     url, url);

	render_eligibility(r, v, h);
	if (admin)
		page_name_consent_form(r, url, v->id, h->id);

	/* the household's points, as its passbook shows them */
	char today[11];
	date_today(today);
	struct ledger_summary sum = {0};
	if (ledger_household_summary(r->db, v->id, h->id, today, &sum) == 0) {
		html(r, "<h2>积分</h2><p class=\"lead\">积分余额 <strong>%lld</strong> 分，"
			"本年 %lld 分，本季度 %lld 分%s。",
		     (long long)sum.balance, (long long)sum.year_points,
		     (long long)sum.quarter_points, sum.veto ? "（本年度一票否决）" : "");
		html(r, " <a href=\"/v/%s/ledger?household=%s\">积分台账（%lld 条）</a></p>",
		     url_encode(r->a, v->code), url_encode(r->a, h->code), (long long)sum.entries);
	}

	/* members */
	html_raw(r, "<h2>家庭成员</h2>");
	int active = 0;
	for (int i = 0; i < nm; i++)
		active += !ms[i].removed_on;
	if (!nm)
		html_raw(r, "<p class=\"hint\">还没有登记家庭成员。</p>");
	else {
		html_raw(r, "<table class=\"list wide\"><thead><tr><th>姓名</th><th>与户主关系</th>"
			    "<th>党员</th><th>联系电话</th><th>操作</th></tr></thead><tbody>");
		for (int i = 0; i < nm; i++) {
			const struct member *m = &ms[i];
			html(r, "<tr class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
			     m->removed_on ? "hint" : "", m->name, m->relation,
			     yesno(m->party_member), shown_phone(r, m->phone));
			if (m->removed_on)
				html(r, "已于 %s 移除", m->removed_on);
			else if (admin) {
				html(r, "<a href=\"%s/members/%lld/edit\">修改</a> ", url,
				     (long long)m->id);
				html(r, "<form method=\"post\" action=\"%s/members/%lld/remove\" "
					"class=\"inline\">",
				     url, (long long)m->id);
				html_csrf(r);
				html_raw(r, "<button type=\"submit\">移除</button></form>");
			}
			html_raw(r, "</td></tr>");
		}
		html_raw(r, "</tbody></table>");
		html(r, "<p class=\"hint\">现有成员 %d 人。</p>", active);
	}
	if (admin) {
		html(r, "<h2>添加成员</h2><form method=\"post\" action=\"%s/members\" class=\"narrow\">",
		     url);
		html_csrf(r);
		member_fields(r, st->member_vals, st->member_msgs);
		html_raw(r, "<button type=\"submit\" class=\"primary\">添加成员</button></form>");
	}

	/* leaving */
	if (admin && !h->left_on) {
		char today[11];
		date_today(today);
		html(r, "<h2>登记退出</h2><form method=\"post\" action=\"%s/leave\" class=\"narrow\">",
		     url);
		html_csrf(r);
		for (int i = 0; st->leave_errs && i < st->leave_errs->n; i++)
			html(r, "<p class=\"field-error\">%s</p>", st->leave_errs->msg[i]);
		html(r, "<label>退出日期<input name=\"date\" type=\"date\" value=\"%s\" required>"
			"</label>",
		     st->leave_date ? st->leave_date : today);
		html(r, "<label>退出原因<input name=\"reason\" value=\"%s\" maxlength=\"200\" "
			"required></label>",
		     st->leave_reason ? st->leave_reason : "");
		html_raw(r, "<p class=\"hint\">退出后本户保留在名册中，不再参与积分。</p>"
			    "<button type=\"submit\">登记退出</button></form>");
	}

	/* history */
	html_raw(r, "<h2>变更记录</h2>");
	if (!nh)
		html_raw(r, "<p class=\"hint\">没有记录。</p>");
	else {
		html_raw(r, "<table class=\"list wide\"><thead><tr><th>时间</th><th>操作人</th>"
			    "<th>操作</th><th>内容</th></tr></thead><tbody>");
		for (int i = 0; i < nh; i++) {
			const struct household_change *c = &hist[i];
			html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>",
			     time_format(r->a, c->at, NULL), c->login, household_action_label(c->action));
			render_change(r, c);
			html_raw(r, "</td></tr>");
		}
		html_raw(r, "</tbody></table>");
	}
	html_page_end(r);
}

/* GET /v/CODE/households/ID */
static void page_detail(struct req *r)
{
	struct village *v;
	struct household *h = village_household_or_404(r, &v);
	if (h)
		render_detail(r, v, h, NULL);
}

/* POST /v/CODE/households/ID/leave: date, reason. */
static void page_leave_post(struct req *r)
{
	struct village *v;
	struct household *h = village_household_or_404(r, &v);
	if (!h)
		return;
	const char *date = req_form_trim(r, "date"), *reason = req_form_trim(r, "reason");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = household_leave(r->db, &who, v, h->id, date, reason, &errs);
	if (rc < 0)
		http_error(r, 500, "登记退出时出错，没有保存任何内容。");
	else if (rc > 0) {
		struct detail_state st = {.leave_errs = &errs, .leave_date = date,
					  .leave_reason = reason};
		r->status = 400;
		render_detail(r, v, h, &st);
	} else
		http_redirect(r, arena_printf(r->a, "%s?left=1", detail_url(r, v, h->id)));
	errlist_free(&errs);
}

/* ---- members ---------------------------------------------------------------------------------- */

static void member_read(struct req *r, const char *vals[MF_COUNT])
{
	vals[MF_NAME] = req_form_trim(r, "name");
	vals[MF_RELATION] = req_form_trim(r, "relation");
	vals[MF_PARTY] = req_form_trim(r, "party_member");
	vals[MF_PHONE] = req_form_trim(r, "phone");
}

/* POST /v/CODE/households/ID/members: add a member. */
static void page_member_add(struct req *r)
{
	struct village *v;
	struct household *h = village_household_or_404(r, &v);
	if (!h)
		return;
	const char *vals[MF_COUNT], *msgs[MF_COUNT];
	member_read(r, vals);
	struct member m = {0};
	errlist errs = {0};
	int rc = 1;
	if (!member_check(r->a, vals, &m, msgs)) {
		struct actor who = req_actor(r);
		rc = member_save(r->db, &who, v, h->id, &m, &errs);
	}
	if (rc < 0)
		http_error(r, 500, "保存成员时出错，没有保存任何内容。");
	else if (rc > 0) {
		struct detail_state st = {.member_vals = vals, .member_msgs = msgs, .errs = &errs};
		r->status = 400;
		render_detail(r, v, h, &st);
	} else
		http_redirect(r, arena_printf(r->a, "%s?member=1", detail_url(r, v, h->id)));
	errlist_free(&errs);
}

/* The village and household of the path (into *v, *h) and the member
** r->arg[2] of the household, or answers 404 (500) and NULL. */
static struct member *member_or_404(struct req *r, struct village **v, struct household **h)
{
	if (!(*h = village_household_or_404(r, v)))
		return NULL;
	struct member *m = NULL;
	int64_t id = parse_id(r->arg[2]);
	int rc = id ? member_get(r->db, r->a, (*v)->id, (*h)->id, id, &m) : 1;
	if (rc < 0)
		http_error(r, 500, "读取成员信息时出错。");
	else if (rc > 0 || m->removed_on) {
		http_error(r, 404, "这一户没有这位成员。");
		return NULL;
	}
	return rc ? NULL : m;
}

/* The member edit page. */
static void member_form(struct req *r, const struct village *v, const struct household *h,
			const struct member *m, const char *const *vals, const char *const *msgs,
			const errlist *errs)
{
	const char *url = detail_url(r, v, h->id);
	int bad = 0;
	for (int f = 0; msgs && f < MF_COUNT; f++)
		bad += msgs[f] != NULL;
	if (bad || (errs && errs->n))
		r->status = 400;
	html_page_begin(r, arena_printf(r->a, "%s · 修改成员", h->code));
	html_error_boxes(r, errs);
	html(r, "<form method=\"post\" action=\"%s/members/%lld/edit\" class=\"narrow\">", url,
	     (long long)m->id);
	html_csrf(r);
	member_fields(r, vals, msgs);
	html(r, "<button type=\"submit\" class=\"primary\">保存</button> <a href=\"%s\">取消</a>"
		"</form>",
	     url);
	html_page_end(r);
}

/* GET /v/CODE/households/ID/members/MID/edit */
static void page_member_edit(struct req *r)
{
	struct village *v;
	struct household *h;
	struct member *m = member_or_404(r, &v, &h);
	if (!m)
		return;
	const char *vals[MF_COUNT] = {m->name, m->relation, yesno(m->party_member), m->phone};
	member_form(r, v, h, m, vals, NULL, NULL);
}

/* POST /v/CODE/households/ID/members/MID/edit */
static void page_member_edit_post(struct req *r)
{
	struct village *v;
	struct household *h;
	struct member *m = member_or_404(r, &v, &h);
	if (!m)
		return;
	const char *vals[MF_COUNT], *msgs[MF_COUNT];
	member_read(r, vals);
	struct member nm = {0};
	errlist errs = {0};
	int rc = 1;
	if (!member_check(r->a, vals, &nm, msgs)) {
		nm.id = m->id;
		struct actor who = req_actor(r);
		rc = member_save(r->db, &who, v, h->id, &nm, &errs);
	}
	if (rc < 0)
		http_error(r, 500, "保存成员时出错，没有保存任何内容。");
	else if (rc > 0)
		member_form(r, v, h, m, vals, msgs, &errs);
	else
		http_redirect(r, arena_printf(r->a, "%s?member=1", detail_url(r, v, h->id)));
	errlist_free(&errs);
}

/* POST /v/CODE/households/ID/members/MID/remove */
static void page_member_remove(struct req *r)
{
	struct village *v;
	struct household *h;
	struct member *m = member_or_404(r, &v, &h);
	if (!m)
		return;
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = member_remove(r->db, &who, v, h->id, m->id, &errs);
	if (rc < 0)
		http_error(r, 500, "移除成员时出错。");
	else if (rc > 0)
		http_error(r, 404, errs.n ? errs.msg[0] : "这一户没有这位成员。");
	else
		http_redirect(r, arena_printf(r->a, "%s?removed=1", detail_url(r, v, h->id)));
	errlist_free(&errs);
}

const struct route household_routes[] = {
	{"GET", "/v/*/households", page_list, ROLES_VIEW, 0},
	{"GET", "/v/*/households/new", page_new, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/new", page_new_post, ROLES_ADMIN, 0},
	{"GET", "/v/*/households/*", page_detail, ROLES_VIEW, 0},
	{"GET", "/v/*/households/*/edit", page_edit, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/edit", page_edit_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/leave", page_leave_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/members", page_member_add, ROLES_ADMIN, 0},
	{"GET", "/v/*/households/*/members/*/edit", page_member_edit, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/members/*/edit", page_member_edit_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/households/*/members/*/remove", page_member_remove, ROLES_ADMIN, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link household_nav[] = {
	{110, ROLE_VILLAGE_ADMIN | ROLE_SCORER, "农户", "/households", 1},
	{0},
};
