# payee.sh: payees' accounts as master data (issue 13, items 1-3): 'bidrag
# payee import' of CSV and Excel files with every check digit checked, all
# or nothing; a change of account under four eyes, the old account paid
# until it is approved; the 30-day flag in the attestation queue; pay plan
# holding a payment to a payee without an account; pain.001 as the default
# payment file, paying the account approved at export time; a batch in a
# second format only when forced; and the audit log of every act.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
XSD="$BIDRAG_SRC/data/iso20022/pain.001.001.03.xsd"
D0=S2020/09797
unset BIDRAG_USER # who makes a change: --user, else the OS account, mapped to anna
# people: after each init, the registered users (anna and cecilia handläggare,
# bertil attestant); the OS account running the test is anna's.
people() {
	test_users cecilia:handlaggare && "$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
}

# A workbook (.xlsx) from CSV rows on stdin, made with the standard library
# as a spreadsheet program would save it: the first sheet named through
# workbook.xml and its relationships (not sheet1.xml), texts as shared
# strings; a cell "n:DIGITS" is a number, "i:TEXT" an inline string.
cat >"$WORK/xlsx.py" <<'PY'
import csv, sys, zipfile
from xml.sax.saxutils import escape
rows = list(csv.reader(sys.stdin))
strings, index, sheet = [], {}, []
def col(c):
    s, c = "", c + 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s
