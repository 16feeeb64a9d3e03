/*
** signing.c — the deployment's signing key: its file's path and default,
** its name, making it at `jifen init`, reading it, and the origins of what
** it signs (signing.h).
*/
#include "signing.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *key_path = "jifen.db.key";

void signing_set_key_path(const char *path)
{
	key_path = path;
}

const char *signing_key_path(void)
{
	return key_path;
}

static int is_pg_url(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

/* The database's name of a postgresql:// URL: the last path component
** before any '?', "jifen" when none; characters outside [A-Za-z0-9._-]
** become '-'.  In arena a. */
static char *pg_db_name(arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *slash = strchr(p, '/');
	const char *name = slash ? slash + 1 : "";
	size_t n = strcspn(name, "?#");
	if (n == 0) {
		name = "jifen";
		n = 5;
	}
	char *out = arena_strndup(a, name, n);
	for (char *c = out; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '.' || *c == '_' || *c == '-'))
			*c = '-';
	return out;
}

char *signing_default_key_path(arena *a, const char *db_url)
{
	if (is_pg_url(db_url))
		return arena_printf(a, "%s.key", pg_db_name(a, db_url));
	return arena_printf(a, "%s.key", db_url);
}

char *signing_default_origin(arena *a, const char *db_url)
{
	const char *env = getenv("JIFEN_ORIGIN");
	if (env && *env)
		return arena_strdup(a, env);
	char *name;
	if (is_pg_url(db_url))
		name = pg_db_name(a, db_url);
	else {
		const char *base = strrchr(db_url, '/');
		name = arena_strdup(a, base ? base + 1 : db_url);
		char *dot = strrchr(name, '.');
		if (dot && dot != name)
			*dot = 0;
		for (char *c = name; *c; c++)
			if (*c == ' ' || *c == '+' || (unsigned char)*c < 0x20)
				*c = '-';
	}
	return arena_printf(a, "jifen.local/%s", *name ? name : "jifen");
}

/* The Chinese message of the key file's failure rc (a NOTE_ERR_*; errno
** set by the failing call for NOTE_ERR_IO). */
static void key_error(int rc, errlist *errs)
{
	if (rc == NOTE_ERR_IO && errno == ENOENT)
		errlist_add(errs, "签名密钥文件 %s 不存在，请先运行 jifen init（或用 --key 指定）",
			    key_path);
	else if (rc == NOTE_ERR_IO)
		errlist_add(errs, "签名密钥文件 %s 无法读写: %s", key_path, strerror(errno));
	else if (rc == NOTE_ERR_KEY_MODE)
		errlist_add(errs, "签名密钥文件 %s 别人也能读，请改为只有本用户可读（chmod 600）",
			    key_path);
	else
		errlist_add(errs, "签名密钥文件 %s 不是 jifen 的签名密钥", key_path);
}

int signing_key_ensure(arena *a, const char *origin, int *created, errlist *errs)
{
	struct note_signer s;
	*created = 0;
	if (!note_name_valid(origin)) {
		errlist_add(errs, "签名密钥名称「%s」无效：不能为空，不能含空格或 +", origin);
		return 1;
	}
	int rc = note_key_create(a, key_path, origin, &s);
	note_signer_wipe(&s);
	if (rc == NOTE_OK) {
		*created = 1;
		return 0;
	}
	if (rc == NOTE_ERR_EXISTS) {
		/* there already: it must be a key we can use */
		rc = note_key_read(a, key_path, &s);
		note_signer_wipe(&s);
		if (rc == NOTE_OK)
			return 0;
	}
	key_error(rc, errs);
	return 1;
}

int signing_key_load(arena *a, struct note_signer *s, errlist *errs)
{
	int rc = note_key_read(a, key_path, s);
	if (rc == NOTE_OK)
		return 0;
	key_error(rc, errs);
	return 1;
}

char *signing_village_origin(arena *a, const char *key_name, const char *village_code)
{
	return arena_printf(a, "%s/%s", key_name, village_code);
}

char *signing_announcement_origin(arena *a, const char *key_name, const char *village_code,
				  const char *quarter)
{
	return arena_printf(a, "%s/%s/%s", key_name, village_code, quarter);
}
