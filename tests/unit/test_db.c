/*
** test_db.c — the db.h contract, run case for case against both backends:
** SQLite on a temporary file always, and PostgreSQL when JIFEN_TEST_PG holds
** a postgresql:// URL (scripts/pg-test-cluster.sh starts a throwaway one).
** On PostgreSQL each run works in its own schema (search_path set through
** the URL's options, so it survives a reconnect) and drops it at the end.
**
** Every case creates its own tables, named after its number.  A few cases
** only make sense on PostgreSQL (lost connections, COMMIT of a failed
** transaction) and are skipped on SQLite.
*/
#include "db_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testdb.h"

/* The group's database (testdb.h). */
static struct testdb *F(void **state)
{
	return *state;
}

static db *D(void **state)
{
	return F(state)->d;
}

static void exec_ok(db *d, const char *sql)
{
	if (db_exec(d, sql))
		fail_msg("db_exec(%s): %s", sql, db_errmsg(d));
}

static db_stmt *prepare_ok(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	if (!s)
		fail_msg("db_prepare(%s): %s", sql, db_errmsg(d));
	return s;
}

static void step_expect(db_stmt *s, int want)
{
	int got = db_step(s);
	if (got != want)
		fail_msg("db_step(%s) = %d, want %d: %s", s->sql, got, want, db_errmsg(s->d));
}

/* The single integer a parameterless query returns (sql must be a literal). */
static int64_t query_int(db *d, const char *sql)
{
	db_stmt *s = prepare_ok(d, sql);
	step_expect(s, DB_ROW);
	int64_t v = db_column_int(s, 0);
	step_expect(s, DB_DONE);
	return v;
}

/* CREATE TABLE with the backend's auto-numbered key, the way a migration's
** "@ID@" expands: "CREATE TABLE name(id <id_pk>, rest)". */
static void create_with_id(db *d, const char *name, const char *rest)
{
	buf b = {0};
	buf_printf(&b, "CREATE TABLE %s(id %s, %s)", name, d->ops->id_pk, rest);
	exec_ok(d, buf_cstr(&b));
	buf_free(&b);
}

/* ---- group setup: one connection per backend ------------------------- */

static int setup_sqlite(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	*state = t;
	return testdb_open(t, "db");
}

static int setup_pg(void **state)
{
	struct testdb *t = calloc(1, sizeof *t);
	t->pg = 1;
	*state = t;
	return testdb_open(t, "db");
}

static int teardown(void **state)
{
	struct testdb *t = *state;
	int rc = testdb_close(t);
	free(t);
	return rc;
}

/* ---- cases ------------------------------------------------------------ */

/* db-100: names bind to their own placeholder whatever the order of binding
** and of appearance (STYLE.md: positional binding of "$b, $a" is wrong). */
static void db_100_bind_by_name(void **state)
{
	db *d = D(state);
	db_stmt *s = prepare_ok(d, "SELECT $b, $a");
	assert_int_equal(db_bind_text(s, "$a", "A"), 0);
	assert_int_equal(db_bind_text(s, "$b", "B"), 0);
	step_expect(s, DB_ROW);
	assert_string_equal(db_column_text(s, 0), "B");
	assert_string_equal(db_column_text(s, 1), "A");
	step_expect(s, DB_DONE);

	s = prepare_ok(d, "SELECT $b, $a");
	assert_int_equal(db_bind_int(s, "$a", 1), 0);
	assert_int_equal(db_bind_int(s, "$b", 2), 0);
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 2);
	assert_int_equal(db_column_int(s, 1), 1);
	step_expect(s, DB_DONE);
}

/* db-110: one name used twice is one parameter bound once. */
static void db_110_same_name_twice(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t110(x BIGINT, y BIGINT)");
	exec_ok(d, "INSERT INTO t110(x, y) VALUES (1, 5), (5, 1), (2, 2)");
	db_stmt *s = prepare_ok(d, "SELECT COUNT(*) FROM t110 WHERE x = $v OR y = $v");
	assert_int_equal(db_bind_int(s, "$v", 1), 0);
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 2);
	step_expect(s, DB_DONE);
	assert_int_equal(db_bind_int(s, "$v", 2), 0);
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 1);
	step_expect(s, DB_DONE);
}

/* db-120: binding a name the statement lacks is an error naming it. */
static void db_120_unknown_name(void **state)
{
	db *d = D(state);
	db_stmt *s = prepare_ok(d, "SELECT $a");
	assert_int_equal(db_bind_int(s, "$nope", 1), -1);
	assert_non_null(strstr(db_errmsg(d), "$nope"));
	assert_int_equal(db_bind_text(s, "a", "x"), -1); /* the '$' is part of the name */
	assert_int_equal(db_bind_null(s, "$ab"), -1);    /* no prefix matching */
}

