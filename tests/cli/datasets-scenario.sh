#!/usr/bin/env bash
# Issue 17's "done when", as a new user meets it, with SCB's own files:
# import the series a decision names from a PC-Axis file (the 290 kommuner
# of 2004, Heby under its code of the time) and from JSON-stat (the 21 län of
# January 2026), allocate to the 290 kommuner and to the län (kommuner
# grouped by län, as seed 003's bilaga 2) by every rule allocate knows,
# golden sums against SCB's published totals and every amount recomputed
# here with exact fractions; see the dataset's provenance; register a
# decision that names the series, pay it; import a corrected version and see
# per decision and recipient what the correction changes and what to pay or
# claim back; carry it out, and the extra payment waits for another person.
. "$(dirname "$0")/lib.sh"
SCB=$(dirname "$SEEDS")/data/scb
PX=$SCB/px_BE0101A1_pop_riket_21lan_290kommuner_civil_sex_2001-2004_en.px
BIRTHS=$SCB/px_BE0101D1_births_riket_21lan_290kommuner_motherage_2002-2003_en.px
JSON=$SCB/jsonstat2_v2_TAB6471_folkmangd_manad_21lan_alder10_kon_2026M01-M04.json
export BIDRAG_DB=$(fresh_db scen)
unset BIDRAG_USER
PW="scenario-test 2026"
export BIDRAG_PASSWORD="$PW"
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
csvsum() { printf '%s\n' "$OUT" | awk -F, 'NR>1 {n++; s+=$NF} END {print n, s}'; }

# SCB's published figures, written down from the files (their README):
SWEDEN_2004=9011392     # Sweden, 31 Dec 2004: the 290 kommuner sum to it too
STHLM_KOMMUN_2004=765044
STHLM_LAN_2004=1872900
BIRTHS_2003=99157        # live births in Sweden 2003
STHLM_KOMMUN_BIRTHS_2003=10792
STHLM_LAN_2026M01=2486498
LAN_2026M01=10604483     # the 21 län's total (men + women: 10 604 505, SCB's noise)

run init
expect_rc "a new register" 0
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add bertil --role attestant --by root >/dev/null

# ---- The series from SCB's PC-Axis file: the 290 kommuner -------------------
# Heby was kommun 1917 in Västmanlands län until 2007 and is 0331 in Uppsala
# län: without saying so it is a code the register does not know.
expect_error "Heby's code of 2004 is not folded in silently" "1917 Heby" \
	datasets import "$PX" --name kommunpop@2004 --period 2004 --level kommun --by anna
run datasets import "$PX" --name kommunpop@2004 --period 2004 --level kommun --skip-unknown --recode 1917=0331 \
	--downloaded 2024-05-02 --by anna
expect_rc "import the kommuner's population of 31 Dec 2004 from the PC-Axis file" 0
expect_out "all 290 kommuner, dated by the file" "^imported kommunpop@2004@1: 290 kommuner from .* \(px\), reference date 2004-12-31$"
expect_out "Riket and the 21 län left out and named" "^skipped 22 rows the register does not know: 21 län .*; 1 the register does not know \('00 Sweden'\)$"
run datasets show kommunpop@2004 --format csv
expect_eq "golden: the 290 kommuner sum to SCB's Sweden 2004" "$(csvsum)" "290 $SWEDEN_2004"
expect_eq "golden: Stockholms kommun 2004" "$(printf '%s\n' "$OUT" | awk -F, '$1=="0180" {print $NF}')" "$STHLM_KOMMUN_2004"
expect_eq "golden: Stockholms län's 26 kommuner sum to SCB's Stockholms län" \
	"$(printf '%s\n' "$OUT" | awk -F, 'substr($1,1,2)=="01" {n++; s+=$NF} END {print n, s}')" "26 $STHLM_LAN_2004"
cp /dev/stdin "$WORK/kom.csv" <<<"$OUT"
# Every län's kommuner against SCB's län rows of the same file: equal, but
# for Heby, who moved from Västmanland (19) to Uppsala (03) in 2007.
"$BIDRAG" datasets read "$PX" --period 2004 --level lan --skip-unknown --format csv | grep -v '^#' >"$WORK/lan.csv"
heby=$(awk -F, '$1=="0331" {print $NF}' "$WORK/kom.csv")
expect_eq "golden: every län is the sum of its kommuner (Heby counted in Uppsala län, today's border)" \
	"$(python3 - "$WORK/kom.csv" "$WORK/lan.csv" "$heby" <<'EOF'
