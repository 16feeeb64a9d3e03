/*
** test_ledger.c — unit tests of standard.c, sheet.c and ledger.c: the
** canonical hash encoding (a fixed vector), the standard CSV checks and
** version diff, and — against a real database made with db_open +
** db_migrate, SQLite always and PostgreSQL when JIFEN_TEST_PG is set —
** adoption rules, the version in force by date, eligibility, evidence,
** month and year caps counting drafts and the ledger, the entries import
** (all or nothing), the sheet workflow and approval (whole or nothing, with
** a failure injected half-way), corrections and their limits, veto marks,
** append-only triggers, `verify` catching tampered values and balances,
** declarations, the passbook reads, and a timed (never asserted) approval
** of a large sheet.
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
#include "ledger.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* ---- rules without a database ------------------------------------------------ */

/* ledger-100: the documented encoding gives the documented hash (the same
** vector is in docs/ledger.md, computed there with Python's hashlib). */
static void ledger_100_hash_vector(void **state)
{
	(void)state;
	struct ledger_entry e = {
		.village_id = 1, .seq = 1, .household_id = 17, .kind = "score", .item_id = 3,
		.item_code = "HJ01", .version_id = 2, .month = "2024-04", .date = "2024-04-15",
		.quantity = 1, .points = 5, .approval_id = 1, .entry_id = 9, .correction_of = 0,
		.reason = "", .recorded_by = "scorer", .note = "门前整洁", .photo = "",
		.posted_at = 1717200000,
	};
	char h[65];
	ledger_entry_hash(&e, LEDGER_GENESIS, h);
	assert_string_equal(h, "1125c84d3bb4d0f5456baacdf7dd19d87b396285c173a4c6085e9f6135618485");
	buf b = {0};
	ledger_encode(&b, &e);
	assert_true(b.len > 20);
	assert_memory_equal(b.p, "15:jifen-ledger-v1\n1:1\n1:1\n2:17\n5:score\n", 38);
	buf_free(&b);
	/* any change of a field changes the hash */
	e.points = 4;
	char h2[65];
	ledger_entry_hash(&e, LEDGER_GENESIS, h2);
	assert_string_not_equal(h, h2);
}

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

/* ---- database fixture --------------------------------------------------------------- */

struct fixture {
	struct testdb t; /* the database */
	db *d;           /* t.d */
	arena *a;
	struct village *v, *w; /* villages V1 and V2 */
	struct actor who;
};

static struct fixture *F(void **state)
{
	return *state;
}

/* Households of V1: H1–H5 participating since 2024-01-01, H6 eligible but
** not joined, H7 joined 2024-05-10, H8 not eligible (no homestead). */
static const char households_csv[] =
	"户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n"
	"H1,沈建国,是,是,是,2024-01-01\n"
	"H2,陆秀英,是,是,是,2024-01-01\n"
	"H3,张国强,是,是,是,2024-01-01\n"
	"H4,王玉兰,是,是,是,2024-01-01\n"
	"H5,朱明华,是,是,是,2024-01-01\n"
	"H6,顾志刚,是,是,是,\n"
	"H7,徐雪梅,是,是,是,2024-05-10\n"
	"H8,金海林,是,否,是,2024-01-01\n";

static int open_fixture(struct fixture *f)
{
	if (testdb_open_migrated(&f->t, "ledger"))
		return -1;
	f->d = f->t.d;
	errlist errs = {0};
	int64_t id;
	if (village_insert(f->d, "V1", "一村", &errs, &id) || village_insert(f->d, "V2", "二村", &errs, &id))
		return fprintf(stderr, "village_insert: %s\n", db_errmsg(f->d)), -1;
	f->a = arena_new();
	f->v = village_by_code(f->d, f->a, "V1");
	f->w = village_by_code(f->d, f->a, "V2");
	f->who = (struct actor){0, "tester", ""};
	struct import_report rep = {0};
	for (int k = 0; k < 2; k++) {
		if (household_import(f->d, &f->who, k ? f->w : f->v, "h.csv", households_csv,
				     strlen(households_csv), 0, &rep, &errs)) {
			fprintf(stderr, "household_import: %s %s\n", errs.n ? errs.msg[0] : "",
				db_errmsg(f->d));
			return -1;
		}
		import_report_free(&rep);
		memset(&rep, 0, sizeof rep);
	}
	return f->v && f->w ? 0 : -1;
}

static int setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	*state = f;
	return open_fixture(f);
}

static int setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t.pg = 1;
	*state = f;
	return open_fixture(f);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = testdb_close(&f->t);
	arena_free(f->a);
	free(f);
	return rc;
}

/* The single integer of a parameterless query (a literal). */
static int64_t query_int(db *d, const char *sql)
{
	db_stmt *s = db_prepare(d, sql);
	if (!s || db_step(s) != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(d));
	int64_t v = db_column_int(s, 0);
	db_reset(s);
	return v;
}

/* The id of household code of village v. */
static int64_t hid(struct fixture *f, const struct village *v, const char *code)
{
	struct household *h;
	if (household_get_by_code(f->d, f->a, v->id, code, &h))
		fail_msg("no household %s", code);
	return h->id;
}

/* Adopt csv for v (adopted/effective dates); returns the area's result,
** failing the test on a database error. */
static int adopt(struct fixture *f, const struct village *v, const char *csv,
		 const char *adopted, const char *effective, errlist *errs, int64_t *id)
{
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = adopted;
	ad.effective_on = effective;
	ad.meeting_type = "村民代表会议";
	ad.meeting = "测试会议";
	ad.entitled = 40;
	ad.attendance = 35;
	ad.votes_for = 33;
	ad.votes_against = 1;
	ad.votes_abstain = 1;
	int64_t dummy;
	int rc = standard_adopt_csv(f->d, &f->who, v, &ad, "s.csv", csv, strlen(csv), 0, errs,
				    id ? id : &dummy);
	if (rc < 0)
		fail_msg("adopt: %s", db_errmsg(f->d));
	return rc;
}

/* The town template as CSV text. */
static const char *template_csv(void)
{
	size_t len;
	return standard_builtin_template(&len);
}

/* V1 (and V2) adopt the template, effective 2024-04-01. */
static void adopt_template(struct fixture *f)
{
	errlist errs = {0};
	if (adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL) ||
	    adopt(f, f->w, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL))
		fail_msg("adopt: %s", errs.n ? errs.msg[0] : "");
}

