/*
** announcement.c — quarterly announcements (announcement.h): freezing one
** from the ledger with its two signed checkpoints, reading them back, the
** household's receipt, and witnesses' cosignatures of its checkpoint.
*/
#include "announcement.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "json.h"
#include "ledger.h"
#include "ledger_tree.h"
#include "merkle.h"
#include "note.h"
#include "passbook_store.h"
#include "signing.h"

/* ---- small rules -------------------------------------------------------------- */

int quarter_parse(const char *quarter, int *year, int *q, char first_month[8],
		  char last_month[8], char day_after[11])
{
	if (!quarter || strlen(quarter) != 7 || quarter[4] != '-' || quarter[5] != 'Q' ||
	    quarter[6] < '1' || quarter[6] > '4')
		return -1;
	for (int i = 0; i < 4; i++)
		if (quarter[i] < '0' || quarter[i] > '9')
			return -1;
	int y = (quarter[0] - '0') * 1000 + (quarter[1] - '0') * 100 + (quarter[2] - '0') * 10 +
		(quarter[3] - '0');
	int n = quarter[6] - '0';
	if (y < 2000 || y > 2999)
		return -1;
	unsigned uy = (unsigned)y % 10000u, un = (unsigned)n % 5u;
	if (year)
		*year = y;
	if (q)
		*q = n;
	if (first_month)
		snprintf(first_month, 8, "%04u-%02u", uy, (3 * un - 2) % 100u);
	if (last_month)
		snprintf(last_month, 8, "%04u-%02u", uy, (3 * un) % 100u);
	if (day_after)
		snprintf(day_after, 11, "%04u-%02u-01", (un == 4 ? uy + 1 : uy) % 10000u,
			 (un == 4 ? 1 : 3 * un + 1) % 100u);
	return 0;
}

/* The valid date of day number z (days since 1970-01-01; H. Hinnant's
** civil_from_days, the way back of date_day_number()). */
static void days_date(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y + (m <= 2)) % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

/* The length in bytes of the UTF-8 character at p. */
static size_t utf8_char_len(const unsigned char *p)
{
	size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (!p[i])
			return i;
	return n;
}

char *name_mask(arena *a, const char *name)
{
	if (!name)
		name = "";
	size_t chars = utf8_len(name);
	if (chars <= 1)
		return arena_strdup(a, name);
	buf b = {0};
	const unsigned char *p = (const unsigned char *)name;
	size_t first = utf8_char_len(p);
	buf_append(&b, name, first);
	for (size_t i = 1; i + 1 < chars; i++)
		buf_puts(&b, "*");
	if (chars == 2)
		buf_puts(&b, "*");
	else {
		/* the last character */
		const unsigned char *last = p + first, *q = last;
		while (*q) {
			last = q;
			q += utf8_char_len(q);
		}
		buf_puts(&b, (const char *)last);
	}
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* One CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "\"");
	for (; *s; s++)
		buf_append(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	buf_puts(b, "\"");
}

void announcement_line_csv(buf *b, const struct announcement_line *l)
{
	csv_field(b, l->code);
	buf_puts(b, ",");
	csv_field(b, l->name);
	buf_printf(b, ",%lld,%lld,%lld", (long long)l->quarter_points, (long long)l->year_points,
		   (long long)l->balance);
}

void announcement_leaf_data(buf *b, const char *ledger_origin, const char *quarter,
			    const char *date, const char *until, int64_t ledger_size,
			    const char *ledger_root, const char *line_csv)
{
	buf_printf(b, "jifen-announcement/v1\norigin %s\nquarter %s\ndate %s\nobjection_until %s\n"
		      "ledger %lld %s\nline %s\n",
		   ledger_origin, quarter, date, until, (long long)ledger_size, ledger_root, line_csv);
}

/* Households by code, shorter codes first ("2" before "10"), then bytewise
** (the order of `jifen balances`). */
static int line_order(const void *x, const void *y)
{
	const struct announcement_line *p = x, *q = y;
	size_t lp = utf8_len(p->code), lq = utf8_len(q->code);
	return lp != lq ? (lp < lq ? -1 : 1) : strcmp(p->code, q->code);
}

