/* bidrag payee: payees' accounts as master data: import, list, show, and a
 * change of account under four eyes (propose, approve, reject). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "ident.h"
#include "payees.h"
#include "readfile.h"
#include "statusload.h"
#include "store-payee.h"
#include "table.h"
#include "cmd.h"

struct payee_opts {
	const char *db, *format, *bankgiro, *plusgiro, *iban, *bic, *reference, *evidence;
	int next;
};

static const struct cmd_opt payee_options[] = {
	OPT_STR("db", 0, struct payee_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_AS,
	OPT_STR("format", 0, struct payee_opts, format, "F", "the output format; what each verb takes is in the usage"),
	OPT_STR("bankgiro", 0, struct payee_opts, bankgiro, "N", "the new account: a bankgiro number"),
	OPT_STR("plusgiro", 0, struct payee_opts, plusgiro, "N", "the new account: a plusgiro number"),
	OPT_STR("iban", 0, struct payee_opts, iban, "IBAN", "the new account: an IBAN (with --bic)"),
	OPT_STR("bic", 0, struct payee_opts, bic, "BIC", "the IBAN's bank (8 or 11 letters and digits)"),
	OPT_STR("reference", 0, struct payee_opts, reference, "TEXT",
		 "the payment reference the payee wants (default: the one it has)"),
	OPT_STR("evidence", 0, struct payee_opts, evidence, "TEXT|FILE",
		 "what shows the payee asked for the change: a text, or a file\n"
		 "(the payee's signed letter), which is kept"),
	OPT_END,
};

const struct cmd_entry cmd_payee_entry = {
	.name = "payee",
	.summary = "payees' accounts: import, list, and change an account under four eyes",
	.usage = "payee import FILE [--as] [--db]\n"
		 "       bidrag payee list [--format=table|csv|json] [--db]\n"
		 "       bidrag payee show ORG [--format=text|json] [--db]\n"
		 "       bidrag payee propose ORG --bankgiro | --plusgiro | --iban --bic [--reference]\n"
		 "                            --evidence [--as] [--db]\n"
		 "       bidrag payee approve CHANGE-ID [--as] [--db]\n"
		 "       bidrag payee reject CHANGE-ID [--as] [--db]",
	.about = "import   registers the payees of a CSV file or an Excel workbook (.xlsx, its first sheet),\n"
		 "         all or nothing: a first row naming the columns organisationsnummer, namn, bankgiro,\n"
		 "         plusgiro, IBAN, BIC and betalningsreferens (any order; English names too), then a\n"
		 "         payee a row.  Check digits are checked (organisationsnummer, bankgiro and plusgiro\n"
		 "         by Luhn, IBAN by mod 97) and an error names the file, row and column.  A payee's\n"
		 "         first account is registered; an account other than the one it has is not changed\n"
		 "         but proposed as a change, for another person to approve.\n"
		 "list     every registered payee's account, and the changes waiting for approval.\n"
		 "show     one payee (code, name or organisationsnummer): its account, every version and\n"
		 "         every change proposed.\n"
		 "propose  a change of a payee's account, with the evidence, by --as.  Until another\n"
		 "         person approves it, payments go to the old account; a payment to an account\n"
		 "         changed within 30 days is flagged in the attestation queue ('bidrag pay list').\n"
		 "approve  the change takes effect; --as must not be the user who proposed it.\n"
		 "reject   the change is dropped.\n"
		 "Every act is in the audit log ('bidrag audit list').",
	.exec = cmd_payee,
	.options = payee_options,
};

static int parse(int argc, char **argv, struct payee_opts *o)
{
	int rc = cmd_parse(&cmd_payee_entry, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

static int open_as(const struct payee_opts *o, struct store **s)
{
	return open_register(o->db, false, s); /* the change is recorded as cmd_actor */
}

