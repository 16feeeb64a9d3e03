/*
** oversight.c — the town's figures of every village for a year, the
** town's oversight settings, and the rule of "needs attention"
** (oversight.h says what each figure counts).
**
** The figures of all villages come from a handful of grouped queries over
** the whole town in one snapshot, not a round of queries per village: the
** dashboard of a county with 300 villages reads the same eight statements
** as that of a town with 30 (BENCHMARKS.md).  Only the funds' coverage is
** read per village, through fund_summary(), so that the dashboard shows
** exactly the coverage the village's own funds page shows.
*/
#include "oversight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fund.h"
#include "json.h"
#include "village.h"

const char *const oversight_stage_names[OVERSIGHT_STAGES] = {"动员部署", "全面推行", "总结提升"};

/* ---- settings ------------------------------------------------------------ */

/* The plan's own dates (青朱府〔2024〕17号 五、实施步骤). */
static const char *const stage_default[OVERSIGHT_STAGES][2] = {
	{"2024-01-01", "2024-03-31"},
	{"2024-04-01", "2024-10-31"},
	{"2024-11-01", "2024-12-31"},
};
enum { ANNOUNCE_DAYS_DEFAULT = 15, APPROVE_DAYS_DEFAULT = 15, GOAL_PCT_DEFAULT = 80 };

static const char *const stage_keys[OVERSIGHT_STAGES][2] = {
	{"town.stage1_start", "town.stage1_end"},
	{"town.stage2_start", "town.stage2_end"},
	{"town.stage3_start", "town.stage3_end"},
};

int oversight_settings_load(db *d, struct oversight_settings *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < OVERSIGHT_STAGES; i++) {
		memcpy(s->stage_start[i], stage_default[i][0], 11);
		memcpy(s->stage_end[i], stage_default[i][1], 11);
	}
	s->announce_days = ANNOUNCE_DAYS_DEFAULT;
	s->approve_days = APPROVE_DAYS_DEFAULT;
	s->goal_pct = GOAL_PCT_DEFAULT;
	db_stmt *st = db_prepare(d, "SELECT name, value FROM setting WHERE name LIKE 'town.%'");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_column_text(st, 0), *v = db_column_text(st, 1);
		int64_t x;
		if (!strcmp(k, "town.announce_days") && !parse_int64(v, &x))
			s->announce_days = (int)x;
		else if (!strcmp(k, "town.approve_days") && !parse_int64(v, &x))
			s->approve_days = (int)x;
		else if (!strcmp(k, "town.goal_pct") && !parse_int64(v, &x))
			s->goal_pct = (int)x;
		for (int i = 0; i < OVERSIGHT_STAGES; i++)
			for (int j = 0; j < 2; j++)
				if (!strcmp(k, stage_keys[i][j]) && date_valid(v))
					memcpy(j ? s->stage_end[i] : s->stage_start[i], v, 11);
	}
	return rc == DB_DONE ? 0 : -1;
}

const char *oversight_setting_field(const struct oversight_settings *s, int i, char value[16],
				    const char **label)
{
	static const char *const stage_labels[OVERSIGHT_STAGES][2] = {
		{"第一阶段 动员部署 开始", "第一阶段 动员部署 结束"},
		{"第二阶段 全面推行 开始", "第二阶段 全面推行 结束"},
		{"第三阶段 总结提升 开始", "第三阶段 总结提升 结束"},
	};
	switch (i) {
	case 0:
		snprintf(value, 16, "%d", s->announce_days);
		*label = "季度结束后几天内公示算按时";
		return "town.announce_days";
	case 1:
		snprintf(value, 16, "%d", s->approve_days);
		*label = "月末后几天内集体审定算按时";
		return "town.approve_days";
	case 2:
		snprintf(value, 16, "%d", s->goal_pct);
		*label = "全覆盖目标（符合条件户的百分比）";
		return "town.goal_pct";
	default:
		break;
	}
	i -= 3;
	if (i < 0 || i >= 2 * OVERSIGHT_STAGES)
		return NULL;
	memcpy(value, i % 2 ? s->stage_end[i / 2] : s->stage_start[i / 2], 11);
	*label = stage_labels[i / 2][i % 2];
	return stage_keys[i / 2][i % 2];
}

