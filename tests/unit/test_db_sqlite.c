/*
** test_db_sqlite.c — unit tests of src/db_sqlite.c, the SQLite backend,
** beside the db.h contract that test_db.c runs on both backends: what
** db_open sets up (the file created, WAL, foreign keys, a busy timeout),
** a snapshot that another connection's commit does not change, the
** online backup (a whole copy renamed into place, an unwritable place
** leaving nothing), what SQLite does not have (dump restore, id
** generators), uncached statements and their column names, the
** disk-full state, and the commit hook and touch handler that run just
** before COMMIT (a failing one fails the commit, nothing stays; the hook
** stays armed until a transaction commits or the caller clears it).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "testdb.h"

static const char *one_text(db *d, const char *sql)
{
	static char out[256];
	db_stmt *s = db_prepare(d, sql);
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	snprintf(out, sizeof out, "%s", db_column_text(s, 0));
	db_reset(s);
	return out;
}

/* Remove a SQLite file and its WAL companions. */
static void remove_db(const char *path)
{
	char p[320];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	*state = t;
	if (testdb_open(t, "sqlite"))
		return -1;
	return db_exec(t->d, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
}

static int teardown(void **state)
{
	struct testdb *t = *state;
	int rc = testdb_close(t);
	free(t);
	return rc;
}

/* db_sqlite-100: what db_open sets up. */
static void db_sqlite_100_open(void **state)
{
	struct testdb *t = *state;
	assert_string_equal(db_backend(t->d), "sqlite");
	assert_string_equal(one_text(t->d, "PRAGMA journal_mode"), "wal");
	assert_int_equal(testdb_int(t->d, "PRAGMA foreign_keys"), 1);
	assert_int_equal(testdb_int(t->d, "PRAGMA busy_timeout"), 10000);
	/* a missing file is created */
	char path[300];
	snprintf(path, sizeof path, "%s-new", t->path);
	unlink(path);
	db *d = NULL;
	char err[256];
	assert_int_equal(db_open(path, &d, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	db_close(d);
	remove_db(path);
	/* a folder that does not exist is an error in Chinese naming the file */
	assert_int_equal(db_open("/no/such/dir/x.db", &d, err, sizeof err), -1);
	assert_non_null(strstr(err, "/no/such/dir/x.db"));
}

/* db_sqlite-110: a snapshot sees the database as of its first read,
** whatever another connection commits meanwhile. */
static void db_sqlite_110_snapshot(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(db_exec(t->d, "INSERT INTO t(v) VALUES ('a')"), 0);
	db *other = NULL;
	char err[256];
	assert_int_equal(db_open(t->path, &other, err, sizeof err), 0);
	assert_int_equal(db_begin_snapshot(t->d), 0);
	assert_true(db_in_transaction(t->d));
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(db_exec(other, "INSERT INTO t(v) VALUES ('b')"), 0);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(db_commit(t->d), 0);
	assert_false(db_in_transaction(t->d));
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 2);
	db_close(other);
}

/* db_sqlite-120: the online backup is a whole database at path; a place
** that cannot be written leaves nothing. */
static void db_sqlite_120_backup(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(db_exec(t->d, "INSERT INTO t(v) VALUES ('张三'), ('李四')"), 0);
	char path[300], err[256];
	snprintf(path, sizeof path, "%s-backup", t->path);
	unlink(path);
	assert_int_equal(db_backup(t->d, path, err, sizeof err), 0);
	db *copy = NULL;
	assert_int_equal(db_open(path, &copy, err, sizeof err), 0);
	assert_int_equal(testdb_int(copy, "SELECT COUNT(*) FROM t"), 2);
	db_close(copy);
	remove_db(path);
	assert_int_equal(db_backup(t->d, "/no/such/dir/b.db", err, sizeof err), -1);
	assert_non_null(strstr(err, "无法创建备份文件 /no/such/dir/b.db"));
	/* no dump restore on SQLite: its restore is a file swap */
	assert_int_equal(db_restore_dump(t->d, path, err, sizeof err), -1);
	/* no id generators to move */
	assert_int_equal(db_sync_ids(t->d, "t"), 0);
}

/* db_sqlite-130: uncached statements and their column names; the
** identifier check of generic copying. */
static void db_sqlite_130_uncached(void **state)
{
	struct testdb *t = *state;
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT id, v AS text_value FROM %s", "t");
	db_stmt *s = db_prepare_uncached(t->d, sql);
	assert_non_null(s);
	assert_int_equal(db_column_count(s), 2);
	assert_string_equal(db_column_name(s, 0), "id");
	assert_string_equal(db_column_name(s, 1), "text_value");
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	assert_null(db_prepare_uncached(t->d, "SELECT FROM nowhere"));
	assert_true(db_ident_ok("ledger_entry"));
	assert_true(db_ident_ok("_x1"));
	assert_false(db_ident_ok("1x"));
	assert_false(db_ident_ok("Ledger"));
	assert_false(db_ident_ok("t; DROP TABLE t"));
	assert_false(db_ident_ok(""));
	char longname[70];
	memset(longname, 'a', 64);
	longname[64] = 0;
	assert_false(db_ident_ok(longname));
	longname[63] = 0;
	assert_true(db_ident_ok(longname));
}

/* db_sqlite-140: the disk-full state, until the next error. */
static void db_sqlite_140_disk_full(void **state)
{
	struct testdb *t = *state;
	assert_false(db_disk_full(t->d));
	db_set_disk_full(t->d, "database or disk is full");
	assert_true(db_disk_full(t->d));
	assert_non_null(strstr(db_errmsg(t->d), DB_DISK_FULL_MESSAGE));
	assert_non_null(strstr(db_errmsg(t->d), "database or disk is full"));
	assert_int_equal(db_exec(t->d, "SELECT * FROM no_such_table"), -1);
	assert_false(db_disk_full(t->d));
	assert_true(db_failed(t->d));
	db_release(t->d);
	assert_false(db_failed(t->d));
}

static int64_t touched[16];
static size_t ntouched;
static int touch_fails;

static int on_touch(db *d, const int64_t *keys, size_t n)
{
	(void)d;
	ntouched = n;
	memcpy(touched, keys, n * sizeof *keys);
	return touch_fails;
}

static int hook_fails(db *d, void *arg)
{
	(void)arg;
	db_set_error(d, "钩子拒绝");
	return -1;
}

static int hook_writes(db *d, void *arg)
{
	(void)arg;
	return db_exec(d, "INSERT INTO t(v) VALUES ('hook')");
}

/* db_sqlite-150: the touch handler gets the distinct keys once, before
** COMMIT; a failing handler or hook fails the commit and nothing stays;
** keys and hook are forgotten after either end. */
static void db_sqlite_150_commit_hooks(void **state)
{
	struct testdb *t = *state;
	db_set_touch_handler(on_touch);
	ntouched = 0;
	touch_fails = 0;
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_exec(t->d, "INSERT INTO t(v) VALUES ('x')"), 0);
	assert_int_equal(db_touch(t->d, 7), 0);
	assert_int_equal(db_touch(t->d, -2), 0);
	assert_int_equal(db_touch(t->d, 7), 0);
	db_on_commit(t->d, hook_writes, NULL);
	assert_int_equal(db_commit(t->d), 0);
	assert_true(db_commit_hook_ran(t->d));
	assert_int_equal(ntouched, 2);
	assert_true((touched[0] == 7 && touched[1] == -2) || (touched[0] == -2 && touched[1] == 7));
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 2);

	/* a failing handler */
	ntouched = 0;
	touch_fails = -1;
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_exec(t->d, "INSERT INTO t(v) VALUES ('y')"), 0);
	assert_int_equal(db_touch(t->d, 3), 0);
	assert_int_equal(db_commit(t->d), -1);
	db_rollback(t->d);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 2);
	/* a failing hook */
	touch_fails = 0;
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_exec(t->d, "INSERT INTO t(v) VALUES ('z')"), 0);
	db_on_commit(t->d, hook_fails, NULL);
	assert_int_equal(db_commit(t->d), -1);
	assert_false(db_commit_hook_ran(t->d));
	db_rollback(t->d);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM t"), 2);
	/* the hook belongs to the next transaction that commits: a rolled-back
	** one did not, so it is still armed (a request's retry still records
	** its key) until the caller clears it, as http.c does after a request */
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_commit(t->d), -1);
	db_rollback(t->d);
	db_on_commit(t->d, NULL, NULL);
	/* forgotten: a rolled-back touch does not reach the next commit */
	ntouched = 0;
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_touch(t->d, 9), 0);
	db_rollback(t->d);
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_commit(t->d), 0);
	assert_int_equal(ntouched, 0);
	db_set_touch_handler(NULL);
	/* without a handler a touch does nothing */
	assert_int_equal(db_begin_write(t->d), 0);
	assert_int_equal(db_touch(t->d, 1), 0);
	assert_int_equal(db_commit(t->d), 0);
}

/* db_sqlite-160: a lookup of one row: 0 a row, 1 none, -1 an error. */
static void db_sqlite_160_step_one(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(db_exec(t->d, "INSERT INTO t(id, v) VALUES (5, 'five')"), 0);
	db_stmt *s = db_prepare(t->d, "SELECT v FROM t WHERE id = $id");
	db_bind_int(s, "$id", 5);
	assert_int_equal(db_step_one(s), 0);
	arena *a = arena_new();
	assert_string_equal(db_column_dup(s, 0, a), "five");
	db_reset(s);
	db_bind_int(s, "$id", 6);
	assert_int_equal(db_step_one(s), 1);
	arena_free(a);
	s = db_prepare(t->d, "SELECT CAST($x AS INTEGER) / 0 FROM no_such");
	assert_null(s);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(db_sqlite_100_open),     CASE(db_sqlite_110_snapshot), CASE(db_sqlite_120_backup),
		CASE(db_sqlite_130_uncached), CASE(db_sqlite_140_disk_full),
		CASE(db_sqlite_150_commit_hooks), CASE(db_sqlite_160_step_one),
	};
	return cmocka_run_group_tests_name("db_sqlite", tests, NULL, NULL);
}
