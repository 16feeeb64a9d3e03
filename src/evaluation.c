/*
** evaluation.c — the town's evaluation of a village (evaluation.h): the
** criteria, the pre-filled form, recording an evaluation whole in one
** transaction, and reading them back.  The weighted total is computed
** here only, in integers, so the page, the API and the printed report
** show the same two decimals.
*/
#include "evaluation.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

/* The plan's default criteria (五、实施步骤 第三阶段 and 四、实施内容), in
** effect until the town changes one (evaluation_criterion_set writes them). */
static const struct eval_criterion default_criteria[] = {
	{"coverage", "户在、房在、人在的家庭户参与覆盖率", 20, 1},
	{"standard", "积分标准经村民（代表）会议民主程序通过", 15, 2},
	{"monthly", "一月一积分：每月按时评定并经两委集体审定", 15, 3},
	{"announce", "一季一公示：每季度按时公示", 15, 4},
	{"objections", "异议按时答复处理", 10, 5},
	{"redemption", "一年一兑换：兑换及时兑现、资金有保障", 10, 6},
	{"ledger", "台账资料完整", 15, 7},
};
enum { DEFAULT_CRITERIA = sizeof default_criteria / sizeof *default_criteria };

int evaluation_criteria(db *d, arena *a, struct eval_criterion **out, int *n)
{
	db_stmt *s = db_prepare(d, "SELECT code, name, weight, seq, active FROM evaluation_criterion"
				   " ORDER BY seq, code");
	if (!s)
		return -1;
	struct eval_criterion *c = NULL;
	int k = 0, cap = 0, rows = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		rows++;
		if (!db_column_int(s, 4))
			continue;
		c = arena_grow(a, c, &cap, k, sizeof *c);
		c[k].code = db_column_dup(s, 0, a);
		c[k].name = db_column_dup(s, 1, a);
		c[k].weight = (int)db_column_int(s, 2);
		c[k].seq = (int)db_column_int(s, 3);
		k++;
	}
	if (st != DB_DONE)
		return -1;
	if (!rows) { /* the town has changed nothing: the plan's set */
		c = arena_alloc(a, sizeof default_criteria);
		memcpy(c, default_criteria, sizeof default_criteria);
		k = DEFAULT_CRITERIA;
	}
	*out = c;
	*n = k;
	return 0;
}

