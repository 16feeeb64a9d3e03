/*
** db.c — the backend-independent half of the database interface: choosing
** the backend from the URL, the per-connection statement cache, and the
** migration runner over the schema files embedded in the binary.
*/
#include "db_int.h"
#include "ledger_tree.h"
#include "embed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void db_set_error(db *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
	d->disk_full = 0;
}

void db_set_disk_full(db *d, const char *detail)
{
	char why[sizeof d->err];
	snprintf(why, sizeof why, "%s", detail ? detail : ""); /* detail may be d->err */
	db_set_error(d, "%s（%.300s）", DB_DISK_FULL_MESSAGE, why);
	d->disk_full = 1;
}

int db_disk_full(const db *d)
{
	return d->disk_full;
}

static int is_pg_url(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

int db_open(const char *url, db **out, char *err, size_t errlen)
{
	db *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	d->ops = is_pg_url(url) ? &db_pg_ops : &db_sqlite_ops;
	if (d->ops->open(d, url)) {
		snprintf(err, errlen, "%s", d->err);
		d->ops->close(d);
		free(d);
		*out = NULL;
		return -1;
	}
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->capcache; i++)
		if (d->cache[i].stmt)
			d->ops->finalize(d->cache[i].stmt);
	free(d->cache);
	free(d->touched);
	free(d->deferred);
	d->ops->close(d);
	free(d);
}

const char *db_backend(const db *d)
{
	return d->ops->name;
}

const char *db_errmsg(const db *d)
{
	return d->err;
}

static size_t ptr_hash(const void *p)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= 0xed5ad4bbU;
	x ^= x >> 11;
	return (size_t)x;
}

static void cache_put(db *d, const char *sql, db_stmt *s)
{
	if ((d->ncache + 1) * 2 > d->capcache) {
		size_t cap = d->capcache ? d->capcache * 2 : 128;
		struct stmt_slot *old = d->cache;
		size_t oldcap = d->capcache;
		d->cache = calloc(cap, sizeof *d->cache);
		if (!d->cache)
			abort();
		d->capcache = cap;
		d->ncache = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].stmt)
				cache_put(d, old[i].sql, old[i].stmt);
		free(old);
	}
	size_t i = ptr_hash(sql) & (d->capcache - 1);
	while (d->cache[i].stmt)
		i = (i + 1) & (d->capcache - 1);
	d->cache[i].sql = sql;
	d->cache[i].stmt = s;
	d->ncache++;
}

db_stmt *db_prepare(db *d, const char *sql)
{
	if (d->capcache) {
		size_t i = ptr_hash(sql) & (d->capcache - 1);
		while (d->cache[i].stmt) {
			if (d->cache[i].sql == sql) {
				d->ops->clear(d->cache[i].stmt);
				return d->cache[i].stmt;
			}
			i = (i + 1) & (d->capcache - 1);
		}
	}
	db_stmt *s = d->ops->prepare(d, sql);
	if (!s) {
		d->failed = 1;
		return NULL;
	}
	s->d = d;
	s->sql = sql;
	cache_put(d, sql, s);
	return s;
}

db_stmt *db_prepare_uncached(db *d, const char *sql)
{
	db_stmt *s = d->ops->prepare(d, sql);
	if (s) {
		s->d = d;
		s->sql = NULL;
	}
	return s;
}

void db_finalize(db_stmt *s)
{
	if (s)
		s->d->ops->finalize(s);
}

int db_bind_int(db_stmt *s, const char *name, int64_t v)
{
	return s->d->ops->bind_int(s, name, v);
}

int db_bind_textn(db_stmt *s, const char *name, const char *v, size_t n)
{
	if (!v)
		return s->d->ops->bind_null(s, name);
	return s->d->ops->bind_text(s, name, v, n);
}

int db_bind_text(db_stmt *s, const char *name, const char *v)
{
	return db_bind_textn(s, name, v, v ? strlen(v) : 0);
}

int db_bind_blob(db_stmt *s, const char *name, const void *v, size_t n)
{
	return s->d->ops->bind_blob(s, name, v ? v : "", n);
}

int db_bind_null(db_stmt *s, const char *name)
{
	return s->d->ops->bind_null(s, name);
}

