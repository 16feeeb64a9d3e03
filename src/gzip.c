/*
** gzip.c — bodies kept deflated with holes (gzip.h): packed once at
** render, sent as gzip by copying, or inflated for clients without gzip.
*/
#include "gzip.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

enum {
	HEAD = 3,  /* 'Z', nruns */
	RUN = 17,  /* clen, ulen, crc, op, hole */
	STORED = 5, /* a stored block's header: 0x00, LEN, NLEN */
	GZ_HEAD = 10,
	GZ_TAIL = 8,
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One run of a packed body, read off its header. */
struct run {
	const unsigned char *data; /* its compressed bytes */
	uint32_t clen, ulen, crc, op;
	unsigned char hole; /* the hole after it, 0 after the last */
};

/* The packed body's number of runs into *nruns: 0, or -1 when p[0..n) is
** not a packed body (lengths that do not add up to n, a hole byte out of
** range, a last run followed by a hole). */
static int runs_of(const unsigned char *p, size_t n, size_t *nruns)
{
	if (n < HEAD || p[0] != 'Z')
		return -1;
	size_t k = (size_t)p[1] | (size_t)p[2] << 8, total = HEAD + k * RUN;
	if (!k || n < total)
		return -1;
	for (size_t i = 0; i < k; i++) {
		const unsigned char *r = p + HEAD + i * RUN;
		unsigned char hole = r[16];
		if ((i + 1 < k) != (hole != 0) || hole >= GZIP_HOLES)
			return -1;
		total += get32(r);
		if (total > n)
			return -1;
	}
	if (total != n)
		return -1;
	*nruns = k;
	return 0;
}

/* Run i of a packed body whose runs_of() held; data: where the runs'
** bytes go on, advanced past this one. */
static struct run run_at(const unsigned char *p, size_t i, const unsigned char **data)
{
	const unsigned char *r = p + HEAD + i * RUN;
	struct run x = {*data, get32(r), get32(r + 4), get32(r + 8), get32(r + 12), r[16]};
	*data += x.clen;
	return x;
}

/* Compress p[0..n) into out with flush (Z_FULL_FLUSH: a cut; Z_FINISH:
** the end).  Returns 0 or -1. */
static int deflate_run(z_stream *z, const unsigned char *p, size_t n, int flush, buf *out)
{
	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	for (;;) {
		size_t room = n + n / 8 + 64;
		z->next_out = (Bytef *)buf_space(out, room);
		z->avail_out = (uInt)room;
		int rc = deflate(z, flush);
		out->len -= z->avail_out;
		if (rc == Z_STREAM_END)
			return 0;
		/* two holes side by side: nothing since the last cut, which left
		** the stream aligned already */
		if (rc == Z_BUF_ERROR && !z->avail_in && flush != Z_FINISH)
			return 0;
		if (rc != Z_OK)
			return -1;
		if (z->avail_out && !z->avail_in && flush != Z_FINISH)
			return 0;
	}
}

int gzip_pack(const void *body, size_t n, const char *holes, buf *out)
{
	const unsigned char *p = body, *end = p + n;
	size_t nruns = 1, start = out->len;
	/* (strchr would find a NUL byte of the body in holes' terminator) */
	for (const unsigned char *q = p; q < end; q++)
		nruns += *q && strchr(holes, *q) != NULL;
	if (nruns > 0xffff || n > UINT_MAX)
		return -1;
	unsigned char *h = (unsigned char *)buf_space(out, HEAD + nruns * RUN);
	h[0] = 'Z', h[1] = (unsigned char)nruns, h[2] = (unsigned char)(nruns >> 8);
	z_stream z;
	memset(&z, 0, sizeof z);
	/* raw deflate (-15): the gzip framing is written when sent; level 6,
	** as level 9 made a page 0.5 % smaller */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		out->len = start;
		return -1;
	}
	const unsigned char *run = p;
	for (size_t i = 0; i < nruns; i++) {
		const unsigned char *e = run;
		while (e < end && !(*e && strchr(holes, *e)))
			e++;
		size_t before = out->len, ulen = (size_t)(e - run);
		int last = i + 1 == nruns;
		if (deflate_run(&z, run, ulen, last ? Z_FINISH : Z_FULL_FLUSH, out)) {
			deflateEnd(&z);
			out->len = start;
			return -1;
		}
		/* the header again: out may have moved as it grew */
		unsigned char *r = (unsigned char *)out->p + start + HEAD + i * RUN;
		put32(r, (uint32_t)(out->len - before));
		put32(r + 4, (uint32_t)ulen);
		put32(r + 8, (uint32_t)crc32_z(0, run, ulen));
		put32(r + 12, (uint32_t)crc32_combine_gen((z_off_t)ulen));
		r[16] = last ? 0 : *e;
		run = e + 1;
	}
	deflateEnd(&z);
	return 0;
}

