/*
** household.h — households (家庭户), the scoring subject, and their members:
** the eligibility rule 户在、房在、人在, opt-in and leaving, validation of
** every field with Chinese messages, lookups always scoped by village, the
** filtered list, saving with an audit record, members, the change history,
** and the households CSV import of INTERFACES.md.  No HTTP in here: the
** pages (page_household.c), the API (api_household.c) and the CLI
** (cmd_import.c) all go through these functions.
*/
#ifndef JIFEN_HOUSEHOLD_H
#define JIFEN_HOUSEHOLD_H

#include <stdint.h>

#include "audit.h"
#include "csvfile.h"
#include "db.h"
#include "util.h"

/* village.h (not included: village.c recomputes households through this
** header when a village's tenant setting changes). */
struct village;

/* One row of table household.  Optional text is "" when empty, except the
** dates joined/left_on and left_reason, which are NULL when not set. */
struct household {
	int64_t id, village_id;
	const char *code;       /* unique in the village, 1–32 characters */
	const char *head_name;  /* 户主姓名 */
	const char *address;    /* "" when unknown */
	int64_t member_count;   /* 人口数; 0 when unknown (NULL in the table) */
	const char *phone;      /* digits or "" */
	int hukou, homestead, resident, tenant; /* 0/1 */
	const char *joined;     /* YYYY-MM-DD opted in, NULL: not joined */
	const char *left_on;    /* YYYY-MM-DD left, NULL: not left */
	const char *left_reason;
	int eligible, participating; /* stored, always from household_compute() */
	int64_t created_at, updated_at;
};

/* The fields a household is entered with, in the order of the CSV columns.
** household_csv_spec[f] is the column of field f. */
enum household_field {
	HF_CODE, HF_HEAD_NAME, HF_ADDRESS, HF_MEMBERS, HF_PHONE,
	HF_HUKOU, HF_HOMESTEAD, HF_RESIDENT, HF_TENANT, HF_JOINED,
	HF_COUNT
};
extern const struct csv_col household_csv_spec[HF_COUNT];
/* The Chinese label of field f (户编号, 户主姓名 ...). */
const char *household_field_label(int f);

/* ---- the rule ---------------------------------------------------------- */

/* Eligible (符合条件): local hukou, a homestead house and a resident member
** (户在、房在、人在) — or a tenant household in a village that admits
** tenants.  Leaving does not change eligibility; it ends participation. */
int household_is_eligible(const struct household *h, const struct village *v);
/* Participating: eligible, opted in (joined set) and not left. */
int household_is_participating(const struct household *h, const struct village *v);
/* Set h->eligible and h->participating from the rule. */
void household_compute(struct household *h, const struct village *v);
/* The status in words: 参与中, 符合条件未参与, 不符合条件 or 已退出. */
const char *household_status_label(const struct household *h);

/* Recompute eligible/participating of every household of v (after its
** tenant setting changed) and store those that differ.  Runs inside the
** caller's transaction, begins none.  Returns 0 or -1 (database error). */
int household_recompute_village(db *d, const struct village *v);

/* ---- validation ----------------------------------------------------------- */

/* household_check(): validate the text of the fields (vals[f], NULL when the
** field is not given at all, "" when empty) into h's entry fields (code to
** joined; id, village and the computed fields are left alone).  today is
** YYYY-MM-DD: a joined date after it is refused.  Required: code, head_name,
** hukou, homestead, resident.  A field not given (NULL) gets its default
** (tenant no, the rest empty); *given, when not NULL, receives a bit
** (1u << f) per given field.  msgs[f] receives a Chinese message for every
** bad field, NULL for good ones (strings are constants or arena memory).
** Returns the number of bad fields. */
int household_check(arena *a, const char *const vals[HF_COUNT], const char *today,
		    struct household *h, unsigned *given, const char *msgs[HF_COUNT]);

/* ---- lookups (always within one village) --------------------------------- */

/* One household of the village by id or by code into arena memory.
** Returns 0 found (*out set), 1 none, -1 database error. */
int household_get(db *d, arena *a, int64_t village_id, int64_t id, struct household **out);
int household_get_by_code(db *d, arena *a, int64_t village_id, const char *code,
			  struct household **out);
/* The same for a code as people type it: any case, with or without the
** village's prefix ("001", "ZHANGMA-001" for zhangma-001).  0, 1 none, -1. */
int household_find_typed(db *d, arena *a, int64_t village_id, const char *typed,
			 struct household **out);

/* The list filters (the tabs of the household list). */
enum household_filter {
	HH_ALL,                 /* every household, left ones included */
	HH_PARTICIPATING,       /* 参与 */
	HH_ELIGIBLE_NOT_JOINED, /* 符合条件未参与 (not left) */
	HH_NOT_ELIGIBLE,        /* 不符合条件 (not left) */
	HH_LEFT,                /* 已退出 */
	HH_FILTER_COUNT
};
/* Filter from its name ("all", "participating", "eligible_not_joined",
** "not_eligible", "left"); NULL or "" is HH_ALL; -1 for an unknown name. */
int household_filter_from_name(const char *name);
const char *household_filter_name(int f);
const char *household_filter_label(int f); /* 全部, 参与, ... */

/* household_list(): one page (page from 1, per_page rows) of the village's
** households matching search (a substring of the code or the head's name;
** NULL or "" for all) and filter, ordered by code (shorter codes first, so
** that 2 comes before 10).  *rows and *n receive arena memory, *total the
** number of matches on all pages.  Returns 0 or -1. */
int household_list(db *d, arena *a, int64_t village_id, const char *search, int filter,
		   int page, int per_page, struct household **rows, int *n, int64_t *total);
