/* test-migrate.c: the numbered migrations written once (src/store/migrate.c,
 * src/store/migrations/README.md).  The tokens expand as the dialect says,
 * an '@' that is no token of it is an internal error naming file and line
 * (never passed on to SQL), an engine's companion follows the neutral file,
 * and the files compiled in are exactly the migrations listed: every
 * migrations/NNNN-name.sql listed in order and embedded, every companion of
 * a listed migration and a known engine, every .sql file of the source
 * folder embedded (a file forgotten in meson.build would be a migration or
 * companion that no engine runs).  The engines' own token tables are
 * exercised by every test that creates a database, on both engines. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "engine.h"
#include "tap.h"

static const struct migration_token toks[] = {
	{"id", "ID", NULL},
	{"text", "T", NULL},
	{"none", "", NULL},
	{"refuse", "R(", ")"},
	{NULL, NULL, NULL},
};
static const struct migration_dialect dialect = {"eng", toks};

static int expands_to(const char *sql, const char *want)
{
	struct bd_error err = {0};
	char *got = migration_expand("t.sql", sql, &dialect, &err);
	int same = got && strcmp(got, want) == 0;
	if (!same)
		diag("'%s' gave '%s' (%s), expected '%s'", sql, got ? got : "NULL", err.msg, want);
	free(got);
	return same;
}

static int refused(const char *sql, const char *want)
{
	struct bd_error err = {0};
	char *got = migration_expand("t.sql", sql, &dialect, &err);
	int ok = !got && strstr(err.msg, want) != NULL && strncmp(err.msg, "internal: t.sql line ", 21) == 0;
	if (!ok)
		diag("'%s' gave '%s' with '%s'", sql, got ? got : "NULL", err.msg);
	free(got);
	return ok;
}

static const char *fake(const char *path)
{
	if (strcmp(path, "migrations/0002-ledger.sql") == 0)
		return "CREATE TABLE a (x @id@);";
	if (strcmp(path, "migrations/0002-ledger.eng.sql") == 0)
		return "CREATE INDEX b ON a(x) @none@;";
	if (strcmp(path, "migrations/0003-recipient.sql") == 0)
		return "CREATE TABLE c (@bad@);";
	return NULL;
}

static bool is_listed(const char *name, size_t len)
{
	for (int v = 0; v < migration_count(); v++)
		if (strlen(migration_name(v)) == len && strncmp(migration_name(v), name, len) == 0)
			return true;
	return false;
}

int main(void)
{
	ok(expands_to("CREATE TABLE t (id @id@, s @text@ NOT NULL) @none@;",
		      "CREATE TABLE t (id ID, s T NOT NULL) ;"),
	   "plain tokens expand to the dialect's words");
	ok(expands_to("CREATE TRIGGER x BEFORE UPDATE ON t\n@refuse('it''s locked')@;",
		      "CREATE TRIGGER x BEFORE UPDATE ON t\nR('it''s locked');"),
	   "a wrapping token puts its value between its two parts, quotes and all");
	ok(expands_to("", "") && expands_to("SELECT 1", "SELECT 1"), "text without tokens is unchanged");
	ok(refused("SELECT 1;\n\nCREATE TABLE t (x @integer@);", "line 3: an unknown token at '@integer@);'"),
	   "an unknown token is an internal error naming file and line");
	ok(refused("SELECT 1;\n\nCREATE TABLE t (x @integer@);", "the eng engine's tokens: @id@, @text@, @none@, @refuse('...')@"),
	   "the error lists the dialect's tokens");
	ok(refused("-- mail me@example.org\n", "line 1: an '@' that starts no token"), "a lone '@', in a comment too, is refused");
	ok(refused("x @@", "an '@' that starts no token"), "'@@' is no escape");
	ok(refused("x @id", "an '@' that starts no token"), "a token without its closing '@' is refused");
	ok(refused("x @refuse@", "written without one"), "a wrapping token without a value is refused");
	ok(refused("x @id('a')@", "a plain token written with a value"), "a plain token with a value is refused");
	ok(refused("x @refuse('a'", "without its end ')@'"), "a value without its end is refused");
	ok(refused("x @refuse('a@b')@", "without its end ')@'"), "a value holding an '@' is refused");

	struct bd_error err = {0};
	char *sql = migration_sql(1, &dialect, fake, &err);
	ok(sql && strcmp(sql, "CREATE TABLE a (x ID);\nCREATE INDEX b ON a(x) ;") == 0,
	   "migration_sql: the neutral file, then the engine's companion, both expanded");
	free(sql);
	struct migration_dialect other = {"other", toks};
	sql = migration_sql(1, &other, fake, &err);
	ok(sql && strcmp(sql, "CREATE TABLE a (x ID);") == 0, "another engine's companion is not run");
	free(sql);
	sql = migration_sql(2, &dialect, fake, &err);
	ok(!sql && strstr(err.msg, "internal: migrations/0003-recipient.sql line 1: an unknown token at '@bad@);'"),
	   "an unknown token in a migration names its file (%s)", err.msg);
	sql = migration_sql(0, &dialect, fake, &err);
	ok(!sql && strstr(err.msg, "internal: migration 'migrations/0001-register.sql' is not compiled in"),
	   "a neutral file not compiled in is an internal error (%s)", err.msg);
	ok(!migration_sql(migration_count(), &dialect, fake, &err) && !migration_name(migration_count()) &&
		   !migration_name(-1),
	   "no migration past the last");

	/* The migrations listed: numbered 0001 up without a gap, each embedded. */
	bool listed = migration_count() >= 6;
	for (int v = 0; v < migration_count(); v++) {
		char num[16];
		snprintf(num, sizeof(num), "%04d-", v + 1);
		char *path = migration_path(v, NULL);
		if (strncmp(migration_name(v), num, 5) != 0 || !embedded_find(path)) {
			diag("migration %d: '%s' (%s)", v, migration_name(v), path);
			listed = false;
		}
		free(path);
	}
	ok(listed, "%d migrations listed, numbered in order, each compiled in", migration_count());

	/* Every embedded migrations/ file is one of them or a companion. */
	bool known = true;
	int files = 0;
	for (size_t i = 0; i < embedded_count; i++) {
		const char *n = embedded_files[i].name;
		if (strncmp(n, "migrations/", 11) != 0)
			continue;
		files++;
		const char *base = n + 11, *dot = strchr(base, '.');
		bool good = dot && is_listed(base, (size_t)(dot - base)) &&
			    (strcmp(dot, ".sql") == 0 || strcmp(dot, ".sqlite.sql") == 0 || strcmp(dot, ".pg.sql") == 0);
		if (!good) {
			diag("compiled in, but no migration or companion of one: %s", n);
			known = false;
		}
	}
	ok(known && files >= migration_count(), "each of the %d files compiled in under migrations/ belongs to a listed migration",
	   files);

	/* Every .sql file of the source folder is compiled in. */
	DIR *d = opendir(SRC_MIGRATIONS);
	bool all = d != NULL;
	int sources = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		sources++;
		char *name = xasprintf("migrations/%s", e->d_name);
		if (!embedded_find(name)) {
			diag("%s/%s is not among meson.build's embedded files", SRC_MIGRATIONS, e->d_name);
			all = false;
		}
		free(name);
	}
	if (d)
		closedir(d);
	ok(all && sources == files, "each of the %d .sql files of %s is compiled in", sources, SRC_MIGRATIONS);
	return tap_done();
}
