/* bidrag appropriation: what the registered decisions draw on each
 * anslagspost, per budget year. */
#include <stdlib.h>
#include <string.h>

#include "statusload.h"
#include "table.h"
#include "store.h"
#include "cmd.h"

struct approp_opts {
	const char *db, *format;
	struct appropriation a;
	int year;
	bool has_uo, has_post;
};

static int parse_int(const char *opt, const char *s, int min, int max, int *out);

static int set_year(void *ctx, const char *text)
{
	return parse_int("--year", text, 1900, 2999, &((struct approp_opts *)ctx)->year);
}

static int set_uo(void *ctx, const char *text)
{
	struct approp_opts *o = ctx;
	o->has_uo = true;
	return parse_int("--uo", text, 1, 99, &o->a.uo);
}

static int set_post(void *ctx, const char *text)
{
	struct approp_opts *o = ctx;
	o->has_post = true;
	return parse_int("--post", text, 1, 9999, &o->a.post);
}

static int set_available(void *ctx, const char *text)
{
	struct approp_opts *o = ctx;
	o->a.has_available = true;
	return opt_kronor("--available", text, &o->a.available);
}

static const struct cmd_opt approp_options[] = {
	OPT_STR("db", 0, struct approp_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("format", 0, struct approp_opts, format, "F", "table (default), csv or json"),
	OPT_CALL("year", 0, "Y", set_year, "the budget year"),
	OPT_CALL("uo", 0, "N", set_uo, "the expenditure area (utgiftsområde)"),
	OPT_STR("anslag", 0, struct approp_opts, a.anslag, "N:N", "the appropriation, N:N (e.g. 1:11)"),
	OPT_CALL("post", 0, "N", set_post, "the appropriation post (anslagspost)"),
	OPT_STR("name", 0, struct approp_opts, a.post_name, "NAME", "the post's name"),
	OPT_CALL("available", 0, "AMOUNT", set_available, "the amount available on the post, from the regleringsbrev"),
	OPT_AS,
	OPT_END,
};

const struct cmd_entry cmd_appropriation_entry = {
	.name = "appropriation",
	.summary = "per anslagspost and budget year: the amounts decided, by decision",
	.usage = "appropriation list [--year] [--format=table|csv|json] [--db]\n"
		 "       bidrag appropriation set --year --uo --anslag --post --name\n"
		 "                                [--available] [--db]",
	.about = "list  one row per decision drawing on each post, with a subtotal per post and, where the\n"
		 "      amount available on the post is known, what is left of it.\n"
		 "set   registers a post or sets the amount available on it (from the regleringsbrev).",
	.exec = cmd_appropriation,
	.options = approp_options,
};

struct line {
	char *year, *post, *dnr, *date, *title;
	i128 amount, available, left;
	bool has_available, subtotal;
};

struct lines {
	size_t n;
	struct line *v;
	/* the post being collected */
	char key[256];
	i128 post_sum;
	struct line pending; /* the subtotal line of the current post */
	bool open;
};

static void push(struct lines *l, struct line x)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = x;
}

static void close_post(struct lines *l)
{
	if (!l->open)
		return;
	l->pending.amount = l->post_sum;
	if (l->pending.has_available)
		l->pending.left = l->pending.available - l->post_sum;
	push(l, l->pending);
	l->open = false;
}

static int collect(void *ctx, const struct appropriation_use *u)
{
	struct lines *l = ctx;
	char key[256];
	snprintf(key, sizeof(key), "%d/%d/%s/%d", u->budget_year, u->uo, u->anslag, u->post);
	if (!l->open || strcmp(key, l->key) != 0) {
		close_post(l);
		snprintf(l->key, sizeof(l->key), "%s", key);
		l->post_sum = 0;
		l->pending = (struct line){
			.year = xasprintf("%d", u->budget_year),
			.post = xasprintf("UO %d, anslag %s, anslagspost %d %s", u->uo, u->anslag, u->post, u->post_name),
			.dnr = xstrdup("Summa"),
			.has_available = u->has_available,
			.available = u->available,
			.subtotal = true,
		};
		l->open = true;
	}
	if (u->dnr) {
		push(l, (struct line){.year = xasprintf("%d", u->budget_year),
				      .post = xasprintf("UO %d, anslag %s, anslagspost %d %s", u->uo, u->anslag, u->post,
							u->post_name),
				      .dnr = xstrdup(u->dnr),
				      .date = xstrdup(u->date),
				      .title = xstrdup(u->decision_title),
				      .amount = u->amount});
		l->post_sum += u->amount;
	}
	return 0;
}

