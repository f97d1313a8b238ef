#!/usr/bin/env bash
# The disbursement ledger, scenario by scenario: seed 000 paid to the regions
# and the six samverkansregioner inside the window (plan, four eyes, pain.001
# and LB files), SKR's requisition in time and late, the financial report and
# the repayment, seed 004's RCC parts paid to SKR, every invariant broken and
# refused with the database unchanged, idempotent events and atomic batches,
# corrections, the deadline calendar, and `ledger verify`.  Every date is
# given (--as-of, --date), so nothing depends on today.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
XSD="$BIDRAG_SRC/../shared/data/iso20022/pain.001.001.03.xsd"
D0=S2020/09797 D4=S2020/09796
REGIONS="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
unset BIDRAG_USER # who records: --by, else the OS account, mapped to anna below

# dbsum: the database's content, but the login counters (a refused change
# leaves the register as it was; its --by login is counted, as the web's).
dbsum() { db_sum_but_logins "$BIDRAG_DB"; }
# expect_refused NAME PATTERN CMD...: bidrag fails with the message (status 2,
# nothing on stdout) and the database's content is unchanged.
expect_refused() {
	local name=$1 before
	before=$(dbsum)
	expect_error "$@"
	expect_eq "$name: database unchanged" "$(dbsum)" "$before"
}
# expect_already NAME CMD...: bidrag succeeds, says the event is already
# recorded, and the database's content is unchanged.
expect_already() {
	local name=$1 before
	shift
	before=$(dbsum)
	run "$@"
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -q "already recorded"; then pass "$name"; else fail "$name" "exit $RC" "stdout: $OUT" "stderr: $ERR"; fi
	expect_eq "$name: database unchanged" "$(dbsum)" "$before"
}
# expect_verified NAME: `ledger verify` says the books balance.
expect_verified() {
	run ledger verify
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -qE "^ok: [0-9]+ events? on [0-9]+ accounts? replayed; the books balance$"; then
		pass "$1"
	else
		fail "$1" "exit $RC" "stdout: $OUT" "stderr: $ERR"
	fi
}
# use NAME: work on the database NAME, a copy of the template.
use() { db_copy template "$1"; export BIDRAG_DB=$(db_path "$1"); }
# bg DIGITS: DIGITS with their Luhn check digit appended, as a bankgiro.
bg() {
	local s=$1 t=0 i k=0 d
	for ((i = ${#s} - 1; i >= 0; i--, k++)); do
		d=${s:i:1}
		((k % 2 == 0)) && d=$((d * 2))
		((d > 9)) && d=$((d - 9))
		t=$((t + d))
	done
	s=$s$(((10 - t % 10) % 10))
	echo "${s:0:${#s}-4}-${s: -4}"
}
# totals ARGS...: the column sums of `status ARGS --format csv`.
totals() {
	"$BIDRAG" status "$@" --format csv | python3 -c '
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(sys.stdin))
cols = ["allocated", "requisitioned", "in_process", "paid", "lapsed", "claimed", "repaid", "outstanding"]
print(", ".join("%s %s" % (c, sum((Decimal(r[c]) for r in rows), Decimal("0.00"))) for c in cols) if rows else "no rows")'
}
# event ID: the journal's entry for the event (events list), as
# kind|date|amount|from>to|by|ref|batch|detail.
event() {
	"$BIDRAG" events list --format csv | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["id"] == sys.argv[1]:
        print("|".join([r["kind"], r["date"], r["amount"], r["from"] + ">" + r["to"], r["by"], r["ref"], r["batch"], r["detail"]]))' "$1"
}
# ids STATE: the ids of the payments in that state, one a line.
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }

# The template: the four seed decisions, a bankgiro for every region (none is
# in the register) and for SKR.
export BIDRAG_DB=$(fresh_db template)
"$BIDRAG" init >/dev/null
# The people: registered users (anna and hanna handläggare, bertil and
# cecilia attestants); the OS account running the test is anna's, so a change
# given no --by is hers.
test_users cecilia:attestant hanna:handlaggare
"$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
"$BIDRAG" decision import "$EX"/*.json >/dev/null 2>&1
expect_eq "bg: the Luhn helper gives Kammarkollegiet's bankgiro" "$(bg 5052578)" "5052-5781"
set_ok=0
for c in $REGIONS; do "$BIDRAG" org set "$c" --bankgiro "$(bg "51${c}000")" >/dev/null && set_ok=$((set_ok + 1)); done
expect_eq "org set: a bankgiro for each of the 21 regions" "$set_ok" "21"
run org set SKR --bankgiro "$(bg 5300000)"
expect_rc "org set: a bankgiro for SKR" 0
expect_error "org set: a bankgiro with a wrong check digit is refused" "invalid bankgiro '1234-5678': wrong check digit" org set 06 --bankgiro 1234-5678

# 1. Seed 000: 215 000 000 to the 21 regions and 60 000 000 to the six
# samverkansregioner, paid in the window 15 February - 15 March 2021.
use main
expect_eq "status before the window: nothing paid, everything outstanding" "$(totals $D0 --as-of 2021-01-01)" \
	"allocated 290000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 290000000.00"
run deadlines --as-of 2021-02-01
expect_out "deadlines before the window: it opens in 14 days, with 215 000 000 to pay" \
	"^2021-02-15 +om 14 d +Utbetalningsperioden börjar +$D0 +regioner +215 000 000,00 kr inte utbetalt \(21 mottagare\)"
expect_out "... and closes in 42 days" "^2021-03-15 +om 42 d +Utbetalningsperioden slutar +$D0 +samverkansregioner +60 000 000,00 kr inte utbetalt \(6 mottagare\)"
before=$(dbsum)
run pay plan $D0 --date 2021-02-14 --by anna
expect_out "pay plan the day before the window plans nothing: the parts are outside their window" \
	"^nothing to plan for $D0 on 2021-02-14 \(some parts are outside their payment window\)"
expect_out "... 27 accounts" "^27 accounts outside the payment window on 2021-02-14: not planned$"
expect_eq "... and writes nothing" "$(dbsum)" "$before"
run pay plan $D0 --date 2021-02-15 --by anna
expect_rc "pay plan on 15 February 2021" 0
expect_out "pay plan registers 27 payments (21 regions + 6 samverkansregioner)" "^27 events recorded, 0 already recorded$"
expect_out "... one per region, with the allocation as the amount" "^recorded plan:$D0:regioner:09:2021-02-15:124248000:0$"
expect_out "... one per samverkansregion" "^recorded plan:$D0:samverkansregioner:SVR-SYDOSTRA:2021-02-15:1000000000:0$"
expect_eq "pay list: 27 payments await attestation" "$(ids registered | wc -l)" "27"
run pay list --format csv
expect_eq "pay list: they add up to 275 000 000" "$(printf '%s\n' "$OUT" | python3 -c 'import csv,sys; from decimal import Decimal; print(sum(Decimal(r["amount"]) for r in csv.DictReader(sys.stdin)))')" "275000000.00"
expect_out "pay list: the Sydöstra payee named in the decision, with the organisation's bankgiro" \
	"Sydöstra samverkansregionen,10000000.00,Region Jönköpings län,$(bg 5106000),bankgiro,Ansvar 418879,anna$"
expect_out "pay list: the Uppsala-Örebro payee's plusgiro from the decision" \
	"Uppsala-Örebro samverkansregion,10000000.00,Region Värmland,3 70 20-5,plusgiro,,anna$"
before=$(dbsum)
run pay plan $D0 --date 2021-02-15 --by anna
expect_out "planning again registers nothing new" "^nothing to plan for $D0 on 2021-02-15$"
expect_eq "... and the database is unchanged" "$(dbsum)" "$before"
expect_refused "pay attest: the registrar (a handläggare) attesting is refused" \
	"anna is handlaggare, and a user with that role may not record an attest event; nothing was recorded" \
	pay attest $(ids registered) --date 2021-02-15 --by anna
expect_eq "... and no payment is attested" "$(ids attested | wc -l)" "0"
run pay attest $(ids registered) --date 2021-02-15 --by bertil
expect_out "pay attest by a second person: all 27" "^27 events recorded, 0 already recorded$"
expect_eq "27 payments attested, none left to attest" "$(ids attested | wc -l) $(ids registered | wc -l)" "27 0"
expect_eq "status on 15 February: 275 000 000 in process, nothing paid yet" "$(totals $D0 --as-of 2021-02-15)" \
	"allocated 290000000.00, requisitioned 0.00, in_process 275000000.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 290000000.00"
run pay export --batch 2021-02-16 --format pain001 --date 2021-02-16 --output "$WORK/b1.xml"
expect_rc "pay export pain001" 0
expect_err "pay export reports the batch" "^batch 2021-02-16: 27 payments, 275 000 000,00 kr, exported as pain001$"
run_xmllint() { xmllint --noout --schema "$XSD" "$1" 2>&1; }
expect_eq "the pain.001 file validates against the ISO 20022 schema" "$(run_xmllint "$WORK/b1.xml")" "$WORK/b1.xml validates"
# pain FILE: the file's facts, one a line.
pain() {
	python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
d = ET.parse(sys.argv[1]).getroot()
g = d.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
print("grphdr", g.findtext("p:NbOfTxs", namespaces=ns), g.findtext("p:CtrlSum", namespaces=ns))
for pi in d.iterfind(".//p:PmtInf", ns):
    print("pmtinf", pi.findtext("p:NbOfTxs", namespaces=ns), pi.findtext("p:CtrlSum", namespaces=ns),
          pi.findtext("p:ReqdExctnDt", namespaces=ns), pi.findtext("p:DbtrAcct/p:Id/p:Othr/p:Id", namespaces=ns))
txs = list(d.iterfind(".//p:CdtTrfTxInf", ns))
print("sum", sum(Decimal(t.findtext("p:Amt/p:InstdAmt", namespaces=ns)) for t in txs))
print("endtoend-unique", len({t.findtext("p:PmtId/p:EndToEndId", namespaces=ns) for t in txs}) == len(txs))
for t in txs:
    print("tx", "|".join([t.findtext("p:Cdtr/p:Nm", namespaces=ns) or "",
        t.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=ns) or "",
        t.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Prtry", namespaces=ns) or "",
        t.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:ClrSysId/p:Cd", namespaces=ns) or "",
        t.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=ns) or "",
        t.findtext("p:Amt/p:InstdAmt", namespaces=ns) or "",
        t.find("p:Amt/p:InstdAmt", ns).get("Ccy"),
        " ".join(e.text or "" for e in t.iterfind("p:RmtInf/p:Ustrd", ns))]))
PY
}
OUT=$(pain "$WORK/b1.xml")
expect_out "pain.001 group header: NbOfTxs 27, CtrlSum 275000000.00" "^grphdr 27 275000000.00$"
expect_out "pain.001 payment information: the same count and sum, from Kammarkollegiet's bankgiro on 16 February" "^pmtinf 27 275000000.00 2021-02-16 50525781$"
expect_eq "pain.001: one payment information block" "$(printf '%s\n' "$OUT" | grep -c '^pmtinf')" "1"
expect_out "pain.001: the transactions add up to the control sum" "^sum 275000000.00$"
expect_out "pain.001: end-to-end ids are unique" "^endtoend-unique True$"
expect_eq "pain.001: every transaction has the dnr in its remittance information" "$(printf '%s\n' "$OUT" | grep '^tx ' | grep -Evc "\\|$D0( |$)")" "0"
expect_out "pain.001: a region paid to its organisation's bankgiro (BGNR, SESBA 9900)" "^tx Region Gotland\|$(bg 5109000 | tr -d -)\|BGNR\|SESBA\|9900\|1242480.00\|SEK\|$D0$"
expect_out "pain.001: Norra's payee and bankgiro 5728-3905 from the decision, with the samverkansregion and the reference" \
	"^tx Norra sjukvårdsregionförbundet\|57283905\|BGNR\|SESBA\|9900\|10000000.00\|SEK\|$D0 0319200 Norra samverkansregionen$"
expect_out "pain.001: Region Värmland's plusgiro 3 70 20-5 as 370205, PGNR, clearing 9960" \
	"^tx Region Värmland\|370205\|PGNR\|SESBA\|9960\|10000000.00\|SEK\|$D0 Uppsala-Örebro samverkansregion$"
expect_out "pain.001: Sydöstra (no account in the decision) falls back to Region Jönköpings län's bankgiro" \
	"^tx Region Jönköpings län\|$(bg 5106000 | tr -d -)\|BGNR\|SESBA\|9900\|10000000.00\|SEK\|$D0 Ansvar 418879 Sydöstra samverkansregionen$"
expect_out "pain.001: Västra's 390-1485" "^tx Västra Götalandsregionen\|3901485\|BGNR\|SESBA\|9900\|10000000.00\|"
expect_out "pain.001: Södra's 289-1919" "^tx Södra Regionvårdsnämnden\|2891919\|BGNR\|SESBA\|9900\|10000000.00\|SEK\|$D0 RSid 141935 Södra samverkansregionen$"
expect_out "pain.001: Stockholm-Gotland's 5716-1507" "^tx Hälso- och sjukvårdsförvaltningen, Region Stockholm\|57161507\|BGNR\|"
expect_eq "pain.001: six payments of 10 000 000, to six payees" "$(printf '%s\n' "$OUT" | grep '^tx ' | grep -c '|10000000.00|SEK|')" "6"
expect_eq "the journal: 27 executions dated 16 February, in batch 2021-02-16" \
	"$("$BIDRAG" events list $D0 --format csv | python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(sys.stdin) if r["kind"] == "execute" and r["batch"] == "2021-02-16" and r["date"] == "2021-02-16" and r["from"] == "attested" and r["to"] == "paid"))')" "27"
expect_eq "all 27 payments are executed in the batch" "$("$BIDRAG" pay list --state executed --batch 2021-02-16 --format csv | tail -n +2 | wc -l) $(ids attested | wc -l)" "27 0"
status_after=$(totals $D0 --as-of 2021-02-16)
expect_eq "status after the export: 275 000 000 paid, SKR's 15 000 000 outstanding" "$status_after" \
	"allocated 290000000.00, requisitioned 0.00, in_process 0.00, paid 275000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 15000000.00"
before=$(dbsum)
run pay export --batch 2021-02-16 --format pain001 --date 2021-02-16 --output "$WORK/b1-again.xml"
expect_rc "exporting the batch again succeeds" 0
expect_err "... and says so" "^batch 2021-02-16 was exported before: the same file \(its dates stand\), no new payments$"
expect_eq "... byte-identical file" "$(sha256sum <"$WORK/b1-again.xml")" "$(sha256sum <"$WORK/b1.xml")"
expect_eq "... nothing written" "$(dbsum)" "$before"
expect_eq "... status unchanged" "$(totals $D0 --as-of 2021-02-16)" "$status_after"
expect_refused "the same batch as a Bankgirot LB file is refused: both files could be sent and pay twice" \
	"batch 2021-02-16 was exported as pain.001 already: an LB file of the same payments could be sent too and pay them twice" \
	pay export --batch 2021-02-16 --format lb --date 2021-02-16 --output "$WORK/b1.lb"
expect_eq "... no file written" "$(ls "$WORK/b1.lb" 2>/dev/null)" ""
run pay export --batch 2021-02-16 --format lb --date 2021-02-16 --output "$WORK/b1.lb" --force
expect_rc "the same batch as a Bankgirot LB file, forced" 0
expect_err "... with the same 27 payments" "^batch 2021-02-16: 27 payments, 275 000 000,00 kr, exported as lb$"
expect_eq "... and no new payments" "$(totals $D0 --as-of 2021-02-16)" "$status_after"
# lb FILE: the file's facts.
lb() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
print("crlf-terminated", data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""))
recs = data.split(b"\r\n")[:-1]
print("records", len(recs))
print("lengths", sorted({len(r) for r in recs}))
print("types", recs[0][:2].decode(), recs[-1][:2].decode(), "".join(sorted({r[:2].decode() for r in recs[1:-1]})))
text = [r.decode("latin-1") for r in recs]
print("open", text[0][:12], text[0][18:40], text[0][59:62])
tail = text[-1]
print("summary", tail[2:12], int(tail[12:20]), int(tail[20:32]))
pay = [t for t in text[1:-1] if t[:2] in ("14", "54")]
print("amounts", sum(int(t[37:49]) for t in pay))
for t in pay:
    print("rec", t[:2], t[2:12], t[12:37].rstrip(), int(t[37:49]), t[49:55])
for t in text[1:-1]:
    if t[:2] == "25":
        print("info", t[2:12], t[12:62].rstrip(), repr(t[62:80]))
PY
}
OUT=$(lb "$WORK/b1.lb")
expect_out "LB: every line ends CRLF" "^crlf-terminated True$"
expect_out "LB: 36 records (opening, 27 payments, 7 information records, summary)" "^records 36$"
expect_out "LB: every record is 80 characters" "^lengths \[80\]$"
expect_out "LB: record 11 first, 29 last, 14, 25 and 54 between" "^types 11 29 142554$"
expect_out "LB: the opening record: Kammarkollegiet's bankgiro, LEVERANTÖRSBETALNINGAR in ISO 8859-1, SEK" "^open 110050525781 LEVERANTÖRSBETALNINGAR SEK$"
expect_out "LB: the summary: 27 payments, 27 500 000 000 öre" "^summary 0050525781 27 27500000000$"
expect_out "LB: the payment records add up to the summary" "^amounts 27500000000$"
expect_eq "LB: one plusgiro payment (54), to 370205" "$(printf '%s\n' "$OUT" | grep '^rec 54' | cut -d' ' -f2-3)" "54 0000370205"
expect_out "LB: a bankgiro payment (14) with the dnr and the amount in öre" "^rec 14 0057283905 $D0 1000000000 210216$"
expect_out "LB: ... and its remittance text, too long for the payment record, in an information record (25)" \
	"^info 0057283905 $D0 0319200 Norra samverkansregionen ' {18}'$"
expect_eq "LB: information records only for bankgiro payments whose text does not fit, as many as it needs" \
	"$(printf '%s\n' "$OUT" | grep '^info ' | cut -d' ' -f2 | sort | uniq -c | awk '{print $1}' | sort | tr '\n' ' ')" "1 1 1 2 2 "
expect_out "LB: a long text goes on in a second information record, the reference whole" \
	"^info 0057161507 $D0 Ansvar 156, frikod 8668 ' {18}'$"
expect_eq "LB: 26 bankgiro payments" "$(printf '%s\n' "$OUT" | grep -c '^rec 14')" "26"
expect_eq "LB: the file is not UTF-8 (Ö is one byte)" "$(grep -c "LEVERANTÖRSBETALNINGAR" "$WORK/b1.lb")" "0"
run pay export --batch 2021-02-16 --format lb --date 2021-02-16 --output "$WORK/b1-again.lb"
expect_eq "LB again: byte-identical" "$(sha256sum <"$WORK/b1-again.lb")" "$(sha256sum <"$WORK/b1.lb")"
expect_refused "a new batch with nothing attested is refused" "no attested payments await export" \
	pay export --batch empty --format pain001 --date 2021-02-17 --output "$WORK/empty.xml"
expect_eq "... and writes no file" "$(ls "$WORK/empty.xml" 2>/dev/null)" ""
expect_eq "status during the window, after payment: the regions' part fully paid" "$(totals $D0 --part regioner --as-of 2021-03-01)" \
	"allocated 215000000.00, requisitioned 0.00, in_process 0.00, paid 215000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_eq "status after the window: unchanged" "$(totals $D0 --as-of 2021-03-20)" "$status_after"
run deadlines --as-of 2021-03-10
expect_eq "deadlines on 10 March: the paid window's closing is not listed" "$(printf '%s\n' "$OUT" | grep -c "Utbetalningsperioden slutar  *$D0")" "0"
run deadlines --as-of 2021-03-10 --all
expect_out "deadlines --all on 10 March: the window closes in 5 days, nothing left" "^2021-03-15 +inget kvar +Utbetalningsperioden slutar +$D0 +regioner +0,00 kr inte utbetalt \(0 mottagare\)"
# Seed 001's part was to be paid by 11 June 2018: a payment now needs an
# override (run B below pays a region after its window).
expect_refused "a payment after the last payment day is refused without an override" \
	"payment date 1 april 2021 is after the last payment date 11 juni 2018 \(a payment outside it needs an override with a reason, which is recorded\); nothing was recorded" \
	pay add "S2017/07321/FS (delvis)" --part landsting --recipient 09 --amount 1 --date 2021-04-01 --by anna
# 2. The six samverkansregioner: 10 000 000 each, paid.
run status $D0 --part samverkansregioner --as-of 2021-03-20 --format csv
expect_eq "the six samverkansregioner: 10 000 000 each, all paid" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import csv,sys; print(" ".join("%s:%s/%s/%s" % (r["recipient"].split()[0], r["allocated"], r["paid"], r["outstanding"]) for r in csv.DictReader(sys.stdin)))')" \
	"Norra:10000000.00/10000000.00/0.00 Sydöstra:10000000.00/10000000.00/0.00 Stockholm-Gotland:10000000.00/10000000.00/0.00 Västra:10000000.00/10000000.00/0.00 Uppsala-Örebro:10000000.00/10000000.00/0.00 Södra:10000000.00/10000000.00/0.00"
expect_eq "... 60 000 000 in all" "$(totals $D0 --part samverkansregioner --as-of 2021-03-20)" \
	"allocated 60000000.00, requisitioned 0.00, in_process 0.00, paid 60000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_verified "ledger verify after the window's payments"

# 3A. SKR's 15 000 000 after requisition, received 30 November 2021.
run deadlines --as-of 2021-11-20
expect_out "deadlines on 20 November: SKR's requisition is due in 11 days" \
	"^2021-12-01 +om 11 d +Sista dag för rekvisition +$D0 +skr +15 000 000,00 kr inte rekvirerat \(1 mottagare\)"
expect_refused "SKR: a payment before the requisition is refused" \
	"no requisition has been received: this part is paid only after a requisition \(15 000 000 kr allocated\); nothing was recorded" \
	pay add $D0 --part skr --recipient SKR --amount "15 000 000" --date 2021-11-25 --by anna
run requisition add $D0 --part skr --recipient SKR --amount "15 000 000" --received 2021-11-30 --signed-by "Anders Knape" --by anna --id skr-rq
expect_out "SKR's requisition received 30 November 2021 is recorded" "^recorded skr-rq$"
expect_eq "... in the journal, with who signed it" "$(event skr-rq)" \
	'requisition|2021-11-30|15000000.00|avail>requisitioned|anna|||{"signed_by":"Anders Knape"}'
expect_eq "status: requisitioned, not yet paid" "$(totals $D0 --part skr --as-of 2021-11-30)" \
	"allocated 15000000.00, requisitioned 15000000.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 15000000.00"
run pay add $D0 --part skr --recipient SKR --amount "15 000 000" --date 2021-12-03 --by anna --id skr-pay
expect_out "the requisitioned amount is paid (registered)" "^recorded skr-pay$"
run pay attest skr-pay --date 2021-12-03 --by bertil
expect_out "... attested" "^recorded attest:skr-pay$"
run pay export --batch 2021-12-06 --format pain001 --date 2021-12-06 --output "$WORK/skr.xml"
expect_err "... and exported" "^batch 2021-12-06: 1 payment, 15 000 000,00 kr, exported as pain001$"
OUT=$(pain "$WORK/skr.xml")
expect_out "SKR's payment in its own file: to SKR's bankgiro" "^tx Sveriges Kommuner och Regioner\|$(bg 5300000 | tr -d -)\|BGNR\|SESBA\|9900\|15000000.00\|SEK\|$D0$"
expect_eq "status at the end of 2021: SKR requisitioned and paid 15 000 000" "$(totals $D0 --part skr --as-of 2021-12-31)" \
	"allocated 15000000.00, requisitioned 15000000.00, in_process 0.00, paid 15000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_eq "status at the end of 2021: the whole decision paid" "$(totals $D0 --as-of 2021-12-31)" \
	"allocated 290000000.00, requisitioned 15000000.00, in_process 0.00, paid 290000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_verified "ledger verify after SKR's payment"

# 4. The financial report and the repayment.
run deadlines --as-of 2022-03-01
expect_out "deadlines on 1 March 2022: SKR's report is due" "^2022-03-31 +om 30 d +Ekonomisk redovisning +$D0 +skr +1 mottagare har inte redovisat"
expect_refused "a report declaring more unused than was paid is refused" \
	"the report declares 15 000 001 kr unused, more than the 15 000 000 kr paid out; nothing was recorded" \
	report receive $D0 --part skr --recipient SKR --unused "15 000 001" --date 2022-03-15 --by anna
run report receive $D0 --part skr --recipient SKR --unused "2 500 000" --date 2022-03-15 --by anna
expect_rc "SKR's financial report declares 2 500 000 unused" 0
expect_eq "... which is claimed for repayment" "$(totals $D0 --part skr --as-of 2022-03-15)" \
	"allocated 15000000.00, requisitioned 15000000.00, in_process 0.00, paid 15000000.00, lapsed 0.00, claimed 2500000.00, repaid 0.00, outstanding 0.00"
run deadlines --as-of 2022-03-20
expect_out "deadlines on 20 March 2022: the repayment by 31 March, 2 500 000 outstanding" \
	"^2022-03-31 +om 11 d +Återbetalning av medel som inte förbrukats +$D0 +skr +2 500 000,00 kr återkrävt och inte återbetalt \(1 mottagare\)"
expect_eq "... SKR's report is no longer listed" "$(printf '%s\n' "$OUT" | grep -c "Ekonomisk redovisning  *$D0  *skr")" "0"
expect_refused "receiving more than was claimed is refused" \
	"2 500 001 kr received, but only 2 500 000 kr is claimed: register the financial report or a repayment claim first; nothing was recorded" \
	repay receive $D0 --part skr --recipient SKR --amount "2 500 001" --date 2022-03-25 --by anna
run repay receive $D0 --part skr --recipient SKR --amount "2 500 000" --date 2022-03-25 --by anna
expect_rc "the 2 500 000 is repaid on 25 March 2022" 0
expect_eq "status: repaid 2 500 000" "$(totals $D0 --part skr --as-of 2022-04-01)" \
	"allocated 15000000.00, requisitioned 15000000.00, in_process 0.00, paid 15000000.00, lapsed 0.00, claimed 0.00, repaid 2500000.00, outstanding 0.00"
expect_refused "receiving more once nothing is claimed is refused" "1 kr received, but only 0 kr is claimed" \
	repay receive $D0 --part skr --recipient SKR --amount 1 --date 2022-03-26 --by anna
run deadlines --as-of 2022-04-01
expect_eq "deadlines on 1 April 2022: nothing overdue for SKR's repayment or report" "$(printf '%s\n' "$OUT" | grep -c "$D0  *skr ")" "0"
expect_out "... but the 21 regions paid have not reported" "^2022-03-31 +FÖRSENAD 1 d +Ekonomisk redovisning +$D0 +regioner +21 mottagare har inte redovisat"
run deadlines --as-of 2022-04-01 --all
expect_out "deadlines --all on 1 April 2022: the repayment is done" "^2022-03-31 +klar +Återbetalning av medel som inte förbrukats +$D0 +skr +0,00 kr"
expect_verified "ledger verify after the repayment"

# 9. The deadline calendar, as of 20 March 2022.
"$BIDRAG" deadlines --as-of 2022-03-20 --format ics >"$WORK/d.ics"
"$BIDRAG" deadlines --as-of 2022-03-20 --format json >"$WORK/d.json"
OUT=$(python3 - "$WORK/d.ics" "$WORK/d.json" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
dl = json.load(open(sys.argv[2], encoding="utf-8"))
lines = data.split(b"\r\n")
print("crlf", data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""))
print("first", lines[0].decode(), lines[1].decode())
print("last", lines[-2].decode())
print("prodid", any(l.startswith(b"PRODID:") for l in lines))
print("folded", max(len(l) for l in lines) <= 75)
def utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
print("utf8", all(utf8(l) for l in lines))
# unfold, then per event
text = data.decode("utf-8").replace("\r\n ", "").split("\r\n")
events, cur = [], None
for l in text:
    if l == "BEGIN:VEVENT": cur = {}
    elif l == "END:VEVENT": events.append(cur); cur = None
    elif cur is not None and ":" in l:
        k, v = l.split(":", 1); cur[k] = v
print("vevents", len(events), "json", len(dl))
print("complete", all(all(k in e for k in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY")) for e in events))
print("uids-unique", len({e["UID"] for e in events}) == len(events))
import re as _re
print("dtstamp", all(_re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"]) for e in events), len({e["DTSTAMP"] for e in events}))
print("sequence", all(e.get("SEQUENCE", "").isdigit() for e in events))
print("dates", [e["DTSTART;VALUE=DATE"] for e in events] == [d["date"].replace("-", "") for d in dl])
for e in events:
    if e["DTSTART;VALUE=DATE"] == "20220331" and "Återbetalning" in e["SUMMARY"]:
        print("repay", e["UID"], e["DESCRIPTION"])
print("json-keys", sorted(dl[0].keys()))
for d in dl:
    if d["kind"] == "repayment":
        print("json-repay", d["date"], d["dnr"], d["part"], d["overdue"], d["recipients"], d["outstanding"].replace(",", "."), d["state"])
flags = [d["overdue"] for d in dl]
print("json-overdue-first", any(flags) and not all(flags) and flags == sorted(flags, reverse=True))
print("types", type(dl[0]["overdue"]).__name__, type(dl[0]["recipients"]).__name__)
PY
)
expect_out "ics: every line ends CRLF" "^crlf True$"
expect_out "ics: BEGIN:VCALENDAR, then VERSION:2.0" "^first BEGIN:VCALENDAR VERSION:2.0$"
expect_out "ics: END:VCALENDAR last" "^last END:VCALENDAR$"
expect_out "ics: a PRODID" "^prodid True$"
expect_out "ics: lines folded at 75 octets" "^folded True$"
expect_out "ics: UTF-8 (folding does not split a character)" "^utf8 True$"
expect_out "ics: one VEVENT per deadline (as many as deadlines --format json lists)" "^vevents ([0-9]+) json \1$"
expect_out "ics: every VEVENT has UID, DTSTAMP, DTSTART;VALUE=DATE and SUMMARY" "^complete True$"
expect_out "ics: the UIDs are unique" "^uids-unique True$"
expect_out "ics: DTSTAMP, when the file was made (UTC), one for all" "^dtstamp True 1$"
expect_out "ics: a SEQUENCE on every event, so newer files update entries" "^sequence True$"
expect_out "ics: the same dates in the same order as json" "^dates True$"
expect_out "ics: the repayment deadline, with a stable UID and what is outstanding" \
	"^repay repayment-S2020-09797-skr@bidrag S2020/09797\\\\, del skr. 2 500 000\\\\,00 kr återkrävt och inte återbetalt"
expect_out "json: the fields of a deadline" "^json-keys \['date', 'dnr', 'kind', 'label', 'late', 'late_recipients', 'outstanding', 'overdue', 'part', 'recipients', 'state', 'title', 'what', 'who'\]$"
expect_out "json: the repayment deadline" "^json-repay 2022-03-31 $D0 skr False 1 2500000.00 om 11 d$"
expect_out "json: overdue items first, then the others" "^json-overdue-first True$"
expect_eq "json: overdue is a boolean, recipients a number" "$(printf '%s\n' "$OUT" | grep '^types')" "types bool int"
expect_error "deadlines: unknown format" "unknown format 'pdf' for deadlines" deadlines --as-of 2022-03-20 --format pdf

# 5. Seed 004: SKR requisitions the RCC parts; the 80 000 000 for barncancer
# is six RCC accounts, all paid to SKR.
for r in RCC-NORR:13333334 RCC-STOCKHOLM-GOTLAND:13333334 RCC-SYD:13333333 RCC-SYDOST:13333333 RCC-UPPSALA-OREBRO:13333333 RCC-VAST:13333333; do
	echo "rq-${r%%:*},requisition,$D4,skr-rcc-barncancer,${r%%:*},,2021-06-01,anna,${r#*:},Anders Knape,,,"
done >"$WORK/rcc.body"
{
	echo "id,kind,dnr,part,recipient,ref,date,by,amount,signed_by,override,reason,received"
	cat "$WORK/rcc.body"
	echo "rq-nat,requisition,$D4,skr-rcc-nationellt,SKR,,2021-06-01,anna,9 000 000,Anders Knape,,,"
} >"$WORK/rcc.csv"
run events import "$WORK/rcc.csv"
expect_out "seed 004: SKR's requisitions for the six RCC and the national part" "^7 events recorded, 0 already recorded$"
run pay plan $D4 --date 2021-06-10 --by anna
expect_out "pay plan: the requisitioned amounts are registered" "^7 events recorded, 0 already recorded$"
expect_out "... the regions' part (paid by 20 January 2021) is outside its window" "^21 accounts outside the payment window on 2021-06-10: not planned$"
run pay list --format csv
RCC=$(printf '%s\n' "$OUT" | python3 -c 'import csv,sys; [print("%s|%s|%s|%s" % (r["recipient"], r["amount"], r["payee"], r["account"])) for r in csv.DictReader(sys.stdin) if r["part"] == "skr-rcc-barncancer"]')
SKRBG=$(bg 5300000)
expect_eq "seed 004: six RCC payments, 13 333 334 twice and 13 333 333 four times, each to SKR" "$RCC" \
	"RCC Norr|13333334.00|Sveriges Kommuner och Regioner|$SKRBG
RCC Stockholm Gotland|13333334.00|Sveriges Kommuner och Regioner|$SKRBG
RCC Syd|13333333.00|Sveriges Kommuner och Regioner|$SKRBG
RCC Sydöst|13333333.00|Sveriges Kommuner och Regioner|$SKRBG
RCC Uppsala Örebro|13333333.00|Sveriges Kommuner och Regioner|$SKRBG
RCC Väst|13333333.00|Sveriges Kommuner och Regioner|$SKRBG"
run pay attest $(ids registered) --date 2021-06-10 --by bertil
expect_out "... attested" "^7 events recorded"
run pay export --batch 2021-06-11 --format lb --date 2021-06-11 --output "$WORK/rcc.lb"
expect_err "... exported as LB" "^batch 2021-06-11: 7 payments, 89 000 000,00 kr, exported as lb$"
OUT=$(lb "$WORK/rcc.lb")
expect_eq "LB: every payment to SKR's bankgiro" "$(printf '%s\n' "$OUT" | grep '^rec ' | cut -d' ' -f2-3 | sort -u)" "14 00$(echo "$SKRBG" | tr -d -)"
expect_out "LB: 7 payments, 8 900 000 000 öre" "^summary 0050525781 7 8900000000$"
expect_eq "status: the barncancer part requisitioned and paid in full" "$(totals $D4 --part skr-rcc-barncancer --as-of 2021-06-30)" \
	"allocated 80000000.00, requisitioned 80000000.00, in_process 0.00, paid 80000000.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_eq "status on 2 December 2021: the parts SKR did not requisition count as lapsed" "$(totals $D4 --as-of 2021-12-02)" \
	"allocated 315000000.00, requisitioned 89000000.00, in_process 0.00, paid 89000000.00, lapsed 41000000.00, claimed 0.00, repaid 0.00, outstanding 185000000.00"
expect_eq "events list $D4: 7 requisitions, payments, attestations and executions" \
	"$("$BIDRAG" events list $D4 --format csv | tail -n +2 | cut -d, -f3 | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" \
	"attest:7 execute:7 payment:7 requisition:7 "
expect_verified "ledger verify after seed 004"

# 3B. Run B: SKR's requisition arrives on 2 December 2021, a day late.  Only
# the samverkansregioner are paid, so the regions' window is overdue.
use late
run pay plan $D0 --part samverkansregioner --date 2021-02-15 --by anna
expect_out "run B: the six samverkansregioner planned" "^6 events recorded"
"$BIDRAG" pay attest $(ids registered) --date 2021-02-15 --by bertil >/dev/null
run pay export --batch B --format pain001 --date 2021-02-16 --output "$WORK/late.xml"
expect_err "... and paid" "^batch B: 6 payments, 60 000 000,00 kr, exported as pain001$"
run deadlines --as-of 2021-03-10
expect_out "deadlines on 10 March 2021: the regions' window closes in 5 days with 215 000 000 unpaid" \
	"^2021-03-15 +om 5 d +Utbetalningsperioden slutar +$D0 +regioner +215 000 000,00 kr inte utbetalt \(21 mottagare\)"
expect_eq "... the paid samverkansregioner's window is not listed" "$(printf '%s\n' "$OUT" | grep -c "$D0  *samverkansregioner")" "0"
run deadlines --as-of 2021-03-20
expect_out "deadlines on 20 March 2021: the regions' part is overdue" \
	"^2021-03-15 +FÖRSENAD 5 d +Utbetalningsperioden slutar +$D0 +regioner +215 000 000,00 kr inte utbetalt \(21 mottagare\)"
expect_eq "status on 20 March 2021: the regions unpaid" "$(totals $D0 --part regioner --as-of 2021-03-20)" \
	"allocated 215000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 215000000.00"
expect_refused "a region paid after the window, without an override, is refused" \
	"payment date 1 april 2021 is outside the payment window 15 februari 2021 to 15 mars 2021 \(a payment outside it needs an override with a reason, which is recorded\); nothing was recorded" \
	pay add $D0 --part regioner --recipient 09 --amount "1 242 480" --date 2021-04-01 --by anna
expect_refused "... and one before the window" "payment date 10 februari 2021 is outside the payment window" \
	pay add $D0 --part regioner --recipient 09 --amount "1 242 480" --date 2021-02-10 --by anna
expect_refused "... an empty override is no override" "is outside the payment window" \
	pay add $D0 --part regioner --recipient 09 --amount "1 242 480" --date 2021-04-01 --by anna --override ""
run pay add $D0 --part regioner --recipient 09 --amount "1 242 480" --date 2021-04-01 --by anna --id late-gotland \
	--override "Regionen saknade bankgiro under perioden"
expect_out "with --override and a reason, the payment is accepted" "^recorded late-gotland$"
expect_eq "... and the reason is recorded with it (events list)" "$(event late-gotland)" \
	'payment|2021-04-01|1242480.00|avail>registered|anna|||{"override":"Regionen saknade bankgiro under perioden","payee":{"bankgiro":"5109-0009","name":"Region Gotland"}}'
expect_eq "... status: Gotland's allocation in process" "$(totals $D0 --part regioner --recipient 09 --as-of 2021-04-01)" \
	"allocated 1242480.00, requisitioned 0.00, in_process 1242480.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 1242480.00"
run deadlines --as-of 2021-12-02
expect_out "deadlines on 2 December 2021: SKR's requisition is overdue" \
	"^2021-12-01 +FÖRSENAD 1 d +Sista dag för rekvisition +$D0 +skr +15 000 000,00 kr inte rekvirerat \(1 mottagare\)"
expect_eq "status on 1 December, the last day: SKR's 15 000 000 still outstanding" "$(totals $D0 --part skr --as-of 2021-12-01)" \
	"allocated 15000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 15000000.00"
expect_eq "status on 2 December: lapsed (due) although no lapse is recorded yet" "$(totals $D0 --part skr --as-of 2021-12-02)" \
	"allocated 15000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 15000000.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_refused "a requisition received 2 December 2021 is refused: the right has lapsed" \
	"received 2 december 2021, after the deadline 1 december 2021: the right to the grant has lapsed \(record it with 'bidrag requisition refuse'\); nothing was recorded" \
	requisition add $D0 --part skr --recipient SKR --amount "15 000 000" --received 2021-12-02 --signed-by "Anders Knape" --by anna
expect_refused "requisition refuse of one received in time is refused" \
	"received 1 december 2021 is not after the deadline 1 december 2021: a requisition received by then is valid \(record it with 'bidrag requisition add'\)" \
	requisition refuse $D0 --part skr --recipient SKR --received 2021-12-01 --by anna
expect_error "requisition refuse takes no amount" "refuse takes no --amount" \
	requisition refuse $D0 --part skr --recipient SKR --received 2021-12-02 --amount 1 --by anna
run requisition refuse $D0 --part skr --recipient SKR --received 2021-12-02 --reason "Rekvisitionen kom in 2 december" --by anna --id skr-lapse
expect_out "requisition refuse records the lapse" "^recorded skr-lapse$"
expect_eq "... moving the whole allocation to lapsed, with the late requisition noted" "$(event skr-lapse)" \
	'lapse|2021-12-02|15000000.00|avail>lapsed|anna|||{"reason":"Rekvisitionen kom in 2 december","requisition_received":true}'
expect_eq "status: lapsed 15 000 000, outstanding 0" "$(totals $D0 --part skr --as-of 2021-12-02)" \
	"allocated 15000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 15000000.00, claimed 0.00, repaid 0.00, outstanding 0.00"
run status $D0 --by post --as-of 2021-12-31 --format csv
expect_out "status --by post: the lapsed 15 000 000 is released on anslagspost 40" \
	'^2021,"UO 9, anslag 1:6, anslagspost 40 Jämlik sjukvård",290000000.00,0.00,1242480.00,60000000.00,15000000.00,0.00,0.00,215000000.00$'
run deadlines --as-of 2021-12-02
expect_eq "deadlines: the lapsed requisition is no longer listed" "$(printf '%s\n' "$OUT" | grep -c "Sista dag för rekvisition  *$D0")" "0"
expect_refused "a payment after the lapse is refused" \
	"the right to the grant has lapsed \(15 000 000 kr lapsed\) and nothing requisitioned is left to pay; nothing was recorded" \
	pay add $D0 --part skr --recipient SKR --amount "15 000 000" --date 2021-12-03 --by anna
expect_refused "a second lapse is refused" "nothing is left to lapse" \
	requisition refuse $D0 --part skr --recipient SKR --date 2021-12-03 --by anna
expect_refused "a requisition back-dated before the lapse is refused" "before the account's latest event \(2 december 2021\)" \
	requisition add $D0 --part skr --recipient SKR --amount "15 000 000" --received 2021-12-01 --by anna
expect_verified "ledger verify after the lapse"

# 6. Every invariant, tried: a clear error and the database unchanged.
use inv
"$BIDRAG" pay add $D0 --part regioner --recipient 09 --amount "1 242 480" --date 2021-02-20 --by anna --id gotland >/dev/null
"$BIDRAG" pay attest gotland --date 2021-02-20 --by bertil >/dev/null
"$BIDRAG" pay export --batch inv --format pain001 --date 2021-02-21 --output "$WORK/inv.xml" 2>/dev/null
"$BIDRAG" requisition add $D0 --part skr --recipient SKR --amount "5 000 000" --received 2021-06-01 --by anna --id skr-rq >/dev/null
"$BIDRAG" pay add $D0 --part skr --recipient SKR --amount "5 000 000" --date 2021-06-02 --by anna --id skr-p >/dev/null
expect_eq "the invariants' setup: Gotland paid, SKR 5 000 000 requisitioned and registered" "$(totals $D0 --recipient 09 --part regioner --as-of 2021-06-02)|$(totals $D0 --part skr --as-of 2021-06-02)" \
	"allocated 1242480.00, requisitioned 0.00, in_process 0.00, paid 1242480.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00|allocated 15000000.00, requisitioned 5000000.00, in_process 5000000.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 15000000.00"
expect_refused "pay more than allocated" \
	"4 193 757 kr is more than can be paid: 4 193 756 kr unpaid is left \(allocated 4 193 756 kr; registered, attested or paid already 0 kr\); nothing was recorded" \
	pay add $D0 --part regioner --recipient 07 --amount "4 193 757" --date 2021-02-20 --by anna
expect_refused "pay again what was paid" "1 kr is more than can be paid: 0 kr unpaid is left \(allocated 1 242 480 kr; registered, attested or paid already 1 242 480 kr\)" \
	pay add $D0 --part regioner --recipient 09 --amount 1 --date 2021-03-01 --by anna
expect_refused "pay more than requisitioned" \
	"5 000 001 kr is more than the 0 kr requisitioned and unpaid: only requisitioned money is paid \(10 000 000 kr of the allocation is not requisitioned\); nothing was recorded" \
	pay add $D0 --part skr --recipient SKR --amount "5 000 001" --date 2021-06-02 --by anna
expect_refused "pay before a requisition on a requisition part" \
	"no requisition has been received: this part is paid only after a requisition \(9 000 000 kr allocated\)" \
	pay add $D4 --part skr-rcc-nationellt --recipient SKR --amount "9 000 000" --date 2021-06-02 --by anna
expect_refused "requisition more than allocated" \
	"10 000 001 kr requisitioned, but only 10 000 000 kr of the allocated 15 000 000 kr is left to requisition; nothing was recorded" \
	requisition add $D0 --part skr --recipient SKR --amount "10 000 001" --received 2021-06-03 --by anna
expect_refused "attest one's own registration" \
	"anna is handlaggare, and a user with that role may not record an attest event; nothing was recorded" \
	pay attest skr-p --date 2021-06-02 --by anna
expect_refused "the registrar's name written differently is the same user" \
	"anna is handlaggare, and a user with that role may not record an attest event" \
	pay attest skr-p --date 2021-06-02 --by " anna  "
expect_refused "... and a name that is no user's is refused" "--as  Anna: wrong user name or password" \
	pay attest skr-p --date 2021-06-02 --by " Anna"
run pay attest skr-p --date 2021-06-02 --by bertil
expect_out "attested by another" "^recorded attest:skr-p$"
expect_already "attesting again, the same command: already recorded" pay attest skr-p --date 2021-06-02 --by bertil
# A second attestation by someone else: the message names the id clash.
expect_refused "attest twice, by another person" "already" pay attest skr-p --date 2021-06-03 --by cecilia
printf 'id,kind,ref,date,by\nsecond-attest,attest,skr-p,2021-06-03,cecilia\n' >"$WORK/attest2.csv"
expect_refused "attest twice, in a batch with its own id" "^error: the payment is attested already; nothing was recorded$" \
	events import "$WORK/attest2.csv" --by cecilia
expect_refused "correct an executed payment" \
	"the payment has been executed and the money has left: claim a repayment instead; nothing was recorded" \
	correct gotland --reason "fel belopp" --date 2021-03-01 --by anna
expect_refused "correct the attestation of an executed payment" "the payment has been executed" \
	correct attest:gotland --reason "fel" --date 2021-03-01 --by anna
expect_refused "repay more than claimed" \
	"1 kr received, but only 0 kr is claimed: register the financial report or a repayment claim first; nothing was recorded" \
	repay receive $D0 --part regioner --recipient 09 --amount 1 --date 2022-03-01 --by anna
expect_refused "claim a repayment of more than was paid" "a repayment of 1 242 481 kr claimed, but only 1 242 480 kr paid out is not already claimed" \
	repay claim $D0 --part regioner --recipient 09 --amount "1 242 481" --date 2022-03-01 --by anna
run repay claim $D0 --part regioner --recipient 09 --amount "100 000" --date 2022-03-01 --by anna
expect_rc "a repayment claim of 100 000" 0
expect_refused "repay more than the claim" "100 001 kr received, but only 100 000 kr is claimed" \
	repay receive $D0 --part regioner --recipient 09 --amount "100 001" --date 2022-03-02 --by anna
expect_refused "a report declaring more unused than was paid" \
	"the report declares 1 242 481 kr unused, more than the 1 242 480 kr paid out; nothing was recorded" \
	report receive $D0 --part regioner --recipient 09 --unused "1 242 481" --date 2022-03-02 --by anna
expect_refused "a report on an account paid nothing" "the report declares 1 kr unused, more than the 0 kr paid out" \
	report receive $D0 --part regioner --recipient 07 --unused 1 --date 2022-03-02 --by anna
expect_refused "an event dated before the account's latest event" \
	"dated 1 februari 2022, before the account's latest event \(1 mars 2022\): events are recorded in date order; nothing was recorded" \
	repay receive $D0 --part regioner --recipient 09 --amount 1 --date 2022-02-01 --by anna
expect_refused "a requisition for a part paid without requisition" \
	"this part is paid without requisition; there is nothing to requisition; nothing was recorded" \
	requisition add $D0 --part regioner --recipient 07 --amount "4 193 756" --received 2021-02-20 --by anna
expect_refused "a requisition before the decision" "received 1 december 2020, before the decision \(22 december 2020\)" \
	requisition add $D4 --part skr-rcc-nationellt --recipient SKR --amount 1 --received 2020-12-01 --by anna
expect_refused "a payment before the decision, even with an override" \
	"payment date 1 december 2020 is before the decision \(22 december 2020\); nothing was recorded" \
	pay add $D0 --part regioner --recipient 07 --amount 1 --date 2020-12-01 --by anna --override "x"
expect_refused "a zero amount" "amount is zero \(a payment moves money\)" \
	pay add $D0 --part regioner --recipient 07 --amount 0 --date 2021-02-20 --by anna
expect_refused "a negative amount" "invalid --amount '-5'" \
	pay add $D0 --part regioner --recipient 07 --amount -5 --date 2021-02-20 --by anna
expect_refused "a recipient without an allocation in the part" "'SKR' has no allocation in this part" \
	pay add $D0 --part regioner --recipient SKR --amount 1 --date 2021-02-20 --by anna
expect_refused "an unknown part" "no part 'nope' in decision '$D0'" \
	pay add $D0 --part nope --recipient 07 --amount 1 --date 2021-02-20 --by anna
expect_refused "an invalid date" "invalid --date '2021-02-30'" \
	pay add $D0 --part regioner --recipient 07 --amount 1 --date 2021-02-30 --by anna
expect_refused "attest an unknown payment" "no event with the id 'nope' is recorded" \
	pay attest nope --date 2021-06-02 --by bertil
expect_refused "attest a requisition" "only a payment can be attested \(the event is a requisition\)" \
	pay attest skr-rq --date 2021-06-02 --by bertil
expect_refused "attest without --by is the OS account's user's: anna may not attest" \
	"anna is handlaggare, and a user with that role may not record an attest event" pay attest skr-p --date 2021-06-02
expect_refused "export an attested payment before its registration's date" "payment skr-p: dated 1 juni 2021, before the account's latest event" \
	pay export --batch early --format lb --date 2021-06-01 --output "$WORK/early.lb"
expect_eq "... and no file is written" "$(ls "$WORK/early.lb" 2>/dev/null)" ""
run pay export --batch inv2 --format lb --date 2021-06-03 --from 09 --output "$WORK/from.lb"
expect_rc "pay export --from another organisation with a bankgiro" 0
OUT=$(lb "$WORK/from.lb")
expect_out "LB --from 09: Region Gotland's bankgiro opens the file" "^open 1100$(bg 5109000 | tr -d -) LEVERANTÖRSBETALNINGAR SEK$"
expect_verified "ledger verify after the refusals"

# 7. Idempotency: the same event twice, the same id with other content, and
# atomic batches.
use idem
run pay add $D0 --part regioner --recipient 07 --amount "4 193 756" --date 2021-02-20 --by anna
expect_out "pay add without --id: an id derived from the content" "^recorded auto-[0-9a-f]{16}$"
auto=${OUT#recorded }
expect_already "the same command again: already recorded, nothing written" \
	pay add $D0 --part regioner --recipient 07 --amount "4 193 756" --date 2021-02-20 --by anna
expect_eq "... under the same id" "$(printf '%s' "$OUT" | sed 's/^already recorded: //')" "$auto"
expect_refused "the same payment entered by someone else is not paid twice" "auto-[0-9a-f]{16}" \
	pay add $D0 --part regioner --recipient 07 --amount "4 193 756" --date 2021-02-20 --by hanna
run pay add $D0 --part regioner --recipient 10 --amount "1 000 000" --date 2021-02-20 --by anna --id blekinge-1
expect_out "pay add --id" "^recorded blekinge-1$"
expect_already "the same --id and content: already recorded" \
	pay add $D0 --part regioner --recipient 10 --amount "1 000 000" --date 2021-02-20 --by anna --id blekinge-1
expect_refused "the same --id with another amount: an error, nothing written" \
	"event id 'blekinge-1' is already recorded with different content \(payment by anna on 2021-02-20\); an id names one event: a new event needs a new id; nothing was recorded" \
	pay add $D0 --part regioner --recipient 10 --amount "1 000 001" --date 2021-02-20 --by anna --id blekinge-1
expect_refused "the same --id for another kind of event: an error" "event id 'blekinge-1' is already recorded with different content" \
	requisition add $D0 --part skr --recipient SKR --amount 1 --received 2021-06-01 --by anna --id blekinge-1
cat >"$WORK/bad.csv" <<EOF
id,kind,dnr,part,recipient,ref,date,by,amount,signed_by,override,reason,received
e-kalmar,payment,$D0,regioner,08,,2021-02-22,anna,5 113 074,,,,
e-halland,payment,$D0,regioner,Region Halland,,2021-02-22,anna,6 942 064,,,,
e-vg,payment,$D0,regioner,14,,2021-02-23,anna,1,,,,
EOF
expect_refused "events import: a batch with one bad event in the middle records nothing" \
	"event 2 \(id 'e-halland'\): 6 942 064 kr is more than can be paid: 6 942 063 kr unpaid is left .*; nothing was recorded" \
	events import "$WORK/bad.csv"
expect_eq "... not even the first event" "$(event e-kalmar)" ""
sed 's/6 942 064/6 942 063/' "$WORK/bad.csv" >"$WORK/good.csv"
run events import "$WORK/good.csv"
expect_out "events import: the fixed batch records all three" "^3 events recorded, 0 already recorded$"
expect_out "... each named" "^recorded e-vg$"
expect_already "events import again: already recorded, nothing new" events import "$WORK/good.csv"
expect_out "... all three" "^0 events recorded, 3 already recorded$"
printf 'id,kind,ref,date,by\ne-kalmar-a,attest,e-kalmar,2021-02-23,bertil\n' >"$WORK/attest.csv"
expect_refused "events import: an event file naming another user than the one importing is refused" \
	"event 1 \(id 'e-kalmar-a'\): recorded by 'bertil', not by 'anna': an event is recorded as the user who makes the change" \
	events import "$WORK/attest.csv"
run events import "$WORK/attest.csv" --by bertil
expect_out "events import --by bertil: his attestation" "^recorded e-kalmar-a$"
printf 'id,kind,ref,date,by\ne-kalmar-a,attest,e-kalmar,2021-02-24,bertil\n' >"$WORK/clash.csv"
expect_refused "events import: a known id with other content" "event id 'e-kalmar-a' is already recorded with different content" \
	events import "$WORK/clash.csv" --by bertil
printf 'id,kind,dnr,part,recipient,date,by,amount,colour\nx,payment,%s,regioner,12,2021-02-22,anna,1,red\n' "$D0" >"$WORK/field.csv"
expect_refused "events import: an unknown field" "field.csv:1: unknown column 'colour' in the header" events import "$WORK/field.csv"
printf 'id,kind,dnr,part,recipient,date,by,amount\nx,payment,%s,regioner,12,2021-02-22,anna\n' "$D0" >"$WORK/short.csv"
expect_refused "events import: a row with too few fields" "short.csv:2: 7 fields, expected 8 as in the header" events import "$WORK/short.csv"
printf 'id,kind,ref,date,by\nx,execute,e-kalmar,2021-02-24,bertil\n' >"$WORK/exec.csv"
expect_refused "events import: executions come only from pay export" "unknown kind 'execute'.*payments are executed by 'bidrag pay export'" \
	events import "$WORK/exec.csv"
printf 'id,kind,dnr,part,recipient,date,by,amount\n,payment,%s,regioner,12,2021-02-22,anna,1\n' "$D0" >"$WORK/noid.csv"
expect_refused "events import: every event needs its id" "id is missing" events import "$WORK/noid.csv"
cat >"$WORK/bad.json" <<EOF
[
 {"id": "j-skane", "kind": "payment", "dnr": "$D0", "part": "regioner", "recipient": "12", "date": "2021-02-25", "by": "anna", "amount": "28 681 860"},
 {"id": "j-skane-a", "kind": "attest", "ref": "j-skane", "date": "2021-02-25", "by": "anna"},
 {"id": "j-orebro", "kind": "payment", "dnr": "$D0", "part": "regioner", "recipient": "Region Örebro län", "date": "2021-02-25", "by": "anna", "amount": 6346866}
]
EOF
expect_refused "events import JSON: one bad event (the registrar's attestation) and nothing is recorded" \
	"event 2 \(id 'j-skane-a'\): anna is handlaggare, and a user with that role may not record an attest event" \
	events import "$WORK/bad.json"
grep -v '"kind": "attest"' "$WORK/bad.json" >"$WORK/good.json"
run events import "$WORK/good.json"
expect_out "events import JSON: the fixed batch records both payments" "^2 events recorded, 0 already recorded$"
expect_already "events import JSON again: nothing new" events import "$WORK/good.json"
grep '"kind": "attest"' "$WORK/bad.json" | sed 's/"anna"/"bertil"/; s/,$//; s/^/[/; s/$/]/' >"$WORK/attest.json"
run events import "$WORK/attest.json" --by bertil
expect_out "events import JSON --by bertil: his attestation" "^recorded j-skane-a$"
printf '[{"id": "j-x", "kind": "payment", "dnr": "%s", "part": "regioner", "recipient": "13", "date": "2021-02-25", "by": "anna", "amount": 1.5}]' "$D0" >"$WORK/float.json"
expect_refused "events import JSON: a fractional number as an amount is refused" "\[0\].amount: expected a string or an integer" events import "$WORK/float.json"
echo '{"id": "j-y"}' >"$WORK/object.json"
expect_refused "events import JSON: not an array" "object.json: expected a JSON array of events" events import "$WORK/object.json"
expect_eq "status: the batches' payments" "$(totals $D0 --part regioner --as-of 2021-02-28)" \
	"allocated 215000000.00, requisitioned 0.00, in_process 52277620.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 215000000.00"
expect_verified "ledger verify after the batches"

# 8. Corrections: a reversing event, never an edit.
use corr
"$BIDRAG" pay add $D0 --part regioner --recipient 07 --amount "4 193 756" --date 2021-02-20 --by anna --id k1 >/dev/null
expect_refused "a correction needs --reason" "a correction needs --reason \(it is recorded\)" correct k1 --date 2021-02-21 --by anna
expect_refused "... and --date" "--date is missing" correct k1 --reason "fel" --by anna
expect_refused "correct an unknown event" "no event with the id 'nope' is recorded" correct nope --reason "fel" --date 2021-02-21 --by anna
run correct k1 --reason "Fel belopp" --date 2021-02-21 --by anna --id k1-c
expect_out "correct a registered payment" "^recorded k1-c$"
expect_eq "... the correction moves the amount back, with the reason" "$(event k1-c)" \
	'correction|2021-02-21|4193756.00|registered>avail|anna|k1||{"reason":"Fel belopp"}'
expect_eq "... the payment is still in the journal, with the payee it was registered to: nothing is deleted" "$(event k1)" \
	'payment|2021-02-20|4193756.00|avail>registered|anna|||{"payee":{"bankgiro":"5107-0001","name":"Region Kronoberg"}}'
expect_eq "... and is no longer in the attestation queue" "$(ids registered | grep -c '^k1$')" "0"
expect_eq "... the amount is payable again" "$(totals $D0 --part regioner --recipient 07 --as-of 2021-02-21)" \
	"allocated 4193756.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 4193756.00"
expect_refused "the corrected payment cannot be attested" "the payment was corrected \(withdrawn\); there is nothing to attest" \
	pay attest k1 --date 2021-02-21 --by bertil
expect_refused "a correction cannot be corrected" "a correction cannot be corrected: record the event again" \
	correct k1-c --reason "ångrar" --date 2021-02-21 --by anna
expect_refused "an event cannot be corrected twice" "the event is corrected already" correct k1 --reason "igen" --date 2021-02-21 --by anna
run pay add $D0 --part regioner --recipient 07 --amount "4 193 756" --date 2021-02-22 --by anna --id k2
expect_out "the amount is paid again" "^recorded k2$"
run pay attest k2 --date 2021-02-22 --by bertil
expect_rc "attested" 0
run correct attest:k2 --reason "Attesterad utan underlag" --date 2021-02-23 --by anna
expect_rc "correct an attestation" 0
expect_eq "... the payment is back in the attestation queue" "$(ids attested | grep -c '^k2$') $(ids registered | grep -c '^k2$')" "0 1"
expect_eq "... status: still in process" "$(totals $D0 --part regioner --recipient 07 --as-of 2021-02-23)" \
	"allocated 4193756.00, requisitioned 0.00, in_process 4193756.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 4193756.00"
expect_refused "... nothing to export" "no attested payments await export" pay export --batch corr --format lb --date 2021-02-24 --output "$WORK/corr.lb"
printf 'id,kind,ref,date,by\nk2-a2,attest,k2,2021-02-24,cecilia\n' >"$WORK/reattest.csv"
run events import "$WORK/reattest.csv" --by cecilia
expect_out "a new attestation, under a new id" "^recorded k2-a2$"
run pay export --batch corr --format lb --date 2021-02-24 --output "$WORK/corr.lb"
expect_err "... and the payment is exported" "^batch corr: 1 payment, 4 193 756,00 kr, exported as lb$"
expect_refused "the executed payment cannot be corrected" "the payment has been executed and the money has left: claim a repayment instead" \
	correct k2 --reason "fel" --date 2021-02-25 --by anna
# A requisition whose money has been paid on: correct the payment first.
"$BIDRAG" requisition add $D0 --part skr --recipient SKR --amount "15 000 000" --received 2021-06-01 --by anna --id c-rq >/dev/null
"$BIDRAG" pay add $D0 --part skr --recipient SKR --amount "10 000 000" --date 2021-06-02 --by anna --id c-p >/dev/null
expect_refused "correct a requisition whose money is registered for payment" \
	"only 5 000 000 kr of the 15 000 000 kr it moved is still requisitioned \(later events have used it\): correct those first" \
	correct c-rq --reason "fel" --date 2021-06-03 --by anna
run correct c-p --reason "fel" --date 2021-06-03 --by anna
expect_rc "correct the payment first" 0
run correct c-rq --reason "Rekvisitionen var inte undertecknad" --date 2021-06-03 --by anna
expect_rc "... then the requisition" 0
expect_eq "... the account is as before" "$(totals $D0 --part skr --as-of 2021-06-03)" \
	"allocated 15000000.00, requisitioned 0.00, in_process 0.00, paid 0.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 15000000.00"
# A report corrected: the claim it made falls.
"$BIDRAG" report receive $D0 --part regioner --recipient 07 --unused "193 756" --date 2022-03-10 --by anna --id k-rep >/dev/null
expect_eq "a report claims the unused amount" "$(totals $D0 --part regioner --recipient 07 --as-of 2022-03-10)" \
	"allocated 4193756.00, requisitioned 0.00, in_process 0.00, paid 4193756.00, lapsed 0.00, claimed 193756.00, repaid 0.00, outstanding 0.00"
run correct k-rep --reason "Fel rapport" --date 2022-03-11 --by anna
expect_rc "correct the report" 0
expect_eq "... the claim is withdrawn" "$(totals $D0 --part regioner --recipient 07 --as-of 2022-03-11)" \
	"allocated 4193756.00, requisitioned 0.00, in_process 0.00, paid 4193756.00, lapsed 0.00, claimed 0.00, repaid 0.00, outstanding 0.00"
expect_eq "... status as of the day before still shows it" "$(totals $D0 --part regioner --recipient 07 --as-of 2022-03-10)" \
	"allocated 4193756.00, requisitioned 0.00, in_process 0.00, paid 4193756.00, lapsed 0.00, claimed 193756.00, repaid 0.00, outstanding 0.00"
run deadlines --as-of 2022-03-12
expect_out "... and the report is due again" "^2022-03-31 +om 19 d +Ekonomisk redovisning +$D0 +regioner +1 mottagare har inte redovisat"
expect_verified "ledger verify after the corrections"

# 10. ledger verify: every scenario's books balance; a tampered balance is found.
for db in main late inv idem corr; do
	BIDRAG_DB=$(db_path "$db") run ledger verify
	expect_out "ledger verify, $db: the books balance" "^ok: [0-9]+ events on [0-9]+ accounts replayed; the books balance$"
done
export BIDRAG_DB=$(db_path main)
sql "$BIDRAG_DB" "UPDATE ledger_balance SET avail = avail + 100, paid = paid - 100
	WHERE part_id = (SELECT p.id FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = '$D0' AND p.code = 'regioner')
	AND org_id = (SELECT id FROM org WHERE code = '09')"
run ledger verify
expect_rc "ledger verify: a tampered balance row fails with exit status 1" 1
expect_out "... naming the account and the bucket" "^FAIL $D0 part regioner, 09: avail is 100 öre in the balance, 0 öre by the events$"
expect_out "... and the paid bucket" "^FAIL $D0 part regioner, 09: paid is 124247900 öre in the balance, 124248000 öre by the events$"
expect_out "... and counts the problems" "^2 problems in [0-9]+ events on [0-9]+ accounts$"
sql "$BIDRAG_DB" "DELETE FROM ledger_balance WHERE org_id = (SELECT id FROM org WHERE code = 'SKR')"
run ledger verify
expect_out "ledger verify: a deleted balance row is found" "^FAIL $D0 part skr, SKR: [0-9]+ events but no balance$"
OUT=$(sql "$BIDRAG_DB" "UPDATE ledger_event SET amount = 1 WHERE id = 'skr-pay'" 2>&1)
expect_out "ledger events cannot be changed, even in SQL" "ledger events are never changed: record a correction"
OUT=$(sql "$BIDRAG_DB" "DELETE FROM ledger_event WHERE id = 'skr-pay'" 2>&1)
expect_out "... nor deleted" "ledger events are never deleted: record a correction"

# 11. What the first version of these tests found, now fixed.
use fixes
run pay plan $D0 --part regioner --date 2021-02-15 --by anna
gotland=$(printf '%s\n' "$OUT" | sed -n 's/^recorded \(plan:S2020\/09797:regioner:09:.*\)$/\1/p')
run correct "$gotland" --reason "fel belopp" --date 2021-02-15 --by anna
expect_rc "a planned payment corrected" 0
run pay plan $D0 --part regioner --date 2021-02-15 --by anna
expect_out "pay plan plans a corrected payment again" "^recorded plan:$D0:regioner:09:2021-02-15:124248000:[1-9][0-9]*$"
expect_eq "... and nothing else" "$(printf '%s\n' "$OUT" | wc -l)" "1"
p=$(ids registered | head -1)
run pay attest "$p" --date 2021-02-16 --by bertil
run correct "attest:$p" --reason "fel attest" --date 2021-02-16 --by anna
expect_rc "an attestation corrected" 0
run pay attest "$p" --date 2021-02-16 --by bertil
expect_out "pay attest attests again after a corrected attestation" "^recorded attest:$p:2$"
expect_refused "a second attestation by someone else says who attested" \
	"already recorded with different content \(attest by bertil on 2021-02-16\)" pay attest "$p" --date 2021-02-16 --by cecilia
run pay add $D4 --part regioner --recipient 10 --amount "100" --date 2021-01-10 --by anna
expect_rc "a payment without --id" 0
expect_refused "the same payment entered by someone else without --id: named as the same event" \
	"the same event \(decision, part, recipient, amount and date\) is already recorded as auto-[0-9a-f]+: payment by anna on 2021-01-10; if this is a second one, give it its own --id" \
	pay add $D4 --part regioner --recipient 10 --amount "100" --date 2021-01-10 --by hanna
run correct "$(ids registered | grep 'regioner:10:')" --reason "ny summa" --date 2021-02-16 --by anna
run pay add $D0 --part regioner --recipient 10 --amount "200" --date 2021-03-15 --by anna --id late-window
run pay attest late-window --date 2021-03-15 --by bertil
expect_refused "an export after the window needs an override" "payment [^ ]+: payment date 30 juni 2021 is outside the payment window 15 februari 2021 to 15 mars 2021" \
	pay export --batch W --format pain001 --date 2021-06-30 --output "$WORK/w.xml"
run pay export --batch W --format pain001 --date 2021-06-30 --output "$WORK/w.xml" --override "försenad bankfil"
expect_rc "... and goes with one, recorded" 0
run events list $D0 --format csv
expect_out "... on the execution" 'execute,2021-06-30,.*"\{""override"":""försenad bankfil""\}"'
run deadlines --as-of 2022-03-20 --format json --all
expect_eq "deadlines json: amounts with a decimal point" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(all("," not in d["outstanding"] for d in json.load(sys.stdin)))')" "True"
printf 'id,kind,ref,date,by\nc9,correction,late-window,2021-07-01,anna\n' >"$WORK/noreason.csv"
expect_refused "events import: a correction needs a reason" "noreason.csv:2: a correction needs a reason" events import "$WORK/noreason.csv"
# 12. What a review found, now fixed.
use review
run requisition add $D0 --part skr --recipient SKR --amount "15 000 000" --received 2021-11-30 --by anna --id r-skr
run pay add $D0 --part skr --recipient SKR --amount "15 000 000" --date 2021-12-03 --by anna --id p-skr
run pay attest p-skr --date 2021-12-03 --by bertil
skrbg=$(sql "$BIDRAG_DB" "SELECT replace(bankgiro, '-', '') FROM org WHERE code = 'SKR'")
run org set SKR --bankgiro 5728-3905
run pay export --batch R1 --format pain001 --date 2021-12-06 -o "$WORK/r1.xml"
expect_rc "pay export -o writes the file (-o is --output)" 0
expect_eq "... the payment goes to the account it was registered and attested with, not one set later" \
	"$(grep -c "<Id>$skrbg</Id>" "$WORK/r1.xml") $(grep -c '<Id>57283905</Id>' "$WORK/r1.xml")" "1 0"
run events list $D0 --format csv
expect_eq "... and no override was recorded by -o" "$(printf '%s\n' "$OUT" | grep -c override)" "0"
expect_refused "a name for --by longer than 100 bytes is no user: refused" \
	"--as x{101}: wrong user name or password .*; nothing was changed" \
	pay add $D0 --part regioner --recipient 01 --amount 1 --date 2021-02-20 --by "$(printf 'x%.0s' $(seq 1 101))"
run requisition add $D4 --part skr-rcc-nationellt --recipient SKR --amount "9 000 000" --received 2021-11-30 --by anna
auto=$(printf '%s\n' "$OUT" | sed -n 's/^recorded //p')
run correct "$auto" --reason "fel" --date 2021-11-30 --by anna
expect_refused "a retry of a corrected event is not 'already recorded'" "was recorded and then corrected: to record it again, give it a new --id" \
	requisition add $D4 --part skr-rcc-nationellt --recipient SKR --amount "9 000 000" --received 2021-11-30 --by anna
expect_refused "a date more than a year ahead is refused" "dated 2201-12-03, more than a year from today" \
	pay add $D0 --part regioner --recipient 01 --amount 1 --date 2201-12-03 --by anna --override typo
run pay add $D0 --part regioner --recipient 03 --amount 100 --date 2021-02-20 --by anna --id p-up
run pay attest p-up --date 2021-02-20 --by bertil
before=$(dbsum)
run pay export --batch R2 --format pain001 --date 2021-02-20 --output "$WORK/no/such/dir/r2.xml"
expect_eq "an export whose file cannot be written records nothing" "$RC $(dbsum)" "3 $before"
printf 'id,kind,dnr,part,recipient,date,by,amount,amount\nd1,payment,%s,regioner,01,2021-02-20,anna,1,2\n' "$D0" >"$WORK/dup.csv"
expect_refused "events import: a column twice in the header" "dup.csv:1: the column 'amount' appears twice" events import "$WORK/dup.csv"
printf 'id,kind,dnr,part,recipient,date,by\nrep1,report,%s,skr,SKR,2022-03-01,anna\n' "$D0" >"$WORK/noamount.csv"
expect_refused "events import: a report without its amount" "noamount.csv:2: amount is missing \(the unused amount the report declares\)" events import "$WORK/noamount.csv"
printf 'id,kind,ref,date,by,amount\na9,attest,p-up,2021-02-21,cecilia,5\n' >"$WORK/attamount.csv"
expect_refused "events import: an amount where none belongs" "attamount.csv:2: an event of kind 'attest' takes no amount" events import "$WORK/attamount.csv"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["dnr"]="X\u0001Y"; json.dump(d, open(sys.argv[2],"w"))' "$EX/S2020-09797.json" "$WORK/ctl.json"
expect_refused "a decision file with a control character in the dnr" "dnr: a control character \(0x01\) at position 2" decision import "$WORK/ctl.json"
para=$(fresh_db para)
for i in 1 2 3 4; do BIDRAG_DB="$para" "$BIDRAG" init >"$WORK/para$i.out" 2>&1 & done
wait
expect_eq "four concurrent inits of a new database all succeed" "$(cat "$WORK"/para?.out | grep -c 'schema version')" "4"

# 13. Usage errors of the ledger's commands, each with nothing written.
use usage
run pay add $D0 --part regioner --recipient 03 --amount 100 --date 2021-02-20 --by anna --id u1
run pay attest u1 --date 2021-02-20 --by bertil
expect_refused "pay export --from an unknown organisation" "--from: no organisation 'Ingen' in the register" \
	pay export --batch U --format lb --date 2021-02-21 --from Ingen
expect_refused "pay export --from an organisation without a bankgiro" "the paying organisation Uppsala kommun has no bankgiro \(set one with 'bidrag org set'\)" \
	pay export --batch U --format lb --date 2021-02-21 --from 0380
expect_refused "pay list: an unknown state" "unknown --state 'paid' \(expected registered, attested or executed\)" pay list --state paid
expect_refused "status: nothing matches" "nothing matches decision S1999/1" status S1999/1 --as-of 2021-03-01
expect_refused "status: an unknown --by" "unknown --by 'kommun' \(expected recipient or post\)" status --by kommun
expect_refused "deadlines: an invalid --within" "invalid --within 'x' \(expected a number of days\)" deadlines --within x
expect_refused "requisition refuse: --received and --date both" "give --received \(a late requisition\) or --date \(none came in\), not both" \
	requisition refuse $D0 --part skr --recipient SKR --received 2021-12-02 --date 2021-12-03
expect_refused "events list: two DNRs" "events list takes at most one DNR" events list $D0 $D4

use planid
run pay plan $D0 --part samverkansregioner --date 2021-02-15 --by anna --id feb
expect_out "pay plan --id names the planned payments ID:PART:RECIPIENT" "^recorded feb:samverkansregioner:SVR-NORRA$"
expect_verified "ledger verify after the fixes"

done_testing
