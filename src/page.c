/*
** page.c — the page kit of page.h: the error page and the pieces of the
** upload → preview → confirm flow shared by page_household.c,
** page_sheet.c and page_standard.c.
*/
#include "page.h"

#include <sodium.h>
#include <string.h>

#include "household.h"
#include "passbook.h"
#include "qr.h"
#include "req.h"
#include "standard.h"

void page_error(struct req *r, int status, const char *msg)
{
	r->status = status;
	html_page_begin(r, status == 404   ? "找不到页面"
			   : status == 403 ? "没有权限"
			   : status == 503 ? "系统暂时不可用"
					   : "出错了");
	html_error_box(r, msg);
	html_raw(r, "<p><a href=\"/\">返回首页</a></p>");
	html_page_end(r);
}

void page_error_list(struct req *r, const errlist *errs, const char *headline)
{
	if (!errs || !errs->n)
		return;
	html_error_box(r, headline);
	html_raw(r, "<ul class=\"errors\">");
	for (int i = 0; i < errs->n; i++)
		html(r, "<li>%s</li>", errs->msg[i]);
	html_raw(r, "</ul>");
}

void page_stat_card(struct req *r, const char *value, const char *label)
{
	html(r, "<div class=\"card\"><div class=\"big\">%s</div>%s</div>", value, label);
}

void page_stat_card_int(struct req *r, int64_t n, const char *label)
{
	html(r, "<div class=\"card\"><div class=\"big\">%lld</div>%s</div>", (long long)n, label);
}

