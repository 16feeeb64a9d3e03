/*
** audit.c — recording changes in the append-only audit table.  Callers
** record inside the transaction of the change itself, so a change and its
** audit row commit or roll back together.
*/
#include "audit.h"

#include "util.h"

int audit_record(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *object, const char *before, const char *after)
{
	db_stmt *s = db_prepare(d,
		"INSERT INTO audit(at, account_id, login, ip, village_id, action, object,"
		" before_json, after_json)"
		" VALUES($at, $acc, $login, $ip, $village, $action, $object, $before, $after)");
	if (!s)
		return -1;
	db_bind_int(s, "$at", now_unix());
	if (who->account_id)
		db_bind_int(s, "$acc", who->account_id);
	else
		db_bind_null(s, "$acc");
	db_bind_text(s, "$login", who->login ? who->login : "");
	db_bind_text(s, "$ip", who->ip ? who->ip : "");
	if (village_id)
		db_bind_int(s, "$village", village_id);
	else
		db_bind_null(s, "$village");
	db_bind_text(s, "$action", action);
	db_bind_text(s, "$object", object ? object : "");
	db_bind_text(s, "$before", before);
	db_bind_text(s, "$after", after);
	return db_step(s) == DB_DONE ? 0 : -1;
}

int audit_list(db *d, arena *a, int64_t village_id, int64_t before, struct audit_row **rows,
	       int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT a.id, a.at, a.login, a.ip, a.action, a.object, a.before_json, a.after_json,"
		"       v.code"
		"  FROM audit a LEFT JOIN village v ON v.id = a.village_id"
		" WHERE a.id < $before AND (CAST($v AS BIGINT) = 0 OR a.village_id = CAST($v AS BIGINT))"
		" ORDER BY a.id DESC LIMIT 100");
	if (!s || db_bind_int(s, "$before", before) || db_bind_int(s, "$v", village_id))
		return -1;
	struct audit_row *out = arena_alloc(a, AUDIT_PAGE * sizeof *out);
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < AUDIT_PAGE) {
		struct audit_row *x = &out[(*n)++];
		x->id = db_column_int(s, 0);
		x->at = db_column_int(s, 1);
		x->login = arena_strdup(a, db_column_text(s, 2));
		x->ip = arena_strdup(a, db_column_text(s, 3));
		x->action = arena_strdup(a, db_column_text(s, 4));
		x->object = arena_strdup(a, db_column_text(s, 5));
		x->before = arena_strdup(a, db_column_text(s, 6));
		x->after = arena_strdup(a, db_column_text(s, 7));
		x->village_code = arena_strdup(a, db_column_text(s, 8));
	}
	db_reset(s);
	*rows = out;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}
