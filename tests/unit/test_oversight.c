/*
** test_oversight.c — unit tests of the rules of oversight.c and
** evaluation.c that need no database: the weighted total of an
** evaluation (integers, half up), the ratio text, the attention rule and
** the stage reached, sorting (attention first, ties by code, desc), and
** the pre-filled scores; then, on both backends, oversight_demo.c, the demo
** town's oversight data (the villages of its plan get shops and funds or
** not, the first village by code its evaluation; a village it does not
** find is passed over).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "unitfix.h"

#include "cli.h"
#include "commands.h"
#include "evaluation.h"
#include "oversight.h"

static struct oversight_settings settings(void)
{
	struct oversight_settings s = {.announce_days = 15, .approve_days = 15, .goal_pct = 80};
	return s;
}

/* oversight-100: Σ weight × score / Σ weight, two decimals half up. */
static void oversight_100_total(void **state)
{
	(void)state;
	struct eval_score s[3] = {{.weight = 20, .score = 90}, {.weight = 15, .score = 85},
				  {.weight = 0, .score = 0}};
	/* (1800 + 1275) / 35 = 87.857… → 87.86 */
	assert_int_equal(evaluation_total_x100(s, 3), 8786);
	struct eval_score h[2] = {{.weight = 1, .score = 80}, {.weight = 7, .score = 81}};
	/* 647 / 8 = 80.875 → 80.88 (half up) */
	assert_int_equal(evaluation_total_x100(h, 2), 8088);
	struct eval_score z[1] = {{.weight = 0, .score = 50}};
	assert_int_equal(evaluation_total_x100(z, 1), 0);
	char t[32];
	assert_string_equal(oversight_ratio_text(t, 1, 83), "0.83");
	assert_string_equal(oversight_ratio_text(t, 1, 100), "1.00");
	assert_string_equal(oversight_ratio_text(t, 0, 0), "");
}

/* oversight-110: the attention rule and the stage. */
static void oversight_110_judge(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct oversight_settings set = settings();
	struct oversight_row ok = {.code = "A", .name = "甲", .eligible = 10, .participating = 9,
				   .coverage_x100 = 90, .has_coverage = 1, .standard_version = 1,
				   .standard_adopted = "2024-03-25", .months_approved = 3,
				   .months_due = 3, .announcements = 1, .announcements_on_time = 1,
				   .quarters_due = 1, .entitled = -1, .attendance = -1,
				   .votes_for = -1, .votes_against = -1, .votes_abstain = -1};
	group_status_from_counts(&ok.group, 5, 2, 1);
	oversight_judge(&ok, &set, a);
	assert_int_equal(ok.attention, 0);
	assert_string_equal(ok.attention_why, "");
	assert_int_equal(ok.stage, 3);
	struct oversight_row bad = ok;
	bad.code = "B";
	bad.standard_version = 0;
	bad.standard_adopted = NULL;
	bad.coverage_x100 = 79;
	bad.months_due = 5;
	bad.announcements_on_time = 0;
	bad.objection_oldest_days = 31;
	bad.has_fund_coverage = 1;
	bad.fund_coverage_x100 = 99;
	group_status_from_counts(&bad.group, 4, 2, 0);
	oversight_judge(&bad, &set, a);
	assert_int_equal(bad.attention, 7);
	assert_non_null(strstr(bad.attention_why, "积分管理自治小组缺少村民代表"));
	assert_non_null(strstr(bad.attention_why, "覆盖率 79% 低于目标 80%"));
	assert_non_null(strstr(bad.attention_why, "2 个月未集体审定"));
	assert_non_null(strstr(bad.attention_why, "1 个季度未按时公示"));
	assert_non_null(strstr(bad.attention_why, "异议已 31 天未答复"));
	assert_non_null(strstr(bad.attention_why, "资金保障率 0.99 低于 1"));
	assert_int_equal(bad.stage, 1);

	/* sorting: attention first, ties by code; by coverage; desc */
	struct oversight_row rows[3] = {ok, bad, ok};
	rows[0].code = "C";
	rows[2].code = "A";
	rows[2].coverage_x100 = 95;
	assert_string_equal(oversight_sort(rows, 3, NULL, 0), "attention");
	assert_string_equal(rows[0].code, "B");
	assert_string_equal(rows[1].code, "A");
	assert_string_equal(rows[2].code, "C");
	assert_string_equal(oversight_sort(rows, 3, "coverage", 1), "coverage");
	assert_string_equal(rows[0].code, "A");
	assert_string_equal(rows[1].code, "C");
	assert_string_equal(rows[2].code, "B");
	assert_string_equal(oversight_sort(rows, 3, "bogus", 0), "attention");

	/* the pre-filled form: measured figures and suggested scores */
	struct eval_criterion crit[3] = {{"coverage", "覆盖率", 20, 1}, {"standard", "标准", 15, 2},
					 {"ledger", "台账", 15, 3}};
	struct eval_score sc[3];
	evaluation_prefill(a, &ok, &set, crit, 3, sc);
	assert_non_null(strstr(sc[0].measured, "覆盖率 0.90（9/10 户），目标 80%"));
	assert_int_equal(sc[0].score, 100);
	assert_int_equal(sc[1].score, 60); /* adopted, vote not recorded */
	assert_int_equal(sc[2].score, -1);
	assert_string_equal(sc[2].measured, "");
	arena_free(a);
}

/* oversight-200: the demo's oversight data on villages without a ledger:
** no quarter to announce (passed over), shops and funds for anzhuang and
** zhangma, none for linjia or a village outside the plan, an evaluation of
** this year for the first village by code. */
static void oversight_200_demo(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	int64_t id;
	assert_int_equal(village_insert(f->d, "anzhuang", "安庄村", &errs, &id), 0);
	int64_t anzhuang = id;
	assert_int_equal(village_insert(f->d, "zhangma", "张马村", &errs, &id), 0);
	assert_int_equal(village_insert(f->d, "linjia", "林家村", &errs, &id), 0);
	int64_t linjia = id;
	struct cli c = {.db = f->d, .a = f->a, .actor = f->who};
	assert_int_equal(oversight_demo(&c), EXIT_OK);
	db_stmt *s = db_prepare(f->d, "SELECT COUNT(*) FROM shop_item WHERE village_id = $v");
	db_bind_int(s, "$v", anzhuang);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 3);
	db_reset(s);
	db_bind_int(s, "$v", linjia);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 0);
	db_reset(s);
	s = db_prepare(f->d, "SELECT COALESCE(SUM(amount_fen), 0) FROM fund_move WHERE village_id = $v"
			     " AND flow = 'income'");
	db_bind_int(s, "$v", anzhuang);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 420000);
	db_reset(s);
	db_bind_int(s, "$v", linjia);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 0);
	db_reset(s);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM shop_item"), 6);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM redemption"), 0);
	/* the first village by code is V1 here (digits sort first): its evaluation */
	char today[11];
	date_today(today);
	struct evaluation *list;
	int n;
	assert_int_equal(evaluation_list(f->d, f->a, f->v->id, atoi(today), &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oversight_100_total),
		cmocka_unit_test(oversight_110_judge),
	};
	const struct CMUnitTest on_sqlite[] = {
		cmocka_unit_test_setup_teardown(oversight_200_demo, unitfix_setup_sqlite, unitfix_teardown)};
	const struct CMUnitTest on_pg[] = {
		cmocka_unit_test_setup_teardown(oversight_200_demo, unitfix_setup_pg, unitfix_teardown)};
	UNITFIX_MAIN("oversight", tests, 2, on_sqlite, on_pg);
}
