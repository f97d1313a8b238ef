#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int read_file(const char *path, size_t max, char **data, size_t *len, struct bd_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return bd_fail(err, "cannot open '%s': %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *p = xmalloc(cap);
	for (;;) {
		if (cap - n < 2) {
			if (cap >= max + 2) {
				free(p);
				if (f != stdin)
					fclose(f);
				return bd_fail(err, "'%s' is larger than the limit of %zu bytes", path, max);
			}
			cap *= 2;
			p = xrealloc(p, cap);
		}
		size_t got = fread(p + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad || n > max) {
		free(p);
		return bad ? bd_fail(err, "cannot read '%s'", path)
			   : bd_fail(err, "'%s' is larger than the limit of %zu bytes", path, max);
	}
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}

int map_file(const char *path, size_t max, const char **data, size_t *len, bool *mapped, struct bd_error *err)
{
	struct stat st;
	int fd = strcmp(path, "-") == 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((size_t)st.st_size > max) {
			close(fd);
			return bd_fail(err, "'%s' is larger than the limit of %zu bytes", path, max);
		}
		/* MAP_POPULATE faults the pages in one go rather than one by one. */
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		close(fd);
		if (p != MAP_FAILED) {
			*data = p;
			*len = (size_t)st.st_size;
			*mapped = true;
			return 0;
		}
	} else if (fd >= 0) {
		close(fd);
	}
	char *buf;
	if (read_file(path, max, &buf, len, err))
		return -1;
	*data = buf;
	*mapped = false;
	return 0;
}

void unmap_file(const char *data, size_t len, bool mapped)
{
	if (mapped)
		munmap((void *)data, len);
	else
		free((void *)data);
}
