/*
** sheet_review.h — reading a month's sheet the ways its users need
** besides the whole list: one entry (the scorer's confirmation and undo),
** a filtered page of entries (by household, item, scorer; deductions
** only), the totals per category and the changes made after the sheet
** was first handed in, for the committee's review before 集体审定; and
** entry_add_many(), one item for many households at once (everyone at
** the 村民大会), all or nothing.  The rules stay in sheet.c: everything
** here reads, or adds through entry_add_tx().
*/
#ifndef JIFEN_SHEET_REVIEW_H
#define JIFEN_SHEET_REVIEW_H

#include "sheet.h"

/* entry_get(): entry entry_id of village_id with its household and item
** (arena).  Returns 0, 1 none (or another village's), -1. */
int entry_get(db *d, arena *a, int64_t village_id, int64_t entry_id, struct entry **out);

/* Which entries of a sheet a page shows; zero fields do not filter. */
struct entry_filter {
	int64_t household_id;
	const char *item_code;   /* NULL or "": every item */
	const char *recorded_by; /* NULL or "": every scorer */
	int deductions;          /* 1: only entries of negative points */
};

/* sheet_entries_find(): at most limit (≥ 1) entries of sheet_id that pass
** f (NULL: all), in the order of sheet_entries() (household code, date,
** id), those after entry after (0: from the first); *next the entry to
** pass as after for the next page, 0 on the last.  0 or -1. */
int sheet_entries_find(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		       const struct entry_filter *f, int64_t after, int limit, struct entry **rows,
		       int *n, int64_t *next);

/* The entries of a sheet of one category of the standard. */
struct sheet_category_total {
	const char *category;
	int64_t entries, households, plus, minus;
};
/* sheet_category_totals(): per category, in the order of the first item
** code of each.  0 or -1. */
int sheet_category_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
			  struct sheet_category_total **rows, int *n);

/* Per household: entries, plus and minus points. */
struct sheet_household_total {
	int64_t household_id;
	const char *household_code, *household_name;
	int64_t entries, plus, minus;
};
int sheet_household_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
			   struct sheet_household_total **rows, int *n);

/* One change to a sheet after it was first submitted: entries are never
** edited, so a change is an entry added or removed (a removal is read
** from its audit record). */
struct sheet_change {
	int added;                       /* 1 added, 0 removed */
	const char *household_code, *item_code, *date;
	int64_t points;
	const char *by;                  /* login */
	int64_t at;                      /* unix time */
};

/* sheet_changes_since_submit(): *first_submit the time sheet s was first
** submitted (0: never, and no changes); the changes after it, oldest
** first.  The sheet is closed while submitted, so changes exist only
** when the committees returned it and the scorers changed it before
** submitting again.  0 or -1. */
int sheet_changes_since_submit(db *d, arena *a, const struct sheet *s, int64_t *first_submit,
			       struct sheet_change **rows, int *n);

/* entry_add_many(): item_code on date for each of the n households (ids of
** village v), quantity 1 and note for all, onto v's sheet of month in ONE
** write transaction, each entry audited as entry_add() audits it: every
** household is checked as entry_add() checks one (participating, caps,
** evidence: a note counts), and nothing is added unless all pass; the
** messages then name each household.  n ≥ 1 and ≤ 5000.  *added the
** entries added.  Returns 0, 1, -1. */
int entry_add_many(db *d, const struct actor *who, const struct village *v, const char *month,
		   const char *item_code, const char *date, const char *note,
		   const int64_t *household_ids, int n, errlist *errs, int *added);

#endif
