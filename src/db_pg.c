/*
** db_pg.c — the PostgreSQL backend of db.h over libpq.
**
** The SQL jifen writes uses named placeholders ("$code"); PostgreSQL only
** knows positional ones, so prepare() rewrites each distinct name to $1..$n
** and keeps the name→number table in the statement.  Statements are
** prepared on the server once per connection (PQprepare, names "s1", "s2"…)
** and run with PQexecPrepared in text format: every bound value travels as
** text (integers as decimal) and every column comes back as text, which
** db_column_int() parses — so SUM(BIGINT), which PostgreSQL types NUMERIC,
** reads like any integer.
**
** A lost connection (server restart, idle timeout) is reset once with
** PQreset; statements prepared on the old session are re-prepared lazily,
** tracked by a per-connection generation counter.  Inside a transaction
** nothing is retried: the transaction is gone and the caller must see it.
**
** libpq is not linked but loaded on first use, see pq_load(); apart from
** that table of its functions, filled once, there is no static mutable
** state here, and a connection belongs to one thread.
*/
#include "db_int.h"
#include "metrics.h"
#include "pgtools.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libpq is loaded with dlopen() when the first postgresql:// URL is opened,
** not linked: linked, it and the libraries only it needs (libssl, Kerberos,
** GSSAPI, LDAP, SASL) made every process start with 2,049 more symbol
** relocations (Debian links them BIND_NOW) — 3.4 M of the 22 M instructions
** of a `jifen balances` on SQLite, which never uses them.  libpq-fe.h still
** declares the functions; the ones this file calls are resolved once into
** pq and called through it. */
#define PQ_LIBRARY "libpq.so.5"
#define PQ_FUNCTIONS(X)                                                                 \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) X(PQconninfo)     \
	X(PQconninfoFree)                                                               \
	X(PQdescribePrepared) X(PQerrorMessage) X(PQexec) X(PQexecPrepared)             \
	X(PQfinish) X(PQfname) X(PQftype) X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) \
	X(PQnfields) X(PQntuples) X(PQprepare) X(PQputCopyData) X(PQputCopyEnd)         \
	X(PQreset) X(PQresultErrorField) X(PQresultStatus) X(PQsetNoticeProcessor)      \
	X(PQstatus)

static struct { /* member f: pointer to libpq's f, (f) to please clang-tidy */
#define PQ_POINTER(f) __typeof__(f) *(f);
	PQ_FUNCTIONS(PQ_POINTER)
#undef PQ_POINTER
} pq;
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_error[400]; /* why pq_load() failed; "" when pq is usable */

