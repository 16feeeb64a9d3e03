/*
** csvout.h — the one CSV writer of every export (the web's balances.csv
** and standard CSVs, `jifen balances`): RFC 4180 quoting, and the formula
** guard that keeps a spreadsheet from running a cell.
**
** A text cell that starts with = + - @, a tab or a carriage return is one
** a spreadsheet may take for a formula (=HYPERLINK(…), @SUM(…), -2+3):
** it is written quoted with an apostrophe inside the quotes, "'=…", so it
** stays one cell whatever it holds and shows as text.  Other text cells
** are quoted when they hold a comma, a quote or a line break (quotes
** doubled).  Numbers go through csv_int(), never guarded: -5 in a points
** column is a negative number, not a formula.
**
** The writer appends to a buf; with a flush function it hands the bytes
** on whenever more than CSV_CHUNK are buffered, so an export of any size
** holds a bounded amount in memory.
*/
#ifndef JIFEN_CSVOUT_H
#define JIFEN_CSVOUT_H

#include <stdint.h>

#include "util.h"

enum { CSV_CHUNK = 64 * 1024 };

struct csv_out {
	buf b;           /* the bytes not handed on yet (freed by csv_finish) */
	const char *eol; /* "\n" or "\r\n" */
	int col;         /* cells written in the current row */
	/* NULL: keep everything in b; else called with b's bytes whenever b
	** holds more than CSV_CHUNK, and by csv_finish() (non-zero: stop) */
	int (*flush)(void *arg, const char *p, size_t n);
	void *arg;
	int failed;
};

/* Start a writer with rows ending in eol. */
void csv_begin(struct csv_out *w, const char *eol);
/* Raw bytes (a BOM, a header line written as a literal). */
void csv_literal(struct csv_out *w, const char *s);
/* One text cell (NULL: empty), quoted and guarded as above. */
void csv_text(struct csv_out *w, const char *s);
/* One numeric cell. */
void csv_int(struct csv_out *w, int64_t v);
/* End the row (flushing when the buffer is over CSV_CHUNK). */
void csv_row_end(struct csv_out *w);
/* Hand on the rest (when there is a flush function) and free.  Returns 0,
** or -1 when a flush failed.  Without a flush function the caller takes
** w->b (and frees it) before calling csv_finish. */
int csv_finish(struct csv_out *w);

/* 1 when a text cell starting with s's first byte is formula-guarded. */
int csv_needs_guard(const char *s);

#endif