import sys
kom = [l.split(",") for l in open(sys.argv[1]).read().splitlines()[1:]]
lan = {l.split(",")[0]: int(l.rsplit(",", 1)[1]) for l in open(sys.argv[2]).read().splitlines()[1:]}
heby = int(sys.argv[3])
by = {}
for r in kom:
    by[r[0][:2]] = by.get(r[0][:2], 0) + int(r[-1])
want = dict(lan)
want["03"] += heby
want["19"] -= heby
print(len(by), "equal" if by == want else sorted((k, by.get(k), want.get(k)) for k in want if by.get(k) != want.get(k)))
EOF
)" "21 equal"

# The dataset's provenance in the register.
run datasets show kommunpop@2004
expect_out "provenance: the file and its SHA-256" "^file SHA-256: $(sha256sum "$PX" | cut -d' ' -f1)$"
expect_out "provenance: SCB's table" "^table: BE0101A1: Population by region, marital status, sex and period$"
expect_out "provenance: the selection, with the recoded row" "^selection: .*period=2004; row '1917 Heby' taken as 0331 Heby kommun \(--recode 1917=0331\)$"
expect_out "provenance: why the date is 31 December" "^reference date basis: 31 December 2004"
expect_out "provenance: downloaded, and who imported it" "^downloaded: 2024-05-02$"
expect_out "provenance: registered by anna" "^registered: .* by anna$"

# A second kommun series, live births 2003, for a mix of two kommun keys.
run datasets import "$BIRTHS" --name births@2003 --period 2003 --level kommun --skip-unknown --recode 1917=0331 --date 2003-12-31 --by anna
expect_rc "import the kommuner's live births of 2003" 0
run datasets show births@2003 --format csv
expect_eq "golden: 290 kommuner, SCB's births in Sweden 2003" "$(csvsum)" "290 $BIRTHS_2003"
expect_eq "golden: Stockholms kommun's births 2003" "$(printf '%s\n' "$OUT" | awk -F, '$1=="0180" {print $NF}')" \
	"$STHLM_KOMMUN_BIRTHS_2003"

# ---- The series from SCB's JSON-stat file: the 21 län -----------------------
run datasets import "$JSON" --name folkmangd@2026-01-31 --select 'Ålder=0+' \
	--period 2026M01 --by anna
expect_rc "import the län's population of January 2026 from JSON-stat" 0
expect_out "21 län, the month's last day" "^imported folkmangd@2026-01-31@1: 21 (regions|län).*reference date 2026-01-31$"
run datasets show folkmangd@2026-01-31 --format csv
expect_eq "golden: the 21 län's total as SCB publishes it (noise and all)" "$(csvsum)" "21 $LAN_2026M01"
expect_eq "golden: Stockholms län 2026M01" "$(printf '%s\n' "$OUT" | awk -F, '$1=="01" {print $NF}')" "$STHLM_LAN_2026M01"

# ---- Allocation: every rule, to the 290 kommuner and to the län -------------
# check_alloc NAME PYRULE: OUT (allocate --format csv) equals the amounts
# recomputed here with exact fractions by the rule.
check_alloc() {
	local name=$1 rule=$2
	printf '%s\n' "$OUT" >"$WORK/alloc.csv"
	expect_eq "$name" "$(python3 - "$WORK/alloc.csv" "$WORK/kom.csv" "$WORK/births.csv" "$WORK/lan26.csv" "$rule" <<'EOF'
import sys
from fractions import Fraction as F
out = [l.split(",") for l in open(sys.argv[1]).read().splitlines()[1:]]
def key(path):
    return {l.split(",")[0]: int(l.rsplit(",", 1)[1]) for l in open(path).read().splitlines()[1:]}
pop, births, lan26 = key(sys.argv[2]), key(sys.argv[3]), key(sys.argv[4])
def by_lan(k):
    s = {}
    for c, v in k.items():
        s[c[:2]] = s.get(c[:2], 0) + v
    return s
total, level, method, base, unit, weights = eval(sys.argv[5])
keys = {"pop": pop, "births": births, "lan26": lan26}
codes = [r[0] for r in out]
vals = []
for name, w in weights:
    k = keys[name] if level == "kommun" or name == "lan26" else by_lan(keys[name])
    vals.append((w, k))
rest = total - base * len(codes)
quota = {c: F(0) for c in codes}
for w, k in vals:
    s = sum(k[c] for c in codes)
    for c in codes:
        quota[c] += F(rest) * w * k[c] / s
units = {c: quota[c] / unit for c in codes}
if method == "half-up":
    amt = {c: int(units[c] + F(1, 2)) * unit for c in codes}
else:
    fl = {c: units[c].numerator // units[c].denominator for c in codes}
    left = rest // unit - sum(fl.values())
    order = sorted(codes, key=lambda c: -(units[c] - fl[c]))
    for c in order[:left]:
        fl[c] += 1
    amt = {c: fl[c] * unit for c in codes}
got = {r[0]: int(r[-1]) - base for r in out}
bad = [c for c in codes if got[c] != amt[c]]
print(len(codes), sum(int(r[-1]) for r in out), "exact" if not bad else "differ: %s" % [(c, got[c], amt[c]) for c in bad[:5]])
EOF
)" "$3"
}
run datasets show births@2003 --format csv
printf '%s\n' "$OUT" >"$WORK/births.csv"
run datasets show folkmangd@2026-01-31 --format csv
printf '%s\n' "$OUT" >"$WORK/lan26.csv"

