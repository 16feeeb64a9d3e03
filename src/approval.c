/*
** approval.c — a sheet's workflow (sheet.h): submit, return with a reason,
** and the collective approval (集体审定), which records the meeting and
** posts the whole sheet onto the ledger (ledger_post_sheet) in the same
** transaction: all or nothing.
*/
#include "sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ledger.h"
#include "scoring_group.h"
#include "sheet_int.h"
#include "standard.h"

/* ---- workflow ------------------------------------------------------------------------ */

/* Change the status of village v's sheet of month from one of the allowed
** statuses to `to`, with the field updates of that step; own transaction,
** audited.  Returns 0, 1, -1. */
static int sheet_transition(db *d, const struct actor *who, const struct village *v,
			    const char *month, int to, const char *reason, errlist *errs)
{
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	struct sheet *sh;
	int got = month_valid(month) ? sheet_get(d, a, v->id, month, &sh) : 1;
	if (got < 0)
		goto out;
	if (got) {
		errlist_add(errs, "%s 还没有积分表", month_valid(month) ? month : "这个月");
		errlist_refuse(errs, REFUSED_NOT_FOUND, 0);
		rc = 1;
		goto out;
	}
	db_stmt *s;
	if (to == SHEET_SUBMITTED) {
		if (!sheet_is_open(sh)) {
			errlist_add(errs, "%s 的积分表%s，不能提交", month, sheet_status_label(sh->status));
			errlist_refuse(errs, REFUSED_CONFLICT, sh->status);
			rc = 1;
			goto out;
		}
		if (sh->entry_count == 0) {
			errlist_add(errs, "%s 的积分表还没有积分记录", month);
			rc = 1;
			goto out;
		}
		/* the plan's rule for the scoring group (scoring_group.h) */
		if ((rc = group_check_submit(d, v->id, errs)) != 0)
			goto out;
		rc = -1;
		s = db_prepare(d, "UPDATE sheet SET status = 'submitted', submitted_by = $by,"
				  " submitted_at = $now, updated_at = $now"
				  " WHERE id = $id AND status IN ('draft', 'returned')");
	} else {
		if (sh->status != SHEET_SUBMITTED) {
			errlist_add(errs, "%s 的积分表%s，只有已提交的才能退回", month,
				    sheet_status_label(sh->status));
			errlist_refuse(errs, REFUSED_CONFLICT, sh->status);
			rc = 1;
			goto out;
		}
		s = db_prepare(d, "UPDATE sheet SET status = 'returned', returned_by = $by,"
				  " returned_at = $now, return_reason = $reason, updated_at = $now"
				  " WHERE id = $id AND status = 'submitted'");
		if (s && db_bind_text(s, "$reason", reason))
			goto out;
	}
	if (!s || db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_bind_int(s, "$id", sh->id) || db_step(s) != DB_DONE)
		goto out;
	if (db_changes(d) != 1) {
		errlist_add(errs, "%s 的积分表刚被别人改动过，请刷新后再试", month);
		rc = 1;
		goto out;
	}
	buf js = {0};
	buf_printf(&js, "{\"month\":\"%s\",\"status\":\"%s\"", month, sheet_status_name(to));
	if (reason) {
		buf_puts(&js, ",\"reason\":");
		json_quote(&js, reason);
	}
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, to == SHEET_SUBMITTED ? "sheet.submit" : "sheet.return",
			      "sheet", sh->id, &js))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int sheet_submit(db *d, const struct actor *who, const struct village *v, const char *month,
		 errlist *errs)
{
	return sheet_transition(d, who, v, month, SHEET_SUBMITTED, NULL, errs);
}

int sheet_return(db *d, const struct actor *who, const struct village *v, const char *month,
		 const char *reason, errlist *errs)
{
	if (!reason || !*reason) {
		errlist_add(errs, "退回原因不能为空");
		return 1;
	}
	if (!text_is_clean(reason, 1) || utf8_len(reason) > 500) {
		errlist_add(errs, "退回原因最长 500 个字，不能含控制字符");
		return 1;
	}
	return sheet_transition(d, who, v, month, SHEET_RETURNED, reason, errs);
}

