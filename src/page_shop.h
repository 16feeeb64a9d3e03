/*
** page_shop.h — the pieces of the points shop's and the funds' pages that
** other pages show: the household's reservations on its passbook, and the
** coverage card of the village overview.
*/
#ifndef JIFEN_PAGE_SHOP_H
#define JIFEN_PAGE_SHOP_H

#include <stdint.h>

#include "html.h"
#include "village.h"

/* The passbook's "积分超市" section: the household's live reservations and
** recent redemptions, with a link to reserve unless readonly (/p/TOKEN). */
void shop_passbook_section(struct req *r, const struct village *v, int64_t household_id,
			   int readonly);

/* Answer the outcome rc of a page's write: 500 (rc < 0); 400 with the
** headline, the messages of errs and a link back (rc > 0); else 303 to
** done.  Frees errs. */
void shop_page_outcome(struct req *r, int rc, errlist *errs, const char *headline,
		       const char *back, const char *back_label, const char *done);

/* The village overview's cards of the shop and funds: the funds' balance
** and the coverage, in red (class alarm) when below 1 (page_fund.c). */
void fund_overview_cards(struct req *r, const struct village *v);
/* The town list's cell of v's coverage: <td> with the figure, class neg
** (red) when below 1; "—" when nothing is owed. */
void fund_coverage_cell(struct req *r, const struct village *v);

#endif
