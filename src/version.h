/*
** version.h — what `jifen --version` prints: the project's version and the
** commit it was built from, baked in at build time (cmake/version.cmake).
*/
#ifndef JIFEN_VERSION_H
#define JIFEN_VERSION_H

extern const char jifen_version[];
extern const char jifen_commit[];

#endif
