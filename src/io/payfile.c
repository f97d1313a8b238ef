#include "payfile.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "embedded.h"
#include "ident.h"
#include "money.h"

/* digits: the digits of an account or reference ("5728-3905" -> "57283905"). */
static void digits(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (; s && *s && o + 1 < n; s++)
		if (*s >= '0' && *s <= '9')
			out[o++] = *s;
	out[o] = '\0';
}

/* An amount of öre as the XML decimal "10000000.00". */
static void xml_amount(int64_t ore, char *buf, size_t n)
{
	snprintf(buf, n, "%lld.%02lld", (long long)(ore / 100), (long long)(ore % 100));
}

static int check_accounts(const struct payment_row *p, size_t n, struct bd_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!p[i].bankgiro && !p[i].plusgiro && !(p[i].iban && p[i].bic))
			return bd_fail(err,
				       "payment %s to %s (%s, part %s) has no account: register the payee's with "
				       "'bidrag payee import' (or the organisation's with 'bidrag org set')",
				       p[i].id, p[i].payee_name, p[i].dnr, p[i].part);
		if (p[i].amount <= 0)
			return bd_fail(err, "payment %s has no amount", p[i].id);
	}
	return 0;
}

/* The remittance text: the decision's dnr; the payee's own reference (what
 * the payee matches the payment by, so it comes before anything that may be
 * cut); the recipient the money is for, when it is paid to someone else (the
 * RCC through SKR). */
static void remittance(const struct payment_row *r, char *out, size_t n)
{
	bool other = r->recipient_name && r->payee_name && strcmp(r->recipient_name, r->payee_name) != 0;
	snprintf(out, n, "%s%s%s%s%s", r->dnr, r->reference && *r->reference ? " " : "", r->reference ? r->reference : "",
		 other ? " " : "", other ? r->recipient_name : "");
}

