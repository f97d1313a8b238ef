/* bidrag recipients: the compiled-in recipients, sets and name variants. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "refdata.h"
#include "cmd.h"
#include "refload.h"

struct recipients_opts {
	const char *format, *resolve;
};

static const struct cmd_opt recipients_options[] = {
	OPT_STR("format", 0, struct recipients_opts, format, "F", "table (default) or json"),
	OPT_STR("resolve", 0, struct recipients_opts, resolve, "NAME", "print the recipient a name or code stands for"),
	OPT_END,
};

const struct cmd_entry cmd_recipients_entry = {
	.name = "recipients",
	.summary = "list known recipients (regions, kommuner, samverkansregioner, RCC) or resolve a name",
	.usage = "recipients [SET] [--format=table|json]   (SET: regions, kommuner, kommuner:NN,\n"
		 "                                             samverkansregioner, rcc; default regions)\n"
		 "       bidrag recipients --resolve",
	.exec = cmd_recipients,
	.options = recipients_options,
};

int cmd_recipients(int argc, char **argv)
{
	struct recipients_opts opt = {.format = "table"};
	int next, rc = cmd_parse(&cmd_recipients_entry, argc, argv, &opt, &next);
	if (rc >= 0)
		return rc;
	const char *format = opt.format, *resolve = opt.resolve;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return error("unknown format '%s' (expected table or json)", format);
	struct bd_error err;
	if (refdata_load(&err))
		return error("%s", err.msg);
	if (resolve) {
		const struct recipient *r;
		if (refdata_resolve(resolve, RK_ANY, &r, &err))
			return error("%s", err.msg);
		printf("%s\t%s\t%s\n", r->code, r->name, kind_name(r->kind));
		return 0;
	}
	if (argc - next > 1)
		return usage_error(&cmd_recipients_entry, "unexpected argument '%s'", argv[next + 1]);
	const struct recipient **set;
	size_t n;
	if (refdata_set(next < argc ? argv[next] : "regions", &set, &n, &err))
		return error("%s", err.msg);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct recipient *r = set[i];
		if (strcmp(format, "json") == 0) {
			json_t *o = json_object(), *al = json_array();
			json_object_set_new(o, "code", json_string(r->code));
			json_object_set_new(o, "name", json_string(r->name));
			json_object_set_new(o, "kind", json_string(kind_name(r->kind)));
			if (r->lan)
				json_object_set_new(o, "lan", json_string(r->lan));
			for (size_t k = 0; r->aliases && r->aliases[k]; k++)
				json_array_append_new(al, json_string(r->aliases[k]));
			json_object_set_new(o, "aliases", al);
			if (r->members) {
				json_t *m = json_array();
				for (size_t k = 0; r->members[k]; k++)
					json_array_append_new(m, json_string(r->members[k]));
				json_object_set_new(o, "members", m);
				json_object_set_new(o, "payee", json_string(r->payee));
				json_object_set_new(o, "payee_orgnr", json_string(r->payee_orgnr));
			}
			json_array_append_new(arr, o);
			continue;
		}
		printf("%-22s ", r->code);
		print_padded(stdout, r->name, 36);
		if (r->members) {
			printf(" members:");
			for (size_t k = 0; r->members[k]; k++)
				printf(" %s", r->members[k]);
			printf("  payee: %s (%s)", r->payee, r->payee_orgnr);
		} else if (r->aliases && r->aliases[0]) {
			printf(" also:");
			for (size_t k = 0; r->aliases[k]; k++)
				printf("%s %s", k ? "," : "", r->aliases[k]);
		}
		putchar('\n');
	}
	if (strcmp(format, "json") == 0) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(arr);
	free(set);
	return 0;
}
