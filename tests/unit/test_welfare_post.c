/*
** test_welfare_post.c — unit tests of src/welfare_post.c, public-welfare
** posts (公益岗位): the points part of the assessment (weight × points /
** the best applicant's, rounded, out of the weight), each field of an
** opening checked with its message, who may apply and when (period,
** participating households of the village, once), the candidates list
** ordered by the points part, and the decision: at most the places, only
** applicants, once, whole or nothing.  Audited; on both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include "welfare_post.h"

static int64_t audits(struct fixture *f, const char *action)
{
	db_stmt *s = db_prepare(f->d, "SELECT COUNT(*) FROM audit WHERE action = $a");
	assert_non_null(s);
	db_bind_text(s, "$a", action);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_column_int(s, 0);
	db_reset(s);
	return n;
}

static const struct welfare_post_input post_2024 = {
	.title = "保洁员", .description = "村道保洁\n每周三次", .places = 1,
	.apply_from = "2024-06-01", .apply_until = "2024-06-30", .points_weight = 40};

static int64_t add_post(struct fixture *f, const struct village *v,
			const struct welfare_post_input *in)
{
	errlist errs = {0};
	int64_t id;
	if (welfare_post_add(f->d, f->a, &f->who, v, in, &errs, &id))
		fail_msg("welfare_post_add: %s", errs.n ? errs.msg[0] : db_errmsg(f->d));
	return id;
}

/* Apply and return the area's result, the first message in *msg. */
static int apply(struct fixture *f, const struct village *v, int64_t post, const char *code,
		 const char *channel, const char *note, const char *date, const char **msg)
{
	errlist errs = {0};
	int64_t id;
	int rc = welfare_apply(f->d, f->a, &f->who, v, post, code, channel, note, date, &errs, &id);
	*msg = errs.n ? arena_strdup(f->a, errs.msg[0]) : "";
	if (rc == 0)
		assert_true(id > 0);
	else
		assert_int_equal(id, 0);
	errlist_free(&errs);
	return rc;
}

/* welfare_post-100: the points part, in tenths: rounded half up, the
** best gets the whole weight, nothing for no or negative points. */
static void welfare_post_100_points_part(void **state)
{
	(void)state;
	assert_int_equal(welfare_points_part(40, 5, 5), 400);
	assert_int_equal(welfare_points_part(30, 50, 70), 214);  /* 214.28… */
	assert_int_equal(welfare_points_part(1, 1, 4), 3);       /* 2.5 up */
	assert_int_equal(welfare_points_part(1, 1, 8), 1);       /* 1.25 */
	assert_int_equal(welfare_points_part(100, 1, 3), 333);
	assert_int_equal(welfare_points_part(100, 2, 3), 667);
	assert_int_equal(welfare_points_part(40, 9, 5), 400);    /* never more than the weight */
	assert_int_equal(welfare_points_part(40, 0, 5), 0);
	assert_int_equal(welfare_points_part(40, -3, 5), 0);
	assert_int_equal(welfare_points_part(40, 3, 0), 0);
	assert_int_equal(welfare_points_part(0, 5, 5), 0);
}

/* welfare_post-110: every bad field named at once, nothing written. */
static void welfare_post_110_add_rejected(void **state)
{
	struct fixture *f = F(state);
	char long_title[400] = "";
	for (int i = 0; i < 101; i++)
		strcat(long_title, "岗");
	struct welfare_post_input in = {.title = "", .places = 0, .apply_from = "2024-02-30",
					.apply_until = "2024-06", .points_weight = 101};
	errlist errs = {0};
	int64_t id = 9;
	assert_int_equal(welfare_post_add(f->d, f->a, &f->who, f->v, &in, &errs, &id), 1);
	assert_int_equal(id, 0);
	assert_int_equal(errs.n, 5);
	assert_string_equal(errs.msg[0], "岗位名称不能为空");
	assert_string_equal(errs.msg[1], "名额应为 1 到 100 的整数");
	assert_string_equal(errs.msg[2], "积分占评定的权重应为 0 到 100（百分比）");
	assert_string_equal(errs.msg[3], "报名开始日期应为有效日期，格式 YYYY-MM-DD");
	assert_string_equal(errs.msg[4], "报名截止日期应为有效日期，格式 YYYY-MM-DD");
	errlist_free(&errs);

	in = post_2024;
	in.title = long_title;
	in.description = "a\x01";
	in.places = 101;
	in.apply_from = "2024-07-01";
	in.points_weight = -1;
	assert_int_equal(welfare_post_add(f->d, f->a, &f->who, f->v, &in, &errs, &id), 1);
	assert_int_equal(errs.n, 5);
	assert_string_equal(errs.msg[0], "岗位名称最长 100 个字，不能含控制字符");
	assert_string_equal(errs.msg[1], "岗位说明最长 2000 个字，不能含控制字符");
	assert_string_equal(errs.msg[4], "报名截止日期 2024-06-30 早于开始日期 2024-07-01");
	errlist_free(&errs);
	/* a title of one line only */
	in = post_2024;
	in.title = "保洁\n员";
	assert_int_equal(welfare_post_add(f->d, f->a, &f->who, f->v, &in, &errs, &id), 1);
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM welfare_post"), 0);
	assert_int_equal(audits(f, "welfare_post.add"), 0);

	/* the limits themselves pass; a one-day period too */
	in = post_2024;
	long_title[strlen(long_title) - 3] = 0;
	in.title = long_title;
	in.places = 100;
	in.points_weight = 0;
	in.apply_from = in.apply_until = "2024-06-30";
	in.description = NULL;
	int64_t pid = add_post(f, f->v, &in);
	struct welfare_post *p;
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, pid, &p), 0);
	assert_int_equal(p->places, 100);
	assert_string_equal(p->description, "");
	assert_false(p->decided);
	assert_int_equal(p->applications, 0);
	assert_int_equal(audits(f, "welfare_post.add"), 1);
	/* another village does not see it */
	assert_int_equal(welfare_post_get(f->d, f->a, f->w->id, pid, &p), 1);
	assert_null(p);
}

