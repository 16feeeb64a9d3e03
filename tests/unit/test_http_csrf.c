/*
** test_http_csrf.c — unit tests of src/http_csrf.c, the CSRF token every
** POST must carry: once logged in the session's token; before login the
** jifen_pre cookie, which passes only when jifen issued it (its nonce's
** HMAC under the server secret) and the form or X-CSRF-Token header sends
** the same.  The file is included so that its three reads of the
** connection (a cookie, a request header, the Set-Cookie it adds) can be
** answered from the test: a request built by reqfix.h has no connection.
** No database.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "reqfix.h"

/* What the request under test "sent" and what http_csrf.c "set". */
static const char *sent_cookie; /* jifen_pre's value, NULL: none */
static const char *sent_header; /* X-CSRF-Token, NULL: none */
static const char *set_cookie;  /* the value http_pre_csrf() set, NULL: none */

static const char *fake_cookie_value(struct req *r, const char *name)
{
	(void)r;
	return !strcmp(name, "jifen_pre") ? sent_cookie : NULL;
}

static const char *fake_request_header(struct req *r, const char *name)
{
	(void)r;
	return !strcmp(name, "X-CSRF-Token") ? sent_header : NULL;
}

static void fake_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	assert_string_equal(name, "jifen_pre");
	assert_int_equal(max_age, 0); /* a session cookie: gone with the browser */
	set_cookie = arena_strdup(r->a, value);
}

#define http_cookie_value fake_cookie_value
#define http_request_header fake_request_header
#define http_cookie fake_cookie
#include "../../src/http_csrf.c"
#undef http_cookie_value
#undef http_request_header
#undef http_cookie

static const unsigned char KEY_A[32] = "the town's server secret, 32 by";
static const unsigned char KEY_B[32] = "another town's secret, 32 bytes";

static int setup(void **state)
{
	*state = arena_new();
	sent_cookie = sent_header = set_cookie = NULL;
	csrf_key_set(KEY_A);
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* A POST on arena a whose form carries csrf=token (NULL: no field). */
static struct req *post(arena *a, const char *token)
{
	struct req *r = reqfix_new(a, NULL, "POST", 0);
	if (token) {
		struct param *p = arena_alloc(a, sizeof *p);
		memset(p, 0, sizeof *p);
		p->name = "csrf";
		p->value = token;
		p->len = strlen(token);
		r->form = p;
	}
	return r;
}

/* A pre-login token issued now under the key in force. */
static const char *issued(arena *a)
{
	set_cookie = NULL;
	const char *t = http_pre_csrf(reqfix_new(a, NULL, "GET", 0));
	assert_non_null(set_cookie);
	assert_string_equal(t, set_cookie);
	set_cookie = NULL;
	return t;
}

/* t with the character at i changed to another hex digit, arena copy. */
static const char *altered(arena *a, const char *t, size_t i)
{
	char *s = arena_strdup(a, t);
	s[i] = s[i] == '0' ? '1' : '0';
	return s;
}

/* csrf-100: logged in, the session's token passes in the form or in the
** X-CSRF-Token header. */
static void csrf_100_session_token(void **state)
{
	arena *a = *state;
	struct user u = {.id = 7, .login = "v1admin", .csrf = "c0ffee1234567890"};
	struct req *r = post(a, "c0ffee1234567890");
	r->user = &u;
	assert_true(csrf_ok(r));
	r = post(a, NULL);
	r->user = &u;
	sent_header = "c0ffee1234567890";
	assert_true(csrf_ok(r));
}

/* csrf-110: logged in, no token, another token, a truncated or longer
** one, an empty one, or one altered in a character fails. */
static void csrf_110_session_token_wrong(void **state)
{
	arena *a = *state;
	struct user u = {.id = 7, .login = "v1admin", .csrf = "c0ffee1234567890"};
	const char *bad[] = {"0123456789abcdef", "c0ffee123456789", "c0ffee1234567890a", "",
			     altered(a, u.csrf, 15)};
	struct req *r = post(a, NULL);
	r->user = &u;
	assert_false(csrf_ok(r));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = post(a, bad[i]);
		r->user = &u;
		if (csrf_ok(r))
			fail_msg("session token %s passed for %s", bad[i], u.csrf);
	}
	/* a session whose token is empty (none read) takes no token at all */
	struct user blank = {.id = 8, .login = "x", .csrf = ""};
	r = post(a, "");
	r->user = &blank;
	assert_false(csrf_ok(r));
}

