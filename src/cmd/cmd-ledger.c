/* The ledger's event commands: requisition, repay, report, correct, and
 * events (a batch from a file).  Payments are in cmd-pay.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decision.h"
#include "ledger.h"
#include "csvread.h"
#include "table.h"
#include "store.h"
#include "eventfile.h"
#include "claims.h"
#include "statusload.h"
#include "store-bank.h"
#include "cmd.h"
#include "readfile.h"

struct ev_opts {
	const char *db, *id, *part, *recipient, *amount, *date, *received, *signed_by, *override, *reason,
		*unused, *format, *output;
	bool quiet, open;
	int next; /* the first positional argument */
	const char *claim; /* repay receive --claim: the claim's number or OCR reference */
};

static const struct cmd_opt ev_options[] = {
	OPT_STR("db", 0, struct ev_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("id", 0, struct ev_opts, id, "ID",
		 "the event's id (default: derived from its content, so entering it\n"
		 "twice records it once)"),
	OPT_AS,
	OPT_STR("part", 0, struct ev_opts, part, "P", "the decision's part"),
	OPT_STR("recipient", 0, struct ev_opts, recipient, "R", "the recipient's code, name or orgnr"),
	OPT_STR("amount", 0, struct ev_opts, amount, "A", "kronor ('215 000', '1,5 mkr'; öre allowed)"),
	OPT_STR("date", 0, struct ev_opts, date, "DATE", "the day the event happened (YYYY-MM-DD)"),
	OPT_STR("received", 0, struct ev_opts, received, "DATE", "the day the requisition came in"),
	OPT_STR("signed-by", 0, struct ev_opts, signed_by, "NAME", "who signed the requisition"),
	OPT_STR("override", 0, struct ev_opts, override, "TEXT", "the recorded reason for going beyond a rule"),
	OPT_STR("reason", 0, struct ev_opts, reason, "TEXT", "why (a correction needs one)"),
	OPT_STR("unused", 0, struct ev_opts, unused, "A", "the unused amount the report declares, in kronor"),
	OPT_STR("format", 0, struct ev_opts, format, "F",
		 "the file's or the list's format; what each verb takes is in the usage"),
	OPT_BOOL("quiet", 0, struct ev_opts, quiet, "print only errors"),
	OPT_STR("output", 'o', struct ev_opts, output, "FILE", "write the letter to FILE (a PDF)"),
	OPT_BOOL("open", 0, struct ev_opts, open, "list: only the claims not yet paid in full"),
	OPT_STR("claim", 0, struct ev_opts, claim, "N",
		 "receive: the claim paid, by its number or OCR reference (its account, and its\n"
		 "outstanding amount unless --amount; counted as paid of the claim)"),
	OPT_END,
};

const struct cmd_entry cmd_requisition_entry = {
	.name = "requisition",
	.summary = "record a requisition received, or refuse a late one (the right lapses)",
	.usage = "requisition add DNR --part --recipient --amount --received [--signed-by]\n"
		 "       bidrag requisition refuse DNR --part --recipient --date [--received] [--reason]\n"
		 "       (each also takes --id, --as, --db)",
	.about = "add     a requisition received by the deadline: the amount becomes payable.\n"
		 "refuse  after the deadline: the right to what is not requisitioned lapses and is released\n"
		 "        to the appropriation post; --received dates a late requisition, without it the\n"
		 "        lapse is recorded on --date because none came in.",
	.exec = cmd_requisition,
	.options = ev_options,
};

const struct cmd_entry cmd_repay_entry = {
	.name = "repay",
	.summary = "claim a repayment of unused money, or record one received",
	.usage = "repay claim DNR --part --recipient --amount --date\n"
		 "       bidrag repay receive DNR --part --recipient --amount --date\n"
		 "       bidrag repay receive --claim N|OCR [--amount] --date\n"
		 "       (each also takes --id, --as, --reason, --db)\n"
		 "       bidrag repay list [--open] [--format=table|tsv|csv|json] [--db]\n"
		 "       bidrag repay letter CLAIM --output [--date] [--db]",
	.about = "claim    claims a repayment of money paid out; the claim gets a number and an OCR reference\n"
		 "         (the number, a length digit and a check digit), printed here: the recipient pays to\n"
		 "         the agency's bankgiro with it, and 'bidrag bank import' of the bank's file (BgMax,\n"
		 "         camt) records the repayment by it.  A report that declares money unused claims it\n"
		 "         too, with a number of its own.\n"
		 "receive  records a repayment received by hand (the bank's files record theirs).\n"
		 "list     every claim: number, OCR reference, amount, what the bank's files have paid of it.\n"
		 "letter   the claim as a one-page letter (PDF) with the agency's bankgiro and the OCR reference.",
	.exec = cmd_repay,
	.options = ev_options,
};

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.summary = "record a financial report (ekonomisk redovisning) and the unused amount it declares",
	.usage = "report receive DNR --part --recipient --unused --date [--id] [--as]\n"
		 "                             [--db]",
	.about = "The unused amount declared is claimed for repayment (what is not claimed or repaid already).",
	.exec = cmd_report,
	.options = ev_options,
};

