/*
** witness.c — the witness of witness.h: its key, the request's checks
** (consistency with the last checkpoint cosigned of the same log), its
** state file, and the cosignature.
*/
#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merkle.h"

int witness_key_load(arena *a, const char *path, struct note_signer *s, errlist *errs)
{
	struct note_signer k;
	int rc = note_key_read(a, path, &k);
	if (rc) {
		errlist_add(errs, "见证密钥文件 %s %s", path,
			    rc == NOTE_ERR_IO ? strerror(errno)
			    : rc == NOTE_ERR_KEY_MODE ? "别人也能读，请改为只有本用户可读（chmod 600）"
						     : "不是签名密钥");
		return 1;
	}
	/* the same seed, used as a cosignature/v1 key (libsodium's secret key
	** is seed || public key) */
	rc = note_signer_from_seed(a, k.name, NOTE_COSIGNATURE_V1, k.sk, s);
	note_signer_wipe(&k);
	if (rc) {
		errlist_add(errs, "见证密钥文件 %s 的名称无效", path);
		return 1;
	}
	return 0;
}

int witness_key_create(arena *a, const char *path, const char *name, errlist *errs)
{
	struct note_signer k;
	if (!note_name_valid(name)) {
		errlist_add(errs, "--name: 见证方名称「%s」无效：不能为空，不能含空格或 +", name);
		return 1;
	}
	int rc = note_key_create(a, path, name, &k);
	note_signer_wipe(&k);
	if (rc == NOTE_ERR_EXISTS)
		errlist_add(errs, "见证密钥文件 %s 已经存在，不会覆盖", path);
	else if (rc)
		errlist_add(errs, "见证密钥文件 %s 无法写入: %s", path, strerror(errno));
	return rc ? 1 : 0;
}

/* The state of origin in the state file's text: *size and root; returns 1
** when found, 0 when not, -1 when the file is garbled. */
static int state_find(arena *a, const char *text, const char *origin, uint64_t *size,
		      uint8_t root[32])
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = arena_strndup(a, p, n);
		p += n + (p[n] ? 1 : 0);
		if (!*line)
			continue;
		char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp2)
			return -1;
		*sp1 = *sp2 = 0;
		if (strcmp(line, origin))
			continue;
		int64_t v;
		size_t got = 0;
		if (parse_int64(sp1 + 1, &v) || v < 0 ||
		    sodium_base642bin(root, 32, sp2 + 1, strlen(sp2 + 1), NULL, &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) ||
		    got != 32)
			return -1;
		*size = (uint64_t)v;
		return 1;
	}
	return 0;
}

/* The state file's text with origin's line replaced (or added). */
static char *state_update(arena *a, const char *text, const char *origin, uint64_t size,
			  const uint8_t root[32])
{
	buf b = {0};
	size_t on = strlen(origin);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n && !(n > on && !strncmp(p, origin, on) && p[on] == ' ')) {
			buf_append(&b, p, n);
			buf_puts(&b, "\n");
		}
		p += n + (p[n] ? 1 : 0);
	}
	char r64[45];
	sodium_bin2base64(r64, sizeof r64, root, 32, sodium_base64_VARIANT_ORIGINAL);
	buf_printf(&b, "%s %llu %s\n", origin, (unsigned long long)size, r64);
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Parse the request: old size, proof, and the signed note (opened with
** log_key into *c).  Returns 0 or 1 (errs). */
static int parse_request(arena *a, const char *req, size_t len, const struct note_verifier *log_key,
			 uint64_t *old, uint8_t (*proof)[32], size_t *nproof, struct checkpoint *c,
			 const char **text, errlist *errs)
{
	const char *p = req, *end = req + len;
	const char *nl = memchr(p, '\n', len);
	int64_t v;
	if (!nl || (size_t)(nl - p) < 5 || strncmp(p, "old ", 4) ||
	    parse_int64(arena_strndup(a, p + 4, (size_t)(nl - p - 4)), &v) || v < 0) {
		errlist_add(errs, "见证请求第 1 行应为「old 大小」");
		return 1;
	}
	*old = (uint64_t)v;
	p = nl + 1;
	*nproof = 0;
	for (;;) {
		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (!nl) {
			errlist_add(errs, "见证请求缺少证明之后的空行和检查点");
			return 1;
		}
		size_t n = (size_t)(nl - p), got = 0;
		if (n == 0)
			break;
		if (*nproof == 63 || n != 44 ||
		    sodium_base642bin(proof[*nproof], 32, p, n, NULL, &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) ||
		    got != 32) {
			errlist_add(errs, "见证请求第 %zu 行应为一致性证明的哈希（base64）", *nproof + 2);
			return 1;
		}
		(*nproof)++;
		p = nl + 1;
	}
	p = nl + 1;
	struct note_opened o;
	int rc = note_open(a, p, (size_t)(end - p), log_key, 1, &o);
	if (rc == NOTE_ERR_MALFORMED || (!rc && checkpoint_parse(a, o.text, o.text_len, c))) {
		errlist_add(errs, "见证请求里的检查点格式不对");
		return 1;
	}
	if (rc) {
		errlist_add(errs, "见证请求里的检查点不是台账公钥 %s 签的", log_key->name);
		return 1;
	}
	*text = arena_strndup(a, o.text, o.text_len);
	return 0;
}

