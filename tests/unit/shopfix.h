/*
** shopfix.h — the fixture of the points-shop unit tests (test_catalog,
** test_redemption, test_fund, test_yearend, test_shop_verify): a real
** database (SQLite, and PostgreSQL when JIFEN_TEST_PG is set) with villages
** V1 and V2, households H1–H4 of V1 (H4 not joined), the town template
** adopted, points given through an approved sheet, and a catalog.
*/
#ifndef JIFEN_SHOPFIX_H
#define JIFEN_SHOPFIX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "household.h"
#include "ledger.h"
#include "sheet.h"
#include "standard.h"
#include "testdb.h"
#include "village.h"

struct shopfix {
	struct testdb t;
	db *d;
	arena *a;
	struct village *v, *w;
	struct actor who;
};

static const char shopfix_households[] =
	"code,head_name,hukou,homestead,resident,joined\n"
	"H1,沈建国,是,是,是,2024-01-01\nH2,陆秀英,是,是,是,2024-01-01\n"
	"H3,张国强,是,是,是,2024-01-01\nH4,未参与,是,是,是,\n";

static const char shopfix_catalog[] =
	"code,name,kind,points,stock,unit_cost,active\n"
	"RICE,大米,goods,30,10,12.50,yes\nOIL,食用油,goods,50,1,45,yes\n"
	"HAIR,理发,service,10,,0,yes\nOFF,下架,goods,5,3,1,no\n";

static inline struct shopfix *SF(void **state)
{
	return *state;
}

/* Score csv (household,item,quantity,date,note rows after the header) on
** v's sheet of month and approve it; fails the test on any error. */
static inline void shopfix_score(struct shopfix *f, const struct village *v, const char *month,
				 const char *csv)
{
	errlist errs = {0};
	struct entry_import_report rep;
	struct approval_input in = {.meeting_date = "2024-12-05", .attendees = "村两委",
				    .resolution = "同意"};
	struct approval *ap;
	if (sheet_import_entries(f->d, &f->who, v, month, "e.csv", csv, strlen(csv), 0, &rep, &errs) ||
	    sheet_approve(f->d, f->a, &f->who, v, month, &in, 1, &errs, &ap))
		fail_msg("score %s: %s %s", month, errs.n ? errs.msg[0] : "", db_errmsg(f->d));
}

/* The id of household code of V1. */
static inline int64_t shopfix_hid(struct shopfix *f, const char *code)
{
	struct household *h;
	if (household_get_by_code(f->d, f->a, f->v->id, code, &h))
		fail_msg("no household %s", code);
	return h->id;
}

/* The stored balance of household code of V1. */
static inline int64_t shopfix_balance(struct shopfix *f, const char *code)
{
	struct ledger_summary s;
	if (ledger_household_summary(f->d, f->v->id, shopfix_hid(f, code), "2024-12-31", &s))
		fail_msg("summary: %s", db_errmsg(f->d));
	return s.balance;
}

/* The item code of V1 (fresh). */
static inline struct shop_item *shopfix_item(struct shopfix *f, const char *code)
{
	struct shop_item *it;
	if (catalog_get(f->d, f->a, f->v->id, code, &it))
		fail_msg("no item %s", code);
	return it;
}

/* verify of the whole town must give want (0 intact, 1 not). */
static inline void shopfix_verify(struct shopfix *f, int want)
{
	errlist errs = {0};
	int rc = ledger_verify(f->d, f->a, 0, &errs, NULL);
	if (rc != want)
		fail_msg("verify %d, want %d: %s %s", rc, want, errs.n ? errs.msg[0] : "",
			 db_errmsg(f->d));
	errlist_free(&errs);
}

static inline int shopfix_open(struct shopfix *f)
{
	if (testdb_open_migrated(&f->t, "shop"))
		return -1;
	f->d = f->t.d;
	f->a = arena_new();
	f->who = (struct actor){0, "tester", ""};
	errlist errs = {0};
	int64_t id;
	if (village_insert(f->d, "V1", "一村", &errs, &id) || village_insert(f->d, "V2", "二村", &errs, &id))
		return -1;
	f->v = village_by_code(f->d, f->a, "V1");
	f->w = village_by_code(f->d, f->a, "V2");
	struct import_report rep = {0};
	if (household_import(f->d, &f->who, f->v, "h.csv", shopfix_households,
			     strlen(shopfix_households), 0, &rep, &errs))
		return fprintf(stderr, "households: %s\n", errs.n ? errs.msg[0] : ""), -1;
	import_report_free(&rep);
	size_t len;
	const char *tpl = standard_builtin_template(&len);
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = "2024-03-20";
	ad.effective_on = "2024-04-01";
	if (standard_adopt_csv(f->d, &f->who, f->v, &ad, "s.csv", tpl, len, 0, &errs, &id))
		return fprintf(stderr, "adopt: %s\n", errs.n ? errs.msg[0] : ""), -1;
	struct catalog_report cr = {.a = f->a};
	if (catalog_import(f->d, &f->who, f->v, "c.csv", shopfix_catalog, strlen(shopfix_catalog), 0,
			   &cr, &errs))
		return fprintf(stderr, "catalog: %s\n", errs.n ? errs.msg[0] : ""), -1;
	return 0;
}

/* H1 100, H2 30, H3 100 points in 2024-06. */
static inline void shopfix_points(struct shopfix *f)
{
	shopfix_score(f, f->v, "2024-06",
		      "household,item,quantity,date\nH1,HJ05,10,2024-06-10\n"
		      "H2,HJ05,3,2024-06-10\nH3,HJ05,10,2024-06-10\n");
}

static inline int shopfix_setup_sqlite(void **state)
{
	struct shopfix *f = calloc(1, sizeof *f);
	*state = f;
	return shopfix_open(f);
}

static inline int shopfix_setup_pg(void **state)
{
	struct shopfix *f = calloc(1, sizeof *f);
	f->t.pg = 1;
	*state = f;
	return shopfix_open(f);
}

static inline int shopfix_teardown(void **state)
{
	struct shopfix *f = *state;
	int rc = testdb_close(&f->t);
	arena_free(f->a);
	free(f);
	return rc;
}

/* Run the cases on SQLite, and on PostgreSQL when JIFEN_TEST_PG is set. */
static inline int shopfix_run(const char *name, const struct CMUnitTest *lite, size_t nlite,
			      const struct CMUnitTest *pg, size_t npg)
{
	char g[64];
	snprintf(g, sizeof g, "%s/sqlite", name);
	int failed = _cmocka_run_group_tests(g, lite, nlite, NULL, NULL);
	const char *url = getenv("JIFEN_TEST_PG");
	snprintf(g, sizeof g, "%s/postgresql", name);
	if (url && *url)
		failed += _cmocka_run_group_tests(g, pg, npg, NULL, NULL);
	else
		fprintf(stderr, "[  SKIP    ] %s: JIFEN_TEST_PG is not set\n", g);
	return failed ? 1 : 0;
}

#define SHOPFIX_CASE(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, shopfix_teardown)

#endif
