#!/usr/bin/env bash
# bidrag datasets read: SCB's statistics files (PC-Axis, JSON-stat, CSV) as
# a series per län or kommun, with where it came from, and the errors a user
# gets when the file or the selection is not clear.
. "$(dirname "$0")/lib.sh"

SCB=${SCB_DATA:-$BIDRAG_SRC/../shared/data/scb}
AGE=$SCB/px_BE0101A1_pop_21lan_civil_age_sex_2004-2005_en.px
KOM=$SCB/px_BE0101A1_pop_riket_21lan_290kommuner_civil_sex_2001-2004_en.px
BIRTHS=$SCB/px_BE0101D1_births_riket_21lan_290kommuner_motherage_2002-2003_en.px
TAB638=$SCB/px_TAB638_BE0101N1_folkmangd_sv_2kommuner_2020-2021_iso8859-1.px
JSON=$SCB/jsonstat2_v2_TAB6471_folkmangd_manad_21lan_alder10_kon_2026M01-M04.json
META=$SCB/jsonstat2_v2_TAB6471_metadata.json
CSV=$SCB/csv_BE0101N1_pop_21lan_2018_en_cp1252.csv

# PC-Axis by age and sex: women 15-44 on 31 Dec 2005 (SCB's published figures).
run datasets read "$AGE" --select sex=women --select age=15-44 --period 2005
expect_rc "px: women 15-44" 0
expect_out "px: Stockholms län, women 15-44, 2005 = 399 992" '^01 +Region Stockholm +399 992$'
expect_out "px: riket, women 15-44, 2005 = 1 740 187" '^ +Summa +1 740 187$'
expect_out "px: the reference date from REFPERIOD" '^reference date: 2005-12-31$'
expect_out "px: why that date" '^reference date basis: 31 December 2005, by the reference period "31 Dec each year"$'
expect_out "px: source and table" '^source: Statistics Sweden, table BE0101A1$'
expect_out "px: what was summed" '^selection: marital status: all 4 values summed .*age=15-44 \(sum of 30: 15, 16, \.\.\., 44\); sex=women; period=2005$'
expect_out "px: 21 rows" '^rows: 21 län \(regions\), 120 cells summed per row$'
run datasets read "$AGE" --select sex=men,women --select 'age=65 years and over' --period 2005 --format csv
expect_out "px csv: 65+ in Stockholms län = 266 148" '^01,"Region Stockholm",266148$'
expect_out "px csv: provenance as comments" '^# date: 2005-12-31$'
expect_out "px csv: a header row" '^code,recipient,value$'
expect_eq "px csv: one row per län" "$(printf '%s\n' "$OUT" | grep -c '^[0-9][0-9],')" 21

# Riket, 21 län and 290 kommuner: choose the level; Riket, the län and Heby's
# old code are named, or skipped on request.
expect_error "kommuner: both levels in the file" "21 län and 289 kommuner: choose the level \(--level lan or --level kommun\)" \
	datasets read "$KOM" --period 2004
expect_error "kommuner: rows the register does not know are named" \
	"23 rows of 'region' are not a kommun: 21 län \('01 Stockholm county'.*; 2 the register does not know \('00 Sweden', '1917 Heby'\); leave them out with --skip-unknown" \
	datasets read "$KOM" --period 2004 --level kommun
run datasets read "$KOM" --period 2004 --level kommun --skip-unknown
expect_rc "kommuner: --skip-unknown" 0
expect_out "kommuner: Stockholms kommun 2004 = 765 044" '^0180 +Stockholms kommun +765 044$'
expect_out "kommuner: the skipped rows are said" "^skipped: 23 rows the register does not know: 21 län .*'00 Sweden', '1917 Heby'"
expect_out "kommuner: 289 kommuner (Heby under its old code left out)" '^rows: 289 kommuner, 8 cells summed per row$'
expect_out "kommuner: never folded in: the sum lacks Heby (9 011 392 - 13 771)" '^ +Summa +8 997 621$'
run datasets read "$KOM" --period 2004 --level lan --skip-unknown
expect_out "län: Stockholms län 2004 = 1 872 900" '^01 +Region Stockholm +1 872 900$'
expect_out "län: the 21 län sum to Sweden, 9 011 392" '^ +Summa +9 011 392$'

