/* bidrag status and bidrag deadlines: the ledger's balances and what is due. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "decision.h"
#include "ledger.h"
#include "refdata.h"
#include "ics.h"
#include "table.h"
#include "deadlines.h"
#include "statusload.h"
#include "store-bank.h"
#include "store.h"
#include "cmd.h"

struct st_opts {
	const char *db, *part, *recipient, *as_of, *by, *format, *output, *within, *unmatched;
	bool all;
	int next; /* the first positional argument */
};

static const struct cmd_opt st_options[] = {
	OPT_STR("db", 0, struct st_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("part", 0, struct st_opts, part, "P", "only this part of the decision"),
	OPT_STR("recipient", 0, struct st_opts, recipient, "R", "only this recipient (code, name or orgnr)"),
	OPT_STR("as-of", 0, struct st_opts, as_of, "DATE",
		 "the day to look from (default today): status counts the events dated\nup to it"),
	OPT_STR("by", 0, struct st_opts, by, "recipient|post", "per recipient (default), or per budget year and anslagspost"),
	OPT_STR("format", 0, struct st_opts, format, "F", "the output format; what each command takes is in the usage"),
	OPT_STR("output", 'o', struct st_opts, output, "FILE", "write to FILE instead of standard output"),
	OPT_STR("within", 0, struct st_opts, within, "DAYS", "the days ahead of --as-of to list (default 60)"),
	OPT_BOOL("all", 0, struct st_opts, all, "every deadline, done or not"),
	OPT_STR("unmatched-days", 0, struct st_opts, unmatched, "DAYS",
		 "an entry of the bank's files still unmatched DAYS after its date is\noverdue (default 5)"),
	OPT_END,
};

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.summary = "per decision, part and recipient: allocated, requisitioned, paid, lapsed, repaid, outstanding",
	.usage = "status [DNR] [--part] [--recipient] [--as-of] [--by]\n"
		 "              [--format=table|csv|json|xlsx] [--output] [--db]",
	.about = "Amounts in kronor.  Rekvirerat is what was requisitioned (parts paid after requisition);\n"
		 "Under behandling is registered or attested but not yet paid; Förfallet is what lapsed,\n"
		 "including a right whose requisition deadline has passed on the --as-of date (default today)\n"
		 "without a requisition; Återstår is what is still to be paid.  By post, a part paid from\n"
		 "several posts is split in proportion to their amounts.",
	.exec = cmd_status,
	.options = st_options,
};

const struct cmd_entry cmd_deadlines_entry = {
	.name = "deadlines",
	.summary = "payment windows, requisition, repayment and report deadlines, with what is outstanding",
	.usage = "deadlines [--as-of] [--within] [--all] [--unmatched-days]\n"
		 "                        [--format=table|json|ics] [--output] [--db]",
	.about = "Overdue items first (a deadline passed with something still outstanding), then those falling\n"
		 "within DAYS of --as-of with something still open; under the table, the recipients behind each\n"
		 "count by name, and who reported after the deadline (a late report is recorded, marked late).\n"
		 "An entry of the bank's files that nothing matched is due to be matched by hand\n"
		 "--unmatched-days after its date ('bidrag bank unmatched').  The ics format is an iCalendar\n"
		 "file for Outlook and Thunderbird.",
	.exec = cmd_deadlines,
	.options = st_options,
};

const struct cmd_entry cmd_ledger_entry = {
	.name = "ledger",
	.summary = "verify the books: replay every event and check every balance and rule",
	.usage = "ledger verify [--db]",
	.about = "Replays the whole ledger: each account's balance must equal its events, add up to its\n"
		 "allocation and have no bucket below zero; no payment attested by its registrar, executed\n"
		 "twice or executed unattested.  Exit status 1 if anything is wrong.",
	.exec = cmd_ledger,
	.options = st_options,
};

static void print_problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("FAIL %s\n", msg);
}