/* db-130: INSERT ... RETURNING id gives increasing keys; one row changed. */
static void db_130_insert_returning(void **state)
{
	db *d = D(state);
	create_with_id(d, "t130", "name TEXT NOT NULL");
	int64_t ids[2];
	for (int i = 0; i < 2; i++) {
		db_stmt *s = prepare_ok(d, "INSERT INTO t130(name) VALUES($name) RETURNING id");
		assert_int_equal(db_bind_text(s, "$name", i ? "李四" : "张三"), 0);
		step_expect(s, DB_ROW);
		ids[i] = db_column_int(s, 0);
		step_expect(s, DB_DONE);
		assert_int_equal(db_changes(d), 1);
	}
	assert_true(ids[0] > 0);
	assert_true(ids[1] > ids[0]);
	db_stmt *s = prepare_ok(d, "SELECT name FROM t130 WHERE id = $id");
	assert_int_equal(db_bind_int(s, "$id", ids[1]), 0);
	step_expect(s, DB_ROW);
	assert_string_equal(db_column_text(s, 0), "李四");
	step_expect(s, DB_DONE);
}

/* db-140: ON CONFLICT ... DO UPDATE adds to the existing row. */
static void db_140_upsert(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t140(k TEXT PRIMARY KEY, v BIGINT NOT NULL)");
	const int64_t add[] = {3, 4};
	for (int i = 0; i < 2; i++) {
		db_stmt *s = prepare_ok(d, "INSERT INTO t140(k, v) VALUES($k, $v) "
					   "ON CONFLICT(k) DO UPDATE SET v = t140.v + excluded.v");
		assert_int_equal(db_bind_text(s, "$k", "key"), 0);
		assert_int_equal(db_bind_int(s, "$v", add[i]), 0);
		step_expect(s, DB_DONE);
	}
	assert_int_equal(query_int(d, "SELECT v FROM t140 WHERE k = 'key'"), 7);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t140"), 1);
}

/* db-150: UNIQUE, NOT NULL, CHECK and FOREIGN KEY refusals are
** DB_CONSTRAINT, and the statement can run again afterwards. */
static void db_150_constraints(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t150p(id INTEGER PRIMARY KEY)");
	exec_ok(d, "CREATE TABLE t150c(pid INTEGER NOT NULL REFERENCES t150p(id), "
		   "v INTEGER CHECK (v >= 0), code TEXT UNIQUE)");
	exec_ok(d, "INSERT INTO t150p(id) VALUES (1)");
	static const struct {
		int has_pid;
		int64_t pid, v;
		const char *code;
		int want;
	} c[] = {
	    {1, 1, 0, "a", DB_DONE},       /* fine */
	    {1, 1, 0, "a", DB_CONSTRAINT}, /* UNIQUE */
	    {0, 0, 0, "b", DB_CONSTRAINT}, /* NOT NULL */
	    {1, 1, -1, "c", DB_CONSTRAINT}, /* CHECK */
	    {1, 2, 0, "d", DB_CONSTRAINT}, /* FOREIGN KEY */
	    {1, 1, 5, "e", DB_DONE},       /* the statement still works */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		db_stmt *s = prepare_ok(d, "INSERT INTO t150c(pid, v, code) VALUES($pid, $v, $code)");
		if (c[i].has_pid)
			assert_int_equal(db_bind_int(s, "$pid", c[i].pid), 0);
		else
			assert_int_equal(db_bind_null(s, "$pid"), 0);
		assert_int_equal(db_bind_int(s, "$v", c[i].v), 0);
		assert_int_equal(db_bind_text(s, "$code", c[i].code), 0);
		int got = db_step(s);
		if (got != c[i].want)
			fail_msg("case %zu: db_step = %d, want %d (%s)", i, got, c[i].want,
				 db_errmsg(d));
		if (got == DB_CONSTRAINT)
			assert_true(db_errmsg(d)[0] != 0);
	}
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t150c"), 2);
}

/* db-160: a rolled-back transaction leaves nothing; a committed one stays. */
static void db_160_rollback(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t160(v INTEGER)");
	assert_int_equal(db_begin_write(d), 0);
	assert_int_equal(d->in_tx, 1);
	exec_ok(d, "INSERT INTO t160(v) VALUES (1)");
	db_stmt *s = prepare_ok(d, "INSERT INTO t160(v) VALUES ($v)");
	assert_int_equal(db_bind_int(s, "$v", 2), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t160"), 2);
	assert_int_equal(db_rollback(d), 0);
	assert_int_equal(d->in_tx, 0);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t160"), 0);

	assert_int_equal(db_begin(d), 0);
	s = prepare_ok(d, "INSERT INTO t160(v) VALUES ($v)");
	assert_int_equal(db_bind_int(s, "$v", 3), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(db_commit(d), 0);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t160"), 1);
}

/* Run src as the migration runner does: translated (db_migration_translate)
** and executed in one write transaction; any failure fails the test. */
static void run_migration(db *d, const char *src)
{
	buf b = {0};
	if (db_migration_translate(d, src, &b))
		fail_msg("translate: %s", db_errmsg(d));
	assert_int_equal(db_begin_write(d), 0);
	if (db_exec(d, buf_cstr(&b)))
		fail_msg("script: %s\n%s", db_errmsg(d), buf_cstr(&b));
	assert_int_equal(db_commit(d), 0);
	buf_free(&b);
}

/* db-170: a migration-like script with @ID@ and --@append_only runs in one
** db_exec; the table then takes INSERTs and refuses UPDATE and DELETE with
** DB_CONSTRAINT, leaving the rows as they were. */
static void db_170_migration_append_only(void **state)
{
	db *d = D(state);
	run_migration(d, "-- 170: a ledger-like table\n"
			 "CREATE TABLE t170(id @ID@, note TEXT NOT NULL, points BIGINT NOT NULL);\n"
			 "CREATE INDEX t170_note ON t170(note);\n"
			 "--@append_only t170\n");

	db_stmt *s = prepare_ok(d, "INSERT INTO t170(note, points) VALUES($note, $points)");
	assert_int_equal(db_bind_text(s, "$note", "垃圾分类"), 0);
	assert_int_equal(db_bind_int(s, "$points", 5), 0);
	step_expect(s, DB_DONE);

	s = prepare_ok(d, "UPDATE t170 SET points = $p");
	assert_int_equal(db_bind_int(s, "$p", 100), 0);
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(d), "append-only"));
	s = prepare_ok(d, "DELETE FROM t170");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(d), "append-only"));
	assert_int_equal(query_int(d, "SELECT SUM(points) FROM t170"), 5);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t170"), 1);
}

