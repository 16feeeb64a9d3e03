/*
** announcefix.h — the fixture of the transparency tests (test_ledger_tree.c,
** test_announcement.c, test_checkpoint.c): ledgerfix.h's two villages with
** the template adopted, a signing key in a temporary file (the process's
** key path), and helpers that score and approve months.  One definition
** each (static inline).
*/
#ifndef JIFEN_ANNOUNCEFIX_H
#define JIFEN_ANNOUNCEFIX_H

#include "ledgerfix.h"

#include "announcement.h"
#include "checkpoint.h"
#include "ledger_tree.h"
#include "merkle.h"
#include "note.h"
#include "signing.h"

/* The key file of the current test (and its signing log beside it). */
static char fix_key_path[300];

/* Make a fresh signing key named jifen.test/town at a temporary path and
** make it the process's key. */
static inline void fix_key(struct fixture *f)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char rnd[17];
	random_hex(rnd, 8);
	snprintf(fix_key_path, sizeof fix_key_path, "%s/jifen-test-%s.key", tmp, rnd);
	signing_set_key_path(fix_key_path);
	errlist errs = {0};
	int created;
	if (signing_key_ensure(f->a, "jifen.test/town", &created, &errs) || !created)
		fail_msg("key: %s", errs.n ? errs.msg[0] : "");
}

/* Remove the key file and its log. */
static inline void fix_key_remove(void)
{
	char log[320];
	snprintf(log, sizeof log, "%s.log", fix_key_path);
	unlink(fix_key_path);
	unlink(log);
}

/* V1's households H1–H5 score in April, May and June 2024 (n entries
** each month, items HJ01/CW01), every month approved. */
static inline void fix_score_q2(struct fixture *f)
{
	static const char *const months[] = {"2024-04", "2024-05", "2024-06"};
	static const char *const hh[] = {"H1", "H2", "H3", "H4", "H5"};
	for (int m = 0; m < 3; m++) {
		for (int i = 0; i < 5; i++) {
			char date[11];
			snprintf(date, sizeof date, "%s-%02d", months[m], 3 + i);
			add_ok(f, f->v, hh[i], i % 2 ? "CW01" : "HJ01", date, 1, NULL);
		}
		approve_ok(f, f->v, months[m]);
	}
}

/* The leaf hashes of village v's entries recomputed from the rows, into
** leaves (arena, *n entries). */
static inline void fix_leaves(struct fixture *f, const struct village *v, uint8_t (**leaves)[32],
			      int *n)
{
	*n = 0;
	int64_t total = query_int(f->d, "SELECT COUNT(*) FROM ledger_entry");
	*leaves = arena_alloc(f->a, (size_t)(total + 1) * 32);
	for (int64_t seq = 1;; seq++) {
		db_stmt *s = db_prepare(f->d, "SELECT id FROM ledger_entry WHERE village_id = $v"
					      " AND seq = $s");
		assert_non_null(s);
		db_bind_int(s, "$v", v->id);
		db_bind_int(s, "$s", seq);
		int st = db_step(s);
		int64_t id = st == DB_ROW ? db_column_int(s, 0) : 0;
		db_reset(s);
		if (!id)
			break;
		struct ledger_entry *e;
		assert_int_equal(ledger_entry_get(f->d, f->a, v->id, id, &e), 0);
		ledger_tree_leaf_hash(e, (*leaves)[(*n)++]);
	}
}

/* Setups and teardown of ledgerfix.h's fixture with the template adopted
** and a fresh key. */
static inline int setup_ann_sqlite(void **state)
{
	int rc = setup_sqlite(state);
	if (!rc) {
		adopt_template(F(state));
		fix_key(F(state));
	}
	return rc;
}

static inline int setup_ann_pg(void **state)
{
	int rc = setup_pg(state);
	if (!rc) {
		adopt_template(F(state));
		fix_key(F(state));
	}
	return rc;
}

static inline int teardown_ann(void **state)
{
	fix_key_remove();
	return teardown(state);
}

#endif
