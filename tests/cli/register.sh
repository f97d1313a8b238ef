#!/usr/bin/env bash
# The grant register: init, decision import/list/show/export/verify, org,
# appropriation.  Every error path checks that the database is unchanged.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
export BIDRAG_DB=$(fresh_db reg)
S000="$EX/S2020-09797.json" S001="$EX/S2017-07321-FS.json" S003="$EX/2023-12-22-god-och-nara-vard-2024.json"
S004="$EX/S2020-09796.json"

# dbsum: the database's bytes (bidrag checkpoints and removes the WAL when
# it closes, so the main file holds everything); with PostgreSQL, its rows.
dbsum() { db_sum "$BIDRAG_DB"; }
# mutate SRC DST PYTHON: DST is SRC's JSON with the Python statement applied to d.
mutate() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2],'w'), ensure_ascii=False, indent=1)" "$1" "$2"; }
# expect_refused NAME PATTERN FILE: the import fails with the message, and the
# database is byte-for-byte unchanged.
expect_refused() {
	local before
	before=$(dbsum)
	expect_error "$1" "$2" decision import "$3"
	expect_eq "$1: database unchanged" "$(dbsum)" "$before"
}

# init
# A SQLite register is a file bidrag init creates; a PostgreSQL one a
# database made beforehand (fresh_db), empty until bidrag init.
if [ "$ENGINE" = sqlite ]; then
	expect_error "commands need an initialised database" "no database at '.*reg.db' \(create it with 'bidrag init" decision list
else
	expect_error "commands need an initialised database" "'.*reg\?host=.*' is empty, not an initialised bidrag database.*bidrag init" decision list
fi
run init
expect_rc "init creates the database" 0
expect_out "init reports the schema and the reference organisations" "schema version [0-9]+ \([0-9]+ migrations? applied\), [0-9]+ reference organisations"
run init
expect_out "init again adds nothing" "already at schema version [0-9]+; 0 reference"
if [ "$ENGINE" = sqlite ]; then
	echo "not a database" >"$WORK/junk.db"
	expect_error "a file that is not a database is refused" "is not a bidrag database" decision list --db "$WORK/junk.db"
	sqlite3 "$WORK/other.db" "CREATE TABLE t (x)"
	expect_error "a SQLite file of something else is refused" "not an initialised bidrag database" decision list --db "$WORK/other.db"
	expect_eq "journal mode is WAL" "$(sqlite3 "$BIDRAG_DB" 'PRAGMA journal_mode')" "wal"
else
	# No file that is not a database, and no journal mode: instead a
	# database the server does not have, and one of something else.
	expect_unavailable "a database the server does not have is refused (exit 4)" "the server has no such database" decision list --db "$(db_path nosuch)"
	other=$(fresh_db other)
	sql "$other" "CREATE TABLE t (x integer)"
	expect_error "a PostgreSQL database of something else is refused" "not an initialised bidrag database" decision list --db "$other"
fi
run org list --kind region --format csv
expect_eq "21 regions registered" "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "21"
run org list --format csv
expect_out "the RSS per län are organisations" '^RSS-25,"?RSS Norrbottens län"?,rss'
expect_out "Kammarkollegiet with orgnr and bankgiro" '^KAMK,Kammarkollegiet,agency,202100-0829,5052-5781,bankgiro'
run org show "Norra samverkansregionen"
expect_out "org show: a samverkansregion" "^kind +samverkansregion"
run org show 23
expect_out "org show: a region's groups, with the payee" "Norra samverkansregionen \(SVR-NORRA\), paid through Norra sjukvårdsregionförbundet"

