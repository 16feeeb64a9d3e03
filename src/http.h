/*
** http.h — the request as every page and API handler sees it, the route
** table's shape, and the helpers handlers use to read input and answer.
**
** A handler is `void fn(struct req *r)`.  It reads parameters (already
** parsed: query string, urlencoded or multipart body), calls one area
** function, and renders through html.h or json.h.  Everything it allocates
** comes from r->a, the request's arena, freed when the response is done.
**
** Helpers named ..._or_4xx() either return the value or answer the request
** themselves (Redis' ...OrReply); the handler just returns when they fail:
**     struct village *v = req_village_or_404(r, r->arg[0]);
**     if (!v) return;
*/
#ifndef JIFEN_HTTP_H
#define JIFEN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "csvout.h"
#include "db.h"
#include "json.h"
#include "util.h"

struct param {
	const char *name, *value;
	size_t len; /* value length (uploads may hold NUL bytes) */
	const char *filename;     /* multipart file parts only */
	const char *content_type; /* multipart file parts only */
	struct param *next;
};

struct req {
	arena *a;
	db *db;                /* this server thread's connection */
	const char *method;    /* "GET", "POST", ... */
	const char *path;      /* decoded path without the query */
	const char *arg[6];    /* what the route's '*' segments matched */
	int is_api;            /* path starts with /api/ : errors are JSON */
	const char *ip;        /* client address, text */
	const char *ip_key;    /* what per-address limits count: ip, IPv6 by its /64 */
	struct param *query;   /* GET parameters */
	struct param *form;    /* POST body parameters (urlencoded/multipart) */
	const char *body;      /* raw body, NUL-terminated */
	size_t body_len;
	const char *content_type;
	struct user *user;     /* NULL when not logged in */

	/* the response being built */
	int status;
	buf out;
	const char *ctype;
	struct param *headers; /* extra response headers */
	int answered;          /* a complete response is set */
	struct json_writer jw; /* api.h's json_*(): the writer over out */
	void *conn;            /* struct MHD_Connection * */
	struct http_stream *stream; /* a streamed answer (http_send_stream), else NULL */
};

/* The name of the session cookie (its value: the token of auth.h's
** sessions). */
#define SESSION_COOKIE "jifen_sid"

typedef void (*handler_fn)(struct req *r);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,   /* no login needed */
	ROUTE_NO_CSRF = 1 << 1,  /* a POST that checks its own token (login) */
	ROUTE_UPLOAD = 1 << 2,   /* may carry a large body (CSV, photos) */
};

/* One row of the route table.  pattern segments are literal or '*' (one
** segment, captured into r->arg[]).  roles: who may call it when it is not
** ROUTE_PUBLIC; anyone else gets 403 (logged in) or the login page (not). */
struct route {
	const char *method;
	const char *pattern;
	handler_fn fn;
	int roles;
	int flags;
};

/* Each area's page_*.c / api_*.c defines its table, ending with a {0} row;
** routes.c lists the tables in route_tables[] (NULL-terminated).  The first
** matching row wins. */
extern const struct route *const route_tables[];
/* The first row for r's method (HEAD as GET) and path, its '*' segments
** captured into r->arg; NULL when none, *path_known set when some row
** matches the path under another method (405, not 404).  routes.c. */
const struct route *route_find(struct req *r, int *path_known);

/* ---- server ----------------------------------------------------------- */
struct server_config {
	const char *listen;     /* "HOST:PORT" */
	const char *db_url;
	unsigned threads;       /* 0: number of cores */
};
/* Run the server until SIGTERM/SIGINT; returns 0 after a clean shutdown,
** 3 when it could not start (message printed). */
int http_serve(const struct server_config *cfg);

