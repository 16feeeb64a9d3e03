/*
** household.c — the domain rules of households and members (household.h):
** eligibility 户在、房在、人在 and participation, field validation with
** Chinese messages, village-scoped lookups and lists, saving with audit
** records, leaving and the change history.  Members are in
** household_member.c, the CSV import in household_import.c.
**
** Every query carries the village condition: a household id alone never
** fetches a row, so a page that forgot its own check still could not reach
** another village's household.  The stored columns eligible/participating
** are written only from household_compute(), never by SQL expressions, so
** the rule lives in one place.
*/
#include "household.h"
#include "household_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "passbook_store.h"
#include "village.h"

const struct csv_col household_csv_spec[HF_COUNT] = {
	[HF_CODE] = {"code", "户编号", 1},
	[HF_HEAD_NAME] = {"head_name", "户主姓名", 1},
	[HF_ADDRESS] = {"address", "地址", 0},
	[HF_MEMBERS] = {"members", "人口数", 0},
	[HF_PHONE] = {"phone", "联系电话", 0},
	[HF_HUKOU] = {"hukou", "本地户籍", 1},
	[HF_HOMESTEAD] = {"homestead", "宅基地房屋", 1},
	[HF_RESIDENT] = {"resident", "常住", 1},
	[HF_TENANT] = {"tenant", "租赁户", 0},
	[HF_JOINED] = {"joined", "参与日期", 0},
};

const char *household_field_label(int f)
{
	return f >= 0 && f < HF_COUNT ? household_csv_spec[f].alias : "";
}

/* ---- the rule ---------------------------------------------------------- */

int household_is_eligible(const struct household *h, const struct village *v)
{
	if (h->hukou && h->homestead && h->resident)
		return 1;
	return h->tenant && v->admits_tenants;
}

int household_is_participating(const struct household *h, const struct village *v)
{
	return household_is_eligible(h, v) && h->joined && *h->joined && !h->left_on;
}

void household_compute(struct household *h, const struct village *v)
{
	h->eligible = household_is_eligible(h, v);
	h->participating = household_is_participating(h, v);
}

const char *household_status_label(const struct household *h)
{
	if (h->left_on)
		return "已退出";
	if (h->participating)
		return "参与中";
	if (h->eligible)
		return "符合条件未参与";
	return "不符合条件";
}

/* ---- reading rows -------------------------------------------------------- */

/* Fill h from a row of "SELECT " HH_COLS. */
void household_read_row(db_stmt *s, arena *a, void *row)
{
	struct household *h = row;
	memset(h, 0, sizeof *h);
	h->id = db_column_int(s, 0);
	h->village_id = db_column_int(s, 1);
	h->code = db_column_dup(s, 2, a);
	h->head_name = db_column_dup(s, 3, a);
	h->address = db_column_dup(s, 4, a);
	if (!h->address)
		h->address = "";
	h->member_count = db_column_int(s, 5);
	h->phone = db_column_dup(s, 6, a);
	if (!h->phone)
		h->phone = "";
	h->hukou = (int)db_column_int(s, 7);
	h->homestead = (int)db_column_int(s, 8);
	h->resident = (int)db_column_int(s, 9);
	h->tenant = (int)db_column_int(s, 10);
	h->joined = db_column_dup(s, 11, a);
	h->left_on = db_column_dup(s, 12, a);
	h->left_reason = db_column_dup(s, 13, a);
	h->eligible = (int)db_column_int(s, 14);
	h->participating = (int)db_column_int(s, 15);
	h->created_at = db_column_int(s, 16);
	h->updated_at = db_column_int(s, 17);
}

/* The household of village_id that s (prepared from a literal of "SELECT "
** HH_COLS, NULL when that failed) looks up by $v and either $code (code,
** when by_code) or $id: 0 (*out, arena a), 1 none, -1.  The three lookups
** keep their own literal and cached statement. */
static int get_one(db_stmt *s, arena *a, int64_t village_id, int by_code, const char *code,
		   int64_t id, struct household **out)
{
	*out = NULL;
	if (!s || db_bind_int(s, "$v", village_id) ||
	    (by_code ? db_bind_text(s, "$code", code) : db_bind_int(s, "$id", id)))
		return -1;
	return db_read_one(s, a, sizeof **out, household_read_row, out);
}

