/*
** test_sheet_review.c — unit tests of src/sheet_review.c, reading a
** month's sheet for the committee's review: one entry scoped to its
** village, a filtered page of entries (household, item, scorer,
** deductions) with its keyset paging, totals per category and per
** household, the changes made after the sheet was first handed in, and
** entry_add_many(): one item for many households, all or nothing, each
** refusal naming its household.  On both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include "sheet_review.h"

static int64_t sheet_id(struct fixture *f, const struct village *v, const char *month)
{
	struct sheet *sh;
	assert_int_equal(sheet_get(f->d, f->a, v->id, month, &sh), 0);
	return sh->id;
}

/* In 2024-05: H1 +5 (HJ01) and +2 (ZF05, another category), H2 −10
** (HJ02), H3 +5 (HJ01) recorded by scorer2; V2 H1 +5. */
static void fill(struct fixture *f)
{
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ02", "2024-05-04", 1, "经提醒未整治");
	f->who.login = "scorer2";
	add_ok(f, f->v, "H3", "HJ01", "2024-05-05", 1, NULL);
	f->who.login = "tester";
	add_ok(f, f->v, "H1", "ZF05", "2024-05-06", 1, NULL);
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
}

/* sheet_review-100: filters and paging. */
static void sheet_review_100_find(void **state)
{
	struct fixture *f = F(state);
	fill(f);
	int64_t sid = sheet_id(f, f->v, "2024-05");
	struct entry *rows;
	int n;
	int64_t next;
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, NULL, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 4);
	assert_int_equal(next, 0);
	/* household code, then date */
	assert_string_equal(rows[0].household_code, "H1");
	assert_string_equal(rows[0].date, "2024-05-03");
	assert_string_equal(rows[1].household_code, "H1");
	assert_string_equal(rows[1].date, "2024-05-06");
	assert_string_equal(rows[2].household_code, "H2");
	assert_string_equal(rows[3].household_code, "H3");

	/* pages of two */
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, NULL, 0, 2, &rows, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_true(next != 0);
	int64_t second_first;
	struct entry *page2;
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, NULL, next, 2, &page2, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(page2[0].household_code, "H2");
	second_first = page2[0].id;
	assert_true(second_first != rows[1].id);
	assert_int_equal(next, 0); /* the last page */

	struct entry_filter by_h = {.household_id = hid(f, f->v, "H1")};
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, &by_h, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 2);
	struct entry_filter by_scorer = {.recorded_by = "scorer2"};
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, &by_scorer, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].household_code, "H3");
	struct entry_filter minus = {.deductions = 1};
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, &minus, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].points, -10);
	struct entry_filter item = {.item_code = "HJ01", .recorded_by = "tester"};
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sid, &item, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].household_code, "H1");
	assert_string_equal(rows[0].date, "2024-05-03");
	/* another village's sheet through this village: nothing */
	int64_t wsid = sheet_id(f, f->w, "2024-05");
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, wsid, NULL, 0, 100, &rows, &n, &next), 0);
	assert_int_equal(n, 0);

	/* one entry, only in its village */
	struct entry *e;
	int64_t id = page2 ? second_first : 0;
	assert_int_equal(entry_get(f->d, f->a, f->v->id, id, &e), 0);
	assert_string_equal(e->household_code, "H2");
	assert_string_equal(e->household_name, "陆秀英");
	assert_string_equal(e->item_code, "HJ02");
	assert_string_equal(e->note, "经提醒未整治");
	assert_int_equal(entry_get(f->d, f->a, f->w->id, id, &e), 1);
}

/* sheet_review-110: the totals. */
static void sheet_review_110_totals(void **state)
{
	struct fixture *f = F(state);
	fill(f);
	int64_t sid = sheet_id(f, f->v, "2024-05");
	struct sheet_household_total *h;
	int n;
	assert_int_equal(sheet_household_totals(f->d, f->a, f->v->id, sid, &h, &n), 0);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(h[i].household_code, "H1")) {
			assert_int_equal(h[i].entries, 2);
			assert_int_equal(h[i].plus, 7);
			assert_int_equal(h[i].minus, 0);
			seen++;
		} else if (!strcmp(h[i].household_code, "H2")) {
			assert_int_equal(h[i].entries, 1);
			assert_int_equal(h[i].plus, 0);
			assert_int_equal(h[i].minus, -10);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	struct sheet_category_total *c;
	assert_int_equal(sheet_category_totals(f->d, f->a, f->v->id, sid, &c, &n), 0);
	int64_t entries = 0, plus = 0, minus = 0;
	for (int i = 0; i < n; i++) {
		entries += c[i].entries;
		plus += c[i].plus;
		minus += c[i].minus;
	}
	assert_int_equal(entries, 4);
	assert_int_equal(plus, 12);
	assert_int_equal(minus, -10);
	/* 环境优化 (HJ…) before 遵纪守法 (ZF…): by first item code */
	assert_int_equal(n, 2);
	assert_int_equal(c[0].entries, 3);
	assert_int_equal(c[0].households, 3);
	assert_int_equal(c[0].plus, 10);
	assert_int_equal(c[0].minus, -10);
	assert_string_equal(c[1].category, "遵纪守法");
	assert_int_equal(c[1].entries, 1);
	assert_int_equal(c[1].plus, 2);
}

