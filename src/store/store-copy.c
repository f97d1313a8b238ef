/* store-copy.c: copying a whole register from one store to another, of the
 * same engine or not (bidrag db copy).
 *
 * The rules live here, once for every pair of engines: which tables a
 * register has and their columns (the migrations give both engines the
 * same names), the order that satisfies the foreign keys, what an empty
 * target is, one snapshot read and one write transaction.  The engines only
 * scan and load rows as neutral values (engine.h).
 *
 * Rows are copied as they are, ids and all: the audit log's entries with
 * their hashes, in order (so its chain verifies on the target: nothing is
 * appended, not even an entry for the copy), ledger events with their
 * sequence numbers and ids, users with their password hashes, payment files
 * byte for byte.  Replaying or re-recording them instead would give new
 * times, new sequence numbers and a different chain. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "store.h"

#define I(n) {n, COPY_INT}
#define T(n) {n, COPY_TEXT}
#define B(n) {n, COPY_BLOB}
#define COLS(...) BD_ARRAY_LEN(((const struct copy_column[]){__VA_ARGS__})), (const struct copy_column[]){__VA_ARGS__}

/* Every table of the register, parents before children (and the ledger's
 * events in seq order, each referring back); a table the schema gains must
 * be added here, or a copy refuses to run (check_tables). */
