/*
** csvfile.c — reading the CSV formats of INTERFACES.md ("CSV files") with
** libcsv, checking the header against a column spec and handing each valid
** data row to a callback.  The rules of the individual formats (households,
** standard, entries) live in their areas; this file only knows about text,
** columns and rows, and reports the file's own faults as
**     FILE:ROW: COLUMN: message
** lines in an errlist.
**
** Row numbers are record numbers as a spreadsheet shows them: the header is
** row 1 (when the file starts with it), a quoted cell spanning several lines
** is still one row, and a blank line is a (skipped) row of its own, so the
** number an operator reads in an error is the row they see in WPS or Excel.
**
** libcsv runs in strict mode: a quote inside an unquoted cell, text after a
** closing quote and a quote still open at the end of the file are errors, as
** RFC 4180 has them.  CSV_REPALL_NL makes libcsv report blank lines too, which
** the row count needs; the LF of a CRLF pair then arrives as an empty record
** right after a CR-ended one and is dropped.
*/
#include "csvfile.h"

#include "textenc.h"
#include "xlsx_read.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How much input goes to libcsv at a time: between chunks the reader checks
** whether it should stop (callback said so, or the header was unusable). */
enum { FEED_CHUNK = 64 * 1024 };

/* The reader's state, shared by the libcsv callbacks of one csvfile_parse()
** call.  Lives on that call's stack: nothing here is static. */
struct csvread {
	const char *fname;
	const struct csv_col *spec;
	int ncols;
	csv_row_fn fn;
	void *ctx;
	errlist *errs;

	buf text;      /* cells of the record being read, each NUL-terminated */
	buf offs;      /* size_t offsets of those cells in text */
	int ncell;     /* cells in the record so far */
	int last_term; /* terminator of the previous record: '\r', '\n' or -1 */
	int row;       /* number of the last completed record (header: 1) */

	int have_header; /* the header record has been read (good or bad) */
	int header_ok;   /* ... and it was usable */
	buf hdr_text;    /* the header's cells, kept for column names */
	buf hdr_offs;
	int nhdr;        /* cells in the header */
	int *hdr_spec;   /* hdr_spec[k]: spec column of header cell k, or -1 */
	int *spec_hdr;   /* spec_hdr[j]: header cell of spec column j, or -1 */
	const char **colname; /* per spec column, for struct csv_row */
	const char **vals;    /* per spec column, for struct csv_row */

	int nrows; /* data rows seen (not counting blank ones) */
	int stop;  /* read no further: callback stopped or header unusable */
};

/* calloc() that does not return NULL: like util.c's allocators, running out
** of memory here is not something a caller can do anything useful about. */
static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

/* Compare ASCII case-insensitively (English column names), bytes >= 0x80
** exactly; unlike strcasecmp() this does not depend on the locale. */
static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb || !ca)
			return (int)ca - (int)cb;
	}
}

/* Cell k of the record being read. */
static char *cell_at(struct csvread *r, int k)
{
	return r->text.p + ((size_t *)(void *)r->offs.p)[k];
}

/* Cell k of the header. */
static const char *hdr_at(const struct csvread *r, int k)
{
	return r->hdr_text.p + ((const size_t *)(const void *)r->hdr_offs.p)[k];
}

/* The name to print for file column k (0-based): the header's spelling when
** the header has a usable name there, else "第N列".  tmp holds the latter. */
static const char *col_label(const struct csvread *r, int k, char tmp[32])
{
	if (r->have_header && k < r->nhdr) {
		const char *name = hdr_at(r, k);
		if (*name && text_is_clean(name, 0))
			return name;
	}
	snprintf(tmp, 32, "第%d列", k + 1);
	return tmp;
}

/* libcsv field callback: append the cell to the current record.  NUL bytes
** become 0x01 so the cell stays one C string and the control-character check
** still rejects it. */
static void on_field(void *s, size_t len, void *data)
{
	struct csvread *r = data;
	if (r->stop)
		return;
	size_t off = r->text.len;
	if (len) {
		buf_append(&r->text, s, len);
		for (size_t i = off; i < r->text.len; i++)
			if (r->text.p[i] == 0)
				r->text.p[i] = 1;
	}
	buf_append(&r->text, "", 1);
	buf_append(&r->offs, &off, sizeof off);
	r->ncell++;
}

