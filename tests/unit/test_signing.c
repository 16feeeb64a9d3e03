/*
** test_signing.c — unit tests of signing.c: the key file's default path
** and name for each kind of database URL, making the key once, refusing a
** key file others can read, and the origins of what it signs.  No
** database.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signing.h"

/* sign-100: default key paths and names (numbered data cases). */
static void sign_100_defaults(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char *const cases[][3] = {
		{"jifen.db", "jifen.db.key", "jifen.local/jifen"},
		{"/srv/town/zhujiajiao.db", "/srv/town/zhujiajiao.db.key", "jifen.local/zhujiajiao"},
		{"postgresql://u@h:5432/qingpu", "qingpu.key", "jifen.local/qingpu"},
		{"postgres://u@h/q?sslmode=require", "q.key", "jifen.local/q"},
		{"postgresql://u@h", "jifen.key", "jifen.local/jifen"},
		{"postgresql://u@h/a b", "a-b.key", "jifen.local/a-b"},
	};
	unsetenv("JIFEN_ORIGIN");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_string_equal(signing_default_key_path(a, cases[i][0]), cases[i][1]);
		assert_string_equal(signing_default_origin(a, cases[i][0]), cases[i][2]);
	}
	setenv("JIFEN_ORIGIN", "qingpu.gov.cn/zhujiajiao", 1);
	assert_string_equal(signing_default_origin(a, "jifen.db"), "qingpu.gov.cn/zhujiajiao");
	unsetenv("JIFEN_ORIGIN");
	assert_string_equal(signing_village_origin(a, "t.example", "V1"), "t.example/V1");
	assert_string_equal(signing_announcement_origin(a, "t.example", "V1", "2024-Q2"),
			    "t.example/V1/2024-Q2");
	arena_free(a);
}

/* sign-200: the key is made once, read back, and refused when others can
** read it or it is not a key. */
static void sign_200_key_file(void **state)
{
	(void)state;
	arena *a = arena_new();
	char path[256];
	snprintf(path, sizeof path, "/tmp/jifen-test-sign-%d.key", (int)getpid());
	unlink(path);
	signing_set_key_path(path);
	assert_string_equal(signing_key_path(), path);
	errlist errs = {0};
	int created;
	assert_int_equal(signing_key_ensure(a, "bad name", &created, &errs), 1);
	assert_string_equal(errs.msg[0], "签名密钥名称「bad name」无效：不能为空，不能含空格或 +");
	errlist_free(&errs);
	struct note_signer s;
	assert_int_equal(signing_key_load(a, &s, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "不存在，请先运行 jifen init"));
	errlist_free(&errs);
	assert_int_equal(signing_key_ensure(a, "t.example/town", &created, &errs), 0);
	assert_int_equal(created, 1);
	assert_int_equal(signing_key_ensure(a, "other/name", &created, &errs), 0);
	assert_int_equal(created, 0);
	assert_int_equal(signing_key_load(a, &s, &errs), 0);
	assert_string_equal(s.name, "t.example/town");
	note_signer_wipe(&s);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	chmod(path, 0644);
	assert_int_equal(signing_key_load(a, &s, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "别人也能读"));
	errlist_free(&errs);
	assert_int_equal(signing_key_ensure(a, "t.example/town", &created, &errs), 1);
	errlist_free(&errs);
	unlink(path);
	FILE *f = fopen(path, "w");
	fputs("not a key\n", f);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(signing_key_load(a, &s, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "不是 jifen 的签名密钥"));
	errlist_free(&errs);
	unlink(path);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_100_defaults),
		cmocka_unit_test(sign_200_key_file),
	};
	return cmocka_run_group_tests_name("signing", tests, NULL, NULL);
}
