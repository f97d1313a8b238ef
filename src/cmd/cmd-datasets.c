/* bidrag datasets: the key datasets of the register (list, show, import a
 * key file or an SCB statistics file as a new version, what a corrected
 * version changes for the decisions that used an earlier one), and reading
 * a statistics file without the register. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dataset.h"
#include "impact.h"
#include "refload.h"
#include "statusload.h"
#include "statfile.h"
#include "statseries.h"
#include "store.h"
#include "cmd.h"

struct datasets_opts {
	const char *format, *name, *column, *date, *label, *unit, *source, *db;
	/* datasets read and import */
	char **select;
	size_t nselect;
	char **recode;
	size_t nrecode;
	const char *period, *region_dim, *level, *ref_date, *language, *encoding;
	bool skip_unknown;
	/* datasets import */
	const char *corrects, *reason, *downloaded, *by;
	/* datasets impact */
	bool apply;
};

static int set_select(void *ctx, const char *text)
{
	struct datasets_opts *o = ctx;
	o->select = xreallocarray(o->select, o->nselect + 1, sizeof(*o->select));
	o->select[o->nselect++] = xstrdup(text);
	return 0;
}

static int set_recode(void *ctx, const char *text)
{
	struct datasets_opts *o = ctx;
	o->recode = xreallocarray(o->recode, o->nrecode + 1, sizeof(*o->recode));
	o->recode[o->nrecode++] = xstrdup(text);
	return 0;
}

static const struct cmd_opt datasets_options[] = {
	OPT_STR("format", 0, struct datasets_opts, format, "F", "table (default), csv (show, read) or json (list, show)"),
	OPT_STR("name", 0, struct datasets_opts, name, "NAME",
		 "import: the dataset's name (one the register has: a new version, --corrects)"),
	OPT_STR("corrects", 0, struct datasets_opts, corrects, "NAME@V",
		"import: the version the new one corrects, the name's latest (needs --reason)"),
	OPT_STR("reason", 0, struct datasets_opts, reason, "TEXT", "import: why the correction is made"),
	OPT_STR("column", 0, struct datasets_opts, column, "C",
		 "import: the value column of a key file (default: the only numeric one)"),
	OPT_STR("date", 0, struct datasets_opts, date, "DATE",
		"import: the date the values refer to (YYYY-MM-DD; by default the\n"
		"statistics file's); impact --apply: the events' date (default today)"),
	OPT_STR("label", 0, struct datasets_opts, label, "TEXT", "import: what the values are, in a few words"),
	OPT_STR("unit", 0, struct datasets_opts, unit, "UNIT", "import: the values' unit"),
	OPT_STR("source", 0, struct datasets_opts, source, "TEXT", "import: where the values come from"),
	OPT_STR("downloaded", 0, struct datasets_opts, downloaded, "DATE",
		"import: the day the file was downloaded (YYYY-MM-DD), kept with its origin"),
	OPT_STR("by", 0, struct datasets_opts, by, "NAME",
		"import, impact --apply: who imports it, who records the events: a bidrag user,\n"
		"its password from $BIDRAG_PASSWORD or the terminal (default $BIDRAG_USER, else\n"
		"the OS account's user)"),
	OPT_STR("user", 0, struct datasets_opts, by, "NAME", "impact --apply: the same as --by"),
	OPT_STR("as", 0, struct datasets_opts, by, "NAME", NULL), /* a bidrag user, authenticated (cmd_actor) */
	OPT_BOOL("apply", 0, struct datasets_opts, apply,
		 "impact: record the proposal in the ledger: allocations raised and reduced,\n"
		 "payments registered (for a second person to attest), repayments claimed;\n"
		 "done once, however often run"),
	OPT_STR("db", 0, struct datasets_opts, db, "PATH",
		"the register (default $BIDRAG_DB, else ./bidrag.db when it exists;\n"
		"without one, list and show see the compiled-in seed datasets only)"),
	OPT_CALL("select", 0, "DIM=VALUE", set_select,
		 "read, import: what to take from a dimension, by code or label\n"
		 "('Kön=kvinnor', 'Ålder=15-44', 'Ålder=65+', several summed:\n"
		 "'Ålder=0-9,10-19'); repeat for each dimension"),
	OPT_STR("period", 0, struct datasets_opts, period, "P", "read, import: the period (2023, 2026M01)"),
	OPT_STR("region-dim", 0, struct datasets_opts, region_dim, "NAME",
		"read, import: the dimension of the regions (default: the one called region)"),
	OPT_STR("level", 0, struct datasets_opts, level, "L",
		"read, import: the rows' level, lan or kommun (default: the one the rows have)"),
	OPT_BOOL("skip-unknown", 0, struct datasets_opts, skip_unknown,
		 "read, import: leave out rows the register does not know (Riket, a län in\n"
		 "a table of kommuner, a former kommun) instead of failing; they are named"),
	OPT_CALL("recode", 0, "FROM=TO", set_recode,
		 "read, import: a row's code taken as the register's kommun or region TO\n"
		 "(1917=0331: Heby, kommun 1917 in Västmanlands län until 2007); repeat"),
	OPT_STR("ref-date", 0, struct datasets_opts, ref_date, "DATE",
		"read: the reference date (YYYY-MM-DD), when the file does not say it or says another"),
	OPT_STR("language", 0, struct datasets_opts, language, "LANG", "read, import: a PC-Axis file's language (en)"),
	OPT_STR("encoding", 0, struct datasets_opts, encoding, "ENC",
		"read, import: the file's encoding (windows-1252, iso-8859-1, utf-8),\n"
		"whatever it declares"),
	OPT_END,
};

