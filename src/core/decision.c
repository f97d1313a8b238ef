#include "decision.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "allocation.h"
#include "money.h"
#include "payee.h"
#include "refdata.h"

void decision_init(struct decision *d)
{
	memset(d, 0, sizeof(*d));
	strpool_init(&d->pool);
}

void decision_release(struct decision *d)
{
	strpool_release(&d->pool);
	memset(d, 0, sizeof(*d));
}

char *decision_strdup(struct decision *d, const char *s)
{
	return s ? strpool_dup(&d->pool, s, strlen(s)) : NULL;
}

void *decision_alloc(struct decision *d, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort();
	size_t bytes = n * size;
	return strpool_alloc(&d->pool, bytes ? bytes : 1);
}

bool date_valid(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int day = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || m < 1 || m > 12 || day < 1)
		return false;
	int max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return day <= max;
}

char *date_swedish(const char *iso, char *buf, size_t len)
{
	static const char *const months[] = {"januari", "februari", "mars", "april", "maj", "juni",
					     "juli", "augusti", "september", "oktober", "november", "december"};
	if (!date_valid(iso)) {
		snprintf(buf, len, "%s", iso ? iso : "");
		return buf;
	}
	int m = (iso[5] - '0') * 10 + (iso[6] - '0');
	int day = (iso[8] - '0') * 10 + (iso[9] - '0');
	snprintf(buf, len, "%d %s %.4s", day, months[m - 1], iso);
	return buf;
}

const char *rule_method_name(enum rule_method m)
{
	switch (m) {
	case RULE_KEY: return "key";
	case RULE_MIX: return "mix";
	case RULE_EQUAL: return "equal";
	case RULE_LIST: return "list";
	}
	return "?";
}

const char *payment_mode_name(enum payment_mode m)
{
	return m == PAY_REQUISITION ? "requisition" : "without-requisition";
}

void decision_warnings_release(struct decision_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	free(w->msg);
	w->msg = NULL;
	w->n = 0;
}

static void warn(struct decision_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct decision_warnings *w, const char *fmt, ...)
{
	if (!w)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		abort();
	va_end(ap);
	w->msg = xreallocarray(w->msg, w->n + 1, sizeof(char *));
	w->msg[w->n++] = m;
}

int64_t part_allocated(const struct part *p)
{
	/* Amounts are capped when read (AMOUNT_MAX), so this cannot overflow
	 * for any table a decision can hold; saturate all the same. */
	int64_t s = 0;
	for (size_t i = 0; i < p->nrows; i++)
		if (__builtin_add_overflow(s, p->rows[i].amount, &s))
			return INT64_MAX;
	return s;
}

/* A deadline must not precede the decision. */
static int check_date_after(const struct decision *d, const char *date, const char *path, struct bd_error *err)
{
	char a[32], b[32];
	if (date[0] && strcmp(date, d->date) < 0)
		return bd_fail(err, "%s: %s is before the decision date %s", path, date_swedish(date, a, sizeof(a)),
			       date_swedish(d->date, b, sizeof(b)));
	return 0;
}

void decision_deadline_notes(const struct decision *d, deadline_note_fn fn, void *ctx)
{
	for (size_t i = 0; i < d->nparts; i++) {
		const struct part *p = &d->parts[i];
		if (!p->pay.by[0] || strcmp(p->pay.by, d->date) >= 0)
			continue;
		struct deadline_note n = {.part = p->id, .field = "payment.by"};
		char a[32], b[32];
		snprintf(n.date, sizeof(n.date), "%s", p->pay.by);
		snprintf(n.message, sizeof(n.message),
			 "sista utbetalningsdag %s är före beslutets datum %s; registrerat som beslutet anger (en "
			 "utbetalning efter den dagen kräver ett undantag med skäl)",
			 date_swedish(p->pay.by, a, sizeof(a)), date_swedish(d->date, b, sizeof(b)));
		fn(ctx, &n);
	}
}

/* A payee's texts go into payment files: payee_text_check's rule. */
static int check_payee_text(const struct payee *py, const char *path, struct bd_error *err)
{
	const char *field[] = {"name", "reference"}, *text[] = {py->name, py->reference};
	for (size_t k = 0; k < 2; k++)
		if (text[k] && payee_text_check(text[k], err)) {
			bd_prefix(err, "%s.%s", path, field[k]);
			return -1;
		}
	for (size_t k = 0; k < py->naddress; k++)
		if (payee_text_check(py->address[k], err)) {
			bd_prefix(err, "%s.address[%zu]", path, k);
			return -1;
		}
	return 0;
}

