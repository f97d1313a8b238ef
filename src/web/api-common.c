/* api-common.c: what the API's handlers share: arguments, sending files,
 * transactions, the organisations a mottagare may see. */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "readfile.h"

int need_arg(struct web_req *r, const char *name, const char **out)
{
	*out = web_arg(r, name);
	if (!*out || !**out)
		return web_error(r, 400, name, "%s: missing (a query parameter)", name), -1;
	return 0;
}

int parse_int_arg(struct web_req *r, const char *name, int min, int max, int *out)
{
	const char *s = web_arg(r, name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < min || v > max)
		return web_error(r, 400, name, "%s: expected a whole number from %d to %d", name, min, max), -1;
	*out = (int)v;
	return 0;
}

int send_written(struct web_req *r, const char *type, const char *filename, write_fn fn, void *ctx)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f)
		return web_error(r, 503, NULL, "out of memory");
	struct bd_error err;
	int rc = fn(ctx, f, &err);
	fclose(f);
	if (rc) {
		free(data);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_bytes(r, 200, type, data, len, filename);
}

int send_path(struct web_req *r, const char *type, const char *filename, path_fn fn, void *ctx)
{
	const char *dir = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/bidrag-web-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		web_error(r, 500, NULL, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
		free(tmpl);
		return 0;
	}
	close(fd);
	struct bd_error err;
	char *data = NULL;
	size_t len = 0;
	int rc = fn(ctx, tmpl, &err);
	if (!rc)
		rc = read_file(tmpl, 256u << 20, &data, &len, &err);
	unlink(tmpl);
	free(tmpl);
	if (rc)
		return web_error(r, 500, NULL, "%s", err.msg);
	return web_bytes(r, 200, type, data, len, filename);
}

struct web_tx {
	struct web_req *r;
	tx_fn fn;
	void *ctx;
	bool ran;
};

static int web_tx_run(struct store *s, void *vctx, struct bd_error *err)
{
	struct web_tx *t = vctx;
	struct web_req *r = t->r;
	(void)s;
	t->ran = true;
	err->code = BD_OK; /* a code left by the try before is not this try's */
	int rc = t->fn(r, t->ctx, err);
	if (rc && err->code == BD_BUSY && r->answered) {
		/* fn answered with the busy failure: the answer is the next try's */
		free(r->data);
		r->data = NULL;
		r->dlen = 0;
		r->answered = false;
		r->status = 500;
		r->type = NULL;
	}
	return rc;
}

int in_transaction(struct web_req *r, tx_fn fn, void *ctx, int status)
{
	struct bd_error err;
	/* Run again while the database could not serialise it (PostgreSQL
	 * with other writers, in this process or another): fn reads and checks
	 * afresh each time (store_tx_retry). */
	struct web_tx t = {r, fn, ctx, false};
	if (store_tx_retry(r->store, web_tx_run, &t, &err) == 0)
		return 0;
	if (r->answered)
		return 0; /* fn answered already */
	if (!t.ran || err.code == BD_BUSY)
		return web_error(r, 503, NULL, "%s", err.msg);
	return web_error(r, status, NULL, "%s; nothing was changed", err.msg);
}

bool org_allowed(const struct web_req *r, const char *code)
{
	return !r->scope_org || (code && strcmp(code, r->scope_org) == 0);
}

void safe_filename(char *name)
{
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '-'))
			*c = '_';
}