int oversight_setting_set(db *d, const struct actor *who, const char *key, const char *value,
			  errlist *errs)
{
	struct oversight_settings s;
	if (oversight_settings_load(d, &s))
		return -1;
	int64_t x = 0;
	int known = 0;
	if (!strcmp(key, "town.announce_days") || !strcmp(key, "town.approve_days")) {
		known = 1;
		if (parse_int64(value, &x) || x < 0 || x > 365) {
			errlist_add(errs, "%s 的值无效: 应为 0–365 的天数", key);
			return 1;
		}
	} else if (!strcmp(key, "town.goal_pct")) {
		known = 1;
		if (parse_int64(value, &x) || x < 1 || x > 100) {
			errlist_add(errs, "%s 的值无效: 应为 1–100 的百分数", key);
			return 1;
		}
	}
	for (int i = 0; i < OVERSIGHT_STAGES; i++)
		for (int j = 0; j < 2; j++)
			if (!strcmp(key, stage_keys[i][j])) {
				known = 1;
				if (!date_valid(value)) {
					errlist_add(errs, "%s 的值无效: 应为 YYYY-MM-DD 日期", key);
					return 1;
				}
				memcpy(j ? s.stage_end[i] : s.stage_start[i], value, 11);
			}
	if (!known) {
		errlist_add(errs, "未知的镇设置: %s（可设: town.announce_days, town.approve_days, "
				  "town.goal_pct, town.stage1_start … town.stage3_end）",
			    key);
		return 1;
	}
	for (int i = 0; i < OVERSIGHT_STAGES; i++) {
		if (strcmp(s.stage_start[i], s.stage_end[i]) > 0) {
			errlist_add(errs, "第%d阶段（%s）的开始日期 %s 晚于结束日期 %s", i + 1,
				    oversight_stage_names[i], s.stage_start[i], s.stage_end[i]);
			return 1;
		}
		if (i && strcmp(s.stage_end[i - 1], s.stage_start[i]) >= 0) {
			errlist_add(errs, "第%d阶段（%s）应在第%d阶段结束（%s）之后开始", i + 1,
				    oversight_stage_names[i], i, s.stage_end[i - 1]);
			return 1;
		}
	}
	if (db_begin_write(d))
		return -1;
	buf after = {0};
	struct json_writer w;
	jw_begin(&w, &after);
	jw_obj(&w, NULL);
	jw_str(&w, "key", key);
	jw_str(&w, "value", value);
	jw_end_obj(&w);
	db_stmt *st = db_prepare(d, "INSERT INTO setting(name, value) VALUES($k, $v)"
				    " ON CONFLICT (name) DO UPDATE SET value = excluded.value");
	int rc = 0;
	if (!st || db_bind_text(st, "$k", key) || db_bind_text(st, "$v", value) ||
	    db_step(st) != DB_DONE ||
	    audit_record(d, who, 0, "town.setting", key, NULL, buf_cstr(&after)) || db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	buf_free(&after);
	return rc;
}

/* ---- dates ------------------------------------------------------------- */

static int month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* The day number of the last day of month m of year y. */
static int64_t month_end(int y, int m)
{
	char d[32];
	snprintf(d, sizeof d, "%04d-%02d-%02d", y, m, month_days(y, m));
	return date_day_number(d);
}

/* ---- the figures ---------------------------------------------------------- */

char *oversight_ratio_text(char out[32], int has, int64_t x100)
{
	if (!has)
		out[0] = 0;
	else
		snprintf(out, 32, "%lld.%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
	return out;
}

/* The row of village id (imap of id → index + 1), or NULL. */
static struct oversight_row *row_of(const struct imap *ix, struct oversight_row *rows, int64_t id)
{
	const struct imap_slot *sl = imap_find(ix, id);
	return sl ? &rows[sl->v - 1] : NULL;
}

/* What the fills of read_figures() read beside the row. */
struct figures {
	arena *a;
	int year;
	int64_t eff; /* the day number the year is judged at, 0: not */
	const struct oversight_settings *set;
};

static void fill_households(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	(void)f;
	r->eligible = db_column_int(s, 1);
	r->participating = db_column_int(s, 2);
}

/* the query is ascending: the last row of a village is its newest version in force */
static void fill_standard(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	r->standard_version = db_column_int(s, 1);
	r->standard_adopted = db_column_dup(s, 2, f->a);
	r->standard_effective = db_column_dup(s, 3, f->a);
	r->meeting_type = db_column_dup(s, 4, f->a);
	r->meeting = db_column_dup(s, 5, f->a);
	int64_t *votes[5] = {&r->entitled, &r->attendance, &r->votes_for, &r->votes_against,
			     &r->votes_abstain};
	for (int i = 0; i < 5; i++)
		*votes[i] = db_column_is_null(s, 6 + i) ? -1 : db_column_int(s, 6 + i);
}

static void fill_approval(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	r->months_approved++;
	const char *month = db_column_text(s, 1), *met = db_column_text(s, 2);
	int mn = month ? atoi(month + 5) : 0;
	if (mn >= 1 && mn <= 12 && (!r->first_month || mn < r->first_month))
		r->first_month = mn;
	if (!f->eff || !month || !met || !date_valid(met))
		return;
	int64_t late = date_day_number(met) - month_end(f->year, atoi(month + 5));
	if (late > r->late_days_max)
		r->late_days_max = late;
	if (late > f->set->approve_days)
		r->months_late++;
}

static void fill_sheets(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	(void)f;
	r->months_scored = db_column_int(s, 1);
}

static void fill_announcement(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	r->announcements++;
	const char *q = db_column_text(s, 1), *on = db_column_text(s, 2);
	if (!f->eff || !q || !on || !date_valid(on))
		return;
	int qn = q[6] - '0';
	if (qn >= 1 && qn <= 4 && date_day_number(on) - month_end(f->year, qn * 3) <= f->set->announce_days)
		r->announcements_on_time++;
}

static void fill_objection(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	r->objections_open++;
	const char *rec = db_column_text(s, 1);
	if (f->eff && rec && date_valid(rec)) {
		int64_t age = f->eff - date_day_number(rec);
		if (age > r->objection_oldest_days)
			r->objection_oldest_days = age;
	}
}

static void fill_redemptions(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	(void)f;
	r->redemptions = db_column_int(s, 1);
	r->points_redeemed = db_column_int(s, 2);
}

static void fill_fund(const struct figures *f, struct oversight_row *r, db_stmt *s)
{
	(void)f;
	r->fund_balance_fen = db_column_int(s, 1);
}

/* The year's range a figure query binds as $lo and $hi. */
enum figure_range { RANGE_NONE, RANGE_END, RANGE_DAYS, RANGE_MONTHS, RANGE_QUARTERS };

/* The queries of read_figures() after the villages: each row's first
** column is a village id, whose row fill() adds the rest to. */
static const struct figure_query {
	const char *sql;
	enum figure_range range; /* RANGE_END: only $hi, the year's last day */
	void (*fill)(const struct figures *f, struct oversight_row *r, db_stmt *s);
} figure_queries[] = {
	{"SELECT village_id,"
	 " SUM(CASE WHEN eligible = 1 AND left_on IS NULL THEN 1 ELSE 0 END),"
	 " SUM(CASE WHEN participating = 1 THEN 1 ELSE 0 END)"
	 " FROM household GROUP BY village_id",
	 RANGE_NONE, fill_households},
	{"SELECT village_id, version, adopted_on, effective_on, meeting_type,"
	 " meeting, entitled, attendance, votes_for, votes_against, votes_abstain"
	 " FROM standard_version WHERE village_id IS NOT NULL AND effective_on <= $hi"
	 " ORDER BY village_id, effective_on, version",
	 RANGE_END, fill_standard},
	{"SELECT village_id, month, meeting_date FROM approval"
	 " WHERE month >= $lo AND month <= $hi",
	 RANGE_MONTHS, fill_approval},
	{"SELECT village_id, COUNT(*) FROM sheet WHERE month >= $lo AND month <= $hi"
	 " GROUP BY village_id",
	 RANGE_MONTHS, fill_sheets},
	{"SELECT village_id, quarter, announced_on FROM announcement"
	 " WHERE quarter >= $lo AND quarter <= $hi",
	 RANGE_QUARTERS, fill_announcement},
	{"SELECT village_id, received_on FROM objection WHERE status = 'open'", RANGE_NONE,
	 fill_objection},
	{"SELECT village_id, COUNT(*), COALESCE(SUM(points), 0) FROM redemption"
	 " WHERE status = 'handed_out' AND date >= $lo AND date <= $hi"
	 " GROUP BY village_id",
	 RANGE_DAYS, fill_redemptions},
	{"SELECT village_id, COALESCE(SUM(income_fen - spent_fen), 0)"
	 " FROM fund_balance GROUP BY village_id",
	 RANGE_NONE, fill_fund},
};

/* Run figure query q over the year and fill the rows of the villages
** (ix: id → index + 1) it names.  0, or -1. */
static int run_figure_query(db *d, const struct figure_query *q, const struct figures *f,
			    const struct imap *ix, struct oversight_row *rows)
{
	int y = f->year % 10000;
	char lo[16] = "", hi[16] = "";
	switch (q->range) {
	case RANGE_NONE: break;
	case RANGE_END: snprintf(hi, sizeof hi, "%04d-12-31", y); break;
	case RANGE_DAYS:
		snprintf(lo, sizeof lo, "%04d-01-01", y);
		snprintf(hi, sizeof hi, "%04d-12-31", y);
		break;
	case RANGE_MONTHS:
		snprintf(lo, sizeof lo, "%04d-01", y);
		snprintf(hi, sizeof hi, "%04d-12", y);
		break;
	case RANGE_QUARTERS:
		snprintf(lo, sizeof lo, "%04d-Q1", y);
		snprintf(hi, sizeof hi, "%04d-Q4", y);
		break;
	}
	db_stmt *s = db_prepare(d, q->sql);
	if (!s || (*lo && db_bind_text(s, "$lo", lo)) || (*hi && db_bind_text(s, "$hi", hi)))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		struct oversight_row *r = row_of(ix, rows, db_column_int(s, 0));
		if (r)
			q->fill(f, r, s);
	}
	return st == DB_DONE ? 0 : -1;
}

/* group_status_all()'s callback: the village's row takes its group's
** status. */
struct group_fill {
	const struct imap *ix;
	struct oversight_row *rows;
};
static void group_fill_row(void *ctx, int64_t village_id, const struct group_status *st)
{
	struct group_fill *g = ctx;
	struct oversight_row *r = row_of(g->ix, g->rows, village_id);
	if (r)
		r->group = *st;
}

/* The figures of oversight_report(), and with eff (the day number the
** year is judged at, 0: not) the approval and announcement details. */
static int read_figures(db *d, arena *a, int year, int64_t eff, const struct oversight_settings *set,
			struct oversight_row **out, int *nout)
{
	const struct figures f = {.a = a, .year = year, .eff = eff, .set = set};
	struct imap ix = {.a = a};
	struct oversight_row *rows = NULL;
	struct group_fill gf = {&ix, NULL};
	int n = 0, cap = 0, st, rc = -1;
	if (db_begin_snapshot(d))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT id, code, name, point_value_fen FROM village ORDER BY code");
	if (!s)
		goto out;
	while ((st = db_step(s)) == DB_ROW) {
		rows = arena_grow(a, rows, &cap, n, sizeof *rows);
		struct oversight_row *r = &rows[n];
		memset(r, 0, sizeof *r);
		r->village_id = db_column_int(s, 0);
		r->code = db_column_dup(s, 1, a);
		r->name = db_column_dup(s, 2, a);
		r->entitled = r->attendance = r->votes_for = r->votes_against = r->votes_abstain = -1;
		r->attention_why = "";
		group_status_from_counts(&r->group, 0, 0, 0);
		r->point_value_fen = db_column_int(s, 3);
		imap_get(&ix, r->village_id)->v = ++n;
	}
	if (st != DB_DONE)
		goto out;
	for (size_t i = 0; i < sizeof figure_queries / sizeof figure_queries[0]; i++)
		if (run_figure_query(d, &figure_queries[i], &f, &ix, rows))
			goto out;
	gf.rows = rows; /* settled: arena_grow() moved it while villages were read */
	if (group_status_all(d, group_fill_row, &gf))
		goto out;
	rc = 0;
out:
	db_rollback(d);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++) {
		struct oversight_row *r = &rows[i];
		if (r->eligible > 0) {
			r->has_coverage = 1;
			r->coverage_x100 = (200 * r->participating + r->eligible) / (2 * r->eligible);
		}
	}
	*out = rows;
	*nout = n;
	return 0;
}