/* db-175: "--@no_delete T" refuses DELETE but not UPDATE; a
** "--@postgresql SQL" line runs on PostgreSQL only; a marker naming no
** plain table is refused before anything runs. */
static void db_175_migration_no_delete(void **state)
{
	db *d = D(state);
	int pg = F(state)->pg;
	run_migration(d, "CREATE TABLE t175(id @ID@, name TEXT NOT NULL);\n"
			 "--@no_delete t175\n"
			 "--@postgresql ALTER TABLE t175 ADD COLUMN pg_only INTEGER;\n");

	exec_ok(d, "INSERT INTO t175(name) VALUES('张马村')");
	exec_ok(d, "UPDATE t175 SET name = '张马'");
	db_stmt *s = prepare_ok(d, "DELETE FROM t175");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(d), "t175 rows are never deleted"));
	if (pg)
		assert_int_equal(db_exec(d, "TRUNCATE t175"), -1);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t175"), 1);
	/* the PostgreSQL-only column exists there and nowhere else */
	s = db_prepare(d, "SELECT pg_only FROM t175");
	assert_true(pg ? s != NULL : s == NULL);

	static const char *const bad[] = {"--@no_delete t175; DROP TABLE t175\n",
					  "--@append_only \n", "--@no_delete T175\n"};
	buf b = {0};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(db_migration_translate(d, bad[i], &b), -1);
		assert_non_null(strstr(db_errmsg(d), "表名无效"));
	}
	buf_free(&b);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t175"), 1);
}

static db_stmt *prepare_180(db *d)
{
	return db_prepare(d, "SELECT $x");
}

/* db-180: the same literal gives the same statement, reset and with its
** bindings cleared; a different literal gives another statement. */
static void db_180_statement_cache(void **state)
{
	db *d = D(state);
	db_stmt *a = prepare_180(d);
	assert_non_null(a);
	assert_int_equal(db_bind_text(a, "$x", "one"), 0);
	step_expect(a, DB_ROW);
	assert_string_equal(db_column_text(a, 0), "one");
	db_stmt *b = prepare_180(d);
	assert_ptr_equal(a, b);
	step_expect(b, DB_ROW);
	assert_true(db_column_is_null(b, 0)); /* bindings were cleared */
	step_expect(b, DB_DONE);
	static const char other[] = "SELECT $x";
	assert_ptr_not_equal(prepare_ok(d, other), a);
}

/* db-190: SUM over BIGINT past 2^32 reads through db_column_int (on
** PostgreSQL the SUM is NUMERIC text). */
static void db_190_sum_bigint(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t190(v BIGINT NOT NULL)");
	db_stmt *s = prepare_ok(d, "INSERT INTO t190(v) VALUES ($v)");
	assert_int_equal(db_bind_int(s, "$v", INT64_C(3000000000)), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(db_bind_int(s, "$v", INT64_C(4000000000)), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(db_bind_int(s, "$v", -1), 0);
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "SELECT SUM(v), COUNT(*), MAX(v) FROM t190");
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), INT64_C(6999999999));
	assert_string_equal(db_column_text(s, 0), "6999999999");
	assert_int_equal(db_column_int(s, 1), 3);
	assert_int_equal(db_column_int(s, 2), INT64_C(4000000000));
	step_expect(s, DB_DONE);
	/* SUM of no rows is NULL on both */
	s = prepare_ok(d, "SELECT SUM(v) FROM t190 WHERE v > $min");
	assert_int_equal(db_bind_int(s, "$min", INT64_C(9000000000)), 0);
	step_expect(s, DB_ROW);
	assert_true(db_column_is_null(s, 0));
	assert_int_equal(db_column_int(s, 0), 0);
	step_expect(s, DB_DONE);
}

