/*
** audit.c — recording changes in the append-only audit table, and the
** audit log's hash chain.  Callers record inside the transaction of the
** change itself, so a change and its audit row commit or roll back
** together.  Every row goes through audit_seal(): it takes the next seq
** from the chain head (audit_head, locked by an UPDATE), hashes the row
** with the previous row's hash, and the head moves in the same
** transaction.  audit_verify() walks the chain for `jifen verify`.
*/
#include "audit.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char audit_genesis[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* One audit row as it is hashed: seq (for rows before schema 014, the
** id), and the columns of the table. */
struct audit_fields {
	int64_t seq, at, account_id, village_id;
	const char *login, *ip, *action, *object, *before, *after;
};

/* Append the canonical encoding of row f to b (docs/ledger.md). */
static void audit_encode(buf *b, const struct audit_fields *f)
{
	buf_field(b, "jifen-audit-v1");
	buf_field_int(b, f->seq);
	buf_field_int(b, f->at);
	buf_field_int(b, f->account_id);
	buf_field(b, f->login);
	buf_field(b, f->ip);
	buf_field_int(b, f->village_id);
	buf_field(b, f->action);
	buf_field(b, f->object);
	buf_field(b, f->before);
	buf_field(b, f->after);
	buf_field(b, "end");
}

/* out = hex SHA-256(prev || audit_encode(f)); scratch is reused. */
static void audit_hash(buf *scratch, const char *prev, const struct audit_fields *f,
		       char out[65])
{
	scratch->len = 0;
	buf_append(scratch, prev, 64);
	audit_encode(scratch, f);
	sha256_hex(scratch->p, scratch->len, out);
}

/* Lock the chain head (creating it at the first row) and read it into
** *seq and head.  Inside the caller's write transaction.  0 or -1. */
static int head_lock(db *d, int64_t *seq, char head[65])
{
	for (int attempt = 0; attempt < 2; attempt++) {
		db_stmt *s = db_prepare(d, "UPDATE audit_head SET seq = seq WHERE id = 1"
					   " RETURNING seq, hash");
		int st = s ? db_step(s) : DB_ERROR;
		if (st == DB_ROW) {
			*seq = db_column_int(s, 0);
			snprintf(head, 65, "%s", db_column_text(s, 1));
			db_reset(s);
			return 0;
		}
		if (st != DB_DONE)
			return -1;
		s = db_prepare(d, "INSERT INTO audit_head(id, seq, hash) VALUES(1, 0, $g)"
				  " ON CONFLICT (id) DO NOTHING");
		if (!s || db_bind_text(s, "$g", audit_genesis) || db_step(s) != DB_DONE)
			return -1;
	}
	return -1;
}

static int head_store(db *d, int64_t seq, const char *head)
{
	db_stmt *s = db_prepare(d, "UPDATE audit_head SET seq = $s, hash = $h WHERE id = 1");
	return s && !db_bind_int(s, "$s", seq) && !db_bind_text(s, "$h", head) &&
			       db_step(s) == DB_DONE
		       ? 0
		       : -1;
}

/* Insert row f (f->seq already the next seq) with its hash. */
static int insert_row(db *d, const struct audit_fields *f, const char *hash)
{
	db_stmt *s = db_prepare(d,
		"INSERT INTO audit(at, account_id, login, ip, village_id, action, object,"
		" before_json, after_json, seq, hash)"
		" VALUES($at, $acc, $login, $ip, $village, $action, $object, $before, $after,"
		" $seq, $hash)");
	if (!s)
		return -1;
	db_bind_int(s, "$at", f->at);
	db_bind_int_or_null(s, "$acc", f->account_id);
	db_bind_text(s, "$login", f->login);
	db_bind_text(s, "$ip", f->ip);
	db_bind_int_or_null(s, "$village", f->village_id);
	db_bind_text(s, "$action", f->action);
	db_bind_text(s, "$object", f->object);
	db_bind_text(s, "$before", f->before);
	db_bind_text(s, "$after", f->after);
	db_bind_int(s, "$seq", f->seq);
	db_bind_text(s, "$hash", hash);
	return db_step(s) == DB_DONE ? 0 : -1;
}

