#!/usr/bin/env bash
# ident.sh: every change made from the command line is recorded as a
# registered bidrag user (issue 14 item 6): --as USER (or --by, --user,
# $BIDRAG_USER) with its password, or the user mapped to the OS account;
# names compared after NFC and whitespace folding; four eyes on users.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
D0=S2020/09797
PW=ident-password-1
export BIDRAG_DB=$(fresh_db reg)
unset BIDRAG_USER BIDRAG_PASSWORD
ME=$(id -un)
"$BIDRAG" init >/dev/null

# A register being set up: no users yet.
expect_error "--by a name that is no user, before any user exists" "no users yet" \
	org add --code X1 --name Ekonomen --kind other --by ekonom
run decision import "$EX/S2020-09797.json"
expect_rc "a register without users is set up by the OS account" 0
printf '%s\n' "$PW" >"$WORK/pw"
run user add anna --role handlaggare <"$WORK/pw"
expect_rc "the first user must be an admin" 2
expect_err "the first user: says why" "first user must be an admin"
run user add root --role admin <"$WORK/pw"
expect_rc "the first user, an admin, by the OS account alone" 0
expect_eq "the bootstrap is recorded as the OS account" \
	"$(sql "$BIDRAG_DB" "SELECT actor FROM audit_log WHERE action = 'user.add' AND object = 'root'")" "$ME"

# From the first user on, someone must be named.
expect_error "a second user without identity: both ways named" "--as USER.*map the OS account '$ME'" \
	user add anna --role handlaggare
export BIDRAG_PASSWORD=$PW
expect_error "an unknown user" "--as ekonom: wrong user name or password" \
	user add anna --role handlaggare --by ekonom
BIDRAG_PASSWORD=wrong-password-9 run user add anna --role handlaggare --by root <"$WORK/pw"
expect_rc "a wrong password: refused" 2
expect_err "a wrong password: says so" "--as root: wrong user name or password"
expect_eq "a wrong password: counted as a failed login" \
	"$(sql "$BIDRAG_DB" "SELECT failures FROM login_throttle WHERE key = 'user:root'")" 1
expect_eq "a wrong password: no user added" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM app_user")" 1
run user add anna --role handlaggare --by root <"$WORK/pw"
expect_rc "an admin adds a user (--by root, password from BIDRAG_PASSWORD)" 0
expect_eq "a good password clears the count" \
	"$(sql "$BIDRAG_DB" "SELECT failures FROM login_throttle WHERE key = 'user:root'")" 0
# No password anywhere, no terminal: a clear error.
(unset BIDRAG_PASSWORD; setsid "$BIDRAG" org add --code X2 --name Ett --kind other --as root </dev/null >"$WORK/o" 2>"$WORK/e")
expect_eq "no password and no terminal: exit 2" "$?" 2
if grep -q 'BIDRAG_PASSWORD or the terminal, and there is neither' "$WORK/e"; then pass "no password: says where it is read from"; else fail "no password: says where it is read from" "$(cat "$WORK/e")"; fi
BIDRAG_PASSWORD=$(printf '%01025d' 0) run org add --code X2 --name Ett --kind other --as root
expect_rc "a password of 1 025 characters from \$BIDRAG_PASSWORD: refused" 2
expect_err "... says how long one may be" "longer than 1024 characters"
# The password typed on the terminal (a pseudo-terminal of the test's own,
# the command's controlling one): prompted for, not echoed.
tty_out=$(unset BIDRAG_PASSWORD; python3 - "$BIDRAG" "$PW" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "org", "add", "--code", "X4", "--name", "Fyra", "--kind", "other", "--as", "root"])
seen, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not sent and "Lösenord för root: ".encode() in seen:
        time.sleep(0.2)
        os.write(fd, sys.argv[2].encode() + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(status), "echoed" if sys.argv[2].encode() in seen else "quiet")
PY
)
expect_eq "--as root, its password typed on the terminal: prompted, not echoed, recorded" "$tty_out" "exit 0 quiet"
expect_eq "... the organisation added" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM org WHERE code = 'X4'")" 1
run user add zed --role revisor --by root </dev/null
expect_rc "user add with no password on standard input: refused" 2
expect_err "... says where the password is expected" "no password given"
run user add bertil --role attestant --as anna <"$WORK/pw"
expect_rc "a handläggare may not add users" 2
expect_err "a handläggare may not add users: says why" "anna is handlaggare: only an admin"
BIDRAG_USER=root run user add bertil --role attestant <"$WORK/pw"
expect_rc "\$BIDRAG_USER is the same as --as" 0
printf '%s\n' "$PW" | "$BIDRAG" user add åsa --role attestant --by root >/dev/null

