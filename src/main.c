/* bidrag: administration of targeted state grants (riktade statsbidrag). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* cmd-portal.c */
extern const struct cmd_entry cmd_signatory_entry, cmd_submissions_entry;

static const struct cmd_entry *const commands[] = {
	&cmd_allocate_entry,
	&cmd_verify_entry,
	&cmd_datasets_entry,
	&cmd_recipients_entry,
	&cmd_init_entry,
	&cmd_decision_entry,
	&cmd_org_entry,
	&cmd_appropriation_entry,
	&cmd_requisition_entry,
	&cmd_pay_entry,
	&cmd_payee_entry,
	&cmd_bank_entry,
	&cmd_export_entry,
	&cmd_repay_entry,
	&cmd_report_entry,
	&cmd_correct_entry,
	&cmd_events_entry,
	&cmd_status_entry,
	&cmd_deadlines_entry,
	&cmd_ledger_entry,
	&cmd_register_entry,
	&cmd_user_entry,
	&cmd_audit_entry,
	&cmd_serve_entry,
	&cmd_db_entry,
	&cmd_signatory_entry,
	&cmd_submissions_entry,
};

static void help(FILE *out)
{
	fputs("usage: bidrag COMMAND [OPTIONS]\n\ncommands:\n", out);
	for (size_t i = 0; i < BD_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'bidrag help COMMAND' shows a command's options.  Amounts are whole kronor, written as\n"
	      "users write them: 215 000 000, 2 420 000 000 kronor, 71,8 mkr.\n", out);
}

int main(int argc, char **argv)
{
	cmd_identity_reset(); /* each command its own --as, also when main runs again in one process */
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		puts("bidrag " BIDRAG_VERSION);
		return 0;
	}
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc > 2) {
			for (size_t i = 0; i < BD_ARRAY_LEN(commands); i++)
				if (strcmp(commands[i]->name, argv[2]) == 0) {
					char *args[] = {argv[2], "--help", NULL};
					return commands[i]->exec(2, args);
				}
			return error("unknown command '%s' (see 'bidrag help')", argv[2]);
		}
		help(stdout);
		return 0;
	}
	for (size_t i = 0; i < BD_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i]->exec(argc - 1, argv + 1);
	return error("unknown command '%s' (see 'bidrag help')", name);
}
