/*
** routes.c — the list of every area's route table (a request goes to the
** first row, in this order, whose method and pattern match) and of every
** area's navigation links.
*/
#include "html.h"
#include "http.h"

extern const struct route auth_routes[];
extern const struct route village_routes[];
extern const struct route account_routes[];
extern const struct route household_routes[];
extern const struct route household_import_routes[];
extern const struct route household_api_routes[];
extern const struct route passbook_routes[];
extern const struct route passbook_api_routes[];
extern const struct route standard_routes[];
extern const struct route sheet_routes[];
extern const struct route ledger_routes[];
extern const struct route evidence_routes[];
extern const struct route declaration_routes[];
extern const struct route balance_routes[];
extern const struct route session_api_routes[];
extern const struct route standard_api_routes[];
extern const struct route sheet_api_routes[];
extern const struct route ledger_api_routes[];
extern const struct route declaration_api_routes[];
extern const struct route redemption_api_routes[];
extern const struct route catalog_api_routes[];
extern const struct route fund_api_routes[];
extern const struct route shop_routes[];
extern const struct route fund_routes[];
extern const struct route settings_routes[];
extern const struct route announcement_api_routes[];
extern const struct route publication_routes[];
extern const struct route objection_routes[];
extern const struct route objection_api_routes[];

const struct route *const route_tables[] = {
	auth_routes,
	village_routes,
	settings_routes,
	account_routes,
	household_routes,
	household_import_routes,
	household_api_routes,
	passbook_routes,
	passbook_api_routes,
	standard_routes,
	sheet_routes,
	ledger_routes,
	evidence_routes,
	declaration_routes,
	balance_routes,
	session_api_routes,
	standard_api_routes,
	sheet_api_routes,
	ledger_api_routes,
	declaration_api_routes,
	redemption_api_routes,
	catalog_api_routes,
	fund_api_routes,
	shop_routes,
	fund_routes,
	announcement_api_routes,
	publication_routes,
	objection_routes,
	objection_api_routes,
	NULL,
};

extern const struct nav_link village_nav[];
extern const struct nav_link account_nav[];
extern const struct nav_link standard_nav[];
extern const struct nav_link passbook_nav[];
extern const struct nav_link household_nav[];
extern const struct nav_link ledger_nav[];
extern const struct nav_link sheet_nav[];
extern const struct nav_link auth_nav[];
extern const struct nav_link objection_nav[];
extern const struct nav_link shop_nav[];
extern const struct nav_link fund_nav[];

/* Every area's navigation links; html.c shows them by rank. */
const struct nav_link *const nav_tables[] = {
	village_nav, account_nav, standard_nav, passbook_nav, household_nav,
	ledger_nav,  sheet_nav,   auth_nav,     shop_nav,     fund_nav,
	objection_nav, NULL,
};
