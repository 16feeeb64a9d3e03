/*
** test_req.c — unit tests of src/req.c, the request kit of every page and
** API handler: who is asking, and the path and query values with the
** 400/404 answer each helper gives itself (status and message checked),
** the village-scoped ledger entry (another village's is 404), parameter
** lookups that never take an uploaded file for a field, and the name of
** an upload as error lines show it; the openers of a village's ledger
** entry, of the town's ?year= and of the POSTs on a village's month.  On
** both backends where it reads the database.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include "reqfix.h"
#include "req.h"

static void add_query(struct req *r, const char *name, const char *value)
{
	struct param *p = arena_alloc(r->a, sizeof *p);
	memset(p, 0, sizeof *p);
	p->name = name;
	p->value = value;
	p->len = strlen(value);
	p->next = r->query;
	r->query = p;
}

/* r was answered with status and a body holding msg; then reset. */
static void answered(struct req *r, int status, const char *msg)
{
	assert_true(r->answered);
	assert_int_equal(r->status, status);
	if (!strstr(buf_cstr(&r->out), msg))
		fail_msg("answer %s lacks %s", buf_cstr(&r->out), msg);
	buf_free(&r->out);
	r->answered = 0;
	r->status = 0;
}

static void not_answered(struct req *r)
{
	assert_false(r->answered);
	assert_int_equal(r->out.len, 0);
}

/* req-100: the actor of audit rows is the logged-in user and address. */
static void req_100_actor(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	struct user u = {.id = 42, .login = "v1admin", .role = ROLE_VILLAGE_ADMIN};
	r->user = &u;
	struct actor who = req_actor(r);
	assert_int_equal(who.account_id, 42);
	assert_string_equal(who.login, "v1admin");
	assert_string_equal(who.ip, "");
	r->ip = "198.51.100.4";
	assert_string_equal(req_actor(r).ip, "198.51.100.4");
}

/* req-110: months: YYYY-MM, not in the future; anything else 404. */
static void req_110_month(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	assert_string_equal(req_month_or_404(r, "2024-05"), "2024-05");
	char today[11], this_month[8];
	date_today(today);
	snprintf(this_month, sizeof this_month, "%.7s", today);
	assert_string_equal(req_month_or_404(r, this_month), this_month);
	not_answered(r);
	static const char *const bad[] = {"2999-01", "2024-13", "2024-00", "2024-5", "2024-05-01",
					  "202405", "", "abcd-ef"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(req_month_or_404(r, bad[i]));
		answered(r, 404, "没有这个月份的积分表（格式 YYYY-MM，不能是将来的月份）。");
	}
	assert_null(req_month_or_404(r, NULL));
	answered(r, 404, "没有这个月份的积分表");
}

/* req-120: ids are positive decimals; the 404 carries the caller's text. */
static void req_120_id(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	assert_int_equal(req_id_or_404(r, "12", "没有这一户。"), 12);
	assert_int_equal(req_id_or_404(r, "007", "没有这一户。"), 7);
	not_answered(r);
	static const char *const bad[] = {"0", "-3", "+3", "1a", "", " 1", "1.0",
					  "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(req_id_or_404(r, bad[i], "没有这一户。"), 0);
		answered(r, 404, "\"error\":\"没有这一户。\"");
	}
	assert_int_equal(req_id_or_404(r, NULL, "没有这一户。"), 0);
	answered(r, 404, "没有这一户。");
}

/* One approved ledger entry in V1 (*mine) and one in V2 (*theirs). */
static void one_entry_each(struct fixture *f, int64_t *mine, int64_t *theirs)
{
	adopt_template(f);
	add_ok(f, f->v, "H1", "HJ01", "2024-05-03", 1, NULL);
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->v, "2024-05");
	approve_ok(f, f->w, "2024-05");
	*mine = query_int(f->d, "SELECT MIN(id) FROM ledger_entry");
	*theirs = query_int(f->d, "SELECT MAX(id) FROM ledger_entry");
}

/* req-130: a ledger entry by path segment, only the village's own. */
static void req_130_ledger_entry(void **state)
{
	struct fixture *f = F(state);
	int64_t mine, theirs;
	one_entry_each(f, &mine, &theirs);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)mine);
	struct ledger_entry *e = req_ledger_entry_or_404(r, f->v, s);
	assert_non_null(e);
	assert_int_equal(e->id, mine);
	assert_int_equal(e->village_id, f->v->id);
	assert_string_equal(e->item_code, "HJ01");
	not_answered(r);
	snprintf(s, sizeof s, "%lld", (long long)theirs);
	assert_null(req_ledger_entry_or_404(r, f->v, s));
	answered(r, 404, "本村台账没有这一条。");
	assert_non_null(req_ledger_entry_or_404(r, f->w, s));
	assert_null(req_ledger_entry_or_404(r, f->v, "x"));
	answered(r, 404, "本村台账没有这一条。");
	assert_null(req_ledger_entry_or_404(r, f->v, "999999"));
	answered(r, 404, "本村台账没有这一条。");
}

