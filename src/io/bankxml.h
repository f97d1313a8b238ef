/* bankxml.h: what the ISO 20022 readers (pain002.c, camt.c, bankfile.c)
 * share: parsing a bank's XML with its first error and line, validating it
 * against a compiled-in schema, walking elements by local name, and exact
 * amounts.  Internal to io: a caller reads bank files through bankfile.h,
 * pain002.h or camt.h. */
#ifndef BIDRAG_BANKXML_H
#define BIDRAG_BANKXML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "util.h"

#define BANKXML_NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:"

/* bankxml_parse: a document from data[0..len), without network access or
 * entity expansion.  On failure NULL with err "ORIGIN:LINE: not
 * well-formed XML: <libxml2's first message>". */
xmlDocPtr bankxml_parse(const char *data, size_t len, const char *origin, struct bd_error *err);

/* bankxml_validate: check doc against the compiled-in schema xsd (a name in
 * embedded.h, e.g. "iso20022/camt.053.001.02.xsd").  On failure -1 with err
 * "ORIGIN:LINE: does not validate against <label>: <first schema error>". */
int bankxml_validate(xmlDocPtr doc, const char *xsd, const char *label, const char *origin, struct bd_error *err);

/* bankxml_root_ns: the namespace URI of doc's root element, or NULL. */
const char *bankxml_root_ns(xmlDocPtr doc);

/* bankxml_child: the first element child of n named name (local name, any
 * namespace), or NULL.  bankxml_next: the next element sibling after n of
 * that name.  bankxml_path: follow "A/B/C" from n by first children. */
xmlNodePtr bankxml_child(xmlNodePtr n, const char *name);
xmlNodePtr bankxml_next(xmlNodePtr n, const char *name);
xmlNodePtr bankxml_path(xmlNodePtr n, const char *path);

/* bankxml_text: n's text content, surrounding whitespace trimmed, copied
 * into pool; NULL when n is NULL.  bankxml_path_text: the same for
 * bankxml_path(n, path). */
char *bankxml_text(xmlNodePtr n, struct strpool *pool);
char *bankxml_path_text(xmlNodePtr n, const char *path, struct strpool *pool);

/* bankxml_line: the line n starts on (1-based), 0 for NULL. */
long bankxml_line(xmlNodePtr n);

/* bankxml_amount: an XML decimal amount ("8.85", "200000", "5.0400") in
 * hundredths of the currency unit (öre for SEK), exactly.  -1 with why
 * filled when it is not a non-negative decimal, has a non-zero third
 * decimal, or does not fit int64. */
int bankxml_amount(const char *text, int64_t *hundredths, char *why, size_t whylen);

/* bankxml_date: the YYYY-MM-DD of an ISODate or ISODateTime ("2020-09-24",
 * "2007-10-18T13:15:00+01:00": the date as written, not converted to
 * another zone) into out[11]; -1 when text does not start with a valid
 * date. */
int bankxml_date(const char *text, char out[11]);

#endif
