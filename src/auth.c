/*
** auth.c — accounts, argon2id passwords, login throttling and sessions.
**
** Throttling keeps two limits apart (issue 11): an address with too many
** failures within the window may not log in at all, whatever login it
** names; a login with failures is slowed, not locked, for everyone else —
** an address that has not failed against it waits an exponential delay
** after the last failure (1, 2, 4 … s, capped), so that the right password
** from a clean address gets in, and its owner is told at login.  等保's
** lock-out stays (login_max_failures within login_lock_minutes): by
** default for the addresses that failed, with lockout_scope=account for
** every address.  A locked login is refused even with the right password
** until the window has passed: otherwise the lock would tell an attacker
** when a guess was right.  Only attempts that reached the password check
** are recorded and counted, so a refused one (throttled, locked, delayed,
** malformed, or stopped before the handler: CSRF, limits) extends nothing.
** Everything is in the database so that every server instance sees it.
*/
#include "auth.h"
#include "guard.h"

#include <pthread.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "pin_budget.h"

enum { TOUCH_INTERVAL = 60 };

/* A real hash of a random password, computed once, for unknown logins. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void dummy_init(void)
{
	char pw[33];
	random_hex(pw, 16);
	password_hash(pw, dummy_hash, sizeof dummy_hash);
}

static const struct {
	int role;
	const char *name, *label;
} roles[] = {
	{ROLE_TOWN_ADMIN, "town_admin", "镇管理员"},
	{ROLE_VILLAGE_ADMIN, "village_admin", "村管理员"},
	{ROLE_SCORER, "scorer", "评分员"},
	{ROLE_SHOPKEEPER, "shopkeeper", "积分超市"},
	{ROLE_HOUSEHOLD, "household", "农户"},
};

int role_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (name && !strcmp(name, roles[i].name))
			return roles[i].role;
	return 0;
}

const char *role_name(int role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "";
}

const char *role_label(int role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "";
}

/* Check a lockout_scope value: 0, or -1 with what is wrong in bad. */
static int scope_parse(const char *v, char *bad, size_t n)
{
	if (!strcmp(v, "address") || !strcmp(v, "account"))
		return 0;
	snprintf(bad, n, "应为 address 或 account");
	return -1;
}

/* Check a trusted_proxies value as scope_parse() does. */
static int proxies_parse(const char *v, char *bad, size_t n)
{
	char item[64];
	if (!guard_proxies_parse(v, item, sizeof item))
		return 0;
	snprintf(bad, n, "地址无效: %s", item);
	return -1;
}

/* The policy's fields: name, Chinese label, allowed range; text fields
** (size > 0, a char array of that size) are checked by their function. */
#define FIELD(f) offsetof(struct security_policy, f)
#define TEXT(f) FIELD(f), -1, -1, sizeof ((struct security_policy *)0)->f
static const struct {
	const char *name, *label;
	size_t off;
	int min, max;
	size_t size;
	int (*check)(const char *value, char *bad, size_t n);
} policy_fields[] = {
	{"password_min_length", "密码最短长度（字符）", FIELD(password_min_length), 8, 64, 0, NULL},
	{"password_max_age_days", "密码有效期（天，0 为不过期）", FIELD(password_max_age_days), 0, 3650,
	 0, NULL},
	{"login_max_failures", "连续登录失败几次后锁定", FIELD(login_max_failures), 3, 20, 0, NULL},
	{"login_lock_minutes", "锁定时长（分钟）", FIELD(login_lock_minutes), 1, 1440, 0, NULL},
	{"lockout_scope", "锁定范围（address 只锁失败的地址，account 锁整个账号）",
	 TEXT(lockout_scope), scope_parse},
	{"login_address_max_failures", "同一地址登录失败几次后暂停该地址的登录",
	 FIELD(login_address_max_failures), 5, 1000, 0, NULL},
	{"login_delay_max_seconds", "账号登录失败后的延迟上限（秒）", FIELD(login_delay_max_seconds), 1,
	 300, 0, NULL},
	{"session_idle_minutes", "无操作自动退出（分钟）", FIELD(session_idle_minutes), 5, 240, 0, NULL},
	{"session_max_hours", "登录最长有效（小时）", FIELD(session_max_hours), 1, 72, 0, NULL},
	{"connections_per_address", "同一地址最多连接数", FIELD(connections_per_address), 1, 4000, 0,
	 NULL},
	{"request_header_seconds", "请求头须在几秒内收完", FIELD(request_header_seconds), 2, 300, 0,
	 NULL},
	{"body_min_bytes_per_second", "请求内容最低传输速度（字节/秒，0 不限）",
	 FIELD(body_min_bytes_per_second), 0, 1000000, 0, NULL},
	{"body_memory_mb", "所有上传合计最多占用内存（MB）", FIELD(body_memory_mb), 1, 4096, 0, NULL},
	{"trusted_proxies", "可信的反向代理地址（逗号分隔，可写网段，空为无）",
	 TEXT(trusted_proxies), proxies_parse},
	{"declarations_per_day", "每户每天最多申报几次", FIELD(declarations_per_day), 1, 1000, 0,
	 NULL},
	{"photos_per_day", "每个账号（或户）每天最多上传几张照片", FIELD(photos_per_day), 1, 10000, 0,
	 NULL},
	{"photo_mb_per_day", "每个账号（或户）每天最多上传照片（MB）", FIELD(photo_mb_per_day), 1, 10000,
	 0, NULL},
	{"requests_per_minute_per_address", "同一地址每分钟最多请求数（本机地址不计，0 不限）",
	 FIELD(requests_per_minute_per_address), 0, 100000, 0, NULL},
};
#undef TEXT
#undef FIELD
enum { NPOLICY = sizeof policy_fields / sizeof policy_fields[0] };

