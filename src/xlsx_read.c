/*
** xlsx_read.c — the first sheet of an .xlsx as CSV text (see xlsx_read.h),
** with libzip (the archive, read from memory) and expat (the XML parts,
** streamed through the parser in chunks, never held whole).
**
** Parts read, in this order: xl/workbook.xml (the first <sheet>'s r:id),
** xl/_rels/workbook.xml.rels (that id's target), xl/sharedStrings.xml,
** xl/styles.xml (which cell styles are dates), then the sheet itself.
** A workbook without the first two falls back to xl/worksheets/sheet1.xml.
*/
#include "xlsx_read.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* State of one xlsx_first_sheet_csv() call (on its stack). */
struct xr {
	zip_t *z;
	size_t xml_bytes; /* uncompressed XML read so far, all parts */
	char *err;        /* the caller's err[256] */
	int failed;

	/* workbook.xml / rels */
	char sheet_rid[128];
	char sheet_path[512];

	/* shared strings: NUL-terminated texts in sst, offsets in sst_off */
	buf sst, sst_off;
	size_t nsst;

	/* styles: date_style[i] for cell style i (cellXfs order) */
	unsigned char *date_style;
	size_t nstyle, style_cap;
	int *fmt_id;   /* custom number formats that are dates: ids */
	size_t nfmt, fmt_cap;
	int in_cellxfs;

	/* the XML element being read */
	int depth_t;  /* inside a <t> that counts (not in <rPh>) */
	int in_rph;
	int in_si, in_v, in_is;
	buf text;     /* character data of the current <t>/<v> */

	/* the sheet */
	buf *csv;
	long row;      /* the last row written (1-based) */
	long cur_row;  /* the row being read */
	long col;      /* the column of the cell being read (1-based) */
	long last_col; /* the last column written in the current row */
	long prev_col; /* the column of the previous cell of the row */
	char ctype[16];
	long cstyle;
	int in_c;
	buf line;      /* the current row's CSV; pending empty cells as commas */
	long pend;     /* empty cells waiting before the next filled one */
	size_t cells;
	int in_sheetdata;
};

