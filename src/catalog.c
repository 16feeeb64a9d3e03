/*
** catalog.c — the points shop's catalog (catalog.h): items and their held
** quantities, the stock movements that are the only way stock changes, the
** catalog CSV import, and the town's recommended catalog.
*/
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "json.h"
#include "passbook_store.h"

const struct csv_col catalog_csv_spec[CF_COUNT] = {
	[CF_CODE] = {"code", "商品编号", 1},
	[CF_NAME] = {"name", "名称", 1},
	[CF_KIND] = {"kind", "类型", 1},
	[CF_POINTS] = {"points", "所需积分", 1},
	[CF_STOCK] = {"stock", "库存", 0},
	[CF_UNIT_COST] = {"unit_cost", "单价", 0},
	[CF_ACTIVE] = {"active", "上架", 0},
};

int64_t catalog_available(const struct shop_item *it)
{
	return it->unlimited ? INT64_MAX : it->stock - it->held;
}

int catalog_low(const struct shop_item *it)
{
	return !it->unlimited && it->low_stock > 0 && it->stock <= it->low_stock;
}

const char *catalog_kind_label(const char *kind)
{
	return !strcmp(kind, "service") ? "服务" : "物品";
}

/* The columns read into struct shop_item, held last (a live reservation
** holds until it expires: the held quantity counts only those not past). */
#define ITEM_COLS "i.id, i.village_id, i.code, i.name, i.kind, i.points, i.unlimited, i.stock," \
		  " i.unit_cost_fen, i.active, i.low_stock, i.photo," \
		  " (SELECT COALESCE(SUM(r.quantity), 0) FROM redemption r WHERE r.item_id = i.id" \
		  "  AND r.status = 'reserved' AND r.expires_at > $now)"

static void item_from_row(db_stmt *s, arena *a, void *row)
{
	struct shop_item *it = row;
	it->id = db_column_int(s, 0);
	it->village_id = db_column_int(s, 1);
	it->code = db_column_dup(s, 2, a);
	it->name = db_column_dup(s, 3, a);
	it->kind = db_column_dup(s, 4, a);
	it->points = db_column_int(s, 5);
	it->unlimited = (int)db_column_int(s, 6);
	it->stock = db_column_int(s, 7);
	it->unit_cost_fen = db_column_int(s, 8);
	it->active = (int)db_column_int(s, 9);
	it->low_stock = db_column_int(s, 10);
	it->photo = db_column_dup(s, 11, a);
	it->held = db_column_int(s, 12);
}

int catalog_list(db *d, arena *a, int64_t village_id, int active_only, struct shop_item **out,
		 int *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " ITEM_COLS " FROM shop_item i WHERE i.village_id = $v"
				   " AND (i.active = 1 OR $all = 1) ORDER BY i.code");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$all", !active_only) ||
	    db_bind_int(s, "$now", now_unix()))
		return -1;
	return db_read_rows(s, a, sizeof **out, item_from_row, out, n);
}

/* The one row of s (its $v and $now bound here) into *out: 0, 1 none, -1. */
static int one_item(db_stmt *s, arena *a, int64_t village_id, struct shop_item **out)
{
	if (db_bind_int(s, "$v", village_id) || db_bind_int(s, "$now", now_unix()))
		return -1;
	int st = db_step(s);
	if (st == DB_DONE)
		return 1;
	if (st != DB_ROW)
		return -1;
	*out = arena_alloc(a, sizeof **out);
	item_from_row(s, a, *out);
	db_reset(s);
	return 0;
}

int catalog_get(db *d, arena *a, int64_t village_id, const char *code, struct shop_item **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " ITEM_COLS " FROM shop_item i"
				   " WHERE i.village_id = $v AND i.code = $c");
	return !s || db_bind_text(s, "$c", code) ? -1 : one_item(s, a, village_id, out);
}

int catalog_get_id(db *d, arena *a, int64_t village_id, int64_t id, struct shop_item **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " ITEM_COLS " FROM shop_item i"
				   " WHERE i.village_id = $v AND i.id = $id");
	return !s || db_bind_int(s, "$id", id) ? -1 : one_item(s, a, village_id, out);
}