/* pq_load: dlopen libpq and fill pq, once per process (pthread_once; the
** server's threads may open their first connections at the same time).
** On failure pq_error says why in a message for the user; the library
** stays loaded for the life of the process either way. */
static void pq_load(void)
{
	void *lib = dlopen(PQ_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(pq_error, sizeof pq_error,
			 "无法加载 PostgreSQL 客户端库 " PQ_LIBRARY
			 "，请安装 Debian 软件包 libpq5 (apt-get install libpq5): %s",
			 dlerror());
		return;
	}
#define PQ_RESOLVE(f)                                                                   \
	if (!(pq.f = (__typeof__(pq.f))dlsym(lib, #f))) {                               \
		snprintf(pq_error, sizeof pq_error,                                     \
			 "PostgreSQL 客户端库 " PQ_LIBRARY " 缺少函数 " #f              \
			 " (Debian 软件包 libpq5 过旧？)");                             \
		return;                                                                 \
	}
	PQ_FUNCTIONS(PQ_RESOLVE)
#undef PQ_RESOLVE
}

/* Per-connection state, d->backend. */
struct pg_conn {
	unsigned generation;     /* bumped by every successful PQreset */
	unsigned next_stmt;      /* source of unique server statement names */
	struct pg_stmt *stmts;   /* every live statement (for release) */
	char *url;               /* as given to open, for the backup hint */
};

struct pg_stmt {
	struct db_stmt base;
	struct pg_stmt *prev, *next;
	char name[24];           /* server-side prepared statement name */
	char *text;              /* SQL with $name rewritten to $1..$n */
	int nparam;
	char **param_names;      /* without the '$' */
	char **values;           /* text or NULL (SQL NULL); malloc'd */
	unsigned generation;     /* connection generation it is prepared in */
	int ncols;               /* from PQdescribePrepared, -1 unknown */
	int read_only;           /* starts with SELECT: safe to re-run */
	PGresult *res;           /* the current execution's rows, or NULL */
	int row;                 /* current row of res, -1 before the first */
	buf blob;                /* the last column_blob's bytes */
};

#define CONN(d) ((PGconn *)(d)->conn)
#define PGC(d) ((struct pg_conn *)(d)->backend)
#define PS(s) ((struct pg_stmt *)(s))

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		abort();
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static int is_ident_char(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Set the db error to prefix + msg on one line: libpq's own messages span
** lines ("…\n\tThis probably means…\n"), and db_errmsg() is printed inline
** in logs and pages. */
static void set_pg_error(db *d, const char *prefix, const char *msg)
{
	char line[sizeof d->err];
	size_t n = 0;
	if (!msg || !*msg)
		msg = "未知错误";
	for (const char *p = msg; *p && n < sizeof line - 1; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r') {
			if (n && line[n - 1] != ' ')
				line[n++] = ' ';
		} else
			line[n++] = *p;
	}
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = 0;
	db_set_error(d, "%s%s", prefix, line);
}

/* Classify a failed result: DB_CONSTRAINT for SQLSTATE class 23 (unique,
** foreign key, check, not null, and the append-only triggers, which raise
** 23000), DB_ERROR otherwise; the primary message goes to the db error. */
static int result_error(db *d, const PGresult *res)
{
	const char *state = res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = pq.PQerrorMessage(CONN(d));
	set_pg_error(d, "", msg);
	if (state && !strcmp(state, "53100")) /* disk_full */
		db_set_disk_full(d, d->err);
	return state && !strncmp(state, "23", 2) ? DB_CONSTRAINT : DB_ERROR;
}

/* Remember the row count of an INSERT/UPDATE/DELETE (also with RETURNING)
** for db_changes().  Other commands leave it alone, as on SQLite, where a
** SELECT or CREATE does not change sqlite3_changes(). */
static void record_changes(db *d, PGresult *r)
{
	const char *tag = pq.PQcmdStatus(r);
	const char *n = pq.PQcmdTuples(r);
	if (*n && strncmp(tag, "SELECT", 6) != 0)
		d->changes = strtoll(n, NULL, 10);
}

/* The URL with any password replaced by "***", for error messages that may
** end up in logs.  Writes into out (always NUL-terminated). */
static void url_redacted(const char *url, char *out, size_t outlen)
{
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = NULL;
	if (at)
		for (const char *p = scheme + 3; p < at; p++)
			if (*p == ':') {
				colon = p;
				break;
			}
	if (colon)
		snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, outlen, "%s", url);
}

/* The triggers of table t (a plain identifier) that refuse the row events
** events ("UPDATE OR DELETE") as trigger t_name, and TRUNCATE as
** t_no_truncate, both by calling fn, created or replaced here as the one
** function shared by every such table: it raises "<table> message".  The
** errcode is class 23 so db_step() reports DB_CONSTRAINT like SQLite's
** RAISE(ABORT) in a trigger. */
static void pg_refuse(buf *b, const char *t, const char *name, const char *events,
		      const char *fn, const char *message)
{
	buf_printf(b,
		   "CREATE OR REPLACE FUNCTION %s() RETURNS trigger "
		   "LANGUAGE plpgsql AS $$BEGIN "
		   "RAISE EXCEPTION '%% %s', TG_TABLE_NAME "
		   "USING ERRCODE = 'integrity_constraint_violation'; "
		   "END$$;\n",
		   fn, message);
	buf_printf(b,
		   "CREATE TRIGGER %s_%s BEFORE %s ON %s "
		   "FOR EACH ROW EXECUTE FUNCTION %s();\n"
		   "CREATE TRIGGER %s_no_truncate BEFORE TRUNCATE ON %s "
		   "FOR EACH STATEMENT EXECUTE FUNCTION %s();\n",
		   t, name, events, t, fn, t, t, fn);
}

static void pg_append_only(buf *b, const char *t)
{
	/* The table name comes from our own migration files; refuse anything
	** that is not a plain identifier rather than splice it into SQL. */
	int ok = *t != 0;
	for (const char *p = t; *p; p++)
		if (!is_ident_char(*p))
			ok = 0;
	if (!ok) {
		buf_puts(b, "DO $$BEGIN RAISE EXCEPTION '--@append_only: invalid table name'; END$$;\n");
		return;
	}
	pg_refuse(b, t, "no_update_delete", "UPDATE OR DELETE", "jifen_append_only",
		  "is append-only");
}

/* Like pg_append_only for DELETE (and TRUNCATE, which would empty the table
** without a DELETE trigger firing) only; t is checked by db.c. */
static void pg_no_delete(buf *b, const char *t)
{
	pg_refuse(b, t, "no_delete", "DELETE", "jifen_no_delete", "rows are never deleted");
}

/* Server notices ("relation already exists, skipping") would go to stderr
** by default; the server and CLI decide themselves what to print. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* open: connect to url (a postgresql:// URI, passed to libpq as dbname so
** every URI parameter works) with client_encoding UTF8 added as a separate
** keyword, so that PQreset reconnects with it too.  Returns 0 or -1 with
** the error set; db.c calls close() on failure. */
static int pg_open(db *d, const char *url)
{
	pthread_once(&pq_once, pq_load);
	if (pq_error[0]) {
		db_set_error(d, "%s", pq_error);
		return -1;
	}
	struct pg_conn *pc = calloc(1, sizeof *pc);
	if (!pc)
		abort();
	d->backend = pc;
	pc->url = xstrndup(url, strlen(url));
	const char *keys[] = {"dbname", "client_encoding", "fallback_application_name", NULL};
	const char *vals[] = {url, "UTF8", "jifen", NULL};
	PGconn *c = pq.PQconnectdbParams(keys, vals, 1);
	d->conn = c;
	if (!c || pq.PQstatus(c) != CONNECTION_OK) {
		char shown[256];
		url_redacted(url, shown, sizeof shown);
		char prefix[300];
		snprintf(prefix, sizeof prefix, "无法连接数据库 %s: ", shown);
		set_pg_error(d, prefix, c ? pq.PQerrorMessage(c) : "内存不足");
		return -1;
	}
	pq.PQsetNoticeProcessor(c, ignore_notice, NULL);
	return 0;
}

static void pg_close(db *d)
{
	struct pg_conn *pc = PGC(d);
	if (d->conn)
		pq.PQfinish(CONN(d));
	d->conn = NULL;
	if (pc)
		free(pc->url);
	free(pc);
	d->backend = NULL;
}

/* ensure_connection: make sure the connection is usable before sending
** anything.  A connection libpq already knows to be broken is reset once
** when no transaction is open (its statements then re-prepare lazily);
** inside a transaction the work done so far is lost, so it is an error.
** Returns 0 or -1 with the db error set. */
static int ensure_connection(db *d)
{
	if (pq.PQstatus(CONN(d)) == CONNECTION_OK)
		return 0;
	if (d->in_tx) {
		set_pg_error(d, "数据库连接已中断，事务已丢失: ", pq.PQerrorMessage(CONN(d)));
		return -1;
	}
	pq.PQreset(CONN(d));
	if (pq.PQstatus(CONN(d)) != CONNECTION_OK) {
		set_pg_error(d, "无法重新连接数据库: ", pq.PQerrorMessage(CONN(d)));
		return -1;
	}
	PGC(d)->generation++;
	metrics_db_reconnect();
	return 0;
}

/* rewrite_placeholders: copy sql into out with every "$name" (identifier
** characters after '$', not preceded by one) replaced by "$k", the same k
** for the same name, numbering by first appearance.  Single-quoted
** literals, double-quoted identifiers and comments are copied untouched,
** so '$x' in a string is not a parameter — as on SQLite.  The names are
** appended to s->param_names (malloc'd). */
static void rewrite_placeholders(struct pg_stmt *s, const char *sql, buf *out)
{
	const char *p = sql;
	int cap = 0;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			/* '' and "" escapes are two adjacent literals: still correct */
			const char *e = strchr(p + 1, *p);
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
			buf_append(out, p, n);
			p += n;
		} else if (p[0] == '-' && p[1] == '-') {
			size_t n = strcspn(p, "\n");
			buf_append(out, p, n);
			p += n;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			size_t n = e ? (size_t)(e - p) + 2 : strlen(p);
			buf_append(out, p, n);
			p += n;
		} else if (*p == '$' && is_ident_char(p[1]) && (p == sql || !is_ident_char(p[-1]))) {
			const char *name = p + 1;
			size_t n = 0;
			while (is_ident_char(name[n]))
				n++;
			int k = 0;
			for (int i = 0; i < s->nparam && !k; i++)
				if (strlen(s->param_names[i]) == n && !memcmp(s->param_names[i], name, n))
					k = i + 1;
			if (!k) {
				if (s->nparam == cap) {
					cap = cap ? cap * 2 : 8;
					s->param_names = realloc(s->param_names,
							  (size_t)cap * sizeof *s->param_names);
					if (!s->param_names)
						abort();
				}
				s->param_names[s->nparam++] = xstrndup(name, n);
				k = s->nparam;
			}
			buf_printf(out, "$%d", k);
			p = name + n;
		} else {
			buf_append(out, p, 1);
			p++;
		}
	}
}

