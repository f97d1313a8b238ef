/* sieexport.c: a period's events as SIE 4 verifikationer.  See sieexport.h. */
#include "sieexport.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "apportion.h"
#include "sie.h"

/* An event as the journal gives it, copied. */
struct jev {
	int64_t seq, amount;
	enum event_kind kind;
	char *id, *dnr, *part, *recipient, *date, *ref;
};

struct journal {
	struct jev *v;
	size_t n;
	struct strpool pool;
};

static int take_event(void *ctx, const struct ledger_row *r)
{
	struct journal *j = ctx;
	int k = event_kind_parse(r->kind);
	if (k < 0)
		return 0;
	j->v = xreallocarray(j->v, j->n + 1, sizeof(*j->v));
	struct strpool *p = &j->pool;
	j->v[j->n++] = (struct jev){
		.seq = r->seq,
		.amount = r->amount,
		.kind = (enum event_kind)k,
		.id = strpool_strdup(p, r->id),
		.dnr = strpool_strdup(p, r->dnr),
		.part = strpool_strdup(p, r->part),
		.recipient = strpool_strdup(p, r->recipient),
		.date = strpool_strdup(p, r->date),
		.ref = strpool_strdup(p, r->ref),
	};
	return 0;
}

/* A part's posts, and the names of its recipients. */
struct fpost {
	int year, uo, post;
	char *anslag;
	int64_t amount;
};

struct fpart {
	char *dnr, *part;
	struct fpost *posts;
	size_t nposts;
	bool loaded;
};

struct names {
	char **code, **name;
	size_t n;
};

struct ctx {
	struct store *s;
	struct fpart *parts;
	size_t nparts;
	struct names recipients;
	struct strpool pool;
	/* The file's declarations. */
	struct sie_account *accounts;
	size_t naccounts;
	struct sie_object *objects;
	size_t nobjects;
	struct appropriation_use *approps; /* names of posts */
	size_t napprops;
};

static const char *P(struct ctx *c, const char *s)
{
	return s ? strpool_strdup(&c->pool, s) : NULL;
}

static int take_funding(void *vctx, const struct ledger_account *a)
{
	struct fpart *p = vctx;
	if (p->loaded)
		return 0;
	p->loaded = true;
	p->posts = a->nfunding ? xcalloc(a->nfunding, sizeof(*p->posts)) : NULL;
	for (size_t i = 0; i < a->nfunding; i++) {
		const struct part_funding_row *f = &a->funding[i];
		p->posts[i] = (struct fpost){.year = f->budget_year, .uo = f->uo, .post = f->post,
					    .anslag = xstrdup(f->anslag), .amount = f->amount};
	}
	p->nposts = a->nfunding;
	return 0;
}

static struct fpart *part_of(struct ctx *c, const char *dnr, const char *code, struct bd_error *err)
{
	for (size_t i = 0; i < c->nparts; i++)
		if (strcmp(c->parts[i].dnr, dnr) == 0 && strcmp(c->parts[i].part, code) == 0)
			return &c->parts[i];
	c->parts = xreallocarray(c->parts, c->nparts + 1, sizeof(*c->parts));
	struct fpart *p = &c->parts[c->nparts++];
	memset(p, 0, sizeof(*p));
	p->dnr = xstrdup(dnr);
	p->part = xstrdup(code);
	if (store_ledger_accounts(c->s, dnr, code, NULL, NULL, take_funding, p, err))
		return NULL;
	return p;
}

static int take_name(void *vctx, const struct org *o)
{
	struct names *n = vctx;
	n->code = xreallocarray(n->code, n->n + 1, sizeof(char *));
	n->name = xreallocarray(n->name, n->n + 1, sizeof(char *));
	n->code[n->n] = xstrdup(o->code);
	n->name[n->n++] = xstrdup(o->name);
	return 0;
}

static const char *name_of(const struct names *n, const char *code)
{
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->code[i], code) == 0)
			return n->name[i];
	return code;
}