int household_get(db *d, arena *a, int64_t village_id, int64_t id, struct household **out)
{
	db_stmt *s = db_prepare(d, "SELECT " HH_COLS " FROM household"
				   " WHERE village_id = $v AND id = $id");
	return get_one(s, a, village_id, 0, NULL, id, out);
}

int household_get_by_code(db *d, arena *a, int64_t village_id, const char *code,
			  struct household **out)
{
	db_stmt *s = db_prepare(d, "SELECT " HH_COLS " FROM household"
				   " WHERE village_id = $v AND code = $code");
	return get_one(s, a, village_id, 1, code, 0, out);
}

int household_find_typed(db *d, arena *a, int64_t village_id, const char *typed,
			 struct household **out)
{
	db_stmt *s = db_prepare(d, "SELECT " HH_COLS " FROM household"
				   " WHERE village_id = $v AND (lower(code) = lower($code)"
				   "   OR lower(code) = lower((SELECT code FROM village WHERE id = $v)"
				   "                          || '-' || $code))"
				   " ORDER BY length(code), code LIMIT 1");
	return get_one(s, a, village_id, 1, typed, 0, out);
}

/* ---- validation ------------------------------------------------------------ */

/* A text field: clean UTF-8 without control characters (newlines only when
** allow_nl), at most maxlen characters, present when required.  Returns
** NULL or the message. */
const char *household_check_text(arena *a, const char *label, const char *s, size_t maxlen,
				 int required, int allow_nl)
{
	if (!*s)
		return required ? arena_printf(a, "%s不能为空", label) : NULL;
	if (!text_is_clean(s, allow_nl))
		return arena_printf(a, "%s含有无效字符（控制字符或非 UTF-8 文字）", label);
	if (utf8_len(s) > maxlen)
		return arena_printf(a, "%s最长 %zu 个字，现在是 %zu 个", label, maxlen,
				    utf8_len(s));
	return NULL;
}

/* Phone: 7–15 digits, or empty.  NULL or the message. */
const char *household_check_phone(arena *a, const char *label, const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return NULL;
	if (strspn(s, "0123456789") != n || n < 7 || n > 15)
		return arena_printf(a, "%s应为 7–15 位数字", label);
	return NULL;
}

/* A yes/no field into *out.  Empty: def when def >= 0, else the "required"
** message.  NULL or the message. */
const char *household_check_yesno(arena *a, const char *label, const char *s, int def,
				  int *out)
{
	if (!*s) {
		if (def >= 0) {
			*out = def;
			return NULL;
		}
		return arena_printf(a, "%s不能为空，应填 是 或 否", label);
	}
	int yn = parse_yesno(s);
	if (yn < 0) {
		if (!text_is_clean(s, 0) || utf8_len(s) > 20)
			return arena_printf(a, "%s应填 是/否（或 Y/N、1/0、yes/no）", label);
		return arena_printf(a, "%s应填 是/否（或 Y/N、1/0、yes/no），不能是“%s”", label, s);
	}
	*out = yn;
	return NULL;
}

/* Copy s with CRLF and lone CR turned into LF (addresses may span lines;
** browsers send CRLF, files either). */
static char *normalize_newlines(arena *a, const char *s)
{
	char *o = arena_strdup(a, s), *w = o;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			*w++ = '\n';
			if (p[1] == '\n')
				p++;
		} else
			*w++ = *p;
	}
	*w = 0;
	return o;
}

int household_check(arena *a, const char *const vals[HF_COUNT], const char *today,
		    struct household *h, unsigned *given, const char *msgs[HF_COUNT])
{
	const char *v[HF_COUNT];
	unsigned g = 0;
	for (int f = 0; f < HF_COUNT; f++) {
		msgs[f] = NULL;
		v[f] = vals[f] ? vals[f] : "";
		if (vals[f])
			g |= 1u << f;
	}
	if (given)
		*given = g;

