/*
** ledger.h — the points ledger (积分台账): every point a household has is an
** entry here.  Append-only (the database refuses UPDATE/DELETE through
** triggers), hash-chained per village, with the chain head (ledger_head)
** and the households' balances (household_balance) and yearly points and
** veto marks (household_year) kept in the same transaction as the entries,
** so reading a balance is one indexed lookup and `jifen verify` can prove
** every stored figure from the entries.
**
** Kinds of entry: "score" (an approved sheet entry), "correction" (reverses
** part or all of a score entry, linked by correction_of, with a reason), and
** "redemption", "yearend", "adjust", reserved for the points shop and the
** year end; those post through ledger_batch_* like the others.
**
** THE CANONICAL ENCODING (also docs/ledger.md).  For each entry:
**
**   hash = lower-case hex SHA-256 of  prev_hash || encoding
**
** prev_hash is the 64 lower-case hex characters of the previous entry's
** hash in the village (seq - 1), or 64 '0' characters for seq 1.  The
** encoding is the concatenation of these 21 fields, in this order, each
** written as  <decimal byte length> ':' <bytes> '\n' :
**
**    1 the literal text "jifen-ledger-v1"
**    2 village_id      3 seq            4 household_id   5 kind
**    6 item_id         7 item_code      8 version_id     9 month (YYYY-MM)
**   10 date (YYYY-MM-DD)               11 quantity      12 points
**   13 approval_id    14 entry_id      15 correction_of 16 reason
**   17 recorded_by    18 note          19 photo         20 posted_at
**   21 the literal text "end"
**
** Integers are written in decimal ASCII: '-' before a negative value, no
** '+', no leading zeros, zero as "0".  An absent id (SQL NULL) is written
** as 0 (ids start at 1).  Text is the stored UTF-8 bytes exactly, absent
** text as the empty string.  The length prefix makes the encoding
** unambiguous whatever bytes a text holds.  posted_at is unix seconds.
** Example (field 4 = household 17): "2:17\n".
**
** Return convention: 0 done; 1 rejected (Chinese messages in errs, nothing
** written); -1 database error (db_errmsg), nothing written.
*/
#ifndef JIFEN_LEDGER_H
#define JIFEN_LEDGER_H

#include <stdint.h>

#include "audit.h"
#include "db.h"
#include "util.h"
#include "village.h"

#define LEDGER_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* What a ledger entry is.  Stored, and hashed (field 5), as its word. */
enum ledger_kind {
	LEDGER_SCORE,        /* "score": an approved entry of a sheet */
	LEDGER_CORRECTION,   /* "correction": of a score entry, by its points */
	LEDGER_REDEMPTION,   /* "redemption": points spent at the points shop */
	LEDGER_YEAREND,      /* "yearend": the village's year-end rule applied */
	LEDGER_ADJUST,       /* "adjust" */
	LEDGER_KIND_UNKNOWN  /* a stored word none of the above: verify finds its hash wrong */
};
/* The stored word of k ("" for LEDGER_KIND_UNKNOWN). */
const char *ledger_kind_word(enum ledger_kind k);
/* The kind a stored word names. */
enum ledger_kind ledger_kind_of(const char *word);
/* The kind in Chinese: 记分, 更正, 兑换, 年终结转, 调整. */
const char *ledger_kind_label(enum ledger_kind k);
/* Points that count as "scored" in a year: score and correction, not
** redemptions or year end. */
static inline int ledger_kind_scored(enum ledger_kind k)
{
	return k == LEDGER_SCORE || k == LEDGER_CORRECTION;
}

/* One ledger entry.  The fields of the hash, then display fields that
** reads join in (NULL/0 when the read does not). */
struct ledger_entry {
	int64_t id, village_id, seq, household_id;
	enum ledger_kind kind;
	int64_t item_id;           /* 0 none */
	const char *item_code;     /* "" none */
	int64_t version_id;        /* 0 none */
	const char *month;         /* YYYY-MM the points belong to */
	const char *date;          /* YYYY-MM-DD */
	int64_t quantity;          /* corrections: 0 */
	int64_t points;
	int64_t approval_id;       /* score: the approval; else 0 */
	int64_t entry_id;          /* score: the sheet entry; else 0 */
	int64_t correction_of;     /* correction: the corrected entry; else 0 */
	const char *reason;        /* correction: why; else "" */
	const char *recorded_by;   /* login of the scorer / the one correcting */
	const char *note;          /* "" none */
	const char *photo;         /* evidence hash or "" */
	int64_t posted_at;
	char prev_hash[65];
	char hash[65];
	/* joined for display */
	const char *item_name, *category;
	const char *household_code, *household_name;
	const char *meeting_date;  /* of the approval (score) */
	int veto;                  /* the item is a veto item */
	int64_t corrected;         /* score: sum of the points of its corrections */
};

