/* api-bank.c: the bank's files in (POST /api/bank/import), the entries
 * matched by hand under four eyes, the reconciliation views, and the
 * repayment claims with their OCR references (docs/api.md). */
#include "api-internal.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bankfile.h"
#include "bankimport.h"
#include "claims.h"
#include "deadlines.h"
#include "readfile.h"
#include "statusload.h"
#include "store-bank.h"

/* POST /api/bank/import {"name": the file's name, "data": its bytes in
 * base64}: the body is JSON like every write's (a cross-site form cannot
 * send one), the file inside it. */
int h_bank_import(struct web_req *r)
{
	json_t *b = r->json;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *data = json_string_value(json_object_get(b, "data"));
	if (!name || !*name || strlen(name) > 200)
		return web_error(r, 400, "name", "name: expected the file's name (1 to 200 characters)");
	if (!data)
		return web_error(r, 400, "data", "data: expected the file's bytes in base64");
	size_t dlen = strlen(data), cap = dlen / 4 * 3 + 3, len = 0;
	if (cap > BANKFILE_MAX + 3)
		return web_error(r, 413, "data", "the file is larger than %u bytes", BANKFILE_MAX);
	unsigned char *bytes = xmalloc(cap + 1);
	if (sodium_base642bin(bytes, cap, data, dlen, " \r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bytes);
		return web_error(r, 400, "data", "data: not base64 (the standard alphabet, with padding)");
	}
	bytes[len] = '\0';
	char shown[256];
	snprintf(shown, sizeof(shown), "%s", name);
	struct bank_import_report rep;
	struct bd_error err;
	int rc = bank_import_data(r->store, (const char *)bytes, len, shown, r->user->name, &rep, &err);
	free(bytes);
	if (rc) {
		bank_import_report_release(&rep);
		return rc > 0 ? web_error(r, 400, NULL, "%s", err.msg)
			      : web_error(r, err.code == BD_BUSY ? 503 : 500, NULL, "%s", err.msg);
	}
	const struct bank_import_result *res = &rep.result;
	json_t *lines = json_array(), *counts = json_object();
	for (size_t i = 0; i < res->nlines; i++) {
		const struct bank_import_line *l = &res->lines[i];
		json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:I}", "place", l->place,
				      "what", l->known ? "known" : bank_what_name(l->what), "known", l->known, "recorded",
				      l->recorded, "amount", (json_int_t)l->amount);
		if (l->payment_id)
			json_object_set_new(o, "payment", json_string(l->payment_id));
		if (l->claim)
			json_object_set_new(o, "claim", json_integer(l->claim));
		if (l->note)
			json_object_set_new(o, "note", json_string(l->note));
		json_array_append_new(lines, o);
	}
	for (int w = 0; w < BW_COUNT; w++)
		if (res->count[w])
			json_object_set_new(counts, bank_what_name((enum bank_what)w),
					    json_pack("{s:i, s:I}", "count", res->count[w], "amount", (json_int_t)res->amount[w]));
	json_t *body = json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:o, s:o, s:s}", "file", shown, "kind", rep.kind,
				 "sha256", rep.sha256, "again", res->again, "events", res->events, "known", res->known,
				 "skipped", (int)rep.skipped, "entries_by_outcome", counts, "entries", lines, "amounts",
				 "öre");
	if (res->again)
		json_object_set_new(body, "imported_before", json_pack("{s:s, s:s}", "by", res->again_by, "at", res->again_at));
	int status = res->again ? 200 : 201;
	bank_import_report_release(&rep);
	return web_json(r, status, body);
}

