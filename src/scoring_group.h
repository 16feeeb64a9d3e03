/*
** scoring_group.h — the village's scoring group (村民积分管理自治小组,
** plan 四(三) 成立一个专班): its roster with history, and the rule that it
** must include at least one two-committee member (村两委成员) and one
** villager representative (村民代表).  A membership is added with the
** meeting that appointed it (date, attendees, appointing body) and ends by
** a dated leave (never a delete).  A member may be linked to the village's
** account they score with, so that a sheet shows which member recorded
** each entry.
**
** Where the rule bites: sheet_submit() (web page and JSON API) refuses a
** month while the group does not meet it.  `jifen sheet approve` and
** `jifen import entries` (INTERFACES.md, fixed) do not check it: the CLI is
** the committee's own tool and keeps working as before.
**
** Entries recorded by an account that is not a current member are kept
** and marked (非小组成员) rather than refused: village admins and the CLI
** record entries too (declarations accepted, paper sheets imported), and
** a refusal would stop a village's scoring whenever its roster lags
** behind; the committee sees the mark when it reviews the sheet.
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_SCORING_GROUP_H
#define JIFEN_SCORING_GROUP_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

/* The roles of the plan, as stored ("committee", ...) and in Chinese. */
enum { GROUP_ROLE_COUNT = 7 };
extern const char *const group_role_names[GROUP_ROLE_COUNT];
/* The Chinese label of a stored role ("" when not a role). */
const char *group_role_label(const char *role);
/* The stored word of a role given as the word or its Chinese label; NULL
** when it is neither. */
const char *group_role_parse(const char *s);

struct group_member {
	int64_t id, village_id;
	const char *name, *role;
	const char *account_login;  /* "" when not linked */
	const char *joined_on;
	const char *left_on;        /* "" while in the group */
	const char *left_reason;    /* "" */
	const char *meeting_date, *attendees, *appointed_by;
	const char *recorded_by;
};

struct group_member_input {
	const char *name, *role;    /* role: word or Chinese label */
	const char *account_login;  /* NULL/"": not linked */
	const char *joined_on;      /* YYYY-MM-DD, not in the future */
	const char *meeting_date;   /* the appointing meeting, on or before joined_on */
	const char *attendees;      /* required */
	const char *appointed_by;   /* NULL/"": 村党组织 */
};

/* Add a member to village v's group.  Rejected: empty or long name, role
** unknown, dates invalid / in the future / meeting after joining, no
** attendees, the account not one of the village's or already linked to a
** current member.  Own write transaction, audited ("group.add").  *id
** receives the new id. */
int group_member_add(db *d, const struct actor *who, const struct village *v,
		     const struct group_member_input *in, errlist *errs, int64_t *id);

/* Member id of v leaves the group on left_on (YYYY-MM-DD, not before
** joining, not in the future) for reason (may be "").  Rejected when there
** is no such current member.  Own write transaction, audited
** ("group.leave"). */
int group_member_leave(db *d, const struct actor *who, const struct village *v, int64_t id,
		       const char *left_on, const char *reason, errlist *errs);

/* The roster of village_id (arena): current_only: the members in the group
** today; else every membership ever, current first, then by joining.
** Returns 0 or -1. */
int group_members(db *d, arena *a, int64_t village_id, int current_only,
		  struct group_member **rows, int *n);

/* Whether the group meets the rule today. */
struct group_status {
	int members, committee, representatives;
	int ok;               /* both roles present */
	const char *missing;  /* "" when ok; else "村两委成员", "村民代表" or both joined by "和" */
};
int group_status_get(db *d, int64_t village_id, struct group_status *st);
/* The status of a group of members current members, committee of them
** two-committee members and representatives villager representatives:
** the rule applied to counts (group_status_get, group_status_all). */
void group_status_from_counts(struct group_status *st, int64_t members, int64_t committee,
			      int64_t representatives);
/* The status of every village's group in one grouped query (the town's
** dashboard reads 30 villages at once): fn(ctx, village_id, &st) for each
** village that has current members; a village it is not called for has
** none (group_status_from_counts(st, 0, 0, 0)).  0 or -1. */
int group_status_all(db *d, void (*fn)(void *ctx, int64_t village_id, const struct group_status *st),
		     void *ctx);

/* The submit check: 0 when the group meets the rule, 1 with the message
** "积分管理小组还缺少村民代表，不能提交审定" (naming what is missing) in
** errs, -1. */
int group_check_submit(db *d, int64_t village_id, errlist *errs);

/* The member of rows (a loaded roster, every membership) linked to login
** who was in the group on date (YYYY-MM-DD), or NULL. */
const struct group_member *group_member_for(const struct group_member *rows, int n,
					    const char *login, const char *date);

#endif
