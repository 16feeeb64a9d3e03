/*
** page_audit.c — the audit log (操作日志) for people:
**
**   GET /audit[?who=&kind=&before=]               the whole town (town admin)
**   GET /v/CODE/audit[?who=&household=&kind=&before=]   one village (its admins)
**
** Each row in Chinese: the date and time, who acted, what they did in
** words (audit_words.c), the object by name, and what changed field by
** field with the fields' Chinese names ("户主姓名：张三 → 张三丰"), times
** as dates.  Filters: the person (account login), the household (its code,
** any case, prefix optional) and the kind of action; ?before=ID pages back.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_words.h"
#include "auth.h"
#include "household.h"
#include "html.h"
#include "req.h"
#include "village.h"

/* One JSON value of key as people read it. */
static const char *value_words(struct req *r, const char *key, json_t *val)
{
	if (!val || json_is_null(val))
		return "（空）";
	if (json_is_integer(val)) {
		json_int_t n = json_integer_value(val);
		if (audit_field_is_yesno(key))
			return n ? "是" : "否";
		if (audit_field_is_time(key) && n > 0)
			return time_format(r->a, (int64_t)n, NULL);
		return arena_printf(r->a, "%lld", (long long)n);
	}
	if (json_is_true(val))
		return "是";
	if (json_is_false(val))
		return "否";
	if (json_is_string(val))
		return *json_string_value(val) ? arena_strdup(r->a, json_string_value(val)) : "（空）";
	if (json_is_real(val))
		return arena_printf(r->a, "%g", json_real_value(val));
	char *text = json_dumps(val, JSON_COMPACT);
	const char *out = arena_strdup(r->a, text ? text : "");
	free(text);
	return out;
}

/* The change of one row, one line per field: "名称：旧 → 新" for a changed
** field, "名称：值" when there is only an after (or only a before). */
static void change_lines(struct req *r, const char *before_text, const char *after_text)
{
	json_error_t err;
	json_t *before = before_text && *before_text ? json_loads(before_text, 0, &err) : NULL;
	json_t *after = after_text && *after_text ? json_loads(after_text, 0, &err) : NULL;
	json_t *keys = json_is_object(after) ? after : before;
	int shown = 0;
	if (json_is_object(keys)) {
		const char *key;
		json_t *val;
		json_object_foreach(keys, key, val) {
			json_t *old = json_is_object(before) ? json_object_get(before, key) : NULL;
			json_t *new = json_is_object(after) ? json_object_get(after, key) : NULL;
			if (old && new && json_equal(old, new))
				continue;
			if (old && new)
				html(r, "<div>%s：%s → %s</div>", audit_field_words(key),
				     value_words(r, key, old), value_words(r, key, new));
			else
				html(r, "<div>%s：%s</div>", audit_field_words(key),
				     value_words(r, key, val));
			shown++;
		}
	}
	if (!shown)
		html_raw(r, "<div class=\"hint\">—</div>");
	json_decref(before);
	json_decref(after);
}

/* The object of a row in words: "household:42" as the household's code and
** head (looked up in village_id), other "kind:id" with the kind in
** Chinese. */
static const char *object_words(struct req *r, int64_t village_id, const char *object)
{
	static const char *const kinds[][2] = {
		{"household:", "农户 "}, {"sheet:", "积分表 "}, {"ledger:", "台账记录 "},
		{"standard:", "积分标准 "}, {"account:", "账号 "}, {"declaration:", "申报 "},
		{"catalog:", "商品 "}, {"redemption:", "兑换 "}, {"objection:", "异议 "},
		{"fund:", "资金记录 "}, {"village:", "村 "}, {"town", "全镇"},
	};
	if (!object || !*object)
		return "";
	int64_t id;
	struct household *h = NULL;
	if (village_id && !strncmp(object, "household:", 10) && !parse_int64(object + 10, &id) &&
	    household_get(r->db, r->a, village_id, id, &h) == 0 && h)
		return arena_printf(r->a, "农户 %s（%s）", h->code, h->head_name);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i][0]);
		if (!strncmp(object, kinds[i][0], n))
			return arena_printf(r->a, "%s%s", kinds[i][1], object + n);
	}
	return object;
}

