/*
** page_shop.c — the points shop's pages (积分超市), over catalog.c and
** redemption.c:
**
**   GET  /v/CODE/catalog              public: what points buy
**   GET  /v/CODE/catalog/ITEM/photo   public: an item's photo
**   POST /v/CODE/shop/items/ITEM/photo  admins: set it (evidence store)
**   GET  /v/CODE/shop                 staff: catalog with stock, low-stock
**                                     warnings, restock, on/off, CSV import,
**                                     the town's recommended catalog, and
**                                     the live reservations
**   POST /v/CODE/shop/import          upload → preview → confirm
**   POST /v/CODE/shop/items/ITEM/restock, …/offer, /v/CODE/shop/copy-town
**   GET  /v/CODE/counter?q=HCODE|…/p/TOKEN   the counter (works on a phone):
**                                     the household's balance and
**                                     reservations only, hand out, cancel
**   POST /v/CODE/counter/redeem       hand out at once (or at the door)
**   POST /v/CODE/redemptions/ID/handout|cancel|reverse
**   GET  /v/CODE/redemptions/ID       the receipt (兑换凭证)
**   GET  /passbook/shop, POST /passbook/reserve,
**   POST /passbook/redemptions/ID/cancel, GET /passbook/redemptions/ID
**                                     the household's own
*/
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "catalog.h"
#include "evidence.h"
#include "household.h"
#include "page.h"
#include "page_shop.h"
#include "passbook.h"
#include "redemption.h"
#include "req.h"

#define SHOP_ROLES (ROLES_ADMIN | ROLE_SHOPKEEPER)
enum { SHOP_IMPORT_MAX = 4 * 1024 * 1024 };

/* "可兑换 N" or "不限量" for an item. */
static const char *left_text(arena *a, const struct shop_item *it)
{
	if (it->unlimited)
		return "不限量";
	int64_t left = catalog_available(it);
	return arena_printf(a, "%lld", (long long)(left < 0 ? 0 : left));
}

/* GET /v/CODE/catalog: the public catalog. */
static void page_catalog(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct shop_item *items;
	int n;
	if (catalog_list(r->db, r->a, v->id, 1, &items, &n)) {
		http_error(r, 500, "读取积分超市目录时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 积分超市", v->name));
	html_read_aloud(r, "main");
	html(r, "<p class=\"lead\">兑换期：%s。积分可兑换下列物品和服务。</p>",
	     !strcmp(v->redemption_window, "always") ? "全年" : v->redemption_window);
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>编号</th><th>名称</th><th>类型</th>"
		    "<th class=\"num\">所需积分</th><th class=\"num\">可兑换</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		html(r, "<tr><td>%s</td><td>%s", items[i].code, items[i].name);
		if (items[i].photo)
			html(r, "<br><img class=\"thumb\" alt=\"%s\" src=\"/v/%s/catalog/%s/photo\">",
			     items[i].name, url_encode(r->a, v->code), url_encode(r->a, items[i].code));
		html(r, "</td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td></tr>",
		     catalog_kind_label(items[i].kind), (long long)items[i].points,
		     left_text(r->a, &items[i]));
	}
	html_raw(r, "</tbody></table>");
	if (!n)
		html_raw(r, "<p class=\"hint\">积分超市还没有上架的商品。</p>");
	if (*v->supervision_phone)
		html(r, "<p>监督电话：%s</p>", v->supervision_phone);
	html_page_end(r);
}

/* GET /v/CODE/catalog/ITEM/photo: the photo of a catalog item (public,
** as the catalog is; evidence of entries stays behind its own routes). */
static void page_item_photo(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct shop_item *it = NULL;
	const char *mime;
	const unsigned char *data;
	size_t len;
	int rc = catalog_get(r->db, r->a, v->id, r->arg[1], &it);
	if (rc == 0 && !it->photo)
		rc = 1;
	if (rc == 0)
		rc = evidence_get(r->db, r->a, v->id, it->photo, &mime, &data, &len);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取照片时出错。" : "这个商品没有照片。");
		return;
	}
	http_header(r, "Cache-Control", "public, max-age=3600");
	http_send(r, 200, mime, data, len);
}

/* The import form (admins) of the staff page and of the upload kit. */
static void import_form(struct req *r, const void *ctx)
{
	const struct village *v = ctx;
	html(r, "<h2>导入目录（CSV）</h2><form method=\"post\" action=\"/v/%s/shop/import\" "
		"enctype=\"multipart/form-data\" class=\"inline\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html_raw(r, "<label>CSV 或 Excel 文件<input type=\"file\" name=\"file\" accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\" "
		    "required></label><button type=\"submit\">预览</button></form>"
		    "<p class=\"hint\">列：code 商品编号、name 名称、kind 类型（goods/物品、service/服务）、"
		    "points 所需积分、stock 库存（空为不限量）、unit_cost 单价（元）、active 上架。</p>");
	page_template_links(r, "catalog");
}

