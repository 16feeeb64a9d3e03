/*
** passbook.c — the household passbook (积分存折): PINs, card tokens, the
** passbook view's data, households' declarations with a photo, and the
** card's host check (its QR code is qr.c's).  See passbook.h for the rules; no HTTP in here.
**
** Secrets are never stored in clear: the PIN as an argon2id hash
** (password_hash, the same as staff passwords), the card token as the
** SHA-256 of its 64 hex characters.  Both are generated from the OS CSPRNG
** and handed to the caller exactly once; the audit log records that they
** changed, never their value.
*/
#include "passbook.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* A household of village_id: *left receives whether it has left and
** *pin_set_at when it is not NULL.  Returns 0, 1 none, -1. */
static int household_state(db *d, int64_t village_id, int64_t household_id, int *left,
			   int64_t *pin_set_at)
{
	db_stmt *s = db_prepare(d, "SELECT left_on, pin_set_at FROM household"
				   " WHERE id=$id AND village_id=$v");
	if (!s || db_bind_int(s, "$id", household_id) || db_bind_int(s, "$v", village_id))
		return -1;
	int rc = db_step_one(s);
	if (rc == 0) {
		*left = !db_column_is_null(s, 0);
		if (pin_set_at)
			*pin_set_at = db_column_int(s, 1);
	}
	db_reset(s);
	return rc;
}

/* Check that household_id is a household of v that has not left (errs
** otherwise).  Returns 0, 1, -1; *pin_set_at as household_state. */
static int household_usable(db *d, const struct village *v, int64_t household_id,
			    int64_t *pin_set_at, errlist *errs)
{
	int left = 0;
	int rc = household_state(d, v->id, household_id, &left, pin_set_at);
	if (rc == 1)
		errlist_add(errs, "本村没有这一户。");
	else if (rc == 0 && left) {
		errlist_add(errs, "这一户已退出积分制，不能再发放 PIN 或积分卡。");
		rc = 1;
	}
	return rc;
}

/* A PIN uniform over 000000–999999: 32 random bits, values at or above the
** largest multiple of 10^6 that fits are drawn again (no modulo bias).
** Returns 0, -1 when the CSPRNG fails. */
static int pin_generate(char pin[PASSBOOK_PIN_DIGITS + 1])
{
	for (int tries = 0; tries < 64; tries++) {
		unsigned char b[4];
		if (random_bytes(b, sizeof b))
			return -1;
		uint32_t x = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		if (x >= 4294000000u)
			continue;
		snprintf(pin, PASSBOOK_PIN_DIGITS + 1, "%06u", (unsigned)(x % 1000000u));
		return 0;
	}
	return -1;
}

/* Store the PIN hash of household_id of v, end its sessions and audit,
** inside the caller's write transaction.  Returns 0, 1 (errs), -1. */
static int pin_store(db *d, const struct actor *who, const struct village *v,
		     int64_t household_id, const char *hash, errlist *errs)
{
	char object[40], before[64], after[64];
	int64_t old = 0, now = now_unix();
	int rc = household_usable(d, v, household_id, &old, errs);
	if (rc)
		return rc;
	db_stmt *s = db_prepare(d, "UPDATE household SET pin_hash=$h, pin_set_at=$now"
				   " WHERE id=$id AND village_id=$v");
	if (!s || db_bind_text(s, "$h", hash) || db_bind_int(s, "$now", now) ||
	    db_bind_int(s, "$id", household_id) || db_bind_int(s, "$v", v->id) ||
	    db_step(s) != DB_DONE)
		return -1;
	/* whoever knew the old PIN is logged out */
	s = db_prepare(d, "DELETE FROM session WHERE household_id=$id");
	if (!s || db_bind_int(s, "$id", household_id) || db_step(s) != DB_DONE)
		return -1;
	snprintf(object, sizeof object, "household:%lld", (long long)household_id);
	if (old)
		snprintf(before, sizeof before, "{\"pin_set_at\":%lld}", (long long)old);
	else
		snprintf(before, sizeof before, "{\"pin_set_at\":null}");
	snprintf(after, sizeof after, "{\"pin_set_at\":%lld}", (long long)now);
	return audit_record(d, who, v->id, "passbook.pin", object, before, after) ? -1 : 0;
}

