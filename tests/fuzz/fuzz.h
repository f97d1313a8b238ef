/* fuzz.h: what the libFuzzer harnesses of tests/fuzz share.
 *
 * Each harness feeds its input to one reader and checks a property of what
 * comes out, not only that nothing crashed: what a writer makes of a value
 * read, the reader reads back the same; sums are what the parts add up to;
 * a refusal comes with a message that names where.  A property that fails
 * aborts with a line saying which (PROP), and libFuzzer reports that as a
 * crash with the input that caused it: tests/fuzz/README.md says how to run
 * a harness on it again. */
#ifndef BIDRAG_FUZZ_H
#define BIDRAG_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* PROP: a property of the reader; when it does not hold, say which and
 * abort (libFuzzer keeps the input as crash-...). */
#define PROP(cond, ...)                                                                                            \
	do {                                                                                                       \
		if (!(cond)) {                                                                                     \
			fprintf(stderr, "\nproperty failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond);          \
			fprintf(stderr, __VA_ARGS__);                                                              \
			fputc('\n', stderr);                                                                       \
			abort();                                                                                   \
		}                                                                                                  \
	} while (0)

/* fuzz_str: the input as a NUL-terminated string (free it); a NUL inside
 * ends it early, as it would for a reader of C strings. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* fuzz_refused: a reader's refusal: a message, and one that names the
 * input (origin) so the user knows where to look. */
#define fuzz_refused(err, origin)                                                                                  \
	do {                                                                                                       \
		PROP((err)->msg[0] != '\0', "a refusal without a message");                                        \
		PROP(strstr((err)->msg, (origin)) != NULL, "the message does not name the input '%s': %s", (origin), \
		     (err)->msg);                                                                                  \
	} while (0)

/* fuzz_file: the input written whole to a file of this process's own
 * (for readers that take a path), returned as its path. */
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);

#endif
