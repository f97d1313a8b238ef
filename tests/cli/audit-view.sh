#!/usr/bin/env bash
# The audit log as a revisor reads it (issue 14, item 5): 'bidrag audit list'
# and GET /api/audit describe every action in Swedish (no raw
# 'ledger.record'), name people and organisations (a recipient's user by its
# organisation's name, not "org 23"), mark a name that is no user of the
# register ("root (ingen användare)": the OS account that set it up), and select by date (a day in Swedish
# time), user, object and action.  Each selection's count is checked against
# the audit_log table read with sqlite3/psql (and, for dates, Python's
# zoneinfo), CSV is read back with Python's csv, XLSX with unzip and the
# sheet's XML, the API as a revisor with curl; bad input is refused (exit 2,
# 400 with the field) and changes nothing; selecting is display only, the
# chain verifies as before.  Every action the code writes is in the one
# table of Swedish texts (src/core/audit.c).
. "$(dirname "$0")/lib.sh"
export BIDRAG_DB=$(fresh_db v)
EX=$BIDRAG_SRC/examples
PW="correct horse battery staple"
D0=S2020/09797
b() { "$BIDRAG" "$@"; }
spid=
cleanup() {
	if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
		kill -TERM "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	cleanup_work
}
trap cleanup EXIT

# Every action the code writes is in the table.  An action is the second
# argument of a call of a function named *audit* in src/ (a string, or each
# string of a ?: there).
python3 - "$BIDRAG_SRC" >"$WORK/written" <<'EOF'
import os, re, sys
src = sys.argv[1]
call = re.compile(r'\b([A-Za-z_]*audit[A-Za-z_]*)\s*\(')
lit = re.compile(r'"((?:[^"\\]|\\.)*)"')
def second_arg(text, i):
    depth, args, cur = 0, [], i
    start = i
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            i = j
        elif c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append(text[start:i])
                break
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(text[start:i])
            start = i + 1
            if len(args) == 2:
                break
        elif c == ';':
            break
        i += 1
    return args[1] if len(args) >= 2 else ''
found = set()
for root, _, files in os.walk(os.path.join(src, 'src')):
    for f in files:
        if f.endswith('.c'):
            text = open(os.path.join(root, f), encoding='utf-8').read()
            for m in call.finditer(text):
                for a in lit.findall(second_arg(text, m.end())):
                    found.add(a)
for a in sorted(found):
    print(a)
EOF
run audit actions
expect_rc "audit actions" 0
# An action may hold spaces ("bank import"): take what comes before the
# object type column, as the command aligns it.
width=$(printf '%s\n' "$OUT" | head -1 | awk '{print index($0, "object type") - 1}')
printf '%s\n' "$OUT" | awk -v w="$width" 'NR > 1 && NF && !/^object types/ && !/^  / {s = substr($0, 1, w); sub(/ +$/, "", s); print s}' | sort >"$WORK/table"
missing=$(comm -23 <(sort "$WORK/written") "$WORK/table" | tr '\n' ' ')
expect_eq "every action the code writes ($(wc -l <"$WORK/written") in src/) has a Swedish text in the table" "${missing:-none missing}" "none missing"
expect_eq "the table lists each action once" "$(uniq -d "$WORK/table" | tr '\n' ' ')" ""
grep -qx 'ledger.record' "$WORK/written" && grep -qx 'session.login' "$WORK/written" &&
	pass "the search finds actions written in store.c and web/auth.c (ledger.record, session.login)" ||
	fail "the search finds actions written in store.c and web/auth.c" "$(cat "$WORK/written")"