int evaluation_criterion_set(db *d, const struct actor *who, const char *code, int64_t weight,
			     errlist *errs)
{
	if (weight < 0 || weight > 100) {
		errlist_add(errs, "评估指标 %s 的权重应为 0–100", code);
		return 1;
	}
	if (db_begin_write(d))
		return -1;
	/* the first change writes the default set, which it then changes */
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM evaluation_criterion");
	if (!s || db_step(s) != DB_ROW)
		goto fail;
	int64_t rows = db_column_int(s, 0);
	db_reset(s);
	for (int i = 0; !rows && i < DEFAULT_CRITERIA; i++) {
		s = db_prepare(d, "INSERT INTO evaluation_criterion(code, name, weight, seq)"
				  " VALUES($c, $n, $w, $q)");
		if (!s || db_bind_text(s, "$c", default_criteria[i].code) ||
		    db_bind_text(s, "$n", default_criteria[i].name) ||
		    db_bind_int(s, "$w", default_criteria[i].weight) ||
		    db_bind_int(s, "$q", default_criteria[i].seq) || db_step(s) != DB_DONE)
			goto fail;
	}
	s = db_prepare(d, "UPDATE evaluation_criterion SET weight = $w WHERE code = $c");
	if (!s || db_bind_int(s, "$w", weight) || db_bind_text(s, "$c", code) ||
	    db_step(s) != DB_DONE)
		goto fail;
	if (db_changes(d) != 1) {
		db_rollback(d);
		errlist_add(errs, "没有这个评估指标: %s", code);
		return 1;
	}
	buf after = {0};
	buf_printf(&after, "{\"weight\":%lld}", (long long)weight);
	int rc = audit_record(d, who, 0, "evaluation.criterion", code, NULL, buf_cstr(&after));
	buf_free(&after);
	if (rc || db_commit(d))
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* part of whole as a whole-number percentage (100 when nothing was due). */
static int percent(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return 100;
	int64_t p = (200 * part + whole) / (2 * whole);
	return p > 100 ? 100 : (int)p;
}

void evaluation_prefill(arena *a, const struct oversight_row *r,
			const struct oversight_settings *set, const struct eval_criterion *crit,
			int ncrit, struct eval_score *out)
{
	char cov[32];
	for (int i = 0; i < ncrit; i++) {
		struct eval_score *e = &out[i];
		const char *c = crit[i].code;
		e->code = crit[i].code;
		e->name = crit[i].name;
		e->weight = crit[i].weight;
		e->remark = "";
		e->measured = "";
		e->score = -1;
		if (!strcmp(c, "coverage")) {
			e->measured = r->has_coverage
					      ? arena_printf(a, "覆盖率 %s（%lld/%lld 户），目标 %d%%",
							     oversight_ratio_text(cov, 1, r->coverage_x100),
							     (long long)r->participating,
							     (long long)r->eligible, set->goal_pct)
					      : "没有符合条件的农户";
			e->score = r->has_coverage
					   ? percent(r->coverage_x100, set->goal_pct > 0 ? set->goal_pct : 100)
					   : 0;
		} else if (!strcmp(c, "standard")) {
			if (!r->standard_version || !r->standard_adopted) {
				e->measured = "未经民主程序通过积分标准";
				e->score = 0;
			} else {
				int voted = r->votes_for >= 0 && r->attendance >= 0;
				e->measured = arena_printf(
					a, "第 %lld 版，%s %s通过%s", (long long)r->standard_version,
					r->standard_adopted,
					!strcmp(r->meeting_type ? r->meeting_type : "", "villagers")
						? "村民会议"
					: !strcmp(r->meeting_type ? r->meeting_type : "", "representatives")
						? "村民代表会议"
						: "",
					voted ? arena_printf(a, "，实到 %lld 人，赞成 %lld 票",
							     (long long)r->attendance,
							     (long long)r->votes_for)
					      : "，表决情况未记录");
				e->score = voted ? 100 : 60;
			}
		} else if (!strcmp(c, "monthly")) {
			e->measured = arena_printf(a, "已审定 %lld 个月（应审定 %lld 个月），迟于月末 %d 天的 %lld 个月",
						   (long long)r->months_approved, (long long)r->months_due,
						   set->approve_days, (long long)r->months_late);
			int64_t ontime = r->months_approved - r->months_late;
			e->score = percent(ontime < 0 ? 0 : ontime, r->months_due);
		} else if (!strcmp(c, "announce")) {
			e->measured = arena_printf(a, "按时公示 %lld 个季度（应公示 %lld 个季度），共公示 %lld 次",
						   (long long)r->announcements_on_time,
						   (long long)r->quarters_due, (long long)r->announcements);
			e->score = percent(r->announcements_on_time, r->quarters_due);
		} else if (!strcmp(c, "objections")) {
			e->measured = r->objections_open
					      ? arena_printf(a, "未答复异议 %lld 件，最久 %lld 天",
							     (long long)r->objections_open,
							     (long long)r->objection_oldest_days)
					      : "没有未答复的异议";
			e->score = !r->objections_open ? 100 : r->objection_oldest_days > 30 ? 40 : 80;
		} else if (!strcmp(c, "redemption")) {
			e->measured = arena_printf(
				a, "兑换 %lld 次、%lld 分；资金保障率 %s", (long long)r->redemptions,
				(long long)r->points_redeemed,
				r->has_fund_coverage
					? oversight_ratio_text(cov, 1, r->fund_coverage_x100)
					: "无待兑积分");
			e->score = !r->has_fund_coverage ? 100 : percent(r->fund_coverage_x100, 100);
		}
	}
}

int evaluation_prefilled(db *d, arena *a, const struct village *v, int year,
			 struct eval_score **out, int *n)
{
	struct oversight_settings set;
	struct oversight_row *rows;
	struct eval_criterion *crit;
	int nr, nc;
	char today[11];
	date_today(today);
	if (oversight_settings_load(d, &set) ||
	    oversight_dashboard(d, a, year, today, &set, &rows, &nr) ||
	    evaluation_criteria(d, a, &crit, &nc))
		return -1;
	struct eval_score *sc = arena_alloc(a, (size_t)(nc ? nc : 1) * sizeof *sc);
	for (int i = 0; i < nr; i++)
		if (rows[i].village_id == v->id)
			evaluation_prefill(a, &rows[i], &set, crit, nc, sc);
	*out = sc;
	*n = nc;
	return 0;
}

int64_t evaluation_total_x100(const struct eval_score *s, int n)
{
	int64_t num = 0, w = 0;
	for (int i = 0; i < n; i++) {
		num += (int64_t)s[i].weight * s[i].score;
		w += s[i].weight;
	}
	if (w <= 0)
		return 0;
	return (200 * num + w) / (2 * w); /* scores ≥ 0: half up */
}

int evaluation_add(db *d, const struct actor *who, const struct village *v, int year,
		   const char *evaluator, const char *date, const char *conclusion,
		   const struct eval_score *scores, int n, errlist *errs, int64_t *id)
{
	char today[11];
	if (!date || !*date) {
		date_today(today);
		date = today;
	}
	if (year < 1900 || year > 2199)
		errlist_add(errs, "年份无效: %d", year);
	if (!evaluator || !*evaluator || utf8_len(evaluator) > 100 || !text_is_clean(evaluator, 0))
		errlist_add(errs, "评估人: 必填，最多 100 个字");
	if (!date_valid(date))
		errlist_add(errs, "评估日期无效: %s（应为 YYYY-MM-DD）", date);
	if (!conclusion)
		conclusion = "";
	if (utf8_len(conclusion) > 2000 || !text_is_clean(conclusion, 1))
		errlist_add(errs, "评估结论: 最多 2000 个字，不能含控制字符");
	int64_t wsum = 0;
	for (int i = 0; i < n; i++) {
		const struct eval_score *e = &scores[i];
		wsum += e->weight;
		if (e->score < 0 || e->score > 100)
			errlist_add(errs, "评估指标「%s」: 得分应为 0–100 的整数", e->name);
		if (e->remark && (utf8_len(e->remark) > 500 || !text_is_clean(e->remark, 1)))
			errlist_add(errs, "评估指标「%s」: 说明最多 500 个字", e->name);
	}
	if (n == 0 || wsum <= 0)
		errlist_add(errs, "没有权重大于 0 的评估指标");
	if (errs->n)
		return 1;
	int64_t total = evaluation_total_x100(scores, n);
	if (db_begin_write(d))
		return -1;
	db_stmt *s = db_prepare(d, "INSERT INTO evaluation(village_id, year, evaluator, evaluated_on,"
				   " conclusion, weight_sum, total_x100, created_by, created_at)"
				   " VALUES($v, $y, $e, $d, $c, $w, $t, $by, $at) RETURNING id");
	if (!s || db_bind_int(s, "$v", v->id) || db_bind_int(s, "$y", year) ||
	    db_bind_text(s, "$e", evaluator) || db_bind_text(s, "$d", date) ||
	    db_bind_text(s, "$c", conclusion) || db_bind_int(s, "$w", wsum) ||
	    db_bind_int(s, "$t", total) || db_bind_text(s, "$by", who->login) ||
	    db_bind_int(s, "$at", now_unix()) || db_step(s) != DB_ROW)
		goto fail;
	*id = db_column_int(s, 0);
	db_reset(s);
	for (int i = 0; i < n; i++) {
		const struct eval_score *e = &scores[i];
		s = db_prepare(d, "INSERT INTO evaluation_score(evaluation_id, seq, code, name, weight,"
				  " measured, score, remark) VALUES($id, $q, $c, $n, $w, $m, $s, $r)");
		if (!s || db_bind_int(s, "$id", *id) || db_bind_int(s, "$q", i + 1) ||
		    db_bind_text(s, "$c", e->code) || db_bind_text(s, "$n", e->name) ||
		    db_bind_int(s, "$w", e->weight) ||
		    db_bind_text(s, "$m", e->measured ? e->measured : "") ||
		    db_bind_int(s, "$s", e->score) ||
		    db_bind_text(s, "$r", e->remark ? e->remark : "") || db_step(s) != DB_DONE)
			goto fail;
	}
	buf after = {0};
	struct json_writer w;
	jw_begin(&w, &after);
	jw_obj(&w, NULL);
	jw_int(&w, "year", year);
	jw_str(&w, "evaluator", evaluator);
	jw_int(&w, "total_x100", total);
	jw_end_obj(&w);
	if (audit_commit_json(d, who, v->id, "evaluation.add", "evaluation", *id, &after))
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* The columns of an evaluation row into e (arena a). */
static void read_evaluation(db_stmt *s, arena *a, struct evaluation *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_column_int(s, 0);
	e->village_id = db_column_int(s, 1);
	e->year = (int)db_column_int(s, 2);
	e->evaluator = db_column_dup(s, 3, a);
	e->evaluated_on = db_column_dup(s, 4, a);
	e->conclusion = db_column_dup(s, 5, a);
	e->weight_sum = db_column_int(s, 6);
	e->total_x100 = db_column_int(s, 7);
	e->created_by = db_column_dup(s, 8, a);
	e->created_at = db_column_int(s, 9);
}

int evaluation_list(db *d, arena *a, int64_t village_id, int year, struct evaluation **out,
		    int *n)
{
	db_stmt *s = db_prepare(d, "SELECT id, village_id, year, evaluator, evaluated_on, conclusion,"
				   " weight_sum, total_x100, created_by, created_at FROM evaluation"
				   " WHERE village_id = $v AND year = $y ORDER BY id DESC");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_int(s, "$y", year))
		return -1;
	struct evaluation *e = NULL;
	int k = 0, cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		e = arena_grow(a, e, &cap, k, sizeof *e);
		read_evaluation(s, a, &e[k++]);
	}
	*out = e;
	*n = k;
	return st == DB_DONE ? 0 : -1;
}