#define APPROVAL_COLS "id, village_id, sheet_id, month, meeting_date, attendees, resolution," \
		      " approved_by, approved_at, entry_count, points_total," \
		      " COALESCE(seq_first, 0), COALESCE(seq_last, 0), head_hash"

/* A row of "SELECT " APPROVAL_COLS (a db_row_fn). */
static void approval_from_row(db_stmt *s, arena *a, void *row)
{
	struct approval *ap = row;
	ap->id = db_column_int(s, 0);
	ap->village_id = db_column_int(s, 1);
	ap->sheet_id = db_column_int(s, 2);
	ap->month = arena_strdup(a, db_column_text(s, 3));
	ap->meeting_date = arena_strdup(a, db_column_text(s, 4));
	ap->attendees = arena_strdup(a, db_column_text(s, 5));
	ap->resolution = arena_strdup(a, db_column_text(s, 6));
	ap->approved_by = arena_strdup(a, db_column_text(s, 7));
	ap->approved_at = db_column_int(s, 8);
	ap->entry_count = db_column_int(s, 9);
	ap->points_total = db_column_int(s, 10);
	ap->seq_first = db_column_int(s, 11);
	ap->seq_last = db_column_int(s, 12);
	ap->head_hash = db_column_dup(s, 13, a);
}

int approval_get(db *d, arena *a, int64_t village_id, int64_t approval_id,
		 struct approval **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " APPROVAL_COLS " FROM approval"
				   " WHERE id = $id AND village_id = $v");
	if (!s || db_bind_int(s, "$id", approval_id) || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_one(s, a, sizeof **out, approval_from_row, out);
}

