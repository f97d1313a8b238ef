/* bidrag register: the recipient's own register of grants received
 * (docs/recipient-register.md): import, check, list, show, replace lines or
 * usage entries from CSV, reports and the comparison chart. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ident.h"
#include "recipient.h"
#include "refdata.h"
#include "regfile.h"
#include "regreport.h"
#include "recreg.h"
#include "prefill.h"
#include "store.h"
#include "cmd.h"
#include "readfile.h"

struct opts {
	const char *db, *org, *grant, *format, *output, *by, *compare;
	int year, account, version;
	bool all, store;
	char **args;
	int nargs;
};

static int parse_year(const char *opt, const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 2000 || v > 2100)
		return error("%s '%s': expected a year from 2000 to 2100", opt, s);
	*out = (int)v;
	return 0;
}

static int set_year(void *ctx, const char *text)
{
	return parse_year("--year", text, &((struct opts *)ctx)->year);
}

static int set_account(void *ctx, const char *text)
{
	return parse_year("--account", text, &((struct opts *)ctx)->account);
}

static int set_version(void *ctx, const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (!*text || *end || v < 1 || v > 1000000)
		return error("--version '%s': expected a version number, 1 or more", text);
	((struct opts *)ctx)->version = (int)v;
	return 0;
}

static const struct cmd_opt register_options[] = {
	OPT_STR("db", 0, struct opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("org", 0, struct opts, org, "ORG", "an organisation's code, name or orgnr"),
	OPT_CALL("year", 0, "Y", set_year, "the year of the register"),
	OPT_STR("grant", 0, struct opts, grant, "KEY", "the grant's key in the register"),
	OPT_CALL("account", 0, "YEAR", set_account, "the year of the usage account"),
	OPT_STR("format", 0, struct opts, format, "F", "the output format; what each verb takes is in the usage"),
	OPT_STR("output", 'o', struct opts, output, "FILE", "write to FILE"),
	OPT_STR("by", 0, struct opts, by, "NAME",
		"who records it: a bidrag user, its password from $BIDRAG_PASSWORD or the terminal\n"
		"(default $BIDRAG_USER, else the OS account's user)"),
	OPT_STR("as", 0, struct opts, by, "NAME", NULL), /* a bidrag user, authenticated (cmd_actor) */
	OPT_STR("compare", 0, struct opts, compare, "YEAR|none",
		 "the year to compare with (default the year before), or none"),
	OPT_CALL("version", 0, "N", set_version, "an earlier version of the register (default the latest)"),
	OPT_BOOL("all", 0, struct opts, all, "every version, not only the latest"),
	OPT_BOOL("store", 0, struct opts, store, "prefill: store the year as a new version, as import does"),
	OPT_END,
};

const struct cmd_entry cmd_register_entry = {
	.name = "register",
	.summary = "the recipient's register of grants received: import, reports, year comparison",
	.usage = "register import FILE.json [--db] [--by]\n"
		 "       bidrag register check FILE.json\n"
		 "       bidrag register list [--org] [--all] [--db]\n"
		 "       bidrag register show --org --year [--version] [--format=table|json] [--db]\n"
		 "       bidrag register prefill --org --year [-o FILE] [--store] [--by] [--db]\n"
		 "       bidrag register lines --org --year --grant FILE.csv [--db] [--by]\n"
		 "       bidrag register usage --org --year --grant --account FILE.csv [--db]\n"
		 "       bidrag register report --org --year [--compare] --format=md|xlsx|pdf|csv\n"
		 "                              [-o FILE] [--db]\n"
		 "       bidrag register chart --org --year [--compare] --format=png|svg -o FILE",
	.about = "ORG is an organisation's code, name or orgnr.  The file format and the CSV layouts are\n"
		 "described in docs/recipient-register.md.  Sums are computed: a sum typed in a file is\n"
		 "checked, and an import with a wrong one changes nothing.",
	.exec = cmd_register,
	.options = register_options,
};


static int parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	int next, rc = cmd_parse(&cmd_register_entry, argc, argv, o, &next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	o->args = argv + next;
	o->nargs = argc - next;
	return 0;
}

static int need(const struct opts *o, bool org, bool year, bool grant)
{
	if (org && !o->org)
		return usage_error(&cmd_register_entry, "--org is required");
	if (year && !o->year)
		return usage_error(&cmd_register_entry, "--year is required");
	if (grant && !o->grant)
		return usage_error(&cmd_register_entry, "--grant is required");
	return 0;
}

/* The organisation of a register: a code, name, alias or orgnr. */
struct org_found {
	char code[64], name[256];
	bool found;
};

