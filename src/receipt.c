/*
** receipt.c — parsing and checking announcement receipts offline
** (receipt.h; the format is docs/transparency.md's).
*/
#include "receipt.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announcement.h"

static const char sig_prefix[] = "\xe2\x80\x94 ";

/* The next line of [*p, end) without its "\n" into *line and *n; advances *p.
** Returns 0, or -1 at the end. */
static int next_line(const char **p, const char *end, const char **line, size_t *n)
{
	if (*p >= end)
		return -1;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return 0;
}

/* "key value" line: the value of key (arena), or NULL when the line is not one. */
static const char *field(arena *a, const char *line, size_t n, const char *key)
{
	size_t k = strlen(key);
	if (n <= k + 1 || strncmp(line, key, k) || line[k] != ' ')
		return NULL;
	return arena_strndup(a, line + k + 1, n - k - 1);
}

int receipt_parse(arena *a, const char *text, size_t len, struct receipt *r, errlist *errs)
{
	memset(r, 0, sizeof *r);
	const char *p = text, *end = text + len, *line;
	size_t n;
	int lineno = 0;
	static const char *const keys[] = {"line", "quarter", "date", "objection_until", "index"};
	const char *vals[5];
	if (next_line(&p, end, &line, &n) || n != 16 || strncmp(line, "jifen-receipt/v1", 16)) {
		errlist_add(errs, "回执第 1 行应为 jifen-receipt/v1，这不是 jifen 的公示回执");
		return 1;
	}
	lineno = 1;
	for (int i = 0; i < 5; i++) {
		lineno++;
		if (next_line(&p, end, &line, &n) || !(vals[i] = field(a, line, n, keys[i]))) {
			errlist_add(errs, "回执第 %d 行应为「%s …」", lineno, keys[i]);
			return 1;
		}
	}
	r->line = vals[0];
	r->quarter = vals[1];
	r->date = vals[2];
	r->objection_until = vals[3];
	int64_t idx;
	if (parse_int64(vals[4], &idx) || idx < 0) {
		errlist_add(errs, "回执第 6 行 index 应为非负整数");
		return 1;
	}
	r->index = (uint64_t)idx;
	/* the proof's hashes, then a blank line */
	for (;;) {
		lineno++;
		if (next_line(&p, end, &line, &n)) {
			errlist_add(errs, "回执在第 %d 行提前结束：证明之后应有一个空行和检查点", lineno);
			return 1;
		}
		if (n == 0)
			break;
		size_t got = 0;
		if (r->nproof == MERKLE_MAX_PROOF || n != 44 ||
		    sodium_base642bin(r->proof[r->nproof], 32, line, n, NULL, &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) ||
		    got != 32) {
			errlist_add(errs, "回执第 %d 行应为证明的一个哈希（44 个字符的 base64）",
				    lineno);
			return 1;
		}
		r->nproof++;
	}
	/* the announcement's signed note: text, blank line, signature lines;
	** the ledger's note begins at the first line after them that is not a
	** signature line (an origin has no space, so cannot start with "— ") */
	const char *ann = p;
	int blank = 0, sigs = 0;
	while (p < end) {
		const char *at = p;
		next_line(&p, end, &line, &n);
		if (!blank) {
			if (n == 0)
				blank = 1;
			continue;
		}
		if (n >= sizeof sig_prefix - 1 && !strncmp(line, sig_prefix, sizeof sig_prefix - 1)) {
			sigs++;
			continue;
		}
		p = at;
		break;
	}
	if (!blank || !sigs || p >= end) {
		errlist_add(errs, "回执里应有两份签名的检查点（公示的和台账的），缺少了");
		return 1;
	}
	r->announcement = arena_strndup(a, ann, (size_t)(p - ann));
	r->ledger = arena_strndup(a, p, (size_t)(end - p));
	return 0;
}

