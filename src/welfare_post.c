/*
** welfare_post.c — public-welfare posts (公益岗位): openings,
** applications, the candidates list with the points part of the
** assessment, and the decision (welfare_post.h).
*/
#include "welfare_post.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "json.h"
#include "ledger.h"

int64_t welfare_points_part(int64_t weight, int64_t points, int64_t best)
{
	if (points <= 0 || best <= 0)
		return 0;
	if (points > best)
		points = best;
	/* weight × 10 × points / best, rounded half up */
	return (weight * 10 * points * 2 + best) / (best * 2);
}

/* A text field: required or not, at most max characters, one line or not. */
static void check_text(const char *label, const char *s, int required, size_t max,
		       int multiline, errlist *errs)
{
	if (!s || !*s) {
		if (required)
			errlist_add(errs, "%s不能为空", label);
	} else if (!text_is_clean(s, multiline) || utf8_len(s) > max)
		errlist_add(errs, "%s最长 %zu 个字，不能含控制字符", label, max);
}

int welfare_post_add(db *d, arena *a, const struct actor *who, const struct village *v,
		     const struct welfare_post_input *in, errlist *errs, int64_t *id)
{
	(void)a;
	*id = 0;
	check_text("岗位名称", in->title, 1, 100, 0, errs);
	check_text("岗位说明", in->description, 0, 2000, 1, errs);
	if (in->places < 1 || in->places > 100)
		errlist_add(errs, "名额应为 1 到 100 的整数");
	if (in->points_weight < 0 || in->points_weight > 100)
		errlist_add(errs, "积分占评定的权重应为 0 到 100（百分比）");
	int from_ok = in->apply_from && date_valid(in->apply_from);
	int until_ok = in->apply_until && date_valid(in->apply_until);
	if (!from_ok)
		errlist_add(errs, "报名开始日期应为有效日期，格式 YYYY-MM-DD");
	if (!until_ok)
		errlist_add(errs, "报名截止日期应为有效日期，格式 YYYY-MM-DD");
	if (from_ok && until_ok && strcmp(in->apply_from, in->apply_until) > 0)
		errlist_add(errs, "报名截止日期 %s 早于开始日期 %s", in->apply_until, in->apply_from);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	db_stmt *s = db_prepare(d, "INSERT INTO welfare_post(village_id, title, description, places,"
				   " apply_from, apply_until, points_weight, created_by, created_at)"
				   " VALUES($v, $t, $d, $p, $from, $until, $w, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$t", in->title) ||
	    db_bind_text(s, "$d", in->description ? in->description : "") ||
	    db_bind_int(s, "$p", in->places) || db_bind_text(s, "$from", in->apply_from) ||
	    db_bind_text(s, "$until", in->apply_until) || db_bind_int(s, "$w", in->points_weight) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_ROW)
		goto fail;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_puts(&js, "{\"title\":");
	json_quote(&js, in->title);
	buf_printf(&js, ",\"places\":%lld,\"apply_from\":\"%s\",\"apply_until\":\"%s\","
			"\"points_weight\":%lld}",
		   (long long)in->places, in->apply_from, in->apply_until,
		   (long long)in->points_weight);
	if (audit_commit_json(d, who, v->id, "welfare_post.add", "welfare_post", *id, &js))
		goto fail;
	return 0;
fail:
	db_rollback(d);
	*id = 0;
	return -1;
}

#define POST_COLS \
	"p.id, p.village_id, p.title, p.description, p.places, p.apply_from, p.apply_until," \
	" p.points_weight, p.status, COALESCE(p.decided_on, ''), COALESCE(p.decision, '')," \
	" COALESCE(p.decided_by, ''), p.created_by," \
	" (SELECT COUNT(*) FROM welfare_application w WHERE w.post_id = p.id)"

static void post_row(db_stmt *s, arena *a, void *row)
{
	struct welfare_post *p = row;
	p->id = db_column_int(s, 0);
	p->village_id = db_column_int(s, 1);
	p->title = db_column_dup(s, 2, a);
	p->description = db_column_dup(s, 3, a);
	p->places = db_column_int(s, 4);
	p->apply_from = db_column_dup(s, 5, a);
	p->apply_until = db_column_dup(s, 6, a);
	p->points_weight = db_column_int(s, 7);
	p->decided = !strcmp(db_column_text(s, 8), "decided");
	p->decided_on = db_column_dup(s, 9, a);
	p->decision = db_column_dup(s, 10, a);
	p->decided_by = db_column_dup(s, 11, a);
	p->created_by = db_column_dup(s, 12, a);
	p->applications = db_column_int(s, 13);
}

