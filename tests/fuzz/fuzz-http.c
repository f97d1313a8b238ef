/* fuzz-http: the web application's request path without a socket: routing,
 * query arguments, headers, the session cookie, the CSRF token and JSON
 * bodies, through web_handle (src/web/server.c), the same function the
 * server answers every request with, on a real register (SQLite).
 *
 * The input is a request as text:
 *   METHOD TARGET            (TARGET: a path, '?' and a query string)
 *   Name: value              (headers, until an empty line)
 *
 *   body
 * decoded as libmicrohttpd decodes it (the path and each argument's name
 * and value %-decoded, '+' a space in the query; the bidrag_session cookie
 * from a Cookie header).  The register is made once, through web_handle
 * too: the example decisions and recipient register, a user of each role
 * with a session whose cookie and CSRF token are 64 times the digit of the
 * role (1 handlaggare, 2 attestant, 3 revisor, 4 mottagare of region 23,
 * 5 admin), so that the seeds and the dictionary can use them.  A request
 * that wrote anything gets a fresh copy of the register for the next one.
 * The client's address is throttled for logins, so no login runs Argon2
 * (a tenth of a second each); the login's other checks do run.
 *
 * Properties of every answer:
 *   - a status the API documents (docs/api.md), never 500: bad input is
 *     the client's error;
 *   - a JSON answer parses, and an error's has a non-empty "error";
 *   - without a session, no /api/ route but the login answers 2xx;
 *   - no 2xx to a change (not GET) without the session's CSRF token;
 *   - a request refused (4xx), and any GET, appends nothing to the audit
 *     log: bad input changes nothing. */
#include "fuzz.h"

#include <errno.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>

#include "audit.h"
#include "dataset.h"
#include "readfile.h"
#include "recipient.h"
#include "refload.h"
#include "regfile.h"
#include "store.h"
#include "web.h"

#ifndef BIDRAG_SRC
#error "BIDRAG_SRC: the source tree (for examples/)"
#endif

static char dir[256], template_db[300], work_db[300];
static struct web_config cfg;
static struct store *watch; /* the harness's own connection: the audit log */
static time_t refreshed;

static const char *const roles[] = {"handlaggare", "attestant", "revisor", "mottagare", "admin"};

static void token_of(int role, char out[65])
{
	memset(out, '1' + role, 64);
	out[64] = '\0';
}

static void die(const char *what, const struct bd_error *err)
{
	fprintf(stderr, "fuzz-http: %s: %s\n", what, err ? err->msg : strerror(errno));
	abort();
}

