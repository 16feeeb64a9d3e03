/*
** signing.h — the deployment's signing key (c2sp signed-note Ed25519, see
** note.h) as jifen uses it: where its file is, the name it is made with,
** and the origins of the checkpoints it signs.
**
** The key file lives outside the database, so that whoever can write the
** database cannot re-sign a rewritten ledger.  It is chosen by `--key FILE`
** (before or after the subcommand, like --db) or JIFEN_KEY; the default is
** the database's path + ".key" for SQLite, and "<database name>.key" in the
** current folder for a postgresql:// URL (the URL's last path component,
** "jifen" when it has none).  `jifen init` makes it when missing.
**
** The key's name is the town's origin (a schemeless URL: JIFEN_ORIGIN when
** the key is made, else "jifen.local/" + the database's name); the ledger
** checkpoint of village CODE has origin "<key name>/CODE" and an
** announcement of quarter YYYY-Qn "<key name>/CODE/YYYY-Qn".
**
** The key path is process-wide, set once by main() before any thread runs.
*/
#ifndef JIFEN_SIGNING_H
#define JIFEN_SIGNING_H

#include "note.h"
#include "util.h"

/* Set and read the key file's path (main.c sets it at start). */
void signing_set_key_path(const char *path);
const char *signing_key_path(void);
/* The default key path for database URL db_url (above), in arena a. */
char *signing_default_key_path(arena *a, const char *db_url);
/* The default key name for db_url: JIFEN_ORIGIN, else "jifen.local/" + the
** database's name (letters, digits, '-', '_', '.' kept; others '-'). */
char *signing_default_origin(arena *a, const char *db_url);

/* Make the key at the key path when it is missing, named origin.  *created
** says whether it was made.  Returns 0, or 1 with a Chinese message in errs
** (cannot write it, a bad name, or an existing file that is not a key). */
int signing_key_ensure(arena *a, const char *origin, int *created, errlist *errs);
/* Read the key at the key path into *s (wipe it when done).  Returns 0, or
** 1 with a Chinese message in errs naming the file and what is wrong. */
int signing_key_load(arena *a, struct note_signer *s, errlist *errs);

/* The checkpoint origin of village code under key name key_name, and of
** its announcement of quarter, in arena a. */
char *signing_village_origin(arena *a, const char *key_name, const char *village_code);
char *signing_announcement_origin(arena *a, const char *key_name, const char *village_code,
				  const char *quarter);

#endif
