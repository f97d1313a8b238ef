#include "keyimpact.h"

#include <stdlib.h>
#include <string.h>

#include "allocation.h"
#include "refdata.h"

int keyimpact_recompute(const struct part *p, const struct key_values *const *keys, int64_t *amount,
			struct bd_error *err)
{
	if (p->rule.method == RULE_LIST)
		return bd_fail(err, "part %s lists its amounts: no key allocates it", p->id);
	size_t nkeys = p->rule.method == RULE_EQUAL ? 0 : p->rule.nkeys;
	struct apportion_key *ak = xcalloc(nkeys ? nkeys : 1, sizeof(*ak));
	int64_t **vals = xcalloc(nkeys ? nkeys : 1, sizeof(*vals));
	int rc = 0;
	for (size_t k = 0; k < nkeys && !rc; k++) {
		vals[k] = xcalloc(p->ncodes ? p->ncodes : 1, sizeof(int64_t));
		for (size_t r = 0; r < p->ncodes && !rc; r++)
			if (!key_value_of(keys[k], p->codes[r], &vals[k][r])) {
				const struct recipient *rc2 = refdata_by_code(p->codes[r]);
				rc = bd_fail(err, "part %s: %s version %d has no value for %s (%s)", p->id, keys[k]->name,
					     keys[k]->version, rc2 ? rc2->name : p->codes[r], p->codes[r]);
			}
		ak[k] = (struct apportion_key){vals[k], p->rule.keys[k].weight, keys[k]->name};
	}
	if (!rc) {
		/* The register's rule: largest remainder over the part's amount
		 * (decision_allocate). */
		struct allocation_rule rule = {nkeys, ak, p->amount, p->rule.base, p->rule.unit,
					       APPORTION_LARGEST_REMAINDER};
		struct apportion_weights w;
		apportion_weights_init(&w);
		int64_t residual;
		if (allocation_run(&rule, p->ncodes, p->codes, &w, amount, &residual, err) != ALLOCATION_OK) {
			bd_prefix(err, "part %s", p->id);
			rc = -1;
		}
		apportion_weights_release(&w);
	}
	for (size_t k = 0; k < nkeys; k++)
		free(vals[k]);
	free(vals);
	free(ak);
	return rc;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void keyimpact_propose(int64_t then_kr, int64_t now_kr, int64_t applied, const struct ledger_balance *b,
		       enum payment_mode mode, struct keyimpact_proposal *out)
{
	memset(out, 0, sizeof(*out));
	const int64_t *x = b->b;
	int64_t target = now_kr * 100;
	out->target = target;
	/* What the key gives the recipient as the account stands: the locked
	 * allocation and what earlier corrections changed of it. */
	int64_t delta = target - (then_kr * 100 + applied);
	if (delta > 0) {
		if (mode == PAY_REQUISITION && x[B_LAPSED] > 0 && x[B_AVAIL] == 0 && x[B_REQUISITIONED] == 0 &&
		    x[B_REGISTERED] + x[B_ATTESTED] + x[B_PAID] + x[B_CLAIMED] + x[B_REPAID] == 0) {
			out->lapsed = true; /* nothing requisitioned in time: a rise lapses too */
			return;
		}
		out->raise = delta;
		int64_t started = x[B_REGISTERED] + x[B_ATTESTED] + x[B_PAID] + x[B_CLAIMED] + x[B_REPAID];
		if (mode == PAY_WITHOUT_REQUISITION && started > 0)
			out->pay = delta;
		else
			out->later = true;
		return;
	}
	if (delta == 0)
		return;
	int64_t cut = -delta;
	out->reduce_avail = min64(cut, x[B_AVAIL]);
	cut -= out->reduce_avail;
	if (out->reduce_avail == x[B_AVAIL]) {
		out->reduce_req = min64(cut, x[B_REQUISITIONED]);
		cut -= out->reduce_req;
	}
	/* The rest is in payments: claimed back what was paid beyond the
	 * corrected allocation; beyond that, payments not yet executed. */
	int64_t over = x[B_PAID] - target;
	out->claim = over > 0 ? min64(over, cut) : 0;
	cut -= out->claim;
	out->excess_pending = min64(cut, x[B_REGISTERED] + x[B_ATTESTED]);
}

bool keyimpact_empty(const struct keyimpact_proposal *p)
{
	return !p->raise && !p->reduce_avail && !p->reduce_req && !p->pay && !p->claim;
}