static int do_import(struct payee_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_payee_entry, n ? "payee import takes one FILE" : "the FILE of payees is missing");
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	char today[DATE_LEN];
	date_today(today);
	struct payee_import r;
	struct bd_error err;
	int xrc = payee_import_run(s, args[0], today, &r, &err);
	store_close(s);
	if (xrc) {
		payee_import_release(&r);
		return xrc > 0 ? error("%s; nothing was imported", err.msg) : store_error(&err, EXIT_IO);
	}
	int count[PAYEE_PENDING + 1] = {0};
	for (size_t i = 0; i < r.file.n; i++) {
		const struct payee_entry *e = &r.file.v[i];
		const struct payee_outcome_row *x = &r.out[i];
		char acct[128];
		payee_account_text(&e->account, acct, sizeof(acct));
		count[x->outcome]++;
		switch (x->outcome) {
		case PAYEE_ADDED:
			printf("added %s: %s (%s), %s%s\n", x->org, e->name, e->orgnr, acct,
			       x->org_added ? " (a new payee organisation)" : "");
			break;
		case PAYEE_UNCHANGED:
			printf("unchanged %s: %s, %s\n", x->org, e->name, acct);
			break;
		case PAYEE_REFERENCE:
			printf("reference %s: %s, payment reference '%s'\n", x->org, e->name, e->reference);
			break;
		case PAYEE_PROPOSED:
			printf("proposed change %" PRId64 " of %s (%s): %s; payments go to %s until another person "
			       "approves it ('bidrag payee approve %" PRId64 " --as USER')\n",
			       x->change, x->org, e->name, acct, x->was, x->change);
			break;
		case PAYEE_PENDING:
			printf("pending change %" PRId64 " of %s (%s): %s is proposed already\n", x->change, x->org, e->name,
			       acct);
			break;
		}
	}
	fprintf(stderr, "%s: %zu payee%s (%s): %d added, %d unchanged, %d new reference%s, %d change%s proposed, %d "
			"pending\n",
		args[0], r.file.n, r.file.n == 1 ? "" : "s", r.file.kind, count[PAYEE_ADDED], count[PAYEE_UNCHANGED],
		count[PAYEE_REFERENCE], count[PAYEE_REFERENCE] == 1 ? "" : "s", count[PAYEE_PROPOSED],
		count[PAYEE_PROPOSED] == 1 ? "" : "s", count[PAYEE_PENDING]);
	payee_import_release(&r);
	return 0;
}

/* Listings. */

struct versions {
	struct payee_version *v;
	size_t n;
	struct payee_change *c;
	size_t nc;
	struct strpool pool;
};

static const char *pdup(struct strpool *p, const char *s)
{
	return s ? strpool_strdup(p, s) : NULL;
}

static int take_version(void *ctx, const struct payee_version *v)
{
	struct versions *l = ctx;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	struct strpool *p = &l->pool;
	struct payee_version c = *v;
	c.org = pdup(p, v->org);
	c.org_name = pdup(p, v->org_name);
	c.orgnr = pdup(p, v->orgnr);
	c.reference = pdup(p, v->reference);
	c.since = pdup(p, v->since);
	c.how = pdup(p, v->how);
	c.changed_on = pdup(p, v->changed_on);
	c.by = pdup(p, v->by);
	c.source = pdup(p, v->source);
	c.recorded = pdup(p, v->recorded);
	l->v[l->n++] = c;
	return 0;
}

static int take_change(void *ctx, const struct payee_change *v)
{
	struct versions *l = ctx;
	l->c = xreallocarray(l->c, l->nc + 1, sizeof(*l->c));
	struct strpool *p = &l->pool;
	struct payee_change c = *v;
	c.org = pdup(p, v->org);
	c.org_name = pdup(p, v->org_name);
	c.orgnr = pdup(p, v->orgnr);
	c.reference = pdup(p, v->reference);
	c.evidence = pdup(p, v->evidence);
	c.evidence_sha256 = pdup(p, v->evidence_sha256);
	c.state = pdup(p, v->state);
	c.proposed_by = pdup(p, v->proposed_by);
	c.proposed_on = pdup(p, v->proposed_on);
	c.decided_by = pdup(p, v->decided_by);
	c.decided_on = pdup(p, v->decided_on);
	c.source = pdup(p, v->source);
	l->c[l->nc++] = c;
	return 0;
}

static void versions_release(struct versions *l)
{
	free(l->v);
	free(l->c);
	strpool_release(&l->pool);
}

static void version_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	const struct payee_version *v = &((struct versions *)ctx)->v[r];
	if (c == 8) {
		out->num = v->pending;
		return;
	}
	(void)scratch;
	const char *vals[] = {v->org,
			      v->org_name,
			      v->orgnr,
			      v->account.kind ? v->account.number : NULL,
			      account_kind_name(v->account.kind),
			      payee_account_bic(&v->account),
			      v->reference,
			      v->changed_on};
	out->text = vals[c];
	out->empty = !vals[c];
}

