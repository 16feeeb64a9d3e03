/*
** test_household_member.c — unit tests of src/household_member.c, the
** members of a household (家庭成员): member_check()'s rules and their
** Chinese messages, adding, changing and removing a member (removed_on set,
** never deleted), the village scoping of every call (a household or member
** of another village is "not there"), and that each write is whole or
** nothing: a refused or failed write leaves no member row and no audit row
** behind.  Numbered cases (member-NNN), on SQLite and, when JIFEN_TEST_PG is
** set, on PostgreSQL.
*/
#include "householdfix.h"

/* A household of v with code, valid in every field; its id. */
static int64_t add_household(struct fixture *f, const struct village *v, const char *code)
{
	const char *vals[HF_COUNT] = {code,	 "张三", "1 号", "3",  "13800138000",
				      "是",	 "是",	 "是",	 "否", "2024-04-01"};
	const char *msgs[HF_COUNT];
	struct household h = {0};
	household_check(f->a, vals, "2030-01-01", &h, NULL, msgs);
	if (household_save(f->d, &f->who, v, &h, msgs))
		fail_msg("household_save %s: %s", code, db_errmsg(f->d));
	return h.id;
}

/* The audit rows whose action starts with "member.". */
static int64_t member_audits(db *d)
{
	return query_int(d, "SELECT COUNT(*) FROM audit WHERE action LIKE 'member.%'");
}

/* errs holds exactly the one message want; then emptied. */
static void expect_one(errlist *errs, const char *want)
{
	if (errs->n != 1)
		fail_msg("%d messages, want 1: %s", errs->n, want);
	assert_string_equal(errs->msg[0], want);
	errlist_free(errs);
}

/* member-100: member_check()'s rules, each field's message byte for byte:
** the name is required and at most 50 characters, the relation at most 20,
** 党员 a yes/no that is 否 when empty, the phone 7–15 digits or empty, and
** control characters refused. */
static void test_check(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *msgs[MF_COUNT];
	struct member m = {0};

	const char *ok[MF_COUNT] = {"王小五", "长子", "否", "0571123"};
	assert_int_equal(member_check(a, ok, &m, msgs), 0);
	assert_string_equal(m.name, "王小五");
	assert_string_equal(m.relation, "长子");
	assert_int_equal(m.party_member, 0);
	assert_string_equal(m.phone, "0571123");
	for (int i = 0; i < MF_COUNT; i++)
		assert_null(msgs[i]);

	const char *null_vals[MF_COUNT] = {"王五", NULL, NULL, NULL};
	assert_int_equal(member_check(a, null_vals, &m, msgs), 0);
	assert_string_equal(m.relation, "");
	assert_string_equal(m.phone, "");
	assert_int_equal(m.party_member, 0);

	const char *empty[MF_COUNT] = {"", "", "", ""};
	assert_int_equal(member_check(a, empty, &m, msgs), 1);
	assert_string_equal(msgs[MF_NAME], "姓名不能为空");

	/* 50 characters are enough, 51 too many; counted in characters */
	char name[256] = "", rel[128] = "";
	for (int i = 0; i < 50; i++)
		strcat(name, "张");
	for (int i = 0; i < 20; i++)
		strcat(rel, "子");
	const char *at_max[MF_COUNT] = {name, rel, "是", "123456789012345"};
	assert_int_equal(member_check(a, at_max, &m, msgs), 0);
	assert_int_equal(m.party_member, 1);
	strcat(name, "张");
	strcat(rel, "子");
	const char *too_long[MF_COUNT] = {name, rel, "Y", "1234567890123456"};
	assert_int_equal(member_check(a, too_long, &m, msgs), 3);
	assert_string_equal(msgs[MF_NAME], "姓名最长 50 个字，现在是 51 个");
	assert_string_equal(msgs[MF_RELATION], "与户主关系最长 20 个字，现在是 21 个");
	assert_null(msgs[MF_PARTY]);
	assert_string_equal(msgs[MF_PHONE], "联系电话应为 7–15 位数字");

	const char *bad[MF_COUNT] = {"王\x01五", "子\n", "也许", "139-0013"};
	assert_int_equal(member_check(a, bad, &m, msgs), 4);
	assert_string_equal(msgs[MF_NAME], "姓名含有无效字符（控制字符或非 UTF-8 文字）");
	assert_string_equal(msgs[MF_RELATION], "与户主关系含有无效字符（控制字符或非 UTF-8 文字）");
	assert_string_equal(msgs[MF_PARTY], "党员应填 是/否（或 Y/N、1/0、yes/no），不能是“也许”");
	assert_string_equal(msgs[MF_PHONE], "联系电话应为 7–15 位数字");

	assert_string_equal(member_field_label(MF_NAME), "姓名");
	assert_string_equal(member_field_label(MF_PHONE), "联系电话");
	assert_string_equal(member_field_label(MF_COUNT), "");
	assert_string_equal(member_field_label(-1), "");
	arena_free(a);
}

