#!/usr/bin/env bash
# db-copy.sh: bidrag db copy moves a whole register between engines.  The
# demo register (scripts/demo.sh: the four seed decisions, seed 000 paid and
# exported, a requisition, seed 002's recipient register, one user per role)
# goes SQLite -> PostgreSQL -> SQLite, and every view of it is the same on
# all three: each decision's export, status as JSON, the ledger's events,
# ledger verify, audit verify (the same head hash: the chain is copied, not
# appended to), the audit log, users with their password hashes (a password
# still logs in), the stored payment file byte for byte, the recipient
# register's versions and the datasets.  Then the refusals: a non-empty
# target, a missing source, an unreachable server; none writes anything.
#
# This test needs both engines at once, so it makes its own SQLite paths and
# PostgreSQL databases on the server tests/run starts (BIDRAG_TEST_PG_HOST)
# instead of asking lib.sh for one engine's; without that server it fails.
. "$(dirname "$0")/lib.sh"

if [ -z "${BIDRAG_TEST_PG_HOST:-}" ] || ! [ -S "$BIDRAG_TEST_PG_HOST/.s.PGSQL.5432" ]; then
	fail "a PostgreSQL test server: BIDRAG_TEST_PG_HOST='${BIDRAG_TEST_PG_HOST:-}' has no server socket (tests/run starts one; see tests/cli/lib.sh)"
	done_testing
	exit 1