/* server_prepare: prepare s on the server in the connection's current
** generation.  Preparing has no effect on data, so when the connection
** turns out to be lost (outside a transaction) it is reset and the prepare
** tried once more.  Returns 0 or -1 with the db error set. */
static int server_prepare(db *d, struct pg_stmt *s, const char *sql)
{
	int rc = -1;
	PGresult *r = NULL;
	for (int attempt = 0;; attempt++) {
		if (ensure_connection(d))
			goto out;
		r = pq.PQprepare(CONN(d), s->name, s->text, 0, NULL);
		if (pq.PQresultStatus(r) == PGRES_COMMAND_OK)
			break;
		if (pq.PQstatus(CONN(d)) != CONNECTION_BAD || d->in_tx || attempt > 0) {
			result_error(d, r);
			char msg[sizeof d->err];
			memcpy(msg, d->err, sizeof msg);
			db_set_error(d, "SQL 错误: %.300s (%.150s)", msg, sql);
			goto out;
		}
		pq.PQclear(r);
		r = NULL;
	}
	s->generation = PGC(d)->generation;
	rc = 0;
out:
	pq.PQclear(r);
	return rc;
}

static void stmt_free(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparam; i++) {
		free(s->param_names[i]);
		if (s->values)
			free(s->values[i]);
	}
	free(s->param_names);
	free(s->values);
	free(s->text);
	pq.PQclear(s->res);
	buf_free(&s->blob);
	free(s);
}