/* GET /v/CODE/shop: the staff's catalog and reservations. */
static void page_shop(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct shop_item *items;
	struct redemption *res;
	int n, nres;
	if (redemption_expire_due(r->db, v->id) || catalog_list(r->db, r->a, v->id, 0, &items, &n) ||
	    redemption_list(r->db, r->a, v->id, 0, "reserved", 100, &res, &nres)) {
		http_error(r, 500, "读取积分超市时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	int admin = req_has_role(r, ROLES_ADMIN);
	html_page_begin(r, arena_printf(r->a, "%s · 积分超市管理", v->name));
	if (req_query(r, "done"))
		html_notice(r, "已保存。");
	html(r, "<p><a href=\"/v/%s/counter\">兑换柜台</a> · <a href=\"/v/%s/catalog\">公开目录</a></p>",
	     vc, vc);
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>编号</th><th>名称</th><th>类型</th>"
		    "<th class=\"num\">积分</th><th class=\"num\">库存</th><th class=\"num\">已预约</th>"
		    "<th class=\"num\">单价（元）</th><th>状态</th><th>入库</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct shop_item *it = &items[i];
		char fen[32];
		const char *ic = url_encode(r->a, it->code);
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%lld</td>"
			"<td class=\"num\">%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td>",
		     it->code, it->name, catalog_kind_label(it->kind), (long long)it->points,
		     it->unlimited ? "不限量" : arena_printf(r->a, "%lld", (long long)it->stock),
		     (long long)it->held, fen_format(fen, it->unit_cost_fen));
		html(r, "<span class=\"tag %s\">%s</span>", it->active ? "ok" : "mute",
		     it->active ? "上架" : "下架");
		if (catalog_low(it))
			html_raw(r, " <span class=\"tag no\">库存不足</span>");
		if (admin) {
			html(r, "<form method=\"post\" action=\"/v/%s/shop/items/%s/photo\" "
				"enctype=\"multipart/form-data\" class=\"inline\">",
			     vc, ic);
			html_csrf(r);
			html_raw(r, "<input type=\"file\" name=\"photo\" accept=\"image/jpeg,image/png\" "
				    "aria-label=\"商品照片\" required><button type=\"submit\">照片</button></form>");
			html(r, "<form method=\"post\" action=\"/v/%s/shop/items/%s/offer\" class=\"inline\">",
			     vc, ic);
			html_csrf(r);
			html(r, "<input type=\"hidden\" name=\"active\" value=\"%d\">"
				"<button type=\"submit\">%s</button></form>",
			     !it->active, it->active ? "下架" : "上架");
		}
		html_raw(r, "</td><td>");
		if (!it->unlimited) {
			html(r, "<form method=\"post\" action=\"/v/%s/shop/items/%s/restock\" class=\"inline\">",
			     vc, ic);
			html_csrf(r);
			html_raw(r, "<input name=\"quantity\" type=\"number\" min=\"1\" required size=\"4\" "
				    "aria-label=\"入库数量\"><button type=\"submit\">入库</button></form>");
			html(r, "<form method=\"post\" action=\"/v/%s/shop/items/%s/low-stock\" class=\"inline\">",
			     vc, ic);
			html_csrf(r);
			html(r, "<label>预警线<input name=\"level\" type=\"number\" min=\"0\" size=\"4\" "
				"value=\"%lld\"></label><button type=\"submit\">设置</button></form>",
			     (long long)it->low_stock);
		}
		html_raw(r, "</td></tr>");
	}
	html_raw(r, "</tbody></table>");
	html(r, "<h2>未取货的预约（%d）</h2>", nres);
	if (nres) {
		html_raw(r, "<table class=\"list\"><thead><tr><th>单号</th><th>户</th><th>商品</th>"
			    "<th class=\"num\">数量</th><th class=\"num\">积分</th><th>保留到</th>"
			    "</tr></thead><tbody>");
		for (int i = 0; i < nres; i++)
			html(r, "<tr><td><a href=\"/v/%s/redemptions/%lld\">%lld</a></td><td>"
				"<a href=\"/v/%s/counter?q=%s\">%s</a></td><td>%s</td><td class=\"num\">%lld</td>"
				"<td class=\"num\">%lld</td><td>%s</td></tr>",
			     vc, (long long)res[i].id, (long long)res[i].id, vc,
			     url_encode(r->a, res[i].household_code), res[i].household_code,
			     res[i].item_name, (long long)res[i].quantity, (long long)res[i].points,
			     time_format(r->a, res[i].expires_at, NULL));
		html_raw(r, "</tbody></table>");
	}
	if (admin) {
		import_form(r, v);
		html(r, "<h2>镇推荐目录</h2><form method=\"post\" action=\"/v/%s/shop/copy-town\">", vc);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\">把镇推荐目录中本村还没有的商品加入本村目录</button></form>");
	}
	html_page_end(r);
}

