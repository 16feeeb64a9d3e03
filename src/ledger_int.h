/*
** ledger_int.h — what ledger.c shares with ledger_verify.c only: the
** hasher of the chain, the columns of an entry row, and the keys of the
** yearly tallies.  Not for other files.
*/
#ifndef JIFEN_LEDGER_INT_H
#define JIFEN_LEDGER_INT_H

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

/* What hashing many entries reuses: the encoding buffer and one digest
** context (OpenSSL 3 allocates a context and looks the algorithm up on
** every one-shot EVP_Digest call). */
struct hasher {
	buf scratch;
	EVP_MD_CTX *ctx;
	EVP_MD_CTX *leaf_ctx; /* the Merkle leaf hash (ledger_tree.h), posting only */
};

void hasher_free(struct hasher *h);
/* out = hex SHA-256(prev_hash || encoding of e). */
void hasher_hash(struct hasher *h, const struct ledger_entry *e, const char *prev_hash,
		 char out[65]);

/* Key of a household's calendar year. */
static inline int64_t year_key(int64_t household_id, int year)
{
	return household_id * 4096 + year;
}

static inline int month_year(const char *month)
{
	return atoi(month);
}

#define ENTRY_COLS "le.id, le.village_id, le.seq, le.household_id, le.kind," \
		   " COALESCE(le.item_id, 0), le.item_code, COALESCE(le.version_id, 0), le.month," \
		   " le.date, le.quantity, le.points, COALESCE(le.approval_id, 0)," \
		   " COALESCE(le.entry_id, 0), COALESCE(le.correction_of, 0), le.reason," \
		   " le.recorded_by, le.note, le.photo, le.posted_at, le.prev_hash, le.hash"
#define ENTRY_NCOLS 22
/* The display columns after ENTRY_COLS (with the joins of DISPLAY_JOINS). */
#define DISPLAY_COLS ", COALESCE(i.name, ''), COALESCE(i.category, ''), h.code, h.head_name," \
		     " a.meeting_date, COALESCE(i.veto, 0)," \
		     " (SELECT COALESCE(SUM(c.points), 0) FROM ledger_entry c" \
		     "  WHERE c.correction_of = le.id)"
#define DISPLAY_JOINS " LEFT JOIN standard_item i ON i.id = le.item_id" \
		      " JOIN household h ON h.id = le.household_id" \
		      " LEFT JOIN approval a ON a.id = le.approval_id"

/* Fill e from the current row: ENTRY_COLS, then DISPLAY_COLS when display. */
void entry_from_row(db_stmt *s, arena *a, struct ledger_entry *e, int display);

/* ---- `jifen verify` (ledger_verify.c, ledger_anchors.c) ---------------- */

/* An item of the village's standards as verify knows it. */
struct verify_item {
	int64_t version_id, points;
	int veto;
	const char *code;
};

/* What the chain says of one approval: its score entries. */
struct verify_approval {
	int64_t count, points, first, last;
	char last_hash[65];
	int matched; /* an approval row was found for it */
};

/* A score entry of the chain as the sheet entries are checked against it. */
struct verify_posted {
	int64_t entry_id, ledger_id;
	uint64_t fp; /* verify_fingerprint() */
	int matched;
};

/* A standard version and its recomputed content hash. */
struct verify_version {
	int64_t id;
	int version;
	char hash[65];
};

/* What the checks of one village share: the sums the chain walk computes,
** which the later checks compare with the stored rows, and the anchors
** they are compared with. */
struct verify {
	db *d;
	arena *a;
	const struct village *v;
	errlist *errs;
	struct imap own;        /* the village's household ids */
	struct imap balance;    /* household → sum of points; flag: has a stored balance */
	struct imap years;      /* year_key → sum of points; flag 1 has entries, 2 stored */
	struct imap veto_net;   /* veto score entry id → net points after corrections */
	struct imap veto_years; /* year_key of a standing veto */
	char prev[65];          /* the hash of the last entry walked */
	int64_t expect_seq;     /* the seq the next entry must have */
	/* ledger_anchors.c */
	struct smap photos;          /* the village's evidence hashes */
	struct imap items;           /* item id → index + 1 into item[] */
	struct verify_item *item;
	int nitem, capitem;
	struct verify_version *ver;  /* the village's standard versions */
	int nver, capver;
	struct imap appr;            /* approval id → index + 1 into ap[] */
	struct verify_approval *ap;
	int nap, capap;
	struct verify_posted *posted; /* the score entries' sheet entries, by entry id */
	int nposted, capposted;
	int posted_unsorted;         /* an entry id came below the one before */
	int64_t last_appr_id;        /* the approval of the entry before, and its index */
	int last_appr;
	struct smap anchors;         /* "sheet:ID" / "standard:ID" → audit after_json (p) */
	unsigned char fp_key[16];    /* this run's key of the fingerprints */
	buf fp_scratch;
};

/* Fingerprint (keyed SipHash, libsodium crypto_shorthash) of what a sheet
** entry and its ledger entry share: e's approval, household, item, code,
** version, date, quantity, points, note, photo and recorder. */
uint64_t verify_fingerprint(struct verify *vf, const struct ledger_entry *e);
/* The checks of ledger_anchors.c, in the order verify_village() runs
** them: each 0, 1 (the problem in errs) or -1. */
int verify_load_evidence(struct verify *vf);
int verify_load_standards(struct verify *vf);
/* One entry of the chain walk, after its hash and household checked: its
** item, points and photo, and what the approvals and sheet entries are
** compared with. */
int verify_entry_anchors(struct verify *vf, const struct ledger_entry *e);
int verify_approvals(struct verify *vf);
int verify_sheet_entries(struct verify *vf);
int verify_standards(struct verify *vf);

#endif
