/*
** consultation.h — the public consultation (征求意见) on a draft standard
** (plan 四(二): 注重广泛听取村民意见，履行民主程序).  Before a village adopts
** a new version, the two committees publish the draft (the standard CSV of
** INTERFACES.md) for comment from opens_on to closes_on; households comment
** from their passbook, and the village admin records what the village's
** meetings said (红白理事会, 村民议事会, 妇女议事会, 道德评议会: the body
** and the text).  The committee answers each comment; once the period is
** over and every comment is answered, the draft is adopted with its vote
** (standard_adopt) and the version links back to the consultation
** (standard_basis).  A version adopted through the web without one records
** the reason instead; `jifen import standard` records nothing, as before.
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_CONSULTATION_H
#define JIFEN_CONSULTATION_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "standard.h"
#include "util.h"
#include "village.h"

enum { CONSULTATION_DAYS_MAX = 90 };

struct consultation {
	int64_t id, village_id;
	const char *title;
	const char *draft_csv;            /* the draft, standard CSV */
	const char *opens_on, *closes_on; /* YYYY-MM-DD, inclusive */
	int64_t version_id;               /* adopted as this version, 0 not yet */
	int version;                      /* its number, 0 not yet */
	int64_t comments, answered;
	const char *created_by;
};

struct consultation_comment {
	int64_t id, consultation_id;
	int64_t household_id;         /* 0: recorded from a meeting */
	const char *household_code;   /* "" for a meeting */
	const char *body;             /* "" (household) or hongbai/yishi/funv/daode */
	const char *text, *commented_on;
	const char *answer, *answered_on; /* "" until answered */
	const char *recorded_by;
};

/* The Chinese name of a meeting body (红白理事会 ...), "" when not one. */
const char *consultation_body_label(const char *body);
extern const char *const consultation_bodies[4];

/* Where a consultation stands on date: "upcoming" 未开始, "open" 征求意见中,
** "closed" 已结束, "adopted" 已通过. */
const char *consultation_state(const struct consultation *c, const char *date);
const char *consultation_state_label(const char *state);

/* Publish the draft data[0..len) (standard CSV; fname names it in errors)
** of village v for comment from opens_on to closes_on (at most
** CONSULTATION_DAYS_MAX days; closes_on not in the past).  Own write
** transaction, audited ("consultation.open").  *id receives the id. */
int consultation_open(db *d, const struct actor *who, const struct village *v,
		      const char *title, const char *fname, const char *data, size_t len,
		      const char *opens_on, const char *closes_on, errlist *errs, int64_t *id);

/* Consultation id of village_id (arena).  Returns 0, 1 none, -1. */
int consultation_get(db *d, arena *a, int64_t village_id, int64_t id, struct consultation **out);
/* Every consultation of village_id, newest first.  0 or -1. */
int consultation_list(db *d, arena *a, int64_t village_id, struct consultation **rows, int *n);
/* The newest consultation of village_id.  0, 1 none, -1. */
int consultation_last(db *d, arena *a, int64_t village_id, struct consultation **out);
/* The comments of consultation id, oldest first.  0 or -1. */
int consultation_comments(db *d, arena *a, int64_t village_id, int64_t id,
			  struct consultation_comment **rows, int *n);

/* Add a comment on today's date (date NULL) or date (a meeting's, recorded
** later): household_id set: the household's own (body must be ""), it must
** be a household of v; household_id 0: a meeting's (body one of the four).
** Rejected outside the period (the message names it), after adoption,
** text empty or over 500 characters.  Own transaction, audited
** ("consultation.comment"). */
int consultation_comment_add(db *d, const struct actor *who, const struct village *v,
			     int64_t consultation_id, int64_t household_id, const char *body,
			     const char *text, const char *date, errlist *errs, int64_t *id);

/* The committee answers comment comment_id of v (a later answer replaces
** an earlier one before adoption; the audit log keeps both).  Own
** transaction, audited ("consultation.answer"). */
int consultation_answer(db *d, const struct actor *who, const struct village *v,
			int64_t comment_id, const char *answer, errlist *errs);

/* Adopt the draft of consultation id with the vote ad (its consultation_id
** is set here): rejected before the period has ended, with a comment
** unanswered, or when adopted already; then as standard_adopt.
** *version_id receives the new version. */
int consultation_adopt(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const struct std_adoption *ad, errlist *errs, int64_t *version_id);

/* Inside standard_adopt's transaction: record the basis of version_id —
** consultation_id (its consultation, which must be the village's, over,
** fully answered and not adopted; it is marked adopted) or, when 0, the
** reason.  Returns 0, 1 (errs), -1. */
int consultation_link(db *d, int64_t village_id, int64_t version_id, int64_t consultation_id,
		      const char *reason, errlist *errs);

/* The basis of version_id: *consultation_id (0 none) and *reason ("" none;
** both empty for a CLI import).  0, 1 no record, -1. */
int standard_basis_get(db *d, arena *a, int64_t version_id, int64_t *consultation_id,
		       const char **reason);

#endif
