/*
** test_idem.c — unit tests of src/idem.c, idempotent retries: the key
** recorded in the transaction of a request's writes (so a write and its key
** commit or roll back together, and a second use of the key fails the
** commit), the answer kept after the handler (status, type, Location, a
** body only when it is small clean text), and the replay of a recorded key
** (the stored answer, or "already done" when the server stopped before it
** could keep it).  On both backends.  idem_key() reads the request's
** header through libmicrohttpd and is left to the HTTP tests
** (t_crash.py, t_shop_race.py).
*/
#include "unitfix.h"

#include "http.h"
#include "idem.h"
#include "reqfix.h"

/* A write and the key in one transaction; the commit's result. */
static int write_with_key(struct unitfix *f, struct idem *k, const char *name)
{
	assert_int_equal(db_begin_write(f->d), 0);
	db_stmt *s = db_prepare(f->d, "UPDATE village SET name = $n WHERE code = 'V1'");
	assert_non_null(s);
	db_bind_text(s, "$n", name);
	assert_int_equal(db_step(s), DB_DONE);
	db_on_commit(f->d, idem_record, k);
	int rc = db_commit(f->d);
	if (rc)
		db_rollback(f->d);
	return rc;
}

static int64_t keys(struct unitfix *f)
{
	return unitfix_int(f->d, "SELECT COUNT(*) FROM idempotency");
}

/* idem-100: the key commits with the write; its second use fails the
** commit, and that transaction's write is rolled back with it; another
** principal may use the same key. */
static void idem_100_record(void **state)
{
	struct unitfix *f = UF(state);
	struct idem k = {"a:7", "retry-1"};
	assert_int_equal(write_with_key(f, &k, "甲村"), 0);
	assert_true(db_commit_hook_ran(f->d));
	assert_int_equal(keys(f), 1);
	assert_int_equal(write_with_key(f, &k, "乙村"), -1);
	assert_non_null(strstr(db_errmsg(f->d), "Idempotency-Key 已经用过"));
	struct village *v = village_by_code(f->d, f->a, "V1");
	assert_string_equal(v->name, "甲村");
	struct idem other = {"h:7", "retry-1"};
	assert_int_equal(write_with_key(f, &other, "丙村"), 0);
	assert_int_equal(keys(f), 2);
}

/* idem-110: recording deletes keys older than a day, keeps younger. */
static void idem_110_expiry(void **state)
{
	struct unitfix *f = UF(state);
	db_stmt *s = db_prepare(f->d, "INSERT INTO idempotency(principal, idem_key, created_at)"
				     " VALUES('a:1', 'old', $old), ('a:1', 'young', $young)");
	assert_non_null(s);
	db_bind_int(s, "$old", now_unix() - 86400 - 10);
	db_bind_int(s, "$young", now_unix() - 86400 + 60);
	assert_int_equal(db_step(s), DB_DONE);
	struct idem k = {"a:1", "new"};
	assert_int_equal(write_with_key(f, &k, "一村"), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM idempotency WHERE idem_key = 'old'"), 0);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM idempotency WHERE idem_key = 'young'"), 1);
	/* the younger key is still in force; the expired one may be used again */
	struct idem young = {"a:1", "young"}, old = {"a:1", "old"};
	assert_int_equal(write_with_key(f, &young, "一村"), -1);
	assert_int_equal(write_with_key(f, &old, "一村"), 0);
}

/* idem-120: a key not recorded replays nothing; one whose answer was
** kept replays it: status, type, Location, body, and the marker header. */
static void idem_120_store_and_replay(void **state)
{
	struct unitfix *f = UF(state);
	struct idem k = {"a:3", "k-120"};
	struct req *r = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(r, &k), 0);
	assert_false(r->answered);
	assert_int_equal(write_with_key(f, &k, "一村"), 0);
	/* the handler's answer */
	http_header(r, "Location", "/api/villages/V1/entries/9");
	http_send(r, 201, "application/json", "{\"id\":9,\"name\":\"张三\"}", 24);
	idem_store(r, &k);
	buf_free(&r->out);

	struct req *again = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(again, &k), 1);
	assert_true(again->answered);
	assert_int_equal(again->status, 201);
	assert_string_equal(again->ctype, "application/json");
	assert_string_equal(buf_cstr(&again->out), "{\"id\":9,\"name\":\"张三\"}");
	assert_string_equal(reqfix_header(again, "Location"), "/api/villages/V1/entries/9");
	assert_string_equal(reqfix_header(again, "Idempotent-Replayed"), "true");
	buf_free(&again->out);

	/* another principal's same key is not this one */
	struct idem other = {"a:4", "k-120"};
	struct req *r3 = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(r3, &other), 0);
}

