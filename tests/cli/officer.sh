#!/usr/bin/env bash
# The handläggare's records (issue 14 item 3) from the command line and the
# API: a financial report after its deadline is recorded and marked late in
# status, deadlines and GET /api/status and /api/deadlines; deadlines names
# the recipients behind each count; the ledger's refusals (a negative unused
# amount, a claim above what was paid, a lapse before the deadline, a
# correction of an unknown event) through both faces; four eyes per payment
# in a mixed attestation batch.  Every date is given.
. "$(dirname "$0")/lib.sh"
EX="$BIDRAG_SRC/examples/decisions"
D0=S2020/09797
REGIONS="01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25"
PW=officer-test-password
export BIDRAG_PASSWORD="$PW"
bg() {
	local s=$1 t=0 i k=0 d
	for ((i = ${#s} - 1; i >= 0; i--)); do
		d=${s:i:1}
		if [ $((k % 2)) -eq 0 ]; then d=$((d * 2)); [ "$d" -gt 9 ] && d=$((d - 9)); fi
		t=$((t + d)); k=$((k + 1))
	done
	s=$s$(((10 - t % 10) % 10))
	echo "${s:0:${#s}-4}-${s: -4}"
}

export BIDRAG_DB=$(fresh_db reg)
"$BIDRAG" init >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add root --role admin >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add anna --role handlaggare --by root >/dev/null
printf '%s\n' "$PW" | "$BIDRAG" user add bertil --role attestant --by root >/dev/null
# The OS account running the test is anna's: a change given no --by is hers.
"$BIDRAG" user map anna --os-account "$(id -un)" --by root >/dev/null
"$BIDRAG" decision import "$EX"/*.json >/dev/null 2>&1
for c in $REGIONS; do "$BIDRAG" org set "$c" --bankgiro "$(bg "51${c}000")" >/dev/null; done
"$BIDRAG" org set SKR --bankgiro "$(bg 5300000)" >/dev/null
# Seed 000's window payments: planned, attested, paid on 16 February 2021.
"$BIDRAG" pay plan $D0 --date 2021-02-15 --by anna >/dev/null
ids() { "$BIDRAG" pay list --state "$1" --format csv | python3 -c 'import csv,sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
"$BIDRAG" pay attest $(ids registered) --date 2021-02-15 --by bertil >/dev/null
run pay export --batch b1 --format pain001 --date 2021-02-16 --output "$WORK/b1.xml"
expect_rc "the regions are paid" 0

# Deadlines name the recipients behind each count.
run deadlines --as-of 2021-11-01
expect_out "deadlines: SKR's requisition is due, one recipient" "^2021-12-01 +om 30 d +Sista dag för rekvisition +$D0 +skr +15 000 000,00 kr inte rekvirerat \(1 mottagare\)"
expect_out "... and the recipient is named under the table" "^  har inte rekvirerat \(1\): Sveriges Kommuner och Regioner 15 000 000,00 kr$"
run deadlines --as-of 2022-03-01
expect_out "deadlines on 1 March 2022: 21 regions have not reported" "^2022-03-31 +om 30 d +Ekonomisk redovisning +$D0 +regioner +21 mottagare har inte redovisat"
expect_out "... named under the table" "^  har inte redovisat \(21\): .*Region Stockholm"
names() { # the names under the table for DNR's part PART: one a line
	printf '%s\n' "$OUT" | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
head = "%s del %s" % (sys.argv[1], sys.argv[2])
i = next(i for i, l in enumerate(lines) if l.endswith(head) and l[:4].isdigit())
text = ""
for l in lines[i + 1:]:
    if not l.startswith("  "): break
    if l.startswith("  ") and not l.startswith("    ") and text: break
    text += " " + l.split("):", 1)[1].strip() if "):" in l else " " + l.strip()
print("\n".join(n.strip() for n in text.split(",") if n.strip()))' "$1" "$2"
}
expect_eq "... every one of the 21 by name" "$(names $D0 regioner | sort -u | wc -l | tr -d ' ')" "21"

# A report after its deadline is accepted, with a warning, and marked late.
run report receive $D0 --part regioner --recipient 01 --unused 0 --date 2022-03-15 --by anna --id rep-01
expect_rc "a report in time is recorded" 0
if printf '%s' "$ERR" | grep -q warning; then fail "... without a warning" "$ERR"; else pass "... without a warning"; fi
run report receive $D0 --part regioner --recipient 12 --unused "1 000" --date 2022-05-02 --by anna --id rep-12
expect_rc "a report dated 2 May 2022, after the deadline 31 March 2022, is recorded (not refused)" 0
expect_err "... with a warning that it is late" "^warning: the financial report is dated 2 maj 2022, after the report deadline 31 mars 2022 of $D0 part regioner: it is recorded and marked late$"
run status $D0 --part regioner --as-of 2022-06-01
expect_out "status: the late report is marked under the table" "^Ekonomisk redovisning efter tidsgränsen \(sen\):$"
expect_out "... with the account and both dates" "^  $D0 del regioner, Region Skåne: redovisad 2 maj 2022, tidsgränsen var 31 mars 2022$"
expect_eq "... and only that one" "$(printf '%s\n' "$OUT" | grep -c 'redovisad .*tidsgränsen var')" "1"
run status $D0 --part regioner --as-of 2022-06-01 --format json
expect_eq "status --format json: report_date and late per account" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d={r["recipient"]: r for r in json.load(sys.stdin)}; print(d["Region Skåne"]["report_date"], d["Region Skåne"]["late"], d["Region Stockholm"]["report_date"], d["Region Stockholm"]["late"], d["Region Uppsala"]["report_date"])')" \
	"2022-05-02 sen 2022-03-15 None None"
run status $D0 --part regioner --as-of 2022-04-15 --format json
expect_eq "status as of 15 April 2022: the report of 2 May is not yet there" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d={r["recipient"]: r for r in json.load(sys.stdin)}; print(d["Region Skåne"]["report_date"], d["Region Skåne"]["late"])')" "None None"
run deadlines --as-of 2022-06-01
expect_out "deadlines: 19 have not reported, 1 reported late" "^2022-03-31 +FÖRSENAD 62 d +Ekonomisk redovisning +$D0 +regioner +19 mottagare har inte redovisat; 1 redovisade sent, efter tidsgränsen"
expect_out "... the late one named with its date" "^  redovisade sent, efter tidsgränsen \(1\): Region Skåne 2022-05-02$"
if printf '%s\n' "$OUT" | grep -E '^  har inte redovisat' | grep -qE 'Region Stockholm|Region Skåne'; then
	fail "... neither the one in time nor the late one is among those who have not reported" "$OUT"
else
	pass "... neither the one in time nor the late one is among those who have not reported"
fi
run deadlines --as-of 2022-06-01 --format json
expect_eq "deadlines --format json: late, late_recipients and who" \
	"$(printf '%s' "$OUT" | python3 -c '
import json,sys
x=[d for d in json.load(sys.stdin) if d["kind"]=="report" and d["part"]=="regioner"][0]
late=[w for w in x["who"] if w["late"]]
print(x["late"], x["late_recipients"], x["recipients"], len(x["who"]), late[0]["recipient"], late[0]["reported"], sum(1 for w in x["who"] if not w["late"] and w["reported"] is None))')" \
	"True 1 19 20 12 2022-05-02 19"

# A correction withdraws the late report: the account is due again, not late.
run correct rep-12 --reason "fel mottagare" --date 2022-05-03 --by anna
expect_rc "the late report is corrected" 0
run status $D0 --part regioner --as-of 2022-06-01 --format json
expect_eq "... and no longer marked late" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d={r["recipient"]: r for r in json.load(sys.stdin)}; print(d["Region Skåne"]["report_date"], d["Region Skåne"]["late"])')" "None None"
run status $D0 --part regioner --as-of 2022-05-02 --format json
expect_eq "... but as of 2 May, before the correction, it was" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; d={r["recipient"]: r for r in json.load(sys.stdin)}; print(d["Region Skåne"]["report_date"], d["Region Skåne"]["late"])')" "2022-05-02 sen"

# The ledger's refusals from the command line.
expect_error "a report with a negative unused amount is refused" "negative" \
	report receive $D0 --part regioner --recipient 03 --unused "-5" --date 2022-03-20 --by anna
expect_error "a claim above what was paid is refused" "a repayment of 999 999 999 kr claimed, but only .* paid out is not already claimed; nothing was recorded" \
	repay claim $D0 --part regioner --recipient 03 --amount 999999999 --date 2022-03-20 --by anna
expect_error "a lapse before the deadline is refused" "dated 1 november 2021 is not after the deadline 1 december 2021" \
	requisition refuse $D0 --part skr --recipient SKR --date 2021-11-01 --by anna
expect_error "a correction of an unknown event is refused" "no-such-event" \
	correct no-such-event --reason "finns inte" --date 2022-03-20 --by anna

# The same through the API, as the handläggare's forms send them.
"$BIDRAG" serve --listen 127.0.0.1:0 --ready-file "$WORK/ready" >"$WORK/serve.out" 2>"$WORK/serve.err" &
spid=$!
for _ in $(seq 1 100); do [ -s "$WORK/ready" ] && break; kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
URL=$(cat "$WORK/ready" 2>/dev/null)
# An own payment of bertil's (recorded from the command line as bertil while
# he was a handläggare: a user's role changes, his id stays) and one of
# anna's, both awaiting attestation.
"$BIDRAG" requisition add $D0 --part skr --recipient SKR --amount 15000000 --received 2021-11-15 --by anna --id req-skr >/dev/null
"$BIDRAG" pay add $D0 --part skr --recipient SKR --amount 1000000 --date 2021-12-06 --by anna --id pay-anna >/dev/null
sql "$BIDRAG_DB" "UPDATE app_user SET role = 'handlaggare' WHERE name = 'bertil'" >/dev/null
"$BIDRAG" pay add $D0 --part skr --recipient SKR --amount 2000000 --date 2021-12-06 --by bertil --id pay-bertil >/dev/null
sql "$BIDRAG_DB" "UPDATE app_user SET role = 'attestant' WHERE name = 'bertil'" >/dev/null
got=$(URL=$URL PW=$PW D0=$D0 python3 - <<'PY'
import http.client, json, os, re, urllib.parse
u = urllib.parse.urlparse(os.environ["URL"])
D0 = os.environ["D0"]
def req(method, path, body=None, cookie=None, csrf=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = {"Content-Type": "application/json"}
    if cookie: h["Cookie"] = "bidrag_session=" + cookie
    if csrf: h["X-CSRF-Token"] = csrf
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    return r.status, r.getheader("Set-Cookie") or "", r.read()
def login(name):
    st, sc, _ = req("POST", "/api/login", {"name": name, "password": os.environ["PW"]})
    cookie = re.search(r"bidrag_session=([0-9a-f]+)", sc).group(1)
    me = json.loads(req("GET", "/api/me", cookie=cookie)[2])
    return cookie, me.get("csrf")
anna = login("anna")
bertil = login("bertil")
def post(who, events):
    st, _, raw = req("POST", "/api/events", events, *who)
    return st, json.loads(raw or b"{}")
out = []
def refused(name, who, ev, pattern):
    st, b = post(who, [ev])
    msg = b.get("error", {}).get("message", "") if isinstance(b.get("error"), dict) else str(b.get("error", b))
    ok = st == 400 and re.search(pattern, msg)
    out.append(("ok" if ok else "FAIL") + " " + name + ("" if ok else ": %d %s" % (st, msg)))
acc = {"dnr": D0, "part": "regioner", "recipient": "03"}
refused("API: a report with a negative unused amount", anna, dict(acc, id="api-neg", kind="report", amount="-5", date="2022-03-20"), "negative")
refused("API: a claim above what was paid", anna, dict(acc, id="api-claim", kind="repay-claim", amount="999999999", date="2022-03-20"), "claimed, but only .* paid out is not already claimed")
refused("API: a lapse before the deadline", anna, {"id": "api-lapse", "kind": "lapse", "dnr": D0, "part": "samverkansregioner", "recipient": "SVR-NORRA", "date": "2021-11-01"}, "no requisition deadline|not after the deadline")
refused("API: a correction of an unknown event", anna, {"id": "api-corr", "kind": "correction", "ref": "no-such-event", "date": "2022-03-20", "reason": "x"}, "no-such-event")
# A late report through the API: recorded (201) and marked late in GET /api/status.
st, b = post(anna, [dict(acc, id="api-late", kind="report", amount="0", date="2022-04-20")])
st2, _, raw = req("GET", "/api/status?" + urllib.parse.urlencode({"dnr": D0, "as_of": "2022-06-01"}), None, *anna)
a = [x for x in json.loads(raw)["accounts"] if x["part"] == "regioner" and x["recipient"] == "03"][0]
out.append(("ok" if st == 201 and a["late"] is True and a["report_date"] == "2022-04-20" and a["report_deadline"] == "2022-03-31" else "FAIL") + " API: a late report is recorded and GET /api/status marks it late (%d, %s)" % (st, {k: a[k] for k in ("report_date", "late")}))
st3, _, raw = req("GET", "/api/deadlines?" + urllib.parse.urlencode({"as_of": "2022-06-01", "all": "true"}), None, *anna)
x = [d for d in json.loads(raw)["deadlines"] if d["kind"] == "report" and d["part"] == "regioner"][0]
late = sorted(w["recipient"] for w in x["who"] if w["late"])
out.append(("ok" if x["late"] is True and late == ["03"] and x["recipients"] == 19 and len([w for w in x["who"] if not w["late"]]) == 19 else "FAIL") + " API: GET /api/deadlines names who has not reported and who reported late (%s, %s)" % (late, x["recipients"]))
# Four eyes per payment: bertil attests a selection holding his own payment
# and anna's in one batch: the batch is refused whole (all or nothing).
st, b = post(bertil, [{"id": "att-anna", "kind": "attest", "ref": "pay-anna", "date": "2021-12-06"}, {"id": "att-bertil", "kind": "attest", "ref": "pay-bertil", "date": "2021-12-06"}])
msg = b.get("error", {}).get("message", "") if isinstance(b.get("error"), dict) else str(b)
out.append(("ok" if st == 400 and "four eyes" in msg and "event 2" in msg and "nothing was recorded" in msg else "FAIL") + " API: a mixed selection with one's own payment is refused whole (%d %s)" % (st, msg))
st, _, raw = req("GET", "/api/payments?state=registered", None, *bertil)
left = sorted(p["id"] for p in json.loads(raw)["payments"])
out.append(("ok" if left == ["pay-anna", "pay-bertil"] else "FAIL") + " API: ... neither payment is attested (%s)" % left)
st, b = post(bertil, [{"id": "att-anna", "kind": "attest", "ref": "pay-anna", "date": "2021-12-06"}])
out.append(("ok" if st == 201 else "FAIL") + " API: ... the other person's payment alone is attested (%d)" % st)
print("\n".join(out))
PY
)
while IFS= read -r line; do
	case "$line" in
	"ok "*) pass "${line#ok }" ;;
	*) fail "${line#FAIL }" ;;
	esac
done <<<"$got"
kill -TERM "$spid"
wait "$spid"
expect_eq "bidrag serve exits 0 on SIGTERM" "$?" "0"
if grep -qiE 'sanitizer|runtime error|segmentation' "$WORK/serve.err"; then
	fail "the server logged no memory errors" "$(grep -iE -m3 'sanitizer|runtime error|segmentation' "$WORK/serve.err")"
else
	pass "the server logged no memory errors"
fi
run ledger verify
expect_rc "ledger verify at the end" 0
done_testing