/* End the transaction a function began itself (own): commit when rc is
** 0, else roll back.  Returns rc, or -1 when the commit failed. */
static int own_end(db *d, int own, int rc)
{
	if (!own)
		return rc;
	if (!rc && db_commit(d))
		rc = -1;
	if (rc)
		db_rollback(d);
	return rc;
}

/* The one way a row enters the audit table: chained after the head, in
** the caller's transaction (its own when none is open, so a security
** event outside any change is one short write transaction).  0 or -1. */
static int audit_seal(db *d, struct audit_fields *f)
{
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d))
		return -1;
	char head[65], hash[65];
	buf scratch = {0};
	int rc = head_lock(d, &f->seq, head);
	if (!rc) {
		f->seq++;
		audit_hash(&scratch, head, f, hash);
		rc = insert_row(d, f, hash) || head_store(d, f->seq, hash) ? -1 : 0;
	}
	buf_free(&scratch);
	return own_end(d, own, rc);
}

/* At most AUDIT_TEXT_MAX bytes of s (NULL: ""), cut at a character
** boundary, into out: a login, address or object name from a request
** (a denied request's 28 KB path once went whole into its row). */
enum { AUDIT_TEXT_MAX = 256 };
static const char *bounded(char out[AUDIT_TEXT_MAX + 1], const char *s)
{
	size_t n = s ? strnlen(s, AUDIT_TEXT_MAX + 1) : 0;
	if (n <= AUDIT_TEXT_MAX)
		return s ? s : "";
	n = AUDIT_TEXT_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = 0;
	return out;
}

int audit_commit_change(db *d, const struct actor *who, int64_t village_id, const char *action,
			const char *kind, int64_t id, const char *before, const char *after)
{
	char obj[96];
	snprintf(obj, sizeof obj, "%.60s:%lld", kind, (long long)id);
	if (audit_record(d, who, village_id, action, obj, before, after) || db_commit(d))
		return -1;
	return 0;
}

int audit_commit_json(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *kind, int64_t id, buf *js)
{
	int rc = audit_commit_change(d, who, village_id, action, kind, id, NULL, buf_cstr(js));
	buf_free(js);
	return rc;
}

int audit_record(db *d, const struct actor *who, int64_t village_id, const char *action,
		 const char *object, const char *before, const char *after)
{
	char login[AUDIT_TEXT_MAX + 1], ip[AUDIT_TEXT_MAX + 1], obj[AUDIT_TEXT_MAX + 1];
	struct audit_fields f = {
		.at = now_unix(),
		.account_id = who->account_id,
		.village_id = village_id,
		.login = bounded(login, who->login),
		.ip = bounded(ip, who->ip),
		.action = action,
		.object = bounded(obj, object),
		.before = before,
		.after = after,
	};
	return audit_seal(d, &f);
}

int audit_security_event(db *d, const struct actor *who, int64_t village_id,
			 const char *action, const char *object, const char *after, int anonymous)
{
	if (!anonymous)
		return audit_record(d, who, village_id, action, object, NULL, after);
	int own = !db_in_transaction(d);
	if (own && db_begin_write(d))
		return -1;
	int64_t minute = now_unix() / 60;
	char ip[AUDIT_TEXT_MAX + 1];
	db_stmt *s = db_prepare(d, "INSERT INTO audit_tally(ip, action, minute, count)"
				   " VALUES($ip, $action, $m, 1) ON CONFLICT (ip, action, minute)"
				   " DO UPDATE SET count = audit_tally.count + 1 RETURNING count");
	int rc = -1;
	if (s && !db_bind_text(s, "$ip", bounded(ip, who->ip)) &&
	    !db_bind_text(s, "$action", action) && !db_bind_int(s, "$m", minute) &&
	    db_step(s) == DB_ROW) {
		int64_t count = db_column_int(s, 0);
		db_reset(s);
		rc = 0;
		if (count == 1) {
			/* the minute's first: its audit row, and yesterday's tallies go */
			rc = audit_record(d, who, village_id, action, object, NULL, after);
			s = db_prepare(d, "DELETE FROM audit_tally WHERE minute < $old");
			if (!rc && (!s || db_bind_int(s, "$old", minute - 1440) ||
				    db_step(s) != DB_DONE))
				rc = -1;
		}
	}
	return own_end(d, own, rc);
}

