/*
** sheet.c — monthly sheets and their entries (see sheet.h): the checks an
** entry must pass (eligibility, the standard in force on its date, the
** month, quantity, evidence, caps), adding and removing entries, the
** entries CSV import, submit / return / approve (posting to the ledger in
** the same transaction), evidence photos and households' declarations.
*/
#include "sheet.h"
#include "sheet_int.h"
#include "sheet_review.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "ledger.h"
#include "standard.h"

static const char *const status_names[] = {"draft", "submitted", "returned", "approved"};
static const char *const status_labels[] = {"草稿", "已提交", "已退回", "已审定"};

const char *sheet_status_name(int status)
{
	return status >= 0 && status <= SHEET_APPROVED ? status_names[status] : "";
}

const char *sheet_status_label(int status)
{
	return status >= 0 && status <= SHEET_APPROVED ? status_labels[status] : "";
}

int sheet_status_from_name(const char *name)
{
	for (int i = 0; name && i <= SHEET_APPROVED; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

int sheet_is_open(const struct sheet *s)
{
	return s->status == SHEET_DRAFT || s->status == SHEET_RETURNED;
}

/* ---- sheets ------------------------------------------------------------------ */

#define SHEET_COLS "id, village_id, month, status, submitted_by, COALESCE(submitted_at, 0)," \
		   " returned_by, COALESCE(returned_at, 0), return_reason," \
		   " COALESCE(approval_id, 0), created_at, updated_at"

static void sheet_from_row(db_stmt *s, arena *a, void *row)
{
	struct sheet *sh = row;
	sh->id = db_column_int(s, 0);
	sh->village_id = db_column_int(s, 1);
	sh->month = arena_strdup(a, db_column_text(s, 2));
	sh->status = sheet_status_from_name(db_column_text(s, 3));
	sh->submitted_by = db_column_dup(s, 4, a);
	sh->submitted_at = db_column_int(s, 5);
	sh->returned_by = db_column_dup(s, 6, a);
	sh->returned_at = db_column_int(s, 7);
	sh->return_reason = db_column_dup(s, 8, a);
	sh->approval_id = db_column_int(s, 9);
	sh->created_at = db_column_int(s, 10);
	sh->updated_at = db_column_int(s, 11);
}

/* The counts of a sheet.  Returns 0 or -1. */
static int sheet_counts(db *d, struct sheet *sh)
{
	db_stmt *s = db_prepare(d,
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN points > 0 THEN points ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN points < 0 THEN points ELSE 0 END), 0),"
		" COUNT(DISTINCT household_id) FROM entry WHERE sheet_id = $s");
	if (!s || db_bind_int(s, "$s", sh->id) || db_step(s) != DB_ROW)
		return -1;
	sh->entry_count = db_column_int(s, 0);
	sh->points_plus = db_column_int(s, 1);
	sh->points_minus = db_column_int(s, 2);
	sh->households = db_column_int(s, 3);
	db_reset(s);
	return 0;
}

/* Run s (bound, one sheet row at most): 0 found with counts, 1 none, -1. */
static int one_sheet(db *d, db_stmt *s, arena *a, struct sheet **out)
{
	struct sheet *sh;
	int st = db_read_one(s, a, sizeof *sh, sheet_from_row, &sh);
	if (st)
		return st;
	if (sheet_counts(d, sh))
		return -1;
	*out = sh;
	return 0;
}

int sheet_get(db *d, arena *a, int64_t village_id, const char *month, struct sheet **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " SHEET_COLS " FROM sheet"
				   " WHERE village_id = $v AND month = $m");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$m", month))
		return -1;
	return one_sheet(d, s, a, out);
}

int sheet_get_by_id(db *d, arena *a, int64_t village_id, int64_t sheet_id, struct sheet **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " SHEET_COLS " FROM sheet"
				   " WHERE village_id = $v AND id = $id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$id", sheet_id))
		return -1;
	return one_sheet(d, s, a, out);
}

/* This month as YYYY-MM. */
static void this_month(char out[8])
{
	char today[11];
	date_today(today);
	snprintf(out, 8, "%.7s", today);
}

int sheet_get_or_create(db *d, arena *a, int64_t village_id, const char *month,
			struct sheet **out, errlist *errs)
{
	char now_month[8];
	this_month(now_month);
	if (!month_valid(month)) {
		errlist_add(errs, "月份应为 YYYY-MM");
		return 1;
	}
	if (strcmp(month, now_month) > 0) {
		errlist_add(errs, "月份 %s 还没到（本月是 %s）", month, now_month);
		return 1;
	}
	db_stmt *s = db_prepare(d, "INSERT INTO sheet(village_id, month, status, created_at, updated_at)"
				   " VALUES($v, $m, 'draft', $now, $now)"
				   " ON CONFLICT (village_id, month) DO NOTHING");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$m", month) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_DONE)
		return -1;
	int rc = sheet_get(d, a, village_id, month, out);
	return rc ? -1 : 0;
}

