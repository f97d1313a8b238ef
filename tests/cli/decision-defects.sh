#!/usr/bin/env bash
# Decision-register defects a new user found with real decisions (issue 11,
# item 7): a last payment day before the decision's own date is registered
# with a warning kept with the decision and shown wherever the deadline is;
# and Swedish output that read wrong (decision show, correct, decision
# verify, verify's Avvikelse column).
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
export BIDRAG_DB=$(fresh_db reg)
"$BIDRAG" init >/dev/null
test_users

# A small decision as real ones are written: dated 28 January 2021, its
# money to be paid "senast den 20 januari 2021".
cat >"$WORK/late.json" <<'JSON'
{
  "format": "bidrag-decision/1",
  "dnr": "S2021/00428",
  "date": "2021-01-28",
  "department": "Socialdepartementet",
  "title": "Utbetalning av medel till regionerna för testverksamhet 2021",
  "total": 2400000,
  "agreement": {
    "title": "tilläggsöverenskommelse om testverksamhet 2021",
    "parties": ["Staten", "Sveriges Kommuner och Regioner"]
  },
  "appropriations": [
    {"id": "16", "budget_year": 2021, "utgiftsomrade": 9, "anslag": "1:6", "post": 16,
     "post_name": "Åtgärder för en bättre cancervård"}
  ],
  "parts": [
    {
      "id": "regioner",
      "title": "Lika belopp till regionerna",
      "amount": 2100000,
      "funding": [{"appropriation": "16", "amount": 2100000}],
      "recipients": "regions",
      "rule": {"method": "equal"},
      "payment": {"mode": "without-requisition", "by": "2021-01-20"}
    },
    {
      "id": "skr",
      "title": "Medel till SKR",
      "amount": 300000,
      "funding": [{"appropriation": "16", "amount": 300000}],
      "recipients": ["SKR"],
      "rule": {"method": "equal"},
      "payment": {"mode": "requisition", "deadline": "2021-06-30"}
    }
  ]
}
JSON
DNR=S2021/00428

# 1. A last payment day before the decision date: registered, with a warning.
run decision import "$WORK/late.json" --by anna
expect_rc "a decision paid 'senast' before its own date is registered" 0
expect_out "the import says it registered it" "registered decision $DNR: 2 parts"
expect_err "the import warns on stderr, naming the field" \
	"warning: .*late.json: parts\[0\].payment.by: 20 januari 2021 is before the decision date 28 januari 2021; registered as the decision states it"
expect_eq "the warning is kept in the register" \
	"$(sql "$BIDRAG_DB" "SELECT part || ' ' || field || ' ' || date FROM decision_warning")" "regioner payment.by 2021-01-20"
run decision import "$WORK/late.json" --by anna
expect_out "importing it again changes nothing" "already registered with the same content"
expect_eq "and keeps one warning" "$(sql "$BIDRAG_DB" "SELECT count(*) FROM decision_warning")" "1"
expect_eq "the canonical document is the decision as written" \
	"$("$BIDRAG" decision export "$DNR" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["parts"][0]["payment"]["by"], "warnings" in json.dumps(d))')" "2021-01-20 False"

WARN='sista utbetalningsdag 20 januari 2021 är före beslutets datum 28 januari 2021'
run decision show "$DNR"
expect_out "decision show prints the deadline as decided" "Utbetalning: engångsvis utan rekvisition senast den 20 januari 2021"
expect_out "decision show prints the warning under the part's terms" "^   OBS: $WARN; registrerat som beslutet anger"
expect_eq "only the part concerned has it" "$(printf '%s\n' "$OUT" | grep -c 'OBS:')" "1"
run decision show "$DNR" --format json
expect_eq "decision show --format json: the part's warnings" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(p["id"], [w["field"] for w in p.get("warnings", [])]) for p in d["parts"]])')" \
	"[('regioner', ['payment.by']), ('skr', [])]"

run deadlines --as-of 2021-02-01 --all
expect_out "deadlines: the pay-by line carries the warning" "2021-01-20 .*Sista utbetalningsdag .*$DNR .*regioner .*OBS: $WARN"
run deadlines --as-of 2021-02-01 --all --format json
expect_eq "deadlines --format json: a warning field on the pay-by deadline only" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([(x["kind"], x["part"]) for x in json.load(sys.stdin) if "warning" in x])')" \
	"[('pay-by', 'regioner')]"
run deadlines --as-of 2021-02-01 --all --format ics
expect_eq "deadlines --format ics: the calendar entry's description has the warning" \
	"$(printf '%s' "$OUT" | tr -d '\r' | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' | grep -c 'OBS: sista utbetalningsdag')" "1"
run status "$DNR"
expect_out "status prints the warning under the table" "^OBS: $DNR del regioner: $WARN"
run status "$DNR" --part skr
expect_eq "status of another part has no warning" "$(printf '%s\n' "$OUT" | grep -c 'OBS:')" "0"
run status "$DNR" --format csv
expect_eq "status as CSV stays a table" "$(printf '%s\n' "$OUT" | grep -c 'OBS:')" "0"

# The ledger still guards the day: a payment after it needs an override.
expect_error "a payment after the stated day needs an override" "is after the last payment date 20 januari 2021" \
	pay add "$DNR" --part regioner --recipient "Region Stockholm" --amount 100000 --date 2021-02-01 --by anna
