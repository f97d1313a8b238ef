#!/usr/bin/env bash
# bidrag help: every command's help is generated from its option table
# (src/cmd/options.c), so every option the usage names is listed with what it
# does, and 'bidrag X --help' says the same as 'bidrag help X'.
. "$(dirname "$0")/lib.sh"

run help
expect_rc "bidrag help" 0
commands=$(printf '%s\n' "$OUT" | awk '/^commands:/ {f = 1; next} f && /^  [a-z]/ {print $1}')
expect_eq "bidrag help lists the commands" "$(printf '%s\n' "$commands" | wc -l)" 27

for c in $commands; do
	run help "$c"
	expect_rc "help $c" 0
	help=$OUT
	# The options the usage lines name (up to the first blank line), each
	# must have a line of its own in the option list below.
	named=$(printf '%s\n' "$help" | sed '/^$/q' | grep -oE -- '(^|[][ (|])--[a-z][a-z0-9-]*' | sed 's/^[][ (|]*//' | sort -u)
	missing=
	for o in $named; do
		printf '%s\n' "$help" | grep -qE -- "^  (-[a-z], )?$o( [^ ]+)?   " || missing="$missing $o"
	done
	expect_eq "help $c: every option in the usage is described" "$missing" ""
	wide=$(printf '%s\n' "$help" | awk 'length($0) > 110' | head -1)
	expect_eq "help $c: no line wider than 110 columns" "$wide" ""
	run "$c" --help
	expect_eq "$c --help says what help $c says" "$OUT" "$help"
done

# A command with verbs and none given: the usage on stderr, exit 2.
run pay
expect_rc "pay without a verb: exit 2" 2
expect_err "pay without a verb: the usage on stderr" '^usage: bidrag pay add'
expect_err "pay without a verb: its options too" '^  --batch B +the payment batch'
done_testing
