/* bidrag signatory and bidrag submissions: the agency's side of the
 * recipient's filing (docs/portal.md) on the command line: who may sign for
 * an organisation, and the requisitions and reports submitted, accepted or
 * returned for completion.  Recipients draft and sign in the browser. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "portal.h"
#include "readfile.h"
#include "statusload.h"
#include "store-portal.h"
#include "cmd.h"

int cmd_signatory(int argc, char **argv);
int cmd_submissions(int argc, char **argv);

struct portal_opts {
	const char *db, *user, *format, *kind, *from, *to, *evidence, *state, *org, *note;
	int next;
};

static const struct cmd_opt portal_options[] = {
	OPT_STR("db", 0, struct portal_opts, db, "PATH", "the database (default $BIDRAG_DB, else ./bidrag.db)"),
	OPT_STR("as", 0, struct portal_opts, user, "USER",
		"who adds, revokes, accepts or returns: a handläggare, its password from\n"
		"$BIDRAG_PASSWORD or the terminal (default the user of the OS account)"),
	OPT_STR("by", 0, struct portal_opts, user, "USER", "the same as --as"),
	OPT_STR("format", 0, struct portal_opts, format, "F", "table (default) or json"),
	OPT_STR("kind", 0, struct portal_opts, kind, "K", "firmatecknare or ombud"),
	OPT_STR("from", 0, struct portal_opts, from, "DATE", "the first day the authority holds (YYYY-MM-DD)"),
	OPT_STR("to", 0, struct portal_opts, to, "DATE", "its last day (default: until revoked)"),
	OPT_STR("evidence", 0, struct portal_opts, evidence, "FILE", "the PDF that shows the authority (kept)"),
	OPT_STR("state", 0, struct portal_opts, state, "S", "draft, submitted, returned or accepted"),
	OPT_STR("org", 0, struct portal_opts, org, "ORG", "one organisation's (its code)"),
	OPT_STR("note", 0, struct portal_opts, note, "TEXT", "the message to the organisation: what to complete"),
	OPT_END,
};

const struct cmd_entry cmd_signatory_entry = {
	.name = "signatory",
	.summary = "who may sign an organisation's requisitions and reports (behöriga företrädare)",
	.usage = "signatory add ORG USER --kind=firmatecknare|ombud --from --evidence [--to]\n"
		 "                         [--as] [--db]\n"
		 "       bidrag signatory list [ORG] [--format=table|json] [--db]\n"
		 "       bidrag signatory revoke ID [--as] [--db]",
	.about = "add     USER (a mottagare user of ORG) may sign for ORG from --from (to --to), by the PDF\n"
		 "        --evidence (the board's decision on firmateckning, a power of attorney).\n"
		 "list    the representatives (of ORG), revoked ones too, and whether each holds today.\n"
		 "revoke  from today; what the representative signed keeps naming it.",
	.exec = cmd_signatory,
	.options = portal_options,
};

const struct cmd_entry cmd_submissions_entry = {
	.name = "submissions",
	.summary = "requisitions and reports recipients signed: list, accept, return for completion",
	.usage = "submissions list [--state=draft|submitted|returned|accepted] [--org]\n"
		 "                           [--format=table|json] [--db]\n"
		 "       bidrag submissions accept ID [--as] [--db]\n"
		 "       bidrag submissions return ID --note [--as] [--db]",
	.about = "list    with who signed, by what authority, and late (a report after its deadline).\n"
		 "accept  a submitted one; a financial report records the ledger's report event with its\n"
		 "        unused amount.\n"
		 "return  back to the organisation with --note; it amends and signs again.",
	.exec = cmd_submissions,
	.options = portal_options,
};

static int parse(const struct cmd_entry *e, int argc, char **argv, struct portal_opts *o)
{
	int rc = cmd_parse(e, argc, argv, o, &o->next);
	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	return 0;
}

/* open_by: the register, and who does it: a bidrag user (cmd_actor), who
 * must be a handläggare, as on the web. */
static int open_by(const struct cmd_entry *e, const struct portal_opts *o, const char *verb, struct store **s)
{
	int rc = open_register(o->db, false, s);
	if (rc)
		return rc;
	const char *by = cmd_actor_as(*s, o->user);
	const char *role = cmd_actor_role();
	if (by && (!role || strcmp(role, "handlaggare") != 0))
		rc = error("%s %s is done by a handläggare; %s is %s; nothing was changed", e->name, verb, by,
			   role ? role : "no user yet");
	else if (!by)
		rc = EXIT_USAGE;
	if (rc) {
		store_close(*s);
		*s = NULL;
	}
	return rc;
}

