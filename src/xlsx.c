/*
** xlsx.c — the Excel writer kit over libxlsxwriter (see xlsx.h).
**
** Widths are measured while the rows are written and set at close, so the
** caller never guesses them; the autofilter too needs the last row.  The
** book is written in libxlsxwriter's constant_memory mode (see xlsx_open),
** which allows both: column widths and the filter go into the sheet's
** header part, assembled at close.
*/
#include "xlsx.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

enum { XLSX_MAX_SHEETS = 16, XLSX_MAX_COLS = 32, XLSX_MAX_WIDTH = 60 };

struct xlsx_sheet {
	struct xlsx_book *book;
	lxw_worksheet *ws;
	const struct xlsx_col *cols;
	int ncols;
	lxw_row_t row; /* the row being written (0-based; 0 title, 1 header) */
	lxw_col_t col; /* the next cell */
	lxw_row_t last_data; /* the last row of the table */
	lxw_row_t hdr;       /* the header's row: 1, or 0 without a title */
	int filtered;        /* the autofilter is set */
	int width[XLSX_MAX_COLS];
};

struct xlsx_book {
	lxw_workbook *wb;
	lxw_format *title, *header, *integer, *dec2, *date, *yuan, *note;
	struct xlsx_sheet sheets[XLSX_MAX_SHEETS];
	int nsheets;
	int failed;
};

int xlsx_text_width(const char *s)
{
	if (!s)
		return 0;
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t k = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		/* ASCII and two-byte letters (Latin, Greek, Cyrillic) are narrow;
		** CJK, full-width punctuation and emoji wide */
		w += k >= 3 ? 2 : 1;
		while (k-- && *p) /* a cut sequence stops at its NUL */
			p++;
	}
	return w;
}

struct xlsx_book *xlsx_open(const char *path)
{
	/* constant_memory: each row goes to a temporary file once the next
	** one starts (the kit writes rows in order), so a village-year of
	** 70,000 entries takes a few MB, not 150; strings are then inline */
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb)
		return NULL;
	struct xlsx_book *b = calloc(1, sizeof *b);
	if (!b)
		abort();
	b->wb = wb;
	b->title = workbook_add_format(wb);
	format_set_bold(b->title);
	format_set_font_size(b->title, 14);
	format_set_align(b->title, LXW_ALIGN_LEFT);
	format_set_align(b->title, LXW_ALIGN_VERTICAL_CENTER);
	b->header = workbook_add_format(wb);
	format_set_bold(b->header);
	format_set_bg_color(b->header, 0xD9D9D9); /* grey: readable in grey print */
	format_set_border(b->header, LXW_BORDER_THIN);
	format_set_text_wrap(b->header);
	b->integer = workbook_add_format(wb);
	format_set_num_format(b->integer, "0");
	b->dec2 = workbook_add_format(wb);
	format_set_num_format(b->dec2, "0.00");
	b->date = workbook_add_format(wb);
	format_set_num_format(b->date, "yyyy-mm-dd");
	format_set_align(b->date, LXW_ALIGN_LEFT);
	b->yuan = workbook_add_format(wb);
	format_set_num_format(b->yuan, "#,##0.00");
	b->note = workbook_add_format(wb);
	format_set_italic(b->note);
	return b;
}

struct xlsx_sheet *xlsx_sheet(struct xlsx_book *b, const char *name, const char *title,
			      const struct xlsx_col *cols, int ncols)
{
	if (b->failed || b->nsheets == XLSX_MAX_SHEETS || ncols < 1 || ncols > XLSX_MAX_COLS) {
		b->failed = 1;
		return NULL;
	}
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws) {
		b->failed = 1;
		return NULL;
	}
	struct xlsx_sheet *s = &b->sheets[b->nsheets++];
	memset(s, 0, sizeof *s);
	s->book = b;
	s->ws = ws;
	s->cols = cols;
	s->ncols = ncols;
	s->hdr = title ? 1 : 0;
	if (title && ncols > 1)
		worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(ncols - 1), title, b->title);
	else if (title)
		worksheet_write_string(ws, 0, 0, title, b->title);
	if (title)
		worksheet_set_row(ws, 0, 24, NULL);
	for (int i = 0; i < ncols; i++) {
		worksheet_write_string(ws, s->hdr, (lxw_col_t)i, cols[i].title, b->header);
		int w = xlsx_text_width(cols[i].title) + 2; /* room for the filter button */
		s->width[i] = w > cols[i].width ? w : cols[i].width;
	}
	worksheet_freeze_panes(ws, s->hdr + 1, 0);
	worksheet_repeat_rows(ws, s->hdr, s->hdr); /* printed: the header on every page */
	s->row = s->hdr + 1;
	s->last_data = s->hdr;
	return s;
}

