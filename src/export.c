/*
** export.c — the village's Excel 台账 workbooks (see export.h).  The rows
** are read here with the SQL of the report (one pass over the year's
** ledger entries of the village, by the index on village and seq); the
** figures that already have an area function (balances, the standard in
** force, the funds' summary) come from it, so the workbook says what the
** pages and `jifen balances` / `jifen funds` say.
*/
#include "export.h"

#include <stdio.h>
#include <string.h>

#include "fund.h"
#include "honour.h"
#include "ledger.h"
#include "standard.h"
#include "xlsx.h"

int export_year_valid(int year)
{
	return year >= 2000 && year <= 2999;
}

/* The Chinese word of a ledger entry's kind. */
static const char *kind_label(const char *kind)
{
	static const char *const map[][2] = {
		{"score", "评分"},         {"correction", "更正"}, {"redemption", "兑换"},
		{"yearend", "年终处理"}, {"adjust", "调整"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(kind, map[i][0]))
			return map[i][1];
	return kind;
}

static const struct xlsx_col entry_cols[] = {
	{"序号", XLSX_INT, 6},       {"日期", XLSX_DATE, 11},      {"月份", XLSX_TEXT, 8},
	{"户编号", XLSX_TEXT, 0},    {"户主", XLSX_TEXT, 0},       {"类型", XLSX_TEXT, 0},
	{"类别", XLSX_TEXT, 0},      {"项目编号", XLSX_TEXT, 0},   {"项目名称", XLSX_TEXT, 0},
	{"次数", XLSX_INT, 0},       {"积分", XLSX_INT, 0},        {"审定会议日期", XLSX_DATE, 0},
	{"审定决议", XLSX_TEXT, 0},  {"被更正", XLSX_INT, 0},      {"更正的序号", XLSX_INT, 0},
	{"更正原因", XLSX_TEXT, 0},  {"说明", XLSX_TEXT, 0},       {"记录人", XLSX_TEXT, 0},
};
enum { ENTRY_NCOLS = sizeof entry_cols / sizeof entry_cols[0] };

/* Sheet 积分记录: the entries of the months of year; *sum their points. */
static int entries_sheet(db *d, struct xlsx_book *b, const struct village *v, int year,
			 int64_t *sum, int64_t *count)
{
	char title[256];
	snprintf(title, sizeof title, "%s %d 年积分台账：积分记录", v->name, year);
	struct xlsx_sheet *s = xlsx_sheet(b, "积分记录", title, entry_cols, ENTRY_NCOLS);
	db_stmt *st = db_prepare(
		d, "SELECT le.seq, le.date, le.month, h.code, h.head_name, le.kind,"
		   " COALESCE(i.category, ''), le.item_code, COALESCE(i.name, ''), le.quantity,"
		   " le.points, COALESCE(a.meeting_date, ''), COALESCE(a.resolution, ''),"
		   " (SELECT COALESCE(SUM(c.points), 0) FROM ledger_entry c"
		   "  WHERE c.correction_of = le.id),"
		   " COALESCE(o.seq, 0), le.reason, le.note, le.recorded_by"
		   " FROM ledger_entry le JOIN household h ON h.id = le.household_id"
		   " LEFT JOIN standard_item i ON i.id = le.item_id"
		   " LEFT JOIN approval a ON a.id = le.approval_id"
		   " LEFT JOIN ledger_entry o ON o.id = le.correction_of"
		   " WHERE le.village_id = $v AND le.month >= $from AND le.month <= $to"
		   " ORDER BY le.seq");
	if (!st || db_bind_int(st, "$v", v->id) || db_bind_year_months(st, year))
		return -1;
	int rc;
	*sum = *count = 0;
	db_stmt *cnt = db_prepare(d, "SELECT COUNT(*) FROM ledger_entry WHERE village_id = $v"
				     " AND month >= $from AND month <= $to");
	if (!cnt || db_bind_int(cnt, "$v", v->id) || db_bind_year_months(cnt, year) ||
	    db_step(cnt) != DB_ROW)
		return -1;
	xlsx_expect_rows(s, db_column_int(cnt, 0));
	db_reset(cnt);
	while ((rc = db_step(st)) == DB_ROW) {
		xlsx_int(s, db_column_int(st, 0));
		xlsx_date(s, db_column_text(st, 1));
		xlsx_text(s, db_column_text(st, 2));
		xlsx_text(s, db_column_text(st, 3));
		xlsx_text(s, db_column_text(st, 4));
		xlsx_text(s, kind_label(db_column_text(st, 5)));
		for (int c = 6; c <= 8; c++)
			xlsx_text(s, db_column_text(st, c));
		if (db_column_int(st, 9))
			xlsx_int(s, db_column_int(st, 9));
		else
			xlsx_blank(s);
		xlsx_int(s, db_column_int(st, 10));
		xlsx_date(s, db_column_text(st, 11));
		xlsx_text(s, db_column_text(st, 12));
		if (db_column_int(st, 13))
			xlsx_int(s, db_column_int(st, 13));
		else
			xlsx_blank(s);
		if (db_column_int(st, 14))
			xlsx_int(s, db_column_int(st, 14));
		else
			xlsx_blank(s);
		for (int c = 15; c <= 17; c++)
			xlsx_text(s, db_column_text(st, c));
		xlsx_row_end(s);
		*sum += db_column_int(st, 10);
		(*count)++;
	}
	db_reset(st);
	if (rc != DB_DONE)
		return -1;
	char note[200];
	snprintf(note, sizeof note, "共 %lld 条，积分合计 %lld。“被更正”是更正记录对该条的调整合计。",
		 (long long)*count, (long long)*sum);
	xlsx_note(s, note);
	return 0;
}

static const struct xlsx_col balance_cols[] = {
	{"户编号", XLSX_TEXT, 0}, {"户主", XLSX_TEXT, 0},    {"积分余额", XLSX_INT, 0},
	{"本年积分", XLSX_INT, 0}, {"一票否决", XLSX_TEXT, 0},
};

/* Sheet 积分余额: every participating household (`jifen balances`). */
static int balances_sheet(db *d, arena *a, struct xlsx_book *b, const struct village *v, int year)
{
	struct ledger_balance *rows;
	int n;
	if (ledger_balances(d, a, v->id, year, &rows, &n))
		return -1;
	char title[256], today[11];
	date_today(today);
	snprintf(title, sizeof title, "%s %d 年积分台账：积分余额（%s）", v->name, year, today);
	struct xlsx_sheet *s = xlsx_sheet(b, "积分余额", title, balance_cols, 5);
	xlsx_expect_rows(s, n);
	for (int i = 0; i < n; i++) {
		xlsx_text(s, rows[i].code);
		xlsx_text(s, rows[i].name);
		xlsx_int(s, rows[i].balance);
		xlsx_int(s, rows[i].year_points);
		xlsx_text(s, rows[i].veto ? "是" : "");
		xlsx_row_end(s);
	}
	xlsx_note(s, "积分余额是导出当天的余额；本年积分是该年各月评分与更正的合计。");
	return 0;
}

static const struct xlsx_col standard_cols[] = {
	{"类别", XLSX_TEXT, 0},     {"项目编号", XLSX_TEXT, 0}, {"项目名称", XLSX_TEXT, 0},
	{"分值", XLSX_INT, 0},      {"每月上限", XLSX_INT, 0},  {"每年上限", XLSX_INT, 0},
	{"一票否决", XLSX_TEXT, 0}, {"需佐证", XLSX_TEXT, 0},
};

/* Sheet 积分标准: the version in force at the year's end (today when the
** year has not ended), with how it was adopted. */
static int standard_sheet(db *d, arena *a, struct xlsx_book *b, const struct village *v, int year)
{
	char on[11], today[11], title[256];
	date_today(today);
	snprintf(on, sizeof on, "%04d-12-31", year);
	if (strcmp(today, on) < 0)
		memcpy(on, today, sizeof on);
	struct std_version *ver = NULL;
	int rc = standard_in_force(d, a, v->id, on, 1, &ver);
	if (rc < 0)
		return -1;
	if (rc == 0)
		snprintf(title, sizeof title, "%s 积分标准第 %d 版（%s 起施行）", v->name, ver->version,
			 ver->effective_on);
	else
		snprintf(title, sizeof title, "%s 积分标准（%s 时没有施行中的标准）", v->name, on);
	struct xlsx_sheet *s = xlsx_sheet(b, "积分标准", title, standard_cols, 8);
	xlsx_expect_rows(s, ver ? ver->nitems : 0);
	for (int i = 0; ver && i < ver->nitems; i++) {
		const struct std_item *it = &ver->items[i];
		xlsx_text(s, it->category);
		xlsx_text(s, it->code);
		xlsx_text(s, it->name);
		xlsx_int(s, it->points);
		if (it->cap_month)
			xlsx_int(s, it->cap_month);
		else
			xlsx_blank(s);
		if (it->cap_year)
			xlsx_int(s, it->cap_year);
		else
			xlsx_blank(s);
		xlsx_text(s, it->veto ? "是" : "否");
		xlsx_text(s, it->evidence ? "是" : "否");
		xlsx_row_end(s);
	}
	if (ver && ver->adoption.adopted_on) {
		const struct std_adoption *ad = &ver->adoption;
		buf nb = {0};
		buf_printf(&nb, "%s %s审议通过", ad->adopted_on,
			   *ad->meeting_type ? standard_meeting_type_label(ad->meeting_type) : "会议");
		if (ad->entitled >= 0 && ad->attendance >= 0)
			buf_printf(&nb, "，应到 %lld 人，实到 %lld 人", (long long)ad->entitled,
				   (long long)ad->attendance);
		if (ad->votes_for >= 0)
			buf_printf(&nb, "，赞成 %lld 票", (long long)ad->votes_for);
		if (ad->votes_against >= 0)
			buf_printf(&nb, "，反对 %lld 票", (long long)ad->votes_against);
		if (ad->votes_abstain >= 0)
			buf_printf(&nb, "，弃权 %lld 票", (long long)ad->votes_abstain);
		if (*ad->meeting)
			buf_printf(&nb, "。会议记录：%s", ad->meeting);
		xlsx_note(s, buf_cstr(&nb));
		buf_free(&nb);
	}
	return 0;
}

/* The workbook at path, created; NULL with the message when it cannot be. */
static struct xlsx_book *book_open(const char *path, errlist *errs)
{
	struct xlsx_book *b = xlsx_open(path);
	if (!b)
		errlist_add(errs, "无法创建 Excel 文件 %s", path);
	return b;
}

/* Close the book and say why it failed in errs.  0 or -1. */
static int finish(struct xlsx_book *b, int rc, const char *path, errlist *errs)
{
	if (xlsx_close(b) || rc) {
		errlist_add(errs, rc ? "读取数据失败" : "无法写入 Excel 文件 %s", path);
		return -1;
	}
	return 0;
}

int export_ledger_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
		       errlist *errs)
{
	struct xlsx_book *b = book_open(path, errs);
	if (!b)
		return -1;
	int64_t sum, count;
	int rc = entries_sheet(d, b, v, year, &sum, &count);
	if (!rc)
		rc = balances_sheet(d, a, b, v, year);
	if (!rc)
		rc = standard_sheet(d, a, b, v, year);
	return finish(b, rc, path, errs);
}