static void fail(struct xr *x, const char *msg)
{
	if (!x->failed)
		snprintf(x->err, 256, "%s", msg);
	x->failed = 1;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

/* The local part of an element or attribute name ("x:row" -> "row"):
** some writers prefix the spreadsheetml namespace. */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static void XMLCALL refuse_dtd(void *ud, const XML_Char *n, const XML_Char *s, const XML_Char *p,
			       int i)
{
	(void)n, (void)s, (void)p, (void)i;
	struct xr *x = ud;
	fail(x, "文件含有 DTD 声明，不是 Excel 保存的工作簿");
}

/* Stream the part name through a new expat parser with the handlers.
** 0 done, 1 the part is missing, -1 failed (x->err set). */
static int parse_part(struct xr *x, const char *name, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	zip_file_t *f = zip_fopen(x->z, name, 0);
	if (!f)
		return 1;
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p) {
		zip_fclose(f);
		fail(x, "内存不足");
		return -1;
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, chars);
	XML_SetStartDoctypeDeclHandler(p, refuse_dtd);
	char chunk[64 * 1024];
	int rc = 0;
	for (;;) {
		zip_int64_t n = zip_fread(f, chunk, sizeof chunk);
		if (n < 0) {
			fail(x, "压缩包损坏，无法解压");
			rc = -1;
			break;
		}
		x->xml_bytes += (size_t)n;
		if (x->xml_bytes > XLSX_MAX_XML) {
			fail(x, "解压后超过 64 MB，拒绝读取（可能是压缩炸弹）；请拆成几个文件");
			rc = -1;
			break;
		}
		if (XML_Parse(p, chunk, (int)n, n == 0) == XML_STATUS_ERROR || x->failed) {
			fail(x, "工作簿内容不是有效的 XML");
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(p);
	zip_fclose(f);
	return rc;
}

static void XMLCALL collect(void *ud, const XML_Char *s, int n)
{
	struct xr *x = ud;
	if (x->depth_t || x->in_v)
		buf_append(&x->text, s, (size_t)n);
}

/* ---- workbook.xml and its relationships ------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xr *x = ud;
	if (x->sheet_rid[0] || strcmp(local(name), "sheet"))
		return;
	for (; a[0]; a += 2)
		if (!strcmp(local(a[0]), "id") && strchr(a[0], ':')) {
			snprintf(x->sheet_rid, sizeof x->sheet_rid, "%s", a[1]);
			return;
		}
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xr *x = ud;
	if (x->sheet_path[0] || strcmp(local(name), "Relationship"))
		return;
	const char *id = attr(a, "Id"), *target = attr(a, "Target");
	if (!id || !target || strcmp(id, x->sheet_rid))
		return;
	/* targets are relative to xl/, or absolute from the package root */
	if (target[0] == '/')
		snprintf(x->sheet_path, sizeof x->sheet_path, "%s", target + 1);
	else
		snprintf(x->sheet_path, sizeof x->sheet_path, "xl/%s", target);
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

/* ---- shared strings ----------------------------------------------------------- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	(void)a;
	struct xr *x = ud;
	const char *n = local(name);
	if (!strcmp(n, "si")) {
		x->in_si = 1;
		x->text.len = 0;
	} else if (!strcmp(n, "rPh"))
		x->in_rph = 1; /* phonetic guide text is not the cell's */
	else if (!strcmp(n, "t") && x->in_si && !x->in_rph)
		x->depth_t = 1;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (!strcmp(n, "t"))
		x->depth_t = 0;
	else if (!strcmp(n, "rPh"))
		x->in_rph = 0;
	else if (!strcmp(n, "si") && x->in_si) {
		x->in_si = 0;
		if (++x->nsst > XLSX_MAX_CELLS) {
			fail(x, "共享字符串太多，拒绝读取");
			return;
		}
		size_t off = x->sst.len;
		buf_append(&x->sst_off, &off, sizeof off);
		buf_append(&x->sst, x->text.p ? x->text.p : "", x->text.len);
		buf_append(&x->sst, "", 1);
	}
}

/* ---- styles: which cell formats are dates ------------------------------------- */

/* 1 when an Excel number format code shows a date: it has y, m, d (or
** 年月日) outside quoted text, [..] sections and escaped characters. */
static int format_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (!q)
				return 0;
			p = q;
		} else if (*p == '[') {
			const char *q = strchr(p + 1, ']');
			if (!q)
				return 0;
			p = q;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (!p[1])
				return 0;
			p++;
		} else if (strchr("yYdD", *p) || (strchr("mM", *p)))
			return 1;
	}
	return 0;
}

/* Excel's built-in date formats, the Chinese ones (27–36, 50–58) too. */
static int builtin_is_date(int id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (!strcmp(n, "numFmt")) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (id && code && format_is_date(code)) {
			if (x->nfmt == x->fmt_cap) {
				x->fmt_cap = x->fmt_cap ? 2 * x->fmt_cap : 16;
				x->fmt_id = realloc(x->fmt_id, x->fmt_cap * sizeof *x->fmt_id);
				if (!x->fmt_id)
					abort();
			}
			x->fmt_id[x->nfmt++] = atoi(id);
		}
	} else if (!strcmp(n, "cellXfs"))
		x->in_cellxfs = 1;
	else if (!strcmp(n, "xf") && x->in_cellxfs) {
		if (x->nstyle >= 65536) {
			fail(x, "单元格样式太多，拒绝读取");
			return;
		}
		const char *id = attr(a, "numFmtId");
		int fid = id ? atoi(id) : 0, date = builtin_is_date(fid);
		for (size_t i = 0; i < x->nfmt && !date; i++)
			date = x->fmt_id[i] == fid;
		if (x->nstyle == x->style_cap) {
			x->style_cap = x->style_cap ? 2 * x->style_cap : 64;
			x->date_style = realloc(x->date_style, x->style_cap);
			if (!x->date_style)
				abort();
		}
		x->date_style[x->nstyle++] = (unsigned char)date;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	if (!strcmp(local(name), "cellXfs"))
		x->in_cellxfs = 0;
}

