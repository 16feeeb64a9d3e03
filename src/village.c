/*
** village.c — villages and their settings, and their participation
** figures (participating / eligible households).
*/
#include "village.h"

#include <stdio.h>
#include <string.h>

#include "household.h"
#include "json.h"
#include "passbook_store.h"

int village_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	return n >= 1 && n <= 32 &&
	       strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* Fill v from the current row of s (columns in the order of VILLAGE_COLS). */
#define VILLAGE_COLS "id, code, name, admits_tenants, objection_days, yearend_rule," \
		     " yearend_cap, created_at, redemption_window, point_value_fen, stars," \
		     " reservation_hours, supervision_phone, pin_failures_per_hour"
static void village_from_row(db_stmt *s, arena *a, struct village *v)
{
	v->id = db_column_int(s, 0);
	v->code = arena_strdup(a, db_column_text(s, 1));
	v->name = arena_strdup(a, db_column_text(s, 2));
	v->admits_tenants = (int)db_column_int(s, 3);
	v->objection_days = (int)db_column_int(s, 4);
	/* the column's CHECK allows only the three words */
	if (yearend_rule_of(db_column_text(s, 5), &v->yearend_rule))
		v->yearend_rule = YEAREND_CARRY;
	v->yearend_cap = db_column_int(s, 6);
	v->created_at = db_column_int(s, 7);
	v->redemption_window = arena_strdup(a, db_column_text(s, 8));
	v->point_value_fen = db_column_int(s, 9);
	v->stars = arena_strdup(a, db_column_text(s, 10));
	v->reservation_hours = (int)db_column_int(s, 11);
	v->supervision_phone = arena_strdup(a, db_column_text(s, 12));
	v->pin_failures_per_hour = (int)db_column_int(s, 13);
}

/* The village of the bound statement s (at most one row), or NULL. */
static struct village *village_of(db_stmt *s, arena *a)
{
	struct village *v = NULL;
	if (db_step(s) == DB_ROW) {
		v = arena_alloc(a, sizeof *v);
		village_from_row(s, a, v);
	}
	db_reset(s);
	return v;
}

struct village *village_by_code(db *d, arena *a, const char *code)
{
	db_stmt *s = db_prepare(d, "SELECT " VILLAGE_COLS " FROM village WHERE code=$code");
	return s && !db_bind_text(s, "$code", code) ? village_of(s, a) : NULL;
}

struct village *village_by_id(db *d, arena *a, int64_t id)
{
	db_stmt *s = db_prepare(d, "SELECT " VILLAGE_COLS " FROM village WHERE id=$id");
	return s && !db_bind_int(s, "$id", id) ? village_of(s, a) : NULL;
}

struct village *village_list(db *d, arena *a, int *n)
{
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " VILLAGE_COLS " FROM village ORDER BY code");
	if (!s)
		return NULL;
	int cap = 16;
	struct village *list = arena_alloc(a, (size_t)cap * sizeof *list);
	while (db_step(s) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		village_from_row(s, a, &list[(*n)++]);
	}
	return list;
}

int village_insert(db *d, const char *code, const char *name, errlist *errs, int64_t *id)
{
	if (!village_code_valid(code))
		errlist_add(errs, "村编号无效: 需为 1–32 个字母、数字、_ 或 -");
	if (!name || !*name || utf8_len(name) > 50 || !text_is_clean(name, 0))
		errlist_add(errs, "村名无效: 不能为空，最多 50 个字，不能含控制字符");
	if (errs->n)
		return 1;
	db_stmt *s = db_prepare(d, "INSERT INTO village(code, name, created_at)"
				   " VALUES($code, $name, $now) RETURNING id");
	if (!s || db_bind_text(s, "$code", code) || db_bind_text(s, "$name", name) ||
	    db_bind_int(s, "$now", now_unix()))
		return -1;
	int st = db_step(s);
	if (st == DB_CONSTRAINT) {
		errlist_add(errs, "村编号 %s 已经存在", code);
		return 1;
	}
	if (st != DB_ROW)
		return -1;
	*id = db_column_int(s, 0);
	db_reset(s);
	return 0;
}

