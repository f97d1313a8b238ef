/* register-common.c: what the register's commands share: opening the
 * database named by --db or BIDRAG_DB, who makes a change (--as), and
 * printing warnings. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "access.h"


#include "dataset.h"
#include "refdata.h"
#include "store.h"
#include "cmd.h"
#include "refload.h"
#include "ledger.h"

/* Who makes the command's change: resolved once (cmd_actor). */
static const char *identity_as; /* --as, --by or --user */
static struct {
	bool done, ok, bootstrap;
	char name[USER_NAME_SIZE], role[16], org[64];
} who;

void cmd_identity_reset(void)
{
	identity_as = NULL;
	memset(&who, 0, sizeof(who));
}

int opt_as(void *ctx, const char *text)
{
	(void)ctx;
	identity_as = text;
	return 0;
}

static const char *os_account(void)
{
	const struct passwd *pw = getpwuid(geteuid());
	return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : NULL;
}

int cmd_read_secret(FILE *in, FILE *prompt_to, const char *prompt, char *out, size_t len)
{
	int fd = fileno(in);
	struct termios old, quiet;
	bool term = isatty(fd) && tcgetattr(fd, &old) == 0;
	if (term) {
		fprintf(prompt_to, "%s", prompt);
		fflush(prompt_to);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSANOW, &quiet);
	}
	bool ok = fgets(out, (int)len, in) != NULL;
	if (term) {
		tcsetattr(fd, TCSANOW, &old);
		fputc('\n', prompt_to);
	}
	if (!ok)
		return 1;
	size_t n = strcspn(out, "\r\n");
	bool whole = out[n] != '\0' || n + 1 < len;
	out[n] = '\0';
	return whole ? 0 : 2;
}


/* ask_password: $BIDRAG_PASSWORD, else the terminal (without echo); NULL
 * after printing why not. */
static char *ask_password(const char *name)
{
	char *pw = sodium_init() < 0 ? NULL : sodium_malloc(CMD_PASSWORD_MAX + 2);
	if (!pw) {
		io_error("out of memory");
		return NULL;
	}
	const char *env = getenv("BIDRAG_PASSWORD");
	if (env) {
		if (strlen(env) > CMD_PASSWORD_MAX) {
			error("--as %s: $BIDRAG_PASSWORD is longer than %d characters; nothing was changed", name,
			      CMD_PASSWORD_MAX);
			sodium_free(pw);
			return NULL;
		}
		memcpy(pw, env, strlen(env) + 1);
		return pw;
	}
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fd < 0) {
		error("--as %s: the password is read from $BIDRAG_PASSWORD or the terminal, and there is neither; "
		      "nothing was changed", name);
		sodium_free(pw);
		return NULL;
	}
	FILE *tty = fdopen(fd, "r+");
	char prompt[USER_NAME_SIZE + 32];
	snprintf(prompt, sizeof(prompt), "Lösenord för %s: ", name);
	int rc = cmd_read_secret(tty, tty, prompt, pw, CMD_PASSWORD_MAX + 2);
	fclose(tty);
	if (rc) {
		if (rc == 1)
			error("--as %s: no password was typed; nothing was changed", name);
		else
			error("--as %s: the password is longer than %d characters; nothing was changed", name, CMD_PASSWORD_MAX);
		sodium_free(pw);
		return NULL;
	}
	return pw;
}

static int count_user(void *ctx, const struct user *u)
{
	(void)u;
	(*(int *)ctx)++;
	return 1; /* one is enough */
}

static int take_who(void *ctx, const struct user *u)
{
	(void)ctx;
	snprintf(who.name, sizeof(who.name), "%s", u->name);
	snprintf(who.role, sizeof(who.role), "%s", u->role);
	snprintf(who.org, sizeof(who.org), "%s", u->org ? u->org : "");
	return 0;
}

/* ident_store_error: the register could not be read or written while
 * finding out who makes the change (the server went away during the
 * password check's transaction): said as the other store failures of a
 * change are, nothing of it recorded. */
static int ident_store_error(const struct bd_error *err)
{
	fprintf(stderr, "error: %s; nothing was recorded\n", err->msg);
	return err->code == BD_UNAVAILABLE ? EXIT_DB : EXIT_IO;
}

/* resolve: who.* from --as (or $BIDRAG_USER) and its password, else the
 * user mapped to the OS account, else, in a register without users, the
 * OS account itself (setting the register up); prints why not. */
