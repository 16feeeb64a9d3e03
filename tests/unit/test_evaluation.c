/*
** test_evaluation.c — unit tests of src/evaluation.c, the town's
** evaluation of a village's year: the plan's criteria until the town
** changes one (the first change writes the set, a refused change writes
** nothing), the suggested score of each criterion from the measured
** figures, recording an evaluation whole (each bad field named, the
** weighted total stored beside the scores), and reading them back scoped
** to the village.  The weighted total's rounding and the first pre-fill
** cases are in test_oversight.c.  On both backends.
*/
#include "unitfix.h"

#include "evaluation.h"

static struct oversight_settings settings(void)
{
	struct oversight_settings s = {.announce_days = 15, .approve_days = 15, .goal_pct = 80};
	return s;
}

/* evaluation-100: the suggested scores of every criterion. */
static void evaluation_100_prefill(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct oversight_settings set = settings();
	static const struct eval_criterion crit[] = {
		{"coverage", "覆盖率", 20, 1}, {"standard", "标准", 15, 2}, {"monthly", "月", 15, 3},
		{"announce", "季", 15, 4},     {"objections", "异议", 10, 5},
		{"redemption", "兑换", 10, 6}, {"ledger", "台账", 15, 7},
	};
	struct oversight_row r = {.eligible = 10, .participating = 6, .has_coverage = 1,
				  .coverage_x100 = 60, .standard_version = 2,
				  .standard_adopted = "2024-03-25", .meeting_type = "villagers",
				  .attendance = 120, .votes_for = 101, .months_approved = 6,
				  .months_due = 8, .months_late = 2, .announcements = 3,
				  .announcements_on_time = 1, .quarters_due = 3, .objections_open = 2,
				  .objection_oldest_days = 31, .redemptions = 4, .points_redeemed = 90,
				  .has_fund_coverage = 1, .fund_coverage_x100 = 50};
	struct eval_score sc[7];
	evaluation_prefill(a, &r, &set, crit, 7, sc);
	assert_int_equal(sc[0].score, 75); /* 0.60 of a goal of 80% */
	assert_string_equal(sc[0].measured, "覆盖率 0.60（6/10 户），目标 80%");
	assert_int_equal(sc[1].score, 100);
	assert_string_equal(sc[1].measured, "第 2 版，2024-03-25 村民会议通过，实到 120 人，赞成 101 票");
	assert_int_equal(sc[2].score, 50); /* 4 on time of 8 due */
	assert_string_equal(sc[2].measured, "已审定 6 个月（应审定 8 个月），迟于月末 15 天的 2 个月");
	assert_int_equal(sc[3].score, 33);
	assert_string_equal(sc[3].measured, "按时公示 1 个季度（应公示 3 个季度），共公示 3 次");
	assert_int_equal(sc[4].score, 40);
	assert_string_equal(sc[4].measured, "未答复异议 2 件，最久 31 天");
	assert_int_equal(sc[5].score, 50);
	assert_string_equal(sc[5].measured, "兑换 4 次、90 分；资金保障率 0.50");
	assert_int_equal(sc[6].score, -1);
	for (int i = 0; i < 7; i++) {
		assert_string_equal(sc[i].code, crit[i].code);
		assert_int_equal(sc[i].weight, crit[i].weight);
		assert_string_equal(sc[i].remark, "");
	}

	/* the other side of each rule */
	struct oversight_row z = {.has_coverage = 0, .standard_version = 0, .months_due = 0,
				  .quarters_due = 0, .objections_open = 1, .objection_oldest_days = 30,
				  .has_fund_coverage = 0, .attendance = -1, .votes_for = -1};
	evaluation_prefill(a, &z, &set, crit, 7, sc);
	assert_int_equal(sc[0].score, 0);
	assert_string_equal(sc[0].measured, "没有符合条件的农户");
	assert_int_equal(sc[1].score, 0);
	assert_string_equal(sc[1].measured, "未经民主程序通过积分标准");
	assert_int_equal(sc[2].score, 100); /* nothing was due yet */
	assert_int_equal(sc[3].score, 100);
	assert_int_equal(sc[4].score, 80);  /* open, but not over 30 days */
	assert_int_equal(sc[5].score, 100);
	assert_string_equal(sc[5].measured, "兑换 0 次、0 分；资金保障率 无待兑积分");
	/* coverage above the goal is capped at 100; more late than approved is 0 */
	z.has_coverage = 1;
	z.coverage_x100 = 95;
	z.months_approved = 1;
	z.months_late = 3;
	z.months_due = 4;
	z.objections_open = 0;
	z.standard_version = 1;
	z.standard_adopted = "2024-01-02";
	z.meeting_type = "representatives";
	z.has_fund_coverage = 1;
	z.fund_coverage_x100 = 250;
	evaluation_prefill(a, &z, &set, crit, 7, sc);
	assert_int_equal(sc[0].score, 100);
	assert_int_equal(sc[1].score, 60);
	assert_string_equal(sc[1].measured, "第 1 版，2024-01-02 村民代表会议通过，表决情况未记录");
	assert_int_equal(sc[2].score, 0);
	assert_int_equal(sc[4].score, 100);
	assert_string_equal(sc[4].measured, "没有未答复的异议");
	assert_int_equal(sc[5].score, 100);
	arena_free(a);
}

