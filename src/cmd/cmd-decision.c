/* bidrag decision: import, list, show, export and verify decisions in the
 * register. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "refdata.h"
#include "annex.h"
#include "decisionbook.h"
#include "decisionfile.h"
#include "table.h"
#include "register.h"
#include "store.h"
#include "cmd.h"

struct opts {
	const char *db, *format, *output, *annex;
	int year;
	bool all;
	int next; /* the first positional argument */
};

static int set_year(void *ctx, const char *text)
{
	char *end;
	long y = strtol(text, &end, 10);
	if (*text == '\0' || *end || y < 1900 || y > 2999)
		return usage_error(&cmd_decision_entry, "invalid --year '%s' (expected a year, like 2021)", text);
	((struct opts *)ctx)->year = (int)y;
	return 0;
}

static const struct cmd_opt decision_options[] = {
	OPT_STR("db", 0, struct opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("format", 0, struct opts, format, "F", "the output format; what each verb takes is in the usage"),
	OPT_STR("output", 'o', struct opts, output, "FILE", "write to FILE instead of standard output"),
	OPT_STR("annex", 0, struct opts, annex, "ID",
		 "one bilaga table of the decision (its id, as 'decision show' lists them)"),
	OPT_CALL("year", 0, "Y", set_year, "only the decisions drawing on appropriations of budget year Y"),
	OPT_BOOL("all", 0, struct opts, all, "every registered decision"),
	OPT_AS,
	OPT_END,
};

const struct cmd_entry cmd_decision_entry = {
	.name = "decision",
	.summary = "import, list, show, export and verify decisions in the register",
	.usage = "decision import FILE... [--db]\n"
		 "       bidrag decision list [--year] [--format=table|csv|json] [--db]\n"
		 "       bidrag decision show DNR [--format=text|json|xlsx] [--annex [--format=table|tsv|csv|json|xlsx]]\n"
		 "                                [--output] [--db]\n"
		 "       bidrag decision export DNR [--output] [--db]\n"
		 "       bidrag decision verify DNR... | --all [--db]",
	.about = "import   registers decision files (docs/decision-file.md).  Each file is all or nothing: it is\n"
		 "         checked whole, and nothing is written unless everything is right.  Importing a decision\n"
		 "         that is already registered with the same content changes nothing and says so; with\n"
		 "         different content it is refused.\n"
		 "list     the registered decisions; --year filters on the budget year of their appropriations.\n"
		 "show     the decision, its parts and terms, and each bilaga table in the decision's layout.\n"
		 "export   the decision file as registered; importing it gives the same decision.\n"
		 "verify   recomputes every allocation from the registered key datasets and checks it against\n"
		 "         the locked table and its fingerprint; exit status 1 if anything differs.",
	.exec = cmd_decision,
	.options = decision_options,
};


static int parse_opts(int argc, char **argv, struct opts *o)
{
	int rc = cmd_parse(&cmd_decision_entry, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

static int do_import(struct opts *o, int n, char **files)
{
	if (n == 0)
		return usage_error(&cmd_decision_entry, "decision import needs at least one FILE");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	int failed = 0;
	for (int i = 0; i < n; i++) {
		struct decision d;
		decision_init(&d);
		struct decision_warnings w = {0};
		struct bd_error err;
		enum import_outcome out;
		const char *origin = strcmp(files[i], "-") == 0 ? "(stdin)" : files[i];
		if (decisionfile_read(&d, files[i], &err)) {
			error("%s", err.msg);
			failed++;
		} else if (register_import(s, &d, &w, &out, &err)) {
			print_warnings(origin, &w);
			error("%s: %s", origin, err.msg);
			failed++;
		} else {
			print_warnings(origin, &w);
			if (out == IMPORT_IDENTICAL) {
				printf("%s: decision %s is already registered with the same content; nothing changed\n",
				       origin, d.dnr);
			} else {
				size_t rows = 0;
				int64_t allocated = 0;
				for (size_t p = 0; p < d.nparts; p++) {
					rows += d.parts[p].nrows;
					allocated += part_allocated(&d.parts[p]);
				}
				char a[NUM_BUFSZ], b[NUM_BUFSZ];
				printf("%s: registered decision %s: %zu part%s, %zu allocation rows, %s kr allocated of "
				       "%s kr\n",
				       origin, d.dnr, d.nparts, d.nparts == 1 ? "" : "s", rows, fmt_kr(allocated, a),
				       fmt_kr(d.total, b));
			}
		}
		decision_warnings_release(&w);
		decision_release(&d);
	}
	store_close(s);
	if (failed && n > 1)
		fprintf(stderr, "%d of %d files not imported (each file is all or nothing)\n", failed, n);
	return failed ? EXIT_USAGE : EXIT_OK;
}

/* decision list */

struct list_rows {
	size_t n;
	struct row {
		char *dnr, *date, *title, *department, *agreement, *years;
		int64_t total, allocated;
		int nparts;
	} *v;
};

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static int collect(void *ctx, const struct decision_summary *ds)
{
	struct list_rows *l = ctx;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct row){dup_or_empty(ds->dnr), dup_or_empty(ds->date), dup_or_empty(ds->title),
				    dup_or_empty(ds->department), dup_or_empty(ds->agreement_dnr),
				    dup_or_empty(ds->budget_years), ds->total, ds->allocated, ds->nparts};
	return 0;
}

static void list_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct row *row = &((struct list_rows *)ctx)->v[r];
	switch (c) {
	case 0: out->text = row->dnr; break;
	case 1: out->text = row->date; break;
	case 2: out->text = row->years; break;
	case 3: out->num = row->nparts; break;
	case 4: out->num = row->total; break;
	case 5: out->num = row->allocated; break;
	case 6: out->text = row->agreement; break;
	case 7: out->text = row->title; break;
	}
}

static int do_list(struct opts *o, int n, char **args)
{
	if (n)
		return usage_error(&cmd_decision_entry, "unexpected argument '%s'", args[0]);
	const char *format = o->format ? o->format : "table";
	enum table_format fmt;
	struct bd_error err;
	if (table_format_parse(format, &fmt, &err) || fmt == FMT_XLSX || fmt == FMT_TSV)
		return error("unknown format '%s' for decision list (expected table, csv or json)", format);
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct list_rows l = {0};
	if (store_decision_list(s, o->year, collect, &l, &err)) {
		store_close(s);
		error("%s", err.msg);
		return EXIT_IO;
	}
	store_close(s);
	static const struct tcol cols[] = {
		{"Dnr", "dnr", COL_TEXT, false, -1},
		{"Datum", "date", COL_TEXT, false, -1},
		{"Budgetår", "budget_years", COL_TEXT, false, -1},
		{"Delar", "parts", COL_INT, false, -1},
		{"Belopp", "total", COL_INT, true, -1},
		{"Fördelat", "allocated", COL_INT, true, -1},
		{"Överenskommelse", "agreement", COL_TEXT, false, -1},
		{"Rubrik", "title", COL_TEXT, false, -1},
	};
	struct table t = {
		.ncols = BD_ARRAY_LEN(cols),
		.cols = cols,
		.nrows = l.n,
		.cell = list_cell,
		.ctx = &l,
		.total_label = fmt == FMT_TABLE && l.n ? "Summa" : NULL,
	};
	if (fmt == FMT_TABLE && l.n == 0)
		printf("no decisions registered%s\n", o->year ? " for that budget year" : "");
	else
		rc = table_write(&t, fmt, stdout, NULL, &err) ? EXIT_IO : 0;
	for (size_t i = 0; i < l.n; i++) {
		struct row *r = &l.v[i];
		free(r->dnr);
		free(r->date);
		free(r->title);
		free(r->department);
		free(r->agreement);
		free(r->years);
	}
	free(l.v);
	return rc;
}

/* decision show */

/* The warnings the register keeps with a decision (deadline_note), shown
 * beside the part's terms. */
struct kept_warnings {
	size_t n;
	struct kept {
		char *part, *field, *date, *message;
	} *v;
};

static int keep_warning(void *ctx, const struct decision_warning *w)
{
	struct kept_warnings *k = ctx;
	k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
	k->v[k->n++] = (struct kept){xstrdup(w->part ? w->part : ""), xstrdup(w->field), xstrdup(w->date ? w->date : ""),
				     xstrdup(w->message)};
	return 0;
}

static void kept_warnings_release(struct kept_warnings *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].part);
		free(k->v[i].field);
		free(k->v[i].date);
		free(k->v[i].message);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* set_name_swedish: a named recipient set as a Swedish reader says it. */
