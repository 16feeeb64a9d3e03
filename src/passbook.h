/*
** passbook.h — the household passbook (积分存折): what a household sees of
** its own points (实时可查), and the two ways in.
**
**   - A PIN: the village admin sets or resets a random 6-digit PIN, shown
**     once (printed on the household card) and stored only as an argon2id
**     hash in household.pin_hash; the household logs in with village,
**     household code and PIN (auth_login_household, throttled like staff
**     logins).  Resetting the PIN ends the household's open sessions.
**   - A card token: 32 random bytes as 64 hex characters, printed as a QR
**     code of the URL /p/TOKEN that opens the passbook read-only without a
**     login, for villagers who do not type.  Only the token's SHA-256 is
**     stored (table passbook_token, 003-passbook.sql), so neither a copy of
**     the database nor the audit log gives the URL away.  Issuing a new
**     token revokes the household's older ones; a revoked token opens
**     nothing.
**
** passbook_load() gathers one page of the view (balance, this year's and
** this quarter's points, the veto mark, the ledger entries with the meeting
** that approved each and the entry each correction reverses, and the
** household's declarations) for the pages and the API alike.
**
** No HTTP in here: page_passbook.c and api_passbook.c render what these
** functions return.  Return convention: 0 done; 1 rejected with Chinese
** messages in errs and nothing written; -1 database error (db_errmsg).
*/
#ifndef JIFEN_PASSBOOK_H
#define JIFEN_PASSBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "household.h"
#include "ledger.h"
#include "sheet.h"
#include "util.h"
#include "village.h"

enum {
	PASSBOOK_PIN_DIGITS = 6,
	PASSBOOK_TOKEN_BYTES = 32,   /* the card token: 64 hex characters */
	PASSBOOK_PER_PAGE = 50,      /* ledger entries on one page of the passbook */
	PASSBOOK_PER_PAGE_MAX = 200,
	PASSBOOK_DECLARATIONS = 20,  /* newest declarations shown */
};

/* ---- PIN ---------------------------------------------------------------- */

/* passbook_pin_reset(): give household household_id of village v a new
** random PIN (uniform over 000000–999999 from the OS CSPRNG) into pin,
** store its argon2id hash and the time in household.pin_hash/pin_set_at,
** end the household's sessions, and audit "passbook.pin" (the time only,
** never the PIN) — one write transaction.  Refused (1): unknown household
** of v, or one that has left (退出).  Returns 0, 1, -1. */
int passbook_pin_reset(db *d, const struct actor *who, const struct village *v,
		       int64_t household_id, char pin[PASSBOOK_PIN_DIGITS + 1], errlist *errs);

/* ---- card tokens ---------------------------------------------------------- */

/* 1 when s has the shape of a card token: exactly 64 lower-case hex. */
int passbook_token_valid(const char *s);

/* passbook_token_issue(): a new card token for household household_id of
** v into token (64 hex + NUL); every older token of the household is
** revoked in the same write transaction, audited "passbook.token" (with
** the first 16 characters of the token's hash, not the token).  When pin
** is not NULL (PASSBOOK_PIN_DIGITS + 1 bytes) the same transaction also
** resets the PIN as passbook_pin_reset does, for a card that carries
** both.  Refused (1) as passbook_pin_reset.  Returns 0, 1, -1. */
int passbook_token_issue(db *d, const struct actor *who, const struct village *v,
			 int64_t household_id, char token[2 * PASSBOOK_TOKEN_BYTES + 1],
			 char *pin, errlist *errs);

/* passbook_token_revoke(): revoke every live token of household
** household_id of v (own write transaction, audited
** "passbook.token_revoke"); *revoked (may be NULL) receives how many.
** Refused (1): unknown household.  Returns 0, 1, -1. */
int passbook_token_revoke(db *d, const struct actor *who, const struct village *v,
			  int64_t household_id, int64_t *revoked, errlist *errs);

/* passbook_token_resolve(): the household a card token opens: a live
** (not revoked) token of a household that has not left.  *village_id and
** *household_id receive it.  Returns 0 found, 1 none (also a malformed
** token), -1 database error. */
int passbook_token_resolve(db *d, const char *token, int64_t *village_id,
			   int64_t *household_id);

/* What the card page shows about a household's ways in. */
struct passbook_access {
	int64_t pin_set_at;       /* 0: no PIN yet */
	int64_t token_created_at; /* of the newest live token, 0 none */
	int64_t live_tokens;      /* live tokens (0 or 1 when issued here) */
};
/* Returns 0 (out filled), 1 unknown household of village_id, -1. */
int passbook_access_get(db *d, int64_t village_id, int64_t household_id,
			struct passbook_access *out);

/* ---- the view ---------------------------------------------------------------- */

struct passbook {
	struct village *village;
	struct household *household;
	char today[11];           /* YYYY-MM-DD the figures are as of */
	int year, quarter;        /* of today */
	struct ledger_summary sum;
	/* one page of ledger entries, newest first */
	struct ledger_entry *entries;
	int n;
	int64_t total;            /* entries on all pages */
	int page, pages, per_page;
	/* per entry i: the approval of a score entry (NULL none), and for a
	** correction the entry it reverses (NULL none or unreadable) */
	struct approval **approval;
	struct ledger_entry **corrects;
	/* the distinct approvals of this page, in order of first appearance */
	struct approval **meetings;
	int nmeetings;
	/* the household's newest declarations (at most PASSBOOK_DECLARATIONS) */
	struct declaration *decls;
	int ndecls;
	int64_t decls_total;
};

/* passbook_load(): page (from 1; clamped to the last page) of per_page
** entries (1..PASSBOOK_PER_PAGE_MAX) of household household_id of village
** village_id, as of today, into pb (arena memory).  Returns 0, 1 when the
** household is not of that village, -1. */
int passbook_load(db *d, arena *a, int64_t village_id, int64_t household_id, int page,
		  int per_page, struct passbook *pb);

/* passbook_evidence_allowed(): 1 when photo hash is the evidence of one of
** the household's ledger entries or declarations (what its passbook
** links), 0 when not, -1 on a database error. */
int passbook_evidence_allowed(db *d, int64_t village_id, int64_t household_id,
			      const char *hash);

/* passbook_declare(): household h of v declares a good deed (申报): the
** photo photo[0..photo_len) when photo_len > 0 must be a JPEG or PNG by
** content (evidence_sniff) of at most EVIDENCE_MAX_BYTES; it is stored
** (evidence_store) only after the other fields passed a first check, then
** declaration_create() records the declaration with its rules (date,
** note, item).  Returns 0 (*id), 1 (errs), -1. */
int passbook_declare(db *d, const struct actor *who, const struct village *v,
		     const struct household *h, const char *item_code, const char *date,
		     const char *note, const void *photo, size_t photo_len, errlist *errs,
		     int64_t *id);

/* ---- the card ------------------------------------------------------------------ */

/* passbook_host_valid(): 1 when host (a Host header) is safe to build an
** absolute URL from: 1–255 characters of letters, digits, '.', '-', ':'
** and the brackets of an IPv6 address, not starting with '.' or '-'. */
int passbook_host_valid(const char *host);

#endif
