/*
** sheet_int.h — what sheet.c shares with declaration.c and objection.c
** only: the state of an entry's checks, the entry added inside the
** caller's transaction (a declaration accepted becomes an entry), and the
** checks of an item scored late (an upheld objection).  Not for other
** files.
*/
#ifndef JIFEN_SHEET_INT_H
#define JIFEN_SHEET_INT_H

#include "sheet.h"
#include "standard.h"

/* The columns of struct entry, for sheet_entry_from_row() (sheet.c and
** sheet_view.c read entries the same way). */
#define ENTRY_SEL "SELECT e.id, e.sheet_id, e.village_id, e.household_id, e.item_id," \
		  " e.version_id, h.code, h.head_name, e.item_code, i.name, i.category, i.points," \
		  " i.veto, i.evidence, e.date, e.quantity, e.points, e.note, e.photo," \
		  " COALESCE(e.declaration_id, 0), e.recorded_by, e.created_at" \
		  " FROM entry e JOIN household h ON h.id = e.household_id" \
		  " JOIN standard_item i ON i.id = e.item_id"

/* The end of a page of ENTRY_SEL ... WHERE e.sheet_id = $s ...: the rows
** after entry $after (0: from the start) in the sheet's order (household
** code, date, id), $lim of them.  One text for every page of entries, so
** that a cursor taken from one reads on in the same order. */
#define ENTRY_PAGE_AFTER " AND ($after = 0 OR (length(h.code), h.code, e.date, e.id) >" \
			 " (SELECT length(h2.code), h2.code, e2.date, e2.id FROM entry e2" \
			 " JOIN household h2 ON h2.id = e2.household_id" \
			 " WHERE e2.id = $after AND e2.sheet_id = $s))" \
			 " ORDER BY length(h.code), h.code, e.date, e.id LIMIT $lim"

/* A struct entry from a row of ENTRY_SEL (strings in a; a db_row_fn). */
void sheet_entry_from_row(db_stmt *s, arena *a, void *row);
/* Read a page of entries from s, a query of ENTRY_SEL asked for limit + 1
** rows: at most limit into *rows (arena), *n of them, and *next the last
** one's id when there is one more (else left as it is).  0 or -1. */
int sheet_entries_read_page(db_stmt *s, arena *a, int limit, struct entry **rows, int *n,
			    int64_t *next);

/* What the checks need of a household. */
struct hh_info {
	int64_t id;
	const char *code, *name;
	int participating, eligible;
	const char *joined, *left_on; /* NULL when not set */
};

/* Everything checking entries of one village and month needs, loaded once
** (an import checks thousands of rows against it). */
struct entry_ctx {
	db *d;
	arena *a;
	const struct village *v;
	const char *month;
	char today[11];
	struct std_book book;
	struct smap households; /* code → hh_info (p); only for imports */
	struct smap tally;      /* "hid|code|YYYY-MM" and "hid|code|YYYY" → points */
	struct smap loaded;     /* "hid|YYYY" whose tallies are loaded */
};

/* An entry that passed the checks. */
struct checked_entry {
	const struct hh_info *h;
	const struct std_version *ver;
	const struct std_item *it;
	const char *date;
	int64_t quantity, points;
	const char *note, *photo;
	int64_t declaration_id;
};

/* One household of the village by id or code: 0 (*out), 1 none, -1. */
int hh_lookup(struct entry_ctx *c, int64_t id, const char *code, struct hh_info **out);

/* Whether evidence hash belongs to the village: 0 yes, 1 no, -1. */
int photo_known(db *d, int64_t village_id, const char *hash);

/* entry_add inside the caller's write transaction; ce receives the checked
** entry.  Returns 0, 1, -1. */
int entry_add_tx(db *d, arena *a, const struct actor *who, const struct village *v,
		 const char *month, const struct entry_input *in, errlist *errs,
		 int64_t *entry_id, struct checked_entry *ce);

/* Every check of an entry (household, date not in the future, item in the
** standard in force on in->date, evidence, caps counting the ledger and
** the drafts) for in->date's month, whatever the state of its sheet: an
** upheld objection scores a missed item straight onto the ledger.  ce
** receives the checked entry.  Returns 0, 1 (errs, by field), -1. */
int entry_check_missed(db *d, arena *a, const struct village *v, const struct entry_input *in,
		       errlist *errs, struct checked_entry *ce);

#endif
