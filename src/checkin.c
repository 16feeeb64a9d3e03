/*
** checkin.c — QR check-in at an activity (checkin.h).  The entry each
** scan makes goes through entry_add_tx(): the rules of an entry are
** sheet.c's, this file only keeps who scanned which check-in.
*/
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "checkin.h"
#include "json.h"
#include "sheet_int.h"
#include "standard.h"

#define CHECKIN_SEL "SELECT c.id, c.village_id, c.token, c.item_code, c.date, c.opened_by," \
		    " c.opened_at, COALESCE(c.closed_at, 0)," \
		    " (SELECT COUNT(*) FROM checkin_scan s WHERE s.checkin_id = c.id)" \
		    " FROM checkin c"

static void checkin_from_row(db_stmt *s, arena *a, void *row)
{
	struct checkin *c = row;
	c->id = db_column_int(s, 0);
	c->village_id = db_column_int(s, 1);
	c->token = arena_strdup(a, db_column_text(s, 2));
	c->item_code = arena_strdup(a, db_column_text(s, 3));
	c->date = arena_strdup(a, db_column_text(s, 4));
	c->opened_by = arena_strdup(a, db_column_text(s, 5));
	c->opened_at = db_column_int(s, 6);
	c->closed_at = db_column_int(s, 7);
	c->scans = db_column_int(s, 8);
	c->item_name = "";
}

/* The item's name in the version in force on c's date (c->item_name). */
static void checkin_item_name(db *d, arena *a, struct checkin *c)
{
	struct std_version *sv;
	if (standard_in_force(d, a, c->village_id, c->date, 1, &sv) == 0) {
		const struct std_item *it = standard_item_by_code(sv, c->item_code);
		if (it)
			c->item_name = it->name;
	}
}

/* One check-in from s (bound); 0, 1, -1. */
static int one_checkin(db *d, db_stmt *s, arena *a, struct checkin **out)
{
	int st = db_step(s);
	if (st != DB_ROW) {
		db_reset(s);
		return st == DB_DONE ? 1 : -1;
	}
	*out = arena_alloc(a, sizeof **out);
	checkin_from_row(s, a, *out);
	db_reset(s);
	checkin_item_name(d, a, *out);
	return 0;
}

int checkin_get(db *d, arena *a, int64_t village_id, int64_t id, struct checkin **out)
{
	db_stmt *s = db_prepare(d, CHECKIN_SEL " WHERE c.id = $id AND c.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	return one_checkin(d, s, a, out);
}

int checkin_by_token(db *d, arena *a, const char *token, struct checkin **out)
{
	db_stmt *s = db_prepare(d, CHECKIN_SEL " WHERE c.token = $t");
	if (!s || db_bind_text(s, "$t", token))
		return -1;
	return one_checkin(d, s, a, out);
}

int checkin_list(db *d, arena *a, int64_t village_id, struct checkin **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, CHECKIN_SEL " WHERE c.village_id = $v ORDER BY c.id DESC LIMIT 20");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, checkin_from_row, rows, n);
}

int checkin_scans(db *d, arena *a, const struct checkin *c, struct checkin_scan **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT s.household_id, s.entry_id, s.at, h.code, h.head_name"
				   " FROM checkin_scan s JOIN household h ON h.id = s.household_id"
				   " WHERE s.checkin_id = $c ORDER BY s.at, h.code");
	if (!s || db_bind_int(s, "$c", c->id))
		return -1;
	int cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		*rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
		struct checkin_scan *x = &(*rows)[(*n)++];
		x->household_id = db_column_int(s, 0);
		x->entry_id = db_column_int(s, 1);
		x->at = db_column_int(s, 2);
		x->household_code = arena_strdup(a, db_column_text(s, 3));
		x->household_name = arena_strdup(a, db_column_text(s, 4));
	}
	return st == DB_DONE ? 0 : -1;
}

