/*
** evidence.c — evidence photos (佐证照片, see evidence.h): JPEG or PNG
** recognised by their bytes, stored once per village by the SHA-256 of the
** bytes, which entries and declarations name.
*/
#include "evidence.h"

#include "auth.h"

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

/* Big-endian 16 and 32-bit numbers. */
static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int evidence_dimensions(const void *data, size_t len, uint32_t *width, uint32_t *height)
{
	const unsigned char *p = data;
	*width = *height = 0;
	const char *mime = evidence_sniff(data, len);
	if (mime && !strcmp(mime, "image/png")) {
		/* the signature, then the IHDR chunk first: length, type, width, height */
		if (len < 24 || memcmp(p + 12, "IHDR", 4))
			return -1;
		*width = be32(p + 16);
		*height = be32(p + 20);
		return 0;
	}
	if (!mime)
		return -1;
	/* JPEG: walk the marker segments to the first frame header (SOF0–SOF15
	** but DHT C4, JPG C8 and DAC CC): length, precision, height, width */
	size_t i = 2;
	while (i + 4 <= len) {
		if (p[i] != 0xff)
			return -1;
		unsigned m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01) {
			i += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda) /* end of image, start of scan: no frame header */
			return -1;
		unsigned seglen = be16(p + i + 2);
		if (seglen < 2)
			return -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (i + 9 > len || seglen < 7)
				return -1;
			*height = be16(p + i + 5);
			*width = be16(p + i + 7);
			return 0;
		}
		i += 2 + seglen;
	}
	return -1;
}

/* The photo's dimensions within the limits (a small file may inflate to a
** huge bitmap in whoever opens it: a 20000×10000 PNG is 200 MB of
** pixels).  0, or 1 with the reason in errs. */
static int check_dimensions(const void *data, size_t len, errlist *errs)
{
	uint32_t w, h;
	if (evidence_dimensions(data, len, &w, &h) || !w || !h) {
		errlist_add(errs, "照片文件不完整，读不出尺寸");
		return 1;
	}
	if (w > EVIDENCE_MAX_SIDE || h > EVIDENCE_MAX_SIDE ||
	    (uint64_t)w * h > EVIDENCE_MAX_PIXELS) {
		errlist_add(errs, "照片尺寸 %u×%u 太大（每边最多 %d 像素，总共最多 %d 万像素）", w, h,
			    EVIDENCE_MAX_SIDE, EVIDENCE_MAX_PIXELS / 10000);
		return 1;
	}
	return 0;
}

/* The uploader's quota of the last 24 hours (security policy) leaves room
** for len more bytes.  0, 1 (errs), -1. */
static int check_quota(db *d, const char *uploaded_by, size_t len, errlist *errs)
{
	struct security_policy pol;
	if (policy_load(d, &pol))
		return -1;
	db_stmt *s = db_prepare(d, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM evidence"
				   " WHERE uploaded_by = $by AND created_at > $since");
	if (!s || db_bind_text(s, "$by", uploaded_by) ||
	    db_bind_int(s, "$since", now_unix() - 86400) || db_step(s) != DB_ROW)
		return -1;
	int64_t count = db_column_int(s, 0), bytes = db_column_int(s, 1);
	db_reset(s);
	if (count >= pol.photos_per_day) {
		errlist_add(errs, "今天已上传 %lld 张照片，每天最多 %d 张，请明天再传", (long long)count,
			    pol.photos_per_day);
		return 1;
	}
	if (bytes + (int64_t)len > (int64_t)pol.photo_mb_per_day * 1024 * 1024) {
		errlist_add(errs, "今天已上传照片 %.1f MB，每天最多 %d MB，请明天再传",
			    (double)bytes / (1024 * 1024), pol.photo_mb_per_day);
		return 1;
	}
	return 0;
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
	if (check_dimensions(data, len, errs))
		return 1;
	int q = check_quota(d, uploaded_by ? uploaded_by : "", len, errs);
	if (q)
		return q;
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