/* Add one entry to v's sheet of the date's month; returns the area's
** result (errs filled), failing on a database error. */
static int add(struct fixture *f, const struct village *v, const char *hh, const char *item,
	       const char *date, int64_t qty, const char *note, errlist *errs)
{
	char month[8];
	snprintf(month, sizeof month, "%.7s", date);
	struct entry_input in = {.household_code = hh, .item_code = item, .date = date,
				 .quantity = qty, .note = note};
	int64_t id;
	int rc = entry_add(f->d, &f->who, v, month, &in, errs, &id);
	if (rc < 0)
		fail_msg("entry_add: %s", db_errmsg(f->d));
	return rc;
}

/* add() that must succeed. */
static void add_ok(struct fixture *f, const struct village *v, const char *hh, const char *item,
		   const char *date, int64_t qty, const char *note)
{
	errlist errs = {0};
	if (add(f, v, hh, item, date, qty, note, &errs))
		fail_msg("add %s %s %s: %s", hh, item, date, errs.n ? errs.msg[0] : "");
}

/* add() that must be rejected with a first message starting with want. */
static void add_rejected(struct fixture *f, const struct village *v, const char *hh,
			 const char *item, const char *date, int64_t qty, const char *note,
			 const char *want)
{
	errlist errs = {0};
	int rc = add(f, v, hh, item, date, qty, note, &errs);
	if (rc != 1 || !errs.n || strncmp(errs.msg[0], want, strlen(want)))
		fail_msg("add %s %s %s: rc %d, %s; want %s", hh, item, date, rc,
			 errs.n ? errs.msg[0] : "(no message)", want);
	errlist_free(&errs);
}

/* Approve v's sheet of month (CLI style: drafts allowed). */
static int approve(struct fixture *f, const struct village *v, const char *month, errlist *errs)
{
	struct approval_input in = {.meeting_date = "2024-12-05", .attendees = "村两委全体",
				    .resolution = "同意"};
	struct approval *ap;
	int rc = sheet_approve(f->d, f->a, &f->who, v, month, &in, 1, errs, &ap);
	if (rc < 0)
		fail_msg("approve: %s", db_errmsg(f->d));
	return rc;
}

static void approve_ok(struct fixture *f, const struct village *v, const char *month)
{
	errlist errs = {0};
	if (approve(f, v, month, &errs))
		fail_msg("approve %s: %s", month, errs.n ? errs.msg[0] : "");
}

/* verify must give want (0 intact / 1); with 1, the message starts with
** msg when msg is not NULL. */
static void verify_expect(struct fixture *f, int want, const char *msg)
{
	errlist errs = {0};
	int64_t n;
	int rc = ledger_verify(f->d, f->a, 0, &errs, &n);
	if (rc != want)
		fail_msg("verify = %d, want %d: %s %s", rc, want, errs.n ? errs.msg[0] : "",
			 db_errmsg(f->d));
	if (msg && (!errs.n || strncmp(errs.msg[0], msg, strlen(msg))))
		fail_msg("verify message %s, want %s", errs.n ? errs.msg[0] : "", msg);
	errlist_free(&errs);
}

/* The balance of household code of V1 (0 when none). */
static int64_t balance_of(struct fixture *f, const char *code)
{
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, code), "2024-06-15",
						  &s), 0);
	return s.balance;
}

/* ---- the database cases --------------------------------------------------------------- */

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

/* ledger-220: an entry is scored under the version in force on its date. */
static void ledger_220_version_by_date(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	int64_t v1, v2;
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, &v1), 0);
	const char *csv2 = "类别,项目编号,项目名称,分值,每月上限\n"
			   "环境优化,HJ04,参加环境卫生整治,6,12\n"
			   "环境优化,XX01,新项目,7,\n";
	assert_int_equal(adopt(f, f->v, csv2, "2024-05-25", "2024-06-01", &errs, &v2), 0);
	add_ok(f, f->v, "H1", "HJ04", "2024-05-20", 1, NULL);
	add_ok(f, f->v, "H1", "HJ04", "2024-06-20", 2, NULL);
	add_rejected(f, f->v, "H1", "XX01", "2024-05-21", 1, NULL,
		     "项目编号: 项目编号“XX01”不在 2024-05-21 生效的积分标准（第 1 版）中");
	add_rejected(f, f->v, "H1", "HJ01", "2024-06-21", 1, NULL,
		     "项目编号: 项目编号“HJ01”不在 2024-06-21 生效的积分标准（第 2 版）中");
	add_rejected(f, f->v, "H1", "HJ01", "2024-03-21", 1, NULL,
		     "项目编号: 2024-03-21 还没有生效的积分标准（最早的版本 2024-04-01 起生效）");
	struct sheet *sh;
	struct entry *rows;
	int n;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].points, 5);
	assert_int_equal(rows[0].version_id, v1);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-06", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].points, 12);
	assert_int_equal(rows[0].quantity, 2);
	assert_int_equal(rows[0].version_id, v2);
	/* approved, the ledger keeps the version */
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->v, "2024-06");
	assert_int_equal(query_int(f->d, "SELECT COUNT(DISTINCT version_id) FROM ledger_entry"), 2);
	verify_expect(f, 0, NULL);
}

/* ledger-225: a version starting mid-month that caps an item counts the
** month's entries made under the earlier version, also earlier rows of the
** same import. */
static void ledger_225_cap_mid_month(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	assert_int_equal(adopt(f, f->v, template_csv(), "2024-03-20", "2024-04-01", &errs, NULL), 0);
	const char *csv2 = "类别,项目编号,项目名称,分值,每月上限\n村级事务参与,CW01,参加村民大会,2,4\n";
	assert_int_equal(adopt(f, f->v, csv2, "2024-06-01", "2024-06-15", &errs, NULL), 0);
	struct entry_import_report rep;
	const char *rows = "household,item,date,quantity\nH1,CW01,2024-06-10,2\nH1,CW01,2024-06-20,1\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-06", "e.csv", rows,
					      strlen(rows), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "e.csv:3: item: 「CW01 参加村民大会」每月上限 4 分，本月已记 4 分，"
					 "本条 2 分");
	errlist_free(&errs);
	add_ok(f, f->v, "H1", "CW01", "2024-06-10", 2, NULL);
	add_rejected(f, f->v, "H1", "CW01", "2024-06-20", 1, NULL,
		     "项目编号: 「CW01 参加村民大会」每月上限 4 分，本月已记 4 分");
}

