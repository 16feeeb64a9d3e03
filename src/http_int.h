/*
** http_int.h — what http.c shares with the files split off it
** (http_csrf.c: the CSRF tokens; http_stream.c: this server thread's
** database connection and the streamed answer's callbacks; http_parse.c:
** the listening address).  Not for handlers, which see http.h only.
*/
#ifndef JIFEN_HTTP_INT_H
#define JIFEN_HTTP_INT_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "db.h"
#include "http.h"

/* Keep the server's secret (auth.h's server_secret()) that signs the
** pre-login tokens; once, before the daemon starts. */
void csrf_key_set(const unsigned char key[32]);

/* 1 when r (a POST) carries the CSRF token it must: the session's, or
** before login the double-submit cookie's, which must be one jifen issued
** and the same as the form's (or the X-CSRF-Token header's). */
int csrf_ok(struct req *r);

/* This server thread's connection, opened on first use; NULL when the
** database cannot be opened (said on stderr). */
db *http_thread_db(void);

/* libmicrohttpd's content reader of a streamed answer (cls: the struct
** http_stream): the bytes of the batch in hand, then the next batch read
** on this thread's own connection; the end, or an error that cuts the
** answer short. */
ssize_t http_stream_read(void *cls, uint64_t pos, char *out, size_t max);
/* Free a stream (cls; NULL: nothing) and what its producer holds: the
** response's free callback, and http.c's for an answer never queued. */
void http_stream_free(void *cls);

/* Split serve's --listen "HOST:PORT" (or "[v6]:PORT"; "localhost" is
** 127.0.0.1) into *ss of *len bytes; 0, or -1 when it is not one
** (http_parse.c). */
int http_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len);

#endif