/* An OCR reference goes structured; anything else is free text. */
static bool is_ocr(const char *ref)
{
	if (!ref || !*ref)
		return false;
	for (const char *c = ref; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	size_t n = strlen(ref);
	return n >= 2 && n <= 25 && luhn_valid(ref, n);
}

/* Copy at most max characters (not bytes) of UTF-8 text. */
static void utf8_prefix(const char *s, size_t max, char *out, size_t n)
{
	size_t o = 0, chars = 0;
	for (; *s && o + 4 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xC0) != 0x80) {
			if (chars == max)
				break;
			chars++;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

#define W(call)                                                                                                        \
	do {                                                                                                           \
		if ((call) < 0)                                                                                        \
			goto fail;                                                                                     \
	} while (0)

static int elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

static int clearing(xmlTextWriterPtr w, const char *agent, const char *member)
{
	if (xmlTextWriterStartElement(w, BAD_CAST agent) < 0 || xmlTextWriterStartElement(w, BAD_CAST "FinInstnId") < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "ClrSysMmbId") < 0 || xmlTextWriterStartElement(w, BAD_CAST "ClrSysId") < 0 ||
	    elem(w, "Cd", "SESBA") < 0 || xmlTextWriterEndElement(w) < 0 || elem(w, "MmbId", member) < 0 ||
	    xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

/* An IBAN account's bank, by its BIC. */
static int bic_agent(xmlTextWriterPtr w, const char *bic)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "CdtrAgt") < 0 || xmlTextWriterStartElement(w, BAD_CAST "FinInstnId") < 0 ||
	    elem(w, "BIC", bic) < 0 || xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

static int iban_account(xmlTextWriterPtr w, const char *iban)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "CdtrAcct") < 0 || xmlTextWriterStartElement(w, BAD_CAST "Id") < 0 ||
	    elem(w, "IBAN", iban) < 0 || xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

static int account(xmlTextWriterPtr w, const char *tag, const char *number, const char *scheme)
{
	if (xmlTextWriterStartElement(w, BAD_CAST tag) < 0 || xmlTextWriterStartElement(w, BAD_CAST "Id") < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "Othr") < 0 || elem(w, "Id", number) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "SchmeNm") < 0 || elem(w, "Prtry", scheme) < 0 ||
	    xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0 ||
	    xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

int pain001_write(const struct payfile_header *h, const struct payment_row *p, size_t n, struct buf *out,
		  struct bd_error *err)
{
	if (check_accounts(p, n, err))
		return -1;
	size_t blen = strlen(h->batch);
	if (blen == 0 || blen > 30)
		return bd_fail(err, "batch name '%s': 1 to 30 characters (it becomes the message id)", h->batch);
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += p[i].amount;
	char ctrl[64], count[32], when[32], dbg[32], org[32];
	xml_amount(total, ctrl, sizeof(ctrl));
	snprintf(count, sizeof(count), "%zu", n);
	/* The creation time is the execution date's start, so that the file
	 * depends only on the batch (it is stored, and re-exported as is). */
	snprintf(when, sizeof(when), "%sT00:00:00", h->date);
	digits(h->debtor_bankgiro, dbg, sizeof(dbg));
	digits(h->debtor_orgnr, org, sizeof(org));
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
	if (!w) {
		xmlBufferFree(xb);
		return bd_fail(err, "cannot create the XML writer");
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	W(xmlTextWriterStartElement(w, BAD_CAST "Document"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi", BAD_CAST "http://www.w3.org/2001/XMLSchema-instance"));
	W(xmlTextWriterStartElement(w, BAD_CAST "CstmrCdtTrfInitn"));
	W(xmlTextWriterStartElement(w, BAD_CAST "GrpHdr"));
	W(elem(w, "MsgId", h->batch));
	W(elem(w, "CreDtTm", when));
	W(elem(w, "NbOfTxs", count));
	W(elem(w, "CtrlSum", ctrl));
	W(xmlTextWriterStartElement(w, BAD_CAST "InitgPty"));
	char name[300];
	utf8_prefix(h->debtor_name, 70, name, sizeof(name));
	W(elem(w, "Nm", name));
	if (org[0]) {
		W(xmlTextWriterStartElement(w, BAD_CAST "Id"));
		W(xmlTextWriterStartElement(w, BAD_CAST "OrgId"));
		W(xmlTextWriterStartElement(w, BAD_CAST "Othr"));
		W(elem(w, "Id", org));
		W(xmlTextWriterEndElement(w));
		W(xmlTextWriterEndElement(w));
		W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndElement(w)); /* InitgPty */
	W(xmlTextWriterEndElement(w)); /* GrpHdr */
	W(xmlTextWriterStartElement(w, BAD_CAST "PmtInf"));
	char pmtinf[64];
	snprintf(pmtinf, sizeof(pmtinf), "%s-1", h->batch);
	W(elem(w, "PmtInfId", pmtinf));
	W(elem(w, "PmtMtd", "TRF"));
	W(elem(w, "NbOfTxs", count));
	W(elem(w, "CtrlSum", ctrl));
	W(xmlTextWriterStartElement(w, BAD_CAST "PmtTpInf"));
	W(xmlTextWriterStartElement(w, BAD_CAST "SvcLvl"));
	W(elem(w, "Cd", "NURG"));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterEndElement(w));
	W(elem(w, "ReqdExctnDt", h->date));
	W(xmlTextWriterStartElement(w, BAD_CAST "Dbtr"));
	W(elem(w, "Nm", name));
	W(xmlTextWriterEndElement(w));
	W(account(w, "DbtrAcct", dbg, "BGNR"));
	W(clearing(w, "DbtrAgt", "9900"));
	for (size_t i = 0; i < n; i++) {
		const struct payment_row *r = &p[i];
		char e2e[64], amt[64], acct[32], pname[300], rmt[600];
		snprintf(e2e, sizeof(e2e), "%s-%zu", h->batch, i + 1);
		xml_amount(r->amount, amt, sizeof(amt));
		bool bg = r->bankgiro != NULL, iban = !bg && !r->plusgiro;
		digits(bg ? r->bankgiro : r->plusgiro, acct, sizeof(acct));
		utf8_prefix(r->payee_name, 70, pname, sizeof(pname));
		W(xmlTextWriterStartElement(w, BAD_CAST "CdtTrfTxInf"));
		W(xmlTextWriterStartElement(w, BAD_CAST "PmtId"));
		W(elem(w, "EndToEndId", e2e));
		W(xmlTextWriterEndElement(w));
		W(xmlTextWriterStartElement(w, BAD_CAST "Amt"));
		W(xmlTextWriterStartElement(w, BAD_CAST "InstdAmt"));
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "Ccy", BAD_CAST "SEK"));
		W(xmlTextWriterWriteString(w, BAD_CAST amt));
		W(xmlTextWriterEndElement(w));
		W(xmlTextWriterEndElement(w));
		/* The account paid: a bankgiro or plusgiro through Bankgirot's
		 * clearing, an IBAN through its bank's BIC. */
		if (iban)
			W(bic_agent(w, r->bic));
		else
			W(clearing(w, "CdtrAgt", bg ? "9900" : "9960"));
		W(xmlTextWriterStartElement(w, BAD_CAST "Cdtr"));
		W(elem(w, "Nm", pname));
		W(xmlTextWriterEndElement(w));
		if (iban)
			W(iban_account(w, r->iban));
		else
			W(account(w, "CdtrAcct", acct, bg ? "BGNR" : "PGNR"));
		W(xmlTextWriterStartElement(w, BAD_CAST "RmtInf"));
		if (is_ocr(r->reference)) {
			W(xmlTextWriterStartElement(w, BAD_CAST "Strd"));
			W(xmlTextWriterStartElement(w, BAD_CAST "CdtrRefInf"));
			W(xmlTextWriterStartElement(w, BAD_CAST "Tp"));
			W(xmlTextWriterStartElement(w, BAD_CAST "CdOrPrtry"));
			W(elem(w, "Cd", "SCOR"));
			W(xmlTextWriterEndElement(w));
			W(xmlTextWriterEndElement(w));
			W(elem(w, "Ref", r->reference));
			W(xmlTextWriterEndElement(w));
			char full[600];
			remittance(&(struct payment_row){.dnr = r->dnr, .recipient = r->recipient,
							  .recipient_name = r->recipient_name, .payee_name = r->payee_name},
				   full, sizeof(full));
			utf8_prefix(full, 140, rmt, sizeof(rmt));
			W(elem(w, "AddtlRmtInf", rmt));
			W(xmlTextWriterEndElement(w));
		} else {
			char full[600];
			remittance(r, full, sizeof(full));
			utf8_prefix(full, 140, rmt, sizeof(rmt));
			W(elem(w, "Ustrd", rmt));
		}
		W(xmlTextWriterEndElement(w)); /* RmtInf */
		W(xmlTextWriterEndElement(w)); /* CdtTrfTxInf */
	}
	W(xmlTextWriterEndElement(w)); /* PmtInf */
	W(xmlTextWriterEndElement(w)); /* CstmrCdtTrfInitn */
	W(xmlTextWriterEndElement(w)); /* Document */
	W(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w);
	w = NULL;
	int rc = pain001_validate((const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb), err);
	if (rc == 0)
		buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	if (rc == 0 && out->failed)
		return bd_fail(err, "the payment file is too large");
	return rc;
fail:
	if (w)
		xmlFreeTextWriter(w);
	xmlBufferFree(xb);
	return bd_fail(err, "cannot write the pain.001 XML");
}

struct schema_errors {
	char first[600];
};

static void on_schema_error(void *ctx, const xmlError *e)
{
	struct schema_errors *s = ctx;
	if (s->first[0] || !e)
		return;
	snprintf(s->first, sizeof(s->first), "line %d: %s", e->line, e->message ? e->message : "invalid");
	size_t l = strlen(s->first);
	while (l && (s->first[l - 1] == '\n' || s->first[l - 1] == ' '))
		s->first[--l] = '\0';
}

static void on_schema_error_nc(void *ctx, xmlErrorPtr e)
{
	on_schema_error(ctx, e);
}

int pain001_validate(const char *xml, size_t len, struct bd_error *err)
{
	const struct embedded_file *xsd = embedded_find("iso20022/pain.001.001.03.xsd");
	if (!xsd)
		return bd_fail(err, "internal: the pain.001 schema is not compiled in");
	struct schema_errors se = {{0}};
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd->data, (int)xsd->len);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaFreeParserCtxt(pc);
	if (!schema)
		return bd_fail(err, "internal: the pain.001 schema does not parse");
	int rc = -1;
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "pain001.xml", NULL, XML_PARSE_NONET);
	if (!doc) {
		bd_fail(err, "the pain.001 file is not well-formed XML");
	} else {
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
		xmlSchemaSetValidStructuredErrors(vc, on_schema_error_nc, &se);
		int v = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
		if (v == 0)
			rc = 0;
		else
			bd_fail(err, "the pain.001 file does not validate against pain.001.001.03.xsd: %s",
				se.first[0] ? se.first : "invalid");
		xmlFreeDoc(doc);
	}
	xmlSchemaFree(schema);
	return rc;
}

