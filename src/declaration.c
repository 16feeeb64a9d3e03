/*
** declaration.c — households' declarations of good deeds (积分申报, see
** declaration.h): a household declares on its passbook pages; a scorer
** accepts one into an entry of the sheet of its date's month (with every
** check of an entry) or declines it with a reason the household sees.
*/
#include "declaration.h"

#include "auth.h"

#include "json.h"
#include "passbook_store.h"
#include "sheet_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sheet.h"

/* ---- declarations ------------------------------------------------------------------ */

const char *declaration_status_label(int status)
{
	static const char *const labels[] = {"待审核", "已采纳", "未采纳"};
	return status >= 0 && status <= DECL_DECLINED ? labels[status] : "";
}

static int declaration_status_from_name(const char *s)
{
	return !strcmp(s, "accepted") ? DECL_ACCEPTED : !strcmp(s, "declined") ? DECL_DECLINED
										: DECL_PENDING;
}

/* Days from date a to date b (both valid YYYY-MM-DD). */
static long days_between(const char *a, const char *b)
{
	struct tm ta = {0}, tb = {0};
	ta.tm_year = atoi(a) - 1900;
	ta.tm_mon = atoi(a + 5) - 1;
	ta.tm_mday = atoi(a + 8);
	tb.tm_year = atoi(b) - 1900;
	tb.tm_mon = atoi(b + 5) - 1;
	tb.tm_mday = atoi(b + 8);
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

int declaration_create(db *d, const struct actor *who, const struct village *v,
		       int64_t household_id, const char *item_code, const char *date,
		       const char *note, const char *photo, errlist *errs, int64_t *id)
{
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	char today[11];
	date_today(today);
	if (!date || !date_valid(date))
		errlist_add(errs, "日期应为有效日期，格式 YYYY-MM-DD");
	else if (strcmp(date, today) > 0)
		errlist_add(errs, "日期 %s 晚于今天", date);
	else if (days_between(date, today) > 90)
		errlist_add(errs, "只能申报 90 天内的事");
	if (!note || !*note)
		errlist_add(errs, "请写明做了什么好事");
	else if (!text_is_clean(note, 1) || utf8_len(note) > 500)
		errlist_add(errs, "说明最长 500 个字，不能含控制字符");
	if (errs->n) {
		rc = 1;
		goto out;
	}
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	struct entry_ctx c;
	memset(&c, 0, sizeof c);
	c.d = d;
	c.a = a;
	c.v = v;
	struct hh_info *h;
	int got = hh_lookup(&c, household_id, NULL, &h);
	if (got < 0)
		goto out;
	if (got || !h->participating) {
		errlist_add(errs, got ? "本村没有这一户" : "这一户没有参与积分制，不能申报");
		rc = 1;
		goto out;
	}
	/* the household's quota of the last 24 hours (security policy): one
	** household must not fill the disk with declarations */
	struct security_policy pol;
	db_stmt *q = policy_load(d, &pol) ? NULL
					  : db_prepare(d, "SELECT COUNT(*) FROM declaration"
							  " WHERE household_id = $h AND created_at > $since");
	if (!q || db_bind_int(q, "$h", household_id) ||
	    db_bind_int(q, "$since", now_unix() - 86400) || db_step(q) != DB_ROW)
		goto out;
	int64_t recent = db_column_int(q, 0);
	db_reset(q);
	if (recent >= pol.declarations_per_day) {
		errlist_add(errs, "这一户 24 小时内已申报 %lld 次，每天最多 %d 次，请明天再申报",
			    (long long)recent, pol.declarations_per_day);
		rc = 1;
		goto out;
	}
	if (item_code && *item_code) {
		struct std_version *ver;
		got = standard_in_force(d, a, v->id, date, 1, &ver);
		if (got < 0)
			goto out;
		if (got || !standard_item_by_code(ver, item_code)) {
			errlist_add(errs, "项目编号“%s”不在 %s 生效的积分标准中", item_code, date);
			rc = 1;
			goto out;
		}
	}
	if (photo && *photo) {
		got = strlen(photo) == 64 ? photo_known(d, v->id, photo) : 1;
		if (got < 0)
			goto out;
		if (got) {
			errlist_add(errs, "照片不存在，请重新上传");
			rc = 1;
			goto out;
		}
	}
	db_stmt *s = db_prepare(d, "INSERT INTO declaration(village_id, household_id, item_code,"
				   " date, note, photo, created_at)"
				   " VALUES($v, $h, $item, $date, $note, $photo, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_text(s, "$item", item_code ? item_code : "") || db_bind_text(s, "$date", date) ||
	    db_bind_text(s, "$note", note) || db_bind_text(s, "$photo", photo && *photo ? photo : NULL) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_ROW)
		goto out;
	int64_t new_id = db_column_int(s, 0);
	db_reset(s);
	/* the passbook lists its declarations */
	if (passbook_store_touch(d, household_id))
		goto out;
	buf js = {0};
	buf_printf(&js, "{\"household\":%lld,\"date\":\"%s\",\"note\":", (long long)household_id,
		   date);
	json_quote(&js, note);
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, "declaration.create", "declaration", new_id, &js))
		goto out;
	in_tx = 0;
	if (id)
		*id = new_id;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

