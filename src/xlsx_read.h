/*
** xlsx_read.h — reading the first sheet of an Excel workbook (.xlsx, Office
** Open XML, as Excel, WPS and LibreOffice write it) as the CSV text the
** import path already reads, so an .xlsx upload goes through the very same
** column checks and row messages as a CSV file.
**
** Cells: shared strings, inline strings, formula results (the cached
** value), booleans as 1/0, numbers as Excel shows them in General format
** (integers without ".0", 12.5), and numbers in a date format as
** YYYY-MM-DD.  Row numbers stay the sheet's: a missing row becomes a blank
** line, so an error names the row Excel shows.
**
** The work is bounded (a zip bomb or a huge sheet is refused, in Chinese):
** at most XLSX_MAX_XML uncompressed bytes of XML in all, XLSX_MAX_ROWS rows
** and XLSX_MAX_CELLS cells (counting the empty cells between filled ones);
** a DTD is refused outright (no entity expansion).
*/
#ifndef JIFEN_XLSX_READ_H
#define JIFEN_XLSX_READ_H

#include <stddef.h>

#include "util.h"

enum {
	XLSX_MAX_XML = 64 * 1024 * 1024,
	XLSX_MAX_ROWS = 200000,
	XLSX_MAX_CELLS = 2000000,
};

/* 1 when data starts with a ZIP local file header ("PK\3\4"): how an
** .xlsx is recognised, whatever its file name says. */
int xlsx_is_zip(const char *data, size_t len);

/* xlsx_first_sheet_csv(): the first sheet of the workbook data[0..len) as
** UTF-8 CSV (every cell quoted, rows ending in LF) appended to csv.  0 done;
** -1 when it cannot be read, with a Chinese sentence (no file name) in
** err; csv is then emptied. */
int xlsx_first_sheet_csv(const char *data, size_t len, buf *csv, char err[256]);

#endif