static int find_org(struct store *s, const char *text, struct org_found *f)
{
	struct bd_error err;
	memset(f, 0, sizeof(*f));
	int rc = store_org_find(s, text, f->code, f->name, &err);
	if (rc < 0)
		return store_error(&err, EXIT_IO);
	if (rc == 1)
		return error("%s", err.msg);
	f->found = true;
	return 0;
}

static void grant_rows(const struct rg_year *y, struct recipient_grant_row *rows)
{
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		rows[i] = (struct recipient_grant_row){g->key, g->title, g->dnr, g->decision, g->total};
	}
}

static void warn_discrepancy(void *ctx, const struct rg_discrepancy *d)
{
	const char *origin = ctx;
	char a[NUM_BUFSZ], b[NUM_BUFSZ], diff[NUM_BUFSZ];
	if (strcmp(d->what, "breakdown") == 0)
		fprintf(stderr,
			"warning: %s: %d, grant '%s': the amount %s kr differs from its breakdown %s kr "
			"(difference %s kr); reported under Avvikelser\n",
			origin, d->year, d->grant, fmt_kr(d->stated, a), fmt_kr(d->computed, b),
			fmt_kr_signed(d->stated - d->computed, diff));
	else
		fprintf(stderr, "warning: %s: %d, grant '%s': %s kr spent of %s kr available for %d\n", origin, d->year,
			d->grant, fmt_kr(d->computed, a), fmt_kr(d->stated, b), d->usage_year);
}

/* store_years: each year of r as a new version (in one transaction). */
static int store_years(struct store *s, const struct rg_register *r, const struct org_found *org, const char *source,
		       const char *by, int only_year)
{
	struct bd_error err;
	if (store_begin(s, &err))
		return store_error(&err, EXIT_IO);
	int rc = 0;
	int *versions = xcalloc(r->nyears, sizeof(int));
	bool *unchanged = xcalloc(r->nyears, sizeof(bool));
	for (size_t i = 0; i < r->nyears && !rc; i++) {
		const struct rg_year *y = &r->years[i];
		if (only_year && y->year != only_year)
			continue;
		char *doc = regfile_dump_year(y, org->code);
		struct recipient_grant_row *rows = xcalloc(y->ngrants + 1, sizeof(*rows));
		grant_rows(y, rows);
		struct recipient_put in = {org->code, y->year, doc, source, by, rows, y->ngrants};
		if (store_recipient_put(s, &in, &versions[i], &unchanged[i], &err))
			rc = store_error(&err, EXIT_IO);
		free(rows);
		free(doc);
	}
	if (!rc && store_commit(s, &err))
		rc = store_error(&err, EXIT_IO);
	if (rc)
		store_rollback(s);
	for (size_t i = 0; i < r->nyears && !rc; i++) {
		const struct rg_year *y = &r->years[i];
		if (only_year && y->year != only_year)
			continue;
		int64_t total = 0;
		for (size_t j = 0; j < y->ngrants; j++)
			total += y->grants[j].total;
		char t[NUM_BUFSZ];
		if (unchanged[i])
			printf("%s %d: unchanged (version %d)\n", org->code, y->year, versions[i]);
		else
			printf("%s %d: stored as version %d (%zu grants, %s kr)\n", org->code, y->year, versions[i],
			       y->ngrants, fmt_kr(total, t));
	}
	free(versions);
	free(unchanged);
	return rc;
}

static int do_import(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error(&cmd_register_entry, "register import takes one file");
	struct rg_register r;
	rg_init(&r);
	struct bd_error err;
	struct store *s = NULL;
	int rc = 0;
	if (regfile_load(&r, o->args[0], &err)) {
		rc = error("%s; nothing was imported", err.msg);
		goto out;
	}
	rc = open_register(o->db, true, &s);
	if (rc)
		goto out;
	struct org_found org;
	rc = find_org(s, r.org, &org);
	if (rc)
		goto out;
	rg_discrepancies(&r, warn_discrepancy, o->args[0]);
	const char *by = cmd_actor_as(s, o->by); /* a bidrag user (--as, --by) */
	rc = by ? store_years(s, &r, &org, o->args[0], by, 0) : EXIT_USAGE;
out:
	if (s)
		store_close(s);
	rg_release(&r);
	return rc;
}

