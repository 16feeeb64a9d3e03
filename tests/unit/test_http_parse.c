/*
** test_http_parse.c — unit tests of src/http_parse.c, the parsers of
** requests: percent decoding and encoding, urlencoded bodies, multipart
** bodies (fields, files with their bytes kept, every malformed shape
** refused with its message), and the scrubbing that turns a NUL or a byte
** that is not UTF-8 into DEL so no value is read cut short.  (The fuzz
** targets check they do not crash; these check what they answer.)
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "http.h"
#include "http_int.h"

/* http_parse-100: %XX in either case, '+' only when asked, bad escapes
** kept as they are, and the length returned (a %00 counts). */
static void http_parse_100_url_decode(void **state)
{
	(void)state;
	static const struct {
		const char *in, *plus, *noplus;
	} c[] = {
		{"a+b", "a b", "a+b"},
		{"%E5%BC%A0", "张", "张"},
		{"%e5%bc%a0", "张", "张"},
		{"100%", "100%", "100%"},
		{"%zz%4", "%zz%4", "%zz%4"},
		{"%2B+%25", "+ %", "++%"},
		{"%%41", "%A", "%A"},
		{"", "", ""},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char s[64];
		strcpy(s, c[i].in);
		assert_int_equal(url_decode(s, 1), strlen(c[i].plus));
		assert_string_equal(s, c[i].plus);
		strcpy(s, c[i].in);
		url_decode(s, 0);
		assert_string_equal(s, c[i].noplus);
	}
	char z[] = "1%00x";
	assert_int_equal(url_decode(z, 1), 3);
	assert_memory_equal(z, "1\0x", 3);
}