int oversight_report(db *d, arena *a, int year, struct oversight_row **rows, int *n)
{
	struct oversight_settings set;
	if (oversight_settings_load(d, &set))
		return -1;
	return read_figures(d, a, year, 0, &set, rows, n);
}

int oversight_dashboard(db *d, arena *a, int year, const char *today,
			const struct oversight_settings *set, struct oversight_row **rows, int *n)
{
	int64_t t = date_day_number(today);
	int this_year = atoi(today);
	if (read_figures(d, a, year, t, set, rows, n))
		return -1;
	for (int i = 0; i < *n; i++) {
		struct oversight_row *r = &(*rows)[i];
		/* what was due by today, from the month the village began scoring
		** this year (a village that has not begun: from January); a past
		** year is all due, a future one nothing */
		int m0 = r->first_month ? (int)r->first_month : 1;
		for (int m = m0; m <= 12; m++)
			if (year < this_year ||
			    (year == this_year && month_end(year, m) + set->approve_days < t))
				r->months_due++;
		for (int q = (m0 - 1) / 3 + 1; q <= 4; q++)
			if (year < this_year ||
			    (year == this_year && month_end(year, q * 3) + set->announce_days < t))
				r->quarters_due++;
		struct village v = {.id = r->village_id, .point_value_fen = r->point_value_fen};
		struct fund_summary fs;
		if (fund_summary(d, &v, &fs))
			return -1;
		r->has_fund_coverage = fs.has_coverage;
		r->fund_coverage_x100 = fs.coverage_x100;
		oversight_judge(r, set, a);
	}
	return 0;
}

