#include "bankxml.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "decision.h"
#include "embedded.h"

/* The first error libxml2 reports, with its line. */
struct first_error {
	char msg[600];
	int line;
	bool set;
	xmlNodePtr node; /* the element a schema error is about, or NULL */
};

/* unqualify: drop the "{urn:iso:std:iso:20022:tech:xsd:...}" libxml2
 * writes before every element name, which says nothing the label does not. */
static void unqualify(char *s)
{
	char *o = s;
	for (const char *p = s; *p;) {
		if (*p == '{' && strncmp(p + 1, BANKXML_NS_PREFIX, strlen(BANKXML_NS_PREFIX)) == 0 && strchr(p, '}')) {
			p = strchr(p, '}') + 1;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
}

static void keep_first(void *ctx, xmlErrorPtr e)
{
	struct first_error *f = ctx;
	if (f->set || !e)
		return;
	f->set = true;
	f->line = e->line;
	f->node = e->node && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE ? e->node : NULL;
	snprintf(f->msg, sizeof(f->msg), "%s", e->message ? e->message : "invalid");
	size_t l = strlen(f->msg);
	while (l && (f->msg[l - 1] == '\n' || f->msg[l - 1] == ' '))
		f->msg[--l] = '\0';
	unqualify(f->msg);
}

/* The elements that repeat, numbered in a path; with the reference that
 * names one to a person. */
static const struct {
	const char *name, *ref;
} repeating[] = {
	{"Stmt", "Id"}, {"Ntfctn", "Id"}, {"Ntry", "NtryRef"}, {"TxDtls", "Refs/EndToEndId"}, {"Bal", NULL},
	{"OrgnlPmtInfAndSts", "OrgnlPmtInfId"}, {"TxInfAndSts", "OrgnlEndToEndId"}, {"StsRsnInf", NULL},
};

/* where: the path of element n below the message's top element, as
 * "Stmt 1, Ntry 3 (NtryRef 3), Sts", so that a person finds the entry. */
static void where(xmlNodePtr n, char *out, size_t size)
{
	xmlNodePtr chain[64];
	size_t k = 0;
	for (xmlNodePtr p = n; p && p->type == XML_ELEMENT_NODE && k < 64; p = p->parent)
		chain[k++] = p;
	/* chain[k-1] is Document, chain[k-2] the message (BkToCstmrStmt, ...). */
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = k >= 2 ? k - 2 : 0; i-- > 0 && o < size;) {
		xmlNodePtr e = chain[i];
		const char *name = (const char *)e->name;
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? ", " : "", name);
		for (size_t r = 0; r < BD_ARRAY_LEN(repeating) && o < size; r++) {
			if (strcmp(repeating[r].name, name) != 0)
				continue;
			long idx = 1;
			for (xmlNodePtr s = e->prev; s; s = s->prev)
				idx += s->type == XML_ELEMENT_NODE && strcmp((const char *)s->name, name) == 0;
			o += (size_t)snprintf(out + o, size - o, " %ld", idx);
			xmlNodePtr ref = repeating[r].ref ? bankxml_path(e, repeating[r].ref) : NULL;
			xmlChar *t = ref ? xmlNodeGetContent(ref) : NULL;
			if (t && *t && o < size)
				o += (size_t)snprintf(out + o, size - o, " (%s %.35s)", (const char *)ref->name, (const char *)t);
			xmlFree(t);
		}
	}
}

xmlDocPtr bankxml_parse(const char *data, size_t len, const char *origin, struct bd_error *err)
{
	if (len > (size_t)INT32_MAX) {
		bd_fail(err, "%s: too large for an XML bank file", origin);
		return NULL;
	}
	struct first_error fe = {.set = false};
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		bd_fail(err, "%s: cannot start the XML parser", origin);
		return NULL;
	}
	/* Errors go to fe, not to stderr; the handler is the thread's, so it
	 * is put back at once. */
	xmlSetStructuredErrorFunc(&fe, keep_first);
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, origin, NULL,
					  XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	xmlSetStructuredErrorFunc(NULL, NULL);
	bool wellformed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	if (!doc || !wellformed || fe.set) {
		if (doc)
			xmlFreeDoc(doc);
		if (fe.set)
			bd_fail(err, "%s:%d: not well-formed XML: %s", origin, fe.line, fe.msg);
		else
			bd_fail(err, "%s: not well-formed XML", origin);
		return NULL;
	}
	if (!xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		bd_fail(err, "%s: the XML document has no root element", origin);
		return NULL;
	}
	return doc;
}