# Import the four seed decisions.
run decision import "$S000" "$S001" "$S003" "$S004"
expect_rc "the four seed decisions import" 0
expect_out "seed 000 registered" "registered decision S2020/09797: 3 parts, 28 allocation rows, 290 000 000 kr allocated of 290 000 000 kr"
expect_out "seed 003 registered" "registered decision utan-dnr/2023-12-22: 5 parts, 65 allocation rows, 3 330 250 000 kr"
expect_out "seed 004 registered" "registered decision S2020/09796: 6 parts, 31 allocation rows, 315 000 000 kr"
expect_err "seed 001: the 1 kr excess is a warning" "warning: .*S2017-07321-FS.json: parts\[0\].allocation: the published amounts add up to 980 000 001 kr, more than the part's amount 980 000 000 kr"
registered=$(dbsum)
run decision import "$S000"
expect_rc "importing the same decision again succeeds" 0
expect_out "... and says nothing changed" "S2020/09797 is already registered with the same content; nothing changed"
expect_eq "... and the database is unchanged" "$(dbsum)" "$registered"

# list
run decision list --format json
expect_eq "decision list json: dnr, date, title, integer total" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(" ".join("%s|%s|%d|%s" % (d["dnr"], d["date"], d["total"], type(d["total"]).__name__) for d in json.load(sys.stdin)))')" \
	"S2017/07321/FS (delvis)|2018-05-24|980000000|int S2020/09796|2020-12-22|315000000|int S2020/09797|2020-12-22|290000000|int utan-dnr/2023-12-22|2023-12-22|3330250000|int"
run decision list --format json
expect_out "decision list json has titles" '"title":"Utbetalning av medel för Personcentrerade och sammanhållna vårdförlopp"'
run decision list --year 2021 --format csv
expect_eq "decision list --year 2021: the two decisions on budget year 2021" "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "S2020/09796 S2020/09797 "
run decision list
expect_out "decision list table sums the totals" "^Summa +4 915 250 000 +4 915 250 001"
expect_error "decision list: bad --year" "invalid --year 'x'" decision list --year x

# show: every bilaga table exactly as the seed prints it.
seed_table() { # SEED HEADER-PREFIX: the seed's table lines, markup removed
	python3 - "$1" "$2" <<'PY'
import sys, re
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if l.startswith(sys.argv[2]) and "\t" in l:
        j = i
        while j < len(lines) and "\t" in lines[j]:
            print(re.sub(r"</?b>", "", lines[j]).rstrip())
            j += 1
        break
PY
}
show_table() { # DNR ANNEX: the annex as tsv, table lines only
	"$BIDRAG" decision show "$1" --annex "$2" --format tsv | grep -P '\t'
}
compare_table() { # NAME SEED HEADER DNR ANNEX
	local want got
	want=$(seed_table "$SEEDS/$2" "$3")
	got=$(show_table "$4" "$5")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		pass "$1"
	else
		fail "$1" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -10)"
	fi
}
compare_table "seed 000 bilaga 1 reproduced exactly" "000_6fa97db069c8191a.txt" "Region	Befolkning	Andel" "S2020/09797" bilaga-1
compare_table "seed 003 bilaga 1 reproduced exactly" "003_1364b70c4248b79d.txt" "Region	Befolkning november" "utan-dnr/2023-12-22" bilaga-1
compare_table "seed 003 bilaga 2 reproduced exactly (with the printed names)" "003_1364b70c4248b79d.txt" "Länsvis" "utan-dnr/2023-12-22" bilaga-2
compare_table "seed 004 bilaga reproduced exactly" "004_e8b5056d86879dd1.txt" "Region	Befolkning 1/11" "S2020/09796" bilaga
# Seed 001: every row as printed; the total row is the rows' true sum, with a
# note, where the seed prints 980 000 000.
want=$(seed_table "$SEEDS/001_1ddba4c439647ff4.txt" "Landsting" | head -n -1)
got=$(show_table "S2017/07321/FS (delvis)" bilaga | head -n -1)
expect_eq "seed 001 bilaga rows reproduced exactly" "$got" "$want"
run decision show "S2017/07321/FS (delvis)" --annex bilaga --format tsv
expect_out "seed 001: the total row is the true sum" "^Totalt	10 104 036	1,0000	980 000 001$"
expect_out "seed 001: a note says the column exceeds the decided amount" "summerar till 980 000 001 kronor; beslutets belopp är 980 000 000 kronor"
run decision show S2020/09796 --annex bilaga --format csv
expect_out "annex csv: machine-readable" '^"?Region Gotlands"?,59636,0.01,1069111$'
run decision show S2020/09796 --annex bilaga --format json
expect_out "annex json" '"recipient":"Region Gotlands"'

