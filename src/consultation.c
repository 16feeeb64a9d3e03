/*
** consultation.c — the public consultation (征求意见) on a draft standard:
** publishing the draft, comments, answers, and the adoption that links the
** new version to it (consultation.h).
*/
#include <stdio.h>
#include <string.h>

#include "consultation.h"
#include "json.h"

enum { CONSULTATION_TEXT_MAX = 500, CONSULTATION_TITLE_MAX = 100 };

const char *const consultation_bodies[4] = {"hongbai", "yishi", "funv", "daode"};
static const char *const body_labels[4] = {"红白理事会", "村民议事会", "妇女议事会", "道德评议会"};

const char *consultation_body_label(const char *body)
{
	for (int i = 0; body && i < 4; i++)
		if (!strcmp(body, consultation_bodies[i]))
			return body_labels[i];
	return "";
}

const char *consultation_state(const struct consultation *c, const char *date)
{
	if (c->version_id)
		return "adopted";
	if (strcmp(date, c->opens_on) < 0)
		return "upcoming";
	return strcmp(date, c->closes_on) <= 0 ? "open" : "closed";
}

const char *consultation_state_label(const char *state)
{
	static const char *const map[][2] = {
		{"upcoming", "未开始"}, {"open", "征求意见中"}, {"closed", "征求意见已结束"},
		{"adopted", "已表决通过"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(state, map[i][0]))
			return map[i][1];
	return "";
}

/* A text field: non-empty, clean (newlines allowed), at most max characters. */
static void text_check(errlist *errs, const char *field, const char *text, int max)
{
	if (!text || !*text)
		errlist_add(errs, "%s不能为空", field);
	else if (!text_is_clean(text, 1) || utf8_len(text) > (size_t)max)
		errlist_add(errs, "%s最长 %d 个字，不能含控制字符", field, max);
}

int consultation_open(db *d, const struct actor *who, const struct village *v,
		      const char *title, const char *fname, const char *data, size_t len,
		      const char *opens_on, const char *closes_on, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	text_check(errs, "标题", title, CONSULTATION_TITLE_MAX);
	int dates_ok = 1;
	if (!opens_on || !date_valid(opens_on)) {
		errlist_add(errs, "开始日期: “%s”不是有效日期，格式应为 YYYY-MM-DD",
			    opens_on ? opens_on : "");
		dates_ok = 0;
	}
	if (!closes_on || !date_valid(closes_on)) {
		errlist_add(errs, "截止日期: “%s”不是有效日期，格式应为 YYYY-MM-DD",
			    closes_on ? closes_on : "");
		dates_ok = 0;
	}
	if (dates_ok) {
		char limit[11];
		date_add_days(opens_on, CONSULTATION_DAYS_MAX - 1, limit);
		if (strcmp(closes_on, opens_on) < 0)
			errlist_add(errs, "截止日期: %s 早于开始日期 %s", closes_on, opens_on);
		else if (strcmp(closes_on, limit) > 0)
			errlist_add(errs, "截止日期: 征求意见期最长 %d 天（到 %s）",
				    CONSULTATION_DAYS_MAX, limit);
		if (strcmp(closes_on, today) < 0)
			errlist_add(errs, "截止日期: %s 已经过去", closes_on);
	}
	arena *a = arena_new();
	struct std_item *items = NULL;
	int n = 0;
	standard_parse_csv(a, fname, data, len, &items, &n, errs);
	arena_free(a);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	db_stmt *s = db_prepare(d,
		"INSERT INTO consultation(village_id, title, draft_csv, opens_on, closes_on,"
		" created_by, created_at) VALUES($v, $t, $csv, $o, $c, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$t", title) ||
	    db_bind_textn(s, "$csv", data, len) || db_bind_text(s, "$o", opens_on) ||
	    db_bind_text(s, "$c", closes_on) || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"title\":");
	json_quote(&js, title);
	buf_printf(&js, ",\"opens_on\":\"%s\",\"closes_on\":\"%s\",\"items\":%d}", opens_on,
		   closes_on, n);
	rc = audit_commit_json(d, who, v->id, "consultation.open", "consultation", *id, &js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

#define CONSULTATION_COLS                                                                     \
	"c.id, c.village_id, c.title, c.draft_csv, c.opens_on, c.closes_on,"                \
	" COALESCE(c.version_id, 0), COALESCE(sv.version, 0), c.created_by,"              \
	" (SELECT COUNT(*) FROM consultation_comment k WHERE k.consultation_id = c.id),"   \
	" (SELECT COUNT(*) FROM consultation_comment k WHERE k.consultation_id = c.id"     \
	"  AND k.answer IS NOT NULL)"                                                        \
	" FROM consultation c LEFT JOIN standard_version sv ON sv.id = c.version_id"

/* The current row of a CONSULTATION_COLS statement into c (arena). */
static void consultation_row(db_stmt *s, arena *a, void *row)
{
	struct consultation *c = row;
	c->id = db_column_int(s, 0);
	c->village_id = db_column_int(s, 1);
	c->title = db_column_dup(s, 2, a);
	c->draft_csv = db_column_dup(s, 3, a);
	c->opens_on = db_column_dup(s, 4, a);
	c->closes_on = db_column_dup(s, 5, a);
	c->version_id = db_column_int(s, 6);
	c->version = (int)db_column_int(s, 7);
	c->created_by = db_column_dup(s, 8, a);
	c->comments = db_column_int(s, 9);
	c->answered = db_column_int(s, 10);
}

int consultation_get(db *d, arena *a, int64_t village_id, int64_t id, struct consultation **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " CONSULTATION_COLS
				   " WHERE c.id = $id AND c.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		consultation_row(s, a, *out);
	}
	db_reset(s);
	return st == DB_ROW ? 0 : st == DB_DONE ? 1 : -1;
}

int consultation_list(db *d, arena *a, int64_t village_id, struct consultation **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " CONSULTATION_COLS
				   " WHERE c.village_id = $v ORDER BY c.id DESC");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, consultation_row, rows, n);
}

