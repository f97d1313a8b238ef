# bank-loop.sh: the loop with the bank closed, as a new user would run it
# (issue 13, "Done when"): payees imported, a seed decision's payments
# planned, attested and exported as pain.001; the bank's pain.002 rejects
# one (AC01) and accepts the rest; the payee's account is fixed under four
# eyes, the payment planned, attested and exported again; camt.053
# statements book the payments; a repayment claim gets an OCR reference and
# a BgMax file pays it; SIE 4 for the period.  status and ledger verify
# agree at every step (check_books), and a second import of each file
# changes nothing (again).  A payment is paid on the day the bank booked it
# (status --as-of, SIE, bank days).  Then the error paths (each leaves the
# database as it was), a repayment by hand for its claim (repay receive
# --claim), one credit in a camt.054 and the day's camt.053 recorded once,
# and the real bank files of ../shared/data/bank in a register they match
# nothing in.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
ANSWER="python3 $TESTS/bank-answer.py"
DATA="$BIDRAG_SRC/../shared/data/bank"
D0=S2020/09797
# The people, registered users (their one password in $BIDRAG_PASSWORD):
# anna handläggare, bertil attestant, carl handläggare who imports the
# bank's files; every change names one of them, or is carl's, the user of
# the OS account running the test.
PW='bank-loop-lösenord-1'
export BIDRAG_PASSWORD="$PW"
unset BIDRAG_USER
users() {
	printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
	for u in anna:handlaggare bertil:attestant carl:handlaggare; do
		printf '%s\n' "$PW" | "$BIDRAG" user add "${u%%:*}" --role "${u#*:}" --by root >/dev/null
	done
	"$BIDRAG" user map carl --os-account "$(id -un)" --by root >/dev/null
}

