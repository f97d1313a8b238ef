#!/usr/bin/env bash
# Key datasets in the register (issue 17): the seeds as the first versions,
# SCB's own files imported with their provenance (the PC-Axis file of 290
# kommuner, the CSV of 21 län 2018, the JSON-stat of 2026), versions that
# never change (the tables' triggers), the correction chain, the audit log,
# codes the register does not know, allocation to kommuner and to kommuner
# grouped by län with a register dataset, and the impact of a corrected key
# on a decision already paid in part: two kommuner whose populations were
# swapped, what to pay and claim back, carried out once however often asked.
. "$(dirname "$0")/lib.sh"
SCB=$(dirname "$SEEDS")/data/scb
GEO=$(dirname "$SEEDS")/data/geo/municipalities.csv
PX=$SCB/px_BE0101A1_pop_riket_21lan_290kommuner_civil_sex_2001-2004_en.px
PXAGE=$SCB/px_BE0101A1_pop_21lan_civil_age_sex_2004-2005_en.px
CSV=$SCB/csv_BE0101N1_pop_21lan_2018_en_cp1252.csv
JSON=$SCB/jsonstat2_v2_TAB6471_folkmangd_manad_21lan_alder10_kon_2026M01-M04.json
unset BIDRAG_USER # who makes a change: ida, the OS account's user (below)
export BIDRAG_DB=$(fresh_db reg)
dbsum() { db_sum_but_logins "$BIDRAG_DB"; }
# expect_nothing_written NAME PATTERN CMD...: fails with status 2 and the
# message, and the register is as it was.
expect_nothing_written() {
	local name=$1 pat=$2 before
	shift 2
	before=$(dbsum)
	expect_error "$name" "$pat" "$@"
	expect_eq "$name: nothing written" "$(dbsum)" "$before"
}
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# ---- The seeds are the register's first versions ---------------------------
run init
expect_out "init puts the four seed datasets in the register" "4 seed key datasets$"
# The people (ida and hanna handläggare); the OS account running the test is
# ida's.  init ran before there were users: as the OS account.
test_users ida:handlaggare hanna:handlaggare
"$BIDRAG" user map ida --os-account "$(id -un)" --by root >/dev/null
os=$(id -un)
run init
expect_out "init again adds none" "0 seed key datasets$"
run datasets --format json
expect_eq "the seeds: version 1 each, origin seed, compiled in" \
	"$(json 'print(sorted((x["name"], x["version"], x["origin"]["kind"], x["origin"]["format"], x["builtin"]) for x in d))')" \
	"[('insatser@2023', 1, 'seed', 'compiled-in', True), ('population@2017-11-01', 1, 'seed', 'compiled-in', True), ('population@2019-11-01', 1, 'seed', 'compiled-in', True), ('population@2023-11-01', 1, 'seed', 'compiled-in', True)]"
run datasets show population@2019-11-01
expect_out "show: the version and that it is the latest" "^version: 1 of 1 \(the latest\)$"
expect_out "show: a seed's origin is the file compiled in" "^origin: seed \(compiled in, data/datasets/population@2019-11-01.csv\)$"
# audit_has ACTION OBJECT: the audit log has an entry of the action on the
# object, and who made it.
audit_has() {
	"$BIDRAG" audit list --format json | python3 -c 'import json,sys; print(" ".join(e["actor"] for e in json.load(sys.stdin) if e["action"] == sys.argv[1] and e["object"] == sys.argv[2]))' "$1" "$2"
}
expect_eq "each seed in the audit log" \
	"$(audit_has dataset.seed population@2017-11-01\ v1) $(audit_has dataset.seed population@2019-11-01\ v1) $(audit_has dataset.seed population@2023-11-01\ v1) $(audit_has dataset.seed insatser@2023\ v1)" \
	"$os $os $os $os"

# ---- SCB's files, with their provenance ------------------------------------
# PC-Axis: riket, 21 län and the 290 kommuner of 2004.  Today's register knows
# Heby as 0331 (in Uppsala län since 2007): the file's 1917 is a former code.
expect_nothing_written "PX, kommun level: Riket, the län and Heby's former code are named, nothing folded in" \
	"23 rows of 'region' are not a kommun: 21 län \('01 Stockholm county', .*2 the register does not know \('00 Sweden', '1917 Heby'\); leave them out with --skip-unknown; nothing was imported" \
	datasets import "$PX" --name kommunpop@2004 --period 2004 --level kommun
