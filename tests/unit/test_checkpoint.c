/*
** test_checkpoint.c — unit tests of checkpoint.c: a checkpoint at a size
** already signed is reused (nothing signed twice); checkpoint_verify()
** passes an intact town and names, each in Chinese: a stored checkpoint
** signed by another key, an announcement line changed, an announcement
** deleted (found through the signing log), a checkpoint row deleted after
** its ledger was rewritten, and a log record of a village that is gone.
** SQLite always, PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "announcefix.h"

/* verify must give want; with 1 the first message must start with msg. */
static void expect(struct fixture *f, int want, const char *msg)
{
	errlist errs = {0};
	int64_t n;
	int rc = checkpoint_verify(f->d, f->a, 0, &errs, &n);
	if (rc != want)
		fail_msg("checkpoint_verify = %d, want %d: %s %s", rc, want, errs.n ? errs.msg[0] : "",
			 db_errmsg(f->d));
	if (msg && (!errs.n || strncmp(errs.msg[0], msg, strlen(msg))))
		fail_msg("message %s, want %s", errs.n ? errs.msg[0] : "", msg);
	errlist_free(&errs);
}

static void announce_ok(struct fixture *f, const char *quarter, const char *date)
{
	errlist errs = {0};
	struct announcement *ann;
	if (announcement_announce(f->d, f->a, &f->who, f->v, quarter, date, &errs, &ann))
		fail_msg("announce: %s %s", errs.n ? errs.msg[0] : "", db_errmsg(f->d));
}

/* Drop the append-only triggers of table (a literal list per backend). */
static void unprotect(struct fixture *f)
{
	if (f->t.pg)
		assert_int_equal(db_exec(f->d,
			"DROP TRIGGER announcement_line_no_update_delete ON announcement_line;"
			" DROP TRIGGER announcement_no_update_delete ON announcement;"
			" DROP TRIGGER ledger_checkpoint_no_update_delete ON ledger_checkpoint"), 0);
	else
		assert_int_equal(db_exec(f->d,
			"DROP TRIGGER announcement_line_no_update; DROP TRIGGER announcement_line_no_delete;"
			" DROP TRIGGER announcement_no_delete; DROP TRIGGER ledger_checkpoint_no_delete;"
			" DROP TRIGGER ledger_checkpoint_no_update"), 0);
}

/* cp-100: reuse at the same size; the intact town verifies. */
static void cp_100_sign_and_reuse(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	expect(f, 0, NULL);
	announce_ok(f, "2024-Q2", "2024-07-05");
	/* Q1 on the same ledger: the same checkpoint, not signed again */
	announce_ok(f, "2024-Q1", "2024-07-05");
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_checkpoint"), 1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(DISTINCT checkpoint_id) FROM announcement"), 1);
	struct ledger_checkpoint *cp, *list;
	int n;
	assert_int_equal(checkpoint_latest(f->d, f->a, f->v->id, &cp), 0);
	assert_int_equal(cp->size, 15);
	assert_int_equal(checkpoint_get(f->d, f->a, f->v->id, 14, &cp), 1);
	assert_int_equal(checkpoint_latest(f->d, f->a, f->w->id, &cp), 1);
	assert_int_equal(checkpoint_list(f->d, f->a, f->v->id, &list, &n), 0);
	assert_int_equal(n, 1);
	expect(f, 0, NULL);
}

/* cp-200: what verify names. */
static void cp_200_tampering(void **state)
{
	struct fixture *f = F(state);
	fix_score_q2(f);
	announce_ok(f, "2024-Q2", "2024-07-05");
	unprotect(f);
	/* a line changed */
	assert_int_equal(db_exec(f->d, "UPDATE announcement_line SET balance = balance + 1"
				       " WHERE idx = 0"), 0);
	expect(f, 1, "村 V1 2024-Q2 的公示 的公示行与签名的默克尔根不符");
	assert_int_equal(db_exec(f->d, "UPDATE announcement_line SET balance = balance - 1"
				       " WHERE idx = 0"), 0);
	expect(f, 0, NULL);
	/* the announcement deleted: the log remembers it */
	assert_int_equal(db_exec(f->d, "DELETE FROM announcement_line"), 0);
	assert_int_equal(db_exec(f->d, "DELETE FROM announcement_receipt"), 0);
	assert_int_equal(db_exec(f->d, "DELETE FROM announcement"), 0);
	expect(f, 1, "签名记录里有村 V1 2024-Q2 的公示");
	/* a checkpoint row signed by another key */
	uint8_t seed[32] = {3};
	struct note_signer o;
	assert_int_equal(note_signer_from_seed(f->a, "jifen.test/town", NOTE_ED25519, seed, &o), 0);
	const char *text = "jifen.test/town/V1\n15\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	char *note;
	assert_int_equal(note_sign(f->a, text, &o, 1, 0, &note), 0);
	db_stmt *s = db_prepare(f->d, "UPDATE ledger_checkpoint SET note = $n");
	assert_int_equal(db_bind_text(s, "$n", note), 0);
	assert_int_equal(db_step(s), DB_DONE);
	expect(f, 1, "村 V1 的检查点（15 条） 的签名不是本部署的签名密钥 jifen.test/town 签的");
	/* the ledger cut back to 10 entries, with its tree, and the checkpoint
	** rows deleted: the log's checkpoint of 15 remains */
	assert_int_equal(db_exec(f->d, "DELETE FROM ledger_checkpoint"), 0);
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_tree_no_update_delete ON ledger_tree;"
					       " DROP TRIGGER ledger_entry_no_update_delete ON ledger_entry"),
				 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_tree_no_delete;"
					       " DROP TRIGGER ledger_entry_no_delete"), 0);
	assert_int_equal(db_exec(f->d, "DELETE FROM ledger_tree WHERE width > 10"), 0);
	assert_int_equal(db_exec(f->d, "DELETE FROM ledger_entry WHERE seq > 10"), 0);
	expect(f, 1, "签名记录里村 V1 的检查点（15 条");
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(cp_100_sign_and_reuse, setup, teardown_ann), \
	cmocka_unit_test_setup_teardown(cp_200_tampering, setup, teardown_ann)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_ann_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_ann_pg)};
	int failed = cmocka_run_group_tests_name("checkpoint/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("checkpoint/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] checkpoint/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
