/*
** api_redemption.c — the points shop's redemptions as JSON, over
** redemption.c (the same rules as the pages and `jifen redeem`):
**
**   GET  /api/v1/villages/CODE/redemptions?status=&household=   shop roles
**   POST /api/v1/villages/CODE/redemptions {household, item, quantity}
**        reserve: points and stock held at once → 201
**   POST /api/v1/villages/CODE/redemptions/ID/handout {date, delivered_by}
**   POST /api/v1/villages/CODE/redemptions/ID/cancel
**   POST /api/v1/villages/CODE/redemptions/ID/reverse {reason}   admins
**   POST /api/v1/villages/CODE/redeem {household, item, quantity, date,
**        delivered_by}: reserve and hand out at once → 201
**   GET  /api/v1/villages/CODE/counter/HCODE   the counter's lookup: the
**        household's code, balance, held, available, veto and live
**        reservations — no name, address or phone
**   GET  /api/v1/passbook/redemptions          the household's own
**   POST /api/v1/passbook/redemptions {item, quantity}   reserve
**   POST /api/v1/passbook/redemptions/ID/cancel
**
** A redemption: {"id","household","item","item_name","quantity","points",
** "status","status_label","reserved_at","expires_at","date","delivered_by",
** "ledger_entry","reversal_entry","reason"}; handouts also "balance".
** Refusals are 400 {"error","errors"} naming the reason (redemption.h).
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "household.h"
#include "redemption.h"
#include "req.h"
#include "village.h"

#define SHOP_ROLES (ROLES_ADMIN | ROLE_SHOPKEEPER)

/* The fields of one redemption into the open object. */
static void redemption_fields(struct req *r, const struct redemption *x, int64_t now)
{
	json_int(r, "id", x->id);
	json_str(r, "household", x->household_code);
	json_str(r, "item", x->item_code);
	json_str(r, "item_name", x->item_name);
	json_int(r, "quantity", x->quantity);
	json_int(r, "points", x->points);
	json_str(r, "status", !strcmp(x->status, "reserved") && x->expires_at <= now ? "expired"
										       : x->status);
	json_str(r, "status_label", redemption_status_label(x, now));
	json_int(r, "reserved_at", x->reserved_at);
	json_int(r, "expires_at", x->expires_at);
	json_str(r, "date", x->date);
	json_str(r, "delivered_by", x->delivered_by);
	json_opt(r, "ledger_entry", x->ledger_entry_id ? x->ledger_entry_id : -1);
	json_opt(r, "reversal_entry", x->reversal_entry_id ? x->reversal_entry_id : -1);
	json_str(r, "reason", x->reason);
}

/* Answer one redemption, with the household's new balance when
** with_balance. */
static void send_redemption(struct req *r, int status, const struct redemption *x,
			    int with_balance, int64_t balance)
{
	json_begin(r);
	json_obj(r, NULL);
	redemption_fields(r, x, now_unix());
	if (with_balance)
		json_int(r, "balance", balance);
	json_end_obj(r);
	json_send(r, status);
}

/* An array key of the redemptions of list. */
static void redemption_array(struct req *r, const char *key, const struct redemption *list, int n)
{
	int64_t now = now_unix();
	json_arr(r, key);
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		redemption_fields(r, &list[i], now);
		json_end_obj(r);
	}
	json_end_arr(r);
}

/* A list of redemptions as {"redemptions":[…]}. */
static void send_list(struct req *r, const struct redemption *list, int n)
{
	json_begin(r);
	json_obj(r, NULL);
	redemption_array(r, "redemptions", list, n);
	json_end_obj(r);
	json_send(r, 200);
}

/* The household of code in v, or answers 404/500 and returns 0. */
static int64_t household_or_404(struct req *r, const struct village *v, const char *code)
{
	struct household *h = NULL;
	int rc = code && *code ? household_get_by_code(r->db, r->a, v->id, code, &h) : 1;
	if (rc)
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取农户时出错。" : "本村没有这个户编号。");
	return rc ? 0 : h->id;
}

/* GET /api/v1/villages/CODE/redemptions?status=&household= */
static void api_redemptions(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	const char *hcode = req_query(r, "household"), *status = req_query(r, "status");
	int64_t hid = 0;
	if (hcode && *hcode && !(hid = household_or_404(r, v, hcode)))
		return;
	struct redemption *list;
	int n;
	if (redemption_expire_due(r->db, v->id) ||
	    redemption_list(r->db, r->a, v->id, hid, status, 200, &list, &n)) {
		http_error(r, 500, "读取兑换记录时出错。");
		return;
	}
	send_list(r, list, n);
}

