#include "camt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "bankxml.h"

const char *camt_kind_name(enum camt_kind k)
{
	return k == CAMT_054 ? "camt.054.001.02" : "camt.053.001.02";
}

void camt_free(struct camt *c)
{
	for (size_t i = 0; i < c->nstmts; i++) {
		struct camt_statement *s = &c->stmts[i];
		for (size_t j = 0; j < s->nentries; j++) {
			struct camt_entry *e = &s->entries[j];
			for (size_t k = 0; k < e->ntx; k++) {
				free(e->txs[k].refs);
				free(e->txs[k].ustrd);
			}
			free(e->txs);
		}
		free(s->entries);
		free(s->balances);
	}
	free(c->stmts);
	strpool_release(&c->pool);
	memset(c, 0, sizeof(*c));
}

/* What reading one file needs at hand, and where in it we are, so that a
 * message can name the statement, entry and transaction. */
struct rd {
	const char *origin;
	struct camt *c;
	struct bd_error *err;
	const char *stmt_tag; /* "Stmt" or "Ntfctn" */
	size_t stmt, entry, tx, bal; /* 1-based; 0 when not inside one */
};

static struct strpool *pool(struct rd *d)
{
	return &d->c->pool;
}

/* where: "Stmt 1, Ntry 3 (NtryRef 5), TxDtls 2" or "Stmt 1, Bal 2" for a
 * message. */
static void where(struct rd *d, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "%s %zu", d->stmt_tag, d->stmt);
	if (d->entry && k < n) {
		const struct camt_entry *e = &d->c->stmts[d->stmt - 1].entries[d->entry - 1];
		k += (size_t)snprintf(out + k, n - k, ", Ntry %zu", d->entry);
		if (e->ntry_ref && k < n)
			k += (size_t)snprintf(out + k, n - k, " (NtryRef %.35s)", e->ntry_ref);
	}
	if (d->tx && k < n)
		k += (size_t)snprintf(out + k, n - k, ", TxDtls %zu", d->tx);
	if (d->bal && k < n)
		snprintf(out + k, n - k, ", Bal %zu", d->bal);
}

/* amount: an element of type ActiveOrHistoricCurrencyAndAmount: its
 * hundredths and Ccy.  The schema has checked the form; what is left to
 * refuse is a third decimal, or an amount too large for int64. */
static int amount(struct rd *d, xmlNodePtr n, int64_t *out, char ccy[4])
{
	char why[200], at[160];
	if (bankxml_amount(bankxml_text(n, pool(d)), out, why, sizeof(why)) != 0) {
		where(d, at, sizeof(at));
		return bd_fail(d->err, "%s:%ld: %s: %s: %s", d->origin, bankxml_line(n), at, (const char *)n->name, why);
	}
	xmlChar *c = xmlGetProp(n, BAD_CAST "Ccy");
	snprintf(ccy, 4, "%s", c ? (const char *)c : "");
	xmlFree(c);
	return 0;
}

/* date: a DateAndDateTimeChoice (Dt or DtTm) as YYYY-MM-DD, "" when n is
 * NULL. */
static int date(struct rd *d, xmlNodePtr n, char out[11])
{
	out[0] = '\0';
	if (!n)
		return 0;
	xmlNodePtr v = bankxml_child(n, "Dt");
	if (!v)
		v = bankxml_child(n, "DtTm");
	char *t = bankxml_text(v, pool(d));
	if (bankxml_date(t, out) != 0) {
		char at[160];
		where(d, at, sizeof(at));
		return bd_fail(d->err, "%s:%ld: %s: %s '%s' is not a date (expected YYYY-MM-DD)", d->origin,
			       bankxml_line(n), at, (const char *)n->name, t ? t : "");
	}
	return 0;
}

/* joined: the text of every child `name` of n, joined with " ", or NULL. */
static const char *joined(struct rd *d, xmlNodePtr n, const char *name)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	for (xmlNodePtr c = bankxml_child(n, name); c; c = bankxml_next(c, name)) {
		if (b.len)
			buf_adds(&b, " ");
		buf_adds(&b, bankxml_text(c, pool(d)));
	}
	const char *s = b.len ? strpool_dup(pool(d), b.data, b.len) : NULL;
	buf_release(&b);
	return s;
}