const char *page_base64(arena *a, const char *data, size_t len)
{
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b64 = arena_alloc(a, n);
	sodium_bin2base64(b64, n, (const unsigned char *)data, len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return b64;
}

int page_unbase64(struct req *r, const char *name, const char **data, size_t *len)
{
	const char *b64 = req_form(r, name);
	size_t n = b64 ? strlen(b64) : 0;
	unsigned char *out = arena_alloc(r->a, n + 1);
	if (!b64 || sodium_base642bin(out, n + 1, b64, n, NULL, len, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	out[*len] = 0;
	*data = (const char *)out;
	return 0;
}

int page_upload_read(struct req *r, size_t max, const char *too_big, struct upload *u)
{
	memset(u, 0, sizeof *u);
	u->confirm = req_form(r, "confirm") != NULL;
	if (u->confirm) {
		if (page_unbase64(r, "data", &u->data, &u->len)) {
			http_error(r, 400, "确认的内容不完整，请重新上传文件。");
			return -1;
		}
		u->fname = upload_name(r->a, req_form(r, "fname"));
		return 0;
	}
	const struct param *file = req_file(r, "file");
	if (!file)
		return 1;
	if (file->len > max) {
		http_error(r, 413, too_big);
		return -1;
	}
	u->fname = upload_name(r->a, file->filename);
	u->data = file->value;
	u->len = file->len;
	return 0;
}

int page_upload_or_reply(struct req *r, size_t max, struct upload *u, const char *title,
			 void (*form)(struct req *r, const void *ctx), const void *ctx)
{
	int rc = page_upload_read(r, max, "文件太大：网页导入最多 8 MB，更大的文件请用命令行导入。", u);
	if (rc > 0) {
		r->status = 400;
		html_page_begin(r, title);
		html_error_box(r, "请选择要上传的 CSV 文件。");
		form(r, ctx);
		html_page_end(r);
		return -1;
	}
	return rc;
}

void page_confirm_fields(struct req *r, const char *fname, const char *data, size_t len)
{
	html(r, "<input type=\"hidden\" name=\"fname\" value=\"%s\">"
		"<input type=\"hidden\" name=\"data\" value=\"%s\">"
		"<input type=\"hidden\" name=\"confirm\" value=\"1\">",
	     fname, page_base64(r->a, data, len));
}

/* ---- what the scoring pages share ---------------------------------------------- */

/* Points with a sign and a class for colour. */
void points_cell(struct req *r, int64_t p)
{
	html(r, "<td class=\"num %s\">%+lld</td>", p < 0 ? "neg" : p > 0 ? "pos" : "",
	     (long long)p);
}

/* The participating households of v for pick lists (arena). */
int pick_households(struct req *r, const struct village *v, struct household **rows, int *n)
{
	int64_t total;
	enum { PICK_MAX = 20000 }; /* households in a pick list */
	return household_list(r->db, r->a, v->id, NULL, HH_PARTICIPATING, 1, PICK_MAX, rows, n,
			      &total);
}

/* The <datalist id="households"> of participating households: value the
** code, label the head's name, so a browser suggests both without JS. */
void households_datalist(struct req *r, const struct household *rows, int n)
{
	html_raw(r, "<datalist id=\"households\">");
	for (int i = 0; i < n; i++)
		html(r, "<option value=\"%s\">%s</option>", rows[i].code, rows[i].head_name);
	html_raw(r, "</datalist>");
}

/* The item <select> of a version, grouped by category with <optgroup>;
** each option starts with the code so typing the code picks it. */
void item_select(struct req *r, const char *name, const struct std_version *sv,
		 const char *selected, int required)
{
	html(r, "<select name=\"%s\" id=\"%s\"%s>", name, name, required ? " required" : "");
	html_raw(r, "<option value=\"\">请选择积分项目</option>");
	if (sv) {
		const char **cats = arena_alloc(r->a, (size_t)(sv->nitems + 1) * sizeof *cats);
		int ncat = 0;
		for (int i = 0; i < sv->nitems; i++) {
			int seen = 0;
			for (int c = 0; c < ncat && !seen; c++)
				seen = !strcmp(cats[c], sv->items[i].category);
			if (!seen)
				cats[ncat++] = sv->items[i].category;
		}
		for (int c = 0; c < ncat; c++) {
			html(r, "<optgroup label=\"%s\">", cats[c]);
			for (int i = 0; i < sv->nitems; i++) {
				const struct std_item *it = &sv->items[i];
				if (strcmp(it->category, cats[c]))
					continue;
				html(r, "<option value=\"%s\"%s>%s %s（%+lld", it->code,
				     selected && !strcmp(selected, it->code) ? " selected" : "",
				     it->code, it->name, (long long)it->points);
				if (it->cap_month)
					html(r, "，每月上限 %lld", (long long)it->cap_month);
				if (it->cap_year)
					html(r, "，每年上限 %lld", (long long)it->cap_year);
				if (it->evidence)
					html_raw(r, "，需佐证");
				if (it->veto)
					html_raw(r, "，一票否决");
				html_raw(r, "）</option>");
			}
			html_raw(r, "</optgroup>");
		}
	}
	html_raw(r, "</select>");
}

void page_qr_svg(struct req *r, const char *text, int px, const char *label)
{
	int size = 0;
	const char *path = qr_svg_path(r->a, text, &size);
	if (!path)
		return;
	html(r, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" ", size, size);
	if (px > 0)
		html(r, "width=\"%d\" height=\"%d\" ", px, px);
	else
		html_raw(r, "class=\"qr\" ");
	html(r, "role=\"img\" aria-label=\"%s\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		"<path d=\"%s\" fill=\"#000\" shape-rendering=\"crispEdges\"/></svg>",
	     label, size, size, path);
}

void page_qr_png(struct req *r, const char *text, int px, const char *label)
{
	int size = 0;
	size_t len = 0;
	const unsigned char *png = qr_png(r->a, text, &size, &len);
	if (!png)
		return;
	/* a whole number of pixels a module, nearest px: every module the
	** same size on a screen of one device pixel a CSS pixel too */
	int scale = (px + size / 2) / size;
	if (scale < 1)
		scale = 1;
	size_t b64_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(r->a, b64_len);
	sodium_bin2base64(b64, b64_len, png, len, sodium_base64_VARIANT_ORIGINAL);
	html(r, "<img class=\"qr-px\" width=\"%d\" height=\"%d\" alt=\"%s\" src=\"data:image/png;base64,",
	     size * scale, size * scale, label);
	html_raw(r, b64); /* base64's alphabet needs no escaping in an attribute */
	html_raw(r, "\">");
}

void page_village_signer(struct req *r, const char *village_name, const char *date)
{
	size_t len = strlen(village_name);
	int ends_village = len >= 3 && !strcmp(village_name + len - 3, "村");
	html(r, "<p class=\"signer\">%s%s委员会</p><p class=\"signer\">%s</p>", village_name,
	     ends_village ? "民" : "村民", date);
}

struct household *page_own_household_or_500(struct req *r, struct village **v,
					    struct actor *who)
{
	*v = village_by_id(r->db, r->a, r->user->village_id);
	struct household *h = NULL;
	if (!*v || household_get(r->db, r->a, (*v)->id, r->user->id, &h)) {
		page_error(r, 500, "读取农户信息时出错。");
		return NULL;
	}
	*who = (struct actor){0, arena_printf(r->a, "household:%s", h->code), r->ip};
	return h;
}

void page_csv_columns(struct req *r, const struct csv_col *spec, int n)
{
	html_raw(r, "<h2>文件格式</h2><table class=\"list\"><thead><tr><th>列名</th><th>中文列名</th>"
		    "<th>必填</th></tr></thead><tbody>");
	for (int f = 0; f < n; f++)
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", spec[f].name, spec[f].alias,
		     spec[f].required ? "是" : "否");
	html_raw(r, "</tbody></table>");
}