static void print_year_summary(const struct rg_comparison *c)
{
	for (size_t i = 0; i < c->nsections; i++) {
		const struct rg_cmp_section *sec = &c->sections[i];
		char a[NUM_BUFSZ], b[NUM_BUFSZ];
		fputs("  ", stdout);
		print_padded(stdout, sec->title ? sec->title : "Summa", 60); /* characters, not bytes: å ä ö */
		if (c->year[0])
			printf(" %d: %10s mkr", c->year[0], sec->has[0] ? fmt_mkr(sec->sum[0], a) : "–");
		printf(" %d: %10s mkr\n", c->year[1], sec->has[1] ? fmt_mkr(sec->sum[1], b) : "–");
	}
}

static int do_check(struct opts *o)
{
	if (o->nargs != 1)
		return usage_error(&cmd_register_entry, "register check takes one file");
	struct rg_register r;
	rg_init(&r);
	struct bd_error err;
	int rc = 0;
	if (regfile_load(&r, o->args[0], &err)) {
		rc = error("%s", err.msg);
		goto out;
	}
	printf("%s: %s, %zu year%s\n", o->args[0], r.org, r.nyears, r.nyears == 1 ? "" : "s");
	for (size_t i = 0; i < r.nyears; i++) {
		const struct rg_year *y = &r.years[i];
		struct rg_comparison c;
		if (rg_compare(&r, rg_year_find(&r, y->year - 1), y, &c, &err)) {
			rc = error("%s", err.msg);
			goto out;
		}
		printf("%d: %zu grants\n", y->year, y->ngrants);
		print_year_summary(&c);
	}
	rg_discrepancies(&r, warn_discrepancy, o->args[0]);
out:
	rg_release(&r);
	return rc;
}

static int load_required(struct store *s, const struct org_found *org, int year, int version, struct rg_register *r,
			 int *version_out)
{
	struct bd_error err;
	int rc = recreg_load_year(s, org->code, year, version, r, version_out, &err);
	if (rc < 0)
		return store_error(&err, EXIT_IO);
	if (rc == 1)
		return version ? error("%s (%s) has no version %d of its register for %d (see 'bidrag register list')",
				       org->name, org->code, version, year)
			       : error("%s (%s) has no register for %d (see 'bidrag register list')", org->name,
				       org->code, year);
	return rc;
}

static int do_list(struct opts *o);

struct list_ctx {
	int n;
};

static int print_version(void *ctx, const struct recipient_version *v)
{
	struct list_ctx *c = ctx;
	char t[NUM_BUFSZ];
	if (c->n++ == 0)
		printf("%-6s %-34s %-5s %-7s %-6s %16s  %-20s %s\n", "org", "name", "year", "version", "grants",
		       "amount (kr)", "recorded", "by");
	printf("%-6s ", v->org);
	print_padded(stdout, v->org_name, 34); /* "%-34.34s" could cut an å in two */
	printf(" %-5d %-7d %-6d %16s  %-20s %s\n", v->year, v->version, v->grants, fmt_kr(v->total, t), v->recorded_at,
	       v->recorded_by);
	return 0;
}

static int do_list(struct opts *o)
{
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct org_found org;
	if (o->org && (rc = find_org(s, o->org, &org))) {
		store_close(s);
		return rc;
	}
	struct list_ctx c = {0};
	struct bd_error err;
	if (store_recipient_list(s, o->org ? org.code : NULL, o->all, print_version, &c, &err) < 0)
		rc = store_error(&err, EXIT_IO);
	else if (!c.n)
		printf("no recipient registers%s%s (see 'bidrag register import')\n", o->org ? " for " : "",
		       o->org ? org.name : "");
	store_close(s);
	return rc;
}

static int do_show(struct opts *o)
{
	int rc = need(o, true, true, false);
	if (rc)
		return rc;
	bool json = false;
	if (o->format && !(json = strcmp(o->format, "json") == 0) && strcmp(o->format, "table") != 0)
		return usage_error(&cmd_register_entry, "--format '%s': expected table or json", o->format);
	struct store *s;
	if ((rc = open_register(o->db, false, &s)))
		return rc;
	struct org_found org;
	struct rg_register r;
	rg_init(&r);
	int version = 0;
	if ((rc = find_org(s, o->org, &org)) || (rc = load_required(s, &org, o->year, o->version, &r, &version)))
		goto out;
	const struct rg_year *y = &r.years[0];
	if (json) {
		char *doc = regfile_dump_year(y, org.code);
		fputs(doc, stdout);
		free(doc);
		goto out;
	}
	printf("%s (%s), %d, version %d: %zu grants\n\n", org.name, org.code, y->year, version, y->ngrants);
	for (size_t i = 0; i < y->ngrants; i++) {
		const struct rg_grant *g = &y->grants[i];
		char a[NUM_BUFSZ], b[NUM_BUFSZ];
		printf("%-28s %-16s %16s kr", g->key, g->dnr ? g->dnr : "", fmt_kr(g->total, a));
		if (g->has_breakdown)
			printf("  (rader %s kr%s)", fmt_kr(g->breakdown, b), g->breakdown != g->total ? ", avviker" : "");
		if (g->application)
			printf("  (%s)", rg_outcome_sv(g->application->outcome));
		printf("\n%-28s %s\n", "", g->title);
	}
	struct rg_comparison c;
	struct bd_error err;
	if (rg_compare(&r, NULL, y, &c, &err) == 0) {
		printf("\nsummary:\n");
		print_year_summary(&c);
	}
out:
	rg_release(&r);
	store_close(s);
	return rc;
}