int gzip_send(const void *packed, size_t n, const struct gzip_fill fill[GZIP_HOLES], buf *out)
{
	static const unsigned char head[GZ_HEAD] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	const unsigned char *p = packed, *data;
	size_t nruns, total = GZ_HEAD + GZ_TAIL;
	if (runs_of(p, n, &nruns))
		return -1;
	data = p + HEAD + nruns * RUN;
	total += n - (size_t)(data - p);
	for (size_t i = 0; i + 1 < nruns; i++) {
		size_t k = fill[p[HEAD + i * RUN + 16]].n;
		if (k > 0xffff)
			return -1;
		total += STORED + k;
	}
	unsigned char *o = (unsigned char *)buf_space(out, total);
	memcpy(o, head, GZ_HEAD);
	o += GZ_HEAD;
	uLong crc = 0;
	uint32_t isize = 0;
	for (size_t i = 0; i < nruns; i++) {
		struct run r = run_at(p, i, &data);
		memcpy(o, r.data, r.clen);
		o += r.clen;
		crc = crc32_combine_op(crc, r.crc, r.op);
		isize += r.ulen;
		if (!r.hole)
			continue;
		const struct gzip_fill *f = &fill[r.hole];
		o[0] = 0; /* BFINAL 0, BTYPE 00 (stored), on a byte boundary after the cut */
		o[1] = (unsigned char)f->n, o[2] = (unsigned char)(f->n >> 8);
		o[3] = (unsigned char)~f->n, o[4] = (unsigned char)(~f->n >> 8);
		o += STORED;
		if (f->n) {
			memcpy(o, f->p, f->n);
			crc = crc32_z(crc, (const Bytef *)f->p, f->n);
		}
		o += f->n;
		isize += (uint32_t)f->n;
	}
	put32(o, (uint32_t)crc);
	put32(o + 4, isize);
	return 0;
}

int gzip_inflate(const void *packed, size_t n, const struct gzip_fill fill[GZIP_HOLES], buf *out)
{
	const unsigned char *p = packed, *data;
	size_t nruns, total = 0, start = out->len;
	if (runs_of(p, n, &nruns))
		return -1;
	data = p + HEAD + nruns * RUN;
	for (size_t i = 0; i < nruns; i++) {
		const unsigned char *r = p + HEAD + i * RUN;
		total += get32(r + 4) + (r[16] ? (fill ? fill[r[16]].n : 1) : 0);
	}
	/* one byte more than the body: inflate may write past a run that
	** claims less than it holds, and is then caught */
	unsigned char *o = (unsigned char *)buf_space(out, total + 1);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK) {
		out->len = start;
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < nruns && !rc; i++) {
		struct run r = run_at(p, i, &data);
		inflateReset(&z);
		z.next_in = (Bytef *)r.data;
		z.avail_in = r.clen;
		z.next_out = o;
		z.avail_out = r.ulen + 1;
		int zr = inflate(&z, Z_SYNC_FLUSH);
		/* exactly ulen bytes, the whole run read, the last run the end of
		** the stream, the others not; the CRC-32s as the header says */
		if (z.avail_out != 1 || z.avail_in ||
		    (r.hole ? zr != Z_OK && zr != Z_BUF_ERROR : zr != Z_STREAM_END) ||
		    crc32_z(0, o, r.ulen) != r.crc || crc32_combine_gen((z_off_t)r.ulen) != r.op) {
			rc = -1;
			break;
		}
		o += r.ulen;
		if (!r.hole)
			continue;
		if (!fill)
			*o++ = r.hole;
		else if (fill[r.hole].n) {
			memcpy(o, fill[r.hole].p, fill[r.hole].n);
			o += fill[r.hole].n;
		}
	}
	inflateEnd(&z);
	out->len = rc ? start : start + total;
	if (out->p)
		out->p[out->len] = 0;
	return rc;
}

/* 1 when q-value text v[0..n) is zero ("0", "0.", "0.000"). */
static int q_zero(const char *v, size_t n)
{
	if (!n || v[0] != '0')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (v[i] != '.' && v[i] != '0')
			return 0;
	return 1;
}

int gzip_accepted(const char *ae)
{
	int gzip = -1, star = -1; /* -1 not named, 0 refused, 1 taken */
	if (!ae)
		return 0;
	for (const char *p = ae; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, " \t;,");
		const char *name = p;
		p += n;
		int q = 1;
		/* parameters up to the next item: only q matters */
		while (*p && *p != ',') {
			while (*p == ' ' || *p == '\t' || *p == ';')
				p++;
			size_t k = strcspn(p, " \t;,");
			if (k >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
				q = !q_zero(p + 2, k - 2);
			p += k;
		}
		if ((n == 4 && !strncasecmp(name, "gzip", 4)) || (n == 6 && !strncasecmp(name, "x-gzip", 6)))
			gzip = q;
		else if (n == 1 && *name == '*')
			star = q;
	}
	return gzip >= 0 ? gzip : star > 0;
}