static const struct xlsx_col summary_cols[] = {
	{"资金来源", XLSX_TEXT, 0},  {"本年收入（元）", XLSX_YUAN, 0},
	{"本年支出（元）", XLSX_YUAN, 0}, {"累计收入（元）", XLSX_YUAN, 0},
	{"累计支出（元）", XLSX_YUAN, 0}, {"余额（元）", XLSX_YUAN, 0},
};
static const struct xlsx_col move_cols[] = {
	{"编号", XLSX_INT, 0},     {"日期", XLSX_DATE, 11},      {"资金来源", XLSX_TEXT, 0},
	{"收支", XLSX_TEXT, 0},    {"金额（元）", XLSX_YUAN, 0}, {"捐赠方", XLSX_TEXT, 0},
	{"说明", XLSX_TEXT, 0},    {"冲销的编号", XLSX_INT, 0},  {"记录人", XLSX_TEXT, 0},
};

int export_funds_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
		      errlist *errs)
{
	(void)a;
	struct fund_summary fs;
	if (fund_summary(d, v, &fs)) {
		errlist_add(errs, "读取数据失败");
		return -1;
	}
	struct xlsx_book *b = book_open(path, errs);
	if (!b)
		return -1;
	char title[256], from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	snprintf(title, sizeof title, "%s %d 年积分超市资金台账：汇总", v->name, year);
	struct xlsx_sheet *sum = xlsx_sheet(b, "资金汇总", title, summary_cols, 6);
	xlsx_expect_rows(sum, FUND_SOURCES + 1);
	snprintf(title, sizeof title, "%s %d 年积分超市资金台账：流水", v->name, year);
	struct xlsx_sheet *mv = xlsx_sheet(b, "资金流水", title, move_cols, 9);

	int64_t yin[FUND_SOURCES + 1] = {0}, yout[FUND_SOURCES + 1] = {0};
	db_stmt *cnt = db_prepare(d, "SELECT COUNT(*) FROM fund_move WHERE village_id = $v"
				     " AND date >= $from AND date <= $to");
	int rc = -1, step;
	if (!cnt || db_bind_int(cnt, "$v", v->id) || db_bind_text(cnt, "$from", from) ||
	    db_bind_text(cnt, "$to", to) || db_step(cnt) != DB_ROW)
		goto out;
	xlsx_expect_rows(mv, db_column_int(cnt, 0));
	db_reset(cnt);
	db_stmt *st = db_prepare(d, "SELECT id, date, source, flow, amount_fen, donor, note,"
				    " COALESCE(reversal_of, 0), recorded_by FROM fund_move"
				    " WHERE village_id = $v AND date >= $from AND date <= $to"
				    " ORDER BY date, id");
	if (!st || db_bind_int(st, "$v", v->id) || db_bind_text(st, "$from", from) ||
	    db_bind_text(st, "$to", to))
		goto out;
	while ((step = db_step(st)) == DB_ROW) {
		int src = fund_source_index(db_column_text(st, 2));
		int income = !strcmp(db_column_text(st, 3), "income");
		int64_t amount = db_column_int(st, 4);
		xlsx_int(mv, db_column_int(st, 0));
		xlsx_date(mv, db_column_text(st, 1));
		xlsx_text(mv, src >= 0 ? fund_source_label(src) : db_column_text(st, 2));
		xlsx_text(mv, income ? "收入" : "支出");
		xlsx_cents(mv, amount);
		xlsx_text(mv, db_column_text(st, 5));
		xlsx_text(mv, db_column_text(st, 6));
		if (db_column_int(st, 7))
			xlsx_int(mv, db_column_int(st, 7));
		else
			xlsx_blank(mv);
		xlsx_text(mv, db_column_text(st, 8));
		xlsx_row_end(mv);
		if (src >= 0) {
			(income ? yin : yout)[src] += amount;
			(income ? yin : yout)[FUND_SOURCES] += amount;
		}
	}
	db_reset(st);
	if (step != DB_DONE)
		goto out;
	for (int i = 0; i <= FUND_SOURCES; i++) {
		const struct fund_row *r = i < FUND_SOURCES ? &fs.src[i] : &fs.total;
		xlsx_text(sum, i < FUND_SOURCES ? fund_source_label(i) : "合计");
		xlsx_cents(sum, yin[i]);
		xlsx_cents(sum, yout[i]);
		xlsx_cents(sum, r->income);
		xlsx_cents(sum, r->spent);
		xlsx_cents(sum, r->balance);
		xlsx_row_end(sum);
	}
	char a1[32], a2[32], a3[32], cov[32], note[400];
	snprintf(note, sizeof note,
		 "未兑换积分 %lld 分，每分 %s 元，折合 %s 元；库存价值 %s 元；资金覆盖率 %s。"
		 "累计与余额是导出当天的数字。",
		 (long long)fs.outstanding_points, fen_format(a1, fs.point_value_fen),
		 fen_format(a2, fs.liability_fen), fen_format(a3, fs.stock_value_fen),
		 fs.has_coverage ? fund_coverage_text(cov, &fs) : "—（没有未兑换积分）");
	xlsx_note(sum, note);
	rc = 0;
out:
	return finish(b, rc, path, errs);
}