int sheet_list(db *d, arena *a, int64_t village_id, struct sheet **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " SHEET_COLS " FROM sheet WHERE village_id = $v"
				   " ORDER BY month DESC");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	struct sheet *list;
	if (db_read_rows(s, a, sizeof *list, sheet_from_row, &list, n))
		return -1;
	for (int i = 0; i < *n; i++)
		if (sheet_counts(d, &list[i]))
			return -1;
	*rows = list;
	return 0;
}

/* Lock an open sheet for writing: bumps updated_at when the sheet is still
** draft/returned.  On PostgreSQL the UPDATE holds the row lock until the
** transaction ends, so an approval and an added entry cannot interleave.
** Returns 0 locked, 1 not open, -1. */
static int sheet_lock_open(db *d, int64_t sheet_id)
{
	db_stmt *s = db_prepare(d, "UPDATE sheet SET updated_at = $now"
				   " WHERE id = $id AND status IN ('draft', 'returned')");
	if (!s || db_bind_int(s, "$now", now_unix()) || db_bind_int(s, "$id", sheet_id) ||
	    db_step(s) != DB_DONE)
		return -1;
	return db_changes(d) == 1 ? 0 : 1;
}

/* The message for a sheet that takes no entries; a conflict of its state
** (errlist.refusal), which the API answers 409. */
static void closed_message(errlist *errs, const struct sheet *sh)
{
	errlist_refuse(errs, REFUSED_CONFLICT, sh->status);
	if (sh->status == SHEET_APPROVED)
		errlist_add(errs, "%s 的积分表已审定，不能再改动；发现错误请做更正", sh->month);
	else
		errlist_add(errs, "%s 的积分表已提交待审定，不能再改动；需要修改请村两委先退回",
			    sh->month);
}

/* ---- entries: reading ------------------------------------------------------- */

void sheet_entry_from_row(db_stmt *s, arena *a, void *row)
{
	struct entry *e = row;
	e->id = db_column_int(s, 0);
	e->sheet_id = db_column_int(s, 1);
	e->village_id = db_column_int(s, 2);
	e->household_id = db_column_int(s, 3);
	e->item_id = db_column_int(s, 4);
	e->version_id = db_column_int(s, 5);
	e->household_code = arena_strdup(a, db_column_text(s, 6));
	e->household_name = arena_strdup(a, db_column_text(s, 7));
	e->item_code = arena_strdup(a, db_column_text(s, 8));
	e->item_name = arena_strdup(a, db_column_text(s, 9));
	e->category = arena_strdup(a, db_column_text(s, 10));
	e->item_points = db_column_int(s, 11);
	e->veto = (int)db_column_int(s, 12);
	e->evidence = (int)db_column_int(s, 13);
	e->date = arena_strdup(a, db_column_text(s, 14));
	e->quantity = db_column_int(s, 15);
	e->points = db_column_int(s, 16);
	e->note = arena_strdup(a, db_column_text(s, 17));
	e->photo = db_column_dup(s, 18, a);
	e->declaration_id = db_column_int(s, 19);
	e->recorded_by = arena_strdup(a, db_column_text(s, 20));
	e->created_at = db_column_int(s, 21);
}

