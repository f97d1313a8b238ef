/* server.c: the HTTP server: libmicrohttpd with a thread pool, bounded
 * requests, limits on connections (in all and per address) and on idle
 * ones, one database connection per thread, static assets compiled in, and
 * a graceful stop on SIGTERM.  A request is answered by web_handle from what
 * was received (struct web_input), with no connection: the server reads
 * that from libmicrohttpd, the fuzz harness builds it.  See web.h. */
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
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "embedded.h"
#include "dataset.h"
#include "refdata.h"
#include "store.h"
#include "refload.h"

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

/* A cache of GET responses, per thread (so per connection): the key is
 * what the answer depends on (the URL with its arguments, the user's role
 * and organisation, the day), and an entry holds while the database's
 * generation is the same.  Registered decisions never change, so their
 * tables are served from here until something is written. */
#define CACHE_SLOTS 64
#define CACHE_MAX_BODY (1u << 20)
struct cached {
	char *key;
	uint64_t gen;
	int status;
	const char *type;
	char *data;
	size_t len;
	char disposition[200];
	unsigned long used;
};
static __thread struct cached *cache;
static __thread unsigned long cache_clock;
static struct cached **caches; /* every thread's, for freeing at the end (under stores_lock) */
static size_t ncaches;

static void cache_free(struct cached *c)
{
	for (size_t k = 0; c && k < CACHE_SLOTS; k++) {
		free(c[k].key);
		free(c[k].data);
	}
	free(c);
}

void web_thread_reset(void)
{
	pthread_mutex_lock(&stores_lock);
	for (size_t i = 0; tls_store && i < nstores; i++)
		if (stores[i] == tls_store) {
			stores[i] = stores[--nstores];
			break;
		}
	for (size_t i = 0; cache && i < ncaches; i++)
		if (caches[i] == cache) {
			caches[i] = caches[--ncaches];
			break;
		}
	pthread_mutex_unlock(&stores_lock);
	if (tls_store)
		store_close(tls_store);
	tls_store = NULL;
	cache_free(cache);
	cache = NULL;
}

/* cache_key: NULL when the answer is not to be cached. */
static char *cache_key(struct web_req *r)
{
	if (strcmp(r->method, "GET") != 0 || strcmp(r->path, "/api/me") == 0 || !r->user)
		return NULL;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	struct buf b;
	buf_init(&b, 16384);
	buf_addf(&b, "%d|%s|%s|%s?", (int)r->user->role, r->user->org, today, r->path);
	bool odd = false;
	for (size_t i = 0; i < r->in->nargs; i++) {
		/* Lengths first: "a=1&b=2" and "a=1%26b%3D2" are different keys.
		 * A name with a NUL in it ("a%00b") is none a handler reads,
		 * but would end the key early: such a request is not cached. */
		const struct web_kv *a = &r->in->args[i];
		const char *v = a->value ? a->value : "";
		odd |= memchr(a->key, '\0', a->key_len) != NULL;
		buf_addf(&b, "&%zu:%s=%zu:%s", a->key_len, a->key, strlen(v), v);
	}
	if (b.failed || odd) {
		buf_release(&b);
		return NULL;
	}
	buf_add(&b, "", 1);
	return b.data;
}

static struct cached *cache_find(const char *key, uint64_t gen)
{
	for (size_t i = 0; cache && i < CACHE_SLOTS; i++)
		if (cache[i].key && cache[i].gen == gen && strcmp(cache[i].key, key) == 0) {
			cache[i].used = ++cache_clock;
			return &cache[i];
		}
	return NULL;
}

static void cache_put(char *key, uint64_t gen, const struct web_req *r)
{
	if (!cache) {
		cache = xcalloc(CACHE_SLOTS, sizeof(*cache));
		pthread_mutex_lock(&stores_lock);
		caches = xreallocarray(caches, ncaches + 1, sizeof(*caches));
		caches[ncaches++] = cache;
		pthread_mutex_unlock(&stores_lock);
	}
	struct cached *victim = &cache[0];
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (!cache[i].key || cache[i].gen != gen) {
			victim = &cache[i];
			break;
		}
		if (cache[i].used < victim->used)
			victim = &cache[i];
	}
	free(victim->key);
	free(victim->data);
	victim->key = key;
	victim->gen = gen;
	victim->status = r->status;
	victim->type = r->type;
	victim->data = xmalloc(r->dlen + 1);
	memcpy(victim->data, r->data, r->dlen);
	victim->len = r->dlen;
	snprintf(victim->disposition, sizeof(victim->disposition), "%s", r->disposition);
	victim->used = ++cache_clock;
}

