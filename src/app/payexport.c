/* payexport.c: payment files and their execution.  See payexport.h. */
#include "payexport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "payfile.h"
#include "store-payee.h"

int payment_rows_collect(void *ctx, const struct payment_row *p)
{
	struct payment_rows *r = ctx;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct strpool *pool = &r->pool;
	r->v[r->n++] = (struct payment_row){
		.id = strpool_strdup(pool, p->id),
		.dnr = strpool_strdup(pool, p->dnr),
		.part = strpool_strdup(pool, p->part),
		.recipient = strpool_strdup(pool, p->recipient),
		.recipient_name = strpool_strdup(pool, p->recipient_name),
		.payee_name = strpool_strdup(pool, p->payee_name),
		.orgnr = strpool_strdup(pool, p->orgnr),
		.bankgiro = strpool_strdup(pool, p->bankgiro),
		.plusgiro = strpool_strdup(pool, p->plusgiro),
		.reference = strpool_strdup(pool, p->reference),
		.amount = p->amount,
		.date = strpool_strdup(pool, p->date),
		.registered_by = strpool_strdup(pool, p->registered_by),
		.exec_date = strpool_strdup(pool, p->exec_date),
		.override = strpool_strdup(pool, p->override),
		.iban = strpool_strdup(pool, p->iban),
		.bic = strpool_strdup(pool, p->bic),
		.account_changed = strpool_strdup(pool, p->account_changed),
		.account_recent = p->account_recent,
	};
	return 0;
}