static const char *set_name_swedish(const char *set, char *buf, size_t len)
{
	static const struct {
		const char *set, *name;
	} names[] = {
		{"regions", "regionerna"},
		{"regioner", "regionerna"},
		{"kommuner", "kommunerna"},
		{"samverkansregioner", "samverkansregionerna"},
		{"rcc", "de regionala cancercentrumen (RCC)"},
		{"RCC", "de regionala cancercentrumen (RCC)"},
		{"rss", "de regionala stödstrukturerna (RSS)"},
		{"RSS", "de regionala stödstrukturerna (RSS)"},
	};
	for (size_t i = 0; i < BD_ARRAY_LEN(names); i++)
		if (strcmp(set, names[i].set) == 0)
			return names[i].name;
	if (strncmp(set, "kommuner:", 9) == 0) {
		snprintf(buf, len, "kommunerna i län %s", set + 9);
		return buf;
	}
	return set;
}

static const char *recipient_name(const char *code)
{
	const struct recipient *r = refdata_by_code(code);
	return r ? r->name : code;
}

static void print_payee(FILE *out, const char *indent, const struct payee *py)
{
	if (py->org && !py->name) {
		fprintf(out, "%sbetalas till %s\n", indent, py->org);
		return;
	}
	fprintf(out, "%sbetalningsmottagare: %s", indent, py->name);
	if (py->orgnr)
		fprintf(out, ", org.nr %s", py->orgnr);
	if (py->bankgiro)
		fprintf(out, ", bankgiro %s", py->bankgiro);
	if (py->plusgiro)
		fprintf(out, ", plusgiro %s", py->plusgiro);
	if (py->bank)
		fprintf(out, " (%s)", py->bank);
	if (py->reference)
		fprintf(out, ", referens: %s", py->reference);
	for (size_t i = 0; i < py->naddress; i++)
		fprintf(out, "%s%s", i ? ", " : "; adress: ", py->address[i]);
	fputc('\n', out);
}

