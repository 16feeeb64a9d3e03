/*
** honour.c — honours (荣誉): the ranking, stars and veto of a year, the
** committees' confirmation with the model-household shortlist, and the
** CSV/JSON rows of `jifen honours` (honour.h).
*/
#include "honour.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "json.h"
#include "ledger.h"
#include "sheet.h"
#include "village_setting.h"

/* Room for the stars thresholds: more than village_setting.c accepts. */
enum { HONOUR_STARS_MAX = 32 };

int honour_stars(int64_t points, const int64_t *th, int n)
{
	int s = 0;
	while (s < n && points >= th[s])
		s++;
	return s;
}

/* Household codes in list order: shorter first ("2" before "10"), then
** bytewise — the order of every household list (ledger_balances). */
static int code_order(const char *p, const char *q)
{
	size_t lp = utf8_len(p), lq = utf8_len(q);
	return lp != lq ? (lp < lq ? -1 : 1) : strcmp(p, q);
}

static int rank_order(const void *x, const void *y)
{
	const struct honour_row *p = x, *q = y;
	if (p->year_points != q->year_points)
		return p->year_points > q->year_points ? -1 : 1;
	return code_order(p->code, q->code);
}

void honour_rank(struct honour_row *rows, int n, const int64_t *th, int n_th)
{
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, rank_order);
	for (int i = 0; i < n; i++) {
		/* competition rank: a tie shares the first place of its group */
		rows[i].rank = i && rows[i].year_points == rows[i - 1].year_points ? rows[i - 1].rank
										   : i + 1;
		rows[i].stars = rows[i].eligible ? honour_stars(rows[i].year_points, th, n_th) : 0;
	}
}

/* The row of household_id in rows through the index by id (slot v: the
** row's index + 1), or NULL. */
static struct honour_row *row_of(const struct imap *ix, struct honour_row *rows,
				 int64_t household_id)
{
	const struct imap_slot *sl = imap_find(ix, household_id);
	return sl ? &rows[sl->v - 1] : NULL;
}

/* Fill veto_reason of the not-eligible rows: the veto items of the year
** whose points still stand (not reversed in full — the rule of the veto
** mark, ledger.c), "项目名 (日期)" joined with "；".  And party_member
** from the current members.  Inside the caller's snapshot.  0 or -1. */
static int honour_details(db *d, arena *a, int64_t village_id, int year,
			  struct honour_row *rows, int n)
{
	struct imap ix = {.a = a};
	for (int i = 0; i < n; i++)
		imap_get(&ix, rows[i].household_id)->v = i + 1;
	db_stmt *s = db_prepare(d, "SELECT le.household_id, i.code, i.name, le.date FROM ledger_entry le"
				   " JOIN standard_item i ON i.id = le.item_id"
				   " WHERE le.village_id = $v AND" LEDGER_VETO_STANDING
				   " ORDER BY le.household_id, le.date, le.seq");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_year_months(s, year))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		struct honour_row *r = row_of(&ix, rows, db_column_int(s, 0));
		if (!r || r->eligible)
			continue;
		const char *one = arena_printf(a, "%s %s（%s）", db_column_text(s, 1),
					       db_column_text(s, 2), db_column_text(s, 3));
		r->veto_reason = *r->veto_reason ? arena_printf(a, "%s；%s", r->veto_reason, one)
						 : one;
	}
	if (st != DB_DONE)
		return -1;
	s = db_prepare(d, "SELECT DISTINCT m.household_id FROM member m"
			  " JOIN household h ON h.id = m.household_id"
			  " WHERE h.village_id = $v AND m.party_member = 1 AND m.removed_on IS NULL");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		struct honour_row *r = row_of(&ix, rows, db_column_int(s, 0));
		if (r)
			r->party_member = 1;
	}
	if (st != DB_DONE)
		return -1;
	/* a veto mark whose entry is not readable (cannot happen while the
	** ledger verifies) still says why */
	for (int i = 0; i < n; i++)
		if (!rows[i].eligible && !*rows[i].veto_reason)
			rows[i].veto_reason = "本年有一票否决记录";
	return 0;
}

int honour_list(db *d, arena *a, const struct village *v, int year, struct honour_row **rows,
		int *n)
{
	*rows = NULL;
	*n = 0;
	struct ledger_balance *bal;
	int nb;
	if (ledger_balances(d, a, v->id, year, &bal, &nb))
		return -1;
	struct honour_row *list = arena_alloc(a, (size_t)(nb ? nb : 1) * sizeof *list);
	for (int i = 0; i < nb; i++) {
		list[i].household_id = bal[i].household_id;
		list[i].code = bal[i].code;
		list[i].name = bal[i].name;
		list[i].year_points = bal[i].year_points;
		list[i].eligible = !bal[i].veto;
		list[i].veto_reason = "";
	}
	/* the details are display only: read after the figures, in a snapshot
	** of their own */
	if (db_begin_snapshot(d))
		return -1;
	if (honour_details(d, a, v->id, year, list, nb)) {
		db_rollback(d);
		return -1;
	}
	if (db_commit(d))
		return -1;
	int64_t th[HONOUR_STARS_MAX];
	int nth = stars_parse(v->stars, th, HONOUR_STARS_MAX);
	honour_rank(list, nb, th, nth < 0 ? 0 : nth);
	*rows = list;
	*n = nb;
	return 0;
}

