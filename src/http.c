/*
** http.c — libmicrohttpd glue: the server's life cycle, one struct req per
** request with its arena, routing through the areas' tables, sessions,
** body limits and security headers.  The CSRF tokens are in http_csrf.c,
** the parsers of outside input (urlencoded and multipart bodies, URL
** escapes) in http_parse.c.
**
** libmicrohttpd calls the access handler several times per request.  The
** first call has the headers: it finds the route, loads the session and
** checks the role there, before any byte of a body is read, so that an
** anonymous client cannot make the server hold a body it will refuse.
** A refusal of a request without a body (or with a small one, read and
** dropped) is queued on the last call, since answering on the first makes
** the reply "Connection: close" in 0.9.75 and costs keep-alive; a refusal
** of a large or chunked body is queued at once, with "Connection: close",
** and the body is never read.  Later calls collect the body (within its
** route's limit and the memory budget of all bodies, guard.h); the last
** one, with no more data, checks CSRF and runs the handler.
*/
#include "http.h"
#include "http_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "audit.h"
#include "api.h"
#include "auth.h"
#include "errlog.h"
#include "guard.h"
#include "html.h"
#include "idem.h"
#include "metrics.h"
#include "ratelimit.h"
#include "page.h"
#include "passbook_store.h"
#include "village.h"

/* libmicrohttpd is loaded with dlopen() by `serve`, not linked: linked, it
** and GnuTLS with its libraries (which only it needs) made every command
** start with 2,826 more symbol relocations (Debian links them BIND_NOW) —
** 4.9 M of the 18.8 M instructions of a `jifen balances`, which serves no
** HTTP.  microhttpd.h still declares the functions; the ones this file
** calls are resolved once, by http_serve(), into mhd and called through
** it.  Nothing else here runs before the daemon starts. */
#define MHD_LIBRARY "libmicrohttpd.so.12"
#define MHD_FUNCTIONS(X)                                                                \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer)                   \
	X(MHD_create_response_from_callback)                                            \
	X(MHD_destroy_response) X(MHD_get_connection_info) X(MHD_get_connection_values) \
	X(MHD_get_daemon_info) X(MHD_lookup_connection_value) X(MHD_queue_response)     \
	X(MHD_start_daemon) X(MHD_stop_daemon)

static struct { /* member f: pointer to libmicrohttpd's f */
#define MHD_POINTER(f) __typeof__(f) *(f);
	MHD_FUNCTIONS(MHD_POINTER)
#undef MHD_POINTER
} mhd;

/* Fill mhd; 0, or -1 after saying why on stderr. */
static int mhd_load(void)
{
	void *lib = dlopen(MHD_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr,
			"无法加载 HTTP 服务库 " MHD_LIBRARY "，请安装 Debian 软件包 libmicrohttpd12"
			" (apt-get install libmicrohttpd12): %s\n",
			dlerror());
		return -1;
	}
