/*
** xlsx.h — the Excel writer kit (libxlsxwriter) of every .xlsx export:
** the village's 台账, the funds, and later the town report and honours.
**
** A workbook is a list of sheets; each sheet is described by its columns
** (title, kind, width hint) and filled row by row, cell by cell, in column
** order.  Every sheet gets the same shape: a title row across all columns
** (e.g. "张马村 2024 年积分台账"), the column titles in row 2, frozen
** below it and carrying an autofilter, column widths that fit the longest
** text (a CJK character counts as two), integers and money as numbers with
** a number format, dates as real Excel dates (yyyy-mm-dd).
**
**     struct xlsx_book *b = xlsx_open(path);
**     struct xlsx_sheet *s = xlsx_sheet(b, "积分记录", "张马村 2024 年积分台账", cols, n);
**     xlsx_text(s, "zhangma-001"); xlsx_int(s, 5); xlsx_date(s, "2024-03-02"); xlsx_row_end(s);
**     ...
**     if (xlsx_close(b)) ... error
**
** Rows stream to libxlsxwriter's temporary files (TMPDIR) as they are
** written (constant memory: a row is final once the next one starts);
** xlsx_close() assembles the file.  Memory of the
** book is malloc'd and freed by xlsx_close(), which must always be called.
*/
#ifndef JIFEN_XLSX_H
#define JIFEN_XLSX_H

#include <stdint.h>

#include "util.h"

enum xlsx_kind {
	XLSX_TEXT,  /* a string cell */
	XLSX_INT,   /* an integer: number format "0" */
	XLSX_DEC2,  /* hundredths given as an integer (coverage 125 = 1.25): "0.00" */
	XLSX_DATE,  /* "YYYY-MM-DD" written as an Excel date: "yyyy-mm-dd" */
	XLSX_YUAN,  /* money in integer fen, shown in yuan: "#,##0.00" */
};

struct xlsx_col {
	const char *title;   /* the column's title in row 2 */
	enum xlsx_kind kind;
	int width;           /* the least width in characters (0: from the content) */
};

struct xlsx_book;
struct xlsx_sheet;

/* A new workbook that xlsx_close() writes to path.  NULL when libxlsxwriter
** cannot start one. */
struct xlsx_book *xlsx_open(const char *path);

/* Add a sheet named name (≤ 31 characters, no []:*?/\) with title in its
** first row and the columns cols[0..ncols).  title NULL: no title row, the
** column titles are row 1 (an import template, read back as it is).  NULL when it cannot (the book
** is then failed: xlsx_close returns -1). */
struct xlsx_sheet *xlsx_sheet(struct xlsx_book *b, const char *name, const char *title,
			      const struct xlsx_col *cols, int ncols);

/* Declare, before the first row, that n rows follow: the autofilter then
** covers exactly them (else it runs to the sheet's end, notes included).
** The book streams rows to disk (constant memory), so it cannot wait. */
void xlsx_expect_rows(struct xlsx_sheet *s, int64_t n);

/* The next cell of the current row.  A cell of a kind other than the
** column's is written as its kind says (a text note in a number column).
** NULL text and an empty date leave the cell blank. */
void xlsx_text(struct xlsx_sheet *s, const char *v);
void xlsx_int(struct xlsx_sheet *s, int64_t v);
/* the column's kind decides: XLSX_DEC2 hundredths, XLSX_YUAN fen */
void xlsx_cents(struct xlsx_sheet *s, int64_t v);
void xlsx_date(struct xlsx_sheet *s, const char *yyyy_mm_dd);
void xlsx_blank(struct xlsx_sheet *s);
/* End the current row. */
void xlsx_row_end(struct xlsx_sheet *s);
/* A line of text below the table (after a blank row), e.g. a source note;
** outside the autofilter. */
void xlsx_note(struct xlsx_sheet *s, const char *text);

/* Set the widths and autofilters, write the file, free the book.  0 done,
** -1 failed (nothing usable at path). */
int xlsx_close(struct xlsx_book *b);

/* The display width of UTF-8 text in Excel columns: 2 per CJK (or other
** wide) character, 1 otherwise. */
int xlsx_text_width(const char *s);

/* The Content-Type of an .xlsx download. */
#define XLSX_CONTENT_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#endif