const struct cmd_entry cmd_datasets_entry = {
	.name = "datasets",
	.summary = "key datasets in the register: list, show, import (SCB files too), corrections",
	.usage = "datasets [list] [--format=table|json] [--db]\n"
		 "       bidrag datasets show NAME[@VERSION] [--format=table|csv|json] [--db]\n"
		 "       bidrag datasets import FILE --name [--corrects --reason] [--select] ...\n"
		 "                              [--period] [--region-dim] [--level] [--skip-unknown]\n"
		 "                              [--language] [--encoding] [--column] [--date]\n"
		 "                              [--label] [--unit] [--source] [--downloaded]\n"
		 "                              [--by] [--db]\n"
		 "       bidrag datasets impact NAME[@VERSION] [--apply [--by] [--date]]\n"
		 "                              [--format=table|json] [--db]\n"
		 "       bidrag datasets registered [NAME] [--db]\n"
		 "       bidrag datasets read FILE [--select] ... [--period] [--region-dim]\n"
		 "                            [--level] [--skip-unknown] [--ref-date] [--language]\n"
		 "                            [--encoding] [--format=table|csv]",
	.about = "Key datasets live in the register (--db, $BIDRAG_DB or ./bidrag.db), in versions that are never\n"
		 "changed: version 1 of a name is an import, or one of the compiled-in seed datasets that 'bidrag\n"
		 "init' puts in every register; a later version corrects the one before it and says why\n"
		 "(--corrects NAME@VERSION --reason TEXT).  A dataset is named by its name (its latest version) or\n"
		 "NAME@VERSION.  'list' shows the latest versions, 'show' one version with its origin (file,\n"
		 "SHA-256, table, selection, reference date, download date, who imported it) and its corrections.\n"
		 "'import' reads a key file (CSV/TSV: a recipient column and one value column) or a statistics\n"
		 "file as SCB publishes it (PC-Axis, JSON-stat 2.0, a CSV download), taking the series --select\n"
		 "and --period name, and stores it as a new version, in the audit log.  Without a register,\n"
		 "'list' and 'show' (and allocate, verify) see the compiled-in seed datasets only.\n"
		 "'impact' shows, for every registered decision part allocated by an earlier version than\n"
		 "NAME@VERSION (default the latest), each recipient whose allocation changes: then (as locked)\n"
		 "and now (the part's own rule and amount with the corrected values, exactly), the difference,\n"
		 "what has been paid and the adjustment proposed (an allocation raised, and paid at once when\n"
		 "the part's payments have started; reduced by what is unpaid, and what was paid beyond it\n"
		 "claimed back); --apply records it in the ledger (payments wait for a second person's\n"
		 "attestation).\n"
		 "'registered' lists the versions with the decision parts that used each.  'read' reads a\n"
		 "statistics file and prints the series a selection names, without the register.",
	.exec = cmd_datasets,
	.options = datasets_options,
};