/* req-140: a public village by code: unknown or malformed codes 404. */
static void req_140_public_village(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	struct village *v = req_public_village_or_404(r, "V2");
	assert_non_null(v);
	assert_int_equal(v->id, f->w->id);
	not_answered(r);
	static const char *const bad[] = {"V9", "v1", "../V1", "", "V1'--"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(req_public_village_or_404(r, bad[i]));
		answered(r, 404, "找不到这个村。");
	}
	assert_null(req_public_village_or_404(r, NULL));
	answered(r, 404, "找不到这个村。");
}

/* req-150: integer query parameters: the default when absent or empty,
** a 400 naming the parameter and range (or the caller's message) when
** bad; the lenient form falls back to the default instead. */
static void req_150_query_int(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	assert_int_equal(req_query_int_or_400(r, "page", 1, 1, 100, NULL), 1);
	add_query(r, "empty", "");
	assert_int_equal(req_query_int_or_400(r, "empty", 5, 1, 100, NULL), 5);
	add_query(r, "page", "100");
	assert_int_equal(req_query_int_or_400(r, "page", 1, 1, 100, NULL), 100);
	add_query(r, "neg", "-2");
	assert_int_equal(req_query_int_or_400(r, "neg", 0, -5, 5, NULL), -2);
	not_answered(r);
	add_query(r, "big", "101");
	assert_int_equal(req_query_int_or_400(r, "big", 1, 1, 100, NULL), -1);
	answered(r, 400, "参数 big 应为 1–100 的整数。");
	add_query(r, "word", "ten");
	assert_int_equal(req_query_int_or_400(r, "word", 1, 1, 100, "每页条数不对。"), -1);
	answered(r, 400, "每页条数不对。");
	add_query(r, "sp", " 3");
	assert_int_equal(req_query_int_or_400(r, "sp", 1, 1, 100, NULL), -1);
	answered(r, 400, "参数 sp 应为 1–100 的整数。");

	assert_int_equal(req_query_int(r, "page", 7, 1, 100), 100);
	assert_int_equal(req_query_int(r, "big", 7, 1, 100), 7);
	assert_int_equal(req_query_int(r, "word", 7, 1, 100), 7);
	assert_int_equal(req_query_int(r, "absent", 7, 1, 100), 7);
	not_answered(r);
}

/* req-160: trimmed parameters; fields never answered by a file part of
** the same name; an empty file is no file. */
static void req_160_params(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	add_query(r, "q", "  张三 \t");
	assert_string_equal(req_query_trim(r, "q"), "张三");
	assert_string_equal(req_query(r, "q"), "  张三 \t"); /* the original untouched */
	assert_string_equal(req_query_trim(r, "none"), "");
	assert_null(req_query(r, "none"));

	struct param empty_file = {.name = "file", .value = "", .len = 0, .filename = "e.csv"};
	struct param file = {.name = "file", .value = "a,b\n", .len = 4, .filename = "h.csv",
				    .next = &empty_file};
	struct param field = {.name = "note", .value = " x ", .len = 3, .next = &file};
	r->form = &field;
	assert_null(req_form(r, "file"));
	assert_string_equal(req_form_trim(r, "note"), "x");
	const struct param *p = req_file(r, "file");
	assert_non_null(p);
	assert_string_equal(p->filename, "h.csv");
	file.len = 0;
	assert_null(req_file(r, "file"));
	assert_null(req_file(r, "note"));
}

