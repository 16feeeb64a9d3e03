/*
** yearend.c — the village's year end as "yearend" ledger entries
** (yearend.h).
*/
#include "yearend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

/* The target balance of a year-end balance under the rule. */
static int64_t target_of(const struct village *v, int64_t balance)
{
	if (balance <= 0 || v->yearend_rule == YEAREND_CARRY)
		return balance;
	if (v->yearend_rule == YEAREND_CLEAR)
		return 0;
	return balance > v->yearend_cap ? v->yearend_cap : balance;
}

/* Refuse (1, errs) when a sheet of the year holds entries not approved.
** 0, 1, -1. */
static int unapproved_sheets(db *d, const struct village *v, int year, errlist *errs)
{
	db_stmt *s = db_prepare(d, "SELECT s.month, COUNT(e.id) FROM sheet s"
				   " JOIN entry e ON e.sheet_id = s.id WHERE s.village_id = $v"
				   " AND s.month >= $from AND s.month <= $to AND s.status <> 'approved'"
				   " GROUP BY s.month ORDER BY s.month");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_year_months(s, year))
		return -1;
	int st, rc = 0;
	while ((st = db_step(s)) == DB_ROW) {
		errlist_add(errs, "%s 的积分表还有 %lld 条记录没有审定，请先审定再做 %d 年终处理",
			    db_column_text(s, 0), (long long)db_column_int(s, 1), year);
		rc = 1;
	}
	return st == DB_DONE ? rc : -1;
}

/* One household's year-end balance. */
struct ye_row {
	int64_t household_id, balance;
};

int yearend_run(db *d, arena *a, const struct actor *who, const struct village *v, int year,
		errlist *errs, struct yearend_result *res)
{
	memset(res, 0, sizeof *res);
	res->rule = village_yearend_text(a, v);
	char today[11];
	date_today(today);
	if (year < 1900 || year > 2199) {
		errlist_add(errs, "年份应为 1900–2199");
		return 1;
	}
	if (atoi(today) <= year) {
		errlist_add(errs, "%d 年还没有结束（今天是 %s），年终处理要等到 %d-01-01 以后", year,
			    today, year + 1);
		return 1;
	}
	if (db_begin_write(d))
		return -1;
	int rc = -1, st;
	/* the head lock first: no posting of the village runs beside us */
	struct ledger_batch *b = ledger_batch_begin(d, a, v->id);
	if (!b)
		goto out;
	rc = unapproved_sheets(d, v, year, errs);
	if (rc)
		goto out;
	rc = -1;
	char last[8], day[11];
	snprintf(last, sizeof last, "%04d-12", year);
	snprintf(day, sizeof day, "%04d-12-31", year);
	db_stmt *s = db_prepare(d, "SELECT 1 FROM yearend_run WHERE village_id = $v AND year = $y");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$y", year) ||
	    (st = db_step(s)) == DB_ERROR)
		goto out;
	res->repeated = st == DB_ROW;
	db_reset(s);
	s = db_prepare(d, "SELECT household_id, SUM(points) FROM ledger_entry"
			  " WHERE village_id = $v AND month <= $m GROUP BY household_id"
			  " ORDER BY household_id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$m", last))
		goto out;
	int n = 0, cap = 256;
	struct ye_row *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
	while ((st = db_step(s)) == DB_ROW) {
		rows = arena_grow(a, rows, &cap, n, sizeof *rows);
		rows[n].household_id = db_column_int(s, 0);
		rows[n++].balance = db_column_int(s, 1);
	}
	if (st != DB_DONE)
		goto out;
	/* every statement is done: the bulk load of the entries may start */
	int64_t now = now_unix();
	const char *reason = arena_printf(a, "%d 年终处理（%s）", year, res->rule);
	for (int i = 0; i < n; i++) {
		int64_t delta = target_of(v, rows[i].balance) - rows[i].balance;
		if (!delta)
			continue;
		struct ledger_entry e = {
			.household_id = rows[i].household_id,
			.kind = LEDGER_YEAREND,
			.item_code = "",
			.month = last,
			.date = day,
			.points = delta,
			.reason = reason,
			.recorded_by = who->login,
			.note = "",
			.photo = "",
			.posted_at = now,
		};
		if (ledger_batch_add(b, &e, 0))
			goto out;
		res->households++;
		res->points += delta;
	}
	if (ledger_batch_finish(b, NULL, NULL, NULL))
		goto out;
	if (!res->repeated || res->households) {
		s = db_prepare(d, "INSERT INTO yearend_run(village_id, year, rule, households, points,"
				  " run_by, run_at) VALUES($v, $y, $r, $n, $p, $by, $at)"
				  " ON CONFLICT (village_id, year) DO UPDATE SET rule = excluded.rule,"
				  " households = yearend_run.households + excluded.households,"
				  " points = yearend_run.points + excluded.points");
		char obj[40];
		snprintf(obj, sizeof obj, "village:%lld", (long long)v->id);
		if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$y", year) ||
		    db_bind_text(s, "$r", res->rule) || db_bind_int(s, "$n", res->households) ||
		    db_bind_int(s, "$p", res->points) || db_bind_text(s, "$by", who->login) ||
		    db_bind_int(s, "$at", now) || db_step(s) != DB_DONE ||
		    audit_record(d, who, v->id, "ledger.yearend", obj, NULL,
				 arena_printf(a, "{\"year\":%d,\"rule\":\"%s\",\"households\":%d,"
						 "\"points\":%lld}",
					      year, res->rule, res->households,
					      (long long)res->points)))
			goto out;
	}
	if (db_commit(d))
		goto out;
	return 0;
out:
	if (b)
		ledger_batch_abort(b);
	db_rollback(d);
	return rc;
}

int yearend_get(db *d, arena *a, int64_t village_id, int year, struct yearend_result *res,
		int64_t *run_at, const char **run_by)
{
	memset(res, 0, sizeof *res);
	db_stmt *s = db_prepare(d, "SELECT rule, households, points, run_at, run_by FROM yearend_run"
				   " WHERE village_id = $v AND year = $y");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$y", year))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 1 : -1;
	res->rule = db_column_dup(s, 0, a);
	res->households = (int)db_column_int(s, 1);
	res->points = db_column_int(s, 2);
	res->repeated = 1;
	*run_at = db_column_int(s, 3);
	*run_by = db_column_dup(s, 4, a);
	db_reset(s);
	return 0;
}