# show text: parts, terms, deadlines, payees.
run decision show S2020/09797
expect_rc "decision show text" 0
expect_out "the window" "engångsvis utan rekvisition under perioden 15 februari 2021 till 15 mars 2021"
expect_out "the requisition deadline and the lapse" "efter rekvisition, som ska ha kommit in senast den 1 december 2021; rätten till bidrag förfaller"
expect_out "repayment deadline" "Återbetalning av medel som inte har förbrukats: senast den 31 mars 2022"
expect_out "the appropriation post" "anslag 1:6 Bidrag till folkhälsa och sjukvård, anslagspost 40 Jämlik sjukvård"
expect_out "seed 000 bilaga 2 payee with bankgiro" "Norra sjukvårdsregionförbundet, org.nr 222000-1651, bankgiro 5728-3905 \(Swedbank\), referens: 0319200"
expect_out "seed 000 bilaga 2 payee with plusgiro, orgnr normalised" "Region Värmland, org.nr 232100-0156, plusgiro 3 70 20-5 \(Nordea\)"
expect_out "seed 000 bilaga 2: orgnr written with a stray space is normalised" "Region Jönköpings län, org.nr 232100-0057, referens: Ansvar 418879"
expect_out "signatories" "På regeringens vägnar: Lena Hallengren, Lovisa Persson"
run decision show S2020/09796
expect_out "seed 004: 80 000 000 split equally among the six RCC, rounded" "RCC Norr: 13 333 334 kronor"
expect_out "seed 004: ... four get 13 333 333" "RCC Väst: 13 333 333 kronor"
expect_out "seed 004: the RCC money is paid to SKR" "Alla belopp betalas till SKR"
expect_out "seed 004: paid by 20 January 2021" "utan rekvisition senast den 20 januari 2021"
run decision show utan-dnr/2023-12-22
expect_out "seed 003: three anslagsposter fund the regions via SKR" "9 000 000 kronor från anslagspost 3 Kroniska och långvariga sjukdomar \(2024\); 68 000 000 kronor från anslagspost 5 Nationella kvalitetsregister \(2024\); 3 000 000 kronor från anslagspost 18 God vård och folkhälsa \(2024\)"
expect_out "seed 003: the ambulance base amount" "först 500 000 kr per mottagare"
expect_out "seed 003: the RSS mix" "1/2 × population@2023-11-01 \(version 1\) \+ 1/2 × insatser@2023 \(version 1\)"
# Every date and amount the seeds give in words or figures appears in show.
for pair in "000_6fa97db069c8191a.txt:S2020/09797" "001_1ddba4c439647ff4.txt:S2017/07321/FS (delvis)" \
	"003_1364b70c4248b79d.txt:utan-dnr/2023-12-22" "004_e8b5056d86879dd1.txt:S2020/09796"; do
	seed=${pair%%:*} dnr=${pair#*:}
	"$BIDRAG" decision show "$dnr" >"$WORK/show.txt"
	missing=$(python3 - "$SEEDS/$seed" "$WORK/show.txt" <<'PY'
import re, sys
seed = re.sub(r"</?b>", "", open(sys.argv[1], encoding="utf-8").read())
shown = open(sys.argv[2], encoding="utf-8").read()
months = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
want = set(re.findall(r"\b\d{1,2} (?:%s) \d{4}\b" % months, seed))
want |= set(m for m in re.findall(r"(?<![\d,])\d{1,3}(?: \d{3})+(?![\d,])", seed))
print(" | ".join(sorted(w for w in want if w not in shown)))
PY
)
	expect_eq "every date and amount of seed ${seed%%_*} appears in decision show" "$missing" ""
done
run decision show S2020/09797 --format json
expect_eq "show json: parts with fingerprints and allocations" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([ (p["id"], p["allocated"], len(p["fingerprint"]), len(p["allocation"])) for p in d["parts"]], d["decision"]["dnr"])')" \
	"[('regioner', 215000000, 64, 21), ('samverkansregioner', 60000000, 64, 6), ('skr', 15000000, 64, 1)] S2020/09797"
run decision show S2020/09797 --format xlsx --output "$WORK/d.xlsx"
expect_rc "show xlsx" 0
expect_eq "xlsx: a sheet for the decision, each bilaga and each part" \
	"$(unzip -p "$WORK/d.xlsx" xl/workbook.xml | grep -o 'sheet name="[^"]*"' | tr '\n' ' ')" \
	'sheet name="Beslut" sheet name="Bilaga 1" sheet name="Bilaga 2" sheet name="Del regioner" sheet name="Del samverkansregioner" sheet name="Del skr" '
expect_error "show: unknown decision" "no decision 'S1999/1' in the register" decision show S1999/1
expect_error "show: unknown annex names the annexes" "has no annex 'bilaga-9' \(it has: 'bilaga-1', 'bilaga-2'\)" decision show S2020/09797 --annex bilaga-9
expect_error "show: xlsx needs a file" "xlsx output needs a file" decision show S2020/09797 --format xlsx
expect_error "show: unknown format" "unknown format 'pdf' for decision show" decision show S2020/09797 --format pdf

# appropriations
run appropriation list --year 2024 --format csv
expect_out "post 38 carries 2 420 000 000 + 750 000 000 + 30 000 000" '^2024,"UO 9, anslag 1:6, anslagspost 38 Kvalitetshöjande insatser i hälso- och sjukvården",Summa,,3200000000'
expect_out "post 17 carries 46 000 000 + 750 000" '^2024,"UO 9, anslag 1:6, anslagspost 17 Stärkt ambulanssjukvård",Summa,,46750000'
expect_eq "six anslagsposter in 2024" "$(printf '%s\n' "$OUT" | grep -c ',Summa,')" "6"
run appropriation set --year 2021 --uo 9 --anslag 1:6 --post 40 --name "Jämlik sjukvård" --available "300 mkr"
expect_rc "appropriation set: the amount available" 0
run appropriation list --year 2021
expect_out "what is left on the post" "Summa +290 000 000 +300 000 000 +10 000 000"
expect_error "appropriation set: a different name is refused" "post_name: anslagspost 40 under anslag 1:6, budget year 2021, is registered as 'Jämlik sjukvård', not 'Fel'" \
	appropriation set --year 2021 --uo 9 --anslag 1:6 --post 40 --name "Fel"
expect_error "appropriation set: bad amount" "invalid --available 'x'" appropriation set --year 2021 --uo 9 --anslag 1:6 --post 40 --name N --available x

# export and the round trip
"$BIDRAG" decision export S2020/09796 >"$WORK/e004.json"
expect_eq "export is valid against the schema" \
	"$(python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); print("valid")' "$WORK/e004.json" "$BIDRAG_SRC/docs/decision-file.schema.json" 2>&1 | tail -1)" "valid"
before_roundtrips=$(dbsum)
for f in "$S000" "$S001" "$S003" "$S004"; do
	dnr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dnr"])' "$f")
	"$BIDRAG" decision export "$dnr" >"$WORK/exported.json"
	fresh=$(fresh_db fresh)
	"$BIDRAG" init --db "$fresh" >/dev/null
	"$BIDRAG" decision import --db "$fresh" "$WORK/exported.json" >/dev/null 2>&1
	"$BIDRAG" decision export --db "$fresh" "$dnr" >"$WORK/again.json"
	expect_eq "round trip of $dnr: import(export(x)) exports the same" "$(sha256sum <"$WORK/again.json")" "$(sha256sum <"$WORK/exported.json")"
	run decision verify --db "$fresh" "$dnr"
	expect_rc "round trip of $dnr: the fingerprints verify" 0
	run decision import "$WORK/exported.json"
	expect_out "the export of $dnr is the registered decision" "already registered with the same content"
done
expect_eq "exports and identical re-imports changed nothing in the register" "$(dbsum)" "$before_roundtrips"

# verify
run decision verify --all
expect_rc "verify --all" 0
expect_eq "verify: every part of every decision" "$(printf '%s\n' "$OUT" | grep -c '^ok ')" "19"
expect_out "verify names the recomputation" "^ok   S2020/09796 part skr-rcc-barncancer: 6 rows, 80 000 000 kr, recomputed by largest remainder: fingerprint verified"
expect_error "verify needs a dnr" "needs a DNR, or --all" decision verify

# The register's locks.
run_sql() { sql "$BIDRAG_DB" "$1" 2>&1; }
expect_sql_refused() { # NAME SQL MESSAGE
	local before got
	before=$(dbsum)
	got=$(run_sql "$2")
	case "$got" in
	*"$3"*) pass "$1" ;;
	*) fail "$1" "got: $got" "want: $3" ;;
	esac
	expect_eq "$1: nothing changed" "$(dbsum)" "$before"
}
expect_sql_refused "allocations cannot be updated" 'UPDATE allocation SET amount = amount + 1' \
	"allocations are locked once the decision is registered"
