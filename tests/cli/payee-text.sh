# payee-text.sh: text that goes into payment files (a payee's name and
# payment reference, an organisation's name) is refused at input when it
# holds a control character (an LB file would carry a carriage return as a
# space, a pain.001 file as &#13;) or a character LB's ISO 8859-1 cannot
# carry, with the file, row, field and format named; one rule (core/payee.c,
# payee_text_check) on every path: payee import (CSV and .xlsx), org add and
# org set, decision files' payees, payee propose.  Refused input changes
# nothing.  (Issue 15 item 6.)
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
PW=payee-text-password
export BIDRAG_DB=$(fresh_db payeetext)
"$BIDRAG" init >/dev/null
export BIDRAG_PASSWORD="$PW"
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
"$BIDRAG" decision import "$EX"/decisions/*.json --by anna >/dev/null 2>&1

CR="a carriage return \(U\+000D\) at character 7: payment files take one line of printable text \(an LB file would carry it as a space or not at all, a pain.001 file \(XML 1.0\) as a character reference or not at all\)"
LB="an LB file \(Bankgirot's leverantörsbetalningar\) carries ISO 8859-1 \(Latin-1\) only"
# Each refused command below logs in (--by anna, a password login), and a
# login is counted (login_throttle: the attempt counted in advance, taken
# back when the password is right), as the web counts one: the register's
# content, not the login counters, is compared.
before=$(db_sum_but_logins "$BIDRAG_DB")

# 1. payee import, CSV: a carriage return in a quoted name, a bell in a
# reference, a tab inside a name, a euro sign and a Greek letter.
head='organisationsnummer,namn,bankgiro,plusgiro,IBAN,BIC,betalningsreferens'
printf '%s\r\n232100-0016,"Region\rStockholm",5728-3905,,,,\r\n' "$head" >"$WORK/cr.csv"
printf '%s\n232100-0016,Region Stockholm,5728-3905,,,,Ansvar\a 1\n' "$head" >"$WORK/bell.csv"
printf '%s\n232100-0016,Region\tStockholm,5728-3905,,,,\n' "$head" >"$WORK/tab.csv"
printf '%s\n232100-0016,Region Stockholm \xe2\x82\xac,5728-3905,,,,\n' "$head" >"$WORK/euro.csv"
printf '%s\n232100-0016,Region Stockholm,5728-3905,,,,Ref \xce\xb1\n' "$head" >"$WORK/alpha.csv"
printf '%s\n232100-0016,Region Stockholm,5728-3905,,,,Ref \xc2\x85 1\n' "$head" >"$WORK/nel.csv"
# (A lone carriage return ends a line: the row is the line it ends on, 3.)
expect_error "a carriage return in a payee's name (CSV): file, row, column, character and formats" \
	"cr.csv, row 3, column B \(namn\): the name: $CR; nothing was imported" payee import "$WORK/cr.csv" --user anna
expect_error "a bell in a payment reference (CSV)" \
	"bell.csv, row 2, column G \(betalningsreferens\): the reference: a control character \(U\+0007\) at character 7" \
	payee import "$WORK/bell.csv" --user anna
expect_error "a tab inside a name (CSV, comma-separated)" \
	"tab.csv, row 2, column B \(namn\): the name: a tab \(U\+0009\) at character 7" payee import "$WORK/tab.csv" --user anna
expect_error "a euro sign in a name: LB's character set named" \
	"euro.csv, row 2, column B \(namn\): the name: '€' \(U\+20AC\) at character 18: $LB" payee import "$WORK/euro.csv" --user anna
expect_error "a Greek letter in a reference" \
	"alpha.csv, row 2, column G \(betalningsreferens\): the reference: 'α' \(U\+03B1\) at character 5: $LB" \
	payee import "$WORK/alpha.csv" --user anna
expect_error "a C1 control (NEL, U+0085) in a reference" \
	"nel.csv, row 2, column G \(betalningsreferens\): the reference: a control character \(U\+0085\) at character 5" \
	payee import "$WORK/nel.csv" --user anna

# 2. payee import, .xlsx: a carriage return as a spreadsheet stores it
# (_x000D_ is Excel's; &#13; an XML character reference) in a shared string.
cat >"$WORK/xlsx.py" <<'PY'
import sys, zipfile
name, ref = sys.argv[2], sys.argv[3]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
def row(r, cells):
    return '<row r="%d">%s</row>' % (r, "".join('<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), r, v) for i, v in enumerate(cells)))
sheet = row(1, ["organisationsnummer", "namn", "bankgiro", "betalningsreferens"]) + row(2, ["232100-0016", name, "5728-3905", ref])
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PKG, REL))
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook %s xmlns:r="%s"><sheets><sheet name="Mottagare" sheetId="1" r:id="rId1"/></sheets></workbook>' % (NS, REL))
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % (PKG, REL))
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, sheet))
PY
python3 "$WORK/xlsx.py" "$WORK/cr.xlsx" "Region&#13;Stockholm" "Ansvar 1"
python3 "$WORK/xlsx.py" "$WORK/lf.xlsx" "Region Stockholm" "Ansvar&#10;1"
expect_error "a carriage return in a payee's name (.xlsx)" \
	"cr.xlsx, row 2, column B \(namn\): the name: $CR" payee import "$WORK/cr.xlsx" --user anna
expect_error "a line break in a reference (.xlsx)" \
	"lf.xlsx, row 2, column D \(betalningsreferens\): the reference: a line break \(U\+000A\) at character 7" \
	payee import "$WORK/lf.xlsx" --user anna

# 3. org add and org set.
expect_error "org add --name with a line break" \
	"--name: a line break \(U\+000A\) at character 3" org add --code ORG-X1 --name "$(printf 'Ny\nförening')" --kind payee --by anna
expect_error "org set --reference with a carriage return" \
	"--reference: a carriage return \(U\+000D\) at character 4" org set 01 --reference "$(printf 'Ref\r1')" --by anna
expect_error "org set --name with a euro sign" "--name: '€' \(U\+20AC\) at character 8: $LB" org set 01 --name "Region €" --by anna

# 4. A decision file whose payee has a control character in its name (the
# decision reader refuses control characters in every text itself) or a
# character LB cannot carry in its reference (the rule of payee.c, in
# decision_check).
python3 - "$EX/decisions/S2020-09796.json" "$WORK" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, p in enumerate(d["parts"]):
    if p.get("payee") == "SKR":
        break
d["dnr"] = "S2020/99996"
p["payee"] = {"name": "Sveriges Kommuner\roch Regioner", "orgnr": "222000-0315", "bankgiro": "5728-3905"}
json.dump(d, open(sys.argv[2] + "/payee-cr.json", "w"), ensure_ascii=False)
p["payee"] = {"name": "Sveriges Kommuner och Regioner", "orgnr": "222000-0315", "bankgiro": "5728-3905",
              "reference": "Cancer\u2013RCC"}
json.dump(d, open(sys.argv[2] + "/payee-dash.json", "w"), ensure_ascii=False)
print(i, file=open(sys.argv[2] + "/part", "w"))
PY
part=$(cat "$WORK/part")
expect_error "a decision file: a carriage return in a part's payee's name" \
	"payee-cr.json: parts\[$part\].payee.name: a control character \(0x0d\) at position 18" \
	decision import "$WORK/payee-cr.json" --by anna
expect_error "a decision file: an en dash in a payee's reference" \
	"parts\[$part\].payee.reference: '–' \(U\+2013\) at character 7: $LB" decision import "$WORK/payee-dash.json" --by anna

# 5. payee propose: the reference of a new account.
expect_error "payee propose --reference with a tab" "reference: a tab \(U\+0009\) at character 4" \
	payee propose 01 --bankgiro 5728-3905 --reference "$(printf 'Ref\t1')" --evidence "brev 2026-12-01" --user anna

expect_eq "nothing refused changed the register" "$(db_sum_but_logins "$BIDRAG_DB")" "$before"

# 6. What every payment file can carry is taken: Latin-1 letters, and a
# name and reference as the examples have them.
printf '%s\n232100-0016,Region Skåne Ærø ß,5728-3905,,,,Ansvar 1 «§»\n' "$head" >"$WORK/latin1.csv"
run payee import "$WORK/latin1.csv" --user anna
expect_rc "a name and reference in Latin-1 (å, Æ, ø, ß, «, §) are imported" 0
run org set 01 --name "Region Stockholm-Gotland" --reference "RS 2021/1" --by anna
expect_rc "org set with printable Latin-1 text" 0
done_testing
