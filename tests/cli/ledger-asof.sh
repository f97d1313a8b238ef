# ledger-asof.sh: status --as-of from the balance checkpoints by date
# (issue 16 item 3) gives exactly what the replay of the whole journal gives
# (a copy of the register whose checkpoints are marked incomplete, which
# status then replays), for days before the first event, on event days,
# between them and after the last, as events arrive: payments planned,
# attested and exported, events of other accounts dated before days already
# closed, bookings by the bank that make a payment paid on a later day than
# its export (two statements, one a few days after the other), and payments
# after them.  ledger verify recomputes the checkpoints; a checkpoint
# changed behind the store's back is reported, and status as of its day
# shows it (so the answer comes from the checkpoints).  A refused batch
# leaves them as they were; a register without them (from before migration
# 0015) gets them all from the journal in its next recorded batch.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
ANSWER="python3 $TESTS/bank-answer.py"
D0=S2020/09797

export BIDRAG_DB=$(fresh_db asof)
"$BIDRAG" init >/dev/null
test_users carl:handlaggare
"$BIDRAG" decision import "$EX"/decisions/*.json --by anna >/dev/null 2>&1

DAYS="2020-12-31 2021-02-14 2021-02-15 2021-02-16 2021-02-17 2021-02-18 2021-02-19 2021-02-20 2021-02-23
2021-02-24 2021-02-25 2021-03-01 2021-03-02 2021-03-15 2021-06-30 2022-01-01"
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
# asof_all DB: status as of every day of DAYS, every decision.
asof_all() {
	local d
	for d in $DAYS; do
		echo "== $d"
		BIDRAG_DB=$1 "$BIDRAG" status --as-of "$d" --format csv
	done
}
checkpoints() { sql "$1" "SELECT part_id, org_id, date, allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, repaid, reports FROM ledger_checkpoint ORDER BY part_id, org_id, date"; }
# compare NAME: the checkpoints' answers against the replay's, and verify.
compare() {
	db_copy asof replay
	sql "$(db_path replay)" "UPDATE ledger_checkpoint_state SET complete = 0"
	local mine
	mine=$(asof_all "$BIDRAG_DB")
	expect_eq "$1: status --as-of from the checkpoints is the replay's on each of $(echo $DAYS | wc -w) days" \
		"$mine" "$(asof_all "$(db_path replay)")"
	run ledger verify
	expect_rc "$1: ledger verify, the checkpoints recomputed, finds nothing" 0
}

compare "no events"
expect_eq "a new register's checkpoints are complete" "$(sql "$BIDRAG_DB" "SELECT complete FROM ledger_checkpoint_state")" "1"

run payee import "$EX/payees.csv" --user anna
run pay plan $D0 --date 2021-02-15 --by anna
expect_out "pay plan registers 27 payments" "^27 events recorded"
run pay attest $(ids registered) --date 2021-02-15 --by bertil
expect_rc "bertil attests them" 0
compare "planned and attested, one day"
expect_eq "... every event on one day: no checkpoint yet (the kept balances hold the day)" \
	"$(checkpoints "$BIDRAG_DB" | wc -l)" "0"
run pay export --batch B1 --date 2021-02-16 --output "$WORK/b1.xml" --by carl
expect_rc "pay export B1 on 2021-02-16" 0
expect_eq "... closes 2021-02-15 on the 27 accounts" "$(checkpoints "$BIDRAG_DB" | grep -c '|2021-02-15|')" "27"
compare "exported"

# Another part's account, dated before the days closed on the others.
run requisition add $D0 --part skr --recipient SKR --amount "1 000" --received 2021-02-14 --by anna --id skr-r1
expect_rc "a requisition received 2021-02-14, before the days closed on the other accounts" 0
run requisition add $D0 --part skr --recipient SKR --amount "2 000" --received 2021-02-20 --by anna --id skr-r2
expect_rc "... and another on 2021-02-20" 0
compare "a requisition dated before the others' checkpoints"

# The bank: pain.002 accepts all, camt.053 books all but one on the 19th,
# the last on the 24th.
$ANSWER pain002 "$WORK/b1.xml" >"$WORK/b1.pain002.xml"
run bank import "$WORK/b1.pain002.xml" --user carl
expect_out "pain.002 accepts the 27" "27 accepted"
last=$("$BIDRAG" bank payments --format json | python3 -c 'import json,sys; print(sorted(p["end_to_end_id"] for p in json.load(sys.stdin))[-1])')
others=$("$BIDRAG" bank payments --format json | python3 -c 'import json,sys; [print("--skip", p["end_to_end_id"]) for p in json.load(sys.stdin) if p["end_to_end_id"] != sys.argv[1]]' "$last")
$ANSWER camt053 "$WORK/b1.xml" --date 2021-02-19 --skip "$last" >"$WORK/b1.camt053.xml"
run bank import "$WORK/b1.camt053.xml" --user carl
expect_out "camt.053 of the 19th books 26" "26 booked"
compare "26 payments booked on the 19th, 3 days after their export"
$ANSWER camt053 "$WORK/b1.xml" --date 2021-02-24 $others >"$WORK/b1.late.xml"
run bank import "$WORK/b1.late.xml" --user carl
expect_out "camt.053 of the 24th books the last" "1 booked"
compare "the last booked on the 24th, 8 days after its export"
expect_eq "as of the 23rd the last payment is in process, from its checkpoint" \
	"$(BIDRAG_DB=$BIDRAG_DB "$BIDRAG" status --as-of 2021-02-23 --format json | python3 -c '
import json, sys
from decimal import Decimal
rows = json.load(sys.stdin)
print(sum(Decimal(r["in_process"]) > 0 for r in rows))')" "1"

# Repayment claims after the bookings (closing the booking days).
run repay claim $D0 --part regioner --recipient 10 --amount "1 000" --date 2021-03-01 --by anna
expect_rc "a repayment claim on 2021-03-01" 0
run repay claim $D0 --part regioner --recipient 12 --amount "2 000" --date 2021-03-02 --by anna
expect_rc "... another on 2021-03-02" 0
compare "claims after the bookings"

# A refused batch leaves the checkpoints as they were.
before=$(checkpoints "$BIDRAG_DB")
cat >"$WORK/bad.csv" <<EOF
id,kind,dnr,part,recipient,ref,date,by,amount,signed_by,override,reason,received
bad-1,requisition,$D0,skr,SKR,,2021-03-10,anna,1 000,,,,2021-03-10
bad-2,requisition,$D0,skr,SKR,,2021-03-11,anna,999 999 999 999,,,,2021-03-11
EOF
expect_error "a batch whose second requisition is past the allocation is refused" "nothing was recorded" events import "$WORK/bad.csv" --by anna
expect_eq "... and the checkpoints are as they were" "$(checkpoints "$BIDRAG_DB")" "$before"

# A register from before the checkpoints: status replays; its next batch
# builds them all from the journal, as recording made them here.
db_copy asof old
OLD=$(db_path old)
sql "$OLD" "DELETE FROM ledger_checkpoint; UPDATE ledger_checkpoint_state SET complete = 0"
expect_eq "without checkpoints status --as-of replays the journal, to the same answers" \
	"$(asof_all "$OLD")" "$(asof_all "$BIDRAG_DB")"
run repay claim $D0 --part regioner --recipient 14 --amount "3 000" --date 2021-03-15 --by anna
BIDRAG_DB=$OLD run repay claim $D0 --part regioner --recipient 14 --amount "3 000" --date 2021-03-15 --by anna
expect_rc "... a claim recorded in it" 0
expect_eq "... builds the checkpoints, the same as those recorded" "$(checkpoints "$OLD")" "$(checkpoints "$BIDRAG_DB")"
expect_eq "... and marks them complete" "$(sql "$OLD" "SELECT complete FROM ledger_checkpoint_state")" "1"
compare "after the rebuild's batch"

# A register at schema 0016 (checkpoints keyed by account, with foreign
# keys): the next command that opens it applies 0017, which keys them by
# date; every row kept, value for value, and the answers unchanged.
db_copy asof v16
V16=$(db_path v16)
cols="part_id, org_id, date, allocated, avail, requisitioned, registered, attested, paid, lapsed, claimed, repaid, reports"
if [ "$ENGINE" = sqlite ]; then
	sqlite3 "$V16" "ALTER TABLE ledger_checkpoint RENAME TO c17;
CREATE TABLE ledger_checkpoint (part_id INTEGER NOT NULL REFERENCES part(id), org_id INTEGER NOT NULL REFERENCES org(id),
 date TEXT NOT NULL CHECK (length(date) = 10), allocated INTEGER NOT NULL, avail INTEGER NOT NULL,
 requisitioned INTEGER NOT NULL, registered INTEGER NOT NULL, attested INTEGER NOT NULL, paid INTEGER NOT NULL,
 lapsed INTEGER NOT NULL, claimed INTEGER NOT NULL, repaid INTEGER NOT NULL, reports INTEGER NOT NULL,
 PRIMARY KEY (part_id, org_id, date)) WITHOUT ROWID;
INSERT INTO ledger_checkpoint ($cols) SELECT $cols FROM c17 ORDER BY part_id, org_id, date; DROP TABLE c17;
PRAGMA user_version = 16"
	key() { sqlite3 "$1" "SELECT sql FROM sqlite_schema WHERE name = 'ledger_checkpoint'" | grep -o 'PRIMARY KEY ([a-z_, ]*)\|REFERENCES [a-z]*' | tr '\n' ';'; }
else
	sql "$V16" "ALTER TABLE ledger_checkpoint DROP CONSTRAINT ledger_checkpoint_pkey;
ALTER TABLE ledger_checkpoint ADD PRIMARY KEY (part_id, org_id, date);
ALTER TABLE ledger_checkpoint ADD FOREIGN KEY (part_id) REFERENCES part(id);
ALTER TABLE ledger_checkpoint ADD FOREIGN KEY (org_id) REFERENCES org(id);
UPDATE bd_schema SET version = 16"
	key() { sql "$1" "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ledger_checkpoint'::regclass AND contype IN ('p', 'f') ORDER BY contype, conname" | sed 's/(\([a-z_, ]*\)).*/(\1)/' | tr '\n' ';'; }
