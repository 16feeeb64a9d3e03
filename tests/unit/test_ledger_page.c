/*
** test_ledger_page.c — unit tests of src/ledger_page.c: the keyset paging
** of ledger_balances_after() over a village of many households.  Read page
** after page with the last code of each as the next cursor, every
** participating household of the village comes exactly once, in
** ledger_balances()'s order (code length in characters, then the code's
** bytes) and with its figures, whatever the page size — across batch
** boundaries, on a last page that is exactly full or nearly empty — and
** none of another village or not participating.  Numbered cases
** (ledger-page-NNN), on SQLite and, when JIFEN_TEST_PG is set, on
** PostgreSQL (whose own collation would order the codes differently).
*/
#include "household.h"
#include "ledger.h"
#include "unitfix.h"

/* How many households of V1 take part: more than the largest page tried
** but one, so that pages end inside the village and exactly at its end. */
enum { PARTICIPATING = 301, YEAR = 2025 };

/* The code of household i: digits, letters of both cases and Chinese, of
** 1 to 5 characters, so that length and bytes both decide the order and a
** collation other than bytewise would change it ("a1" after "B1", "东"
** after every Latin letter; "9" before "10"). */
static void code_of(int i, char out[32])
{
	static const char *const prefix[] = {"", "A", "a", "B", "东", "Z", "z"};
	snprintf(out, 32, "%s%d", prefix[i % 7], i / 7 + (i % 3 ? 0 : 90));
}

/* Import the households of v: n taking part, then four that do not (no
** joining date; one with no homestead). */
static int import_households(struct unitfix *f, const struct village *v, int n)
{
	buf csv = {0};
	buf_puts(&csv, "户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n");
	char code[32];
	for (int i = 0; i < n; i++) {
		code_of(i, code);
		buf_printf(&csv, "%s,户主%d,是,是,是,2024-01-01\n", code, i);
	}
	buf_puts(&csv, "X1,未参与一,是,是,是,\nX2,未参与二,是,是,是,\n");
	buf_puts(&csv, "X3,未参与三,是,是,是,\nX4,无宅基地,是,否,是,2024-01-01\n");
	errlist errs = {0};
	struct import_report rep = {0};
	int rc = household_import(f->d, &f->who, v, "h.csv", buf_cstr(&csv), csv.len, 0, &rep,
				  &errs);
	if (rc)
		fprintf(stderr, "household_import: %s %s\n", errs.n ? errs.msg[0] : "",
			db_errmsg(f->d));
	import_report_free(&rep);
	errlist_free(&errs);
	buf_free(&csv);
	return rc;
}

/* 1 when this PostgreSQL has the ICU root collation. */
static int has_icu(db *d)
{
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM pg_collation WHERE collname = 'und-x-icu'");
	int yes = s && db_step(s) == DB_ROW && db_column_int(s, 0) > 0;
	if (s)
		db_reset(s);
	if (!yes)
		fprintf(stderr, "[  NOTE    ] no ICU collation: the codes keep the cluster's\n");
	return yes;
}

/* On unitfix's villages: V1 with PARTICIPATING households, V2 with the
** first 40 of the same codes; balances for every other household, this
** year's points (and some vetoes) for every third, last year's for all:
** the pages must show YEAR's. */
static int open_fixture(struct unitfix *f)
{
	/* PostgreSQL: the codes compared by a locale's rules, as on a cluster
	** initialised with zh_CN.UTF-8 ("a1" next to "A1", digits before
	** letters whatever their byte), where the test cluster's C.UTF-8 is
	** bytewise anyway: the pages must still come in bytewise order.
	** Before any statement on household is prepared (a cached plan would
	** not survive the column's change); skipped without ICU. */
	if (f->t.pg && has_icu(f->d) &&
	    db_exec(f->d, "ALTER TABLE household ALTER COLUMN code TYPE TEXT COLLATE \"und-x-icu\""))
		return fprintf(stderr, "collation: %s\n", db_errmsg(f->d)), -1;
	if (import_households(f, f->v, PARTICIPATING) || import_households(f, f->w, 40))
		return -1;
	if (db_exec(f->d, "INSERT INTO household_balance(household_id, village_id, balance)"
			  " SELECT id, village_id, id * 7 - 1000 FROM household WHERE id % 2 = 0") ||
	    db_exec(f->d, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
			  " SELECT id, 2025, village_id, id * 3,"
			  " CASE WHEN id % 5 = 0 THEN 1 ELSE 0 END FROM household WHERE id % 3 = 0") ||
	    db_exec(f->d, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
			  " SELECT id, 2024, village_id, 99999, 1 FROM household"))
		return fprintf(stderr, "figures: %s\n", db_errmsg(f->d)), -1;
	return 0;
}