fi
pgname="bt$$_copy"
pguri() { echo "postgresql://bidrag_test@/$pgname$1?host=$BIDRAG_TEST_PG_HOST"; }
newpg() {
	pgc dropdb --if-exists --force "$pgname$1" >/dev/null 2>&1
	pgc createdb "$pgname$1" || { echo "cannot make the database $pgname$1" >&2; exit 1; }
	pguri "$1"
}
dropall() {
	local d
	for d in $(pgc psql -XAtq -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${pgname}%'" 2>/dev/null); do
		pgc dropdb --force "$d" >/dev/null 2>&1
	done
	cleanup_work
}
trap dropall EXIT

ex=$BIDRAG_SRC/examples
b() { "$BIDRAG" "$@"; }

# The demo register, as scripts/demo.sh fills it.
src=$WORK/demo.db
export BIDRAG_DB=$src
unset BIDRAG_USER
{
	b init
	# one demo user per role, the admin first (each password bidrag-demo-NAME)
	for u in admin:admin anna:handlaggare bertil:attestant rut:revisor eva:mottagare; do
		name=${u%%:*} role=${u#*:}
		org="" by=""
		[ "$role" = mottagare ] && org="--org 23"
		[ "$name" = admin ] || by="--by admin"
		printf 'bidrag-demo-%s\n' "$name" | BIDRAG_PASSWORD=bidrag-demo-admin b user add "$name" --role "$role" $org $by
	done
	export BIDRAG_PASSWORD=bidrag-demo-anna
	b decision import "$ex"/decisions/*.json --by anna
	b payee import "$ex"/payees.csv --user anna
	b pay plan S2020/09797 --date 2021-02-15 --by anna
	ids=$(b pay list --format csv | tail -n +2 | cut -d, -f1)
	BIDRAG_PASSWORD=bidrag-demo-bertil b pay attest $ids --date 2021-02-15 --by bertil
	b pay export --batch 2021-02-16 --format pain001 --date 2021-02-16 --output "$WORK/2021-02-16.xml" --by anna
	b requisition add S2020/09797 --part skr --recipient SKR --amount "15 000 000" --received 2021-11-30 \
		--signed-by "Anders Knape" --by anna
	BIDRAG_PASSWORD=bidrag-demo-eva b register import "$ex"/register/jamtland-2020.json --by eva
} >"$WORK/demo.log" 2>&1
rc=$?
nevents=$(b events list --format csv 2>/dev/null | tail -n +2 | wc -l)
if [ "$rc" -eq 0 ] && [ "$nevents" -gt 20 ] && [ -s "$WORK/2021-02-16.xml" ]; then
	pass "the demo register is built ($nevents events, a payment file)"
else
	fail "the demo register is built" "exit $rc, $nevents events" "$(tail -5 "$WORK/demo.log")"
fi

pg=$(newpg a)
back=$WORK/back.db
run db copy "$src" "$pg"
expect_rc "db copy SQLite -> PostgreSQL" 0
expect_out "it says what it copied" "^copied 4 decisions, $nevents ledger events, 1 payment files, [0-9]+ recipient register versions, 5 users and [0-9]+ audit entries"
run db copy "$pg" "$back"
expect_rc "db copy PostgreSQL -> SQLite (a new file)" 0

# views DB DIR: every view the copy must keep, one file each.
views() {
	local db=$1 dir=$2 d
	mkdir -p "$dir"
	export BIDRAG_DB=$db
	b decision list --format json >"$dir/decisions.json" 2>&1
	for d in $(b decision list --format csv | tail -n +2 | cut -d, -f1); do
		b decision export "$d" >"$dir/export-${d//\//_}.json" 2>&1
	done
	b status --format json >"$dir/status.json" 2>&1
	b events list --format json >"$dir/events.json" 2>&1
	b ledger verify >"$dir/ledger-verify.txt" 2>&1
	echo "exit $?" >>"$dir/ledger-verify.txt"
	b audit verify >"$dir/audit-verify.txt" 2>&1
	echo "exit $?" >>"$dir/audit-verify.txt"
	b audit list --format json >"$dir/audit.json" 2>&1
	b user list >"$dir/users.txt" 2>&1
	b register list --all >"$dir/register.txt" 2>&1
	b register show --org 23 --year 2020 --format json >"$dir/register-2020.json" 2>&1
	b datasets registered >"$dir/datasets.txt" 2>&1
	b org list >"$dir/orgs.txt" 2>&1
	b pay list --state executed --format json >"$dir/executed.json" 2>&1
	# The stored file, as a second export of the batch hands it back.
	b pay export --batch 2021-02-16 --format pain001 --date 2021-02-16 --output "$dir/batch.xml" --by anna >/dev/null 2>&1
	printf 'bidrag-demo-bertil\n' | b user check bertil >"$dir/check.txt" 2>&1
	echo "exit $?" >>"$dir/check.txt"
	export BIDRAG_DB=$src
}
views "$src" "$WORK/v-src"
views "$pg" "$WORK/v-pg"
views "$back" "$WORK/v-back"
for f in "$WORK"/v-src/*; do
	name=$(basename "$f")
	for side in pg back; do
		if cmp -s "$f" "$WORK/v-$side/$name"; then
			pass "$name: the same on $side"
		else
			fail "$name: the same on $side" "$(diff "$f" "$WORK/v-$side/$name" | head -8)"
		fi
	done
done
expect_eq "ledger verify is clean" "$(tail -1 "$WORK/v-pg/ledger-verify.txt")" "exit 0"
expect_eq "audit verify is clean" "$(tail -1 "$WORK/v-pg/audit-verify.txt")" "exit 0"
expect_eq "a copied password still logs in" "$(tail -1 "$WORK/v-back/check.txt")" "exit 0"
if cmp -s "$WORK/2021-02-16.xml" "$WORK/v-back/batch.xml" && cmp -s "$WORK/2021-02-16.xml" "$WORK/v-pg/batch.xml"; then
	pass "the payment file is kept byte for byte"
else
	fail "the payment file is kept byte for byte" "$(cmp "$WORK/2021-02-16.xml" "$WORK/v-back/batch.xml")"
fi
# The rows themselves: the copy back is the source, table by table.
for t in ledger_event audit_log app_user pay_batch recipient_register decision_warning dataset_value org payee_account pay_batch_account; do
	if [ "$(sqlite3 "$src" "SELECT * FROM $t ORDER BY 1, 2" | sha256sum)" = "$(sqlite3 "$back" "SELECT * FROM $t ORDER BY 1, 2" | sha256sum)" ]; then
		pass "table $t: the same rows after the round trip"
	else
		fail "table $t: the same rows after the round trip"
	fi
done

# New rows after a copy get new numbers (PostgreSQL's sequences moved past
# the copied ones) and the chain goes on.
export BIDRAG_DB=$pg
run pay plan S2020/09796 --date 2021-01-15 --by anna
expect_rc "an event recorded after the copy (PostgreSQL)" 0
run org add --code TESTX --name "Testorganisation" --kind other --by anna
expect_rc "an organisation added after the copy (PostgreSQL)" 0
run audit verify
expect_rc "the chain goes on after the copy (PostgreSQL)" 0
export BIDRAG_DB=$back
run pay plan S2020/09796 --date 2021-01-15 --by anna
expect_rc "an event recorded after the copy (SQLite)" 0
seqpg=$(BIDRAG_DB=$pg "$BIDRAG" events list --format csv | tail -1 | cut -d, -f1)
seqback=$(BIDRAG_DB=$back "$BIDRAG" events list --format csv | tail -1 | cut -d, -f1)
expect_eq "the next event's place follows the copied ones on both" "$seqpg" "$seqback"

# A target 'bidrag init' alone has written to is empty; one with anything
# else is refused, and left as it was.
export BIDRAG_DB=$src
initpg=$(newpg b)
"$BIDRAG" init --db "$initpg" >/dev/null 2>&1
run db copy "$src" "$initpg"
expect_rc "a PostgreSQL register only 'bidrag init' wrote to takes a copy" 0
run audit verify --db "$initpg"
expect_eq "its audit log is the source's" "$OUT" "$(cat "$WORK/v-src/audit-verify.txt" | sed '$d')"
"$BIDRAG" init --db "$WORK/init.db" >/dev/null 2>&1
run db copy "$pg" "$WORK/init.db"
expect_rc "a SQLite register only 'bidrag init' wrote to takes a copy" 0

before=$(db_sum "$back")
expect_error "a non-empty SQLite target is refused" "^error: the target is not empty: it holds [0-9]+ organisations" db copy "$pg" "$back"
expect_eq "the refused SQLite target is unchanged" "$(db_sum "$back")" "$before"
before=$(db_sum "$pg")
expect_error "a non-empty PostgreSQL target is refused" "^error: the target is not empty" db copy "$back" "$pg"
expect_eq "the refused PostgreSQL target is unchanged" "$(db_sum "$pg")" "$before"
fresh=$WORK/user-only.db
"$BIDRAG" init --db "$fresh" >/dev/null 2>&1
printf 'bidrag-demo-someone\n' | "$BIDRAG" user add someone --role admin --db "$fresh" >/dev/null 2>&1
expect_error "a target with one user is refused" "not empty: it holds 1 users" db copy "$src" "$fresh"

expect_error "a missing source is refused" "no database at '$WORK/nothing.db'" db copy "$WORK/nothing.db" "$WORK/new.db"
if [ -e "$WORK/new.db" ]; then fail "nothing is made for a refused copy" "$WORK/new.db exists"; else pass "nothing is made for a refused copy"; fi
expect_unavailable "an unreachable server is refused (exit 4)" "cannot connect to the database .*unreachable" \
	db copy "$src" "postgresql://bidrag_test@/x?host=$WORK/nosocket"
expect_unavailable "a missing PostgreSQL database is refused (exit 4)" "no such database" db copy "$src" "$(pguri missing)"
expect_unavailable "a missing PostgreSQL source is refused (exit 4)" "no such database" db copy "$(pguri missing)" "$WORK/new3.db"
if [ -e "$WORK/new3.db" ]; then fail "a refused copy makes no SQLite file" "$WORK/new3.db exists"; else pass "a refused copy makes no SQLite file"; fi
expect_error "db copy takes two locations" "takes FROM and TO" db copy "$src"
run help db
expect_out "its help says what empty means" "only 'bidrag init' has written to"

done_testing
