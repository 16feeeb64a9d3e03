/*
** fuzz_xlsx.c — libFuzzer target for xlsx_read.c: xlsx_first_sheet_csv()
** of an uploaded workbook (libzip and expat on hostile bytes).
**
** Checked, for every input: it returns 0 or -1; on -1 the CSV is empty and
** the reason is a clean, non-empty Chinese sentence; on 0 the CSV is valid
** UTF-8 (expat hands over UTF-8 only), every line ends in LF, and the rows
** stay within XLSX_MAX_ROWS.  The result then goes through csvfile_parse
** as an import would, which must not crash either.
*/
#include <string.h>

#include "csvfile.h"
#include "fuzz.h"
#include "textenc.h"
#include "xlsx_read.h"

static const struct csv_col spec[] = {
	{"code", "户编号", 1}, {"head_name", "户主姓名", 1}, {"joined", "参与日期", 0}};

static int on_row(void *ctx, const struct csv_row *r)
{
	(void)ctx, (void)r;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf out = {0};
	char err[256];
	int rc = xlsx_first_sheet_csv((const char *)data, size, &out, err);
	CHECK(rc == 0 || rc == -1);
	if (rc) {
		CHECK(out.len == 0 && err[0] && text_is_clean(err, 0));
	} else {
		CHECK(utf8_valid(out.p ? out.p : "", out.len));
		CHECK(out.len == 0 || out.p[out.len - 1] == '\n');
		size_t lines = 0;
		for (size_t i = 0; i < out.len; i++)
			lines += out.p[i] == '\n';
		CHECK(lines <= XLSX_MAX_ROWS);
	}
	buf_free(&out);
	errlist errs = {0};
	csvfile_parse("fuzz.xlsx", (const char *)data, size, spec, 3, on_row, NULL, &errs);
	errlist_free(&errs);
	return 0;
}
