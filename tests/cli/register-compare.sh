#!/usr/bin/env bash
# The recipient register's comparison of two years, as a new user meets it
# (issue 14): seed 002 (examples/register, 2019 and 2020) imported, then a
# 2021 register of the same region in which 2020's varav row "Personcentrerade
# Vårdförlopp" (under "Patientsäkerhet ...") stands alone as "Personcentrerade
# och sammanhållna vårdförlopp", and which has no rows in the section
# "Övriga sökbara ...".  Checked in every format of `register report` and
# `register chart`:
#  - 2020's varav row "Civilberedskapsplanering" stands under its own
#    parent, "Patientsäkerhet ...", never under the 2021 row (Markdown, XLSX
#    read back from its sheet XML, PDF through pdftotext);
#  - a section's Summa with no figure for one year leaves that cell empty
#    (no "****" in Markdown, no number in XLSX or PDF);
#  - the chart has a bar for every figure the table shows on a charted row:
#    the SVG's bars, read back as rectangles by colour and length, against
#    the report's own CSV; and the PDF's chart page names 2020's 2,60 varav.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/register"
export BIDRAG_DB=$(fresh_db cmp)

cat >"$WORK/2021.json" <<'EOF'
{"format": "bidrag-register/1", "org": "Region Jämtland Härjedalen", "years": [{"year": 2021,
 "sections": [{"key": "overenskommelser", "title": "Överenskommelser SKR och Regeringen"}],
 "grants": [
  {"key": "god-och-nara-vard", "title": "God och nära vård 2021", "section": "overenskommelser", "amount": "80,20 mkr"},
  {"key": "cancervard", "title": "Cancervård 2021", "section": "overenskommelser", "amount": "4,10 mkr"},
  {"key": "vardforlopp", "title": "Personcentrerade och sammanhållna vårdförlopp 2021", "section": "overenskommelser", "amount": "2,90 mkr"},
  {"key": "sjukskrivning", "title": "Sjukskrivning 2021", "section": "overenskommelser", "amount": "9,80 mkr"}
 ],
 "summary": [
  {"key": "god-och-nara-vard", "label": "God och Nära vård", "members": ["god-och-nara-vard"]},
  {"key": "cancervard", "label": "Cancervårdens SVF", "members": ["cancervard"]},
  {"key": "vardforlopp", "label": "Personcentrerade och sammanhållna vårdförlopp", "members": ["vardforlopp"]},
  {"key": "sjukskrivning", "label": "Sjukskrivn.-rehabprocessen", "members": ["sjukskrivning"]}
 ]}]}
EOF

run init
test_users
run register import "$EX/jamtland-2020.json" --by anna
expect_rc "seed 002 (2019, 2020) imports" 0
run register import "$WORK/2021.json" --by anna
expect_rc "a 2021 register of the same region imports" 0
expect_out "2021 is stored" "^23 2021: stored as version 1"

VARAV="Civilberedskapsplanering"
PARENT="Patientsäkerhet, nationella kvalitetsregister, Vårdförlopp mm"
ALONE="Personcentrerade och sammanhållna vårdförlopp"

# ---- Markdown -------------------------------------------------------------
run register report --org 23 --year 2021 --format md
expect_rc "report md, 2021 against 2020" 0
printf '%s\n' "$OUT" >"$WORK/r.md"
# The table's rows (lines that start with "| " and are not the header).
grep -E '^\| ' "$WORK/r.md" | grep -vE '^\| (Rubrik|---)' >"$WORK/rows.md"
above=$(grep -B1 -F "| – *$VARAV* |" "$WORK/rows.md" | head -1)
case $above in
"| $PARENT | 3,90 |"*) pass "md: $VARAV (2020's varav row) stands right under $PARENT" ;;
*) fail "md: $VARAV stands under its own parent" "the row above it: $above" ;;
esac
after=$(grep -A1 -F "| $ALONE |" "$WORK/rows.md" | sed -n 2p)
case $after in
"| – "*) fail "md: no varav row under 2021's '$ALONE'" "the row below it: $after" ;;
*) pass "md: no varav row under 2021's '$ALONE' (it stood under $PARENT in 2020)" ;;
esac
has_line() { grep -qxF -- "$2" "$WORK/r.md" && pass "$1" || fail "$1" "no line: $2" "$(grep -F "$3" "$WORK/r.md" | head -3)"; }
has_line "md: 2021's row keeps 2020's 2,60 and says where it stood" \
	"| $ALONE | 2,60 | 2,90 | +0,30 | 2020: ingick i $PARENT; 2020: Personcentrerade Vårdförlopp |" "$ALONE"