int village_add(db *d, const struct actor *who, const char *code, const char *name,
		errlist *errs, int64_t *id)
{
	if (db_begin_write(d))
		return -1;
	int rc = village_insert(d, code, name, errs, id);
	if (rc == 0) {
		buf after = {0};
		struct json_writer w;
		jw_begin(&w, &after);
		jw_obj(&w, NULL);
		jw_str(&w, "code", code);
		jw_str(&w, "name", name);
		jw_end_obj(&w);
		char obj[40];
		snprintf(obj, sizeof obj, "village:%lld", (long long)*id);
		if (audit_record(d, who, *id, "village.add", obj, NULL, buf_cstr(&after)) ||
		    db_commit(d))
			rc = -1;
		buf_free(&after);
	}
	if (rc)
		db_rollback(d);
	return rc;
}

static const char *const yearend_rules[YEAREND_RULES][2] = {
	[YEAREND_CARRY] = {"carry", "结转到下一年"},
	[YEAREND_CLEAR] = {"clear", "年底清零"},
	[YEAREND_CARRY_CAP] = {"carry_cap", "限额结转"},
};

const char *yearend_rule_word(enum yearend_rule r)
{
	return yearend_rules[(unsigned)r < YEAREND_RULES ? r : YEAREND_CARRY][0];
}

const char *yearend_rule_label(enum yearend_rule r)
{
	return yearend_rules[(unsigned)r < YEAREND_RULES ? r : YEAREND_CARRY][1];
}

int yearend_rule_of(const char *word, enum yearend_rule *out)
{
	for (int r = 0; r < YEAREND_RULES; r++)
		if (word && !strcmp(word, yearend_rules[r][0])) {
			*out = (enum yearend_rule)r;
			return 0;
		}
	return -1;
}

const char *village_yearend_text(arena *a, const struct village *v)
{
	if (v->yearend_rule == YEAREND_CARRY_CAP)
		return arena_printf(a, "carry_cap:%lld", (long long)v->yearend_cap);
	return yearend_rule_word(v->yearend_rule);
}

int village_update_settings(db *d, const struct village *v, errlist *errs)
{
	if (v->objection_days < 1 || v->objection_days > 90)
		errlist_add(errs, "异议期: 应为 1–90 天");
	if ((unsigned)v->yearend_rule >= YEAREND_RULES)
		errlist_add(errs, "年终规则: 应为 清零、结转 或 限额结转");
	if (v->yearend_cap < 0 || v->yearend_cap > 1000000)
		errlist_add(errs, "结转上限: 应为 0–1000000 的整数");
	if (errs->n)
		return 1;
	db_stmt *s = db_prepare(d,
		"UPDATE village SET admits_tenants=$t, objection_days=$od, yearend_rule=$yr,"
		" yearend_cap=$yc WHERE id=$id");
	if (!s)
		return -1;
	db_bind_int(s, "$t", v->admits_tenants ? 1 : 0);
	db_bind_int(s, "$od", v->objection_days);
	db_bind_text(s, "$yr", yearend_rule_word(v->yearend_rule));
	db_bind_int(s, "$yc", v->yearend_cap);
	db_bind_int(s, "$id", v->id);
	if (db_step(s) != DB_DONE)
		return -1;
	return household_recompute_village(d, v) ? -1 : 0;
}