/* do_replace: lines or usage entries of a stored year from CSV. */
static int do_replace(struct opts *o, bool usage)
{
	int rc = need(o, true, true, true);
	if (rc)
		return rc;
	if (usage && !o->account)
		return usage_error(&cmd_register_entry, "--account YEAR is required (the year of the money accounted for)");
	if (o->nargs != 1)
		return usage_error(&cmd_register_entry, "register %s takes one CSV file", usage ? "usage" : "lines");
	char *data = NULL;
	size_t len;
	struct bd_error err;
	if (read_file(o->args[0], REGFILE_MAX, &data, &len, &err))
		return error("%s", err.msg);
	struct store *s;
	if ((rc = open_register(o->db, false, &s))) {
		free(data);
		return rc;
	}
	struct org_found org;
	struct rg_register r;
	rg_init(&r);
	if ((rc = find_org(s, o->org, &org)) || (rc = load_required(s, &org, o->year, 0, &r, NULL)))
		goto out;
	struct rg_year *y = &r.years[0];
	struct rg_grant *g = (struct rg_grant *)rg_grant_find(y, o->grant);
	if (!g) {
		rc = error("%s %d has no grant '%s' (see 'bidrag register show --org %s --year %d')", org.code,
			   o->year, o->grant, org.code, o->year);
		goto out;
	}
	if (usage) {
		struct rg_usage *u = NULL;
		for (size_t i = 0; i < g->nusage && !u; i++)
			if (g->usage[i].year == o->account)
				u = &g->usage[i];
		if (!u) {
			rc = error("grant '%s' has no usage account for %d; declare it, with its purposes, in the register "
				   "file",
				   g->key, o->account);
			goto out;
		}
		rc = regfile_usage_csv(&r, u, data, len, o->args[0], &err);
	} else {
		rc = regfile_lines_csv(&r, g, data, len, o->args[0], &err);
	}
	if (rc || rg_compute(&r, &err)) {
		rc = error("%s; nothing was changed", err.msg);
		goto out;
	}
	rg_discrepancies(&r, warn_discrepancy, o->args[0]);
	const char *by = cmd_actor_as(s, o->by); /* a bidrag user (--as, --by) */
	rc = by ? store_years(s, &r, &org, o->args[0], by, 0) : EXIT_USAGE;
out:
	free(data);
	rg_release(&r);
	store_close(s);
	return rc;
}

/* The reports. */