static int add_entry(void *ctx, const struct bank_entry_row *e)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)e->id, "date", e->date,
			      "file", e->file_name, "place", e->place, "what",
			      e->match_id ? "matched by hand" : bank_what_name(e->what), "direction", e->credit ? "in" : "out",
			      "amount", (json_int_t)e->amount, "currency", e->currency);
	const char *opt[][2] = {{"reference", e->reference}, {"reason", e->reason}, {"text", e->text},
				{"batch", e->batch},         {"payment", e->payment_id}, {"event", e->event_id},
				{"note", e->note}};
	for (size_t i = 0; i < BD_ARRAY_LEN(opt); i++)
		if (opt[i][1])
			json_object_set_new(o, opt[i][0], json_string(opt[i][1]));
	if (e->claim)
		json_object_set_new(o, "claim", json_integer(e->claim));
	if (e->match_id)
		json_object_set_new(o, "match", json_pack("{s:I, s:s?, s:I, s:s}", "id", (json_int_t)e->match_id, "payment",
							 e->match_payment, "claim", (json_int_t)e->match_claim, "approved_by",
							 e->match_by));
	if (e->open_id)
		json_object_set_new(o, "proposed", json_pack("{s:I, s:s}", "id", (json_int_t)e->open_id, "by", e->open_by));
	json_array_append_new(ctx, o);
	return 0;
}

/* GET /api/bank/entries[?unmatched=1] */
int h_bank_entries(struct web_req *r)
{
	const char *u = web_arg(r, "unmatched");
	json_t *arr = json_array();
	struct bd_error err;
	if (store_bank_entries(r->store, u && strcmp(u, "0") != 0, add_entry, arr, &err)) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:i, s:o}", "amounts", "öre", "overdue_after_days",
					  DEADLINES_UNMATCHED_DAYS, "entries", arr));
}

static int add_batch(void *ctx, const struct bank_batch_row *b)
{
	json_t *o = json_pack("{s:s, s:s?}", "batch", b->batch, "executed", b->exec_date);
	for (int st = 0; st <= BANK_STATE_COUNT; st++) {
		const char *k = st == BANK_STATE_COUNT ? "all" : bank_state_name((enum bank_state)st);
		json_object_set_new(o, k, json_pack("{s:i, s:I}", "count", b->count[st], "amount", (json_int_t)b->amount[st]));
	}
	json_array_append_new(ctx, o);
	return 0;
}

/* GET /api/bank/batches */
int h_bank_batches(struct web_req *r)
{
	json_t *arr = json_array();
	struct bd_error err;
	if (store_bank_batches(r->store, add_batch, arr, &err)) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o}", "amounts", "öre", "batches", arr));
}

static int add_payment(void *ctx, const struct bank_payment_row *p)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:I, s:s, s:s, s:s?, s:s?}",
					     "batch", p->batch, "end_to_end_id", p->end_to_end_id, "id", p->id,
					     "executed", p->exec_date, "dnr", p->dnr, "part", p->part, "recipient",
					     p->recipient, "recipient_name", p->recipient_name, "payee", p->payee,
					     "amount", (json_int_t)p->amount, "state", bank_state_name(p->state),
					     "state_sv", bank_state_sv(p->state), "state_date", p->state_date, "reason",
					     p->reason));
	return 0;
}

/* GET /api/bank/payments[?batch=B] */
int h_bank_payments(struct web_req *r)
{
	json_t *arr = json_array();
	struct bd_error err;
	if (store_bank_payments(r->store, web_arg(r, "batch"), add_payment, arr, &err)) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o}", "amounts", "öre", "payments", arr));
}

static int add_day(void *ctx, const struct bank_day_row *d)
{
	json_array_append_new(ctx, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:i, s:i}", "date", d->date, "bank_out",
					     (json_int_t)d->bank_out, "bank_in", (json_int_t)d->bank_in, "ledger_paid",
					     (json_int_t)d->ledger_paid, "ledger_back", (json_int_t)d->ledger_back,
					     "ledger_repaid", (json_int_t)d->ledger_repaid, "bank_entries", d->bank_entries,
					     "ledger_events", d->ledger_events));
	return 0;
}