static void print_terms(FILE *out, const struct part *p, const struct kept_warnings *kw)
{
	char a[32], b[32];
	const struct payment_terms *t = &p->pay;
	if (t->mode == PAY_WITHOUT_REQUISITION) {
		if (t->from[0])
			fprintf(out, "   Utbetalning: engångsvis utan rekvisition under perioden %s till %s\n",
				date_swedish(t->from, a, sizeof(a)), date_swedish(t->to, b, sizeof(b)));
		else
			fprintf(out, "   Utbetalning: engångsvis utan rekvisition senast den %s\n",
				date_swedish(t->by, a, sizeof(a)));
	} else {
		fprintf(out, "   Utbetalning: efter rekvisition, som ska ha kommit in senast den %s%s\n",
			date_swedish(t->deadline, a, sizeof(a)),
			t->lapses ? "; rätten till bidrag förfaller om rekvisition inte har kommit in inom denna tid" : "");
		if (t->by[0])
			fprintf(out, "   Medlen betalas ut senast den %s\n", date_swedish(t->by, a, sizeof(a)));
	}
	if (p->repayment_deadline[0])
		fprintf(out, "   Återbetalning av medel som inte har förbrukats: senast den %s\n",
			date_swedish(p->repayment_deadline, a, sizeof(a)));
	if (p->report_deadline[0])
		fprintf(out, "   Redovisning (%s): senast den %s\n", p->report ? p->report : "ekonomisk redovisning",
			date_swedish(p->report_deadline, a, sizeof(a)));
	for (size_t i = 0; i < kw->n; i++)
		if (strcmp(kw->v[i].part, p->id) == 0)
			fprintf(out, "   OBS: %s\n", kw->v[i].message);
}