int catalog_lock(db *d, arena *a, int64_t village_id, int64_t item_id, struct shop_item **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "UPDATE shop_item SET updated_at = updated_at"
				   " WHERE id = $id AND village_id = $v");
	if (!s || db_bind_int(s, "$id", item_id) || db_bind_int(s, "$v", village_id) ||
	    db_step(s) != DB_DONE)
		return -1;
	return catalog_get_id(d, a, village_id, item_id, out);
}

int catalog_move_stock(db *d, const struct actor *who, struct shop_item *it, int64_t quantity,
		       const char *kind, int64_t redemption_id, const char *note)
{
	if (it->stock + quantity < 0) {
		db_set_error(d, "库存不能小于 0");
		return -1;
	}
	if (quantity == 0)
		return 0;
	db_stmt *s = db_prepare(d, "INSERT INTO shop_stock_move(village_id, item_id, quantity, kind,"
				   " redemption_id, note, recorded_by, created_at)"
				   " VALUES($v, $i, $q, $k, $r, $n, $by, $now)");
	if (!s || db_bind_int(s, "$v", it->village_id) || db_bind_int(s, "$i", it->id) ||
	    db_bind_int(s, "$q", quantity) || db_bind_text(s, "$k", kind) ||
	    db_bind_int_or_null(s, "$r", redemption_id) ||
	    db_bind_text(s, "$n", note ? note : "") || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_DONE)
		return -1;
	s = db_prepare(d, "UPDATE shop_item SET stock = stock + $q, updated_at = $now WHERE id = $i");
	if (!s || db_bind_int(s, "$q", quantity) || db_bind_int(s, "$now", now_unix()) ||
	    db_bind_int(s, "$i", it->id) || db_step(s) != DB_DONE)
		return -1;
	it->stock += quantity;
	return 0;
}

/* ---- import ------------------------------------------------------------------ */

/* One checked row of the file. */
struct catalog_pending {
	int row;
	struct shop_item it;
	int stock_given;   /* the stock column is in the file */
	int active_given;
};

struct catalog_read {
	arena *a;
	const char *fname;
	errlist *errs;
	struct catalog_pending *rows;
	int n, cap;
	struct smap seen;
};

/* Check one field; on a problem add FILE:ROW: COLUMN: message, return 1. */
static int row_error(struct catalog_read *cr, const struct csv_row *r, int f, const char *msg)
{
	errlist_add(cr->errs, "%s:%d: %s: %s", cr->fname, r->row, r->colname[f], msg);
	return 1;
}

/* A whole decimal number ≥ lo with at most 12 digits: 0, else -1. */
static int count_value(const char *s, int64_t lo, int64_t *out)
{
	size_t n = strlen(s);
	return n && n <= 12 && strspn(s, "0123456789") == n && !parse_int64(s, out) && *out >= lo
		       ? 0
		       : -1;
}

/* csvfile_parse() callback: check a row, keep it when valid. */
static int catalog_row_cb(void *ctx, const struct csv_row *r)
{
	struct catalog_read *cr = ctx;
	struct shop_item it = {.active = 1};
	int bad = 0;
	const char *code = r->vals[CF_CODE], *name = r->vals[CF_NAME], *kind = r->vals[CF_KIND];
	size_t cl = strlen(code);
	if (!cl || cl > 32 || !text_is_clean(code, 0) || utf8_len(code) > 32)
		bad |= row_error(cr, r, CF_CODE, "商品编号不能为空，最长 32 个字符");
	else if (smap_find(&cr->seen, code))
		bad |= row_error(cr, r, CF_CODE,
				 arena_printf(cr->a, "商品编号“%s”与第 %d 行重复", code,
					      (int)smap_find(&cr->seen, code)->v));
	else
		smap_get(&cr->seen, code)->v = r->row;
	if (!*name || !text_is_clean(name, 0) || utf8_len(name) > 100)
		bad |= row_error(cr, r, CF_NAME, "名称不能为空，最长 100 个字，不能含控制字符");
	if (!strcmp(kind, "goods") || !strcmp(kind, "物品"))
		it.kind = "goods";
	else if (!strcmp(kind, "service") || !strcmp(kind, "服务"))
		it.kind = "service";
	else
		bad |= row_error(cr, r, CF_KIND, "类型应为 goods/物品 或 service/服务");
	if (count_value(r->vals[CF_POINTS], 1, &it.points) || it.points > 100000000)
		bad |= row_error(cr, r, CF_POINTS, "所需积分应为大于 0 的整数");
	const char *stock = r->vals[CF_STOCK];
	if (stock && *stock && count_value(stock, 0, &it.stock))
		bad |= row_error(cr, r, CF_STOCK, "库存应为不小于 0 的整数，留空表示不限量");
	it.unlimited = !stock || !*stock;
	const char *cost = r->vals[CF_UNIT_COST];
	if (cost && *cost && (parse_fen(cost, &it.unit_cost_fen)))
		bad |= row_error(cr, r, CF_UNIT_COST, "单价应为不小于 0 的金额（元，最多两位小数），如 12.50");
	const char *active = r->vals[CF_ACTIVE];
	if (active && *active) {
		it.active = parse_yesno(active);
		if (it.active < 0)
			bad |= row_error(cr, r, CF_ACTIVE, "上架应填 是/否（或 Y/N、1/0、yes/no）");
	}
	if (bad)
		return 0;
	it.code = arena_strdup(cr->a, code);
	it.name = arena_strdup(cr->a, name);
	if (cr->n == cr->cap) {
		int ncap = cr->cap ? cr->cap * 2 : 64;
		struct catalog_pending *g = arena_alloc(cr->a, sizeof *g * (size_t)ncap);
		if (cr->n)
			memcpy(g, cr->rows, sizeof *g * (size_t)cr->n);
		cr->rows = g;
		cr->cap = ncap;
	}
	struct catalog_pending *p = &cr->rows[cr->n++];
	p->row = r->row;
	p->it = it;
	p->stock_given = stock != NULL;
	p->active_given = active && *active;
	return 0;
}