/* ledger-230: who and when may be scored. */
static void ledger_230_eligibility(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_rejected(f, f->v, "H6", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户“H6 顾志刚”尚未参与积分制，不能记分");
	add_rejected(f, f->v, "H8", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户“H8 金海林”不符合参与条件，不能记分");
	add_rejected(f, f->v, "H99", "HJ01", "2024-05-05", 1, NULL,
		     "户编号: 户编号“H99”不是本村的农户");
	add_rejected(f, f->v, "H7", "HJ01", "2024-05-05", 1, NULL,
		     "日期: 户“H7”2024-05-10 才参与积分制，2024-05-05 的事不能记分");
	add_ok(f, f->v, "H7", "HJ01", "2024-05-12", 1, NULL);
	errlist errs = {0};
	struct entry_input in = {.household_code = "H1", .item_code = "HJ03", .date = "2024-06-01"};
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "日期: 日期 2024-06-01 不在 2024-05 月内");
	errlist_free(&errs);
	in.date = "2024-05-32";
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	errlist_free(&errs);
	in.date = "2099-01-02";
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2099-01", &in, &errs, NULL), 1);
	assert_true(strstr(errs.msg[0], "还没到") != NULL);
	errlist_free(&errs);
	in.date = "2024-05-03";
	in.quantity = 1001;
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "次数: 次数应为 1–1000 的整数");
	errlist_free(&errs);
	/* a household of another village, by id */
	in.quantity = 1;
	in.household_code = NULL;
	in.household_id = hid(f, f->w, "H1");
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "户编号: 本村没有这一户");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 1);
}

/* ledger-240: items that need evidence take a photo or a note. */
static void ledger_240_evidence(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_rejected(f, f->v, "H1", "PA01", "2024-05-05", 1, NULL,
		     "说明: 「PA01 参与治安巡防」需要佐证: 请附照片或填写说明");
	add_ok(f, f->v, "H1", "PA01", "2024-05-05", 1, "5月5日夜间巡防，有签到表");
	errlist errs = {0};
	char hash[65];
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", "GIF89a....", 10, hash, &errs), 1);
	assert_string_equal(errs.msg[0], "照片应为 JPEG 或 PNG 格式");
	errlist_free(&errs);
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
					    'I', 'H', 'D', 'R', 1, 2, 3};
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", png, sizeof png, hash, &errs), 0);
	assert_int_equal(evidence_store(f->d, f->v->id, "tester", png, sizeof png, hash, &errs), 0);
	const char *mime;
	const unsigned char *data;
	size_t len;
	assert_int_equal(evidence_get(f->d, f->a, f->v->id, hash, &mime, &data, &len), 0);
	assert_string_equal(mime, "image/png");
	assert_int_equal(len, sizeof png);
	assert_memory_equal(data, png, sizeof png);
	assert_int_equal(evidence_get(f->d, f->a, f->w->id, hash, &mime, &data, &len), 1);
	struct entry_input in = {.household_code = "H2", .item_code = "PA01", .date = "2024-05-06",
				 .photo = hash};
	assert_int_equal(entry_add(f->d, &f->who, f->v, "2024-05", &in, &errs, NULL), 0);
	/* the photo is V1's: V2 cannot attach it */
	assert_int_equal(entry_add(f->d, &f->who, f->w, "2024-05", &in, &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "说明: 佐证照片不存在，请重新上传");
	errlist_free(&errs);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry WHERE photo <> ''"), 1);
	verify_expect(f, 0, NULL);
}

/* ledger-250: monthly caps count the month's drafts, per item and household. */
static void ledger_250_cap_month(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-05", 1, NULL);
	add_rejected(f, f->v, "H1", "HJ01", "2024-05-20", 1, NULL,
		     "项目编号: 「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，本月已记 5 分");
	add_ok(f, f->v, "H2", "HJ01", "2024-05-20", 1, NULL);  /* another household */
	add_ok(f, f->v, "H1", "HJ03", "2024-05-20", 1, NULL);  /* another item */
	add_rejected(f, f->v, "H3", "HJ04", "2024-05-20", 3, NULL,
		     "项目编号: 「HJ04 参加环境卫生整治」每月上限 10 分，本月已记 0 分，本条 15 分");
	add_ok(f, f->v, "H3", "HJ04", "2024-05-20", 2, NULL);
	/* deductions count in absolute value */
	add_ok(f, f->v, "H4", "HJ02", "2024-05-03", 1, "提醒后仍未整治");
	add_rejected(f, f->v, "H4", "HJ02", "2024-05-13", 1, "再次",
		     "项目编号: 「HJ02 乱堆垃圾经提醒不整治」每月上限 10 分，本月已记 10 分");
	/* removing the draft frees the cap */
	struct sheet *sh;
	struct entry *rows;
	int n;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, hid(f, f->v, "H4"), &rows, &n), 0);
	assert_int_equal(n, 1);
	errlist errs = {0};
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 0);
	add_ok(f, f->v, "H4", "HJ02", "2024-05-13", 1, "再次");
	/* next month starts again */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-01", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_rejected(f, f->v, "H1", "HJ01", "2024-05-30", 1, NULL,
		     "2024-05 的积分表已审定，不能再改动；发现错误请做更正");
	verify_expect(f, 0, NULL);
}

/* ledger-260: yearly caps count the ledger, drafts of other open sheets,
** and corrections. */
static void ledger_260_cap_year(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	/* ZF01: 5 points, at most 20 a year */
	add_ok(f, f->v, "H1", "ZF01", "2024-04-30", 1, NULL);
	add_ok(f, f->v, "H1", "ZF01", "2024-05-30", 1, NULL);
	approve_ok(f, f->v, "2024-04");
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->v, "H1", "ZF01", "2024-06-30", 1, NULL);  /* draft on June's sheet */
	add_ok(f, f->v, "H1", "ZF01", "2024-07-30", 1, NULL);  /* draft on July's sheet */
	add_rejected(f, f->v, "H1", "ZF01", "2024-08-30", 1, NULL,
		     "项目编号: 「ZF01 家庭成员无违法犯罪记录（季度评定）」每年上限 20 分，本年已记 20 分");
	add_ok(f, f->v, "H1", "ZF01", "2025-01-30", 1, NULL);  /* a new year */
	/* a correction on the ledger frees part of the cap */
	int64_t id = query_int(f->d, "SELECT MIN(id) FROM ledger_entry WHERE item_code = 'ZF01'");
	errlist errs = {0};
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 5, "评定有误", &errs, NULL), 0);
	add_ok(f, f->v, "H1", "ZF01", "2024-08-30", 1, NULL);
	verify_expect(f, 0, NULL);
}

