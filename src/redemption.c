/*
** redemption.c — reservations, handouts, cancellations, expiry and
** reversals of the points shop (redemption.h), with the locking order and
** the refusals described there.
*/
#include "redemption.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "household.h"
#include "json.h"
#include "passbook_store.h"
#include "ledger.h"
#include "village_setting.h"

/* What every step of one operation shares. */
struct rctx {
	db *d;
	arena *a;
	const struct actor *who;
	const struct village *v;
	errlist *errs;
	int64_t now;
};

const char *redemption_status_label(const struct redemption *x, int64_t now)
{
	const char *s = x->status;
	if (!strcmp(s, "reserved"))
		return x->expires_at > now ? "已预约" : "已过期";
	return !strcmp(s, "handed_out") ? "已兑换"
	       : !strcmp(s, "cancelled") ? "已取消"
	       : !strcmp(s, "expired")   ? "已过期"
	       : !strcmp(s, "reversed")  ? "已冲回"
					 : s;
}

/* Points held by the household's live reservations, except reservation
** except (0 none).  Returns 0 or -1. */
static int points_held(db *d, int64_t household_id, int64_t except, int64_t now, int64_t *held)
{
	db_stmt *s = db_prepare(d, "SELECT COALESCE(SUM(points), 0) FROM redemption"
				   " WHERE household_id = $h AND status = 'reserved'"
				   " AND expires_at > $now AND id <> $x");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$now", now) ||
	    db_bind_int(s, "$x", except) || db_step(s) != DB_ROW)
		return -1;
	*held = db_column_int(s, 0);
	db_reset(s);
	return 0;
}

static int balance_of(db *d, int64_t household_id, int64_t *balance)
{
	*balance = 0;
	db_stmt *s = db_prepare(d, "SELECT balance FROM household_balance WHERE household_id = $h");
	if (!s || db_bind_int(s, "$h", household_id))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		*balance = db_column_int(s, 0);
		db_reset(s);
	}
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

/* The veto mark of the household for year: 0 none, 1 marked, -1. */
static int veto_of(db *d, int64_t household_id, int year)
{
	db_stmt *s = db_prepare(d, "SELECT veto FROM household_year WHERE household_id = $h"
				   " AND year = $y");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$y", year))
		return -1;
	int st = db_step(s), veto = 0;
	if (st == DB_ROW) {
		veto = (int)db_column_int(s, 0);
		db_reset(s);
	}
	return st == DB_ROW || st == DB_DONE ? veto : -1;
}

int redemption_account(db *d, int64_t village_id, int64_t household_id, struct shop_account *out)
{
	memset(out, 0, sizeof *out);
	char today[11];
	date_today(today);
	db_stmt *s = db_prepare(d, "SELECT participating FROM household WHERE id = $h"
				   " AND village_id = $v");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 1 : -1;
	out->participating = (int)db_column_int(s, 0);
	db_reset(s);
	if (balance_of(d, household_id, &out->balance) ||
	    points_held(d, household_id, 0, now_unix(), &out->held))
		return -1;
	out->available = out->balance - out->held;
	out->veto = veto_of(d, household_id, atoi(today));
	return out->veto < 0 ? -1 : 0;
}

/* Name the veto entry that marks the household's year: the month and item
** of its first standing veto entry, into errs.  0 or -1. */
static int veto_refusal(struct rctx *c, const struct household *h, int year)
{
	db_stmt *s = db_prepare(c->d, "SELECT le.month, i.code, i.name FROM ledger_entry le"
				      " JOIN standard_item i ON i.id = le.item_id"
				      " WHERE le.household_id = $h AND" LEDGER_VETO_STANDING
				      " ORDER BY le.month, le.seq");
	if (!s || db_bind_int(s, "$h", h->id) || db_bind_year_months(s, year))
		return -1;
	int st = db_step(s);
	if (st == DB_ROW) {
		errlist_add(c->errs, "一票否决：农户 %s 在 %s 因“%s %s”被一票否决，%d 年不能兑换",
			    h->code, db_column_text(s, 0), db_column_text(s, 1),
			    db_column_text(s, 2), year);
		db_reset(s);
	} else if (st == DB_DONE)
		errlist_add(c->errs, "一票否决：农户 %s 在 %d 年有一票否决记录，当年不能兑换", h->code,
			    year);
	return st == DB_ERROR ? -1 : 0;
}