/* prepare: rewrite the placeholders and prepare on the server right away,
** so a syntax error shows at db_prepare() as the contract says.  Returns the
** statement (malloc'd, freed by finalize) or NULL with the db error set. */
static db_stmt *pg_prepare(db *d, const char *sql)
{
	struct pg_conn *pc = PGC(d);
	struct pg_stmt *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	buf text = {0};
	rewrite_placeholders(s, sql, &text);
	s->text = xstrndup(text.p ? text.p : "", text.len);
	buf_free(&text);
	s->values = calloc(s->nparam ? s->nparam : 1, sizeof *s->values);
	if (!s->values)
		abort();
	s->ncols = -1;
	s->row = -1;
	const char *w = sql + strspn(sql, " \t\r\n");
	s->read_only = !strncasecmp(w, "SELECT", 6) && !is_ident_char(w[6]);
	snprintf(s->name, sizeof s->name, "s%u", ++pc->next_stmt);
	s->base.d = d;
	if (server_prepare(d, s, sql)) {
		stmt_free(s);
		return NULL;
	}
	s->next = pc->stmts;
	if (pc->stmts)
		pc->stmts->prev = s;
	pc->stmts = s;
	return &s->base;
}

/* finalize: free the statement.  The server side is not deallocated: the
** only caller is db_close(), which closes the session right after. */
static void pg_finalize(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	struct pg_conn *pc = PGC(st->d);
	if (pc) {
		if (s->prev)
			s->prev->next = s->next;
		else if (pc->stmts == s)
			pc->stmts = s->next;
		if (s->next)
			s->next->prev = s->prev;
	}
	stmt_free(s);
}