static int take_approp(void *vctx, const struct appropriation_use *u)
{
	struct ctx *c = vctx;
	for (size_t i = 0; i < c->napprops; i++) {
		const struct appropriation_use *a = &c->approps[i];
		if (a->budget_year == u->budget_year && a->uo == u->uo && a->post == u->post && strcmp(a->anslag, u->anslag) == 0)
			return 0;
	}
	c->approps = xreallocarray(c->approps, c->napprops + 1, sizeof(*c->approps));
	c->approps[c->napprops++] = (struct appropriation_use){
		.budget_year = u->budget_year, .uo = u->uo, .post = u->post, .uo_name = P(c, u->uo_name),
		.anslag = P(c, u->anslag), .anslag_name = P(c, u->anslag_name), .post_name = P(c, u->post_name)};
	return 0;
}

static const struct appropriation_use *approp_of(const struct ctx *c, const struct fpost *p)
{
	for (size_t i = 0; i < c->napprops; i++) {
		const struct appropriation_use *a = &c->approps[i];
		if (a->budget_year == p->year && a->uo == p->uo && a->post == p->post && strcmp(a->anslag, p->anslag) == 0)
			return a;
	}
	return NULL;
}

static void declare_account(struct ctx *c, const char *number, const char *name)
{
	for (size_t i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].number, number) == 0)
			return;
	c->accounts = xreallocarray(c->accounts, c->naccounts + 1, sizeof(*c->accounts));
	c->accounts[c->naccounts++] = (struct sie_account){P(c, number), P(c, name && *name ? name : number)};
}

static const char *declare_object(struct ctx *c, int dim, const char *id, const char *name)
{
	for (size_t i = 0; i < c->nobjects; i++)
		if (c->objects[i].dim == dim && strcmp(c->objects[i].id, id) == 0)
			return c->objects[i].id;
	c->objects = xreallocarray(c->objects, c->nobjects + 1, sizeof(*c->objects));
	c->objects[c->nobjects] = (struct sie_object){dim, P(c, id), P(c, name && *name ? name : id)};
	return c->objects[c->nobjects++].id;
}

/* split: amount over the part's posts by the amounts decided on them. */
static int split(const struct fpart *p, int64_t amount, int64_t *out, struct bd_error *err)
{
	size_t n = p->nposts;
	if (n == 1) {
		out[0] = amount;
		return 0;
	}
	int64_t *keys = xcalloc(n, sizeof(int64_t));
	char **ids = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		keys[i] = p->posts[i].amount;
		ids[i] = xasprintf("%04d/%s/%04d", p->posts[i].year, p->posts[i].anslag, p->posts[i].post);
	}
	struct apportion_key k = {.value = keys, .weight = rat_make(1, 1), .name = "funding"};
	struct allocation_rule rule = {.nkeys = 1, .keys = &k, .total = amount, .unit = 1,
				       .method = APPORTION_LARGEST_REMAINDER};
	struct apportion_weights w;
	apportion_weights_init(&w);
	int64_t residual;
	int rc = allocation_run(&rule, n, (const char *const *)ids, &w, out, &residual, err) ? -1 : 0;
	apportion_weights_release(&w);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(keys);
	return rc;
}

