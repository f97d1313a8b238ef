/* decision.h: a government decision about a targeted state grant, as the
 * register holds it.
 *
 * A decision pays a total out in parts; each part draws on one or more
 * appropriation posts, goes to a set of recipients by an allocation rule, and
 * is paid on terms (once without requisition inside a window or by a date, or
 * after a requisition by a deadline after which the right lapses), with
 * repayment and report deadlines.  Its allocation table is locked when the
 * decision is registered, with a fingerprint of its inputs and rows.
 *
 * Everything in a struct decision lives in its pool and is freed by
 * decision_release().  Amounts are whole kronor.  Dates are "YYYY-MM-DD"
 * (empty string when absent).  This module does no I/O: decisionfile.c
 * reads and writes the file form, store/ keeps it. */
#ifndef BIDRAG_DECISION_H
#define BIDRAG_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apportion.h"
#include "util.h"

#define DATE_LEN 11 /* "YYYY-MM-DD" and NUL */
/* The largest amount a decision file may state: 10^14 kronor, far above any
 * state budget, so that sums of thousands of rows cannot overflow. */
#define AMOUNT_MAX INT64_C(100000000000000)

struct payee {
	char *name, *orgnr, *bankgiro, *plusgiro, *bank, *reference; /* NULL when absent */
	char **address;
	size_t naddress;
	char *org;         /* a registered organisation's code, when the payee is named by it */
};

enum payment_mode { PAY_WITHOUT_REQUISITION = 1, PAY_REQUISITION = 2 };

struct payment_terms {
	enum payment_mode mode;
	char from[DATE_LEN], to[DATE_LEN]; /* window */
	char by[DATE_LEN];                 /* paid out by */
	char deadline[DATE_LEN];           /* requisition deadline */
	bool lapses;                       /* the right lapses after the deadline */
};

struct appropriation {
	char *id; /* the file's local id */
	int budget_year, uo, post;
	char *uo_name, *anslag, *anslag_name, *post_name;
	int64_t available;
	bool has_available;
};

struct funding {
	size_t approp; /* index into decision.approps */
	int64_t amount;
};

enum rule_method { RULE_KEY = 1, RULE_MIX, RULE_EQUAL, RULE_LIST };

struct rule_key {
	char *dataset;     /* "population@2019-11-01" */
	struct rat weight; /* 1 for RULE_KEY */
	char *weight_text; /* as written: "1/2" */
	int version;       /* the register's version of the dataset (set by the store) */
	char *sha256;      /* of the dataset's values (set when resolved) */
};

struct rule {
	enum rule_method method;
	struct rule_key *keys;
	size_t nkeys;
	int64_t base, unit; /* base 0, unit 1 by default */
	enum apportion_method rounding;
};

struct alloc_row {
	char *recipient; /* the recipient's code */
	char *label;     /* the name as written in the decision */
	int64_t amount;
	struct payee *payee; /* NULL: the part's payee, or the recipient itself */
};

struct part {
	char *id, *title;
	int64_t amount;
	struct funding *funding;
	size_t nfunding;
	char *recipient_set;  /* "regions", ... ; NULL when listed */
	char **recipients;    /* listed recipients as written */
	size_t nrecipients;
	const char **codes;   /* the recipients' codes, in code order (decision_resolve) */
	size_t ncodes;
	struct rule rule;
	struct alloc_row *rows;
	size_t nrows;
	bool published;       /* rows were given in the file */
	bool computed;        /* the table is the register's largest-remainder result */
	struct payee *payee;
	struct payment_terms pay;
	char repayment_deadline[DATE_LEN], report_deadline[DATE_LEN];
	char *report;
	char fingerprint[65]; /* SHA-256 hex of the locked allocation */
};

enum annex_col_type { ACOL_RECIPIENT = 1, ACOL_KEY, ACOL_SHARE, ACOL_AMOUNT, ACOL_SUM };

struct annex_col {
	enum annex_col_type type;
	char *heading;
	char *key;  /* ACOL_KEY, ACOL_SHARE */
	char *part; /* ACOL_AMOUNT: the part's id */
	int decimals, total_decimals;
	bool percent;
};

struct annex {
	char *id, *label, *caption, *total_label;
	char **heading, **notes;
	size_t nheading, nnotes;
	int64_t total;
	bool has_total;
	struct annex_col *cols;
	size_t ncols;
};

struct agreement {
	char *dnr, *date, *title, *reference; /* NULL when absent */
	char **parties;
	size_t nparties;
	int64_t total;
	bool has_total;
};

struct decision {
	struct strpool pool;
	char *dnr, *title, *department, *addressee, *text, *notes;
	char date[DATE_LEN];
	int64_t total;
	char **address, **signatories, **copies;
	size_t naddress, nsignatories, ncopies;
	bool has_agreement;
	struct agreement agreement;
	struct appropriation *approps;
	size_t napprops;
	struct part *parts;
	size_t nparts;
	struct annex *annexes;
	size_t nannexes;
};