static int *policy_slot(struct security_policy *p, int i)
{
	return (int *)((char *)p + policy_fields[i].off);
}

static int policy_is_text(int i)
{
	return policy_fields[i].size > 0;
}

int policy_load(db *d, struct security_policy *p)
{
	static const struct security_policy defaults = SECURITY_POLICY_DEFAULTS;
	*p = defaults;
	db_stmt *s = db_prepare(d, "SELECT name, value FROM setting WHERE name LIKE 'policy.%'");
	if (!s)
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		const char *name = db_column_text(s, 0) + 7, *text = db_column_text(s, 1);
		int64_t v;
		char bad[64];
		for (int i = 0; i < NPOLICY; i++) {
			if (strcmp(name, policy_fields[i].name))
				continue;
			if (policy_is_text(i)) {
				if (text && strlen(text) < policy_fields[i].size &&
				    !policy_fields[i].check(text, bad, sizeof bad))
					snprintf((char *)p + policy_fields[i].off, policy_fields[i].size,
						 "%s", text);
			} else if (!parse_int64(text, &v) && v >= policy_fields[i].min &&
				   v <= policy_fields[i].max)
				*policy_slot(p, i) = (int)v;
		}
	}
	return st == DB_DONE ? 0 : -1;
}

int policy_set(db *d, const char *name, const char *value, errlist *errs)
{
	int i = 0;
	while (i < NPOLICY && strcmp(name, policy_fields[i].name))
		i++;
	if (i == NPOLICY) {
		errlist_add(errs, "没有这项安全设置: %s", name);
		return 1;
	}
	char key[64], text[256], bad[96];
	if (policy_is_text(i)) {
		if (strlen(value) >= policy_fields[i].size ||
		    policy_fields[i].check(value, bad, sizeof bad)) {
			errlist_add(errs, "%s（%s）无效: %s", name, policy_fields[i].label,
				    strlen(value) >= policy_fields[i].size ? "太长" : bad);
			return 1;
		}
		snprintf(text, sizeof text, "%s", value);
	} else {
		int64_t v;
		if (parse_int64(value, &v) || v < policy_fields[i].min || v > policy_fields[i].max) {
			errlist_add(errs, "%s（%s）应为 %d–%d 的整数", name, policy_fields[i].label,
				    policy_fields[i].min, policy_fields[i].max);
			return 1;
		}
		snprintf(text, sizeof text, "%lld", (long long)v);
	}
	snprintf(key, sizeof key, "policy.%s", name);
	db_stmt *s = db_prepare(d, "INSERT INTO setting(name, value) VALUES($n, $v)"
				   " ON CONFLICT (name) DO UPDATE SET value = excluded.value");
	if (!s || db_bind_text(s, "$n", key) || db_bind_text(s, "$v", text))
		return -1;
	return db_step(s) == DB_DONE ? 0 : -1;
}

const char *policy_field(const struct security_policy *p, int i, char *value, size_t n,
			 const char **label)
{
	if (i < 0 || i >= NPOLICY)
		return NULL;
	if (policy_is_text(i))
		snprintf(value, n, "%s", (const char *)p + policy_fields[i].off);
	else
		snprintf(value, n, "%d", *policy_slot((struct security_policy *)p, i));
	*label = policy_fields[i].label;
	return policy_fields[i].name;
}

/* The stored secret into key: 1 found, 0 none, -1 error. */
static int secret_read(db *d, unsigned char key[32])
{
	db_stmt *s = db_prepare(d, "SELECT value FROM setting WHERE name = 'secret.server'");
	if (!s)
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 0 : -1;
	const char *v = db_column_text(s, 0);
	int rc = v && strlen(v) == 64 && sodium_hex2bin(key, 32, v, 64, NULL, NULL, NULL) == 0;
	db_reset(s);
	return rc ? 1 : -1;
}

