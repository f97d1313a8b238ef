#!/usr/bin/env bash
# Users (Argon2id passwords) and the hash-chained audit log: every change is
# logged with who, what, before and after; 'audit verify' names an entry
# whose bytes were edited in the database file, a removed entry, a reordered
# log, and a log cut short (against the head kept elsewhere).
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db a)
unset BIDRAG_USER
PW="correct horse battery staple"
export BIDRAG_PASSWORD="$PW" # who makes a change (--by) is a user, with its password

run init
run user list
expect_out "no users at first" "no users \(add the first admin"
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >"$WORK/out" 2>"$WORK/err"
expect_eq "the first admin is added" "$(cat "$WORK/out")" "user root added (admin)"
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handläggare --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add eva --role mottagare --org "Region Jämtland Härjedalen" --by root >"$WORK/out"
expect_eq "a mottagare belongs to an organisation" "$(cat "$WORK/out")" "user eva added (mottagare, 23)"
run user list
expect_out "user list" "^anna +handlaggare "
expect_out "user list shows a mottagare's organisation" "^eva +mottagare +23 "
hash=$(sql "$BIDRAG_DB" "SELECT password_hash FROM app_user WHERE name = 'anna'")
case "$hash" in
'$argon2id$'*) pass "the password is stored as an Argon2id hash" ;;
*) fail "the password is stored as an Argon2id hash" "got: $hash" ;;
esac
if db_dump "$BIDRAG_DB" | grep -q "$PW"; then fail "the password is nowhere in the database"; else pass "the password is nowhere in the database"; fi
printf '%s\n' "$PW" | "$BIDRAG" user check anna >/dev/null
expect_eq "the right password is accepted" "$?" "0"
printf 'wrong horse battery staple\n' | "$BIDRAG" user check anna >/dev/null
expect_eq "a wrong password is refused (exit 1)" "$?" "1"
printf 'new password 2026\n' | "$BIDRAG" user passwd anna --by root >/dev/null
printf 'new password 2026\n' | "$BIDRAG" user check anna >/dev/null
expect_eq "passwd changes the password" "$?" "0"

# Bad input changes nothing.
before=$(sql "$BIDRAG_DB" "SELECT count(*) FROM app_user; SELECT count(*) FROM audit_log")
printf 'short\n' >"$WORK/short"
run user add bo --role admin --by root
expect_rc "no password on stdin" 2
"$BIDRAG" user add bo --role admin --by root <"$WORK/short" >/dev/null 2>"$WORK/err"
expect_eq "a short password is refused" "$(cat "$WORK/err")" "error: the password has 5 characters; at least 12 are needed"
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role admin --by root >/dev/null 2>"$WORK/err"
expect_eq "a name taken" "$(cat "$WORK/err")" "error: a user named 'anna' exists already (see 'bidrag user list'); nothing was changed"
expect_error "an unknown role" "--role 'chef': expected handlaggare, attestant, revisor, mottagare or admin" user add bo --role chef
expect_error "a mottagare without an organisation" "a mottagare needs --org" user add bo --role mottagare
expect_error "an organisation for another role" "--org is only for the role mottagare" user add bo --role revisor --org 23
expect_error "a bad user name" "user name 'Bo Ek': expected 1 to 64 of a-z" user add "Bo Ek" --role revisor --by root
printf '%s\n' "$PW" | "$BIDRAG" user add bo --role mottagare --org Atlantis --by root >/dev/null 2>"$WORK/err"
expect_eq "an unknown organisation" "$(grep -c "unknown recipient 'Atlantis'" "$WORK/err")" "1"
printf '%s\n' "$PW" | "$BIDRAG" user passwd nobody --by root >/dev/null 2>"$WORK/err"
expect_eq "passwd of an unknown user" "$(cat "$WORK/err")" "error: no user named 'nobody' (see 'bidrag user list')"
expect_eq "bad input changed nothing" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM app_user; SELECT count(*) FROM audit_log")" "$before"