fi
expect_eq "a register at 0016 has its checkpoints keyed by account, with foreign keys" "$(key "$V16")" \
	"$([ "$ENGINE" = sqlite ] && echo 'REFERENCES part;REFERENCES org;PRIMARY KEY (part_id, org_id, date);' ||
		echo 'FOREIGN KEY (org_id);FOREIGN KEY (part_id);PRIMARY KEY (part_id, org_id, date);')"
expect_eq "... status --as-of on it (0017 applied on opening) answers as before" "$(asof_all "$V16")" "$(asof_all "$BIDRAG_DB")"
expect_eq "... 0017 keys them by date, without foreign keys" "$(key "$V16")" "PRIMARY KEY (date, part_id, org_id);"
expect_eq "... every checkpoint kept, value for value" "$(checkpoints "$V16")" "$(checkpoints "$BIDRAG_DB")"
expect_eq "... and as many" "$(sql "$V16" "SELECT count(*) FROM ledger_checkpoint")" "$(checkpoints "$BIDRAG_DB" | wc -l)"
BIDRAG_DB=$V16 run ledger verify
expect_rc "... ledger verify finds nothing" 0
run repay claim $D0 --part regioner --recipient 14 --amount "1 000" --date 2021-03-16 --by anna
BIDRAG_DB=$V16 run repay claim $D0 --part regioner --recipient 14 --amount "1 000" --date 2021-03-16 --by anna
expect_rc "... a claim recorded in it" 0
expect_eq "... closes its day as in the register made at 0017" "$(checkpoints "$V16")" "$(checkpoints "$BIDRAG_DB")"

