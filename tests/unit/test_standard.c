/*
** test_standard.c — unit tests of standard.c: the standard CSV checks and the diff of two versions, the
** built-in template stored once and adopted, adoption rules and the version
** in force on a date.  Against a real database made with
** db_open + db_migrate: SQLite always, PostgreSQL when JIFEN_TEST_PG is
** set.  The cases keep their ledger-NNN numbers from when one file tested
** standard.c, sheet.c and ledger.c together.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledgerfix.h"

/* Parse csv (a literal) as the standard, returning the result and errs. */
static int parse_std(arena *a, const char *csv, struct std_item **items, int *n, errlist *errs)
{
	return standard_parse_csv(a, "s.csv", csv, strlen(csv), items, n, errs);
}

/* ledger-110: the standard CSV's checks, each named FILE:ROW: COLUMN. */
static void ledger_110_standard_csv(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct std_item *items;
	int n;
	errlist errs = {0};
	size_t len;
	const char *tpl = standard_builtin_template(&len);
	assert_non_null(tpl);
	assert_int_equal(standard_parse_csv(a, "t.csv", tpl, len, &items, &n, &errs), 0);
	assert_int_equal(n, 40);
	assert_string_equal(items[0].code, "ZF01");
	assert_int_equal(items[0].cap_year, 20);
	assert_int_equal(items[2].veto, 1);
	assert_int_equal(items[1].evidence, 1);
	assert_int_equal(items[1].points, -20);

	/* English headers, any order */
	assert_int_equal(parse_std(a, "code,name,points,category\nA1,甲,3,类\n", &items, &n, &errs),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].cap_month, 0);

	static const struct {
		const char *name, *csv, *err;
	} bad[] = {
		{"ledger-111", "类别,项目编号,项目名称,分值\n类,A1,甲,0\n",
		 "s.csv:2: 分值: 分值应为非零整数（-10000 到 10000），扣分为负数"},
		{"ledger-112", "类别,项目编号,项目名称,分值\n类,A1,甲,abc\n",
		 "s.csv:2: 分值: 分值应为非零整数（-10000 到 10000），扣分为负数"},
		{"ledger-113", "类别,项目编号,项目名称,分值\n类,A1,甲,1\n类,A1,乙,2\n",
		 "s.csv:3: 项目编号: 项目编号“A1”与第 2 行重复"},
		{"ledger-114", "类别,项目编号,项目名称,分值,每月上限\n类,A1,甲,5,3\n",
		 "s.csv:2: 每月上限: 每月上限 3 小于分值的绝对值 5，这个项目将无法记分"},
		{"ledger-115", "类别,项目编号,项目名称,分值,一票否决\n类,A1,甲,5,也许\n",
		 "s.csv:2: 一票否决: 应为 是/否、Y/N、1/0 或 yes/no，不是“也许”"},
		{"ledger-116", "类别,项目编号,项目名称,分值\n,A1,甲,5\n", "s.csv:2: 类别: 类别不能为空"},
		{"ledger-117", "类别,项目编号,项目名称,分值\n类,A 1,甲,5\n",
		 "s.csv:2: 项目编号: 项目编号“A 1”无效: 需为 1–32 个字母、数字、_ 或 -"},
		{"ledger-118", "类别,项目编号,项目名称,分值,每月上限,每年上限\n类,A1,甲,5,10,5\n",
		 "s.csv:2: 每年上限: 每年上限 5 小于每月上限 10"},
		{"ledger-119", "类别,项目编号,项目名称,分值\n", "s.csv:2: 文件里没有积分项目"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		errlist e = {0};
		if (parse_std(a, bad[i].csv, &items, &n, &e) != 1 || e.n < 1 ||
		    strcmp(e.msg[0], bad[i].err))
			fail_msg("%s: got %d errors, first: %s", bad[i].name, e.n, e.n ? e.msg[0] : "");
		errlist_free(&e);
	}
	errlist_free(&errs);
	arena_free(a);
}

/* ledger-120: the diff of two versions by item code. */
static void ledger_120_diff(void **state)
{
	(void)state;
	arena *a = arena_new();
	errlist errs = {0};
	struct std_version o = {0}, w = {0};
	assert_int_equal(parse_std(a, "类别,项目编号,项目名称,分值\n甲,A1,一,1\n甲,A2,二,2\n甲,A3,三,3\n",
				   &o.items, &o.nitems, &errs), 0);
	assert_int_equal(parse_std(a, "类别,项目编号,项目名称,分值,每月上限\n甲,A1,一,1,\n"
				      "甲,A3,三,4,8\n乙,B1,新,5,\n",
				   &w.items, &w.nitems, &errs), 0);
	struct std_diff *d;
	int n = standard_diff(a, &o, &w, &d);
	assert_int_equal(n, 4);
	assert_int_equal(d[0].kind, STD_SAME);
	assert_int_equal(d[1].kind, STD_REMOVED);
	assert_string_equal(d[1].old->code, "A2");
	assert_int_equal(d[2].kind, STD_CHANGED);
	assert_int_equal(d[2].changed, STD_CH_POINTS | STD_CH_CAP_MONTH);
	assert_int_equal(d[3].kind, STD_ADDED);
	assert_string_equal(d[3].new->code, "B1");
	arena_free(a);
}

