/*
** test_import_template.c — unit tests of src/import_template.c, the blank
** templates beside every import: each names exactly its import's columns
** (Chinese headers), carries a BOM and CRLF, and — what it is for — uploads
** back as it is: the CSV and the .xlsx both read through csvfile_parse()
** against the import's own spec give the example row, the standard's
** passes the standard's checks and the households' imports one household
** (both backends).
*/
#include "unitfix.h"

#include <unistd.h>

#include "csvfile.h"
#include "household.h"
#include "import_template.h"
#include "standard.h"

static const char *const names[] = {"households", "entries", "catalog", "standard"};

struct seen {
	int rows, ncols;
	const char *vals[32];
	arena *a;
};

static int keep(void *ctx, const struct csv_row *r)
{
	struct seen *s = ctx;
	s->rows++;
	for (int i = 0; i < s->ncols; i++)
		s->vals[i] = r->vals[i] ? arena_strdup(s->a, r->vals[i]) : NULL;
	return 0;
}

/* data read against t's spec gives exactly t's example row. */
static void reads_back(const struct import_template *t, const char *fname, const char *data,
		       size_t len)
{
	arena *a = arena_new();
	struct seen s = {.a = a, .ncols = t->ncols};
	errlist errs = {0};
	int rc = csvfile_parse(fname, data, len, t->spec, t->ncols, keep, &s, &errs);
	if (rc != 1 || errs.n)
		fail_msg("%s %s: %d %s", t->name, fname, rc, errs.n ? errs.msg[0] : "");
	assert_int_equal(s.rows, 1);
	for (int i = 0; i < t->ncols; i++) {
		const char *want = t->example[i];
		const char *got = s.vals[i] ? s.vals[i] : "";
		if (strcmp(got, want))
			fail_msg("%s %s column %s: %s, want %s", t->name, fname, t->spec[i].name, got, want);
	}
	arena_free(a);
}

/* import_template-100: the four templates and their CSV text. */
static void import_template_100_csv(void **state)
{
	(void)state;
	assert_null(import_template_find("nope"));
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const struct import_template *t = import_template_find(names[k]);
		assert_non_null(t);
		assert_string_equal(t->name, names[k]);
		assert_true(t->ncols > 0 && t->ncols <= 32);
		buf b = {0};
		import_template_csv(t, &b);
		const char *s = buf_cstr(&b);
		assert_memory_equal(s, "\xEF\xBB\xBF", 3);
		/* the header: every alias in order, comma-separated, CRLF */
		buf head = {0};
		buf_puts(&head, "\xEF\xBB\xBF");
		for (int i = 0; i < t->ncols; i++)
			buf_printf(&head, "%s%s", i ? "," : "", t->spec[i].alias);
		buf_puts(&head, "\r\n");
		assert_int_equal(strncmp(s, buf_cstr(&head), head.len), 0);
		assert_non_null(strstr(s + head.len, "\r\n"));
		assert_int_equal(b.p[b.len - 1], '\n');
		assert_int_equal(b.p[b.len - 2], '\r');
		reads_back(t, "template.csv", b.p, b.len);
		buf_free(&head);
		buf_free(&b);
	}
}

/* import_template-110: the .xlsx reads back the same (the date a real
** date shown as YYYY-MM-DD). */
static void import_template_110_xlsx(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const struct import_template *t = import_template_find(names[k]);
		char path[] = "/tmp/jifen-test-template-XXXXXX.xlsx";
		int fd = mkstemps(path, 5);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(import_template_xlsx(t, path), 0);
		size_t len;
		char *data = file_read_all(path, 64 << 20, &len);
		assert_non_null(data);
		unlink(path);
		reads_back(t, "template.xlsx", data, len);
		free(data);
	}
	assert_int_equal(import_template_xlsx(import_template_find("entries"), "/no/such/dir/t.xlsx"), -1);
}

/* import_template-120: the standard's example passes the standard's own
** checks. */
static void import_template_120_standard(void **state)
{
	(void)state;
	buf b = {0};
	import_template_csv(import_template_find("standard"), &b);
	arena *a = arena_new();
	struct std_item *items;
	int n = 0;
	errlist errs = {0};
	int rc = standard_parse_csv(a, "standard.csv", b.p, b.len, &items, &n, &errs);
	if (rc || errs.n)
		fail_msg("standard template: %s", errs.n ? errs.msg[0] : "");
	assert_int_equal(n, 1);
	assert_string_equal(items[0].code, "HJ01");
	assert_int_equal(items[0].points, 5);
	arena_free(a);
	buf_free(&b);
}

/* import_template-130: the households' template imports one household. */
static void import_template_130_households(void **state)
{
	struct unitfix *f = UF(state);
	buf b = {0};
	import_template_csv(import_template_find("households"), &b);
	struct import_report rep = {0};
	errlist errs = {0};
	int rc = household_import(f->d, &f->who, f->v, "households.csv", b.p, b.len, 0, &rep, &errs);
	if (rc)
		fail_msg("household template: %d %s %s", rc, errs.n ? errs.msg[0] : "", db_errmsg(f->d));
	assert_int_equal(rep.added, 1);
	import_report_free(&rep);
	assert_int_equal(unitfix_int(f->d, "SELECT COUNT(*) FROM household WHERE code = '001'"
					   " AND head_name = '张三' AND joined = '2024-04-01'"), 1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(import_template_100_csv),
		cmocka_unit_test(import_template_110_xlsx),
		cmocka_unit_test(import_template_120_standard),
	};
	const struct CMUnitTest on_sqlite[] = {cmocka_unit_test_setup_teardown(
		import_template_130_households, unitfix_setup_sqlite, unitfix_teardown)};
	const struct CMUnitTest on_pg[] = {cmocka_unit_test_setup_teardown(
		import_template_130_households, unitfix_setup_pg, unitfix_teardown)};
	UNITFIX_MAIN("import_template", rules, 3, on_sqlite, on_pg);
}
