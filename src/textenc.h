/*
** textenc.h — the text encoding of an uploaded or imported CSV file.
**
** Excel on Chinese Windows saves "CSV (逗号分隔)" in the ANSI code page,
** which there is GBK (CP936); WPS does the same.  GB18030 is a superset of
** GBK, so a file that is not valid UTF-8 is tried as GB18030 with glibc's
** iconv and converted.  A UTF-8 BOM is left for csvfile.c to skip.
*/
#ifndef JIFEN_TEXTENC_H
#define JIFEN_TEXTENC_H

#include <stddef.h>

#include "util.h"

/* 1 when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or code
** points past U+10FFFF; NUL and control bytes are allowed: csvfile.c
** reports those cell by cell). */
int utf8_valid(const char *p, size_t n);

enum textenc { TEXTENC_UTF8, TEXTENC_GB18030, TEXTENC_UNKNOWN };

/* textenc_to_utf8(): the encoding of data[0..len): TEXTENC_UTF8 (out left
** empty: use data as it is), TEXTENC_GB18030 (out receives the text
** converted to UTF-8; the caller frees it with buf_free), or
** TEXTENC_UNKNOWN (neither reads the whole of it; out empty). */
enum textenc textenc_to_utf8(const char *data, size_t len, buf *out);

/* The Chinese name of an encoding for a preview, e.g. "GB18030（GBK）". */
const char *textenc_name(enum textenc e);

#endif
