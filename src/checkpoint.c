/*
** checkpoint.c — the ledgers' signed checkpoints (checkpoint.h): signing
** and storing one, reading them, and `jifen verify`'s checks of every
** checkpoint and announcement — stored, and in the signing log beside the
** key — against the ledger's Merkle tree recomputed from the entries.
*/
#include "checkpoint.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "announcement.h"
#include "ledger_tree.h"
#include "merkle.h"
#include "signing.h"

static void b64(const uint8_t h[32], char out[45])
{
	sodium_bin2base64(out, 45, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

#define CP_COLS "id, village_id, size, root, note, signed_at"

static void cp_from_row(db_stmt *s, arena *a, void *row)
{
	struct ledger_checkpoint *c = row;
	c->id = db_column_int(s, 0);
	c->village_id = db_column_int(s, 1);
	c->size = db_column_int(s, 2);
	c->root = db_column_dup(s, 3, a);
	c->note = db_column_dup(s, 4, a);
	c->signed_at = db_column_int(s, 5);
}

int checkpoint_sign(db *d, arena *a, const struct note_signer *key, const struct village *v,
		    int64_t size, struct ledger_checkpoint **out)
{
	struct ledger_checkpoint *c = arena_alloc(a, sizeof *c);
	db_stmt *s = db_prepare(d, "SELECT " CP_COLS " FROM ledger_checkpoint"
				   " WHERE village_id = $v AND size = $size");
	int st;
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$size", size) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st == DB_ROW) {
		cp_from_row(s, a, c);
		db_reset(s);
		*out = c;
		return 0;
	}
	uint8_t root[32];
	int rrc = ledger_tree_root(d, v->id, size, root);
	if (rrc) {
		if (rrc > 0)
			db_set_error(d, "村 %s 的默克尔树少于台账的 %lld 条", v->code, (long long)size);
		return -1;
	}
	struct checkpoint cp = {signing_village_origin(a, key->name, v->code), (uint64_t)size, {0},
				""};
	memcpy(cp.root, root, 32);
	char *note, root64[45];
	int nrc = note_sign_logged(a, signing_key_path(), checkpoint_format(a, &cp), key, &note);
	if (nrc) {
		db_set_error(d, "检查点签名失败（签名记录 %s）: %s",
			     note_log_path(a, signing_key_path()), note_strerror(nrc));
		return -1;
	}
	b64(root, root64);
	c->village_id = v->id;
	c->size = size;
	c->root = arena_strdup(a, root64);
	c->note = note;
	c->signed_at = now_unix();
	s = db_prepare(d, "INSERT INTO ledger_checkpoint(village_id, size, root, note, signed_at)"
			  " VALUES($v, $size, $root, $note, $at) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$size", size) ||
	    db_bind_text(s, "$root", c->root) || db_bind_text(s, "$note", note) ||
	    db_bind_int(s, "$at", c->signed_at) || db_step(s) != DB_ROW)
		return -1;
	c->id = db_column_int(s, 0);
	db_reset(s);
	*out = c;
	return 0;
}

int checkpoint_list(db *d, arena *a, int64_t village_id, struct ledger_checkpoint **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " CP_COLS " FROM ledger_checkpoint"
				   " WHERE village_id = $v ORDER BY size");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	return db_read_rows(s, a, sizeof **rows, cp_from_row, rows, n);
}

/* Append the cosignature lines of c to its note.  0 or -1. */
static int with_cosignatures(db *d, arena *a, struct ledger_checkpoint *c)
{
	db_stmt *s = db_prepare(d, "SELECT line FROM checkpoint_cosignature"
				   " WHERE checkpoint_id = $cp ORDER BY id");
	if (!s || db_bind_int(s, "$cp", c->id))
		return -1;
	buf b = {0};
	buf_puts(&b, c->note);
	int st;
	while ((st = db_step(s)) == DB_ROW)
		buf_puts(&b, db_column_text(s, 0));
	c->note = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return st == DB_DONE ? 0 : -1;
}

int checkpoint_get(db *d, arena *a, int64_t village_id, int64_t size,
		   struct ledger_checkpoint **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " CP_COLS " FROM ledger_checkpoint"
				   " WHERE village_id = $v AND size = $size");
	int st;
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$size", size) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st != DB_ROW)
		return 1;
	struct ledger_checkpoint *c = arena_alloc(a, sizeof *c);
	cp_from_row(s, a, c);
	db_reset(s);
	if (with_cosignatures(d, a, c))
		return -1;
	*out = c;
	return 0;
}

int checkpoint_latest(db *d, arena *a, int64_t village_id, struct ledger_checkpoint **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT MAX(size) FROM ledger_checkpoint WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_step(s) != DB_ROW)
		return -1;
	int none = db_column_is_null(s, 0);
	int64_t size = db_column_int(s, 0);
	db_reset(s);
	return none ? 1 : checkpoint_get(d, a, village_id, size, out);
}

