/*
** db.h — the one database interface jifen's areas use, with two backends:
** SQLite (db_sqlite.c, the default, a file path) and PostgreSQL (db_pg.c,
** a postgresql:// URL).
**
** Rules every caller follows (see STYLE.md):
**   - SQL passed to db_prepare() / db_exec() is a string literal: values are
**     never formatted into SQL, they are bound.
**   - Placeholders are named, "$name", and bound by name.  The PostgreSQL
**     backend rewrites them to $1..$n when it prepares the statement, so the
**     same text runs on both.  Positional "$1" placeholders are not used.
**   - Write the SQL subset both engines run: INTEGER/BIGINT/TEXT columns,
**     dates as 'YYYY-MM-DD' text, times as BIGINT unix seconds bound from C,
**     booleans as 0/1 integers, INSERT ... RETURNING, ON CONFLICT ... DO
**     UPDATE, no engine-specific functions.  Aggregates that PostgreSQL types
**     as NUMERIC (SUM of BIGINT) are fine: columns are read through
**     db_column_int(), which parses text on PostgreSQL.
**
** A connection belongs to one thread.  Statements are cached per connection
** by the address of their SQL literal (Fossil's db_static_prepare): the first
** db_prepare() of a literal compiles it, later ones return the same statement,
** reset and with its bindings cleared.  Callers therefore never finalize a
** statement obtained from db_prepare(); db_close() does.
*/
#ifndef JIFEN_DB_H
#define JIFEN_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_stmt db_stmt;

/* db_step() results */
enum { DB_ROW = 100, DB_DONE = 101, DB_ERROR = 1, DB_CONSTRAINT = 19 };

/* db_open(): open the database named by url — a postgresql:// or
** postgres:// URL, else a SQLite file path — and store the connection in
** *out.  On SQLite the file is created if missing, WAL mode, foreign keys and
** a busy timeout are switched on.  Returns 0, or -1 with a message in err. */
int db_open(const char *url, db **out, char *err, size_t errlen);
void db_close(db *d);

/* Which backend: "sqlite" or "postgresql". */
const char *db_backend(const db *d);