/* LB: Latin-1, 80 columns. */

/* Append text in ISO 8859-1, padded or cut to width characters. */
static void lb_text(struct buf *b, const char *s, size_t width)
{
	size_t w = 0;
	while (s && *s && w < width) {
		unsigned char c = (unsigned char)*s;
		unsigned cp;
		if (c < 0x80) {
			cp = c;
			s++;
		} else if ((c & 0xE0) == 0xC0 && s[1]) {
			cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[1] & 0x3Fu);
			s += 2;
		} else {
			cp = '?';
			s++;
			while (((unsigned char)*s & 0xC0) == 0x80)
				s++;
		}
		char ch = cp < 0x100 ? (char)cp : '?';
		if (ch == '\n' || ch == '\r' || ch == '\t')
			ch = ' ';
		buf_add(b, &ch, 1);
		w++;
	}
	for (; w < width; w++)
		buf_add(b, " ", 1);
}

/* Digits right-aligned, zero-padded, to width. */
static int lb_number(struct buf *b, const char *d, size_t width)
{
	size_t n = strlen(d);
	if (n > width)
		return -1;
	for (size_t i = n; i < width; i++)
		buf_add(b, "0", 1);
	buf_add(b, d, n);
	return 0;
}

static void yymmdd(const char *iso, char out[7])
{
	snprintf(out, 7, "%.2s%.2s%.2s", iso + 2, iso + 5, iso + 8);
}