/* ledger-200: the built-in template is stored once and a village adopts it. */
static void ledger_200_template(void **state)
{
	struct fixture *f = F(state);
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(standard_template_ensure(f->d), 0);
	assert_int_equal(standard_template_ensure(f->d), 0);
	assert_int_equal(db_commit(f->d), 0);
	struct std_version *t;
	assert_int_equal(standard_template_current(f->d, f->a, &t), 0);
	assert_int_equal(t->nitems, 40);
	assert_int_equal(t->village_id, 0);
	assert_string_equal(t->source, "builtin");
	errlist errs = {0};
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = "2024-03-10";
	ad.effective_on = "2024-04-01";
	ad.meeting_type = "villagers";
	int64_t id;
	assert_int_equal(standard_adopt_template(f->d, &f->who, f->v, &ad, &errs, &id), 0);
	struct std_version *v;
	assert_int_equal(standard_get(f->d, f->a, f->v->id, id, 1, &v), 0);
	assert_int_equal(v->version, 1);
	assert_int_equal(v->nitems, 40);
	assert_string_equal(v->source, "template");
	assert_int_equal(v->based_on, t->id);
	assert_string_equal(v->adoption.meeting_type, "villagers");
	assert_string_equal(standard_meeting_type_label(v->adoption.meeting_type), "村民会议");
	/* another village cannot read it */
	assert_int_equal(standard_get(f->d, f->a, f->w->id, id, 0, &v), 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM standard_version"
					 " WHERE village_id IS NULL"), 1);
}

/* ledger-210: adoption rules and the version in force on a date. */
static void ledger_210_adopt_rules(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	int64_t v1, v2;
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, &v1), 0);
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-03-25", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "生效日期 2024-03-25 应晚于现行版本的生效日期 2024-04-01");
	errlist_free(&errs);
	assert_int_equal(adopt(f, f->v, template_csv(), "2099-01-01", "2099-02-01", &errs, NULL), 1);
	assert_true(strstr(errs.msg[0], "晚于今天") != NULL);
	errlist_free(&errs);
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-05-20", "2024-05-01", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "生效日期 2024-05-01 早于通过日期 2024-05-20");
	errlist_free(&errs);
	assert_int_equal(adopt(f, f->v, "类别,项目编号\n", "2024-05-20", "2024-06-01", &errs, NULL),
			 1);
	errlist_free(&errs);
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-05-20", "2024-06-01", &errs, &v2), 0);

	struct std_version *sv;
	assert_int_equal(standard_in_force(f->d, f->a, f->v->id, "2024-03-31", 0, &sv), 1);
	assert_int_equal(standard_in_force(f->d, f->a, f->v->id, "2024-04-01", 0, &sv), 0);
	assert_int_equal(sv->id, v1);
	assert_int_equal(standard_in_force(f->d, f->a, f->v->id, "2024-05-31", 0, &sv), 0);
	assert_int_equal(sv->id, v1);
	assert_int_equal(standard_in_force(f->d, f->a, f->v->id, "2024-06-01", 1, &sv), 0);
	assert_int_equal(sv->id, v2);
	assert_int_equal(sv->version, 2);
	assert_int_equal(sv->nitems, 40);
	assert_int_equal(sv->adoption.votes_for, 33);
	struct std_version *list;
	int n;
	assert_int_equal(standard_list(f->d, f->a, f->v->id, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, v2);
	/* V2 has none */
	assert_int_equal(standard_in_force(f->d, f->a, f->w->id, "2024-06-01", 0, &sv), 1);

	/* an entry dated 2024-06-10 keeps a later version from reaching back */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-10", 1, NULL);
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-06-01", "2024-06-05", &errs, NULL), 1);
	assert_true(strstr(errs.msg[0], "2024-06-10") != NULL);
	errlist_free(&errs);
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-06-01", "2024-06-11", &errs, NULL), 0);
	/* standard versions are append-only */
	db_stmt *s = db_prepare(f->d, "UPDATE standard_item SET points = 99");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(ledger_200_template, setup, teardown),\
	cmocka_unit_test_setup_teardown(ledger_210_adopt_rules, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(ledger_110_standard_csv),
		cmocka_unit_test(ledger_120_diff),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("standard/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("standard/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("standard/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] standard/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
