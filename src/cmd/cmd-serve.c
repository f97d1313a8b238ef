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

/* A whole number from min to max for option name. */
static int whole(const char *name, const char *text, long min, long max, unsigned *out)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (!*text || *end || n < min || n > max)
		return usage_error(&cmd_serve_entry, "--%s '%s': expected a whole number from %ld to %ld", name, text, min,
				   max);
	*out = (unsigned)n;
	return 0;
}

static int set_max_connections(void *ctx, const char *text)
{
	return whole("max-connections", text, 1, 100000, &((struct serve_opts *)ctx)->cfg.max_connections);
}

static int set_per_ip(void *ctx, const char *text)
{
	return whole("per-ip", text, 0, 100000, &((struct serve_opts *)ctx)->cfg.per_ip);
}

static int set_timeout(void *ctx, const char *text)
{
	return whole("timeout", text, 1, 86400, &((struct serve_opts *)ctx)->cfg.timeout);
}

static int set_header_timeout(void *ctx, const char *text)
{
	return whole("header-timeout", text, 0, 86400, &((struct serve_opts *)ctx)->cfg.header_timeout);
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
	OPT_CALL("max-connections", 0, "N", set_max_connections,
		 "connections open at once, in all (default 1000; at least --threads)"),
	OPT_CALL("per-ip", 0, "N", set_per_ip,
		 "connections at once from one address (default 64; 0: no limit, behind a proxy)"),
	OPT_CALL("timeout", 0, "SECONDS", set_timeout,
		 "close a connection on which nothing arrives for SECONDS (default 30)"),
	OPT_CALL("header-timeout", 0, "SECONDS", set_header_timeout,
		 "a request's headers must be whole within SECONDS in all (default 30; 0: no limit)"),
	OPT_END,
};

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.summary = "the web application: JSON API and browser UI, with logins and roles",
	.usage = "serve [--db] [--listen] [--threads] [--secure-cookies] [--ready-file]\n"
		 "                    [--max-connections] [--per-ip] [--timeout] [--header-timeout]",
	.about = "Serves the register on http://HOST:PORT/ with a pool of N threads.  Users come from\n"
		 "'bidrag user add'.  Put a TLS proxy in front of it for anything but loopback, and give\n"
		 "--secure-cookies there.  SIGTERM or Ctrl-C stops it after the requests under way.\n"
		 "\n"
		 "Slow and many clients: at most --max-connections are open at once, and at most --per-ip\n"
		 "of them from one address, so that one address holding connections open (slowly sending\n"
		 "headers, or nothing) cannot keep the others out; a connection over a limit is closed at\n"
		 "once.  A connection on which nothing arrives for --timeout seconds (a request's headers\n"
		 "or body, or the next request on a kept-alive connection) is closed, and so is one whose\n"
		 "request headers are not whole --header-timeout seconds after it opened (or after its\n"
		 "previous request), however steadily they trickle in.  Behind a proxy every\n"
		 "client has the proxy's address: give --per-ip 0 there and let the proxy limit each client.",
	.exec = cmd_serve,
	.options = serve_options,
};

int cmd_serve(int argc, char **argv)
{
	/* static: the host name outlives this frame in the server's threads */
	static struct serve_opts o;
	o = (struct serve_opts){.cfg = {.host = "127.0.0.1", .port = 8080, .threads = 4, .max_body = 16u << 20,
					.max_connections = 1000, .per_ip = 64, .timeout = 30,
					.header_timeout = 30}};
	int next, rc = cmd_parse(&cmd_serve_entry, argc, argv, &o, &next);
	if (rc >= 0)
		return rc;
	if (next < argc)
		return usage_error(&cmd_serve_entry, "unexpected argument '%s'", argv[next]);
	/* The pool shares the connections out among its threads. */
	if (o.cfg.max_connections < (unsigned)o.cfg.threads)
		return usage_error(&cmd_serve_entry, "--max-connections %u: expected at least --threads (%d)",
				   o.cfg.max_connections, o.cfg.threads);
	o.cfg.db = store_path(o.db);
	return web_serve(&o.cfg);
}