/* ---- verify -------------------------------------------------------------------- */

/* One checkpoint of the signing log: the village code, the quarter ("" a
** ledger checkpoint), what it says, its text, when it was signed. */
struct logged {
	const char *code, *quarter, *text;
	uint64_t size;
	uint8_t root[32];
	int64_t signed_at;
	int seen; /* matched to a stored announcement */
};

struct log_read {
	arena *a;
	const struct note_verifier *key;
	struct logged *rows;
	int n, cap, bad;
	errlist *errs;
};

/* Open the signed note msg with key as a checkpoint whose origin is under
** the key's name: *code and *quarter ("" for a ledger checkpoint) from the
** origin.  Returns 0, or 1 with the problem (what names the note) in errs. */
static int open_checkpoint(arena *a, const struct note_verifier *key, const char *msg,
			   size_t len, const char *what, struct checkpoint *c, const char **code,
			   const char **quarter, errlist *errs)
{
	struct note_opened o;
	int rc = note_open(a, msg, len, key, 1, &o);
	if (rc == NOTE_ERR_MALFORMED || (!rc && checkpoint_parse(a, o.text, o.text_len, c))) {
		errlist_add(errs, "%s 格式不对", what);
		return 1;
	}
	if (rc) {
		errlist_add(errs, "%s 的签名不是本部署的签名密钥 %s 签的", what, key->name);
		return 1;
	}
	size_t kn = strlen(key->name);
	if (strncmp(c->origin, key->name, kn) || c->origin[kn] != '/' || !c->origin[kn + 1]) {
		errlist_add(errs, "%s 的来源 %s 不属于签名密钥 %s", what, c->origin, key->name);
		return 1;
	}
	const char *rest = c->origin + kn + 1, *slash = strchr(rest, '/');
	*code = slash ? arena_strndup(a, rest, (size_t)(slash - rest)) : rest;
	*quarter = slash ? slash + 1 : "";
	return 0;
}

static int log_each(void *ctx, int64_t signed_at, const char *note, size_t len)
{
	struct log_read *lr = ctx;
	struct checkpoint c;
	const char *code, *quarter;
	char *what = arena_printf(lr->a, "签名记录 %s 里第 %d 条（签于 %s）",
				  note_log_path(lr->a, signing_key_path()), lr->n + 1,
				  time_format(lr->a, signed_at, ""));
	if (open_checkpoint(lr->a, lr->key, note, len, what, &c, &code, &quarter, lr->errs)) {
		lr->bad = 1;
		return 1;
	}
	lr->rows = arena_grow(lr->a, lr->rows, &lr->cap, lr->n, sizeof *lr->rows);
	struct logged *l = &lr->rows[lr->n++];
	l->code = code;
	l->quarter = quarter;
	l->text = checkpoint_format(lr->a, &c);
	l->size = c.size;
	memcpy(l->root, c.root, 32);
	l->signed_at = signed_at;
	return 0;
}