int cmd_ledger(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_ledger_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	if (strcmp(argv[1], "verify") != 0)
		return usage_error(e, "unknown subcommand 'ledger %s' (expected verify)", argv[1]);
	const char *db = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			db = argv[i] + 5;
		else
			return usage_error(e, "unexpected argument '%s'", argv[i]);
	}
	struct store *s;
	int rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	long events, accounts;
	int problems;
	if (store_ledger_verify(s, print_problem, NULL, &events, &accounts, &problems, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	if (rc)
		return rc;
	if (problems) {
		printf("%d problem%s in %ld events on %ld accounts\n", problems, problems == 1 ? "" : "s", events,
		       accounts);
		return EXIT_PROBLEM;
	}
	printf("ok: %ld event%s on %ld account%s replayed; the books balance\n", events, events == 1 ? "" : "s", accounts,
	       accounts == 1 ? "" : "s");
	return 0;
}


static int parse(int argc, char **argv, struct st_opts *o, const struct cmd_entry *e)
{
	int rc = cmd_parse(e, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	if (o->as_of && !date_valid(o->as_of))
		return error("invalid --as-of '%s' (expected a date, YYYY-MM-DD)", o->as_of);
	return 0;
}

static void status_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct status_view *v = ctx;
	const struct status_row *x = &v->v[r];
	size_t nkeys = v->by_post ? 2 : 3;
	if (c < nkeys) {
		out->text = c == 0 ? x->k1 : c == 1 ? x->k2 : x->k3;
		return;
	}
	if (c >= nkeys + ST_COUNT) {
		/* The financial report (machine formats, by recipient): its date,
		 * and "sen" when it came after the part's report deadline. */
		out->text = c == nkeys + ST_COUNT ? x->report_date : x->report_late ? "sen" : "";
		out->empty = !out->text[0];
		return;
	}
	out->num = x->f[c - nkeys];
}

/* The reports that came after their deadline, under the table: marked late
 * wherever the account is shown. */
static void late_notes(const struct status_view *v, struct buf *b)
{
	int n = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct status_row *x = &v->v[i];
		if (!x->report_late)
			continue;
		char d1[32], d2[32];
		if (n++ == 0)
			buf_addf(b, "Ekonomisk redovisning efter tidsgränsen (sen):\n");
		buf_addf(b, "  %s del %s, %s: redovisad %s, tidsgränsen var %s\n", x->k1, x->k2, x->k3,
			 date_swedish(x->report_date, d1, sizeof(d1)), date_swedish(x->report_deadline, d2, sizeof(d2)));
	}
}

/* Warnings kept with the decisions shown (a last payment day before the
 * decision's date): printed under the table, as the deadline is behind the
 * figures. */
struct status_notes {
	const struct status_view *rows;
	struct buf b;
};

/* The open repayment claims of the accounts shown, with their OCR
 * references: what the recipients are to pay, and how. */
struct claim_notes {
	struct buf *b;
	const char *dnr, *part, *recipient;
	int n;
};

static int add_claim_note(void *ctx, const struct repay_claim_row *k)
{
	struct claim_notes *c = ctx;
	if (k->corrected || k->matched >= k->amount || (c->dnr && strcmp(c->dnr, k->dnr) != 0) ||
	    (c->part && strcmp(c->part, k->part) != 0) || (c->recipient && strcmp(c->recipient, k->recipient) != 0))
		return 0;
	char a[NUM_BUFSZ];
	if (c->n++ == 0)
		buf_addf(c->b, "Återbetalningskrav att betala (bidrag repay list):\n");
	buf_addf(c->b, "  krav %" PRId64 ", OCR-nummer %s: %s del %s, %s, %s kr kvar\n", k->number, k->ocr, k->dnr, k->part,
		 k->recipient_name ? k->recipient_name : k->recipient, fmt_ore(k->amount - k->matched, a));
	return 0;
}

static int add_status_note(void *ctx, const struct decision_warning *w)
{
	struct status_notes *n = ctx;
	/* Only for the parts in the table (by account: k1 dnr, k2 part). */
	bool shown = n->rows->by_post;
	for (size_t i = 0; i < n->rows->n && !shown; i++)
		shown = w->part && strcmp(n->rows->v[i].k1, w->dnr) == 0 && strcmp(n->rows->v[i].k2, w->part) == 0;
	if (!shown)
		return 0;
	buf_addf(&n->b, "OBS: %s del %s: %s\n", w->dnr, w->part ? w->part : "-", w->message);
	return 0;
}

