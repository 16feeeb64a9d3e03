/*
** ledger_verify.c — `jifen verify` (ledger_verify() of ledger.h): walk each
** village's hash chain and recompute what the ledger implies — the chain
** head, every household's balance, its yearly points and veto marks — and
** compare it with what is stored.  One function per check; each adds the
** first problem it finds to errs and returns 1, or -1 on a database error.
*/
#include "ledger.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "ledger_int.h"
#include "shop_verify.h"

/* A row of a village (what names it: "积分台账第 N 条（村 X，序号 S）")
** names household hid, which is not one of the village's: add to errs
** whether it does not exist or which village it is in.  Returns 1, or -1
** on a database error. */
static int report_stranger(db *d, int64_t hid, const char *what, errlist *errs)
{
	db_stmt *h = db_prepare(d, "SELECT h.code, COALESCE(o.code, '')"
				   " FROM household h LEFT JOIN village o"
				   " ON o.id = h.village_id WHERE h.id = $h");
	int st;
	if (!h || db_bind_int(h, "$h", hid) || (st = db_step(h)) == DB_ERROR)
		return -1;
	if (st == DB_ROW)
		errlist_add(errs, "%s的农户 %s（编号 %lld）属于村 %s，不是本村的农户", what,
			    db_column_text(h, 0), (long long)hid, db_column_text(h, 1));
	else
		errlist_add(errs, "%s的农户（编号 %lld）不存在", what, (long long)hid);
	db_reset(h);
	return 1;
}

/* The village's households into vf->own: every entry's household is one
** of them (on PostgreSQL no foreign key says it exists, schema 006).
** 0 or -1. */
static int load_households(struct verify *vf)
{
	db_stmt *s = db_prepare(vf->d, "SELECT id FROM household WHERE village_id = $v");
	int st;
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	while ((st = db_step(s)) == DB_ROW)
		imap_get(&vf->own, db_column_int(s, 0));
	return st == DB_DONE ? 0 : -1;
}

/* One entry of the chain walk: its seq, its link and hash, its household;
** then its points into the sums.  0 on, 1 a problem, -1. */
static int check_entry(struct verify *vf, struct hasher *hasher, const struct ledger_entry *e)
{
	const struct village *v = vf->v;
	char hash[65];
	if (e->seq != vf->expect_seq) {
		errlist_add(vf->errs, "积分台账第 %lld 条（村 %s，序号 %lld）序号不连续，应为 %lld",
			    (long long)e->id, v->code, (long long)e->seq,
			    (long long)vf->expect_seq);
		return 1;
	}
	hasher_hash(hasher, e, vf->prev, hash);
	if (strcmp(e->prev_hash, vf->prev)) {
		errlist_add(vf->errs, "积分台账第 %lld 条（村 %s，序号 %lld）与前一条的哈希链接不符",
			    (long long)e->id, v->code, (long long)e->seq);
		return 1;
	}
	if (strcmp(e->hash, hash)) {
		errlist_add(vf->errs, "积分台账第 %lld 条（村 %s，序号 %lld）哈希不符",
			    (long long)e->id, v->code, (long long)e->seq);
		return 1;
	}
	if (!imap_find(&vf->own, e->household_id)) {
		char what[128];
		snprintf(what, sizeof what, "积分台账第 %lld 条（村 %s，序号 %lld）",
			 (long long)e->id, v->code, (long long)e->seq);
		return report_stranger(vf->d, e->household_id, what, vf->errs);
	}
	int rc = verify_entry_anchors(vf, e);
	if (rc)
		return rc;
	memcpy(vf->prev, e->hash, 65);
	vf->expect_seq++;
	imap_get(&vf->balance, e->household_id)->v += e->points;
	if (ledger_kind_scored(e->kind)) {
		struct imap_slot *y =
			imap_get(&vf->years, year_key(e->household_id, month_year(e->month)));
		y->v += e->points;
		y->flag = 1; /* the year has entries */
	}
	struct imap_slot *it = e->item_id ? imap_find(&vf->items, e->item_id) : NULL;
	int veto = it && vf->item[it->v - 1].veto;
	if (veto && e->kind == LEDGER_SCORE)
		imap_get(&vf->veto_net, e->id)->v += e->points;
	else if (e->kind == LEDGER_CORRECTION) {
		struct imap_slot *o = imap_find(&vf->veto_net, e->correction_of);
		if (o)
			o->v += e->points;
	}
	return 0;
}