/* ---- many rows at once -------------------------------------------------- */

struct audit_batch {
	db *d;
	db_copy *copy;
	const struct actor *who;
	int64_t at, seq;
	char head[65];
	buf scratch;
	int failed;
};

struct audit_batch *audit_batch_begin(db *d, arena *a, const struct actor *who)
{
	static const char *const cols[] = {"at", "account_id", "login", "ip", "village_id",
					   "action", "object", "before_json", "after_json",
					   "seq", "hash"};
	struct audit_batch *b = arena_alloc(a, sizeof *b);
	memset(b, 0, sizeof *b);
	b->d = d;
	b->who = who;
	b->at = now_unix();
	if (head_lock(d, &b->seq, b->head))
		return NULL;
	b->copy = db_copy_begin(d, "audit", cols, (int)(sizeof cols / sizeof cols[0]));
	return b->copy ? b : NULL;
}

int audit_batch_add(struct audit_batch *b, int64_t village_id, const char *action,
		    const char *object, const char *before, const char *after)
{
	if (b->failed)
		return -1;
	struct audit_fields f = {
		.seq = b->seq + 1,
		.at = b->at,
		.account_id = b->who->account_id,
		.village_id = village_id,
		.login = b->who->login ? b->who->login : "",
		.ip = b->who->ip ? b->who->ip : "",
		.action = action,
		.object = object ? object : "",
		.before = before,
		.after = after,
	};
	char hash[65], at[24], acc[24], vid[24], seq[24];
	audit_hash(&b->scratch, b->head, &f, hash);
	snprintf(at, sizeof at, "%lld", (long long)f.at);
	snprintf(acc, sizeof acc, "%lld", (long long)f.account_id);
	snprintf(vid, sizeof vid, "%lld", (long long)village_id);
	snprintf(seq, sizeof seq, "%lld", (long long)f.seq);
	const char *vals[] = {at,	 f.account_id ? acc : NULL, f.login, f.ip,
			      village_id ? vid : NULL, action, f.object, before, after, seq, hash};
	if (db_copy_row(b->copy, vals)) {
		b->failed = 1;
		return -1;
	}
	b->seq = f.seq;
	memcpy(b->head, hash, 65);
	return 0;
}

int audit_batch_end(struct audit_batch *b)
{
	if (!b)
		return -1;
	int rc = db_copy_end(b->copy) || b->failed ? -1 : 0;
	buf_free(&b->scratch);
	if (!rc)
		rc = head_store(b->d, b->seq, b->head);
	return rc;
}

/* ---- the rows written before the chain ---------------------------------- */

#define AUDIT_ROW_COLS "id, at, COALESCE(account_id, 0), login, ip, COALESCE(village_id, 0)," \
		       " action, object, before_json, after_json"

/* f from the current row of a statement selecting AUDIT_ROW_COLS first;
** texts valid until the next step. */
static void fields_from_row(db_stmt *s, struct audit_fields *f)
{
	f->seq = db_column_int(s, 0);
	f->at = db_column_int(s, 1);
	f->account_id = db_column_int(s, 2);
	f->login = db_column_text(s, 3);
	f->ip = db_column_text(s, 4);
	f->village_id = db_column_int(s, 5);
	f->action = db_column_text(s, 6);
	f->object = db_column_text(s, 7);
	f->before = db_column_text(s, 8);
	f->after = db_column_text(s, 9);
}

