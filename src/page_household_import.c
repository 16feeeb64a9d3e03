/*
** page_household_import.c — the households CSV import on the web: upload,
** preview (a dry run of household_import()), confirm.
**
**   GET  /v/CODE/import                       the upload form
**   POST /v/CODE/import                       preview; with confirm=1, import
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "html.h"
#include "page.h"
#include "req.h"
#include "village.h"

/* ---- CSV import -------------------------------------------------------------------------------- */

/* The upload form (and the column table as a reminder). */
static void import_upload_form(struct req *r, const struct village *v)
{
	html(r, "<form method=\"post\" action=\"/v/%s/import\" enctype=\"multipart/form-data\" "
		"class=\"narrow\">",
	     url_encode(r->a, v->code));
	html_csrf(r);
	html_raw(r, "<label>CSV 或 Excel 文件<input type=\"file\" name=\"file\" "
		    "accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\" required></label>"
		    "<button type=\"submit\" class=\"primary\">上传并预览</button></form>"
		    "<p class=\"hint\">上传后先显示预览：将新增、更新哪些户，以及每一处错误。"
		    "确认之后才会写入；文件中只要有一处错误，就不会导入任何数据。</p>");
	page_template_links(r, "households");
	page_csv_columns(r, household_csv_spec, HF_COUNT);
	html_raw(r, "<p class=\"hint\">是/否 列可填 是/否、Y/N、1/0、yes/no；"
		    "参与日期格式 YYYY-MM-DD，留空表示尚未参与。文件中没有的户保持不变。</p>");
}

/* GET /v/CODE/import (?added=&updated=&unchanged= after an import) */
static void page_import(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	html_page_begin(r, arena_printf(r->a, "%s · 批量导入农户", v->name));
	const char *a = req_query(r, "added"), *u = req_query(r, "updated"),
		   *s = req_query(r, "unchanged");
	int64_t na, nu, ns;
	if (a && u && s && !parse_int64(a, &na) && !parse_int64(u, &nu) && !parse_int64(s, &ns))
		html_notice(r, arena_printf(r->a, "导入完成：新增 %lld 户，更新 %lld 户，未变 %lld 户。",
					    (long long)na, (long long)nu, (long long)ns));
	import_upload_form(r, v);
	html_page_end(r);
}

/* The changed fields of a report row, "户主姓名、联系电话" (arena). */
static const char *changed_labels(arena *a, unsigned changed)
{
	buf b = {0};
	for (int f = 0; f < HF_COUNT; f++)
		if (changed & (1u << f)) {
			if (b.len)
				buf_puts(&b, "、");
			buf_puts(&b, household_field_label(f));
		}
	char *s = arena_strdup(a, b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	return s;
}

/* The preview of a dry run: errors, or the rows to add and update with a
** confirmation form carrying the same file (base64) back. */
static void import_preview(struct req *r, const struct village *v, const char *fname,
			   const char *data, size_t len)
{
	struct import_report rep = {0};
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = household_import(r->db, &who, v, fname, data, len, 1, &rep, &errs);
	if (rc < 0) {
		http_error(r, 500, "读取现有农户时出错。");
		goto out;
	}
	html_page_begin(r, arena_printf(r->a, "%s · 导入预览：%s", v->name, fname));
	if (rc > 0) {
		r->status = 400;
		page_error_list(r, &errs, arena_printf(r->a, "文件中有 %d 处错误，没有导入任何数据。"
							 "请改正后重新上传。", errs.n));
		import_upload_form(r, v);
		html_page_end(r);
		goto out;
	}
	html(r, "<p>共 %d 行：将新增 <strong>%d</strong> 户，更新 <strong>%d</strong> 户，"
		"<strong>%d</strong> 户没有变化。</p>",
	     rep.n, rep.added, rep.updated, rep.unchanged);
	page_upload_format(r, data, len);
	if (rep.added + rep.updated) {
		html_raw(r, "<table class=\"list wide\"><thead><tr><th>行</th><th>户编号</th>"
			    "<th>户主</th><th>结果</th></tr></thead><tbody>");
		for (int i = 0; i < rep.n; i++) {
			const struct import_row *row = &rep.rows[i];
			if (row->action == IMPORT_UNCHANGED)
				continue;
			html(r, "<tr><td class=\"num\">%d</td><td>%s</td><td>%s</td><td>%s%s</td></tr>",
			     row->row, row->code, row->head_name,
			     row->action == IMPORT_ADD ? "新增" : "更新：",
			     row->action == IMPORT_ADD ? "" : changed_labels(r->a, row->changed));
		}
		html_raw(r, "</tbody></table>");
		html(r, "<form method=\"post\" action=\"/v/%s/import\">", url_encode(r->a, v->code));
		html_csrf(r);
		page_confirm_fields(r, fname, data, len);
		html_raw(r, "<button type=\"submit\" class=\"primary\">确认导入</button></form>");
		html(r, "<p><a href=\"/v/%s/import\">放弃，重新选择文件</a></p>",
		     url_encode(r->a, v->code));
	} else {
		html_notice(r, "文件与现有数据一致，没有需要导入的变更。");
		html(r, "<p><a href=\"%s\">返回农户名册</a></p>", arena_printf(r->a, "/v/%s/households", url_encode(r->a, v->code)));
	}
	html_page_end(r);
out:
	import_report_free(&rep);
	errlist_free(&errs);
}

/* Apply a confirmed import (the file came back base64 in its form). */
static void import_confirm(struct req *r, const struct village *v, const struct upload *up)
{
	struct import_report rep = {0};
	errlist errs = {0};
	struct actor who = req_actor(r);
	int rc = household_import(r->db, &who, v, up->fname, up->data, up->len, 0, &rep, &errs);
	if (rc < 0)
		http_error(r, 500, "导入时出错，没有导入任何数据。");
	else if (rc > 0) {
		r->status = 400;
		html_page_begin(r, arena_printf(r->a, "%s · 导入失败", v->name));
		page_error_list(r, &errs, arena_printf(r->a, "文件中有 %d 处错误，没有导入任何数据。",
							 errs.n));
		import_upload_form(r, v);
		html_page_end(r);
	} else
		http_redirect(r, arena_printf(r->a, "/v/%s/import?added=%d&updated=%d&unchanged=%d",
					      url_encode(r->a, v->code), rep.added, rep.updated,
					      rep.unchanged));
	import_report_free(&rep);
	errlist_free(&errs);
}

/* The upload form of page_upload_or_reply(); ctx is the village. */
static void upload_form(struct req *r, const void *ctx)
{
	import_upload_form(r, ctx);
}

/* POST /v/CODE/import: an upload (multipart "file") gives the preview; the
** preview's form (confirm=1, data) applies. */
static void page_import_post(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct upload up;
	if (page_upload_or_reply(r, WEB_IMPORT_MAX, &up,
				 arena_printf(r->a, "%s · 批量导入农户", v->name), upload_form, v))
		return;
	if (up.confirm)
		import_confirm(r, v, &up);
	else
		import_preview(r, v, up.fname, up.data, up.len);
}

/* After household_routes in routes.c, as the rows were in its table. */
const struct route household_import_routes[] = {
	{"GET", "/v/*/import", page_import, ROLES_ADMIN, 0},
	{"POST", "/v/*/import", page_import_post, ROLES_ADMIN, ROUTE_UPLOAD},
	{0},
};
