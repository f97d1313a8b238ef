#!/usr/bin/env bash
# bidrag allocate: every allocation table in the seeds, reproduced from the
# compiled-in keys; output formats; rules; and every bad input.
. "$(dirname "$0")/lib.sh"
S=$SEEDS

# published TABLE-FILE START-REGEX COLUMN: "code amount" per row of the
# first table after the header matching START, names resolved by bidrag.
published() {
	awk -F'\t' -v start="$2" -v col="$3" '
		$0 ~ start { on = 1; next }
		on && NF < 3 { if (n) exit; next }
		on { gsub(/<[^>]*>/, ""); if ($1 ~ /^(Summa|Totalt)$/) exit; gsub(/ /, "", $col); print $1 "\t" $col; n++ }' "$1" |
	while IFS=$'\t' read -r name amount; do
		code=$("$BIDRAG" recipients --resolve "$name" | cut -f1)
		echo "$code $amount"
	done | sort
}

# compare NAME PUBLISHED-FILE ALLOCATE-CSV-COLUMN ALLOCATE-ARGS...: every
# row within 1 kr of the published amount and the sum exactly the total.
compare() {
	local name=$1 pub=$2 col=$3 total=$4; shift 4
	run allocate "$@" --format csv
	if [ "$RC" -ne 0 ]; then fail "$name: allocate ran" "$ERR"; return; fi
	printf '%s\n' "$OUT" | awk -F, -v c="$col" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $1, $k }' | sort >"$WORK/ours"
	local rows worst sum
	rows=$(join "$pub" "$WORK/ours" | wc -l)
	worst=$(join "$pub" "$WORK/ours" | awk '{ d = $2 - $3; if (d < 0) d = -d; if (d > m) m = d } END { print m + 0 }')
	sum=$(awk '{ s += $2 } END { printf "%.0f", s }' "$WORK/ours")
	expect_eq "$name: one row per published row" "$rows" "$(wc -l <"$pub")"
	expect_eq "$name: every row within 1 kr of the published amount" "$([ "$worst" -le 1 ] && echo yes || echo "no ($worst)")" yes
	expect_eq "$name: the amounts sum exactly to the total" "$sum" "$total"
}

published "$S"/000_*.txt '^Region\tBefolkning\tAndel' 4 >"$WORK/p000"
compare "seed 000 bilaga 1" "$WORK/p000" amount 215000000 --total "215 000 000" --key population@2019-11-01
published "$S"/001_*.txt '^Landsting\tBefolkning' 4 >"$WORK/p001"
compare "seed 001" "$WORK/p001" amount 980000000 --total "980 mkr" --key population@2017-11-01
published "$S"/004_*.txt '^Region\tBefolkning 1/11' 4 >"$WORK/p004"
compare "seed 004" "$WORK/p004" amount 185000000 --total 185000000 --key population@2019-11-01
published "$S"/003_*.txt '^Region\tBefolkning november 2023\tNära' 4 >"$WORK/p003amb"
compare "seed 003 bilaga 1 Ambulans" "$WORK/p003amb" amount 46000000 --total 46000000 --base 500000 --key population@2023-11-01
published "$S"/003_*.txt '^Länsvis' 6 >"$WORK/p003b2"
compare "seed 003 bilaga 2" "$WORK/p003b2" amount 750000000 --total "750 000 000 kronor" \
	--key population@2023-11-01 --weight 1/2 --key insatser@2023 --weight 50%

# Seed 003 bilaga 1 as a composite table: Nära vård (explicit list) +
# Ambulans, with the Totalt column reproduced row by row.
published "$S"/003_*.txt '^Region\tBefolkning november 2023\tNära' 5 >"$WORK/p003tot"
compare "seed 003 bilaga 1 Totalt" "$WORK/p003tot" amount 2466000000 --recipients regions \
	--component "Nära vård" --amounts "$TESTS/../examples/keys/nara-vard-2024.csv" --total 2420000000 \
	--component Ambulans --total 46000000 --base 500000 --key population@2023-11-01
published "$S"/003_*.txt '^Region\tBefolkning november 2023\tNära' 3 >"$WORK/p003nv"
compare "seed 003 bilaga 1 Nära vård column" "$WORK/p003nv" "Nära vård" 2420000000 --recipients regions \
	--component "Nära vård" --amounts "$TESTS/../examples/keys/nara-vard-2024.csv" --total 2420000000 \
	--component Ambulans --total 46000000 --base 500000 --key population@2023-11-01
run allocate --recipients regions --component "Nära vård" --amounts "$TESTS/../examples/keys/nara-vard-2024.csv" \
	--total 2420000000 --component Ambulans --total 46000000 --base 500000 --key population@2023-11-01