#define DECL_SEL "SELECT dl.id, dl.village_id, dl.household_id, h.code, h.head_name," \
		 " dl.item_code, dl.date, dl.note, dl.photo, dl.status, dl.decline_reason," \
		 " COALESCE(dl.entry_id, 0), dl.decided_by, COALESCE(dl.decided_at, 0)," \
		 " dl.created_at FROM declaration dl JOIN household h ON h.id = dl.household_id"

/* A row of DECL_SEL (a db_row_fn). */
static void declaration_from_row(db_stmt *s, arena *a, void *row)
{
	struct declaration *x = row;
	x->id = db_column_int(s, 0);
	x->village_id = db_column_int(s, 1);
	x->household_id = db_column_int(s, 2);
	x->household_code = arena_strdup(a, db_column_text(s, 3));
	x->household_name = arena_strdup(a, db_column_text(s, 4));
	x->item_code = arena_strdup(a, db_column_text(s, 5));
	x->date = arena_strdup(a, db_column_text(s, 6));
	x->note = arena_strdup(a, db_column_text(s, 7));
	x->photo = db_column_dup(s, 8, a);
	x->status = declaration_status_from_name(db_column_text(s, 9));
	x->decline_reason = db_column_dup(s, 10, a);
	x->entry_id = db_column_int(s, 11);
	x->decided_by = db_column_dup(s, 12, a);
	x->decided_at = db_column_int(s, 13);
	x->created_at = db_column_int(s, 14);
}

int declaration_list_page(db *d, arena *a, int64_t village_id, int64_t household_id, int status,
			  int64_t before, int limit, struct declaration **rows, int *n,
			  int64_t *next)
{
	*rows = NULL;
	*n = 0;
	*next = 0;
	static const char *const names[] = {"pending", "accepted", "declined"};
	/* one household's (its passbook, rendered with every change) by its
	** own index: "$h = 0 OR" kept SQLite on the village's, reading every
	** declaration of the village for each passbook */
	db_stmt *s = db_prepare(d, household_id
		? DECL_SEL " WHERE dl.household_id = $h AND dl.village_id = $v"
			   " AND ($st = '' OR dl.status = $st)"
			   " AND ($before = 0 OR dl.id < $before) ORDER BY dl.id DESC LIMIT $lim"
		: DECL_SEL " WHERE dl.village_id = $v AND $h = 0"
			   " AND ($st = '' OR dl.status = $st)"
			   " AND ($before = 0 OR dl.id < $before) ORDER BY dl.id DESC LIMIT $lim");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_text(s, "$st", status >= 0 && status <= DECL_DECLINED ? names[status] : "") ||
	    db_bind_int(s, "$before", before) || db_bind_int(s, "$lim", (int64_t)limit + 1))
		return -1;
	int more;
	if (db_read_page(s, a, sizeof **rows, declaration_from_row, limit, rows, n, &more))
		return -1;
	if (more)
		*next = (*rows)[*n - 1].id;
	return 0;
}

int declaration_list(db *d, arena *a, int64_t village_id, int64_t household_id, int status,
		     struct declaration **rows, int *n)
{
	int64_t next;
	return declaration_list_page(d, a, village_id, household_id, status, 0, DECL_LIST_MAX,
				     rows, n, &next);
}

/* Load pending declaration id of v inside the caller's transaction:
** 0 (*out), SHEET_NOT_FOUND (errs), 1 (errs: already decided), -1. */
static int pending_declaration(db *d, arena *a, const struct village *v, int64_t id,
			       struct declaration **out, errlist *errs)
{
	db_stmt *s = db_prepare(d, DECL_SEL " WHERE dl.id = $id AND dl.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", v->id))
		return -1;
	int st = db_step(s);
	if (st == DB_DONE) {
		errlist_add(errs, "本村没有这条申报");
		return SHEET_NOT_FOUND;
	}
	if (st != DB_ROW)
		return -1;
	struct declaration *x = arena_alloc(a, sizeof *x);
	declaration_from_row(s, a, x);
	db_reset(s);
	if (x->status != DECL_PENDING) {
		errlist_add(errs, "这条申报已经%s", declaration_status_label(x->status));
		return 1;
	}
	*out = x;
	/* accepted or declined, it reads so on the household's passbook */
	return passbook_store_touch(d, x->household_id) ? -1 : 0;
}