static void print_rule(FILE *out, const struct part *p)
{
	char a[NUM_BUFSZ];
	fprintf(out, "   Fördelning: ");
	switch (p->rule.method) {
	case RULE_KEY:
		fprintf(out, "efter %s (version %d)", p->rule.keys[0].dataset, p->rule.keys[0].version);
		break;
	case RULE_MIX:
		for (size_t k = 0; k < p->rule.nkeys; k++)
			fprintf(out, "%s%s × %s (version %d)", k ? " + " : "", p->rule.keys[k].weight_text,
				p->rule.keys[k].dataset, p->rule.keys[k].version);
		break;
	case RULE_EQUAL: fprintf(out, "lika belopp"); break;
	case RULE_LIST: fprintf(out, "belopp enligt förteckning"); break;
	}
	if (p->rule.base)
		fprintf(out, ", först %s kr per mottagare", fmt_kr(p->rule.base, a));
	if (p->rule.unit != 1)
		fprintf(out, ", i hela %s kr", fmt_kr(p->rule.unit, a));
	if (p->rule.method != RULE_LIST)
		fprintf(out, "; %s", p->computed ? "beräknad med största rest"
						  : p->rule.rounding == APPORTION_HALF_UP
							    ? "publicerade belopp (avrundade uppåt från halva)"
							    : "publicerade belopp");
	fputc('\n', out);
}