void shop_page_outcome(struct req *r, int rc, errlist *errs, const char *headline,
		       const char *back, const char *back_label, const char *done)
{
	if (rc < 0)
		http_error(r, 500, "保存时出错，没有写入。");
	else if (rc > 0) {
		r->status = 400;
		html_page_begin(r, headline);
		page_error_list(r, errs, arena_printf(r->a, "%s：", headline));
		html(r, "<p><a href=\"%s\">%s</a></p>", back, back_label);
		html_page_end(r);
	} else
		http_redirect(r, done);
	errlist_free(errs);
}

/* The outcome of a write of the shop page: back to it, or the refusal. */
static void shop_outcome(struct req *r, const struct village *v, int rc, errlist *errs)
{
	const char *vc = url_encode(r->a, v->code);
	shop_page_outcome(r, rc, errs, "没有保存", arena_printf(r->a, "/v/%s/shop", vc),
			  "返回积分超市管理", arena_printf(r->a, "/v/%s/shop?done=1", vc));
}

/* POST /v/CODE/shop/import */
static void page_import_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct upload up;
	if (page_upload_or_reply(r, SHOP_IMPORT_MAX, &up, arena_printf(r->a, "%s · 导入目录", v->name),
				 import_form, v))
		return;
	struct catalog_report rep = {.a = r->a};
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = catalog_import(r->db, &who, v, up.fname, up.data, up.len, !up.confirm, &rep, &errs);
	if (rc || up.confirm) {
		shop_outcome(r, v, rc, &errs);
		return;
	}
	static const char *const actions[] = {"新增", "更新", "未变"};
	html_page_begin(r, arena_printf(r->a, "%s · 导入目录预览", v->name));
	html(r, "<p>将新增 %d 项，更新 %d 项，未变 %d 项。</p>", rep.added, rep.updated, rep.unchanged);
	html_raw(r, "<table class=\"list\"><thead><tr><th>行</th><th>编号</th><th>名称</th><th>变化</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < rep.n; i++)
		html(r, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>", rep.rows[i].row,
		     rep.rows[i].code, rep.rows[i].name, actions[rep.rows[i].action]);
	html_raw(r, "</tbody></table>");
	html(r, "<form method=\"post\" action=\"/v/%s/shop/import\">", url_encode(r->a, v->code));
	html_csrf(r);
	page_upload_format(r, up.data, up.len);
	page_confirm_fields(r, up.fname, up.data, up.len);
	html_raw(r, "<button type=\"submit\" class=\"primary\">确认导入</button></form>");
	html_page_end(r);
}

/* POST /v/CODE/shop/items/ITEM/restock: quantity, note */
static void page_restock_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t qty = 0;
	errlist errs = {0};
	if (parse_int64(req_form_trim(r, "quantity"), &qty))
		qty = 0;
	struct actor who = req_actor(r);
	shop_outcome(r, v, catalog_restock(r->db, &who, v, r->arg[1], qty, req_form_trim(r, "note"),
					   &errs),
		     &errs);
}

/* POST /v/CODE/shop/items/ITEM/offer: active 1/0 */
static void page_offer_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	errlist errs = {0};
	struct actor who = req_actor(r);
	shop_outcome(r, v, catalog_set_active(r->db, &who, v, r->arg[1],
					      !strcmp(req_form_trim(r, "active"), "1"), &errs),
		     &errs);
}

/* POST /v/CODE/shop/items/ITEM/low-stock: level */
static void page_low_stock_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t level = -1;
	if (parse_int64(req_form_trim(r, "level"), &level))
		level = -1;
	errlist errs = {0};
	struct actor who = req_actor(r);
	shop_outcome(r, v, catalog_set_low_stock(r->db, &who, v, r->arg[1], level, &errs), &errs);
}