int decision_check(const struct decision *d, struct decision_warnings *w, struct bd_error *err)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ], path[128];
	if (!date_valid(d->date))
		return bd_fail(err, "date: '%s' is not a date (expected YYYY-MM-DD)", d->date);
	int64_t parts_sum = 0;
	for (size_t i = 0; i < d->nparts; i++) {
		const struct part *p = &d->parts[i];
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->parts[j].id, p->id) == 0)
				return bd_fail(err, "parts[%zu].id: '%s' is already the id of parts[%zu]", i, p->id, j);
		if (__builtin_add_overflow(parts_sum, p->amount, &parts_sum))
			return bd_fail(err, "parts[%zu].amount: the parts' sum overflows", i);
		int64_t funded = 0;
		for (size_t f = 0; f < p->nfunding; f++) {
			if (__builtin_add_overflow(funded, p->funding[f].amount, &funded))
				return bd_fail(err, "parts[%zu].funding: the sum overflows", i);
			for (size_t g = 0; g < f; g++)
				if (p->funding[g].approp == p->funding[f].approp)
					return bd_fail(err, "parts[%zu].funding[%zu].appropriation: '%s' is already "
							    "named in funding[%zu]",
						       i, f, d->approps[p->funding[f].approp].id, g);
		}
		if (funded != p->amount)
			return bd_fail(err,
				       "parts[%zu].funding: the appropriation amounts add up to %s kr, "
				       "expected the part's amount %s kr",
				       i, fmt_kr(funded, a), fmt_kr(p->amount, b));
		snprintf(path, sizeof(path), "parts[%zu].payee", i);
		if (p->payee && check_payee_text(p->payee, path, err))
			return -1;
		for (size_t r = 0; r < p->nrows; r++) {
			snprintf(path, sizeof(path), "parts[%zu].allocation[%zu].payee", i, r);
			if (p->rows[r].payee && check_payee_text(p->rows[r].payee, path, err))
				return -1;
		}
		snprintf(path, sizeof(path), "parts[%zu].payment", i);
		const struct payment_terms *t = &p->pay;
		if (t->mode == PAY_REQUISITION && !t->deadline[0])
			return bd_fail(err, "%s.deadline: missing (a requisition needs a deadline)", path);
		if (t->mode == PAY_WITHOUT_REQUISITION) {
			if (!t->by[0] && !(t->from[0] && t->to[0]))
				return bd_fail(err, "%s: give 'by' (a date) or 'from' and 'to' (a window)", path);
			if (t->deadline[0])
				return bd_fail(err, "%s.deadline: a payment without requisition has no "
						    "requisition deadline (use 'by' or 'from'/'to')",
					       path);
		}
		if ((t->from[0] != 0) != (t->to[0] != 0))
			return bd_fail(err, "%s: a window needs both 'from' and 'to'", path);
		if (t->from[0] && strcmp(t->to, t->from) < 0)
			return bd_fail(err, "%s.to: the window ends (%s) before it starts (%s)", path, t->to, t->from);
		static const struct {
			const char *name;
			size_t off;
		} dates[] = {
			{"from", offsetof(struct payment_terms, from)},
			{"to", offsetof(struct payment_terms, to)},
			{"by", offsetof(struct payment_terms, by)},
			{"deadline", offsetof(struct payment_terms, deadline)},
		};
		for (size_t k = 0; k < BD_ARRAY_LEN(dates); k++) {
			char sub[160];
			snprintf(sub, sizeof(sub), "%s.%s", path, dates[k].name);
			/* The last payment day is the agency's own duty, and a
			 * decision signed after it ("senast den 20 januari" in a
			 * decision of 28 January) still grants the money: it is
			 * registered as written, with a warning kept beside it
			 * (decision_deadline_notes).  The other dates bind the
			 * recipient, who cannot meet a day already past. */
			if (dates[k].off == offsetof(struct payment_terms, by) && t->by[0] &&
			    strcmp(t->by, d->date) < 0) {
				char a2[32], b2[32];
				warn(w, "%s: %s is before the decision date %s; registered as the decision states it "
					"(a payment after that day needs an override with a reason)",
				     sub, date_swedish(t->by, a2, sizeof(a2)), date_swedish(d->date, b2, sizeof(b2)));
				continue;
			}
			if (check_date_after(d, (const char *)t + dates[k].off, sub, err))
				return -1;
		}
		snprintf(path, sizeof(path), "parts[%zu].repayment_deadline", i);
		if (check_date_after(d, p->repayment_deadline, path, err))
			return -1;
		snprintf(path, sizeof(path), "parts[%zu].report_deadline", i);
		if (check_date_after(d, p->report_deadline, path, err))
			return -1;
		if (p->rule.method == RULE_LIST && !p->published)
			return bd_fail(err, "parts[%zu].allocation: missing (rule 'list' takes its amounts from the "
					    "allocation table)",
				       i);
		if (p->rule.method == RULE_MIX) {
			struct rat sum = {0, 1};
			for (size_t k = 0; k < p->rule.nkeys; k++)
				if (!rat_add(sum, p->rule.keys[k].weight, &sum))
					return bd_fail(err, "parts[%zu].rule.keys: the weights overflow", i);
			if (sum.num != sum.den)
				return bd_fail(err, "parts[%zu].rule.keys: the weights add up to %s/%s, expected exactly 1",
					       i, fmt_i128(sum.num, a), fmt_i128(sum.den, b));
		}
		if (p->rule.unit < 1)
			return bd_fail(err, "parts[%zu].rule.unit: must be at least 1 krona", i);
	}
	if (parts_sum > d->total)
		return bd_fail(err, "parts: the parts add up to %s kr, more than the decision's total %s kr",
			       fmt_kr(parts_sum, a), fmt_kr(d->total, b));
	if (parts_sum < d->total)
		warn(w, "parts: the parts add up to %s kr, less than the decision's total %s kr", fmt_kr(parts_sum, a),
		     fmt_kr(d->total, b));
	if (d->has_agreement && d->agreement.has_total && d->agreement.total < d->total)
		warn(w, "agreement.total: %s kr is less than the decision's total %s kr", fmt_kr(d->agreement.total, a),
		     fmt_kr(d->total, b));
	for (size_t i = 0; i < d->nannexes; i++) {
		const struct annex *x = &d->annexes[i];
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->annexes[j].id, x->id) == 0)
				return bd_fail(err, "annexes[%zu].id: '%s' is already the id of annexes[%zu]", i, x->id, j);
		int64_t sum = 0;
		size_t namount = 0;
		for (size_t c = 0; c < x->ncols; c++) {
			const struct annex_col *col = &x->cols[c];
			if (col->type != ACOL_AMOUNT)
				continue;
			const struct part *p = NULL;
			for (size_t k = 0; k < d->nparts && !p; k++)
				if (strcmp(d->parts[k].id, col->part) == 0)
					p = &d->parts[k];
			if (!p)
				return bd_fail(err, "annexes[%zu].columns[%zu].part: no part has the id '%s'", i, c,
					       col->part);
			sum += p->amount;
			namount++;
		}
		if (!namount)
			return bd_fail(err, "annexes[%zu].columns: no 'amount' column (an annex shows at least one part)",
				       i);
		if (x->has_total && sum != x->total)
			return bd_fail(err, "annexes[%zu].total: the table states %s kr, but its parts add up to %s kr",
				       i, fmt_kr(x->total, a), fmt_kr(sum, b));
	}
	return 0;
}

