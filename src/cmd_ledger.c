/*
** cmd_ledger.c — the command-line side of standards, sheets and the ledger
** (INTERFACES.md): `jifen import standard`, `jifen import entries`,
** `jifen sheet approve`, `jifen balances`, `jifen verify`, and
** `jifen ledger correct`.  The rules and the transactions live in
** standard.c, sheet.c and ledger.c; this file parses options, reads files,
** prints, and maps outcomes to the exit codes of cli.h.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "commands.h"
#include "csvout.h"
#include "json.h"
#include "ledger.h"
#include "passbook_store.h"
#include "signing.h"
#include "sheet.h"
#include "standard.h"
#include "village.h"

/* The largest CSV file these commands read. */
enum { LEDGER_CSV_MAX_BYTES = 256 * 1024 * 1024 };

/* Read a CSV file or print why not (NULL). Caller frees. */
static char *read_csv(const char *path, size_t *len)
{
	char *data = file_read_all(path, LEDGER_CSV_MAX_BYTES, len);
	if (!data) {
		if (errno == EFBIG)
			fprintf(stderr, "%s: 文件太大（最多 %d MB）\n", path,
				LEDGER_CSV_MAX_BYTES / (1024 * 1024));
		else
			fprintf(stderr, "%s: 无法读取文件: %s\n", path, strerror(errno));
	}
	return data;
}

/* The village of vcode (into *v) and the CSV file at path that an import
** into it reads, or NULL after printing why not (the caller exits 1).
** Caller frees. */
static char *village_csv_or_reject(struct cli *c, const char *vcode, const char *path,
				   struct village **v, size_t *len)
{
	*v = cli_village_or_reject(c, vcode);
	return *v ? read_csv(path, len) : NULL;
}

