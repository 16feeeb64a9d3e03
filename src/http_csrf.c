/*
** http_csrf.c — the CSRF tokens a POST must carry (Fossil's
** cgi_csrf_safe): the session's token once logged in, and before login a
** double-submit cookie that only jifen can issue, signed with the town's
** server secret.  Split out of http.c, the libmicrohttpd glue, which calls
** csrf_ok() in its dispatch; page frames ask http_pre_csrf() for the token
** of a login form.
*/
#include "http.h"
#include "http_int.h"

#include <sodium.h>
#include <string.h>

static const char PRE_COOKIE[] = "jifen_pre"; /* CSRF token before login */

/* Set once by csrf_key_set() before the daemon starts; read-only afterwards. */
static unsigned char server_key[32]; /* server_secret(): signs pre-login tokens */

void csrf_key_set(const unsigned char key[32])
{
	memcpy(server_key, key, sizeof server_key);
}

/* Constant-time comparison of two NUL-terminated tokens. */
static int token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (!n || n != strlen(b))
		return 0;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/* A pre-login token is 32 random bytes and their HMAC-SHA256 under the
** server's secret, both as hex: a double-submit cookie alone would take
** any value an attacker can plant in both cookie and form (a cookie set by
** a sibling subdomain, one character long); this one only jifen issues,
** and every instance of a town checks it with the same secret. */
enum { PRE_TOKEN_LEN = 128 };

/* The MAC of the 64 hex characters at nonce, as 64 hex + NUL into out. */
static void pre_token_mac(const char *nonce, char *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, server_key, sizeof server_key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)nonce, 64);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

/* 1 when t is a pre-login token this server (or another instance of the
** town) issued. */
static int pre_token_valid(const char *t)
{
	if (strlen(t) != PRE_TOKEN_LEN || strspn(t, "0123456789abcdef") != PRE_TOKEN_LEN)
		return 0;
	char mac[65];
	pre_token_mac(t, mac);
	return sodium_memcmp(mac, t + 64, 64) == 0;
}

/* The CSRF token a POST must carry: the session's, or before login the
** double-submit cookie's, which must be one jifen issued. */
int csrf_ok(struct req *r)
{
	const char *sent = req_form(r, "csrf");
	if (!sent)
		sent = http_request_header(r, "X-CSRF-Token");
	if (!sent)
		return 0;
	if (r->user)
		return token_equal(sent, r->user->csrf);
	const char *pre = http_cookie_value(r, PRE_COOKIE);
	return pre && pre_token_valid(pre) && token_equal(sent, pre);
}

/* The token the login forms carry before a session exists: the cookie's
** when jifen issued it, or a new one set now. */
const char *http_pre_csrf(struct req *r)
{
	const char *pre = http_cookie_value(r, PRE_COOKIE);
	if (pre && pre_token_valid(pre))
		return pre;
	char *t = arena_alloc(r->a, PRE_TOKEN_LEN + 1);
	random_hex(t, 32);
	pre_token_mac(t, t + 64);
	http_cookie(r, PRE_COOKIE, t, 0);
	return t;
}