/* The body's household, item and quantity; 0, or answered (-1). */
static int order_fields(struct req *r, json_t *o, const struct village *v, int64_t *hid,
			const char **item, int64_t *quantity, errlist *errs)
{
	const char *hcode = NULL;
	if (v) {
		member_str(o, "household", &hcode, errs);
		if (!errs->n && !*hcode)
			errlist_add(errs, "请填写户编号（household）");
	}
	member_str(o, "item", item, errs);
	member_int(o, "quantity", 1, quantity, errs);
	if (!errs->n && !**item)
		errlist_add(errs, "请填写商品编号（item）");
	if (errs->n) {
		api_reject(r, 400, errs);
		return -1;
	}
	if (v && !(*hid = household_or_404(r, v, hcode)))
		return -1;
	return 0;
}

/* Reserve qty of item for household hid of v as who (the office, or the
** household itself on its passbook) and answer 201 with the reservation,
** or the refusal; b's messages are the caller's to free. */
static void reserve_answer(struct req *r, const struct actor *who, const struct village *v,
			   int64_t hid, const char *item, int64_t qty, struct api_body *b)
{
	struct redemption *x = NULL;
	int rc = redemption_reserve(r->db, r->a, who, v, hid, item, qty, &b->errs, &x);
	if (rc)
		api_refused(r, rc, 0, &b->errs, "预约时出错，没有保存。");
	else
		send_redemption(r, 201, x, 0, 0);
}