/* welfare_post-120: who may apply: the period (inclusive), participating
** households of the village, once; the channel and fields checked. */
static void welfare_post_120_apply(void **state)
{
	struct fixture *f = F(state);
	int64_t pid = add_post(f, f->v, &post_2024);
	const char *msg;
	assert_int_equal(apply(f, f->v, pid, "H1", "online", "", "2024-06-01", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H2", "office", "身体好", "2024-06-30", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H1", "office", "", "2024-06-02", &msg), 1);
	assert_string_equal(msg, "户 H1 已经报名过这个岗位");
	assert_int_equal(apply(f, f->v, pid, "H3", "online", "", "2024-05-31", &msg), 1);
	assert_string_equal(msg, "报名日期 2024-05-31 不在报名期（2024-06-01 至 2024-06-30）内");
	assert_int_equal(apply(f, f->v, pid, "H3", "online", "", "2024-07-01", &msg), 1);
	assert_int_equal(apply(f, f->v, pid, "H6", "online", "", "2024-06-05", &msg), 1);
	assert_string_equal(msg, "户 H6 没有参加积分制，不能报名");
	assert_int_equal(apply(f, f->v, pid, "H99", "online", "", "2024-06-05", &msg), 1);
	assert_string_equal(msg, "户编号 H99 不是本村的农户");
	assert_int_equal(apply(f, f->v, pid, "", "online", "", "2024-06-05", &msg), 1);
	assert_string_equal(msg, "户编号不能为空");
	assert_int_equal(apply(f, f->v, pid, "H3", "phone", "", "2024-06-05", &msg), 1);
	assert_string_equal(msg, "报名渠道应为 online（积分存折）或 office（村委会登记）");
	assert_int_equal(apply(f, f->v, pid, "H3", NULL, "", "2024-06-05", &msg), 1);
	assert_int_equal(apply(f, f->v, pid, "H3", "online", "", "2024-6-5", &msg), 1);
	assert_string_equal(msg, "报名日期应为有效日期，格式 YYYY-MM-DD");
	char note[1600] = "";
	for (int i = 0; i < 501; i++)
		strcat(note, "说");
	assert_int_equal(apply(f, f->v, pid, "H3", "online", note, "2024-06-05", &msg), 1);
	assert_string_equal(msg, "报名说明最长 500 个字，不能含控制字符");
	/* V2's post is not V1's, and V1 cannot apply to it through V1 */
	int64_t other = add_post(f, f->w, &post_2024);
	assert_int_equal(apply(f, f->v, other, "H3", "online", "", "2024-06-05", &msg), 1);
	assert_string_equal(msg, "本村没有这个公益岗位");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM welfare_application"), 2);
	assert_int_equal(audits(f, "welfare_post.apply"), 2);
	struct welfare_post *p;
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, pid, &p), 0);
	assert_int_equal(p->applications, 2);
	struct welfare_post *rows;
	int n;
	assert_int_equal(welfare_post_list(f->d, f->a, f->v->id, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, pid);
}

/* welfare_post-130: the candidates with their year points (of the year
** the period ends in) and points part, best first, ties by code. */
static void welfare_post_130_candidates(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);  /* +5 */
	add_ok(f, f->v, "H2", "HJ02", "2024-05-03", 1, "经提醒未整治"); /* -10 */
	approve_ok(f, f->v, "2024-05");
	int64_t pid = add_post(f, f->v, &post_2024);
	const char *msg;
	assert_int_equal(apply(f, f->v, pid, "H3", "office", "", "2024-06-02", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H2", "office", "", "2024-06-02", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H1", "online", "", "2024-06-03", &msg), 0);
	struct welfare_post *p;
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, pid, &p), 0);
	struct welfare_applicant *c;
	int n;
	assert_int_equal(welfare_candidates(f->d, f->a, f->v, p, &c, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].code, "H1");
	assert_int_equal(c[0].year_points, 5);
	assert_int_equal(c[0].points_part_tenths, 400);
	assert_string_equal(c[0].channel, "online");
	assert_string_equal(c[0].name, "沈建国");
	assert_string_equal(c[1].code, "H2");
	assert_int_equal(c[1].year_points, -10);
	assert_int_equal(c[1].points_part_tenths, 0);
	assert_string_equal(c[2].code, "H3");
	assert_int_equal(c[2].year_points, 0);
	/* a post of 2025 counts 2025's points: none yet */
	struct welfare_post_input in = post_2024;
	in.apply_from = "2025-01-01";
	in.apply_until = "2025-01-31";
	int64_t p25 = add_post(f, f->v, &in);
	assert_int_equal(apply(f, f->v, p25, "H1", "office", "", "2025-01-02", &msg), 0);
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, p25, &p), 0);
	assert_int_equal(welfare_candidates(f->d, f->a, f->v, p, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].year_points, 0);
	assert_int_equal(c[0].points_part_tenths, 0);
}