int server_secret(db *d, unsigned char key[32])
{
	int rc = secret_read(d, key);
	if (rc)
		return rc > 0 ? 0 : -1;
	/* two instances starting at once both insert: the first wins and both
	** read it back */
	char hex[65];
	random_hex(hex, 32);
	db_stmt *s = db_prepare(d, "INSERT INTO setting(name, value) VALUES('secret.server', $v)"
				   " ON CONFLICT (name) DO NOTHING");
	if (!s || db_bind_text(s, "$v", hex) || db_step(s) != DB_DONE) {
		/* a read-only database: this instance's own secret, so that it
		** still serves what it can (nothing that writes works anyway) */
		sodium_hex2bin(key, 32, hex, 64, NULL, NULL, NULL);
		return 0;
	}
	return secret_read(d, key) > 0 ? 0 : -1;
}

const char *password_policy_error(arena *a, const struct security_policy *p, const char *pw)
{
	if (!pw || utf8_len(pw) < (size_t)p->password_min_length)
		return arena_printf(a, "密码至少需要 %d 个字符。", p->password_min_length);
	if (strlen(pw) > 128)
		return "密码不能超过 128 个字节。";
	if (!text_is_clean(pw, 0))
		return "密码含有不允许的控制字符。";
	int letters = 0, digits = 0, others = 0;
	for (const char *p = pw; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			letters = 1;
		else if (*p >= '0' && *p <= '9')
			digits = 1;
		else
			others = 1;
	}
	if (letters + digits + others < 2)
		return "密码需要包含字母、数字、符号中的至少两类。";
	return NULL;
}