/* code_or_prtry: n/Cd, else n/Prtry (the choice types ISO uses for codes). */
static const char *code_or_prtry(struct rd *d, xmlNodePtr n, bool *is_code)
{
	const char *s = bankxml_path_text(n, "Cd", pool(d));
	if (is_code)
		*is_code = s != NULL;
	return s ? s : bankxml_path_text(n, "Prtry", pool(d));
}

static int tx(struct rd *d, xmlNodePtr n, struct camt_tx *t)
{
	memset(t, 0, sizeof(*t));
	t->line = bankxml_line(n);
	xmlNodePtr refs = bankxml_child(n, "Refs");
	t->msg_id = bankxml_path_text(refs, "MsgId", pool(d));
	t->acct_svcr_ref = bankxml_path_text(refs, "AcctSvcrRef", pool(d));
	t->pmt_inf_id = bankxml_path_text(refs, "PmtInfId", pool(d));
	t->instr_id = bankxml_path_text(refs, "InstrId", pool(d));
	t->end_to_end_id = bankxml_path_text(refs, "EndToEndId", pool(d));
	t->tx_id = bankxml_path_text(refs, "TxId", pool(d));
	xmlNodePtr amt = bankxml_path(n, "AmtDtls/TxAmt/Amt");
	if (!amt)
		amt = bankxml_path(n, "AmtDtls/InstdAmt/Amt");
	if (amt) {
		if (amount(d, amt, &t->amount, t->currency))
			return -1;
		t->has_amount = true;
	}
	xmlNodePtr rmt = bankxml_child(n, "RmtInf");
	for (xmlNodePtr u = bankxml_child(rmt, "Ustrd"); u; u = bankxml_next(u, "Ustrd")) {
		t->ustrd = xreallocarray(t->ustrd, t->nustrd + 1, sizeof(*t->ustrd));
		t->ustrd[t->nustrd++] = bankxml_text(u, pool(d));
	}
	for (xmlNodePtr s = bankxml_child(rmt, "Strd"); s; s = bankxml_next(s, "Strd")) {
		xmlNodePtr cri = bankxml_child(s, "CdtrRefInf");
		const char *ref = bankxml_path_text(cri, "Ref", pool(d));
		if (!ref)
			continue; /* a structured block without a creditor reference (invoices only) */
		t->refs = xreallocarray(t->refs, t->nrefs + 1, sizeof(*t->refs));
		struct camt_ref *r = &t->refs[t->nrefs++];
		memset(r, 0, sizeof(*r));
		r->ref = ref;
		r->type = code_or_prtry(d, bankxml_path(cri, "Tp/CdOrPrtry"), &r->type_is_code);
		r->issuer = bankxml_path_text(cri, "Tp/Issr", pool(d));
	}
	t->debtor = bankxml_path_text(n, "RltdPties/Dbtr/Nm", pool(d));
	t->creditor = bankxml_path_text(n, "RltdPties/Cdtr/Nm", pool(d));
	t->debtor_account = bankxml_path_text(n, "RltdPties/DbtrAcct/Id/IBAN", pool(d));
	if (!t->debtor_account)
		t->debtor_account = bankxml_path_text(n, "RltdPties/DbtrAcct/Id/Othr/Id", pool(d));
	t->creditor_account = bankxml_path_text(n, "RltdPties/CdtrAcct/Id/IBAN", pool(d));
	if (!t->creditor_account)
		t->creditor_account = bankxml_path_text(n, "RltdPties/CdtrAcct/Id/Othr/Id", pool(d));
	xmlNodePtr rtr = bankxml_child(n, "RtrInf");
	if (rtr) {
		t->returned = true;
		t->return_code = bankxml_path_text(rtr, "Rsn/Cd", pool(d));
		t->return_prtry = bankxml_path_text(rtr, "Rsn/Prtry", pool(d));
		t->return_info = joined(d, rtr, "AddtlInf");
	}
	return 0;
}