const struct cmd_entry cmd_correct_entry = {
	.name = "correct",
	.summary = "reverse an earlier event (nothing is ever edited or deleted)",
	.usage = "correct EVENT-ID --reason --date [--id] [--as] [--db]",
	.about = "An executed payment cannot be reversed (the money has left): claim a repayment instead.",
	.exec = cmd_correct,
	.options = ev_options,
};

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.summary = "record a batch of ledger events from a CSV or JSON file, all or nothing",
	.usage = "events import FILE [--format=csv|json] [--db] [--quiet]\n"
		 "       bidrag events list [DNR] [--format=table|csv|json] [--db]",
	.about = "A batch file holds one event per row (CSV, with a header) or per object (a JSON array):\n"
		 "  id, kind (requisition, lapse, payment, attest, repay-claim, repay-receive, report, correction),\n"
		 "  dnr, part, recipient, ref (attest, correction), date, by, amount (kronor, öre allowed),\n"
		 "  signed_by, override, reason, received (true/false, for a lapse).\n"
		 "Every event has an id; a batch whose events are already recorded is accepted again without\n"
		 "recording anything twice.  One bad event and nothing of the batch is recorded.",
	.exec = cmd_events,
	.options = ev_options,
};


/* parse: options common to the event commands; the positional arguments
 * stay in argv[o->next..] (of argv + 1: the verb is argv[1]). */
