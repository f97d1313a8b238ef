/* bidrag org: the register's organisations: list, show, add. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ident.h"
#include "payee.h"
#include "refdata.h"
#include "table.h"
#include "store.h"
#include "cmd.h"

struct org_opts {
	const char *db, *format, *kind;
	struct org add;
};

static const struct cmd_opt org_options[] = {
	OPT_STR("db", 0, struct org_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("format", 0, struct org_opts, format, "F", "the output format; what each verb takes is in the usage"),
	OPT_STR("kind", 0, struct org_opts, kind, "KIND",
		 "region, kommun, samverkansregion, payee, rss, rcc, skr, agency or other"),
	OPT_STR("code", 0, struct org_opts, add.code, "CODE", "the organisation's short code (e.g. 01 or KAMK)"),
	OPT_STR("name", 0, struct org_opts, add.name, "NAME", "the organisation's name"),
	OPT_STR("orgnr", 0, struct org_opts, add.orgnr, "N", "organisationsnummer, NNNNNN-NNNN"),
	OPT_STR("bankgiro", 0, struct org_opts, add.bankgiro, "N", "the bankgiro number payments go to"),
	OPT_STR("plusgiro", 0, struct org_opts, add.plusgiro, "N", "the plusgiro number payments go to"),
	OPT_STR("reference", 0, struct org_opts, add.payment_ref, "TEXT",
		 "the reference the organisation wants on its payments"),
	OPT_AS,
	OPT_END,
};

const struct cmd_entry cmd_org_entry = {
	.name = "org",
	.summary = "list, show and add organisations (recipients and payees) in the register",
	.usage = "org list [--kind] [--format=table|csv|json] [--db]\n"
		 "       bidrag org show CODE|NAME|ORGNR [--format=text|json] [--db]\n"
		 "       bidrag org add --code --name --kind [--orgnr] [--bankgiro | --plusgiro]\n"
		 "                      [--reference] [--db]\n"
		 "       bidrag org set CODE|NAME [--name] [--orgnr] [--bankgiro | --plusgiro] [--reference]",
	.about = "KIND: region, kommun, samverkansregion, payee, rss, rcc, skr, agency, other.\n"
		 "Organisationsnummer, bankgiro and plusgiro are checked by their check digits and stored in\n"
		 "their normal form (NNNNNN-NNNN, NNNN-NNNN, N NN NN-N).",
	.exec = cmd_org,
	.options = org_options,
};

static const char *const kinds[] = {"region", "kommun", "samverkansregion", "payee", "rss",
				    "rcc", "skr", "agency", "other", NULL};

struct orgs {
	size_t n;
	struct org *v;
	struct strpool pool;
};

static int collect(void *ctx, const struct org *o)
{
	struct orgs *l = ctx;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	struct strpool *p = &l->pool;
	l->v[l->n++] = (struct org){strpool_strdup(p, o->code), strpool_strdup(p, o->name), strpool_strdup(p, o->kind), strpool_strdup(p, o->orgnr),
				    strpool_strdup(p, o->bankgiro), strpool_strdup(p, o->plusgiro), strpool_strdup(p, o->payment_ref),
				    strpool_strdup(p, o->lan), strpool_strdup(p, o->kommun), o->builtin};
	return 0;
}

static void org_cell(void *ctx, size_t r, size_t c, struct tcell *out, char *scratch)
{
	(void)scratch;
	const struct org *o = &((struct orgs *)ctx)->v[r];
	const char *v[] = {o->code, o->name, o->kind, o->orgnr, o->bankgiro ? o->bankgiro : o->plusgiro,
			   o->bankgiro ? "bankgiro" : o->plusgiro ? "plusgiro" : NULL, o->payment_ref};
	out->text = v[c];
	out->empty = !v[c];
}

static json_t *org_json(const struct org *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(o->code));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "kind", json_string(o->kind));
	const char *keys[] = {"orgnr", "bankgiro", "plusgiro", "payment_reference", "lan", "kommun"};
	const char *vals[] = {o->orgnr, o->bankgiro, o->plusgiro, o->payment_ref, o->lan, o->kommun};
	for (size_t i = 0; i < BD_ARRAY_LEN(keys); i++)
		json_object_set_new(j, keys[i], vals[i] ? json_string(vals[i]) : json_null());
	json_object_set_new(j, "builtin", json_boolean(o->builtin));
	return j;
}

static bool kind_valid(const char *k)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kinds[i], k) == 0)
			return true;
	return false;
}

struct show_ctx {
	bool json;
	json_t *groups;
};

static int print_group(void *ctx, const char *code, const char *name, const char *kind, const char *payee)
{
	struct show_ctx *c = ctx;
	if (c->json)
		json_array_append_new(c->groups, json_pack("{s:s, s:s, s:s, s:s?}", "code", code, "name", name, "kind",
							   kind, "payee", payee));
	else
		printf("group        %s (%s)%s%s\n", name, code, payee ? ", paid through " : "", payee ? payee : "");
	return 0;
}

int cmd_org(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr, &cmd_org_entry);
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	struct org_opts opt = {0};
	int next, parsed = cmd_parse(&cmd_org_entry, argc - 1, argv + 1, &opt, &next);
	if (parsed >= 0)
		return parsed;
	const char *db = opt.db, *format = opt.format, *kind = opt.kind;
	struct org add = opt.add;
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		print_usage(stdout, &cmd_org_entry);
		return 0;
	}
	int n = argc - 1 - next;
	char **args = argv + 1 + next;
	bool adding = strcmp(verb, "add") == 0, setting = strcmp(verb, "set") == 0;
	if (!adding && !setting && (add.code || add.name || add.orgnr || add.bankgiro || add.plusgiro || add.payment_ref))
		return usage_error(&cmd_org_entry, "--code, --name, --orgnr, --bankgiro, --plusgiro and --reference "
						   "belong to 'org add'");
	if (kind && !kind_valid(kind))
		return usage_error(&cmd_org_entry,
				   "unknown kind '%s' (expected region, kommun, samverkansregion, payee, rss, rcc, skr, "
				   "agency or other)",
				   kind);
	char orgnr[IDENT_BUFSZ], bg[IDENT_BUFSZ], pg[IDENT_BUFSZ];
	struct bd_error err;
	/* A name and a reference go into payment files: payee.h's rule. */
	if (add.name && payee_text_check(add.name, &err))
		return error("--name: %s", err.msg);
	if (add.payment_ref && payee_text_check(add.payment_ref, &err))
		return error("--reference: %s", err.msg);
	if (setting) {
		if (n != 1)
			return usage_error(&cmd_org_entry, "org set takes one CODE or NAME");
		if (add.code || kind)
			return usage_error(&cmd_org_entry, "org set cannot change the code or the kind");
		if (!add.name && !add.orgnr && !add.bankgiro && !add.plusgiro && !add.payment_ref)
			return usage_error(&cmd_org_entry, "org set needs something to set (--name, --orgnr, --bankgiro, "
							   "--plusgiro or --reference)");
		if (add.bankgiro && add.plusgiro)
			return error("give --bankgiro or --plusgiro, not both (a payment goes to one account)");
		if (add.orgnr && ident_normalise(IDENT_ORGNR, add.orgnr, orgnr, sizeof(orgnr), &err))
			return error("--orgnr: %s", err.msg);
		if (add.orgnr)
			add.orgnr = orgnr;
		if (add.bankgiro && ident_normalise(IDENT_BANKGIRO, add.bankgiro, bg, sizeof(bg), &err))
			return error("--bankgiro: %s", err.msg);
		if (add.bankgiro)
			add.bankgiro = bg;
		if (add.plusgiro && ident_normalise(IDENT_PLUSGIRO, add.plusgiro, pg, sizeof(pg), &err))
			return error("--plusgiro: %s", err.msg);
		if (add.plusgiro)
			add.plusgiro = pg;
		struct store *s;
		int rc = open_register(db, false, &s);
		if (rc)
			return rc;
		/* The organisation as a person names it: code, name or orgnr. */
		char code[64];
		int found = store_org_find(s, args[0], code, NULL, &err);
		if (found) {
			store_close(s);
			return found < 0 ? store_error(&err, EXIT_IO)
					 : error("no organisation '%s' in the register (see 'bidrag org list')", args[0]);
		}
		if (store_begin(s, &err) || (found = store_org_set(s, code, &add, &err)) < 0 || store_commit(s, &err)) {
			store_rollback(s);
			store_close(s);
			/* Refused (an account of the payee register): bad input. */
			return err.code == BD_INVALID ? error("%s", err.msg) : store_error(&err, EXIT_IO);
		}
		store_close(s);
		if (found == 1)
			return error("no organisation '%s' in the register (see 'bidrag org list')", args[0]);
		printf("updated %s\n", code);
		return 0;
	}
	if (adding) {
		if (n)
			return usage_error(&cmd_org_entry, "unexpected argument '%s'", args[0]);
		if (!add.code || !add.name || !kind)
			return usage_error(&cmd_org_entry, "org add needs --code, --name and --kind");
		if (!*add.code || strchr(add.code, ' '))
			return error("invalid --code '%s' (expected a short code without spaces, like 'ORG-VARDFORB')",
				     add.code);
		if (!*add.name)
			return error("invalid --name: empty");
		if (add.bankgiro && add.plusgiro)
			return error("give --bankgiro or --plusgiro, not both (a payment goes to one account)");
		if (add.orgnr) {
			if (ident_normalise(IDENT_ORGNR, add.orgnr, orgnr, sizeof(orgnr), &err))
				return error("--orgnr: %s", err.msg);
			add.orgnr = orgnr;
		}
		if (add.bankgiro) {
			if (ident_normalise(IDENT_BANKGIRO, add.bankgiro, bg, sizeof(bg), &err))
				return error("--bankgiro: %s", err.msg);
			add.bankgiro = bg;
		}
		if (add.plusgiro) {
			if (ident_normalise(IDENT_PLUSGIRO, add.plusgiro, pg, sizeof(pg), &err))
				return error("--plusgiro: %s", err.msg);
			add.plusgiro = pg;
		}
		add.kind = kind;
		struct store *s;
		int rc = open_register(db, false, &s);
		if (rc)
			return rc;
		if (store_begin(s, &err) || store_org_add(s, &add, &err) || store_commit(s, &err)) {
			store_rollback(s);
			store_close(s);
			return error("%s", err.msg);
		}
		store_close(s);
		printf("added %s: %s (%s)\n", add.code, add.name, add.kind);
		return 0;
	}
	if (strcmp(verb, "list") == 0) {
		if (n)
			return usage_error(&cmd_org_entry, "unexpected argument '%s'", args[0]);
		enum table_format fmt = FMT_TABLE;
		if (format && (table_format_parse(format, &fmt, &err) || fmt == FMT_XLSX))
			return error("unknown format '%s' for org list (expected table, tsv, csv or json)", format);
		struct store *s;
		int rc = open_register(db, false, &s);
		if (rc)
			return rc;
		struct orgs l = {0};
		strpool_init(&l.pool);
		if (store_org_list(s, kind, collect, &l, &err))
			rc = store_error(&err, EXIT_IO);
		store_close(s);
		static const struct tcol cols[] = {
			{"Kod", "code", COL_TEXT, false, -1},          {"Namn", "name", COL_TEXT, false, -1},
			{"Slag", "kind", COL_TEXT, false, -1},         {"Org.nr", "orgnr", COL_TEXT, false, -1},
			{"Konto", "account", COL_TEXT, false, -1},     {"Kontoslag", "account_kind", COL_TEXT, false, -1},
			{"Referens", "payment_reference", COL_TEXT, false, -1},
		};
		struct table t = {.ncols = BD_ARRAY_LEN(cols), .cols = cols, .nrows = l.n, .cell = org_cell, .ctx = &l};
		if (!rc && table_write(&t, fmt, stdout, NULL, &err))
			rc = store_error(&err, EXIT_IO);
		free(l.v);
		strpool_release(&l.pool);
		return rc;
	}
	if (strcmp(verb, "show") == 0) {
		if (n != 1)
			return usage_error(&cmd_org_entry, "org show takes one CODE, NAME or ORGNR");
		bool json = format && strcmp(format, "json") == 0;
		if (format && !json && strcmp(format, "text"))
			return error("unknown format '%s' for org show (expected text or json)", format);
		struct store *s;
		int rc = open_register(db, false, &s);
		if (rc)
			return rc;
		struct orgs l = {0};
		strpool_init(&l.pool);
		const char *text = args[0];
		/* An organisationsnummer in any spelling, or a name the
		 * reference data knows by an alias. */
		if (ident_normalise(IDENT_ORGNR, text, orgnr, sizeof(orgnr), &err) == 0)
			text = orgnr;
		int found = store_org_get(s, text, collect, &l, &err);
		if (found == 1) {
			const struct recipient *r;
			if (refdata_resolve(args[0], RK_ALL, &r, &err) == 0)
				found = store_org_get(s, r->code, collect, &l, &err);
			else
				rc = error("%s", err.msg);
		}
		if (found < 0)
			rc = store_error(&err, EXIT_IO);
		else if (found == 1 && !rc)
			rc = error("no organisation '%s' in the register (see 'bidrag org list')", args[0]);
		if (!rc) {
			const struct org *o = &l.v[0];
			struct show_ctx sc = {json, json ? json_array() : NULL};
			if (json) {
				json_t *j = org_json(o);
				store_org_groups(s, o->code, print_group, &sc, &err);
				json_object_set_new(j, "groups", sc.groups);
				json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
				putchar('\n');
				json_decref(j);
			} else {
				printf("code         %s\nname         %s\nkind         %s\n", o->code, o->name, o->kind);
				if (o->orgnr)
					printf("orgnr        %s (%s)\n", o->orgnr, orgnr_form(o->orgnr));
				if (o->bankgiro)
					printf("bankgiro     %s\n", o->bankgiro);
				if (o->plusgiro)
					printf("plusgiro     %s\n", o->plusgiro);
				if (o->payment_ref)
					printf("reference    %s\n", o->payment_ref);
				if (o->lan)
					printf("län          %s\n", o->lan);
				if (store_org_groups(s, o->code, print_group, &sc, &err))
					rc = store_error(&err, EXIT_IO);
			}
		}
		store_close(s);
		free(l.v);
		strpool_release(&l.pool);
		return rc;
	}
	return usage_error(&cmd_org_entry, "unknown subcommand 'org %s' (expected list, show, add or set)", verb);
}
