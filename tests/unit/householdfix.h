/*
** householdfix.h — the database fixture of test_household.c and
** test_household_import.c: villages V1 (no tenants) and V2, and helpers
** to import CSV text, snapshot the households and compare messages.  One
** definition each (static inline: a test file may not use all of them).
*/
#ifndef JIFEN_HOUSEHOLDFIX_H
#define JIFEN_HOUSEHOLDFIX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "testdb.h"
#include "village.h"

struct fixture {
	struct testdb t; /* the database */
	db *d;           /* t.d */
	arena *a;
	struct village *v, *w; /* villages V1 (no tenants) and V2 */
	struct actor who;
};

static inline int open_fixture(struct fixture *f)
{
	if (testdb_open_migrated(&f->t, "hh"))
		return -1;
	f->d = f->t.d;
	errlist errs = {0};
	int64_t id;
	if (village_insert(f->d, "V1", "一村", &errs, &id) || village_insert(f->d, "V2", "二村", &errs, &id))
		return fprintf(stderr, "village_insert: %s\n", db_errmsg(f->d)), -1;
	f->a = arena_new();
	f->v = village_by_code(f->d, f->a, "V1");
	f->w = village_by_code(f->d, f->a, "V2");
	f->who = (struct actor){0, "cli", ""};
	return f->v && f->w ? 0 : -1;
}

static inline int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	*state = f;
	return open_fixture(f);
}

static inline int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t.pg = 1;
	*state = f;
	return open_fixture(f);
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = testdb_close(&f->t);
	arena_free(f->a);
	free(f);
	return rc;
}

static inline struct fixture *F(void **state)
{
	return *state;
}

/* The single integer of a parameterless query. */
static inline int64_t query_int(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	if (!s || db_step(s) != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(d));
	int64_t v = db_column_int(s, 0);
	db_reset(s);
	return v;
}

/* Everything in the tables an import may touch, as text, to compare
** before/after. */
static inline char *snapshot(db *d)
{
	buf b = {0};
	db_stmt *s = db_prepare(d, "SELECT id, village_id, code, head_name, address, member_count,"
				   " phone, hukou, homestead, resident, tenant, joined, left_on,"
				   " left_reason, eligible, participating, created_at, updated_at"
				   " FROM household ORDER BY id");
	while (s && db_step(s) == DB_ROW) {
		for (int i = 0; i < 18; i++)
			buf_printf(&b, "%s|", db_column_is_null(s, i) ? "~" : db_column_text(s, i));
		buf_puts(&b, "\n");
	}
	buf_printf(&b, "audit %lld member %lld\n",
		   (long long)query_int(d, "SELECT COUNT(*) FROM audit"),
		   (long long)query_int(d, "SELECT COUNT(*) FROM member"));
	char *out = strdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Import text into v; returns the import's result. */
static inline int import_text(struct fixture *f, const struct village *v, const char *fname,
		       const char *text, int dry_run, struct import_report *rep, errlist *errs)
{
	return household_import(f->d, &f->who, v, fname, text, strlen(text), dry_run, rep, errs);
}

static inline void expect_errors(const errlist *e, const char *const *want, int n)
{
	if (e->n != n) {
		for (int i = 0; i < e->n; i++)
			fprintf(stderr, "  error: %s\n", e->msg[i]);
		fail_msg("%d errors, want %d", e->n, n);
	}
	for (int i = 0; i < n; i++)
		if (strncmp(e->msg[i], want[i], strlen(want[i])))
			fail_msg("error %d: %s, want prefix %s", i, e->msg[i], want[i]);
}

#endif