void oversight_judge(struct oversight_row *r, const struct oversight_settings *set, arena *a)
{
	buf why = {0};
	int k = 0;
#define REASON(...)                                              \
	do {                                                     \
		if (k++)                                         \
			buf_puts(&why, "；");                    \
		buf_printf(&why, __VA_ARGS__);                   \
	} while (0)
	if (!r->standard_version || !r->standard_adopted)
		REASON("未经民主程序通过积分标准");
	if (r->eligible > 0 && r->coverage_x100 < set->goal_pct)
		REASON("覆盖率 %lld%% 低于目标 %d%%", (long long)r->coverage_x100, set->goal_pct);
	if (r->eligible == 0)
		REASON("没有符合条件的农户");
	if (r->months_due > r->months_approved)
		REASON("%lld 个月未集体审定", (long long)(r->months_due - r->months_approved));
	if (r->months_late)
		REASON("%lld 个月审定迟于月末 %d 天", (long long)r->months_late, set->approve_days);
	if (r->quarters_due > r->announcements_on_time)
		REASON("%lld 个季度未按时公示",
		       (long long)(r->quarters_due - r->announcements_on_time));
	if (r->objection_oldest_days > 30)
		REASON("异议已 %lld 天未答复", (long long)r->objection_oldest_days);
	if (r->has_fund_coverage && r->fund_coverage_x100 < 100)
		REASON("资金保障率 %lld.%02lld 低于 1", (long long)(r->fund_coverage_x100 / 100),
		       (long long)(r->fund_coverage_x100 % 100));
	/* plan 四(三): the group must include both (its months cannot be
	** submitted until it does: scoring_group.h) */
	if (!r->group.ok)
		REASON("积分管理自治小组缺少%s", r->group.missing);
#undef REASON
	r->attention = k;
	r->attention_why = arena_strdup(a, k ? buf_cstr(&why) : "");
	buf_free(&why);
	/* the furthest stage reached on the timeline (docs/oversight.md) */
	r->stage = 0;
	if (r->participating > 0)
		r->stage = 1;
	if (r->stage == 1 && r->standard_adopted && r->months_approved > 0)
		r->stage = 2;
	if (r->stage == 2 && r->eligible > 0 && r->coverage_x100 >= set->goal_pct &&
	    r->announcements > 0)
		r->stage = 3;
}