# A register with a story: seed 002's register filed and an organisation
# changed while the register had no users yet (recorded as the OS account,
# $ME, which is no user of it), the first user added by it, the others by
# the admin, a decision, its payments planned by anna and attested by
# bertil, a payment file, a password changed.
ME=$(id -un)
case " admin anna bertil rut eva " in *" $ME "*) fail "the OS account '$ME' is no test user's name" "run the test as another account" ;; esac
unset BIDRAG_USER BIDRAG_PASSWORD
setup() {
	b init >/dev/null || return 1
	b register import "$EX/register/jamtland-2020.json" >/dev/null 2>&1 || return 1
	b org set 23 --reference RJH-2020 >/dev/null || return 1
	printf '%s\n' "$PW" | b user add admin --role admin >/dev/null || return 1
	export BIDRAG_PASSWORD=$PW
	for u in anna:handlaggare bertil:attestant rut:revisor; do
		printf '%s\n' "$PW" | b user add "${u%%:*}" --role "${u#*:}" --by admin >/dev/null || return 1
	done
	printf '%s\n' "$PW" | b user add eva --role mottagare --org "Region Jämtland Härjedalen" --by admin >/dev/null || return 1
	b decision import "$EX/decisions/S2020-09797.json" --by anna >/dev/null 2>&1 || return 1
	b payee import "$EX/payees.csv" --user anna >/dev/null 2>&1 || return 1
	b pay plan "$D0" --date 2021-02-15 --by anna >/dev/null || return 1
	ids=$(b pay list --format csv | tail -n +2 | cut -d, -f1)
	# shellcheck disable=SC2086
	b pay attest $ids --date 2021-02-15 --by bertil >/dev/null || return 1
	b pay export --batch 2021-02-16 --format pain001 --date 2021-02-16 --output "$WORK/b.xml" --by anna >/dev/null || return 1
	printf 'a new password 2026\n' | b user passwd anna --by admin >/dev/null || return 1
}
if setup 2>"$WORK/setup.err"; then
	pass "a register with users, a decision paid and exported, a recipient register and a changed organisation"
else
	fail "a register with users, a decision paid and exported, a recipient register and a changed organisation" "$(tail -5 "$WORK/setup.err")"
	done_testing
	exit 1
fi