/* A new PIN into pin and its argon2id hash into hash.  Slow on purpose
** (the hash): callers run it before taking the write lock.  0 or -1. */
static int pin_make(db *d, char pin[PASSBOOK_PIN_DIGITS + 1], char hash[crypto_pwhash_STRBYTES])
{
	if (pin_generate(pin) || password_hash(pin, hash, crypto_pwhash_STRBYTES)) {
		db_set_error(d, "生成 PIN 失败（随机数或内存不足）");
		return -1;
	}
	return 0;
}

int passbook_pin_reset(db *d, const struct actor *who, const struct village *v,
		       int64_t household_id, char pin[PASSBOOK_PIN_DIGITS + 1], errlist *errs)
{
	char hash[crypto_pwhash_STRBYTES];
	if (pin_make(d, pin, hash))
		return -1;
	int rc = db_begin_write(d) ? -1 : pin_store(d, who, v, household_id, hash, errs);
	if (rc == 0 && db_commit(d))
		rc = -1;
	if (rc) {
		db_rollback(d);
		sodium_memzero(pin, PASSBOOK_PIN_DIGITS + 1);
	}
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int passbook_token_valid(const char *s)
{
	return s && strlen(s) == 2 * PASSBOOK_TOKEN_BYTES &&
	       strspn(s, "0123456789abcdef") == 2 * PASSBOOK_TOKEN_BYTES;
}

/* Revoke every live token of household_id at now; *n receives how many.
** Inside the caller's transaction.  Returns 0 or -1. */
static int tokens_revoke(db *d, int64_t household_id, int64_t now, int64_t *n)
{
	db_stmt *s = db_prepare(d, "UPDATE passbook_token SET revoked_at=$now"
				   " WHERE household_id=$h AND revoked_at IS NULL");
	if (!s || db_bind_int(s, "$now", now) || db_bind_int(s, "$h", household_id) ||
	    db_step(s) != DB_DONE)
		return -1;
	*n = db_changes(d);
	return 0;
}

int passbook_token_issue(db *d, const struct actor *who, const struct village *v,
			 int64_t household_id, char token[2 * PASSBOOK_TOKEN_BYTES + 1],
			 char *pin, errlist *errs)
{
	unsigned char raw[PASSBOOK_TOKEN_BYTES];
	char hash[65], object[40], after[128], pin_hash[crypto_pwhash_STRBYTES];
	if (random_bytes(raw, sizeof raw)) {
		db_set_error(d, "生成积分卡令牌失败（随机数不可用）");
		return -1;
	}
	hex_encode(raw, sizeof raw, token);
	sodium_memzero(raw, sizeof raw);
	sha256_hex(token, 2 * PASSBOOK_TOKEN_BYTES, hash);
	if (pin && pin_make(d, pin, pin_hash))
		return -1;
	if (db_begin_write(d))
		return -1;
	int64_t now = now_unix(), revoked = 0;
	int rc = household_usable(d, v, household_id, NULL, errs);
	if (rc)
		goto out;
	rc = -1;
	if (tokens_revoke(d, household_id, now, &revoked))
		goto out;
	db_stmt *s = db_prepare(d,
		"INSERT INTO passbook_token(token_hash, household_id, village_id, created_by,"
		" created_at) VALUES($hash, $h, $v, $by, $now)");
	if (!s || db_bind_text(s, "$hash", hash) || db_bind_int(s, "$h", household_id) ||
	    db_bind_int(s, "$v", v->id) || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$now", now) || db_step(s) != DB_DONE)
		goto out;
	snprintf(object, sizeof object, "household:%lld", (long long)household_id);
	snprintf(after, sizeof after, "{\"token_hash\":\"%.16s\",\"created_at\":%lld,\"revoked\":%lld}",
		 hash, (long long)now, (long long)revoked);
	if (audit_record(d, who, v->id, "passbook.token", object, NULL, after))
		goto out;
	if (pin && (rc = pin_store(d, who, v, household_id, pin_hash, errs)) != 0)
		goto out;
	rc = db_commit(d) ? -1 : 0;
out:
	if (pin)
		sodium_memzero(pin_hash, sizeof pin_hash);
	if (rc) {
		db_rollback(d);
		sodium_memzero(token, 2 * PASSBOOK_TOKEN_BYTES + 1);
		if (pin)
			sodium_memzero(pin, PASSBOOK_PIN_DIGITS + 1);
	}
	return rc;
}

int passbook_token_revoke(db *d, const struct actor *who, const struct village *v,
			  int64_t household_id, int64_t *revoked, errlist *errs)
{
	char after[64];
	int left = 0;
	int64_t n = 0;
	if (db_begin_write(d))
		return -1;
	int rc = household_state(d, v->id, household_id, &left, NULL);
	if (rc == 1)
		errlist_add(errs, "本村没有这一户。");
	if (rc)
		goto out;
	rc = -1;
	if (tokens_revoke(d, household_id, now_unix(), &n))
		goto out;
	snprintf(after, sizeof after, "{\"revoked\":%lld}", (long long)n);
	if (audit_commit_change(d, who, v->id, "passbook.token_revoke", "household", household_id,
				NULL, after))
		goto out;
	rc = 0;
	if (revoked)
		*revoked = n;
out:
	if (rc)
		db_rollback(d);
	return rc;
}

int passbook_token_resolve(db *d, const char *token, int64_t *village_id,
			   int64_t *household_id)
{
	if (!passbook_token_valid(token))
		return 1;
	char hash[65];
	sha256_hex(token, 2 * PASSBOOK_TOKEN_BYTES, hash);
	db_stmt *s = db_prepare(d,
		"SELECT t.village_id, t.household_id FROM passbook_token t"
		"  JOIN household h ON h.id = t.household_id AND h.village_id = t.village_id"
		" WHERE t.token_hash=$hash AND t.revoked_at IS NULL AND h.left_on IS NULL");
	if (!s || db_bind_text(s, "$hash", hash))
		return -1;
	int rc = db_step_one(s);
	if (rc == 0) {
		*village_id = db_column_int(s, 0);
		*household_id = db_column_int(s, 1);
	}
	db_reset(s);
	return rc;
}

int passbook_access_get(db *d, int64_t village_id, int64_t household_id,
			struct passbook_access *out)
{
	int left = 0;
	memset(out, 0, sizeof *out);
	int rc = household_state(d, village_id, household_id, &left, &out->pin_set_at);
	if (rc)
		return rc;
	db_stmt *s = db_prepare(d, "SELECT COUNT(*), MAX(created_at) FROM passbook_token"
				   " WHERE household_id=$h AND village_id=$v AND revoked_at IS NULL");
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id))
		return -1;
	rc = db_step_one(s);
	if (rc == 0) {
		out->live_tokens = db_column_int(s, 0);
		out->token_created_at = db_column_int(s, 1);
	}
	db_reset(s);
	return rc ? -1 : 0;
}

