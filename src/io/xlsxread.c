#include "xlsxread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unzip.h>

/* An entry larger than this unpacked is refused (a zip bomb, or not a
 * table anyone types payees into). */
#define MAX_ENTRY (64u << 20)

static const char *const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

bool xlsx_is_zip(const char *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

void xlsx_column_name(size_t c, char *out, size_t n)
{
	char tmp[8];
	size_t k = 0;
	c++;
	while (c > 0 && k < sizeof(tmp)) {
		tmp[k++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	size_t o = 0;
	while (k > 0 && o + 1 < n)
		out[o++] = tmp[--k];
	out[o] = '\0';
}

/* minizip reading from memory. */

struct mem {
	const char *data;
	size_t len, pos;
};

static voidpf mem_open(voidpf opaque, const void *name, int mode)
{
	(void)name;
	(void)mode;
	struct mem *m = opaque;
	m->pos = 0;
	return m;
}

static uLong mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	(void)opaque;
	struct mem *m = stream;
	size_t n = m->len - m->pos < size ? m->len - m->pos : size;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0;
}

static ZPOS64_T mem_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return ((struct mem *)stream)->pos;
}

static long mem_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	(void)opaque;
	struct mem *m = stream;
	ZPOS64_T base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos : m->len;
	if (base + offset > m->len)
		return -1;
	m->pos = (size_t)(base + offset);
	return 0;
}

static int mem_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int mem_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

/* entry: the unpacked text of a zip entry (NUL-terminated, malloc'd); 1 if
 * there is no such entry. */
static int entry(unzFile z, const char *origin, const char *name, char **out, size_t *len, struct bd_error *err)
{
	*out = NULL;
	if (unzLocateFile(z, name, 1) != UNZ_OK)
		return 1;
	unz_file_info64 info;
	if (unzGetCurrentFileInfo64(z, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
		return bd_fail(err, "%s: the workbook's entry %s cannot be read", origin, name);
	if (info.uncompressed_size > MAX_ENTRY)
		return bd_fail(err, "%s: the workbook's entry %s is %llu bytes unpacked, more than the %u MB allowed",
			       origin, name, (unsigned long long)info.uncompressed_size, MAX_ENTRY >> 20);
	if (unzOpenCurrentFile(z) != UNZ_OK)
		return bd_fail(err, "%s: the workbook's entry %s cannot be opened (an encrypted or damaged workbook?)",
			       origin, name);
	size_t cap = (size_t)info.uncompressed_size, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		char chunk[8192];
		int got = unzReadCurrentFile(z, chunk, sizeof(chunk));
		if (got < 0) {
			free(buf);
			unzCloseCurrentFile(z);
			return bd_fail(err, "%s: the workbook's entry %s is damaged (unzip error %d)", origin, name, got);
		}
		if (got == 0)
			break;
		if (n + (size_t)got > cap) {
			if (n + (size_t)got > MAX_ENTRY) {
				free(buf);
				unzCloseCurrentFile(z);
				return bd_fail(err, "%s: the workbook's entry %s is larger than the %u MB allowed", origin,
					       name, MAX_ENTRY >> 20);
			}
			cap = n + (size_t)got;
			buf = xrealloc(buf, cap + 1);
		}
		memcpy(buf + n, chunk, (size_t)got);
		n += (size_t)got;
	}
	if (unzCloseCurrentFile(z) != UNZ_OK) {
		free(buf);
		return bd_fail(err, "%s: the workbook's entry %s fails its checksum", origin, name);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static xmlDocPtr parse_xml(const char *origin, const char *name, const char *text, size_t len, struct bd_error *err)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		bd_fail(err, "%s: the workbook's %s is not well-formed XML%s%s", origin, name, e && e->message ? ": " : "",
			e && e->message ? e->message : "");
		size_t l = strlen(err->msg);
		while (l && (err->msg[l - 1] == '\n' || err->msg[l - 1] == ' '))
			err->msg[--l] = '\0';
	}
	return doc;
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* text_of: the text of every <t> under n, except phonetic runs (<rPh>). */
static void text_of(xmlNodePtr n, struct buf *b)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (named(c, "rPh"))
			continue;
		if (named(c, "t")) {
			xmlChar *t = xmlNodeGetContent(c);
			if (t)
				buf_adds(b, (const char *)t);
			xmlFree(t);
		} else {
			text_of(c, b);
		}
	}
}