int welfare_post_get(db *d, arena *a, int64_t village_id, int64_t id, struct welfare_post **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " POST_COLS " FROM welfare_post p"
				   " WHERE p.id = $id AND p.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_one(s, a, sizeof **out, post_row, out);
}

int welfare_post_list(db *d, arena *a, int64_t village_id, struct welfare_post **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " POST_COLS " FROM welfare_post p"
				   " WHERE p.village_id = $v ORDER BY p.id DESC");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, post_row, rows, n);
}

/* Begin the write transaction of a change to open post post_id of v and
** read it into *p.  Returns 0 (in the transaction), 1 (errs: unknown, or
** decided already — what, e.g. "不能再报名", says what cannot be done; still
** in the transaction) or -1.  The caller rolls back unless it commits. */
static int post_open_for_change(db *d, arena *a, const struct village *v, int64_t post_id,
				const char *what, struct welfare_post **p, errlist *errs)
{
	if (db_begin_write(d))
		return -1;
	int got = welfare_post_get(d, a, v->id, post_id, p);
	if (got < 0)
		return -1;
	if (got)
		errlist_add(errs, "本村没有这个公益岗位");
	else if ((*p)->decided)
		errlist_add(errs, "公益岗位“%s”已经确定人选，%s", (*p)->title, what);
	return errs->n ? 1 : 0;
}

int welfare_apply(db *d, arena *a, const struct actor *who, const struct village *v,
		  int64_t post_id, const char *household_code, const char *channel,
		  const char *note, const char *date, errlist *errs, int64_t *id)
{
	*id = 0;
	if (!channel || (strcmp(channel, "online") && strcmp(channel, "office"))) {
		errlist_add(errs, "报名渠道应为 online（积分存折）或 office（村委会登记）");
		return 1;
	}
	check_text("报名说明", note, 0, 500, 1, errs);
	int date_ok = date && date_valid(date), code_ok = household_code && *household_code;
	if (!date_ok)
		errlist_add(errs, "报名日期应为有效日期，格式 YYYY-MM-DD");
	if (!code_ok)
		errlist_add(errs, "户编号不能为空");
	if (errs->n || !date_ok || !code_ok)
		return 1;
	struct welfare_post *p = NULL;
	int rc = post_open_for_change(d, a, v, post_id, "不能再报名", &p, errs);
	if (rc || !p) {
		rc = rc ? rc : -1;
		goto out;
	}
	rc = -1;
	struct household *h = NULL;
	if (strcmp(date, p->apply_from) < 0 || strcmp(date, p->apply_until) > 0)
		errlist_add(errs, "报名日期 %s 不在报名期（%s 至 %s）内", date, p->apply_from,
			    p->apply_until);
	else {
		int got = household_get_by_code(d, a, v->id, household_code, &h);
		if (got < 0)
			goto out;
		if (got)
			errlist_add(errs, "户编号 %s 不是本村的农户", household_code);
		else if (!h->participating)
			errlist_add(errs, "户 %s 没有参加积分制，不能报名", household_code);
	}
	if (errs->n || !h) {
		rc = 1;
		goto out;
	}
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM welfare_application"
				   " WHERE post_id = $p AND household_id = $h");
	int64_t had;
	if (!s || db_bind_int(s, "$p", post_id) || db_bind_int(s, "$h", h->id) ||
	    db_read_int(s, &had))
		goto out;
	if (had) {
		errlist_add(errs, "户 %s 已经报名过这个岗位", household_code);
		rc = 1;
		goto out;
	}
	s = db_prepare(d, "INSERT INTO welfare_application(post_id, household_id, channel, note,"
			  " applied_on, recorded_by, created_at)"
			  " VALUES($p, $h, $ch, $note, $date, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$p", post_id) || db_bind_int(s, "$h", h->id) ||
	    db_bind_text(s, "$ch", channel) || db_bind_text(s, "$note", note ? note : "") ||
	    db_bind_text(s, "$date", date) || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	buf js = {0};
	buf_printf(&js, "{\"post\":%lld,\"household\":", (long long)post_id);
	json_quote(&js, h->code);
	buf_printf(&js, ",\"channel\":\"%s\",\"date\":\"%s\"}", channel, date);
	if (audit_commit_json(d, who, v->id, "welfare_post.apply", "welfare_application", *id, &js))
		goto out;
	return 0;
out:
	db_rollback(d);
	*id = 0;
	return rc;
}

static int candidate_order(const void *x, const void *y)
{
	const struct welfare_applicant *p = x, *q = y;
	if (p->points_part_tenths != q->points_part_tenths)
		return p->points_part_tenths > q->points_part_tenths ? -1 : 1;
	size_t lp = utf8_len(p->code), lq = utf8_len(q->code);
	return lp != lq ? (lp < lq ? -1 : 1) : strcmp(p->code, q->code);
}

