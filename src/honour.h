/*
** honour.h — honours (荣誉, 结果运用): the year's ranking of a village's
** participating households by year points, the star households (星级户)
** from the village's `stars` thresholds, the veto households (一票否决)
** that are not eligible that year, the party-member households (their
** points one input of 党员评星定级), and the two committees' confirmation
** of the year's honours at a meeting, with the model-household shortlist
** (评先选优) chosen from the ranking, kept frozen ever after.
**
** The figures are the ledger's own: year_points and the veto mark are
** ledger_balances()' (household_year, the same as `jifen balances` and the
** redemption's veto check), never computed a second way here.
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_HONOUR_H
#define JIFEN_HONOUR_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

/* One household's line of the honours of a year. */
struct honour_row {
	int64_t household_id;
	const char *code, *name; /* the head's name, unmasked */
	int64_t year_points;
	int rank;                /* competition rank: 1, 2, 2, 4 */
	int stars;               /* 0 when not eligible */
	int eligible;            /* no veto mark that year */
	const char *veto_reason; /* not eligible: the veto items scored, else "" */
	int party_member;        /* a current member is a party member */
	int model;               /* on the confirmed model-household shortlist */
};

/* ---- the rule (no database) -------------------------------------------- */

/* How many of the n ascending thresholds th points reaches (≥). */
int honour_stars(int64_t points, const int64_t *th, int n);

/* Order rows[0..n) highest year_points first, ties by code (shorter codes
** first, then bytewise, as every household list), then set each rank (the
** competition rank) and stars (0 when not eligible) from the n_th
** thresholds th.  rows' eligible must be set. */
void honour_rank(struct honour_row *rows, int n, const int64_t *th, int n_th);

/* ---- reading ----------------------------------------------------------- */

/* The honours of village v's year as they stand today: every
** participating household, ranked, with veto reasons and party members.
** Own snapshot (not inside a transaction).  0 or -1. */
int honour_list(db *d, arena *a, const struct village *v, int year, struct honour_row **rows,
		int *n);

/* The confirmation of a year's honours (table honour_confirmation). */
struct honour_confirmation {
	int64_t id, village_id;
	int year;
	const char *meeting_date, *attendees, *resolution;
	const char *stars;      /* the stars setting it was confirmed under */
	const char *confirmed_by;
	int64_t confirmed_at;
};

/* The confirmed honours of village_id's year and, when rows is not NULL,
** its frozen lines in ranking order.  Returns 0, 1 not confirmed, -1. */
int honour_confirmed(db *d, arena *a, int64_t village_id, int year,
		     struct honour_confirmation **out, struct honour_row **rows, int *n);

/* The years of village_id whose honours are confirmed, newest first. */
int honour_confirmed_years(db *d, arena *a, int64_t village_id, int **years, int *n);

/* ---- confirming --------------------------------------------------------- */

struct honour_confirm_input {
	const char *meeting_date; /* YYYY-MM-DD, not in the future, in or after the year */
	const char *attendees;    /* required, ≤ 500 characters */
	const char *resolution;   /* required, ≤ 2000 characters */
	const char *const *models; /* household codes of the shortlist (评先选优) */
	int n_models;
};

/* The two committees confirm village v's honours of year: the ranking as
** it stands now is frozen with the meeting and the shortlist.  Rejected
** when the year is not a past or the current year, it was confirmed
** already, a meeting field is wrong, or a shortlisted household is not on
** the list or not eligible (named).  Own write transaction, audited
** ("honour.confirm").  *id receives the confirmation's id. */
int honour_confirm(db *d, arena *a, const struct actor *who, const struct village *v, int year,
		   const struct honour_confirm_input *in, errlist *errs, int64_t *id);

/* ---- output ------------------------------------------------------------- */

/* The header and the rows of `jifen honours` (INTERFACES.md) through the
** one CSV writer (the header is the caller's: the web's honours.csv puts
** a BOM before it); the web's honours.csv writes the same cells. */
#define HONOUR_CSV_HEADER "household,name,year_points,rank,stars,eligible"
struct csv_out;
void honour_csv(struct csv_out *w, const struct honour_row *rows, int n);

/* The same rows as a JSON array of objects with those keys (eligible
** true/false) appended to b, one object a line. */
void honour_json(buf *b, const struct honour_row *rows, int n);

#endif