run datasets import "$PX" --name kommunpop@2004 --period 2004 --level kommun --skip-unknown --downloaded 2024-05-02
expect_rc "PX: imported with --skip-unknown" 0
expect_out "PX: 289 kommuner, the reference date from the file" "^imported kommunpop@2004@1: 289 kommuner from .* \(px\), reference date 2004-12-31$"
expect_out "PX: the rows left out are named" "^skipped 23 rows the register does not know: .*'00 Sweden', '1917 Heby'"
run datasets show kommunpop@2004 --format json
expect_eq "PX: Stockholms kommun 2004 = 765 044 (SCB); 289 values" \
	"$(json 'print([v["value"] for v in d["values"] if v["code"] == "0180"][0], len(d["values"]), d["domain"], d["date"])')" \
	"765044 289 kommuner 2004-12-31"
expect_eq "PX: provenance (format, file SHA-256, table, selection, period, reference date basis, download date, who)" \
	"$(json 'o=d["origin"]; print(o["kind"], o["format"], o["file"], o["file_sha256"], o["table"], o["period"], o["downloaded"], o["imported_by"], "31 December 2004" in o["ref_date_basis"], "marital status" in o["selection"] and "sex" in o["selection"])')" \
	"import px $(basename "$PX") $(sha256sum "$PX" | cut -c1-64) BE0101A1 2004 2024-05-02 ida True True"
run datasets show kommunpop@2004
expect_out "show: the table and its title" "^table: BE0101A1: Population by region"
expect_out "show: the file's SHA-256" "^file SHA-256: $(sha256sum "$PX" | cut -c1-64)$"
expect_out "show: downloaded" "^downloaded: 2024-05-02$"

# SCB's CSV download: 21 län, 31 Dec 2018; the file does not say the day.
expect_nothing_written "CSV: no reference date in the file, none given: refused" \
	"no reference date: the file does not say which day of 2018.*\(--date YYYY-MM-DD\)" \
	datasets import "$CSV" --name population@2018-12-31
run datasets import "$CSV" --name population@2018-12-31 --date 2018-12-31 --downloaded 2023-07-19
expect_out "CSV: 21 regions from SCB's download" "^imported population@2018-12-31@1: 21 regions from .* \(scb-csv\), reference date 2018-12-31$"
run datasets show population@2018-12-31 --format json
expect_eq "CSV: the sum is SCB's 10 230 185, Stockholms län 2 344 124" \
	"$(json 'print(d["sum"], [v["value"] for v in d["values"] if v["code"] == "01"][0], d["origin"]["format"], d["origin"]["ref_date_basis"])')" \
	"10 230 185 2344124 scb-csv given with --date 2018-12-31"

# JSON-stat (PxWebApi v2), 2026: noise, parts summed as published.
run datasets import "$JSON" --name population@2026-01-31 --period 2026M01 --select 'Ålder=0+'
expect_out "JSON-stat: the month's last day from the file's note" "^imported population@2026-01-31@1: 21 regions .*\(json-stat\), reference date 2026-01-31$"
run datasets show population@2026-01-31 --format json
expect_eq "JSON-stat: Stockholms län 2026M01 = 2 486 498; table TAB6471; the selection kept" \
	"$(json 'print([v["value"] for v in d["values"] if v["code"] == "01"][0], d["origin"]["table"], d["origin"]["period"], d["origin"]["selection"].startswith("ålder=0+"))')" \
	"2486498 TAB6471 2026M01 True"

# PC-Axis by age and sex: women 15-44 in 2005.
run datasets import "$PXAGE" --name kvinnor15-44@2005 --period 2005 --select 'sex=women' --select 'age=15-44'
expect_rc "PX by age and sex: a selection" 0
run datasets show kvinnor15-44@2005 --format json
expect_eq "PX: Stockholms län 2005, women 15-44 = 399 992 (SCB)" "$(json 'print([v["value"] for v in d["values"] if v["code"] == "01"][0])')" "399992"

expect_eq "an import is in the audit log, by who imported it" "$(audit_has dataset.import "kommunpop@2004 v1")" "ida"