if grep -qF '****' "$WORK/r.md"; then
	fail "md: no empty bold cell" "$(grep -F '****' "$WORK/r.md")"
else
	pass "md: no empty bold cell (****) anywhere"
fi
has_line "md: Övriga sökbara's Summa: 1,68 for 2020, an empty cell for 2021" "| **Summa** | **1,68** |  | | |" "Summa"
has_line "md: Överenskommelser' Summa in both years" "| **Summa** | **174,63** | **97,00** | | |" "Summa"
# Every varav row of the table stands under its own year's parent: the
# nearest row above it that is not a varav row is the parent the register
# gives it (in 2021 when 2021 has the row, else in 2020).
run register show --org 23 --year 2020 --format json
printf '%s\n' "$OUT" >"$WORK/2020.json"
python3 - "$WORK/2020.json" "$EX/jamtland-2020.json" "$WORK/2021.json" "$WORK/rows.md" >"$WORK/parents.out" <<'PY'
import json, sys
def parents(path, year):
    d = json.load(open(path)); out = {}
    for y in d['years']:
        if y['year'] != year: continue
        for r in y.get('summary', []):
            out[r.get('label', r['key'])] = None
            for v in r.get('rows', []): out[v.get('label', v['key'])] = r.get('label', r['key'])
    return out
p20, p21 = parents(sys.argv[2], 2020), parents(sys.argv[3], 2021)
bad, seen, last = [], 0, None
for line in open(sys.argv[4]):
    label = line.split('|')[1].strip()
    if label.startswith('**'): last = None; continue
    if label.startswith('– *'):
        seen += 1; label = label[3:-1]
        want = p21[label] if label in p21 else p20.get(label)
        if want != last: bad.append(f'{label!r} under {last!r}, its parent is {want!r}')
    else:
        last = label
print(seen, '; '.join(bad))
PY
read -r nvarav bad <"$WORK/parents.out"
[ -z "$bad" ] && [ "${nvarav:-0}" -gt 10 ] && pass "md: all $nvarav varav rows stand under their own year's parent" ||
	fail "md: every varav row under its own parent" "${nvarav:-0} varav rows; $bad"

# ---- XLSX, read back from the sheet's XML ---------------------------------
run register report --org 23 --year 2021 --format xlsx -o "$WORK/r.xlsx"
expect_rc "report xlsx" 0
mkdir -p "$WORK/x" && unzip -q -o "$WORK/r.xlsx" -d "$WORK/x"
# sheet1 (Sammanställning) as "row<TAB>A<TAB>B<TAB>C" lines, strings resolved.
python3 - "$WORK/x" >"$WORK/sheet1.tsv" <<'PY'
import re, sys
d = sys.argv[1]
try:
    ss = open(d + '/xl/sharedStrings.xml', encoding='utf-8').read()
    strs = [re.sub('<[^>]+>', '', m) for m in re.findall(r'<si>(.*?)</si>', ss, re.S)]
except FileNotFoundError:
    strs = []
sh = open(d + '/xl/worksheets/sheet1.xml', encoding='utf-8').read()
for num, body in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', sh, re.S):
    cells = {}
    for col, attr, inner in re.findall(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', body, re.S):
        v = re.search(r'<v>(.*?)</v>', inner or '')
        t = re.search(r'<t[^>]*>(.*?)</t>', inner or '', re.S)
        if 't="s"' in attr and v: cells[col] = strs[int(v.group(1))]
        elif t: cells[col] = t.group(1)
        elif v: cells[col] = v.group(1)
    print('\t'.join([num, cells.get('A', ''), cells.get('B', ''), cells.get('C', '')]))
PY
above=$(grep -B1 -P "^\d+\t +varav $VARAV\t" "$WORK/sheet1.tsv" | head -1 | cut -f2-3)
expect_eq "xlsx: 'varav $VARAV' is the row right under $PARENT (3 900 000 kr in 2020)" "$above" "$PARENT	3900000"
after=$(grep -A1 -P "^\d+\t$ALONE\t" "$WORK/sheet1.tsv" | sed -n 2p | cut -f2)
case $after in
*varav*) fail "xlsx: no varav row under 2021's '$ALONE'" "the row below it: $after" ;;
*) pass "xlsx: no varav row under 2021's '$ALONE'" ;;
esac
expect_eq "xlsx: 2021's row has 2020's 2 600 000 and 2021's 2 900 000" \
	"$(grep -P "^\d+\t$ALONE\t" "$WORK/sheet1.tsv" | cut -f3-4)" "2600000	2900000"
expect_eq "xlsx: Övriga sökbara's Summa: 1 678 000 for 2020, no 2021 cell" \
	"$(grep -P "^\d+\tSumma\t" "$WORK/sheet1.tsv" | sed -n 2p | cut -f2-4)" "Summa	1678000	"