int db_bind_int_or_null(db_stmt *s, const char *name, int64_t v)
{
	return v ? db_bind_int(s, name, v) : db_bind_null(s, name);
}

int db_bind_year_months(db_stmt *s, int year)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01", year);
	snprintf(to, sizeof to, "%04d-12", year);
	return db_bind_text(s, "$from", from) || db_bind_text(s, "$to", to) ? -1 : 0;
}

int db_step(db_stmt *s)
{
	int st = s->d->ops->step(s);
	if (st == DB_ERROR)
		s->d->failed = 1;
	return st;
}

int db_failed(const db *d)
{
	return d->failed;
}

int64_t db_column_int(db_stmt *s, int col)
{
	return s->d->ops->column_int(s, col);
}

int db_step_one(db_stmt *s)
{
	int st = db_step(s);
	return st == DB_ROW ? 0 : st == DB_DONE ? 1 : -1;
}

int db_read_page(db_stmt *s, arena *a, size_t size, db_row_fn read, int limit, void *rows_out,
		 int *n, int *more)
{
	char *rows = NULL;
	int cap = 0, st;
	*n = 0;
	*more = 0;
	while ((st = db_step(s)) == DB_ROW) {
		if (*n == limit) { /* one more than asked: there is a next page */
			*more = 1;
			st = DB_DONE;
			break;
		}
		rows = arena_grow(a, rows, &cap, *n, size);
		read(s, a, rows + (size_t)(*n)++ * size); /* arena memory: zeroed */
	}
	db_reset(s);
	memcpy(rows_out, &rows, sizeof rows);
	return st == DB_DONE ? 0 : -1;
}

int db_read_int(db_stmt *s, int64_t *out)
{
	int st = db_step(s);
	if (st == DB_ROW)
		*out = db_column_int(s, 0);
	db_reset(s);
	return st == DB_ROW ? 0 : -1;
}

int db_read_one(db_stmt *s, arena *a, size_t size, db_row_fn read, void *out)
{
	int st = db_step_one(s);
	if (st)
		return st;
	void *row = arena_alloc(a, size); /* zeroed */
	read(s, a, row);
	db_reset(s);
	memcpy(out, &row, sizeof row);
	return 0;
}

int db_read_rows(db_stmt *s, arena *a, size_t size, db_row_fn read, void *rows_out, int *n)
{
	int more;
	return db_read_page(s, a, size, read, -1, rows_out, n, &more); /* no limit */
}

const char *db_column_text(db_stmt *s, int col)
{
	return s->d->ops->column_text(s, col);
}

const void *db_column_blob(db_stmt *s, int col, size_t *n)
{
	*n = 0;
	return s->d->ops->column_blob(s, col, n);
}

int db_column_is_blob(db_stmt *s, int col)
{
	return s->d->ops->column_is_blob(s, col);
}

int db_column_is_null(db_stmt *s, int col)
{
	return s->d->ops->column_is_null(s, col);
}

char *db_column_dup(db_stmt *s, int col, arena *a)
{
	return db_column_is_null(s, col) ? NULL : arena_strdup(a, db_column_text(s, col));
}

int db_column_count(db_stmt *s)
{
	return s->d->ops->column_count(s);
}

void db_reset(db_stmt *s)
{
	s->d->ops->reset(s);
}

void db_release(db *d)
{
	d->ops->release(d);
	d->failed = 0;
}

int db_exec(db *d, const char *sql)
{
	int rc = d->ops->exec(d, sql);
	if (rc)
		d->failed = 1;
	return rc;
}

int64_t db_changes(db *d)
{
	return d->ops->changes(d);
}

int db_writable(db *d)
{
	/* a statement that writes no row is still refused by a read-only
	** database (SQLite already at BEGIN IMMEDIATE) */
	int ok = 0;
	if (db_begin_write(d) == 0) {
		db_stmt *s = db_prepare(d, "UPDATE schema_version SET version = version WHERE 1 = 0");
		ok = s && db_step(s) == DB_DONE;
		db_rollback(d);
	}
	db_release(d);
	return ok;
}

int db_begin(db *d)
{
	if (db_exec(d, "BEGIN"))
		return -1;
	d->in_tx = 1;
	return 0;
}

