/*
** standard.h — points standards (积分标准), versioned: the town's
** recommended template (推荐模板) and each village's own standard
** (一村一方案) adopted by democratic procedure (村民会议 / 村民代表会议,
** with date, attendance and vote).  A version is never changed; changing a
** standard adds a version with its own effective date, and an entry is
** scored under the version in force on its date and keeps it (动态管理).
**
** Also: the standard CSV of INTERFACES.md (parse, validate, export), the
** version in force on a date, the list of versions and the difference
** between two versions.  No HTTP in here: pages (page_standard.c), the API
** and the CLI (`jifen import standard`, cmd_ledger.c) all come through it.
**
** Return convention of every function that can reject input: 0 done; 1
** rejected, with Chinese messages in errs and nothing written; -1 database
** error (message in db_errmsg()), nothing written.
*/
#ifndef JIFEN_STANDARD_H
#define JIFEN_STANDARD_H

#include <stdint.h>

#include "audit.h"
#include "csvfile.h"
#include "db.h"
#include "util.h"
#include "village.h"

/* Limits of the values a standard holds. */
#define STD_POINTS_MAX 10000   /* |points| of one item */
#define STD_CAP_MAX 1000000    /* cap_month / cap_year */
#define STD_ITEMS_MAX 500      /* items of one version */

/* One item (积分项目) of a version. */
struct std_item {
	int64_t id, version_id;
	int seq;               /* position in the standard, from 1 */
	const char *category;  /* 类别, ≤ 50 characters */
	const char *code;      /* 项目编号: 1–32 of [A-Za-z0-9_-], unique in the version */
	const char *name;      /* 项目名称, ≤ 100 characters */
	int64_t points;        /* non-zero, |points| ≤ STD_POINTS_MAX; < 0 a deduction */
	int64_t cap_month;     /* 0: no monthly cap; else ≥ |points| */
	int64_t cap_year;      /* 0: no yearly cap; else ≥ |points| and ≥ cap_month */
	int veto;              /* 一票否决 0/1 */
	int evidence;          /* 需佐证 0/1: an entry needs a photo or a note */
};

/* Meeting types of an adoption: the stored word and its Chinese label. */
#define STD_MEETING_VILLAGERS "villagers"             /* 村民会议 */
#define STD_MEETING_REPRESENTATIVES "representatives" /* 村民代表会议 */
/* "村民会议", "村民代表会议" or "" for "" (not recorded). */
const char *standard_meeting_type_label(const char *type);
/* The stored word for a type given as the word or its Chinese label;
** "" for NULL/""; NULL when it is neither. */
const char *standard_meeting_type_parse(const char *s);

/* How a version was adopted.  Integers are -1 when not recorded. */
struct std_adoption {
	const char *adopted_on;   /* YYYY-MM-DD of the meeting, not in the future (required) */
	const char *effective_on; /* YYYY-MM-DD, ≥ adopted_on (required) */
	const char *meeting_type; /* "", STD_MEETING_VILLAGERS or STD_MEETING_REPRESENTATIVES */
	const char *meeting;      /* free text ≤ 500 characters, may be "" */
	int64_t entitled;         /* 应到人数 */
	int64_t attendance;       /* 实到人数 ≤ entitled */
	int64_t votes_for, votes_against, votes_abstain; /* sum ≤ attendance */
	/* the basis of the adoption (consultation.h), recorded in the same
	** transaction: the consultation (征求意见) it followed, or the reason
	** there was none; 0 and NULL/"" record nothing (the CLI import) */
	int64_t consultation_id;
	const char *without_consultation;
};
/* An adoption with every count "not recorded". */
#define STD_ADOPTION_INIT {NULL, NULL, "", "", -1, -1, -1, -1, -1, 0, NULL}

/* One version, and (when loaded with items) its items in seq order. */
struct std_version {
	int64_t id;
	int64_t village_id;     /* 0: a version of the town template */
	int version;            /* 1, 2, ... within the village / the template */
	const char *effective_on;
	struct std_adoption adoption; /* adopted_on NULL for builtin template */
	const char *source;     /* "csv", "template", "form", "builtin" */
	int64_t based_on;       /* version it started from, 0 none */
	const char *created_by; /* login */
	int64_t created_at;
	struct std_item *items; /* NULL unless loaded with items */
	int nitems;
};

/* ---- the CSV of INTERFACES.md ------------------------------------------ */