# The API: a server; eva (a mottagare), bertil (an attestant) and rut (the
# revisor) log in, which the log records.  The server is stopped while the
# command line reads, and started again for the API's part: the sessions are
# rows of the database, and outlive it.
start_server() {
	rm -f "$WORK/ready"
	"$BIDRAG" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" >>"$WORK/serve.out" 2>>"$WORK/serve.err" &
	spid=$!
	for _ in $(seq 100); do
		[ -s "$WORK/ready" ] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	URL=$(cat "$WORK/ready" 2>/dev/null)
	URL=${URL%/}
}
stop_server() {
	kill -TERM "$spid"
	wait "$spid"
	STOPPED=$?
	spid=
}
# http METHOD PATH [COOKIE [BODY]]: the status in $CODE, the body in
# $WORK/body, the headers in $WORK/headers.
http() {
	local args=(-s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$1" "$URL$2")
	[ -n "${3:-}" ] && args+=(-H "Cookie: bidrag_session=$3")
	[ "$1" = POST ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
	CODE=$(curl "${args[@]}")
}
login() {
	http POST /api/login "" "{\"name\": \"$1\", \"password\": \"$PW\"}"
	TOKEN=$(sed -n 's/^Set-Cookie: bidrag_session=\([0-9a-f]*\);.*/\1/ip' "$WORK/headers" | tr -d '\r')
}
start_server
login eva
EVA=$TOKEN
login bertil
BERTIL=$TOKEN
login rut
RUT=$TOKEN
stop_server
expect_eq "the server runs and eva, bertil and rut log in" "${URL:+up} ${#EVA} ${#BERTIL} ${#RUT}" "up 64 64 64"

# count WHERE: entries of the audit_log table, read by the database's own client.
count() { sql "$BIDRAG_DB" "SELECT count(*) FROM audit_log WHERE $1"; }
# listed ARGS...: how many entries 'audit list --format json ARGS' gives.
listed() {
	b audit list --format json "$@" 2>"$WORK/err" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "failed: $(cat "$WORK/err")"
}
sum0=$(db_sum "$BIDRAG_DB")
total=$(count "1 = 1")

# The whole log, in Swedish.
run audit list
expect_rc "audit list" 0
printf '%s\n' "$OUT" >"$WORK/text"
expect_out "a header in Swedish" "^ *Nr +Tid \(svensk tid\) +Vem +Åtgärd +Objekt$"
expect_eq "every entry is listed, and counted ($total)" "$(grep -cE '^ *[0-9]+  [0-9]{4}-' "$WORK/text") $(tail -1 "$WORK/text")" \
	"$total $total poster. Tider i svensk tid."
raw=
while read -r a; do
	grep -qF -- "$a" "$WORK/text" && raw="$raw $a"
done <"$WORK/table"
expect_eq "no action is shown by its code (ledger.record, session.login, ...)" "${raw:-none}" "none"
expect_out "ledger.record in Swedish, with the decision and its title" "anna, handläggare +Händelser registrerade i reskontran +Beslut S2020/09797 \(Utbetalning av medel för Personcentrerade"
expect_out "the attest by bertil, an attestant" "bertil, attestant +Händelser registrerade i reskontran +Beslut S2020/09797"
expect_out "the payment file, by its batch" "anna, handläggare +Utbetalningsfil skapad +Utbetalningsomgång 2021-02-16$"
expect_out "an organisation by its name and code" "$ME \(ingen användare\) +Organisationens uppgifter ändrade +Region Jämtland Härjedalen \(23\)$"
expect_out "a recipient's register by organisation and year" "$ME \(ingen användare\) +Mottagarens sammanställning av statsbidrag inlämnad +Region Jämtland Härjedalen \(23\), år 2020$"
expect_out "a recipient's user by her organisation's name" "admin, administratör +Användare tillagd +Användaren eva, mottagare för Region Jämtland Härjedalen \(23\)$"
expect_out "eva's login: she is named with her organisation" "eva, mottagare för Region Jämtland Härjedalen \(23\) +Inloggning i webbapplikationen +Användaren eva"
expect_out "the first user, added by the OS account, which is no user" "$ME \(ingen användare\) +Användare tillagd +Användaren admin, administratör$"
expect_eq "no organisation is shown as 'org N'" "$(grep -ciE '\borg [0-9]+' "$WORK/text")" "0"
expect_eq "every line by the OS account ($ME) says it is no user" \
	"$(grep -cE "^ *[0-9]+  [0-9-]+ [0-9:]+  $ME( |,)" "$WORK/text") $(grep -cE "^ *[0-9]+  [0-9-]+ [0-9:]+  $ME \(ingen användare\)" "$WORK/text")" \
	"$(count "actor = '$ME'") $(count "actor = '$ME'")"
# Swedish time: the text's time of each entry is its stamp in Europe/Stockholm (Python's zoneinfo).
sql "$BIDRAG_DB" "SELECT seq, at FROM audit_log ORDER BY seq" >"$WORK/stamps"
python3 - "$WORK/stamps" "$WORK/text" >"$WORK/tz" <<'EOF'
import re, sys
from datetime import datetime
from zoneinfo import ZoneInfo
want = {}
for line in open(sys.argv[1]):
    seq, at = line.strip().split('|')
    want[seq] = datetime.strptime(at, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=ZoneInfo('UTC')).astimezone(ZoneInfo('Europe/Stockholm')).strftime('%Y-%m-%d %H:%M:%S')
got = {m.group(1): m.group(2) for m in (re.match(r'^ *(\d+)  (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)', l) for l in open(sys.argv[2])) if m}
print('same' if got == want else 'differ: %s' % [(k, got.get(k), want[k]) for k in want if got.get(k) != want[k]][:3])
EOF
expect_eq "the times are the stamps in Swedish time" "$(cat "$WORK/tz")" "same"

# Each selection narrows the list as the table says.
expect_eq "--user anna: her entries" "$(listed --user anna)" "$(count "actor = 'anna'")"
expect_eq "--user $ME: a name that is no user can be selected (register import, org set, user add)" \
	"$(listed --user "$ME")" "$(count "actor = '$ME'")"
expect_eq "... it filed the register (2 years), changed org 23 and added the admin" \
	"$(count "actor = '$ME' AND action IN ('recipient-register.import', 'org.set', 'user.add')")" "4"
expect_eq "--user nobody: none" "$(listed --user nobody)" "0"
expect_eq "--action ledger.record" "$(listed --action ledger.record)" "$(count "action = 'ledger.record'")"
expect_eq "--action with two actions" "$(listed --action user.add,user.passwd)" "$(count "action IN ('user.add', 'user.passwd')")"
expect_eq "--user anna --action ledger.record: both" "$(listed --user anna --action ledger.record)" \
	"$(count "actor = 'anna' AND action = 'ledger.record'")"
expect_eq "--object decision:$D0: the decision and its events" "$(listed --object "decision:$D0")" \
	"$(count "object = '$D0' AND action IN ('decision.register', 'ledger.record')")"
org23=$(count "(object = '23' AND action IN ('org.add', 'org.set', 'payee.add', 'payee.reference', 'payee.approve')) OR (object LIKE '23 %' AND action = 'recipient-register.import')")
expect_eq "--object org:23: the organisation, its payee and its registers" "$(listed --object org:23)" "$org23"
expect_eq "... the same by its name" "$(listed --object "org:Region Jämtland Härjedalen")" "$org23"
expect_eq "... and by a short name the reference data knows" "$(listed --object org:Jämtland)" "$org23"
expect_eq "org:23 finds entries of three kinds" "$(b audit list --format json --object org:23 | python3 -c 'import json,sys; print(" ".join(sorted({e["object_type"] for e in json.load(sys.stdin)})))')" "org register"
expect_eq "--object 'register:23 2020': one year's register" "$(listed --object "register:23 2020")" "1"
expect_eq "--object user:eva: her user and her login" "$(listed --object user:eva)" \
	"$(count "object = 'eva' AND action IN ('user.add', 'user.passwd', 'session.login')")"
expect_eq "--object batch:2021-02-16" "$(listed --object batch:2021-02-16)" "$(count "object = '2021-02-16' AND action LIKE 'payment-file.%'")"
expect_eq "--object user: every entry about a user" "$(listed --object user)" "$(count "action IN ('user.add', 'user.passwd', 'session.login')")"
expect_eq "--object 23 (an id alone): the object or one beginning with it" "$(listed --object 23)" "$(count "object = '23' OR object LIKE '23 %'")"
expect_eq "--object org:23 --action ledger.record: nothing is both" "$(listed --object org:23 --action ledger.record)" "0"
expect_eq "--from 3 --to 7: entries 3 to 7" "$(listed --from 3 --to 7)" "$(count "seq BETWEEN 3 AND 7")"
expect_eq "--from 5: from entry 5 on" "$(listed --from 5)" "$(count "seq >= 5")"
run audit list --object org:23 --user "$ME"
expect_out "a selection is said in Swedish under the list" "^3 poster; urval: användare $ME; organisation Region Jämtland Härjedalen \(23\)\. Tider i svensk tid\.$"
run audit list --user nobody
expect_eq "an empty selection says so" "$OUT" "Inga poster i granskningsloggen för urvalet: användare nobody."

# Dates are days in Swedish time.  In a copy of the register, the entries'
# stamps are set around the changes of 2021 (around the log's locking
# triggers); the days selected are counted by Python's zoneinfo.
db_copy v dated
DATED=$(db_path dated)
STAMPS=(2020-12-31T22:59:59Z 2020-12-31T23:00:00Z 2021-03-27T22:59:59Z 2021-03-27T23:00:00Z 2021-03-28T21:59:59Z 2021-03-28T22:00:00Z
	2021-10-30T21:59:59Z 2021-10-30T22:00:00Z 2021-10-31T22:59:59Z 2021-10-31T23:00:00Z)
upd="$(drop_trigger audit_log_no_update audit_log)"
for i in $(seq 1 "$total"); do
	upd="$upd; UPDATE audit_log SET at = '${STAMPS[$(((i - 1) % ${#STAMPS[@]}))]}' WHERE seq = $i"
done
sql "$DATED" "$upd"
sql "$DATED" "SELECT at FROM audit_log" >"$WORK/dated-at"
days() {
	python3 - "$WORK/dated-at" "$1" "$2" <<'EOF'
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
lo, hi = sys.argv[2] or '0000', sys.argv[3] or '9999'
n = 0
for line in open(sys.argv[1]):
    d = datetime.strptime(line.strip(), '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=ZoneInfo('UTC')).astimezone(ZoneInfo('Europe/Stockholm')).date().isoformat()
    n += lo <= d <= hi
print(n)
EOF
}
dated() { BIDRAG_DB=$DATED listed "$@"; }
for r in "2021-03-28 2021-03-28" "2021-03-27 2021-03-27" "2021-10-31 2021-10-31" "2021-11-01 2021-11-01" "2021-01-01 2021-01-01" \
	"2020-12-31 2020-12-31" "2021-01-01 2021-10-30" "2021-03-28 2021-12-31"; do
	set -- $r
	want=$(days "$1" "$2")
	expect_eq "--from $1 --to $2 (Swedish days): $want entries" "$(dated --from "$1" --to "$2")" "$want"
done
expect_eq "--to 2021-03-27 alone" "$(dated --to 2021-03-27)" "$(days "" 2021-03-27)"
expect_eq "--from 2021-10-31 alone" "$(dated --from 2021-10-31)" "$(days 2021-10-31 "")"
expect_eq "the dates select something on each side (the check can fail)" "$(($(days 2021-03-28 2021-03-28) > 0 && $(days 2021-03-27 2021-03-27) > 0))" "1"
expect_eq "an entry stamped 2021-03-27T23:00:00Z is shown at 00:00:00 on the 28th" \
	"$(BIDRAG_DB=$DATED b audit list --from 2021-03-28 --to 2021-03-28 --format json | python3 -c 'import json,sys; print(sorted({e["at_local"] for e in json.load(sys.stdin)})[0])')" "2021-03-28 00:00:00"
# What the stamps changed is the chain's business: verify finds it there,
# while the register itself still verifies.
BIDRAG_DB=$DATED b audit verify >"$WORK/dv"
expect_eq "audit verify finds the changed stamps in the copy" "$? $(grep -c '^PROBLEM entry .* was changed' "$WORK/dv")" "1 $total"

# CSV: every field, read back with Python's csv.
run audit list --format csv --user anna
printf '%s\n' "$OUT" >"$WORK/anna.csv"
b audit list --format json --user anna >"$WORK/anna.json"
expect_eq "CSV: a row per entry, every field, the same as JSON" "$(python3 - "$WORK/anna.csv" "$WORK/anna.json" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
js = json.load(open(sys.argv[2]))
keys = ['seq', 'at_local', 'at', 'actor_text', 'actor', 'actor_known', 'action_text', 'action', 'object_text',
        'object_type', 'object', 'before', 'after', 'prev_sha256', 'sha256']
problems = []
if list(rows[0].keys()) != keys:
    problems.append('header %s' % list(rows[0].keys()))
if len(rows) != len(js):
    problems.append('%d rows, %d entries' % (len(rows), len(js)))
for r, e in zip(rows, js):
    for k in keys:
        want = e[k]
        want = ('ja' if want else 'nej') if k == 'actor_known' else '' if want is None else str(want)
        if r[k] != want:
            problems.append('%s %s: %r, want %r' % (r['seq'], k, r[k], want))
print('; '.join(problems[:3]) or 'same')
EOF
)" "same"
expect_eq "CSV: as many rows as anna's entries" "$(($(wc -l <"$WORK/anna.csv") - 1))" "$(count "actor = 'anna'")"
expect_eq "CSV: the 'after' JSON of a ledger entry (quotes and commas) survives" \
	"$(python3 -c "import csv,sys,json; r=[r for r in csv.DictReader(open('$WORK/anna.csv', newline='')) if r['action']=='ledger.record'][0]; print(json.loads(r['after'])['events'] > 0)")" "True"
b audit list --output "$WORK/all.csv"
expect_eq "--output FILE.csv writes CSV" "$(head -1 "$WORK/all.csv" | cut -d, -f1-3)" "seq,at_local,at"

# XLSX: the sheet's XML, read with unzip and Python.
run audit list --object org:23 --output "$WORK/org23.xlsx"
expect_rc "--output FILE.xlsx" 0
unzip -p "$WORK/org23.xlsx" xl/worksheets/sheet1.xml >"$WORK/sheet.xml" 2>/dev/null
unzip -p "$WORK/org23.xlsx" xl/sharedStrings.xml >"$WORK/strings.xml" 2>/dev/null
unzip -p "$WORK/org23.xlsx" xl/workbook.xml >"$WORK/book.xml" 2>/dev/null
read_sheet() {
	python3 - "$WORK/sheet.xml" "$WORK/strings.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
shared = []
try:
    shared = [''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])) for si in ET.parse(sys.argv[2]).getroot()]