int db_begin_snapshot(db *d)
{
	if (db_exec(d, d->ops->begin_snapshot))
		return -1;
	d->in_tx = 1;
	return 0;
}

int db_begin_write(db *d)
{
	if (d->ops->begin_write(d)) {
		d->failed = 1;
		return -1;
	}
	d->in_tx = 1;
	return 0;
}

int db_in_transaction(const db *d)
{
	return d->in_tx;
}

void db_on_commit(db *d, db_commit_fn fn, void *arg)
{
	d->commit_fn = fn;
	d->commit_arg = arg;
	d->commit_ran = 0;
}

int db_commit_hook_ran(db *d)
{
	return d->commit_ran;
}

/* The process's touch handler (db_set_touch_handler): set once before
** any thread runs, read-only after. */
static db_touch_fn touch_handler;

void db_set_touch_handler(db_touch_fn fn)
{
	touch_handler = fn;
}

int db_touch(db *d, int64_t key)
{
	if (!touch_handler || !key)
		return 0;
	for (size_t i = 0; i < d->ntouched; i++)
		if (d->touched[i] == key)
			return 0;
	if (d->ntouched == d->captouched) {
		size_t cap = d->captouched ? 2 * d->captouched : 16;
		int64_t *p = realloc(d->touched, cap * sizeof *p);
		if (!p) {
			db_set_error(d, "内存不足");
			return -1;
		}
		d->touched = p;
		d->captouched = cap;
	}
	d->touched[d->ntouched++] = key;
	return 0;
}

/* The process's committed handler (db_set_committed_handler), likewise. */
static db_touch_fn committed_handler;

void db_set_committed_handler(db_touch_fn fn)
{
	committed_handler = fn;
}

int db_defer(db *d, int64_t key)
{
	if (!committed_handler || !key)
		return 0;
	if (!d->in_tx)
		return committed_handler(d, &key, 1);
	if (d->ndeferred == d->capdeferred) {
		size_t cap = d->capdeferred ? 2 * d->capdeferred : 16;
		int64_t *p = realloc(d->deferred, cap * sizeof *p);
		if (!p) {
			db_set_error(d, "内存不足");
			return -1;
		}
		d->deferred = p;
		d->capdeferred = cap;
	}
	d->deferred[d->ndeferred++] = key;
	return 0;
}

/* Hand the touched keys to the handler (inside the transaction). */
static int touch_run(db *d)
{
	if (!d->in_tx || !d->ntouched || !touch_handler)
		return 0;
	size_t n = d->ntouched;
	d->ntouched = 0; /* what the handler itself touches is its own business */
	return touch_handler(d, d->touched, n);
}

int db_commit(db *d)
{
	db_commit_fn fn = d->in_tx ? d->commit_fn : NULL;
	if (touch_run(d))
		return -1;
	if (fn && fn(d, d->commit_arg))
		return -1;
	int rc = db_exec(d, "COMMIT");
	d->ntouched = 0;
	if (rc == 0) {
		d->in_tx = 0;
		/* what waits for the commit: nothing it returns undoes the commit */
		if (d->ndeferred && committed_handler)
			committed_handler(d, d->deferred, d->ndeferred);
		d->ndeferred = 0;
		if (fn) {
			d->commit_fn = NULL;
			d->commit_ran = 1;
		}
	}
	return rc;
}

int db_rollback(db *d)
{
	/* keep the first error: the rollback is the consequence, not the cause */
	char saved[sizeof d->err];
	memcpy(saved, d->err, sizeof saved);
	int rc = db_exec(d, "ROLLBACK");
	memcpy(d->err, saved, sizeof saved);
	d->in_tx = 0;
	d->ntouched = 0;
	d->ndeferred = 0;
	return rc;
}

int db_ident_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 63 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

db_copy *db_copy_begin(db *d, const char *table, const char *const *cols, int ncols)
{
	if (!db_ident_ok(table) || ncols < 1) {
		db_set_error(d, "批量写入: 表名无效");
		return NULL;
	}
	for (int i = 0; i < ncols; i++)
		if (!db_ident_ok(cols[i])) {
			db_set_error(d, "批量写入: 列名无效");
			return NULL;
		}
	db_copy *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->d = d;
	c->ncols = ncols;
	if (d->ops->copy_begin(c, table, cols, ncols)) {
		free(c);
		return NULL;
	}
	return c;
}