enum std_field {
	SF_CATEGORY, SF_CODE, SF_NAME, SF_POINTS, SF_CAP_MONTH, SF_CAP_YEAR, SF_VETO, SF_EVIDENCE,
	SF_COUNT
};
extern const struct csv_col standard_csv_spec[SF_COUNT];

/* standard_parse_csv(): validate the standard CSV data[0..len) (fname is
** the FILE of "FILE:ROW: COLUMN: message" errors) into items (arena memory,
** seq from 1 in file order).  Checks every row: required fields, code
** format and uniqueness in the file (a repeat names the earlier row),
** points a non-zero integer within ±STD_POINTS_MAX, caps positive integers
** ≥ |points| (cap_year ≥ cap_month), yes/no fields; at least one item, at
** most STD_ITEMS_MAX.  Returns 0 (items/n set) or 1 (errs). */
int standard_parse_csv(arena *a, const char *fname, const char *data, size_t len,
		       struct std_item **items, int *n, errlist *errs);

/* Write items as the standard CSV (Chinese header, the column order of the
** spec; yes/no as 是/否, no cap as empty) to b — for download and for
** re-importing an edited copy), through the one CSV writer (csvout.h:
** texts formula-guarded, points and caps as numbers). */
struct csv_out;
void standard_items_csv(struct csv_out *w, const struct std_item *items, int n);

/* ---- reading ----------------------------------------------------------------- */

/* standard_get(): version id of village_id (0: a template version) into
** arena memory, with its items when with_items.  Returns 0 found, 1 none
** (also when it belongs to another village), -1 error. */
int standard_get(db *d, arena *a, int64_t village_id, int64_t version_id, int with_items,
		 struct std_version **out);

/* standard_in_force(): the village's version in force on date (YYYY-MM-DD):
** the one with the latest effective_on ≤ date.  Returns 0 found, 1 none (no
** version yet effective on that date), -1 error. */
int standard_in_force(db *d, arena *a, int64_t village_id, const char *date, int with_items,
		      struct std_version **out);

/* standard_list(): every version of the village (0: of the template),
** newest first, without items.  Returns 0 or -1. */
int standard_list(db *d, arena *a, int64_t village_id, struct std_version **rows, int *n);

/* An item of a loaded version by code, or NULL. */
const struct std_item *standard_item_by_code(const struct std_version *v, const char *code);
/* One item by id with its version's village checked: 0 found, 1 none, -1. */
int standard_item_get(db *d, arena *a, int64_t village_id, int64_t item_id,
		      struct std_item **out);

/* Every version of one village with items, ordered by effective date, for
** code that looks up many dates (the entries import, the demo). */
struct std_book {
	struct std_version **v;
	int n;
};
/* Load the book of village_id.  Returns 0 or -1. */
int standard_book_load(db *d, arena *a, int64_t village_id, struct std_book *book);
/* The version of the book in force on date, or NULL. */
const struct std_version *standard_book_in_force(const struct std_book *book,
						 const char *date);

/* ---- comparing two versions ---------------------------------------------------- */

enum std_diff_kind { STD_SAME, STD_ADDED, STD_REMOVED, STD_CHANGED };
/* Bits of struct std_diff.changed */
enum {
	STD_CH_CATEGORY = 1 << 0, STD_CH_NAME = 1 << 1, STD_CH_POINTS = 1 << 2,
	STD_CH_CAP_MONTH = 1 << 3, STD_CH_CAP_YEAR = 1 << 4, STD_CH_VETO = 1 << 5,
	STD_CH_EVIDENCE = 1 << 6,
};
struct std_diff {
	int kind;                   /* enum std_diff_kind */
	const struct std_item *old; /* NULL for STD_ADDED */
	const struct std_item *new; /* NULL for STD_REMOVED */
	unsigned changed;           /* STD_CHANGED: STD_CH_* bits */
};
/* standard_diff(): compare the items of two loaded versions by code: every
** item of old in old's order (same, changed or removed), then the items only
** in new in new's order.  rows in arena memory.  Returns the row count. */
int standard_diff(arena *a, const struct std_version *old, const struct std_version *new,
		  struct std_diff **rows);

/* ---- adopting ------------------------------------------------------------------ */

/* standard_check_adoption(): validate an adoption record against today
** (YYYY-MM-DD): dates valid, adopted_on not after today, effective_on not
** before adopted_on, meeting type known, meeting ≤ 500 characters clean
** text, counts ≥ 0 or -1, attendance ≤ entitled, votes ≤ attendance.
** Messages name the field in Chinese (通过日期, 生效日期 ...).  Returns the
** number of problems added to errs. */
int standard_check_adoption(const struct std_adoption *ad, const char *today, errlist *errs);