int decision_resolve(struct decision *d, recipient_resolve_fn resolve, void *ctx, struct bd_error *err)
{
	for (size_t i = 0; i < d->nparts; i++) {
		struct part *p = &d->parts[i];
		if (p->recipient_set) {
			/* A named set: its members come from the reference data. */
			const struct recipient **v;
			size_t n;
			/* Only the named sets: a single recipient is written as
			 * an array, ["SKR"]. */
			static const char *const sets[] = {"regions", "regioner", "kommuner", "samverkansregioner",
							   "rcc", "RCC", "rss", "RSS", NULL};
			bool known = strncmp(p->recipient_set, "kommuner:", 9) == 0;
			for (size_t k = 0; sets[k] && !known; k++)
				known = strcmp(sets[k], p->recipient_set) == 0;
			if (!known)
				return bd_fail(err,
					       "parts[%zu].recipients: unknown recipient set '%s' (expected regions, kommuner, "
					       "kommuner:NN, samverkansregioner, rcc or rss, or an array of recipients such "
					       "as [\"SKR\"])",
					       i, p->recipient_set);
			if (refdata_set(p->recipient_set, &v, &n, err)) {
				bd_prefix(err, "parts[%zu].recipients", i);
				return -1;
			}
			p->codes = decision_alloc(d, n, sizeof(char *));
			for (size_t k = 0; k < n; k++)
				p->codes[k] = decision_strdup(d, v[k]->code);
			p->ncodes = n;
			free(v);
		} else {
			p->codes = decision_alloc(d, p->nrecipients, sizeof(char *));
			for (size_t k = 0; k < p->nrecipients; k++) {
				const char *code, *name;
				if (resolve(ctx, p->recipients[k], RK_ALL, &code, &name, err)) {
					bd_prefix(err, "parts[%zu].recipients[%zu]", i, k);
					return -1;
				}
				for (size_t j = 0; j < k; j++)
					if (strcmp(p->codes[j], code) == 0)
						return bd_fail(err, "parts[%zu].recipients[%zu]: '%s' is already named "
								    "in recipients[%zu]",
							       i, k, p->recipients[k], j);
				p->codes[k] = decision_strdup(d, code);
			}
			p->ncodes = p->nrecipients;
			for (size_t a = 1; a < p->ncodes; a++)
				for (size_t b = a; b > 0 && strcmp(p->codes[b - 1], p->codes[b]) > 0; b--) {
					const char *t = p->codes[b];
					p->codes[b] = p->codes[b - 1];
					p->codes[b - 1] = t;
				}
		}
		if (!p->published)
			continue;
		/* Rows are matched among the kinds of the part's recipients:
		 * "Stockholm" is an RSS in seed 003 bilaga 2, a region elsewhere. */
		unsigned kinds = 0;
		for (size_t k = 0; k < p->ncodes; k++) {
			const struct recipient *rc = refdata_by_code(p->codes[k]);
			kinds |= rc ? (unsigned)rc->kind : (unsigned)RK_ORG;
		}
		char *seen = xcalloc(p->ncodes ? p->ncodes : 1, 1);
		for (size_t r = 0; r < p->nrows; r++) {
			struct alloc_row *row = &p->rows[r];
			const char *code, *name;
			if (resolve(ctx, row->label, kinds, &code, &name, err)) {
				free(seen);
				bd_prefix(err, "parts[%zu].allocation[%zu].recipient", i, r);
				return -1;
			}
			size_t k = 0;
			while (k < p->ncodes && strcmp(p->codes[k], code) != 0)
				k++;
			if (k == p->ncodes) {
				free(seen);
				return bd_fail(err, "parts[%zu].allocation[%zu].recipient: '%s' is not one of the part's "
						    "recipients (%s)",
					       i, r, row->label, p->recipient_set ? p->recipient_set : "as listed");
			}
			if (seen[k]) {
				free(seen);
				return bd_fail(err, "parts[%zu].allocation[%zu].recipient: '%s' has a row already", i, r,
					       row->label);
			}
			seen[k] = 1;
			row->recipient = decision_strdup(d, code);
		}
		for (size_t k = 0; k < p->ncodes; k++)
			if (!seen[k]) {
				const char *code = p->codes[k], *name = code;
				const struct recipient *rc = refdata_by_code(code);
				if (rc)
					name = rc->name;
				free(seen);
				return bd_fail(err, "parts[%zu].allocation: no row for '%s' (%s), one of the part's "
						    "recipients",
					       i, name, code);
			}
		free(seen);
	}
	return 0;
}

