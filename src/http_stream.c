/*
** http_stream.c — streamed answers (http.h's http_send_stream): a download
** written a batch at a time while libmicrohttpd sends it, so that its
** memory is one batch whatever its size.  http.c queues the answer as a
** callback response over http_stream_read() and frees it with
** http_stream_free().
*/
#include "http.h"
#include "http_int.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* Free a stream and what its producer holds. */
void http_stream_free(void *cls)
{
	struct http_stream *s = cls;
	if (!s)
		return;
	if (s->done)
		s->done(s);
	csv_finish(&s->w);
	free(s);
}

void http_send_stream(struct req *r, int status, const char *ctype, struct http_stream *s)
{
	int rc = s->next(s, r->db);
	if (rc < 0) {
		http_stream_free(s);
		http_error(r, 500, "读取导出数据时出错。");
		return;
	}
	s->ended = rc == 0;
	http_stream_free(r->stream);
	r->stream = s;
	r->out.len = 0;
	r->status = status;
	r->ctype = ctype;
	r->answered = 1;
}

/* libmicrohttpd's reader of a streamed answer: the bytes of the batch in
** hand, then the next batch, read on this thread's own connection. */
ssize_t http_stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct http_stream *s = cls;
	for (;;) {
		if (s->sent < s->w.b.len) {
			size_t n = s->w.b.len - s->sent;
			if (n > max)
				n = max;
			memcpy(out, s->w.b.p + s->sent, n);
			s->sent += n;
			return (ssize_t)n;
		}
		s->w.b.len = s->sent = 0;
		if (s->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		db *d = http_thread_db();
		if (!d)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		int rc = s->next(s, d);
		db_release(d); /* nothing of the batch stays open for the next request */
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		s->ended = rc == 0;
	}
}