int bankxml_validate(xmlDocPtr doc, const char *xsd, const char *label, const char *origin, struct bd_error *err)
{
	const struct embedded_file *f = embedded_find(xsd);
	if (!f)
		return bd_fail(err, "internal: the schema %s is not compiled in", xsd);
	struct first_error fe = {.set = false};
	xmlSetStructuredErrorFunc(&fe, keep_first);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(f->data, (int)f->len);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaFreeParserCtxt(pc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!schema)
		return bd_fail(err, "internal: the schema %s does not parse: %s", xsd, fe.set ? fe.msg : "?");
	fe.set = false;
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(vc, keep_first, &fe);
	int v = vc ? xmlSchemaValidateDoc(vc, doc) : -1;
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (v == 0)
		return 0;
	if (fe.set) {
		char at[400] = "";
		if (fe.node)
			where(fe.node, at, sizeof(at));
		return bd_fail(err, "%s:%d: %s%sdoes not validate against %s: %s", origin, fe.line, at, at[0] ? ": " : "",
			       label, fe.msg);
	}
	return bd_fail(err, "%s: does not validate against %s", origin, label);
}

const char *bankxml_root_ns(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	return root && root->ns && root->ns->href ? (const char *)root->ns->href : NULL;
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr bankxml_child(xmlNodePtr n, const char *name)
{
	if (!n)
		return NULL;
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNodePtr bankxml_next(xmlNodePtr n, const char *name)
{
	if (!n)
		return NULL;
	for (xmlNodePtr c = n->next; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNodePtr bankxml_path(xmlNodePtr n, const char *path)
{
	char part[64];
	while (n && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		n = bankxml_child(n, part);
		path += len + (slash ? 1 : 0);
	}
	return n;
}

char *bankxml_text(xmlNodePtr n, struct strpool *pool)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	char *out = strpool_dup(pool, s, len);
	xmlFree(t);
	return out;
}

char *bankxml_path_text(xmlNodePtr n, const char *path, struct strpool *pool)
{
	return bankxml_text(bankxml_path(n, path), pool);
}

long bankxml_line(xmlNodePtr n)
{
	return n ? xmlGetLineNo(n) : 0;
}

int bankxml_amount(const char *text, int64_t *hundredths, char *why, size_t whylen)
{
	const char *s = text ? text : "";
	if (*s == '+')
		s++;
	if (*s < '0' || *s > '9') {
		snprintf(why, whylen, "'%.40s' is not an amount (expected digits, '.' and at most two decimals)",
			 text ? text : "");
		return -1;
	}
	int64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 1000) { /* room for the two decimals too */
			snprintf(why, whylen, "'%.40s' is too large an amount", text);
			return -1;
		}
		v = v * 10 + (*s - '0');
	}
	int64_t frac = 0;
	if (*s == '.') {
		s++;
		int k = 0;
		if (*s < '0' || *s > '9') {
			snprintf(why, whylen, "'%.40s' is not an amount (expected digits after '.')", text);
			return -1;
		}
		for (; *s >= '0' && *s <= '9'; s++, k++) {
			if (k < 2)
				frac = frac * 10 + (*s - '0');
			else if (*s != '0') {
				snprintf(why, whylen,
					 "'%.40s' has more than two decimals (expected an amount in whole hundredths, "
					 "such as öre)",
					 text);
				return -1;
			}
		}
		if (k == 1)
			frac *= 10;
	}
	if (*s) {
		snprintf(why, whylen, "'%.40s' is not an amount (expected digits, '.' and at most two decimals)", text);
		return -1;
	}
	*hundredths = v * 100 + frac;
	return 0;
}

int bankxml_date(const char *text, char out[11])
{
	out[0] = '\0';
	if (!text || strlen(text) < 10 || (text[10] != '\0' && text[10] != 'T' && text[10] != '+' && text[10] != '-' &&
					   text[10] != 'Z'))
		return -1;
	char d[11];
	memcpy(d, text, 10);
	d[10] = '\0';
	if (!date_valid(d))
		return -1;
	memcpy(out, d, 11);
	return 0;
}