/* Find the spec column a header name denotes: the English name in any case,
** or the Chinese alias exactly.  Returns its index or -1. */
static int spec_find(const struct csvread *r, const char *name)
{
	for (int j = 0; j < r->ncols; j++) {
		if (r->spec[j].name && !ascii_casecmp(name, r->spec[j].name))
			return j;
		if (r->spec[j].alias && !strcmp(name, r->spec[j].alias))
			return j;
	}
	return -1;
}

/* Take the current record as the header: map each cell to a spec column and
** check for unknown, duplicate and missing required columns, reporting every
** problem.  Empty header cells are allowed (spreadsheets leave them after the
** last column); their cells must stay empty.  Returns 0 when the header is
** usable, -1 when not. */
static int take_header(struct csvread *r)
{
	int rc = 0;
	char tmp[32];

	r->have_header = 1;
	r->hdr_text = r->text;
	r->hdr_offs = r->offs;
	r->text = (buf){0};
	r->offs = (buf){0};
	r->nhdr = r->ncell;
	r->hdr_spec = xcalloc((size_t)r->nhdr, sizeof *r->hdr_spec);
	for (int j = 0; j < r->ncols; j++)
		r->spec_hdr[j] = -1;

	for (int k = 0; k < r->nhdr; k++) {
		const char *name = hdr_at(r, k);
		r->hdr_spec[k] = -1;
		if (!text_is_clean(name, 0)) {
			errlist_add(r->errs, "%s:%d: 第%d列: 列名含有无效的UTF-8编码或控制字符",
				    r->fname, r->row, k + 1);
			rc = -1;
			continue;
		}
		if (!*name)
			continue;
		int j = spec_find(r, name);
		if (j < 0) {
			errlist_add(r->errs, "%s:%d: %s: 未知的列", r->fname, r->row, name);
			rc = -1;
			continue;
		}
		if (r->spec_hdr[j] >= 0) {
			int first = r->spec_hdr[j];
			errlist_add(r->errs, "%s:%d: %s: 列重复（与第%d列「%s」是同一列）",
				    r->fname, r->row, name, first + 1, col_label(r, first, tmp));
			rc = -1;
			continue;
		}
		r->spec_hdr[j] = k;
		r->hdr_spec[k] = j;
	}

	for (int j = 0; j < r->ncols; j++) {
		const struct csv_col *c = &r->spec[j];
		if (!c->required || r->spec_hdr[j] >= 0)
			continue;
		errlist_add(r->errs, "%s:%d: %s: 缺少必填列「%s」(%s)", r->fname, r->row,
			    c->name, c->alias ? c->alias : c->name, c->name);
		rc = -1;
	}

	for (int j = 0; j < r->ncols; j++)
		r->colname[j] = r->spec_hdr[j] >= 0 ? hdr_at(r, r->spec_hdr[j]) : r->spec[j].name;
	return rc;
}

/* Check one data record (cells already trimmed) and, when every cell is
** acceptable text under a named column, pass it to the callback.  Errors
** name the row and the column; all of a row's faults are reported. */
static void take_row(struct csvread *r)
{
	int bad = 0;
	char tmp[32];

	r->nrows++;
	for (int k = 0; k < r->ncell; k++) {
		const char *cell = cell_at(r, k);
		if (!*cell)
			continue;
		if (k >= r->nhdr) {
			errlist_add(r->errs, "%s:%d: 第%d列: 多出的单元格（表头只有%d列）",
				    r->fname, r->row, k + 1, r->nhdr);
			bad = 1;
			break; /* one message for the row's surplus is enough */
		}
		if (r->hdr_spec[k] < 0) {
			errlist_add(r->errs, "%s:%d: 第%d列: 这一列没有列名，单元格应为空",
				    r->fname, r->row, k + 1);
			bad = 1;
			continue;
		}
		if (!text_is_clean(cell, 1)) {
			errlist_add(r->errs, "%s:%d: %s: 含有无效的UTF-8编码或控制字符",
				    r->fname, r->row, col_label(r, k, tmp));
			bad = 1;
		}
	}
	if (bad)
		return;

	for (int j = 0; j < r->ncols; j++) {
		int k = r->spec_hdr[j];
		r->vals[j] = k < 0 ? NULL : k < r->ncell ? cell_at(r, k) : "";
	}
	struct csv_row row = {.row = r->row, .vals = r->vals, .colname = r->colname};
	if (r->fn(r->ctx, &row))
		r->stop = 1;
}

