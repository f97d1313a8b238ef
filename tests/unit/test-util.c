/* test-util: the allocation wrappers' advice for transparent huge pages
 * and the string pool's growing blocks (src/core/util.c). */
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The VmFlags line of the mapping in /proc/self/smaps that holds p, in
 * flags (empty if none found). */
static void vmflags_of(const void *p, char *flags, size_t cap)
{
	flags[0] = '\0';
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return;
	char line[512];
	int inside = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char dash;
		if (sscanf(line, "%lx%c%lx ", &lo, &dash, &hi) == 3 && dash == '-') {
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(flags, cap, "%s", line + 8);
			break;
		}
	}
	fclose(f);
}

static int advised(const void *p)
{
	char flags[512];
	vmflags_of(p, flags, sizeof flags);
	return strstr(flags, " hg") != NULL;
}

int main(void)
{
	/* Huge-page advice, where the kernel has THP (a kernel without it
	 * refuses the advice and nothing changes: only skip then). */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0) {
		size_t big = 16u << 20;
		char *a = xmalloc(big);
		ok(advised(a + big / 2), "xmalloc of 16 MiB: its mapping is advised for huge pages (VmFlags hg)");
		memset(a, 7, big);
		unsigned char *c = xcalloc(big / 8, 8);
		ok(advised(c + big / 2), "xcalloc of 16 MiB: advised");
		size_t zeros = 0;
		for (size_t i = 0; i < big; i += 4096)
			zeros += c[i] == 0;
		ok(zeros == big / 4096, "xcalloc of 16 MiB: every page zero");
		a = xrealloc(a, 2 * big);
		ok(advised(a + big + big / 2), "xrealloc to 32 MiB: the grown part advised");
		ok(a[0] == 7 && a[big - 1] == 7, "xrealloc to 32 MiB: the first 16 MiB kept");
		free(a);
		free(c);
	} else {
		diag("no /sys/kernel/mm/transparent_hugepage: advice not checked");
	}

	/* The pool: small strings in the first block of 1 MiB, then blocks
	 * twice the last up to 64 MiB, a block as long as a longer string. */
	struct strpool p;
	strpool_init(&p);
	char *small[3];
	small[0] = strpool_dup(&p, "r00000001", 9);
	small[1] = strpool_strdup(&p, "");
	small[2] = strpool_dup(&p, "abcdef", 3);
	size_t big = 40u << 20;
	char *src = xmalloc(big);
	char *s[4];
	for (int i = 0; i < 4; i++) {
		memset(src, 'a' + i, big);
		s[i] = strpool_dup(&p, src, big);
	}
	int intact = 1;
	for (int i = 0; i < 4; i++)
		intact &= s[i][0] == 'a' + i && s[i][big - 1] == 'a' + i && s[i][big] == '\0';
	ok(intact, "four strings of 40 MiB: each intact and NUL-terminated");
	ok(s[2] == s[1] + big + 1, "the third 40 MiB string in the block of the second (twice 40 MiB)");
	ok(s[3] != s[2] + big + 1, "the fourth in a new block (that block full; blocks stop doubling past 64 MiB)");
	ok(strcmp(small[0], "r00000001") == 0 && strcmp(small[1], "") == 0 && strcmp(small[2], "abc") == 0,
	   "the small strings before them intact");
	int n_ok = 1;
	char buf[32];
	char *ids[20000];
	for (int i = 0; i < 20000; i++) {
		int len = snprintf(buf, sizeof buf, "id%d", i);
		ids[i] = strpool_dup(&p, buf, (size_t)len);
	}
	for (int i = 0; i < 20000; i++) {
		snprintf(buf, sizeof buf, "id%d", i);
		n_ok &= strcmp(ids[i], buf) == 0;
	}
	ok(n_ok, "20 000 short strings after them intact");
	free(src);
	strpool_release(&p);
	return tap_done();
}
