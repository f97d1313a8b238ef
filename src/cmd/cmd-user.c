/* bidrag user: the web application's users: add, passwd, list, check. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "refdata.h"
#include "store.h"
#include "cmd.h"

struct user_opts {
	const char *db, *role, *org, *os_account;
};

static const struct cmd_opt user_options[] = {
	OPT_STR("db", 0, struct user_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("role", 0, struct user_opts, role, "ROLE", "the user's role (ROLE above)"),
	OPT_STR("org", 0, struct user_opts, org, "ORG", "the organisation a mottagare files for (code, name or orgnr)"),
	OPT_STR("os-account", 0, struct user_opts, os_account, "ACCOUNT",
		"the OS account whose commands are this user's (map: \"\" for none)"),
	OPT_AS,
	OPT_END,
};

const struct cmd_entry cmd_user_entry = {
	.name = "user",
	.summary = "users and their roles: add, passwd, map, list, check",
	.usage = "user add NAME --role [--org] [--os-account] [--db] [--as]\n"
		 "       bidrag user passwd NAME [--db] [--as]\n"
		 "       bidrag user map NAME --os-account [--db] [--as]\n"
		 "       bidrag user list [--db]\n"
		 "       bidrag user check NAME [--db]",
	.about = "ROLE: handlaggare or handläggare (registers decisions and events), attestant (attests payments, never\n"
		 "their own), revisor (reads and verifies everything, changes nothing), mottagare (a\n"
		 "recipient's user: sees and files only for --org), admin (users and roles).\n"
		 "The password is read from the terminal (twice), or as the first line of standard input;\n"
		 "at least 12 characters.  It is stored as an Argon2id hash (libsodium).  'check' reads a\n"
		 "password and exits 0 if it is the user's, 1 if not.\n"
		 "A name is stored as Unicode NFC with its whitespace folded; one that folds to an existing\n"
		 "user's is refused.  Every change from the command line is recorded as a user: --as USER\n"
		 "(or --by, --user, $BIDRAG_USER) with its password from $BIDRAG_PASSWORD or the terminal,\n"
		 "else the user whose --os-account is the account running the command ('map' sets it).\n"
		 "add, passwd and map need an admin; the first user of a register, which must be an admin,\n"
		 "is added by the OS account alone.",
	.exec = cmd_user,
	.options = user_options,
};

static const char *const roles[] = {"handlaggare", "attestant", "revisor", "mottagare", "admin", NULL};

#define PW_MIN 12
#define PW_MAX CMD_PASSWORD_MAX

/* read_password: from the terminal without echo, or a line of stdin. */
static int read_password(const char *prompt, char *out, size_t len)
{
	int rc = cmd_read_secret(stdin, stderr, prompt, out, len);
	if (rc == 1)
		return error("no password given (expected it on the terminal or as a line on standard input)");
	if (rc == 2)
		return error("the password is longer than %d characters", PW_MAX);
	return 0;
}

