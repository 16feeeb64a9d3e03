/*
** test_consultation.c — unit tests of src/consultation.c, the public
** consultation (征求意见) on a draft standard: where one stands on a date,
** the period's rules when it is opened (at most 90 days, not over, the
** draft a valid standard CSV), who may comment and when (households of
** the village, meetings by their body, inside the period, not after
** adoption), answers, and adoption only after the period with every
** comment answered, linked to the new version (standard_basis_get).
** Dates are relative to today; the passing of time is simulated by moving
** the period in the database.  On both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include "consultation.h"

static char today[11], yesterday[11], past5[11], soon[11];

static void dates(void)
{
	date_today(today);
	date_add_days(today, -1, yesterday);
	date_add_days(today, -5, past5);
	date_add_days(today, 10, soon);
}

static int open_c(struct fixture *f, const struct village *v, const char *title,
		  const char *csv, const char *from, const char *until, errlist *errs,
		  int64_t *id)
{
	int rc = consultation_open(f->d, &f->who, v, title, "草案.csv", csv, strlen(csv), from,
				   until, errs, id);
	if (rc < 0)
		fail_msg("consultation_open: %s", db_errmsg(f->d));
	return rc;
}

static int64_t open_ok(struct fixture *f, const struct village *v)
{
	errlist errs = {0};
	int64_t id = 0;
	if (open_c(f, v, "2025 年积分标准草案", template_csv(), past5, soon, &errs, &id))
		fail_msg("open: %s", errs.msg[0]);
	return id;
}

static int comment(struct fixture *f, const struct village *v, int64_t cid, int64_t hh,
		   const char *body, const char *text, const char *date, const char **msg,
		   int64_t *id)
{
	errlist errs = {0};
	int64_t dummy;
	int rc = consultation_comment_add(f->d, &f->who, v, cid, hh, body, text, date, &errs,
					  id ? id : &dummy);
	if (rc < 0)
		fail_msg("comment: %s", db_errmsg(f->d));
	*msg = errs.n ? arena_strdup(f->a, errs.msg[0]) : "";
	errlist_free(&errs);
	return rc;
}

/* Move consultation id's period to end yesterday: as if time had passed. */
static void period_over(struct fixture *f, int64_t id)
{
	db_stmt *s = db_prepare(f->d, "UPDATE consultation SET closes_on = $c WHERE id = $id");
	assert_non_null(s);
	db_bind_text(s, "$c", yesterday);
	db_bind_int(s, "$id", id);
	assert_int_equal(db_step(s), DB_DONE);
}

/* consultation-100: states on a date and their labels; body labels. */
static void consultation_100_state(void **state)
{
	(void)state;
	struct consultation c = {.opens_on = "2025-01-10", .closes_on = "2025-01-20"};
	assert_string_equal(consultation_state(&c, "2025-01-09"), "upcoming");
	assert_string_equal(consultation_state(&c, "2025-01-10"), "open");
	assert_string_equal(consultation_state(&c, "2025-01-20"), "open");
	assert_string_equal(consultation_state(&c, "2025-01-21"), "closed");
	c.version_id = 3;
	assert_string_equal(consultation_state(&c, "2025-01-15"), "adopted");
	assert_string_equal(consultation_state_label("upcoming"), "未开始");
	assert_string_equal(consultation_state_label("open"), "征求意见中");
	assert_string_equal(consultation_state_label("closed"), "征求意见已结束");
	assert_string_equal(consultation_state_label("adopted"), "已表决通过");
	assert_string_equal(consultation_state_label("other"), "");
	assert_string_equal(consultation_body_label("hongbai"), "红白理事会");
	assert_string_equal(consultation_body_label("yishi"), "村民议事会");
	assert_string_equal(consultation_body_label("funv"), "妇女议事会");
	assert_string_equal(consultation_body_label("daode"), "道德评议会");
	assert_string_equal(consultation_body_label("Hongbai"), "");
	assert_string_equal(consultation_body_label(""), "");
	assert_string_equal(consultation_body_label(NULL), "");
}

