/* prefill.c: the recipient register prefilled from the ledger.  See
 * prefill.h. */
#include "prefill.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ledger.h"
#include "money.h"
#include "recipient.h"
#include "regfile.h"

/* One account of the ledger: a grant of the year. */
struct acct {
	char *dnr, *part, *title, *decision_date;
	int budget_year;
	int64_t allocated, claimed, repaid; /* öre */
	char *paid;                          /* "2021-02-16: 49 472 318,00 kr; ..." */
	int64_t paid_year;                   /* öre paid in the year */
	bool in_year;
};

struct accts {
	struct acct *v;
	size_t n;
	int year;
};

static int take_account(void *ctx, const struct ledger_account *a)
{
	struct accts *c = ctx;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct acct *x = &c->v[c->n++];
	memset(x, 0, sizeof(*x));
	x->dnr = xstrdup(a->dnr);
	x->part = xstrdup(a->part);
	x->title = xstrdup(a->part_title && a->part_title[0] ? a->part_title : a->dnr);
	x->decision_date = xstrdup(a->terms->decision_date);
	x->budget_year = a->budget_year;
	x->allocated = a->balance->allocated;
	x->claimed = a->balance->b[B_CLAIMED];
	x->repaid = a->balance->b[B_REPAID];
	x->in_year = a->budget_year == c->year;
	return 0;
}

static int take_payment(void *ctx, const struct payment_row *p)
{
	struct accts *c = ctx;
	if (!p->exec_date || strtol(p->exec_date, NULL, 10) != c->year)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		struct acct *x = &c->v[i];
		if (strcmp(x->dnr, p->dnr) != 0 || strcmp(x->part, p->part) != 0)
			continue;
		char a[NUM_BUFSZ];
		char *s = xasprintf("%s%s%s: %s kr", x->paid ? x->paid : "", x->paid ? "; " : "", p->exec_date,
				    fmt_ore(p->amount, a));
		free(x->paid);
		x->paid = s;
		x->paid_year += p->amount;
		x->in_year = true;
	}
	return 0;
}

struct recipient_filter {
	struct accts *c;
	const char *org;
};

static int take_own_payment(void *ctx, const struct payment_row *p)
{
	struct recipient_filter *f = ctx;
	return strcmp(p->recipient, f->org) == 0 ? take_payment(f->c, p) : 0;
}

static void accts_release(struct accts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].dnr);
		free(c->v[i].part);
		free(c->v[i].title);
		free(c->v[i].decision_date);
		free(c->v[i].paid);
	}
	free(c->v);
}

/* key_of: PREFILL_KEY_PREFIX + dnr + "-" + part, as a key (lower-case
 * letters, digits and '-', at most 80). */
static char *key_of(const char *dnr, const char *part)
{
	char *raw = xasprintf(PREFILL_KEY_PREFIX "%s-%s", dnr, part);
	char *k = xcalloc(strlen(raw) + 1, 1);
	size_t n = 0;
	for (const char *c = raw; *c && n < 80; c++) {
		char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
		if (!ok)
			ch = '-';
		if (ch == '-' && (n == 0 || k[n - 1] == '-'))
			continue;
		k[n++] = ch;
	}
	while (n > 0 && k[n - 1] == '-')
		k[--n] = '\0';
	free(raw);
	return k;
}

/* The ledger's narrative of an account: what the recipient cannot know
 * better than the ledger. */
static char *ledger_status(const struct acct *x, int year)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ];
	char *s = xasprintf("Från reskontran: beslut %s%s%s, del %s, %s kr. Utbetalt %d: %s.", x->dnr,
			    x->decision_date[0] ? " den " : "", x->decision_date, x->part, fmt_ore(x->allocated, a), year,
			    x->paid ? x->paid : "inget");
	if (x->claimed || x->repaid) {
		char *t = xasprintf("%s Återkrävt %s kr, återbetalt %s kr.", s, fmt_ore(x->claimed + x->repaid, b),
				    fmt_ore(x->repaid, c));
		free(s);
		s = t;
	}
	return s;
}

static json_t *find_key(json_t *arr, const char *key)
{
	size_t i;
	json_t *g;
	json_array_foreach(arr, i, g)
	{
		const char *k = json_string_value(json_object_get(g, "key"));
		if (k && strcmp(k, key) == 0)
			return g;
	}
	return NULL;
}

