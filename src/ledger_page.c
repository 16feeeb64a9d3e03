/*
** ledger_page.c — the ledger read a page at a time by keyset (the last
** row's key, never OFFSET: every page costs the same, and rows written
** between two pages neither repeat nor push a row out of the next one).
**
** The balances of a village a batch at a time, for an export whose memory
** stays bounded however many households it holds (the web's balances.csv
** streams through it, http_send_stream()).
**
** ledger_balances() (ledger.c) reads a village whole in one snapshot and
** orders it in C; this reads the same rows in the same order — code
** length, then the code's bytes — a page at a time, keyed by the last code
** of the page before (keyset, not OFFSET: each page costs the same).  The
** order is written in SQL as LENGTH(code), code COLLATE "C": LENGTH counts
** characters on both engines, as utf8_len() does, and "C" is bytewise on
** both whatever PostgreSQL's locale (db_sqlite.c registers it), as strcmp.
*/
#include <stdint.h>
#include <string.h>

#include "ledger_int.h"
#include "util.h"

int ledger_balances_after(db *d, arena *a, int64_t village_id, int year, const char *after,
			  int limit, struct ledger_balance **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	if (limit <= 0)
		return 0;
	db_stmt *s = db_prepare(
		d, "SELECT h.id, h.code, h.head_name, COALESCE(b.balance, 0), COALESCE(y.points, 0),"
		   " COALESCE(y.veto, 0) FROM household h"
		   " LEFT JOIN household_balance b ON b.household_id = h.id"
		   " LEFT JOIN household_year y ON y.household_id = h.id AND y.year = $y"
		   " WHERE h.village_id = $v AND h.participating = 1"
		   " AND (LENGTH(h.code) > $len OR (LENGTH(h.code) = $len AND h.code COLLATE \"C\" > $code))"
		   " ORDER BY LENGTH(h.code), h.code COLLATE \"C\" LIMIT $lim");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$y", year) ||
	    db_bind_int(s, "$len", after ? (int64_t)utf8_len(after) : -1) ||
	    db_bind_text(s, "$code", after ? after : "") || db_bind_int(s, "$lim", limit))
		return -1;
	struct ledger_balance *list = arena_alloc(a, (size_t)limit * sizeof *list);
	int st = DB_DONE;
	while (*n < limit && (st = db_step(s)) == DB_ROW) {
		struct ledger_balance *r = &list[(*n)++];
		r->household_id = db_column_int(s, 0);
		r->code = db_column_dup(s, 1, a);
		r->name = db_column_dup(s, 2, a);
		r->balance = db_column_int(s, 3);
		r->year_points = db_column_int(s, 4);
		r->veto = (int)db_column_int(s, 5);
	}
	if (*n == limit)
		st = DB_DONE;
	db_reset(s);
	*rows = list;
	return st == DB_DONE ? 0 : -1;
}

int ledger_household_entries_after(db *d, arena *a, int64_t village_id, int64_t household_id,
				   int64_t after, int limit, struct ledger_entry **rows, int *n,
				   int *more)
{
	*rows = NULL;
	*n = 0;
	*more = 0;
	/* the key of the entry after: (date, seq), the page order's columns;
	** none before the first page (dates are YYYY-MM-DD, all below '9') */
	const char *date = "9";
	int64_t seq = 0;
	if (after) {
		db_stmt *k = db_prepare(d, "SELECT date, seq FROM ledger_entry WHERE id = $id"
					   " AND household_id = $h AND village_id = $v");
		if (!k || db_bind_int(k, "$id", after) || db_bind_int(k, "$h", household_id) ||
		    db_bind_int(k, "$v", village_id))
			return -1;
		int got = db_step_one(k);
		if (got)
			return got < 0 ? -1 : 1;
		date = db_column_dup(k, 0, a);
		seq = db_column_int(k, 1);
		db_reset(k);
	}
	if (limit <= 0)
		return 0;
	db_stmt *s = db_prepare(d, "SELECT " ENTRY_COLS DISPLAY_COLS " FROM ledger_entry le" DISPLAY_JOINS
				   " WHERE le.household_id = $h AND le.village_id = $v"
				   " AND (le.date < $d OR (le.date = $d AND le.seq < $s))"
				   " ORDER BY le.date DESC, le.seq DESC LIMIT $lim");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_text(s, "$d", date) || db_bind_int(s, "$s", after ? seq : INT64_MAX) ||
	    db_bind_int(s, "$lim", (int64_t)limit + 1))
		return -1;
	struct ledger_entry *list = arena_alloc(a, (size_t)limit * sizeof *list);
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		if (*n == limit) {
			*more = 1;
			break;
		}
		entry_from_row(s, a, &list[(*n)++], 1);
	}
	db_reset(s);
	*rows = list;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}
