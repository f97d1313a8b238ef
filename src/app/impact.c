#include "impact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "money.h"

#include "refdata.h"
#include "register.h"

void impact_release(struct impact *im)
{
	for (size_t i = 0; i < im->nparts; i++)
		free(im->parts[i].rows);
	free(im->parts);
	strpool_release(&im->pool);
	memset(im, 0, sizeof(*im));
}

static const char *keep(struct impact *im, const char *s)
{
	return s ? strpool_strdup(&im->pool, s) : NULL;
}

/* The parts that used an earlier version: (version, dnr, part). */
struct use {
	int version;
	char *dnr, *part;
};
struct uses {
	const char *name;
	int before;
	struct use *v;
	size_t n;
};

static int take_use(void *ctx, const struct dataset_use *u)
{
	struct uses *c = ctx;
	if (!u->dnr || !u->part || u->version >= c->before || strcmp(u->name, c->name) != 0)
		return 0;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct use){u->version, xstrdup(u->dnr), xstrdup(u->part)};
	return 0;
}

static void uses_release(struct uses *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].dnr);
		free(u->v[i].part);
	}
	free(u->v);
}

/* A part's locked rows. */
struct locked {
	const char *part;
	size_t n;
	char **code;
	int64_t *amount;
};

static int take_lock(void *ctx, const struct part_lock *l)
{
	struct locked *k = ctx;
	if (strcmp(l->part, k->part) != 0)
		return 0;
	k->n = l->nrows;
	k->code = xcalloc(l->nrows + 1, sizeof(char *));
	k->amount = xcalloc(l->nrows + 1, sizeof(int64_t));
	for (size_t i = 0; i < l->nrows; i++) {
		k->code[i] = xstrdup(l->code[i]);
		k->amount[i] = l->amount[i];
	}
	return 0;
}

static void locked_release(struct locked *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->code[i]);
	free(k->code);
	free(k->amount);
}

/* The accounts of a part. */
struct acct {
	char *code;
	struct ledger_balance bal;
	struct ledger_terms terms;
	bool has;
};
struct accts {
	struct acct *v;
	size_t n;
};

static int take_account(void *ctx, const struct ledger_account *a)
{
	struct accts *c = ctx;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct acct *x = &c->v[c->n++];
	x->code = xstrdup(a->recipient);
	x->bal = *a->balance;
	x->terms = *a->terms;
	x->has = true;
	return 0;
}

static void accts_release(struct accts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].code);
	free(c->v);
}

/* What earlier corrections carried out on a part's accounts: the events
 * impact_events made (by their ids) that stand (not corrected). */
struct applied_ev {
	char *id, *part, *recipient;
	int kind;
	int64_t amount;
	bool corrected;
};
struct applied {
	struct applied_ev *v;
	size_t n;
	char **corrected; /* ids a correction refers to */
	size_t ncorrected;
};

static int take_event(void *ctx, const struct ledger_row *r)
{
	struct applied *a = ctx;
	int kind = event_kind_parse(r->kind);
	if (kind == EV_CORRECTION && r->ref) {
		a->corrected = xreallocarray(a->corrected, a->ncorrected + 1, sizeof(char *));
		a->corrected[a->ncorrected++] = xstrdup(r->ref);
		return 0;
	}
	if (strncmp(r->id, IMPACT_ID_PREFIX, strlen(IMPACT_ID_PREFIX)) != 0 ||
	    (kind != EV_ALLOC_RAISE && kind != EV_ALLOC_REDUCE && kind != EV_REPAY_CLAIM))
		return 0;
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = (struct applied_ev){xstrdup(r->id), xstrdup(r->part), xstrdup(r->recipient), kind, r->amount,
					   false};
	return 0;
}

static void applied_release(struct applied *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].id);
		free(a->v[i].part);
		free(a->v[i].recipient);
	}
	free(a->v);
	for (size_t i = 0; i < a->ncorrected; i++)
		free(a->corrected[i]);
	free(a->corrected);
}

static int64_t applied_on(const struct applied *a, const char *part, const char *code)
{
	int64_t sum = 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct applied_ev *e = &a->v[i];
		if (strcmp(e->part, part) != 0 || strcmp(e->recipient, code) != 0)
			continue;
		bool corrected = false;
		for (size_t k = 0; k < a->ncorrected && !corrected; k++)
			corrected = strcmp(a->corrected[k], e->id) == 0;
		if (corrected)
			continue;
		sum += e->kind == EV_ALLOC_RAISE ? e->amount : -e->amount;
	}
	return sum;
}