void xlsx_expect_rows(struct xlsx_sheet *s, int64_t n)
{
	if (!s || s->filtered || s->row != s->hdr + 1 || s->col)
		return;
	int64_t last = (int64_t)s->hdr + (n > 0 ? n : 0);
	if (last >= LXW_ROW_MAX)
		last = LXW_ROW_MAX - 1;
	worksheet_autofilter(s->ws, s->hdr, 0, (lxw_row_t)last, (lxw_col_t)(s->ncols - 1));
	s->filtered = 1;
}

/* Before the first data cell: without xlsx_expect_rows the filter covers
** the columns to the sheet's end (constant_memory cannot go back to the
** header row once the rows below it are written). */
static void filter_before_data(struct xlsx_sheet *s)
{
	if (!s->filtered && s->row == s->hdr + 1 && s->col == 0)
		xlsx_expect_rows(s, LXW_ROW_MAX);
}

/* Widen column col to w characters when it is narrower. */
static void fit(struct xlsx_sheet *s, lxw_col_t col, int w)
{
	if ((int)col < s->ncols && s->width[col] < w)
		s->width[col] = w;
}

/* The kind of the next cell's column (text past the last column). */
static enum xlsx_kind next_kind(const struct xlsx_sheet *s)
{
	return (int)s->col < s->ncols ? s->cols[s->col].kind : XLSX_TEXT;
}

void xlsx_text(struct xlsx_sheet *s, const char *v)
{
	if (!s)
		return;
	filter_before_data(s);
	if (v && *v) {
		worksheet_write_string(s->ws, s->row, s->col, v, NULL);
		fit(s, s->col, xlsx_text_width(v) + 1);
	}
	s->col++;
}

void xlsx_blank(struct xlsx_sheet *s)
{
	if (!s)
		return;
	filter_before_data(s);
	s->col++;
}

void xlsx_int(struct xlsx_sheet *s, int64_t v)
{
	if (!s)
		return;
	filter_before_data(s);
	char tmp[24];
	int_format(tmp, v, 0);
	worksheet_write_number(s->ws, s->row, s->col, (double)v, s->book->integer);
	fit(s, s->col, (int)strlen(tmp) + 1);
	s->col++;
}

void xlsx_cents(struct xlsx_sheet *s, int64_t v)
{
	if (!s)
		return;
	filter_before_data(s);
	int yuan = next_kind(s) == XLSX_YUAN;
	/* width: the digits, the point, and the thousands commas of yuan */
	char tmp[24];
	int n = (int)int_format(tmp, v / 100, 0) + 3;
	worksheet_write_number(s->ws, s->row, s->col, (double)v / 100.0,
			       yuan ? s->book->yuan : s->book->dec2);
	fit(s, s->col, n + (yuan ? n / 4 : 0) + 1);
	s->col++;
}

void xlsx_date(struct xlsx_sheet *s, const char *d)
{
	if (!s)
		return;
	filter_before_data(s);
	if (d && date_valid(d)) {
		lxw_datetime dt = {atoi(d), atoi(d + 5), atoi(d + 8), 0, 0, 0};
		worksheet_write_datetime(s->ws, s->row, s->col, &dt, s->book->date);
		fit(s, s->col, 11);
	} else if (d && *d) {
		worksheet_write_string(s->ws, s->row, s->col, d, NULL);
		fit(s, s->col, xlsx_text_width(d) + 1);
	}
	s->col++;
}

void xlsx_row_end(struct xlsx_sheet *s)
{
	if (!s)
		return;
	s->last_data = s->row;
	s->row++;
	s->col = 0;
}

void xlsx_note(struct xlsx_sheet *s, const char *text)
{
	if (!s)
		return;
	if (s->row == s->last_data + 1)
		s->row++; /* one blank row between the table and its notes */
	worksheet_write_string(s->ws, s->row, 0, text, s->book->note);
	s->row++;
	s->col = 0;
}

int xlsx_close(struct xlsx_book *b)
{
	if (!b)
		return -1;
	for (int i = 0; i < b->nsheets; i++) {
		struct xlsx_sheet *s = &b->sheets[i];
		for (int c = 0; c < s->ncols; c++)
			worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c,
					     s->width[c] < XLSX_MAX_WIDTH ? s->width[c]
									 : XLSX_MAX_WIDTH,
					     NULL);
		if (!s->filtered) /* no rows were written: the header row is still open */
			worksheet_autofilter(s->ws, s->hdr, 0, s->hdr, (lxw_col_t)(s->ncols - 1));
	}
	lxw_error e = workbook_close(b->wb);
	int failed = b->failed || e != LXW_NO_ERROR;
	free(b);
	return failed ? -1 : 0;
}