int consultation_last(db *d, arena *a, int64_t village_id, struct consultation **out)
{
	struct consultation *rows;
	int n;
	*out = NULL;
	if (consultation_list(d, a, village_id, &rows, &n))
		return -1;
	if (!n)
		return 1;
	*out = &rows[0];
	return 0;
}

/* A row of consultation_comments()'s SELECT. */
static void read_comment(db_stmt *s, arena *a, void *row)
{
	struct consultation_comment *k = row;
	k->id = db_column_int(s, 0);
	k->consultation_id = db_column_int(s, 1);
	k->household_id = db_column_int(s, 2);
	k->household_code = db_column_dup(s, 3, a);
	k->body = db_column_dup(s, 4, a);
	k->text = db_column_dup(s, 5, a);
	k->commented_on = db_column_dup(s, 6, a);
	k->answer = db_column_dup(s, 7, a);
	k->answered_on = db_column_dup(s, 8, a);
	k->recorded_by = db_column_dup(s, 9, a);
}

int consultation_comments(db *d, arena *a, int64_t village_id, int64_t id,
			  struct consultation_comment **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT k.id, k.consultation_id, COALESCE(k.household_id, 0), COALESCE(h.code, ''),"
		" k.body, k.text, k.commented_on, COALESCE(k.answer, ''), COALESCE(k.answered_on, ''),"
		" k.recorded_by FROM consultation_comment k"
		" LEFT JOIN household h ON h.id = k.household_id"
		" WHERE k.consultation_id = $c AND k.village_id = $v ORDER BY k.id");
	if (!s || db_bind_int(s, "$c", id) || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, read_comment, rows, n);
}