	msgs[HF_CODE] = household_check_text(a, "户编号", v[HF_CODE], 32, 1, 0);
	h->code = arena_strdup(a, v[HF_CODE]);
	msgs[HF_HEAD_NAME] = household_check_text(a, "户主姓名", v[HF_HEAD_NAME], 50, 1, 0);
	h->head_name = arena_strdup(a, v[HF_HEAD_NAME]);
	msgs[HF_ADDRESS] = household_check_text(a, "地址", v[HF_ADDRESS], 200, 0, 1);
	h->address = normalize_newlines(a, v[HF_ADDRESS]);

	h->member_count = 0;
	if (*v[HF_MEMBERS]) {
		int64_t n;
		if (parse_int64(v[HF_MEMBERS], &n) || n < 1)
			msgs[HF_MEMBERS] = "人口数应为不小于 1 的整数";
		else if (n > 9999)
			msgs[HF_MEMBERS] = "人口数不能超过 9999";
		else
			h->member_count = n;
	}

	msgs[HF_PHONE] = household_check_phone(a, "联系电话", v[HF_PHONE]);
	h->phone = arena_strdup(a, v[HF_PHONE]);

	msgs[HF_HUKOU] = household_check_yesno(a, "本地户籍", v[HF_HUKOU], -1, &h->hukou);
	msgs[HF_HOMESTEAD] = household_check_yesno(a, "宅基地房屋", v[HF_HOMESTEAD], -1, &h->homestead);
	msgs[HF_RESIDENT] = household_check_yesno(a, "常住", v[HF_RESIDENT], -1, &h->resident);
	msgs[HF_TENANT] = household_check_yesno(a, "租赁户", v[HF_TENANT], 0, &h->tenant);

	h->joined = NULL;
	if (*v[HF_JOINED]) {
		if (!date_valid(v[HF_JOINED]))
			msgs[HF_JOINED] = "参与日期应为有效日期，格式 YYYY-MM-DD（如 2024-04-01）";
		else if (strcmp(v[HF_JOINED], today) > 0)
			msgs[HF_JOINED] = arena_printf(a, "参与日期不能晚于今天（%s）", today);
		else
			h->joined = arena_strdup(a, v[HF_JOINED]);
	}

	int bad = 0;
	for (int f = 0; f < HF_COUNT; f++)
		bad += msgs[f] != NULL;
	return bad;
}

/* ---- lists --------------------------------------------------------------------- */

static const char *const filter_names[HH_FILTER_COUNT] = {
	"all", "participating", "eligible_not_joined", "not_eligible", "left",
};
static const char *const filter_labels[HH_FILTER_COUNT] = {
	"全部", "参与", "符合条件未参与", "不符合条件", "已退出",
};

int household_filter_from_name(const char *name)
{
	if (!name || !*name)
		return HH_ALL;
	for (int f = 0; f < HH_FILTER_COUNT; f++)
		if (!strcmp(name, filter_names[f]))
			return f;
	return -1;
}

const char *household_filter_name(int f)
{
	return f >= 0 && f < HH_FILTER_COUNT ? filter_names[f] : "all";
}

const char *household_filter_label(int f)
{
	return f >= 0 && f < HH_FILTER_COUNT ? filter_labels[f] : "";
}

/* The LIKE pattern of a search: %text% with % _ \ escaped by backslash and
** ASCII lowered (the query compares lower(column)), so that both engines
** match the same rows. */
static char *like_pattern(arena *a, const char *q)
{
	size_t n = strlen(q);
	char *p = arena_alloc(a, 2 * n + 3), *w = p;
	*w++ = '%';
	for (const char *s = q; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*w++ = '\\';
		*w++ = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
	}
	*w++ = '%';
	*w = 0;
	return p;
}

