/*
** cmd_migrate.c — `jifen migrate-db --from FILE.db --to postgresql://…`:
** a town joining a district platform moves its SQLite database to
** PostgreSQL.  Both sides are brought to this binary's schema first; every
** table is then copied with its ids in one PostgreSQL transaction (COPY),
** so the move is whole or nothing; at the end the ledger of the copy is
** verified and its balances compared with the source's.
*/
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ledger.h"

/* Tables not worth moving: sessions, login attempts and failures are
** short-lived, and schema_version is written by the migrations themselves. */
static int table_skipped(const char *t)
{
	return !strcmp(t, "schema_version") || !strcmp(t, "session") ||
	       !strcmp(t, "login_attempt") || !strcmp(t, "login_failure");
}

/* A BLOB column's bytes in BYTEA's text form ("\\x" and hex, arena a):
** what COPY reads (the stored passbooks' packed bodies). */
static const char *bytea_text(db_stmt *s, int col, arena *a)
{
	size_t n;
	const unsigned char *p = db_column_blob(s, col, &n);
	char *t = arena_alloc(a, 2 * n + 3);
	t[0] = '\\', t[1] = 'x';
	hex_encode(p ? p : (const unsigned char *)"", n, t + 2);
	return t;
}

/* Copy every row of table from src to dst (inside dst's transaction).
** Returns the number of rows, or -1 with the error printed. */
static int64_t copy_table(db *src, db *dst, arena *a, const char *table)
{
	/* SQL from a schema identifier (checked), never from a value */
	if (!db_ident_ok(table)) {
		fprintf(stderr, "表名无效: %s\n", table);
		return -1;
	}
	db_stmt *s = db_prepare_uncached(src, arena_printf(a, "SELECT * FROM %s", table));
	if (!s) {
		fprintf(stderr, "读取 %s 失败: %s\n", table, db_errmsg(src));
		return -1;
	}
	int64_t rows = 0;
	int ncols = db_column_count(s), has_id = 0, st;
	const char **cols = arena_alloc(a, (size_t)ncols * sizeof *cols);
	const char **vals = arena_alloc(a, (size_t)ncols * sizeof *vals);
	db_copy *c = NULL;
	while ((st = db_step(s)) == DB_ROW) {
		if (!c) {
			for (int i = 0; i < ncols; i++) {
				cols[i] = arena_strdup(a, db_column_name(s, i));
				has_id |= !strcmp(cols[i], "id");
			}
			c = db_copy_begin(dst, table, cols, ncols);
			if (!c)
				break;
		}
		for (int i = 0; i < ncols; i++)
			vals[i] = db_column_is_null(s, i) ? NULL
				  : db_column_is_blob(s, i) ? bytea_text(s, i, a)
							    : db_column_text(s, i);
		if (db_copy_row(c, vals))
			break;
		rows++;
	}
	if (st == DB_ERROR)
		fprintf(stderr, "读取 %s 失败: %s\n", table, db_errmsg(src));
	db_finalize(s);
	if (c && db_copy_end(c)) {
		fprintf(stderr, "写入 %s 失败: %s\n", table, db_errmsg(dst));
		return -1;
	}
	if (st == DB_ERROR || (rows && !c))
		return -1;
	if (has_id && db_sync_ids(dst, table)) {
		fprintf(stderr, "写入 %s 失败: %s\n", table, db_errmsg(dst));
		return -1;
	}
	return rows;
}

