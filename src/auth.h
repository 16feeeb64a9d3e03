/*
** auth.h — accounts, passwords (argon2id through libsodium), login
** throttling and database-backed sessions.  Sessions live in the database so
** that several server instances can share them.
*/
#ifndef JIFEN_AUTH_H
#define JIFEN_AUTH_H

#include <stdint.h>
#include "audit.h"
#include "db.h"
#include "util.h"

/* Roles, as bits so that a route can admit several. */
enum role {
	ROLE_TOWN_ADMIN = 1 << 0,
	ROLE_VILLAGE_ADMIN = 1 << 1,
	ROLE_SCORER = 1 << 2,
	ROLE_SHOPKEEPER = 1 << 3,
	ROLE_HOUSEHOLD = 1 << 4, /* a household logged in with code + PIN */
};
#define ROLE_STAFF (ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN | ROLE_SCORER | ROLE_SHOPKEEPER)
#define ROLE_ANY (ROLE_STAFF | ROLE_HOUSEHOLD)
/* The role sets of the route tables and the pages' checks, named once. */
#define ROLES_ADMIN (ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN)           /* change, approve */
#define ROLES_VIEW (ROLE_TOWN_ADMIN | ROLE_VILLAGE_ADMIN | ROLE_SCORER) /* a village's records */
#define ROLES_ENTRY ROLES_VIEW                                        /* record entries */
/* read every household's balance: not the shopkeeper, who sees one household's
** balance only at the counter when handing out (issue 13), never the list */
#define ROLES_BALANCE ROLES_VIEW

/* The logged-in principal of a request. */
struct user {
	int64_t id;           /* account id, or household id for ROLE_HOUSEHOLD */
	const char *login;    /* account login, or household code */
	int role;             /* one ROLE_* bit */
	int64_t village_id;   /* 0 for the town */
	const char *village_code; /* NULL for the town */
	const char *csrf;     /* the session's CSRF token */
	int must_change_password;
	const char *sid;      /* the session's id (its token's SHA-256), hex */
	const char *notice;   /* to show on the next page, or NULL (session_set_notice) */
};

/* The security policy (等保 level 2: password complexity and expiry,
** lock-out after failures, session timeouts) and the server's limits
** against clients that do not behave, kept in table setting so that a
** town sets them once for every instance (`jifen config`).  Unset values
** take these defaults.  The server reads the limits (connections_per_address
** and after) when it starts. */
struct security_policy {
	int password_min_length;   /* characters, 8–64 */
	int password_max_age_days; /* a password older than this must be changed; 0 never */
	int login_max_failures;    /* failures within login_lock_minutes lock the login */
	int login_lock_minutes;
	char lockout_scope[16];    /* "address": the lock holds for the addresses that
				   ** failed; "account": for every address (等保's reading) */
	int login_address_max_failures; /* failures from one address within
				   ** login_lock_minutes stop its logins (any account) */
	int login_delay_max_seconds; /* cap of the delay after an account's failures */
	int session_idle_minutes;
	int session_max_hours;     /* absolute lifetime of a session */
	int connections_per_address;  /* connections one client address may hold */
	int request_header_seconds;   /* a request's header must arrive within this */
	int body_min_bytes_per_second; /* after request_header_seconds; 0 no minimum */
	int body_memory_mb;           /* all request bodies in flight together */
	char trusted_proxies[256];    /* addresses/CIDRs whose X-Forwarded-For is believed */
	/* write quotas (issue 11: one client must not fill the disk), each
	** over the last 24 hours */
	int declarations_per_day;  /* declarations of one household */
	int photos_per_day;        /* photos one account or household uploads */
	int photo_mb_per_day;      /* their bytes, in MB */
	int requests_per_minute_per_address; /* ratelimit.h; 0 no limit */
};
#define SECURITY_POLICY_DEFAULTS                                                                 \
	{8, 90, 5, 15, "address", 20, 30, 30, 12, 64, 30, 1024, 64, "", 10, 100, 20, 600}

/* The policy in force (defaults for what is not set).  0 or -1. */
int policy_load(db *d, struct security_policy *p);
/* Set one policy value by name (the struct's field names); 0, 1 rejected
** (errs: unknown name, value out of range), -1 database error. */
int policy_set(db *d, const char *name, const char *value, errlist *errs);
/* Name and Chinese description of policy field i (0-based), its value as
** text in value (n bytes), or NULL past the last: for listing. */
const char *policy_field(const struct security_policy *p, int i, char *value, size_t n,
			 const char **label);

/* The server's secret (32 random bytes) for signing what it hands out
** before login, kept in table setting so that every instance has the same:
** created on first use.  0 or -1. */
int server_secret(db *d, unsigned char key[32]);

/* Role names as stored and as the CLI takes them. */
int role_from_name(const char *name);   /* ROLE_* bit or 0 */
const char *role_name(int role);        /* "town_admin"... */
const char *role_label(int role);       /* 镇管理员... */

/* Password policy: at least the policy's minimum length and at least two
** of letters, digits, other characters.  Returns NULL when acceptable, else
** a Chinese message (arena a). */
const char *password_policy_error(arena *a, const struct security_policy *p, const char *pw);

/* argon2id hash of pw into out (crypto_pwhash_STRBYTES bytes); 0 ok. */
int password_hash(const char *pw, char *out, size_t outlen);
/* 1 when pw matches the stored hash. */
int password_verify(const char *hash, const char *pw);

/* Add an account, in its own write transaction with its audit record
** (account.add, {"login", "role"}) by who: the CLI and the page both call
** it.  role a ROLE_* bit except ROLE_HOUSEHOLD; village_code NULL for a
** town admin, required for every other role.  Returns 0; 1 with errs when
** rejected (bad login, weak password, unknown village, login taken,
** village given to a town admin...); -1 on a database error. */
int account_add(db *d, const struct actor *who, const char *login, int role,
		const char *village_code, const char *password, int must_change, errlist *errs);