for r, row in enumerate(rows, 1):
    cells = []
    for c, v in enumerate(row):
        if v == "":
            continue
        ref = "%s%d" % (col(c), r)
        if v.startswith("n:"):
            cells.append('<c r="%s"><v>%s</v></c>' % (ref, v[2:]))
        elif v.startswith("i:"):
            cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v[2:])))
        else:
            if v not in index:
                index[v] = len(strings)
                strings.append(v)
            cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[v]))
    sheet.append('<row r="%d">%s</row>' % (r, "".join(cells)))
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PKG, REL))
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook %s xmlns:r="%s"><sheets><sheet name="Betalningsmottagare" sheetId="1" r:id="rId7"/><sheet name="Annat" sheetId="2" r:id="rId9"/></sheets></workbook>' % (NS, REL))
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId9" Type="%s/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="%s/worksheet" Target="worksheets/mottagare.xml"/><Relationship Id="rId8" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>' % (PKG, REL, REL, REL))
    z.writestr("xl/worksheets/mottagare.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, "".join(sheet)))
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>' % NS)
    z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst %s>%s</sst>' % (NS, "".join("<si><t>%s</t></si>" % escape(s) for s in strings)))
PY
xlsx() { python3 "$WORK/xlsx.py" "$1"; }
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
# queue STATE: id|account|kind|changed of each payment, as pay list --format json gives it.
queue() {
	"$BIDRAG" pay list --state "$1" --format json | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print("|".join([p["id"], p["account"] or "", p["account_kind"] or "", p.get("account_changed") or ""]))'
}
# audit_actions: the audit log's actions and objects, one a line.
audit_actions() { "$BIDRAG" audit list --format json | python3 -c 'import json,sys; [print(e["action"], e["object"], e["actor"]) for e in json.load(sys.stdin)]'; }
today=$(date +%F)
days() { date -d "$today $1 days" +%F; }

export BIDRAG_DB=$(fresh_db payees)
"$BIDRAG" init >/dev/null
people
"$BIDRAG" decision import "$EX"/decisions/*.json >/dev/null 2>&1

# 1. Bad files change nothing, and say file, row and column.
printf 'organisationsnummer,namn,bankgiro,plusgiro,IBAN,BIC,betalningsreferens\n' >"$WORK/head.csv"
bad() { # bad NAME ROW: a file of the header and ROW
	{ cat "$WORK/head.csv"; printf '%s\n' "$2"; } >"$WORK/$1.csv"
}
bad bg '232100-0016,Region Stockholm,5728-3904,,,,'
bad orgnr '232100-0017,Region Stockholm,5728-3905,,,,'
bad pg '232100-0016,Region Stockholm,,3 70 20-6,,,'
bad iban '232100-0016,Region Stockholm,,,SE45 5000 0000 0583 9825 7467,ESSESESS,'
bad bic '232100-0016,Region Stockholm,,,SE45 5000 0000 0583 9825 7466,ESS1SESS,'
bad biccountry '232100-0016,Region Stockholm,,,SE45 5000 0000 0583 9825 7466,DEUTDEFF,'
bad two '232100-0016,Region Stockholm,5728-3905,3 70 20-5,,,'
bad none '232100-0016,Region Stockholm,,,,,Ansvar 1'
bad noname '232100-0016,,5728-3905,,,,'
bad personnummer '19121212-1212,Tolvan,5728-3905,,,,'
{ cat "$EX/payees.csv"; printf '232100-0024,Region Uppsala,5728-3905,,,,\n'; } >"$WORK/dup.csv"
{ cat "$EX/payees.csv"; printf '232100-0230,Region Norrbotten,5728-3904,,,,\n'; } >"$WORK/last.csv"
printf 'orgnr;namn;bankgiro;konto\n232100-0016;Region Stockholm;5728-3905;x\n' >"$WORK/unknown.csv"
printf 'orgnr,bankgiro\n232100-0016,5728-3905\n' >"$WORK/noname-col.csv"
printf '# only a comment\n' >"$WORK/empty.csv"
before=$(db_sum_but_logins "$BIDRAG_DB")
expect_error "a bankgiro with a wrong check digit: file, row, column and the digit expected" \
	"^error: $WORK/bg.csv, row 2, column C \(bankgiro\): invalid bankgiro '5728-3904': wrong check digit \(expected 5\); nothing was imported$" \
	payee import "$WORK/bg.csv"
expect_error "an organisationsnummer failing Luhn" "orgnr.csv, row 2, column A \(organisationsnummer\): invalid organisationsnummer '232100-0017': wrong check digit \(expected 6\)" \
	payee import "$WORK/orgnr.csv"
expect_error "a plusgiro failing Luhn" "row 2, column D \(plusgiro\): invalid plusgiro '3 70 20-6': wrong check digit \(expected 5\)" \
	payee import "$WORK/pg.csv"
expect_error "an IBAN failing mod 97" "row 2, column E \(IBAN\): invalid IBAN 'SE45 5000 0000 0583 9825 7467': wrong check digits \(expected 18\)" \
	payee import "$WORK/iban.csv"
expect_error "a BIC not of the form" "row 2, column F \(BIC\): invalid BIC 'ESS1SESS': '1' at position 4" \
	payee import "$WORK/bic.csv"
expect_error "a BIC of another country than the IBAN" "row 2, column F \(BIC\): BIC DEUTDEFF is of a bank in DE, the IBAN SE4550000000058398257466 of an account in SE" \
	payee import "$WORK/biccountry.csv"
expect_error "two accounts for one payee" "row 2, column D \(plusgiro\): one account per payee: a bankgiro, a plusgiro or an IBAN, not a bankgiro and a plusgiro" \
	payee import "$WORK/two.csv"
expect_error "a payee without an account" "row 2, columns C \(bankgiro\), D \(plusgiro\), E \(IBAN\): no account" \
	payee import "$WORK/none.csv"
expect_error "a payee without a name" "row 2, column B \(namn\): no name" payee import "$WORK/noname.csv"
expect_error "a personnummer is no organisationsnummer" "row 2, column A \(organisationsnummer\): invalid organisationsnummer '19121212-1212': 12 digits must start with the prefix 16" \
	payee import "$WORK/personnummer.csv"
expect_error "the same payee twice" "dup.csv, row 35: Region Uppsala \(232100-0024\) is on row 11 already" payee import "$WORK/dup.csv"
expect_error "an error on the last row of a good file: nothing of the rest is imported" \
	"last.csv, row 35, column C \(bankgiro\): invalid bankgiro '5728-3904'" payee import "$WORK/last.csv"
expect_error "an unknown column, semicolons" "unknown.csv, row 1, column D: unknown column 'konto'" payee import "$WORK/unknown.csv"
expect_error "no name column" "noname-col.csv, row 1: the header has no namn column" payee import "$WORK/noname-col.csv"
expect_error "no rows at all" "empty.csv: empty: the first row names the columns" payee import "$WORK/empty.csv"
expect_error "no such file" "cannot open '$WORK/nope.csv'" payee import "$WORK/nope.csv"
expect_eq "... and none of them changed the register" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"
run payee list
expect_out "... no payee has an account" "^no payee has an account in the payee register"

# 2. The examples' payees, as CSV.
run payee import "$EX/payees.csv" --user anna
expect_rc "payee import examples/payees.csv" 0
expect_err "... 25 payees added" "payees.csv: 25 payees \(csv\): 25 added, 0 unchanged, 0 new references, 0 changes proposed, 0 pending"
expect_out "... a region matched by its name, learning its organisationsnummer" "^added 01: Region Stockholm \(232100-0016\), bankgiro 9000-0019$"
expect_out "... a samverkansregion's payee of the same organisationsnummer, by its name" \
	"^added SVR-STOCKHOLM-GOTLAND-PAYEE: Hälso- och sjukvårdsförvaltningen, Region Stockholm \(232100-0016\), bankgiro 5716-1507$"
expect_out "... a plusgiro" "^added 17: Region Värmland \(232100-0156\), plusgiro 3 70 20-5$"
expect_out "... an IBAN with its BIC" "^added SKR: Sveriges Kommuner och Regioner \(222000-0315\), IBAN SE6250000000000000000315 \(BIC ESSESESS\)$"
run org show 01
expect_out "the region has its organisationsnummer now" "232100-0016"
run payee list --format csv
expect_eq "payee list: 25 payees" "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "25"
expect_out "payee list --format csv: code, name, orgnr, account, kind, BIC, reference" \
	"^SVR-NORRA-PAYEE,Norra sjukvårdsregionförbundet,222000-1651,5728-3905,bankgiro,,0319200,,0$"
run payee list --format json
expect_eq "payee list --format json: the payees and no open change" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=[p for p in d["payees"] if p["org"]=="SKR"][0]; print(len(d["payees"]), len(d["changes"]), s["account"]["kind"], s["account"]["number"], s["account"]["bic"], s["version"], s["how"])')" \
	"25 0 IBAN SE6250000000000000000315 ESSESESS 1 import"
before=$(db_sum_but_logins "$BIDRAG_DB")
run payee import "$EX/payees.csv" --user anna
expect_err "importing the same file again: all unchanged" "25 payees \(csv\): 0 added, 25 unchanged"
expect_eq "... and nothing written, not even an audit entry" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"

# 3. The same payees as an Excel workbook, in another register: the same
# accounts.  Numbers typed into cells as numbers, an inline string, English
# headers in another order, an empty row.
python3 - "$EX/payees.csv" >"$WORK/wb.csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(l for l in open(sys.argv[1], encoding="utf-8") if not l.startswith("#"))]
out = csv.writer(sys.stdout)
out.writerow(["Name", "Org. nr", "IBAN", "BIC", "Bankgiro", "Plusgiro", "Payment reference"])
for i, r in enumerate(rows[1:]):
    orgnr, name, bg, pg, iban, bic, ref = r
    if i == 3:
        out.writerow([])
    if i == 0:
        orgnr = "n:" + orgnr.replace("-", "")  # 2321000016 typed as a number
    if bg == "9000-0035":
        bg = "n:90000035"
    if ref == "0319200":
        ref = "i:" + ref
    out.writerow([name, orgnr, iban, bic, bg, pg, ref])
PY
xlsx "$WORK/payees.xlsx" <"$WORK/wb.csv"
csvlist=$("$BIDRAG" payee list --format csv)
export BIDRAG_DB=$(fresh_db xlsx)
"$BIDRAG" init >/dev/null
people
"$BIDRAG" decision import "$EX"/decisions/*.json >/dev/null 2>&1
printf 'Name,Org. nr,Bankgiro\nRegion Uppsala,232100-0024,n:90000035\nRegion Sörmland,232100-0032,9000-0042\n' | xlsx "$WORK/bad.xlsx"
printf 'Name,Org. nr,Bankgiro\nRegion Uppsala,n:2.321000024E9,9000-0035\n' | xlsx "$WORK/float.xlsx"
before=$(db_sum_but_logins "$BIDRAG_DB")
expect_error "XLSX: a wrong check digit names the sheet's row and column" \
	"bad.xlsx, row 3, column C \(Bankgiro\): invalid bankgiro '9000-0042': wrong check digit \(expected 3\); nothing was imported" \
	payee import "$WORK/bad.xlsx"
expect_error "XLSX: a number Excel keeps in floating point is refused, not guessed" \
	"float.xlsx, row 2, column B \(Org. nr\): the cell holds the number 2.321000024E9" payee import "$WORK/float.xlsx"
printf 'PK\003\004 not a zip' >"$WORK/broken.xlsx"
expect_error "XLSX: a damaged workbook" "broken.xlsx: not an Excel workbook \(.xlsx\): not a zip file" payee import "$WORK/broken.xlsx"
expect_eq "... none of them changed the register" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"
run payee import "$WORK/payees.xlsx" --user anna
expect_rc "payee import of the workbook" 0
expect_err "... 25 payees from the first sheet" "payees.xlsx: 25 payees \(xlsx\): 25 added"
expect_eq "... the same accounts and references as from the CSV file" "$("$BIDRAG" payee list --format csv)" "$csvlist"

# 4. Payments go to the payee's account; a payee without one is held.
export BIDRAG_DB=$(fresh_db plan)
"$BIDRAG" init >/dev/null
people
"$BIDRAG" decision import "$EX"/decisions/*.json >/dev/null 2>&1
grep -v "Region Norrbotten" "$EX/payees.csv" >"$WORK/no25.csv"
"$BIDRAG" payee import "$WORK/no25.csv" --user anna >/dev/null 2>&1
run pay plan $D0 --date 2021-02-15 --by anna
expect_rc "pay plan with a payee without an account" 0
expect_out "... registers the 26 payments with an account" "^26 events recorded, 0 already recorded$"
expect_err "... holds the one without, naming it and why" \
	"^warning: $D0 part regioner: the payment of 5 213 391,00 kr to 25 is held: Region Norrbotten has no account: register it with 'bidrag payee import'"
expect_out "... and says how many it held" "^1 payment held: the payee has no valid account"
expect_eq "... nothing registered to Norrbotten" "$(ids registered | grep -c ':regioner:25:')" "0"
run pay list --format json
expect_eq "the queue shows the account each payment goes to" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d={p["recipient"]: p for p in json.load(sys.stdin)}; print(d["Region Stockholm"]["account"], d["Region Stockholm"]["account_kind"], d["Uppsala-Örebro samverkansregion"]["payee"], d["Uppsala-Örebro samverkansregion"]["account"], d["Uppsala-Örebro samverkansregion"]["account_kind"])')" \
	"9000-0019 bankgiro Region Värmland 3 70 20-5 plusgiro"
expect_eq "... and flags none: no account was changed" "$(printf '%s\n' "$OUT" | grep -c account_changed)" "0"
"$BIDRAG" payee import "$EX/payees.csv" --user anna >/dev/null 2>&1
run pay plan $D0 --date 2021-02-15 --by anna
expect_out "with the payee's account registered, planning again registers the held payment" \
	"^recorded plan:$D0:regioner:25:2021-02-15:521339100:0$"
expect_eq "... and nothing else" "$(printf '%s\n' "$OUT" | grep -c '^recorded ')" "1"

# 5. A change of account: proposed by one person, approved by another;
# the old account is paid until then.
printf 'organisationsnummer,namn,bankgiro\n232100-0016,Region Stockholm,5728-3905\n' >"$WORK/new01.csv"
run payee import "$WORK/new01.csv" --user anna
expect_rc "an import with another account for a payee" 0
expect_out "... does not change it: it proposes the change" \
	"^proposed change 1 of 01 \(Region Stockholm\): bankgiro 5728-3905; payments go to bankgiro 9000-0019 until another person approves it"
run payee import "$WORK/new01.csv" --user anna
expect_out "the same file again: the change is pending, not proposed twice" "^pending change 1 of 01 \(Region Stockholm\)"
run payee show 01
expect_out "payee show: the account is the old one" "^account +bankgiro 9000-0019"
expect_out "... the change proposed, by whom, with the evidence" "^  1  proposed  to bankgiro 5728-3905, proposed by anna on $today \(evidence: $WORK/new01.csv, row 2\)$"
run pay list --format json
expect_eq "the queue: the payments to 01 still go to the old account" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print([p["account"] for p in json.load(sys.stdin) if p["recipient"] == "Region Stockholm"])')" "['9000-0019']"
run payee list
expect_out "payee list: the change waiting for approval" "^ +1 +01 +Region Stockholm +5728-3905 +bankgiro +anna +$today"
before=$(db_sum_but_logins "$BIDRAG_DB")
expect_error "four eyes: the proposer cannot approve" \
	"four eyes: anna proposed change 1 of 01's account and cannot also approve it; another person must; nothing was changed" \
	payee approve 1 --user anna
expect_error "... not even in other letter case (no such user)" "--as ANNA: wrong user name or password" payee approve 1 --user ANNA
expect_error "approve without --user is the OS account's user's: anna, who proposed it" "four eyes: anna proposed change 1" \
	payee approve 1
expect_error "an unknown change" "no change 9 of a payee's account" payee approve 9 --user bertil
expect_error "a change id that is no number" "invalid CHANGE-ID 'x1'" payee approve x1 --user bertil
expect_eq "... none of them changed anything" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"
run payee approve 1 --user bertil
expect_rc "another person approves" 0
expect_out "... the new account takes effect" "^approved change 1: payments go to the new account from now on$"
expect_error "a change is approved once" "change 1 of 01's account was approved by bertil on $today already" payee approve 1 --user cecilia
run payee show 01 --format json
expect_eq "payee show --format json: version 2 by the change, approved by bertil" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); v=d["versions"]; c=d["changes"][0]; print(d["account"]["number"], len(v), v[1]["how"], v[1]["change"], v[1]["by"], v[1]["account_changed"] == v[1]["since"], c["state"], c["proposed_by"], c["decided_by"])')" \
	"5728-3905 2 change 1 bertil True approved anna bertil"

# An organisation whose account is in the payee register: its payments go
# there, so an account set on the organisation itself ('org set') would be
# recorded and never paid to.  Refused, pointing to the four-eyes change.
before=$(db_sum_but_logins "$BIDRAG_DB")
expect_error "org set --bankgiro on a payee of the payee register is refused, pointing to 'payee propose'" \
	"^error: 01's account is in the payee register \(bankgiro 5728-3905\), which its payments go to: 'org set --bankgiro/--plusgiro' would not change that; propose the new account with 'bidrag payee propose 01 --bankgiro N --evidence TEXT\|FILE --user NAME' .*; nothing was changed$" \
	org set 01 --bankgiro 5050-1055
expect_error "... --plusgiro too, by name, and with another field beside it" "^error: 01's account is in the payee register" \
	org set "Region Stockholm" --plusgiro "3 70 20-5" --reference "Ref 01"
expect_eq "... neither changed anything, not even the other field" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"
run org show 01 --format json
expect_eq "... the organisation has no bankgiro of its own and no reference" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("bankgiro"), d.get("plusgiro"), d.get("payment_reference"))')" "None None None"
run org set 01 --reference "Ref 01"
expect_rc "org set of anything but the account still works on such a payee" 0
run org set 0114 --bankgiro 5050-1055
expect_rc "org set --bankgiro of an organisation outside the payee register works as before" 0
expect_out "... updated" "^updated 0114$"

# 6. The attestation queue flags a payment whose payee's account was
# changed within 30 days before it, or after it was registered.
run pay list
expect_out "pay list: the payment to 01 is flagged, with the day of the change" \
	"^plan:$D0:regioner:01:2021-02-15:4947231800:0 .* 5728-3905 +bankgiro .* ändrat $today$"
expect_err "... and the list warns the attestant" "a payment is flagged in the column Kontobyte: its payee's account was changed within 30 days"
expect_eq "queue: the payment to 01 goes to the approved account, flagged; the others are not" \
	"$(queue registered | grep -E ':regioner:(01|03):')" \
	"plan:$D0:regioner:01:2021-02-15:4947231800:0|5728-3905|bankgiro|$today
plan:$D0:regioner:03:2021-02-15:798049100:0|9000-0035|bankgiro|"
run pay list --format json
expect_eq "GET-style JSON: account_changed and account_recent" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(sorted(p["account_changed"] for p in json.load(sys.stdin) if p["account_changed"]))')" "['$today']"
# A payment more than 30 days after the change is not flagged; one within
# them is (paid outside the part's window, so with an override).
D1="S2017/07321/FS (delvis)"
"$BIDRAG" pay add "$D1" --part landsting --recipient 01 --amount 1000 --date "$(days +30)" --override "test: within 30 days" --by anna --id near >/dev/null
"$BIDRAG" pay add "$D1" --part landsting --recipient 01 --amount 1000 --date "$(days +31)" --override "test: after the change" --by anna --id late >/dev/null
expect_eq "31 days after the change: not flagged; 30 days after: flagged" \
	"$(queue registered | grep -E '^(late|near)\|')" "near|5728-3905|bankgiro|$today
late|5728-3905|bankgiro|"

# 7. A change proposed on the command line, with a file as its evidence,
# rejected; only one open change per payee.
printf 'Region Uppsala: new account, signed by the region director.\n' >"$WORK/letter.txt"
run payee propose 03 --plusgiro "44 55 66-3" --evidence "$WORK/letter.txt" --user anna
expect_rc "payee propose with a plusgiro and a letter" 0
expect_out "... change 2" "^proposed change 2 of 03's account to plusgiro 44 55 66-3"
expect_error "a second open change of the same payee is refused" \
	"a change of 03's account is proposed already \(change 2\): approve or reject it first" \
	payee propose 03 --bankgiro 5728-3905 --evidence "mail" --user cecilia
expect_error "the account it has already is no change" "01's account is bankgiro 5728-3905 already" \
	payee propose 01 --bankgiro 5728-3905 --evidence "mail" --user anna
expect_error "propose checks the account" "--bankgiro: invalid bankgiro '5728-3904': wrong check digit" \
	payee propose 03 --bankgiro 5728-3904 --evidence x --user anna
expect_error "propose needs the evidence" "payee propose needs --evidence" payee propose 03 --bankgiro 5728-3905 --user anna
expect_error "an IBAN needs its BIC" "--bic: an IBAN needs its bank's BIC" \
	payee propose 04 --iban "SE45 5000 0000 0583 9825 7466" --evidence x --user anna
expect_error "propose of an unknown organisation" "no organisation 'Ingen' in the register" \
	payee propose Ingen --bankgiro 5728-3905 --evidence x --user anna
run payee show 03 --format json
expect_eq "the letter is kept as the evidence, by its name and SHA-256" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; c=json.load(sys.stdin)["changes"][0]; print(c["evidence"], c["evidence_sha256"], c["account"]["number"])')" \
	"$WORK/letter.txt $(sha256sum <"$WORK/letter.txt" | cut -c1-64) 44 55 66-3"
run payee reject 2 --user bertil
expect_out "payee reject" "^rejected change 2$"
run payee show 03
expect_out "... the account stays" "^account +bankgiro 9000-0035"
expect_out "... the change is kept as rejected" "^  2  rejected  to plusgiro 44 55 66-3, proposed by anna .*, rejected by bertil on $today"
run payee propose 04 --iban "SE45 5000 0000 0583 9825 7466" --bic ESSESESS --reference "Ref 4" --evidence "telefon" --user anna
expect_out "an IBAN proposed" "^proposed change [0-9]+ of 04's account to IBAN SE4550000000058398257466 \(BIC ESSESESS\)"
# (PostgreSQL numbers a refused proposal too: the id is read, not assumed.)
run payee approve "$(printf '%s\n' "$OUT" | sed -n 's/^proposed change \([0-9]*\) .*/\1/p')" --user bertil
expect_rc "... approved" 0

# 8. Export: pain.001 by default, to the account approved at export time.
run pay attest $(ids registered | grep -v -E '^(late|near)$') --date 2021-02-15 --by bertil
expect_rc "the plan attested by a second person" 0
run pay export --batch B1 --date 2021-02-16 --output "$WORK/b1.xml"
expect_rc "pay export without --format" 0
expect_err "... is pain.001" "^batch B1: 27 payments, 275 000 000,00 kr, exported as pain001$"
expect_err "... and names each payment paid to another account than it was registered with" \
	"^payment plan:$D0:regioner:01:2021-02-15:4947231800:0 to Region Stockholm goes to bankgiro 5728-3905, approved on $today, not to 9000-0019 as registered$"
expect_eq "the file validates against the pain.001.001.03 schema" "$(xmllint --noout --schema "$XSD" "$WORK/b1.xml" 2>&1)" "$WORK/b1.xml validates"
# tx FILE: name|account|scheme|BIC-or-clearing of each transaction.
tx() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
for t in ET.parse(sys.argv[1]).getroot().iterfind(".//p:CdtTrfTxInf", ns):
    name = t.findtext("p:Cdtr/p:Nm", namespaces=ns)
    iban = t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns)
    other = t.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=ns)
    scheme = t.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Prtry", namespaces=ns)
    bic = t.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=ns)
    clr = t.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=ns)
    print("|".join([name, iban or other, "IBAN" if iban else scheme, bic or clr]))