/* POST /api/v1/villages/CODE/redemptions: reserve. */
static void api_reserve(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	int64_t hid = 0, qty;
	const char *item;
	if (!order_fields(r, b.o, v, &hid, &item, &qty, &b.errs))
		reserve_answer(r, &b.who, v, hid, item, qty, &b);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/redeem: reserve and hand out at once. */
static void api_redeem(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	int64_t hid = 0, qty;
	const char *item, *date, *by;
	member_str(b.o, "date", &date, &b.errs);
	member_str(b.o, "delivered_by", &by, &b.errs);
	if (!order_fields(r, b.o, v, &hid, &item, &qty, &b.errs)) {
		struct redemption *x = NULL;
		int64_t balance = 0;
		int rc = redemption_redeem(r->db, r->a, &b.who, v, hid, item, qty, date, by,
					   &b.errs, &x, &balance);
		if (rc)
			api_refused(r, rc, 0, &b.errs, "兑换时出错，没有记入台账。");
		else
			send_redemption(r, 201, x, 1, balance);
	}
	api_body_free(&b);
}

/* The 404 of a redemption id that is not one. */
static const char NO_REDEMPTION[] = "没有这张兑换单。";

/* The redemption id of a path segment, or answers 404 (0). */
static int64_t id_or_404(struct req *r, const char *arg)
{
	return req_id_or_404(r, arg, NO_REDEMPTION);
}

/* POST /api/v1/villages/CODE/redemptions/ID/handout */
static void api_handout(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (api_village_id_body(r, &v, &id, NO_REDEMPTION, &b))
		return;
	const char *date, *by;
	member_str(b.o, "date", &date, &b.errs);
	member_str(b.o, "delivered_by", &by, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	struct redemption *x = NULL;
	int64_t balance = 0;
	if (!rc)
		rc = redemption_handout(r->db, r->a, &b.who, v, id, date, by, &b.errs, &x,
					&balance);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "兑换时出错，没有记入台账。");
	else
		send_redemption(r, 200, x, 1, balance);
	api_body_free(&b);
}

/* Cancel id of v (household_only: only its own) and answer it. */
static void cancel_reply(struct req *r, const struct village *v, int64_t id, int64_t household_only)
{
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = redemption_cancel(r->db, r->a, &who, v, id, household_only, &errs);
	struct redemption *x = NULL;
	if (!rc && redemption_get(r->db, r->a, v->id, id, &x))
		rc = -1;
	if (rc || !x)
		api_refused(r, rc ? rc : -1, 0, &errs, "取消时出错。");
	else
		send_redemption(r, 200, x, 0, 0);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/redemptions/ID/cancel */
static void api_cancel(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int64_t id = v ? id_or_404(r, r->arg[1]) : 0;
	if (id)
		cancel_reply(r, v, id, 0);
}

/* POST /api/v1/villages/CODE/redemptions/ID/reverse {reason} */
static void api_reverse(struct req *r)
{
	struct village *v;
	int64_t id;
	struct api_body b;
	if (api_village_id_body(r, &v, &id, NO_REDEMPTION, &b))
		return;
	const char *reason;
	member_str(b.o, "reason", &reason, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	struct redemption *x = NULL;
	if (!rc)
		rc = redemption_reverse(r->db, r->a, &b.who, v, id, reason, &b.errs, &x);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "冲回时出错，没有记入台账。");
	else
		send_redemption(r, 200, x, 0, 0);
	api_body_free(&b);
}

/* The household's figures and live reservations as the counter sees them. */
static void send_account(struct req *r, const struct village *v, int64_t hid, const char *code)
{
	struct shop_account acc;
	struct redemption *list;
	int n;
	if (redemption_expire_due(r->db, v->id) || redemption_account(r->db, v->id, hid, &acc) ||
	    redemption_list(r->db, r->a, v->id, hid, "reserved", 50, &list, &n)) {
		http_error(r, 500, "读取积分时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_str(r, "household", code);
	json_bool(r, "participating", acc.participating);
	json_int(r, "balance", acc.balance);
	json_int(r, "held", acc.held);
	json_int(r, "available", acc.available);
	json_bool(r, "veto", acc.veto);
	redemption_array(r, "reservations", list, n);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/counter/HCODE */
static void api_counter(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	int64_t hid = v ? household_or_404(r, v, r->arg[1]) : 0;
	if (hid)
		send_account(r, v, hid, r->arg[1]);
}

/* The logged-in household's village, or answers 500 (NULL). */
static struct village *own_village(struct req *r)
{
	struct village *v = village_by_id(r->db, r->a, r->user->village_id);
	if (!v)
		http_error(r, 500, "读取本村时出错。");
	return v;
}

/* GET /api/v1/passbook/redemptions */
static void api_own_redemptions(struct req *r)
{
	struct village *v = own_village(r);
	if (v)
		send_account(r, v, r->user->id, r->user->login);
}

/* POST /api/v1/passbook/redemptions {item, quantity} */
static void api_own_reserve(struct req *r)
{
	struct village *v = own_village(r);
	struct api_body b;
	if (!v || api_body_read(r, &b))
		return;
	int64_t qty, hid = 0;
	const char *item;
	if (!order_fields(r, b.o, NULL, &hid, &item, &qty, &b.errs)) {
		struct actor who = {0, arena_printf(r->a, "household:%s", r->user->login), r->ip ? r->ip : ""};
		reserve_answer(r, &who, v, r->user->id, item, qty, &b);
	}
	api_body_free(&b);
}

/* POST /api/v1/passbook/redemptions/ID/cancel */
static void api_own_cancel(struct req *r)
{
	struct village *v = own_village(r);
	int64_t id = v ? id_or_404(r, r->arg[0]) : 0;
	struct redemption *x = NULL;
	int rc = id ? redemption_get(r->db, r->a, v->id, id, &x) : 1;
	if (rc == 0 && x->household_id != r->user->id)
		rc = 1;
	if (rc > 0 && id)
		http_error(r, 404, NO_REDEMPTION);
	else if (rc < 0)
		http_error(r, 500, "读取兑换单时出错。");
	else if (id)
		cancel_reply(r, v, id, r->user->id);
}

const struct route redemption_api_routes[] = {
	{"GET", "/api/v1/villages/*/redemptions", api_redemptions, SHOP_ROLES, 0},
	{"POST", "/api/v1/villages/*/redemptions", api_reserve, SHOP_ROLES, 0},
	{"POST", "/api/v1/villages/*/redemptions/*/handout", api_handout, SHOP_ROLES, 0},
	{"POST", "/api/v1/villages/*/redemptions/*/cancel", api_cancel, SHOP_ROLES, 0},
	{"POST", "/api/v1/villages/*/redemptions/*/reverse", api_reverse, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/redeem", api_redeem, SHOP_ROLES, 0},
	{"GET", "/api/v1/villages/*/counter/*", api_counter, SHOP_ROLES, 0},
	{"GET", "/api/v1/passbook/redemptions", api_own_redemptions, ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/passbook/redemptions", api_own_reserve, ROLE_HOUSEHOLD, 0},
	{"POST", "/api/v1/passbook/redemptions/*/cancel", api_own_cancel, ROLE_HOUSEHOLD, 0},
	{0},
};
