/*
** objection.c — objections (异议) to a quarterly announcement and the two
** committees' decisions, each upheld one posting its ledger entry in the
** decision's transaction (objection.h).
*/
#include <stdio.h>
#include <string.h>

#include "announcement.h"
#include "csvout.h"
#include "household.h"
#include "json.h"
#include "ledger.h"
#include "objection.h"
#include "sheet_int.h"

enum { OBJECTION_TEXT_MAX = 500 };

static const char *const status_names[] = {"open", "rejected", "upheld"};
static const char *const status_labels[] = {"待答复", "不予支持", "已采纳"};

const char *objection_status_name(int status)
{
	return status >= OBJ_OPEN && status <= OBJ_UPHELD ? status_names[status] : "";
}

const char *objection_status_label(int status)
{
	return status >= OBJ_OPEN && status <= OBJ_UPHELD ? status_labels[status] : "";
}

static int status_from_name(const char *name)
{
	for (int i = OBJ_OPEN; i <= OBJ_UPHELD; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return OBJ_OPEN;
}

const char *objection_channel_label(const char *channel)
{
	static const char *const ch[][2] = {
		{"online", "网上"}, {"phone", "电话"}, {"letter", "来信"}, {"visit", "来访"}};
	for (size_t i = 0; channel && i < sizeof ch / sizeof ch[0]; i++)
		if (!strcmp(channel, ch[i][0]))
			return ch[i][1];
	return NULL;
}

int objection_reply_days(db *d, int64_t village_id)
{
	db_stmt *s = db_prepare(d, "SELECT objection_reply_days FROM village WHERE id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	int days = (int)db_column_int(s, 0);
	db_reset(s);
	return days;
}

int objection_period_check(db *d, arena *a, int64_t village_id, const char *quarter,
			   const char *date, errlist *errs, int64_t *announcement_id)
{
	if (!date || !date_valid(date)) {
		errlist_add(errs, "日期: “%s”不是有效日期，格式应为 YYYY-MM-DD", date ? date : "");
		return 1;
	}
	struct announcement *ann;
	int got = announcement_get(d, a, village_id, quarter, &ann);
	if (got < 0)
		return -1;
	if (got) {
		errlist_add(errs, "季度: %s 还没有公示，不能提出异议", quarter);
		return 1;
	}
	if (announcement_id)
		*announcement_id = ann->id;
	if (strcmp(date, ann->announced_on) < 0) {
		errlist_add(errs, "日期: 公示期 %s 至 %s，%s 还没有开始", ann->announced_on,
			    ann->objection_until, date);
		return 1;
	}
	if (strcmp(date, ann->objection_until) > 0) {
		errlist_add(errs, "公示期已于 %s 结束，不能再提出异议", ann->objection_until);
		return 1;
	}
	return 0;
}

/* Whether text is a valid reason: non-empty, clean, ≤ 500 characters; adds
** a message naming field to errs when not. */
static void reason_check(errlist *errs, const char *field, const char *text)
{
	if (!text || !*text)
		errlist_add(errs, "%s不能为空", field);
	else if (!text_is_clean(text, 1) || utf8_len(text) > OBJECTION_TEXT_MAX)
		errlist_add(errs, "%s最长 %d 个字，不能含控制字符", field, OBJECTION_TEXT_MAX);
}

/* The checks of objection_add that read the database, inside its
** transaction: *hid receives the household, *ann_id the announcement.
** Returns 0, 1 (errs), -1. */
static int add_checks(db *d, arena *a, const struct village *v, const struct objection_input *in,
		      errlist *errs, int64_t *hid, int64_t *ann_id)
{
	struct household *h;
	int got = household_get_by_code(d, a, v->id, in->household_code ? in->household_code : "",
					&h);
	if (got < 0)
		return -1;
	if (got) {
		errlist_add(errs, "户编号: “%s”不是本村的农户",
			    in->household_code ? in->household_code : "");
		return 1;
	}
	*hid = h->id;
	int rc = objection_period_check(d, a, v->id, in->quarter, in->received_on, errs, ann_id);
	if (rc)
		return rc;
	if (in->photo && *in->photo) {
		got = strlen(in->photo) == 64 ? photo_known(d, v->id, in->photo) : 1;
		if (got < 0)
			return -1;
		if (got) {
			errlist_add(errs, "照片: 照片不存在，请重新上传");
			return 1;
		}
	}
	if (!in->entry_seq)
		return 0;
	db_stmt *s = db_prepare(d, "SELECT le.household_id, a.ledger_size FROM ledger_entry le,"
				   " announcement a WHERE le.village_id = $v AND le.seq = $seq"
				   " AND a.id = $ann");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$seq", in->entry_seq) ||
	    db_bind_int(s, "$ann", *ann_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ERROR)
		return -1;
	int ok = st == DB_ROW && db_column_int(s, 0) == h->id &&
		 in->entry_seq <= db_column_int(s, 1);
	db_reset(s);
	if (!ok) {
		errlist_add(errs, "台账记录: 第 %lld 条不是户 %s 在 %s 公示中的积分记录",
			    (long long)in->entry_seq, h->code, in->quarter);
		return 1;
	}
	return 0;
}

int objection_add(db *d, arena *a, const struct actor *who, const struct village *v,
		  const struct objection_input *in, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	if (!objection_channel_label(in->channel))
		errlist_add(errs, "渠道: 应为 online（网上）、phone（电话）、letter（来信）或 visit（来访）");
	if (!in->quarter || quarter_parse(in->quarter, NULL, NULL, NULL, NULL, NULL))
		errlist_add(errs, "季度: “%s”格式不对，应为 YYYY-Qn，如 2024-Q2",
			    in->quarter ? in->quarter : "");
	if (!in->received_on || !date_valid(in->received_on))
		errlist_add(errs, "日期: “%s”不是有效日期，格式应为 YYYY-MM-DD",
			    in->received_on ? in->received_on : "");
	else if (strcmp(in->received_on, today) > 0)
		errlist_add(errs, "日期: %s 晚于今天（%s）", in->received_on, today);
	if (in->entry_seq < 0)
		errlist_add(errs, "台账记录: 序号应为正整数");
	reason_check(errs, "异议内容", in->reason);
	if (errs->n)
		return 1;
	int days = objection_reply_days(d, v->id);
	if (days < 0)
		return -1;
	char reply_by[11];
	date_add_days(in->received_on, days, reply_by);
	if (db_begin_write(d))
		return -1;
	int64_t hid = 0, ann_id = 0;
	int rc = add_checks(d, a, v, in, errs, &hid, &ann_id);
	if (rc)
		goto out;
	rc = -1;
	db_stmt *s = db_prepare(d,
		"INSERT INTO objection(village_id, announcement_id, household_id, channel, entry_seq,"
		" reason, photo, received_on, reply_by, recorded_by, created_at)"
		" VALUES($v, $ann, $h, $ch, $seq, $reason, $photo, $recv, $reply, $by, $now)"
		" RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$ann", ann_id) ||
	    db_bind_int(s, "$h", hid) || db_bind_text(s, "$ch", in->channel) ||
	    db_bind_int_or_null(s, "$seq", in->entry_seq) ||
	    db_bind_text(s, "$reason", in->reason) ||
	    db_bind_text(s, "$photo", in->photo && *in->photo ? in->photo : NULL) ||
	    db_bind_text(s, "$recv", in->received_on) || db_bind_text(s, "$reply", reply_by) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"quarter\":");
	json_quote(&js, in->quarter);
	buf_puts(&js, ",\"household\":");
	json_quote(&js, in->household_code);
	buf_printf(&js, ",\"channel\":\"%s\",\"entry_seq\":%lld,\"received\":\"%s\","
			"\"reply_by\":\"%s\",\"reason\":",
		   in->channel, (long long)in->entry_seq, in->received_on, reply_by);
	json_quote(&js, in->reason);
	buf_puts(&js, "}");
	rc = audit_commit_json(d, who, v->id, "objection.add", "objection", *id, &js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

/* ---- deciding -------------------------------------------------------------------- */

/* Score the missed item of dec for household hid (code hcode) straight onto
** the ledger of v, inside the caller's transaction: every check of a sheet
** entry (caps counting the ledger and the drafts), then one "score" entry
** without approval or sheet entry, its note the decision's reason.  *seq and
** *points receive the entry.  Audited ("ledger.score").  0, 1, -1. */
static int score_missed(db *d, arena *a, const struct actor *who, const struct village *v,
			int64_t hid, const struct objection_decision *dec, errlist *errs,
			int64_t *seq, int64_t *points)
{
	struct entry_input in = {.household_id = hid, .item_code = dec->item_code,
				 .date = dec->date, .quantity = 1, .note = dec->reason};
	struct checked_entry ce;
	struct ledger_batch *b = ledger_batch_begin(d, a, v->id);
	if (!b)
		return -1;
	int rc = entry_check_missed(d, a, v, &in, errs, &ce);
	if (rc)
		goto out;
	rc = -1;
	struct ledger_entry e = {
		.household_id = hid, .kind = LEDGER_SCORE, .item_id = ce.it->id,
		.item_code = ce.it->code, .version_id = ce.ver->id,
		.month = arena_strndup(a, ce.date, 7), .date = ce.date, .quantity = ce.quantity,
		.points = ce.points, .reason = "", .recorded_by = who->login, .note = ce.note,
		.photo = "", .posted_at = now_unix()};
	if (ledger_batch_add(b, &e, ce.it->veto) || ledger_batch_finish(b, NULL, NULL, NULL))
		goto out;
	*seq = e.seq;
	*points = e.points;
	db_stmt *s = db_prepare(d, "SELECT id FROM ledger_entry WHERE village_id = $v AND seq = $seq");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$seq", e.seq) ||
	    db_step(s) != DB_ROW)
		goto out;
	int64_t entry_id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"household\":");
	json_quote(&js, ce.h->code);
	buf_puts(&js, ",\"item\":");
	json_quote(&js, ce.it->code);
	buf_printf(&js, ",\"date\":\"%s\",\"points\":%lld,\"seq\":%lld}", ce.date,
		   (long long)e.points, (long long)e.seq);
	char obj[48];
	snprintf(obj, sizeof obj, "ledger:%lld", (long long)entry_id);
	rc = audit_record(d, who, v->id, "ledger.score", obj, NULL, buf_cstr(&js)) ? -1 : 0;
	buf_free(&js);
out:
	ledger_batch_abort(b);
	return rc;
}

/* Correct entry dec->entry_seq of v by dec->points for household hid,
** inside the caller's transaction (ledger_correct_tx).  The entry must be
** the household's.  *seq, *points receive the correction.  0, 1, -1. */
static int correct_entry(db *d, arena *a, const struct actor *who, const struct village *v,
			 int64_t hid, const struct objection_decision *dec, errlist *errs,
			 int64_t *seq, int64_t *points)
{
	db_stmt *s = db_prepare(d, "SELECT id, household_id FROM ledger_entry"
				   " WHERE village_id = $v AND seq = $seq");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$seq", dec->entry_seq))
		return -1;
	int st = db_step(s);
	if (st == DB_ERROR)
		return -1;
	int64_t entry_id = st == DB_ROW ? db_column_int(s, 0) : 0;
	int64_t owner = st == DB_ROW ? db_column_int(s, 1) : 0;
	db_reset(s);
	if (!entry_id || owner != hid) {
		errlist_add(errs, "台账记录: 第 %lld 条不是提出异议的这一户的记录",
			    (long long)dec->entry_seq);
		return 1;
	}
	struct ledger_entry *e;
	int rc = ledger_correct_tx(d, a, who, v, entry_id, dec->points, dec->reason, errs, &e);
	if (rc)
		return rc;
	*seq = e->seq;
	*points = e->points;
	return 0;
}

/* The decision's own checks, before the database: 0 or 1 (errs). */
static int decision_check(const struct objection_decision *dec, errlist *errs)
{
	reason_check(errs, "答复理由", dec->reason);
	if (dec->uphold) {
		int by_entry = dec->entry_seq != 0, by_item = dec->item_code && *dec->item_code;
		if (by_entry == by_item)
			errlist_add(errs, "采纳异议: 应给出要更正的台账记录和分数，或补记的项目和日期（二选一）");
		else if (by_entry && (dec->entry_seq < 0 || dec->points < 1))
			errlist_add(errs, "更正分数: 应为正整数（要冲减的分数）");
		else if (by_item && (!dec->date || !date_valid(dec->date)))
			errlist_add(errs, "补记日期: “%s”不是有效日期，格式应为 YYYY-MM-DD",
				    dec->date ? dec->date : "");
	}
	return errs->n ? 1 : 0;
}

int objection_decide(db *d, arena *a, const struct actor *who, const struct village *v,
		     int64_t id, const struct objection_decision *dec, errlist *errs)
{
	if (decision_check(dec, errs))
		return 1;
	char today[11];
	date_today(today);
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	/* the row locked: two decisions of one objection cannot both pass */
	db_stmt *s = db_prepare(d, "UPDATE objection SET status = status"
				   " WHERE id = $id AND village_id = $v RETURNING status, household_id");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", v->id))
		goto out;
	int st = db_step(s);
	if (st == DB_ERROR)
		goto out;
	if (st == DB_DONE) {
		errlist_add(errs, "本村没有第 %lld 号异议", (long long)id);
		rc = 1;
		goto out;
	}
	int status = status_from_name(db_column_text(s, 0));
	int64_t hid = db_column_int(s, 1);
	db_reset(s);
	if (status != OBJ_OPEN) {
		errlist_add(errs, "第 %lld 号异议已经答复（%s），不能再改", (long long)id,
			    objection_status_label(status));
		rc = 1;
		goto out;
	}
	int64_t seq = 0, points = 0;
	if (dec->uphold) {
		rc = dec->entry_seq ? correct_entry(d, a, who, v, hid, dec, errs, &seq, &points)
				    : score_missed(d, a, who, v, hid, dec, errs, &seq, &points);
		if (rc)
			goto out;
		rc = -1;
	}
	const char *stname = objection_status_name(dec->uphold ? OBJ_UPHELD : OBJ_REJECTED);
	s = db_prepare(d, "UPDATE objection SET status = $st, decided_on = $on, decision = $why,"
			  " ledger_seq = $seq, decided_by = $by, decided_at = $now WHERE id = $id");
	if (!s || db_bind_text(s, "$st", stname) || db_bind_text(s, "$on", today) ||
	    db_bind_text(s, "$why", dec->reason) ||
	    db_bind_int_or_null(s, "$seq", seq) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_bind_int(s, "$id", id) || db_step(s) != DB_DONE)
		goto out;
	buf js = {0};
	buf_printf(&js, "{\"status\":\"%s\",\"decided\":\"%s\",\"ledger_seq\":%lld,"
			"\"points\":%lld,\"decision\":",
		   stname, today, (long long)seq, (long long)points);
	json_quote(&js, dec->reason);
	buf_puts(&js, "}");
	rc = audit_commit_change(d, who, v->id, "objection.decide", "objection", id,
				 "{\"status\":\"open\"}", buf_cstr(&js));
	buf_free(&js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

/* ---- reading ----------------------------------------------------------------------- */

#define OBJ_SELECT \
	"SELECT o.id, o.village_id, o.announcement_id, o.household_id, a.quarter, h.code," \
	" h.head_name, o.channel, COALESCE(o.entry_seq, 0), o.reason, COALESCE(o.photo, '')," \
	" o.received_on, o.reply_by, o.status, COALESCE(o.decided_on, '')," \
	" COALESCE(o.decision, ''), COALESCE(o.ledger_seq, 0), COALESCE(le.points, 0)," \
	" o.recorded_by, COALESCE(o.decided_by, '')" \
	" FROM objection o JOIN announcement a ON a.id = o.announcement_id" \
	" JOIN household h ON h.id = o.household_id" \
	" LEFT JOIN ledger_entry le ON le.village_id = o.village_id AND le.seq = o.ledger_seq"

static void objection_from_row(db_stmt *s, arena *a, struct objection *o)
{
	o->id = db_column_int(s, 0);
	o->village_id = db_column_int(s, 1);
	o->announcement_id = db_column_int(s, 2);
	o->household_id = db_column_int(s, 3);
	o->quarter = db_column_dup(s, 4, a);
	o->household_code = db_column_dup(s, 5, a);
	o->household_name = db_column_dup(s, 6, a);
	o->channel = db_column_dup(s, 7, a);
	o->entry_seq = db_column_int(s, 8);
	o->reason = db_column_dup(s, 9, a);
	o->photo = db_column_dup(s, 10, a);
	o->received_on = db_column_dup(s, 11, a);
	o->reply_by = db_column_dup(s, 12, a);
	o->status = status_from_name(db_column_text(s, 13));
	o->decided_on = db_column_dup(s, 14, a);
	o->decision = db_column_dup(s, 15, a);
	o->ledger_seq = db_column_int(s, 16);
	o->ledger_points = db_column_int(s, 17);
	o->recorded_by = db_column_dup(s, 18, a);
	o->decided_by = db_column_dup(s, 19, a);
}

int objection_get(db *d, arena *a, int64_t village_id, int64_t id, struct objection **out)
{
	db_stmt *s = db_prepare(d, OBJ_SELECT " WHERE o.village_id = $v AND o.id = $id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$id", id))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 1 : -1;
	*out = arena_alloc(a, sizeof **out);
	objection_from_row(s, a, *out);
	db_reset(s);
	return 0;
}

int objection_list(db *d, arena *a, int64_t village_id, const char *quarter,
		   int64_t household_id, int open_only, struct objection **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, OBJ_SELECT " WHERE o.village_id = $v"
				   " AND ($q = '' OR a.quarter = $q) AND ($h = 0 OR o.household_id = $h)"
				   " AND ($open = 0 OR o.status = 'open') ORDER BY o.id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$q", quarter ? quarter : "") ||
	    db_bind_int(s, "$h", household_id) || db_bind_int(s, "$open", open_only))
		return -1;
	int st, cap = 0;
	while ((st = db_step(s)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct objection *grown = arena_alloc(a, (size_t)cap * sizeof *grown);
			if (*n)
				memcpy(grown, *rows, (size_t)*n * sizeof *grown);
			*rows = grown;
		}
		objection_from_row(s, a, &(*rows)[(*n)++]);
	}
	return st == DB_DONE ? 0 : -1;
}

void objection_csv(struct csv_out *w, const struct objection *o)
{
	csv_int(w, o->id);
	csv_text(w, o->quarter);
	csv_text(w, o->household_code);
	csv_text(w, objection_status_name(o->status));
	csv_text(w, o->received_on);
	csv_text(w, o->decided_on);
	csv_text(w, o->reason);
	csv_text(w, o->decision);
	csv_row_end(w);
}