/* The item a row makes of old (NULL: new). */
static struct shop_item merged(const struct catalog_pending *p, const struct shop_item *old)
{
	struct shop_item it = p->it;
	if (!old)
		return it;
	it.id = old->id;
	it.low_stock = old->low_stock;
	it.photo = old->photo;
	if (!p->stock_given) {
		it.unlimited = old->unlimited;
		it.stock = old->stock;
	}
	if (!p->active_given)
		it.active = old->active;
	return it;
}

static int item_same(const struct shop_item *a, const struct shop_item *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->kind, b->kind) && a->points == b->points &&
	       a->unlimited == b->unlimited && (a->unlimited || a->stock == b->stock) &&
	       a->unit_cost_fen == b->unit_cost_fen && a->active == b->active;
}

/* The item as JSON for the audit (arena). */
static char *item_json(arena *a, const struct shop_item *it)
{
	buf b = {0};
	char fen[32];
	buf_puts(&b, "{\"code\":");
	json_quote(&b, it->code);
	buf_puts(&b, ",\"name\":");
	json_quote(&b, it->name);
	buf_printf(&b, ",\"kind\":\"%s\",\"points\":%lld,\"stock\":", it->kind, (long long)it->points);
	if (it->unlimited)
		buf_puts(&b, "null");
	else
		buf_printf(&b, "%lld", (long long)it->stock);
	buf_printf(&b, ",\"unit_cost\":\"%s\",\"active\":%d}", fen_format(fen, it->unit_cost_fen),
		   it->active);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Write one merged row (new when old is NULL) with its stock movement and
** audit record, inside the caller's transaction.  0 or -1. */
static int import_write(db *d, arena *a, const struct actor *who, const struct village *v,
			struct shop_item *it, const struct shop_item *old)
{
	int64_t now = now_unix();
	struct shop_item cur = {0};
	if (!old) {
		db_stmt *s = db_prepare(d,
			"INSERT INTO shop_item(village_id, code, name, kind, points, unlimited, stock,"
			" unit_cost_fen, active, created_at, updated_at)"
			" VALUES($v, $c, $n, $k, $p, $u, 0, $cost, $act, $now, $now) RETURNING id");
		if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$c", it->code) ||
		    db_bind_text(s, "$n", it->name) || db_bind_text(s, "$k", it->kind) ||
		    db_bind_int(s, "$p", it->points) || db_bind_int(s, "$u", it->unlimited) ||
		    db_bind_int(s, "$cost", it->unit_cost_fen) || db_bind_int(s, "$act", it->active) ||
		    db_bind_int(s, "$now", now) || db_step(s) != DB_ROW)
			return -1;
		it->id = db_column_int(s, 0);
		db_reset(s);
		cur = *it;
		cur.stock = 0;
	} else {
		struct shop_item *locked;
		if (catalog_lock(d, a, v->id, old->id, &locked))
			return -1;
		cur = *locked;
		db_stmt *s = db_prepare(d, "UPDATE shop_item SET name = $n, kind = $k, points = $p,"
					   " unlimited = $u, unit_cost_fen = $cost, active = $act,"
					   " updated_at = $now WHERE id = $id");
		if (!s || db_bind_text(s, "$n", it->name) || db_bind_text(s, "$k", it->kind) ||
		    db_bind_int(s, "$p", it->points) || db_bind_int(s, "$u", it->unlimited) ||
		    db_bind_int(s, "$cost", it->unit_cost_fen) || db_bind_int(s, "$act", it->active) ||
		    db_bind_int(s, "$now", now) || db_bind_int(s, "$id", old->id) ||
		    db_step(s) != DB_DONE)
			return -1;
		/* the passbooks name the item in their shop section */
		if (strcmp(old->name, it->name) && passbook_store_touch_village(d, v->id))
			return -1;
	}
	cur.village_id = v->id;
	/* an unlimited item keeps no stock: what it had goes out as a movement */
	int64_t want = it->unlimited ? 0 : it->stock;
	if (catalog_move_stock(d, who, &cur, want - cur.stock, "import", 0, "目录导入"))
		return -1;
	char obj[48];
	snprintf(obj, sizeof obj, "shop_item:%lld", (long long)it->id);
	return audit_record(d, who, v->id, old ? "catalog.update" : "catalog.add", obj,
			    old ? item_json(a, old) : NULL, item_json(a, it));
}