/* The rows without a seq (written before schema 014), in id order: their
** number, the last id and the hex SHA-256 over "jifen-audit-legacy-v1\n"
** and the encoding of each (its id in place of seq).  0 or -1. */
static int legacy_digest(db *d, int64_t *rows, int64_t *last_id, char out[65])
{
	db_stmt *s = db_prepare(d, "SELECT " AUDIT_ROW_COLS " FROM audit WHERE seq IS NULL"
				   " ORDER BY id");
	if (!s)
		return -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		abort();
	EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, "jifen-audit-legacy-v1\n", 22);
	buf b = {0};
	int st;
	*rows = *last_id = 0;
	while ((st = db_step(s)) == DB_ROW) {
		struct audit_fields f;
		fields_from_row(s, &f);
		b.len = 0;
		audit_encode(&b, &f);
		EVP_DigestUpdate(ctx, b.p, b.len);
		(*rows)++;
		*last_id = f.seq;
	}
	unsigned char md[32];
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	buf_free(&b);
	hex_encode(md, 32, out);
	return st == DB_DONE ? 0 : -1;
}

int audit_chain_pending(db *d)
{
	db_stmt *s = db_prepare(d, "SELECT seq FROM audit_head WHERE id = 1");
	int st = s ? db_step(s) : DB_ERROR;
	int64_t seq = st == DB_ROW ? db_column_int(s, 0) : 0;
	if (s)
		db_reset(s);
	if (st == DB_ERROR)
		return -1;
	if (seq > 0)
		return 0;
	s = db_prepare(d, "SELECT COUNT(*) FROM (SELECT 1 FROM audit WHERE seq IS NULL LIMIT 1) x");
	if (!s || db_step(s) != DB_ROW)
		return -1;
	int64_t any = db_column_int(s, 0);
	db_reset(s);
	return any ? 1 : 0;
}

int audit_chain_start(db *d, int *started)
{
	*started = 0;
	int pending = audit_chain_pending(d);
	if (pending <= 0)
		return pending;
	int64_t rows, last;
	char digest[65];
	if (legacy_digest(d, &rows, &last, digest))
		return -1;
	char after[160];
	snprintf(after, sizeof after,
		 "{\"legacy_rows\":%lld,\"legacy_last_id\":%lld,\"legacy_digest\":\"%s\"}",
		 (long long)rows, (long long)last, digest);
	struct actor who = {0, "cli", ""};
	if (audit_record(d, &who, 0, "audit.chain_start", "audit", NULL, after))
		return -1;
	*started = 1;
	return 0;
}

/* ---- verify -------------------------------------------------------------- */

/* The chain start row (seq 1) against the rows before the chain: same
** number, last id and digest.  0, 1, -1. */
static int check_legacy(db *d, const char *start_after, errlist *errs)
{
	int64_t rows, last;
	char digest[65];
	if (legacy_digest(d, &rows, &last, digest))
		return -1;
	if (!rows && !start_after)
		return 0;
	json_t *j = start_after ? json_loads(start_after, 0, NULL) : NULL;
	json_int_t want_rows = json_integer_value(json_object_get(j, "legacy_rows"));
	json_int_t want_last = json_integer_value(json_object_get(j, "legacy_last_id"));
	const char *want = json_string_value(json_object_get(j, "legacy_digest"));
	int ok = j && rows == want_rows && last == want_last && want && !strcmp(want, digest);
	json_decref(j);
	if (ok)
		return 0;
	if (!start_after)
		errlist_add(errs, "审计日志有 %lld 条不在哈希链上的记录（最后一条第 %lld 条），"
				  "链起点却没有记下它们",
			    (long long)rows, (long long)last);
	else
		errlist_add(errs, "哈希链之前的审计日志（现有 %lld 条，最后第 %lld 条）与链起点的"
				  "存证（%lld 条，最后第 %lld 条）不符：有记录被删除、修改或后来写入",
			    (long long)rows, (long long)last, (long long)want_rows,
			    (long long)want_last);
	return 1;
}

