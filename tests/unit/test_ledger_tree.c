/*
** test_ledger_tree.c — unit tests of ledger_tree.c: the stored hashes that
** posting writes equal a tree recomputed from the entries (merkle.c's
** naive root of the leaves), roots and proofs at every size, a correction
** appends a leaf, the migration's backfill rebuilds deleted rows, and
** ledger_tree_verify() names a changed row, a missing row and a changed
** entry.  SQLite always, PostgreSQL when JIFEN_TEST_PG is set.
*/
#include "announcefix.h"

/* tree-100: after three approvals and a correction, every root and proof
** through the stored hashes matches the leaves recomputed here. */
static void tree_100_posting_writes_the_tree(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	fix_score_q2(f);
	add_ok(f, f->w, "H1", "HJ01", "2024-05-03", 1, NULL);
	approve_ok(f, f->w, "2024-05");
	int64_t first = query_int(f->d, "SELECT MIN(id) FROM ledger_entry");
	errlist errs = {0};
	assert_int_equal(ledger_correct(f->d, f->a, &f->who, f->v, first, 1, "更正", &errs, NULL), 0);
	uint8_t(*leaves)[32];
	int n;
	fix_leaves(f, f->v, &leaves, &n);
	assert_int_equal(n, 16);
	int64_t size;
	assert_int_equal(ledger_tree_size(f->d, f->v->id, &size), 0);
	assert_int_equal(size, n);
	/* V1: level 0's tile 0 written by each posting, 5, 10, 15 and 16 wide,
	** and at 16 entries level 4's first node; V2: 1 */
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_tree"), 6);
	assert_int_equal(query_int(f->d, "SELECT SUM(width) FROM ledger_tree"), 48);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_tree WHERE level = 4"), 1);
	for (int m = 0; m <= n; m++) {
		uint8_t want[32], got[32];
		merkle_root_of_leaves((const uint8_t(*)[32])leaves, (uint64_t)m, want);
		assert_int_equal(ledger_tree_root(f->d, f->v->id, m, got), 0);
		assert_memory_equal(got, want, 32);
		uint8_t proof[MERKLE_MAX_PROOF][32];
		size_t np;
		for (int i = 0; i < m; i++) {
			assert_int_equal(ledger_tree_prove_inclusion(f->d, f->v->id, i, m, proof, &np), 0);
			assert_int_equal(merkle_verify_inclusion((uint64_t)i, (uint64_t)m, leaves[i],
								 (const uint8_t(*)[32])proof, np, want),
					 0);
		}
		uint8_t full[32];
		merkle_root_of_leaves((const uint8_t(*)[32])leaves, (uint64_t)n, full);
		assert_int_equal(ledger_tree_prove_consistency(f->d, f->v->id, m, n, proof, &np), 0);
		assert_int_equal(merkle_verify_consistency((uint64_t)m, (uint64_t)n,
							   (const uint8_t(*)[32])proof, np, want, full),
				 0);
	}
	uint8_t r[32], proof[MERKLE_MAX_PROOF][32];
	size_t np;
	assert_int_equal(ledger_tree_root(f->d, f->v->id, n + 1, r), 1);
	assert_int_equal(ledger_tree_prove_inclusion(f->d, f->v->id, n, n, proof, &np), 1);
	assert_int_equal(ledger_tree_prove_consistency(f->d, f->v->id, 3, 2, proof, &np), 1);
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 0);
}

/* Drop ledger_tree's append-only triggers (a tamperer's first step). */
static void drop_tree_triggers(struct fixture *f)
{
	if (f->t.pg)
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_tree_no_update_delete"
					       " ON ledger_tree"), 0);
	else
		assert_int_equal(db_exec(f->d, "DROP TRIGGER ledger_tree_no_delete;"
					       " DROP TRIGGER ledger_tree_no_update"), 0);
}

/* The widest row of each tile, concatenated, into b. */
static void all_rows(struct fixture *f, buf *b)
{
	b->len = 0;
	db_stmt *s = db_prepare(f->d, "SELECT hashes FROM ledger_tree t WHERE width ="
				      " (SELECT MAX(width) FROM ledger_tree u WHERE u.village_id ="
				      " t.village_id AND u.level = t.level AND u.tile = t.tile)"
				      " ORDER BY village_id, level, tile");
	while (db_step(s) == DB_ROW)
		buf_puts(b, db_column_text(s, 0));
	db_reset(s);
}