/* Lock the household's row (the first lock of every write here) and read
** it.  0, 1 not one of the village's (message), -1. */
static int lock_household(struct rctx *c, int64_t household_id, struct household **h)
{
	db_stmt *s = db_prepare(c->d, "UPDATE household SET updated_at = updated_at"
				      " WHERE id = $h AND village_id = $v");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", c->v->id) ||
	    db_step(s) != DB_DONE)
		return -1;
	int rc = household_get(c->d, c->a, c->v->id, household_id, h);
	if (rc > 0)
		errlist_add(c->errs, "本村没有这一户");
	return rc;
}

/* Check that household h may take quantity of the locked item it on date,
** the reservation except (0 none) not counted among the holds: each
** refusal adds its line to errs.  Returns 0 may, 1 refused, -1. */
static int check_redeemable(struct rctx *c, const struct household *h, const struct shop_item *it,
			    int64_t quantity, const char *date, int64_t except,
			    int64_t except_quantity)
{
	int before = c->errs->n;
	if (!h->participating)
		errlist_add(c->errs, "不能兑换：农户 %s 没有参与本村积分制（未参与、不符合条件或已退出）",
			    h->code);
	if (!it->active)
		errlist_add(c->errs, "不在兑换目录：商品 %s“%s”已下架，暂不兑换", it->code, it->name);
	if (!redemption_window_contains(c->v->redemption_window, date))
		errlist_add(c->errs, "不在兑换期：本村兑换期为每年 %s，%s 不在其内",
			    c->v->redemption_window, date);
	int veto = veto_of(c->d, h->id, atoi(date));
	if (veto < 0 || (veto && veto_refusal(c, h, atoi(date))))
		return -1;
	if (!it->unlimited) {
		int64_t left = it->stock - (it->held - except_quantity);
		if (left < quantity)
			errlist_add(c->errs, "库存不足：商品 %s“%s”只剩 %lld 件可兑换（库存 %lld，"
					     "已预约 %lld），需要 %lld 件",
				    it->code, it->name, (long long)(left < 0 ? 0 : left),
				    (long long)it->stock, (long long)(it->held - except_quantity),
				    (long long)quantity);
	}
	int64_t balance, held;
	if (balance_of(c->d, h->id, &balance) || points_held(c->d, h->id, except, c->now, &held))
		return -1;
	int64_t need = it->points * quantity, avail = balance - held;
	if (avail < need)
		errlist_add(c->errs, "积分不足：兑换需要 %lld 分，农户 %s 可用 %lld 分（余额 %lld，"
				     "已预约 %lld），还差 %lld 分",
			    (long long)need, h->code, (long long)avail, (long long)balance,
			    (long long)held, (long long)(need - avail));
	return c->errs->n > before ? 1 : 0;
}

/* Lock and read the household and the item by code for a new
** reservation, and check the quantity.  0, 1 (errs), -1. */
static int lock_new(struct rctx *c, int64_t household_id, const char *item_code,
		    int64_t quantity, struct household **h, struct shop_item **it)
{
	if (quantity < 1 || quantity > 10000) {
		errlist_add(c->errs, "数量应为 1–10000 的整数");
		return 1;
	}
	int rc = lock_household(c, household_id, h);
	if (rc)
		return rc;
	rc = catalog_get(c->d, c->a, c->v->id, item_code ? item_code : "", it);
	if (rc > 0)
		errlist_add(c->errs, "不在兑换目录：本村积分超市没有编号为“%s”的商品",
			    item_code && text_is_clean(item_code, 0) ? item_code : "?");
	if (rc)
		return rc;
	return catalog_lock(c->d, c->a, c->v->id, (*it)->id, it) ? -1 : 0;
}