int audit_verify(db *d, errlist *errs, int64_t *checked)
{
	db_stmt *s = db_prepare(d, "SELECT seq, at, COALESCE(account_id, 0), login, ip,"
				   " COALESCE(village_id, 0), action, object, before_json, after_json,"
				   " hash, id FROM audit WHERE seq IS NOT NULL ORDER BY seq");
	if (!s)
		return -1;
	char prev[65], hash[65];
	memcpy(prev, audit_genesis, 65);
	int64_t expect = 1;
	char *start_after = NULL;
	buf scratch = {0};
	int rc = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		struct audit_fields f;
		fields_from_row(s, &f);
		int64_t id = db_column_int(s, 11);
		if (f.seq != expect) {
			errlist_add(errs, "审计日志第 %lld 条（序号 %lld）之前缺少序号 %lld：有记录被删除",
				    (long long)id, (long long)f.seq, (long long)expect);
			rc = 1;
			break;
		}
		audit_hash(&scratch, prev, &f, hash);
		if (strcmp(hash, db_column_text(s, 10))) {
			errlist_add(errs, "审计日志第 %lld 条（序号 %lld）哈希不符", (long long)id,
				    (long long)f.seq);
			rc = 1;
			break;
		}
		if (f.seq == 1 && !strcmp(f.action, "audit.chain_start"))
			start_after = strdup(f.after ? f.after : "");
		memcpy(prev, hash, 65);
		expect++;
		if (checked)
			(*checked)++;
	}
	db_reset(s);
	buf_free(&scratch);
	if (!rc && st != DB_DONE && st != DB_ROW)
		rc = -1;
	if (!rc) {
		s = db_prepare(d, "SELECT seq, hash FROM audit_head WHERE id = 1");
		st = s ? db_step(s) : DB_ERROR;
		if (st == DB_ERROR)
			rc = -1;
		else {
			int64_t hseq = st == DB_ROW ? db_column_int(s, 0) : 0;
			const char *hh = st == DB_ROW ? db_column_text(s, 1) : audit_genesis;
			if (hseq != expect - 1 || strcmp(hh, prev)) {
				errlist_add(errs, "审计日志的链头（序号 %lld）与最后一条（序号 %lld）不符",
					    (long long)hseq, (long long)(expect - 1));
				rc = 1;
			}
			db_reset(s);
		}
	}
	if (!rc)
		rc = check_legacy(d, start_after, errs);
	free(start_after);
	return rc;
}

int audit_list(db *d, arena *a, int64_t village_id, int64_t before, struct audit_row **rows,
	       int *n)
{
	return audit_search(d, a, village_id, before, NULL, rows, n);
}

int audit_search(db *d, arena *a, int64_t village_id, int64_t before,
		 const struct audit_filter *f, struct audit_row **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d,
		"SELECT a.id, a.at, a.login, a.ip, a.action, a.object, a.before_json, a.after_json,"
		"       v.code"
		"  FROM audit a LEFT JOIN village v ON v.id = a.village_id"
		" WHERE a.id < $before AND (CAST($v AS BIGINT) = 0 OR a.village_id = CAST($v AS BIGINT))"
		"   AND ($login = '' OR a.login = $login)"
		"   AND ($object = '' OR a.object = $object OR a.login = $actor)"
		"   AND ($kind = '' OR a.action LIKE $kind)"
		" ORDER BY a.id DESC LIMIT 100");
	if (!s || db_bind_int(s, "$before", before) || db_bind_int(s, "$v", village_id) ||
	    db_bind_text(s, "$login", f && f->login ? f->login : "") ||
	    db_bind_text(s, "$object", f && f->object ? f->object : "") ||
	    db_bind_text(s, "$actor", f && f->actor ? f->actor : "") ||
	    db_bind_text(s, "$kind", f && f->action_like ? f->action_like : ""))
		return -1;
	struct audit_row *out = arena_alloc(a, AUDIT_PAGE * sizeof *out);
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < AUDIT_PAGE) {
		struct audit_row *x = &out[(*n)++];
		x->id = db_column_int(s, 0);
		x->at = db_column_int(s, 1);
		x->login = arena_strdup(a, db_column_text(s, 2));
		x->ip = arena_strdup(a, db_column_text(s, 3));
		x->action = arena_strdup(a, db_column_text(s, 4));
		x->object = arena_strdup(a, db_column_text(s, 5));
		x->before = arena_strdup(a, db_column_text(s, 6));
		x->after = arena_strdup(a, db_column_text(s, 7));
		x->village_code = arena_strdup(a, db_column_text(s, 8));
	}
	db_reset(s);
	*rows = out;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}
