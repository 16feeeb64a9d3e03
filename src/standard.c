/*
** standard.c — points standards, versioned (see standard.h): the standard
** CSV, reading versions and the version in force on a date, comparing two
** versions, adopting a village's version with its democratic record, and
** the town template (built in from static/template-standard.csv, and
** re-published by the town).
*/
#include "standard.h"

#include "csvout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consultation.h"
#include "embed.h"
#include "json.h"

const struct csv_col standard_csv_spec[SF_COUNT] = {
	[SF_CATEGORY] = {"category", "类别", 1},
	[SF_CODE] = {"code", "项目编号", 1},
	[SF_NAME] = {"name", "项目名称", 1},
	[SF_POINTS] = {"points", "分值", 1},
	[SF_CAP_MONTH] = {"cap_month", "每月上限", 0},
	[SF_CAP_YEAR] = {"cap_year", "每年上限", 0},
	[SF_VETO] = {"veto", "一票否决", 0},
	[SF_EVIDENCE] = {"evidence", "需佐证", 0},
};

const char *standard_meeting_type_label(const char *type)
{
	if (type && !strcmp(type, STD_MEETING_VILLAGERS))
		return "村民会议";
	if (type && !strcmp(type, STD_MEETING_REPRESENTATIVES))
		return "村民代表会议";
	return "";
}

const char *standard_meeting_type_parse(const char *s)
{
	if (!s || !*s)
		return "";
	if (!strcmp(s, STD_MEETING_VILLAGERS) || !strcmp(s, "村民会议"))
		return STD_MEETING_VILLAGERS;
	if (!strcmp(s, STD_MEETING_REPRESENTATIVES) || !strcmp(s, "村民代表会议"))
		return STD_MEETING_REPRESENTATIVES;
	return NULL;
}