/* Insert a reservation of the checked household and item.  0 or -1. */
static int insert_reservation(struct rctx *c, const struct household *h,
			      const struct shop_item *it, int64_t quantity, struct redemption **out)
{
	struct redemption *x = arena_alloc(c->a, sizeof *x);
	x->village_id = c->v->id;
	x->household_id = h->id;
	x->item_id = it->id;
	x->quantity = quantity;
	x->points = it->points * quantity;
	x->status = "reserved";
	x->reserved_by = c->who->login;
	x->reserved_at = c->now;
	x->expires_at = c->now + (int64_t)c->v->reservation_hours * 3600;
	x->item_code = it->code;
	x->item_name = it->name;
	x->household_code = h->code;
	x->delivered_by = "";
	x->reason = "";
	db_stmt *s = db_prepare(c->d,
		"INSERT INTO redemption(village_id, household_id, item_id, quantity, points, status,"
		" reserved_by, reserved_at, expires_at) VALUES($v, $h, $i, $q, $p, 'reserved', $by,"
		" $at, $exp) RETURNING id");
	if (!s || db_bind_int(s, "$v", x->village_id) || db_bind_int(s, "$h", x->household_id) ||
	    db_bind_int(s, "$i", x->item_id) || db_bind_int(s, "$q", x->quantity) ||
	    db_bind_int(s, "$p", x->points) || db_bind_text(s, "$by", x->reserved_by) ||
	    db_bind_int(s, "$at", x->reserved_at) || db_bind_int(s, "$exp", x->expires_at) ||
	    db_step(s) != DB_ROW)
		return -1;
	x->id = db_column_int(s, 0);
	db_reset(s);
	*out = x;
	return 0;
}

/* The audit record of an act on redemption x.  0 or -1. */
static int audit_redemption(struct rctx *c, const char *action, const struct redemption *x,
			    const char *extra)
{
	char obj[48];
	/* every act on a redemption is audited here, and each shows on the
	** household's passbook (its shop section) */
	if (passbook_store_touch(c->d, x->household_id))
		return -1;
	snprintf(obj, sizeof obj, "redemption:%lld", (long long)x->id);
	char *after = arena_printf(c->a, "{\"household\":%lld,\"item\":%lld,\"quantity\":%lld,"
					 "\"points\":%lld%s%s}",
				   (long long)x->household_id, (long long)x->item_id,
				   (long long)x->quantity, (long long)x->points, extra ? "," : "",
				   extra ? extra : "");
	return audit_record(c->d, c->who, c->v->id, action, obj, NULL, after);
}

