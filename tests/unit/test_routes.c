/*
** test_routes.c — unit tests of src/routes.c, the list of route tables
** and the matching of a request: every row is well formed (method,
** pattern, handler, roles unless public, at most as many '*' as r->arg
** holds), no row is dead — each row's own path (its '*' segments filled
** in) finds that very row, so no earlier row shadows it — '*' captures one
** non-empty segment, HEAD is served as GET, and a path known under
** another method is told apart from an unknown one (405, not 404).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http.h"

static const char *find(arena *a, const char *method, const char *path, int *known,
			const struct route **rt, struct req *out)
{
	memset(out, 0, sizeof *out);
	out->a = a;
	out->method = method;
	out->path = path;
	*rt = route_find(out, known);
	return *rt ? (*rt)->pattern : NULL;
}

/* routes-100: every row well formed, and reachable through its own path. */
static void routes_100_tables(void **state)
{
	(void)state;
	arena *a = arena_new();
	int rows = 0;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++, rows++) {
			static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
			int ok = 0;
			for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
				ok |= !strcmp(rt->method, methods[i]);
			if (!ok)
				fail_msg("%s %s: method", rt->method, rt->pattern);
			assert_non_null(rt->fn);
			assert_true(rt->pattern[0] == '/');
			if (!(rt->flags & ROUTE_PUBLIC) && !rt->roles)
				fail_msg("%s %s: nobody may call it", rt->method, rt->pattern);
			/* the row's own path: each '*' a segment of its own */
			buf path = {0};
			int stars = 0;
			for (const char *p = rt->pattern; *p; p++) {
				if (*p == '*' && p[-1] == '/' && (p[1] == '/' || !p[1]))
					buf_printf(&path, "q%dz", ++stars);
				else
					buf_append(&path, p, 1);
			}
			assert_true(stars <= 6);
			int known;
			const struct route *got;
			struct req r;
			find(a, rt->method, buf_cstr(&path), &known, &got, &r);
			if (got != rt)
				fail_msg("%s %s is shadowed by %s %s", rt->method, rt->pattern,
					 got ? got->method : "-", got ? got->pattern : "-");
			for (int i = 0; i < stars; i++) {
				char want[16];
				snprintf(want, sizeof want, "q%dz", i + 1);
				assert_string_equal(r.arg[i], want);
			}
			buf_free(&path);
		}
	assert_true(rows > 50);
	arena_free(a);
}

/* routes-110: the matching's edges. */
static void routes_110_matching(void **state)
{
	(void)state;
	arena *a = arena_new();
	int known = -1;
	const struct route *rt;
	struct req r;
	/* a GET route answers HEAD */
	find(a, "GET", "/healthz", &known, &rt, &r);
	assert_non_null(rt);
	const struct route *head;
	find(a, "HEAD", "/healthz", &known, &head, &r);
	assert_ptr_equal(head, rt);
	/* unknown path: 404; known under another method: 405 */
	assert_null(find(a, "GET", "/no/such/page", &known, &rt, &r));
	assert_int_equal(known, 0);
	assert_null(find(a, "DELETE", "/healthz", &known, &rt, &r));
	assert_int_equal(known, 1);
	/* a '*' takes one non-empty segment, nothing more or less */
	const struct route *with_star = NULL;
	for (const struct route *const *t = route_tables; *t && !with_star; t++)
		for (const struct route *x = *t; x->method; x++)
			if (!strcmp(x->method, "GET") && !strcmp(x->pattern, "/v/*")) {
				with_star = x;
				break;
			}
	if (with_star) {
		find(a, "GET", "/v/V1", &known, &rt, &r);
		assert_ptr_equal(rt, with_star);
		assert_string_equal(r.arg[0], "V1");
		find(a, "GET", "/v/", &known, &rt, &r);
		assert_true(rt != with_star);
		find(a, "GET", "/v//", &known, &rt, &r);
		assert_true(rt != with_star);
		find(a, "GET", "/v/V1/", &known, &rt, &r);
		assert_true(rt != with_star); /* a trailing slash is another path */
	}
	find(a, "GET", "", &known, &rt, &r);
	assert_null(rt);
	find(a, "GET", "healthz", &known, &rt, &r);
	assert_null(rt);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_100_tables),
		cmocka_unit_test(routes_110_matching),
	};
	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
