/* payee.h: a payee's account as master data: what it is, how it is checked,
 * and when a change of it is recent enough to be flagged.
 *
 * An account is one of: a bankgiro, a plusgiro, or an IBAN with its bank's
 * BIC, each checked by its check digits (ident.h) and kept in its canonical
 * form.  A change of a payee's account is the classic grant fraud ("we have
 * a new account, please pay there"), so a payment whose payee's account was
 * changed within PAYEE_CHANGE_DAYS before it (or after it was planned) is
 * flagged for the attestant.  Nothing here allocates. */
#ifndef BIDRAG_PAYEE_H
#define BIDRAG_PAYEE_H

#include <stdbool.h>
#include <stdint.h>

#include "decision.h"
#include "ident.h"
#include "util.h"

enum account_kind { ACCT_NONE, ACCT_BANKGIRO, ACCT_PLUSGIRO, ACCT_IBAN };

struct payee_account {
	enum account_kind kind;
	char number[IDENT_BUFSZ]; /* canonical: 5728-3905, 3 70 20-5, SE4550000000058398257466 */
	char bic[IDENT_BUFSZ];    /* with an IBAN: its bank's BIC; else "" */
};

/* The fields an account is given by, for messages ("bankgiro", ...). */
enum account_field { AF_BANKGIRO, AF_PLUSGIRO, AF_IBAN, AF_BIC, AF_COUNT };
extern const char *const account_field_name[AF_COUNT];

/* payee_account_parse: the account given by the texts of its fields (NULL
 * or blank: not given): exactly one of bankgiro, plusgiro and IBAN, and a BIC
 * with an IBAN and only then, each checked.  An IBAN's BIC is of the IBAN's
 * country.  On failure *field (when not NULL) is the field to blame (AF_COUNT
 * when no account is given at all) and err says what and what was expected. */
int payee_account_parse(const char *const text[AF_COUNT], struct payee_account *out, enum account_field *field,
			struct bd_error *err);

/* payee_account_from: an account already in canonical form (as stored),
 * checked again; ACCT_NONE when all are NULL.  -1 if one does not check. */
int payee_account_from(const char *bankgiro, const char *plusgiro, const char *iban, const char *bic,
		       struct payee_account *out, struct bd_error *err);

bool payee_account_same(const struct payee_account *a, const struct payee_account *b);

/* account_kind_name: "bankgiro", "plusgiro", "IBAN", or NULL for none. */
const char *account_kind_name(enum account_kind kind);

/* payee_account_text: "bankgiro 5728-3905", "IBAN SE45... (BIC ESSESESS)",
 * "no account"; n >= 96. */
void payee_account_text(const struct payee_account *a, char *out, size_t n);

/* The field values of an account, NULL where it has none. */
const char *payee_account_bankgiro(const struct payee_account *a);
const char *payee_account_plusgiro(const struct payee_account *a);
const char *payee_account_iban(const struct payee_account *a);
const char *payee_account_bic(const struct payee_account *a);

/* A payee as a file of payees gives it ('bidrag payee import'), checked. */
struct payee_entry {
	const char *where;       /* "payees.csv, row 4": where it came from, for messages */
	char orgnr[IDENT_BUFSZ]; /* canonical */
	const char *name;
	struct payee_account account;
	const char *reference; /* the payment reference it wants; NULL: none */
};

/* payee_text_check: text that goes into a payment file (a payee's name,
 * its payment reference, an organisation's name) as the payment files can
 * carry it, one rule for every input: valid UTF-8, one line of printable
 * text, so no control character (U+0000-U+001F, U+007F-U+009F: an LB file
 * would carry a carriage return as a space, a pain.001 file as &#13;, and
 * XML 1.0 cannot carry most of them at all), and only characters of ISO
 * 8859-1, the character set of LB (Bankgirot's leverantörsbetalningar);
 * pain.001's (XML 1.0 in UTF-8) holds all of those.  err says which
 * character, where in the text (in characters, from 1) and which format
 * cannot carry it; the caller prefixes the file, row and field. */
int payee_text_check(const char *text, struct bd_error *err);

/* How long a change of account is flagged, in days. */
#define PAYEE_CHANGE_DAYS 30

/* payee_change_recent: whether an account changed on changed_on (an
 * approved change; NULL or "": never changed) is flagged on a payment dated
 * date: changed within PAYEE_CHANGE_DAYS days before it, or after it. */
bool payee_change_recent(const char *changed_on, const char *date);

/* date_day_number: days since 1970-01-01 of a valid YYYY-MM-DD date. */
int64_t date_day_number(const char *date);

#endif