expect_sql_refused "datasets cannot be changed" 'DELETE FROM dataset_value' \
	"key datasets are immutable: register a correction as a new version"
expect_sql_refused "decisions cannot be deleted" "DELETE FROM decision WHERE dnr = 'S2020/09797'" \
	"a registered decision cannot be deleted"
expect_sql_refused "a part's terms cannot be changed" "UPDATE part SET requisition_deadline = '2030-01-01'" \
	"a registered decision's parts are locked"
# Tampering past the locks is found by verify.
db_copy reg tampered
sql "$(db_path tampered)" "$(drop_trigger allocation_locked_update allocation); UPDATE allocation SET amount = amount + 1 WHERE ord = 0 AND part_id = (SELECT p.id FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr = 'S2020/09797' AND p.code = 'regioner')"
run decision verify --db "$(db_path tampered)" S2020/09797
expect_rc "verify finds a changed allocation row (exit 1)" 1
expect_out "... and names the part and the row" "^FAIL S2020/09797 part regioner: the locked allocation table differs from the decision \(row 1: 01 49 472 319 kr in the table\)"
db_copy reg tampered2
sql "$(db_path tampered2)" "$(drop_trigger decision_locked_update decision); UPDATE decision SET document = replace(document, '49472318', '49472319') WHERE dnr = 'S2020/09797'"
run decision verify --db "$(db_path tampered2)" S2020/09797
expect_rc "verify finds a changed document" 1
expect_out "... by its digest" "^FAIL S2020/09797: document digest [0-9a-f]+ does not match the recorded digest"
db_copy reg tampered3
sql "$(db_path tampered3)" "$(drop_trigger dataset_value_no_update dataset_value); UPDATE dataset_value SET value = value + 1 WHERE recipient = '01' AND dataset_id = (SELECT id FROM dataset WHERE name = 'population@2019-11-01')"
run decision verify --db "$(db_path tampered3)" S2020/09796
expect_rc "verify finds a changed key dataset" 1
expect_out "... naming the dataset" "^FAIL S2020/09796: recomputation failed: parts\[0\].rule.key: dataset 'population@2019-11-01' version 1: its values in the register do not match their recorded digest"
run org show 06
expect_out "a region learns its orgnr from the first decision that gives it (seed 000 bilaga 2)" "^orgnr +232100-0057 \(state, region, municipality or parish\)"

