/* bidrag serve: the web application (docs/api.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "web.h"
#include "cmd.h"

const struct cmd_entry cmd_serve_entry = {
	.name = "serve",
	.summary = "the web application: JSON API and browser UI, with logins and roles",
	.usage = "serve [--db PATH] [--listen HOST:PORT] [--threads N] [--secure-cookies] [--ready-file FILE]\n"
		 "\n"
		 "Serves the register on http://HOST:PORT/ (default 127.0.0.1:8080; port 0 picks a free one)\n"
		 "with a pool of N threads (default 4).  Users come from 'bidrag user add'.  Put a TLS proxy in\n"
		 "front of it for anything but loopback, and give --secure-cookies there.  --ready-file gets\n"
		 "the address once the server listens.  SIGTERM or Ctrl-C stops it after the requests under\n"
		 "way.",
	.exec = cmd_serve,
};

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},      {"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'}, {"secure-cookies", no_argument, NULL, 's'},
		{"ready-file", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct web_config cfg = {.host = "127.0.0.1", .port = 8080, .threads = 4, .max_body = 16u << 20};
	static char host[64];
	const char *db = NULL;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': cfg.secure_cookies = true; break;
		case 'r': cfg.ready_file = optarg; break;
		case 'l': {
			const char *colon = strrchr(optarg, ':');
			char *end;
			long port = colon ? strtol(colon + 1, &end, 10) : -1;
			if (!colon || colon == optarg || (size_t)(colon - optarg) >= sizeof(host) || !colon[1] || *end ||
			    port < 0 || port > 65535)
				return usage_error(&cmd_serve_entry, "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080",
						   optarg);
			memcpy(host, optarg, (size_t)(colon - optarg));
			host[colon - optarg] = '\0';
			cfg.host = host;
			cfg.port = (int)port;
			break;
		}
		case 't': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 1 || n > 256)
				return usage_error(&cmd_serve_entry, "--threads '%s': expected 1 to 256", optarg);
			cfg.threads = (int)n;
			break;
		}
		case 'h': print_usage(stdout, &cmd_serve_entry); return 0;
		default: return usage_error(&cmd_serve_entry, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(&cmd_serve_entry, "unexpected argument '%s'", argv[optind]);
	cfg.db = store_path(db);
	return web_serve(&cfg);
}