int catalog_import(db *d, const struct actor *who, const struct village *v, const char *fname,
		   const char *data, size_t len, int dry_run, struct catalog_report *rep,
		   errlist *errs)
{
	arena *a = rep->a;
	struct catalog_read cr = {.a = a, .fname = fname, .errs = errs, .seen = {.a = a}};
	int before = errs->n;
	int nrows = csvfile_parse(fname, data, len, catalog_csv_spec, CF_COUNT, catalog_row_cb, &cr,
				  errs);
	if (nrows < 0 || errs->n > before)
		return 1;
	if (!dry_run && db_begin_write(d))
		return -1;
	int rc = -1;
	rep->rows = arena_alloc(a, sizeof *rep->rows * (size_t)(cr.n + 1));
	for (int i = 0; i < cr.n; i++) {
		struct catalog_pending *p = &cr.rows[i];
		struct shop_item *old = NULL;
		if (catalog_get(d, a, v->id, p->it.code, &old) < 0)
			goto out;
		struct shop_item it = merged(p, old);
		struct catalog_row *row = &rep->rows[rep->n++];
		row->row = p->row;
		row->code = it.code;
		row->name = it.name;
		row->action = !old ? CATALOG_ADD : item_same(&it, old) ? CATALOG_UNCHANGED
								     : CATALOG_UPDATE;
		rep->added += row->action == CATALOG_ADD;
		rep->updated += row->action == CATALOG_UPDATE;
		rep->unchanged += row->action == CATALOG_UNCHANGED;
		if (!dry_run && row->action != CATALOG_UNCHANGED &&
		    import_write(d, a, who, v, &it, old))
			goto out;
	}
	rc = 0;
	if (!dry_run && db_commit(d))
		rc = -1;
out:
	if (rc && !dry_run)
		db_rollback(d);
	return rc;
}

/* The item code of v, locked, or a message (1).  0, 1, -1. */
static int locked_by_code(db *d, arena *a, const struct village *v, const char *code,
			  struct shop_item **it, errlist *errs)
{
	int rc = catalog_get(d, a, v->id, code ? code : "", it);
	if (rc > 0)
		errlist_add(errs, "本村积分超市没有编号为“%s”的商品", code && text_is_clean(code, 0) ? code : "?");
	if (rc)
		return rc;
	return catalog_lock(d, a, v->id, (*it)->id, it) ? -1 : 0;
}