void payment_rows_release(struct payment_rows *r)
{
	free(r->v);
	strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

struct debtor {
	char name[256], orgnr[32], bankgiro[32];
};

static int take_debtor(void *ctx, const struct org *o)
{
	struct debtor *d = ctx;
	snprintf(d->name, sizeof(d->name), "%s", o->name);
	snprintf(d->orgnr, sizeof(d->orgnr), "%s", o->orgnr ? o->orgnr : "");
	snprintf(d->bankgiro, sizeof(d->bankgiro), "%s", o->bankgiro ? o->bankgiro : "");
	return 0;
}

/* record_executed: the payments of a fresh batch, as executed. */
static int record_executed(struct store *s, const struct pay_export *in, const struct payment_rows *rows,
			   struct bd_error *err)
{
	struct ledger_input *ev = xcalloc(rows->n, sizeof(*ev));
	char **ids = xcalloc(rows->n, sizeof(char *));
	for (size_t i = 0; i < rows->n; i++) {
		ids[i] = xasprintf("execute:%s", rows->v[i].id);
		ev[i] = (struct ledger_input){.id = ids[i], .kind = EV_EXECUTE, .ref = rows->v[i].id, .actor = in->by,
					      .batch = in->batch, .override = in->override};
		memcpy(ev[i].date, in->date, DATE_LEN);
	}
	enum ledger_outcome *outc = xcalloc(rows->n, sizeof(*outc));
	size_t failed_at = 0;
	int rc = store_ledger_record(s, ev, rows->n, outc, &failed_at, err);
	if (rc)
		bd_prefix(err, "payment %s", rows->v[failed_at].id);
	for (size_t i = 0; i < rows->n; i++)
		free(ids[i]);
	free(ids);
	free(ev);
	free(outc);
	return rc;
}

static const char *account_of(const struct payment_row *r)
{
	return r->bankgiro ? r->bankgiro : r->plusgiro ? r->plusgiro : r->iban ? r->iban : "";
}

/* note_changed: the payments paid to another account than they were
 * registered (and attested) with. */
static void note_changed(const struct payment_rows *paid, const struct payment_rows *registered,
			 struct pay_export_result *out)
{
	size_t used = 0;
	for (size_t i = 0, k = 0; i < paid->n; i++) {
		const struct payment_row *p = &paid->v[i];
		while (k < registered->n && strcmp(registered->v[k].id, p->id) != 0)
			k++;
		if (k == registered->n)
			break;
		const struct payment_row *r = &registered->v[k];
		/* (An IBAN it was registered with is not among the registered
		 * row's fields: such a payment is compared by its change date.) */
		if (strcmp(account_of(p), account_of(r)) == 0 || (!*account_of(r) && !payee_change_recent(p->account_changed, r->date)))
			continue;
		int w = snprintf(out->notes + used, sizeof(out->notes) - used,
				 "payment %s to %s goes to %s %s, approved on %s, not to %s as registered\n", p->id,
				 p->payee_name, p->bankgiro ? "bankgiro" : p->plusgiro ? "plusgiro" : "IBAN", account_of(p),
				 p->account_changed ? p->account_changed : "?", *account_of(r) ? account_of(r) : "no account");
		if (w < 0 || (size_t)w >= sizeof(out->notes) - used) {
			snprintf(out->notes + (used < sizeof(out->notes) - 5 ? used : sizeof(out->notes) - 5), 5, "...\n");
			break;
		}
		used += (size_t)w;
	}
}

struct export_tx {
	const struct pay_export *in;
	struct pay_export_result *out;
};

/* export_tx: the export inside the transaction store_tx_retry runs: 0 done
 * (or exported before), 1 bad input, -1 a failure.  It starts afresh each
 * time it is run. */
static int export_tx(struct store *s, void *vctx, struct bd_error *err)
{
	const struct pay_export *in = ((struct export_tx *)vctx)->in;
	struct pay_export_result *out = ((struct export_tx *)vctx)->out;
	free(out->file);
	memset(out, 0, sizeof(*out));
	struct payment_rows rows = {0}, registered = {0};
	strpool_init(&rows.pool);
	strpool_init(&registered.pool);
	int rc = -1;
	int have = store_batch_file(s, in->batch, in->format, &out->file, &out->len, err);
	if (have < 0)
		goto done;
	if (have == 0) {
		/* Exported before: the same file, nothing paid again. */
		out->again = true;
		rc = 0;
		goto done;
	}
	/* A batch is paid by one file: a second in the other format could be
	 * sent too, and pay every payment twice. */
	const char *other = strcmp(in->format, "pain001") == 0 ? "lb" : "pain001";
	char *other_file = NULL;
	size_t other_len;
	int had_other = store_batch_file(s, in->batch, other, &other_file, &other_len, err);
	free(other_file);
	if (had_other < 0)
		goto done;
	if (had_other == 0 && !in->force) {
		rc = 1;
		bd_fail(err,
			"batch %s was exported as %s already: %s file of the same payments could be sent too and pay "
			"them twice (export it again as %s for the same file, or force a second format with --force)",
			in->batch, strcmp(other, "lb") == 0 ? "an LB file" : "pain.001",
			strcmp(in->format, "lb") == 0 ? "an LB" : "a pain.001", other);
		goto done;
	}
	/* The batch's payments: those executed in it already (exported in the
	 * other format, with the accounts it paid), else every attested unpaid
	 * payment, to its payee's account as approved now. */
	if (store_payment_queue(s, PAYMENT_EXECUTED, in->batch, payment_rows_collect, &rows, err))
		goto done;
	bool fresh = rows.n == 0;
	if (fresh && (store_payment_queue(s, PAYMENT_ATTESTED, NULL, payment_rows_collect, &rows, err) ||
		      store_payments(s, PAYMENT_ATTESTED, NULL, payment_rows_collect, &registered, err)))
		goto done;
	rc = 1;
	if (rows.n == 0) {
		bd_fail(err, "no attested payments await export");
		goto done;
	}
	struct debtor debtor = {0};
	const char *from = in->from ? in->from : "KAMK";
	int found = store_org_get(s, from, take_debtor, &debtor, err);
	if (found) {
		if (found > 0)
			bd_fail(err, "the paying organisation: no organisation '%s' in the register", from);
		rc = found < 0 ? -1 : 1;
		goto done;
	}
	if (!debtor.bankgiro[0]) {
		bd_fail(err, "the paying organisation %s has no bankgiro (set one with 'bidrag org set')", debtor.name);
		goto done;
	}
	/* A batch exported before in the other format keeps its date. */
	snprintf(out->exec_date, sizeof(out->exec_date), "%s", !fresh && rows.v[0].exec_date ? rows.v[0].exec_date : in->date);
	struct payfile_header h = {.batch = in->batch, .date = out->exec_date, .debtor_name = debtor.name,
				   .debtor_orgnr = debtor.orgnr, .debtor_bankgiro = debtor.bankgiro};
	struct buf file;
	buf_init(&file, 256u << 20);
	int wrc = strcmp(in->format, "pain001") == 0 ? pain001_write(&h, rows.v, rows.n, &file, err)
						      : lb_write(&h, rows.v, rows.n, &file, err);
	if (wrc) {
		buf_release(&file);
		goto done;
	}
	for (size_t i = 0; i < rows.n; i++)
		out->total += rows.v[i].amount;
	out->payments = (int)rows.n;
	if (fresh)
		note_changed(&rows, &registered, out);
	if (fresh && (record_executed(s, in, &rows, err) || store_batch_accounts_put(s, in->batch, rows.v, rows.n, err))) {
		buf_release(&file);
		goto done;
	}
	if (!fresh) {
		/* The second format of a batch, forced: in the audit log. */
		char after[128];
		snprintf(after, sizeof(after), "{\"format\":\"%s\",\"forced\":true,\"exported_as\":\"%s\"}", in->format, other);
		if (store_audit_append(s, "payment-file.second-format", in->batch, NULL, after, err)) {
			buf_release(&file);
			goto done;
		}
	}
	if (store_batch_file_put(s, in->batch, in->format, (int)rows.n, out->total, file.data, file.len, err)) {
		buf_release(&file);
		rc = -1;
		goto done;
	}
	out->file = file.data;
	out->len = file.len;
	rc = 0;
done:
	payment_rows_release(&rows);
	payment_rows_release(&registered);
	if (rc) {
		free(out->file);
		out->file = NULL;
	}
	return rc;
}

int pay_export_run(struct store *s, const struct pay_export *in, struct pay_export_result *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	/* Retried while the database could not serialise it (PostgreSQL with
	 * other writers): the attested payments are read again each time, so
	 * a payment another export took meanwhile is not paid twice. */
	struct export_tx c = {in, out};
	int rc = store_tx_retry(s, export_tx, &c, err);
	if (rc) {
		free(out->file);
		out->file = NULL;
	}
	return rc;
}
