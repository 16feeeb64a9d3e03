/*
** sheet.h — monthly scoring (一月一积分): one sheet per village per month,
** its draft entries, and the workflow draft → submitted → (returned → submitted …) → approved.
** Approval (集体审定) records the meeting and puts the whole sheet onto the
** ledger (ledger_post_sheet) in the same transaction: all or nothing.  An
** approved sheet is closed; later findings go into a correction
** (ledger_correct).
**
** The rules live here once — eligibility, the standard in force on the
** entry's date, date inside the month, quantity, evidence, caps — and the
** pages (page_sheet.c), the API and the CLI (`jifen import entries`,
** `jifen sheet approve`) all use them.
**
** Return convention: 0 done; 1 rejected with Chinese messages in errs and
** nothing written; -1 database error (db_errmsg), nothing written.  Every
** function that writes runs its own write transaction with an audit record,
** unless it says it runs inside the caller's.
**
** Caps (扣完为止 / 满分封顶): per household and item code, the absolute value
** of the points of the month (cap_month) or calendar year (cap_year) may
** not exceed the cap of the item in the version the new entry is scored
** under.  Counted: the village's ledger entries (corrections included) and
** the draft entries of every not yet approved sheet of the village, plus
** (imports) the earlier rows of the same file.  The message names the cap:
**   「HJ01 宅前屋后无乱堆乱放」每月上限 5 分，本月已记 5 分
*/
#ifndef JIFEN_SHEET_H
#define JIFEN_SHEET_H

#include <stdint.h>

#include "audit.h"
#include "csvfile.h"
#include "db.h"
#include "util.h"
#include "village.h"

/* ---- sheets --------------------------------------------------------------- */

enum sheet_status { SHEET_DRAFT, SHEET_SUBMITTED, SHEET_RETURNED, SHEET_APPROVED };
/* "draft", "submitted", "returned", "approved" / 草稿, 已提交, 已退回, 已审定. */
const char *sheet_status_name(int status);
const char *sheet_status_label(int status);
/* Status from its stored name, -1 if unknown. */
int sheet_status_from_name(const char *name);

struct sheet {
	int64_t id, village_id;
	const char *month;          /* YYYY-MM */
	int status;                 /* enum sheet_status */
	const char *submitted_by;   /* login or NULL */
	int64_t submitted_at;       /* 0 when never */
	const char *returned_by;    /* login or NULL (the last return) */
	int64_t returned_at;
	const char *return_reason;  /* NULL unless returned at some point */
	int64_t approval_id;        /* 0 unless approved */
	int64_t created_at, updated_at;
	int64_t entry_count;        /* entries on the sheet */
	int64_t points_plus, points_minus; /* sums of positive / negative points */
	int64_t households;         /* distinct households with entries */
};

/* An entry may be added (draft or returned sheet). */
int sheet_is_open(const struct sheet *s);

/* sheet_get(): the sheet of village_id for month, with its counts.
** Returns 0 found, 1 none, -1 error. */
int sheet_get(db *d, arena *a, int64_t village_id, const char *month, struct sheet **out);
/* The same by id (scoped by village). */
int sheet_get_by_id(db *d, arena *a, int64_t village_id, int64_t sheet_id, struct sheet **out);

/* sheet_get_or_create(): the sheet of village_id for month, created as a
** draft when missing.  Runs inside the caller's write transaction.  month
** must be valid and not after the current month (1 with errs otherwise).
** Returns 0, 1, -1. */
int sheet_get_or_create(db *d, arena *a, int64_t village_id, const char *month,
			struct sheet **out, errlist *errs);

/* sheet_list(): the village's sheets, newest month first, with counts.
** Returns 0 or -1. */
int sheet_list(db *d, arena *a, int64_t village_id, struct sheet **rows, int *n);

/* ---- entries --------------------------------------------------------------- */

