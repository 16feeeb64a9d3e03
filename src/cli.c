/*
** cli.c — the helpers of cli.h every CLI command uses: options and
** positional words, the usage line, and the messages and exit codes of
** failures (INTERFACES.md).  The commands are in main.c, cmd_*.c and demo.c.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "village.h"

/* The index of option name in argv, or -1; *value gets its value for
** "--name=VALUE" or "--name VALUE" options. */
static int opt_index(struct cli *c, const char *name, const char **value)
{
	size_t n = strlen(name);
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!strcmp(w, "--"))
			return -1;
		if (!strncmp(w, name, n) && (w[n] == 0 || w[n] == '=')) {
			if (value)
				*value = w[n] == '=' ? w + n + 1 : (i + 1 < c->argc ? c->argv[i + 1] : NULL);
			return i;
		}
	}
	return -1;
}

const char *cli_opt(struct cli *c, const char *name)
{
	const char *v = NULL;
	return opt_index(c, name, &v) >= 0 ? v : NULL;
}

int cli_flag(struct cli *c, const char *name)
{
	return opt_index(c, name, NULL) >= 0;
}

/* Is word i the value of the option before it ("--village X")? */
static const char *const *known_options;
static int takes_value(const char *w)
{
	if (!known_options || strncmp(w, "--", 2) || strchr(w, '='))
		return 0;
	size_t n = strlen(w);
	for (const char *const *k = known_options; *k; k++)
		if (!strncmp(*k, w, n) && (*k)[n] == '=')
			return 1;
	return 0;
}

int cli_check_options(struct cli *c, const char *const *known)
{
	known_options = known;
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (strncmp(w, "--", 2) || !strcmp(w, "--"))
			continue;
		const char *eq = strchr(w, '=');
		size_t n = eq ? (size_t)(eq - w) : strlen(w);
		int ok = 0;
		for (const char *const *k = known; *k; k++) {
			size_t kn = strlen(*k);
			int wants_value = (*k)[kn - 1] == '=';
			if (wants_value)
				kn--;
			if (kn == n && !strncmp(*k, w, n)) {
				ok = 1;
				if (wants_value && !eq && (i + 1 >= c->argc)) {
					fprintf(stderr, "选项 %.*s 需要一个值\n", (int)n, w);
					return EXIT_USAGE;
				}
				if (!wants_value && eq) {
					fprintf(stderr, "选项 %.*s 不带值\n", (int)n, w);
					return EXIT_USAGE;
				}
				if (wants_value && !eq)
					i++;
			}
		}
		if (!ok) {
			fprintf(stderr, "未知选项: %s\n", w);
			return EXIT_USAGE;
		}
	}
	return 0;
}

const char *cli_pos(struct cli *c, int want)
{
	int k = 0;
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!strncmp(w, "--", 2) && strcmp(w, "--")) {
			if (takes_value(w))
				i++;
			continue;
		}
		if (k++ == want)
			return w;
	}
	return NULL;
}

int cli_npos(struct cli *c)
{
	int n = 0;
	while (cli_pos(c, n))
		n++;
	return n;
}

void cli_print_errors(const errlist *errs)
{
	for (int i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->msg[i]);
}

int cli_db_failure(struct cli *c)
{
	fprintf(stderr, "数据库错误: %s\n", db_errmsg(c->db));
	return EXIT_FAILURE_3;
}

int cli_area_failure(struct cli *c, int rc, const errlist *errs)
{
	if (rc > 0) {
		cli_print_errors(errs);
		return EXIT_REJECTED;
	}
	return cli_db_failure(c);
}

int cli_added(struct cli *c, int rc, errlist *errs, int64_t id)
{
	if (rc)
		rc = cli_area_failure(c, rc, errs);
	else
		printf("%lld\n", (long long)id);
	errlist_free(errs);
	return rc;
}

int cli_usage(struct cli *c)
{
	fprintf(stderr, "用法: jifen %s\n", c->usage ? c->usage : "help");
	return EXIT_USAGE;
}

int cli_options_or_usage(struct cli *c, const char *const *known)
{
	return cli_check_options(c, known) ? cli_usage(c) : 0;
}

struct village *cli_village_or_reject(struct cli *c, const char *code)
{
	struct village *v = code ? village_by_code(c->db, c->a, code) : NULL;
	if (!v)
		fprintf(stderr, "没有编号为“%s”的村\n", code ? code : "");
	return v;
}

int cli_village_words(struct cli *c, const char *const *known, struct village **v)
{
	*v = NULL;
	int rc = cli_options_or_usage(c, known);
	return rc ? rc : cli_village_or_usage(c, cli_npos(c), v);
}
int cli_village_or_usage(struct cli *c, int wrong, struct village **v)
{
	*v = NULL;
	if (wrong || !cli_opt(c, "--village"))
		return cli_usage(c);
	*v = cli_village_or_reject(c, cli_opt(c, "--village"));
	return *v ? 0 : EXIT_REJECTED;
}
int cli_optional_village(struct cli *c, struct village **v)
{
	static const char *const known[] = {"--village=", NULL};
	*v = NULL;
	int rc = cli_options_or_usage(c, known);
	if (rc)
		return rc;
	if (cli_npos(c))
		return cli_usage(c);
	const char *code = cli_opt(c, "--village");
	return code && !(*v = cli_village_or_reject(c, code)) ? EXIT_REJECTED : 0;
}

int cli_opt_year(struct cli *c, const char *name, int *year)
{
	const char *s = cli_opt(c, name);
	*year = 0;
	if (!s || strlen(s) != 4 || strspn(s, "0123456789") != 4)
		return -1;
	*year = atoi(s);
	return *year >= 2000 ? 0 : -1;
}
