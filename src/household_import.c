/*
** household_import.c — the households CSV import (household.h): every row
** checked like a form, then all rows added or updated in one transaction
** with an audit record each, or none (a dry run only reports).  The web
** import and `jifen import households` both call household_import().
*/
#include "household.h"
#include "household_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "village.h"

/* ---- CSV import ------------------------------------------------------------------------------ */

/* One valid row of the file. */
struct pending {
	int row;
	struct household h;
	unsigned given;
};

/* The state of one import's CSV reading. */
struct import_read {
	arena *a;
	const char *fname, *today;
	errlist *errs;
	struct pending *rows;
	int n, cap;
	struct smap seen; /* code → file row of its first appearance (v) */
	int bad_rows;
};

/* csvfile_parse() callback: validate one row, remember it or report it. */
static int import_row_cb(void *ctx, const struct csv_row *r)
{
	struct import_read *ir = ctx;
	struct household h = {0};
	unsigned given;
	const char *msgs[HF_COUNT];
	int bad = household_check(ir->a, r->vals, ir->today, &h, &given,
				  msgs);
	for (int f = 0; f < HF_COUNT; f++)
		if (msgs[f])
			errlist_add(ir->errs, "%s:%d: %s: %s", ir->fname, r->row, r->colname[f],
				    msgs[f]);
	if (!msgs[HF_CODE]) {
		const struct smap_slot *first = smap_find(&ir->seen, h.code);
		if (first) {
			errlist_add(ir->errs, "%s:%d: %s: 户编号“%s”与第 %d 行重复", ir->fname,
				    r->row, r->colname[HF_CODE], h.code, (int)first->v);
			bad++;
		} else
			smap_get(&ir->seen, h.code)->v = r->row;
	}
	if (bad) {
		ir->bad_rows++;
		return 0;
	}
	ir->rows = arena_grow(ir->a, ir->rows, &ir->cap, ir->n, sizeof *ir->rows);
	struct pending *p = &ir->rows[ir->n];
	p->row = r->row;
	p->h = h;
	p->given = given;
	ir->n++;
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Whether field f of a and b holds the same value. */
static int field_equal(const struct household *a, const struct household *b, int f)
{
	switch (f) {
	case HF_CODE: return str_eq(a->code, b->code);
	case HF_HEAD_NAME: return str_eq(a->head_name, b->head_name);
	case HF_ADDRESS: return str_eq(a->address, b->address);
	case HF_MEMBERS: return a->member_count == b->member_count;
	case HF_PHONE: return str_eq(a->phone, b->phone);
	case HF_HUKOU: return a->hukou == b->hukou;
	case HF_HOMESTEAD: return a->homestead == b->homestead;
	case HF_RESIDENT: return a->resident == b->resident;
	case HF_TENANT: return a->tenant == b->tenant;
	case HF_JOINED: return str_eq(a->joined, b->joined);
	}
	return 1;
}

/* Copy field f from src into dst. */
static void field_copy(struct household *dst, const struct household *src, int f)
{
	switch (f) {
	case HF_CODE: dst->code = src->code; break;
	case HF_HEAD_NAME: dst->head_name = src->head_name; break;
	case HF_ADDRESS: dst->address = src->address; break;
	case HF_MEMBERS: dst->member_count = src->member_count; break;
	case HF_PHONE: dst->phone = src->phone; break;
	case HF_HUKOU: dst->hukou = src->hukou; break;
	case HF_HOMESTEAD: dst->homestead = src->homestead; break;
	case HF_RESIDENT: dst->resident = src->resident; break;
	case HF_TENANT: dst->tenant = src->tenant; break;
	case HF_JOINED: dst->joined = src->joined; break;
	}
}

/* Load every household of the village into *rows and *n, and map (its
** arena set) from their codes to their index in *rows. */
static int load_village_households(db *d, arena *a, int64_t village_id,
				   struct household **rows, int *n, struct smap *map)
{
	db_stmt *s = db_prepare(d, "SELECT " HH_COLS " FROM household WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	int cap = 0, st;
	*rows = NULL;
	*n = 0;
	while ((st = db_step(s)) == DB_ROW) {
		*rows = arena_grow(a, *rows, &cap, *n, sizeof **rows);
		household_read_row(s, a, &(*rows)[*n]);
		(*n)++;
	}
	if (st != DB_DONE)
		return -1;
	for (int i = 0; i < *n; i++)
		smap_get(map, (*rows)[i].code)->v = i;
	return 0;
}

/* Append a row to the report. */
static void report_add(struct import_report *rep, const struct pending *p,
		       enum import_action act, unsigned changed)
{
	rep->rows = arena_grow(rep->a, rep->rows, &rep->cap, rep->n, sizeof *rep->rows);
	struct import_row *r = &rep->rows[rep->n++];
	r->row = p->row;
	r->code = p->h.code;
	r->head_name = p->h.head_name;
	r->action = act;
	r->changed = changed;
	if (act == IMPORT_ADD)
		rep->added++;
	else if (act == IMPORT_UPDATE)
		rep->updated++;
	else
		rep->unchanged++;
}

/* A household change the import will write. */
struct import_change {
	struct household h;          /* as it will be stored */
	const struct household *old; /* NULL for an addition */
};

/* Integer as text for db_copy_row() (arena). */
static const char *itext(arena *a, int64_t v)
{
	return arena_printf(a, "%" PRId64, v);
}

/* Add the new households adds[0..n) with one bulk load (PostgreSQL COPY)
** and set their ids from the village's codes afterwards.  Returns 0 or -1. */
static int copy_new_households(db *d, arena *a, const struct village *v,
			       struct import_change *adds, int n, int64_t now)
{
	static const char *const cols[] = {
		"village_id", "code", "head_name", "address", "member_count", "phone", "hukou",
		"homestead", "resident", "tenant", "joined", "eligible", "participating",
		"created_at", "updated_at"};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	db_copy *c = db_copy_begin(d, "household", cols, NCOLS);
	if (!c)
		return -1;
	const char *vid = itext(a, v->id), *nows = itext(a, now);
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		struct household *h = &adds[i].h;
		h->village_id = v->id;
		h->created_at = h->updated_at = now;
		const char *vals[NCOLS] = {
			vid, h->code, h->head_name, h->address,
			h->member_count > 0 ? itext(a, h->member_count) : NULL, h->phone,
			itext(a, h->hukou), itext(a, h->homestead), itext(a, h->resident),
			itext(a, h->tenant), h->joined, itext(a, h->eligible),
			itext(a, h->participating), nows, nows};
		rc = db_copy_row(c, vals);
	}
	if (db_copy_end(c) || rc)
		return -1;

	struct smap ids = {.a = a};
	int64_t *idv = arena_alloc(a, sizeof *idv * (size_t)n);
	for (int i = 0; i < n; i++)
		smap_get(&ids, adds[i].h.code)->v = i;
	db_stmt *s = db_prepare(d, "SELECT id, code FROM household WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		const struct smap_slot *k = smap_find(&ids, db_column_text(s, 1));
		if (k)
			idv[k->v] = db_column_int(s, 0);
	}
	if (st != DB_DONE)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!idv[i]) {
			db_set_error(d, "导入: 找不到刚写入的户 %s", adds[i].h.code);
			return -1;
		}
		adds[i].h.id = idv[i];
	}
	return 0;
}

