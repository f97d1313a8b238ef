/* statfile.h: statistics files as SCB (Statistics Sweden) publishes them,
 * read into a cube (statcube.h), the format recognised by content:
 *
 *   PC-Axis (.px)   px.h: "KEYWORD=value;" statements, then DATA=
 *   JSON-stat 2.0   jsonstat.h: a JSON object, as PxWebApi v2 returns it
 *                   (data, or the metadata response without values)
 *   SCB CSV         scbcsv.h: a CSV download from Statistikdatabasen (a
 *                   title line, a header row naming the row variables and
 *                   the periods, one row per region)
 *
 * Every reader turns the file's text into UTF-8 first (the encoding the
 * file declares, or the one given), keeps values as exact decimals, and
 * never guesses: a file it cannot read unambiguously fails with a message
 * naming the file, the line (or JSON path) and what was expected. */
#ifndef BIDRAG_STATFILE_H
#define BIDRAG_STATFILE_H

#include <stddef.h>

#include "statcube.h"
#include "util.h"

/* The largest statistics file read. */
#define STATFILE_MAX_BYTES ((size_t)512 << 20)

struct statfile_opts {
	/* Read the text in this encoding ("windows-1252", "iso-8859-1",
	 * "utf-8", "cp437"), whatever the file declares; NULL: as declared
	 * (PC-Axis CODEPAGE/CHARSET; JSON is UTF-8; a CSV is UTF-8 when it is
	 * valid UTF-8, else Windows-1252, SCB's encoding for downloads). */
	const char *encoding;
	/* PC-Axis: the language of a multilingual file ("en"; its keywords
	 * with [en]); NULL: the file's default language. */
	const char *language;
	/* "px", "json" or "csv"; NULL: recognised by content. */
	const char *format;
};

/* statfile_parse: data[0..len) into c (statcube_init'ed by the caller,
 * released by the caller also on failure); origin names the input in
 * messages and becomes c->origin. */
int statfile_parse(const char *data, size_t len, const char *origin, const struct statfile_opts *o,
		   struct stat_cube *c, struct bd_error *err);
/* statfile_read: the file at path ("-" for standard input). */
int statfile_read(const char *path, const struct statfile_opts *o, struct stat_cube *c, struct bd_error *err);

#endif