static i128 dataset_sum(const struct dataset *d)
{
	i128 s = 0;
	for (size_t r = 0; r < d->kf.nrows; r++)
		s += d->kf.value[0][r];
	return s;
}

static char *value_text(const struct dataset *d, i128 v, char *buf)
{
	int scale = d->kf.scale[0];
	i128 den = 1;
	for (int k = 0; k < scale; k++)
		den *= 10;
	return fmt_rat_decimal(v, den, scale, true, buf);
}

/* origin_text: one line on where a version came from. */
static char *origin_text(const struct dataset *d)
{
	const struct dataset_origin *o = &d->origin;
	if (!d->has_origin)
		return xstrdup("registered with a decision");
	if (d->builtin)
		return xasprintf("seed (compiled in%s%s)", o->file_name ? ", " : "", o->file_name ? o->file_name : "");
	return xasprintf("imported%s%s%s%s%s", o->file_name ? " from " : "", o->file_name ? o->file_name : "",
			 o->format ? " (" : "", o->format ? o->format : "", o->format ? ")" : "");
}

static int list(bool json)
{
	size_t n;
	struct dataset *const *v = datasets_all(&n);
	char buf[NUM_BUFSZ];
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, dataset_to_json(v[i], false));
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(arr);
		return 0;
	}
	printf("%-26s %7s %-11s %-9s %4s %16s  %s\n", "NAME", "VERSION", "DATE", "DOMAIN", "N", "SUM", "SOURCE");
	for (size_t i = 0; i < n; i++) {
		char *origin = origin_text(v[i]);
		printf("%-26s %7d %-11s %-9s %4zu %16s  %s%s%s%s\n", v[i]->name, v[i]->version, v[i]->date, v[i]->domain,
		       v[i]->kf.nrows, value_text(v[i], dataset_sum(v[i]), buf), v[i]->builtin ? "" : "[",
		       v[i]->builtin ? "" : origin, v[i]->builtin ? "" : "] ", v[i]->source);
		free(origin);
	}
	return 0;
}

static void show_origin(const struct dataset *d, size_t nversions)
{
	const struct dataset_origin *o = &d->origin;
	char *origin = origin_text(d);
	printf("origin: %s\n", origin);
	free(origin);
	if (d->registered)
		printf("registered: %s%s%s\n", d->registered, d->has_origin && o->imported_by ? " by " : "",
		       d->has_origin && o->imported_by ? o->imported_by : "");
	if (o->file_sha256)
		printf("file SHA-256: %s\n", o->file_sha256);
	if (o->table_id || o->title)
		printf("table: %s%s%s\n", o->table_id ? o->table_id : "", o->table_id && o->title ? ": " : "",
		       o->title ? o->title : "");
	if (o->selection)
		printf("selection: %s\n", o->selection);
	if (o->period)
		printf("period: %s\n", o->period);
	if (o->ref_basis)
		printf("reference date basis: %s\n", o->ref_basis);
	if (d->has_origin && !d->builtin)
		printf("downloaded: %s\n", o->downloaded ? o->downloaded : "(not given)");
	if (o->corrects)
		printf("corrects: %s@%d: %s\n", d->name, o->corrects, o->reason ? o->reason : "");
	if (d->corrected_by)
		printf("corrected by: %s@%d\n", d->name, d->corrected_by);
	else if (!d->latest)
		printf("superseded by: %s@%zu\n", d->name, nversions);
}