#define MHD_RESOLVE(f)                                                                  \
	if (!(mhd.f = (__typeof__(mhd.f))dlsym(lib, #f))) {                             \
		fprintf(stderr, "HTTP 服务库 " MHD_LIBRARY " 缺少函数 " #f                \
				" (Debian 软件包 libmicrohttpd12 过旧？)\n");                  \
		return -1;                                                              \
	}
	MHD_FUNCTIONS(MHD_RESOLVE)
#undef MHD_RESOLVE
	return 0;
}

enum {
	BODY_LIMIT = 256 * 1024,          /* forms and JSON */
	UPLOAD_LIMIT = 16 * 1024 * 1024,  /* CSV files and photos */
	CONNECTION_LIMIT = 4000,
	CONNECTION_TIMEOUT = 60,          /* seconds a connection may idle */
	/* per-connection buffer, bounds the request line and headers (nginx:
	** 8 KB a line); libmicrohttpd clears it for every keep-alive request,
	** 64 KB made that a tenth of a passbook page (BENCHMARKS.md) */
	HEADER_MEMORY = 32 * 1024,
	/* a refused body up to this is read and dropped, keeping the
	** connection; a larger one is not read and the connection closes */
	DROP_BODY_LIMIT = 64 * 1024,
	/* after a body this large, give the memory back to the system */
	TRIM_AFTER = 1024 * 1024,
};

/* What http.c keeps of a request beside what handlers see; r first, so
** that a struct req * handed out is one of these. */
struct req_state {
	struct req r;
	const struct route *rt;  /* found on the headers; NULL: answered there */
	int expired;             /* a page's POST without a live session: 1, 2 with a dead cookie */
	struct guard_conn *gc;   /* the connection's guard (NULL: not watched) */
	char *body;              /* malloc'd, NUL-terminated; r.body points here */
	size_t body_len, body_cap;
	size_t reserved;         /* bytes taken from the body memory budget */
	int has_body;            /* the request says a body follows */
	int early;               /* answered on the headers, queue on the last call */
	int dropping;            /* reading the body only to drop it */
	int tls;                 /* came over TLS (a trusted proxy says so) */
	double t0;               /* monotonic seconds at its start, for /metrics */
};

/* Set once before the daemon starts; read-only afterwards. */
static const char *server_db_url;
static int server_read_only; /* the database took no write when serve started */
static pthread_key_t db_key;

static void thread_db_close(void *p)
{
	db_close(p);
}

/* This server thread's connection, opened on first use. */
db *http_thread_db(void)
{
	db *d = pthread_getspecific(db_key);
	if (!d) {
		char err[256];
		if (db_open(server_db_url, &d, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return NULL;
		}
		pthread_setspecific(db_key, d);
	}
	return d;
}

const char *http_request_header(struct req *r, const char *name)
{
	return mhd.MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie_value(struct req *r, const char *name)
{
	/* a page rendered outside a request (the stored passbooks, at commit)
	** has no connection and no cookies */
	return r->conn ? mhd.MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

/* ---- answering ---------------------------------------------------------- */

static void param_push(arena *a, struct param **list, const char *name, const char *value)
{
	struct param *q = arena_alloc(a, sizeof *q);
	q->name = arena_strdup(a, name);
	q->value = arena_strdup(a, value);
	q->next = *list;
	*list = q;
}

void http_header(struct req *r, const char *name, const char *value)
{
	param_push(r->a, &r->headers, name, value);
}

void http_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	/* Secure when the browser reached us over TLS: a cookie sent over https
	** must not go out again over plain http */
	char *v = arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name,
			       max_age < 0 ? "" : value,
			       max_age < 0 ? "; Max-Age=0"
			       : max_age > 0 ? arena_printf(r->a, "; Max-Age=%d", max_age)
					     : "",
			       ((struct req_state *)r)->tls ? "; Secure" : "");
	http_header(r, "Set-Cookie", v);
}

void http_send(struct req *r, int status, const char *ctype, const void *p, size_t n)
{
	http_stream_free(r->stream); /* a handler that changed its mind */
	r->stream = NULL;
	r->out.len = 0;
	buf_append(&r->out, p, n);
	r->status = status;
	r->ctype = ctype;
	r->answered = 1;
}

void http_redirect(struct req *r, const char *url)
{
	http_header(r, "Location", url);
	http_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

void http_error(struct req *r, int status, const char *msg)
{
	http_stream_free(r->stream);
	r->stream = NULL;
	r->out.len = 0;
	r->headers = NULL;
	if ((status == 500 || status == 503) && r->db && db_disk_full(r->db)) {
		/* not the handler's fault, and it passes: say so, and when to retry */
		status = 503;
		msg = "磁盘已满，暂时无法保存。请稍后再试，或请管理员清理服务器的磁盘空间。";
		http_header(r, "Retry-After", "60");
	}
	if (r->is_api) {
		json_begin(r);
		json_obj(r, NULL);
		json_str(r, "error", msg);
		json_end_obj(r);
		json_send(r, status);
		return;
	}
	page_error(r, status, msg);
}

void http_security_event(struct req *r, const char *action, const char *object,
			 int64_t village_id, const char *login_tried)
{
	struct actor who = {0, "", r->ip};
	if (r->user) {
		who.account_id = r->user->role == ROLE_HOUSEHOLD ? 0 : r->user->id;
		who.login = r->user->role == ROLE_HOUSEHOLD
				    ? arena_printf(r->a, "%s/%s", r->user->village_code, r->user->login)
				    : r->user->login;
		if (!village_id)
			village_id = r->user->village_id;
	} else if (login_tried) {
		/* what was typed, bounded (at a character boundary) and clean: it
		** is shown on the audit page */
		who.login = text_is_clean(login_tried, 0) ? utf8_prefix(r->a, login_tried, 64)
							  : "(无效字符)";
	}
	buf after = {0};
	struct json_writer w;
	jw_begin(&w, &after);
	jw_obj(&w, NULL);
	jw_str(&w, "method", r->method);
	/* bounded: a denied request's path may be as long as the header limit */
	jw_str(&w, "path", text_is_clean(r->path, 0) ? utf8_prefix(r->a, r->path, 256) : "(无效字符)");
	jw_end_obj(&w);
	/* anonymous events are aggregated per address and minute; a login
	** that succeeds is recorded whatever else its address sent */
	int anonymous = !r->user && strcmp(action, "security.login") &&
			strcmp(action, "security.household_login");
	audit_security_event(r->db, &who, village_id, action, object ? object : "",
			     buf_cstr(&after), anonymous);
	buf_free(&after);
}

/* 503 with Retry-After: the database cannot be reached (or refused the
** work), so nothing said now about sessions or records would be true. */
static void http_unavailable(struct req *r)
{
	metrics_db_error();
	http_error(r, 503, server_read_only
				   ? "系统暂时不可用（数据库只读，不能保存任何修改），请稍后再试。"
				   : "系统暂时不可用（数据库无法访问），请稍后再试。");
	if (!r->db || !db_disk_full(r->db)) /* http_error() said when to retry a full disk */
		http_header(r, "Retry-After", "30");
}

int req_has_role(struct req *r, int roles)
{
	return r->user && (r->user->role & roles);
}

struct village *req_village_or_404(struct req *r, const char *code)
{
	struct village *v = code ? village_by_code(r->db, r->a, code) : NULL;
	if (!v && db_failed(r->db)) {
		http_unavailable(r);
		return NULL;
	}
	if (v && r->user &&
	    (r->user->role == ROLE_TOWN_ADMIN || r->user->village_id == v->id))
		return v;
	if (v && r->user)
		http_security_event(r, "security.denied", arena_printf(r->a, "village:%s", v->code),
				    0, NULL);
	http_error(r, 404, "找不到这个村。");
	return NULL;
}

/* ---- dispatch ----------------------------------------------------------- */

/* The checks that need only the headers: route, session, password change
** and role.  0 to go on (rs->rt set), 1 when r is answered. */
static int admit(struct req_state *rs)
{
	struct req *r = &rs->r;
	int path_known;
	const struct route *rt = route_find(r, &path_known);
	if (!rt) {
		if (path_known) {
			http_error(r, 405, "不支持这种请求方式。");
			return 1;
		}
		http_error(r, 404, "找不到这个页面。");
		return 1;
	}
	const char *sid = mhd.MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (sid && !(rt->flags & ROUTE_PUBLIC && !strncmp(r->path, "/static/", 8)))
		r->user = session_load(r->db, r->a, sid);
	if (db_failed(r->db)) {
		/* the session may well be valid: do not say "logged out" */
		http_unavailable(r);
		return 1;
	}
	if (!(rt->flags & ROUTE_PUBLIC)) {
		if (!r->user) {
			if (r->is_api) {
				http_error(r, 401, "请先登录。");
				return 1;
			}
			if (!strcmp(r->method, "POST") && sid) {
				/* a form sent after the session expired (a cookie of a
				** dead session): read its body, then page_login_expired()
				** keeps what was typed.  Without a cookie the POST is
				** refused on its headers, its body never read. */
				rs->expired = 2;
				rs->rt = rt;
				return 0;
			}
			http_redirect(r, arena_printf(r->a, "/login?next=%s",
						      url_encode(r->a, r->path)));
			return 1;
		}
		/* a password set by someone else must be changed before anything else */
		if (r->user->must_change_password && strcmp(r->path, "/account/password") &&
		    strcmp(r->path, "/logout")) {
			if (r->is_api)
				http_error(r, 403, "请先修改初始密码。");
			else
				http_redirect(r, "/account/password");
			return 1;
		}
		if (!(r->user->role & rt->roles)) {
			http_security_event(r, "security.denied", NULL, 0, NULL);
			http_error(r, 403, "您的账号没有权限进行这个操作。");
			return 1;
		}
	}
	rs->rt = rt;
	return 0;
}

/* The rest, once the body is here: CSRF, idempotent replays, the handler.
** A database failure turns any refusal or error into 503. */
static void dispatch(struct req_state *rs)
{
	struct req *r = &rs->r;
	const struct route *rt = rs->rt;
	if (rs->expired) { /* no handler runs without a session */
		page_login_expired(r, rs->expired == 2);
		return;
	}
	if (!strcmp(r->method, "POST") && !(rt->flags & ROUTE_NO_CSRF) && !csrf_ok(r)) {
		http_security_event(r, "security.csrf", NULL, 0, NULL);
		http_error(r, 403, "页面已过期或来源不明（CSRF 校验失败），请返回重新提交。");
		return;
	}
	int refused;
	struct idem *k = idem_key(r, &refused);
	if (refused)
		return;
	if (k) {
		int rc = idem_replay(r, k);
		if (rc) {
			if (rc < 0)
				http_error(r, 500, "读取请求记录时出错。");
			if (db_failed(r->db))
				http_unavailable(r);
			return;
		}
		db_on_commit(r->db, idem_record, k);
	}
	rt->fn(r);
	if (!r->answered)
		http_error(r, 500, "服务器没有给出应答。");
	if (k) {
		if (db_commit_hook_ran(r->db))
			idem_store(r, k);
		db_on_commit(r->db, NULL, NULL);
	}
	/* "not found", "not logged in" or a 500 after a failed statement may
	** be false: what is true is that the database did not answer */
	if (db_failed(r->db) && r->status >= 400 && r->status != 413 && r->status != 429)
		http_unavailable(r);
}

/* ---- libmicrohttpd callbacks ------------------------------------------- */

/* The stop (SIGTERM): draining refuses new connections and closes each
** kept-alive one after its answer; serve waits until no request is in
** flight (between its first header and the end of its answer) or
** DRAIN_SECONDS passed, then stops the daemon.  Not MHD_quiesce_daemon():
** in libmicrohttpd 0.9.75 it races a pool thread taking the listening
** socket out of its epoll set (both remove it; the loser's epoll_ctl()
** fails with ENOENT and MHD_PANIC aborts the process: "Failed to remove
** listen FD from epoll set", seen at the stop of t_outage test_110). */
enum { DRAIN_SECONDS = 10 };
static int draining, in_flight; /* atomic */

static void add_security_headers(struct MHD_Response *resp)
{
	mhd.MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; "
				"script-src 'self'; object-src 'none'; base-uri 'none'; "
				"form-action 'self'; frame-ancestors 'none'");
	mhd.MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	mhd.MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	mhd.MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

static enum MHD_Result queue_reply(struct MHD_Connection *conn, struct req *r)
{
	struct MHD_Response *resp;
	if (r->stream) {
		/* the response owns the stream now, and frees it when it is sent
		** or the client went away (MHD calls http_stream_free then) */
		resp = mhd.MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, CSV_CHUNK,
							     http_stream_read, r->stream,
							     http_stream_free);
		if (!resp)
			http_stream_free(r->stream);
		r->stream = NULL;
	} else {
		resp = mhd.MHD_create_response_from_buffer(
			r->out.len, r->out.p ? r->out.p : (void *)"",
			r->out.p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		r->out.p = NULL; /* the response owns it now */
		r->out.len = r->out.cap = 0;
	}
	if (!resp)
		return MHD_NO;
	add_security_headers(resp);
	mhd.MHD_add_response_header(resp, "Content-Type",
				r->ctype ? r->ctype : "text/html; charset=utf-8");
	int has_cache = 0;
	for (struct param *h = r->headers; h; h = h->next) {
		mhd.MHD_add_response_header(resp, h->name, h->value);
		has_cache |= !strcasecmp(h->name, "Cache-Control");
	}
	if (__atomic_load_n(&draining, __ATOMIC_ACQUIRE))
		mhd.MHD_add_response_header(resp, "Connection", "close");
	if (!has_cache)
		mhd.MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = mhd.MHD_queue_response(conn, (unsigned)r->status, resp);
	mhd.MHD_destroy_response(resp);
	return ret;
}

/* Free the body and give its share of the budget back; after a large one,
** give the freed memory back to the system too (glibc keeps it otherwise:
** 300 uploads left 6.5 GB resident after they ended). */
static void body_free(struct req_state *rs)
{
	size_t cap = rs->body_cap;
	free(rs->body);
	rs->body = NULL;
	rs->body_len = rs->body_cap = 0;
	guard_body_release(rs->reserved);
	rs->reserved = 0;
	if (cap >= TRIM_AFTER)
		malloc_trim(0);
}

static void req_free(struct req_state *rs)
{
	if (!rs)
		return;
	if (rs->r.db)
		db_release(rs->r.db);
	http_stream_free(rs->r.stream); /* an answer never queued */
	buf_free(&rs->r.out);
	arena_free(rs->r.a);
	body_free(rs);
	free(rs);
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct req_state *rs = *con_cls;
	if (rs) {
		__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELEASE);
		guard_conn_phase(rs->gc, GUARD_HEADER); /* the next request's clock */
		enum metrics_class mc = metrics_class_of(rs->r.path);
		metrics_request(mc, rs->r.status, monotonic_seconds() - rs->t0);
		if (rs->r.status >= 500)
			errlog_request(rs->r.status, rs->r.method, rs->rt ? rs->rt->pattern : NULL,
				       metrics_class_name(mc),
				       rs->r.db && db_failed(rs->r.db) ? db_errmsg(rs->r.db) : NULL);
	}
	req_free(rs);
	*con_cls = NULL;
}

/* libmicrohttpd's connection notices: a guard for each connection, so
** that its address is counted and its deadlines watched. */
static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const union MHD_ConnectionInfo *fi =
			mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = guard_conn_open(ci ? ci->client_addr : NULL,
						  fi ? (int)fi->connect_fd : -1);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		guard_conn_close(*socket_context);
		*socket_context = NULL;
	}
}