static bool key_has(const struct key_values *k, const char *code, int64_t *out)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->code[i], code) == 0) {
			*out = k->value[i];
			return true;
		}
	return false;
}

/* The län a region or an RSS stands for, when it has one. */
static const char *lan_of(const char *code)
{
	const struct recipient *r = refdata_by_code(code);
	return r && (r->kind == RK_RSS || r->kind == RK_REGION) ? r->lan : NULL;
}

/* lan_sum: the sum of the kommuner of län `lan` in k, when k has every one
 * of them (*have counts those it has, *nmissing those it lacks, *first the
 * first of them). */
static bool lan_sum(const struct key_values *k, const char *lan, int64_t *out, size_t *have, size_t *nmissing,
		    const struct recipient **first)
{
	size_t n;
	const struct recipient *all = refdata_all(&n);
	int64_t sum = 0;
	*have = *nmissing = 0;
	*first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (all[i].kind != RK_KOMMUN || !all[i].lan || strcmp(all[i].lan, lan) != 0)
			continue;
		int64_t v;
		if (key_has(k, all[i].code, &v)) {
			(*have)++;
			if (__builtin_add_overflow(sum, v, &sum))
				return false;
		} else if ((*nmissing)++ == 0) {
			*first = &all[i];
		}
	}
	if (*have == 0 || *nmissing)
		return false;
	*out = sum; /* only a value found is given */
	return true;
}

