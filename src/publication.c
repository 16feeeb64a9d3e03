/*
** publication.c — what the public announcement pages show: names masked
** unless consented, deductions by item, late changes, the public list's
** window (publication.h).
*/
#include <stdio.h>
#include <string.h>

#include "publication.h"

int publication_consent_get(db *d, arena *a, int64_t village_id, int64_t household_id,
			    struct name_consent *out)
{
	db_stmt *s = db_prepare(d, "SELECT COALESCE(name_consent_on, ''), COALESCE(name_consent_by, '')"
				   " FROM household WHERE id = $h AND village_id = $v");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 1 : -1;
	out->on = db_column_dup(s, 0, a);
	out->by = db_column_dup(s, 1, a);
	db_reset(s);
	return 0;
}

const char *publication_name(db *d, arena *a, int64_t village_id, int64_t household_id,
			     const char *name)
{
	struct name_consent nc;
	if (publication_consent_get(d, a, village_id, household_id, &nc) == 0 && *nc.on)
		return name;
	return name_mask(a, name);
}

int publication_consent_set(db *d, const struct actor *who, const struct village *v,
			    int64_t household_id, int given, errlist *errs)
{
	char today[11];
	date_today(today);
	arena *a = arena_new();
	int rc = -1;
	if (db_begin_write(d))
		goto done;
	struct name_consent old;
	rc = publication_consent_get(d, a, v->id, household_id, &old);
	if (rc) {
		if (rc > 0)
			errlist_add(errs, "本村没有这一户");
		goto out;
	}
	rc = -1;
	db_stmt *s = db_prepare(d, "UPDATE household SET name_consent_on = $on, name_consent_by = $by"
				   " WHERE id = $h");
	if (!s || db_bind_text(s, "$on", given ? today : NULL) ||
	    db_bind_text(s, "$by", given ? who->login : NULL) || db_bind_int(s, "$h", household_id) ||
	    db_step(s) != DB_DONE)
		goto out;
	const char *before = arena_printf(a, "{\"name_consent_on\":\"%s\"}", old.on);
	const char *after = arena_printf(a, "{\"name_consent_on\":\"%s\"}", given ? today : "");
	if (audit_commit_change(d, who, v->id, "household.name_consent", "household", household_id,
				before, after))
		goto out;
	rc = 0;
out:
	if (rc)
		db_rollback(d);
done:
	arena_free(a);
	return rc;
}

int publication_lines(db *d, arena *a, const struct announcement *ann,
		      struct announcement_line **rows, int *n)
{
	if (announcement_lines(d, a, ann->id, rows, n))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT l.idx, h.head_name FROM announcement_line l"
				   " JOIN household h ON h.id = l.household_id"
				   " WHERE l.announcement_id = $a AND h.name_consent_on IS NOT NULL");
	if (!s || db_bind_int(s, "$a", ann->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		int64_t idx = db_column_int(s, 0);
		if (idx >= 0 && idx < *n)
			(*rows)[idx].name = db_column_dup(s, 1, a);
	}
	return st == DB_DONE ? 0 : -1;
}

/* Grow an arena array of elements of size sz holding n to hold n + 1. */
static void *grow(arena *a, void *p, int n, int *cap, size_t sz)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	void *q = arena_alloc(a, (size_t)*cap * sz);
	if (n)
		memcpy(q, p, (size_t)n * sz);
	return q;
}

int publication_deductions(db *d, arena *a, int64_t village_id, const struct announcement *ann,
			   struct deduction **rows, int *n)
{
	char first[8], last[8];
	*rows = NULL;
	*n = 0;
	if (quarter_parse(ann->quarter, NULL, NULL, first, last, NULL))
		return -1;
	db_stmt *s = db_prepare(d,
		"SELECT le.item_code, MIN(COALESCE(i.name, le.item_code)), COUNT(*), SUM(le.points)"
		" FROM ledger_entry le LEFT JOIN standard_item i ON i.id = le.item_id"
		" WHERE le.village_id = $v AND le.kind = 'score' AND le.points < 0"
		" AND le.month >= $from AND le.month <= $to AND le.seq <= $size"
		" GROUP BY le.item_code ORDER BY le.item_code");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$from", first) ||
	    db_bind_text(s, "$to", last) || db_bind_int(s, "$size", ann->ledger_size))
		return -1;
	int st, cap = 0;
	while ((st = db_step(s)) == DB_ROW) {
		*rows = grow(a, *rows, *n, &cap, sizeof **rows);
		struct deduction *r = &(*rows)[(*n)++];
		r->item_code = db_column_dup(s, 0, a);
		r->item_name = db_column_dup(s, 1, a);
		r->count = db_column_int(s, 2);
		r->points = db_column_int(s, 3);
	}
	return st == DB_DONE ? 0 : -1;
}

int publication_late_changes(db *d, arena *a, int64_t village_id,
			     const struct announcement *ann, struct late_change **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT le.seq, le.kind, le.item_code, COALESCE(i.name, le.item_code), le.month,"
		" le.points FROM ledger_entry le LEFT JOIN standard_item i ON i.id = le.item_id"
		" WHERE le.village_id = $v AND le.seq <= $size AND le.seq > (SELECT"
		" COALESCE(MAX(p.ledger_size), 0) FROM announcement p WHERE p.village_id = $v"
		" AND p.quarter < $q) AND (le.kind = 'correction' OR (le.kind = 'score'"
		" AND le.approval_id IS NULL)) ORDER BY le.seq");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$size", ann->ledger_size) ||
	    db_bind_text(s, "$q", ann->quarter))
		return -1;
	int st, cap = 0;
	while ((st = db_step(s)) == DB_ROW) {
		*rows = grow(a, *rows, *n, &cap, sizeof **rows);
		struct late_change *r = &(*rows)[(*n)++];
		r->seq = db_column_int(s, 0);
		r->kind = ledger_kind_of(db_column_text(s, 1));
		r->item_code = db_column_dup(s, 2, a);
		r->item_name = db_column_dup(s, 3, a);
		r->month = db_column_dup(s, 4, a);
		r->points = db_column_int(s, 5);
	}
	return st == DB_DONE ? 0 : -1;
}

int publication_listed_until(db *d, int64_t village_id, const struct announcement *ann,
			     char out[11])
{
	db_stmt *s = db_prepare(d, "SELECT announcement_public_days FROM village WHERE id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	int days = (int)db_column_int(s, 0);
	db_reset(s);
	date_add_days(ann->objection_until, days, out);
	return 0;
}