/* ---- the sheet ------------------------------------------------------------------ */

/* The column number of a cell reference ("AB12" -> 28), 0 when none. */
static long ref_column(const char *ref)
{
	long c = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
		c = c * 26 + (*ref - 'A' + 1);
		if (c > 16384)
			return 0;
	}
	return c;
}

static long ref_row(const char *ref)
{
	while (*ref >= 'A' && *ref <= 'Z')
		ref++;
	return *ref ? strtol(ref, NULL, 10) : 0;
}

/* Count n more cells against the limit; 0 ok, -1 over (failed). */
static int count_cells(struct xr *x, size_t n)
{
	x->cells += n;
	if (x->cells > XLSX_MAX_CELLS) {
		fail(x, "工作表的单元格超过 200 万个，拒绝读取；请拆成几个文件");
		return -1;
	}
	return 0;
}

/* Excel's serial day number as YYYY-MM-DD (1900 date system: day 0 is
** 1899-12-30 for every serial from 61 on; serial 60 is the 1900-02-29 that
** never was, so the caller shifts the serials before it by one). */
static void serial_date(double v, char out[11])
{
	date_add_days("1899-12-30", (int)floor(v), out);
}

/* The text of the finished cell in x->text, as the CSV gets it, into out. */
static void cell_text(struct xr *x, buf *out)
{
	const char *t = x->ctype, *v = buf_cstr(&x->text);
	if (!strcmp(t, "s")) {
		char *end;
		long i = strtol(v, &end, 10);
		if (end != v && i >= 0 && (size_t)i < x->nsst) {
			size_t off;
			memcpy(&off, x->sst_off.p + (size_t)i * sizeof off, sizeof off);
			buf_puts(out, x->sst.p + off);
		}
		return;
	}
	if (!strcmp(t, "inlineStr") || !strcmp(t, "str") || !strcmp(t, "e") || !strcmp(t, "b")) {
		buf_puts(out, v);
		return;
	}
	/* a number ("n" or no type) */
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d)) {
		buf_puts(out, v);
		return;
	}
	char tmp[72];
	if (x->cstyle >= 0 && (size_t)x->cstyle < x->nstyle && x->date_style[x->cstyle] &&
	    d >= 1 && d < 2958466)
		serial_date(d < 60 ? d + 1 : d, tmp); /* before the phantom leap day */
	else if (d == floor(d) && fabs(d) < 1e15)
		snprintf(tmp, sizeof tmp, "%.0f", d);
	else
		snprintf(tmp, sizeof tmp, "%.15g", d);
	buf_puts(out, tmp);
}