/* The state of one request while its body arrives. */
struct pending {
	struct buf body;
	bool too_large;
};

int web_json(struct web_req *r, int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(body);
	if (!s) { /* text that is not UTF-8 has no JSON: say so rather than answer nothing */
		status = 500;
		s = xstrdup("{\"error\":\"the answer could not be written as JSON (text that is not UTF-8)\"}");
	}
	r->answered = true;
	r->status = status;
	r->type = "application/json; charset=utf-8";
	free(r->data);
	r->data = s;
	r->dlen = strlen(s);
	return 0;
}

/* utf8_seq: the length of the well-formed UTF-8 sequence at p (as jansson
 * checks it: no overlong forms, no surrogates, nothing above U+10FFFF), 0
 * for a byte that begins none. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

/* utf8_clean: s in place with each byte that begins no UTF-8 sequence (a
 * path or argument quoted in a message, a message cut short) as '?', so
 * that it can be a JSON string. */
static void utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
}

int web_error(struct web_req *r, int status, const char *field, const char *fmt, ...)
{
	char msg[1200], f[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_clean(msg);
	json_t *o = json_pack("{s:s}", "error", msg);
	if (field) {
		snprintf(f, sizeof(f), "%s", field);
		utf8_clean(f);
		json_object_set_new(o, "field", json_string(f));
	}
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

/* kv_find: as MHD_lookup_connection_value finds a name: the first whose
 * name, as received, is name in any case. */
static const char *kv_find(const struct web_kv *v, size_t n, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (v[i].key_len == len && strncasecmp(v[i].key, name, len) == 0)
			return v[i].value;
	return NULL;
}

const char *web_arg(struct web_req *r, const char *name)
{
	return kv_find(r->in->args, r->in->nargs, name);
}

const char *web_header(struct web_req *r, const char *name)
{
	return kv_find(r->in->headers, r->in->nheaders, name);
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
	{"/datasets.js", "web/datasets.js", "text/javascript; charset=utf-8"},
	{"/register.js", "web/register.js", "text/javascript; charset=utf-8"},
	{"/portal.js", "web/portal.js", "text/javascript; charset=utf-8"},
	{"/officer.js", "web/officer.js", "text/javascript; charset=utf-8"},
	{"/recipient.js", "web/recipient.js", "text/javascript; charset=utf-8"},
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

static enum MHD_Result respond(struct MHD_Connection *conn, struct web_req *r)
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
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
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

void web_handle(struct web_req *r, const struct web_input *in, const struct web_config *cfg)
{
	*r = (struct web_req){.in = in, .method = in->method, .path = in->path, .body = in->body, .len = in->len,
			      .client = in->client, .cfg = cfg, .status = 500};
	struct web_session sess;
	if (in->session && strlen(in->session) == 64)
		snprintf(r->token, sizeof(r->token), "%s", in->session);
	struct bd_error err;
	if (in->too_large) {
		web_error(r, 413, NULL, "the request body is larger than %zu bytes", cfg->max_body);
	} else if (strncmp(in->path, "/api/", 5) != 0) {
		if (strcmp(in->method, "GET") != 0 && strcmp(in->method, "HEAD") != 0)
			web_error(r, 405, NULL, "only GET here");
		else if (!serve_asset(r))
			web_error(r, 404, NULL, "no page '%s'", in->path);
	} else if (!(r->store = thread_store(cfg, &err))) {
		web_error(r, 503, NULL, "the database cannot be opened: %s", err.msg);
	} else {
		/* One read of the generation serves the session and the GET
		 * cache: at an unchanged one, a session this thread read is the
		 * same row (the store keeps it; a logout or a deletion on any
		 * server moves the generation), and so is a cached answer. */
		uint64_t gen = 0;
		bool have_gen = store_generation(r->store, &gen, &err) == 0;
		/* The session is in the database: any server's over it. */
		if (r->token[0] && auth_session(r->store, r->token, have_gen ? &gen : NULL, &sess))
			r->user = &sess;
		/* Every change this request makes is the session's user's (the
		 * thread's store outlives the request: never leave the last one's). */
		store_set_actor(r->store, r->user ? r->user->name : "anonymous");
		char *key = cache_key(r);
		struct cached *hit = NULL;
		if (key && have_gen && (hit = cache_find(key, gen))) {
			r->answered = true;
			r->status = hit->status;
			r->type = hit->type;
			r->data = xmalloc(hit->len + 1);
			memcpy(r->data, hit->data, hit->len);
			r->dlen = hit->len;
			snprintf(r->disposition, sizeof(r->disposition), "%s", hit->disposition);
			free(key);
		} else {
			api_dispatch(r);
			/* Cache only what was read at the generation checked before. */
			uint64_t after;
			if (key && have_gen && r->status == 200 && r->data && r->dlen <= CACHE_MAX_BODY &&
			    store_generation(r->store, &after, &err) == 0 && after == gen)
				cache_put(key, gen, r);
			else
				free(key);
		}
	}
	r->user = NULL; /* sess ends here */
}

/* What libmicrohttpd received, as a web_input's arguments or headers. */
struct kv_list {
	struct web_kv *v;
	size_t n;
};

static enum MHD_Result add_kv(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size, const char *value,
			      size_t value_size)
{
	(void)kind;
	(void)value_size;
	struct kv_list *l = cls;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct web_kv){.key = key, .key_len = key_size, .value = value};
	return MHD_YES;
}

static void watch_request(struct MHD_Connection *conn, bool in_request);

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	const struct web_config *cfg = cls;
	(void)version;
	struct pending *p = *con_cls;
	if (!p) {
		watch_request(conn, true); /* the headers are whole */
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
	struct kv_list args = {0}, headers = {0};
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, add_kv, &args);
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, add_kv, &headers);
	struct web_input in = {
		.method = method,
		.path = url,
		.args = args.v,
		.nargs = args.n,
		.headers = headers.v,
		.nheaders = headers.n,
		.session = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "bidrag_session"),
		.body = p->body.data,
		.len = p->body.len,
		.too_large = p->too_large,
		.client = client,
	};
	struct web_req r;
	web_handle(&r, &in, cfg);
	free(args.v);
	free(headers.v);
	enum MHD_Result ret = respond(conn, &r);
	free(r.data);
	return ret;
}

