/*
** test_textenc.c — unit tests of src/textenc.c: the UTF-8 check by the
** rules of RFC 3629 (overlongs, surrogates, past U+10FFFF, cut sequences),
** the GB18030 (GBK) conversion of a file Excel saved on Chinese Windows,
** and bytes that are neither, which must not be "converted".
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "textenc.h"

/* textenc-010, -020: moved from test_xlsx.c as they were. */
static void test_utf8_valid(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"", 1},           {"abc", 1},          {"张三", 1},       {"\xf0\x9f\x98\x80", 1},
		{"\xc0\xaf", 0},   {"\xe0\x80\xaf", 0}, {"\xed\xa0\x80", 0}, {"\xf4\x90\x80\x80", 0},
		{"\xe5\xbc", 0},   {"\xff", 0},         {"\xd5\xc5", 0},   {"a\x01" "b", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
}

static void test_gb18030(void **state)
{
	(void)state;
	buf out = {0};
	/* 张三 in GBK */
	assert_int_equal(textenc_to_utf8("\xd5\xc5\xc8\xfd,1\n", 7, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, strlen("张三,1\n"));
	assert_memory_equal(out.p, "张三,1\n", out.len);
	buf_free(&out);
	/* 𠀀 (U+20000) is a four-byte GB18030 sequence, outside GBK */
	assert_int_equal(textenc_to_utf8("\x95\x32\x82\x36", 4, &out), TEXTENC_GB18030);
	assert_memory_equal(out.p, "𠀀", out.len);
	buf_free(&out);
	/* UTF-8 is left alone */
	assert_int_equal(textenc_to_utf8("张三", strlen("张三"), &out), TEXTENC_UTF8);
	assert_int_equal(out.len, 0);
	/* neither: 0xFF is no GB18030 lead byte; a cut two-byte sequence */
	assert_int_equal(textenc_to_utf8("a\xff" "b", 3, &out), TEXTENC_UNKNOWN);
	assert_int_equal(textenc_to_utf8("ab\xd5", 3, &out), TEXTENC_UNKNOWN);
	assert_int_equal(out.len, 0);
	/* a large file converts whole (several iconv passes) */
	buf big = {0};
	for (int i = 0; i < 100000; i++)
		buf_append(&big, "\xd5\xc5", 2);
	assert_int_equal(textenc_to_utf8(big.p, big.len, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, 300000);
	buf_free(&out);
	buf_free(&big);
}

/* textenc-100: well-formed and ill-formed UTF-8, data-driven; lengths are
** given so that NUL inside a text counts as a byte. */
static void textenc_100_utf8_valid(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
		int ok;
	} c[] = {
		{"", 0, 1},
		{"abc", 3, 1},
		{"a\0b", 3, 1},                  /* NUL and controls are csvfile.c's to report */
		{"\x01\x1f\x7f", 3, 1},
		{"张三", 6, 1},
		{"\xc2\x80", 2, 1},              /* U+0080, the first two-byte */
		{"\xdf\xbf", 2, 1},              /* U+07FF */
		{"\xe0\xa0\x80", 3, 1},          /* U+0800 */
		{"\xed\x9f\xbf", 3, 1},          /* U+D7FF, just below the surrogates */
		{"\xee\x80\x80", 3, 1},          /* U+E000 */
		{"\xef\xbb\xbf", 3, 1},          /* the BOM is text */
		{"\xf0\x90\x80\x80", 4, 1},      /* U+10000 */
		{"\xf4\x8f\xbf\xbf", 4, 1},      /* U+10FFFF */
		{"\xc0\xaf", 2, 0},              /* overlong '/' */
		{"\xc1\xbf", 2, 0},              /* overlong */
		{"\xe0\x9f\xbf", 3, 0},          /* overlong three-byte */
		{"\xf0\x8f\xbf\xbf", 4, 0},      /* overlong four-byte */
		{"\xed\xa0\x80", 3, 0},          /* U+D800 surrogate */
		{"\xed\xbf\xbf", 3, 0},          /* U+DFFF surrogate */
		{"\xf4\x90\x80\x80", 4, 0},      /* U+110000 */
		{"\xf5\x80\x80\x80", 4, 0},
		{"\xff", 1, 0},
		{"\x80", 1, 0},                  /* a lone continuation byte */
		{"\xe5\xbc", 2, 0},              /* 张 cut short at the end */
		{"\xe5\xbc" "a", 3, 0},          /* ... or by an ASCII byte */
		{"\xe5" "ab", 3, 0},
		{"\xf0\x9f\x98", 3, 0},          /* 😀 cut short */
		{"\xd5\xc5\xc8\xfd", 4, 0},      /* 张三 in GBK */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		if (utf8_valid(c[i].s, c[i].n) != c[i].ok)
			fail_msg("case %zu: want %d", i, c[i].ok);
	}
	/* the length counts, not the NUL: a valid prefix of an invalid text */
	assert_true(utf8_valid("ab\xff", 2));
	assert_false(utf8_valid("ab\xff", 3));
}

/* textenc-110: UTF-8 is left alone (out empty) whatever its BOM. */
static void textenc_110_utf8_untouched(void **state)
{
	(void)state;
	buf out = {0};
	const char *t = "\xef\xbb\xbf户编号,户主姓名\n";
	assert_int_equal(textenc_to_utf8(t, strlen(t), &out), TEXTENC_UTF8);
	assert_int_equal(out.len, 0);
	assert_int_equal(textenc_to_utf8("", 0, &out), TEXTENC_UTF8);
	assert_int_equal(out.len, 0);
}

/* textenc-120: a GBK header, two-byte and four-byte GB18030 characters
** come out as the UTF-8 they stand for, byte for byte. */
static void textenc_120_gb18030(void **state)
{
	(void)state;
	static const char gbk[] = "\xbb\xa7\xb1\xe0\xba\xc5,\xbb\xa7\xd6\xf7\xd0\xd5\xc3\xfb\n"
				  "H01,\xd5\xc5\xc8\xfd\n";
	buf out = {0};
	assert_int_equal(textenc_to_utf8(gbk, sizeof gbk - 1, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, strlen("户编号,户主姓名\nH01,张三\n"));
	assert_memory_equal(out.p, "户编号,户主姓名\nH01,张三\n", out.len);
	buf_free(&out);

	static const char four[] = "\xa2\xe3\x94\x39\xfc\x36"; /* € 😀 */
	assert_int_equal(textenc_to_utf8(four, sizeof four - 1, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, strlen("€😀"));
	assert_memory_equal(out.p, "€😀", out.len);
	buf_free(&out);
}

/* textenc-130: a long GBK file (many passes of the conversion loop's
** buffer growth) converts whole. */
static void textenc_130_gb18030_long(void **state)
{
	(void)state;
	buf in = {0}, out = {0};
	for (int i = 0; i < 20000; i++)
		buf_puts(&in, "\xd6\xec\xbc\xd2\xbd\xc7,1\n"); /* 朱家角,1 */
	assert_int_equal(textenc_to_utf8(in.p, in.len, &out), TEXTENC_GB18030);
	assert_int_equal(out.len, 20000 * strlen("朱家角,1\n"));
	assert_memory_equal(out.p + out.len - strlen("朱家角,1\n"), "朱家角,1\n",
			    strlen("朱家角,1\n"));
	buf_free(&in);
	buf_free(&out);
}

/* textenc-140: bytes GB18030 does not define, or a GBK character cut off
** at the end of the file, are neither: nothing is handed back. */
static void textenc_140_unknown(void **state)
{
	(void)state;
	buf out = {0};
	static const char cut[] = "H01,\xd5\xc5\xc8"; /* 张 then half of 三 */
	assert_int_equal(textenc_to_utf8(cut, sizeof cut - 1, &out), TEXTENC_UNKNOWN);
	assert_int_equal(out.len, 0);
	static const char bad[] = "a\xff\xff" "b"; /* 0xFF starts nothing in GB18030 */
	assert_int_equal(textenc_to_utf8(bad, sizeof bad - 1, &out), TEXTENC_UNKNOWN);
	assert_int_equal(out.len, 0);
	static const char lead80[] = "\x80"; /* 0x80 is no lead byte */
	assert_int_equal(textenc_to_utf8(lead80, 1, &out), TEXTENC_UNKNOWN);
	assert_int_equal(out.len, 0);
}

/* textenc-150: the names a preview shows. */
static void textenc_150_names(void **state)
{
	(void)state;
	assert_string_equal(textenc_name(TEXTENC_UTF8), "UTF-8");
	assert_string_equal(textenc_name(TEXTENC_GB18030), "GB18030（GBK）");
	assert_string_equal(textenc_name(TEXTENC_UNKNOWN), "未知编码");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(textenc_100_utf8_valid),
		cmocka_unit_test(textenc_110_utf8_untouched),
		cmocka_unit_test(textenc_120_gb18030),
		cmocka_unit_test(textenc_130_gb18030_long),
		cmocka_unit_test(textenc_140_unknown),
		cmocka_unit_test(textenc_150_names),
	};
	return cmocka_run_group_tests_name("textenc", tests, NULL, NULL);
}
