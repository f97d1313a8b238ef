/* bidrag appropriation: what the registered decisions draw on each
 * anslagspost, per budget year. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "store.h"
#include "cmd.h"

const struct cmd_entry cmd_appropriation_entry = {
	.name = "appropriation",
	.summary = "per anslagspost and budget year: the amounts decided, by decision",
	.usage = "appropriation list [--year Y] [--format table|csv|json] [--db PATH]\n"
		 "       bidrag appropriation set --year Y --uo N --anslag N:N --post N --name NAME\n"
		 "                                [--available AMOUNT] [--db PATH]\n"
		 "\n"
		 "list  one row per decision drawing on each post, with a subtotal per post and, where the\n"
		 "      amount available on the post is known, what is left of it.\n"
		 "set   registers a post or sets the amount available on it (from the regleringsbrev).",
	.exec = cmd_appropriation,
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
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},     {"format", required_argument, NULL, 'f'},
		{"year", required_argument, NULL, 'y'},   {"uo", required_argument, NULL, 'u'},
		{"anslag", required_argument, NULL, 'a'}, {"post", required_argument, NULL, 'p'},
		{"name", required_argument, NULL, 'n'},   {"available", required_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	if (argc < 2) {
		print_usage(stderr, &cmd_appropriation_entry);
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		print_usage(stdout, &cmd_appropriation_entry);
		return 0;
	}
	const char *db = NULL, *format = NULL;
	struct appropriation a = {0};
	int year = 0;
	bool has_uo = false, has_post = false;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': format = optarg; break;
		case 'y':
			if (parse_int("--year", optarg, 1900, 2999, &year))
				return EXIT_USAGE;
			break;
		case 'u':
			if (parse_int("--uo", optarg, 1, 99, &a.uo))
				return EXIT_USAGE;
			has_uo = true;
			break;
		case 'a': a.anslag = optarg; break;
		case 'p':
			if (parse_int("--post", optarg, 1, 9999, &a.post))
				return EXIT_USAGE;
			has_post = true;
			break;
		case 'n': a.post_name = optarg; break;
		case 'v':
			if (opt_kronor("--available", optarg, &a.available))
				return EXIT_USAGE;
			a.has_available = true;
			break;
		case 'h': print_usage(stdout, &cmd_appropriation_entry); return 0;
		default: return usage_error(&cmd_appropriation_entry, "unknown option '%s'", argv[optind]);
		}
	}
	if (optind < argc - 1)
		return usage_error(&cmd_appropriation_entry, "unexpected argument '%s'", argv[optind + 1]);
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
		rc = io_error(err.msg);
	close_post(&l);
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
			rc = io_error(err.msg);
	}
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