/* The end of every write to one item (opened by db_begin_write and
** locked_by_code): on rc 0 the audit row of action on "shop_item:ID" with
** after and the commit, otherwise the rollback; frees a.  Returns rc, or
** -1 when the audit row or the commit failed. */
static int item_write_end(db *d, const struct actor *who, const struct village *v,
			  const struct shop_item *it, const char *action, const char *after,
			  arena *a, int rc)
{
	if (rc == 0 && audit_commit_change(d, who, v->id, action, "shop_item", it->id, NULL, after))
		rc = -1;
	if (rc)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int catalog_restock(db *d, const struct actor *who, const struct village *v, const char *code,
		    int64_t quantity, const char *note, errlist *errs)
{
	if (quantity < 1 || quantity > 1000000000) {
		errlist_add(errs, "入库数量应为正整数");
		return 1;
	}
	if (note && (!text_is_clean(note, 0) || utf8_len(note) > 200)) {
		errlist_add(errs, "入库说明最长 200 个字，不能含控制字符");
		return 1;
	}
	arena *a = arena_new();
	struct shop_item *it = NULL;
	char after[64] = "";
	int rc = db_begin_write(d) ? -1 : locked_by_code(d, a, v, code, &it, errs);
	if (rc == 0 && it->unlimited) {
		errlist_add(errs, "商品“%s”不限量，不记库存", it->code);
		rc = 1;
	}
	if (rc == 0) {
		snprintf(after, sizeof after, "{\"restock\":%lld}", (long long)quantity);
		rc = catalog_move_stock(d, who, it, quantity, "import", 0, note && *note ? note : "入库")
			     ? -1
			     : 0;
	}
	return item_write_end(d, who, v, it, "catalog.restock", after, a, rc);
}

/* Set one integer column of item code (locked) with its audit record:
** column 0 active, 1 low_stock.  0, 1, -1. */
static int set_item_field(db *d, const struct actor *who, const struct village *v,
			  const char *code, int column, int64_t value, errlist *errs)
{
	arena *a = arena_new();
	struct shop_item *it = NULL;
	char after[64] = "";
	int rc = db_begin_write(d) ? -1 : locked_by_code(d, a, v, code, &it, errs);
	if (rc == 0) {
		snprintf(after, sizeof after, "{\"%s\":%lld}", column ? "low_stock" : "active",
			 (long long)value);
		db_stmt *s = db_prepare(d, column ? "UPDATE shop_item SET low_stock = $x, updated_at = $now"
						    " WHERE id = $id"
						  : "UPDATE shop_item SET active = $x, updated_at = $now"
						    " WHERE id = $id");
		rc = !s || db_bind_int(s, "$x", value) || db_bind_int(s, "$now", now_unix()) ||
				     db_bind_int(s, "$id", it->id) || db_step(s) != DB_DONE
			     ? -1
			     : 0;
	}
	return item_write_end(d, who, v, it,
			      column ? "catalog.low_stock" : value ? "catalog.on" : "catalog.off",
			      after, a, rc);
}

int catalog_set_active(db *d, const struct actor *who, const struct village *v, const char *code,
		       int active, errlist *errs)
{
	return set_item_field(d, who, v, code, 0, active ? 1 : 0, errs);
}

int catalog_set_low_stock(db *d, const struct actor *who, const struct village *v,
			  const char *code, int64_t level, errlist *errs)
{
	if (level < 0 || level > 1000000000) {
		errlist_add(errs, "库存预警线应为 0–1000000000 的整数（0 不预警）");
		return 1;
	}
	return set_item_field(d, who, v, code, 1, level, errs);
}

int catalog_set_photo(db *d, const struct actor *who, const struct village *v, const char *code,
		      const void *data, size_t len, errlist *errs)
{
	arena *a = arena_new();
	struct shop_item *it = NULL;
	char hash[65], after[96] = "";
	int rc = db_begin_write(d) ? -1 : locked_by_code(d, a, v, code, &it, errs);
	if (rc == 0)
		rc = evidence_store(d, v->id, who->login, data, len, hash, errs);
	if (rc == 0) {
		snprintf(after, sizeof after, "{\"photo\":\"%s\"}", hash);
		db_stmt *s = db_prepare(d, "UPDATE shop_item SET photo = $p, updated_at = $now"
					   " WHERE id = $id");
		rc = !s || db_bind_text(s, "$p", hash) || db_bind_int(s, "$now", now_unix()) ||
				     db_bind_int(s, "$id", it->id) || db_step(s) != DB_DONE
			     ? -1
			     : 0;
	}
	return item_write_end(d, who, v, it, "catalog.photo", after, a, rc);
}

/* ---- the town's recommended catalog ----------------------------------------- */

int town_catalog_list(db *d, arena *a, struct town_item **out, int *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT id, code, name, kind, points, unit_cost_fen"
				   " FROM town_item ORDER BY code");
	if (!s)
		return -1;
	int cap = 16, st;
	struct town_item *list = arena_alloc(a, (size_t)cap * sizeof *list);
	while ((st = db_step(s)) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		struct town_item *t = &list[(*n)++];
		t->id = db_column_int(s, 0);
		t->code = db_column_dup(s, 1, a);
		t->name = db_column_dup(s, 2, a);
		t->kind = db_column_dup(s, 3, a);
		t->points = db_column_int(s, 4);
		t->unit_cost_fen = db_column_int(s, 5);
	}
	*out = list;
	return st == DB_DONE ? 0 : -1;
}

