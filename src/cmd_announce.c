/*
** cmd_announce.c — the CLI of 一季一公示 (INTERFACES.md): the signing key,
** announcing a quarter and reading it back, receipts and their offline
** check, Merkle proofs of the ledger, and the witness.  What is signed and
** the receipt format: docs/transparency.md.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announcement.h"
#include "checkpoint.h"
#include "commands.h"
#include "csvfile.h"
#include "csvout.h"
#include "json.h"
#include "ledger_tree.h"
#include "receipt.h"
#include "signing.h"
#include "witness.h"

enum { RECEIPT_MAX_BYTES = 64 * 1024 };

static void b64(const uint8_t h[32], char out[45])
{
	sodium_bin2base64(out, 45, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* jifen key show
** Print the deployment's verifier key (C2SP signed-note verifier key
** text): what villagers, the town and witnesses check checkpoints and
** receipts with. */
int cmd_key_show(struct cli *c)
{
	static const char *const known[] = {NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	if (cli_npos(c))
		return cli_usage(c);
	errlist errs = {0};
	struct note_signer s;
	if (signing_key_load(c->a, &s, &errs)) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return EXIT_REJECTED;
	}
	struct note_verifier v;
	note_signer_verifier(&s, &v);
	note_signer_wipe(&s);
	printf("%s\n", note_verifier_format(c->a, &v));
	return EXIT_OK;
}

/* jifen announce --village CODE --quarter YYYY-Qn [--date D]
** Freeze the village's announcement of quarter n (一季一公示) from the
** approved ledger on D (default today) and print the ledger's signed
** checkpoint.  Exit 1, nothing written, when the quarter has not ended on
** D, a sheet of one of its months holds entries not yet approved, or it
** was announced already. */
int cmd_announce(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", "--date=", NULL};
	const char *quarter = cli_opt(c, "--quarter");
	struct village *v;
	int rc = cli_options_or_usage(c, known);
	if (!rc)
		rc = cli_village_or_usage(c, !quarter || cli_npos(c), &v);
	if (rc)
		return rc;
	char today[11];
	date_today(today);
	const char *date = cli_opt(c, "--date") ? cli_opt(c, "--date") : today;
	errlist errs = {0};
	struct announcement *ann;
	rc = announcement_announce(c->db, c->a, &c->actor, v, quarter, date, &errs, &ann);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	fputs(ann->checkpoint, stdout);
	return EXIT_OK;
}

/* The announcement of --village/--quarter, or NULL after printing why
** (*rc the exit code). */
static struct announcement *announcement_or_reject(struct cli *c, struct village **vout, int *rc)
{
	const char *vcode = cli_opt(c, "--village"), *quarter = cli_opt(c, "--quarter");
	*rc = EXIT_REJECTED;
	struct village *v = cli_village_or_reject(c, vcode);
	if (!v)
		return NULL;
	if (quarter_parse(quarter, NULL, NULL, NULL, NULL, NULL)) {
		fprintf(stderr, "--quarter: 「%s」格式不对，应为 YYYY-Qn，如 2024-Q2\n", quarter);
		return NULL;
	}
	struct announcement *ann;
	int got = announcement_get(c->db, c->a, v->id, quarter, &ann);
	if (got < 0) {
		*rc = cli_db_failure(c);
		return NULL;
	}
	if (got) {
		fprintf(stderr, "村 %s 还没有公示 %s\n", v->code, quarter);
		return NULL;
	}
	*vout = v;
	return ann;
}

