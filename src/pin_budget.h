/*
** pin_budget.h — the village-wide budget of failed household PIN logins
** (issue 17).  A 6-digit PIN has a million values; the per-household
** lock-out (auth.c) stops guessing one household, not a distributed
** attacker who tries one PIN at each of a village's hundreds of households
** from many addresses.  So the failures of the whole village count too:
** once pin_failures_per_hour of them fall within an hour (the village
** setting, default 20), PIN logins of that village pause for an hour from
** the last one, the village admin's pages say so, and the passbook's QR
** card (a token link, no PIN) keeps working.
**
** The failures are the login_attempt rows auth.c records for household
** logins ("VILLAGE/HOUSEHOLD"), so nothing new is written per attempt.
*/
#ifndef JIFEN_PIN_BUDGET_H
#define JIFEN_PIN_BUDGET_H

#include <stdint.h>

#include "db.h"

/* Seconds until PIN logins of the village with this code may resume, 0
** when they are not paused, -1 on a database error.  *failures (may be
** NULL): the village's failed PIN logins within the last hour. */
int pin_budget_wait(db *d, const char *village_code, int64_t *failures);

#endif