int checkin_open(db *d, const struct actor *who, const struct village *v, const char *item_code,
		 const char *date, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	if (!date || !date_valid(date)) {
		errlist_add(errs, "日期: 应为有效日期，格式 YYYY-MM-DD");
		return 1;
	}
	if (strcmp(date, today) > 0) {
		errlist_add(errs, "日期: %s 晚于今天（%s）", date, today);
		return 1;
	}
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	struct std_version *sv = NULL;
	int got = standard_in_force(d, a, v->id, date, 1, &sv);
	if (got < 0)
		goto out;
	if (got || !item_code || !standard_item_by_code(sv, item_code)) {
		errlist_add(errs, "积分项目: “%s”不在 %s 施行的积分标准中", item_code ? item_code : "",
			    date);
		rc = 1;
		goto out;
	}
	struct sheet *sh;
	char month[8];
	snprintf(month, sizeof month, "%.7s", date);
	got = sheet_get(d, a, v->id, month, &sh);
	if (got < 0)
		goto out;
	if (got == 0 && !sheet_is_open(sh)) {
		errlist_add(errs, "%s 的积分表%s，不能再签到记分", month, sheet_status_label(sh->status));
		rc = 1;
		goto out;
	}
	unsigned char raw[16];
	char token[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	db_stmt *s = db_prepare(d, "INSERT INTO checkin(village_id, token, item_code, date, opened_by,"
				   " opened_at) VALUES($v, $t, $i, $d, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$t", token) ||
	    db_bind_text(s, "$i", item_code) || db_bind_text(s, "$d", date) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"item\":");
	json_quote(&js, item_code);
	buf_printf(&js, ",\"date\":\"%s\"}", date);
	if (audit_commit_json(d, who, v->id, "checkin.open", "checkin", *id, &js))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int checkin_scan(db *d, const struct village *v, const struct checkin *c, int64_t household_id,
		 errlist *errs, int *already)
{
	*already = 0;
	if (c->village_id != v->id) {
		errlist_add(errs, "这个签到不是本村的");
		return 1;
	}
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	/* re-read inside the transaction: closed meanwhile, scanned meanwhile */
	db_stmt *s = db_prepare(d, "SELECT COALESCE(closed_at, 0),"
				   " (SELECT COUNT(*) FROM checkin_scan WHERE checkin_id = $c"
				   " AND household_id = $h) FROM checkin WHERE id = $c");
	if (!s || db_bind_int(s, "$c", c->id) || db_bind_int(s, "$h", household_id) ||
	    db_step(s) != DB_ROW)
		goto out;
	int64_t closed = db_column_int(s, 0), seen = db_column_int(s, 1);
	db_reset(s);
	if (closed) {
		errlist_add(errs, "签到已经结束");
		rc = 1;
		goto out;
	}
	if (seen) {
		*already = 1;
		rc = 0;
		goto out;
	}
	/* the entry is the scorer's who opened the check-in */
	struct actor scorer = {0, c->opened_by, ""};
	struct entry_input in = {.household_id = household_id,
				 .item_code = c->item_code,
				 .date = c->date,
				 .quantity = 1,
				 .note = "现场签到"};
	char month[8];
	snprintf(month, sizeof month, "%.7s", c->date);
	struct checked_entry ce;
	int64_t eid = 0;
	rc = entry_add_tx(d, a, &scorer, v, month, &in, errs, &eid, &ce);
	if (rc)
		goto out;
	rc = -1;
	s = db_prepare(d, "INSERT INTO checkin_scan(checkin_id, household_id, entry_id, at)"
			  " VALUES($c, $h, $e, $now)");
	if (!s || db_bind_int(s, "$c", c->id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_int(s, "$e", eid) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_DONE || db_commit(d))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int checkin_close(db *d, const struct actor *who, const struct village *v, int64_t id,
		  errlist *errs)
{
	int rc = -1;
	if (db_begin_write(d))
		return -1;
	db_stmt *s = db_prepare(d, "UPDATE checkin SET closed_at = $now WHERE id = $id"
				   " AND village_id = $v AND closed_at IS NULL");
	if (!s || db_bind_int(s, "$now", now_unix()) || db_bind_int(s, "$id", id) ||
	    db_bind_int(s, "$v", v->id) || db_step(s) != DB_DONE)
		goto out;
	if (db_changes(d) != 1) {
		errlist_add(errs, "没有这个进行中的签到");
		rc = 1;
		goto out;
	}
	if (audit_commit_change(d, who, v->id, "checkin.close", "checkin", id, NULL,
				"{\"closed\":true}"))
		goto out;
	return 0;
out:
	db_rollback(d);
	return rc;
}