int witness_cosign(arena *a, const struct note_signer *w, const char *state_path,
		   const struct note_verifier *log_key, const char *request, size_t len,
		   uint64_t now, char **line, errlist *errs)
{
	uint64_t old, last = 0;
	uint8_t proof[63][32], last_root[32];
	size_t nproof;
	struct checkpoint c;
	const char *text;
	*line = NULL;
	if (parse_request(a, request, len, log_key, &old, proof, &nproof, &c, &text, errs))
		return 1;
	int rc = -1, fd = open(state_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		errlist_add(errs, "见证状态文件 %s 无法打开: %s", state_path, strerror(errno));
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st)) {
		errlist_add(errs, "见证状态文件 %s 无法读取: %s", state_path, strerror(errno));
		goto out;
	}
	char *state = arena_alloc(a, (size_t)st.st_size + 1);
	if (st.st_size && read(fd, state, (size_t)st.st_size) != st.st_size) {
		errlist_add(errs, "见证状态文件 %s 无法读取", state_path);
		goto out;
	}
	int found = state_find(a, state, c.origin, &last, last_root);
	if (found < 0) {
		errlist_add(errs, "见证状态文件 %s 格式不对", state_path);
		goto out;
	}
	rc = 1;
	if (old != last) {
		errlist_add(errs, "见证上次联署的 %s 大小是 %llu，请求的 old 却是 %llu", c.origin,
			    (unsigned long long)last, (unsigned long long)old);
		goto out;
	}
	if (c.size < last) {
		errlist_add(errs, "检查点的大小 %llu 小于上次联署的 %llu", (unsigned long long)c.size,
			    (unsigned long long)last);
		goto out;
	}
	if (!found && nproof) {
		errlist_add(errs, "首次联署 %s 时一致性证明应为空", c.origin);
		goto out;
	}
	if (found && merkle_verify_consistency(last, c.size, (const uint8_t(*)[32])proof, nproof,
					       last_root, c.root)) {
		errlist_add(errs, "%s 的检查点（%llu 条）与上次联署的（%llu 条）不一致："
				  "一致性证明不成立，可能是分叉视图，拒绝联署",
			    c.origin, (unsigned long long)c.size, (unsigned long long)last);
		goto out;
	}
	rc = -1;
	char *sigline;
	if (note_signature_line(a, text, w, now, &sigline)) {
		errlist_add(errs, "联署签名失败");
		goto out;
	}
	/* the new state first: a crash after it loses one answer, never lets
	** the witness cosign a split view */
	char *next = state_update(a, state, c.origin, c.size, c.root);
	char *tmp = arena_printf(a, "%s.tmp", state_path);
	int tfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t nn = strlen(next);
	int bad = tfd < 0 || write(tfd, next, nn) != (ssize_t)nn || fsync(tfd);
	if (tfd >= 0 && close(tfd))
		bad = 1;
	if (bad || rename(tmp, state_path)) {
		errlist_add(errs, "见证状态文件 %s 无法写入: %s", state_path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	*line = sigline;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
