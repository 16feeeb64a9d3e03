/*
** page_export.c — the Excel downloads of the pages: a village's 台账 of a
** year (/v/CODE/ledger.xlsx, linked from the ledger page) and its funds
** (/v/CODE/funds.xlsx, linked from the funds page) and its honours
** (/v/CODE/honours.xlsx, beside the honours list's CSV), built by export.c;
** the town's report (/town/report.xlsx, on the town dashboard beside its
** CSV, oversight_report.c); and
** the blank import templates (/templates/NAME.xlsx|csv, public: they hold
** no data), linked from every import page.
**
** libxlsxwriter writes only to a file, so a workbook is written to a
** temporary file in TMPDIR, removed, streamed from it, and sent with the
** Chinese file name in an RFC 5987 filename* (and an ASCII one for old
** browsers).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csvfile.h"
#include "export.h"
#include "html.h"
#include "http.h"
#include "import_template.h"
#include "oversight.h"
#include "page.h"
#include "req.h"
#include "village.h"
#include "xlsx.h"

/* The headers of a download named name (UTF-8) with ascii as the fallback. */
static void download_headers(struct req *r, const char *name, const char *ascii)
{
	http_header(r, "Content-Disposition",
		    arena_printf(r->a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii,
				 url_encode(r->a, name)));
	http_header(r, "Cache-Control", "no-store");
}

/* Send data as a download named name with ascii as the fallback. */
static void send_download(struct req *r, const char *ctype, const char *name, const char *ascii,
			  const char *data, size_t len)
{
	download_headers(r, name, ascii);
	http_send(r, 200, ctype, data, len);
}

/* A temporary file's path for a workbook (arena), created empty (0600),
** or NULL. */
static char *temp_path(struct req *r)
{
	const char *dir = getenv("TMPDIR");
	char *path = arena_printf(r->a, "%s/jifen-export-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0)
		return NULL;
	close(fd);
	return path;
}

/* A workbook being sent from its (already removed) temporary file. */
struct file_stream {
	struct http_stream s;
	int fd;
};

/* http_stream next(): the next 64 KB of the file. */
static int file_next(struct http_stream *hs, db *d)
{
	(void)d;
	struct file_stream *fs = (struct file_stream *)hs;
	char *p = buf_space(&hs->w.b, CSV_CHUNK);
	ssize_t n;
	do
		n = read(fs->fd, p, CSV_CHUNK);
	while (n < 0 && errno == EINTR);
	hs->w.b.len -= CSV_CHUNK - (n > 0 ? (size_t)n : 0);
	return n < 0 ? -1 : n > 0;
}

static void file_done(struct http_stream *hs)
{
	close(((struct file_stream *)hs)->fd);
}

/* Send the workbook at path as a download (name, ascii as in
** send_download), streamed from the file a chunk at a time — a village's
** 台账 of a year may be megabytes, and the answer holds one chunk, not the
** file — and remove the file now (the open descriptor keeps it readable). */
static void send_workbook(struct req *r, const char *path, const char *name, const char *ascii)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	struct file_stream *fs = fd < 0 ? NULL : calloc(1, sizeof *fs);
	if (!fs) {
		if (fd >= 0)
			close(fd);
		http_error(r, 500, "无法读取生成的 Excel 文件");
		return;
	}
	fs->fd = fd;
	fs->s.next = file_next;
	fs->s.done = file_done;
	csv_begin(&fs->s.w, "");
	download_headers(r, name, ascii);
	http_send_stream(r, 200, XLSX_CONTENT_TYPE, &fs->s);
}

typedef int (*export_fn)(db *d, arena *a, const struct village *v, int year, const char *path,
			 errlist *errs);

/* GET /v/CODE/{ledger,funds}.xlsx?year=YYYY (default: this year). */
static void page_export(struct req *r, export_fn fn, const char *kind, const char *label)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	char today[11];
	date_today(today);
	int64_t year = req_query_int_or_400(r, "year", atoi(today), 2000, 2999,
					    "year: 年份应为 2000–2999 的 YYYY");
	if (year < 0)
		return;
	char *path = temp_path(r);
	if (!path) {
		http_error(r, 500, "无法创建临时文件");
		return;
	}
	errlist errs = {0};
	int rc = fn(r->db, r->a, v, (int)year, path, &errs);
	errlist_free(&errs);
	if (rc) {
		unlink(path);
		http_error(r, 500, "导出失败，请稍后再试");
		return;
	}
	http_security_event(r, "security.export",
			    arena_printf(r->a, "%s.xlsx:%s:%lld", kind, v->code, (long long)year),
			    v->id, NULL);
	send_workbook(r, path, arena_printf(r->a, "%s-%lld年%s.xlsx", v->name, (long long)year, label),
		      arena_printf(r->a, "%s-%s-%lld.xlsx", kind, v->code, (long long)year));
}

