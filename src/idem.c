/*
** idem.c — idempotent retries of POSTs (the Idempotency-Key header), for
** http.c's dispatch: see idem.h.
*/
#include "idem.h"

#include <string.h>
#include <strings.h>

#include "auth.h"
#include "html.h"
#include "json.h"
#include "api.h"

/* Deletes keys older than a day, then inserts this one. */
int idem_record(db *d, void *arg)
{
	const struct idem *k = arg;
	db_stmt *s = db_prepare(d, "DELETE FROM idempotency WHERE created_at < $old");
	if (!s || db_bind_int(s, "$old", now_unix() - 86400) || db_step(s) != DB_DONE)
		return -1;
	s = db_prepare(d, "INSERT INTO idempotency(principal, idem_key, created_at)"
			  " VALUES($p, $k, $now)");
	if (!s || db_bind_text(s, "$p", k->principal) || db_bind_text(s, "$k", k->key) ||
	    db_bind_int(s, "$now", now_unix()))
		return -1;
	int st = db_step(s);
	if (st == DB_CONSTRAINT)
		db_set_error(d, "重复的请求（Idempotency-Key 已经用过）");
	return st == DB_DONE ? 0 : -1;
}

/* The key of this request, or NULL when it has none (or a malformed one,
** which is refused with 400: *refused set). */
struct idem *idem_key(struct req *r, int *refused)
{
	*refused = 0;
	const char *key = http_request_header(r, "Idempotency-Key");
	if (!key || !r->user || strcmp(r->method, "POST"))
		return NULL;
	size_t n = strlen(key);
	if (n < 1 || n > 64 ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n) {
		http_error(r, 400, "Idempotency-Key 应为 1–64 个字母、数字、_ 或 -。");
		*refused = 1;
		return NULL;
	}
	struct idem *k = arena_alloc(r->a, sizeof *k);
	k->principal = arena_printf(r->a, "%c:%lld", r->user->role == ROLE_HOUSEHOLD ? 'h' : 'a',
				    (long long)r->user->id);
	k->key = arena_strdup(r->a, key);
	return k;
}

/* Answer from a recorded key: 1 answered, 0 not recorded, -1 error. */
int idem_replay(struct req *r, const struct idem *k)
{
	db_stmt *s = db_prepare(r->db, "SELECT status, content_type, location, body"
				       " FROM idempotency WHERE principal = $p AND idem_key = $k");
	if (!s || db_bind_text(s, "$p", k->principal) || db_bind_text(s, "$k", k->key))
		return -1;
	int st = db_step(s);
	if (st != DB_ROW)
		return st == DB_DONE ? 0 : -1;
	int status = (int)db_column_int(s, 0);
	if (status == 0) {
		/* the writes committed but the server stopped before it could keep
		** the answer: say that it is done, without writing again */
		db_reset(s);
		http_header(r, "Idempotent-Replayed", "true");
		if (r->is_api) {
			json_begin(r);
			json_obj(r, NULL);
			json_bool(r, "replayed", 1);
			json_str(r, "message", "这个请求之前已经完成（应答在服务器中断时丢失），没有再次写入。");
			json_end_obj(r);
			json_send(r, 200);
		} else {
			html_page_begin(r, "已经完成");
			html_notice(r, "这个请求之前已经完成（应答在服务器中断时丢失），没有再次写入。");
			html_raw(r, "<p><a href=\"/\">返回首页</a></p>");
			html_page_end(r);
		}
		return 1;
	}
	if (!db_column_is_null(s, 2))
		http_header(r, "Location", db_column_text(s, 2));
	http_header(r, "Idempotent-Replayed", "true");
	const char *body = db_column_text(s, 3);
	http_send(r, status, arena_strdup(r->a, db_column_text(s, 1)), body ? body : "",
		  body ? strlen(body) : 0);
	db_reset(s);
	return 1;
}

/* After the handler: keep its answer for replays (best effort; the key
** itself was committed with the writes). */
void idem_store(struct req *r, const struct idem *k)
{
	const char *location = NULL;
	for (struct param *h = r->headers; h; h = h->next)
		if (!strcasecmp(h->name, "Location"))
			location = h->value;
	db_stmt *s = db_prepare(r->db,
		"UPDATE idempotency SET status = $s, content_type = $c, location = $l, body = $b"
		" WHERE principal = $p AND idem_key = $k");
	if (!s)
		return;
	db_bind_int(s, "$s", r->status);
	db_bind_text(s, "$c", r->ctype ? r->ctype : "text/html; charset=utf-8");
	db_bind_text(s, "$l", location);
	if (r->out.len <= 65536 && text_is_clean(buf_cstr(&r->out), 1))
		db_bind_text(s, "$b", r->out.p);
	else
		db_bind_text(s, "$b", "");
	db_bind_text(s, "$p", k->principal);
	db_bind_text(s, "$k", k->key);
	db_step(s);
}