/* Every household's balance as "id:balance;" text, for comparing. */
static char *balances_fingerprint(db *d, arena *a)
{
	db_stmt *s = db_prepare(d, "SELECT household_id, balance FROM household_balance"
				   " ORDER BY household_id");
	if (!s)
		return NULL;
	buf b = {0};
	while (db_step(s) == DB_ROW)
		buf_printf(&b, "%lld:%lld;", (long long)db_column_int(s, 0),
			   (long long)db_column_int(s, 1));
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* jifen migrate-db --from FILE.db --to postgresql://…
** Move a town's SQLite database into an empty PostgreSQL database, whole
** or not at all, then verify the ledger there. */
int cmd_migrate_db(struct cli *c)
{
	static const char *const known[] = {"--from=", "--to=", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return rc;
	const char *from = cli_opt(c, "--from"), *to = cli_opt(c, "--to");
	if (!from || !to || cli_npos(c)) {
		return cli_usage(c);
	}
	db *src = NULL, *dst = NULL;
	char err[512];
	int version;
	rc = EXIT_FAILURE_3;
	if (db_open(from, &src, err, sizeof err) || strcmp(db_backend(src), "sqlite")) {
		fprintf(stderr, "--from 应为 SQLite 数据库文件: %s\n", src ? from : err);
		rc = src ? EXIT_USAGE : EXIT_FAILURE_3;
		goto out;
	}
	if (db_open(to, &dst, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (strcmp(db_backend(dst), "postgresql")) {
		fprintf(stderr, "--to 应为 postgresql:// 地址\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (db_migrate(src, &version, err, sizeof err) || db_migrate(dst, &version, err, sizeof err) ||
	    (ledger_seal_legacy(src) && snprintf(err, sizeof err, "%s", db_errmsg(src)))) {
		fprintf(stderr, "数据库升级失败: %s\n", err);
		goto out;
	}
	db_stmt *s = db_prepare(dst, "SELECT COUNT(*) FROM village");
	if (!s || db_step(s) != DB_ROW) {
		fprintf(stderr, "数据库错误: %s\n", db_errmsg(dst));
		goto out;
	}
	int64_t existing = db_column_int(s, 0);
	db_reset(s);
	if (existing) {
		fprintf(stderr, "目标数据库里已经有 %lld 个村，只能迁移到空数据库\n", (long long)existing);
		rc = EXIT_REJECTED;
		goto out;
	}

	/* the tables in creation order, so that referenced rows come first
	** (the one SQLite-specific query here: the source is SQLite by
	** definition) */
	s = db_prepare(src, "SELECT name FROM sqlite_master WHERE type='table'"
			    " AND name NOT LIKE 'sqlite%' ORDER BY rowid");
	if (!s) {
		fprintf(stderr, "数据库错误: %s\n", db_errmsg(src));
		goto out;
	}
	int ntables = 0;
	const char *tables[128];
	while (db_step(s) == DB_ROW && ntables < 128)
		if (!table_skipped(db_column_text(s, 0)))
			tables[ntables++] = arena_strdup(c->a, db_column_text(s, 0));
	db_reset(s);

	if (db_begin(src) || db_begin_write(dst)) {
		fprintf(stderr, "数据库错误: %s / %s\n", db_errmsg(src), db_errmsg(dst));
		goto out;
	}
	for (int i = 0; i < ntables; i++) {
		int64_t n = copy_table(src, dst, c->a, tables[i]);
		if (n < 0) {
			db_rollback(dst);
			db_rollback(src);
			goto out;
		}
		printf("  %-20s %lld 行\n", tables[i], (long long)n);
	}
	if (db_commit(dst)) {
		fprintf(stderr, "提交失败: %s\n", db_errmsg(dst));
		db_rollback(src);
		goto out;
	}
	db_rollback(src);

	/* prove it: the chain and balances verify on PostgreSQL and the
	** balances are those of the source */
	errlist errs = {0};
	int64_t checked = 0;
	int v = ledger_verify(dst, c->a, 0, &errs, &checked);
	const char *fa = balances_fingerprint(src, c->a), *fb = balances_fingerprint(dst, c->a);
	if (v != 0 || !fa || !fb || strcmp(fa, fb)) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		fprintf(stderr, "迁移后的校验没有通过%s\n", v < 0 ? db_errmsg(dst) : "");
		goto out;
	}
	printf("已迁移到 PostgreSQL，积分台账校验通过（%lld 条记录），余额一致。\n",
	       (long long)checked);
	rc = EXIT_OK;
out:
	db_close(src);
	db_close(dst);
	return rc;
}