static int show(const char *ref, const char *format)
{
	struct bd_error err;
	const struct dataset *d;
	bool csv = format && strcmp(format, "csv") == 0, json = format && strcmp(format, "json") == 0;
	if (format && !csv && !json && strcmp(format, "table") != 0)
		return error("unknown format '%s' (expected table, csv or json)", format);
	if (dataset_find(ref, &d, &err))
		return error("%s", err.msg);
	char buf[NUM_BUFSZ];
	if (json) {
		json_t *o = dataset_to_json(d, true);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
		return 0;
	}
	if (csv) {
		printf("code,recipient,value\n");
		for (size_t r = 0; r < d->kf.nrows; r++) {
			value_text(d, d->kf.value[0][r], buf);
			for (char *p = buf, *q = buf;; p++)
				if (*p != ' ' && !(*q++ = *p == ',' ? '.' : *p))
					break;
			printf("%s,\"%s\",%s\n", d->kf.id[r], d->kf.label[r], buf);
		}
		return 0;
	}
	size_t nall;
	struct dataset *const *all = datasets_all(&nall);
	int latest = 0;
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i]->name, d->name) == 0)
			latest = all[i]->version;
	printf("%s@%d: %s\nversion: %d of %d%s\ndate: %s\nunit: %s\nsource: %s\n", d->name, d->version, d->label,
	       d->version, latest, d->latest ? " (the latest)" : "", d->date, d->unit, d->source);
	show_origin(d, (size_t)latest);
	putchar('\n');
	for (size_t r = 0; r < d->kf.nrows; r++) {
		printf("%-6s ", d->kf.id[r]);
		print_padded(stdout, d->kf.label[r], 30);
		printf(" %14s\n", value_text(d, d->kf.value[0][r], buf));
	}
	printf("%-6s %-30s %14s\n", "", "Summa", value_text(d, dataset_sum(d), buf));
	return 0;
}

static int print_use(void *ctx, const struct dataset_use *u)
{
	(void)ctx;
	printf("%-26s %7d  %-10s  %.12s  %s%s%s\n", u->name, u->version, u->date ? u->date : "", u->sha256,
	       u->dnr ? u->dnr : "(no decision uses it)", u->part ? " part " : "", u->part ? u->part : "");
	return 0;
}

static int registered(const char *db, const char *name)
{
	struct store *s;
	int rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	printf("%-26s %7s  %-10s  %-12s  %s\n", "NAME", "VERSION", "DATE", "SHA-256", "USED BY");
	if (store_dataset_uses(s, name, print_use, NULL, &err))
		rc = store_error(&err, EXIT_IO);
	store_close(s);
	return rc;
}

static int parse_level(const char *level, unsigned *kinds)
{
	*kinds = 0;
	if (!level)
		return 0;
	if (!strcmp(level, "lan") || !strcmp(level, "län") || !strcmp(level, "region"))
		*kinds = RK_REGION;
	else if (!strcmp(level, "kommun"))
		*kinds = RK_KOMMUN;
	else
		return error("unknown level '%s' (expected lan or kommun)", level);
	return 0;
}