/* The header deadline (web.h's header_timeout).  libmicrohttpd's timeout
 * is one of idleness, which each byte starts again, and nothing of ours runs
 * before a request's headers are whole: so every connection is watched
 * (struct watch, its socket context, in a list) from its start, and a
 * thread shuts down the socket of one whose headers are not whole by the
 * deadline; libmicrohttpd then sees it closed and closes it.  The list is
 * under watch_lock, and a connection leaves it (closed) before its socket is
 * closed, so the thread never shuts a number that was given to another. */
struct watch {
	struct watch *prev, *next;
	int fd;
	int64_t since;  /* ms, CLOCK_MONOTONIC: the connection's start or its last request's end */
	bool in_request; /* the headers are whole: no deadline until the request ends */
};
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_wake = PTHREAD_COND_INITIALIZER;
static struct watch *watched;
static bool watch_stop;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void watch_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			     enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	pthread_mutex_lock(&watch_lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct watch *w = xcalloc(1, sizeof(*w));
		w->fd = ci ? ci->connect_fd : -1;
		w->since = now_ms();
		w->next = watched;
		if (watched)
			watched->prev = w;
		watched = w;
		*socket_context = w;
	} else if (*socket_context) {
		struct watch *w = *socket_context;
		if (w->prev)
			w->prev->next = w->next;
		else
			watched = w->next;
		if (w->next)
			w->next->prev = w->prev;
		free(w);
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&watch_lock);
}