static const struct copy_table tables[] = {
	{"org", "organisations", "id", "id",
	 COLS(I("id"), T("code"), T("name"), T("kind"), T("orgnr"), T("bankgiro"), T("plusgiro"), T("payment_ref"),
	      T("lan_code"), T("kommun_code"), I("builtin"))},
	{"org_group", "organisation groups", "id", "id",
	 COLS(I("id"), T("code"), T("name"), T("kind"), I("payee_org_id"))},
	{"org_group_member", "group members", "group_id, org_id", NULL, COLS(I("group_id"), I("org_id"))},
	{"dataset", "key datasets", "id", "id",
	 COLS(I("id"), T("name"), I("version"), T("ref_date"), T("label"), T("unit"), T("source"), I("scale"),
	      T("sha256"), T("registered"))},
	{"dataset_value", "key dataset values", "dataset_id, recipient", NULL,
	 COLS(I("dataset_id"), T("recipient"), I("value"))},
	{"dataset_origin", "key datasets' origins", "dataset_id", NULL,
	 COLS(I("dataset_id"), T("kind"), T("format"), T("file_name"), T("file_sha256"), T("table_id"), T("title"),
	      T("selection"), T("period"), T("ref_basis"), T("downloaded"), I("corrects"), T("reason"),
	      T("imported_by"))},
	{"appropriation", "appropriation posts", "id", "id",
	 COLS(I("id"), I("budget_year"), I("uo"), T("uo_name"), T("anslag"), T("anslag_name"), I("post"),
	      T("post_name"), I("available"))},
	{"agreement", "agreements", "id", "id",
	 COLS(I("id"), T("dnr"), T("date"), T("title"), T("parties"), I("total"), T("reference"))},
	{"decision", "decisions", "id", "id",
	 COLS(I("id"), T("dnr"), T("date"), T("department"), T("addressee"), T("title"), I("total"),
	      I("agreement_id"), T("signatories"), T("copies"), T("text"), T("document"), T("document_sha256"),
	      T("registered"))},
	{"decision_appropriation", "decisions' appropriations", "decision_id, appropriation_id", NULL,
	 COLS(I("decision_id"), I("appropriation_id"), T("local_id"))},
	{"payee", "payees", "id", "id",
	 COLS(I("id"), I("org_id"), T("bankgiro"), T("plusgiro"), T("bank"), T("reference"), T("address"))},
	{"part", "decision parts", "id", "id",
	 COLS(I("id"), I("decision_id"), I("ord"), T("code"), T("title"), I("amount"), T("recipient_set"), T("method"),
	      T("rounding"), I("base"), I("unit"), I("published"), I("payee_id"), T("pay_mode"), T("pay_from"),
	      T("pay_to"), T("pay_by"), T("requisition_deadline"), I("lapses"), T("repayment_deadline"),
	      T("report_deadline"), T("fingerprint"))},
	{"part_funding", "parts' funding", "part_id, appropriation_id", NULL,
	 COLS(I("part_id"), I("appropriation_id"), I("amount"))},
	{"part_key", "parts' keys", "part_id, ord", NULL, COLS(I("part_id"), I("ord"), I("dataset_id"), T("weight"))},
	{"allocation", "allocation rows", "part_id, ord", NULL,
	 COLS(I("part_id"), I("ord"), I("org_id"), T("label"), I("amount"), I("payee_id"))},
	{"ledger_event", "ledger events", "seq", "seq",
	 COLS(I("seq"), T("id"), B("digest"), T("kind"), I("part_id"), I("org_id"), I("amount"), T("from_bucket"),
	      T("to_bucket"), T("date"), T("actor"), I("ref_seq"), T("batch"), T("detail"), T("recorded"))},
	{"ledger_balance", "ledger balances", "part_id, org_id", NULL,
	 COLS(I("part_id"), I("org_id"), I("allocated"), I("avail"), I("requisitioned"), I("registered"),
	      I("attested"), I("paid"), I("lapsed"), I("claimed"), I("repaid"), I("reports"), T("last_date"),
	      I("last_seq"))},
	{"ledger_checkpoint", "ledger balance checkpoints", "part_id, org_id, date", NULL,
	 COLS(I("part_id"), I("org_id"), T("date"), I("allocated"), I("avail"), I("requisitioned"), I("registered"),
	      I("attested"), I("paid"), I("lapsed"), I("claimed"), I("repaid"), I("reports"))},
	{"ledger_checkpoint_state", "the ledger checkpoints' state", "complete", NULL, COLS(I("complete"))},
	{"pay_batch", "payment files", "id, format", NULL,
	 COLS(T("id"), T("format"), T("created"), I("payments"), I("total"), B("file"), T("sha256"))},
	{"recipient_register", "recipient register versions", "id", "id",
	 COLS(I("id"), I("org_id"), I("year"), I("version"), T("document"), T("document_sha256"), T("source"),
	      T("recorded_by"), T("recorded_at"))},
	{"recipient_grant", "recipient register grants", "register_id, ord", NULL,
	 COLS(I("register_id"), I("ord"), T("key"), T("title"), T("dnr"), T("decision_dnr"), I("amount"))},
	{"app_user", "users", "id", "id",
	 COLS(I("id"), T("name"), T("role"), I("org_id"), T("password_hash"), T("created_at"), T("changed_at"),
	      T("os_account"))},
	{"audit_log", "audit entries", "seq", "seq",
	 COLS(I("seq"), T("at"), T("actor"), T("action"), T("object"), T("before"), T("after"), T("prev_sha256"),
	      T("sha256"))},
	{"decision_warning", "decision warnings", "id", "id",
	 COLS(I("id"), I("decision_id"), T("part"), T("field"), T("date"), T("message"))},
	{"web_session", "web sessions", "token_sha256", NULL,
	 COLS(T("token_sha256"), T("name"), T("role"), T("org"), T("csrf"), I("created"), I("seen"))},
	{"login_throttle", "failed login counts", "key", NULL,
	 COLS(T("key"), I("failures"), I("first"), I("until"))},
	{"payee_change", "proposed changes of payees' accounts", "id", "id",
	 COLS(I("id"), I("org_id"), T("bankgiro"), T("plusgiro"), T("iban"), T("bic"), T("reference"), T("evidence"),
	      T("evidence_sha256"), B("evidence_file"), T("proposed_by"), T("proposed_on"), T("source"), T("state"),
	      T("decided_by"), T("decided_on"), T("recorded"))},
	{"payee_account", "payees' accounts", "id", "id",
	 COLS(I("id"), I("org_id"), I("version"), T("bankgiro"), T("plusgiro"), T("iban"), T("bic"), T("reference"),
	      T("since"), T("how"), T("changed_on"), I("change_id"), T("by_user"), T("source"), T("recorded"))},
	{"pay_batch_account", "the accounts batches paid", "payment_id", NULL,
	 COLS(T("payment_id"), T("batch"), T("payee_name"), T("orgnr"), T("bankgiro"), T("plusgiro"), T("iban"),
	      T("bic"), T("reference"), I("account_id"))},
	{"repay_claim", "repayment claims' numbers", "number", NULL,
	 COLS(I("number"), T("event_id"), T("ocr"), I("amount"), T("recorded"))},
	{"bank_file", "bank files imported", "id", "id",
	 COLS(I("id"), T("sha256"), T("kind"), T("name"), T("msg_id"), I("size"), I("entries"), T("imported_by"),
	      T("imported"))},
	{"bank_entry", "bank files' entries", "id", "id",
	 COLS(I("id"), I("file_id"), T("ident"), T("what"), I("credit"), T("date"), I("amount"), T("currency"),
	      T("reference"), T("reason"), T("text"), T("batch"), T("payment_id"), I("claim"), T("event_id"), T("note"),
	      T("place"))},
	{"bank_match", "bank entries matched by hand", "id", "id",
	 COLS(I("id"), I("entry_id"), I("claim"), T("payment_id"), T("note"), T("proposed_by"), T("proposed_on"),
	      T("state"), T("decided_by"), T("decided_on"), T("event_id"), T("recorded"))},
	{"calendar_feed", "calendar feeds' tokens", "id", "id",
	 COLS(I("id"), T("user_name"), T("token_sha256"), I("created"), I("revoked"))},
	{"portal_file", "files kept with signatories and submissions", "id", "id",
	 COLS(I("id"), T("name"), T("sha256"), B("data"), T("added_by"), T("recorded"))},
	{"signatory", "authorised representatives", "id", "id",
	 COLS(I("id"), I("org_id"), T("user_name"), T("kind"), T("valid_from"), T("valid_to"), I("evidence_id"),
	      T("added_by"), T("added_on"), T("revoked_by"), T("revoked_on"), T("recorded"))},
	{"submission", "requisitions and reports submitted", "id", "id",
	 COLS(I("id"), I("org_id"), T("kind"), T("dnr"), T("part"), I("amount"), I("unused"), T("comments"),
	      T("attachments"), T("state"), T("drafted_by"), T("drafted_on"), T("signed_by"), I("signatory_id"),
	      T("signed_on"), T("sign_method"), I("doc_id"), T("doc_sha256"), I("late"), T("reviewed_by"),
	      T("reviewed_on"), T("review_note"), T("event_id"), T("recorded"))},
};

