/*
** qr.h — QR codes (libqrencode, error correction level M, 8-bit mode),
** drawn two ways for the pages:
**
**   - as SVG path data (qr_svg_path), for the short texts printed on paper:
**     the card's /p/TOKEN URL, the check-in and announcement links.  It
**     scales to any size crisp, and its length grows with the number of
**     dark runs, a few KB for a URL;
**   - as a PNG of one pixel a module (qr_png), for the long text of an
**     announcement receipt (docs/transparency.md, up to ~1,200 bytes, a
**     code of ~145 modules): its path was 46 KB of a 53 KB passbook page,
**     where the image is ~3 KB, and the browser scales it up
**     pixel for pixel (image-rendering: pixelated, app.css's img.qr-px).
**
** Both add a 4-module quiet zone; *size receives the side of the whole
** square in modules.  Both return NULL when text cannot be encoded.
*/
#ifndef JIFEN_QR_H
#define JIFEN_QR_H

#include <stddef.h>

#include "util.h"

/* The dark modules as path data in module units: "M4 4h7v1h-7z…", one
** rectangle per horizontal run, so the path holds only digits, letters and
** spaces (arena). */
const char *qr_svg_path(arena *a, const char *text, int *size);

/* The code as a PNG file of *len bytes (arena): 1-bit grayscale, dark
** modules black, in one stored (uncompressed) deflate block; zlib gives
** the CRC-32 and Adler-32. */
const unsigned char *qr_png(arena *a, const char *text, int *size, size_t *len);

#endif
