/*
** test_conffile.c — unit tests of src/conffile.c: the "name = value" file
** of a deployment (spaces trimmed, comments and blank lines skipped, an
** empty value as unset), its errors naming the file and the line, a
** missing file that is an error only when required, and which file is read
** (--config, JIFEN_CONFIG, the default only under systemd).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"

static char path[256];

/* Write text to a new temporary file, its name in path. */
static void write_conf(const char *text)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(path, sizeof path, "%s/jifen-conf-XXXXXX", tmp);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* conffile-100: every setting, spaces, tabs, CRLF, comments and blanks. */
static void conffile_100_all_settings(void **state)
{
	(void)state;
	write_conf("# jifen.conf\n"
		   "\n"
		   "db = /var/lib/jifen/jifen.db\n"
		   "\tlisten\t=\t127.0.0.1:8080  \r\n"
		   "key=/etc/jifen/key\n"
		   "   # an indented comment\n"
		   "town = 朱家角镇\n"
		   "backup_dir = /var/backups/jifen dir\n"
		   "backup_keep_days = 30\n");
	arena *a = arena_new();
	struct jifen_conf c;
	char err[256] = "";
	assert_int_equal(conf_load(a, path, 1, &c, err, sizeof err), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.db, "/var/lib/jifen/jifen.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.key, "/etc/jifen/key");
	assert_string_equal(c.town, "朱家角镇");
	assert_string_equal(c.backup_dir, "/var/backups/jifen dir"); /* inner spaces kept */
	assert_int_equal(c.backup_keep_days, 30);
	unlink(path);
	arena_free(a);
}

/* conffile-110: settings not in the file stay NULL/0; an empty value is
** unset, not ""; a value may hold '=' (a PostgreSQL URL), and the last of
** two lines wins. */
static void conffile_110_defaults_and_values(void **state)
{
	(void)state;
	write_conf("db = postgresql://u@h/jifen?sslmode=require\n"
		   "town =\n"
		   "listen = a:1\n"
		   "listen = b:2\n");
	arena *a = arena_new();
	struct jifen_conf c;
	char err[256] = "";
	assert_int_equal(conf_load(a, path, 0, &c, err, sizeof err), 0);
	assert_string_equal(c.db, "postgresql://u@h/jifen?sslmode=require");
	assert_null(c.town);
	assert_string_equal(c.listen, "b:2");
	assert_null(c.key);
	assert_null(c.backup_dir);
	assert_int_equal(c.backup_keep_days, 0);
	unlink(path);
	arena_free(a);
}

/* conffile-120: each kind of bad line is refused with the file and the
** line number, and a bad line after good ones still fails the load. */
static void conffile_120_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} c[] = {
		{"db = x\nlisten 127.0.0.1\n", ":2: 应为 名称 = 值"},
		{"# c\n\ndatabase = x\n", ":3: 未知的设置 database"},
		{"backup_keep_days = -1\n", ":1: backup_keep_days 的值无效"},
		{"backup_keep_days = 36501\n", ":1: backup_keep_days 的值无效"},
		{"backup_keep_days = 7d\n", ":1: backup_keep_days 的值无效"},
		{"backup_keep_days =\n", ":1: backup_keep_days 的值无效"},
		{"DB = x\n", ":1: 未知的设置 DB"}, /* names are case-sensitive */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		write_conf(c[i].text);
		arena *a = arena_new();
		struct jifen_conf conf;
		char err[512] = "";
		assert_int_equal(conf_load(a, path, 1, &conf, err, sizeof err), -1);
		char want[600];
		snprintf(want, sizeof want, "%s%s", path, c[i].want);
		assert_string_equal(err, want);
		unlink(path);
		arena_free(a);
	}
	/* the limits themselves are accepted */
	write_conf("backup_keep_days = 36500\n");
	arena *a = arena_new();
	struct jifen_conf conf;
	char err[512] = "";
	assert_int_equal(conf_load(a, path, 1, &conf, err, sizeof err), 0);
	assert_int_equal(conf.backup_keep_days, 36500);
	unlink(path);
	arena_free(a);
}

/* conffile-130: a missing file is nothing when not required, an error
** naming it when required. */
static void conffile_130_missing(void **state)
{
	(void)state;
	arena *a = arena_new();
	struct jifen_conf c;
	char err[512] = "";
	const char *none = "/nonexistent-jifen/jifen.conf";
	assert_int_equal(conf_load(a, none, 0, &c, err, sizeof err), 0);
	assert_null(c.path);
	assert_null(c.db);
	assert_int_equal(conf_load(a, none, 1, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "无法读取配置文件 /nonexistent-jifen/jifen.conf"));
	arena_free(a);
}

/* conffile-140: which file: --config, then JIFEN_CONFIG (both required),
** then the package's default only under systemd (not required). */
static void conffile_140_path(void **state)
{
	(void)state;
	int req = -1;
	unsetenv("JIFEN_CONFIG");
	unsetenv("INVOCATION_ID");
	assert_null(conf_path(NULL, &req));
	assert_int_equal(req, 0);
	assert_null(conf_path("", &req)); /* --config "" names nothing */
	setenv("INVOCATION_ID", "abc", 1);
	assert_string_equal(conf_path(NULL, &req), CONF_DEFAULT_PATH);
	assert_int_equal(req, 0);
	setenv("JIFEN_CONFIG", "/env.conf", 1);
	assert_string_equal(conf_path(NULL, &req), "/env.conf");
	assert_int_equal(req, 1);
	assert_string_equal(conf_path("/cli.conf", &req), "/cli.conf");
	assert_int_equal(req, 1);
	setenv("JIFEN_CONFIG", "", 1); /* empty: as if unset */
	setenv("INVOCATION_ID", "", 1);
	assert_null(conf_path(NULL, &req));
	assert_int_equal(req, 0);
	unsetenv("JIFEN_CONFIG");
	unsetenv("INVOCATION_ID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conffile_100_all_settings),
		cmocka_unit_test(conffile_110_defaults_and_values),
		cmocka_unit_test(conffile_120_errors),
		cmocka_unit_test(conffile_130_missing),
		cmocka_unit_test(conffile_140_path),
	};
	return cmocka_run_group_tests_name("conffile", tests, NULL, NULL);
}