static void page_ledger_xlsx(struct req *r)
{
	page_export(r, export_ledger_xlsx, "ledger", "积分台账");
}

static void page_funds_xlsx(struct req *r)
{
	page_export(r, export_funds_xlsx, "funds", "资金台账");
}

static void page_honours_xlsx(struct req *r)
{
	page_export(r, export_honours_xlsx, "honours", "星级户");
}

/* GET /town/report.xlsx?year=YYYY (default: this year): `jifen report
** --format xlsx` as the town dashboard's download. */
static void page_town_report_xlsx(struct req *r)
{
	int year = req_town_year_or_400(r);
	if (!year)
		return;
	struct oversight_row *rows;
	int n;
	if (oversight_report(r->db, r->a, (int)year, &rows, &n)) {
		http_error(r, 500, "读取各村数据时出错。");
		return;
	}
	char *path = temp_path(r);
	char err[512];
	if (!path || oversight_report_xlsx(path, town_name(r->db, r->a), (int)year, rows, n, err,
					   sizeof err)) {
		if (path)
			unlink(path);
		http_error(r, 500, "导出失败，请稍后再试");
		return;
	}
	http_security_event(r, "security.export",
			    arena_printf(r->a, "report.xlsx:%lld", (long long)year), 0, NULL);
	send_workbook(r, path, arena_printf(r->a, "%lld年各村实施情况.xlsx", (long long)year),
		      arena_printf(r->a, "report-%lld.xlsx", (long long)year));
}

/* GET /templates/NAME.xlsx or NAME.csv: a blank import template. */
static void page_template(struct req *r)
{
	const char *f = r->arg[0], *dot = strrchr(f, '.');
	const struct import_template *t =
		dot ? import_template_find(arena_strndup(r->a, f, (size_t)(dot - f))) : NULL;
	if (!t || (strcmp(dot, ".xlsx") && strcmp(dot, ".csv"))) {
		http_error(r, 404, "没有这个模板");
		return;
	}
	const char *name = arena_printf(r->a, "%s导入模板%s", t->title, dot);
	const char *ascii = arena_printf(r->a, "%s-template%s", t->name, dot);
	if (!strcmp(dot, ".csv")) {
		buf b = {0};
		import_template_csv(t, &b);
		char *copy = arena_strndup(r->a, b.p, b.len);
		size_t len = b.len;
		buf_free(&b);
		send_download(r, "text/csv; charset=utf-8", name, ascii, copy, len);
		return;
	}
	char *path = temp_path(r);
	if (!path || import_template_xlsx(t, path)) {
		if (path)
			unlink(path);
		http_error(r, 500, "无法生成模板");
		return;
	}
	send_workbook(r, path, name, ascii);
}

void page_template_links(struct req *r, const char *name)
{
	html(r, "<p class=\"note\">空白模板：<a href=\"/templates/%s.xlsx\" download>Excel（.xlsx）</a>"
		" · <a href=\"/templates/%s.csv\" download>CSV</a>。"
		"可以直接上传 Excel 工作簿（.xlsx，读取第一个工作表），"
		"或 Excel / WPS 另存的 CSV（UTF-8 或 GBK 编码都可以）。</p>",
	     name, name);
}

void page_upload_format(struct req *r, const char *data, size_t len)
{
	html(r, "<p class=\"note\">读取为：%s</p>", csvfile_format_name(data, len));
}

const struct route export_routes[] = {
	{"GET", "/v/*/ledger.xlsx", page_ledger_xlsx, ROLES_ADMIN, 0},
	{"GET", "/v/*/funds.xlsx", page_funds_xlsx, ROLES_ADMIN, 0},
	{"GET", "/v/*/honours.xlsx", page_honours_xlsx, ROLES_VIEW, 0},
	{"GET", "/town/report.xlsx", page_town_report_xlsx, ROLE_TOWN_ADMIN, 0},
	{"GET", "/templates/*", page_template, 0, ROUTE_PUBLIC},
	{0},
};
