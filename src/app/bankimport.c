/* bankimport.c: a bank's file into the register.  See bankimport.h.
 *
 * What each format's records become (store-bank.h's entries):
 *  - pain.002: each transaction (TxInfAndSts) is a status of the payment
 *    its OrgnlEndToEndId names in the file its OrgnlMsgId names: its own
 *    status, else its block's, else the group's (pain002_tx_status); its
 *    reasons, else its block's, else the group's.  A group or block rejected
 *    without transactions rejects the whole file: bidrag's pain.001 has one
 *    block per batch.
 *  - camt.053/054: each booked entry (Sts BOOK; pending and information
 *    entries are counted, not kept), one entry per transaction (TxDtls; an
 *    entry without details is one).  A debit is a payment going out; a
 *    credit with return information (RtrInf) a payment coming back; any
 *    other credit money in, its references (CdtrRefInf/Ref, then the
 *    unstructured remittance lines) the candidates for an OCR reference.
 *  - BgMax: each payment (20) and deduction (21) of each section, on the
 *    section's deposit date; its reference the candidate.
 * An entry's identity is the bank's own reference where the file gives
 * one (camt AcctSvcrRef, BgMax's BGC serial number with its date and
 * bankgiro), so that a second file repeating it (a camt.054, then the
 * day's camt.053) is recognised; else its place in its file. */
#include "bankimport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bankfile.h"
#include "readfile.h"

void bank_import_report_release(struct bank_import_report *r)
{
	bank_import_result_release(&r->result);
	memset(r, 0, sizeof(*r));
}

struct entries {
	struct bank_entry_in *v;
	size_t n;
	struct strpool pool;
	const char *name;
	size_t skipped;
};

