/* fuzz-payeefile: files of payees' accounts, CSV or .xlsx
 * (src/io/payeefile.c, 'bidrag payee import').  Properties:
 *   - a refusal has a message naming the file;
 *   - every payee read has a canonical organisationsnummer (normalising it
 *     again gives itself), a name, and an account whose fields check again
 *     (payee_account_from) as the same account;
 *   - the same organisationsnummer and name never twice;
 *   - the payees written back as CSV (every field quoted) read back as the
 *     same payees. */
#include "fuzz.h"

#include "ident.h"
#include "payee.h"
#include "payeefile.h"

#define ORIGIN "fuzz-input"

static void add_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_add(b, ",", 1);
	buf_add(b, "\"", 1);
	for (; s && *s; s++) {
		if (*s == '"')
			buf_add(b, "\"\"", 2);
		else
			buf_add(b, s, 1);
	}
	buf_add(b, "\"", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct payee_file f;
	struct bd_error err = {0};
	if (payee_file_parse((const char *)data, size, ORIGIN, &f, &err)) {
		fuzz_refused(&err, ORIGIN);
		return 0;
	}
	for (size_t i = 0; i < f.n; i++) {
		const struct payee_entry *e = &f.v[i];
		char again[IDENT_BUFSZ];
		PROP(ident_normalise(IDENT_ORGNR, e->orgnr, again, sizeof(again), &err) == 0 && strcmp(again, e->orgnr) == 0,
		     "payee %zu: orgnr '%s'", i, e->orgnr);
		PROP(e->name && *e->name, "payee %zu has no name", i);
		struct payee_account a;
		int rc = payee_account_from(payee_account_bankgiro(&e->account), payee_account_plusgiro(&e->account),
					    payee_account_iban(&e->account), payee_account_bic(&e->account), &a, &err);
		PROP(rc == 0 && e->account.kind != ACCT_NONE && payee_account_same(&a, &e->account),
		     "payee %zu: its account does not check again: %s", i, rc ? err.msg : "another account");
		for (size_t k = 0; k < i; k++)
			PROP(strcmp(f.v[k].orgnr, e->orgnr) != 0 || strcmp(f.v[k].name, e->name) != 0,
			     "payees %zu and %zu are both %s '%s'", k, i, e->orgnr, e->name);
	}
	if (f.n > 0) {
		struct buf b;
		buf_init(&b, SIZE_MAX / 2);
		static const char *const head[] = {"organisationsnummer", "namn", "bankgiro", "plusgiro", "iban", "bic",
						   "betalningsreferens"};
		for (size_t k = 0; k < BD_ARRAY_LEN(head); k++)
			add_field(&b, head[k], k == 0);
		buf_add(&b, "\n", 1);
		for (size_t i = 0; i < f.n; i++) {
			const struct payee_entry *e = &f.v[i];
			add_field(&b, e->orgnr, true);
			add_field(&b, e->name, false);
			add_field(&b, payee_account_bankgiro(&e->account), false);
			add_field(&b, payee_account_plusgiro(&e->account), false);
			add_field(&b, payee_account_iban(&e->account), false);
			add_field(&b, payee_account_bic(&e->account), false);
			add_field(&b, e->reference, false);
			buf_add(&b, "\n", 1);
		}
		struct payee_file back;
		int rc = payee_file_parse(b.data, b.len, "written-back.csv", &back, &err);
		PROP(rc == 0, "the payees written back are refused: %s\n%.*s", err.msg, (int)(b.len > 2000 ? 2000 : b.len), b.data);
		PROP(back.n == f.n, "%zu payees written back, %zu read", f.n, back.n);
		for (size_t i = 0; i < f.n; i++) {
			const struct payee_entry *x = &f.v[i], *y = &back.v[i];
			PROP(strcmp(x->orgnr, y->orgnr) == 0 && strcmp(x->name, y->name) == 0 &&
				     payee_account_same(&x->account, &y->account) &&
				     ((!x->reference && !y->reference) ||
				      (x->reference && y->reference && strcmp(x->reference, y->reference) == 0)),
			     "payee %zu (%s '%s') read back otherwise", i, x->orgnr, x->name);
		}
		payee_file_release(&back);
		buf_release(&b);
	}
	payee_file_release(&f);
	return 0;
}
