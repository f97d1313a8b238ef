/* bidrag db: the database as a whole: copy a register to another database,
 * of the same engine or the other (SQLite <-> PostgreSQL). */
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "cmd.h"

static const struct cmd_opt db_options[] = {
	OPT_END,
};

const struct cmd_entry cmd_db_entry = {
	.name = "db",
	.summary = "the database as a whole: copy a register between SQLite and PostgreSQL",
	.usage = "db copy FROM TO",
	.about = "'copy' copies the whole register at FROM into TO, each a SQLite file's path or a\n"
		 "postgresql:// URI (as --db takes them): decisions, datasets, organisations, the ledger's\n"
		 "events (their ids and sequence numbers kept), payment files, recipient registers with\n"
		 "every version, users with their password hashes and the audit log as it is, so that\n"
		 "'audit verify' gives the same head on both.  It runs in one transaction on TO: all or\n"
		 "nothing.  TO must be empty: a new SQLite path, a PostgreSQL database without tables, or\n"
		 "a register that only 'bidrag init' has written to (its reference organisations give\n"
		 "way to FROM's; on PostgreSQL this needs the role that ran init, which owns the tables).\n"
		 "A TO that holds anything else is refused and left as it was.",
	.after = "Exit status: 0 copied; 2 FROM or TO cannot be opened, or TO is not empty (nothing\n"
		 "written); 3 the copy failed (nothing written).",
	.exec = cmd_db,
	.options = db_options,
};

static bool is_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

struct copied {
	int64_t decisions, events, audit, users, files, registers, rows;
	int tables;
};

static void count(void *ctx, const char *table, const char *what, int64_t rows)
{
	(void)what;
	struct copied *c = ctx;
	c->rows += rows;
	c->tables++;
	if (strcmp(table, "decision") == 0)
		c->decisions = rows;
	else if (strcmp(table, "ledger_event") == 0)
		c->events = rows;
	else if (strcmp(table, "audit_log") == 0)
		c->audit = rows;
	else if (strcmp(table, "app_user") == 0)
		c->users = rows;
	else if (strcmp(table, "pay_batch") == 0)
		c->files = rows;
	else if (strcmp(table, "recipient_register") == 0)
		c->registers = rows;
}

/* forget_new_file: a SQLite file made for the copy, removed when the copy
 * failed, so that a failure leaves nothing behind. */
static void forget_new_file(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < BD_ARRAY_LEN(suffixes); i++) {
		char p[4096];
		bd_strf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

static int db_copy(const char *from_path, const char *to_path)
{
	struct bd_error err;
	struct store *from, *to;
	if (store_open(&from, from_path, STORE_EXISTING, &err))
		return store_error(&err, EXIT_USAGE);
	bool new_file = !is_uri(to_path) && access(to_path, F_OK) != 0;
	if (store_open(&to, to_path, STORE_CREATE, &err)) {
		store_close(from);
		if (new_file)
			forget_new_file(to_path);
		return store_error(&err, EXIT_USAGE);
	}
	struct copied c = {0};
	int rc = store_copy(from, to, count, &c, &err);
	store_close(to);
	store_close(from);
	if (rc) {
		if (new_file)
			forget_new_file(to_path);
		return store_error(&err, err.code == BD_IO || err.code == BD_BUSY ? EXIT_IO : EXIT_USAGE);
	}
	printf("copied %lld decisions, %lld ledger events, %lld payment files, %lld recipient register versions, "
	       "%lld users and %lld audit entries (%lld rows in %d tables)\n",
	       (long long)c.decisions, (long long)c.events, (long long)c.files, (long long)c.registers,
	       (long long)c.users, (long long)c.audit, (long long)c.rows, c.tables);
	return 0;
}

int cmd_db(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_db_entry);
	if (help >= 0)
		return help;
	int next, rc = cmd_parse(&cmd_db_entry, argc - 1, argv + 1, NULL, &next);
	if (rc >= 0)
		return rc;
	const char *verb = argv[1];
	char **args = argv + 1 + next;
	int nargs = argc - 1 - next;
	if (strcmp(verb, "copy") != 0)
		return usage_error(&cmd_db_entry, "unknown verb '%s' (expected copy)", verb);
	if (nargs != 2)
		return usage_error(&cmd_db_entry, "db copy takes FROM and TO, two locations (given %d)", nargs);
	return db_copy(args[0], args[1]);
}