static int parse(int argc, char **argv, struct ev_opts *o, const struct cmd_entry *e)
{
	int rc = cmd_parse(e, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

static int parse_date(const char *opt, const char *s, char out[DATE_LEN])
{
	if (!s)
		return error("%s is missing (expected a date, YYYY-MM-DD)", opt);
	if (!date_valid(s))
		return error("invalid %s '%s' (expected a date, YYYY-MM-DD)", opt, s);
	memcpy(out, s, DATE_LEN);
	return 0;
}

static int parse_amount(const char *opt, const char *s, int64_t *ore)
{
	char why[200];
	if (!s)
		return error("%s is missing (expected an amount in kronor, like '15 000 000' or '1 234,50')", opt);
	if (money_parse_ore(s, NUM_SUFFIX_MONEY, ore, why, sizeof(why)))
		return error("invalid %s '%s': %s", opt, s, why);
	return 0;
}

/* print_claim: the claim number and OCR reference of what an event
 * claimed (a repay-claim, a report), if it claimed anything. */
struct claim_print {
	const char *id;
	int n;
};

static int print_claim(void *ctx, const struct repay_claim_row *c)
{
	struct claim_print *p = ctx;
	if (strcmp(c->event_id, p->id) != 0)
		return 0;
	char a[NUM_BUFSZ];
	printf("repayment claim %" PRId64 " of %s kr: OCR reference %s\n", c->number, fmt_ore(c->amount, a), c->ocr);
	p->n++;
	return 0;
}



/* warn_late_report: a financial report just recorded after its part's
 * report deadline is accepted, and marked late (ledger_report_late): say
 * so. */
struct late_ctx {
	const char *date, *part, *recipient;
	bool found;
	char deadline[DATE_LEN];
};

static int find_report_deadline(void *ctx, const struct ledger_account *a)
{
	struct late_ctx *c = ctx;
	if (strcmp(a->part, c->part) == 0 && strcmp(a->recipient, c->recipient) == 0 && a->report_deadline) {
		snprintf(c->deadline, DATE_LEN, "%s", a->report_deadline);
		c->found = true;
	}
	return 0;
}

static void warn_late_report(struct store *s, const struct ledger_input *in)
{
	char code[64];
	struct bd_error err;
	if (store_org_find(s, in->recipient, code, NULL, &err) != 0)
		return;
	struct late_ctx c = {in->date, in->part, code, false, ""};
	if (store_ledger_accounts(s, in->dnr, in->part, code, NULL, find_report_deadline, &c, &err) || !c.found)
		return;
	if (ledger_report_late(in->date, c.deadline)) {
		char d1[32], d2[32];
		fprintf(stderr,
			"warning: the financial report is dated %s, after the report deadline %s of %s part %s: it is "
			"recorded and marked late\n",
			date_swedish(in->date, d1, sizeof(d1)), date_swedish(c.deadline, d2, sizeof(d2)), in->dnr, in->part);
	}
}

/* One event on an account, from the command line, recorded. */
static int record_one(struct ev_opts *o, struct ledger_input *in, const struct cmd_entry *e)
{
	in->signed_by = o->signed_by;
	in->override = o->override;
	in->reason = o->reason;
	char auto_id[LEDGER_AUTO_ID_LEN];
	if (o->id)
		in->id = o->id;
	else {
		ledger_auto_id(in, auto_id);
		in->id = auto_id;
	}
	(void)e;
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	rc = ledger_record_batch(s, in, 1, false);
	if (rc == 0 && in->kind == EV_REPORT)
		warn_late_report(s, in);
	if (rc == 0 && (in->kind == EV_REPAY_CLAIM || in->kind == EV_REPORT)) {
		struct claim_print p = {in->id, 0};
		struct bd_error err;
		if (store_repay_claims(s, 0, print_claim, &p, &err))
			rc = store_error(&err, EXIT_IO);
	}
	store_close(s);
	return rc;
}

static int account_args(int n, char **args, struct ev_opts *o, struct ledger_input *in, const struct cmd_entry *e)
{
	if (n != 1)
		return usage_error(e, n ? "give one DNR" : "the decision's DNR is missing");
	if (!o->part || !o->recipient)
		return usage_error(e, "--part and --recipient name the account");
	in->dnr = args[0];
	in->part = o->part;
	in->recipient = o->recipient;
	return 0;
}

int cmd_requisition(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_requisition_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	struct ev_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	struct ledger_input in = {0};
	if ((rc = account_args(n, args, &o, &in, e)))
		return rc;
	if (strcmp(argv[1], "add") == 0) {
		in.kind = EV_REQUISITION;
		if (parse_amount("--amount", o.amount, &in.amount) || parse_date("--received", o.received, in.date))
			return EXIT_USAGE;
	} else if (strcmp(argv[1], "refuse") == 0) {
		in.kind = EV_LAPSE;
		if (o.amount)
			return usage_error(e, "refuse takes no --amount: everything not requisitioned lapses");
		if (o.received) {
			in.received_given = true;
			if (parse_date("--received", o.received, in.date))
				return EXIT_USAGE;
			if (o.date && strcmp(o.date, o.received) != 0)
				return usage_error(e, "give --received (a late requisition) or --date (none came in), not both");
		} else if (parse_date("--date", o.date, in.date)) {
			return EXIT_USAGE;
		}
	} else {
		return usage_error(e, "unknown subcommand 'requisition %s' (expected add or refuse)", argv[1]);
	}
	return record_one(&o, &in, e);
}

enum { CC_NUMBER, CC_OCR, CC_DATE, CC_DNR, CC_PART, CC_RECIPIENT, CC_AMOUNT, CC_PAID, CC_OUTSTANDING, CC_STATE,
       CC_COUNT };

struct claim_rows {
	struct repay_claim_row *v;
	size_t n;
	struct strpool pool;
	bool open;
};

static int collect_claim(void *ctx, const struct repay_claim_row *c)
{
	struct claim_rows *r = ctx;
	if (r->open && (c->corrected || c->matched >= c->amount))
		return 0;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct strpool *p = &r->pool;
	r->v[r->n++] = (struct repay_claim_row){
		.number = c->number, .ocr = strpool_strdup(p, c->ocr), .event_id = strpool_strdup(p, c->event_id),
		.kind = strpool_strdup(p, c->kind), .dnr = strpool_strdup(p, c->dnr), .part = strpool_strdup(p, c->part),
		.recipient = strpool_strdup(p, c->recipient), .recipient_name = strpool_strdup(p, c->recipient_name),
		.date = strpool_strdup(p, c->date), .recorded = strpool_strdup(p, c->recorded), .amount = c->amount,
		.matched = c->matched, .corrected = c->corrected,
	};
	return 0;
}

static void claim_cell(void *ctx, size_t row, size_t col, struct tcell *out, char *scratch)
{
	const struct repay_claim_row *c = &((struct claim_rows *)ctx)->v[row];
	switch (col) {
	case CC_NUMBER:
		snprintf(scratch, NUM_BUFSZ, "%" PRId64, c->number);
		out->text = scratch;
		break;
	case CC_AMOUNT: out->num = c->amount; return;
	case CC_PAID: out->num = c->matched; return;
	case CC_OUTSTANDING: out->num = c->corrected ? 0 : c->amount - c->matched; return;
	case CC_OCR: out->text = c->ocr; break;
	case CC_DATE: out->text = c->date; break;
	case CC_DNR: out->text = c->dnr; break;
	case CC_PART: out->text = c->part; break;
	case CC_RECIPIENT: out->text = c->recipient_name ? c->recipient_name : c->recipient; break;
	case CC_STATE:
		out->text = c->corrected ? "corrected" : c->matched >= c->amount ? "paid" : c->matched ? "part paid" : "open";
		break;
	}
	out->empty = !out->text;
}

static int list_claims(struct ev_opts *o, int n)
{
	const struct cmd_entry *e = &cmd_repay_entry;
	if (n)
		return usage_error(e, "repay list takes no arguments");
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	if (o->format && (table_format_parse(o->format, &fmt, &err) || fmt == FMT_XLSX))
		return error("unknown format '%s' for repay list (expected table, tsv, csv or json)", o->format);
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct claim_rows r = {.open = o->open};
	strpool_init(&r.pool);
	if (store_repay_claims(s, 0, collect_claim, &r, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	static const struct tcol cols[CC_COUNT] = {
		[CC_NUMBER] = {"Krav", "number", COL_TEXT, false, -1},
		[CC_OCR] = {"OCR-nummer", "ocr", COL_TEXT, false, -1},
		[CC_DATE] = {"Datum", "date", COL_TEXT, false, -1},
		[CC_DNR] = {"Beslut", "dnr", COL_TEXT, false, -1},
		[CC_PART] = {"Del", "part", COL_TEXT, false, -1},
		[CC_RECIPIENT] = {"Mottagare", "recipient", COL_TEXT, false, -1},
		[CC_AMOUNT] = {"Återkrävt", "amount", COL_ORE, true, -1},
		[CC_PAID] = {"Inbetalt", "paid", COL_ORE, true, -1},
		[CC_OUTSTANDING] = {"Kvar", "outstanding", COL_ORE, true, -1},
		[CC_STATE] = {"Läge", "state", COL_TEXT, false, -1},
	};
	struct table t = {.ncols = CC_COUNT, .cols = cols, .nrows = r.n, .cell = claim_cell, .ctx = &r,
			  .total_label = fmt == FMT_TABLE && r.n ? "Summa" : NULL};
	if (!rc) {
		if (fmt == FMT_TABLE && r.n == 0)
			printf(o->open ? "no open repayment claims\n" : "no repayment claims\n");
		else if (table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
	}
	free(r.v);
	strpool_release(&r.pool);
	return rc;
}

static int claim_letter(struct ev_opts *o, int n, char **args)
{
	const struct cmd_entry *e = &cmd_repay_entry;
	if (n != 1)
		return usage_error(e, "repay letter takes one CLAIM (its number in 'bidrag repay list')");
	char *end;
	long long number = strtoll(args[0], &end, 10);
	if (!*args[0] || *end || number <= 0)
		return error("invalid CLAIM '%s' (expected a claim number, see 'bidrag repay list')", args[0]);
	if (!o->output)
		return usage_error(e, "repay letter needs --output FILE (a PDF)");
	char date[DATE_LEN];
	if (o->date) {
		if (parse_date("--date", o->date, date))
			return EXIT_USAGE;
	} else {
		date_today(date);
	}
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	int xrc = claim_letter_make(s, number, date, o->output, &err);
	store_close(s);
	if (xrc)
		return xrc > 0 ? error("%s", err.msg) : store_error(&err, EXIT_IO);
	return 0;
}

/* receive_claim: repay receive --claim: a repayment received by hand for
 * a claim, on the claim's account, counted as paid of it as a bank file's
 * would be; refused when the claim is paid or the amount is more than it
 * has outstanding. */
static int receive_claim(struct ev_opts *o, int npos, const struct cmd_entry *e)
{
	if (npos || o->part || o->recipient || o->id)
		return usage_error(e, "--claim names the claim and its account: give no DNR, --part, --recipient or --id");
	struct ledger_input in = {.kind = EV_REPAY_RECEIVE};
	int64_t amount = 0;
	if ((o->amount && parse_amount("--amount", o->amount, &amount)) || parse_date("--date", o->date, in.date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct repay_by_hand h;
	struct bd_error err;
	rc = store_repay_by_hand(s, o->claim, amount, in.date, &h, &err);
	store_close(s);
	if (rc)
		return store_error(&err, err.code == BD_INVALID ? EXIT_USAGE : EXIT_IO);
	in.dnr = h.dnr;
	in.part = h.part;
	in.recipient = h.recipient;
	in.amount = h.amount;
	o->id = h.id;
	if (!o->reason)
		o->reason = h.reason;
	rc = record_one(o, &in, e);
	if (rc == 0 && !h.known && !o->quiet) {
		char a[NUM_BUFSZ], b[NUM_BUFSZ];
		printf("claim %" PRId64 " (OCR %s): %s kr received, %s kr outstanding\n", h.number, h.ocr, fmt_ore(h.amount, a),
		       fmt_ore(h.outstanding - h.amount, b));
	}
	return rc;
}

int cmd_repay(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_repay_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	struct ev_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (strcmp(argv[1], "list") == 0)
		return list_claims(&o, argc - 1 - o.next);
	if (strcmp(argv[1], "letter") == 0)
		return claim_letter(&o, argc - 1 - o.next, argv + 1 + o.next);
	if (strcmp(argv[1], "receive") == 0 && o.claim)
		return receive_claim(&o, argc - 1 - o.next, e);
	if (o.claim)
		return usage_error(e, "--claim is for repay receive");
	struct ledger_input in = {0};
	if (strcmp(argv[1], "claim") == 0)
		in.kind = EV_REPAY_CLAIM;
	else if (strcmp(argv[1], "receive") == 0)
		in.kind = EV_REPAY_RECEIVE;
	else
		return usage_error(e, "unknown subcommand 'repay %s' (expected claim, receive, list or letter)", argv[1]);
	if ((rc = account_args(argc - 1 - o.next, argv + 1 + o.next, &o, &in, e)))
		return rc;
	if (parse_amount("--amount", o.amount, &in.amount) || parse_date("--date", o.date, in.date))
		return EXIT_USAGE;
	return record_one(&o, &in, e);
}

int cmd_report(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_report_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	if (strcmp(argv[1], "receive") != 0)
		return usage_error(e, "unknown subcommand 'report %s' (expected receive)", argv[1]);
	struct ev_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct ledger_input in = {.kind = EV_REPORT};
	if ((rc = account_args(argc - 1 - o.next, argv + 1 + o.next, &o, &in, e)))
		return rc;
	if (parse_amount("--unused", o.unused, &in.amount) || parse_date("--date", o.date, in.date))
		return EXIT_USAGE;
	return record_one(&o, &in, e);
}

int cmd_correct(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_correct_entry;
	struct ev_opts o = {0};
	int rc = parse(argc, argv, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (argc - o.next != 1)
		return usage_error(e, "give the id of the one event to correct");
	/* Caught here, where the EVENT-ID is a positional argument: the
	 * ledger's own message speaks of the 'ref' of an events file. */
	if (!*argv[o.next])
		return usage_error(e, "EVENT-ID is empty: give the id of the event to correct (the Id column of "
				      "'bidrag events list')");
	if (!o.reason || !*o.reason)
		return usage_error(e, "a correction needs --reason (it is recorded)");
	struct ledger_input in = {.kind = EV_CORRECTION, .ref = argv[o.next]};
	if (parse_date("--date", o.date, in.date))
		return EXIT_USAGE;
	return record_one(&o, &in, e);
}

/* events import: a batch from a file. */

struct journal {
	struct ledger_row *v;
	size_t n;
	struct strpool pool;
};

static int collect_row(void *ctx, const struct ledger_row *r)
{
	struct journal *j = ctx;
	j->v = xreallocarray(j->v, j->n + 1, sizeof(*j->v));
	j->v[j->n++] = (struct ledger_row){r->seq,          strpool_strdup(&j->pool, r->id),     strpool_strdup(&j->pool, r->kind),  strpool_strdup(&j->pool, r->dnr),
					   strpool_strdup(&j->pool, r->part),    strpool_strdup(&j->pool, r->recipient), strpool_strdup(&j->pool, r->date), strpool_strdup(&j->pool, r->actor),
					   strpool_strdup(&j->pool, r->from),    strpool_strdup(&j->pool, r->to),     strpool_strdup(&j->pool, r->ref),   strpool_strdup(&j->pool, r->batch),
					   strpool_strdup(&j->pool, r->detail),  strpool_strdup(&j->pool, r->recorded), r->amount};
	return 0;
}

static void journal_cell(void *ctx, size_t row, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct ledger_row *r = &((struct journal *)ctx)->v[row];
	const char *v[] = {NULL, r->id, r->kind, r->date, r->dnr, r->part, r->recipient, NULL, r->from, r->to,
			   r->actor, r->ref, r->batch, r->detail, r->recorded};
	if (c == 0) {
		out->num = r->seq;
		return;
	}
	if (c == 7) {
		out->num = r->amount;
		return;
	}
	out->text = v[c];
	out->empty = !v[c];
}

static int list_events(struct ev_opts *o, int n, char **args)
{
	if (n > 1)
		return usage_error(&cmd_events_entry, "events list takes at most one DNR");
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	if (o->format && (table_format_parse(o->format, &fmt, &err) || fmt == FMT_XLSX))
		return error("unknown format '%s' for events list (expected table, tsv, csv or json)", o->format);
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct journal j = {0};
	strpool_init(&j.pool);
	if (store_ledger_events(s, n ? args[0] : NULL, collect_row, &j, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	static const struct tcol cols[] = {
		{"Nr", "seq", COL_INT, false, -1},           {"Id", "id", COL_TEXT, false, -1},
		{"Slag", "kind", COL_TEXT, false, -1},        {"Datum", "date", COL_TEXT, false, -1},
		{"Beslut", "dnr", COL_TEXT, false, -1},       {"Del", "part", COL_TEXT, false, -1},
		{"Mottagare", "recipient", COL_TEXT, false, -1}, {"Belopp", "amount", COL_ORE, false, -1},
		{"Från", "from", COL_TEXT, false, -1},        {"Till", "to", COL_TEXT, false, -1},
		{"Av", "by", COL_TEXT, false, -1},            {"Avser", "ref", COL_TEXT, false, -1},
		{"Bunt", "batch", COL_TEXT, false, -1},       {"Uppgifter", "detail", COL_TEXT, false, -1},
		{"Registrerad", "recorded", COL_TEXT, false, -1},
	};
	struct table t = {.ncols = BD_ARRAY_LEN(cols), .cols = cols, .nrows = j.n, .cell = journal_cell, .ctx = &j};
	if (!rc) {
		if (fmt == FMT_TABLE && j.n == 0)
			printf("no events recorded\n");
		else if (table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
	}
	free(j.v);
	strpool_release(&j.pool);
	return rc;
}

int cmd_events(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_events_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	struct ev_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	if (strcmp(argv[1], "list") == 0)
		return list_events(&o, n, args);
	if (strcmp(argv[1], "import") != 0)
		return usage_error(e, "unknown subcommand 'events %s' (expected import or list)", argv[1]);
	if (n != 1)
		return usage_error(e, "events import takes one FILE");
	const char *path = args[0];
	bool json = o.format ? strcmp(o.format, "json") == 0 : (strlen(path) > 5 && strcmp(path + strlen(path) - 5, ".json") == 0);
	if (o.format && !json && strcmp(o.format, "csv") != 0)
		return error("unknown format '%s' (expected csv or json)", o.format);
	char *data;
	size_t len;
	struct bd_error err;
	if (read_file(path, 256u << 20, &data, &len, &err))
		return error("%s", err.msg);
	struct event_batch b;
	rc = eventfile_parse(&b, data, len, path, json, &err) ? error("%s", err.msg) : 0;
	free(data); /* the batch holds copies in its pool */
	if (!rc && b.n == 0)
		rc = error("%s: no events", path);
	if (!rc) {
		struct store *s;
		rc = open_register(o.db, false, &s);
		if (!rc) {
			rc = ledger_record_batch(s, b.v, b.n, o.quiet);
			store_close(s);
		}
	}
	eventfile_release(&b);
	return rc;
}