/* evaluation-110: the plan's criteria; a change writes the set, changes
** one weight and is audited; a refused change writes nothing. */
static void evaluation_110_criteria(void **state)
{
	struct unitfix *f = UF(state);
	struct eval_criterion *c;
	int n;
	assert_int_equal(evaluation_criteria(f->d, f->a, &c, &n), 0);
	assert_int_equal(n, 7);
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += c[i].weight;
	assert_int_equal(sum, 100);
	assert_string_equal(c[0].code, "coverage");
	assert_string_equal(c[6].code, "ledger");

	errlist errs = {0};
	assert_int_equal(evaluation_criterion_set(f->d, &f->who, "coverage", 101, &errs), 1);
	assert_string_equal(errs.msg[0], "评估指标 coverage 的权重应为 0–100");
	errlist_free(&errs);
	assert_int_equal(evaluation_criterion_set(f->d, &f->who, "bogus", 10, &errs), 1);
	assert_string_equal(errs.msg[0], "没有这个评估指标: bogus");
	errlist_free(&errs);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation_criterion"), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'evaluation.criterion'"), 0);

	assert_int_equal(evaluation_criterion_set(f->d, &f->who, "ledger", 0, &errs), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation_criterion"), 7);
	assert_int_equal(evaluation_criterion_set(f->d, &f->who, "coverage", 35, &errs), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation_criterion"), 7);
	assert_int_equal(evaluation_criteria(f->d, f->a, &c, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(c[0].weight, 35);
	assert_int_equal(c[6].weight, 0);
	assert_int_equal(c[1].weight, 15);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'evaluation.criterion'"), 2);
}

static struct eval_score scores3[3] = {
	{.code = "coverage", .name = "覆盖率", .weight = 20, .measured = "覆盖率 0.90", .score = 90,
	 .remark = "好"},
	{.code = "standard", .name = "标准", .weight = 15, .score = 85},
	{.code = "ledger", .name = "台账", .weight = 0, .score = 0},
};

/* evaluation-120: every bad field named; nothing written. */
static void evaluation_120_add_rejected(void **state)
{
	struct unitfix *f = UF(state);
	struct eval_score bad[3];
	memcpy(bad, scores3, sizeof bad);
	bad[0].score = -1;
	bad[1].score = 101;
	char remark[2000] = "";
	for (int i = 0; i < 501; i++)
		strcat(remark, "注");
	bad[2].remark = remark;
	errlist errs = {0};
	int64_t id = 0;
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 1899, "", "2024-02-30", "a\x01", bad, 3,
					&errs, &id), 1);
	assert_int_equal(errs.n, 7);
	assert_string_equal(errs.msg[0], "年份无效: 1899");
	assert_string_equal(errs.msg[1], "评估人: 必填，最多 100 个字");
	assert_string_equal(errs.msg[2], "评估日期无效: 2024-02-30（应为 YYYY-MM-DD）");
	assert_string_equal(errs.msg[3], "评估结论: 最多 2000 个字，不能含控制字符");
	assert_string_equal(errs.msg[4], "评估指标「覆盖率」: 得分应为 0–100 的整数");
	assert_string_equal(errs.msg[5], "评估指标「标准」: 得分应为 0–100 的整数");
	assert_string_equal(errs.msg[6], "评估指标「台账」: 说明最多 500 个字");
	errlist_free(&errs);
	struct eval_score zero[1] = {{.code = "ledger", .name = "台账", .weight = 0, .score = 50}};
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 2024, "王", NULL, "", zero, 1, &errs, &id), 1);
	assert_string_equal(errs.msg[0], "没有权重大于 0 的评估指标");
	errlist_free(&errs);
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 2024, "王", NULL, "", zero, 0, &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 2024, "王\n李", NULL, "", scores3, 3, &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation"), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM evaluation_score"), 0);
}

