/*
** oversight_report.c — the bytes of the town's report (`jifen report`,
** the dashboard's downloads): CSV and JSON exactly as INTERFACES.md names
** the columns, and the xlsx workbook written with libxlsxwriter directly
** (to move onto the shared xlsx kit once it exists).  The rows come from
** oversight_report(); nothing is computed here.
*/
#include "oversight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "csvout.h"
#include "json.h"

static const char *const report_columns[] = {
	"village",         "name",          "eligible",       "participating", "coverage",
	"standard_version", "standard_adopted", "months_approved", "announcements",
	"objections_open", "redemptions",   "points_redeemed", "fund_balance",  NULL,
};

/* A decimal number cell ("0.85", "-3.00"): a number, so not formula
** guarded as text would be (csvout.h). */
static void csv_decimal(struct csv_out *w, const char *s)
{
	csv_literal(w, w->col++ ? "," : "");
	csv_literal(w, s);
}

void oversight_report_csv(struct csv_out *w, const struct oversight_row *rows, int n)
{
	for (int i = 0; report_columns[i]; i++)
		csv_text(w, report_columns[i]);
	csv_row_end(w);
	char cov[32], fen[32];
	for (int i = 0; i < n; i++) {
		const struct oversight_row *r = &rows[i];
		csv_text(w, r->code);
		csv_text(w, r->name);
		csv_int(w, r->eligible);
		csv_int(w, r->participating);
		csv_decimal(w, oversight_ratio_text(cov, r->has_coverage, r->coverage_x100));
		if (r->standard_version)
			csv_int(w, r->standard_version);
		else
			csv_text(w, NULL);
		csv_text(w, r->standard_version ? r->standard_adopted : NULL);
		csv_int(w, r->months_approved);
		csv_int(w, r->announcements);
		csv_int(w, r->objections_open);
		csv_int(w, r->redemptions);
		csv_int(w, r->points_redeemed);
		csv_decimal(w, fen_format(fen, r->fund_balance_fen));
		csv_row_end(w);
	}
}

void oversight_report_json(buf *b, const struct oversight_row *rows, int n)
{
	char cov[32], fen[32];
	buf_puts(b, "[");
	for (int i = 0; i < n; i++) {
		const struct oversight_row *r = &rows[i];
		buf_puts(b, i ? ",\n {\"village\":" : "\n {\"village\":");
		json_quote(b, r->code);
		buf_puts(b, ",\"name\":");
		json_quote(b, r->name);
		buf_printf(b, ",\"eligible\":%lld,\"participating\":%lld,\"coverage\":%s",
			   (long long)r->eligible, (long long)r->participating,
			   r->has_coverage ? oversight_ratio_text(cov, 1, r->coverage_x100) : "null");
		if (r->standard_version) {
			buf_printf(b, ",\"standard_version\":%lld,\"standard_adopted\":",
				   (long long)r->standard_version);
			json_quote(b, r->standard_adopted);
		} else
			buf_puts(b, ",\"standard_version\":null,\"standard_adopted\":null");
		buf_printf(b,
			   ",\"months_approved\":%lld,\"announcements\":%lld,\"objections_open\":%lld,"
			   "\"redemptions\":%lld,\"points_redeemed\":%lld,\"fund_balance\":%s}",
			   (long long)r->months_approved, (long long)r->announcements,
			   (long long)r->objections_open, (long long)r->redemptions,
			   (long long)r->points_redeemed, fen_format(fen, r->fund_balance_fen));
	}
	buf_puts(b, n ? "\n]\n" : "]\n");
}

int oversight_report_xlsx(const char *path, const char *town, int year,
			  const struct oversight_row *rows, int n, char *err, size_t errlen)
{
	static const char *const heads[] = {
		"村编号", "村名", "符合条件户", "参与户", "覆盖率", "标准版本", "标准通过日期",
		"已审定月数", "季度公示次数", "未答复异议", "兑换次数", "兑换积分", "资金余额（元）",
		NULL,
	};
	static const double widths[] = {10, 16, 12, 10, 10, 10, 14, 12, 14, 12, 10, 10, 16};
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		snprintf(err, errlen, "无法创建文件 %s", path);
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "各村情况");
	lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb);
	lxw_format *ratio = workbook_add_format(wb), *money = workbook_add_format(wb);
	lxw_format *date = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	format_set_bold(head);
	format_set_bottom(head, LXW_BORDER_THIN);
	format_set_num_format(ratio, "0.00");
	format_set_num_format(money, "0.00");
	format_set_num_format(date, "yyyy-mm-dd");
	char t[256];
	snprintf(t, sizeof t, "%s %d 年乡村治理积分制各村实施情况", town, year);
	worksheet_write_string(ws, 0, 0, t, title);
	for (int c = 0; heads[c]; c++) {
		worksheet_write_string(ws, 1, (lxw_col_t)c, heads[c], head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	}
	worksheet_freeze_panes(ws, 2, 0);
	for (int i = 0; i < n; i++) {
		const struct oversight_row *r = &rows[i];
		lxw_row_t y = (lxw_row_t)(i + 2);
		worksheet_write_string(ws, y, 0, r->code, NULL);
		worksheet_write_string(ws, y, 1, r->name, NULL);
		worksheet_write_number(ws, y, 2, (double)r->eligible, NULL);
		worksheet_write_number(ws, y, 3, (double)r->participating, NULL);
		if (r->has_coverage)
			worksheet_write_number(ws, y, 4, (double)r->coverage_x100 / 100.0, ratio);
		if (r->standard_version)
			worksheet_write_number(ws, y, 5, (double)r->standard_version, NULL);
		if (r->standard_version && r->standard_adopted &&
		    date_valid(r->standard_adopted)) {
			lxw_datetime dt = {.year = atoi(r->standard_adopted),
					   .month = atoi(r->standard_adopted + 5),
					   .day = atoi(r->standard_adopted + 8)};
			worksheet_write_datetime(ws, y, 6, &dt, date);
		}
		worksheet_write_number(ws, y, 7, (double)r->months_approved, NULL);
		worksheet_write_number(ws, y, 8, (double)r->announcements, NULL);
		worksheet_write_number(ws, y, 9, (double)r->objections_open, NULL);
		worksheet_write_number(ws, y, 10, (double)r->redemptions, NULL);
		worksheet_write_number(ws, y, 11, (double)r->points_redeemed, NULL);
		worksheet_write_number(ws, y, 12, (double)r->fund_balance_fen / 100.0, money);
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "写入 %s 失败: %s", path, lxw_strerror(e));
		return -1;
	}
	return 0;
}
