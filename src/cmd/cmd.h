/* cmd.h: the command table and helpers shared by the subcommands.
 * One subcommand per file (cmd-<verb>.c), each a short function that wires
 * parsing (io), the domain (core) and output together. */
#ifndef BIDRAG_CMD_H
#define BIDRAG_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "money.h"
#include "util.h"

/* Exit statuses: 0 success; 1 a check found a problem (verify); 2 bad input
 * or usage, nothing changed; 3 an internal or I/O failure. */
/* EXIT_DB: the database server cannot be reached, refuses the login, has no
 * such database, or went away (BD_UNAVAILABLE): nothing was written, and the
 * same command may be run again once it is back. */
enum { EXIT_OK = 0, EXIT_PROBLEM = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_DB = 4 };

/* One option of a command, as data: how it is spelt, whether it takes a
 * value, where the value goes and what --help says of it.  cmd_parse reads
 * every command's options by its table, so the spelling, the errors and the
 * exit status of a bad option are the same everywhere. */
enum cmd_opt_kind {
	OPT_FLAG,   /* no value: sets the bool at offset */
	OPT_STRING, /* a value: sets the const char * at offset to it */
	OPT_FUNC,   /* a value (none when arg is NULL): set(ctx, value) parses and stores it */
};

struct cmd_opt {
	const char *name; /* the long name, without "--"; NULL ends a table */
	char letter;      /* a short form (-o), or 0 */
	enum cmd_opt_kind kind;
	const char *arg; /* the value's name in the help ("FILE"); NULL for a flag */
	size_t offset;   /* OPT_FLAG, OPT_STRING: where in the command's options (ctx) */
	/* OPT_FUNC: 0 when text was taken, else non-zero after printing why. */
	int (*set)(void *ctx, const char *text);
	/* For --help: one line, or more separated by '\n' (indented as printed);
	 * NULL leaves the option out of the generated list. */
	const char *help;
};

#define OPT_STR(name, letter, type, field, arg, help) {name, letter, OPT_STRING, arg, offsetof(type, field), NULL, help}
#define OPT_BOOL(name, letter, type, field, help) {name, letter, OPT_FLAG, NULL, offsetof(type, field), NULL, help}
#define OPT_CALL(name, letter, arg, fn, help) {name, letter, OPT_FUNC, arg, 0, fn, help}
#define OPT_END {NULL, 0, OPT_FLAG, NULL, 0, NULL, NULL}

struct cmd_entry {
	const char *name;
	/* The lines after "usage: bidrag ", each "--name" an option of the
	 * table: the help adds its value's name ("--db" prints "--db PATH"), or
	 * "--name=TEXT" prints "--name TEXT" for a verb that takes only some
	 * values ("--format=table|json").  The options named here are the ones
	 * the help lists, so commands that share a table list only their own. */
	const char *usage;
	const char *summary; /* one line for 'bidrag help' */
	int (*exec)(int argc, char **argv);
	/* The options (ended by OPT_END), for cmd_parse and the help; --help
	 * itself is implied. */
	const struct cmd_opt *options;
	/* The help is the usage lines, about (what the command or each verb
	 * does), the options named in the usage that have a help text, aligned,
	 * then after (exit statuses, examples). */
	const char *about;
	const char *after;
	bool in_order; /* options stop at the first argument (getopt's "+") */
};