/* The approval id among pb's meetings, or NULL. */
static struct approval *meeting_find(struct passbook *pb, int64_t id)
{
	for (int i = 0; i < pb->nmeetings; i++)
		if (pb->meetings[i]->id == id)
			return pb->meetings[i];
	return NULL;
}

/* passbook_load() inside the caller's read transaction. */
static int passbook_load_tx(db *d, arena *a, int64_t village_id, int64_t household_id, int page,
			    int per_page, struct passbook *pb)
{
	int rc = household_get(d, a, village_id, household_id, &pb->household);
	if (rc)
		return rc;
	pb->village = village_by_id(d, a, village_id);
	if (!pb->village)
		return -1;
	date_today(pb->today);
	pb->year = atoi(pb->today);
	pb->quarter = (atoi(pb->today + 5) - 1) / 3 + 1;
	if (ledger_household_summary(d, village_id, household_id, pb->today, &pb->sum))
		return -1;

	if (per_page < 1)
		per_page = PASSBOOK_PER_PAGE;
	if (per_page > PASSBOOK_PER_PAGE_MAX)
		per_page = PASSBOOK_PER_PAGE_MAX;
	pb->per_page = per_page;
	pb->pages = pb->sum.entries > 0 ? (int)((pb->sum.entries + per_page - 1) / per_page) : 1;
	pb->page = page < 1 ? 1 : page > pb->pages ? pb->pages : page;
	/* the count is the summary's: both are read in the caller's snapshot */
	pb->total = pb->sum.entries;
	if (ledger_passbook_entries(d, a, village_id, household_id, (pb->page - 1) * per_page,
				    per_page, &pb->entries, &pb->n))
		return -1;

	pb->approval = arena_alloc(a, sizeof *pb->approval * (size_t)(pb->n + 1));
	pb->corrects = arena_alloc(a, sizeof *pb->corrects * (size_t)(pb->n + 1));
	pb->meetings = arena_alloc(a, sizeof *pb->meetings * (size_t)(pb->n + 1));
	for (int i = 0; i < pb->n; i++) {
		struct ledger_entry *e = &pb->entries[i];
		if (e->approval_id) {
			/* one lookup per meeting: reading them in one statement
			** (IN over the page's approval ids) cost more, measured */
			struct approval *ap = meeting_find(pb, e->approval_id);
			if (!ap) {
				rc = approval_meeting_get(d, a, village_id, e->approval_id, &ap);
				if (rc < 0)
					return -1;
				if (rc == 0)
					pb->meetings[pb->nmeetings++] = ap;
				else
					ap = NULL;
			}
			pb->approval[i] = ap;
		}
		if (e->correction_of) {
			for (int j = 0; j < pb->n; j++)
				if (pb->entries[j].id == e->correction_of)
					pb->corrects[i] = &pb->entries[j];
			if (!pb->corrects[i]) {
				struct ledger_entry *orig = NULL;
				rc = ledger_entry_get(d, a, village_id, e->correction_of, &orig);
				if (rc < 0)
					return -1;
				pb->corrects[i] = rc == 0 ? orig : NULL;
			}
		}
	}

	struct declaration *decls = NULL;
	int nd = 0;
	if (declaration_list(d, a, village_id, household_id, -1, &decls, &nd))
		return -1;
	pb->decls = decls;
	pb->decls_total = nd;
	pb->ndecls = nd > PASSBOOK_DECLARATIONS ? PASSBOOK_DECLARATIONS : nd;
	return 0;
}

