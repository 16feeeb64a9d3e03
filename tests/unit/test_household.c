/*
** test_household.c — unit tests of src/household.c: the eligibility rule
** over every combination of its inputs (numbered rows), field validation
** (numbered rows), and — against a real database created with db_open +
** db_migrate, SQLite always and PostgreSQL when JIFEN_TEST_PG is set —
** saving, leaving, members, history, and lists with search and filters.
** The CSV import is tested in test_household_import.c.
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

#include "household.h"
#include "testdb.h"
#include "village.h"

/* ---- the rule -------------------------------------------------------------- */

/* One eligibility case: inputs, then the expected eligible/participating. */
struct elig_case {
	const char *name;
	int hukou, homestead, resident, tenant, admits_tenants;
	const char *joined, *left_on;
	int eligible, participating;
};

/* Every combination of hukou/homestead/resident/tenant × the village's
** tenant setting × not joined / joined / joined and left / left without
** having joined.  Eligible: all three of 户在、房在、人在, or a tenant in a
** village that admits tenants; participating: eligible, joined, not left. */
static const struct elig_case elig_cases[] = {
	{"elig-100", 0, 0, 0, 0, 0, NULL, NULL, 0, 0},
	{"elig-101", 0, 0, 0, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-102", 0, 0, 0, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-103", 0, 0, 0, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-104", 0, 0, 0, 0, 1, NULL, NULL, 0, 0},
	{"elig-105", 0, 0, 0, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-106", 0, 0, 0, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-107", 0, 0, 0, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-108", 0, 0, 0, 1, 0, NULL, NULL, 0, 0},
	{"elig-109", 0, 0, 0, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-110", 0, 0, 0, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-111", 0, 0, 0, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-112", 0, 0, 0, 1, 1, NULL, NULL, 1, 0},
	{"elig-113", 0, 0, 0, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-114", 0, 0, 0, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-115", 0, 0, 0, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-116", 0, 0, 1, 0, 0, NULL, NULL, 0, 0},
	{"elig-117", 0, 0, 1, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-118", 0, 0, 1, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-119", 0, 0, 1, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-120", 0, 0, 1, 0, 1, NULL, NULL, 0, 0},
	{"elig-121", 0, 0, 1, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-122", 0, 0, 1, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-123", 0, 0, 1, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-124", 0, 0, 1, 1, 0, NULL, NULL, 0, 0},
	{"elig-125", 0, 0, 1, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-126", 0, 0, 1, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-127", 0, 0, 1, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-128", 0, 0, 1, 1, 1, NULL, NULL, 1, 0},
	{"elig-129", 0, 0, 1, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-130", 0, 0, 1, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-131", 0, 0, 1, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-132", 0, 1, 0, 0, 0, NULL, NULL, 0, 0},
	{"elig-133", 0, 1, 0, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-134", 0, 1, 0, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-135", 0, 1, 0, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-136", 0, 1, 0, 0, 1, NULL, NULL, 0, 0},
	{"elig-137", 0, 1, 0, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-138", 0, 1, 0, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-139", 0, 1, 0, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-140", 0, 1, 0, 1, 0, NULL, NULL, 0, 0},
	{"elig-141", 0, 1, 0, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-142", 0, 1, 0, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-143", 0, 1, 0, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-144", 0, 1, 0, 1, 1, NULL, NULL, 1, 0},
	{"elig-145", 0, 1, 0, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-146", 0, 1, 0, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-147", 0, 1, 0, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-148", 0, 1, 1, 0, 0, NULL, NULL, 0, 0},
	{"elig-149", 0, 1, 1, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-150", 0, 1, 1, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-151", 0, 1, 1, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-152", 0, 1, 1, 0, 1, NULL, NULL, 0, 0},
	{"elig-153", 0, 1, 1, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-154", 0, 1, 1, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-155", 0, 1, 1, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-156", 0, 1, 1, 1, 0, NULL, NULL, 0, 0},
	{"elig-157", 0, 1, 1, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-158", 0, 1, 1, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-159", 0, 1, 1, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-160", 0, 1, 1, 1, 1, NULL, NULL, 1, 0},
	{"elig-161", 0, 1, 1, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-162", 0, 1, 1, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-163", 0, 1, 1, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-164", 1, 0, 0, 0, 0, NULL, NULL, 0, 0},
	{"elig-165", 1, 0, 0, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-166", 1, 0, 0, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-167", 1, 0, 0, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-168", 1, 0, 0, 0, 1, NULL, NULL, 0, 0},
	{"elig-169", 1, 0, 0, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-170", 1, 0, 0, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-171", 1, 0, 0, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-172", 1, 0, 0, 1, 0, NULL, NULL, 0, 0},
	{"elig-173", 1, 0, 0, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-174", 1, 0, 0, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-175", 1, 0, 0, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-176", 1, 0, 0, 1, 1, NULL, NULL, 1, 0},
	{"elig-177", 1, 0, 0, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-178", 1, 0, 0, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-179", 1, 0, 0, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-180", 1, 0, 1, 0, 0, NULL, NULL, 0, 0},
	{"elig-181", 1, 0, 1, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-182", 1, 0, 1, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-183", 1, 0, 1, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-184", 1, 0, 1, 0, 1, NULL, NULL, 0, 0},
	{"elig-185", 1, 0, 1, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-186", 1, 0, 1, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-187", 1, 0, 1, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-188", 1, 0, 1, 1, 0, NULL, NULL, 0, 0},
	{"elig-189", 1, 0, 1, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-190", 1, 0, 1, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-191", 1, 0, 1, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-192", 1, 0, 1, 1, 1, NULL, NULL, 1, 0},
	{"elig-193", 1, 0, 1, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-194", 1, 0, 1, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-195", 1, 0, 1, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-196", 1, 1, 0, 0, 0, NULL, NULL, 0, 0},
	{"elig-197", 1, 1, 0, 0, 0, "2024-04-01", NULL, 0, 0},
	{"elig-198", 1, 1, 0, 0, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-199", 1, 1, 0, 0, 0, NULL, "2024-09-30", 0, 0},
	{"elig-200", 1, 1, 0, 0, 1, NULL, NULL, 0, 0},
	{"elig-201", 1, 1, 0, 0, 1, "2024-04-01", NULL, 0, 0},
	{"elig-202", 1, 1, 0, 0, 1, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-203", 1, 1, 0, 0, 1, NULL, "2024-09-30", 0, 0},
	{"elig-204", 1, 1, 0, 1, 0, NULL, NULL, 0, 0},
	{"elig-205", 1, 1, 0, 1, 0, "2024-04-01", NULL, 0, 0},
	{"elig-206", 1, 1, 0, 1, 0, "2024-04-01", "2024-09-30", 0, 0},
	{"elig-207", 1, 1, 0, 1, 0, NULL, "2024-09-30", 0, 0},
	{"elig-208", 1, 1, 0, 1, 1, NULL, NULL, 1, 0},
	{"elig-209", 1, 1, 0, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-210", 1, 1, 0, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-211", 1, 1, 0, 1, 1, NULL, "2024-09-30", 1, 0},
	{"elig-212", 1, 1, 1, 0, 0, NULL, NULL, 1, 0},
	{"elig-213", 1, 1, 1, 0, 0, "2024-04-01", NULL, 1, 1},
	{"elig-214", 1, 1, 1, 0, 0, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-215", 1, 1, 1, 0, 0, NULL, "2024-09-30", 1, 0},
	{"elig-216", 1, 1, 1, 0, 1, NULL, NULL, 1, 0},
	{"elig-217", 1, 1, 1, 0, 1, "2024-04-01", NULL, 1, 1},
	{"elig-218", 1, 1, 1, 0, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-219", 1, 1, 1, 0, 1, NULL, "2024-09-30", 1, 0},
	{"elig-220", 1, 1, 1, 1, 0, NULL, NULL, 1, 0},
	{"elig-221", 1, 1, 1, 1, 0, "2024-04-01", NULL, 1, 1},
	{"elig-222", 1, 1, 1, 1, 0, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-223", 1, 1, 1, 1, 0, NULL, "2024-09-30", 1, 0},
	{"elig-224", 1, 1, 1, 1, 1, NULL, NULL, 1, 0},
	{"elig-225", 1, 1, 1, 1, 1, "2024-04-01", NULL, 1, 1},
	{"elig-226", 1, 1, 1, 1, 1, "2024-04-01", "2024-09-30", 1, 0},
	{"elig-227", 1, 1, 1, 1, 1, NULL, "2024-09-30", 1, 0},
};

static void test_eligibility(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof elig_cases / sizeof elig_cases[0]; i++) {
		const struct elig_case *c = &elig_cases[i];
		struct village v = {.id = 1, .code = "V", .admits_tenants = c->admits_tenants};
		struct household h = {.hukou = c->hukou, .homestead = c->homestead,
				      .resident = c->resident, .tenant = c->tenant,
				      .joined = c->joined, .left_on = c->left_on};
		household_compute(&h, &v);
		if (h.eligible != c->eligible || h.participating != c->participating ||
		    household_is_eligible(&h, &v) != c->eligible ||
		    household_is_participating(&h, &v) != c->participating)
			fail_msg("%s: eligible %d participating %d, want %d %d", c->name, h.eligible,
				 h.participating, c->eligible, c->participating);
	}
}

/* Status labels follow the stored flags and leaving. */
static void test_status_label(void **state)
{
	(void)state;
	struct household h = {0};
	assert_string_equal(household_status_label(&h), "不符合条件");
	h.eligible = 1;
	assert_string_equal(household_status_label(&h), "符合条件未参与");
	h.participating = 1;
	assert_string_equal(household_status_label(&h), "参与中");
	h.left_on = "2024-01-01";
	assert_string_equal(household_status_label(&h), "已退出");
}

/* ---- validation ------------------------------------------------------------------ */

/* One validation case: a field's text on top of a valid household, and the
** message expected for that field (a substring), or NULL when valid. */
struct check_case {
	const char *name;
	int field;
	const char *value; /* "@TOMORROW" / "@TODAY": relative dates */
	const char *want;  /* substring of the message, NULL: accepted */
};

static const struct check_case check_cases[] = {
	{"check-100", HF_CODE, "A1", NULL},
	{"check-101", HF_CODE, "", "户编号不能为空"},
	{"check-102", HF_CODE, "12345678901234567890123456789012", NULL},
	{"check-103", HF_CODE, "123456789012345678901234567890123", "最长 32"},
	{"check-104", HF_CODE, "三组-12/5号", NULL},
	{"check-105", HF_CODE, "A\x01", "无效字符"},
	{"check-106", HF_CODE, "A\nB", "无效字符"},
	{"check-110", HF_HEAD_NAME, "", "户主姓名不能为空"},
	{"check-111", HF_HEAD_NAME, "张三", NULL},
	{"check-112", HF_HEAD_NAME,
	 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
	 NULL},
	{"check-113", HF_HEAD_NAME,
	 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
	 "最长 50"},
	{"check-114", HF_HEAD_NAME, "<script>alert(1)</script>", NULL},
	{"check-115", HF_HEAD_NAME, "bad\xff", "无效字符"},
	{"check-116", HF_HEAD_NAME, "del\x7f", "无效字符"},
	{"check-120", HF_ADDRESS, "", NULL},
	{"check-121", HF_ADDRESS, "朱家角镇 1 号\n东侧", NULL},
	{"check-130", HF_MEMBERS, "", NULL},
	{"check-131", HF_MEMBERS, "1", NULL},
	{"check-132", HF_MEMBERS, "0", "不小于 1"},
	{"check-133", HF_MEMBERS, "-3", "不小于 1"},
	{"check-134", HF_MEMBERS, "2.5", "不小于 1"},
	{"check-135", HF_MEMBERS, "三", "不小于 1"},
	{"check-136", HF_MEMBERS, "10000", "9999"},
	{"check-140", HF_PHONE, "", NULL},
	{"check-141", HF_PHONE, "1234567", NULL},
	{"check-142", HF_PHONE, "123456", "7–15"},
	{"check-143", HF_PHONE, "123456789012345", NULL},
	{"check-144", HF_PHONE, "1234567890123456", "7–15"},
	{"check-145", HF_PHONE, "138-0013-8000", "7–15"},
	{"check-146", HF_PHONE, "+8613800138000", "7–15"},
	{"check-150", HF_HUKOU, "是", NULL},
	{"check-151", HF_HUKOU, "否", NULL},
	{"check-152", HF_HUKOU, "Y", NULL},
	{"check-153", HF_HUKOU, "n", NULL},
	{"check-154", HF_HUKOU, "1", NULL},
	{"check-155", HF_HUKOU, "0", NULL},
	{"check-156", HF_HUKOU, "YES", NULL},
	{"check-157", HF_HUKOU, "no", NULL},
	{"check-158", HF_HUKOU, "maybe", "不能是“maybe”"},
	{"check-159", HF_HUKOU, "", "本地户籍不能为空"},
	{"check-160", HF_HOMESTEAD, "", "宅基地房屋不能为空"},
	{"check-161", HF_RESIDENT, "2", "常住应填 是/否"},
	{"check-162", HF_TENANT, "", NULL},
	{"check-163", HF_TENANT, "x", "租赁户应填 是/否"},
	{"check-170", HF_JOINED, "", NULL},
	{"check-171", HF_JOINED, "2024-04-01", NULL},
	{"check-172", HF_JOINED, "2024-02-30", "有效日期"},
	{"check-173", HF_JOINED, "2024-4-1", "有效日期"},
	{"check-174", HF_JOINED, "@TODAY", NULL},
	{"check-175", HF_JOINED, "@TOMORROW", "不能晚于今天"},
	{"check-176", HF_JOINED, "2024/04/01", "有效日期"},
};

/* The fields of a valid household. */
static void valid_fields(const char *vals[HF_COUNT])
{
	static const char *const good[HF_COUNT] = {
		"A1", "张三", "1 号", "3", "13800138000", "是", "是", "是", "否", "2024-04-01"};
	for (int f = 0; f < HF_COUNT; f++)
		vals[f] = good[f];
}

static void test_check_fields(void **state)
{
	(void)state;
	char today[11], tomorrow[11];
	date_today(today);
	time_t t = time(NULL) + 86400 + 3600;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
	for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++) {
		const struct check_case *c = &check_cases[i];
		arena *a = arena_new();
		const char *vals[HF_COUNT], *msgs[HF_COUNT];
		valid_fields(vals);
		vals[c->field] = !strcmp(c->value, "@TODAY")	  ? today
				 : !strcmp(c->value, "@TOMORROW") ? tomorrow
								  : c->value;
		struct household h = {0};
		int bad = household_check(a, vals, today, &h, NULL, msgs);
		if (!c->want && bad)
			fail_msg("%s: rejected: %s", c->name, msgs[c->field] ? msgs[c->field] : "?");
		if (c->want && (bad != 1 || !msgs[c->field] || !strstr(msgs[c->field], c->want)))
			fail_msg("%s: %d bad, message %s, want %s", c->name, bad,
				 msgs[c->field] ? msgs[c->field] : "(none)", c->want);
		arena_free(a);
	}
}

/* Parsed values land in the household; absent fields get defaults and are
** not marked given. */
static void test_check_values(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *vals[HF_COUNT], *msgs[HF_COUNT];
	valid_fields(vals);
	vals[HF_ADDRESS] = "一\r\n二\r三";
	struct household h = {0};
	unsigned given;
	assert_int_equal(household_check(a, vals, "2030-01-01", &h, &given, msgs), 0);
	assert_int_equal(given, (1u << HF_COUNT) - 1);
	assert_string_equal(h.code, "A1");
	assert_string_equal(h.address, "一\n二\n三");
	assert_int_equal(h.member_count, 3);
	assert_int_equal(h.hukou, 1);
	assert_int_equal(h.tenant, 0);
	assert_string_equal(h.joined, "2024-04-01");

	vals[HF_ADDRESS] = vals[HF_MEMBERS] = vals[HF_PHONE] = vals[HF_TENANT] = NULL;
	vals[HF_JOINED] = NULL;
	assert_int_equal(household_check(a, vals, "2030-01-01", &h, &given, msgs), 0);
	assert_int_equal(given, (1u << HF_CODE) | (1u << HF_HEAD_NAME) | (1u << HF_HUKOU) |
					(1u << HF_HOMESTEAD) | (1u << HF_RESIDENT));
	assert_string_equal(h.address, "");
	assert_int_equal(h.member_count, 0);
	assert_null(h.joined);
	arena_free(a);
}

/* Member validation. */
static void test_member_check(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *msgs[MF_COUNT];
	struct member m = {0};
	const char *ok[MF_COUNT] = {"王五", "子", "是", "13900139000"};
	assert_int_equal(member_check(a, ok, &m, msgs), 0);
	assert_int_equal(m.party_member, 1);
	const char *empty_party[MF_COUNT] = {"王五", "", "", ""};
	assert_int_equal(member_check(a, empty_party, &m, msgs), 0);
	assert_int_equal(m.party_member, 0);
	const char *bad[MF_COUNT] = {"", "一二三四五六七八九十一二三四五六七八九十一", "也许", "12"};
	assert_int_equal(member_check(a, bad, &m, msgs), 4);
	assert_non_null(strstr(msgs[MF_NAME], "姓名不能为空"));
	assert_non_null(strstr(msgs[MF_RELATION], "最长 20"));
	assert_non_null(strstr(msgs[MF_PARTY], "党员应填"));
	assert_non_null(strstr(msgs[MF_PHONE], "7–15"));
	arena_free(a);
}

static void test_phone_mask(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(phone_mask(a, "13812345678"), "138****5678");
	assert_string_equal(phone_mask(a, "1234567"), "****567");
	assert_string_equal(phone_mask(a, ""), "");
	arena_free(a);
}

#include "householdfix.h"

/* ---- database cases ---------------------------------------------------------------------- */

/* household-300: saving through the form path: add, taken code, update,
** audit; the id of another village's household is not found. */
static void test_save(void **state)
{
	struct fixture *f = F(state);
	const char *vals[HF_COUNT], *msgs[HF_COUNT];
	valid_fields(vals);
	struct household h = {0};
	assert_int_equal(household_check(f->a, vals, "2030-01-01", &h, NULL, msgs), 0);
	assert_int_equal(household_save(f->d, &f->who, f->v, &h, msgs), 0);
	assert_true(h.id > 0);
	assert_int_equal(h.participating, 1);

	struct household dup = h;
	dup.id = 0;
	assert_int_equal(household_save(f->d, &f->who, f->v, &dup, msgs), 1);
	assert_non_null(strstr(msgs[HF_CODE], "已被"));
	/* the same code in another village is fine */
	dup.id = 0;
	assert_int_equal(household_save(f->d, &f->who, f->w, &dup, msgs), 0);
	int64_t other_id = dup.id;

	h.head_name = "张三丰";
	h.hukou = 0;
	assert_int_equal(household_save(f->d, &f->who, f->v, &h, msgs), 0);
	struct household *got;
	assert_int_equal(household_get(f->d, f->a, f->v->id, h.id, &got), 0);
	assert_string_equal(got->head_name, "张三丰");
	assert_int_equal(got->eligible, 0);
	assert_int_equal(got->participating, 0);

	/* village scoping: V2's household is not V1's */
	assert_int_equal(household_get(f->d, f->a, f->v->id, other_id, &got), 1);
	struct household cross = dup;
	cross.head_name = "越界";
	assert_int_equal(household_save(f->d, &f->who, f->v, &cross, msgs), 1);
	assert_int_equal(household_get(f->d, f->a, f->w->id, other_id, &got), 0);
	assert_string_equal(got->head_name, "张三");

	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'household.add'"), 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'household.update'"),
			 1);
}

/* household-310: leaving: checks, then not participating, kept. */
static void test_leave(void **state)
{
	struct fixture *f = F(state);
	const char *vals[HF_COUNT], *msgs[HF_COUNT];
	valid_fields(vals);
	struct household h = {0};
	household_check(f->a, vals, "2030-01-01", &h, NULL, msgs);
	assert_int_equal(household_save(f->d, &f->who, f->v, &h, msgs), 0);

	errlist errs = {0};
	assert_int_equal(household_leave(f->d, &f->who, f->v, h.id, "2024-13-01", "", &errs), 1);
	assert_int_equal(errs.n, 2);
	errlist_free(&errs);
	assert_int_equal(household_leave(f->d, &f->who, f->v, h.id, "2024-03-01", "搬走", &errs), 1);
	assert_non_null(strstr(errs.msg[0], "不能早于参与日期"));
	errlist_free(&errs);
	assert_int_equal(household_leave(f->d, &f->who, f->w, h.id, "2024-10-01", "搬走", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(household_leave(f->d, &f->who, f->v, h.id, "2024-10-01", "搬走", &errs), 0);
	struct household *got;
	assert_int_equal(household_get(f->d, f->a, f->v->id, h.id, &got), 0);
	assert_string_equal(got->left_on, "2024-10-01");
	assert_string_equal(got->left_reason, "搬走");
	assert_int_equal(got->participating, 0);
	assert_int_equal(got->eligible, 1);
	assert_int_equal(household_leave(f->d, &f->who, f->v, h.id, "2024-10-02", "再退", &errs), 1);
	assert_non_null(strstr(errs.msg[0], "已于 2024-10-01 退出"));
	errlist_free(&errs);
	/* editing a left household keeps it left */
	h.head_name = "改名";
	assert_int_equal(household_save(f->d, &f->who, f->v, &h, msgs), 0);
	assert_int_equal(household_get(f->d, f->a, f->v->id, h.id, &got), 0);
	assert_string_equal(got->left_on, "2024-10-01");
	assert_int_equal(got->participating, 0);
}

/* household-320: the village's tenant setting recomputes participation. */
static void test_recompute(void **state)
{
	struct fixture *f = F(state);
	struct import_report rep = {0};
	errlist errs = {0};
	assert_int_equal(import_text(f, f->v, "t.csv",
				     "code,head_name,hukou,homestead,resident,tenant,joined\n"
				     "T1,租户,否,否,是,是,2024-04-01\nL1,本地,是,是,是,否,2024-04-01\n",
				     0, &rep, &errs),
			 0);
	import_report_free(&rep);
	struct household *t;
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "T1", &t), 0);
	assert_int_equal(t->participating, 0);
	f->v->admits_tenants = 1;
	assert_int_equal(village_update_settings(f->d, f->v, &errs), 0);
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "T1", &t), 0);
	assert_int_equal(t->eligible, 1);
	assert_int_equal(t->participating, 1);
	f->v->admits_tenants = 0;
	assert_int_equal(household_recompute_village(f->d, f->v), 0);
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "T1", &t), 0);
	assert_int_equal(t->participating, 0);
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "L1", &t), 0);
	assert_int_equal(t->participating, 1);
	errlist_free(&errs);
}

/* household-330: list, search (LIKE metacharacters are literal, ASCII case
** does not matter), filters, paging, counts. */
static void test_list(void **state)
{
	struct fixture *f = F(state);
	struct import_report rep = {0};
	errlist errs = {0};
	int rc = import_text(f, f->v, "l.csv",
			     "code,head_name,hukou,homestead,resident,joined\n"
			     "A1,张三,是,是,是,2024-04-01\n"
			     "A2,张四,是,是,是,\n"
			     "A10,李五,否,是,是,2024-04-01\n"
			     "B%1,王六,是,是,是,2024-04-01\n"
			     "Bx1,赵七,是,是,是,2024-04-01\n"
			     "b_2,Tom,是,是,是,2024-04-01\n",
			     0, &rep, &errs);
	assert_int_equal(rc, 0);
	import_report_free(&rep);
	struct household *x;
	assert_int_equal(household_get_by_code(f->d, f->a, f->v->id, "Bx1", &x), 0);
	assert_int_equal(household_leave(f->d, &f->who, f->v, x->id, "2024-10-01", "搬走", &errs), 0);
	/* another village's household never shows */
	assert_int_equal(import_text(f, f->w, "w.csv",
				     "code,head_name,hukou,homestead,resident\nA3,张外,是,是,是\n",
				     0, &rep, &errs),
			 0);
	import_report_free(&rep);

	static const struct {
		const char *name, *q;
		int filter;
		const char *codes; /* in order, space separated */
	} cases[] = {
		{"list-100", "", HH_ALL, "A1 A2 A10 B%1 Bx1 b_2"},
		{"list-101", "张", HH_ALL, "A1 A2"},
		{"list-102", "%", HH_ALL, "B%1"},
		{"list-103", "_", HH_ALL, "b_2"},
		{"list-104", "a1", HH_ALL, "A1 A10"},
		{"list-105", "tom", HH_ALL, "b_2"},
		{"list-106", "", HH_PARTICIPATING, "A1 B%1 b_2"},
		{"list-107", "", HH_ELIGIBLE_NOT_JOINED, "A2"},
		{"list-108", "", HH_NOT_ELIGIBLE, "A10"},
		{"list-109", "", HH_LEFT, "Bx1"},
		{"list-110", "张", HH_PARTICIPATING, "A1"},
		{"list-111", "无此人", HH_ALL, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct household *rows;
		int n;
		int64_t total;
		if (household_list(f->d, f->a, f->v->id, cases[i].q, cases[i].filter, 1, 50, &rows, &n,
				   &total))
			fail_msg("%s: %s", cases[i].name, db_errmsg(f->d));
		buf b = {0};
		for (int k = 0; k < n; k++)
			buf_printf(&b, "%s%s", k ? " " : "", rows[k].code);
		if (strcmp(b.len ? buf_cstr(&b) : "", cases[i].codes) || total != n)
			fail_msg("%s: got [%s] total %lld, want [%s]", cases[i].name,
				 b.len ? buf_cstr(&b) : "", (long long)total, cases[i].codes);
		buf_free(&b);
	}
	int64_t counts[HH_FILTER_COUNT];
	assert_int_equal(household_counts(f->d, f->v->id, "", counts), 0);
	assert_int_equal(counts[HH_ALL], 6);
	assert_int_equal(counts[HH_PARTICIPATING], 3);
	assert_int_equal(counts[HH_ELIGIBLE_NOT_JOINED], 1);
	assert_int_equal(counts[HH_NOT_ELIGIBLE], 1);
	assert_int_equal(counts[HH_LEFT], 1);

	/* paging: 2 per page, page 2 and 4 */
	struct household *rows;
	int n;
	int64_t total;
	assert_int_equal(household_list(f->d, f->a, f->v->id, NULL, HH_ALL, 2, 2, &rows, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 6);
	assert_string_equal(rows[0].code, "A10");
	assert_int_equal(household_list(f->d, f->a, f->v->id, NULL, HH_ALL, 4, 2, &rows, &n, &total), 0);
	assert_int_equal(n, 0);
	errlist_free(&errs);

	assert_int_equal(household_filter_from_name("left"), HH_LEFT);
	assert_int_equal(household_filter_from_name(NULL), HH_ALL);
	assert_int_equal(household_filter_from_name("nope"), -1);
}

/* household-340: members: add, edit, remove (kept, marked), scoped. */
static void test_members(void **state)
{
	struct fixture *f = F(state);
	const char *vals[HF_COUNT], *msgs[HF_COUNT];
	valid_fields(vals);
	struct household h = {0};
	household_check(f->a, vals, "2030-01-01", &h, NULL, msgs);
	assert_int_equal(household_save(f->d, &f->who, f->v, &h, msgs), 0);

	errlist errs = {0};
	struct member m = {.name = "张小三", .relation = "子", .party_member = 1, .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->v, h.id, &m, &errs), 0);
	struct member m2 = {.name = "李花", .relation = "配偶", .party_member = 0, .phone = "13900139000"};
	assert_int_equal(member_save(f->d, &f->who, f->v, h.id, &m2, &errs), 0);
	/* not through another village */
	struct member m3 = {.name = "越界", .relation = "", .phone = ""};
	assert_int_equal(member_save(f->d, &f->who, f->w, h.id, &m3, &errs), 1);
	errlist_free(&errs);

	m.relation = "长子";
	assert_int_equal(member_save(f->d, &f->who, f->v, h.id, &m, &errs), 0);
	assert_int_equal(member_remove(f->d, &f->who, f->v, h.id, m2.id, &errs), 0);
	assert_int_equal(member_remove(f->d, &f->who, f->v, h.id, m2.id, &errs), 1);
	errlist_free(&errs);
	assert_int_equal(member_remove(f->d, &f->who, f->w, h.id, m.id, &errs), 1);
	errlist_free(&errs);

	struct member *ms;
	int n;
	assert_int_equal(member_list(f->d, f->a, f->v->id, h.id, 0, &ms, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ms[0].relation, "长子");
	assert_int_equal(member_list(f->d, f->a, f->v->id, h.id, 1, &ms, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(ms[1].removed_on);
	assert_int_equal(member_list(f->d, f->a, f->w->id, h.id, 1, &ms, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM member"), 2);

	struct household_change *hist;
	assert_int_equal(household_history(f->d, f->a, f->v->id, h.id, 10, &hist, &n), 0);
	assert_int_equal(n, 5); /* add, 2 member adds, member update, member remove */
	assert_string_equal(hist[0].action, "member.remove");
	assert_string_equal(household_action_label(hist[0].action), "移除成员");
	assert_int_equal(household_history(f->d, f->a, f->w->id, h.id, 10, &hist, &n), 0);
	assert_int_equal(n, 0);
}

#define DBCASES(setup)                                                              \
	cmocka_unit_test_setup_teardown(test_save, setup, teardown),                  \
	cmocka_unit_test_setup_teardown(test_leave, setup, teardown),                 \
	cmocka_unit_test_setup_teardown(test_recompute, setup, teardown),             \
	cmocka_unit_test_setup_teardown(test_list, setup, teardown),                  \
	cmocka_unit_test_setup_teardown(test_members, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_eligibility),
		cmocka_unit_test(test_status_label),
		cmocka_unit_test(test_check_fields),
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_member_check),
		cmocka_unit_test(test_phone_mask),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("household/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("household/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("household/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] household/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