expect_out "composite table: Totalt column and total row" 'Summa +2 420 000 000 +46 000 000 +2 466 000 000'
expect_out "composite table: Gotland row as published" '^09 +Region Gotland +27 221 652 +705 424 +27 927 076'

# Equal splits.
run allocate --total 60000000 --equal --recipients samverkansregioner --format csv
expect_eq "seed 000 bilaga 2: 10 000 000 to each samverkansregion" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $NF}' | sort -u)" 10000000
expect_eq "seed 000 bilaga 2: six samverkansregioner" "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" 6
run allocate --total 80000000 --equal --recipients rcc --format csv
expect_eq "seed 004: 80 000 000 among six RCC: 2 x 13 333 334 + 4 x 13 333 333, ties by code" \
	"$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $1 "=" $NF}' | tr '\n' ' ')" \
	"RCC-NORR=13333334 RCC-STOCKHOLM-GOTLAND=13333334 RCC-SYD=13333333 RCC-SYDOST=13333333 RCC-UPPSALA-OREBRO=13333333 RCC-VAST=13333333 "

# Half-up reproduces the published rounding of seed 004 and reports the residual.
run allocate --total 185000000 --key population@2019-11-01 --method half-up --format csv
expect_rc "half-up runs" 0
expect_err "half-up reports that the amounts exceed the total by 2 kr" 'sum to 185 000 002 kr, 2 kr more than the total 185 000 000 kr'
expect_eq "half-up amounts sum to 185 000 002" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {printf "%.0f", s}')" 185000002

# Rounding unit, subsets and exclusions.
run allocate --total 21000000 --key population@2019-11-01 --unit 100000 --format csv
expect_eq "unit 100 000: every amount a multiple" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 && $NF % 100000 {print "bad"}')" ""
expect_eq "unit 100 000: exact sum" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {printf "%.0f", s}')" 21000000
run allocate --total 1000000 --key population@2019-11-01 --exclude 01,Gotland --format csv
expect_eq "exclude: 19 recipients" "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" 19
expect_eq "exclude: Stockholm and Gotland left out" "$(printf '%s\n' "$OUT" | grep -cE '^(01|09),')" 0
run allocate --total 1000 --key population@2019-11-01 --recipients 01,03,Sörmland --format csv
expect_eq "subset by --recipients" "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "01 03 04 "
run allocate --total "1,5 mnkr" --equal --recipients rcc --format csv
expect_eq "'mnkr' is millions of kronor" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {printf "%.0f", s}')" 1500000
run allocate --total 10 --key population@2019-11-01 --format csv
expect_eq "tiny total: fewer kronor than recipients, sum exact" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {s+=$NF} END {print s}')" 10

# Own key data: comma, semicolon and tab, by code or by name, Swedish numbers.
printf 'kod,namn,invånare\n01,Region Stockholm,"2 374 550"\n03,Region Uppsala,383044\n' >"$WORK/k1.csv"
printf 'Region;Värde\nStockholms län;2 374 550\nUppsala;383 044\n' >"$WORK/k2.csv"
printf 'län\tvärde\nStockholm\t2374550\nRegion Uppsala\t383044,0\n' >"$WORK/k3.tsv"
for f in k1.csv k2.csv k3.tsv; do
	run allocate --total 1000000 --weights "$WORK/$f" --format csv
	expect_eq "own key data ($f)" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $1 "=" $NF}' | tr '\n' ' ')" "01=861095 03=138905 "
done
printf 'id,a,b\nx1,1,3\nx2,1,1\n' >"$WORK/any.csv"
run allocate --total 100 --recipients any --weights "$WORK/any.csv" --column a --weight 1/2 --column b --weight 1/2 --format csv
expect_eq "--recipients any with two keys from one file (tie .5/.5 goes to the larger weight)" "$(printf '%s\n' "$OUT" | awk -F, 'NR>1 {print $1 "=" $NF}' | tr '\n' ' ')" "x1=63 x2=37 "

# Formats.
run allocate --total 215000000 --key population@2019-11-01 --format json
expect_eq "json: an array of objects with code, recipient and integer amounts" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d[0]["code"], d[0]["recipient"], type(d[0]["amount"]).__name__, sum(r["amount"] for r in d))')" \
	"21 01 Region Stockholm int 215000000"
