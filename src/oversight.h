/*
** oversight.h — the town's figures of every village for one year (the
** town dashboard, `jifen report`, the evaluation's measured figures), the
** town's oversight settings (the three stages of the plan, how many days
** after a quarter an announcement counts as on time) and the rule that
** puts a village on the "needs attention" list.  No HTTP here: the pages,
** the API and the CLI all print from the rows these functions fill.
**
** The counting rules (INTERFACES.md, `jifen report`), with Y the year:
**   eligible        households of the village with eligible = 1, not left
**   participating   households with participating = 1
**   coverage        participating / eligible, two decimals rounded half up
**                   (none when nothing is eligible)
**   standard        the village's newest version effective on or before
**                   Y-12-31 (its version number, adoption date and vote)
**   months_approved approvals of sheets whose month is in Y
**   announcements   announcements of quarters of Y
**   objections_open objections of the village not decided yet (any year)
**   redemptions     redemptions handed out (status handed_out) dated in Y,
**                   points_redeemed their points
**   fund_balance    the funds' total balance (income − spent, all sources)
**   group           the scoring group today (scoring_group.h): its current
**                   members, and whether a two-committee member and a
**                   villager representative are among them
** docs/oversight.md says the same for the town admin.
*/
#ifndef JIFEN_OVERSIGHT_H
#define JIFEN_OVERSIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "scoring_group.h"
#include "util.h"

/* ---- the town's oversight settings (table setting, keys town.*) ------- */

enum { OVERSIGHT_STAGES = 3 };
struct oversight_settings {
	/* the stages 动员部署, 全面推行, 总结提升: first and last day */
	char stage_start[OVERSIGHT_STAGES][11], stage_end[OVERSIGHT_STAGES][11];
	int announce_days; /* an announcement within this many days after its
			    * quarter's end is on time */
	int approve_days;  /* a month approved within this many days after its
			    * end is on time */
	int goal_pct;      /* the full-coverage goal, percent of eligible */
};
/* The stage names, in order. */
extern const char *const oversight_stage_names[OVERSIGHT_STAGES];
/* Read the settings (defaults from the plan where a key is not set). 0/-1. */
int oversight_settings_load(db *d, struct oversight_settings *s);
/* The setting keys and their values as text, i-th (0-based) into value;
** NULL past the last.  label receives the Chinese meaning. */
const char *oversight_setting_field(const struct oversight_settings *s, int i, char value[16],
				    const char **label);
/* Set one key (town.announce_days, town.approve_days, town.goal_pct,
** town.stageN_start, town.stageN_end) after checking the value (and that
** every stage still starts on or before its end and after the one
** before), in its own transaction with an audit record (town.setting).
** 0, 1 rejected (errs), -1 database error. */
int oversight_setting_set(db *d, const struct actor *who, const char *key, const char *value,
			  errlist *errs);

/* ---- the figures ------------------------------------------------------ */

struct oversight_row {
	int64_t village_id;
	const char *code, *name;
	int64_t point_value_fen;
	int64_t eligible, participating;
	int has_coverage;
	int64_t coverage_x100; /* participating / eligible × 100, rounded half up */
	/* the standard in force at the year's end; version 0: none */
	int64_t standard_version;
	const char *standard_adopted; /* YYYY-MM-DD or NULL */
	const char *standard_effective, *meeting_type, *meeting;
	int64_t entitled, attendance, votes_for, votes_against, votes_abstain; /* -1 not recorded */
	int64_t months_approved;
	int64_t months_scored;   /* sheets of months of the year, any status */
	int64_t announcements;
	int64_t objections_open;
	int64_t redemptions, points_redeemed;
	int64_t fund_balance_fen;
	struct group_status group; /* the scoring group as it is today */
	/* ---- the dashboard's details (oversight_dashboard() only) ---- */
	int64_t first_month;     /* the first approved month of the year, 1–12; 0 none */
	int64_t months_due;      /* months from first_month (January when none) whose
				  * on-time window has closed by today */
	int64_t months_late;     /* approved later than approve_days after the month */
	int64_t late_days_max;   /* the latest approval's days after its month's end */
	int64_t quarters_due;    /* quarters from first_month's whose on-time window
				  * has closed by today */
	int64_t announcements_on_time;
	int64_t objection_oldest_days; /* age of the oldest open objection, 0 none */
	int has_fund_coverage;
	int64_t fund_coverage_x100;
	int stage;               /* the furthest stage reached: 0 none, 1..3 (oversight.c) */
	int attention;           /* number of attention reasons */
	const char *attention_why; /* "；"-joined reasons, "" none */
};

/* The report rows of year, one per village in code order (arena a).
** One snapshot; a few grouped queries over all villages.  0 or -1. */
int oversight_report(db *d, arena *a, int year, struct oversight_row **rows, int *n);

/* The report rows with the dashboard's details, judged as of today
** (YYYY-MM-DD; a past year is judged as closed).  0 or -1. */
int oversight_dashboard(db *d, arena *a, int year, const char *today,
			const struct oversight_settings *set, struct oversight_row **rows, int *n);

/* The rule of "needs attention" (docs/oversight.md), applied to one row. */
void oversight_judge(struct oversight_row *r, const struct oversight_settings *set,
		     arena *a);

/* Sort rows by key: "attention" (default: most reasons first, then code),
** "code", "name", "coverage", "participating", "months", "announcements",
** "objections", "redemptions", "points", "funds"; desc reverses.  An
** unknown key sorts as "attention".  Returns the key used. */
const char *oversight_sort(struct oversight_row *rows, int n, const char *key, int desc);

/* coverage_x100 as "0.85" into out, "" when there is none. */
char *oversight_ratio_text(char out[32], int has, int64_t x100);

/* ---- monthly series for the charts ---------------------------------- */

/* Points on the ledger (score and correction entries) of year per
** category and month, for one village.
** cats (arena) the category names in order of their total, desc;
** pts[c*12 + m] the points of category c in month m+1. */
int oversight_points_by_category(db *d, arena *a, int64_t village_id, int year,
				 const char ***cats, int64_t **pts, int *ncat);
/* Handed-out redemptions of year per month (count and points), one
** village or the town. */
int oversight_redemptions_by_month(db *d, int64_t village_id, int year, int64_t count[12],
				   int64_t points[12]);



/* ---- the report's bytes (`jifen report`, the dashboard's downloads) --- */

struct csv_out;
/* The header line and one line per row, INTERFACES.md's columns. */
void oversight_report_csv(struct csv_out *w, const struct oversight_row *rows, int n);
/* A JSON array of one object per row with the same keys: counts as
** numbers, coverage and fund_balance as numbers with two decimals
** (coverage null without eligible households), standard_version and
** standard_adopted null without a standard; one object per line. */
void oversight_report_json(buf *b, const struct oversight_row *rows, int n);
/* The report as an xlsx workbook at path (the xlsx kit): a title row
** with the town and year, the header row frozen under it, numbers as
** numbers, the adoption date as a date.  0, or -1 with a message in err. */
int oversight_report_xlsx(const char *path, const char *town, int year,
			  const struct oversight_row *rows, int n, char *err, size_t errlen);
#endif