/* POST /v/CODE/shop/items/ITEM/photo: multipart "photo" */
static void page_photo_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const struct param *f = req_file(r, "photo");
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = 1;
	if (!f)
		errlist_add(&errs, "请选择商品照片（JPEG 或 PNG）");
	else
		rc = catalog_set_photo(r->db, &who, v, r->arg[1], f->value, f->len, &errs);
	shop_outcome(r, v, rc, &errs);
}

/* POST /v/CODE/shop/copy-town */
static void page_copy_town_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int copied;
	struct actor who = req_actor(r);
	errlist errs = {0};
	shop_outcome(r, v, catalog_copy_town(r->db, &who, v, &copied), &errs);
}

/* The household the counter's q names — a household code, or a card's
** /p/TOKEN link (scanned) — in v: its id, 0 none (*why the message), -1. */
static int64_t counter_household(struct req *r, const struct village *v, const char *q,
				 const char **why)
{
	const char *p = strstr(q, "/p/");
	if (p) {
		int64_t vid, hid;
		char token[65];
		snprintf(token, sizeof token, "%s", p + 3);
		token[strspn(token, "0123456789abcdef")] = 0;
		int rc = passbook_token_resolve(r->db, token, &vid, &hid);
		if (rc < 0)
			return -1;
		if (rc || vid != v->id) {
			*why = "这张积分卡无效、已作废或不是本村的。";
			return 0;
		}
		return hid;
	}
	struct household *h;
	int rc = household_get_by_code(r->db, r->a, v->id, q, &h);
	if (rc < 0)
		return -1;
	if (rc) {
		*why = "本村没有这个户编号。";
		return 0;
	}
	return h->id;
}

/* The counter's view of household hid: balance and reservations only. */
static void counter_household_view(struct req *r, const struct village *v, int64_t hid)
{
	struct household *h;
	struct shop_account acc;
	struct redemption *res;
	struct shop_item *items;
	int nres, n;
	if (household_get(r->db, r->a, v->id, hid, &h) || redemption_account(r->db, v->id, hid, &acc) ||
	    redemption_list(r->db, r->a, v->id, hid, "reserved", 50, &res, &nres) ||
	    catalog_list(r->db, r->a, v->id, 1, &items, &n)) {
		html_error_box(r, "读取积分时出错。");
		return;
	}
	const char *vc = url_encode(r->a, v->code);
	html(r, "<section class=\"cards\"><div class=\"card\"><div class=\"big\">%lld</div>可用积分</div>"
		"<div class=\"card\"><div class=\"big\">%lld</div>积分余额</div></section>",
	     (long long)acc.available, (long long)acc.balance);
	html(r, "<p>户编号 <b>%s</b>%s%s</p>", h->code, acc.participating ? "" : "（未参与积分制）",
	     acc.veto ? "（本年有一票否决，不能兑换）" : "");
	int64_t now = now_unix();
	for (int i = 0; i < nres; i++) {
		if (res[i].expires_at <= now)
			continue;
		html(r, "<div class=\"card\">预约 %lld：%s ×%lld，%lld 分", (long long)res[i].id,
		     res[i].item_name, (long long)res[i].quantity, (long long)res[i].points);
		html(r, "<form method=\"post\" action=\"/v/%s/redemptions/%lld/handout\" class=\"inline\">",
		     vc, (long long)res[i].id);
		html_csrf(r);
		html_raw(r, "<label>送货上门人<input name=\"delivered_by\" size=\"8\"></label>"
			    "<button type=\"submit\" class=\"primary\">兑换</button></form>");
		html(r, "<form method=\"post\" action=\"/v/%s/redemptions/%lld/cancel\" class=\"inline\">",
		     vc, (long long)res[i].id);
		html_csrf(r);
		html_raw(r, "<button type=\"submit\">取消预约</button></form></div>");
	}
	html(r, "<h2>直接兑换</h2><form method=\"post\" action=\"/v/%s/counter/redeem\" class=\"narrow\">",
	     vc);
	html_csrf(r);
	html(r, "<input type=\"hidden\" name=\"household\" value=\"%s\">", h->code);
	html_raw(r, "<label>商品<select name=\"item\">");
	for (int i = 0; i < n; i++)
		html(r, "<option value=\"%s\">%s（%lld 分，可兑换 %s）</option>", items[i].code,
		     items[i].name, (long long)items[i].points, left_text(r->a, &items[i]));
	html_raw(r, "</select></label><label>数量<input name=\"quantity\" type=\"number\" min=\"1\" "
		    "value=\"1\"></label><label>送货上门人（在柜台领取不填）<input name=\"delivered_by\">"
		    "</label><button type=\"submit\" class=\"primary\">兑换</button></form>");
}

