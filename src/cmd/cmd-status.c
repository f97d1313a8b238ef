/* bidrag status and bidrag deadlines: the ledger's balances and what is due. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apportion.h"
#include "decision.h"
#include "ledger.h"
#include "refdata.h"
#include "ics.h"
#include "table.h"
#include "deadlines.h"
#include "store.h"
#include "cmd.h"

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.summary = "per decision, part and recipient: allocated, requisitioned, paid, lapsed, repaid, outstanding",
	.usage = "status [DNR] [--part P] [--recipient R] [--as-of DATE] [--by recipient|post]\n"
		 "              [--format table|csv|json|xlsx] [--output FILE] [--db PATH]\n"
		 "\n"
		 "Amounts in kronor.  Rekvirerat is what was requisitioned (parts paid after requisition);\n"
		 "Under behandling is registered or attested but not yet paid; Förfallet is what lapsed,\n"
		 "including a right whose requisition deadline has passed on the --as-of date (default today)\n"
		 "without a requisition; Återstår is what is still to be paid.  With --as-of, the balances\n"
		 "are those of the events dated up to that day.  --by post sums per budget year and\n"
		 "anslagspost (a part paid from several posts is split in proportion to their amounts).",
	.exec = cmd_status,
};

const struct cmd_entry cmd_deadlines_entry = {
	.name = "deadlines",
	.summary = "payment windows, requisition, repayment and report deadlines, with what is outstanding",
	.usage = "deadlines [--as-of DATE] [--within DAYS] [--all] [--format table|json|ics] [--output FILE] [--db PATH]\n"
		 "\n"
		 "Overdue items first (a deadline passed with something still outstanding), then those falling\n"
		 "within DAYS (default 60) of --as-of (default today) with something still open.  --all lists\n"
		 "every deadline, done or not.  The ics format is an iCalendar file for Outlook and Thunderbird.",
	.exec = cmd_deadlines,
};

const struct cmd_entry cmd_ledger_entry = {
	.name = "ledger",
	.summary = "verify the books: replay every event and check every balance and rule",
	.usage = "ledger verify [--db PATH]\n"
		 "\n"
		 "Replays the whole ledger: each account's balance must equal its events, add up to its\n"
		 "allocation and have no bucket below zero; no payment attested by its registrar, executed\n"
		 "twice or executed unattested.  Exit status 1 if anything is wrong.",
	.exec = cmd_ledger,
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
		rc = io_error(err.msg);
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

static void today(char out[DATE_LEN])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, DATE_LEN, "%Y-%m-%d", &tm);
}

struct st_opts {
	const char *db, *part, *recipient, *as_of, *by, *format, *output, *within;
	bool all;
};

static int parse(int argc, char **argv, struct st_opts *o, const struct cmd_entry *e)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'D'},     {"part", required_argument, NULL, 'p'},
		{"recipient", required_argument, NULL, 'r'}, {"as-of", required_argument, NULL, 'a'},
		{"by", required_argument, NULL, 'b'},     {"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'}, {"within", required_argument, NULL, 'w'},
		{"all", no_argument, NULL, 'A'},          {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'D': o->db = optarg; break;
		case 'p': o->part = optarg; break;
		case 'r': o->recipient = optarg; break;
		case 'a': o->as_of = optarg; break;
		case 'b': o->by = optarg; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'w': o->within = optarg; break;
		case 'A': o->all = true; break;
		case 'h': print_usage(stdout, e); return -1;
		default: return usage_error(e, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->as_of && !date_valid(o->as_of))
		return error("invalid --as-of '%s' (expected a date, YYYY-MM-DD)", o->as_of);
	return 0;
}

/* Figures of one row (öre). */
enum { F_ALLOCATED, F_REQUISITIONED, F_IN_PROCESS, F_PAID, F_LAPSED, F_CLAIMED, F_REPAID, F_OUTSTANDING, F_COUNT };

struct srow {
	char *k1, *k2, *k3; /* dnr, part, recipient; or year, post, name */
	int64_t f[F_COUNT];
};

struct srows {
	struct srow *v;
	size_t n;
	const char *as_of;
	bool by_post;
};

static struct srow *find_or_add(struct srows *r, const char *k1, const char *k2, const char *k3)
{
	if (r->by_post)
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->v[i].k1, k1) == 0 && strcmp(r->v[i].k2, k2) == 0)
				return &r->v[i];
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct srow *x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	x->k1 = xstrdup(k1);
	x->k2 = xstrdup(k2);
	x->k3 = xstrdup(k3);
	return x;
}

