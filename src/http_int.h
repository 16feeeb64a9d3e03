/*
** http_int.h — what http.c shares with the files split off it
** (http_csrf.c); not for handlers, which see http.h only.
*/
#ifndef JIFEN_HTTP_INT_H
#define JIFEN_HTTP_INT_H

#include "http.h"

/* Keep the server's secret (auth.h's server_secret()) that signs the
** pre-login tokens; once, before the daemon starts. */
void csrf_key_set(const unsigned char key[32]);

/* 1 when r (a POST) carries the CSRF token it must: the session's, or
** before login the double-submit cookie's, which must be one jifen issued
** and the same as the form's (or the X-CSRF-Token header's). */
int csrf_ok(struct req *r);

#endif