static void b64(const uint8_t h[32], char out[45])
{
	sodium_bin2base64(out, 45, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* ---- announcing ------------------------------------------------------------------ */

/* The checks that need the database: announced already, or a sheet of the
** quarter's months with entries not approved.  Returns 0, 1 (errs), -1. */
static int announce_refusals(db *d, const struct village *v, const char *quarter,
			     const char *from, const char *to, errlist *errs)
{
	db_stmt *s = db_prepare(d, "SELECT announced_on FROM announcement"
				   " WHERE village_id = $v AND quarter = $q");
	int st;
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$q", quarter) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st == DB_ROW) {
		errlist_add(errs, "村 %s 的 %s 已在 %s 公示过，公示不能重做", v->code, quarter,
			    db_column_text(s, 0));
		db_reset(s);
		return 1;
	}
	s = db_prepare(d, "SELECT s.month, s.status, COUNT(e.id) FROM sheet s"
			  " JOIN entry e ON e.sheet_id = s.id WHERE s.village_id = $v"
			  " AND s.month >= $from AND s.month <= $to AND s.status <> 'approved'"
			  " GROUP BY s.month, s.status ORDER BY s.month");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$from", from) ||
	    db_bind_text(s, "$to", to) || (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st == DB_ROW) {
		errlist_add(errs, "村 %s %s 的月度积分表还有 %lld 条记录未经集体审定，审定后才能公示",
			    v->code, db_column_text(s, 0), (long long)db_column_int(s, 2));
		db_reset(s);
		return 1;
	}
	return 0;
}

/* The lines of village v on date: every household participating then, with
** its figures from the ledger as it stands in the caller's transaction.
** Returns 0 or -1; *rows in arena a, in leaf order. */
static int compute_lines(db *d, arena *a, const struct village *v, const char *date,
			 const char *year_from, const char *qfrom, const char *qto,
			 struct announcement_line **rows, int *n)
{
	struct imap quarter = {.a = a}, year = {.a = a}, balance = {.a = a};
	db_stmt *s = db_prepare(d,
		"SELECT household_id, SUM(CASE WHEN month >= $qfrom THEN points ELSE 0 END),"
		" SUM(points) FROM ledger_entry WHERE village_id = $v AND month >= $yfrom"
		" AND month <= $qto AND kind IN ('score', 'correction') GROUP BY household_id");
	int st;
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$qfrom", qfrom) ||
	    db_bind_text(s, "$yfrom", year_from) || db_bind_text(s, "$qto", qto))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		imap_get(&quarter, db_column_int(s, 0))->v = db_column_int(s, 1);
		imap_get(&year, db_column_int(s, 0))->v = db_column_int(s, 2);
	}
	if (st != DB_DONE)
		return -1;
	s = db_prepare(d, "SELECT household_id, balance FROM household_balance WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		return -1;
	while ((st = db_step(s)) == DB_ROW)
		imap_get(&balance, db_column_int(s, 0))->v = db_column_int(s, 1);
	if (st != DB_DONE)
		return -1;
	s = db_prepare(d, "SELECT id, code, head_name FROM household WHERE village_id = $v"
			  " AND participating = 1 AND joined IS NOT NULL AND joined <= $d");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$d", date))
		return -1;
	int cap = 256;
	struct announcement_line *list = arena_alloc(a, (size_t)cap * sizeof *list);
	*n = 0;
	while ((st = db_step(s)) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		struct announcement_line *l = &list[(*n)++];
		l->household_id = db_column_int(s, 0);
		l->code = arena_strdup(a, db_column_text(s, 1));
		l->name = name_mask(a, db_column_text(s, 2));
		const struct imap_slot *x = imap_find(&quarter, l->household_id);
		l->quarter_points = x ? x->v : 0;
		x = imap_find(&year, l->household_id);
		l->year_points = x ? x->v : 0;
		x = imap_find(&balance, l->household_id);
		l->balance = x ? x->v : 0;
	}
	if (st != DB_DONE)
		return -1;
	qsort(list, (size_t)*n, sizeof *list, line_order);
	for (int i = 0; i < *n; i++)
		list[i].idx = i;
	*rows = list;
	return 0;
}

/* The leaf hashes of lines into a memory tree t (t->a set by the caller). */
static void lines_tree(const struct announcement_line *lines, int n, const char *ledger_origin,
		       const char *quarter, const char *date, const char *until,
		       int64_t ledger_size, const char *ledger_root, struct merkle_memtree *t)
{
	buf line = {0}, data = {0};
	for (int i = 0; i < n; i++) {
		line.len = data.len = 0;
		announcement_line_csv(&line, &lines[i]);
		announcement_leaf_data(&data, ledger_origin, quarter, date, until, ledger_size,
				       ledger_root, buf_cstr(&line));
		uint8_t leaf[32];
		merkle_leaf_hash(data.p, data.len, leaf);
		merkle_memtree_append(t, leaf);
	}
	buf_free(&line);
	buf_free(&data);
}

