/*
** household_member.c — the members of a household (家庭成员): their
** fields' checks, the list, and adding, changing and removing one (never
** deleted: removed_on is set), each in one transaction with an audit row
** on the household's object.  Split out of household.c, whose field
** checks and audit helper it shares through household_int.h.
*/
#include "household.h"
#include "household_int.h"

#include "json.h"
#include "village.h"

/* The member as a JSON object appended to b (audit before/after). */
static void member_json(buf *b, const void *row)
{
	const struct member *m = row;
	struct json_writer w;
	jw_begin(&w, b);
	jw_obj(&w, NULL);
	jw_int(&w, "member_id", m->id);
	jw_str(&w, "name", m->name);
	jw_str(&w, "relation", m->relation);
	jw_int(&w, "party_member", m->party_member);
	jw_str(&w, "phone", m->phone);
	jw_str(&w, "removed_on", m->removed_on);
	jw_end_obj(&w);
}

static const char *const member_labels[MF_COUNT] = {"姓名", "与户主关系", "党员", "联系电话"};

const char *member_field_label(int f)
{
	return f >= 0 && f < MF_COUNT ? member_labels[f] : "";
}

int member_check(arena *a, const char *const vals[MF_COUNT], struct member *m,
		 const char *msgs[MF_COUNT])
{
	const char *v[MF_COUNT];
	for (int f = 0; f < MF_COUNT; f++) {
		msgs[f] = NULL;
		v[f] = vals[f] ? vals[f] : "";
	}
	msgs[MF_NAME] = household_check_text(a, "姓名", v[MF_NAME], 50, 1, 0);
	m->name = arena_strdup(a, v[MF_NAME]);
	msgs[MF_RELATION] = household_check_text(a, "与户主关系", v[MF_RELATION], 20, 0, 0);
	m->relation = arena_strdup(a, v[MF_RELATION]);
	msgs[MF_PARTY] = household_check_yesno(a, "党员", v[MF_PARTY], 0, &m->party_member);
	msgs[MF_PHONE] = household_check_phone(a, "联系电话", v[MF_PHONE]);
	m->phone = arena_strdup(a, v[MF_PHONE]);
	int bad = 0;
	for (int f = 0; f < MF_COUNT; f++)
		bad += msgs[f] != NULL;
	return bad;
}

#define MEMBER_COLS                                                                   \
	"m.id, m.household_id, m.name, m.relation, m.party_member, m.phone, m.removed_on," \
	" m.created_at"

/* A row of "SELECT " MEMBER_COLS (a db_row_fn). */
static void read_member(db_stmt *s, arena *a, void *row)
{
	struct member *m = row;
	m->id = db_column_int(s, 0);
	m->household_id = db_column_int(s, 1);
	m->name = db_column_dup(s, 2, a);
	m->relation = db_column_dup(s, 3, a);
	if (!m->relation)
		m->relation = "";
	m->party_member = (int)db_column_int(s, 4);
	m->phone = db_column_dup(s, 5, a);
	if (!m->phone)
		m->phone = "";
	m->removed_on = db_column_dup(s, 6, a);
	m->created_at = db_column_int(s, 7);
}

int member_list(db *d, arena *a, int64_t village_id, int64_t household_id, int with_removed,
		struct member **rows, int *n)
{
	*rows = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT " MEMBER_COLS " FROM member m"
				   " JOIN household h ON h.id = m.household_id"
				   " WHERE h.village_id = $v AND m.household_id = $h"
				   " AND ($all = 1 OR m.removed_on IS NULL) ORDER BY m.id");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_int(s, "$all", with_removed ? 1 : 0))
		return -1;
	return db_read_rows(s, a, sizeof **rows, read_member, rows, n);
}

int member_get(db *d, arena *a, int64_t village_id, int64_t household_id, int64_t member_id,
	       struct member **out)
{
	*out = NULL;
	db_stmt *s = db_prepare(d, "SELECT " MEMBER_COLS " FROM member m"
				   " JOIN household h ON h.id = m.household_id"
				   " WHERE h.village_id = $v AND m.household_id = $h AND m.id = $m");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$h", household_id) ||
	    db_bind_int(s, "$m", member_id))
		return -1;
	return db_read_one(s, a, sizeof **out, read_member, out);
}