# A checkpoint changed behind the store's back: verify says which, and the
# status of its day shows it.
db_copy asof bent
BENT=$(db_path bent)
row=$(sql "$BENT" "SELECT part_id, org_id FROM ledger_checkpoint WHERE date = '2021-02-16' AND paid = 0 AND attested > 0 ORDER BY part_id, org_id LIMIT 1")
pid=${row%|*} oid=${row#*|}
sql "$BENT" "UPDATE ledger_checkpoint SET attested = attested - 100, paid = paid + 100 WHERE part_id = $pid AND org_id = $oid AND date = '2021-02-16'"
BIDRAG_DB=$BENT run ledger verify
expect_rc "ledger verify fails on a changed checkpoint" 1
expect_out "... naming it and the bucket" "the checkpoint of part id $pid, organisation id $oid on 2021-02-16 holds 100 öre paid, the events 0 öre"
# No foreign key holds a checkpoint to a part and an organisation since
# 0017: one on no account is verify's to report.
db_copy asof stray
sql "$(db_path stray)" "INSERT INTO ledger_checkpoint ($cols) VALUES ($pid, 999999, '2021-02-16', 100, 100, 0, 0, 0, 0, 0, 0, 0, 0)"
BIDRAG_DB=$(db_path stray) run ledger verify
expect_rc "ledger verify fails on a checkpoint of an organisation that does not exist" 1
expect_out "... naming it" "the checkpoint of part id $pid, organisation id 999999 on 2021-02-16 is kept, but the account has no event that day or none after it"
row=$(sql "$(db_path stray)" "SELECT part_id, org_id, date FROM ledger_checkpoint ORDER BY date DESC, part_id, org_id LIMIT 1")
sql "$(db_path stray)" "DELETE FROM ledger_checkpoint WHERE part_id = ${row%%|*} AND org_id = $(echo "$row" | cut -d'|' -f2) AND date = '${row##*|}'"
BIDRAG_DB=$(db_path stray) run ledger verify
expect_out "... and one deleted" "the checkpoint of part id ${row%%|*}, organisation id $(echo "$row" | cut -d'|' -f2) on ${row##*|} is missing"
a=$(BIDRAG_DB=$BENT "$BIDRAG" status --as-of 2021-02-16 --format csv)
b=$("$BIDRAG" status --as-of 2021-02-16 --format csv)
expect_eq "status as of that day reads the checkpoint (it shows the change)" "$([ "$a" != "$b" ] && echo differs)" "differs"
done_testing
