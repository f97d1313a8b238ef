/* cmd.h: the command table and helpers shared by the subcommands.
 * One subcommand per file (cmd-<verb>.c), each a short function that wires
 * parsing (io), the domain (core) and output together. */
#ifndef BIDRAG_CMD_H
#define BIDRAG_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "money.h"
#include "util.h"

/* Exit statuses: 0 success; 1 a check found a problem (verify); 2 bad input
 * or usage, nothing changed; 3 an internal or I/O failure. */
enum { EXIT_OK = 0, EXIT_PROBLEM = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

struct cmd_entry {
	const char *name;
	const char *usage;   /* lines after "usage: bidrag " */
	const char *summary; /* one line for 'bidrag help' */
	int (*exec)(int argc, char **argv);
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
/* io_error: print "error: MSG"; returns EXIT_IO. */
int io_error(const char *msg);
/* usage_error: error plus a pointer to the command's help. */
int usage_error(const struct cmd_entry *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void print_usage(FILE *out, const struct cmd_entry *e);
/* verb_help: for commands with a verb (bidrag pay add ...): no verb prints
 * the usage to stderr (EXIT_USAGE), --help or -h to stdout (0); -1 when
 * there is a verb to go on with. */
int verb_help(int argc, char **argv, const struct cmd_entry *e);

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
/* print_warnings: "warning: ORIGIN: ..." for each, to stderr. */
void print_warnings(const char *origin, struct decision_warnings *w);

/* The ledger's commands. */
struct ledger_input;
#define LEDGER_AUTO_ID_LEN 24
/* ledger_auto_id: an id derived from the event's content (without the
 * actor), for events given without --id: entering the same event twice is
 * then a retry, not a second payment. */
void ledger_auto_id(const struct ledger_input *e, char out[LEDGER_AUTO_ID_LEN]);
/* ledger_actor: --by, else $BIDRAG_USER, else $USER. */
const char *ledger_actor(const char *opt);
/* ledger_record_batch: the events as one all-or-nothing batch; prints what
 * was recorded and what was already there.  Returns an exit status. */
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
extern const struct cmd_entry cmd_requisition_entry, cmd_pay_entry, cmd_repay_entry, cmd_report_entry,
	cmd_correct_entry, cmd_events_entry, cmd_status_entry, cmd_deadlines_entry, cmd_ledger_entry,
	cmd_register_entry, cmd_audit_entry, cmd_user_entry, cmd_serve_entry;

#endif