/* idem-130: committed but the answer never kept (status 0): the replay
** says it is done, as JSON on the API and as a page on the web. */
static void idem_130_lost_answer(void **state)
{
	struct unitfix *f = UF(state);
	struct idem k = {"a:5", "lost"};
	assert_int_equal(write_with_key(f, &k, "一村"), 0);
	struct req *r = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(r, &k), 1);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(buf_cstr(&r->out), "\"replayed\":true"));
	assert_non_null(strstr(buf_cstr(&r->out), "没有再次写入"));
	assert_string_equal(reqfix_header(r, "Idempotent-Replayed"), "true");
	buf_free(&r->out);
	struct req *w = reqfix_new(f->a, f->d, "POST", 0);
	assert_int_equal(idem_replay(w, &k), 1);
	assert_non_null(strstr(buf_cstr(&w->out), "没有再次写入"));
	assert_non_null(strstr(buf_cstr(&w->out), "<html"));
	buf_free(&w->out);
}

/* idem-140: a body that is too large (over 64 KiB) or not clean text is
** not kept (the status and redirect are); no Location is stored as none,
** and a missing type is kept as HTML's. */
static void idem_140_what_is_kept(void **state)
{
	struct unitfix *f = UF(state);
	struct idem big = {"a:6", "big"}, bin = {"a:6", "bin"}, redirect = {"a:6", "303"};
	assert_int_equal(write_with_key(f, &big, "一村"), 0);
	assert_int_equal(write_with_key(f, &bin, "一村"), 0);
	assert_int_equal(write_with_key(f, &redirect, "一村"), 0);

	struct req *r = reqfix_new(f->a, f->d, "POST", 1);
	char *large = arena_alloc(f->a, 70000);
	memset(large, 'x', 70000);
	http_send(r, 200, "text/csv", large, 70000);
	idem_store(r, &big);
	buf_free(&r->out);
	r = reqfix_new(f->a, f->d, "POST", 1);
	http_send(r, 200, "image/png", "\x89PNG\r\n\x1a\n\0\0", 10);
	idem_store(r, &bin);
	buf_free(&r->out);
	r = reqfix_new(f->a, f->d, "POST", 0);
	http_redirect(r, "/villages/V1/sheets/2024-05");
	r->ctype = NULL;
	idem_store(r, &redirect);
	buf_free(&r->out);

	struct req *a = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(a, &big), 1);
	assert_int_equal(a->status, 200);
	assert_string_equal(a->ctype, "text/csv");
	assert_int_equal(a->out.len, 0);
	assert_null(reqfix_header(a, "Location"));
	struct req *b = reqfix_new(f->a, f->d, "POST", 1);
	assert_int_equal(idem_replay(b, &bin), 1);
	assert_int_equal(b->out.len, 0);
	struct req *c = reqfix_new(f->a, f->d, "POST", 0);
	assert_int_equal(idem_replay(c, &redirect), 1);
	assert_int_equal(c->status, 303);
	assert_string_equal(c->ctype, "text/html; charset=utf-8");
	assert_string_equal(reqfix_header(c, "Location"), "/villages/V1/sheets/2024-05");
	buf_free(&a->out);
	buf_free(&b->out);
	buf_free(&c->out);
}

#define DBCASES(setup)                                                                   \
	cmocka_unit_test_setup_teardown(idem_100_record, setup, unitfix_teardown),           \
	cmocka_unit_test_setup_teardown(idem_110_expiry, setup, unitfix_teardown),           \
	cmocka_unit_test_setup_teardown(idem_120_store_and_replay, setup, unitfix_teardown), \
	cmocka_unit_test_setup_teardown(idem_130_lost_answer, setup, unitfix_teardown),      \
	cmocka_unit_test_setup_teardown(idem_140_what_is_kept, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("idem", (const struct CMUnitTest *)NULL, 0, on_sqlite, on_pg);
}
