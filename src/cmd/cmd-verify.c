#include "cmd.h"
const struct cmd_entry cmd_verify_entry = {.name = "verify", .summary = "verify", .usage = "verify", .exec = cmd_verify};
int cmd_verify(int argc, char **argv) { (void)argc; (void)argv; return 0; }