int household_list(db *d, arena *a, int64_t village_id, const char *search, int filter,
		   int page, int per_page, struct household **rows, int *n, int64_t *total)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	int has_q = search && *search;
	const char *pat = like_pattern(a, has_q ? search : "");
	if (page < 1)
		page = 1;
	if (per_page < 1)
		per_page = 50;
	if (filter < 0 || filter >= HH_FILTER_COUNT)
		filter = HH_ALL;

	int64_t counts[HH_FILTER_COUNT];
	if (household_counts(d, village_id, search, counts))
		return -1;
	*total = counts[filter];

	db_stmt *s = db_prepare(
		d, "SELECT " HH_COLS " FROM household WHERE village_id = $v"
		   " AND ($hasq = 0 OR lower(code) LIKE $pat ESCAPE '\\'"
		   "      OR lower(head_name) LIKE $pat ESCAPE '\\')"
		   " AND ($f = 0 OR ($f = 1 AND participating = 1)"
		   "      OR ($f = 2 AND eligible = 1 AND joined IS NULL AND left_on IS NULL)"
		   "      OR ($f = 3 AND eligible = 0 AND left_on IS NULL)"
		   "      OR ($f = 4 AND left_on IS NOT NULL))"
		   " ORDER BY length(code), code, id LIMIT $lim OFFSET $off");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$hasq", has_q) ||
	    db_bind_text(s, "$pat", pat) || db_bind_int(s, "$f", filter) ||
	    db_bind_int(s, "$lim", per_page) ||
	    db_bind_int(s, "$off", (int64_t)(page - 1) * per_page))
		return -1;
	struct household *out = arena_alloc(a, sizeof *out * (size_t)per_page);
	int k = 0, st;
	while ((st = db_step(s)) == DB_ROW && k < per_page)
		household_read_row(s, a, &out[k++]);
	if (st != DB_ROW && st != DB_DONE)
		return -1;
	db_reset(s);
	*rows = out;
	*n = k;
	return 0;
}

int household_counts(db *d, int64_t village_id, const char *search,
		     int64_t counts[HH_FILTER_COUNT])
{
	arena *a = arena_new();
	int rc = -1;
	int has_q = search && *search;
	db_stmt *s = db_prepare(
		d, "SELECT COUNT(*),"
		   " SUM(CASE WHEN participating = 1 THEN 1 ELSE 0 END),"
		   " SUM(CASE WHEN eligible = 1 AND joined IS NULL AND left_on IS NULL"
		   "     THEN 1 ELSE 0 END),"
		   " SUM(CASE WHEN eligible = 0 AND left_on IS NULL THEN 1 ELSE 0 END),"
		   " SUM(CASE WHEN left_on IS NOT NULL THEN 1 ELSE 0 END)"
		   " FROM household WHERE village_id = $v"
		   " AND ($hasq = 0 OR lower(code) LIKE $pat ESCAPE '\\'"
		   "      OR lower(head_name) LIKE $pat ESCAPE '\\')");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$hasq", has_q) ||
	    db_bind_text(s, "$pat", like_pattern(a, has_q ? search : "")))
		goto out;
	if (db_step(s) != DB_ROW)
		goto out;
	for (int f = 0; f < HH_FILTER_COUNT; f++)
		counts[f] = db_column_int(s, f);
	db_reset(s);
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* ---- JSON for the audit log ------------------------------------------------------ */

void household_json(buf *b, const struct household *h)
{
	struct json_writer w;
	jw_begin(&w, b);
	jw_obj(&w, NULL);
	jw_int(&w, "id", h->id);
	jw_str(&w, "code", h->code);
	jw_str(&w, "head_name", h->head_name);
	jw_str(&w, "address", h->address);
	if (h->member_count > 0)
		jw_int(&w, "members", h->member_count);
	else
		jw_null(&w, "members");
	jw_str(&w, "phone", h->phone);
	jw_int(&w, "hukou", h->hukou);
	jw_int(&w, "homestead", h->homestead);
	jw_int(&w, "resident", h->resident);
	jw_int(&w, "tenant", h->tenant);
	jw_str(&w, "joined", h->joined);
	jw_str(&w, "left_on", h->left_on);
	jw_str(&w, "left_reason", h->left_reason);
	jw_int(&w, "eligible", h->eligible);
	jw_int(&w, "participating", h->participating);
	jw_end_obj(&w);
}