/* db-200: NULL in and out: bound NULL, NULL text, empty string is not NULL. */
static void db_200_null(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t200(k INTEGER, a TEXT, b BIGINT)");
	db_stmt *s = prepare_ok(d, "INSERT INTO t200(k, a, b) VALUES ($k, $a, $b)");
	assert_int_equal(db_bind_int(s, "$k", 1), 0);
	assert_int_equal(db_bind_text(s, "$a", NULL), 0);
	assert_int_equal(db_bind_null(s, "$b"), 0);
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "INSERT INTO t200(k, a, b) VALUES ($k, $a, $b)");
	assert_int_equal(db_bind_int(s, "$k", 2), 0);
	assert_int_equal(db_bind_text(s, "$a", ""), 0);
	assert_int_equal(db_bind_int(s, "$b", 0), 0);
	step_expect(s, DB_DONE);

	s = prepare_ok(d, "SELECT a, b FROM t200 ORDER BY k");
	step_expect(s, DB_ROW);
	assert_true(db_column_is_null(s, 0));
	assert_true(db_column_is_null(s, 1));
	assert_null(db_column_text(s, 0));
	assert_int_equal(db_column_int(s, 1), 0);
	step_expect(s, DB_ROW);
	assert_false(db_column_is_null(s, 0));
	assert_false(db_column_is_null(s, 1));
	assert_string_equal(db_column_text(s, 0), "");
	step_expect(s, DB_DONE);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t200 WHERE a IS NULL"), 1);
}

/* db-205: db_bind_int_or_null binds a non-zero value as it is (negative
** too) and 0 as SQL NULL. */
static void db_205_int_or_null(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t205(k INTEGER, b BIGINT)");
	static const int64_t v[] = {0, 7, -3, 5000000000LL};
	for (int k = 0; k < 4; k++) {
		db_stmt *s = prepare_ok(d, "INSERT INTO t205(k, b) VALUES ($k, $b)");
		assert_int_equal(db_bind_int(s, "$k", k), 0);
		assert_int_equal(db_bind_int_or_null(s, "$b", v[k]), 0);
		step_expect(s, DB_DONE);
	}
	db_stmt *s = prepare_ok(d, "SELECT b FROM t205 ORDER BY k");
	step_expect(s, DB_ROW);
	assert_true(db_column_is_null(s, 0));
	for (int k = 1; k < 4; k++) {
		step_expect(s, DB_ROW);
		assert_false(db_column_is_null(s, 0));
		assert_int_equal(db_column_int(s, 0), v[k]);
	}
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "SELECT b FROM t205 WHERE k = $k");
	assert_int_equal(db_bind_int_or_null(s, "$nope", 1), -1);
}

/* db-215: bytes round-trip as a BLOB (BYTEA): every byte value, NUL
** included, an empty one (not NULL), SQL NULL as NULL; a second column's
** bytes read after the first's were used; db_column_is_blob tells bytes
** from text and numbers. */
static void db_215_blob(void **state)
{
	db *d = D(state);
	exec_ok(d, strcmp(db_backend(d), "postgresql") ? "CREATE TABLE t215(k INTEGER, b BLOB, c BLOB)"
						       : "CREATE TABLE t215(k INTEGER, b BYTEA, c BYTEA)");
	unsigned char all[512];
	for (int i = 0; i < 512; i++)
		all[i] = (unsigned char)(i * 7);
	db_stmt *s = prepare_ok(d, "INSERT INTO t215(k, b, c) VALUES ($k, $b, $c)");
	assert_int_equal(db_bind_int(s, "$k", 1), 0);
	assert_int_equal(db_bind_blob(s, "$b", all, sizeof all), 0);
	assert_int_equal(db_bind_blob(s, "$c", "\0x", 2), 0);
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "INSERT INTO t215(k, b, c) VALUES ($k, $b, NULL)");
	assert_int_equal(db_bind_int(s, "$k", 2), 0);
	assert_int_equal(db_bind_blob(s, "$b", NULL, 0), 0);
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "SELECT b, c FROM t215 ORDER BY k");
	step_expect(s, DB_ROW);
	size_t n = 1;
	assert_true(db_column_is_blob(s, 0));
	const void *p = db_column_blob(s, 0, &n);
	assert_int_equal(n, sizeof all);
	assert_memory_equal(p, all, sizeof all);
	p = db_column_blob(s, 1, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "\0x", 2);
	step_expect(s, DB_ROW);
	p = db_column_blob(s, 0, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	assert_null(db_column_blob(s, 1, &n));
	assert_int_equal(n, 0);
	step_expect(s, DB_DONE);
	s = prepare_ok(d, "SELECT 'text', 7");
	step_expect(s, DB_ROW);
	assert_false(db_column_is_blob(s, 0));
	assert_false(db_column_is_blob(s, 1));
	step_expect(s, DB_DONE);
	assert_int_equal(db_bind_blob(prepare_ok(d, "SELECT $b"), "$nope", "x", 1), -1);
}

/* db-210: UTF-8 text round-trips; db_bind_textn takes only n bytes. */
static void db_210_text(void **state)
{
	db *d = D(state);
	db_stmt *s = prepare_ok(d, "SELECT $t, $u");
	assert_int_equal(db_bind_text(s, "$t", "朱家角镇 积分超市 'quote' \"dq\""), 0);
	assert_int_equal(db_bind_textn(s, "$u", "张三丰", 6), 0); /* two characters */
	step_expect(s, DB_ROW);
	assert_string_equal(db_column_text(s, 0), "朱家角镇 积分超市 'quote' \"dq\"");
	assert_string_equal(db_column_text(s, 1), "张三");
	step_expect(s, DB_DONE);
}

