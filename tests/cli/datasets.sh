#!/usr/bin/env bash
# bidrag datasets and recipients: the compiled-in reference data without a
# register, imports into one (tests/cli/datasets-register.sh has the rest:
# SCB's files, versions, corrections, their impact).
. "$(dirname "$0")/lib.sh"

# Without a register (no --db, no BIDRAG_DB, no ./bidrag.db): the seeds.
unset BIDRAG_DB
cd "$WORK"
run datasets
expect_rc "datasets lists" 0
for d in population@2017-11-01 population@2019-11-01 population@2023-11-01 insatser@2023; do
	expect_out "dataset $d is compiled in" "^$d "
done
run datasets --format json
expect_eq "datasets json: sums and sources" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d={x["name"]: x for x in json.load(sys.stdin)}; print(d["population@2019-11-01"]["sum"], d["population@2017-11-01"]["sum"], d["population@2023-11-01"]["sum"], d["insatser@2023"]["sum"], d["population@2019-11-01"]["date"], "seed 000" in d["population@2019-11-01"]["source"])')" \
	"10 319 473 10 104 036 10 557 682 416 151 2019-11-01 True"
run datasets show population@2023-11-01 --format csv
expect_out "datasets show: Gotland 2023" '^09,"Region Gotland",61093$'

printf 'kommun;invånare\nUpplands Väsby;47 000\nVallentuna;34 500,5\n' >"$WORK/k.csv"
expect_error "import needs a register" "no database at 'bidrag.db'" datasets import "$WORK/k.csv" --name test@2024

# Into the register: every user and the web app see the same datasets.
export BIDRAG_DB=$(fresh_db reg)
run init
run datasets import "$WORK/k.csv" --name test@2024 --date 2024-11-01 --source "test data"
expect_rc "import a kommun dataset" 0
run datasets show test@2024 --format csv
expect_out "imported values kept exactly, decimals included" '^0115,"Vallentuna kommun",34500.5$'
run allocate --total 1000 --key test@2024 --format csv
expect_eq "allocate by an imported dataset" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $1 "=" $NF}' | tr '\n' ' ')" "0114=577 0115=423 "
expect_error "datasets are immutable: the same name again is a correction" "in the register already .*--corrects test@2024@1 --reason" datasets import "$WORK/k.csv" --name test@2024
expect_error "import needs a name" "needs --name" datasets import "$WORK/k.csv"
expect_error "import validates the name" "invalid dataset name 'a b'" datasets import "$WORK/k.csv" --name "a b"
printf 'region,v\nNorbotten,1\n' >"$WORK/bad.csv"
expect_error "import validates the file" "bad.csv:2: unknown region 'Norbotten'" datasets import "$WORK/bad.csv" --name bad@1
run datasets
expect_out "a failed import leaves nothing" '^test@2024 '
expect_eq "a failed import leaves nothing (no bad@1)" "$(printf '%s\n' "$OUT" | grep -c '^bad@1')" 0
expect_error "import of a file that is not there" "cannot open|No such file" datasets import "$WORK/nofile.csv" --name other
expect_error "show an unknown dataset" "unknown dataset 'nope'" datasets show nope

run recipients
expect_eq "21 regions" "$(printf '%s\n' "$OUT" | wc -l)" 21
run recipients kommuner
expect_eq "290 kommuner" "$(printf '%s\n' "$OUT" | wc -l)" 290
run recipients kommuner:23
expect_eq "8 kommuner in Jämtlands län" "$(printf '%s\n' "$OUT" | wc -l)" 8
run recipients samverkansregioner --format json
expect_eq "six samverkansregioner; Halland in two" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sum("13" in x["members"] for x in d))')" "6 2"
run recipients
expect_eq "recipients: columns line up whatever the letters (Å, Ä, Ö count as one)" \
	"$(printf '%s\n' "$OUT" | grep -E '^(01|05) ' | python3 -c 'import sys; print(len({l.index("also:") for l in sys.stdin}))')" 1
run datasets show population@2019-11-01
expect_eq "datasets show: columns line up" \
	"$(printf '%s\n' "$OUT" | grep -E '^(01|05) ' | python3 -c 'import sys; print(len({len(l) for l in sys.stdin}))')" 1
run recipients rcc
expect_eq "six RCC" "$(printf '%s\n' "$OUT" | wc -l)" 6
for name in "Norrbottn" "Region Gotlands" "Stockholms län" "Jämtland/Härjedalen" "<b>Västra Götaland</b>" "VÄSTERBOTTENS LÄN" "Landstinget i Kalmar län"; do
	run recipients --resolve "$name"
	expect_rc "name variant '$name' resolves" 0
done
run recipients --resolve "Norrbottn"
expect_out "Norrbottn is Region Norrbotten" $'^25\tRegion Norrbotten\tregion$'
expect_error "an unknown name suggests the closest" "unknown recipient 'Västerbotn' \(did you mean 'Region Västerbotten'" recipients --resolve Västerbotn
done_testing
