/*
** shop_verify.c — `jifen verify`'s checks of stock, funds and redemptions
** (shop_verify.h).  Each check is one query that returns the first row that
** does not add up, so a correct database costs one pass over each table.
*/
#include "shop_verify.h"

#include <stdio.h>
#include <string.h>

/* Stock: shop_item.stock against the sum of the item's movements. */
static int verify_stock(db *d, const struct village *v, errlist *errs)
{
	db_stmt *s = db_prepare(d,
		"SELECT i.code, i.stock, i.unlimited, COALESCE((SELECT SUM(m.quantity)"
		" FROM shop_stock_move m WHERE m.item_id = i.id), 0) AS moved FROM shop_item i"
		" WHERE i.village_id = $v ORDER BY i.code");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		long long stock = db_column_int(s, 1), moved = db_column_int(s, 3);
		if (stock != moved || (db_column_int(s, 2) && stock != 0)) {
			errlist_add(errs, "村 %s 商品 %s 库存 %lld 与出入库记录合计 %lld 不符", v->code,
				    db_column_text(s, 0), stock, moved);
			db_reset(s);
			return 1;
		}
	}
	return st == DB_DONE ? 0 : -1;
}

/* Funds: each stored balance row against its movements, and movements of
** a source without a balance row. */
static int verify_funds(db *d, const struct village *v, errlist *errs)
{
	db_stmt *s = db_prepare(d,
		"SELECT src.source, COALESCE(b.income_fen, 0), COALESCE(b.spent_fen, 0),"
		" COALESCE((SELECT SUM(m.amount_fen) FROM fund_move m WHERE m.village_id = $v"
		"  AND m.source = src.source AND m.flow = 'income'), 0),"
		" COALESCE((SELECT SUM(m.amount_fen) FROM fund_move m WHERE m.village_id = $v"
		"  AND m.source = src.source AND m.flow = 'spent'), 0)"
		" FROM (SELECT source FROM fund_balance WHERE village_id = $v"
		"  UNION SELECT source FROM fund_move WHERE village_id = $v) src"
		" LEFT JOIN fund_balance b ON b.village_id = $v AND b.source = src.source"
		" ORDER BY src.source");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		long long in = db_column_int(s, 1), out = db_column_int(s, 2);
		long long min = db_column_int(s, 3), mout = db_column_int(s, 4);
		if (in != min || out != mout) {
			errlist_add(errs, "村 %s 资金来源 %s 的收入 %lld 分、支出 %lld 分与资金记录合计"
					  "（收入 %lld 分、支出 %lld 分）不符",
				    v->code, db_column_text(s, 0), in, out, min, mout);
			db_reset(s);
			return 1;
		}
	}
	return st == DB_DONE ? 0 : -1;
}

/* Redemptions: the entries and stock movements each handed-out or
** reversed redemption must have. */
static int verify_redemptions(db *d, const struct village *v, errlist *errs)
{
	db_stmt *s = db_prepare(d,
		"SELECT r.id, r.status, r.quantity, r.points, r.household_id, i.unlimited,"
		" e.id, e.kind, e.household_id, e.points, e.quantity,"
		" x.id, x.kind, x.points, x.correction_of,"
		" COALESCE((SELECT SUM(m.quantity) FROM shop_stock_move m"
		"  WHERE m.redemption_id = r.id), 0)"
		" FROM redemption r JOIN shop_item i ON i.id = r.item_id"
		" LEFT JOIN ledger_entry e ON e.id = r.ledger_entry_id AND e.village_id = $v"
		" LEFT JOIN ledger_entry x ON x.id = r.reversal_entry_id AND x.village_id = $v"
		" WHERE r.village_id = $v AND r.status IN ('handed_out', 'reversed') ORDER BY r.id");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		long long id = db_column_int(s, 0);
		int reversed = !strcmp(db_column_text(s, 1), "reversed");
		int64_t qty = db_column_int(s, 2), pts = db_column_int(s, 3);
		const char *why = NULL;
		if (db_column_is_null(s, 6))
			why = "没有对应的台账记录";
		else if (strcmp(db_column_text(s, 7), "redemption") ||
			 db_column_int(s, 8) != db_column_int(s, 4) || db_column_int(s, 9) != -pts ||
			 db_column_int(s, 10) != qty)
			why = "与台账记录（类型、农户、数量或分值）不符";
		else if (reversed && (db_column_is_null(s, 11) ||
				      strcmp(db_column_text(s, 12), "redemption") ||
				      db_column_int(s, 13) != pts ||
				      db_column_int(s, 14) != db_column_int(s, 6)))
			why = "的冲回记录与台账不符";
		else if (!db_column_int(s, 5) &&
			 db_column_int(s, 15) != (reversed ? 0 : -qty))
			why = "的出库记录与兑换数量不符";
		if (why) {
			errlist_add(errs, "村 %s 第 %lld 号兑换单%s", v->code, id, why);
			db_reset(s);
			return 1;
		}
	}
	return st == DB_DONE ? 0 : -1;
}

int shop_verify_village(db *d, arena *a, const struct village *v, errlist *errs)
{
	(void)a;
	int rc = verify_stock(d, v, errs);
	if (rc == 0)
		rc = verify_funds(d, v, errs);
	if (rc == 0)
		rc = verify_redemptions(d, v, errs);
	return rc;
}