/* Post the handout of the checked reservation x (household h, locked item
** it; the batch b holds the chain head) on date, then record it: ledger
** entry, redemption row, stock movement, audit.  *balance the new balance.
** 0 or -1. */
static int post_handout(struct rctx *c, struct ledger_batch *b, const struct household *h,
			struct shop_item *it, struct redemption *x, const char *date,
			const char *delivered_by, int64_t *balance)
{
	if (balance_of(c->d, h->id, balance))
		return -1;
	char month[8];
	snprintf(month, sizeof month, "%.7s", date);
	struct ledger_entry e = {
		.household_id = h->id,
		.kind = LEDGER_REDEMPTION,
		.item_code = "",
		.month = month,
		.date = date,
		.quantity = x->quantity,
		.points = -x->points,
		.reason = "",
		.recorded_by = c->who->login,
		.note = arena_printf(c->a, "兑换 %s“%s” ×%lld（兑换单 %lld）", it->code, it->name,
				     (long long)x->quantity, (long long)x->id),
		.photo = "",
		.posted_at = c->now,
	};
	int64_t first, last;
	if (ledger_batch_add(b, &e, 0) || ledger_batch_finish(b, &first, &last, NULL))
		return -1;
	*balance -= x->points;
	db_stmt *s = db_prepare(c->d, "SELECT id FROM ledger_entry WHERE village_id = $v AND seq = $q");
	if (!s || db_bind_int(s, "$v", c->v->id) || db_bind_int(s, "$q", last) ||
	    db_step(s) != DB_ROW)
		return -1;
	x->ledger_entry_id = db_column_int(s, 0);
	db_reset(s);
	x->status = "handed_out";
	x->date = arena_strdup(c->a, date);
	x->handed_by = c->who->login;
	x->handed_at = c->now;
	x->delivered_by = delivered_by ? arena_strdup(c->a, delivered_by) : "";
	s = db_prepare(c->d, "UPDATE redemption SET status = 'handed_out', date = $d, handed_by = $by,"
			     " handed_at = $at, delivered_by = $del, ledger_entry_id = $e"
			     " WHERE id = $id");
	if (!s || db_bind_text(s, "$d", x->date) || db_bind_text(s, "$by", x->handed_by) ||
	    db_bind_int(s, "$at", x->handed_at) || db_bind_text(s, "$del", x->delivered_by) ||
	    db_bind_int(s, "$e", x->ledger_entry_id) || db_bind_int(s, "$id", x->id) ||
	    db_step(s) != DB_DONE)
		return -1;
	if (!it->unlimited &&
	    catalog_move_stock(c->d, c->who, it, -x->quantity, "redemption", x->id, "兑换"))
		return -1;
	buf js = {0};
	buf_printf(&js, "\"ledger_entry\":%lld,\"date\":\"%s\",\"delivered_by\":",
		   (long long)x->ledger_entry_id, x->date);
	json_quote(&js, x->delivered_by);
	int rc = audit_redemption(c, "redemption.handout", x, buf_cstr(&js));
	buf_free(&js);
	return rc;
}

/* The date of an act: d when given (valid), else today, into out.  0, or
** 1 with a message. */
static int act_date(struct rctx *c, const char *d, char out[11])
{
	if (!d || !*d) {
		date_today(out);
		return 0;
	}
	if (!date_valid(d)) {
		errlist_add(c->errs, "日期应为 YYYY-MM-DD，不是“%s”", text_is_clean(d, 0) ? d : "?");
		return 1;
	}
	snprintf(out, 11, "%s", d);
	return 0;
}

/* delivered_by: short clean text or empty.  0, or 1 with a message. */
static int check_delivered(struct rctx *c, const char *by)
{
	if (by && (!text_is_clean(by, 0) || utf8_len(by) > 50)) {
		errlist_add(c->errs, "送货人最长 50 个字，不能含控制字符");
		return 1;
	}
	return 0;
}

/* Finish a write transaction: commit on rc 0, else roll back (and give up
** the batch).  Returns rc, or -1 when the commit failed. */
static int finish(struct rctx *c, int rc, struct ledger_batch *b)
{
	if (rc == 0 && db_commit(c->d))
		rc = -1;
	if (rc) {
		if (b)
			ledger_batch_abort(b);
		db_rollback(c->d);
	}
	return rc;
}

int redemption_reserve(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t household_id, const char *item_code, int64_t quantity,
		       errlist *errs, struct redemption **out)
{
	struct rctx c = {d, a, who, v, errs, now_unix()};
	char today[11];
	date_today(today);
	struct household *h;
	struct shop_item *it;
	if (db_begin_write(d))
		return -1;
	int rc = lock_new(&c, household_id, item_code, quantity, &h, &it);
	if (rc == 0)
		rc = check_redeemable(&c, h, it, quantity, today, 0, 0);
	if (rc == 0)
		rc = insert_reservation(&c, h, it, quantity, out) ||
				     audit_redemption(&c, "redemption.reserve", *out, NULL)
			     ? -1
			     : 0;
	return finish(&c, rc, NULL);
}