/* welfare_post-140: the decision: a reason, at most the places, only
** applicants, each once; a refused decision selects nobody (whole or
** nothing); once decided, no more applications or decisions. */
static void welfare_post_140_decide(void **state)
{
	struct fixture *f = F(state);
	struct welfare_post_input in = post_2024;
	in.places = 2;
	int64_t pid = add_post(f, f->v, &in);
	const char *msg;
	assert_int_equal(apply(f, f->v, pid, "H1", "office", "", "2024-06-02", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H2", "office", "", "2024-06-02", &msg), 0);
	assert_int_equal(apply(f, f->v, pid, "H3", "office", "", "2024-06-02", &msg), 0);
	errlist errs = {0};
	const char *three[] = {"H1", "H2", "H3"};
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, three, 3, "村两委讨论", &errs), 1);
	assert_string_equal(errs.msg[0], "选了 3 户，超过岗位名额 2 个");
	errlist_free(&errs);
	const char *not_applied[] = {"H1", "H4"};
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, not_applied, 2, "讨论", &errs), 1);
	assert_string_equal(errs.msg[0], "户 H4 没有报名这个岗位（或重复选了）");
	errlist_free(&errs);
	const char *twice[] = {"H1", "H1"};
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, twice, 2, "讨论", &errs), 1);
	assert_string_equal(errs.msg[0], "户 H1 没有报名这个岗位（或重复选了）");
	errlist_free(&errs);
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, three, 1, "", &errs), 1);
	assert_string_equal(errs.msg[0], "决定理由不能为空");
	errlist_free(&errs);
	/* nothing of the refused decisions stayed */
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM welfare_application WHERE selected = 1"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM welfare_post WHERE status = 'decided'"), 0);
	assert_int_equal(audits(f, "welfare_post.decide"), 0);
	/* V2 cannot decide V1's post */
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->w, pid, three, 1, "讨论", &errs), 1);
	assert_string_equal(errs.msg[0], "本村没有这个公益岗位");
	errlist_free(&errs);

	const char *two[] = {"H3", "H1"};
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, two, 2, "两委会议决定", &errs), 0);
	assert_int_equal(audits(f, "welfare_post.decide"), 1);
	struct welfare_post *p;
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, pid, &p), 0);
	assert_true(p->decided);
	assert_string_equal(p->decision, "两委会议决定");
	assert_string_equal(p->decided_by, "tester");
	char today[11];
	date_today(today);
	assert_string_equal(p->decided_on, today);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM welfare_application WHERE selected = 1"), 2);
	struct welfare_applicant *c;
	int n;
	assert_int_equal(welfare_candidates(f->d, f->a, f->v, p, &c, &n), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(c[i].selected, strcmp(c[i].code, "H2") != 0);

	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, pid, two, 0, "再改", &errs), 1);
	assert_string_equal(errs.msg[0], "公益岗位“保洁员”已经确定人选，决定不能更改");
	errlist_free(&errs);
	assert_int_equal(apply(f, f->v, pid, "H4", "office", "", "2024-06-02", &msg), 1);
	assert_string_equal(msg, "公益岗位“保洁员”已经确定人选，不能再报名");

	/* no one suitable: a decision naming nobody */
	int64_t none = add_post(f, f->v, &post_2024);
	assert_int_equal(welfare_decide(f->d, f->a, &f->who, f->v, none, NULL, 0, "无合适人选", &errs), 0);
	assert_int_equal(welfare_post_get(f->d, f->a, f->v->id, none, &p), 0);
	assert_true(p->decided);
}

#define DBCASES(setup)                                                                   \
	cmocka_unit_test_setup_teardown(welfare_post_110_add_rejected, setup, teardown), \
	cmocka_unit_test_setup_teardown(welfare_post_120_apply, setup, teardown),        \
	cmocka_unit_test_setup_teardown(welfare_post_130_candidates, setup, teardown),   \
	cmocka_unit_test_setup_teardown(welfare_post_140_decide, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(welfare_post_100_points_part)};
	LEDGERFIX_MAIN("welfare_post", rules, 1, DBCASES, setup_sqlite, setup_pg);
}
