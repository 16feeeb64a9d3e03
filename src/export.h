/*
** export.h — the Excel 台账 (ledger records) of a village: the workbooks
** the town keeps and the village hands over at an inspection, written with
** the xlsx.c kit.  The CLI (`jifen export ledger|funds`) writes them to a
** file; the pages write them to a temporary file and serve it.
**
**   the ledger of a year: sheet 积分记录 (every ledger entry whose month is
**   in the year, in ledger order, with household, item, category, points,
**   month, date, the approving meeting, and the corrections linked both
**   ways), sheet 积分余额 (the balances of `jifen balances` with the year's
**   points), sheet 积分标准 (the standard in force at the year's end, or
**   today in the current year, with its democratic adoption record).
**
**   the funds of a year: sheet 资金汇总 (per source: the year's income
**   and spending, then the balance of `jifen funds`, and the coverage
**   figures), sheet 资金流水 (every movement dated in the year).
**
** Return convention: 0 written; 1 rejected (errs: no such year's data to
** speak of is not an error — an empty sheet is written); -1 a database or
** file failure (errs holds the Chinese reason).
*/
#ifndef JIFEN_EXPORT_H
#define JIFEN_EXPORT_H

#include "db.h"
#include "util.h"
#include "village.h"

/* The year argument: 2000–2999.  1 when valid. */
int export_year_valid(int year);

int export_ledger_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
		       errlist *errs);
int export_funds_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
		      errlist *errs);
/* The honours of the year (荣誉): the confirmed, frozen list with its
** meeting once the committees confirmed it, else the ranking as the ledger
** stands (honour.c) — one sheet, the columns of `jifen honours` and the
** veto reason, party member and model-household marks. */
int export_honours_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
			errlist *errs);

#endif
