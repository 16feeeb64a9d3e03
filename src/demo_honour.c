/*
** demo_honour.c — the results-use half of `jifen init --demo` (结果运用),
** run after demo_ledger.c has scored and approved three months: the demo
** village zhangma (张马村, whose passbook login the demo prints) sets its
** star thresholds, registers party members in a few households, has one
** household scored a veto item (一票否决) in an
** earlier month of the year (approved like any sheet), and its two
** committees confirm the year's honours with a model-household shortlist;
** it also posts a public-welfare post (公益岗位) that three households
** applied to, one online, and decides it.  Through the same area functions
** the pages use.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "honour.h"
#include "household.h"
#include "sheet.h"
#include "village.h"
#include "village_setting.h"
#include "welfare_post.h"

/* The veto: household code scored ZF04 (违法搭建、乱占耕地, a veto item of the
** town template) on the 15th of the first month of year that has no sheet
** yet, approved early the next month.  Nothing when every month before the
** demo's three has one (the demo then has no veto household). */
static int demo_veto(struct cli *c, const struct actor *scorer, const struct actor *admin,
		     const struct village *v, int year, const char *code, errlist *errs)
{
	char today[11];
	date_today(today);
	for (int m = 1; m <= 12; m++) {
		char month[16], meeting[16];
		snprintf(month, sizeof month, "%04d-%02d", year % 10000, m);
		snprintf(meeting, sizeof meeting, "%04d-%02d-03", (year + (m == 12)) % 10000,
			 m == 12 ? 1 : m + 1);
		if (strcmp(meeting, today) > 0)
			return 0;
		struct sheet *sh;
		int got = sheet_get(c->db, c->a, v->id, month, &sh);
		if (got < 0)
			return -1;
		if (!got)
			continue;
		const char *csv = arena_printf(c->a, "household,item,quantity,date,note\n"
						     "%s,ZF04,1,%s-15,自留地上违法搭建彩钢棚，"
						     "经村委会多次劝导拒不拆除，有照片和现场记录\n",
					       code, month);
		struct entry_import_report rep;
		int rc = sheet_import_entries(c->db, scorer, v, month, "demo-veto.csv", csv,
					      strlen(csv), 0, &rep, errs);
		if (rc)
			return rc;
		struct approval_input in = {
			.meeting_date = meeting,
			.attendees = "村党总支书记、村委会主任、两委委员 5 人",
			.resolution = arena_printf(c->a, "经集体审定，同意 %s 月度积分；%s 户违法搭建，"
							 "按村规一票否决本年度评优",
						   month, code),
		};
		return sheet_approve(c->db, c->a, admin, v, month, &in, 1, errs, NULL);
	}
	return 0;
}

/* A party member added to household code of v. */
static int demo_party_member(struct cli *c, const struct actor *admin, const struct village *v,
			     const char *code, const char *name, errlist *errs)
{
	struct household *h;
	int got = household_get_by_code(c->db, c->a, v->id, code, &h);
	if (got)
		return got;
	struct member m = {.name = name, .relation = "户主", .party_member = 1, .phone = ""};
	return member_save(c->db, admin, v, h->id, &m, errs);
}

