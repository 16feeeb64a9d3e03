/*
** demo_group.c — the demo town's scoring groups (村民积分管理自治小组) and a
** finished consultation (征求意见) on a draft standard: group_demo() gives
** every village a group that meets the rule before its months are
** submitted (demo_ledger.c); group_demo_finish() then lets the last
** village's villager representative leave (so its overview shows the
** warning) and runs a consultation in the first village from draft to
** adoption, through the same area functions the pages use.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "consultation.h"
#include "csvout.h"
#include "household.h"
#include "scoring_group.h"

static const struct {
	const char *name, *role, *account; /* account: suffix of CODE-… or NULL */
} demo_roster[] = {
	{"沈建国", "committee", "admin"},  {"陆秀英", "committee", NULL},
	{"顾德明", "veteran", NULL},       {"朱国强", "representative", "scorer"},
	{"金美娟", "representative", NULL}, {"徐永福", "mediator", NULL},
	{"陈慧敏", "legal", NULL},         {"钱耀祖", "respected", NULL},
};

int group_demo(struct cli *c)
{
	int nv = 0;
	errlist errs = {0};
	struct village *list = village_list(c->db, c->a, &nv);
	for (int i = 0; list && i < nv; i++) {
		struct actor admin = {0, arena_printf(c->a, "%s-admin", list[i].code), ""};
		int last = i == nv - 1;
		for (size_t k = 0; k < sizeof demo_roster / sizeof *demo_roster; k++) {
			/* the last village's scorer is its mediator: when its one
			** representative leaves, the scorer's entries stay a member's */
			int scorer = demo_roster[k].account && !strcmp(demo_roster[k].account, "scorer");
			if (last && (k == 4 || k == 5))
				continue;
			struct group_member_input in = {
				.name = demo_roster[k].name,
				.role = last && scorer ? "mediator" : demo_roster[k].role,
				.account_login = demo_roster[k].account
							 ? arena_printf(c->a, "%s-%s", list[i].code,
									demo_roster[k].account)
							 : NULL,
				.joined_on = "2024-03-20",
				.meeting_date = "2024-03-20",
				.attendees = "村党总支委员 5 人",
				.appointed_by = arena_printf(c->a, "%s党总支", list[i].name)};
			int64_t id;
			int rc = group_member_add(c->db, &admin, &list[i], &in, &errs, &id);
			if (rc)
				return demo_failed(c, "积分管理小组", rc, &errs);
		}
		if (last) { /* its one representative, who leaves in group_demo_finish() */
			struct group_member_input in = {
				.name = "金美娟", .role = "representative", .joined_on = "2024-03-20",
				.meeting_date = "2024-03-20", .attendees = "村党总支委员 5 人"};
			int64_t id;
			int rc = group_member_add(c->db, &admin, &list[i], &in, &errs, &id);
			if (rc)
				return demo_failed(c, "积分管理小组", rc, &errs);
		}
	}
	return list ? 0 : demo_failed(c, "村", -1, &errs);
}

/* The draft of the demo consultation: the standard in force with the first
** item's points raised by one and one item added, as standard CSV (b). */
static int demo_draft(struct cli *c, const struct village *v, const char *today, buf *b)
{
	struct std_version *cur;
	if (standard_in_force(c->db, c->a, v->id, today, 1, &cur) || cur->nitems < 1)
		return -1;
	int n = cur->nitems;
	struct std_item *items = arena_alloc(c->a, sizeof *items * (size_t)(n + 1));
	memcpy(items, cur->items, sizeof *items * (size_t)n);
	items[0].points += items[0].points > 0 ? 1 : -1;
	items[n] = items[n - 1];
	items[n].code = "ZJ01";
	items[n].name = "参加垃圾分类志愿督导";
	items[n].points = 2;
	items[n].cap_month = 4;
	items[n].cap_year = 0;
	items[n].veto = 0;
	items[n].evidence = 0;
	struct csv_out w;
	csv_begin(&w, "\n");
	standard_items_csv(&w, items, n + 1);
	buf_append(b, w.b.p ? w.b.p : "", w.b.len);
	buf_free(&w.b);
	csv_finish(&w);
	return 0;
}

