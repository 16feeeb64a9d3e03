/*
** test_passbook_store.c — unit tests of src/passbook_store.c, every
** household's passbook kept as bytes: rendered inside the transaction that
** touched it (rolled back with it), one row per household set-wise for a
** village, served only when this build rendered it today and it is still
** valid, the card's URL put in at sending time, a household that left no
** longer stored, the lookups by card token, and `verify` finding a stale
** or tampered row.  A renderer of the test's own stands for
** page_passbook.c's (the store takes any), so each rule is seen alone.
** On both backends.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledgerfix.h"

#include <zlib.h>

#include "passbook.h"
#include "passbook_store.h"

/* What a lookup wants: the JSON or the page, identity, base for the URL. */
#define WANT(json, base) (&(struct passbook_want){(json), 0, (base)})

/* The gzip stream g inflated by zlib's own reader (trailer checked). */
static void gunzip_into(const buf *g, buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (Bytef *)g->p;
	z.avail_in = (uInt)g->len;
	int rc;
	do {
		z.next_out = (Bytef *)buf_space(out, 1024);
		z.avail_out = 1024;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len -= z.avail_out;
	} while (rc == Z_OK);
	assert_int_equal(rc, Z_STREAM_END);
	assert_int_equal(z.avail_in, 0);
	inflateEnd(&z);
}

static int generation;        /* part of every rendering: bumped, old rows are stale */
static int64_t valid_seconds = 3600;
static int64_t gone_household; /* the renderer says this one is not the village's */
static int renders;

static int fake_render(db *d, arena *a, int64_t village_id, int64_t household_id,
		       struct passbook_rendered *out)
{
	(void)d, (void)a;
	renders++;
	if (household_id == gone_household)
		return 1;
	buf_printf(&out->html, "<p>户 %lld 村 %lld 第 %d 次 <a href=\"\x01\">卡</a> \x01</p>",
		   (long long)household_id, (long long)village_id, generation);
	buf_printf(&out->json, "{\"household\":%lld,\"g\":%d}", (long long)household_id, generation);
	date_today(out->as_of);
	out->valid_until = now_unix() + valid_seconds;
	return 0;
}

static int setup_store_sqlite(void **state)
{
	generation = 0, valid_seconds = 3600, gone_household = 0, renders = 0;
	passbook_store_init(NULL); /* the fixture's imports store nothing */
	return setup_sqlite(state);
}

static int setup_store_pg(void **state)
{
	generation = 0, valid_seconds = 3600, gone_household = 0, renders = 0;
	passbook_store_init(NULL);
	return setup_pg(state);
}

static int teardown_store(void **state)
{
	passbook_store_init(NULL);
	return teardown(state);
}

static int64_t stored_rows(struct fixture *f)
{
	return query_int(f->d, "SELECT COUNT(*) FROM passbook_store");
}

/* passbook_store-100: the ETag of a page rendered on the fly: "d-" and
** the 16 hex digits of hash64() of the bytes (not a SHA-256, which was a
** third of a page's cost), one per content. */
static void passbook_store_100_etag(void **state)
{
	(void)state;
	char e[24], want[24];
	passbook_store_etag("abc", 3, e);
	snprintf(want, sizeof want, "\"d-%016llx\"", (unsigned long long)hash64("abc", 3));
	assert_string_equal(e, want);
	assert_int_equal(strlen(e), 20);
	passbook_store_etag("abd", 3, want);
	assert_string_not_equal(e, want);
	passbook_store_etag("", 0, want);
	assert_string_not_equal(e, want);
}