/* Append the canonical encoding of e (above; not prev_hash) to b. */
void ledger_encode(buf *b, const struct ledger_entry *e);
/* out = hex SHA-256(prev_hash || ledger_encode(e)). */
void ledger_entry_hash(const struct ledger_entry *e, const char *prev_hash, char out[65]);

/* ---- posting ----------------------------------------------------------------- */

/* A batch of entries posted to one village's chain inside the caller's
** write transaction.  ledger_batch_begin() takes the village's chain head
** with a row lock (UPDATE ledger_head … on PostgreSQL: concurrent postings
** of one village wait for each other; other villages do not).  Every add
** computes the hash and streams the entry into the bulk loader (db_copy:
** COPY on PostgreSQL), so between the first add and ledger_batch_finish()
** no other statement may run on the connection (reading rows already
** fetched is fine).  Balance and year changes are summed in memory, and
** ledger_batch_finish() ends the load, writes them with one upsert per
** household (and per household and year) and moves the chain head.
** Nothing is visible to others before the caller commits; on any error the
** caller calls ledger_batch_abort() and rolls back. */
struct ledger_batch;
/* Returns the batch (arena memory) or NULL on a database error. */
struct ledger_batch *ledger_batch_begin(db *d, arena *a, int64_t village_id);
/* Add e (village_id, household_id, kind, item …, points, posted_at set by
** the caller; seq, prev_hash, hash are filled in here).  veto: the entry's
** item is a veto item (marks household_year.veto for the year of e->month
** when the points stand).  Returns 0 or -1. */
int ledger_batch_add(struct ledger_batch *b, struct ledger_entry *e, int veto);
/* Write balances, years and the head.  *first_seq, *last_seq and head receive
** the range posted (0/0 when nothing) and the new head (may be NULL).
** Returns 0 or -1. */
int ledger_batch_finish(struct ledger_batch *b, int64_t *first_seq, int64_t *last_seq,
			char head[65]);

/* Give up a batch (before rolling back): ends the bulk load, frees it. */
void ledger_batch_abort(struct ledger_batch *b);

/* ledger_post_sheet(): post every entry of sheet_id of village_id (in
** entry id order) as "score" entries of approval approval_id, posted at
** posted_at, inside the caller's write transaction (sheet_approve()).
** *count, *points receive how many and their sum; the range and head as
** for ledger_batch_finish.  Returns 0 or -1. */
int ledger_post_sheet(db *d, arena *a, int64_t village_id, int64_t sheet_id,
		      int64_t approval_id, int64_t posted_at, int64_t *count, int64_t *points,
		      int64_t *first_seq, int64_t *last_seq, char head[65]);

/* ledger_correct(): reverse amount points (≥ 1, in absolute value) of the
** score entry entry_id of village v, with a reason (required, ≤ 500
** characters): a new "correction" entry of -amount (of +amount when the
** original is a deduction), same household, item, version, month and date,
** linked by correction_of.  Refused when the entry is unknown, not a score
** entry, or amount exceeds what is left of it after earlier corrections.
** When a veto item's entry is reversed in full and no other veto entry of
** that household and year stands, the year's veto mark is lifted.  Own
** write transaction, audited ("ledger.correct").  Returns 0 (*out, arena,
** when out is not NULL), 1, -1. */
int ledger_correct(db *d, arena *a, const struct actor *who, const struct village *v,
		   int64_t entry_id, int64_t amount, const char *reason, errlist *errs,
		   struct ledger_entry **out);
/* ledger_correct inside the caller's write transaction (an upheld
** objection posts its correction with the decision); the caller rolls
** back on 1 or -1. */
int ledger_correct_tx(db *d, arena *a, const struct actor *who, const struct village *v,
		      int64_t entry_id, int64_t amount, const char *reason, errlist *errs,
		      struct ledger_entry **out);

/* The condition of a standing veto entry, for a query FROM ledger_entry le
** JOIN standard_item i ON i.id = le.item_id: a score entry of a veto item,
** of a month in $from..$to (db_bind_year_months() binds a year), whose
** points its corrections have not reversed in full.  The one text of that
** rule for its three readers: whether a household's veto still stands
** (ledger.c), why a household cannot redeem (redemption.c) and why it
** cannot be rated (honour.c). */
#define LEDGER_VETO_STANDING " le.kind = 'score' AND i.veto = 1" \
	" AND le.month >= $from AND le.month <= $to AND le.points +" \
	" (SELECT COALESCE(SUM(c.points), 0) FROM ledger_entry c WHERE c.correction_of = le.id)" \
	" <> 0"

/* ---- reading ------------------------------------------------------------------- */

/* ledger_entry_get(): entry id of village_id with display fields.
** Returns 0, 1 none (or another village's), -1. */
int ledger_entry_get(db *d, arena *a, int64_t village_id, int64_t id, struct ledger_entry **out);

