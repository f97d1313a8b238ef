/* textenc.h: text in the encodings statistics files come in (Windows-1252,
 * ISO-8859-1, CP437, UTF-8), as UTF-8, through glibc's iconv. */
#ifndef BIDRAG_TEXTENC_H
#define BIDRAG_TEXTENC_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* text_encoding: the canonical name of an encoding as files and users write
 * it ("ANSI", "windows-1252", "cp1252" -> "WINDOWS-1252"; "iso-8859-1",
 * "latin1" -> "ISO-8859-1"; "utf8" -> "UTF-8"; "437", "ibm437" -> "CP437");
 * any other name is returned as written, for iconv to judge. */
const char *text_encoding(const char *name);

/* text_utf8_check: the offset of the first byte of p[0..n) that is not
 * valid UTF-8 (or a NUL), or n when all is; *multibyte says whether any
 * character beyond ASCII was seen (may be NULL). */
size_t text_utf8_check(const char *p, size_t n, bool *multibyte);

/* text_line_of: the line (from 1) of offset off in p. */
size_t text_line_of(const char *p, size_t off);

/* text_to_utf8: p[0..n) in encoding enc (a name text_encoding knows, or
 * any iconv knows) into UTF-8, NUL-terminated (malloc'd, *outlen without
 * the NUL).  Fails with "ORIGIN:LINE: ..." when a byte is not a character
 * of enc, a NUL byte is met, or iconv does not know enc; ISO-8859-1's C1
 * control characters (bytes 0x80-0x9F) are refused, since a file that has
 * them is Windows-1252.  why (may be NULL) says why enc was chosen, for the
 * message ("declared by CODEPAGE"). */
int text_to_utf8(const char *p, size_t n, const char *enc, const char *origin, const char *why, char **out,
		 size_t *outlen, struct bd_error *err);

#endif
