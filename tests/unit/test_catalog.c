/*
** test_catalog.c — unit tests of catalog.c against a real database
** (shopfix.h): the CSV import (headers in either language, dry run, all or
** nothing with FILE:ROW: COLUMN errors, update by code), stock only as
** movements, restock, on/off offer, and the town's recommended catalog.
*/
#include "shopfix.h"

/* The sum of the stock movements of item code of V1. */
static int64_t moved(struct shopfix *f, const char *code)
{
	db_stmt *s = db_prepare(f->d, "SELECT COALESCE(SUM(m.quantity), 0) FROM shop_stock_move m"
				      " JOIN shop_item i ON i.id = m.item_id WHERE i.code = $c"
				      " AND i.village_id = $v");
	assert_non_null(s);
	db_bind_text(s, "$c", code);
	db_bind_int(s, "$v", f->v->id);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_column_int(s, 0);
	db_reset(s);
	return n;
}

static int import(struct shopfix *f, const char *csv, int dry, struct catalog_report *rep,
		  errlist *errs)
{
	memset(rep, 0, sizeof *rep);
	rep->a = f->a;
	int rc = catalog_import(f->d, &f->who, f->v, "c.csv", csv, strlen(csv), dry, rep, errs);
	if (rc < 0)
		fail_msg("import: %s", db_errmsg(f->d));
	return rc;
}