static char *receipt_text(arena *a, const struct announcement *ann,
			  const struct announcement_line *lines, int n, int at,
			  struct merkle_memtree *t, int with_checkpoint);


/* Every line's receipt of ann (stored already, ann->id set) into
** announcement_receipt, from the tree t of its lines, so that a passbook
** shows its receipt with one read.  Inside the caller's transaction.
** Returns 0 or -1. */
static int store_receipts(db *d, arena *a, const struct announcement *ann,
			  const struct announcement_line *lines, int n,
			  struct merkle_memtree *t)
{
	if (!n)
		return 0;
	static const char *const cols[] = {"announcement_id", "code", "receipt"};
	db_copy *c = db_copy_begin(d, "announcement_receipt", cols, 3);
	if (!c)
		return -1;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)ann->id);
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		char *text = receipt_text(a, ann, lines, n, i, t, 0);
		const char *vals[3] = {id, lines[i].code, text};
		rc = !text || db_copy_row(c, vals);
	}
	int erc = db_copy_end(c);
	return rc || erc ? -1 : 0;
}

/* Insert ann and its lines (bulk load) in the caller's transaction; sets
** ann->id.  Returns 0 or -1. */
static int store(db *d, struct announcement *ann, const struct announcement_line *lines, int n)
{
	db_stmt *s = db_prepare(d,
		"INSERT INTO announcement(village_id, quarter, announced_on, objection_until,"
		" checkpoint_id, ledger_size, ledger_root, ledger_head, households, lines_root, note,"
		" created_by, created_at) VALUES($v, $q, $on, $until, $cp, $size, $root, $head, $hh,"
		" $lroot, $note, $by, $at) RETURNING id");
	if (!s || db_bind_int(s, "$v", ann->village_id) || db_bind_text(s, "$q", ann->quarter) ||
	    db_bind_text(s, "$on", ann->announced_on) ||
	    db_bind_text(s, "$until", ann->objection_until) ||
	    db_bind_int(s, "$cp", ann->checkpoint_id) || db_bind_int(s, "$size", ann->ledger_size) ||
	    db_bind_text(s, "$root", ann->ledger_root) || db_bind_text(s, "$head", ann->ledger_head) ||
	    db_bind_int(s, "$hh", ann->households) || db_bind_text(s, "$lroot", ann->lines_root) ||
	    db_bind_text(s, "$note", ann->note) || db_bind_text(s, "$by", ann->created_by) ||
	    db_bind_int(s, "$at", ann->created_at) || db_step(s) != DB_ROW)
		return -1;
	ann->id = db_column_int(s, 0);
	db_reset(s);
	if (!n)
		return 0;
	static const char *const cols[] = {"announcement_id", "idx", "household_id", "code",
					   "name", "quarter_points", "year_points", "balance"};
	db_copy *c = db_copy_begin(d, "announcement_line", cols, 8);
	if (!c)
		return -1;
	int rc = 0;
	char num[6][24];
	for (int i = 0; i < n && !rc; i++) {
		const struct announcement_line *l = &lines[i];
		snprintf(num[0], 24, "%lld", (long long)ann->id);
		snprintf(num[1], 24, "%lld", (long long)l->idx);
		snprintf(num[2], 24, "%lld", (long long)l->household_id);
		snprintf(num[3], 24, "%lld", (long long)l->quarter_points);
		snprintf(num[4], 24, "%lld", (long long)l->year_points);
		snprintf(num[5], 24, "%lld", (long long)l->balance);
		const char *vals[8] = {num[0], num[1], num[2], l->code, l->name, num[3], num[4], num[5]};
		rc = db_copy_row(c, vals);
	}
	int erc = db_copy_end(c);
	return rc || erc ? -1 : 0;
}