int approval_meeting_get(db *d, arena *a, int64_t village_id, int64_t approval_id,
			 struct approval **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT month, meeting_date, resolution FROM approval"
				   " WHERE id = $id AND village_id = $v");
	if (!s || db_bind_int(s, "$id", approval_id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step_one(s);
	if (st)
		return st;
	struct approval *ap = arena_alloc(a, sizeof *ap);
	ap->id = approval_id;
	ap->village_id = village_id;
	ap->month = arena_strdup(a, db_column_text(s, 0));
	ap->meeting_date = arena_strdup(a, db_column_text(s, 1));
	ap->resolution = arena_strdup(a, db_column_text(s, 2));
	db_reset(s);
	*out = ap;
	return 0;
}

void meeting_text_check(const char *attendees, const char *resolution, errlist *errs)
{
	if (!attendees || !*attendees)
		errlist_add(errs, "参会人员不能为空");
	else if (!text_is_clean(attendees, 1) || utf8_len(attendees) > 500)
		errlist_add(errs, "参会人员最长 500 个字，不能含控制字符");
	if (!resolution || !*resolution)
		errlist_add(errs, "会议决议不能为空");
	else if (!text_is_clean(resolution, 1) || utf8_len(resolution) > 2000)
		errlist_add(errs, "会议决议最长 2000 个字，不能含控制字符");
}

/* The checks of an approval's meeting fields against month and today. */
static void check_approval(const struct approval_input *in, const char *month,
			   const char *today, errlist *errs)
{
	if (!in->meeting_date || !date_valid(in->meeting_date))
		errlist_add(errs, "会议日期应为有效日期，格式 YYYY-MM-DD");
	else if (strcmp(in->meeting_date, today) > 0)
		errlist_add(errs, "会议日期 %s 晚于今天（%s）", in->meeting_date, today);
	else if (strncmp(in->meeting_date, month, 7) < 0)
		errlist_add(errs, "会议日期 %s 早于 %s 月", in->meeting_date, month);
	meeting_text_check(in->attendees, in->resolution, errs);
}

int sheet_approve(db *d, arena *a, const struct actor *who, const struct village *v,
		  const char *month, const struct approval_input *in, int allow_unsubmitted,
		  errlist *errs, struct approval **out)
{
	int rc = -1, in_tx = 0;
	char today[11];
	date_today(today);
	if (out)
		*out = NULL;
	if (!month_valid(month)) {
		errlist_add(errs, "月份应为 YYYY-MM");
		return 1;
	}
	check_approval(in, month, today, errs);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	in_tx = 1;
	struct sheet *sh;
	int got = sheet_get(d, a, v->id, month, &sh);
	if (got < 0)
		goto out;
	if (got) {
		errlist_add(errs, "%s 还没有积分表", month);
		errlist_refuse(errs, REFUSED_NOT_FOUND, 0);
		rc = 1;
		goto out;
	}
	/* close the sheet first: the UPDATE is the row lock that keeps entries
	** from being added while it is posted, and a second approval waits here
	** and then finds it approved */
	db_stmt *s;
	if (allow_unsubmitted)
		s = db_prepare(d, "UPDATE sheet SET status = 'approved', updated_at = $now"
				  " WHERE id = $id AND status IN ('draft', 'submitted', 'returned')");
	else
		s = db_prepare(d, "UPDATE sheet SET status = 'approved', updated_at = $now"
				  " WHERE id = $id AND status = 'submitted'");
	int64_t now = now_unix();
	if (!s || db_bind_int(s, "$now", now) || db_bind_int(s, "$id", sh->id) ||
	    db_step(s) != DB_DONE)
		goto out;
	if (db_changes(d) != 1) {
		if (sh->status == SHEET_APPROVED)
			errlist_add(errs, "%s 的积分表已经审定过了", month);
		else
			errlist_add(errs, "%s 的积分表%s，须先由评分小组提交", month,
				    sheet_status_label(sh->status));
		errlist_refuse(errs, REFUSED_CONFLICT, sh->status);
		rc = 1;
		goto out;
	}
	s = db_prepare(d, "SELECT COUNT(*) FROM (SELECT 1 FROM entry WHERE sheet_id = $s LIMIT 1) x");
	if (!s || db_bind_int(s, "$s", sh->id) || db_step(s) != DB_ROW)
		goto out;
	int64_t any = db_column_int(s, 0);
	db_reset(s);
	if (!any) {
		errlist_add(errs, "%s 的积分表没有积分记录", month);
		rc = 1;
		goto out;
	}
	s = db_prepare(d, "INSERT INTO approval(village_id, sheet_id, month, meeting_date, attendees,"
			  " resolution, approved_by, approved_at)"
			  " VALUES($v, $s, $m, $date, $att, $res, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$s", sh->id) ||
	    db_bind_text(s, "$m", month) || db_bind_text(s, "$date", in->meeting_date) ||
	    db_bind_text(s, "$att", in->attendees) || db_bind_text(s, "$res", in->resolution) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now) ||
	    db_step(s) != DB_ROW)
		goto out;
	int64_t approval_id = db_column_int(s, 0);
	db_reset(s);
	int64_t count, points, first, last;
	char head[65];
	if (ledger_post_sheet(d, a, v->id, sh->id, approval_id, now, &count, &points, &first, &last,
			      head))
		goto out;
	s = db_prepare(d, "UPDATE approval SET entry_count = $n, points_total = $p, seq_first = $f,"
			  " seq_last = $l, head_hash = $head WHERE id = $id");
	if (!s || db_bind_int(s, "$n", count) || db_bind_int(s, "$p", points) ||
	    db_bind_int(s, "$f", first) || db_bind_int(s, "$l", last) ||
	    db_bind_text(s, "$head", head) || db_bind_int(s, "$id", approval_id) ||
	    db_step(s) != DB_DONE)
		goto out;
	s = db_prepare(d, "UPDATE sheet SET approval_id = $a WHERE id = $id");
	if (!s || db_bind_int(s, "$a", approval_id) || db_bind_int(s, "$id", sh->id) ||
	    db_step(s) != DB_DONE)
		goto out;
	buf js = {0};
	buf_printf(&js, "{\"month\":\"%s\",\"meeting_date\":\"%s\",\"entries\":%lld,"
			"\"points\":%lld,\"seq_first\":%lld,\"seq_last\":%lld,\"head\":\"%s\","
			"\"attendees\":",
		   month, in->meeting_date, (long long)count, (long long)points, (long long)first,
		   (long long)last, head);
	json_quote(&js, in->attendees);
	buf_puts(&js, ",\"resolution\":");
	json_quote(&js, in->resolution);
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, "sheet.approve", "sheet", sh->id, &js))
		goto out;
	in_tx = 0;
	if (out && approval_get(d, a, v->id, approval_id, out) < 0)
		*out = NULL;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	return rc;
}