int cmd_allocate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_datasets(int argc, char **argv);
int cmd_recipients(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_decision(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_appropriation(int argc, char **argv);

extern const struct cmd_entry cmd_allocate_entry, cmd_verify_entry, cmd_datasets_entry, cmd_recipients_entry,
	cmd_init_entry, cmd_decision_entry, cmd_org_entry, cmd_appropriation_entry;

/* error: print "error: ..." to stderr; returns EXIT_USAGE. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* store_error: print "error: MSG" for a failure of the store; returns
 * EXIT_DB when the database is unavailable (BD_UNAVAILABLE), else
 * otherwise (EXIT_USAGE when opening, EXIT_IO during a command). */
int store_error(const struct bd_error *err, int otherwise);
/* io_error: print "error: MSG"; returns EXIT_IO. */
int io_error(const char *msg);
/* usage_error: error plus a pointer to the command's help. */
int usage_error(const struct cmd_entry *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* print_usage: "usage: bidrag " and the usage lines, the about text, the
 * options named in the usage that have a help text, one per line, then the
 * after text. */
void print_usage(FILE *out, const struct cmd_entry *e);
/* cmd_parse: the options in argv[1..argc) by e->options, into ctx (the
 * command's options struct, or what its OPT_FUNC setters take).  The
 * arguments that are not options are left at argv[*next..argc) (permuted to
 * the end unless e->in_order).  Returns -1 to go on; 0 after --help printed
 * the usage; EXIT_USAGE after an unknown option or a missing or refused
 * value (the error is printed). */
int cmd_parse(const struct cmd_entry *e, int argc, char **argv, void *ctx, int *next);
/* verb_help: for commands with a verb (bidrag pay add ...): no verb prints
 * the usage to stderr (EXIT_USAGE), --help or -h to stdout (0); -1 when
 * there is a verb to go on with. */
int verb_help(int argc, char **argv, const struct cmd_entry *e);

/* excess_notes: "OBS: ..." lines (Swedish) for the parts of v whose table
 * allocates more than their decision, and what was paid beyond it; only
 * decision dnr's when dnr is not NULL (cmd-status.c). */
struct status_view;
struct buf;
void excess_notes(const struct status_view *v, const char *dnr, struct buf *b);

/* opt_kronor: parse the amount of option `opt`; prints the error itself. */
int opt_kronor(const char *opt, const char *text, int64_t *out);
/* opt_unit: a rounding unit, at least 1 krona. */
int opt_unit(const char *text, int64_t *out);
/* opt_weight: --weight W for the key given just before it; weight and
 * has_weight are NULL when no key came before.  keys names the options that
 * give keys, for the message. */
int opt_weight(const struct cmd_entry *e, const char *text, const char *keys, struct rat *weight, bool *has_weight);
int opt_ratio(const char *opt, const char *text, struct rat *out);

/* print_padded: s, then spaces up to width characters (UTF-8 aware). */
void print_padded(FILE *out, const char *s, size_t width);

/* open_output: stdout for NULL or "-", else the file; prints errors. */
FILE *open_output(const char *path);
int close_output(FILE *f, const char *path);

/* The register's commands. */
struct store;
struct decision_warnings;
/* open_register: the database of --db (or BIDRAG_DB, or ./bidrag.db);
 * create it when asked.  Prints the error and returns an exit status. */
int open_register(const char *db, bool create, struct store **s);

/* Who makes a change from the command line: a bidrag user, always.
 *   --as USER (also spelt --by and --user; $BIDRAG_USER is the same) names
 *     a user, authenticated by its password from $BIDRAG_PASSWORD, else the
 *     terminal; a wrong one is a failed login as the web's (access.h);
 *   else the user mapped to the OS account (bidrag user map);
 *   else, only in a register with no users yet, the OS account itself (the
 *     register being set up: its first user must be an admin).
 * Anything else is refused before anything is written.  OPT_AS is the
 * option, for every command that changes the register; open_register has
 * the store ask cmd_actor at its first write, so a command that only reads
 * never asks. */
int opt_as(void *ctx, const char *text);
/* The longest password read (user add, --as). */
#define CMD_PASSWORD_MAX 1024
/* cmd_read_secret: a line of in (a password), without echo when in is a
 * terminal (the prompt then to prompt_to), its line end removed: 0; 1 at
 * end of input; 2 when it does not fit in len - 1 bytes. */
int cmd_read_secret(FILE *in, FILE *prompt_to, const char *prompt, char *out, size_t len);
#define OPT_AS                                                                                                       \
	OPT_CALL("as", 0, "USER", opt_as,                                                                            \
		 "who makes the change: a bidrag user, its password from $BIDRAG_PASSWORD or the\n"                  \
		 "terminal (default $BIDRAG_USER, else the OS account's user; 'bidrag help user')"),                 \
	OPT_CALL("by", 0, "USER", opt_as, "the same as --as"), OPT_CALL("user", 0, "USER", opt_as, "the same as --as")
/* cmd_actor: the user's (folded) name, and the store's actor set to it; NULL
 * after printing why no one could be resolved (resolved once a command). */
const char *cmd_actor(struct store *s);
/* cmd_actor_as: cmd_actor with as (when not NULL) for --as, for a command
 * that reads --by or --user into its own options. */
const char *cmd_actor_as(struct store *s, const char *as);
/* cmd_reader: who reads, for a report that names its maker (SIE's #GEN):
 * cmd_actor when --as or $BIDRAG_USER is given, else the user mapped to the
 * OS account, else the OS account's name; a report needs no user. */
const char *cmd_reader(struct store *s);
/* cmd_actor_role: the resolved user's role; NULL before, or while the
 * register has no users (bootstrap). */
const char *cmd_actor_role(void);
bool cmd_actor_bootstrap(void);
/* cmd_identity_reset: forget who made the last command's change, so that a
 * process running several commands (main called again, as the fault tests
 * do) resolves each one's --as afresh. */
void cmd_identity_reset(void);
/* load_datasets: the key datasets the commands use (dataset.h): the
 * register's when there is one (--db, else $BIDRAG_DB, else ./bidrag.db
 * when it exists), every version; else the compiled-in seeds only.  A
 * register that lacks the seeds (made before datasets were kept) gets them
 * first, as 'bidrag init' would add them.  Prints the error and returns an
 * exit status. */
int load_datasets(const char *db);
/* print_warnings: "warning: ORIGIN: ..." for each, to stderr. */
void print_warnings(const char *origin, struct decision_warnings *w);

/* The ledger's commands. */
struct ledger_input;
#define LEDGER_AUTO_ID_LEN 24
/* ledger_auto_id: an id derived from the event's content (without the
 * actor), for events given without --id: entering the same event twice is
 * then a retry, not a second payment. */
void ledger_auto_id(const struct ledger_input *e, char out[LEDGER_AUTO_ID_LEN]);
/* ledger_record_batch: the events as one all-or-nothing batch, recorded by
 * cmd_actor (an event that names another user, or that the user's role may
 * not record, is refused); prints what was recorded and what was already
 * there.  Returns an exit status. */
int ledger_record_batch(struct store *s, const struct ledger_input *ev, size_t n, bool quiet);
int cmd_requisition(int argc, char **argv);
int cmd_pay(int argc, char **argv);
int cmd_repay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_correct(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_deadlines(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_bank(int argc, char **argv);
extern const struct cmd_entry cmd_bank_entry;
int cmd_export(int argc, char **argv);
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_db_entry;
int cmd_payee(int argc, char **argv);
extern const struct cmd_entry cmd_payee_entry;
extern const struct cmd_entry cmd_requisition_entry, cmd_pay_entry, cmd_repay_entry, cmd_report_entry,
	cmd_correct_entry, cmd_events_entry, cmd_status_entry, cmd_deadlines_entry, cmd_ledger_entry,
	cmd_register_entry, cmd_audit_entry, cmd_user_entry, cmd_serve_entry;

#endif
