/*
** errlog.h — one structured line on stderr (journald under systemd) per
** request that failed on the server's side (status 500 and up):
**
**   jifen-error status=503 method=POST route="/api/v1/villages/(*)/sheets/(*)/entries"
**     class=api db="无法重新连接数据库: …"
**
** Never a secret or a person: the route is the table's pattern, not the
** path (a passbook link's path is its token), no query, header, cookie or
** body is written, and in the database's message every run of 7 or more
** digits (a phone, a PIN, an id card) becomes "***" and anything after a
** "DETAIL" (PostgreSQL's copy of the row's values) is cut.
*/
#ifndef JIFEN_ERRLOG_H
#define JIFEN_ERRLOG_H

#include <stddef.h>

/* Write the line; route and db_message may be NULL. */
void errlog_request(int status, const char *method, const char *route, const char *klass,
		    const char *db_message);

/* The scrubbing of db_message above, into out (n bytes). */
void errlog_scrub(const char *msg, char *out, size_t n);

#endif