/* The audit rows of the import's changes, with one bulk load (audit.c
** audit_batch_*: one INSERT per row is what the bulk path avoids).
** Returns 0 or -1. */
static int copy_import_audit(db *d, arena *a, const struct actor *who,
			     const struct village *v, const struct import_change *ch, int n)
{
	if (!n)
		return 0;
	struct audit_batch *b = audit_batch_begin(d, a, who);
	if (!b)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		buf before = {0}, after = {0};
		char obj[40];
		household_object_name(obj, ch[i].h.id);
		if (ch[i].old)
			household_json(&before, ch[i].old);
		household_json(&after, &ch[i].h);
		rc = audit_batch_add(b, v->id,
				     ch[i].old ? "household.import_update" : "household.import_add",
				     obj, ch[i].old ? buf_cstr(&before) : NULL, buf_cstr(&after));
		buf_free(&before);
		buf_free(&after);
	}
	return audit_batch_end(b) || rc ? -1 : 0;
}

/* Compare the file's rows with the stored households and fill the report;
** unless dry_run, write the updates (one UPDATE each), the additions and the
** audit rows (bulk loads).  Runs in the caller's transaction.  0 or -1. */
static int import_apply(db *d, const struct actor *who, const struct village *v,
			struct import_read *ir, int dry_run, struct import_report *rep)
{
	arena *a = rep->a;
	struct household *have;
	int nhave;
	struct smap map = {.a = a};
	if (load_village_households(d, a, v->id, &have, &nhave, &map))
		return -1;
	/* additions first in ch[], updates after them */
	struct import_change *adds = arena_alloc(a, sizeof *adds * (size_t)(ir->n + 1));
	struct import_change *upds = arena_alloc(a, sizeof *upds * (size_t)(ir->n + 1));
	int nadd = 0, nupd = 0;
	for (int i = 0; i < ir->n; i++) {
		struct pending *p = &ir->rows[i];
		const struct smap_slot *found = smap_find(&map, p->h.code);
		int at = found ? (int)found->v : -1;
		if (at < 0) {
			adds[nadd].h = p->h;
			adds[nadd].old = NULL;
			household_compute(&adds[nadd++].h, v);
			report_add(rep, p, IMPORT_ADD, 0);
			continue;
		}
		const struct household *old = &have[at];
		struct household h = *old;
		unsigned changed = 0;
		for (int f = 0; f < HF_COUNT; f++) {
			if (!(p->given & (1u << f)) || field_equal(old, &p->h, f))
				continue;
			field_copy(&h, &p->h, f);
			changed |= 1u << f;
		}
		if (!changed) {
			report_add(rep, p, IMPORT_UNCHANGED, 0);
			continue;
		}
		household_compute(&h, v);
		upds[nupd].h = h;
		upds[nupd++].old = old;
		report_add(rep, p, IMPORT_UPDATE, changed);
	}
	if (dry_run || nadd + nupd == 0)
		return 0;

