/* bgmax.h: reading Bankgirot's BgMax file (Bankgiro Inbetalningar): the
 * incoming payments on a receiving bankgiro number, which is how repayments
 * to the agency's bankgiro (Kammarkollegiet: 5052-5781) arrive.
 *
 * The file is ISO 8859-1 text, one 80-column record a line (CRLF or LF),
 * the record type (transaktionskod, TK) in columns 1-2:
 *
 *   01  start: layout "BGMAX", version, timestamp, T(est) or P(roduction)
 *   05  opening of a section: receiving bankgiro (and plusgiro), currency
 *   20  payment: payer's bankgiro, reference, amount (öre), reference code,
 *       payment channel, BGC serial number, image flag
 *   21  deduction (a credit note the payer takes off): as 20, plus a
 *       deduction code in column 71
 *   22  extra reference (a payment that pays several references), 23 the
 *       same with a negative amount; they belong to the 20/21 before them
 *   25  information text (50 characters)
 *   26  payer's name; 27 address, postcode; 28 town, country, country code;
 *   29  payer's organisation number (these follow their payment too)
 *   15  deposit: closes a section: the bank account credited, payment
 *       date, deposit serial, amount, currency, number of payments
 *   70  end: numbers of payment (20), deduction (21), extra reference
 *       (22, 23) and deposit (15) records
 *
 * The totals are checked: each 15's count against the section's 20 and 21
 * records and its amount against their sum (payments minus deductions),
 * its currency against its 05's; the 70's four counts against the file.  A
 * file whose totals disagree is refused, naming the line of the record that
 * disagrees and both figures.  Any other malformed record (a field that is
 * not digits where the manual has digits, a date that does not exist, a
 * record out of place, a line longer than 80 columns) is refused with its
 * line and column.  Record types the manual does not list are ignored, as
 * the manual asks of a reader (it may add types).  The records for people
 * (25-29: texts, name, address, organisation number) are read as text, not
 * checked field by field: nothing is matched on them, and Bankgirot's own
 * example BgMaxfil4 has an organisation number one digit short.
 *
 * Layout decisions where the files in the wild differ from the manual:
 *  - A line shorter than 80 columns is padded with blanks: real files drop
 *    trailing blanks, and the last line may lack its newline.
 *  - A TAB character stands for blanks up to the next tab stop of 8
 *    columns (1, 9, 17, ...), which is how an editor saved it: the
 *    manual's fields are fixed columns, and only this reading puts every
 *    field of Bankgirot's published example back in its column.  The
 *    fields are then checked as usual, so a TAB that does not stand for
 *    blanks is refused like any other bad field.
 *  - Blank lines after the end record are ignored.
 *
 * Reference codes (column 56) as the manual defines them: 0 and 1 no
 * reference, 2 a reference that passed Bankgirot's OCR control (the one the
 * receiving bankgiro's agreement sets), 3 one or more references that were
 * not OCR-checked, 4 one reference, not OCR-checked, 5 a reference that
 * failed the OCR control.  Only code 2 says the reference is an OCR number
 * the agreement vouches for; bidrag's matcher should still check it
 * (ocr.h), since the agreement's control may be weaker than bidrag's.
 *
 * Text fields are converted to UTF-8; amounts are öre (int64); dates
 * YYYY-MM-DD.  A section in a currency other than SEK is read, with its
 * currency, for the caller to refuse. */
#ifndef BIDRAG_BGMAX_H
#define BIDRAG_BGMAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A 20, 21, 22 or 23 record: the fields they share. */
struct bgmax_item {
	int tk;                   /* 20, 21, 22 or 23 */
	char sender_bankgiro[11]; /* payer's bankgiro, digits without leading zeros; "" when zero */
	char reference[52];       /* trimmed, UTF-8 (25 characters); "" when blank */
	int ref_code;             /* 0-5, see above */
	int64_t amount;           /* öre, as written (>= 0; a 21's and a 23's count negative) */
	int channel;              /* 1 bank, 2 LB, 3 paper form, 4 Autogiro */
	char serial[13];          /* BGC's serial number of the payment */
	int image;                /* 0 no image, 1 image of the form */
	int deduction_code;       /* 21 only: column 71 (0 whole, 1 part, 2 final part); -1 otherwise */
	long line;
};

/* A payment (20) or deduction (21) with what follows it. */
struct bgmax_payment {
	struct bgmax_item item;
	struct bgmax_item *extra; /* its 22 and 23 records */
	size_t nextra;
	const char **info;        /* its 25 texts */
	size_t ninfo;
	const char *name, *extra_name;               /* 26, or NULL */
	const char *address, *postcode;              /* 27, or NULL */
	const char *town, *country, *country_code;   /* 28, or NULL */
	const char *orgnr;                           /* 29: as written, leading zeros removed, or NULL */
};

/* 05 ... 15. */
struct bgmax_section {
	char bankgiro[11];        /* receiving bankgiro, digits without leading zeros */
	char plusgiro[11];        /* receiving plusgiro, or "" */
	char currency[4];         /* SEK (EUR in old files) */
	struct bgmax_payment *payments; /* 20 and 21 records, in file order */
	size_t npayments;
	/* The deposit record (15): */
	char account[36];         /* the receiving bank account, digits without leading zeros */
	char date[11];            /* payment date, YYYY-MM-DD */
	char deposit_serial[6];
	int64_t total;            /* öre: the 20s less the 21s, checked */
	long count;               /* 20 and 21 records, checked */
	char deposit_type;        /* column 80: ' ' or as the bank agreement says (K, D, S) */
	long line, end_line;      /* of the 05 and the 15 */
};

struct bgmax {
	char version[3];          /* "01" */
	char timestamp[27];       /* "2004-05-25 17:30:35.010331" */
	bool test;                /* T: a test file */
	struct bgmax_section *sections;
	size_t nsections;
	/* The end record (70), checked: */
	long n_payments, n_deductions, n_extra, n_deposits;
	long ignored;             /* records of types the manual does not list */
	struct strpool pool;
};

/* bgmax_parse: read a BgMax file from data[0..len); origin names it in
 * messages ("ORIGIN:LINE:COLUMN: ..." or "ORIGIN:LINE: ...").  On success
 * fills *out (release with bgmax_free); on failure -1, err filled, *out
 * empty. */
int bgmax_parse(const char *data, size_t len, const char *origin, struct bgmax *out, struct bd_error *err);

void bgmax_free(struct bgmax *b);

/* bgmax_net: a payment's amount with its sign: a 20's positive, a 21's
 * negative. */
int64_t bgmax_net(const struct bgmax_payment *p);

/* bgmax_ref_code_name: "no reference", "OCR reference (checked)", ... */
const char *bgmax_ref_code_name(int code);

#endif