static int resolve(struct store *s)
{
	struct bd_error err;
	const char *as = identity_as && *identity_as ? identity_as : getenv("BIDRAG_USER");
	const char *account = os_account();
	int users = 0;
	if (store_user_list(s, count_user, &users, &err) < 0)
		return ident_store_error(&err);
	if (as && *as) {
		if (!users)
			return error("--as %s: the register has no users yet; add the first, an admin, with 'bidrag user add "
				     "NAME --role admin' (nothing was changed)", as);
		/* The OS account mapped to the user named is that user already:
		 * no password to ask, and no login to count. */
		char named[USER_NAME_SIZE];
		int mine = user_name_fold(as, named, &err) ? 1 : store_user_by_os(s, account, take_who, NULL, &err);
		if (mine < 0)
			return ident_store_error(&err);
		if (mine == 0 && strcmp(who.name, named) == 0)
			return 0;
		char *pw = ask_password(as);
		if (!pw)
			return EXIT_USAGE;
		char source[300];
		snprintf(source, sizeof(source), "os:%s", account ? account : "?");
		struct access_user u;
		long wait;
		enum access_login got = access_login(s, as, pw, source, &u, &wait, &err);
		sodium_free(pw);
		if (got == ACCESS_ERROR)
			return ident_store_error(&err);
		if (got == ACCESS_WAIT)
			return error("--as %s: too many failed logins: try again in %ld s; nothing was changed", as, wait);
		if (got != ACCESS_OK)
			return error("--as %s: wrong user name or password (a bidrag user, see 'bidrag user list'; the password "
				     "from $BIDRAG_PASSWORD or the terminal); nothing was changed", as);
		snprintf(who.name, sizeof(who.name), "%s", u.name);
		snprintf(who.role, sizeof(who.role), "%s", u.role);
		snprintf(who.org, sizeof(who.org), "%s", u.org);
		return 0;
	}
	int found = store_user_by_os(s, account, take_who, NULL, &err);
	if (found < 0)
		return ident_store_error(&err);
	if (found == 0)
		return 0;
	if (!users && account) {
		/* A register being set up: no one to name yet. */
		snprintf(who.name, sizeof(who.name), "%s", account);
		who.bootstrap = true;
		return 0;
	}
	return error("who makes this change? Name a bidrag user with --as USER (its password from $BIDRAG_PASSWORD or "
		     "the terminal; $BIDRAG_USER is the same), or map the OS account '%s' to a user ('bidrag user map "
		     "USER --os-account %s', by an admin); nothing was changed", account ? account : "?",
		     account ? account : "ACCOUNT");
}

static int resolve_tx(struct store *s, void *ctx, struct bd_error *err);

const char *cmd_actor(struct store *s)
{
	if (!who.done) {
		store_set_actor_resolver(s, NULL, NULL); /* its own writes (a failed login's count) need no one */
		who.done = true;
		who.ok = resolve(s) == 0;
	}
	if (!who.ok) {
		/* Every later write is refused too: a command that goes on to
		 * its next file must not write it as no one. */
		store_set_actor_resolver(s, resolve_tx, NULL);
		return NULL;
	}
	store_set_actor(s, who.name);
	return who.name;
}

const char *cmd_actor_as(struct store *s, const char *as)
{
	if (as)
		identity_as = as;
	return cmd_actor(s);
}

const char *cmd_reader(struct store *s)
{
	const char *as = identity_as && *identity_as ? identity_as : getenv("BIDRAG_USER");
	if (as && *as)
		return cmd_actor(s);
	struct bd_error err;
	if (!who.done && store_user_by_os(s, os_account(), take_who, NULL, &err) == 0) {
		who.done = who.ok = true;
		return who.name;
	}
	if (who.done && who.ok)
		return who.name;
	const char *account = os_account();
	return account ? account : "unknown";
}

const char *cmd_actor_role(void)
{
	return who.ok && !who.bootstrap ? who.role : NULL;
}

bool cmd_actor_bootstrap(void)
{
	return who.ok && who.bootstrap;
}

static int resolve_tx(struct store *s, void *ctx, struct bd_error *err)
{
	(void)ctx;
	if (cmd_actor(s))
		return 0;
	/* The reason is printed; the caller prints this after it. */
	return bd_fail(err, "no change was made without knowing who makes it");
}

int open_register(const char *db, bool create, struct store **s)
{
	struct bd_error err;
	if (refdata_load(&err))
		{
		error("%s", err.msg);
		return EXIT_IO;
	}
	const char *path = store_path(db);
	if (store_open(s, path, create ? STORE_CREATE : STORE_EXISTING, &err))
		return store_error(&err, EXIT_USAGE);
	store_set_actor_resolver(*s, resolve_tx, NULL);
	return 0;
}

static int seed_tx(struct store *s, void *ctx, struct bd_error *err)
{
	return datasets_seed(s, (int *)ctx, err);
}