/* household_counts(): how many households match search under every filter:
** counts[f] for f in enum household_filter.  Returns 0 or -1. */
int household_counts(db *d, int64_t village_id, const char *search,
		     int64_t counts[HH_FILTER_COUNT]);

/* ---- changes ----------------------------------------------------------------- */

/* household_save(): add h to village v (h->id == 0) or update household
** h->id of v with h's entry fields, in its own write transaction with an
** audit record (household.add / household.update, before and after as
** JSON).  h must have passed household_check(); the code must be free in
** the village.  Computes h->eligible/participating; on an update keeps the
** leaving fields as stored.  Returns 0 (h->id set), 1 rejected with
** msgs[f] set (code taken, or the household is not in the village), -1
** database error. */
int household_save(db *d, const struct actor *who, const struct village *v,
		   struct household *h, const char *msgs[HF_COUNT]);

/* household_leave(): household id of v leaves (退出) on date for reason:
** it stays, no longer participating.  date is a valid day not in the future
** nor before the joined date; reason is required (≤ 200 characters).
** Returns 0; 1 rejected with Chinese messages in errs (also: unknown
** household, already left); -1 database error.  Own transaction + audit. */
int household_leave(db *d, const struct actor *who, const struct village *v, int64_t id,
		    const char *date, const char *reason, errlist *errs);

/* The household as a JSON object (audit before/after) appended to b. */
void household_json(buf *b, const struct household *h);

/* ---- members ------------------------------------------------------------------- */

struct member {
	int64_t id, household_id;
	const char *name;
	const char *relation;   /* relation to the head (户主, 配偶, 子 ...) or "" */
	int party_member;       /* 党员 0/1 */
	const char *phone;      /* digits or "" */
	const char *removed_on; /* NULL unless removed */
	int64_t created_at;
};
enum member_field { MF_NAME, MF_RELATION, MF_PARTY, MF_PHONE, MF_COUNT };
const char *member_field_label(int f);

/* member_check(): validate a member's fields (name required ≤ 50
** characters; relation ≤ 20; party yes/no, empty no; phone 7–15 digits or
** empty) into m.  msgs[f] as for household_check.  Returns the number of bad
** fields. */
int member_check(arena *a, const char *const vals[MF_COUNT], struct member *m,
		 const char *msgs[MF_COUNT]);

/* Members of household hid of village vid (removed ones only when
** with_removed), in the order they were added.  Returns 0 or -1. */
int member_list(db *d, arena *a, int64_t village_id, int64_t household_id, int with_removed,
		struct member **rows, int *n);
/* One member of that household: 0 found, 1 none, -1 error. */
int member_get(db *d, arena *a, int64_t village_id, int64_t household_id, int64_t member_id,
	       struct member **out);

/* member_save(): add m to household hid of v (m->id == 0) or update member
** m->id of it (not a removed one), own transaction, audited on the
** household's object.  Returns 0, 1 rejected (errs: unknown household or
** member), -1 database error. */
int member_save(db *d, const struct actor *who, const struct village *v, int64_t household_id,
		struct member *m, errlist *errs);
/* member_remove(): mark the member removed today (never deleted).
** Returns 0, 1 rejected (errs), -1 database error. */
int member_remove(db *d, const struct actor *who, const struct village *v,
		  int64_t household_id, int64_t member_id, errlist *errs);

/* ---- change history -------------------------------------------------------------- */

/* An audit row of a household (object "household:ID"). */
struct household_change {
	int64_t id, at;
	const char *login, *ip, *action;
	const char *before, *after; /* JSON text or NULL */
};
/* The household's audit rows, newest first, at most limit.  0 or -1. */
int household_history(db *d, arena *a, int64_t village_id, int64_t household_id, int limit,
		      struct household_change **rows, int *n);
/* The action in words (新增, 修改, 退出, 导入新增 ...), or the action itself. */
const char *household_action_label(const char *action);

/* ---- CSV import ---------------------------------------------------------------------- */

enum import_action { IMPORT_ADD, IMPORT_UPDATE, IMPORT_UNCHANGED };

struct import_row {
	int row;                /* file row (header = 1) */
	const char *code, *head_name;
	enum import_action action;
	unsigned changed;       /* IMPORT_UPDATE: bit (1u << f) per changed field */
};

/* What an import did or (dry run) would do.  Zero-initialise; the function
** fills it; import_report_free() releases its memory. */
struct import_report {
	arena *a;
	struct import_row *rows;
	int n, cap;
	int added, updated, unchanged;
};
void import_report_free(struct import_report *rep);

/* household_import(): add or update households of v from the CSV text
** data[0..len) (INTERFACES.md "households"); fname is the FILE of error
** lines "FILE:ROW: COLUMN: message".  Every row is validated, and a code
** repeated in the file is an error on the later row naming the earlier.
** Nothing is written unless the whole file is valid; then the changes are
** applied in one write transaction, each changed household audited (the
** actor who), unchanged rows untouched.  A column absent from the file
** leaves that field as stored (defaults for new households); an empty cell
** of a present column clears the field.  Households not in the file are
** left alone.  dry_run: only the report.  Returns 0 done (rep filled),
** 1 rejected (errs), -1 database error (message in db_errmsg). */
int household_import(db *d, const struct actor *who, const struct village *v,
		     const char *fname, const char *data, size_t len, int dry_run,
		     struct import_report *rep, errlist *errs);

/* Mask a phone for people who may not see it in full: 138****5678. */
char *phone_mask(arena *a, const char *phone);

#endif
