/* bidrag pay: register, plan, attest, list and export payments. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "ident.h"
#include "ledger.h"
#include "payfile.h"
#include "table.h"
#include "payexport.h"
#include "store.h"
#include "store-payee.h"
#include "cmd.h"

struct pay_opts {
	const char *db, *id, *part, *recipient, *amount, *date, *override, *batch, *format, *output, *from,
		*state;
	bool force;
	int next; /* the first positional argument */
};

static const struct cmd_opt pay_options[] = {
	OPT_STR("db", 0, struct pay_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("id", 0, struct pay_opts, id, "ID",
		 "the payment's id (default: derived from its content); for plan, a prefix"),
	OPT_AS,
	OPT_STR("part", 0, struct pay_opts, part, "P", "the decision's part"),
	OPT_STR("recipient", 0, struct pay_opts, recipient, "R", "the recipient's code, name or orgnr"),
	OPT_STR("amount", 0, struct pay_opts, amount, "A", "kronor ('215 000', '1,5 mkr')"),
	OPT_STR("date", 0, struct pay_opts, date, "DATE", "the day of the payment, attest or export (YYYY-MM-DD)"),
	OPT_STR("override", 0, struct pay_opts, override, "REASON",
		 "pay outside the part's payment window, for the recorded REASON"), /* no short form: an override is spelt out */
	OPT_STR("batch", 0, struct pay_opts, batch, "B",
		 "the payment batch (export writes every attested, unpaid payment into it)"),
	OPT_STR("format", 0, struct pay_opts, format, "F", "the output format; what each verb takes is in the usage"),
	OPT_STR("output", 'o', struct pay_opts, output, "FILE", "write to FILE instead of standard output"),
	OPT_STR("from", 0, struct pay_opts, from, "ORG",
		 "the paying organisation (default KAMK, Kammarkollegiet) and its bankgiro"),
	OPT_STR("state", 0, struct pay_opts, state, "STATE", "registered (default), attested or executed"),
	OPT_BOOL("force", 0, struct pay_opts, force,
		 "export a batch exported before in the other format too\n"
		 "(both files could be sent, and pay the same payments twice)"),
	OPT_END,
};

const struct cmd_entry cmd_pay_entry = {
	.name = "pay",
	.summary = "register, plan, attest, list and export payments (pain.001; Bankgirot LB, legacy)",
	.usage = "pay add DNR --part --recipient --amount --date [--override] [--id]\n"
		 "                      [--as]\n"
		 "       bidrag pay plan DNR [--part] --date [--as]\n"
		 "       bidrag pay attest PAYMENT-ID... --date [--as]\n"
		 "       bidrag pay list [--state=registered|attested|executed] [--batch] [--format=table|csv|json]\n"
		 "       bidrag pay export --batch [--format=pain001|lb] --date [--output] [--from]\n"
		 "                         [--override] [--force]\n"
		 "       (each also takes --db)",
	.about = "add     registers a payment; it must be attested by another person before it is paid.\n"
		 "plan    registers, for every recipient of the decision (or one part), what can be paid now:\n"
		 "        the allocation of a part paid without requisition, the requisitioned amount of one\n"
		 "        paid after requisition.  Ids are derived from the decision, part, recipient and the\n"
		 "        account's state, so planning twice registers nothing twice; --id ID makes them\n"
		 "        ID:PART:RECIPIENT.  A payment whose payee has no valid account (see 'bidrag payee'),\n"
		 "        or that would go beyond its part's decided amount, is held, with the reason.\n"
		 "attest  a second person's approval (four eyes): whoever registered cannot attest.\n"
		 "list    the payments in a state, each with the account it goes to: its payee's account as\n"
		 "        approved now (executed ones: the account their batch paid).  A payment whose payee's\n"
		 "        account was changed within 30 days before it (or after it was registered) is\n"
		 "        flagged in the column Kontobyte: changing a payee's account is the classic fraud.\n"
		 "export  writes every attested, unpaid payment into batch B as an ISO 20022 pain.001.001.03\n"
		 "        file (the default) and marks them executed; each goes to its payee's account as\n"
		 "        approved at export time, which the file names.  --format lb writes Bankgirot's\n"
		 "        Leverantörsbetalningar instead: legacy, for a bank that still takes it (Bankgirot is\n"
		 "        retiring LB; it pays no IBAN).  Exporting the same batch again gives the same file\n"
		 "        and pays nothing twice; exporting it in the other format is refused unless --force,\n"
		 "        since both files could be sent and pay twice.  A payment executed after its part's\n"
		 "        window needs --override REASON (recorded) unless it was registered with one.",
	.exec = cmd_pay,
	.options = pay_options,
};


static int parse(int argc, char **argv, struct pay_opts *o)
{
	int rc = cmd_parse(&cmd_pay_entry, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

static int need_date(const char *s, char out[DATE_LEN])
{
	if (!s)
		return error("--date is missing (expected a date, YYYY-MM-DD)");
	if (!date_valid(s))
		return error("invalid --date '%s' (expected a date, YYYY-MM-DD)", s);
	memcpy(out, s, DATE_LEN);
	return 0;
}

static int do_add(struct pay_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_pay_entry, n ? "give one DNR" : "the decision's DNR is missing");
	if (!o->part || !o->recipient)
		return usage_error(&cmd_pay_entry, "--part and --recipient name the account");
	struct ledger_input in = {.kind = EV_PAYMENT, .dnr = args[0], .part = o->part, .recipient = o->recipient,
				  .override = o->override};
	char why[200];
	if (!o->amount)
		return error("--amount is missing (expected an amount in kronor)");
	if (money_parse_ore(o->amount, NUM_SUFFIX_MONEY, &in.amount, why, sizeof(why)))
		return error("invalid --amount '%s': %s", o->amount, why);
	if (need_date(o->date, in.date))
		return EXIT_USAGE;
	char auto_id[LEDGER_AUTO_ID_LEN];
	if (o->id)
		in.id = o->id;
	else {
		ledger_auto_id(&in, auto_id);
		in.id = auto_id;
	}
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	rc = ledger_record_batch(s, &in, 1, false);
	store_close(s);
	return rc;
}

/* plan: what can be paid now, per account. */
struct plan_part {
	int64_t part_id, decided_kr, committed; /* committed: öre */
};

struct plan {
	struct ledger_input *v;
	int64_t *v_part; /* each planned payment's part id */
	size_t n;
	struct plan_part *parts;
	size_t nparts;
	struct strpool pool;
	const char *date, *actor, *id;
	size_t skipped_window, held_account;
};

/* plan_part_of: the running sums of the account's part. */
static struct plan_part *plan_part_of(struct plan *p, const struct ledger_account *a)
{
	for (size_t i = 0; i < p->nparts; i++)
		if (p->parts[i].part_id == a->part_id)
			return &p->parts[i];
	p->parts = xreallocarray(p->parts, p->nparts + 1, sizeof(*p->parts));
	p->parts[p->nparts] = (struct plan_part){.part_id = a->part_id, .decided_kr = a->part_amount};
	return &p->parts[p->nparts++];
}

static int plan_account(void *ctx, const struct ledger_account *a)
{
	struct plan *p = ctx;
	const struct ledger_terms *t = a->terms;
	const struct ledger_balance *b = a->balance;
	struct plan_part *pp = plan_part_of(p, a);
	pp->committed += ledger_committed(b);
	int64_t amount = t->mode == PAY_REQUISITION ? b->b[B_REQUISITIONED] : b->b[B_AVAIL];
	if (amount <= 0)
		return 0;
	/* Outside its window a part is not planned: paying it then needs a
	 * recorded override, one payment at a time. */
	if ((t->mode == PAY_WITHOUT_REQUISITION && t->from[0] &&
	     (strcmp(p->date, t->from) < 0 || strcmp(p->date, t->to) > 0)) ||
	    (t->by[0] && strcmp(p->date, t->by) > 0)) {
		p->skipped_window++;
		return 0;
	}
	/* The id names the account's state: planning again is a retry; after a
	 * correction (a new latest event) it is a new plan. */
	char *id = p->id ? xasprintf("%s:%s:%s", p->id, a->part, a->recipient)
			 : xasprintf("plan:%s:%s:%s:%s:%lld:%lld", a->dnr, a->part, a->recipient, p->date,
				     (long long)amount, (long long)a->last_seq);
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v_part = xreallocarray(p->v_part, p->n + 1, sizeof(*p->v_part));
	p->v_part[p->n] = a->part_id;
	struct ledger_input in = {
		.id = strpool_strdup(&p->pool, id),
		.kind = EV_PAYMENT,
		.dnr = strpool_strdup(&p->pool, a->dnr),
		.part = strpool_strdup(&p->pool, a->part),
		.recipient = strpool_strdup(&p->pool, a->recipient),
		.actor = p->actor,
		.amount = amount,
	};
	memcpy(in.date, p->date, DATE_LEN);
	p->v[p->n++] = in;
	free(id);
	return 0;
}

/* hold_unpayable: the payments the plan cannot register as payable are
 * held back and named, with the reason, and the rest of the plan goes
 * through:
 *  - one whose payee has no valid account (store_payee_of: the account an
 *    export would pay): attested, it could not be paid;
 *  - one beyond its part's decided amount: a part whose table adds up to
 *    more than its decision (a published table rounded up) cannot pay every
 *    row in full, and paying beyond it needs an officer's recorded override
 *    and a second person's attestation (the ledger refuses it anyway). */
static int hold_unpayable(struct store *s, struct plan *p)
{
	size_t kept = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct plan_part *pp = NULL;
		for (size_t k = 0; k < p->nparts; k++)
			if (p->parts[k].part_id == p->v_part[i])
				pp = &p->parts[k];
		const struct ledger_input *e = &p->v[i];
		char a[NUM_BUFSZ];
		struct payee_now to;
		struct bd_error why;
		if (store_payee_of(s, p->v_part[i], e->recipient, &to, &why))
			return store_error(&why, EXIT_IO);
		if (to.account.kind == ACCT_NONE) {
			fprintf(stderr, "warning: %s part %s: the payment of %s kr to %s is held: %s\n", e->dnr, e->part,
				fmt_ore(e->amount, a), e->recipient, to.problem);
			p->held_account++;
			continue;
		}
		/* The ledger's own rule, without an override. */
		if (pp && ledger_check_decided(pp->decided_kr, pp->committed + e->amount, e->amount, NULL, e->part, &why)) {
			char b[NUM_BUFSZ];
			fprintf(stderr,
				"warning: %s part %s: the payment of %s kr to %s is held: it would bring the part's "
				"payments %s kr beyond its decided amount (pay it with 'bidrag pay add ... --override "
				"REASON' if it is to be paid)\n",
				e->dnr, e->part, fmt_ore(e->amount, a), e->recipient,
				fmt_ore(pp->committed + e->amount - pp->decided_kr * 100, b));
			continue;
		}
		if (pp)
			pp->committed += e->amount;
		p->v[kept] = p->v[i];
		p->v_part[kept++] = p->v_part[i];
	}
	p->n = kept;
	return 0;
}

static int do_plan(struct pay_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_pay_entry, n ? "give one DNR" : "the decision's DNR is missing");
	char date[DATE_LEN];
	if (need_date(o->date, date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct plan p = {.date = date, .actor = NULL, .id = o->id};
	strpool_init(&p.pool);
	struct bd_error err;
	if (store_ledger_accounts(s, args[0], o->part, NULL, NULL, plan_account, &p, &err)) {
		rc = store_error(&err, EXIT_IO);
		goto done;
	}
	if (p.nparts == 0) {
		rc = o->part ? error("no part '%s' in a decision '%s' in the register (see 'bidrag decision show')",
				     o->part, args[0])
			     : error("no decision '%s' in the register (see 'bidrag decision list')", args[0]);
		goto done;
	}
	if ((rc = hold_unpayable(s, &p)) != 0)
		goto done;
	if (p.n == 0)
		printf("nothing to plan for %s on %s%s\n", args[0], date,
		       p.skipped_window ? " (some parts are outside their payment window)" : "");
	else
		rc = ledger_record_batch(s, p.v, p.n, false);
	if (!rc && p.skipped_window)
		printf("%zu account%s outside the payment window on %s: not planned\n", p.skipped_window,
		       p.skipped_window == 1 ? "" : "s", date);
	if (!rc && p.held_account)
		printf("%zu payment%s held: the payee has no valid account (see 'bidrag payee')\n", p.held_account,
		       p.held_account == 1 ? "" : "s");
done:
	store_close(s);
	free(p.v);
	free(p.v_part);
	free(p.parts);
	strpool_release(&p.pool);
	return rc;
}

static int do_attest(struct pay_opts *o, int n, char **args)
{
	if (n == 0)
		return usage_error(&cmd_pay_entry, "give the ids of the payments to attest");
	if (o->id && n > 1)
		return usage_error(&cmd_pay_entry, "--id names one attestation: attest one payment at a time with it");
	char date[DATE_LEN];
	if (need_date(o->date, date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct ledger_input *v = xcalloc((size_t)n, sizeof(*v));
	char **ids = xcalloc((size_t)n, sizeof(char *));
	struct bd_error err;
	for (int i = 0; i < n && !rc; i++) {
		/* attest:P names the payment's attestation, so attesting again is
		 * a retry; after a corrected attestation the next one is
		 * attest:P:2, and so on. */
		int total = 0, corrected = 0;
		if (store_ledger_refs(s, args[i], EV_ATTEST, &total, &corrected, &err))
			rc = store_error(&err, EXIT_IO);
		if (o->id)
			ids[i] = xstrdup(o->id);
		else if (corrected == 0)
			ids[i] = xasprintf("attest:%s", args[i]);
		else
			ids[i] = xasprintf("attest:%s:%d", args[i], corrected + 1);
		v[i] = (struct ledger_input){.id = ids[i], .kind = EV_ATTEST, .ref = args[i]};
		memcpy(v[i].date, date, DATE_LEN);
	}
	if (!rc)
		rc = ledger_record_batch(s, v, (size_t)n, false);
	store_close(s);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(v);
	free(ids);
	return rc;
}

/* export */
static int do_export(struct pay_opts *o, int n)
{
	if (n)
		return usage_error(&cmd_pay_entry, "pay export takes no arguments (give --batch and --format)");
	if (!o->batch || !*o->batch)
		return usage_error(&cmd_pay_entry, "pay export needs --batch B (a name for the batch, like 2021-02-15)");
	/* pain.001 is what banks take; LB is legacy. */
	const char *format = o->format ? o->format : "pain001";
	if (strcmp(format, "pain001") && strcmp(format, "lb"))
		return usage_error(&cmd_pay_entry, "unknown --format '%s' for pay export (expected pain001, the default, "
						   "or lb, Bankgirot's legacy LB file)",
				   format);
	char date[DATE_LEN];
	if (need_date(o->date, date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	/* The output opens before the payments are recorded as executed: no
	 * batch is paid whose file cannot be written.  A file this export
	 * creates is removed again if nothing is exported. */
	bool to_file = o->output && strcmp(o->output, "-") != 0;
	bool existed = to_file && access(o->output, F_OK) == 0;
	FILE *f = open_output(o->output);
	if (!f) {
		store_close(s);
		return EXIT_IO;
	}
	const char *actor = cmd_actor(s);
	if (!actor) {
		store_close(s);
		if (f != stdout)
			fclose(f);
		if (to_file && !existed)
			unlink(o->output);
		return EXIT_USAGE;
	}
	struct pay_export in = {o->batch, format, date, o->from, actor, o->override, o->force};
	struct pay_export_result res;
	struct bd_error err;
	int xrc = pay_export_run(s, &in, &res, &err);
	store_close(s);
	if (xrc) {
		close_output(f, o->output);
		if (to_file && !existed)
			unlink(o->output);
		if (xrc > 0 && strstr(err.msg, "no attested payments"))
			return error("%s (see 'bidrag pay list --state attested')", err.msg);
		if (xrc > 0 && strstr(err.msg, "the paying organisation: no organisation"))
			return error("--from: no organisation '%s' in the register", o->from ? o->from : "KAMK");
		return xrc > 0 ? error("%s", err.msg) : store_error(&err, EXIT_IO);
	}
	char a[NUM_BUFSZ];
	if (res.again)
		fprintf(stderr, "batch %s was exported before: the same file (its dates stand), no new payments\n",
			o->batch);
	else {
		if (strcmp(res.exec_date, date) != 0)
			fprintf(stderr, "batch %s was executed on %s: the file has that date, not %s\n", o->batch,
				res.exec_date, date);
		fputs(res.notes, stderr);
		fprintf(stderr, "batch %s: %d payment%s, %s kr, exported as %s\n", o->batch, res.payments,
			res.payments == 1 ? "" : "s", fmt_ore(res.total, a), format);
	}
	fwrite(res.file, 1, res.len, f);
	free(res.file);
	if (close_output(f, o->output)) {
		if (!res.again)
			fprintf(stderr, "the batch is recorded as executed: run the same export again to write its file\n");
		rc = EXIT_IO;
	}
	return rc;
}

/* The queue's columns; the last three only when a payment listed needs
 * them, so the usual list keeps its columns. */
enum list_col {
	LC_ID, LC_DATE, LC_DNR, LC_PART, LC_RECIPIENT, LC_AMOUNT, LC_PAYEE, LC_ACCOUNT, LC_KIND, LC_REFERENCE,
	LC_REGISTERED_BY, LC_BIC, LC_CHANGED, LC_OVERRIDE, LC_COUNT
};

struct list_view {
	struct payment_rows rows;
	int sel[LC_COUNT];
	struct tcol cols[LC_COUNT];
	bool people; /* a format for people: the flag says what it is */
};

static void list_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	const struct list_view *lv = ctx;
	const struct payment_row *p = &lv->rows.v[r];
	const char *acct = p->bankgiro ? p->bankgiro : p->plusgiro ? p->plusgiro : p->iban;
	const char *kind = p->bankgiro ? "bankgiro" : p->plusgiro ? "plusgiro" : p->iban ? "IBAN" : NULL;
	const char *v = NULL;
	switch ((enum list_col)lv->sel[c]) {
	case LC_AMOUNT:
		out->num = p->amount;
		return;
	case LC_ID: v = p->id; break;
	case LC_DATE: v = p->date; break;
	case LC_DNR: v = p->dnr; break;
	case LC_PART: v = p->part; break;
	case LC_RECIPIENT: v = p->recipient_name; break;
	case LC_PAYEE: v = p->payee_name; break;
	case LC_ACCOUNT: v = acct; break;
	case LC_KIND: v = kind; break;
	case LC_REFERENCE: v = p->reference; break;
	case LC_REGISTERED_BY: v = p->registered_by; break;
	case LC_BIC: v = p->bic; break;
	case LC_CHANGED:
		if (p->account_recent && lv->people) {
			snprintf(scratch, NUM_BUFSZ, "ändrat %s", p->account_changed);
			v = scratch;
		} else if (p->account_recent) {
			v = p->account_changed;
		}
		break;
	case LC_OVERRIDE: v = p->override; break;
	case LC_COUNT: break;
	}
	out->text = v;
	out->empty = !v;
}

static int do_list(struct pay_opts *o, int n, char **args)
{
	if (n)
		return usage_error(&cmd_pay_entry, "unexpected argument '%s'", args[0]);
	const char *state = o->state ? o->state : "registered";
	int st = payment_state_parse(state);
	if (st < 0)
		return usage_error(&cmd_pay_entry, "unknown --state '%s' (expected registered, attested or executed)",
				   state);
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	if (o->format && (table_format_parse(o->format, &fmt, &err) || fmt == FMT_XLSX))
		return error("unknown format '%s' for pay list (expected table, tsv, csv or json)", o->format);
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct list_view lv = {0};
	strpool_init(&lv.rows.pool);
	/* Each payment with the account it goes to (the queue): what the
	 * attestant approves. */
	if (store_payment_queue(s, (enum payment_state)st, o->batch, payment_rows_collect, &lv.rows, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	static const struct tcol cols[LC_COUNT] = {
		[LC_ID] = {"Id", "id", COL_TEXT, false, -1},
		[LC_DATE] = {"Datum", "date", COL_TEXT, false, -1},
		[LC_DNR] = {"Beslut", "dnr", COL_TEXT, false, -1},
		[LC_PART] = {"Del", "part", COL_TEXT, false, -1},
		[LC_RECIPIENT] = {"Mottagare", "recipient", COL_TEXT, false, -1},
		[LC_AMOUNT] = {"Belopp", "amount", COL_ORE, true, -1},
		[LC_PAYEE] = {"Betalningsmottagare", "payee", COL_TEXT, false, -1},
		[LC_ACCOUNT] = {"Konto", "account", COL_TEXT, false, -1},
		[LC_KIND] = {"Kontoslag", "account_kind", COL_TEXT, false, -1},
		[LC_REFERENCE] = {"Referens", "reference", COL_TEXT, false, -1},
		[LC_REGISTERED_BY] = {"Registrerad av", "registered_by", COL_TEXT, false, -1},
		[LC_BIC] = {"BIC", "bic", COL_TEXT, false, -1},
		/* A payee's account changed within 30 days of the payment (or
		 * after it was registered): the classic fraud, for the attestant
		 * to check with the payee. */
		[LC_CHANGED] = {"Kontobyte", "account_changed", COL_TEXT, false, -1},
		/* What the attestant weighs: a payment outside the window or
		 * beyond the decided amount, with its registrar's reason. */
		[LC_OVERRIDE] = {"Undantag", "override", COL_TEXT, false, -1},
	};
	bool any_iban = false, any_changed = false, any_override = false;
	for (size_t i = 0; i < lv.rows.n; i++) {
		any_iban |= lv.rows.v[i].iban != NULL;
		any_changed |= lv.rows.v[i].account_recent;
		any_override |= lv.rows.v[i].override != NULL;
	}
	size_t ncols = 0;
	for (int c = 0; c < LC_COUNT; c++) {
		if ((c == LC_BIC && !any_iban) || (c == LC_CHANGED && !any_changed) || (c == LC_OVERRIDE && !any_override))
			continue;
		lv.sel[ncols] = c;
		lv.cols[ncols++] = cols[c];
	}
	lv.people = fmt == FMT_TABLE || fmt == FMT_TSV;
	struct table t = {.ncols = ncols, .cols = lv.cols, .nrows = lv.rows.n, .cell = list_cell, .ctx = &lv,
			  .total_label = fmt == FMT_TABLE && lv.rows.n ? "Summa" : NULL};
	if (!rc) {
		if (fmt == FMT_TABLE && lv.rows.n == 0)
			printf("no %s payments\n", state);
		else if (table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
	}
	if (!rc && fmt == FMT_TABLE && any_changed)
		fprintf(stderr, "warning: a payment is flagged in the column Kontobyte: its payee's account was changed "
				"within %d days of it; check the change with the payee before attesting ('bidrag payee show')\n",
			PAYEE_CHANGE_DAYS);
	free(lv.rows.v);
	strpool_release(&lv.rows.pool);
	return rc;
}

int cmd_pay(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_pay_entry);
	if (help >= 0)
		return help;
	struct pay_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	const char *verb = argv[1];
	if (strcmp(verb, "add") == 0)
		return do_add(&o, n, args);
	if (strcmp(verb, "plan") == 0)
		return do_plan(&o, n, args);
	if (strcmp(verb, "attest") == 0)
		return do_attest(&o, n, args);
	if (strcmp(verb, "export") == 0)
		return do_export(&o, n);
	if (strcmp(verb, "list") == 0)
		return do_list(&o, n, args);
	return usage_error(&cmd_pay_entry, "unknown subcommand 'pay %s' (expected add, plan, attest, list or export)", verb);
}
