/* bidrag serve: the web application (docs/api.md). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "web.h"
#include "cmd.h"

struct serve_opts {
	const char *db;
	struct web_config cfg;
	char host[64];
};

static int set_listen(void *ctx, const char *text)
{
	struct serve_opts *o = ctx;
	const char *colon = strrchr(text, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || colon == text || (size_t)(colon - text) >= sizeof(o->host) || !colon[1] || *end || port < 0 ||
	    port > 65535)
		return usage_error(&cmd_serve_entry, "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080", text);
	memcpy(o->host, text, (size_t)(colon - text));
	o->host[colon - text] = '\0';
	o->cfg.host = o->host;
	o->cfg.port = (int)port;
	return 0;
}

static int set_threads(void *ctx, const char *text)
{
	struct serve_opts *o = ctx;
	char *end;
	long n = strtol(text, &end, 10);
	if (!*text || *end || n < 1 || n > 256)
		return usage_error(&cmd_serve_entry, "--threads '%s': expected 1 to 256", text);
	o->cfg.threads = (int)n;
	return 0;
}

static const struct cmd_opt serve_options[] = {
	OPT_STR("db", 0, struct serve_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_CALL("listen", 0, "HOST:PORT", set_listen, 
		 "where to listen (default 127.0.0.1:8080; port 0 picks a free one)"),
	OPT_CALL("threads", 0, "N", set_threads, "the number of threads serving requests (default 4)"),
	OPT_BOOL("secure-cookies", 0, struct serve_opts, cfg.secure_cookies, 
		 "mark the session cookie Secure (behind a TLS proxy)"),
	OPT_STR("ready-file", 0, struct serve_opts, cfg.ready_file, "FILE",
		 "write the address to FILE once the server listens"),
	OPT_END,
};

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.summary = "the web application: JSON API and browser UI, with logins and roles",
	.usage = "serve [--db] [--listen] [--threads] [--secure-cookies] [--ready-file]",
	.about = "Serves the register on http://HOST:PORT/ with a pool of N threads.  Users come from\n"
		 "'bidrag user add'.  Put a TLS proxy in front of it for anything but loopback, and give\n"
		 "--secure-cookies there.  SIGTERM or Ctrl-C stops it after the requests under way.",
	.exec = cmd_serve,
	.options = serve_options,
};

int cmd_serve(int argc, char **argv)
{
	/* static: the host name outlives this frame in the server's threads */
	static struct serve_opts o;
	o = (struct serve_opts){.cfg = {.host = "127.0.0.1", .port = 8080, .threads = 4, .max_body = 16u << 20}};
	int next, rc = cmd_parse(&cmd_serve_entry, argc, argv, &o, &next);
	if (rc >= 0)
		return rc;
	if (next < argc)
		return usage_error(&cmd_serve_entry, "unexpected argument '%s'", argv[next]);
	o.cfg.db = store_path(o.db);
	return web_serve(&o.cfg);
}
