/*
** import_template.h — the blank templates beside every import (households,
** entries, catalog, standard): the columns of INTERFACES.md with their
** Chinese headers (which every import accepts) and one example row, as a
** CSV (UTF-8 with a BOM, which Excel on Windows opens as UTF-8) and as an
** .xlsx whose first row is the header, so the file fills in and uploads
** back as it is.
*/
#ifndef JIFEN_IMPORT_TEMPLATE_H
#define JIFEN_IMPORT_TEMPLATE_H

#include "csvfile.h"
#include "util.h"

struct import_template {
	const char *name;          /* "households", "entries", "catalog", "standard" */
	const char *title;         /* 农户, 月度积分记录, … */
	const struct csv_col *spec;
	int ncols;
	const char *const *example; /* one value per column, "" blank */
	int date_col;              /* the column that is a date, -1 none */
};

/* The template named name, or NULL. */
const struct import_template *import_template_find(const char *name);

/* The CSV template (BOM, header, example row, CRLF) appended to out. */
void import_template_csv(const struct import_template *t, buf *out);

/* The .xlsx template written to path.  0 or -1. */
int import_template_xlsx(const struct import_template *t, const char *path);

#endif
