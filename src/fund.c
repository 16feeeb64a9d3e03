/*
** fund.c — fund movements by source, their balances, reversals and the
** coverage of the points outstanding (fund.h).
*/
#include "fund.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

const char *const fund_sources[FUND_SOURCES] = {"self_raised", "higher_level", "incentive",
						"donation"};
static const char *const source_labels[FUND_SOURCES] = {"村民委员会自筹", "上级统筹",
							"激励奖励资金", "社会捐赠"};

const char *fund_source_label(int i)
{
	return i >= 0 && i < FUND_SOURCES ? source_labels[i] : "";
}

int fund_source_index(const char *name)
{
	for (int i = 0; name && i < FUND_SOURCES; i++)
		if (!strcmp(name, fund_sources[i]))
			return i;
	return -1;
}

/* Lock the (village, source) balance row and read it.  0 or -1. */
static int lock_balance(db *d, int64_t village_id, const char *source, int64_t *income,
			int64_t *spent)
{
	db_stmt *s = db_prepare(d, "INSERT INTO fund_balance(village_id, source, income_fen, spent_fen)"
				   " VALUES($v, $s, 0, 0) ON CONFLICT (village_id, source) DO NOTHING");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$s", source) ||
	    db_step(s) != DB_DONE)
		return -1;
	s = db_prepare(d, "UPDATE fund_balance SET income_fen = income_fen"
			  " WHERE village_id = $v AND source = $s RETURNING income_fen, spent_fen");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$s", source) ||
	    db_step(s) != DB_ROW)
		return -1;
	*income = db_column_int(s, 0);
	*spent = db_column_int(s, 1);
	db_reset(s);
	return 0;
}

/* Append one movement and add it to its balance row, inside the caller's
** transaction (the balance locked).  0 or -1. */
static int append_move(db *d, const struct actor *who, const struct village *v,
		       const struct fund_move *m, int64_t *id)
{
	db_stmt *s = db_prepare(d, "INSERT INTO fund_move(village_id, source, flow, amount_fen, date,"
				   " donor, note, reversal_of, recorded_by, created_at)"
				   " VALUES($v, $s, $f, $amt, $d, $donor, $note, $rev, $by, $now)"
				   " RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$s", m->source) ||
	    db_bind_text(s, "$f", m->flow) || db_bind_int(s, "$amt", m->amount_fen) ||
	    db_bind_text(s, "$d", m->date) || db_bind_text(s, "$donor", m->donor ? m->donor : "") ||
	    db_bind_text(s, "$note", m->note ? m->note : "") ||
	    db_bind_int_or_null(s, "$rev", m->reversal_of) ||
	    db_bind_text(s, "$by", who->login) || db_bind_int(s, "$now", now_unix()) ||
	    db_step(s) != DB_ROW)
		return -1;
	*id = db_column_int(s, 0);
	db_reset(s);
	s = db_prepare(d, !strcmp(m->flow, "income")
				  ? "UPDATE fund_balance SET income_fen = income_fen + $amt"
				    " WHERE village_id = $v AND source = $s"
				  : "UPDATE fund_balance SET spent_fen = spent_fen + $amt"
				    " WHERE village_id = $v AND source = $s");
	if (!s || db_bind_int(s, "$amt", m->amount_fen) || db_bind_int(s, "$v", v->id) ||
	    db_bind_text(s, "$s", m->source) || db_step(s) != DB_DONE)
		return -1;
	buf js = {0};
	char fen[32], obj[40];
	buf_printf(&js, "{\"source\":\"%s\",\"flow\":\"%s\",\"amount\":\"%s\",\"date\":\"%s\"",
		   m->source, m->flow, fen_format(fen, m->amount_fen), m->date);
	if (m->reversal_of)
		buf_printf(&js, ",\"reversal_of\":%lld", (long long)m->reversal_of);
	buf_puts(&js, ",\"donor\":");
	json_quote(&js, m->donor ? m->donor : "");
	buf_puts(&js, ",\"note\":");
	json_quote(&js, m->note ? m->note : "");
	buf_puts(&js, "}");
	snprintf(obj, sizeof obj, "fund:%lld", (long long)*id);
	int rc = audit_record(d, who, v->id,
			      m->reversal_of ? "fund.reverse"
			      : !strcmp(m->flow, "income") ? "fund.add" : "fund.spend",
			      obj, NULL, buf_cstr(&js));
	buf_free(&js);
	return rc ? -1 : 0;
}