static int number(const char *what, const char *text, int64_t *id)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || v <= 0)
		return error("invalid %s '%s' (expected a number above 0)", what, text);
	*id = v;
	return 0;
}

/* One transaction: fn, committed when it returns 0; 1: rolled back, none. */
typedef int (*portal_tx)(struct store *s, void *ctx, struct bd_error *err);

static int run(struct store *s, portal_tx fn, void *ctx, struct bd_error *err)
{
	int found = 0;
	if (store_begin(s, err) || (found = fn(s, ctx, err)) < 0 || (found == 0 && store_commit(s, err))) {
		store_rollback(s);
		return -1;
	}
	if (found)
		store_rollback(s);
	return found;
}

struct sig_add {
	const char *org, *user, *kind, *from, *to, *name, *data;
	size_t len;
	int64_t id;
};

static int tx_sig_add(struct store *s, void *vctx, struct bd_error *err)
{
	struct sig_add *c = vctx;
	char today[DATE_LEN];
	date_today(today);
	return store_signatory_add(s, c->org, c->user, c->kind, c->from, c->to, c->name, c->data, c->len, today, &c->id,
				   err);
}

static int tx_sig_revoke(struct store *s, void *vctx, struct bd_error *err)
{
	char today[DATE_LEN];
	date_today(today);
	return store_signatory_revoke(s, *(int64_t *)vctx, today, err);
}

struct list {
	json_t *arr;
	const char *today;
	bool json;
};

static int print_sig(void *ctx, const struct signatory *g)
{
	struct list *l = ctx;
	if (l->json) {
		json_array_append_new(l->arr, portal_signatory_json(g, l->today));
		return 0;
	}
	printf("%-5" PRId64 " %-8s %-12s %-13s %s – %-10s %-9s %s (SHA-256 %.16s…)\n", g->id, g->org, g->user, g->kind,
	       g->valid_from, g->valid_to ? g->valid_to : "", signatory_valid(g, l->today) ? "gäller" : g->revoked_on ? "återkallad" : "gäller ej",
	       g->evidence_name, g->evidence_sha256);
	return 0;
}

static const char *kind_sv(const char *k)
{
	return strcmp(k, "requisition") == 0 ? "rekvisition" : strcmp(k, "financial-report") == 0 ? "ekonomisk redovisning"
											      : "verksamhetsrapport";
}

static int print_sub(void *ctx, const struct submission *b)
{
	struct list *l = ctx;
	if (l->json) {
		json_array_append_new(l->arr, portal_submission_json(b));
		return 0;
	}
	json_t *o = portal_submission_json(b);
	printf("%-5" PRId64 " %-8s %-22s %-12s %-18s %-10s%s  %s\n", b->id, b->org, kind_sv(b->kind), b->dnr, b->part, b->state,
	       b->late ? " SEN" : "", json_string_value(json_object_get(o, "signature")) ?: "inte signerad");
	json_decref(o);
	return 0;
}

