#include "bankfile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <sodium.h>

#include "bankxml.h"
#include "readfile.h"

const char *bankfile_kind_name(enum bankfile_kind k)
{
	switch (k) {
	case BANKFILE_PAIN002:
		return "pain.002.001.03";
	case BANKFILE_CAMT053:
		return "camt.053.001.02";
	case BANKFILE_CAMT054:
		return "camt.054.001.02";
	case BANKFILE_BGMAX:
		return "BgMax";
	}
	return "unknown";
}

/* ISO 20022's external status and return reason codes that Swedish banks
 * send, in Swedish. */
static const struct {
	const char *code, *sv;
} reasons[] = {
	{"AC01", "felaktigt kontonummer"},
	{"AC02", "ogiltigt konto för betalaren"},
	{"AC03", "ogiltigt konto för mottagaren"},
	{"AC04", "kontot är avslutat"},
	{"AC06", "kontot är spärrat"},
	{"AG01", "transaktionen är inte tillåten på kontot"},
	{"AG02", "ogiltig betalningstyp"},
	{"AM01", "beloppet är noll"},
	{"AM02", "beloppet är större än det högsta tillåtna"},
	{"AM03", "valutan är inte tillåten"},
	{"AM04", "otillräcklig täckning på kontot"},
	{"AM05", "dubblett: betalningen finns redan"},
	{"AM09", "fel belopp"},
	{"AM10", "kontrollsumman stämmer inte"},
	{"BE04", "mottagarens adress saknas eller är felaktig"},
	{"BE05", "okänd initierande part"},
	{"CNOR", "mottagarens bank kan inte nås"},
	{"CUST", "stoppad på kundens begäran"},
	{"DNOR", "betalarens bank kan inte nås"},
	{"DT01", "ogiltigt datum"},
	{"DU01", "meddelandets id finns redan (dubblett)"},
	{"FF01", "ogiltigt filformat"},
	{"FOCR", "återbetald efter begäran om återkallelse"},
	{"MD07", "kontohavaren har avlidit"},
	{"MS02", "avvisad av mottagaren, utan angiven orsak"},
	{"MS03", "orsaken är inte angiven"},
	{"NARR", "se bankens förklaring i fritext"},
	{"RC01", "felaktig bankidentifierare (BIC)"},
	{"RR01", "uppgifter om betalarens konto saknas enligt regelverk"},
	{"RR02", "betalarens namn eller adress saknas enligt regelverk"},
	{"RR03", "mottagarens namn eller adress saknas enligt regelverk"},
	{"RR04", "stoppad av regulatoriska skäl"},
	{"TM01", "mottagen efter bankens brytpunkt"},
};

const char *bankfile_reason_sv(const char *code)
{
	for (size_t i = 0; code && i < BD_ARRAY_LEN(reasons); i++)
		if (strcmp(reasons[i].code, code) == 0)
			return reasons[i].sv;
	return NULL;
}

void bankfile_free(struct bankfile *f)
{
	switch (f->kind) {
	case BANKFILE_PAIN002:
		pain002_free(&f->pain002);
		break;
	case BANKFILE_CAMT053:
	case BANKFILE_CAMT054:
		camt_free(&f->camt);
		break;
	case BANKFILE_BGMAX:
		bgmax_free(&f->bgmax);
		break;
	}
	memset(f, 0, sizeof(*f));
}

#define EXPECTED "expected a pain.002 payment status report, a camt.053 statement or camt.054 notification (ISO 20022 XML), or a BgMax file of incoming bankgiro payments"

/* What the root of an XML document that is no file bidrag reads is. */
static int xml_unsupported(const char *origin, const char *ns, const char *body, struct bd_error *err)
{
	const char *v = ns && strncmp(ns, BANKXML_NS_PREFIX, strlen(BANKXML_NS_PREFIX)) == 0
				? ns + strlen(BANKXML_NS_PREFIX)
				: NULL;
	if (v && strncmp(v, "pain.001.", 9) == 0)
		return bd_fail(err,
			       "%s: not supported: a payment file (%s), the kind bidrag sends the bank, not an answer from "
			       "it; %s",
			       origin, v, EXPECTED);
	if (v && strncmp(v, "pain.002.", 9) == 0)
		return bd_fail(err, "%s: not supported: a payment status report of version %s; bidrag reads pain.002.001.03",
			       origin, v);
	if (v && (strncmp(v, "camt.053.", 9) == 0 || strncmp(v, "camt.054.", 9) == 0))
		return bd_fail(err, "%s: not supported: %s; bidrag reads camt.053.001.02 and camt.054.001.02", origin, v);
	if (v && strncmp(v, "camt.052.", 9) == 0)
		return bd_fail(err, "%s: not supported: an intraday account report (%s); %s", origin, v, EXPECTED);
	if (v)
		return bd_fail(err, "%s: not supported: an ISO 20022 %s message; %s", origin, v, EXPECTED);
	return bd_fail(err, "%s: not a bank file bidrag reads: an XML document whose root is <%s>%s%s; %s", origin, body,
		       ns ? " in the namespace " : " without a namespace", ns ? ns : "", EXPECTED);
}