int password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int password_verify(const char *hash, const char *pw)
{
	return hash && pw && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* A login: 2–32 characters of [A-Za-z0-9_.-]. */
static int login_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 2 && n <= 32 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

int account_insert(db *d, const char *login, int role, const char *village_code,
		   const char *password, int must_change, errlist *errs)
{
	int64_t village_id = 0;
	if (!login_valid(login))
		errlist_add(errs, "账号名无效: 需为 2–32 个字母、数字或 _ . -");
	if (!role || role == ROLE_HOUSEHOLD)
		errlist_add(errs, "角色无效: 应为 town_admin、village_admin、scorer 或 shopkeeper");
	if (role == ROLE_TOWN_ADMIN && village_code)
		errlist_add(errs, "镇管理员不属于某个村，不能指定 --village");
	if (role && role != ROLE_TOWN_ADMIN && role != ROLE_HOUSEHOLD) {
		if (!village_code)
			errlist_add(errs, "村级账号必须用 --village 指定所属的村");
		else {
			db_stmt *s = db_prepare(d, "SELECT id FROM village WHERE code=$code");
			if (!s || db_bind_text(s, "$code", village_code))
				return -1;
			int st = db_step(s);
			if (st == DB_ROW)
				village_id = db_column_int(s, 0);
			else if (st == DB_DONE)
				errlist_add(errs, "村编号 %s 不存在", village_code);
			else
				return -1;
			db_reset(s);
		}
	}
	struct security_policy pol;
	if (policy_load(d, &pol))
		return -1;
	arena *a = arena_new();
	const char *perr = password_policy_error(a, &pol, password);
	if (perr)
		errlist_add(errs, "%s", perr);
	arena_free(a);
	if (errs->n)
		return 1;

	char hash[crypto_pwhash_STRBYTES];
	if (password_hash(password, hash, sizeof hash)) {
		db_set_error(d, "密码哈希失败（内存不足）");
		return -1;
	}
	db_stmt *s = db_prepare(d,
		"INSERT INTO account(login, role, village_id, pw_hash, pw_changed_at,"
		" must_change, created_at)"
		" VALUES($login, $role, $village, $hash, $now, $must, $now)");
	if (!s)
		return -1;
	int64_t now = now_unix();
	db_bind_text(s, "$login", login);
	db_bind_text(s, "$role", role_name(role));
	db_bind_int_or_null(s, "$village", village_id);
	db_bind_text(s, "$hash", hash);
	db_bind_int(s, "$now", now);
	db_bind_int(s, "$must", must_change ? 1 : 0);
	int st = db_step(s);
	if (st == DB_CONSTRAINT) {
		errlist_add(errs, "账号 %s 已经存在", login);
		return 1;
	}
	return st == DB_DONE ? 0 : -1;
}

int account_add(db *d, const struct actor *who, const char *login, int role,
		const char *village_code, const char *password, int must_change, errlist *errs)
{
	if (db_begin_write(d))
		return -1;
	int rc = account_insert(d, login, role, village_code, password, must_change, errs);
	int64_t village_id = 0;
	if (rc == 0 && village_code) {
		db_stmt *s = db_prepare(d, "SELECT id FROM village WHERE code=$code");
		if (!s || db_bind_text(s, "$code", village_code) || db_step(s) != DB_ROW)
			rc = -1;
		else
			village_id = db_column_int(s, 0);
		if (s)
			db_reset(s);
	}
	if (rc == 0) {
		buf after = {0}, obj = {0};
		struct json_writer w;
		jw_begin(&w, &after);
		jw_obj(&w, NULL);
		jw_str(&w, "login", login);
		jw_str(&w, "role", role_name(role));
		jw_end_obj(&w);
		buf_printf(&obj, "account:%s", login);
		if (audit_record(d, who, village_id, "account.add", buf_cstr(&obj), NULL,
				 buf_cstr(&after)) ||
		    db_commit(d))
			rc = -1;
		buf_free(&after);
		buf_free(&obj);
	}
	if (rc)
		db_rollback(d);
	return rc;
}

int account_disable(db *d, const struct actor *who, const char *login, int64_t scope)
{
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	int64_t found = 0, village_id = 0;
	db_stmt *s = db_prepare(d,
		"SELECT id, COALESCE(village_id, 0) FROM account WHERE login=$login"
		" AND (CAST($v AS BIGINT) = 0 OR village_id = CAST($v AS BIGINT))");
	if (s && !db_bind_text(s, "$login", login) && !db_bind_int(s, "$v", scope)) {
		if (db_step(s) == DB_ROW) {
			found = db_column_int(s, 0);
			village_id = db_column_int(s, 1);
		}
		db_reset(s);
		rc = found ? 0 : 1;
	}
	if (rc == 0) {
		buf obj = {0};
		buf_printf(&obj, "account:%s", login);
		db_stmt *u = db_prepare(d, "UPDATE account SET disabled=1 WHERE id=$id");
		db_stmt *x = db_prepare(d, "DELETE FROM session WHERE account_id=$id");
		if (!u || !x || db_bind_int(u, "$id", found) || db_step(u) != DB_DONE ||
		    db_bind_int(x, "$id", found) || db_step(x) != DB_DONE ||
		    audit_record(d, who, village_id, "account.disable", buf_cstr(&obj), NULL, NULL) ||
		    db_commit(d))
			rc = -1;
		buf_free(&obj);
	}
	if (rc)
		db_rollback(d);
	return rc;
}

int account_list(db *d, arena *a, int64_t scope, struct account_row **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT a.login, a.role, v.code, a.disabled, a.created_at,"
		"       COALESCE(f.failures, 0), f.last_at, f.last_ip"
		"  FROM account a LEFT JOIN village v ON v.id = a.village_id"
		"  LEFT JOIN login_failure f ON f.login = a.login"
		" WHERE CAST($v AS BIGINT) = 0 OR a.village_id = CAST($v AS BIGINT)"
		" ORDER BY v.code, a.role, a.login");
	if (!s || db_bind_int(s, "$v", scope))
		return -1;
	int cap = 16, st;
	struct account_row *out = arena_alloc(a, (size_t)cap * sizeof *out);
	while ((st = db_step(s)) == DB_ROW) {
		out = arena_grow(a, out, &cap, *n, sizeof *out);
		struct account_row *x = &out[(*n)++];
		x->login = arena_strdup(a, db_column_text(s, 0));
		x->role = role_from_name(db_column_text(s, 1));
		x->village_code = db_column_is_null(s, 2) ? NULL : arena_strdup(a, db_column_text(s, 2));
		x->disabled = (int)db_column_int(s, 3);
		x->created_at = db_column_int(s, 4);
		x->failures = (int)db_column_int(s, 5);
		x->last_failure_at = db_column_int(s, 6);
		x->last_failure_ip = db_column_dup(s, 7, a);
	}
	*rows = out;
	return st == DB_DONE ? 0 : -1;
}

/* Record an attempt that reached the password check; 0 or -1. */
static int attempt_record(db *d, const char *login, const char *key, int ok)
{
	db_stmt *s = db_prepare(d, "INSERT INTO login_attempt(login, ip, at, ok)"
				   " VALUES($login, $ip, $at, $ok)");
	if (!s || db_bind_text(s, "$login", login) || db_bind_text(s, "$ip", key) ||
	    db_bind_int(s, "$at", now_unix()) || db_bind_int(s, "$ok", ok))
		return -1;
	return db_step(s) == DB_DONE ? 0 : -1;
}

/* Seconds until fewer than max failures are left within the window, when
** the failures that s (bound by the caller, selecting their times newest
** first, the window's start as $since) finds number max or more; else 0.
** -1 on a database error. */
static int failures_wait(db_stmt *s, int max, int64_t window, int64_t now)
{
	if (db_bind_int(s, "$skip", max - 1) || db_bind_int(s, "$since", now - window))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 0 : -1;
	int64_t at = db_column_int(s, 0);
	db_reset(s);
	int64_t wait = at + window - now;
	return wait < 1 ? 1 : (int)wait;
}

