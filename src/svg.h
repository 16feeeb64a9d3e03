/*
** svg.h — small charts drawn on the server as inline SVG (no JavaScript,
** prints as it shows).  Every text goes through html.c's escaping writer.
** Each chart carries a <title> and an aria-label, writes its numbers on
** the chart itself (direct labels) and tells series apart by fill
** pattern as well as by shade, so that it reads in grey print; the pages
** put the same numbers in a text table beside it.
*/
#ifndef JIFEN_SVG_H
#define JIFEN_SVG_H

#include <stdint.h>

#include "http.h"

/* Horizontal bars, one per label: values[i] of label i, drawn against
** max (0: the largest value), written as value / 10^decimals with that
** many decimals and then suffix.  id is unique within the page (it
** prefixes the pattern ids); title is the chart's title.  A value < 0 is
** "no value": no bar, the label "—". */
struct svg_bars {
	const char *id, *title, *suffix;
	const char *const *labels;
	const int64_t *values;
	int n, decimals;
	int64_t max;
	int64_t goal; /* a dashed line at this value (e.g. the coverage goal), < 0 none */
};
void svg_hbars(struct req *r, const struct svg_bars *c);

/* Stacked columns: ncols columns (labels cols[]) of nseries series
** (names series[], each its own pattern, with a legend); values[s*ncols+c]
** (negative values are drawn as 0 and counted in the total label as they
** are).  The total of each column is written above it. */
struct svg_columns {
	const char *id, *title, *unit;
	const char *const *cols;
	const char *const *series;
	const int64_t *values;
	int ncols, nseries;
};
void svg_stacked_columns(struct req *r, const struct svg_columns *c);

#endif