int load_datasets(const char *db)
{
	struct bd_error err;
	const char *path = datasets_register_path(db);
	if (!path)
		return datasets_load(&err) ? error("%s", err.msg) : 0;
	struct store *s;
	int rc = open_register(path, false, &s);
	if (rc)
		return rc;
	bool seeded;
	int added = 0;
	if (datasets_seeded(s, &seeded, &err) || (!seeded && store_tx_retry(s, seed_tx, &added, &err)) ||
	    datasets_use_store(s, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return rc;
}

void print_warnings(const char *origin, struct decision_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "warning: %s: %s\n", origin, w->msg[i]);
}

void ledger_auto_id(const struct ledger_input *e, char out[LEDGER_AUTO_ID_LEN])
{
	/* What the event is, not who entered it: the same event entered twice,
	 * by anyone, is recognised rather than paid twice. */
	char hex[65];
	ledger_input_digest(e, true, hex);
	snprintf(out, LEDGER_AUTO_ID_LEN, "auto-%.16s", hex);
}

struct record_tx {
	const struct ledger_input *ev;
	size_t n;
	enum ledger_outcome *out;
	size_t failed_at;
	bool refused; /* the ledger refused an event (not the database) */
};

static int record_tx(struct store *s, void *vctx, struct bd_error *err)
{
	struct record_tx *c = vctx;
	c->refused = false;
	if (store_ledger_record(s, c->ev, c->n, c->out, &c->failed_at, err)) {
		c->refused = true;
		return 1;
	}
	return 0;
}

/* as_recorded: the events as recorded by actor: an event that names
 * someone else (an event file's "by") is refused, as is one the actor's
 * role may not record (access.h, as the web decides). */
static struct ledger_input *as_recorded(const struct ledger_input *ev, size_t n, const char *actor)
{
	struct ledger_input *v = xcalloc(n ? n : 1, sizeof(*v));
	const char *role = cmd_actor_role();
	for (size_t i = 0; i < n; i++) {
		v[i] = ev[i];
		char named[USER_NAME_SIZE];
		struct bd_error err;
		if (ev[i].actor && *ev[i].actor && (user_name_fold(ev[i].actor, named, &err) || strcmp(named, actor) != 0)) {
			error("event %zu (id '%s'): recorded by '%s', not by '%s': an event is recorded as the user who makes "
			      "the change (--as); nothing was recorded",
			      i + 1, ev[i].id ? ev[i].id : "", ev[i].actor, actor);
			free(v);
			return NULL;
		}
		const char *kind = event_kind_name(ev[i].kind);
		if (role && !access_may_record(role, kind, ev[i].recipient, who.org)) {
			error("event %zu (id '%s'): %s is %s, and a user with that role may not record a%s %s event%s; "
			      "nothing was recorded",
			      i + 1, ev[i].id ? ev[i].id : "", actor, role, strchr("aeiou", kind[0]) ? "n" : "", kind,
			      strcmp(role, "mottagare") == 0 ? " for another organisation" : "");
			free(v);
			return NULL;
		}
		v[i].actor = actor;
	}
	return v;
}

int ledger_record_batch(struct store *s, const struct ledger_input *given, size_t n, bool quiet)
{
	struct bd_error err;
	const char *actor = cmd_actor(s);
	if (!actor)
		return EXIT_USAGE;
	struct ledger_input *ev = as_recorded(given, n, actor);
	if (!ev)
		return EXIT_USAGE;
	enum ledger_outcome *out = xcalloc(n ? n : 1, sizeof(*out));
	struct record_tx c = {ev, n, out, 0, false};
	int rc = 0;
	/* Retried while the database could not serialise it (PostgreSQL with
	 * other writers): the batch is read and checked again each time. */
	if (store_tx_retry(s, record_tx, &c, &err)) {
		if (!c.refused)
			rc = io_error(err.msg);
		else if (n > 1)
			rc = error("event %zu (id '%s'): %s; nothing was recorded", c.failed_at + 1,
				   ev[c.failed_at].id ? ev[c.failed_at].id : "", err.msg);
		else
			rc = error("%s; nothing was recorded", err.msg);
	} else if (!quiet) {
		size_t recorded = 0, already = 0;
		for (size_t i = 0; i < n; i++) {
			if (out[i] == LEDGER_RECORDED)
				recorded++;
			else
				already++;
			if (n <= 50)
				printf("%s %s\n", out[i] == LEDGER_RECORDED ? "recorded" : "already recorded:", ev[i].id);
		}
		if (n > 50 || n > 1)
			printf("%zu event%s recorded, %zu already recorded\n", recorded, recorded == 1 ? "" : "s", already);
	}
	free(out);
	free(ev);
	return rc;
}