static void cleanup(void)
{
	web_thread_reset();
	if (watch)
		store_close(watch);
	char p[400];
	const char *const files[] = {template_db, work_db};
	for (size_t i = 0; i < 2; i++) {
		unlink(files[i]);
		snprintf(p, sizeof(p), "%s-wal", files[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* One request to web_handle, as a role (-1: none), answered 2xx or die. */
static void seed_request(const char *method, const char *path, int role, const char *body, size_t len)
{
	char token[65];
	token_of(role, token);
	struct web_kv headers[] = {{"Content-Type", 12, "application/json"}, {"X-CSRF-Token", 12, token}};
	struct web_input in = {.method = method, .path = path, .headers = headers, .nheaders = 2,
			       .session = role >= 0 ? token : NULL, .body = body, .len = len, .client = "127.0.0.1"};
	struct web_req r;
	web_handle(&r, &in, &cfg);
	if (r.status / 100 != 2) {
		fprintf(stderr, "fuzz-http: making the register: %s %s: %d %.*s\n", method, path, r.status, (int)r.dlen,
			r.data ? r.data : "");
		abort();
	}
	free(r.data);
}

/* The sessions, new, or seen now when made already (a session lives 12
 * hours, idle 2: the harness refreshes them every 10 minutes). */
static void sessions(struct store *s)
{
	struct bd_error err;
	time_t now = time(NULL);
	for (int i = 0; i < 5; i++) {
		char token[65];
		token_of(i, token);
		if (refreshed) { /* made already: seen now (ending and adding it again collides with its row) */
			if (store_session_touch(s, token, now, &err))
				die("a session", &err);
			continue;
		}
		struct store_session row = {.created = now, .seen = now};
		snprintf(row.name, sizeof(row.name), "fuzz-%s", roles[i]);
		snprintf(row.role, sizeof(row.role), "%s", roles[i]);
		snprintf(row.org, sizeof(row.org), "%s", i == 3 ? "23" : "");
		snprintf(row.csrf, sizeof(row.csrf), "%s", token);
		if (store_session_add(s, token, &row, &err))
			die("a session", &err);
	}
	refreshed = now;
}

static void copy_file(const char *from, const char *to)
{
	char *data;
	size_t len;
	struct bd_error err;
	if (read_file(from, (size_t)1 << 30, &data, &len, &err))
		die("reading the register", &err);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) != 0)
		die(to, NULL);
	free(data);
}

/* The working register becomes the template again. */
static void reset(void)
{
	struct bd_error err;
	web_thread_reset();
	if (watch)
		store_close(watch);
	if (time(NULL) - refreshed > 600) { /* sessions: younger than their idle time */
		struct store *t;
		if (store_open(&t, template_db, STORE_EXISTING, &err))
			die("the template", &err);
		sessions(t);
		store_close(t);
	}
	char p[400];
	snprintf(p, sizeof(p), "%s-wal", work_db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", work_db);
	unlink(p);
	copy_file(template_db, work_db);
	if (store_open(&watch, work_db, STORE_EXISTING, &err))
		die("the working register", &err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bd_error err;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/bidrag-fuzz-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die(dir, NULL);
	atexit(cleanup);
	snprintf(template_db, sizeof(template_db), "%s/template.db", dir);
	snprintf(work_db, sizeof(work_db), "%s/work.db", dir);
	if (refdata_load(&err))
		die("reference data", &err);
	auth_init();
	cfg = (struct web_config){.db = template_db, .host = "127.0.0.1", .threads = 1, .max_body = 1u << 20};

	/* The register: users, sessions, the login throttle, then the
	 * examples through the API. */
	struct store *s;
	int added, datasets;
	if (store_open(&s, template_db, STORE_CREATE, &err))
		die("creating the register", &err);
	/* As bidrag init makes it (web_serve checks the seed datasets too). */
	if (store_begin(s, &err) || store_seed_reference(s, &added, &err) || datasets_seed(s, &datasets, &err) ||
	    store_commit(s, &err))
		die("the reference organisations and seed datasets", &err);
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, "fuzz", 4, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN))
		abort();
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "fuzz-%s", roles[i]);
		struct user u = {.name = name, .role = roles[i], .org = i == 3 ? "23" : NULL, .password_hash = hash};
		if (store_begin(s, &err) || store_user_add(s, &u, &err) || store_commit(s, &err))
			die("a user", &err);
	}
	sessions(s);
	struct store_throttle t = {.failures = 1000, .first = time(NULL), .until = (int64_t)1 << 40};
	if (store_begin(s, &err) || store_throttle_put(s, "addr:127.0.0.1", &t, &err) || store_commit(s, &err))
		die("the throttle", &err);
	store_close(s);
	static const char *const decisions[] = {"S2017-07321-FS.json", "S2020-09797.json", "S2020-09796.json",
						"2023-12-22-god-och-nara-vard-2024.json"};
	for (size_t i = 0; i < BD_ARRAY_LEN(decisions); i++) {
		char path[600], *doc;
		size_t len;
		snprintf(path, sizeof(path), "%s/examples/decisions/%s", BIDRAG_SRC, decisions[i]);
		if (read_file(path, 1u << 24, &doc, &len, &err))
			die("an example decision", &err);
		seed_request("POST", "/api/decisions", 0, doc, len);
		free(doc);
	}
	struct rg_register reg;
	rg_init(&reg);
	if (regfile_load(&reg, BIDRAG_SRC "/examples/register/jamtland-2020.json", &err))
		die("the example register", &err);
	for (size_t i = 0; i < reg.nyears; i++) {
		char *doc = regfile_dump_year(&reg.years[i], "23");
		seed_request("POST", "/api/register", 0, doc, strlen(doc));
		free(doc);
	}
	rg_release(&reg);
	web_thread_reset();
	cfg.db = work_db;
	reset();
	return 0;
}

