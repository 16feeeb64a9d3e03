/*
** routes.c — the list of every area's route table.  A request goes to the
** first row, in this order, whose method and pattern match.
*/
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

const struct route *const route_tables[] = {
	auth_routes,
	village_routes,
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
	NULL,
};