static int entry(struct rd *d, xmlNodePtr n, struct camt_entry *e)
{
	e->line = bankxml_line(n);
	e->ntry_ref = bankxml_path_text(n, "NtryRef", pool(d));
	e->acct_svcr_ref = bankxml_path_text(n, "AcctSvcrRef", pool(d));
	e->batch_nb_of_txs = -1;
	if (amount(d, bankxml_child(n, "Amt"), &e->amount, e->currency))
		return -1;
	const char *cd = bankxml_path_text(n, "CdtDbtInd", pool(d));
	e->credit = cd && strcmp(cd, "CRDT") == 0;
	const char *rv = bankxml_path_text(n, "RvslInd", pool(d));
	e->reversal = rv && (strcmp(rv, "true") == 0 || strcmp(rv, "1") == 0);
	const char *st = bankxml_path_text(n, "Sts", pool(d));
	snprintf(e->status, sizeof(e->status), "%s", st ? st : "");
	if (date(d, bankxml_child(n, "BookgDt"), e->booking_date) || date(d, bankxml_child(n, "ValDt"), e->value_date))
		return -1;
	xmlNodePtr btc = bankxml_child(n, "BkTxCd");
	xmlNodePtr domn = bankxml_child(btc, "Domn");
	if (domn) {
		/* The schema requires all three codes of a domain. */
		const char *c1 = bankxml_path_text(domn, "Cd", pool(d)), *c2 = bankxml_path_text(domn, "Fmly/Cd", pool(d)),
			   *c3 = bankxml_path_text(domn, "Fmly/SubFmlyCd", pool(d));
		char code[120];
		snprintf(code, sizeof(code), "%s/%s/%s", c1 ? c1 : "", c2 ? c2 : "", c3 ? c3 : "");
		e->bank_tx_code = strpool_strdup(pool(d), code);
	} else {
		e->bank_tx_code = bankxml_path_text(btc, "Prtry/Cd", pool(d));
	}
	e->addtl_info = bankxml_path_text(n, "AddtlNtryInf", pool(d));
	for (xmlNodePtr dt = bankxml_child(n, "NtryDtls"); dt; dt = bankxml_next(dt, "NtryDtls")) {
		xmlNodePtr b = bankxml_child(dt, "Btch");
		if (b && !e->batch_msg_id && !e->batch_pmt_inf_id && e->batch_nb_of_txs < 0) {
			e->batch_msg_id = bankxml_path_text(b, "MsgId", pool(d));
			e->batch_pmt_inf_id = bankxml_path_text(b, "PmtInfId", pool(d));
			const char *nb = bankxml_path_text(b, "NbOfTxs", pool(d));
			e->batch_nb_of_txs = nb ? strtol(nb, NULL, 10) : -1;
			xmlNodePtr ta = bankxml_child(b, "TtlAmt");
			char ccy[4];
			if (ta) {
				if (amount(d, ta, &e->batch_amount, ccy))
					return -1;
				e->has_batch_amount = true;
			}
		}
		for (xmlNodePtr t = bankxml_child(dt, "TxDtls"); t; t = bankxml_next(t, "TxDtls")) {
			e->txs = xreallocarray(e->txs, e->ntx + 1, sizeof(*e->txs));
			d->tx = e->ntx + 1;
			int rc = tx(d, t, &e->txs[e->ntx]);
			e->ntx++;
			if (rc)
				return -1;
		}
		d->tx = 0;
	}
	if (e->ntx == 1 && !e->txs[0].has_amount) {
		e->txs[0].has_amount = e->txs[0].amount_from_entry = true;
		e->txs[0].amount = e->amount;
		memcpy(e->txs[0].currency, e->currency, sizeof(e->currency));
	}
	return 0;
}

static int balance(struct rd *d, xmlNodePtr n, struct camt_balance *b)
{
	memset(b, 0, sizeof(*b));
	b->line = bankxml_line(n);
	b->type = code_or_prtry(d, bankxml_path(n, "Tp/CdOrPrtry"), NULL);
	if (amount(d, bankxml_child(n, "Amt"), &b->amount, b->currency))
		return -1;
	const char *cd = bankxml_path_text(n, "CdtDbtInd", pool(d));
	b->credit = cd && strcmp(cd, "CRDT") == 0;
	return date(d, bankxml_child(n, "Dt"), b->date);
}