/* consultation-110: opening: each bad field named, nothing written. */
static void consultation_110_open_rejected(void **state)
{
	struct fixture *f = F(state);
	dates();
	errlist errs = {0};
	int64_t id = 0;
	assert_int_equal(open_c(f, f->v, "", template_csv(), "2025-02-30", "", &errs, &id), 1);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.msg[0], "标题不能为空");
	assert_string_equal(errs.msg[1], "开始日期: “2025-02-30”不是有效日期，格式应为 YYYY-MM-DD");
	assert_string_equal(errs.msg[2], "截止日期: “”不是有效日期，格式应为 YYYY-MM-DD");
	errlist_free(&errs);
	assert_int_equal(open_c(f, f->v, "草案", template_csv(), soon, today, &errs, &id), 1);
	assert_string_equal(errs.msg[0],
			    arena_printf(f->a, "截止日期: %s 早于开始日期 %s", today, soon));
	errlist_free(&errs);
	char limit[11], over[11];
	date_add_days(today, 89, limit);
	date_add_days(today, 90, over);
	assert_int_equal(open_c(f, f->v, "草案", template_csv(), today, over, &errs, &id), 1);
	assert_string_equal(errs.msg[0],
			    arena_printf(f->a, "截止日期: 征求意见期最长 90 天（到 %s）", limit));
	errlist_free(&errs);
	char past10[11];
	date_add_days(today, -10, past10);
	assert_int_equal(open_c(f, f->v, "草案", template_csv(), past10, yesterday, &errs, &id), 1);
	assert_string_equal(errs.msg[0], arena_printf(f->a, "截止日期: %s 已经过去", yesterday));
	errlist_free(&errs);
	/* the draft is checked as a standard, naming the file */
	assert_int_equal(open_c(f, f->v, "草案", "不是标准\n1,2\n", today, soon, &errs, &id), 1);
	assert_true(errs.n > 0);
	assert_non_null(strstr(errs.msg[0], "草案.csv"));
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM consultation"), 0);
	/* exactly 90 days, ending today, is allowed */
	char start[11];
	date_add_days(today, -89, start);
	assert_int_equal(open_c(f, f->v, "草案", template_csv(), start, today, &errs, &id), 0);
	assert_int_equal(open_c(f, f->v, "草案二", template_csv(), today, limit, &errs, &id), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'consultation.open'"), 2);
	struct consultation *c;
	assert_int_equal(consultation_last(f->d, f->a, f->v->id, &c), 0);
	assert_int_equal(c->id, id);
	assert_string_equal(c->title, "草案二");
	assert_int_equal(consultation_last(f->d, f->a, f->w->id, &c), 1);
}