/* Write row x->cur_row's line, after blank lines for skipped rows. */
static void end_row(struct xr *x)
{
	while (x->row + 1 < x->cur_row) {
		if (++x->row > XLSX_MAX_ROWS) {
			fail(x, "工作表超过 20 万行，拒绝读取；请拆成几个文件");
			return;
		}
		buf_puts(x->csv, "\n");
	}
	if (++x->row > XLSX_MAX_ROWS) {
		fail(x, "工作表超过 20 万行，拒绝读取；请拆成几个文件");
		return;
	}
	buf_append(x->csv, x->line.p ? x->line.p : "", x->line.len);
	buf_puts(x->csv, "\n");
	x->line.len = 0;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xr *x = ud;
	if (x->failed)
		return;
	const char *n = local(name);
	if (!strcmp(n, "sheetData"))
		x->in_sheetdata = 1;
	else if (!x->in_sheetdata)
		return;
	else if (!strcmp(n, "row")) {
		const char *r = attr(a, "r");
		long rn = r ? strtol(r, NULL, 10) : x->row + 1;
		if (rn <= x->row || rn > 1048576) {
			fail(x, "工作表的行号不对，无法读取");
			return;
		}
		x->cur_row = rn;
		x->last_col = x->prev_col = 0;
		x->line.len = 0;
	} else if (!strcmp(n, "c")) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		long c = r ? ref_column(r) : x->prev_col + 1;
		if (c <= x->prev_col || (r && ref_row(r) != x->cur_row)) {
			fail(x, "工作表的单元格位置不对，无法读取");
			return;
		}
		x->col = x->prev_col = c;
		snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
		x->cstyle = s ? strtol(s, NULL, 10) : -1;
		x->in_c = 1;
		x->text.len = 0;
	} else if (!strcmp(n, "v") && x->in_c)
		x->in_v = 1;
	else if (!strcmp(n, "is") && x->in_c)
		x->in_is = 1;
	else if (!strcmp(n, "rPh"))
		x->in_rph = 1;
	else if (!strcmp(n, "t") && x->in_is && !x->in_rph)
		x->depth_t = 1;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	if (x->failed)
		return;
	const char *n = local(name);
	if (!strcmp(n, "v"))
		x->in_v = 0;
	else if (!strcmp(n, "t"))
		x->depth_t = 0;
	else if (!strcmp(n, "rPh"))
		x->in_rph = 0;
	else if (!strcmp(n, "is"))
		x->in_is = 0;
	else if (!strcmp(n, "c") && x->in_c) {
		x->in_c = 0;
		buf val = {0};
		cell_text(x, &val);
		if (val.len) { /* empty cells only count once a filled one follows */
			if (count_cells(x, (size_t)(x->col - x->last_col)))
				goto done;
			for (long k = x->last_col + 1; k < x->col; k++)
				buf_puts(&x->line, k > 1 ? ",\"\"" : "\"\"");
			buf_puts(&x->line, x->col > 1 ? ",\"" : "\"");
			for (size_t i = 0; i < val.len; i++)
				buf_append(&x->line, val.p[i] == '"' ? "\"\"" : &val.p[i],
					   val.p[i] == '"' ? 2 : 1);
			buf_puts(&x->line, "\"");
			x->last_col = x->col;
		}
	done:
		buf_free(&val);
	} else if (!strcmp(n, "row") && x->cur_row)
		end_row(x);
	else if (!strcmp(n, "sheetData"))
		x->in_sheetdata = 0;
}

int xlsx_is_zip(const char *data, size_t len)
{
	return len >= 4 && !memcmp(data, "PK\x03\x04", 4);
}

int xlsx_first_sheet_csv(const char *data, size_t len, buf *csv, char err[256])
{
	struct xr x = {.err = err, .csv = csv};
	err[0] = 0;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src)
		x.z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!x.z) {
		if (src)
			zip_source_free(src);
		snprintf(err, 256, "文件像压缩包，但无法打开，可能已损坏或不完整");
		buf_free(csv); /* as on every other failure (xlsx_read.h) */
		return -1;
	}
	int rc = -1;
	if (parse_part(&x, "xl/workbook.xml", wb_start, no_end, collect) < 0)
		goto out;
	if (x.sheet_rid[0] &&
	    parse_part(&x, "xl/_rels/workbook.xml.rels", rels_start, no_end, collect) < 0)
		goto out;
	if (!x.sheet_path[0])
		snprintf(x.sheet_path, sizeof x.sheet_path, "xl/worksheets/sheet1.xml");
	if (parse_part(&x, "xl/sharedStrings.xml", sst_start, sst_end, collect) < 0)
		goto out;
	if (parse_part(&x, "xl/styles.xml", styles_start, styles_end, collect) < 0)
		goto out;
	int src_rc = parse_part(&x, x.sheet_path, sheet_start, sheet_end, collect);
	if (src_rc == 1)
		fail(&x, "压缩包里没有工作表，不是 Excel 工作簿（.xlsx）");
	if (src_rc || x.failed)
		goto out;
	rc = 0;
out:
	if (rc)
		buf_free(csv);
	zip_discard(x.z); /* frees src too */
	buf_free(&x.sst);
	buf_free(&x.sst_off);
	buf_free(&x.text);
	buf_free(&x.line);
	free(x.date_style);
	free(x.fmt_id);
	return rc;
}
