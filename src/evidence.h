/*
** evidence.h — evidence photos (佐证照片) of entries and declarations,
** stored by the SHA-256 of their bytes, per village.  Return convention as
** in sheet.h: 0 done, 1 rejected (errs), -1 database error.
*/
#ifndef JIFEN_EVIDENCE_H
#define JIFEN_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "util.h"

#define EVIDENCE_MAX_BYTES (5 * 1024 * 1024)

/* evidence_store(): store a photo for village_id (JPEG or PNG, recognised
** by its first bytes — never by the file name or a client's type — at most
** EVIDENCE_MAX_BYTES), keyed by the SHA-256 of its bytes; storing the same
** bytes again is a no-op.  Runs inside the caller's transaction if one is
** open, else its own.  hash receives the 64-hex key.  Returns 0, 1
** (errs: empty, too large, not JPEG/PNG), -1. */
int evidence_store(db *d, int64_t village_id, const char *uploaded_by, const void *data,
		   size_t len, char hash[65], errlist *errs);

/* evidence_get(): the photo hash of village_id: *mime, *data (arena, *len
** bytes).  Returns 0, 1 none (also another village's), -1. */
int evidence_get(db *d, arena *a, int64_t village_id, const char *hash, const char **mime,
		 const unsigned char **data, size_t *len);

/* The MIME type of an image by content: "image/jpeg", "image/png" or NULL. */
const char *evidence_sniff(const void *data, size_t len);

#endif