/* Check the common input of add/spend; fills m.  0 or 1 (errs). */
static int check_input(const char *source, int64_t amount_fen, const char *date, const char *donor,
		       const char *note, int note_required, errlist *errs, struct fund_move *m,
		       char day[11])
{
	if (fund_source_index(source) < 0)
		errlist_add(errs, "资金来源应为 self_raised（村民委员会自筹）、higher_level（上级统筹）、"
				  "incentive（激励奖励资金）或 donation（社会捐赠）");
	if (amount_fen <= 0)
		errlist_add(errs, "金额应为大于 0 的元数，最多两位小数，如 12.50");
	if (date && *date && !date_valid(date))
		errlist_add(errs, "日期应为 YYYY-MM-DD");
	if (donor && (!text_is_clean(donor, 0) || utf8_len(donor) > 100))
		errlist_add(errs, "捐赠方最长 100 个字，不能含控制字符");
	if (note_required && (!note || !*note))
		errlist_add(errs, "支出说明不能为空（如 购买大米 20 袋）");
	else if (note && (!text_is_clean(note, 0) || utf8_len(note) > 500))
		errlist_add(errs, "说明最长 500 个字，不能含控制字符");
	if (errs->n)
		return 1;
	if (date && *date)
		snprintf(day, 11, "%s", date);
	else
		date_today(day);
	m->source = fund_sources[fund_source_index(source)];
	m->amount_fen = amount_fen;
	m->date = day;
	m->donor = donor;
	m->note = note;
	return 0;
}

/* Write m in a transaction of its own, refusing when spending it (or
** reversing income) would overdraw its source.  0, 1, -1. */
static int write_move(db *d, const struct actor *who, const struct village *v,
		      const struct fund_move *m, errlist *errs, int64_t *id)
{
	int64_t income, spent;
	if (db_begin_write(d))
		return -1;
	int rc = lock_balance(d, v->id, m->source, &income, &spent) ? -1 : 0;
	int64_t out = !strcmp(m->flow, "spent") ? m->amount_fen : -m->amount_fen;
	if (rc == 0 && out > 0 && income - spent < out) {
		char have[32], want[32];
		errlist_add(errs, "资金不足：%s余额 %s 元，不能%s %s 元",
			    fund_source_label(fund_source_index(m->source)), fen_format(have, income - spent),
			    m->reversal_of ? "冲回" : "支出", fen_format(want, out));
		rc = 1;
	}
	if (rc == 0 && (append_move(d, who, v, m, id) || db_commit(d)))
		rc = -1;
	if (rc)
		db_rollback(d);
	return rc;
}

int fund_add(db *d, const struct actor *who, const struct village *v, const char *source,
	     int64_t amount_fen, const char *date, const char *donor, const char *note,
	     errlist *errs, int64_t *id)
{
	struct fund_move m = {.flow = "income"};
	char day[11];
	if (check_input(source, amount_fen, date, donor, note, 0, errs, &m, day))
		return 1;
	return write_move(d, who, v, &m, errs, id);
}

int fund_spend(db *d, const struct actor *who, const struct village *v, const char *source,
	       int64_t amount_fen, const char *date, const char *note, errlist *errs,
	       int64_t *id)
{
	struct fund_move m = {.flow = "spent"};
	char day[11];
	if (check_input(source, amount_fen, date, NULL, note, 1, errs, &m, day))
		return 1;
	return write_move(d, who, v, &m, errs, id);
}