int recreg_prefill(struct store *s, const char *org, int year, struct prefill_result *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	char *stored = NULL;
	int version = 0;
	int rc = store_recipient_get(s, org, year, 0, &stored, &version, err);
	if (rc < 0)
		return -1;
	json_t *root;
	if (rc == 0) {
		json_error_t je;
		root = json_loads(stored, 0, &je);
		free(stored);
		if (!root)
			return bd_failc(err, BD_IO, "internal: the stored register of %s %d does not read: %s", org, year,
					je.text);
		out->based_on = version;
	} else {
		root = json_pack("{s:s, s:s, s:[{s:i, s:[]}]}", "format", "bidrag-register/1", "org", org, "years", "year",
				 year, "grants");
	}
	json_t *y = json_array_get(json_object_get(root, "years"), 0);
	json_t *grants = json_object_get(y, "grants");
	if (!json_is_array(grants)) {
		json_decref(root);
		return bd_failc(err, BD_IO, "internal: the stored register of %s %d has no grants", org, year);
	}
	json_object_set_new(root, "org", json_string(org));

	struct accts c = {NULL, 0, year};
	struct recipient_filter f = {&c, org};
	if (store_ledger_accounts(s, NULL, NULL, org, NULL, take_account, &c, err) ||
	    store_payments(s, PAYMENT_EXECUTED, NULL, take_own_payment, &f, err)) {
		accts_release(&c);
		json_decref(root);
		return -1;
	}
	json_t *sections = json_object_get(y, "sections");
	json_t *summary = json_object_get(y, "summary");
	for (size_t i = 0; i < c.n; i++) {
		const struct acct *x = &c.v[i];
		if (!x->in_year)
			continue;
		char *key = key_of(x->dnr, x->part);
		char *status = ledger_status(x, year);
		json_t *g = find_key(grants, key);
		if (g) {
			out->updated++;
		} else {
			out->added++;
			g = json_pack("{s:s}", "key", key);
			json_array_append_new(grants, g);
			/* A year with sections, or a summary of its own, needs the
			 * new grant placed: a section "Från reskontran", a row of
			 * its own. */
			if (json_is_array(sections)) {
				if (!find_key(sections, "reskontra"))
					json_array_append_new(sections, json_pack("{s:s, s:s}", "key", "reskontra", "title",
										  "Från reskontran"));
				json_object_set_new(g, "section", json_string("reskontra"));
			}
			if (json_is_array(summary))
				json_array_append_new(summary, json_pack("{s:s, s:s, s:[s]}", "key", key, "label", x->title,
									 "members", key));
		}
		out->from_ledger++;
		/* The ledger's fields, set again at every prefill. */
		json_object_set_new(g, "title", json_string(x->title));
		json_object_set_new(g, "decision", json_string(x->dnr));
		json_object_set_new(g, "grantor_dnr", json_string(x->dnr));
		json_object_set_new(g, "amount", json_integer((json_int_t)(x->allocated / 100)));
		json_object_set_new(g, "status", json_string(status));
		free(status);
		free(key);
	}
	accts_release(&c);
	char *doc = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	/* Read, computed and checked as an import would be; the document is
	 * the canonical one of the year. */
	struct rg_register r;
	rg_init(&r);
	struct regfile_checks checks = {0};
	char origin[96];
	snprintf(origin, sizeof(origin), "the register of %s %d prefilled from the ledger", org, year);
	rc = regfile_parse(&r, doc, strlen(doc), origin, NULL, &checks, err) || rg_compute(&r, err) ||
	     regfile_run_checks(&checks, err);
	free(doc);
	if (!rc && r.nyears != 1)
		rc = bd_failc(err, BD_IO, "internal: %s has %zu years", origin, r.nyears);
	if (!rc)
		out->document = regfile_dump_year(&r.years[0], org);
	regfile_checks_release(&checks);
	rg_release(&r);
	return rc ? -1 : 0;
}

void prefill_result_release(struct prefill_result *r)
{
	free(r->document);
	memset(r, 0, sizeof(*r));
}

static bool same_text(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

static bool from_ledger(const char *key)
{
	return strncmp(key, PREFILL_KEY_PREFIX, strlen(PREFILL_KEY_PREFIX)) == 0;
}

int recreg_ledger_kept(struct store *s, const char *org, const struct rg_year *y, size_t yi, const char *origin,
		       struct bd_error *err)
{
	char *doc = NULL;
	int version = 0;
	int rc = store_recipient_get(s, org, y->year, 0, &doc, &version, err);
	if (rc < 0)
		return -1;
	struct rg_register old;
	rg_init(&old);
	const struct rg_year *oy = NULL;
	if (rc == 0) {
		if (regfile_parse(&old, doc, strlen(doc), "the stored register", NULL, NULL, err)) {
			free(doc);
			rg_release(&old);
			err->code = BD_IO;
			return -1;
		}
		oy = rg_year_find(&old, y->year);
	}
	free(doc);
	int out = 0;
	for (size_t j = 0; j < y->ngrants && !out; j++) {
		const struct rg_grant *g = &y->grants[j];
		if (!from_ledger(g->key))
			continue;
		const struct rg_grant *o = oy ? rg_grant_find(oy, g->key) : NULL;
		if (!o) {
			out = bd_fail(err, "%s: years[%zu].grants[%zu].key: '%s' marks a grant from the ledger (keys beginning "
					   "'%s'), and the ledger gave %d no such grant (prefill the year from the ledger; "
					   "a grant of your own takes another key)",
				      origin, yi, j, g->key, PREFILL_KEY_PREFIX, y->year);
			break;
		}
		const char *field = !same_text(g->title, o->title)		 ? "title"
				    : !same_text(g->decision, o->decision)	 ? "decision"
				    : !same_text(g->grantor_dnr, o->grantor_dnr) ? "grantor_dnr"
				    : g->has_amount != o->has_amount || g->amount != o->amount ? "amount"
				    : !same_text(g->status, o->status)		 ? "status"
										 : NULL;
		if (field)
			out = bd_fail(err, "%s: years[%zu].grants[%zu].%s: changed, but a grant from the ledger has its "
					   "title, decision, grantor_dnr, amount and status from the ledger (set again when "
					   "the year is prefilled); expected them as stored",
				      origin, yi, j, field);
	}
	for (size_t k = 0; oy && !out && k < oy->ngrants; k++)
		if (from_ledger(oy->grants[k].key) && !rg_grant_find(y, oy->grants[k].key))
			out = bd_fail(err, "%s: years[%zu].grants: the grant '%s' from the ledger is left out (a grant the "
					   "ledger gives the year stays in it)",
				      origin, yi, oy->grants[k].key);
	rg_release(&old);
	return out;
}
