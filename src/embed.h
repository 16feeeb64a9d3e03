/*
** embed.h — files compiled into the binary by cmake/embed.cmake: the schema
** migrations (src/schema/NNN-name.sql) and the static assets (the static folder).
** Each table is sorted by name and ends with a {0,0,0,0} row; data is
** NUL-terminated (the NUL is not counted in len).
*/
#ifndef JIFEN_EMBED_H
#define JIFEN_EMBED_H
#include <stddef.h>
struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
	const char *etag; /* quoted: the first 16 hex digits of the SHA-256 */
};
extern const struct embedded_file embedded_schema[];
extern const struct embedded_file embedded_static[];
#endif