/* Check village v: its stored checkpoints, the log's, its announcements.
** Returns 0, 1 (errs), -1. */
static int verify_village(db *d, arena *a, const struct note_verifier *key,
			  const struct village *v, struct log_read *lr, errlist *errs,
			  int64_t *checked)
{
	struct ledger_checkpoint *cps;
	int ncp;
	if (checkpoint_list(d, a, v->id, &cps, &ncp))
		return -1;
	int cap = ncp + lr->n + 1, nexp = 0;
	struct ledger_tree_expect *exp = arena_alloc(a, (size_t)cap * sizeof *exp);
	for (int i = 0; i < ncp; i++) {
		struct checkpoint c;
		const char *code, *quarter;
		char *what = arena_printf(a, "村 %s 的检查点（%lld 条）", v->code,
					  (long long)cps[i].size);
		if (open_checkpoint(a, key, cps[i].note, strlen(cps[i].note), what, &c, &code,
				    &quarter, errs))
			return 1;
		char root64[45];
		b64(c.root, root64);
		if (strcmp(code, v->code) || *quarter || (int64_t)c.size != cps[i].size ||
		    strcmp(root64, cps[i].root)) {
			errlist_add(errs, "%s 与它签名的内容不符", what);
			return 1;
		}
		exp[nexp].size = cps[i].size;
		memcpy(exp[nexp].root, c.root, 32);
		exp[nexp++].what = what;
	}
	for (int i = 0; i < lr->n; i++) {
		const struct logged *l = &lr->rows[i];
		if (strcmp(l->code, v->code) || *l->quarter)
			continue;
		exp[nexp].size = (int64_t)l->size;
		memcpy(exp[nexp].root, l->root, 32);
		exp[nexp++].what = arena_printf(a, "签名记录里村 %s 的检查点（%llu 条，签于 %s）",
						v->code, (unsigned long long)l->size,
						time_format(a, l->signed_at, ""));
	}
	int rc = ledger_tree_verify(d, a, v, exp, nexp, errs);
	if (rc)
		return rc;
	*checked += nexp;

	/* the announcements: signed, their lines give the signed root, and
	** they are the ones the log holds */
	struct announcement *anns;
	int nann;
	if (announcement_list(d, a, v->id, &anns, &nann))
		return -1;
	for (int i = 0; i < nann; i++) {
		const struct announcement *an = &anns[i];
		struct checkpoint c;
		const char *code, *quarter;
		char *what = arena_printf(a, "村 %s %s 的公示", v->code, an->quarter);
		if (open_checkpoint(a, key, an->note, strlen(an->note), what, &c, &code, &quarter,
				    errs))
			return 1;
		uint8_t root[32];
		int64_t lines;
		if (announcement_root(d, a, an, root, &lines))
			return -1;
		char root64[45];
		b64(c.root, root64);
		if (strcmp(code, v->code) || strcmp(quarter, an->quarter) ||
		    (int64_t)c.size != lines || c.size != (uint64_t)an->households ||
		    memcmp(root, c.root, 32) || strcmp(root64, an->lines_root)) {
			errlist_add(errs, "%s 的公示行与签名的默克尔根不符（公示被改过）", what);
			return 1;
		}
		/* the receipts stored with it, which the passbooks show */
		int64_t receipts = 0;
		int rrc = announcement_verify_receipts(d, a, an, v->code, errs, &receipts);
		if (rrc)
			return rrc;
		int found = 0;
		for (int j = 0; j < lr->n; j++) {
			struct logged *l = &lr->rows[j];
			if (strcmp(l->code, v->code) || strcmp(l->quarter, an->quarter))
				continue;
			l->seen = 1;
			if (l->size != c.size || memcmp(l->root, c.root, 32)) {
				errlist_add(errs, "%s 与签名记录里签过的（签于 %s）不符（公示被重做过）",
					    what, time_format(a, l->signed_at, ""));
				return 1;
			}
			found = 1;
		}
		if (!found && lr->n) {
			errlist_add(errs, "%s 不在签名记录 %s 里", what,
				    note_log_path(a, signing_key_path()));
			return 1;
		}
		(*checked)++;
	}
	for (int j = 0; j < lr->n; j++) {
		const struct logged *l = &lr->rows[j];
		if (!strcmp(l->code, v->code) && *l->quarter && !l->seen) {
			errlist_add(errs, "签名记录里有村 %s %s 的公示（签于 %s），数据库里却没有"
					  "（被删除了）",
				    v->code, l->quarter, time_format(a, l->signed_at, ""));
			return 1;
		}
	}
	return 0;
}

int checkpoint_verify(db *d, arena *a, int64_t village_id, errlist *errs, int64_t *checked)
{
	int64_t dummy = 0;
	if (!checked)
		checked = &dummy;
	*checked = 0;
	struct note_signer s;
	if (access(signing_key_path(), F_OK)) {
		/* no key: fine as long as nothing was ever signed here (a copy of
		** the database without its key, a town that never announced) */
		db_stmt *q = db_prepare(d, "SELECT COUNT(*) FROM ledger_checkpoint");
		if (!q || db_step(q) != DB_ROW)
			return -1;
		int64_t signed_rows = db_column_int(q, 0);
		db_reset(q);
		if (!signed_rows)
			return 0;
	}
	if (signing_key_load(a, &s, errs))
		return 1;
	struct note_verifier key;
	note_signer_verifier(&s, &key);
	note_signer_wipe(&s);
	struct log_read lr = {.a = a, .key = &key, .errs = errs, .cap = 16};
	lr.rows = arena_alloc(a, (size_t)lr.cap * sizeof *lr.rows);
	int lrc = note_log_read(a, signing_key_path(), log_each, &lr);
	if (lr.bad)
		return 1;
	if (lrc) {
		errlist_add(errs, "签名记录 %s 无法读取或被截断: %s",
			    note_log_path(a, signing_key_path()), note_strerror(lrc));
		return 1;
	}
	if (db_begin_snapshot(d))
		return -1;
	int rc = 0, n = 0;
	struct village *list;
	if (village_id) {
		list = village_by_id(d, a, village_id);
		n = list ? 1 : 0;
	} else
		list = village_list(d, a, &n);
	if (!list) {
		if (village_id)
			db_set_error(d, "没有这个村");
		rc = -1;
	}
	for (int i = 0; list && i < n && rc == 0; i++)
		rc = verify_village(d, a, &key, &list[i], &lr, errs, checked);
	/* checkpoints the key signed of villages that are gone */
	for (int j = 0; rc == 0 && list && !village_id && j < lr.n; j++) {
		int known = 0;
		for (int i = 0; list && i < n && !known; i++)
			known = !strcmp(list[i].code, lr.rows[j].code);
		if (!known) {
			errlist_add(errs, "签名记录里有村 %s 的检查点，数据库里却没有这个村",
				    lr.rows[j].code);
			rc = 1;
		}
	}
	db_rollback(d);
	return rc;
}
