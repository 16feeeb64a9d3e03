/*
** pin_budget.c — the village's budget of failed PIN logins (see
** pin_budget.h).
*/
#include "pin_budget.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define HOUR 3600

int pin_budget_wait(db *d, const char *village_code, int64_t *failures)
{
	if (failures)
		*failures = 0;
	db_stmt *s = db_prepare(d, "SELECT pin_failures_per_hour FROM village WHERE code = $v");
	if (!s || db_bind_text(s, "$v", village_code))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 0 : -1; /* no such village: nothing to pause */
	int64_t budget = db_column_int(s, 0);
	db_reset(s);
	/* household logins are recorded as "CODE/HCODE": the range
	** ["CODE/", "CODE0") is exactly that prefix ('0' follows '/'), and it
	** walks the index on (login, at) */
	char lo[80], hi[80];
	snprintf(lo, sizeof lo, "%s/", village_code);
	snprintf(hi, sizeof hi, "%s0", village_code);
	int64_t now = now_unix();
	s = db_prepare(d, "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM login_attempt"
			  " WHERE login >= $lo AND login < $hi AND ok = 0 AND at > $since");
	if (!s || db_bind_text(s, "$lo", lo) || db_bind_text(s, "$hi", hi) ||
	    db_bind_int(s, "$since", now - HOUR) || db_step(s) != DB_ROW)
		return -1;
	int64_t n = db_column_int(s, 0), last = db_column_int(s, 1);
	db_reset(s);
	if (failures)
		*failures = n;
	if (n < budget)
		return 0;
	/* an hour from the last failure: refused attempts are not recorded,
	** so the pause ends and the count starts again from nothing */
	int64_t wait = last + HOUR - now;
	return wait < 1 ? 1 : (int)wait;
}