/* csrf-120: logged in, the pre-login cookie does not stand in for the
** session's token. */
static void csrf_120_session_ignores_pre_cookie(void **state)
{
	arena *a = *state;
	const char *t = issued(a);
	struct user u = {.id = 7, .login = "v1admin", .csrf = "c0ffee1234567890"};
	struct req *r = post(a, t);
	r->user = &u;
	sent_cookie = t;
	assert_false(csrf_ok(r));
}

/* csrf-200: before login, http_pre_csrf() issues a token of 128 lower-case
** hex characters as the jifen_pre cookie, and a POST that sends it back in
** the cookie and the form (or header) passes. */
static void csrf_200_pre_token_issued(void **state)
{
	arena *a = *state;
	const char *t = issued(a);
	assert_int_equal(strlen(t), 128);
	assert_int_equal(strspn(t, "0123456789abcdef"), 128);
	sent_cookie = t;
	assert_true(csrf_ok(post(a, t)));
	sent_header = t;
	assert_true(csrf_ok(post(a, NULL)));
	/* two tokens issued are not the same */
	sent_cookie = NULL;
	assert_string_not_equal(issued(a), t);
}

/* csrf-210: the cookie jifen issued is kept: http_pre_csrf() returns it
** and sets no new one. */
static void csrf_210_pre_token_kept(void **state)
{
	arena *a = *state;
	const char *t = issued(a);
	sent_cookie = t;
	assert_string_equal(http_pre_csrf(reqfix_new(a, NULL, "GET", 0)), t);
	assert_null(set_cookie);
}

/* csrf-220: before login, a token jifen did not issue fails even when the
** cookie and the form agree (a cookie planted by a sibling subdomain):
** one character, 128 hex characters of no MAC, a truncated, a longer, an
** upper-case or an altered (nonce or MAC) token; and http_pre_csrf()
** replaces such a cookie. */
static void csrf_220_pre_token_not_issued(void **state)
{
	arena *a = *state;
	const char *t = issued(a);
	char *upper = arena_strdup(a, t);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	const char *bad[] = {
		"x",
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000",
		arena_printf(a, "%.127s", t),
		arena_printf(a, "%.64s", t),
		arena_printf(a, "%s0", t),
		upper,
		altered(a, t, 0),
		altered(a, t, 63),
		altered(a, t, 64),
		altered(a, t, 127),
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		sent_cookie = bad[i];
		if (csrf_ok(post(a, bad[i])))
			fail_msg("pre-login token %s passed", bad[i]);
		set_cookie = NULL;
		const char *fresh = http_pre_csrf(reqfix_new(a, NULL, "GET", 0));
		assert_non_null(set_cookie);
		assert_string_not_equal(fresh, bad[i]);
	}
}

/* csrf-230: a token issued under another secret (another town, or this
** one's before its secret changed) fails. */
static void csrf_230_pre_token_other_secret(void **state)
{
	arena *a = *state;
	csrf_key_set(KEY_B);
	const char *t = issued(a);
	csrf_key_set(KEY_A);
	sent_cookie = t;
	assert_false(csrf_ok(post(a, t)));
	csrf_key_set(KEY_B);
	assert_true(csrf_ok(post(a, t)));
}

/* csrf-240: before login, an issued cookie is not enough: the form or
** header must send the same token, not another issued one, nor a part. */
static void csrf_240_pre_token_must_match(void **state)
{
	arena *a = *state;
	const char *t = issued(a), *u = issued(a);
	sent_cookie = t;
	assert_false(csrf_ok(post(a, NULL)));
	assert_false(csrf_ok(post(a, u)));
	assert_false(csrf_ok(post(a, arena_printf(a, "%.64s", t))));
	assert_false(csrf_ok(post(a, "")));
	sent_header = u;
	assert_false(csrf_ok(post(a, NULL)));
	/* a form sent without the cookie */
	sent_cookie = NULL;
	sent_header = NULL;
	assert_false(csrf_ok(post(a, t)));
}

/* csrf-250: a session's token once the session is gone (logged out or
** expired: no user on the request) is not a pre-login token. */
static void csrf_250_ended_session_token(void **state)
{
	arena *a = *state;
	const char *session = "5e55104000000000000000000000000000000000000000000000000000000000";
	sent_cookie = session;
	assert_false(csrf_ok(post(a, session)));
	sent_cookie = NULL;
	assert_false(csrf_ok(post(a, session)));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(csrf_100_session_token, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_110_session_token_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_120_session_ignores_pre_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_200_pre_token_issued, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_210_pre_token_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_220_pre_token_not_issued, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_230_pre_token_other_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_240_pre_token_must_match, setup, teardown),
		cmocka_unit_test_setup_teardown(csrf_250_ended_session_token, setup, teardown),
	};
	return cmocka_run_group_tests_name("http_csrf", tests, NULL, NULL);
}