/* Item code: 1–32 of [A-Za-z0-9_-], like village and household codes. */
static int item_code_valid(const char *code)
{
	size_t n = strlen(code);
	return n >= 1 && n <= 32 &&
	       strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* ---- the CSV ---------------------------------------------------------------- */

struct parse_ctx {
	arena *a;
	const char *fname;
	errlist *errs;
	struct std_item *items;
	int *rows;      /* file row of each item, for "与第 N 行重复" */
	int n, cap;
	int too_many;
};

/* A cap cell: "" is no cap (0); else a positive integer ≤ STD_CAP_MAX that
** is at least |points|.  Returns NULL or the message (arena). */
static const char *parse_cap(arena *a, const char *s, int64_t points, int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return NULL;
	int64_t v;
	if (parse_int64(s, &v) || v <= 0 || v > STD_CAP_MAX)
		return arena_printf(a, "应为 1–%d 的整数，或留空表示不设上限", STD_CAP_MAX);
	if (points && v < (points < 0 ? -points : points))
		return arena_printf(a, " %lld 小于分值的绝对值 %lld，这个项目将无法记分",
				    (long long)v, (long long)(points < 0 ? -points : points));
	*out = v;
	return NULL;
}

/* Check one CSV row into the next item; errors name FILE:ROW: COLUMN. */
static int parse_row(void *ctx, const struct csv_row *r)
{
	struct parse_ctx *p = ctx;
	const char *const *v = r->vals;
#define ERR(f, ...) errlist_add(p->errs, "%s:%d: %s: %s", p->fname, r->row, r->colname[f], \
				arena_printf(p->a, __VA_ARGS__))
	if (p->n >= STD_ITEMS_MAX) {
		if (!p->too_many)
			errlist_add(p->errs, "%s:%d: 一个标准最多 %d 个项目", p->fname, r->row,
				    STD_ITEMS_MAX);
		p->too_many = 1;
		return 0;
	}
	struct std_item it = {0};
	int bad = 0;
	const char *cat = v[SF_CATEGORY] ? v[SF_CATEGORY] : "";
	if (!*cat) {
		ERR(SF_CATEGORY, "类别不能为空");
		bad++;
	} else if (utf8_len(cat) > 50) {
		ERR(SF_CATEGORY, "类别最长 50 个字");
		bad++;
	}
	const char *code = v[SF_CODE] ? v[SF_CODE] : "";
	if (!*code) {
		ERR(SF_CODE, "项目编号不能为空");
		bad++;
	} else if (!item_code_valid(code)) {
		ERR(SF_CODE, "项目编号“%s”无效: 需为 1–32 个字母、数字、_ 或 -", code);
		bad++;
	} else {
		for (int i = 0; i < p->n; i++)
			if (!strcmp(p->items[i].code, code)) {
				ERR(SF_CODE, "项目编号“%s”与第 %d 行重复", code, p->rows[i]);
				bad++;
				break;
			}
	}
	const char *name = v[SF_NAME] ? v[SF_NAME] : "";
	if (!*name) {
		ERR(SF_NAME, "项目名称不能为空");
		bad++;
	} else if (utf8_len(name) > 100) {
		ERR(SF_NAME, "项目名称最长 100 个字");
		bad++;
	}
	int64_t points = 0;
	const char *ps = v[SF_POINTS] ? v[SF_POINTS] : "";
	if (!*ps) {
		ERR(SF_POINTS, "分值不能为空");
		bad++;
	} else if (parse_int64(ps, &points) || points == 0 || points > STD_POINTS_MAX ||
		   points < -STD_POINTS_MAX) {
		ERR(SF_POINTS, "分值应为非零整数（-%d 到 %d），扣分为负数", STD_POINTS_MAX,
		    STD_POINTS_MAX);
		points = 0;
		bad++;
	}
	const char *m;
	if ((m = parse_cap(p->a, v[SF_CAP_MONTH], points, &it.cap_month))) {
		ERR(SF_CAP_MONTH, "每月上限%s", m);
		bad++;
	}
	if ((m = parse_cap(p->a, v[SF_CAP_YEAR], points, &it.cap_year))) {
		ERR(SF_CAP_YEAR, "每年上限%s", m);
		bad++;
	} else if (it.cap_year && it.cap_month && it.cap_year < it.cap_month) {
		ERR(SF_CAP_YEAR, "每年上限 %lld 小于每月上限 %lld", (long long)it.cap_year,
		    (long long)it.cap_month);
		bad++;
	}
	int yn[2] = {0, 0};
	const int ynf[2] = {SF_VETO, SF_EVIDENCE};
	for (int k = 0; k < 2; k++) {
		const char *s = v[ynf[k]];
		if (!s || !*s)
			continue;
		yn[k] = parse_yesno(s);
		if (yn[k] < 0) {
			ERR(ynf[k], "应为 是/否、Y/N、1/0 或 yes/no，不是“%s”", s);
			yn[k] = 0;
			bad++;
		}
	}
#undef ERR
	if (bad)
		return 0;
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 64;
		struct std_item *ni = arena_alloc(p->a, (size_t)cap * sizeof *ni);
		int *nr = arena_alloc(p->a, (size_t)cap * sizeof *nr);
		if (p->n) {
			memcpy(ni, p->items, (size_t)p->n * sizeof *ni);
			memcpy(nr, p->rows, (size_t)p->n * sizeof *nr);
		}
		p->items = ni;
		p->rows = nr;
		p->cap = cap;
	}
	it.seq = p->n + 1;
	it.category = arena_strdup(p->a, cat);
	it.code = arena_strdup(p->a, code);
	it.name = arena_strdup(p->a, name);
	it.points = points;
	it.veto = yn[0];
	it.evidence = yn[1];
	p->rows[p->n] = r->row;
	p->items[p->n++] = it;
	return 0;
}

int standard_parse_csv(arena *a, const char *fname, const char *data, size_t len,
		       struct std_item **items, int *n, errlist *errs)
{
	struct parse_ctx p = {.a = a, .fname = fname, .errs = errs};
	int before = errs->n;
	int rows = csvfile_parse(fname, data, len, standard_csv_spec, SF_COUNT, parse_row, &p, errs);
	if (rows == 0 && errs->n == before)
		errlist_add(errs, "%s:2: 文件里没有积分项目", fname);
	*items = p.items;
	*n = p.n;
	return errs->n > before ? 1 : 0;
}