/* libcsv record callback (c is the terminator, -1 at the end of the input):
** number the record, trim its cells, skip it when blank, else treat it as
** the header or as a data row. */
static void on_record(int c, void *data)
{
	struct csvread *r = data;
	int blank = 1;

	if (r->stop)
		goto out;
	/* the LF of a CRLF line end comes as an empty record of its own */
	if (r->ncell == 0 && c == '\n' && r->last_term == '\r') {
		r->last_term = c;
		goto out;
	}
	r->last_term = c;
	r->row++;

	for (int k = 0; k < r->ncell; k++)
		if (*str_trim(cell_at(r, k)))
			blank = 0;
	if (blank)
		goto out;
	if (!r->have_header) {
		r->header_ok = take_header(r) == 0;
		if (!r->header_ok)
			r->stop = 1;
	} else {
		take_row(r);
	}
out:
	r->text.len = 0;
	r->offs.len = 0;
	r->ncell = 0;
}

/* Report a libcsv failure (status from csv_error()) in the record being
** read, which is row r->row + 1; at_end is set when it came from csv_fini(),
** i.e. a quote was still open at the end of the file. */
static void report_csv_error(struct csvread *r, int status, int at_end)
{
	char tmp[32];
	int row = r->row + 1;
	const char *col = col_label(r, r->ncell, tmp);

	if (status == CSV_EPARSE && at_end)
		errlist_add(r->errs, "%s:%d: %s: 引号没有闭合（缺少右引号）", r->fname, row, col);
	else if (status == CSV_EPARSE)
		errlist_add(r->errs,
			    "%s:%d: %s: 引号用法不对（含引号的单元格须整个用英文双引号括起，"
			    "其中的双引号写成两个 \"\"）",
			    r->fname, row, col);
	else
		errlist_add(r->errs, "%s:%d: %s: 无法读取：%s", r->fname, row, col,
			    status == CSV_ETOOBIG ? "单元格太大" : "内存不足");
	r->stop = 1;
}

/* csvfile_parse(): see csvfile.h.  Feeds data to libcsv chunk by chunk; the
** callbacks above do the work.  Returns the number of non-blank data rows
** read (valid or not), or -1 when there was no usable header. */
/* Parse CSV text that is UTF-8 (or holds bytes that are not: those are
** reported cell by cell). */
static int parse_text(const char *fname, const char *data, size_t len,
		      const struct csv_col *spec, int ncols,
		      csv_row_fn fn, void *ctx, errlist *errs)
{
	int rc = -1;
	struct csv_parser p;
	int parser_ready = 0;
	struct csvread r = {
		.fname = fname,
		.spec = spec,
		.ncols = ncols,
		.fn = fn,
		.ctx = ctx,
		.errs = errs,
		.last_term = -1,
	};
	r.spec_hdr = xcalloc((size_t)ncols, sizeof *r.spec_hdr);
	r.colname = xcalloc((size_t)ncols, sizeof *r.colname);
	r.vals = xcalloc((size_t)ncols, sizeof *r.vals);

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		errlist_add(errs, "%s:1: 表头: 无法读取：内存不足", fname);
		goto out;
	}
	parser_ready = 1;

	size_t done = 0;
	while (done < len && !r.stop) {
		size_t n = len - done < FEED_CHUNK ? len - done : FEED_CHUNK;
		size_t got = csv_parse(&p, data + done, n, on_field, on_record, &r);
		if (got != n || csv_error(&p) != CSV_SUCCESS) {
			report_csv_error(&r, csv_error(&p), 0);
			break;
		}
		done += n;
	}
	if (!r.stop && csv_fini(&p, on_field, on_record, &r) != 0)
		report_csv_error(&r, csv_error(&p), 1);

	if (!r.have_header && !r.stop)
		errlist_add(errs, "%s:1: 表头: 文件是空的，没有表头", fname);
	if (r.header_ok)
		rc = r.nrows;