# ---- Versions never change -------------------------------------------------
# Every statement below is refused by the tables' locking triggers.
for stmt in "UPDATE dataset_value SET value = 1 WHERE recipient = '0180'" \
	"DELETE FROM dataset_value WHERE recipient = '0180'" \
	"UPDATE dataset SET ref_date = '2005-12-31' WHERE name = 'kommunpop@2004'" \
	"UPDATE dataset_origin SET downloaded = '2020-01-01'"; do
	before=$(dbsum)
	if sql "$BIDRAG_DB" "$stmt" >"$WORK/sqlout" 2>&1; then
		fail "refused by the trigger: $stmt" "it ran"
	elif grep -q 'key datasets are immutable' "$WORK/sqlout" && [ "$(dbsum)" = "$before" ]; then
		pass "refused by the trigger: $stmt"
	else
		fail "refused by the trigger: $stmt" "$(cat "$WORK/sqlout")"
	fi
done

# ---- The correction chain --------------------------------------------------
# Two kommuner's populations swapped: Upplands Väsby (0114) and Vallentuna
# (0115), as a real redistribution once had to be reissued.
"$BIDRAG" datasets show kommunpop@2004 --format csv >"$WORK/v1.csv"
python3 - "$WORK/v1.csv" "$WORK/v2.csv" <<'EOF'
import sys
rows = open(sys.argv[1]).read().splitlines()
val = {r.split(",")[0]: r.rsplit(",", 1)[1] for r in rows[1:]}
out = [rows[0]]
for r in rows[1:]:
    code = r.split(",")[0]
    v = {"0114": val["0115"], "0115": val["0114"]}.get(code, val[code])
    out.append(r.rsplit(",", 1)[0] + "," + v)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
expect_nothing_written "the same name again without --corrects: refused, saying how" \
	"dataset 'kommunpop@2004' is in the register already \(its latest version is kommunpop@2004@1\); a new version corrects it: --corrects kommunpop@2004@1 --reason TEXT" \
	datasets import "$WORK/v2.csv" --name kommunpop@2004
expect_nothing_written "a correction without a reason" "--corrects kommunpop@2004@1 needs --reason TEXT" \
	datasets import "$WORK/v2.csv" --name kommunpop@2004 --corrects kommunpop@2004@1
expect_nothing_written "a correction of a version there is not" "--corrects kommunpop@2004@2: dataset 'kommunpop@2004' has no version 2 \(its latest is kommunpop@2004@1\)" \
	datasets import "$WORK/v2.csv" --name kommunpop@2004 --corrects kommunpop@2004@2 --reason x
expect_nothing_written "a correction naming another dataset" "--corrects population@2018-12-31@1 names another dataset than --name kommunpop@2004" \
	datasets import "$WORK/v2.csv" --name kommunpop@2004 --corrects population@2018-12-31@1 --reason x
expect_nothing_written "a correction that changes nothing" "the values are those of version 1 \(kommunpop@2004@1\) already" \
	datasets import "$WORK/v1.csv" --name kommunpop@2004 --corrects kommunpop@2004@1 --reason x
expect_nothing_written "a correction of a name the register does not have" "'nosuch' is not in the register: there is nothing to correct" \
	datasets import "$WORK/v2.csv" --name nosuch --corrects nosuch@1 --reason x
expect_nothing_written "a name that reads as a version of another" "dataset name 'kommunpop@2004@7' reads as version 7 of 'kommunpop@2004'" \
	datasets import "$WORK/v2.csv" --name kommunpop@2004@7

# ---- A decision allocated by the kommun dataset, paid in part ------------------
python3 - "$BIDRAG_SRC/examples/decisions/S2020-09796.json" "$WORK/k.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d.update(dnr="K/2024/1", date="2024-03-01", total=100000000, notes="test: kommunerna i Stockholms län")
d.pop("agreement", None)
d["appropriations"][0]["budget_year"] = 2024
d["parts"] = [{"id": "kommuner", "title": "Stöd till kommunerna i Stockholms län", "amount": 100000000,
               "funding": [{"appropriation": "16", "amount": 100000000}], "recipients": "kommuner:01",
               "rule": {"method": "key", "key": "kommunpop@2004"},
               "payment": {"mode": "without-requisition", "by": "2024-12-31"}}]
d["annexes"] = []
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
EOF
run decision import "$WORK/k.json"
expect_rc "a decision to the 26 kommuner of Stockholms län by kommunpop@2004" 0
run decision show K/2024/1 --format json
then114=$(json 'print([r["amount"] for r in d["parts"][0]["allocation"] if r["code"] == "0114"][0])')
then115=$(json 'print([r["amount"] for r in d["parts"][0]["allocation"] if r["code"] == "0115"][0])')
rise=$((then114 - then115))
expect_eq "the part records the dataset's version it was allocated by" "$(json 'print(d["parts"][0]["keys"][0])')" \
	"{'name': 'kommunpop@2004', 'version': 1}"