T=290000000
run allocate --total $T --recipients kommuner --key kommunpop@2004 --format csv
check_alloc "290 kommuner, key, largest remainder" "($T, 'kommun', 'lr', 0, 1, [('pop', 1)])" "290 $T exact"
run allocate --total $T --recipients kommuner --key kommunpop@2004 --method half-up --format csv
check_alloc "290 kommuner, key, half-up (each rounded alone)" "($T, 'kommun', 'half-up', 0, 1, [('pop', 1)])" \
	"290 $(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {print s}') exact"
run allocate --total $T --recipients kommuner --key kommunpop@2004 --base 100000 --format csv
check_alloc "290 kommuner, a base of 100 000 kr each and the rest by key" "($T, 'kommun', 'lr', 100000, 1, [('pop', 1)])" "290 $T exact"
run allocate --total $T --recipients kommuner --key kommunpop@2004 --unit 1000 --format csv
check_alloc "290 kommuner, key, in whole thousands" "($T, 'kommun', 'lr', 0, 1000, [('pop', 1)])" "290 $T exact"
run allocate --total $T --recipients kommuner --key kommunpop@2004 --weight 2/3 --key births@2003 --weight 1/3 --format csv
check_alloc "290 kommuner, a mix of two kommun keys (2/3 population, 1/3 births)" \
	"($T, 'kommun', 'lr', 0, 1, [('pop', F(2, 3)), ('births', F(1, 3))])" "290 $T exact"
run allocate --total $T --recipients kommuner --equal --format csv
expect_eq "290 kommuner, equal shares" "$(csvsum)" "290 $T"

# Kommuner grouped by län: each län's key is the sum of its kommuner.
L=445000000
run allocate --total $L --recipients regions --key kommunpop@2004 --format csv
expect_eq "by län: Stockholms län's key is its kommuner's sum, SCB's 1 872 900" \
	"$(printf '%s\n' "$OUT" | awk -F, '$1=="01" {print $3}')" "$STHLM_LAN_2004"
check_alloc "21 län by the kommuner's key, largest remainder" "($L, 'lan', 'lr', 0, 1, [('pop', 1)])" "21 $L exact"
run allocate --total $L --recipients regions --key kommunpop@2004 --method half-up --format csv
check_alloc "21 län by the kommuner's key, half-up" "($L, 'lan', 'half-up', 0, 1, [('pop', 1)])" \
	"21 $(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {print s}') exact"
run allocate --total $L --recipients regions --key kommunpop@2004 --base 5000000 --format csv
check_alloc "21 län, a base and the kommuner's key" "($L, 'lan', 'lr', 5000000, 1, [('pop', 1)])" "21 $L exact"
run allocate --total $L --recipients regions --key kommunpop@2004 --unit 100000 --format csv
check_alloc "21 län, the kommuner's key in units of 100 000 kr" "($L, 'lan', 'lr', 0, 100000, [('pop', 1)])" "21 $L exact"
run allocate --total $L --recipients regions --key kommunpop@2004 --weight 1/2 --key folkmangd@2026-01-31 --weight 1/2 --format csv
check_alloc "21 län, half the kommuner's key (PC-Axis), half a län key (JSON-stat)" \
	"($L, 'lan', 'lr', 0, 1, [('pop', F(1, 2)), ('lan26', F(1, 2))])" "21 $L exact"
