/*
** test_standard_seal.c — unit tests of src/standard_seal.c, the content
** hash of a standard version that the adoption's audit row records and
** `jifen verify` recomputes: the hash recorded is the hash computed; it
** follows the documented encoding (version columns, each item's columns
** without its id, "end", length-prefixed); any change of an item's points,
** name or cap, or of the vote, changes it, and undoing the change restores
** it; a version without items is an error.  On both backends (the
** append-only triggers are dropped to tamper, as an attacker with the
** database would).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

/* The latest standard version of village id. */
static int64_t version_of(struct fixture *f, int64_t village_id)
{
	return query_int_x(f, "SELECT MAX(id) FROM standard_version WHERE village_id = $x", village_id);
}

static int64_t v1_version(struct fixture *f)
{
	return version_of(f, f->v->id);
}

static void hash_of(struct fixture *f, int64_t ver, char out[65])
{
	if (standard_content_hash(f->d, ver, out))
		fail_msg("standard_content_hash: %s", db_errmsg(f->d));
}

static void sql_ok(struct fixture *f, const char *sql)
{
	if (db_exec(f->d, sql))
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

/* standard_seal-100: the adoption's audit row records this very hash. */
static void standard_seal_100_recorded(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int64_t ver = v1_version(f);
	char h[65], again[65];
	hash_of(f, ver, h);
	assert_int_equal(strlen(h), 64);
	hash_of(f, ver, again);
	assert_string_equal(h, again);
	db_stmt *s = db_prepare(f->d, "SELECT after_json FROM audit WHERE action = 'standard.adopt'"
				      " AND village_id = $v");
	assert_non_null(s);
	db_bind_int(s, "$v", f->v->id);
	assert_int_equal(db_step(s), DB_ROW);
	char want[100];
	snprintf(want, sizeof want, "\"content_hash\":\"%s\"", h);
	if (!strstr(db_column_text(s, 0), want))
		fail_msg("audit row %s lacks %s", db_column_text(s, 0), want);
	db_reset(s);
	/* V2 adopted the same CSV: another version, another hash */
	char hw[65];
	hash_of(f, version_of(f, f->w->id), hw);
	assert_string_not_equal(h, hw);
}

/* standard_seal-110: the documented encoding, rebuilt here by hand. */
static void standard_seal_110_encoding(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int64_t ver = v1_version(f);
	db_stmt *s = db_prepare(f->d, STANDARD_SEAL_SELECT " WHERE v.id = $id ORDER BY i.seq");
	assert_non_null(s);
	db_bind_int(s, "$id", ver);
	buf b = {0};
	int rows = 0;
	while (db_step(s) == DB_ROW) {
		if (!rows++) {
			buf_field(&b, "jifen-standard-v1");
			for (int i = 0; i <= 15; i++)
				buf_field(&b, db_column_text(s, i));
		}
		for (int i = 17; i <= 25; i++) /* not 16, the item's id */
			buf_field(&b, db_column_text(s, i));
	}
	buf_field(&b, "end");
	assert_true(rows > 10);
	char want[65], got[65];
	sha256_hex(b.p, b.len, want);
	buf_free(&b);
	hash_of(f, ver, got);
	assert_string_equal(got, want);
}

/* Change one column of what the hash covers, check the hash changes, and
** put it back: the hash is the original again. */
static void tamper(struct fixture *f, int64_t ver, const char *change, const char *undo,
		   const char *orig)
{
	char h[65];
	sql_ok(f, change);
	hash_of(f, ver, h);
	if (!strcmp(h, orig))
		fail_msg("%s: hash unchanged", change);
	sql_ok(f, undo);
	hash_of(f, ver, h);
	assert_string_equal(h, orig);
}

/* standard_seal-120: every covered column counts. */
static void standard_seal_120_tamper(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int64_t ver = v1_version(f);
	char orig[65];
	hash_of(f, ver, orig);
	/* the triggers refuse the change first */
	db_stmt *s = db_prepare(f->d, "UPDATE standard_item SET points = 99 WHERE code = 'HJ01'");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	if (f->t.pg) {
		sql_ok(f, "DROP TRIGGER standard_item_no_update_delete ON standard_item");
		sql_ok(f, "DROP TRIGGER standard_version_no_update_delete ON standard_version");
	} else {
		sql_ok(f, "DROP TRIGGER standard_item_no_update");
		sql_ok(f, "DROP TRIGGER standard_version_no_update");
	}
	char sql[2][200];
	int64_t pts = query_int(f->d, "SELECT MIN(points) FROM standard_item WHERE code = 'HJ01'");
	snprintf(sql[0], sizeof sql[0], "UPDATE standard_item SET points = %lld WHERE code = 'HJ01'",
		 (long long)pts + 1);
	snprintf(sql[1], sizeof sql[1], "UPDATE standard_item SET points = %lld WHERE code = 'HJ01'",
		 (long long)pts);
	tamper(f, ver, sql[0], sql[1], orig);
	tamper(f, ver, "UPDATE standard_item SET name = name || 'x' WHERE code = 'HJ01'",
	       "UPDATE standard_item SET name = substr(name, 1, length(name) - 1) WHERE code = 'HJ01'",
	       orig);
	int64_t cap = query_int(f->d, "SELECT COALESCE(MIN(cap_month), -1) FROM standard_item WHERE code = 'HJ01'");
	if (cap >= 0) {
		snprintf(sql[0], sizeof sql[0], "UPDATE standard_item SET cap_month = %lld WHERE code = 'HJ01'",
			 (long long)cap + 7);
		snprintf(sql[1], sizeof sql[1], "UPDATE standard_item SET cap_month = %lld WHERE code = 'HJ01'",
			 (long long)cap);
	} else {
		snprintf(sql[0], sizeof sql[0], "UPDATE standard_item SET cap_month = 7 WHERE code = 'HJ01'");
		snprintf(sql[1], sizeof sql[1], "UPDATE standard_item SET cap_month = NULL WHERE code = 'HJ01'");
	}
	tamper(f, ver, sql[0], sql[1], orig);
	tamper(f, ver, "UPDATE standard_version SET votes_for = votes_for + 1",
	       "UPDATE standard_version SET votes_for = votes_for - 1", orig);
	tamper(f, ver, "UPDATE standard_version SET adopted_on = '2024-03-21'",
	       "UPDATE standard_version SET adopted_on = '2024-03-20'", orig);
	/* an item's seq counts too: two items swapped in order */
	int64_t s1 = query_int(f->d, "SELECT MIN(seq) FROM standard_item WHERE code = 'HJ01'");
	int64_t s2 = query_int(f->d, "SELECT MIN(seq) FROM standard_item WHERE code = 'HJ02'");
	char swap[3][160];
	snprintf(swap[0], sizeof swap[0], "UPDATE standard_item SET seq = -1 WHERE code = 'HJ01'");
	snprintf(swap[1], sizeof swap[1], "UPDATE standard_item SET seq = %lld WHERE code = 'HJ02'", (long long)s1);
	snprintf(swap[2], sizeof swap[2], "UPDATE standard_item SET seq = %lld WHERE code = 'HJ01'", (long long)s2);
	sql_ok(f, swap[0]);
	sql_ok(f, swap[1]);
	sql_ok(f, swap[2]);
	char h[65];
	hash_of(f, ver, h);
	assert_string_not_equal(h, orig);
}

/* standard_seal-130: a version without items (or none at all). */
static void standard_seal_130_no_items(void **state)
{
	struct fixture *f = F(state);
	char h[65];
	assert_int_equal(standard_content_hash(f->d, 424242, h), -1);
	assert_string_equal(db_errmsg(f->d), "标准版本 424242 没有项目");
}

#define DBCASES(setup)                                                                 \
	cmocka_unit_test_setup_teardown(standard_seal_100_recorded, setup, teardown),  \
	cmocka_unit_test_setup_teardown(standard_seal_110_encoding, setup, teardown),  \
	cmocka_unit_test_setup_teardown(standard_seal_120_tamper, setup, teardown),    \
	cmocka_unit_test_setup_teardown(standard_seal_130_no_items, setup, teardown)

int main(void)
{
	LEDGERFIX_MAIN("standard_seal", (const struct CMUnitTest *)NULL, 0, DBCASES, setup_sqlite, setup_pg);
}
