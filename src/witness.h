/*
** witness.h — a witness (C2SP tlog-witness, tlog-cosignature/v1): a second
** party (the district, or the town when villages sign) that cosigns a
** village ledger's new checkpoint only when it is consistent with the last
** one it cosigned of that log, so that the log cannot show two different
** histories (a split view) to two audiences.  Works as a file exchange:
** `jifen witness request` writes the request body, `jifen witness cosign`
** answers with the cosignature line, `jifen announcement cosign` attaches
** it.  No database here.
**
** The witness key is an Ed25519 key file made by note_key_create() (mode
** 0600, never replaced); the witness signs with it as a cosignature/v1 key
** (type 0x04: its key ID and verifier key text differ from the same seed's
** signed-note key).  The state file holds one line per log origin,
**     <origin> <size> <base64 root>
** the last checkpoint cosigned; it is rewritten whole (temporary file,
** fsync, rename) under an exclusive lock.
**
** The request body (tlog-witness's add-checkpoint, as a file):
**     old <size>\n  <consistency proof, one base64 hash a line>  \n  <signed checkpoint>
*/
#ifndef JIFEN_WITNESS_H
#define JIFEN_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "note.h"
#include "util.h"

/* Read the witness key file path as a cosignature/v1 signer into *s.
** Returns 0, or 1 with a Chinese message in errs. */
int witness_key_load(arena *a, const char *path, struct note_signer *s, errlist *errs);
/* Make a new witness key named name at path.  Returns 0, or 1 (errs). */
int witness_key_create(arena *a, const char *path, const char *name, errlist *errs);

/* Check request[0..len) against log_key and the state file state_path and,
** when it is good, cosign it with w at time now (unix seconds), record the
** new state, and set *line (arena) to the cosignature line ("— name
** base64\n").  Refused (1, errs in Chinese): a malformed request, a
** checkpoint not signed by log_key, "old" other than the size last
** cosigned of that origin (0 when none), an invalid consistency proof or
** equal sizes with different roots (a split view), a smaller tree.
** Returns 0, 1, or -1 when the state file cannot be read or written
** (errs says so). */
int witness_cosign(arena *a, const struct note_signer *w, const char *state_path,
		   const struct note_verifier *log_key, const char *request, size_t len,
		   uint64_t now, char **line, errlist *errs);

#endif