static void figures_of(const struct ledger_account *a, const char *as_of, int64_t out[F_COUNT])
{
	struct ledger_figures f;
	ledger_figures(a->balance, a->terms, as_of, &f);
	out[F_ALLOCATED] = f.allocated;
	out[F_REQUISITIONED] = f.requisitioned;
	out[F_IN_PROCESS] = f.in_process;
	out[F_PAID] = f.paid;
	out[F_LAPSED] = f.lapsed + f.lapse_due;
	out[F_CLAIMED] = f.claimed;
	out[F_REPAID] = f.repaid;
	out[F_OUTSTANDING] = f.outstanding;
}

static int add_account(void *ctx, const struct ledger_account *a)
{
	struct srows *r = ctx;
	int64_t f[F_COUNT];
	figures_of(a, r->as_of, f);
	if (!r->by_post) {
		struct srow *x = find_or_add(r, a->dnr, a->part, a->recipient_name);
		memcpy(x->f, f, sizeof(f));
		return 0;
	}
	/* Per anslagspost: a part on several posts is split in proportion to
	 * the amounts decided on them, each figure exactly (largest
	 * remainder), so the posts add up to the part. */
	size_t n = a->nfunding;
	if (n == 0)
		return 0;
	struct apportion_weights w;
	apportion_weights_init(&w);
	int64_t *keys = xcalloc(n, sizeof(int64_t));
	for (size_t i = 0; i < n; i++)
		keys[i] = a->funding[i].amount;
	struct apportion_key k = {.value = keys, .weight = rat_make(1, 1), .name = "funding"};
	const char **ids = xcalloc(n, sizeof(char *));
	char **idbuf = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		ids[i] = idbuf[i] = xasprintf("%04d/%s/%04d", a->funding[i].budget_year, a->funding[i].anslag,
					      a->funding[i].post);
	int64_t *split = xcalloc(n, sizeof(int64_t));
	struct bd_error err;
	bool ok = apportion_weights_mix(&w, n, 1, &k, &err) == 0;
	for (int fi = 0; fi < F_COUNT && ok; fi++) {
		struct apportion_spec spec = {.weights = &w, .id = ids, .total = f[fi], .unit = 1,
					      .method = APPORTION_LARGEST_REMAINDER};
		int64_t residual;
		if (f[fi] == 0) {
			memset(split, 0, n * sizeof(int64_t));
		} else if (apportion(&spec, split, &residual, &err)) {
			ok = false;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			char year[16], post[300], order[64];
			snprintf(year, sizeof(year), "%d", a->funding[i].budget_year);
			snprintf(post, sizeof(post), "UO %d, anslag %s, anslagspost %d %s", a->funding[i].uo,
				 a->funding[i].anslag, a->funding[i].post, a->funding[i].post_name);
			/* k3 orders the posts by number, not as text. */
			snprintf(order, sizeof(order), "%04d/%02d/%s/%06d", a->funding[i].budget_year, a->funding[i].uo,
				 a->funding[i].anslag, a->funding[i].post);
			find_or_add(r, year, post, order)->f[fi] += split[i];
		}
	}
	apportion_weights_release(&w);
	for (size_t i = 0; i < n; i++)
		free(idbuf[i]);
	free(idbuf);
	free(ids);
	free(keys);
	free(split);
	return ok ? 0 : -1;
}

static void status_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	struct srows *rows = ctx;
	const struct srow *x = &rows->v[r];
	size_t nkeys = rows->by_post ? 2 : 3;
	if (c < nkeys) {
		out->text = c == 0 ? x->k1 : c == 1 ? x->k2 : x->k3;
		return;
	}
	out->num = x->f[c - nkeys];
}

static int cmp_post(const void *a, const void *b)
{
	const struct srow *x = a, *y = b;
	return strcmp(x->k3, y->k3);
}

