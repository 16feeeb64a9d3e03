/*
** ledger_int.h — what ledger.c shares with ledger_verify.c only: the
** hasher of the chain, the columns of an entry row, and the keys of the
** yearly tallies.  Not for other files.
*/
#ifndef JIFEN_LEDGER_INT_H
#define JIFEN_LEDGER_INT_H

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

/* What hashing many entries reuses: the encoding buffer and one digest
** context (OpenSSL 3 allocates a context and looks the algorithm up on
** every one-shot EVP_Digest call). */
struct hasher {
	buf scratch;
	EVP_MD_CTX *ctx;
	EVP_MD_CTX *leaf_ctx; /* the Merkle leaf hash (ledger_tree.h), posting only */
};

void hasher_free(struct hasher *h);
/* out = hex SHA-256(prev_hash || encoding of e). */
void hasher_hash(struct hasher *h, const struct ledger_entry *e, const char *prev_hash,
		 char out[65]);

/* Key of a household's calendar year. */
static inline int64_t year_key(int64_t household_id, int year)
{
	return household_id * 4096 + year;
}

static inline int month_year(const char *month)
{
	return atoi(month);
}

/* Points that count as "scored" in a year (not redemptions or year end). */
static inline int kind_counts_for_year(const char *kind)
{
	return !strcmp(kind, "score") || !strcmp(kind, "correction");
}

#define ENTRY_COLS "le.id, le.village_id, le.seq, le.household_id, le.kind," \
		   " COALESCE(le.item_id, 0), le.item_code, COALESCE(le.version_id, 0), le.month," \
		   " le.date, le.quantity, le.points, COALESCE(le.approval_id, 0)," \
		   " COALESCE(le.entry_id, 0), COALESCE(le.correction_of, 0), le.reason," \
		   " le.recorded_by, le.note, le.photo, le.posted_at, le.prev_hash, le.hash"
#define ENTRY_NCOLS 22
/* Fill e from the current row: ENTRY_COLS, then ledger.c's display columns
** when display. */
void entry_from_row(db_stmt *s, arena *a, struct ledger_entry *e, int display);

#endif