/* jifen announcement --village CODE --quarter YYYY-Qn [--format csv|json]
** The frozen announcement: household,name,quarter_points,year_points,
** balance for every household participating on its date, names masked as
** on the public page.  JSON: with the checkpoints and cosignatures. */
int cmd_announcement(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", "--format=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *format = cli_opt(c, "--format") ? cli_opt(c, "--format") : "csv";
	if (!cli_opt(c, "--village") || !cli_opt(c, "--quarter") || cli_npos(c) ||
	    (strcmp(format, "csv") && strcmp(format, "json")))
		return cli_usage(c);
	struct village *v;
	struct announcement *ann = announcement_or_reject(c, &v, &rc);
	if (!ann)
		return rc;
	struct announcement_line *lines;
	int n;
	if (announcement_lines(c->db, c->a, ann->id, &lines, &n))
		return cli_db_failure(c);
	buf b = {0};
	if (!strcmp(format, "csv")) {
		/* through the one CSV writer (formula guard): the same bytes as
		** the signed leaf line for every normal name, but a name a
		** spreadsheet would run (=…, @…) is written as text */
		struct csv_out w;
		csv_begin(&w, "\n");
		csv_literal(&w, "household,name,quarter_points,year_points,balance");
		csv_row_end(&w);
		for (int i = 0; i < n; i++) {
			csv_text(&w, lines[i].code);
			csv_text(&w, lines[i].name);
			csv_int(&w, lines[i].quarter_points);
			csv_int(&w, lines[i].year_points);
			csv_int(&w, lines[i].balance);
			csv_row_end(&w);
		}
		buf_append(&b, w.b.p, w.b.len);
		csv_finish(&w);
	} else {
		struct json_writer w;
		jw_begin(&w, &b);
		if (announcement_json(c->db, c->a, &w, v->code, ann, lines, n)) {
			buf_free(&b);
			return cli_db_failure(c);
		}
		buf_puts(&b, "\n");
	}
	fwrite(b.p, 1, b.len, stdout);
	buf_free(&b);
	return EXIT_OK;
}

/* jifen announcements --village CODE
** The village's announcements, newest first:
** quarter,date,objection_until,households,ledger_size,ledger_root,cosignatures. */
int cmd_announcements(struct cli *c)
{
	static const char *const known[] = {"--village=", NULL};
	struct village *v;
	int rc = cli_village_words(c, known, &v);
	if (rc)
		return rc;
	struct announcement *rows;
	int n;
	if (announcement_list(c->db, c->a, v->id, &rows, &n))
		return cli_db_failure(c);
	printf("quarter,date,objection_until,households,ledger_size,ledger_root\n");
	for (int i = 0; i < n; i++)
		printf("%s,%s,%s,%lld,%lld,%s\n", rows[i].quarter, rows[i].announced_on,
		       rows[i].objection_until, (long long)rows[i].households,
		       (long long)rows[i].ledger_size, rows[i].ledger_root);
	return EXIT_OK;
}

/* jifen announcement cosign --village CODE --quarter YYYY-Qn --witness-key VKEY FILE
** Attach the witness cosignature line(s) of FILE (what `jifen witness
** cosign` printed) to the announcement's ledger checkpoint, each checked
** with the witness's verifier key VKEY (text or a file holding it). */
int cmd_announcement_cosign(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", "--witness-key=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *path = cli_pos(c, 0), *wkey = cli_opt(c, "--witness-key");
	if (!cli_opt(c, "--village") || !cli_opt(c, "--quarter") || !wkey || !path ||
	    cli_npos(c) != 1)
		return cli_usage(c);
	struct village *v;
	struct announcement *ann = announcement_or_reject(c, &v, &rc);
	if (!ann)
		return rc;
	size_t len;
	char *text = file_read_all(path, RECEIPT_MAX_BYTES, &len);
	if (!text) {
		fprintf(stderr, "%s: 无法读取\n", path);
		return EXIT_REJECTED;
	}
	errlist errs = {0};
	struct note_verifier wv;
	int added = 0;
	if (receipt_read_key(c->a, wkey, &wv, &errs))
		rc = 1;
	else
		rc = announcement_cosign(c->db, c->a, &c->actor, v, ann,
					 note_verifier_format(c->a, &wv), text, &errs, &added);
	free(text);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	printf("已附上 %d 个联署签名\n", added);
	return EXIT_OK;
}

