/*
** test_csvfile.c — unit tests of src/csvfile.c: numbered, data-driven cases
** of whole CSV texts against one column spec, each checking the return
** value, the rows the callback saw and the error lines; then the column
** names, a file larger than one libcsv feed, and file_read_all().  The
** export writer of src/csvout.c is tested in test_csvout.c.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvfile.h"

/* A households-like spec: two required columns, two optional. */
static const struct csv_col spec[] = {
	{"code", "户编号", 1},
	{"head_name", "户主姓名", 1},
	{"address", "地址", 0},
	{"note", "说明", 0},
};
enum { NSPEC = sizeof spec / sizeof spec[0] };

/* What the callback saw, rendered as text: one line per row,
** "ROW:v0|v1|v2|v3", "~" for an absent column, \n and \r inside a value
** written as the two characters \n and \r. */
struct seen {
	buf out;
	int stop_after; /* stop after this many rows; 0: never */
	int calls;
};

static int collect(void *ctx, const struct csv_row *r)
{
	struct seen *s = ctx;
	if (s->out.len)
		buf_puts(&s->out, "\n");
	buf_printf(&s->out, "%d:", r->row);
	for (int j = 0; j < NSPEC; j++) {
		if (j)
			buf_puts(&s->out, "|");
		if (!r->vals[j]) {
			buf_puts(&s->out, "~");
			continue;
		}
		for (const char *p = r->vals[j]; *p; p++) {
			if (*p == '\n')
				buf_puts(&s->out, "\\n");
			else if (*p == '\r')
				buf_puts(&s->out, "\\r");
			else
				buf_append(&s->out, p, 1);
		}
	}
	s->calls++;
	return s->stop_after && s->calls >= s->stop_after;
}

/* One case: input (len 0 means strlen), expected return value, rows and
** error lines (joined by \n). */
struct csvcase {
	const char *name;
	const char *in;
	size_t len;
	int stop_after;
	int rc;
	const char *rows;
	const char *errs;
};