/* in_request: a request's headers are whole (true) or it ended (false). */
static void watch_request(struct MHD_Connection *conn, bool in_request)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (!ci || !ci->socket_context)
		return;
	pthread_mutex_lock(&watch_lock);
	struct watch *w = ci->socket_context;
	w->in_request = in_request;
	w->since = now_ms();
	pthread_mutex_unlock(&watch_lock);
}

static void *watch_thread(void *arg)
{
	const struct web_config *cfg = arg;
	int64_t limit = (int64_t)cfg->header_timeout * 1000;
	pthread_mutex_lock(&watch_lock);
	while (!watch_stop) {
		int64_t now = now_ms();
		for (struct watch *w = watched; w; w = w->next)
			if (!w->in_request && w->fd >= 0 && now - w->since >= limit) {
				shutdown(w->fd, SHUT_RDWR);
				w->fd = -1; /* once */
			}
		/* a tenth of a second late at most (and every second for long limits) */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		long step = limit >= 10000 ? 1000 : 100;
		ts.tv_nsec += step * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&watch_wake, &watch_lock, &ts);
	}
	pthread_mutex_unlock(&watch_lock);
	return NULL;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	watch_request(conn, false);
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
	/* Reference data loads once, before the threads. */
	if (refdata_load(&err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 3;
	}
	/* The database must exist and be current before the first request,
	 * with the seed key datasets (a register made before they were kept
	 * gets them, as 'bidrag init' would add them). */
	struct store *s;
	if (store_open(&s, cfg->db, STORE_EXISTING, &err)) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 2;
	}
	bool seeded;
	int added;
	if (datasets_seeded(s, &seeded, &err) ||
	    (!seeded && (store_begin(s, &err) || datasets_seed(s, &added, &err) || store_commit(s, &err)))) {
		store_rollback(s);
		store_close(s);
		fprintf(stderr, "error: %s\n", err.msg);
		return 3;
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
	/* Slow and many clients (web.h): the pool shares max_connections out
	 * among its threads; one address gets per_ip of them at most, so that
	 * connections held open from one address (slowloris) cannot take the
	 * others' turn; and an idle one is closed after timeout seconds, one
	 * whose headers are not whole after header_timeout (watch_thread).  A
	 * connection over a limit is closed as soon as it is accepted.  Each
	 * connection's memory is 16 KiB: libmicrohttpd zeroes all of it between
	 * two requests of a kept-alive connection, so its size is paid on every
	 * request (64 KiB was a tenth of a cached GET's time); it holds request
	 * headers of over 12 000 bytes (serve-sessions.sh). */
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, (void *)cfg,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, watch_connection, NULL,
		MHD_OPTION_END);
	pthread_t watcher;
	bool watching = false;
	if (d && cfg->header_timeout) {
		watch_stop = false;
		watching = pthread_create(&watcher, NULL, watch_thread, (void *)cfg) == 0;
		if (!watching) {
			fprintf(stderr, "error: cannot start the thread that keeps --header-timeout\n");
			MHD_stop_daemon(d);
			auth_free();
			return 3;
		}
	}
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
	if (cfg->ready_file) { /* written whole, then renamed: a reader never sees half an address */
		char *tmp = xasprintf("%s.tmp", cfg->ready_file);
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "http://%s:%d/\n", cfg->host, port);
			if (fclose(f) == 0)
				rename(tmp, cfg->ready_file);
		}
		free(tmp);
	}
	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "bidrag serve: %s, finishing the requests under way\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	if (watching) {
		pthread_mutex_lock(&watch_lock);
		watch_stop = true;
		pthread_cond_signal(&watch_wake);
		pthread_mutex_unlock(&watch_lock);
		pthread_join(watcher, NULL);
	}
	MHD_stop_daemon(d);
	pthread_mutex_lock(&stores_lock);
	for (size_t i = 0; i < nstores; i++)
		store_close(stores[i]);
	free(stores);
	stores = NULL;
	nstores = 0;
	for (size_t i = 0; i < ncaches; i++)
		cache_free(caches[i]);
	free(caches);
	caches = NULL;
	ncaches = 0;
	pthread_mutex_unlock(&stores_lock);
	auth_free();
	return 0;
}