/* ledger-270: the entries import applies whole or not at all. */
static void ledger_270_import(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	struct entry_import_report rep;
	const char *bad = "household,item,date,quantity,note\n"
			  "H1,HJ01,2024-05-03,,\n"
			  "H2,HJ03,2024-05-03,1,\n"
			  "H1,HJ01,2024-05-20,1,\n"
			  "H6,HJ01,2024-05-20,1,\n"
			  "H3,PA01,2024-05-21,,\n"
			  "H3,CW01,2024-05-21,x,\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", bad, strlen(bad),
					      0, &rep, &errs), 1);
	assert_int_equal(errs.n, 4);
	assert_string_equal(errs.msg[0], "e.csv:4: item: 「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，"
					 "本月已记 5 分，本条 5 分");
	assert_string_equal(errs.msg[1], "e.csv:5: household: 户“H6 顾志刚”尚未参与积分制，不能记分");
	assert_string_equal(errs.msg[2], "e.csv:6: note: 「PA01 参与治安巡防」需要佐证: 请附照片或填写说明");
	assert_string_equal(errs.msg[3], "e.csv:7: quantity: 次数应为 1–1000 的整数，不是“x”");
	errlist_free(&errs);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM sheet"), 0);

	const char *good = "\xEF\xBB\xBF户编号,项目编号,日期,次数,说明\r\n"
			   "H1,HJ01,2024-05-03,,\r\n"
			   "H2,HJ04,2024-05-03,2,\"多次参加, 表现好\"\r\n"
			   "H3,PA01,2024-05-21,,巡防\r\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 1, &rep, &errs), 0);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.points, 5 + 10 + 10);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 0);
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 0);
	assert_int_equal(rep.households, 3);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM entry"), 3);
	/* the same file again passes the caps now */
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 1);
	assert_int_equal(errs.n, 2);
	errlist_free(&errs);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-05", "e.csv", good,
					      strlen(good), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表已审定，不能再改动；发现错误请做更正");
	errlist_free(&errs);
	const char *unknown = "household,item,date,extra\nH1,HJ01,2024-06-03,1\n";
	assert_int_equal(sheet_import_entries(f->d, &f->who, f->v, "2024-06", "e.csv", unknown,
					      strlen(unknown), 0, &rep, &errs), 1);
	assert_string_equal(errs.msg[0], "e.csv:1: extra: 未知的列");
	errlist_free(&errs);
}

/* ledger-280: submit, return, approve; the ledger equals the sheet. */
static void ledger_280_workflow(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 1);
	assert_string_equal(errs.msg[0], "2024-05 还没有积分表");
	errlist_free(&errs);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H1", "YF04", "2024-05-04", 2, NULL);
	add_ok(f, f->v, "H2", "PA04", "2024-05-05", 1, "救起落水儿童");
	add_ok(f, f->v, "H3", "CW01", "2024-05-06", 3, NULL);
	struct approval_input in = {.meeting_date = "2024-06-03", .attendees = "书记、主任、委员",
				    .resolution = "同意5月积分"};
	struct approval *ap;
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表草稿，须先由评分小组提交");
	errlist_free(&errs);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "再核一遍", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	add_rejected(f, f->v, "H4", "HJ01", "2024-05-03", 1, NULL,
		     "2024-05 的积分表已提交待审定，不能再改动；需要修改请村两委先退回");
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(sheet_return(f->d, &f->who, f->v, "2024-05", "H3 次数需核实", &errs), 0);
	struct sheet *sh;
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sh->status, SHEET_RETURNED);
	assert_string_equal(sh->return_reason, "H3 次数需核实");
	assert_int_equal(sh->entry_count, 4);
	assert_int_equal(sh->points_plus, 5 + 50 + 6);
	assert_int_equal(sh->points_minus, -4);
	assert_int_equal(sh->households, 3);
	add_ok(f, f->v, "H4", "HJ01", "2024-05-03", 1, NULL);
	assert_int_equal(sheet_submit(f->d, &f->who, f->v, "2024-05", &errs), 0);
	in.meeting_date = "2024-04-30";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "会议日期 2024-04-30 早于 2024-05 月");
	errlist_free(&errs);
	in.meeting_date = "2024-06-03";
	in.attendees = "";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "参会人员不能为空");
	errlist_free(&errs);
	in.attendees = "书记、主任、委员";
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 0, &errs, &ap), 0);
	assert_int_equal(ap->entry_count, 5);
	assert_int_equal(ap->points_total, 5 + 50 - 4 + 6 + 5);
	assert_int_equal(ap->seq_first, 1);
	assert_int_equal(ap->seq_last, 5);
	assert_string_equal(ap->attendees, "书记、主任、委员");
	int64_t seq;
	char head[65];
	assert_int_equal(ledger_head(f->d, f->v->id, &seq, head), 0);
	assert_int_equal(seq, 5);
	assert_string_equal(head, ap->head_hash);
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), 1);
	assert_string_equal(errs.msg[0], "2024-05 的积分表已经审定过了");
	errlist_free(&errs);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-05", &sh), 0);
	assert_int_equal(sh->status, SHEET_APPROVED);
	struct entry *rows;
	int n;
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 1);
	errlist_free(&errs);

	assert_int_equal(balance_of(f, "H1"), 1);
	assert_int_equal(balance_of(f, "H2"), 50);
	assert_int_equal(balance_of(f, "H3"), 6);
	assert_int_equal(balance_of(f, "H4"), 5);
	assert_int_equal(balance_of(f, "H5"), 0);
	struct ledger_balance *b;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(n, 6); /* H1–H5 and H7 participate */
	assert_string_equal(b[0].code, "H1");
	assert_int_equal(b[0].balance, 1);
	assert_int_equal(b[0].year_points, 1);
	assert_int_equal(b[1].balance, 50);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2025, &b, &n), 0);
	assert_int_equal(b[1].year_points, 0);
	/* V2 sees nothing of it */
	assert_int_equal(sheet_get(f->d, f->a, f->w->id, "2024-05", &sh), 1);
	assert_int_equal(approval_get(f->d, f->a, f->w->id, 1, &ap), 1);
	verify_expect(f, 0, NULL);
	/* an empty sheet cannot be approved */
	add_ok(f, f->v, "H1", "HJ01", "2024-06-03", 1, NULL);
	assert_int_equal(sheet_get(f->d, f->a, f->v->id, "2024-06", &sh), 0);
	assert_int_equal(sheet_entries(f->d, f->a, f->v->id, sh->id, 0, &rows, &n), 0);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, rows[0].id, &errs), 0);
	assert_int_equal(approve(f, f->v, "2024-06", &errs), 1);
	assert_string_equal(errs.msg[0], "2024-06 的积分表没有积分记录");
	errlist_free(&errs);
}

