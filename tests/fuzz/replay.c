/*
** replay.c — main() for the fuzz targets in builds without libFuzzer (gcc,
** the sanitizer build of scripts/test.sh): runs the target once on every
** file named on the command line or found in a directory named there, so
** that the seed corpus and every kept crash input (tests/fuzz/crashes/) are
** regression tests in ctest.  A missing directory is skipped (a target may
** have no crashes yet).  Each input is copied into a buffer of exactly its
** size so that AddressSanitizer sees a read past its end, as under libFuzzer.
** Exit status 0 when every input ran; a failing input aborts.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Run the target on the file at path; 0 done, -1 unreadable. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	char *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			char *p = realloc(data, cap);
			if (!p)
				abort();
			data = p;
		}
		size_t got = fread(data + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "%s: read error\n", path);
		free(data);
		return -1;
	}
	/* exactly len bytes, so that overreads are caught */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	if (len)
		memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0, ran = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* no such directory: nothing to replay there */
		if (!S_ISDIR(st.st_mode)) {
			rc |= replay_file(argv[i]);
			ran++;
			continue;
		}
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, alphasort);
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = -1;
			continue;
		}
		for (int k = 0; k < n; k++) {
			if (names[k]->d_name[0] != '.') {
				size_t pl = strlen(argv[i]) + strlen(names[k]->d_name) + 2;
				char *path = malloc(pl);
				if (!path)
					abort();
				snprintf(path, pl, "%s/%s", argv[i], names[k]->d_name);
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
					rc |= replay_file(path);
					ran++;
				}
				free(path);
			}
			free(names[k]);
		}
		free(names);
	}
	printf("%s: %d inputs replayed\n", argv[0], ran);
	return rc ? 1 : 0;
}
