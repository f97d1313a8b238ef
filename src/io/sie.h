/* sie.h: writing SIE 4 (SIE-Gruppen's file format, edition 4B, 2008), the
 * file every Swedish accounting program reads: a period's payments,
 * repayments, lapses and corrections as verifikationer for the books.
 *
 * bidrag is a försystem whose file an accounting program imports, so the
 * file is of type 4I (spec §6: .SI; no balances, #IB/#UB/#RES are not
 * allowed), written as the spec orders its groups:
 *
 *   #FLAGGA 0                      flag: 0, the importer sets it to 1
 *   #PROGRAM "bidrag" "0.1.0"
 *   #FORMAT PC8                    the character set: codepage 437
 *   #GEN 20240315 "sign"           when and by whom
 *   #SIETYP 4
 *   #ORGNR 202100-5588             (when given)
 *   #FNAMN "Kammarkollegiet"
 *   #RAR 0 20240101 20241231       financial years: 0 current, -1, ...
 *   #KPTYP EUBAS97                 (when given)
 *   #VALUTA SEK                    (when given)
 *   #KONTO 4650 "Lämnade bidrag"   every account the rows use
 *   #DIM 20 "Anslag"               every dimension the rows use
 *   #OBJEKT 20 "9 1:6" "Bidrag till folkhälsa och sjukvård"
 *   #VER A 1 20240315 "text"       each verifikation, its rows in braces
 *   {
 *   #TRANS 4650 {20 "9 1:6" 21 "9 1:6 ap.40"} 1000000.00
 *   #TRANS 1930 {} -1000000.00
 *   }
 *
 * Dimensions for the appropriation (spec §8.17: 1-19 are reserved with
 * meanings of their own, 20 and up are free): SIE_DIM_ANSLAG 20 "Anslag"
 * and SIE_DIM_ANSLAGSPOST 21 "Anslagspost", two simple dimensions rather
 * than a hierarchy (#UNDERDIM, which many programs do not read).  Since an
 * anslagspost's number (ap.40) recurs under other anslag, its object id
 * should name the anslag too: the suggested ids are "<uo> <anslag>" for
 * an anslag ("9 1:6") and "<uo> <anslag> ap.<post>" for a post ("9 1:6
 * ap.40").  The writer does not impose ids: any declared object will do.
 *
 * Encoding (spec §5): PC8, codepage 437.  Text is given as UTF-8; the few
 * typographic characters codepage 437 lacks are written as their plain
 * forms (– — as '-', ‘ ’ as ', “ ” as ", … as ..., a no-break or thin space
 * as a space); any other character it lacks, and control characters, are
 * refused, naming the field.  Every text field is quoted, a '"' inside
 * escaped as \" (§5.7); a backslash right before a '"' or at the end of a
 * text would be read as an escape, so it is refused.  Amounts are öre,
 * written with a '.' and two decimals, a credit negative (§5.9).  Dates
 * are YYYY-MM-DD in, YYYYMMDD out (§5.10).  Records end with CR LF (§5.5
 * requires LF and allows a CR before it, as Windows programs write).
 *
 * sie_write checks everything before it writes anything, and refuses, with
 * the verifikation (series, number, date, text) and row named:
 *  - a verifikation whose rows do not add up to zero (spec §11 #TRANS 4),
 *    saying its debit and credit totals;
 *  - a verifikation without rows, dated outside the financial years, with
 *    a number not above the one before it in its series (§11 #VER 7), or a
 *    series that is not letters and digits;
 *  - a row on an account not declared, an object not declared, or two
 *    objects of one dimension;
 *  - an account number that is not digits, a dimension number reserved by
 *    the spec (3-5, 11-19), an object of an undeclared dimension, a
 *    duplicate account, dimension or object, a #KPTYP the spec does not
 *    name, an organisation number that is not one. */
#ifndef BIDRAG_SIE_H
#define BIDRAG_SIE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SIE_DIM_ANSLAG 20
#define SIE_DIM_ANSLAGSPOST 21

/* An object a row is booked on: dimension number and object id. */
struct sie_objref {
	int dim;
	const char *id;
};

/* A #TRANS row. */
struct sie_trans {
	const char *account;              /* digits, declared in sie_file.accounts */
	const struct sie_objref *objects; /* at most one per dimension, each declared */
	size_t nobjects;
	int64_t amount;                   /* öre: debit positive, credit negative */
	const char *text;                 /* the row's own text, or NULL */
};

/* A #VER. */
struct sie_ver {
	const char *series;    /* letters and digits: "A", "1", "LEV1" */
	long number;           /* >= 1, rising within a series */
	const char *date;      /* YYYY-MM-DD, within one of the financial years */
	const char *text;      /* or NULL */
	const char *regdate;   /* when it was registered, YYYY-MM-DD, or NULL */
	const struct sie_trans *rows;
	size_t nrows;
};

struct sie_account {
	const char *number, *name;
};
struct sie_dim {
	int number;
	const char *name;
};
struct sie_object {
	int dim;
	const char *id, *name;
};
/* A financial year: years[0] is #RAR 0, years[1] #RAR -1, ... */
struct sie_year {
	const char *start, *end; /* YYYY-MM-DD */
};

struct sie_file {
	const char *program, *version; /* #PROGRAM */
	const char *generated;         /* #GEN date, YYYY-MM-DD */
	const char *signature;         /* #GEN sign, or NULL */
	const char *company;           /* #FNAMN */
	const char *orgnr;             /* #ORGNR (any form ident.h accepts), or NULL */
	const struct sie_year *years;  /* at least one */
	size_t nyears;
	const char *kptyp;             /* BAS95, BAS96, EUBAS97, NE2007 or BAS2..., or NULL */
	const char *currency;          /* #VALUTA (ISO 4217), or NULL */
	const struct sie_account *accounts;
	size_t naccounts;
	const struct sie_dim *dims;
	size_t ndims;
	const struct sie_object *objects;
	size_t nobjects;
	const struct sie_ver *vers;    /* in the order they are written */
	size_t nvers;
};

/* sie_write: the whole file, appended to out in codepage 437.  0, or -1
 * with err naming what is wrong and out unchanged. */
int sie_write(const struct sie_file *f, struct buf *out, struct bd_error *err);

#endif
