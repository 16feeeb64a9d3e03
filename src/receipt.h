/*
** receipt.h — checking a household's announcement receipt offline, with
** no database: the text `jifen receipt` prints (format in
** docs/transparency.md), given only the deployment's verifier key.
**
** A receipt is good when (1) the ledger checkpoint in it is signed by the
** key and its origin is "<key name>/<village>", (2) the announcement
** checkpoint in it is signed by the key with origin "<ledger origin>
** + "/" + <quarter>", and (3) the leaf made from the receipt's line, quarter,
** dates and the ledger checkpoint's size and root is leaf `index` of the
** announcement tree by the receipt's proof.
*/
#ifndef JIFEN_RECEIPT_H
#define JIFEN_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"
#include "note.h"
#include "util.h"

struct receipt {
	const char *line;      /* household,name,quarter_points,year_points,balance */
	const char *quarter, *date, *objection_until;
	uint64_t index;
	uint8_t proof[MERKLE_MAX_PROOF][32];
	size_t nproof;
	const char *announcement; /* its signed note */
	const char *ledger;       /* the ledger checkpoint's signed note (cosignatures too) */
	/* after receipt_verify(): */
	struct checkpoint ledger_cp, announcement_cp;
	int cosignatures;         /* signature lines of other keys on the ledger note */
};

/* Parse receipt text[0..len) into *r (strings in arena a).  Returns 0, or
** 1 with a Chinese message in errs naming the line that is wrong. */
int receipt_parse(arena *a, const char *text, size_t len, struct receipt *r, errlist *errs);
/* Parse and check text[0..len) with key (above).  Returns 0 good, or 1
** with the first failing check in errs, in Chinese. */
int receipt_verify(arena *a, const char *text, size_t len, const struct note_verifier *key,
		   struct receipt *r, errlist *errs);
/* Read a verifier key: the text itself, or the first line of the file it
** names.  Returns 0, or 1 with a message in errs. */
int receipt_read_key(arena *a, const char *key_or_file, struct note_verifier *key,
		     errlist *errs);

#endif