# Changes of every kind are logged: who, what, before and after (anna with
# her new password).
printf '%s\n' "$PW" | "$BIDRAG" user add mallory42 --role handlaggare --by root >/dev/null
BIDRAG_USER=mallory42 "$BIDRAG" org set 23 --reference "RJH-2020" >/dev/null
export BIDRAG_PASSWORD="new password 2026"
"$BIDRAG" decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" --by anna >/dev/null 2>&1
"$BIDRAG" org set 01 --bankgiro 5052-5781 --by anna >/dev/null
"$BIDRAG" requisition add S2020/09797 --part skr --recipient SKR --amount "15 000 000" --received 2021-11-30 --by anna >/dev/null 2>&1
"$BIDRAG" register import "$BIDRAG_SRC/examples/register/jamtland-2020.json" --by anna >/dev/null 2>&1
# The log as stored (the Swedish view of it: audit-view.sh): seq, actor,
# action and object of each entry.
run audit list --format json
OUT=$(printf '%s' "$OUT" | python3 -c 'import json,sys; [print(e["seq"], e["actor"], e["action"], e["object"]) for e in json.load(sys.stdin)]')
expect_out "the seeding of reference data" "^1 .* reference.seed +org$"
expect_out "users added, with who added them" "root +user.add +anna$"
expect_out "a password change" "root +user.passwd +anna$"
expect_out "an organisation changed, by whom" "mallory42 +org.set +23$"
expect_out "a decision registered" "decision.register +S2020/09797$"
expect_out "the seed datasets init put in the register" "dataset.seed +population@2019-11-01 v1$"
expect_out "ledger events" "anna +ledger.record +S2020/09797$"
expect_out "the recipient register" "anna +recipient-register.import +23 2020$"
run audit list --format json
printf '%s\n' "$OUT" >"$WORK/log.json"
expect_eq "org.set records before and after" \
	"$(python3 -c "import json; e=[e for e in json.load(open('$WORK/log.json')) if e['action']=='org.set' and e['object']=='23'][0]; print(json.loads(e['before'])['payment_reference'], json.loads(e['after'])['payment_reference'])")" \
	"None RJH-2020"
expect_eq "no password hash in the log" "$(grep -c argon2 "$WORK/log.json")" "0"

run audit verify
expect_rc "the log verifies" 0
expect_out "verify counts the entries" "^[0-9]+ entries checked, 0 problems; head [0-9a-f]{64}$"
head=$(printf '%s\n' "$OUT" | sed 's/.*head //')
nlog=$(sql "$BIDRAG_DB" "SELECT count(*) FROM audit_log")

# The log cannot be changed through SQL.
if sql "$BIDRAG_DB" "UPDATE audit_log SET actor = 'x' WHERE seq = 1" 2>/dev/null; then
	fail "SQL cannot change an entry"
else pass "SQL cannot change an entry"; fi
if sql "$BIDRAG_DB" "DELETE FROM audit_log WHERE seq = 1" 2>/dev/null; then
	fail "SQL cannot delete an entry"
else pass "SQL cannot delete an entry"; fi

# One byte of one entry, edited in the database file: the actor 'mallory42'
# of org set's entry (the user's name is in the user table and in its
# user.add entry too: the byte edited is the one followed by 'org.set').  A PostgreSQL database is no file
# to edit: there the byte is changed by an UPDATE around the trigger, which
# is what someone with the database's rights could do.
db_copy a clean
seq=$(sql "$BIDRAG_DB" "SELECT seq FROM audit_log WHERE actor = 'mallory42'")
if [ "$ENGINE" = pg ]; then
	sql "$BIDRAG_DB" "$(drop_trigger audit_log_no_update audit_log); UPDATE audit_log SET actor = 'mallory72' WHERE actor = 'mallory42'" >/dev/null
else python3 - "$BIDRAG_DB" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b'mallory42org.set')
assert i >= 0 and b.find(b'mallory42org.set', i + 1) < 0, "expected one occurrence"
b[i + 7] = ord('7')          # mallory42 -> mallory72
open(p, 'wb').write(bytes(b))
EOF
fi
run audit verify
expect_rc "an edited byte is found (exit 1)" 1
expect_out "verify names the edited entry" "^PROBLEM entry $seq \(org.set 23 by mallory72 at .*\) was changed: its content does not match its hash$"
expect_out "and only that entry" "^$nlog entries checked, 1 problem; head"

# An entry removed (around the triggers).
db_copy clean a
sql "$BIDRAG_DB" "$(drop_trigger audit_log_no_delete audit_log); DELETE FROM audit_log WHERE seq = 3"
run audit verify
expect_rc "a removed entry is found" 1
expect_out "verify says which entry is missing" "^PROBLEM entries 3 to 3 are missing \(removed from the log\)$"
expect_out "and where the chain breaks" "^PROBLEM entry 4 does not follow the entry before it"

# Two entries swapped.
db_copy clean a
sql "$BIDRAG_DB" "$(drop_trigger audit_log_no_update audit_log); UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -1"
run audit verify
expect_rc "a reordered log is found" 1
expect_out "verify names the moved entries" "^PROBLEM entry 2 does not follow the entry before it"
expect_out "and their hashes" "^PROBLEM entry 3 .* was changed"

# The last entry removed: found against the head kept elsewhere.
db_copy clean a
sql "$BIDRAG_DB" "$(drop_trigger audit_log_no_delete audit_log); DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"
run audit verify
expect_rc "without the head, a cut log still chains" 0
run audit verify --expect-head "$head"
expect_rc "with the head, a cut log is found" 1
expect_out "verify says the head differs" "^PROBLEM the log's head is .* not the expected"
db_copy clean a
run audit verify --expect-head "$head"
expect_rc "the intact log matches its head" 0
expect_error "a malformed head" "--expect-head 'abc': expected 64 hex digits" audit verify --expect-head abc
expect_error "an unknown subcommand" "unknown subcommand 'fix'" audit fix

done_testing