int redemption_redeem(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t household_id, const char *item_code, int64_t quantity,
		      const char *date, const char *delivered_by, errlist *errs,
		      struct redemption **out, int64_t *balance)
{
	struct rctx c = {d, a, who, v, errs, now_unix()};
	char day[11];
	if (act_date(&c, date, day) || check_delivered(&c, delivered_by))
		return 1;
	struct household *h;
	struct shop_item *it;
	struct ledger_batch *b = NULL;
	if (db_begin_write(d))
		return -1;
	int rc = lock_new(&c, household_id, item_code, quantity, &h, &it);
	if (rc == 0 && !(b = ledger_batch_begin(d, a, v->id)))
		rc = -1;
	if (rc == 0)
		rc = check_redeemable(&c, h, it, quantity, day, 0, 0);
	if (rc == 0)
		rc = insert_reservation(&c, h, it, quantity, out) ||
				     post_handout(&c, b, h, it, *out, day, delivered_by, balance)
			     ? -1
			     : 0;
	return finish(&c, rc, b);
}

#define REDEMPTION_COLS "r.id, r.village_id, r.household_id, r.item_id, r.quantity, r.points," \
			" r.status, r.reserved_by, r.reserved_at, r.expires_at, r.date, r.handed_by," \
			" r.delivered_by, COALESCE(r.handed_at, 0), COALESCE(r.ledger_entry_id, 0)," \
			" COALESCE(r.reversal_entry_id, 0), r.closed_by, r.reason," \
			" COALESCE(r.closed_at, 0), i.code, i.name, h.code"
#define REDEMPTION_JOINS " FROM redemption r JOIN shop_item i ON i.id = r.item_id" \
			 " JOIN household h ON h.id = r.household_id"

static void redemption_from_row(db_stmt *s, arena *a, struct redemption *x)
{
	x->id = db_column_int(s, 0);
	x->village_id = db_column_int(s, 1);
	x->household_id = db_column_int(s, 2);
	x->item_id = db_column_int(s, 3);
	x->quantity = db_column_int(s, 4);
	x->points = db_column_int(s, 5);
	x->status = db_column_dup(s, 6, a);
	x->reserved_by = db_column_dup(s, 7, a);
	x->reserved_at = db_column_int(s, 8);
	x->expires_at = db_column_int(s, 9);
	x->date = db_column_dup(s, 10, a);
	x->handed_by = db_column_dup(s, 11, a);
	x->delivered_by = db_column_dup(s, 12, a);
	x->handed_at = db_column_int(s, 13);
	x->ledger_entry_id = db_column_int(s, 14);
	x->reversal_entry_id = db_column_int(s, 15);
	x->closed_by = db_column_dup(s, 16, a);
	x->reason = db_column_dup(s, 17, a);
	x->closed_at = db_column_int(s, 18);
	x->item_code = db_column_dup(s, 19, a);
	x->item_name = db_column_dup(s, 20, a);
	x->household_code = db_column_dup(s, 21, a);
}

int redemption_get(db *d, arena *a, int64_t village_id, int64_t id, struct redemption **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " REDEMPTION_COLS REDEMPTION_JOINS
				   " WHERE r.id = $id AND r.village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 1 : -1;
	*out = arena_alloc(a, sizeof **out);
	redemption_from_row(s, a, *out);
	db_reset(s);
	return 0;
}

int redemption_list(db *d, arena *a, int64_t village_id, int64_t household_id,
		    const char *status, int limit, struct redemption **out, int *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " REDEMPTION_COLS REDEMPTION_JOINS
				   " WHERE r.village_id = $v AND (r.household_id = $h OR $h = 0)"
				   " AND (r.status = $st OR $st = '') ORDER BY r.id DESC LIMIT $lim");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_text(s, "$st", status ? status : "") || db_bind_int(s, "$lim", limit))
		return -1;
	struct redemption *list = arena_alloc(a, sizeof *list * (size_t)(limit > 0 ? limit : 1));
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < limit)
		redemption_from_row(s, a, &list[(*n)++]);
	db_reset(s);
	*out = list;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

