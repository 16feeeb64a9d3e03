/*
** errlog.c — the structured error line (see errlog.h).
*/
#include "errlog.h"

#include <stdio.h>
#include <string.h>

void errlog_scrub(const char *msg, char *out, size_t n)
{
	size_t k = 0;
	if (!n)
		return;
	const char *end = msg + strlen(msg), *detail = strstr(msg, "DETAIL");
	if (detail)
		end = detail;
	for (const char *p = msg; p < end && k + 4 < n;) {
		size_t digits = strspn(p, "0123456789");
		if (digits >= 7) {
			memcpy(out + k, "***", 3);
			k += 3;
			p += digits;
		} else if (digits) {
			size_t m = digits < n - 1 - k ? digits : n - 1 - k;
			memcpy(out + k, p, m);
			k += m;
			p += digits;
		} else {
			/* one line, and no quote that would end the field early */
			out[k++] = *p == '"' ? '\'' : (*p == '\n' || *p == '\r') ? ' ' : *p;
			p++;
		}
	}
	out[k] = 0;
}

void errlog_request(int status, const char *method, const char *route, const char *klass,
		    const char *db_message)
{
	char db[400] = "";
	if (db_message)
		errlog_scrub(db_message, db, sizeof db);
	/* one fprintf: a line is written whole even with many threads */
	fprintf(stderr, "jifen-error status=%d method=%s route=\"%s\" class=%s db=\"%s\"\n", status,
		method, route ? route : "(none)", klass, db);
}