static struct bank_entry_in *add(struct entries *x)
{
	x->v = xreallocarray(x->v, x->n + 1, sizeof(*x->v));
	struct bank_entry_in *e = &x->v[x->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static const char *S(struct entries *x, const char *s)
{
	return s ? strpool_strdup(&x->pool, s) : NULL;
}

static const char *F(struct entries *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *F(struct entries *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	const char *out = strpool_strdup(&x->pool, s);
	free(s);
	return out;
}

static void set_date(struct bank_entry_in *e, const char *d)
{
	snprintf(e->date, sizeof(e->date), "%.10s", d ? d : "");
}

static void set_currency(struct bank_entry_in *e, const char *c)
{
	snprintf(e->currency, sizeof(e->currency), "%s", c ? c : "");
}

/* The first reason of a transaction, else its block's, else the group's. */
static const struct pain002_reason *first_reason(const struct pain002 *r, const struct pain002_pmtinf *p,
						  const struct pain002_tx *t)
{
	if (t && t->reasons.n)
		return &t->reasons.v[0];
	if (p && p->reasons.n)
		return &p->reasons.v[0];
	return r->group_reasons.n ? &r->group_reasons.v[0] : NULL;
}

static void set_reason(struct entries *x, struct bank_entry_in *e, const struct pain002_reason *why)
{
	if (!why)
		return;
	e->reason = S(x, why->code ? why->code : why->prtry);
	e->reason_sv = S(x, why->code ? bankfile_reason_sv(why->code) : NULL);
	e->reason_text = S(x, why->info);
}

/* file_status: what a group's or block's status says of all its payments:
 * accepted, rejected, or nothing yet (pending, received, partly: a partial
 * status names its transactions). */
static enum bank_tx_status file_status(const char *st)
{
	switch (pain002_outcome(st)) {
	case PAIN002_ACCEPTED:
	case PAIN002_SETTLED:
		return BANK_TX_ACCEPTED;
	case PAIN002_REJECTED:
		return BANK_TX_REJECTED;
	default:
		return BANK_TX_PENDING;
	}
}

static int from_pain002(const struct pain002 *r, struct entries *x, struct bd_error *err)
{
	if (!r->created || strlen(r->created) < 10)
		return bd_fail(err, "%s: the report has no creation date (GrpHdr/CreDtTm)", x->name);
	char day[DATE_LEN];
	snprintf(day, sizeof(day), "%.10s", r->created);
	if (!date_valid(day))
		return bd_fail(err, "%s:%ld: creation date '%s' is not a date (expected YYYY-MM-DDThh:mm:ss)", x->name,
			       r->group_line, r->created);
	const char *msg = r->msg_id ? r->msg_id : "";
	size_t txs = 0;
	for (size_t i = 0; i < r->npmtinf; i++)
		txs += r->pmtinfs[i].ntx;
	if (txs == 0 && r->npmtinf == 0) {
		struct bank_entry_in *e = add(x);
		e->type = BANK_FILE_STATUS;
		e->ident = F(x, "pain.002/%s/%s/file/%s", msg, r->orig_msg_id ? r->orig_msg_id : "", r->group_status);
		e->place = F(x, "the group status %s (line %ld)", r->group_status[0] ? r->group_status : "(none)",
			     r->group_line);
		e->batch = S(x, r->orig_msg_id);
		set_date(e, day);
		e->status = file_status(r->group_status);
		if (e->status == BANK_TX_REJECTED)
			set_reason(x, e, first_reason(r, NULL, NULL));
		return 0;
	}
	for (size_t i = 0; i < r->npmtinf; i++) {
		const struct pain002_pmtinf *p = &r->pmtinfs[i];
		const char *pst = p->status[0] ? p->status : r->group_status;
		if (p->ntx == 0) {
			/* bidrag's pain.001 has one block per batch: its status is
			 * the whole file's. */
			struct bank_entry_in *e = add(x);
			e->type = BANK_FILE_STATUS;
			e->ident = F(x, "pain.002/%s/%s/%s/%s", msg, r->orig_msg_id ? r->orig_msg_id : "", p->id ? p->id : "",
				     pst);
			e->place = F(x, "payment information %s (line %ld)", p->id ? p->id : "", p->line);
			e->batch = S(x, r->orig_msg_id);
			set_date(e, day);
			e->status = file_status(pst);
			if (e->status == BANK_TX_REJECTED)
				set_reason(x, e, first_reason(r, p, NULL));
			continue;
		}
		for (size_t j = 0; j < p->ntx; j++) {
			const struct pain002_tx *t = &p->txs[j];
			const char *st = pain002_tx_status(r, p, t);
			struct bank_entry_in *e = add(x);
			e->type = BANK_TX_STATUS;
			e->ident = F(x, "pain.002/%s/%s/%s/%s", msg, r->orig_msg_id ? r->orig_msg_id : "",
				     t->end_to_end_id ? t->end_to_end_id : "", st);
			e->place = F(x, "transaction %s (line %ld)", t->end_to_end_id ? t->end_to_end_id : "?", t->line);
			e->batch = S(x, r->orig_msg_id);
			e->end_to_end_id = S(x, t->end_to_end_id);
			set_date(e, day);
			e->has_amount = t->has_amount;
			e->amount = t->amount;
			set_currency(e, t->has_amount ? t->currency : "");
			e->status = file_status(st);
			if (e->status == BANK_TX_REJECTED)
				set_reason(x, e, first_reason(r, p, t));
		}
	}
	return 0;
}

static int from_camt(const struct camt *c, const char *sha256, struct entries *x, struct bd_error *err)
{
	for (size_t i = 0; i < c->nstmts; i++) {
		const struct camt_statement *st = &c->stmts[i];
		const char *acct = st->iban ? st->iban : st->account_id ? st->account_id : "";
		for (size_t j = 0; j < st->nentries; j++) {
			const struct camt_entry *n = &st->entries[j];
			if (strcmp(n->status, "BOOK") != 0) {
				x->skipped++;
				continue;
			}
			const char *day = n->booking_date[0] ? n->booking_date : n->value_date;
			if (!day[0] || !date_valid(day))
				return bd_fail(err, "%s:%ld: a booked entry without a booking date (BookgDt)", x->name, n->line);
			size_t ntx = n->ntx ? n->ntx : 1;
			for (size_t k = 0; k < ntx; k++) {
				const struct camt_tx *t = n->ntx ? &n->txs[k] : NULL;
				struct bank_entry_in *e = add(x);
				bool returned = t && t->returned;
				e->type = !n->credit ? BANK_DEBIT : returned ? BANK_RETURN : BANK_CREDIT;
				set_date(e, day);
				e->has_amount = t ? t->has_amount : true;
				e->amount = t ? (t->has_amount ? t->amount : 0) : n->amount;
				set_currency(e, t && t->has_amount ? t->currency : n->currency);
				long line = t ? t->line : n->line;
				e->place = n->ntx > 1 ? F(x, "Ntry %zu, TxDtls %zu (line %ld)", j + 1, k + 1, line)
						      : F(x, "Ntry %zu (line %ld)", j + 1, line);
				char dir = n->credit ? 'C' : 'D';
				if (t && t->acct_svcr_ref)
					e->ident = F(x, "camt/%s/%s/%s/%c%lld", acct, day, t->acct_svcr_ref, dir,
						     (long long)e->amount);
				else if (n->acct_svcr_ref)
					e->ident = F(x, "camt/%s/%s/%s/%s/%zu/%c%lld", acct, day, n->acct_svcr_ref,
						     t && t->end_to_end_id ? t->end_to_end_id : "", k + 1, dir,
						     (long long)e->amount);
				else
					e->ident = F(x, "camt/%s/%zu/%zu/%zu", sha256, i + 1, j + 1, k + 1);
				if (!t) {
					e->text = S(x, n->addtl_info);
					continue;
				}
				e->end_to_end_id = S(x, t->end_to_end_id);
				const char *who = n->credit ? t->debtor : t->creditor;
				e->text = S(x, who ? who : t->nustrd ? t->ustrd[0] : n->addtl_info);
				if (returned) {
					e->reason = S(x, t->return_code ? t->return_code : t->return_prtry);
					e->reason_sv = S(x, t->return_code ? bankfile_reason_sv(t->return_code) : NULL);
					e->reason_text = S(x, t->return_info);
				}
				if (e->type == BANK_CREDIT && t->nrefs + t->nustrd) {
					const char **refs = xcalloc(t->nrefs + t->nustrd, sizeof(*refs));
					size_t m = 0;
					for (size_t r = 0; r < t->nrefs; r++)
						if (t->refs[r].ref)
							refs[m++] = S(x, t->refs[r].ref);
					for (size_t r = 0; r < t->nustrd; r++)
						refs[m++] = S(x, t->ustrd[r]);
					/* Kept in the pool: the array itself too. */
					const char **kept = strpool_alloc(&x->pool, m ? m * sizeof(*kept) : 1);
					memcpy(kept, refs, m * sizeof(*kept));
					free(refs);
					e->refs = kept;
					e->nrefs = m;
				}
			}
		}
	}
	return 0;
}

static void from_bgmax(const struct bgmax *b, struct entries *x)
{
	for (size_t i = 0; i < b->nsections; i++) {
		const struct bgmax_section *sec = &b->sections[i];
		for (size_t j = 0; j < sec->npayments; j++) {
			const struct bgmax_payment *p = &sec->payments[j];
			int64_t net = bgmax_net(p);
			struct bank_entry_in *e = add(x);
			e->type = BANK_CREDIT;
			set_date(e, sec->date);
			e->has_amount = true;
			e->amount = net < 0 ? -net : net;
			set_currency(e, sec->currency);
			e->place = F(x, "line %ld", p->item.line);
			e->ident = F(x, "bgmax/%s/%s/%s/%s/%lld", sec->bankgiro, sec->date, p->item.serial, p->item.reference,
				     (long long)net);
			e->text = p->item.tk == 21 ? F(x, "avdrag (TK21)%s%s", p->name ? ": " : "", p->name ? p->name : "")
						   : S(x, p->name);
			if (p->item.reference[0] && net > 0) {
				const char **kept = strpool_alloc(&x->pool, sizeof(*kept));
				kept[0] = S(x, p->item.reference);
				e->refs = kept;
				e->nrefs = 1;
			}
		}
	}
}

struct import_tx {
	const struct bank_import_in *in;
	struct bank_import_result *out;
};

static int import_tx(struct store *s, void *vctx, struct bd_error *err)
{
	struct import_tx *c = vctx;
	bank_import_result_release(c->out);
	return store_bank_import(s, c->in, c->out, err);
}

int bank_import_data(struct store *s, const char *data, size_t len, const char *name, const char *actor,
		     struct bank_import_report *report, struct bd_error *err)
{
	memset(report, 0, sizeof(*report));
	strpool_init(&report->result.pool);
	struct bankfile f;
	if (bankfile_parse(data, len, name, &f, err))
		return 1;
	snprintf(report->kind, sizeof(report->kind), "%s", bankfile_kind_name(f.kind));
	snprintf(report->sha256, sizeof(report->sha256), "%s", f.sha256);
	struct entries x = {.name = name};
	strpool_init(&x.pool);
	int rc = 0;
	const char *msg_id = NULL;
	switch (f.kind) {
	case BANKFILE_PAIN002:
		rc = from_pain002(&f.pain002, &x, err);
		msg_id = f.pain002.msg_id;
		break;
	case BANKFILE_CAMT053:
	case BANKFILE_CAMT054:
		rc = from_camt(&f.camt, f.sha256, &x, err);
		msg_id = f.camt.msg_id;
		break;
	case BANKFILE_BGMAX:
		from_bgmax(&f.bgmax, &x);
		msg_id = f.bgmax.timestamp;
		break;
	}
	report->entries = x.n;
	report->skipped = x.skipped;
	if (rc == 0) {
		struct bank_import_in in = {.name = name, .kind = report->kind, .sha256 = f.sha256,
					    .msg_id = S(&x, msg_id), .size = len, .actor = actor, .v = x.v, .n = x.n};
		struct import_tx c = {&in, &report->result};
		rc = store_tx_retry(s, import_tx, &c, err);
		if (rc)
			rc = err->code == BD_INVALID || err->code == BD_NOT_FOUND || err->code == BD_CONFLICT ? 1 : -1;
	} else {
		rc = 1;
	}
	free(x.v);
	strpool_release(&x.pool);
	bankfile_free(&f);
	return rc;
}

int bank_import_file(struct store *s, const char *path, const char *actor, struct bank_import_report *report,
		     struct bd_error *err)
{
	memset(report, 0, sizeof(*report));
	char *data;
	size_t len;
	if (read_file(path, BANKFILE_MAX, &data, &len, err))
		return 1;
	const char *slash = strrchr(path, '/');
	int rc = bank_import_data(s, data, len, slash ? slash + 1 : path, actor, report, err);
	free(data);
	return rc;
}