/* catalog-100: the fixture's import; fields and stock as movements. */
static void catalog_100_import(void **state)
{
	struct shopfix *f = SF(state);
	struct shop_item *it = shopfix_item(f, "RICE");
	assert_string_equal(it->kind, "goods");
	assert_int_equal(it->points, 30);
	assert_int_equal(it->stock, 10);
	assert_int_equal(it->unit_cost_fen, 1250);
	assert_int_equal(moved(f, "RICE"), 10);
	it = shopfix_item(f, "HAIR");
	assert_true(it->unlimited);
	assert_int_equal(catalog_available(it), INT64_MAX);
	assert_false(shopfix_item(f, "OFF")->active);
	struct shop_item *list;
	int n;
	assert_int_equal(catalog_list(f->d, f->a, f->v->id, 1, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(catalog_list(f->d, f->a, f->v->id, 0, &list, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].code, "HAIR");
	assert_int_equal(catalog_list(f->d, f->a, f->w->id, 0, &list, &n), 0);
	assert_int_equal(n, 0);
}

/* catalog-110: update by code in Chinese headers; dry run writes nothing. */
static void catalog_110_update(void **state)
{
	struct shopfix *f = SF(state);
	struct catalog_report rep;
	errlist errs = {0};
	const char *zh = "上架,商品编号,名称,类型,所需积分,库存\n是,RICE,大米,物品,30,4\n"
			 "否,HAIR,理发,服务,10,\n是,NEW,新,服务,1,\n";
	assert_int_equal(import(f, zh, 1, &rep, &errs), 0);
	assert_int_equal(rep.added, 1);
	assert_int_equal(rep.updated, 2);
	assert_int_equal(shopfix_item(f, "RICE")->stock, 10);
	assert_int_equal(import(f, zh, 0, &rep, &errs), 0);
	assert_int_equal(shopfix_item(f, "RICE")->stock, 4);
	assert_int_equal(moved(f, "RICE"), 4);
	assert_int_equal(shopfix_item(f, "RICE")->unit_cost_fen, 0);
	assert_false(shopfix_item(f, "HAIR")->active);
	/* the same file again changes nothing */
	assert_int_equal(import(f, zh, 0, &rep, &errs), 0);
	assert_int_equal(rep.unchanged, 3);
	/* a goods item made unlimited gives its stock out as a movement */
	assert_int_equal(import(f, "code,name,kind,points,stock\nOIL,食用油,goods,50,\n", 0, &rep, &errs), 0);
	assert_true(shopfix_item(f, "OIL")->unlimited);
	assert_int_equal(moved(f, "OIL"), 0);
	shopfix_verify(f, 0);
}

/* catalog-120: each bad field named FILE:ROW: COLUMN, nothing written. */
static void catalog_120_errors(void **state)
{
	struct shopfix *f = SF(state);
	struct catalog_report rep;
	errlist errs = {0};
	static const struct {
		const char *row, *want;
	} cases[] = {
		{",x,goods,1,1,1,yes", "c.csv:3: code:"},
		{"A,,goods,1,1,1,yes", "c.csv:3: name:"},
		{"A,x,food,1,1,1,yes", "c.csv:3: kind:"},
		{"A,x,goods,0,1,1,yes", "c.csv:3: points:"},
		{"A,x,goods,-1,1,1,yes", "c.csv:3: points:"},
		{"A,x,goods,1,1.5,1,yes", "c.csv:3: stock:"},
		{"A,x,goods,1,1,-1,yes", "c.csv:3: unit_cost:"},
		{"A,x,goods,1,1,0.001,yes", "c.csv:3: unit_cost:"},
		{"A,x,goods,1,1,1,perhaps", "c.csv:3: active:"},
		{"NEW2,x,goods,1,1,1,yes", "c.csv:3: code: 商品编号“NEW2”与第 2 行重复"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char csv[256];
		snprintf(csv, sizeof csv, "code,name,kind,points,stock,unit_cost,active\n"
					  "NEW2,好的,goods,1,1,1,yes\n%s\n", cases[i].row);
		assert_int_equal(import(f, csv, 0, &rep, &errs), 1);
		if (!errs.n || strncmp(errs.msg[0], cases[i].want, strlen(cases[i].want)))
			fail_msg("case %zu: %s, want %s", i, errs.n ? errs.msg[0] : "-", cases[i].want);
		errlist_free(&errs);
		struct shop_item *it;
		assert_int_equal(catalog_get(f->d, f->a, f->v->id, "NEW2", &it), 1);
	}
	assert_int_equal(import(f, "code,name,kind,points,colour\nA,b,goods,1,red\n", 0, &rep, &errs), 1);
	errlist_free(&errs);
}

/* catalog-130: restock and offer, audited; unlimited items keep no stock. */
static void catalog_130_restock_offer(void **state)
{
	struct shopfix *f = SF(state);
	errlist errs = {0};
	assert_int_equal(catalog_restock(f->d, &f->who, f->v, "OIL", 5, "采购", &errs), 0);
	assert_int_equal(shopfix_item(f, "OIL")->stock, 6);
	assert_int_equal(catalog_restock(f->d, &f->who, f->v, "OIL", 0, NULL, &errs), 1);
	errlist_free(&errs);
	assert_int_equal(catalog_restock(f->d, &f->who, f->v, "HAIR", 5, NULL, &errs), 1);
	errlist_free(&errs);
	assert_int_equal(catalog_restock(f->d, &f->who, f->w, "OIL", 5, NULL, &errs), 1);
	errlist_free(&errs);
	assert_int_equal(catalog_set_active(f->d, &f->who, f->v, "OFF", 1, &errs), 0);
	assert_true(shopfix_item(f, "OFF")->active);
	assert_false(catalog_low(shopfix_item(f, "OIL")));
	assert_int_equal(catalog_set_low_stock(f->d, &f->who, f->v, "OIL", 6, &errs), 0);
	assert_true(catalog_low(shopfix_item(f, "OIL")));
	assert_int_equal(catalog_set_low_stock(f->d, &f->who, f->v, "OIL", -1, &errs), 1);
	errlist_free(&errs);
	struct shop_item low = {.stock = 2, .low_stock = 2};
	assert_true(catalog_low(&low));
	low.stock = 3;
	assert_false(catalog_low(&low));
	shopfix_verify(f, 0);
}

/* catalog-140: the town's catalog copied into a village, once. */
static void catalog_140_town(void **state)
{
	struct shopfix *f = SF(state);
	errlist errs = {0};
	struct town_item t = {.code = "SOAP", .name = "肥皂", .kind = "goods", .points = 5,
			      .unit_cost_fen = 300};
	assert_int_equal(town_catalog_save(f->d, &f->who, &t, &errs), 0);
	t = (struct town_item){.code = "RICE", .name = "镇大米", .kind = "goods", .points = 40};
	assert_int_equal(town_catalog_save(f->d, &f->who, &t, &errs), 0);
	t.points = 0;
	assert_int_equal(town_catalog_save(f->d, &f->who, &t, &errs), 1);
	errlist_free(&errs);
	int copied;
	assert_int_equal(catalog_copy_town(f->d, &f->who, f->v, &copied), 0);
	assert_int_equal(copied, 1);   /* RICE is the village's own already */
	assert_int_equal(shopfix_item(f, "RICE")->points, 30);
	assert_int_equal(shopfix_item(f, "SOAP")->unit_cost_fen, 300);
	assert_int_equal(catalog_copy_town(f->d, &f->who, f->v, &copied), 0);
	assert_int_equal(copied, 0);
	assert_int_equal(catalog_copy_town(f->d, &f->who, f->w, &copied), 0);
	assert_int_equal(copied, 2);
	struct town_item *list;
	int n;
	assert_int_equal(town_catalog_list(f->d, f->a, &list, &n), 0);
	assert_int_equal(n, 2);
	shopfix_verify(f, 0);
}

#define CASES(setup)                                        \
	SHOPFIX_CASE(catalog_100_import, setup),            \
	SHOPFIX_CASE(catalog_110_update, setup),            \
	SHOPFIX_CASE(catalog_120_errors, setup),            \
	SHOPFIX_CASE(catalog_130_restock_offer, setup),     \
	SHOPFIX_CASE(catalog_140_town, setup)

int main(void)
{
	const struct CMUnitTest lite[] = {CASES(shopfix_setup_sqlite)};
	const struct CMUnitTest pg[] = {CASES(shopfix_setup_pg)};
	return shopfix_run("catalog", lite, sizeof lite / sizeof *lite, pg, sizeof pg / sizeof *pg);
}