/* GET /v/CODE/counter?q=…: a form for the household code or card link,
** and the household's view when q names one. */
static void page_counter(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v || redemption_expire_due(r->db, v->id) < 0) {
		if (v)
			http_error(r, 500, "读取兑换记录时出错。");
		return;
	}
	const char *q = req_query(r, "q");
	html_page_begin(r, arena_printf(r->a, "%s · 兑换柜台", v->name));
	html(r, "<form method=\"get\" action=\"/v/%s/counter\" class=\"narrow\">"
		"<label>户编号，或扫描积分卡二维码<input name=\"q\" value=\"%s\" autofocus required "
		"inputmode=\"text\"></label><button type=\"submit\">查询</button></form>",
	     url_encode(r->a, v->code), q ? q : "");
	if (q && *q) {
		const char *why = NULL;
		int64_t hid = counter_household(r, v, q, &why);
		if (hid < 0)
			html_error_box(r, "查询时出错。");
		else if (!hid)
			html_error_box(r, why);
		else
			counter_household_view(r, v, hid);
	}
	html_page_end(r);
}

/* Answer a handout: the receipt, or a refusal page back to the counter. */
static void handout_outcome(struct req *r, const struct village *v, int rc, errlist *errs,
			    const struct redemption *x, const char *hcode)
{
	const char *vc = url_encode(r->a, v->code);
	shop_page_outcome(r, rc, errs, "不能兑换",
			  arena_printf(r->a, "/v/%s/counter?q=%s", vc, url_encode(r->a, hcode ? hcode : "")),
			  "返回兑换柜台",
			  rc ? "" : arena_printf(r->a, "/v/%s/redemptions/%lld", vc, (long long)x->id));
}

/* POST /v/CODE/counter/redeem: household, item, quantity, delivered_by */
static void page_counter_redeem(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *hcode = req_form_trim(r, "household");
	errlist errs = {0};
	struct household *h = NULL;
	int rc = household_get_by_code(r->db, r->a, v->id, hcode, &h);
	if (rc > 0)
		errlist_add(&errs, "本村没有这个户编号");
	int64_t qty;
	if (parse_int64(req_form_trim(r, "quantity"), &qty))
		qty = 0;
	struct redemption *x = NULL;
	int64_t balance;
	if (rc == 0) {
		struct actor who = req_actor(r);
		rc = redemption_redeem(r->db, r->a, &who, v, h->id, req_form_trim(r, "item"), qty, NULL,
				       req_form_trim(r, "delivered_by"), &errs, &x, &balance);
	}
	handout_outcome(r, v, rc, &errs, x, hcode);
}

/* The village of the path (into *v) and its redemption r->arg[1], or
** answers 404 (another village's too) or 500 and returns NULL. */
static struct redemption *village_redemption_or_404(struct req *r, struct village **v)
{
	if (!(*v = req_village_or_404(r, r->arg[0])))
		return NULL;
	struct redemption *x = NULL;
	int64_t id = parse_id(r->arg[1]);
	int rc = id ? redemption_get(r->db, r->a, (*v)->id, id, &x) : 1;
	if (rc)
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取兑换单时出错。" : "本村没有这张兑换单。");
	return rc ? NULL : x;
}

/* What the counter's POSTs on one redemption open with: the village and
** the redemption of the path, who acts, and the list that the area fills
** with its refusals. */
struct redemption_action {
	struct village *v;
	struct redemption *x;
	struct actor who;
	errlist errs;
};

/* The opener of those POSTs: 0 with *a filled, or -1 when r is answered
** (as village_redemption_or_404() answers it). */
static int redemption_action_or_404(struct req *r, struct redemption_action *a)
{
	a->errs = (errlist){0};
	if (!(a->x = village_redemption_or_404(r, &a->v)))
		return -1;
	a->who = req_actor(r);
	return 0;
}

/* POST /v/CODE/redemptions/ID/handout: delivered_by */
static void page_handout_post(struct req *r)
{
	struct redemption_action a;
	if (redemption_action_or_404(r, &a))
		return;
	int64_t balance;
	struct redemption *done = NULL;
	int rc = redemption_handout(r->db, r->a, &a.who, a.v, a.x->id, NULL,
				    req_form_trim(r, "delivered_by"), &a.errs, &done, &balance);
	handout_outcome(r, a.v, rc, &a.errs, a.x, a.x->household_code);
}