static const char *rule_name(enum rule_method m)
{
	return m == RULE_KEY ? "key" : m == RULE_MIX ? "mix" : m == RULE_EQUAL ? "equal" : "list";
}

/* One part: recomputed twice, compared with its locked rows and accounts. */
static int part_impact(struct store *s, struct impact *im, const struct decision *d, const struct part *p,
		       int from_version, const struct applied *applied, struct bd_error *err)
{
	struct strpool pool;
	strpool_init(&pool);
	size_t nk = p->rule.nkeys;
	const struct key_values **then_keys = xcalloc(nk + 1, sizeof(*then_keys));
	const struct key_values **now_keys = xcalloc(nk + 1, sizeof(*now_keys));
	int64_t *then_rule = xcalloc(p->ncodes + 1, sizeof(int64_t)), *now_rule = xcalloc(p->ncodes + 1, sizeof(int64_t));
	struct locked lk = {.part = p->id};
	struct accts ac = {0};
	int rc = 0;
	for (size_t k = 0; k < nk && !rc; k++) {
		const struct rule_key *rk = &p->rule.keys[k];
		struct key_values *then = strpool_alloc(&pool, sizeof(*then)), *now = then;
		bool corrected = strcmp(rk->dataset, im->name) == 0;
		int r = store_dataset_values(s, rk->dataset, corrected ? from_version : rk->version, &pool, then, err);
		if (r == 0 && corrected) {
			now = strpool_alloc(&pool, sizeof(*now));
			r = store_dataset_values(s, rk->dataset, im->version, &pool, now, err);
		}
		if (r)
			rc = r < 0 ? -1
				   : bd_fail(err, "%s part %s: its key %s version %d is not in the register", d->dnr, p->id,
					     rk->dataset, rk->version);
		then_keys[k] = then;
		now_keys[k] = now;
	}
	if (!rc && (keyimpact_recompute(p, then_keys, then_rule, err) || keyimpact_recompute(p, now_keys, now_rule, err))) {
		bd_prefix(err, "%s", d->dnr);
		rc = -1;
	}
	if (!rc)
		rc = store_part_locks(s, d->dnr, take_lock, &lk, err);
	if (!rc)
		rc = store_ledger_accounts(s, d->dnr, p->id, NULL, NULL, take_account, &ac, err);
	if (rc)
		goto done;
	struct impact_part *ip = &im->parts[im->nparts];
	memset(ip, 0, sizeof(*ip));
	ip->dnr = keep(im, d->dnr);
	ip->part = keep(im, p->id);
	ip->title = keep(im, p->title);
	ip->decision_date = keep(im, d->date);
	ip->from_version = from_version;
	ip->amount = p->amount;
	ip->rule = rule_name(p->rule.method);
	ip->nrecipients = p->ncodes;
	ip->rows = xcalloc(p->ncodes + 1, sizeof(*ip->rows));
	for (size_t r = 0; r < p->ncodes; r++) {
		const char *code = p->codes[r];
		size_t li = 0;
		while (li < lk.n && strcmp(lk.code[li], code) != 0)
			li++;
		if (li == lk.n) {
			rc = bd_fail(err, "%s part %s: no locked row for %s", d->dnr, p->id, code);
			goto done;
		}
		int64_t then = lk.amount[li], now = then + now_rule[r] - then_rule[r];
		if (now < 0) {
			rc = bd_fail(err, "%s part %s: the corrected key would give %s less than nothing (its published "
					  "row is %lld kr)",
				     d->dnr, p->id, code, (long long)then);
			goto done;
		}
		const struct acct *a = NULL;
		for (size_t i = 0; i < ac.n && !a; i++)
			if (strcmp(ac.v[i].code, code) == 0)
				a = &ac.v[i];
		struct ledger_balance bal;
		if (a) {
			bal = a->bal;
			ip->terms = a->terms;
		} else {
			ledger_open(&bal, then * 100);
		}
		int64_t done_before = applied_on(applied, p->id, code);
		struct keyimpact_proposal prop;
		keyimpact_propose(then, now, done_before, &bal, p->pay.mode, &prop);
		if (then == now && keyimpact_empty(&prop) && !prop.excess_pending)
			continue;
		const struct recipient *rec = refdata_by_code(code);
		struct impact_row *row = &ip->rows[ip->nrows++];
		*row = (struct impact_row){
			.code = keep(im, code), .name = keep(im, rec ? rec->name : code), .then = then, .now = now,
			.allocated = bal.allocated, .paid = bal.b[B_PAID] + bal.b[B_CLAIMED] + bal.b[B_REPAID],
			.in_process = bal.b[B_REGISTERED] + bal.b[B_ATTESTED],
			.claimed = bal.b[B_CLAIMED] + bal.b[B_REPAID], .applied = done_before, .prop = prop,
		};
		ip->changed_then += then;
		ip->changed_now += now;
	}
	if (!ac.n) {
		/* No account yet: the part's terms as the ledger reads them. */
		ip->terms.mode = p->pay.mode;
		memcpy(ip->terms.decision_date, d->date, DATE_LEN);
		memcpy(ip->terms.from, p->pay.from, DATE_LEN);
		memcpy(ip->terms.to, p->pay.to, DATE_LEN);
		memcpy(ip->terms.by, p->pay.by, DATE_LEN);
	}
	if (ip->nrows)
		im->nparts++;
	else {
		free(ip->rows);
		im->unaffected++;
	}
done:
	accts_release(&ac);
	locked_release(&lk);
	free(then_rule);
	free(now_rule);
	free(then_keys);
	free(now_keys);
	strpool_release(&pool);
	return rc;
}