/* ledger_village_recent(): the village's entries of every household, the
** latest date first (then seq), limit from offset, with the display
** columns (household code and name included).  0 or -1. */
int ledger_village_recent(db *d, arena *a, int64_t village_id, int offset, int limit,
			  struct ledger_entry **rows, int *n);

/* ledger_household_entries(): the household's entries (of village_id),
** newest first (date, then seq), rows [offset, offset+limit), with display
** fields (item name, approval meeting date, corrected sums).  *total the
** count of all.  Returns 0 or -1. */
int ledger_household_entries(db *d, arena *a, int64_t village_id, int64_t household_id,
			     int offset, int limit, struct ledger_entry **rows, int *n,
			     int64_t *total);

/* ledger_household_entries_after(): the page of ledger_household_entries()
** that follows the household's entry after (an entry id; 0: the newest
** first) in the same order, keyed by that entry's (date, seq): at most
** limit rows into *rows, *more 1 when rows follow them (the next page:
** after = the last row's id).  Entries posted between two pages never
** repeat a row or hide one.  ledger_page.c.  0; 1 when after is not an
** entry of this household; -1 on an error. */
int ledger_household_entries_after(db *d, arena *a, int64_t village_id, int64_t household_id,
				   int64_t after, int limit, struct ledger_entry **rows, int *n,
				   int *more);

/* ledger_passbook_entries(): the same rows with only what a passbook shows
** (no hashes, recorded_by, posted_at, household or meeting fields), read
** from the index ledger_passbook alone; no count (the caller has
** ledger_household_summary's in the same snapshot).  Returns 0 or -1. */
int ledger_passbook_entries(db *d, arena *a, int64_t village_id, int64_t household_id,
			    int offset, int limit, struct ledger_entry **rows, int *n);

/* A household's figures for the passbook, as of today (YYYY-MM-DD). */
struct ledger_summary {
	int64_t balance;         /* household_balance (0 when none) */
	int64_t year_points;     /* points scored in today's calendar year */
	int64_t quarter_points;  /* points of the months of today's quarter */
	int veto;                /* a veto item stands this year */
	int64_t entries;         /* ledger entries of the household */
};
int ledger_household_summary(db *d, int64_t village_id, int64_t household_id, const char *today,
			     struct ledger_summary *out);

/* One row of `jifen balances`: every participating household of the
** village, ordered by code (shorter first). */
struct ledger_balance {
	int64_t household_id;
	const char *code, *name;
	int64_t balance, year_points;
	int veto;
};
/* The rows of the balances CSV (`household,name,balance,year_points`,
** INTERFACES.md; the header is the caller's) through the one CSV writer:
** the web's balances.csv and `jifen balances` write the same cells. */
struct csv_out;
void ledger_balances_csv(struct csv_out *w, const struct ledger_balance *rows, int n);
/* ledger_balances(): rows for village_id with year_points of year, read
** in one snapshot of its own (not inside a transaction).  0 or -1. */
int ledger_balances(db *d, arena *a, int64_t village_id, int year, struct ledger_balance **rows,
		    int *n);
/* ledger_balances_after(): the next at most limit rows of ledger_balances()
** in its order, after the household code after (NULL: from the first),
** into *rows (arena a), *n of them (fewer than limit: the last page).
** Each page is its own statement, not one snapshot: a page shows the
** balances as they are when it is read.  ledger_page.c.  0 or -1. */
int ledger_balances_after(db *d, arena *a, int64_t village_id, int year, const char *after,
			  int limit, struct ledger_balance **rows, int *n);

/* The chain head of village_id: *seq (0 when empty) and hash (the genesis
** value when empty).  Returns 0 or -1. */
int ledger_head(db *d, int64_t village_id, int64_t *seq, char hash[65]);

/* ledger_verify(): recompute the hash chain of village_id (0: every
** village) entry by entry, check the head, and check that every stored
** balance, yearly total and veto mark equals what the entries give.  The
** first problem found goes into errs as one Chinese line, e.g.
**   积分台账第 1234 条（村 zhangma，序号 56）哈希不符
**   农户 zhangma-001（村 zhangma）积分余额 35 与台账合计 30 不符
** (N is the entry's id).  *checked receives the number of entries checked
** (may be NULL).  Reads in one transaction so a concurrent posting cannot
** make it see half.  Returns 0 intact, 1 not intact, -1 error. */
int ledger_verify(db *d, arena *a, int64_t village_id, errlist *errs, int64_t *checked);

/* ledger_seal_legacy(): after the upgrade to schema 014, start the audit
** chain over the rows written before it (audit_chain_start) and record
** the content hash of every village standard version adopted before it
** ('standard.seal' rows), in one write transaction; nothing when the
** chain has started.  Run after db_migrate() by every command.  0 or -1. */
int ledger_seal_legacy(db *d);

#endif