bool key_value_of(const struct key_values *k, const char *code, int64_t *out)
{
	if (key_has(k, code, out))
		return true;
	const char *lan = lan_of(code);
	if (!lan)
		return false;
	/* An RSS is keyed by its län; a län (region or RSS) by the sum of its
	 * kommuner when the key is per kommun. */
	if (strcmp(lan, code) != 0 && key_has(k, lan, out))
		return true;
	size_t have, nmissing;
	const struct recipient *first;
	return lan_sum(k, lan, out, &have, &nmissing, &first);
}

size_t key_lan_gap(const struct key_values *k, const char *code, const struct recipient **first)
{
	const char *lan = lan_of(code);
	*first = NULL;
	if (!lan)
		return 0;
	int64_t v;
	size_t have, nmissing;
	lan_sum(k, lan, &v, &have, &nmissing, first);
	if (!have)
		*first = NULL;
	return have ? nmissing : 0;
}

/* The key columns of a part's rule over its recipients (none for equal
 * shares): *vals holds the values, freed with part_keys_free. */
static int part_keys(struct decision *d, size_t pi, key_lookup_fn lookup, void *ctx, size_t *nkeys,
		     struct apportion_key **keys_out, int64_t ***vals_out, struct bd_error *err)
{
	const struct part *p = &d->parts[pi];
	*nkeys = 0;
	*keys_out = NULL;
	*vals_out = NULL;
	if (p->rule.method == RULE_EQUAL || p->rule.method == RULE_LIST)
		return 0;
	struct apportion_key *keys = xcalloc(p->rule.nkeys, sizeof(*keys));
	int64_t **vals = xcalloc(p->rule.nkeys, sizeof(*vals));
	*nkeys = p->rule.nkeys;
	*keys_out = keys;
	*vals_out = vals;
	for (size_t k = 0; k < p->rule.nkeys; k++) {
		struct rule_key *rk = &p->rule.keys[k];
		const struct key_values *kv = lookup(ctx, rk->dataset, err);
		if (!kv) {
			bd_prefix(err, "parts[%zu].rule.%s", pi, p->rule.method == RULE_KEY ? "key" : "keys");
			return -1;
		}
		rk->version = kv->version;
		rk->sha256 = decision_strdup(d, kv->sha256);
		vals[k] = xcalloc(p->ncodes ? p->ncodes : 1, sizeof(int64_t));
		for (size_t r = 0; r < p->ncodes; r++)
			if (!key_value_of(kv, p->codes[r], &vals[k][r])) {
				const struct recipient *rc2 = refdata_by_code(p->codes[r]);
				return bd_fail(err, "parts[%zu].rule: the key '%s' has no value for '%s'", pi,
					       rk->dataset, rc2 ? rc2->name : p->codes[r]);
			}
		keys[k].value = vals[k];
		keys[k].weight = rk->weight;
		keys[k].name = rk->dataset;
	}
	return 0;
}

static void part_keys_free(size_t nkeys, struct apportion_key *keys, int64_t **vals)
{
	for (size_t k = 0; vals && k < nkeys; k++)
		free(vals[k]);
	free(vals);
	free(keys);
}

static int row_cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct alloc_row *)a)->recipient, ((const struct alloc_row *)b)->recipient);
}

