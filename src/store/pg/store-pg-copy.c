/* store-pg-copy.c: the PostgreSQL engine's primitives for copying a whole
 * register (engine.h: table_names ... table_loaded; the rules are in
 * src/store/store-copy.c).  Rows travel as typed values: integers as int8,
 * text as text, a blob as bytea, each bound as its column's type (NULL too),
 * so that the server converts nothing.  A statement's SQL is built from the
 * table's description, whose names are the program's own (never input). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pg-internal.h"

int pq_table_names(struct store *base, copy_name_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct pq_stmt q;
	if (pq_query(&q, s,
		     "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
		     "AND tablename NOT IN ('bd_schema', 'bd_generation') ORDER BY tablename",
		     "listing the tables", err))
		return -1;
	int rc;
	while ((rc = pq_row(&q)) > 0)
		if (fn(ctx, pq_text(&q, 0)))
			return pq_stop(&q, -1);
	return rc;
}

static char *column_list(const struct copy_table *t)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < t->ncols; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", t->cols[i].name);
	return b.data;
}

int pq_table_scan(struct store *base, const struct copy_table *t, copy_row_fn fn, void *ctx, struct bd_error *err)
{
	struct pg_store *s = P(base);
	char *cols = column_list(t);
	char *sql = xasprintf("SELECT %s FROM %s ORDER BY %s", cols, t->name, t->order);
	free(cols);
	struct pq_stmt q;
	int rc = pq_query(&q, s, sql, "reading a table", err);
	free(sql);
	if (rc)
		return -1;
	struct copy_value *row = xcalloc(t->ncols, sizeof(*row));
	unsigned char **blobs = xcalloc(t->ncols, sizeof(*blobs));
	int ret = 0;
	while (ret == 0 && (rc = pq_row(&q)) > 0) {
		for (size_t i = 0; i < t->ncols; i++) {
			int c = (int)i;
			struct copy_value *v = &row[i];
			*v = (struct copy_value){.null = pq_isnull(&q, c)};
			if (v->null)
				continue;
			switch (t->cols[i].type) {
			case COPY_INT:
				v->num = pq_i64(&q, c);
				break;
			case COPY_TEXT:
				v->text = pq_text(&q, c);
				v->len = strlen(v->text);
				break;
			case COPY_BLOB:
				PQfreemem(blobs[i]);
				blobs[i] = PQunescapeBytea((const unsigned char *)pq_text(&q, c), &v->len);
				if (!blobs[i]) {
					ret = bd_failc(err, BD_IO, "database: reading the table %s: out of memory", t->name);
					break;
				}
				v->text = (const char *)blobs[i];
				break;
			}
		}
		if (ret == 0 && fn(ctx, row))
			ret = -1;
	}
	if (ret)
		pq_stop(&q, 0);
	else if (rc < 0)
		ret = -1;
	for (size_t i = 0; i < t->ncols; i++)
		PQfreemem(blobs[i]);
	free(blobs);
	free(row);
	return ret;
}

/* The locking triggers refuse a delete: they are disabled for it, in the
 * transaction (ALTER TABLE holds the table's lock to its end, so no other
 * session writes past them).  Only the table's owner may: the role that ran
 * bidrag init. */
int pq_table_clear(struct store *base, const struct copy_table *t, struct bd_error *err)
{
	struct pg_store *s = P(base);
	char *sql = xasprintf("ALTER TABLE %s DISABLE TRIGGER USER; DELETE FROM %s; ALTER TABLE %s ENABLE TRIGGER USER",
			      t->name, t->name, t->name);
	int rc = pq_exec_sql(s, sql, "clearing a table", err);
	free(sql);
	if (rc)
		bd_prefix(err, "clearing the table %s", t->name);
	return rc;
}

int pq_table_load(struct store *base, const struct copy_table *t, const struct copy_value *row, struct bd_error *err)
{
	struct pg_store *s = P(base);
	struct buf b;
	buf_init(&b, 1 << 16);
	char *cols = column_list(t);
	buf_addf(&b, "INSERT INTO %s (%s) VALUES (", t->name, cols);
	free(cols);
	for (size_t i = 0; i < t->ncols; i++)
		buf_addf(&b, "%s$%zu", i ? ", " : "", i + 1);
	buf_addf(&b, ")");
	struct pq_arg *args = xcalloc(t->ncols, sizeof(*args));
	for (size_t i = 0; i < t->ncols; i++) {
		const struct copy_value *v = &row[i];
		switch (t->cols[i].type) {
		case COPY_INT:
			args[i] = v->null ? PQ_NULL_I : PQ_I(v->num);
			break;
		case COPY_TEXT:
			args[i] = PQ_T(v->null ? NULL : v->text);
			break;
		case COPY_BLOB:
			args[i] = v->null ? (struct pq_arg){.type = PQ_ARG_NULL, .oid = 17} : PQ_B(v->text, v->len);
			break;
		}
	}
	char what[128];
	bd_strf(what, sizeof(what), "copying a row of %s", t->name);
	int rc = pq_run_(s, b.data, what, err, args, t->ncols);
	free(args);
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

/* An identity column numbers a new row from its sequence, which loading
 * rows with their own numbers does not advance. */
int pq_table_loaded(struct store *base, const struct copy_table *t, struct bd_error *err)
{
	struct pg_store *s = P(base);
	if (!t->identity)
		return 0;
	char *sql = xasprintf("SELECT setval(pg_get_serial_sequence('%s', '%s'), max(%s)) FROM %s HAVING count(*) > 0",
			      t->name, t->identity, t->identity, t->name);
	char what[128];
	bd_strf(what, sizeof(what), "numbering the rows after those copied into %s", t->name);
	struct pq_stmt q;
	int rc = pq_query(&q, s, sql, what, err);
	free(sql);
	if (rc)
		return -1;
	while ((rc = pq_row(&q)) > 0)
		;
	return rc;
}
