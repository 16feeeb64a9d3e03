/*
** api_announcement.c — the JSON API of 一季一公示 (docs/api.md): the
** deployment's verifier key, announcements and their lines (public: names
** are masked, as on the bulletin board), receipts (public: the line is in
** the public announcement), the villages' signed checkpoints and the
** consistency proofs between them (public, for witnesses and auditors),
** inclusion proofs of ledger entries (the village's staff: a proof holds
** neighbouring entries' hashes), announcing and attaching cosignatures
** (admins).
**
**   GET  /api/v1/key
**   GET  /api/v1/villages/CODE/announcements[/YYYY-Qn]
**   GET  /api/v1/villages/CODE/announcements/YYYY-Qn/receipts/HCODE   text/plain
**   POST /api/v1/villages/CODE/announcements                  {"quarter","date"}
**   POST /api/v1/villages/CODE/announcements/YYYY-Qn/cosignatures {"witness_key","cosignature"}
**   GET  /api/v1/villages/CODE/checkpoint                     text/plain, the newest
**   GET  /api/v1/villages/CODE/checkpoints
**   GET  /api/v1/villages/CODE/proofs/consistency?from=M&to=N
**   GET  /api/v1/villages/CODE/proofs/inclusion?seq=S&size=N
*/
#include <sodium.h>
#include <string.h>

#include "announcement.h"
#include "api.h"
#include "auth.h"
#include "checkpoint.h"
#include "ledger_tree.h"
#include "req.h"
#include "signing.h"
#include "village.h"

static void send_text(struct req *r, const char *text)
{
	http_send(r, 200, "text/plain; charset=utf-8", text, strlen(text));
}

static void b64(const uint8_t h[32], char out[45])
{
	sodium_bin2base64(out, 45, h, 32, sodium_base64_VARIANT_ORIGINAL);
}

/* GET /api/v1/key: the verifier key text (jifen key show). */
static void api_key(struct req *r)
{
	errlist errs = {0};
	struct note_signer s;
	if (signing_key_load(r->a, &s, &errs)) {
		errlist_free(&errs);
		http_error(r, 404, "本部署还没有签名密钥。");
		return;
	}
	struct note_verifier v;
	note_signer_verifier(&s, &v);
	note_signer_wipe(&s);
	send_text(r, arena_printf(r->a, "%s\n", note_verifier_format(r->a, &v)));
}

/* The announcement of r->arg[1] in village v, or answers 404 (NULL). */
static struct announcement *announcement_or_404(struct req *r, const struct village *v)
{
	struct announcement *ann;
	int rc = quarter_parse(r->arg[1], NULL, NULL, NULL, NULL, NULL)
			 ? 1
			 : announcement_get(r->db, r->a, v->id, r->arg[1], &ann);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取公示时出错。" : "没有这一季度的公示。");
		return NULL;
	}
	return ann;
}

