/*
** evidence.c — evidence photos (佐证照片, see evidence.h): JPEG or PNG
** recognised by their bytes, stored once per village by the SHA-256 of the
** bytes, which entries and declarations name.
*/
#include "evidence.h"

#include <openssl/evp.h>
#include <string.h>

/* ---- evidence photos ------------------------------------------------------------ */

const char *evidence_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	return NULL;
}

int evidence_store(db *d, int64_t village_id, const char *uploaded_by, const void *data,
		   size_t len, char hash[65], errlist *errs)
{
	if (!len) {
		errlist_add(errs, "照片是空的");
		return 1;
	}
	if (len > EVIDENCE_MAX_BYTES) {
		errlist_add(errs, "照片太大（最多 %d MB）", EVIDENCE_MAX_BYTES / (1024 * 1024));
		return 1;
	}
	const char *mime = evidence_sniff(data, len);
	if (!mime) {
		errlist_add(errs, "照片应为 JPEG 或 PNG 格式");
		return 1;
	}
	sha256_hex(data, len, hash);
	size_t blen = 4 * ((len + 2) / 3) + 1;
	unsigned char *b64 = malloc(blen);
	if (!b64)
		abort();
	EVP_EncodeBlock(b64, data, (int)len);
	db_stmt *s = db_prepare(d, "INSERT INTO evidence(village_id, hash, mime, size, data_b64,"
				   " uploaded_by, created_at)"
				   " VALUES($v, $h, $mime, $size, $data, $by, $now)"
				   " ON CONFLICT (village_id, hash) DO NOTHING");
	int rc = -1;
	if (s && !db_bind_int(s, "$v", village_id) && !db_bind_text(s, "$h", hash) &&
	    !db_bind_text(s, "$mime", mime) && !db_bind_int(s, "$size", (int64_t)len) &&
	    !db_bind_text(s, "$data", (const char *)b64) &&
	    !db_bind_text(s, "$by", uploaded_by ? uploaded_by : "") &&
	    !db_bind_int(s, "$now", now_unix()) && db_step(s) == DB_DONE)
		rc = 0;
	free(b64);
	return rc;
}

int evidence_get(db *d, arena *a, int64_t village_id, const char *hash, const char **mime,
		 const unsigned char **data, size_t *len)
{
	*mime = NULL;
	*data = NULL;
	*len = 0;
	db_stmt *s = db_prepare(d, "SELECT mime, size, data_b64 FROM evidence"
				   " WHERE village_id = $v AND hash = $h");
	if (!s || db_bind_int(s, "$v", village_id) || db_bind_text(s, "$h", hash ? hash : ""))
		return -1;
	int st = db_step_one(s);
	if (st)
		return st;
	const char *b64 = db_column_text(s, 2);
	size_t n = strlen(b64);
	unsigned char *out = arena_alloc(a, n / 4 * 3 + 4);
	int got = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	int64_t size = db_column_int(s, 1);
	*mime = arena_strdup(a, db_column_text(s, 0));
	db_reset(s);
	/* EVP_DecodeBlock counts the padding as zero bytes; size is the truth */
	if (got < 0 || size > got) {
		db_set_error(d, "照片数据损坏");
		return -1;
	}
	*data = out;
	*len = (size_t)size;
	return 0;
}
