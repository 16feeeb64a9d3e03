/*
** api_catalog.c — the points shop's catalog and the village settings as
** JSON, over catalog.c and village_setting.c:
**
**   GET  /api/v1/villages/CODE/catalog        public: the items on offer
**        {"village","supervision_phone","items":[{"code","name","kind",
**         "points","stock"|null,"available"|null,"unit_cost_fen","low"}]}
**        (staff of the village, ?all=1: also the items off offer)
**   POST /api/v1/villages/CODE/catalog/ITEM/restock {quantity, note}
**   POST /api/v1/villages/CODE/catalog/ITEM/offer {active: true|false}
**   POST /api/v1/villages/CODE/catalog/ITEM/low-stock {level} (0: no warning)
**   POST /api/v1/villages/CODE/catalog/copy-town   copy the town's items
**   GET  /api/v1/town/catalog                  public: the town's items
**   POST /api/v1/town/catalog {code, name, kind, points, unit_cost_fen}
**   GET  /api/v1/villages/CODE/settings        {"key": "value", …}
**   POST /api/v1/villages/CODE/settings {"key": "value", …}: all or none
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "catalog.h"
#include "req.h"
#include "village.h"
#include "village_setting.h"

#define SHOP_ROLES (ROLES_ADMIN | ROLE_SHOPKEEPER)

/* GET /api/v1/villages/CODE/catalog */
static void api_catalog(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int staff = r->user && req_has_role(r, SHOP_ROLES) &&
		    (r->user->role == ROLE_TOWN_ADMIN || r->user->village_id == v->id);
	int all = staff && req_query(r, "all");
	struct shop_item *items;
	int n;
	if (catalog_list(r->db, r->a, v->id, !all, &items, &n)) {
		http_error(r, 500, "读取积分超市目录时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_str(r, "supervision_phone", v->supervision_phone);
	json_arr(r, "items");
	for (int i = 0; i < n; i++) {
		const struct shop_item *it = &items[i];
		json_obj(r, NULL);
		json_str(r, "code", it->code);
		json_str(r, "name", it->name);
		json_str(r, "kind", it->kind);
		json_int(r, "points", it->points);
		json_opt(r, "stock", it->unlimited ? -1 : it->stock);
		int64_t left = catalog_available(it);
		json_opt(r, "available", it->unlimited ? -1 : left < 0 ? 0 : left);
		json_int(r, "unit_cost_fen", it->unit_cost_fen);
		json_bool(r, "active", it->active);
		json_bool(r, "low", catalog_low(it));
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* Answer {"item": code, "ok": true} after a change of item code. */
static void send_done(struct req *r, const char *code)
{
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "item", code);
	json_bool(r, "ok", 1);
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/catalog/ITEM/restock {quantity, note} */
static void api_restock(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	int64_t qty;
	const char *note;
	member_int(b.o, "quantity", 0, &qty, &b.errs);
	member_str(b.o, "note", &note, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = catalog_restock(r->db, &b.who, v, r->arg[1], qty, note, &b.errs);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "入库时出错。");
	else
		send_done(r, r->arg[1]);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/catalog/ITEM/offer {active} */
static void api_offer(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	json_t *m = json_object_get(b.o, "active");
	int rc = 0;
	if (!json_is_boolean(m)) {
		errlist_add(&b.errs, "字段 active 应为 true 或 false");
		rc = 1;
	} else {
		rc = catalog_set_active(r->db, &b.who, v, r->arg[1], json_is_true(m), &b.errs);
	}
	if (rc)
		api_refused(r, rc, 0, &b.errs, "保存时出错。");
	else
		send_done(r, r->arg[1]);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/catalog/ITEM/low-stock {level} */
static void api_low_stock(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	int64_t level;
	member_int(b.o, "level", -1, &level, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = catalog_set_low_stock(r->db, &b.who, v, r->arg[1], level, &b.errs);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "保存时出错。");
	else
		send_done(r, r->arg[1]);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/catalog/copy-town */
static void api_copy_town(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct actor who = req_actor(r);
	int copied = 0;
	if (catalog_copy_town(r->db, &who, v, &copied)) {
		http_error(r, 500, "复制镇推荐目录时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_int(r, "copied", copied);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/town/catalog */
static void api_town_catalog(struct req *r)
{
	struct town_item *list;
	int n;
	if (town_catalog_list(r->db, r->a, &list, &n)) {
		http_error(r, 500, "读取镇推荐目录时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_arr(r, "items");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_str(r, "code", list[i].code);
		json_str(r, "name", list[i].name);
		json_str(r, "kind", list[i].kind);
		json_int(r, "points", list[i].points);
		json_int(r, "unit_cost_fen", list[i].unit_cost_fen);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/town/catalog {code, name, kind, points, unit_cost_fen} */
static void api_town_catalog_save(struct req *r)
{
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	struct town_item t = {0};
	member_str(b.o, "code", &t.code, &b.errs);
	member_str(b.o, "name", &t.name, &b.errs);
	member_str(b.o, "kind", &t.kind, &b.errs);
	member_int(b.o, "points", 0, &t.points, &b.errs);
	member_int(b.o, "unit_cost_fen", 0, &t.unit_cost_fen, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = town_catalog_save(r->db, &b.who, &t, &b.errs);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "保存镇推荐目录时出错。");
	else
		send_done(r, t.code);
	api_body_free(&b);
}

/* The settings of v as {"key": "value", …}. */
static void send_settings(struct req *r, const struct village *v)
{
	json_begin(r);
	json_obj(r, NULL);
	for (int i = 0; i < VILLAGE_SETTING_COUNT; i++)
		json_str(r, village_setting_keys[i], village_setting_value(r->a, v, i));
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/settings */
static void api_settings(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (v)
		send_settings(r, v);
}

/* POST /api/v1/villages/CODE/settings: every member a key, its value a
** string; all are checked and saved together, or none. */
static void api_settings_post(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	struct village nv = *v;
	const char *key;
	json_t *val;
	json_object_foreach(b.o, key, val) {
		if (!json_is_string(val))
			errlist_add(&b.errs, "设置项 %s 的值应为字符串", text_is_clean(key, 0) ? key : "?");
		else
			village_setting_parse(r->a, &nv, key, json_string_value(val), &b.errs);
	}
	int rc = b.errs.n ? 1 : 0;
	if (!rc) {
		rc = db_begin_write(r->db)
			     ? -1
			     : village_settings_save(r->db, r->a, &b.who, v, &nv, &b.errs);
		if (rc == 0 && db_commit(r->db))
			rc = -1;
		if (rc)
			db_rollback(r->db);
	}
	if (rc)
		api_refused(r, rc, 0, &b.errs, "保存设置时出错。");
	else
		send_settings(r, &nv);
	api_body_free(&b);
}

const struct route catalog_api_routes[] = {
	{"GET", "/api/v1/villages/*/catalog", api_catalog, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/villages/*/catalog/copy-town", api_copy_town, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/catalog/*/restock", api_restock, SHOP_ROLES, 0},
	{"POST", "/api/v1/villages/*/catalog/*/offer", api_offer, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/catalog/*/low-stock", api_low_stock, SHOP_ROLES, 0},
	{"GET", "/api/v1/town/catalog", api_town_catalog, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/town/catalog", api_town_catalog_save, ROLE_TOWN_ADMIN, 0},
	{"GET", "/api/v1/villages/*/settings", api_settings, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/settings", api_settings_post, ROLES_ADMIN, 0},
	{0},
};
