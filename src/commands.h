/*
** commands.h — the CLI commands that live outside main.c (cmd_*.c and the
** areas), each `int fn(struct cli *c)` returning an INTERFACES.md exit code.
*/
#ifndef JIFEN_COMMANDS_H
#define JIFEN_COMMANDS_H

#include "cli.h"

/* cmd_import.c */
int cmd_import_households(struct cli *c);

/* demo.c: load the demo town into an empty database, print its logins. */
int demo_load(struct cli *c);

#endif
