/*
** announcement.h — 一季一公示: a village's quarterly announcement, frozen
** from the approved ledger with a signed checkpoint of the ledger's Merkle
** tree (ledger_tree.h) and a second signed tree over its lines, and the
** receipts that prove one household's line offline (receipt.h checks
** them).  The exact bytes signed and hashed: docs/transparency.md.
**
** Announcing (announcement_announce) in one write transaction: the
** village's chain head is locked (no posting of the village can slip in),
** the ledger checkpoint at the head is signed (or the one already signed at
** that size reused) through the signing log beside the key, the lines of
** every household participating on the date are computed from the ledger,
** their tree's checkpoint is signed the same way, and all of it is stored
** with the audit row.  Never changed afterwards (append-only tables).
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_ANNOUNCEMENT_H
#define JIFEN_ANNOUNCEMENT_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct announcement {
	int64_t id, village_id;
	const char *quarter;         /* YYYY-Qn */
	const char *announced_on;    /* YYYY-MM-DD: the objection period's first day */
	const char *objection_until; /* YYYY-MM-DD: its last day */
	int64_t checkpoint_id;
	int64_t ledger_size;
	const char *ledger_root;     /* base64 */
	const char *ledger_head;     /* hash chain head (hex) at ledger_size */
	int64_t households;
	const char *lines_root;      /* base64 */
	const char *note;            /* the announcement tree's signed checkpoint */
	const char *checkpoint;      /* the ledger's signed checkpoint, cosignatures appended */
	const char *created_by;
	int64_t created_at;
};

/* One frozen line: leaf idx of the announcement tree. */
struct announcement_line {
	int64_t idx, household_id;
	const char *code, *name; /* name as published (masked) */
	int64_t quarter_points, year_points, balance;
};

/* Parse "YYYY-Qn" (n 1–4): *year, *q, and the quarter's first and last
** month (YYYY-MM) and the first day after it (YYYY-MM-DD) into the
** optional buffers.  Returns 0, or -1 when q is not a quarter. */
int quarter_parse(const char *quarter, int *year, int *q, char first_month[8],
		  char last_month[8], char day_after[11]);
/* A head's name as the public sees it: the first character, then '*' for
** each but the last, then the last (张*明, 欧阳**, 李*); one character
** stays.  In arena a. */
char *name_mask(arena *a, const char *name);
/* Append the line's CSV text (household,name,quarter_points,year_points,
** balance, RFC 4180 quoting where needed, no line end) to b. */
void announcement_line_csv(buf *b, const struct announcement_line *l);
/* Append the data of an announcement tree's leaf to b: the bytes whose
** SHA-256(0x00 || data) is the leaf hash (docs/transparency.md).
** ledger_origin is the ledger checkpoint's origin, ledger_root base64. */
void announcement_leaf_data(buf *b, const char *ledger_origin, const char *quarter,
			    const char *date, const char *until, int64_t ledger_size,
			    const char *ledger_root, const char *line_csv);

/* Freeze the announcement of quarter of village v on date (YYYY-MM-DD).
** Rejected (1) when the quarter has not ended on date, date is after
** today, a sheet of one of its months holds entries not yet approved, it
** was announced already, or the key cannot be read.  *out (arena) receives
** it.  Own write transaction, audited ("announcement.announce"). */
int announcement_announce(db *d, arena *a, const struct actor *who, const struct village *v,
			  const char *quarter, const char *date, errlist *errs,
			  struct announcement **out);

/* The announcement of quarter of village_id.  Returns 0, 1 none, -1. */
int announcement_get(db *d, arena *a, int64_t village_id, const char *quarter,
		     struct announcement **out);
/* Every announcement of village_id, newest quarter first.  0 or -1. */
int announcement_list(db *d, arena *a, int64_t village_id, struct announcement **rows, int *n);
/* The lines of announcement id, in leaf order.  0 or -1. */
int announcement_lines(db *d, arena *a, int64_t id, struct announcement_line **rows, int *n);

/* root = the root of ann's tree recomputed from its stored lines (with
** the ledger origin of its checkpoint).  *n receives the lines' count.
** Returns 0 or -1. */
/* announcement_verify_receipts(): every stored receipt of ann
** (announcement_receipt, the cache a passbook reads) against the one its
** lines give now; a row that differs, a row of no line, or a line without
** its row (when the announcement has rows at all: those from before 021
** have none) is a finding in errs naming the village (village_code) and
** household.  *checked += rows compared.  Returns 0, 1 findings, -1. */
int announcement_verify_receipts(db *d, arena *a, const struct announcement *ann,
				 const char *village_code, errlist *errs, int64_t *checked);
int announcement_root(db *d, arena *a, const struct announcement *ann, uint8_t root[32],
		      int64_t *n);

/* The receipt (docs/transparency.md) of household code in announcement
** ann of village v, in arena a.  Returns 0, 1 (errs: no such household in
** it), -1. */
int announcement_receipt(db *d, arena *a, const struct village *v,
			 const struct announcement *ann, const char *household_code,
			 errlist *errs, char **out);

/* The receipt of household_code in the newest announcement of village v
** that holds it: *ann and *receipt (arena).  Returns 0, 1 none, -1. */
int announcement_latest_receipt(db *d, arena *a, const struct village *v,
				const char *household_code, struct announcement **ann,
				char **receipt);

/* Write ann as one JSON object to w: village (code), quarter, date,
** objection_until, ledger {size, root, head, checkpoint (the signed note
** with its cosignatures), cosignatures [{witness, key_id, time}]}, lines
** {households, root, checkpoint}, and, when lines is not NULL, the n lines
** [{household, name, quarter_points, year_points, balance}]. */
struct json_writer;
int announcement_json(db *d, arena *a, struct json_writer *w, const char *village_code,
		      const struct announcement *ann, const struct announcement_line *lines, int n);

/* Attach the witness cosignature line(s) of text to the ledger checkpoint
** of ann, each verified with the witness verifier key witness_key (a
** cosignature/v1 key).  Returns 0 (*added: lines new), 1 (errs: a line
** does not verify, or the key text is not a cosignature key), -1.  Own
** write transaction, audited ("announcement.cosign"). */
int announcement_cosign(db *d, arena *a, const struct actor *who, const struct village *v,
			const struct announcement *ann, const char *witness_key, const char *text,
			errlist *errs, int *added);

#endif
