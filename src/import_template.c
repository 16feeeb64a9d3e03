/*
** import_template.c — the import templates (see import_template.h).  The
** headers come from the areas' own column specs, so a template can never
** name a column its import does not know.
*/
#include "import_template.h"

#include <string.h>

#include "catalog.h"
#include "csvout.h"
#include "household.h"
#include "sheet.h"
#include "standard.h"
#include "xlsx.h"

static const char *const household_example[HF_COUNT] = {
	[HF_CODE] = "001",       [HF_HEAD_NAME] = "张三", [HF_ADDRESS] = "一组 8 号",
	[HF_MEMBERS] = "4",      [HF_PHONE] = "13800000000", [HF_HUKOU] = "是",
	[HF_HOMESTEAD] = "是",   [HF_RESIDENT] = "是",  [HF_TENANT] = "否",
	[HF_JOINED] = "2024-04-01",
};
static const char *const entry_example[EF_COUNT] = {
	[EF_HOUSEHOLD] = "001", [EF_ITEM] = "HJ01", [EF_QUANTITY] = "1",
	[EF_DATE] = "2024-04-15", [EF_NOTE] = "",
};
static const char *const catalog_example[CF_COUNT] = {
	[CF_CODE] = "SP01", [CF_NAME] = "食用油 5 升", [CF_KIND] = "物品", [CF_POINTS] = "50",
	[CF_STOCK] = "20",  [CF_UNIT_COST] = "45.00",  [CF_ACTIVE] = "是",
};
static const char *const standard_example[SF_COUNT] = {
	[SF_CATEGORY] = "环境优化", [SF_CODE] = "HJ01", [SF_NAME] = "宅前屋后无乱堆乱放",
	[SF_POINTS] = "5",          [SF_CAP_MONTH] = "10", [SF_CAP_YEAR] = "",
	[SF_VETO] = "否",           [SF_EVIDENCE] = "否",
};

static const struct import_template templates[] = {
	{"households", "农户", household_csv_spec, HF_COUNT, household_example, HF_JOINED},
	{"entries", "月度积分记录", entry_csv_spec, EF_COUNT, entry_example, EF_DATE},
	{"catalog", "积分超市商品", catalog_csv_spec, CF_COUNT, catalog_example, -1},
	{"standard", "积分标准", standard_csv_spec, SF_COUNT, standard_example, -1},
};

const struct import_template *import_template_find(const char *name)
{
	for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (!strcmp(templates[i].name, name))
			return &templates[i];
	return NULL;
}

void import_template_csv(const struct import_template *t, buf *out)
{
	struct csv_out w;
	csv_begin(&w, "\r\n");
	csv_literal(&w, "\xEF\xBB\xBF");
	for (int i = 0; i < t->ncols; i++)
		csv_text(&w, t->spec[i].alias);
	csv_row_end(&w);
	for (int i = 0; i < t->ncols; i++)
		csv_text(&w, t->example[i]);
	csv_row_end(&w);
	buf_append(out, w.b.p, w.b.len);
	csv_finish(&w);
}

int import_template_xlsx(const struct import_template *t, const char *path)
{
	struct xlsx_col cols[32];
	for (int i = 0; i < t->ncols && i < 32; i++)
		cols[i] = (struct xlsx_col){t->spec[i].alias, i == t->date_col ? XLSX_DATE : XLSX_TEXT,
					    10};
	struct xlsx_book *b = xlsx_open(path);
	if (!b)
		return -1;
	struct xlsx_sheet *s = xlsx_sheet(b, t->title, NULL, cols, t->ncols);
	xlsx_expect_rows(s, 1);
	for (int i = 0; i < t->ncols; i++) {
		if (i == t->date_col)
			xlsx_date(s, t->example[i]);
		else
			xlsx_text(s, t->example[i]);
	}
	xlsx_row_end(s);
	/* the second sheet explains; the import reads only the first */
	static const struct xlsx_col help_cols[] = {
		{"列名", XLSX_TEXT, 0}, {"英文列名", XLSX_TEXT, 0}, {"必填", XLSX_TEXT, 0}};
	struct xlsx_sheet *h = xlsx_sheet(b, "填写说明", "填写说明（导入时只读取第一个工作表）",
					  help_cols, 3);
	xlsx_expect_rows(h, t->ncols);
	for (int i = 0; i < t->ncols; i++) {
		xlsx_text(h, t->spec[i].alias);
		xlsx_text(h, t->spec[i].name);
		xlsx_text(h, t->spec[i].required ? "必填" : "可不填");
		xlsx_row_end(h);
	}
	xlsx_note(h, "第一个工作表的第 1 行是列名，请从第 2 行起填写（示例行可以改写或删除）；"
		     "是/否 也可写 Y/N、1/0；日期写 YYYY-MM-DD。");
	return xlsx_close(b);
}