int announcement_announce(db *d, arena *a, const struct actor *who, const struct village *v,
			  const char *quarter, const char *date, errlist *errs,
			  struct announcement **out)
{
	char qfrom[8], qto[8], after[11], today[11], yfrom[8];
	int year, rc = -1, in_tx = 0;
	struct note_signer key;
	memset(&key, 0, sizeof key);
	*out = NULL;
	if (quarter_parse(quarter, &year, NULL, qfrom, qto, after)) {
		errlist_add(errs, "季度「%s」格式不对，应为 YYYY-Qn，如 2024-Q2", quarter ? quarter : "");
		return 1;
	}
	snprintf(yfrom, sizeof yfrom, "%04d-01", year);
	date_today(today);
	if (!date || !date_valid(date)) {
		errlist_add(errs, "公示日期「%s」格式不对，应为 YYYY-MM-DD", date ? date : "");
		return 1;
	}
	if (strcmp(date, after) < 0) {
		errlist_add(errs, "%s 在 %s 还没有结束（%s 起才能公示）", quarter, date, after);
		return 1;
	}
	if (strcmp(date, today) > 0) {
		errlist_add(errs, "公示日期 %s 晚于今天 %s", date, today);
		return 1;
	}
	if (signing_key_load(a, &key, errs))
		return 1;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	if ((rc = announce_refusals(d, v, quarter, qfrom, qto, errs)))
		goto out;
	rc = -1;
	/* the chain head, locked (PostgreSQL: the row lock posting takes), so
	** that the ledger cannot move while the checkpoint and lines are taken */
	int64_t size = 0;
	char head[65];
	memcpy(head, LEDGER_GENESIS, 65);
	db_stmt *s = db_prepare(d, "UPDATE ledger_head SET seq = seq WHERE village_id = $v"
				   " RETURNING seq, hash");
	int st;
	if (!s || db_bind_int(s, "$v", v->id) || (st = db_step(s)) == DB_ERROR)
		goto out;
	if (st == DB_ROW) {
		size = db_column_int(s, 0);
		snprintf(head, sizeof head, "%s", db_column_text(s, 1));
	}
	db_reset(s);
	struct ledger_checkpoint *cp;
	if (checkpoint_sign(d, a, &key, v, size, &cp) < 0)
		goto out;
	struct announcement *ann = arena_alloc(a, sizeof *ann);
	ann->village_id = v->id;
	ann->quarter = arena_strdup(a, quarter);
	ann->announced_on = arena_strdup(a, date);
	char until[11];
	days_date(date_day_number(date) + v->objection_days - 1, until);
	ann->objection_until = arena_strdup(a, until);
	ann->checkpoint_id = cp->id;
	ann->checkpoint = cp->note;
	ann->ledger_size = size;
	ann->ledger_root = cp->root;
	ann->ledger_head = arena_strdup(a, head);
	ann->created_by = who->login;
	ann->created_at = now_unix();
	struct announcement_line *lines;
	int n;
	if (compute_lines(d, a, v, date, yfrom, qfrom, qto, &lines, &n))
		goto out;
	ann->households = n;
	const char *ledger_origin = signing_village_origin(a, key.name, v->code);
	struct merkle_memtree t = {.a = a};
	lines_tree(lines, n, ledger_origin, quarter, date, until, size, cp->root, &t);
	uint8_t root[32];
	merkle_range_root(&t.range, root);
	char root64[45];
	b64(root, root64);
	ann->lines_root = arena_strdup(a, root64);
	struct checkpoint c = {signing_announcement_origin(a, key.name, v->code, quarter),
			       (uint64_t)n, {0}, ""};
	memcpy(c.root, root, 32);
	char *note;
	int nrc = note_sign_logged(a, signing_key_path(), checkpoint_format(a, &c), &key, &note);
	if (nrc) {
		db_set_error(d, "公示签名失败（签名记录 %s）: %s",
			     note_log_path(a, signing_key_path()), note_strerror(nrc));
		goto out;
	}
	ann->note = note;
	if (store(d, ann, lines, n) || store_receipts(d, a, ann, lines, n, &t))
		goto out;
	buf js = {0};
	buf_printf(&js, "{\"quarter\":\"%s\",\"date\":\"%s\",\"objection_until\":\"%s\","
			"\"ledger_size\":%lld,\"ledger_root\":\"%s\",\"households\":%d,"
			"\"lines_root\":\"%s\"}",
		   quarter, date, until, (long long)size, cp->root, n, root64);
	char *obj = arena_printf(a, "announcement:%lld", (long long)ann->id);
	int arc = audit_record(d, who, v->id, "announcement.announce", obj, NULL, buf_cstr(&js));
	/* every household's passbook shows its receipt of this announcement:
	** stored again before the commit, which is the announcement day's
	** first read of them all */
	if (passbook_store_touch_village(d, v->id))
		arc = -1;
	buf_free(&js);
	if (arc || db_commit(d))
		goto out;
	in_tx = 0;
	*out = ann;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	note_signer_wipe(&key);
	return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

#define ANN_COLS "an.id, an.village_id, an.quarter, an.announced_on, an.objection_until," \
		 " an.checkpoint_id, an.ledger_size, an.ledger_root, an.ledger_head," \
		 " an.households, an.lines_root, an.note, an.created_by, an.created_at, cp.note"

static void ann_from_row(db *d, db_stmt *s, arena *a, struct announcement *ann)
{
	ann->id = db_column_int(s, 0);
	ann->village_id = db_column_int(s, 1);
	ann->quarter = db_column_dup(s, 2, a);
	ann->announced_on = db_column_dup(s, 3, a);
	ann->objection_until = db_column_dup(s, 4, a);
	ann->checkpoint_id = db_column_int(s, 5);
	ann->ledger_size = db_column_int(s, 6);
	ann->ledger_root = db_column_dup(s, 7, a);
	ann->ledger_head = db_column_dup(s, 8, a);
	ann->households = db_column_int(s, 9);
	ann->lines_root = db_column_dup(s, 10, a);
	ann->note = db_column_dup(s, 11, a);
	ann->created_by = db_column_dup(s, 12, a);
	ann->created_at = db_column_int(s, 13);
	ann->checkpoint = db_column_dup(s, 14, a);
	(void)d;
}

/* Append the cosignature lines of each announcement's checkpoint to its
** ->checkpoint.  Returns 0 or -1. */
static int add_cosignatures(db *d, arena *a, struct announcement *rows, int n)
{
	db_stmt *s = db_prepare(d, "SELECT line FROM checkpoint_cosignature"
				   " WHERE checkpoint_id = $cp ORDER BY id");
	for (int i = 0; i < n; i++) {
		int st;
		if (!s || db_bind_int(s, "$cp", rows[i].checkpoint_id))
			return -1;
		buf b = {0};
		buf_puts(&b, rows[i].checkpoint);
		while ((st = db_step(s)) == DB_ROW)
			buf_puts(&b, db_column_text(s, 0));
		rows[i].checkpoint = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		if (st != DB_DONE)
			return -1;
	}
	return 0;
}

int announcement_get(db *d, arena *a, int64_t village_id, const char *quarter,
		     struct announcement **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " ANN_COLS " FROM announcement an"
				   " JOIN ledger_checkpoint cp ON cp.id = an.checkpoint_id"
				   " WHERE an.village_id = $v AND an.quarter = $q");
	int st;
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$q", quarter) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st != DB_ROW)
		return 1;
	struct announcement *ann = arena_alloc(a, sizeof *ann);
	ann_from_row(d, s, a, ann);
	db_reset(s);
	if (add_cosignatures(d, a, ann, 1))
		return -1;
	*out = ann;
	return 0;
}