/* jifen receipt --village CODE --quarter YYYY-Qn --household HCODE
** Print the household's receipt: its announcement line, the inclusion
** proof in the announcement's tree, and the signed checkpoints, as one
** text document that fits one QR code (docs/transparency.md). */
int cmd_receipt(struct cli *c)
{
	static const char *const known[] = {"--village=", "--quarter=", "--household=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *hh = cli_opt(c, "--household");
	if (!cli_opt(c, "--village") || !cli_opt(c, "--quarter") || !hh || cli_npos(c))
		return cli_usage(c);
	struct village *v;
	struct announcement *ann = announcement_or_reject(c, &v, &rc);
	if (!ann)
		return rc;
	errlist errs = {0};
	char *text;
	rc = announcement_receipt(c->db, c->a, v, ann, hh, &errs, &text);
	if (rc) {
		rc = cli_area_failure(c, rc, &errs);
		errlist_free(&errs);
		return rc;
	}
	fputs(text, stdout);
	return EXIT_OK;
}

/* jifen verify-receipt FILE --key KEY
** Offline, with no database: exit 0 when the receipt's line is in its
** announcement and the checkpoints are signed by KEY (the text `jifen key
** show` prints, or a file holding it); 1 naming what fails. */
int cmd_verify_receipt(struct cli *c)
{
	static const char *const known[] = {"--key=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *path = cli_pos(c, 0), *keyarg = cli_opt(c, "--key");
	if (!path || !keyarg || cli_npos(c) != 1)
		return cli_usage(c);
	errlist errs = {0};
	struct note_verifier key;
	if (receipt_read_key(c->a, keyarg, &key, &errs)) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return EXIT_REJECTED;
	}
	size_t len;
	char *text = file_read_all(path, RECEIPT_MAX_BYTES, &len);
	if (!text) {
		fprintf(stderr, "%s: 无法读取回执文件\n", path);
		return EXIT_REJECTED;
	}
	struct receipt r;
	rc = receipt_verify(c->a, text, len, &key, &r, &errs);
	free(text);
	if (rc) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return EXIT_REJECTED;
	}
	printf("回执有效: %s 在 %s 的公示里（公示 %llu 户，台账 %llu 条，检查点由 %s 签名",
	       r.line, r.announcement_cp.origin, (unsigned long long)r.announcement_cp.size,
	       (unsigned long long)r.ledger_cp.size, key.name);
	if (r.cosignatures)
		printf("，另有 %d 个联署签名未核对", r.cosignatures);
	printf("）\n");
	return EXIT_OK;
}

/* Print a proof's hashes, one base64 a line. */
static void print_proof(const uint8_t (*proof)[32], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char h[45];
		b64(proof[i], h);
		printf("%s\n", h);
	}
}

/* Parse option name as an integer ≥ min, or print why (returns -1). */
static int opt_int(struct cli *c, const char *name, int64_t min, int64_t *out)
{
	const char *s = cli_opt(c, name);
	if (!s || parse_int64(s, out) || *out < min) {
		fprintf(stderr, "%s: 应为不小于 %lld 的整数\n", name, (long long)min);
		return -1;
	}
	return 0;
}

