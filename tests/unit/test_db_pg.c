/*
** test_db_pg.c — unit tests of src/db_pg.c, the PostgreSQL backend,
** beside the db.h contract that test_db.c runs on both backends (with its
** PostgreSQL-only reconnect cases): both URL schemes, REPEATABLE READ for
** a snapshot where a plain transaction reads each statement afresh, a
** read-only session found by db_writable(), TRUNCATE refused on an
** append-only table, and the dump restore: refused into a database that
** holds tables, whole into an empty one.  Needs JIFEN_TEST_PG (skipped
** without it); the restore case makes and drops databases of its own.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

static int setup(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	t->pg = 1;
	*state = t;
	return testdb_open(t, "dbpg");
}

static int setup_migrated(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	t->pg = 1;
	*state = t;
	return testdb_open_migrated(t, "dbpg");
}

static int teardown(void **state)
{
	struct testdb *t = *state;
	int rc = testdb_close(t);
	free(t);
	return rc;
}

/* db_pg-100: postgresql:// and postgres:// both open PostgreSQL. */
static void db_pg_100_urls(void **state)
{
	struct testdb *t = *state;
	assert_string_equal(db_backend(t->d), "postgresql");
	const char *base = getenv("JIFEN_TEST_PG");
	char alt[1024], err[512];
	assert_int_equal(strncmp(base, "postgresql://", 13), 0);
	snprintf(alt, sizeof alt, "postgres://%s", base + 13);
	db *d = NULL;
	assert_int_equal(db_open(alt, &d, err, sizeof err), 0);
	assert_string_equal(db_backend(d), "postgresql");
	assert_int_equal(testdb_int(d, "SELECT 1 + 1"), 2);
	db_close(d);
}

/* db_pg-110: a snapshot keeps its view across statements; a plain
** transaction (READ COMMITTED) sees another session's commit at once. */
static void db_pg_110_snapshot(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(db_exec(t->d, "CREATE TABLE s110(v INTEGER)"), 0);
	assert_int_equal(db_exec(t->d, "INSERT INTO s110 VALUES (1)"), 0);
	db *other = NULL;
	char err[512];
	assert_int_equal(db_open(t->url, &other, err, sizeof err), 0);
	assert_int_equal(db_begin_snapshot(t->d), 0);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM s110"), 1);
	assert_int_equal(db_exec(other, "INSERT INTO s110 VALUES (2)"), 0);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM s110"), 1);
	assert_int_equal(db_commit(t->d), 0);
	assert_int_equal(db_begin(t->d), 0);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM s110"), 2);
	assert_int_equal(db_exec(other, "INSERT INTO s110 VALUES (3)"), 0);
	assert_int_equal(testdb_int(t->d, "SELECT COUNT(*) FROM s110"), 3);
	assert_int_equal(db_commit(t->d), 0);
	db_close(other);
}

/* db_pg-130: an append-only table refuses TRUNCATE too (no DELETE trigger
** would fire for it). */
static void db_pg_130_truncate(void **state)
{
	struct testdb *t = *state;
	assert_int_equal(db_exec(t->d, "TRUNCATE ledger_entry"), -1);
	assert_non_null(strstr(db_errmsg(t->d), "append-only"));
	assert_int_equal(db_exec(t->d, "TRUNCATE audit"), -1);
	db_release(t->d);
}

/* db_pg-120: db_writable() of a normal and of a read-only session. */
static void db_pg_120_writable(void **state)
{
	struct testdb *t = *state;
	assert_true(db_writable(t->d));
	char url[1200], err[512];
	snprintf(url, sizeof url, "%s%%20-cdefault_transaction_read_only%%3Don", t->url);
	db *ro = NULL;
	assert_int_equal(db_open(url, &ro, err, sizeof err), 0);
	assert_int_equal(testdb_int(ro, "SELECT COUNT(*) FROM schema_version") > 0, 1);
	assert_false(db_writable(ro));
	assert_false(db_in_transaction(ro));
	db_close(ro);
	db_pg_130_truncate(state);
}

/* Run sql on the server's own database. */
static void admin(const char *sql)
{
	db *d = NULL;
	char err[512];
	if (db_open(getenv("JIFEN_TEST_PG"), &d, err, sizeof err))
		fail_msg("%s", err);
	if (db_exec(d, sql))
		fail_msg("%s: %s", sql, db_errmsg(d));
	db_close(d);
}

/* The URL of database name on the test server. */
static void url_of(const char *name, char *out, size_t n)
{
	const char *base = getenv("JIFEN_TEST_PG");
	const char *slash = strrchr(base, '/');
	snprintf(out, n, "%.*s/%s", (int)(slash - base), base, name);
}

/* db_pg-140: restore a dump: not into a database with tables; whole into
** an empty one. */
static void db_pg_140_restore(void **state)
{
	struct testdb *t = *state;
	char err[512], path[300];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char rnd[9];
	random_hex(rnd, 4);
	snprintf(path, sizeof path, "%s/jifen-test-dbpg-%s.dump", tmp, rnd);
	char a[40], b[40], sql[100], ua[1100], ub[1100];
	snprintf(a, sizeof a, "jifen_dbpg_a_%s", rnd);
	snprintf(b, sizeof b, "jifen_dbpg_b_%s", rnd);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", a);
	admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", b);
	admin(sql);
	url_of(a, ua, sizeof ua);
	url_of(b, ub, sizeof ub);
	db *da = NULL, *dbb = NULL;
	int version;
	assert_int_equal(db_open(ua, &da, err, sizeof err), 0);
	assert_int_equal(db_migrate(da, &version, err, sizeof err), 0);
	assert_int_equal(db_exec(da, "INSERT INTO village(code, name, created_at) VALUES ('V1', '一村', 0)"), 0);
	assert_int_equal(db_backup(da, path, err, sizeof err), 0);
	/* into a database that has tables: refused, naming why */
	assert_int_equal(db_exec(t->d, "CREATE TABLE occupied(v INTEGER)"), 0);
	assert_int_equal(db_restore_dump(t->d, path, err, sizeof err), 1);
	assert_non_null(strstr(err, "目标数据库不是空的"));
	assert_int_equal(db_restore_dump(da, path, err, sizeof err), 1);
	/* into an empty one: whole */
	assert_int_equal(db_open(ub, &dbb, err, sizeof err), 0);
	if (db_restore_dump(dbb, path, err, sizeof err))
		fail_msg("restore: %s", err);
	assert_int_equal(testdb_int(dbb, "SELECT COUNT(*) FROM village WHERE code = 'V1'"), 1);
	assert_int_equal(testdb_int(dbb, "SELECT MAX(version) FROM schema_version"), version);
	db_close(da);
	db_close(dbb);
	unlink(path);
	snprintf(sql, sizeof sql, "DROP DATABASE %s", a);
	admin(sql);
	snprintf(sql, sizeof sql, "DROP DATABASE %s", b);
	admin(sql);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define CASE_MIGRATED(fn) cmocka_unit_test_setup_teardown(fn, setup_migrated, teardown)

int main(void)
{
	const char *pg = getenv("JIFEN_TEST_PG");
	if (!pg || !*pg) {
		fprintf(stderr, "[  SKIP    ] db_pg: JIFEN_TEST_PG is not set\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		CASE(db_pg_100_urls), CASE(db_pg_110_snapshot), CASE(db_pg_140_restore),
		/* one migrated schema for the two that read the real tables */
		CASE_MIGRATED(db_pg_120_writable),
	};
	return cmocka_run_group_tests_name("db_pg", tests, NULL, NULL);
}