int welfare_candidates(db *d, arena *a, const struct village *v, const struct welfare_post *p,
		       struct welfare_applicant **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	struct ledger_balance *bal;
	int nb;
	if (ledger_balances(d, a, v->id, atoi(p->apply_until), &bal, &nb))
		return -1;
	struct imap ix = {.a = a};
	for (int i = 0; i < nb; i++)
		imap_get(&ix, bal[i].household_id)->v = i + 1;
	db_stmt *s = db_prepare(d, "SELECT w.id, w.household_id, h.code, h.head_name, w.channel,"
				   " w.note, w.applied_on, w.selected FROM welfare_application w"
				   " JOIN household h ON h.id = w.household_id"
				   " WHERE w.post_id = $p AND h.village_id = $v ORDER BY w.id");
	if (!s || db_bind_int(s, "$p", p->id) || db_bind_int(s, "$v", v->id))
		return -1;
	int cap = 0, st;
	int64_t best = 0;
	while ((st = db_step(s)) == DB_ROW) {
		*rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
		struct welfare_applicant *r = &(*rows)[(*n)++];
		r->id = db_column_int(s, 0);
		r->household_id = db_column_int(s, 1);
		r->code = db_column_dup(s, 2, a);
		r->name = db_column_dup(s, 3, a);
		r->channel = db_column_dup(s, 4, a);
		r->note = db_column_dup(s, 5, a);
		r->applied_on = db_column_dup(s, 6, a);
		r->selected = (int)db_column_int(s, 7);
		const struct imap_slot *sl = imap_find(&ix, r->household_id);
		if (sl) {
			r->year_points = bal[sl->v - 1].year_points;
			r->veto = bal[sl->v - 1].veto;
		}
		if (r->year_points > best)
			best = r->year_points;
	}
	if (st != DB_DONE)
		return -1;
	for (int i = 0; i < *n; i++)
		(*rows)[i].points_part_tenths =
			welfare_points_part(p->points_weight, (*rows)[i].year_points, best);
	if (*n > 1)
		qsort(*rows, (size_t)*n, sizeof **rows, candidate_order);
	return 0;
}

int welfare_decide(db *d, arena *a, const struct actor *who, const struct village *v,
		   int64_t post_id, const char *const *codes, int n_codes, const char *reason,
		   errlist *errs)
{
	check_text("决定理由", reason, 1, 1000, 1, errs);
	if (errs->n)
		return 1;
	struct welfare_post *p = NULL;
	int rc = post_open_for_change(d, a, v, post_id, "决定不能更改", &p, errs);
	if (rc || !p) {
		rc = rc ? rc : -1;
		goto out;
	}
	rc = -1;
	if (n_codes > p->places)
		errlist_add(errs, "选了 %d 户，超过岗位名额 %lld 个", n_codes, (long long)p->places);
	if (errs->n) {
		rc = 1;
		goto out;
	}
	db_stmt *s = db_prepare(d, "UPDATE welfare_application SET selected = 1"
				   " WHERE post_id = $p AND selected = 0 AND household_id ="
				   " (SELECT id FROM household WHERE village_id = $v AND code = $code)");
	if (!s)
		goto out;
	buf js = {0};
	buf_puts(&js, "{\"selected\":[");
	for (int i = 0; i < n_codes; i++) {
		if (db_bind_int(s, "$p", post_id) || db_bind_int(s, "$v", v->id) ||
		    db_bind_text(s, "$code", codes[i]) || db_step(s) != DB_DONE) {
			buf_free(&js);
			goto out;
		}
		db_reset(s);
		if (db_changes(d) != 1)
			errlist_add(errs, "户 %s 没有报名这个岗位（或重复选了）", codes[i]);
		buf_puts(&js, i ? "," : "");
		json_quote(&js, codes[i]);
	}
	if (errs->n) {
		buf_free(&js);
		rc = 1;
		goto out;
	}
	char today[11];
	date_today(today);
	s = db_prepare(d, "UPDATE welfare_post SET status = 'decided', decided_on = $on,"
			  " decision = $reason, decided_by = $by, decided_at = $now"
			  " WHERE id = $id AND status = 'open'");
	if (!s || db_bind_text(s, "$on", today) || db_bind_text(s, "$reason", reason) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_bind_int(s, "$id", post_id) || db_step(s) != DB_DONE) {
		buf_free(&js);
		goto out;
	}
	buf_puts(&js, "],\"reason\":");
	json_quote(&js, reason);
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, "welfare_post.decide", "welfare_post", post_id, &js))
		goto out;
	return 0;
out:
	db_rollback(d);
	return rc;
}