/* param_index: the 0-based slot of "$name" in s, or -1 with the db error
** set when the statement has no such placeholder. */
static int param_index(db_stmt *st, const char *name)
{
	struct pg_stmt *s = PS(st);
	if (name[0] == '$')
		for (int i = 0; i < s->nparam; i++)
			if (!strcmp(s->param_names[i], name + 1))
				return i;
	db_set_error(st->d, "SQL 参数 %s 不存在: %.200s", name, st->sql);
	return -1;
}

static void set_value(struct pg_stmt *s, int i, char *v)
{
	free(s->values[i]);
	s->values[i] = v;
}

static int pg_bind_int(db_stmt *st, const char *name, int64_t v)
{
	int i = param_index(st, name);
	if (i < 0)
		return -1;
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
	set_value(PS(st), i, xstrndup(tmp, (size_t)n));
	return 0;
}

static int pg_bind_text(db_stmt *st, const char *name, const char *v, size_t n)
{
	int i = param_index(st, name);
	if (i < 0)
		return -1;
	set_value(PS(st), i, xstrndup(v, n));
	return 0;
}

/* bind_blob: as BYTEA's text form, "\\x" and two hex digits a byte
** (the parameters travel as text, see the top of this file). */
static int pg_bind_blob(db_stmt *st, const char *name, const void *v, size_t n)
{
	int i = param_index(st, name);
	if (i < 0)
		return -1;
	char *t = malloc(2 * n + 3);
	if (!t)
		abort();
	t[0] = '\\', t[1] = 'x';
	hex_encode(v, n, t + 2);
	set_value(PS(st), i, t);
	return 0;
}

static int pg_bind_null(db_stmt *st, const char *name)
{
	int i = param_index(st, name);
	if (i < 0)
		return -1;
	set_value(PS(st), i, NULL);
	return 0;
}

static void pg_reset(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	pq.PQclear(s->res);
	s->res = NULL;
	s->row = -1;
}

/* execute: run s once with its current bindings.  On success either s->res
** holds the rows (returns DB_ROW, caller iterates) or the statement had none
** (returns DB_DONE, d->changes set).  A lost connection outside a
** transaction is reset once; the statement is then re-run only if it is a
** SELECT, because a write may have committed before the connection broke
** and must not be applied twice.  Returns DB_ROW, DB_DONE, DB_CONSTRAINT or
** DB_ERROR. */
static int execute(db *d, struct pg_stmt *s)
{
	for (int attempt = 0;; attempt++) {
		if (ensure_connection(d))
			return DB_ERROR;
		if (s->generation != PGC(d)->generation && server_prepare(d, s, s->base.sql))
			return DB_ERROR;
		PGresult *r = pq.PQexecPrepared(CONN(d), s->name, s->nparam,
					     (const char *const *)s->values, NULL, NULL, 0);
		ExecStatusType st = pq.PQresultStatus(r);
		if (st == PGRES_TUPLES_OK) {
			s->res = r;
			s->row = -1;
			return DB_ROW;
		}
		if (st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) {
			record_changes(d, r);
			pq.PQclear(r);
			return DB_DONE;
		}
		int rc = result_error(d, r);
		pq.PQclear(r);
		if (pq.PQstatus(CONN(d)) != CONNECTION_BAD)
			return rc;
		/* lost connection */
		if (d->in_tx || attempt > 0 || !s->read_only) {
			char msg[sizeof d->err];
			memcpy(msg, d->err, sizeof msg);
			db_set_error(d, "数据库连接中断%s: %.400s",
				     d->in_tx ? "，事务已丢失" : "，语句可能未执行，未重试", msg);
			/* reconnect now so the next request works */
			if (!d->in_tx) {
				memcpy(msg, d->err, sizeof msg);
				ensure_connection(d);
				memcpy(d->err, msg, sizeof msg);
			}
			return DB_ERROR;
		}
	}
}