except (ET.ParseError, FileNotFoundError):
    pass
for row in ET.parse(sys.argv[1]).getroot().iter('{%s}row' % ns['m']):
    cells = []
    for c in row.findall('m:c', ns):
        t = c.get('t')
        if t == 'inlineStr':
            cells.append(''.join(x.text or '' for x in c.iter('{%s}t' % ns['m'])))
        elif t == 's':
            cells.append(shared[int(c.find('m:v', ns).text)])
        else:
            v = c.find('m:v', ns)
            cells.append(v.text if v is not None else '')
    print('\t'.join(cells))
EOF
}
read_sheet >"$WORK/sheet.tsv"
expect_eq "XLSX: the sheet is named Granskningslogg" "$(grep -o 'name="Granskningslogg"' "$WORK/book.xml")" 'name="Granskningslogg"'
expect_eq "XLSX: a title with the selection" "$(head -1 "$WORK/sheet.tsv")" "Granskningslogg, urval: organisation Region Jämtland Härjedalen (23)"
expect_eq "XLSX: Swedish headers" "$(sed -n 2p "$WORK/sheet.tsv" | cut -f1-4)" "$(printf 'Nr\tTid (svensk tid)\tTid (UTC)\tVem')"
expect_eq "XLSX: a row per entry ($org23)" "$(($(wc -l <"$WORK/sheet.tsv") - 2))" "$org23"
expect_eq "XLSX: the entries' numbers as numbers, their actions in Swedish" \
	"$(tail -n +3 "$WORK/sheet.tsv" | cut -f1,7 | sort -n | tr '\t\n' ':|')" \
	"$(sql "$BIDRAG_DB" "SELECT seq FROM audit_log WHERE (object = '23' AND action IN ('org.add', 'org.set', 'payee.add', 'payee.reference', 'payee.approve')) OR (object LIKE '23 %' AND action = 'recipient-register.import') ORDER BY seq" |
		while read -r s; do printf '%s:%s|' "$s" "$(b audit list --format json --from "$s" --to "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["action_text"])')"; done)"