/* The checks of a comment that read the database, inside the transaction.
** Returns 0, 1 (errs), -1. */
static int comment_checks(db *d, arena *a, const struct village *v, int64_t cid,
			  int64_t household_id, const char *date, errlist *errs)
{
	struct consultation *c;
	int got = consultation_get(d, a, v->id, cid, &c);
	if (got < 0)
		return -1;
	if (got) {
		errlist_add(errs, "本村没有编号为 %lld 的征求意见", (long long)cid);
		return 1;
	}
	if (c->version_id) {
		errlist_add(errs, "这份草案已经表决通过，不能再提意见");
		return 1;
	}
	if (strcmp(date, c->opens_on) < 0 || strcmp(date, c->closes_on) > 0) {
		errlist_add(errs, "征求意见期为 %s 至 %s，%s 不在期内，不能提意见", c->opens_on,
			    c->closes_on, date);
		return 1;
	}
	if (household_id) {
		db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM household WHERE id = $h"
					   " AND village_id = $v AND left_on IS NULL");
		if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", v->id) ||
		    db_step(s) != DB_ROW)
			return -1;
		int64_t have = db_column_int(s, 0);
		db_reset(s);
		if (!have) {
			errlist_add(errs, "只有本村农户可以对本村的草案提意见");
			return 1;
		}
	}
	return 0;
}

int consultation_comment_add(db *d, const struct actor *who, const struct village *v,
			     int64_t consultation_id, int64_t household_id, const char *body,
			     const char *text, const char *date, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	if (!date || !*date)
		date = today;
	if (!date_valid(date))
		errlist_add(errs, "日期: “%s”不是有效日期，格式应为 YYYY-MM-DD", date);
	else if (strcmp(date, today) > 0)
		errlist_add(errs, "日期: %s 晚于今天（%s）", date, today);
	if (!body)
		body = "";
	if (household_id && *body)
		errlist_add(errs, "农户的意见不填会议");
	if (!household_id && !*consultation_body_label(body))
		errlist_add(errs, "会议: 应为红白理事会、村民议事会、妇女议事会或道德评议会");
	text_check(errs, "意见内容", text, CONSULTATION_TEXT_MAX);
	if (errs->n)
		return 1;
	arena *a = arena_new();
	int rc = -1;
	if (db_begin_write(d))
		goto done;
	rc = comment_checks(d, a, v, consultation_id, household_id, date, errs);
	if (rc)
		goto out;
	rc = -1;
	db_stmt *s = db_prepare(d,
		"INSERT INTO consultation_comment(consultation_id, village_id, household_id, body,"
		" text, commented_on, recorded_by, created_at)"
		" VALUES($c, $v, $h, $body, $text, $on, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$c", consultation_id) || db_bind_int(s, "$v", v->id) ||
	    db_bind_int_or_null(s, "$h", household_id) ||
	    db_bind_text(s, "$body", body) || db_bind_text(s, "$text", text) ||
	    db_bind_text(s, "$on", date) || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_printf(&js, "{\"consultation\":%lld,\"household_id\":%lld,\"body\":\"%s\",\"on\":\"%s\","
			"\"text\":",
		   (long long)consultation_id, (long long)household_id, body, date);
	json_quote(&js, text);
	buf_puts(&js, "}");
	rc = audit_commit_json(d, who, v->id, "consultation.comment", "consultation_comment", *id, &js);
out:
	if (rc)
		db_rollback(d);
done:
	arena_free(a);
	return rc;
}