int impact_compute(struct store *s, const char *ref, struct impact *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	strpool_init(&out->pool);
	struct dataset_set set;
	if (dataset_set_load(&set, s, err))
		return -1;
	const struct dataset *ds;
	if (dataset_set_find(&set, ref, &ds, err)) {
		dataset_set_release(&set);
		return -1;
	}
	out->name = keep(out, ds->name);
	out->version = ds->version;
	out->corrects = ds->has_origin ? ds->origin.corrects : 0;
	out->reason = ds->has_origin ? keep(out, ds->origin.reason) : NULL;
	dataset_set_release(&set);

	struct uses u = {out->name, out->version, NULL, 0};
	struct applied ap = {0};
	int rc = store_dataset_uses(s, out->name, take_use, &u, err);
	out->parts = xcalloc(u.n + 1, sizeof(*out->parts));
	for (size_t i = 0; i < u.n && !rc; i++) {
		/* A decision once, with its journal: every part of it that used an
		 * earlier version. */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(u.v[j].dnr, u.v[i].dnr) == 0;
		if (seen)
			continue;
		struct decision d;
		decision_init(&d);
		applied_release(&ap);
		memset(&ap, 0, sizeof(ap));
		rc = register_load(s, u.v[i].dnr, &d, err);
		if (rc == 1)
			rc = bd_fail(err, "decision %s is not in the register", u.v[i].dnr);
		if (!rc)
			rc = store_ledger_events(s, u.v[i].dnr, take_event, &ap, err);
		for (size_t j = i; j < u.n && !rc; j++) {
			if (strcmp(u.v[j].dnr, u.v[i].dnr) != 0)
				continue;
			const struct part *p = NULL;
			for (size_t k = 0; k < d.nparts && !p; k++)
				if (strcmp(d.parts[k].id, u.v[j].part) == 0)
					p = &d.parts[k];
			if (!p) {
				rc = bd_fail(err, "decision %s has no part %s", u.v[i].dnr, u.v[j].part);
				break;
			}
			rc = part_impact(s, out, &d, p, u.v[j].version, &ap, err);
		}
		decision_release(&d);
	}
	applied_release(&ap);
	uses_release(&u);
	if (rc)
		impact_release(out);
	return rc ? -1 : 0;
}

/* event_id: "impact-" and 20 hex digits of what the event is. */
static const char *event_id(struct impact *im, const struct impact_part *p, const struct impact_row *r,
			    const char *what)
{
	char *text = xasprintf("%s\x1f%d\x1f%s\x1f%s\x1f%s\x1f%s", im->name, im->version, p->dnr, p->part, r->code, what);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	free(text);
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	char id[64];
	snprintf(id, sizeof(id), "%s%.20s", IMPACT_ID_PREFIX, hex);
	return keep(im, id);
}

