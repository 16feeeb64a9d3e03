/*
** unitfix.h — the small database fixture of the area tests that need only
** villages (test_village.c, test_auth.c, test_audit.c, test_evidence.c,
** test_passbook.c): a migrated database on either backend, villages V1 and
** V2, an arena, and the CLI's actor.  The cmocka groups run once on SQLite
** and, when JIFEN_TEST_PG is set, once on PostgreSQL.
*/
#ifndef JIFEN_UNITFIX_H
#define JIFEN_UNITFIX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "testdb.h"
#include "village.h"

struct unitfix {
	struct testdb t;
	db *d;
	arena *a;
	struct village *v, *w; /* V1 and V2 */
	struct actor who;      /* {0, "cli", ""} */
};

static inline struct unitfix *UF(void **state)
{
	return *state;
}

static inline int unitfix_open(struct unitfix *f)
{
	if (testdb_open_migrated(&f->t, "unit"))
		return -1;
	f->d = f->t.d;
	errlist errs = {0};
	int64_t id;
	if (village_insert(f->d, "V1", "一村", &errs, &id) ||
	    village_insert(f->d, "V2", "二村", &errs, &id))
		return fprintf(stderr, "village_insert: %s\n", db_errmsg(f->d)), -1;
	f->a = arena_new();
	f->v = village_by_code(f->d, f->a, "V1");
	f->w = village_by_code(f->d, f->a, "V2");
	f->who = (struct actor){0, "cli", ""};
	return f->v && f->w ? 0 : -1;
}

static inline int unitfix_setup_sqlite(void **state)
{
	struct unitfix *f = calloc(1, sizeof *f);
	*state = f;
	return unitfix_open(f);
}

static inline int unitfix_setup_pg(void **state)
{
	struct unitfix *f = calloc(1, sizeof *f);
	f->t.pg = 1;
	*state = f;
	return unitfix_open(f);
}

static inline int unitfix_teardown(void **state)
{
	struct unitfix *f = *state;
	int rc = testdb_close(&f->t);
	arena_free(f->a);
	free(f);
	return rc;
}

/* The single integer a query answers (-1 on error). */
static inline int64_t unitfix_int(db *d, const char *sql)
{
	return testdb_int(d, sql);
}

/* Run the rules group (may be empty), then db on SQLite and, when
** JIFEN_TEST_PG is set, on PostgreSQL; returns main's exit status. */
#define UNITFIX_MAIN(area, rules, nrules, sqlite_cases, pg_cases)                            \
	do {                                                                                   \
		int failed = nrules ? _cmocka_run_group_tests(area "/rules", rules, nrules, NULL,  \
							      NULL)                                \
				    : 0;                                                           \
		failed += cmocka_run_group_tests_name(area "/sqlite", sqlite_cases, NULL, NULL);    \
		const char *pg = getenv("JIFEN_TEST_PG");                                          \
		if (pg && *pg)                                                                     \
			failed += cmocka_run_group_tests_name(area "/postgresql", pg_cases, NULL,   \
							      NULL);                               \
		else                                                                               \
			fprintf(stderr, "[  SKIP    ] " area "/postgresql: JIFEN_TEST_PG is not set\n"); \
		return failed ? 1 : 0;                                                             \
	} while (0)

#endif