/* step: the first call of an execution runs the statement; later calls walk
** the rows already fetched.  At the end the result is freed and the
** statement is ready to run again (like SQLite's auto-reset), with
** d->changes from the command tag (also for INSERT … RETURNING). */
static int pg_step(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	db *d = st->d;
	if (!s->res) {
		int rc = execute(d, s);
		if (rc != DB_ROW)
			return rc;
	}
	s->ncols = pq.PQnfields(s->res);
	if (++s->row < pq.PQntuples(s->res))
		return DB_ROW;
	record_changes(d, s->res);
	pg_reset(st);
	return DB_DONE;
}

static int row_valid(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < pq.PQntuples(s->res) && col >= 0 &&
	       col < pq.PQnfields(s->res);
}

static int pg_column_is_null(db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	return !row_valid(s, col) || pq.PQgetisnull(s->res, s->row, col);
}

/* column_int: integers, NUMERIC results of SUM (no fraction; a fraction is
** truncated) and booleans ('t'/'f' from comparisons) as int64; NULL is 0. */
static int64_t pg_column_int(db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (pg_column_is_null(st, col))
		return 0;
	const char *v = pq.PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (pg_column_is_null(st, col))
		return NULL;
	return pq.PQgetvalue(s->res, s->row, col);
}

/* column_blob: BYTEA comes in its text form (bytea_output 'hex', the
** server's default: "\\x" and hex); decoded into the statement's buffer. */
static const void *pg_column_blob(db_stmt *st, int col, size_t *n)
{
	struct pg_stmt *s = PS(st);
	if (pg_column_is_null(st, col))
		return NULL;
	const char *v = pq.PQgetvalue(s->res, s->row, col);
	size_t len = (size_t)pq.PQgetlength(s->res, s->row, col);
	if (len < 2 || v[0] != '\\' || v[1] != 'x' || len % 2) {
		db_set_error(st->d, "BYTEA 列 %d 不是十六进制形式", col);
		return NULL;
	}
	s->blob.len = 0;
	unsigned char *o = (unsigned char *)buf_space(&s->blob, (len - 2) / 2);
	if (hex_decode(v + 2, (len - 2) / 2, o)) {
		db_set_error(st->d, "BYTEA 列 %d 不是十六进制形式", col);
		return NULL;
	}
	*n = s->blob.len;
	return s->blob.p ? s->blob.p : "";
}

/* column_is_blob: the column's type is BYTEA (pg_type's oid 17). */
static int pg_column_is_blob(db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	return row_valid(s, col) && pq.PQftype(s->res, col) == 17;
}

/* column_count: known from a result; before the first step ask the server
** once (PQdescribePrepared) and remember it. */
static int pg_column_count(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	if (s->res)
		return pq.PQnfields(s->res);
	if (s->ncols >= 0)
		return s->ncols;
	db *d = st->d;
	if (s->generation != PGC(d)->generation && server_prepare(d, s, st->sql))
		return 0;
	PGresult *r = pq.PQdescribePrepared(CONN(d), s->name);
	if (pq.PQresultStatus(r) == PGRES_COMMAND_OK)
		s->ncols = pq.PQnfields(r);
	else
		result_error(d, r);
	pq.PQclear(r);
	return s->ncols >= 0 ? s->ncols : 0;
}

static void pg_clear(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	pg_reset(st);
	for (int i = 0; i < s->nparam; i++)
		set_value(s, i, NULL);
}