/* outside_window: a payment dated date breaks the part's payment window. */
static bool outside_window(const struct ledger_terms *t, const char *date)
{
	if (t->from[0] && (strcmp(date, t->from) < 0 || (t->to[0] && strcmp(date, t->to) > 0)))
		return true;
	return t->by[0] && strcmp(date, t->by) > 0;
}

int impact_events(struct impact *im, const char *date, const char *actor, struct ledger_input **ev, size_t *n,
		  struct bd_error *err)
{
	*ev = NULL;
	*n = 0;
	if (!date_valid(date))
		return bd_fail(err, "date '%s' is not a date (expected YYYY-MM-DD)", date);
	char *why = im->corrects ? xasprintf("rättad nyckel %s@%d (rättar version %d: %s)", im->name, im->version,
					     im->corrects, im->reason ? im->reason : "")
				 : xasprintf("rättad nyckel %s@%d", im->name, im->version);
	const char *reason = keep(im, why);
	free(why);
	size_t cap = 0;
	for (size_t i = 0; i < im->nparts; i++)
		cap += im->parts[i].nrows * 5;
	struct ledger_input *v = xcalloc(cap + 1, sizeof(*v));
	for (size_t i = 0; i < im->nparts; i++) {
		const struct impact_part *p = &im->parts[i];
		for (size_t r = 0; r < p->nrows; r++) {
			const struct impact_row *row = &p->rows[r];
			const struct keyimpact_proposal *q = &row->prop;
			struct ledger_input base = {.dnr = p->dnr, .part = p->part, .recipient = row->code,
						    .actor = actor, .reason = reason};
			memcpy(base.date, date, DATE_LEN);
			struct {
				enum event_kind kind;
				int64_t amount;
				const char *what;
			} steps[] = {
				{EV_ALLOC_RAISE, q->raise, "raise"},
				{EV_PAYMENT, q->pay, "pay"},
				{EV_ALLOC_REDUCE, q->reduce_avail, "reduce"},
				{EV_ALLOC_REDUCE, q->reduce_req, "reduce-requisitioned"},
				{EV_REPAY_CLAIM, q->claim, "claim"},
			};
			for (size_t k = 0; k < BD_ARRAY_LEN(steps); k++) {
				if (!steps[k].amount)
					continue;
				struct ledger_input e = base;
				e.kind = steps[k].kind;
				e.amount = steps[k].amount;
				e.id = event_id(im, p, row, steps[k].what);
				if (e.kind == EV_PAYMENT && outside_window(&p->terms, date))
					e.override = reason; /* the window's exception, for the attestant */
				v[(*n)++] = e;
			}
		}
	}
	*ev = v;
	return 0;
}

/* ore_text: öre as kronor, with öre when there are any ("1 234" or
 * "1 234,50"). */
static char *ore_text(int64_t ore, char *buf)
{
	if (ore % 100 == 0)
		return fmt_kr(ore / 100, buf);
	return fmt_ore(ore, buf);
}

char *impact_proposal_text(const struct keyimpact_proposal *q)
{
	struct buf b;
	buf_init(&b, 4096);
	char x[NUM_BUFSZ];
	if (q->lapsed)
		buf_adds(&b, "nothing: the right has lapsed");
	if (q->raise)
		buf_addf(&b, "raise %s kr", ore_text(q->raise, x));
	if (q->pay)
		buf_addf(&b, ", pay %s kr (to attest)", ore_text(q->pay, x));
	else if (q->later)
		buf_adds(&b, " (paid with the part's payments)");
	if (q->reduce_avail || q->reduce_req)
		buf_addf(&b, "%sreduce %s kr unpaid", b.len ? ", " : "", ore_text(q->reduce_avail + q->reduce_req, x));
	if (q->claim)
		buf_addf(&b, "%sclaim %s kr back", b.len ? ", " : "", ore_text(q->claim, x));
	if (q->excess_pending)
		buf_addf(&b, "%s%s kr in payments not yet executed is beyond it: withdraw and plan again",
			 b.len ? "; " : "", ore_text(q->excess_pending, x));
	if (!b.len)
		buf_adds(&b, "none (carried out)");
	return b.data;
}

