/*
** scoring_group.c — the village's scoring group (村民积分管理自治小组):
** roster with history, the rule of plan 四(三), and who recorded an entry
** (scoring_group.h).
*/
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "scoring_group.h"

enum { GROUP_NAME_MAX = 50, GROUP_TEXT_MAX = 200 };

const char *const group_role_names[GROUP_ROLE_COUNT] = {
	"committee", "veteran", "representative", "mediator", "legal", "respected", "other"};
static const char *const group_role_labels[GROUP_ROLE_COUNT] = {
	"村两委成员", "优秀老党员", "村民代表", "人民调解员", "法律明白人", "德高望重群众代表", "其他"};

const char *group_role_label(const char *role)
{
	for (int i = 0; role && i < GROUP_ROLE_COUNT; i++)
		if (!strcmp(role, group_role_names[i]))
			return group_role_labels[i];
	return "";
}

const char *group_role_parse(const char *s)
{
	for (int i = 0; s && i < GROUP_ROLE_COUNT; i++)
		if (!strcmp(s, group_role_names[i]) || !strcmp(s, group_role_labels[i]))
			return group_role_names[i];
	return NULL;
}

/* A date field: valid and not after today; adds a message naming field. */
static void date_check(errlist *errs, const char *field, const char *date, const char *today)
{
	if (!date || !date_valid(date))
		errlist_add(errs, "%s: “%s”不是有效日期，格式应为 YYYY-MM-DD", field,
			    date ? date : "");
	else if (strcmp(date, today) > 0)
		errlist_add(errs, "%s: %s 晚于今天（%s）", field, date, today);
}

/* A text field: required or not, clean, at most max characters. */
static void text_check(errlist *errs, const char *field, const char *text, int required, int max)
{
	if (!text || !*text) {
		if (required)
			errlist_add(errs, "%s不能为空", field);
	} else if (!text_is_clean(text, 0) || utf8_len(text) > (size_t)max) {
		errlist_add(errs, "%s最长 %d 个字，不能含控制字符", field, max);
	}
}

/* The account checks of group_member_add inside its transaction: login is
** an enabled account of the village and no current member is linked to
** it.  Returns 0, 1 (errs), -1. */
static int account_check(db *d, int64_t village_id, const char *login, errlist *errs)
{
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM account WHERE login = $l"
				   " AND village_id = $v AND disabled = 0");
	int64_t have;
	if (!s || db_bind_text(s, "$l", login) || db_bind_int(s, "$v", village_id) ||
	    db_read_int(s, &have))
		return -1;
	if (!have) {
		errlist_add(errs, "账号: 本村没有账号“%s”", login);
		return 1;
	}
	s = db_prepare(d, "SELECT COUNT(*) FROM group_member WHERE village_id = $v"
			  " AND account_login = $l AND left_on IS NULL");
	if (!s || db_bind_text(s, "$l", login) || db_bind_int(s, "$v", village_id) ||
	    db_read_int(s, &have))
		return -1;
	if (have) {
		errlist_add(errs, "账号: “%s”已关联到小组的另一名成员", login);
		return 1;
	}
	return 0;
}

