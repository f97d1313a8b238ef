/* readfile.h: whole files into memory, with a size limit. */
#ifndef BIDRAG_READFILE_H
#define BIDRAG_READFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* read_file: whole file into memory (NUL-terminated); at most max bytes. */
int read_file(const char *path, size_t max, char **data, size_t *len, struct bd_error *err);

/* map_file: a read-only view of a whole file (not NUL-terminated): mapped
 * for regular files, read into memory for pipes and "-".  Release with
 * unmap_file(data, len, mapped). */
int map_file(const char *path, size_t max, const char **data, size_t *len, bool *mapped, struct bd_error *err);
void unmap_file(const char *data, size_t len, bool mapped);

#endif
