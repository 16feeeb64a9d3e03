/*
** sheet_review.c — the month's sheet read for the scorer and the
** committee (sheet_review.h): one entry, a filtered page, totals per
** category and household, what changed after submission; and one item
** for many households in one transaction.  The checks of an entry are
** sheet.c's (entry_add_tx); nothing here decides whether an entry is
** allowed.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sheet_int.h"
#include "sheet_review.h"

int entry_get(db *d, arena *a, int64_t village_id, int64_t entry_id, struct entry **out)
{
	db_stmt *s = db_prepare(d, ENTRY_SEL " WHERE e.id = $id AND e.village_id = $v");
	if (!s || db_bind_int(s, "$id", entry_id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		sheet_entry_from_row(s, a, *out);
		db_reset(s);
		return 0;
	}
	db_reset(s);
	return st == DB_DONE ? 1 : -1;
}

int sheet_entries_find(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		       const struct entry_filter *f, int64_t after, int limit, struct entry **rows,
		       int *n, int64_t *next)
{
	static const struct entry_filter none = {0};
	if (!f)
		f = &none;
	*rows = NULL;
	*n = 0;
	*next = 0;
	/* keyset paging as sheet_entries_page(), each filter off when empty */
	db_stmt *s = db_prepare(d, ENTRY_SEL " WHERE e.sheet_id = $s AND e.village_id = $v"
				   " AND ($hh = 0 OR e.household_id = $hh)"
				   " AND ($item = '' OR e.item_code = $item)"
				   " AND ($by = '' OR e.recorded_by = $by)"
				   " AND ($neg = 0 OR e.points < 0)"
				   ENTRY_PAGE_AFTER);
	if (!s || db_bind_int(s, "$s", sheet_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_int(s, "$hh", f->household_id) ||
	    db_bind_text(s, "$item", f->item_code ? f->item_code : "") ||
	    db_bind_text(s, "$by", f->recorded_by ? f->recorded_by : "") ||
	    db_bind_int(s, "$neg", f->deductions ? 1 : 0) || db_bind_int(s, "$after", after) ||
	    db_bind_int(s, "$lim", (int64_t)limit + 1))
		return -1;
	return sheet_entries_read_page(s, a, limit, rows, n, next);
}

/* Read every row of s, a summary of one sheet's entries (per household or
** per category) whose WHERE names the sheet $s and its village $v: bound
** here, then read with db_read_rows() into *(T **)rows_out (arena; NULL
** and *n 0 when there is none, or when s is NULL).  0 or -1.  The SQL
** stays the caller's literal: each summary is its own cached statement. */
static int read_summary(db_stmt *s, arena *a, int64_t village_id, int64_t sheet_id, size_t size,
			db_row_fn read, void *rows_out, int *n)
{
	void *none = NULL;
	memcpy(rows_out, &none, sizeof none);
	*n = 0;
	if (!s || db_bind_int(s, "$s", sheet_id) || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, size, read, rows_out, n);
}

/* A row of sheet_category_totals()'s SELECT. */
static void read_category_total(db_stmt *s, arena *a, void *row)
{
	struct sheet_category_total *t = row;
	t->category = arena_strdup(a, db_column_text(s, 0));
	t->entries = db_column_int(s, 1);
	t->households = db_column_int(s, 2);
	t->plus = db_column_int(s, 3);
	t->minus = db_column_int(s, 4);
}

int sheet_category_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
			  struct sheet_category_total **rows, int *n)
{
	db_stmt *s = db_prepare(d, "SELECT i.category, COUNT(*), COUNT(DISTINCT e.household_id),"
				   " SUM(CASE WHEN e.points > 0 THEN e.points ELSE 0 END),"
				   " SUM(CASE WHEN e.points < 0 THEN e.points ELSE 0 END)"
				   " FROM entry e JOIN standard_item i ON i.id = e.item_id"
				   " WHERE e.sheet_id = $s AND e.village_id = $v"
				   " GROUP BY i.category ORDER BY MIN(e.item_code)");
	return read_summary(s, a, village_id, sheet_id, sizeof **rows, read_category_total, rows,
			    n);
}

/* A row of sheet_household_totals()'s SELECT. */
static void read_household_total(db_stmt *s, arena *a, void *row)
{
	struct sheet_household_total *t = row;
	t->household_id = db_column_int(s, 0);
	t->household_code = arena_strdup(a, db_column_text(s, 1));
	t->household_name = arena_strdup(a, db_column_text(s, 2));
	t->entries = db_column_int(s, 3);
	t->plus = db_column_int(s, 4);
	t->minus = db_column_int(s, 5);
}

int sheet_household_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
			   struct sheet_household_total **rows, int *n)
{
	db_stmt *s = db_prepare(d, "SELECT h.id, h.code, h.head_name, COUNT(*),"
				   " SUM(CASE WHEN e.points > 0 THEN e.points ELSE 0 END),"
				   " SUM(CASE WHEN e.points < 0 THEN e.points ELSE 0 END)"
				   " FROM entry e JOIN household h ON h.id = e.household_id"
				   " WHERE e.sheet_id = $s AND e.village_id = $v"
				   " GROUP BY h.id, h.code, h.head_name ORDER BY length(h.code), h.code");
	return read_summary(s, a, village_id, sheet_id, sizeof **rows, read_household_total, rows,
			    n);
}

