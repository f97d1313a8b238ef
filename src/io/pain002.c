#include "pain002.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "bankxml.h"

#define SUBSET_XSD "iso20022/pain.002.001.03.subset.xsd"
#define SUBSET_LABEL "pain.002.001.03 (the subset bidrag reads: data/iso20022/pain.002.001.03.subset.xsd)"

enum pain002_outcome pain002_outcome(const char *s)
{
	if (!s || !*s)
		return PAIN002_NONE;
	if (strcmp(s, "RCVD") == 0)
		return PAIN002_RECEIVED;
	if (strcmp(s, "ACTC") == 0 || strcmp(s, "ACCP") == 0 || strcmp(s, "ACSP") == 0 || strcmp(s, "ACWC") == 0)
		return PAIN002_ACCEPTED;
	if (strcmp(s, "ACSC") == 0)
		return PAIN002_SETTLED;
	if (strcmp(s, "PDNG") == 0)
		return PAIN002_PENDING;
	if (strcmp(s, "PART") == 0)
		return PAIN002_PARTIAL;
	if (strcmp(s, "RJCT") == 0)
		return PAIN002_REJECTED;
	return PAIN002_UNKNOWN;
}

const char *pain002_tx_status(const struct pain002 *r, const struct pain002_pmtinf *p, const struct pain002_tx *t)
{
	if (t && t->status[0])
		return t->status;
	if (p && p->status[0])
		return p->status;
	return r->group_status;
}

void pain002_free(struct pain002 *r)
{
	for (size_t i = 0; i < r->npmtinf; i++) {
		struct pain002_pmtinf *p = &r->pmtinfs[i];
		for (size_t j = 0; j < p->ntx; j++)
			free(p->txs[j].reasons.v);
		free(p->txs);
		free(p->reasons.v);
	}
	free(r->pmtinfs);
	free(r->group_reasons.v);
	strpool_release(&r->pool);
	memset(r, 0, sizeof(*r));
}

/* What the reading of one file needs at hand. */
struct rd {
	const char *origin;
	struct pain002 *r;
	struct bd_error *err;
};

/* status: a status code element's text into out[5]; the schema has checked it. */
static void status(struct rd *d, xmlNodePtr n, char out[5])
{
	char *s = bankxml_text(n, &d->r->pool);
	snprintf(out, 5, "%s", s ? s : "");
}

static void reasons(struct rd *d, xmlNodePtr parent, struct pain002_reasons *out)
{
	for (xmlNodePtr s = bankxml_child(parent, "StsRsnInf"); s; s = bankxml_next(s, "StsRsnInf")) {
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		struct pain002_reason *x = &out->v[out->n++];
		memset(x, 0, sizeof(*x));
		x->line = bankxml_line(s);
		x->code = bankxml_path_text(s, "Rsn/Cd", &d->r->pool);
		x->prtry = bankxml_path_text(s, "Rsn/Prtry", &d->r->pool);
		struct buf b;
		buf_init(&b, 1 << 16);
		for (xmlNodePtr a = bankxml_child(s, "AddtlInf"); a; a = bankxml_next(a, "AddtlInf")) {
			char *t = bankxml_text(a, &d->r->pool);
			if (b.len)
				buf_adds(&b, " ");
			buf_adds(&b, t);
		}
		if (b.len)
			x->info = strpool_dup(&d->r->pool, b.data, b.len);
		buf_release(&b);
	}
}

/* count: a Max15NumericText (the schema has checked its digits). */
static long count(struct rd *d, xmlNodePtr n)
{
	char *s = bankxml_text(n, &d->r->pool);
	return s ? strtol(s, NULL, 10) : -1;
}

/* amount: an amount or control sum element in hundredths; -1 with err
 * naming the file, line and what holds it when it has a third decimal or
 * does not fit. */
static int amount(struct rd *d, xmlNodePtr n, const char *what, int64_t *out)
{
	char why[200];
	if (bankxml_amount(bankxml_text(n, &d->r->pool), out, why, sizeof(why)) != 0)
		return bd_fail(d->err, "%s:%ld: %s %s: %s", d->origin, bankxml_line(n), what, (const char *)n->name,
			       why);
	return 0;
}

static int tx(struct rd *d, xmlNodePtr n, size_t k, struct pain002_tx *t)
{
	memset(t, 0, sizeof(*t));
	struct strpool *pool = &d->r->pool;
	t->line = bankxml_line(n);
	t->status_id = bankxml_path_text(n, "StsId", pool);
	t->instr_id = bankxml_path_text(n, "OrgnlInstrId", pool);
	t->end_to_end_id = bankxml_path_text(n, "OrgnlEndToEndId", pool);
	status(d, bankxml_child(n, "TxSts"), t->status);
	reasons(d, n, &t->reasons);
	t->acct_svcr_ref = bankxml_path_text(n, "AcctSvcrRef", pool);
	xmlNodePtr amt = bankxml_path(n, "OrgnlTxRef/Amt/InstdAmt");
	if (amt) {
		char what[80];
		snprintf(what, sizeof(what), "transaction %zu (TxInfAndSts)", k);
		if (amount(d, amt, what, &t->amount))
			return -1;
		t->has_amount = true;
		xmlChar *ccy = xmlGetProp(amt, BAD_CAST "Ccy");
		snprintf(t->currency, sizeof(t->currency), "%s", ccy ? (const char *)ccy : "");
		xmlFree(ccy);
	}
	return 0;
}

