/* bidrag audit: the tamper-evident audit log: list and verify. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auditlog.h"
#include "store.h"
#include "cmd.h"

struct audit_opts {
	const char *db, *format, *head, *output;
	const char *from, *to, *user, *object, *action;
};

static const struct cmd_opt audit_options[] = {
	OPT_STR("db", 0, struct audit_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("from", 0, struct audit_opts, from, "DATE|SEQ",
		"from this day (YYYY-MM-DD, Swedish time) or entry number on"),
	OPT_STR("to", 0, struct audit_opts, to, "DATE|SEQ", "up to and including this day or entry number"),
	OPT_STR("user", 0, struct audit_opts, user, "NAME", "changes made by NAME (as the log names them)"),
	OPT_STR("object", 0, struct audit_opts, object, "[TYPE:]ID",
		"changes of one object: decision:DNR, org:CODE (or its name: also its\n"
		"registers and payees), user:NAME, register:ORG [YEAR], batch:ID,\n"
		"dataset:NAME, appropriation:YEAR, change:N, bank-entry:N, file:PATH;\n"
		"a TYPE alone; or an ID alone"),
	OPT_STR("action", 0, struct audit_opts, action, "ACTION",
		"one action, or several separated by commas ('bidrag audit actions')"),
	OPT_STR("format", 0, struct audit_opts, format, "F",
		"text (default), csv, json or xlsx (xlsx needs --output)"),
	OPT_STR("output", 'o', struct audit_opts, output, "FILE",
		"write to FILE (a .csv, .json or .xlsx name sets the format)"),
	OPT_STR("expect-head", 0, struct audit_opts, head, "HASH",
		 "the head hash kept from an earlier verify: finds entries removed\n"
		 "from the end"),
	OPT_END,
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.summary = "the audit log of every change: list it in Swedish, select, export, verify its hash chain",
	.usage = "audit list [--from] [--to] [--user] [--object]\n"
		 "                  [--action] [--format=text|csv|json|xlsx] [--output] [--db]\n"
		 "       bidrag audit actions\n"
		 "       bidrag audit verify [--expect-head] [--db]",
	.about = "Every change to the register (decisions, organisations, ledger events, payment files,\n"
		 "recipient registers, users) is appended to the log with who, when, what, before and\n"
		 "after; each entry carries the SHA-256 of the one before.\n"
		 "'list' shows the log as a revisor reads it, in Swedish: each action described, people\n"
		 "and organisations by name, a name that is no user of the register marked as such, times\n"
		 "in Swedish time.  --from, --to, --user, --object and --action select entries (each one\n"
		 "given narrows the list); csv and xlsx hold every field, with the hashes.  Selecting only\n"
		 "shows: the chain is verified over the whole log.\n"
		 "'actions' lists the actions the log records and the object types --object takes.\n"
		 "'verify' recomputes the chain and names every entry that was changed, removed or moved\n"
		 "(exit status 1).  It prints the head hash: kept elsewhere and given back with\n"
		 "--expect-head, it also finds entries removed from the end.",
	.after = "Exit status: 0 done; 1 verify found a problem; 2 bad input (nothing is read or written).\n"
		 "Examples:\n"
		 "  bidrag audit list --from 2021-01-01 --to 2021-12-31 --user anna\n"
		 "  bidrag audit list --object org:23 --output granskning.xlsx\n"
		 "  bidrag audit list --object decision:S2020/09797 --action ledger.record --format csv",
	.exec = cmd_audit,
	.options = audit_options,
};

/* list: the selection, described, in the format asked for. */
static int list(const struct audit_opts *o)
{
	enum table_format fmt = FMT_TABLE;
	struct bd_error err;
	const char *format = o->format;
	if (!format && o->output) {
		/* the file's name says what it is */
		const char *dot = strrchr(o->output, '.');
		if (dot && (strcmp(dot, ".csv") == 0 || strcmp(dot, ".json") == 0 || strcmp(dot, ".xlsx") == 0))
			format = dot + 1;
	}
	if (auditlog_format(format, &fmt, &err))
		return usage_error(&cmd_audit_entry, "--%s", err.msg);
	if (fmt == FMT_XLSX && (!o->output || strcmp(o->output, "-") == 0))
		return usage_error(&cmd_audit_entry, "xlsx output needs a file: give --output FILE.xlsx");
	struct store *s;
	int rc = open_register(o->db, false, &s);
	if (rc)
		return rc;
	struct auditlog_query q = {o->from, o->to, o->user, o->object, o->action};
	struct auditlog l;
	const char *field;
	if (auditlog_load(s, &q, &l, &field, &err)) {
		store_close(s);
		return field ? error("--%s", err.msg) : store_error(&err, EXIT_IO);
	}
	store_close(s);
	if (fmt == FMT_XLSX) {
		rc = auditlog_write(&l, fmt, NULL, o->output, &err) ? io_error(err.msg) : 0;
	} else {
		FILE *out = open_output(o->output);
		if (!out)
			rc = EXIT_IO;
		else {
			if (auditlog_write(&l, fmt, out, NULL, &err))
				rc = io_error(err.msg);
			if (close_output(out, o->output))
				rc = EXIT_IO;
		}
	}
	auditlog_free(&l);
	return rc;
}