/* release: results are fetched whole into client memory, so no statement
** holds anything on the server between steps; freeing the pending results
** returns the memory and makes every statement start afresh. */
static void pg_release(db *d)
{
	for (struct pg_stmt *s = PGC(d)->stmts; s; s = s->next)
		pg_reset(&s->base);
}

/* exec: PQexec, which runs several ';'-separated statements (migration
** scripts) in one round trip.  A COMMIT of a transaction that already
** failed is answered "ROLLBACK" without an error by PostgreSQL: that is
** reported as a failure, so a caller never believes lost work committed. */
static int pg_exec(db *d, const char *sql)
{
	int rc = -1;
	PGresult *r = NULL;
	if (ensure_connection(d))
		goto out;
	r = pq.PQexec(CONN(d), sql);
	ExecStatusType st = pq.PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		result_error(d, r);
		goto out;
	}
	if (!strcasecmp(sql, "COMMIT") && !strcmp(pq.PQcmdStatus(r), "ROLLBACK")) {
		db_set_error(d, "事务中有语句失败，已回滚，未提交");
		goto out;
	}
	record_changes(d, r);
	rc = 0;
out:
	pq.PQclear(r);
	return rc;
}

static int64_t pg_changes(db *d)
{
	return d->changes;
}

/* READ COMMITTED; writers serialise per village with a row lock taken by
** their first UPDATE, so no stronger isolation is needed here. */
static int pg_begin_write(db *d)
{
	return pg_exec(d, "BEGIN");
}

/* The open connection's parameters as the environment variables libpq
** reads (PGHOST=…, PGPASSWORD=…): PQconninfo names each option's variable,
** so every parameter of the URL — several hosts, target_session_attrs,
** sslmode — reaches pg_dump without a password on its command line.
** malloc'd, free with env_free(). */
static char **conn_env(db *d)
{
	PQconninfoOption *opts = pq.PQconninfo(CONN(d));
	size_t n = 0;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		n++;
	char **env = calloc(n + 1, sizeof *env);
	if (!env)
		abort();
	size_t k = 0;
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->envvar || !o->val || !*o->val)
			continue;
		size_t len = strlen(o->envvar) + strlen(o->val) + 2;
		env[k] = malloc(len);
		if (!env[k])
			abort();
		snprintf(env[k++], len, "%s=%s", o->envvar, o->val);
	}
	if (opts)
		pq.PQconninfoFree(opts);
	return env;
}

static void env_free(char **env)
{
	for (char **e = env; *e; e++) {
		/* the password is in one of them: gone before free() */
		memset(*e, 0, strlen(*e));
		free(*e);
	}
	free(env);
}

/* backup: pg_dump -Fc of this database, checked with pg_restore --list. */
static int pg_backup(db *d, const char *path)
{
	if (ensure_connection(d))
		return -1;
	char **env = conn_env(d);
	int rc = pgtool_dump(env, path, d->err, sizeof d->err);
	env_free(env);
	return rc;
}