static int print_text(FILE *out, const struct decision *d, const struct kept_warnings *kw, struct register_keys *kc,
		      struct bd_error *err)
{
	char a[NUM_BUFSZ], b[32];
	fprintf(out, "%s  %s  %s\n", d->dnr, d->date, d->department ? d->department : "");
	fprintf(out, "%s\n\n", d->title);
	if (d->addressee) {
		fprintf(out, "Till: %s", d->addressee);
		for (size_t i = 0; i < d->naddress; i++)
			fprintf(out, ", %s", d->address[i]);
		fputc('\n', out);
	}
	fprintf(out, "Belopp: %s kronor\n", fmt_kr(d->total, a));
	if (d->has_agreement) {
		const struct agreement *ag = &d->agreement;
		fprintf(out, "Överenskommelse:");
		if (ag->dnr)
			fprintf(out, " %s", ag->dnr);
		if (ag->date)
			fprintf(out, " den %s", date_swedish(ag->date, b, sizeof(b)));
		if (ag->reference)
			fprintf(out, " (%s)", ag->reference);
		/* A comma only after something: an agreement named by its
		 * title alone reads "Överenskommelse: tilläggs...". */
		bool named = ag->dnr || ag->date || ag->reference;
		if (ag->title)
			fprintf(out, "%s%s", named ? ", " : " ", ag->title);
		named = named || ag->title;
		if (ag->has_total)
			fprintf(out, "%stotalt %s kronor", named ? ", " : " ", fmt_kr(ag->total, a));
		for (size_t i = 0; i < ag->nparties; i++)
			fprintf(out, "%s%s", i ? " och " : "; parter: ", ag->parties[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < d->napprops; i++) {
		const struct appropriation *ap = &d->approps[i];
		fprintf(out, "Anslag: budgetåret %d, utgiftsområde %d%s%s, anslag %s%s%s, anslagspost %d %s\n",
			ap->budget_year, ap->uo, ap->uo_name ? " " : "", ap->uo_name ? ap->uo_name : "", ap->anslag,
			ap->anslag_name ? " " : "", ap->anslag_name ? ap->anslag_name : "", ap->post, ap->post_name);
	}
	fprintf(out, "\nDelar\n");
	for (size_t i = 0; i < d->nparts; i++) {
		const struct part *p = &d->parts[i];
		fprintf(out, "%zu. %s (%s): %s kronor\n", i + 1, p->title, p->id, fmt_kr(p->amount, a));
		fprintf(out, "   Anslagsposter:");
		for (size_t f = 0; f < p->nfunding; f++) {
			const struct appropriation *ap = &d->approps[p->funding[f].approp];
			fprintf(out, "%s %s kronor från anslagspost %d %s (%d)", f ? ";" : "",
				fmt_kr(p->funding[f].amount, a), ap->post, ap->post_name, ap->budget_year);
		}
		fputc('\n', out);
		fprintf(out, "   Mottagare: ");
		if (p->recipient_set)
			fprintf(out, "%s (%zu)\n", set_name_swedish(p->recipient_set, b, sizeof(b)), p->ncodes);
		else
			for (size_t k = 0; k < p->ncodes; k++)
				fprintf(out, "%s%s%s", k ? ", " : "", recipient_name(p->codes[k]), k + 1 == p->ncodes ? "\n" : "");
		print_rule(out, p);
		if (p->payee)
			print_payee(out, "   Alla belopp ", p->payee);
		print_terms(out, p, kw);
		bool in_annex = false;
		for (size_t x = 0; x < d->nannexes; x++)
			for (size_t c = 0; c < d->annexes[x].ncols; c++)
				if (d->annexes[x].cols[c].part && strcmp(d->annexes[x].cols[c].part, p->id) == 0)
					in_annex = true;
		bool payees = false;
		for (size_t r = 0; r < p->nrows; r++)
			payees |= p->rows[r].payee != NULL;
		if (!in_annex || payees) {
			for (size_t r = 0; r < p->nrows; r++) {
				fprintf(out, "   - %s: %s kronor\n", p->rows[r].label, fmt_kr(p->rows[r].amount, a));
				if (p->rows[r].payee)
					print_payee(out, "     ", p->rows[r].payee);
			}
		}
		fprintf(out, "   Låst fördelning: %zu %s, %s kronor, fingeravtryck %s\n", p->nrows, p->nrows == 1 ? "rad" : "rader",
			fmt_kr(part_allocated(p), a), p->fingerprint);
	}
	if (d->nsignatories) {
		fprintf(out, "\nPå regeringens vägnar: ");
		for (size_t i = 0; i < d->nsignatories; i++)
			fprintf(out, "%s%s", i ? ", " : "", d->signatories[i]);
		fputc('\n', out);
	}
	if (d->ncopies) {
		fprintf(out, "Kopia till: ");
		for (size_t i = 0; i < d->ncopies; i++)
			fprintf(out, "%s%s", i ? "; " : "", d->copies[i]);
		fputc('\n', out);
	}
	if (d->text)
		fprintf(out, "\n%s\n", d->text);
	if (d->notes)
		fprintf(out, "\nAnteckningar i registret: %s\n", d->notes);
	for (size_t x = 0; x < d->nannexes; x++) {
		const struct annex *ax = &d->annexes[x];
		fprintf(out, "\n%s\n", ax->label);
		for (size_t h = 0; h < ax->nheading; h++)
			fprintf(out, "%s\n", ax->heading[h]);
		fputc('\n', out);
		struct annex_view *v = annex_view_new(d, ax, register_keys_lookup, kc, err);
		if (!v)
			return -1;
		int rc = table_write(annex_view_table(v), FMT_TABLE, out, NULL, err);
		annex_view_free(v);
		if (rc)
			return -1;
	}
	return 0;
}

static json_t *show_json(const struct decision *d, const struct kept_warnings *kw)
{
	json_t *o = json_object();
	json_object_set_new(o, "decision", decisionfile_json(d));
	json_t *parts = json_array();
	for (size_t i = 0; i < d->nparts; i++) {
		const struct part *p = &d->parts[i];
		json_t *rows = json_array();
		for (size_t r = 0; r < p->nrows; r++)
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:I}", "code", p->rows[r].recipient, "name",
							      recipient_name(p->rows[r].recipient), "label",
							      p->rows[r].label, "amount", (json_int_t)p->rows[r].amount));
		json_t *keys = json_array();
		for (size_t k = 0; k < p->rule.nkeys; k++)
			json_array_append_new(keys, json_pack("{s:s, s:i}", "name", p->rule.keys[k].dataset, "version",
							      p->rule.keys[k].version));
		json_t *jp = json_pack("{s:s, s:I, s:I, s:b, s:s, s:o, s:o}", "id", p->id, "amount",
				       (json_int_t)p->amount, "allocated", (json_int_t)part_allocated(p), "computed",
				       p->computed, "fingerprint", p->fingerprint, "keys", keys, "allocation", rows);
		/* Only a part with warnings has the key: other output is as before. */
		json_t *warnings = json_array();
		for (size_t k = 0; k < kw->n; k++)
			if (strcmp(kw->v[k].part, p->id) == 0)
				json_array_append_new(warnings, json_pack("{s:s, s:s, s:s}", "field", kw->v[k].field, "date",
									  kw->v[k].date, "message", kw->v[k].message));
		if (json_array_size(warnings))
			json_object_set_new(jp, "warnings", warnings);
		else
			json_decref(warnings);
		json_array_append_new(parts, jp);
	}
	json_object_set_new(o, "parts", parts);
	return o;
}

