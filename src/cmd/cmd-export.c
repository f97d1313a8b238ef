/* bidrag export: the register's figures for other systems: sie, a
 * period's events as SIE 4 verifikationer for the books. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bookchart.h"
#include "chartfile.h"
#include "sieexport.h"
#include "statusload.h"
#include "store.h"
#include "cmd.h"

struct export_opts {
	const char *db, *from, *to, *chart, *output, *agency;
	int next;
};

static const struct cmd_opt export_options[] = {
	OPT_STR("db", 0, struct export_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("from", 0, struct export_opts, from, "DATE", "the period's first day"),
	OPT_STR("to", 0, struct export_opts, to, "DATE", "the period's last day"),
	OPT_STR("chart", 0, struct export_opts, chart, "FILE",
		 "the chart of accounts: a CSV file of kind,debit,credit[,debit_name,credit_name]\n"
		 "rows (default: the chart in docs/bank.md)"),
	OPT_STR("output", 'o', struct export_opts, output, "FILE", "write to FILE instead of standard output"),
	OPT_AS,
	OPT_STR("agency", 0, struct export_opts, agency, "ORG", "whose books (default KAMK, Kammarkollegiet)"),
	OPT_END,
};

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.summary = "the ledger for the books: a period's events as SIE 4 verifikationer",
	.usage = "export sie --from --to [--chart] [--output]\n"
		 "                         [--as] [--agency] [--db]",
	.about = "sie  every event of the period that moves money in the books, as a verifikation (series B, in\n"
		 "     date order) of an SIE 4 file (type 4I, codepage 437) that Swedish accounting programs\n"
		 "     import: payments executed (4650 Lämnade bidrag / 1930 Bank), rejected or returned by the\n"
		 "     bank (the reverse), repayments claimed (1510 Fordran återkrav / 4650) and received\n"
		 "     (1930 / 1510), lapses (2990 / 8990), and corrections of these as their reverse.  Each\n"
		 "     row carries its anslag (dimension 20) and anslagspost (dimension 21) as objects; a part\n"
		 "     paid from several posts is split over them in proportion to the amounts decided on\n"
		 "     them.  --chart FILE gives other accounts.",
	.exec = cmd_export,
	.options = export_options,
};

static int need_date(const char *opt, const char *s)
{
	if (!s)
		return error("--%s is missing (expected a date, YYYY-MM-DD)", opt);
	if (!date_valid(s))
		return error("invalid --%s '%s' (expected a date, YYYY-MM-DD)", opt, s);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_export_entry);
	if (help >= 0)
		return help;
	struct export_opts o = {0};
	int rc = cmd_parse(&cmd_export_entry, argc - 1, argv + 1, &o, &o.next);
	if (rc >= 0)
		return rc == 0 ? 0 : rc;
	if (strcmp(argv[1], "sie") != 0)
		return usage_error(&cmd_export_entry, "unknown subcommand 'export %s' (expected sie)", argv[1]);
	if (argc - 1 - o.next)
		return usage_error(&cmd_export_entry, "export sie takes no arguments (give --from and --to)");
	if (need_date("from", o.from) || need_date("to", o.to))
		return EXIT_USAGE;
	if (strcmp(o.from, o.to) > 0)
		return error("--from %s is after --to %s", o.from, o.to);
	struct book_chart chart;
	book_chart_default(&chart);
	struct bd_error err;
	if (o.chart && chart_file_read(o.chart, &chart, &err))
		return error("%s; nothing was written", err.msg);
	struct store *s;
	rc = open_register(o.db, false, &s);
	if (rc)
		return rc;
	char today[DATE_LEN];
	date_today(today);
	const char *signature = cmd_reader(s);
	if (!signature) {
		store_close(s);
		return EXIT_USAGE;
	}
	struct sie_export_in in = {.from = o.from, .to = o.to, .chart = &chart, .generated = today,
				   .signature = signature, .agency = o.agency};
	struct sie_export_summary sum;
	struct buf out;
	buf_init(&out, 1u << 30);
	int xrc = sie_export_run(s, &in, &out, &sum, &err);
	store_close(s);
	if (xrc) {
		buf_release(&out);
		return xrc > 0 ? error("%s; nothing was written", err.msg) : store_error(&err, EXIT_IO);
	}
	FILE *f = open_output(o.output);
	if (!f) {
		buf_release(&out);
		return EXIT_IO;
	}
	fwrite(out.data, 1, out.len, f);
	buf_release(&out);
	if (close_output(f, o.output))
		return EXIT_IO;
	fprintf(stderr, "SIE 4 %s to %s: %ld verifikationer, %ld rows\n", o.from, o.to, sum.vers, sum.rows);
	return 0;
}
