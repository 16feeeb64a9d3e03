/*
** routes.c — the list of every area's route table (a request goes to the
** first row, in this order, whose method and pattern match) and of every
** area's navigation links, and the matching of a request against them.
*/
#include "html.h"
#include "http.h"

#include <string.h>

extern const struct route auth_routes[];
extern const struct route village_routes[];
extern const struct route audit_routes[];
extern const struct route account_routes[];
extern const struct route household_routes[];
extern const struct route household_import_routes[];
extern const struct route household_api_routes[];
extern const struct route passbook_routes[];
extern const struct route cards_routes[];
extern const struct route passbook_api_routes[];
extern const struct route standard_routes[];
extern const struct route sheet_routes[];
extern const struct route sheet_review_routes[];
extern const struct route checkin_routes[];
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
extern const struct route honour_routes[];
extern const struct route honour_api_routes[];
extern const struct route welfare_post_routes[];
extern const struct route welfare_post_api_routes[];
extern const struct route group_routes[];
extern const struct route group_api_routes[];
extern const struct route consultation_routes[];
extern const struct route consultation_api_routes[];
extern const struct route export_routes[];
extern const struct route town_routes[];
extern const struct route town_settings_routes[];
extern const struct route town_settings_api_routes[];
extern const struct route evaluation_routes[];
extern const struct route oversight_api_routes[];
extern const struct route health_routes[];

const struct route *const route_tables[] = {
	auth_routes,
	village_routes,
	audit_routes,
	settings_routes,
	account_routes,
	household_routes,
	household_import_routes,
	household_api_routes,
	passbook_routes,
	cards_routes,
	passbook_api_routes,
	standard_routes,
	sheet_routes,
	sheet_review_routes,
	checkin_routes,
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
	honour_routes,
	honour_api_routes,
	welfare_post_routes,
	welfare_post_api_routes,
	group_routes,
	group_api_routes,
	consultation_routes,
	consultation_api_routes,
	export_routes,
	town_routes,
	town_settings_routes,
	town_settings_api_routes,
	evaluation_routes,
	oversight_api_routes,
	health_routes,
	NULL,
};

extern const struct nav_link village_nav[];
extern const struct nav_link audit_nav[];
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
extern const struct nav_link honour_nav[];
extern const struct nav_link welfare_post_nav[];
extern const struct nav_link town_nav[];
extern const struct nav_link town_settings_nav[];

/* Every area's navigation links; html.c shows them by rank. */
const struct nav_link *const nav_tables[] = {
	village_nav, audit_nav, account_nav, standard_nav, passbook_nav, household_nav,
	ledger_nav,  sheet_nav,   auth_nav,     shop_nav,     fund_nav,
	objection_nav, honour_nav, welfare_post_nav, town_nav, town_settings_nav, NULL,
};

/* Match path against a route pattern, capturing '*' segments into arg.
** One pass over both strings: every request tries the patterns in table
** order, ~80 of them before /p/TOKEN, and a strchr() and strlen() of each
** segment of each was 3 % of a stored passbook's instructions. */
static int route_match(const char *pattern, const char *path, struct req *r)
{
	const char *pp = pattern, *sp = path;
	int nargs = 0;
	while (*pp == '/' && *sp == '/') {
		pp++;
		sp++;
		if (*pp == '*' && (pp[1] == '/' || !pp[1])) {
			const char *se = sp;
			while (*se && *se != '/')
				se++;
			if (se == sp || nargs == (int)(sizeof r->arg / sizeof r->arg[0]))
				return 0;
			r->arg[nargs++] = arena_strndup(r->a, sp, (size_t)(se - sp));
			pp++;
			sp = se;
			continue;
		}
		while (*pp && *pp != '/' && *pp == *sp) {
			pp++;
			sp++;
		}
		if ((*pp && *pp != '/') || (*sp && *sp != '/'))
			return 0; /* the segments differ */
	}
	return !*pp && !*sp;
}

const struct route *route_find(struct req *r, int *path_known)
{
	const char *m = !strcmp(r->method, "HEAD") ? "GET" : r->method;
	*path_known = 0;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++) {
			if (!route_match(rt->pattern, r->path, r))
				continue;
			*path_known = 1;
			if (!strcmp(rt->method, m))
				return rt;
		}
	return NULL;
}