/* datasets import: a new version in the register. */
static int import(const char *path, const struct datasets_opts *o)
{
	struct bd_error err;
	if (!o->name)
		return usage_error(&cmd_datasets_entry, "datasets import needs --name NAME (like kommunpop@2023-12-31)");
	if (o->date && o->ref_date && strcmp(o->date, o->ref_date) != 0)
		return error("--date %s and --ref-date %s disagree: give one", o->date, o->ref_date);
	if (o->ref_date && !o->date && !date_valid(o->ref_date))
		return error("--ref-date '%s' is not a date (expected YYYY-MM-DD)", o->ref_date);
	if (o->date && !date_valid(o->date) && !(strlen(o->date) == 4 && strspn(o->date, "0123456789") == 4))
		return error("--date '%s' is not a date (expected YYYY-MM-DD)", o->date);
	if (o->reason && !o->corrects)
		return error("--reason goes with --corrects NAME@VERSION (the version the import corrects)");
	int corrects = 0;
	if (o->corrects) {
		const char *at = strrchr(o->corrects, '@');
		char *end = NULL;
		long v = at ? strtol(at + 1, &end, 10) : 0;
		if (!at || !at[1] || *end || v < 1 || v > 1000000)
			return error("--corrects '%s': expected NAME@VERSION, the version corrected (like %s@1)", o->corrects,
				     o->name);
		if ((size_t)(at - o->corrects) != strlen(o->name) || strncmp(o->corrects, o->name, strlen(o->name)) != 0)
			return error("--corrects %s names another dataset than --name %s: a correction is a new version of "
				     "the dataset it corrects",
				     o->corrects, o->name);
		if (!o->reason || !*o->reason)
			return error("--corrects %s needs --reason TEXT: a correction says why", o->corrects);
		corrects = (int)v;
	}
	unsigned kinds;
	if (parse_level(o->level, &kinds))
		return EXIT_USAGE;
	struct stat_pick *pick = xcalloc(o->nselect + 1, sizeof(*pick));
	for (size_t i = 0; i < o->nselect; i++)
		if (stat_pick_parse(o->select[i], &pick[i], &err)) {
			free(pick);
			return error("%s", err.msg);
		}
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc) {
		free(pick);
		return rc;
	}
	bool seeded;
	int added;
	if (datasets_seeded(s, &seeded, &err) || (!seeded && (store_begin(s, &err) || datasets_seed(s, &added, &err) ||
							       store_commit(s, &err)))) {
		store_rollback(s);
		store_close(s);
		free(pick);
		return store_error(&err, EXIT_IO);
	}
	const char *by = cmd_actor_as(s, o->by); /* a bidrag user (--as, --by) */
	if (!by) {
		store_close(s);
		free(pick);
		return EXIT_USAGE;
	}
	struct dataset_import in = {
		.path = path, .name = o->name, .corrects = corrects, .reason = o->reason, .by = by,
		.date = o->date ? o->date : o->ref_date, .label = o->label, .unit = o->unit, .source = o->source,
		.downloaded = o->downloaded, .column = o->column, .pick = pick, .npick = o->nselect,
		.period = o->period, .region_dim = o->region_dim, .encoding = o->encoding, .language = o->language,
		.kinds = kinds, .skip_unknown = o->skip_unknown,
		.recode = (const char *const *)o->recode, .nrecode = o->nrecode,
	};
	store_set_actor(s, in.by);
	struct dataset_imported out;
	if (dataset_import(s, &in, &out, &err)) {
		rc = err.code == BD_INVALID || err.code == BD_NOT_FOUND ? error("%s; nothing was imported", err.msg)
								       : store_error(&err, EXIT_IO);
	} else {
		printf("imported %s@%d: %zu %s from %s (%s)%s%s\n", o->name, out.version, out.nvalues, out.domain, path,
		       out.format, out.ref_date ? ", reference date " : "", out.ref_date ? out.ref_date : "");
		if (corrects)
			printf("corrects %s@%d: %s\n", o->name, corrects, o->reason);
		if (out.nskipped)
			printf("skipped %zu row%s the register does not know: %s\n", out.nskipped,
			       out.nskipped == 1 ? "" : "s", out.skipped);
		if (out.ref_basis)
			printf("reference date basis: %s\n", out.ref_basis);
		printf("values SHA-256 %s\n", out.sha256);
		dataset_imported_release(&out);
	}
	store_close(s);
	free(pick);
	return rc;
}

/* ore_text: öre as kronor, with öre when there are any ("1 234" or
 * "1 234,50"). */
static char *ore_text(int64_t ore, char *buf)
{
	if (ore % 100 == 0)
		return fmt_kr(ore / 100, buf);
	return fmt_ore(ore, buf);
}

