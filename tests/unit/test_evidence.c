/*
** test_evidence.c — unit tests of evidence.c: photos recognised by their
** bytes, and against a real database (both backends) stored once per
** village by hash and read back only in that village.
*/
#include "evidence.h"
#include "unitfix.h"

static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
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

#define DBCASES(setup) cmocka_unit_test_setup_teardown(evidence_200_store_get, setup, unitfix_teardown)

int main(void)
{
	const struct CMUnitTest rules[] = {cmocka_unit_test(evidence_100_sniff)};
	const struct CMUnitTest on_sqlite[] = {DBCASES(unitfix_setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(unitfix_setup_pg)};
	UNITFIX_MAIN("evidence", rules, 1, on_sqlite, on_pg);
}