int group_demo_finish(struct cli *c)
{
	int nv = 0;
	errlist errs = {0};
	struct village *list = village_list(c->db, c->a, &nv);
	if (!list || nv < 1)
		return demo_failed(c, "村", -1, &errs);
	char today[11], opens[11], closes[11], next[24];
	date_today(today);
	struct village *lv = &list[nv - 1], *v = &list[0];
	struct actor admin = {0, arena_printf(c->a, "%s-admin", lv->code), ""};
	struct group_member *rows;
	int n, rc;
	if (group_members(c->db, c->a, lv->id, 1, &rows, &n))
		return demo_failed(c, "积分管理小组", -1, &errs);
	for (int k = 0; k < n; k++)
		if (!strcmp(rows[k].role, "representative") &&
		    (rc = group_member_leave(c->db, &admin, lv, rows[k].id, today, "外出务工，辞去小组职务",
					     &errs)))
			return demo_failed(c, "积分管理小组", rc, &errs);

	/* the consultation of the first village: 20 days of comments ending
	** 5 days ago, every comment answered, adopted today, in force next month */
	admin.login = arena_printf(c->a, "%s-admin", v->code);
	buf draft = {0};
	if (demo_draft(c, v, today, &draft))
		return demo_failed(c, "征求意见草案", -1, &errs);
	date_add_days(today, -25, opens);
	date_add_days(today, -5, closes);
	int64_t cid, kid;
	rc = consultation_open(c->db, &admin, v, "积分标准修订草案（增加垃圾分类督导）", "draft.csv",
			       draft.p, draft.len, opens, today, &errs, &cid);
	buf_free(&draft);
	if (rc)
		return demo_failed(c, "征求意见", rc, &errs);
	static const struct {
		int household, days_ago;
		const char *body, *text, *answer;
	} said[] = {
		{1, 22, "", "垃圾分类督导每月最多 4 分是否太少？", "首次试行按每月 4 分，年底评估后再调整。"},
		{0, 18, "funv", "建议督导由各村民小组轮流，妇女议事会愿意带头。", "采纳，按村民小组排班。"},
		{0, 12, "hongbai", "红白喜事后的垃圾清运也应计入。", "已纳入“移风易俗”类现有项目，不另设项目。"},
	};
	struct household *hh = NULL;
	int nh = 0;
	int64_t nall = 0;
	if (household_list(c->db, c->a, v->id, NULL, HH_PARTICIPATING, 1, 1, &hh, &nh, &nall) ||
	    nh < 1)
		return demo_failed(c, "征求意见", -1, &errs);
	for (size_t k = 0; k < sizeof said / sizeof *said; k++) {
		char on[11];
		date_add_days(today, -said[k].days_ago, on);
		struct actor who = said[k].household
					   ? (struct actor){0, arena_printf(c->a, "household:%s", hh[0].code), ""}
					   : admin;
		rc = consultation_comment_add(c->db, &who, v, cid, said[k].household ? hh[0].id : 0,
					      said[k].body, said[k].text, on, &errs, &kid);
		if (!rc)
			rc = consultation_answer(c->db, &admin, v, kid, said[k].answer, &errs);
		if (rc)
			return demo_failed(c, "征求意见", rc, &errs);
	}
	/* the period as the demo's story has it: it ended five days ago */
	db_stmt *s = db_prepare(c->db, "UPDATE consultation SET closes_on = $c WHERE id = $id");
	if (db_begin_write(c->db) || !s || db_bind_text(s, "$c", closes) ||
	    db_bind_int(s, "$id", cid) || db_step(s) != DB_DONE || db_commit(c->db)) {
		db_rollback(c->db);
		return demo_failed(c, "征求意见", -1, &errs);
	}
	db_reset(s);
	struct std_adoption ad = STD_ADOPTION_INIT;
	int y = atoi(today), m = atoi(today + 5) + 1;
	snprintf(next, sizeof next, "%04d-%02d-01", (m > 12 ? y + 1 : y) % 10000, (m > 12 ? 1 : m) % 100);
	ad.adopted_on = today;
	ad.effective_on = next;
	ad.meeting_type = STD_MEETING_REPRESENTATIVES;
	ad.meeting = arena_printf(c->a, "%s村民代表会议，审议征求意见后的修订草案", v->name);
	ad.entitled = 35;
	ad.attendance = 32;
	ad.votes_for = 30;
	ad.votes_against = 1;
	ad.votes_abstain = 1;
	int64_t ver;
	rc = consultation_adopt(c->db, &admin, v, cid, &ad, &errs, &ver);
	return rc ? demo_failed(c, "征求意见后表决", rc, &errs) : 0;
}