/* actions: the table of actions and object types, in Swedish. */
static int actions(void)
{
	const struct audit_action *a;
	size_t w = 0;
	for (size_t i = 0; (a = audit_action_at(i)); i++)
		if (strlen(a->action) > w)
			w = strlen(a->action);
	printf("%-*s  %-13s  %s\n", (int)w, "action", "object type", "in Swedish");
	for (size_t i = 0; (a = audit_action_at(i)); i++)
		printf("%-*s  %-13s  %s\n", (int)w, a->action, audit_kind_key(a->kind), a->text);
	printf("\nobject types for --object TYPE:ID\n");
	const struct audit_type *t;
	for (size_t i = 0; (t = audit_type_at(i)); i++)
		printf("  %-13s  %s\n", t->key, t->text);
	return fflush(stdout) ? EXIT_IO : 0;
}

struct verify_ctx {
	struct audit_check check;
};

static void report(void *ctx, int64_t seq, const char *msg)
{
	(void)ctx;
	(void)seq;
	printf("PROBLEM %s\n", msg);
}

static int check_entry(void *ctx, const struct audit_entry *e)
{
	struct verify_ctx *v = ctx;
	audit_check_entry(&v->check, e, report, v);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	int help = verb_help(argc, argv, &cmd_audit_entry);
	if (help >= 0)
		return help;
	struct audit_opts o = {0};
	int next, rc = cmd_parse(&cmd_audit_entry, argc - 1, argv + 1, &o, &next);
	if (rc >= 0)
		return rc;
	const char *verb = argv[1], *head = o.head;
	if (argc - 1 - next > 0)
		return usage_error(&cmd_audit_entry, "unexpected argument '%s'", argv[1 + next]);
	bool is_list = strcmp(verb, "list") == 0, verify = strcmp(verb, "verify") == 0;
	bool is_actions = strcmp(verb, "actions") == 0;
	if (!is_list && !verify && !is_actions)
		return usage_error(&cmd_audit_entry, "unknown subcommand '%s' (expected list, actions or verify)", verb);
	/* Each verb takes only its own options. */
	const char *selection = o.from ? "--from" : o.to ? "--to" : o.user ? "--user" : o.object ? "--object"
				: o.action ? "--action" : o.format ? "--format" : o.output ? "--output" : NULL;
	if (!is_list && selection)
		return usage_error(&cmd_audit_entry, "%s is for 'audit list' (%s)", selection,
				   verify ? "verify checks the whole log" : "actions takes no options");
	if (!verify && head)
		return usage_error(&cmd_audit_entry, "--expect-head is for 'audit verify'");
	if (is_actions)
		return o.db ? usage_error(&cmd_audit_entry, "--db is not for 'audit actions'") : actions();
	if (is_list)
		return list(&o);
	if (head && (strlen(head) != 64 || strspn(head, "0123456789abcdef") != 64))
		return usage_error(&cmd_audit_entry, "--expect-head '%s': expected 64 hex digits (a SHA-256)", head);
	struct store *s;
	rc = open_register(o.db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	struct verify_ctx v;
	audit_check_init(&v.check);
	if (store_audit_list(s, 0, check_entry, &v, &err) < 0) {
		rc = store_error(&err, EXIT_IO);
	} else {
		if (head && strcmp(head, v.check.head) != 0) {
			printf("PROBLEM the log's head is %.12s… after entry %lld, not the expected %.12s… "
			       "(entries were removed from the end, or the log was rewritten)\n",
			       v.check.head, (long long)v.check.last_seq, head);
			v.check.problems++;
		}
		printf("%lld entries checked, %d problem%s; head %s\n", (long long)v.check.n, v.check.problems,
		       v.check.problems == 1 ? "" : "s", v.check.head);
		rc = v.check.problems ? EXIT_PROBLEM : 0;
	}
	store_close(s);
	return rc;
}
