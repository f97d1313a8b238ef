/* claims.c: a repayment claim's letter.  See claims.h. */
#include "claims.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "claimletter.h"
#include "store-bank.h"

struct claim_copy {
	bool found;
	int64_t number, amount, matched;
	bool corrected;
	char ocr[32], dnr[64], part[64], recipient[64], recipient_name[256], date[DATE_LEN];
};

static int take_claim(void *ctx, const struct repay_claim_row *c)
{
	struct claim_copy *k = ctx;
	k->found = true;
	k->number = c->number;
	k->amount = c->amount;
	k->matched = c->matched;
	k->corrected = c->corrected;
	snprintf(k->ocr, sizeof(k->ocr), "%s", c->ocr);
	snprintf(k->dnr, sizeof(k->dnr), "%s", c->dnr);
	snprintf(k->part, sizeof(k->part), "%s", c->part);
	snprintf(k->recipient, sizeof(k->recipient), "%s", c->recipient);
	snprintf(k->recipient_name, sizeof(k->recipient_name), "%s", c->recipient_name ? c->recipient_name : c->recipient);
	snprintf(k->date, sizeof(k->date), "%s", c->date);
	return 0;
}

struct org_copy {
	char name[256], orgnr[32], bankgiro[32];
};

static int take_org(void *ctx, const struct org *o)
{
	struct org_copy *c = ctx;
	snprintf(c->name, sizeof(c->name), "%s", o->name);
	snprintf(c->orgnr, sizeof(c->orgnr), "%s", o->orgnr ? o->orgnr : "");
	snprintf(c->bankgiro, sizeof(c->bankgiro), "%s", o->bankgiro ? o->bankgiro : "");
	return 0;
}

struct part_copy {
	char title[512], due[DATE_LEN];
};

static int take_account(void *ctx, const struct ledger_account *a)
{
	struct part_copy *p = ctx;
	snprintf(p->title, sizeof(p->title), "%s", a->part_title ? a->part_title : "");
	snprintf(p->due, sizeof(p->due), "%s", a->repayment_deadline ? a->repayment_deadline : "");
	return 0;
}

int claim_letter_make(struct store *s, int64_t number, const char *date, const char *path, struct bd_error *err)
{
	struct claim_copy k = {0};
	int rc = store_repay_claims(s, number, take_claim, &k, err);
	if (rc < 0)
		return -1;
	if (!k.found) {
		bd_failc(err, BD_NOT_FOUND, "no repayment claim %" PRId64 " (see 'bidrag repay list')", number);
		return 1;
	}
	if (k.corrected) {
		bd_fail(err, "claim %" PRId64 " was corrected (withdrawn): there is nothing to claim", number);
		return 1;
	}
	struct org_copy agency = {0}, who = {0};
	rc = store_org_get(s, CLAIMS_AGENCY, take_org, &agency, err);
	if (rc < 0)
		return -1;
	if (rc == 1 || !agency.bankgiro[0]) {
		bd_fail(err, "the agency (%s) has no bankgiro in the register to pay the claim to (set it with 'bidrag org "
			     "set')",
			CLAIMS_AGENCY);
		return 1;
	}
	if (store_org_get(s, k.recipient, take_org, &who, err) < 0)
		return -1;
	struct part_copy p = {0};
	if (store_ledger_accounts(s, k.dnr, k.part, k.recipient, NULL, take_account, &p, err))
		return -1;
	struct claim_letter l = {
		.agency = agency.name,
		.agency_orgnr = agency.orgnr[0] ? agency.orgnr : NULL,
		.agency_bankgiro = agency.bankgiro,
		.recipient = who.name[0] ? who.name : k.recipient_name,
		.recipient_orgnr = who.orgnr[0] ? who.orgnr : NULL,
		.dnr = k.dnr,
		.part = k.part,
		.part_title = p.title[0] ? p.title : NULL,
		.number = k.number,
		.ocr = k.ocr,
		.amount = k.amount,
		.paid = k.matched,
		.claimed_on = k.date,
		.due = p.due[0] ? p.due : NULL,
		.date = date,
	};
	return claim_letter_write(&l, path, err) ? -1 : 0;
}