run allocate --total 215000000 --key population@2019-11-01 --format csv
expect_out "csv: header starts code,recipient" '^code,recipient,'
expect_out "csv: has an amount column" '^code,recipient,.*amount$'
run allocate --total 215000000 --key population@2019-11-01 --sort key
expect_out "table: the seed layout with shares to 10 decimals" '^01 +Region Stockholm +2 374 550 +0,2301038047 +49 472 318$'
expect_out "table: a total row" 'Summa +10 319 473 +1 +215 000 000$'
run allocate --total 215000000 --key population@2019-11-01 --format xlsx --output "$WORK/t.xlsx"
expect_rc "xlsx written" 0
if command -v unzip >/dev/null; then
	sheet=$(unzip -p "$WORK/t.xlsx" xl/worksheets/sheet1.xml)
	expect_eq "xlsx: amounts are numbers" "$(printf '%s' "$sheet" | grep -c '<v>49472318</v>')" 1
	expect_eq "xlsx: the sum is a formula" "$(printf '%s' "$sheet" | grep -cE '<f>SUM\(E4:E24\)</f>')" 1
	expect_eq "xlsx: shares are formulas of the key" "$(printf '%s' "$sheet" | grep -c '<f>C4/C\$25</f>')" 1
else
	fail "unzip is installed for the xlsx checks"
fi
run allocate --total 80000000 --equal --recipients rcc --format csv
expect_out "csv: the share column is filled" '^RCC-NORR,RCC Norr,0.1666666667,13333334$'
run allocate --total 80000000 --equal --recipients rcc --format json
expect_out "json: shares as exact decimal strings" '"share": ?"0.1666666667"'
run allocate --total 215000000 --key population@2019-11-01 --output "$WORK/by-name.xlsx"
expect_eq "a .xlsx output name selects the xlsx format" "$(head -c 2 "$WORK/by-name.xlsx")" "PK"
printf 'kod,belopp\n01,150\n' >"$WORK/unitlist.csv"
expect_error "an explicit list off the rounding unit" "not a multiple of the rounding unit 100 kr" allocate --amounts "$WORK/unitlist.csv" --recipients 01 --unit 100
run allocate --total 1000 --key population@2019-11-01 --format csv --output "$WORK/o.csv"
expect_eq "--output writes the file" "$(head -1 "$WORK/o.csv" | cut -d, -f1-2)" "code,recipient"

