/*
** fuzz.h — what every libFuzzer target of tests/fuzz shares: the entry point
** libFuzzer (or replay.c, in builds without libFuzzer) calls, and CHECK(),
** which turns a broken invariant into a crash the fuzzer keeps as an input.
**
** A target takes arbitrary bytes, feeds them to one parser of outside
** input, and checks properties of the result that must hold for every
** input; memory errors, leaks and undefined behaviour are found by the
** sanitizers the targets are built with.
*/
#ifndef JIFEN_FUZZ_H
#define JIFEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