PY
}
OUT=$(tx "$WORK/b1.xml")
expect_out "pain.001: Region Stockholm paid to the approved bankgiro" "^Region Stockholm\|57283905\|BGNR\|9900$"
expect_out "pain.001: Region Sörmland paid to its approved IBAN, with the BIC" "^Region Sörmland\|SE4550000000058398257466\|IBAN\|ESSESESS$"
expect_out "pain.001: Region Värmland by plusgiro" "^Region Värmland\|370205\|PGNR\|9960$"
run pay list --state executed --batch B1 --format json
expect_eq "the executed payments show the accounts the batch paid" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d={p["recipient"]: p for p in json.load(sys.stdin)}; print(d["Region Stockholm"]["account"], d["Region Sörmland"]["account"], d["Region Sörmland"]["bic"])')" \
	"5728-3905 SE4550000000058398257466 ESSESESS"

# 9. One batch, one format: a second file could be sent too and pay twice.
before=$(db_sum_but_logins "$BIDRAG_DB")
expect_error "the batch as LB after pain.001 is refused" \
	"batch B1 was exported as pain.001 already: an LB file of the same payments could be sent too and pay them twice" \
	pay export --batch B1 --format lb --date 2021-02-16 --output "$WORK/b1.lb"
expect_eq "... no file written" "$(ls "$WORK/b1.lb" 2>/dev/null)" ""
expect_eq "... nothing recorded" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"
run pay export --batch B1 --date 2021-02-16 --output "$WORK/b1-again.xml"
expect_err "the same format again is the same file" "^batch B1 was exported before: the same file"
expect_eq "... byte for byte" "$(sha256sum <"$WORK/b1-again.xml")" "$(sha256sum <"$WORK/b1.xml")"
expect_error "LB pays no IBAN: forced, the batch with Sörmland's IBAN is refused" \
	"payment plan:$D0:regioner:04:2021-02-15:[0-9]+:0 to Region Sörmland goes to an IBAN \(SE4550000000058398257466\): a Bankgirot LB file pays only to bankgiro and plusgiro; export the batch as pain.001" \
	pay export --batch B1 --format lb --date 2021-02-16 --force --output "$WORK/b1.lb"