/* Accept a connection only while serve is not draining and its address
** holds fewer than its cap. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	(void)cls;
	(void)len;
	if (__atomic_load_n(&draining, __ATOMIC_ACQUIRE))
		return MHD_NO;
	return guard_accept(addr) ? MHD_YES : MHD_NO;
}

/* SIGTERM's drain (see draining): 1 when requests were still in flight at
** the deadline. */
static int drain(void)
{
	__atomic_store_n(&draining, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < DRAIN_SECONDS * 100; i++) {
		if (!__atomic_load_n(&in_flight, __ATOMIC_ACQUIRE))
			return 0;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 1;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct req *r = cls;
	if (key && r)
		param_push(r->a, &r->query, key, value ? value : "");
	return MHD_YES;
}

/* The last value of header name, NULL when none (a proxy appends its own
** X-Forwarded-For header or item after what the client sent). */
struct last_header {
	const char *name, *value;
};

static enum MHD_Result find_last_header(void *cls, enum MHD_ValueKind kind, const char *key,
					const char *value)
{
	(void)kind;
	struct last_header *h = cls;
	if (key && !strcasecmp(key, h->name))
		h->value = value;
	return MHD_YES;
}

static const char *last_header(struct MHD_Connection *conn, const char *name)
{
	struct last_header h = {name, NULL};
	mhd.MHD_get_connection_values(conn, MHD_HEADER_KIND, find_last_header, &h);
	return h.value;
}

/* The client's address, text (arena): the socket peer, or behind a
** trusted proxy the client it names (guard_client_address); sets rs->tls
** when such a proxy says the client came over https.  *forwarded: 1 when
** the address came from X-Forwarded-For, with its key in *key. */
static const char *client_ip(struct req_state *rs, struct MHD_Connection *conn,
			     struct guard_addr *key, int *forwarded)
{
	const union MHD_ConnectionInfo *ci =
		mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *peer = ci ? ci->client_addr : NULL;
	char text[INET6_ADDRSTRLEN];
	const char *xff = NULL;
	*forwarded = 0;
	if (peer && guard_peer_trusted(peer)) {
		xff = last_header(conn, "X-Forwarded-For");
		const char *proto = last_header(conn, "X-Forwarded-Proto");
		if (proto) {
			const char *comma = strrchr(proto, ',');
			proto = comma ? comma + 1 : proto;
			while (*proto == ' ')
				proto++;
			rs->tls = !strncasecmp(proto, "https", 5) && (!proto[5] || proto[5] == ' ');
		}
	}
	*forwarded = guard_client_address(peer, xff, key, text);
	char key_text[INET6_ADDRSTRLEN];
	guard_addr_text(key, key_text);
	rs->r.ip_key = arena_strdup(rs->r.a, key_text);
	return arena_strdup(rs->r.a, text);
}

/* libmicrohttpd's unescaping of the URL and of query arguments ('+' is
** already a space in these): url_decode's, then text_scrub's, so that %00
** cannot end the path early ("/households/1%00x" is not household 1). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	size_t n = url_decode(s, 0);
	text_scrub(s, n);
	return n;
}

/* How a request says where its body ends. */
struct framing {
	int content_length, transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	(void)value;
	struct framing *f = cls;
	if (key && !strcasecmp(key, "Content-Length"))
		f->content_length++;
	else if (key && !strcasecmp(key, "Transfer-Encoding"))
		f->transfer_encoding++;
	return MHD_YES;
}

/* 1 when the request's length is ambiguous: Content-Length twice, or with
** Transfer-Encoding.  A proxy in front could read it one way and this
** server another (request smuggling); RFC 9112 6.3 says refuse it. */
static int framing_ambiguous(struct MHD_Connection *conn)
{
	struct framing f = {0, 0};
	mhd.MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	return f.content_length > 1 || (f.content_length && f.transfer_encoding);
}

/* The body limit of the route this request is going to. */
static size_t body_limit(const struct req_state *rs)
{
	return rs->rt && (rs->rt->flags & ROUTE_UPLOAD) ? UPLOAD_LIMIT : BODY_LIMIT;
}

/* Whether a body follows the headers, and its declared length (-1 when
** chunked or not a number). */
static int request_body(struct MHD_Connection *conn, long long *length)
{
	const char *cl = mhd.MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	const char *te = mhd.MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
	*length = -1;
	if (cl) {
		char *end;
		errno = 0;
		long long n = strtoll(cl, &end, 10);
		if (!errno && end != cl && !*end && n >= 0)
			*length = n;
	}
	return te || *length != 0;
}

/* Queue r's answer now, on the headers, and close the connection after
** it: libmicrohttpd reads no more of the body. */
static enum MHD_Result queue_refusal(struct MHD_Connection *conn, struct req_state *rs)
{
	http_header(&rs->r, "Connection", "close");
	return queue_reply(conn, &rs->r);
}

/* Grow the body buffer to hold n more bytes (and a NUL), within the
** memory budget: 0, or -1 when the budget is spent. */
static int body_room(struct req_state *rs, size_t n)
{
	size_t need = rs->body_len + n + 1;
	if (need <= rs->body_cap)
		return 0;
	size_t cap = rs->body_cap ? rs->body_cap : 4096;
	while (cap < need)
		cap *= 2;
	if (cap > body_limit(rs) + 1)
		cap = body_limit(rs) + 1;
	if (cap > rs->reserved) {
		if (guard_body_reserve(cap - rs->reserved))
			return -1;
		rs->reserved = cap;
	}
	char *p = realloc(rs->body, cap);
	if (!p)
		return -1;
	rs->body = p;
	rs->body_cap = cap;
	return 0;
}

/* The body budget is spent: 503 with Retry-After. */
static void body_busy(struct req *r)
{
	http_error(r, 503, "服务器正在接收很多上传，请稍后再试。");
	http_header(r, "Retry-After", "10");
}

/* The work of the first call, on the headers: the client's address (and
** its connection cap behind a proxy), the database, admit(), and the body
** limits by Content-Length.  0 to read on, 1 when r is answered. */
static int request_begin(struct req_state *rs, struct MHD_Connection *conn)
{
	struct req *r = &rs->r;
	struct guard_addr key;
	int forwarded;
	r->ip = client_ip(rs, conn, &key, &forwarded);
	if (forwarded && guard_conn_attribute(rs->gc, &key)) {
		http_error(r, 503, "来自这个地址的连接太多，请稍后再试。");
		http_header(r, "Retry-After", "10");
		return 1;
	}
	unsigned wait = ratelimit_take(&key);
	if (wait) {
		http_error(r, 429, "来自这个地址的请求太多，请稍后再试。");
		http_header(r, "Retry-After", arena_printf(r->a, "%u", wait));
		return 1;
	}
	r->content_type = mhd.MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	mhd.MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, r);
	r->db = http_thread_db();
	if (!r->db) {
		http_unavailable(r);
		return 1;
	}
	if (admit(rs))
		return 1;
	long long length;
	if (!rs->has_body || (request_body(conn, &length), length < 0))
		return 0;
	if ((unsigned long long)length > body_limit(rs)) {
		http_error(r, 413, "提交的内容太大。");
		return 1;
	}
	/* take the declared length from the budget now, so that many slow
	** uploads are refused at their start rather than half-way */
	if (body_room(rs, (size_t)length)) {
		body_busy(r);
		return 1;
	}
	return 0;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version,
				      const char *upload_data, size_t *upload_data_size,
				      void **con_cls)
{
	(void)cls;
	(void)version;
	struct req_state *rs = *con_cls;
	struct req *r = rs ? &rs->r : NULL;
	if (!rs) {
		rs = calloc(1, sizeof *rs);
		if (!rs)
			return MHD_NO;
		r = &rs->r;
		r->a = arena_new();
		r->conn = conn;
		r->method = arena_strdup(r->a, method);
		r->path = arena_strdup(r->a, url);
		r->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/healthz");
		r->status = 200;
		rs->t0 = monotonic_seconds();
		*con_cls = rs;
		__atomic_add_fetch(&in_flight, 1, __ATOMIC_RELEASE);
		const union MHD_ConnectionInfo *si =
			mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		rs->gc = si ? si->socket_context : NULL;
		long long length;
		rs->has_body = request_body(conn, &length);
		guard_conn_phase(rs->gc, rs->has_body ? GUARD_BODY : GUARD_BUSY);
		if (framing_ambiguous(conn)) {
			http_error(r, 400, "请求的长度不明确（Content-Length 重复，或与 Transfer-Encoding "
					   "同时出现），已拒绝。");
			return queue_reply(conn, r);
		}
		if (!request_begin(rs, conn))
			return MHD_YES;
		/* refused on the headers; a 413 by Content-Length is read and
		** dropped (a client that sends its whole body before it reads
		** gets its answer), like a small body; anything else large is
		** not read at all */
		if (!rs->has_body ||
		    ((r->status == 413 || (length >= 0 && length <= DROP_BODY_LIMIT)) &&
		     r->status != 503)) {
			rs->early = 1;
			rs->dropping = rs->has_body;
			return MHD_YES;
		}
		return queue_refusal(conn, rs);
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		guard_conn_body(rs->gc, n);
		if (rs->dropping)
			return MHD_YES;
		if (rs->body_len + n > body_limit(rs)) {
			/* chunked, or longer than it said: drop the rest, answer at the end */
			body_free(rs);
			http_error(r, 413, "提交的内容太大。");
			rs->early = rs->dropping = 1;
			return MHD_YES;
		}
		if (body_room(rs, n)) {
			body_free(rs);
			body_busy(r);
			return queue_refusal(conn, rs);
		}
		memcpy(rs->body + rs->body_len, upload_data, n);
		rs->body_len += n;
		return MHD_YES;
	}

	/* the whole request is here */
	guard_conn_phase(rs->gc, GUARD_BUSY);
	if (rs->early)
		return queue_reply(conn, r);
	if (rs->body) {
		rs->body[rs->body_len] = 0;
		r->body = rs->body;
		r->body_len = rs->body_len;
	} else
		r->body = "";
	if (!strcmp(r->method, "POST") && r->content_type) {
		if (!strncasecmp(r->content_type, "application/x-www-form-urlencoded", 33))
			r->form = parse_urlencoded(r->a, r->body, r->body_len);
		else if (!strncasecmp(r->content_type, "multipart/form-data", 19)) {
			const char *err;
			r->form = parse_multipart(r->a, r->content_type, r->body, r->body_len, &err);
			if (err) {
				http_error(r, 400, err);
				return queue_reply(conn, r);
			}
		}
	}
	dispatch(rs);
	return queue_reply(conn, r);
}