# payments_json: every executed payment, as 'bank payments' gives it.
payments() { "$BIDRAG" bank payments --format json; }
# e2e_of NAME: the EndToEndId of the (last) payment to NAME.
e2e_of() { payments | python3 -c 'import json,sys; print([p["end_to_end_id"] for p in json.load(sys.stdin) if p["recipient"] == sys.argv[1]][-1])' "$1"; }
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
# totals: the status's paid, repaid and claimed totals (kronor, as written).
totals() {
	"$BIDRAG" status $D0 "$@" --format json | python3 -c '
import json, sys
from decimal import Decimal
rows = json.load(sys.stdin)
print(" ".join(str(sum(Decimal(r[k]) for r in rows)) for k in ("paid", "in_process", "claimed", "repaid")))'
}
# state: what a second import must leave as it is: the journal, the
# status, and the database's content (but the login counters: db_sum_but_logins).
state() { "$BIDRAG" events list --format csv; "$BIDRAG" status $D0 --format csv; db_sum_but_logins "$BIDRAG_DB"; }
# check_books NAME PAID: ledger verify finds nothing, and status's paid
# total is PAID (kronor) as the bank's view of the batches makes it: what was
# sent less what was rejected or returned.
check_books() {
	run ledger verify
	expect_rc "$1: ledger verify finds the books right" 0
	local bank
	bank=$("$BIDRAG" bank batches --format json | python3 -c '
import json, sys
from decimal import Decimal
b = json.load(sys.stdin)
print(sum((Decimal(x["sent_amount"]) - Decimal(x["rejected_amount"]) - Decimal(x["returned_amount"]) for x in b),
          Decimal("0.00")))')
	expect_eq "$1: status pays what the bank has not rejected or returned" "$(totals | cut -d' ' -f1)" "$2"
	expect_eq "$1: ... and the batches agree" "$bank" "$2"
}
# again NAME FILE: a second import of FILE records nothing.
again() {
	local before
	before=$(state)
	run bank import "$2" --user carl
	expect_rc "$1: a second import is accepted" 0
	expect_out "$1: ... says the file was imported before and nothing was recorded" "was imported before, by carl.*nothing recorded"
	expect_eq "$1: ... and changes nothing (journal, status, database)" "$(state)" "$before"
}
# refused NAME PATTERN FILE: the import of FILE is refused, saying
# PATTERN, and leaves the database as it was.
refused() {
	local before
	before=$(db_sum "$BIDRAG_DB")
	expect_error "$1" "$2" bank import "$3" --user carl
	expect_eq "$1: ... nothing recorded (the database is as before)" "$(db_sum "$BIDRAG_DB")" "$before"
}

export BIDRAG_DB=$(fresh_db loop)
"$BIDRAG" init >/dev/null
users
"$BIDRAG" decision import "$EX"/decisions/*.json >/dev/null 2>&1

# 1. Payees, a plan, an attestation, pain.001.
run payee import "$EX/payees.csv" --user anna
expect_rc "payee import of the example payees" 0
check_books "after the payees" 0.00
run pay plan $D0 --date 2021-02-15 --by anna
expect_out "pay plan registers the decision's 27 payments" "^27 events recorded, 0 already recorded$"
check_books "after the plan" 0.00
run pay attest $(ids registered) --date 2021-02-15 --by bertil
expect_rc "bertil attests them" 0
check_books "after the attestation" 0.00
run pay export --batch B1 --date 2021-02-16 --output "$WORK/b1.xml" --by carl
expect_rc "pay export writes batch B1 as pain.001" 0
check_books "after the export" 275000000.00
skane=$(e2e_of "Region Skåne")
expect_out "bank payments names each payment's EndToEndId" "."
expect_eq "... Region Skåne's is one of B1's" "${skane%-*}" "B1"
run bank batches --format json
expect_out "bank batches: B1 sent, 27 payments, no answer yet" '"batch":"B1".*"sent":27.*"unanswered":27'

# 2. pain.002: Region Skåne's payment rejected (AC01), the rest accepted.
$ANSWER pain002 "$WORK/b1.xml" --reject "$skane:AC01:Kontot finns inte" >"$WORK/b1.pain002.xml"
run bank import "$WORK/b1.pain002.xml" --user carl
expect_rc "bank import of the pain.002" 0
expect_out "... recognised by its content" "pain.002.001.03, 27 entries"
expect_out "... the rejection with its reason in Swedish" "rejected, 28 681 860,00 kr, payment .*: AC01 felaktigt kontonummer: Kontot finns inte"
expect_out "... 26 accepted, 1 rejected, 27 events" "recorded 27 events; 26 accepted \(246 318 140,00 kr\) 1 rejected \(28 681 860,00 kr\)"
check_books "after the pain.002" 246318140.00
run bank payments --batch B1 --format json
expect_eq "the rejected payment's state and reason" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; p=[x for x in json.load(sys.stdin) if x["end_to_end_id"]==sys.argv[1]][0]; print(p["state"], p["state_sv"], p["reason"])' "$skane")" \
	"rejected avvisad AC01 felaktigt kontonummer: Kontot finns inte (pain.002.001.03 STS-B1)"
expect_eq "nothing is attested or registered: the rejected payment is void" "$(ids attested; ids registered)" ""
again "pain.002" "$WORK/b1.pain002.xml"
expect_eq "pay list: the rejected payment is no longer among B1's executed ones" \
	"$("$BIDRAG" pay list --state executed --batch B1 --format csv | tail -n +2 | wc -l)" "26"
run pay export --batch B1 --format lb --force --date 2021-02-16 --output "$WORK/b1.lb" --by carl
expect_err "B1 exported again as LB (forced): its export of the rejected payment is void, 26 payments" \
	"batch B1: 26 payments, 246 318 140,00 kr, exported as lb"
check_books "after the LB file" 246318140.00
expect_eq "the import is in the audit log" "$("$BIDRAG" audit list --format json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["action"] == "bank import":
        a = json.loads(e["after"])
        print(e["object"], e["actor"], a["kind"], a["events"], a["entries_by_outcome"]["rejected"]["count"])' | head -1)" \
	"b1.pain002.xml carl pain.002.001.03 27 1"

# 3. The payee's account fixed under four eyes, the payment planned again.
newbg=$(python3 -c '
d = "9000035"
s = sum((int(c) * (2 - i % 2) - 9 * (int(c) * (2 - i % 2) > 9)) for i, c in enumerate(reversed(d)))
print(d[:4] + "-" + d[4:] + str((10 - s % 10) % 10))')
run payee propose 232100-0255 --bankgiro "$newbg" --evidence "Region Skånes brev om nytt bankgiro" --user anna
expect_rc "anna proposes Region Skåne's new bankgiro $newbg" 0
change=$(printf '%s\n' "$OUT" | grep -oE 'change [0-9]+' | head -1 | cut -d' ' -f2)
expect_error "... anna cannot approve her own proposal" "four eyes" payee approve "$change" --user anna
run payee approve "$change" --user bertil
expect_rc "... bertil approves it" 0
check_books "after the change of account" 246318140.00
run pay plan $D0 --date 2021-02-17 --by anna
expect_out "pay plan registers the rejected amount again, for Region Skåne only" "^recorded plan:$D0:regioner:12:2021-02-17:2868186000:"
run pay list --format json
expect_out "... to the new account" "\"account\":\"$newbg\""
check_books "after the new plan" 246318140.00
run pay attest $(ids registered) --date 2021-02-17 --by bertil
expect_rc "bertil attests it" 0
check_books "after its attestation" 246318140.00
run pay export --batch B2 --date 2021-02-18 --output "$WORK/b2.xml" --by carl
expect_rc "pay export writes batch B2" 0
expect_eq "... the file pays the new account" "$(grep -c "<Id>${newbg%-*}${newbg#*-}</Id>" "$WORK/b2.xml")" "1"
check_books "after B2" 275000000.00
$ANSWER pain002 "$WORK/b2.xml" >"$WORK/b2.pain002.xml"
run bank import "$WORK/b2.pain002.xml" --user carl
expect_out "B2's pain.002 accepts it" "recorded 1 event; 1 accepted"
check_books "after B2's pain.002" 275000000.00
again "B2's pain.002" "$WORK/b2.pain002.xml"

# 4. camt.053 statements book the payments.
$ANSWER camt053 "$WORK/b1.xml" --date 2021-02-19 --skip "$skane" >"$WORK/b1.camt053.xml"
run bank import "$WORK/b1.camt053.xml" --user carl
expect_rc "bank import of B1's statement" 0
expect_out "... books B1's 26 payments on the booking date" "recorded 26 events; 26 booked \(246 318 140,00 kr\)"
$ANSWER camt053 "$WORK/b2.xml" --date 2021-02-22 >"$WORK/b2.camt053.xml"
run bank import "$WORK/b2.camt053.xml" --user carl
expect_out "... and B2's" "recorded 1 event; 1 booked \(28 681 860,00 kr\)"
check_books "after the statements" 275000000.00
run events list --format csv
expect_eq "the bookings are events dated the booking day" \
	"$(printf '%s\n' "$OUT" | grep -c ',bank-book,2021-02-19,') $(printf '%s\n' "$OUT" | grep -c ',bank-book,2021-02-22,')" "26 1"
# A payment counts paid from the day the bank booked it; exported and not
# yet booked it is with the bank, in process.
expect_eq "status --as-of the export day of B2: nothing paid yet, all with the bank" \
	"$(totals --as-of 2021-02-18 | cut -d' ' -f1,2)" "0.00 275000000.00"
expect_eq "... as of B1's booking day: B1 paid, B2 with the bank" \
	"$(totals --as-of 2021-02-19 | cut -d' ' -f1,2)" "246318140.00 28681860.00"
expect_eq "... as of B2's booking day: all paid" "$(totals --as-of 2021-02-22 | cut -d' ' -f1,2)" "275000000.00 0.00"
expect_eq "... and status without a date as of the last" "$(totals | cut -d' ' -f1,2)" "275000000.00 0.00"
run bank batches --format json
expect_eq "bank batches: B1 26 booked and 1 rejected, B2 1 booked" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(" ".join("%s:%d/%d/%d/%d" % (b["batch"], b["sent"], b["booked"], b["rejected"], b["unanswered"]) for b in json.load(sys.stdin)))')" \
	"B1:27/26/1/0 B2:1/1/0/0"
again "camt.053" "$WORK/b1.camt053.xml"
again "B2's camt.053" "$WORK/b2.camt053.xml"
run bank days --format json
expect_out "bank days: the 19th's booked debits beside the ledger's, paid on its booking day" '"date":"2021-02-19","bank_out":"246318140.00","ledger_paid":"246318140.00","ledger_back":"0.00","bank_in":"0.00","ledger_repaid":"0.00","difference":"0.00"'
expect_out "... the 16th: of B1 only the payment the bank rejected, paid and back" '"date":"2021-02-16","bank_out":"0.00","ledger_paid":"28681860.00","ledger_back":"28681860.00"'

# 5. A repayment claim with an OCR reference, paid by BgMax.
run repay claim $D0 --part regioner --recipient 01 --amount "100 000" --date 2021-06-01 --by anna
expect_rc "repay claim" 0
expect_out "... prints the claim's number and OCR reference" "^repayment claim 1001 of 100 000,00 kr: OCR reference [0-9]+$"
ocr=$(printf '%s\n' "$OUT" | sed -n 's/.*OCR reference \([0-9]*\)$/\1/p')
expect_eq "... the OCR reference is the number, its length digit and a Luhn digit" "$ocr" "100164"
run repay list --format json
expect_out "repay list shows it open" '"number":"1001","ocr":"100164",.*"state":"open"'
run status $D0
expect_out "status lists the open claim with its OCR reference" "krav 1001, OCR-nummer 100164: $D0 del regioner, Region Stockholm, 100 000,00 kr kvar"
run repay letter 1001 --output "$WORK/claim.pdf" --date 2021-06-01
expect_rc "repay letter writes the claim's letter" 0
expect_eq "... a PDF with the bankgiro and the OCR reference" \
	"$(head -c 5 "$WORK/claim.pdf"; pdftotext "$WORK/claim.pdf" - | grep -cE '^(5052-5781|100164)$')" "%PDF-2"
$ANSWER bgmax --bankgiro 5052-5781 --date 2021-06-10 --pay "$ocr:100000:1234-5674:Region Stockholm" \
	--pay "12345:250:9900-0011:Okänd betalare" >"$WORK/june.bgmax"
run bank import "$WORK/june.bgmax" --user carl
expect_rc "bank import of the BgMax file" 0
expect_out "... records the repayment of claim 1001 by its OCR reference" "line [0-9]+: repaid, 100 000,00 kr, claim 1001"
expect_out "... and keeps the payment with an unknown reference unmatched" "unmatched, 250,00 kr: reference '12345'"
expect_eq "status: 100 000 kr repaid, nothing claimed" "$(totals | cut -d' ' -f3,4)" "0.00 100000.00"
check_books "after the BgMax file" 275000000.00
run repay list --format json
expect_out "repay list: claim 1001 paid" '"number":"1001".*"paid":"100000.00","outstanding":"0.00","state":"paid"'
again "BgMax" "$WORK/june.bgmax"
run bank unmatched --format json
expect_out "bank unmatched lists the unknown payment" '"what":"unmatched","direction":"in","amount":"250.00","currency":"SEK","reference":"12345"'
unmatched_deadline() {
	"$BIDRAG" deadlines "$@" --format json | python3 -c '
import json, sys
print(" ".join("%s:%s:%s" % (d["date"], d["overdue"], d["part"]) for d in json.load(sys.stdin) if d["kind"] == "bank-unmatched"))'
}
entry250=$("$BIDRAG" bank unmatched --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "deadlines: the unmatched entry is overdue 5 days after its date" \
	"$(unmatched_deadline --as-of 2021-06-16)" "2021-06-15:True:bankpost $entry250"
expect_eq "... --unmatched-days 10: due on the 20th, not yet overdue" \
	"$(unmatched_deadline --as-of 2021-06-16 --unmatched-days 10)" "2021-06-20:False:bankpost $entry250"

# 6. SIE 4 for the period, read back.
run export sie --from 2021-01-01 --to 2021-12-31 --output "$WORK/2021.se"
expect_rc "export sie for 2021" 0
if python3 "$TESTS/sie-read.py" --strict "$WORK/2021.se" >"$WORK/sie.out" 2>&1; then
	pass "... sie-read.py --strict reads it: every verifikation balances"
else
	fail "... sie-read.py --strict reads it: every verifikation balances" "$(cat "$WORK/sie.out")"
fi
# sie_totals FILE FROM TO: the SIE file's balance per account (öre), and
# the same as the ledger's events of the period make it, by the default
# chart: they must agree.
sie_totals() {
	python3 "$TESTS/sie-read.py" --strict --json "$1" >"$WORK/sie.json"
	"$BIDRAG" events list --format json >"$WORK/events.json"
	python3 - "$WORK/sie.json" "$WORK/events.json" "$2" "$3" <<'PY'
import json, sys
from decimal import Decimal
sie = json.load(open(sys.argv[1]))
got = {}
for v in sie["ver"]:
    assert sum(t["amount"] for t in v["trans"]) == 0, v
    for t in v["trans"]:
        got[t["account"]] = got.get(t["account"], 0) + t["amount"]
    for t in v["trans"]:
        assert dict((d, i) for d, i in t["objects"]).keys() == {20, 21}, v
rule = {"execute": ("4650", "1930"), "bank-reject": ("1930", "4650"), "bank-return": ("1930", "4650"),
        "repay-claim": ("1510", "4650"), "report": ("1510", "4650"), "repay-receive": ("1930", "1510"),
        "lapse": ("2990", "8990")}
events = json.load(open(sys.argv[2]))
kind = {e["id"]: e["kind"] for e in events}
# A payment the bank booked is paid (and in the books) on its booking day.
booked = {e["ref"]: e["date"] for e in events if e["kind"] == "bank-book"}
want = {}
for e in events:
    day = booked.get(e["ref"], e["date"]) if e["kind"] == "execute" else e["date"]
    if not (sys.argv[3] <= day <= sys.argv[4]):
        continue
    k, sign = e["kind"], 1
    if k == "correction":
        k, sign = kind[e["ref"]], -1
    if k not in rule:
        continue
    ore = int(Decimal(e["amount"]) * 100) * sign
    d, c = rule[k]
    want[d] = want.get(d, 0) + ore
    want[c] = want.get(c, 0) - ore
want = {a: v for a, v in want.items() if v}
got = {a: v for a, v in got.items() if v}
print(" ".join("%s:%d" % kv for kv in sorted(got.items())))
print(" ".join("%s:%d" % kv for kv in sorted(want.items())))
PY
}
sums=$(sie_totals "$WORK/2021.se" 2021-01-01 2021-12-31)
expect_eq "... every account's total equals the ledger's for the period" "$(printf '%s\n' "$sums" | sed -n 1p)" "$(printf '%s\n' "$sums" | sed -n 2p)"
expect_eq "... the bank account: the payments out, the repayment in" "$(printf '%s\n' "$sums" | sed -n 1p | grep -o '1930:-*[0-9]*')" "1930:-27490000000"
run export sie --from 2021-02-16 --to 2021-02-18 --output "$WORK/feb0.se"
sums=$(sie_totals "$WORK/feb0.se" 2021-02-16 2021-02-18)
expect_eq "a period with exports but no booking: nothing paid in the books (the rejected payment's export and rejection cancel)" \
	"$sums" ""
run export sie --from 2021-02-20 --to 2021-02-22 --output "$WORK/feb.se"
expect_eq "... B2's payment is in the books on its booking day" \
	"$(python3 "$TESTS/sie-read.py" --strict --json "$WORK/feb.se" | python3 -c 'import json,sys; print(" ".join(v["date"] for v in json.load(sys.stdin)["ver"]))')" "20210222"
sums=$(sie_totals "$WORK/feb.se" 2021-02-20 2021-02-22)
expect_eq "a shorter period: B2 only, as the ledger has it" "$(printf '%s\n' "$sums" | sed -n 1p)" "1930:-2868186000 4650:2868186000"
expect_eq "... and as the ledger's events make it" "$(printf '%s\n' "$sums" | sed -n 2p)" "1930:-2868186000 4650:2868186000"
printf 'kind,debit,credit,debit_name\nexecute,5611,1941,Bidrag till regioner\nlapse,,\n' >"$WORK/chart.csv"
run export sie --from 2021-02-20 --to 2021-02-22 --chart "$WORK/chart.csv" --output "$WORK/feb2.se"
expect_eq "--chart: the payment on the chart's accounts" "$(python3 "$TESTS/sie-read.py" --strict --json "$WORK/feb2.se" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["konto"]["5611"], " ".join(t["account"] for v in d["ver"] for t in v["trans"]))')" \
	"Bidrag till regioner 5611 1941"
printf 'kind,debit,credit\nexecute,56x1,1941\n' >"$WORK/badchart.csv"
expect_error "--chart: a bad account number names the row and column" \
	"badchart.csv:2, column debit: '56x1' is not an account number" export sie --from 2021-01-01 --to 2021-12-31 --chart "$WORK/badchart.csv"
expect_error "export sie: --from after --to" "--from 2021-12-31 is after --to 2021-01-01" export sie --from 2021-12-31 --to 2021-01-01
check_books "after the SIE files" 275000000.00

# 7. Matching by hand, four eyes.
run repay claim $D0 --part regioner --recipient 03 --amount "5 000" --date 2021-06-02 --by anna
$ANSWER camt053 "$WORK/b2.xml" --date 2021-06-20 --skip "$(e2e_of 'Region Skåne')" --credit "Återbetalning Uppsala:5000:Region Uppsala" >"$WORK/june.camt053.xml"
run bank import "$WORK/june.camt053.xml" --user carl
expect_out "a credit without a claim's OCR reference is kept unmatched" "unmatched, 5 000,00 kr: reference 'Återbetalning Uppsala' is no OCR reference"
check_books "after June's statement" 275000000.00
again "June's camt.053" "$WORK/june.camt053.xml"
entry=$("$BIDRAG" bank unmatched --format json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if e["amount"]=="5000.00"][0])')
expect_error "bank match needs --user" "needs --user" bank match "$entry" --claim 1002
run bank match "$entry" --claim 1002 --user anna --note "Uppsalas återbetalning utan OCR"
expect_rc "anna proposes to match it to claim 1002" 0
expect_eq "... nothing recorded yet" "$(totals | cut -d' ' -f4)" "100000.00"
expect_error "... anna cannot approve her own match" "four eyes: anna proposed this match" bank approve "$entry" --user anna
run bank approve "$entry" --user bertil
expect_rc "... bertil approves it" 0
expect_eq "... and the repayment is recorded" "$(totals | cut -d' ' -f4)" "105000.00"
expect_eq "... the entry is no longer unmatched" "$("$BIDRAG" bank unmatched --format json | grep -c '"5000.00"')" "0"
check_books "after the match by hand" 275000000.00

# 8. Bad files change nothing.
sed 's|<InstdAmt Ccy="SEK">49472318.00</InstdAmt>|<InstdAmt Ccy="SEK">49472319.00</InstdAmt>|' "$WORK/b1.pain002.xml" |
	sed 's|<MsgId>STS-B1</MsgId>|<MsgId>STS-B1-x</MsgId>|' >"$WORK/amount.xml"
refused "a pain.002 whose amount disagrees with the payment" \
	"amount.xml: transaction B1-1 \(line [0-9]+\): the amount 49 472 319,00 kr differs from payment .*'s 49 472 318,00 kr" "$WORK/amount.xml"
sed 's|<OrgnlEndToEndId>B2-1</OrgnlEndToEndId>|<OrgnlEndToEndId>B2-7</OrgnlEndToEndId>|; s|<MsgId>STS-B2</MsgId>|<MsgId>STS-B2-x</MsgId>|' \
	"$WORK/b2.pain002.xml" >"$WORK/unknown.xml"
refused "a pain.002 answering an unknown EndToEndId" \
	"unknown.xml: transaction B2-7 \(line [0-9]+\): EndToEndId 'B2-7' is no payment of batch B2" "$WORK/unknown.xml"
sed 's|<OrgnlMsgId>B2</OrgnlMsgId>|<OrgnlMsgId>B9</OrgnlMsgId>|; s|<MsgId>STS-B2</MsgId>|<MsgId>STS-B9</MsgId>|' \
	"$WORK/b2.pain002.xml" >"$WORK/b9.xml"
refused "a pain.002 answering a file bidrag did not export" "it answers payment file 'B9', which bidrag did not export" "$WORK/b9.xml"
run repay claim $D0 --part regioner --recipient 04 --amount "7 000" --date 2021-06-03 --by anna
ocr3=$(printf '%s\n' "$OUT" | sed -n 's/.*OCR reference \([0-9]*\)$/\1/p')
$ANSWER camt053 "$WORK/b2.xml" --date 2021-06-21 --skip "$(e2e_of 'Region Skåne')" --credit "$ocr3:7000:Region Östergötland" --currency EUR >"$WORK/eur.xml"
refused "a credit in EUR paying a claim" "eur.xml: Ntry 1 \(line [0-9]+\): a credit of 7 000,00 EUR pays claim 1003 \(OCR $ocr3\): a claim is paid in SEK" "$WORK/eur.xml"
refused "a camt.053 that does not validate" "genkgo_camt053.v2.wrong.xml:[0-9]+: " "$DATA/camt/genkgo_camt053.v2.wrong.xml"
$ANSWER bgmax --bankgiro 5052-5781 --date 2021-06-22 --pay "$ocr3:7000" --wrong-total >"$WORK/total.bgmax"
refused "a BgMax file whose totals disagree" "total.bgmax:[0-9]+" "$WORK/total.bgmax"
sed 's|<Amt Ccy="SEK">28681860.00</Amt></TxAmt>|<Amt Ccy="SEK">28681861.00</Amt></TxAmt>|' "$WORK/b2.camt053.xml" |
	sed 's|<MsgId>STMT-2021-02-19-B2</MsgId>|<MsgId>STMT-x</MsgId>|; s|BATCH-B2|BATCH-B2x|' >"$WORK/camtamount.xml"
refused "a camt debit whose amount disagrees with the payment" \
	"camtamount.xml: Ntry 1 \(line [0-9]+\): the amount 28 681 861,00 kr differs from payment" "$WORK/camtamount.xml"
printf 'not a bank file\n' >"$WORK/junk.txt"
refused "a file that is no bank file" "junk.txt: not a bank file bidrag reads" "$WORK/junk.txt"
run ledger verify
expect_rc "after the refused files the books are right" 0

# 8b. A repayment received by hand for its claim (repay receive --claim):
# counted as paid of the claim, as a bank file's credit would be.
run repay claim $D0 --part regioner --recipient 05 --amount "3 000" --date 2021-06-04 --by anna
ocr4=$(printf '%s\n' "$OUT" | sed -n 's/.*OCR reference \([0-9]*\)$/\1/p')
expect_out "claim 1004, for a repayment by hand" "^repayment claim 1004 of 3 000,00 kr: OCR reference $ocr4$"
before=$(db_sum "$BIDRAG_DB")
expect_error "repay receive --claim: an amount more than the claim has outstanding is refused" \
	"claim 1004 \(OCR $ocr4\): 3 500,00 kr is more than the 3 000,00 kr it has outstanding" \
	repay receive --claim 1004 --amount "3 500" --date 2021-06-05 --by anna
expect_error "... a claim that does not exist" "there is no repayment claim numbered 9999" \
	repay receive --claim 9999 --date 2021-06-05 --by anna
expect_error "... --claim with an account" "give no DNR, --part, --recipient or --id" \
	repay receive $D0 --part regioner --recipient 05 --claim 1004 --date 2021-06-05 --by anna
expect_eq "... nothing recorded (the database is as before)" "$(db_sum "$BIDRAG_DB")" "$before"
run repay receive --claim "$ocr4" --amount "1 000" --date 2021-06-05 --by anna
expect_out "... by its OCR reference: a part of it" "claim 1004 \(OCR $ocr4\): 1 000,00 kr received, 2 000,00 kr outstanding"
run repay list --format json
expect_out "repay list: claim 1004 paid in part" '"number":"1004".*"paid":"1000.00","outstanding":"2000.00","state":"part paid"'
run repay receive --claim 1004 --date 2021-06-07 --by anna
expect_out "... the rest by its number (the amount outstanding)" "claim 1004 \(OCR $ocr4\): 2 000,00 kr received, 0,00 kr outstanding"
run repay list --format json
expect_out "repay list: claim 1004 paid" '"number":"1004".*"paid":"3000.00","outstanding":"0.00","state":"paid"'
expect_eq "status: the repayments by hand are repaid" "$(totals | cut -d' ' -f4)" "108000.00"
check_books "after the repayments by hand" 275000000.00
before=$(state)
run repay receive --claim 1004 --amount "2 000" --date 2021-06-07 --by anna
expect_rc "the same command again is accepted" 0
expect_eq "... and records nothing" "$(state)" "$before"
expect_error "a claim paid already is refused" "claim 1004 \(OCR $ocr4\) is paid already \(3 000,00 kr of 3 000,00 kr\)" \
	repay receive --claim 1004 --amount 10 --date 2021-06-08 --by anna
$ANSWER bgmax --bankgiro 5052-5781 --date 2021-06-23 --pay "$ocr4:3000:1234-5674:Region Östergötland" >"$WORK/paid.bgmax"
run bank import "$WORK/paid.bgmax" --user carl
expect_out "a bank credit for a claim paid by hand is kept unmatched" "unmatched, 3 000,00 kr: claim 1004 \(OCR $ocr4\) is paid already \(3 000,00 kr of 3 000,00 kr\)"
check_books "after it" 275000000.00

# 8c. One movement in two files: a credit the bank notified in a camt.054
# during the day is in the day's camt.053 too, under the bank's own
# reference (AcctSvcrRef): it is recorded once.
$ANSWER camt054 "$WORK/b2.xml" --date 2021-06-24 --credits-only \
	--credit "$ocr3:7000:Region Sörmland:INB-20210624-0001" >"$WORK/june24.camt054.xml"
$ANSWER camt053 "$WORK/b2.xml" --date 2021-06-24 --credits-only \
	--credit "12345:120:Okänd betalare:INB-20210624-0000" \
	--credit "$ocr3:7000:Region Sörmland:INB-20210624-0001" >"$WORK/june24.camt053.xml"
for f in june24.camt054.xml:camt.054.001.02 june24.camt053.xml:camt.053.001.02; do
	if xmllint --noout --schema "$BIDRAG_SRC/../shared/data/iso20022/${f#*:}.xsd" "$WORK/${f%%:*}" 2>"$WORK/xsd.out"; then
		pass "tests/bank-answer.py's ${f%%:*} validates against ${f#*:}.xsd"
	else
		fail "tests/bank-answer.py's ${f%%:*} validates against ${f#*:}.xsd" "$(cat "$WORK/xsd.out")"
	fi
done
run bank import "$WORK/june24.camt054.xml" --user carl
expect_out "the camt.054 records the repayment of claim 1003" "camt.054.001.02, 1 entry"
expect_out "... 7 000 kr repaid" "recorded 1 event; 1 repaid \(7 000,00 kr\)"
expect_eq "... status: repaid" "$(totals | cut -d' ' -f4)" "115000.00"
before=$(state)
run bank import "$WORK/june24.camt053.xml" --user carl
expect_out "the day's camt.053 repeats it: known, nothing done" "Ntry 2 \(line [0-9]+\): imported before \(from this or another file\): nothing done"
expect_out "... its other entry is new (kept unmatched)" "recorded 0 events; 1 unmatched \(120,00 kr\) 1 imported before"
expect_eq "... the repayment is not recorded twice" "$(totals | cut -d' ' -f4)" "115000.00"
expect_eq "... no repayment recorded in the journal" "$("$BIDRAG" events list --format csv | grep -c ',repay-receive,')" \
	"$(printf '%s\n' "$before" | grep -c ',repay-receive,')"
run repay list --format json
expect_out "repay list: claim 1003 paid once" '"number":"1003".*"paid":"7000.00","outstanding":"0.00","state":"paid"'
check_books "after the camt.054 and the camt.053" 275000000.00
again "camt.054" "$WORK/june24.camt054.xml"
again "camt.053 of the same day" "$WORK/june24.camt053.xml"

# 9. The real files, in a register they match nothing in.
export BIDRAG_DB=$(fresh_db real)
"$BIDRAG" init >/dev/null
users
for f in "$DATA"/camt/genkgo_camt053.v2.minimal.xml "$DATA"/camt/genkgo_camt054.v2.xml \
	"$DATA"/camt/nordea-dk_camt.053.001.02_example.xml "$DATA"/bgmax/fabhed_bankgiroinbetalningar_exempelfil_ocr.txt \
	"$DATA"/bgmax/zimpler_BgMaxfil4.txt; do
	run bank import "$f" --user carl
	expect_rc "real file $(basename "$f"): imported" 0
	expect_out "... matches nothing: its entries are kept unmatched" "recorded 0 events;( [0-9]+ unmatched| [0-9]+ not booked)"
done
expect_error "real file notima_BGMAX_Sample1.txt: refused by the reader, naming the line (a deposit dated 1010-03-24)" \
	"notima_BGMAX_Sample1.txt:8:38: record 15 \(deposit\): payment date" bank import "$DATA/bgmax/notima_BGMAX_Sample1.txt"
run bank unmatched --format json
expect_out "bank unmatched lists them" '"file":"fabhed_bankgiroinbetalningar_exempelfil_ocr.txt"'
for f in "$DATA"/pain002/*.xml; do
	expect_error "real pain.002 $(basename "$f"): refused, it answers no file bidrag exported" \
		"$(basename "$f"): .*(which bidrag did not export|names no payment file)" bank import "$f" --user carl
done
run ledger verify
expect_rc "the real files leave the books right" 0

done_testing
