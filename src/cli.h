/*
** cli.h — what a command-line subcommand receives.  main.c parses the global
** options (--db, before or after the subcommand), opens the database and
** calls the command's function with the remaining words.  Exit codes are
** those of INTERFACES.md: 0 done, 1 input rejected (nothing written),
** 2 usage error, 3 any other failure (nothing half-written either).
*/
#ifndef JIFEN_CLI_H
#define JIFEN_CLI_H

#include "audit.h"
#include "db.h"
#include "util.h"

struct jifen_conf;

enum { EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FAILURE_3 = 3 };

struct cli {
	db *db;             /* open, migrated to the newest schema */
	const char *db_url;
	arena *a;
	struct actor actor; /* {0, "cli", ""} */
	int argc;           /* words after the subcommand name(s), options included */
	char **argv;
	const char *usage;  /* the command's usage line, from main.c's table */
	const struct jifen_conf *conf; /* the configuration file's settings (conffile.h) */
};

/* Print "用法: jifen " and the command's usage line to stderr; returns 2. */
int cli_usage(struct cli *c);

/* Option parsing over c->argv: the value of "--name VALUE" or
** "--name=VALUE" (NULL when absent), whether a flag is present, and the
** positional words left once options are taken out.  An option not in the
** command's known list is a usage error: cli_check_options() prints it and
** returns 2, else 0.  known is a NULL-terminated list like
** {"--village=", "--dry-run", NULL}: a trailing '=' marks options that take
** a value. */
const char *cli_opt(struct cli *c, const char *name);
int cli_flag(struct cli *c, const char *name);
int cli_check_options(struct cli *c, const char *const *known);
/* The i-th positional word (0-based) or NULL. */
const char *cli_pos(struct cli *c, int i);
int cli_npos(struct cli *c);

/* Print every message of errs to stderr, one per line. */
void cli_print_errors(const errlist *errs);
/* Print a database failure ("数据库错误: ...") and return 3. */
int cli_db_failure(struct cli *c);
/* The exit code of an area function's failure rc: 1 (rejected) prints
** errs and returns 1, -1 prints the database error and returns 3. */
int cli_area_failure(struct cli *c, int rc, const errlist *errs);
/* The end of a command that adds one row: rc 0 prints id, the new row's,
** and returns 0; else cli_area_failure().  errs is freed. */
int cli_added(struct cli *c, int rc, errlist *errs, int64_t id);

/* cli_check_options() that prints the usage line on a problem: 2, else 0. */
int cli_options_or_usage(struct cli *c, const char *const *known);
/* The village of code, or NULL after printing "没有编号为…的村" (the
** caller exits 1). */
struct village;
struct village *cli_village_or_reject(struct cli *c, const char *code);
/* The words of a command of --village CODE and the other options known,
** with no words (announcements, objections, group): 0 with *v the
** village; else the exit code (the usage printed, or the unknown village
** said). */
int cli_village_words(struct cli *c, const char *const *known, struct village **v);
/* The rest of the opener of a command on one village, after
** cli_options_or_usage() (positional words are told apart from option
** values only then): wrong (the command's own test of its other options
** and words) or no --village: the usage printed and 2; else 0 with *v the
** village of --village, or 1 when there is none (said). */
int cli_village_or_usage(struct cli *c, int wrong, struct village **v);
/* The words of a command whose one option is [--village CODE] and that
** takes no words (verify, passbook-render): 0 with *v the village, NULL
** without --village; else the exit code (the usage printed, or the
** unknown village said). */
int cli_optional_village(struct cli *c, struct village **v);
/* A year option (--year) as 2000–9999 into *year: 0, or -1 (usage). */
int cli_opt_year(struct cli *c, const char *name, int *year);

#endif