/* db-220: "$x" inside a string literal or a comment is not a placeholder. */
static void db_220_placeholder_in_literal(void **state)
{
	db *d = D(state);
	db_stmt *s = prepare_ok(d, "SELECT '$x', 'it''s $y', $z -- $w\n");
	assert_int_equal(db_bind_text(s, "$x", "no"), -1);
	assert_int_equal(db_bind_text(s, "$y", "no"), -1);
	assert_int_equal(db_bind_text(s, "$w", "no"), -1);
	assert_int_equal(db_bind_text(s, "$z", "yes"), 0);
	step_expect(s, DB_ROW);
	assert_string_equal(db_column_text(s, 0), "$x");
	assert_string_equal(db_column_text(s, 1), "it's $y");
	assert_string_equal(db_column_text(s, 2), "yes");
	step_expect(s, DB_DONE);
}

/* db-230: db_changes counts the rows of the last UPDATE/DELETE, and a
** SELECT in between does not change it. */
static void db_230_changes(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t230(v INTEGER)");
	exec_ok(d, "INSERT INTO t230(v) VALUES (1), (2), (3)");
	db_stmt *s = prepare_ok(d, "UPDATE t230 SET v = v + 10 WHERE v >= $min");
	assert_int_equal(db_bind_int(s, "$min", 2), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(db_changes(d), 2);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t230"), 3);
	assert_int_equal(db_changes(d), 2);
	s = prepare_ok(d, "DELETE FROM t230 WHERE v = $v");
	assert_int_equal(db_bind_int(s, "$v", 99), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(db_changes(d), 0);
}

/* db-240: db_release leaves no statement on a row: a statement left half
** way starts from its first row again, and fresh writes are visible. */
static void db_240_release(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t240(v INTEGER)");
	exec_ok(d, "INSERT INTO t240(v) VALUES (1), (2)");
	db_stmt *s = prepare_ok(d, "SELECT v FROM t240 ORDER BY v");
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 1);
	db_release(d);
	exec_ok(d, "INSERT INTO t240(v) VALUES (0)");
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 0);
	db_reset(s);
}

/* db-250: a syntax error fails db_prepare with a message. */
static void db_250_syntax_error(void **state)
{
	db *d = D(state);
	assert_null(db_prepare(d, "SELEKT $a FROM nowhere"));
	assert_true(db_errmsg(d)[0] != 0);
	assert_int_equal(db_exec(d, "CREATE TABLE"), -1);
	/* the connection still works */
	assert_int_equal(query_int(d, "SELECT 41 + 1"), 42);
}

/* db-260: column count is known before the first step and after it. */
static void db_260_column_count(void **state)
{
	db *d = D(state);
	db_stmt *s = prepare_ok(d, "SELECT 1, 'two', $three");
	assert_int_equal(db_column_count(s), 3);
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_count(s), 3);
	step_expect(s, DB_DONE);
}