int group_member_add(db *d, const struct actor *who, const struct village *v,
		     const struct group_member_input *in, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	const char *role = group_role_parse(in->role);
	const char *login = in->account_login && *in->account_login ? in->account_login : NULL;
	const char *by = in->appointed_by && *in->appointed_by ? in->appointed_by : "村党组织";
	text_check(errs, "姓名", in->name, 1, GROUP_NAME_MAX);
	if (!role)
		errlist_add(errs, "小组职务: “%s”不是可选的职务（村两委成员、优秀老党员、村民代表、"
				  "人民调解员、法律明白人、德高望重群众代表、其他）",
			    in->role ? in->role : "");
	date_check(errs, "加入日期", in->joined_on, today);
	date_check(errs, "会议日期", in->meeting_date, today);
	if (in->joined_on && in->meeting_date && date_valid(in->joined_on) &&
	    date_valid(in->meeting_date) && strcmp(in->meeting_date, in->joined_on) > 0)
		errlist_add(errs, "会议日期: %s 晚于加入日期 %s", in->meeting_date, in->joined_on);
	text_check(errs, "参会人员", in->attendees, 1, GROUP_TEXT_MAX);
	text_check(errs, "组建单位", by, 1, GROUP_NAME_MAX);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	int rc = login ? account_check(d, v->id, login, errs) : 0;
	if (rc)
		goto out;
	rc = -1;
	db_stmt *s = db_prepare(d,
		"INSERT INTO group_member(village_id, name, role, account_login, joined_on,"
		" meeting_date, attendees, appointed_by, recorded_by, created_at)"
		" VALUES($v, $name, $role, $login, $joined, $md, $att, $by, $rec, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$name", in->name) ||
	    db_bind_text(s, "$role", role) || db_bind_text(s, "$login", login) ||
	    db_bind_text(s, "$joined", in->joined_on) || db_bind_text(s, "$md", in->meeting_date) ||
	    db_bind_text(s, "$att", in->attendees) || db_bind_text(s, "$by", by) ||
	    db_bind_text(s, "$rec", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"name\":");
	json_quote(&js, in->name);
	buf_printf(&js, ",\"role\":\"%s\",\"account\":", role);
	json_quote(&js, login ? login : "");
	buf_printf(&js, ",\"joined_on\":\"%s\",\"meeting_date\":\"%s\",\"attendees\":",
		   in->joined_on, in->meeting_date);
	json_quote(&js, in->attendees);
	buf_puts(&js, "}");
	rc = audit_commit_json(d, who, v->id, "group.add", "group_member", *id, &js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

int group_member_leave(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const char *left_on, const char *reason, errlist *errs)
{
	char today[11];
	date_today(today);
	date_check(errs, "离开日期", left_on, today);
	text_check(errs, "离开原因", reason, 0, GROUP_TEXT_MAX);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	db_stmt *s = db_prepare(d, "SELECT joined_on FROM group_member WHERE id = $id"
				   " AND village_id = $v AND left_on IS NULL");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", v->id))
		goto out;
	int st = db_step(s);
	if (st != DB_ROW && st != DB_DONE)
		goto out;
	char joined[11] = "";
	if (st == DB_ROW)
		snprintf(joined, sizeof joined, "%s", db_column_text(s, 0));
	db_reset(s);
	if (st == DB_DONE) {
		errlist_add(errs, "小组里没有编号为 %lld 的在任成员", (long long)id);
		rc = 1;
		goto out;
	}
	if (strcmp(left_on, joined) < 0) {
		errlist_add(errs, "离开日期: %s 早于加入日期 %s", left_on, joined);
		rc = 1;
		goto out;
	}
	s = db_prepare(d, "UPDATE group_member SET left_on = $on, left_reason = $why, left_by = $by"
			  " WHERE id = $id AND village_id = $v AND left_on IS NULL");
	if (!s || db_bind_text(s, "$on", left_on) || db_bind_text(s, "$why", reason ? reason : "") ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$id", id) ||
	    db_bind_int(s, "$v", v->id) || db_step(s) != DB_DONE)
		goto out;
	db_reset(s);
	buf js = {0};
	buf_printf(&js, "{\"left_on\":\"%s\",\"reason\":", left_on);
	json_quote(&js, reason ? reason : "");
	buf_puts(&js, "}");
	rc = audit_commit_json(d, who, v->id, "group.leave", "group_member", id, &js);
out:
	if (rc)
		db_rollback(d);
	return rc;
}

/* A row of group_members()'s SELECT. */
static void read_group_member(db_stmt *s, arena *a, void *row)
{
	struct group_member *m = row;
	m->id = db_column_int(s, 0);
	m->village_id = db_column_int(s, 1);
	m->name = db_column_dup(s, 2, a);
	m->role = db_column_dup(s, 3, a);
	m->account_login = db_column_dup(s, 4, a);
	m->joined_on = db_column_dup(s, 5, a);
	m->left_on = db_column_dup(s, 6, a);
	m->left_reason = db_column_dup(s, 7, a);
	m->meeting_date = db_column_dup(s, 8, a);
	m->attendees = db_column_dup(s, 9, a);
	m->appointed_by = db_column_dup(s, 10, a);
	m->recorded_by = db_column_dup(s, 11, a);
}

int group_members(db *d, arena *a, int64_t village_id, int current_only,
		  struct group_member **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT id, village_id, name, role, COALESCE(account_login, ''), joined_on,"
		" COALESCE(left_on, ''), COALESCE(left_reason, ''), meeting_date, attendees,"
		" appointed_by, recorded_by FROM group_member WHERE village_id = $v"
		" AND ($cur = 0 OR left_on IS NULL)"
		" ORDER BY CASE WHEN left_on IS NULL THEN 0 ELSE 1 END, joined_on, id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$cur", current_only ? 1 : 0))
		return -1;
	return db_read_rows(s, a, sizeof **rows, read_group_member, rows, n);
}