int honour_demo(struct cli *c)
{
	errlist errs = {0};
	int rc;
	/* the village whose passbook the demo prints a login for */
	struct village *v = village_by_code(c->db, c->a, "zhangma");
	if (!v)
		return demo_failed(c, "村", -1, &errs);
	struct actor admin = {0, arena_printf(c->a, "%s-admin", v->code), ""};
	struct actor scorer = {0, arena_printf(c->a, "%s-scorer", v->code), ""};
	char today[11];
	date_today(today);
	/* the year of the last approved month (the month before this one) */
	int year = atoi(today) - (atoi(today + 5) == 1);
	struct honour_row *rows;
	int n;
	if (honour_list(c->db, c->a, v, year, &rows, &n) || n < 8)
		return demo_failed(c, "荣誉", -1, &errs);
	/* the thresholds: about a third of the households earn a star */
	int64_t top = rows[0].year_points, third = rows[n / 3].year_points;
	int64_t t1 = third > 1 ? third : 1, t3 = top > t1 + 2 ? top - (top - t1) / 4 : t1 + 2;
	int64_t t2 = (t1 + t3) / 2 > t1 ? (t1 + t3) / 2 : t1 + 1;
	if (t3 <= t2)
		t3 = t2 + 1;
	const char *stars = arena_printf(c->a, "%lld,%lld,%lld", (long long)t1, (long long)t2,
					 (long long)t3);
	if ((rc = village_setting_set(c->db, c->a, &admin, v, "stars", stars, &errs)))
		return demo_failed(c, "星级门槛", rc, &errs);
	v = village_by_code(c->db, c->a, v->code);
	/* the veto falls on the household ranked second */
	if ((rc = demo_veto(c, &scorer, &admin, v, year, rows[1].code, &errs)))
		return demo_failed(c, "一票否决", rc, &errs);
	if ((rc = demo_party_member(c, &admin, v, rows[0].code, rows[0].name, &errs)) ||
	    (rc = demo_party_member(c, &admin, v, rows[4].code, rows[4].name, &errs)) ||
	    (rc = demo_party_member(c, &admin, v, rows[n - 1].code, rows[n - 1].name, &errs)))
		return demo_failed(c, "党员", rc, &errs);
	if (honour_list(c->db, c->a, v, year, &rows, &n))
		return demo_failed(c, "荣誉", -1, &errs);
	const char *models[2];
	int nm = 0;
	for (int i = 0; i < n && nm < 2; i++)
		if (rows[i].eligible)
			models[nm++] = rows[i].code;
	struct honour_confirm_input in = {
		.meeting_date = today,
		.attendees = "村党总支书记、村委会主任、两委委员 5 人，村民代表 3 人列席",
		.resolution = arena_printf(c->a, "按年度积分确认 %d 年度星级户；推选积分前两名的"
						 "有资格户为先进户（评先选优）；一票否决户本年度不参评",
					   year),
		.models = models,
		.n_models = nm,
	};
	int64_t id;
	if ((rc = honour_confirm(c->db, c->a, &admin, v, year, &in, &errs, &id)))
		return demo_failed(c, "荣誉确认", rc, &errs);

	/* a public-welfare post: applications in the last week, decided today */
	char from[11];
	date_add_days(today, -7, from);
	struct welfare_post_input pin = {
		.title = "村道保洁员",
		.description = "负责村内主干道和河道两岸的日常保洁，每天上午两小时，"
			       "每月补贴 1200 元。年满 18 周岁、身体健康的本村参与积分制农户成员均可报名。",
		.places = 1, .apply_from = from, .apply_until = today, .points_weight = 40};
	int64_t post, app;
	if ((rc = welfare_post_add(c->db, c->a, &admin, v, &pin, &errs, &post)))
		return demo_failed(c, "公益岗位", rc, &errs);
	struct actor online = {0, arena_printf(c->a, "household:%s", rows[2].code), ""};
	if ((rc = welfare_apply(c->db, c->a, &online, v, post, rows[2].code, "online",
				"家里有人在家，可以每天上午保洁", from, &errs, &app)) ||
	    (rc = welfare_apply(c->db, c->a, &admin, v, post, rows[5].code, "office",
				"到村委会当面报名", from, &errs, &app)) ||
	    (rc = welfare_apply(c->db, c->a, &admin, v, post, rows[n / 2].code, "office",
				"电话报名，村委会登记", today, &errs, &app)))
		return demo_failed(c, "公益岗位报名", rc, &errs);
	const char *chosen[1] = {rows[2].code};
	if ((rc = welfare_decide(c->db, c->a, &admin, v, post, chosen, 1,
				 "两委综合考察：积分部分最高，家中有劳动力、住在主干道旁，便于上岗",
				 &errs)))
		return demo_failed(c, "公益岗位决定", rc, &errs);
	return 0;
}