static int setup_sqlite(void **state)
{
	return unitfix_setup_sqlite(state) ? -1 : open_fixture(UF(state));
}

static int setup_pg(void **state)
{
	return unitfix_setup_pg(state) ? -1 : open_fixture(UF(state));
}

/* p comes strictly before q in the balances' order. */
static int before(const struct ledger_balance *p, const struct ledger_balance *q)
{
	size_t lp = utf8_len(p->code), lq = utf8_len(q->code);
	return lp != lq ? lp < lq : strcmp(p->code, q->code) < 0;
}

/* Read the whole village v a page of limit at a time into *all (arena),
** *n rows; *pages the number of statements read, the empty last one
** included.  Every page but the last is full. */
static void read_pages(struct unitfix *f, const struct village *v, int limit,
		       struct ledger_balance **all, int *n, int *pages)
{
	int cap = 0;
	*all = NULL;
	*n = 0;
	*pages = 0;
	const char *after = NULL;
	for (;;) {
		struct ledger_balance *rows;
		int got;
		assert_int_equal(ledger_balances_after(f->d, f->a, v->id, YEAR, after, limit, &rows,
						       &got),
				 0);
		++*pages;
		assert_true(got >= 0 && got <= limit);
		for (int i = 0; i < got; i++) {
			*all = arena_grow(f->a, *all, &cap, *n, sizeof **all);
			(*all)[(*n)++] = rows[i];
		}
		if (got < limit)
			break;
		after = rows[got - 1].code;
		assert_true(*pages <= PARTICIPATING + 1);
	}
}

/* ledger-page-100: for page sizes from 1 to beyond the village (a last
** page nearly empty, exactly full and so followed by an empty one, or the
** whole village at once), the pages together are ledger_balances() row for
** row: the same households once each, in order, with the same balance,
** this year's points and veto. */
static void test_pages_equal_whole(void **state)
{
	struct unitfix *f = UF(state);
	struct ledger_balance *whole;
	int nwhole;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, YEAR, &whole, &nwhole), 0);
	assert_int_equal(nwhole, PARTICIPATING);
	static const int limits[] = {1, 2, 7, 64, 100, 150, 300, PARTICIPATING, PARTICIPATING + 1,
				     1000};
	for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
		struct ledger_balance *all;
		int n, pages;
		read_pages(f, f->v, limits[k], &all, &n, &pages);
		if (n != nwhole)
			fail_msg("limit %d: %d rows, want %d", limits[k], n, nwhole);
		assert_int_equal(pages, PARTICIPATING / limits[k] + 1);
		for (int i = 0; i < n; i++) {
			if (all[i].household_id != whole[i].household_id ||
			    strcmp(all[i].code, whole[i].code))
				fail_msg("limit %d row %d: %s, want %s", limits[k], i, all[i].code,
					 whole[i].code);
			assert_string_equal(all[i].name, whole[i].name);
			assert_int_equal(all[i].balance, whole[i].balance);
			assert_int_equal(all[i].year_points, whole[i].year_points);
			assert_int_equal(all[i].veto, whole[i].veto);
			if (i)
				assert_true(before(&all[i - 1], &all[i]));
		}
	}
}