/* sheet_review-120: no changes before the first submission; after a
** return, an added and a removed entry, oldest first. */
static void sheet_review_120_changes(void **state)
{
	struct fixture *f = F(state);
	fill(f);
	struct sheet *sh;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	int64_t first = -1;
	struct sheet_change *ch;
	int n = -1;
	assert_int_equal(sheet_changes_since_submit(f->d, f->a, sh, &first, &ch, &n), 0);
	assert_int_equal(first, 0);
	assert_int_equal(n, 0);
	errlist errs = {0};
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "H3 的记录不对", &errs), 0);
	/* the audit time is in seconds: move what happened so far 5 s back, so
	** that what follows is after the submission (the trigger that keeps
	** the audit log append-only dropped for it) */
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER audit_no_update_delete ON audit"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER audit_no_update"), 0);
	assert_int_equal(db_exec(f->d, "UPDATE audit SET at = at - 5"), 0);
	assert_int_equal(db_exec(f->d, "UPDATE entry SET created_at = created_at - 5"), 0);
	struct entry_filter by_scorer = {.recorded_by = "scorer2"};
	struct entry *rows;
	int64_t next;
	assert_int_equal(sheet_entries_find(f->d, f->a, f->v->id, sh->id, &by_scorer, 0, 10, &rows, &n, &next), 0);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 0);
	add_ok(f, f->v, "H4", "HJ01", "2024-05-07", 1, NULL);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sheet_changes_since_submit(f->d, f->a, sh, &first, &ch, &n), 0);
	assert_true(first > 0);
	assert_int_equal(n, 2);
	int removed = ch[0].added ? 1 : 0;
	assert_int_equal(ch[removed].added, 0);
	assert_string_equal(ch[removed].household_code, "H3");
	assert_string_equal(ch[removed].item_code, "HJ01");
	assert_int_equal(ch[removed].points, 5);
	assert_int_equal(ch[1 - removed].added, 1);
	assert_string_equal(ch[1 - removed].household_code, "H4");
	assert_string_equal(ch[1 - removed].date, "2024-05-07");
	assert_string_equal(ch[1 - removed].by, "tester");
	assert_true(ch[0].at <= ch[1].at);
}

/* sheet_review-130: many households at once: all or nothing, naming
** each household refused; the limits. */
static void sheet_review_130_add_many(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int64_t ids[4] = {hid(f, f->v, "H1"), hid(f, f->v, "H2"), hid(f, f->v, "H6"), hid(f, f->v, "H8")};
	errlist errs = {0};
	int added = -1;
	assert_int_equal(entry_add_many(f->d, &f->who, f->v, "2024-05", "HJ01", "2024-05-10", "村民大会",
					ids, 4, &errs, &added), 1);
	assert_int_equal(added, 0);
	assert_true(errs.n >= 1);
	assert_int_equal(strncmp(errs.msg[0], "H6 顾志刚：", strlen("H6 顾志刚：")), 0);
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'entry.add'"), 0);
	/* another village's household is refused too */
	int64_t other[2] = {hid(f, f->v, "H1"), hid(f, f->w, "H2")};
	assert_int_equal(entry_add_many(f->d, &f->who, f->v, "2024-05", "HJ01", "2024-05-10", "",
					other, 2, &errs, &added), 1);
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);

	assert_int_equal(entry_add_many(f->d, &f->who, f->v, "2024-05", "HJ01", "2024-05-10", "村民大会",
					ids, 2, &errs, &added), 0);
	assert_int_equal(added, 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry WHERE note = '村民大会'"), 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'entry.add'"), 2);

	assert_int_equal(entry_add_many(f->d, &f->who, f->v, "2024-05", "HJ01", "2024-05-10", "",
					ids, 0, &errs, &added), 1);
	assert_string_equal(errs.msg[0], "请至少选择一户");
	errlist_free(&errs);
	assert_int_equal(entry_add_many(f->d, &f->who, f->v, "2024-05", "HJ01", "2024-05-10", "",
					ids, 5001, &errs, &added), 1);
	assert_string_equal(errs.msg[0], "一次最多 5000 户");
	errlist_free(&errs);
}

#define DBCASES(setup)                                                               \
	cmocka_unit_test_setup_teardown(sheet_review_100_find, setup, teardown),     \
	cmocka_unit_test_setup_teardown(sheet_review_110_totals, setup, teardown),   \
	cmocka_unit_test_setup_teardown(sheet_review_120_changes, setup, teardown),  \
	cmocka_unit_test_setup_teardown(sheet_review_130_add_many, setup, teardown)

int main(void)
{
	LEDGERFIX_MAIN("sheet_review", (const struct CMUnitTest *)NULL, 0, DBCASES, setup_sqlite, setup_pg);
}