/* ---- reading input ---------------------------------------------------- */
/* A query (GET) or form (POST) parameter, NULL when absent. */
const char *req_query(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
/* A form parameter trimmed of surrounding spaces ("" when absent). */
const char *req_form_trim(struct req *r, const char *name);
/* An uploaded file part of a multipart form, NULL when absent or empty. */
const struct param *req_file(struct req *r, const char *name);
/* A request header or cookie value, NULL when absent. */
const char *http_request_header(struct req *r, const char *name);
/* A page's form posted without a live session (page_auth.c): 303 to the
** login page (saying the session expired when had_session), whose login
** returns to the page the form was on with the typed fields in the query
** (restore=1), never to the POST-only URL. */
void page_login_expired(struct req *r, int had_session);
const char *http_cookie_value(struct req *r, const char *name);
/* The CSRF token forms carry before login (a double-submit cookie, set now
** when the browser has none). */
const char *http_pre_csrf(struct req *r);

/* ---- answering ---------------------------------------------------------- */
void http_header(struct req *r, const char *name, const char *value);
/* 303 See Other to a local URL (which the caller built with url encoding). */
void http_redirect(struct req *r, const char *url);
/* An error page (or JSON {"error": msg} on the API) with this status. */
void http_error(struct req *r, int status, const char *msg);
/* Set a cookie: HttpOnly, SameSite=Lax, Path=/; max_age < 0 deletes it. */
void http_cookie(struct req *r, const char *name, const char *value, int max_age);
/* A complete response from bytes (copied). */
void http_send(struct req *r, int status, const char *ctype, const void *p, size_t n);

/* ---- streamed answers ---------------------------------------------------- */
/* A download written a batch at a time while it is sent, so that its
** memory is one batch whatever its size (an export of every household).
** The producer embeds this as the first member of its own calloc'd state,
** keeps its keyset position there, and writes rows through w (csvout.h).
**
** next() is called on the thread that sends the answer, with that
** thread's database connection d — not the request's, which may serve
** other requests between two batches — and must finish every statement
** it steps before it returns (it holds nothing open between batches: a
** batch is one keyset page).  It returns 1 when more batches follow, 0
** after the last, -1 on a failure; after the first batch a failure can
** only cut the download short (the status is sent), and the client sees
** an incomplete answer, never a complete-looking wrong one.
**
** done() (may be NULL) frees what the producer holds beside the state;
** the kit then frees w and the state itself.  It runs when the answer is
** sent, when the client goes away mid-stream, or at once when the request
** ends without the answer being queued. */
struct http_stream {
	int (*next)(struct http_stream *s, db *d);
	void (*done)(struct http_stream *s);
	struct csv_out w;
	size_t sent; /* the kit's: bytes of w.b already handed to the client */
	int ended;   /* the kit's: next() said that was the last batch */
};
/* Answer r with status and ctype from s (which it now owns): the first
** batch is written now, on the request's connection, so that a failure
** there is a 500 page; the rest as the client reads. */
void http_send_stream(struct req *r, int status, const char *ctype, struct http_stream *s);

/* ---- access ------------------------------------------------------------ */
struct village; /* village.h */
/* The village named by code if the user may see it (town accounts: any;
** village accounts: only their own), else answers 404 and returns NULL —
** 404, not 403, so that guessing codes tells nothing. */
struct village *req_village_or_404(struct req *r, const char *code);
/* 1 when the request's user has one of the role bits. */
int req_has_role(struct req *r, int roles);

/* Record a security event (等保: logins, failures, lock-outs, permission
** denials, CSRF failures, exports) in the append-only audit log, with the
** request's user (or login_tried when nobody is logged in), address and
** path.  action like "security.denied"; object like "account:NAME";
** village_id 0 for the town.  Best effort: a failure is not the request's. */
void http_security_event(struct req *r, const char *action, const char *object,
			 int64_t village_id, const char *login_tried);

/* ---- URL encoding ------------------------------------------------------- */
/* Percent-encode s for a path segment or query value (arena memory). */
char *url_encode(arena *a, const char *s);
/* Decode %XX and, when plus_is_space, '+' in place; returns length.
** Invalid escapes are kept as they are. */
size_t url_decode(char *s, int plus_is_space);
/* Parse an application/x-www-form-urlencoded body into a list (arena).
** Names and values are text: a NUL or a byte that is not UTF-8 in them
** becomes DEL (0x7f), which every text check refuses, so that no value is
** read cut short at a NUL and no database is handed bytes that are not
** text.  The URL and query arguments are decoded the same way. */
struct param *parse_urlencoded(arena *a, const char *p, size_t n);
/* Parse a multipart/form-data body given the Content-Type header; NULL
** with *err set on a malformed body.  Fields that are not files are text,
** scrubbed as in parse_urlencoded(); files are bytes, as sent. */
struct param *parse_multipart(arena *a, const char *ctype, const char *p, size_t n,
			      const char **err);
/* Replace, in the n bytes of s, every NUL and every byte that is not part
** of valid UTF-8 with DEL (0x7f), which every text check refuses. */
void text_scrub(char *s, size_t n);

#endif