/* The refusals before the password check, none of them recorded (so that
** no attempt refused here extends anything): the address throttle, the
** lock, and for accounts (delay set) the delay.  lock_everywhere: the lock
** counts every address's failures, else only this address's.  Returns
** LOGIN_OK to go on to the check, a refusal with rep->retry_after, or
** LOGIN_ERROR. */
static enum login_result attempt_refused(db *d, const struct security_policy *pol,
					 const char *login, const char *key, int lock_everywhere,
					 int delay, struct login_report *rep)
{
	int64_t now = now_unix(), window = (int64_t)pol->login_lock_minutes * 60;
	/* the N-th newest failure from this address within the window */
	db_stmt *s = db_prepare(d, "SELECT at FROM login_attempt WHERE ip = $ip AND ok = 0"
				   " AND at > $since ORDER BY at DESC LIMIT 1 OFFSET $skip");
	if (!s || db_bind_text(s, "$ip", key))
		return LOGIN_ERROR;
	int wait = failures_wait(s, pol->login_address_max_failures, window, now);
	if (wait) {
		rep->retry_after = wait;
		return wait < 0 ? LOGIN_ERROR : LOGIN_THROTTLED;
	}
	/* the lock: failures since the last success (of anyone, or of this
	** address), within the window */
	s = lock_everywhere
		    ? db_prepare(d, "SELECT at FROM login_attempt WHERE login = $login AND ok = 0"
				    " AND at > $since AND at >= COALESCE((SELECT MAX(at) FROM"
				    " login_attempt WHERE login = $login AND ok = 1), 0)"
				    " ORDER BY at DESC LIMIT 1 OFFSET $skip")
		    : db_prepare(d, "SELECT at FROM login_attempt WHERE login = $login AND ip = $ip"
				    " AND ok = 0 AND at > $since AND at >= COALESCE((SELECT MAX(at)"
				    " FROM login_attempt WHERE login = $login AND ip = $ip AND ok = 1), 0)"
				    " ORDER BY at DESC LIMIT 1 OFFSET $skip");
	if (!s || db_bind_text(s, "$login", login) ||
	    (!lock_everywhere && db_bind_text(s, "$ip", key)))
		return LOGIN_ERROR;
	wait = failures_wait(s, pol->login_max_failures, window, now);
	if (wait) {
		rep->retry_after = wait;
		return wait < 0 ? LOGIN_ERROR : LOGIN_LOCKED;
	}
	if (!delay)
		return LOGIN_OK;
	/* the delay, for an address that has not failed against the login
	** since its last success (one that has is held by the lock instead) */
	s = db_prepare(d, "SELECT f.not_before FROM login_failure f WHERE f.login = $login"
			  " AND f.not_before > $now AND NOT EXISTS (SELECT 1 FROM login_attempt a"
			  "  WHERE a.login = $login AND a.ip = $ip AND a.ok = 0 AND a.at >="
			  "  COALESCE((SELECT MAX(at) FROM login_attempt WHERE login = $login"
			  "            AND ok = 1), 0))");
	if (!s || db_bind_text(s, "$login", login) || db_bind_text(s, "$ip", key) ||
	    db_bind_int(s, "$now", now))
		return LOGIN_ERROR;
	int st = db_step(s);
	if (st == DB_ROW) {
		rep->retry_after = (int)(db_column_int(s, 0) - now);
		db_reset(s);
		return LOGIN_DELAYED;
	}
	return st == DB_DONE ? LOGIN_OK : LOGIN_ERROR;
}

/* One more failure of login from ip: its failure record counts it, and
** the delay doubles (from 1 s, at most login_delay_max_seconds).  Sets
** rep->failures and rep->alert.  0 or -1. */
static int failure_record(db *d, const struct security_policy *pol, const char *login,
			  const char *ip, struct login_report *rep)
{
	int64_t now = now_unix();
	db_stmt *s = db_prepare(d,
		"INSERT INTO login_failure(login, failures, last_at, last_ip, not_before)"
		" VALUES($login, 1, $now, $ip, CAST($now AS BIGINT) + 1) ON CONFLICT (login) DO UPDATE SET"
		" failures = login_failure.failures + 1, last_at = excluded.last_at,"
		" last_ip = excluded.last_ip");
	if (!s || db_bind_text(s, "$login", login) || db_bind_int(s, "$now", now) ||
	    db_bind_text(s, "$ip", ip) || db_step(s) != DB_DONE)
		return -1;
	s = db_prepare(d, "SELECT failures FROM login_failure WHERE login = $login");
	if (!s || db_bind_text(s, "$login", login) || db_step(s) != DB_ROW)
		return -1;
	int64_t n = db_column_int(s, 0);
	db_reset(s);
	int64_t delay = n > 20 ? pol->login_delay_max_seconds : (int64_t)1 << (n - 1);
	if (delay > pol->login_delay_max_seconds)
		delay = pol->login_delay_max_seconds;
	s = db_prepare(d, "UPDATE login_failure SET not_before = $t WHERE login = $login");
	if (!s || db_bind_int(s, "$t", now + delay) || db_bind_text(s, "$login", login) ||
	    db_step(s) != DB_DONE)
		return -1;
	rep->failures = (int)n;
	rep->alert = n == pol->login_max_failures;
	return 0;
}