static void impact_text(const struct impact *im)
{
	char a[NUM_BUFSZ], b[NUM_BUFSZ], c[NUM_BUFSZ], d[NUM_BUFSZ];
	printf("%s@%d", im->name, im->version);
	if (im->corrects)
		printf(" corrects %s@%d: %s\n", im->name, im->corrects, im->reason ? im->reason : "");
	else
		printf(" (it corrects no earlier version)\n");
	if (!im->nparts) {
		printf("no registered decision part allocated by an earlier version changes%s\n",
		       im->unaffected ? "" : " (none was allocated by one)");
		if (im->unaffected)
			printf("%zu part%s allocated by an earlier version: the correction changes no one's amount\n",
			       im->unaffected, im->unaffected == 1 ? "" : "s");
		return;
	}
	for (size_t i = 0; i < im->nparts; i++) {
		const struct impact_part *p = &im->parts[i];
		printf("\n%s part %s (%s): %s kr by %s, allocated by version %d; %zu of %zu recipients change\n", p->dnr,
		       p->part, p->title, fmt_kr(p->amount, a), p->rule, p->from_version, p->nrows, p->nrecipients);
		printf("%-6s %-30s %13s %13s %11s %13s  %s\n", "CODE", "RECIPIENT", "THEN", "NOW", "DIFFERENCE", "PAID",
		       "ADJUSTMENT");
		for (size_t r = 0; r < p->nrows; r++) {
			const struct impact_row *w = &p->rows[r];
			char *text = impact_proposal_text(&w->prop);
			printf("%-6s ", w->code);
			print_padded(stdout, w->name, 30);
			printf(" %13s %13s %11s %13s  %s\n", fmt_kr(w->then, a), fmt_kr(w->now, b),
			       fmt_kr_signed(w->now - w->then, c), ore_text(w->paid, d), text);
			free(text);
		}
		printf("%-6s %-30s %13s %13s %11s\n", "", "Summa", fmt_kr(p->changed_then, a), fmt_kr(p->changed_now, b),
		       fmt_kr_signed(p->changed_now - p->changed_then, c));
	}
	if (im->unaffected)
		printf("\n%zu other part%s allocated by an earlier version: the correction changes no one's amount\n",
		       im->unaffected, im->unaffected == 1 ? "" : "s");
}

/* datasets impact --apply: the proposal recorded (app's impact_apply, as
 * the web's POST /api/dataset/impact/apply), what was recorded and the
 * summary per decision. */