/* db-270: reading one statement while another writes (a loop over rows
** that inserts per row) works on both backends. */
static void db_270_interleaved(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t270a(v INTEGER)");
	exec_ok(d, "CREATE TABLE t270b(v INTEGER)");
	exec_ok(d, "INSERT INTO t270a(v) VALUES (1), (2), (3)");
	db_stmt *r = prepare_ok(d, "SELECT v FROM t270a ORDER BY v");
	int n = 0;
	while (db_step(r) == DB_ROW) {
		db_stmt *w = prepare_ok(d, "INSERT INTO t270b(v) VALUES ($v)");
		assert_int_equal(db_bind_int(w, "$v", db_column_int(r, 0) * 10), 0);
		step_expect(w, DB_DONE);
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(query_int(d, "SELECT SUM(v) FROM t270b"), 60);
}

/* The row reader of db-275: v, and its text as the label (arena). */
struct row275 {
	int64_t v;
	const char *label;
};

static void read_275(db_stmt *s, arena *a, void *row)
{
	struct row275 *r = row;
	r->v = db_column_int(s, 0);
	r->label = db_column_dup(s, 1, a);
}

/* db-275: the getters' readers: db_read_rows() every row in order (NULL
** and 0 of none); db_read_page() at most limit with more set only when a
** row beyond came, so that pages of limit over 1..25 meet end to end;
** db_read_one() a new element or 1 (out left alone); db_read_int() the
** first column, -1 without a row.  Each leaves its statement reset. */
static void db_275_read_helpers(void **state)
{
	db *d = D(state);
	exec_ok(d, "CREATE TABLE t275(v INTEGER, label TEXT)");
	arena *a = arena_new();
	struct row275 *rows = (void *)&rows, *one = NULL;
	int n = -1, more = -1;
	db_stmt *all = prepare_ok(d, "SELECT v, label FROM t275 WHERE v > $after ORDER BY v LIMIT $lim");
	assert_int_equal(db_bind_int(all, "$after", 0) || db_bind_int(all, "$lim", 1000), 0);
	assert_int_equal(db_read_rows(all, a, sizeof *rows, read_275, &rows, &n), 0);
	assert_null(rows);
	assert_int_equal(n, 0);
	for (int i = 1; i <= 25; i++) {
		db_stmt *w = prepare_ok(d, "INSERT INTO t275(v, label) VALUES ($v, $l)");
		char l[16];
		snprintf(l, sizeof l, "行%d", i);
		assert_int_equal(db_bind_int(w, "$v", i) || db_bind_text(w, "$l", l), 0);
		step_expect(w, DB_DONE);
	}
	assert_int_equal(db_read_rows(all, a, sizeof *rows, read_275, &rows, &n), 0);
	assert_int_equal(n, 25);
	for (int i = 0; i < n; i++)
		assert_int_equal(rows[i].v, i + 1);
	assert_string_equal(rows[24].label, "行25");

	static const int limits[] = {1, 4, 5, 24, 25, 26};
	for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
		int64_t after = 0, seen = 0;
		for (;;) {
			assert_int_equal(db_bind_int(all, "$after", after) ||
						 db_bind_int(all, "$lim", limits[k] + 1),
					 0);
			assert_int_equal(db_read_page(all, a, sizeof *rows, read_275, limits[k], &rows,
						      &n, &more),
					 0);
			assert_true(n <= limits[k]);
			for (int i = 0; i < n; i++)
				assert_int_equal(rows[i].v, ++seen);
			assert_int_equal(more, seen < 25);
			if (!more)
				break;
			assert_int_equal(n, limits[k]);
			after = rows[n - 1].v;
		}
		assert_int_equal(seen, 25);
	}

	db_stmt *get = prepare_ok(d, "SELECT v, label FROM t275 WHERE v = $v");
	assert_int_equal(db_bind_int(get, "$v", 7), 0);
	assert_int_equal(db_read_one(get, a, sizeof *one, read_275, &one), 0);
	assert_int_equal(one->v, 7);
	assert_string_equal(one->label, "行7");
	struct row275 *kept = one;
	assert_int_equal(db_bind_int(get, "$v", 99), 0);
	assert_int_equal(db_read_one(get, a, sizeof *one, read_275, &one), 1);
	assert_ptr_equal(one, kept);

	int64_t count = -1;
	db_stmt *c = prepare_ok(d, "SELECT COUNT(*), 0 FROM t275 WHERE v > $v");
	assert_int_equal(db_bind_int(c, "$v", 20), 0);
	assert_int_equal(db_read_int(c, &count), 0);
	assert_int_equal(count, 5);
	assert_int_equal(db_bind_int(c, "$v", 0), 0);
	assert_int_equal(db_read_int(c, &count), 0);
	assert_int_equal(count, 25);
	db_stmt *none = prepare_ok(d, "SELECT v FROM t275 WHERE v < 0");
	count = 42;
	assert_int_equal(db_read_int(none, &count), -1);
	assert_int_equal(count, 42);
	/* reset: the statements run again at once */
	assert_int_equal(db_read_int(c, &count), 0);
	assert_int_equal(count, 25);
	arena_free(a);
}

/* db-280: backup: a SQLite copy; on PostgreSQL a pg_dump custom-format file. */
static void db_280_backup(void **state)
{
	struct testdb *f = F(state);
	char path[300], err[1024];
	snprintf(path, sizeof path, "%s.bak", f->pg ? "/tmp/jifen-test-pg" : f->path);
	unlink(path);
	if (!f->pg) {
		exec_ok(f->d, "CREATE TABLE t280(v INTEGER)");
		assert_int_equal(db_backup(f->d, path, err, sizeof err), 0);
		db *b = NULL;
		assert_int_equal(db_open(path, &b, err, sizeof err), 0);
		assert_int_equal(query_int(b, "SELECT COUNT(*) FROM t280"), 0);
		db_close(b);
		unlink(path);
		return;
	}
	/* pg_dump -Fc run by jifen, checked with pg_restore --list: a custom
	** format file ("PGDMP"), whole, at path.  In a database of its own: a
	** dump of the shared test database reads every schema, and the unit
	** tests running beside this one drop theirs while it does ("schema
	** jifen_unit_… does not exist"). */
	const char *base = getenv("JIFEN_TEST_PG");
	const char *slash = strrchr(base, '/');
	assert_non_null(slash);
	char name[40], rnd[17], url[1024];
	random_hex(rnd, 8);
	snprintf(name, sizeof name, "jifen_backup_%s", rnd);
	snprintf(url, sizeof url, "%.*s/%s", (int)(slash - base), base, name);
	char sql[80];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	exec_ok(f->d, sql);
	db *own = NULL;
	if (db_open(url, &own, err, sizeof err))
		fail_msg("open %s: %s", url, err);
	exec_ok(own, "CREATE TABLE t280(v INTEGER)");
	int rc = db_backup(own, path, err, sizeof err);
	db_close(own);
	snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
	exec_ok(f->d, sql);
	if (rc)
		fail_msg("backup failed: %s", err);
	FILE *dump = fopen(path, "rb");
	assert_non_null(dump);
	char magic[5] = {0};
	assert_int_equal(fread(magic, 1, 5, dump), 5);
	fclose(dump);
	assert_memory_equal(magic, "PGDMP", 5);
	/* never over an existing file's name half-way: a second backup to a
	** folder that does not exist fails and leaves nothing */
	assert_int_equal(db_backup(f->d, "/nonexistent/dir/x.dump", err, sizeof err), -1);
	unlink(path);
}

/* ---- PostgreSQL only: lost connections and aborted transactions ------- */

