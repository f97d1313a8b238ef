/* bidrag audit: the tamper-evident audit log: list and verify. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "store.h"
#include "cmd.h"

struct audit_opts {
	const char *db, *format, *head;
	long long from;
};

static int set_from(void *ctx, const char *text)
{
	struct audit_opts *o = ctx;
	char *end;
	o->from = strtoll(text, &end, 10);
	if (!*text || *end || o->from < 1)
		return usage_error(&cmd_audit_entry, "--from '%s': expected a sequence number, 1 or more", text);
	return 0;
}

static const struct cmd_opt audit_options[] = {
	OPT_STR("db", 0, struct audit_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("format", 0, struct audit_opts, format, "F", "table (default) or json"),
	OPT_CALL("from", 0, "SEQ", set_from, "start at entry SEQ"),
	OPT_STR("expect-head", 0, struct audit_opts, head, "HASH",
		 "the head hash kept from an earlier verify: finds entries removed\n"
		 "from the end"),
	OPT_END,
};

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.summary = "the audit log of every change: list it, verify its hash chain",
	.usage = "audit list [--from] [--format=table|json] [--db]\n"
		 "       bidrag audit verify [--expect-head] [--db]",
	.about = "Every change to the register (decisions, organisations, ledger events, payment files,\n"
		 "recipient registers, users) is appended to the log with who, when, what, before and\n"
		 "after; each entry carries the SHA-256 of the one before.  'verify' recomputes the chain\n"
		 "and names every entry that was changed, removed or moved (exit status 1).  It prints the\n"
		 "head hash: kept elsewhere and given back with --expect-head, it also finds entries\n"
		 "removed from the end.",
	.exec = cmd_audit,
	.options = audit_options,
};

struct list_ctx {
	bool json;
	json_t *arr;
	int n;
};

static int print_entry(void *ctx, const struct audit_entry *e)
{
	struct list_ctx *c = ctx;
	if (c->json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s}", "seq", (json_int_t)e->seq, "at",
				      e->at, "actor", e->actor, "action", e->action, "object", e->object, "before",
				      e->before, "after", e->after, "prev_sha256", e->prev, "sha256", e->sha256);
		json_array_append_new(c->arr, o);
	} else {
		if (c->n == 0)
			printf("%-6s %-20s %-12s %-26s %s\n", "seq", "at", "actor", "action", "object");
		printf("%-6lld %-20s %-12s %-26s %s\n", (long long)e->seq, e->at, e->actor, e->action, e->object);
	}
	c->n++;
	return 0;
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
	const char *verb = argv[1], *db = o.db, *format = o.format, *head = o.head;
	long long from = o.from;
	if (argc - 1 - next > 0)
		return usage_error(&cmd_audit_entry, "unexpected argument '%s'", argv[1 + next]);
	bool list = strcmp(verb, "list") == 0, verify = strcmp(verb, "verify") == 0;
	if (!list && !verify)
		return usage_error(&cmd_audit_entry, "unknown subcommand '%s' (expected list or verify)", verb);
	bool json = false;
	if (format && !(json = strcmp(format, "json") == 0) && strcmp(format, "table") != 0)
		return usage_error(&cmd_audit_entry, "--format '%s': expected table or json", format);
	if (head && (strlen(head) != 64 || strspn(head, "0123456789abcdef") != 64))
		return usage_error(&cmd_audit_entry, "--expect-head '%s': expected 64 hex digits (a SHA-256)", head);
	struct store *s;
	rc = open_register(db, false, &s);
	if (rc)
		return rc;
	struct bd_error err;
	if (list) {
		struct list_ctx lc = {json, json ? json_array() : NULL, 0};
		if (store_audit_list(s, from, print_entry, &lc, &err) < 0)
			rc = store_error(&err, EXIT_IO);
		else if (json) {
			json_dumpf(lc.arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		} else if (!lc.n)
			puts("the audit log is empty");
		json_decref(lc.arr);
	} else {
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
	}
	store_close(s);
	return rc;
}
