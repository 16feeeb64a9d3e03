/*
** idem.h — idempotent retries.  A client that timed out does not know
** whether its write happened.  A POST with an Idempotency-Key header (1–64
** of [A-Za-z0-9_-]) from a logged-in user records the key in the same
** transaction as its writes (db_on_commit(d, idem_record, k)); a request
** with a key already recorded gets the stored answer back and writes
** nothing.  Used by http.c's dispatch only.
*/
#ifndef JIFEN_IDEM_H
#define JIFEN_IDEM_H

#include "db.h"
#include "http.h"

struct idem {
	const char *principal, *key;
};

/* The key of request r (arena memory), or NULL when it has none, or a
** malformed one, which is answered with 400 and *refused set. */
struct idem *idem_key(struct req *r, int *refused);
/* Answer r from the recorded key k: 1 answered, 0 not recorded, -1 error. */
int idem_replay(struct req *r, const struct idem *k);
/* db_on_commit callback (arg: the struct idem): record the key in the
** transaction of the request's writes; 0, or -1 (a key used already). */
int idem_record(db *d, void *arg);
/* After the handler: keep r's answer for replays (best effort). */
void idem_store(struct req *r, const struct idem *k);

#endif
