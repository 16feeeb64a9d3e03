/*
** fuzz_sniff.c — libFuzzer target for evidence_sniff() (sheet.c), which
** decides by content whether an uploaded evidence photo is a JPEG or a PNG.
**
** Checked: the answer is NULL, "image/jpeg" or "image/png", and agrees with
** the file signature (FF D8 FF; 89 50 4E 47 0D 0A 1A 0A); it never reads
** past the upload.
*/
#include <string.h>

#include "fuzz.h"
#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *mime = evidence_sniff(data, size);
	int jpeg = size >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
	int png = size >= 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8);
	if (jpeg)
		CHECK(mime && !strcmp(mime, "image/jpeg"));
	else if (png)
		CHECK(mime && !strcmp(mime, "image/png"));
	else
		CHECK(mime == NULL);
	return 0;
}