/* The last error message of this connection (never NULL), and setting it
** (for area code that detects an error of its own mid-way). */
const char *db_errmsg(const db *d);
void db_set_error(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A write the disk had no room for (SQLITE_FULL, PostgreSQL's disk_full
** 53100): the backend sets this Chinese message, with the engine's own
** text in brackets, and db_disk_full() is 1 until the next error, so the
** CLI prints it and the web answers 503 instead of a bare failure. */
#define DB_DISK_FULL_MESSAGE "磁盘已满，无法写入数据库：请清理磁盘空间后重试"
int db_disk_full(const db *d);
void db_set_disk_full(db *d, const char *detail);

/* db_prepare(): the cached statement for the literal sql, reset and with
** cleared bindings, or NULL on a syntax error (message in db_errmsg()). */
db_stmt *db_prepare(db *d, const char *sql);

/* Binding by placeholder name including the '$' ("$code").  A name the
** statement does not contain is a programming error: returns -1 and sets
** the connection error.  Text is copied; NULL text binds SQL NULL. */
int db_bind_int(db_stmt *s, const char *name, int64_t v);
int db_bind_text(db_stmt *s, const char *name, const char *v);
int db_bind_textn(db_stmt *s, const char *name, const char *v, size_t n);
int db_bind_null(db_stmt *s, const char *name);
/* Bytes v[0..n) as a BLOB (PostgreSQL: BYTEA), copied; never NULL. */
int db_bind_blob(db_stmt *s, const char *name, const void *v, size_t n);
/* v, or SQL NULL when v is 0: an optional reference (an id that 0 says is
** absent) or an optional limit, whose column holds NULL for "none". */
int db_bind_int_or_null(db_stmt *s, const char *name, int64_t v);
/* $from and $to as the first and last month of year ("YYYY-01",
** "YYYY-12"), the bounds of a query of a year's months as the month
** columns hold them (ledger_entry, sheet).  0 or -1. */
int db_bind_year_months(db_stmt *s, int year);

/* db_step(): DB_ROW while rows come, then DB_DONE; DB_CONSTRAINT when a
** UNIQUE/CHECK/foreign key/trigger constraint refused the statement;
** DB_ERROR for anything else (message in db_errmsg()). */
int db_step(db_stmt *s);
/* db_step() of a lookup of at most one row: 0 a row (read its columns,
** then db_reset), 1 no row, -1 an error. */
int db_step_one(db_stmt *s);
/* db_read_rows(): step s (prepared and bound) to its end into a new array
** in arena a of elements of size bytes, each zeroed and then filled by
** read(s, a, row); the array's address goes to *(T **)rows_out (NULL when
** there is none), its length to *n.  0, or -1 after a failed step.  The
** getters' loop, written once: each area keeps only its row reader. */
struct arena;
typedef void (*db_row_fn)(db_stmt *s, struct arena *a, void *row);
int db_read_rows(db_stmt *s, struct arena *a, size_t size, db_row_fn read, void *rows_out, int *n);
/* db_read_int(): the first column of the one row of s (prepared and
** bound; a COUNT(*), a MAX()) as an integer into *out, s reset.  0, or -1
** when there was no row or the step failed. */
int db_read_int(db_stmt *s, int64_t *out);
/* db_read_one(): the lookup of at most one row of db_read_rows(): a new
** zeroed element of size bytes in arena a, filled by read(s, a, row), its
** address to *(T **)out (left alone when there is no row); s is reset.
** 0 a row, 1 none, -1 an error. */
int db_read_one(db_stmt *s, struct arena *a, size_t size, db_row_fn read, void *out);
/* db_read_page(): db_read_rows() of a keyset page, s asked for limit + 1
** rows: at most limit of them into the array, and *more 1 when the extra
** row came (there is a next page; its cursor is the last row's key), else
** 0.  limit -1: no limit.  0, or -1 after a failed step. */
int db_read_page(db_stmt *s, struct arena *a, size_t size, db_row_fn read, int limit,
		 void *rows_out, int *n, int *more);

/* Columns of the current row, numbered from 0.  Text stays valid until the
** next step/reset of the statement. NULL reads as 0 / NULL. */
int64_t db_column_int(db_stmt *s, int col);
const char *db_column_text(db_stmt *s, int col);
int db_column_is_null(db_stmt *s, int col);
/* A BLOB (BYTEA) column's bytes and *n their length, valid until the next
** step/reset or db_column_blob of the statement; NULL for SQL NULL. */
const void *db_column_blob(db_stmt *s, int col, size_t *n);
/* 1 when the current row's column holds bytes (BLOB, BYTEA), not text. */
int db_column_is_blob(db_stmt *s, int col);
/* The column's text copied into arena a (util.h), NULL for SQL NULL. */
struct arena;
char *db_column_dup(db_stmt *s, int col, struct arena *a);
int db_column_count(db_stmt *s);

/* Reset a statement so it can run again (bindings are kept). */
void db_reset(db_stmt *s);

/* 1 when a statement of this connection failed (DB_ERROR, not a constraint:
** the database is unreachable, read-only, full, or refused the SQL) since
** the last db_release().  A lookup that found nothing may then not mean
** "not there": the server answers 503, not 404 or "logged out". */
int db_failed(const db *d);

/* Reset every statement of the connection that still holds a row.  A
** statement left on a row keeps SQLite's read snapshot open, so later reads
** on the connection would see old data: the server calls this after every
** request, the CLI after every command.  Clears db_failed(). */
void db_release(db *d);

/* db_exec(): run literal SQL that takes no parameters (may hold several
** statements on SQLite; one on PostgreSQL unless it is a migration script,
** see db_exec_script).  Returns 0 or -1. */
int db_exec(db *d, const char *sql);

/* 1 when the database takes writes (the file and its folder are writable,
** the PostgreSQL session is not read-only), 0 when not: serve warns at
** start.  Writes nothing. */
int db_writable(db *d);

/* Transactions.  db_begin_write() takes the write lock at once (SQLite
** BEGIN IMMEDIATE) so that a transaction that will write never fails
** half-way with SQLITE_BUSY.  Returns 0 or -1. */
int db_begin(db *d);
/* A read transaction that sees the whole database as of one moment across
** all its statements (SQLite: any read transaction; PostgreSQL: REPEATABLE
** READ, where the default READ COMMITTED snapshots per statement). */
int db_begin_snapshot(db *d);
int db_begin_write(db *d);
/* 1 while a transaction begun with one of the above is open. */
int db_in_transaction(const db *d);
int db_commit(db *d);
int db_rollback(db *d);

/* db_on_commit(): run fn(d, arg) inside the next transaction this
** connection commits, just before its COMMIT, then forget it.  A failing
** fn (non-zero) makes db_commit() fail (the caller rolls back).  The
** server uses it to record a request's idempotency key in the same
** transaction as the request's writes.  fn NULL clears it. */
typedef int (*db_commit_fn)(db *d, void *arg);
void db_on_commit(db *d, db_commit_fn fn, void *arg);
/* 1 when the hook set by db_on_commit() has run (and committed). */
int db_commit_hook_ran(db *d);

/* db_touch(): note inside a write transaction that what key names was
** changed: key > 0 a household, key < 0 the village -key (every household
** of it).  Just before the transaction's COMMIT (before the db_on_commit()
** hook) the process's touch handler, set once at start-up with
** db_set_touch_handler(), gets the distinct keys and may write in the same
** transaction (passbook_store.c re-renders those passbooks there); a
** failing handler makes db_commit() fail.  Keys are forgotten at COMMIT and
** ROLLBACK.  Without a handler db_touch() does nothing.  Returns 0, or -1
** out of memory (the connection's error set). */
int db_touch(db *d, int64_t key);
typedef int (*db_touch_fn)(db *d, const int64_t *keys, size_t n);
void db_set_touch_handler(db_touch_fn fn);
/* db_defer(): key is for the process's committed handler
** (db_set_committed_handler, set once at start-up) once this transaction
** has committed — never if it rolls back; outside a transaction at once.
** For work that must see the commit (rendering after a bulk write).
** Returns 0, or -1 out of memory. */
int db_defer(db *d, int64_t key);
void db_set_committed_handler(db_touch_fn fn);

/* Rows changed by the last INSERT/UPDATE/DELETE statement. */
int64_t db_changes(db *d);

/* Migrations: bring the schema to the newest version embedded in the binary,
** running, in order, each embedded migration that schema_version does not
** record yet (also one numbered below the newest recorded).  Prints nothing;
** returns 0, or -1 with a message in err. *version receives the newest
** schema version after the run. */
int db_migrate(db *d, int *version, char *err, size_t errlen);

/* A consistent copy of the whole database into a new file at path, whole
** or not at all: SQLite's online backup API into a SQLite file; on
** PostgreSQL pg_dump's custom format (-Fc), checked with pg_restore
** --list.  Returns 0 or -1 with err. */
int db_backup(db *d, const char *path, char *err, size_t errlen);
/* PostgreSQL: pg_restore a db_backup() dump into d, which must hold no
** table.  0, 1 (not empty: rejected, err says so) or -1 with err; -1 on
** SQLite, whose restore is a file swap (cmd_deploy.c). */
int db_restore_dump(db *d, const char *path, char *err, size_t errlen);

/* ---- bulk loading ------------------------------------------------------
** Many rows into one table inside the caller's transaction: PostgreSQL
** COPY FROM STDIN (one round trip per row is ~100x slower there), SQLite one
** prepared INSERT stepped per row.  table and cols are identifiers written
** in the code ([a-z0-9_] only, checked); values are text (NULL: SQL NULL),
** converted by the column's type.  db_copy_end() finishes and frees; it
** returns 0, DB_CONSTRAINT when a constraint refused a row, or -1.  After
** a failed row the load is over: call db_copy_end() and roll back. */
typedef struct db_copy db_copy;
db_copy *db_copy_begin(db *d, const char *table, const char *const *cols, int ncols);
int db_copy_row(db_copy *c, const char *const *vals);
int db_copy_end(db_copy *c);

/* A statement outside the cache, for SQL that is built at run time from
** identifiers of the schema itself (migrate-db copies every table): the
** caller finalizes it.  Values are still only ever bound. */
db_stmt *db_prepare_uncached(db *d, const char *sql);
/* 1 when s is a plain lower-case identifier ([a-z_][a-z0-9_]*, ≤ 63). */
int db_ident_ok(const char *s);
void db_finalize(db_stmt *s);

/* Column names of a statement (after db_prepare) — for generic copying
** of whole tables (migrate-db). */
const char *db_column_name(db_stmt *s, int col);

/* After rows were loaded with explicit ids: move table's id generator past
** its largest id (PostgreSQL identity columns; nothing on SQLite). */
int db_sync_ids(db *d, const char *table);

/* ---- backend plumbing, used by db.c and the two backend files only ---- */
struct db_backend_ops;
#endif