/* Append a change to *rows. */
static struct sheet_change *change_push(arena *a, struct sheet_change **rows, int *n, int *cap)
{
	*rows = arena_grow(a, *rows, cap, *n, sizeof **rows);
	struct sheet_change *c = &(*rows)[(*n)++];
	memset(c, 0, sizeof *c);
	return c;
}

/* A text member of a JSON object (arena), "" when missing. */
static const char *member_text(arena *a, json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return arena_strdup(a, v ? v : "");
}

int sheet_changes_since_submit(db *d, arena *a, const struct sheet *sh, int64_t *first_submit,
			       struct sheet_change **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	*first_submit = 0;
	char obj[48];
	snprintf(obj, sizeof obj, "sheet:%lld", (long long)sh->id);
	db_stmt *s = db_prepare(d, "SELECT MIN(at) FROM audit WHERE object = $o"
				   " AND action = 'sheet.submit' AND village_id = $v");
	if (!s || db_bind_text(s, "$o", obj) || db_bind_int(s, "$v", sh->village_id) ||
	    db_step(s) != DB_ROW)
		return -1;
	*first_submit = db_column_int(s, 0);
	db_reset(s);
	if (!*first_submit)
		return 0;
	int cap = 0, st; /* *rows starts NULL: arena_grow allocates at the first */
	/* entries are added after the first submission only on a returned
	** sheet; the audit time is in seconds, so "after" is ">" */
	s = db_prepare(d, "SELECT h.code, e.item_code, e.date, e.points, e.recorded_by, e.created_at"
			  " FROM entry e JOIN household h ON h.id = e.household_id"
			  " WHERE e.sheet_id = $s AND e.village_id = $v AND e.created_at > $t"
			  " ORDER BY e.created_at, e.id");
	if (!s || db_bind_int(s, "$s", sh->id) || db_bind_int(s, "$v", sh->village_id) ||
	    db_bind_int(s, "$t", *first_submit))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		struct sheet_change *c = change_push(a, rows, n, &cap);
		c->added = 1;
		c->household_code = arena_strdup(a, db_column_text(s, 0));
		c->item_code = arena_strdup(a, db_column_text(s, 1));
		c->date = arena_strdup(a, db_column_text(s, 2));
		c->points = db_column_int(s, 3);
		c->by = arena_strdup(a, db_column_text(s, 4));
		c->at = db_column_int(s, 5);
	}
	if (st != DB_DONE)
		return -1;
	/* removals: entry_remove() audits what the entry was */
	s = db_prepare(d, "SELECT login, at, before_json FROM audit WHERE village_id = $v"
			  " AND action = 'entry.remove' AND at > $t ORDER BY id");
	if (!s || db_bind_int(s, "$v", sh->village_id) || db_bind_int(s, "$t", *first_submit))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		const char *js = db_column_text(s, 2);
		json_t *o = js ? json_loads(js, 0, NULL) : NULL;
		if (o && json_integer_value(json_object_get(o, "sheet")) == sh->id) {
			struct sheet_change *c = change_push(a, rows, n, &cap);
			c->household_code = member_text(a, o, "household");
			c->item_code = member_text(a, o, "item");
			c->date = member_text(a, o, "date");
			c->points = json_integer_value(json_object_get(o, "points"));
			c->by = arena_strdup(a, db_column_text(s, 0));
			c->at = db_column_int(s, 1);
		}
		json_decref(o);
	}
	return st == DB_DONE ? 0 : -1;
}

int entry_add_many(db *d, const struct actor *who, const struct village *v, const char *month,
		   const char *item_code, const char *date, const char *note,
		   const int64_t *household_ids, int n, errlist *errs, int *added)
{
	*added = 0;
	if (n < 1) {
		errlist_add(errs, "请至少选择一户");
		return 1;
	}
	if (n > 5000) {
		errlist_add(errs, "一次最多 5000 户");
		return 1;
	}
	arena *a = arena_new();
	int rc = -1;
	if (db_begin_write(d)) {
		arena_free(a);
		return -1;
	}
	int bad = 0;
	for (int i = 0; i < n; i++) {
		struct entry_input in = {.household_id = household_ids[i],
					 .item_code = item_code,
					 .date = date,
					 .quantity = 1,
					 .note = note};
		struct checked_entry ce;
		errlist one = {0};
		int64_t id = 0;
		rc = entry_add_tx(d, a, who, v, month, &in, &one, &id, &ce);
		if (rc > 0) {
			/* name the household of each refusal (at most 20 of them) */
			const char *code = "", *name = "";
			db_stmt *s = db_prepare(d, "SELECT code, head_name FROM household"
						   " WHERE id = $h AND village_id = $v");
			if (s && !db_bind_int(s, "$h", household_ids[i]) &&
			    !db_bind_int(s, "$v", v->id) && db_step(s) == DB_ROW) {
				code = arena_strdup(a, db_column_text(s, 0));
				name = arena_strdup(a, db_column_text(s, 1));
				db_reset(s);
			}
			for (int k = 0; k < one.n; k++)
				errlist_add(errs, "%s %s：%s", code, name, one.msg[k]);
			bad++;
		}
		errlist_free(&one);
		if (rc < 0 || bad >= 20)
			break;
	}
	if (rc >= 0 && bad)
		rc = 1;
	if (rc == 0 && db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	else
		*added = n;
	arena_free(a);
	return rc;
}