/* Begin the write transaction of a decision on declaration id of v (*in_tx
** set once it is open) and load it pending: pending_declaration()'s
** answers, -1 when the transaction does not begin. */
static int begin_decision(db *d, arena *a, const struct village *v, int64_t id,
			  struct declaration **out, errlist *errs, int *in_tx)
{
	if (db_begin_write(d))
		return -1;
	*in_tx = 1;
	return pending_declaration(d, a, v, id, out, errs);
}

/* Mark the pending declaration id decided by who now: status "accepted"
** with the entry entry_id it became, or "declined" for reason (the other
** of the two stays NULL, as it was while pending).  0 or -1. */
static int record_decision(db *d, const struct actor *who, int64_t id, const char *status,
			   int64_t entry_id, const char *reason)
{
	db_stmt *s = db_prepare(d, "UPDATE declaration SET status = $st, entry_id = $e,"
				   " decline_reason = $r, decided_by = $by, decided_at = $now"
				   " WHERE id = $id");
	if (!s || db_bind_text(s, "$st", status) ||
	    db_bind_int_or_null(s, "$e", entry_id) ||
	    (reason ? db_bind_text(s, "$r", reason) : db_bind_null(s, "$r")) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_bind_int(s, "$id", id) || db_step(s) != DB_DONE)
		return -1;
	return 0;
}

/* The month a declaration of month goes into: its own, unless that sheet
** is approved already (the committees approved it while the declaration
** waited); then the newest open sheet after it, else the current month's
** (created as a draft when missing).  month is replaced; *late set when it
** changed (the entry keeps the deed's date).  0 or -1. */
static int late_deed_month(db *d, arena *a, int64_t village_id, char month[8], int *late)
{
	struct sheet *sh;
	int rc = sheet_get(d, a, village_id, month, &sh);
	if (rc < 0)
		return -1;
	if (rc > 0 || sh->status != SHEET_APPROVED)
		return 0;
	*late = 1;
	char today[11];
	date_today(today);
	snprintf(month, 8, "%.7s", today);
	db_stmt *s = db_prepare(d, "SELECT month FROM sheet WHERE village_id = $v AND month > $m"
				   " AND status IN ('draft', 'returned') ORDER BY month DESC LIMIT 1");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$m", sh->month))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW)
		snprintf(month, 8, "%.7s", db_column_text(s, 0));
	db_reset(s);
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

int declaration_accept(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const char *item_code, errlist *errs, int64_t *entry_id)
{
	arena *a = arena_new();
	int in_tx = 0;
	struct declaration *x;
	int rc = begin_decision(d, a, v, id, &x, errs, &in_tx);
	if (rc)
		goto out;
	char month[8];
	snprintf(month, sizeof month, "%.7s", x->date);
	int late = 0;
	rc = late_deed_month(d, a, v->id, month, &late);
	if (rc)
		goto out;
	struct entry_input in = {
		.late_deed = late,
		.household_id = x->household_id,
		.item_code = item_code && *item_code ? item_code : x->item_code,
		.date = x->date,
		.quantity = 1,
		.note = x->note,
		.photo = x->photo,
		.declaration_id = x->id,
	};
	struct checked_entry ce;
	int64_t eid = 0;
	rc = entry_add_tx(d, a, who, v, month, &in, errs, &eid, &ce);
	if (rc)
		goto out;
	rc = -1;
	if (record_decision(d, who, id, "accepted", eid, NULL))
		goto out;
	char *after = arena_printf(a, "{\"status\":\"accepted\",\"entry\":%lld}", (long long)eid);
	if (audit_commit_change(d, who, v->id, "declaration.accept", "declaration", id, NULL, after))
		goto out;
	in_tx = 0;
	if (entry_id)
		*entry_id = eid;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int declaration_decline(db *d, const struct actor *who, const struct village *v, int64_t id,
			const char *reason, errlist *errs)
{
	arena *a = arena_new();
	int in_tx = 0;
	struct declaration *x;
	/* the declaration first: an id of another village is "not found"
	** whatever else the request holds */
	int rc = begin_decision(d, a, v, id, &x, errs, &in_tx);
	if (rc)
		goto out;
	rc = 1;
	if (!reason || !*reason) {
		errlist_add(errs, "不采纳的原因不能为空");
		goto out;
	}
	if (!text_is_clean(reason, 1) || utf8_len(reason) > 500) {
		errlist_add(errs, "原因最长 500 个字，不能含控制字符");
		goto out;
	}
	rc = -1;
	if (record_decision(d, who, id, "declined", 0, reason))
		goto out;
	buf js = {0};
	buf_puts(&js, "{\"status\":\"declined\",\"reason\":");
	json_quote(&js, reason);
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, "declaration.decline", "declaration", id, &js))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}