for c in 0114 0115 0117; do "$BIDRAG" org set "$c" --bankgiro 9990-0011 >/dev/null; done
"$BIDRAG" pay add K/2024/1 --part kommuner --recipient 0114 --amount "$then114" --date 2024-04-01 --by anna >/dev/null
"$BIDRAG" pay add K/2024/1 --part kommuner --recipient 0115 --amount "$then115" --date 2024-04-01 --by anna >/dev/null
"$BIDRAG" pay add K/2024/1 --part kommuner --recipient 0117 --amount 1000000 --date 2024-04-01 --by anna >/dev/null
"$BIDRAG" pay attest $("$BIDRAG" pay list --format csv | tail -n +2 | cut -d, -f1) --date 2024-04-02 --by bertil >/dev/null
run pay export --batch B1 --date 2024-04-03 --output "$WORK/b1.xml"
expect_rc "paid in part: Upplands Väsby and Vallentuna in full, Österåker 1 000 000 kr" 0

run datasets impact kommunpop@2004
expect_out "before a correction: version 1 corrects nothing" "^kommunpop@2004@1 \(it corrects no earlier version\)$"

run datasets import "$WORK/v2.csv" --name kommunpop@2004 --corrects kommunpop@2004@1 --reason "Upplands Väsbys och Vallentunas folkmängd var förväxlade" --date 2004-12-31
expect_out "the correction is version 2" "^imported kommunpop@2004@2: 289 kommuner from .*v2.csv \(csv\)"
expect_out "it says what it corrects" "^corrects kommunpop@2004@1: Upplands Väsbys och Vallentunas folkmängd var förväxlade$"
run datasets show kommunpop@2004@1
expect_out "version 1 knows it was corrected" "^corrected by: kommunpop@2004@2$"
run datasets show kommunpop@2004
expect_out "version 2 says what and why it corrects" "^corrects: kommunpop@2004@1: Upplands Väsbys och Vallentunas folkmängd var förväxlade$"
expect_out "version 2 keeps version 1's label and unit" "^kommunpop@2004@2: Population by region, marital status, sex and period$"
run datasets
expect_out "the list shows the latest version" "^kommunpop@2004 +2 2004-12-31 +kommuner +289 "
expect_eq "the correction is in the audit log" "$(audit_has dataset.import "kommunpop@2004 v2")" "ida"
run datasets registered kommunpop@2004
expect_out "registered: version 1 used by the decision" "^kommunpop@2004 +1 .* K/2024/1 part kommuner$"

# ---- What the correction changes -------------------------------------------
run datasets impact kommunpop@2004
expect_rc "impact" 0
expect_out "impact: the part, the version it used, 2 of 26 recipients change" \
	"^K/2024/1 part kommuner \(Stöd till kommunerna i Stockholms län\): 100 000 000 kr by key, allocated by version 1; 2 of 26 recipients change$"
expect_eq "impact: exactly the two swapped kommuner" "$(printf '%s\n' "$OUT" | grep -cE '^[0-9]{4} ')" 2
run datasets impact kommunpop@2004@2 --format json
expect_eq "impact json: then and now swapped exactly, nothing else" \
	"$(json 'r=d["parts"][0]["rows"]; print([(x["code"], x["then"], x["now"], x["difference"]) for x in r], d["corrects"], d["unaffected_parts"])')" \
	"[('0114', $then114, $then115, -$rise), ('0115', $then115, $then114, $rise)] 1 0"
# Recomputed by the part's rule with version 2, every amount is what
# allocate gives with kommunpop@2004@2 (the same rule: largest remainder).
"$BIDRAG" allocate --total 100000000 --recipients kommuner:01 --key kommunpop@2004@2 --format csv >"$WORK/now.csv"
expect_eq "impact's now is allocate's with version 2" \
	"$(awk -F, '$1=="0114"||$1=="0115" {print $1 "=" $NF}' "$WORK/now.csv" | tr '\n' ' ')" "0114=$then115 0115=$then114 "
# Upplands Väsby went down, and was paid in full: claim back what was paid
# beyond now.  Vallentuna went up, was paid: raise and pay the rise.
expect_eq "impact json: what was paid, and the proposal" \
	"$(json 'r={x["code"]: x for x in d["parts"][0]["rows"]}; a=r["0114"]; b=r["0115"]; print(a["paid_ore"], a["proposal"]["claim_ore"], a["proposal"]["pay_ore"], b["paid_ore"], b["proposal"]["raise_ore"], b["proposal"]["pay_ore"], b["proposal"]["claim_ore"])')" \
	"${then114}00 ${rise}00 0 ${then115}00 ${rise}00 ${rise}00 0"
