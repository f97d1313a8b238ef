#!/usr/bin/env bash
# register-prefill.sh: the recipient register starts from what the ledger
# knows (issue 14 item 7, docs/recipient-register.md): 'bidrag register
# prefill' makes Region Stockholm's 2021 from the decisions and payments the
# ledger holds; the recipient adds its own fields and an own grant and
# imports it; after a repayment claim and a new payment, prefilling again
# updates the ledger's fields and keeps the recipient's; the refusals.
set -u
: "${BIDRAG:?the bidrag binary under test}" "${BIDRAG_SRC:?the repository}"
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
D0=S2020/09797
D1=S2020/09796
PW=prefill-password
export BIDRAG_PASSWORD=$PW LC_ALL=C.UTF-8
unset BIDRAG_USER
export BIDRAG_DB=$(fresh_db prefill)
"$BIDRAG" init >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add bertil --role attestant --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add olle --role mottagare --org 01 --by root >/dev/null
"$BIDRAG" decision import "$EX/decisions/S2020-09797.json" "$EX/decisions/S2020-09796.json" --by anna >/dev/null 2>&1
"$BIDRAG" payee import "$EX/payees.csv" --user anna >/dev/null 2>&1
"$BIDRAG" pay plan $D0 --date 2021-02-15 --by anna >/dev/null
ids() { "$BIDRAG" pay list --state registered --format csv | tail -n +2 | cut -d, -f1; }
"$BIDRAG" pay attest $(ids) --date 2021-02-15 --by bertil >/dev/null
"$BIDRAG" pay export --batch B1 --date 2021-02-16 --output "$WORK/b1.xml" --by anna >/dev/null 2>&1

# field FILE KEY FIELD: a grant's field of the year's document.
field() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
g = [g for g in d["years"][0]["grants"] if g["key"] == sys.argv[2]]
print(json.dumps(g[0].get(sys.argv[3]), ensure_ascii=False) if g else "no grant")' "$@"
}
K0=reskontra-s2020-09797-regioner
K1=reskontra-s2020-09796-regioner

# 1. Prefilled from the ledger.
run register prefill --org 01 --year 2021 -o "$WORK/p1.json"
expect_rc "register prefill writes Region Stockholm's 2021" 0
expect_err "... saying how many grants came from the ledger" "Region Stockholm 2021: 2 grants from the ledger \(2 new, 0 updated\)"
expect_eq "... the grant of $D0 by its key, with the decision and the grantor's dnr" \
	"$(field "$WORK/p1.json" $K0 decision) $(field "$WORK/p1.json" $K0 grantor_dnr)" "\"$D0\" \"$D0\""
expect_eq "... its amount, whole kronor, as the decision allocates" "$(field "$WORK/p1.json" $K0 amount)" "49472318"
expect_eq "... its status: the decision's date and what was paid on which day" "$(field "$WORK/p1.json" $K0 status)" \
	"\"Från reskontran: beslut $D0 den 2020-12-22, del regioner, 49 472 318,00 kr. Utbetalt 2021: 2021-02-16: 49 472 318,00 kr.\""
expect_eq "... $D1 of budget year 2021, nothing paid yet" "$(field "$WORK/p1.json" $K1 status)" \
	"\"Från reskontran: beslut $D1 den 2020-12-22, del regioner, 42 569 204,00 kr. Utbetalt 2021: inget.\""
run register check "$WORK/p1.json"
expect_rc "... a document 'register check' reads" 0
run register prefill --org 01 --year 2020 -o "$WORK/p0.json"
expect_err "2020: no grant from the ledger (nothing paid then, no decision of that budget year)" "0 grants from the ledger"

