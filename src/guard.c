/*
** guard.c — per-instance defences against clients that do not behave:
** trusted proxies and the real client address, connections per address,
** header deadline and body rate, the memory budget of bodies in flight.
**
** Why a thread of its own for the deadlines: libmicrohttpd's idle timeout
** starts again with every byte, so a client that sends one byte every few
** seconds holds its connection for ever.  The deadline thread looks at
** every connection once a second and shuts down the socket of one whose
** header has taken longer than header_seconds, or whose body arrives more
** slowly than body_min_rate; libmicrohttpd then reads end-of-file and
** closes it as it closes any connection.  shutdown() is safe here because
** the socket stays open until libmicrohttpd has told guard_conn_close(),
** which takes the same lock.
**
** Everything is in memory and per instance: the counters cost a mutex per
** connection (not per request), and several instances each cap their own.
*/
#include "guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_PROXIES = 32, BUCKETS = 4096 };

struct proxy {
	unsigned char b[16]; /* IPv4 mapped into IPv6 */
	int bits;            /* prefix length, on the mapped form */
};

/* One address's count of connections. */
struct addr_count {
	struct guard_addr a;
	unsigned n;
	struct addr_count *next;
};

struct guard_conn {
	int fd;
	int counted;            /* holds a count on addr */
	struct guard_addr addr;
	int phase;              /* enum guard_phase, written by the server threads */
	int64_t since;          /* ms: when the phase began */
	size_t body_bytes;      /* received in GUARD_BODY */
	int shut;               /* the deadline thread shut it down */
	struct guard_conn *prev, *next;
};

/* Set by guard_start() before the daemon starts; read-only afterwards. */
static struct guard_config cfg;
static struct proxy proxies[MAX_PROXIES];
static int nproxies;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards what follows */
static struct addr_count *table[BUCKETS];
static struct guard_conn *conns;
static int stopping;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static pthread_t reaper;
static int reaper_running;

static size_t body_in_flight; /* atomic */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Parse one address or CIDR block into p; 0 or -1. */
static int proxy_parse(const char *s, size_t len, struct proxy *p)
{
	char text[64];
	if (len == 0 || len >= sizeof text)
		return -1;
	memcpy(text, s, len);
	text[len] = 0;
	char *slash = strchr(text, '/');
	long bits = -1;
	if (slash) {
		char *end;
		*slash = 0;
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end)
			return -1;
	}
	struct in_addr v4;
	struct in6_addr v6;
	memset(p->b, 0, sizeof p->b);
	if (inet_pton(AF_INET, text, &v4) == 1) {
		if (bits > 32)
			return -1;
		p->b[10] = p->b[11] = 0xff;
		memcpy(p->b + 12, &v4, 4);
		p->bits = bits < 0 ? 128 : 96 + (int)bits;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		if (bits > 128)
			return -1;
		memcpy(p->b, &v6, 16);
		p->bits = bits < 0 ? 128 : (int)bits;
		return 0;
	}
	return -1;
}

/* Split list into items and parse each into out (up to MAX_PROXIES);
** the count, or -1 with the bad item in bad. */
static int proxies_read(const char *list, struct proxy *out, char *bad, size_t n)
{
	int count = 0;
	const char *p = list ? list : "";
	while (*p) {
		size_t skip = strspn(p, ", \t");
		p += skip;
		size_t len = strcspn(p, ", \t");
		if (!len)
			break;
		struct proxy tmp;
		if (count == MAX_PROXIES || proxy_parse(p, len, &tmp)) {
			snprintf(bad, n, "%.*s", (int)(len < 60 ? len : 60), p);
			return -1;
		}
		out[count++] = tmp;
		p += len;
	}
	return count;
}

int guard_proxies_parse(const char *list, char *bad, size_t n)
{
	struct proxy tmp[MAX_PROXIES];
	return proxies_read(list, tmp, bad, n) < 0 ? -1 : 0;
}

