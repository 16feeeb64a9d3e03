/*
** req.c — the request kit of req.h, one copy for every page and API file.
*/
#include "req.h"

#include <stdlib.h>
#include <string.h>

#include "consultation.h"
#include "evaluation.h"
#include "ledger.h"
#include "oversight.h"
#include "village.h"

struct actor req_actor(struct req *r)
{
	struct actor who = {r->user->id, r->user->login, r->ip ? r->ip : ""};
	return who;
}

const char *req_month_or_404(struct req *r, const char *m)
{
	char today[11];
	date_today(today);
	if (!m || strlen(m) != 7 || !month_valid(m) || strncmp(m, today, 7) > 0) {
		http_error(r, 404, "没有这个月份的积分表（格式 YYYY-MM，不能是将来的月份）。");
		return NULL;
	}
	return m;
}

int64_t req_id_or_404(struct req *r, const char *s, const char *msg)
{
	int64_t id = parse_id(s);
	if (!id)
		http_error(r, 404, msg);
	return id;
}

int req_village_month_or_404(struct req *r, struct village **v, const char **month)
{
	*month = NULL;
	*v = req_village_or_404(r, r->arg[0]);
	if (*v)
		*month = req_month_or_404(r, r->arg[1]);
	return *month ? 0 : -1;
}

int req_village_id_or_404(struct req *r, struct village **v, int64_t *id, const char *msg)
{
	*id = 0;
	*v = req_village_or_404(r, r->arg[0]);
	if (*v)
		*id = req_id_or_404(r, r->arg[1], msg);
	return *id ? 0 : -1;
}

int req_month_action_or_404(struct req *r, struct month_action *a)
{
	a->errs = (errlist){0};
	if (req_village_month_or_404(r, &a->v, &a->month))
		return -1;
	a->who = req_actor(r);
	return 0;
}

struct ledger_entry *req_ledger_entry_or_404(struct req *r, const struct village *v,
					     const char *s)
{
	int64_t id = parse_id(s);
	struct ledger_entry *e = NULL;
	int rc = id ? ledger_entry_get(r->db, r->a, v->id, id, &e) : 1;
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取积分台账时出错。" : "本村台账没有这一条。");
		return NULL;
	}
	return e;
}

struct ledger_entry *req_village_ledger_entry_or_404(struct req *r, struct village **v)
{
	*v = req_village_or_404(r, r->arg[0]);
	return *v ? req_ledger_entry_or_404(r, *v, r->arg[1]) : NULL;
}

int req_town_year_or_400(struct req *r)
{
	char today[11];
	date_today(today);
	int64_t y = req_query_int_or_400(r, "year", atoi(today), 1900, 2199,
					 "year 应为 1900–2199 的年份");
	return y < 0 ? 0 : (int)y;
}

/* The figures of year as of today, or answers 500 and returns -1. */
static int oversight_rows_or_500(struct req *r, int year, struct oversight_settings *set,
				 struct oversight_row **rows, int *n)
{
	char today[11];
	date_today(today);
	if (oversight_settings_load(r->db, set) ||
	    oversight_dashboard(r->db, r->a, year, today, set, rows, n)) {
		http_error(r, 500, "读取各村数据时出错。");
		return -1;
	}
	return 0;
}

struct town_dashboard *req_town_dashboard_or_reply(struct req *r)
{
	struct town_dashboard *d = arena_alloc(r->a, sizeof *d);
	d->set = arena_alloc(r->a, sizeof *d->set);
	if (!(d->year = req_town_year_or_400(r)) ||
	    oversight_rows_or_500(r, d->year, d->set, &d->rows, &d->n))
		return NULL;
	const char *desc = req_query(r, "desc");
	d->desc = desc && !strcmp(desc, "1");
	d->sort = oversight_sort(d->rows, d->n, req_query(r, "sort"), d->desc);
	return d;
}

struct oversight_row *req_town_village_row_or_404(struct req *r, struct village **v, int *year,
						  struct oversight_settings *set)
{
	*v = req_village_or_404(r, r->arg[0]);
	if (!*v || !(*year = req_town_year_or_400(r)))
		return NULL;
	struct oversight_row *rows;
	int n;
	if (oversight_rows_or_500(r, *year, set, &rows, &n))
		return NULL;
	for (int i = 0; i < n; i++)
		if (rows[i].village_id == (*v)->id)
			return &rows[i];
	http_error(r, 404, "没有这个村。");
	return NULL;
}

int req_consultations_or_500(struct req *r, int64_t village_id, struct consultation **rows,
			     int *n)
{
	if (consultation_list(r->db, r->a, village_id, rows, n)) {
		http_error(r, 500, "读取征求意见时出错。");
		return -1;
	}
	return 0;
}

int req_village_evaluation_or_404(struct req *r, struct village **v, struct evaluation *e)
{
	int64_t id;
	if (req_village_id_or_404(r, v, &id, "没有这份评估。"))
		return -1;
	int rc = evaluation_get(r->db, r->a, (*v)->id, id, e);
	if (rc) {
		http_error(r, rc > 0 ? 404 : 500, rc > 0 ? "没有这份评估。" : "读取评估时出错。");
		return -1;
	}
	return 0;
}

struct village *req_public_village_or_404(struct req *r, const char *code)
{
	struct village *v = code && village_code_valid(code) ? village_by_code(r->db, r->a, code)
							     : NULL;
	if (!v)
		http_error(r, 404, "找不到这个村。");
	return v;
}

int64_t req_query_int_or_400(struct req *r, const char *name, int64_t def, int64_t lo,
			     int64_t hi, const char *msg)
{
	const char *s = req_query(r, name);
	int64_t v;
	if (!s || !*s)
		return def;
	if (parse_int64(s, &v) || v < lo || v > hi) {
		http_error(r, 400,
			   msg ? msg
			       : arena_printf(r->a, "参数 %s 应为 %lld–%lld 的整数。", name,
					      (long long)lo, (long long)hi));
		return -1;
	}
	return v;
}

int64_t req_query_int(struct req *r, const char *name, int64_t def, int64_t lo, int64_t hi)
{
	int64_t n;
	const char *p = req_query(r, name);
	return p && !parse_int64(p, &n) && n >= lo && n <= hi ? n : def;
}

const char *upload_name(arena *a, const char *filename)
{
	if (!filename || !*filename || !text_is_clean(filename, 0))
		return "upload.csv";
	const char *base = filename;
	for (const char *p = filename; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (!*base || utf8_len(base) > 100)
		return "upload.csv";
	return arena_strdup(a, base);
}

/* ---- parameters ---------------------------------------------------------- */

static const char *param_find(struct param *p, const char *name)
{
	for (; p; p = p->next)
		if (!strcmp(p->name, name) && !p->filename)
			return p->value;
	return NULL;
}

const char *req_query(struct req *r, const char *name)
{
	return param_find(r->query, name);
}

const char *req_form(struct req *r, const char *name)
{
	return param_find(r->form, name);
}

const char *req_query_trim(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v ? str_trim(arena_strdup(r->a, v)) : "";
}

const char *req_form_trim(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? str_trim(arena_strdup(r->a, v)) : "";
}

const struct param *req_file(struct req *r, const char *name)
{
	for (struct param *p = r->form; p; p = p->next)
		if (!strcmp(p->name, name) && p->filename && p->len > 0)
			return p;
	return NULL;
}
