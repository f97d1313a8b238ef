/* pg-bare.c: the floor for bench/pg.py, a bare libpq insert loop.
 *
 *   pg-bare CONNINFO FILE...
 *
 * For each FILE (one batch: a row per line, 13 tab-separated fields: id,
 * digest, kind, part_id, org_id, amount, from_bucket, to_bucket, date,
 * actor, batch, detail, recorded; \N for NULL) it inserts every row into
 * bare_event, a table of ledger_event's shape (bench/pg.py makes it), in
 * one transaction: BEGIN, one prepared INSERT per row, COMMIT, with
 * synchronous_commit on (the commit waits for its WAL flush, as bidrag's
 * does).  No reads, no checks, no balances, no audit: what the same rows
 * cost the server with nothing of bidrag's around them.  One connection
 * for all the FILEs, made once, as `bidrag events import` makes one per
 * process: bench/pg.py gives one FILE per process to compare like with
 * like.  Exit status 0 when every batch committed, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define NFIELDS 13

static int ok(PGconn *c, PGresult *r, ExecStatusType want, const char *what)
{
	if (PQresultStatus(r) == want) {
		PQclear(r);
		return 1;
	}
	fprintf(stderr, "pg-bare: %s: %s", what, PQerrorMessage(c));
	PQclear(r);
	return 0;
}

static int batch(PGconn *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 0;
	}
	if (!ok(c, PQexec(c, "BEGIN"), PGRES_COMMAND_OK, "BEGIN")) {
		fclose(f);
		return 0;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int good = 1;
	while (good && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		const char *v[NFIELDS];
		char *p = line;
		int n = 0;
		for (; n < NFIELDS && p; n++) {
			char *tab = strchr(p, '\t');
			if (tab)
				*tab = '\0';
			v[n] = strcmp(p, "\\N") == 0 ? NULL : p;
			p = tab ? tab + 1 : NULL;
		}
		if (n != NFIELDS) {
			fprintf(stderr, "pg-bare: %s: a row with %d fields, expected %d\n", path, n, NFIELDS);
			good = 0;
			break;
		}
		good = ok(c, PQexecPrepared(c, "ins", NFIELDS, v, NULL, NULL, 0), PGRES_COMMAND_OK, "INSERT");
	}
	free(line);
	fclose(f);
	if (!good) {
		PQclear(PQexec(c, "ROLLBACK"));
		return 0;
	}
	return ok(c, PQexec(c, "COMMIT"), PGRES_COMMAND_OK, "COMMIT");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pg-bare CONNINFO FILE...\n");
		return 2;
	}
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg-bare: cannot connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return 1;
	}
	int good = ok(c, PQexec(c, "SET synchronous_commit = on"), PGRES_COMMAND_OK, "SET") &&
		   ok(c,
		      PQprepare(c, "ins",
				"INSERT INTO bare_event (id, digest, kind, part_id, org_id, amount, from_bucket, to_bucket, "
				"date, actor, batch, detail, recorded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
				"$11, $12, $13)",
				0, NULL),
		      PGRES_COMMAND_OK, "PREPARE");
	for (int i = 2; good && i < argc; i++)
		good = batch(c, argv[i]);
	PQfinish(c);
	return good ? 0 : 1;
}