static int jev_cmp(const void *a, const void *b)
{
	const struct jev *x = *(const struct jev *const *)a, *y = *(const struct jev *const *)b;
	int c = strcmp(x->date, y->date);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int jev_ref_cmp(const void *a, const void *b)
{
	const struct jev *x = *(const struct jev *const *)a, *y = *(const struct jev *const *)b;
	return strcmp(x->ref ? x->ref : "", y->ref ? y->ref : "");
}

/* booked_on: a payment the bank booked is paid on its booking day, so its
 * execution is booked in the books on that day (the bank-book event's
 * date), not on the day its file was made; one not booked on its export. */
static void booked_on(struct journal *j)
{
	size_t nx = 0;
	struct jev **x = xcalloc(j->n ? j->n : 1, sizeof(*x));
	for (size_t i = 0; i < j->n; i++)
		if (j->v[i].kind == EV_EXECUTE && j->v[i].ref)
			x[nx++] = &j->v[i];
	qsort(x, nx, sizeof(*x), jev_ref_cmp);
	for (size_t i = 0; i < j->n; i++) {
		struct jev *b = &j->v[i];
		if (b->kind != EV_BANK_BOOK || !b->ref)
			continue;
		struct jev **hit = bsearch(&b, x, nx, sizeof(*x), jev_ref_cmp);
		if (hit)
			(*hit)->date = b->date;
	}
	free(x);
}

struct agency {
	char name[256], orgnr[32];
	bool found;
};

static int take_agency(void *vctx, const struct org *o)
{
	struct agency *a = vctx;
	a->found = true;
	snprintf(a->name, sizeof(a->name), "%s", o->name);
	snprintf(a->orgnr, sizeof(a->orgnr), "%s", o->orgnr ? o->orgnr : "");
	return 0;
}

static void ctx_release(struct ctx *c)
{
	for (size_t i = 0; i < c->nparts; i++) {
		for (size_t k = 0; k < c->parts[i].nposts; k++)
			free(c->parts[i].posts[k].anslag);
		free(c->parts[i].posts);
		free(c->parts[i].dnr);
		free(c->parts[i].part);
	}
	free(c->parts);
	for (size_t i = 0; i < c->recipients.n; i++) {
		free(c->recipients.code[i]);
		free(c->recipients.name[i]);
	}
	free(c->recipients.code);
	free(c->recipients.name);
	free(c->accounts);
	free(c->objects);
	free(c->approps);
	strpool_release(&c->pool);
}

int sie_export_run(struct store *s, const struct sie_export_in *in, struct buf *out, struct sie_export_summary *sum,
		   struct bd_error *err)
{
	memset(sum, 0, sizeof(*sum));
	if (!date_valid(in->from) || !date_valid(in->to) || strcmp(in->from, in->to) > 0) {
		bd_fail(err, "the period %s to %s is not one (expected two dates, the first not after the second)", in->from,
			in->to);
		return 1;
	}
	struct agency ag = {0};
	const char *code = in->agency ? in->agency : "KAMK";
	int rc = store_org_get(s, code, take_agency, &ag, err);
	if (rc < 0)
		return -1;
	if (!ag.found) {
		bd_fail(err, "the agency: no organisation '%s' in the register", code);
		return 1;
	}
	struct journal j = {0};
	strpool_init(&j.pool);
	struct ctx c = {.s = s};
	strpool_init(&c.pool);
	struct jev **sel = NULL;
	struct sie_ver *vers = NULL;
	struct sie_trans *rows = NULL;
	struct sie_objref *objs = NULL;
	size_t nsel = 0, nrows = 0, nobjs = 0;
	rc = -1;
	if (store_ledger_events(s, NULL, take_event, &j, err) || store_org_list(s, NULL, take_name, &c.recipients, err) ||
	    store_appropriation_list(s, 0, take_approp, &c, err))
		goto done;
	booked_on(&j);
	/* What is booked in the period, in date order. */
	sel = xcalloc(j.n ? j.n : 1, sizeof(*sel));
	for (size_t i = 0; i < j.n; i++) {
		struct jev *e = &j.v[i];
		if (strcmp(e->date, in->from) < 0 || strcmp(e->date, in->to) > 0 || e->amount <= 0)
			continue;
		enum event_kind k = e->kind;
		if (k == EV_CORRECTION) {
			/* The corrected event, earlier in the journal. */
			const struct jev *r = NULL;
			for (size_t m = 0; e->ref && m < i && !r; m++)
				if (strcmp(j.v[m].id, e->ref) == 0)
					r = &j.v[m];
			if (!r)
				continue;
			k = r->kind;
		}
		if (!book_kind_bookable(k) || !in->chart->rule[k].booked)
			continue;
		sel[nsel++] = e;
	}
	qsort(sel, nsel, sizeof(*sel), jev_cmp);
	/* Rows: at most two per post of each event; count first. */
	size_t maxrows = 0;
	for (size_t i = 0; i < nsel; i++) {
		struct fpart *p = part_of(&c, sel[i]->dnr, sel[i]->part, err);
		if (!p)
			goto done;
		maxrows += 2 * (p->nposts ? p->nposts : 1);
	}
	vers = xcalloc(nsel ? nsel : 1, sizeof(*vers));
	rows = xcalloc(maxrows ? maxrows : 1, sizeof(*rows));
	objs = xcalloc(maxrows ? 2 * maxrows : 1, sizeof(*objs));
	int64_t *share = NULL;
	for (size_t i = 0; i < nsel; i++) {
		struct jev *e = sel[i];
		bool reverse = e->kind == EV_CORRECTION;
		enum event_kind k = e->kind;
		if (reverse)
			for (size_t m = 0; m < j.n; m++)
				if (strcmp(j.v[m].id, e->ref) == 0)
					k = j.v[m].kind;
		const struct book_rule *br = &in->chart->rule[k];
		const char *debit = reverse ? br->credit : br->debit, *credit = reverse ? br->debit : br->credit;
		declare_account(&c, br->debit, br->debit_name);
		declare_account(&c, br->credit, br->credit_name);
		struct fpart *p = part_of(&c, e->dnr, e->part, err);
		size_t np = p->nposts ? p->nposts : 1;
		share = xreallocarray(share, np, sizeof(*share));
		if (p->nposts) {
			if (split(p, e->amount, share, err)) {
				free(share);
				goto done;
			}
		} else {
			share[0] = e->amount;
		}
		size_t first = nrows;
		for (size_t q = 0; q < np; q++) {
			if (share[q] == 0)
				continue;
			const struct sie_objref *o = NULL;
			size_t no = 0;
			if (p->nposts) {
				const struct fpost *ps = &p->posts[q];
				const struct appropriation_use *a = approp_of(&c, ps);
				char id[128], name[512];
				snprintf(id, sizeof(id), "%d %s", ps->uo, ps->anslag);
				snprintf(name, sizeof(name), "%s", a && a->anslag_name ? a->anslag_name : id);
				const char *aid = declare_object(&c, SIE_DIM_ANSLAG, id, name);
				snprintf(id, sizeof(id), "%d %s ap.%d", ps->uo, ps->anslag, ps->post);
				snprintf(name, sizeof(name), "%s", a && a->post_name ? a->post_name : id);
				const char *pid = declare_object(&c, SIE_DIM_ANSLAGSPOST, id, name);
				objs[nobjs] = (struct sie_objref){SIE_DIM_ANSLAG, aid};
				objs[nobjs + 1] = (struct sie_objref){SIE_DIM_ANSLAGSPOST, pid};
				o = &objs[nobjs];
				no = 2;
				nobjs += 2;
			}
			rows[nrows++] = (struct sie_trans){.account = P(&c, debit), .objects = o, .nobjects = no, .amount = share[q]};
			rows[nrows++] = (struct sie_trans){.account = P(&c, credit), .objects = o, .nobjects = no, .amount = -share[q]};
		}
		char text[600];
		snprintf(text, sizeof(text), "%s%s %s %s, %s (%s)", reverse ? "Rättelse: " : "", book_text(k), e->dnr, e->part,
			 name_of(&c.recipients, e->recipient), e->id);
		vers[i] = (struct sie_ver){.series = "B", .number = (long)i + 1, .date = e->date, .text = P(&c, text),
					   .rows = &rows[first], .nrows = nrows - first};
		sum->events[e->kind]++;
		sum->amount[e->kind] += e->amount;
	}
	free(share);
	sum->vers = (long)nsel;
	sum->rows = (long)nrows;
	/* The financial years: the calendar years of the period, the latest first. */
	int y0 = atoi(in->from), y1 = atoi(in->to);
	size_t nyears = (size_t)(y1 - y0 + 1);
	struct sie_year *years = xcalloc(nyears, sizeof(*years));
	for (size_t i = 0; i < nyears; i++) {
		char a[DATE_LEN], b[DATE_LEN];
		snprintf(a, sizeof(a), "%04d-01-01", y1 - (int)i);
		snprintf(b, sizeof(b), "%04d-12-31", y1 - (int)i);
		years[i] = (struct sie_year){P(&c, a), P(&c, b)};
	}
	static const struct sie_dim dims[] = {{SIE_DIM_ANSLAG, "Anslag"}, {SIE_DIM_ANSLAGSPOST, "Anslagspost"}};
	struct sie_file f = {
		.program = "bidrag",
		.version = BIDRAG_VERSION,
		.generated = in->generated,
		.signature = in->signature,
		.company = ag.name,
		.orgnr = ag.orgnr[0] ? ag.orgnr : NULL,
		.years = years,
		.nyears = nyears,
		.currency = "SEK",
		.accounts = c.accounts,
		.naccounts = c.naccounts,
		.dims = dims,
		.ndims = BD_ARRAY_LEN(dims),
		.objects = c.objects,
		.nobjects = c.nobjects,
		.vers = vers,
		.nvers = nsel,
	};
	rc = sie_write(&f, out, err) ? 1 : 0;
	free(years);
done:
	free(sel);
	free(vers);
	free(rows);
	free(objs);
	free(j.v);
	strpool_release(&j.pool);
	ctx_release(&c);
	return rc;
}
