/*
** checkpoint.h — the signed checkpoints of the villages' ledgers (C2SP
** tlog-checkpoint, origin "<key name>/<village code>", see signing.h):
** signing one at the chain head, reading them, and `jifen verify`'s checks
** of every checkpoint and announcement against the ledger — the stored
** ones and, through the signing log beside the key, every one the key ever
** signed (so that a ledger rewritten with recomputed hashes and deleted
** checkpoint rows is still caught).
**
** Return convention: 0 done; 1 rejected / not intact (Chinese messages in
** errs); -1 database error (db_errmsg).
*/
#ifndef JIFEN_CHECKPOINT_H
#define JIFEN_CHECKPOINT_H

#include <stdint.h>

#include "db.h"
#include "note.h"
#include "util.h"
#include "village.h"

struct ledger_checkpoint {
	int64_t id, village_id, size;
	const char *root;  /* base64 */
	const char *note;  /* the signed note, without cosignatures */
	int64_t signed_at;
};

/* The checkpoint of village v's ledger at size: the one already stored at
** that size, or a new one signed with key through the signing log
** (note_sign_logged) and stored, in the caller's write transaction, after
** reading the root from the stored tree.  *out in arena a.  Returns 0 or
** -1 (also when the tree lacks the size, or the log cannot be written). */
int checkpoint_sign(db *d, arena *a, const struct note_signer *key, const struct village *v,
		    int64_t size, struct ledger_checkpoint **out);

/* The stored checkpoints of village_id, by size.  0 or -1. */
int checkpoint_list(db *d, arena *a, int64_t village_id, struct ledger_checkpoint **rows, int *n);
/* The stored checkpoint of village_id at size, cosignature lines appended
** to its note.  Returns 0, 1 none, -1. */
int checkpoint_get(db *d, arena *a, int64_t village_id, int64_t size,
		   struct ledger_checkpoint **out);
/* The newest stored checkpoint of village_id.  Returns 0, 1 none, -1. */
int checkpoint_latest(db *d, arena *a, int64_t village_id, struct ledger_checkpoint **out);

/* `jifen verify`'s transparency checks for village v (0: every village):
** every stored checkpoint and announcement note is signed by the key;
** every checkpoint of the signing log (ledger or announcement, read from
** the file beside the key) is one of the stored ones; the ledger's Merkle
** tree recomputed from the entries has each checkpoint's root at its size
** (ledger_tree_verify); every announcement's lines give its signed root.
** The key file must be readable (its verifier alone is used).  Reads in
** one snapshot of its own.  Returns 0 intact, 1 (first problem in errs),
** -1. */
int checkpoint_verify(db *d, arena *a, int64_t village_id, errlist *errs, int64_t *checked);

#endif