/* Walk the village's chain in seq order through check_entry(), counting
** the entries into *checked.  0, 1, -1. */
static int check_chain(struct verify *vf, int64_t *checked)
{
	int rc = 0, st;
	struct hasher hasher = {0};
	db_stmt *s = db_prepare(vf->d, "SELECT " ENTRY_COLS " FROM ledger_entry le"
				       " WHERE le.village_id = $v ORDER BY le.seq");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	/* one arena for the rows' text, emptied every so often: a village's
	** ledger may be millions of entries */
	arena *rowa = arena_new();
	int since = 0;
	while ((st = db_step(s)) == DB_ROW) {
		if (++since == 4096) {
			arena_free(rowa);
			rowa = arena_new();
			since = 0;
		}
		struct ledger_entry e;
		entry_from_row(s, rowa, &e, 0);
		rc = check_entry(vf, &hasher, &e);
		if (rc)
			break;
		(*checked)++;
	}
	arena_free(rowa);
	db_reset(s);
	hasher_free(&hasher);
	if (rc)
		return rc;
	return st == DB_DONE ? 0 : -1;
}

/* The stored chain head is the last entry walked.  0, 1, -1. */
static int check_head(struct verify *vf)
{
	int64_t head_seq;
	char head[65];
	if (ledger_head(vf->d, vf->v->id, &head_seq, head))
		return -1;
	if (head_seq != vf->expect_seq - 1 || strcmp(head, vf->prev)) {
		errlist_add(vf->errs, "村 %s 的台账链头（序号 %lld）与台账最后一条（序号 %lld）不符",
			    vf->v->code, (long long)head_seq, (long long)(vf->expect_seq - 1));
		return 1;
	}
	return 0;
}

/* The veto marks the entries give: (household, year) of a standing veto
** entry into vf->veto_years; veto_net holds score entry id → net points, so
** read those entries' households and months back.  0 or -1. */
static int load_veto_years(struct verify *vf)
{
	int st;
	db_stmt *s = db_prepare(vf->d, "SELECT le.id, le.household_id, le.month FROM ledger_entry le"
				       " JOIN standard_item i ON i.id = le.item_id"
				       " WHERE le.village_id = $v AND le.kind = 'score' AND i.veto = 1");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		struct imap_slot *x = imap_find(&vf->veto_net, db_column_int(s, 0));
		if (x && x->v != 0)
			imap_get(&vf->veto_years, year_key(db_column_int(s, 1),
							   month_year(db_column_text(s, 2))))->v = 1;
	}
	return st == DB_DONE ? 0 : -1;
}

/* Every stored balance is of one of the village's households (on
** PostgreSQL no foreign key says the household exists, schema 008) and
** equals the sum of the household's entries, and every household with
** entries has its balance.  0, 1, -1. */
static int check_balances(struct verify *vf)
{
	const struct village *v = vf->v;
	int st;
	db_stmt *s = db_prepare(vf->d, "SELECT b.household_id, b.balance, h.code FROM household_balance b"
				       " LEFT JOIN household h ON h.id = b.household_id AND h.village_id = $v"
				       " WHERE b.village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		int64_t hid = db_column_int(s, 0), stored = db_column_int(s, 1);
		if (db_column_is_null(s, 2)) {
			char what[96];
			snprintf(what, sizeof what, "村 %s 的积分余额", v->code);
			int rc = report_stranger(vf->d, hid, what, vf->errs);
			db_reset(s);
			return rc;
		}
		struct imap_slot *x = imap_find(&vf->balance, hid);
		int64_t sum = x ? x->v : 0;
		if (x)
			x->flag = 1;
		if (stored != sum) {
			errlist_add(vf->errs, "农户 %s（村 %s）积分余额 %lld 与台账合计 %lld 不符",
				    db_column_text(s, 2), v->code, (long long)stored, (long long)sum);
			db_reset(s);
			return 1;
		}
	}
	if (st != DB_DONE)
		return -1;
	const struct imap *b = &vf->balance;
	for (size_t i = 0; i < b->cap; i++)
		if (b->s[i].key && !b->s[i].flag && b->s[i].v != 0) {
			errlist_add(vf->errs, "农户（编号 %lld，村 %s）有台账记录合计 %lld 分，但没有积分余额",
				    (long long)b->s[i].key, v->code, (long long)b->s[i].v);
			return 1;
		}
	return 0;
}