# 2. The recipient's own fields and an own grant.
python3 - "$WORK/p1.json" "$WORK/own.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = [g for g in d["years"][0]["grants"] if g["key"] == "reskontra-s2020-09797-regioner"][0]
g.update({"dnr": "RS/195/2021", "decided_by": "Regionstyrelsen", "decided_on": "2021-03-01",
          "label": "Vårdförlopp", "text": ["Vår egen beskrivning."],
          "lines": [{"key": "a", "title": "Område A", "amount": 30000000},
                    {"key": "b", "title": "Område B", "amount": 19472318}]})
d["years"][0]["grants"].append({"key": "eget", "title": "Ett bidrag utanför reskontran", "grantor": "Sametinget",
                                "amount": 250000, "dnr": "RS/7/2021"})
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
run register import "$WORK/own.json" --by olle
expect_rc "olle imports the year with his own fields" 0

# 3. New in the ledger: a repayment claim, and the payment of $D1.
"$BIDRAG" repay claim $D0 --part regioner --recipient 01 --amount "100 000" --date 2021-06-01 --by anna >/dev/null
run register prefill --org 01 --year 2021 --store --by olle -o "$WORK/p2.json"
expect_rc "register prefill --store after the claim" 0
expect_out "... stored as version 2, with the own grant (3 grants)" "^01 2021: stored as version 2 \(3 grants, "
expect_err "... 2 from the ledger, both already in the year, the rest as stored" "2 grants from the ledger \(0 new, 2 updated\), the rest as stored"
expect_eq "... the ledger's status now says what was claimed back" "$(field "$WORK/p2.json" $K0 status)" \
	"\"Från reskontran: beslut $D0 den 2020-12-22, del regioner, 49 472 318,00 kr. Utbetalt 2021: 2021-02-16: 49 472 318,00 kr. Återkrävt 100 000,00 kr, återbetalt 0,00 kr.\""
expect_eq "... olle's own fields are kept (dnr, decided by, on, label, text)" \
	"$(field "$WORK/p2.json" $K0 dnr) $(field "$WORK/p2.json" $K0 decided_by) $(field "$WORK/p2.json" $K0 decided_on) $(field "$WORK/p2.json" $K0 label) $(field "$WORK/p2.json" $K0 text)" \
	'"RS/195/2021" "Regionstyrelsen" "2021-03-01" "Vårdförlopp" ["Vår egen beskrivning."]'
expect_eq "... and his breakdown" "$(field "$WORK/p2.json" $K0 lines | python3 -c 'import json,sys; print([l["amount"] for l in json.load(sys.stdin)])')" "[30000000, 19472318]"
expect_eq "... and his own grant" "$(field "$WORK/p2.json" eget dnr) $(field "$WORK/p2.json" eget amount)" '"RS/7/2021" 250000'
run register list --org 01
expect_out "... stored as version 2" "2021.* 2 "
run register show --org 01 --year 2021 --format json
expect_out "... what 'register show' gives is the document written" "Återkrävt 100 000,00 kr"
run register prefill --org 01 --year 2021 --store --by olle
expect_rc "prefill --store again with nothing new" 0
expect_out "... stores no new version" "^01 2021: unchanged \(version 2\)$"
run register list --org 01
expect_out "... still version 2" "2021.* 2 "

# 4. The refusals.
expect_error "prefill without --org is refused" "--org is required" register prefill --year 2021
expect_error "prefill without --year is refused" "--year is required" register prefill --org 01
expect_error "prefill of a year that is none is refused" "expected a year from 2000 to 2100" register prefill --org 01 --year 1999
run register prefill --org "Ingen sådan organisation" --year 2021
if [ "$RC" -ne 0 ] && printf '%s' "$ERR" | grep -q "Ingen sådan organisation" && [ -z "$OUT" ]; then
	pass "prefill of an unknown organisation is refused, naming it"
else
	fail "prefill of an unknown organisation is refused, naming it" "rc $RC" "$ERR"
fi
expect_error "prefill given a file is refused" "takes no file" register prefill --org 01 --year 2021 "$WORK/p1.json"

echo "1..$n"
[ "$nfail" -eq 0 ]