# Bad input is refused, naming what and what was expected; nothing is written.
expect_error "a date that does not exist" "--from '2021-02-30': expected a date \(YYYY-MM-DD, a day in Swedish time\) or an entry number, 1 or more" audit list --from 2021-02-30
expect_error "a malformed date" "--to '21-3-1': expected a date" audit list --to 21-3-1
expect_error "entry 0" "--from '0': expected a date .* or an entry number, 1 or more" audit list --from 0
expect_error "from after to" "--to '2021-01-01' is before from '2021-02-01' \(expected from <= to\)" audit list --from 2021-02-01 --to 2021-01-01
expect_error "an unknown format" "--format 'pdf': expected text, csv, json or xlsx" audit list --format pdf
expect_error "xlsx without a file" "xlsx output needs a file: give --output FILE.xlsx" audit list --format xlsx
expect_error "an unknown object type" "--object 'beslut:$D0': unknown type 'beslut' \(expected TYPE:ID, TYPE or ID; the types are decision, org," audit list --object "beslut:$D0"
expect_error "an unknown organisation" "--object 'org:Atlantis': unknown recipient 'Atlantis'" audit list --object org:Atlantis
expect_error "an unknown action" "--action 'ledger.erase': not an action of the audit log \(expected decision.register, " audit list --action ledger.erase
expect_error "a selection is not for verify" "--user is for 'audit list' \(verify checks the whole log\)" audit verify --user anna
expect_eq "bad input and listing changed nothing in the database" "$(db_sum "$BIDRAG_DB")" "$sum0"
run audit verify
expect_eq "the chain verifies after all the listing" "$RC $(printf '%s' "$OUT" | grep -oE '^[0-9]+ entries checked, 0 problems')" \
	"0 $(count "1 = 1") entries checked, 0 problems"