/* ---- writing households ---------------------------------------------------------- */

/* The audit object of a household: "household:ID" into out. */
void household_object_name(char out[40], int64_t id)
{
	snprintf(out, 40, "household:%" PRId64, id);
}

/* household_json() for household_audit_commit(). */
static void household_row_json(buf *b, const void *row)
{
	household_json(b, row);
}

int household_audit_commit(db *d, const struct actor *who, int64_t village_id,
			   const char *action, int64_t household_id,
			   void (*to_json)(buf *b, const void *row), const void *before,
			   const void *after)
{
	buf b1 = {0}, b2 = {0};
	char obj[40];
	household_object_name(obj, household_id);
	if (before)
		to_json(&b1, before);
	if (after)
		to_json(&b2, after);
	int rc = audit_record(d, who, village_id, action, obj, before ? buf_cstr(&b1) : NULL,
			      after ? buf_cstr(&b2) : NULL);
	buf_free(&b1);
	buf_free(&b2);
	return rc || db_commit(d) ? -1 : 0;
}

/* Bind the entry and computed fields of h to an INSERT or UPDATE. */
static int bind_household(db_stmt *s, const struct household *h, int64_t now)
{
	int rc = db_bind_text(s, "$code", h->code) || db_bind_text(s, "$head", h->head_name) ||
		 db_bind_text(s, "$addr", h->address ? h->address : "") ||
		 db_bind_text(s, "$phone", h->phone ? h->phone : "") ||
		 db_bind_int(s, "$hukou", h->hukou) || db_bind_int(s, "$home", h->homestead) ||
		 db_bind_int(s, "$res", h->resident) || db_bind_int(s, "$tenant", h->tenant) ||
		 db_bind_text(s, "$joined", h->joined) ||
		 db_bind_int(s, "$elig", h->eligible) ||
		 db_bind_int(s, "$part", h->participating) || db_bind_int(s, "$now", now);
	if (!rc)
		rc = h->member_count > 0 ? db_bind_int(s, "$members", h->member_count)
					 : db_bind_null(s, "$members");
	return rc ? -1 : 0;
}

/* INSERT h (computed fields already set) into village vid; h->id receives
** the new id.  Returns 0, DB_CONSTRAINT when the code is taken, -1. */
static int insert_household(db *d, int64_t village_id, struct household *h)
{
	int64_t now = now_unix();
	db_stmt *s = db_prepare(
		d, "INSERT INTO household(village_id, code, head_name, address, member_count,"
		   " phone, hukou, homestead, resident, tenant, joined, eligible, participating,"
		   " created_at, updated_at) VALUES ($v, $code, $head, $addr, $members, $phone,"
		   " $hukou, $home, $res, $tenant, $joined, $elig, $part, $now, $now)"
		   " RETURNING id");
	if (!s || db_bind_int(s, "$v", village_id) || bind_household(s, h, now))
		return -1;
	int st = db_step(s);
	if (st == DB_CONSTRAINT)
		return DB_CONSTRAINT;
	if (st != DB_ROW)
		return -1;
	h->id = db_column_int(s, 0);
	h->village_id = village_id;
	h->created_at = h->updated_at = now;
	db_reset(s);
	return 0;
}

/* UPDATE household h->id of village vid to h's fields (leaving fields
** included).  Returns 0, DB_CONSTRAINT when the code is taken, -1. */
int household_update_row(db *d, int64_t village_id, struct household *h)
{
	int64_t now = now_unix();
	db_stmt *s = db_prepare(
		d, "UPDATE household SET code = $code, head_name = $head, address = $addr,"
		   " member_count = $members, phone = $phone, hukou = $hukou,"
		   " homestead = $home, resident = $res, tenant = $tenant, joined = $joined,"
		   " left_on = $left, left_reason = $reason, eligible = $elig,"
		   " participating = $part, updated_at = $now"
		   " WHERE id = $id AND village_id = $v");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$id", h->id) ||
	    bind_household(s, h, now) || db_bind_text(s, "$left", h->left_on) ||
	    db_bind_text(s, "$reason", h->left_reason))
		return -1;
	int st = db_step(s);
	if (st == DB_CONSTRAINT)
		return DB_CONSTRAINT;
	if (st != DB_DONE)
		return -1;
	h->updated_at = now;
	/* its code and head's name head the passbook */
	return passbook_store_touch(d, h->id) ? -1 : 0;
}

