/*
** testdb.h — the throwaway database of a unit test, on either backend:
** SQLite on a temporary file, or PostgreSQL (JIFEN_TEST_PG) in a schema of
** its own that is dropped afterwards, so that tests never see each other's
** rows.  Included by the test files that need a database; one definition
** each (static inline: a test may not use all of them).
*/
#ifndef JIFEN_TESTDB_H
#define JIFEN_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "util.h"

struct testdb {
	db *d;
	int pg;
	char path[256];   /* SQLite: the temporary file */
	char schema[64];  /* PostgreSQL: the schema */
	char url[1024];   /* PostgreSQL: JIFEN_TEST_PG with its search_path */
};

/* Open a new empty database into t (t->pg chooses the backend; name is a
** short word for the file or schema name).  0, or -1 after saying why on
** stderr. */
static inline int testdb_open(struct testdb *t, const char *name)
{
	char err[512];
	if (!t->pg) {
		const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(t->path, sizeof t->path, "%s/jifen-test-%s-XXXXXX", tmp, name);
		int fd = mkstemp(t->path);
		if (fd < 0)
			return -1;
		close(fd);
		if (db_open(t->path, &t->d, err, sizeof err))
			return fprintf(stderr, "sqlite: %s\n", err), -1;
		return 0;
	}
	const char *base = getenv("JIFEN_TEST_PG");
	char rnd[17];
	random_hex(rnd, 8);
	snprintf(t->schema, sizeof t->schema, "jifen_%s_%s", name, rnd);
	db *admin = NULL;
	if (db_open(base, &admin, err, sizeof err))
		return fprintf(stderr, "postgresql: %s\n", err), -1;
	buf b = {0};
	buf_printf(&b, "CREATE SCHEMA %s", t->schema);
	int rc = db_exec(admin, buf_cstr(&b));
	if (rc)
		fprintf(stderr, "create schema: %s\n", db_errmsg(admin));
	buf_free(&b);
	db_close(admin);
	if (rc)
		return -1;
	snprintf(t->url, sizeof t->url, "%s%soptions=-csearch_path%%3D%s", base,
		 strchr(base, '?') ? "&" : "?", t->schema);
	if (db_open(t->url, &t->d, err, sizeof err))
		return fprintf(stderr, "postgresql: %s\n", err), -1;
	return 0;
}

/* The same with every migration applied. */
static inline int testdb_open_migrated(struct testdb *t, const char *name)
{
	char err[512];
	int version;
	if (testdb_open(t, name))
		return -1;
	if (db_migrate(t->d, &version, err, sizeof err))
		return fprintf(stderr, "migrate: %s\n", err), -1;
	return 0;
}

/* Close t and remove what testdb_open() made.  0, or -1 when the schema
** could not be dropped. */
static inline int testdb_close(struct testdb *t)
{
	int rc = 0;
	if (t->pg && t->d) {
		buf b = {0};
		buf_printf(&b, "DROP SCHEMA %s CASCADE", t->schema);
		rc = db_exec(t->d, buf_cstr(&b));
		if (rc)
			fprintf(stderr, "drop schema: %s\n", db_errmsg(t->d));
		buf_free(&b);
	}
	db_close(t->d);
	t->d = NULL;
	if (!t->pg && t->path[0]) {
		char p[300];
		unlink(t->path);
		snprintf(p, sizeof p, "%s-wal", t->path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", t->path);
		unlink(p);
	}
	return rc;
}

/* The single integer of sql (a literal: db_prepare caches by address);
** -1 when it fails. */
static inline int64_t testdb_int(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	int64_t v = -1;
	if (s && db_step(s) == DB_ROW)
		v = db_column_int(s, 0);
	if (s)
		db_reset(s);
	return v;
}

#endif
