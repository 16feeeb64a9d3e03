/*
** household_int.h — what household.c shares with household_import.c only:
** the columns of a household row and the writes of one row.  Not for
** other files.
*/
#ifndef JIFEN_HOUSEHOLD_INT_H
#define JIFEN_HOUSEHOLD_INT_H

#include "household.h"

/* The household columns every lookup reads, in the order of read_household. */
#define HH_COLS                                                                  \
	"id, village_id, code, head_name, address, member_count, phone, hukou, " \
	"homestead, resident, tenant, joined, left_on, left_reason, eligible, "  \
	"participating, created_at, updated_at"

/* Fill h from a row of "SELECT " HH_COLS. */
void household_read_row(db_stmt *s, arena *a, struct household *h);

/* The audit object of a household: "household:ID" into out. */
void household_object_name(char out[40], int64_t id);

/* UPDATE household h->id of village vid to h's fields (leaving fields
** included).  Returns 0, DB_CONSTRAINT when the code is taken, -1. */
int household_update_row(db *d, int64_t village_id, struct household *h);

#endif
