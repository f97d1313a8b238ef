/* bidrag init: create (or upgrade) the register's database and load the
 * reference organisations and groups, and the seed key datasets. */
#include <string.h>

#include "dataset.h"
#include "store.h"
#include "cmd.h"

struct init_opts {
	const char *db;
};

static const struct cmd_opt init_options[] = {
	OPT_STR("db", 0, struct init_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_AS,
	OPT_END,
};

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.summary = "create or upgrade the register's database (SQLite file)",
	.usage = "init [--db]",
	.about = "Creates the database (default ./bidrag.db, or $BIDRAG_DB), brings its schema up to date, and\n"
		 "adds the reference organisations: the 21 regions, 290 kommuner, 21 RSS, the six\n"
		 "samverkansregioner with their payees, the six RCC, SKR and Kammarkollegiet, and the compiled-in\n"
		 "seed key datasets as the first versions of theirs ('bidrag datasets').  Running it again is\n"
		 "safe: it adds only what is missing and changes nothing else.",
	.exec = cmd_init,
	.options = init_options,
};

int cmd_init(int argc, char **argv)
{
	struct init_opts o = {0};
	int next, rc = cmd_parse(&cmd_init_entry, argc, argv, &o, &next);
	if (rc >= 0)
		return rc;
	if (next < argc)
		return usage_error(&cmd_init_entry, "unexpected argument '%s'", argv[next]);
	const char *db = o.db;
	struct store *s;
	rc = open_register(db, true, &s);
	if (rc)
		return rc;
	struct bd_error err;
	int added = 0, datasets = 0, version, applied;
	if (store_begin(s, &err) || store_seed_reference(s, &added, &err) || datasets_seed(s, &datasets, &err) ||
	    store_commit(s, &err)) {
		store_rollback(s);
		store_close(s);
		error("%s", err.msg);
		return EXIT_IO;
	}
	store_schema_info(s, &version, &applied);
	store_close(s);
	const char *path = store_path(db);
	if (applied)
		printf("%s: schema version %d (%d migration%s applied), %d reference organisations and groups added, "
		       "%d seed key datasets\n",
		       path, version, applied, applied == 1 ? "" : "s", added, datasets);
	else
		printf("%s: already at schema version %d; %d reference organisations and groups added, %d seed key "
		       "datasets\n",
		       path, version, added, datasets);
	return 0;
}
