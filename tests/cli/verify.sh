#!/usr/bin/env bash
# bidrag verify: every seed table, broken tables, and bad input.
. "$(dirname "$0")/lib.sh"
S=$SEEDS
sed -n '/^## Bilaga 2/,$p' "$S"/003_*.txt >"$WORK/b2.tsv"

run verify "$S"/000_*.txt --total 215000000
expect_rc "seed 000 bilaga 1 is consistent (key from the table)" 0
expect_out "seed 000: the quota rule holds for all 21 rows" 'ok +alla 21 belopp ligger inom kvotregeln'
expect_out "seed 000: printed shares agree to 10 decimals" "ok +kolumnen 'Andel av rikets befolkning' stämmer med nyckeln \(avrundad till 10 decimaler\)"
expect_out "seed 000: the row that is 1 kr above half-up is accepted" '^ +69 +Region Värmland +5 882 425,39 +5 882 426 +0,61 +5 882 425 +ok$'
run verify "$S"/000_*.txt --total 215000000 --key population@2019-11-01
expect_rc "seed 000 against the compiled-in dataset" 0

run verify "$S"/001_*.txt --total 980000000 --key population@2017-11-01
expect_rc "seed 001 is not consistent: exit 1" 1
expect_out "seed 001: the 1 kr sum error is reported" 'FEL +raderna summerar till 980 000 001 kr, men totalen är 980 000 000 kr \(differens \+1 kr\)'
expect_out "seed 001: every row is still within the quota rule" 'ok +alla 21 belopp ligger inom kvotregeln'
run verify "$S"/001_*.txt
expect_rc "seed 001 with the printed total as the stated total: exit 1" 1

run verify "$S"/004_*.txt --total 185000000 --key population@2019-11-01
expect_rc "seed 004 is consistent (two rows 1 kr below half-up accepted)" 0
expect_out "seed 004: 'Region Gotlands' is matched" '^ +[0-9]+ +Region Gotland '
expect_out "seed 004: two-decimal shares agree" "ok +kolumnen 'Andel' stämmer med nyckeln \(avrundad till 2 decimaler\)"

run verify "$S"/003_*.txt --amount-column Ambulans --total 46000000 --base 500000 --key population@2023-11-01
expect_rc "seed 003 bilaga 1 Ambulans: base + population is consistent" 0
expect_out "seed 003 bilaga 1: the Totalt column is the sum of Nära vård and Ambulans" "ok +kolumnen 'Totalt \(kronor\)' är summan"
run verify "$S"/003_*.txt --amount-column "Nära vård" --list --total "2 420 000 000"
expect_rc "seed 003 bilaga 1 Nära vård as an explicit list" 0
run verify "$S"/003_*.txt --amount-column Ambulans --total 46000000 --key population@2023-11-01
expect_rc "seed 003 Ambulans without the base breaks the quota rule" 1
expect_out "seed 003 Ambulans without base: rows outside the quota rule named" 'FEL +[0-9]+ av 21 belopp ligger utanför kvotregeln'

run verify "$WORK/b2.tsv" --total 750000000 --key population@2023-11-01 --weight 1/2 --key insatser@2023 --weight 1/2
expect_rc "seed 003 bilaga 2: 1/2 population + 1/2 insatser is consistent" 0
expect_out "seed 003 bilaga 2: 'Norrbottn' is matched" '^ +[0-9]+ +Region Norrbotten '
expect_out "seed 003 bilaga 2: percentages agree" "ok +kolumnen 'Andel insatser\* per län' stämmer"
run verify "$WORK/b2.tsv" --total 750000000 --key-column Befolkning --weight 1/2 --key-column "Antal insatser" --weight 1/2
expect_rc "seed 003 bilaga 2 with both keys from the table's columns" 0
expect_error "seed 003 bilaga 2 needs a choice of keys" "2 key columns .*choose with --key-column" verify "$WORK/b2.tsv" --total 750000000

run verify "$S"/000_*.txt --total 215000000 --format json
expect_eq "json: consistent, 21 rows, exact quotas and deviations" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); r=d["rows"][0]; print(d["consistent"], len(d["rows"]), d["sum"], r["code"], r["published"], r["quota"], r["within_quota"], r["largest_remainder"])')" \
	"True 21 215000000 01 49472318 49472318.014689 True 49472318"

# Broken tables.
awk -F'\t' 'BEGIN{OFS="\t"} /^Region Uppsala\t/ {$2="465 214"} /^Region Östergötland\t/ {$2="383 044"} {print}' "$S"/000_*.txt >"$WORK/swapped.tsv"
run verify "$WORK/swapped.tsv" --total 215000000 --key population@2019-11-01
expect_rc "swapped populations: exit 1" 1
expect_out "swapped populations: the key column disagrees with the dataset on two rows" "FEL +kolumnen 'Befolkning' avviker från population@2019-11-01 på 2 rader"
run verify "$WORK/swapped.tsv" --total 215000000
expect_rc "swapped populations, key from the table: exit 1" 1
expect_out "swapped populations, key from the table: quota rule broken" 'FEL +2 av 21 belopp ligger utanför kvotregeln'
expect_out "swapped populations, key from the table: shares disagree" "FEL +kolumnen 'Andel av rikets befolkning' stämmer inte med nyckeln på 2 rader"