/* POST /v/CODE/redemptions/ID/cancel */
static void page_cancel_post(struct req *r)
{
	struct redemption_action a;
	if (redemption_action_or_404(r, &a))
		return;
	int rc = redemption_cancel(r->db, r->a, &a.who, a.v, a.x->id, 0, &a.errs);
	if (rc) {
		shop_outcome(r, a.v, rc, &a.errs);
		return;
	}
	http_redirect(r, arena_printf(r->a, "/v/%s/counter?q=%s", url_encode(r->a, a.v->code),
				      url_encode(r->a, a.x->household_code)));
}

/* POST /v/CODE/redemptions/ID/reverse: reason (admins) */
static void page_reverse_post(struct req *r)
{
	struct redemption_action a;
	if (redemption_action_or_404(r, &a))
		return;
	int rc = redemption_reverse(r->db, r->a, &a.who, a.v, a.x->id, req_form_trim(r, "reason"),
				    &a.errs, NULL);
	if (rc) {
		shop_outcome(r, a.v, rc, &a.errs);
		return;
	}
	http_redirect(r, arena_printf(r->a, "/v/%s/redemptions/%lld", url_encode(r->a, a.v->code),
				      (long long)a.x->id));
}

/* The household's balance right after ledger entry id (the sum of its
** entries up to that one on the chain): 0 or -1. */
static int balance_after(struct req *r, int64_t village_id, int64_t household_id, int64_t entry,
			 int64_t *balance)
{
	db_stmt *s = db_prepare(r->db, "SELECT COALESCE(SUM(points), 0) FROM ledger_entry"
				       " WHERE village_id = $v AND household_id = $h AND seq <="
				       " (SELECT seq FROM ledger_entry WHERE id = $e)");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_int(s, "$e", entry) || db_step(s) != DB_ROW)
		return -1;
	*balance = db_column_int(s, 0);
	db_reset(s);
	return 0;
}

