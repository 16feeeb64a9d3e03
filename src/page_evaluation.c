/*
** page_evaluation.c — the town's evaluation (评估) pages of one village
** (evaluation.h): the year's latest evaluation and the earlier ones, the
** form of a new one pre-filled with the measured figures and suggested
** scores, and the printable report of one evaluation.  Town admin only.
*/
#include <stdlib.h>
#include <string.h>

#include "evaluation.h"
#include "html.h"
#include "page.h"
#include "req.h"
#include "village.h"

/* The village of the path (into *v) and the ?year= (or the form's year),
** this year when absent; 0 after a 404 or 400. */
static int village_year_or_400(struct req *r, struct village **v)
{
	if (!(*v = req_village_or_404(r, r->arg[0])))
		return 0;
	const char *f = req_form(r, "year");
	int64_t y;
	if (f && *f) {
		if (parse_int64(f, &y) || y < 1900 || y > 2199) {
			http_error(r, 400, "year 应为 1900–2199 的年份");
			return 0;
		}
		return (int)y;
	}
	return req_town_year_or_400(r);
}

/* total_x100 as "87.50". */
static const char *total_text(arena *a, int64_t x100)
{
	return arena_printf(a, "%lld.%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}

/* The form of a new evaluation, pre-filled from sc (or from what was
** posted, when it is shown again with errors). */
static void eval_form(struct req *r, const struct village *v, int year, const struct eval_score *sc,
		      int n)
{
	char today[11];
	date_today(today);
	const char *vc = url_encode(r->a, v->code);
	html(r, "<h2>新的评估</h2><form method=\"post\" action=\"/town/v/%s/evaluation\">", vc);
	html_csrf(r);
	html(r, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	html_raw(r, "<table class=\"list wide\"><thead><tr><th>评估指标</th><th class=\"num\">权重</th>"
		    "<th>实测情况</th><th>得分（0–100）</th><th>说明</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const char *posted = req_form(r, arena_printf(r->a, "score_%s", sc[i].code));
		const char *remark = req_form(r, arena_printf(r->a, "remark_%s", sc[i].code));
		html(r, "<tr><td>%s</td><td class=\"num\">%d</td><td>%s</td>", sc[i].name,
		     sc[i].weight, *sc[i].measured ? sc[i].measured : "（由评估组查阅台账）");
		html(r, "<td><input name=\"score_%s\" inputmode=\"numeric\" required "
			"pattern=\"[0-9]{1,3}\" aria-label=\"%s 得分\" value=\"%s\"></td>",
		     sc[i].code, sc[i].name,
		     posted ? posted : sc[i].score >= 0 ? arena_printf(r->a, "%d", sc[i].score) : "");
		html(r, "<td><input name=\"remark_%s\" maxlength=\"500\" aria-label=\"%s 说明\" "
			"value=\"%s\"></td></tr>",
		     sc[i].code, sc[i].name, remark ? remark : "");
	}
	html_raw(r, "</tbody></table>");
	const char *ev = req_form(r, "evaluator"), *dt = req_form(r, "date");
	const char *cc = req_form(r, "conclusion");
	html(r, "<label>评估人（评估组成员）<input name=\"evaluator\" required maxlength=\"100\" "
		"value=\"%s\"></label>"
		"<label>评估日期<input name=\"date\" type=\"date\" value=\"%s\"></label>"
		"<label>评估结论<textarea name=\"conclusion\" rows=\"3\" maxlength=\"2000\">%s"
		"</textarea></label>"
		"<p class=\"hint\">总分 = Σ 权重 × 得分 ÷ Σ 权重。保存后不能修改；重新评估会另存一份，"
		"以最新一份为准。</p><button type=\"submit\" class=\"primary\">保存评估</button></form>",
	     ev ? ev : "", dt ? dt : today, cc ? cc : "");
}

/* The list of the year's evaluations, newest first. */
static void eval_list(struct req *r, const struct village *v, const struct evaluation *e, int n)
{
	const char *vc = url_encode(r->a, v->code);
	html_raw(r, "<table class=\"list\"><thead><tr><th>评估日期</th><th>评估人</th>"
		    "<th class=\"num\">总分</th><th>记录</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td>%s%s</td><td>%s</td><td class=\"num\">%s</td>"
			"<td><a href=\"/town/v/%s/evaluation/%lld\">评估报告</a></td></tr>",
		     e[i].evaluated_on, i == 0 ? "（最新）" : "", e[i].evaluator,
		     total_text(r->a, e[i].total_x100), vc, (long long)e[i].id);
	html_raw(r, "</tbody></table>");
}

/* GET /town/v/CODE/evaluation?year=: the latest evaluation, the earlier
** ones, and the form of a new one. */
static void page_evaluation(struct req *r)
{
	struct village *v;
	int year = village_year_or_400(r, &v);
	if (!year)
		return;
	struct evaluation *list;
	struct eval_score *sc;
	int n, nc;
	if (evaluation_list(r->db, r->a, v->id, year, &list, &n) ||
	    evaluation_prefilled(r->db, r->a, v, year, &sc, &nc)) {
		http_error(r, 500, "读取评估时出错。");
		return;
	}
	html_page_begin(r, arena_printf(r->a, "%s %d 年度评估", v->name, year));
	html(r, "<p class=\"noprint\"><a href=\"/town/v/%s?year=%d\">← %s 实施情况</a></p>",
	     url_encode(r->a, v->code), year, v->name);
	if (req_query(r, "saved"))
		html_notice(r, "评估已保存。");
	if (n) {
		html(r, "<p>最新评估：%s，%s，总分 <strong>%s</strong>。</p>", list[0].evaluated_on,
		     list[0].evaluator, total_text(r->a, list[0].total_x100));
		eval_list(r, v, list, n);
	} else
		html_raw(r, "<p class=\"hint\">本年度还没有评估。</p>");
	eval_form(r, v, year, sc, nc);
	html_page_end(r);
}

/* POST /town/v/CODE/evaluation: year, evaluator, date, conclusion,
** score_CODE and remark_CODE per criterion.  The measured figures are
** taken again now, not from the form. */
static void page_evaluation_post(struct req *r)
{
	struct village *v;
	int year = village_year_or_400(r, &v);
	if (!year)
		return;
	struct eval_score *sc;
	int nc;
	if (evaluation_prefilled(r->db, r->a, v, year, &sc, &nc)) {
		http_error(r, 500, "读取评估指标时出错。");
		return;
	}
	errlist errs = {0};
	for (int i = 0; i < nc; i++) {
		const char *s = req_form(r, arena_printf(r->a, "score_%s", sc[i].code));
		int64_t x;
		sc[i].score = s && !parse_int64(s, &x) && x >= 0 && x <= 100 ? (int)x : -1;
		sc[i].remark = req_form(r, arena_printf(r->a, "remark_%s", sc[i].code));
	}
	struct actor who = req_actor(r);
	int64_t id = 0;
	int rc = evaluation_add(r->db, &who, v, year, req_form_trim(r, "evaluator"),
				req_form_trim(r, "date"), req_form(r, "conclusion"), sc, nc, &errs,
				&id);
	if (rc > 0) {
		r->status = 400;
		html_page_begin(r, arena_printf(r->a, "%s %d 年度评估", v->name, year));
		page_error_list(r, &errs, "评估未保存：");
		eval_form(r, v, year, sc, nc);
		html_page_end(r);
	} else if (rc < 0)
		http_error(r, 500, "保存评估时出错。");
	else
		http_redirect(r, arena_printf(r->a, "/town/v/%s/evaluation/%lld?saved=1",
					      url_encode(r->a, v->code), (long long)id));
	errlist_free(&errs);
}

/* GET /town/v/CODE/evaluation/ID: the printable report of one evaluation. */
static void page_evaluation_report(struct req *r)
{
	struct village *v;
	struct evaluation e;
	if (req_village_evaluation_or_404(r, &v, &e))
		return;
	html_page_begin(r, arena_printf(r->a, "%s %s %d 年度乡村治理积分制实施评估",
					town_name(r->db, r->a), v->name, e.year));
	if (req_query(r, "saved"))
		html_notice(r, "评估已保存。");
	html(r, "<p class=\"noprint\"><a href=\"/town/v/%s/evaluation?year=%d\">← 本年度评估</a> · "
		"用浏览器的打印（Ctrl+P）打印本页，A4 纸。</p>",
	     url_encode(r->a, v->code), e.year);
	html(r, "<p>评估人：%s　评估日期：%s　记录人：%s</p>", e.evaluator, e.evaluated_on,
	     e.created_by);
	html_raw(r, "<table class=\"list\"><thead><tr><th>评估指标</th><th class=\"num\">权重</th>"
		    "<th>实测情况</th><th class=\"num\">得分</th><th>说明</th></tr></thead><tbody>");
	for (int i = 0; i < e.nscores; i++) {
		const struct eval_score *s = &e.scores[i];
		html(r, "<tr><td>%s</td><td class=\"num\">%d</td><td>%s</td><td class=\"num\">%d</td>"
			"<td>%s</td></tr>",
		     s->name, s->weight, *s->measured ? s->measured : "—", s->score, s->remark);
	}
	html(r, "</tbody><tfoot><tr><th>总分（加权）</th><td class=\"num\">%lld</td><td></td>"
		"<td class=\"num\" id=\"total\"><strong>%s</strong></td><td></td></tr></tfoot></table>",
	     (long long)e.weight_sum, total_text(r->a, e.total_x100));
	if (*e.conclusion)
		html(r, "<h2>评估结论</h2><p class=\"prewrap\">%s</p>", e.conclusion);
	html_raw(r, "<p class=\"sign\">评估组签字：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿</p>");
	html_page_end(r);
}

const struct route evaluation_routes[] = {
	{"GET", "/town/v/*/evaluation", page_evaluation, ROLE_TOWN_ADMIN, 0},
	{"POST", "/town/v/*/evaluation", page_evaluation_post, ROLE_TOWN_ADMIN, 0},
	{"GET", "/town/v/*/evaluation/*", page_evaluation_report, ROLE_TOWN_ADMIN, 0},
	{0},
};