void standard_items_csv(struct csv_out *w, const struct std_item *items, int n)
{
	csv_literal(w, "类别,项目编号,项目名称,分值,每月上限,每年上限,一票否决,需佐证");
	csv_row_end(w);
	for (int i = 0; i < n; i++) {
		const struct std_item *it = &items[i];
		csv_text(w, it->category);
		csv_text(w, it->code);
		csv_text(w, it->name);
		csv_int(w, it->points);
		if (it->cap_month)
			csv_int(w, it->cap_month);
		else
			csv_text(w, "");
		if (it->cap_year)
			csv_int(w, it->cap_year);
		else
			csv_text(w, "");
		csv_text(w, it->veto ? "是" : "否");
		csv_text(w, it->evidence ? "是" : "否");
		csv_row_end(w);
	}
}

/* ---- reading ------------------------------------------------------------------ */

#define VERSION_COLS "id, COALESCE(village_id, 0), version, effective_on, adopted_on," \
		     " meeting_type, meeting, entitled, attendance, votes_for, votes_against," \
		     " votes_abstain, source, COALESCE(based_on, 0), created_by, created_at"

/* An integer column that may be NULL: -1 for NULL. */
static int64_t col_opt(db_stmt *s, int c)
{
	return db_column_is_null(s, c) ? -1 : db_column_int(s, c);
}

/* Fill v from the current row of s (columns of VERSION_COLS). */
static void version_from_row(db_stmt *s, arena *a, void *row)
{
	struct std_version *v = row;
	memset(v, 0, sizeof *v);
	v->id = db_column_int(s, 0);
	v->village_id = db_column_int(s, 1);
	v->version = (int)db_column_int(s, 2);
	v->effective_on = arena_strdup(a, db_column_text(s, 3));
	v->adoption.effective_on = v->effective_on;
	v->adoption.adopted_on = arena_strdup(a, db_column_text(s, 4));
	v->adoption.meeting_type = arena_strdup(a, db_column_text(s, 5));
	v->adoption.meeting = arena_strdup(a, db_column_text(s, 6));
	v->adoption.entitled = col_opt(s, 7);
	v->adoption.attendance = col_opt(s, 8);
	v->adoption.votes_for = col_opt(s, 9);
	v->adoption.votes_against = col_opt(s, 10);
	v->adoption.votes_abstain = col_opt(s, 11);
	v->source = arena_strdup(a, db_column_text(s, 12));
	v->based_on = db_column_int(s, 13);
	v->created_by = arena_strdup(a, db_column_text(s, 14));
	v->created_at = db_column_int(s, 15);
}

#define ITEM_COLS "id, version_id, seq, category, code, name, points, cap_month, cap_year," \
		  " veto, evidence"

static void item_from_row(db_stmt *s, arena *a, void *row)
{
	struct std_item *it = row;
	it->id = db_column_int(s, 0);
	it->version_id = db_column_int(s, 1);
	it->seq = (int)db_column_int(s, 2);
	it->category = arena_strdup(a, db_column_text(s, 3));
	it->code = arena_strdup(a, db_column_text(s, 4));
	it->name = arena_strdup(a, db_column_text(s, 5));
	it->points = db_column_int(s, 6);
	it->cap_month = db_column_int(s, 7);
	it->cap_year = db_column_int(s, 8);
	it->veto = (int)db_column_int(s, 9);
	it->evidence = (int)db_column_int(s, 10);
}

/* Load the items of v (seq order).  Returns 0 or -1. */
static int load_items(db *d, arena *a, struct std_version *v)
{
	db_stmt *s = db_prepare(d, "SELECT " ITEM_COLS " FROM standard_item"
				   " WHERE version_id = $v ORDER BY seq");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	int cap = 64, st;
	v->items = arena_alloc(a, (size_t)cap * sizeof *v->items);
	v->nitems = 0;
	while ((st = db_step(s)) == DB_ROW) {
		v->items = arena_grow(a, v->items, &cap, v->nitems, sizeof *v->items);
		item_from_row(s, a, &v->items[v->nitems++]);
	}
	return st == DB_DONE ? 0 : -1;
}