/* ---- sorting ------------------------------------------------------------ */

/* The value a numeric sort key compares. */
static int64_t sort_value(const struct oversight_row *r, const char *k)
{
	if (!strcmp(k, "coverage"))
		return r->has_coverage ? r->coverage_x100 : -1;
	if (!strcmp(k, "participating"))
		return r->participating;
	if (!strcmp(k, "months"))
		return r->months_approved;
	if (!strcmp(k, "announcements"))
		return r->announcements;
	if (!strcmp(k, "objections"))
		return r->objections_open;
	if (!strcmp(k, "redemptions"))
		return r->redemptions;
	if (!strcmp(k, "points"))
		return r->points_redeemed;
	if (!strcmp(k, "funds"))
		return r->fund_balance_fen;
	return -(int64_t)r->attention; /* most reasons first */
}

/* <0, 0, >0 as x sorts before, with, after y by key k; ties by code. */
static int row_cmp(const struct oversight_row *x, const struct oversight_row *y, const char *k,
		   int desc)
{
	int c = 0;
	if (!strcmp(k, "name"))
		c = strcmp(x->name, y->name);
	else if (strcmp(k, "code")) {
		int64_t a = sort_value(x, k), b = sort_value(y, k);
		c = a < b ? -1 : a > b;
	}
	if (desc)
		c = -c;
	return c ? c : strcmp(x->code, y->code);
}