int household_save(db *d, const struct actor *who, const struct village *v,
		   struct household *h, const char *msgs[HF_COUNT])
{
	int rc = -1, in_tx = 0;
	arena *a = arena_new();
	for (int f = 0; f < HF_COUNT; f++)
		msgs[f] = NULL;
	if (db_begin_write(d))
		goto out;
	in_tx = 1;

	struct household *other;
	int got = household_get_by_code(d, a, v->id, h->code, &other);
	if (got < 0)
		goto out;
	if (got == 0 && other->id != h->id) {
		msgs[HF_CODE] = "户编号已被本村另一户使用";
		rc = 1;
		goto out;
	}

	struct household *before = NULL;
	if (h->id) {
		got = household_get(d, a, v->id, h->id, &before);
		if (got < 0)
			goto out;
		if (got) {
			msgs[HF_CODE] = "本村没有这一户";
			rc = 1;
			goto out;
		}
		h->left_on = before->left_on;
		h->left_reason = before->left_reason;
		h->created_at = before->created_at;
		h->village_id = v->id;
	} else {
		h->left_on = h->left_reason = NULL;
	}
	household_compute(h, v);

	int st = h->id ? household_update_row(d, v->id, h) : insert_household(d, v->id, h);
	if (st == DB_CONSTRAINT) {
		msgs[HF_CODE] = "户编号已被本村另一户使用";
		rc = 1;
		goto out;
	}
	if (st)
		goto out;
	if (household_audit_commit(d, who, v->id, before ? "household.update" : "household.add",
				   h->id, household_row_json, before, h))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int household_leave(db *d, const struct actor *who, const struct village *v, int64_t id,
		    const char *date, const char *reason, errlist *errs)
{
	int rc = -1, in_tx = 0;
	arena *a = arena_new();
	char today[11];
	date_today(today);
	date = date ? date : "";
	reason = reason ? reason : "";

	int bad = 0;
	if (!date_valid(date)) {
		errlist_add(errs, "退出日期应为有效日期，格式 YYYY-MM-DD");
		bad++;
	} else if (strcmp(date, today) > 0) {
		errlist_add(errs, "退出日期不能晚于今天（%s）", today);
		bad++;
	}
	const char *m = household_check_text(a, "退出原因", reason, 200, 1, 0);
	if (m) {
		errlist_add(errs, "%s", m);
		bad++;
	}
	if (bad) {
		rc = 1;
		goto out;
	}

	struct household *before;
	int got = household_begin_change(d, a, v, id, &before, errs, &in_tx);
	if (got) {
		rc = got;
		goto out;
	}
	if (before->left_on) {
		errlist_add(errs, "该户已于 %s 退出", before->left_on);
		rc = 1;
		goto out;
	}
	if (before->joined && strcmp(date, before->joined) < 0) {
		errlist_add(errs, "退出日期不能早于参与日期（%s）", before->joined);
		rc = 1;
		goto out;
	}
	struct household after = *before;
	after.left_on = date;
	after.left_reason = reason;
	household_compute(&after, v);
	if (household_update_row(d, v->id, &after))
		goto out;
	if (household_audit_commit(d, who, v->id, "household.leave", id, household_row_json,
				   before, &after))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int household_begin_change(db *d, arena *a, const struct village *v, int64_t id,
			   struct household **out, errlist *errs, int *in_tx)
{
	if (db_begin_write(d))
		return -1;
	*in_tx = 1;
	int got = household_get(d, a, v->id, id, out);
	if (got > 0)
		errlist_add(errs, "本村没有这一户");
	return got;
}

int household_recompute_village(db *d, const struct village *v)
{
	struct fix {
		int64_t id;
		int eligible, participating;
	} *fixes = NULL;
	size_t nfix = 0, capfix = 0;
	int rc = -1, st;

	db_stmt *s = db_prepare(d, "SELECT id, hukou, homestead, resident, tenant, joined,"
				   " left_on, eligible, participating FROM household"
				   " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		goto out;
	while ((st = db_step(s)) == DB_ROW) {
		struct household h = {0};
		h.hukou = (int)db_column_int(s, 1);
		h.homestead = (int)db_column_int(s, 2);
		h.resident = (int)db_column_int(s, 3);
		h.tenant = (int)db_column_int(s, 4);
		h.joined = db_column_is_null(s, 5) ? NULL : "set";
		h.left_on = db_column_is_null(s, 6) ? NULL : "set";
		household_compute(&h, v);
		if (h.eligible == db_column_int(s, 7) && h.participating == db_column_int(s, 8))
			continue;
		if (nfix == capfix) {
			capfix = capfix ? capfix * 2 : 64;
			fixes = realloc(fixes, capfix * sizeof *fixes);
			if (!fixes)
				abort();
		}
		fixes[nfix].id = db_column_int(s, 0);
		fixes[nfix].eligible = h.eligible;
		fixes[nfix].participating = h.participating;
		nfix++;
	}
	if (st != DB_DONE)
		goto out;
	for (size_t i = 0; i < nfix; i++) {
		db_stmt *u = db_prepare(d, "UPDATE household SET eligible = $e, participating = $p,"
					   " updated_at = $now WHERE id = $id AND village_id = $v");
		if (!u || db_bind_int(u, "$e", fixes[i].eligible) ||
		    db_bind_int(u, "$p", fixes[i].participating) ||
		    db_bind_int(u, "$now", now_unix()) || db_bind_int(u, "$id", fixes[i].id) ||
		    db_bind_int(u, "$v", v->id) || db_step(u) != DB_DONE)
			goto out;
	}
	rc = 0;
out:
	free(fixes);
	return rc;
}

/* ---- change history ------------------------------------------------------------------------ */

int household_history(db *d, arena *a, int64_t village_id, int64_t household_id, int limit,
		      struct household_change **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	char obj[40];
	household_object_name(obj, household_id);
	if (limit < 1)
		limit = 100;
	db_stmt *s = db_prepare(d, "SELECT id, at, login, ip, action, before_json, after_json"
				   " FROM audit WHERE village_id = $v AND object = $o"
				   " ORDER BY id DESC LIMIT $lim");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$o", obj) ||
	    db_bind_int(s, "$lim", limit))
		return -1;
	struct household_change *out = arena_alloc(a, sizeof *out * (size_t)limit);
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < limit) {
		struct household_change *c = &out[(*n)++];
		c->id = db_column_int(s, 0);
		c->at = db_column_int(s, 1);
		c->login = db_column_dup(s, 2, a);
		c->ip = db_column_dup(s, 3, a);
		c->action = db_column_dup(s, 4, a);
		c->before = db_column_dup(s, 5, a);
		c->after = db_column_dup(s, 6, a);
	}
	if (st != DB_ROW && st != DB_DONE)
		return -1;
	db_reset(s);
	*rows = out;
	return 0;
}

const char *household_action_label(const char *action)
{
	static const struct {
		const char *action, *label;
	} labels[] = {
		{"household.add", "新增农户"},
		{"household.update", "修改信息"},
		{"household.leave", "退出"},
		{"household.import_add", "导入新增"},
		{"household.import_update", "导入更新"},
		{"member.add", "添加成员"},
		{"member.update", "修改成员"},
		{"member.remove", "移除成员"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(action, labels[i].action))
			return labels[i].label;
	return action;
}

char *phone_mask(arena *a, const char *phone)
{
	size_t n = phone ? strlen(phone) : 0;
	if (n == 0)
		return arena_strdup(a, "");
	if (n >= 11)
		return arena_printf(a, "%.3s****%s", phone, phone + n - 4);
	if (n > 4)
		return arena_printf(a, "****%s", phone + n - 3);
	return arena_strdup(a, "****");
}
