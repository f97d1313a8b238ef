/* web.h: the web application: an HTTP server on libmicrohttpd (a thread
 * pool), a JSON API through jansson (docs/api.md) and a browser UI whose
 * files are compiled into the binary.
 *
 * Every request runs on one of the pool's threads with that thread's own
 * database connection; writes are transactions of the store, so a request
 * killed half-way leaves nothing half-written.  Sessions and failed-login
 * counts live in the database, so several servers over one database (behind
 * a load balancer) share them, and a restart logs no one out. */
#ifndef BIDRAG_WEB_H
#define BIDRAG_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util.h"

struct store;

enum web_role {
	ROLE_HANDLAGGARE = 1 << 0,
	ROLE_ATTESTANT = 1 << 1,
	ROLE_REVISOR = 1 << 2,
	ROLE_MOTTAGARE = 1 << 3,
	ROLE_ADMIN = 1 << 4,
};
#define ROLE_ANY (ROLE_HANDLAGGARE | ROLE_ATTESTANT | ROLE_REVISOR | ROLE_MOTTAGARE | ROLE_ADMIN)
#define ROLE_STAFF (ROLE_HANDLAGGARE | ROLE_ATTESTANT | ROLE_REVISOR | ROLE_ADMIN)

struct web_session {
	char name[65];
	enum web_role role;
	char role_name[16];
	char org[64];      /* a mottagare's organisation code */
	char csrf[65];
};

struct web_config {
	const char *db;
	const char *host;     /* 127.0.0.1 */
	int port;             /* 0: any free port */
	int threads;
	bool secure_cookies;  /* add Secure (behind TLS) */
	size_t max_body;      /* bytes */
	const char *ready_file; /* write "http://HOST:PORT/\n" here when listening */
	/* Slow and many clients: at most max_connections open at once, at
	 * most per_ip of them from one address (0: no limit per address), and
	 * a connection on which nothing arrives for timeout seconds (a
	 * request's headers or body, or a kept-alive connection's next
	 * request) is closed. */
	unsigned max_connections;
	unsigned per_ip;
	unsigned timeout;
	/* A request's headers must be whole within header_timeout seconds of
	 * the connection's start (or of its previous request's end, on a
	 * kept-alive one), however steadily they trickle in: a client sending
	 * one byte at a time never lets timeout run out.  0: no such limit. */
	unsigned header_timeout;
};

/* A request as it was received, apart from its connection: what the server
 * reads from libmicrohttpd and hands to web_handle, and what the fuzz
 * harness (tests/fuzz/fuzz-http.c) builds from its input.  A name is looked
 * up as libmicrohttpd looks it up: the first of that name, in any case. */
struct web_kv {
	const char *key;
	size_t key_len;    /* as received: a decoded name may hold a NUL */
	const char *value; /* NULL: an argument without '=' */
};
struct web_input {
	const char *method, *path; /* the path decoded */
	const struct web_kv *args; /* the query string's arguments, decoded, in their order */
	size_t nargs;
	const struct web_kv *headers;
	size_t nheaders;
	const char *session; /* the bidrag_session cookie's value, or NULL */
	const char *body;
	size_t len;
	bool too_large; /* the body was longer than max_body (and was not kept) */
	const char *client; /* the client's address */
};

struct web_req {
	const struct web_input *in;
	const char *method, *path;
	const char *body;
	size_t len;
	struct store *store;
	const struct web_session *user;  /* NULL before login */
	/* The organisation the request is held to: a mottagare's own (set by
	 * the dispatcher on the routes open to it); NULL for staff, who see
	 * every organisation. */
	const char *scope_org;
	/* The JSON body of a route that declares its fields, parsed and checked
	 * by the dispatcher, which releases it after the handler (a handler
	 * that wants it gone sooner takes it and sets this NULL).  NULL on
	 * other routes. */
	json_t *json;
	char token[65];                 /* the session cookie's value, if any */
	const char *client;             /* the client's address */
	const struct web_config *cfg;
	/* the response */
	bool answered;
	int status;
	const char *type;
	char *data;
	size_t dlen;
	char disposition[200];
	char set_cookie[300];
	char retry_after[16];
};

/* Responses.  Each returns 0, so handlers can `return web_json(...)`. */
int web_json(struct web_req *r, int status, json_t *body); /* steals body */
int web_error(struct web_req *r, int status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int web_bytes(struct web_req *r, int status, const char *type, char *data, size_t len, const char *filename);

/* Request input: a query argument, a header. */
const char *web_arg(struct web_req *r, const char *name);
const char *web_header(struct web_req *r, const char *name);
/* web_body_json: the body as a JSON object (or array when array is true);
 * NULL after a 400 was set. */
json_t *web_body_json(struct web_req *r, bool array);

/* Sessions, logins and throttling (auth.c). */
void auth_init(void);
void auth_free(void);
/* auth_session: the session of a cookie value in the database st,
 * refreshed; false if none (or expired, or the database failed).  gen: the
 * store's generation read just before (store_generation), so that a
 * session read at it is not read again (store_session_get_at); NULL to
 * read the database in any case. */
bool auth_session(struct store *st, const char *token, const uint64_t *gen, struct web_session *out);
int auth_login(struct web_req *r);
int auth_logout(struct web_req *r);
enum web_role role_parse(const char *name);

/* The routes (routes.c, handlers in api-*.c). */
int api_dispatch(struct web_req *r);

/* web_handle: answer one request, as the server does, into *r (status,
 * type, data, headers); free(r->data) after.  Runs on the calling thread's
 * database connection to cfg->db, opened on first use. */
void web_handle(struct web_req *r, const struct web_input *in, const struct web_config *cfg);
/* web_thread_reset: close the calling thread's database connection and
 * empty its GET cache (for a caller that replaces the database under it:
 * the fuzz harness). */
void web_thread_reset(void);

/* web_serve: run until SIGTERM or SIGINT.  Returns an exit status. */
int web_serve(const struct web_config *cfg);

#endif
