/* store-sqlite-copy.c: the SQLite engine's primitives for copying a whole
 * register (engine.h: table_names ... table_loaded; the rules are in
 * src/store/store-copy.c).  Rows travel as typed values; a statement's SQL
 * is built from the table's description, whose names are the program's own
 * (never input). */
#include <stdlib.h>
#include <string.h>

#include "sqlite-internal.h"

int sq_table_names(struct store *base, copy_name_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct sq_stmt q;
	if (sq_query(&q, s,
		     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		     "ORDER BY name",
		     "listing the tables", err))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0)
		if (fn(ctx, sq_text(&q, 0)))
			return sq_stop(&q, -1);
	return rc;
}

/* column_list: "a, b, c" of t's columns, into a malloc'd string. */
static char *column_list(const struct copy_table *t)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < t->ncols; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", t->cols[i].name);
	return b.data;
}

int sq_table_scan(struct store *base, const struct copy_table *t, copy_row_fn fn, void *ctx, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	char *cols = column_list(t);
	char *sql = xasprintf("SELECT %s FROM %s ORDER BY %s", cols, t->name, t->order);
	free(cols);
	sqlite3_stmt *st = prep(s, sql, err);
	free(sql);
	if (!st)
		return -1;
	struct copy_value *row = xcalloc(t->ncols, sizeof(*row));
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < t->ncols; i++) {
			int c = (int)i;
			struct copy_value *v = &row[i];
			*v = (struct copy_value){.null = sqlite3_column_type(st, c) == SQLITE_NULL};
			if (v->null)
				continue;
			switch (t->cols[i].type) {
			case COPY_INT:
				v->num = sqlite3_column_int64(st, c);
				break;
			case COPY_TEXT:
				v->text = (const char *)sqlite3_column_text(st, c);
				v->len = (size_t)sqlite3_column_bytes(st, c);
				break;
			case COPY_BLOB:
				v->text = sqlite3_column_blob(st, c);
				v->len = (size_t)sqlite3_column_bytes(st, c);
				if (!v->text)
					v->text = "";
				break;
			}
		}
		if (fn(ctx, row)) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = bd_failc(err, BD_IO, "database: reading the table %s: %s", t->name, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	free(row);
	return ret;
}

struct trigger_sql {
	char **name, **sql;
	size_t n;
};

static int take_trigger(struct sqlite_store *s, const char *table, struct trigger_sql *tr, struct bd_error *err)
{
	struct sq_stmt q;
	if (sq_query(&q, s, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
		     "reading a table's triggers", err, SQ_T(table)))
		return -1;
	int rc;
	while ((rc = sq_row(&q)) > 0) {
		tr->name = xrealloc(tr->name, (tr->n + 1) * sizeof(*tr->name));
		tr->sql = xrealloc(tr->sql, (tr->n + 1) * sizeof(*tr->sql));
		tr->name[tr->n] = xstrdup(sq_text(&q, 0));
		tr->sql[tr->n] = xstrdup(sq_text(&q, 1));
		tr->n++;
	}
	return rc;
}

/* The locking triggers refuse a delete; SQLite has no way to pass them but
 * to drop them and make them again, which, in the transaction, no other
 * connection ever sees. */
int sq_table_clear(struct store *base, const struct copy_table *t, struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct trigger_sql tr = {0};
	int rc = take_trigger(s, t->name, &tr, err);
	for (size_t i = 0; rc == 0 && i < tr.n; i++) {
		char *drop = xasprintf("DROP TRIGGER \"%s\"", tr.name[i]);
		rc = exec(s, drop, err);
		free(drop);
	}
	if (rc == 0) {
		char *del = xasprintf("DELETE FROM %s", t->name);
		rc = exec(s, del, err);
		free(del);
	}
	for (size_t i = 0; rc == 0 && i < tr.n; i++)
		rc = exec(s, tr.sql[i], err);
	for (size_t i = 0; i < tr.n; i++) {
		free(tr.name[i]);
		free(tr.sql[i]);
	}
	free(tr.name);
	free(tr.sql);
	if (rc)
		bd_prefix(err, "clearing the table %s", t->name);
	return rc;
}

int sq_table_load(struct store *base, const struct copy_table *t, const struct copy_value *row,
		  struct bd_error *err)
{
	struct sqlite_store *s = S(base);
	struct buf b;
	buf_init(&b, 1 << 16);
	char *cols = column_list(t);
	buf_addf(&b, "INSERT INTO %s (%s) VALUES (", t->name, cols);
	free(cols);
	for (size_t i = 0; i < t->ncols; i++)
		buf_addf(&b, "%s?%zu", i ? ", " : "", i + 1);
	buf_addf(&b, ")");
	char *sql = b.data;
	sqlite3_stmt *st = prep(s, sql, err);
	free(sql);
	if (!st)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		int c = (int)i + 1;
		const struct copy_value *v = &row[i];
		if (v->null)
			sqlite3_bind_null(st, c);
		else if (t->cols[i].type == COPY_INT)
			sqlite3_bind_int64(st, c, v->num);
		else if (t->cols[i].type == COPY_TEXT)
			sqlite3_bind_text(st, c, v->text, (int)v->len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_blob(st, c, v->text, (int)v->len, SQLITE_TRANSIENT);
	}
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc != SQLITE_DONE) {
		int code = sqlite3_extended_errcode(s->db) & 0xff;
		ret = bd_failc(err, code == SQLITE_BUSY ? BD_BUSY : code == SQLITE_CONSTRAINT ? BD_CONFLICT : BD_IO,
			       "database: copying a row of %s: %s", t->name, sqlite3_errmsg(s->db));
	}
	sqlite3_finalize(st);
	return ret;
}

/* An INTEGER PRIMARY KEY without AUTOINCREMENT numbers a new row past the
 * largest there is: nothing to advance. */
int sq_table_loaded(struct store *base, const struct copy_table *t, struct bd_error *err)
{
	(void)base;
	(void)t;
	(void)err;
	return 0;
}
