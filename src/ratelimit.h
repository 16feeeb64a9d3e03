/*
** ratelimit.h — requests per minute one client address may send (the
** policy's requests_per_minute_per_address), beside guard.c's cap on its
** connections: one address that opens few connections but sends request
** after request on them (a script guessing, a page reloaded in a loop)
** is slowed to the budget with 429, and the others are served.  Kept in
** memory per instance, like guard.c.
**
** A token bucket per address (IPv6 by its /64, as guard.h keys them):
** half a minute's budget at once, refilled at the per-minute rate.
** Loopback clients are not counted: the machine's own monitoring, tests,
** and a proxy on the same host that trusted_proxies does not name yet.
*/
#ifndef JIFEN_RATELIMIT_H
#define JIFEN_RATELIMIT_H

#include "guard.h"

/* Set the budget when serve starts; 0 turns the limit off. */
void ratelimit_start(unsigned per_minute);

/* Take one request from client's budget: 0 when it may go on, else the
** seconds to wait (for Retry-After). */
unsigned ratelimit_take(const struct guard_addr *client);

#endif