/* A success: what the failure record held goes into rep for the owner,
** and the record is deleted.  0 or -1. */
static int failure_clear(db *d, const char *login, struct login_report *rep)
{
	db_stmt *s = db_prepare(d, "SELECT failures, last_at, last_ip FROM login_failure"
				   " WHERE login = $login");
	if (!s || db_bind_text(s, "$login", login))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		rep->failures = (int)db_column_int(s, 0);
		rep->last_at = db_column_int(s, 1);
		snprintf(rep->last_ip, sizeof rep->last_ip, "%s", db_column_text(s, 2));
		db_reset(s);
	} else if (st != DB_DONE)
		return -1;
	else
		return 0;
	s = db_prepare(d, "DELETE FROM login_failure WHERE login = $login");
	if (!s || db_bind_text(s, "$login", login))
		return -1;
	return db_step(s) == DB_DONE ? 0 : -1;
}

enum login_result auth_login_account(db *d, const char *login, const char *password,
				     const struct login_from *from, int64_t *account_id,
				     struct login_report *rep)
{
	memset(rep, 0, sizeof *rep);
	/* no account has such a login: nothing to check, count or time */
	if (!login_valid(login) || !password || !*password || strlen(password) > 1024)
		return LOGIN_BAD;
	struct security_policy pol;
	if (policy_load(d, &pol))
		return LOGIN_ERROR;
	enum login_result res = attempt_refused(d, &pol, login, from->key,
						!strcmp(pol.lockout_scope, "account"), 1, rep);
	if (res != LOGIN_OK)
		return res;
	db_stmt *s = db_prepare(d, "SELECT id, pw_hash, COALESCE(village_id, 0) FROM account"
				   " WHERE login=$login AND disabled=0");
	if (!s || db_bind_text(s, "$login", login))
		return LOGIN_ERROR;
	int st = db_step(s);
	int ok = 0;
	if (st == DB_ROW) {
		*account_id = db_column_int(s, 0);
		rep->village_id = db_column_int(s, 2);
		char hash[crypto_pwhash_STRBYTES];
		snprintf(hash, sizeof hash, "%s", db_column_text(s, 1));
		db_reset(s);
		ok = password_verify(hash, password);
	} else {
		db_reset(s);
		if (st != DB_DONE)
			return LOGIN_ERROR;
		/* spend the same time as a real check, and count the failure as
		** for an account: neither timing nor delays enumerate accounts */
		pthread_once(&dummy_once, dummy_init);
		password_verify(dummy_hash, password);
	}
	if (attempt_record(d, login, from->key, ok) ||
	    (ok ? failure_clear(d, login, rep) : failure_record(d, &pol, login, from->ip, rep)))
		return LOGIN_ERROR;
	return ok ? LOGIN_OK : LOGIN_BAD;
}

