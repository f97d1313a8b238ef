/* refdata.h: the recipients bidrag knows by heart.
 *
 * The 21 regions (code = län code, with every name variant in the seeds),
 * the 21 län, the 290 kommuner (code = kommun code), the six
 * samverkansregioner with their members and payees, and the six regional
 * cancer centres.  Loaded once from the compiled-in files of data/.
 *
 * Names are matched after normalisation: case folded (Swedish letters too),
 * HTML tags such as <b> removed, runs of white space collapsed. */
#ifndef BIDRAG_REFDATA_H
#define BIDRAG_REFDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum recipient_kind {
	RK_REGION = 1 << 0,
	RK_KOMMUN = 1 << 1,
	RK_SAMVERKANSREGION = 1 << 2,
	RK_RCC = 1 << 3,
	RK_RSS = 1 << 4, /* regional samverkans- och stödstruktur, one per län */
	RK_ORG = 1 << 5, /* SKR, Kammarkollegiet (data/orgs.csv) */
};
/* RK_ANY: what a key or amount file can name.  RK_ALL adds the RSS and the
 * standing organisations, which decisions name as recipients. */
#define RK_ANY (RK_REGION | RK_KOMMUN | RK_SAMVERKANSREGION | RK_RCC)
#define RK_ALL (RK_ANY | RK_RSS | RK_ORG)

struct recipient {
	const char *code;  /* "01", "0114", "SVR-NORRA", "RCC-SYD", "RSS-01", "SKR" */
	const char *name;  /* canonical: "Region Stockholm" */
	enum recipient_kind kind;
	const char *lan;   /* län code; NULL for groups */
	const char *payee; /* groups: the designated payee; NULL otherwise */
	const char *payee_orgnr;
	const char **members; /* groups: member region codes, NULL-terminated */
	const char **aliases; /* NULL-terminated */
	const char *orgkind;  /* RK_ORG: "skr", "agency" */
	const char *orgnr;    /* RK_ORG: organisationsnummer, or NULL */
	const char *bankgiro; /* RK_ORG: or NULL */
};

/* Filling the tables (io/refload.c reads the compiled-in files into them;
 * everything below reads them).  refdata_add_row: one data row of a table,
 * its fields in the table's column order; refdata_add_rss: one RSS per
 * region, after the groups; refdata_mark_loaded: the tables are complete. */
enum refdata_table { T_REGIONS, T_KOMMUNER, T_GROUPS, T_ORGS };
int refdata_add_row(enum refdata_table table, char *const *field, size_t nfields, struct bd_error *err);
void refdata_add_rss(void);
bool refdata_loaded(void);
void refdata_mark_loaded(void);

/* refdata_by_code: exact code, any kind; NULL if unknown. */
const struct recipient *refdata_by_code(const char *code);
/* refdata_all: every recipient, in load order (regions, kommuner, groups,
 * RSS, organisations). */
const struct recipient *refdata_all(size_t *n);

/* refdata_resolve: text is a code, canonical name or alias of a recipient of
 * one of `kinds`.  On failure err says "unknown region 'Norbotten' (did you
 * mean 'Region Norrbotten'?)". */
int refdata_resolve(const char *text, unsigned kinds, const struct recipient **out, struct bd_error *err);

/* refdata_set: the recipients of a named set, in code order:
 *   regions | kommuner | kommuner:NN (the kommuner of län NN) |
 *   samverkansregioner | rcc | rss | a comma-separated list of codes or names.
 * *out is malloc'd. */
int refdata_set(const char *set, const struct recipient ***out, size_t *n, struct bd_error *err);

/* kind_name: "region", "kommun", ... ; kinds_name: "region or kommun". */
const char *kind_name(enum recipient_kind k);

/* name_fold: text case-folded (Swedish letters too) with runs of white
 * space collapsed, and with strip_tags HTML tags removed (malloc'd): the
 * one folding every comparison of names uses. */
char *name_fold(const char *s, bool strip_tags);
/* name_normalise: the form names are compared in (malloc'd):
 * name_fold(s, true). */
char *name_normalise(const char *s);

#endif
