/*
** guard.h — the server's defences against clients that do not behave,
** kept in memory per instance (no database round trip on any request):
** the real client address behind trusted proxies, a cap on the connections
** one address may hold, deadlines for a request's header and a minimum
** rate for its body, and a budget for the memory all request bodies in
** flight may hold together.  No HTTP in here: http.c calls it from
** libmicrohttpd's callbacks with socket addresses and header values.
*/
#ifndef JIFEN_GUARD_H
#define JIFEN_GUARD_H

#include <stddef.h>
#include <sys/socket.h>

/* The limits, from the security policy (auth.h), fixed when serve starts. */
struct guard_config {
	unsigned per_address;     /* connections one client address may hold */
	size_t body_memory;       /* bytes all bodies being received may hold */
	unsigned header_seconds;  /* a request's header must be complete within this,
				  ** counted from the connection's start or its last answer */
	unsigned body_min_rate;   /* bytes/s a body must average once header_seconds
				  ** have passed since it began; 0 no minimum */
	const char *trusted_proxies; /* see guard_proxies_parse() */
};

/* A client address as a key: IPv4 as IPv4-mapped IPv6; IPv6 cut to its
** /64, the block one subscriber gets, so that a cap cannot be dodged by
** walking one's own 2^64 addresses. */
struct guard_addr {
	unsigned char b[16];
};

/* Check a trusted_proxies value: addresses or CIDR blocks (IPv4 or IPv6)
** separated by commas or spaces, at most 32; "" for none.  0, or -1 with
** the first bad item in bad (n bytes). */
int guard_proxies_parse(const char *list, char *bad, size_t n);

/* Take the limits and start the thread that closes connections past their
** deadline.  0, or -1 with a message in err. */
int guard_start(const struct guard_config *c, char *err, size_t n);
/* Stop that thread (after the daemon stopped). */
void guard_stop(void);

/* 1 when the socket peer is one of the trusted proxies. */
int guard_peer_trusted(const struct sockaddr *peer);

/* The address of the client a request comes from: the socket peer, or,
** when the peer is a trusted proxy and xff (the last X-Forwarded-For
** header, NULL when none) names one, the right-most address in it that is
** not itself a trusted proxy.  Writes the key to *out and its text to text
** (INET6_ADDRSTRLEN bytes); returns 1 when it came from xff, else 0. */
int guard_client_address(const struct sockaddr *peer, const char *xff, struct guard_addr *out,
			 char *text);

/* The text of a key (INET6_ADDRSTRLEN bytes): what limits kept outside
** this file (login throttling) count an address by. */
void guard_addr_text(const struct guard_addr *a, char *text);

/* ---- connections ---------------------------------------------------------
** libmicrohttpd tells http.c of each connection's start and end; in between
** the request's phase is reported so that the deadline thread knows which
** clock applies. */
struct guard_conn;
enum guard_phase {
	GUARD_HEADER, /* waiting for a request's header (or idle between requests) */
	GUARD_BODY,   /* receiving a body */
	GUARD_BUSY,   /* being answered: no deadline */
};
/* 1 when a connection from peer may be accepted now (its address holds
** fewer than the cap; trusted proxies are not capped as peers). */
int guard_accept(const struct sockaddr *peer);
/* A new connection with socket fd from peer, counted against the peer's
** address unless that is a trusted proxy; malloc'd, freed by
** guard_conn_close(); NULL when out of memory (the connection is then not
** watched). */
struct guard_conn *guard_conn_open(const struct sockaddr *peer, int fd);
void guard_conn_close(struct guard_conn *c);
/* Count the connection against client (a forwarded client's address, the
** request through a trusted proxy) instead of what it counted for before.
** 0, or -1 when client already holds its cap of connections. */
int guard_conn_attribute(struct guard_conn *c, const struct guard_addr *client);
void guard_conn_phase(struct guard_conn *c, enum guard_phase phase);
/* n more bytes of the body arrived. */
void guard_conn_body(struct guard_conn *c, size_t n);

/* ---- body memory ---------------------------------------------------------- */
/* Take n bytes from the budget of all bodies in flight: 0, or -1 (nothing
** taken) when that would pass the budget. */
int guard_body_reserve(size_t n);
void guard_body_release(size_t n);

#endif