/* Terminate f's server session from a second connection, and wait until it
** is gone, as a server restart or an idle-timeout would. */
static void kill_session(struct testdb *f)
{
	int64_t pid = query_int(f->d, "SELECT pg_backend_pid()");
	db *other = NULL;
	char err[512];
	assert_int_equal(db_open(getenv("JIFEN_TEST_PG"), &other, err, sizeof err), 0);
	db_stmt *s = prepare_ok(other, "SELECT pg_terminate_backend(CAST($pid AS INTEGER), 5000)");
	assert_int_equal(db_bind_int(s, "$pid", pid), 0);
	step_expect(s, DB_ROW);
	assert_int_equal(db_column_int(s, 0), 1);
	step_expect(s, DB_DONE);
	db_close(other);
}

/* db-300: a SELECT on a connection the server dropped reconnects and runs,
** re-preparing its statement on the new session. */
static void db_300_reconnect_select(void **state)
{
	struct testdb *f = F(state);
	if (!f->pg)
		skip();
	exec_ok(f->d, "CREATE TABLE t300(v INTEGER)");
	exec_ok(f->d, "INSERT INTO t300(v) VALUES (7)");
	assert_int_equal(query_int(f->d, "SELECT v FROM t300"), 7);
	kill_session(f);
	assert_int_equal(query_int(f->d, "SELECT v FROM t300"), 7); /* same statement */
	assert_int_equal(query_int(f->d, "SELECT v + 1 FROM t300"), 8); /* new one */
	kill_session(f);
	assert_int_equal(query_int(f->d, "SELECT v + 2 FROM t300"), 9); /* prepare first */
	assert_int_equal(query_int(f->d, "SELECT v FROM t300"), 7);      /* then re-prepare */
}

/* db-310: a write on a dropped connection is not retried (it might have
** committed): it fails, and the next statement works on a new session. */
static void db_310_reconnect_write(void **state)
{
	struct testdb *f = F(state);
	if (!f->pg)
		skip();
	exec_ok(f->d, "CREATE TABLE t310(v INTEGER)");
	db_stmt *s = prepare_ok(f->d, "INSERT INTO t310(v) VALUES ($v)");
	assert_int_equal(db_bind_int(s, "$v", 1), 0);
	step_expect(s, DB_DONE);
	kill_session(f);
	assert_int_equal(db_bind_int(s, "$v", 2), 0);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_int_equal(db_bind_int(s, "$v", 3), 0);
	step_expect(s, DB_DONE);
	assert_int_equal(query_int(f->d, "SELECT SUM(v) FROM t310"), 4);
}

