/* migrate.c: the numbered migrations, written once for every engine
 * (src/store/migrations/README.md).
 *
 * A migration is src/store/migrations/NNNN-name.sql in a neutral form:
 * SQL that both engines read alike, with a few tokens where their dialects
 * differ (@id@, @int@, @text@, @blob@, @without-rowid@, @refuse('...')@).
 * Each engine gives a table of what its tokens become; the expansion is
 * here, once.  A migration may have companions NNNN-name.ENGINE.sql
 * ("sqlite", "pg") for SQL that only one engine has; an engine runs its
 * companion after the neutral file, in the same transaction.  Which
 * version a database is at is the engine's to keep (PRAGMA user_version,
 * bd_schema); the text of a migration already applied is never read again,
 * so its comments and layout may change, its statements not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* In order: the schema version after migration v is v + 1.  A new migration
 * is a new line at the end (and its file in meson.build's embedded files). */
static const char *const migrations[] = {
	"0001-register",
	"0002-ledger",
	"0003-recipient",
	"0004-audit",
	"0005-decision-warning",
	"0006-web-session",
	"0007-payee-account",
	"0008-dataset-origin",
	"0009-bank",
	"0010-allocation-change",
	"0011-org-name-index",
	"0012-calendar-feed",
	"0013-portal",
	"0014-user-os-account",
	"0015-ledger-checkpoint",
	"0016-ledger-digest",
	"0017-ledger-checkpoint-by-date",
};

int migration_count(void)
{
	return (int)BD_ARRAY_LEN(migrations);
}

const char *migration_name(int v)
{
	return v >= 0 && v < migration_count() ? migrations[v] : NULL;
}

char *migration_path(int v, const char *engine)
{
	const char *name = migration_name(v);
	if (!name)
		return NULL;
	return engine ? xasprintf("migrations/%s.%s.sql", name, engine) : xasprintf("migrations/%s.sql", name);
}

static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int line_of(const char *sql, const char *at)
{
	int line = 1;
	for (const char *p = sql; p < at; p++)
		line += *p == '\n';
	return line;
}

/* known: the dialect's tokens, for a message. */
static void known(struct buf *b, const struct migration_dialect *d)
{
	for (const struct migration_token *t = d->tokens; t->name; t++)
		buf_addf(b, "%s@%s%s@", t == d->tokens ? "" : ", ", t->name, t->after ? "('...')" : "");
}

static int token_fail(const char *path, const char *sql, const char *at, const struct migration_dialect *d,
		      struct bd_error *err, const char *what)
{
	struct buf k;
	buf_init(&k, 4096);
	known(&k, d);
	int n = (int)strcspn(at, "\n");
	bd_fail(err, "internal: %s line %d: %s at '%.*s' (the %s engine's tokens: %s)", path, line_of(sql, at), what,
		n > 40 ? 40 : n, at, d->engine, k.data ? k.data : "none");
	buf_release(&k);
	return -1;
}

char *migration_expand(const char *path, const char *sql, const struct migration_dialect *d, struct bd_error *err)
{
	struct buf out;
	buf_init(&out, SIZE_MAX);
	const char *p = sql;
	for (;;) {
		const char *at = strchr(p, '@');
		if (!at) {
			buf_adds(&out, p);
			break;
		}
		buf_add(&out, p, (size_t)(at - p));
		const char *name = at + 1, *end = name;
		while (token_char(*end))
			end++;
		size_t len = (size_t)(end - name);
		const struct migration_token *t = d->tokens;
		while (t->name && (strlen(t->name) != len || memcmp(t->name, name, len) != 0))
			t++;
		if (len == 0 || (*end != '@' && *end != '(')) {
			token_fail(path, sql, at, d, err, "an '@' that starts no token (a token is @name@ or @name(...)@)");
			goto fail;
		}
		if (!t->name) {
			token_fail(path, sql, at, d, err, "an unknown token");
			goto fail;
		}
		if (*end == '@') {
			if (t->after) {
				token_fail(path, sql, at, d, err, "a token that wraps a value, written without one");
				goto fail;
			}
			buf_adds(&out, t->before);
			p = end + 1;
			continue;
		}
		/* @name(ARG)@: ARG as written, between the token's two parts. */
		const char *arg = end + 1, *close = strstr(arg, ")@");
		if (!t->after) {
			token_fail(path, sql, at, d, err, "a plain token written with a value");
			goto fail;
		}
		if (!close || memchr(arg, '@', (size_t)(close - arg))) {
			token_fail(path, sql, at, d, err, "a token's value without its end ')@'");
			goto fail;
		}
		buf_adds(&out, t->before);
		buf_add(&out, arg, (size_t)(close - arg));
		buf_adds(&out, t->after);
		p = close + 2;
	}
	if (!out.data)
		buf_add(&out, "", 0);
	return out.data;
fail:
	buf_release(&out);
	return NULL;
}

char *migration_sql(int v, const struct migration_dialect *d, migration_find_fn find, struct bd_error *err)
{
	char *path = migration_path(v, NULL);
	if (!path) {
		bd_fail(err, "internal: no migration %d", v + 1);
		return NULL;
	}
	const char *text = find(path);
	if (!text) {
		bd_fail(err, "internal: migration '%s' is not compiled in", path);
		free(path);
		return NULL;
	}
	char *sql = migration_expand(path, text, d, err);
	free(path);
	if (!sql)
		return NULL;
	path = migration_path(v, d->engine);
	text = find(path);
	if (text) {
		char *own = migration_expand(path, text, d, err);
		char *both = own ? xasprintf("%s\n%s", sql, own) : NULL;
		free(own);
		free(sql);
		sql = both;
	}
	free(path);
	return sql;
}