/* ledger-page-200: the rows themselves: every participating household of
** V1 once (its id among the village's, none twice), no household of V2,
** none that does not take part; the figures are this year's (last year's
** 99999 never shows) and 0 where a household has none. */
static void test_each_household_once(void **state)
{
	struct unitfix *f = UF(state);
	struct ledger_balance *all;
	int n, pages;
	read_pages(f, f->v, 16, &all, &n, &pages);
	assert_int_equal(n, PARTICIPATING);
	char code[32];
	int *seen = calloc(PARTICIPATING, sizeof *seen);
	for (int i = 0; i < n; i++) {
		assert_int_equal(strncmp(all[i].code, "X", 1) == 0, 0);
		assert_int_equal(strncmp(all[i].name, "户主", strlen("户主")), 0);
		int k = atoi(all[i].name + strlen("户主"));
		assert_true(k >= 0 && k < PARTICIPATING);
		code_of(k, code);
		assert_string_equal(all[i].code, code);
		seen[k]++;
		struct household *h;
		assert_int_equal(household_get(f->d, f->a, f->v->id, all[i].household_id, &h), 0);
		assert_string_equal(h->code, all[i].code);
		int64_t id = all[i].household_id;
		assert_int_equal(all[i].balance, id % 2 == 0 ? id * 7 - 1000 : 0);
		assert_int_equal(all[i].year_points, id % 3 == 0 ? id * 3 : 0);
		assert_int_equal(all[i].veto, id % 3 == 0 && id % 5 == 0);
	}
	for (int k = 0; k < PARTICIPATING; k++)
		if (seen[k] != 1)
			fail_msg("household 户主%d seen %d times", k, seen[k]);
	free(seen);

	read_pages(f, f->w, 16, &all, &n, &pages);
	assert_int_equal(n, 40);
	for (int i = 0; i < n; i++) {
		struct household *h;
		assert_int_equal(household_get(f->d, f->a, f->w->id, all[i].household_id, &h), 0);
	}
}

/* ledger-page-300: the cursor is a code, not a position: after the last
** code nothing; after a code no household has, the households after it in
** the order; a household added between two pages behind the cursor does
** not shift the next page, one ahead of it shows in its place; limit 0 or
** less reads nothing. */
static void test_cursor(void **state)
{
	struct unitfix *f = UF(state);
	struct ledger_balance *whole, *rows;
	int nwhole, n;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, YEAR, &whole, &nwhole), 0);

	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR,
					       whole[nwhole - 1].code, 10, &rows, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR, NULL, 0, &rows, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR, NULL, -5, &rows, &n), 0);
	assert_int_equal(n, 0);

	/* "A0" is no household's code: between "9x" and "A1"-like codes of
	** two characters, it resumes at the first code after it */
	struct ledger_balance probe = {.code = "A0"};
	int first = 0;
	while (first < nwhole && !before(&probe, &whole[first]))
		first++;
	assert_true(first > 0 && first < nwhole);
	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR, "A0", 5, &rows, &n), 0);
	assert_int_equal(n, 5);
	for (int i = 0; i < n; i++)
		assert_string_equal(rows[i].code, whole[first + i].code);

	/* a page, then a household behind the cursor ("0": the first of all)
	** and one ahead of it */
	struct ledger_balance *page1;
	int n1;
	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR, NULL, 50, &page1, &n1), 0);
	assert_int_equal(n1, 50);
	const char *cursor = page1[49].code;
	/* "东东": two characters whose bytes follow every two-character code
	** but those that begin 东 and come after it; ahead of the cursor */
	struct ledger_balance added = {.code = "东东"};
	assert_true(before(&page1[49], &added));
	static const char csv[] = "户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n"
				  "0,新户后,是,是,是,2024-01-01\n"
				  "东东,新户前,是,是,是,2024-01-01\n";
	errlist errs = {0};
	struct import_report rep = {0};
	assert_int_equal(household_import(f->d, &f->who, f->v, "new.csv", csv, strlen(csv), 0, &rep,
					  &errs),
			 0);
	import_report_free(&rep);
	assert_int_equal(ledger_balances_after(f->d, f->a, f->v->id, YEAR, cursor, 50, &rows, &n), 0);
	assert_int_equal(n, 50);
	/* the rows after page 1 as they were, with 东东 in its place */
	int w = 50, seen_added = 0;
	for (int i = 0; i < n; i++) {
		if (!seen_added && (w == nwhole || before(&added, &whole[w]))) {
			assert_string_equal(rows[i].code, "东东");
			assert_string_equal(rows[i].name, "新户前");
			seen_added = 1;
			continue;
		}
		assert_string_equal(rows[i].code, whole[w++].code);
	}
	assert_true(seen_added);
}

#define DBCASES(setup)                                                          \
	cmocka_unit_test_setup_teardown(test_pages_equal_whole, setup, unitfix_teardown),  \
	cmocka_unit_test_setup_teardown(test_each_household_once, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(test_cursor, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("ledger_page/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("ledger_page/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] ledger_page/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
