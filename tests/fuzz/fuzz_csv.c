/*
** fuzz_csv.c — libFuzzer target for csvfile.c: csvfile_parse() of an
** uploaded or imported CSV file against the households column spec of
** INTERFACES.md (copied here, so the target does not depend on
** household.c; the parser only sees names, aliases and required flags).
**
** Checked, for every input: rows reach the callback in increasing row order
** with the same set of present columns each time; every value handed over
** is clean UTF-8 text (csvfile_parse rejects the rest) without spaces or
** tabs at its ends; column names are clean; the return value counts at
** least the rows passed on (-1 only when the header was unusable, and then
** no row was passed on); every error line names the file and is itself
** clean text, so hostile bytes never reach an error page or a log.  The
** callback sometimes asks to stop early, exercising that path too.
*/
#include <string.h>

#include "csvfile.h"
#include "fuzz.h"

static const struct csv_col spec[] = {
	{"code", "户编号", 1},
	{"head_name", "户主姓名", 1},
	{"address", "地址", 0},
	{"members", "人口数", 0},
	{"phone", "联系电话", 0},
	{"hukou", "本地户籍", 1},
	{"homestead", "宅基地房屋", 1},
	{"resident", "常住", 1},
	{"tenant", "租赁户", 0},
	{"joined", "参与日期", 0},
};
enum { NSPEC = sizeof spec / sizeof spec[0] };

struct seen {
	int rows;         /* rows passed to the callback */
	int last_row;     /* the previous row's number */
	unsigned present; /* bit j: column j present in the first row */
	int stop_after;   /* ask to stop after this many rows; 0: never */
};

static int on_row(void *ctx, const struct csv_row *r)
{
	struct seen *s = ctx;
	CHECK(r->row >= 2 && r->row > s->last_row);
	s->last_row = r->row;
	unsigned present = 0;
	for (int j = 0; j < NSPEC; j++) {
		CHECK(r->colname[j] && text_is_clean(r->colname[j], 0));
		const char *v = r->vals[j];
		if (!v)
			continue;
		present |= 1u << j;
		CHECK(text_is_clean(v, 1));
		size_t n = strlen(v);
		if (n)
			CHECK(v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' && v[n - 1] != '\t');
	}
	if (s->rows == 0)
		s->present = present;
	CHECK(present == s->present);
	for (int j = 0; j < NSPEC; j++)
		if (spec[j].required)
			CHECK(present & (1u << j));
	s->rows++;
	return s->stop_after && s->rows >= s->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {.stop_after = size % 5 == 0 ? 1 + (int)(size % 3) : 0};
	errlist errs = {0};
	int rc =
		csvfile_parse("fuzz.csv", (const char *)data, size, spec, NSPEC, on_row, &s, &errs);
	CHECK(rc >= -1);
	if (rc < 0)
		CHECK(s.rows == 0);
	else
		CHECK(rc >= s.rows);
	for (int i = 0; i < errs.n; i++) {
		CHECK(!strncmp(errs.msg[i], "fuzz.csv:", 9));
		CHECK(text_is_clean(errs.msg[i], 0));
	}
	errlist_free(&errs);
	return 0;
}
