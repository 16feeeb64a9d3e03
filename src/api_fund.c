/*
** api_fund.c — the funds and the year end as JSON, over fund.c and
** yearend.c.  Money goes both ways as integer fen ("amount_fen": 1250)
** beside its yuan text ("amount": "12.50"); a request may give either
** "amount_fen" (an integer) or "amount" (a yuan string, at most two
** decimals) — never a JSON floating-point number.
**
**   GET  /api/v1/villages/CODE/funds    {"sources":[{"source","label",
**        "income_fen","spent_fen","balance_fen",…}],"total":{…},
**        "outstanding_points","point_value_fen","liability_fen",
**        "stock_value_fen","coverage":"1.25"|null,"moves":[…]}
**   POST /api/v1/villages/CODE/funds {flow: "income"|"spent", source,
**        amount|amount_fen, date, from, note} → 201 {"id"}
**   POST /api/v1/villages/CODE/funds/ID/reverse {reason} → 201 {"id"}
**   POST /api/v1/villages/CODE/year-end {year} → {"year","rule",
**        "households","points","repeated"}
*/
#include <string.h>

#include "api.h"
#include "auth.h"
#include "fund.h"
#include "req.h"
#include "village.h"
#include "yearend.h"

/* Write a money field pair: key_fen and key (yuan text). */
static void money(struct req *r, const char *key, int64_t fen)
{
	char k[48], y[32];
	snprintf(k, sizeof k, "%s_fen", key);
	json_int(r, k, fen);
	json_str(r, key, fen_format(y, fen));
}

static void row_fields(struct req *r, const struct fund_row *x)
{
	money(r, "income", x->income);
	money(r, "spent", x->spent);
	money(r, "balance", x->balance);
}

/* GET /api/v1/villages/CODE/funds */
static void api_funds(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct fund_summary s;
	struct fund_move *moves;
	int n;
	if (fund_summary(r->db, v, &s) || fund_moves(r->db, r->a, v->id, 200, &moves, &n)) {
		http_error(r, 500, "读取资金时出错。");
		return;
	}
	char cov[32];
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "sources");
	for (int i = 0; i < FUND_SOURCES; i++) {
		json_obj(r, NULL);
		json_str(r, "source", fund_sources[i]);
		json_str(r, "label", fund_source_label(i));
		row_fields(r, &s.src[i]);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_obj(r, "total");
	row_fields(r, &s.total);
	json_end_obj(r);
	json_int(r, "outstanding_points", s.outstanding_points);
	money(r, "point_value", s.point_value_fen);
	money(r, "liability", s.liability_fen);
	money(r, "stock_value", s.stock_value_fen);
	json_str(r, "coverage", s.has_coverage ? fund_coverage_text(cov, &s) : NULL);
	json_arr(r, "moves");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_int(r, "id", moves[i].id);
		json_str(r, "source", moves[i].source);
		json_str(r, "flow", moves[i].flow);
		money(r, "amount", moves[i].amount_fen);
		json_str(r, "date", moves[i].date);
		json_str(r, "donor", moves[i].donor);
		json_str(r, "note", moves[i].note);
		json_opt(r, "reversal_of", moves[i].reversal_of ? moves[i].reversal_of : -1);
		json_bool(r, "reversed", moves[i].reversed != 0);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* The amount of o in fen: "amount_fen" (integer) or "amount" (yuan text).
** 0 when neither or invalid (a message in errs). */
static int64_t body_amount(json_t *o, errlist *errs)
{
	json_t *f = json_object_get(o, "amount_fen"), *y = json_object_get(o, "amount");
	int64_t fen = 0;
	if (json_is_integer(f))
		fen = json_integer_value(f);
	else if (json_is_string(y) && !parse_fen(json_string_value(y), &fen))
		;
	else
		errlist_add(errs, "金额应为 amount_fen（整数分）或 amount（元，如 \"12.50\"，最多两位小数）");
	return fen;
}

static void send_id(struct req *r, int64_t id)
{
	json_begin(r);
	json_obj(r, NULL);
	json_int(r, "id", id);
	json_end_obj(r);
	json_send(r, 201);
}

/* POST /api/v1/villages/CODE/funds */
static void api_fund_post(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *flow, *source, *date, *from, *note;
	member_str(b.o, "flow", &flow, &b.errs);
	member_str(b.o, "source", &source, &b.errs);
	member_str(b.o, "date", &date, &b.errs);
	member_str(b.o, "from", &from, &b.errs);
	member_str(b.o, "note", &note, &b.errs);
	int64_t fen = body_amount(b.o, &b.errs);
	if (strcmp(flow, "income") && strcmp(flow, "spent"))
		errlist_add(&b.errs, "flow 应为 income（收入）或 spent（支出）");
	int rc = b.errs.n ? 1 : 0;
	int64_t id = 0;
	if (!rc)
		rc = !strcmp(flow, "income")
			     ? fund_add(r->db, &b.who, v, source, fen, date, *from ? from : NULL,
					note, &b.errs, &id)
			     : fund_spend(r->db, &b.who, v, source, fen, date, note, &b.errs, &id);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "记账时出错，没有保存。");
	else
		send_id(r, id);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/funds/ID/reverse {reason} */
static void api_fund_reverse(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *reason;
	member_str(b.o, "reason", &reason, &b.errs);
	int64_t move = parse_id(r->arg[1]), id = 0;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = fund_reverse(r->db, &b.who, v, move, reason, &b.errs, &id);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "冲回时出错，没有保存。");
	else
		send_id(r, id);
	api_body_free(&b);
}

/* POST /api/v1/villages/CODE/year-end {year} */
static void api_year_end(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	int64_t year;
	member_int(b.o, "year", 0, &year, &b.errs);
	int rc = b.errs.n ? 1 : 0;
	struct yearend_result res = {0};
	if (!rc)
		rc = yearend_run(r->db, r->a, &b.who, v, (int)year, &b.errs, &res);
	if (rc)
		api_refused(r, rc, 0, &b.errs, "年终处理时出错，没有记入台账。");
	else {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "year", year);
		json_str(r, "rule", res.rule);
		json_int(r, "households", res.households);
		json_int(r, "points", res.points);
		json_bool(r, "repeated", res.repeated);
		json_end_obj(r);
		json_send(r, 200);
	}
	api_body_free(&b);
}

const struct route fund_api_routes[] = {
	{"GET", "/api/v1/villages/*/funds", api_funds, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/funds", api_fund_post, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/funds/*/reverse", api_fund_reverse, ROLES_ADMIN, 0},
	{"POST", "/api/v1/villages/*/year-end", api_year_end, ROLES_ADMIN, 0},
	{0},
};
