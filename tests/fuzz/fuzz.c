/* fuzz.c: helpers of fuzz.h. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static char path[4096];

static void remove_file(void)
{
	if (path[0])
		unlink(path);
}

const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	if (!path[0])
		atexit(remove_file);
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/bidrag-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
			abort();
		}
		off += (size_t)w;
	}
	close(fd);
	return path;
}