struct strings {
	char **v;
	size_t n;
};

static void strings_release(struct strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int load_strings(unzFile z, const char *origin, struct strings *out, struct bd_error *err)
{
	char *text;
	size_t len;
	int rc = entry(z, origin, "xl/sharedStrings.xml", &text, &len, err);
	if (rc)
		return rc == 1 ? 0 : -1; /* a workbook of numbers only has none */
	xmlDocPtr doc = parse_xml(origin, "xl/sharedStrings.xml", text, len, err);
	free(text);
	if (!doc)
		return -1;
	for (xmlNodePtr si = xmlDocGetRootElement(doc)->children; si; si = si->next) {
		if (!named(si, "si"))
			continue;
		struct buf b;
		buf_init(&b, MAX_ENTRY);
		text_of(si, &b);
		buf_add(&b, "", 1);
		out->v = xreallocarray(out->v, out->n + 1, sizeof(char *));
		out->v[out->n++] = b.data;
	}
	xmlFreeDoc(doc);
	return 0;
}

/* first_sheet: the path in the zip of the workbook's first sheet. */
static char *first_sheet(unzFile z, const char *origin, struct bd_error *err)
{
	char *text;
	size_t len;
	int rc = entry(z, origin, "xl/workbook.xml", &text, &len, err);
	if (rc) {
		if (rc == 1)
			bd_fail(err, "%s: not an Excel workbook (.xlsx): the zip file has no xl/workbook.xml", origin);
		return NULL;
	}
	xmlDocPtr doc = parse_xml(origin, "xl/workbook.xml", text, len, err);
	free(text);
	if (!doc)
		return NULL;
	xmlChar *rid = NULL;
	xmlNodePtr sheets = child(xmlDocGetRootElement(doc), "sheets");
	xmlNodePtr sheet = child(sheets, "sheet");
	if (sheet)
		rid = xmlGetNsProp(sheet, BAD_CAST "id", BAD_CAST REL_NS);
	xmlFreeDoc(doc);
	if (!sheet) {
		bd_fail(err, "%s: the workbook has no sheet", origin);
		return NULL;
	}
	char *path = NULL;
	rc = rid ? entry(z, origin, "xl/_rels/workbook.xml.rels", &text, &len, err) : 1;
	if (rc < 0) {
		xmlFree(rid);
		return NULL;
	}
	if (rc == 0) {
		doc = parse_xml(origin, "xl/_rels/workbook.xml.rels", text, len, err);
		free(text);
		if (!doc) {
			xmlFree(rid);
			return NULL;
		}
		for (xmlNodePtr r = xmlDocGetRootElement(doc)->children; r && !path; r = r->next) {
			if (!named(r, "Relationship"))
				continue;
			xmlChar *id = xmlGetProp(r, BAD_CAST "Id"), *target = xmlGetProp(r, BAD_CAST "Target");
			if (id && target && xmlStrcmp(id, rid) == 0)
				path = target[0] == '/' ? xstrdup((const char *)target + 1)
							: xasprintf("xl/%s", (const char *)target);
			xmlFree(id);
			xmlFree(target);
		}
		xmlFreeDoc(doc);
	}
	xmlFree(rid);
	return path ? path : xstrdup("xl/worksheets/sheet1.xml");
}

/* cell_ref: the column (0-based) and row of "AB12"; false if it is none. */
static bool cell_ref(const char *r, size_t *col, size_t *row)
{
	size_t c = 0, n = 0;
	const char *p = r;
	for (; *p >= 'A' && *p <= 'Z'; p++, n++)
		c = c * 26 + (size_t)(*p - 'A' + 1);
	if (n == 0 || n > 3 || !*p)
		return false;
	size_t rw = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		rw = rw * 10 + (size_t)(*p - '0');
	if (*p || rw == 0)
		return false;
	*col = c - 1;
	*row = rw;
	return true;
}

/* A column beyond this (XFD, Excel's last, is 16 384) is refused. */
#define MAX_COLUMNS 16384

static int read_rows(xmlDocPtr doc, const char *origin, const struct strings *ss, xlsx_row_fn fn, void *ctx,
		     struct bd_error *err)
{
	xmlNodePtr data = child(xmlDocGetRootElement(doc), "sheetData");
	size_t last_row = 0;
	for (xmlNodePtr r = data ? data->children : NULL; r; r = r->next) {
		if (!named(r, "row"))
			continue;
		struct xlsx_row row = {.row = last_row + 1};
		xmlChar *rn = xmlGetProp(r, BAD_CAST "r");
		if (rn) {
			row.row = (size_t)strtoul((const char *)rn, NULL, 10);
			xmlFree(rn);
		}
		last_row = row.row;
		size_t next_col = 0;
		int rc = 0;
		for (xmlNodePtr c = r->children; c && !rc; c = c->next) {
			if (!named(c, "c"))
				continue;
			size_t col = next_col, rw = row.row;
			xmlChar *ref = xmlGetProp(c, BAD_CAST "r");
			bool good = !ref || cell_ref((const char *)ref, &col, &rw);
			if (!good || col >= MAX_COLUMNS) {
				rc = bd_fail(err, "%s: row %zu: a cell reference '%s' the reader does not understand", origin,
					     row.row, ref ? (const char *)ref : "");
				xmlFree(ref);
				break;
			}
			xmlFree(ref);
			next_col = col + 1;
			xmlChar *type = xmlGetProp(c, BAD_CAST "t");
			const char *t = type ? (const char *)type : "n";
			struct buf b;
			buf_init(&b, MAX_ENTRY);
			bool number = false;
			if (strcmp(t, "inlineStr") == 0) {
				xmlNodePtr is = child(c, "is");
				if (is)
					text_of(is, &b);
			} else {
				xmlNodePtr v = child(c, "v");
				xmlChar *val = v ? xmlNodeGetContent(v) : NULL;
				if (strcmp(t, "s") == 0 && val) {
					char *end;
					unsigned long k = strtoul((const char *)val, &end, 10);
					if (*end || k >= ss->n)
						rc = bd_fail(err, "%s: row %zu: a cell refers to shared string %s, which the "
								  "workbook does not have",
							     origin, row.row, (const char *)val);
					else
						buf_adds(&b, ss->v[k]);
				} else if (val) {
					buf_adds(&b, (const char *)val);
					number = strcmp(t, "n") == 0;
				}
				xmlFree(val);
			}
			xmlFree(type);
			buf_add(&b, "", 1);
			if (rc) {
				buf_release(&b);
				break;
			}
			if (col >= row.ncells) {
				row.cell = xreallocarray(row.cell, col + 1, sizeof(char *));
				row.number = xreallocarray(row.number, col + 1, sizeof(bool));
				for (size_t k = row.ncells; k <= col; k++) {
					row.cell[k] = NULL;
					row.number[k] = false;
				}
				row.ncells = col + 1;
			}
			free(row.cell[col]);
			row.cell[col] = b.data;
			row.number[col] = number;
		}
		for (size_t k = 0; k < row.ncells; k++)
			if (!row.cell[k])
				row.cell[k] = xstrdup("");
		if (!rc && row.ncells)
			rc = fn(&row, ctx, err);
		for (size_t k = 0; k < row.ncells; k++)
			free(row.cell[k]);
		free(row.cell);
		free(row.number);
		if (rc)
			return -1;
	}
	return 0;
}

int xlsx_read_first_sheet(const char *data, size_t len, const char *origin, xlsx_row_fn fn, void *ctx,
			  struct bd_error *err)
{
	struct mem m = {data, len, 0};
	zlib_filefunc64_def io = {mem_open, mem_read, mem_write, mem_tell, mem_seek, mem_close, mem_error, &m};
	unzFile z = xlsx_is_zip(data, len) ? unzOpen2_64("", &io) : NULL;
	if (!z)
		return bd_fail(err, "%s: not an Excel workbook (.xlsx): not a zip file", origin);
	struct strings ss = {0};
	char *path = NULL, *text = NULL;
	size_t tlen = 0;
	xmlDocPtr doc = NULL;
	int rc = -1;
	if (load_strings(z, origin, &ss, err) || !(path = first_sheet(z, origin, err)))
		goto done;
	int found = entry(z, origin, path, &text, &tlen, err);
	if (found) {
		if (found == 1)
			bd_fail(err, "%s: the workbook's first sheet (%s) is missing", origin, path);
		goto done;
	}
	if (!(doc = parse_xml(origin, path, text, tlen, err)))
		goto done;
	rc = read_rows(doc, origin, &ss, fn, ctx, err);
done:
	xmlFreeDoc(doc);
	free(text);
	free(path);
	strings_release(&ss);
	unzClose(z);
	return rc;
}