static int output(struct list *l)
{
	if (l->json) {
		json_dumpf(l->arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(l->arr);
	return 0;
}

int cmd_signatory(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_signatory_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	struct portal_opts o = {0};
	int rc = parse(e, argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	const char *verb = argv[1];
	struct bd_error err;
	struct store *s;
	if (strcmp(verb, "add") == 0) {
		if (n != 2)
			return usage_error(e, "signatory add takes ORG and USER");
		if (!o.kind || !o.from || !o.evidence)
			return usage_error(e, "signatory add needs --kind, --from and --evidence");
		char *data = NULL;
		size_t len = 0;
		if (read_file(o.evidence, 16u << 20, &data, &len, &err))
			return error("--evidence: %s", err.msg);
		const char *name = strrchr(o.evidence, '/') ? strrchr(o.evidence, '/') + 1 : o.evidence;
		struct sig_add c = {args[0], args[1], o.kind, o.from, o.to, name, data, len, 0};
		if ((rc = open_by(e, &o, verb, &s))) {
			free(data);
			return rc;
		}
		rc = run(s, tx_sig_add, &c, &err);
		store_close(s);
		free(data);
		if (rc)
			return err.code == BD_INVALID || err.code == BD_NOT_FOUND ? error("%s; nothing was added", err.msg)
										   : store_error(&err, EXIT_IO);
		printf("signatory %" PRId64 ": %s may sign for %s as %s from %s%s%s\n", c.id, c.user, c.org, c.kind, c.from,
		       c.to ? " to " : "", c.to ? c.to : "");
		return 0;
	}
	if (strcmp(verb, "revoke") == 0) {
		int64_t id = 0;
		if (n != 1)
			return usage_error(e, "signatory revoke takes one ID");
		if (number("ID", args[0], &id))
			return EXIT_USAGE;
		if ((rc = open_by(e, &o, verb, &s)))
			return rc;
		rc = run(s, tx_sig_revoke, &id, &err);
		store_close(s);
		if (rc < 0)
			return store_error(&err, EXIT_IO);
		if (rc)
			return error("no signatory %" PRId64 " that is not revoked already (see 'bidrag signatory list')", id);
		printf("signatory %" PRId64 " revoked\n", id);
		return 0;
	}
	if (strcmp(verb, "list") == 0) {
		if (n > 1)
			return usage_error(e, "signatory list takes at most one ORG");
		if (o.format && strcmp(o.format, "table") && strcmp(o.format, "json"))
			return error("unknown format '%s' (expected table or json)", o.format);
		if ((rc = open_register(o.db, false, &s)))
			return rc;
		char today[DATE_LEN];
		date_today(today);
		struct list l = {json_array(), today, o.format && strcmp(o.format, "json") == 0};
		rc = store_signatories(s, n ? args[0] : NULL, print_sig, &l, &err);
		store_close(s);
		if (rc) {
			json_decref(l.arr);
			return store_error(&err, EXIT_IO);
		}
		return output(&l);
	}
	return usage_error(e, "unknown subcommand 'signatory %s' (expected add, list or revoke)", verb);
}

struct review {
	int64_t id;
	const char *by, *note;
	bool accept;
};

static int tx_review(struct store *s, void *vctx, struct bd_error *err)
{
	struct review *c = vctx;
	char today[DATE_LEN];
	date_today(today);
	return portal_review(s, c->id, c->by, c->accept, c->note, today, err);
}

int cmd_submissions(int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_submissions_entry;
	int help = verb_help(argc, argv, e);
	if (help >= 0)
		return help;
	struct portal_opts o = {0};
	int rc = parse(e, argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	int n = argc - 1 - o.next;
	char **args = argv + 1 + o.next;
	const char *verb = argv[1];
	struct bd_error err;
	struct store *s;
	if (strcmp(verb, "list") == 0) {
		if (n)
			return usage_error(e, "unexpected argument '%s'", args[0]);
		if (o.format && strcmp(o.format, "table") && strcmp(o.format, "json"))
			return error("unknown format '%s' (expected table or json)", o.format);
		if (o.state && strcmp(o.state, "draft") && strcmp(o.state, "submitted") && strcmp(o.state, "returned") &&
		    strcmp(o.state, "accepted"))
			return error("--state: '%s' (expected draft, submitted, returned or accepted)", o.state);
		if ((rc = open_register(o.db, false, &s)))
			return rc;
		struct list l = {json_array(), NULL, o.format && strcmp(o.format, "json") == 0};
		rc = store_submissions(s, o.org, o.state, print_sub, &l, &err);
		store_close(s);
		if (rc) {
			json_decref(l.arr);
			return store_error(&err, EXIT_IO);
		}
		return output(&l);
	}
	bool accept = strcmp(verb, "accept") == 0;
	if (accept || strcmp(verb, "return") == 0) {
		struct review c = {0, NULL, o.note, accept};
		if (n != 1)
			return usage_error(e, "submissions %s takes one ID", verb);
		if (number("ID", args[0], &c.id))
			return EXIT_USAGE;
		if (!accept && (!o.note || !*o.note))
			return usage_error(e, "submissions return needs --note: what the organisation is to complete");
		if ((rc = open_by(e, &o, verb, &s)))
			return rc;
		c.by = cmd_actor(s);
		rc = run(s, tx_review, &c, &err);
		store_close(s);
		if (rc < 0)
			return err.code == BD_INVALID || err.code == BD_CONFLICT ? error("%s; nothing was changed", err.msg)
										 : store_error(&err, EXIT_IO);
		if (rc)
			return error("no submission %" PRId64 " (see 'bidrag submissions list')", c.id);
		printf("submission %" PRId64 " %s\n", c.id, accept ? "accepted" : "returned for completion");
		return 0;
	}
	return usage_error(e, "unknown subcommand 'submissions %s' (expected list, accept or return)", verb);
}