	int64_t now = now_unix();
	for (int i = 0; i < nupd; i++)
		if (household_update_row(d, v->id, &upds[i].h))
			return -1;
	if (nadd && copy_new_households(d, a, v, adds, nadd, now))
		return -1;
	if (copy_import_audit(d, a, who, v, adds, nadd) ||
	    copy_import_audit(d, a, who, v, upds, nupd))
		return -1;
	return 0;
}

void import_report_free(struct import_report *rep)
{
	arena_free(rep->a);
	memset(rep, 0, sizeof *rep);
}

int household_import(db *d, const struct actor *who, const struct village *v,
		     const char *fname, const char *data, size_t len, int dry_run,
		     struct import_report *rep, errlist *errs)
{
	int rc = -1, in_tx = 0;
	char today[11];
	date_today(today);
	if (!rep->a)
		rep->a = arena_new();
	struct import_read ir = {.a = rep->a, .fname = fname, .today = today, .errs = errs,
				 .seen = {.a = rep->a}};
	int before_errs = errs->n;

	int nrows = csvfile_parse(fname, data, len, household_csv_spec, HF_COUNT, import_row_cb,
				  &ir, errs);
	if (nrows < 0 || errs->n > before_errs) {
		rc = 1;
		goto out;
	}
	if (dry_run) {
		rc = import_apply(d, who, v, &ir, 1, rep) ? -1 : 0;
		goto out;
	}
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	if (import_apply(d, who, v, &ir, 0, rep))
		goto out;
	if (db_commit(d))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	return rc;
}