static const struct copy_table *table_named(const char *name)
{
	for (size_t i = 0; i < BD_ARRAY_LEN(tables); i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

struct names_check {
	const char *side;
	struct bd_error *err;
};

static int known_table(void *ctx, const char *name)
{
	struct names_check *c = ctx;
	if (table_named(name))
		return 0;
	bd_failc(c->err, BD_IO,
		 "internal: the %s has a table '%s' that db copy does not know: it would not be copied (add it to "
		 "src/store/store-copy.c)",
		 c->side, name);
	return 1;
}

/* check_tables: every table of s is one the copy knows, so that nothing is
 * left behind silently when a migration adds one. */
static int check_tables(struct store *s, const char *side, struct bd_error *err)
{
	struct names_check c = {side, err};
	return s->ops->table_names(s, known_table, &c, err) ? -1 : 0;
}

/* What `bidrag init` writes, and only that, may be in an empty target: the
 * built-in organisations, their groups and members, the seed datasets (a
 * dataset's rows are init's when its origin is; any other dataset comes
 * with a decision, or an origin of its own, which are not), the audit
 * entries of that seeding, and the ledger checkpoints' state (migration
 * 0015 writes its row). */
struct leftover {
	const struct copy_table *t;
	int64_t rows, foreign; /* all rows; those init does not write */
};

static int count_row(void *ctx, const struct copy_value *row)
{
	struct leftover *l = ctx;
	l->rows++;
	if (strcmp(l->t->name, "org") == 0) {
		if (row[10].null || row[10].num == 0) /* builtin */
			l->foreign++;
	} else if (strcmp(l->t->name, "audit_log") == 0) {
		if (strcmp(row[3].text, "reference.seed") != 0 && strcmp(row[3].text, "dataset.seed") != 0) /* action */
			l->foreign++;
	} else if (strcmp(l->t->name, "dataset_origin") == 0) {
		if (row[1].null || strcmp(row[1].text, "seed") != 0) /* kind */
			l->foreign++;
	} else if (strcmp(l->t->name, "org_group") != 0 && strcmp(l->t->name, "org_group_member") != 0 &&
		   strcmp(l->t->name, "dataset") != 0 && strcmp(l->t->name, "dataset_value") != 0 &&
		   strcmp(l->t->name, "ledger_checkpoint_state") != 0) {
		l->foreign++;
	}
	return 0;
}

/* check_empty: refuses a target that holds anything but what init writes;
 * *seeded says whether it holds that (to be cleared before the copy). */
static int check_empty(struct store *to, bool *seeded, struct bd_error *err)
{
	*seeded = false;
	for (size_t i = 0; i < BD_ARRAY_LEN(tables); i++) {
		struct leftover l = {.t = &tables[i]};
		if (to->ops->table_scan(to, &tables[i], count_row, &l, err))
			return -1;
		if (l.foreign)
			return bd_fail(err,
				       "the target is not empty: it holds %" PRId64 " %s (db copy fills only an empty "
				       "register: a new database, or one that only 'bidrag init' has written to)",
				       l.foreign, tables[i].what);
		if (l.rows)
			*seeded = true;
	}
	return 0;
}

struct load_ctx {
	struct store *to;
	const struct copy_table *t;
	int64_t rows;
	struct bd_error *err;
};

static int load_row(void *ctx, const struct copy_value *row)
{
	struct load_ctx *c = ctx;
	if (c->to->ops->table_load(c->to, c->t, row, c->err))
		return 1;
	c->rows++;
	return 0;
}

static int copy_in_tx(struct store *from, struct store *to, store_copy_fn fn, void *ctx, struct bd_error *err)
{
	bool seeded;
	if (check_empty(to, &seeded, err))
		return -1;
	/* The target's reference data gives way to the source's, which may
	 * differ (an organisation's bankgiro set, a newer bidrag's list). */
	for (size_t i = BD_ARRAY_LEN(tables); seeded && i-- > 0;)
		if (to->ops->table_clear(to, &tables[i], err))
			return -1;
	for (size_t i = 0; i < BD_ARRAY_LEN(tables); i++) {
		struct load_ctx c = {to, &tables[i], 0, err};
		if (from->ops->table_scan(from, &tables[i], load_row, &c, err) ||
		    to->ops->table_loaded(to, &tables[i], err)) {
			bd_prefix(err, "copying %s", tables[i].what);
			return -1;
		}
		if (fn)
			fn(ctx, tables[i].name, tables[i].what, c.rows);
	}
	return 0;
}

int store_copy(struct store *from, struct store *to, store_copy_fn fn, void *ctx, struct bd_error *err)
{
	int vf, vt, applied;
	store_schema_info(from, &vf, &applied);
	store_schema_info(to, &vt, &applied);
	if (vf != vt)
		return bd_fail(err, "the source has schema version %d and the target %d: open both with one bidrag", vf,
			       vt);
	if (check_tables(from, "source", err) || check_tables(to, "target", err))
		return -1;
	if (from->ops->read_begin(from, err))
		return -1;
	int rc = store_begin(to, err);
	if (rc == 0) {
		rc = copy_in_tx(from, to, fn, ctx, err);
		if (rc == 0)
			rc = store_commit(to, err);
		if (rc && to->in_tx)
			store_rollback(to);
	}
	from->ops->read_end(from);
	return rc ? -1 : 0;
}