/* member-200: adding: the row as given, in the order added, created_at
** set, one "member.add" audit row each on the household's object with the
** member as its after-image. */
static void test_add(void **state)
{
	struct fixture *f = F(state);
	int64_t hid = add_household(f, f->v, "A1");
	errlist errs = {0};
	int64_t before = now_unix();
	struct member m1 = {.name = "张小三", .relation = "子", .party_member = 1, .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m1, &errs), 0);
	struct member m2 = {.name = "李花", .relation = "配偶", .phone = "13900139000"};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m2, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_true(m1.id > 0 && m2.id > m1.id);
	assert_int_equal(m1.household_id, hid);
	assert_true(m1.created_at >= before);

	struct member *ms;
	int n;
	assert_int_equal(member_list(f->d, f->a, f->v->id, hid, 0, &ms, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ms[0].id, m1.id);
	assert_string_equal(ms[0].name, "张小三");
	assert_string_equal(ms[0].relation, "子");
	assert_int_equal(ms[0].party_member, 1);
	assert_string_equal(ms[0].phone, "");
	assert_null(ms[0].removed_on);
	assert_int_equal(ms[0].created_at, m1.created_at);
	assert_string_equal(ms[1].phone, "13900139000");

	struct member *got;
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m2.id, &got), 0);
	assert_string_equal(got->name, "李花");

	struct household_change *hist;
	assert_int_equal(household_history(f->d, f->a, f->v->id, hid, 10, &hist, &n), 0);
	assert_int_equal(n, 3); /* the household, then two members */
	assert_string_equal(hist[0].action, "member.add");
	assert_null(hist[0].before);
	assert_non_null(strstr(hist[0].after, "\"name\":\"李花\""));
	assert_string_equal(household_action_label("member.add"), "添加成员");
	assert_int_equal(member_audits(f->d), 2);
}

/* member-300: changing: the fields as given, created_at kept, a
** "member.update" row with both images; an unknown member id, or one of
** another household, is refused with "这一户没有这位成员" and writes
** nothing. */
static void test_edit(void **state)
{
	struct fixture *f = F(state);
	int64_t hid = add_household(f, f->v, "A1");
	int64_t other = add_household(f, f->v, "A2");
	errlist errs = {0};
	struct member m = {.name = "张小三", .relation = "子", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m, &errs), 0);
	int64_t created = m.created_at;

	struct member e = {.id = m.id, .name = "张三儿", .relation = "长子", .party_member = 1,
			   .phone = "13700137000"};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &e, &errs), 0);
	assert_int_equal(e.created_at, created);
	struct member *got;
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m.id, &got), 0);
	assert_string_equal(got->name, "张三儿");
	assert_string_equal(got->relation, "长子");
	assert_int_equal(got->party_member, 1);
	assert_string_equal(got->phone, "13700137000");
	assert_int_equal(got->created_at, created);

	struct household_change *hist;
	int n;
	assert_int_equal(household_history(f->d, f->a, f->v->id, hid, 1, &hist, &n), 0);
	assert_string_equal(hist[0].action, "member.update");
	assert_non_null(strstr(hist[0].before, "\"name\":\"张小三\""));
	assert_non_null(strstr(hist[0].after, "\"name\":\"张三儿\""));
	assert_string_equal(household_action_label("member.update"), "修改成员");

	char *snap = snapshot(f->d);
	struct member nobody = {.id = m.id + 1000, .name = "无此人", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &nobody, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	/* the member exists, but in the other household */
	struct member wrong = {.id = m.id, .name = "串户", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, other, &wrong, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	char *after = snapshot(f->d);
	assert_string_equal(after, snap);
	free(after);
	free(snap);
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m.id, &got), 0);
	assert_string_equal(got->name, "张三儿");
}

