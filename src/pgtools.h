/*
** pgtools.h — running PostgreSQL's own tools (pg_dump, pg_restore) for the
** backup and restore of a postgresql:// database.  The connection travels
** in the child's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
** PGDATABASE, …, built by db_pg.c from the open connection), never on its
** command line, where every user of the machine could read a password in
** /proc/PID/cmdline.
*/
#ifndef JIFEN_PGTOOLS_H
#define JIFEN_PGTOOLS_H

#include <stddef.h>

/* pg_dump -Fc into a new file beside path, checked with pg_restore --list,
** then renamed to path: path is either absent or a whole, readable dump.
** pgenv: "NAME=value" strings, NULL-terminated.  0, or -1 with err. */
int pgtool_dump(char *const *pgenv, const char *path, char *err, size_t n);

/* pg_restore of the custom-format dump path into the database of pgenv,
** in one transaction, stopping at the first error.  0, or -1 with err. */
int pgtool_restore(char *const *pgenv, const char *path, char *err, size_t n);

#endif