/* ledger-290: a failure half-way through posting leaves nothing behind. */
static void ledger_290_approve_atomic(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	for (int i = 1; i <= 5; i++) {
		char hh[4];
		snprintf(hh, sizeof hh, "H%d", i);
		add_ok(f, f->v, hh, "CW01", "2024-05-03", 1, NULL);
	}
	if (f->t.pg) {
		assert_int_equal(db_exec(f->d, "CREATE FUNCTION fail_third() RETURNS trigger"
					       " LANGUAGE plpgsql AS $$BEGIN IF NEW.seq = 3 THEN"
					       " RAISE EXCEPTION 'injected failure'; END IF;"
					       " RETURN NEW; END$$"), 0);
		assert_int_equal(db_exec(f->d, "CREATE TRIGGER fail_third BEFORE INSERT ON ledger_entry"
					       " FOR EACH ROW EXECUTE FUNCTION fail_third()"), 0);
	} else
		assert_int_equal(db_exec(f->d, "CREATE TRIGGER fail_third BEFORE INSERT ON ledger_entry"
					       " WHEN NEW.seq = 3 BEGIN"
					       " SELECT RAISE(ABORT, 'injected failure'); END"), 0);
	errlist errs = {0};
	struct approval_input in = {.meeting_date = "2024-06-03", .attendees = "全体",
				    .resolution = "同意"};
	struct approval *ap;
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), -1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM approval"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household_balance"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household_year"), 0);
	assert_int_equal(query_int(f->d, "SELECT COALESCE(MAX(seq), 0) FROM ledger_head"), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM sheet WHERE status = 'draft'"), 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'sheet.approve'"),
			 0);
	verify_expect(f, 0, NULL);
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER fail_third ON ledger_entry"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER fail_third"), 0);
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-05", &in, 1, &errs, &ap), 0);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 5);
	assert_int_equal(query_int(f->d, "SELECT SUM(balance) FROM household_balance"), 10);
	verify_expect(f, 0, NULL);
}

/* ledger-300: corrections reverse part or all of an entry, never more. */
static void ledger_300_correction(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ02", "2024-05-03", 1, "经提醒未整治");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->w, "2024-05");
	int64_t e1 = query_int(f->d, "SELECT MIN(id) FROM ledger_entry WHERE item_code = 'HJ01'");
	int64_t e2 = query_int(f->d, "SELECT id FROM ledger_entry WHERE item_code = 'HJ02'");
	int64_t ew = query_int(f->d, "SELECT MAX(id) FROM ledger_entry WHERE item_code = 'HJ01'");
	errlist errs = {0};
	struct ledger_entry *c;
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 3, "部分不实", &errs, &c), 0);
	assert_int_equal(c->points, -3);
	assert_int_equal(c->correction_of, e1);
	assert_string_equal(c->kind, "correction");
	assert_int_equal(c->seq, 3);
	assert_int_equal(balance_of(f, "H1"), 2);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 3, "再减", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "台账第 1 条还剩 2 分可更正，不能更正 3 分");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 2, "全部不实", &errs, NULL), 0);
	assert_int_equal(balance_of(f, "H1"), 0);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e1, 1, "又减", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "台账第 1 条已经全部更正");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, c->id, 1, "更正的更正", &errs,
					NULL), 1);
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, ew, 1, "别村的", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "本村台账没有第 3 条");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 4, "", &errs, NULL), 1);
	assert_string_equal(errs.msg[0], "更正原因不能为空");
	errlist_free(&errs);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 0, "零", &errs, NULL), 1);
	errlist_free(&errs);
	/* a deduction is corrected upwards */
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, e2, 4, "已部分整改", &errs, &c), 0);
	assert_int_equal(c->points, 4);
	assert_int_equal(balance_of(f, "H2"), -6);
	struct ledger_entry *e;
	assert_int_equal(ledger_entry_get(f->d, f->a, f->v->id, e2, &e), 0);
	assert_int_equal(e->corrected, 4);
	assert_string_equal(e->item_name, "乱堆垃圾经提醒不整治");
	assert_string_equal(e->meeting_date, "2024-12-05");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM audit WHERE action = 'ledger.correct'"),
			 3);
	verify_expect(f, 0, NULL);
}

/* ledger-310: a veto item marks the household's year; reversing it in full
** lifts the mark. */
static void ledger_310_veto(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "ZF04", "2024-05-03", 1, "违法搭建");
	add_ok(f, f->v, "H2", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	struct ledger_balance *b;
	int n;
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 1);
	assert_int_equal(b[0].balance, -30);
	assert_int_equal(b[1].veto, 0);
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, "H1"), "2024-06-01",
						  &s), 0);
	assert_int_equal(s.veto, 1);
	assert_int_equal(s.quarter_points, -30);
	assert_int_equal(ledger_household_summary(f->d, f->v->id, hid(f, f->v, "H1"), "2025-06-01",
						  &s), 0);
	assert_int_equal(s.veto, 0);
	int64_t id = query_int(f->d, "SELECT id FROM ledger_entry WHERE item_code = 'ZF04'");
	errlist errs = {0};
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 10, "部分", &errs, NULL), 0);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 1);
	verify_expect(f, 0, NULL);
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, id, 20, "误记", &errs, NULL), 0);
	assert_int_equal(ledger_balances(f->d, f->a, f->v->id, 2024, &b, &n), 0);
	assert_int_equal(b[0].veto, 0);
	assert_int_equal(b[0].balance, 0);
	verify_expect(f, 0, NULL);
	/* a stored veto mark that the entries do not give is caught */
	db_stmt *st = db_prepare(f->d, "UPDATE household_year SET veto = 1 WHERE household_id = $h");
	assert_int_equal(db_bind_int(st, "$h", hid(f, f->v, "H2")), 0);
	assert_int_equal(db_step(st), DB_DONE);
	verify_expect(f, 1, "农户 H2（村 V1）2024 年一票否决标记为 1，台账应为 0");
}

/* Drop the append-only triggers of ledger_entry (a tamperer's first step). */
static void drop_ledger_triggers(struct fixture *f)
{
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_entry_no_update_delete"
					       " ON ledger_entry"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_entry_no_update"), 0);
}

/* ledger-320: the database refuses changes; verify finds a changed value. */
static void ledger_320_tamper(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ03", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H3", "HJ04", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->w, "2024-05");
	verify_expect(f, 0, NULL);
	db_stmt *s = db_prepare(f->d, "UPDATE ledger_entry SET points = 50 WHERE seq = 2");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	s = db_prepare(f->d, "DELETE FROM ledger_entry WHERE seq = 2");
	assert_int_equal(db_step(s), DB_CONSTRAINT);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 4);

	drop_ledger_triggers(f);
	int64_t id = query_int(f->d, "SELECT le.id FROM ledger_entry le JOIN village v"
				     " ON v.id = le.village_id WHERE v.code = 'V1' AND le.seq = 2");
	s = db_prepare(f->d, "UPDATE ledger_entry SET note = '改过' WHERE id = $id");
	assert_int_equal(db_bind_int(s, "$id", id), 0);
	assert_int_equal(db_step(s), DB_DONE);
	char want[128];
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 2）哈希不符", (long long)id);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->w->id, &errs, NULL), 0);
}