/* passbook_store-110: a touch renders at commit, not before and not on
** rollback; the stored bytes come back with the URL put in. */
static void passbook_store_110_touch(void **state)
{
	struct fixture *f = F(state);
	passbook_store_init(fake_render);
	int64_t h1 = hid(f, f->v, "H1");
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(passbook_store_touch(f->d, h1), 0);
	assert_int_equal(passbook_store_touch(f->d, h1), 0); /* twice: rendered once */
	assert_int_equal(renders, 0);
	assert_int_equal(db_rollback(f->d), 0);
	assert_int_equal(renders, 0);
	assert_int_equal(stored_rows(f), 0);

	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(passbook_store_touch(f->d, h1), 0);
	assert_int_equal(passbook_store_touch(f->d, h1), 0);
	assert_int_equal(passbook_store_touch(f->d, 0), 0); /* no household: nothing */
	assert_int_equal(db_commit(f->d), 0);
	assert_int_equal(renders, 1);
	assert_int_equal(stored_rows(f), 1);

	buf page = {0}, js = {0};
	struct passbook_stored got;
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h1, WANT(0, "/p/TOKEN"), &page, &got), 0);
	char want[200];
	snprintf(want, sizeof want, "<p>户 %lld 村 %lld 第 0 次 <a href=\"/p/TOKEN\">卡</a> /p/TOKEN</p>",
		 (long long)h1, (long long)f->v->id);
	assert_string_equal(buf_cstr(&page), want);
	assert_int_equal(got.household_id, h1);
	assert_int_equal(got.village_id, f->v->id);
	assert_int_equal(strncmp(got.etag, "\"h-", 3), 0);
	char html_etag[sizeof got.etag];
	strcpy(html_etag, got.etag);
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h1, WANT(1, NULL), &js, &got), 0);
	snprintf(want, sizeof want, "{\"household\":%lld,\"g\":0}", (long long)h1);
	assert_string_equal(buf_cstr(&js), want);
	assert_int_equal(strncmp(got.etag, "\"j-", 3), 0);
	assert_string_equal(got.etag + 3, html_etag + 3); /* one hash, two letters */
	/* gzip-coded: the stored bytes as they are, the URL filled in; the
	** same page, and an ETag of its own */
	buf gz = {0}, un = {0};
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h1,
						     &(struct passbook_want){0, 1, "/p/TOKEN"},
						     &gz, &got), 0);
	assert_int_equal((unsigned char)gz.p[0], 0x1f);
	gunzip_into(&gz, &un);
	snprintf(want, sizeof want, "<p>户 %lld 村 %lld 第 0 次 <a href=\"/p/TOKEN\">卡</a> /p/TOKEN</p>",
		 (long long)h1, (long long)f->v->id);
	assert_string_equal(buf_cstr(&un), want);
	assert_int_equal(strlen(got.etag), strlen(html_etag) + 3);
	assert_memory_equal(got.etag, html_etag, strlen(html_etag) - 1);
	assert_string_equal(got.etag + strlen(html_etag) - 1, "-gz\"");
	buf_free(&gz);
	buf_free(&un);
	/* not through another village */
	assert_int_equal(passbook_store_by_household(f->d, f->w->id, h1, WANT(0, NULL), NULL, &got), 2);
	/* without a buffer: found, nothing copied */
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h1, WANT(0, NULL), NULL, &got), 0);
	buf_free(&page);
	buf_free(&js);
}