static const struct xlsx_col honour_cols[] = {
	{"户编号", XLSX_TEXT, 0},   {"户主", XLSX_TEXT, 0},       {"年度积分", XLSX_INT, 0},
	{"名次", XLSX_INT, 0},      {"星级", XLSX_INT, 0},        {"可评星", XLSX_TEXT, 0},
	{"不能评星的原因", XLSX_TEXT, 0}, {"党员户", XLSX_TEXT, 0}, {"评先选优", XLSX_TEXT, 0},
};

int export_honours_xlsx(db *d, arena *a, const struct village *v, int year, const char *path,
			errlist *errs)
{
	struct honour_confirmation *c = NULL;
	struct honour_row *rows;
	int n;
	int got = honour_confirmed(d, a, v->id, year, &c, &rows, &n);
	if (got < 0 || (got && honour_list(d, a, v, year, &rows, &n))) {
		errlist_add(errs, "读取数据失败");
		return -1;
	}
	struct xlsx_book *b = book_open(path, errs);
	if (!b)
		return -1;
	char title[256];
	snprintf(title, sizeof title, "%s %d 年度星级户评定%s", v->name, year,
		 got ? "（尚未经村两委确认）" : "");
	struct xlsx_sheet *s = xlsx_sheet(b, "星级户", title, honour_cols,
					  (int)(sizeof honour_cols / sizeof *honour_cols));
	xlsx_expect_rows(s, n);
	for (int i = 0; i < n; i++) {
		const struct honour_row *h = &rows[i];
		xlsx_text(s, h->code);
		xlsx_text(s, h->name);
		xlsx_int(s, h->year_points);
		xlsx_int(s, h->rank);
		xlsx_int(s, h->stars);
		xlsx_text(s, h->eligible ? "是" : "否");
		xlsx_text(s, h->veto_reason);
		xlsx_text(s, h->party_member ? "是" : "");
		xlsx_text(s, h->model ? "是" : "");
		xlsx_row_end(s);
	}
	if (!got)
		xlsx_note(s, arena_printf(a, "村两委于 %s 确认（%s）：%s", c->meeting_date, c->attendees,
					  c->resolution));
	return finish(b, 0, path, errs);
}
