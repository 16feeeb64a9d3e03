/*
** mhd_floor.c — the floor of jifen's HTTP stack for workload 1: libmicrohttpd
** started as `jifen serve` starts it (src/http.c: epoll, a pool of one thread
** a core, the same limits), answering every /p/… with DIR/passbook.html and
** every /api/v1/p/… with DIR/passbook.json from memory, with the headers
** jifen's stored answer carries.  No database, no lookup, no rendering: what
** is left of a request's cost is libmicrohttpd's and the kernel's, so that
** bench/run.sh can tell how much of the distance to nginx is jifen's own.
** A request that accepts gzip (as a phone's browser always does) gets the
** gzip bytes beside them, DIR/passbook.html.gz and .json.gz, with
** Content-Encoding: gzip, as jifen and nginx's gzip_static send them.
**
**   mhd_floor DIR PORT     (bench/run.sh builds and runs it)
*/
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *page, *json, *page_gz, *json_gz;
static size_t page_len, json_len, page_gz_len, json_gz_len;

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (*len = (size_t)ftell(f), fseek(f, 0, SEEK_SET))) {
		perror(path);
		exit(2);
	}
	char *p = malloc(*len + 1);
	if (!p || fread(p, 1, *len, f) != *len) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return p;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	(void)cls, (void)method, (void)version, (void)upload, (void)upload_len;
	static int first;
	if (!*state) { /* the first call sees the headers only (src/http.c) */
		*state = &first;
		return MHD_YES;
	}
	int is_json = !strncmp(url, "/api/v1/p/", 10);
	/* a plain strstr, not jifen's parse of the list with its q-values: the
	** floor is asked only by the benchmark's own script, which sends
	** "gzip, deflate, br" or nothing */
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	int gz = ae && strstr(ae, "gzip");
	struct MHD_Response *r;
	if (gz)
		r = MHD_create_response_from_buffer(is_json ? json_gz_len : page_gz_len,
						    is_json ? json_gz : page_gz,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(is_json ? json_len : page_len,
						    is_json ? json : page, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type",
				is_json ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	MHD_add_response_header(r, "ETag",
				gz ? "\"h-0123456789abcdef-2026-12-01-gz\""
				   : "\"h-0123456789abcdef-2026-12-01\"");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Vary", "Cookie, Accept-Encoding");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; "
				"script-src 'self'; object-src 'none'; base-uri 'none'; "
				"form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mhd_floor DIR PORT\n");
		return 2;
	}
	page = slurp(argv[1], "passbook.html", &page_len);
	json = slurp(argv[1], "passbook.json", &json_len);
	page_gz = slurp(argv[1], "passbook.html.gz", &page_gz_len);
	json_gz = slurp(argv[1], "passbook.json.gz", &json_gz_len);
	unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, answer,
		NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
		threads, MHD_OPTION_CONNECTION_LIMIT, 4000u, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mhd_floor: could not listen on port %s\n", argv[2]);
		return 3;
	}
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int sig;
	sigwait(&s, &sig);
	MHD_stop_daemon(d);
	return 0;
}