struct entry {
	int64_t id, sheet_id, village_id, household_id, item_id, version_id;
	const char *household_code, *household_name; /* 户编号, 户主姓名 */
	const char *item_code, *item_name, *category;
	int64_t item_points;        /* points of one */
	int veto, evidence;         /* of the item */
	const char *date;           /* YYYY-MM-DD */
	int64_t quantity, points;
	const char *note;           /* "" when none */
	const char *photo;          /* evidence hash or NULL */
	int64_t declaration_id;     /* 0 none */
	const char *recorded_by;
	int64_t created_at;
};

/* What a scorer enters for one entry.  Either household_id or
** household_code names the household; item by code. */
struct entry_input {
	int64_t household_id;       /* 0: use household_code */
	const char *household_code;
	const char *item_code;
	const char *date;           /* YYYY-MM-DD inside the sheet's month, not in the future */
	int64_t quantity;           /* 1–1000; 0 means 1 */
	const char *note;           /* NULL or "" none; ≤ 500 characters */
	const char *photo;          /* evidence hash of this village or NULL */
	int64_t declaration_id;     /* set by declaration_accept, else 0 */
	int late_deed;              /* 1 (declaration_accept): the deed's month is approved
				    ** already, so the date may be in an earlier month
				    ** than the sheet's; it keeps the deed's date */
};

/* sheet_entries(): the entries of sheet_id (village-scoped), ordered by
** household code then date and id; only household_id's when it is not 0.
** Returns 0 or -1. */
int sheet_entries(db *d, arena *a, int64_t village_id, int64_t sheet_id, int64_t household_id,
		  struct entry **rows, int *n);

/* sheet_entries_page(): at most limit (≥ 1) entries of sheet_id in the
** order of sheet_entries(), those after entry after (0: from the first);
** *next the id to pass as after for the next page, 0 when this is the
** last.  An answer of any sheet holds at most limit rows.  0 or -1. */
int sheet_entries_page(db *d, arena *a, int64_t village_id, int64_t sheet_id, int64_t after,
		       int limit, struct entry **rows, int *n, int64_t *next);
/* Entries per page of the sheet's page and API: default and most. */
enum { SHEET_PAGE_DEFAULT = 500, SHEET_PAGE_MAX = 2000 };

/* Running totals of a sheet per household (for the entry grid). */
struct sheet_total {
	int64_t household_id;
	const char *household_code, *household_name;
	int64_t entries, points;
};
int sheet_totals(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		 struct sheet_total **rows, int *n);

/* entry_add(): check in and add one entry to village v's sheet of month
** (created when missing), own transaction, audited ("entry.add").
** Rejected (1, errs) when: the sheet is not open (submitted / approved);
** the household is unknown or not participating (or joined after the date);
** the date is not in the month or in the future; no version of the standard
** is in force on the date or it has no such item; quantity out of range;
** the item needs evidence and neither photo nor note is given; the photo is
** not one of the village's; a cap would be passed (message names it).
** Returns 0 (*entry_id set when not NULL), 1, -1.
** A refusal for the sheet's state — here, in entry_remove(), the import,
** sheet_submit/_return/_approve — is also marked in errs (refusal
** REFUSED_CONFLICT, state the sheet's status; no sheet: REFUSED_NOT_FOUND),
** inside the transaction that saw it, so the API answers 409/404 without
** checking the status before. */
int entry_add(db *d, const struct actor *who, const struct village *v, const char *month,
	      const struct entry_input *in, errlist *errs, int64_t *entry_id);

/* What entry_remove() and declaration_accept()/_decline() return when the
** id names nothing of village v (none, or another village's): more than 0
** like every refusal, so that callers who only test rc > 0 still refuse;
** pages and the API answer it with 404, as for every object of another
** village. */
enum { SHEET_NOT_FOUND = 2 };

/* entry_remove(): remove draft entry entry_id of village v (its sheet must
** be open); own transaction, audited.  A declaration it accepted goes back
** to pending.  Returns 0, SHEET_NOT_FOUND (errs: unknown entry), 1 (errs:
** sheet closed), -1. */
int entry_remove(db *d, const struct actor *who, const struct village *v, int64_t entry_id,
		 errlist *errs);

/* ---- the entries CSV import ------------------------------------------------ */