static int impact_apply_cmd(struct store *s, const char *ref, const char *date, const char *actor, bool json)
{
	struct impact_applied a;
	struct bd_error err;
	if (impact_apply(s, ref, date, actor, false, NULL, &a, &err))
		return err.code == BD_INVALID || err.code == BD_NOT_FOUND || err.code == BD_CONFLICT
			       ? error("%s; nothing was recorded", err.msg)
			       : store_error(&err, EXIT_IO);
	if (json) {
		json_t *j = impact_applied_to_json(&a);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (a.n == 0) {
		printf("nothing to record: %s@%d's proposal is carried out already (or changes no one)\n", a.name, a.version);
	} else {
		for (size_t i = 0; i < a.n && a.n <= 50; i++)
			printf("%s %s\n", a.out[i] == LEDGER_RECORDED ? "recorded" : "already recorded:", a.ev[i].id);
		printf("%zu event%s recorded, %zu already recorded\n", a.recorded, a.recorded == 1 ? "" : "s", a.already);
		char x[NUM_BUFSZ];
		for (size_t i = 0; i < a.nsum; i++) {
			const struct impact_sum *m = &a.sum[i];
			printf("%s: %zu event%s", m->dnr, m->events, m->events == 1 ? "" : "s");
			if (m->raise)
				printf(", raised %s kr", ore_text(m->raise, x));
			if (m->pay)
				printf(", to pay %s kr", ore_text(m->pay, x));
			if (m->reduce)
				printf(", reduced %s kr", ore_text(m->reduce, x));
			if (m->claim)
				printf(", claimed back %s kr", ore_text(m->claim, x));
			putchar('\n');
		}
		if (a.payments)
			printf("%zu payment%s registered by %s: another person attests %s ('bidrag pay attest')\n", a.payments,
			       a.payments == 1 ? "" : "s", actor, a.payments == 1 ? "it" : "them");
	}
	impact_applied_release(&a);
	return 0;
}

/* datasets impact: what a corrected version changes, and --apply. */
static int impact(const char *ref, const struct datasets_opts *o)
{
	struct bd_error err;
	bool json = o->format && strcmp(o->format, "json") == 0;
	if (o->format && !json && strcmp(o->format, "table") != 0)
		return error("unknown format '%s' (expected table or json)", o->format);
	char today[DATE_LEN];
	date_today(today);
	const char *date = o->date ? o->date : today;
	if (!date_valid(date))
		return error("--date '%s' is not a date (expected YYYY-MM-DD)", date);
	if (!o->apply && (o->date || o->by))
		return error("--date and --by go with --apply (the events' date and who records them)");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	bool seeded;
	int added;
	if (datasets_seeded(s, &seeded, &err) || (!seeded && (store_begin(s, &err) || datasets_seed(s, &added, &err) ||
							       store_commit(s, &err)))) {
		store_rollback(s);
		store_close(s);
		return store_error(&err, EXIT_IO);
	}
	if (o->apply) {
		const char *actor = cmd_actor_as(s, o->by); /* a bidrag user (--as, --by) */
		rc = actor ? impact_apply_cmd(s, ref, date, actor, json) : EXIT_USAGE;
		store_close(s);
		return rc;
	}
	struct impact im;
	if (impact_compute(s, ref, &im, &err)) {
		store_close(s);
		return err.code == BD_INVALID || err.code == BD_NOT_FOUND ? error("%s", err.msg) : store_error(&err, EXIT_IO);
	}
	if (json) {
		json_t *j = impact_to_json(&im);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		impact_text(&im);
	}
	impact_release(&im);
	store_close(s);
	return rc;
}

/* datasets read: the series of a statistics file, resolved to the
 * register's regions or kommuner. */
static int read_series(const char *path, const struct datasets_opts *o)
{
	struct bd_error err;
	unsigned kinds = 0;
	if (o->level) {
		if (!strcmp(o->level, "lan") || !strcmp(o->level, "län") || !strcmp(o->level, "region"))
			kinds = RK_REGION;
		else if (!strcmp(o->level, "kommun"))
			kinds = RK_KOMMUN;
		else
			return error("unknown level '%s' (expected lan or kommun)", o->level);
	}
	bool csv = o->format && strcmp(o->format, "csv") == 0;
	if (o->format && !csv && strcmp(o->format, "table") != 0)
		return error("unknown format '%s' (expected table or csv)", o->format);
	if (refdata_load(&err))
		return error("%s", err.msg);
	struct stat_pick *pick = xcalloc(o->nselect + 1, sizeof(*pick));
	for (size_t i = 0; i < o->nselect; i++)
		if (stat_pick_parse(o->select[i], &pick[i], &err)) {
			free(pick);
			return error("%s", err.msg);
		}
	struct statfile_opts fo = {.encoding = o->encoding, .language = o->language};
	struct stat_cube cube;
	statcube_init(&cube);
	struct stat_series s;
	struct stat_rows rows;
	struct stat_series_opts so = {pick, o->nselect, o->period, o->region_dim, o->ref_date};
	int rc = 0;
	if (statfile_read(path, &fo, &cube, &err) || stat_series_select(&cube, &so, &s, &err)) {
		rc = error("%s", err.msg);
	} else {
		for (size_t i = 0; i < o->nrecode && !rc; i++)
			if (stat_series_recode(&s, o->recode[i], &err))
				rc = error("%s", err.msg);
		if (rc) {
			/* said */
		} else if (stat_series_resolve(&s, kinds, o->skip_unknown, &rows, &err)) {
			rc = error("%s", err.msg);
		} else {
			const char *level = rows.kind == RK_REGION ? "län (regions)" : "kommuner";
			size_t n = 0;
			for (size_t i = 0; i < s.n; i++)
				n += rows.rec[i] != NULL;
			const char *pre = csv ? "# " : "";
			printf("%sfile: %s (%s, %s)\n", pre, s.origin, s.format, s.encoding);
			printf("%ssource: %s%s%s\n", pre, *s.source ? s.source : "(the file does not say)",
			       *s.table_id ? ", table " : "", s.table_id);
			printf("%stitle: %s\n", pre, s.title);
			if (*s.updated)
				printf("%supdated: %s\n", pre, s.updated);
			printf("%sselection: %s\n", pre, *s.selection ? s.selection : "(nothing to choose)");
			if (*s.period)
				printf("%speriod: %s\n", pre, s.period);
			printf("%s%s: %s\n", pre, csv ? "date" : "reference date", *s.ref_date ? s.ref_date : "unknown");
			printf("%sreference date basis: %s\n", pre, s.ref_basis);
			printf("%sunit: %s\n", pre, *s.unit ? s.unit : "(the file does not say)");
			printf("%srows: %zu %s, %zu cell%s summed per row\n", pre, n, level, s.cells, s.cells == 1 ? "" : "s");
			if (rows.nskipped)
				printf("%sskipped: %zu row%s the register does not know: %s\n", pre, rows.nskipped,
				       rows.nskipped == 1 ? "" : "s", rows.skipped);
			if (s.noise)
				printf("%snote: the file says its figures carry deliberate noise: parts need not add up to "
				       "the totals, and are summed as published\n", pre);
			if (csv)
				printf("code,recipient,value\n");
			else
				putchar('\n');
			mpz_t sum;
			mpz_init(sum);
			for (size_t i = 0; i < s.n; i++) {
				if (!rows.rec[i])
					continue;
				char *v = stat_decimal_text(s.value[i], s.scale, !csv);
				mpz_add(sum, sum, s.value[i]);
				if (csv) {
					printf("%s,\"%s\",%s\n", rows.rec[i]->code, rows.rec[i]->name, v);
				} else {
					printf("%-6s ", rows.rec[i]->code);
					print_padded(stdout, rows.rec[i]->name, 34);
					printf(" %16s\n", v);
				}
				free(v);
			}
			if (!csv) {
				char *v = stat_decimal_text(sum, s.scale, true);
				printf("%-6s %-34s %16s\n", "", "Summa", v);
				free(v);
			}
			mpz_clear(sum);
			stat_rows_release(&rows);
		}
		stat_series_release(&s);
	}
	statcube_release(&cube);
	free(pick);
	return rc;
}

int cmd_datasets(int argc, char **argv)
{
	struct datasets_opts o = {0};
	int next, rc = cmd_parse(&cmd_datasets_entry, argc, argv, &o, &next);
	if (rc >= 0)
		return rc;
	const char *verb = next < argc ? argv[next] : "list";
	int nargs = argc - next - (next < argc);
	if (strcmp(verb, "list") == 0) {
		if (nargs)
			rc = usage_error(&cmd_datasets_entry, "unexpected argument '%s'", argv[next + 1]);
		else if (o.format && strcmp(o.format, "json") && strcmp(o.format, "table"))
			rc = error("unknown format '%s' (expected table or json)", o.format);
		else if (!(rc = load_datasets(o.db)))
			rc = list(o.format && strcmp(o.format, "json") == 0);
	} else if (strcmp(verb, "show") == 0) {
		if (nargs != 1)
			rc = usage_error(&cmd_datasets_entry, "datasets show takes one dataset name");
		else if (!(rc = load_datasets(o.db)))
			rc = show(argv[next + 1], o.format);
	} else if (strcmp(verb, "import") == 0) {
		if (nargs != 1)
			rc = usage_error(&cmd_datasets_entry, "datasets import takes one file");
		else
			rc = import(argv[next + 1], &o);
	} else if (strcmp(verb, "impact") == 0) {
		if (nargs != 1)
			rc = usage_error(&cmd_datasets_entry, "datasets impact takes one dataset (NAME or NAME@VERSION)");
		else
			rc = impact(argv[next + 1], &o);
	} else if (strcmp(verb, "registered") == 0) {
		if (nargs > 1)
			rc = usage_error(&cmd_datasets_entry, "datasets registered takes at most one dataset name");
		else
			rc = registered(o.db, nargs ? argv[next + 1] : NULL);
	} else if (strcmp(verb, "read") == 0) {
		if (nargs != 1)
			rc = usage_error(&cmd_datasets_entry, "datasets read takes one file");
		else
			rc = read_series(argv[next + 1], &o);
	} else {
		rc = usage_error(&cmd_datasets_entry,
				 "unknown subcommand '%s' (expected list, show, import, impact, registered or read)", verb);
	}
	for (size_t i = 0; i < o.nselect; i++)
		free(o.select[i]);
	free(o.select);
	for (size_t i = 0; i < o.nrecode; i++)
		free(o.recode[i]);
	free(o.recode);
	return rc;
}