# The API, as the revisor: the same selections, in JSON, CSV and XLSX.
nlog=$(count "1 = 1")
start_server
api() { http GET "/api/audit$1" "$RUT"; }
jq_() { python3 -c "import json,sys; d=json.load(open('$WORK/body')); print($1)"; }
api ""
expect_eq "GET /api/audit (revisor): every entry" "$CODE $(jq_ 'len(d["entries"])')" "200 $(count "1 = 1")"
expect_eq "... each with its action in Swedish and the code kept" \
	"$(jq_ '[e for e in d["entries"] if e["action"] == "ledger.record"][0]["action_text"]')" "Händelser registrerade i reskontran"
expect_eq "... the OS account ($ME) is marked as no user, anna as a user" \
	"$(jq_ 'sorted({e["actor"]: (e["actor_known"], e["actor_text"]) for e in d["entries"] if e["actor"] in ("'"$ME"'", "anna")}.values())')" \
	"[(False, '$ME (ingen användare)'), (True, 'anna, handläggare')]"
expect_eq "... with the actions and object types a selection may name" \
	"$(jq_ 'len(d["actions"]), [t["key"] for t in d["object_types"]][:3]')" "$(wc -l <"$WORK/table") ['decision', 'org', 'register']"
api "?user=anna"
expect_eq "?user=anna" "$CODE $(jq_ 'len(d["entries"])')" "200 $(count "actor = 'anna'")"
api "?object=org%3A23&from=1"
expect_eq "?object=org:23" "$CODE $(jq_ 'len(d["entries"]), d["object"]')" "200 $org23 org:23"
api "?object=org%3AR%C3%A4ttvik"
expect_eq "?object=org:Rättvik (no entries, a known organisation)" "$CODE $(jq_ 'len(d["entries"]), d["selection"]')" \
	"200 0 organisation Rättviks kommun (2031)"