static int pmtinf(struct rd *d, xmlNodePtr n, size_t k, struct pain002_pmtinf *p)
{
	memset(p, 0, sizeof(*p));
	p->line = bankxml_line(n);
	p->id = bankxml_path_text(n, "OrgnlPmtInfId", &d->r->pool);
	status(d, bankxml_child(n, "PmtInfSts"), p->status);
	reasons(d, n, &p->reasons);
	xmlNodePtr c = bankxml_child(n, "OrgnlNbOfTxs");
	p->nb_of_txs = c ? count(d, c) : -1;
	if ((c = bankxml_child(n, "OrgnlCtrlSum"))) {
		char what[80];
		snprintf(what, sizeof(what), "payment information %zu (OrgnlPmtInfAndSts)", k);
		if (amount(d, c, what, &p->ctrl_sum))
			return -1;
		p->has_ctrl_sum = true;
	}
	size_t j = 0;
	for (xmlNodePtr t = bankxml_child(n, "TxInfAndSts"); t; t = bankxml_next(t, "TxInfAndSts")) {
		p->txs = xreallocarray(p->txs, p->ntx + 1, sizeof(*p->txs));
		int rc = tx(d, t, ++j, &p->txs[p->ntx]);
		p->ntx++;
		if (rc)
			return -1;
	}
	return 0;
}

/* adopt: put every element without a namespace into pain.002's, so that a
 * report written without one (some banks do) validates and reads as one. */
static void adopt(xmlNodePtr n, xmlNsPtr ns)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!n->ns)
			xmlSetNs(n, ns);
		adopt(n->children, ns);
	}
}

int pain002_from_doc(struct _xmlDoc *doc, const char *origin, struct pain002 *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const char *ns = bankxml_root_ns(doc);
	if (!root || strcmp((const char *)root->name, "Document") != 0)
		return bd_fail(err, "%s:%ld: the root element is <%s>, expected <Document> of pain.002.001.03", origin,
			       bankxml_line(root), root ? (const char *)root->name : "");
	if (!ns) {
		adopt(root, xmlNewNs(root, BAD_CAST PAIN002_NS, NULL));
	} else if (strcmp(ns, PAIN002_NS) != 0) {
		return bd_fail(err, "%s:%ld: the document's namespace is %s, expected %s", origin, bankxml_line(root), ns,
			       PAIN002_NS);
	}
	out->namespaced = ns != NULL;
	if (bankxml_validate(doc, SUBSET_XSD, SUBSET_LABEL, origin, err))
		return -1;
	struct rd d = {origin, out, err};
	xmlNodePtr rpt = bankxml_child(root, "CstmrPmtStsRpt");
	xmlNodePtr grp = bankxml_child(rpt, "OrgnlGrpInfAndSts");
	out->msg_id = bankxml_path_text(rpt, "GrpHdr/MsgId", &out->pool);
	out->created = bankxml_path_text(rpt, "GrpHdr/CreDtTm", &out->pool);
	out->orig_msg_id = bankxml_path_text(grp, "OrgnlMsgId", &out->pool);
	out->orig_msg_name = bankxml_path_text(grp, "OrgnlMsgNmId", &out->pool);
	out->group_line = bankxml_line(grp);
	status(&d, bankxml_child(grp, "GrpSts"), out->group_status);
	reasons(&d, grp, &out->group_reasons);
	xmlNodePtr c = bankxml_child(grp, "OrgnlNbOfTxs");
	out->orig_nb_of_txs = c ? count(&d, c) : -1;
	int rc = 0;
	if ((c = bankxml_child(grp, "OrgnlCtrlSum"))) {
		rc = amount(&d, c, "the original group (OrgnlGrpInfAndSts)", &out->orig_ctrl_sum);
		out->has_ctrl_sum = rc == 0;
	}
	size_t k = 0;
	for (xmlNodePtr p = bankxml_child(rpt, "OrgnlPmtInfAndSts"); p && rc == 0;
	     p = bankxml_next(p, "OrgnlPmtInfAndSts")) {
		out->pmtinfs = xreallocarray(out->pmtinfs, out->npmtinf + 1, sizeof(*out->pmtinfs));
		rc = pmtinf(&d, p, ++k, &out->pmtinfs[out->npmtinf]);
		out->npmtinf++;
	}
	if (rc) {
		pain002_free(out);
		return -1;
	}
	return 0;
}

int pain002_parse(const char *data, size_t len, const char *origin, struct pain002 *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	xmlDocPtr doc = bankxml_parse(data, len, origin, err);
	if (!doc)
		return -1;
	int rc = pain002_from_doc(doc, origin, out, err);
	xmlFreeDoc(doc);
	return rc;
}
