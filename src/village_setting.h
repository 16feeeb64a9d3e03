/*
** village_setting.h — every village setting of INTERFACES.md "Village
** settings" by key, as `jifen village set/show` and the settings page see
** them: admits_tenants, objection_days, redemption_window, year_end,
** point_value, stars, and two of jifen's own, reservation_hours (how long
** a reservation of the points shop holds its points and stock, 1–720,
** default 48), supervision_phone (监督电话, 7–15 digits or empty) and
** pin_failures_per_hour (failed household PIN logins of the whole village
** within an hour after which PIN logins pause for an hour, 1–10000,
** default 20; schema 022, auth.c).
** Values are text in the CLI's spelling ("yes", "carry_cap:100", "0.10").
*/
#ifndef JIFEN_VILLAGE_SETTING_H
#define JIFEN_VILLAGE_SETTING_H

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

/* The keys in the order `village show` prints them. */
enum { VILLAGE_SETTING_COUNT = 9 };
extern const char *const village_setting_keys[VILLAGE_SETTING_COUNT];
/* The Chinese label of key i (for the page). */
const char *village_setting_label(int i);

/* The value of key i of v as text (arena memory). */
const char *village_setting_value(arena *a, const struct village *v, int i);

/* Check value for key and set it in *v (arena memory for text).  Returns 0,
** or 1 with one Chinese message in errs naming the key and what it may be
** (an unknown key names the keys). */
int village_setting_parse(arena *a, struct village *v, const char *key, const char *value,
			  errlist *errs);

/* Write every setting of nv (the village old as changed) inside the
** caller's write transaction, with one audit record "village.settings"
** holding all keys before and after.  Participation is recomputed when
** admits_tenants changed.  Returns 0, 1 (errs), -1. */
int village_settings_save(db *d, arena *a, const struct actor *who, const struct village *old,
			  const struct village *nv, errlist *errs);

/* `village set`: parse and save one key in a write transaction of its own.
** Returns 0, 1 (errs), -1. */
int village_setting_set(db *d, arena *a, const struct actor *who, const struct village *v,
			const char *key, const char *value, errlist *errs);

/* The redemption window: 1 when date (YYYY-MM-DD) lies inside window
** ("always", or "MM-DD..MM-DD", which may wrap the new year), else 0. */
int redemption_window_contains(const char *window, const char *date);

/* The star thresholds of a stars setting into out (at most max), ascending;
** returns their count (0 for "none"), or -1 when the text is not valid. */
int stars_parse(const char *s, int64_t *out, int max);

#endif