void excess_notes(const struct status_view *v, const char *dnr, struct buf *b)
{
	for (size_t i = 0; i < v->nexcess; i++) {
		const struct status_excess *x = &v->excess[i];
		if (dnr && strcmp(dnr, x->dnr) != 0)
			continue;
		char d[NUM_BUFSZ], a[NUM_BUFSZ], over[NUM_BUFSZ], c[NUM_BUFSZ], beyond[NUM_BUFSZ];
		buf_addf(b, "OBS: %s del %s: tabellen fördelar %s kr, %s kr mer än beslutade %s kr", x->dnr, x->part,
			 fmt_ore(x->allocated, a), fmt_ore(x->allocated - x->decided, over), fmt_ore(x->decided, d));
		if (x->committed > x->decided)
			buf_addf(b, "; utbetalt eller under behandling %s kr, %s kr utöver beslutet (med registrerat "
				    "undantag)\n",
				 fmt_ore(x->committed, c), fmt_ore(x->committed - x->decided, beyond));
		else
			buf_addf(b, "; en utbetalning utöver beslutet kräver ett registrerat undantag\n");
	}
}

int cmd_status(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_status_entry;
	struct st_opts o = {0};
	int rc = parse(argc, argv, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (argc - o.next > 1)
		return usage_error(e, "give at most one DNR");
	const char *dnr = o.next < argc ? argv[o.next] : NULL;
	bool by_post = false;
	if (o.by && strcmp(o.by, "post") == 0)
		by_post = true;
	else if (o.by && strcmp(o.by, "recipient") != 0)
		return usage_error(e, "unknown --by '%s' (expected recipient or post)", o.by);
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	if (o.format && table_format_parse(o.format, &fmt, &err))
		return error("unknown format '%s' for status (expected table, csv, json or xlsx)", o.format);
	if (fmt == FMT_XLSX && !o.output)
		return error("xlsx output needs a file: give --output FILE.xlsx");
	char now[DATE_LEN];
	date_today(now);
	struct store *s;
	rc = open_register(o.db, false, &s);
	if (rc)
		return rc;
	const char *recipient = NULL;
	if (o.recipient) {
		const struct recipient *r;
		if (refdata_resolve(o.recipient, RK_ALL, &r, &err)) {
			store_close(s);
			return error("--recipient: %s", err.msg);
		}
		recipient = r->code;
	}
	struct status_view rows;
	if (status_view_load(s, dnr, o.part, recipient, o.as_of, now, by_post, &rows, &err))
		rc = store_error(&err, EXIT_IO);
	struct status_notes notes = {&rows, {0}};
	buf_init(&notes.b, 1 << 20);
	if (!rc && fmt == FMT_TABLE && store_decision_warnings(s, dnr, add_status_note, &notes, &err))
		rc = store_error(&err, EXIT_IO);
	struct claim_notes cn = {&notes.b, dnr, o.part, recipient, 0};
	if (!rc && fmt == FMT_TABLE && !by_post && store_repay_claims(s, 0, add_claim_note, &cn, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	if (!rc && fmt == FMT_TABLE) {
		excess_notes(&rows, NULL, &notes.b);
		late_notes(&rows, &notes.b);
	}
	if (!rc && rows.n == 0 && (dnr || o.part || recipient))
		rc = error("nothing matches%s%s%s%s%s%s (see 'bidrag decision list')", dnr ? " decision " : "",
			   dnr ? dnr : "", o.part ? ", part " : "", o.part ? o.part : "", recipient ? ", recipient " : "",
			   recipient ? recipient : "");
	if (!rc) {
		/* The key columns of the view, then the figures (ST_*, in order). */
		static const struct tcol keys_recipient[] = {
			{"Beslut", "dnr", COL_TEXT, false, -1},
			{"Del", "part", COL_TEXT, false, -1},
			{"Mottagare", "recipient", COL_TEXT, false, -1},
		};
		static const struct tcol keys_post[] = {
			{"Budgetår", "budget_year", COL_TEXT, false, -1},
			{"Anslagspost", "appropriation", COL_TEXT, false, -1},
		};
		static const struct tcol figures[ST_COUNT] = {
			{"Tilldelat", "allocated", COL_ORE, true, -1},
			{"Rekvirerat", "requisitioned", COL_ORE, true, -1},
			{"Under behandling", "in_process", COL_ORE, true, -1},
			{"Utbetalt", "paid", COL_ORE, true, -1},
			{"Förfallet", "lapsed", COL_ORE, true, -1},
			{"Återkrävt", "claimed", COL_ORE, true, -1},
			{"Återbetalt", "repaid", COL_ORE, true, -1},
			{"Återstår", "outstanding", COL_ORE, true, -1},
		};
		static const struct tcol report_cols[] = {
			{"Redovisad", "report_date", COL_TEXT, false, -1},
			{"Sen", "late", COL_TEXT, false, -1},
		};
		size_t nkeys = by_post ? BD_ARRAY_LEN(keys_post) : BD_ARRAY_LEN(keys_recipient);
		struct tcol cols[BD_ARRAY_LEN(keys_recipient) + ST_COUNT + BD_ARRAY_LEN(report_cols)];
		memcpy(cols, by_post ? keys_post : keys_recipient, nkeys * sizeof(struct tcol));
		memcpy(cols + nkeys, figures, sizeof(figures));
		/* The report's date and lateness: columns for machines (people
		 * read the late ones under the table). */
		size_t nreport = !by_post && fmt != FMT_TABLE && fmt != FMT_TSV ? BD_ARRAY_LEN(report_cols) : 0;
		memcpy(cols + nkeys + ST_COUNT, report_cols, nreport * sizeof(struct tcol));
		char title[128];
		snprintf(title, sizeof(title), "Status %s%s", o.as_of ? "per " : "den ", rows.as_of);
		struct table t = {
			.title = fmt == FMT_TABLE || fmt == FMT_XLSX ? title : NULL,
			.ncols = nkeys + ST_COUNT + nreport,
			.cols = cols,
			.nrows = rows.n,
			.cell = status_cell,
			.ctx = &rows,
			.total_label = fmt == FMT_TABLE || fmt == FMT_TSV || fmt == FMT_XLSX ? "Summa" : NULL,
		};
		FILE *out = fmt == FMT_XLSX ? NULL : open_output(o.output);
		if (fmt != FMT_XLSX && !out)
			rc = EXIT_IO;
		else if (table_write(&t, fmt, out, o.output, &err))
			rc = store_error(&err, EXIT_IO);
		if (out && !rc && notes.b.len)
			fprintf(out, "\n%s", notes.b.data);
		if (out && close_output(out, o.output))
			rc = EXIT_IO;
	}
	buf_release(&notes.b);
	status_view_release(&rows);
	return rc;
}

static void dl_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct deadline *x = ((const struct deadline_list *)ctx)->v[r];
	switch (c) {
	case 0: out->text = x->date; break;
	case 1: out->text = x->state; break;
	case 2: out->text = dl_name[x->kind]; break;
	case 3: out->text = x->dnr; break;
	case 4: out->text = x->part; break;
	case 5: out->text = x->what; break;
	}
}

/* text_width: the columns a UTF-8 text takes. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* wrap_names: "  LABEL (N): a, b, c" wrapped within 110 columns. */
static void wrap_names(FILE *out, const char *label, const struct deadline *x, bool late)
{
	int n = 0;
	for (size_t j = 0; j < x->nwho; j++)
		n += x->who[j].late == late;
	if (n == 0)
		return;
	char head[160];
	snprintf(head, sizeof(head), "  %s (%d):", label, n);
	int col = (int)text_width(head);
	fputs(head, out);
	for (size_t j = 0, k = 0; j < x->nwho; j++) {
		const struct dl_who *w = &x->who[j];
		if (w->late != late)
			continue;
		char item[400], a[NUM_BUFSZ];
		if (late)
			snprintf(item, sizeof(item), "%s %s", w->name, w->report_date);
		else if (x->kind == DL_REPORT)
			snprintf(item, sizeof(item), "%s", w->name);
		else
			snprintf(item, sizeof(item), "%s %s kr", w->name, fmt_ore(w->outstanding, a));
		int width = (int)text_width(item) + (++k < (size_t)n ? 1 : 0);
		if (col + 1 + width > 110) {
			fputs("\n   ", out);
			col = 3;
		}
		fprintf(out, " %s%s", item, k < (size_t)n ? "," : "");
		col += 1 + width;
	}
	fputc('\n', out);
}

/* names_below: the recipients behind each count, under the table. */
static void names_below(FILE *out, const struct deadline_list *d)
{
	bool any = false;
	for (size_t i = 0; i < d->n && !any; i++)
		any = d->v[i]->nwho > 0;
	if (!any)
		return;
	fprintf(out, "\nMottagare bakom antalen:\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct deadline *x = d->v[i];
		if (x->nwho == 0)
			continue;
		fprintf(out, "%s %s %s del %s\n", x->date, dl_name[x->kind], x->dnr, x->part);
		wrap_names(out, x->kind == DL_REPORT ? "har inte redovisat"
			       : x->kind == DL_REQUISITION ? "har inte rekvirerat"
			       : x->kind == DL_REPAYMENT ? "har inte återbetalat"
							 : "inte utbetalt till",
			   x, false);
		wrap_names(out, "redovisade sent, efter tidsgränsen", x, true);
	}
}

int cmd_deadlines(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_deadlines_entry;
	struct st_opts o = {0};
	int rc = parse(argc, argv, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (argc - o.next > 0)
		return usage_error(e, "unexpected argument '%s'", argv[o.next]);
	long within = 60;
	if (o.within) {
		char *end;
		within = strtol(o.within, &end, 10);
		if (!*o.within || *end || within < 0 || within > 36500)
			return error("invalid --within '%s' (expected a number of days)", o.within);
	}
	long unmatched = DEADLINES_UNMATCHED_DAYS;
	if (o.unmatched) {
		char *end;
		unmatched = strtol(o.unmatched, &end, 10);
		if (!*o.unmatched || *end || unmatched < 0 || unmatched > 36500)
			return error("invalid --unmatched-days '%s' (expected a number of days)", o.unmatched);
	}
	const char *format = o.format ? o.format : "table";
	bool ics = strcmp(format, "ics") == 0, json = strcmp(format, "json") == 0;
	if (!ics && !json && strcmp(format, "table") != 0)
		return error("unknown format '%s' for deadlines (expected table, json or ics)", format);
	char now[DATE_LEN];
	date_today(now);
	const char *as_of = o.as_of ? o.as_of : now;
	struct store *s;
	rc = open_register(o.db, false, &s);
	if (rc)
		return rc;
	struct deadline_list d;
	struct bd_error err;
	if (deadlines_collect(s, o.as_of, within, o.all, NULL, unmatched, &d, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	if (!rc) {
		FILE *out = open_output(o.output);
		if (!out) {
			rc = EXIT_IO;
		} else if (ics) {
			char *cal = deadlines_ics(&d, &err);
			if (!cal)
				rc = store_error(&err, EXIT_IO);
			else
				fputs(cal, out);
			free(cal);
		} else if (json) {
			json_t *arr = deadlines_json(&d);
			json_dumpf(arr, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			fputc('\n', out);
			json_decref(arr);
		} else {
			static const struct tcol cols[] = {
				{"Datum", "date", COL_TEXT, false, -1},  {"Läge", "state", COL_TEXT, false, -1},
				{"Vad", "kind", COL_TEXT, false, -1},    {"Beslut", "dnr", COL_TEXT, false, -1},
				{"Del", "part", COL_TEXT, false, -1},    {"Kvar", "outstanding", COL_TEXT, false, -1},
			};
			char title[128];
			snprintf(title, sizeof(title), "Tidsgränser per %s (försenade först, sedan %ld dagar framåt)", as_of,
				 within);
			struct table t = {.title = title, .ncols = BD_ARRAY_LEN(cols), .cols = cols, .nrows = d.n,
					  .cell = dl_cell, .ctx = &d};
			if (d.n == 0)
				fprintf(out, "inga tidsgränser som är försenade eller inom %ld dagar från %s\n", within, as_of);
			else if (table_write(&t, FMT_TABLE, out, NULL, &err))
				rc = store_error(&err, EXIT_IO);
			else
				names_below(out, &d);
		}
		if (out && close_output(out, o.output))
			rc = EXIT_IO;
	}
	deadlines_release(&d);
	return rc;
}