static void change_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	const struct payee_change *v = &((struct versions *)ctx)->c[r];
	if (c == 0) {
		out->num = v->id;
		return;
	}
	(void)scratch;
	const char *vals[] = {NULL,
			      v->org,
			      v->org_name,
			      v->account.kind ? v->account.number : NULL,
			      account_kind_name(v->account.kind),
			      payee_account_bic(&v->account),
			      v->proposed_by,
			      v->proposed_on,
			      v->evidence};
	out->text = vals[c];
	out->empty = !vals[c];
}

static const struct tcol version_cols[] = {
	{"Kod", "org", COL_TEXT, false, -1},
	{"Namn", "name", COL_TEXT, false, -1},
	{"Org.nr", "orgnr", COL_TEXT, false, -1},
	{"Konto", "account", COL_TEXT, false, -1},
	{"Kontoslag", "account_kind", COL_TEXT, false, -1},
	{"BIC", "bic", COL_TEXT, false, -1},
	{"Referens", "reference", COL_TEXT, false, -1},
	{"Kontot ändrat", "account_changed", COL_TEXT, false, -1},
	{"Föreslagna ändringar", "pending_changes", COL_INT, false, -1},
};

static const struct tcol change_cols[] = {
	{"Ändring", "change", COL_INT, false, -1},
	{"Kod", "org", COL_TEXT, false, -1},
	{"Namn", "name", COL_TEXT, false, -1},
	{"Nytt konto", "account", COL_TEXT, false, -1},
	{"Kontoslag", "account_kind", COL_TEXT, false, -1},
	{"BIC", "bic", COL_TEXT, false, -1},
	{"Föreslagen av", "proposed_by", COL_TEXT, false, -1},
	{"Datum", "proposed_on", COL_TEXT, false, -1},
	{"Underlag", "evidence", COL_TEXT, false, -1},
};

static json_t *account_obj(const struct payee_account *a)
{
	if (a->kind == ACCT_NONE)
		return json_null();
	return json_pack("{s:s, s:s, s:s?}", "kind", account_kind_name(a->kind), "number", a->number, "bic",
			 payee_account_bic(a));
}

static json_t *version_json(const struct payee_version *v)
{
	return json_pack("{s:s, s:s, s:s?, s:i, s:o, s:s?, s:s, s:s, s:s?, s:o?, s:s, s:s, s:s}", "org", v->org, "name",
			 v->org_name, "orgnr", v->orgnr, "version", v->version, "account", account_obj(&v->account),
			 "reference", v->reference, "since", v->since, "how", v->how, "account_changed", v->changed_on,
			 "change", v->change ? json_integer(v->change) : NULL, "by", v->by, "source", v->source,
			 "recorded", v->recorded);
}

static json_t *change_json(const struct payee_change *c)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s}", "change",
			 (json_int_t)c->id, "org", c->org, "name", c->org_name, "account", account_obj(&c->account),
			 "reference", c->reference, "evidence", c->evidence, "evidence_sha256", c->evidence_sha256,
			 "state", c->state, "proposed_by", c->proposed_by, "proposed_on", c->proposed_on, "decided_by",
			 c->decided_by, "decided_on", c->decided_on, "source", c->source);
}

