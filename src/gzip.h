/*
** gzip.h — a body kept deflated with holes in it, sent as gzip (RFC 1952)
** or inflated, with the holes filled in when it is sent.
**
** The stored passbooks (passbook_store.h) hold bytes that stand for what
** is only known when a page is sent: the card's own URL (its token is a
** secret whose hash alone is stored) and today's date.  Compressing the
** page once, at render, and still filling those in per request without
** compressing again works because deflate (RFC 1951) can be cut:
**   - the body is compressed in runs, one between each two holes, each run
**     ended by a full flush (Z_FULL_FLUSH: the output is byte-aligned and
**     the compressor forgets what came before, so no run refers back into
**     another or into a hole);
**   - a hole is sent as a stored block of its own (a 5-byte header and the
**     bytes as they are), put between the runs;
**   - the gzip trailer's CRC-32 is combined from the runs' CRC-32s, kept
**     with the runs, and the holes' bytes (crc32_combine_op, zlib 1.2.12).
** A page of 13 kB is ~5 kB packed: one B-tree page and one overflow page
** read instead of four (BENCHMARKS.md, session 8), and a third of the
** bytes for a villager's phone.  Clients that do not take gzip get the
** runs inflated, each on its own, with the holes copied between them.
**
** The packed form (the bytes passbook_store.c stores), integers little-endian:
**   'Z', nruns (2 bytes);
**   per run: compressed length, inflated length, CRC-32 of the inflated
**   bytes, crc32_combine_gen() of the inflated length (4 bytes each), the
**   hole byte that follows the run (1 byte; 0 after the last run);
**   the runs' compressed bytes, in order; the last run ends the deflate
**   stream (its final block).
*/
#ifndef JIFEN_GZIP_H
#define JIFEN_GZIP_H

#include <stddef.h>

#include "util.h"

enum {
	/* hole bytes are 1 .. GZIP_HOLES - 1 */
	GZIP_HOLES = 8,
};

/* What a hole is filled with when the body is sent (n < 65536). */
struct gzip_fill {
	const char *p;
	size_t n;
};

/* gzip_pack(): deflate body[0..n) into out (appended) cut at every byte of
** holes (a string of hole bytes, each 1 .. GZIP_HOLES - 1), which are left
** out of the runs.  Returns 0, or -1 when zlib fails or the body holds
** more than 65,535 holes. */
int gzip_pack(const void *body, size_t n, const char *holes, buf *out);

/* gzip_send(): append to out the gzip stream of the packed body, each
** hole h filled with fill[h].  Nothing is compressed: the runs are copied.
** Returns 0, or -1 when packed[0..n) is not a packed body (out as it was). */
int gzip_send(const void *packed, size_t n, const struct gzip_fill fill[GZIP_HOLES], buf *out);

/* gzip_inflate(): append to out the body itself, each hole h filled with
** fill[h], or with its own byte when fill is NULL (the body as packed,
** for `jifen verify`).  Returns 0, or -1 when packed[0..n) is not a
** packed body or does not inflate to what its runs say (out as it was). */
int gzip_inflate(const void *packed, size_t n, const struct gzip_fill fill[GZIP_HOLES], buf *out);

/* gzip_accepted(): 1 when an Accept-Encoding header value (NULL: none)
** takes gzip — "gzip" or "*" with a q-value other than 0 — else 0. */
int gzip_accepted(const char *accept_encoding);

#endif
