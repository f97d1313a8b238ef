#include "textenc.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

const char *text_encoding(const char *name)
{
	char f[32];
	size_t k = 0;
	for (const char *p = name; *p && k < sizeof(f) - 1; p++)
		if (*p != '-' && *p != '_' && *p != ' ')
			f[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	f[k] = '\0';
	if (!strcmp(f, "ansi") || !strcmp(f, "windows1252") || !strcmp(f, "cp1252") || !strcmp(f, "win1252"))
		return "WINDOWS-1252";
	if (!strcmp(f, "iso88591") || !strcmp(f, "latin1") || !strcmp(f, "l1") || !strcmp(f, "iso8859"))
		return "ISO-8859-1";
	if (!strcmp(f, "utf8"))
		return "UTF-8";
	if (!strcmp(f, "437") || !strcmp(f, "cp437") || !strcmp(f, "ibm437") || !strcmp(f, "dos"))
		return "CP437";
	if (!strcmp(f, "850") || !strcmp(f, "cp850") || !strcmp(f, "ibm850"))
		return "CP850";
	return name;
}

size_t text_utf8_check(const char *s, size_t n, bool *multibyte)
{
	const unsigned char *p = (const unsigned char *)s;
	bool mb = false;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c == 0)
			break;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned long cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			break;
		}
		if (i + len > n)
			break;
		bool good = true;
		for (size_t k = 1; k < len && good; k++) {
			good = (p[i + k] & 0xC0) == 0x80;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		/* No overlong forms, no surrogates, nothing above U+10FFFF. */
		if (!good || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
		    cp > 0x10FFFF)
			break;
		mb = true;
		i += len;
	}
	if (multibyte)
		*multibyte = mb;
	return i;
}

size_t text_line_of(const char *p, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += p[i] == '\n';
	return line;
}

int text_to_utf8(const char *p, size_t n, const char *enc, const char *origin, const char *why, char **out,
		 size_t *outlen, struct bd_error *err)
{
	const char *name = text_encoding(enc);
	char because[160] = "";
	if (why && *why)
		bd_strf(because, sizeof(because), " (%s)", why);
	const void *nul = memchr(p, '\0', n);
	if (nul) {
		size_t off = (size_t)((const char *)nul - p);
		return bd_fail(err, "%s:%zu: a NUL byte (expected text; is this a binary or UTF-16 file?)", origin,
			       text_line_of(p, off));
	}
	if (strcmp(name, "UTF-8") == 0) {
		size_t bad = text_utf8_check(p, n, NULL);
		if (bad < n)
			return bd_fail(err, "%s:%zu: byte 0x%02X is not UTF-8, which the file is read as%s: give its "
					    "encoding (for SCB's files usually windows-1252)", origin, text_line_of(p, bad),
				       (unsigned char)p[bad], because);
		char *o = xmalloc(n + 1);
		memcpy(o, p, n);
		o[n] = '\0';
		*out = o;
		*outlen = n;
		return 0;
	}
	if (strcmp(name, "ISO-8859-1") == 0)
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] >= 0x80 && (unsigned char)p[i] <= 0x9F)
				return bd_fail(err, "%s:%zu: byte 0x%02X is a control character in ISO-8859-1, which the file is "
						    "read as%s; a file with it is Windows-1252: give that encoding", origin,
					       text_line_of(p, i), (unsigned char)p[i], because);
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return bd_fail(err, "%s: unknown encoding '%s'%s (expected windows-1252, iso-8859-1, utf-8 or cp437)", origin,
			       enc, because);
	size_t cap = n * 3 + 1;
	char *o = xmalloc(cap);
	char *in = (char *)p, *dst = o;
	size_t inleft = n, outleft = cap - 1;
	int rc = 0;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &dst, &outleft) == (size_t)-1) {
			size_t off = (size_t)(in - p);
			if (errno == E2BIG) { /* never: 3 bytes out per byte in is enough for these */
				rc = bd_fail(err, "%s: internal: the text grew beyond three times its size in UTF-8", origin);
			} else {
				rc = bd_fail(err, "%s:%zu: byte 0x%02X is not a character of %s, which the file is read as%s: "
						  "give its encoding", origin, text_line_of(p, off), (unsigned char)p[off], name,
					     because);
			}
			break;
		}
	}
	iconv_close(cd);
	if (rc) {
		free(o);
		return rc;
	}
	*dst = '\0';
	*out = o;
	*outlen = (size_t)(dst - o);
	return 0;
}
