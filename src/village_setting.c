/*
** village_setting.c — the village settings by key (village_setting.h):
** checking a value with a message that names the key and what it may be,
** showing every key as text, and saving them with the audit record.
*/
#include "village_setting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

const char *const village_setting_keys[VILLAGE_SETTING_COUNT] = {
	"admits_tenants", "objection_days", "redemption_window", "year_end",
	"point_value",    "stars",          "reservation_hours", "supervision_phone",
	"pin_failures_per_hour",
};

static const char *const setting_labels[VILLAGE_SETTING_COUNT] = {
	"租赁户可以参与", "公示异议期（天）", "兑换期", "年底未兑换积分", "每分价值（元）",
	"星级户门槛（年度积分）", "预约保留（小时）", "监督电话",
	"全村每小时 PIN 登录失败上限（超过后暂停 PIN 登录一小时）",
};

/* The most stars a village may set. */
enum { STARS_MAX = 10 };

const char *village_setting_label(int i)
{
	return i >= 0 && i < VILLAGE_SETTING_COUNT ? setting_labels[i] : "";
}

const char *village_setting_value(arena *a, const struct village *v, int i)
{
	char fen[32];
	switch (i) {
	case 0:
		return v->admits_tenants ? "yes" : "no";
	case 1:
		return arena_printf(a, "%d", v->objection_days);
	case 2:
		return v->redemption_window;
	case 3:
		return village_yearend_text(a, v);
	case 4:
		return arena_strdup(a, fen_format(fen, v->point_value_fen));
	case 5:
		return v->stars;
	case 6:
		return arena_printf(a, "%d", v->reservation_hours);
	case 7:
		return v->supervision_phone;
	case 8:
		return arena_printf(a, "%d", v->pin_failures_per_hour);
	}
	return "";
}

/* "MM-DD" of a day that some year has (02-29 included) into *md
** (month * 100 + day): 0, else -1. */
static int month_day(const char *s, size_t n, int *md)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (n != 5 || s[2] != '-' || strspn(s, "0123456789") != 2 ||
	    strspn(s + 3, "0123456789") < 2)
		return -1;
	int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return -1;
	*md = m * 100 + d;
	return 0;
}

/* A window "MM-DD..MM-DD" into its two ends: 0, or -1 not one. */
static int window_parse(const char *s, int *from, int *to)
{
	const char *dots = strstr(s, "..");
	return dots && !month_day(s, (size_t)(dots - s), from) &&
			       !month_day(dots + 2, strlen(dots + 2), to)
		       ? 0
		       : -1;
}

int redemption_window_contains(const char *window, const char *date)
{
	int from, to, md;
	if (!window || !strcmp(window, "always"))
		return 1;
	if (window_parse(window, &from, &to) || !date || strlen(date) < 10 ||
	    month_day(date + 5, 5, &md))
		return 0;
	return from <= to ? md >= from && md <= to : md >= from || md <= to;
}

int stars_parse(const char *s, int64_t *out, int max)
{
	if (!s || !strcmp(s, "none"))
		return 0;
	int n = 0;
	const char *p = s;
	for (;;) {
		size_t len = strspn(p, "0123456789");
		if (len == 0 || len > 9 || n == max)
			return -1;
		int64_t v = 0;
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (p[i] - '0');
		if (v < 1 || (n && v <= out[n - 1]))
			return -1;
		out[n++] = v;
		p += len;
		if (!*p)
			return n;
		if (*p != ',')
			return -1;
		p++;
	}
}

/* An integer in [lo, hi] from text: 0, else -1. */
static int int_in(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	return !parse_int64(s, out) && strspn(s, "0123456789") == strlen(s) && *out >= lo &&
			       *out <= hi
		       ? 0
		       : -1;
}

