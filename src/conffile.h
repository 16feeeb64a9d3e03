/*
** conffile.h — the deployment's configuration file, /etc/jifen/jifen.conf
** as the Debian package installs it: what an operator sets once for the
** service (database, listen address, key file, town name, backups) rather
** than on every command line.  The command line and the environment win
** over it (--db, JIFEN_DB, --key, JIFEN_KEY, --listen), so scripts and
** tests that name their database keep working beside an installed package.
**
** Format: "name = value" lines; '#' starts a comment line; blank lines are
** skipped; values are taken as written, spaces around them trimmed.
*/
#ifndef JIFEN_CONFFILE_H
#define JIFEN_CONFFILE_H

#include <stddef.h>

#include "util.h"

/* The default file: read when --config and JIFEN_CONFIG name none and
** jifen runs under systemd (INVOCATION_ID set), so that a `jifen` typed at
** a shell on the same machine does not pick up the service's database. */
#define CONF_DEFAULT_PATH "/etc/jifen/jifen.conf"

struct jifen_conf {
	const char *path;        /* the file read, NULL when none */
	const char *db;          /* database URL or SQLite file */
	const char *listen;      /* HOST:PORT for serve */
	const char *key;         /* the signing key file */
	const char *town;        /* the town's name, set by init */
	const char *backup_dir;  /* where `backup --dir` without DIR writes */
	int backup_keep_days;    /* backups older than this are removed; 0 keeps all */
};

/* Read path into *out (strings in arena a; fields not in the file stay
** NULL/0).  A missing file is an error only when required.  0, or -1 with
** a message naming the file and line in err. */
int conf_load(arena *a, const char *path, int required, struct jifen_conf *out, char *err,
	      size_t n);

/* The file to read: explicit (--config) or JIFEN_CONFIG, else the default
** under systemd, else NULL; *required: whether its absence is an error. */
const char *conf_path(const char *explicit_path, int *required);

#endif
