/*
** demo_ledger.c — the scoring half of `jifen init --demo`: every demo
** village adopts the town template at a villagers' representatives meeting,
** its scorer records three months of realistic entries (the three months
** before the last one, so that the passbooks show points of this year
** and quarter) through the entries CSV import, the two committees approve
** each month, one entry per village is corrected, last month's sheet is a
** draft in progress, and a few households have a declaration of it
** waiting.  The draft is last month's, not this month's: a month that has
** ended takes an entry on any of its days, where this month's refused
** every date after today ("晚于今天") to whoever tried the demo late in the
** month.  Everything goes through the same area functions a
** real village uses (standard_adopt_template, sheet_import_entries,
** sheet_approve, ledger_correct, declaration_create), so the demo exercises
** them.  A fixed seed: every demo database is the same, up to the dates.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ledger.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* What a scorer records, roughly as often as it happens: item code, weight,
** and the note written when the item needs evidence. */
static const struct {
	const char *code;
	int weight;
	const char *note;
} demo_items[] = {
	{"HJ01", 30, NULL}, {"HJ03", 25, NULL}, {"JT01", 25, NULL}, {"JT02", 20, NULL},
	{"CW01", 15, NULL}, {"HJ04", 12, NULL}, {"CW04", 10, NULL}, {"ZF05", 8, NULL},
	{"PA02", 5, NULL}, {"YF05", 5, NULL}, {"YF06", 5, NULL}, {"HJ07", 5, NULL},
	{"CW02", 4, NULL}, {"ZZ01", 4, NULL}, {"ZZ03", 2, NULL},
	{"PA01", 6, "参加夜间治安巡逻，有签到表"},
	{"CW03", 5, "参加敬老院志愿服务，有活动照片"},
	{"ZZ02", 3, "带头参加河道保洁志愿活动"},
	{"HJ02", 4, "门前堆放杂物，两次提醒仍未清理"},
	{"JT03", 3, "月度抽查院内脏乱"},
	{"YF04", 3, NULL},
	{"HJ06", 2, "田头焚烧秸秆，当场劝阻"},
	{"PA05", 1, "厨房煤气管老化，提醒后拒不更换"},
	{"RK01", 1, "获评村级最美人家，有公示材料"},
	{"HJ08", 1, "庭院美化评比入选，有照片"},
};
enum { DEMO_NITEMS = sizeof demo_items / sizeof *demo_items };

/* Month k months before today's as YYYY-MM into out (16 bytes). */
static void month_before(const char *today, int k, char out[16])
{
	int y = atoi(today), m = atoi(today + 5) - k;
	while (m < 1) {
		m += 12;
		y--;
	}
	snprintf(out, 16, "%04d-%02d", y % 10000, m % 100);
}

/* One item by weight. */
static int pick_item(unsigned *seed)
{
	int total = 0;
	for (int i = 0; i < DEMO_NITEMS; i++)
		total += demo_items[i].weight;
	int r = (int)(demo_rand(seed) % (unsigned)total);
	for (int i = 0; i < DEMO_NITEMS; i++) {
		if (r < demo_items[i].weight)
			return i;
		r -= demo_items[i].weight;
	}
	return 0;
}

/* The entries CSV of village_id for month: 1–5 entries per participating
** household that had joined by the day, on days 1..last_day, no item twice
** in a month for one household (so no monthly cap is ever passed; the
** template's one yearly cap, ZF01, is not among the demo items). */
static int demo_entries_csv(db *d, int64_t village_id, const char *month, unsigned last_day,
			    unsigned *seed, buf *b)
{
	buf_puts(b, "户编号,项目编号,日期,次数,说明\n");
	db_stmt *s = db_prepare(d, "SELECT code, joined FROM household"
				   " WHERE village_id = $v AND participating = 1 ORDER BY id");
	if (!s || db_bind_int(s, "$v", village_id))
		return -1;
	int st;
	while ((st = db_step(s)) == DB_ROW) {
		const char *code = db_column_text(s, 0), *joined = db_column_text(s, 1);
		if (!joined)
			continue;
		int n = 1 + (int)(demo_rand(seed) % 5);
		unsigned char used[DEMO_NITEMS] = {0};
		for (int k = 0; k < n; k++) {
			int it = pick_item(seed);
			if (used[it])
				continue;
			used[it] = 1;
			char date[24];
			snprintf(date, sizeof date, "%.7s-%02u", month, 1 + demo_rand(seed) % last_day);
			if (strcmp(date, joined) < 0)
				continue;
			int qty = !strcmp(demo_items[it].code, "CW01") && demo_rand(seed) % 3 == 0 ? 2 : 1;
			buf_printf(b, "%s,%s,%s,%d,%s\n", code, demo_items[it].code, date, qty,
				   demo_items[it].note ? demo_items[it].note : "");
		}
	}
	return st == DB_DONE ? 0 : -1;
}

/* Print errs / the database error for a failed step of the demo. */
int demo_failed(struct cli *c, const char *what, int rc, errlist *errs)
{
	fprintf(stderr, "演示数据（%s）失败\n", what);
	if (rc > 0)
		cli_print_errors(errs);
	else
		fprintf(stderr, "数据库错误: %s\n", db_errmsg(c->db));
	errlist_free(errs);
	return EXIT_FAILURE_3;
}