/* consultation-120: comments: households of the village, meetings by one
** of the four bodies, dates inside the period and not in the future,
** text required and bounded. */
static void consultation_120_comments(void **state)
{
	struct fixture *f = F(state);
	dates();
	int64_t cid = open_ok(f, f->v);
	int64_t h1 = hid(f, f->v, "H1"), w1 = hid(f, f->w, "H1");
	const char *msg;
	int64_t k1;
	assert_int_equal(comment(f, f->v, cid, h1, "", "乱堆分值太低", NULL, &msg, &k1), 0);
	assert_int_equal(comment(f, f->v, cid, 0, "funv", "妇女议事会：同意", past5, &msg, NULL), 0);
	assert_int_equal(comment(f, f->v, cid, w1, "", "别村的意见", NULL, &msg, NULL), 1);
	assert_string_equal(msg, "只有本村农户可以对本村的草案提意见");
	assert_int_equal(comment(f, f->v, cid, h1, "yishi", "x", NULL, &msg, NULL), 1);
	assert_string_equal(msg, "农户的意见不填会议");
	assert_int_equal(comment(f, f->v, cid, 0, "", "x", NULL, &msg, NULL), 1);
	assert_string_equal(msg, "会议: 应为红白理事会、村民议事会、妇女议事会或道德评议会");
	assert_int_equal(comment(f, f->v, cid, 0, "党支部", "x", NULL, &msg, NULL), 1);
	assert_int_equal(comment(f, f->v, cid, h1, "", "", NULL, &msg, NULL), 1);
	assert_string_equal(msg, "意见内容不能为空");
	char text[1600] = "";
	for (int i = 0; i < 501; i++)
		strcat(text, "意");
	assert_int_equal(comment(f, f->v, cid, h1, "", text, NULL, &msg, NULL), 1);
	assert_string_equal(msg, "意见内容最长 500 个字，不能含控制字符");
	char before[11];
	date_add_days(past5, -1, before);
	assert_int_equal(comment(f, f->v, cid, 0, "daode", "会前", before, &msg, NULL), 1);
	assert_string_equal(msg, arena_printf(f->a, "征求意见期为 %s 至 %s，%s 不在期内，不能提意见",
					      past5, soon, before));
	char tomorrow[11];
	date_add_days(today, 1, tomorrow);
	assert_int_equal(comment(f, f->v, cid, 0, "daode", "明天", tomorrow, &msg, NULL), 1);
	assert_string_equal(msg, arena_printf(f->a, "日期: %s 晚于今天（%s）", tomorrow, today));
	assert_int_equal(comment(f, f->v, cid, 0, "daode", "x", "2025-13-01", &msg, NULL), 1);
	/* V2 cannot comment on V1's consultation */
	assert_int_equal(comment(f, f->w, cid, w1, "", "x", NULL, &msg, NULL), 1);
	assert_string_equal(msg, arena_printf(f->a, "本村没有编号为 %lld 的征求意见", (long long)cid));

	struct consultation_comment *rows;
	int n;
	assert_int_equal(consultation_comments(f->d, f->a, f->v->id, cid, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].household_code, "H1");
	assert_string_equal(rows[0].commented_on, today);
	assert_string_equal(rows[0].answer, "");
	assert_string_equal(rows[1].household_code, "");
	assert_string_equal(rows[1].body, "funv");
	assert_string_equal(rows[1].commented_on, past5);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'consultation.comment'"), 2);
	struct consultation *c;
	assert_int_equal(consultation_get(f->d, f->a, f->v->id, cid, &c), 0);
	assert_int_equal(c->comments, 2);
	assert_int_equal(c->answered, 0);
	assert_int_equal(consultation_get(f->d, f->a, f->w->id, cid, &c), 1);
}