/* Run s (bound) expecting at most one version row: 0 found, 1 none, -1. */
static int one_version(db *d, db_stmt *s, arena *a, int with_items, struct std_version **out)
{
	struct std_version *v;
	int st = db_read_one(s, a, sizeof *v, version_from_row, &v);
	if (st)
		return st;
	if (with_items && load_items(d, a, v))
		return -1;
	*out = v;
	return 0;
}

int standard_get(db *d, arena *a, int64_t village_id, int64_t version_id, int with_items,
		 struct std_version **out)
{
	*out = NULL;
	db_stmt *s;
	if (village_id) {
		s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				  " WHERE id = $id AND village_id = $v");
		if (!s || db_bind_int(s, "$v", village_id))
			return -1;
	} else
		s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				  " WHERE id = $id AND village_id IS NULL");
	if (!s || db_bind_int(s, "$id", version_id))
		return -1;
	return one_version(d, s, a, with_items, out);
}

int standard_in_force(db *d, arena *a, int64_t village_id, const char *date, int with_items,
		      struct std_version **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				   " WHERE village_id = $v AND effective_on <= $date"
				   " ORDER BY effective_on DESC, version DESC LIMIT 1");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$date", date))
		return -1;
	return one_version(d, s, a, with_items, out);
}

int standard_list(db *d, arena *a, int64_t village_id, struct std_version **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s;
	if (village_id) {
		s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				  " WHERE village_id = $v ORDER BY version DESC");
		if (!s || db_bind_int(s, "$v", village_id))
			return -1;
	} else {
		s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				  " WHERE village_id IS NULL ORDER BY version DESC");
		if (!s)
			return -1;
	}
	return db_read_rows(s, a, sizeof **rows, version_from_row, rows, n);
}

const struct std_item *standard_item_by_code(const struct std_version *v, const char *code)
{
	for (int i = 0; i < v->nitems; i++)
		if (!strcmp(v->items[i].code, code))
			return &v->items[i];
	return NULL;
}

int standard_item_get(db *d, arena *a, int64_t village_id, int64_t item_id,
		      struct std_item **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT i.id, i.version_id, i.seq, i.category, i.code, i.name,"
				   " i.points, i.cap_month, i.cap_year, i.veto, i.evidence"
				   " FROM standard_item i JOIN standard_version v ON v.id = i.version_id"
				   " WHERE i.id = $id AND v.village_id = $v");
	if (!s || db_bind_int(s, "$id", item_id) || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_one(s, a, sizeof **out, item_from_row, out);
}

int standard_book_load(db *d, arena *a, int64_t village_id, struct std_book *book)
{
	book->v = NULL;
	book->n = 0;
	struct std_version *rows;
	int n;
	if (standard_list(d, a, village_id, &rows, &n))
		return -1;
	/* rows are newest version first; the book is by effective date, and
	** effective dates grow with versions (standard_adopt refuses otherwise) */
	book->v = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *book->v);
	for (int i = 0; i < n; i++) {
		book->v[i] = &rows[n - 1 - i];
		if (load_items(d, a, book->v[i]))
			return -1;
	}
	book->n = n;
	return 0;
}

const struct std_version *standard_book_in_force(const struct std_book *book, const char *date)
{
	const struct std_version *best = NULL;
	for (int i = 0; i < book->n; i++)
		if (strcmp(book->v[i]->effective_on, date) <= 0)
			best = book->v[i];
	return best;
}

/* ---- comparing ------------------------------------------------------------------ */