/* jifen proof inclusion --village CODE --seq S [--size N]
** The inclusion proof of ledger entry S (leaf S-1) in the village's tree of
** N entries (default: all): lines "size N", "root B64", "index S-1", then
** the proof's hashes, one base64 a line (RFC 9162 §2.1.3, sibling first).
** jifen proof consistency --village CODE --from M [--to N]
** The consistency proof of the tree of M entries with that of N (default:
** all): "old M B64", "new N B64", then the hashes (RFC 9162 §2.1.4). */
int cmd_proof(struct cli *c)
{
	static const char *const known[] = {"--village=", "--seq=", "--size=", "--from=", "--to=",
					    NULL};
	struct village *v;
	const char *what = NULL;
	int rc = cli_options_or_usage(c, known);
	if (!rc) {
		what = cli_pos(c, 0);
		rc = cli_village_or_usage(c,
					  cli_npos(c) != 1 || (strcmp(what, "inclusion") &&
							       strcmp(what, "consistency")),
					  &v);
	}
	if (rc)
		return rc;
	int64_t size, a = 0, b = 0;
	if (ledger_tree_size(c->db, v->id, &size))
		return cli_db_failure(c);
	uint8_t proof[MERKLE_MAX_PROOF][32], r1[32], r2[32];
	size_t np;
	char h1[45], h2[45];
	if (!strcmp(what, "inclusion")) {
		if (opt_int(c, "--seq", 1, &a) || (cli_opt(c, "--size") && opt_int(c, "--size", 1, &b)))
			return EXIT_USAGE;
		if (!cli_opt(c, "--size"))
			b = size;
		int prc = ledger_tree_prove_inclusion(c->db, v->id, a - 1, b, proof, &np);
		if (prc > 0) {
			fprintf(stderr, "村 %s 的台账有 %lld 条：序号 %lld 不在前 %lld 条里\n", v->code,
				(long long)size, (long long)a, (long long)b);
			return EXIT_REJECTED;
		}
		if (prc || ledger_tree_root(c->db, v->id, b, r1))
			return cli_db_failure(c);
		b64(r1, h1);
		printf("size %lld\nroot %s\nindex %lld\n", (long long)b, h1, (long long)(a - 1));
	} else {
		if (opt_int(c, "--from", 0, &a) || (cli_opt(c, "--to") && opt_int(c, "--to", 0, &b)))
			return EXIT_USAGE;
		if (!cli_opt(c, "--to"))
			b = size;
		int prc = ledger_tree_prove_consistency(c->db, v->id, a, b, proof, &np);
		if (prc > 0) {
			fprintf(stderr, "村 %s 的台账有 %lld 条：无法证明 %lld 条到 %lld 条的一致性\n",
				v->code, (long long)size, (long long)a, (long long)b);
			return EXIT_REJECTED;
		}
		if (prc || ledger_tree_root(c->db, v->id, a, r1) || ledger_tree_root(c->db, v->id, b, r2))
			return cli_db_failure(c);
		b64(r1, h1);
		b64(r2, h2);
		printf("old %lld %s\nnew %lld %s\n", (long long)a, h1, (long long)b, h2);
	}
	print_proof((const uint8_t(*)[32])proof, np);
	return EXIT_OK;
}