/* req-170: an upload's name in error lines: its last path part (either
** slash), else "upload.csv" when empty, unprintable or over 100
** characters (Chinese characters count as one). */
static void req_170_upload_name(void **state)
{
	struct fixture *f = F(state);
	assert_string_equal(upload_name(f->a, "户.csv"), "户.csv");
	assert_string_equal(upload_name(f->a, "C:\\Users\\李\\户籍 2024.csv"), "户籍 2024.csv");
	assert_string_equal(upload_name(f->a, "/home/x/a.csv"), "a.csv");
	assert_string_equal(upload_name(f->a, "dir/"), "upload.csv");
	assert_string_equal(upload_name(f->a, ""), "upload.csv");
	assert_string_equal(upload_name(f->a, NULL), "upload.csv");
	assert_string_equal(upload_name(f->a, "a\nb.csv"), "upload.csv");
	assert_string_equal(upload_name(f->a, "a\x7f" "b.csv"), "upload.csv");
	char name[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(name, "户");
	assert_string_equal(upload_name(f->a, name), name);
	strcat(name, "x");
	assert_string_equal(upload_name(f->a, name), "upload.csv");
}

/* req-180: the opener of /v/CODE/ledger/ID: the village of the path,
** then only its own entry; an unknown village 404s before any entry is
** read. */
static void req_180_village_ledger_entry(void **state)
{
	struct fixture *f = F(state);
	int64_t mine, theirs;
	one_entry_each(f, &mine, &theirs);
	struct req *r = reqfix_new(f->a, f->d, "POST", 1);
	struct user u = {.id = 42, .login = "v1admin", .role = ROLE_VILLAGE_ADMIN,
			 .village_id = f->v->id};
	r->user = &u;
	r->arg[0] = "V1";
	r->arg[1] = arena_printf(f->a, "%lld", (long long)mine);
	struct village *v = NULL;
	struct ledger_entry *e = req_village_ledger_entry_or_404(r, &v);
	assert_non_null(e);
	assert_int_equal(e->id, mine);
	assert_non_null(v);
	assert_int_equal(v->id, f->v->id);
	not_answered(r);
	r->arg[1] = arena_printf(f->a, "%lld", (long long)theirs);
	assert_null(req_village_ledger_entry_or_404(r, &v));
	answered(r, 404, "本村台账没有这一条。");
	r->arg[0] = "V9";
	r->arg[1] = arena_printf(f->a, "%lld", (long long)mine);
	assert_null(req_village_ledger_entry_or_404(r, &v));
	assert_null(v);
	answered(r, 404, "找不到这个村。");
}

/* req-190: the ?year= of the town's pages: this year when absent or
** empty, 1900–2199, else 0 and one 400 for page and API alike. */
static void req_190_town_year(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "GET", 1);
	char today[11];
	date_today(today);
	assert_int_equal(req_town_year_or_400(r), atoi(today));
	add_query(r, "year", "1900");
	assert_int_equal(req_town_year_or_400(r), 1900);
	not_answered(r);
	static const char *const bad[] = {"1899", "2200", "20x5", "-2024", " 2024"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r->query = NULL;
		add_query(r, "year", bad[i]);
		assert_int_equal(req_town_year_or_400(r), 0);
		answered(r, 400, "year 应为 1900–2199 的年份");
	}
	r->query = NULL;
	add_query(r, "year", "2199");
	assert_int_equal(req_town_year_or_400(r), 2199);
}

/* req-200: the opener of the POSTs on a village's month: the village and
** month of the path, the actor, an empty errlist; an unknown village or a
** bad month 404s with nothing else filled in but the empty list. */
static void req_200_month_action(void **state)
{
	struct fixture *f = F(state);
	struct req *r = reqfix_new(f->a, f->d, "POST", 1);
	struct user u = {.id = 42, .login = "v1admin", .role = ROLE_VILLAGE_ADMIN,
			 .village_id = f->v->id};
	r->user = &u;
	r->ip = "198.51.100.4";
	r->arg[0] = "V1";
	r->arg[1] = "2024-05";
	struct month_action a;
	assert_int_equal(req_month_action_or_404(r, &a), 0);
	not_answered(r);
	assert_int_equal(a.v->id, f->v->id);
	assert_string_equal(a.month, "2024-05");
	assert_int_equal(a.who.account_id, 42);
	assert_string_equal(a.who.login, "v1admin");
	assert_string_equal(a.who.ip, "198.51.100.4");
	assert_int_equal(a.errs.n, 0);
	r->arg[1] = "2999-01";
	assert_int_equal(req_month_action_or_404(r, &a), -1);
	answered(r, 404, "没有这个月份的积分表");
	assert_int_equal(a.errs.n, 0);
	r->arg[0] = "V9";
	r->arg[1] = "2024-05";
	assert_int_equal(req_month_action_or_404(r, &a), -1);
	answered(r, 404, "找不到这个村。");
	errlist_free(&a.errs);
}

#define DBCASES(setup)                                                                   \
	cmocka_unit_test_setup_teardown(req_100_actor, setup, teardown),                 \
	cmocka_unit_test_setup_teardown(req_110_month, setup, teardown),                 \
	cmocka_unit_test_setup_teardown(req_120_id, setup, teardown),                    \
	cmocka_unit_test_setup_teardown(req_130_ledger_entry, setup, teardown),          \
	cmocka_unit_test_setup_teardown(req_140_public_village, setup, teardown),        \
	cmocka_unit_test_setup_teardown(req_150_query_int, setup, teardown),             \
	cmocka_unit_test_setup_teardown(req_160_params, setup, teardown),                \
	cmocka_unit_test_setup_teardown(req_170_upload_name, setup, teardown),          \
	cmocka_unit_test_setup_teardown(req_180_village_ledger_entry, setup, teardown),  \
	cmocka_unit_test_setup_teardown(req_190_town_year, setup, teardown),             \
	cmocka_unit_test_setup_teardown(req_200_month_action, setup, teardown)

int main(void)
{
	LEDGERFIX_MAIN("req", (const struct CMUnitTest *)NULL, 0, DBCASES, setup_sqlite, setup_pg);
}