int standard_diff(arena *a, const struct std_version *old, const struct std_version *new,
		  struct std_diff **rows)
{
	int cap = old->nitems + new->nitems + 1, n = 0;
	struct std_diff *r = arena_alloc(a, (size_t)cap * sizeof *r);
	for (int i = 0; i < old->nitems; i++) {
		const struct std_item *o = &old->items[i];
		const struct std_item *w = standard_item_by_code(new, o->code);
		struct std_diff *x = &r[n++];
		x->old = o;
		x->new = w;
		if (!w) {
			x->kind = STD_REMOVED;
			continue;
		}
		unsigned ch = 0;
		if (strcmp(o->category, w->category))
			ch |= STD_CH_CATEGORY;
		if (strcmp(o->name, w->name))
			ch |= STD_CH_NAME;
		if (o->points != w->points)
			ch |= STD_CH_POINTS;
		if (o->cap_month != w->cap_month)
			ch |= STD_CH_CAP_MONTH;
		if (o->cap_year != w->cap_year)
			ch |= STD_CH_CAP_YEAR;
		if (o->veto != w->veto)
			ch |= STD_CH_VETO;
		if (o->evidence != w->evidence)
			ch |= STD_CH_EVIDENCE;
		x->changed = ch;
		x->kind = ch ? STD_CHANGED : STD_SAME;
	}
	for (int i = 0; i < new->nitems; i++)
		if (!standard_item_by_code(old, new->items[i].code)) {
			struct std_diff *x = &r[n++];
			x->kind = STD_ADDED;
			x->new = &new->items[i];
		}
	*rows = r;
	return n;
}

/* ---- adopting -------------------------------------------------------------------- */

/* A free-text field: clean, at most maxlen characters.  1 good, else 0. */
static int text_ok(const char *s, size_t maxlen, int allow_newline)
{
	return s && text_is_clean(s, allow_newline) && utf8_len(s) <= maxlen;
}

int standard_check_adoption(const struct std_adoption *ad, const char *today, errlist *errs)
{
	int before = errs->n;
	int adopted_ok = ad->adopted_on && date_valid(ad->adopted_on);
	if (!adopted_ok)
		errlist_add(errs, "通过日期应为有效日期，格式 YYYY-MM-DD");
	else if (strcmp(ad->adopted_on, today) > 0)
		errlist_add(errs, "通过日期 %s 晚于今天（%s）: 标准须经会议通过后才能录入",
			    ad->adopted_on, today);
	if (!ad->effective_on || !date_valid(ad->effective_on))
		errlist_add(errs, "生效日期应为有效日期，格式 YYYY-MM-DD");
	else if (adopted_ok && strcmp(ad->effective_on, ad->adopted_on) < 0)
		errlist_add(errs, "生效日期 %s 早于通过日期 %s", ad->effective_on, ad->adopted_on);
	if (!ad->meeting_type || !standard_meeting_type_parse(ad->meeting_type))
		errlist_add(errs, "会议类型应为 村民会议 或 村民代表会议");
	if (ad->meeting && !text_ok(ad->meeting, 500, 1))
		errlist_add(errs, "会议说明最长 500 个字，不能含控制字符");
	if (ad->without_consultation && !text_ok(ad->without_consultation, 500, 1))
		errlist_add(errs, "未征求意见的原因最长 500 个字，不能含控制字符");
	const struct {
		int64_t v;
		const char *label;
	} counts[] = {
		{ad->entitled, "应到人数"},    {ad->attendance, "实到人数"},
		{ad->votes_for, "赞成票"},      {ad->votes_against, "反对票"},
		{ad->votes_abstain, "弃权票"},
	};
	int counts_ok = 1;
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
		if (counts[i].v < -1 || counts[i].v > 1000000) {
			errlist_add(errs, "%s应为 0–1000000 的整数", counts[i].label);
			counts_ok = 0;
		}
	if (counts_ok) {
		if (ad->entitled >= 0 && ad->attendance > ad->entitled)
			errlist_add(errs, "实到人数 %lld 多于应到人数 %lld", (long long)ad->attendance,
				    (long long)ad->entitled);
		int64_t votes = 0;
		int any = 0;
		for (size_t i = 2; i < 5; i++)
			if (counts[i].v >= 0) {
				votes += counts[i].v;
				any = 1;
			}
		if (any && ad->attendance >= 0 && votes > ad->attendance)
			errlist_add(errs, "票数合计 %lld 多于实到人数 %lld", (long long)votes,
				    (long long)ad->attendance);
		if (ad->votes_for >= 0 && ad->votes_against >= 0 &&
		    ad->votes_for <= ad->votes_against)
			errlist_add(errs, "赞成票 %lld 不多于反对票 %lld: 标准未获通过",
				    (long long)ad->votes_for, (long long)ad->votes_against);
	}
	return errs->n - before;
}