# Name variants: folded (NFC, whitespace) to the same user, or no user.
DECOMPOSED=$(printf 'a\xcc\x8asa') # a + combining ring: 'åsa' as a Mac terminal may type it
expect_error "user add: a decomposed å is the same name as the composed one" "a user named 'åsa' exists already" \
	user add "$DECOMPOSED" --role attestant --by root
expect_error "user add: 'an na' is no user name" "user name 'an na': expected" \
	user add "an na" --role attestant --by root
expect_eq "users: root, anna, bertil, åsa" "$(sql "$BIDRAG_DB" "SELECT name FROM app_user ORDER BY id" | tr '\n' ' ')" \
	"root anna bertil åsa "

# The ledger: roles as the web has them, four eyes on users.
run pay add $D0 --part regioner --recipient 09 --amount "1 000" --date 2021-03-01 --by anna --id p1
expect_rc "anna (handläggare) registers a payment" 0
expect_error "'an na' is not anna: refused as no user" "--as an na: wrong user name or password" \
	pay attest p1 --date 2021-03-02 --by "an na"
expect_error "' anna ' folds to anna, who may not attest (handläggare)" "anna is handlaggare.*attest event" \
	pay attest p1 --date 2021-03-02 --by " anna "
expect_error "bertil (attestant) may not register a payment" "bertil is attestant.*payment event" \
	pay add $D0 --part regioner --recipient 10 --amount "1 000" --date 2021-03-01 --by bertil
run pay attest p1 --date 2021-03-02 --by "$DECOMPOSED"
expect_rc "åsa, typed decomposed, attests" 0
expect_eq "the attestation is åsa's, composed" \
	"$(sql "$BIDRAG_DB" "SELECT actor FROM ledger_event WHERE id = 'attest:p1'")" "åsa"
# An events file cannot name someone else.
printf 'id,kind,dnr,part,recipient,date,by,amount\np2,payment,%s,regioner,10,2021-04-01,ekonom,1000\n' "$D0" >"$WORK/ev.csv"
expect_error "an events file naming 'ekonom' is refused" "recorded by 'ekonom', not by 'anna'" \
	events import "$WORK/ev.csv" --by anna
expect_eq "ekonom is nowhere in the audit log" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM audit_log WHERE actor = 'ekonom'")" 0

# The OS account mapped to a user: no --as, no password.
unset BIDRAG_PASSWORD
expect_error "unmapped, no --as: refused" "map the OS account '$ME'" \
	pay add $D0 --part regioner --recipient 10 --amount "1 000" --date 2021-03-01 --id p3
# A command of several files: the second is not written as no one once
# the first was refused for want of a user.
n_dec=$(sql "$BIDRAG_DB" "SELECT count(*) FROM decision")
run decision import "$EX/S2020-09796.json" "$EX/S2017-07321-FS.json"
expect_rc "unmapped, no --as, two decision files: refused" 2
expect_err "... each file refused, the second too" "S2017-07321-FS.json: no change was made without knowing who"
expect_eq "... neither registered" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM decision")" "$n_dec"
BIDRAG_PASSWORD=$PW run user map anna --os-account "$ME" --by root
expect_rc "an admin maps the OS account to anna" 0
run pay add $D0 --part regioner --recipient 10 --amount "1 000" --date 2021-03-01 --id p3
expect_rc "the mapped OS account records as anna" 0
expect_eq "p3 is anna's" "$(sql "$BIDRAG_DB" "SELECT actor FROM ledger_event WHERE id = 'p3'")" "anna"
BIDRAG_PASSWORD=$PW run user map bertil --os-account "$ME" --by root
expect_rc "one OS account maps to one user" 2
expect_err "one OS account maps to one user: says whose" "is anna's already"
run user list
expect_out "user list shows the OS account" "^anna +handlaggare +$ME "

# Reading needs no one.
run status --db "$BIDRAG_DB"
expect_rc "status needs no identity" 0
BIDRAG_PASSWORD=$PW run user map anna --os-account "" --by root
expect_rc "unmapped again" 0
run pay list
expect_rc "pay list needs no identity" 0
run audit list
expect_rc "audit list needs no identity" 0
run ledger verify
expect_rc "ledger verify needs no identity" 0

# Too many wrong passwords: the same throttle as the web's login.  After five
# failures every try waits 1 s, doubling with each failure counted after it;
# a try takes most of a second on PostgreSQL, so a few more are made, up to
# five, until one is told to wait (rut is no user: each of them fails too).
for i in 1 2 3 4 5; do BIDRAG_PASSWORD=wrong-password-$i "$BIDRAG" org add --code X3 --name Tre --kind other --by rut >/dev/null 2>&1; done
for i in 1 2 3 4 5; do
	BIDRAG_PASSWORD=$PW run org add --code X3 --name Tre --kind other --by rut
	case $ERR in *"too many failed logins"*) break ;; esac
done
expect_rc "after five failures: refused" 2
expect_err "after five failures: wait" "too many failed logins: try again in [0-9]+ s"
done_testing