int announcement_list(db *d, arena *a, int64_t village_id, struct announcement **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " ANN_COLS " FROM announcement an"
				   " JOIN ledger_checkpoint cp ON cp.id = an.checkpoint_id"
				   " WHERE an.village_id = $v ORDER BY an.quarter DESC");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	int cap = 16, st;
	struct announcement *list = arena_alloc(a, (size_t)cap * sizeof *list);
	while ((st = db_step(s)) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		ann_from_row(d, s, a, &list[(*n)++]);
	}
	if (st != DB_DONE || add_cosignatures(d, a, list, *n))
		return -1;
	*rows = list;
	return 0;
}

int announcement_lines(db *d, arena *a, int64_t id, struct announcement_line **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT idx, household_id, code, name, quarter_points,"
				   " year_points, balance FROM announcement_line"
				   " WHERE announcement_id = $a ORDER BY idx");
	if (!s || db_bind_int(s, "$a", id))
		return -1;
	int cap = 256, st;
	struct announcement_line *list = arena_alloc(a, (size_t)cap * sizeof *list);
	while ((st = db_step(s)) == DB_ROW) {
		list = arena_grow(a, list, &cap, *n, sizeof *list);
		struct announcement_line *l = &list[(*n)++];
		l->idx = db_column_int(s, 0);
		l->household_id = db_column_int(s, 1);
		l->code = db_column_dup(s, 2, a);
		l->name = db_column_dup(s, 3, a);
		l->quarter_points = db_column_int(s, 4);
		l->year_points = db_column_int(s, 5);
		l->balance = db_column_int(s, 6);
	}
	if (st != DB_DONE)
		return -1;
	*rows = list;
	return 0;
}