const char *oversight_sort(struct oversight_row *rows, int n, const char *key, int desc)
{
	static const char *const keys[] = {"attention", "code", "name", "coverage",
					   "participating", "months", "announcements",
					   "objections", "redemptions", "points", "funds", NULL};
	const char *k = "attention";
	for (int i = 0; key && keys[i]; i++)
		if (!strcmp(key, keys[i]))
			k = keys[i];
	/* a bottom-up merge sort: qsort has no context argument in C11, and
	** the key must not live in a static (the server is multi-threaded) */
	if (n < 2)
		return k;
	struct oversight_row *tmp = malloc((size_t)n * sizeof *tmp), *src = rows, *dst = tmp;
	if (!tmp)
		return k;
	for (int w = 1; w < n; w *= 2) {
		for (int lo = 0; lo < n; lo += 2 * w) {
			int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				dst[o++] = row_cmp(&src[j], &src[i], k, desc) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[o++] = src[i++];
			while (j < hi)
				dst[o++] = src[j++];
		}
		struct oversight_row *t = src;
		src = dst;
		dst = t;
	}
	if (src != rows)
		memcpy(rows, src, (size_t)n * sizeof *rows);
	free(tmp);
	return k;
}

/* ---- monthly series ------------------------------------------------------ */

int oversight_points_by_category(db *d, arena *a, int64_t village_id, int year,
				 const char ***cats_out, int64_t **pts_out, int *ncat)
{
	/* corrections carry the item of the entry they correct; an entry
	** without an item (an adjustment) counts under 其他 */
	db_stmt *s = db_prepare(d, "SELECT COALESCE(i.category, '其他'), l.month, SUM(l.points)"
				   " FROM ledger_entry l LEFT JOIN standard_item i ON i.id = l.item_id"
				   " WHERE l.village_id = $v AND l.kind IN ('score', 'correction')"
				   " AND l.month >= $from AND l.month <= $to"
				   " GROUP BY COALESCE(i.category, '其他'), l.month");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_year_months(s, year))
		return -1;
	const char **cats = NULL;
	int64_t *pts = NULL, *tot = NULL;
	int n = 0, cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		const char *c = db_column_text(s, 0), *month = db_column_text(s, 1);
		int m = month && strlen(month) == 7 ? atoi(month + 5) : 0, k;
		if (m < 1 || m > 12)
			continue;
		for (k = 0; k < n && strcmp(cats[k], c); k++)
			;
		if (k == n) {
			int c1 = cap, c2 = cap;
			cats = arena_grow(a, cats, &cap, n, sizeof *cats);
			tot = arena_grow(a, tot, &c1, n, sizeof *tot);
			pts = arena_grow(a, pts, &c2, n, 12 * sizeof *pts);
			cats[n] = arena_strdup(a, c);
			tot[n] = 0;
			memset(&pts[n * 12], 0, 12 * sizeof *pts);
			n++;
		}
		int64_t p = db_column_int(s, 2);
		pts[k * 12 + m - 1] += p;
		tot[k] += p;
	}
	if (st != DB_DONE)
		return -1;
	/* the biggest category first (insertion sort: a standard has a few) */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && tot[j] > tot[j - 1]; j--) {
			const char *tc = cats[j];
			cats[j] = cats[j - 1];
			cats[j - 1] = tc;
			int64_t tt = tot[j];
			tot[j] = tot[j - 1];
			tot[j - 1] = tt;
			for (int m = 0; m < 12; m++) {
				int64_t tp = pts[j * 12 + m];
				pts[j * 12 + m] = pts[(j - 1) * 12 + m];
				pts[(j - 1) * 12 + m] = tp;
			}
		}
	*cats_out = cats;
	*pts_out = pts;
	*ncat = n;
	return 0;
}