/* passbook_store-120: what may not be served: another build's markup,
** a passed validity, a forgotten (tombstone) or never stored row; a row
** rendered on an earlier day is still served while it is valid. */
static void passbook_store_120_unservable(void **state)
{
	struct fixture *f = F(state);
	passbook_store_init(fake_render);
	int64_t n = 0;
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(stored_rows(f), 8);
	int64_t h1 = hid(f, f->v, "H1"), h2 = hid(f, f->v, "H2"), h3 = hid(f, f->v, "H3"),
		h4 = hid(f, f->v, "H4");
	struct passbook_stored got;
	step_x(f, "UPDATE passbook_store SET render_id = 'old-build' WHERE household_id = $x", h1, DB_DONE);
	step_x(f, "UPDATE passbook_store SET as_of = '2000-01-01' WHERE household_id = $x", h2, DB_DONE);
	step_x(f, "UPDATE passbook_store SET valid_until = 1 WHERE household_id = $x", h3, DB_DONE);
	int64_t unservable[] = {h1, h3};
	for (size_t i = 0; i < 2; i++) {
		buf b = {0};
		assert_int_equal(passbook_store_by_household(f->d, f->v->id, unservable[i], WANT(0, "/p/x"), &b,
							     &got), 2);
		assert_int_equal(b.len, 0);
		assert_int_equal(got.household_id, unservable[i]); /* render this one */
	}
	/* the day it was rendered on is no reason: valid_until is */
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h2, WANT(0, NULL), NULL, &got), 0);
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h4, WANT(0, NULL), NULL, &got), 0);
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(passbook_store_forget(f->d, f->v->id, h4), 0);
	assert_int_equal(db_commit(f->d), 0);
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h4, WANT(0, NULL), NULL, &got), 2);
	assert_int_equal(stored_rows(f), 8); /* a tombstone, rendered after the commit */
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM passbook_store WHERE render_id = ''"), 1);
	int64_t rendered = 0;
	assert_int_equal(passbook_store_settle(f->d, -1, &rendered), 0);
	assert_true(rendered >= 1);
	assert_int_equal(passbook_store_by_household(f->d, f->v->id, h4, WANT(0, NULL), NULL, &got), 0);
	/* a village touch leaves tombstones at once and stores them all again,
	** fresh, once settled after the commit */
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(passbook_store_touch_village(f->d, f->v->id), 0);
	assert_int_equal(db_commit(f->d), 0);
	for (int64_t h = h1; h <= h4; h++)
		assert_int_equal(passbook_store_by_household(f->d, f->v->id, h, WANT(0, NULL), NULL, &got), 2);
	assert_int_equal(passbook_store_settle(f->d, -1, &rendered), 0);
	assert_int_equal(rendered, 8);
	for (int64_t h = h1; h <= h4; h++)
		assert_int_equal(passbook_store_by_household(f->d, f->v->id, h, WANT(0, NULL), NULL, &got), 0);
	assert_int_equal(stored_rows(f), 8);
}

/* passbook_store-130: a household the renderer no longer finds in its
** village loses its row; a household that left is not stored by a
** village's rendering. */
static void passbook_store_130_gone(void **state)
{
	struct fixture *f = F(state);
	passbook_store_init(fake_render);
	int64_t n;
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), 0);
	int64_t h5 = hid(f, f->v, "H5"), h6 = hid(f, f->v, "H6");
	gone_household = h5;
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(passbook_store_touch(f->d, h5), 0);
	assert_int_equal(db_commit(f->d), 0);
	assert_int_equal(stored_rows(f), 7);
	gone_household = 0;
	step_x(f, "UPDATE household SET left_on = '2024-06-01' WHERE id = $x", h6, DB_DONE);
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), 0);
	assert_int_equal(n, 7);
	db_stmt *s = db_prepare(f->d, "SELECT COUNT(*) FROM passbook_store WHERE household_id = $x");
	db_bind_int(s, "$x", h6);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int(s, 0), 0);
	db_reset(s);
}