# Births: a "total" among the ages is taken alone, never added to its parts.
run datasets read "$BIRTHS" --period 2003 --level kommun --skip-unknown
expect_out "births: Stockholms kommun 2003 = 10 792" '^0180 +Stockholms kommun +10 792$'
expect_out "births: the total of mother's age" '^selection: maternal age=total \(the table.s total, its elimination value\)'
expect_out "births: a flow has no reference day" '^reference date: unknown$'
expect_out "births: ... and says why" '^reference date basis: the figures are a flow over the period 2003, not a count on a day: give the reference date$'
run datasets read "$BIRTHS" --period 2003 --level lan --skip-unknown --select 'maternal age=0+' --ref-date 2003-12-31
expect_out "births: every age group sums to the same 99 157" '^ +Summa +99 157$'
expect_out "births: the date given" '^reference date: 2003-12-31$'
expect_error "births: the total with its parts" "'total' is the total of 'maternal age'.*twice" \
	datasets read "$BIRTHS" --period 2003 --level lan --skip-unknown --select 'maternal age=total,15-19'
expect_error "births: a range that cuts a group" "the range '40-49' of 'maternal age' cuts the group '49\+' \(ages 49\+\)" \
	datasets read "$BIRTHS" --period 2003 --level lan --skip-unknown --select 'maternal age=40-49'

# TAB638 (ISO-8859-1, CONTVARIABLE): every dimension without a total must be chosen.
expect_error "tab638: a dimension without a total, not chosen" \
	"'civilstånd \(Civilstand\)' has 2 values and no total: choose with --select 'civilstånd=VALUE'.*\(values: OG ogifta, G gifta\)" \
	datasets read "$TAB638" --period 2020
run datasets read "$TAB638" --period 2020 --select 'tabellinnehåll=Folkmängd' --select 'Civilstånd=ogifta,gifta' --select 'ålder=45-64'
expect_out "tab638: Upplands Väsby 45-64 = 8 977" '^0114 +Upplands Väsby kommun +8 977$'
expect_out "tab638: read as ISO-8859-1 by CODEPAGE" '^file: .*\(PC-Axis, ISO-8859-1 \(CODEPAGE="iso-8859-1"\)\)$'
expect_error "tab638: an unknown value lists the values" "no value 'alla' in 'civilstånd \(Civilstand\)' \(values: OG ogifta, G gifta\)" \
	datasets read "$TAB638" --period 2020 --select 'tabellinnehåll=Folkmängd' --select 'civilstånd=alla' --select 'ålder=45-64'
expect_error "tab638: a language the file lacks" "no texts in language 'en'" \
	datasets read "$TAB638" --period 2020 --language en

# JSON-stat from PxWebApi v2: noise from 2025 on is left as published.
run datasets read "$JSON" --period 2026M01 --select 'Ålder=0+'
expect_out "json: Stockholms län 2026M01 = 2 486 498" '^01 +Region Stockholm +2 486 498$'
expect_out "json: the total of kön: 10 604 483" '^ +Summa +10 604 483$'
expect_out "json: the last day of the month" '^reference date: 2026-01-31$'
expect_out "json: the noise is noted" '^note: the file says its figures carry deliberate noise'
run datasets read "$JSON" --period 2026M01 --select 'Ålder=0+' --select 'kön=män,kvinnor'
expect_out "json: men + women: 10 604 505, not fixed to the total" '^ +Summa +10 604 505$'
expect_error "json: a range that cuts a group" "the range '15-44' of 'ålder \(Alder\)' cuts the group '10-19 år'" \
	datasets read "$JSON" --period 2026M01 --select 'Ålder=15-44'
expect_error "json: a month not in the file" "no value '2025M12' in 'månad \(Tid\)'" \
	datasets read "$JSON" --period 2025M12 --select 'Ålder=0+'
expect_error "json: several periods, none chosen" "4 periods in 'månad \(Tid\)': choose one with --period" \
	datasets read "$JSON" --select 'Ålder=0+'
expect_error "json: the metadata file has no values" "no values \(a metadata file\)" datasets read "$META" --period 2026M01

# The CSV download: no reference day in the file, so the user gives it.
run datasets read "$CSV"
expect_out "csv: Stockholms län 2018 = 2 344 124" '^01 +Region Stockholm +2 344 124$'
expect_out "csv: sum 10 230 185" '^ +Summa +10 230 185$'
expect_out "csv: no day in the file" '^reference date: unknown$'
expect_out "csv: read as Windows-1252" '^file: .*\(SCB CSV, WINDOWS-1252'
run datasets read "$CSV" --ref-date 2018-12-31 --format csv
expect_out "csv: the date given" '^# date: 2018-12-31$'
expect_error "csv: a reference date that is no date" "reference date '2018-13-01'" datasets read "$CSV" --ref-date 2018-13-01