int oversight_redemptions_by_month(db *d, int64_t village_id, int year, int64_t count[12],
				   int64_t points[12])
{
	char d0[16], d1[16];
	snprintf(d0, sizeof d0, "%04d-01-01", year % 10000);
	snprintf(d1, sizeof d1, "%04d-12-31", year % 10000);
	memset(count, 0, 12 * sizeof *count);
	memset(points, 0, 12 * sizeof *points);
	db_stmt *s;
	if (village_id) {
		s = db_prepare(d, "SELECT date, points FROM redemption WHERE village_id = $v"
				  " AND status = 'handed_out' AND date >= $d0 AND date <= $d1");
		if (!s || db_bind_int(s, "$v", village_id))
			return -1;
	} else
		s = db_prepare(d, "SELECT date, points FROM redemption"
				  " WHERE status = 'handed_out' AND date >= $d0 AND date <= $d1");
	if (!s || db_bind_text(s, "$d0", d0) || db_bind_text(s, "$d1", d1))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		const char *dt = db_column_text(s, 0);
		int m = dt && strlen(dt) == 10 ? atoi(dt + 5) : 0;
		if (m < 1 || m > 12)
			continue;
		count[m - 1]++;
		points[m - 1] += db_column_int(s, 1);
	}
	return st == DB_DONE ? 0 : -1;
}