int fund_reverse(db *d, const struct actor *who, const struct village *v, int64_t move_id,
		 const char *reason, errlist *errs, int64_t *id)
{
	if (!reason || !*reason || !text_is_clean(reason, 0) || utf8_len(reason) > 500) {
		errlist_add(errs, "冲回原因不能为空，最长 500 个字");
		return 1;
	}
	db_stmt *s = db_prepare(d, "SELECT source, flow, amount_fen, reversal_of,"
				   " (SELECT COUNT(*) FROM fund_move r WHERE r.reversal_of = m.id)"
				   " FROM fund_move m WHERE m.id = $id AND m.village_id = $v");
	if (!s || db_bind_int(s, "$id", move_id) || db_bind_int(s, "$v", v->id))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW) {
		if (st != DB_DONE)
			return -1;
		errlist_add(errs, "本村没有第 %lld 笔资金记录", (long long)move_id);
		return 1;
	}
	struct fund_move m = {.reversal_of = move_id, .donor = "", .note = reason};
	int idx = fund_source_index(db_column_text(s, 0));
	m.source = idx >= 0 ? fund_sources[idx] : "";
	m.flow = !strcmp(db_column_text(s, 1), "income") ? "income" : "spent";
	m.amount_fen = -db_column_int(s, 2);
	int is_reversal = !db_column_is_null(s, 3), reversed = db_column_int(s, 4) > 0;
	db_reset(s);
	if (is_reversal || reversed) {
		errlist_add(errs, "第 %lld 笔资金记录%s，不能再冲回", (long long)move_id,
			    is_reversal ? "本身是冲回记录" : "已经冲回");
		return 1;
	}
	char day[11];
	date_today(day);
	m.date = day;
	/* a second reversal racing this one is refused by the check above only
	** when it ran after us: do it again under the balance lock */
	if (db_begin_write(d))
		return -1;
	int64_t income, spent;
	int rc = lock_balance(d, v->id, m.source, &income, &spent) ? -1 : 0;
	s = rc ? NULL : db_prepare(d, "SELECT COUNT(*) FROM fund_move WHERE reversal_of = $id");
	if (rc == 0 && (!s || db_bind_int(s, "$id", move_id) || db_step(s) != DB_ROW))
		rc = -1;
	if (rc == 0 && db_column_int(s, 0) > 0) {
		errlist_add(errs, "第 %lld 笔资金记录已经冲回，不能再冲回", (long long)move_id);
		rc = 1;
	}
	if (s)
		db_reset(s);
	if (rc == 0 && !strcmp(m.flow, "income") && income - spent < -m.amount_fen) {
		char have[32], want[32];
		errlist_add(errs, "资金不足：%s余额 %s 元，不能冲回 %s 元", fund_source_label(idx),
			    fen_format(have, income - spent), fen_format(want, -m.amount_fen));
		rc = 1;
	}
	if (rc == 0 && (append_move(d, who, v, &m, id) || db_commit(d)))
		rc = -1;
	if (rc)
		db_rollback(d);
	return rc;
}