static int load_or_fail(struct store *s, const char *dnr, struct decision *d)
{
	struct bd_error err;
	int rc = register_load(s, dnr, d, &err);
	if (rc == 1)
		return error("no decision '%s' in the register (see 'bidrag decision list')", dnr);
	if (rc) {
		error("%s", err.msg);
		return EXIT_IO;
	}
	return 0;
}

static int do_show(struct opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_decision_entry, n ? "decision show takes one DNR" : "decision show needs a DNR");
	const char *format = o->format ? o->format : o->annex ? "table" : "text";
	bool text = strcmp(format, "text") == 0, json = strcmp(format, "json") == 0, xlsx = strcmp(format, "xlsx") == 0;
	enum table_format afmt = FMT_TABLE;
	struct bd_error err;
	if (o->annex) {
		if (!text && table_format_parse(format, &afmt, &err))
			return error("unknown format '%s' for a bilaga (expected table, tsv, csv, json or xlsx)", format);
	} else if (!text && !json && !xlsx) {
		return error("unknown format '%s' for decision show (expected text, json or xlsx)", format);
	}
	if ((xlsx || afmt == FMT_XLSX) && !o->output)
		return error("xlsx output needs a file: give --output FILE.xlsx");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct decision d;
	decision_init(&d);
	/* Before the first goto done, which releases it. */
	struct kept_warnings kw = {0};
	rc = load_or_fail(s, args[0], &d);
	if (rc)
		goto done;
	if (store_decision_warnings(s, d.dnr, keep_warning, &kw, &err)) {
		rc = store_error(&err, EXIT_IO);
		goto done;
	}
	struct register_keys kc;
	register_keys_init(&kc, s, &d);
	if (o->annex) {
		const struct annex *ax = NULL;
		for (size_t x = 0; x < d.nannexes; x++)
			if (strcmp(d.annexes[x].id, o->annex) == 0)
				ax = &d.annexes[x];
		if (!ax) {
			struct buf b;
			buf_init(&b, 4096);
			for (size_t x = 0; x < d.nannexes; x++)
				buf_addf(&b, "%s'%s'", x ? ", " : "", d.annexes[x].id);
			rc = error("decision %s has no annex '%s' (it has: %s)", d.dnr, o->annex, d.nannexes ? b.data : "none");
			buf_release(&b);
		} else {
			struct annex_view *v = annex_view_new(&d, ax, register_keys_lookup, &kc, &err);
			FILE *out = afmt == FMT_XLSX ? NULL : open_output(o->output);
			if (!v)
				rc = store_error(&err, EXIT_IO);
			else if (afmt != FMT_XLSX && !out)
				rc = EXIT_IO;
			else if (table_write(annex_view_table(v), afmt, out, o->output, &err))
				rc = store_error(&err, EXIT_IO);
			if (out && close_output(out, o->output))
				rc = EXIT_IO;
			annex_view_free(v);
		}
	} else if (xlsx) {
		if (decision_book_xlsx(o->output, &d, register_keys_lookup, &kc, &err))
			rc = store_error(&err, EXIT_IO);
	} else {
		FILE *out = open_output(o->output);
		if (!out) {
			rc = EXIT_IO;
		} else {
			if (json) {
				json_t *j = show_json(&d, &kw);
				json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
				fputc('\n', out);
				json_decref(j);
			} else if (print_text(out, &d, &kw, &kc, &err)) {
				rc = store_error(&err, EXIT_IO);
			}
			if (close_output(out, o->output))
				rc = EXIT_IO;
		}
	}
	register_keys_release(&kc);