run allocate --total $L --recipients rss --key kommunpop@2004 --weight 1/2 --key births@2003 --weight 1/2 --format csv
expect_eq "länsvis to the 21 RSS (seed 003's bilaga 2), a mix of two kommun keys: exact" "$(csvsum)" "21 $L"

# ---- A decision that names the series, registered and paid ------------------
python3 - "$BIDRAG_SRC/examples/decisions/S2020-09796.json" "$WORK/k.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d.update(dnr="K/2025/17", date="2025-03-01", total=290000000, notes="scenario: kommunerna efter folkmängd 2004")
d.pop("agreement", None)
d["appropriations"][0]["budget_year"] = 2025
d["parts"] = [{"id": "kommuner", "title": "Stöd till kommunerna", "amount": 290000000,
               "funding": [{"appropriation": "16", "amount": 290000000}], "recipients": "kommuner",
               "rule": {"method": "key", "key": "kommunpop@2004"},
               "payment": {"mode": "without-requisition", "by": "2025-12-31"}}]
d["annexes"] = []
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
EOF
run decision import "$WORK/k.json" --by anna
expect_rc "a decision to the 290 kommuner by kommunpop@2004" 0
run decision show K/2025/17 --format json
expect_eq "the decision's allocation is allocate's, and records version 1" \
	"$(json 'p=d["parts"][0]; print(len(p["allocation"]), sum(int(r["amount"]) for r in p["allocation"]), p["keys"][0])')" \
	"290 290000000 {'name': 'kommunpop@2004', 'version': 1}"
a0114=$(json 'print([r["amount"] for r in d["parts"][0]["allocation"] if r["code"] == "0114"][0])')
a0115=$(json 'print([r["amount"] for r in d["parts"][0]["allocation"] if r["code"] == "0115"][0])')
for c in 0114 0115; do "$BIDRAG" org set "$c" --bankgiro 9990-0011 --by anna >/dev/null; done
"$BIDRAG" pay add K/2025/17 --part kommuner --recipient 0114 --amount "$a0114" --date 2025-04-01 --by anna --id sc-0114 >/dev/null
"$BIDRAG" pay add K/2025/17 --part kommuner --recipient 0115 --amount "$a0115" --date 2025-04-01 --by anna --id sc-0115 >/dev/null
run pay attest sc-0114 sc-0115 --date 2025-04-02 --by bertil
expect_rc "the two kommuner's payments attested by another person" 0
run pay export --batch SC1 --date 2025-04-03 --output "$WORK/sc1.xml" --by anna
expect_rc "paid: the payment file for the bank" 0
run status K/2025/17 --format json
expect_eq "both payments executed" \
	"$(json 'a={x["recipient"]: x for x in d}; print(a["Upplands Väsby kommun"]["paid"], a["Vallentuna kommun"]["paid"])')" "$a0114.00 $a0115.00"

# ---- A corrected version: Upplands Väsby's and Vallentuna's swapped ---------
python3 - "$WORK/kom.csv" "$WORK/v2.csv" <<'EOF'
import sys
rows = open(sys.argv[1]).read().splitlines()
val = {r.split(",")[0]: r.rsplit(",", 1)[1] for r in rows[1:]}
out = [rows[0]] + [r.rsplit(",", 1)[0] + "," + {"0114": val["0115"], "0115": val["0114"]}.get(r.split(",")[0], val[r.split(",")[0]]) for r in rows[1:]]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
run datasets import "$WORK/v2.csv" --name kommunpop@2004 --corrects kommunpop@2004@1 \
	--reason "Upplands Väsbys och Vallentunas folkmängd var förväxlade" --by anna
expect_out "the correction is version 2 and says why" "^corrects kommunpop@2004@1: Upplands Väsbys och Vallentunas folkmängd var förväxlade$"
run datasets show kommunpop@2004@1
expect_out "version 1 says it is corrected by version 2" "^corrected by: kommunpop@2004@2$"

