/*
** conffile.c — reading /etc/jifen/jifen.conf (see conffile.h).
*/
#include "conffile.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *conf_path(const char *explicit_path, int *required)
{
	*required = 1;
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv("JIFEN_CONFIG");
	if (env && *env)
		return env;
	*required = 0;
	/* systemd sets INVOCATION_ID for every unit it starts: the service and
	** the backup timer's job read the package's file, a shell does not */
	const char *inv = getenv("INVOCATION_ID");
	return inv && *inv ? CONF_DEFAULT_PATH : NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = 0;
	return s;
}

/* Store value into the field name of c: 0, 1 unknown name, 2 bad value. */
static int conf_set(arena *a, struct jifen_conf *c, const char *name, const char *value)
{
	static const struct {
		const char *name;
		size_t off;
	} texts[] = {
		{"db", offsetof(struct jifen_conf, db)},
		{"listen", offsetof(struct jifen_conf, listen)},
		{"key", offsetof(struct jifen_conf, key)},
		{"town", offsetof(struct jifen_conf, town)},
		{"backup_dir", offsetof(struct jifen_conf, backup_dir)},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strcmp(name, texts[i].name)) {
			const char **field = (const char **)((char *)c + texts[i].off);
			*field = *value ? arena_strdup(a, value) : NULL;
			return 0;
		}
	if (!strcmp(name, "backup_keep_days")) {
		int64_t v;
		if (parse_int64(value, &v) || v < 0 || v > 36500)
			return 2;
		c->backup_keep_days = (int)v;
		return 0;
	}
	return 1;
}

int conf_load(arena *a, const char *path, int required, struct jifen_conf *out, char *err,
	      size_t n)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!required && errno == ENOENT)
			return 0;
		snprintf(err, n, "无法读取配置文件 %s: %s", path, strerror(errno));
		return -1;
	}
	out->path = arena_strdup(a, path);
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, n, "%s:%d: 应为 名称 = 值", path, lineno);
			rc = -1;
			break;
		}
		*eq = 0;
		char *name = trim(s), *value = trim(eq + 1);
		int st = conf_set(a, out, name, value);
		if (st) {
			snprintf(err, n, st == 1 ? "%s:%d: 未知的设置 %s" : "%s:%d: %s 的值无效", path,
				 lineno, name);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}
