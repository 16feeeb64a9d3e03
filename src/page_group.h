/*
** page_group.h — what other pages show of the village's scoring group: its
** status against the plan's rule (a two-committee member and a villager
** representative) as a cell of the town's village list and as a line of
** the village overview (page_group.c), and the last consultation on a
** draft standard the same two ways (page_consultation.c).
*/
#ifndef JIFEN_PAGE_GROUP_H
#define JIFEN_PAGE_GROUP_H

#include <stdint.h>

#include "http.h"
#include "village.h"

/* <td> with the group's size and "符合要求", or what is missing. */
void group_status_cell(struct req *r, const struct village *v);
/* The same cell from a status already read (the town dashboard reads every
** village's at once: oversight.h), linking /v/village_code/group. */
struct group_status;
void group_status_td(struct req *r, const char *village_code, const struct group_status *st);
/* A paragraph: the group's make-up, or the warning that months cannot be
** submitted until the missing role is in the group. */
void group_status_line(struct req *r, const struct village *v);

/* Who recorded an entry, as the sheet shows it: the roster of v loaded
** once per table (arena), then per entry a <td> with the group member
** linked to the login on the day it was recorded (name and role), or the
** login marked 非小组成员 (scoring_group.h says why it is marked, not
** refused). */
struct group_roster;
struct group_roster *group_roster_load(struct req *r, const struct village *v);
void group_recorder_cell(struct req *r, const struct group_roster *g, const char *login,
			 int64_t recorded_at);

/* page_consultation.c: the village's last consultation (征求意见) on a
** draft standard, as a cell (period and state, or —) and as a line. */
void consultation_last_cell(struct req *r, const struct village *v);
void consultation_last_line(struct req *r, const struct village *v);
/* On the household's passbook: a notice linking each consultation of
** village_id open today, so that villagers find where to comment. */
void consultation_passbook_notice(struct req *r, int64_t village_id);

#endif