static int new_password(char hash[crypto_pwhash_STRBYTES])
{
	char *pw = sodium_malloc(PW_MAX + 2), *again = sodium_malloc(PW_MAX + 2);
	int rc = read_password("Nytt lösenord: ", pw, PW_MAX + 2);
	if (!rc && strlen(pw) < PW_MIN)
		rc = error("the password has %zu characters; at least %d are needed", strlen(pw), PW_MIN);
	if (!rc && isatty(STDIN_FILENO)) {
		rc = read_password("Upprepa lösenordet: ", again, PW_MAX + 2);
		if (!rc && strcmp(pw, again) != 0)
			rc = error("the passwords differ; nothing was changed");
	}
	if (!rc && crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				     crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		rc = io_error("hashing the password failed (out of memory)");
	sodium_free(pw);
	sodium_free(again);
	return rc;
}

static int print_user(void *ctx, const struct user *u)
{
	int *n = ctx;
	if ((*n)++ == 0)
		printf("%-24s %-12s %-8s %-12s %-20s %s\n", "name", "role", "org", "os account", "created",
		       "password changed");
	print_padded(stdout, u->name, 24); /* a name with å is wider in bytes than on screen */
	printf(" %-12s %-8s %-12s %-20s %s\n", u->role, u->org ? u->org : "", u->os_account ? u->os_account : "",
	       u->created_at, u->changed_at);
	return 0;
}

static int take_hash(void *ctx, const struct user *u)
{
	snprintf(ctx, crypto_pwhash_STRBYTES, "%s", u->password_hash);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_user_entry);
	if (help >= 0)
		return help;
	struct user_opts o = {0};
	int next, rc = cmd_parse(&cmd_user_entry, argc - 1, argv + 1, &o, &next);
	if (rc >= 0)
		return rc;
	const char *verb = argv[1], *db = o.db, *org = o.org;
	const char *role = o.role && strcmp(o.role, "handläggare") == 0 ? "handlaggare" : o.role;
	char **args = argv + 1 + next;
	int nargs = argc - 1 - next;
	bool add = strcmp(verb, "add") == 0, passwd = strcmp(verb, "passwd") == 0, list = strcmp(verb, "list") == 0,
	     check = strcmp(verb, "check") == 0, map = strcmp(verb, "map") == 0;
	if (!add && !passwd && !list && !check && !map)
		return usage_error(&cmd_user_entry, "unknown subcommand '%s' (expected add, passwd, map, list or check)",
				   verb);
	if (map && !o.os_account)
		return usage_error(&cmd_user_entry, "user map needs --os-account ACCOUNT (\"\" to unmap)");
	if (nargs != (list ? 0 : 1))
		return usage_error(&cmd_user_entry, list ? "user list takes no arguments" : "user %s takes one NAME", verb);
	const char *name = list ? NULL : args[0];
	if (add) {
		size_t i = 0;
		while (role && roles[i] && strcmp(roles[i], role) != 0)
			i++;
		if (!role || !roles[i])
			return usage_error(&cmd_user_entry,
					   "--role %s%s%s: expected handlaggare, attestant, revisor, mottagare or admin",
					   role ? "'" : "is required", role ? role : "", role ? "'" : "");
		if ((strcmp(role, "mottagare") == 0) != (org != NULL))
			return usage_error(&cmd_user_entry, org ? "--org is only for the role mottagare"
							     : "a mottagare needs --org (the organisation it files for)");
	}
	if (sodium_init() < 0)
		return io_error("libsodium could not be initialised");
	struct store *s;
	rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	if (add || passwd || map) {
		/* Users are an admin's to change; the first, an admin, is added by
		 * the OS account alone (the register is being set up). */
		const char *actor = cmd_actor(s);
		if (!actor)
			rc = EXIT_USAGE;
		else if (cmd_actor_bootstrap() && !(add && strcmp(role, "admin") == 0))
			rc = error("the register has no users yet: its first user must be an admin ('bidrag user add NAME "
				   "--role admin'); nothing was changed");
		else if (!cmd_actor_bootstrap() && strcmp(cmd_actor_role(), "admin") != 0)
			rc = error("%s is %s: only an admin adds users, changes passwords and maps OS accounts; nothing was "
				   "changed", actor, cmd_actor_role());
		if (rc) {
			store_close(s);
			return rc;
		}
	}
	char hash[crypto_pwhash_STRBYTES];
	if (list) {
		int n = 0;
		if (store_user_list(s, print_user, &n, &err) < 0)
			rc = store_error(&err, EXIT_IO);
		else if (!n)
			puts("no users (add the first admin with 'bidrag user add NAME --role admin')");
	} else if (check) {
		int found = store_user_get(s, name, take_hash, hash, &err);
		char *pw = sodium_malloc(PW_MAX + 2);
		if (found < 0)
			rc = store_error(&err, EXIT_IO);
		else if (found == 1)
			rc = error("no user named '%s'", name);
		else if (!(rc = read_password("Lösenord: ", pw, PW_MAX + 2))) {
			bool ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
			puts(ok ? "the password is right" : "the password is wrong");
			rc = ok ? 0 : EXIT_PROBLEM;
		}
		sodium_free(pw);
	} else {
		char code[64] = "";
		if (org) {
			int found = store_org_find(s, org, code, NULL, &err);
			if (found == 1)
				rc = error("--org: %s", err.msg);
			else if (found < 0)
				rc = store_error(&err, EXIT_IO);
		}
		if (!rc && add) {
			/* The name before the password: no one types a password for a
			 * name that cannot be added. */
			char folded[USER_NAME_SIZE];
			int found = 1;
			if (user_name_fold(name, folded, &err) ||
			    (!user_name_ok(folded) &&
			     bd_fail(&err, "user name '%s': expected 1 to 64 of a-z, 0-9, '.', '-', '_', å, ä, ö, é and ü "
					   "(small letters, no spaces)", folded)))
				rc = error("%s; nothing was changed", err.msg);
			else if ((found = store_user_get(s, folded, take_hash, hash, &err)) < 0)
				rc = store_error(&err, EXIT_IO);
			else if (found == 0)
				rc = error("a user named '%s' exists already (see 'bidrag user list'); nothing was changed", folded);
		}
		if (!rc && !map)
			rc = new_password(hash);
		if (!rc) {
			struct user u = {name, role, org ? code : NULL, hash, NULL, NULL, o.os_account};
			int done = -1;
			if (store_begin(s, &err) == 0) {
				done = add ? store_user_add(s, &u, &err)
				       : map ? store_user_map(s, name, o.os_account, &err)
					     : store_user_passwd(s, name, hash, &err);
				if (done == 0 && store_commit(s, &err))
					done = -1;
				if (done)
					store_rollback(s);
			}
			if (done == 1)
				rc = error("no user named '%s' (see 'bidrag user list')", name);
			else if (done)
				rc = error("%s; nothing was changed", err.msg);
			else if (map)
				printf(*o.os_account ? "user %s mapped to the OS account %s\n" : "user %s unmapped%s\n", name,
				       o.os_account);
			else
				printf(add ? "user %s added (%s%s%s)\n" : "password of %s changed\n", name, role ? role : "",
				       org ? ", " : "", org ? code : "");
		}
	}
	sodium_memzero(hash, sizeof(hash));
	store_close(s);
	return rc;
}
