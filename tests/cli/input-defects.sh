#!/usr/bin/env bash
# Input defects found by an adversarial test, each fixed once in the shared
# readers (csvread, jsonread) rather than per caller: a NUL byte in any file
# is refused with the file, line and column; a JSON object naming a key twice
# is refused by every JSON reader; a UTF-8 byte order mark is accepted in
# JSON as in CSV; every reader's error names the file.  A refused import
# leaves the database byte for byte as it was.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples"
D0=S2020/09797

dbsum() { db_sum "$BIDRAG_DB"; } # lib.sh: the bytes with SQLite, the rows with PostgreSQL
# expect_refused NAME PATTERN CMD...: status 2, the message, nothing on
# stdout, and the database unchanged.
expect_refused() {
	local name=$1 before
	before=$(dbsum)
	expect_error "$@"
	expect_eq "$name: database unchanged" "$(dbsum)" "$before"
}

export BIDRAG_DB=$(fresh_db main)
"$BIDRAG" init >/dev/null
test_users
"$BIDRAG" decision import "$EX"/decisions/*.json --by anna >/dev/null 2>&1

# 1. NUL bytes.  A key file whose cell is "1\0 00": read as a C string it
# was 1, and allocate shared the money by a wrong key with exit 0.
printf 'kod;värde\n01;1\0 00\n03;300\n' >"$WORK/nul-key.csv"
expect_error "allocate --weights: a NUL byte in a key file cell is refused, naming file, line and column" \
	"nul-key.csv:2:5: a NUL byte" allocate --total 1000 --weights "$WORK/nul-key.csv"
printf 'kod;värde\n01;100\n03;300\n' >"$WORK/key.csv"
run allocate --total 1000 --weights "$WORK/key.csv" --format csv
expect_rc "allocate --weights: the same file without the NUL byte allocates" 0

# An event whose actor is "an\0na" was stored as "an".
printf 'id,kind,dnr,part,recipient,date,by,amount\ne-nul,payment,%s,regioner,08,2021-02-22,an\0na,1 000\n' "$D0" >"$WORK/nul-ev.csv"
expect_refused "events import CSV: a NUL byte in the actor is refused" "nul-ev.csv:2:[0-9]+: a NUL byte" \
	events import "$WORK/nul-ev.csv" --by anna
printf '[{"id": "e-nul", "kind": "payment", "dnr": "%s", "part": "regioner", "recipient": "08",\n  "date": "2021-02-22", "by": "an\0na", "amount": 1000}]\n' "$D0" >"$WORK/nul-ev.json"
expect_refused "events import JSON: a NUL byte is refused with its line and column" "nul-ev.json:2:34: a NUL byte" \
	events import "$WORK/nul-ev.json" --by anna
printf '[{"id": "e-nul", "kind": "payment", "dnr": "%s", "part": "regioner", "recipient": "08", "date": "2021-02-22", "by": "an\\u0000na", "amount": 1000}]\n' "$D0" >"$WORK/nul-esc.json"
expect_refused "events import JSON: an escaped NUL (\\u0000) is refused too" "nul-esc.json:1:[0-9]+: not valid JSON: .*NUL" \
	events import "$WORK/nul-esc.json" --by anna

# A decision file, a register file and the CSV beside it, a published table.
python3 - "$EX/decisions/S2020-09797.json" "$WORK/nul-dec.json" <<'EOF'
import sys
s = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(s.replace(b'"title": "', b'"title": "\0', 1))
EOF
expect_refused "decision import: a NUL byte is refused naming the file" "nul-dec.json:[0-9]+:[0-9]+: a NUL byte" \
	decision import "$WORK/nul-dec.json" --by anna
mkdir -p "$WORK/reg"
cp "$EX"/register/*.json "$EX"/register/*.csv "$WORK/reg/"
python3 - "$WORK/reg/jamtland-2020-god-och-nara-vard.csv" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p, 'rb').read().split(b'\n')
lines[4] = lines[4].replace(b';', b';\0', 1)
open(p, 'wb').write(b'\n'.join(lines))
EOF
expect_refused "register import: a NUL byte in a breakdown CSV is refused naming that file and line" \
	"jamtland-2020-god-och-nara-vard.csv:5:2: a NUL byte" register import "$WORK/reg/jamtland-2020.json" --by anna
S=$SEEDS
line=$(python3 - "$S"/000_*.txt "$WORK/nul-table.txt" <<'EOF'
import sys
s = open(sys.argv[1], 'rb').read()
i = s.index(b'Region Stockholm')
open(sys.argv[2], 'wb').write(s[:i] + b'Region\0 Stockholm' + s[i + len(b'Region Stockholm'):])
print(s[:i].count(b'\n') + 1)
EOF
)
run verify "$WORK/nul-table.txt" --total 215000000
expect_rc "verify: a NUL byte in a published table: exit 2" 2
expect_err "... naming the table, its line and column" "nul-table.txt:$line:[0-9]+: a NUL byte"

# 2. A JSON object naming a key twice: the first 'by' would be dropped.
printf '[{"id": "e-dup", "kind": "payment", "dnr": "%s", "part": "regioner", "recipient": "08", "date": "2021-02-22", "by": "anna", "by": "bertil", "amount": 1000}]\n' "$D0" >"$WORK/dup.json"
expect_refused "events import JSON: a key given twice is refused" "dup.json:1:[0-9]+: not valid JSON: duplicate object key" \
	events import "$WORK/dup.json" --by anna
printf '{"format": "bidrag-register/1", "org": "23", "org": "24", "years": []}\n' >"$WORK/dup-reg.json"
expect_refused "register import: a key given twice is refused" "dup-reg.json:1:[0-9]+: not valid JSON: duplicate object key" \
	register import "$WORK/dup-reg.json" --by anna
python3 - "$EX/decisions/S2020-09797.json" "$WORK/dup-dec.json" <<'EOF'
import sys
s = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(s.replace(b'"title": ', b'"title": "x", "title": ', 1))
EOF
expect_refused "decision import: a key given twice is refused" "dup-dec.json:[0-9]+:[0-9]+: not valid JSON: duplicate object key" \
	decision import "$WORK/dup-dec.json" --by anna

# 3. A UTF-8 byte order mark (as Windows editors write it): accepted in
# JSON as it is in CSV.
export BIDRAG_DB=$(fresh_db bom)
"$BIDRAG" init >/dev/null
test_users
printf '\xEF\xBB\xBF' | cat - "$EX/decisions/S2020-09797.json" >"$WORK/bom-dec.json"
run decision import "$WORK/bom-dec.json" --by anna
expect_rc "decision import: a JSON file with a BOM is accepted" 0
run decision show "$D0"
expect_out "... and the decision is registered" "$D0"
printf '\xEF\xBB\xBF[{"id": "e-bom", "kind": "payment", "dnr": "%s", "part": "regioner", "recipient": "08", "date": "2021-02-22", "by": "anna", "amount": 1000}]\n' "$D0" >"$WORK/bom-ev.json"
run events import "$WORK/bom-ev.json" --by anna
expect_rc "events import: a JSON file with a BOM is accepted" 0
expect_out "... and the event recorded" "^recorded e-bom$"
cp "$EX"/register/*.csv "$WORK/reg/"
printf '\xEF\xBB\xBF' | cat - "$EX/register/jamtland-2020.json" >"$WORK/reg/bom.json"
run register import "$WORK/reg/bom.json" --by anna
expect_rc "register import: a JSON file with a BOM is accepted" 0
printf '\xEF\xBB\xBFkod;värde\n01;100\n03;300\n' >"$WORK/bom-key.csv"
run allocate --total 1000 --weights "$WORK/bom-key.csv" --format csv
expect_rc "allocate: a CSV file with a BOM is still accepted" 0
printf '\xEF\xBB\xBF{"format": 1' >"$WORK/bom-bad.json"
run decision import "$WORK/bom-bad.json" --by anna
expect_rc "a broken JSON file with a BOM: exit 2" 2
if printf '%s' "$ERR" | grep -q $'\xEF\xBB\xBF'; then fail "... and no invisible BOM in the message" "stderr: $ERR"; else pass "... and no invisible BOM in the message"; fi

# 4. Every message names the file as well as the line.
python3 -c 'import sys; sys.stdout.write("kod;värde\n01;" + "9" * (1 << 20 | 1) + "\n")' >"$WORK/long.csv"
expect_error "a field longer than 1 MiB: the message names the file and the line" \
	"long.csv:2: a field is longer than 1 MiB" allocate --total 1000 --weights "$WORK/long.csv"

done_testing