expect_eq "impact of version 1 (nothing before it): no parts" \
	"$("$BIDRAG" datasets impact kommunpop@2004@1 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["parts"])')" "[]"

# ---- Carried out: ledger events, once ---------------------------------------
run datasets impact kommunpop@2004 --apply --by anna --date 2024-05-01
expect_rc "apply" 0
expect_out "apply: three events (raise, pay, claim)" "^3 events recorded, 0 already recorded$"
expect_out "apply: the payment waits for another person's attestation" "^1 payment registered by anna: another person attests it"
expect_out "apply: the summary per decision (count, totals per kind)" "^[^ ]+: 3 events, raised [0-9 ]+ kr, to pay [0-9 ]+ kr, claimed back [0-9 ]+ kr$"
run pay list --format json
expect_eq "the extra payment is registered, not attested, for Vallentuna, the rise" \
	"$(json 'print([(p["recipient"], p["amount"], p["registered_by"]) for p in d])')" "[('Vallentuna kommun', '$rise.00', 'anna')]"
pid=$("$BIDRAG" pay list --format csv | tail -n +2 | cut -d, -f1)
run events list --format json
expect_eq "the journal: the allocation raised and a repayment claimed, by the dataset's correction" \
	"$(json 'e=[x for x in d if x["id"].startswith("impact-")]; print(sorted((x["kind"], x["recipient"], x["amount"]) for x in e))')" \
	"[('allocation-raise', '0115', '$rise.00'), ('payment', '0115', '$rise.00'), ('repay-claim', '0114', '$rise.00')]"
before=$(dbsum)
run datasets impact kommunpop@2004 --apply --by anna --date 2024-05-02
expect_out "apply again: nothing to record" "^nothing to record: kommunpop@2004@2's proposal is carried out already"
expect_eq "apply again: the register is unchanged" "$(dbsum)" "$before"
run datasets impact kommunpop@2004 --apply --by hanna
expect_eq "apply by another person: still nothing (the ids are what the events are)" "$(dbsum)" "$before"
run datasets impact kommunpop@2004
expect_out "impact after apply: carried out" "^0114 .*none \(carried out\)$"
run pay attest "$pid" --date 2024-05-02 --by anna
expect_rc "four eyes: who registered the extra payment cannot attest it" 2
run pay attest "$pid" --date 2024-05-02 --by bertil
expect_rc "another person attests it" 0
run ledger verify
expect_rc "ledger verify: the books balance with the allocations changed" 0
run status K/2024/1 --format json
expect_eq "status: Vallentuna's allocation is now the corrected one; Upplands Väsby's claim stands" \
	"$(json 'a={x["recipient"]: x for x in d}; print(a["Vallentuna kommun"]["allocated"], a["Upplands Väsby kommun"]["claimed"])')" \
	"$then114.00 $rise.00"

# ---- Allocation with register datasets --------------------------------------
# To the 289 kommuner the dataset has (its own recipients), exactly.
run allocate --total 289000000 --key kommunpop@2004 --format csv
expect_eq "allocate: to the dataset's 289 kommuner, the sum exact" \
	"$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {n++; s+=$NF} END {print n, s}')" "289 289000000"
# NAME@VERSION: the earlier version is still there.
"$BIDRAG" allocate --total 100000000 --recipients kommuner:01 --key kommunpop@2004@1 --format csv >"$WORK/then.csv"
expect_eq "allocate by kommunpop@2004@1: the amounts the decision locked" \
	"$(awk -F, '$1=="0114"||$1=="0115" {print $1 "=" $NF}' "$WORK/then.csv" | tr '\n' ' ')" "0114=$then114 0115=$then115 "
# Grouped by län: each län's value is the sum of its kommuner.
run allocate --total 1000000 --recipients regions --exclude 03 --key kommunpop@2004 --format csv
expect_eq "by län: Stockholms län is the sum of its 26 kommuner, SCB's 1 872 900" \
	"$(printf '%s\n' "$OUT" | awk -F, '$1=="01" {print $3}')" "1872900"