int village_setting_parse(arena *a, struct village *v, const char *key, const char *value,
			  errlist *errs)
{
	int64_t n;
	if (!value)
		value = "";
	if (!strcmp(key, "admits_tenants")) {
		int yn = parse_yesno(value);
		if (yn < 0) {
			errlist_add(errs, "admits_tenants（租赁户可以参与）应为 yes 或 no（也可写 是/否、Y/N、1/0）");
			return 1;
		}
		v->admits_tenants = yn;
	} else if (!strcmp(key, "objection_days")) {
		if (int_in(value, 1, 60, &n)) {
			errlist_add(errs, "objection_days（公示异议期）应为 1–60 的整数天数");
			return 1;
		}
		v->objection_days = (int)n;
	} else if (!strcmp(key, "redemption_window")) {
		int from, to;
		if (strcmp(value, "always") && window_parse(value, &from, &to)) {
			errlist_add(errs, "redemption_window（兑换期）应为 always 或 MM-DD..MM-DD"
					  "（如 12-01..01-31，可跨年）");
			return 1;
		}
		v->redemption_window = arena_strdup(a, value);
	} else if (!strcmp(key, "year_end")) {
		if (!strcmp(value, "clear") || !strcmp(value, "carry")) {
			v->yearend_rule = !strcmp(value, "clear") ? YEAREND_CLEAR : YEAREND_CARRY;
			v->yearend_cap = 0;
		} else if (!strncmp(value, "carry_cap:", 10) && !int_in(value + 10, 0, 1000000, &n)) {
			v->yearend_rule = YEAREND_CARRY_CAP;
			v->yearend_cap = n;
		} else {
			errlist_add(errs, "year_end（年终未兑换积分的处理）应为 clear（清零）、carry（结转）"
					  "或 carry_cap:N（最多结转 N 分，N 为 0–1000000 的整数）");
			return 1;
		}
	} else if (!strcmp(key, "point_value")) {
		if (parse_fen(value, &n) || n > 100000) {
			errlist_add(errs, "point_value（每分价值）应为 0–1000 元、最多两位小数的金额，如 0.10");
			return 1;
		}
		v->point_value_fen = n;
	} else if (!strcmp(key, "stars")) {
		int64_t th[STARS_MAX];
		if (stars_parse(value, th, STARS_MAX) < 0) {
			errlist_add(errs, "stars（星级户门槛）应为 none，或最多 %d 个从小到大的正整数年度积分，"
					  "用逗号分隔，如 60,80,100,120,150",
				    STARS_MAX);
			return 1;
		}
		v->stars = arena_strdup(a, value);
	} else if (!strcmp(key, "reservation_hours")) {
		if (int_in(value, 1, 720, &n)) {
			errlist_add(errs, "reservation_hours（预约保留时间）应为 1–720 的整数小时数");
			return 1;
		}
		v->reservation_hours = (int)n;
	} else if (!strcmp(key, "supervision_phone")) {
		size_t len = strlen(value);
		if (len && (strspn(value, "0123456789-") != len || len < 7 || len > 20)) {
			errlist_add(errs, "supervision_phone（监督电话）应为 7–20 位数字（可含 -），或留空");
			return 1;
		}
		v->supervision_phone = arena_strdup(a, value);
	} else if (!strcmp(key, "pin_failures_per_hour")) {
		if (int_in(value, 1, 10000, &n)) {
			errlist_add(errs, "pin_failures_per_hour（全村每小时 PIN 登录失败上限）应为 1–10000 的整数");
			return 1;
		}
		v->pin_failures_per_hour = (int)n;
	} else {
		errlist_add(errs, "没有设置项“%s”；可设置: admits_tenants、objection_days、"
				  "redemption_window、year_end、point_value、stars、reservation_hours、"
				  "supervision_phone、pin_failures_per_hour",
			    text_is_clean(key, 0) ? key : "?");
		return 1;
	}
	return 0;
}

/* Every key of v as one JSON object of text values (arena). */
static char *settings_json(arena *a, const struct village *v)
{
	buf b = {0};
	buf_puts(&b, "{");
	for (int i = 0; i < VILLAGE_SETTING_COUNT; i++) {
		buf_puts(&b, i ? "," : "");
		json_quote(&b, village_setting_keys[i]);
		buf_puts(&b, ":");
		json_quote(&b, village_setting_value(a, v, i));
	}
	buf_puts(&b, "}");
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int village_settings_save(db *d, arena *a, const struct actor *who, const struct village *old,
			  const struct village *nv, errlist *errs)
{
	int rc = village_update_settings(d, nv, errs);
	if (rc)
		return rc;
	db_stmt *s = db_prepare(d, "UPDATE village SET redemption_window = $w, point_value_fen = $pv,"
				   " stars = $st, reservation_hours = $rh, supervision_phone = $ph,"
				   " pin_failures_per_hour = $pf WHERE id = $id");
	if (!s || db_bind_text(s, "$w", nv->redemption_window) ||
	    db_bind_int(s, "$pv", nv->point_value_fen) || db_bind_text(s, "$st", nv->stars) ||
	    db_bind_int(s, "$rh", nv->reservation_hours) ||
	    db_bind_text(s, "$ph", nv->supervision_phone) ||
	    db_bind_int(s, "$pf", nv->pin_failures_per_hour) || db_bind_int(s, "$id", nv->id) ||
	    db_step(s) != DB_DONE)
		return -1;
	char obj[40];
	snprintf(obj, sizeof obj, "village:%lld", (long long)old->id);
	return audit_record(d, who, old->id, "village.settings", obj, settings_json(a, old),
			    settings_json(a, nv))
		       ? -1
		       : 0;
}

int village_setting_set(db *d, arena *a, const struct actor *who, const struct village *v,
			const char *key, const char *value, errlist *errs)
{
	struct village nv = *v;
	if (village_setting_parse(a, &nv, key, value, errs))
		return 1;
	if (db_begin_write(d))
		return -1;
	int rc = village_settings_save(d, a, who, v, &nv, errs);
	if (rc == 0 && db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	return rc;
}
