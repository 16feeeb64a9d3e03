/*
** svg.c — the server's SVG charts (svg.h).  Coordinates are whole units
** of a fixed viewBox; the chart scales to its container's width through
** CSS (width 100%, height auto), so it fits a phone at 390 px and an A4
** page alike.  Fills are patterns over white with a black outline: six
** patterns that stay apart in grey print and on a monochrome printer.
*/
#include "svg.h"

#include <stdio.h>

#include "html.h"

enum { PATTERNS = 6 };

/* The <defs> with the six fill patterns, ids ID-p0 … ID-p5. */
static void patterns(struct req *r, const char *id)
{
	html_raw(r, "<defs>");
	html(r, "<pattern id=\"%s-p0\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"4\" height=\"4\" fill=\"#444\"/></pattern>", id);
	html(r, "<pattern id=\"%s-p1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
		"<path d=\"M0,6 L6,0\" stroke=\"#000\" stroke-width=\"1.5\"/></pattern>", id);
	html(r, "<pattern id=\"%s-p2\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"5\" height=\"5\" fill=\"#fff\"/>"
		"<circle cx=\"2.5\" cy=\"2.5\" r=\"1.2\" fill=\"#000\"/></pattern>", id);
	html(r, "<pattern id=\"%s-p3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
		"<path d=\"M0,0 L6,6 M0,6 L6,0\" stroke=\"#000\" stroke-width=\"1\"/></pattern>", id);
	html(r, "<pattern id=\"%s-p4\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"6\" fill=\"#ddd\"/>"
		"<path d=\"M0,3 L6,3\" stroke=\"#000\" stroke-width=\"1\"/></pattern>", id);
	html(r, "<pattern id=\"%s-p5\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"4\" height=\"4\" fill=\"#bbb\"/></pattern>", id);
	html_raw(r, "</defs>");
}

/* v / 10^decimals with that many decimals, as text (out has 32 bytes). */
static const char *scaled(char out[32], int64_t v, int decimals)
{
	if (decimals <= 0) {
		snprintf(out, 32, "%lld", (long long)v);
		return out;
	}
	/* two decimals at most (coverage, money) */
	int64_t p = decimals == 1 ? 10 : 100, a = v < 0 ? -v : v;
	snprintf(out, 32, decimals == 1 ? "%s%lld.%01lld" : "%s%lld.%02lld", v < 0 ? "-" : "",
		 (long long)(a / p), (long long)(a % p));
	return out;
}

/* The opening <svg> with its accessible name and the <title>. */
static void svg_open(struct req *r, const char *id, const char *title, int w, int h)
{
	html(r, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-labelledby=\"%s-t\" xmlns=\"http://www.w3.org/2000/svg\">"
		"<title id=\"%s-t\">%s</title>",
	     id, w, h, id, id, title);
	patterns(r, id);
	html(r, "<text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">%s</text>", title);
}

void svg_hbars(struct req *r, const struct svg_bars *c)
{
	enum { W = 640, LABEL = 130, BAR = 410, ROW = 22, TOP = 28 };
	int h = TOP + c->n * ROW + 12;
	int64_t max = c->max;
	for (int i = 0; c->max <= 0 && i < c->n; i++)
		if (c->values[i] > max)
			max = c->values[i];
	if (max <= 0)
		max = 1;
	svg_open(r, c->id, c->title, W, h);
	char t[32];
	for (int i = 0; i < c->n; i++) {
		int y = TOP + i * ROW;
		int64_t v = c->values[i];
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
		     LABEL - 6, y + 15, c->labels[i]);
		if (v < 0) {
			html(r, "<text x=\"%d\" y=\"%d\" font-size=\"12\">—</text>", LABEL + 4, y + 15);
			continue;
		}
		int len = (int)(v >= max ? BAR : v * BAR / max);
		html(r, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"url(#%s-p%d)\" "
			"stroke=\"#000\" stroke-width=\"0.8\"/>",
		     LABEL, y + 3, len, c->id, 1);
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"12\" class=\"val\">%s%s</text>",
		     LABEL + len + 4, y + 15, scaled(t, v, c->decimals), c->suffix ? c->suffix : "");
	}
	if (c->goal >= 0) {
		int x = LABEL + (int)(c->goal >= max ? BAR : c->goal * BAR / max);
		html(r, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" "
			"stroke-dasharray=\"4 3\" stroke-width=\"1.2\"/>",
		     x, TOP - 4, x, TOP + c->n * ROW);
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">目标 %s%s</text>",
		     x - 2, TOP + c->n * ROW + 10, scaled(t, c->goal, c->decimals),
		     c->suffix ? c->suffix : "");
	}
	html_raw(r, "</svg>");
}

void svg_stacked_columns(struct req *r, const struct svg_columns *c)
{
	enum { W = 640, X0 = 40, X1 = 630, Y0 = 40, Y1 = 240, LEG = 18 };
	int legend_rows = (c->nseries + 3) / 4;
	int h = Y1 + 24 + legend_rows * LEG + 6;
	int64_t max = 1;
	for (int k = 0; k < c->ncols; k++) {
		int64_t sum = 0;
		for (int s = 0; s < c->nseries; s++)
			if (c->values[s * c->ncols + k] > 0)
				sum += c->values[s * c->ncols + k];
		if (sum > max)
			max = sum;
	}
	svg_open(r, c->id, c->title, W, h);
	html(r, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", X0, Y1, X1, Y1);
	int step = (X1 - X0) / (c->ncols > 0 ? c->ncols : 1), bw = step * 2 / 3;
	char t[32];
	for (int k = 0; k < c->ncols; k++) {
		int x = X0 + k * step + (step - bw) / 2, y = Y1;
		int64_t total = 0;
		for (int s = 0; s < c->nseries; s++) {
			int64_t v = c->values[s * c->ncols + k];
			total += v;
			if (v <= 0)
				continue;
			int hh = (int)(v * (Y1 - Y0) / max);
			if (hh < 1)
				hh = 1;
			y -= hh;
			html(r, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"url(#%s-p%d)\" stroke=\"#000\" stroke-width=\"0.8\">"
				"<title>%s %s: %s</title></rect>",
			     x, y, bw, hh, c->id, s % PATTERNS, c->cols[k], c->series[s],
			     scaled(t, v, 0));
		}
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
			"class=\"val\">%s</text>",
		     x + bw / 2, y - 3, scaled(t, total, 0));
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
		     x + bw / 2, Y1 + 14, c->cols[k]);
	}
	if (c->unit)
		html(r, "<text x=\"%d\" y=\"%d\" font-size=\"11\">单位：%s</text>", X0, Y0 - 8, c->unit);
	for (int s = 0; s < c->nseries; s++) {
		int lx = X0 + (s % 4) * 150, ly = Y1 + 24 + (s / 4) * LEG;
		html(r, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"url(#%s-p%d)\" "
			"stroke=\"#000\" stroke-width=\"0.8\"/>"
			"<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>",
		     lx, ly, c->id, s % PATTERNS, lx + 18, ly + 11, c->series[s]);
	}
	html_raw(r, "</svg>");
}
