/*
** api_oversight.c — the JSON API of the town's oversight (docs/api.md):
** the dashboard's figures of every village, one village's figures with
** its monthly series, and the evaluations.  Town admin only (a village
** account gets 403 from the route table).  Ratios and totals are strings
** with two decimals ("0.83"), as api_fund.c writes coverage: no floating
** point between the database and the reader.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "evaluation.h"
#include "oversight.h"
#include "req.h"
#include "village.h"

static void ratio(struct req *r, const char *key, int has, int64_t x100)
{
	char t[32];
	json_str(r, key, has ? oversight_ratio_text(t, 1, x100) : NULL);
}

/* One village's figures as an object. */
static void row_json(struct req *r, const struct oversight_row *o)
{
	char fen[32];
	json_obj(r, NULL);
	json_str(r, "village", o->code);
	json_str(r, "name", o->name);
	json_int(r, "eligible", o->eligible);
	json_int(r, "participating", o->participating);
	ratio(r, "coverage", o->has_coverage, o->coverage_x100);
	if (o->standard_version) {
		json_obj(r, "standard");
		json_int(r, "version", o->standard_version);
		json_str(r, "adopted_on", o->standard_adopted);
		json_str(r, "effective_on", o->standard_effective);
		json_str(r, "meeting_type", o->meeting_type);
		json_str(r, "meeting", o->meeting);
		json_opt(r, "entitled", o->entitled);
		json_opt(r, "attendance", o->attendance);
		json_opt(r, "votes_for", o->votes_for);
		json_opt(r, "votes_against", o->votes_against);
		json_opt(r, "votes_abstain", o->votes_abstain);
		json_end_obj(r);
	} else
		json_null(r, "standard");
	json_int(r, "months_approved", o->months_approved);
	json_int(r, "months_scored", o->months_scored);
	json_int(r, "months_due", o->months_due);
	json_int(r, "months_late", o->months_late);
	json_int(r, "late_days_max", o->late_days_max);
	json_int(r, "announcements", o->announcements);
	json_int(r, "announcements_on_time", o->announcements_on_time);
	json_int(r, "quarters_due", o->quarters_due);
	json_int(r, "objections_open", o->objections_open);
	json_int(r, "objection_oldest_days", o->objection_oldest_days);
	json_int(r, "redemptions", o->redemptions);
	json_int(r, "points_redeemed", o->points_redeemed);
	json_str(r, "fund_balance", fen_format(fen, o->fund_balance_fen));
	ratio(r, "fund_coverage", o->has_fund_coverage, o->fund_coverage_x100);
	json_obj(r, "group");
	json_int(r, "members", o->group.members);
	json_int(r, "committee", o->group.committee);
	json_int(r, "representatives", o->group.representatives);
	json_bool(r, "ok", o->group.ok);
	json_str(r, "missing", o->group.missing);
	json_end_obj(r);
	json_int(r, "stage", o->stage);
	json_int(r, "attention", o->attention);
	json_str(r, "attention_why", o->attention_why);
	json_end_obj(r);
}

