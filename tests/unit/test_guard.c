/*
** test_guard.c — unit tests of src/guard.c: the trusted_proxies list
** (addresses and CIDR blocks, at most 32, the bad item named), the real
** client behind trusted proxies read right to left from X-Forwarded-For,
** address keys (IPv6 cut to its /64), the cap on connections per address
** (proxies not capped, a forwarded client counted instead), the memory
** budget of bodies in flight, and the header deadline that shuts a slow
** client's socket.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guard.h"

static struct sockaddr_storage peer_ss;

/* A socket address from text (IPv4 or IPv6). */
static const struct sockaddr *peer(const char *text)
{
	memset(&peer_ss, 0, sizeof peer_ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&peer_ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer_ss;
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, text, &v6->sin6_addr), 1);
		v6->sin6_family = AF_INET6;
	}
	return (const struct sockaddr *)&peer_ss;
}

static void start(const char *proxies, unsigned per_address, size_t body_memory,
		  unsigned header_seconds)
{
	struct guard_config c = {.per_address = per_address, .body_memory = body_memory,
				 .header_seconds = header_seconds, .trusted_proxies = proxies};
	char err[128] = "";
	if (guard_start(&c, err, sizeof err))
		fail_msg("guard_start: %s", err);
}

/* guard-100: the proxy list: separators, CIDR, the limit of 32, the bad
** item named (cut to 60 bytes). */
static void guard_100_proxies_parse(void **state)
{
	(void)state;
	char bad[64];
	static const char *const good[] = {
		"", "10.0.0.1", "10.0.0.0/8, 192.168.1.0/24\t::1", "2001:db8::/32,fe80::1/128",
		"0.0.0.0/0", "::/0", ",, 10.0.0.1 ,",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (guard_proxies_parse(good[i], bad, sizeof bad))
			fail_msg("refused %s (%s)", good[i], bad);
	assert_int_equal(guard_proxies_parse(NULL, bad, sizeof bad), 0);
	static const struct {
		const char *list, *bad;
	} c[] = {
		{"10.0.0.1, 10.0.0.300", "10.0.0.300"},
		{"10.0.0.0/33", "10.0.0.0/33"},
		{"::1/129", "::1/129"},
		{"10.0.0.0/", "10.0.0.0/"},
		{"10.0.0.0/8x", "10.0.0.0/8x"},
		{"proxy.example", "proxy.example"},
		{"10.0.0.1;10.0.0.2", "10.0.0.1;10.0.0.2"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		bad[0] = 0;
		assert_int_equal(guard_proxies_parse(c[i].list, bad, sizeof bad), -1);
		assert_string_equal(bad, c[i].bad);
	}
	char many[33 * 12 + 1] = "";
	for (int i = 1; i <= 32; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "10.0.0.%d ", i);
	assert_int_equal(guard_proxies_parse(many, bad, sizeof bad), 0);
	strcat(many, "10.0.0.99");
	assert_int_equal(guard_proxies_parse(many, bad, sizeof bad), -1);
	assert_string_equal(bad, "10.0.0.99");
}

/* guard-110: without trusted proxies X-Forwarded-For is ignored; the
** key of an IPv6 peer is its /64 while its text stays whole. */
static void guard_110_untrusted(void **state)
{
	(void)state;
	start("", 0, 0, 0);
	struct guard_addr a, b;
	char text[INET6_ADDRSTRLEN], t2[INET6_ADDRSTRLEN];
	assert_int_equal(guard_client_address(peer("198.51.100.9"), "1.2.3.4", &a, text), 0);
	assert_string_equal(text, "198.51.100.9");
	assert_false(guard_peer_trusted(peer("198.51.100.9")));
	assert_int_equal(guard_client_address(peer("2001:db8:1:2:aaaa::1"), NULL, &a, text), 0);
	assert_string_equal(text, "2001:db8:1:2:aaaa::1");
	guard_client_address(peer("2001:db8:1:2:bbbb::7"), NULL, &b, t2);
	assert_memory_equal(a.b, b.b, 16); /* the same /64 */
	guard_addr_text(&a, text);
	assert_string_equal(text, "2001:db8:1:2::");
	guard_client_address(peer("2001:db8:1:3::1"), NULL, &b, t2);
	assert_memory_not_equal(a.b, b.b, 16);
	/* IPv4 keys are whole addresses */
	guard_client_address(peer("198.51.100.9"), NULL, &a, text);
	guard_client_address(peer("198.51.100.10"), NULL, &b, text);
	assert_memory_not_equal(a.b, b.b, 16);
	guard_addr_text(&a, text);
	assert_string_equal(text, "198.51.100.9");
	/* the dotted quad is written by hand: every width of a part */
	static const char *const quads[] = {"0.0.0.0", "255.255.255.255", "10.0.100.1",
					    "1.20.199.9", "127.0.0.1"};
	for (size_t i = 0; i < sizeof quads / sizeof *quads; i++) {
		memset(text, 'x', sizeof text);
		guard_client_address(peer(quads[i]), NULL, &a, text);
		assert_string_equal(text, quads[i]);
		memset(t2, 'x', sizeof t2);
		guard_addr_text(&a, t2);
		assert_string_equal(t2, quads[i]);
	}
	guard_stop();
}

/* guard-120: behind trusted proxies the client is the right-most address
** of X-Forwarded-For that is not a proxy; ports and brackets are read;
** a malformed item ends the walk at the last hop that could be read. */
static void guard_120_forwarded(void **state)
{
	(void)state;
	start("10.0.0.0/8, 2001:db8:ffff::/48, 172.16.0.1", 0, 0, 0);
	static const struct {
		const char *peer, *xff, *text;
		int forwarded;
	} c[] = {
		{"10.1.2.3", "203.0.113.5", "203.0.113.5", 1},
		{"10.1.2.3", "6.6.6.6, 203.0.113.5, 10.9.9.9", "203.0.113.5", 1}, /* spoofed left part ignored */
		{"10.1.2.3", " 203.0.113.5:4711 ", "203.0.113.5", 1},
		{"10.1.2.3", "[2001:db8:1::5]:443", "2001:db8:1::5", 1},
		{"10.1.2.3", "2001:db8:1::5", "2001:db8:1::5", 1},
		{"10.1.2.3", "203.0.113.5, garbage", "10.1.2.3", 0},        /* nothing read */
		{"10.1.2.3", "garbage, 203.0.113.5", "203.0.113.5", 1},
		{"10.1.2.3", "10.2.2.2, 172.16.0.1", "10.2.2.2", 1},        /* all proxies: the left-most */
		{"10.1.2.3", "", "10.1.2.3", 0},
		{"2001:db8:ffff:1::2", "198.51.100.1", "198.51.100.1", 1},  /* an IPv6 proxy */
		{"172.16.0.2", "198.51.100.1", "172.16.0.2", 0},           /* next to a proxy, not one */
		{"11.0.0.1", "198.51.100.1", "11.0.0.1", 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct guard_addr a;
		char text[INET6_ADDRSTRLEN];
		int fw = guard_client_address(peer(c[i].peer), c[i].xff, &a, text);
		if (fw != c[i].forwarded || strcmp(text, c[i].text))
			fail_msg("case %zu: %d %s", i, fw, text);
	}
	assert_true(guard_peer_trusted(peer("10.255.255.255")));
	assert_true(guard_peer_trusted(peer("2001:db8:ffff:abcd::1")));
	assert_false(guard_peer_trusted(peer("2001:db8:fffe::1")));
	assert_false(guard_peer_trusted(NULL));
	guard_stop();
	/* a prefix that is not a multiple of 8 */
	start("192.168.0.0/20", 0, 0, 0);
	assert_true(guard_peer_trusted(peer("192.168.15.255")));
	assert_false(guard_peer_trusted(peer("192.168.16.0")));
	guard_stop();
	/* a bad list stops the start, naming the item, and trusts nothing */
	struct guard_config bad = {.trusted_proxies = "10.0.0.1, nope"};
	char err[128] = "";
	assert_int_equal(guard_start(&bad, err, sizeof err), -1);
	assert_string_equal(err, "trusted_proxies 中的地址无效: nope");
	assert_false(guard_peer_trusted(peer("10.0.0.1")));
}

/* guard-130: the cap per address: the third connection of one address is
** refused while two are open, accepted again after one closes; another
** address and the proxies are not capped; IPv6 neighbours in one /64
** share a cap. */
static void guard_130_cap(void **state)
{
	(void)state;
	start("10.0.0.1", 2, 0, 0);
	assert_true(guard_accept(peer("198.51.100.1")));
	struct guard_conn *a = guard_conn_open(peer("198.51.100.1"), -1);
	struct guard_conn *b = guard_conn_open(peer("198.51.100.1"), -1);
	assert_false(guard_accept(peer("198.51.100.1")));
	assert_true(guard_accept(peer("198.51.100.2")));
	guard_conn_close(a);
	assert_true(guard_accept(peer("198.51.100.1")));
	guard_conn_close(b);

	struct guard_conn *p[5];
	for (int i = 0; i < 5; i++) {
		assert_true(guard_accept(peer("10.0.0.1")));
		p[i] = guard_conn_open(peer("10.0.0.1"), -1);
	}
	assert_true(guard_accept(peer("10.0.0.1")));

	struct guard_conn *x = guard_conn_open(peer("2001:db8:0:1::1"), -1);
	struct guard_conn *y = guard_conn_open(peer("2001:db8:0:1::2"), -1);
	assert_false(guard_accept(peer("2001:db8:0:1:ffff::9")));
	assert_true(guard_accept(peer("2001:db8:0:2::1")));
	guard_conn_close(x);
	guard_conn_close(y);

	/* requests through the proxy count against their forwarded client */
	struct guard_addr client;
	char text[INET6_ADDRSTRLEN];
	guard_client_address(peer("10.0.0.1"), "203.0.113.7", &client, text);
	assert_int_equal(guard_conn_attribute(p[0], &client), 0);
	assert_int_equal(guard_conn_attribute(p[0], &client), 0); /* again: no second count */
	assert_int_equal(guard_conn_attribute(p[1], &client), 0);
	assert_int_equal(guard_conn_attribute(p[2], &client), -1); /* its cap of 2 */
	assert_false(guard_accept(peer("203.0.113.7")));
	/* moving p[1] to another client frees a count of the first */
	struct guard_addr other;
	guard_client_address(peer("10.0.0.1"), "203.0.113.8", &other, text);
	assert_int_equal(guard_conn_attribute(p[1], &other), 0);
	assert_true(guard_accept(peer("203.0.113.7")));
	for (int i = 0; i < 5; i++)
		guard_conn_close(p[i]);
	assert_true(guard_accept(peer("203.0.113.7")));
	assert_true(guard_accept(peer("203.0.113.8")));
	guard_conn_close(NULL);
	guard_stop();

	/* a cap of 0 caps nothing */
	start("", 0, 0, 0);
	struct guard_conn *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = guard_conn_open(peer("198.51.100.1"), -1);
	assert_true(guard_accept(peer("198.51.100.1")));
	assert_int_equal(guard_conn_attribute(c[0], &client), 0);
	for (int i = 0; i < 3; i++)
		guard_conn_close(c[i]);
	guard_stop();
}

/* guard-140: the body budget: what fits is taken, what would pass it is
** refused and takes nothing, a release makes room again; 0 is no budget. */
static void guard_140_body_memory(void **state)
{
	(void)state;
	start("", 0, 1000, 0);
	assert_int_equal(guard_body_reserve(600), 0);
	assert_int_equal(guard_body_reserve(401), -1);
	assert_int_equal(guard_body_reserve(400), 0);
	assert_int_equal(guard_body_reserve(1), -1);
	guard_body_release(600);
	assert_int_equal(guard_body_reserve(600), 0);
	guard_body_release(1000);
	assert_int_equal(guard_body_reserve(1000), 0);
	guard_body_release(1000);
	guard_stop();
	start("", 0, 0, 0);
	assert_int_equal(guard_body_reserve((size_t)1 << 40), 0);
	guard_body_release((size_t)1 << 40);
	guard_stop();
}

/* 1 when the socket saw end-of-file (its peer was shut down) within ms. */
static int sees_eof(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, ms) != 1)
		return 0;
	char c;
	return read(fd, &c, 1) == 0;
}

/* guard-150: the header deadline: a connection still in its header after
** header_seconds is shut down by the deadline thread; one being answered
** (GUARD_BUSY) is not. */
static void guard_150_header_deadline(void **state)
{
	(void)state;
	int slow[2], busy[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, slow), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, busy), 0);
	start("", 0, 0, 1);
	struct guard_conn *s = guard_conn_open(peer("198.51.100.1"), slow[0]);
	struct guard_conn *b = guard_conn_open(peer("198.51.100.2"), busy[0]);
	guard_conn_phase(b, GUARD_BUSY);
	assert_false(sees_eof(slow[1], 500)); /* not before its second */
	assert_true(sees_eof(slow[1], 2500));
	assert_false(sees_eof(busy[1], 0));
	guard_conn_close(s);
	guard_conn_close(b);
	guard_stop();
	for (int i = 0; i < 2; i++) {
		close(slow[i]);
		close(busy[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guard_100_proxies_parse),
		cmocka_unit_test(guard_110_untrusted),
		cmocka_unit_test(guard_120_forwarded),
		cmocka_unit_test(guard_130_cap),
		cmocka_unit_test(guard_140_body_memory),
		cmocka_unit_test(guard_150_header_deadline),
	};
	return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
