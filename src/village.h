/*
** village.h — the town's villages and their settings.  A village is the unit
** that adopts a standard and runs the scoring cycle (各村为创建单元).
*/
#ifndef JIFEN_VILLAGE_H
#define JIFEN_VILLAGE_H

#include <stdint.h>
#include "audit.h"
#include "db.h"
#include "util.h"

/* What a village does with unredeemed points at the year's end (the
** year_end setting, INTERFACES.md): stored as the rule's word. */
enum yearend_rule {
	YEAREND_CARRY,     /* "carry": kept */
	YEAREND_CLEAR,     /* "clear": balances go to 0 */
	YEAREND_CARRY_CAP  /* "carry_cap": kept up to yearend_cap, the rest cleared */
};
enum { YEAREND_RULES = YEAREND_CARRY_CAP + 1 };
/* The rule's stored word. */
const char *yearend_rule_word(enum yearend_rule r);
/* The rule in Chinese: 结转到下一年, 年底清零, 限额结转. */
const char *yearend_rule_label(enum yearend_rule r);
/* The rule a word names into *out: 0, or -1 for no rule's word. */
int yearend_rule_of(const char *word, enum yearend_rule *out);

struct village {
	int64_t id;
	const char *code, *name;
	int admits_tenants;   /* 租赁户 may join (each village decides) */
	int objection_days;   /* days villagers may object after an announcement */
	enum yearend_rule yearend_rule;
	int64_t yearend_cap;  /* for carry_cap */
	int64_t created_at;
	/* the shop's settings (schema 012, village_setting.h) */
	const char *redemption_window; /* "always" or "MM-DD..MM-DD" */
	int64_t point_value_fen;       /* one point's worth in fen */
	const char *stars;             /* "none" or "60,80,100" */
	int reservation_hours;         /* a reservation holds this long */
	const char *supervision_phone; /* 监督电话, "" none */
	int pin_failures_per_hour;     /* schema 022: the village's PIN budget (auth.c) */
};

/* v's year_end setting as INTERFACES.md writes it: "carry", "clear" or
** "carry_cap:N" (arena memory). */
const char *village_yearend_text(arena *a, const struct village *v);

/* Valid village code: 1–32 of [A-Za-z0-9_-]. */
int village_code_valid(const char *code);

/* Look a village up by code or id into arena memory; NULL if none. */
struct village *village_by_code(db *d, arena *a, const char *code);
struct village *village_by_id(db *d, arena *a, int64_t id);

/* All villages ordered by code; *n receives the count (arena memory). */
struct village *village_list(db *d, arena *a, int *n);

/* Add a village, in its own write transaction with its audit record
** (village.add, {"code", "name"}) by who: the CLI and the page both call
** it.  Returns 0; 1 with a Chinese message in errs when the input is
** rejected (bad code, empty name, code taken); -1 on a database error
** (message in db_errmsg).  *id receives the new id. */
int village_add(db *d, const struct actor *who, const char *code, const char *name,
		errlist *errs, int64_t *id);

/* The row of village_add() only, inside the caller's transaction, without
** an audit record (the demo town and tests).  Returns as village_add(). */
int village_insert(db *d, const char *code, const char *name, errlist *errs, int64_t *id);

/* Change the settings of v (fields of v as given).  When admits_tenants
** changes, every household's participation is recomputed in the same
** transaction.  Returns 0, 1 rejected (errs), -1 database error.  Does not
** begin a transaction: the caller does, with the audit record. */
int village_update_settings(db *d, const struct village *v, errlist *errs);

/* Participation figures of a village: households participating, eligible
** (whether joined or not), all not left. */
struct village_stats {
	int64_t households, eligible, participating, left;
};
int village_stats(db *d, int64_t village_id, struct village_stats *st);

/* ---- the town ------------------------------------------------------------ */

/* The name of the town every village belongs to, shown in every page's
** footer: setting town.name, written by `jifen init` and changed by
** `jifen town NAME`. */
#define TOWN_NAME_DEFAULT "朱家角镇"

/* The town's name (arena a); TOWN_NAME_DEFAULT when d is NULL or the
** setting is absent or unreadable. */
const char *town_name(db *d, arena *a);

/* Store TOWN_NAME_DEFAULT unless a name is set (`jifen init`).  0 or -1. */
int town_name_init(db *d);

/* Change the town's name (1–50 characters of clean text), in its own
** transaction with an audit record (town.name) by who.  0, 1 (errs), -1. */
int town_name_set(db *d, const struct actor *who, const char *name, errlist *errs);

/* The address villagers reach the server at, printed on cards and in their
** QR codes ("https://jifen.example.cn", no slash at the end): setting
** town.public_url, set by `jifen town-url URL`.  NULL when unset (arena a). */
const char *town_public_url(db *d, arena *a);
/* Set it (an http(s) URL, 200 bytes at most) or with "none" remove it, in
** its own transaction with an audit record (town.public_url).  0, 1
** (errs), -1. */
int town_public_url_set(db *d, const struct actor *who, const char *url, errlist *errs);
/* 1 when url is NULL or names this machine (127.*, localhost, [::1],
** 0.0.0.0): a card printed with it opens nothing on a villager's phone. */
int town_public_url_is_loopback(const char *url);

#endif