int decision_allocate(struct decision *d, key_lookup_fn lookup, void *ctx, struct decision_warnings *w,
		      struct bd_error *err)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	for (size_t i = 0; i < d->nparts; i++) {
		struct part *p = &d->parts[i];
		if (p->rule.method == RULE_LIST) {
			int64_t sum = part_allocated(p);
			if (sum != p->amount)
				return bd_fail(err, "parts[%zu].allocation: the amounts add up to %s kr, expected the "
						    "part's amount %s kr",
					       i, fmt_kr(sum, a), fmt_kr(p->amount, b));
			part_fingerprint(p, p->fingerprint);
			continue;
		}
		size_t nkeys;
		struct apportion_key *keys;
		int64_t **vals;
		if (part_keys(d, i, lookup, ctx, &nkeys, &keys, &vals, err)) {
			part_keys_free(nkeys, keys, vals);
			return -1;
		}
		struct allocation_rule rule = {
			.nkeys = nkeys,
			.keys = keys,
			.total = p->amount,
			.base = p->rule.base,
			.unit = p->rule.unit,
			.method = APPORTION_LARGEST_REMAINDER,
		};
		struct apportion_weights wt;
		apportion_weights_init(&wt);
		int64_t *amount = xcalloc(p->ncodes ? p->ncodes : 1, sizeof(int64_t));
		int64_t residual;
		enum allocation_failure af = allocation_run(&rule, p->ncodes, p->codes, &wt, amount, &residual, err);
		part_keys_free(nkeys, keys, vals);
		if (af != ALLOCATION_OK) {
			free(amount);
			apportion_weights_release(&wt);
			bd_prefix(err, af == ALLOCATION_BAD_WEIGHTS ? "parts[%zu].rule" : "parts[%zu]", i);
			return -1;
		}
		/* The exact quotas, for the published amounts below. */
		struct apportion_spec spec = {
			.weights = &wt,
			.id = p->codes,
			.total = p->amount,
			.base = p->rule.base,
			.unit = p->rule.unit,
			.method = APPORTION_LARGEST_REMAINDER,
		};
		if (!p->published) {
			p->computed = true;
			p->rows = decision_alloc(d, p->ncodes, sizeof(*p->rows));
			p->nrows = p->ncodes;
			for (size_t r = 0; r < p->ncodes; r++) {
				const struct recipient *rc = refdata_by_code(p->codes[r]);
				p->rows[r].recipient = (char *)p->codes[r];
				p->rows[r].label = rc ? (char *)rc->name : (char *)p->codes[r];
				p->rows[r].amount = amount[r];
			}
		} else {
			/* Each published amount must obey the quota rule: within one
			 * unit of the exact quota. */
			mpq_t q, diff, unit;
			mpq_inits(q, diff, unit, NULL);
			mpq_set_si(unit, p->rule.unit, 1);
			for (size_t r = 0; r < p->nrows; r++) {
				size_t k = 0;
				while (strcmp(p->codes[k], p->rows[r].recipient) != 0)
					k++;
				apportion_quota(&spec, k, q);
				mpq_set_si(diff, p->rows[r].amount, 1);
				mpq_sub(diff, diff, q);
				mpq_abs(diff, diff);
				if (mpq_cmp(diff, unit) >= 0) {
					char *qs = fmt_mpq_decimal(q, 2, true);
					bd_fail(err, "parts[%zu].allocation[%zu].amount: %s kr for '%s' breaks the quota "
						     "rule: the exact quota is %s kr, and a published amount must be "
						     "within %s kr of it",
						i, r, fmt_kr(p->rows[r].amount, a), p->rows[r].label, qs,
						fmt_kr(p->rule.unit, b));
					free(qs);
					mpq_clears(q, diff, unit, NULL);
					free(amount);
					apportion_weights_release(&wt);
					return -1;
				}
			}
			mpq_clears(q, diff, unit, NULL);
			size_t differ = 0;
			for (size_t r = 0; r < p->nrows; r++) {
				size_t k = 0;
				while (strcmp(p->codes[k], p->rows[r].recipient) != 0)
					k++;
				differ += p->rows[r].amount != amount[k];
			}
			if (differ && p->computed) {
				free(amount);
				apportion_weights_release(&wt);
				return bd_fail(err, "parts[%zu].allocation: marked computed, but %zu amount%s differ%s from "
						    "the largest-remainder result",
					       i, differ, differ == 1 ? "" : "s", differ == 1 ? "s" : "");
			}
			if (differ && p->rule.rounding == APPORTION_LARGEST_REMAINDER)
				warn(w, "parts[%zu].allocation: %zu published amount%s differ%s by one unit (%s kr) from "
					"largest remainder, the rounding the rule names",
				     i, differ, differ == 1 ? "" : "s", differ == 1 ? "s" : "", fmt_kr(p->rule.unit, a));
			int64_t sum = part_allocated(p);
			if (sum != p->amount)
				warn(w, "parts[%zu].allocation: the published amounts add up to %s kr, %s than the part's "
					"amount %s kr; the table is registered as published",
				     i, fmt_kr(sum, a), sum > p->amount ? "more" : "less", fmt_kr(p->amount, b));
		}
		free(amount);
		apportion_weights_release(&wt);
		part_fingerprint(p, p->fingerprint);
	}
	for (size_t i = 0; i < d->nannexes; i++)
		for (size_t c = 0; c < d->annexes[i].ncols; c++) {
			const struct annex_col *col = &d->annexes[i].cols[c];
			if (col->key && !lookup(ctx, col->key, err)) {
				bd_prefix(err, "annexes[%zu].columns[%zu].key", i, c);
				return -1;
			}
		}
	return 0;
}