/* The 16-byte form of a socket address (IPv4 mapped); 0 or -1. */
static int sockaddr_bytes(const struct sockaddr *sa, unsigned char b[16])
{
	memset(b, 0, 16);
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		b[10] = b[11] = 0xff;
		memcpy(b + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static int bytes_trusted(const unsigned char b[16])
{
	for (int i = 0; i < nproxies; i++) {
		int bits = proxies[i].bits, k = 0;
		for (; bits >= 8; bits -= 8, k++)
			if (b[k] != proxies[i].b[k])
				break;
		if (bits >= 8)
			continue;
		unsigned char mask = (unsigned char)(0xff00 >> bits);
		if (bits == 0 || (b[k] & mask) == (proxies[i].b[k] & mask))
			return 1;
	}
	return 0;
}

int guard_peer_trusted(const struct sockaddr *peer)
{
	unsigned char b[16];
	return nproxies && !sockaddr_bytes(peer, b) && bytes_trusted(b);
}

/* The key of the address in b: IPv6 (not mapped IPv4) cut to its /64. */
static void addr_key(const unsigned char b[16], struct guard_addr *out)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memcpy(out->b, b, 16);
	if (memcmp(b, mapped, 12))
		memset(out->b + 8, 0, 8);
}

static void bytes_text(const unsigned char b[16], char *text)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(b, mapped, 12)) {
		inet_ntop(AF_INET6, b, text, INET6_ADDRSTRLEN);
		return;
	}
	/* dotted quad by hand: glibc's inet_ntop() formats IPv4 with
	** sprintf, and every request names its address twice */
	char *o = text;
	for (int i = 12; i < 16; i++) {
		unsigned v = b[i];
		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		*o++ = i < 15 ? '.' : 0;
	}
}

void guard_addr_text(const struct guard_addr *a, char *text)
{
	bytes_text(a->b, text);
}

/* Parse one X-Forwarded-For item (an address, perhaps with spaces, an
** IPv4 port or a bracketed IPv6) into b; 0 or -1. */
static int xff_item(const char *s, size_t len, unsigned char b[16])
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	char text[64];
	if (!len || len >= sizeof text)
		return -1;
	if (*s == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return -1;
		s++;
		len = (size_t)(close - s);
	} else {
		const char *colon = memchr(s, ':', len);
		if (colon && memchr(s, '.', len) && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
			len = (size_t)(colon - s); /* 1.2.3.4:port */
	}
	memcpy(text, s, len);
	text[len] = 0;
	struct in_addr v4;
	memset(b, 0, 16);
	if (inet_pton(AF_INET, text, &v4) == 1) {
		b[10] = b[11] = 0xff;
		memcpy(b + 12, &v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, b) == 1 ? 0 : -1;
}

int guard_client_address(const struct sockaddr *peer, const char *xff, struct guard_addr *out,
			 char *text)
{
	unsigned char b[16];
	int forwarded = 0;
	text[0] = 0;
	if (sockaddr_bytes(peer, b)) {
		memset(out->b, 0, 16);
		return 0;
	}
	if (xff && bytes_trusted(b)) {
		/* right to left: each hop that is a trusted proxy passes on what it
		** was told; the first that is not is the client.  A malformed item
		** ends the walk at the last hop that could be read. */
		const char *end = xff + strlen(xff);
		while (end > xff) {
			const char *start = end;
			while (start > xff && start[-1] != ',')
				start--;
			unsigned char hop[16];
			if (xff_item(start, (size_t)(end - start), hop))
				break;
			memcpy(b, hop, 16);
			forwarded = 1;
			if (!bytes_trusted(hop))
				break;
			end = start > xff ? start - 1 : xff;
		}
	}
	addr_key(b, out);
	bytes_text(b, text);
	return forwarded;
}

/* ---- counting ------------------------------------------------------------ */

static unsigned addr_hash(const struct guard_addr *a)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h % BUCKETS;
}

/* The count of a (lock held); create it when asked. */
static struct addr_count *count_of(const struct guard_addr *a, int create)
{
	struct addr_count **pp = &table[addr_hash(a)];
	for (; *pp; pp = &(*pp)->next)
		if (!memcmp((*pp)->a.b, a->b, 16))
			return *pp;
	if (!create)
		return NULL;
	struct addr_count *c = calloc(1, sizeof *c);
	if (c) {
		c->a = *a;
		*pp = c;
	}
	return c;
}

static void count_drop(const struct guard_addr *a)
{
	struct addr_count **pp = &table[addr_hash(a)];
	for (; *pp; pp = &(*pp)->next)
		if (!memcmp((*pp)->a.b, a->b, 16)) {
			if (--(*pp)->n == 0) {
				struct addr_count *dead = *pp;
				*pp = dead->next;
				free(dead);
			}
			return;
		}
}

int guard_accept(const struct sockaddr *peer)
{
	unsigned char b[16];
	if (!cfg.per_address || sockaddr_bytes(peer, b) || bytes_trusted(b))
		return 1;
	struct guard_addr a;
	addr_key(b, &a);
	pthread_mutex_lock(&lock);
	struct addr_count *c = count_of(&a, 0);
	int ok = !c || c->n < cfg.per_address;
	pthread_mutex_unlock(&lock);
	return ok;
}