# Errors on import: each names the field path, and changes nothing.
before=$(dbsum)
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/1"; d["parts"][0]["amount"]=216000000; d["parts"][0]["funding"][0]["amount"]=216000000'
expect_refused "parts exceeding the decision total" "parts: the parts add up to 291 000 000 kr, more than the decision's total 290 000 000 kr" "$WORK/e.json"
mutate "$S003" "$WORK/e.json" 'd["dnr"]="T/2"; d["annexes"][0]["total"]=2466000001'
expect_refused "seed 003: appropriation amounts that do not add up to the regions' total" "annexes\[0\].total: the table states 2 466 000 001 kr, but its parts add up to 2 466 000 000 kr" "$WORK/e.json"
mutate "$S003" "$WORK/e.json" 'd["dnr"]="T/3"; d["parts"][3]["funding"][1]["amount"]=67000000'
expect_refused "funding that does not add up to its part" "parts\[3\].funding: the appropriation amounts add up to 79 000 000 kr, expected the part's amount 80 000 000 kr" "$WORK/e.json"
mutate "$S004" "$WORK/e.json" 'd["dnr"]="T/4"; d["parts"][0]["allocation"][20]["recipient"]="Region Norbotten"'
expect_refused "an unknown recipient, with a suggestion" "parts\[0\].allocation\[20\].recipient: unknown region 'Region Norbotten' \(did you mean 'Region Norrbotten'" "$WORK/e.json"
mutate "$S004" "$WORK/e.json" 'd["dnr"]="T/5"; d["parts"][0]["rule"]["key"]="population@2019-11-02"'
expect_refused "an unknown dataset" "parts\[0\].rule.key: unknown dataset 'population@2019-11-02'" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/6"; d["parts"][1]["allocation"][0]["payee"]["orgnr"]="222000-1652"'
expect_refused "an invalid orgnr: wrong check digit" "parts\[1\].allocation\[0\].payee.orgnr: invalid organisationsnummer '222000-1652': wrong check digit \(expected 1\)" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/7"; d["parts"][1]["allocation"][0]["payee"]["orgnr"]="22200-1651"'
expect_refused "an invalid orgnr: wrong length" "invalid organisationsnummer '22200-1651': wrong length: 9 digits, expected 10" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/8"; d["parts"][1]["allocation"][0]["payee"]["bankgiro"]="5728-3904"'
expect_refused "an invalid bankgiro" "payee.bankgiro: invalid bankgiro '5728-3904': wrong check digit \(expected 5\)" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/9"; d["parts"][1]["allocation"][4]["payee"]["plusgiro"]="3 70 20-6"'
expect_refused "an invalid plusgiro" "payee.plusgiro: invalid plusgiro '3 70 20-6': wrong check digit \(expected 5\)" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/10"; d["parts"][2]["payment"]["deadline"]="2020-12-01"'
expect_refused "a deadline before the decision date" "parts\[2\].payment.deadline: 1 december 2020 is before the decision date 22 december 2020" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/11"; d["parts"][0]["repayment_deadline"]="2019-03-31"'
expect_refused "a repayment deadline before the decision date" "parts\[0\].repayment_deadline: 31 mars 2019 is before the decision date" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["title"]="Ändrad rubrik"'
expect_refused "a registered dnr with different content" "dnr: a decision S2020/09797 is already registered with different content \(first difference at line [0-9]+ .*Ändrad rubrik" "$WORK/e.json"
mutate "$S004" "$WORK/e.json" 'd["dnr"]="T/12"; d["parts"][0]["allocation"][0]["amount"]=42569206'
expect_refused "a published amount outside the quota rule" "parts\[0\].allocation\[0\].amount: 42 569 206 kr for 'Region Stockholm' breaks the quota rule: the exact quota is 42 569 203,87 kr, and a published amount must be within 1 kr of it" "$WORK/e.json"
mutate "$S003" "$WORK/e.json" 'd["dnr"]="T/13"; d["parts"][0]["allocation"][0]["amount"]+=1'
expect_refused "a list that does not add up" "parts\[0\].allocation: the amounts add up to 2 420 000 001 kr, expected the part's amount 2 420 000 000 kr" "$WORK/e.json"
mutate "$S003" "$WORK/e.json" 'd["dnr"]="T/14"; d["parts"][2]["allocation"].pop()'
expect_refused "a missing allocation row" "parts\[2\].allocation: no row for 'RSS Norrbottens län' \(RSS-25\)" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/15"; d["parts"][0]["ammount"]=1'
expect_refused "an unknown field" "parts\[0\]: unknown field 'ammount'" "$WORK/e.json"
mutate "$S000" "$WORK/e.json" 'd["dnr"]="T/16"; d["total"]=290000000.5'
expect_refused "a fractional amount" "total: the amount is a fractional JSON number" "$WORK/e.json"
printf '{"format": "bidrag-decision/1",\n "dnr": }' >"$WORK/e.json"
expect_refused "a JSON syntax error names line and column" "e.json:2:[0-9]+: " "$WORK/e.json"
expect_refused "a missing file" "cannot open '$WORK/nope.json'|nope.json" "$WORK/nope.json"
expect_eq "no error changed the database" "$(dbsum)" "$before"
run decision list --format csv
expect_eq "still four decisions" "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "4"