/* The receipt (兑换凭证) of x: what, how many, points, when, who handed it
** out (and delivered it), and the balance after. */
static void receipt(struct req *r, const struct village *v, const struct redemption *x,
		    int staff)
{
	int64_t after = 0;
	if (x->ledger_entry_id && balance_after(r, v->id, x->household_id, x->ledger_entry_id, &after)) {
		http_error(r, 500, "读取兑换单时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "兑换凭证 第 %lld 号", (long long)x->id));
	html(r, "<dl class=\"record\"><dt>村</dt><dd>%s（%s）</dd><dt>户编号</dt><dd>%s</dd>"
		"<dt>商品</dt><dd>%s %s</dd><dt>数量</dt><dd>%lld</dd><dt>积分</dt><dd>%lld</dd>"
		"<dt>状态</dt><dd>%s</dd>",
	     v->name, v->code, x->household_code, x->item_code, x->item_name,
	     (long long)x->quantity, (long long)x->points, redemption_status_label(x, now_unix()));
	if (x->date)
		html(r, "<dt>兑换日期</dt><dd>%s</dd><dt>经手人</dt><dd>%s</dd>", x->date,
		     x->handed_by ? x->handed_by : "");
	if (x->delivered_by && *x->delivered_by)
		html(r, "<dt>送货上门</dt><dd>%s</dd>", x->delivered_by);
	if (x->ledger_entry_id)
		html(r, "<dt>兑换后积分余额</dt><dd><b>%lld</b></dd><dt>台账记录</dt><dd>第 %lld 条</dd>",
		     (long long)after, (long long)x->ledger_entry_id);
	if (!strcmp(x->status, "reserved"))
		html(r, "<dt>保留到</dt><dd>%s</dd>", time_format(r->a, x->expires_at, NULL));
	if (x->reason && *x->reason)
		html(r, "<dt>冲回原因</dt><dd>%s</dd>", x->reason);
	html_raw(r, "</dl>");
	if (staff && !strcmp(x->status, "handed_out") && req_has_role(r, ROLES_ADMIN)) {
		html(r, "<form method=\"post\" action=\"/v/%s/redemptions/%lld/reverse\" class=\"inline\">",
		     url_encode(r->a, v->code), (long long)x->id);
		html_csrf(r);
		html_raw(r, "<label>冲回原因<input name=\"reason\" required></label>"
			    "<button type=\"submit\">冲回这次兑换</button></form>");
	}
	html_raw(r, "<p class=\"hint\"><a href=\"javascript:print()\">打印凭证</a></p>");
	html_page_end(r);
}

/* GET /v/CODE/redemptions/ID */
static void page_receipt(struct req *r)
{
	struct village *v;
	struct redemption *x = village_redemption_or_404(r, &v);
	if (x)
		receipt(r, v, x, 1);
}

/* ---- the household's own -------------------------------------------------------- */

void shop_passbook_section(struct req *r, const struct village *v, int64_t household_id,
			   int readonly)
{
	struct redemption *list;
	int n;
	if (redemption_list(r->db, r->a, v->id, household_id, NULL, 10, &list, &n))
		return;
	html_raw(r, "<h2>积分超市</h2>");
	if (!readonly)
		html_raw(r, "<p><a href=\"/passbook/shop\">看看积分能兑换什么、预约兑换</a></p>");
	if (!n) {
		html_raw(r, "<p class=\"hint\">还没有兑换或预约。</p>");
		return;
	}
	int64_t now = now_unix();
	html_raw(r, "<table class=\"list\"><thead><tr><th>单号</th><th>商品</th><th class=\"num\">积分</th>"
		    "<th>状态</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		html_raw(r, "<tr><td>");
		if (readonly)
			html(r, "%lld", (long long)list[i].id);
		else
			html(r, "<a href=\"/passbook/redemptions/%lld\">%lld</a>", (long long)list[i].id,
			     (long long)list[i].id);
		html(r, "</td><td>%s ×%lld</td><td class=\"num\">%lld</td><td>%s</td></tr>",
		     list[i].item_name, (long long)list[i].quantity, (long long)list[i].points,
		     redemption_status_label(&list[i], now));
	}
	html_raw(r, "</tbody></table>");
}

/* The household's village, or answers (NULL): anonymous to the household
** login, staff 403. */
static struct village *own_village_or_reply(struct req *r)
{
	if (!r->user || r->user->role != ROLE_HOUSEHOLD) {
		if (!r->user)
			http_redirect(r, "/passbook/login");
		else
			http_error(r, 403, "这是农户自己的页面。");
		return NULL;
	}
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	if (!v)
		http_error(r, 500, "读取本村时出错。");
	return v;
}

/* GET /passbook/shop: the catalog with a reserve form per item, and the
** household's live reservations with cancel. */
static void page_own_shop(struct req *r)
{
	struct village *v = own_village_or_reply(r);
	if (!v)
		return;
	struct shop_item *items;
	struct shop_account acc;
	int n;
	if (redemption_expire_due(r->db, v->id) || catalog_list(r->db, r->a, v->id, 1, &items, &n) ||
	    redemption_account(r->db, v->id, r->user->id, &acc)) {
		http_error(r, 500, "读取积分超市时出错。");
		return;
	}
	html_page_begin(r, "积分超市");
	if (req_query(r, "done"))
		html_notice(r, "已保存。预约的积分和商品会为您保留，请到村积分超市领取。");
	html(r, "<p>可用积分 <b>%lld</b>（余额 %lld，已预约 %lld）。预约保留 %d 小时。</p>",
	     (long long)acc.available, (long long)acc.balance, (long long)acc.held,
	     v->reservation_hours);
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>名称</th><th class=\"num\">积分</th>"
		    "<th class=\"num\">可兑换</th><th>预约</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		html(r, "<tr><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td><td>",
		     items[i].name, (long long)items[i].points, left_text(r->a, &items[i]));
		html_raw(r, "<form method=\"post\" action=\"/passbook/reserve\" class=\"inline\">");
		html_csrf(r);
		html(r, "<input type=\"hidden\" name=\"item\" value=\"%s\"><input name=\"quantity\" "
			"type=\"number\" min=\"1\" value=\"1\" size=\"3\" aria-label=\"数量\"><button type=\"submit\">预约"
			"</button></form></td></tr>",
		     items[i].code);
	}
	html_raw(r, "</tbody></table>");
	struct redemption *list;
	int nl;
	if (redemption_list(r->db, r->a, v->id, r->user->id, "reserved", 20, &list, &nl) == 0 && nl) {
		html_raw(r, "<h2>我的预约</h2>");
		for (int i = 0; i < nl; i++) {
			html(r, "<p>第 %lld 号：%s ×%lld，%lld 分，保留到 %s ", (long long)list[i].id,
			     list[i].item_name, (long long)list[i].quantity, (long long)list[i].points,
			     time_format(r->a, list[i].expires_at, NULL));
			html(r, "<form method=\"post\" action=\"/passbook/redemptions/%lld/cancel\" "
				"class=\"inline\">",
			     (long long)list[i].id);
			html_csrf(r);
			html_raw(r, "<button type=\"submit\">取消</button></form></p>");
		}
	}
	html_raw(r, "<p><a href=\"/passbook\">返回积分存折</a></p>");
	html_page_end(r);
}

