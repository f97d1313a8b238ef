/* px.h: PC-Axis files (.px), as SCB's Statistikdatabasen and PxWeb write
 * them, into a statistics cube.
 *
 * The text: CODEPAGE ("iso-8859-1", "windows-1252", "utf-8") when given;
 * else CHARSET="ANSI" is Windows-1252; else, as the PC-Axis format has it,
 * DOS code page 437.  A file whose declaration disagrees with its bytes
 * (declared single-byte but written in UTF-8, declared UTF-8 but not
 * valid) fails, naming the line: give the encoding to read it otherwise.
 *
 * Statements are KEYWORD[lang]("arg", ...)=value; with strings quoted, a
 * string split over lines ("abc" "def" is "abcdef"), lists separated by
 * commas, HIERARCHIES items "parent":"child".  Read: STUB, HEADING, VALUES,
 * CODES, VARIABLECODE, CONTVARIABLE, TIMEVAL, VARIABLE-TYPE, MAP,
 * ELIMINATION (YES or the total's value), HIERARCHIES, NOTE(X),
 * VALUENOTE(X), CELLNOTE(X) (with "*" for any value), DATASYMBOL1-6,
 * DATASYMBOLNIL, TABLEID, MATRIX, TITLE, CONTENTS, SOURCE, UNITS,
 * REFPERIOD, STOCKFA, LAST-UPDATED, CREATION-DATE, DECIMALS, DATABASE,
 * SUBJECT-AREA, LANGUAGE, LANGUAGES (the per-content keywords too, such as
 * UNITS("Folkmängd")); other keywords are skipped.  A keyword that counts
 * given twice is an error.
 *
 * DATA holds one number per cell, stub by heading, row-major, the last
 * HEADING variable varying fastest, separated by white space or commas,
 * ended by ';' (or by the end of the file when exactly every cell is
 * there, as in files PxWeb keeps as examples).  A quoted or bare missing-
 * value symbol (".", "..", ... "......", ":" and the file's DATASYMBOLn)
 * is a missing cell; the nil symbol ("-", DATASYMBOLNIL) is zero; a quoted
 * number ("12") is a number.  KEYS
 * (sparse DATA) is refused. */
#ifndef BIDRAG_PX_H
#define BIDRAG_PX_H

#include <stddef.h>

#include "statcube.h"
#include "statfile.h"
#include "util.h"

/* px_parse: data[0..len) (the file's bytes) into c. */
int px_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o, struct stat_cube *c,
	     struct bd_error *err);

#endif