# A file with several decisions' worth of errors and one good file: the good
# one is registered, the bad one is not; the exit status says so.
mutate "$S000" "$WORK/good.json" 'd["dnr"]="T/20"'
mutate "$S000" "$WORK/bad.json" 'd["dnr"]="T/21"; d["parts"][0]["payment"]["to"]="2021-01-01"'
run decision import "$WORK/good.json" "$WORK/bad.json"
expect_rc "one bad file of two: exit 2" 2
expect_err "... the bad one named" "bad.json: parts\[0\].payment.to: the window ends \(2021-01-01\) before it starts \(2021-02-15\)"
expect_err "... and counted" "1 of 2 files not imported"
run decision list --format csv
expect_out "... the good one is registered" "^T/20,"
expect_eq "... the bad one is not" "$(printf '%s\n' "$OUT" | grep -c '^T/21')" "0"

# Concurrency: two processes importing at once never leave a half-written
# decision; the same decision imported twice at once is registered once.
for i in 1 2 3 4 5 6; do
	mutate "$S003" "$WORK/c$i.json" "d['dnr']='C/$i'"
done
"$BIDRAG" decision import "$WORK/c1.json" "$WORK/c2.json" "$WORK/c3.json" >"$WORK/p1" 2>&1 &
"$BIDRAG" decision import "$WORK/c4.json" "$WORK/c5.json" "$WORK/c6.json" "$WORK/c1.json" >"$WORK/p2" 2>&1 &
"$BIDRAG" decision import "$WORK/c6.json" "$WORK/c3.json" >"$WORK/p3" 2>&1 &
wait
expect_eq "concurrent imports: each decision registered once" \
	"$(sql "$BIDRAG_DB" "SELECT count(*) FROM decision WHERE dnr LIKE 'C/%'") $(cat "$WORK/p1" "$WORK/p2" "$WORK/p3" | grep -c 'registered decision C/')" "6 6"
