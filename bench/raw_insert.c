/*
** raw_insert.c — the reference for ledger posting on SQLite: the fastest
** plain way to put the same rows into a table of the same shape, so that
** `jifen sheet approve` (reading the sheet, hashing the chain, inserting,
** updating balances, auditing, committing) can be reported as a ratio of
** it.
**
**   raw_insert SOURCE.db VILLAGE_CODE TARGET.db REPEATS
**
** Reads every ledger_entry row of the village from SOURCE.db (a database
** jifen has just posted the sheet into) into memory — not timed — then
** REPEATS times: creates TARGET.db afresh with the CREATE TABLE and CREATE
** INDEX statements of ledger_entry taken from SOURCE.db's own schema (so
** the shape, the UNIQUE index and the secondary indexes are exactly
** jifen's), the same pragmas jifen opens with (WAL, synchronous=NORMAL),
** and times BEGIN, one prepared INSERT stepped per row, COMMIT and the
** close (the close checkpoints the WAL, as the CLI's exit does).  Foreign
** keys are off, as in any plain program: this is the raw limit.
**
** Prints one line per repeat, "raw_insert rows=N seconds=S", and checks
** that TARGET.db then holds N rows whose last hash equals SOURCE.db's.
** Exit 0, or 1 with a message.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One value of a row: SQLite keeps the column's type, so the target gets
** exactly what the source holds (integers stay integers, NULL stays NULL). */
struct val {
	int type;          /* SQLITE_INTEGER, SQLITE_TEXT, SQLITE_NULL */
	sqlite3_int64 i;
	char *s;
	int n;
};

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "raw_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Remove path and its -wal/-shm companions. */
static void remove_db(const char *path)
{
	char p[4096];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: raw_insert SOURCE.db VILLAGE_CODE TARGET.db REPEATS\n");
		return 2;
	}
	const char *src_path = argv[1], *village = argv[2], *dst_path = argv[3];
	int repeats = atoi(argv[4]);
	sqlite3 *src;
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL))
		die("open source", src);

	/* the DDL of ledger_entry: the table, then its indexes */
	char **ddl = NULL;
	int nddl = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(src,
			       "SELECT sql FROM sqlite_master WHERE tbl_name = 'ledger_entry'"
			       " AND type IN ('table', 'index') AND sql IS NOT NULL"
			       " ORDER BY type = 'index', name",
			       -1, &st, NULL))
		die("read schema", src);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ddl = realloc(ddl, (size_t)(nddl + 1) * sizeof *ddl);
		ddl[nddl++] = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (!nddl)
		die("source has no ledger_entry table", NULL);

	/* the rows, in id order, with their column names */
	if (sqlite3_prepare_v2(src,
			       "SELECT e.* FROM ledger_entry e JOIN village v ON v.id = e.village_id"
			       " WHERE v.code = ?1 ORDER BY e.id",
			       -1, &st, NULL))
		die("read rows", src);
	sqlite3_bind_text(st, 1, village, -1, SQLITE_STATIC);
	int ncol = sqlite3_column_count(st);
	char insert[8192];
	int off = snprintf(insert, sizeof insert, "INSERT INTO ledger_entry(");
	for (int c = 0; c < ncol; c++)
		off += snprintf(insert + off, sizeof insert - (size_t)off, "%s%s", c ? "," : "",
				sqlite3_column_name(st, c));
	off += snprintf(insert + off, sizeof insert - (size_t)off, ") VALUES(");
	for (int c = 0; c < ncol; c++)
		off += snprintf(insert + off, sizeof insert - (size_t)off, "%s?%d", c ? "," : "", c + 1);
	snprintf(insert + off, sizeof insert - (size_t)off, ")");
	struct val *vals = NULL;
	size_t nrows = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nrows == cap) {
			cap = cap ? cap * 2 : 65536;
			vals = realloc(vals, cap * (size_t)ncol * sizeof *vals);
			if (!vals)
				die("out of memory", NULL);
		}
		struct val *row = vals + nrows * (size_t)ncol;
		for (int c = 0; c < ncol; c++) {
			struct val *v = &row[c];
			v->type = sqlite3_column_type(st, c);
			if (v->type == SQLITE_INTEGER) {
				v->i = sqlite3_column_int64(st, c);
			} else if (v->type != SQLITE_NULL) {
				v->type = SQLITE_TEXT;
				v->n = sqlite3_column_bytes(st, c);
				v->s = malloc((size_t)v->n + 1);
				memcpy(v->s, sqlite3_column_text(st, c), (size_t)v->n + 1);
			}
		}
		nrows++;
	}
	sqlite3_finalize(st);
	if (!nrows)
		die("the village has no ledger entries in the source", NULL);
	const char *last_hash = NULL;
	{
		int hc = -1;
		sqlite3_stmt *q;
		sqlite3_prepare_v2(src, "SELECT * FROM ledger_entry LIMIT 0", -1, &q, NULL);
		for (int c = 0; c < ncol; c++)
			if (!strcmp(sqlite3_column_name(q, c), "hash"))
				hc = c;
		sqlite3_finalize(q);
		if (hc < 0)
			die("no hash column", NULL);
		last_hash = vals[(nrows - 1) * (size_t)ncol + (size_t)hc].s;
	}
	sqlite3_close(src);

	for (int r = 0; r < repeats; r++) {
		remove_db(dst_path);
		sqlite3 *db;
		if (sqlite3_open(dst_path, &db) ||
		    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				     " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;",
				 NULL, NULL, NULL))
			die("open target", db);
		for (int i = 0; i < nddl; i++)
			if (sqlite3_exec(db, ddl[i], NULL, NULL, NULL))
				die(ddl[i], db);

		double t0 = now_seconds();
		sqlite3_stmt *ins;
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) ||
		    sqlite3_prepare_v2(db, insert, -1, &ins, NULL))
			die("prepare insert", db);
		for (size_t i = 0; i < nrows; i++) {
			const struct val *row = vals + i * (size_t)ncol;
			for (int c = 0; c < ncol; c++) {
				if (row[c].type == SQLITE_INTEGER)
					sqlite3_bind_int64(ins, c + 1, row[c].i);
				else if (row[c].type == SQLITE_TEXT)
					sqlite3_bind_text(ins, c + 1, row[c].s, row[c].n, SQLITE_STATIC);
				else
					sqlite3_bind_null(ins, c + 1);
			}
			if (sqlite3_step(ins) != SQLITE_DONE)
				die("insert", db);
			sqlite3_reset(ins);
		}
		sqlite3_finalize(ins);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
			die("commit", db);
		if (sqlite3_close(db))
			die("close", db);
		double t = now_seconds() - t0;

		/* check what was written, outside the timing */
		if (sqlite3_open_v2(dst_path, &db, SQLITE_OPEN_READONLY, NULL) ||
		    sqlite3_prepare_v2(db, "SELECT COUNT(*), (SELECT hash FROM ledger_entry"
					   " ORDER BY id DESC LIMIT 1) FROM ledger_entry",
				       -1, &st, NULL) ||
		    sqlite3_step(st) != SQLITE_ROW)
			die("check target", db);
		if ((size_t)sqlite3_column_int64(st, 0) != nrows ||
		    strcmp((const char *)sqlite3_column_text(st, 1), last_hash)) {
			fprintf(stderr, "raw_insert: target holds %lld rows, want %zu, or the last hash "
					"differs\n",
				(long long)sqlite3_column_int64(st, 0), nrows);
			return 1;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
		printf("raw_insert rows=%zu seconds=%.6f\n", nrows, t);
		fflush(stdout);
	}
	return 0;
}
