/*
** cmd_import.c — `jifen import households`: the command-line side of the
** households CSV import (INTERFACES.md).  The rules and the transaction live
** in household.c; this file reads the file, prints the errors or the
** summary, and maps the outcome to the exit codes of cli.h.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "household.h"
#include "village.h"

/* The largest CSV file the command reads (the web upload allows 16 MB). */
enum { IMPORT_MAX_BYTES = 64 * 1024 * 1024 };

/* The changed fields of an import row as "户主姓名、联系电话" (arena). */
static const char *changed_fields(arena *a, unsigned changed)
{
	buf b = {0};
	for (int f = 0; f < HF_COUNT; f++) {
		if (!(changed & (1u << f)))
			continue;
		if (b.len)
			buf_puts(&b, "、");
		buf_puts(&b, household_field_label(f));
	}
	char *s = arena_strdup(a, b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	return s;
}

/* jifen import households --village CODE FILE [--dry-run]
** Add or update the village's households from a CSV file (columns of
** INTERFACES.md, English or Chinese headers).  Nothing is written unless
** every row is valid; each error is printed as FILE:ROW: COLUMN: message.
** --dry-run lists the rows that would be added or changed and writes
** nothing.  Exit 0 done, 1 rejected, 2 usage, 3 database failure. */
int cmd_import_households(struct cli *c)
{
	static const char *const known[] = {"--village=", "--dry-run", NULL};
	int rc = cli_check_options(c, known);
	if (rc)
		return cli_usage(c);
	const char *vcode = cli_opt(c, "--village");
	const char *path = cli_pos(c, 0);
	int dry_run = cli_flag(c, "--dry-run");
	if (!vcode || !*vcode || !path || cli_npos(c) != 1)
		return cli_usage(c);
	struct village *v = village_by_code(c->db, c->a, vcode);
	if (!v) {
		fprintf(stderr, "没有编号为“%s”的村\n", vcode);
		return EXIT_REJECTED;
	}

	size_t len = 0;
	char *data = file_read_all(path, IMPORT_MAX_BYTES, &len);
	if (!data) {
		if (errno == EFBIG)
			fprintf(stderr, "%s: 文件太大（最多 %d MB）\n", path,
				IMPORT_MAX_BYTES / (1024 * 1024));
		else
			fprintf(stderr, "%s: 无法读取文件: %s\n", path, strerror(errno));
		return EXIT_REJECTED;
	}

	struct import_report rep = {0};
	errlist errs = {0};
	int irc = household_import(c->db, &c->actor, v, path, data, len, dry_run, &rep, &errs);
	free(data);
	if (irc) { /* one line per error, nothing else: scripts count them */
		rc = cli_area_failure(c, irc, &errs);
		goto out;
	}
	if (dry_run) {
		for (int i = 0; i < rep.n; i++) {
			const struct import_row *r = &rep.rows[i];
			if (r->action == IMPORT_ADD)
				printf("第 %d 行  %s  %s  新增\n", r->row, r->code, r->head_name);
			else if (r->action == IMPORT_UPDATE)
				printf("第 %d 行  %s  %s  更新: %s\n", r->row, r->code, r->head_name,
				       changed_fields(c->a, r->changed));
		}
		printf("试运行（没有写入）: 将新增 %d 户，更新 %d 户，未变 %d 户\n", rep.added,
		       rep.updated, rep.unchanged);
	} else {
		printf("%s（%s）: 新增 %d 户，更新 %d 户，未变 %d 户\n", v->name, v->code,
		       rep.added, rep.updated, rep.unchanged);
	}
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	import_report_free(&rep);
	return rc;
}