/* Step sql (a literal) with $x bound to x; the step must give want. */
static void step_x(struct fixture *f, const char *sql, int64_t x, int want)
{
	db_stmt *s = db_prepare(f->d, sql);
	if (!s || db_bind_int(s, "$x", x))
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	int got = db_step(s);
	if (got != want)
		fail_msg("%s: step %d, want %d: %s", sql, got, want, db_errmsg(f->d));
	db_reset(s);
}

/* The id of the one ledger entry of household h. */
static int64_t entry_of(struct fixture *f, int64_t h)
{
	db_stmt *s = db_prepare(f->d, "SELECT id FROM ledger_entry WHERE household_id = $h");
	if (!s || db_bind_int(s, "$h", h) || db_step(s) != DB_ROW)
		fail_msg("no ledger entry of household %lld: %s", (long long)h, db_errmsg(f->d));
	int64_t id = db_column_int(s, 0);
	db_reset(s);
	return id;
}

/* ledger-325: households and villages are never deleted (triggers, both
** backends), ledger_entry has no foreign key to either on PostgreSQL
** (schema 006), and verify names what only direct access to the database
** can do: an entry whose household is in another village, entries of a
** village that does not exist, an entry whose household is gone. */
static void ledger_325_orphans(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H2", "HJ03", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	verify_expect(f, 0, NULL);
	int64_t h1 = hid(f, f->v, "H1"), h2 = hid(f, f->v, "H2"), h6 = hid(f, f->v, "H6");
	char want[256];

	/* ledger-325a: refused by the database itself, whatever refers to the
	** row (H6 has nothing anywhere) */
	step_x(f, "DELETE FROM household WHERE id = $x", h6, DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->d), "household rows are never deleted"));
	step_x(f, "DELETE FROM village WHERE id = $x", f->w->id, DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->d), "village rows are never deleted"));
	if (f->t.pg) {
		assert_int_equal(db_exec(f->d, "TRUNCATE household CASCADE"), -1);
		assert_int_equal(db_exec(f->d, "TRUNCATE village CASCADE"), -1);
		/* only correction_of's key to ledger_entry itself is left */
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid = 'ledger_entry'::regclass"
						 " AND contype = 'f' AND confrelid <> conrelid"),
				 0);
	}
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM household"), 16);

	/* ledger-325b: H1 moved to V2 (nothing in jifen does that) */
	step_x(f, "UPDATE household SET code = 'H1x',"
		  " village_id = (SELECT id FROM village WHERE code = 'V2') WHERE id = $x", h1,
	       DB_DONE);
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 1）的农户 H1x（编号 %lld）"
		 "属于村 V2，不是本村的农户", (long long)entry_of(f, h1), (long long)h1);
	verify_expect(f, 1, want);
	step_x(f, "UPDATE household SET code = 'H1',"
		  " village_id = (SELECT id FROM village WHERE code = 'V1') WHERE id = $x", h1,
	       DB_DONE);
	verify_expect(f, 0, NULL);

	/* SQLite keeps ledger_entry's foreign keys: switched off there to tamper */
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = OFF"), 0);

	/* ledger-325c: an entry of a village that does not exist is on no
	** village's chain, but verify of every village finds it */
	db_stmt *s = db_prepare(f->d,
		"INSERT INTO ledger_entry(village_id, seq, household_id, kind, month, date,"
		" quantity, points, recorded_by, posted_at, prev_hash, hash)"
		" VALUES(999, 1, $x, 'adjust', '2024-05', '2024-05-03', 0, 100, 'x', 0, '', '')"
		" RETURNING id");
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, "$x", h1), 0);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t stray = db_column_int(s, 0);
	db_reset(s);
	snprintf(want, sizeof want, "积分台账第 %lld 条起有村编号 999 的记录，但没有这个村",
		 (long long)stray);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->v->id, &errs, NULL), 0);

	/* ledger-325d: H2 deleted, its trigger dropped first, with its rows
	** that still have foreign keys */
	assert_int_equal(db_exec(f->d, f->t.pg ? "DROP TRIGGER household_no_delete ON household"
					     : "DROP TRIGGER household_no_delete"), 0);
	step_x(f, "DELETE FROM household_year WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM household_balance WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM entry WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "DELETE FROM household WHERE id = $x", h2, DB_DONE);
	assert_int_equal(db_changes(f->d), 1);
	snprintf(want, sizeof want, "积分台账第 %lld 条（村 V1，序号 2）的农户（编号 %lld）不存在",
		 (long long)entry_of(f, h2), (long long)h2);
	verify_expect(f, 1, want);
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = ON"), 0);
}

/* Step sql (a literal) with $h and $v bound; it must be done. */
static void step_hv(struct fixture *f, const char *sql, int64_t h, int64_t v)
{
	db_stmt *s = db_prepare(f->d, sql);
	if (!s || db_bind_int(s, "$h", h) || db_bind_int(s, "$v", v) || db_step(s) != DB_DONE)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
}

/* ledger-327: household_balance and household_year have no foreign keys
** to household and village on PostgreSQL (schema 008), and verify names
** what only direct access to the database can do: a balance or yearly row
** of a household of another village, of a household that does not exist,
** of a village that does not exist — each with zero points, which no sum
** of entries would give away. */
static void ledger_327_orphan_totals(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	verify_expect(f, 0, NULL);
	int64_t h6 = hid(f, f->v, "H6");
	char want[256];
	if (f->t.pg)
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid IN ('household_balance'::regclass,"
						 " 'household_year'::regclass) AND contype = 'f'"),
				 0);
	else /* SQLite keeps them: switched off there to tamper */
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = OFF"), 0);

	/* ledger-327a: V2 holds a balance of V1's H6 */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", h6, f->w->id);
	snprintf(want, sizeof want, "村 V2 的积分余额的农户 H6（编号 %lld）属于村 V1，不是本村的农户",
		 (long long)h6);
	verify_expect(f, 1, want);
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v", h6,
		f->w->id);
	verify_expect(f, 0, NULL);

	/* ledger-327b: a balance of a household that does not exist */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", 99999, f->v->id);
	verify_expect(f, 1, "村 V1 的积分余额的农户（编号 99999）不存在");
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v",
		99999, f->v->id);

	/* ledger-327c: a yearly row of one */
	step_hv(f, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
		   " VALUES($h, 2024, $v, 0, 0)", 99999, f->v->id);
	verify_expect(f, 1, "村 V1 的 2024 年积分的农户（编号 99999）不存在");
	step_hv(f, "DELETE FROM household_year WHERE household_id = $h AND village_id = $v", 99999,
		f->v->id);
	verify_expect(f, 0, NULL);

	/* ledger-327d: rows of a village that does not exist are read by no
	** village's check, but verify of every village finds them */
	step_hv(f, "INSERT INTO household_balance(household_id, village_id, balance)"
		   " VALUES($h, $v, 0)", h6, 999);
	snprintf(want, sizeof want, "农户（编号 %lld）有村编号 999 的积分余额，但没有这个村",
		 (long long)h6);
	verify_expect(f, 1, want);
	errlist errs = {0};
	assert_int_equal(ledger_verify(f->d, f->a, f->v->id, &errs, NULL), 0);
	step_hv(f, "DELETE FROM household_balance WHERE household_id = $h AND village_id = $v", h6,
		999);
	step_hv(f, "INSERT INTO household_year(household_id, year, village_id, points, veto)"
		   " VALUES($h, 2024, $v, 0, 0)", h6, 999);
	snprintf(want, sizeof want, "农户（编号 %lld）有村编号 999 的年度积分，但没有这个村",
		 (long long)h6);
	verify_expect(f, 1, want);
	step_hv(f, "DELETE FROM household_year WHERE household_id = $h AND village_id = $v", h6,
		999);
	verify_expect(f, 0, NULL);
	if (!f->t.pg)
		assert_int_equal(db_exec(f->d, "PRAGMA foreign_keys = ON"), 0);
}