api "?action=ledger.record&user=bertil"
expect_eq "?action=ledger.record&user=bertil" "$CODE $(jq_ 'len(d["entries"])')" "200 $(count "actor = 'bertil' AND action = 'ledger.record'")"
today=$(TZ=Europe/Stockholm date +%F)
api "?from=$today&to=$today"
expect_eq "?from=today&to=today (Swedish time): every entry, all made today" "$CODE $(jq_ 'len(d["entries"])')" "200 $(count "1 = 1")"
api "?to=2020-12-31"
expect_eq "?to=2020-12-31: none" "$CODE $(jq_ 'len(d["entries"])')" "200 0"
api "?format=csv&user=anna"
expect_eq "?format=csv: a CSV file" "$CODE $(grep -i '^content-type' "$WORK/headers" | tr -d '\r')" "200 Content-Type: text/csv; charset=utf-8"
expect_eq "... as an attachment" "$(grep -i '^content-disposition' "$WORK/headers" | tr -d '\r')" 'Content-Disposition: attachment; filename="granskningslogg.csv"'
expect_eq "... the same as the command line's" "$(cat "$WORK/body")" "$(cat "$WORK/anna.csv")"
api "?format=xlsx&object=org%3A23"
cp "$WORK/body" "$WORK/api.xlsx"
unzip -p "$WORK/api.xlsx" xl/worksheets/sheet1.xml >"$WORK/sheet.xml" 2>/dev/null
unzip -p "$WORK/api.xlsx" xl/sharedStrings.xml >"$WORK/strings.xml" 2>/dev/null
expect_eq "?format=xlsx: a workbook with the selection's rows" "$CODE $(($(read_sheet | wc -l) - 2))" "200 $org23"
expect_eq "... of the spreadsheet type" "$(grep -i '^content-type' "$WORK/headers" | tr -d '\r')" \
	"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Refusals: 400 with the field; who may read.
bad() {
	api "$1"
	local field msg
	field=$(jq_ 'd.get("field")')
	msg=$(jq_ 'd["error"]')
	case $msg in
	"$4"*) expect_eq "$2: 400, field $3" "$CODE $field" "400 $3" ;;
	*) fail "$2: 400, field $3" "status $CODE, field $field" "error: $msg" "want: $4..." ;;
	esac
}
bad "?from=2021-02-30" "a date that does not exist" from "from '2021-02-30': expected a date (YYYY-MM-DD"
bad "?from=2021-02-01&to=2021-01-01" "from after to" to "to '2021-01-01' is before from '2021-02-01'"
bad "?from=0" "entry 0" from "from '0': expected a date"
bad "?format=pdf" "an unknown format" format "format 'pdf': expected json (the default), csv or xlsx"
bad "?object=beslut%3Ax" "an unknown object type" object "object 'beslut:x': unknown type 'beslut'"
bad "?object=org%3AAtlantis" "an unknown organisation" object "object 'org:Atlantis': unknown recipient 'Atlantis'"
bad "?action=ledger.erase" "an unknown action" action "action 'ledger.erase': not an action of the audit log"
http GET "/api/audit" "$BERTIL"
expect_eq "an attestant may not read the audit log: 403" "$CODE" "403"
http GET "/api/audit?user=eva" "$EVA"
expect_eq "a mottagare may not read it: 403" "$CODE" "403"
http GET "/api/audit"
expect_eq "nor anyone not logged in: 401" "$CODE" "401"
stop_server
expect_eq "bidrag serve exits 0 on SIGTERM" "$STOPPED" "0"
expect_eq "reading through the API appended nothing to the log" "$(count "1 = 1")" "$nlog"
if grep -qiE 'sanitizer|runtime error' "$WORK/serve.err"; then
	fail "the server logged no memory errors" "$(head -20 "$WORK/serve.err")"
else
	pass "the server logged no memory errors"
fi
run audit verify
expect_rc "the chain verifies at the end" 0
done_testing