json_t *impact_to_json(const struct impact *im)
{
	json_t *o = json_object(), *parts = json_array();
	json_object_set_new(o, "dataset", json_string(im->name));
	json_object_set_new(o, "version", json_integer(im->version));
	json_object_set_new(o, "corrects", im->corrects ? json_integer(im->corrects) : json_null());
	json_object_set_new(o, "reason", im->reason ? json_string(im->reason) : json_null());
	for (size_t i = 0; i < im->nparts; i++) {
		const struct impact_part *p = &im->parts[i];
		json_t *jp = json_object(), *rows = json_array();
		json_object_set_new(jp, "dnr", json_string(p->dnr));
		json_object_set_new(jp, "part", json_string(p->part));
		json_object_set_new(jp, "title", json_string(p->title));
		json_object_set_new(jp, "from_version", json_integer(p->from_version));
		json_object_set_new(jp, "amount", json_integer(p->amount));
		json_object_set_new(jp, "rule", json_string(p->rule));
		json_object_set_new(jp, "recipients", json_integer((json_int_t)p->nrecipients));
		for (size_t r = 0; r < p->nrows; r++) {
			const struct impact_row *w = &p->rows[r];
			const struct keyimpact_proposal *q = &w->prop;
			char *text = impact_proposal_text(q);
			json_array_append_new(
				rows, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
						"s:b, s:b, s:s}}",
						"code", w->code, "recipient", w->name, "then", (json_int_t)w->then, "now",
						(json_int_t)w->now, "difference", (json_int_t)(w->now - w->then),
						"allocated_ore", (json_int_t)w->allocated, "paid_ore", (json_int_t)w->paid,
						"in_process_ore", (json_int_t)w->in_process, "claimed_ore",
						(json_int_t)w->claimed, "proposal", "raise_ore", (json_int_t)q->raise,
						"pay_ore", (json_int_t)q->pay, "reduce_ore",
						(json_int_t)(q->reduce_avail + q->reduce_req), "claim_ore",
						(json_int_t)q->claim, "excess_pending_ore", (json_int_t)q->excess_pending,
						"target_ore", (json_int_t)q->target, "later", q->later, "lapsed", q->lapsed,
						"text", text));
			free(text);
		}
		json_object_set_new(jp, "rows", rows);
		json_array_append_new(parts, jp);
	}
	json_object_set_new(o, "parts", parts);
	json_object_set_new(o, "unaffected_parts", json_integer((json_int_t)im->unaffected));
	return o;
}


/* Carrying the proposal out: one transaction that computes the impact,
 * makes its events and records them. */
struct apply_tx {
	const char *ref, *date, *actor, *want_plan;
	bool dry_run;
	struct impact_applied *a;
	size_t failed_at;
	bool refused; /* an event refused, or the plan changed: not a database failure */
};

static void applied_clear(struct impact_applied *a)
{
	free(a->ev);
	free(a->out);
	free(a->sum);
	if (a->im.name || a->im.parts)
		impact_release(&a->im);
	memset(a, 0, sizeof(*a));
}

void impact_applied_release(struct impact_applied *a)
{
	applied_clear(a);
}

static void plan_digest(const struct ledger_input *ev, size_t n, char hex[65])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		char line[512];
		int len = snprintf(line, sizeof(line), "%s|%s|%lld|%s\n", ev[i].id, event_kind_name(ev[i].kind),
				   (long long)ev[i].amount, ev[i].date);
		crypto_hash_sha256_update(&st, (const unsigned char *)line, (unsigned long long)len);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

