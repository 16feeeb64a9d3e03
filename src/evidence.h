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
/* The largest picture taken: either side, and pixels in all. */
#define EVIDENCE_MAX_SIDE 10000
#define EVIDENCE_MAX_PIXELS 40000000

/* evidence_store(): store a photo for village_id (JPEG or PNG, recognised
** by its first bytes — never by the file name or a client's type — at most
** EVIDENCE_MAX_BYTES, at most EVIDENCE_MAX_SIDE pixels a side and
** EVIDENCE_MAX_PIXELS in all, within the uploader's daily quota of the
** security policy: photos_per_day, photo_mb_per_day), keyed by the SHA-256 of its bytes; storing the same
** bytes again is a no-op.  Runs inside the caller's transaction if one is
** open, else its own.  hash receives the 64-hex key.  Returns 0, 1
** (errs: empty, too large, not JPEG/PNG, too many pixels, over the
** quota), -1. */
int evidence_store(db *d, int64_t village_id, const char *uploaded_by, const void *data,
		   size_t len, char hash[65], errlist *errs);

/* evidence_get(): the photo hash of village_id: *mime, *data (arena, *len
** bytes).  Returns 0, 1 none (also another village's), -1. */
int evidence_get(db *d, arena *a, int64_t village_id, const char *hash, const char **mime,
		 const unsigned char **data, size_t *len);

/* The width and height of a PNG (its IHDR) or JPEG (its first frame
** header, SOFn) without decoding it.  0, or -1 when they cannot be read. */
int evidence_dimensions(const void *data, size_t len, uint32_t *width, uint32_t *height);

/* The MIME type of an image by content: "image/jpeg", "image/png" or NULL. */
const char *evidence_sniff(const void *data, size_t len);

#endif