static int statement(struct rd *d, xmlNodePtr n, struct camt_statement *s)
{
	s->line = bankxml_line(n);
	s->id = bankxml_path_text(n, "Id", pool(d));
	s->created = bankxml_path_text(n, "CreDtTm", pool(d));
	xmlNodePtr acct = bankxml_child(n, "Acct");
	s->iban = bankxml_path_text(acct, "Id/IBAN", pool(d));
	s->account_id = bankxml_path_text(acct, "Id/Othr/Id", pool(d));
	s->account_scheme = code_or_prtry(d, bankxml_path(acct, "Id/Othr/SchmeNm"), NULL);
	const char *ccy = bankxml_path_text(acct, "Ccy", pool(d));
	snprintf(s->account_currency, sizeof(s->account_currency), "%s", ccy ? ccy : "");
	s->owner = bankxml_path_text(acct, "Ownr/Nm", pool(d));
	char *from = bankxml_path_text(n, "FrToDt/FrDtTm", pool(d)), *to = bankxml_path_text(n, "FrToDt/ToDtTm", pool(d));
	if (from)
		bankxml_date(from, s->from_date);
	if (to)
		bankxml_date(to, s->to_date);
	for (xmlNodePtr b = bankxml_child(n, "Bal"); b; b = bankxml_next(b, "Bal")) {
		s->balances = xreallocarray(s->balances, s->nbalances + 1, sizeof(*s->balances));
		d->bal = s->nbalances + 1;
		int rc = balance(d, b, &s->balances[s->nbalances]);
		s->nbalances++;
		if (rc)
			return -1;
	}
	d->bal = 0;
	for (xmlNodePtr e = bankxml_child(n, "Ntry"); e; e = bankxml_next(e, "Ntry")) {
		s->entries = xreallocarray(s->entries, s->nentries + 1, sizeof(*s->entries));
		memset(&s->entries[s->nentries], 0, sizeof(s->entries[0]));
		s->nentries++;
		d->entry = s->nentries;
		if (entry(d, e, &s->entries[s->nentries - 1]))
			return -1;
	}
	d->entry = 0;
	return 0;
}

int camt_from_doc(struct _xmlDoc *doc, const char *origin, struct camt *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const char *ns = bankxml_root_ns(doc);
	const char *xsd, *body;
	if (ns && strcmp(ns, CAMT053_NS) == 0) {
		out->kind = CAMT_053;
		xsd = "iso20022/camt.053.001.02.xsd";
		body = "BkToCstmrStmt";
	} else if (ns && strcmp(ns, CAMT054_NS) == 0) {
		out->kind = CAMT_054;
		xsd = "iso20022/camt.054.001.02.xsd";
		body = "BkToCstmrDbtCdtNtfctn";
	} else {
		return bd_fail(err, "%s:%ld: the document's namespace is %s, expected %s or %s", origin, bankxml_line(root),
			       ns ? ns : "none", CAMT053_NS, CAMT054_NS);
	}
	char label[64];
	snprintf(label, sizeof(label), "%s.xsd", camt_kind_name(out->kind));
	if (bankxml_validate(doc, xsd, label, origin, err))
		return -1;
	struct rd d = {origin, out, err, out->kind == CAMT_054 ? "Ntfctn" : "Stmt", 0, 0, 0, 0};
	xmlNodePtr top = bankxml_child(root, body);
	out->msg_id = bankxml_path_text(top, "GrpHdr/MsgId", &out->pool);
	out->created = bankxml_path_text(top, "GrpHdr/CreDtTm", &out->pool);
	int rc = 0;
	for (xmlNodePtr s = bankxml_child(top, d.stmt_tag); s && rc == 0; s = bankxml_next(s, d.stmt_tag)) {
		out->stmts = xreallocarray(out->stmts, out->nstmts + 1, sizeof(*out->stmts));
		memset(&out->stmts[out->nstmts], 0, sizeof(out->stmts[0]));
		out->nstmts++;
		d.stmt = out->nstmts;
		rc = statement(&d, s, &out->stmts[out->nstmts - 1]);
	}
	if (rc) {
		camt_free(out);
		return -1;
	}
	return 0;
}

int camt_parse(const char *data, size_t len, const char *origin, struct camt *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	xmlDocPtr doc = bankxml_parse(data, len, origin, err);
	if (!doc)
		return -1;
	int rc = camt_from_doc(doc, origin, out, err);
	xmlFreeDoc(doc);
	return rc;
}