/* ledger-326: a database that recorded a later migration but not 006
** (migrations written in parallel can land out of order) gets 006 at its
** next migrate: the no-delete triggers, and on PostgreSQL no foreign keys
** from ledger_entry to household and village. */
static void ledger_326_missed_migration(void **state)
{
	struct fixture *f = F(state);
	static const char *const undo_pg[] = {
		"DROP TRIGGER household_no_delete ON household",
		"DROP TRIGGER household_no_truncate ON household",
		"DROP TRIGGER village_no_delete ON village",
		"DROP TRIGGER village_no_truncate ON village",
		"ALTER TABLE ledger_entry ADD FOREIGN KEY (household_id) REFERENCES household(id),"
		" ADD FOREIGN KEY (village_id) REFERENCES village(id)",
	};
	static const char *const undo_sqlite[] = {"DROP TRIGGER household_no_delete",
						  "DROP TRIGGER village_no_delete"};
	const char *const *undo = f->t.pg ? undo_pg : undo_sqlite;
	size_t n = f->t.pg ? sizeof undo_pg / sizeof *undo_pg
			 : sizeof undo_sqlite / sizeof *undo_sqlite;
	for (size_t i = 0; i < n; i++)
		if (db_exec(f->d, undo[i]))
			fail_msg("%s: %s", undo[i], db_errmsg(f->d));
	assert_int_equal(db_exec(f->d, "DELETE FROM schema_version WHERE version = 6"), 0);
	assert_true(query_int(f->d, "SELECT MAX(version) FROM schema_version") > 6);

	int version;
	char err[512];
	if (db_migrate(f->d, &version, err, sizeof err))
		fail_msg("migrate: %s", err);
	assert_true(version > 6);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM schema_version"
					 " WHERE version = 6"),
			 1);
	step_x(f, "DELETE FROM household WHERE id = $x", hid(f, f->v, "H6"), DB_CONSTRAINT);
	step_x(f, "DELETE FROM village WHERE id = $x", f->w->id, DB_CONSTRAINT);
	if (f->t.pg)
		assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM pg_constraint"
						 " WHERE conrelid = 'ledger_entry'::regclass"
						 " AND contype = 'f' AND confrelid <> conrelid"),
				 0);
}

/* ledger-330: a stored balance that is not the sum of the entries. */
static void ledger_330_tamper_balance(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	assert_int_equal(db_exec(f->d, "UPDATE household_balance SET balance = balance + 100"), 0);
	verify_expect(f, 1, "农户 H1（村 V1）积分余额 105 与台账合计 5 不符");
	assert_int_equal(db_exec(f->d, "UPDATE household_balance SET balance = balance - 100"), 0);
	verify_expect(f, 0, NULL);
	assert_int_equal(db_exec(f->d, "UPDATE household_year SET points = 7"), 0);
	verify_expect(f, 1, "农户 H1（村 V1）2024 年积分 7 与台账合计 5 不符");
	assert_int_equal(db_exec(f->d, "UPDATE household_year SET points = 5"), 0);
	/* rewriting an entry and its hash breaks the link to the next one */
	add_ok(f, f->v, "H2", "HJ01", "2024-06-03", 1, NULL);
	approve_ok(f, f->v, "2024-06");
	drop_ledger_triggers(f);
	assert_int_equal(db_exec(f->d, "UPDATE ledger_entry SET hash = prev_hash WHERE seq = 1"), 0);
	verify_expect(f, 1, "积分台账第 1 条（村 V1，序号 1）哈希不符");
}

/* ledger-340: declarations: accepted into the sheet, declined with a reason. */
static void ledger_340_declarations(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	errlist errs = {0};
	int64_t d1, d2, eid;
	int64_t h1 = hid(f, f->v, "H1");
	char today[11];
	date_today(today);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "YF06", today, "帮邻居收稻",
					    NULL, &errs, &d1), 0);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "", today, "打扫村道", NULL,
					    &errs, &d2), 0);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, hid(f, f->v, "H6"), "", today, "x",
					    NULL, &errs, &d2), 1);
	errlist_free(&errs);
	assert_int_equal(declaration_create(f->d, &f->who, f->v, h1, "", "2020-01-01", "很早", NULL,
					    &errs, &d2), 1);
	assert_string_equal(errs.msg[0], "只能申报 90 天内的事");
	errlist_free(&errs);
	struct declaration *rows;
	int n;
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, 0, DECL_PENDING, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(declaration_list(f->d, f->a, f->w->id, 0, -1, &rows, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(declaration_accept(f->d, &f->who, f->v, d1, NULL, &errs, &eid), 0);
	assert_int_equal(declaration_accept(f->d, &f->who, f->v, d1, NULL, &errs, &eid), 1);
	assert_string_equal(errs.msg[0], "这条申报已经已采纳");
	errlist_free(&errs);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_ACCEPTED, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].entry_id, eid);
	assert_int_equal(entry_remove(f->d, &f->who, f->v, eid, &errs), 0);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_PENDING, &rows, &n), 0);
	assert_int_equal(n, 2);
	int64_t d2id = rows[0].id == d1 ? rows[1].id : rows[0].id;
	assert_int_equal(declaration_decline(f->d, &f->who, f->v, d2id, "", &errs), 1);
	errlist_free(&errs);
	assert_int_equal(declaration_decline(f->d, &f->who, f->v, d2id, "属于日常义务", &errs), 0);
	assert_int_equal(declaration_list(f->d, f->a, f->v->id, h1, DECL_DECLINED, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].decline_reason, "属于日常义务");
	assert_string_equal(declaration_status_label(rows[0].status), "未采纳");
}

