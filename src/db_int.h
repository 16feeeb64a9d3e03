/*
** db_int.h — what a database backend provides to db.c.  Only db.c,
** db_sqlite.c and db_pg.c include this file.
*/
#ifndef JIFEN_DB_INT_H
#define JIFEN_DB_INT_H

#include "db.h"
#include "util.h"

/* Every backend statement starts with this header. */
struct db_stmt {
	db *d;
	const char *sql; /* the literal it was prepared from (cache key) */
};

struct db_ops {
	const char *name;      /* "sqlite" or "postgresql" */
	const char *id_pk;     /* what "@ID@" in a migration becomes */
	/* Append to b the SQL that makes table refuse UPDATE and DELETE
	** ("--@append_only"), or DELETE only ("--@no_delete"); table is a
	** plain identifier (checked by db.c). */
	void (*append_only)(buf *b, const char *table);
	void (*no_delete)(buf *b, const char *table);
	int (*open)(db *d, const char *url);
	void (*close)(db *d);
	db_stmt *(*prepare)(db *d, const char *sql);
	void (*finalize)(db_stmt *s);
	int (*bind_int)(db_stmt *s, const char *name, int64_t v);
	int (*bind_text)(db_stmt *s, const char *name, const char *v, size_t n);
	int (*bind_null)(db_stmt *s, const char *name);
	int (*bind_blob)(db_stmt *s, const char *name, const void *v, size_t n);
	int (*step)(db_stmt *s);
	int64_t (*column_int)(db_stmt *s, int col);
	const char *(*column_text)(db_stmt *s, int col);
	/* the bytes of a BLOB (BYTEA) column, *n their length; NULL for SQL
	** NULL; valid until the next step, reset or column_blob */
	const void *(*column_blob)(db_stmt *s, int col, size_t *n);
	int (*column_is_blob)(db_stmt *s, int col);
	int (*column_is_null)(db_stmt *s, int col);
	int (*column_count)(db_stmt *s);
	void (*reset)(db_stmt *s);
	void (*clear)(db_stmt *s); /* reset and clear bindings */
	void (*release)(db *d);    /* reset all statements */
	int (*exec)(db *d, const char *sql);
	int64_t (*changes)(db *d);
	int (*begin_write)(db *d);
	const char *begin_snapshot; /* SQL that starts a one-snapshot read transaction */
	int (*backup)(db *d, const char *path);
	/* a backup into this empty database (PostgreSQL; NULL on SQLite, whose
	** restore swaps files, see cmd_deploy.c): 0, 1 not empty, -1 */
	int (*restore)(db *d, const char *path);
	/* bulk loading: sql_cols is "table(c1,c2,...)" */
	int (*copy_begin)(struct db_copy *c, const char *table, const char *const *cols, int ncols);
	int (*copy_row)(struct db_copy *c, const char *const *vals);
	int (*copy_end)(struct db_copy *c);
	const char *(*column_name)(db_stmt *s, int col);
	int (*sync_ids)(db *d, const char *table);
};

struct db_copy {
	db *d;
	int ncols;
	int failed;   /* a row failed: DB_CONSTRAINT or -1 */
	void *state;  /* backend's */
};


struct stmt_slot {
	const char *sql;
	db_stmt *stmt;
};

struct db {
	const struct db_ops *ops;
	void *conn;             /* sqlite3* or PGconn* */
	char err[512];
	int64_t changes;        /* set by backends that cannot ask later */
	struct stmt_slot *cache; /* open addressing by pointer, cap a power of 2 */
	size_t ncache, capcache;
	int in_tx;
	int disk_full;            /* the last error was a full disk (db_disk_full) */
	db_commit_fn commit_fn;  /* db_on_commit() */
	void *commit_arg;
	int commit_ran;
	int failed;             /* a statement failed since db_release(): db_failed() */
	/* db_touch(): the households (> 0) and villages (< 0, negated) this
	** transaction changed the passbook of, handed to the touch handler
	** before COMMIT; forgotten at COMMIT and ROLLBACK */
	int64_t *touched;
	size_t ntouched, captouched;
	/* db_defer(): keys handed to the committed handler after COMMIT */
	int64_t *deferred;
	size_t ndeferred, capdeferred;
	void *backend;          /* backend private state */
};


/* One migration's text as this backend runs it: its markers (@ID@,
** --@append_only, --@no_delete, --@postgresql; see db.c) translated,
** appended to out.  Returns 0, or -1 with the connection's error set. */
int db_migration_translate(db *d, const char *src, buf *out);

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