struct guard_conn *guard_conn_open(const struct sockaddr *peer, int fd)
{
	struct guard_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->fd = fd;
	c->phase = GUARD_HEADER;
	c->since = now_ms();
	unsigned char b[16];
	pthread_mutex_lock(&lock);
	if (!sockaddr_bytes(peer, b) && !bytes_trusted(b)) {
		addr_key(b, &c->addr);
		struct addr_count *n = count_of(&c->addr, 1);
		if (n) {
			n->n++;
			c->counted = 1;
			/* guard_accept() only looked: the pool's threads accept
			** side by side, and each may have seen the address one
			** short of its cap.  The count taken here, under the lock,
			** decides; one over is shut down at once, and closes as any
			** connection (guard_conn_close() gives its count back). */
			if (cfg.per_address && n->n > cfg.per_address && fd >= 0)
				shutdown(fd, SHUT_RDWR);
		}
	}
	c->next = conns;
	if (conns)
		conns->prev = c;
	conns = c;
	pthread_mutex_unlock(&lock);
	return c;
}

void guard_conn_close(struct guard_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&lock);
	if (c->counted)
		count_drop(&c->addr);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&lock);
	free(c);
}

int guard_conn_attribute(struct guard_conn *c, const struct guard_addr *client)
{
	if (!c || !cfg.per_address || (c->counted && !memcmp(c->addr.b, client->b, 16)))
		return 0;
	int rc = -1;
	pthread_mutex_lock(&lock);
	struct addr_count *n = count_of(client, 1);
	if (n && n->n < cfg.per_address) {
		n->n++;
		if (c->counted)
			count_drop(&c->addr);
		c->addr = *client;
		c->counted = 1;
		rc = 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void guard_conn_phase(struct guard_conn *c, enum guard_phase phase)
{
	if (!c)
		return;
	__atomic_store_n(&c->body_bytes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->since, now_ms(), __ATOMIC_RELAXED);
	__atomic_store_n(&c->phase, (int)phase, __ATOMIC_RELEASE);
}

void guard_conn_body(struct guard_conn *c, size_t n)
{
	if (c)
		__atomic_add_fetch(&c->body_bytes, n, __ATOMIC_RELAXED);
}

/* ---- the deadline thread --------------------------------------------------- */

/* 1 when c is past its deadline at now (ms). */
static int overdue(struct guard_conn *c, int64_t now)
{
	int phase = __atomic_load_n(&c->phase, __ATOMIC_ACQUIRE);
	int64_t age = now - __atomic_load_n(&c->since, __ATOMIC_RELAXED);
	int64_t grace = (int64_t)cfg.header_seconds * 1000;
	if (phase == GUARD_HEADER)
		return cfg.header_seconds && age > grace;
	if (phase == GUARD_BODY && cfg.body_min_rate && age > grace) {
		size_t got = __atomic_load_n(&c->body_bytes, __ATOMIC_RELAXED);
		return (double)got < (double)cfg.body_min_rate * (double)age / 1000.0;
	}
	return 0;
}

static void *reaper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		int64_t now = now_ms();
		for (struct guard_conn *c = conns; c; c = c->next)
			if (!c->shut && overdue(c, now)) {
				shutdown(c->fd, SHUT_RDWR);
				c->shut = 1;
			}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&stop_cond, &lock, &until);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int guard_start(const struct guard_config *c, char *err, size_t n)
{
	cfg = *c;
	char bad[64];
	nproxies = proxies_read(c->trusted_proxies, proxies, bad, sizeof bad);
	cfg.trusted_proxies = NULL;
	if (nproxies < 0) {
		nproxies = 0;
		snprintf(err, n, "trusted_proxies 中的地址无效: %s", bad);
		return -1;
	}
	stopping = 0;
	if (pthread_create(&reaper, NULL, reaper_main, NULL)) {
		snprintf(err, n, "无法启动连接检查线程");
		return -1;
	}
	reaper_running = 1;
	return 0;
}

void guard_stop(void)
{
	if (!reaper_running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&stop_cond);
	pthread_mutex_unlock(&lock);
	pthread_join(reaper, NULL);
	reaper_running = 0;
}

/* ---- body memory ---------------------------------------------------------- */

int guard_body_reserve(size_t n)
{
	size_t now = __atomic_add_fetch(&body_in_flight, n, __ATOMIC_RELAXED);
	if (cfg.body_memory && now > cfg.body_memory) {
		__atomic_sub_fetch(&body_in_flight, n, __ATOMIC_RELAXED);
		return -1;
	}
	return 0;
}

void guard_body_release(size_t n)
{
	__atomic_sub_fetch(&body_in_flight, n, __ATOMIC_RELAXED);
}