/* ledger-350: the passbook reads: newest first, paged, with display fields. */
static void ledger_350_passbook_reads(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-04-03", 1, NULL);
	add_ok(f, f->v, "H1", "HJ03", "2024-05-03", 1, NULL);
	add_ok(f, f->v, "H1", "CW01", "2024-06-03", 2, NULL);
	approve_ok(f, f->v, "2024-04");
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->v, "2024-06");
	struct ledger_entry *rows;
	int n;
	int64_t total;
	int64_t h1 = hid(f, f->v, "H1");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->v->id, h1, 0, 2, &rows, &n, &total),
			 0);
	assert_int_equal(total, 3);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].date, "2024-06-03");
	assert_string_equal(rows[0].item_name, "参加村民大会或村民代表会议");
	assert_string_equal(rows[0].household_code, "H1");
	assert_int_equal(rows[0].points, 4);
	assert_string_equal(rows[1].month, "2024-05");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->v->id, h1, 2, 2, &rows, &n, &total),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].item_code, "HJ01");
	assert_int_equal(ledger_household_entries(f->d, f->a, f->w->id, h1, 0, 10, &rows, &n, &total),
			 0);
	assert_int_equal(total, 0);
	struct ledger_summary s;
	assert_int_equal(ledger_household_summary(f->d, f->v->id, h1, "2024-06-30", &s), 0);
	assert_int_equal(s.balance, 14);
	assert_int_equal(s.year_points, 14);
	assert_int_equal(s.quarter_points, 14);
	assert_int_equal(s.entries, 3);
	assert_int_equal(ledger_household_summary(f->d, f->v->id, h1, "2024-07-01", &s), 0);
	assert_int_equal(s.quarter_points, 0);
	assert_int_equal(s.year_points, 14);
	struct sheet *sheets;
	assert_int_equal(sheet_list(f->d, f->a, f->v->id, &sheets, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(sheets[0].month, "2024-06");
	assert_int_equal(sheets[0].status, SHEET_APPROVED);
	struct sheet_total *t;
	assert_int_equal(sheet_totals(f->d, f->a, f->v->id, sheets[0].id, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].points, 4);
}

/* ledger-900: approve one big sheet and print how long it took (not
** asserted: the benchmark issue measures properly).  N households × M
** entries of items without caps. */
static void ledger_900_bench(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	int households = 1000, per = f->t.pg ? 20 : 100;
	buf csv = {0};
	buf_puts(&csv, "户编号,户主姓名,本地户籍,宅基地房屋,常住,参与日期\n");
	for (int i = 0; i < households; i++)
		buf_printf(&csv, "B%04d,户主%d,是,是,是,2024-01-01\n", i, i);
	struct import_report rep = {0};
	errlist errs = {0};
	assert_int_equal(household_import(f->d, &f->who, f->v, "b.csv", csv.p, csv.len, 0, &rep,
					  &errs), 0);
	import_report_free(&rep);
	static const char *const items[] = {"CW01", "PA03", "YF01", "YF02", "YF03", "YF05", "YF06",
					    "HJ05", "CW05"};
	csv.len = 0;
	buf_puts(&csv, "household,item,date\n");
	for (int i = 0; i < households; i++)
		for (int k = 0; k < per; k++)
			buf_printf(&csv, "B%04d,%s,2024-05-%02d\n", i, items[k % 9], 1 + k % 28);
	struct entry_import_report er;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sheet_import_entries(f->d, &f->who, f->v, "2024-05", "big.csv", csv.p, csv.len, 0, &er,
				 &errs))
		fail_msg("import: %s %s", errs.n ? errs.msg[0] : "", db_errmsg(f->d));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	approve_ok(f, f->v, "2024-05");
	clock_gettime(CLOCK_MONOTONIC, &t2);
	double ti = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double ta = (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9;
	int total = households * per;
	fprintf(stderr, "[ BENCH    ] %s: import %d entries %.3f s; approve %.3f s (%.0f entries/s)\n",
		f->t.pg ? "postgresql" : "sqlite", total, ti, ta, total / ta);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), total);
	struct timespec v0, v1;
	clock_gettime(CLOCK_MONOTONIC, &v0);
	verify_expect(f, 0, NULL);
	clock_gettime(CLOCK_MONOTONIC, &v1);
	fprintf(stderr, "[ BENCH    ] verify %d entries %.3f s\n", total,
		(double)(v1.tv_sec - v0.tv_sec) + (double)(v1.tv_nsec - v0.tv_nsec) / 1e9);
	buf_free(&csv);
}

#define DBCASES(setup)                                                               \
	cmocka_unit_test_setup_teardown(ledger_200_template, setup, teardown),         \
	cmocka_unit_test_setup_teardown(ledger_210_adopt_rules, setup, teardown),      \
	cmocka_unit_test_setup_teardown(ledger_220_version_by_date, setup, teardown),  \
	cmocka_unit_test_setup_teardown(ledger_225_cap_mid_month, setup, teardown),    \
	cmocka_unit_test_setup_teardown(ledger_230_eligibility, setup, teardown),      \
	cmocka_unit_test_setup_teardown(ledger_240_evidence, setup, teardown),         \
	cmocka_unit_test_setup_teardown(ledger_250_cap_month, setup, teardown),        \
	cmocka_unit_test_setup_teardown(ledger_260_cap_year, setup, teardown),         \
	cmocka_unit_test_setup_teardown(ledger_270_import, setup, teardown),           \
	cmocka_unit_test_setup_teardown(ledger_280_workflow, setup, teardown),         \
	cmocka_unit_test_setup_teardown(ledger_290_approve_atomic, setup, teardown),   \
	cmocka_unit_test_setup_teardown(ledger_300_correction, setup, teardown),       \
	cmocka_unit_test_setup_teardown(ledger_310_veto, setup, teardown),             \
	cmocka_unit_test_setup_teardown(ledger_320_tamper, setup, teardown),           \
	cmocka_unit_test_setup_teardown(ledger_325_orphans, setup, teardown),          \
	cmocka_unit_test_setup_teardown(ledger_327_orphan_totals, setup, teardown),    \
	cmocka_unit_test_setup_teardown(ledger_326_missed_migration, setup, teardown), \
	cmocka_unit_test_setup_teardown(ledger_330_tamper_balance, setup, teardown),   \
	cmocka_unit_test_setup_teardown(ledger_340_declarations, setup, teardown),     \
	cmocka_unit_test_setup_teardown(ledger_350_passbook_reads, setup, teardown),   \
	cmocka_unit_test_setup_teardown(ledger_900_bench, setup, teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(ledger_100_hash_vector),
		cmocka_unit_test(ledger_110_standard_csv),
		cmocka_unit_test(ledger_120_diff),
	};
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("ledger/rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("ledger/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("ledger/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] ledger/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