/* tree-200: the backfill of schema 011 rebuilds deleted rows exactly, and
** a tree behind its ledger makes posting fail rather than grow wrong. */
static void tree_200_backfill(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	fix_score_q2(f);
	buf before = {0}, after = {0};
	all_rows(f, &before);
	drop_tree_triggers(f);
	assert_int_equal(db_exec(f->d, "DELETE FROM ledger_tree WHERE width > 5"), 0);
	add_ok(f, f->v, "H1", "CW01", "2024-07-03", 1, NULL);
	struct approval_input in = {.meeting_date = "2024-07-28", .attendees = "两委",
				    .resolution = "同意"};
	struct approval *ap;
	errlist errs = {0};
	assert_int_equal(sheet_approve(f->d, f->a, &f->who, f->v, "2024-07", &in, 1, &errs, &ap), -1);
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_entry"), 15);
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(ledger_tree_backfill(f->d), 0);
	assert_int_equal(db_commit(f->d), 0);
	all_rows(f, &after);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.p, before.p, before.len);
	approve_ok(f, f->v, "2024-07");
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 0);
	buf_free(&before);
	buf_free(&after);
}

/* tree-300: ledger_tree_verify() recomputes from the entries: a changed
** row, a changed entry (the tree rows kept), a wrong expected root and a
** size beyond the ledger are each named. */
static void tree_300_verify(void **state)
{
	struct fixture *f = F(state);
	adopt_template(f);
	fix_score_q2(f);
	uint8_t(*leaves)[32];
	int n;
	fix_leaves(f, f->v, &leaves, &n);
	struct ledger_tree_expect exp[2] = {{.size = 7, .what = "检查点甲"},
					    {.size = n, .what = "检查点乙"}};
	merkle_root_of_leaves((const uint8_t(*)[32])leaves, 7, exp[0].root);
	merkle_root_of_leaves((const uint8_t(*)[32])leaves, (uint64_t)n, exp[1].root);
	errlist errs = {0};
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, exp, 2, &errs), 0);
	exp[0].root[5] ^= 1;
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, exp, 2, &errs), 1);
	assert_string_equal(errs.msg[0], "检查点甲：台账前 7 条重新计算的默克尔根与签名的不符"
					 "（台账被改写过）");
	errlist_free(&errs);
	exp[0].root[5] ^= 1;
	exp[1].size = n + 1;
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, exp, 2, &errs), 1);
	assert_string_equal(errs.msg[0], "检查点乙：签名时台账有 16 条，现在只有 15 条（台账被删改过）");
	errlist_free(&errs);
	drop_tree_triggers(f);
	/* a row of the tile (entries 1–10) changed */
	step_x(f, "UPDATE ledger_tree SET hashes = 'zz' || substr(hashes, 3) WHERE width = $x", 10,
	       DB_DONE);
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 1);
	assert_string_equal(errs.msg[0], "村 V1 的默克尔树在台账序号 1–10 处与台账记录不符");
	errlist_free(&errs);
	/* the widest row gone */
	step_x(f, "DELETE FROM ledger_tree WHERE width >= $x", 10, DB_DONE);
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 1);
	assert_string_equal(errs.msg[0], "村 V1 的默克尔树缺少台账序号 1–15 的哈希");
	errlist_free(&errs);
	/* rebuilt, then an entry changed under its stored hashes */
	assert_int_equal(db_begin_write(f->d), 0);
	assert_int_equal(ledger_tree_backfill(f->d), 0);
	assert_int_equal(db_commit(f->d), 0);
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 0);
	drop_ledger_triggers(f);
	assert_int_equal(db_exec(f->d, "UPDATE ledger_entry SET points = points + 1 WHERE seq = 2"),
			 0);
	assert_int_equal(ledger_tree_verify(f->d, f->a, f->v, NULL, 0, &errs), 1);
	assert_string_equal(errs.msg[0], "村 V1 的默克尔树在台账序号 1–5 处与台账记录不符");
	errlist_free(&errs);
}