# Made-up files for what the real ones do not show.
printf 'CHARSET="ANSI";\nMATRIX="T1";\nSTUB="region";\nHEADING="period";\nVALUES("region")="Stockholm","Uppsala";\nCODES("region")="01","03";\nVALUES("period")="2022","2023";\nTIMEVAL("period")=TLIST(A1),"2022","2023";\nREFPERIOD="1 november";\nDATA=\n12.5 3\n"-" "..";\n' >"$WORK/m.px"
run datasets read "$WORK/m.px" --period 2022
expect_out "made-up px: a decimal kept exactly" '^01 +Region Stockholm +12,5$'
expect_out "made-up px: '-' is zero" '^03 +Region Uppsala +0,0$'
expect_out "made-up px: 1 November" '^reference date: 2022-11-01$'
expect_error "made-up px: a missing cell is named" "the cell region=03 Uppsala, period=2023 has no value \('\.\.'\)" \
	datasets read "$WORK/m.px" --period 2023
sed 's/^MATRIX="T1";$/MATRIX="T1"/' "$WORK/m.px" >"$WORK/bad.px"
expect_error "malformed px: a missing ';' names the line" "bad.px:3: after the value of MATRIX expected ',' or ';'; found 'STUB=" \
	datasets read "$WORK/bad.px" --period 2022
printf 'CHARSET="ANSI";\nCODEPAGE="utf-8";\nSTUB="region";\nHEADING="k\366n";\nVALUES("region")="Stockholm";\nCODES("region")="01";\nVALUES("k\366n")="m\344n","kvinnor";\nDATA=\n1 2;\n' >"$WORK/enc.px"
expect_error "wrong encoding declaration: named with its line" "enc.px:4: byte 0xF6 is not UTF-8, which the file is read as \(CODEPAGE=\"utf-8\"\)" \
	datasets read "$WORK/enc.px" --select 'kön=män'
run datasets read "$WORK/enc.px" --encoding windows-1252 --select 'kön=män'
expect_out "... read as given: --encoding windows-1252" '^01 +Region Stockholm +1$'
printf 'CHARSET="ANSI";\nSTUB="region";\nHEADING="k\303\266n";\nVALUES("region")="Stockholm";\nCODES("region")="01";\nVALUES("k\303\266n")="m\303\244n","kvinnor";\nDATA=\n1 2;\n' >"$WORK/utf.px"
expect_error "ANSI declared over UTF-8 text" "utf.px:3: the file is read as WINDOWS-1252 \(CHARSET=\"ANSI\"\), but its text is UTF-8" \
	datasets read "$WORK/utf.px" --select 'kön=män'
cat >"$WORK/amb.json" <<'EOF'
{"version":"2.0","class":"dataset","id":["Region","Alder"],"size":[1,3],
 "dimension":{"Region":{"label":"region","category":{"index":["01"]}},
  "Alder":{"label":"ålder","category":{"index":["100+","100+5","tot"],"label":{"100+":"100+ år","100+5":"100+ år","tot":"totalt"}}}},
 "value":[5,5,5]}
EOF
expect_error "ambiguous selection: one label, two codes" "'100\+ år' is the label of 2 values of 'ålder \(Alder\)' \(codes '100\+', '100\+5'\): choose one by its code" \
	datasets read "$WORK/amb.json" --select 'ålder=100+ år'
run datasets read "$WORK/amb.json" --select 'ålder=100+5'
expect_out "... by its code" '^01 +Region Stockholm +5$'
expect_error "an unknown dimension lists the dimensions" "no dimension 'kön' \(dimensions: region \(Region\), ålder \(Alder\)\)" \
	datasets read "$WORK/amb.json" --select 'kön=män'
expect_error "a selection without '='" "--select 'kön': expected DIMENSION=VALUE" datasets read "$WORK/amb.json" --select kön
expect_error "no region dimension" "no dimension is called region: name the dimension of the regions with --region-dim" \
	datasets read "$SCB/../px-samples/inst_extdata_example2.px"

# Usage.
expect_error "read needs a file" "datasets read takes one file" datasets read
expect_error "an unknown level" "unknown level 'county' \(expected lan or kommun\)" datasets read "$CSV" --level county
expect_error "an unknown format" "unknown format 'json' \(expected table or csv\)" datasets read "$CSV" --format json
expect_error "a file that is not there" "cannot open '$WORK/nope.px'" datasets read "$WORK/nope.px"
printf 'hello\n' >"$WORK/hello.txt"
expect_error "a file in no format bidrag reads" "not a statistics file bidrag reads" datasets read "$WORK/hello.txt"
done_testing