/* Read redemption id, lock its household and item, and read it again
** under the locks.  0, 1 none (message), -1. */
static int lock_existing(struct rctx *c, int64_t id, struct redemption **x, struct household **h,
			 struct shop_item **it)
{
	int rc = redemption_get(c->d, c->a, c->v->id, id, x);
	if (rc > 0)
		errlist_add(c->errs, "本村没有第 %lld 号兑换单", (long long)id);
	if (rc)
		return rc;
	rc = lock_household(c, (*x)->household_id, h);
	if (rc)
		return rc;
	if (catalog_lock(c->d, c->a, c->v->id, (*x)->item_id, it) ||
	    redemption_get(c->d, c->a, c->v->id, id, x))
		return -1;
	return 0;
}

/* lock_existing() inside the caller's write transaction, then a ledger
** batch begun for what the change posts (*b; NULL when rc is not 0):
** handing out and reversing post to the ledger, cancelling does not. */
static int lock_for_posting(struct rctx *c, int64_t id, struct redemption **x,
			    struct household **h, struct shop_item **it, struct ledger_batch **b)
{
	*b = NULL;
	int rc = lock_existing(c, id, x, h, it);
	if (rc == 0 && !(*b = ledger_batch_begin(c->d, c->a, c->v->id)))
		rc = -1;
	return rc;
}

/* 1 with a message when x is not a live reservation. */
static int not_live(struct rctx *c, const struct redemption *x)
{
	if (!strcmp(x->status, "reserved") && x->expires_at > c->now)
		return 0;
	errlist_add(c->errs, "第 %lld 号兑换单%s，不能再兑换或取消", (long long)x->id,
		    redemption_status_label(x, c->now));
	return 1;
}

int redemption_handout(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t id, const char *date, const char *delivered_by, errlist *errs,
		       struct redemption **out, int64_t *balance)
{
	struct rctx c = {d, a, who, v, errs, now_unix()};
	char day[11];
	if (act_date(&c, date, day) || check_delivered(&c, delivered_by))
		return 1;
	struct redemption *x;
	struct household *h;
	struct shop_item *it;
	struct ledger_batch *b;
	if (db_begin_write(d))
		return -1;
	int rc = lock_for_posting(&c, id, &x, &h, &it, &b);
	if (rc == 0)
		rc = not_live(&c, x);
	if (rc == 0)
		rc = check_redeemable(&c, h, it, x->quantity, day, x->id, x->quantity);
	if (rc == 0)
		rc = post_handout(&c, b, h, it, x, day, delivered_by, balance) ? -1 : 0;
	if (rc == 0)
		*out = x;
	return finish(&c, rc, b);
}

int redemption_cancel(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t id, int64_t household_only, errlist *errs)
{
	struct rctx c = {d, a, who, v, errs, now_unix()};
	struct redemption *x;
	struct household *h;
	struct shop_item *it;
	if (db_begin_write(d))
		return -1;
	int rc = lock_existing(&c, id, &x, &h, &it);
	if (rc == 0 && household_only && x->household_id != household_only) {
		errlist_add(errs, "本村没有第 %lld 号兑换单", (long long)id);
		rc = 1;
	}
	if (rc == 0)
		rc = not_live(&c, x);
	if (rc == 0) {
		db_stmt *s = db_prepare(d, "UPDATE redemption SET status = 'cancelled', closed_by = $by,"
					   " closed_at = $at WHERE id = $id");
		rc = !s || db_bind_text(s, "$by", who->login) || db_bind_int(s, "$at", c.now) ||
				     db_bind_int(s, "$id", id) || db_step(s) != DB_DONE ||
				     audit_redemption(&c, "redemption.cancel", x, NULL)
			     ? -1
			     : 0;
	}
	return finish(&c, rc, NULL);
}