int http_serve(const struct server_config *cfg)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (http_parse_listen(cfg->listen, &ss, &sslen)) {
		fprintf(stderr, "监听地址无效: %s（应为 主机:端口）\n", cfg->listen);
		return 2;
	}
	if (mhd_load())
		return 3;
	/* SIGTERM/SIGINT are taken by sigwait() below; block them before any
	** thread starts (guard.c's too), so that every thread inherits the
	** mask — a thread started earlier could take a SIGTERM and die of it. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	server_db_url = cfg->db_url;
	pthread_key_create(&db_key, thread_db_close);

	/* A database that does not open is a start-up failure, not a 503 later. */
	db *probe = http_thread_db();
	if (!probe)
		return 3;
	struct security_policy pol;
	unsigned char key[32];
	if (policy_load(probe, &pol) || server_secret(probe, key)) {
		fprintf(stderr, "无法读取安全设置: %s\n", db_errmsg(probe));
		return 3;
	}
	csrf_key_set(key);
	sodium_memzero(key, sizeof key);
	server_read_only = db_writable(probe) == 0;
	if (server_read_only)
		fprintf(stderr, "警告: 数据库 %s 不可写（只读文件或只读的数据库），"
				"所有修改（登录、评分、审定）都会失败。\n",
			cfg->db_url);
	struct guard_config guard = {
		.per_address = (unsigned)pol.connections_per_address,
		.body_memory = (size_t)pol.body_memory_mb * 1024 * 1024,
		.header_seconds = (unsigned)pol.request_header_seconds,
		.body_min_rate = (unsigned)pol.body_min_bytes_per_second,
		.trusted_proxies = pol.trusted_proxies,
	};
	char err[256];
	if (guard_start(&guard, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	ratelimit_start((unsigned)pol.requests_per_minute_per_address);
	/* the passbooks bulk writes leave are rendered after their commits on a
	** thread of their own (passbook_store.h) */
	if (!server_read_only && passbook_store_worker_start(cfg->db_url))
		fprintf(stderr, "警告: 积分存折的后台渲染没有启动，批量写入后的存折临时现算。\n");

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}


	unsigned threads = cfg->threads ? cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	struct MHD_Daemon *daemon = mhd.MHD_start_daemon(
		/* ITC: how MHD_stop_daemon() wakes the pool's threads at the
		** stop (drain() above waits for the answers in flight first) */
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, accept_policy, NULL, access_handler, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_NOTIFY_CONNECTION, connection_notify, NULL,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)CONNECTION_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)HEADER_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
		/* no MHD_OPTION_LISTENING_ADDRESS_REUSE: it sets SO_REUSEPORT, and
		** a second serve on the same address then started and silently
		** took half the requests into its own database; without it MHD
		** sets only SO_REUSEADDR (a restart is not held up by TIME_WAIT)
		** and the second bind fails with EADDRINUSE */
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!daemon) {
		if (errno == EADDRINUSE)
			fprintf(stderr, "无法在 %s 上监听: 这个地址已被占用（可能已有一个 jifen serve "
					"在运行）。请先停止它，或用 --listen 换一个端口。\n",
				cfg->listen);
		else
			fprintf(stderr, "无法在 %s 上监听: %s\n", cfg->listen, strerror(errno));
		guard_stop();
		return 3;
	}
	const union MHD_DaemonInfo *di = mhd.MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? (unsigned)di->port : 0;
	printf("jifen 已启动: http://%s (数据库 %s, %u 个线程)\n", cfg->listen, db_backend(probe),
	       threads);
	/* the port the system chose, for tests that listen on port 0; a fixed
	** port is in the line above already */
	int ephemeral = ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port == 0
						 : ((struct sockaddr_in *)&ss)->sin_port == 0;
	if (port && ephemeral)
		printf("port %u\n", port);
	fflush(stdout);

	int sig = 0;
	sigwait(&sigs, &sig);
	if (drain())
		fprintf(stderr, "jifen: %d 个请求在 %d 秒内没有完成，停止时中断。\n",
			__atomic_load_n(&in_flight, __ATOMIC_ACQUIRE), (int)DRAIN_SECONDS);
	mhd.MHD_stop_daemon(daemon);
	passbook_store_worker_stop();
	guard_stop();
	printf("jifen 已停止。\n");
	return 0;
}
