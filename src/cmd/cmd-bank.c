/* bidrag bank: the bank's files in (pain.002, camt.053/054, BgMax), the
 * entries nothing matched matched by hand under four eyes, and the
 * reconciliation views (batches, payments, days, unmatched). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bankimport.h"
#include "payee.h"
#include "statusload.h"
#include "store-bank.h"
#include "store.h"
#include "table.h"
#include "cmd.h"

struct bank_opts {
	const char *db, *user, *format, *claim, *payment, *note, *date, *batch, *from, *to;
	int next;
};

static const struct cmd_opt bank_options[] = {
	OPT_STR("db", 0, struct bank_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("user", 0, struct bank_opts, user, "NAME",
		 "who imports, proposes, approves or rejects: a bidrag user, its password from\n"
		 "$BIDRAG_PASSWORD or the terminal (default $BIDRAG_USER, else the OS account's user)"),
	OPT_STR("by", 0, struct bank_opts, user, "NAME", NULL), /* as pay's commands spell it */
	OPT_STR("as", 0, struct bank_opts, user, "NAME", NULL), /* a bidrag user, authenticated (cmd_actor) */
	OPT_STR("format", 0, struct bank_opts, format, "F", "the output format: table (default), tsv, csv or json"),
	OPT_STR("claim", 0, struct bank_opts, claim, "N", "match: the repayment claim the entry pays (its number)"),
	OPT_STR("payment", 0, struct bank_opts, payment, "ID",
		 "match: the executed payment the entry books (a debit) or\n"
		 "returns (a credit)"),
	OPT_STR("note", 0, struct bank_opts, note, "TEXT", "match: why (kept with the proposal)"),
	OPT_STR("date", 0, struct bank_opts, date, "DATE", "the day of the decision (default today)"),
	OPT_STR("batch", 0, struct bank_opts, batch, "B", "payments: one batch's"),
	OPT_STR("from", 0, struct bank_opts, from, "DATE", "days: the first day"),
	OPT_STR("to", 0, struct bank_opts, to, "DATE", "days: the last day"),
	OPT_END,
};

const struct cmd_entry cmd_bank_entry = {
	.name = "bank",
	.summary = "the bank's files in (pain.002, camt.053/054, BgMax) and the reconciliation views",
	.usage = "bank import FILE [--user] [--db]\n"
		 "       bidrag bank unmatched [--format=table|tsv|csv|json] [--db]\n"
		 "       bidrag bank entries [--format=table|tsv|csv|json] [--db]\n"
		 "       bidrag bank match ENTRY --claim | --payment [--note] --user [--date] [--db]\n"
		 "       bidrag bank approve ENTRY --user [--date] [--db]\n"
		 "       bidrag bank reject ENTRY [--user] [--date] [--db]\n"
		 "       bidrag bank batches [--format=table|tsv|csv|json] [--db]\n"
		 "       bidrag bank payments [--batch] [--format=table|tsv|csv|json] [--db]\n"
		 "       bidrag bank days [--from] [--to] [--format=table|tsv|csv|json] [--db]",
	.about = "import     reads a file from the bank, recognised by its content, and records what it says,\n"
		 "           all or nothing:\n"
		 "           pain.002 (status report): a payment accepted is with the bank; one rejected\n"
		 "             (AC01 felaktigt kontonummer, ...) is void and its money payable again: plan,\n"
		 "             attest and export it anew ('bidrag pay plan'); a whole file rejected\n"
		 "             reopens every payment of its batch.\n"
		 "           camt.053/054 (statement, notification): a booked debit of a payment bidrag\n"
		 "             exported (by its EndToEndId) is booked on its booking date; a returned payment\n"
		 "             is void and payable again; a credit whose OCR reference is a repayment claim's\n"
		 "             records the repayment.\n"
		 "           BgMax (incoming bankgiro payments): each payment whose OCR reference is a\n"
		 "             claim's records the repayment.\n"
		 "           Refused whole, naming the file and the entry, with nothing recorded: a file that\n"
		 "           does not validate, a pain.002 answering a file or a payment bidrag did not\n"
		 "           export, an amount that differs from the payment it names, money in another\n"
		 "           currency than SEK for a payment or a claim.  What matches nothing (a credit\n"
		 "           without a claim's OCR reference, a debit that is no payment of bidrag's) is kept\n"
		 "           unmatched.  Importing a file again records nothing twice.\n"
		 "unmatched  the entries nothing matched, for an officer to match by hand.\n"
		 "entries    every entry of every file imported.\n"
		 "match      proposes a match of an unmatched entry (its number in 'bank unmatched') to a\n"
		 "           claim or a payment, by --user; nothing is recorded until another person approves.\n"
		 "approve    the proposal takes effect (four eyes: not by its proposer): the repayment, the\n"
		 "           booking or the return is recorded.\n"
		 "reject     the proposal is dropped.\n"
		 "batches    per payment batch: sent, accepted, booked, rejected, returned, with amounts.\n"
		 "payments   every executed payment (or a batch's) with its EndToEndId and what the bank said.\n"
		 "days       per day, the bank's booked movements beside the ledger's.\n"
		 "Every import and match is in the audit log ('bidrag audit list').",
	.exec = cmd_bank,
	.options = bank_options,
};