int lb_write(const struct payfile_header *h, const struct payment_row *p, size_t n, struct buf *out,
	     struct bd_error *err)
{
	if (check_accounts(p, n, err))
		return -1;
	char sender[32], d6[7], num[64];
	digits(h->debtor_bankgiro, sender, sizeof(sender));
	yymmdd(h->date, d6);
	size_t start = out->len;
	/* 11: opening record. */
	buf_adds(out, "11");
	if (lb_number(out, sender, 10))
		return bd_fail(err, "sender bankgiro '%s' is too long", h->debtor_bankgiro);
	buf_adds(out, d6);
	lb_text(out, "LEVERANTÖRSBETALNINGAR", 22);
	buf_adds(out, d6); /* payment date */
	lb_text(out, "", 13);
	buf_adds(out, "SEK");
	lb_text(out, "", 18);
	buf_adds(out, "\r\n");
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (!p[i].bankgiro && !p[i].plusgiro)
			return bd_fail(err,
				       "payment %s to %s goes to an IBAN (%s): a Bankgirot LB file pays only to bankgiro and "
				       "plusgiro; export the batch as pain.001",
				       p[i].id, p[i].payee_name, p[i].iban);
	for (size_t i = 0; i < n; i++) {
		const struct payment_row *r = &p[i];
		bool bg = r->bankgiro != NULL;
		char acct[32], ref[64];
		digits(bg ? r->bankgiro : r->plusgiro, acct, sizeof(acct));
		buf_adds(out, bg ? "14" : "54");
		if (lb_number(out, acct, 10))
			return bd_fail(err, "payment %s: account '%s' is too long", r->id, bg ? r->bankgiro : r->plusgiro);
		/* The payee sees the reference field: an OCR number alone, else
		 * the remittance text; what does not fit in its 25 characters
		 * follows in an information record (25) of 50. */
		char text[600];
		remittance(r, text, sizeof(text));
		bool ocr = is_ocr(r->reference);
		snprintf(ref, sizeof(ref), "%s", ocr ? r->reference : "");
		size_t chars = 0;
		for (const char *c = text; *c; c++)
			chars += ((unsigned char)*c & 0xC0) != 0x80;
		bool info = ocr || chars > 25;
		if (!ocr)
			utf8_prefix(text, 25, ref, sizeof(ref));
		lb_text(out, info && !ocr ? r->dnr : ref, 25);
		snprintf(num, sizeof(num), "%lld", (long long)r->amount);
		if (lb_number(out, num, 12))
			return bd_fail(err, "payment %s: amount too large for an LB record", r->id);
		buf_adds(out, d6);
		lb_text(out, "", 5);
		/* Information to the sender: the dnr (the reference may hold
		 * an OCR number instead). */
		lb_text(out, r->dnr, 20);
		buf_adds(out, "\r\n");
		/* As many information records as the text needs (at most five). */
		for (const char *t = text; info && bg && *t;) {
			char chunk[256];
			utf8_prefix(t, 50, chunk, sizeof(chunk));
			/* Break between words when the text goes on. */
			char *space = strlen(chunk) < strlen(t) ? strrchr(chunk, ' ') : NULL;
			if (space && t[strlen(chunk)] != ' ')
				*space = '\0';
			buf_adds(out, "25");
			lb_number(out, acct, 10);
			lb_text(out, chunk, 50);
			lb_text(out, "", 18);
			buf_adds(out, "\r\n");
			t += strlen(chunk);
			while (*t == ' ')
				t++;
			if (t - text > 250)
				break;
		}
		total += r->amount;
	}
	/* 29: summary. */
	buf_adds(out, "29");
	lb_number(out, sender, 10);
	snprintf(num, sizeof(num), "%zu", n);
	if (lb_number(out, num, 8))
		return bd_fail(err, "too many payments for one LB file");
	snprintf(num, sizeof(num), "%lld", (long long)total);
	if (lb_number(out, num, 12))
		return bd_fail(err, "the total is too large for an LB file");
	lb_text(out, "", 48);
	buf_adds(out, "\r\n");
	(void)start;
	if (out->failed)
		return bd_fail(err, "the payment file is too large");
	return 0;
}
