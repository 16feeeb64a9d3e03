/*
** household_int.h — what household.c shares with the files split off it
** (household_import.c, household_member.c) only: the columns of a
** household row, the writes of one row, the field checks and the audit
** row.  Not for other files.
*/
#ifndef JIFEN_HOUSEHOLD_INT_H
#define JIFEN_HOUSEHOLD_INT_H

#include "household.h"

/* The household columns every lookup reads, in the order of read_household. */
#define HH_COLS                                                                  \
	"id, village_id, code, head_name, address, member_count, phone, hukou, " \
	"homestead, resident, tenant, joined, left_on, left_reason, eligible, "  \
	"participating, created_at, updated_at"

/* Fill a struct household from a row of "SELECT " HH_COLS (a db_row_fn). */
void household_read_row(db_stmt *s, arena *a, void *row);

/* The audit object of a household: "household:ID" into out. */
void household_object_name(char out[40], int64_t id);

/* UPDATE household h->id of village vid to h's fields (leaving fields
** included).  Returns 0, DB_CONSTRAINT when the code is taken, -1. */
int household_update_row(db *d, int64_t village_id, struct household *h);

/* The field checks of household_check() and member_check(), each NULL or
** the message naming label (arena):
** text: clean UTF-8 without control characters (newlines only when
** allow_nl), at most maxlen characters, present when required;
** phone: 7–15 digits, or empty;
** yes/no into *out: empty is def when def >= 0, else "required". */
const char *household_check_text(arena *a, const char *label, const char *s, size_t maxlen,
				 int required, int allow_nl);
const char *household_check_phone(arena *a, const char *label, const char *s);
const char *household_check_yesno(arena *a, const char *label, const char *s, int def,
				  int *out);

/* Record a change on household:household_id's audit object and commit the
** caller's write transaction: every household and member write ends so,
** the audit row in the same transaction as the change.  before and after
** (either NULL) are rows that to_json writes as a JSON object (a household
** through household_json(), a member).  0, or -1 (the caller rolls back). */
int household_audit_commit(db *d, const struct actor *who, int64_t village_id,
			   const char *action, int64_t household_id,
			   void (*to_json)(buf *b, const void *row), const void *before,
			   const void *after);

/* Begin the write transaction of a change to household id of v (*in_tx
** set once it is open) and read the household into *out (arena a): 0; 1
** with "本村没有这一户" in errs when v has no such household; -1.  The
** opening of a household's and a member's changes. */
int household_begin_change(db *d, arena *a, const struct village *v, int64_t id,
			   struct household **out, errlist *errs, int *in_tx);

#endif