int db_copy_row(db_copy *c, const char *const *vals)
{
	if (c->failed)
		return -1;
	int rc = c->d->ops->copy_row(c, vals);
	if (rc)
		c->failed = rc;
	return rc ? -1 : 0;
}

int db_copy_end(db_copy *c)
{
	if (!c)
		return -1;
	int rc = c->d->ops->copy_end(c);
	if (c->failed)
		rc = c->failed;
	free(c);
	return rc;
}

const char *db_column_name(db_stmt *s, int col)
{
	return s->d->ops->column_name(s, col);
}

int db_sync_ids(db *d, const char *table)
{
	if (!db_ident_ok(table))
		return -1;
	return d->ops->sync_ids(d, table);
}

int db_backup(db *d, const char *path, char *err, size_t errlen)
{
	if (d->ops->backup(d, path)) {
		snprintf(err, errlen, "%s", d->err);
		return -1;
	}
	return 0;
}

int db_restore_dump(db *d, const char *path, char *err, size_t errlen)
{
	if (!d->ops->restore) {
		snprintf(err, errlen, "%s 数据库不能这样恢复", d->ops->name);
		return -1;
	}
	int rc = d->ops->restore(d, path);
	if (rc)
		snprintf(err, errlen, "%s", d->err);
	return rc;
}

/* The argument of a marker line "--@name ARG" (p, n bytes, skip the length of
** "--@name "): ARG with the white space around it removed, into out. */
static void marker_arg(const char *p, size_t n, size_t skip, char *out, size_t outlen)
{
	size_t an = n - skip < outlen - 1 ? n - skip : outlen - 1;
	memcpy(out, p + skip, an);
	out[an] = 0;
	str_trim(out);
}

/* Turn one migration's text (src/schema/NNN-*.sql) into what this backend
** runs, appended to out.  The markers:
**   @ID@                    anywhere: the backend's auto-numbered primary key
**   --@append_only TABLE    a line: the backend's triggers that refuse UPDATE
**                           and DELETE on TABLE (on PostgreSQL also TRUNCATE)
**   --@no_delete TABLE      a line: triggers that refuse DELETE on TABLE (on
**                           PostgreSQL also TRUNCATE) but let rows be updated —
**                           for rows that others refer to without a foreign key
**   --@postgresql SQL       a line: SQL (one whole statement with its ';') run
**                           on PostgreSQL only, for what SQLite cannot run, such
**                           as ALTER TABLE … DROP CONSTRAINT; on SQLite the line
**                           is dropped
**   --@sqlite SQL           the same for SQLite only (WITHOUT ROWID tables)
** Every other line is copied.  Returns 0, or -1 with the connection error
** set when a marker's TABLE is not a plain identifier. */
int db_migration_translate(db *d, const char *src, buf *out)
{
	static const char append_only[] = "--@append_only ", no_delete[] = "--@no_delete ",
			  postgresql[] = "--@postgresql ", sqlite[] = "--@sqlite ";
	const char *p = src;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		int ao = !strncmp(p, append_only, sizeof append_only - 1);
		if (ao || !strncmp(p, no_delete, sizeof no_delete - 1)) {
			char table[64];
			marker_arg(p, n, ao ? sizeof append_only - 1 : sizeof no_delete - 1, table,
				   sizeof table);
			if (!db_ident_ok(table)) {
				db_set_error(d, "%.*s: 表名无效", (int)(n < 80 ? n : 80), p);
				return -1;
			}
			(ao ? d->ops->append_only : d->ops->no_delete)(out, table);
		} else if (!strncmp(p, postgresql, sizeof postgresql - 1)) {
			/* the statement of a PostgreSQL-only line; elsewhere nothing */
			if (!strcmp(d->ops->name, "postgresql"))
				buf_append(out, p + sizeof postgresql - 1,
					   n - (sizeof postgresql - 1));
		} else if (!strncmp(p, sqlite, sizeof sqlite - 1)) {
			if (!strcmp(d->ops->name, "sqlite"))
				buf_append(out, p + sizeof sqlite - 1, n - (sizeof sqlite - 1));
		} else {
			for (size_t i = 0; i < n; i++) {
				if (!strncmp(p + i, "@ID@", 4) && i + 4 <= n) {
					buf_puts(out, d->ops->id_pk);
					i += 3;
				} else
					buf_append(out, p + i, 1);
			}
		}
		buf_puts(out, "\n");
		p += n + (eol ? 1 : 0);
	}
	return 0;
}