int passbook_load(db *d, arena *a, int64_t village_id, int64_t household_id, int page,
		  int per_page, struct passbook *pb)
{
	memset(pb, 0, sizeof *pb);
	/* inside a write: the stored passbook rendered before its COMMIT
	** (passbook_store.c) sees what the transaction wrote */
	if (db_in_transaction(d))
		return passbook_load_tx(d, a, village_id, household_id, page, per_page, pb);
	/* One read transaction for the dozen statements of the view: they see
	** one snapshot (balance, counts and entries agree while an approval
	** commits), and SQLite takes its read lock (fcntl, fstat of the files)
	** once per page instead of once per statement — the locking was a
	** tenth of the passbook's time under load (BENCHMARKS.md). */
	if (db_begin_snapshot(d))
		return -1;
	int rc = passbook_load_tx(d, a, village_id, household_id, page, per_page, pb);
	if (rc)
		db_rollback(d);
	else if (db_commit(d))
		rc = -1;
	return rc;
}

int passbook_evidence_allowed(db *d, int64_t village_id, int64_t household_id,
			      const char *hash)
{
	if (!hash || strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)
		return 0;
	db_stmt *s = db_prepare(d,
		"SELECT (SELECT COUNT(*) FROM ledger_entry"
		"         WHERE household_id=$h AND village_id=$v AND photo=$p)"
		"     + (SELECT COUNT(*) FROM declaration"
		"         WHERE household_id=$h AND village_id=$v AND photo=$p)");
	int64_t n;
	if (!s || db_bind_int(s, "$h", household_id) || db_bind_int(s, "$v", village_id) ||
	    db_bind_text(s, "$p", hash) || db_read_int(s, &n))
		return -1;
	return n > 0;
}

int passbook_declare(db *d, const struct actor *who, const struct village *v,
		     const struct household *h, const char *item_code, const char *date,
		     const char *note, const void *photo, size_t photo_len, errlist *errs,
		     int64_t *id)
{
	char hash[65] = "";
	/* the cheap checks before the photo is stored: a declaration refused for
	** an empty note should not leave its photo behind */
	if (photo_len > EVIDENCE_MAX_BYTES)
		errlist_add(errs, "照片不能超过 %d MB。", EVIDENCE_MAX_BYTES / (1024 * 1024));
	else if (photo_len && !evidence_sniff(photo, photo_len))
		errlist_add(errs, "照片须为 JPEG 或 PNG 图片。");
	if (!date || !date_valid(date))
		errlist_add(errs, "日期: 请填写有效的日期（年-月-日）。");
	if (!note || !*note)
		errlist_add(errs, "说明: 请写明做了什么好事。");
	if (errs->n)
		return 1;
	if (photo_len) {
		int rc = evidence_store(d, v->id, who->login, photo, photo_len, hash, errs);
		if (rc)
			return rc;
	}
	return declaration_create(d, who, v, h->id, item_code && *item_code ? item_code : NULL,
				  date, note, photo_len ? hash : NULL, errs, id);
}

int passbook_host_valid(const char *host)
{
	size_t n = host ? strlen(host) : 0;
	if (n < 1 || n > 255 || host[0] == '.' || host[0] == '-')
		return 0;
	return strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-:[]") == n;
}
