/*
** ratelimit.c — per-address request budgets (see ratelimit.h).
**
** A fixed table of buckets, found by a hash of the address with a short
** linear probe; when the probe finds neither the address nor a free slot,
** the bucket idle the longest among those probed is taken over.  An
** attacker with many addresses can thus push a bucket out (and start it
** full again) — but each of its addresses still gets only the budget, and
** the table's memory is bounded whatever arrives.
*/
#include "ratelimit.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define SLOTS 8192 /* power of 2 */
#define PROBE 8

struct bucket {
	struct guard_addr addr;
	double tokens;
	double last; /* monotonic seconds of the last refill; 0 free */
};

static struct bucket table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double rate, capacity; /* tokens per second, bucket size; rate 0: off */

void ratelimit_start(unsigned per_minute)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof table);
	rate = per_minute / 60.0;
	capacity = per_minute / 2.0 < 10 ? 10 : per_minute / 2.0;
	pthread_mutex_unlock(&lock);
}

static int loopback(const struct guard_addr *a)
{
	static const unsigned char v4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char zero[16];
	/* 127.0.0.0/8 as IPv4-mapped; ::1 is keyed as its /64, ::/64 */
	return (!memcmp(a->b, v4, 12) && a->b[12] == 127) || !memcmp(a->b, zero, 16);
}

static unsigned hash(const struct guard_addr *a)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h;
}

unsigned ratelimit_take(const struct guard_addr *client)
{
	if (rate <= 0 || loopback(client))
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + 1; /* never 0 */
	unsigned wait = 0, h = hash(client);
	pthread_mutex_lock(&lock);
	struct bucket *b = NULL, *oldest = NULL;
	for (unsigned i = 0; i < PROBE && !b; i++) {
		struct bucket *s = &table[(h + i) & (SLOTS - 1)];
		if (s->last && !memcmp(&s->addr, client, sizeof *client))
			b = s;
		else if (!oldest || s->last < oldest->last)
			oldest = s;
	}
	if (!b) {
		b = oldest;
		b->addr = *client;
		b->tokens = capacity;
		b->last = now;
	}
	b->tokens += (now - b->last) * rate;
	if (b->tokens > capacity)
		b->tokens = capacity;
	b->last = now;
	if (b->tokens >= 1)
		b->tokens -= 1;
	else
		wait = (unsigned)((1 - b->tokens) / rate) + 1;
	pthread_mutex_unlock(&lock);
	return wait;
}