int village_stats(db *d, int64_t village_id, struct village_stats *st)
{
	db_stmt *s = db_prepare(d,
		"SELECT COUNT(*),"
		" SUM(CASE WHEN eligible=1 AND left_on IS NULL THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN participating=1 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN left_on IS NOT NULL THEN 1 ELSE 0 END)"
		" FROM household WHERE village_id=$v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	st->households = db_column_int(s, 0) - db_column_int(s, 3);
	st->eligible = db_column_int(s, 1);
	st->participating = db_column_int(s, 2);
	st->left = db_column_int(s, 3);
	db_reset(s);
	return 0;
}

/* ---- the town ---------------------------------------------------------------- */

const char *town_name(db *d, arena *a)
{
	db_stmt *s = d ? db_prepare(d, "SELECT value FROM setting WHERE name = 'town.name'") : NULL;
	const char *name = TOWN_NAME_DEFAULT;
	if (s && db_step(s) == DB_ROW)
		name = arena_strdup(a, db_column_text(s, 0));
	if (s)
		db_reset(s);
	return name;
}

int town_name_init(db *d)
{
	db_stmt *s = db_prepare(d, "INSERT INTO setting(name, value) VALUES('town.name', $v)"
				   " ON CONFLICT (name) DO NOTHING");
	if (!s || db_bind_text(s, "$v", TOWN_NAME_DEFAULT))
		return -1;
	return db_step(s) == DB_DONE ? 0 : -1;
}

/* Store setting key (a town.* name) as value (NULL: remove it), in its own
** transaction with an audit record (action key, object "town") holding
** {field: before} and {field: after}.  0 or -1. */
static int town_setting_set(db *d, const struct actor *who, const char *key, const char *field,
			    const char *before_value, const char *value)
{
	if (db_begin_write(d))
		return -1;
	buf before = {0}, after = {0};
	struct json_writer w;
	jw_begin(&w, &before);
	jw_obj(&w, NULL);
	jw_str(&w, field, before_value);
	jw_end_obj(&w);
	jw_begin(&w, &after);
	jw_obj(&w, NULL);
	jw_str(&w, field, value ? value : "");
	jw_end_obj(&w);
	db_stmt *s = value ? db_prepare(d, "INSERT INTO setting(name, value) VALUES($k, $v)"
					   " ON CONFLICT (name) DO UPDATE SET value = excluded.value")
			   : db_prepare(d, "DELETE FROM setting WHERE name = $k");
	int rc = 0;
	/* the stored passbooks show the town's name and links: they go
	** (set-wise; rendered on the fly until `jifen passbook-render`) */
	if (!s || db_bind_text(s, "$k", key) || (value && db_bind_text(s, "$v", value)) ||
	    db_step(s) != DB_DONE || db_exec(d, "DELETE FROM passbook_store") ||
	    audit_record(d, who, 0, key, "town", buf_cstr(&before), buf_cstr(&after)) ||
	    db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	buf_free(&before);
	buf_free(&after);
	return rc;
}

int town_name_set(db *d, const struct actor *who, const char *name, errlist *errs)
{
	if (!name || !*name || utf8_len(name) > 50 || !text_is_clean(name, 0)) {
		errlist_add(errs, "镇名无效: 不能为空，最多 50 个字，不能含控制字符");
		return 1;
	}
	arena *a = arena_new();
	int rc = town_setting_set(d, who, "town.name", "name", town_name(d, a), name);
	arena_free(a);
	return rc;
}

const char *town_public_url(db *d, arena *a)
{
	db_stmt *s = d ? db_prepare(d, "SELECT value FROM setting WHERE name = 'town.public_url'")
		       : NULL;
	const char *url = NULL;
	if (s && db_step(s) == DB_ROW)
		url = arena_strdup(a, db_column_text(s, 0));
	if (s)
		db_reset(s);
	return url && *url ? url : NULL;
}

/* 1 when url is "http(s)://HOST[:PORT][/PATH]" with nothing a printed
** address or an HTML attribute must not hold, and no slash at the end. */
static int public_url_valid(const char *url)
{
	size_t n = strlen(url);
	const char *host = !strncmp(url, "https://", 8) ? url + 8
			   : !strncmp(url, "http://", 7) ? url + 7
							 : NULL;
	if (!host || !*host || *host == '/' || n > 200 || url[n - 1] == '/')
		return 0;
	return strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-:[]/_~%") == strlen(host);
}

int town_public_url_is_loopback(const char *url)
{
	if (!url)
		return 1;
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	return !strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9) ||
	       !strncmp(host, "[::1]", 5) || !strncmp(host, "0.0.0.0", 7);
}

int town_public_url_set(db *d, const struct actor *who, const char *url, errlist *errs)
{
	int clear = url && !strcmp(url, "none");
	if (!clear && (!url || !public_url_valid(url))) {
		errlist_add(errs, "公开网址无效: 应为 http:// 或 https:// 开头的网址，如 "
				  "https://jifen.zhujiajiao.gov.cn，末尾不带 /；none 表示不设");
		return 1;
	}
	arena *a = arena_new();
	const char *old = town_public_url(d, a);
	int rc = town_setting_set(d, who, "town.public_url", "public_url", old ? old : "",
				  clear ? NULL : url);
	arena_free(a);
	return rc;
}