/* member-400: removing marks the member removed today and keeps the row
** (listed with with_removed only), one "member.remove" row; removing it
** again, changing it once removed, or removing an unknown id is refused
** with "这一户没有这位成员". */
static void test_remove(void **state)
{
	struct fixture *f = F(state);
	int64_t hid = add_household(f, f->v, "A1");
	errlist errs = {0};
	struct member m1 = {.name = "甲", .relation = "", .phone = ""};
	struct member m2 = {.name = "乙", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m1, &errs), 0);
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m2, &errs), 0);
	assert_int_equal(member_remove(f->d, &f->who, f->v, hid, m1.id, &errs), 0);
	assert_int_equal(errs.n, 0);

	char today[11];
	date_today(today);
	struct member *got;
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m1.id, &got), 0);
	assert_non_null(got->removed_on);
	assert_string_equal(got->removed_on, today);
	struct member *ms;
	int n;
	assert_int_equal(member_list(f->d, f->a, f->v->id, hid, 0, &ms, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ms[0].id, m2.id);
	assert_int_equal(member_list(f->d, f->a, f->v->id, hid, 1, &ms, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM member"), 2);

	struct household_change *hist;
	assert_int_equal(household_history(f->d, f->a, f->v->id, hid, 1, &hist, &n), 0);
	assert_string_equal(hist[0].action, "member.remove");
	assert_non_null(strstr(hist[0].after, today));
	assert_string_equal(household_action_label("member.remove"), "移除成员");

	char *snap = snapshot(f->d);
	assert_int_equal(member_remove(f->d, &f->who, f->v, hid, m1.id, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	struct member again = {.id = m1.id, .name = "甲复", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &again, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	assert_int_equal(member_remove(f->d, &f->who, f->v, hid, m2.id + 1000, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	char *after = snapshot(f->d);
	assert_string_equal(after, snap);
	free(after);
	free(snap);
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m1.id, &got), 0);
	assert_string_equal(got->name, "甲");
}

/* member-500: village scoping: through village V2 a household of V1 is
** "本村没有这一户" to add to, its members are not there to change or
** remove, and its lists and lookups are empty; nothing is written. */
static void test_village_scope(void **state)
{
	struct fixture *f = F(state);
	int64_t hid = add_household(f, f->v, "A1");
	errlist errs = {0};
	struct member m = {.name = "甲", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m, &errs), 0);

	char *snap = snapshot(f->d);
	int64_t audits = member_audits(f->d);
	struct member intruder = {.name = "越界", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->w, hid, &intruder, &errs), 1);
	expect_one(&errs, "本村没有这一户");
	assert_int_equal(intruder.id, 0);
	struct member edit = {.id = m.id, .name = "越界改", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->w, hid, &edit, &errs), 1);
	expect_one(&errs, "本村没有这一户");
	assert_int_equal(member_remove(f->d, &f->who, f->w, hid, m.id, &errs), 1);
	expect_one(&errs, "这一户没有这位成员");
	char *after = snapshot(f->d);
	assert_string_equal(after, snap);
	free(after);
	free(snap);
	assert_int_equal(member_audits(f->d), audits);

	struct member *ms, *got = NULL;
	int n;
	assert_int_equal(member_list(f->d, f->a, f->w->id, hid, 1, &ms, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(member_get(f->d, f->a, f->w->id, hid, m.id, &got), 1);
	assert_null(got);
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m.id, &got), 0);
	assert_null(got->removed_on);
	assert_string_equal(got->name, "甲");
}

/* member-600: whole or nothing: when the audit row cannot be written (the
** audit table is gone) an add, a change and a removal each fail with -1
** and leave the members as they were: the member write is rolled back with
** it, and the connection is usable afterwards. */
static void test_whole_or_nothing(void **state)
{
	struct fixture *f = F(state);
	int64_t hid = add_household(f, f->v, "A1");
	errlist errs = {0};
	struct member m = {.name = "甲", .relation = "子", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &m, &errs), 0);
	assert_int_equal(db_exec(f->d, "DROP TABLE audit"), 0);

	struct member add = {.name = "乙", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &add, &errs), -1);
	struct member edit = {.id = m.id, .name = "甲改", .relation = "长子", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, hid, &edit, &errs), -1);
	assert_int_equal(member_remove(f->d, &f->who, f->v, hid, m.id, &errs), -1);
	assert_int_equal(errs.n, 0);
	assert_int_equal(db_in_transaction(f->d), 0);

	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM member"), 1);
	struct member *got;
	assert_int_equal(member_get(f->d, f->a, f->v->id, hid, m.id, &got), 0);
	assert_string_equal(got->name, "甲");
	assert_string_equal(got->relation, "子");
	assert_null(got->removed_on);
}

#define DBCASES(setup)                                                         \
	cmocka_unit_test_setup_teardown(test_add, setup, teardown),            \
	cmocka_unit_test_setup_teardown(test_edit, setup, teardown),           \
	cmocka_unit_test_setup_teardown(test_remove, setup, teardown),         \
	cmocka_unit_test_setup_teardown(test_village_scope, setup, teardown),  \
	cmocka_unit_test_setup_teardown(test_whole_or_nothing, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_check),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("household_member/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("household_member/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("household_member/postgresql", on_pg, NULL,
						      NULL);
	else
		fprintf(stderr, "[  SKIP    ] household_member/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