static int do_report(struct opts *o, bool chart)
{
	int rc = need(o, true, true, false);
	if (rc)
		return rc;
	static const char *const report_formats[] = {"md", "xlsx", "pdf", "csv", NULL};
	static const char *const chart_formats[] = {"png", "svg", NULL};
	const char *const *formats = chart ? chart_formats : report_formats;
	if (!o->format)
		return usage_error(&cmd_register_entry, "--format is required (%s)", chart ? "png or svg" : "md, xlsx, pdf or csv");
	int f = 0;
	while (formats[f] && strcmp(formats[f], o->format) != 0)
		f++;
	if (!formats[f])
		return usage_error(&cmd_register_entry, "--format '%s': expected %s", o->format,
				   chart ? "png or svg" : "md, xlsx, pdf or csv");
	bool to_file = chart || f == 1 || f == 2;
	if (to_file && !o->output)
		return usage_error(&cmd_register_entry, "--format %s writes a file: give -o FILE%s", o->format,
				   chart ? " (or -o - for standard output)" : "");
	if (f == 1 && strcmp(o->output, "-") == 0)
		return usage_error(&cmd_register_entry, "--format xlsx cannot go to standard output; give -o FILE.xlsx");
	struct store *s;
	if ((rc = open_register(o->db, false, &s)))
		return rc;
	struct recreg_report d;
	struct bd_error err;
	struct org_found org;
	int compare = RECREG_COMPARE_AUTO;
	if (o->compare && strcmp(o->compare, "none") == 0)
		compare = RECREG_COMPARE_NONE;
	else if (o->compare && parse_year("--compare", o->compare, &compare)) {
		store_close(s);
		return EXIT_USAGE;
	}
	if ((rc = find_org(s, o->org, &org))) {
		store_close(s);
		return rc;
	}
	rc = recreg_report_load(s, org.code, org.name, o->year, o->version, compare, &d, &err);
	store_close(s);
	if (rc) {
		rc = rc == 1 ? error("%s (see 'bidrag register list')", err.msg) : store_error(&err, EXIT_IO);
		goto out;
	}
	if (chart) {
		if (rg_chart(&d.rep, f == 0 ? RG_CHART_PNG : RG_CHART_SVG, o->output, &err))
			rc = store_error(&err, EXIT_IO);
	} else if (f == 1) {
		if (rg_report_xlsx(&d.rep, o->output, &err))
			rc = store_error(&err, EXIT_IO);
	} else if (f == 2) {
		if (rg_report_pdf(&d.rep, o->output, &err))
			rc = store_error(&err, EXIT_IO);
	} else {
		FILE *out = open_output(o->output);
		if (!out) {
			rc = EXIT_IO;
			goto out;
		}
		if ((f == 0 ? rg_report_md : rg_report_csv)(&d.rep, out, &err))
			rc = store_error(&err, EXIT_IO);
		if (close_output(out, o->output) && !rc)
			rc = EXIT_IO;
	}
	if (!rc && o->output && strcmp(o->output, "-") != 0)
		fprintf(stderr, "wrote %s\n", o->output);
out:
	recreg_report_release(&d);
	return rc;
}

/* register prefill: the year started from what the ledger knows
 * (prefill.h): written as a document, or stored with --store. */
static int do_prefill(struct opts *o)
{
	int rc = need(o, true, true, false);
	if (rc)
		return rc;
	if (o->nargs)
		return usage_error(&cmd_register_entry, "register prefill takes no file (it writes one: -o FILE)");
	struct store *s = NULL;
	if ((rc = open_register(o->db, o->store, &s)))
		return rc;
	struct org_found org;
	struct prefill_result p = {0};
	struct rg_register r;
	rg_init(&r);
	struct bd_error err;
	if ((rc = find_org(s, o->org, &org)))
		goto out;
	if (recreg_prefill(s, org.code, o->year, &p, &err)) {
		rc = store_error(&err, EXIT_IO);
		goto out;
	}
	fprintf(stderr, "%s %d: %d grant%s from the ledger (%d new, %d updated)%s\n", org.name, o->year, p.from_ledger,
		p.from_ledger == 1 ? "" : "s", p.added, p.updated, p.based_on ? ", the rest as stored" : "");
	if (o->store) {
		const char *by = cmd_actor_as(s, o->by);
		if (!by) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (regfile_parse(&r, p.document, strlen(p.document), "the prefilled register", NULL, NULL, &err) ||
		    rg_compute(&r, &err)) {
			rc = error("%s; nothing was stored", err.msg);
			goto out;
		}
		rc = store_years(s, &r, &org, "register prefill", by, 0);
		if (rc || !o->output)
			goto out;
	}
	FILE *out = open_output(o->output);
	if (!out) {
		rc = EXIT_IO;
		goto out;
	}
	fputs(p.document, out);
	fputc('\n', out);
	if (close_output(out, o->output))
		rc = EXIT_IO;
	else if (o->output && strcmp(o->output, "-") != 0)
		fprintf(stderr, "wrote %s\n", o->output);
out:
	rg_release(&r);
	prefill_result_release(&p);
	store_close(s);
	return rc;
}

int cmd_register(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_register_entry);
	if (help >= 0)
		return help;
	const char *verb = argv[1];
	struct opts o;
	int rc = parse_opts(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (strcmp(verb, "import") == 0)
		return do_import(&o);
	if (strcmp(verb, "check") == 0)
		return do_check(&o);
	if (strcmp(verb, "list") == 0)
		return do_list(&o);
	if (strcmp(verb, "show") == 0)
		return do_show(&o);
	if (strcmp(verb, "lines") == 0)
		return do_replace(&o, false);
	if (strcmp(verb, "usage") == 0)
		return do_replace(&o, true);
	if (strcmp(verb, "report") == 0)
		return do_report(&o, false);
	if (strcmp(verb, "chart") == 0)
		return do_report(&o, true);
	if (strcmp(verb, "prefill") == 0)
		return do_prefill(&o);
	return usage_error(&cmd_register_entry, "unknown subcommand '%s' (expected import, check, list, show, lines, "
						"usage, report, chart or prefill)",
			   verb);
}