/* GET /api/v1/town/dashboard?year=&sort=&desc=1 */
static void api_town_dashboard(struct req *r)
{
	struct town_dashboard *d = req_town_dashboard_or_reply(r);
	if (!d)
		return;
	json_begin(r);
	json_obj(r, NULL);
	json_int(r, "year", d->year);
	json_str(r, "sort", d->sort);
	json_obj(r, "settings");
	char value[16];
	const char *key, *label;
	for (int i = 0; (key = oversight_setting_field(d->set, i, value, &label)); i++)
		json_str(r, key, value);
	json_end_obj(r);
	json_arr(r, "villages");
	for (int i = 0; i < d->n; i++)
		row_json(r, &d->rows[i]);
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/oversight?year=: the figures, points per category and
** month, redemptions per month. */
static void api_town_village(struct req *r)
{
	struct village *v;
	int year;
	struct oversight_settings set;
	struct oversight_row *o = req_town_village_row_or_404(r, &v, &year, &set);
	if (!o)
		return;
	const char **cats;
	int64_t *pts, cnt[12], rp[12];
	int nc;
	if (oversight_points_by_category(r->db, r->a, v->id, year, &cats, &pts, &nc) ||
	    oversight_redemptions_by_month(r->db, v->id, year, cnt, rp)) {
		http_error(r, 500, "读取本村数据时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_int(r, "year", year);
	json_arr(r, "figures");
	row_json(r, o);
	json_end_arr(r);
	json_arr(r, "points_by_category");
	for (int c = 0; c < nc; c++) {
		json_obj(r, NULL);
		json_str(r, "category", cats[c]);
		json_arr(r, "months");
		for (int m = 0; m < 12; m++)
			json_int(r, NULL, pts[c * 12 + m]);
		json_end_arr(r);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_obj(r, "redemptions_by_month");
	json_arr(r, "count");
	for (int m = 0; m < 12; m++)
		json_int(r, NULL, cnt[m]);
	json_end_arr(r);
	json_arr(r, "points");
	for (int m = 0; m < 12; m++)
		json_int(r, NULL, rp[m]);
	json_end_arr(r);
	json_end_obj(r);
	json_end_obj(r);
	json_send(r, 200);
}

static void total(struct req *r, int64_t x100)
{
	json_str(r, "total", arena_printf(r->a, "%lld.%02lld", (long long)(x100 / 100),
					  (long long)(x100 % 100)));
}

static void scores_json(struct req *r, const char *key, const struct eval_score *s, int n)
{
	json_arr(r, key);
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_str(r, "code", s[i].code);
		json_str(r, "name", s[i].name);
		json_int(r, "weight", s[i].weight);
		json_str(r, "measured", s[i].measured);
		if (s[i].score >= 0)
			json_int(r, "score", s[i].score);
		else
			json_null(r, "score");
		json_str(r, "remark", s[i].remark);
		json_end_obj(r);
	}
	json_end_arr(r);
}

static void evaluation_json(struct req *r, const char *key, const struct evaluation *e,
			    int with_scores)
{
	json_obj(r, key);
	json_int(r, "id", e->id);
	json_int(r, "year", e->year);
	json_str(r, "evaluator", e->evaluator);
	json_str(r, "evaluated_on", e->evaluated_on);
	json_str(r, "conclusion", e->conclusion);
	json_int(r, "weight_sum", e->weight_sum);
	total(r, e->total_x100);
	json_str(r, "created_by", e->created_by);
	if (with_scores)
		scores_json(r, "scores", e->scores, e->nscores);
	json_end_obj(r);
}

/* GET /api/v1/villages/CODE/evaluations?year=: the year's evaluations
** (newest first), the latest with its scores, and the pre-filled form. */
static void api_evaluations(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int year = req_town_year_or_400(r);
	if (!year)
		return;
	struct evaluation *list, latest;
	struct eval_score *sc;
	int n, nc;
	if (evaluation_list(r->db, r->a, v->id, year, &list, &n) ||
	    evaluation_prefilled(r->db, r->a, v, year, &sc, &nc) ||
	    (n && evaluation_get(r->db, r->a, v->id, list[0].id, &latest))) {
		http_error(r, 500, "读取评估时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_int(r, "year", year);
	json_arr(r, "evaluations");
	for (int i = 0; i < n; i++)
		evaluation_json(r, NULL, &list[i], 0);
	json_end_arr(r);
	if (n)
		evaluation_json(r, "latest", &latest, 1);
	else
		json_null(r, "latest");
	scores_json(r, "form", sc, nc);
	json_end_obj(r);
	json_send(r, 200);
}

/* POST /api/v1/villages/CODE/evaluations: {"year", "evaluator", "date",
** "conclusion", "scores": {"CODE": {"score": N, "remark": "…"}}} → 201
** with the new evaluation. */
static void api_evaluation_post(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int64_t year;
	const char *evaluator, *date, *conclusion;
	member_int(b.o, "year", atoi(today), &year, &b.errs);
	member_str(b.o, "evaluator", &evaluator, &b.errs);
	member_str(b.o, "date", &date, &b.errs);
	member_str(b.o, "conclusion", &conclusion, &b.errs);
	json_t *given = json_object_get(b.o, "scores");
	if (given && !json_is_object(given))
		errlist_add(&b.errs, "scores 应为对象：{\"指标代码\": {\"score\": 0–100, \"remark\": \"…\"}}");
	struct eval_score *sc = NULL;
	int nc = 0, rc = 1;
	int64_t id = 0;
	if (!b.errs.n && (year < 1900 || year > 2199))
		errlist_add(&b.errs, "year 应为 1900–2199 的年份");
	if (!b.errs.n && evaluation_prefilled(r->db, r->a, v, (int)year, &sc, &nc)) {
		rc = -1;
		goto out;
	}
	for (int i = 0; !b.errs.n && i < nc; i++) {
		json_t *g = given ? json_object_get(given, sc[i].code) : NULL;
		json_t *s = g ? json_object_get(g, "score") : NULL;
		json_t *rm = g ? json_object_get(g, "remark") : NULL;
		/* json_is_*() are false for NULL */
		sc[i].score = json_is_integer(s) && json_integer_value(s) >= 0 &&
					      json_integer_value(s) <= 100
				      ? (int)json_integer_value(s)
				      : -1;
		sc[i].remark = json_is_string(rm) ? arena_strdup(r->a, json_string_value(rm)) : "";
	}
	if (b.errs.n)
		goto out;
	rc = evaluation_add(r->db, &b.who, v, (int)year, evaluator, date, conclusion, sc, nc,
			    &b.errs, &id);
out:
	if (!api_refused(r, rc ? rc : b.errs.n ? 1 : 0, 0, &b.errs, "保存评估时出错。")) {
		struct evaluation e;
		if (evaluation_get(r->db, r->a, v->id, id, &e))
			http_error(r, 500, "读取评估时出错。");
		else {
			json_begin(r);
			evaluation_json(r, NULL, &e, 1);
			json_send(r, 201);
		}
	}
	api_body_free(&b);
}

/* GET /api/v1/villages/CODE/evaluations/ID */
static void api_evaluation_get(struct req *r)
{
	struct village *v;
	struct evaluation e;
	if (req_village_evaluation_or_404(r, &v, &e))
		return;
	json_begin(r);
	evaluation_json(r, NULL, &e, 1);
	json_send(r, 200);
}

const struct route oversight_api_routes[] = {
	{"GET", "/api/v1/town/dashboard", api_town_dashboard, ROLE_TOWN_ADMIN, 0},
	{"GET", "/api/v1/villages/*/oversight", api_town_village, ROLE_TOWN_ADMIN, 0},
	{"GET", "/api/v1/villages/*/evaluations", api_evaluations, ROLE_TOWN_ADMIN, 0},
	{"POST", "/api/v1/villages/*/evaluations", api_evaluation_post, ROLE_TOWN_ADMIN, 0},
	{"GET", "/api/v1/villages/*/evaluations/*", api_evaluation_get, ROLE_TOWN_ADMIN, 0},
	{0},
};