# ---- PDF, through pdftotext -----------------------------------------------
run register report --org 23 --year 2021 --format pdf -o "$WORK/r.pdf"
expect_rc "report pdf" 0
pages=$(pdfinfo "$WORK/r.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
sumpage="" chartpage=""
for p in $(seq 1 "${pages:-0}"); do
	pdftotext -layout -f "$p" -l "$p" "$WORK/r.pdf" "$WORK/p$p.txt" 2>/dev/null
	[ -z "$sumpage" ] && grep -q "Förändring" "$WORK/p$p.txt" && sumpage=$p
	grep -q "Jämförelse 2020–2021" "$WORK/p$p.txt" && chartpage="$chartpage $p"
done
expect_eq "pdf: the summary table is on page 2" "$sumpage" "2"
if [ -n "$sumpage" ]; then
	T="$WORK/p$sumpage.txt"
	lp=$(grep -n -F "Patientsäkerhet, nationella kvalitetsregister," "$T" | head -1 | cut -d: -f1)
	lv=$(grep -n -F "$VARAV" "$T" | head -1 | cut -d: -f1)
	la=$(grep -n -F "$ALONE" "$T" | head -1 | cut -d: -f1)
	# Between the parent's row and the varav row only the parent label's
	# wrapped line ("Vårdförlopp mm"), no other row.
	between=$( [ -n "$lp" ] && [ -n "$lv" ] && [ "$lv" -gt "$lp" ] && sed -n "$((lp + 1)),$((lv - 1))p" "$T" | grep -vE '^\s*Vårdförlopp mm\s*$' | grep -c .)
	[ -n "$lp" ] && [ -n "$lv" ] && [ -n "$la" ] && [ "$lv" -gt "$lp" ] && [ "${between:-1}" -eq 0 ] &&
		pass "pdf page $sumpage: $VARAV right under $PARENT" ||
		fail "pdf: $VARAV under its own parent" "lines: parent ${lp:-none}, varav ${lv:-none}, 2021 row ${la:-none}; between: $between" \
			"$(sed -n "${lp:-1},${lv:-1}p" "$T")"
	next=$( [ -n "$la" ] && sed -n "$((la + 1)),\$p" "$T" | grep -vE '^\s{20,}' | grep -m1 .)
	case $next in
	*"$VARAV"*) fail "pdf: no varav row under 2021's '$ALONE'" "next: $next" ;;
	*) pass "pdf: the row after 2021's '$ALONE' is not 2020's varav row" ;;
	esac
	# The table goes on over the next pages, up to the chart.
	first_chart=${chartpage# }
	first_chart=${first_chart%% *}
	for p in $(seq "$sumpage" $((${first_chart:-$((pages + 1))} - 1))); do cat "$WORK/p$p.txt"; done >"$WORK/table.txt"
	expect_eq "pdf: Övriga sökbara's Summa shows 1,68 alone" \
		"$(sed -n '/Övriga sökbara/,$p' "$WORK/table.txt" | grep -E '^\s*Summa\s' | head -1 | tr -s ' ' | sed 's/^ //; s/ $//')" \
		"Summa 1,68"
fi

# ---- The chart: every bar the table shows --------------------------------
# The table's figures, exact, from the report's CSV: each row of the
# comparison with its level in each year.  A row is charted when it stands
# alone in either year; it has a bar for every year it has a figure: filled
# when it stands alone that year, pale when it is a varav row that year.
run register report --org 23 --year 2021 --format csv
printf '%s\n' "$OUT" >"$WORK/r.csv"
run register chart --org 23 --year 2021 --format svg -o "$WORK/c.svg"
expect_rc "chart svg" 0
# bars.py CSV SVG EARLIER LATER: "WANT GOT|missing|extra|": the bars the
# table calls for against the SVG's.  A bar is a rectangle 15 units high from
# the bars' axis; its year and kind are its colour (regchart.c: the years'
# Okabe-Ito orange and blue, a varav bar the colour at a quarter of its
# strength); its length is the figure's share of the longest bar.
cat >"$WORK/bars.py" <<'PY'
import csv, re, sys
from collections import Counter
rows = {}
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):
    if r['del'] == 'sammanställning':
        rows.setdefault(r['nyckel'], {})[int(r['år'])] = (int(r['nivå']), r['belopp'])
years = [int(sys.argv[3]), int(sys.argv[4])]
want = Counter()
for key, by in rows.items():
    if not any(lv == 0 for lv, _ in by.values()):
        continue  # a varav row in every year: its figures are in its parent's bar
    for k, y in enumerate(years):
        if y in by and by[y][1] != '' and int(by[y][1]) > 0:
            want[(k, 'fill' if by[y][0] == 0 else 'varav', int(by[y][1]))] += 1