/* Every stored year row (points and veto mark) agrees with the entries,
** and every year with entries has its row.  0, 1, -1. */
static int check_years(struct verify *vf)
{
	const struct village *v = vf->v;
	int st;
	db_stmt *s = db_prepare(vf->d, "SELECT y.household_id, y.year, y.points, y.veto, h.code"
				       " FROM household_year y LEFT JOIN household h"
				       " ON h.id = y.household_id AND h.village_id = $v"
				       " WHERE y.village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		int64_t hid = db_column_int(s, 0);
		int year = (int)db_column_int(s, 1);
		if (db_column_is_null(s, 4)) {
			char what[96];
			snprintf(what, sizeof what, "村 %s 的 %d 年积分", v->code, year);
			int rc = report_stranger(vf->d, hid, what, vf->errs);
			db_reset(s);
			return rc;
		}
		int64_t stored = db_column_int(s, 2);
		int veto = (int)db_column_int(s, 3);
		struct imap_slot *x = imap_find(&vf->years, year_key(hid, year));
		int64_t sum = x ? x->v : 0;
		if (x)
			x->flag = 2; /* seen */
		int want_veto = imap_find(&vf->veto_years, year_key(hid, year)) != NULL;
		if (stored != sum || veto != want_veto) {
			if (stored != sum)
				errlist_add(vf->errs, "农户 %s（村 %s）%d 年积分 %lld 与台账合计 %lld 不符",
					    db_column_text(s, 4), v->code, year, (long long)stored,
					    (long long)sum);
			else
				errlist_add(vf->errs, "农户 %s（村 %s）%d 年一票否决标记为 %d，台账应为 %d",
					    db_column_text(s, 4), v->code, year, veto, want_veto);
			db_reset(s);
			return 1;
		}
	}
	if (st != DB_DONE)
		return -1;
	const struct imap *y = &vf->years;
	for (size_t i = 0; i < y->cap; i++)
		if (y->s[i].key && y->s[i].flag != 2) {
			errlist_add(vf->errs, "农户（编号 %lld，村 %s）%lld 年有台账记录，但没有年度积分",
				    (long long)(y->s[i].key / 4096), v->code,
				    (long long)(y->s[i].key % 4096));
			return 1;
		}
	return 0;
}

/* Verify one village inside the caller's read transaction: the checks in
** order, stopping at the first problem.  Returns 0 intact, 1 (the problem
** in errs), -1. */
static int verify_village(db *d, arena *a, const struct village *v, errlist *errs,
			  int64_t *checked)
{
	struct verify vf = {.d = d, .a = a, .v = v, .errs = errs, .expect_seq = 1};
	vf.own.a = vf.balance.a = vf.years.a = vf.veto_net.a = vf.veto_years.a = a;
	vf.photos.a = vf.anchors.a = a;
	vf.items.a = vf.appr.a = a;
	randombytes_buf(vf.fp_key, sizeof vf.fp_key);
	memcpy(vf.prev, LEDGER_GENESIS, 65);
	int rc = load_households(&vf);
	if (!rc)
		rc = verify_load_evidence(&vf);
	if (!rc)
		rc = verify_load_standards(&vf);
	if (!rc)
		rc = check_chain(&vf, checked);
	if (!rc)
		rc = check_head(&vf);
	if (!rc)
		rc = load_veto_years(&vf);
	if (!rc)
		rc = check_balances(&vf);
	if (!rc)
		rc = check_years(&vf);
	if (!rc)
		rc = verify_approvals(&vf);
	if (!rc)
		rc = verify_sheet_entries(&vf);
	if (!rc)
		rc = verify_standards(&vf);
	/* the points shop's stock, funds and redemptions (shop_verify.c) */
	if (!rc)
		rc = shop_verify_village(d, a, v, errs);
	buf_free(&vf.fp_scratch);
	return rc;
}

