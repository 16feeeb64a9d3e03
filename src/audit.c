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
