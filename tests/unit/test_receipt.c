/*
** test_receipt.c — unit tests of receipt.c: a receipt made by
** announcement_receipt() (SQLite fixture) passes receipt_verify(); each
** numbered change of it is refused with its message; the key is read as
** text or from a file.
*/
#include "announcefix.h"

#include "receipt.h"

/* text with the first occurrence of from replaced by to (arena a). */
static char *replace(arena *a, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (!at)
		fail_msg("no %s in %s", from, text);
	return arena_printf(a, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

/* receipt-100: the good receipt, then every change refused. */
static void receipt_100_checks(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	errlist errs = {0};
	struct announcement *ann;
	assert_int_equal(announcement_announce(f->d, f->a, &f->who, f->v, "2024-Q2", "2024-07-05",
					       &errs, &ann), 0);
	char *good;
	assert_int_equal(announcement_receipt(f->d, f->a, f->v, ann, "H3", &errs, &good), 0);
	struct note_signer s;
	assert_int_equal(signing_key_load(f->a, &s, &errs), 0);
	struct note_verifier key, other;
	note_signer_verifier(&s, &key);
	note_signer_wipe(&s);
	uint8_t seed[32] = {9};
	struct note_signer o;
	assert_int_equal(note_signer_from_seed(f->a, "jifen.test/town", NOTE_ED25519, seed, &o), 0);
	note_signer_verifier(&o, &other);
	struct receipt r;
	assert_int_equal(receipt_verify(f->a, good, strlen(good), &key, &r, &errs), 0);
	assert_string_equal(r.line, "H3,张*强,15,15,15");
	assert_int_equal(r.index, 2);
	assert_int_equal(r.ledger_cp.size, 15);
	/* the proof's first hash, and the signature of the announcement note */
	const char *p0 = strstr(good, "index 2\n") + 8;
	char *hash0 = arena_strndup(f->a, p0, 44);
	char *flipped = arena_strdup(f->a, hash0);
	flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
	const char *sig = strstr(good, "\n\n\xe2\x80\x94 ") + 2;
	char *sigline = arena_strndup(f->a, sig, strcspn(sig, "\n"));
	char *badsig = arena_strdup(f->a, sigline);
	badsig[strlen(badsig) - 6] = badsig[strlen(badsig) - 6] == 'A' ? 'B' : 'A';
	const struct {
		const char *text, *msg;
		const struct note_verifier *key;
	} cases[] = {
		{replace(f->a, good, "jifen-receipt/v1", "jifen-receipt/v2"),
		 "回执第 1 行应为 jifen-receipt/v1", &key},
		{replace(f->a, good, "\nquarter ", "\nQuarter "), "回执第 3 行应为「quarter …」", &key},
		{replace(f->a, good, "index 2", "index -2"), "回执第 6 行 index 应为非负整数", &key},
		{replace(f->a, good, hash0, "xyz"), "回执第 7 行应为证明的一个哈希", &key},
		{arena_strndup(f->a, good, (size_t)(strstr(good, "\n\n") - good + 1)),
		 "回执在第", &key},
		{replace(f->a, good, "H3,张*强,15,15,15", "H3,张*强,16,15,15"),
		 "本户的公示行不在这份公示里", &key},
		{replace(f->a, good, "date 2024-07-05", "date 2024-07-06"), "本户的公示行不在这份公示里",
		 &key},
		{replace(f->a, good, "index 2", "index 1"), "本户的公示行不在这份公示里", &key},
		{replace(f->a, good, "index 2", "index 9"), "回执的序号 9 超出公示的 6 户", &key},
		{replace(f->a, good, hash0, flipped), "本户的公示行不在这份公示里", &key},
		{replace(f->a, good, sigline, badsig), "公示的检查点的签名验证失败：内容被改过", &key},
		{replace(f->a, good, "quarter 2024-Q2", "quarter 2024-Q3"),
		 "公示检查点的来源 jifen.test/town/V1/2024-Q2 与回执的村和季度", &key},
		{good, "台账的检查点不是这把密钥", &other},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		errlist e = {0};
		if (receipt_verify(f->a, cases[i].text, strlen(cases[i].text), cases[i].key, &r, &e) !=
		    1)
			fail_msg("case %zu accepted", i);
		if (strncmp(e.msg[0], cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: %s, want %s", i, e.msg[0], cases[i].msg);
		errlist_free(&e);
	}
	/* the key as text or as a file */
	const char *vk = note_verifier_format(f->a, &key);
	struct note_verifier got;
	assert_int_equal(receipt_read_key(f->a, vk, &got, &errs), 0);
	char *path = arena_printf(f->a, "%s.pub", fix_key_path);
	FILE *fp = fopen(path, "w");
	fprintf(fp, "%s\n", vk);
	fclose(fp);
	assert_int_equal(receipt_read_key(f->a, path, &got, &errs), 0);
	assert_int_equal(got.key_id, key.key_id);
	unlink(path);
	assert_int_equal(receipt_read_key(f->a, "/nonexistent/x", &got, &errs), 1);
	errlist_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(receipt_100_checks, setup_ann_sqlite, teardown_ann),
	};
	return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