int ledger_demo(struct cli *c)
{
	unsigned seed = 20241005;
	errlist errs = {0};
	int nv = 0, rc;
	int64_t total_entries = 0;
	struct village *list = village_list(c->db, c->a, &nv);
	if (!list)
		return demo_failed(c, "村", -1, &errs);
	for (int i = 0; i < nv; i++) {
		struct village *v = &list[i];
		struct actor scorer = {0, arena_printf(c->a, "%s-scorer", v->code), ""};
		struct actor admin = {0, arena_printf(c->a, "%s-admin", v->code), ""};
		struct std_adoption ad = STD_ADOPTION_INIT;
		ad.adopted_on = "2024-03-25";
		ad.effective_on = "2024-04-01";
		ad.meeting_type = STD_MEETING_REPRESENTATIVES;
		ad.meeting = arena_printf(c->a, "%s村民代表会议，在推荐模板基础上讨论通过", v->name);
		ad.entitled = 35;
		ad.attendance = 31;
		ad.votes_for = 29;
		ad.votes_against = 0;
		ad.votes_abstain = 2;
		int64_t version;
		rc = standard_adopt_template(c->db, &admin, v, &ad, &errs, &version);
		if (rc)
			return demo_failed(c, "积分标准", rc, &errs);
		char today[11];
		date_today(today);
		for (int m = 0; m < 3; m++) {
			char month[16], next[16], meeting[24];
			month_before(today, 4 - m, month);
			/* the committees meet early in the next month, which has ended */
			month_before(today, 3 - m, next);
			snprintf(meeting, sizeof meeting, "%.7s-03", next);
			buf csv = {0};
			if (demo_entries_csv(c->db, v->id, month, 28, &seed, &csv)) {
				buf_free(&csv);
				return demo_failed(c, "积分记录", -1, &errs);
			}
			struct entry_import_report rep;
			rc = sheet_import_entries(c->db, &scorer, v, month, "demo-entries.csv",
						  csv.p, csv.len, 0, &rep, &errs);
			buf_free(&csv);
			if (rc)
				return demo_failed(c, "积分记录", rc, &errs);
			total_entries += rep.rows;
			if ((rc = sheet_submit(c->db, &scorer, v, month, &errs)))
				return demo_failed(c, "提交", rc, &errs);
			struct approval_input in = {
				.meeting_date = meeting,
				.attendees = "村党总支书记、村委会主任、两委委员 5 人，村民代表 3 人列席",
				.resolution = arena_printf(c->a, "经集体审定，同意 %s 月度积分，按规定公示",
							   month),
			};
			if ((rc = sheet_approve(c->db, c->a, &admin, v, month, &in, 0, &errs,
						NULL)))
				return demo_failed(c, "集体审定", rc, &errs);
		}
		/* last month's sheet: a draft the scorer is still filling in */
		char now_month[16];
		month_before(today, 1, now_month);
		buf csv = {0};
		if (demo_entries_csv(c->db, v->id, now_month, 20, &seed, &csv)) {
			buf_free(&csv);
			return demo_failed(c, "积分记录", -1, &errs);
		}
		struct entry_import_report rep;
		rc = sheet_import_entries(c->db, &scorer, v, now_month, "demo-entries.csv", csv.p,
					  csv.len, 0, &rep, &errs);
		buf_free(&csv);
		if (rc)
			return demo_failed(c, "积分记录", rc, &errs);
		/* one correction: the first HJ01 of the middle month was a double entry */
		char mid[16];
		month_before(today, 3, mid);
		db_stmt *s = db_prepare(c->db, "SELECT MIN(id) FROM ledger_entry WHERE village_id = $v"
					       " AND item_code = 'HJ01' AND month = $m");
		if (!s || db_bind_int(s, "$v", v->id) || db_bind_text(s, "$m", mid) ||
		    db_step(s) != DB_ROW)
			return demo_failed(c, "更正", -1, &errs);
		int64_t eid = db_column_int(s, 0);
		db_reset(s);
		if (eid && (rc = ledger_correct(c->db, c->a, &admin, v, eid, 5,
						"复核发现与同月另一条重复记分", &errs, NULL)))
			return demo_failed(c, "更正", rc, &errs);
		/* two households have a good deed waiting for the scorer */
		s = db_prepare(c->db, "SELECT id FROM household WHERE village_id = $v"
				      " AND participating = 1 ORDER BY id LIMIT 2");
		if (!s || db_bind_int(s, "$v", v->id))
			return demo_failed(c, "申报", -1, &errs);
		int64_t hids[2] = {0, 0};
		for (int k = 0; k < 2 && db_step(s) == DB_ROW; k++)
			hids[k] = db_column_int(s, 0);
		db_reset(s);
		static const char *const deeds[2][2] = {
			{"YF06", "帮隔壁独居老人收晒稻谷"},
			{"CW03", "周末到村文化礼堂义务打扫"},
		};
		for (int k = 0; k < 2; k++) {
			struct actor hh = {0, "household", ""};
			int64_t did;
			if (hids[k] && (rc = declaration_create(c->db, &hh, v, hids[k], deeds[k][0],
							       arena_printf(c->a, "%s-2%d", now_month, k),
							       deeds[k][1], NULL, &errs, &did)))
				return demo_failed(c, "申报", rc, &errs);
		}
	}
	printf("演示积分: 各村已通过积分标准（推荐模板），%lld 条积分记录分三个月集体审定记入台账，"
	       "上月积分表为草稿。\n",
	       (long long)total_entries);
	return EXIT_OK;
}