/* jifen witness init --key WKEY --name NAME
** Make a witness key (the district's or the town's own, never the log's).
** jifen witness show --key WKEY
** Print its cosignature/v1 verifier key.
** jifen witness cosign --key WKEY --state FILE --log-key VKEY REQUEST_FILE
** Cosign the checkpoint of a tlog-witness request ("old N", consistency
** proof lines, a blank line, the signed checkpoint) when it is consistent
** with the last one cosigned of its origin (recorded in FILE); print the
** cosignature line.  Exit 1 refused: a split view, a bad proof, a wrong
** old size, another log key.  No database. */
int cmd_witness(struct cli *c)
{
	static const char *const known[] = {"--key=", "--name=", "--state=", "--log-key=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	const char *what = cli_pos(c, 0), *keypath = cli_opt(c, "--key");
	errlist errs = {0};
	struct note_signer w;
	if (!what || !keypath)
		return cli_usage(c);
	if (!strcmp(what, "init") && cli_npos(c) == 1 && cli_opt(c, "--name")) {
		if (witness_key_create(c->a, keypath, cli_opt(c, "--name"), &errs))
			goto rejected;
		what = "show";
	}
	if (!strcmp(what, "show") && cli_npos(c) == 1) {
		if (witness_key_load(c->a, keypath, &w, &errs))
			goto rejected;
		struct note_verifier v;
		note_signer_verifier(&w, &v);
		note_signer_wipe(&w);
		printf("%s\n", note_verifier_format(c->a, &v));
		return EXIT_OK;
	}
	const char *state = cli_opt(c, "--state"), *logkey = cli_opt(c, "--log-key");
	const char *req = cli_pos(c, 1);
	if (strcmp(what, "cosign") || !state || !logkey || !req || cli_npos(c) != 2)
		return cli_usage(c);
	struct note_verifier lk;
	if (receipt_read_key(c->a, logkey, &lk, &errs) || witness_key_load(c->a, keypath, &w, &errs))
		goto rejected;
	size_t len;
	char *body = file_read_all(req, RECEIPT_MAX_BYTES, &len);
	if (!body) {
		note_signer_wipe(&w);
		fprintf(stderr, "%s: 无法读取见证请求\n", req);
		return EXIT_REJECTED;
	}
	char *line;
	rc = witness_cosign(c->a, &w, state, &lk, body, len, (uint64_t)now_unix(), &line, &errs);
	note_signer_wipe(&w);
	free(body);
	if (rc) {
		cli_print_errors(&errs);
		errlist_free(&errs);
		return rc > 0 ? EXIT_REJECTED : EXIT_FAILURE_3;
	}
	fputs(line, stdout);
	return EXIT_OK;
rejected:
	cli_print_errors(&errs);
	errlist_free(&errs);
	return EXIT_REJECTED;
}

/* jifen witness request --village CODE --old N [--quarter YYYY-Qn]
** Print the tlog-witness request body for the village's newest signed
** checkpoint (or that of the quarter's announcement) from the witness's
** last cosigned size N: "old N", the consistency proof, a blank line, the
** checkpoint. */
int cmd_witness_request(struct cli *c)
{
	static const char *const known[] = {"--village=", "--old=", "--quarter=", NULL};
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	int64_t old;
	if (!cli_opt(c, "--village") || cli_npos(c))
		return cli_usage(c);
	if (opt_int(c, "--old", 0, &old))
		return EXIT_USAGE;
	struct village *v = cli_village_or_reject(c, cli_opt(c, "--village"));
	if (!v)
		return EXIT_REJECTED;
	struct ledger_checkpoint *cp = NULL;
	int got;
	if (cli_opt(c, "--quarter")) {
		struct announcement *ann;
		got = announcement_get(c->db, c->a, v->id, cli_opt(c, "--quarter"), &ann);
		if (!got)
			got = checkpoint_get(c->db, c->a, v->id, ann->ledger_size, &cp);
	} else
		got = checkpoint_latest(c->db, c->a, v->id, &cp);
	if (got < 0)
		return cli_db_failure(c);
	if (got) {
		fprintf(stderr, "村 %s 还没有签名的检查点（先公示）\n", v->code);
		return EXIT_REJECTED;
	}
	uint8_t proof[MERKLE_MAX_PROOF][32];
	size_t np;
	int prc = ledger_tree_prove_consistency(c->db, v->id, old, cp->size, proof, &np);
	if (prc > 0) {
		fprintf(stderr, "--old: %lld 大于检查点的 %lld 条\n", (long long)old,
			(long long)cp->size);
		return EXIT_REJECTED;
	}
	if (prc)
		return cli_db_failure(c);
	printf("old %lld\n", (long long)old);
	print_proof((const uint8_t(*)[32])proof, np);
	/* the checkpoint without the cosignatures it already has */
	size_t keep = strlen(cp->note);
	const char *end = strstr(cp->note, "\n\n");
	if (end) {
		const char *sig = end + 2, *nl = strchr(sig, '\n');
		keep = nl ? (size_t)(nl + 1 - cp->note) : keep;
	}
	printf("\n%.*s", (int)keep, cp->note);
	return EXIT_OK;
}