/* Open note with key as a checkpoint into *c.  Returns 0, or 1 with a
** message about what (公示的 / 台账的) in errs. */
static int open_signed(arena *a, const char *note, const struct note_verifier *key,
		       const char *what, struct checkpoint *c, int *others, errlist *errs)
{
	struct note_opened o;
	int rc = note_open(a, note, strlen(note), key, 1, &o);
	if (rc == NOTE_ERR_MALFORMED || (!rc && checkpoint_parse(a, o.text, o.text_len, c))) {
		errlist_add(errs, "%s检查点格式不对", what);
		return 1;
	}
	if (rc == NOTE_ERR_BAD_SIGNATURE) {
		errlist_add(errs, "%s检查点的签名验证失败：内容被改过", what);
		return 1;
	}
	if (rc) {
		errlist_add(errs, "%s检查点不是这把密钥（%s）签的", what, key->name);
		return 1;
	}
	if (others)
		*others = o.nsigs - o.nverified;
	return 0;
}

int receipt_verify(arena *a, const char *text, size_t len, const struct note_verifier *key,
		   struct receipt *r, errlist *errs)
{
	if (receipt_parse(a, text, len, r, errs))
		return 1;
	if (open_signed(a, r->ledger, key, "台账的", &r->ledger_cp, &r->cosignatures, errs) ||
	    open_signed(a, r->announcement, key, "公示的", &r->announcement_cp, NULL, errs))
		return 1;
	const char *origin = r->ledger_cp.origin;
	size_t kn = strlen(key->name);
	if (strncmp(origin, key->name, kn) || origin[kn] != '/' || strchr(origin + kn + 1, '/')) {
		errlist_add(errs, "台账检查点的来源 %s 不是密钥 %s 下的村", origin, key->name);
		return 1;
	}
	char *want = arena_printf(a, "%s/%s", origin, r->quarter);
	if (strcmp(r->announcement_cp.origin, want)) {
		errlist_add(errs, "公示检查点的来源 %s 与回执的村和季度（%s）不符",
			    r->announcement_cp.origin, want);
		return 1;
	}
	if (r->index >= r->announcement_cp.size) {
		errlist_add(errs, "回执的序号 %llu 超出公示的 %llu 户", (unsigned long long)r->index,
			    (unsigned long long)r->announcement_cp.size);
		return 1;
	}
	char root64[45];
	sodium_bin2base64(root64, sizeof root64, r->ledger_cp.root, 32,
			  sodium_base64_VARIANT_ORIGINAL);
	buf data = {0};
	announcement_leaf_data(&data, origin, r->quarter, r->date, r->objection_until,
			       (int64_t)r->ledger_cp.size, root64, r->line);
	uint8_t leaf[32];
	merkle_leaf_hash(data.p, data.len, leaf);
	buf_free(&data);
	int mrc = merkle_verify_inclusion(r->index, r->announcement_cp.size, leaf,
					  (const uint8_t(*)[32])r->proof, r->nproof,
					  r->announcement_cp.root);
	if (mrc == MERKLE_ERR_PROOF_LEN) {
		errlist_add(errs, "回执的证明有 %zu 个哈希，个数不对：证明不完整或被改过",
			    r->nproof);
		return 1;
	}
	if (mrc) {
		errlist_add(errs, "本户的公示行不在这份公示里：公示行、日期或证明被改过");
		return 1;
	}
	return 0;
}

int receipt_read_key(arena *a, const char *key_or_file, struct note_verifier *key,
		     errlist *errs)
{
	if (!note_verifier_parse(a, key_or_file, key))
		return 0;
	FILE *f = fopen(key_or_file, "r");
	if (!f) {
		errlist_add(errs, "--key: 既不是验证公钥，也无法打开文件 %s: %s", key_or_file,
			    strerror(errno));
		return 1;
	}
	char line[1024];
	int ok = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!ok || note_verifier_parse(a, line, key)) {
		errlist_add(errs, "--key: 文件 %s 里没有验证公钥（jifen key show 打印的那一行）",
			    key_or_file);
		return 1;
	}
	return 0;
}