/* ---- the confirmed record ------------------------------------------------------------ */

#define CONFIRMATION_COLS \
	"id, village_id, year, meeting_date, attendees, resolution, stars, confirmed_by," \
	" confirmed_at"

static struct honour_confirmation *confirmation_row(db_stmt *s, arena *a)
{
	struct honour_confirmation *c = arena_alloc(a, sizeof *c);
	c->id = db_column_int(s, 0);
	c->village_id = db_column_int(s, 1);
	c->year = (int)db_column_int(s, 2);
	c->meeting_date = db_column_dup(s, 3, a);
	c->attendees = db_column_dup(s, 4, a);
	c->resolution = db_column_dup(s, 5, a);
	c->stars = db_column_dup(s, 6, a);
	c->confirmed_by = db_column_dup(s, 7, a);
	c->confirmed_at = db_column_int(s, 8);
	return c;
}

int honour_confirmed(db *d, arena *a, int64_t village_id, int year,
		     struct honour_confirmation **out, struct honour_row **rows, int *n)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " CONFIRMATION_COLS " FROM honour_confirmation"
				   " WHERE village_id = $v AND year = $y");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$y", year))
		return -1;
	int st = db_step_one(s);
	if (st)
		return st;
	struct honour_confirmation *c = confirmation_row(s, a);
	db_reset(s);
	if (rows) {
		*rows = NULL;
		*n = 0;
		s = db_prepare(d, "SELECT household_id, code, head_name, year_points, rank_no, stars,"
				  " eligible, veto_reason, party_member, model FROM honour_line"
				  " WHERE confirmation_id = $c ORDER BY line_no");
		if (!s || db_bind_int(s, "$c", c->id))
			return -1;
		int cap = 0;
		while ((st = db_step(s)) == DB_ROW) {
			*rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
			struct honour_row *r = &(*rows)[(*n)++];
			r->household_id = db_column_int(s, 0);
			r->code = db_column_dup(s, 1, a);
			r->name = db_column_dup(s, 2, a);
			r->year_points = db_column_int(s, 3);
			r->rank = (int)db_column_int(s, 4);
			r->stars = (int)db_column_int(s, 5);
			r->eligible = (int)db_column_int(s, 6);
			r->veto_reason = db_column_dup(s, 7, a);
			r->party_member = (int)db_column_int(s, 8);
			r->model = (int)db_column_int(s, 9);
		}
		if (st != DB_DONE)
			return -1;
	}
	*out = c;
	return 0;
}

int honour_confirmed_years(db *d, arena *a, int64_t village_id, int **years, int *n)
{
	*years = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT year FROM honour_confirmation WHERE village_id = $v"
				   " ORDER BY year DESC");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	int cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		*years = arena_grow(a, *years, &cap, *n, sizeof **years);
		(*years)[(*n)++] = (int)db_column_int(s, 0);
	}
	return st == DB_DONE ? 0 : -1;
}

/* The checks of the meeting and the shortlist against year, today and the
** ranking; marks the shortlisted rows' model.  Messages into errs. */
static void confirm_check(const struct honour_confirm_input *in, int year, const char *today,
			  struct honour_row *rows, int n, errlist *errs)
{
	char first[16];
	snprintf(first, sizeof first, "%04d-01-01", year);
	if (year < 2000 || year > atoi(today))
		errlist_add(errs, "年度 %d 不对：只能确认今年或以前年度的荣誉", year);
	if (!in->meeting_date || !date_valid(in->meeting_date))
		errlist_add(errs, "会议日期应为有效日期，格式 YYYY-MM-DD");
	else if (strcmp(in->meeting_date, today) > 0)
		errlist_add(errs, "会议日期 %s 晚于今天（%s）", in->meeting_date, today);
	else if (strcmp(in->meeting_date, first) < 0)
		errlist_add(errs, "会议日期 %s 早于 %d 年", in->meeting_date, year);
	meeting_text_check(in->attendees, in->resolution, errs);
	for (int i = 0; i < in->n_models; i++) {
		const char *code = in->models[i];
		struct honour_row *r = NULL;
		for (int j = 0; j < n && !r; j++)
			if (!strcmp(rows[j].code, code))
				r = &rows[j];
		if (!r)
			errlist_add(errs, "评先选优: 户 %s 不在本年度的积分排名中", code);
		else if (!r->eligible)
			errlist_add(errs, "评先选优: 户 %s 本年有一票否决记录，不能入选", code);
		else
			r->model = 1;
	}
}