run pay add "$DNR" --part regioner --recipient "Region Stockholm" --amount 100000 --date 2021-02-01 --by anna \
	--override "beslutet fattades efter dagen för utbetalning"
expect_rc "with an override it is recorded" 0

# Other deadlines before the decision date are still refused.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['dnr']='T/1'; d['parts'][1]['payment']['deadline']='2021-01-20'; json.dump(d, open(sys.argv[2],'w'))" "$WORK/late.json" "$WORK/t1.json"
expect_error "a requisition deadline before the decision date is still refused" \
	"parts\[1\].payment.deadline: 20 januari 2021 is before the decision date 28 januari 2021" decision import "$WORK/t1.json" --by anna

# The web API and the UI: GET /api/decision and /api/deadlines.
PW=$TEST_PASSWORD # lib.sh: test_users' password
"$BIDRAG" serve --listen 127.0.0.1:0 --threads 2 --ready-file "$WORK/ready" >"$WORK/serve.out" 2>"$WORK/serve.err" &
spid=$!
for _ in $(seq 1 200); do
	[ -s "$WORK/ready" ] && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.05
done
URL=$(cat "$WORK/ready" 2>/dev/null)
if [ -n "$URL" ]; then
	curl -s -c "$WORK/jar" -H 'Content-Type: application/json' -d "{\"name\":\"anna\",\"password\":\"$PW\"}" "${URL}api/login" >/dev/null
	expect_eq "GET /api/decision: the part's warning" \
		"$(curl -s -b "$WORK/jar" "${URL}api/decision?dnr=S2021%2F00428" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(p["id"], [w["message"][:29] for w in p.get("warnings", [])]) for p in d["parts"]])')" \
		"[('regioner', ['sista utbetalningsdag 20 janu']), ('skr', [])]"
	expect_eq "GET /api/deadlines: the warning on the pay-by deadline" \
		"$(curl -s -b "$WORK/jar" "${URL}api/deadlines?as_of=2021-02-01&all=1" | python3 -c 'import json,sys; print([(x["kind"], x["part"]) for x in json.load(sys.stdin)["deadlines"] if "warning" in x])')" \
		"[('pay-by', 'regioner')]"
else
	fail "the server starts" "$(tail -5 "$WORK/serve.err")"
fi
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
expect_eq "the UI's decision page shows a part's warnings" \
	"$(grep -c "(p.warnings || \[\]).map" "$BIDRAG_SRC/src/web/assets/app.js")" "1"

# 2. decision show: an agreement named by its title alone, and a named set.
run decision show "$DNR"
expect_out "an agreement with only a title reads without a stray comma" "^Överenskommelse: tilläggsöverenskommelse om testverksamhet 2021; parter: Staten och Sveriges Kommuner och Regioner$"
expect_out "a named set of recipients in Swedish" "^   Mottagare: regionerna \(21\)$"
run decision import "$EX/S2020-09796.json" --by anna
run decision show S2020/09796
expect_out "seed 004: the agreement's title and total" "^Överenskommelse: jämlik och effektiv cancervård med kortare väntetider 2021, totalt 500 000 000 kronor; parter:"
run decision import "$EX/S2020-09797.json" --by anna
run decision show S2020/09797
expect_out "seed 000: an agreement with a dnr keeps its comma before the title" "^Överenskommelse: S20"

# correct with an empty id names what to give, not an option that does not exist.
expect_error "correct with an empty id says what to give" "EVENT-ID is empty: give the id of the event to correct" \
	correct "" --reason "fel" --date 2021-02-02 --by anna
expect_eq "and names no --ref option" "$(printf '%s' "$ERR" | grep -c -- '--ref')" "0"
echo '[{"id":"c1","kind":"correction","ref":"","date":"2021-02-02","by":"anna","reason":"fel"}]' >"$WORK/noref.json"
expect_error "an events file's correction without a ref names the field, not an option" \
	"a correction names the event it refers to: its 'ref' is empty" events import "$WORK/noref.json" --by anna
expect_eq "no --ref there either" "$(printf '%s' "$ERR" | grep -c -- '--ref')" "0"

# decision verify: a list part has no quota rule.
run decision import "$EX/2023-12-22-god-och-nara-vard-2024.json" --by anna
run decision verify utan-dnr/2023-12-22
expect_out "a list part is verified as amounts adding up" "^ok   utan-dnr/2023-12-22 part nara-vard: 21 rows, 2 420 000 000 kr, listed amounts adding up to the part's amount: fingerprint verified"
expect_out "a key part keeps the quota rule" "^ok   utan-dnr/2023-12-22 part ambulans: .*published amounts within the quota rule"

# verify: the Avvikelse column is Swedish money.
run verify "$SEEDS"/003_*.txt --amount-column Ambulans --total 46000000 --key population@2023-11-01
expect_out "verify: a deviation is grouped like the other columns" "^ +91 +Region Uppsala +1 763 345,78 +1 860 843 +97 497,22 +1 763 346 +UTANFÖR KVOTREGELN$"
expect_out "verify: a negative deviation of millions too" "^ +90 +Region Stockholm +10 700 459,06 +8 757 963 +-1 942 496,06 +"
expect_eq "verify: no ungrouped deviation" "$(printf '%s\n' "$OUT" | grep -cE '  -?[0-9]{4,},[0-9]{2}  ')" "0"

done_testing