expect_eq "concurrent imports: every part has its rows" \
	"$(sql "$BIDRAG_DB" "SELECT count(*) FROM part p JOIN decision d ON d.id = p.decision_id WHERE d.dnr LIKE 'C/%'") $(sql "$BIDRAG_DB" "SELECT count(*) FROM allocation a JOIN part p ON p.id = a.part_id JOIN decision d ON d.id = p.decision_id WHERE d.dnr LIKE 'C/%'")" "30 390"
run decision verify --all
expect_rc "after concurrent imports everything verifies" 0

# Key datasets are versioned in the register: a correction is version 2, and
# the decisions that used version 1 keep it; a decision registered after the
# correction is allocated by version 2.
"$BIDRAG" datasets show population@2019-11-01 --format csv | sed 's/^\([0-9]*\),"[^"]*",/\1,/' | sed '1s/.*/kod,värde/' >"$WORK/k1.csv"
"$BIDRAG" datasets import "$WORK/k1.csv" --name test-key >/dev/null
sed 's/^01,2374550$/01,2474550/' "$WORK/k1.csv" >"$WORK/k2.csv"
mutate "$S004" "$WORK/v1.json" 'd["dnr"]="V/1"; p=d["parts"][0]; p["rule"]={"method":"key","key":"test-key"}; p.pop("allocation"); d["annexes"]=[]'
mutate "$S004" "$WORK/v2.json" 'd["dnr"]="V/2"; p=d["parts"][0]; p["rule"]={"method":"key","key":"test-key"}; p.pop("allocation"); d["annexes"]=[]'
run decision import "$WORK/v1.json"
expect_rc "a decision on an imported dataset" 0
"$BIDRAG" datasets import "$WORK/k2.csv" --name test-key --corrects test-key@1 --reason "Stockholm's population was misprinted" >/dev/null
run decision import "$WORK/v2.json"
expect_rc "a decision on the corrected version of the same dataset" 0
run datasets registered test-key
expect_out "version 1 and the part that used it" "^test-key +1 .* V/1 part regioner$"
expect_out "version 2 and the part that used it" "^test-key +2 .* V/2 part regioner$"
run decision verify V/1 V/2
expect_rc "each decision verifies against the version it used" 0
run decision show V/1 --format json
v1=$(printf '%s' "$OUT" | python3 -c 'import json,sys; p=json.load(sys.stdin)["parts"][0]; print(p["keys"][0]["version"], p["allocation"][0]["amount"])')
run decision show V/2 --format json
v2=$(printf '%s' "$OUT" | python3 -c 'import json,sys; p=json.load(sys.stdin)["parts"][0]; print(p["keys"][0]["version"], p["allocation"][0]["amount"])')
expect_eq "the two versions give different allocations" "$v1 / $v2" "1 42569204 / 2 43936171"