/* Entries, balances and yearly rows of a village that does not exist are
** on no chain walked by verify_village() (on PostgreSQL no foreign key says
** it exists, schema 006), and read by no village (schema 008): the
** distinct village ids of each table, one index probe each.  A row: which
** table ('' the ledger), the village id, the first entry id or household
** id.  0, 1, -1. */
static int check_orphans(db *d, errlist *errs)
{
	db_stmt *s = db_prepare(d,
		"WITH RECURSIVE vid(id) AS"
		" (SELECT MIN(village_id) FROM ledger_entry UNION ALL"
		" SELECT (SELECT MIN(le.village_id) FROM ledger_entry le"
		" WHERE le.village_id > vid.id) FROM vid WHERE vid.id IS NOT NULL),"
		" bv(id) AS (SELECT MIN(village_id) FROM household_balance UNION ALL"
		" SELECT (SELECT MIN(b.village_id) FROM household_balance b"
		" WHERE b.village_id > bv.id) FROM bv WHERE bv.id IS NOT NULL),"
		" yv(id) AS (SELECT MIN(village_id) FROM household_year UNION ALL"
		" SELECT (SELECT MIN(y.village_id) FROM household_year y"
		" WHERE y.village_id > yv.id) FROM yv WHERE yv.id IS NOT NULL)"
		" SELECT '', vid.id, (SELECT MIN(le.id) FROM ledger_entry le"
		" WHERE le.village_id = vid.id) FROM vid WHERE vid.id IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM village v WHERE v.id = vid.id)"
		" UNION ALL SELECT '积分余额', bv.id, (SELECT MIN(b.household_id)"
		" FROM household_balance b WHERE b.village_id = bv.id) FROM bv"
		" WHERE bv.id IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM village v WHERE v.id = bv.id)"
		" UNION ALL SELECT '年度积分', yv.id, (SELECT MIN(y.household_id)"
		" FROM household_year y WHERE y.village_id = yv.id) FROM yv"
		" WHERE yv.id IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM village v WHERE v.id = yv.id)");
	int st = s ? db_step(s) : DB_ERROR;
	if (st == DB_ROW) {
		const char *table = db_column_text(s, 0);
		long long vid = db_column_int(s, 1), first = db_column_int(s, 2);
		if (*table)
			errlist_add(errs, "农户（编号 %lld）有村编号 %lld 的%s，但没有这个村", first,
				    vid, table);
		else
			errlist_add(errs, "积分台账第 %lld 条起有村编号 %lld 的记录，但没有这个村",
				    first, vid);
		db_reset(s);
		return 1;
	}
	return st == DB_DONE ? 0 : -1;
}

int ledger_verify(db *d, arena *a, int64_t village_id, errlist *errs, int64_t *checked)
{
	int64_t dummy = 0;
	if (!checked)
		checked = &dummy;
	*checked = 0;
	/* verify reads the ledger and the balances with several statements and
	** must see them as of one moment */
	if (db_begin_snapshot(d))
		return -1;
	int rc = 0;
	if (village_id) {
		struct village *v = village_by_id(d, a, village_id);
		rc = v ? verify_village(d, a, v, errs, checked) : -1;
		if (!v)
			db_set_error(d, "没有这个村");
	} else {
		int n;
		struct village *list = village_list(d, a, &n);
		for (int i = 0; list && i < n && rc == 0; i++)
			rc = verify_village(d, a, &list[i], errs, checked);
		if (!list)
			rc = -1;
		if (rc == 0)
			rc = check_orphans(d, errs);
		if (rc == 0)
			rc = audit_verify(d, errs, NULL);
	}
	db_rollback(d);
	return rc;
}