/* standard_adopt(): add a new version of village v's standard with items
** (already validated, e.g. by standard_parse_csv) and the adoption record,
** in its own write transaction with an audit record ("standard.adopt").
** Also refused: effective_on not after the effective date of every existing
** version of the village, and effective_on on or before the date of an
** entry the village has already recorded or approved (entries keep the
** version they were scored under, so a new version cannot reach back over
** them).  source: "csv", "template" or "form"; based_on the version it
** started from or 0.  Returns 0 (*version_id set), 1 rejected (errs), -1. */
int standard_adopt(db *d, const struct actor *who, const struct village *v,
		   const struct std_adoption *ad, const struct std_item *items, int n,
		   const char *source, int64_t based_on, errlist *errs, int64_t *version_id);

/* standard_adopt_csv(): standard_parse_csv + standard_check_adoption +
** standard_adopt, all problems reported together.  dry_run: validate only
** (also against the database), write nothing.  Returns as standard_adopt. */
int standard_adopt_csv(db *d, const struct actor *who, const struct village *v,
		       const struct std_adoption *ad, const char *fname, const char *data,
		       size_t len, int dry_run, errlist *errs, int64_t *version_id);

/* standard_adopt_template(): village v adopts the town template's newest
** version as it stands (source "template", based_on that version).
** Returns as standard_adopt; 1 also when there is no template. */
int standard_adopt_template(db *d, const struct actor *who, const struct village *v,
			    const struct std_adoption *ad, errlist *errs, int64_t *version_id);

/* ---- the town template ------------------------------------------------------------ */

/* The built-in template: static/template-standard.csv, embedded in the
** binary (built from the town's 2024 plan). */
const char *standard_builtin_template(size_t *len);

/* standard_template_ensure(): when the town has no template version yet,
** store the built-in one as template version 1 (source "builtin",
** effective 2024-01-01).  Call it inside a write transaction (it begins
** none), so the version and its items appear together.  Returns 0 or -1. */
int standard_template_ensure(db *d);

/* standard_template_current(): the template's newest version with items
** (after standard_template_ensure; standard_adopt_template and
** standard_template_publish ensure it themselves).  Returns 0, 1 none, -1. */
int standard_template_current(db *d, arena *a, struct std_version **out);

/* standard_template_publish(): the town publishes a new template version
** from CSV (fname for errors), effective on effective_on; own transaction,
** audited ("standard.template").  Returns 0 (*version_id), 1 (errs), -1. */
int standard_template_publish(db *d, const struct actor *who, const char *effective_on,
			      const char *fname, const char *data, size_t len, errlist *errs,
			      int64_t *version_id);

/* ---- content hash (standard_seal.c) -------------------------------------
** The SHA-256 of a version's adoption record and items, recorded in the
** audit chain when the version is adopted ("content_hash" in the
** standard.adopt row) and recomputed by `jifen verify`.
** STANDARD_SEAL_SELECT: the version and item columns it covers, one row
** per item; the caller appends WHERE and "ORDER BY v.id, i.seq".  Column
** 0 is the version id, 16 the item id, 17 its seq, 19 its code, 21 its
** points, 24 its veto mark. */
#define STANDARD_SEAL_SELECT                                                                   \
	"SELECT v.id, v.village_id, v.version, v.effective_on, v.adopted_on, v.meeting_type,"  \
	" v.meeting, v.entitled, v.attendance, v.votes_for, v.votes_against, v.votes_abstain," \
	" v.source, v.based_on, v.created_by, v.created_at, i.id, i.seq, i.category, i.code,"  \
	" i.name, i.points, i.cap_month, i.cap_year, i.veto, i.evidence"                       \
	" FROM standard_version v JOIN standard_item i ON i.version_id = v.id"
/* Feed the current row of a STANDARD_SEAL_SELECT statement into b (first:
** the version's first item row, which starts b afresh); then
** standard_seal_finish() gives the hex hash. */
void standard_seal_add(buf *b, db_stmt *s, int first);
void standard_seal_finish(buf *b, char out[65]);
/* The content hash of version_id read from the database.  0 or -1. */
int standard_content_hash(db *d, int64_t version_id, char out[65]);

#endif