# A decision file can name the version it is allocated by (NAME@VERSION):
# registered after the correction, it still uses version 1, and records it.
python3 - "$WORK/k.json" "$WORK/k18.json" "$WORK/kbad.json" "$WORK/kmix.json" <<'EOF'
import json, sys, copy
d = json.load(open(sys.argv[1]))
d.update(dnr="K/2025/18", notes="scenario: a decision naming version 1")
d["parts"][0]["rule"]["key"] = "kommunpop@2004@1"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
bad = copy.deepcopy(d)
bad.update(dnr="K/2025/19")
bad["parts"][0]["rule"]["key"] = "kommunpop@2004@9"
json.dump(bad, open(sys.argv[3], "w"), ensure_ascii=False)
mix = copy.deepcopy(d)
mix.update(dnr="K/2025/20")
p2 = copy.deepcopy(mix["parts"][0])
mix["parts"][0]["amount"] = 145000000
mix["parts"][0]["funding"][0]["amount"] = 145000000
p2.update(id="andra", amount=145000000, funding=[{"appropriation": "16", "amount": 145000000}],
          rule={"method": "key", "key": "kommunpop@2004"})
mix["parts"].append(p2)
json.dump(mix, open(sys.argv[4], "w"), ensure_ascii=False)
EOF
run decision import "$WORK/k18.json" --by anna
expect_rc "a decision whose file names kommunpop@2004@1, registered after the correction" 0
run decision show K/2025/18 --format json
expect_eq "it is allocated by version 1 and records it" \
	"$(json 'p=d["parts"][0]; a={r["code"]: r["amount"] for r in p["allocation"]}; print(p["keys"][0], a["0114"], a["0115"])')" \
	"{'name': 'kommunpop@2004', 'version': 1} $a0114 $a0115"
expect_error "a version the register does not have" "version 9" decision import "$WORK/kbad.json" --by anna
expect_error "two versions of one dataset in one decision" \
	"parts\[1\]\.rule\.key: this part names its latest version of 'kommunpop@2004', parts\[0\] version 1: a decision is allocated by one version of a dataset" \
	decision import "$WORK/kmix.json" --by anna

run datasets impact kommunpop@2004
expect_rc "what the correction changes" 0
expect_out "the decision that named version 1 is found too" \
	"^K/2025/18 part kommuner \(Stöd till kommunerna\): 290 000 000 kr by key, allocated by version 1; 2 of 290 recipients change$"
expect_out "per decision: the part, its rule, the version it used, who changes" \
	"^K/2025/17 part kommuner \(Stöd till kommunerna\): 290 000 000 kr by key, allocated by version 1; 2 of 290 recipients change$"
run datasets impact kommunpop@2004 --format json
expect_eq "per recipient: then, now (swapped exactly), paid, what to claim back and to pay" \
	"$(json 'r={x["code"]: x for x in d["parts"][0]["rows"]}; a=r["0114"]; b=r["0115"]; print(a["then"], a["now"], a["paid_ore"], a["proposal"]["claim_ore"], b["then"], b["now"], b["proposal"]["raise_ore"], b["proposal"]["pay_ore"])')" \
	"$a0114 $a0115 ${a0114}00 $((a0114 - a0115))00 $a0115 $a0114 $((a0114 - a0115))00 $((a0114 - a0115))00"

# ---- Carried out: the events, the extra payment waits for another person ----
run datasets impact kommunpop@2004 --apply --by anna --date 2025-05-02
expect_rc "apply" 0
expect_out "five events: raise, pay, claim back (paid); raise, reduce (not yet paid)" "^5 events recorded, 0 already recorded$"
expect_out "the summary for the decision paid" "^K/2025/17: 3 events, raised .* kr, to pay .* kr, claimed back .* kr$"
expect_out "the summary for the decision not yet paid" "^K/2025/18: 2 events, raised .* kr, reduced .* kr$"
pid=$("$BIDRAG" pay list --state registered --format csv | awk -F, 'NR>1 && $1 ~ /^impact-/ {print $1}')
run pay attest "$pid" --date 2025-05-03 --by anna
expect_rc "four eyes: anna, who recorded the correction, cannot attest its payment" 2
expect_err "... she is a handläggare: an attest is an attestant's" "anna is handlaggare.*attest event"
run pay attest "$pid" --date 2025-05-03 --by bertil
expect_rc "another person attests it" 0
run ledger verify
expect_rc "the books balance with the allocations changed" 0
run datasets impact kommunpop@2004 --apply --by anna
expect_out "applied again: nothing to record" "^nothing to record"
done_testing