int sheet_entries(db *d, arena *a, int64_t village_id, int64_t sheet_id, int64_t household_id,
		  struct entry **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, ENTRY_SEL " WHERE e.sheet_id = $s AND e.village_id = $v"
				   " AND ($h = 0 OR e.household_id = $h)"
				   " ORDER BY length(h.code), h.code, e.date, e.id");
	if (!s || db_bind_int(s, "$s", sheet_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$h", household_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, sheet_entry_from_row, rows, n);
}

int sheet_entries_read_page(db_stmt *s, arena *a, int limit, struct entry **rows, int *n,
			    int64_t *next)
{
	int more;
	if (db_read_page(s, a, sizeof **rows, sheet_entry_from_row, limit, rows, n, &more))
		return -1;
	if (more)
		*next = (*rows)[*n - 1].id;
	return 0;
}

int sheet_entries_page(db *d, arena *a, int64_t village_id, int64_t sheet_id, int64_t after,
		       int limit, struct entry **rows, int *n, int64_t *next)
{
	*rows = NULL;
	*n = 0;
	*next = 0;
	/* keyset paging in the order of sheet_entries(): the rows after the
	** cursor entry's (household code, date, id) */
	db_stmt *s = db_prepare(d, ENTRY_SEL " WHERE e.sheet_id = $s AND e.village_id = $v"
				   ENTRY_PAGE_AFTER);
	if (!s || db_bind_int(s, "$s", sheet_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$after", after) || db_bind_int(s, "$lim", (int64_t)limit + 1))
		return -1;
	return sheet_entries_read_page(s, a, limit, rows, n, next);
}

/* The household totals without their split: points is plus + minus (the
** same sum of the entries' points). */
int sheet_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		 struct sheet_total **rows, int *n)
{
	struct sheet_household_total *hh;
	*rows = NULL;
	if (sheet_household_totals(d, a, village_id, sheet_id, &hh, n))
		return -1;
	if (*n)
		*rows = arena_alloc(a, (size_t)*n * sizeof **rows);
	for (int i = 0; i < *n; i++)
		(*rows)[i] = (struct sheet_total){hh[i].household_id, hh[i].household_code,
						  hh[i].household_name, hh[i].entries,
						  hh[i].plus + hh[i].minus};
	return 0;
}

/* ---- entries: the checks ------------------------------------------------------ */

static int ctx_init(struct entry_ctx *c, db *d, arena *a, const struct village *v,
		    const char *month)
{
	memset(c, 0, sizeof *c);
	c->d = d;
	c->a = a;
	c->v = v;
	c->month = month;
	date_today(c->today);
	c->households.a = c->tally.a = c->loaded.a = a;
	return standard_book_load(d, a, v->id, &c->book);
}

#define HH_SEL "SELECT id, code, head_name, participating, eligible, joined, left_on FROM household"

static void hh_from_row(db_stmt *s, arena *a, void *row)
{
	struct hh_info *h = row;
	h->id = db_column_int(s, 0);
	h->code = arena_strdup(a, db_column_text(s, 1));
	h->name = arena_strdup(a, db_column_text(s, 2));
	h->participating = (int)db_column_int(s, 3);
	h->eligible = (int)db_column_int(s, 4);
	h->joined = db_column_dup(s, 5, a);
	h->left_on = db_column_dup(s, 6, a);
}

/* Load every household of the village into c->households.  0 or -1. */
static int ctx_load_households(struct entry_ctx *c)
{
	db_stmt *s = db_prepare(c->d, HH_SEL " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", c->v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		struct hh_info *h = arena_alloc(c->a, sizeof *h);
		hh_from_row(s, c->a, h);
		smap_get(&c->households, h->code)->p = h;
	}
	return st == DB_DONE ? 0 : -1;
}

/* One household of the village by id or code: 0 (*out), 1 none, -1. */
int hh_lookup(struct entry_ctx *c, int64_t id, const char *code, struct hh_info **out)
{
	*out = NULL;
	if (!id && c->households.cap) {
		struct smap_slot *x = smap_find(&c->households, code ? code : "");
		*out = x ? x->p : NULL;
		return *out ? 0 : 1;
	}
	db_stmt *s;
	if (id) {
		s = db_prepare(c->d, HH_SEL " WHERE village_id = $v AND id = $id");
		if (!s || db_bind_int(s, "$id", id))
			return -1;
	} else {
		s = db_prepare(c->d, HH_SEL " WHERE village_id = $v AND code = $code");
		if (!s || db_bind_text(s, "$code", code ? code : ""))
			return -1;
	}
	if (db_bind_int(s, "$v", c->v->id))
		return -1;
	return db_read_one(s, c->a, sizeof **out, hh_from_row, out);
}

/* Make sure the tallies of household hid in year are loaded: the points per
** item code and month (and year) of its ledger entries and of the draft
** entries of the village's sheets not yet approved.  0 or -1. */
static int tally_load(struct entry_ctx *c, int64_t hid, int year)
{
	char key[64], from[11], to[11];
	snprintf(key, sizeof key, "%lld|%d", (long long)hid, year);
	struct smap_slot *l = smap_get(&c->loaded, key);
	if (l->v)
		return 0;
	l->v = 1;
	/* Lock the household's row before reading its tallies: on PostgreSQL
	** two sessions recording for one household on different sheets would
	** otherwise both read the old tally and together pass a yearly cap.
	** (SQLite's write transaction already serialises them.) */
	db_stmt *lk = db_prepare(c->d, "UPDATE household SET updated_at = updated_at WHERE id = $h");
	if (!lk || db_bind_int(lk, "$h", hid) || db_step(lk) != DB_DONE)
		return -1;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	db_stmt *s = db_prepare(c->d,
		"SELECT e.item_code, e.date, e.points FROM entry e JOIN sheet s ON s.id = e.sheet_id"
		" WHERE e.household_id = $h AND e.date >= $from AND e.date <= $to"
		" AND s.status <> 'approved'");
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			s = db_prepare(c->d, "SELECT item_code, date, points FROM ledger_entry"
					     " WHERE household_id = $h AND date >= $from AND date <= $to"
					     " AND item_code <> ''");
		if (!s || db_bind_int(s, "$h", hid) || db_bind_text(s, "$from", from) ||
		    db_bind_text(s, "$to", to))
			return -1;
		int st;
		while ((st = db_step(s)) == DB_ROW) {
			const char *code = db_column_text(s, 0), *date = db_column_text(s, 1);
			int64_t p = db_column_int(s, 2);
			char k[96];
			snprintf(k, sizeof k, "%lld|%s|%.7s", (long long)hid, code, date);
			smap_get(&c->tally, k)->v += p;
			snprintf(k, sizeof k, "%lld|%s|%.4s", (long long)hid, code, date);
			smap_get(&c->tally, k)->v += p;
		}
		if (st != DB_DONE)
			return -1;
	}
	return 0;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* The cap check of one entry, counting what is tallied; on success the
** entry's points are added to the tallies (the next row of an import sees
** them).  Entries of items without a cap are tallied too: a version that
** starts mid-month may give the same item code a cap.  Returns 0 ok, 1
** passed a cap (message in *msg), -1. */
static int cap_check(struct entry_ctx *c, const struct checked_entry *ce, const char **msg)
{
	const struct std_item *it = ce->it;
	if (tally_load(c, ce->h->id, atoi(ce->date)))
		return -1;
	char km[96], ky[96];
	snprintf(km, sizeof km, "%lld|%s|%.7s", (long long)ce->h->id, it->code, ce->date);
	snprintf(ky, sizeof ky, "%lld|%s|%.4s", (long long)ce->h->id, it->code, ce->date);
	struct smap_slot *m = smap_get(&c->tally, km), *y = smap_get(&c->tally, ky);
	if (it->cap_month && abs64(m->v + ce->points) > it->cap_month) {
		*msg = arena_printf(c->a, "「%s %s」每月上限 %lld 分，本月已记 %lld 分，本条 %lld 分",
				    it->code, it->name, (long long)it->cap_month,
				    (long long)abs64(m->v), (long long)abs64(ce->points));
		return 1;
	}
	if (it->cap_year && abs64(y->v + ce->points) > it->cap_year) {
		*msg = arena_printf(c->a, "「%s %s」每年上限 %lld 分，本年已记 %lld 分，本条 %lld 分",
				    it->code, it->name, (long long)it->cap_year,
				    (long long)abs64(y->v), (long long)abs64(ce->points));
		return 1;
	}
	m->v += ce->points;
	y->v += ce->points;
	return 0;
}

/* Whether evidence hash belongs to the village: 0 yes, 1 no, -1. */
int photo_known(db *d, int64_t village_id, const char *hash)
{
	db_stmt *s = db_prepare(d, "SELECT 1 FROM evidence WHERE village_id = $v AND hash = $h");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$h", hash))
		return -1;
	int st = db_step(s);
	db_reset(s);
	return st == DB_ROW ? 0 : st == DB_DONE ? 1 : -1;
}

/* check_entry(): every rule of sheet.h for one entry of c's month, the
** messages by CSV field in msgs (NULL when fine; photo problems under
** EF_NOTE).  The cap check runs last, only when the rest passed, and
** tallies the entry.  Returns the number of bad fields, or -1. */
static int check_entry(struct entry_ctx *c, const struct entry_input *in,
		       struct checked_entry *out, const char *msgs[EF_COUNT])
{
	arena *a = c->a;
	int bad = 0;
	memset(out, 0, sizeof *out);
	for (int f = 0; f < EF_COUNT; f++)
		msgs[f] = NULL;

	/* household */
	struct hh_info *h = NULL;
	const char *hcode = in->household_code ? in->household_code : "";
	if (!in->household_id && !*hcode) {
		msgs[EF_HOUSEHOLD] = "户编号不能为空";
		bad++;
	} else {
		int got = hh_lookup(c, in->household_id, hcode, &h);
		if (got < 0)
			return -1;
		if (got) {
			msgs[EF_HOUSEHOLD] = in->household_id ? "本村没有这一户"
				: arena_printf(a, "户编号“%s”不是本村的农户", hcode);
			bad++;
			h = NULL;
		} else if (h->left_on) {
			msgs[EF_HOUSEHOLD] = arena_printf(a, "户“%s %s”已于 %s 退出积分制", h->code,
							  h->name, h->left_on);
			bad++;
		} else if (!h->participating) {
			msgs[EF_HOUSEHOLD] = arena_printf(a, "户“%s %s”%s，不能记分", h->code, h->name,
							  h->eligible ? "尚未参与积分制"
								      : "不符合参与条件");
			bad++;
		}
	}

	/* date */
	const char *date = in->date ? in->date : "";
	int date_ok = 0;
	if (!*date)
		msgs[EF_DATE] = "日期不能为空";
	else if (!date_valid(date))
		msgs[EF_DATE] = arena_printf(a, "“%s”不是有效日期，格式应为 YYYY-MM-DD", date);
	else if (strncmp(date, c->month, 7) && !(in->late_deed && strncmp(date, c->month, 7) < 0))
		msgs[EF_DATE] = arena_printf(a, "日期 %s 不在 %s 月内", date, c->month);
	else if (strcmp(date, c->today) > 0)
		msgs[EF_DATE] = arena_printf(a, "日期 %s 晚于今天（%s）", date, c->today);
	else if (h && !msgs[EF_HOUSEHOLD] && h->joined && strcmp(date, h->joined) < 0)
		msgs[EF_DATE] = arena_printf(a, "户“%s”%s 才参与积分制，%s 的事不能记分", h->code,
					     h->joined, date);
	else
		date_ok = 1;
	if (!date_ok)
		bad++;

	/* item, under the version in force on the date */
	const struct std_item *it = NULL, *evidence_item = NULL;
	const struct std_version *ver = NULL;
	const char *icode = in->item_code ? in->item_code : "";
	if (!*icode) {
		msgs[EF_ITEM] = "项目编号不能为空";
		bad++;
	} else if (date_ok) {
		ver = standard_book_in_force(&c->book, date);
		if (!ver) {
			msgs[EF_ITEM] = c->book.n
				? arena_printf(a, "%s 还没有生效的积分标准（最早的版本 %s 起生效）",
					       date, c->book.v[0]->effective_on)
				: arena_printf(a, "本村还没有通过积分标准");
			bad++;
		} else if (!(it = standard_item_by_code(ver, icode))) {
			msgs[EF_ITEM] = arena_printf(a, "项目编号“%s”不在 %s 生效的积分标准（第 %d 版）中",
						     icode, date, ver->version);
			bad++;
		}
	} else {
		/* the date is wrong, so no version is known; still name an item
		** no version has, and check evidence against the newest version
		** that has it: a row's every error in one reading */
		const struct std_item *any = NULL;
		for (int k = c->book.n - 1; k >= 0 && !any; k--)
			any = standard_item_by_code(c->book.v[k], icode);
		if (!any && c->book.n) {
			msgs[EF_ITEM] = arena_printf(a, "项目编号“%s”不在本村的积分标准中", icode);
			bad++;
		}
		evidence_item = any;
	}

	/* quantity */
	int64_t qty = in->quantity ? in->quantity : 1;
	if (qty < 1 || qty > 1000) {
		msgs[EF_QUANTITY] = "次数应为 1–1000 的整数";
		bad++;
	}

	/* note and evidence */
	const char *note = in->note ? in->note : "";
	const char *photo = in->photo && *in->photo ? in->photo : NULL;
	if (*note && (!text_is_clean(note, 1) || utf8_len(note) > 500)) {
		msgs[EF_NOTE] = "说明最长 500 个字，不能含控制字符";
		bad++;
	} else if (photo) {
		int got = strlen(photo) == 64 ? photo_known(c->d, c->v->id, photo) : 1;
		if (got < 0)
			return -1;
		if (got) {
			msgs[EF_NOTE] = "佐证照片不存在，请重新上传";
			bad++;
		}
	}
	if (it)
		evidence_item = it;
	if (!msgs[EF_NOTE] && !photo && evidence_item && evidence_item->evidence && !*note) {
		msgs[EF_NOTE] = arena_printf(a, "「%s %s」需要佐证: 请附照片或填写说明",
					     evidence_item->code, evidence_item->name);
		bad++;
	}
	if (bad)
		return bad;

	out->h = h;
	out->ver = ver;
	out->it = it;
	out->date = date;
	out->quantity = qty;
	out->points = it->points * qty;
	out->note = note;
	out->photo = photo;
	out->declaration_id = in->declaration_id;
	const char *capmsg = NULL;
	int cr = cap_check(c, out, &capmsg);
	if (cr < 0)
		return -1;
	if (cr) {
		msgs[EF_ITEM] = capmsg;
		return 1;
	}
	return 0;
}

/* Insert a checked entry on sheet_id.  Returns 0 (*id) or -1. */
static int insert_entry(db *d, int64_t village_id, int64_t sheet_id, const char *login,
			const struct checked_entry *ce, int64_t now, int64_t *id)
{
	db_stmt *s = db_prepare(d,
		"INSERT INTO entry(sheet_id, village_id, household_id, item_id, item_code, version_id,"
		" date, quantity, points, note, photo, declaration_id, recorded_by, created_at)"
		" VALUES($s, $v, $h, $item, $code, $ver, $date, $qty, $points, $note, $photo, $decl,"
		" $by, $now) RETURNING id");
	if (!s)
		return -1;
	db_bind_int(s, "$s", sheet_id);
	db_bind_int(s, "$v", village_id);
	db_bind_int(s, "$h", ce->h->id);
	db_bind_int(s, "$item", ce->it->id);
	db_bind_text(s, "$code", ce->it->code);
	db_bind_int(s, "$ver", ce->ver->id);
	db_bind_text(s, "$date", ce->date);
	db_bind_int(s, "$qty", ce->quantity);
	db_bind_int(s, "$points", ce->points);
	db_bind_text(s, "$note", ce->note);
	db_bind_text(s, "$photo", ce->photo);
	db_bind_int_or_null(s, "$decl", ce->declaration_id);
	db_bind_text(s, "$by", login);
	db_bind_int(s, "$now", now);
	if (db_step(s) != DB_ROW)
		return -1;
	if (id)
		*id = db_column_int(s, 0);
	db_reset(s);
	return 0;
}

/* Field labels for entry_add's messages. */
static const char *const entry_labels[EF_COUNT] = {"户编号", "项目编号", "次数", "日期", "说明"};

/* Add check_entry's messages to errs, each after its field's label. */
static void entry_errors(errlist *errs, const char *const msgs[EF_COUNT])
{
	for (int f = 0; f < EF_COUNT; f++)
		if (msgs[f])
			errlist_add(errs, "%s: %s", entry_labels[f], msgs[f]);
}

int entry_check_missed(db *d, arena *a, const struct village *v, const struct entry_input *in,
		       errlist *errs, struct checked_entry *ce)
{
	if (!in->date || !date_valid(in->date)) {
		errlist_add(errs, "日期: “%s”不是有效日期，格式应为 YYYY-MM-DD",
			    in->date ? in->date : "");
		return 1;
	}
	struct entry_ctx c;
	if (ctx_init(&c, d, a, v, arena_strndup(a, in->date, 7)))
		return -1;
	const char *msgs[EF_COUNT];
	int bad = check_entry(&c, in, ce, msgs);
	if (bad > 0)
		entry_errors(errs, msgs);
	return bad < 0 ? -1 : bad ? 1 : 0;
}

/* The sheet of month in village_id (made when there is none) into *out,
** locked open for adding entries, inside the caller's write transaction:
** 0; 1 with the reason in errs (closed_message() when it is submitted or
** approved); -1. */
static int sheet_open_for_entries(db *d, arena *a, int64_t village_id, const char *month,
				  struct sheet **out, errlist *errs)
{
	int rc = sheet_get_or_create(d, a, village_id, month, out, errs);
	if (rc)
		return rc;
	rc = sheet_lock_open(d, (*out)->id);
	if (rc > 0)
		closed_message(errs, *out);
	return rc;
}

/* entry_add inside the caller's write transaction.  Returns 0, 1, -1. */
int entry_add_tx(db *d, arena *a, const struct actor *who, const struct village *v,
			const char *month, const struct entry_input *in, errlist *errs,
			int64_t *entry_id, struct checked_entry *ce)
{
	struct sheet *sh;
	int rc = sheet_open_for_entries(d, a, v->id, month, &sh, errs);
	if (rc)
		return rc;
	struct entry_ctx c;
	if (ctx_init(&c, d, a, v, month))
		return -1;
	const char *msgs[EF_COUNT];
	int bad = check_entry(&c, in, ce, msgs);
	if (bad < 0)
		return -1;
	if (bad) {
		entry_errors(errs, msgs);
		return 1;
	}
	if (insert_entry(d, v->id, sh->id, who->login, ce, now_unix(), entry_id))
		return -1;
	buf js = {0};
	buf_printf(&js, "{\"sheet\":%lld,\"household\":", (long long)sh->id);
	json_quote(&js, ce->h->code);
	buf_puts(&js, ",\"item\":");
	json_quote(&js, ce->it->code);
	buf_printf(&js, ",\"date\":\"%s\",\"quantity\":%lld,\"points\":%lld}", ce->date,
		   (long long)ce->quantity, (long long)ce->points);
	char obj[48];
	snprintf(obj, sizeof obj, "entry:%lld", (long long)*entry_id);
	rc = audit_record(d, who, v->id, "entry.add", obj, NULL, buf_cstr(&js));
	buf_free(&js);
	return rc;
}

int entry_add(db *d, const struct actor *who, const struct village *v, const char *month,
	      const struct entry_input *in, errlist *errs, int64_t *entry_id)
{
	arena *a = arena_new();
	int64_t id = 0;
	struct checked_entry ce;
	int rc = -1;
	if (db_begin_write(d))
		goto out;
	rc = entry_add_tx(d, a, who, v, month, in, errs, &id, &ce);
	if (rc == 0 && db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	else if (entry_id)
		*entry_id = id;
out:
	arena_free(a);
	return rc;
}

int entry_remove(db *d, const struct actor *who, const struct village *v, int64_t entry_id,
		 errlist *errs)
{
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	db_stmt *s = db_prepare(d, ENTRY_SEL " WHERE e.id = $id AND e.village_id = $v");
	if (!s || db_bind_int(s, "$id", entry_id) || db_bind_int(s, "$v", v->id))
		goto out;
	int st = db_step(s);
	if (st == DB_DONE) {
		errlist_add(errs, "本村没有这条积分记录");
		rc = SHEET_NOT_FOUND;
		goto out;
	}
	if (st != DB_ROW)
		goto out;
	struct entry e;
	sheet_entry_from_row(s, a, &e);
	db_reset(s);
	int locked = sheet_lock_open(d, e.sheet_id);
	if (locked) {
		if (locked > 0) {
			struct sheet *sh;
			if (sheet_get_by_id(d, a, v->id, e.sheet_id, &sh))
				goto out;
			closed_message(errs, sh);
			rc = 1;
		}
		goto out;
	}
	s = db_prepare(d, "DELETE FROM entry WHERE id = $id");
	if (!s || db_bind_int(s, "$id", entry_id) || db_step(s) != DB_DONE)
		goto out;
	if (e.declaration_id) {
		s = db_prepare(d, "UPDATE declaration SET status = 'pending', entry_id = NULL,"
				  " decided_by = NULL, decided_at = NULL WHERE id = $id");
		if (!s || db_bind_int(s, "$id", e.declaration_id) || db_step(s) != DB_DONE)
			goto out;
	}
	buf js = {0};
	buf_printf(&js, "{\"sheet\":%lld,\"household\":", (long long)e.sheet_id);
	json_quote(&js, e.household_code);
	buf_puts(&js, ",\"item\":");
	json_quote(&js, e.item_code);
	buf_printf(&js, ",\"date\":\"%s\",\"points\":%lld}", e.date, (long long)e.points);
	int ar = audit_commit_change(d, who, v->id, "entry.remove", "entry", entry_id,
				     buf_cstr(&js), NULL);
	buf_free(&js);
	if (ar)
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

/* ---- the entries CSV import ------------------------------------------------------ */

const struct csv_col entry_csv_spec[EF_COUNT] = {
	[EF_HOUSEHOLD] = {"household", "户编号", 1},
	[EF_ITEM] = {"item", "项目编号", 1},
	[EF_QUANTITY] = {"quantity", "次数", 0},
	[EF_DATE] = {"date", "日期", 1},
	[EF_NOTE] = {"note", "说明", 0},
};

struct import_ctx {
	struct entry_ctx *c;
	const char *fname;
	errlist *errs;
	struct checked_entry *rows;
	int n, cap;
	struct smap households_seen;
	int64_t points;
	int failed; /* a database error */
};

/* Check one CSV row; errors as FILE:ROW: COLUMN: message. */
static int import_row(void *ctx, const struct csv_row *r)
{
	struct import_ctx *ic = ctx;
	struct entry_ctx *c = ic->c;
	struct entry_input in = {
		.household_code = r->vals[EF_HOUSEHOLD],
		.item_code = r->vals[EF_ITEM],
		.date = r->vals[EF_DATE],
		.note = r->vals[EF_NOTE],
	};
	const char *qmsg = NULL;
	const char *q = r->vals[EF_QUANTITY];
	if (q && *q && (parse_int64(q, &in.quantity) || in.quantity < 1 || in.quantity > 1000)) {
		qmsg = arena_printf(c->a, "次数应为 1–1000 的整数，不是“%s”", q);
		in.quantity = 1;
	}
	struct checked_entry ce;
	const char *msgs[EF_COUNT];
	int bad = check_entry(c, &in, &ce, msgs);
	if (bad < 0) {
		ic->failed = 1;
		return 1;
	}
	if (qmsg)
		msgs[EF_QUANTITY] = qmsg;
	if (bad || qmsg) {
		for (int f = 0; f < EF_COUNT; f++)
			if (msgs[f])
				errlist_add(ic->errs, "%s:%d: %s: %s", ic->fname, r->row, r->colname[f],
					    msgs[f]);
		return 0;
	}
	ic->rows = arena_grow(c->a, ic->rows, &ic->cap, ic->n, sizeof *ic->rows);
	ce.note = arena_strdup(c->a, ce.note);
	ce.date = arena_strdup(c->a, ce.date);
	ic->rows[ic->n++] = ce;
	ic->points += ce.points;
	smap_get(&ic->households_seen, ce.h->code);
	return 0;
}

/* Insert n checked entries on sheet_id through the bulk loader (COPY on
** PostgreSQL: an import of thousands of rows in one round trip's worth).
** Inside the caller's transaction.  Returns 0 or -1. */
static int copy_entries(db *d, int64_t village_id, int64_t sheet_id, const char *login,
			const struct checked_entry *rows, int n, int64_t now)
{
	static const char *const cols[] = {"sheet_id", "village_id", "household_id", "item_id",
					   "item_code", "version_id", "date", "quantity", "points",
					   "note", "recorded_by", "created_at"};
	enum { NCOLS = sizeof cols / sizeof *cols };
	db_copy *c = db_copy_begin(d, "entry", cols, NCOLS);
	if (!c)
		return -1;
	char sheet[24], village[24], at[24];
	snprintf(sheet, sizeof sheet, "%lld", (long long)sheet_id);
	snprintf(village, sizeof village, "%lld", (long long)village_id);
	snprintf(at, sizeof at, "%lld", (long long)now);
	for (int i = 0; i < n; i++) {
		const struct checked_entry *ce = &rows[i];
		char h[24], item[24], ver[24], qty[24], pts[24];
		snprintf(h, sizeof h, "%lld", (long long)ce->h->id);
		snprintf(item, sizeof item, "%lld", (long long)ce->it->id);
		snprintf(ver, sizeof ver, "%lld", (long long)ce->ver->id);
		snprintf(qty, sizeof qty, "%lld", (long long)ce->quantity);
		snprintf(pts, sizeof pts, "%lld", (long long)ce->points);
		const char *vals[NCOLS] = {sheet, village, h, item, ce->it->code, ver, ce->date,
					   qty, pts, ce->note, login, at};
		if (db_copy_row(c, vals))
			break;
	}
	return db_copy_end(c) ? -1 : 0;
}

int sheet_import_entries(db *d, const struct actor *who, const struct village *v,
			 const char *month, const char *fname, const char *data, size_t len,
			 int dry_run, struct entry_import_report *rep, errlist *errs)
{
	arena *a = arena_new();
	int rc = -1, in_tx = 0;
	memset(rep, 0, sizeof *rep);
	/* everything, the checks included, inside one write transaction: what
	** the checks counted cannot change before the rows go in */
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	struct sheet *sh;
	rc = sheet_open_for_entries(d, a, v->id, month, &sh, errs);
	if (rc)
		goto out;
	rc = -1;
	struct entry_ctx c;
	if (ctx_init(&c, d, a, v, month) || ctx_load_households(&c))
		goto out;
	struct import_ctx ic = {.c = &c, .fname = fname, .errs = errs};
	ic.households_seen.a = a;
	int before = errs->n;
	int nrows = csvfile_parse(fname, data, len, entry_csv_spec, EF_COUNT, import_row, &ic, errs);
	if (ic.failed)
		goto out;
	if (nrows == 0 && errs->n == before)
		errlist_add(errs, "%s:2: 文件里没有积分记录", fname);
	if (errs->n > before) {
		rc = 1;
		goto out;
	}
	rep->rows = ic.n;
	rep->households = (int)ic.households_seen.n;
	rep->points = ic.points;
	rep->sheet_id = sh->id;
	if (dry_run) {
		rc = 0;
		goto out; /* rolled back: the sheet created for the checks goes too */
	}
	if (copy_entries(d, v->id, sh->id, who->login, ic.rows, ic.n, now_unix()))
		goto out;
	buf js = {0};
	buf_printf(&js, "{\"sheet\":%lld,\"month\":\"%s\",\"rows\":%d,\"points\":%lld,\"file\":",
		   (long long)sh->id, month, ic.n, (long long)ic.points);
	json_quote(&js, fname);
	buf_puts(&js, "}");
	if (audit_commit_json(d, who, v->id, "entry.import", "sheet", sh->id, &js))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}