expect_error "by län: Uppsala län lacks Heby (0331): named, not folded in" \
	"kommunpop@2004 has no value for RSS Uppsala län \(RSS-03\), nor for every kommun of its län: it lacks 1, the first Heby kommun \(0331\)" \
	allocate --total 1000000 --recipients rss --key kommunpop@2004
# All 290 kommuner: a key file of every kommun today (values made up from
# the code: no SCB file has today's 290), imported into the register.
awk -F, 'NR==1 {print "code,value"; next} {print $1 "," ($1 * 7919) % 100003 + 1000}' "$GEO" >"$WORK/k290.csv"
run datasets import "$WORK/k290.csv" --name kommuntest --source "made up from the kommun codes"
expect_out "a key file of the 290 kommuner" "^imported kommuntest@1: 290 kommuner"
run allocate --total 750000000 --recipients kommuner --key kommuntest --format csv
expect_eq "allocate to the 290 kommuner: exact" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {n++; s+=$NF} END {print n, s}')" "290 750000000"
# Seed 003's bilaga 2 sends the kommuner's money länsvis, to the RSS: half by
# population, half by insatser per län.  With a kommun key, every rule
# allocate knows: key, a mix with a län key, a base, half-up, a unit.
for rule in "--key kommuntest" "--key kommuntest --weight 1/2 --key insatser@2023 --weight 1/2" \
	"--key kommuntest --base 1000000" "--key kommuntest --method half-up" "--key kommuntest --unit 1000" \
	"--equal"; do
	run allocate --total 750000000 --recipients rss $rule --format csv
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {n++; s+=$NF} END {print n}')" = 21 ]; then
		pass "kommuner grouped by län (21 RSS): $rule"
	else
		fail "kommuner grouped by län (21 RSS): $rule" "exit $RC" "$ERR"
	fi
done
run allocate --total 750000000 --recipients rss --key kommuntest --format csv
want=$(awk -F, 'NR>1 && substr($1,1,2)=="23" {s+=$2} END {print s}' "$WORK/k290.csv")
expect_eq "länsvis: Jämtland's RSS gets the sum of Jämtland's 8 kommuner as its key" \
	"$(printf '%s\n' "$OUT" | awk -F, '$1=="RSS-23" {print $3}')" "$want"
run allocate --total 750000000 --recipients rss --key kommuntest --format csv
lansvis=$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $1 "=" $NF}' | sort)
run allocate --total 750000000 --recipients regions --key kommuntest --format csv
expect_eq "länsvis to the RSS and to the regions: the same amounts per län" \
	"$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print "RSS-" $1 "=" $NF}' | sort)" "$lansvis"

# Without a register (no --db, no BIDRAG_DB, no ./bidrag.db): the seeds only.
(cd "$WORK" && env -u BIDRAG_DB "$BIDRAG" allocate --total 1000 --key kommuntest >"$WORK/out" 2>"$WORK/err")
expect_eq "without a register, allocate sees the seeds only" "$(grep -c "unknown dataset 'kommuntest'" "$WORK/err")" 1
run allocate --total 1000 --key kommuntest --db "$BIDRAG_DB" --format csv
expect_rc "--db names the register" 0

# ---- Errors ------------------------------------------------------------------
expect_nothing_written "impact of an unknown dataset" "unknown dataset 'nope'" datasets impact nope
expect_nothing_written "impact of a version there is not" "dataset 'kommunpop@2004' has no version 9 \(its versions: 1, 2\)" datasets impact kommunpop@2004@9
expect_nothing_written "--apply takes a date" "--date 'soon' is not a date" datasets impact kommunpop@2004 --apply --date soon
expect_nothing_written "--date without --apply" "--date and --by go with --apply" datasets impact kommunpop@2004 --date 2024-05-01
expect_nothing_written "import without a name" "needs --name NAME" datasets import "$CSV"
expect_nothing_written "a key file naming a region that is not one" "bad.csv:2: unknown region 'Norbotten'" \
	datasets import "$(printf 'region,v\nNorbotten,1\n' >"$WORK/bad.csv"; echo "$WORK/bad.csv")" --name bad
expect_nothing_written "a selection that leaves more than one value per region" "has 11 values and no total" \
	datasets import "$JSON" --name x --period 2026M01
expect_nothing_written "--column goes with a key file only" "--column is for a key file" \
	datasets import "$JSON" --name x --period 2026M01 --column value
expect_nothing_written "a bad download date" "--downloaded '2024-13-01' is not a date" \
	datasets import "$CSV" --name x --date 2018-12-31 --downloaded 2024-13-01
done_testing
