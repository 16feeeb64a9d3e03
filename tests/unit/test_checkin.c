/*
** test_checkin.c — unit tests of src/checkin.c, QR check-in at an
** activity: what may be opened (a valid date not in the future, an item
** of the standard in force that day, the month's sheet still open), one
** draft entry per household per check-in recorded as the scorer who
** opened it, a scan refused by the entry's own checks leaving nothing
** behind, other villages' check-ins refused, and closing.  On both
** backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include "checkin.h"

static int open_c(struct fixture *f, const struct village *v, const char *item,
		  const char *date, const char **msg, int64_t *id)
{
	errlist errs = {0};
	int64_t dummy = 0;
	int rc = checkin_open(f->d, &f->who, v, item, date, &errs, id ? id : &dummy);
	if (rc < 0)
		fail_msg("checkin_open: %s", db_errmsg(f->d));
	*msg = errs.n ? arena_strdup(f->a, errs.msg[0]) : "";
	errlist_free(&errs);
	return rc;
}

static int scan(struct fixture *f, const struct village *v, const struct checkin *c,
		const char *code, const char **msg, int *already)
{
	errlist errs = {0};
	int rc = checkin_scan(f->d, v, c, hid(f, v, code), &errs, already);
	if (rc < 0)
		fail_msg("checkin_scan: %s", db_errmsg(f->d));
	*msg = errs.n ? arena_strdup(f->a, errs.msg[0]) : "";
	errlist_free(&errs);
	return rc;
}

/* checkin-100: what may be opened. */
static void checkin_100_open(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	f->who.login = "scorer1";
	const char *msg;
	int64_t id;
	assert_int_equal(open_c(f, f->v, "HJ01", "2024-05-03", &msg, &id), 0);
	struct checkin *c;
	assert_int_equal(checkin_get(f->d, f->a, f->v->id, id, &c), 0);
	assert_int_equal(strlen(c->token), 32);
	assert_int_equal(strspn(c->token, "0123456789abcdef"), 32);
	assert_string_equal(c->item_code, "HJ01");
	assert_string_equal(c->date, "2024-05-03");
	assert_string_equal(c->opened_by, "scorer1");
	assert_int_equal(c->closed_at, 0);
	assert_int_equal(c->scans, 0);
	struct checkin *t;
	assert_int_equal(checkin_by_token(f->d, f->a, c->token, &t), 0);
	assert_int_equal(t->id, id);
	assert_int_equal(checkin_by_token(f->d, f->a, "00000000000000000000000000000000", &t), 1);
	assert_int_equal(checkin_get(f->d, f->a, f->w->id, id, &t), 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'checkin.open'"), 1);

	assert_int_equal(open_c(f, f->v, "HJ01", "2024-5-3", &msg, NULL), 1);
	assert_string_equal(msg, "日期: 应为有效日期，格式 YYYY-MM-DD");
	assert_int_equal(open_c(f, f->v, "HJ01", NULL, &msg, NULL), 1);
	char today[11], tomorrow[11];
	date_today(today);
	date_add_days(today, 1, tomorrow);
	assert_int_equal(open_c(f, f->v, "HJ01", tomorrow, &msg, NULL), 1);
	assert_string_equal(msg, arena_printf(f->a, "日期: %s 晚于今天（%s）", tomorrow, today));
	assert_int_equal(open_c(f, f->v, "XX99", "2024-05-03", &msg, NULL), 1);
	assert_string_equal(msg, "积分项目: “XX99”不在 2024-05-03 施行的积分标准中");
	assert_int_equal(open_c(f, f->v, NULL, "2024-05-03", &msg, NULL), 1);
	assert_string_equal(msg, "积分项目: “”不在 2024-05-03 施行的积分标准中");
	/* before the standard took effect (2024-04-01) */
	assert_int_equal(open_c(f, f->v, "HJ01", "2024-03-31", &msg, NULL), 1);
	assert_string_equal(msg, "积分项目: “HJ01”不在 2024-03-31 施行的积分标准中");
	/* an approved month takes no more check-ins */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-03", 1, NULL);
	approve_ok(f, f->v, "2024-06");
	assert_int_equal(open_c(f, f->v, "HJ01", "2024-06-10", &msg, NULL), 1);
	assert_string_equal(msg, "2024-06 的积分表已审定，不能再签到记分");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM checkin"), 1);
	struct checkin *rows;
	int n;
	assert_int_equal(checkin_list(f->d, f->a, f->v->id, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(checkin_list(f->d, f->a, f->w->id, &rows, &n), 0);
	assert_int_equal(n, 0);
}

/* checkin-110: scans: one draft entry per household, as the scorer who
** opened it; a second scan writes nothing; another village's household
** list is not this one's; a refused entry leaves no scan row; closing. */
static void checkin_110_scan(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	f->who.login = "scorer1";
	const char *msg;
	int64_t id;
	assert_int_equal(open_c(f, f->v, "HJ01", "2024-05-03", &msg, &id), 0);
	struct checkin *c;
	assert_int_equal(checkin_get(f->d, f->a, f->v->id, id, &c), 0);
	int already = -1;
	assert_int_equal(scan(f, f->v, c, "H2", &msg, &already), 0);
	assert_int_equal(already, 0);
	assert_int_equal(scan(f, f->v, c, "H1", &msg, &already), 0);
	assert_int_equal(scan(f, f->v, c, "H2", &msg, &already), 0);
	assert_int_equal(already, 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry WHERE note = '现场签到'"
					 " AND recorded_by = 'scorer1' AND item_code = 'HJ01'"
					 " AND date = '2024-05-03' AND quantity = 1"), 2);
	/* H6 has not joined: the entry's checks refuse it, and no scan row stays */
	assert_int_equal(scan(f, f->v, c, "H6", &msg, &already), 1);
	assert_true(strlen(msg) > 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM checkin_scan"), 2);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 2);
	/* V2 cannot use V1's check-in */
	assert_int_equal(scan(f, f->w, c, "H1", &msg, &already), 1);
	assert_string_equal(msg, "这个签到不是本村的");

	struct checkin_scan *rows;
	int n;
	assert_int_equal(checkin_scans(f->d, f->a, c, &rows, &n), 0);
	assert_int_equal(n, 2);
	/* scan order is by the second of the scan, ties by code: both here */
	int h2 = strcmp(rows[0].household_code, "H2") ? 1 : 0;
	assert_string_equal(rows[h2].household_code, "H2");
	assert_string_equal(rows[h2].household_name, "陆秀英");
	assert_string_equal(rows[1 - h2].household_code, "H1");
	assert_true(rows[0].at <= rows[1].at);
	assert_true(rows[0].entry_id > 0 && rows[1].entry_id > 0);
	assert_int_equal(checkin_get(f->d, f->a, f->v->id, id, &c), 0);
	assert_int_equal(c->scans, 2);

	errlist errs = {0};
	assert_int_equal(checkin_close(f->d, &f->who, f->w, id, &errs), 1);
	assert_string_equal(errs.msg[0], "没有这个进行中的签到");
	errlist_free(&errs);
	assert_int_equal(checkin_close(f->d, &f->who, f->v, id, &errs), 0);
	assert_int_equal(checkin_close(f->d, &f->who, f->v, id, &errs), 1);
	assert_string_equal(errs.msg[0], "没有这个进行中的签到");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'checkin.close'"), 1);
	/* the copy read before closing is re-checked inside the scan */
	assert_int_equal(scan(f, f->v, c, "H3", &msg, &already), 1);
	assert_string_equal(msg, "签到已经结束");
	assert_int_equal(checkin_get(f->d, f->a, f->v->id, id, &c), 0);
	assert_true(c->closed_at > 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 2);
}

#define DBCASES(setup)                                                         \
	cmocka_unit_test_setup_teardown(checkin_100_open, setup, teardown),    \
	cmocka_unit_test_setup_teardown(checkin_110_scan, setup, teardown)

int main(void)
{
	LEDGERFIX_MAIN("checkin", (const struct CMUnitTest *)NULL, 0, DBCASES, setup_sqlite, setup_pg);
}