static int read_xml(const char *data, size_t len, const char *origin, struct bankfile *out, struct bd_error *err)
{
	xmlDocPtr doc = bankxml_parse(data, len, origin, err);
	if (!doc)
		return -1;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const char *ns = bankxml_root_ns(doc);
	xmlNodePtr first = root->children;
	while (first && first->type != XML_ELEMENT_NODE)
		first = first->next;
	const char *body = first ? (const char *)first->name : "";
	bool document = strcmp((const char *)root->name, "Document") == 0;
	int rc;
	if (document && ns && strcmp(ns, PAIN002_NS) == 0) {
		out->kind = BANKFILE_PAIN002;
		rc = pain002_from_doc(doc, origin, &out->pain002, err);
	} else if (document && !ns && strcmp(body, "CstmrPmtStsRpt") == 0) {
		/* Some banks leave the namespace out; its content says what it is. */
		out->kind = BANKFILE_PAIN002;
		rc = pain002_from_doc(doc, origin, &out->pain002, err);
	} else if (document && ns && (strcmp(ns, CAMT053_NS) == 0 || strcmp(ns, CAMT054_NS) == 0)) {
		out->kind = strcmp(ns, CAMT053_NS) == 0 ? BANKFILE_CAMT053 : BANKFILE_CAMT054;
		rc = camt_from_doc(doc, origin, &out->camt, err);
	} else if (document && !ns && (strcmp(body, "BkToCstmrStmt") == 0 || strcmp(body, "BkToCstmrDbtCdtNtfctn") == 0)) {
		rc = bd_fail(err,
			     "%s:%ld: a %s without an XML namespace: expected xmlns=\"%s\" on <Document>, so that it can be "
			     "checked against its schema",
			     origin, bankxml_line(root), strcmp(body, "BkToCstmrStmt") == 0 ? "camt.053 statement" : "camt.054 notification",
			     strcmp(body, "BkToCstmrStmt") == 0 ? CAMT053_NS : CAMT054_NS);
	} else {
		rc = xml_unsupported(origin, ns, document ? body : (const char *)root->name, err);
	}
	xmlFreeDoc(doc);
	return rc;
}

/* lb_opening: data starts like an LB file's opening record 11: "11", ten
 * digits of bankgiro, six of date, "LEVERANT" (ÖRSBETALNINGAR). */
static bool lb_opening(const char *d, size_t len)
{
	if (len < 26 || d[0] != '1' || d[1] != '1')
		return false;
	for (int i = 2; i < 18; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	return memcmp(d + 18, "LEVERANT", 8) == 0;
}

/* printable: the first bytes of data for a message. */
static void start_of(const char *d, size_t len, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < len && i < 24 && k + 5 < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '\n' || c == '\r')
			break;
		if (c >= 0x20 && c < 0x7F && c != '\'')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, n - k, "\\x%02X", c);
	}
	out[k] = '\0';
}

int bankfile_parse(const char *data, size_t len, const char *origin, struct bankfile *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	out->size = len;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out->sha256, sizeof(out->sha256), h, sizeof(h));
	const char *p = data;
	size_t n = len;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	int rc;
	if (n == 0) {
		rc = bd_fail(err, "%s: %s (%s)", origin, len ? "nothing but blanks" : "empty", EXPECTED);
	} else if (*p == '<') {
		rc = read_xml(data, len, origin, out, err);
	} else if (n >= 7 && memcmp(p, "01BGMAX", 7) == 0) {
		out->kind = BANKFILE_BGMAX;
		rc = bgmax_parse(data, len, origin, &out->bgmax, err);
	} else if (lb_opening(p, n)) {
		rc = bd_fail(err,
			     "%s: not supported: a Bankgirot Leverantörsbetalningar (LB) file (opening record 11 "
			     "LEVERANTÖRSBETALNINGAR), such as its return report; %s",
			     origin, EXPECTED);
	} else {
		char s[128];
		start_of(p, n, s, sizeof(s));
		rc = bd_fail(err, "%s: not a bank file bidrag reads (it starts '%s'); %s", origin, s, EXPECTED);
	}
	if (rc) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int bankfile_read(const char *path, struct bankfile *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	char *data;
	size_t len;
	if (read_file(path, BANKFILE_MAX, &data, &len, err))
		return -1;
	int rc = bankfile_parse(data, len, strcmp(path, "-") == 0 ? "standard input" : path, out, err);
	free(data);
	return rc;
}
