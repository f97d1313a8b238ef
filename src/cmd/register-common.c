/* register-common.c: what the register's commands share: opening the
 * database named by --db or BIDRAG_DB, and printing warnings. */
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>


#include "dataset.h"
#include "refdata.h"
#include "store.h"
#include "cmd.h"
#include "refload.h"

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
	store_set_actor(*s, ledger_actor(NULL));
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

const char *ledger_actor(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *e = getenv("BIDRAG_USER");
	if (e && *e)
		return e;
	e = getenv("USER");
	if (e && *e)
		return e;
	/* No USER (cron, a service, a bare container): the account's name, so
	 * that the audit log still says who. */
	const struct passwd *pw = getpwuid(geteuid());
	return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : "unknown";
}

const char *cmd_actor_as(struct store *s, const char *as)
{
	const char *actor = ledger_actor(as);
	store_set_actor(s, actor);
	return actor;
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

int ledger_record_batch(struct store *s, const struct ledger_input *ev, size_t n, bool quiet)
{
	struct bd_error err;
	enum ledger_outcome *out = xcalloc(n ? n : 1, sizeof(*out));
	struct record_tx c = {ev, n, out, 0, false};
	int rc = 0;
	if (n && ev[0].actor)
		store_set_actor(s, ev[0].actor); /* the audit log's entry for the batch */
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
	return rc;
}
