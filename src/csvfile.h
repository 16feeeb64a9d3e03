/*
** csvfile.h — reading the CSV formats of INTERFACES.md through libcsv.
**
** Also what Excel on Chinese Windows writes: a CSV that is not valid UTF-8
** is read as GB18030 (a superset of GBK, textenc.c), and an .xlsx
** (recognised by its ZIP signature) is read as its first sheet
** (xlsx_read.c) — each turned into UTF-8 CSV text first, so every check
** and message below is the same for all three.
**
** UTF-8 with or without BOM, comma separated, RFC 4180 quoting (commas,
** quotes and newlines inside quoted fields), LF or CRLF.  The first record is
** the header; its names are matched against a column spec in English or the
** Chinese alias, in any order.  Unknown, duplicate and missing required
** columns are errors.  Every error is one line:
**     FILE:ROW: COLUMN: message          (Chinese message)
** where ROW counts records with the header as row 1 (a quoted field spanning
** lines is still one row), and COLUMN is the column name as the file spells
** it (or the English name when the column is absent).
*/
#ifndef JIFEN_CSVFILE_H
#define JIFEN_CSVFILE_H

#include "util.h"

struct csv_col {
	const char *name;  /* English header, e.g. "head_name" */
	const char *alias; /* Chinese header, e.g. "户主姓名" */
	int required;      /* the column must be present in the header */
};

/* One data row.  vals[i] is the trimmed text of spec column i, or NULL when
** that column is not in the file; an empty cell is "" (callers treat "" as
** absent for optional fields).  colname[i] is the header as the file spells
** it (or the spec's English name if absent), for error messages. */
struct csv_row {
	int row;               /* 2 for the first data row */
	const char *const *vals;
	const char *const *colname;
};

/* Called once per data row; returns 0 to go on, non-zero to stop reading. */
typedef int (*csv_row_fn)(void *ctx, const struct csv_row *r);

/* csvfile_parse(): parse data[0..len) against spec (ncols columns); call fn
** for every data row whose cells are valid text.  Errors of the file itself
** (header problems, invalid UTF-8 or control characters in a cell, a row with
** more cells than the header, unterminated quote, empty file) are added to
** errs using fname as FILE.  Rows with structural errors are not passed to
** fn.  Fully blank lines are skipped.  Returns the number of data rows seen,
** or -1 when the header itself was unusable (nothing passed to fn). */
int csvfile_parse(const char *fname, const char *data, size_t len,
		  const struct csv_col *spec, int ncols,
		  csv_row_fn fn, void *ctx, errlist *errs);

/* What csvfile_parse() reads data as, in Chinese, for an import's
** preview: "CSV，UTF-8", "CSV，GB18030（GBK）…", "Excel 工作簿…".
** (Converting is csvfile_parse's: a file neither reads is refused there.) */
const char *csvfile_format_name(const char *data, size_t len);

/* Read a whole file into malloc'd memory (caller frees); NULL on error with
** errno set.  *len receives the size.  Files over max bytes fail (EFBIG). */
char *file_read_all(const char *path, size_t max, size_t *len);

#endif