/* passbook_store-140: the card token's lookup: a live token serves the
** row; a revoked, unknown or malformed one does not. */
static void passbook_store_140_token(void **state)
{
	struct fixture *f = F(state);
	int64_t h1 = hid(f, f->v, "H1");
	char token[2 * PASSBOOK_TOKEN_BYTES + 1];
	errlist errs = {0};
	assert_int_equal(passbook_token_issue(f->d, &f->who, f->v, h1, token, NULL, &errs), 0);
	struct passbook_stored got;
	/* good token, nothing stored yet: render it */
	assert_int_equal(passbook_store_by_token(f->d, token, WANT(0, NULL), NULL, &got), 2);
	assert_int_equal(got.household_id, h1);
	assert_int_equal(got.village_id, f->v->id);
	passbook_store_init(fake_render);
	int64_t n;
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), 0);
	buf b = {0};
	assert_int_equal(passbook_store_by_token(f->d, token, WANT(1, ""), &b, &got), 0);
	assert_non_null(strstr(buf_cstr(&b), "\"g\":0"));
	buf_free(&b);
	assert_int_equal(passbook_store_by_token(f->d, token, WANT(0, ""), &b, &got), 0);
	assert_null(strchr(buf_cstr(&b), '\x01')); /* base "" removes the marks */
	buf_free(&b);
	char other[2 * PASSBOOK_TOKEN_BYTES + 1];
	memset(other, 'a', sizeof other - 1);
	other[sizeof other - 1] = 0;
	assert_int_equal(passbook_store_by_token(f->d, other, WANT(0, NULL), NULL, &got), 1);
	assert_int_equal(passbook_store_by_token(f->d, "ABC", WANT(0, NULL), NULL, &got), 1);
	int64_t revoked;
	assert_int_equal(passbook_token_revoke(f->d, &f->who, f->v, h1, &revoked, &errs), 0);
	assert_int_equal(passbook_store_by_token(f->d, token, WANT(0, NULL), NULL, &got), 1);
}

/* passbook_store-150: verify renders every servable row again: none
** differ; a tampered row and a stale rendering are findings naming the
** household; rows that would not be served are not compared. */
static void passbook_store_150_verify(void **state)
{
	struct fixture *f = F(state);
	errlist errs = {0};
	int64_t checked = -1;
	assert_int_equal(passbook_store_verify(f->d, 0, &errs, &checked), 0); /* no renderer */
	assert_int_equal(checked, 0);
	passbook_store_init(fake_render);
	int64_t n;
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), 0);
	assert_int_equal(passbook_store_render_village(f->d, f->w->id, &n), 0);
	assert_int_equal(passbook_store_verify(f->d, 0, &errs, &checked), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(checked, 16);
	assert_int_equal(passbook_store_verify(f->d, f->w->id, &errs, &checked), 0);
	assert_int_equal(checked, 8);
	/* bytes that unpack, but not to the page: the JSON's */
	step_x(f, "UPDATE passbook_store SET html_z = json_z WHERE household_id = $x",
	       hid(f, f->v, "H2"), DB_DONE);
	step_x(f, "UPDATE passbook_store SET valid_until = 1 WHERE household_id = $x",
	       hid(f, f->v, "H3"), DB_DONE);
	assert_int_equal(passbook_store_verify(f->d, f->v->id, &errs, &checked), 0);
	assert_int_equal(checked, 7);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "农户 H2 存放的积分存折与账本重新计算的不一致（过期或被改动）");
	errlist_free(&errs);
	generation = 1; /* the ledger moved on without a touch */
	assert_int_equal(passbook_store_verify(f->d, f->w->id, &errs, &checked), 0);
	assert_int_equal(errs.n, 8);
	errlist_free(&errs);
	/* without a renderer a village cannot be rendered */
	passbook_store_init(NULL);
	assert_int_equal(passbook_store_render_village(f->d, f->v->id, &n), -1);
	assert_string_equal(db_errmsg(f->d), "积分存折的渲染器没有登记");
}

#define DBCASES(setup)                                                                    \
	cmocka_unit_test_setup_teardown(passbook_store_110_touch, setup, teardown_store),       \
	cmocka_unit_test_setup_teardown(passbook_store_120_unservable, setup, teardown_store),  \
	cmocka_unit_test_setup_teardown(passbook_store_130_gone, setup, teardown_store),        \
	cmocka_unit_test_setup_teardown(passbook_store_140_token, setup, teardown_store),       \
	cmocka_unit_test_setup_teardown(passbook_store_150_verify, setup, teardown_store)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(passbook_store_100_etag)};
	LEDGERFIX_MAIN("passbook_store", rules, 1, DBCASES, setup_store_sqlite, setup_store_pg);
}