/* GET /api/bank/days[?from=&to=] */
int h_bank_days(struct web_req *r)
{
	const char *from = web_arg(r, "from"), *to = web_arg(r, "to");
	if (from && !date_valid(from))
		return web_error(r, 400, "from", "from: '%s' is not a date (expected YYYY-MM-DD)", from);
	if (to && !date_valid(to))
		return web_error(r, 400, "to", "to: '%s' is not a date (expected YYYY-MM-DD)", to);
	json_t *arr = json_array();
	struct bd_error err;
	if (store_bank_days(r->store, from, to, add_day, arr, &err)) {
		json_decref(arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	return web_json(r, 200, json_pack("{s:s, s:o}", "amounts", "öre", "days", arr));
}

/* Matching by hand. */

struct match_ctx {
	int64_t entry, claim, match;
	const char *payment, *note, *verb;
	char date[DATE_LEN], event[128];
};

static int do_match(struct web_req *r, void *vctx, struct bd_error *err)
{
	struct match_ctx *c = vctx;
	if (strcmp(c->verb, "propose") == 0)
		return store_bank_match_propose(r->store, c->entry, c->claim, c->payment, c->note, c->date, &c->match, err);
	if (strcmp(c->verb, "approve") == 0)
		return store_bank_match_approve(r->store, c->entry, c->date, c->event, err);
	return store_bank_match_reject(r->store, c->entry, c->date, err);
}

static int entry_of(struct web_req *r, int64_t *out)
{
	json_t *v = json_object_get(r->json, "entry");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		web_error(r, 400, "entry", "entry: expected the number of a bank entry (GET /api/bank/entries)");
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int match_route(struct web_req *r, const char *verb)
{
	struct match_ctx c = {.verb = verb};
	date_today(c.date);
	if (entry_of(r, &c.entry))
		return 0;
	if (strcmp(verb, "propose") == 0) {
		json_t *claim = json_object_get(r->json, "claim");
		c.payment = json_string_value(json_object_get(r->json, "payment"));
		c.note = json_string_value(json_object_get(r->json, "note"));
		if (claim && (!json_is_integer(claim) || json_integer_value(claim) <= 0))
			return web_error(r, 400, "claim", "claim: expected a claim's number (GET /api/claims)");
		c.claim = claim ? json_integer_value(claim) : 0;
		if (!c.claim == !c.payment)
			return web_error(r, 400, NULL, "give claim or payment, one of them");
	}
	in_transaction(r, do_match, &c, 400);
	if (r->answered)
		return 0;
	json_t *body = json_pack("{s:I, s:s}", "entry", (json_int_t)c.entry, "state",
				 strcmp(verb, "propose") == 0 ? "proposed" : strcmp(verb, "approve") == 0 ? "approved" : "rejected");
	if (c.match)
		json_object_set_new(body, "match", json_integer(c.match));
	if (c.event[0])
		json_object_set_new(body, "event", json_string(c.event));
	return web_json(r, strcmp(verb, "propose") == 0 ? 201 : 200, body);
}

int h_bank_match(struct web_req *r)
{
	return match_route(r, "propose");
}

int h_bank_approve(struct web_req *r)
{
	return match_route(r, "approve");
}

int h_bank_reject(struct web_req *r)
{
	return match_route(r, "reject");
}

/* GET /api/claims: the repayment claims with their OCR references; a
 * mottagare sees its own organisation's. */
struct claims_ctx {
	struct web_req *r;
	json_t *arr;
	bool open;
};

static int add_claim(void *ctx, const struct repay_claim_row *k)
{
	struct claims_ctx *c = ctx;
	if (!org_allowed(c->r, k->recipient))
		return 0;
	if (c->open && (k->corrected || k->matched >= k->amount))
		return 0;
	const char *state = k->corrected ? "corrected" : k->matched >= k->amount ? "paid" : k->matched ? "part paid" : "open";
	json_array_append_new(c->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:s}", "number",
						(json_int_t)k->number, "ocr", k->ocr, "date", k->date, "dnr", k->dnr, "part",
						k->part, "recipient", k->recipient, "recipient_name", k->recipient_name,
						"event", k->event_id, "amount", (json_int_t)k->amount, "paid",
						(json_int_t)k->matched, "outstanding",
						(json_int_t)(k->corrected ? 0 : k->amount - k->matched), "state", state));
	return 0;
}

static int take_bankgiro(void *ctx, const struct org *o)
{
	snprintf(ctx, 32, "%s", o->bankgiro ? o->bankgiro : "");
	return 0;
}

int h_claims(struct web_req *r)
{
	const char *open = web_arg(r, "open");
	struct claims_ctx c = {r, json_array(), open && strcmp(open, "0") != 0};
	struct bd_error err;
	char bankgiro[32] = "";
	if (store_repay_claims(r->store, 0, add_claim, &c, &err) ||
	    store_org_get(r->store, CLAIMS_AGENCY, take_bankgiro, bankgiro, &err) < 0) {
		json_decref(c.arr);
		return web_error(r, 500, NULL, "%s", err.msg);
	}
	/* What a recipient pays to: the agency's bankgiro, with the claim's
	 * OCR reference. */
	return web_json(r, 200, json_pack("{s:s, s:s?, s:o}", "amounts", "öre", "bankgiro", bankgiro[0] ? bankgiro : NULL,
					  "claims", c.arr));
}

/* GET /api/claim/letter?claim=N[&date=YYYY-MM-DD]: the claim's letter, a
 * PDF with the agency's bankgiro and the claim's OCR reference, as 'bidrag
 * repay letter' writes it (dated today unless date).  A mottagare gets its
 * own organisation's claims only (another's is "no such claim"). */
struct letter_claim {
	bool found;
	char recipient[64];
};

static int take_letter_claim(void *ctx, const struct repay_claim_row *k)
{
	struct letter_claim *c = ctx;
	c->found = true;
	snprintf(c->recipient, sizeof(c->recipient), "%s", k->recipient);
	return 0;
}

int h_claim_letter(struct web_req *r)
{
	const char *arg = web_arg(r, "claim"), *date = web_arg(r, "date");
	char *end = NULL;
	long long n = arg && *arg >= '1' && *arg <= '9' ? strtoll(arg, &end, 10) : 0;
	if (n <= 0 || *end || n == LLONG_MAX)
		return web_error(r, 400, "claim", "claim: expected a claim's number (GET /api/claims)");
	char today[DATE_LEN];
	date_today(today);
	if (!date)
		date = today;
	else if (!date_valid(date))
		return web_error(r, 400, "date", "date: '%s' is not a date (expected YYYY-MM-DD)", date);
	struct letter_claim c = {0};
	struct bd_error err;
	int rc = store_repay_claims(r->store, (int64_t)n, take_letter_claim, &c, &err);
	if (rc < 0)
		return web_error(r, 500, NULL, "%s", err.msg);
	if (!c.found || !org_allowed(r, c.recipient))
		return web_error(r, 404, "claim", "no repayment claim %lld (GET /api/claims)", n);
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/bidrag-claim-XXXXXX", dir && dir[0] ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return web_error(r, 500, NULL, "claim letter: cannot make a temporary file in %s", dir && dir[0] ? dir : "/tmp");
	close(fd);
	rc = claim_letter_make(r->store, (int64_t)n, date, path, &err);
	char *pdf = NULL;
	size_t len = 0;
	if (rc == 0 && read_file(path, (size_t)64 << 20, &pdf, &len, &err))
		rc = -1;
	unlink(path);
	if (rc)
		return web_error(r, rc > 0 ? 409 : 500, rc > 0 ? "claim" : NULL, "%s", err.msg);
	char name[64];
	snprintf(name, sizeof(name), "aterkrav-%lld.pdf", n);
	return web_bytes(r, 200, "application/pdf", pdf, len, name);
}