# Bad input: a clear message, exit 2, nothing on standard output.
expect_error "unknown dataset" "unknown dataset 'population@2020'.*population@2019-11-01" allocate --total 100 --key population@2020
expect_error "malformed total" "invalid --total '42 045981'.*three digits" allocate --total "42 045981" --key population@2019-11-01
expect_error "total not whole kronor" "invalid --total '12,5 kr'.*whole kronor" allocate --total "12,5 kr" --key population@2019-11-01
expect_error "no total" "needs --total" allocate --key population@2019-11-01
expect_error "no rule" "has no rule" allocate --total 100
expect_error "two rules" "more than one rule" allocate --total 100 --equal --key population@2019-11-01 --recipients regions
expect_error "--equal without recipients" "--equal needs --recipients" allocate --total 100 --equal
expect_error "weights must sum to 1" "weights add up to 5/6, expected exactly 1" allocate --total 100 --key population@2019-11-01 --weight 1/2 --key insatser@2023 --weight 1/3
expect_error "a mix needs every weight" "has no --weight" allocate --total 100 --key population@2019-11-01 --key insatser@2023 --weight 1/2
expect_error "bad weight" "invalid --weight 'half'" allocate --total 100 --key population@2019-11-01 --weight half
expect_error "base exceeds total" "base amounts .*exceed the total" allocate --total 1000000 --base 100000 --key population@2019-11-01
expect_error "total not a multiple of the unit" "not a multiple of the rounding unit" allocate --total 1050 --unit 100 --key population@2019-11-01
expect_error "a rounding unit below 1 krona" "invalid --unit '0': the rounding unit must be at least 1 krona" allocate --total 100 --key population@2019-11-01 --unit 0
expect_error "unknown method" "unknown --method 'banker'" allocate --total 100 --key population@2019-11-01 --method banker
expect_error "unknown format" "unknown format 'pdf'" allocate --total 100 --key population@2019-11-01 --format pdf
expect_error "xlsx needs a file" "xlsx writes a file" allocate --total 100 --key population@2019-11-01 --format xlsx
expect_error "unknown option" "unknown option '--totl'" allocate --totl 100 --key population@2019-11-01
expect_error "unknown recipient set" "unknown recipient 'nowhere'" allocate --total 100 --equal --recipients nowhere
expect_error "exclude unknown" "in --exclude: unknown region 'Norbotten' \(did you mean 'Region Norrbotten'" allocate --total 100 --key population@2019-11-01 --exclude Norbotten
expect_error "missing key file" "cannot open '/nonexistent.csv'" allocate --total 100 --weights /nonexistent.csv
printf 'region,värde\nRegion Stockholm,10\nNorbotten,5\n' >"$WORK/bad1.csv"
expect_error "unknown name in key file: line and closest name" "bad1.csv:3: unknown region 'Norbotten' \(did you mean 'Region Norrbotten'" allocate --total 100 --weights "$WORK/bad1.csv"
printf 'region,värde\nRegion Stockholm,10\nStockholm,5\n' >"$WORK/bad2.csv"
expect_error "duplicate recipient" "bad2.csv:3: 'Region Stockholm' appears twice \(first at line 2\)" allocate --total 100 --weights "$WORK/bad2.csv"
: >"$WORK/empty.csv"
expect_error "empty file" "empty.csv: the file is empty" allocate --total 100 --weights "$WORK/empty.csv"
printf 'region,värde\n' >"$WORK/hdr.csv"
expect_error "header only" "hdr.csv: a header but no rows" allocate --total 100 --weights "$WORK/hdr.csv"
printf 'region,värde\nUppsala,-5\nStockholm,5\n' >"$WORK/neg.csv"
expect_error "negative value" "neg.csv:2: negative value '-5'" allocate --total 100 --weights "$WORK/neg.csv"
printf 'region,värde\nUppsala,många\nStockholm,5\n' >"$WORK/nan.csv"
expect_error "non-numeric value" "nan.csv:2: 'många' in column 'värde' is not a number" allocate --total 100 --weights "$WORK/nan.csv"
printf 'region,värde\nUppsala,0\nStockholm,0\n' >"$WORK/zero.csv"
expect_error "zero total key" "sums to zero" allocate --total 100 --weights "$WORK/zero.csv"
printf 'region,värde,annat\nUppsala,1,2\n' >"$WORK/two.csv"
expect_error "several columns without --column" "2 value columns \('värde', 'annat'\): choose one with --column" allocate --total 100 --weights "$WORK/two.csv"
expect_error "unknown --column" "no column 'x'" allocate --total 100 --weights "$WORK/two.csv" --column x
printf 'region,värde\nUppsala,1\n' >"$WORK/list.csv"
expect_error "list sum differs from the total" "sum to 1 kr, but --total is 100 kr" allocate --total 100 --amounts "$WORK/list.csv" --recipients 03
printf 'region,v\n\xe5\xe4\xf6,1\n' >"$WORK/latin1.csv"
expect_error "not UTF-8" "latin1.csv:2: the line is not valid UTF-8" allocate --total 100 --weights "$WORK/latin1.csv"
printf 'region,värde\nUppsala,"42 045981"\n' >"$WORK/typo.csv"
expect_error "a grouping typo in a key file" "typo.csv:2: '42 045981'.*three digits" allocate --total 100 --weights "$WORK/typo.csv"
expect_error "--column without a file" "--column 'x' must follow --weights FILE or --amounts FILE" allocate --total 100 --column x --key population@2019-11-01
expect_error "a usage error points to the help" "see 'bidrag help allocate'" allocate --total 100 --column x --key population@2019-11-01
expect_error "--weight without a key" "--weight '1/2' must follow the --key or --weights" allocate --total 100 --weight 1/2
expect_error "--weight twice" "--weight given twice" allocate --total 100 --key population@2019-11-01 --weight 1 --weight 1
expect_error "--base with --amounts" "--base does not go with --amounts" allocate --amounts "$WORK/list.csv" --base 5
printf 'kod,belopp\n01,10\n03,5\n' >"$WORK/extra.csv"
expect_error "an amounts list naming someone outside the allocation" "extra.csv:3: Region Uppsala is not among the recipients" allocate --amounts "$WORK/extra.csv" --recipients 01
printf 'kod,v\n01,1\n' >"$WORK/short.csv"
expect_error "a key file without a value for a recipient" "short.csv has no value for Region Uppsala \(03\)" allocate --total 100 --weights "$WORK/short.csv" --recipients 01,03
expect_error "everyone excluded" "no recipients left to share among" allocate --total 100 --key population@2019-11-01 --recipients 01 --exclude 01
printf 'kod,belopp\n01,1.5\n' >"$WORK/dec.csv"
expect_error "amounts in öre" "the amounts in column 'belopp' must be whole kronor" allocate --amounts "$WORK/dec.csv" --recipients 01
expect_error "a stray argument" "unexpected argument 'extra'" allocate --total 100 --key population@2019-11-01 extra
run help allocate
expect_out "help allocate lists every option" '--output FILE +write to FILE'
done_testing