/* evaluation-130: recorded with its total and scores; kept (a second is
** a new row, listed first); read back only through its village. */
static void evaluation_130_add_and_read(void **state)
{
	struct unitfix *f = UF(state);
	errlist errs = {0};
	int64_t id1, id2;
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 2024, "镇工作组", "2024-12-20",
					"运行稳定\n继续扩大覆盖面", scores3, 3, &errs, &id1), 0);
	struct eval_score later[3];
	memcpy(later, scores3, sizeof later);
	later[1].score = 100;
	assert_int_equal(evaluation_add(f->d, &f->who, f->v, 2024, "复评组", NULL, NULL, later, 3,
					&errs, &id2), 0);
	assert_true(id2 > id1);
	struct evaluation e;
	assert_int_equal(evaluation_get(f->d, f->a, f->v->id, id1, &e), 0);
	assert_int_equal(e.year, 2024);
	assert_string_equal(e.evaluator, "镇工作组");
	assert_string_equal(e.evaluated_on, "2024-12-20");
	assert_string_equal(e.conclusion, "运行稳定\n继续扩大覆盖面");
	assert_int_equal(e.weight_sum, 35);
	assert_int_equal(e.total_x100, 8786);
	assert_string_equal(e.created_by, "cli");
	assert_int_equal(e.nscores, 3);
	assert_string_equal(e.scores[0].code, "coverage");
	assert_string_equal(e.scores[0].measured, "覆盖率 0.90");
	assert_string_equal(e.scores[0].remark, "好");
	assert_int_equal(e.scores[1].score, 85);
	assert_string_equal(e.scores[1].measured, "");
	assert_string_equal(e.scores[2].code, "ledger");
	assert_int_equal(evaluation_get(f->d, f->a, f->v->id, id2, &e), 0);
	char today[11];
	date_today(today);
	assert_string_equal(e.evaluated_on, today);
	assert_string_equal(e.conclusion, "");
	assert_int_equal(e.total_x100, 9429); /* (1800 + 1500) / 35 = 94.2857… */
	struct evaluation ew;
	assert_int_equal(evaluation_get(f->d, f->a, f->w->id, id1, &ew), 1);
	struct evaluation *list;
	int n;
	assert_int_equal(evaluation_list(f->d, f->a, f->v->id, 2024, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2);
	assert_int_equal(list[1].id, id1);
	assert_int_equal(evaluation_list(f->d, f->a, f->v->id, 2023, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(evaluation_list(f->d, f->a, f->w->id, 2024, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'evaluation.add'"), 2);
}

/* evaluation-140: the pre-filled form from the database: the active
** criteria (a weight of 0 is still a criterion), and the demo's finished
** evaluation of the first village by code, every score filled. */
static void evaluation_140_prefilled_and_demo(void **state)
{
	struct unitfix *f = UF(state);
	struct eval_score *sc;
	int n;
	assert_int_equal(evaluation_prefilled(f->d, f->a, f->v, 2024, &sc, &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(sc[0].code, "coverage");
	assert_int_equal(sc[0].score, 0); /* no households at all */
	assert_string_equal(sc[1].measured, "未经民主程序通过积分标准");
	assert_int_equal(sc[6].score, -1);
	assert_int_equal(evaluation_demo(f->d, f->a, &f->who, 2024), 0);
	struct evaluation *list;
	assert_int_equal(evaluation_list(f->d, f->a, f->v->id, 2024, &list, &n), 0);
	assert_int_equal(n, 1);
	struct evaluation e;
	assert_int_equal(evaluation_get(f->d, f->a, f->v->id, list[0].id, &e), 0);
	assert_int_equal(e.nscores, 7);
	for (int i = 0; i < e.nscores; i++)
		assert_in_range(e.scores[i].score, 0, 100);
	assert_int_equal(e.scores[6].score, 90);
	assert_int_equal(e.total_x100, evaluation_total_x100(e.scores, e.nscores));
	assert_int_equal(evaluation_list(f->d, f->a, f->w->id, 2024, &list, &n), 0);
	assert_int_equal(n, 0);
}

#define DBCASES(setup)                                                                        \
	cmocka_unit_test_setup_teardown(evaluation_110_criteria, setup, unitfix_teardown),        \
	cmocka_unit_test_setup_teardown(evaluation_120_add_rejected, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(evaluation_130_add_and_read, setup, unitfix_teardown),    \
	cmocka_unit_test_setup_teardown(evaluation_140_prefilled_and_demo, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(evaluation_100_prefill)};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("evaluation", rules, 1, on_sqlite, on_pg);
}