static int parse(int argc, char **argv, struct bank_opts *o)
{
	int rc = cmd_parse(&cmd_bank_entry, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

static int open_as(const struct bank_opts *o, struct store **s)
{
	if (o->user)
		opt_as(NULL, o->user); /* who: cmd_actor, at the first change */
	return open_register(o->db, false, s);
}

static int need_user(const struct bank_opts *o, const char *verb)
{
	if (!o->user)
		return usage_error(&cmd_bank_entry, "bank %s needs --user NAME: the person who %ss (four eyes)", verb,
				   strcmp(verb, "match") == 0 ? "propose" : verb);
	if (!*o->user)
		return usage_error(&cmd_bank_entry, "--user: empty");
	return 0;
}

static int parse_format(const struct bank_opts *o, const char *verb, enum table_format *fmt)
{
	struct bd_error err;
	*fmt = FMT_TABLE;
	if (o->format && (table_format_parse(o->format, fmt, &err) || *fmt == FMT_XLSX))
		return error("unknown format '%s' for bank %s (expected table, tsv, csv or json)", o->format, verb);
	return 0;
}

static int parse_id(const char *what, const char *text, int64_t *out)
{
	char *end;
	long long v = text ? strtoll(text, &end, 10) : 0;
	if (!text || !*text || *end || v <= 0)
		return error("invalid %s '%s' (expected a number: see 'bidrag bank unmatched')", what, text ? text : "");
	*out = v;
	return 0;
}

static int the_date(const struct bank_opts *o, char out[DATE_LEN])
{
	if (!o->date) {
		date_today(out);
		return 0;
	}
	if (!date_valid(o->date))
		return error("invalid --date '%s' (expected a date, YYYY-MM-DD)", o->date);
	memcpy(out, o->date, DATE_LEN);
	return 0;
}

/* A table held as cells. */
struct grid {
	size_t ncols, nrows;
	struct tcell *cells;
	struct strpool pool;
};

static struct tcell *grid_row(struct grid *g)
{
	g->cells = xreallocarray(g->cells, (g->nrows + 1) * g->ncols, sizeof(*g->cells));
	struct tcell *r = &g->cells[g->nrows++ * g->ncols];
	for (size_t c = 0; c < g->ncols; c++)
		r[c] = (struct tcell){.empty = true};
	return r;
}

static void text(struct grid *g, struct tcell *c, const char *s)
{
	c->text = s ? strpool_strdup(&g->pool, s) : NULL;
	c->empty = !s;
}

static void num(struct tcell *c, int64_t v)
{
	c->num = v;
	c->empty = false;
}

static void grid_cell(void *ctx, size_t row, size_t col, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct grid *g = ctx;
	*out = g->cells[row * g->ncols + col];
}

static int grid_write(struct grid *g, const struct tcol *cols, enum table_format fmt, const char *title,
		      const char *total)
{
	struct table t = {.title = fmt == FMT_TABLE ? title : NULL, .ncols = g->ncols, .cols = cols, .nrows = g->nrows,
			  .cell = grid_cell, .ctx = g, .total_label = fmt == FMT_TABLE && g->nrows ? total : NULL};
	struct bd_error err;
	int rc = table_write(&t, fmt, stdout, NULL, &err) ? store_error(&err, EXIT_IO) : 0;
	free(g->cells);
	strpool_release(&g->pool);
	return rc;
}

/* list_end: a list read (rc the reading's; the store closed): a table
 * without rows says `empty`; else the rows in fmt, with a totals row named
 * foot (NULL: none).  Every list of the bank ends so. */
static int list_end(struct grid *g, int rc, enum table_format fmt, const struct tcol *cols, const char *empty,
		    const char *foot)
{
	if (!rc && fmt == FMT_TABLE && !g->nrows) {
		printf("%s\n", empty);
		rc = -1;
	}
	if (rc) {
		free(g->cells);
		strpool_release(&g->pool);
		return rc < 0 ? 0 : rc;
	}
	return grid_write(g, cols, fmt, NULL, foot);
}

static int do_import(struct bank_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_bank_entry, n ? "bank import takes one FILE" : "the bank's FILE is missing");
	if (o->user && !*o->user)
		return usage_error(&cmd_bank_entry, "--user: empty");
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	struct bank_import_report r;
	struct bd_error err;
	const char *actor = cmd_actor(s);
	int xrc = actor ? bank_import_file(s, args[0], actor, &r, &err) : -2;
	if (xrc == -2) {
		store_close(s);
		return EXIT_USAGE;
	}
	store_close(s);
	if (xrc) {
		bank_import_report_release(&r);
		return xrc > 0 ? error("%s", err.msg) : store_error(&err, EXIT_IO);
	}
	const struct bank_import_result *res = &r.result;
	if (res->again) {
		printf("%s (%s) was imported before, by %s at %s: nothing recorded\n", args[0], r.kind, res->again_by,
		       res->again_at);
		bank_import_report_release(&r);
		return 0;
	}
	char a[NUM_BUFSZ];
	printf("%s: %s, %zu entr%s\n", args[0], r.kind, r.entries, r.entries == 1 ? "y" : "ies");
	for (size_t i = 0; i < res->nlines; i++) {
		const struct bank_import_line *l = &res->lines[i];
		printf("  %s: ", l->place);
		if (l->known) {
			printf("imported before (from this or another file): nothing done\n");
			continue;
		}
		printf("%s, %s kr", bank_what_name(l->what), fmt_ore(l->amount, a));
		if (l->payment_id)
			printf(", payment %s", l->payment_id);
		if (l->claim)
			printf(", claim %" PRId64, l->claim);
		if (!l->recorded && l->what != BW_UNMATCHED && l->what != BW_PENDING)
			printf(" (recorded before)");
		if (l->note)
			printf(": %s", l->note);
		putchar('\n');
	}
	printf("recorded %d event%s;", res->events, res->events == 1 ? "" : "s");
	for (int w = 0; w < BW_COUNT; w++)
		if (res->count[w])
			printf(" %d %s (%s kr)", res->count[w], bank_what_name((enum bank_what)w), fmt_ore(res->amount[w], a));
	if (res->known)
		printf(" %d imported before", res->known);
	if (r.skipped)
		printf(" %zu not booked (pending or information), not kept", r.skipped);
	putchar('\n');
	if (res->count[BW_UNMATCHED])
		printf("%d entr%s matched nothing: see 'bidrag bank unmatched'\n", res->count[BW_UNMATCHED],
		       res->count[BW_UNMATCHED] == 1 ? "y" : "ies");
	if (res->count[BW_REJECTED] || res->count[BW_RETURNED])
		printf("rejected and returned payments are payable again: plan, attest and export them anew ('bidrag pay "
		       "plan')\n");
	bank_import_report_release(&r);
	return 0;
}

/* Entries: unmatched or all. */
enum { EC_ID, EC_DATE, EC_FILE, EC_PLACE, EC_WHAT, EC_DIR, EC_AMOUNT, EC_CURRENCY, EC_REFERENCE, EC_TEXT,
       EC_MATCH, EC_NOTE, EC_AGE, EC_COUNT };

struct entries_ctx {
	struct grid g;
	char today[DATE_LEN];
};

static int take_entry(void *ctx, const struct bank_entry_row *e)
{
	struct entries_ctx *c = ctx;
	struct grid *g = &c->g;
	struct tcell *r = grid_row(g);
	num(&r[EC_ID], e->id);
	text(g, &r[EC_DATE], e->date);
	text(g, &r[EC_FILE], e->file_name);
	text(g, &r[EC_PLACE], e->place);
	text(g, &r[EC_WHAT], e->match_id ? "matched by hand" : bank_what_name(e->what));
	text(g, &r[EC_DIR], e->credit ? "in" : "out");
	num(&r[EC_AMOUNT], e->amount);
	text(g, &r[EC_CURRENCY], e->currency);
	text(g, &r[EC_REFERENCE], e->reference);
	text(g, &r[EC_TEXT], e->text);
	char buf[400];
	if (e->match_id && e->match_claim)
		snprintf(buf, sizeof(buf), "claim %" PRId64 " (approved by %s)", e->match_claim, e->match_by);
	else if (e->match_id)
		snprintf(buf, sizeof(buf), "payment %s (approved by %s)", e->match_payment, e->match_by);
	else if (e->open_id)
		snprintf(buf, sizeof(buf), "proposed by %s, awaiting approval", e->open_by);
	else if (e->claim)
		snprintf(buf, sizeof(buf), "claim %" PRId64, e->claim);
	else if (e->payment_id)
		snprintf(buf, sizeof(buf), "payment %s", e->payment_id);
	else
		buf[0] = '\0';
	text(g, &r[EC_MATCH], buf[0] ? buf : NULL);
	text(g, &r[EC_NOTE], e->note ? e->note : e->reason);
	num(&r[EC_AGE], date_day_number(c->today) - date_day_number(e->date));
	return 0;
}

static int do_entries(struct bank_opts *o, int n, bool unmatched)
{
	const char *verb = unmatched ? "unmatched" : "entries";
	if (n)
		return usage_error(&cmd_bank_entry, "bank %s takes no arguments", verb);
	enum table_format fmt;
	if (parse_format(o, verb, &fmt))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	static const struct tcol cols[EC_COUNT] = {
		[EC_ID] = {"Nr", "id", COL_INT, false, -1},
		[EC_DATE] = {"Datum", "date", COL_TEXT, false, -1},
		[EC_FILE] = {"Fil", "file", COL_TEXT, false, -1},
		[EC_PLACE] = {"Post", "place", COL_TEXT, false, -1},
		[EC_WHAT] = {"Utfall", "what", COL_TEXT, false, -1},
		[EC_DIR] = {"Riktning", "direction", COL_TEXT, false, -1},
		[EC_AMOUNT] = {"Belopp", "amount", COL_ORE, false, -1},
		[EC_CURRENCY] = {"Valuta", "currency", COL_TEXT, false, -1},
		[EC_REFERENCE] = {"Referens", "reference", COL_TEXT, false, -1},
		[EC_TEXT] = {"Text", "text", COL_TEXT, false, -1},
		[EC_MATCH] = {"Matchad mot", "matched", COL_TEXT, false, -1},
		[EC_NOTE] = {"Anmärkning", "note", COL_TEXT, false, -1},
		[EC_AGE] = {"Dagar", "age_days", COL_INT, false, -1},
	};
	struct entries_ctx c = {.g = {.ncols = EC_COUNT}};
	strpool_init(&c.g.pool);
	date_today(c.today);
	struct bd_error err;
	if (store_bank_entries(s, unmatched, take_entry, &c, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return list_end(&c.g, rc, fmt, cols, unmatched ? "no unmatched bank entries" : "no bank entries imported", NULL);
}

struct match_tx {
	int64_t entry, claim, match;
	const char *payment, *note, *date;
	bool approve;
	char event[128];
};

static int match_tx(struct store *s, void *ctx, struct bd_error *err)
{
	struct match_tx *c = ctx;
	return store_bank_match_propose(s, c->entry, c->claim, c->payment, c->note, c->date, &c->match, err);
}

static int decide_tx(struct store *s, void *ctx, struct bd_error *err)
{
	struct match_tx *c = ctx;
	return c->approve ? store_bank_match_approve(s, c->entry, c->date, c->event, err)
			  : store_bank_match_reject(s, c->entry, c->date, err);
}

static int do_match(struct bank_opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_bank_entry, "bank match takes one ENTRY (its number in 'bidrag bank unmatched')");
	if (need_user(o, "match"))
		return EXIT_USAGE;
	if (!o->claim == !o->payment)
		return usage_error(&cmd_bank_entry, "bank match needs --claim N or --payment ID, one of them");
	int64_t entry = 0, claim = 0;
	char date[DATE_LEN];
	if (parse_id("ENTRY", args[0], &entry) || (o->claim && parse_id("--claim", o->claim, &claim)) ||
	    the_date(o, date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	struct bd_error err;
	struct match_tx c = {.entry = entry, .claim = claim, .payment = o->payment, .note = o->note, .date = date};
	if (store_tx_retry(s, match_tx, &c, &err))
		rc = err.code == BD_INVALID || err.code == BD_NOT_FOUND || err.code == BD_CONFLICT
			     ? error("%s; nothing was recorded", err.msg)
			     : store_error(&err, EXIT_IO);
	store_close(s);
	if (rc)
		return rc;
	int64_t match = c.match;
	printf("proposed: bank entry %" PRId64 " matched to %s %s (match %" PRId64 "); another person approves it "
	       "with 'bidrag bank approve %" PRId64 " --user NAME'\n",
	       entry, o->claim ? "claim" : "payment", o->claim ? o->claim : o->payment, match, entry);
	return 0;
}

static int decide(struct bank_opts *o, int n, char **args, bool approve)
{
	const char *verb = approve ? "approve" : "reject";
	if (n != 1)
		return usage_error(&cmd_bank_entry, "bank %s takes one ENTRY", verb);
	if (approve && need_user(o, verb))
		return EXIT_USAGE;
	if (o->user && !*o->user)
		return usage_error(&cmd_bank_entry, "--user: empty");
	int64_t entry = 0;
	char date[DATE_LEN];
	if (parse_id("ENTRY", args[0], &entry) || the_date(o, date))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	struct bd_error err;
	struct match_tx c = {.entry = entry, .date = date, .approve = approve};
	if (store_tx_retry(s, decide_tx, &c, &err))
		rc = err.code == BD_INVALID || err.code == BD_NOT_FOUND || err.code == BD_CONFLICT
			     ? error("%s; nothing was recorded", err.msg)
			     : store_error(&err, EXIT_IO);
	store_close(s);
	if (rc)
		return rc;
	const char *event = c.event;
	if (approve)
		printf("approved: the match of bank entry %" PRId64 " is recorded as event %s\n", entry, event);
	else
		printf("rejected: the proposed match of bank entry %" PRId64 " is dropped\n", entry);
	return 0;
}

/* Batches. */
struct batches_ctx {
	struct grid g;
};

enum { BC_BATCH, BC_DATE, BC_SENT, BC_SENT_A, BC_SENT_OPEN, BC_ACC, BC_ACC_A, BC_BOOK, BC_BOOK_A, BC_REJ, BC_REJ_A,
       BC_RET, BC_RET_A, BC_COUNT };

static int take_batch(void *ctx, const struct bank_batch_row *b)
{
	struct batches_ctx *c = ctx;
	struct tcell *r = grid_row(&c->g);
	text(&c->g, &r[BC_BATCH], b->batch);
	text(&c->g, &r[BC_DATE], b->exec_date);
	num(&r[BC_SENT], b->count[BANK_STATE_COUNT]);
	num(&r[BC_SENT_A], b->amount[BANK_STATE_COUNT]);
	num(&r[BC_SENT_OPEN], b->count[BANK_SENT]);
	num(&r[BC_ACC], b->count[BANK_ACCEPTED]);
	num(&r[BC_ACC_A], b->amount[BANK_ACCEPTED]);
	num(&r[BC_BOOK], b->count[BANK_BOOKED]);
	num(&r[BC_BOOK_A], b->amount[BANK_BOOKED]);
	num(&r[BC_REJ], b->count[BANK_REJECTED]);
	num(&r[BC_REJ_A], b->amount[BANK_REJECTED]);
	num(&r[BC_RET], b->count[BANK_RETURNED]);
	num(&r[BC_RET_A], b->amount[BANK_RETURNED]);
	return 0;
}

static int do_batches(struct bank_opts *o, int n)
{
	if (n)
		return usage_error(&cmd_bank_entry, "bank batches takes no arguments");
	enum table_format fmt;
	if (parse_format(o, "batches", &fmt))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	static const struct tcol cols[BC_COUNT] = {
		[BC_BATCH] = {"Bunt", "batch", COL_TEXT, false, -1},
		[BC_DATE] = {"Utförd", "executed", COL_TEXT, false, -1},
		[BC_SENT] = {"Skickade", "sent", COL_INT, true, -1},
		[BC_SENT_A] = {"Belopp", "sent_amount", COL_ORE, true, -1},
		[BC_SENT_OPEN] = {"Utan svar", "unanswered", COL_INT, true, -1},
		[BC_ACC] = {"Godkända", "accepted", COL_INT, true, -1},
		[BC_ACC_A] = {"Belopp", "accepted_amount", COL_ORE, true, -1},
		[BC_BOOK] = {"Bokförda", "booked", COL_INT, true, -1},
		[BC_BOOK_A] = {"Belopp", "booked_amount", COL_ORE, true, -1},
		[BC_REJ] = {"Avvisade", "rejected", COL_INT, true, -1},
		[BC_REJ_A] = {"Belopp", "rejected_amount", COL_ORE, true, -1},
		[BC_RET] = {"Returnerade", "returned", COL_INT, true, -1},
		[BC_RET_A] = {"Belopp", "returned_amount", COL_ORE, true, -1},
	};
	struct batches_ctx c = {.g = {.ncols = BC_COUNT}};
	strpool_init(&c.g.pool);
	struct bd_error err;
	if (store_bank_batches(s, take_batch, &c, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return list_end(&c.g, rc, fmt, cols, "no payment batches exported", "Summa");
}

/* Payments. */
enum { PC_BATCH, PC_E2E, PC_ID, PC_DATE, PC_DNR, PC_PART, PC_RECIPIENT, PC_PAYEE, PC_AMOUNT, PC_STATE, PC_STATE_SV,
       PC_STATE_DATE, PC_REASON, PC_COUNT };

static int take_payment(void *ctx, const struct bank_payment_row *p)
{
	struct grid *g = ctx;
	struct tcell *r = grid_row(g);
	text(g, &r[PC_BATCH], p->batch);
	text(g, &r[PC_E2E], p->end_to_end_id);
	text(g, &r[PC_ID], p->id);
	text(g, &r[PC_DATE], p->exec_date);
	text(g, &r[PC_DNR], p->dnr);
	text(g, &r[PC_PART], p->part);
	text(g, &r[PC_RECIPIENT], p->recipient_name ? p->recipient_name : p->recipient);
	text(g, &r[PC_PAYEE], p->payee);
	num(&r[PC_AMOUNT], p->amount);
	text(g, &r[PC_STATE], bank_state_name(p->state));
	text(g, &r[PC_STATE_SV], bank_state_sv(p->state));
	text(g, &r[PC_STATE_DATE], p->state_date);
	text(g, &r[PC_REASON], p->reason);
	return 0;
}

static int do_payments(struct bank_opts *o, int n)
{
	if (n)
		return usage_error(&cmd_bank_entry, "bank payments takes no arguments (give --batch B)");
	enum table_format fmt;
	if (parse_format(o, "payments", &fmt))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	static const struct tcol cols[PC_COUNT] = {
		[PC_BATCH] = {"Bunt", "batch", COL_TEXT, false, -1},
		[PC_E2E] = {"EndToEndId", "end_to_end_id", COL_TEXT, false, -1},
		[PC_ID] = {"Id", "id", COL_TEXT, false, -1},
		[PC_DATE] = {"Utförd", "executed", COL_TEXT, false, -1},
		[PC_DNR] = {"Beslut", "dnr", COL_TEXT, false, -1},
		[PC_PART] = {"Del", "part", COL_TEXT, false, -1},
		[PC_RECIPIENT] = {"Mottagare", "recipient", COL_TEXT, false, -1},
		[PC_PAYEE] = {"Betalningsmottagare", "payee", COL_TEXT, false, -1},
		[PC_AMOUNT] = {"Belopp", "amount", COL_ORE, true, -1},
		[PC_STATE] = {"State", "state", COL_TEXT, false, -1},
		[PC_STATE_SV] = {"Banken", "state_sv", COL_TEXT, false, -1},
		[PC_STATE_DATE] = {"Datum", "state_date", COL_TEXT, false, -1},
		[PC_REASON] = {"Orsak", "reason", COL_TEXT, false, -1},
	};
	struct grid g = {.ncols = PC_COUNT};
	strpool_init(&g.pool);
	struct bd_error err;
	if (store_bank_payments(s, o->batch, take_payment, &g, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	char empty[300];
	snprintf(empty, sizeof(empty), "no payments executed%s%.200s", o->batch ? " in batch " : "", o->batch ? o->batch : "");
	return list_end(&g, rc, fmt, cols, empty, "Summa");
}

/* Days. */
enum { DC_DATE, DC_BANK_OUT, DC_LEDGER_PAID, DC_LEDGER_BACK, DC_BANK_IN, DC_LEDGER_REPAID, DC_DIFF, DC_COUNT };

static int take_day(void *ctx, const struct bank_day_row *d)
{
	struct grid *g = ctx;
	struct tcell *r = grid_row(g);
	text(g, &r[DC_DATE], d->date);
	num(&r[DC_BANK_OUT], d->bank_out);
	num(&r[DC_LEDGER_PAID], d->ledger_paid);
	num(&r[DC_LEDGER_BACK], d->ledger_back);
	num(&r[DC_BANK_IN], d->bank_in);
	num(&r[DC_LEDGER_REPAID], d->ledger_repaid);
	/* The bank's net movement less the ledger's: what is not yet booked or
	 * not yet matched (a day's difference may be a payment booked a day
	 * after its file). */
	num(&r[DC_DIFF], (d->bank_in - d->bank_out) - (d->ledger_repaid + d->ledger_back - d->ledger_paid));
	return 0;
}

static int do_days(struct bank_opts *o, int n)
{
	if (n)
		return usage_error(&cmd_bank_entry, "bank days takes no arguments (give --from and --to)");
	if ((o->from && !date_valid(o->from)) || (o->to && !date_valid(o->to)))
		return error("invalid --%s '%s' (expected a date, YYYY-MM-DD)", o->from && !date_valid(o->from) ? "from" : "to",
			     o->from && !date_valid(o->from) ? o->from : o->to);
	enum table_format fmt;
	if (parse_format(o, "days", &fmt))
		return EXIT_USAGE;
	struct store *s;
	int rc = open_as(o, &s);
	if (rc)
		return rc;
	static const struct tcol cols[DC_COUNT] = {
		[DC_DATE] = {"Datum", "date", COL_TEXT, false, -1},
		[DC_BANK_OUT] = {"Banken ut", "bank_out", COL_ORE, true, -1},
		[DC_LEDGER_PAID] = {"Utförda", "ledger_paid", COL_ORE, true, -1},
		[DC_LEDGER_BACK] = {"Avvisade/returnerade", "ledger_back", COL_ORE, true, -1},
		[DC_BANK_IN] = {"Banken in", "bank_in", COL_ORE, true, -1},
		[DC_LEDGER_REPAID] = {"Återbetalt", "ledger_repaid", COL_ORE, true, -1},
		[DC_DIFF] = {"Skillnad", "difference", COL_ORE, true, -1},
	};
	struct grid g = {.ncols = DC_COUNT};
	strpool_init(&g.pool);
	struct bd_error err;
	if (store_bank_days(s, o->from, o->to, take_day, &g, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return list_end(&g, rc, fmt, cols, "no movements", "Summa");
}

int cmd_bank(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_bank_entry);
	if (help >= 0)
		return help;
	struct bank_opts o = {0};
	int rc = parse(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	const char *verb = argv[1];
	if (strcmp(verb, "import") == 0)
		return do_import(&o, n, args);
	if (strcmp(verb, "unmatched") == 0)
		return do_entries(&o, n, true);
	if (strcmp(verb, "entries") == 0)
		return do_entries(&o, n, false);
	if (strcmp(verb, "match") == 0)
		return do_match(&o, n, args);
	if (strcmp(verb, "approve") == 0)
		return decide(&o, n, args, true);
	if (strcmp(verb, "reject") == 0)
		return decide(&o, n, args, false);
	if (strcmp(verb, "batches") == 0)
		return do_batches(&o, n);
	if (strcmp(verb, "payments") == 0)
		return do_payments(&o, n);
	if (strcmp(verb, "days") == 0)
		return do_days(&o, n);
	return usage_error(&cmd_bank_entry,
			   "unknown subcommand 'bank %s' (expected import, unmatched, entries, match, approve, reject, "
			   "batches, payments or days)",
			   verb);
}
