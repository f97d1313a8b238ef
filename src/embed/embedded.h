/* embedded.h: the reference data files of data/, compiled in. */
#ifndef BIDRAG_EMBEDDED_H
#define BIDRAG_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* path below data/, e.g. "datasets/insatser@2023.csv" */
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* embedded_find: the file of that name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