int redemption_reverse(db *d, arena *a, const struct actor *who, const struct village *v,
		       int64_t id, const char *reason, errlist *errs, struct redemption **out)
{
	struct rctx c = {d, a, who, v, errs, now_unix()};
	if (!reason || !*reason || !text_is_clean(reason, 1) || utf8_len(reason) > 500) {
		errlist_add(errs, "冲回原因不能为空，最长 500 个字，不能含控制字符");
		return 1;
	}
	struct redemption *x;
	struct household *h;
	struct shop_item *it;
	struct ledger_batch *b;
	if (db_begin_write(d))
		return -1;
	int rc = lock_for_posting(&c, id, &x, &h, &it, &b);
	if (rc == 0 && strcmp(x->status, "handed_out")) {
		errlist_add(errs, "第 %lld 号兑换单%s，只有已兑换的才能冲回", (long long)id,
			    redemption_status_label(x, c.now));
		rc = 1;
	}
	struct ledger_entry *orig = NULL;
	if (rc == 0 && ledger_entry_get(d, a, v->id, x->ledger_entry_id, &orig))
		rc = -1;
	if (rc == 0) {
		struct ledger_entry e = {
			.household_id = x->household_id,
			.kind = LEDGER_REDEMPTION,
			.item_code = "",
			.month = orig->month,
			.date = orig->date,
			.quantity = x->quantity,
			.points = x->points,
			.correction_of = orig->id,
			.reason = reason,
			.recorded_by = who->login,
			.note = arena_printf(a, "冲回兑换单 %lld", (long long)x->id),
			.photo = "",
			.posted_at = c.now,
		};
		int64_t first, last;
		rc = ledger_batch_add(b, &e, 0) || ledger_batch_finish(b, &first, &last, NULL) ? -1 : 0;
		db_stmt *s = rc ? NULL
				: db_prepare(d, "SELECT id FROM ledger_entry WHERE village_id = $v"
						" AND seq = $q");
		if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$q", last) ||
		    db_step(s) != DB_ROW)
			rc = -1;
		else {
			x->reversal_entry_id = db_column_int(s, 0);
			db_reset(s);
		}
	}
	if (rc == 0) {
		db_stmt *s = db_prepare(d, "UPDATE redemption SET status = 'reversed', closed_by = $by,"
					   " closed_at = $at, reason = $r, reversal_entry_id = $e"
					   " WHERE id = $id");
		x->status = "reversed";
		x->reason = arena_strdup(a, reason);
		rc = !s || db_bind_text(s, "$by", who->login) || db_bind_int(s, "$at", c.now) ||
				     db_bind_text(s, "$r", reason) ||
				     db_bind_int(s, "$e", x->reversal_entry_id) ||
				     db_bind_int(s, "$id", id) || db_step(s) != DB_DONE ||
				     (!it->unlimited && catalog_move_stock(d, who, it, x->quantity,
									   "reversal", x->id, "冲回兑换")) ||
				     audit_redemption(&c, "redemption.reverse", x, NULL)
			     ? -1
			     : 0;
	}
	if (rc == 0 && out)
		*out = x;
	return finish(&c, rc, b);
}

int redemption_expire_due(db *d, int64_t village_id)
{
	if (db_begin_write(d))
		return -1;
	db_stmt *s = db_prepare(d, "UPDATE redemption SET status = 'expired', closed_by = 'system',"
				   " closed_at = $now WHERE village_id = $v AND status = 'reserved'"
				   " AND expires_at <= $now RETURNING household_id");
	int64_t now = now_unix();
	int st = DB_ERROR;
	if (s && !db_bind_int(s, "$now", now) && !db_bind_int(s, "$v", village_id))
		/* the expired reservations' passbooks are stored again (their rows
		** were not served since the expiry: passbook_store.h) */
		while ((st = db_step(s)) == DB_ROW)
			if (passbook_store_touch(d, db_column_int(s, 0))) {
				st = DB_ERROR;
				break;
			}
	if (s)
		db_reset(s);
	if (st != DB_DONE || db_commit(d)) {
		db_rollback(d);
		return -1;
	}
	return 0;
}