/* Count the current members of village_id in role.  Returns the count or -1. */
static int64_t role_count(db *d, int64_t village_id, const char *role)
{
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM group_member WHERE village_id = $v"
				   " AND left_on IS NULL AND ($role = '' OR role = $role)");
	int64_t c;
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$role", role) ||
	    db_read_int(s, &c))
		return -1;
	return c;
}

/* What of the rule is missing, "" when nothing. */
static const char *missing_words(int64_t committee, int64_t representatives)
{
	if (!committee && !representatives)
		return "村两委成员和村民代表";
	if (!committee)
		return "村两委成员";
	if (!representatives)
		return "村民代表";
	return "";
}

void group_status_from_counts(struct group_status *st, int64_t members, int64_t committee,
			      int64_t representatives)
{
	st->members = (int)members;
	st->committee = (int)committee;
	st->representatives = (int)representatives;
	st->missing = missing_words(committee, representatives);
	st->ok = !*st->missing;
}

int group_status_get(db *d, int64_t village_id, struct group_status *st)
{
	int64_t all = role_count(d, village_id, ""),
		com = role_count(d, village_id, "committee"),
		rep = role_count(d, village_id, "representative");
	if (all < 0 || com < 0 || rep < 0)
		return -1;
	group_status_from_counts(st, all, com, rep);
	return 0;
}

int group_status_all(db *d, void (*fn)(void *ctx, int64_t village_id, const struct group_status *st),
		     void *ctx)
{
	/* the same "current member" as role_count(): not left */
	db_stmt *s = db_prepare(d, "SELECT village_id, COUNT(*),"
				   " SUM(CASE WHEN role = 'committee' THEN 1 ELSE 0 END),"
				   " SUM(CASE WHEN role = 'representative' THEN 1 ELSE 0 END)"
				   " FROM group_member WHERE left_on IS NULL GROUP BY village_id");
	if (!s)
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		struct group_status gs;
		group_status_from_counts(&gs, db_column_int(s, 1), db_column_int(s, 2),
					 db_column_int(s, 3));
		fn(ctx, db_column_int(s, 0), &gs);
	}
	db_reset(s);
	return st == DB_DONE ? 0 : -1;
}

int group_check_submit(db *d, int64_t village_id, errlist *errs)
{
	struct group_status st;
	if (group_status_get(d, village_id, &st))
		return -1;
	if (st.ok)
		return 0;
	errlist_add(errs, "积分管理小组还缺少%s，不能提交审定", st.missing);
	return 1;
}

const struct group_member *group_member_for(const struct group_member *rows, int n,
					    const char *login, const char *date)
{
	for (int i = 0; login && date && i < n; i++) {
		const struct group_member *m = &rows[i];
		if (*m->account_login && !strcmp(m->account_login, login) &&
		    strcmp(m->joined_on, date) <= 0 && (!*m->left_on || strcmp(date, m->left_on) < 0))
			return m;
	}
	return NULL;
}
