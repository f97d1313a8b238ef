#!/usr/bin/env bash
# The recipient register: seed 002 imported from examples/register, every
# figure of the seed out of the reports (md, csv, xlsx read back from its
# XML, pdf through pdftotext and pdftoppm), the chart, CSV replacement of
# lines and usage entries, versions, the link to a state-side decision, and
# the error paths (each leaving the database byte-for-byte unchanged).
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/register"
J="$EX/jamtland-2020.json"
export BIDRAG_DB=$(fresh_db r)
dbsum() { db_sum "$BIDRAG_DB"; } # lib.sh: the bytes with SQLite, the rows with PostgreSQL
# mutate SRC DST PYTHON: DST is SRC's JSON with the statement applied to d (y:
# the year 2020); the CSV files it names are beside it.
mutate() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); y=[y for y in d['years'] if y['year'] == 2020][0]; $3; json.dump(d, open(sys.argv[2],'w'), ensure_ascii=False, indent=1)" "$1" "$2"; }
cp "$EX"/*.csv "$WORK"/
# expect_refused NAME PATTERN CMD...: fails with the message, database unchanged.
expect_refused() {
	local before name=$1 pat=$2
	shift 2
	before=$(dbsum)
	expect_error "$name" "$pat" "$@"
	expect_eq "$name: database unchanged" "$(dbsum)" "$before"
}
# has NAME FILE STRING...: every string occurs in the file.
has() {
	local name=$1 file=$2 missing=""
	shift 2
	for s in "$@"; do grep -qF -- "$s" "$file" || missing="$missing [$s]"; done
	if [ -z "$missing" ]; then pass "$name"; else fail "$name" "missing:$missing"; fi
}

run register check "$J"
expect_rc "the seed 002 example checks" 0
expect_out "check: 2020 has the seed's sums" "Överenskommelser SKR och Regeringen.*2019: +154,90 mkr 2020: +174,63 mkr"
expect_out "check: the searchable grants' sums" "2019: +3,75 mkr 2020: +1,68 mkr"
expect_err "check warns of God och nära vård's amount and breakdown" "god-och-nara-vard': the amount 71 900 000 kr differs from its breakdown 71 862 709 kr \(difference \+37 291 kr\)"

run register list
expect_rc "register list needs a database" 2
run init
test_users eva:mottagare:23 # the recipient's own user files its register
run register import "$J" --by eva
expect_rc "the seed 002 example imports" 0
expect_out "2020 is stored as version 1" "^23 2020: stored as version 1"
expect_out "2019 is stored as version 1" "^23 2019: stored as version 1"
run register import "$J" --by eva
expect_out "importing it again changes nothing" "23 2020: unchanged \(version 1\)"
run register list
expect_out "register list shows both years" "Region Jämtland Härjedalen +2019 +1 "
expect_out "register list names who imported" "2020 +1 .* eva$"
expect_out "register list pads names by characters, not bytes (å, ä, ö)" "^23     Region Jämtland Härjedalen {9}2019 "

# The report in Markdown: every figure of the seed.
run register report --org 23 --year 2020 --format md
expect_rc "report md" 0
printf '%s\n' "$OUT" >"$WORK/r.md"
has "God och nära vård's breakdown" "$WORK/r.md" "18 174 397 kr" "18 997 627 kr" "1 140 877 kr" "23 037 789 kr" \
	"6 332 542 kr" "1 266 508 kr" "2 912 969 kr" "**71 862 709 kr**"
has "the psykisk hälsa tables" "$WORK/r.md" "3 799 525" "4 442 360" "633 254" "1 266 598" "**10 141 737 kr**" \
	"1 800 957" "1 000 000" "2 533 017" "6 203 183" "**11 537 157 kr**"
has "the national figures (Landet)" "$WORK/r.md" "300 000 000" "370 000 000" "50 000 000" "130 000 000" "24 000 000"
has "the usage account" "$WORK/r.md" "| 250 000 | 234 054 | 15 946 |" "**54 454**" "**42 360**" "**36 619**" \
	"**100 621**" "| **TOT SUMMA** | | **234 054** |" "| lokalhyra | 17 575 |" "| fortbildning av personal | 77 482 |"
has "the summary's sums" "$WORK/r.md" "| **Summa** | **154,90** | **174,63** |" "| **Summa** | **3,75** | **1,68** |"
has "the summary's rows" "$WORK/r.md" "| 30,60 | 71,90 |" "| 41,20 | 0,00 |" "| 16,00 | 8,60 |" "| 16,90 | 11,90 |" \
	"| 14,80 | 10,04 |" "| 4,30 | 3,84 |" "| 0,70 | 3,90 |" "| 14,80 | 10,60 |" "| 4,10 | 5,20 |" "| 0,70 | 0,00 |" \
	"| 2,20 | 1,10 |" "| 0,21 | 0,21 |" "| 0,45 | 0,18 |" "| 0,19 | 0,19 |"
has "2019-only and 2020-only rows" "$WORK/r.md" "| 1,50 |" "| 11,50 |" "| 27,60 |" "| 2,60 |" "| 0,40 |" "| 0,25 |"
has "the line that moved between groups is noted" "$WORK/r.md" "2019: egen rad"
has "the discrepancies of the source" "$WORK/r.md" "## Avvikelser" "beloppet 71 900 000 kr, fördelningen 71 862 709 kr, skillnad +37 291 kr" \
	"beloppet 10 040 000 kr, fördelningen 10 141 737 kr, skillnad -101 737 kr"
has "decisions and flags" "$WORK/r.md" "RS/195/2020" "Regionstyrelsen 2020-03-24" "lättnad avseende återrapportering" \
	"Avslag"

# CSV: exact kronor, by year.
run register report --org 23 --year 2020 --format csv
printf '%s\n' "$OUT" >"$WORK/r.csv"
has "report csv: sums per section and year" "$WORK/r.csv" "summa,2019,overenskommelser,overenskommelser,Överenskommelser SKR och Regeringen,0,154900000" \
	"summa,2020,overenskommelser,overenskommelser,Överenskommelser SKR och Regeringen,0,174630000" \
	"summa,2019,sokbara" "summa,2020,sokbara"
expect_eq "report csv: the searchable sums" "$(grep -E '^summa,20(19|20),sokbara' "$WORK/r.csv" | awk -F, '{print $NF}' | tr '\n' ' ')" "3750000 1678000 "
expect_eq "report csv: usage account, spent" "$(grep '^förbrukat,2019,nationella-minoriteter' "$WORK/r.csv" | awk -F, '{s+=$NF} END {print s}')" "234054"

# XLSX, read back: numbers, formulas and their cached values.
run register report --org 23 --year 2020 --format xlsx -o "$WORK/r.xlsx"
expect_rc "report xlsx" 0
mkdir -p "$WORK/x" && unzip -q -o "$WORK/r.xlsx" -d "$WORK/x"
sheets=$(grep -o 'name="[^"]*"' "$WORK/x/xl/workbook.xml" | tr '\n' ' ')
expect_eq "xlsx: one sheet per section" "$sheets" 'name="Sammanställning" name="Bidrag" name="Fördelning" name="Användning" name="Avvikelser" '
sum=$WORK/x/xl/worksheets/sheet1.xml
expect_eq "xlsx: the 2019 and 2020 sums are formulas with the seed's values" \
	"$(grep -oE '<f>SUM\([^<]*\)</f><v>(154900000|174630000|3750000|1678000)</v>' "$sum" | sed 's/.*<v>//; s/<.v>//' | tr '\n' ' ')" \
	"154900000 174630000 3750000 1678000 "
expect_eq "xlsx: millions shown with a Swedish-ready number format" \
	"$(grep -o 'formatCode="#,##0.00,,"' "$WORK/x/xl/styles.xml" | head -1)" 'formatCode="#,##0.00,,"'
grep -oE '<c r="E[0-9]+"[^>]*><f>SUM\([^<]*\)</f><v>71862709</v>' "$WORK/x/xl/worksheets/sheet3.xml" >/dev/null &&
	pass "xlsx: God och nära vård's TOTALT is a formula of 71 862 709" || fail "xlsx: God och nära vård's TOTALT"
grep -oE '<f>SUM\([^<]*\)</f><v>234054</v>' "$WORK/x/xl/worksheets/sheet4.xml" >/dev/null &&
	grep -oE '<f>D[0-9]+-D[0-9]+</f><v>15946</v>' "$WORK/x/xl/worksheets/sheet4.xml" >/dev/null &&
	pass "xlsx: usage account: spent and remaining are formulas" || fail "xlsx: usage account formulas"
grep -q '<v>17575</v>' "$WORK/x/xl/worksheets/sheet4.xml" && pass "xlsx: entries are numbers" || fail "xlsx: entries are numbers"

# PDF: its text has every figure of the summary table, and it renders.
run register report --org 23 --year 2020 --format pdf -o "$WORK/r.pdf"
expect_rc "report pdf" 0
pdftotext -layout "$WORK/r.pdf" "$WORK/r.txt" 2>/dev/null
pages=$(pdfinfo "$WORK/r.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
[ "${pages:-0}" -ge 3 ] && pass "pdf: $pages pages" || fail "pdf: pages" "pdfinfo says ${pages:-nothing}"
has "pdf: the summary table's figures" "$WORK/r.txt" "154,90" "174,63" "3,75" "1,68" "71,90" "41,20" "30,60" "8,60" "16,00" \
	"11,90" "16,90" "1,50" "10,04" "14,80" "11,50" "6,20" "3,84" "4,30" "3,90" "0,70" "1,30" "10,60" "5,20" "4,10" "5,00" \
	"27,60" "2,60" "0,40" "0,25" "1,10" "2,20" "0,21" "0,18" "0,45" "0,19"
has "pdf: breakdowns and the usage account" "$WORK/r.txt" "71 862 709" "10 141 737" "11 537 157" "234 054" "15 946" "54 454"
has "pdf: Swedish characters survive" "$WORK/r.txt" "Jämtland Härjedalen" "Sammanställning" "Ändamål" "Förlossningsvård"
pdftoppm -png -r 40 -f 1 -l 1 "$WORK/r.pdf" "$WORK/page" 2>/dev/null
png=$(ls "$WORK"/page*.png 2>/dev/null | head -1)
[ -n "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] &&
	pass "pdf: the first page renders" || fail "pdf: the first page renders"

# The chart.
run register chart --org 23 --year 2020 --format png -o "$WORK/c.png"
expect_rc "chart png" 0
expect_eq "chart png is a PNG" "$(head -c 8 "$WORK/c.png" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a"
run register chart --org 23 --year 2020 --format svg -o "$WORK/c.svg"
xmllint --noout "$WORK/c.svg" 2>/dev/null && pass "chart svg is well-formed XML" || fail "chart svg is XML"
grep -q "<svg" "$WORK/c.svg" && pass "chart svg is SVG" || fail "chart svg is SVG"

# show and the canonical document.
run register show --org 23 --year 2020
expect_out "show lists the grants" "god-och-nara-vard +RS/195/2020 +71 900 000 kr +\(rader 71 862 709 kr, avviker\)"
run register show --org "Region Jämtland Härjedalen" --year 2019 --format json
printf '%s\n' "$OUT" >"$WORK/2019.json"
run register import "$WORK/2019.json" --by eva
expect_out "the stored document re-imports unchanged" "23 2019: unchanged \(version 1\)"

# Replacing lines and usage entries from CSV: new versions, old ones kept.
printf 'område;delområde;belopp\nEtt annat område;;71 862 709\n' >"$WORK/lines.csv"
before=$(dbsum)
run register lines --org 23 --year 2020 --grant god-och-nara-vard "$WORK/lines.csv" --by eva
expect_rc "lines from CSV that the summary does not know" 2
expect_err "the summary's references to lines are checked against the new lines" "summary row .*grant 'god-och-nara-vard' has no line"
expect_eq "lines that break the summary: database unchanged" "$(dbsum)" "$before"
sed 's/18 174 397/18 174 398/; s/TOTALT;;71 862 709/TOTALT;;71 862 709/' "$EX/jamtland-2020-god-och-nara-vard.csv" >"$WORK/gnv.csv"
expect_refused "a typed TOTALT that disagrees with its lines" "gnv.csv:[0-9]+: TOTALT typed as 71 862 709 kr, but the rows above add up to 71 862 710 kr" \
	register lines --org 23 --year 2020 --grant god-och-nara-vard "$WORK/gnv.csv" --by eva
grep -v '^TOTALT' "$WORK/gnv.csv" >"$WORK/gnv2.csv"
run register lines --org 23 --year 2020 --grant god-och-nara-vard "$WORK/gnv2.csv" --by eva
expect_rc "new lines from CSV" 0
expect_out "they are stored as version 2" "23 2020: stored as version 2"
expect_err "and the new discrepancy is reported" "differs from its breakdown 71 862 710 kr"
run register list --all
expect_out "list --all shows both versions" "2020 +2 "
run register show --org 23 --year 2020 --version 1
expect_out "version 1 is kept" "rader 71 862 709 kr"
run register show --org 23 --year 2020
expect_out "version 2 is the latest" "rader 71 862 710 kr"

U="$EX/jamtland-2020-nationella-minoriteter-2019.csv"
sed 's/^Samordning;personal, lön;31682/Samordning;personal, lön;31683/' "$U" >"$WORK/u1.csv"
expect_refused "a SUMMA row that disagrees with its entries" "u1.csv:[0-9]+: SUMMA of 'Samordning' typed as 36 619 kr, but the rows above add up to 36 620 kr" \
	register usage --org 23 --year 2020 --grant nationella-minoriteter --account 2019 "$WORK/u1.csv" --by eva
sed 's/^Samordning;/Samordningen;/' "$U" >"$WORK/u2.csv"
expect_refused "a usage line whose purpose is unknown" "u2.csv:[0-9]+: column 'ändamål': unknown purpose 'Samordningen' \(expected one of: 'Inflytande" \
	register usage --org 23 --year 2020 --grant nationella-minoriteter --account 2019 "$WORK/u2.csv" --by eva
printf 'ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;-500\n' >"$WORK/u3.csv"
expect_refused "a negative spend" "u3.csv:2: column 'belopp': '-500' is negative" \
	register usage --org 23 --year 2020 --grant nationella-minoriteter --account 2019 "$WORK/u3.csv" --by eva
printf 'ändamål;kostnadsgrupp;belopp\nSamordning;resor och logi;4 937\nSamordning;konferenskostnader;300 000\n' >"$WORK/u4.csv"
run register usage --org 23 --year 2020 --grant nationella-minoriteter --account 2019 "$WORK/u4.csv" --by eva
expect_rc "new usage entries" 0
expect_err "overspending is accepted and reported" "304 937 kr spent of 250 000 kr available for 2019"
run register report --org 23 --year 2020 --format md
expect_out "the report shows the overspending" "förbrukat 304 937 kr av disponibla 250 000 kr för 2019"
expect_out "and a negative remainder" "\| 250 000 \| 304 937 \| -54 937 \|"
expect_refused "usage for an account that does not exist" "no usage account for 2018" \
	register usage --org 23 --year 2020 --grant nationella-minoriteter --account 2018 "$WORK/u4.csv" --by eva
expect_refused "lines for an unknown grant" "has no grant 'nope'" register lines --org 23 --year 2020 --grant nope "$WORK/gnv2.csv" --by eva

# Bad register files: the error names the file and field, nothing is stored.
mutate "$J" "$WORK/b1.json" "[g for g in y['grants'] if g['key'] == 'god-och-nara-vard'][0]['lines_total']='71 862 708'"
expect_refused "a typed lines_total that disagrees" "b1.json: years\[[0-9]\].grants\[[0-9]+\].lines_total: typed as 71 862 708 kr, but the parts add up to 71 862 709 kr" \
	register import "$WORK/b1.json" --by eva
mutate "$J" "$WORK/b2.json" "g=[g for g in y['grants'] if g.get('usage')][0]; g['usage'][0]['spent']=234055"
expect_refused "a typed spent that disagrees" "usage\[0\].spent: typed as 234 055 kr, but the parts add up to 234 054 kr" register import "$WORK/b2.json" --by eva
mutate "$J" "$WORK/b3.json" "y['grants'][1]['amont']=1"
expect_refused "an unknown field" "b3.json: years\[[0-9]\].grants\[1\]: unknown field 'amont'" register import "$WORK/b3.json" --by eva
mutate "$J" "$WORK/b4.json" "y['grants'].append(dict(key='extra', title='Extra', section='sokbara', amount=5))"
expect_refused "a grant in no summary row" "year 2020: grant 'extra' is in no summary row" register import "$WORK/b4.json" --by eva
mutate "$J" "$WORK/b5.json" "d['org']='Region Atlantis'"
expect_refused "an unknown organisation" "unknown .*Region Atlantis" register import "$WORK/b5.json" --by eva
printf '{"format": "bidrag-register/1", "org": "23", "years": [ {"year": 2020,}]}' >"$WORK/b6.json"
expect_refused "JSON syntax errors give line and column" "b6.json:1:[0-9]+: not valid JSON" register import "$WORK/b6.json" --by eva
cat >"$WORK/b7.json" <<'EOF'
{"format": "bidrag-register/1", "org": "23", "years": [{"year": 2021, "grants": [
 {"key": "a", "title": "A", "usage": [{"year": 2020, "available": 100, "purposes": [{"name": "P", "cost_groups": ["x"]}],
  "entries": [{"purpose": "P", "cost_group": "x", "amount": -5}]}], "amount": 100}]}]}
EOF
expect_refused "a negative spend in JSON" "b7.json: years\[0\].grants\[0\].usage\[0\].entries\[0\].amount: a negative spend" register import "$WORK/b7.json" --by eva
sed 's/"purpose": "P", "cost_group"/"purpose": "Q", "cost_group"/; s/-5/5/' "$WORK/b7.json" >"$WORK/b8.json"
expect_refused "an unknown purpose in JSON" "usage account 2020, entry 1: unknown purpose 'Q' \(expected one of: 'P'\)" register import "$WORK/b8.json" --by eva

# Usage errors.
expect_error "report needs --org" "--org is required" register report --year 2020 --format md
expect_error "report needs a known format" "--format 'docx': expected md, xlsx, pdf or csv" register report --org 23 --year 2020 --format docx
expect_error "pdf needs -o" "--format pdf writes a file: give -o FILE" register report --org 23 --year 2020 --format pdf
expect_error "xlsx cannot go to stdout" "cannot go to standard output" register report --org 23 --year 2020 --format xlsx -o -
expect_error "a year without a register" "has no register for 2018" register report --org 23 --year 2018 --format md
expect_error "a comparison year without a register" "has no register for 2017" register report --org 23 --year 2020 --compare 2017 --format md
expect_error "an unknown organisation" "unknown recipient 'Norbotten' \(did you mean 'Region Norrbotten'" register report --org Norbotten --year 2020 --format md
expect_error "a bad year" "--year '20x0': expected a year from 2000 to 2100" register show --org 23 --year 20x0
run register report --org 23 --year 2020 --compare none --format md
expect_out "--compare none: a one-year summary" "^## Sammanställning 2020 \(mkr\)"

# The link to a state-side decision in the same database.
run decision import "$BIDRAG_SRC/examples/decisions/S2020-09797.json" --by anna
cat >"$WORK/link.json" <<'EOF'
{"format": "bidrag-register/1", "org": "Region Jämtland Härjedalen", "years": [{"year": 2021, "grants": [
 {"key": "psykisk-halsa", "title": "Psykisk hälsa 2021", "decision": "S2020/09797", "amount": "3 014 433"},
 {"key": "okand", "title": "Okänt beslut", "decision": "S1999/1", "amount": 1}]}]}
EOF
run register import "$WORK/link.json" --by eva
expect_rc "a register linked to a state-side decision imports" 0
run register report --org 23 --year 2021 --format md
allocated=$(sql "$BIDRAG_DB" "SELECT sum(a.amount) FROM allocation a JOIN part p ON p.id = a.part_id JOIN decision d ON d.id = p.decision_id JOIN org o ON o.id = a.org_id WHERE d.dnr = 'S2020/09797' AND o.code = '23'")
expect_out "the report links the registered decision and its allocation" "Statens beslut S2020/09797: registrerat i bidrag \(.*\), fördelat till Region Jämtland Härjedalen: $(python3 -c "print(f'{int(\"$allocated\"):,}'.replace(',', ' '))") kr"
expect_out "and says when a decision is not registered" "Statens beslut S1999/1: finns inte i registret"

done_testing