/* The row of account_add() only, inside the caller's transaction, without
** an audit record (the demo town).  Returns as account_add(). */
int account_insert(db *d, const char *login, int role, const char *village_code,
		   const char *password, int must_change, errlist *errs);

/* Disable the account login when it is within scope (a village id, 0 the
** whole town), ending its sessions; own transaction, audited
** (account.disable).  Returns 0, 1 no such account in scope, -1. */
int account_disable(db *d, const struct actor *who, const char *login, int64_t scope);

/* An account as the accounts page lists it. */
struct account_row {
	const char *login;
	int role;                 /* ROLE_* */
	const char *village_code; /* NULL for the town */
	int disabled;
	int64_t created_at;
	int failures;             /* failed logins since its last success */
	int64_t last_failure_at;  /* with failures: the last one's time and address */
	const char *last_failure_ip;
};

/* The accounts within scope (a village id, 0 every account), ordered by
** village, role and login, in arena a.  0 or -1. */
int account_list(db *d, arena *a, int64_t scope, struct account_row **rows, int *n);

/* Result of a login attempt.  Only LOGIN_OK and LOGIN_BAD checked the
** password; the refusals before it are not counted against anything. */
enum login_result {
	LOGIN_OK,
	LOGIN_BAD,       /* wrong password, unknown login, or malformed input */
	LOGIN_THROTTLED, /* the address has too many failures: no login at all */
	LOGIN_LOCKED,    /* the login is locked (for this address, or everywhere) */
	LOGIN_DELAYED,   /* the login failed a moment ago: try again in a while */
	LOGIN_ERROR,     /* the database failed */
};

/* Where an attempt comes from: ip, the client's address as audited; key,
** what the per-address limits count (guard.h: IPv6 by its /64). */
struct login_from {
	const char *ip, *key;
};

/* What a login attempt tells its caller beside the result. */
struct login_report {
	int retry_after;       /* THROTTLED, LOCKED, DELAYED: seconds until it may work */
	int failures;          /* OK: failures since the last login, the owner's notice;
			       ** BAD: the login's failures so far, this one included */
	int64_t last_at;       /* OK with failures: the last one's time and address */
	char last_ip[64];
	int alert;             /* BAD: this failure reached login_max_failures: the
			       ** caller audits security.login_failures */
	int64_t village_id;    /* BAD, alert: the account's village (0 town/unknown) */
	int village_paused;    /* household THROTTLED: by the village's PIN budget */
};

/* Check login/password (staff) and record the attempt.  In order:
** malformed input (empty, too long, not a valid login) is LOGIN_BAD
** without a record; an address with login_address_max_failures failures
** within login_lock_minutes is LOGIN_THROTTLED; a login with
** login_max_failures failures within the window since its last success —
** from this address (lockout_scope "address") or from any
** ("account") — is LOGIN_LOCKED, even with the right password; an address
** that has not itself failed against the login while the login's
** exponential delay runs (1, 2, 4 … login_delay_max_seconds after its last
** failure) is LOGIN_DELAYED.  None of these is recorded.  Otherwise the
** password is checked (also for unknown logins, in the same time) and the
** attempt recorded.  On LOGIN_OK *account_id is set and the failure record
** cleared.  rep is filled as its comment says. */
enum login_result auth_login_account(db *d, const char *login, const char *password,
				     const struct login_from *from, int64_t *account_id,
				     struct login_report *rep);
/* The same for a household: the village (its code, any case, or its
** name), who (the household code in any case, with or without the
** village's prefix — "001", "ZHANGMA-001" — or the head's name) and the
** PIN.  A head's name several households share tries the PIN against each
** (at most four).  Every failure is the same LOGIN_BAD, and a PIN is
** checked even when nothing matched, so that the answer tells nobody
** whether a household exists.  The address throttle applies; the lock is
** per village and who as typed (lower case), for every address (a PIN has
** only a million values), and no delay; and the village's budget of
** failures (pin_budget.h): LOGIN_THROTTLED, rep->village_paused. */
enum login_result auth_login_household(db *d, const char *village_code, const char *hcode,
				       const char *pin, const struct login_from *from,
				       int64_t *household_id, struct login_report *rep);

/* The owner's notice of rep (a LOGIN_OK's failures), Chinese, in arena a;
** NULL when there were none. */
const char *login_report_notice(arena *a, const struct login_report *rep);

/* Keep notice for the session of token, shown once by its first page. 0 or -1. */
int session_set_notice(db *d, const char *token, const char *notice);
/* Forget the session's notice (u from session_load), once shown. */
void session_clear_notice(db *d, const struct user *u);

/* Create a session for an account (account_id) or household (household_id,
** account_id 0).  token receives the cookie value (64 hex + NUL).  0 ok. */
int session_create(db *d, int64_t account_id, int64_t household_id, const char *ip,
		   char token[65]);
/* Load the session of a cookie token into a user (arena), touching
** last_seen; NULL when unknown or expired (an expired one is deleted). */
struct user *session_load(db *d, arena *a, const char *token);
/* Delete the session of this token. */
int session_delete(db *d, const char *token);
/* Delete every session of an account (after a password change, except
** keep_token's own when not NULL). */
int session_delete_account(db *d, int64_t account_id, const char *keep_token);

/* Change an account's password after checking the old one.  Returns 0; 1
** rejected with errs; -1 database error. */
int account_change_password(db *d, int64_t account_id, const char *old_pw,
			    const char *new_pw, const char *new_pw2, errlist *errs);

#endif