static const struct csvcase cases[] = {
	/* basics, BOM, line ends */
	{"csvfile-100", "code,head_name\nA1,张三\nA2,李四\n", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
	{"csvfile-101", "code,head_name\nA1,张三", 0, 0, 1, "2:A1|张三|~|~", ""},
	{"csvfile-110", "\xEF\xBB\xBF" "code,head_name\nA1,张三\n", 0, 0, 1, "2:A1|张三|~|~", ""},
	{"csvfile-111", "\xEF\xBB\xBF" "户编号,户主姓名\r\nA1,张三\r\n", 0, 0, 1, "2:A1|张三|~|~", ""},
	{"csvfile-120", "code,head_name\r\nA1,张三\r\nA2,李四\r\n", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
	{"csvfile-121", "code,head_name\r\nA1,张三\r\nA2,李四", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
	{"csvfile-122", "code,head_name\r\n\r\nA1,张三\r\n", 0, 0, 1, "3:A1|张三|~|~", ""},
	{"csvfile-123", "code,head_name\nA1,张三\r\nA2,李四\n", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},

	/* quoting */
	{"csvfile-130", "code,head_name,address\nA1,张三,\"一组, 5号\"\n", 0, 0, 1,
	 "2:A1|张三|一组, 5号|~", ""},
	{"csvfile-131", "\"code\",\"head_name\"\n\"A1\",\"张三\"\n", 0, 0, 1, "2:A1|张三|~|~", ""},
	{"csvfile-140", "code,head_name,note\nA1,张三,\"第一行\n第二行\"\nA2,李四,好\n", 0, 0, 2,
	 "2:A1|张三|~|第一行\\n第二行\n3:A2|李四|~|好", ""},
	{"csvfile-141", "code,head_name,note\r\nA1,张三,\"一\r\n二\r\n三\"\r\nA2,李四,\xff\r\n", 0, 0, 2,
	 "2:A1|张三|~|一\\r\\n二\\r\\n三", "t.csv:3: note: 含有无效的UTF-8编码或控制字符\n"
	 "t.csv: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"},
	{"csvfile-150", "code,head_name,note\nA1,张三,\"他说\"\"好\"\"\"\n", 0, 0, 1,
	 "2:A1|张三|~|他说\"好\"", ""},
	{"csvfile-151", "code,head_name,note\nA1,张三,\"\"\"\"\n", 0, 0, 1, "2:A1|张三|~|\"", ""},

	/* header names: Chinese, mixed, any order, English in any case, trimmed */
	{"csvfile-160", "户编号,户主姓名,地址,说明\nA1,张三,一组,无\n", 0, 0, 1,
	 "2:A1|张三|一组|无", ""},
	{"csvfile-170", "说明,CODE,地址,Head_Name\n备注,A1,一组,张三\n", 0, 0, 1,
	 "2:A1|张三|一组|备注", ""},
	{"csvfile-171", " code ,\t户主姓名\t,\" address \"\nA1,张三,一组\n", 0, 0, 1,
	 "2:A1|张三|一组|~", ""},
	{"csvfile-172", "address,户编号,head_name\n一组,A1,张三\n", 0, 0, 1, "2:A1|张三|一组|~", ""},

	/* header errors: nothing passed on, -1 */
	{"csvfile-180", "code,head_name,名称\nA1,张三,x\n", 0, 0, -1, "", "t.csv:1: 名称: 未知的列"},
	{"csvfile-181", "code,head_name,Adress\nA1,张三,x\n", 0, 0, -1, "", "t.csv:1: Adress: 未知的列"},
	{"csvfile-182", "code,head_name,地 址\nA1,张三,x\n", 0, 0, -1, "", "t.csv:1: 地 址: 未知的列"},
	{"csvfile-190", "code,户编号,head_name\nA1,A1,张三\n", 0, 0, -1, "",
	 "t.csv:1: 户编号: 列重复（与第1列「code」是同一列）"},
	{"csvfile-191", "code,head_name,CODE\n", 0, 0, -1, "",
	 "t.csv:1: CODE: 列重复（与第1列「code」是同一列）"},
	{"csvfile-200", "code,address\nA1,一组\n", 0, 0, -1, "",
	 "t.csv:1: head_name: 缺少必填列「户主姓名」(head_name)"},
	{"csvfile-201", "说明,名称\nx,y\n", 0, 0, -1, "",
	 "t.csv:1: 名称: 未知的列\n"
	 "t.csv:1: code: 缺少必填列「户编号」(code)\n"
	 "t.csv:1: head_name: 缺少必填列「户主姓名」(head_name)"},
	{"csvfile-202", "code,head\xff\n", 0, 0, -1, "",
	 "t.csv:1: 第2列: 列名含有无效的UTF-8编码或控制字符\n"
	 "t.csv:1: head_name: 缺少必填列「户主姓名」(head_name)\n"
	 "t.csv: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"},

	/* cells: extra, short, trimming, unnamed columns */
	{"csvfile-210", "code,head_name\nA1,张三,多余\nA2,李四\n", 0, 0, 2, "3:A2|李四|~|~",
	 "t.csv:2: 第3列: 多出的单元格（表头只有2列）"},
	{"csvfile-211", "code,head_name\nA1,张三,, \nA2,李四,\n", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
	{"csvfile-220", "code,head_name,address\nA1\nA2,李四\n", 0, 0, 2,
	 "2:A1|||~\n3:A2|李四||~", ""},
	{"csvfile-221", "code,head_name,address\nA1,,\n", 0, 0, 1, "2:A1|||~", ""},
	{"csvfile-225", "code,head_name\n  A1  ,\t张三\t\n\" A2 \",\"李四 \"\n", 0, 0, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
	{"csvfile-226", "code,head_name,note\nA1,张三,\"  第一行\n第二行\t\"\n", 0, 0, 1,
	 "2:A1|张三|~|第一行\\n第二行", ""},
	{"csvfile-227", "code,,head_name,\nA1,,张三,\n", 0, 0, 1, "2:A1|张三|~|~", ""},
	{"csvfile-228", "code,,head_name\nA1,x,张三\n", 0, 0, 1, "",
	 "t.csv:2: 第2列: 这一列没有列名，单元格应为空"},

	/* invalid text */
	{"csvfile-230", "code,head_name\nA1,\xe5\xff\nA2,李四\n", 0, 0, 2, "3:A2|李四|~|~",
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符\n"
	 "t.csv: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"},
	{"csvfile-231", "户编号,户主姓名\nA1,\xc0\xaf\n", 0, 0, 1, "",
	 "t.csv:2: 户主姓名: 含有无效的UTF-8编码或控制字符\n"
	 "t.csv: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"},
	{"csvfile-232", "code,head_name\n\xff,\xfe\n", 0, 0, 1, "",
	 "t.csv:2: code: 含有无效的UTF-8编码或控制字符\n"
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符\n"
	 "t.csv: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"},
	{"csvfile-240", "code,head_name\nA1,张\x07三\n", 0, 0, 1, "",
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符"},
	{"csvfile-241", "code,head_name\nA1,张\0三\n", 26, 0, 1, "",
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符"},
	{"csvfile-242", "code,head_name\nA1,\"张\x1b三\"\n", 0, 0, 1, "",
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符"},
	{"csvfile-243", "code,head_name\nA1,张\x7f三\n", 0, 0, 1, "",
	 "t.csv:2: head_name: 含有无效的UTF-8编码或控制字符"},
	{"csvfile-244", "code,head_name,note\nA1,张三,\"a\tb\"\n", 0, 0, 1, "2:A1|张三|~|a\tb", ""},

	/* blank records: skipped, but they are rows as a spreadsheet shows them */
	{"csvfile-250", "code,head_name\n\nA1,张三\n  \n,,\nA2,李四\n\n\n", 0, 0, 2,
	 "3:A1|张三|~|~\n6:A2|李四|~|~", ""},
	{"csvfile-251", "code,head_name\n\"\",\" \"\nA1,张三\n", 0, 0, 1, "3:A1|张三|~|~", ""},
	{"csvfile-252", "\ncode,head_name\nA1,张三\n", 0, 0, 1, "3:A1|张三|~|~", ""},

	/* empty files */
	{"csvfile-260", "", 0, 0, -1, "", "t.csv:1: 表头: 文件是空的，没有表头"},
	{"csvfile-261", "\xEF\xBB\xBF", 0, 0, -1, "", "t.csv:1: 表头: 文件是空的，没有表头"},
	{"csvfile-262", "\r\n\n , \n", 0, 0, -1, "", "t.csv:1: 表头: 文件是空的，没有表头"},
	{"csvfile-263", "code,head_name\n", 0, 0, 0, "", ""},
	{"csvfile-264", "code,head_name", 0, 0, 0, "", ""},

	/* quoting errors (RFC 4180, libcsv strict mode) */
	{"csvfile-270", "code,head_name\nA1,\"张三\nA2,李四\n", 0, 0, 0, "",
	 "t.csv:2: head_name: 引号没有闭合（缺少右引号）"},
	{"csvfile-271", "code,head_name\nA1,张三\nA2,\"李四", 0, 0, 1, "2:A1|张三|~|~",
	 "t.csv:3: head_name: 引号没有闭合（缺少右引号）"},
	{"csvfile-272", "code,\"head_name\n", 0, 0, -1, "",
	 "t.csv:1: 第2列: 引号没有闭合（缺少右引号）"},
	{"csvfile-273", "code,head_name\nA1,张\"三\"\n", 0, 0, 0, "",
	 "t.csv:2: head_name: 引号用法不对（含引号的单元格须整个用英文双引号括起，"
	 "其中的双引号写成两个 \"\"）"},
	{"csvfile-274", "code,head_name\nA1,\"张三\"x\n", 0, 0, 0, "",
	 "t.csv:2: head_name: 引号用法不对（含引号的单元格须整个用英文双引号括起，"
	 "其中的双引号写成两个 \"\"）"},
	{"csvfile-275", "code,head_name\nA1,\"张三\"  \n", 0, 0, 1, "2:A1|张三|~|~", ""},

	/* the callback stops the reading */
	{"csvfile-280", "code,head_name\nA1,张三\nA2,李四\nA3,王五\n", 0, 1, 1, "2:A1|张三|~|~", ""},
	{"csvfile-281", "code,head_name\nA1,张三\nA2,李四\nA3,\xff\n", 0, 2, 2,
	 "2:A1|张三|~|~\n3:A2|李四|~|~", ""},
};

/* Join an errlist's messages with \n. */
static char *errs_joined(const errlist *e, buf *b)
{
	for (int i = 0; i < e->n; i++) {
		if (i)
			buf_puts(b, "\n");
		buf_puts(b, e->msg[i]);
	}
	return buf_cstr(b);
}

static void run_case(void **state)
{
	const struct csvcase *c = *state;
	struct seen s = {.stop_after = c->stop_after};
	errlist errs = {0};
	buf eb = {0};
	size_t len = c->len ? c->len : strlen(c->in);

	int rc = csvfile_parse("t.csv", c->in, len, spec, NSPEC, collect, &s, &errs);
	assert_string_equal(errs_joined(&errs, &eb), c->errs);
	assert_string_equal(buf_cstr(&s.out), c->rows);
	assert_int_equal(rc, c->rc);
	buf_free(&s.out);
	buf_free(&eb);
	errlist_free(&errs);
}

/* colname[] carries the file's spelling, or the English name when absent. */
static int check_colnames(void *ctx, const struct csv_row *r)
{
	(void)ctx;
	assert_string_equal(r->colname[0], "户编号");
	assert_string_equal(r->colname[1], "HEAD_NAME");
	assert_string_equal(r->colname[2], "address");
	assert_string_equal(r->colname[3], "说明");
	assert_null(r->vals[2]);
	return 0;
}

static void test_colnames(void **state)
{
	(void)state;
	static const char in[] = "说明, HEAD_NAME ,户编号\nx,张三,A1\n";
	errlist errs = {0};
	int rc = csvfile_parse("t.csv", in, strlen(in), spec, NSPEC, check_colnames, NULL, &errs);
	assert_int_equal(errs.n, 0);
	assert_int_equal(rc, 1);
	errlist_free(&errs);
}

/* A file much larger than one libcsv feed, with quoted newlines crossing
** the feed boundaries: every row arrives with the right number. */
struct bigctx {
	int rows, last_row, bad;
};

static int count_big(void *ctx, const struct csv_row *r)
{
	struct bigctx *b = ctx;
	b->rows++;
	b->last_row = r->row;
	char want[32];
	snprintf(want, sizeof want, "H%d", r->row);
	if (strcmp(r->vals[0], want) || !strchr(r->vals[3], '\n'))
		b->bad++;
	return 0;
}

static void test_big_file(void **state)
{
	(void)state;
	buf in = {0};
	errlist errs = {0};
	struct bigctx b = {0};
	buf_puts(&in, "code,head_name,note\r\n");
	for (int i = 2; i <= 20001; i++)
		buf_printf(&in, "H%d,户主%d,\"第一行\r\n第二行, \"\"引号\"\"\"\r\n", i, i);
	assert_true(in.len > 4 * 64 * 1024);
	int rc = csvfile_parse("big.csv", in.p, in.len, spec, NSPEC, count_big, &b, &errs);
	assert_int_equal(errs.n, 0);
	assert_int_equal(rc, 20000);
	assert_int_equal(b.rows, 20000);
	assert_int_equal(b.last_row, 20001);
	assert_int_equal(b.bad, 0);
	buf_free(&in);
	errlist_free(&errs);
}

/* file_read_all(): contents, NUL after them, size limit, missing file. */
static void test_file_read_all(void **state)
{
	(void)state;
	char path[] = "/tmp/test_csvfile_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char text[] = "code,head_name\nA1,张三\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);

	size_t len = 0;
	char *p = file_read_all(path, 1024, &len);
	assert_non_null(p);
	assert_int_equal(len, sizeof text - 1);
	assert_memory_equal(p, text, len);
	assert_int_equal(p[len], 0);
	free(p);

	p = file_read_all(path, sizeof text - 1, &len); /* exactly the limit */
	assert_non_null(p);
	free(p);

	errno = 0;
	assert_null(file_read_all(path, sizeof text - 2, &len));
	assert_int_equal(errno, EFBIG);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	close(fd);
	p = file_read_all(path, 10, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	free(p);

	unlink(path);
	errno = 0;
	assert_null(file_read_all(path, 1024, &len));
	assert_int_equal(errno, ENOENT);
}

/* file_read_all() on a pipe (no size known up front), across the limit. */
static void test_file_read_all_pipe(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	static const char text[] = "0123456789";
	assert_int_equal(write(fds[1], text, 10), 10);
	close(fds[1]);
	char path[64];
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	size_t len = 0;
	char *p = file_read_all(path, 100, &len);
	assert_non_null(p);
	assert_int_equal(len, 10);
	assert_string_equal(p, text);
	free(p);
	close(fds[0]);

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, 10), 10);
	close(fds[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	errno = 0;
	assert_null(file_read_all(path, 9, &len));
	assert_int_equal(errno, EFBIG);
	close(fds[0]);
}

int main(void)
{
	enum { NCASE = sizeof cases / sizeof cases[0] };
	struct CMUnitTest tests[NCASE + 4];
	int n = 0;
	for (int i = 0; i < NCASE; i++)
		tests[n++] = (struct CMUnitTest){cases[i].name, run_case, NULL, NULL,
						 (void *)&cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_colnames);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_big_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_file_read_all);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_file_read_all_pipe);
	return _cmocka_run_group_tests("csvfile", tests, (size_t)n, NULL, NULL);
}