int town_catalog_save(db *d, const struct actor *who, const struct town_item *t, errlist *errs)
{
	size_t cl = t->code ? strlen(t->code) : 0;
	if (!cl || cl > 32 || !text_is_clean(t->code, 0))
		errlist_add(errs, "商品编号不能为空，最长 32 个字符");
	if (!t->name || !*t->name || !text_is_clean(t->name, 0) || utf8_len(t->name) > 100)
		errlist_add(errs, "名称不能为空，最长 100 个字");
	if (!t->kind || (strcmp(t->kind, "goods") && strcmp(t->kind, "service")))
		errlist_add(errs, "类型应为 goods（物品）或 service（服务）");
	if (t->points < 1 || t->points > 100000000)
		errlist_add(errs, "所需积分应为大于 0 的整数");
	if (t->unit_cost_fen < 0)
		errlist_add(errs, "单价不能小于 0");
	if (errs->n)
		return 1;
	if (db_begin_write(d))
		return -1;
	db_stmt *s = db_prepare(d, "INSERT INTO town_item(code, name, kind, points, unit_cost_fen,"
				   " created_at) VALUES($c, $n, $k, $p, $cost, $now)"
				   " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
				   " kind = excluded.kind, points = excluded.points,"
				   " unit_cost_fen = excluded.unit_cost_fen");
	char obj[64];
	snprintf(obj, sizeof obj, "town_item:%s", t->code);
	int rc = !s || db_bind_text(s, "$c", t->code) || db_bind_text(s, "$n", t->name) ||
				 db_bind_text(s, "$k", t->kind) || db_bind_int(s, "$p", t->points) ||
				 db_bind_int(s, "$cost", t->unit_cost_fen) ||
				 db_bind_int(s, "$now", now_unix()) || db_step(s) != DB_DONE ||
				 audit_record(d, who, 0, "town_catalog.save", obj, NULL, NULL) ||
				 db_commit(d)
			 ? -1
			 : 0;
	if (rc)
		db_rollback(d);
	return rc;
}

int catalog_copy_town(db *d, const struct actor *who, const struct village *v, int *copied)
{
	*copied = 0;
	if (db_begin_write(d))
		return -1;
	int64_t now = now_unix();
	db_stmt *s = db_prepare(d,
		"INSERT INTO shop_item(village_id, code, name, kind, points, unlimited, stock,"
		" unit_cost_fen, active, created_at, updated_at)"
		" SELECT CAST($v AS BIGINT), t.code, t.name, t.kind, t.points,"
		" CASE WHEN t.kind = 'service' THEN 1 ELSE 0 END, 0, t.unit_cost_fen, 1,"
		" CAST($now AS BIGINT), CAST($now AS BIGINT) FROM town_item t"
		" WHERE NOT EXISTS (SELECT 1 FROM shop_item i WHERE i.village_id = $v"
		" AND i.code = t.code)");
	int rc = !s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$now", now) ||
				 db_step(s) != DB_DONE
			 ? -1
			 : 0;
	if (rc == 0) {
		*copied = (int)db_changes(d);
		char obj[40], after[48];
		snprintf(obj, sizeof obj, "village:%lld", (long long)v->id);
		snprintf(after, sizeof after, "{\"copied\":%d}", *copied);
		if (audit_record(d, who, v->id, "catalog.copy_town", obj, NULL, after) || db_commit(d))
			rc = -1;
	}
	if (rc)
		db_rollback(d);
	return rc;
}