int fund_summary(db *d, const struct village *v, struct fund_summary *out)
{
	memset(out, 0, sizeof *out);
	out->point_value_fen = v->point_value_fen;
	if (db_begin_snapshot(d))
		return -1;
	int rc = -1, st;
	db_stmt *s = db_prepare(d, "SELECT source, income_fen, spent_fen FROM fund_balance"
				   " WHERE village_id = $v");
	if (!s || db_bind_int(s, "$v", v->id))
		goto out;
	while ((st = db_step(s)) == DB_ROW) {
		int i = fund_source_index(db_column_text(s, 0));
		if (i < 0)
			continue;
		out->src[i].income = db_column_int(s, 1);
		out->src[i].spent = db_column_int(s, 2);
	}
	if (st != DB_DONE)
		goto out;
	s = db_prepare(d, "SELECT COALESCE(SUM(b.balance), 0) FROM household_balance b"
			  " JOIN household h ON h.id = b.household_id"
			  " WHERE b.village_id = $v AND h.participating = 1 AND b.balance > 0");
	if (!s || db_bind_int(s, "$v", v->id) || db_step(s) != DB_ROW)
		goto out;
	out->outstanding_points = db_column_int(s, 0);
	db_reset(s);
	s = db_prepare(d, "SELECT COALESCE(SUM(stock * unit_cost_fen), 0) FROM shop_item"
			  " WHERE village_id = $v AND unlimited = 0");
	if (!s || db_bind_int(s, "$v", v->id) || db_step(s) != DB_ROW)
		goto out;
	out->stock_value_fen = db_column_int(s, 0);
	db_reset(s);
	rc = 0;
out:
	db_rollback(d);
	if (rc)
		return rc;
	for (int i = 0; i < FUND_SOURCES; i++) {
		out->src[i].balance = out->src[i].income - out->src[i].spent;
		out->total.income += out->src[i].income;
		out->total.spent += out->src[i].spent;
		out->total.balance += out->src[i].balance;
	}
	out->liability_fen = out->outstanding_points * out->point_value_fen;
	if (out->liability_fen > 0) {
		/* exact: integers only, rounded half up (the money is never negative) */
		__int128 num = (__int128)(out->total.balance + out->stock_value_fen) * 200 +
			       out->liability_fen;
		out->coverage_x100 = (int64_t)(num / ((__int128)out->liability_fen * 2));
		out->has_coverage = 1;
		out->below_one = out->total.balance + out->stock_value_fen < out->liability_fen;
	}
	return 0;
}

char *fund_coverage_text(char out[32], const struct fund_summary *s)
{
	if (!s->has_coverage) {
		out[0] = 0;
		return out;
	}
	return fen_format(out, s->coverage_x100);
}

int fund_moves(db *d, arena *a, int64_t village_id, int limit, struct fund_move **out, int *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s = db_prepare(d, "SELECT m.id, m.source, m.flow, m.amount_fen, m.date, m.donor,"
				   " m.note, m.recorded_by, COALESCE(m.reversal_of, 0),"
				   " (SELECT COALESCE(SUM(r.amount_fen), 0) FROM fund_move r"
				   "  WHERE r.reversal_of = m.id)"
				   " FROM fund_move m WHERE m.village_id = $v"
				   " ORDER BY m.date DESC, m.id DESC LIMIT $lim");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$lim", limit))
		return -1;
	struct fund_move *list = arena_alloc(a, sizeof *list * (size_t)(limit > 0 ? limit : 1));
	int st;
	while ((st = db_step(s)) == DB_ROW && *n < limit) {
		struct fund_move *m = &list[(*n)++];
		m->id = db_column_int(s, 0);
		m->source = db_column_dup(s, 1, a);
		m->flow = db_column_dup(s, 2, a);
		m->amount_fen = db_column_int(s, 3);
		m->date = db_column_dup(s, 4, a);
		m->donor = db_column_dup(s, 5, a);
		m->note = db_column_dup(s, 6, a);
		m->recorded_by = db_column_dup(s, 7, a);
		m->reversal_of = db_column_int(s, 8);
		m->reversed = db_column_int(s, 9);
	}
	db_reset(s);
	*out = list;
	return st == DB_ROW || st == DB_DONE ? 0 : -1;
}

int fund_monthly(db *d, int64_t village_id, int year, int64_t income[12], int64_t spent[12])
{
	memset(income, 0, 12 * sizeof *income);
	memset(spent, 0, 12 * sizeof *spent);
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	db_stmt *s = db_prepare(d, "SELECT date, flow, amount_fen FROM fund_move"
				   " WHERE village_id = $v AND date >= $from AND date <= $to");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$from", from) ||
	    db_bind_text(s, "$to", to))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		int m = atoi(db_column_text(s, 0) + 5) - 1;
		if (m < 0 || m > 11)
			continue;
		if (!strcmp(db_column_text(s, 1), "income"))
			income[m] += db_column_int(s, 2);
		else
			spent[m] += db_column_int(s, 2);
	}
	return st == DB_DONE ? 0 : -1;
}
