/*
** test_pgtools.c — unit tests of src/pgtools.c, pg_dump and pg_restore
** run with the connection in the child's environment: a dump is renamed
** into place only when whole (a failed one leaves no file, not even its
** temporary), a dump restores into another database in one transaction,
** a restore that fails part-way leaves nothing of itself, the caller's
** own PG* variables never reach the child (only pgenv does), and the
** refusals say why.  The database cases need JIFEN_TEST_PG (each makes
** and drops databases of its own on that server).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "pgtools.h"
#include "util.h"

static char host[128], port[16], user[64];
static char dir[256];

/* pgenv for database name (static storage, NULL-terminated). */
static char *const *env_for(const char *name)
{
	static char e[4][200];
	static char *env[5];
	snprintf(e[0], sizeof e[0], "PGHOST=%s", host);
	snprintf(e[1], sizeof e[1], "PGPORT=%s", port);
	snprintf(e[2], sizeof e[2], "PGUSER=%s", user);
	snprintf(e[3], sizeof e[3], "PGDATABASE=%s", name);
	for (int i = 0; i < 4; i++)
		env[i] = e[i];
	env[4] = NULL;
	return env;
}

/* The files in dir. */
static int files_in(const char *d)
{
	DIR *x = opendir(d);
	assert_non_null(x);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(x)))
		n += e->d_name[0] != '.';
	closedir(x);
	return n;
}

static void make_dir(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof dir, "%s/jifen-test-pgtools-XXXXXX", tmp);
	assert_non_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	DIR *x = opendir(dir);
	struct dirent *e;
	char p[600];
	while (x && (e = readdir(x)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (x)
		closedir(x);
	rmdir(dir);
}

/* pgtools-100: refusals that need no server. */
static void pgtools_100_refusals(void **state)
{
	(void)state;
	char err[512] = "";
	char *no_db[] = {"PGHOST=127.0.0.1", NULL};
	assert_int_equal(pgtool_restore(no_db, "/tmp/x.dump", err, sizeof err), -1);
	assert_string_equal(err, "连接参数里没有数据库名");
	assert_int_equal(pgtool_dump(no_db, "/no/such/dir/x.dump", err, sizeof err), -1);
	assert_non_null(strstr(err, "无法创建备份文件 /no/such/dir/x.dump"));
}

/* Run sql on the server's own database (CREATE/DROP DATABASE). */
static void admin(const char *sql)
{
	db *d = NULL;
	char err[256];
	if (db_open(getenv("JIFEN_TEST_PG"), &d, err, sizeof err))
		fail_msg("%s", err);
	if (db_exec(d, sql))
		fail_msg("%s: %s", sql, db_errmsg(d));
	db_close(d);
}

/* Open database name of the server. */
static db *open_db(const char *name)
{
	char url[300], err[256];
	snprintf(url, sizeof url, "postgresql://%s@%s:%s/%s", user, host, port, name);
	db *d = NULL;
	if (db_open(url, &d, err, sizeof err))
		fail_msg("%s", err);
	return d;
}

/* pgtools-110: dump, restore elsewhere, restore again (fails whole). */
static void pgtools_110_round_trip(void **state)
{
	(void)state;
	char rnd[9], a[40], b[40], sql[200];
	random_hex(rnd, 4);
	snprintf(a, sizeof a, "jifen_pgt_a_%s", rnd);
	snprintf(b, sizeof b, "jifen_pgt_b_%s", rnd);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", a);
	admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", b);
	admin(sql);
	db *d = open_db(a);
	assert_int_equal(db_exec(d, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);"
				    " INSERT INTO t VALUES (1, '张三'), (2, '李四')"), 0);
	db_close(d);

	make_dir();
	char path[400], err[512] = "";
	snprintf(path, sizeof path, "%s/backup.dump", dir);
	/* the caller's own PG variables are not the child's */
	setenv("PGPORT", "1", 1);
	setenv("PGDATABASE", "nonexistent", 1);
	if (pgtool_dump((char *const *)env_for(a), path, err, sizeof err))
		fail_msg("dump: %s", err);
	unsetenv("PGPORT");
	unsetenv("PGDATABASE");
	assert_int_equal(files_in(dir), 1);
	FILE *f = fopen(path, "rb");
	char magic[6] = "";
	assert_int_equal(fread(magic, 1, 5, f), 5);
	fclose(f);
	assert_string_equal(magic, "PGDMP");

	if (pgtool_restore((char *const *)env_for(b), path, err, sizeof err))
		fail_msg("restore: %s", err);
	d = open_db(b);
	db_stmt *s = db_prepare(d, "SELECT COUNT(*), MIN(CASE WHEN id = 1 THEN name END) FROM t");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 2);
	assert_string_equal(db_column_text(s, 1), "张三");
	db_reset(s);
	/* a second restore fails on the existing table and changes nothing */
	assert_int_equal(db_exec(d, "DELETE FROM t WHERE id = 2"), 0);
	db_close(d);
	fflush(stderr);
	assert_int_equal(pgtool_restore((char *const *)env_for(b), path, err, sizeof err), -1);
	assert_non_null(strstr(err, "pg_restore 失败（退出码"));
	d = open_db(b);
	s = db_prepare(d, "SELECT COUNT(*) FROM t");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 1);
	db_reset(s);
	db_close(d);

	/* a dump that fails (no such database) leaves no file at all */
	char bad[400];
	snprintf(bad, sizeof bad, "%s/bad.dump", dir);
	assert_int_equal(pgtool_dump((char *const *)env_for("jifen_no_such_db"), bad, err, sizeof err), -1);
	assert_non_null(strstr(err, "pg_dump 失败"));
	assert_int_equal(files_in(dir), 1);
	/* a file that is not a dump does not restore */
	snprintf(bad, sizeof bad, "%s/not.dump", dir);
	f = fopen(bad, "w");
	fputs("not a dump", f);
	fclose(f);
	assert_int_equal(pgtool_restore((char *const *)env_for(b), bad, err, sizeof err), -1);
	remove_dir();
	snprintf(sql, sizeof sql, "DROP DATABASE %s", a);
	admin(sql);
	snprintf(sql, sizeof sql, "DROP DATABASE %s", b);
	admin(sql);
}

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(pgtools_100_refusals)};
	int failed = cmocka_run_group_tests_name("pgtools/rules", rules, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	/* postgresql://USER@HOST:PORT/DB… */
	if (pg && *pg && sscanf(pg, "postgresql://%63[^@]@%127[^:]:%15[0-9]", user, host, port) == 3) {
		const struct CMUnitTest cases[] = {cmocka_unit_test(pgtools_110_round_trip)};
		failed += cmocka_run_group_tests_name("pgtools/postgresql", cases, NULL, NULL);
	} else
		fprintf(stderr, "[  SKIP    ] pgtools/postgresql: JIFEN_TEST_PG is not set"
				" (or not postgresql://USER@HOST:PORT/…)\n");
	return failed ? 1 : 0;
}