int announcement_root(db *d, arena *a, const struct announcement *ann, uint8_t root[32],
		      int64_t *n)
{
	struct announcement_line *lines;
	int nl;
	if (announcement_lines(d, a, ann->id, &lines, &nl))
		return -1;
	struct merkle_memtree t = {.a = a};
	lines_tree(lines, nl, arena_strndup(a, ann->checkpoint, strcspn(ann->checkpoint, "\n")),
		   ann->quarter, ann->announced_on, ann->objection_until, ann->ledger_size,
		   ann->ledger_root, &t);
	merkle_range_root(&t.range, root);
	*n = nl;
	return 0;
}

/* ---- receipts ------------------------------------------------------------------------ */

/* The origin of a signed checkpoint note (its first line), in arena a. */
static char *note_origin(arena *a, const char *note)
{
	return arena_strndup(a, note, strcspn(note, "\n"));
}

/* The receipt text of line at of lines[0..n) of ann, whose tree t holds
** (arena a), or NULL when no proof can be made.  Without with_checkpoint
** it stops before the ledger checkpoint, the part that grows when a
** witness cosigns: what announcement_receipt stores. */
static char *receipt_text(arena *a, const struct announcement *ann,
			  const struct announcement_line *lines, int n, int at,
			  struct merkle_memtree *t, int with_checkpoint)
{
	uint8_t proof[MERKLE_MAX_PROOF][32];
	size_t np;
	struct merkle_reader r = merkle_memtree_reader(t);
	if (merkle_prove_inclusion((uint64_t)at, (uint64_t)n, &r, proof, &np))
		return NULL;
	buf b = {0};
	buf_puts(&b, "jifen-receipt/v1\nline ");
	announcement_line_csv(&b, &lines[at]);
	buf_printf(&b, "\nquarter %s\ndate %s\nobjection_until %s\nindex %d\n", ann->quarter,
		   ann->announced_on, ann->objection_until, at);
	for (size_t i = 0; i < np; i++) {
		char h[45];
		b64(proof[i], h);
		buf_printf(&b, "%s\n", h);
	}
	buf_printf(&b, "\n%s%s", ann->note, with_checkpoint ? ann->checkpoint : "");
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

int announcement_receipt(db *d, arena *a, const struct village *v,
			 const struct announcement *ann, const char *household_code,
			 errlist *errs, char **out)
{
	struct announcement_line *lines;
	int n;
	*out = NULL;
	/* stored with the announcement (021): one read */
	db_stmt *s = db_prepare(d, "SELECT receipt FROM announcement_receipt"
				   " WHERE announcement_id = $a AND code = $c");
	int st;
	if (!s || db_bind_int(s, "$a", ann->id) || db_bind_text(s, "$c", household_code) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st == DB_ROW) /* then the checkpoint as it stands, cosignatures and all */
		*out = arena_printf(a, "%s%s", db_column_text(s, 0), ann->checkpoint);
	db_reset(s);
	if (*out)
		return 0;
	if (announcement_lines(d, a, ann->id, &lines, &n))
		return -1;
	int at = -1;
	for (int i = 0; i < n && at < 0; i++)
		if (!strcmp(lines[i].code, household_code))
			at = i;
	if (at < 0) {
		errlist_add(errs, "村 %s 的 %s 公示里没有农户 %s", v->code, ann->quarter,
			    household_code);
		return 1;
	}
	const char *ledger_origin = note_origin(a, ann->checkpoint);
	struct merkle_memtree t = {.a = a};
	lines_tree(lines, n, ledger_origin, ann->quarter, ann->announced_on, ann->objection_until,
		   ann->ledger_size, ann->ledger_root, &t);
	*out = receipt_text(a, ann, lines, n, at, &t, 1);
	if (!*out) {
		db_set_error(d, "公示的默克尔证明无法生成");
		return -1;
	}
	return 0;
}

int announcement_verify_receipts(db *d, arena *a, const struct announcement *ann,
				 const char *village_code, errlist *errs, int64_t *checked)
{
	struct announcement_line *lines;
	int n, rows = 0, bad = 0, st;
	if (announcement_lines(d, a, ann->id, &lines, &n))
		return -1;
	struct merkle_memtree t = {.a = a};
	lines_tree(lines, n, note_origin(a, ann->checkpoint), ann->quarter, ann->announced_on,
		   ann->objection_until, ann->ledger_size, ann->ledger_root, &t);
	db_stmt *s = db_prepare(d, "SELECT code, receipt FROM announcement_receipt"
				   " WHERE announcement_id = $a ORDER BY code");
	if (!s || db_bind_int(s, "$a", ann->id))
		return -1;
	/* lines are in announcement order, rows by code: one pass each way
	** would need a sort; a village's ~500 lines make the scan cheap */
	while ((st = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0);
		int at = -1;
		for (int i = 0; i < n && at < 0; i++)
			if (!strcmp(lines[i].code, code))
				at = i;
		char *want = at < 0 ? NULL : receipt_text(a, ann, lines, n, at, &t, 0);
		rows++;
		if (at < 0)
			errlist_add(errs, "村 %s %s 的公示回执里有农户 %s，公示里却没有这一行", village_code,
				    ann->quarter, code);
		else if (!want || strcmp(want, db_column_text(s, 1)))
			errlist_add(errs, "村 %s %s 的公示里农户 %s 存放的回执与公示行算出的不一致（被改动）",
				    village_code, ann->quarter, code);
		else
			continue;
		bad = 1;
	}
	db_reset(s);
	if (st != DB_DONE)
		return -1;
	if (rows && rows != n && !bad) {
		errlist_add(errs, "村 %s %s 的公示有 %d 行，存放的回执却有 %d 份（被删除或多出）",
			    village_code, ann->quarter, n, rows);
		bad = 1;
	}
	*checked += rows;
	return bad;
}

int announcement_json(db *d, arena *a, struct json_writer *w, const char *village_code,
		      const struct announcement *ann, const struct announcement_line *lines, int n)
{
	(void)a;
	jw_obj(w, NULL);
	jw_str(w, "village", village_code);
	jw_str(w, "quarter", ann->quarter);
	jw_str(w, "date", ann->announced_on);
	jw_str(w, "objection_until", ann->objection_until);
	jw_obj(w, "ledger");
	jw_int(w, "size", ann->ledger_size);
	jw_str(w, "root", ann->ledger_root);
	jw_str(w, "head", ann->ledger_head);
	jw_str(w, "checkpoint", ann->checkpoint);
	jw_arr(w, "cosignatures");
	db_stmt *s = db_prepare(d, "SELECT witness, key_id, cosigned_at FROM checkpoint_cosignature"
				   " WHERE checkpoint_id = $cp ORDER BY id");
	int st;
	if (!s || db_bind_int(s, "$cp", ann->checkpoint_id))
		return -1;
	while ((st = db_step(s)) == DB_ROW) {
		jw_obj(w, NULL);
		jw_str(w, "witness", db_column_text(s, 0));
		jw_str(w, "key_id", db_column_text(s, 1));
		jw_int(w, "time", db_column_int(s, 2));
		jw_end_obj(w);
	}
	if (st != DB_DONE)
		return -1;
	jw_end_arr(w);
	jw_end_obj(w);
	jw_obj(w, "announcement");
	jw_int(w, "households", ann->households);
	jw_str(w, "root", ann->lines_root);
	jw_str(w, "checkpoint", ann->note);
	jw_end_obj(w);
	if (lines) {
		jw_arr(w, "lines");
		for (int i = 0; i < n; i++) {
			jw_obj(w, NULL);
			jw_str(w, "household", lines[i].code);
			jw_str(w, "name", lines[i].name);
			jw_int(w, "quarter_points", lines[i].quarter_points);
			jw_int(w, "year_points", lines[i].year_points);
			jw_int(w, "balance", lines[i].balance);
			jw_end_obj(w);
		}
		jw_end_arr(w);
	}
	jw_end_obj(w);
	return 0;
}

int announcement_latest_receipt(db *d, arena *a, const struct village *v,
				const char *household_code, struct announcement **ann,
				char **receipt)
{
	db_stmt *s = db_prepare(d, "SELECT an.quarter, r.receipt FROM announcement an"
				   " JOIN announcement_line l ON l.announcement_id = an.id"
				   " LEFT JOIN announcement_receipt r ON r.announcement_id = an.id"
				   " AND r.code = l.code WHERE an.village_id = $v"
				   " AND l.code = $code ORDER BY an.quarter DESC LIMIT 1");
	int st;
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$code", household_code) ||
	    (st = db_step(s)) == DB_ERROR)
		return -1;
	if (st != DB_ROW)
		return 1;
	char *quarter = db_column_dup(s, 0, a);
	/* stored with the announcement; computed for those from before 021 */
	char *stored = db_column_is_null(s, 1) ? NULL : db_column_dup(s, 1, a);
	db_reset(s);
	errlist errs = {0};
	int rc = announcement_get(d, a, v->id, quarter, ann);
	if (!rc && stored)
		*receipt = arena_printf(a, "%s%s", stored, (*ann)->checkpoint);
	else if (!rc)
		rc = announcement_receipt(d, a, v, *ann, household_code, &errs, receipt);
	errlist_free(&errs);
	return rc;
}

