/*
** test_evidence.c — unit tests of evidence.c: photos recognised by their
** bytes, and against a real database (both backends) stored once per
** village by hash and read back only in that village.
*/
#include "evidence.h"
#include "unitfix.h"

/* a PNG's signature and IHDR (1×2): what evidence_store() reads */
static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
				    'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 2, 8, 2};
static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F'};

/* evidence-100: JPEG and PNG by their first bytes, nothing else. */
static void evidence_100_sniff(void **state)
{
	(void)state;
	assert_string_equal(evidence_sniff(png, sizeof png), "image/png");
	assert_string_equal(evidence_sniff(jpeg, sizeof jpeg), "image/jpeg");
	assert_null(evidence_sniff("GIF89a", 6));
	assert_null(evidence_sniff(png, 4));
	assert_null(evidence_sniff("", 0));
}

/* evidence-110: a photo's width and height from its header (PNG IHDR,
** JPEG SOFn after other segments), data-driven; unreadable ones are -1. */
static void evidence_110_dimensions(void **state)
{
	(void)state;
	static const unsigned char bomb[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
					     'I', 'H', 'D', 'R', 0, 0, 0x4e, 0x20, 0, 0, 0x27, 0x10};
	static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F',
					    0xff, 0xc2, 0, 17, 8, 0x0b, 0xb8, 0x0f, 0xa0};
	static const unsigned char no_sof[] = {0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F', 0xff, 0xda};
	static const unsigned char dht_only[] = {0xff, 0xd8, 0xff, 0xc4, 0, 4, 1, 2};
	static const struct {
		const unsigned char *p;
		size_t n;
		int rc;
		uint32_t w, h;
	} c[] = {
		{bomb, sizeof bomb, 0, 20000, 10000},	/* 110a the decompression bomb's header */
		{bomb, sizeof bomb - 1, -1, 0, 0},	/* 110b IHDR cut short */
		{jpg, sizeof jpg, 0, 4000, 3000},	/* 110c progressive SOF2 after APP0 */
		{no_sof, sizeof no_sof, -1, 0, 0},	/* 110d scan before any frame header */
		{dht_only, sizeof dht_only, -1, 0, 0}, /* 110e C4 is DHT, not a frame */
		{(const unsigned char *)"GIF89a", 6, -1, 0, 0}, /* 110f not JPEG/PNG */
		{png, sizeof png, 0, 1, 2},		/* 110g */
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		uint32_t w, h;
		assert_int_equal(evidence_dimensions(c[i].p, c[i].n, &w, &h), c[i].rc);
		if (!c[i].rc) {
			assert_int_equal(w, c[i].w);
			assert_int_equal(h, c[i].h);
		}
	}
}

/* evidence-120: too many pixels or too long a side is refused with the
** size named; so is a header without dimensions. */
static void evidence_120_refused(void **state)
{
	struct unitfix *f = UF(state);
	static const unsigned char bomb[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
					     'I', 'H', 'D', 'R', 0, 0, 0x4e, 0x20, 0, 0, 0x27, 0x10};
	char h[65];
	errlist errs = {0};
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", bomb, sizeof bomb, h, &errs), 1);
	assert_non_null(strstr(errs.msg[0], "20000×10000"));
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", jpeg, sizeof jpeg, h, &errs), 1);
	assert_non_null(strstr(errs.msg[1], "尺寸"));
	errlist_free(&errs);
}

/* evidence-200: stored by SHA-256, twice harmlessly, read back in its
** village only; empty and unknown bytes are refused. */
static void evidence_200_store_get(void **state)
{
	struct unitfix *f = UF(state);
	char h1[65], h2[65];
	errlist errs = {0};
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", png, sizeof png, h1, &errs), 0);
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", png, sizeof png, h2, &errs), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	const char *mime;
	const unsigned char *data;
	size_t len;
	assert_int_equal(evidence_get(f->d, f->a, f->v->id, h1, &mime, &data, &len), 0);
	assert_string_equal(mime, "image/png");
	assert_int_equal(len, sizeof png);
	assert_memory_equal(data, png, sizeof png);
	assert_int_equal(evidence_get(f->d, f->a, f->w->id, h1, &mime, &data, &len), 1);
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", "", 0, h2, &errs), 1);
	assert_int_equal(evidence_store(f->d, f->v->id, "cli", "text", 4, h2, &errs), 1);
	assert_int_equal(errs.n, 2);
	errlist_free(&errs);
}

#define DBCASES(setup)                                                                 \
	cmocka_unit_test_setup_teardown(evidence_120_refused, setup, unitfix_teardown),    \
		cmocka_unit_test_setup_teardown(evidence_200_store_get, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(evidence_100_sniff),
					   cmocka_unit_test(evidence_110_dimensions)};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("evidence", rules, 2, on_sqlite, on_pg);
}
