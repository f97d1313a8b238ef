/* server.c: the HTTP server: libmicrohttpd with a thread pool, bounded
 * requests, one database connection per thread, static assets compiled
 * in, and a graceful stop on SIGTERM.  See web.h. */
#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "../core/embedded.h"
#include "../core/dataset.h"
#include "../core/refdata.h"
#include "../store/store.h"

/* One database connection per pool thread, opened on first use; the list
 * is for closing them all at the end. */
static __thread struct store *tls_store;
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store **stores;
static size_t nstores;

static struct store *thread_store(const struct web_config *cfg, struct bd_error *err)
{
	if (tls_store)
		return tls_store;
	if (store_open(&tls_store, cfg->db, STORE_EXISTING, err))
		return NULL;
	pthread_mutex_lock(&stores_lock);
	stores = xreallocarray(stores, nstores + 1, sizeof(*stores));
	stores[nstores++] = tls_store;
	pthread_mutex_unlock(&stores_lock);
	return tls_store;
}

/* The state of one request while its body arrives. */
struct pending {
	struct buf body;
	bool too_large;
};

int web_json(struct web_req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	r->answered = true;
	r->status = status;
	r->type = "application/json; charset=utf-8";
	free(r->data);
	r->data = s;
	r->dlen = s ? strlen(s) : 0;
	return 0;
}

int web_error(struct web_req *r, int status, const char *field, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_t *o = json_pack("{s:s}", "error", msg);
	if (field)
		json_object_set_new(o, "field", json_string(field));
	return web_json(r, status, o);
}

int web_bytes(struct web_req *r, int status, const char *type, char *data, size_t len, const char *filename)
{
	r->answered = true;
	r->status = status;
	r->type = type;
	free(r->data);
	r->data = data;
	r->dlen = len;
	if (filename)
		snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s\"", filename);
	return 0;
}

const char *web_arg(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *web_body_json(struct web_req *r, bool array)
{
	json_error_t je;
	json_t *v = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		web_error(r, 400, NULL, "the request body is not valid JSON: line %d, column %d: %s", je.line, je.column,
			  je.text);
		return NULL;
	}
	if (array ? !json_is_array(v) : !json_is_object(v)) {
		json_decref(v);
		web_error(r, 400, NULL, "the request body must be a JSON %s", array ? "array" : "object");
		return NULL;
	}
	return v;
}

/* Static assets: the UI, compiled in from src/web/assets. */
static const struct {
	const char *url, *file, *type;
} assets[] = {
	{"/", "web/index.html", "text/html; charset=utf-8"},
	{"/app.js", "web/app.js", "text/javascript; charset=utf-8"},
	{"/app.css", "web/app.css", "text/css; charset=utf-8"},
};

static bool serve_asset(struct web_req *r)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(assets); i++)
		if (strcmp(r->path, assets[i].url) == 0) {
			const struct embedded_file *f = embedded_find(assets[i].file);
			if (!f)
				return false;
			r->status = 200;
			r->type = assets[i].type;
			r->data = xmalloc(f->len + 1);
			memcpy(r->data, f->data, f->len);
			r->dlen = f->len;
			return true;
		}
	return false;
}

static enum MHD_Result respond(struct web_req *r)
{
	struct MHD_Response *resp = r->data ? MHD_create_response_from_buffer(r->dlen, r->data, MHD_RESPMEM_MUST_FREE)
					    : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	r->data = NULL;
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
				"frame-ancestors 'none'; form-action 'self'");
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->retry_after[0])
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void client_address(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, len, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, (socklen_t)len);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out, (socklen_t)len);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	const struct web_config *cfg = cls;
	(void)version;
	struct pending *p = *con_cls;
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		buf_init(&p->body, cfg->max_body);
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!p->too_large) {
			buf_add(&p->body, upload, *upload_size);
			p->too_large = p->body.failed;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	char client[64];
	client_address(conn, client, sizeof(client));
	struct web_req r = {.conn = conn, .method = method, .path = url, .body = p->body.data, .len = p->body.len,
			    .client = client, .cfg = cfg, .status = 500};
	struct web_session sess;
	const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "bidrag_session");
	if (cookie && strlen(cookie) == 64) {
		snprintf(r.token, sizeof(r.token), "%s", cookie);
		if (auth_session(cookie, &sess))
			r.user = &sess;
	}
	struct bd_error err;
	if (p->too_large) {
		web_error(&r, 413, NULL, "the request body is larger than %zu bytes", cfg->max_body);
	} else if (strncmp(url, "/api/", 5) != 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			web_error(&r, 405, NULL, "only GET here");
		else if (!serve_asset(&r))
			web_error(&r, 404, NULL, "no page '%s'", url);
	} else if (!(r.store = thread_store(cfg, &err))) {
		web_error(&r, 503, NULL, "the database cannot be opened: %s", err.msg);
	} else {
		api_dispatch(&r);
	}
	enum MHD_Result ret = respond(&r);
	free(r.data);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct pending *p = *con_cls;
	if (p) {
		buf_release(&p->body);
		free(p);
		*con_cls = NULL;
	}
}

int web_serve(const struct web_config *cfg)
{
	struct bd_error err;
	/* Reference data and key datasets load once, before the threads. */
	if (refdata_load(&err) || datasets_load(&err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 3;
	}
	/* The database must exist and be current before the first request. */
	struct store *s;
	if (store_open(&s, cfg->db, STORE_EXISTING, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 2;
	}
	store_close(s);
	auth_init();
	struct sockaddr_in addr = {0};
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
		fprintf(stderr, "error: --listen: '%s' is not an IPv4 address (expected e.g. 127.0.0.1:8080)\n",
			cfg->host);
		return 2;
	}
	/* SIGTERM and SIGINT are taken by sigwait below, in this thread only:
	 * blocked before the pool's threads start, so they inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, (void *)cfg,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "error: cannot listen on %s:%d: %s\n", cfg->host, cfg->port, strerror(errno));
		auth_free();
		return 3;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = di ? di->port : cfg->port;
	printf("bidrag serves %s on http://%s:%d/ (%d threads); stop with Ctrl-C or SIGTERM\n", cfg->db, cfg->host,
	       port, cfg->threads);
	fflush(stdout);
	if (cfg->ready_file) {
		FILE *f = fopen(cfg->ready_file, "w");
		if (f) {
			fprintf(f, "http://%s:%d/\n", cfg->host, port);
			fclose(f);
		}
	}
	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "bidrag serve: %s, finishing the requests under way\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	MHD_stop_daemon(d);
	pthread_mutex_lock(&stores_lock);
	for (size_t i = 0; i < nstores; i++)
		store_close(stores[i]);
	free(stores);
	stores = NULL;
	nstores = 0;
	pthread_mutex_unlock(&stores_lock);
	auth_free();
	return 0;
}