static void cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct line *x = &((struct lines *)ctx)->v[r];
	switch (c) {
	case 0: out->text = x->year; break;
	case 1: out->text = x->post; break;
	case 2: out->text = x->dnr; break;
	case 3: out->text = x->date; out->empty = !x->date; break;
	case 4: out->num = x->amount; break;
	case 5: out->num = x->available; out->empty = !x->subtotal || !x->has_available; break;
	case 6: out->num = x->left; out->empty = !x->subtotal || !x->has_available; break;
	case 7: out->text = x->title; out->empty = !x->title; break;
	}
}

static int parse_int(const char *opt, const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		error("invalid %s '%s' (expected a whole number from %d to %d)", opt, s, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cmd_appropriation(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr, &cmd_appropriation_entry);
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		print_usage(stdout, &cmd_appropriation_entry);
		return 0;
	}
	struct approp_opts opt = {0};
	int next, parsed = cmd_parse(&cmd_appropriation_entry, argc - 1, argv + 1, &opt, &next);
	if (parsed >= 0)
		return parsed;
	const char *db = opt.db, *format = opt.format;
	struct appropriation a = opt.a;
	int year = opt.year;
	bool has_uo = opt.has_uo, has_post = opt.has_post;
	if (next < argc - 1)
		return usage_error(&cmd_appropriation_entry, "unexpected argument '%s'", argv[next + 1]);
	struct bd_error err;
	struct store *s;
	if (strcmp(verb, "set") == 0) {
		if (!year || !has_uo || !a.anslag || !has_post || !a.post_name)
			return usage_error(&cmd_appropriation_entry,
					   "appropriation set needs --year, --uo, --anslag, --post and --name");
		a.budget_year = year;
		int rc = open_register(db, false, &s);
		if (rc)
			return rc;
		if (store_begin(s, &err) || store_appropriation_put(s, &a, &err) || store_commit(s, &err)) {
			store_rollback(s);
			store_close(s);
			return error("%s", err.msg);
		}
		store_close(s);
		printf("anslagspost %d %s (%d) registered\n", a.post, a.post_name, year);
		return 0;
	}
	if (strcmp(verb, "list") != 0)
		return usage_error(&cmd_appropriation_entry, "unknown subcommand 'appropriation %s' (expected list or set)",
				   verb);
	if (has_uo || a.anslag || has_post || a.post_name || a.has_available)
		return usage_error(&cmd_appropriation_entry, "--uo, --anslag, --post, --name and --available belong to "
							     "'appropriation set'");
	enum table_format fmt = FMT_TABLE;
	if (format && (table_format_parse(format, &fmt, &err) || fmt == FMT_XLSX))
		return error("unknown format '%s' for appropriation list (expected table, tsv, csv or json)", format);
	int rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct lines l = {0};
	if (store_appropriation_list(s, year, collect, &l, &err))
		rc = store_error(&err, EXIT_IO);
	close_post(&l);
	/* The parts that allocate more than their decision, and what was paid
	 * beyond it, under the table (as status shows them). */
	struct buf notes;
	buf_init(&notes, 1 << 20);
	if (!rc && fmt == FMT_TABLE && l.n) {
		char now[DATE_LEN];
		date_today(now);
		struct status_view v;
		if (status_view_load(s, NULL, NULL, NULL, NULL, now, false, &v, &err))
			rc = store_error(&err, EXIT_IO);
		for (size_t i = 0; !rc && i < l.n; i++)
			if (l.v[i].dnr && (i == 0 || !l.v[i - 1].dnr || strcmp(l.v[i - 1].dnr, l.v[i].dnr) != 0))
				excess_notes(&v, l.v[i].dnr, &notes);
		status_view_release(&v);
	}
	store_close(s);
	static const struct tcol cols[] = {
		{"Budgetår", "budget_year", COL_TEXT, false, -1},
		{"Anslagspost", "appropriation", COL_TEXT, false, -1},
		{"Beslut", "decision", COL_TEXT, false, -1},
		{"Datum", "date", COL_TEXT, false, -1},
		{"Beslutat", "decided", COL_INT, false, -1},
		{"Tillgängligt", "available", COL_INT, false, -1},
		{"Kvar", "left", COL_INT, false, -1},
		{"Rubrik", "title", COL_TEXT, false, -1},
	};
	struct table t = {.ncols = BD_ARRAY_LEN(cols), .cols = cols, .nrows = l.n, .cell = cell, .ctx = &l};
	if (!rc) {
		if (l.n == 0 && fmt == FMT_TABLE)
			printf("no appropriations registered%s\n", year ? " for that budget year" : "");
		else if (table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
		else if (notes.len)
			printf("\n%s", notes.data);
	}
	buf_release(&notes);
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].year);
		free(l.v[i].post);
		free(l.v[i].dnr);
		free(l.v[i].date);
		free(l.v[i].title);
	}
	free(l.v);
	return rc;
}
