/* fuzz-pain002, fuzz-camt, fuzz-bgmax: the files a bank sends back
 * (src/io/pain002.c, camt.c, bgmax.c), each through its reader and through
 * bankfile_parse, which tells them apart by content.  Properties:
 *   - a refusal has a message naming the file;
 *   - what one reader reads, bankfile_parse recognises as that kind and
 *     reads the same (as many statements, entries, transactions, payments);
 *   - pain.002: every status a known one (pain002_outcome), amounts not
 *     negative, every text UTF-8;
 *   - camt: amounts not negative, dates real or absent, currencies three
 *     capitals, every text UTF-8;
 *   - BgMax: each section's payments add up to its deposit's amount and
 *     count, the end record's counts are the file's, dates real, reference
 *     codes 0-5, every text UTF-8. */
#include "fuzz.h"

#include <jansson.h>

#include "bankfile.h"
#include "decision.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME "bgmax"
#endif
#define ORIGIN "fuzz-input"

static bool utf8_ok(const char *s)
{
	if (!s)
		return true;
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

static bool currency_ok(const char *c)
{
	if (!*c)
		return true;
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return false;
	return c[3] == '\0';
}

static void reasons_ok(const struct pain002_reasons *r)
{
	for (size_t i = 0; i < r->n; i++)
		PROP(utf8_ok(r->v[i].code) && utf8_ok(r->v[i].prtry) && utf8_ok(r->v[i].info) && r->v[i].line > 0,
		     "reason %zu", i);
}

static size_t check_pain002(const struct pain002 *p)
{
	PROP(utf8_ok(p->msg_id) && utf8_ok(p->created) && utf8_ok(p->orig_msg_id) && utf8_ok(p->orig_msg_name),
	     "the group header's texts");
	PROP(pain002_outcome(p->group_status) != PAIN002_UNKNOWN, "group status '%s'", p->group_status);
	PROP(!p->has_ctrl_sum || p->orig_ctrl_sum >= 0, "control sum %lld", (long long)p->orig_ctrl_sum);
	reasons_ok(&p->group_reasons);
	size_t n = 0;
	for (size_t i = 0; i < p->npmtinf; i++) {
		const struct pain002_pmtinf *b = &p->pmtinfs[i];
		PROP(utf8_ok(b->id) && pain002_outcome(b->status) != PAIN002_UNKNOWN && b->line > 0, "block %zu", i);
		reasons_ok(&b->reasons);
		for (size_t k = 0; k < b->ntx; k++, n++) {
			const struct pain002_tx *t = &b->txs[k];
			PROP(utf8_ok(t->end_to_end_id) && utf8_ok(t->instr_id) && utf8_ok(t->status_id) &&
				     utf8_ok(t->acct_svcr_ref) && t->line > 0,
			     "transaction %zu of block %zu", k, i);
			PROP(pain002_outcome(t->status) != PAIN002_UNKNOWN &&
				     pain002_outcome(pain002_tx_status(p, b, t)) != PAIN002_UNKNOWN,
			     "transaction %zu of block %zu: status '%s'", k, i, t->status);
			PROP(!t->has_amount || (t->amount >= 0 && currency_ok(t->currency)), "transaction %zu: %lld %s", k,
			     (long long)t->amount, t->currency);
			reasons_ok(&t->reasons);
		}
	}
	return n;
}

static size_t check_camt(const struct camt *c)
{
	PROP(utf8_ok(c->msg_id) && utf8_ok(c->created), "the group header's texts");
	size_t n = 0;
	for (size_t s = 0; s < c->nstmts; s++) {
		const struct camt_statement *st = &c->stmts[s];
		PROP(utf8_ok(st->id) && utf8_ok(st->iban) && utf8_ok(st->account_id) && utf8_ok(st->owner) &&
			     currency_ok(st->account_currency) && st->line > 0,
		     "statement %zu", s);
		PROP((!*st->from_date || date_valid(st->from_date)) && (!*st->to_date || date_valid(st->to_date)),
		     "statement %zu: '%s' to '%s'", s, st->from_date, st->to_date);
		for (size_t b = 0; b < st->nbalances; b++)
			PROP(st->balances[b].amount >= 0 && currency_ok(st->balances[b].currency) &&
				     (!*st->balances[b].date || date_valid(st->balances[b].date)) && utf8_ok(st->balances[b].type),
			     "statement %zu, balance %zu", s, b);
		for (size_t e = 0; e < st->nentries; e++, n++) {
			const struct camt_entry *en = &st->entries[e];
			PROP(en->amount >= 0 && currency_ok(en->currency) && en->line > 0, "entry %zu: %lld %s", e,
			     (long long)en->amount, en->currency);
			PROP((!*en->booking_date || date_valid(en->booking_date)) && (!*en->value_date || date_valid(en->value_date)),
			     "entry %zu: dates '%s', '%s'", e, en->booking_date, en->value_date);
			PROP(utf8_ok(en->ntry_ref) && utf8_ok(en->acct_svcr_ref) && utf8_ok(en->bank_tx_code) &&
				     utf8_ok(en->addtl_info),
			     "entry %zu", e);
			for (size_t t = 0; t < en->ntx; t++) {
				const struct camt_tx *x = &en->txs[t];
				PROP(!x->has_amount || (x->amount >= 0 && currency_ok(x->currency)), "entry %zu, transaction %zu", e, t);
				PROP(utf8_ok(x->end_to_end_id) && utf8_ok(x->debtor) && utf8_ok(x->creditor) &&
					     utf8_ok(x->return_code) && utf8_ok(x->return_info),
				     "entry %zu, transaction %zu", e, t);
				for (size_t r = 0; r < x->nrefs; r++)
					PROP(utf8_ok(x->refs[r].ref) && utf8_ok(x->refs[r].type), "entry %zu, transaction %zu", e, t);
				for (size_t u = 0; u < x->nustrd; u++)
					PROP(utf8_ok(x->ustrd[u]), "entry %zu, transaction %zu", e, t);
			}
		}
	}
	return n;
}

static size_t check_bgmax(const struct bgmax *g)
{
	long pay = 0, ded = 0, extra = 0;
	size_t n = 0;
	for (size_t s = 0; s < g->nsections; s++) {
		const struct bgmax_section *sec = &g->sections[s];
		PROP(date_valid(sec->date), "section %zu: date '%s'", s, sec->date);
		int64_t sum = 0;
		for (size_t i = 0; i < sec->npayments; i++, n++) {
			const struct bgmax_payment *p = &sec->payments[i];
			PROP(p->item.tk == 20 || p->item.tk == 21, "section %zu, payment %zu: TK %d", s, i, p->item.tk);
			PROP(p->item.amount >= 0 && p->item.ref_code >= 0 && p->item.ref_code <= 5 && utf8_ok(p->item.reference),
			     "section %zu, payment %zu", s, i);
			PROP(utf8_ok(p->name) && utf8_ok(p->address) && utf8_ok(p->town) && utf8_ok(p->orgnr),
			     "section %zu, payment %zu: the payer's texts", s, i);
			for (size_t k = 0; k < p->ninfo; k++)
				PROP(utf8_ok(p->info[k]), "section %zu, payment %zu: text %zu", s, i, k);
			PROP(!__builtin_add_overflow(sum, bgmax_net(p), &sum), "section %zu: the sum overflows", s);
			pay += p->item.tk == 20;
			ded += p->item.tk == 21;
			extra += (long)p->nextra;
		}
		PROP(sum == sec->total && (long)sec->npayments == sec->count,
		     "section %zu: payments add up to %lld in %zu, the deposit says %lld in %ld", s, (long long)sum,
		     sec->npayments, (long long)sec->total, sec->count);
	}
	PROP(pay == g->n_payments && ded == g->n_deductions && extra == g->n_extra && (long)g->nsections == g->n_deposits,
	     "the end record counts %ld, %ld, %ld, %ld; the file has %ld, %ld, %ld, %zu", g->n_payments, g->n_deductions,
	     g->n_extra, g->n_deposits, pay, ded, extra, g->nsections);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct bd_error err = {0};
	struct bankfile f;
	int brc = bankfile_parse(text, size, ORIGIN, &f, &err);
	if (brc)
		fuzz_refused(&err, ORIGIN);
	int rc;
	size_t n = 0;
	if (strcmp(FUZZ_NAME, "pain002") == 0) {
		struct pain002 p;
		if ((rc = pain002_parse(text, size, ORIGIN, &p, &err)) == 0) {
			n = check_pain002(&p);
			PROP(brc == 0 && f.kind == BANKFILE_PAIN002 && check_pain002(&f.pain002) == n,
			     "a pain.002 that bankfile_parse does not read as one: %s", brc ? err.msg : bankfile_kind_name(f.kind));
			pain002_free(&p);
		}
	} else if (strcmp(FUZZ_NAME, "camt") == 0) {
		struct camt c;
		if ((rc = camt_parse(text, size, ORIGIN, &c, &err)) == 0) {
			n = check_camt(&c);
			enum bankfile_kind k = c.kind == CAMT_053 ? BANKFILE_CAMT053 : BANKFILE_CAMT054;
			PROP(brc == 0 && f.kind == k && check_camt(&f.camt) == n,
			     "a %s that bankfile_parse does not read as one: %s", camt_kind_name(c.kind),
			     brc ? err.msg : bankfile_kind_name(f.kind));
			camt_free(&c);
		}
	} else {
		struct bgmax g;
		if ((rc = bgmax_parse(text, size, ORIGIN, &g, &err)) == 0) {
			n = check_bgmax(&g);
			PROP(brc == 0 && f.kind == BANKFILE_BGMAX && check_bgmax(&f.bgmax) == n,
			     "a BgMax file that bankfile_parse does not read as one: %s", brc ? err.msg : bankfile_kind_name(f.kind));
			bgmax_free(&g);
		}
	}
	if (rc)
		fuzz_refused(&err, ORIGIN);
	if (!brc)
		bankfile_free(&f);
	return 0;
}