static int apply_tx(struct store *s, void *ctx, struct bd_error *err)
{
	struct apply_tx *t = ctx;
	struct impact_applied *a = t->a;
	applied_clear(a); /* a retry starts again */
	t->refused = false;
	if (impact_compute(s, t->ref, &a->im, err)) {
		t->refused = err->code != BD_BUSY && err->code != BD_IO;
		return -1;
	}
	bd_strf(a->name, sizeof(a->name), "%s", a->im.name);
	a->version = a->im.version;
	if (impact_events(&a->im, t->date, t->actor, &a->ev, &a->n, err)) {
		t->refused = true;
		return -1;
	}
	plan_digest(a->ev, a->n, a->plan);
	/* The summary, per decision in the order of the parts. */
	a->sum = xcalloc(a->n + 1, sizeof(*a->sum));
	for (size_t i = 0; i < a->n; i++) {
		const struct ledger_input *e = &a->ev[i];
		size_t k = 0;
		while (k < a->nsum && strcmp(a->sum[k].dnr, e->dnr) != 0)
			k++;
		if (k == a->nsum)
			a->sum[a->nsum++].dnr = e->dnr;
		struct impact_sum *m = &a->sum[k];
		m->events++;
		if (e->kind == EV_ALLOC_RAISE)
			m->raise += e->amount;
		else if (e->kind == EV_PAYMENT)
			m->pay += e->amount, a->payments++;
		else if (e->kind == EV_ALLOC_REDUCE)
			m->reduce += e->amount;
		else if (e->kind == EV_REPAY_CLAIM)
			m->claim += e->amount;
	}
	if (t->want_plan && strcmp(t->want_plan, a->plan) != 0) {
		t->refused = true;
		return bd_failc(err, BD_CONFLICT,
				"the proposal of %s@%d has changed since it was shown (now %zu event%s): look at it again",
				a->name, a->version, a->n, a->n == 1 ? "" : "s");
	}
	if (t->dry_run || a->n == 0)
		return 0;
	if (t->actor)
		store_set_actor(s, t->actor); /* the audit log's entry for the batch */
	a->out = xcalloc(a->n, sizeof(*a->out));
	if (store_ledger_record(s, a->ev, a->n, a->out, &t->failed_at, err)) {
		t->refused = err->code != BD_BUSY && err->code != BD_IO;
		if (t->refused)
			bd_prefix(err, "event %zu (id '%s')", t->failed_at + 1, a->ev[t->failed_at].id);
		return -1;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (a->out[i] == LEDGER_RECORDED)
			a->recorded++;
		else
			a->already++;
	}
	return 0;
}

int impact_apply(struct store *s, const char *ref, const char *date, const char *actor, bool dry_run,
		 const char *want_plan, struct impact_applied *out, struct bd_error *err)
{
	memset(out, 0, sizeof(*out));
	if (sodium_init() < 0)
		return bd_failc(err, BD_IO, "libsodium could not be initialised");
	if (!date_valid(date))
		return bd_fail(err, "date '%s' is not a date (expected YYYY-MM-DD)", date);
	struct apply_tx t = {ref, date, actor, want_plan, dry_run, out, 0, false};
	int rc = dry_run ? apply_tx(s, &t, err) : store_tx_retry(s, apply_tx, &t, err);
	if (rc) {
		applied_clear(out);
		return -1;
	}
	return 0;
}

json_t *impact_applied_to_json(const struct impact_applied *a)
{
	json_t *o = json_object(), *sums = json_array(), *evs = json_array();
	json_object_set_new(o, "dataset", json_string(a->name));
	json_object_set_new(o, "version", json_integer(a->version));
	json_object_set_new(o, "plan", json_string(a->plan));
	json_object_set_new(o, "count", json_integer((json_int_t)a->n));
	json_object_set_new(o, "payments", json_integer((json_int_t)a->payments));
	if (a->out) {
		json_object_set_new(o, "recorded", json_integer((json_int_t)a->recorded));
		json_object_set_new(o, "already", json_integer((json_int_t)a->already));
	}
	for (size_t i = 0; i < a->nsum; i++) {
		const struct impact_sum *m = &a->sum[i];
		json_array_append_new(sums, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "dnr", m->dnr, "events",
						      (json_int_t)m->events, "raise_ore", (json_int_t)m->raise, "pay_ore",
						      (json_int_t)m->pay, "reduce_ore", (json_int_t)m->reduce, "claim_ore",
						      (json_int_t)m->claim));
	}
	json_object_set_new(o, "decisions", sums);
	for (size_t i = 0; i < a->n; i++) {
		const struct ledger_input *e = &a->ev[i];
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id", e->id, "kind",
				      event_kind_name(e->kind), "dnr", e->dnr, "part", e->part, "recipient", e->recipient,
				      "amount_ore", (json_int_t)e->amount, "date", e->date);
		if (a->out)
			json_object_set_new(j, "outcome",
					    json_string(a->out[i] == LEDGER_RECORDED ? "recorded" : "already"));
		json_array_append_new(evs, j);
	}
	json_object_set_new(o, "events", evs);
	return o;
}