/* The filter form: person, household (v not NULL), kind. */
static void filter_form(struct req *r, const struct village *v, const char *who,
			const char *hcode, const char *kind)
{
	html_raw(r, "<form method=\"get\" class=\"inline noprint\">");
	html(r, "<label>操作人（账号）<input name=\"who\" value=\"%s\"></label>", who ? who : "");
	if (v)
		html(r, "<label>农户（户编号）<input name=\"household\" value=\"%s\"></label>",
		     hcode ? hcode : "");
	html_raw(r, "<label>操作类型<select name=\"kind\"><option value=\"\">全部</option>");
	for (const struct audit_kind *k = audit_kinds; k->key; k++)
		html(r, "<option value=\"%s\"%s>%s</option>", k->key,
		     kind && !strcmp(kind, k->key) ? " selected" : "", k->label);
	html_raw(r, "</select></label><button type=\"submit\">筛选</button></form>");
}

/* The audit page of village v (NULL: the whole town): filters, the
** newest AUDIT_PAGE rows, a link to older ones. */
static void audit_page(struct req *r, const struct village *v)
{
	int64_t before = INT64_MAX, n;
	const char *b = req_query(r, "before");
	if (b && !parse_int64(b, &n) && n > 0)
		before = n;
	const char *who = req_query_trim(r, "who"), *hcode = req_query_trim(r, "household");
	const char *kind = req_query(r, "kind");
	const struct audit_kind *k = audit_kind_find(kind);
	struct audit_filter f = {who, NULL, NULL, k ? k->pattern : NULL};
	html_page_begin(r, v ? arena_printf(r->a, "%s · 操作日志", v->name) : "操作日志（全镇）");
	filter_form(r, v, who, hcode, kind);
	if (v && hcode && *hcode) {
		struct household *h = NULL;
		int found = household_find_typed(r->db, r->a, v->id, hcode, &h) == 0 && h;
		if (!found) {
			html(r, "<p class=\"error\" role=\"alert\">本村没有户编号 %s 的农户。</p>",
			     hcode);
			html_page_end(r);
			return;
		}
		f.object = arena_printf(r->a, "household:%lld", (long long)h->id);
		f.actor = arena_printf(r->a, "household:%s", h->code);
	}
	struct audit_row *rows;
	int nrows;
	if (audit_search(r->db, r->a, v ? v->id : 0, before, &f, &rows, &nrows)) {
		http_error(r, 500, "读取日志时出错。");
		return;
	}
	if (!nrows)
		html_raw(r, "<p class=\"hint\">没有符合条件的记录。</p>");
	else {
		html(r, "<table class=\"list audit\"><thead><tr><th>时间</th><th>操作人</th>%s"
			"<th>操作</th><th>对象</th><th>变更内容</th></tr></thead><tbody>",
		     v ? "" : "<th>村</th>");
		for (int i = 0; i < nrows; i++) {
			const struct audit_row *a = &rows[i];
			html(r, "<tr><td>%s</td><td>%s<br><span class=\"hint\">%s</span></td>",
			     time_format(r->a, a->at, NULL), a->login, a->ip);
			if (!v)
				html(r, "<td>%s</td>", a->village_code ? a->village_code : "全镇");
			html(r, "<td>%s</td><td>%s</td><td>", audit_action_words(a->action),
			     object_words(r, v ? v->id : 0, a->object));
			change_lines(r, a->before, a->after);
			html_raw(r, "</td></tr>");
		}
		html_raw(r, "</tbody></table>");
	}
	if (nrows == AUDIT_PAGE)
		html(r, "<p><a href=\"?before=%lld&amp;who=%s&amp;household=%s&amp;kind=%s\">"
			"更早的记录</a></p>",
		     (long long)rows[nrows - 1].id, url_encode(r->a, who ? who : ""),
		     url_encode(r->a, hcode ? hcode : ""), url_encode(r->a, kind ? kind : ""));
	html_page_end(r);
}

/* GET /audit: the whole town's audit log (town admin). */
static void page_audit_town(struct req *r)
{
	audit_page(r, NULL);
}

/* GET /v/CODE/audit */
static void page_audit_village(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		audit_page(r, v);
}

const struct route audit_routes[] = {
	{"GET", "/audit", page_audit_town, ROLE_TOWN_ADMIN, 0},
	{"GET", "/v/*/audit", page_audit_village, ROLES_ADMIN, 0},
	{0},
};

/* The navigation links of this file's pages (html.h). */
const struct nav_link audit_nav[] = {
	{30, ROLE_TOWN_ADMIN, "操作日志", "/audit", 0},
	{210, ROLE_VILLAGE_ADMIN, "操作日志", "/audit", 1},
	{0},
};
