/*
** test_json.c — unit tests of json.c, the JSON writer over a plain buffer:
** commas placed by the writer at every nesting level, strings escaped,
** null for a NULL string.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

/* json-100: objects, arrays, nesting and every value type. */
static void json_100_document(void **state)
{
	(void)state;
	buf b = {0};
	struct json_writer w;
	jw_begin(&w, &b);
	jw_obj(&w, NULL);
	jw_str(&w, "a", "x");
	jw_int(&w, "n", -42);
	jw_bool(&w, "t", 1);
	jw_null(&w, "z");
	jw_str(&w, "s", NULL);
	jw_arr(&w, "list");
	jw_int(&w, NULL, 1);
	jw_obj(&w, NULL);
	jw_end_obj(&w);
	jw_arr(&w, NULL);
	jw_end_arr(&w);
	jw_bool(&w, NULL, 0);
	jw_end_arr(&w);
	jw_end_obj(&w);
	assert_string_equal(buf_cstr(&b), "{\"a\":\"x\",\"n\":-42,\"t\":true,\"z\":null,\"s\":null,"
					  "\"list\":[1,{},[],false]}");
	buf_free(&b);
}

/* json-110: quotes, backslashes, control characters and DEL are escaped;
** UTF-8 is kept as it is. */
static void json_110_escapes(void **state)
{
	(void)state;
	buf b = {0};
	json_quote(&b, "a\"b\\c\nd\te\x01\x7f村");
	assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f村\"");
	buf_free(&b);
}

/* json-120: a writer appends to what the buffer holds, and two documents
** in two buffers do not share commas. */
static void json_120_append(void **state)
{
	(void)state;
	buf a = {0}, b = {0};
	buf_puts(&a, "x=");
	struct json_writer w1, w2;
	jw_begin(&w1, &a);
	jw_begin(&w2, &b);
	jw_obj(&w1, NULL);
	jw_obj(&w2, NULL);
	jw_int(&w1, "one", 1);
	jw_int(&w2, "two", 2);
	jw_int(&w1, "three", 3);
	jw_end_obj(&w1);
	jw_end_obj(&w2);
	assert_string_equal(buf_cstr(&a), "x={\"one\":1,\"three\":3}");
	assert_string_equal(buf_cstr(&b), "{\"two\":2}");
	buf_free(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_100_document),
		cmocka_unit_test(json_110_escapes),
		cmocka_unit_test(json_120_append),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
