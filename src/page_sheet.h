/*
** page_sheet.h — what the month's pages share (page_sheet.c, the entry
** screen; page_sheet_review.c, the committee's review and the entries of
** many households at once).
*/
#ifndef JIFEN_PAGE_SHEET_H
#define JIFEN_PAGE_SHEET_H

#include "html.h"
#include "sheet.h"

/* "2024 年 5 月" of "2024-05" (arena). */
const char *sheet_month_label(arena *a, const char *month);

/* The status tag of a sheet (草稿, 已提交, ...). */
void sheet_status_tag(struct req *r, int status);

/* The entries rows[0..n) grouped by household with a running total per
** household and the shown rows' total (label: "本页合计" when paged,
** else "全表合计"); remove buttons when can_remove; the photo of an
** entry linked. */
void sheet_entries_table(struct req *r, const struct village *v, const char *month,
			 const struct entry *rows, int n, int can_remove, int paged);

/* The approval form (集体审定) and the return form of a submitted sheet,
** for the review page; the fields as given (NULL: empty). */
void sheet_approve_forms(struct req *r, const struct village *v, const char *month,
			 const char *date, const char *attendees, const char *resolution,
			 const char *reason);

/* GET /v/CODE/sheets/M/review and the rejected approval or return: the
** committee's review page with errs (NULL: none) above the forms. */
void sheet_review_page(struct req *r, const struct village *v, const char *month,
		       const errlist *errs, const char *date, const char *attendees,
		       const char *resolution, const char *reason);

#endif