static int do_list(struct payee_opts *o, int n, char **args)
{
	if (n)
		return usage_error(&cmd_payee_entry, "unexpected argument '%s'", args[0]);
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	if (o->format && (table_format_parse(o->format, &fmt, &err) || fmt == FMT_XLSX))
		return error("unknown format '%s' for payee list (expected table, tsv, csv or json)", o->format);
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	struct versions l = {0};
	strpool_init(&l.pool);
	if (store_payee_list(s, take_version, &l, &err) || store_payee_changes(s, true, take_change, &l, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	if (!rc && fmt == FMT_JSON) {
		json_t *p = json_array(), *c = json_array();
		for (size_t i = 0; i < l.n; i++) {
			json_t *j = version_json(&l.v[i]);
			json_object_set_new(j, "pending_changes", json_integer(l.v[i].pending));
			json_array_append_new(p, j);
		}
		for (size_t i = 0; i < l.nc; i++)
			json_array_append_new(c, change_json(&l.c[i]));
		json_t *doc = json_pack("{s:o, s:o}", "payees", p, "changes", c);
		char *text = json_dumps(doc, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(doc);
	} else if (!rc) {
		struct table t = {.ncols = BD_ARRAY_LEN(version_cols), .cols = version_cols, .nrows = l.n,
				  .cell = version_cell, .ctx = &l};
		if (fmt == FMT_TABLE && l.n == 0)
			printf("no payee has an account in the payee register (see 'bidrag payee import')\n");
		else if (table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
		if (!rc && fmt == FMT_TABLE && l.nc) {
			struct table ct = {.title = "Föreslagna kontoändringar, att godkännas av en annan person",
					   .ncols = BD_ARRAY_LEN(change_cols), .cols = change_cols, .nrows = l.nc,
					   .cell = change_cell, .ctx = &l};
			printf("\n");
			if (table_write(&ct, fmt, stdout, NULL, &err))
				rc = store_error(&err, EXIT_IO);
		}
	}
	versions_release(&l);
	return rc;
}

static int do_show(struct payee_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_payee_entry, "payee show takes one ORG (code, name or organisationsnummer)");
	bool json = o->format && strcmp(o->format, "json") == 0;
	if (o->format && !json && strcmp(o->format, "text") != 0)
		return error("unknown format '%s' for payee show (expected text or json)", o->format);
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	struct versions l = {0};
	strpool_init(&l.pool);
	struct bd_error err;
	char code[64];
	int found = store_payee_history(s, args[0], code, take_version, take_change, &l, &err);
	store_close(s);
	if (found < 0) {
		versions_release(&l);
		return store_error(&err, EXIT_IO);
	}
	if (found == 1) {
		versions_release(&l);
		return error("no organisation '%s' in the register (see 'bidrag org list')", args[0]);
	}
	const struct payee_version *now = l.n ? &l.v[l.n - 1] : NULL;
	if (json) {
		json_t *v = json_array(), *c = json_array();
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(v, version_json(&l.v[i]));
		for (size_t i = 0; i < l.nc; i++)
			json_array_append_new(c, change_json(&l.c[i]));
		json_t *doc = json_pack("{s:s, s:o, s:s?, s:o, s:o}", "org", code, "account",
					now ? account_obj(&now->account) : json_null(), "reference",
					now ? now->reference : NULL, "versions", v, "changes", c);
		char *text = json_dumps(doc, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(doc);
		versions_release(&l);
		return 0;
	}
	if (!now) {
		printf("%s has no account in the payee register (register one with 'bidrag payee import')\n", code);
	} else {
		char acct[128];
		payee_account_text(&now->account, acct, sizeof(acct));
		printf("payee        %s (%s)\n", now->org_name, code);
		if (now->orgnr)
			printf("orgnr        %s\n", now->orgnr);
		printf("account      %s, since %s\n", acct, now->since);
		if (now->reference)
			printf("reference    %s\n", now->reference);
		if (now->changed_on)
			printf("changed      %s (a payment within %d days of it is flagged for the attestant)\n",
			       now->changed_on, PAYEE_CHANGE_DAYS);
		printf("versions\n");
		for (size_t i = 0; i < l.n; i++) {
			const struct payee_version *v = &l.v[i];
			payee_account_text(&v->account, acct, sizeof(acct));
			printf("  %d  %s  %-9s %s%s%s, by %s (%s)\n", v->version, v->since, v->how, acct,
			       v->reference ? ", reference " : "", v->reference ? v->reference : "", v->by, v->source);
		}
	}
	if (l.nc)
		printf("changes\n");
	for (size_t i = 0; i < l.nc; i++) {
		const struct payee_change *c = &l.c[i];
		char acct[128];
		payee_account_text(&c->account, acct, sizeof(acct));
		printf("  %" PRId64 "  %s  to %s, proposed by %s on %s (evidence: %s)", c->id, c->state, acct,
		       c->proposed_by, c->proposed_on, c->evidence);
		if (c->decided_by)
			printf(", %s by %s on %s", c->state, c->decided_by, c->decided_on);
		printf("\n");
	}
	versions_release(&l);
	return 0;
}

/* A change of account. */

static int do_propose(struct payee_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_payee_entry, "payee propose takes one ORG (code, name or organisationsnummer)");
	if (!o->evidence || !*o->evidence)
		return usage_error(&cmd_payee_entry, "payee propose needs --evidence: what shows the payee asked for the "
						     "change (a text, or a file such as its signed letter)");
	const char *text[AF_COUNT] = {o->bankgiro, o->plusgiro, o->iban, o->bic};
	struct payee_account a;
	enum account_field field;
	struct bd_error err;
	if (payee_account_parse(text, &a, &field, &err)) {
		if (field == AF_COUNT)
			return usage_error(&cmd_payee_entry, "payee propose needs the new account: --bankgiro, --plusgiro "
							     "or --iban with --bic");
		return error("--%s: %s", field == AF_IBAN ? "iban" : field == AF_BIC ? "bic" : account_field_name[field],
			     err.msg);
	}
	/* The evidence: a file that exists is kept whole, else the text. */
	struct payee_evidence ev = {.text = o->evidence};
	char *data = NULL;
	struct stat st;
	if (stat(o->evidence, &st) == 0 && S_ISREG(st.st_mode)) {
		size_t len;
		if (read_file(o->evidence, 16u << 20, &data, &len, &err))
			return error("--evidence: %s", err.msg);
		ev = (struct payee_evidence){.file_name = o->evidence, .data = data, .len = len};
	}
	struct store *s;
	int rc = open_as(o, &s);
	if (rc) {
		free(data);
		return rc;
	}
	char today[DATE_LEN];
	date_today(today);
	int64_t id = 0;
	int found = 0;
	if (store_begin(s, &err) ||
	    (found = store_payee_propose(s, args[0], &a, o->reference, &ev, today, &id, &err)) < 0 ||
	    (found == 0 && store_commit(s, &err))) {
		store_rollback(s);
		store_close(s);
		free(data);
		return err.code == BD_INVALID ? error("%s; nothing was proposed", err.msg) : store_error(&err, EXIT_IO);
	}
	if (found)
		store_rollback(s);
	store_close(s);
	free(data);
	if (found == 1)
		return error("no organisation '%s' in the register (see 'bidrag org list')", args[0]);
	char acct[128];
	payee_account_text(&a, acct, sizeof(acct));
	printf("proposed change %" PRId64 " of %s's account to %s; payments go to the old account until another "
	       "person approves it ('bidrag payee approve %" PRId64 " --as USER')\n",
	       id, args[0], acct, id);
	return 0;
}

static int change_id(const char *text, int64_t *id)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || v <= 0)
		return error("invalid CHANGE-ID '%s' (expected the number of a proposed change, see 'bidrag payee list')",
			     text);
	*id = v;
	return 0;
}

static int do_decide(struct payee_opts *o, int n, char **args, bool approve)
{
	const char *verb = approve ? "approve" : "reject";
	if (n != 1)
		return usage_error(&cmd_payee_entry, "payee %s takes one CHANGE-ID", verb);
	int64_t id = 0;
	if (change_id(args[0], &id))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	char today[DATE_LEN];
	date_today(today);
	struct bd_error err;
	int found = 0;
	if (store_begin(s, &err) ||
	    (found = approve ? store_payee_approve(s, id, today, &err) : store_payee_reject(s, id, today, &err)) < 0 ||
	    (found == 0 && store_commit(s, &err))) {
		store_rollback(s);
		store_close(s);
		return err.code == BD_INVALID ? error("%s", err.msg) : store_error(&err, EXIT_IO);
	}
	if (found)
		store_rollback(s);
	store_close(s);
	if (found == 1)
		return error("no change %" PRId64 " of a payee's account (see 'bidrag payee list')", id);
	printf("%s change %" PRId64 "%s\n", approve ? "approved" : "rejected", id,
	       approve ? ": payments go to the new account from now on" : "");
	return 0;
}

int cmd_payee(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_payee_entry);
	if (help >= 0)
		return help;
	struct payee_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	const char *verb = argv[1];
	bool proposing = strcmp(verb, "propose") == 0;
	if (!proposing && (o.bankgiro || o.plusgiro || o.iban || o.bic || o.reference || o.evidence))
		return usage_error(&cmd_payee_entry,
				   "--bankgiro, --plusgiro, --iban, --bic, --reference and --evidence belong to "
				   "'payee propose'");
	if (strcmp(verb, "import") == 0)
		return do_import(&o, n, args);
	if (strcmp(verb, "list") == 0)
		return do_list(&o, n, args);
	if (strcmp(verb, "show") == 0)
		return do_show(&o, n, args);
	if (proposing)
		return do_propose(&o, n, args);
	if (strcmp(verb, "approve") == 0)
		return do_decide(&o, n, args, true);
	if (strcmp(verb, "reject") == 0)
		return do_decide(&o, n, args, false);
	return usage_error(&cmd_payee_entry,
			   "unknown subcommand 'payee %s' (expected import, list, show, propose, approve or reject)", verb);
}