out:
	if (parser_ready)
		csv_free(&p);
	buf_free(&r.text);
	buf_free(&r.offs);
	buf_free(&r.hdr_text);
	buf_free(&r.hdr_offs);
	free(r.hdr_spec);
	free(r.spec_hdr);
	free(r.colname);
	free(r.vals);
	return rc;
}

/* file_read_all(): see csvfile.h.  The result is also NUL-terminated (one
** byte beyond *len), so text files can be used as C strings.  Regular files
** are sized up front; pipes and the like are read until end of file.  On
** failure returns NULL with errno set (EFBIG when over max). */
char *file_read_all(const char *path, size_t max, size_t *len)
{
	char *rc = NULL, *data = NULL;
	size_t n = 0, cap;
	int err = 0;
	struct stat st;

	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		err = errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		err = EFBIG;
		goto out;
	}
	/* room for one byte more than expected, so the end shows without a
	** realloc; reading max + 1 bytes proves the file too big */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 64 * 1024;
	if (cap > max + 1)
		cap = max + 1;
	data = malloc(cap + 1);
	if (!data) {
		err = ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				err = EFBIG;
				goto out;
			}
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			char *p = realloc(data, ncap + 1);
			if (!p) {
				err = ENOMEM;
				goto out;
			}
			data = p;
			cap = ncap;
		}
		ssize_t got = read(fd, data + n, cap - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	data[n] = 0;
	if (len)
		*len = n;
	rc = data;
	data = NULL;
out:
	free(data);
	close(fd);
	if (!rc)
		errno = err;
	return rc;
}

/* What to do with a file that cannot be read, for every message below. */
#define UNREADABLE_HINT "请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入"

int csvfile_parse(const char *fname, const char *data, size_t len,
		  const struct csv_col *spec, int ncols,
		  csv_row_fn fn, void *ctx, errlist *errs)
{
	buf text = {0};
	int rc = -1;
	if (xlsx_is_zip(data, len)) {
		char err[256];
		if (xlsx_first_sheet_csv(data, len, &text, err)) {
			errlist_add(errs, "%s:1: 文件: 无法读取这个 Excel 工作簿：%s。" UNREADABLE_HINT,
				    fname, err);
			return -1;
		}
	} else {
		enum textenc e = textenc_to_utf8(data, len, &text);
		if (e == TEXTENC_UNKNOWN) {
			/* neither: the cells that are not UTF-8 are named one by
			** one as before, and the hint says what to do about it */
			int before = errs->n;
			rc = parse_text(fname, data, len, spec, ncols, fn, ctx, errs);
			if (errs->n > before)
				errlist_add(errs, "%s: 文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取。"
						  UNREADABLE_HINT, fname);
			return rc;
		}
	}
	if (text.p)
		rc = parse_text(fname, text.p, text.len, spec, ncols, fn, ctx, errs);
	else
		rc = parse_text(fname, data, len, spec, ncols, fn, ctx, errs);
	buf_free(&text);
	return rc;
}

const char *csvfile_format_name(const char *data, size_t len)
{
	if (xlsx_is_zip(data, len))
		return "Excel 工作簿（.xlsx，读取第一个工作表）";
	if (utf8_valid(data, len))
		return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? "CSV，UTF-8（带 BOM）" : "CSV，UTF-8";
	return "CSV，GB18030（GBK）编码，已转换为 UTF-8";
}