int cmd_status(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_status_entry;
	struct st_opts o = {0};
	int rc = parse(argc, argv, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 1)
		return usage_error(e, "give at most one DNR");
	const char *dnr = optind < argc ? argv[optind] : NULL;
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
	today(now);
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
	struct srows rows = {.as_of = o.as_of ? o.as_of : now, .by_post = by_post};
	if (store_ledger_accounts(s, dnr, o.part, recipient, o.as_of, add_account, &rows, &err))
		rc = io_error(err.msg);
	store_close(s);
	if (!rc && rows.n == 0 && (dnr || o.part || recipient))
		rc = error("nothing matches%s%s%s%s%s%s (see 'bidrag decision list')", dnr ? " decision " : "",
			   dnr ? dnr : "", o.part ? ", part " : "", o.part ? o.part : "", recipient ? ", recipient " : "",
			   recipient ? recipient : "");
	if (!rc) {
		if (by_post) {
			qsort(rows.v, rows.n, sizeof(*rows.v), cmp_post);
			/* Each figure was split on its own; what is left on a post
			 * follows from the post's own figures, so each row adds up. */
			for (size_t i = 0; i < rows.n; i++) {
				int64_t *f = rows.v[i].f;
				f[F_OUTSTANDING] = f[F_ALLOCATED] - f[F_LAPSED] - f[F_PAID];
			}
		}
		/* The key columns of the view, then the figures (F_*, in order). */
		static const struct tcol keys_recipient[] = {
			{"Beslut", "dnr", COL_TEXT, false, -1},
			{"Del", "part", COL_TEXT, false, -1},
			{"Mottagare", "recipient", COL_TEXT, false, -1},
		};
		static const struct tcol keys_post[] = {
			{"Budgetår", "budget_year", COL_TEXT, false, -1},
			{"Anslagspost", "appropriation", COL_TEXT, false, -1},
		};
		static const struct tcol figures[F_COUNT] = {
			{"Tilldelat", "allocated", COL_ORE, true, -1},
			{"Rekvirerat", "requisitioned", COL_ORE, true, -1},
			{"Under behandling", "in_process", COL_ORE, true, -1},
			{"Utbetalt", "paid", COL_ORE, true, -1},
			{"Förfallet", "lapsed", COL_ORE, true, -1},
			{"Återkrävt", "claimed", COL_ORE, true, -1},
			{"Återbetalt", "repaid", COL_ORE, true, -1},
			{"Återstår", "outstanding", COL_ORE, true, -1},
		};
		size_t nkeys = by_post ? BD_ARRAY_LEN(keys_post) : BD_ARRAY_LEN(keys_recipient);
		struct tcol cols[BD_ARRAY_LEN(keys_recipient) + F_COUNT];
		memcpy(cols, by_post ? keys_post : keys_recipient, nkeys * sizeof(struct tcol));
		memcpy(cols + nkeys, figures, sizeof(figures));
		char title[128];
		snprintf(title, sizeof(title), "Status %s%s", o.as_of ? "per " : "den ", rows.as_of);
		struct table t = {
			.title = fmt == FMT_TABLE || fmt == FMT_XLSX ? title : NULL,
			.ncols = nkeys + F_COUNT,
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
			rc = io_error(err.msg);
		if (out && close_output(out, o.output))
			rc = EXIT_IO;
	}
	for (size_t i = 0; i < rows.n; i++) {
		free(rows.v[i].k1);
		free(rows.v[i].k2);
		free(rows.v[i].k3);
	}
	free(rows.v);
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

int cmd_deadlines(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_deadlines_entry;
	struct st_opts o = {0};
	int rc = parse(argc, argv, &o, e);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (argc - optind > 0)
		return usage_error(e, "unexpected argument '%s'", argv[optind]);
	long within = 60;
	if (o.within) {
		char *end;
		within = strtol(o.within, &end, 10);
		if (!*o.within || *end || within < 0 || within > 36500)
			return error("invalid --within '%s' (expected a number of days)", o.within);
	}
	const char *format = o.format ? o.format : "table";
	bool ics = strcmp(format, "ics") == 0, json = strcmp(format, "json") == 0;
	if (!ics && !json && strcmp(format, "table") != 0)
		return error("unknown format '%s' for deadlines (expected table, json or ics)", format);
	char now[DATE_LEN];
	today(now);
	const char *as_of = o.as_of ? o.as_of : now;
	struct store *s;
	rc = open_register(o.db, false, &s);
	if (rc)
		return rc;
	struct deadline_list d;
	struct bd_error err;
	if (deadlines_collect(s, o.as_of, within, o.all, NULL, &d, &err))
		rc = io_error(err.msg);
	store_close(s);
	if (!rc) {
		FILE *out = open_output(o.output);
		if (!out) {
			rc = EXIT_IO;
		} else if (ics) {
			char *cal = deadlines_ics(&d, &err);
			if (!cal)
				rc = io_error(err.msg);
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
				rc = io_error(err.msg);
		}
		if (out && close_output(out, o.output))
			rc = EXIT_IO;
	}
	deadlines_release(&d);
	return rc;
}