/* jifen import standard --village CODE FILE --adopted YYYY-MM-DD
**                       --effective YYYY-MM-DD [--meeting TEXT]
** Adopt a new version of the village's standard from a CSV file (columns of
** INTERFACES.md), adopted at a meeting on --adopted, in force from
** --effective.  The whole file is checked first; each problem is printed
** as FILE:ROW: COLUMN: message and nothing is written.  Exit 0 done,
** 1 rejected, 2 usage, 3 database failure. */
int cmd_import_standard(struct cli *c)
{
	static const char *const known[] = {"--village=", "--adopted=", "--effective=", "--meeting=",
					    "--meeting-type=", "--dry-run", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *vcode = cli_opt(c, "--village"), *path = cli_pos(c, 0);
	const char *adopted = cli_opt(c, "--adopted"), *effective = cli_opt(c, "--effective");
	if (!vcode || !*vcode || !path || cli_npos(c) != 1 || !adopted || !effective)
		return cli_usage(c);
	struct village *v;
	size_t len;
	char *data = village_csv_or_reject(c, vcode, path, &v, &len);
	if (!data)
		return EXIT_REJECTED;
	struct std_adoption ad = STD_ADOPTION_INIT;
	ad.adopted_on = adopted;
	ad.effective_on = effective;
	ad.meeting = cli_opt(c, "--meeting") ? cli_opt(c, "--meeting") : "";
	ad.meeting_type = cli_opt(c, "--meeting-type") ? cli_opt(c, "--meeting-type") : "";
	errlist errs = {0};
	int64_t id = 0;
	int dry_run = cli_flag(c, "--dry-run");
	int arc = standard_adopt_csv(c->db, &c->actor, v, &ad, path, data, len, dry_run, &errs, &id);
	free(data);
	if (arc) {
		rc = cli_area_failure(c, arc, &errs);
		goto out;
	}
	if (dry_run) {
		printf("试运行（没有写入）: 文件有效，可以通过\n");
	} else {
		struct std_version *ver;
		if (standard_get(c->db, c->a, v->id, id, 1, &ver)) {
			rc = cli_db_failure(c);
			goto out;
		}
		printf("%s（%s）积分标准第 %d 版已录入: %d 个项目，%s 起生效\n", v->name, v->code,
		       ver->version, ver->nitems, ver->effective_on);
	}
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	return rc;
}

/* jifen import entries --village CODE --month YYYY-MM FILE [--dry-run]
** Add scoring entries from a CSV file to the village's sheet of that month
** (created as a draft if needed; nothing goes onto the ledger until the
** sheet is approved).  Every row is checked — household participating,
** item in the standard in force on the date, date in the month, evidence,
** caps — and nothing is added unless all pass; errors are printed as
** FILE:ROW: COLUMN: message.  --dry-run checks only.  Exit 0, 1, 2, 3. */
int cmd_import_entries(struct cli *c)
{
	static const char *const known[] = {"--village=", "--month=", "--dry-run", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *vcode = cli_opt(c, "--village"), *month = cli_opt(c, "--month");
	const char *path = cli_pos(c, 0);
	if (!vcode || !*vcode || !month || !path || cli_npos(c) != 1)
		return cli_usage(c);
	if (!month_valid(month)) {
		fprintf(stderr, "--month: 月份应为 YYYY-MM，不是“%s”\n", month);
		return EXIT_REJECTED;
	}
	struct village *v;
	size_t len;
	char *data = village_csv_or_reject(c, vcode, path, &v, &len);
	if (!data)
		return EXIT_REJECTED;
	int dry_run = cli_flag(c, "--dry-run");
	struct entry_import_report rep;
	errlist errs = {0};
	int arc = sheet_import_entries(c->db, &c->actor, v, month, path, data, len, dry_run, &rep,
				       &errs);
	free(data);
	if (arc) {
		rc = cli_area_failure(c, arc, &errs);
		goto out;
	}
	printf("%s%s（%s）%s 积分表: %d 条记录，%d 户，合计 %lld 分%s\n",
	       dry_run ? "试运行（没有写入）: " : "", v->name, v->code, month, rep.rows,
	       rep.households, (long long)rep.points, dry_run ? "（可以导入）" : "，已加入草稿");
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	return rc;
}

/* jifen sheet approve --village CODE --month YYYY-MM --meeting-date YYYY-MM-DD
**                     --attendees TEXT --resolution TEXT
** The two committees' collective approval (集体审定), recorded by the
** operator: the month's sheet — submitted, or still a draft — goes onto the
** ledger whole, in one transaction, with the meeting's date, attendees and
** resolution.  Exit 0 done, 1 rejected (nothing written), 2, 3. */
int cmd_sheet_approve(struct cli *c)
{
	static const char *const known[] = {
		"--village=", "--month=", "--meeting-date=", "--attendees=", "--resolution=", NULL};
	const char *vcode = cli_opt(c, "--village"), *month = cli_opt(c, "--month");
	struct approval_input in = {
		.meeting_date = cli_opt(c, "--meeting-date"),
		.attendees = cli_opt(c, "--attendees"),
		.resolution = cli_opt(c, "--resolution"),
	};
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  (vcode && !*vcode) || !month || !in.meeting_date ||
						  !in.attendees || !in.resolution || cli_npos(c),
					  &v);
	if (rc)
		return rc;
	errlist errs = {0};
	struct approval *ap = NULL;
	int arc = sheet_approve(c->db, c->a, &c->actor, v, month, &in, 1, &errs, &ap);
	if (arc) {
		rc = cli_area_failure(c, arc, &errs);
		goto out;
	}
	if (ap)
		printf("%s（%s）%s 积分表已审定: %lld 条记录，合计 %lld 分，台账序号 %lld–%lld，"
		       "链头 %s\n",
		       v->name, v->code, month, (long long)ap->entry_count,
		       (long long)ap->points_total, (long long)ap->seq_first,
		       (long long)ap->seq_last, ap->head_hash ? ap->head_hash : "");
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	return rc;
}

/* csv_out's flush to stdout. */
static int csv_to_stdout(void *arg, const char *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

/* jifen balances --village CODE [--format csv|json]
** One row per participating household: household,name,balance,year_points
** (year_points: points scored in the current calendar year).  CSV with that
** header by default; --format json prints an array of objects with the
** same keys.  Exit 0, 1 (unknown village), 2, 3. */
int cmd_balances(struct cli *c)
{
	static const char *const known[] = {"--village=", "--format=", NULL};
	const char *vcode = cli_opt(c, "--village");
	const char *format = cli_opt(c, "--format") ? cli_opt(c, "--format") : "csv";
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  (vcode && !*vcode) || cli_npos(c) ||
						  (strcmp(format, "csv") && strcmp(format, "json")),
					  &v);
	if (rc)
		return rc;
	char today[11];
	date_today(today);
	struct ledger_balance *rows;
	int n;
	if (ledger_balances(c->db, c->a, v->id, atoi(today), &rows, &n))
		return cli_db_failure(c);
	if (!strcmp(format, "csv")) {
		struct csv_out w;
		csv_begin(&w, "\n");
		w.flush = csv_to_stdout;
		csv_literal(&w, "household,name,balance,year_points");
		csv_row_end(&w);
		ledger_balances_csv(&w, rows, n);
		if (csv_finish(&w))
			return EXIT_FAILURE_3;
	} else {
		buf b = {0};
		buf_puts(&b, "[");
		for (int i = 0; i < n; i++) {
			buf_puts(&b, i ? ",\n {\"household\":" : "\n {\"household\":");
			json_quote(&b, rows[i].code);
			buf_puts(&b, ",\"name\":");
			json_quote(&b, rows[i].name);
			buf_printf(&b, ",\"balance\":%lld,\"year_points\":%lld}",
				   (long long)rows[i].balance, (long long)rows[i].year_points);
		}
		buf_puts(&b, n ? "\n]\n" : "]\n");
		fwrite(b.p, 1, b.len, stdout);
		buf_free(&b);
	}
	return EXIT_OK;
}

/* jifen verify [--village CODE]
** Recompute every village's (or one village's) ledger hash chain and check
** that every stored balance, yearly total and veto mark equals what the
** entries give, and every stored passbook that would be served what its
** household's ledger renders now.  Exit 0 intact; 1 with one line naming the first entry (or
** balance) that is not; 3 on a database failure. */
int cmd_verify(struct cli *c)
{
	struct village *v;
	int rc = cli_optional_village(c, &v);
	if (rc)
		return rc;
	int64_t vid = v ? v->id : 0;
	errlist errs = {0};
	int64_t checked = 0;
	int vrc = ledger_verify(c->db, c->a, vid, &errs, &checked);
	if (vrc) {
		rc = cli_area_failure(c, vrc, &errs);
		goto out;
	}
	/* the signed checkpoints and announcements against the same ledger */
	int64_t signed_checked = 0;
	vrc = checkpoint_verify(c->db, c->a, vid, &errs, &signed_checked);
	if (vrc) {
		rc = cli_area_failure(c, vrc, &errs);
		goto out;
	}
	/* the stored passbooks against what the ledger gives now */
	int64_t passbooks = 0;
	vrc = passbook_store_verify(c->db, vid, &errs, &passbooks);
	if (vrc || errs.n) {
		rc = cli_area_failure(c, vrc ? vrc : 1, &errs);
		goto out;
	}
	printf("台账完好: 已核对 %lld 条记录的哈希链和全部积分余额\n", (long long)checked);
	printf("检查点完好: 已核对 %lld 个签名的检查点和公示（含签名记录 %s）\n",
	       (long long)signed_checked, note_log_path(c->a, signing_key_path()));
	printf("积分存折完好: 已核对 %lld 本存放的积分存折\n", (long long)passbooks);
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	return rc;
}

/* jifen ledger correct --village CODE --entry ID --points N --reason TEXT
** Correct (更正) ledger entry ID of the village: a new, linked entry that
** reverses N of its points (all that is left at most), with the reason.
** The original stays as it was.  Exit 0, 1 rejected, 2, 3. */
int cmd_ledger_correct(struct cli *c)
{
	static const char *const known[] = {"--village=", "--entry=", "--points=", "--reason=",
					    NULL};
	const char *vcode = cli_opt(c, "--village"), *reason = cli_opt(c, "--reason");
	int64_t entry = 0, points = 0;
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c,
					  (vcode && !*vcode) || cli_npos(c) || !reason ||
						  !cli_opt(c, "--entry") ||
						  !cli_opt(c, "--points") ||
						  parse_int64(cli_opt(c, "--entry"), &entry) ||
						  parse_int64(cli_opt(c, "--points"), &points),
					  &v);
	if (rc)
		return rc;
	errlist errs = {0};
	struct ledger_entry *e = NULL;
	int lrc = ledger_correct(c->db, c->a, &c->actor, v, entry, points, reason, &errs, &e);
	if (lrc) {
		rc = cli_area_failure(c, lrc, &errs);
		goto out;
	}
	printf("已更正台账第 %lld 条: 新增更正记录第 %lld 条（序号 %lld），%+lld 分\n",
	       (long long)entry, (long long)e->id, (long long)e->seq, (long long)e->points);
	rc = EXIT_OK;
out:
	errlist_free(&errs);
	return rc;
}

/* jifen passbook-render [--village CODE]
** Render and store every participating household's passbook (all villages
** or one), each village in one transaction: after an upgrade whose markup
** differs, or a bulk load that left them to be rendered on the fly
** (passbook_store.h).  Exit 0, 1 unknown village, 3 database failure. */
int cmd_passbook_render(struct cli *c)
{
	struct village *vs;
	int nv = 1;
	int rc = cli_optional_village(c, &vs);
	if (rc)
		return rc;
	if (!vs && !(vs = village_list(c->db, c->a, &nv))) {
		if (db_failed(c->db))
			return cli_db_failure(c);
		nv = 0; /* no village yet */
	}
	int64_t total = 0;
	for (int i = 0; i < nv; i++) {
		int64_t n = 0;
		if (passbook_store_render_village(c->db, vs[i].id, &n))
			return cli_db_failure(c);
		total += n;
	}
	printf("已存放 %lld 本积分存折（%d 个村）\n", (long long)total, nv);
	return EXIT_OK;
}