/* consultation-130: adoption waits for the end of the period and every
** answer; then the version is linked to it; afterwards no comment, answer
** or second adoption. */
static void consultation_130_adopt(void **state)
{
	struct fixture *f = F(state);
	dates();
	int64_t cid = open_ok(f, f->v);
	const char *msg;
	int64_t k1, k2;
	assert_int_equal(comment(f, f->v, cid, hid(f, f->v, "H2"), "", "加一条", NULL, &msg, &k1), 0);
	assert_int_equal(comment(f, f->v, cid, 0, "hongbai", "婚丧从简", NULL, &msg, &k2), 0);
	struct std_adoption ad = fix_adoption(today, today);
	errlist errs = {0};
	int64_t ver = 0;
	int64_t versions = query_int(f->d, "SELECT COUNT(*) FROM standard_version");
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	assert_string_equal(errs.msg[0], arena_printf(f->a, "征求意见期到 %s 才结束，结束后才能表决", soon));
	errlist_free(&errs);
	period_over(f, cid);
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, k1, "已采纳", &errs), 0);
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	assert_string_equal(errs.msg[0], "还有 1 条意见没有答复，全部答复后才能表决");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM standard_version"), versions);
	/* answers: required, only the village's own comments */
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, k2, "", &errs), 1);
	assert_string_equal(errs.msg[0], "答复不能为空");
	errlist_free(&errs);
	assert_int_equal(consultation_answer(f->d, &f->who, f->w, k2, "别村答复", &errs), 1);
	assert_string_equal(errs.msg[0], arena_printf(f->a, "没有编号为 %lld 的待答复意见（或草案已表决通过）",
						      (long long)k2));
	errlist_free(&errs);
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, k2, "初稿答复", &errs), 0);
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, k2, "移风易俗，已写入", &errs), 0);
	assert_int_equal(consultation_adopt(f->d, &f->who, f->w, cid, &ad, &errs, &ver), 1);
	assert_string_equal(errs.msg[0], arena_printf(f->a, "本村没有编号为 %lld 的征求意见", (long long)cid));
	errlist_free(&errs);

	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 0);
	assert_true(ver > 0);
	struct consultation *c;
	assert_int_equal(consultation_get(f->d, f->a, f->v->id, cid, &c), 0);
	assert_int_equal(c->version_id, ver);
	assert_true(c->version > 0);
	assert_int_equal(c->answered, 2);
	assert_string_equal(consultation_state(c, today), "adopted");
	int64_t basis;
	const char *reason;
	assert_int_equal(standard_basis_get(f->d, f->a, ver, &basis, &reason), 0);
	assert_int_equal(basis, cid);
	assert_string_equal(reason, "");
	struct consultation_comment *rows;
	int n;
	assert_int_equal(consultation_comments(f->d, f->a, f->v->id, cid, &rows, &n), 0);
	assert_string_equal(rows[1].answer, "移风易俗，已写入");
	assert_string_equal(rows[1].answered_on, today);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'consultation.answer'"), 3);

	char later[11];
	date_add_days(today, 1, later);
	ad.effective_on = later; /* a new version must take effect later: not what refuses it */
	assert_int_equal(consultation_adopt(f->d, &f->who, f->v, cid, &ad, &errs, &ver), 1);
	assert_string_equal(errs.msg[0], arena_printf(f->a, "这份草案已经表决通过（第 %d 版）", c->version));
	errlist_free(&errs);
	assert_int_equal(consultation_answer(f->d, &f->who, f->v, k1, "再答", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(comment(f, f->v, cid, 0, "yishi", "晚了", yesterday, &msg, NULL), 1);
	assert_string_equal(msg, "这份草案已经表决通过，不能再提意见");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM standard_version"), versions + 1);
}

/* consultation-140: a version adopted without a consultation records the
** reason; consultation_link() refuses an unknown consultation. */
static void consultation_140_link(void **state)
{
	struct fixture *f = F(state);
	dates();
	errlist errs = {0};
	int64_t ver;
	struct std_adoption ad = fix_adoption(today, today);
	ad.without_consultation = "上级统一部署，时间紧";
	assert_int_equal(standard_adopt_csv(f->d, &f->who, f->v, &ad, "s.csv", template_csv(),
					    strlen(template_csv()), 0, &errs, &ver), 0);
	int64_t basis = -1;
	const char *reason;
	assert_int_equal(standard_basis_get(f->d, f->a, ver, &basis, &reason), 0);
	assert_int_equal(basis, 0);
	assert_string_equal(reason, "上级统一部署，时间紧");
	ad.without_consultation = NULL;
	ad.consultation_id = 99999;
	char later[11];
	date_add_days(today, 1, later);
	ad.effective_on = later;
	int64_t v2 = 0;
	assert_int_equal(standard_adopt_csv(f->d, &f->who, f->v, &ad, "s.csv", template_csv(),
					    strlen(template_csv()), 0, &errs, &v2), 1);
	assert_string_equal(errs.msg[errs.n - 1], "本村没有编号为 99999 的征求意见");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM standard_basis"), 1);
	assert_int_equal(standard_basis_get(f->d, f->a, 424242, &basis, &reason), 1);
}

#define DBCASES(setup)                                                                    \
	cmocka_unit_test_setup_teardown(consultation_110_open_rejected, setup, teardown), \
	cmocka_unit_test_setup_teardown(consultation_120_comments, setup, teardown),      \
	cmocka_unit_test_setup_teardown(consultation_130_adopt, setup, teardown),         \
	cmocka_unit_test_setup_teardown(consultation_140_link, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(consultation_100_state)};
	LEDGERFIX_MAIN("consultation", rules, 1, DBCASES, setup_sqlite, setup_pg);
}