/* The member member_id of household_id in village_id that is not removed,
** into *out (arena a), for a change to it: 0; 1 with "这一户没有这位成员"
** added to errs when there is no such member or it was removed; -1. */
static int live_member(db *d, arena *a, int64_t village_id, int64_t household_id,
		       int64_t member_id, struct member **out, errlist *errs)
{
	int got = member_get(d, a, village_id, household_id, member_id, out);
	if (got < 0)
		return -1;
	if (got || (*out)->removed_on) {
		errlist_add(errs, "这一户没有这位成员");
		return 1;
	}
	return 0;
}

int member_save(db *d, const struct actor *who, const struct village *v, int64_t household_id,
		struct member *m, errlist *errs)
{
	int rc = -1, in_tx = 0, got;
	arena *a = arena_new();
	struct household *h;
	if ((got = household_begin_change(d, a, v, household_id, &h, errs, &in_tx))) {
		rc = got;
		goto out;
	}
	struct member *before = NULL;
	if (m->id) {
		if ((got = live_member(d, a, v->id, household_id, m->id, &before, errs))) {
			rc = got;
			goto out;
		}
		db_stmt *s = db_prepare(d, "UPDATE member SET name = $name, relation = $rel,"
					   " party_member = $party, phone = $phone"
					   " WHERE id = $m AND household_id = $h");
		if (!s || db_bind_text(s, "$name", m->name) ||
		    db_bind_text(s, "$rel", m->relation) ||
		    db_bind_int(s, "$party", m->party_member) ||
		    db_bind_text(s, "$phone", m->phone) || db_bind_int(s, "$m", m->id) ||
		    db_bind_int(s, "$h", household_id) || db_step(s) != DB_DONE)
			goto out;
		m->created_at = before->created_at;
	} else {
		db_stmt *s = db_prepare(d, "INSERT INTO member(household_id, name, relation,"
					   " party_member, phone, created_at)"
					   " VALUES ($h, $name, $rel, $party, $phone, $now)"
					   " RETURNING id");
		m->created_at = now_unix();
		if (!s || db_bind_int(s, "$h", household_id) ||
		    db_bind_text(s, "$name", m->name) || db_bind_text(s, "$rel", m->relation) ||
		    db_bind_int(s, "$party", m->party_member) ||
		    db_bind_text(s, "$phone", m->phone) || db_bind_int(s, "$now", m->created_at) ||
		    db_step(s) != DB_ROW)
			goto out;
		m->id = db_column_int(s, 0);
		db_reset(s);
	}
	m->household_id = household_id;
	m->removed_on = NULL;
	if (household_audit_commit(d, who, v->id, before ? "member.update" : "member.add",
				   household_id, member_json, before, m))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(d);
	arena_free(a);
	return rc;
}

int member_remove(db *d, const struct actor *who, const struct village *v,
		  int64_t household_id, int64_t member_id, errlist *errs)
{
	int rc = -1, in_tx = 0, got;
	arena *a = arena_new();
	char today[11];
	date_today(today);
	if (db_begin_write(d))
		goto out;
	in_tx = 1;
	struct member *before;
	if ((got = live_member(d, a, v->id, household_id, member_id, &before, errs))) {
		rc = got;
		goto out;
	}
	db_stmt *s = db_prepare(d, "UPDATE member SET removed_on = $day"
				   " WHERE id = $m AND household_id = $h AND removed_on IS NULL");
	if (!s || db_bind_text(s, "$day", today) || db_bind_int(s, "$m", member_id) ||
	    db_bind_int(s, "$h", household_id) || db_step(s) != DB_DONE)
		goto out;
	struct member after = *before;
	after.removed_on = today;
	if (household_audit_commit(d, who, v->id, "member.remove", household_id, member_json,
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