# org add
run org add --code ORG-TEST --name "Testförbundet" --kind payee --orgnr "802000 -0009" --bankgiro 5052-5781
expect_rc "org add" 0
run org show 8020000009
expect_out "org show by orgnr, normalised" "^orgnr +802000-0009 \(ideell förening or stiftelse\)"
expect_error "org add: duplicate code" "already registered" org add --code ORG-TEST --name X --kind other
expect_error "org add: invalid orgnr" "--orgnr: invalid organisationsnummer '802000-0001': wrong check digit" org add --code X2 --name X --kind other --orgnr 802000-0001
expect_error "org add: unknown kind" "unknown kind 'bank'" org add --code X3 --name X --kind bank
expect_error "org add: both accounts" "not both" org add --code X4 --name X --kind other --bankgiro 5052-5781 --plusgiro "3 70 20-5"
expect_error "org show: unknown" "unknown recipient 'Ingen sådan'" org show "Ingen sådan"
expect_error "org set: nothing to set" "org set needs something to set" org set ORG-TEST
expect_error "org set: the code cannot change" "org set cannot change the code or the kind" org set ORG-TEST --code X
# (Before the PostgreSQL engine this said "no PostgreSQL backend yet".)
expect_unavailable "an unreachable PostgreSQL server gets a one-line message and exit 4" \
	"^error: cannot connect to the database 'postgresql:///bidrag\\?host=/nonexistent': the server is unreachable" \
	decision list --db "postgresql:///bidrag?host=/nonexistent"
# The schema version: SQLite's user_version, the PostgreSQL engine's bd_schema.
db_copy reg newer
if [ "$ENGINE" = sqlite ]; then
	sqlite3 "$(db_path newer)" "PRAGMA user_version = 99"
else
	sql "$(db_path newer)" "UPDATE bd_schema SET version = 99"
fi
expect_error "a database of a newer schema is refused" "schema version 99, newer than this bidrag knows" decision list --db "$(db_path newer)"

done_testing
