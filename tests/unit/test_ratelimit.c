/*
** test_ratelimit.c — unit tests of src/ratelimit.c: a token bucket per
** client address holding half a minute's budget (at least 10), refilled at
** the per-minute rate; the wait it answers for Retry-After; addresses
** counted apart; loopback never counted; 0 turning the limit off.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ratelimit.h"

/* The key of IPv4 a.b.c.d, as guard.c makes it (IPv4-mapped IPv6). */
static struct guard_addr v4(unsigned char a, unsigned char b, unsigned char c, unsigned char d)
{
	struct guard_addr k = {{0}};
	k.b[10] = k.b[11] = 0xff;
	k.b[12] = a, k.b[13] = b, k.b[14] = c, k.b[15] = d;
	return k;
}

/* The number of requests taken before the first refusal (at most max),
** and that refusal's wait in *wait. */
static int burst(const struct guard_addr *k, int max, unsigned *wait)
{
	*wait = 0;
	for (int i = 0; i < max; i++) {
		unsigned w = ratelimit_take(k);
		if (w) {
			*wait = w;
			return i;
		}
	}
	return max;
}

/* ratelimit-100: 0 is off: any number of requests go on. */
static void ratelimit_100_off(void **state)
{
	(void)state;
	ratelimit_start(0);
	struct guard_addr k = v4(203, 0, 113, 1);
	unsigned wait;
	assert_int_equal(burst(&k, 1000, &wait), 1000);
}

/* ratelimit-110: 120 a minute: 60 at once, then a wait of about one
** refill (half a second, rounded up to a whole second); the refusal took
** nothing, so it repeats; another address has its own budget. */
static void ratelimit_110_budget(void **state)
{
	(void)state;
	ratelimit_start(120);
	struct guard_addr k = v4(203, 0, 113, 2), other = v4(203, 0, 113, 3);
	unsigned wait;
	assert_int_equal(burst(&k, 1000, &wait), 60);
	assert_int_equal(wait, 1);
	assert_int_equal(ratelimit_take(&k), 1);
	assert_int_equal(burst(&other, 1000, &wait), 60);
}

/* ratelimit-120: a small budget still allows a burst of 10 (a page and its
** assets), and the wait follows the slow refill: 6 a minute is one request
** per 10 s. */
static void ratelimit_120_floor_and_wait(void **state)
{
	(void)state;
	ratelimit_start(6);
	struct guard_addr k = v4(198, 51, 100, 7);
	unsigned wait;
	assert_int_equal(burst(&k, 100, &wait), 10);
	assert_in_range(wait, 10, 11);
}

/* ratelimit-130: loopback (127.0.0.0/8 and ::1, keyed as ::/64) is never
** counted; 128.0.0.1 is. */
static void ratelimit_130_loopback(void **state)
{
	(void)state;
	ratelimit_start(6);
	struct guard_addr lo = v4(127, 0, 0, 1), lo2 = v4(127, 255, 3, 9), six = {{0}};
	struct guard_addr not_lo = v4(128, 0, 0, 1);
	unsigned wait;
	assert_int_equal(burst(&lo, 500, &wait), 500);
	assert_int_equal(burst(&lo2, 500, &wait), 500);
	assert_int_equal(burst(&six, 500, &wait), 500);
	assert_int_equal(burst(&not_lo, 500, &wait), 10);
}

/* ratelimit-140: IPv6 keys differing anywhere are different buckets
** (guard.c has already cut them to /64); starting again empties the table. */
static void ratelimit_140_keys_and_restart(void **state)
{
	(void)state;
	ratelimit_start(20);
	struct guard_addr a = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1}};
	struct guard_addr b = a;
	b.b[7] = 2;
	unsigned wait;
	assert_int_equal(burst(&a, 100, &wait), 10);
	assert_true(wait > 0);
	assert_int_equal(burst(&b, 100, &wait), 10);
	ratelimit_start(20);
	assert_int_equal(burst(&a, 100, &wait), 10);
}

/* ratelimit-150: the table is bounded: after many more addresses than it
** has slots, each new address still gets exactly its budget, and a busy
** one taken over starts full (never more than the budget at once). */
static void ratelimit_150_many_addresses(void **state)
{
	(void)state;
	ratelimit_start(20);
	unsigned wait;
	for (int i = 0; i < 20000; i++) {
		struct guard_addr k = v4(10, (unsigned char)(i >> 16), (unsigned char)(i >> 8),
					 (unsigned char)i);
		assert_int_equal(ratelimit_take(&k), 0);
	}
	struct guard_addr k = v4(10, 200, 0, 1);
	assert_int_equal(burst(&k, 100, &wait), 10);
	ratelimit_start(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ratelimit_100_off),
		cmocka_unit_test(ratelimit_110_budget),
		cmocka_unit_test(ratelimit_120_floor_and_wait),
		cmocka_unit_test(ratelimit_130_loopback),
		cmocka_unit_test(ratelimit_140_keys_and_restart),
		cmocka_unit_test(ratelimit_150_many_addresses),
	};
	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