/* restore: a dump of pg_backup into this database, which must hold no
** table yet (a restore never mixes with existing data).  0, 1 when the
** database is not empty (d->err says so), -1 on failure. */
static int pg_restore_dump(db *d, const char *path)
{
	if (ensure_connection(d))
		return -1;
	PGresult *r = pq.PQexec(CONN(d), "SELECT count(*) FROM pg_catalog.pg_tables"
					 " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
	if (pq.PQresultStatus(r) != PGRES_TUPLES_OK) {
		result_error(d, r);
		pq.PQclear(r);
		return -1;
	}
	long tables = strtol(pq.PQgetvalue(r, 0, 0), NULL, 10);
	pq.PQclear(r);
	if (tables) {
		db_set_error(d, "目标数据库不是空的（已有 %ld 张表）: 只能恢复到新建的空数据库", tables);
		return 1;
	}
	char **env = conn_env(d);
	int rc = pgtool_restore(env, path, d->err, sizeof d->err);
	env_free(env);
	return rc;
}

/* Bulk loading on PostgreSQL: COPY table(cols) FROM STDIN in text format,
** rows streamed with PQputCopyData; the server checks constraints as the
** rows arrive and reports the first failure at the end.  Identifiers were
** checked by db.c; values travel escaped as COPY's text format wants. */
static int pg_copy_begin(struct db_copy *c, const char *table, const char *const *cols,
			 int ncols)
{
	db *d = c->d;
	if (ensure_connection(d))
		return -1;
	buf sql = {0};
	buf_printf(&sql, "COPY %s(", table);
	for (int i = 0; i < ncols; i++)
		buf_printf(&sql, "%s%s", i ? "," : "", cols[i]);
	buf_puts(&sql, ") FROM STDIN");
	PGresult *r = pq.PQexec(CONN(d), buf_cstr(&sql));
	buf_free(&sql);
	int ok = pq.PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		result_error(d, r);
	pq.PQclear(r);
	if (!ok)
		return -1;
	buf *b = calloc(1, sizeof *b);
	if (!b)
		abort();
	c->state = b;
	return 0;
}

/* Rows are gathered in a buffer and sent in pieces of about 256 KiB. */
static int copy_flush(struct db_copy *c, int force)
{
	buf *b = c->state;
	if (!b->len || (!force && b->len < 256 * 1024))
		return 0;
	if (pq.PQputCopyData(CONN(c->d), b->p, (int)b->len) != 1) {
		set_pg_error(c->d, "批量写入失败: ", pq.PQerrorMessage(CONN(c->d)));
		return -1;
	}
	b->len = 0;
	return 0;
}

static int pg_copy_row(struct db_copy *c, const char *const *vals)
{
	buf *b = c->state;
	for (int i = 0; i < c->ncols; i++) {
		if (i)
			buf_append(b, "\t", 1);
		if (!vals[i]) {
			buf_puts(b, "\\N");
			continue;
		}
		const char *p = vals[i], *start = p;
		for (; *p; p++) {
			const char *rep = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t"
					: *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
			if (!rep)
				continue;
			buf_append(b, start, (size_t)(p - start));
			buf_puts(b, rep);
			start = p + 1;
		}
		buf_append(b, start, (size_t)(p - start));
	}
	buf_append(b, "\n", 1);
	return copy_flush(c, 0);
}

static int pg_copy_end(struct db_copy *c)
{
	buf *b = c->state;
	int rc = copy_flush(c, 1);
	if (pq.PQputCopyEnd(CONN(c->d), rc ? "aborted" : NULL) != 1 && !rc) {
		set_pg_error(c->d, "批量写入失败: ", pq.PQerrorMessage(CONN(c->d)));
		rc = -1;
	}
	PGresult *r;
	while ((r = pq.PQgetResult(CONN(c->d)))) {
		if (pq.PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
			rc = result_error(c->d, r) == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
		pq.PQclear(r);
	}
	buf_free(b);
	free(b);
	return rc;
}

static const char *pg_column_name(db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (s->res)
		return pq.PQfname(s->res, col);
	return NULL;
}

/* Identity columns keep their own counter: after loading explicit ids,
** move it past the largest.  The table name was checked by db.c. */
static int pg_sync_ids(db *d, const char *table)
{
	buf sql = {0};
	buf_printf(&sql,
		   "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
		   " GREATEST((SELECT MAX(id) FROM %s), 1))",
		   table, table);
	int rc = pg_exec(d, buf_cstr(&sql));
	buf_free(&sql);
	return rc;
}

const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.id_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.append_only = pg_append_only,
	.no_delete = pg_no_delete,
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.column_int = pg_column_int,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_is_blob = pg_column_is_blob,
	.column_is_null = pg_column_is_null,
	.column_count = pg_column_count,
	.reset = pg_reset,
	.clear = pg_clear,
	.release = pg_release,
	.exec = pg_exec,
	.changes = pg_changes,
	.begin_write = pg_begin_write,
	.begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
	.backup = pg_backup,
	.restore = pg_restore_dump,
	.copy_begin = pg_copy_begin,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
	.column_name = pg_column_name,
	.sync_ids = pg_sync_ids,
};