/* Prefix the connection's error with the migration file's name (the
** message is copied first: it cannot be both the format's argument and
** its destination). */
static void migration_error(db *d, const char *name)
{
	char why[sizeof d->err];
	memcpy(why, d->err, sizeof why);
	db_set_error(d, "迁移 %s 失败: %.400s", name, why);
}

/* The C steps of migrations, for what SQL cannot do (011: the Merkle tree's
** stored hashes of every ledger entry posted before it, which need SHA-256
** over each entry's canonical encoding).  A line "--@backfill NAME" of a
** migration runs the step named NAME in the migration's transaction, after
** its SQL.  The steps live in their areas: this table is the one place the
** db layer names area code, so that no caller of db_migrate() can forget
** them. */
static const struct {
	const char *name;
	int (*fn)(db *d);
} backfills[] = {
	{"ledger_tree", ledger_tree_backfill},
};

/* Run the steps the "--@backfill NAME" lines of migration src name.
** Returns 0, or -1 with the connection error set. */
static int migration_backfills(db *d, const char *src)
{
	static const char mark[] = "--@backfill ";
	for (const char *p = src; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, mark, sizeof mark - 1))
			continue;
		const char *eol = strchr(p, '\n');
		char name[64];
		marker_arg(p, eol ? (size_t)(eol - p) : strlen(p), sizeof mark - 1, name, sizeof name);
		size_t i = 0;
		while (i < sizeof backfills / sizeof *backfills && strcmp(backfills[i].name, name))
			i++;
		if (i == sizeof backfills / sizeof *backfills) {
			db_set_error(d, "--@backfill %s: 没有这个步骤", name);
			return -1;
		}
		if (backfills[i].fn(d))
			return -1;
	}
	return 0;
}

int db_migrate(db *d, int *version, char *err, size_t errlen)
{
	int rc = -1, cur = 0;
	buf sql = {0};
	if (db_exec(d, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"))
		goto out;
	db_stmt *s = db_prepare(d, "SELECT COALESCE(MAX(version),0) FROM schema_version");
	if (!s || db_step(s) != DB_ROW)
		goto out;
	cur = (int)db_column_int(s, 0);
	db_reset(s);
	/* every migration not yet recorded runs, in order, also one numbered
	** below the newest recorded: migrations written in parallel can land
	** out of order, and a database already at 7 must still get 6 */
	for (const struct embedded_file *f = embedded_schema; f->name; f++) {
		int v = atoi(f->name);
		s = db_prepare(d, "SELECT COUNT(*) FROM schema_version WHERE version = $v");
		if (!s || db_bind_int(s, "$v", v) || db_step(s) != DB_ROW)
			goto out;
		int64_t done = db_column_int(s, 0);
		db_reset(s);
		if (done)
			continue;
		sql.len = 0;
		if (db_migration_translate(d, (const char *)f->data, &sql)) {
			migration_error(d, f->name);
			goto out;
		}
		if (db_begin_write(d))
			goto out;
		if (db_exec(d, buf_cstr(&sql)) || migration_backfills(d, (const char *)f->data)) {
			migration_error(d, f->name);
			db_rollback(d);
			goto out;
		}
		db_stmt *ins = db_prepare(d, "INSERT INTO schema_version(version) VALUES($v)");
		if (!ins || db_bind_int(ins, "$v", v) || db_step(ins) != DB_DONE || db_commit(d)) {
			db_rollback(d);
			goto out;
		}
		if (v > cur)
			cur = v;
	}
	rc = 0;
out:
	if (rc)
		snprintf(err, errlen, "%s", d->err);
	*version = cur;
	buf_free(&sql);
	return rc;
}