/* GET /api/v1/villages/CODE/announcements: newest first, no lines. */
static void api_announcements(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct announcement *rows;
	int n;
	if (announcement_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取公示时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "announcements");
	for (int i = 0; i < n; i++)
		if (announcement_json(r->db, r->a, &r->jw, v->code, &rows[i], NULL, 0)) {
			http_error(r, 500, "读取公示时出错。");
			return;
		}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET /api/v1/villages/CODE/announcements/YYYY-Qn: with its lines. */
static void api_announcement(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct announcement *ann = v ? announcement_or_404(r, v) : NULL;
	if (!ann)
		return;
	struct announcement_line *lines;
	int n;
	json_begin(r);
	if (announcement_lines(r->db, r->a, ann->id, &lines, &n) ||
	    announcement_json(r->db, r->a, &r->jw, v->code, ann, lines, n)) {
		http_error(r, 500, "读取公示时出错。");
		return;
	}
	json_send(r, 200);
}

/* GET …/announcements/YYYY-Qn/receipts/HCODE: the receipt text. */
static void api_receipt(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	struct announcement *ann = v ? announcement_or_404(r, v) : NULL;
	if (!ann)
		return;
	errlist errs = {0};
	char *text;
	int rc = announcement_receipt(r->db, r->a, v, ann, r->arg[2], &errs, &text);
	if (!api_refused(r, rc, 1, &errs, "生成回执时出错。"))
		send_text(r, text);
	errlist_free(&errs);
}

/* POST /api/v1/villages/CODE/announcements {"quarter","date"}: announce
** (201 with the announcement, without its lines). */
static void api_announce(struct req *r)
{
	struct api_body b;
	struct village *v = api_village_body(r, &b);
	if (!v)
		return;
	const char *quarter, *date;
	member_str(b.o, "quarter", &quarter, &b.errs);
	member_str(b.o, "date", &date, &b.errs);
	char today[11];
	date_today(today);
	struct announcement *ann = NULL;
	int rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = announcement_announce(r->db, r->a, &b.who, v, quarter, *date ? date : today,
					   &b.errs, &ann);
	if (!api_refused(r, rc, 0, &b.errs, "公示时出错，什么都没有写入。")) {
		json_begin(r);
		if (announcement_json(r->db, r->a, &r->jw, v->code, ann, NULL, 0))
			http_error(r, 500, "读取公示时出错。");
		else
			json_send(r, 201);
	}
	api_body_free(&b);
}

/* POST …/announcements/YYYY-Qn/cosignatures {"witness_key","cosignature"}:
** attach a witness's cosignature line(s) to its ledger checkpoint. */
static void api_cosign(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	struct announcement *ann = v ? announcement_or_404(r, v) : NULL;
	if (!ann)
		return;
	struct api_body b;
	if (api_body_read(r, &b))
		return;
	const char *wkey, *line;
	member_str(b.o, "witness_key", &wkey, &b.errs);
	member_str(b.o, "cosignature", &line, &b.errs);
	int added = 0, rc = b.errs.n ? 1 : 0;
	if (!rc)
		rc = announcement_cosign(r->db, r->a, &b.who, v, ann, wkey, line, &b.errs, &added);
	if (!api_refused(r, rc, 0, &b.errs, "附上联署签名时出错。")) {
		json_begin(r);
		json_obj(r, NULL);
		json_int(r, "added", added);
		json_end_obj(r);
		json_send(r, 200);
	}
	api_body_free(&b);
}

/* GET /api/v1/villages/CODE/checkpoint: the newest signed checkpoint, with
** its cosignatures, as the signed note. */
static void api_checkpoint(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct ledger_checkpoint *cp;
	int rc = checkpoint_latest(r->db, r->a, v->id, &cp);
	if (rc)
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取检查点时出错。" : "本村还没有签名的检查点。");
	else
		send_text(r, cp->note);
}

/* GET /api/v1/villages/CODE/checkpoints: every signed checkpoint. */
static void api_checkpoints(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct ledger_checkpoint *rows;
	int n;
	if (checkpoint_list(r->db, r->a, v->id, &rows, &n)) {
		http_error(r, 500, "读取检查点时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_arr(r, "checkpoints");
	for (int i = 0; i < n; i++) {
		json_obj(r, NULL);
		json_int(r, "size", rows[i].size);
		json_str(r, "root", rows[i].root);
		json_int(r, "signed_at", rows[i].signed_at);
		json_str(r, "note", rows[i].note);
		json_end_obj(r);
	}
	json_end_arr(r);
	json_end_obj(r);
	json_send(r, 200);
}

/* Write a proof's hashes as the array "proof", base64 each. */
static void proof_fields(struct req *r, const uint8_t (*proof)[32], size_t n)
{
	json_arr(r, "proof");
	for (size_t i = 0; i < n; i++) {
		char h[45];
		b64(proof[i], h);
		json_str(r, NULL, h);
	}
	json_end_arr(r);
}

/* The root of v's tree at size as base64 into out.  Returns 0 or -1. */
static int root_b64(struct req *r, const struct village *v, int64_t size, char out[45])
{
	uint8_t root[32];
	if (ledger_tree_root(r->db, v->id, size, root))
		return -1;
	b64(root, out);
	return 0;
}

/* GET …/proofs/consistency?from=M&to=N: between two signed checkpoints'
** sizes (or from 0); to defaults to the newest. */
static void api_consistency(struct req *r)
{
	struct village *v = req_public_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	struct ledger_checkpoint *latest, *cp;
	int rc = checkpoint_latest(r->db, r->a, v->id, &latest);
	if (rc) {
		http_error(r, rc < 0 ? 500 : 404, rc < 0 ? "读取检查点时出错。" : "本村还没有签名的检查点。");
		return;
	}
	int64_t to = req_query_int_or_400(r, "to", latest->size, 0, latest->size, NULL);
	int64_t from = to < 0 ? -1 : req_query_int_or_400(r, "from", 0, 0, to, NULL);
	if (to < 0 || from < 0)
		return;
	if ((from && checkpoint_get(r->db, r->a, v->id, from, &cp)) ||
	    checkpoint_get(r->db, r->a, v->id, to, &cp)) {
		http_error(r, 404, "from 和 to 应为已签名检查点的大小（from 也可为 0）。");
		return;
	}
	uint8_t proof[MERKLE_MAX_PROOF][32];
	size_t np;
	char r1[45], r2[45];
	if (ledger_tree_prove_consistency(r->db, v->id, from, to, proof, &np) ||
	    root_b64(r, v, from, r1) || root_b64(r, v, to, r2)) {
		http_error(r, 500, "生成一致性证明时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_int(r, "from", from);
	json_str(r, "from_root", r1);
	json_int(r, "to", to);
	json_str(r, "to_root", r2);
	proof_fields(r, (const uint8_t(*)[32])proof, np);
	json_end_obj(r);
	json_send(r, 200);
}

/* GET …/proofs/inclusion?seq=S&size=N: ledger entry S in the tree of N
** entries (default: all). */
static void api_inclusion(struct req *r)
{
	struct village *v = req_village_or_404(r, r->arg[0]);
	if (!v)
		return;
	int64_t have;
	if (ledger_tree_size(r->db, v->id, &have)) {
		http_error(r, 500, "读取台账时出错。");
		return;
	}
	if (!have) {
		http_error(r, 404, "本村台账还没有记录。");
		return;
	}
	int64_t size = req_query_int_or_400(r, "size", have, 1, have, NULL);
	int64_t seq = size < 0 ? -1 : req_query_int_or_400(r, "seq", 0, 1, size, NULL);
	if (size < 0 || seq < 0)
		return;
	if (!req_query(r, "seq")) {
		http_error(r, 400, "请给出 seq（台账序号）。");
		return;
	}
	uint8_t proof[MERKLE_MAX_PROOF][32];
	size_t np;
	char root[45];
	if (ledger_tree_prove_inclusion(r->db, v->id, seq - 1, size, proof, &np) ||
	    root_b64(r, v, size, root)) {
		http_error(r, 500, "生成包含证明时出错。");
		return;
	}
	json_begin(r);
	json_obj(r, NULL);
	json_str(r, "village", v->code);
	json_int(r, "seq", seq);
	json_int(r, "index", seq - 1);
	json_int(r, "size", size);
	json_str(r, "root", root);
	proof_fields(r, (const uint8_t(*)[32])proof, np);
	json_end_obj(r);
	json_send(r, 200);
}

const struct route announcement_api_routes[] = {
	{"GET", "/api/v1/key", api_key, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/announcements", api_announcements, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/villages/*/announcements", api_announce, ROLES_ADMIN, 0},
	{"GET", "/api/v1/villages/*/announcements/*", api_announcement, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/announcements/*/receipts/*", api_receipt, 0, ROUTE_PUBLIC},
	{"POST", "/api/v1/villages/*/announcements/*/cosignatures", api_cosign, ROLES_ADMIN, 0},
	{"GET", "/api/v1/villages/*/checkpoint", api_checkpoint, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/checkpoints", api_checkpoints, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/proofs/consistency", api_consistency, 0, ROUTE_PUBLIC},
	{"GET", "/api/v1/villages/*/proofs/inclusion", api_inclusion, ROLES_VIEW, 0},
	{0},
};