/* Answer a household's reserve or cancel: back to /passbook/shop, or the
** refusal. */
static void own_outcome(struct req *r, int rc, errlist *errs)
{
	shop_page_outcome(r, rc, errs, "没有保存", "/passbook/shop", "返回积分超市",
			  "/passbook/shop?done=1");
}

/* The household's own redemption r->arg[0], or answers 404 (NULL). */
static struct redemption *own_redemption_or_404(struct req *r, const struct village *v)
{
	struct redemption *x = NULL;
	int64_t id = parse_id(r->arg[0]);
	int rc = id ? redemption_get(r->db, r->a, v->id, id, &x) : 1;
	if (rc == 0 && x->household_id != r->user->id)
		rc = 1;
	if (rc)
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取兑换单时出错。" : "没有这张兑换单。");
	return rc ? NULL : x;
}

/* POST /passbook/reserve: item, quantity */
static void page_own_reserve(struct req *r)
{
	struct village *v = own_village_or_reply(r);
	if (!v)
		return;
	int64_t qty;
	if (parse_int64(req_form_trim(r, "quantity"), &qty))
		qty = 0;
	errlist errs = {0};
	struct actor who = {0, arena_printf(r->a, "household:%s", r->user->login), r->ip};
	struct redemption *x;
	own_outcome(r, redemption_reserve(r->db, r->a, &who, v, r->user->id, req_form_trim(r, "item"),
					  qty, &errs, &x),
		    &errs);
}

/* POST /passbook/redemptions/ID/cancel */
static void page_own_cancel(struct req *r)
{
	struct village *v = own_village_or_reply(r);
	if (!v)
		return;
	errlist errs = {0};
	struct actor who = {0, arena_printf(r->a, "household:%s", r->user->login), r->ip};
	struct redemption *x = own_redemption_or_404(r, v);
	if (x)
		own_outcome(r, redemption_cancel(r->db, r->a, &who, v, x->id, r->user->id, &errs),
			    &errs);
}

/* GET /passbook/redemptions/ID: the household's own receipt. */
static void page_own_receipt(struct req *r)
{
	struct village *v = own_village_or_reply(r);
	if (!v)
		return;
	struct redemption *x = own_redemption_or_404(r, v);
	if (x)
		receipt(r, v, x, 0);
}

const struct route shop_routes[] = {
	{"GET", "/v/*/catalog", page_catalog, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/catalog/*/photo", page_item_photo, 0, ROUTE_PUBLIC},
	{"GET", "/v/*/shop", page_shop, SHOP_ROLES, 0},
	{"POST", "/v/*/shop/import", page_import_post, ROLES_ADMIN, ROUTE_UPLOAD},
	{"POST", "/v/*/shop/items/*/restock", page_restock_post, SHOP_ROLES, 0},
	{"POST", "/v/*/shop/items/*/offer", page_offer_post, ROLES_ADMIN, 0},
	{"POST", "/v/*/shop/items/*/low-stock", page_low_stock_post, SHOP_ROLES, 0},
	{"POST", "/v/*/shop/items/*/photo", page_photo_post, ROLES_ADMIN, ROUTE_UPLOAD},
	{"POST", "/v/*/shop/copy-town", page_copy_town_post, ROLES_ADMIN, 0},
	{"GET", "/v/*/counter", page_counter, SHOP_ROLES, 0},
	{"POST", "/v/*/counter/redeem", page_counter_redeem, SHOP_ROLES, 0},
	{"GET", "/v/*/redemptions/*", page_receipt, SHOP_ROLES, 0},
	{"POST", "/v/*/redemptions/*/handout", page_handout_post, SHOP_ROLES, 0},
	{"POST", "/v/*/redemptions/*/cancel", page_cancel_post, SHOP_ROLES, 0},
	{"POST", "/v/*/redemptions/*/reverse", page_reverse_post, ROLES_ADMIN, 0},
	{"GET", "/passbook/shop", page_own_shop, ROLE_HOUSEHOLD, 0},
	{"POST", "/passbook/reserve", page_own_reserve, ROLE_HOUSEHOLD, 0},
	{"POST", "/passbook/redemptions/*/cancel", page_own_cancel, ROLE_HOUSEHOLD, 0},
	{"GET", "/passbook/redemptions/*", page_own_receipt, ROLE_HOUSEHOLD, 0},
	{0},
};

const struct nav_link shop_nav[] = {
	{51, ROLE_HOUSEHOLD, "积分超市", "/passbook/shop", 0},
	{132, ROLE_SHOPKEEPER, "兑换柜台", "/counter", 1},
	{133, ROLE_VILLAGE_ADMIN | ROLE_SHOPKEEPER, "积分超市", "/shop", 1},
	{0},
};