enum login_result auth_login_household(db *d, const char *village_code, const char *hcode,
				       const char *pin, const struct login_from *from,
				       int64_t *household_id, struct login_report *rep)
{
	memset(rep, 0, sizeof *rep);
	char key[160], code[80] = "";
	if (!village_code || !hcode || !*village_code || !*hcode || strlen(village_code) > 64 ||
	    strlen(hcode) > 64 || !pin || !*pin || strlen(pin) > 64)
		return LOGIN_BAD;
	/* the village as typed (its code in any case, or its name) to its code:
	** the lock and the village's budget count "CODE/who" */
	db_stmt *s = db_prepare(d, "SELECT code FROM village WHERE lower(code)=lower($v) OR name=$v"
				   " ORDER BY id LIMIT 1");
	if (!s || db_bind_text(s, "$v", village_code))
		return LOGIN_ERROR;
	int st = db_step(s);
	if (st == DB_ROW) {
		snprintf(code, sizeof code, "%s", db_column_text(s, 0));
		db_reset(s);
	} else if (st != DB_DONE)
		return LOGIN_ERROR;
	snprintf(key, sizeof key, "%s/%s", *code ? code : village_code, hcode);
	/* one lock for "ZHANGMA-001" and "zhangma-001" */
	for (char *k = strchr(key, '/'); *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	struct security_policy pol;
	if (policy_load(d, &pol))
		return LOGIN_ERROR;
	enum login_result res = attempt_refused(d, &pol, key, from->key, 1, 0, rep);
	if (res != LOGIN_OK)
		return res;
	/* the village's budget of failures (pin_budget.h), across households
	** and addresses */
	int wait = *code ? pin_budget_wait(d, code, NULL) : 0;
	if (wait) {
		rep->retry_after = wait;
		rep->village_paused = wait > 0;
		return wait < 0 ? LOGIN_ERROR : LOGIN_THROTTLED;
	}
	enum { CANDIDATES = 4 };
	s = db_prepare(d,
		"SELECT h.id, h.pin_hash FROM household h JOIN village v ON v.id=h.village_id"
		" WHERE (lower(v.code)=lower($v) OR v.name=$v)"
		"   AND h.pin_hash IS NOT NULL AND h.left_on IS NULL"
		"   AND (lower(h.code)=lower($h) OR lower(h.code)=lower(v.code || '-' || $h)"
		"        OR h.head_name=$h)"
		" ORDER BY h.id LIMIT 4");
	if (!s || db_bind_text(s, "$v", village_code) || db_bind_text(s, "$h", hcode))
		return LOGIN_ERROR;
	int64_t ids[CANDIDATES];
	char hashes[CANDIDATES][crypto_pwhash_STRBYTES];
	int n = 0;
	while (n < CANDIDATES && (st = db_step(s)) == DB_ROW) {
		ids[n] = db_column_int(s, 0);
		snprintf(hashes[n], sizeof hashes[n], "%s", db_column_text(s, 1));
		n++;
	}
	db_reset(s);
	if (n < CANDIDATES && st != DB_DONE)
		return LOGIN_ERROR;
	int ok = 0;
	for (int i = 0; i < n && !ok; i++)
		if (password_verify(hashes[i], pin)) {
			ok = 1;
			*household_id = ids[i];
		}
	if (!n) { /* the same time as a wrong PIN: no answer by the clock either */
		pthread_once(&dummy_once, dummy_init);
		password_verify(dummy_hash, pin);
	}
	if (attempt_record(d, key, from->key, ok))
		return LOGIN_ERROR;
	return ok ? LOGIN_OK : LOGIN_BAD;
}

const char *login_report_notice(arena *a, const struct login_report *rep)
{
	if (rep->failures <= 0)
		return NULL;
	return arena_printf(a, "自上次登录以来有 %d 次失败的登录尝试，最近一次来自 %s（%s）。"
			    "如果不是您本人，请告诉管理员。",
			    rep->failures, rep->last_ip, time_format(a, rep->last_at, NULL));
}

int session_set_notice(db *d, const char *token, const char *notice)
{
	char id[65];
	sha256_hex(token, strlen(token), id);
	db_stmt *s = db_prepare(d, "UPDATE session SET notice = $n WHERE id = $id");
	if (!s || db_bind_text(s, "$n", notice) || db_bind_text(s, "$id", id))
		return -1;
	return db_step(s) == DB_DONE ? 0 : -1;
}

void session_clear_notice(db *d, const struct user *u)
{
	db_stmt *s = db_prepare(d, "UPDATE session SET notice = NULL WHERE id = $id");
	if (s && !db_bind_text(s, "$id", u->sid))
		db_step(s);
}

int session_create(db *d, int64_t account_id, int64_t household_id, const char *ip,
		   char token[65])
{
	char id[65], csrf[65];
	random_hex(token, 32);
	random_hex(csrf, 32);
	sha256_hex(token, 64, id);
	db_stmt *s = db_prepare(d,
		"INSERT INTO session(id, account_id, household_id, csrf, ip, created_at, last_seen)"
		" VALUES($id, $acc, $hh, $csrf, $ip, $now, $now)");
	if (!s)
		return -1;
	int64_t now = now_unix();
	db_bind_text(s, "$id", id);
	db_bind_int_or_null(s, "$acc", account_id);
	db_bind_int_or_null(s, "$hh", household_id);
	db_bind_text(s, "$csrf", csrf);
	db_bind_text(s, "$ip", ip ? ip : "");
	db_bind_int(s, "$now", now);
	return db_step(s) == DB_DONE ? 0 : -1;
}

int session_delete(db *d, const char *token)
{
	char id[65];
	sha256_hex(token, strlen(token), id);
	db_stmt *s = db_prepare(d, "DELETE FROM session WHERE id=$id");
	if (!s)
		return -1;
	db_bind_text(s, "$id", id);
	return db_step(s) == DB_DONE ? 0 : -1;
}

int session_delete_account(db *d, int64_t account_id, const char *keep_token)
{
	char keep[65] = "";
	if (keep_token)
		sha256_hex(keep_token, strlen(keep_token), keep);
	db_stmt *s = db_prepare(d, "DELETE FROM session WHERE account_id=$acc AND id<>$keep");
	if (!s)
		return -1;
	db_bind_int(s, "$acc", account_id);
	db_bind_text(s, "$keep", keep);
	return db_step(s) == DB_DONE ? 0 : -1;
}

struct user *session_load(db *d, arena *a, const char *token)
{
	if (!token || strlen(token) != 64)
		return NULL;
	char id[65];
	sha256_hex(token, 64, id);
	db_stmt *s = db_prepare(d,
		"SELECT s.csrf, s.created_at, s.last_seen, s.account_id, a.login, a.role,"
		"       COALESCE(a.village_id, h.village_id), v.code, a.must_change,"
		"       COALESCE(a.disabled, 0), s.household_id, h.code, h.left_on,"
		"       COALESCE(a.pw_changed_at, 0), s.notice"
		"  FROM session s"
		"  LEFT JOIN account a ON a.id = s.account_id"
		"  LEFT JOIN household h ON h.id = s.household_id"
		"  LEFT JOIN village v ON v.id = COALESCE(a.village_id, h.village_id)"
		" WHERE s.id = $id");
	if (!s)
		return NULL;
	db_bind_text(s, "$id", id);
	if (db_step(s) != DB_ROW) {
		db_reset(s);
		return NULL;
	}
	int64_t now = now_unix(), created = db_column_int(s, 1), seen = db_column_int(s, 2);
	int64_t pw_changed = db_column_int(s, 13);
	struct user *u = arena_alloc(a, sizeof *u);
	u->csrf = arena_strdup(a, db_column_text(s, 0));
	u->sid = arena_strdup(a, id);
	u->notice = db_column_dup(s, 14, a);
	int household = !db_column_is_null(s, 10);
	u->village_id = db_column_int(s, 6);
	u->village_code = arena_strdup(a, db_column_text(s, 7));
	if (household) {
		u->id = db_column_int(s, 10);
		u->login = arena_strdup(a, db_column_text(s, 11));
		u->role = ROLE_HOUSEHOLD;
	} else {
		u->id = db_column_int(s, 3);
		u->login = arena_strdup(a, db_column_text(s, 4));
		u->role = role_from_name(db_column_text(s, 5));
		u->must_change_password = (int)db_column_int(s, 8);
	}
	int dead = db_column_int(s, 9) || (household && !db_column_is_null(s, 12)) || !u->role;
	db_reset(s);
	struct security_policy pol;
	if (policy_load(d, &pol))
		return NULL;
	if (dead || now - seen > (int64_t)pol.session_idle_minutes * 60 ||
	    now - created > (int64_t)pol.session_max_hours * 3600) {
		session_delete(d, token);
		return NULL;
	}
	/* an expired password must be changed before anything else */
	if (!household && pol.password_max_age_days &&
	    now - pw_changed > (int64_t)pol.password_max_age_days * 86400)
		u->must_change_password = 1;
	if (now - seen > TOUCH_INTERVAL) {
		db_stmt *t = db_prepare(d, "UPDATE session SET last_seen=$now WHERE id=$id");
		if (t) {
			db_bind_int(t, "$now", now);
			db_bind_text(t, "$id", id);
			db_step(t);
		}
	}
	return u;
}

int account_change_password(db *d, int64_t account_id, const char *old_pw,
			    const char *new_pw, const char *new_pw2, errlist *errs)
{
	db_stmt *s = db_prepare(d, "SELECT pw_hash FROM account WHERE id=$id");
	if (!s)
		return -1;
	db_bind_int(s, "$id", account_id);
	if (db_step(s) != DB_ROW) {
		db_reset(s);
		return -1;
	}
	char hash[crypto_pwhash_STRBYTES];
	snprintf(hash, sizeof hash, "%s", db_column_text(s, 0));
	db_reset(s);
	if (!password_verify(hash, old_pw))
		errlist_add(errs, "原密码不正确。");
	struct security_policy pol;
	if (policy_load(d, &pol))
		return -1;
	arena *a = arena_new();
	const char *perr = password_policy_error(a, &pol, new_pw);
	if (perr)
		errlist_add(errs, "新密码: %s", perr);
	else if (!new_pw2 || strcmp(new_pw, new_pw2))
		errlist_add(errs, "两次输入的新密码不一致。");
	else if (old_pw && !strcmp(old_pw, new_pw))
		errlist_add(errs, "新密码不能与原密码相同。");
	arena_free(a);
	if (errs->n)
		return 1;
	if (password_hash(new_pw, hash, sizeof hash))
		return -1;
	s = db_prepare(d, "UPDATE account SET pw_hash=$h, pw_changed_at=$now, must_change=0"
			  " WHERE id=$id");
	if (!s)
		return -1;
	db_bind_text(s, "$h", hash);
	db_bind_int(s, "$now", now_unix());
	db_bind_int(s, "$id", account_id);
	return db_step(s) == DB_DONE ? 0 : -1;
}