/* ---- cosignatures ------------------------------------------------------------------- */

int announcement_cosign(db *d, arena *a, const struct actor *who, const struct village *v,
			const struct announcement *ann, const char *witness_key, const char *text,
			errlist *errs, int *added)
{
	*added = 0;
	struct note_verifier w;
	if (note_verifier_parse(a, witness_key, &w) || w.type != NOTE_COSIGNATURE_V1) {
		errlist_add(errs, "见证方公钥不是 cosignature/v1 的验证公钥（jifen witness show 打印的那行）");
		return 1;
	}
	/* the stored note without its cosignatures, then the lines given */
	db_stmt *s = db_prepare(d, "SELECT note FROM ledger_checkpoint WHERE id = $cp");
	if (!s || db_bind_int(s, "$cp", ann->checkpoint_id) || db_step(s) != DB_ROW)
		return -1;
	const char *note = db_column_dup(s, 0, a);
	db_reset(s);
	buf msg = {0};
	buf_puts(&msg, note);
	int lines = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n) {
			buf_append(&msg, p, n);
			buf_puts(&msg, "\n");
			lines++;
		}
		p += n + (p[n] ? 1 : 0);
	}
	struct note_opened o;
	int orc = note_open(a, buf_cstr(&msg), msg.len, &w, 1, &o);
	buf_free(&msg);
	if (orc || !lines) {
		errlist_add(errs, "见证方的联署签名不符：%s",
			    orc == NOTE_ERR_BAD_SIGNATURE ? "签名验证失败"
			    : orc == NOTE_ERR_UNVERIFIED || !lines ? "没有这把见证公钥的签名"
							       : "签名行格式不对");
		return 1;
	}
	int rc = -1;
	if (db_begin_write(d))
		return -1;
	for (int i = 0; i < o.nsigs; i++) {
		if (o.sigs[i].key != 0)
			continue;
		char kid[9];
		snprintf(kid, sizeof kid, "%08x", o.sigs[i].key_id);
		s = db_prepare(d, "INSERT INTO checkpoint_cosignature(checkpoint_id, witness, key_id,"
				  " cosigned_at, line, added_by, added_at) VALUES($cp, $w, $k, $ts,"
				  " $line, $by, $at) ON CONFLICT (checkpoint_id, witness, key_id)"
				  " DO NOTHING");
		if (!s || db_bind_int(s, "$cp", ann->checkpoint_id) ||
		    db_bind_text(s, "$w", o.sigs[i].name) || db_bind_text(s, "$k", kid) ||
		    db_bind_int(s, "$ts", (int64_t)o.sigs[i].timestamp) ||
		    db_bind_text(s, "$line", o.sigs[i].line) || db_bind_text(s, "$by", who->login) ||
		    db_bind_int(s, "$at", now_unix()) || db_step(s) != DB_DONE)
			goto out;
		*added += (int)db_changes(d);
	}
	buf js = {0};
	struct json_writer jw;
	jw_begin(&jw, &js);
	jw_obj(&jw, NULL);
	jw_str(&jw, "quarter", ann->quarter);
	jw_str(&jw, "witness", w.name);
	jw_int(&jw, "added", *added);
	jw_end_obj(&jw);
	int arc = audit_record(d, who, v->id, "announcement.cosign",
			       arena_printf(a, "announcement:%lld", (long long)ann->id), NULL,
			       buf_cstr(&js));
	buf_free(&js);
	/* the passbooks show the receipt, which carries the cosignatures */
	if (!arc && *added && passbook_store_touch_village(d, v->id))
		arc = -1;
	if (arc || db_commit(d))
		goto out;
	return 0;
out:
	db_rollback(d);
	return rc;
}
