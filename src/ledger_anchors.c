/*
** ledger_anchors.c — the checks of `jifen verify` that tie the ledger to
** what it was posted from and what recorded it (docs/ledger.md, "What
** `jifen verify` checks", 5–9): every evidence photo against its hash,
** every entry's item and points against the village's standards, every
** approval against the chain and against its row of the audit chain,
** every approved sheet entry against its ledger entry, and every standard
** version against the content hash its audit row recorded.  Each check
** reads its table once for the village (no per-row queries) and adds the
** first problem to errs: 0 intact, 1, -1 database error.
*/
#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ledger_int.h"
#include "standard.h"

/* Every photo of the village re-hashed from its stored bytes (and its
** size), and the hashes into vf->photos for the entries' check.  One
** photo's bytes are in memory at a time (≤ 5 MB). */
int verify_load_evidence(struct verify *vf)
{
	db_stmt *s = db_prepare(vf->d, "SELECT hash, size, data_b64 FROM evidence"
				       " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	int st, rc = 0;
	while ((st = db_step(s)) == DB_ROW) {
		const char *hash = db_column_text(s, 0), *b64 = db_column_text(s, 2);
		int64_t size = db_column_int(s, 1);
		size_t n = strlen(b64);
		unsigned char *bytes = malloc(n / 4 * 3 + 4);
		if (!bytes)
			abort();
		int got = EVP_DecodeBlock(bytes, (const unsigned char *)b64, (int)n);
		char again[65] = "";
		/* EVP_DecodeBlock counts the padding as zero bytes: size is the truth */
		if (got >= 0 && size >= 0 && size <= got && got - size < 3)
			sha256_hex(bytes, (size_t)size, again);
		free(bytes);
		if (strcmp(again, hash)) {
			errlist_add(vf->errs, "村 %s 的佐证照片 %.16s…（%lld 字节）与它的哈希不符：照片被替换或损坏",
				    vf->v->code, hash, (long long)size);
			rc = 1;
			break;
		}
		smap_get(&vf->photos, hash);
	}
	db_reset(s);
	return rc ? rc : st == DB_DONE ? 0 : -1;
}

/* The village's standard versions and items in one pass: each item into
** vf->items (for the entries' check), each version's content hash
** recomputed into vf->ver (for verify_standards). */
int verify_load_standards(struct verify *vf)
{
	db_stmt *s = db_prepare(vf->d, STANDARD_SEAL_SELECT " WHERE v.village_id = $v"
							   " ORDER BY v.id, i.seq");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	buf b = {0};
	int st;
	int64_t cur = 0;
	while ((st = db_step(s)) == DB_ROW) {
		int64_t vid = db_column_int(s, 0);
		int first = vid != cur;
		if (first) {
			if (cur)
				standard_seal_finish(&b, vf->ver[vf->nver - 1].hash);
			vf->ver = arena_grow(vf->a, vf->ver, &vf->capver, vf->nver, sizeof *vf->ver);
			struct verify_version *x = &vf->ver[vf->nver++];
			x->id = vid;
			x->version = (int)db_column_int(s, 2);
			cur = vid;
		}
		standard_seal_add(&b, s, first);
		vf->item = arena_grow(vf->a, vf->item, &vf->capitem, vf->nitem, sizeof *vf->item);
		struct verify_item *it = &vf->item[vf->nitem++];
		it->version_id = vid;
		it->code = arena_strdup(vf->a, db_column_text(s, 19));
		it->points = db_column_int(s, 21);
		it->veto = (int)db_column_int(s, 24);
		imap_get(&vf->items, db_column_int(s, 16))->v = vf->nitem;
	}
	if (cur && st == DB_DONE)
		standard_seal_finish(&b, vf->ver[vf->nver - 1].hash);
	buf_free(&b);
	return st == DB_DONE ? 0 : -1;
}

/* Append v's 8 bytes, or s's length and bytes (NULL as ""), to the
** fingerprint's input: a private encoding, unambiguous, no formatting. */
static void fp_int(buf *b, int64_t v)
{
	buf_append(b, &v, sizeof v);
}

static void fp_text(buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : 0;
	buf_append(b, &n, sizeof n);
	buf_append(b, s ? s : "", n);
}

uint64_t verify_fingerprint(struct verify *vf, const struct ledger_entry *e)
{
	buf *b = &vf->fp_scratch;
	b->len = 0;
	fp_int(b, e->approval_id);
	fp_int(b, e->household_id);
	fp_int(b, e->item_id);
	fp_int(b, e->version_id);
	fp_int(b, e->quantity);
	fp_int(b, e->points);
	fp_text(b, e->item_code);
	fp_text(b, e->date);
	fp_text(b, e->note);
	fp_text(b, e->photo);
	fp_text(b, e->recorded_by);
	unsigned char out[crypto_shorthash_BYTES];
	crypto_shorthash(out, (const unsigned char *)b->p, b->len, vf->fp_key);
	uint64_t fp;
	memcpy(&fp, out, sizeof fp);
	return fp;
}

/* The entry's name in messages: "积分台账第 N 条（村 X，序号 S）". */
#define ENTRY_NAMED "积分台账第 %lld 条（村 %s，序号 %lld）"
#define ENTRY_ARGS(vf, e) (long long)(e)->id, (vf)->v->code, (long long)(e)->seq

int verify_entry_anchors(struct verify *vf, const struct ledger_entry *e)
{
	if (e->item_id) {
		struct imap_slot *x = imap_find(&vf->items, e->item_id);
		if (!x) {
			errlist_add(vf->errs, ENTRY_NAMED "的积分项目（编号 %lld）不在本村的标准里",
				    ENTRY_ARGS(vf, e), (long long)e->item_id);
			return 1;
		}
		const struct verify_item *it = &vf->item[x->v - 1];
		if (it->version_id != e->version_id || strcmp(it->code, e->item_code)) {
			errlist_add(vf->errs, ENTRY_NAMED "记的项目 %s（标准版本编号 %lld）与标准项目"
					      "（编号 %lld：%s，版本编号 %lld）不符",
				    ENTRY_ARGS(vf, e), e->item_code, (long long)e->version_id,
				    (long long)e->item_id, it->code, (long long)it->version_id);
			return 1;
		}
		if (e->kind == LEDGER_SCORE && e->points != it->points * e->quantity) {
			errlist_add(vf->errs, ENTRY_NAMED "记 %lld 分，但标准项目 %s 是 %lld 分 × 数量 %lld",
				    ENTRY_ARGS(vf, e), (long long)e->points, it->code,
				    (long long)it->points, (long long)e->quantity);
			return 1;
		}
	}
	if (e->photo && *e->photo && !smap_find(&vf->photos, e->photo)) {
		errlist_add(vf->errs, ENTRY_NAMED "的佐证照片 %.16s… 不在本村的照片里",
			    ENTRY_ARGS(vf, e), e->photo);
		return 1;
	}
	if (e->kind != LEDGER_SCORE)
		return 0;
	if (e->approval_id) {
		/* an approval's entries are contiguous on the chain: one lookup each */
		if (e->approval_id != vf->last_appr_id) {
			struct imap_slot *x = imap_get(&vf->appr, e->approval_id);
			if (!x->v) {
				vf->ap = arena_grow(vf->a, vf->ap, &vf->capap, vf->nap,
						    sizeof *vf->ap);
				memset(&vf->ap[vf->nap], 0, sizeof vf->ap[vf->nap]);
				vf->ap[vf->nap].first = e->seq;
				x->v = ++vf->nap;
			}
			vf->last_appr_id = e->approval_id;
			vf->last_appr = (int)x->v - 1;
		}
		struct verify_approval *ap = &vf->ap[vf->last_appr];
		ap->count++;
		ap->points += e->points;
		ap->last = e->seq;
		memcpy(ap->last_hash, e->hash, 65);
	}
	if (e->entry_id) {
		/* an array, sorted later if need be: a map per entry cost a tenth of verify */
		vf->posted = arena_grow(vf->a, vf->posted, &vf->capposted, vf->nposted,
					sizeof *vf->posted);
		struct verify_posted *p = &vf->posted[vf->nposted++];
		if (vf->nposted > 1 && p[-1].entry_id >= e->entry_id)
			vf->posted_unsorted = 1;
		p->entry_id = e->entry_id;
		p->ledger_id = e->id;
		p->fp = verify_fingerprint(vf, e);
		p->matched = 0;
	}
	return 0;
}

static int posted_cmp(const void *x, const void *y)
{
	const struct verify_posted *a = x, *b = y;
	return a->entry_id < b->entry_id ? -1 : a->entry_id > b->entry_id;
}

/* The posted entry of sheet entry id, or NULL (vf->posted sorted). */
static struct verify_posted *posted_find(struct verify *vf, int64_t id)
{
	int lo = 0, hi = vf->nposted - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int64_t k = vf->posted[mid].entry_id;
		if (k == id)
			return &vf->posted[mid];
		if (k < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The village's anchor rows of the audit log: each approval's
** (sheet.approve, object "sheet:ID") and each standard version's
** (standard.adopt or standard.seal with a content_hash, object
** "standard:ID"), after_json into vf->anchors by object. */
static int load_anchors(struct verify *vf)
{
	db_stmt *s = db_prepare(vf->d, "SELECT action, object, after_json FROM audit"
				       " WHERE village_id = $v AND action IN"
				       " ('sheet.approve', 'standard.adopt', 'standard.seal')"
				       " ORDER BY id");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		const char *action = db_column_text(s, 0), *after = db_column_text(s, 2);
		/* a legacy standard.adopt row has no content_hash: its standard.seal does */
		if (strcmp(action, "sheet.approve") && (!after || !strstr(after, "\"content_hash\"")))
			continue;
		smap_get(&vf->anchors, db_column_text(s, 1))->p = arena_strdup(vf->a, after ? after : "");
	}
	return st == DB_DONE ? 0 : -1;
}

/* The first field of approval row s (columns of verify_approvals()) that
** differs from its anchor j, or NULL when none does. */
static const char *approval_differs(db_stmt *s, json_t *j)
{
	static const struct {
		const char *key, *label;
		int col, is_int;
	} f[] = {
		{"month", "月份", 2, 0},	  {"meeting_date", "会议日期", 3, 0},
		{"attendees", "参会人员", 4, 0}, {"resolution", "会议决议", 5, 0},
		{"entries", "条数", 6, 1},	  {"points", "分数合计", 7, 1},
		{"seq_first", "起始序号", 8, 1}, {"seq_last", "末尾序号", 9, 1},
		{"head", "链头哈希", 10, 0},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		json_t *x = json_object_get(j, f[i].key);
		if (!x)
			return f[i].label;
		if (f[i].is_int ? json_integer_value(x) != db_column_int(s, f[i].col)
				: !json_is_string(x) ||
					  strcmp(json_string_value(x), db_column_text(s, f[i].col)))
			return f[i].label;
	}
	return NULL;
}

/* Every approval row against what the chain holds of it (its count,
** points, seq range and the hash at its last seq) and against its audit
** row; every approval the chain names has its row; every audit row of an
** approval has its approval. */
int verify_approvals(struct verify *vf)
{
	const char *vc = vf->v->code;
	if (load_anchors(vf))
		return -1;
	db_stmt *s = db_prepare(vf->d, "SELECT id, sheet_id, month, meeting_date, attendees,"
				       " resolution, entry_count, points_total, COALESCE(seq_first, 0),"
				       " COALESCE(seq_last, 0), COALESCE(head_hash, '')"
				       " FROM approval WHERE village_id = $v ORDER BY id");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	int st, rc = 0;
	while (!rc && (st = db_step(s)) == DB_ROW) {
		long long id = db_column_int(s, 0);
		const char *month = db_column_text(s, 2);
		struct imap_slot *x = imap_find(&vf->appr, id);
		struct verify_approval none = {0}, *ap = x ? &vf->ap[x->v - 1] : &none;
		ap->matched = 1;
		if (ap->count != db_column_int(s, 6) || ap->points != db_column_int(s, 7) ||
		    ap->first != db_column_int(s, 8) || ap->last != db_column_int(s, 9)) {
			errlist_add(vf->errs, "村 %s %s 月的审定（编号 %lld）记有 %lld 条、%lld 分、序号 %lld–%lld，"
					      "台账中是 %lld 条、%lld 分、序号 %lld–%lld",
				    vc, month, id, (long long)db_column_int(s, 6),
				    (long long)db_column_int(s, 7), (long long)db_column_int(s, 8),
				    (long long)db_column_int(s, 9), (long long)ap->count,
				    (long long)ap->points, (long long)ap->first, (long long)ap->last);
			rc = 1;
			break;
		}
		if (strcmp(ap->last_hash, db_column_text(s, 10))) {
			errlist_add(vf->errs, "村 %s %s 月的审定（编号 %lld）记下的链头哈希与台账序号 %lld 的哈希不符",
				    vc, month, id, (long long)ap->last);
			rc = 1;
			break;
		}
		char obj[48];
		snprintf(obj, sizeof obj, "sheet:%lld", (long long)db_column_int(s, 1));
		struct smap_slot *an = smap_find(&vf->anchors, obj);
		if (!an || !an->p) {
			errlist_add(vf->errs, "村 %s %s 月的审定（编号 %lld）在审计日志中没有记录", vc, month,
				    id);
			rc = 1;
			break;
		}
		json_t *j = json_loads(an->p, 0, NULL);
		const char *bad = approval_differs(s, j);
		json_decref(j);
		an->v = 1; /* the anchor has its approval */
		if (bad) {
			errlist_add(vf->errs, "村 %s %s 月的审定（编号 %lld）的%s与审计日志中的记录不符",
				    vc, month, id, bad);
			rc = 1;
		}
	}
	db_reset(s);
	if (rc || st != DB_DONE)
		return rc ? rc : -1;
	for (int i = 0; i < vf->nap; i++)
		if (!vf->ap[i].matched) {
			const struct imap *m = &vf->appr;
			long long aid = 0;
			for (size_t k = 0; k < m->cap; k++)
				if (m->s[k].key && m->s[k].v == i + 1)
					aid = m->s[k].key;
			errlist_add(vf->errs, "积分台账序号 %lld–%lld（村 %s）属于审定（编号 %lld），但没有这条审定",
				    (long long)vf->ap[i].first, (long long)vf->ap[i].last, vc, aid);
			return 1;
		}
	const struct smap *m = &vf->anchors;
	for (size_t k = 0; k < m->cap; k++)
		if (m->s[k].key && !strncmp(m->s[k].key, "sheet:", 6) && !m->s[k].v) {
			errlist_add(vf->errs, "审计日志记有村 %s 积分表（编号 %s）的审定，但没有这条审定",
				    vc, m->s[k].key + 6);
			return 1;
		}
	return 0;
}

/* Every entry of the village's approved sheets against its ledger entry
** (same fingerprint), and every score entry of the ledger has one. */
int verify_sheet_entries(struct verify *vf)
{
	const char *vc = vf->v->code;
	db_stmt *s = db_prepare(vf->d,
		"SELECT e.id, COALESCE(s.approval_id, 0), e.household_id, e.item_id, e.item_code,"
		" e.version_id, e.date, e.quantity, e.points, e.note, COALESCE(e.photo, ''),"
		" e.recorded_by FROM sheet s JOIN entry e ON e.sheet_id = s.id"
		" WHERE s.village_id = $v AND s.status = 'approved'");
	if (!s || db_bind_int(s, "$v", vf->v->id))
		return -1;
	if (vf->posted_unsorted)
		qsort(vf->posted, (size_t)vf->nposted, sizeof *vf->posted, posted_cmp);
	for (int i = 1; i < vf->nposted; i++)
		if (vf->posted[i].entry_id == vf->posted[i - 1].entry_id) {
			errlist_add(vf->errs, "积分台账第 %lld 条与第 %lld 条（村 %s）记的是同一条积分表记录（编号 %lld）",
				    (long long)vf->posted[i].ledger_id,
				    (long long)vf->posted[i - 1].ledger_id, vc,
				    (long long)vf->posted[i].entry_id);
			return 1;
		}
	int st, rc = 0;
	while ((st = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int(s, 0);
		struct ledger_entry e = {
			.approval_id = db_column_int(s, 1),
			.household_id = db_column_int(s, 2),
			.item_id = db_column_int(s, 3),
			.item_code = db_column_text(s, 4),
			.version_id = db_column_int(s, 5),
			.date = db_column_text(s, 6),
			.quantity = db_column_int(s, 7),
			.points = db_column_int(s, 8),
			.note = db_column_text(s, 9),
			.photo = db_column_text(s, 10),
			.recorded_by = db_column_text(s, 11),
		};
		struct verify_posted *led = posted_find(vf, id);
		if (!led) {
			errlist_add(vf->errs, "积分表记录第 %lld 条（村 %s，已审定）在积分台账中没有对应的记录",
				    (long long)id, vc);
			rc = 1;
			break;
		}
		if (led->fp != verify_fingerprint(vf, &e)) {
			errlist_add(vf->errs, "积分表记录第 %lld 条（村 %s，已审定）与积分台账第 %lld 条不符",
				    (long long)id, vc, (long long)led->ledger_id);
			rc = 1;
			break;
		}
		led->matched = 1;
	}
	db_reset(s);
	if (rc || st != DB_DONE)
		return rc ? rc : -1;
	/* the first by ledger entry id, whatever order the array is in */
	const struct verify_posted *first = NULL;
	for (int i = 0; i < vf->nposted; i++)
		if (!vf->posted[i].matched && (!first || vf->posted[i].ledger_id < first->ledger_id))
			first = &vf->posted[i];
	if (first) {
		errlist_add(vf->errs, "积分台账第 %lld 条（村 %s）记的积分表记录（编号 %lld）不在已审定的积分表里",
			    (long long)first->ledger_id, vc, (long long)first->entry_id);
		return 1;
	}
	return 0;
}

/* Every standard version of the village against the content hash its
** audit row recorded. */
int verify_standards(struct verify *vf)
{
	for (int i = 0; i < vf->nver; i++) {
		const struct verify_version *x = &vf->ver[i];
		char obj[48];
		snprintf(obj, sizeof obj, "standard:%lld", (long long)x->id);
		struct smap_slot *an = smap_find(&vf->anchors, obj);
		json_t *j = an && an->p ? json_loads(an->p, 0, NULL) : NULL;
		const char *want = json_string_value(json_object_get(j, "content_hash"));
		int ok = want && !strcmp(want, x->hash);
		json_decref(j);
		if (!an) {
			errlist_add(vf->errs, "村 %s 标准第 %d 版（编号 %lld）在审计日志中没有存证",
				    vf->v->code, x->version, (long long)x->id);
			return 1;
		}
		if (!ok) {
			errlist_add(vf->errs, "村 %s 标准第 %d 版（编号 %lld）的内容与审计日志中的存证不符：项目或通过记录被修改",
				    vf->v->code, x->version, (long long)x->id);
			return 1;
		}
	}
	return 0;
}

int ledger_seal_legacy(db *d)
{
	int started = 0, rc = -1;
	int pending = audit_chain_pending(d); /* reads only: most runs stop here */
	if (pending <= 0)
		return pending;
	if (db_begin_write(d))
		return -1;
	if (audit_chain_start(d, &started))
		goto out;
	if (!started) {
		rc = 0;
		goto out;
	}
	/* every village version adopted before the chain: its content hash,
	** recorded by a row of the chain */
	db_stmt *s = db_prepare(d, "SELECT id, village_id FROM standard_version"
				   " WHERE village_id IS NOT NULL ORDER BY id");
	if (!s)
		goto out;
	int64_t *ids = NULL, *vids = NULL;
	int n = 0, cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			int64_t *ni = realloc(ids, (size_t)cap * sizeof *ids);
			if (!ni)
				abort(); /* out of memory in a one-off CLI step */
			ids = ni;
			int64_t *nv = realloc(vids, (size_t)cap * sizeof *vids);
			if (!nv)
				abort();
			vids = nv;
		}
		ids[n] = db_column_int(s, 0);
		vids[n++] = db_column_int(s, 1);
	}
	struct actor who = {0, "cli", ""};
	int bad = st != DB_DONE;
	for (int i = 0; i < n && !bad; i++) {
		char hash[65], obj[48], after[100];
		snprintf(obj, sizeof obj, "standard:%lld", (long long)ids[i]);
		bad = standard_content_hash(d, ids[i], hash);
		snprintf(after, sizeof after, "{\"content_hash\":\"%s\"}", hash);
		if (!bad)
			bad = audit_record(d, &who, vids[i], "standard.seal", obj, NULL, after);
	}
	free(ids);
	free(vids);
	if (bad)
		goto out;
	if (db_commit(d))
		goto out;
	return 0;
out:
	db_rollback(d);
	return rc;
}
