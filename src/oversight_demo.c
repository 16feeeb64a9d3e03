/*
** oversight_demo.c — what the demo town adds so that the town dashboard
** shows villages that differ (demo.c calls oversight_demo() once, after
** the ledger's demo): two villages announce the last ended quarter on
** time and run their points shop with funds behind it, one announces it
** late, one (山湾村) neither announces nor has funds — the village that
** needs attention — and the first village by code has a finished
** evaluation of this year.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "announcement.h"
#include "evaluation.h"
#include "fund.h"
#include "redemption.h"
#include "village.h"

/* The last quarter that ended before today, "YYYY-Qn", and the date of
** its quarter's end plus days (YYYY-MM-DD, not after today). */
static void last_quarter(const char *today, int days, char q[16], char on[11])
{
	int y = atoi(today), m = atoi(today + 5), qn = (m - 1) / 3; /* 0: last year's Q4 */
	if (qn == 0) {
		y--;
		qn = 4;
	}
	snprintf(q, 16, "%04d-Q%d", y % 10000, qn % 10);
	char end[16];
	snprintf(end, sizeof end, "%04d-%02d-01", (qn == 4 ? y + 1 : y) % 10000,
		 (qn == 4 ? 1 : qn * 3 + 1) % 100);
	date_add_days(end, days - 1, on);
	if (strcmp(on, today) > 0)
		memcpy(on, today, 11);
}

static int failed(struct cli *c, const char *what, errlist *errs)
{
	cli_print_errors(errs);
	fprintf(stderr, "演示数据（%s）载入失败: %s\n", what, db_errmsg(c->db));
	errlist_free(errs);
	return EXIT_FAILURE_3;
}

int oversight_demo(struct cli *c)
{
	static const struct {
		const char *code;
		int announce_days; /* 0: not announced */
		int shop;
	} plan[] = {
		{"anzhuang", 8, 1},
		{"zhangma", 12, 1},
		{"linjia", 33, 0},
	};
	static const char catalog[] = "code,name,kind,points,stock,unit_cost\n"
				      "MI5,大米 5 公斤,goods,50,40,30\n"
				      "YOU,食用油 1 桶,goods,80,20,55\n"
				      "LF,理发一次,service,20,,0\n";
	errlist errs = {0};
	char today[11], q[16], on[11];
	date_today(today);
	for (size_t i = 0; i < sizeof plan / sizeof *plan; i++) {
		struct village *v = village_by_code(c->db, c->a, plan[i].code);
		if (!v)
			continue;
		struct actor admin = {0, arena_printf(c->a, "%s-admin", v->code), ""};
		struct announcement *ann;
		last_quarter(today, plan[i].announce_days, q, on);
		if (announcement_announce(c->db, c->a, &admin, v, q, on, &errs, &ann))
			errlist_free(&errs); /* a quarter without approved months: leave it */
		if (!plan[i].shop)
			continue;
		struct catalog_report rep = {.a = c->a};
		int64_t id;
		if (catalog_import(c->db, &admin, v, "demo-catalog.csv", catalog, sizeof catalog - 1, 0,
				   &rep, &errs) ||
		    fund_add(c->db, &admin, v, "incentive", 300000, today, NULL, "镇激励奖励资金",
			     &errs, &id) ||
		    fund_add(c->db, &admin, v, "self_raised", 120000, today, NULL, "村集体自筹", &errs,
			     &id))
			return failed(c, "积分超市", &errs);
		/* a few households redeem rice */
		db_stmt *s = db_prepare(c->db, "SELECT b.household_id FROM household_balance b"
					       " JOIN household h ON h.id = b.household_id"
					       " WHERE b.village_id = $v AND h.participating = 1"
					       " AND b.balance >= 50 ORDER BY h.code LIMIT 6");
		int64_t hids[6];
		int nh = 0;
		if (!s || db_bind_int(s, "$v", v->id))
			return failed(c, "兑换", &errs);
		while (nh < 6 && db_step(s) == DB_ROW)
			hids[nh++] = db_column_int(s, 0);
		db_reset(s);
		struct actor shop = {0, arena_printf(c->a, "%s-shop", v->code), ""};
		for (int k = 0; k < nh; k++) {
			struct redemption *red;
			int64_t bal;
			if (redemption_redeem(c->db, c->a, &shop, v, hids[k], "MI5", 1, today, NULL,
					      &errs, &red, &bal))
				errlist_free(&errs); /* e.g. a veto household: skip it */
		}
	}
	struct actor town = {0, "admin", ""};
	if (evaluation_demo(c->db, c->a, &town, atoi(today)))
		return failed(c, "评估", &errs);
	printf("演示督导: 两个村按时公示并开展积分兑换，一个村公示逾期，山湾村尚未公示；"
	       "安庄村已完成本年度评估。\n");
	return EXIT_OK;
}