/* http_parse-110: only unreserved bytes stay; round trip through decode. */
static void http_parse_110_url_encode(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(url_encode(a, "aZ09-_.~"), "aZ09-_.~");
	assert_string_equal(url_encode(a, "a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
	assert_string_equal(url_encode(a, "张"), "%E5%BC%A0");
	assert_string_equal(url_encode(a, ""), "");
	const char *orig = "安庄村 2026-05/第3组&x=1";
	char *e = url_encode(a, orig);
	char *copy = arena_strdup(a, e);
	url_decode(copy, 0);
	assert_string_equal(copy, orig);
	arena_free(a);
}

/* http_parse-120: NUL and each byte of an ill-formed sequence become DEL;
** well-formed text is untouched. */
static void http_parse_120_text_scrub(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} c[] = {
		{"张三 abc", 10, "张三 abc"},
		{"1\0x", 3, "1\x7fx"},
		{"a\xff" "b", 3, "a\x7f" "b"},
		{"\xc0\xaf", 2, "\x7f\x7f"},                /* overlong */
		{"\xed\xa0\x80", 3, "\x7f\x7f\x7f"},        /* surrogate */
		{"\xf4\x90\x80\x80", 4, "\x7f\x7f\x7f\x7f"}, /* past U+10FFFF */
		{"\xe0\x9f\xbf", 3, "\x7f\x7f\x7f"},        /* overlong three-byte */
		{"x\xe5\xbc", 3, "x\x7f\x7f"},              /* cut short at the end */
		{"\xe5" "a", 2, "\x7f" "a"},                /* cut short by ASCII */
		{"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"}, /* 😀 */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char s[32];
		memcpy(s, c[i].in, c[i].n);
		text_scrub(s, c[i].n);
		if (memcmp(s, c[i].out, c[i].n))
			fail_msg("case %zu", i);
	}
}

/* http_parse-130: urlencoded: order kept, empty pairs skipped, a name
** without '=' is "", values decoded and scrubbed, lengths set; only the
** n bytes given are read. */
static void http_parse_130_urlencoded(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *body = "a=1&&b&c=%E5%BC%A0+x&d=1%00x&e%3D=%ff&=v&a=2";
	struct param *p = parse_urlencoded(a, body, strlen(body));
	static const char *const want[][2] = {
		{"a", "1"}, {"b", ""}, {"c", "张 x"}, {"d", "1\x7fx"}, {"e=", "\x7f"}, {"", "v"}, {"a", "2"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++, p = p->next) {
		assert_non_null(p);
		assert_string_equal(p->name, want[i][0]);
		assert_string_equal(p->value, want[i][1]);
		assert_int_equal(p->len, strlen(want[i][1]));
	}
	assert_null(p);
	p = parse_urlencoded(a, "x=12&y=3", 4);
	assert_string_equal(p->value, "12");
	assert_null(p->next);
	assert_null(parse_urlencoded(a, "", 0));
	assert_null(parse_urlencoded(a, "&&&", 3));
	arena_free(a);
}

#define CT "multipart/form-data; boundary=XyZ"

/* http_parse-140: multipart: a field, a file whose bytes (NUL and bytes
** that are not UTF-8) are kept with their length, filename and type; the
** boundary quoted or not; a field's text scrubbed. */
static void http_parse_140_multipart(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char body[] =
		"preamble\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n"
		"\r\n"
		"tok\xff" "en\r\n"
		"--XyZ\r\n"
		"content-disposition: form-data; name=\"file\"; filename=\"户.csv\"\r\n"
		"Content-Type: text/csv\r\n"
		"\r\n"
		"a,b\r\n\0\xd5\xc5\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=empty\r\n"
		"\r\n"
		"\r\n"
		"--XyZ--\r\n";
	const char *err = "unset";
	struct param *p = parse_multipart(a, CT, body, sizeof body - 1, &err);
	assert_null(err);
	assert_non_null(p);
	assert_string_equal(p->name, "csrf");
	assert_string_equal(p->value, "tok\x7f" "en");
	assert_null(p->filename);
	p = p->next;
	assert_non_null(p);
	assert_string_equal(p->name, "file");
	assert_string_equal(p->filename, "户.csv");
	assert_string_equal(p->content_type, "text/csv");
	assert_int_equal(p->len, 8);
	assert_memory_equal(p->value, "a,b\r\n\0\xd5\xc5", 8);
	p = p->next;
	assert_non_null(p);
	assert_string_equal(p->name, "empty"); /* an unquoted attribute */
	assert_int_equal(p->len, 0);
	assert_null(p->next);

	/* the boundary in quotes, among other attributes */
	const char *err2 = "unset";
	p = parse_multipart(a, "multipart/form-data; charset=utf-8; boundary=\"XyZ\"", body,
			    sizeof body - 1, &err2);
	assert_null(err2);
	assert_non_null(p);
	assert_string_equal(p->name, "csrf");
	arena_free(a);
}

/* http_parse-150: each malformed body refused with its message. */
static void http_parse_150_multipart_errors(void **state)
{
	(void)state;
	static const struct {
		const char *ctype, *body, *err;
	} c[] = {
		{"multipart/form-data", "--XyZ--\r\n", "上传格式错误: 缺少分隔符"},
		{"multipart/form-data; boundary=", "--XyZ--\r\n", "上传格式错误: 缺少分隔符"},
		{"multipart/form-data; boundary=\"XyZ", "--XyZ--\r\n", "上传格式错误: 缺少分隔符"},
		{CT, "no delimiter at all", "上传格式错误: 找不到分隔符"},
		{CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
		 "上传格式错误: 内容不完整"}, /* no closing delimiter */
		{CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n--XyZ--",
		 "上传格式错误: 内容不完整"}, /* headers never end */
		{CT, "--XyZjunk", "上传格式错误: 内容不完整"},
		{CT, "--XyZ", "上传格式错误: 内容不完整"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		arena *a = arena_new();
		const char *err = NULL;
		struct param *p = parse_multipart(a, c[i].ctype, c[i].body, strlen(c[i].body), &err);
		assert_null(p);
		if (!err || strcmp(err, c[i].err))
			fail_msg("case %zu: %s", i, err ? err : "(no error)");
		arena_free(a);
	}
	/* a boundary longer than 200 bytes is refused */
	arena *a = arena_new();
	char ct[300] = "multipart/form-data; boundary=";
	memset(ct + strlen(ct), 'b', 201);
	const char *err = NULL;
	assert_null(parse_multipart(a, ct, "--b--", 5, &err));
	assert_string_equal(err, "上传格式错误: 缺少分隔符");
	/* an empty form (just the closing delimiter) is no error */
	err = "unset";
	assert_null(parse_multipart(a, CT, "--XyZ--\r\n", 9, &err));
	assert_null(err);
	arena_free(a);
}

/* http_parse-160: a part without a name is skipped; a delimiter-like line
** inside a file's bytes that is not "\r\n--boundary" does not end it. */
static void http_parse_160_multipart_edges(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char body[] =
		"--XyZ\r\n"
		"Content-Disposition: form-data\r\n"
		"\r\n"
		"nameless\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"f\"; filename=\"a.csv\"\r\n"
		"\r\n"
		"x--XyZ y\n--XyZ z\r\n"
		"--XyZ--";
	const char *err = "unset";
	struct param *p = parse_multipart(a, CT, body, sizeof body - 1, &err);
	assert_null(err);
	assert_non_null(p);
	assert_string_equal(p->name, "f");
	assert_int_equal(p->len, strlen("x--XyZ y\n--XyZ z"));
	assert_memory_equal(p->value, "x--XyZ y\n--XyZ z", p->len);
	assert_null(p->next);
	arena_free(a);
}

/* http-parse-170: serve's --listen address: IPv4, localhost, [IPv6], and
** what is not one (no port, a port out of range or with trailing text, a
** name other than localhost, a host too long). */
static void http_parse_170_listen(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	assert_int_equal(http_parse_listen("127.0.0.2:8080", &ss, &len), 0);
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
	assert_int_equal(len, sizeof *s4);
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 8080);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x7f000002);
	assert_int_equal(http_parse_listen("localhost:0", &ss, &len), 0);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(http_parse_listen("[::1]:443", &ss, &len), 0);
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
	assert_int_equal(len, sizeof *s6);
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 443);
	assert_true(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	static const char *const bad[] = {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
					  "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1: 80", "127.0.0.1:80x", "example.org:80",
					  "[::1:80", "[]:80", "::1:80"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
		assert_int_equal(http_parse_listen(bad[k], &ss, &len), -1);
	char longhost[200];
	memset(longhost, '1', sizeof longhost - 4);
	memcpy(longhost + sizeof longhost - 4, ":80", 4);
	assert_int_equal(http_parse_listen(longhost, &ss, &len), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_parse_100_url_decode),
		cmocka_unit_test(http_parse_110_url_encode),
		cmocka_unit_test(http_parse_120_text_scrub),
		cmocka_unit_test(http_parse_130_urlencoded),
		cmocka_unit_test(http_parse_140_multipart),
		cmocka_unit_test(http_parse_150_multipart_errors),
		cmocka_unit_test(http_parse_160_multipart_edges),
		cmocka_unit_test(http_parse_170_listen),
	};
	return cmocka_run_group_tests_name("http_parse", tests, NULL, NULL);
}