enum entry_field { EF_HOUSEHOLD, EF_ITEM, EF_QUANTITY, EF_DATE, EF_NOTE, EF_COUNT };
extern const struct csv_col entry_csv_spec[EF_COUNT];

struct entry_import_report {
	int rows;           /* entries in the file (= added unless dry run) */
	int households;     /* distinct households */
	int64_t points;     /* sum of their points */
	int64_t sheet_id;   /* 0 when a dry run found no sheet */
};

/* sheet_import_entries(): add the entries CSV data[0..len) (INTERFACES.md
** "entries"; fname for "FILE:ROW: COLUMN: message") to village v's sheet of
** month.  Every row is checked as entry_add does — caps counting the
** earlier rows of the file too — and nothing is added unless every row
** passes; then all rows go in one transaction, audited once
** ("entry.import").  dry_run: check only.  Returns 0 (rep filled), 1, -1. */
int sheet_import_entries(db *d, const struct actor *who, const struct village *v,
			 const char *month, const char *fname, const char *data, size_t len,
			 int dry_run, struct entry_import_report *rep, errlist *errs);

/* ---- workflow ---------------------------------------------------------------- */

/* sheet_submit(): scorers hand a draft/returned sheet with at least one
** entry to the committees.  Own transaction, audited.  Returns 0, 1, -1. */
int sheet_submit(db *d, const struct actor *who, const struct village *v, const char *month,
		 errlist *errs);

/* sheet_return(): a village admin returns a submitted sheet to the
** scorers with a reason (required, ≤ 500 characters) they see.  Returns
** 0, 1, -1. */
int sheet_return(db *d, const struct actor *who, const struct village *v, const char *month,
		 const char *reason, errlist *errs);

/* The meeting that approves a sheet (集体审定). */
struct approval_input {
	const char *meeting_date; /* YYYY-MM-DD, not in the future, not before the month starts */
	const char *attendees;    /* who attended, required, ≤ 500 characters */
	const char *resolution;   /* the resolution, required, ≤ 2000 characters */
};

/* What an approval did (also the row of table approval). */
struct approval {
	int64_t id, village_id, sheet_id;
	const char *month, *meeting_date, *attendees, *resolution;
	const char *approved_by;
	int64_t approved_at;
	int64_t entry_count, points_total;
	int64_t seq_first, seq_last; /* 0 when the sheet had no entries */
	const char *head_hash;       /* chain head after it */
};

/* sheet_approve(): the two committees approve village v's sheet of month:
** in ONE write transaction, record the approval, post every entry of the
** sheet to the ledger (ledger_post_sheet: hash chain, balances, year
** points, veto), close the sheet, audit ("sheet.approve").  Accepted
** status: submitted; also draft/returned when allow_unsubmitted (the CLI,
** the committee's own tool).  Rejected (1): no such sheet, wrong status
** (already approved included), no entries, bad meeting fields.  Any
** failure rolls everything back.  Returns 0 (*out filled when not NULL,
** arena memory), 1, -1. */
int sheet_approve(db *d, arena *a, const struct actor *who, const struct village *v,
		  const char *month, const struct approval_input *in, int allow_unsubmitted,
		  errlist *errs, struct approval **out);

/* The checks of a meeting record's attendees (required, ≤ 500 characters)
** and resolution (required, ≤ 2000), as an approval's: messages into errs.
** Also the honours' confirmation (honour.c). */
void meeting_text_check(const char *attendees, const char *resolution, errlist *errs);

/* approval_get(): approval id of village_id.  0, 1 none, -1. */
int approval_get(db *d, arena *a, int64_t village_id, int64_t approval_id,
		 struct approval **out);
/* approval_meeting_get(): the same with only what a passbook shows of the
** meeting — id, village_id, month, meeting_date, resolution; the other
** fields are zero.  0, 1 none, -1. */
int approval_meeting_get(db *d, arena *a, int64_t village_id, int64_t approval_id,
			 struct approval **out);

#include "declaration.h" /* the declarations and photos entries refer to */
#include "evidence.h"

#endif
