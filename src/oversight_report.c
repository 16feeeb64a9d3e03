/*
** oversight_report.c — the bytes of the town's report (`jifen report`,
** the dashboard's downloads): CSV and JSON exactly as INTERFACES.md names
** the columns, and the xlsx workbook through the xlsx kit (xlsx.h), the
** one way every export writes a sheet.  The rows come from
** oversight_report(); nothing is computed here.
*/
#include "oversight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "json.h"
#include "xlsx.h"

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

/* The report's columns in the workbook: the CSV's, titled in Chinese. */
static const struct xlsx_col report_xlsx_cols[] = {
	{"村编号", XLSX_TEXT, 10},     {"村名", XLSX_TEXT, 16},         {"符合条件户", XLSX_INT, 12},
	{"参与户", XLSX_INT, 10},      {"覆盖率", XLSX_DEC2, 10},       {"标准版本", XLSX_INT, 10},
	{"标准通过日期", XLSX_DATE, 14}, {"已审定月数", XLSX_INT, 12},    {"季度公示次数", XLSX_INT, 14},
	{"未答复异议", XLSX_INT, 12},  {"兑换次数", XLSX_INT, 10},      {"兑换积分", XLSX_INT, 10},
	{"资金余额（元）", XLSX_YUAN, 16},
};

int oversight_report_xlsx(const char *path, const char *town, int year,
			  const struct oversight_row *rows, int n, char *err, size_t errlen)
{
	struct xlsx_book *b = xlsx_open(path);
	if (!b) {
		snprintf(err, errlen, "无法创建文件 %s", path);
		return -1;
	}
	char t[256];
	snprintf(t, sizeof t, "%s %d 年乡村治理积分制各村实施情况", town, year);
	struct xlsx_sheet *s =
		xlsx_sheet(b, "各村情况", t, report_xlsx_cols,
			   (int)(sizeof report_xlsx_cols / sizeof report_xlsx_cols[0]));
	if (s) {
		xlsx_expect_rows(s, n);
		for (int i = 0; i < n; i++) {
			const struct oversight_row *r = &rows[i];
			xlsx_text(s, r->code);
			xlsx_text(s, r->name);
			xlsx_int(s, r->eligible);
			xlsx_int(s, r->participating);
			if (r->has_coverage)
				xlsx_cents(s, r->coverage_x100);
			else
				xlsx_blank(s);
			if (r->standard_version) {
				xlsx_int(s, r->standard_version);
				xlsx_date(s, r->standard_adopted);
			} else {
				xlsx_blank(s);
				xlsx_blank(s);
			}
			xlsx_int(s, r->months_approved);
			xlsx_int(s, r->announcements);
			xlsx_int(s, r->objections_open);
			xlsx_int(s, r->redemptions);
			xlsx_int(s, r->points_redeemed);
			xlsx_cents(s, r->fund_balance_fen);
			xlsx_row_end(s);
		}
	}
	if (xlsx_close(b)) {
		snprintf(err, errlen, "写入 %s 失败", path);
		return -1;
	}
	return 0;
}