int consultation_answer(db *d, const struct actor *who, const struct village *v,
			int64_t comment_id, const char *answer, errlist *errs)
{
	text_check(errs, "答复", answer, CONSULTATION_TEXT_MAX);
	if (errs->n)
		return 1;
	char today[11];
	date_today(today);
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	db_stmt *s = db_prepare(d,
		"UPDATE consultation_comment SET answer = $a, answered_on = $on, answered_by = $by"
		" WHERE id = $id AND village_id = $v AND consultation_id IN"
		" (SELECT id FROM consultation WHERE village_id = $v AND version_id IS NULL)");
	if (!s || db_bind_text(s, "$a", answer) || db_bind_text(s, "$on", today) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$id", comment_id) ||
	    db_bind_int(s, "$v", v->id) || db_step(s) != DB_DONE)
		goto out;
	db_reset(s);
	if (db_changes(d) != 1) {
		errlist_add(errs, "没有编号为 %lld 的待答复意见（或草案已表决通过）",
			    (long long)comment_id);
		rc = 1;
		goto out;
	}
	buf js = {0};
	buf_puts(&js, "{\"answer\":");
	json_quote(&js, answer);
	buf_puts(&js, "}");
	rc = audit_commit_json(d, who, v->id, "consultation.answer", "consultation_comment", comment_id,
			  &js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

int consultation_adopt(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const struct std_adoption *ad, errlist *errs, int64_t *version_id)
{
	arena *a = arena_new();
	struct consultation *c;
	int rc = consultation_get(d, a, v->id, id, &c);
	if (rc > 0)
		errlist_add(errs, "本村没有编号为 %lld 的征求意见", (long long)id);
	if (rc)
		goto out;
	struct std_item *items = NULL;
	int n = 0;
	rc = standard_parse_csv(a, "草案", c->draft_csv, strlen(c->draft_csv), &items, &n, errs);
	if (rc)
		goto out;
	struct std_adoption ad2 = *ad;
	ad2.consultation_id = id;
	ad2.without_consultation = NULL;
	rc = standard_adopt(d, who, v, &ad2, items, n, "csv", 0, errs, version_id);
out:
	arena_free(a);
	return rc;
}

int consultation_link(db *d, int64_t village_id, int64_t version_id, int64_t consultation_id,
		      const char *reason, errlist *errs)
{
	if (consultation_id) {
		arena *a = arena_new();
		struct consultation *c;
		char today[11];
		date_today(today);
		int got = consultation_get(d, a, village_id, consultation_id, &c);
		int rc = got < 0 ? -1 : 1;
		if (got > 0)
			errlist_add(errs, "本村没有编号为 %lld 的征求意见", (long long)consultation_id);
		else if (got == 0 && c->version_id)
			errlist_add(errs, "这份草案已经表决通过（第 %d 版）", c->version);
		else if (got == 0 && strcmp(today, c->closes_on) <= 0)
			errlist_add(errs, "征求意见期到 %s 才结束，结束后才能表决", c->closes_on);
		else if (got == 0 && c->answered < c->comments)
			errlist_add(errs, "还有 %lld 条意见没有答复，全部答复后才能表决",
				    (long long)(c->comments - c->answered));
		else if (got == 0)
			rc = 0;
		arena_free(a);
		if (rc)
			return rc;
		db_stmt *s = db_prepare(d, "UPDATE consultation SET version_id = $ver"
					   " WHERE id = $id AND village_id = $v AND version_id IS NULL");
		if (!s || db_bind_int(s, "$ver", version_id) || db_bind_int(s, "$id", consultation_id) ||
		    db_bind_int(s, "$v", village_id) || db_step(s) != DB_DONE)
			return -1;
		db_reset(s);
	}
	db_stmt *s = db_prepare(d, "INSERT INTO standard_basis(version_id, village_id,"
				   " consultation_id, reason) VALUES($ver, $v, $c, $why)");
	if (!s || db_bind_int(s, "$ver", version_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int_or_null(s, "$c", consultation_id) ||
	    db_bind_text(s, "$why", reason ? reason : "") || db_step(s) != DB_DONE)
		return -1;
	db_reset(s);
	return 0;
}

int standard_basis_get(db *d, arena *a, int64_t version_id, int64_t *consultation_id,
		       const char **reason)
{
	*consultation_id = 0;
	*reason = "";
	db_stmt *s = db_prepare(d, "SELECT COALESCE(consultation_id, 0), reason FROM standard_basis"
				   " WHERE version_id = $ver");
	if (!s || db_bind_int(s, "$ver", version_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		*consultation_id = db_column_int(s, 0);
		*reason = db_column_dup(s, 1, a);
	}
	db_reset(s);
	return st == DB_ROW ? 0 : st == DB_DONE ? 1 : -1;
}
