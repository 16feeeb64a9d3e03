/*
** shop_verify.h — what `jifen verify` checks of the points shop and the
** funds, beside the ledger's chain (ledger_verify calls it per village,
** in its read transaction): every item's stock equals the sum of its stock
** movements (and an unlimited item keeps none), every source's stored
** income and spending equal the sums of its fund movements, and every
** handed-out or reversed redemption has its ledger entry (kind
** "redemption", the same household, quantity and −points; a reversal +points
** linked to it) and its stock movements.
*/
#ifndef JIFEN_SHOP_VERIFY_H
#define JIFEN_SHOP_VERIFY_H

#include "db.h"
#include "util.h"
#include "village.h"

/* Returns 0 intact, 1 (the first problem, one Chinese line in errs), -1. */
int shop_verify_village(db *d, arena *a, const struct village *v, errlist *errs);

#endif