# A batch without an IBAN: LB first, pain.001 refused, then forced.
"$BIDRAG" pay attest late near --date "$(days +31)" --by bertil >/dev/null
run pay export --batch B2 --format lb --date "$(days +31)" --output "$WORK/b2.lb"
expect_rc "a batch as LB (legacy)" 0
expect_error "... then as pain.001: refused" "batch B2 was exported as an LB file already: a pain.001 file of the same payments could be sent too" \
	pay export --batch B2 --date "$(days +31)" --output "$WORK/b2.xml"
run pay export --batch B2 --date "$(days +31)" --force --output "$WORK/b2.xml"
expect_rc "... and with --force" 0
expect_err "... the same payments" "^batch B2: 2 payments, 2 000,00 kr, exported as pain001$"
expect_eq "... a valid pain.001" "$(xmllint --noout --schema "$XSD" "$WORK/b2.xml" 2>&1)" "$WORK/b2.xml validates"
expect_eq "... paid to the same account as the LB file" "$(tx "$WORK/b2.xml" | cut -d'|' -f2 | sort -u)" "57283905"
run pay export --help
expect_out "pay export --help: pain.001 the default, LB legacy" "legacy, for a bank that still takes it"
expect_out "... --force" "--force"

# 10. Everything is in the audit log.
OUT=$(audit_actions)
expect_out "audit: the import's payees, each" "^payee.add 01 anna$"
expect_out "audit: the import" "^payee.import $EX/payees.csv anna$"
expect_out "audit: the change proposed by the import" "^payee.propose change 1 anna$"
expect_out "audit: its approval, by the approver" "^payee.approve 01 bertil$"
expect_out "audit: a change proposed and rejected" "^payee.reject change 2 bertil$"
expect_out "audit: the forced second format" "^payment-file.second-format B2 anna$"
expect_eq "audit: the approval's before and after" \
	"$("$BIDRAG" audit list --format json | python3 -c 'import json,sys; e=[e for e in json.load(sys.stdin) if e["action"]=="payee.approve" and e["object"]=="01"][0]; b=json.loads(e["before"]); a=json.loads(e["after"]); print(b["bankgiro"], a["bankgiro"], a["change"], a["proposed_by"])')" \
	"9000-0019 5728-3905 1 anna"
run audit verify
expect_rc "the audit chain verifies" 0
run ledger verify
expect_rc "the books verify" 0

done_testing
