/*
** catalog.h — the points shop's catalog (积分超市): per village, goods and
** services priced in points, with stock (or unlimited), unit cost in fen,
** on/off offer and a low-stock warning level; the catalog CSV import of
** INTERFACES.md (dry run, all or nothing); the town's recommended catalog
** that villages copy from; and stock changes, which happen only as
** append-only movements (shop_stock_move), so that an item's stock is
** always the sum of its movements (`jifen verify` checks it).
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs,
** nothing written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_CATALOG_H
#define JIFEN_CATALOG_H

#include <stdint.h>

#include "audit.h"
#include "csvfile.h"
#include "db.h"
#include "util.h"
#include "village.h"

struct shop_item {
	int64_t id, village_id;
	const char *code, *name;
	const char *kind;        /* "goods" or "service" */
	int64_t points;          /* per unit, > 0 */
	int unlimited;           /* keeps no stock (services) */
	int64_t stock;           /* on hand: the sum of its movements */
	int64_t unit_cost_fen;
	int active;              /* on offer */
	int64_t low_stock;       /* warn at or below (0 never) */
	const char *photo;       /* evidence hash or NULL */
	int64_t held;            /* quantity held by live reservations */
};

/* What is left to reserve: stock − held (INT64_MAX when unlimited). */
int64_t catalog_available(const struct shop_item *it);
/* 1 when the item keeps a stock at or below its warning level. */
int catalog_low(const struct shop_item *it);
/* "物品" / "服务" */
const char *catalog_kind_label(const char *kind);

/* The columns of the catalog CSV, in INTERFACES.md order. */
enum catalog_field { CF_CODE, CF_NAME, CF_KIND, CF_POINTS, CF_STOCK, CF_UNIT_COST, CF_ACTIVE,
		     CF_COUNT };
extern const struct csv_col catalog_csv_spec[CF_COUNT];

/* Items of village_id ordered by code (active_only: on offer only), with
** held quantities as of now.  Returns 0 or -1. */
int catalog_list(db *d, arena *a, int64_t village_id, int active_only, struct shop_item **out,
		 int *n);
/* One item by code / by id of village_id with held.  0, 1 none, -1. */
int catalog_get(db *d, arena *a, int64_t village_id, const char *code, struct shop_item **out);
int catalog_get_id(db *d, arena *a, int64_t village_id, int64_t id, struct shop_item **out);

/* Lock the item's row for the caller's write transaction (PostgreSQL: the
** UPDATE's row lock; concurrent reservations and handouts of one item wait
** for each other) and read it afresh with held.  0, 1 none, -1. */
int catalog_lock(db *d, arena *a, int64_t village_id, int64_t item_id, struct shop_item **out);

/* Record a stock movement of quantity (+ in, − out) of the locked item it
** inside the caller's transaction, and keep shop_item.stock equal to the
** movements' sum.  kind "import", "redemption" or "reversal".  -1 when the
** stock would go below 0 or on a database error (0 done). */
int catalog_move_stock(db *d, const struct actor *who, struct shop_item *it, int64_t quantity,
		       const char *kind, int64_t redemption_id, const char *note);

/* One row of an import, for the dry-run listing and the summary. */
enum catalog_action { CATALOG_ADD, CATALOG_UPDATE, CATALOG_UNCHANGED };
struct catalog_row {
	int row;
	const char *code, *name;
	enum catalog_action action;
};
struct catalog_report {
	arena *a;
	struct catalog_row *rows;
	int n, added, updated, unchanged;
};

/* catalog_import(): add or update village v's items from a catalog CSV
** (fname names the file in errors as FILE:ROW: COLUMN: message).  Every row
** is checked first; nothing is written unless all are valid.  A stock that
** differs from the stored one is written as an "import" movement of the
** difference; an empty stock makes the item unlimited.  dry_run: report
** only.  rep->a must be an arena the caller frees.  0, 1, -1. */
int catalog_import(db *d, const struct actor *who, const struct village *v, const char *fname,
		   const char *data, size_t len, int dry_run, struct catalog_report *rep,
		   errlist *errs);

/* Add stock to an item (入库, quantity ≥ 1) or take it off/on offer:
** own write transactions, audited.  0, 1, -1. */
int catalog_restock(db *d, const struct actor *who, const struct village *v, const char *code,
		    int64_t quantity, const char *note, errlist *errs);
int catalog_set_active(db *d, const struct actor *who, const struct village *v, const char *code,
		       int active, errlist *errs);
/* The low-stock warning level of an item (0: no warning, ≤ 1,000,000,000). */
int catalog_set_low_stock(db *d, const struct actor *who, const struct village *v,
			  const char *code, int64_t level, errlist *errs);

/* The photo of an item: the image (JPEG/PNG, EVIDENCE_MAX_BYTES at most)
** goes to the village's evidence store (evidence.h) and the item names its
** hash; audited.  0, 1 (errs: not an image, too large, no such item), -1. */
int catalog_set_photo(db *d, const struct actor *who, const struct village *v, const char *code,
		      const void *data, size_t len, errlist *errs);

/* ---- the town's recommended catalog ----------------------------------------- */
struct town_item {
	int64_t id;
	const char *code, *name, *kind;
	int64_t points, unit_cost_fen;
};
/* Every town item by code.  0 or -1. */
int town_catalog_list(db *d, arena *a, struct town_item **out, int *n);
/* Add or update one town item (code, name, kind goods/service, points > 0,
** unit cost fen ≥ 0); audited.  0, 1, -1. */
int town_catalog_save(db *d, const struct actor *who, const struct town_item *t, errlist *errs);
/* Copy every town item the village does not have yet into its catalog
** (stock 0 for goods, unlimited for services; on offer).  *copied gets how
** many.  Own transaction, audited.  0 or -1. */
int catalog_copy_town(db *d, const struct actor *who, const struct village *v, int *copied);

#endif
