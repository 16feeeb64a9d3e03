/*
** page_settings.c — the village settings page (/v/CODE/settings): every
** key of village_setting.h in one form, saved together with one audit
** record or not at all.  The form keeps the field names the page has had
** (admits_tenants as a checkbox, objection_days, yearend_rule with
** yearend_cap); a key the post does not carry keeps its value.
*/
#include <string.h>

#include "auth.h"
#include "html.h"
#include "req.h"
#include "village.h"
#include "village_setting.h"

/* A text input for setting key i with the value of v. */
static void text_input(struct req *r, const struct village *v, int i, const char *hint)
{
	html(r, "<label>%s<input name=\"%s\" value=\"%s\"></label>", village_setting_label(i),
	     village_setting_keys[i], village_setting_value(r->a, v, i));
	if (hint)
		html(r, "<p class=\"hint\">%s</p>", hint);
}

static void settings_form(struct req *r, const struct village *v, const errlist *errs)
{
	html_page_begin(r, arena_printf(r->a, "%s · 本村设置", v->name));
	if (req_query(r, "saved"))
		html_notice(r, "设置已保存。");
	html_error_boxes(r, errs);
	html(r, "<form method=\"post\" action=\"/v/%s/settings\" class=\"narrow\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html(r, "<label class=\"check\"><input type=\"checkbox\" name=\"admits_tenants\" value=\"1\"%s>"
		"租赁户可以参与积分制</label>",
	     v->admits_tenants ? " checked" : "");
	html(r, "<label>公示异议期（天）<input name=\"objection_days\" type=\"number\" min=\"1\" "
		"max=\"60\" value=\"%d\" required></label>",
	     v->objection_days);
	static const enum yearend_rule rules[] = {YEAREND_CARRY, YEAREND_CARRY_CAP, YEAREND_CLEAR};
	html_raw(r, "<label>年底未兑换积分<select name=\"yearend_rule\">");
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		html(r, "<option value=\"%s\"%s>%s</option>", yearend_rule_word(rules[i]),
		     v->yearend_rule == rules[i] ? " selected" : "", yearend_rule_label(rules[i]));
	html_raw(r, "</select></label>");
	html(r, "<label>限额结转的上限（分）<input name=\"yearend_cap\" type=\"number\" min=\"0\" "
		"value=\"%lld\"></label>",
	     (long long)v->yearend_cap);
	text_input(r, v, 2, "always 全年，或 MM-DD..MM-DD，如 12-01..01-31（可跨年）");
	text_input(r, v, 4, "元，最多两位小数；用于计算资金对积分的兑付保障率");
	text_input(r, v, 5, "none，或从小到大的年度积分门槛，如 60,80,100,120,150");
	text_input(r, v, 6, "农户或柜台预约后，积分和商品保留的小时数（1–720）");
	text_input(r, v, 7, "公示和积分超市页面上显示的监督电话");
	html_raw(r, "<button type=\"submit\" class=\"primary\">保存</button></form>");
	html_page_end(r);
}

/* GET /v/CODE/settings */
static void page_settings(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		settings_form(r, v, NULL);
}

/* The form's year_end: yearend_rule with yearend_cap, checked with the
** messages the form's fields have always had.  0, or 1 (errs). */
static int form_year_end(struct req *r, struct village *nv, errlist *errs)
{
	const char *rule = req_form(r, "yearend_rule");
	if (!rule)
		return 0;
	rule = req_form_trim(r, "yearend_rule");
	const char *cap = req_form_trim(r, "yearend_cap");
	int64_t n = 0;
	int bad = 0;
	enum yearend_rule yr;
	if (yearend_rule_of(rule, &yr)) {
		errlist_add(errs, "年终规则: 应为 清零、结转 或 限额结转");
		bad = 1;
	}
	if (*cap && (parse_int64(cap, &n) || n < 0 || n > 1000000)) {
		errlist_add(errs, "结转上限: 应为 0–1000000 的整数");
		bad = 1;
	}
	if (bad)
		return 1;
	const char *value = yr == YEAREND_CARRY_CAP
				    ? arena_printf(r->a, "carry_cap:%lld", (long long)n)
				    : rule;
	return village_setting_parse(r->a, nv, "year_end", value, errs);
}

/* POST /v/CODE/settings */
static void page_settings_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct village nv = *v;
	errlist errs = {0};
	nv.admits_tenants = req_form(r, "admits_tenants") != NULL;
	if (req_form(r, "objection_days"))
		village_setting_parse(r->a, &nv, "objection_days", req_form_trim(r, "objection_days"),
				      &errs);
	form_year_end(r, &nv, &errs);
	for (int i = 2; i < VILLAGE_SETTING_COUNT; i++)
		if (i != 3 && req_form(r, village_setting_keys[i]))
			village_setting_parse(r->a, &nv, village_setting_keys[i],
					      req_form_trim(r, village_setting_keys[i]), &errs);
	int rc = errs.n ? 1 : -1;
	if (!errs.n && db_begin_write(r->db) == 0) {
		struct actor who = req_actor(r);
		rc = village_settings_save(r->db, r->a, &who, v, &nv, &errs);
		if (rc == 0 && db_commit(r->db))
			rc = -1;
		if (rc)
			db_rollback(r->db);
	}
	if (rc < 0)
		http_error(r, 500, "保存设置时出错。");
	else if (rc > 0) {
		r->status = 400;
		settings_form(r, &nv, &errs);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/settings?saved=1", url_encode(r->a, v->code)));
	errlist_free(&errs);
}

const struct route settings_routes[] = {
	{"GET", "/v/*/settings", page_settings, ROLES_ADMIN, 0},
	{"POST", "/v/*/settings", page_settings_post, ROLES_ADMIN, 0},
	{0},
};