int evaluation_get(db *d, arena *a, int64_t village_id, int64_t id, struct evaluation *out)
{
	db_stmt *s = db_prepare(d, "SELECT id, village_id, year, evaluator, evaluated_on, conclusion,"
				   " weight_sum, total_x100, created_by, created_at FROM evaluation"
				   " WHERE id = $id AND village_id = $v");
	if (!s || db_bind_int(s, "$id", id) || db_bind_int(s, "$v", village_id))
		return -1;
	int rc = db_step_one(s);
	if (rc)
		return rc;
	read_evaluation(s, a, out);
	db_reset(s);
	s = db_prepare(d, "SELECT code, name, weight, measured, score, remark FROM evaluation_score"
			  " WHERE evaluation_id = $id ORDER BY seq");
	if (!s || db_bind_int(s, "$id", id))
		return -1;
	int cap = 0, st;
	while ((st = db_step(s)) == DB_ROW) {
		out->scores = arena_grow(a, out->scores, &cap, out->nscores, sizeof *out->scores);
		struct eval_score *e = &out->scores[out->nscores++];
		e->code = db_column_dup(s, 0, a);
		e->name = db_column_dup(s, 1, a);
		e->weight = (int)db_column_int(s, 2);
		e->measured = db_column_dup(s, 3, a);
		e->score = (int)db_column_int(s, 4);
		e->remark = db_column_dup(s, 5, a);
	}
	return st == DB_DONE ? 0 : -1;
}

int evaluation_demo(db *d, arena *a, const struct actor *who, int year)
{
	int nv = 0;
	struct village *vs = village_list(d, a, &nv);
	if (!vs || !nv)
		return vs ? 0 : -1;
	/* the first village by code: the evaluation group's finished form */
	struct eval_score *sc;
	int nc;
	if (evaluation_prefilled(d, a, &vs[0], year, &sc, &nc))
		return -1;
	for (int i = 0; i < nc; i++)
		if (sc[i].score < 0) {
			sc[i].score = 90;
			sc[i].remark = "台账按月装订，审定记录齐全，个别佐证照片缺说明";
		}
	errlist errs = {0};
	int64_t id;
	int rc = evaluation_add(d, who, &vs[0], year, "镇积分管理自治工作组（王建国、李梅）", NULL,
				"积分制运行稳定，覆盖面需继续扩大；建议下一年度补齐未参与户的动员。",
				sc, nc, &errs, &id);
	errlist_free(&errs);
	return rc ? -1 : 0;
}