/* Where the money goes is part of what is locked. */
static void payee_line(struct buf *s, const struct payee *py)
{
	const char *f[] = {py->org, py->name, py->orgnr, py->bankgiro, py->plusgiro, py->reference};
	buf_adds(s, "payee=");
	for (size_t i = 0; i < BD_ARRAY_LEN(f); i++)
		buf_addf(s, "%s%zu:%s", i ? "|" : "", f[i] ? strlen(f[i]) : 0, f[i] ? f[i] : "");
	buf_adds(s, "\n");
}

void part_fingerprint(const struct part *p, char out[65])
{
	struct buf s;
	buf_init(&s, SIZE_MAX);
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	buf_addf(&s,
		 "bidrag-allocation/1\namount=%" PRId64 "\nmethod=%s\nrounding=%s\nbase=%" PRId64 "\nunit=%" PRId64
		 "\n",
		 p->amount, rule_method_name(p->rule.method),
		 p->rule.rounding == APPORTION_HALF_UP ? "half-up" : "largest-remainder", p->rule.base, p->rule.unit);
	for (size_t k = 0; k < p->rule.nkeys; k++) {
		const struct rule_key *rk = &p->rule.keys[k];
		buf_addf(&s, "key=%s weight=%s/%s version=%d sha256=%s\n", rk->dataset, fmt_i128(rk->weight.num, a),
			 fmt_i128(rk->weight.den, b), rk->version, rk->sha256 ? rk->sha256 : "");
	}
	struct alloc_row *rows = xcalloc(p->nrows ? p->nrows : 1, sizeof(*rows));
	memcpy(rows, p->rows, p->nrows * sizeof(*rows));
	qsort(rows, p->nrows, sizeof(*rows), row_cmp_code);
	for (size_t r = 0; r < p->nrows; r++) {
		buf_addf(&s, "row=%s %" PRId64 "\n", rows[r].recipient, rows[r].amount);
		if (rows[r].payee)
			payee_line(&s, rows[r].payee);
	}
	if (p->payee)
		payee_line(&s, p->payee);
	free(rows);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s.data, s.len);
	sodium_bin2hex(out, 65, h, sizeof(h));
	buf_release(&s);
}

struct code_value {
	const char *code;
	int64_t value;
};

static int cmp_cv(const void *a, const void *b)
{
	return strcmp(((const struct code_value *)a)->code, ((const struct code_value *)b)->code);
}

void key_values_digest(const char *const *code, const int64_t *value, size_t n, int scale, char out[65])
{
	struct code_value *cv = xcalloc(n ? n : 1, sizeof(*cv));
	for (size_t i = 0; i < n; i++)
		cv[i] = (struct code_value){code[i], value[i]};
	qsort(cv, n, sizeof(*cv), cmp_cv);
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	char line[128];
	int len = snprintf(line, sizeof(line), "bidrag-dataset/1\nscale=%d\n", scale);
	crypto_hash_sha256_update(&h, (const unsigned char *)line, (unsigned long long)len);
	for (size_t i = 0; i < n; i++) {
		crypto_hash_sha256_update(&h, (const unsigned char *)cv[i].code, strlen(cv[i].code));
		len = snprintf(line, sizeof(line), "\t%" PRId64 "\n", cv[i].value);
		crypto_hash_sha256_update(&h, (const unsigned char *)line, (unsigned long long)len);
	}
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
	free(cv);
}