def pct(rgb):
    return tuple(((rgb >> s) & 0xff) * 100 / 255 for s in (16, 8, 0))
def pale(rgb):
    return sum((255 - (255 - ((rgb >> s) & 0xff)) // 4) << s for s in (0, 8, 16))
kinds = {}
for k, rgb in enumerate((0xe69f00, 0x0072b2)):
    kinds[pct(rgb)] = (k, 'fill')
    kinds[pct(pale(rgb))] = (k, 'varav')
def kind(c):
    return next((v for p, v in kinds.items() if all(abs(a - b) < 1e-4 for a, b in zip(p, c))), None)
bars = []
for style, d in re.findall(r'<path style="([^"]*)" d="([^"]*)"', open(sys.argv[2], encoding='utf-8').read()):
    m = re.search(r'fill:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\)', style)
    pts = [tuple(map(float, p)) for p in re.findall(r'(-?[\d.]+) (-?[\d.]+)', d)]
    if not m or len(pts) < 4:
        continue
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    kd = kind(tuple(float(x) for x in m.groups()))
    if kd and abs(max(ys) - min(ys) - 15) < 0.01:
        bars.append((kd, min(xs), max(xs) - min(xs)))
if not bars or not want:
    print(sum(want.values()), len(bars), '|no bars||')
    sys.exit()
x0 = min(b[1] for b in bars)  # the axis; the legend's squares are elsewhere
bars = [b for b in bars if abs(b[1] - x0) < 0.01]
vmax = max(v for (_, _, v) in want)
wmax = max(b[2] for b in bars)
left = Counter((kd[0], kd[1], w) for kd, _, w in bars)
missing = []
for (k, kd, v), n in sorted(want.items()):
    w = v * wmax // vmax  # bar_len's whole units
    for _ in range(n):
        hit = next((g for d in (0, 1) for g in left if g[:2] == (k, kd) and abs(g[2] - w) <= d and left[g] > 0),
                   None)  # the exact length first, then a unit off for rounding
        if hit:
            left[hit] -= 1
        else:
            missing.append(f'{years[k]} {kd} {v}')
extra = [f'{years[g[0]]} {g[1]} {g[2]} units' for g, n in left.items() for _ in range(n)]
print(sum(want.values()), len(bars), '|' + '; '.join(missing) + '|' + '; '.join(extra) + '|')
PY
# check_bars NAME CSV SVG EARLIER LATER
check_bars() {
	local counts missing extra nwant nbars
	IFS='|' read -r counts missing extra _ < <(python3 "$WORK/bars.py" "$2" "$3" "$4" "$5" 2>&1)
	read -r nwant nbars <<<"$counts"
	if [ -z "$missing" ] && [ -z "$extra" ] && [ "${nwant:-0}" -gt 20 ]; then
		pass "$1: a bar for each of the table's $nwant figures on charted rows, of its length and kind"
	else
		fail "$1: every bar the table shows" "table: ${nwant:-?} bars, svg: ${nbars:-?}" "missing: $missing" "extra: $extra"
	fi
}
check_bars "chart svg 2020–2021" "$WORK/r.csv" "$WORK/c.svg" 2020 2021
grep -qxF "sammanställning,2020,overenskommelser,vardforlopp,Personcentrerade Vårdförlopp,1,2600000" "$WORK/r.csv" &&
	pass "csv: vårdförlopp's 2020 figure, 2 600 000 at level 1 (a varav row in 2020), is one the chart must draw" ||
	fail "csv: vårdförlopp's 2020 figure" "$(grep vardforlopp "$WORK/r.csv")"
# The PDF's chart pages are text, so the bar's figure can be read.
cp=${chartpage# }
cp=${cp%% *}
if [ -n "$cp" ] && tr -s ' ' <"$WORK/p$cp.txt" | grep -qE "2,60 varav"; then
	pass "pdf chart (page $cp): 2020's 2,60 is drawn, marked varav"
else
	fail "pdf chart: 2020's 2,60 varav bar" "chart pages:${chartpage:- none}"
fi
# The seed's own comparison (2019, 2020) draws every bar its table shows
# too, among them 2020's varav figures of rows that stood alone in 2019.
run register report --org 23 --year 2020 --format csv
printf '%s\n' "$OUT" >"$WORK/r20.csv"
run register chart --org 23 --year 2020 --format svg -o "$WORK/c20.svg"
check_bars "chart svg 2019–2020" "$WORK/r20.csv" "$WORK/c20.svg" 2019 2020

done_testing