grep -v '^Region Kronoberg' "$S"/000_*.txt >"$WORK/missing.tsv"
run verify "$WORK/missing.tsv" --total 215000000 --key population@2019-11-01
expect_rc "missing row: exit 1" 1
expect_out "missing row: named" 'FEL +1 mottagare i population@2019-11-01 saknas i tabellen: Region Kronoberg'
expect_out "missing row: the sum no longer reaches the total" 'FEL +raderna summerar till 210 806 244 kr'

sed 's/^Region Västernorrland\t245 380/Region Västernorrland\t245380/; s/5 112 345$/5 112345/' "$S"/000_*.txt >"$WORK/typo.tsv"
expect_error "a typo like '5 112345' is named with its line and column" "typo.tsv:74: '5 112345' in column 'Fördelade medel' is not a whole number: digit groups must be three digits" verify "$WORK/typo.tsv" --total 215000000
sed 's/^Region Halland\t333 202/Region Halland\t42 045981/' "$S"/000_*.txt >"$WORK/typo2.tsv"
expect_error "a typo like '42 045981' in the key column" "typo2.tsv:64: '42 045981' in column 'Befolkning'" verify "$WORK/typo2.tsv" --total 215000000

sed 's/^Region Skåne\t1 376 659\t0,1334040023\t28 681 860/Region Skåne\t1 376 659\t0,1334040023\t28 681 960/' "$S"/000_*.txt >"$WORK/amount.tsv"
run verify "$WORK/amount.tsv" --total 215000000
expect_rc "an amount 100 kr off: exit 1" 1
expect_out "an amount 100 kr off: its row is outside the quota rule" 'Region Skåne \(rad 60\): 28 681 960 kr, kvoten är 28 681 860,50'
expect_out "an amount 100 kr off: the row is flagged" '^ +60 +Region Skåne .*UTANFÖR KVOTREGELN$'

sed 's/^Summa\t10 319 473/Summa\t10 319 474/' "$S"/000_*.txt >"$WORK/keytotal.tsv"
run verify "$WORK/keytotal.tsv" --total 215000000
expect_out "key values that do not sum to the printed total" "FEL +kolumnen 'Befolkning' summerar till 10 319 473, men summaraden säger 10 319 474"

# CSV input works too.
printf 'Region,Befolkning,Fördelade medel\nRegion Uppsala,3,750\nRegion Stockholm,1,250\nSumma,4,1000\n' >"$WORK/t.csv"
run verify "$WORK/t.csv"
expect_rc "a CSV table with its printed total" 0
run verify "$WORK/t.csv" --equal
expect_rc "the same table under an equal-shares rule fails" 1

# Bad input.
expect_error "no file" "give the FILE" verify --total 100
expect_error "missing file" "cannot open '/nonexistent'" verify /nonexistent --total 100
printf 'just prose\nno table here\n' >"$WORK/prose.txt"
expect_error "no table in the file" "no table found" verify "$WORK/prose.txt" --total 100
expect_error "several amount columns" "several amount columns .*choose one with --amount-column" verify "$S"/003_*.txt --total 46000000 --key population@2023-11-01
expect_error "unknown amount column" "no column 'Tandvård'" verify "$S"/003_*.txt --amount-column Tandvård --total 1
printf 'Region,Befolkning,Belopp\nNorbotten,1,1\nRegion Uppsala,1,1\n' >"$WORK/unk.csv"
expect_error "unknown recipient in a table" "unk.csv:2: unknown region 'Norbotten' \(did you mean 'Region Norrbotten'" verify "$WORK/unk.csv" --total 2
printf 'Region,Befolkning,Belopp\nRegion Uppsala,1,1\nUppsala,1,1\n' >"$WORK/dup.csv"
expect_error "duplicate row" "dup.csv:3: Region Uppsala appears twice \(first at line 2\)" verify "$WORK/dup.csv" --total 2
printf 'Region,Befolkning,Belopp\nRegion Uppsala,1,1\n' >"$WORK/nototal.csv"
expect_error "no stated total" "no stated total: give --total" verify "$WORK/nototal.csv"
expect_error "a rounding unit below 1 krona" "invalid --unit '0'" verify "$WORK/t.csv" --unit 0
expect_error "unknown format" "unknown format 'xml'" verify "$WORK/t.csv" --format xml
expect_error "--equal with a key" "--equal and --list do not take keys" verify "$WORK/t.csv" --equal --key population@2019-11-01
expect_error "--weight without a key" "--weight '1/2' must follow" verify "$WORK/t.csv" --weight 1/2
expect_error "--equal with --list" "--equal and --list exclude each other" verify "$WORK/t.csv" --equal --list
expect_error "two files" "unexpected argument '$WORK/t.csv'" verify "$WORK/t.csv" "$WORK/t.csv"
printf 'Region,Befolkning,Belopp\nRegion Uppsala,1\n' >"$WORK/short.csv"
expect_error "a row with too few fields" "short.csv:2: 2 fields, but the header \(line 1\) has 3" verify "$WORK/short.csv" --total 1
printf 'Region,Befolkning,Belopp\n' >"$WORK/hdr.csv"
expect_error "a header without rows" "hdr.csv:1: the table has a header but no rows" verify "$WORK/hdr.csv" --total 1
printf 'Kommun,Befolkning,Belopp\nUpplands Väsby,1,1\n' >"$WORK/kommun.csv"
expect_error "a dataset without the table's recipients" "dataset 'population@2019-11-01' has no value for Upplands Väsby kommun" verify "$WORK/kommun.csv" --total 1 --key population@2019-11-01
done_testing