/* tree-400: postings of many sizes straight through the writer (leaves
** made up, no entries): every root and a sample of proofs through the
** stored rows equal a tree in memory, across tile and level boundaries. */
static void tree_400_many_postings(void **state)
{
	struct fixture *f = F(state);
	static const int sizes[] = {1, 15, 16, 17, 255, 256, 1, 3000, 700, 4096, 2};
	struct merkle_memtree mem = {.a = f->a};
	uint64_t total = 0;
	for (size_t p = 0; p < sizeof sizes / sizeof *sizes; p++) {
		assert_int_equal(db_begin_write(f->d), 0);
		struct ledger_tree_writer *w = ledger_tree_writer_begin(f->d, f->a, f->v->id,
									 (int64_t)total);
		assert_non_null(w);
		for (int i = 0; i < sizes[p]; i++) {
			uint8_t leaf[32];
			char data[24];
			snprintf(data, sizeof data, "leaf %llu", (unsigned long long)total++);
			merkle_leaf_hash(data, strlen(data), leaf);
			ledger_tree_writer_add(w, leaf);
			merkle_memtree_append(&mem, leaf);
		}
		uint8_t root[32], want[32];
		assert_int_equal(ledger_tree_writer_finish(w, root), 0);
		assert_int_equal(db_commit(f->d), 0);
		merkle_range_root(&mem.range, want);
		assert_memory_equal(root, want, 32);
	}
	int64_t size;
	assert_int_equal(ledger_tree_size(f->d, f->v->id, &size), 0);
	assert_int_equal(size, (int64_t)total);
	struct merkle_reader mr = merkle_memtree_reader(&mem);
	for (uint64_t m = 0; m <= total; m += m < 300 ? 1 : 97) {
		uint8_t got[32], want[32];
		assert_int_equal(merkle_tree_hash(m, &mr, want), 0);
		assert_int_equal(ledger_tree_root(f->d, f->v->id, (int64_t)m, got), 0);
		assert_memory_equal(got, want, 32);
		if (!m)
			continue;
		uint8_t p1[MERKLE_MAX_PROOF][32], p2[MERKLE_MAX_PROOF][32];
		size_t n1, n2;
		uint64_t idx = (m * 7919) % m;
		assert_int_equal(ledger_tree_prove_inclusion(f->d, f->v->id, (int64_t)idx, (int64_t)m, p1,
							     &n1), 0);
		assert_int_equal(merkle_prove_inclusion(idx, m, &mr, p2, &n2), 0);
		assert_int_equal(n1, n2);
		assert_memory_equal(p1, p2, n1 * 32);
		assert_int_equal(ledger_tree_prove_consistency(f->d, f->v->id, (int64_t)(m / 3),
							       (int64_t)total, p1, &n1), 0);
		assert_int_equal(merkle_prove_consistency(m / 3, total, &mr, p2, &n2), 0);
		assert_int_equal(n1, n2);
		assert_memory_equal(p1, p2, n1 * 32);
	}
	assert_int_equal(query_int(f->d, "SELECT COUNT(*) FROM ledger_tree WHERE level = 8"),
			 (int64_t)((total >> 8) + 15) / 16 + 3);
}

#define DBCASES(setup) \
	cmocka_unit_test_setup_teardown(tree_100_posting_writes_the_tree, setup, teardown), \
	cmocka_unit_test_setup_teardown(tree_200_backfill, setup, teardown), \
	cmocka_unit_test_setup_teardown(tree_300_verify, setup, teardown), \
	cmocka_unit_test_setup_teardown(tree_400_many_postings, setup, teardown)

int main(void)
{
	const struct CMUnitTest on_sqlite[] = {DBCASES(setup_sqlite)};
	const struct CMUnitTest on_pg[] = {DBCASES(setup_pg)};
	int failed = cmocka_run_group_tests_name("ledger_tree/sqlite", on_sqlite, NULL, NULL);
	const char *pg = getenv("JIFEN_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("ledger_tree/postgresql", on_pg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] ledger_tree/postgresql: JIFEN_TEST_PG is not set\n");
	return failed ? 1 : 0;
}