/* db-320: a connection lost inside a transaction is an error, also for
** SELECTs; after the rollback the connection is reset and works. */
static void db_320_reconnect_in_tx(void **state)
{
	struct testdb *f = F(state);
	if (!f->pg)
		skip();
	exec_ok(f->d, "CREATE TABLE t320(v INTEGER)");
	assert_int_equal(db_begin_write(f->d), 0);
	exec_ok(f->d, "INSERT INTO t320(v) VALUES (1)");
	db_stmt *s = prepare_ok(f->d, "SELECT COUNT(*) FROM t320");
	kill_session(f);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_null(db_prepare(f->d, "SELECT v FROM t320"));
	assert_int_equal(db_exec(f->d, "INSERT INTO t320(v) VALUES (2)"), -1);
	db_rollback(f->d);
	assert_int_equal(f->d->in_tx, 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM t320"), 0);
}

/* db-330: PostgreSQL answers COMMIT of a transaction in which a statement
** failed with "ROLLBACK" and no error; db_commit must report the failure. */
static void db_330_commit_after_error(void **state)
{
	struct testdb *f = F(state);
	if (!f->pg)
		skip();
	exec_ok(f->d, "CREATE TABLE t330(v INTEGER UNIQUE)");
	assert_int_equal(db_begin_write(f->d), 0);
	exec_ok(f->d, "INSERT INTO t330(v) VALUES (1)");
	db_stmt *s = prepare_ok(f->d, "INSERT INTO t330(v) VALUES ($v)");
	assert_int_equal(db_bind_int(s, "$v", 1), 0);
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_int_equal(db_commit(f->d), -1);
	db_rollback(f->d);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM t330"), 0);
}

/* db-340: a wrong URL fails db_open with the Chinese message and no
** password in it. */
static void db_340_open_error(void **state)
{
	struct testdb *f = F(state);
	if (!f->pg)
		skip();
	db *d = NULL;
	char err[512];
	assert_int_equal(
	    db_open("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2", &d, err,
		    sizeof err),
	    -1);
	assert_null(d);
	assert_non_null(strstr(err, "无法连接数据库"));
	assert_null(strstr(err, "secret"));
}

/* db-290: bulk loading: text values with tabs, newlines and backslashes
** survive, NULL is NULL, numbers convert; a constraint failure inside a
** load is reported by db_copy_end() and nothing of it stays after the
** rollback; identifiers are checked. */
static void db_290_copy(void **state)
{
	db *d = D(state);
	if (!strcmp(db_backend(d), "postgresql"))
		exec_ok(d, "CREATE TABLE t290(id BIGINT GENERATED BY DEFAULT AS IDENTITY"
			   " PRIMARY KEY, n BIGINT NOT NULL, s TEXT)");
	else
		exec_ok(d, "CREATE TABLE t290(id INTEGER PRIMARY KEY, n BIGINT NOT NULL, s TEXT)");
	assert_int_equal(db_begin_write(d), 0);
	static const char *const cols[] = {"id", "n", "s"};
	db_copy *c = db_copy_begin(d, "t290", cols, 3);
	assert_non_null(c);
	const char *const r1[] = {"1", "42", "a\tb\nc\\d"};
	const char *const r2[] = {"2", "-7", NULL};
	assert_int_equal(db_copy_row(c, r1), 0);
	assert_int_equal(db_copy_row(c, r2), 0);
	for (int i = 3; i <= 1000; i++) {
		char id[16];
		snprintf(id, sizeof id, "%d", i);
		const char *const r[] = {id, "1", "x"};
		assert_int_equal(db_copy_row(c, r), 0);
	}
	assert_int_equal(db_copy_end(c), 0);
	assert_int_equal(db_sync_ids(d, "t290"), 0);
	assert_int_equal(db_commit(d), 0);
	assert_int_equal(query_int(d, "SELECT SUM(n) FROM t290"), 42 - 7 + 998);
	db_stmt *s = prepare_ok(d, "SELECT s FROM t290 WHERE id = 1");
	step_expect(s, DB_ROW);
	assert_string_equal(db_column_text(s, 0), "a\tb\nc\\d");
	db_reset(s);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t290 WHERE s IS NULL"), 1);
	/* the id generator continues after the loaded ids */
	db_stmt *ins = prepare_ok(d, "INSERT INTO t290(n) VALUES(5) RETURNING id");
	step_expect(ins, DB_ROW);
	assert_int_equal(db_column_int(ins, 0), 1001);
	db_reset(ins);

	/* a duplicate id fails the load */
	assert_int_equal(db_begin_write(d), 0);
	c = db_copy_begin(d, "t290", cols, 3);
	assert_non_null(c);
	const char *const ok[] = {"5000", "1", "y"};
	const char *const dup[] = {"1", "1", "z"};
	db_copy_row(c, ok);
	db_copy_row(c, dup);
	assert_int_equal(db_copy_end(c), DB_CONSTRAINT);
	db_rollback(d);
	assert_int_equal(query_int(d, "SELECT COUNT(*) FROM t290 WHERE id = 5000"), 0);

	static const char *const bad[] = {"n; DROP TABLE t290"};
	assert_null(db_copy_begin(d, "t290", bad, 1));
	assert_null(db_copy_begin(d, "t290 x", cols, 3));
}

/* After every case: a failed case must not leave a transaction or a row
** open for the next one. */
static int after_case(void **state)
{
	db *d = D(state);
	db_release(d);
	if (d->in_tx)
		db_rollback(d);
	return 0;
}

#define CASE(name, fn) {name, fn, NULL, after_case, NULL}

static const struct CMUnitTest cases[] = {
	CASE("db-100 bind by name, any order", db_100_bind_by_name),
	CASE("db-110 same name twice", db_110_same_name_twice),
	CASE("db-120 unknown name errors", db_120_unknown_name),
	CASE("db-130 INSERT RETURNING id", db_130_insert_returning),
	CASE("db-140 ON CONFLICT DO UPDATE", db_140_upsert),
	CASE("db-150 constraints are DB_CONSTRAINT", db_150_constraints),
	CASE("db-160 rollback leaves nothing", db_160_rollback),
	CASE("db-170 migration script, append-only table", db_170_migration_append_only),
	CASE("db-175 migration script, no-delete table, PostgreSQL-only line",
	     db_175_migration_no_delete),
	CASE("db-180 statement cache", db_180_statement_cache),
	CASE("db-190 SUM over BIGINT", db_190_sum_bigint),
	CASE("db-200 NULL handling", db_200_null),
	CASE("db-205 int or NULL", db_205_int_or_null),
	CASE("db-210 UTF-8 text and textn", db_210_text),
	CASE("db-215 blobs", db_215_blob),
	CASE("db-220 placeholders in literals", db_220_placeholder_in_literal),
	CASE("db-230 changes", db_230_changes),
	CASE("db-240 release", db_240_release),
	CASE("db-250 syntax error", db_250_syntax_error),
	CASE("db-260 column count", db_260_column_count),
	CASE("db-270 interleaved statements", db_270_interleaved),
	CASE("db-275 db_read_rows, db_read_page, db_read_one, db_read_int", db_275_read_helpers),
	CASE("db-280 backup", db_280_backup),
	CASE("db-290 bulk copy", db_290_copy),
	CASE("db-300 reconnect: SELECT re-runs", db_300_reconnect_select),
	CASE("db-310 reconnect: write not retried", db_310_reconnect_write),
	CASE("db-320 reconnect: in transaction fails", db_320_reconnect_in_tx),
	CASE("db-330 COMMIT after failed statement", db_330_commit_after_error),
	CASE("db-340 open error message", db_340_open_error),
};

int main(void)
{
	int failed = cmocka_run_group_tests_name("db/sqlite", cases, setup_sqlite, teardown);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("db/postgresql", cases, setup_pg, teardown);
	else
		fprintf(stderr, "[  SKIP    ] db/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