void decision_init(struct decision *d);
void decision_release(struct decision *d);

/* Pool helpers: copies living as long as d. */
char *decision_strdup(struct decision *d, const char *s);
void *decision_alloc(struct decision *d, size_t n, size_t size);

/* date_valid: s is a real calendar date "YYYY-MM-DD". */
bool date_valid(const char *s);
/* date_swedish: "2021-02-15" -> "15 februari 2021" into buf (>= 32 bytes). */
char *date_swedish(const char *iso, char *buf, size_t len);

const char *rule_method_name(enum rule_method m);
const char *payment_mode_name(enum payment_mode m);

/* A warning found while checking a decision: legal but suspicious. */
struct decision_warnings {
	char **msg;
	size_t n;
};
void decision_warnings_release(struct decision_warnings *w);

/* The key datasets a decision's rules and annexes refer to, as the caller
 * (the store) resolved them: values per recipient code. */
struct key_values {
	const char *name;
	size_t n;
	const char **code; /* recipient codes */
	const int64_t *value;
	int scale;
	int version;
	const char *sha256;
};
/* Look up a dataset by name; NULL if unknown (err filled with the reason). */
typedef const struct key_values *(*key_lookup_fn)(void *ctx, const char *name, struct bd_error *err);

/* decision_check: everything that can be checked without the register:
 * amounts and their sums, dates, deadlines, funding, annex totals and column
 * references, identifiers of payees.  Errors name the field path
 * ("parts[1].payment.deadline: ...").  Warnings are appended to w. */
int decision_check(const struct decision *d, struct decision_warnings *w, struct bd_error *err);

/* A deadline a decision states before its own date, registered as written
 * (decision_check warns instead of refusing): today only the last payment
 * day, payment.by.  The message is Swedish, for every place that shows the
 * deadline; the register keeps it with the decision. */
struct deadline_note {
	const char *part;  /* the part's id */
	const char *field; /* "payment.by" */
	char date[DATE_LEN];
	char message[320];
};
typedef void (*deadline_note_fn)(void *ctx, const struct deadline_note *n);
/* decision_deadline_notes: fn for each such deadline of d, in part order. */
void decision_deadline_notes(const struct decision *d, deadline_note_fn fn, void *ctx);

/* Resolve a recipient as written ("Norrbottn", "SKR", "01") to its code
 * and canonical name, among recipients of `kinds` (RK_* of refdata.h;
 * registered organisations count as RK_ORG); fails with a message naming
 * the closest names. */
typedef int (*recipient_resolve_fn)(void *ctx, const char *text, unsigned kinds, const char **code,
				    const char **name, struct bd_error *err);

/* decision_resolve: resolve every part's recipients (set or list), every
 * allocation row's recipient, and check that a part's rows name exactly its
 * recipients, each once. */
int decision_resolve(struct decision *d, recipient_resolve_fn resolve, void *ctx, struct bd_error *err);

/* decision_allocate: compute or check each part's allocation against its
 * rule with the key values from lookup: computes rows for parts without
 * published rows (largest remainder, in code order), checks published rows
 * against the quota rule, checks annex totals and column keys, and sets each
 * part's fingerprint.  Call after decision_resolve. */
int decision_allocate(struct decision *d, key_lookup_fn lookup, void *ctx, struct decision_warnings *w,
		      struct bd_error *err);

/* key_value_of: the value of a recipient in a key.  An RSS's value is looked
 * up by its län code when the key is per län; a region's or an RSS's, when
 * the key has none for the län, is the sum of the län's kommuner when the
 * key has a value for every one of them (a kommun key allocated länsvis).
 * Returns false when the key has no value for it. */
bool key_value_of(const struct key_values *k, const char *code, int64_t *out);
/* key_lan_gap: after key_value_of failed for a region or an RSS: how many
 * of its län's kommuner k lacks while it has some (0: none of them, or not
 * a län), the first of them into *first. */
struct recipient;
size_t key_lan_gap(const struct key_values *k, const char *code, const struct recipient **first);

/* key_values_digest: SHA-256 (hex, 65 bytes) of a key's values and scale,
 * independent of the order of the rows. */
void key_values_digest(const char *const *code, const int64_t *value, size_t n, int scale, char out[65]);

/* part_fingerprint: SHA-256 (hex, 65 bytes) over the part's amount, rule,
 * key dataset versions and digests, rows in recipient-code order, and the
 * payees (where the money goes is locked too). */
void part_fingerprint(const struct part *p, char out[65]);

/* part_allocated: the sum of the part's rows. */
int64_t part_allocated(const struct part *p);

#endif