/* The checks of a new village version against what is stored: the
** effective date after every existing version's, and after every entry the
** village has recorded or approved.  Adds messages to errs; returns 0 or -1
** (database error). */
static int check_against_db(db *d, int64_t village_id, const char *effective_on, errlist *errs)
{
	if (!effective_on || !date_valid(effective_on))
		return 0;
	db_stmt *s = db_prepare(d, "SELECT MAX(effective_on) FROM standard_version"
				   " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	if (!db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), effective_on) >= 0)
		errlist_add(errs, "生效日期 %s 应晚于现行版本的生效日期 %s", effective_on,
			    db_column_text(s, 0));
	db_reset(s);
	s = db_prepare(d, "SELECT MAX(date) FROM entry WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	char last[11] = "";
	if (!db_column_is_null(s, 0))
		snprintf(last, sizeof last, "%s", db_column_text(s, 0));
	db_reset(s);
	s = db_prepare(d, "SELECT MAX(date) FROM ledger_entry WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	if (!db_column_is_null(s, 0) && strcmp(db_column_text(s, 0), last) > 0)
		snprintf(last, sizeof last, "%s", db_column_text(s, 0));
	db_reset(s);
	if (*last && strcmp(last, effective_on) >= 0)
		errlist_add(errs, "本村已有 %s 的积分记录，新版本的生效日期应晚于它（已记的分按原版本计）",
			    last);
	return 0;
}

/* Bind an optional count: -1 as NULL. */
static int bind_opt(db_stmt *s, const char *name, int64_t v)
{
	return v < 0 ? db_bind_null(s, name) : db_bind_int(s, name, v);
}

/* Insert a version (village_id 0: template) and its items inside the
** caller's transaction.  Returns 0 (*id) or -1. */
static int insert_version(db *d, int64_t village_id, const struct std_adoption *ad,
			  const struct std_item *items, int n, const char *source,
			  int64_t based_on, const char *login, int *version, int64_t *id)
{
	db_stmt *s;
	if (village_id) {
		s = db_prepare(d, "SELECT COALESCE(MAX(version), 0) + 1 FROM standard_version"
				  " WHERE village_id = $v");
		if (!s || db_bind_int(s, "$v", village_id))
			return -1;
	} else
		s = db_prepare(d, "SELECT COALESCE(MAX(version), 0) + 1 FROM standard_version"
				  " WHERE village_id IS NULL");
	if (!s || db_step(s) != DB_ROW)
		return -1;
	*version = (int)db_column_int(s, 0);
	db_reset(s);
	s = db_prepare(d,
		"INSERT INTO standard_version(village_id, version, effective_on, adopted_on,"
		" meeting_type, meeting, entitled, attendance, votes_for, votes_against,"
		" votes_abstain, source, based_on, created_by, created_at)"
		" VALUES($village, $version, $eff, $adopted, $mtype, $meeting, $entitled, $att,"
		" $for, $against, $abstain, $source, $based, $by, $now) RETURNING id");
	if (!s)
		return -1;
	db_bind_int_or_null(s, "$village", village_id);
	db_bind_int(s, "$version", *version);
	db_bind_text(s, "$eff", ad->effective_on);
	db_bind_text(s, "$adopted", ad->adopted_on);
	db_bind_text(s, "$mtype", ad->meeting_type ? ad->meeting_type : "");
	db_bind_text(s, "$meeting", ad->meeting ? ad->meeting : "");
	bind_opt(s, "$entitled", ad->entitled);
	bind_opt(s, "$att", ad->attendance);
	bind_opt(s, "$for", ad->votes_for);
	bind_opt(s, "$against", ad->votes_against);
	bind_opt(s, "$abstain", ad->votes_abstain);
	db_bind_text(s, "$source", source);
	db_bind_int_or_null(s, "$based", based_on);
	db_bind_text(s, "$by", login);
	db_bind_int(s, "$now", now_unix());
	if (db_step(s) != DB_ROW)
		return -1;
	*id = db_column_int(s, 0);
	db_reset(s);
	s = db_prepare(d, "INSERT INTO standard_item(version_id, seq, category, code, name, points,"
			  " cap_month, cap_year, veto, evidence)"
			  " VALUES($v, $seq, $cat, $code, $name, $points, $cm, $cy, $veto, $ev)");
	if (!s)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct std_item *it = &items[i];
		db_bind_int(s, "$v", *id);
		db_bind_int(s, "$seq", i + 1);
		db_bind_text(s, "$cat", it->category);
		db_bind_text(s, "$code", it->code);
		db_bind_text(s, "$name", it->name);
		db_bind_int(s, "$points", it->points);
		db_bind_int_or_null(s, "$cm", it->cap_month);
		db_bind_int_or_null(s, "$cy", it->cap_year);
		db_bind_int(s, "$veto", it->veto ? 1 : 0);
		db_bind_int(s, "$ev", it->evidence ? 1 : 0);
		if (db_step(s) != DB_DONE)
			return -1;
		db_reset(s);
	}
	return 0;
}

/* The audit JSON of a version. */
static void version_json(buf *b, int version, const struct std_adoption *ad, int nitems,
			 const char *source, const char *content_hash)
{
	buf_printf(b, "{\"version\":%d,\"effective_on\":", version);
	json_quote(b, ad->effective_on);
	buf_puts(b, ",\"adopted_on\":");
	json_quote(b, ad->adopted_on);
	buf_puts(b, ",\"meeting_type\":");
	json_quote(b, ad->meeting_type ? ad->meeting_type : "");
	buf_puts(b, ",\"meeting\":");
	json_quote(b, ad->meeting ? ad->meeting : "");
	buf_printf(b, ",\"attendance\":%lld,\"votes_for\":%lld,\"items\":%d,\"source\":",
		   (long long)ad->attendance, (long long)ad->votes_for, nitems);
	json_quote(b, source);
	buf_puts(b, ",\"content_hash\":");
	json_quote(b, content_hash);
	buf_puts(b, "}");
}

/* The audit row of new version version_id (its JSON with the content hash
** of the rows just written) on "standard:ID", then commit: the last step
** of adopting a village's standard and of the town's template.  0 or -1. */
static int audit_version_commit(db *d, const struct actor *who, int64_t village_id,
				const char *action, int64_t version_id, int version,
				const struct std_adoption *ad, int nitems, const char *source)
{
	char content[65];
	if (standard_content_hash(d, version_id, content))
		return -1;
	buf js = {0};
	version_json(&js, version, ad, nitems, source, content);
	return audit_commit_json(d, who, village_id, action, "standard", version_id, &js);
}

/* Adopt with the checks of standard_adopt; dry_run stops before writing. */
static int adopt(db *d, const struct actor *who, const struct village *v,
		 const struct std_adoption *ad_in, const struct std_item *items, int n,
		 const char *source, int64_t based_on, int dry_run, errlist *errs,
		 int64_t *version_id)
{
	int rc = -1, in_tx = 0;
	char today[11];
	struct std_adoption ad = *ad_in;
	date_today(today);
	standard_check_adoption(&ad, today, errs);
	ad.meeting_type = standard_meeting_type_parse(ad.meeting_type);
	if (n < 1 && !errs->n)
		errlist_add(errs, "标准至少要有一个积分项目");
	if (dry_run) {
		if (check_against_db(d, v->id, ad.effective_on, errs))
			goto out;
		rc = errs->n ? 1 : 0;
		goto out;
	}
	if (errs->n) {
		rc = 1;
		goto out;
	}
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	if (check_against_db(d, v->id, ad.effective_on, errs))
		goto out;
	if (errs->n) {
		rc = 1;
		goto out;
	}
	int version;
	if (insert_version(d, v->id, &ad, items, n, source, based_on, who->login, &version,
			   version_id))
		goto out;
	if (ad.consultation_id || (ad.without_consultation && *ad.without_consultation)) {
		int brc = consultation_link(d, v->id, *version_id, ad.consultation_id,
					    ad.without_consultation, errs);
		if (brc) {
			rc = brc;
			goto out;
		}
	}
	if (audit_version_commit(d, who, v->id, "standard.adopt", *version_id, version, &ad, n,
				 source))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	return rc;
}

int standard_adopt(db *d, const struct actor *who, const struct village *v,
		   const struct std_adoption *ad, const struct std_item *items, int n,
		   const char *source, int64_t based_on, errlist *errs, int64_t *version_id)
{
	return adopt(d, who, v, ad, items, n, source, based_on, 0, errs, version_id);
}

int standard_adopt_csv(db *d, const struct actor *who, const struct village *v,
		       const struct std_adoption *ad, const char *fname, const char *data,
		       size_t len, int dry_run, errlist *errs, int64_t *version_id)
{
	arena *a = arena_new();
	struct std_item *items = NULL;
	int n = 0;
	standard_parse_csv(a, fname, data, len, &items, &n, errs);
	int rc = adopt(d, who, v, ad, items, n, "csv", 0, dry_run, errs, version_id);
	arena_free(a);
	return rc;
}

/* ---- the town template ------------------------------------------------------------ */

const char *standard_builtin_template(size_t *len)
{
	for (const struct embedded_file *f = embedded_static; f->name; f++)
		if (!strcmp(f->name, "template-standard.csv")) {
			*len = f->len;
			return (const char *)f->data;
		}
	*len = 0;
	return NULL;
}

int standard_template_ensure(db *d)
{
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM standard_version WHERE village_id IS NULL");
	if (!s || db_step(s) != DB_ROW)
		return -1;
	int64_t have = db_column_int(s, 0);
	db_reset(s);
	if (have)
		return 0;
	size_t len;
	const char *csv = standard_builtin_template(&len);
	arena *a = arena_new();
	errlist errs = {0};
	struct std_item *items = NULL;
	int n = 0, rc = -1;
	if (!csv || standard_parse_csv(a, "template-standard.csv", csv, len, &items, &n, &errs)) {
		db_set_error(d, "内置推荐模板无法读取%s%s", errs.n ? ": " : "",
			     errs.n ? errs.msg[0] : "");
		goto out;
	}
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.effective_on = "2024-01-01";
	ad.meeting = "青朱府〔2024〕17号 推荐积分内容和标准";
	int version;
	int64_t id;
	rc = insert_version(d, 0, &ad, items, n, "builtin", 0, "system", &version, &id);
out:
	errlist_free(&errs);
	arena_free(a);
	return rc;
}

int standard_template_current(db *d, arena *a, struct std_version **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " VERSION_COLS " FROM standard_version"
				   " WHERE village_id IS NULL ORDER BY version DESC LIMIT 1");
	if (!s)
		return -1;
	return one_version(d, s, a, 1, out);
}

int standard_adopt_template(db *d, const struct actor *who, const struct village *v,
			    const struct std_adoption *ad, errlist *errs, int64_t *version_id)
{
	if (db_begin_write(d))
		return -1;
	if (standard_template_ensure(d) || db_commit(d)) {
		db_rollback(d);
		return -1;
	}
	arena *a = arena_new();
	struct std_version *t = NULL;
	int rc = standard_template_current(d, a, &t);
	if (rc == 1)
		errlist_add(errs, "镇里还没有推荐模板");
	if (rc == 0)
		rc = adopt(d, who, v, ad, t->items, t->nitems, "template", t->id, 0, errs,
			   version_id);
	arena_free(a);
	return rc;
}

int standard_template_publish(db *d, const struct actor *who, const char *effective_on,
			      const char *fname, const char *data, size_t len, errlist *errs,
			      int64_t *version_id)
{
	arena *a = arena_new();
	struct std_item *items = NULL;
	int n = 0, rc = -1, in_tx = 0, version;
	standard_parse_csv(a, fname, data, len, &items, &n, errs);
	if (!effective_on || !date_valid(effective_on))
		errlist_add(errs, "生效日期应为有效日期，格式 YYYY-MM-DD");
	if (errs->n) {
		rc = 1;
		goto out;
	}
	char today[11];
	date_today(today);
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.effective_on = effective_on;
	ad.adopted_on = today;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	if (standard_template_ensure(d) ||
	    insert_version(d, 0, &ad, items, n, "csv", 0, who->login, &version, version_id))
		goto out;
	if (audit_version_commit(d, who, 0, "standard.template", *version_id, version, &ad, n,
				 "csv"))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}