int honour_confirm(db *d, arena *a, const struct actor *who, const struct village *v, int year,
		   const struct honour_confirm_input *in, errlist *errs, int64_t *id)
{
	char today[11];
	date_today(today);
	*id = 0;
	/* the ranking is read (own snapshot) before the write transaction: it
	** is what the committees were shown; the confirmation freezes it */
	struct honour_row *rows;
	int n;
	if (honour_list(d, a, v, year, &rows, &n))
		return -1;
	confirm_check(in, year, today, rows, n, errs);
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	int rc = -1;
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM honour_confirmation"
				   " WHERE village_id = $v AND year = $y");
	int64_t had;
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$y", year) ||
	    db_read_int(s, &had))
		goto out;
	if (had) {
		errlist_add(errs, "%d 年度的荣誉已经确认过了，确认记录不能更改", year);
		rc = 1;
		goto out;
	}
	int64_t now = now_unix();
	s = db_prepare(d, "INSERT INTO honour_confirmation(village_id, year, meeting_date, attendees,"
			  " resolution, stars, confirmed_by, confirmed_at)"
			  " VALUES($v, $y, $date, $att, $res, $stars, $by, $now) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$y", year) ||
	    db_bind_text(s, "$date", in->meeting_date) || db_bind_text(s, "$att", in->attendees) ||
	    db_bind_text(s, "$res", in->resolution) ||
	    db_bind_text(s, "$stars", v->stars ? v->stars : "none") ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now) ||
	    db_step(s) != DB_ROW)
		goto out;
	*id = db_column_int(s, 0);
	db_reset(s);
	s = db_prepare(d, "INSERT INTO honour_line(confirmation_id, line_no, household_id, code,"
			  " head_name, year_points, rank_no, stars, eligible, veto_reason, party_member,"
			  " model) VALUES($c, $no, $h, $code, $name, $pts, $rank, $stars, $el, $veto,"
			  " $party, $model)");
	if (!s)
		goto out;
	int stars_total = 0;
	for (int i = 0; i < n; i++) {
		const struct honour_row *r = &rows[i];
		if (db_bind_int(s, "$c", *id) || db_bind_int(s, "$no", i + 1) ||
		    db_bind_int(s, "$h", r->household_id) || db_bind_text(s, "$code", r->code) ||
		    db_bind_text(s, "$name", r->name) || db_bind_int(s, "$pts", r->year_points) ||
		    db_bind_int(s, "$rank", r->rank) || db_bind_int(s, "$stars", r->stars) ||
		    db_bind_int(s, "$el", r->eligible) || db_bind_text(s, "$veto", r->veto_reason) ||
		    db_bind_int(s, "$party", r->party_member) || db_bind_int(s, "$model", r->model) ||
		    db_step(s) != DB_DONE)
			goto out;
		db_reset(s);
		stars_total += r->stars > 0;
	}
	buf js = {0};
	buf_printf(&js, "{\"year\":%d,\"meeting_date\":", year);
	json_quote(&js, in->meeting_date);
	buf_puts(&js, ",\"attendees\":");
	json_quote(&js, in->attendees);
	buf_puts(&js, ",\"resolution\":");
	json_quote(&js, in->resolution);
	buf_printf(&js, ",\"households\":%d,\"star_households\":%d,\"models\":[", n, stars_total);
	for (int i = 0, k = 0; i < n; i++)
		if (rows[i].model) {
			buf_puts(&js, k++ ? "," : "");
			json_quote(&js, rows[i].code);
		}
	buf_puts(&js, "]}");
	if (audit_commit_json(d, who, v->id, "honour.confirm", "honour", *id, &js))
		goto out;
	return 0;
out:
	db_rollback(d);
	*id = 0;
	return rc;
}

/* ---- output ---------------------------------------------------------------------------- */

void honour_csv(struct csv_out *w, const struct honour_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		csv_text(w, rows[i].code);
		csv_text(w, rows[i].name);
		csv_int(w, rows[i].year_points);
		csv_int(w, rows[i].rank);
		csv_int(w, rows[i].stars);
		csv_text(w, rows[i].eligible ? "是" : "否");
		csv_row_end(w);
	}
}

void honour_json(buf *b, const struct honour_row *rows, int n)
{
	buf_puts(b, "[");
	for (int i = 0; i < n; i++) {
		buf_puts(b, i ? ",\n {\"household\":" : "\n {\"household\":");
		json_quote(b, rows[i].code);
		buf_puts(b, ",\"name\":");
		json_quote(b, rows[i].name);
		buf_printf(b, ",\"year_points\":%lld,\"rank\":%d,\"stars\":%d,\"eligible\":%s}",
			   (long long)rows[i].year_points, rows[i].rank, rows[i].stars,
			   rows[i].eligible ? "true" : "false");
	}
	buf_puts(b, n ? "\n]\n" : "]\n");
}