done:
	kept_warnings_release(&kw);
	decision_release(&d);
	store_close(s);
	return rc;
}

static int do_export(struct opts *o, int n, char **args)
{
	if (n != 1)
		return usage_error(&cmd_decision_entry, n ? "decision export takes one DNR" : "decision export needs a DNR");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	char *doc;
	struct bd_error err;
	rc = store_decision_document(s, args[0], &doc, NULL, &err);
	store_close(s);
	if (rc == 1)
		return error("no decision '%s' in the register (see 'bidrag decision list')", args[0]);
	if (rc) {
		error("%s", err.msg);
		return EXIT_IO;
	}
	FILE *out = open_output(o->output);
	rc = EXIT_IO;
	if (out) {
		fputs(doc, out);
		rc = close_output(out, o->output) ? EXIT_IO : 0;
	}
	free(doc);
	return rc;
}

static void print_finding(void *ctx, const struct verify_finding *f)
{
	const char *dnr = ctx;
	printf("%s %s%s%s: %s\n", f->ok ? "ok  " : "FAIL", dnr, f->part ? " part " : "", f->part ? f->part : "", f->msg);
}

struct dnr_list {
	size_t n;
	char **v;
};

static int collect_dnr(void *ctx, const struct decision_summary *ds)
{
	struct dnr_list *l = ctx;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(char *));
	l->v[l->n++] = xstrdup(ds->dnr);
	return 0;
}

static int do_verify(struct opts *o, int n, char **args)
{
	if (n == 0 && !o->all)
		return usage_error(&cmd_decision_entry, "decision verify needs a DNR, or --all");
	if (n && o->all)
		return usage_error(&cmd_decision_entry, "give DNRs or --all, not both");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	struct dnr_list l = {0};
	if (o->all) {
		if (store_decision_list(s, 0, collect_dnr, &l, &err)) {
			store_close(s);
			error("%s", err.msg);
			return EXIT_IO;
		}
	} else {
		for (int i = 0; i < n; i++) {
			l.v = xreallocarray(l.v, l.n + 1, sizeof(char *));
			l.v[l.n++] = xstrdup(args[i]);
		}
	}
	int total = 0;
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		int problems;
		if (register_verify(s, l.v[i], print_finding, l.v[i], &problems, &err)) {
			rc = error("%s", err.msg);
			break;
		}
		total += problems;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	store_close(s);
	if (rc)
		return rc;
	if (o->all && l.n == 0)
		printf("no decisions registered\n");
	if (total) {
		printf("%d problem%s found\n", total, total == 1 ? "" : "s");
		return EXIT_PROBLEM;
	}
	return 0;
}

int cmd_decision(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr, &cmd_decision_entry);
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		print_usage(stdout, &cmd_decision_entry);
		return 0;
	}
	struct opts o = {0};
	int rc = parse_opts(argc - 1, argv + 1, &o);
	if (rc)
		return rc == -1 ? 0 : rc; /* -1: --help was printed */
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	if ((o.format || o.output || o.annex) && strcmp(verb, "show") && strcmp(verb, "list") && strcmp(verb, "export"))
		return usage_error(&cmd_decision_entry, "decision %s takes no --format, --output or --annex", verb);
	if (o.year && strcmp(verb, "list"))
		return usage_error(&cmd_decision_entry, "only decision list takes --year");
	if (o.all && strcmp(verb, "verify"))
		return usage_error(&cmd_decision_entry, "only decision verify takes --all");
	if (strcmp(verb, "import") == 0)
		return do_import(&o, n, args);
	if (strcmp(verb, "list") == 0)
		return do_list(&o, n, args);
	if (strcmp(verb, "show") == 0)
		return do_show(&o, n, args);
	if (strcmp(verb, "export") == 0)
		return do_export(&o, n, args);
	if (strcmp(verb, "verify") == 0)
		return do_verify(&o, n, args);
	return usage_error(&cmd_decision_entry, "unknown subcommand 'decision %s' (expected import, list, show, export or verify)",
			   verb);
}