/* What a request changed in the audit log: the entries after seq from. */
static int count_entry(void *ctx, const struct audit_entry *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static int64_t last_seq;
static int take_seq(void *ctx, const struct audit_entry *e)
{
	(void)ctx;
	last_seq = e->seq;
	return 0;
}

/* split_query: name=value&... into args, decoded in place. */
static size_t split_query(char *q, struct web_kv *args, size_t max)
{
	size_t n = 0;
	while (q && *q && n < max) {
		char *amp = strchr(q, '&');
		if (amp)
			*amp = '\0';
		if (*q) {
			char *eq = strchr(q, '=');
			if (eq)
				*eq = '\0';
			for (char *p = q; *p; p++)
				if (*p == '+')
					*p = ' ';
			for (char *p = eq ? eq + 1 : q; eq && *p; p++)
				if (*p == '+')
					*p = ' ';
			size_t kl = MHD_http_unescape(q);
			if (eq)
				MHD_http_unescape(eq + 1);
			args[n++] = (struct web_kv){.key = q, .key_len = kl, .value = eq ? eq + 1 : NULL};
		}
		q = amp ? amp + 1 : NULL;
	}
	return n;
}

static bool documented(int status)
{
	static const int ok[] = {200, 201, 400, 401, 403, 404, 405, 409, 413, 415, 429, 503};
	for (size_t i = 0; i < BD_ARRAY_LEN(ok); i++)
		if (status == ok[i])
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return -1;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* The request line, the headers, the body (which may hold NULs). */
	char *end = memmem(text, size, "\n\n", 2);
	const char *body = end ? end + 2 : text + size;
	size_t blen = end ? size - (size_t)(end + 2 - text) : 0;
	if (end)
		*end = '\0';
	char *line = text, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char *sp = strchr(line, ' ');
	if (!sp || strlen(line) != (size_t)(sp - line) + strlen(sp)) {
		free(text);
		return -1;
	}
	*sp = '\0';
	const char *method = line;
	char *target = sp + 1;
	char *qm = strchr(target, '?');
	if (qm)
		*qm = '\0';
	MHD_http_unescape(target);
	struct web_kv args[64], headers[64];
	size_t nargs = split_query(qm ? qm + 1 : NULL, args, 64), nheaders = 0;
	char *session = NULL;
	for (char *h = nl ? nl + 1 : NULL; h && nheaders < 64;) {
		char *next = strchr(h, '\n');
		if (next)
			*next = '\0';
		char *colon = strchr(h, ':');
		if (colon) {
			*colon = '\0';
			char *v = colon + 1;
			while (*v == ' ')
				v++;
			headers[nheaders++] = (struct web_kv){.key = h, .key_len = strlen(h), .value = v};
			char *c = strcasecmp(h, "Cookie") == 0 ? strstr(v, "bidrag_session=") : NULL;
			if (c && !session) {
				session = c + 15;
				session[strcspn(session, "; ")] = '\0';
			}
		}
		h = next ? next + 1 : NULL;
	}
	const char *csrf = NULL;
	for (size_t i = 0; i < nheaders && !csrf; i++)
		if (strcasecmp(headers[i].key, "X-CSRF-Token") == 0)
			csrf = headers[i].value;
	int role = -1;
	for (int i = 0; session && i < 5; i++) {
		char token[65];
		token_of(i, token);
		if (strcmp(session, token) == 0)
			role = i;
	}

	struct bd_error err;
	last_seq = 0;
	if (store_audit_list(watch, 0, take_seq, NULL, &err))
		die("the audit log", &err);
	int64_t before = last_seq;
	uint64_t gen0 = 0, gen1 = 0;
	if (store_generation(watch, &gen0, &err))
		die("the register's generation", &err);
	struct web_input in = {.method = method, .path = target, .args = args, .nargs = nargs, .headers = headers,
			       .nheaders = nheaders, .session = session, .body = body, .len = blen,
			       .too_large = blen > cfg.max_body, .client = "127.0.0.1"};
	struct web_req r;
	web_handle(&r, &in, &cfg);

	char what[300];
	snprintf(what, sizeof(what), "%s %s (%s) answered %d: %.*s", method, target,
		 role >= 0 ? roles[role] : "no session", r.status, r.dlen > 400 ? 400 : (int)r.dlen, r.data ? r.data : "");
	PROP(documented(r.status), "%s", what);
	bool is_json = r.type && strncmp(r.type, "application/json", 16) == 0;
	if (is_json) {
		json_error_t je;
		json_t *v = json_loadb(r.data ? r.data : "", r.dlen, 0, &je);
		PROP(v, "%s: not JSON: %s", what, je.text);
		if (r.status >= 400) {
			const char *e = json_string_value(json_object_get(v, "error"));
			PROP(e && *e, "%s: an error without a message", what);
		}
		json_decref(v);
	} else {
		PROP(r.status < 400, "%s: an error that is not JSON (%s)", what, r.type ? r.type : "no type");
	}
	bool api = strncmp(target, "/api/", 5) == 0, login = strcmp(target, "/api/login") == 0;
	if (api && !login && role < 0)
		PROP(r.status / 100 != 2, "%s: data without a session", what);
	if (api && !login && strcmp(method, "GET") != 0 && r.status / 100 == 2)
		PROP(role >= 0 && csrf && strcmp(csrf, session) == 0, "%s: a change without the CSRF token", what);
	int added = 0;
	if (store_audit_list(watch, before + 1, count_entry, &added, &err))
		die("the audit log", &err);
	if (r.status >= 400 || strcmp(method, "GET") == 0)
		PROP(added == 0, "%s: %d audit entries appended", what, added);
	free(r.data);

	/* Anything committed (a change, a logout, a session's use noted):
	 * the next request starts from the template again. */
	if (store_generation(watch, &gen1, &err))
		die("the register's generation", &err);
	if (gen1 != gen0 || time(NULL) - refreshed > 600)
		reset();
	free(text);
	return 0;
}
